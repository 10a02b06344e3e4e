// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the health check state machine (kmod/core/health.c), with
 * a fake clock. selftests/host/test_health.c runs this same file on the host.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/health.h"

#define T_MS	((u64)NSEC_PER_MSEC)
#define T_SEC	((u64)NSEC_PER_SEC)

static void health_cfg(struct dwcp_health_config *cfg, u32 rise, u32 fall,
		       bool initial_healthy)
{
	dwcp_health_config_default(cfg);
	cfg->rise = rise;
	cfg->fall = fall;
	cfg->initial_healthy = initial_healthy;
}

static struct dwcp_health *health_new(struct kunit *test, u32 rise, u32 fall,
				      bool initial_healthy)
{
	struct dwcp_health_config cfg;
	struct dwcp_health *h;
	const char *why = NULL;

	h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	health_cfg(&cfg, rise, fall, initial_healthy);
	KUNIT_EXPECT_EQ(test, dwcp_health_config_check(&cfg, &why), 0);
	dwcp_health_init(h, &cfg, 0);
	return h;
}

/*
 * One probe as the shell runs it: start a run at *now, answer 1 ms later,
 * then move the clock to the next interval. Returns the report's verdict.
 */
static bool health_probe(struct kunit *test, struct dwcp_health *h, u64 *now,
			 bool ok)
{
	bool changed;

	KUNIT_EXPECT_FALSE(test, dwcp_health_expire(h, *now));
	KUNIT_EXPECT_TRUE(test, dwcp_health_due(h, *now));
	KUNIT_EXPECT_FALSE(test, dwcp_health_start(h, *now));
	KUNIT_EXPECT_FALSE(test, dwcp_health_due(h, *now + T_MS));
	changed = dwcp_health_report(h, *now + T_MS, ok);
	*now += h->cfg.interval_ns;
	return changed;
}

/* A probe that succeeds: one check counted, healthy. */
static void go_health_checker_basic(struct kunit *test)
{
	struct dwcp_health *h = health_new(test, DWCP_HEALTH_DEF_RISE,
					   DWCP_HEALTH_DEF_FALL, true);
	u64 now = 0;

	KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, true));
	KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->checks, 1ULL);
	KUNIT_EXPECT_EQ(test, h->failures, 0ULL);
	KUNIT_EXPECT_EQ(test, h->last_success, T_MS);
	KUNIT_EXPECT_EQ(test, h->last_failure, 0ULL);
	KUNIT_EXPECT_EQ(test, h->transitions, 0U);
	KUNIT_EXPECT_EQ(test, dwcp_health_success_ppm(h), DWCP_HEALTH_PPM);
}

/*
 * A probe that fails: with fall = 1, one failure makes the check unhealthy
 * (one transition). With the default fall = 3 one failure is not enough
 * (that is what the threshold is for): it takes three in a row.
 */
static void go_health_checker_failure(struct kunit *test)
{
	struct dwcp_health *h = health_new(test, 1, 1, true);
	u64 now = 0;
	int i;

	KUNIT_EXPECT_TRUE(test, health_probe(test, h, &now, false));
	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->failures, 1ULL);
	KUNIT_EXPECT_EQ(test, h->last_failure, T_MS);
	KUNIT_EXPECT_EQ(test, h->transitions, 1U);
	KUNIT_EXPECT_EQ(test, dwcp_health_success_ppm(h), 0U);

	h = health_new(test, DWCP_HEALTH_DEF_RISE, DWCP_HEALTH_DEF_FALL, true);
	now = 0;
	for (i = 1; i < DWCP_HEALTH_DEF_FALL; i++) {
		KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, false));
		KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));
	}
	KUNIT_EXPECT_TRUE(test, health_probe(test, h, &now, false));
	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->consecutive, (u32)DWCP_HEALTH_DEF_FALL);
	KUNIT_EXPECT_EQ(test, h->transitions, 1U);
}

struct rise_fall_case {
	u32 rise, fall;
};

static const struct rise_fall_case rise_fall_cases[] = {
	{ 2, 2 }, { 2, 3 }, { 3, 2 }, { 3, 3 },
};

static void rise_fall_desc(const struct rise_fall_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "rise %u fall %u", c->rise, c->fall);
}

KUNIT_ARRAY_PARAM(rise_fall, rise_fall_cases, rise_fall_desc);

/*
 * No flapping: alternating ok/fail results. With rise, fall >= 2 neither
 * state ever changes, from either initial state; rise = fall = 1 (no
 * threshold) flaps every time.
 */
static void defect_10_no_flapping(struct kunit *test)
{
	const struct rise_fall_case *c = test->param_value;
	struct dwcp_health *h;
	u64 now;
	int init, i;

	for (init = 0; init < 2; init++) {
		h = health_new(test, c->rise, c->fall, init);
		now = 0;
		for (i = 0; i < 100; i++)
			KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, i & 1));
		KUNIT_EXPECT_EQ(test, dwcp_health_healthy(h), (bool)init);
		KUNIT_EXPECT_EQ(test, h->transitions, 0U);
		KUNIT_EXPECT_EQ(test, h->checks, 100ULL);
		KUNIT_EXPECT_EQ(test, dwcp_health_success_ppm(h), 500000U);
	}

	h = health_new(test, 1, 1, true);
	now = 0;
	for (i = 0; i < 100; i++)
		health_probe(test, h, &now, i & 1);
	KUNIT_EXPECT_EQ(test, h->transitions, 100U);	/* flaps */
}

/* Rise and fall count consecutive results only; one odd result restarts. */
static void health_rise_fall_consecutive(struct kunit *test)
{
	struct dwcp_health *h = health_new(test, 3, 2, false);
	u64 now = 0;

	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, true));
	KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, true));
	KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, false));
	KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, true));
	KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, true));
	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_TRUE(test, health_probe(test, h, &now, true));
	KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->last_change, 5 * h->cfg.interval_ns + T_MS);
	/* More successes: no further event. */
	KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, true));
	KUNIT_EXPECT_FALSE(test, health_probe(test, h, &now, false));
	KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_TRUE(test, health_probe(test, h, &now, false));
	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->transitions, 2U);
	KUNIT_EXPECT_EQ(test, h->checks, 9ULL);
	KUNIT_EXPECT_EQ(test, h->failures, 3ULL);
	KUNIT_EXPECT_EQ(test, dwcp_health_success_ppm(h), 666666U);
}

/*
 * An interval per check. Two checks with their own intervals, driven by one
 * 100 ms timer for 10 s: the 1 s check runs 11 times (t = 0, 1, ..., 10 s),
 * the 5 s check 3 times (0, 5, 10 s); the first run of each is immediate.
 */
static void defect_10_per_check_interval(struct kunit *test)
{
	struct dwcp_health_config cfg;
	struct dwcp_health *a, *b;
	u32 runs_a = 0, runs_b = 0;
	u64 now;

	a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);
	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	dwcp_health_config_default(&cfg);
	cfg.interval_ns = T_SEC;
	cfg.timeout_ns = 500 * T_MS;
	dwcp_health_init(a, &cfg, 0);
	cfg.interval_ns = 5 * T_SEC;
	cfg.timeout_ns = T_SEC;
	dwcp_health_init(b, &cfg, 0);

	for (now = 0; now <= 10 * T_SEC; now += 100 * T_MS) {
		dwcp_health_report(a, now, true);	/* stale unless pending */
		dwcp_health_report(b, now, true);
		if (dwcp_health_due(a, now)) {
			dwcp_health_start(a, now);
			runs_a++;
		}
		if (dwcp_health_due(b, now)) {
			dwcp_health_start(b, now);
			runs_b++;
		}
	}
	KUNIT_EXPECT_EQ(test, runs_a, 11U);
	KUNIT_EXPECT_EQ(test, runs_b, 3U);
	KUNIT_EXPECT_EQ(test, a->last_start, 10 * T_SEC);
	KUNIT_EXPECT_EQ(test, b->last_start, 10 * T_SEC);
	KUNIT_EXPECT_EQ(test, a->checks, 10ULL);
	KUNIT_EXPECT_EQ(test, b->checks, 2ULL);
	KUNIT_EXPECT_EQ(test, a->failures + b->failures, 0ULL);
	/* Due exactly one interval after the start, not a nanosecond before. */
	KUNIT_EXPECT_FALSE(test, dwcp_health_due(a, 11 * T_SEC - 1));
	dwcp_health_report(a, 10 * T_SEC + T_MS, true);
	KUNIT_EXPECT_FALSE(test, dwcp_health_due(a, 11 * T_SEC - 1));
	KUNIT_EXPECT_TRUE(test, dwcp_health_due(a, 11 * T_SEC));
}

/*
 * Restart after stop: stop/resume/init are plain state changes, any number
 * of times, and a stopped check neither runs nor takes results.
 */
static void defect_10_reinit_after_stop(struct kunit *test)
{
	struct dwcp_health *h = health_new(test, 1, 1, true);
	struct dwcp_health_config cfg;
	u64 now = 0;
	int i;

	health_cfg(&cfg, 1, 1, true);
	for (i = 0; i < 5; i++) {
		dwcp_health_init(h, &cfg, now);
		KUNIT_EXPECT_EQ(test, h->checks, 0ULL);
		KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));
		KUNIT_EXPECT_TRUE(test, health_probe(test, h, &now, false));
		KUNIT_EXPECT_FALSE(test, dwcp_health_start(h, now));
		dwcp_health_stop(h);
		dwcp_health_stop(h);	/* twice: no harm */
		KUNIT_EXPECT_FALSE(test, dwcp_health_due(h, now));
		KUNIT_EXPECT_FALSE(test, dwcp_health_due(h, now + 100 * T_SEC));
		KUNIT_EXPECT_FALSE(test, dwcp_health_report(h, now + T_MS, true));
		KUNIT_EXPECT_FALSE(test, dwcp_health_expire(h, now + 100 * T_SEC));
		KUNIT_EXPECT_FALSE(test, dwcp_health_start(h, now + 100 * T_SEC));
		KUNIT_EXPECT_FALSE(test, h->pending);
		KUNIT_EXPECT_EQ(test, h->checks, 1ULL);
		KUNIT_EXPECT_EQ(test, h->stale, 1U);
		now += 100 * T_SEC;
	}

	/* Resume keeps state and counters; the next run is due at once. */
	for (i = 0; i < 5; i++) {
		dwcp_health_resume(h);
		KUNIT_EXPECT_TRUE(test, dwcp_health_due(h, now));
		KUNIT_EXPECT_EQ(test, dwcp_health_healthy(h), i > 0);
		health_probe(test, h, &now, true);
		KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));
		dwcp_health_stop(h);
	}
	KUNIT_EXPECT_EQ(test, h->checks, 6ULL);
	KUNIT_EXPECT_EQ(test, h->transitions, 2U);
}

/* A result after timeout_ns is a failure, whatever the probe said. */
static void health_late_result_fails(struct kunit *test)
{
	struct dwcp_health *h = health_new(test, 1, 1, true);
	u64 t = h->cfg.timeout_ns;

	dwcp_health_start(h, 0);
	KUNIT_EXPECT_TRUE(test, dwcp_health_report(h, t + 1, true));
	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->timeouts, 1U);
	KUNIT_EXPECT_EQ(test, h->last_success, 0ULL);

	/* Exactly at the timeout is still in time. */
	dwcp_health_start(h, 10 * T_SEC);
	KUNIT_EXPECT_TRUE(test, dwcp_health_report(h, 10 * T_SEC + t, true));
	KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->timeouts, 1U);
}

/* expire() fails a hung run once; its late answer is then ignored. */
static void health_expire(struct kunit *test)
{
	struct dwcp_health *h = health_new(test, 1, 2, true);
	u64 t = h->cfg.timeout_ns;

	dwcp_health_start(h, 0);
	KUNIT_EXPECT_FALSE(test, dwcp_health_expire(h, t));
	KUNIT_EXPECT_TRUE(test, h->pending);
	KUNIT_EXPECT_FALSE(test, dwcp_health_expire(h, t + 1));
	KUNIT_EXPECT_FALSE(test, h->pending);
	KUNIT_EXPECT_EQ(test, h->timeouts, 1U);
	KUNIT_EXPECT_EQ(test, h->last_failure, t + 1);
	KUNIT_EXPECT_FALSE(test, dwcp_health_expire(h, t + 2));
	KUNIT_EXPECT_FALSE(test, dwcp_health_report(h, t + 2, true));
	KUNIT_EXPECT_EQ(test, h->stale, 1U);
	KUNIT_EXPECT_EQ(test, h->checks, 1ULL);
	KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));

	/* Second hung run: fall = 2 reached, the expiry reports the change. */
	KUNIT_EXPECT_TRUE(test, dwcp_health_due(h, 10 * T_SEC));
	dwcp_health_start(h, 10 * T_SEC);
	KUNIT_EXPECT_TRUE(test, dwcp_health_expire(h, 20 * T_SEC));
	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->timeouts, 2U);
}

/* Starting over a pending run abandons it as a timeout. */
static void health_start_while_pending(struct kunit *test)
{
	struct dwcp_health *h = health_new(test, 1, 1, true);

	KUNIT_EXPECT_FALSE(test, dwcp_health_start(h, 0));
	KUNIT_EXPECT_TRUE(test, dwcp_health_start(h, T_SEC));
	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->timeouts, 1U);
	KUNIT_EXPECT_TRUE(test, h->pending);
	KUNIT_EXPECT_TRUE(test, dwcp_health_report(h, T_SEC + T_MS, true));
	KUNIT_EXPECT_EQ(test, h->checks, 2ULL);
}

/* Reconfigure keeps state; lowering a threshold can fire at once. */
static void health_reconfigure(struct kunit *test)
{
	struct dwcp_health *h = health_new(test, 3, 3, false);
	struct dwcp_health_config cfg;
	u64 now = 0;

	health_probe(test, h, &now, true);
	health_probe(test, h, &now, true);
	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	health_cfg(&cfg, 4, 3, true);
	KUNIT_EXPECT_FALSE(test, dwcp_health_reconfigure(h, &cfg, now));
	KUNIT_EXPECT_FALSE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->checks, 2ULL);
	health_cfg(&cfg, 2, 3, true);
	KUNIT_EXPECT_TRUE(test, dwcp_health_reconfigure(h, &cfg, now));
	KUNIT_EXPECT_TRUE(test, dwcp_health_healthy(h));
	KUNIT_EXPECT_EQ(test, h->transitions, 1U);
	KUNIT_EXPECT_FALSE(test, dwcp_health_reconfigure(h, &cfg, now));
	KUNIT_EXPECT_EQ(test, h->checks, 2ULL);
}

/* A clock that goes backwards neither makes a run due nor times it out. */
static void health_clock_backwards(struct kunit *test)
{
	struct dwcp_health *h = health_new(test, 1, 1, true);

	dwcp_health_start(h, 100 * T_SEC);
	KUNIT_EXPECT_FALSE(test, dwcp_health_expire(h, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_health_report(h, 50 * T_SEC, true));
	KUNIT_EXPECT_EQ(test, h->timeouts, 0U);
	KUNIT_EXPECT_FALSE(test, dwcp_health_due(h, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_health_due(h, 109 * T_SEC));
	KUNIT_EXPECT_TRUE(test, dwcp_health_due(h, 110 * T_SEC));
}

struct threshold_case {
	s64 value, min, max;
	bool ok;
};

static const struct threshold_case threshold_cases[] = {
	{ 5, 0, 10, true },
	{ 0, 0, 10, true },
	{ 10, 0, 10, true },
	{ -1, 0, 10, false },
	{ 11, 0, 10, false },
	{ 10000, 0, 10000, true },	/* send error rate <= 1 %, in ppm */
	{ 10001, 0, 10000, false },
	{ -5, -10, -1, true },
	{ 5, 10, 0, false },		/* empty range: never ok */
	{ S64_MIN, S64_MIN, S64_MAX, true },
	{ S64_MAX, S64_MIN, S64_MAX, true },
};

static void threshold_desc(const struct threshold_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%lld in [%lld, %lld]",
		 (long long)c->value, (long long)c->min, (long long)c->max);
}

KUNIT_ARRAY_PARAM(threshold, threshold_cases, threshold_desc);

/* Threshold check: ok iff min <= value <= max. */
static void health_threshold_ok(struct kunit *test)
{
	const struct threshold_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, dwcp_health_threshold_ok(c->value, c->min, c->max),
			c->ok);
}

struct health_cfg_case {
	const char *name;
	u64 interval_ns, timeout_ns;
	u32 rise, fall;
	int err;
};

static const struct health_cfg_case health_cfg_cases[] = {
	{ "default", 10 * T_SEC, 5 * T_SEC, 2, 3, 0 },
	{ "go-like", 10 * T_SEC, 5 * T_SEC, 1, 1, 0 },
	{ "timeout == interval", T_MS, T_MS, 1000, 1000, 0 },
	{ "interval 0", 0, 1, 1, 1, -ERANGE },
	{ "interval < 1 ms", T_MS - 1, 1, 1, 1, -ERANGE },
	{ "interval > 1 day", 86401 * T_SEC, T_SEC, 1, 1, -ERANGE },
	{ "timeout 0", T_SEC, 0, 1, 1, -EINVAL },
	{ "timeout > interval", T_SEC, T_SEC + 1, 1, 1, -ERANGE },
	{ "rise 0", T_SEC, T_MS, 0, 1, -ERANGE },
	{ "fall 0", T_SEC, T_MS, 1, 0, -ERANGE },
	{ "rise 1001", T_SEC, T_MS, 1001, 1, -ERANGE },
	{ "fall 1001", T_SEC, T_MS, 1, 1001, -ERANGE },
};

static void health_cfg_desc(const struct health_cfg_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(health_cfg, health_cfg_cases, health_cfg_desc);

static void health_config_check(struct kunit *test)
{
	const struct health_cfg_case *c = test->param_value;
	struct dwcp_health_config cfg;
	const char *why = NULL;

	dwcp_health_config_default(&cfg);
	cfg.interval_ns = c->interval_ns;
	cfg.timeout_ns = c->timeout_ns;
	cfg.rise = c->rise;
	cfg.fall = c->fall;
	KUNIT_EXPECT_EQ(test, dwcp_health_config_check(&cfg, &why), c->err);
	if (c->err)
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
}

static struct kunit_case dwcp_health_test_cases[] = {
	KUNIT_CASE(go_health_checker_basic),
	KUNIT_CASE(go_health_checker_failure),
	KUNIT_CASE_PARAM(defect_10_no_flapping, rise_fall_gen_params),
	KUNIT_CASE(defect_10_per_check_interval),
	KUNIT_CASE(defect_10_reinit_after_stop),
	KUNIT_CASE(health_rise_fall_consecutive),
	KUNIT_CASE(health_late_result_fails),
	KUNIT_CASE(health_expire),
	KUNIT_CASE(health_start_while_pending),
	KUNIT_CASE(health_reconfigure),
	KUNIT_CASE(health_clock_backwards),
	KUNIT_CASE_PARAM(health_threshold_ok, threshold_gen_params),
	KUNIT_CASE_PARAM(health_config_check, health_cfg_gen_params),
	{}
};

static struct kunit_suite dwcp_health_test_suite = {
	.name = "dwcp_health",
	.test_cases = dwcp_health_test_cases,
};

kunit_test_suite(dwcp_health_test_suite);
