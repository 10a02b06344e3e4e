/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dwcp_res in-kernel API: put any call of another kernel module under the
 * protections of a dwcp_res policy.
 *
 *	struct dwcp_res_policy *p = dwcp_res_policy_get(net, "sync");
 *	struct dwcp_res_call call;
 *	int err;
 *
 *	err = dwcp_res_admit(p, &call, len, timeo, 0);
 *	if (err)
 *		return err;		// rejected: see enum dwcp_res_reject
 *	err = do_the_work();
 *	dwcp_res_complete(&call, err ? DWCP_RES_RESULT_FAILURE :
 *				     DWCP_RES_RESULT_SUCCESS, false);
 *	dwcp_res_policy_put(p);
 *
 * dwcp_res_admit() runs the admission pipeline (degradation gate, breaker,
 * rate limit, bulkhead, chaos) and returns 0 or the rejection's errno
 * (documented with enum dwcp_res_reject in <uapi/linux/dwcp_res.h>). With a
 * timeout (@timeo, jiffies, MAX_SCHEDULE_TIMEOUT for none) the caller may
 * sleep in the rate limiter and the bulkhead queue, never past @timeo, and
 * a signal ends the wait with -EINTR; @timeo 0 never sleeps, so it is safe
 * in atomic context. Every successful admit must be completed exactly once.
 *
 * Clients build with -I<dwcp_res>/include -I<dwcp_res>/kmod.
 */
#ifndef _NET_DWCP_RES_H
#define _NET_DWCP_RES_H

#include <linux/types.h>
#include <uapi/linux/dwcp_res.h>

#include "core/classify.h"
#include "core/pipeline.h"

struct net;
struct netlink_ext_ack;
struct dwcp_res_policy;

/* One protected call; lives on the caller's stack from admit to complete. */
struct dwcp_res_call {
	struct dwcp_res_policy *policy;
	struct dwcp_pipe_ticket t;
};

struct dwcp_res_policy *dwcp_res_policy_get(struct net *net, const char *name);
void dwcp_res_policy_put(struct dwcp_res_policy *p);

/* dwcp_res_admit() @flags */
#define DWCP_RES_ADMIT_TASK	0x1	/* task context, no spinlock held, may be
					 * preempted: a chaos CPU spike may
					 * busy-loop here even with @timeo 0
					 */
#define DWCP_RES_ADMIT_STREAM	0x2	/* a stream call (a socket's send or
					 * receive), not an operation: an
					 * adaptive rate neither limits it nor
					 * learns from it
					 */

int dwcp_res_admit(struct dwcp_res_policy *p, struct dwcp_res_call *call,
		   u32 len, long timeo, unsigned int flags);
/*
 * The same for a call to @peer (see struct dwcp_chaos_peer): chaos faults
 * scoped to a peer apply only to calls whose peer matches. dwcp_res_admit()
 * passes no peer, so in-kernel callers see only unscoped faults unless they
 * name their peer here. The ULP names the socket's remote address.
 */
int dwcp_res_admit_peer(struct dwcp_res_policy *p, struct dwcp_res_call *call,
			u32 len, long timeo, unsigned int flags,
			const struct dwcp_chaos_peer *peer);
void dwcp_res_complete(struct dwcp_res_call *call, u32 result, bool timed_out);

/*
 * "Call with protections": admit, run @fn, complete, and retry transient
 * failures (kmod/core/classify.h) with full-jitter backoff drawn from the
 * policy's retry budget, all within one deadline (@timeo, as for admit).
 * @fn gets the time it may take, in ns (the policy's adaptive timeout, cut
 * to what is left of the deadline), and must honour it: kernel code cannot
 * be cancelled from outside, so an overrun is counted as a timeout and
 * reported as -ETIMEDOUT. Rejections by the pipeline are never retried.
 * Returns 0, @fn's errno, or a rejection's errno.
 */
int dwcp_res_call(struct dwcp_res_policy *p, int (*fn)(void *arg, u64 timeout_ns),
		  void *arg, long timeo);

/* Policy management, as the netlink family does it. */
int dwcp_res_policy_add(struct net *net, const char *name,
			const struct dwcp_pipe_config *cfg,
			struct netlink_ext_ack *extack);
int dwcp_res_policy_set(struct net *net, const char *name,
			const struct dwcp_pipe_config *cfg,
			struct netlink_ext_ack *extack);
int dwcp_res_policy_del(struct net *net, const char *name,
			struct netlink_ext_ack *extack);

/*
 * Chaos: enabling needs the chaos_allowed module parameter (else -EPERM);
 * faults are armed per policy and only fire while chaos is enabled.
 */
int dwcp_res_chaos_enable(struct net *net, bool on, struct netlink_ext_ack *extack);
int dwcp_res_chaos_set(struct net *net, const char *policy,
		       const struct dwcp_chaos_config *cfg,
		       struct netlink_ext_ack *extack);
void dwcp_res_chaos_clear(struct net *net);

/*
 * Degradation level of a namespace (the DEGRADE_* netlink commands). A
 * manual level holds for @hold_ns (0 = until dwcp_res_degrade_auto());
 * auto hands the level back to automatic control. Process context.
 */
struct dwcp_res_degrade_info {
	u32 level;		/* enum dwcp_res_level */
	bool manual;
	u64 hold_left_ns;	/* manual: time left, 0 = until auto */
	u64 changes;
	u64 time_in_ns[__DWCP_RES_LEVEL_MAX];
};

int dwcp_res_degrade_set(struct net *net, u32 level, u64 hold_ns,
			 struct netlink_ext_ack *extack);
int dwcp_res_degrade_auto(struct net *net, struct netlink_ext_ack *extack);
void dwcp_res_degrade_get(struct net *net, struct dwcp_res_degrade_info *info);
/*
 * The level another component (another module) asks for: the
 * EXTERNAL input of the automatic control, one of the levels it takes the
 * highest of. DWCP_RES_LEVEL_NORMAL withdraws the request. Process context.
 */
int dwcp_res_degrade_external(struct net *net, u32 level,
			      struct netlink_ext_ack *extack);

/*
 * Report a transport error seen on a protected connection: a failed
 * connect, a reset, a refused or unreachable peer, a timeout or a broken
 * pipe (@err, negative; other errnos are ignored). The ULP reports its
 * sockets' errors itself; the "transport" health check counts them.
 */
void dwcp_res_transport_error(struct dwcp_res_policy *p, int err);

/*
 * Upper bounds of the exported latency histogram (DWCP_RES_S_LATENCY_HIST),
 * increasing, in ns. Each is an edge of the log-linear dwcp_hist buckets, so
 * the cumulative counts below them are exact.
 */
#define DWCP_RES_LAT_BOUNDS	19
extern const u64 dwcp_res_lat_bounds_ns[DWCP_RES_LAT_BOUNDS];

/* A consistent copy of a policy's counters, summed over CPUs. */
struct dwcp_res_policy_stats {
	u64 admitted;
	u64 completed;
	u64 waited;
	u64 results[__DWCP_RES_RESULT_MAX];
	u64 rejected[__DWCP_RES_REJECT_MAX];
	u64 shadow[__DWCP_RES_REJECT_MAX];	/* shadow mode: let through */
	u64 retries;		/* retries started */
	u64 retry_succeeded;	/* retried attempts that worked */
	u64 retry_exhausted;	/* retries refused: attempts or time used up */
	u64 retry_budget_refused;	/* retries refused by the retry budget */
	u64 lockfree;		/* of @admitted, ended calls admitted lock-free */
	u32 inflight;
	u32 bulkhead_active;
	u32 bulkhead_queued;
	u32 bulkhead_limit;	/* slots now (degraded levels scale it) */
	u32 breaker_state;
	u32 breaker_epoch;
	u32 budget_remaining_ppm;
	u32 success_ppm;
	bool latency_budget;	/* the policy has one (a latency target) */
	bool latency_exhausted;
	u32 latency_compliance_ppm;
	u64 rate_mcps;		/* current rate limit, 0 when off */
	u64 timeout_ns;		/* current adaptive timeout */
	u64 latency_ns[3];	/* lifetime P50, P95, P99 */
	/* Lifetime latency histogram, Prometheus style (all zero if
	 * the merge buffer could not be allocated).
	 */
	u64 latency_count;	/* calls whose latency was recorded */
	u64 latency_sum_ns;
	u64 latency_le[DWCP_RES_LAT_BOUNDS];	/* cumulative: calls with latency
						 * < dwcp_res_lat_bounds_ns[i]
						 */
};

/* Process context: sums per-CPU counters and histograms (may sleep). */
void dwcp_res_policy_stats(struct dwcp_res_policy *p,
			   struct dwcp_res_policy_stats *st);

/* Run @fn under a policy's pipeline with locked access (tests, netlink). */
void dwcp_res_policy_inspect(struct dwcp_res_policy *p,
			     void (*fn)(struct dwcp_pipe *pipe, void *arg),
			     void *arg);

#endif /* _NET_DWCP_RES_H */
