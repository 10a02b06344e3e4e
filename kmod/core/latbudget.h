/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Latency budget: "P(percentile) <= target" over a rolling time window.
 *
 * Algorithm
 * ---------
 * The window is a ring of DWCP_LATBUDGET_SLOTS = 3 log-linear histograms
 * (kmod/core/hist.h), each covering slot_ns = window_ns / 3 of absolute time
 * ([e * slot_ns, (e + 1) * slot_ns) for slot number e). Every call that
 * passes `now` first advances the ring to the slot holding `now`, clearing
 * the slots that fell out of the window; the window is the current (partial)
 * slot plus the two before it, so it spans between 2/3 and all of window_ns
 * (the same convention as the error budget, budget.h). A `now` that goes
 * backwards is counted in the current slot. Recording is O(1) (one histogram
 * insert and one compare); nothing is ever sorted (a sort of up to 1000
 * samples on every call would put O(n log n) work on the data path) and
 * nothing is lifetime-only (a lifetime ratio barely moves after a day of
 * traffic, so it cannot say that the latency is bad now).
 *
 * Each slot also counts exactly the samples above target_ns (compared at
 * record time, not through the histogram). That gives two reports:
 *
 *   exhausted   exact nearest-rank test: with n samples in the window and
 *               rank = ceil(n * p), P(p) > target <=> fewer than rank
 *               samples are <= target <=> n - exceeding < rank. Needs
 *               n >= max(1, min_samples). No histogram error at all.
 *   pctl        the window's nearest-rank percentile estimated from the
 *               merged histogram (walked slot by slot, 3 x 248 buckets, no
 *               temporary copy): the midpoint of the bucket holding the
 *               rank-th sample, within 1/16 of the exact value (hist.h).
 *   compliance  (n - exceeding) / n in ppm over the window, 1000000 with
 *               no samples.
 *
 * Near the threshold. When the exact P(p) is within 1/16 of target_ns the
 * estimate may land on the other side of the target: e.g. target 100 ms and
 * every sample at 100.5 ms is exhausted (exact) while pctl reports 96.5 ms,
 * the midpoint of the bucket [92.3, 100.7) ms. exhausted() is authoritative;
 * pctl is for display. (If exhausted were "pctl > target" the decision itself
 * would flip anywhere in [target * 16/17, target * 16/15].)
 *
 * Reconfigure keeps the window. A new window length folds the window's
 * samples into the current slot and re-bases the ring at `now`: they count
 * as recorded at the change and leave the window 2/3 to 1 new window
 * later (old slots do not map onto new ones). A new target
 * re-counts each slot's exceeding samples from its histogram (a sample
 * counts if its bucket midpoint is above the new target), so only samples
 * recorded before the change are judged to within 1/16; the lifetime
 * counters keep the target each sample was recorded against.
 *
 * Size: struct dwcp_latbudget is 3136 bytes (3 x 1016 histogram slots + 88),
 * below 4 KiB; kept in the per-policy object, never on the stack.
 * Queries (pctl, eval) cost ~750 additions: call them from the report or
 * timer path, not per packet; record is O(1).
 */
#ifndef _DWCP_CORE_LATBUDGET_H
#define _DWCP_CORE_LATBUDGET_H

#include "compat.h"
#include "hist.h"

#define DWCP_LATBUDGET_SLOTS		3
#define DWCP_LATBUDGET_PPM		1000000U
#define DWCP_LATBUDGET_DEF_WINDOW_NS	(300ULL * NSEC_PER_SEC)
#define DWCP_LATBUDGET_MIN_SLOT_NS	((u64)NSEC_PER_MSEC)
#define DWCP_LATBUDGET_MAX_WINDOW_NS	(31ULL * 86400 * NSEC_PER_SEC)
#define DWCP_LATBUDGET_MIN_TARGET_NS	((u64)NSEC_PER_USEC)

struct dwcp_latbudget_config {
	u64 target_ns;		/* 1 us .. DWCP_HIST_MAX_NS */
	u64 window_ns;		/* 3 ms .. 31 days, rounded down to 3 slots */
	u32 percentile_ppm;	/* 1 .. 1000000 (950000 = P95) */
	u32 min_samples;	/* low-traffic guard for exhausted, 0 = none */
};

struct dwcp_latbudget {
	struct dwcp_latbudget_config cfg;
	u64 slot_ns;
	u64 head_epoch;		/* absolute slot number of the head */
	u64 life_total;		/* lifetime counters (saturating) */
	u64 life_exceeding;
	u32 head;		/* ring index of the head slot */
	u64 exceeding[DWCP_LATBUDGET_SLOTS];	/* samples > target per slot */
	struct dwcp_hist slot[DWCP_LATBUDGET_SLOTS];
};

struct dwcp_latbudget_status {
	u64 total;		/* samples in the window */
	u64 exceeding;		/* of which above target */
	u64 pctl_ns;		/* estimated P(percentile), 0 if empty */
	u32 compliance_ppm;
	bool exhausted;
};

void dwcp_latbudget_config_default(struct dwcp_latbudget_config *cfg,
				   u64 target_ns, u32 percentile_ppm);
int dwcp_latbudget_config_check(const struct dwcp_latbudget_config *cfg,
				const char **why);
void dwcp_latbudget_init(struct dwcp_latbudget *lb,
			 const struct dwcp_latbudget_config *cfg, u64 now);
void dwcp_latbudget_reconfigure(struct dwcp_latbudget *lb,
				const struct dwcp_latbudget_config *cfg,
				u64 now);

void dwcp_latbudget_advance(struct dwcp_latbudget *lb, u64 now);
void dwcp_latbudget_record(struct dwcp_latbudget *lb, u64 now,
			   u64 latency_ns);
/*
 * Add the latencies of @h (recorded elsewhere, e.g. by a lock-free path)
 * as recorded at @now, as a sample of @calls calls (>= the samples in @h):
 * a path that times one call in 8 must weigh as much as one that times
 * them all. Which of them exceed the target is judged by their bucket's
 * midpoint, so only samples within 1/16 of the target can be judged on the
 * wrong side. O(buckets).
 */
void dwcp_latbudget_merge(struct dwcp_latbudget *lb, u64 now,
			  const struct dwcp_hist *h, u64 calls);

void dwcp_latbudget_window(struct dwcp_latbudget *lb, u64 now,
			   u64 *total, u64 *exceeding);
u64 dwcp_latbudget_pctl(struct dwcp_latbudget *lb, u64 now);
bool dwcp_latbudget_exhausted(struct dwcp_latbudget *lb, u64 now);
u32 dwcp_latbudget_compliance_ppm(struct dwcp_latbudget *lb, u64 now);
void dwcp_latbudget_eval(struct dwcp_latbudget *lb, u64 now,
			 struct dwcp_latbudget_status *st);

#endif /* _DWCP_CORE_LATBUDGET_H */
