/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Circuit breaker: a pure state machine with an explicit clock.
 *
 * States (enum dwcp_res_breaker_state):
 *
 *   CLOSED --trip--> OPEN --open_duration elapsed, next admit--> HALF_OPEN
 *   HALF_OPEN --all N probes good--> CLOSED
 *   HALF_OPEN --any probe failure, or probes stuck > max_wait--> OPEN
 *   DISABLED / FORCED_OPEN: operator states, left only by the operator
 *   (dwcp_breaker_force() or dwcp_breaker_reset()).
 *
 * Trip rules (enum dwcp_res_breaker_mode):
 *
 * - CONSECUTIVE (the default, and the DWCP profile's rule): trip when the
 *   number of consecutive failures reaches max_failures; a success while
 *   closed zeroes it. A SLOW result counts as a success here unless
 *   DWCP_BREAKER_F_SLOW_IS_FAILURE is set.
 * - COUNT_WINDOW: the outcomes of the last window_size (<= 64) calls, kept as
 *   two bitmasks (failed, slow) over a ring position with subtract-on-evict.
 * - TIME_WINDOW: window_size (<= 32) buckets of bucket_width_ns each, every
 *   bucket holding (calls, failures, slow); a bucket is subtracted from the
 *   running totals when the clock moves past it. This is resilience4j's
 *   COUNT_BASED / TIME_BASED sliding window design ("partial aggregates",
 *   O(1) per call).
 *   Both windows trip only once at least minimum_calls results are in the
 *   window (resilience4j minimumNumberOfCalls), when
 *   failures / calls >= failure_rate_ppm or, if slow_rate_ppm != 0,
 *   slow / calls >= slow_rate_ppm. A SLOW result is a success for the failure
 *   rate and counts toward the slow rate.
 *
 * Results (enum dwcp_res_result): SUCCESS, FAILURE and SLOW count; IGNORED
 * and CANCELLED never count as success or failure (a caller that gives up is
 * not evidence against the dependency: Netflix concurrency-limits PR #146),
 * but they do release a half-open probe permit, so an ignored result in the
 * last probe cannot leave the breaker stuck (resilience4j #544).
 *
 * Open: admits are rejected until open_duration_ns has elapsed since the
 * moment the breaker OPENED. Failures reported while open never move that
 * moment: were the time of the last failure also the "opened at" time, the
 * late failures of calls still in flight would keep extending the open
 * period. The move to half-open is lazy: it happens in the first
 * dwcp_breaker_admit() at or after the deadline (no timer), as in
 * resilience4j without automaticTransition.
 *
 * Half-open admits exactly half_open_permits probes at a time. A limit that
 * counted successes rather than calls in flight would let every call through
 * while the first probes are still running (resilience4j #1090, smallrye PR
 * #323). A probe permit is held from admit to complete. The breaker closes
 * when half_open_permits probes have succeeded (SLOW counts as a success,
 * except that in the window modes with slow_rate_ppm != 0 the breaker re-opens
 * instead when the slow share of the probes reaches slow_rate_ppm; in
 * CONSECUTIVE mode with F_SLOW_IS_FAILURE a SLOW probe is a failure). Any
 * failed probe re-opens it at once, re-arming the open period from that
 * moment. If the probes have not settled within max_wait_half_open_ns of
 * entering half-open (a lost completion, resilience4j #903/#935), the next
 * admit or complete moves the breaker to OPEN, or to CLOSED if
 * DWCP_BREAKER_F_HALF_OPEN_WAIT_CLOSES is set (the choice asked for in
 * resilience4j #2289). 0 waits forever.
 *
 * Epochs: every state transition increments b->epoch, and every admitted call
 * is handed the epoch it was admitted in. dwcp_breaker_complete() ignores (and
 * counts as stale) a result whose epoch is not the current one, so a slow call
 * started while closed cannot re-open a half-open breaker (it says nothing
 * about the dependency now), and results of calls admitted while
 * open/half-open of an earlier cycle cannot disturb this one (Envoy PR #11579:
 * "disregard samples from a previous epoch"). Probe permits belong to their
 * half-open epoch: entering or leaving half-open zeroes them, so a stale probe
 * completion can neither leak nor double-release a permit. The epoch is a u32
 * and skips 0 on wrap; a completion 2^32 transitions late would be mistaken
 * for a current one, which is accepted.
 *
 * Operator: DISABLED admits everything and never trips but still counts
 * results (window, consecutive count, totals); FORCED_OPEN rejects
 * everything, regardless of open_duration. dwcp_breaker_reset() moves to
 * CLOSED from any state. Entering CLOSED always clears the sliding window
 * and the consecutive count (resilience4j's closed state starts with fresh
 * metrics); lifetime totals (admitted, rejected, stale, results[]) are
 * monotonic and never cleared, so they can be exported as counters.
 *
 * Reconfiguration keeps the state, the epoch, the probe permits in flight,
 * the consecutive count and the lifetime totals. The sliding window is kept
 * too unless the mode, window_size or bucket_width_ns changes, in which case
 * it restarts empty (its contents would not mean the same thing). New
 * thresholds apply at the next result; a new open_duration_ns is measured
 * from the original opening moment; a smaller half_open_permits applies to
 * the next admit (probes in flight are not revoked).
 *
 * Classification of slow calls belongs to the caller (the breaker keeps no
 * per-call state): dwcp_breaker_classify() turns a SUCCESS that took at
 * least slow_call_ns into SLOW. A slow FAILURE stays a FAILURE.
 *
 * Metrics: read the fields of struct dwcp_breaker directly (documented
 * below) or take a dwcp_breaker_snapshot(), which also gives live time
 * window totals and the time left in OPEN. The caller can detect a
 * transition caused by admit/complete by comparing b->epoch before and after.
 */
#ifndef _DWCP_CORE_BREAKER_H
#define _DWCP_CORE_BREAKER_H

#include "compat.h"
#include <uapi/linux/dwcp_res.h>

#define DWCP_BREAKER_COUNT_WINDOW_MAX	64	/* calls in a COUNT_WINDOW */
#define DWCP_BREAKER_TIME_BUCKETS_MAX	32	/* buckets in a TIME_WINDOW */
#define DWCP_BREAKER_PERMITS_MAX	1024	/* half-open probes */
#define DWCP_BREAKER_PPM		1000000U
#define DWCP_BREAKER_BUCKET_MIN_NS	(1ULL * NSEC_PER_MSEC)
#define DWCP_BREAKER_BUCKET_MAX_NS	(3600ULL * NSEC_PER_SEC)

/* Defaults of the DWCP profile (Documentation/admin-guide.rst). */
#define DWCP_BREAKER_DEF_PERMITS	3	/* half-open probes */
#define DWCP_BREAKER_SEND_FAILURES	5	/* send, receive */
#define DWCP_BREAKER_SEND_OPEN_NS	(60ULL * NSEC_PER_SEC)
#define DWCP_BREAKER_SYNC_FAILURES	3	/* sync, consensus */
#define DWCP_BREAKER_SYNC_OPEN_NS	(30ULL * NSEC_PER_SEC)

/* cfg.flags */
#define DWCP_BREAKER_F_SLOW_IS_FAILURE		0x1	/* CONSECUTIVE: SLOW = failure */
#define DWCP_BREAKER_F_HALF_OPEN_WAIT_CLOSES	0x2	/* max_wait ends in CLOSED */
#define DWCP_BREAKER_F_ALL	(DWCP_BREAKER_F_SLOW_IS_FAILURE | \
				 DWCP_BREAKER_F_HALF_OPEN_WAIT_CLOSES)

struct dwcp_breaker_config {
	u32 mode;			/* enum dwcp_res_breaker_mode */
	u32 flags;			/* DWCP_BREAKER_F_* */
	u32 max_failures;		/* CONSECUTIVE: trip threshold, >= 1 */
	u32 half_open_permits;		/* probes, 1..PERMITS_MAX */
	u32 window_size;		/* COUNT: calls; TIME: buckets */
	u32 minimum_calls;		/* windows: no trip below this */
	u32 failure_rate_ppm;		/* windows: 1..1000000 */
	u32 slow_rate_ppm;		/* windows: 0 = off, else 1..1000000 */
	u64 open_duration_ns;		/* OPEN -> HALF_OPEN after this, > 0 */
	u64 max_wait_half_open_ns;	/* 0 = wait for probes forever */
	u64 bucket_width_ns;		/* TIME: width of one bucket */
	u64 slow_call_ns;		/* dwcp_breaker_classify(); 0 = off */
};

/* What dwcp_breaker_admit() decided; 0 admits, anything else rejects. */
enum dwcp_breaker_verdict {
	DWCP_BREAKER_ADMIT,
	DWCP_BREAKER_REJECT_OPEN,	/* open and open_duration not over */
	DWCP_BREAKER_REJECT_HALF_OPEN,	/* all probe permits are taken */
	DWCP_BREAKER_REJECT_FORCED,	/* operator FORCED_OPEN */
};

struct dwcp_breaker_bucket {
	u32 calls;
	u32 failures;
	u32 slow;
};

struct dwcp_breaker {
	struct dwcp_breaker_config cfg;
	u32 state;			/* enum dwcp_res_breaker_state */
	u32 epoch;			/* bumped on every transition, never 0 */
	u64 entered_at;			/* ns: when @state was entered */
	u64 transitions;		/* number of state changes */
	u32 consecutive_failures;	/* reset on success while closed */
	u32 probes_inflight;		/* HALF_OPEN: permits held */
	u32 probes_good;		/* HALF_OPEN: SUCCESS/SLOW probes */
	u32 probes_slow;		/* HALF_OPEN: of which SLOW */
	/* Sliding window totals (0 in CONSECUTIVE mode). */
	u64 win_calls;
	u64 win_failures;
	u64 win_slow;
	union {
		struct {
			u64 failed;		/* bit i: call i failed */
			u64 slow;		/* bit i: call i was slow */
			u32 pos;		/* next slot to write */
		} ring;
		struct {
			u64 head;		/* absolute index of newest bucket */
			u32 slot;		/* its slot in @b */
			struct dwcp_breaker_bucket b[DWCP_BREAKER_TIME_BUCKETS_MAX];
		} time;
	} win;
	/* Lifetime totals, monotonic. */
	u64 admitted;
	u64 rejected;
	u64 stale;			/* results of an old epoch, ignored */
	u64 results[__DWCP_RES_RESULT_MAX];	/* counted results by class */
};

struct dwcp_breaker_snapshot {
	u32 state;
	u32 epoch;
	u64 transitions;
	u32 consecutive_failures;
	u32 probes_inflight;
	u64 window_calls;
	u64 window_failures;
	u64 window_slow;
	u64 open_remaining_ns;		/* OPEN: time until probes; else 0 */
	u64 admitted;
	u64 rejected;
	u64 stale;
	u64 results[__DWCP_RES_RESULT_MAX];
};

/* Fill @cfg with the profile's CONSECUTIVE breaker, e.g. 5 / 60 s. */
void dwcp_breaker_config_default(struct dwcp_breaker_config *cfg, u32 max_failures,
				 u64 open_duration_ns);
/* 0, or -EINVAL / -ERANGE with *why set to a short message. */
int dwcp_breaker_config_check(const struct dwcp_breaker_config *cfg, const char **why);
/* Start CLOSED with empty counters; @cfg must have passed config_check. */
void dwcp_breaker_init(struct dwcp_breaker *b, const struct dwcp_breaker_config *cfg, u64 now);
/* Apply a checked @cfg, keeping state and counters (see above). */
void dwcp_breaker_reconfigure(struct dwcp_breaker *b, const struct dwcp_breaker_config *cfg,
			      u64 now);
/*
 * enum dwcp_breaker_verdict. On ADMIT *epoch is the token to hand to
 * complete(); on a rejection *epoch is 0 (never current) and b->rejected
 * counts it. Suggested errno: -ECONNREFUSED for every rejection reason.
 */
int dwcp_breaker_admit(struct dwcp_breaker *b, u64 now, u32 *epoch);
/*
 * Report the result of a call admitted with @epoch, exactly once per admit
 * (CANCELLED if the caller gave up). Unknown classes are taken as IGNORED.
 */
void dwcp_breaker_complete(struct dwcp_breaker *b, u32 epoch, enum dwcp_res_result r, u64 now);
/*
 * Count @admitted admissions (of calls that ended) and @successes SUCCESS
 * results of calls that never met the breaker one by one: the kernel shell's lock-free path
 * (Documentation/ulp.rst, "The lock-free path") admits calls while a
 * CONSECUTIVE breaker is CLOSED, where a success does nothing but reset
 * the failure count, and folds them in here in bulk. Successes that find
 * the breaker moved on since (not CLOSED) are stale, as late results are.
 */
void dwcp_breaker_fold(struct dwcp_breaker *b, u64 admitted, u64 successes);
/* SUCCESS slower than cfg.slow_call_ns becomes SLOW; others unchanged. */
static inline enum dwcp_res_result dwcp_breaker_classify(const struct dwcp_breaker *b,
							 enum dwcp_res_result r,
							 u64 duration_ns)
{
	if (r == DWCP_RES_RESULT_SUCCESS && b->cfg.slow_call_ns &&
	    duration_ns >= b->cfg.slow_call_ns)
		return DWCP_RES_RESULT_SLOW;
	return r;
}

/* Operator: go to DISABLED, FORCED_OPEN, OPEN or CLOSED; -EINVAL otherwise. */
int dwcp_breaker_force(struct dwcp_breaker *b, enum dwcp_res_breaker_state st, u64 now);
/* Operator: CLOSED with a cleared window and count (epoch still bumps). */
void dwcp_breaker_reset(struct dwcp_breaker *b, u64 now);
/* Read-only view; live time-window totals as of @now. */
void dwcp_breaker_snapshot(const struct dwcp_breaker *b, u64 now,
			   struct dwcp_breaker_snapshot *s);

static inline enum dwcp_res_breaker_state dwcp_breaker_state(const struct dwcp_breaker *b)
{
	return (enum dwcp_res_breaker_state)b->state;
}

#endif /* _DWCP_CORE_BREAKER_H */
