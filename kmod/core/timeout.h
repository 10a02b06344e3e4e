/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dwcp_timeout: an adaptive timeout estimator.
 *
 * It computes the timeout a policy's calls get; the data path enforces it.
 * Once at least 10 latencies are known, it aims at target = 2 x P95 and
 * moves towards it asymmetrically:
 *	target > current: current += (target - current) / 2	(rise fast)
 *	target < current: current -= (current - target) / 10	(fall slowly)
 * bounded to [10 ms, 5 min]. Rising fast and falling slowly is the usual
 * shape of RTO estimators: a timeout that is too short turns slow calls into
 * failures (and retries, and breaker trips), one that is too long only
 * delays the detection of a dead peer. All factors are configurable (ppm).
 *
 * Design choices, and why:
 * - Timed-out calls are fed in (against survivorship bias). Were only the
 *   calls that completed recorded, the P95 would only ever see calls that
 *   beat the current timeout, and the estimate would ratchet towards 2 x P95
 *   of the survivors, even while many calls were timing out. Here
 *   dwcp_timeout_record(t, latency, true) records a timed-out call as
 *   max(latency, current timeout): its true latency is at least that long.
 *   Once more than 5 % of a window times out, P95 >= the timeout and the
 *   target >= 2 x the timeout, so the estimate rises.
 * - Updates once per window (when @now has passed window_ns after its start
 *   and the window holds min_samples, default 10), from that window's own
 *   log-linear histogram (hist.h): O(1) per sample, where a sort of the last
 *   100 samples on every call would cost O(n log n) each; window_ns = 0
 *   gives pure sample-count windows. Steps never stall: a non-zero gap moves
 *   at least 1 ns.
 * - One object per policy (the module keeps it per policy, and policies are
 *   bounded): a map keyed by operation name would grow with every new name.
 * For callers that judge each call themselves, dwcp_timeout_adapt(latency,
 * success) is a manual step: success -> max(0.95 x current, 2 x latency);
 * failure -> 1.10 x current.
 */
#ifndef _DWCP_CORE_TIMEOUT_H
#define _DWCP_CORE_TIMEOUT_H

#include "compat.h"
#include "hist.h"

#define DWCP_TIMEOUT_LIMIT_NS		(3600ULL * NSEC_PER_SEC)
#define DWCP_TIMEOUT_WINDOW_LIMIT_NS	(86400ULL * NSEC_PER_SEC)

struct dwcp_timeout_config {
	u64 initial_ns;		/* starting timeout, in [min_ns, max_ns] */
	u64 min_ns;		/* lower bound (10 ms) */
	u64 max_ns;		/* upper bound (5 min), <= 1 h */
	u64 window_ns;		/* update interval; 0 = sample-count only */
	u32 min_samples;	/* samples a window needs to update (10) */
	u32 percentile_ppm;	/* 950000 = P95 */
	u32 multiplier_ppm;	/* target = pct x multiplier (2000000) */
	u32 rise_ppm;		/* share of the gap closed going up (500000) */
	u32 fall_ppm;		/* share of the gap closed going down (100000) */
};

struct dwcp_timeout {
	struct dwcp_timeout_config cfg;
	u64 current_ns;		/* the timeout to use now */
	u64 win_start;		/* ns */
	u64 win_timeouts;	/* timed-out calls in this window */
	u64 last_target_ns;	/* target of the last update */
	u64 updates;		/* windows that updated the estimate */
	u64 timeouts;		/* timed-out calls recorded, total */
	struct dwcp_hist win;	/* latencies of the current window */
};

/* DWCP profile: start at 30 s, bounded to [10 ms, 5 min]. */
void dwcp_timeout_config_default(struct dwcp_timeout_config *cfg);
int dwcp_timeout_config_check(const struct dwcp_timeout_config *cfg, const char **why);

/* init/reconfigure return dwcp_timeout_config_check()'s result. */
int dwcp_timeout_init(struct dwcp_timeout *t, const struct dwcp_timeout_config *cfg, u64 now);
int dwcp_timeout_reconfigure(struct dwcp_timeout *t, const struct dwcp_timeout_config *cfg,
			     u64 now);

static inline void dwcp_timeout_record(struct dwcp_timeout *t, u64 latency_ns,
				       bool timed_out)
{
	if (unlikely(timed_out)) {
		/* It ran at least this long; never let it pull the estimate down. */
		latency_ns = max(latency_ns, t->current_ns);
		t->win_timeouts++;
		t->timeouts++;
	}
	dwcp_hist_record(&t->win, latency_ns);
}

/*
 * Would dwcp_timeout_update() close the window at @now? Cheap and inline:
 * the data path calls the update only when this says so (almost never).
 */
static inline bool dwcp_timeout_update_due(const struct dwcp_timeout *t, u64 now)
{
	u64 elapsed = now > t->win_start ? now - t->win_start : 0;

	return elapsed >= t->cfg.window_ns && dwcp_hist_count(&t->win) >= t->cfg.min_samples;
}

bool dwcp_timeout_update(struct dwcp_timeout *t, u64 now);

static inline u64 dwcp_timeout_current(const struct dwcp_timeout *t)
{
	return t->current_ns;
}

void dwcp_timeout_adapt(struct dwcp_timeout *t, u64 latency_ns, bool success);

#endif /* _DWCP_CORE_TIMEOUT_H */
