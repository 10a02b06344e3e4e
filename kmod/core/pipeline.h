/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The admission pipeline of one policy: every protected call is admitted by
 * dwcp_pipe_admit() and finished by dwcp_pipe_complete(), in this order,
 * with one deadline:
 *
 *   1. degradation gate   the policy's priority at the current level
 *   2. circuit breaker    epoch handed to the call; half-open: N probes
 *   3. rate limit         token bucket (fixed, or driven by the adaptive
 *                         controller); a caller that may wait is charged
 *                         now for the exact slot (dwcp_tb_reserve)
 *   4. bulkhead           slot, or a place at the tail of the FIFO queue
 *   5. chaos dice         only when the caller says chaos is on
 *   6. (the call itself, bounded by dwcp_pipe_timeout())
 *   7. completion         classify (slow calls), feed the breaker (with the
 *                         call's epoch), error budget, latency histogram,
 *                         adaptive limiter and timeout, release the slot
 *
 * A stage that rejects undoes the earlier ones that hold something: the
 * half-open probe permit goes back (as CANCELLED, which never counts) and
 * the rate limiter's charge is refunded, so a call turned away by a full
 * bulkhead neither burns a probe nor a token.
 *
 * Waiting is the caller's business (the kernel shell sleeps, the host
 * benchmark never waits): admit returns DWCP_PIPE_WAIT_RATE with
 * t->wait_until, or DWCP_PIPE_WAIT_SLOT when the call was queued; the caller
 * sleeps, then calls dwcp_pipe_resume() (rate wait over, or slot granted by
 * a dwcp_pipe_complete() that returned true), or dwcp_pipe_abort() if it
 * gives up (deadline: the queue wait counts as timed out; signal: counted
 * as cancelled).
 *
 * Locking: none inside; the caller serialises every call on one pipe.
 */
#ifndef _DWCP_CORE_PIPELINE_H
#define _DWCP_CORE_PIPELINE_H

#include "compat.h"
#include <uapi/linux/dwcp_res.h>

#include "adaptive.h"
#include "breaker.h"
#include "budget.h"
#include "bulkhead.h"
#include "chaos.h"
#include "hist.h"
#include "latbudget.h"
#include "retry.h"
#include "tb.h"
#include "timeout.h"

/* struct dwcp_pipe_config.flags */
#define DWCP_PIPE_F_RATE	BIT(0)	/* rate limiting on */
#define DWCP_PIPE_F_ADAPTIVE	BIT(1)	/* rate follows the adaptive controller */
/*
 * Shadow mode: every stage decides and keeps its state as it would, and
 * nothing is refused, delayed or faulted. A call a stage would refuse is
 * admitted as a bypass (t->bypass): it skips the stages after that one and
 * its completion feeds nothing (no slot, no breaker, budget or latency), as
 * a refused call would not have. A call that would have waited for the
 * rate or a slot is judged as a caller that cannot wait: it is counted as
 * refused and bypasses. A chaos fault the dice pick is not carried out (the
 * dice still count against a fault's "times"); the call runs as it is, and
 * a fault that would have failed it is counted. t->shadow names what would
 * have happened; the shell counts it per reason.
 */
#define DWCP_PIPE_F_SHADOW	BIT(2)
#define DWCP_PIPE_F_ALL		(DWCP_PIPE_F_RATE | DWCP_PIPE_F_ADAPTIVE | \
				 DWCP_PIPE_F_SHADOW)

/* Everything that configures one policy; validated as a whole. */
struct dwcp_pipe_config {
	u32 flags;			/* DWCP_PIPE_F_* */
	u32 priority;			/* enum dwcp_res_priority */
	u32 degrade_limit_permille;	/* limits at degraded levels (750) */
	u32 bind;			/* enum dwcp_res_bind: the shell checks it */
	u32 bind_gid;			/* a kgid's value; DWCP_RES_BIND_GID_NONE: none */
	u64 latency_target_ns;		/* P95 latency budget */
	struct dwcp_breaker_config breaker;
	struct dwcp_tb_config rate;
	struct dwcp_adaptive_config adaptive;
	struct dwcp_bh_config bulkhead;
	struct dwcp_retry_config retry;
	struct dwcp_retry_budget_config retry_budget;
	struct dwcp_timeout_config timeout;
	struct dwcp_budget_config budget;
};

/* The DWCP profile (Documentation/admin-guide.rst); @class is one of DWCP_RES_CLASS_*. */
int dwcp_pipe_config_profile(struct dwcp_pipe_config *cfg, const char *class);

int dwcp_pipe_config_check(const struct dwcp_pipe_config *cfg,
			   const char **why);

enum dwcp_pipe_verdict {
	DWCP_PIPE_ADMIT,	/* run the call, then dwcp_pipe_complete() */
	DWCP_PIPE_WAIT_RATE,	/* sleep until t->wait_until, then resume */
	DWCP_PIPE_WAIT_SLOT,	/* queued: sleep until granted, then resume */
	DWCP_PIPE_REJECT,	/* t->reason says why; nothing to complete */
};

/* Where an admitted or waiting call stands. */
enum dwcp_pipe_stage {
	DWCP_PIPE_STAGE_RATE,	/* charged for a future slot, not yet due */
	DWCP_PIPE_STAGE_QUEUED,	/* in the bulkhead's wait queue */
	DWCP_PIPE_STAGE_ADMITTED,
	DWCP_PIPE_STAGE_DONE,
};

/* admit flags */
#define DWCP_PIPE_MAY_WAIT	BIT(0)	/* the caller can sleep for rate/slot */
#define DWCP_PIPE_CHAOS		BIT(1)	/* chaos is enabled: roll the dice */
/*
 * A stream call (a socket's send or receive), not an operation: an adaptive
 * rate is a rate of operations, driven by their latency, so it neither
 * limits such a call nor learns from it. A fixed rate applies to both.
 */
#define DWCP_PIPE_STREAM	BIT(2)

/* One call's ticket through the pipeline; lives on the caller's stack. */
struct dwcp_pipe_ticket {
	u64 start;		/* admit time, for the latency */
	u64 wait_until;		/* WAIT_RATE: when the reserved slot is due */
	u64 deadline;		/* absolute; 0 = none */
	u64 fault_value;	/* chaos: the fault's value (delay, errno...) */
	const struct dwcp_chaos_peer *peer;	/* remote address; NULL: none */
	u32 epoch;		/* breaker epoch the call was admitted in */
	u32 len;		/* bytes, for the per-byte rate cost */
	u8 stage;		/* enum dwcp_pipe_stage */
	u8 reason;		/* enum dwcp_res_reject */
	u8 fault;		/* chaos: enum dwcp_res_fault_kind, or FAULT_NONE */
	u8 charged;		/* the rate limiter charged this call */
	u8 fast;		/* admitted by the shell's lock-free path */
	u8 untimed;		/* its latency was not measured (@start unset) */
	u8 stream;		/* admitted with DWCP_PIPE_STREAM */
	u8 shadow;		/* shadow mode: what would have refused it */
	u8 bypass;		/* shadow mode: admitted past a refusal */
};

#define DWCP_PIPE_FAULT_NONE	0xff

/* A ticket about to be admitted: nothing charged, no fault, no verdict. */
static inline void dwcp_pipe_ticket_init(struct dwcp_pipe_ticket *t, u64 start,
					 u32 len, u64 deadline,
					 const struct dwcp_chaos_peer *peer)
{
	t->start = start;
	t->wait_until = 0;
	t->deadline = deadline;
	t->fault_value = 0;
	t->peer = peer;
	t->epoch = 0;
	t->len = len;
	t->reason = DWCP_RES_REJECT_NONE;
	t->fault = DWCP_PIPE_FAULT_NONE;
	t->charged = 0;
	t->fast = 0;
	t->untimed = 0;
	t->stream = 0;
	t->shadow = DWCP_RES_REJECT_NONE;
	t->bypass = 0;
}

/*
 * One fault of each kind per policy, indexed by enum dwcp_res_fault_kind,
 * each optionally scoped to a peer. Per call, at stage 5, the pipeline
 * first checks for a partition (one in force fails every matching call; a
 * hit of the partition dice starts one of the drawn duration), then rolls
 * error, timeout, latency and CPU spike in that order; the first hit is
 * the call's fault. Memory pressure is not a per-call fault: the shell
 * holds its memory while it is armed and chaos is enabled.
 */
#define DWCP_PIPE_NR_FAULTS	__DWCP_RES_FAULT_MAX

struct dwcp_pipe {
	u32 flags;
	u32 priority;
	u32 limit_permille;
	u32 inflight;		/* admitted and not completed */
	u64 latency_target_ns;
	struct dwcp_breaker breaker;
	struct dwcp_tb rate;
	struct dwcp_bh bulkhead;
	struct dwcp_retry_budget retry_budget;
	struct dwcp_retry_config retry;
	struct dwcp_adaptive adaptive;
	struct dwcp_timeout timeout;
	struct dwcp_budget budget;
	/*
	 * The latency budget: P95 <= latency_target_ns over a rolling
	 * DWCP_PIPE_LATBUDGET_WINDOW_NS, fed by every timed completion (and the
	 * lock-free path's samples at each fold). Only while the target is in
	 * the range a latency budget takes (dwcp_pipe_latbudget_on()).
	 */
	struct dwcp_latbudget latbudget;
	/* Faults by kind; off (probability 0) by default. */
	struct dwcp_chaos chaos[DWCP_PIPE_NR_FAULTS];
	u64 partition_until;	/* a partition is in force before this */
};

int dwcp_pipe_init(struct dwcp_pipe *p, const struct dwcp_pipe_config *cfg,
		   u64 now, const char **why);
/*
 * Apply a new config keeping state: breaker state, counters, windows.
 * Returns how many queued waiters a larger bulkhead let in (the caller
 * wakes that many head waiters), or a negative errno.
 */
int dwcp_pipe_reconfigure(struct dwcp_pipe *p,
			  const struct dwcp_pipe_config *cfg, u64 now,
			  const char **why);

/* Admit a call to @peer (NULL: no peer; only unscoped faults apply). */
enum dwcp_pipe_verdict dwcp_pipe_admit_peer(struct dwcp_pipe *p,
					    struct dwcp_pipe_ticket *t, u64 now,
					    u32 len, u32 level, u32 flags,
					    u64 deadline,
					    const struct dwcp_chaos_peer *peer);

static inline enum dwcp_pipe_verdict
dwcp_pipe_admit(struct dwcp_pipe *p, struct dwcp_pipe_ticket *t, u64 now,
		u32 len, u32 level, u32 flags, u64 deadline)
{
	return dwcp_pipe_admit_peer(p, t, now, len, level, flags, deadline, NULL);
}

enum dwcp_pipe_verdict dwcp_pipe_resume(struct dwcp_pipe *p,
					struct dwcp_pipe_ticket *t, u64 now,
					u32 flags);
/* @reason: BULKHEAD_WAIT or RATE on a deadline, NONE when interrupted. */
void dwcp_pipe_abort(struct dwcp_pipe *p, struct dwcp_pipe_ticket *t,
		     u64 now, u32 reason);
/*
 * Finish an admitted call. @result is SUCCESS/FAILURE/IGNORED/CANCELLED
 * (SLOW is derived from the breaker's slow threshold); @timed_out says the
 * call hit dwcp_pipe_timeout(). An untimed ticket feeds no latency to the
 * timeout estimator (unless it timed out), the adaptive limiter or the
 * slow-call rule. Returns true when the released bulkhead slot went to the
 * head waiter, which the caller must wake.
 */
bool dwcp_pipe_complete(struct dwcp_pipe *p, struct dwcp_pipe_ticket *t,
			u64 now, u32 result, bool timed_out);

/*
 * Arm (or, with probability 0, disarm) the policy's fault of @cfg->kind.
 * Re-arming a partition ends the one in force.
 */
int dwcp_pipe_set_fault(struct dwcp_pipe *p,
			const struct dwcp_chaos_config *cfg, const char **why);
/* Disarm every fault and end a partition in force. */
void dwcp_pipe_clear_faults(struct dwcp_pipe *p);
/* End a partition in force (chaos disabled); the faults stay armed. */
static inline void dwcp_pipe_end_partition(struct dwcp_pipe *p)
{
	p->partition_until = 0;
}

/*
 * The lock-free path (Documentation/ulp.rst). While a policy is quiet -
 * no rate limit, a CONSECUTIVE breaker that is CLOSED, nobody queued in
 * the bulkhead, no fault armed - a call's admission takes nothing but a
 * bulkhead slot and its successful completion changes nothing but
 * counters, so the kernel shell admits and completes such calls without
 * the policy lock, keeps what they did in per-CPU counters and an atomic,
 * and folds it in here, under the lock, before anything reads or decides
 * on the pipe. dwcp_pipe_fast_ok() says whether the pipe is quiet; a ticket
 * of the lock-free path has @fast set (its slot is the shell's: completing
 * it leaves the bulkhead alone). Folding can come up to one engine tick
 * late: a budget bucket or a timeout window may close a tick later.
 */
bool dwcp_pipe_fast_ok_for(const struct dwcp_pipe *p, bool stream);

static inline bool dwcp_pipe_fast_ok(const struct dwcp_pipe *p)
{
	return dwcp_pipe_fast_ok_for(p, false);
}

/*
 * Latency budgets (the DWCP profile's P95 targets: 100 ms send and receive,
 * 500 ms sync, 1 s consensus): the share of calls under the target over 5
 * minutes, and exhausted when the window's P95 is above it. Fewer than 20
 * calls in the window are no evidence (never exhausted).
 */
#define DWCP_PIPE_LATBUDGET_WINDOW_NS	(300ULL * NSEC_PER_SEC)
#define DWCP_PIPE_LATBUDGET_MIN_SAMPLES	20

static inline bool dwcp_pipe_latbudget_on(const struct dwcp_pipe *p)
{
	return p->latency_target_ns >= DWCP_LATBUDGET_MIN_TARGET_NS &&
	       p->latency_target_ns <= DWCP_HIST_MAX_NS;
}

/* Does the rate limit apply to a call admitted with @flags? */
static inline bool dwcp_pipe_rate_applies(const struct dwcp_pipe *p, u32 flags)
{
	return (p->flags & DWCP_PIPE_F_RATE) &&
	       !((flags & DWCP_PIPE_STREAM) && (p->flags & DWCP_PIPE_F_ADAPTIVE));
}

struct dwcp_pipe_fold {
	u32 active;		/* slots the lock-free path holds now */
	u32 released;		/* calls it admitted that ended since the last fold */
	u32 peak;		/* most slots (both kinds) it saw held */
	u64 successes;		/* of those, completed lock-free as SUCCESS */
	/* The latencies measured among them (a sample); NULL: none. */
	const struct dwcp_hist *latencies;
};

/* Returns how many head waiters now hold a slot (the caller wakes them). */
u32 dwcp_pipe_fold(struct dwcp_pipe *p, u64 now, const struct dwcp_pipe_fold *f);

/* Calls admitted and not completed, lock-free ones included. */
static inline u32 dwcp_pipe_inflight(const struct dwcp_pipe *p)
{
	return p->inflight + p->bulkhead.ext_active;
}

/* The call's time limit now: the adaptive timeout (the caller cuts it to its deadline). */
u64 dwcp_pipe_timeout(const struct dwcp_pipe *p);

/* The errno (negative) that goes with a rejection reason. */
int dwcp_pipe_reject_errno(const struct dwcp_pipe_ticket *t);

#endif /* _DWCP_CORE_PIPELINE_H */
