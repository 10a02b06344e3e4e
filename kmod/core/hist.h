/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dwcp_hist: a fixed-size log-linear latency histogram (HdrHistogram-like).
 *
 * Layout. A value v (nanoseconds) in [2^9, 2^40) falls into "major" bucket
 * m = fls64(v) - 1 (its power of two, 9..39) and, inside it, one of
 * 2^DWCP_HIST_SUB_BITS = 8 equal linear sub-buckets:
 *
 *	idx = (m - 9) * 8 + ((v >> (m - 3)) & 7)
 *
 * so a bucket of major m spans [lo, lo + 2^(m-3)) with lo >= 2^m: every
 * bucket is at most 1/8 of its lower bound wide. Insertion is O(1) (one
 * fls64, a shift and a mask); there is no sorting anywhere (a sort of the
 * samples on every call would put O(n log n) work, or worse, on the data
 * path of every call).
 *
 * Range. 512 ns .. 2^40 - 1 ns (about 1 099 s = 18.3 min), covering the
 * required 1 us .. 10 min. Values below the range are counted in the first
 * bucket and in @under, values above it in the last bucket and in @over
 * (clamped, never dropped).
 *
 * Error bound. dwcp_hist_percentile() returns the midpoint of the bucket that
 * holds the sample of the requested nearest rank. For any in-range sample x
 * in bucket [lo, lo + w): |mid - x| <= w / 2 <= lo / 16 <= x / 16, i.e.
 *
 *	|dwcp_hist_percentile(h, p) - exact_nearest_rank(p)| <= exact / 16
 *
 * (6.25 % relative error; tested against sorted data). Out-of-range samples
 * only get the clamped value.
 *
 * Percentile semantics: nearest rank, rank = ceil(n * p / 10^6) with p in
 * ppm, at least 1; n = 100, p = 95 % gives the 95th smallest value (the
 * 0-based index n * 95 / 100 of a sorted array is the 96th, one rank too
 * high); p = 100 % gives the highest non-empty bucket, p = 0 the lowest.
 *
 * Size: 248 u32 buckets + 2 u64 + 2 u32 = 1016 bytes (<= 1 KiB). Bucket
 * counts are u32 and saturate at U32_MAX (a per-window histogram never gets
 * near 4e9 samples; a long-lived per-CPU one should be reset or rotated by
 * its owner); percentiles are computed from the bucket counts themselves, so
 * they stay self-consistent even after saturation. @count and @sum are u64
 * and saturate too.
 *
 * Mergeable: dwcp_hist_merge(dst, src) adds src into dst, so the module can
 * keep one histogram per CPU and sum them when it reports.
 */
#ifndef _DWCP_CORE_HIST_H
#define _DWCP_CORE_HIST_H

#include "compat.h"

#define DWCP_HIST_SUB_BITS	3
#define DWCP_HIST_SUB		BIT(DWCP_HIST_SUB_BITS)
#define DWCP_HIST_MIN_SHIFT	9	/* lowest bucket starts at 512 ns */
#define DWCP_HIST_MAX_SHIFT	40	/* values >= 2^40 ns are clamped */
#define DWCP_HIST_MAJORS	(DWCP_HIST_MAX_SHIFT - DWCP_HIST_MIN_SHIFT)
#define DWCP_HIST_BUCKETS	(DWCP_HIST_MAJORS * DWCP_HIST_SUB)
#define DWCP_HIST_MIN_NS	BIT_ULL(DWCP_HIST_MIN_SHIFT)
#define DWCP_HIST_MAX_NS	(BIT_ULL(DWCP_HIST_MAX_SHIFT) - 1)

/* Percentiles are given in parts per million. */
#define DWCP_PPM		1000000U
#define DWCP_HIST_P50		500000U
#define DWCP_HIST_P95		950000U
#define DWCP_HIST_P99		990000U
#define DWCP_HIST_P100		DWCP_PPM

struct dwcp_hist {
	u64 count;			/* samples recorded (saturating) */
	u64 sum;			/* sum of recorded values, ns (saturating) */
	u32 under;			/* samples below DWCP_HIST_MIN_NS */
	u32 over;			/* samples above DWCP_HIST_MAX_NS */
	u32 bucket[DWCP_HIST_BUCKETS];	/* saturating counts */
};

void dwcp_hist_init(struct dwcp_hist *h);
void dwcp_hist_reset(struct dwcp_hist *h);
void dwcp_hist_merge(struct dwcp_hist *dst, const struct dwcp_hist *src);
/*
 * @cur is a later state of the same lifetime histogram as @prev: leave in
 * @cur what was recorded in between, and in @prev the copy of @cur.
 */
void dwcp_hist_delta(struct dwcp_hist *cur, struct dwcp_hist *prev);

u64 dwcp_hist_mean(const struct dwcp_hist *h);
u64 dwcp_hist_percentile(const struct dwcp_hist *h, u32 ppm);

/* Bucket geometry, exposed for exporters (Prometheus "le" bounds) and tests. */
u64 dwcp_hist_bucket_lo(unsigned int idx);
u64 dwcp_hist_bucket_width(unsigned int idx);

/*
 * The per-call part is inline: it runs on every completion, often twice
 * with the same value (the adaptive limiter's and the timeout's windows),
 * and inlined the compiler computes the index once for both.
 */
static inline unsigned int dwcp_hist_index(u64 v)
{
	unsigned int m;

	if (v < DWCP_HIST_MIN_NS)
		return 0;
	if (v > DWCP_HIST_MAX_NS)
		return DWCP_HIST_BUCKETS - 1;
	m = fls64(v) - 1;
	return (m - DWCP_HIST_MIN_SHIFT) * DWCP_HIST_SUB +
	       (unsigned int)((v >> (m - DWCP_HIST_SUB_BITS)) & (DWCP_HIST_SUB - 1));
}

static inline u32 dwcp_hist_sat_add32(u32 a, u32 b)
{
	u32 r;

	if (check_add_overflow(a, b, &r))
		return U32_MAX;
	return r;
}

static inline u64 dwcp_hist_sat_add64(u64 a, u64 b)
{
	u64 r;

	if (check_add_overflow(a, b, &r))
		return U64_MAX;
	return r;
}

/* Record @v whose bucket is @idx == dwcp_hist_index(v). */
static inline void dwcp_hist_record_idx(struct dwcp_hist *h, unsigned int idx,
					u64 v)
{
	if (unlikely(v < DWCP_HIST_MIN_NS))
		h->under = dwcp_hist_sat_add32(h->under, 1);
	else if (unlikely(v > DWCP_HIST_MAX_NS))
		h->over = dwcp_hist_sat_add32(h->over, 1);
	h->bucket[idx] = dwcp_hist_sat_add32(h->bucket[idx], 1);
	h->count = dwcp_hist_sat_add64(h->count, 1);
	h->sum = dwcp_hist_sat_add64(h->sum, v);
}

static inline void dwcp_hist_record(struct dwcp_hist *h, u64 value_ns)
{
	dwcp_hist_record_idx(h, dwcp_hist_index(value_ns), value_ns);
}

static inline u64 dwcp_hist_count(const struct dwcp_hist *h)
{
	return h->count;
}

#endif /* _DWCP_CORE_HIST_H */
