// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the engine (kmod/core/engine.h) with a fake clock: every
 * trigger, the low-traffic guard, the error-rate window's rollover, the
 * system budget fed from the policies' deltas, and the whole loop through
 * the degradation controller (up, dwell, step down).
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/engine.h"

#define SEC	((u64)NSEC_PER_SEC)

struct eng_fixture {
	struct dwcp_engine e;
	struct dwcp_engine_policy ep[2];
	struct dwcp_engine_sample s[2];
	struct dwcp_degrade d;
	u64 now;
};

static struct eng_fixture *eng_setup(struct kunit *test, u32 triggers)
{
	struct eng_fixture *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct dwcp_engine_config cfg;
	struct dwcp_budget_config sys;
	struct dwcp_degrade_config dc;
	const char *why = NULL;

	KUNIT_ASSERT_NOT_NULL(test, f);
	dwcp_engine_config_default(&cfg);
	cfg.triggers = triggers;
	KUNIT_ASSERT_EQ(test, dwcp_engine_config_check(&cfg, &why), 0);
	/* System SLO 99 % over 60 s in 60 buckets: alert pairs of 1 s. */
	dwcp_budget_config_default(&sys, 990000);
	sys.window_ns = 60 * SEC;
	sys.min_events = 10;
	f->now = 1000 * SEC;
	dwcp_engine_init(&f->e, &cfg, &sys, f->now);
	dwcp_engine_policy_init(&f->ep[0], &cfg, f->now);
	dwcp_engine_policy_init(&f->ep[1], &cfg, f->now);
	dwcp_degrade_config_default(&dc);
	dc.min_dwell_ns = 5 * SEC;
	dwcp_degrade_init(&f->d, &dc, f->now);
	return f;
}

/* One tick: policy i did calls[i] calls of which bad[i] failed. */
static u32 eng_tick(struct eng_fixture *f, const u32 *calls, const u32 *bad)
{
	u32 from;
	int i;

	f->now += SEC;
	dwcp_engine_begin(&f->e);
	for (i = 0; i < 2; i++) {
		f->s[i].life_total += calls[i];
		f->s[i].life_bad += bad[i];
		dwcp_engine_policy_tick(&f->e, &f->ep[i], &f->s[i], f->now, &from);
	}
	dwcp_engine_end(&f->e, f->now, &from);
	dwcp_engine_feed(&f->e, &f->d);
	return dwcp_degrade_tick(&f->d, f->now);
}

static u32 eng_tick1(struct eng_fixture *f, u32 calls, u32 bad)
{
	u32 c[2] = { calls, 0 }, b[2] = { bad, 0 };

	return eng_tick(f, c, b);
}

/* The first sample is a baseline: history before the engine is not a tick. */
static void engine_first_sample_is_baseline(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_ENGINE_TRIGGERS_ALL);

	f->s[0].life_total = 5000;
	f->s[0].life_bad = 5000;
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 0, 0), DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, f->e.window_calls, 0ULL);
	KUNIT_EXPECT_EQ(test, f->e.system.life_total, 0ULL);
	eng_tick1(f, 100, 1);
	KUNIT_EXPECT_EQ(test, f->e.window_calls, 100ULL);
	KUNIT_EXPECT_EQ(test, f->e.error_ppm, 10000U);
	KUNIT_EXPECT_EQ(test, f->ep[0].error_ppm, 10000U);
}

/* The system budget is the sum of every policy's new events. */
static void engine_system_budget_aggregates(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, 0);
	u32 c[2] = { 300, 700 }, b[2] = { 3, 7 };
	int i;

	eng_tick1(f, 0, 0);
	for (i = 0; i < 5; i++)
		eng_tick(f, c, b);
	KUNIT_EXPECT_EQ(test, f->e.system.life_total, 5000ULL);
	KUNIT_EXPECT_EQ(test, f->e.system.life_bad, 50ULL);
	KUNIT_EXPECT_EQ(test, f->e.window_calls, 5000ULL);
	KUNIT_EXPECT_EQ(test, f->e.error_ppm, 10000U);
	/* 1 % bad against a 1 % budget: all of it spent, with enough events. */
	KUNIT_EXPECT_EQ(test, f->e.remaining_ppm, 0U);
	KUNIT_EXPECT_TRUE(test, f->e.alerts & DWCP_RES_ALERT_EXHAUSTED);
}

/* ERROR_RATE: > 1x degraded, > 1.5x severely, > 2x emergency. */
static void engine_trigger_error_rate(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_RES_TRIGGER_ERROR_RATE);

	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 1000, 40), DWCP_RES_LEVEL_NORMAL);
	f = eng_setup(test, DWCP_RES_TRIGGER_ERROR_RATE);
	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 1000, 60), DWCP_RES_LEVEL_DEGRADED);
	f = eng_setup(test, DWCP_RES_TRIGGER_ERROR_RATE);
	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 1000, 80), DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	f = eng_setup(test, DWCP_RES_TRIGGER_ERROR_RATE);
	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 1000, 101), DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_EQ(test, dwcp_engine_cause(&f->d, DWCP_RES_LEVEL_EMERGENCY),
			(u32)DWCP_RES_TRIGGER_ERROR_RATE);
}

/* Low-traffic guard: 10 failures of 10 calls do not move the level. */
static void engine_low_traffic_guard(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_RES_TRIGGER_ERROR_RATE);

	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 10, 10), DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, f->e.error_ppm, 1000000U);
	/* The next 10 bring the window to the guard's 20 events. */
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 10, 10), DWCP_RES_LEVEL_EMERGENCY);
}

/*
 * Rollover: the window is 10 s; failures leave it 10 s later and the
 * level steps down one per dwell (5 s) after that, never in one jump.
 */
static void engine_window_rollover_and_dwell(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_RES_TRIGGER_ERROR_RATE);
	u32 level, t, downs = 0, prev;

	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 1000, 500), DWCP_RES_LEVEL_EMERGENCY);
	prev = DWCP_RES_LEVEL_EMERGENCY;
	for (t = 1; t <= 40; t++) {
		level = eng_tick1(f, 1000, 0);
		if (t < 9)
			KUNIT_EXPECT_GT_MSG(test, f->e.error_ppm, 0U, "t=%u", t);
		if (t == 10)
			KUNIT_EXPECT_EQ(test, f->e.error_ppm, 0U);
		KUNIT_EXPECT_LE(test, prev - level, 1U);
		if (level < prev)
			downs++;
		prev = level;
	}
	KUNIT_EXPECT_EQ(test, level, DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, downs, 3U);
}

/* Hysteresis: once degraded at > 5 %, 4.5 % holds it; 3.9 % lets go. */
static void engine_error_rate_hysteresis(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_RES_TRIGGER_ERROR_RATE);
	int i;

	eng_tick1(f, 0, 0);
	eng_tick1(f, 1000, 60);
	KUNIT_EXPECT_EQ(test, f->d.input[DWCP_DEGRADE_IN_ERROR_RATE],
			(u8)DWCP_RES_LEVEL_DEGRADED);
	for (i = 0; i < 20; i++)
		eng_tick1(f, 1000, 45);
	KUNIT_EXPECT_EQ(test, f->d.input[DWCP_DEGRADE_IN_ERROR_RATE],
			(u8)DWCP_RES_LEVEL_DEGRADED);
	for (i = 0; i < 20; i++)
		eng_tick1(f, 1000, 39);
	KUNIT_EXPECT_EQ(test, f->d.input[DWCP_DEGRADE_IN_ERROR_RATE],
			(u8)DWCP_RES_LEVEL_NORMAL);
}

/* BUDGET: a policy's fast-burn page sheds; the system's exhaustion degrades. */
static void engine_trigger_budget(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_RES_TRIGGER_BUDGET);
	u32 from;

	eng_tick1(f, 0, 0);
	f->s[1].alerts = DWCP_RES_ALERT_PAGE_FAST;
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 0, 0), DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_engine_cause(&f->d, DWCP_RES_LEVEL_SEVERELY_DEGRADED),
			(u32)DWCP_RES_TRIGGER_BUDGET);
	/* An alert change is reported once, with what it was. */
	dwcp_engine_begin(&f->e);
	KUNIT_EXPECT_FALSE(test, dwcp_engine_policy_tick(&f->e, &f->ep[1], &f->s[1],
							 f->now, &from));
	f->s[1].alerts = 0;
	KUNIT_EXPECT_TRUE(test, dwcp_engine_policy_tick(&f->e, &f->ep[1], &f->s[1],
							f->now, &from));
	KUNIT_EXPECT_EQ(test, from, (u32)DWCP_RES_ALERT_PAGE_FAST);

	/* The system budget alone: 50 % failures over a 99 % SLO. */
	f = eng_setup(test, DWCP_RES_TRIGGER_BUDGET);
	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 100, 50), DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	KUNIT_EXPECT_TRUE(test, f->e.alerts & DWCP_RES_ALERT_PAGE_FAST);
	KUNIT_EXPECT_EQ(test, f->e.policy_alerts, 0U);
	KUNIT_EXPECT_GE(test, f->e.alerts_fired, 1ULL);
}

/* HEALTH: the level the shell computed from the unhealthy checks. */
static void engine_trigger_health(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_RES_TRIGGER_HEALTH);

	f->e.health_level = DWCP_RES_LEVEL_DEGRADED;
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 0, 0), DWCP_RES_LEVEL_DEGRADED);
	f = eng_setup(test, 0);
	f->e.health_level = DWCP_RES_LEVEL_EMERGENCY;
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 0, 0), DWCP_RES_LEVEL_NORMAL);
}

/* LATENCY: worst P95 / target; needs enough samples in the tick. */
static void engine_trigger_latency(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_RES_TRIGGER_LATENCY);

	f->s[0].latency_target_ns = 100 * NSEC_PER_MSEC;
	f->s[0].p95_ns = 180 * NSEC_PER_MSEC;
	f->s[0].latency_samples = DWCP_ENGINE_LATENCY_MIN_SAMPLES - 1;
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 0, 0), DWCP_RES_LEVEL_NORMAL);
	f->s[0].latency_samples = DWCP_ENGINE_LATENCY_MIN_SAMPLES;
	KUNIT_EXPECT_EQ(test, eng_tick1(f, 0, 0), DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	KUNIT_EXPECT_EQ(test, f->e.latency_permille, 1800U);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, NULL, DWCP_RES_METRIC_LATENCY_OVER), 1LL);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, &f->ep[0], DWCP_RES_METRIC_LATENCY_P95_NS),
			(s64)(180 * NSEC_PER_MSEC));
	/* No target, no latency budget: never a trigger. */
	f->s[0].latency_target_ns = 0;
	f->s[0].p95_ns = 10 * SEC;
	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, f->e.latency_permille, 0U);
}

/*
 * LATENCY at a low rate: the shell passes the samples collected since the
 * last verdict, so a quiet policy reaches the minimum over several ticks;
 * its verdict stands meanwhile, and samples that do not reach the minimum
 * within one window are dropped with the verdict.
 */
static void engine_latency_low_rate(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_RES_TRIGGER_LATENCY);
	u64 win = f->e.cfg.window_ns;
	int i;

	f->s[0].latency_target_ns = 100 * NSEC_PER_MSEC;
	f->s[0].p95_ns = 300 * NSEC_PER_MSEC;
	/* Three slow calls a second: judged at the fourth tick. */
	for (i = 1; i <= 3; i++) {
		f->s[0].latency_samples = 3 * i;
		KUNIT_EXPECT_FALSE(test, dwcp_engine_latency_due(&f->e, &f->ep[0],
								 3 * i, f->now + SEC));
		eng_tick1(f, 0, 0);
		KUNIT_EXPECT_EQ(test, f->e.latency_permille, 0U);
	}
	f->s[0].latency_samples = 12;
	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, f->e.latency_permille, 3000U);
	KUNIT_EXPECT_EQ(test, f->ep[0].latency_since, f->now);
	/* Collecting again: the verdict stands (no flapping to normal). */
	for (i = 1; i <= 3; i++) {
		f->s[0].latency_samples = 3 * i;
		eng_tick1(f, 0, 0);
		KUNIT_EXPECT_EQ(test, f->e.latency_permille, 3000U);
		KUNIT_EXPECT_EQ(test, f->e.latency_over, 1U);
	}
	/* A new target weighs the standing verdict at once. */
	f->s[0].latency_target_ns = 600 * NSEC_PER_MSEC;
	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, f->e.latency_permille, 500U);
	KUNIT_EXPECT_EQ(test, f->e.latency_over, 0U);
	f->s[0].latency_target_ns = 0;
	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, f->e.latency_permille, 0U);
	f->s[0].latency_target_ns = 100 * NSEC_PER_MSEC;
	/* The service fell quiet: one window later, no verdict at all. */
	f->s[0].latency_samples = 9;
	while (!dwcp_engine_latency_due(&f->e, &f->ep[0], 9, f->now + SEC)) {
		eng_tick1(f, 0, 0);
		KUNIT_EXPECT_EQ(test, f->e.latency_permille, 3000U);
	}
	KUNIT_EXPECT_EQ(test, f->now + SEC - f->ep[0].latency_since, win);
	eng_tick1(f, 0, 0);
	KUNIT_EXPECT_EQ(test, f->e.latency_permille, 0U);
	KUNIT_EXPECT_EQ(test, f->ep[0].p95_ns, 0ULL);
	KUNIT_EXPECT_EQ(test, f->e.latency_over, 0U);
}

/*
 * A policy in shadow mode keeps its own view but moves nothing of the
 * namespace's: its paging budget, open breaker, slow P95 and failures stay
 * out of the triggers, the system budget and the namespace's metrics.
 */
static void engine_shadow_policy_is_its_own(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_ENGINE_TRIGGERS_ALL);
	u32 c[2] = { 1000, 0 }, b[2] = { 900, 0 };
	int i;

	f->s[0].shadow = true;
	f->s[0].alerts = DWCP_RES_ALERT_PAGE_FAST;
	f->s[0].breaker_state = DWCP_RES_BREAKER_OPEN;
	f->s[0].latency_target_ns = 100 * NSEC_PER_MSEC;
	f->s[0].p95_ns = 900 * NSEC_PER_MSEC;
	f->s[0].latency_samples = 100;
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_EQ(test, eng_tick(f, c, b), DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, f->e.policy_alerts, 0U);
	KUNIT_EXPECT_EQ(test, f->e.breakers_open, 0U);
	KUNIT_EXPECT_EQ(test, f->e.latency_permille, 0U);
	KUNIT_EXPECT_EQ(test, f->e.window_calls, 0ULL);
	/* Its own view has it all, for its own checks. */
	KUNIT_EXPECT_EQ(test, f->ep[0].alerts, (u32)DWCP_RES_ALERT_PAGE_FAST);
	KUNIT_EXPECT_EQ(test, f->ep[0].latency_permille, 9000U);
	KUNIT_EXPECT_EQ(test, f->ep[0].error_ppm, 900000U);
	/* Enforcing, the same figures degrade the host. */
	f->s[0].shadow = false;
	for (i = 0; i < 10; i++)
		eng_tick(f, c, b);
	KUNIT_EXPECT_NE(test, dwcp_degrade_level(&f->d), (u32)DWCP_RES_LEVEL_NORMAL);
}

/* Metrics the health checks read, namespace-wide and per policy. */
static void engine_metrics(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, 0);
	u32 c[2] = { 100, 100 }, b[2] = { 10, 0 };

	f->s[1].breaker_state = DWCP_RES_BREAKER_OPEN;
	f->s[0].inflight = 3;
	eng_tick1(f, 0, 0);
	f->s[0].transport_errors = 7;
	eng_tick(f, c, b);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, NULL, DWCP_RES_METRIC_ERROR_RATE_PPM),
			50000LL);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, &f->ep[0], DWCP_RES_METRIC_ERROR_RATE_PPM),
			100000LL);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, NULL, DWCP_RES_METRIC_CALLS), 200LL);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, NULL, DWCP_RES_METRIC_BREAKERS_OPEN), 1LL);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, &f->ep[0], DWCP_RES_METRIC_BREAKERS_OPEN),
			0LL);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, NULL, DWCP_RES_METRIC_TRANSPORT_ERRORS),
			7LL);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, NULL, DWCP_RES_METRIC_INFLIGHT), 3LL);
	KUNIT_EXPECT_EQ(test, dwcp_engine_metric(&f->e, NULL, __DWCP_RES_METRIC_MAX), 0LL);
}

static void engine_config_check(struct kunit *test)
{
	struct dwcp_engine_config cfg;
	const char *why = NULL;

	dwcp_engine_config_default(&cfg);
	KUNIT_EXPECT_EQ(test, dwcp_engine_config_check(&cfg, &why), 0);
	cfg.tick_ns = 1;
	KUNIT_EXPECT_EQ(test, dwcp_engine_config_check(&cfg, &why), -ERANGE);
	KUNIT_EXPECT_NOT_NULL(test, why);
	dwcp_engine_config_default(&cfg);
	cfg.window_ns = SEC / 2;
	KUNIT_EXPECT_EQ(test, dwcp_engine_config_check(&cfg, &why), -EINVAL);
	dwcp_engine_config_default(&cfg);
	cfg.error_ppm = 0;
	KUNIT_EXPECT_EQ(test, dwcp_engine_config_check(&cfg, &why), -ERANGE);
	dwcp_engine_config_default(&cfg);
	cfg.triggers = 1U << 31;
	KUNIT_EXPECT_EQ(test, dwcp_engine_config_check(&cfg, &why), -EINVAL);
}

/* A new window length keeps what the window holds where it can. */
static void engine_reconfigure_window(struct kunit *test)
{
	struct eng_fixture *f = eng_setup(test, DWCP_RES_TRIGGER_ERROR_RATE);
	struct dwcp_engine_config cfg = f->e.cfg;

	eng_tick1(f, 0, 0);
	eng_tick1(f, 1000, 100);
	cfg.window_ns = 20 * SEC;
	dwcp_engine_reconfigure(&f->e, &cfg, f->now);
	eng_tick1(f, 1000, 0);
	KUNIT_EXPECT_EQ(test, f->e.window_calls, 2000ULL);
	KUNIT_EXPECT_EQ(test, f->ep[0].window_calls, 2000ULL);
	KUNIT_EXPECT_EQ(test, f->ep[0].window.cfg.window_ns, 20 * SEC);
}

static struct kunit_case dwcp_engine_test_cases[] = {
	KUNIT_CASE(engine_first_sample_is_baseline),
	KUNIT_CASE(engine_system_budget_aggregates),
	KUNIT_CASE(engine_trigger_error_rate),
	KUNIT_CASE(engine_low_traffic_guard),
	KUNIT_CASE(engine_window_rollover_and_dwell),
	KUNIT_CASE(engine_error_rate_hysteresis),
	KUNIT_CASE(engine_trigger_budget),
	KUNIT_CASE(engine_trigger_health),
	KUNIT_CASE(engine_trigger_latency),
	KUNIT_CASE(engine_latency_low_rate),
	KUNIT_CASE(engine_shadow_policy_is_its_own),
	KUNIT_CASE(engine_metrics),
	KUNIT_CASE(engine_config_check),
	KUNIT_CASE(engine_reconfigure_window),
	{}
};

static struct kunit_suite dwcp_engine_test_suite = {
	.name = "dwcp_engine",
	.test_cases = dwcp_engine_test_cases,
};

kunit_test_suite(dwcp_engine_test_suite);
