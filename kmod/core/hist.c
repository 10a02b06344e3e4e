// SPDX-License-Identifier: GPL-2.0
/*
 * Log-linear latency histogram; see hist.h for layout, range and error bound.
 */
#include "hist.h"

void dwcp_hist_reset(struct dwcp_hist *h)
{
	memset(h, 0, sizeof(*h));
}

void dwcp_hist_init(struct dwcp_hist *h)
{
	dwcp_hist_reset(h);
}

u64 dwcp_hist_bucket_width(unsigned int idx)
{
	unsigned int m;

	if (idx >= DWCP_HIST_BUCKETS)
		idx = DWCP_HIST_BUCKETS - 1;
	m = idx / DWCP_HIST_SUB + DWCP_HIST_MIN_SHIFT;
	return 1ULL << (m - DWCP_HIST_SUB_BITS);
}

u64 dwcp_hist_bucket_lo(unsigned int idx)
{
	if (idx >= DWCP_HIST_BUCKETS)
		idx = DWCP_HIST_BUCKETS - 1;
	return (u64)(DWCP_HIST_SUB + idx % DWCP_HIST_SUB) * dwcp_hist_bucket_width(idx);
}

void dwcp_hist_merge(struct dwcp_hist *dst, const struct dwcp_hist *src)
{
	unsigned int i;

	for (i = 0; i < DWCP_HIST_BUCKETS; i++)
		dst->bucket[i] = dwcp_hist_sat_add32(dst->bucket[i], src->bucket[i]);
	dst->under = dwcp_hist_sat_add32(dst->under, src->under);
	dst->over = dwcp_hist_sat_add32(dst->over, src->over);
	dst->count = dwcp_hist_sat_add64(dst->count, src->count);
	dst->sum = dwcp_hist_sat_add64(dst->sum, src->sum);
}

/*
 * Counters only grow, so cur - prev is what was recorded in between; a
 * counter that went down (a saturated one, or a histogram that was reset)
 * counts from zero.
 */
static u64 dwcp_hist_since(u64 cur, u64 prev)
{
	return cur >= prev ? cur - prev : cur;
}

void dwcp_hist_delta(struct dwcp_hist *cur, struct dwcp_hist *prev)
{
	unsigned int i;
	u64 v;

	for (i = 0; i < DWCP_HIST_BUCKETS; i++) {
		v = cur->bucket[i];
		cur->bucket[i] = (u32)dwcp_hist_since(v, prev->bucket[i]);
		prev->bucket[i] = (u32)v;
	}
	v = cur->under;
	cur->under = (u32)dwcp_hist_since(v, prev->under);
	prev->under = (u32)v;
	v = cur->over;
	cur->over = (u32)dwcp_hist_since(v, prev->over);
	prev->over = (u32)v;
	v = cur->count;
	cur->count = dwcp_hist_since(v, prev->count);
	prev->count = v;
	v = cur->sum;
	cur->sum = dwcp_hist_since(v, prev->sum);
	prev->sum = v;
}

u64 dwcp_hist_mean(const struct dwcp_hist *h)
{
	if (!h->count)
		return 0;
	return div64_u64(h->sum, h->count);
}

u64 dwcp_hist_percentile(const struct dwcp_hist *h, u32 ppm)
{
	u64 total = 0, rank, seen = 0;
	unsigned int i;

	for (i = 0; i < DWCP_HIST_BUCKETS; i++)
		total += h->bucket[i];
	if (!total)
		return 0;
	if (ppm > DWCP_PPM)
		ppm = DWCP_PPM;
	/*
	 * Nearest rank: the smallest sample with at least p of the samples at
	 * or below it, rank = ceil(total * p), 1-based. total <= 2^40 here, so
	 * total * ppm cannot overflow.
	 */
	rank = div64_u64(total * ppm + DWCP_PPM - 1, DWCP_PPM);
	if (!rank)
		rank = 1;
	for (i = 0; i < DWCP_HIST_BUCKETS; i++) {
		seen += h->bucket[i];
		if (seen >= rank)
			break;
	}
	if (i >= DWCP_HIST_BUCKETS)	/* unreachable: seen == total */
		i = DWCP_HIST_BUCKETS - 1;
	return dwcp_hist_bucket_lo(i) + dwcp_hist_bucket_width(i) / 2;
}
