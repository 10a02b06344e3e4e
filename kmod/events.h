/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dwcp_res: events on the "events" multicast group, and the tracepoints.
 *
 * The fast path never builds or sends a message under a policy lock. A
 * locked section snapshots the breaker's epoch when it starts
 * (dwcp_res_ev_begin()), notes a rejection that is due for an event
 * (dwcp_res_ev_reject()), and when it ends compares the epoch again
 * (dwcp_res_ev_end()): when nothing happened that is one compare. Only then
 * is the lock dropped and what was noted sent (dwcp_res_ev_report(), which
 * checks for listeners first and allocates with GFP_ATOMIC: the in-kernel
 * API may admit in atomic context).
 *
 * Reject events are rate-limited per policy: the first rejection after a
 * second without a reject event is reported at once, with the number of
 * rejections since the previous event; later ones in that second are only
 * counted. The tracepoint dwcp_res:reject sees every rejection.
 */
#ifndef _DWCP_RES_EVENTS_H
#define _DWCP_RES_EVENTS_H

#include <linux/jiffies.h>

#include "dwcp_res.h"
#include "trace.h"

/* What one locked section of the fast path changed. */
struct dwcp_res_ev {
	u32 epoch;		/* breaker epoch when the section began */
	u32 from;		/* breaker state then */
	u32 to;			/* breaker state at the end, if it moved */
	u32 reject;		/* reason to report, or DWCP_RES_REJECT_NONE */
	u64 reject_count;	/* rejections since the previous reject event */
	bool breaker;		/* the breaker moved */
	bool shadow;		/* @reject was let through (shadow mode) */
};

/* Start of a locked section; caller holds p->lock. */
static inline void dwcp_res_ev_begin(struct dwcp_res_ev *ev,
				     const struct dwcp_res_policy *p)
{
	ev->epoch = p->pipe.breaker.epoch;
	ev->from = dwcp_breaker_state(&p->pipe.breaker);
	ev->breaker = false;
	ev->reject = DWCP_RES_REJECT_NONE;
	ev->shadow = false;
}

/*
 * A rejection for @reason (@shadow: one shadow mode let through); caller
 * holds p->lock.
 */
static inline void __dwcp_res_ev_reject(struct dwcp_res_ev *ev,
					struct dwcp_res_policy *p, u32 reason,
					bool shadow)
{
	trace_reject(p->name, reason);
	p->ev_rejects++;
	if (time_before(jiffies, p->ev_reject_next))
		return;
	p->ev_reject_next = jiffies + HZ;
	ev->reject = reason;
	ev->reject_count = p->ev_rejects;
	ev->shadow = shadow;
	p->ev_rejects = 0;
}

static inline void dwcp_res_ev_reject(struct dwcp_res_ev *ev,
				      struct dwcp_res_policy *p, u32 reason)
{
	__dwcp_res_ev_reject(ev, p, reason, false);
}

static inline void dwcp_res_ev_shadow(struct dwcp_res_ev *ev,
				      struct dwcp_res_policy *p, u32 reason)
{
	__dwcp_res_ev_reject(ev, p, reason, true);
}

/*
 * End of a locked section, still under p->lock: true if there is anything
 * to report once the lock is dropped.
 */
static inline bool dwcp_res_ev_end(struct dwcp_res_ev *ev,
				   const struct dwcp_res_policy *p)
{
	if (likely(p->pipe.breaker.epoch == ev->epoch))
		return ev->reject != DWCP_RES_REJECT_NONE;
	ev->breaker = true;
	ev->to = dwcp_breaker_state(&p->pipe.breaker);
	ev->epoch = p->pipe.breaker.epoch;
	trace_breaker_transition(p->name, ev->from, ev->to, ev->epoch);
	return true;
}

/* Send what a section noted; without p->lock, any context but hardirq. */
void dwcp_res_ev_report(struct dwcp_res_policy *p, const struct dwcp_res_ev *ev);

static inline void dwcp_res_ev_lock(struct dwcp_res_policy *p, struct dwcp_res_ev *ev)
{
	dwcp_res_policy_lock(p);
	dwcp_res_ev_begin(ev, p);
}

static inline void dwcp_res_ev_unlock(struct dwcp_res_policy *p, struct dwcp_res_ev *ev)
{
	bool report = dwcp_res_ev_end(ev, p);

	dwcp_res_policy_unlock(p);
	if (unlikely(report))
		dwcp_res_ev_report(p, ev);
}

/* Process context, under the namespace's cfg_lock (keeps events in order). */
void dwcp_res_event_policy(struct net *net, const char *name, u32 what);
void dwcp_res_event_chaos(struct net *net, bool enabled);
/* Also fires the dwcp_res:level_change tracepoint. @cause: trigger bits. */
void dwcp_res_event_level(struct net *net, u32 from, u32 to, bool manual,
			  u32 cause);
/* Engine tick: a budget's alert bits changed (dwcp_res:budget_alert). */
void dwcp_res_event_alert(struct net *net, const char *name, u32 from,
			  u32 to, u32 remaining_ppm);
/* Engine tick: a health check changed state (dwcp_res:health_change). */
void dwcp_res_event_health(struct net *net, const struct dwcp_res_check *c);

#endif /* _DWCP_RES_EVENTS_H */
