// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the adaptive timeout estimator (kmod/core/timeout.c), with a
 * fake clock: bounds, 2 x P95 target, fast up / slow down, once per window,
 * the 10-sample minimum, timed-out calls pushing the estimate up, the
 * manual step, config checks and reconfiguration.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/timeout.h"

#define MS	(1000000ULL)
#define SEC	(1000000000ULL)

static void feed(struct dwcp_timeout *t, unsigned int n, u64 lat, bool timed_out)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dwcp_timeout_record(t, lat, timed_out);
}

static bool near(u64 a, u64 b)
{
	u64 d = a > b ? a - b : b - a;

	return d * 16 <= b;
}

/* Default DWCP config, starting at @initial, window [0, 1 s). */
static struct dwcp_timeout *new_timeout(struct kunit *test, u64 initial)
{
	struct dwcp_timeout *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	struct dwcp_timeout_config c;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	dwcp_timeout_config_default(&c);
	c.initial_ns = initial;
	KUNIT_ASSERT_EQ(test, dwcp_timeout_init(t, &c, 0), 0);
	return t;
}

static void timeout_config_default(struct kunit *test)
{
	struct dwcp_timeout_config c;
	const char *why = NULL;

	dwcp_timeout_config_default(&c);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_config_check(&c, &why), 0);
	KUNIT_EXPECT_EQ(test, c.min_ns, 10 * MS);
	KUNIT_EXPECT_EQ(test, c.max_ns, 300 * SEC);
	KUNIT_EXPECT_EQ(test, c.min_samples, 10);
	KUNIT_EXPECT_EQ(test, c.multiplier_ppm, 2 * DWCP_PPM);
	KUNIT_EXPECT_LE(test, sizeof(struct dwcp_timeout), 1200);
}

struct timeout_bad_case {
	const char *name;
	size_t off;		/* field of struct dwcp_timeout_config */
	u64 value;
	int err;
};

#define BAD(n, f, v, e) { n, offsetof(struct dwcp_timeout_config, f), v, e }

static void timeout_set(struct dwcp_timeout_config *c, const struct timeout_bad_case *bc)
{
	void *p = (u8 *)c + bc->off;

	/* the u64 fields come first, the u32 ones from min_samples on */
	if (bc->off < offsetof(struct dwcp_timeout_config, min_samples))
		*(u64 *)p = bc->value;
	else
		*(u32 *)p = (u32)bc->value;
}

/* Each case mutates one field of the default config. */
static const struct timeout_bad_case timeout_bad_cases[] = {
	BAD("zero_min", min_ns, 0, -EINVAL),
	BAD("min_above_max", min_ns, 301 * SEC, -EINVAL),
	BAD("max_above_limit", max_ns, 2 * DWCP_TIMEOUT_LIMIT_NS, -ERANGE),
	BAD("initial_below_min", initial_ns, 1, -ERANGE),
	BAD("multiplier_below_1", multiplier_ppm, 500000, -ERANGE),
	BAD("multiplier_above_10", multiplier_ppm, 10 * DWCP_PPM + 1, -ERANGE),
	BAD("zero_fall", fall_ppm, 0, -EINVAL),
	BAD("rise_above_1", rise_ppm, DWCP_PPM + 1, -EINVAL),
	BAD("zero_samples", min_samples, 0, -EINVAL),
	BAD("zero_percentile", percentile_ppm, 0, -EINVAL),
	BAD("window_too_long", window_ns, U64_MAX, -ERANGE),
};

static void timeout_bad_desc(const struct timeout_bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(timeout_bad, timeout_bad_cases, timeout_bad_desc);

static void timeout_config_check_rejects(struct kunit *test)
{
	const struct timeout_bad_case *bc = test->param_value;
	struct dwcp_timeout_config c;
	struct dwcp_timeout *t;
	const char *why = NULL;

	dwcp_timeout_config_default(&c);
	timeout_set(&c, bc);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_config_check(&c, &why), bc->err);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
	t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_init(t, &c, 0), bc->err);
}

/* No update before 10 samples, and only once per window. */
static void timeout_min_samples_and_window(struct kunit *test)
{
	struct dwcp_timeout *t = new_timeout(test, SEC);

	feed(t, 9, 2 * SEC, false);
	KUNIT_EXPECT_FALSE(test, dwcp_timeout_update(t, 10 * SEC));
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), SEC);
	feed(t, 1, 2 * SEC, false);
	KUNIT_EXPECT_FALSE(test, dwcp_timeout_update(t, 0));
	KUNIT_EXPECT_TRUE(test, dwcp_timeout_update(t, 10 * SEC));
	KUNIT_EXPECT_EQ(test, t->updates, 1);
	feed(t, 100, 2 * SEC, false);
	KUNIT_EXPECT_FALSE(test, dwcp_timeout_update(t, 10 * SEC + SEC / 2));
	KUNIT_EXPECT_EQ(test, t->updates, 1);
}

/* Update at @now; expect one exactly when dwcp_timeout_update_due() said so. */
static void update_as_due(struct kunit *test, struct dwcp_timeout *t, u64 now, bool want)
{
	bool due = dwcp_timeout_update_due(t, now);
	u64 u = t->updates;

	KUNIT_EXPECT_EQ(test, due, want);
	dwcp_timeout_update(t, now);
	KUNIT_EXPECT_EQ(test, t->updates != u, due);
}

/* The inline due-check the pipeline uses agrees with the update itself. */
static void timeout_update_due_matches_update(struct kunit *test)
{
	struct dwcp_timeout *t = new_timeout(test, SEC);
	struct dwcp_timeout_config c = t->cfg;

	feed(t, 10, 2 * SEC, false);
	update_as_due(test, t, SEC - 1, false);		/* window not over */
	update_as_due(test, t, SEC, true);		/* exactly at the end */
	feed(t, 9, 2 * SEC, false);
	update_as_due(test, t, 5 * SEC, false);		/* too few samples */
	feed(t, 1, 2 * SEC, true);			/* a timeout counts too */
	update_as_due(test, t, SEC / 2, false);		/* clock went back */
	update_as_due(test, t, 5 * SEC, true);
	/* reconfigured window: the check follows it */
	c.window_ns = 3 * SEC;
	KUNIT_ASSERT_EQ(test, dwcp_timeout_reconfigure(t, &c, 5 * SEC), 0);
	feed(t, 10, 2 * SEC, false);
	update_as_due(test, t, 8 * SEC - 1, false);
	update_as_due(test, t, 8 * SEC, true);
	/* window_ns = 0: due on samples alone */
	c.window_ns = 0;
	KUNIT_ASSERT_EQ(test, dwcp_timeout_reconfigure(t, &c, 8 * SEC), 0);
	feed(t, 9, 2 * SEC, false);
	update_as_due(test, t, 0, false);
	feed(t, 1, 2 * SEC, false);
	update_as_due(test, t, 0, true);
}

static void timeout_fast_up(struct kunit *test)
{
	struct dwcp_timeout *t = new_timeout(test, SEC);
	unsigned int i;
	u64 tgt;

	feed(t, 20, 2 * SEC, false);
	KUNIT_EXPECT_TRUE(test, dwcp_timeout_update(t, SEC));
	tgt = t->last_target_ns;
	KUNIT_EXPECT_TRUE_MSG(test, near(tgt, 4 * SEC), "target %llu, want ~2 x P95 = 4 s", tgt);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), SEC + (tgt - SEC) / 2);
	for (i = 2; i < 40; i++) {
		feed(t, 20, 2 * SEC, false);
		dwcp_timeout_update(t, i * SEC);
	}
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), t->last_target_ns);
}

static void timeout_slow_down(struct kunit *test)
{
	struct dwcp_timeout *t = new_timeout(test, 30 * SEC);
	unsigned int i;
	u64 tgt, first;

	feed(t, 20, 100 * MS, false);
	KUNIT_EXPECT_TRUE(test, dwcp_timeout_update(t, SEC));
	tgt = t->last_target_ns;
	KUNIT_EXPECT_TRUE_MSG(test, near(tgt, 200 * MS), "target %llu, want ~200 ms", tgt);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 30 * SEC - (30 * SEC - tgt) / 10);
	for (i = 2; i < 300; i++) {
		feed(t, 20, 100 * MS, false);
		dwcp_timeout_update(t, i * SEC);
	}
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), t->last_target_ns);
	KUNIT_EXPECT_TRUE(test, near(dwcp_timeout_current(t), 200 * MS));
	/* from there, slower calls push it up fast again: halfway in one window */
	for (i = 300, first = 0; i < 340; i++) {
		feed(t, 20, SEC, false);
		if (dwcp_timeout_update(t, i * SEC) && !first)
			first = dwcp_timeout_current(t);
	}
	KUNIT_EXPECT_GT(test, first, SEC);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), t->last_target_ns);
}

static void timeout_bounds(struct kunit *test)
{
	struct dwcp_timeout *t = new_timeout(test, SEC);
	unsigned int i;

	for (i = 1; i <= 300; i++) {
		feed(t, 20, 1000, false);
		dwcp_timeout_update(t, i * SEC);
		KUNIT_EXPECT_GE(test, dwcp_timeout_current(t), 10 * MS);
	}
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 10 * MS);
	for (i = 301; i <= 360; i++) {
		feed(t, 20, 900 * SEC, false);
		dwcp_timeout_update(t, i * SEC);
		KUNIT_EXPECT_LE(test, dwcp_timeout_current(t), 300 * SEC);
	}
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 300 * SEC);
	feed(t, 20, U64_MAX, true);
	dwcp_timeout_update(t, 1000 * SEC);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 300 * SEC);
}

/*
 * No survivorship bias: 20 % of calls time out at the current 1 s timeout,
 * the rest take 100 ms. Recording only the survivors gives P95 100 ms,
 * target 200 ms, so the timeout FALLS while calls are timing out (@go shows
 * it). Fed in, they make P95 >= 1 s and the timeout rises.
 */
static void defect_4_timeouts_raise_estimate(struct kunit *test)
{
	struct dwcp_timeout *t = new_timeout(test, SEC), *go = new_timeout(test, SEC);

	feed(t, 80, 100 * MS, false);
	feed(t, 20, SEC, true);
	feed(go, 80, 100 * MS, false);		/* the survivors only */
	dwcp_timeout_update(t, SEC);
	dwcp_timeout_update(go, SEC);
	KUNIT_EXPECT_LT(test, dwcp_timeout_current(go), SEC);
	KUNIT_EXPECT_GT(test, dwcp_timeout_current(t), SEC);
	KUNIT_EXPECT_EQ(test, t->timeouts, 20);
}

/* A timed-out call counts as at least the current timeout, whatever it reports. */
static void defect_4_timed_out_counts_as_current(struct kunit *test)
{
	struct dwcp_timeout *t = new_timeout(test, 2 * SEC);
	unsigned int i;

	feed(t, 90, 100 * MS, false);
	feed(t, 10, 0, true);
	dwcp_timeout_update(t, SEC);
	KUNIT_EXPECT_GT(test, dwcp_timeout_current(t), 2 * SEC);
	/* persistent timeouts keep pushing it up, to the ceiling */
	for (i = 2; i < 100; i++) {
		feed(t, 10, dwcp_timeout_current(t), true);
		dwcp_timeout_update(t, i * SEC);
	}
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 300 * SEC);
}

/* The manual step dwcp_timeout_adapt(latency, success). */
static void timeout_adapt_manual(struct kunit *test)
{
	struct dwcp_timeout *t = new_timeout(test, SEC);

	dwcp_timeout_adapt(t, 100 * MS, true);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 950 * MS);
	dwcp_timeout_adapt(t, 600 * MS, true);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 1200 * MS);
	dwcp_timeout_adapt(t, 0, false);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 1320 * MS);
	dwcp_timeout_adapt(t, U64_MAX, true);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 300 * SEC);
	t->current_ns = 10 * MS;
	dwcp_timeout_adapt(t, 0, true);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 10 * MS);
}

static void timeout_reconfigure_keeps_state(struct kunit *test)
{
	struct dwcp_timeout *t = new_timeout(test, 300 * SEC);
	struct dwcp_timeout_config c;

	dwcp_timeout_config_default(&c);
	feed(t, 5, 100 * MS, true);
	c.max_ns = 60 * SEC;
	KUNIT_EXPECT_EQ(test, dwcp_timeout_reconfigure(t, &c, 0), 0);
	KUNIT_EXPECT_EQ(test, dwcp_timeout_current(t), 60 * SEC);
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(&t->win), 5);
	KUNIT_EXPECT_EQ(test, t->timeouts, 5);
	c.min_ns = 0;
	KUNIT_EXPECT_EQ(test, dwcp_timeout_reconfigure(t, &c, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, t->cfg.max_ns, 60 * SEC);
}

static struct kunit_case dwcp_timeout_test_cases[] = {
	KUNIT_CASE(timeout_config_default),
	KUNIT_CASE_PARAM(timeout_config_check_rejects, timeout_bad_gen_params),
	KUNIT_CASE(timeout_min_samples_and_window),
	KUNIT_CASE(timeout_fast_up),
	KUNIT_CASE(timeout_slow_down),
	KUNIT_CASE(timeout_bounds),
	KUNIT_CASE(defect_4_timeouts_raise_estimate),
	KUNIT_CASE(defect_4_timed_out_counts_as_current),
	KUNIT_CASE(timeout_adapt_manual),
	KUNIT_CASE(timeout_reconfigure_keeps_state),
	KUNIT_CASE(timeout_update_due_matches_update),
	{}
};

static struct kunit_suite dwcp_timeout_test_suite = {
	.name = "dwcp_timeout",
	.test_cases = dwcp_timeout_test_cases,
};

kunit_test_suite(dwcp_timeout_test_suite);
