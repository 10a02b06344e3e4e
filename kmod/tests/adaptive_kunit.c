// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the adaptive rate limiter controller (kmod/core/adaptive.c),
 * driven by a fake clock: slow calls cut the rate, one decision per window,
 * burst >= 1 and per-policy instances, no growth while app-limited, dead
 * band, clamps, config checks and reconfiguration.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/adaptive.h"

#define MS	(1000000ULL)
#define SEC	(1000000000ULL)
#define CPS	DWCP_MCPS_PER_CPS

static void feed(struct dwcp_adaptive *a, unsigned int n, u64 lat, unsigned int admits)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dwcp_adaptive_record(a, lat);
	for (i = 0; i < admits; i++)
		dwcp_adaptive_note_admit(a, false);
}

static struct dwcp_adaptive *new_adaptive(struct kunit *test,
					  const struct dwcp_adaptive_config *cfg, u64 now)
{
	struct dwcp_adaptive *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_ASSERT_EQ(test, dwcp_adaptive_init(a, cfg, now), 0);
	return a;
}

static void adaptive_config_default(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	const char *why = NULL;

	dwcp_adaptive_config_default(&c);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_config_check(&c, &why), 0);
	KUNIT_EXPECT_EQ(test, c.initial_rate, 1000 * CPS);
	KUNIT_EXPECT_EQ(test, c.min_rate, 100 * CPS);
	KUNIT_EXPECT_EQ(test, c.max_rate, 10000 * CPS);
	KUNIT_EXPECT_EQ(test, c.target_ns, 100 * MS);
	KUNIT_EXPECT_LE(test, sizeof(struct dwcp_adaptive), 1200);
}

struct adaptive_bad_case {
	const char *name;
	size_t off;		/* field of struct dwcp_adaptive_config */
	u64 value;
	int err;
};

#define BAD(n, f, v, e) { n, offsetof(struct dwcp_adaptive_config, f), v, e }

static void adaptive_set(struct dwcp_adaptive_config *c, const struct adaptive_bad_case *bc)
{
	void *p = (u8 *)c + bc->off;

	/* the u64 fields come first, the u32 ones from min_samples on */
	if (bc->off < offsetof(struct dwcp_adaptive_config, min_samples))
		*(u64 *)p = bc->value;
	else
		*(u32 *)p = (u32)bc->value;
}

/* Each case mutates one field of the default config. */
static const struct adaptive_bad_case adaptive_bad_cases[] = {
	BAD("zero_min_rate", min_rate, 0, -EINVAL),
	BAD("min_above_max", min_rate, 10001 * CPS, -EINVAL),
	BAD("initial_outside", initial_rate, 10001 * CPS, -ERANGE),
	BAD("max_rate_limit", max_rate, DWCP_ADAPTIVE_RATE_LIMIT + 1, -ERANGE),
	BAD("decrease_not_cut", decrease_ppm, DWCP_PPM, -EINVAL),
	BAD("increase_no_growth", increase_ppm, DWCP_PPM, -EINVAL),
	BAD("low_above_target", low_ppm, 1100000, -EINVAL),
	BAD("high_below_target", high_ppm, 900000, -EINVAL),
	BAD("high_above_10x", high_ppm, 10 * DWCP_PPM + 1, -ERANGE),
	BAD("zero_samples", min_samples, 0, -EINVAL),
	BAD("huge_target", target_ns, U64_MAX, -ERANGE),
	BAD("zero_target", target_ns, 0, -EINVAL),
	BAD("percentile_above_100", percentile_ppm, DWCP_PPM + 1, -EINVAL),
	BAD("util_above_100", min_util_ppm, DWCP_PPM + 1, -EINVAL),
	BAD("window_too_long", window_ns, U64_MAX, -ERANGE),
	BAD("burst_too_long", burst_ns, U64_MAX, -ERANGE),
};

static void adaptive_bad_desc(const struct adaptive_bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(adaptive_bad, adaptive_bad_cases, adaptive_bad_desc);

static void adaptive_config_check_rejects(struct kunit *test)
{
	const struct adaptive_bad_case *bc = test->param_value;
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a;
	const char *why = NULL;

	dwcp_adaptive_config_default(&c);
	adaptive_set(&c, bc);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_config_check(&c, &why), bc->err);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_init(a, &c, 0), bc->err);
}

/* (100, 10, 1000, 100 ms, window 10); 10 x 200 ms -> rate < 100/s. */
static void go_adaptive_rate_limiter(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a;
	u64 now = 0, r = 0;

	dwcp_adaptive_config_default(&c);
	c.initial_rate = 100 * CPS;
	c.min_rate = 10 * CPS;
	c.max_rate = 1000 * CPS;
	c.target_ns = 100 * MS;
	c.min_samples = 10;
	c.window_ns = SEC;
	a = new_adaptive(test, &c, now);
	feed(a, 10, 200 * MS, 10);
	now += SEC;
	KUNIT_EXPECT_TRUE(test, dwcp_adaptive_tick(a, now, &r));
	KUNIT_EXPECT_LT(test, dwcp_adaptive_rate(a), 100 * CPS);
	/* exactly one -10 % step; a cut per sample (5..10) would give 0.9^6: 53/s */
	KUNIT_EXPECT_EQ(test, r, 90 * CPS);
}

/* One slow burst spread over a window gives one cut, not one per sample. */
static void defect_5_one_cut_per_window(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	unsigned int i, changes = 0;
	struct dwcp_adaptive *a;
	u64 now = 0, r;

	dwcp_adaptive_config_default(&c);
	a = new_adaptive(test, &c, now);
	for (i = 0; i < 100; i++) {
		feed(a, 10, 500 * MS, 10);
		now += 10 * MS;
		changes += dwcp_adaptive_tick(a, now, &r);
	}
	KUNIT_EXPECT_EQ(test, changes, 1);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_rate(a), 900 * CPS);
	KUNIT_EXPECT_EQ(test, a->decreases, 1);
	for (i = 0; i < 100; i++) {
		feed(a, 10, 500 * MS, 10);
		now += 10 * MS;
		changes += dwcp_adaptive_tick(a, now, &r);
	}
	KUNIT_EXPECT_EQ(test, changes, 2);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_rate(a), 810 * CPS);
}

static void adaptive_window_rules(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a;
	u64 r;

	dwcp_adaptive_config_default(&c);
	a = new_adaptive(test, &c, 0);
	feed(a, 100, 500 * MS, 0);
	KUNIT_EXPECT_FALSE(test, dwcp_adaptive_tick(a, SEC - 1, &r));
	KUNIT_EXPECT_EQ(test, r, 1000 * CPS);

	/* too few samples: the window extends until min_samples arrive */
	dwcp_adaptive_init(a, &c, 0);
	feed(a, c.min_samples - 1, 500 * MS, 0);
	KUNIT_EXPECT_FALSE(test, dwcp_adaptive_tick(a, 5 * SEC, &r));
	feed(a, 1, 500 * MS, 0);
	KUNIT_EXPECT_TRUE(test, dwcp_adaptive_tick(a, 6 * SEC, &r));
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(&a->win), 0);
	KUNIT_EXPECT_EQ(test, a->win_start, 6 * SEC);

	/* window_ns = 0: sample-count windows */
	c.window_ns = 0;
	c.min_samples = 20;
	dwcp_adaptive_init(a, &c, 0);
	feed(a, 19, 500 * MS, 0);
	KUNIT_EXPECT_FALSE(test, dwcp_adaptive_tick(a, 0, &r));
	feed(a, 1, 500 * MS, 0);
	KUNIT_EXPECT_TRUE(test, dwcp_adaptive_tick(a, 0, &r));
}

/* Tick at @now; expect a decision exactly when dwcp_adaptive_tick_due() said so. */
static void tick_as_due(struct kunit *test, struct dwcp_adaptive *a, u64 now, bool want)
{
	bool due = dwcp_adaptive_tick_due(a, now);
	u64 w = a->windows, r;

	KUNIT_EXPECT_EQ(test, due, want);
	dwcp_adaptive_tick(a, now, &r);
	KUNIT_EXPECT_EQ(test, a->windows != w, due);
	if (!due)
		KUNIT_EXPECT_EQ(test, r, dwcp_adaptive_rate(a));
}

/* The inline due-check the pipeline uses agrees with the tick itself. */
static void adaptive_tick_due_matches_tick(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a;

	dwcp_adaptive_config_default(&c);
	a = new_adaptive(test, &c, 10 * SEC);
	feed(a, c.min_samples, 500 * MS, 0);
	tick_as_due(test, a, 11 * SEC - 1, false);	/* window not over */
	tick_as_due(test, a, 5 * SEC, false);		/* clock went back */
	tick_as_due(test, a, 11 * SEC, true);		/* exactly at the end */
	feed(a, c.min_samples - 1, 500 * MS, 0);
	tick_as_due(test, a, 20 * SEC, false);		/* too few samples */
	feed(a, 1, 500 * MS, 0);
	tick_as_due(test, a, 20 * SEC, true);
	/* reconfigured to a longer window: the check follows the new one */
	c.window_ns = 5 * SEC;
	KUNIT_ASSERT_EQ(test, dwcp_adaptive_reconfigure(a, &c, 21 * SEC), 0);
	feed(a, c.min_samples, 500 * MS, 0);
	tick_as_due(test, a, 24 * SEC, false);
	tick_as_due(test, a, 25 * SEC, true);
	/* window_ns = 0: due on samples alone, even with the clock back */
	c.window_ns = 0;
	KUNIT_ASSERT_EQ(test, dwcp_adaptive_reconfigure(a, &c, 25 * SEC), 0);
	feed(a, c.min_samples - 1, 500 * MS, 0);
	tick_as_due(test, a, SEC, false);
	feed(a, 1, 500 * MS, 0);
	tick_as_due(test, a, SEC, true);
}

static void defect_6_burst_never_zero(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a;
	unsigned int i;
	u64 now = 0, r;

	dwcp_adaptive_config_default(&c);
	c.min_rate = 100;		/* 0.1 call/s */
	c.initial_rate = 500;		/* 0.5 call/s: int(0.5) would be 0 */
	a = new_adaptive(test, &c, now);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_burst(a), 1);
	for (i = 0; i < 50; i++) {
		feed(a, 50, 10 * SEC, 0);
		now += SEC;
		dwcp_adaptive_tick(a, now, &r);
		KUNIT_EXPECT_GE(test, dwcp_adaptive_burst(a), 1);
	}
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_rate(a), 100);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_burst(a), 1);
	/* burst follows rate: burst_ns of rate, rounded down, at least 1 */
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_burst_for(1000 * CPS, SEC), 1000);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_burst_for(1000 * CPS, 100 * MS), 100);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_burst_for(1, 0), 1);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_burst_for(U64_MAX, U64_MAX), 3600 * SEC);
}

/* Latencies of one policy never move another policy's rate. */
static void defect_6_per_policy(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a, *b;
	u64 r;

	dwcp_adaptive_config_default(&c);
	a = new_adaptive(test, &c, 0);
	b = new_adaptive(test, &c, 0);
	feed(a, 100, SEC, 600);
	feed(b, 100, 50 * MS, 0);
	dwcp_adaptive_tick(a, SEC, &r);
	dwcp_adaptive_tick(b, SEC, &r);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_rate(a), 900 * CPS);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_rate(b), 1000 * CPS);
}

/* Grow only when offered load (admitted + rejected) >= 50 % of the rate. */
static void adaptive_app_limited_no_growth(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a;
	unsigned int i;
	u64 r;

	dwcp_adaptive_config_default(&c);
	a = new_adaptive(test, &c, 0);
	feed(a, 60, 10 * MS, 10);		/* 10 calls/s offered vs 1000/s */
	KUNIT_EXPECT_FALSE(test, dwcp_adaptive_tick(a, SEC, &r));
	KUNIT_EXPECT_EQ(test, a->app_limited, 1);
	feed(a, 60, 10 * MS, 499);		/* 49.9 % */
	KUNIT_EXPECT_FALSE(test, dwcp_adaptive_tick(a, 2 * SEC, &r));
	feed(a, 60, 10 * MS, 400);		/* 400 admitted + 100 rejected = 50 % */
	for (i = 0; i < 100; i++)
		dwcp_adaptive_note_admit(a, true);
	KUNIT_EXPECT_TRUE(test, dwcp_adaptive_tick(a, 3 * SEC, &r));
	KUNIT_EXPECT_EQ(test, r, 1050 * CPS);
	KUNIT_EXPECT_EQ(test, a->increases, 1);
	KUNIT_EXPECT_EQ(test, a->app_limited, 2);
}

static void adaptive_dead_band(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a;
	u64 r;

	dwcp_adaptive_config_default(&c);
	a = new_adaptive(test, &c, 0);
	feed(a, 100, 100 * MS, 1000);
	KUNIT_EXPECT_FALSE(test, dwcp_adaptive_tick(a, SEC, &r));
	feed(a, 100, 110 * MS, 1000);
	KUNIT_EXPECT_FALSE(test, dwcp_adaptive_tick(a, 2 * SEC, &r));
	feed(a, 100, 85 * MS, 1000);
	KUNIT_EXPECT_FALSE(test, dwcp_adaptive_tick(a, 3 * SEC, &r));
	KUNIT_EXPECT_EQ(test, a->windows, 3);

	/* P95 low but mean above target: no growth (needs "mean < target") */
	dwcp_adaptive_init(a, &c, 0);
	feed(a, 96, 10 * MS, 1000);
	feed(a, 4, 10 * SEC, 0);
	KUNIT_EXPECT_FALSE(test, dwcp_adaptive_tick(a, SEC, &r));
}

static void adaptive_clamps(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a;
	unsigned int i;
	u64 r;

	dwcp_adaptive_config_default(&c);
	a = new_adaptive(test, &c, 0);
	for (i = 1; i <= 100; i++) {
		feed(a, 100, 10 * MS, 20000);
		dwcp_adaptive_tick(a, i * SEC, &r);
		KUNIT_EXPECT_LE(test, r, 10000 * CPS);
	}
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_rate(a), 10000 * CPS);
	for (i = 101; i <= 200; i++) {
		feed(a, 100, SEC, 0);
		dwcp_adaptive_tick(a, i * SEC, &r);
		KUNIT_EXPECT_GE(test, r, 100 * CPS);
	}
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_rate(a), 100 * CPS);

	/* +5 % of 1 mcps rounds to 0: growth is still at least 1 mcps */
	c.min_rate = 1;
	c.initial_rate = 1;
	c.min_util_ppm = 0;
	dwcp_adaptive_init(a, &c, 0);
	feed(a, 100, 10 * MS, 0);
	KUNIT_EXPECT_TRUE(test, dwcp_adaptive_tick(a, SEC, &r));
	KUNIT_EXPECT_EQ(test, r, 2);
}

static void adaptive_reconfigure_keeps_state(struct kunit *test)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive *a;
	u64 r;

	dwcp_adaptive_config_default(&c);
	a = new_adaptive(test, &c, 0);
	feed(a, 100, SEC, 0);
	dwcp_adaptive_tick(a, SEC, &r);
	feed(a, 30, SEC, 0);
	c.initial_rate = 5000 * CPS;
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_reconfigure(a, &c, 2 * SEC), 0);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_rate(a), 900 * CPS);
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(&a->win), 30);
	KUNIT_EXPECT_EQ(test, a->decreases, 1);
	c.min_rate = 2000 * CPS;
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_reconfigure(a, &c, 2 * SEC), 0);
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_rate(a), 2000 * CPS);
	c.min_rate = 0;
	KUNIT_EXPECT_EQ(test, dwcp_adaptive_reconfigure(a, &c, 2 * SEC), -EINVAL);
	KUNIT_EXPECT_EQ(test, a->cfg.min_rate, 2000 * CPS);
}

static struct kunit_case dwcp_adaptive_test_cases[] = {
	KUNIT_CASE(adaptive_config_default),
	KUNIT_CASE_PARAM(adaptive_config_check_rejects, adaptive_bad_gen_params),
	KUNIT_CASE(go_adaptive_rate_limiter),
	KUNIT_CASE(defect_5_one_cut_per_window),
	KUNIT_CASE(adaptive_window_rules),
	KUNIT_CASE(defect_6_burst_never_zero),
	KUNIT_CASE(defect_6_per_policy),
	KUNIT_CASE(adaptive_app_limited_no_growth),
	KUNIT_CASE(adaptive_dead_band),
	KUNIT_CASE(adaptive_clamps),
	KUNIT_CASE(adaptive_reconfigure_keeps_state),
	KUNIT_CASE(adaptive_tick_due_matches_tick),
	{}
};

static struct kunit_suite dwcp_adaptive_test_suite = {
	.name = "dwcp_adaptive",
	.test_cases = dwcp_adaptive_test_cases,
};

kunit_test_suite(dwcp_adaptive_test_suite);
