/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dwcp_adaptive: the controller of an adaptive rate limiter.
 *
 * It only computes a rate; the token bucket that enforces it is separate.
 * It compares the P95 of observed latency with a target:
 *	P95 > 1.2 x target			-> rate x 0.90 (-10 %)
 *	P95 < 0.8 x target and mean < target	-> rate x 1.05 (+5 %)
 *	otherwise (dead band)			-> unchanged
 * and clamp to [min_rate, max_rate]. The ratios are configurable (ppm).
 *
 * Units. Rates are u64 milli-calls per second ("mcps"): 1000/s is 1000000.
 * Latencies and times are ns.
 *
 * Design choices, and why:
 * - Once per window. A sliding window of the last samples re-evaluated on
 *   EVERY sample, with no cooldown, would turn one slow burst of N samples
 *   into N consecutive -10 % cuts (0.9^N). Here a window's latencies go into
 *   that window's own histogram; dwcp_adaptive_tick() decides once, when
 *   @now has passed the window end (window_ns after its start) AND the
 *   window holds at least min_samples latencies (until then the window simply
 *   keeps collecting). Then the histogram is cleared and a new window starts
 *   at @now. So there is at most one step per window, like a per-interval
 *   controller (Envoy adaptive concurrency's concurrency_update_interval,
 *   Netflix concurrency-limits' windowed limits). window_ns = 0 gives pure
 *   sample-count windows (min_samples each).
 * - P95 comes from a log-linear histogram (hist.h, <= 6.25 % error,
 *   nearest-rank), never from sorting.
 * - Burst is never 0. A burst of int(rate) is 0 below 1 call/s, and a
 *   bucket that holds no whole call rejects everything. Here burst follows
 *   the rate as
 *	burst_calls = max(1, rate x burst_ns)	(rounded down)
 *   with burst_ns = 1 s by default (above 1/s: one second's worth of rate).
 * - One instance per policy, no globals: a limiter fed every operation's
 *   latency would let slow "send" calls throttle "receive".
 * - No growth while the caller is the limit ("app-limited"). The signal is
 *   utilisation: the calls OFFERED to the limiter in the window (admitted +
 *   rejected, reported with dwcp_adaptive_note_admit()) must reach
 *   min_util_ppm (default 50 %) of what the current rate allows over the
 *   window's length. Why this and not "at least one rejection": it does not
 *   depend on how much burst the token bucket holds (a generous burst hides
 *   rejections), it still works when traffic sits just under the limit, and it
 *   is the rule of Netflix concurrency-limits' AIMD/Gradient2/Vegas ("no growth
 *   when inflight x 2 < limit"). Without it an idle policy drifts up to
 *   max_rate and no longer protects anything when a burst arrives. Decreases
 *   are never gated: slow is slow whatever the load.
 */
#ifndef _DWCP_CORE_ADAPTIVE_H
#define _DWCP_CORE_ADAPTIVE_H

#include "compat.h"
#include "hist.h"

#define DWCP_MCPS_PER_CPS		1000ULL		/* mcps per call/s */
#define DWCP_ADAPTIVE_RATE_LIMIT	(1000000000ULL * DWCP_MCPS_PER_CPS)
#define DWCP_ADAPTIVE_WINDOW_LIMIT_NS	(86400ULL * NSEC_PER_SEC)
#define DWCP_ADAPTIVE_BURST_LIMIT_NS	(3600ULL * NSEC_PER_SEC)

struct dwcp_adaptive_config {
	u64 initial_rate;	/* mcps, in [min_rate, max_rate] */
	u64 min_rate;		/* mcps, >= 1 */
	u64 max_rate;		/* mcps, <= DWCP_ADAPTIVE_RATE_LIMIT */
	u64 target_ns;		/* latency target for the percentile */
	u64 window_ns;		/* decision interval; 0 = sample-count only */
	u64 burst_ns;		/* burst = rate x burst_ns, at least 1 call */
	u32 min_samples;	/* latencies needed before a window decides */
	u32 percentile_ppm;	/* 950000 = P95 */
	u32 high_ppm;		/* cut above target x high (1200000) */
	u32 low_ppm;		/* may grow below target x low (800000) */
	u32 decrease_ppm;	/* multiplier on cut (900000) */
	u32 increase_ppm;	/* multiplier on growth (1050000) */
	u32 min_util_ppm;	/* offered/allowed needed to grow (500000) */
};

struct dwcp_adaptive {
	struct dwcp_adaptive_config cfg;
	u64 rate;		/* current rate, mcps */
	u64 high_ns;		/* target x high_ppm */
	u64 low_ns;		/* target x low_ppm */
	u64 win_start;		/* ns */
	u64 win_admitted;	/* calls admitted by the limiter this window */
	u64 win_rejected;	/* calls rejected by the limiter this window */
	u64 last_pct_ns;	/* percentile of the last decided window */
	u64 last_mean_ns;	/* mean of the last decided window */
	u64 windows;		/* windows decided */
	u64 decreases;
	u64 increases;
	u64 app_limited;	/* growth suppressed: offered load too low */
	struct dwcp_hist win;	/* latencies of the current window */
};

/* DWCP send/receive profile: 1000/s in [100, 10000]/s, P95 target 100 ms. */
void dwcp_adaptive_config_default(struct dwcp_adaptive_config *cfg);
int dwcp_adaptive_config_check(const struct dwcp_adaptive_config *cfg, const char **why);

/* init/reconfigure return dwcp_adaptive_config_check()'s result. */
int dwcp_adaptive_init(struct dwcp_adaptive *a, const struct dwcp_adaptive_config *cfg, u64 now);
int dwcp_adaptive_reconfigure(struct dwcp_adaptive *a, const struct dwcp_adaptive_config *cfg,
			      u64 now);

static inline void dwcp_adaptive_record(struct dwcp_adaptive *a, u64 latency_ns)
{
	dwcp_hist_record(&a->win, latency_ns);
}

static inline void dwcp_adaptive_note_admit(struct dwcp_adaptive *a, bool rejected)
{
	if (rejected)
		a->win_rejected++;
	else
		a->win_admitted++;
}

/*
 * Would dwcp_adaptive_tick() decide a window at @now? Cheap and inline:
 * the data path calls the tick only when this says so (almost never).
 */
static inline bool dwcp_adaptive_tick_due(const struct dwcp_adaptive *a, u64 now)
{
	u64 elapsed = now > a->win_start ? now - a->win_start : 0;

	return elapsed >= a->cfg.window_ns && dwcp_hist_count(&a->win) >= a->cfg.min_samples;
}

bool dwcp_adaptive_tick(struct dwcp_adaptive *a, u64 now, u64 *new_rate);

u64 dwcp_adaptive_rate(const struct dwcp_adaptive *a);
u64 dwcp_adaptive_burst(const struct dwcp_adaptive *a);
u64 dwcp_adaptive_burst_for(u64 rate_mcps, u64 burst_ns);

#endif /* _DWCP_CORE_ADAPTIVE_H */
