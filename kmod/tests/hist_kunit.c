// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the log-linear latency histogram (kmod/core/hist.c):
 * geometry, clamping, the documented 1/16 relative error against exact
 * nearest-rank percentiles of random data, the rank itself (no
 * off-by-one), merge and saturation.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#include <linux/sort.h>
#endif
#include "core/hist.h"

#define MS	(1000000ULL)
#define SEC	(1000000000ULL)

static u64 rng_next(u64 *s)
{
	/* xorshift64 */
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Log-uniform over [1 us, 10 min]. */
static u64 rand_latency(u64 *s)
{
	unsigned int e = 10 + (u32)rng_next(s) % 30;	/* 2^10 .. 2^39 */
	u64 v = BIT_ULL(e) + (rng_next(s) & (BIT_ULL(e) - 1));

	return clamp_t(u64, v, 1000, 600 * SEC);
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 exact_rank(const u64 *sorted, u64 n, u32 ppm)
{
	u64 rank = div64_u64(n * ppm + DWCP_PPM - 1, DWCP_PPM);

	if (!rank)
		rank = 1;
	return sorted[rank - 1];
}

static bool within_16th(u64 est, u64 exact)
{
	u64 d = est > exact ? est - exact : exact - est;

	return d * 16 <= exact;
}

static struct dwcp_hist *new_hist(struct kunit *test)
{
	struct dwcp_hist *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	dwcp_hist_init(h);
	return h;
}

static void hist_geometry(struct kunit *test)
{
	unsigned int i, bad = 0;
	u64 s = 42;

	KUNIT_EXPECT_EQ(test, DWCP_HIST_BUCKETS, 248);
	KUNIT_EXPECT_EQ(test, sizeof(struct dwcp_hist), 1016);
	KUNIT_EXPECT_LE(test, sizeof(struct dwcp_hist), 1024);
	KUNIT_EXPECT_EQ(test, dwcp_hist_bucket_lo(0), 512);
	KUNIT_EXPECT_LE(test, DWCP_HIST_MIN_NS, 1000);
	KUNIT_EXPECT_GE(test, DWCP_HIST_MAX_NS, 600 * SEC);
	KUNIT_EXPECT_EQ(test, dwcp_hist_index(DWCP_HIST_MAX_NS), DWCP_HIST_BUCKETS - 1);
	for (i = 0; i < DWCP_HIST_BUCKETS; i++) {
		u64 lo = dwcp_hist_bucket_lo(i), w = dwcp_hist_bucket_width(i);

		if (dwcp_hist_index(lo) != i || dwcp_hist_index(lo + w - 1) != i ||
		    w * DWCP_HIST_SUB > lo)
			bad++;
		if (i + 1 < DWCP_HIST_BUCKETS && lo + w != dwcp_hist_bucket_lo(i + 1))
			bad++;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "buckets must be contiguous, width <= lo/8");
	for (i = 0, bad = 0; i < 100000; i++) {
		u64 v = max_t(u64, rng_next(&s) & DWCP_HIST_MAX_NS, DWCP_HIST_MIN_NS);
		unsigned int idx = dwcp_hist_index(v);

		if (v < dwcp_hist_bucket_lo(idx) ||
		    v >= dwcp_hist_bucket_lo(idx) + dwcp_hist_bucket_width(idx))
			bad++;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad, 0, "random values must land in their bucket");
}

static void hist_clamp(struct kunit *test)
{
	struct dwcp_hist *h = new_hist(test);

	dwcp_hist_record(h, 0);
	dwcp_hist_record(h, 100);
	dwcp_hist_record(h, BIT_ULL(41));
	dwcp_hist_record(h, U64_MAX);
	dwcp_hist_record(h, 1000);
	dwcp_hist_record(h, 600 * SEC);
	KUNIT_EXPECT_EQ(test, h->under, 2);
	KUNIT_EXPECT_EQ(test, h->over, 2);
	KUNIT_EXPECT_EQ(test, h->bucket[0], 2);
	KUNIT_EXPECT_EQ(test, h->bucket[DWCP_HIST_BUCKETS - 1], 2);
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(h), 6);
	KUNIT_EXPECT_EQ(test, h->sum, U64_MAX);
}

static const unsigned int hist_sizes[] = { 1, 2, 7, 20, 100, 1000, 5000 };

static void hist_size_desc(const unsigned int *n, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "n=%u", *n);
}

KUNIT_ARRAY_PARAM(hist_sizes, hist_sizes, hist_size_desc);

/* |percentile - exact nearest rank| <= exact / 16 on random log-uniform data. */
static void hist_percentile_error_bound(struct kunit *test)
{
	static const u32 ppms[] = { 0, 1, 10000, 250000, 500000, 900000, 950000,
				    990000, 999000, 1000000 };
	unsigned int n = *(const unsigned int *)test->param_value;
	struct dwcp_hist *h = new_hist(test);
	unsigned int i, k;
	u64 *vals, s;

	vals = kunit_kcalloc(test, n, sizeof(*vals), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, vals);
	for (k = 0; k < 5; k++) {
		s = 0x9e3779b97f4a7c15ULL + n * 131 + k;
		dwcp_hist_reset(h);
		for (i = 0; i < n; i++) {
			vals[i] = rand_latency(&s);
			dwcp_hist_record(h, vals[i]);
		}
		sort(vals, n, sizeof(*vals), cmp_u64, NULL);
		for (i = 0; i < ARRAY_SIZE(ppms); i++) {
			u64 est = dwcp_hist_percentile(h, ppms[i]);
			u64 ex = exact_rank(vals, n, ppms[i]);

			KUNIT_EXPECT_TRUE_MSG(test, within_16th(est, ex),
					      "n=%u p=%u est=%llu exact=%llu", n, ppms[i],
					      est, ex);
		}
	}
}

/*
 * Nearest rank, not index n * 95 / 100 of the sorted values (one too far):
 * for 95 x 1 ms + 5 x 100 ms the P95 is the 95th value, 1 ms, not 100 ms.
 */
static void defect_5_nearest_rank(struct kunit *test)
{
	struct dwcp_hist *h = new_hist(test);
	unsigned int i;
	u64 p;

	for (i = 0; i < 95; i++)
		dwcp_hist_record(h, MS);
	for (i = 0; i < 5; i++)
		dwcp_hist_record(h, 100 * MS);
	p = dwcp_hist_percentile(h, DWCP_HIST_P95);
	KUNIT_EXPECT_TRUE_MSG(test, within_16th(p, MS), "P95 %llu, want ~1 ms", p);
	p = dwcp_hist_percentile(h, 960000);
	KUNIT_EXPECT_TRUE_MSG(test, within_16th(p, 100 * MS), "P96 %llu, want ~100 ms", p);
	/* p = 100 % is the max bucket, p = 0 the min bucket, p > 100 % clamps */
	p = dwcp_hist_percentile(h, DWCP_HIST_P100);
	KUNIT_EXPECT_TRUE_MSG(test, within_16th(p, 100 * MS), "P100 %llu, want ~100 ms", p);
	KUNIT_EXPECT_EQ(test, dwcp_hist_index(p), dwcp_hist_index(100 * MS));
	p = dwcp_hist_percentile(h, 0);
	KUNIT_EXPECT_EQ(test, dwcp_hist_index(p), dwcp_hist_index(MS));
	p = dwcp_hist_percentile(h, 2000000);
	KUNIT_EXPECT_EQ(test, dwcp_hist_index(p), dwcp_hist_index(100 * MS));
}

static void hist_basics(struct kunit *test)
{
	struct dwcp_hist *h = new_hist(test);

	KUNIT_EXPECT_EQ(test, dwcp_hist_percentile(h, DWCP_HIST_P95), 0);
	KUNIT_EXPECT_EQ(test, dwcp_hist_mean(h), 0);
	dwcp_hist_record(h, 10 * MS);
	dwcp_hist_record(h, 20 * MS);
	dwcp_hist_record(h, 60 * MS);
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(h), 3);
	KUNIT_EXPECT_EQ(test, dwcp_hist_mean(h), 30 * MS);
	dwcp_hist_reset(h);
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(h), 0);
	KUNIT_EXPECT_EQ(test, dwcp_hist_percentile(h, DWCP_HIST_P50), 0);
}

/*
 * dwcp_hist_record_idx() with the index computed once (as the pipeline does
 * for its two window histograms) gives exactly what dwcp_hist_record() does,
 * in range, below it and above it.
 */
static void hist_record_idx_matches_record(struct kunit *test)
{
	static const u64 vals[] = {
		0, 1, DWCP_HIST_MIN_NS - 1, DWCP_HIST_MIN_NS, 800, 1000, 4095,
		4096, 10 * MS, 600 * SEC, DWCP_HIST_MAX_NS, DWCP_HIST_MAX_NS + 1,
		U64_MAX,
	};
	struct dwcp_hist *a = new_hist(test), *b = new_hist(test);
	struct dwcp_hist *c = new_hist(test);
	u64 s = 42;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vals) + 1000; i++) {
		u64 v = i < ARRAY_SIZE(vals) ? vals[i] : rand_latency(&s);
		unsigned int idx = dwcp_hist_index(v);

		KUNIT_ASSERT_LT(test, idx, (unsigned int)DWCP_HIST_BUCKETS);
		dwcp_hist_record(a, v);
		dwcp_hist_record_idx(b, idx, v);
		dwcp_hist_record_idx(c, idx, v);
	}
	KUNIT_EXPECT_EQ(test, memcmp(a, b, sizeof(*a)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(a, c, sizeof(*a)), 0);
	KUNIT_EXPECT_EQ(test, a->under, 3U);
	KUNIT_EXPECT_EQ(test, a->over, 2U);
}

/* One histogram per CPU, summed, equals one histogram of everything. */
static void hist_merge(struct kunit *test)
{
	struct dwcp_hist *cpu[4], *sum = new_hist(test), *all = new_hist(test);
	unsigned int i;
	u64 s = 7;

	for (i = 0; i < 4; i++)
		cpu[i] = new_hist(test);
	for (i = 0; i < 4000; i++) {
		u64 v = rand_latency(&s);

		dwcp_hist_record(cpu[i % 4], v);
		dwcp_hist_record(all, v);
	}
	dwcp_hist_record(cpu[1], 1);
	dwcp_hist_record(all, 1);
	for (i = 0; i < 4; i++)
		dwcp_hist_merge(sum, cpu[i]);
	KUNIT_EXPECT_EQ(test, memcmp(sum, all, sizeof(*sum)), 0);
	KUNIT_EXPECT_EQ(test, dwcp_hist_percentile(sum, DWCP_HIST_P95),
			dwcp_hist_percentile(all, DWCP_HIST_P95));
}

/* A delta of a lifetime histogram is exactly what was recorded in between. */
static void hist_delta(struct kunit *test)
{
	struct dwcp_hist *life = new_hist(test), *prev = new_hist(test);
	struct dwcp_hist *cur = new_hist(test), *tick = new_hist(test);
	unsigned int i;
	u64 s = 11;

	for (i = 0; i < 1000; i++)
		dwcp_hist_record(life, rand_latency(&s));
	*cur = *life;
	dwcp_hist_delta(cur, prev);		/* first: everything so far */
	KUNIT_EXPECT_EQ(test, memcmp(cur, life, sizeof(*cur)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(prev, life, sizeof(*prev)), 0);
	for (i = 0; i < 500; i++) {
		u64 v = rand_latency(&s);

		dwcp_hist_record(life, v);
		dwcp_hist_record(tick, v);
	}
	dwcp_hist_record(life, 1);
	dwcp_hist_record(tick, 1);
	*cur = *life;
	dwcp_hist_delta(cur, prev);
	KUNIT_EXPECT_EQ(test, memcmp(cur, tick, sizeof(*cur)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(prev, life, sizeof(*prev)), 0);
	/* A histogram that went back (reset) counts from zero. */
	dwcp_hist_init(cur);
	dwcp_hist_record(cur, 5000);
	dwcp_hist_delta(cur, prev);
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(cur), 1ULL);
}

static void hist_saturation(struct kunit *test)
{
	struct dwcp_hist *h = new_hist(test);

	h->bucket[3] = U32_MAX - 1;
	dwcp_hist_record(h, dwcp_hist_bucket_lo(3));
	dwcp_hist_record(h, dwcp_hist_bucket_lo(3));
	KUNIT_EXPECT_EQ(test, h->bucket[3], U32_MAX);
	dwcp_hist_merge(h, h);
	KUNIT_EXPECT_EQ(test, h->bucket[3], U32_MAX);
	KUNIT_EXPECT_EQ(test, dwcp_hist_index(dwcp_hist_percentile(h, DWCP_HIST_P100)), 3);
}

static struct kunit_case dwcp_hist_test_cases[] = {
	KUNIT_CASE(hist_geometry),
	KUNIT_CASE(hist_clamp),
	KUNIT_CASE_PARAM(hist_percentile_error_bound, hist_sizes_gen_params),
	KUNIT_CASE(defect_5_nearest_rank),
	KUNIT_CASE(hist_basics),
	KUNIT_CASE(hist_merge),
	KUNIT_CASE(hist_delta),
	KUNIT_CASE(hist_saturation),
	KUNIT_CASE(hist_record_idx_matches_record),
	{}
};

static struct kunit_suite dwcp_hist_test_suite = {
	.name = "dwcp_hist",
	.test_cases = dwcp_hist_test_cases,
};

kunit_test_suite(dwcp_hist_test_suite);
