// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of kmod/core/hist.c (mirror kmod/tests/hist_kunit.c).
 */
#include <stdlib.h>

#include "tap.h"
#include "core/hist.h"

static u64 rng_state;

static u64 rng_next(void)
{
	/* xorshift64 */
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Log-uniform over [1 us, 10 min]. */
static u64 rand_latency(void)
{
	unsigned int e = 10 + rng_next() % 30;	/* 2^10 .. 2^39 */
	u64 v = (1ULL << e) + rng_next() % (1ULL << e);

	return clamp_t(u64, v, 1000, 600ULL * NSEC_PER_SEC);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 exact_rank(const u64 *sorted, u64 n, u32 ppm)
{
	u64 rank = (n * ppm + DWCP_PPM - 1) / DWCP_PPM;

	if (!rank)
		rank = 1;
	return sorted[rank - 1];
}

static int within_16th(u64 est, u64 exact)
{
	u64 d = est > exact ? est - exact : exact - est;

	return d * 16 <= exact;
}

static void test_geometry(void)
{
	unsigned int i, bad = 0;
	u64 v;

	tap_eq(DWCP_HIST_BUCKETS, 248, "hist_geometry: 248 buckets");
	tap_eq(sizeof(struct dwcp_hist), 1016, "hist_geometry: struct is 1016 bytes");
	tap_ok(sizeof(struct dwcp_hist) <= 1024, "hist_geometry: struct <= 1 KiB");
	tap_eq(dwcp_hist_bucket_lo(0), 512, "hist_geometry: first bucket starts at 512 ns");
	tap_eq(dwcp_hist_index(DWCP_HIST_MAX_NS), DWCP_HIST_BUCKETS - 1,
	       "hist_geometry: 2^40-1 ns is the last bucket");
	tap_ok(600ULL * NSEC_PER_SEC <= DWCP_HIST_MAX_NS && 1000 >= DWCP_HIST_MIN_NS,
	       "hist_geometry: 1 us .. 10 min is in range");
	for (i = 0; i < DWCP_HIST_BUCKETS; i++) {
		u64 lo = dwcp_hist_bucket_lo(i), w = dwcp_hist_bucket_width(i);

		if (dwcp_hist_index(lo) != i || dwcp_hist_index(lo + w - 1) != i ||
		    w * DWCP_HIST_SUB > lo)
			bad++;
		if (i + 1 < DWCP_HIST_BUCKETS && lo + w != dwcp_hist_bucket_lo(i + 1))
			bad++;
	}
	tap_eq(bad, 0, "hist_geometry: buckets contiguous, width <= lo/8");
	rng_state = 42;
	for (i = 0, bad = 0; i < 100000; i++) {
		unsigned int idx;

		v = DWCP_HIST_MIN_NS + rng_next() % (DWCP_HIST_MAX_NS - DWCP_HIST_MIN_NS);
		idx = dwcp_hist_index(v);
		if (v < dwcp_hist_bucket_lo(idx) ||
		    v >= dwcp_hist_bucket_lo(idx) + dwcp_hist_bucket_width(idx))
			bad++;
	}
	tap_eq(bad, 0, "hist_geometry: random values land in their bucket");
}

static void test_clamp(void)
{
	struct dwcp_hist h;

	dwcp_hist_init(&h);
	dwcp_hist_record(&h, 0);
	dwcp_hist_record(&h, 100);
	dwcp_hist_record(&h, 1ULL << 41);
	dwcp_hist_record(&h, U64_MAX);
	dwcp_hist_record(&h, 1000);
	dwcp_hist_record(&h, 600ULL * NSEC_PER_SEC);
	tap_eq(h.under, 2, "hist_clamp: below range counted");
	tap_eq(h.over, 2, "hist_clamp: above range counted");
	tap_eq(h.bucket[0], 2, "hist_clamp: below range in first bucket");
	tap_eq(h.bucket[DWCP_HIST_BUCKETS - 1], 2, "hist_clamp: above range in last bucket");
	tap_eq(dwcp_hist_count(&h), 6, "hist_clamp: all counted");
	tap_eq(h.sum, U64_MAX, "hist_clamp: sum saturates");
}

static void test_random_error_bound(void)
{
	static const u32 ppms[] = { 0, 1, 10000, 250000, 500000, 900000, 950000,
				    990000, 999000, 1000000 };
	static const unsigned int sizes[] = { 1, 2, 7, 20, 100, 1000, 5000 };
	static u64 vals[5000];
	unsigned int s, i, k, bad = 0, checks = 0;
	struct dwcp_hist h;

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned int n = sizes[s];

		for (k = 0; k < 5; k++) {
			rng_state = 0x9e3779b97f4a7c15ULL + s * 131 + k;
			dwcp_hist_init(&h);
			for (i = 0; i < n; i++) {
				vals[i] = rand_latency();
				dwcp_hist_record(&h, vals[i]);
			}
			qsort(vals, n, sizeof(vals[0]), cmp_u64);
			for (i = 0; i < ARRAY_SIZE(ppms); i++) {
				u64 est = dwcp_hist_percentile(&h, ppms[i]);
				u64 ex = exact_rank(vals, n, ppms[i]);

				checks++;
				if (!within_16th(est, ex)) {
					bad++;
					printf("# n=%u p=%u est=%llu exact=%llu\n", n, ppms[i],
					       (unsigned long long)est, (unsigned long long)ex);
				}
			}
		}
	}
	tap_eq(bad, 0, "hist_percentile_error_bound: |est-exact| <= exact/16 (%u checks)",
	       checks);
}

static void test_defect_5(void)
{
	struct dwcp_hist h;
	unsigned int i;
	u64 p;

	/* 95 x 1 ms then 5 x 100 ms: nearest-rank P95 is the 95th = 1 ms. */
	dwcp_hist_init(&h);
	for (i = 0; i < 95; i++)
		dwcp_hist_record(&h, NSEC_PER_MSEC);
	for (i = 0; i < 5; i++)
		dwcp_hist_record(&h, 100 * NSEC_PER_MSEC);
	p = dwcp_hist_percentile(&h, DWCP_HIST_P95);
	tap_ok(within_16th(p, NSEC_PER_MSEC),
	       "defect_5_nearest_rank_p95: P95 of 95x1ms+5x100ms is 1 ms (Go: 100 ms), got %llu",
	       (unsigned long long)p);
	p = dwcp_hist_percentile(&h, 960000);
	tap_ok(within_16th(p, 100 * NSEC_PER_MSEC), "defect_5_nearest_rank_p96: P96 is 100 ms");
	p = dwcp_hist_percentile(&h, DWCP_HIST_P100);
	tap_ok(within_16th(p, 100 * NSEC_PER_MSEC), "defect_5_p100_is_max_bucket");
	tap_eq(dwcp_hist_index(p), dwcp_hist_index(100 * NSEC_PER_MSEC),
	       "defect_5_p100_is_max_bucket: same bucket as the max");
	p = dwcp_hist_percentile(&h, 0);
	tap_eq(dwcp_hist_index(p), dwcp_hist_index(NSEC_PER_MSEC), "hist_p0_is_min_bucket");
	p = dwcp_hist_percentile(&h, 2000000);
	tap_eq(dwcp_hist_index(p), dwcp_hist_index(100 * NSEC_PER_MSEC),
	       "hist_percentile_above_100_clamps");
}

static void test_basics(void)
{
	struct dwcp_hist h;

	dwcp_hist_init(&h);
	tap_eq(dwcp_hist_percentile(&h, DWCP_HIST_P95), 0, "hist_empty: percentile 0");
	tap_eq(dwcp_hist_mean(&h), 0, "hist_empty: mean 0");
	dwcp_hist_record(&h, 10 * NSEC_PER_MSEC);
	dwcp_hist_record(&h, 20 * NSEC_PER_MSEC);
	dwcp_hist_record(&h, 60 * NSEC_PER_MSEC);
	tap_eq(dwcp_hist_count(&h), 3, "hist_count");
	tap_eq(dwcp_hist_mean(&h), 30 * NSEC_PER_MSEC, "hist_mean is exact");
	dwcp_hist_reset(&h);
	tap_eq(dwcp_hist_count(&h), 0, "hist_reset: count 0");
	tap_eq(dwcp_hist_percentile(&h, DWCP_HIST_P50), 0, "hist_reset: empty again");
}

static void test_merge(void)
{
	static struct dwcp_hist cpu[4], sum, all;
	unsigned int i;

	rng_state = 7;
	dwcp_hist_init(&sum);
	dwcp_hist_init(&all);
	for (i = 0; i < 4; i++)
		dwcp_hist_init(&cpu[i]);
	for (i = 0; i < 4000; i++) {
		u64 v = rand_latency();

		dwcp_hist_record(&cpu[i % 4], v);
		dwcp_hist_record(&all, v);
	}
	dwcp_hist_record(&cpu[1], 1);
	dwcp_hist_record(&all, 1);
	for (i = 0; i < 4; i++)
		dwcp_hist_merge(&sum, &cpu[i]);
	tap_ok(!memcmp(&sum, &all, sizeof(sum)), "hist_merge: per-CPU sum equals one histogram");
	tap_eq(dwcp_hist_percentile(&sum, DWCP_HIST_P95), dwcp_hist_percentile(&all, DWCP_HIST_P95),
	       "hist_merge: same P95");

	dwcp_hist_init(&sum);
	sum.bucket[3] = U32_MAX - 1;
	dwcp_hist_record(&sum, dwcp_hist_bucket_lo(3));
	dwcp_hist_record(&sum, dwcp_hist_bucket_lo(3));
	tap_eq(sum.bucket[3], U32_MAX, "hist_saturation: record saturates");
	dwcp_hist_merge(&sum, &sum);
	tap_eq(sum.bucket[3], U32_MAX, "hist_saturation: merge saturates");
	tap_eq(dwcp_hist_index(dwcp_hist_percentile(&sum, DWCP_HIST_P100)), 3,
	       "hist_saturation: percentile still consistent");
}

int main(void)
{
	tap_start();
	test_geometry();
	test_clamp();
	test_random_error_bound();
	test_defect_5();
	test_basics();
	test_merge();
	return tap_done();
}
