// SPDX-License-Identifier: GPL-2.0
/*
 * Latency budget over a rolling ring of histograms; see latbudget.h.
 */
#include "latbudget.h"

void dwcp_latbudget_config_default(struct dwcp_latbudget_config *cfg,
				   u64 target_ns, u32 percentile_ppm)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->target_ns = target_ns;
	cfg->percentile_ppm = percentile_ppm;
	cfg->window_ns = DWCP_LATBUDGET_DEF_WINDOW_NS;
}

int dwcp_latbudget_config_check(const struct dwcp_latbudget_config *cfg,
				const char **why)
{
	if (cfg->target_ns < DWCP_LATBUDGET_MIN_TARGET_NS ||
	    cfg->target_ns > DWCP_HIST_MAX_NS) {
		*why = "latency target must be between 1 us and 1099 s";
		return -ERANGE;
	}
	if (cfg->percentile_ppm == 0 || cfg->percentile_ppm > DWCP_LATBUDGET_PPM) {
		*why = "percentile must be between 1 and 1000000 ppm";
		return -ERANGE;
	}
	if (cfg->window_ns < DWCP_LATBUDGET_SLOTS * DWCP_LATBUDGET_MIN_SLOT_NS ||
	    cfg->window_ns > DWCP_LATBUDGET_MAX_WINDOW_NS) {
		*why = "latency window must be between 3 ms and 31 days";
		return -ERANGE;
	}
	return 0;
}

/* Clamps only keep an unchecked config from dividing by zero. */
static void dwcp_latbudget_set_config(struct dwcp_latbudget *lb,
				      const struct dwcp_latbudget_config *cfg)
{
	lb->cfg = *cfg;
	lb->cfg.percentile_ppm = clamp_t(u32, lb->cfg.percentile_ppm, 1,
					 DWCP_LATBUDGET_PPM);
	lb->slot_ns = max_t(u64, div_u64(lb->cfg.window_ns, DWCP_LATBUDGET_SLOTS),
			    1);
}

void dwcp_latbudget_init(struct dwcp_latbudget *lb,
			 const struct dwcp_latbudget_config *cfg, u64 now)
{
	BUILD_BUG_ON(sizeof(struct dwcp_latbudget) > 4096);

	memset(lb, 0, sizeof(*lb));
	dwcp_latbudget_set_config(lb, cfg);
	lb->head_epoch = div64_u64(now, lb->slot_ns);
}

void dwcp_latbudget_advance(struct dwcp_latbudget *lb, u64 now)
{
	u64 epoch = div64_u64(now, lb->slot_ns);
	u64 n;

	if (epoch <= lb->head_epoch)	/* same slot, or the clock went back */
		return;
	n = min_t(u64, epoch - lb->head_epoch, DWCP_LATBUDGET_SLOTS);
	while (n--) {
		lb->head = lb->head + 1 == DWCP_LATBUDGET_SLOTS ? 0 : lb->head + 1;
		dwcp_hist_reset(&lb->slot[lb->head]);
		lb->exceeding[lb->head] = 0;
	}
	lb->head_epoch = epoch;
}

/* Samples of @h whose bucket midpoint is above @target_ns. */
static u64 dwcp_latbudget_hist_above(const struct dwcp_hist *h, u64 target_ns)
{
	unsigned int i;
	u64 n = 0;

	for (i = 0; i < DWCP_HIST_BUCKETS; i++)
		if (dwcp_hist_bucket_lo(i) + dwcp_hist_bucket_width(i) / 2 > target_ns)
			n += h->bucket[i];
	return n;
}

void dwcp_latbudget_reconfigure(struct dwcp_latbudget *lb,
				const struct dwcp_latbudget_config *cfg,
				u64 now)
{
	u64 old_target = lb->cfg.target_ns, old_slot_ns = lb->slot_ns;
	unsigned int s;

	dwcp_latbudget_advance(lb, now);
	dwcp_latbudget_set_config(lb, cfg);
	if (lb->slot_ns != old_slot_ns) {
		/* Old slots do not map onto new ones: fold them into the head. */
		for (s = 0; s < DWCP_LATBUDGET_SLOTS; s++) {
			if (s == lb->head)
				continue;
			dwcp_hist_merge(&lb->slot[lb->head], &lb->slot[s]);
			dwcp_hist_reset(&lb->slot[s]);
			lb->exceeding[lb->head] += lb->exceeding[s];
			lb->exceeding[s] = 0;
		}
		lb->head_epoch = div64_u64(now, lb->slot_ns);
	}
	if (lb->cfg.target_ns != old_target)
		for (s = 0; s < DWCP_LATBUDGET_SLOTS; s++)
			lb->exceeding[s] =
				dwcp_latbudget_hist_above(&lb->slot[s],
							  lb->cfg.target_ns);
}

void dwcp_latbudget_record(struct dwcp_latbudget *lb, u64 now, u64 latency_ns)
{
	bool over = latency_ns > lb->cfg.target_ns;

	dwcp_latbudget_advance(lb, now);
	dwcp_hist_record(&lb->slot[lb->head], latency_ns);
	if (over)
		lb->exceeding[lb->head]++;
	if (lb->life_total != U64_MAX) {
		lb->life_total++;
		lb->life_exceeding += over;
	}
}

void dwcp_latbudget_merge(struct dwcp_latbudget *lb, u64 now,
			  const struct dwcp_hist *h, u64 calls)
{
	u64 n = dwcp_hist_count(h), above = 0, added = 0, w;
	struct dwcp_hist *slot;
	unsigned int i;

	if (!n)
		return;
	calls = max(calls, n);
	dwcp_latbudget_advance(lb, now);
	slot = &lb->slot[lb->head];
	/* Each sample stands for calls / n calls: rounding is per bucket. */
	for (i = 0; i < DWCP_HIST_BUCKETS; i++) {
		if (!h->bucket[i])
			continue;
		w = mul_u64_u64_div_u64(h->bucket[i], calls, n);
		slot->bucket[i] = dwcp_hist_sat_add32(slot->bucket[i],
						      (u32)min_t(u64, w, U32_MAX));
		if (dwcp_hist_bucket_lo(i) + dwcp_hist_bucket_width(i) / 2 > lb->cfg.target_ns)
			above += w;
		added += w;
	}
	slot->under = dwcp_hist_sat_add32(slot->under, h->under);
	slot->over = dwcp_hist_sat_add32(slot->over, h->over);
	slot->count = dwcp_hist_sat_add64(slot->count, added);
	slot->sum = dwcp_hist_sat_add64(slot->sum, mul_u64_u64_div_u64(h->sum, calls, n));
	lb->exceeding[lb->head] += above;
	if (lb->life_total <= U64_MAX - added) {
		lb->life_total += added;
		lb->life_exceeding += above;
	} else {
		lb->life_total = U64_MAX;
	}
}

/*
 * Window totals. The total is summed from the bucket counts (as
 * dwcp_hist_percentile() does), so it agrees with the percentile walk even
 * if a bucket ever saturated.
 */
static u64 dwcp_latbudget_total(const struct dwcp_latbudget *lb)
{
	unsigned int s, i;
	u64 n = 0;

	for (s = 0; s < DWCP_LATBUDGET_SLOTS; s++)
		for (i = 0; i < DWCP_HIST_BUCKETS; i++)
			n += lb->slot[s].bucket[i];
	return n;
}

static u64 dwcp_latbudget_exceeding(const struct dwcp_latbudget *lb, u64 total)
{
	unsigned int s;
	u64 n = 0;

	for (s = 0; s < DWCP_LATBUDGET_SLOTS; s++)
		n += lb->exceeding[s];
	return min(n, total);
}

/* Nearest rank, ceil(total * p), at least 1; total < 2^42, no overflow. */
static u64 dwcp_latbudget_rank(const struct dwcp_latbudget *lb, u64 total)
{
	u64 rank = div64_u64(total * lb->cfg.percentile_ppm +
			     DWCP_LATBUDGET_PPM - 1, DWCP_LATBUDGET_PPM);

	return rank ? rank : 1;
}

/* The merged histogram's nearest-rank percentile, walked without a copy. */
static u64 dwcp_latbudget_estimate(const struct dwcp_latbudget *lb, u64 total)
{
	u64 rank, seen = 0;
	unsigned int s, i;

	if (!total)
		return 0;
	rank = dwcp_latbudget_rank(lb, total);
	for (i = 0; i < DWCP_HIST_BUCKETS - 1; i++) {
		for (s = 0; s < DWCP_LATBUDGET_SLOTS; s++)
			seen += lb->slot[s].bucket[i];
		if (seen >= rank)
			break;
	}
	return dwcp_hist_bucket_lo(i) + dwcp_hist_bucket_width(i) / 2;
}

static bool dwcp_latbudget_is_exhausted(const struct dwcp_latbudget *lb,
					u64 total, u64 exceeding)
{
	if (!total || total < lb->cfg.min_samples)
		return false;
	return total - exceeding < dwcp_latbudget_rank(lb, total);
}

static u32 dwcp_latbudget_compliance(u64 total, u64 exceeding)
{
	if (!total)
		return DWCP_LATBUDGET_PPM;
	return (u32)mul_u64_u64_div_u64(total - exceeding, DWCP_LATBUDGET_PPM,
					total);
}

void dwcp_latbudget_window(struct dwcp_latbudget *lb, u64 now,
			   u64 *total, u64 *exceeding)
{
	dwcp_latbudget_advance(lb, now);
	*total = dwcp_latbudget_total(lb);
	*exceeding = dwcp_latbudget_exceeding(lb, *total);
}

u64 dwcp_latbudget_pctl(struct dwcp_latbudget *lb, u64 now)
{
	dwcp_latbudget_advance(lb, now);
	return dwcp_latbudget_estimate(lb, dwcp_latbudget_total(lb));
}

bool dwcp_latbudget_exhausted(struct dwcp_latbudget *lb, u64 now)
{
	u64 total, exceeding;

	dwcp_latbudget_window(lb, now, &total, &exceeding);
	return dwcp_latbudget_is_exhausted(lb, total, exceeding);
}

u32 dwcp_latbudget_compliance_ppm(struct dwcp_latbudget *lb, u64 now)
{
	u64 total, exceeding;

	dwcp_latbudget_window(lb, now, &total, &exceeding);
	return dwcp_latbudget_compliance(total, exceeding);
}

void dwcp_latbudget_eval(struct dwcp_latbudget *lb, u64 now,
			 struct dwcp_latbudget_status *st)
{
	dwcp_latbudget_window(lb, now, &st->total, &st->exceeding);
	st->pctl_ns = dwcp_latbudget_estimate(lb, st->total);
	st->compliance_ppm = dwcp_latbudget_compliance(st->total, st->exceeding);
	st->exhausted = dwcp_latbudget_is_exhausted(lb, st->total, st->exceeding);
}
