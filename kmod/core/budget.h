/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Error budget: an SLO over a rolling window, with burn-rate alerts.
 *
 * Algorithm
 * ---------
 * The window (the SLO period, 1 h by default) is a fixed ring of nbuckets
 * buckets (60 by default, so 1-minute buckets), each counting total and bad
 * events. Bucket e covers absolute time [e * w, (e + 1) * w) with
 * w = window_ns / nbuckets. Every call that passes `now` first advances the
 * ring to the bucket holding `now`, clearing the buckets that fell out of the
 * window and subtracting their counts from the running window totals
 * (subtract-on-evict, as in resilience4j's time-based sliding window), so the
 * window totals are O(1) to read and nothing is ever reset wholesale. The
 * window is the current (partial) bucket plus the nbuckets - 1 before it, so
 * it spans between (nbuckets - 1) * w and nbuckets * w of time. A `now` that
 * goes backwards is counted in the current bucket.
 *
 * Reports (all integer):
 *   success rate   = (total - bad) / total, ppm; 1000000 with no traffic
 *   remaining      = 1 - bad / (total * (1 - SLO)), ppm, floored at 0;
 *                    1000000 with no traffic
 *   burn rate      = (bad / total) / (1 - SLO), x1000 fixed point, over the
 *                    last k buckets (the current bucket and k - 1 before it)
 *
 * Multiwindow, multi-burn-rate alerts (Google SRE workbook, "Alerting on
 * SLOs", table 5-8): for a 30-day period the pairs (long, short, burn) are
 * (1 h, 5 min, 14.4), (6 h, 30 min, 6) and (3 d, 6 h, 1); short = long / 12;
 * a pair fires when the burn over both windows is >= its threshold. Here the
 * configured window plays the role of the 30-day period (elastic/kibana
 * #170830: the thresholds only make sense relative to the period), so each
 * long window keeps its fraction of the period (1/720, 1/120, 1/10), each
 * short window is long / 12 (1/8640, 1/1440, 1/120) and the thresholds are
 * unchanged. Windows are rounded to whole buckets, half up, and are at least
 * one bucket (and at most nbuckets):
 *   long_k  = max(1, round(nbuckets * {1, 6, 72} / 720))
 *   short_k = max(1, round(nbuckets * {1, 6, 72} / 8640))
 * With the default 60 buckets that is (1, 1), (1, 1) and (6, 1) buckets: the
 * two page pairs collapse onto the current bucket, so use more buckets
 * (up to DWCP_BUDGET_MAX_BUCKETS) for finer page alerts. dwcp_budget_alert_k()
 * reports the windows actually used.
 *
 * Low traffic (SRE workbook, "low-traffic services"; pyrra #1602): a pair
 * only fires, and the budget is only "exhausted", when the long window
 * (respectively the whole window) holds at least min_events events, so one
 * failure out of three calls does not exhaust a 99.9 % budget.
 * Exhausted <=> remaining == 0 and total >= min_events.
 *
 * Aggregation: a "system" budget is simply another struct dwcp_budget that
 * the pipeline feeds with every completion it feeds a policy's budget with;
 * dwcp_budget_merge() also folds one budget's window into another of the same
 * geometry, for an on-demand aggregate of several policies.
 *
 * Why a rolling ring: a tumbling window, reset by the first request after
 * it expires, forgets all history at once (and that request with it), so
 * the budget reads full right after a bad hour. The low-traffic guard keeps
 * one failure among a handful of calls from exhausting a budget, and burn
 * rates say how fast the budget goes, not only whether it is gone.
 */
#ifndef _DWCP_CORE_BUDGET_H
#define _DWCP_CORE_BUDGET_H

#include "compat.h"
#include <uapi/linux/dwcp_res.h>

#define DWCP_BUDGET_MAX_BUCKETS		256
#define DWCP_BUDGET_DEF_BUCKETS		60
#define DWCP_BUDGET_DEF_WINDOW_NS	(3600ULL * NSEC_PER_SEC)
#define DWCP_BUDGET_DEF_MIN_EVENTS	100
#define DWCP_BUDGET_MIN_BUCKET_NS	((u64)NSEC_PER_MSEC)
#define DWCP_BUDGET_PPM			1000000U
#define DWCP_BUDGET_NR_ALERTS		3	/* burn-rate pairs */

struct dwcp_budget_config {
	u32 slo_ppm;		/* target success ratio, 1..999999 ppm */
	u32 nbuckets;		/* ring size, 1..DWCP_BUDGET_MAX_BUCKETS */
	u64 window_ns;		/* SLO period; a multiple of nbuckets */
	u32 min_events;		/* low-traffic guard, 0 = none */
};

struct dwcp_budget_bucket {
	u32 total;		/* saturating */
	u32 bad;
};

struct dwcp_budget {
	struct dwcp_budget_config cfg;
	u64 bucket_ns;
	u64 head_epoch;		/* absolute bucket number of the head */
	/*
	 * (head_epoch + 1) * bucket_ns, saturated at U64_MAX: where the head
	 * bucket ends. Cached so that the data path compares instead of
	 * dividing; kept in step with head_epoch and bucket_ns everywhere.
	 */
	u64 next_edge_ns;
	u32 head;		/* ring index of the head bucket */
	u32 alerts;		/* enum dwcp_res_alert bits at the last eval */
	u64 win_total;		/* sums over the ring (subtract-on-evict) */
	u64 win_bad;
	u64 life_total;		/* lifetime counters, never reset */
	u64 life_bad;
	u16 long_k[DWCP_BUDGET_NR_ALERTS];	/* alert windows, buckets */
	u16 short_k[DWCP_BUDGET_NR_ALERTS];
	struct dwcp_budget_bucket ring[DWCP_BUDGET_MAX_BUCKETS];
};

struct dwcp_budget_status {
	u64 total;		/* events in the window */
	u64 bad;
	u32 success_ppm;
	u32 remaining_ppm;
	u32 burn_long_x1000[DWCP_BUDGET_NR_ALERTS];
	u32 burn_short_x1000[DWCP_BUDGET_NR_ALERTS];
	u32 alerts;		/* enum dwcp_res_alert bits */
	bool exhausted;
};

/* Burn thresholds of the three pairs, x1000: 14.4, 6 and 1. */
extern const u32 dwcp_budget_burn_threshold_x1000[DWCP_BUDGET_NR_ALERTS];

void dwcp_budget_config_default(struct dwcp_budget_config *cfg, u32 slo_ppm);
int dwcp_budget_config_check(const struct dwcp_budget_config *cfg,
			     const char **why);
void dwcp_budget_init(struct dwcp_budget *b,
		      const struct dwcp_budget_config *cfg, u64 now);
void dwcp_budget_reconfigure(struct dwcp_budget *b,
			     const struct dwcp_budget_config *cfg, u64 now);

/* Roll the ring forward to the bucket of @now; see dwcp_budget_advance(). */
void dwcp_budget_advance_slow(struct dwcp_budget *b, u64 now);

/*
 * Every call that passes @now advances the ring first. Almost always @now
 * is still inside the head bucket (or before it: the clock went back), and
 * that is one compare against the cached end of the head bucket.
 */
static inline void dwcp_budget_advance(struct dwcp_budget *b, u64 now)
{
	if (likely(now < b->next_edge_ns))
		return;
	dwcp_budget_advance_slow(b, now);
}

void dwcp_budget_add(struct dwcp_budget *b, u64 now, u32 total, u32 bad);

static inline void dwcp_budget_record(struct dwcp_budget *b, u64 now,
				      bool failed)
{
	dwcp_budget_add(b, now, 1, failed ? 1 : 0);
}

bool dwcp_budget_record_result(struct dwcp_budget *b, u64 now, u32 result);

void dwcp_budget_window(struct dwcp_budget *b, u64 now, u32 k,
			u64 *total, u64 *bad);
u32 dwcp_budget_burn_x1000(struct dwcp_budget *b, u64 now, u32 k);
u32 dwcp_budget_remaining_ppm(struct dwcp_budget *b, u64 now);
u32 dwcp_budget_success_ppm(struct dwcp_budget *b, u64 now);
bool dwcp_budget_exhausted(struct dwcp_budget *b, u64 now);
u32 dwcp_budget_eval(struct dwcp_budget *b, u64 now,
		     struct dwcp_budget_status *st);
void dwcp_budget_alert_k(const struct dwcp_budget *b, u32 pair,
			 u32 *long_k, u32 *short_k);
int dwcp_budget_merge(struct dwcp_budget *dst, struct dwcp_budget *src,
		      u64 now);

#endif /* _DWCP_CORE_BUDGET_H */
