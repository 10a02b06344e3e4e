// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the latency budget (kmod/core/latbudget.c), with a fake
 * clock. selftests/host/test_latbudget.c runs this same file on the host.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/latbudget.h"

#define T_US	((u64)NSEC_PER_USEC)
#define T_MS	((u64)NSEC_PER_MSEC)
#define T_SEC	((u64)NSEC_PER_SEC)

static struct dwcp_latbudget *lb_new(struct kunit *test, u64 target_ns,
				     u32 pctl_ppm, u64 window_ns, u64 now)
{
	struct dwcp_latbudget_config cfg;
	struct dwcp_latbudget *lb;
	const char *why = NULL;

	lb = kunit_kzalloc(test, sizeof(*lb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, lb);
	dwcp_latbudget_config_default(&cfg, target_ns, pctl_ppm);
	if (window_ns)
		cfg.window_ns = window_ns;
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_config_check(&cfg, &why), 0);
	dwcp_latbudget_init(lb, &cfg, now);
	return lb;
}

static void record_n(struct dwcp_latbudget *lb, u64 now, u32 n, u64 lat)
{
	while (n--)
		dwcp_latbudget_record(lb, now, lat);
}

/* |est - exact| <= exact / 16, the histogram's bound (hist.h). */
static void expect_within_16th(struct kunit *test, u64 est, u64 exact)
{
	KUNIT_EXPECT_LE(test, est, exact + exact / 16);
	KUNIT_EXPECT_GE(test, est, exact - exact / 16);
}

/* Target 100 ms at P95, 50 x 50 ms: within budget. */
static void go_latency_budget_basic(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, DWCP_HIST_P95, 0, 0);
	struct dwcp_latbudget_status st;

	record_n(lb, T_SEC, 50, 50 * T_MS);
	KUNIT_EXPECT_FALSE(test, dwcp_latbudget_exhausted(lb, T_SEC));
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_compliance_ppm(lb, T_SEC),
			DWCP_LATBUDGET_PPM);
	expect_within_16th(test, dwcp_latbudget_pctl(lb, T_SEC), 50 * T_MS);
	dwcp_latbudget_eval(lb, T_SEC, &st);
	KUNIT_EXPECT_EQ(test, st.total, 50ULL);
	KUNIT_EXPECT_EQ(test, st.exceeding, 0ULL);
	KUNIT_EXPECT_FALSE(test, st.exhausted);
	KUNIT_EXPECT_EQ(test, lb->life_total, 50ULL);
}

/* 100 x 200 ms against a 100 ms P95 target: exhausted. */
static void go_latency_budget_exhaustion(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, DWCP_HIST_P95, 0, 0);
	struct dwcp_latbudget_status st;

	record_n(lb, T_SEC, 100, 200 * T_MS);
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, T_SEC));
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_compliance_ppm(lb, T_SEC), 0U);
	expect_within_16th(test, dwcp_latbudget_pctl(lb, T_SEC), 200 * T_MS);
	dwcp_latbudget_eval(lb, T_SEC, &st);
	KUNIT_EXPECT_EQ(test, st.total, 100ULL);
	KUNIT_EXPECT_EQ(test, st.exceeding, 100ULL);
	KUNIT_EXPECT_TRUE(test, st.exhausted);
	KUNIT_EXPECT_EQ(test, lb->life_exceeding, 100ULL);
}

/* Nothing recorded: not exhausted, full compliance, no percentile. */
static void latbudget_empty(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, DWCP_HIST_P95, 0, 0);

	KUNIT_EXPECT_FALSE(test, dwcp_latbudget_exhausted(lb, 0));
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_compliance_ppm(lb, 0),
			DWCP_LATBUDGET_PPM);
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_pctl(lb, 0), 0ULL);
}

/*
 * Nearest rank: P95 of 100 values is the 95th (index n * p / 100 would be
 * the 96th). 95 fast + 5 slow: the 95th is fast, so the budget holds;
 * 94 fast + 6 slow: the 95th is slow, exhausted.
 */
static void defect_5_nearest_rank(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, DWCP_HIST_P95, 0, 0);

	record_n(lb, T_SEC, 95, 50 * T_MS);
	record_n(lb, T_SEC, 5, 200 * T_MS);
	KUNIT_EXPECT_FALSE(test, dwcp_latbudget_exhausted(lb, T_SEC));
	expect_within_16th(test, dwcp_latbudget_pctl(lb, T_SEC), 50 * T_MS);
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_compliance_ppm(lb, T_SEC), 950000U);

	lb = lb_new(test, 100 * T_MS, DWCP_HIST_P95, 0, 0);
	record_n(lb, T_SEC, 94, 50 * T_MS);
	record_n(lb, T_SEC, 6, 200 * T_MS);
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, T_SEC));
	expect_within_16th(test, dwcp_latbudget_pctl(lb, T_SEC), 200 * T_MS);
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_compliance_ppm(lb, T_SEC), 940000U);
}

/*
 * No sort per sample, and a windowed, not lifetime, view: a large stream is
 * recorded in O(1) each and the window only holds the last 2..3 slots.
 * 200000 samples over 10 s, alternating 1 ms / 1 s, P50 at 10 ms.
 */
static void defect_5_no_sort_large_stream(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 10 * T_MS, DWCP_HIST_P50,
					   3 * T_SEC, 0);
	u64 total, exceeding, now = 0;
	u32 i;

	for (i = 0; i < 200000; i++) {
		now = (u64)i * 50 * T_US;	/* 10 s in all */
		dwcp_latbudget_record(lb, now, (i & 1) ? T_SEC : T_MS);
	}
	dwcp_latbudget_window(lb, now, &total, &exceeding);
	/* Window: slots 7 s, 8 s and 9 s (partial), 60000 samples. */
	KUNIT_EXPECT_EQ(test, total, 60000ULL);
	KUNIT_EXPECT_EQ(test, exceeding, 30000ULL);
	KUNIT_EXPECT_EQ(test, lb->life_total, 200000ULL);
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_compliance_ppm(lb, now), 500000U);
	KUNIT_EXPECT_FALSE(test, dwcp_latbudget_exhausted(lb, now));
	expect_within_16th(test, dwcp_latbudget_pctl(lb, now), T_MS);
}

/*
 * The window rolls: 3 s window = three 1 s slots. A burst of slow samples
 * exhausts the budget until its slot leaves the window, then fast traffic
 * alone is compliant again; the lifetime counters still remember.
 */
static void latbudget_window_rollover(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, DWCP_HIST_P95,
					   3 * T_SEC, 0);
	u64 total, exceeding;

	record_n(lb, 500 * T_MS, 100, 200 * T_MS);		/* slot 0 */
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, 500 * T_MS));
	record_n(lb, 1500 * T_MS, 100, 10 * T_MS);		/* slot 1 */
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, 1500 * T_MS));
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_compliance_ppm(lb, 1500 * T_MS),
			500000U);
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, 3 * T_SEC - 1));
	/* At 3 s slot 0 leaves the window. */
	KUNIT_EXPECT_FALSE(test, dwcp_latbudget_exhausted(lb, 3 * T_SEC));
	dwcp_latbudget_window(lb, 3 * T_SEC, &total, &exceeding);
	KUNIT_EXPECT_EQ(test, total, 100ULL);
	KUNIT_EXPECT_EQ(test, exceeding, 0ULL);
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_compliance_ppm(lb, 3 * T_SEC),
			DWCP_LATBUDGET_PPM);
	expect_within_16th(test, dwcp_latbudget_pctl(lb, 3 * T_SEC), 10 * T_MS);
	/* Lifetime counters are kept too. */
	KUNIT_EXPECT_EQ(test, lb->life_total, 200ULL);
	KUNIT_EXPECT_EQ(test, lb->life_exceeding, 100ULL);
	/* A long idle gap empties the window entirely. */
	dwcp_latbudget_window(lb, 100 * T_SEC, &total, &exceeding);
	KUNIT_EXPECT_EQ(test, total, 0ULL);
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_pctl(lb, 100 * T_SEC), 0ULL);
	/* A clock that goes back is counted in the current slot. */
	dwcp_latbudget_record(lb, 0, 200 * T_MS);
	dwcp_latbudget_window(lb, 100 * T_SEC, &total, &exceeding);
	KUNIT_EXPECT_EQ(test, total, 1ULL);
	KUNIT_EXPECT_EQ(test, exceeding, 1ULL);
}

struct near_case {
	const char *name;
	u64 lat_ns;		/* every sample has this latency */
	bool exhausted;		/* exact: lat_ns > 100 ms */
	bool pctl_above;	/* the estimate's side of the target */
};

/*
 * Target 100 ms lies in bucket [92.27, 100.66) ms (midpoint 96.47 ms);
 * the next bucket is [100.66, 109.05) ms (midpoint 104.86 ms).
 */
static const struct near_case near_cases[] = {
	{ "target - 1/16", 100 * T_MS - 100 * T_MS / 16, false, false },
	{ "target - 1 ns", 100 * T_MS - 1, false, false },
	{ "target", 100 * T_MS, false, false },
	{ "target + 1 ns", 100 * T_MS + 1, true, false },
	{ "target + 0.5 %", 100500 * T_US, true, false },
	{ "target + 1 %", 101 * T_MS, true, true },
	{ "target + 1/16", 100 * T_MS + 100 * T_MS / 16, true, true },
	{ "target + 1/8", 100 * T_MS + 100 * T_MS / 8, true, true },
};

static void near_desc(const struct near_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(near, near_cases, near_desc);

/*
 * Within 1/16 of the target: exhausted() is exact (P > target, counted at
 * record time), while pctl() is a bucket midpoint within 1/16 and may sit
 * on the other side of the target (100 ms + 1 ns .. 100.66 ms: exhausted,
 * yet pctl reports 96.47 ms).
 */
static void latbudget_threshold_1_16(struct kunit *test)
{
	const struct near_case *c = test->param_value;
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, DWCP_HIST_P95, 0, 0);
	u64 est;

	record_n(lb, T_SEC, 100, c->lat_ns);
	est = dwcp_latbudget_pctl(lb, T_SEC);
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_exhausted(lb, T_SEC), c->exhausted);
	KUNIT_EXPECT_EQ(test, est > 100 * T_MS, c->pctl_above);
	expect_within_16th(test, est, c->lat_ns);
}

/* Mixed windows around the rank: exact at every split. */
static void latbudget_rank_exact(struct kunit *test)
{
	u32 slow;

	for (slow = 0; slow <= 20; slow++) {
		struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS,
						   DWCP_HIST_P95, 0, 0);

		record_n(lb, T_SEC, 200 - slow, 100 * T_MS);	/* == target */
		record_n(lb, T_SEC, slow, 100 * T_MS + 1);
		/* rank 190 of 200: exhausted iff fewer than 190 are <= target */
		KUNIT_EXPECT_EQ_MSG(test, dwcp_latbudget_exhausted(lb, T_SEC),
				    slow > 10, "slow %u", slow);
	}
}

/* P100 is the maximum; a tiny percentile the minimum. */
static void latbudget_extreme_percentiles(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, DWCP_HIST_P100, 0, 0);

	record_n(lb, T_SEC, 999, 10 * T_MS);
	KUNIT_EXPECT_FALSE(test, dwcp_latbudget_exhausted(lb, T_SEC));
	dwcp_latbudget_record(lb, T_SEC, 150 * T_MS);
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, T_SEC));
	expect_within_16th(test, dwcp_latbudget_pctl(lb, T_SEC), 150 * T_MS);

	lb = lb_new(test, 100 * T_MS, 1, 0, 0);
	record_n(lb, T_SEC, 999, 150 * T_MS);
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, T_SEC));
	dwcp_latbudget_record(lb, T_SEC, 10 * T_MS);
	KUNIT_EXPECT_FALSE(test, dwcp_latbudget_exhausted(lb, T_SEC));
	expect_within_16th(test, dwcp_latbudget_pctl(lb, T_SEC), 10 * T_MS);
}

/* min_samples: one slow call out of three does not exhaust the budget. */
static void latbudget_min_samples(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, DWCP_HIST_P95, 0, 0);
	struct dwcp_latbudget_config cfg = lb->cfg;

	cfg.min_samples = 10;
	dwcp_latbudget_reconfigure(lb, &cfg, T_SEC);
	record_n(lb, T_SEC, 9, 200 * T_MS);
	KUNIT_EXPECT_FALSE(test, dwcp_latbudget_exhausted(lb, T_SEC));
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_compliance_ppm(lb, T_SEC), 0U);
	dwcp_latbudget_record(lb, T_SEC, 200 * T_MS);
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, T_SEC));
}

/* Reconfigure keeps the window; a new target re-judges it from buckets. */
static void latbudget_reconfigure(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, DWCP_HIST_P95,
					   3 * T_SEC, 0);
	struct dwcp_latbudget_config cfg = lb->cfg;
	u64 total, exceeding;

	record_n(lb, 100 * T_MS, 100, 200 * T_MS);
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, 100 * T_MS));

	cfg.percentile_ppm = DWCP_HIST_P50;
	dwcp_latbudget_reconfigure(lb, &cfg, 200 * T_MS);
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, 200 * T_MS));

	cfg.target_ns = 300 * T_MS;
	dwcp_latbudget_reconfigure(lb, &cfg, 200 * T_MS);
	KUNIT_EXPECT_FALSE(test, dwcp_latbudget_exhausted(lb, 200 * T_MS));
	dwcp_latbudget_window(lb, 200 * T_MS, &total, &exceeding);
	KUNIT_EXPECT_EQ(test, total, 100ULL);
	KUNIT_EXPECT_EQ(test, exceeding, 0ULL);

	cfg.target_ns = 150 * T_MS;
	dwcp_latbudget_reconfigure(lb, &cfg, 200 * T_MS);
	KUNIT_EXPECT_TRUE(test, dwcp_latbudget_exhausted(lb, 200 * T_MS));
	KUNIT_EXPECT_EQ(test, lb->life_exceeding, 100ULL);

	/*
	 * A longer window keeps the samples (as if recorded at the change,
	 * 2 s); with 10 s slots they leave when the slot of 30 s begins.
	 */
	cfg.window_ns = 30 * T_SEC;
	dwcp_latbudget_reconfigure(lb, &cfg, 2 * T_SEC);
	dwcp_latbudget_window(lb, 2 * T_SEC, &total, &exceeding);
	KUNIT_EXPECT_EQ(test, total, 100ULL);
	dwcp_latbudget_window(lb, 29 * T_SEC, &total, &exceeding);
	KUNIT_EXPECT_EQ(test, total, 100ULL);
	dwcp_latbudget_window(lb, 30 * T_SEC, &total, &exceeding);
	KUNIT_EXPECT_EQ(test, total, 0ULL);
}

/*
 * Samples recorded elsewhere (a lock-free path's histogram) merge in as if
 * recorded now: counted in the window, judged by their bucket, and weighed
 * by the calls they stand for.
 */
static void latbudget_merge(struct kunit *test)
{
	struct dwcp_latbudget *lb = lb_new(test, 100 * T_MS, 950000, 0, 1000 * T_SEC);
	struct dwcp_hist *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	struct dwcp_latbudget_status st;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, h);
	dwcp_hist_init(h);
	for (i = 0; i < 90; i++)
		dwcp_hist_record(h, 10 * T_MS);
	for (i = 0; i < 10; i++)
		dwcp_hist_record(h, 300 * T_MS);
	dwcp_latbudget_merge(lb, 1000 * T_SEC, h, 100);
	dwcp_latbudget_eval(lb, 1000 * T_SEC, &st);
	KUNIT_EXPECT_EQ(test, st.total, 100ULL);
	KUNIT_EXPECT_EQ(test, st.exceeding, 10ULL);
	KUNIT_EXPECT_EQ(test, st.compliance_ppm, 900000U);
	/* 10 % over the target: the P95 is. */
	KUNIT_EXPECT_TRUE(test, st.exhausted);
	KUNIT_EXPECT_EQ(test, lb->life_total, 100ULL);
	KUNIT_EXPECT_EQ(test, lb->life_exceeding, 10ULL);
	/* Merged samples leave the window as recorded ones do. */
	dwcp_latbudget_eval(lb, 1000 * T_SEC + DWCP_LATBUDGET_DEF_WINDOW_NS + T_SEC, &st);
	KUNIT_EXPECT_EQ(test, st.total, 0ULL);
	/* An empty histogram changes nothing. */
	dwcp_hist_init(h);
	dwcp_latbudget_merge(lb, 2000 * T_SEC, h, 50);
	KUNIT_EXPECT_EQ(test, lb->life_total, 100ULL);

	/*
	 * One call in 8 timed: 10 fast samples of 80 calls weigh as much as
	 * 80 timed calls, so 30 slow calls timed one by one are 27 %, not 75 %,
	 * of the window, and the P95 is over the target either way.
	 */
	for (i = 0; i < 10; i++)
		dwcp_hist_record(h, 10 * T_MS);
	dwcp_latbudget_merge(lb, 3000 * T_SEC, h, 80);
	record_n(lb, 3000 * T_SEC, 30, 300 * T_MS);
	dwcp_latbudget_eval(lb, 3000 * T_SEC, &st);
	KUNIT_EXPECT_EQ(test, st.total, 110ULL);
	KUNIT_EXPECT_EQ(test, st.exceeding, 30ULL);
	KUNIT_EXPECT_EQ(test, st.compliance_ppm, 727272U);
	/* 2 slow ones among 80 + 40 calls: the P95 is fast again. */
	dwcp_hist_init(h);
	for (i = 0; i < 5; i++)
		dwcp_hist_record(h, 10 * T_MS);
	dwcp_latbudget_merge(lb, 5000 * T_SEC, h, 118);
	record_n(lb, 5000 * T_SEC, 2, 300 * T_MS);
	dwcp_latbudget_eval(lb, 5000 * T_SEC, &st);
	KUNIT_EXPECT_EQ(test, st.total, 120ULL);
	KUNIT_EXPECT_FALSE(test, st.exhausted);
}

/* The struct stays below 4 KiB (it lives in the per-policy object). */
static void latbudget_size(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, sizeof(struct dwcp_latbudget), (size_t)4096);
	kunit_info(test, "sizeof(struct dwcp_latbudget) = %zu\n",
		   sizeof(struct dwcp_latbudget));
}

struct lb_cfg_case {
	const char *name;
	u64 target_ns, window_ns;
	u32 pctl_ppm;
	int err;
};

static const struct lb_cfg_case lb_cfg_cases[] = {
	{ "dwcp send", 100 * T_MS, 300 * T_SEC, DWCP_HIST_P95, 0 },
	{ "smallest", T_US, 3 * T_MS, 1, 0 },
	{ "largest", DWCP_HIST_MAX_NS, DWCP_LATBUDGET_MAX_WINDOW_NS,
	  DWCP_HIST_P100, 0 },
	{ "target 0", 0, T_SEC, DWCP_HIST_P95, -ERANGE },
	{ "target < 1 us", T_US - 1, T_SEC, DWCP_HIST_P95, -ERANGE },
	{ "target beyond histogram", DWCP_HIST_MAX_NS + 1, T_SEC,
	  DWCP_HIST_P95, -ERANGE },
	{ "percentile 0", T_MS, T_SEC, 0, -ERANGE },
	{ "percentile > 100 %", T_MS, T_SEC, DWCP_HIST_P100 + 1, -ERANGE },
	{ "window < 3 ms", T_MS, 3 * T_MS - 1, DWCP_HIST_P95, -ERANGE },
	{ "window > 31 days", T_MS, DWCP_LATBUDGET_MAX_WINDOW_NS + 1,
	  DWCP_HIST_P95, -ERANGE },
};

static void lb_cfg_desc(const struct lb_cfg_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lb_cfg, lb_cfg_cases, lb_cfg_desc);

static void latbudget_config_check(struct kunit *test)
{
	const struct lb_cfg_case *c = test->param_value;
	struct dwcp_latbudget_config cfg;
	const char *why = NULL;

	dwcp_latbudget_config_default(&cfg, c->target_ns, c->pctl_ppm);
	cfg.window_ns = c->window_ns;
	KUNIT_EXPECT_EQ(test, dwcp_latbudget_config_check(&cfg, &why), c->err);
	if (c->err)
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
}

static struct kunit_case dwcp_latbudget_test_cases[] = {
	KUNIT_CASE(go_latency_budget_basic),
	KUNIT_CASE(go_latency_budget_exhaustion),
	KUNIT_CASE(latbudget_empty),
	KUNIT_CASE(defect_5_nearest_rank),
	KUNIT_CASE(defect_5_no_sort_large_stream),
	KUNIT_CASE(latbudget_window_rollover),
	KUNIT_CASE_PARAM(latbudget_threshold_1_16, near_gen_params),
	KUNIT_CASE(latbudget_rank_exact),
	KUNIT_CASE(latbudget_extreme_percentiles),
	KUNIT_CASE(latbudget_min_samples),
	KUNIT_CASE(latbudget_reconfigure),
	KUNIT_CASE(latbudget_merge),
	KUNIT_CASE(latbudget_size),
	KUNIT_CASE_PARAM(latbudget_config_check, lb_cfg_gen_params),
	{}
};

static struct kunit_suite dwcp_latbudget_test_suite = {
	.name = "dwcp_latbudget",
	.test_cases = dwcp_latbudget_test_cases,
};

kunit_test_suite(dwcp_latbudget_test_suite);
