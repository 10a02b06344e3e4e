// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the degradation controller (kmod/core/degrade.c), with a
 * fake clock. selftests/host/test_degrade.c runs this same file on the host.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/degrade.h"

#define T_SEC	((u64)NSEC_PER_SEC)
#define T_MS	((u64)NSEC_PER_MSEC)

static void degrade_setup(struct dwcp_degrade *d, u64 min_dwell, u64 up_dwell)
{
	struct dwcp_degrade_config cfg;

	dwcp_degrade_config_default(&cfg);
	cfg.min_dwell_ns = min_dwell;
	cfg.up_dwell_ns = up_dwell;
	dwcp_degrade_init(d, &cfg, 0);
}

/* Normal, then a component asks for degraded: the level follows. */
static void go_degradation_manager_basic(struct kunit *test)
{
	struct dwcp_degrade d;

	degrade_setup(&d, 10 * T_SEC, 0);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_level(&d), (u32)DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, T_SEC),
			(u32)DWCP_RES_LEVEL_NORMAL);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_EXTERNAL,
			       DWCP_RES_LEVEL_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 2 * T_SEC),
			(u32)DWCP_RES_LEVEL_DEGRADED);
}

/*
 * At Degraded the call still runs (every priority admitted), and degraded
 * is not a no-op: limits shrink to 75 % and retries halve.
 */
static void go_degradation_manager_execution(struct kunit *test)
{
	struct dwcp_degrade_effects eff;
	u32 p;

	for (p = 0; p < __DWCP_RES_PRIO_MAX; p++) {
		dwcp_degrade_effects(DWCP_RES_LEVEL_DEGRADED, p,
				     DWCP_DEGRADE_DEF_LIMIT_PERMILLE, &eff);
		KUNIT_EXPECT_TRUE(test, eff.admit);
		KUNIT_EXPECT_EQ(test, eff.limit_permille, 750);
		KUNIT_EXPECT_EQ(test, eff.retry_permille, 500);
	}
}

struct effects_case {
	u32 level;
	u32 prio;
	bool admit;
	u16 limit;
	u16 retry;
};

static const struct effects_case effects_cases[] = {
	{ DWCP_RES_LEVEL_NORMAL,	    DWCP_RES_PRIO_LOW,      true,  1000, 1000 },
	{ DWCP_RES_LEVEL_DEGRADED,	    DWCP_RES_PRIO_LOW,      true,  750,  500 },
	{ DWCP_RES_LEVEL_SEVERELY_DEGRADED, DWCP_RES_PRIO_NORMAL,   false, 750,  0 },
	{ DWCP_RES_LEVEL_SEVERELY_DEGRADED, DWCP_RES_PRIO_HIGH,     true,  750,  0 },
	{ DWCP_RES_LEVEL_EMERGENCY,	    DWCP_RES_PRIO_HIGH,     false, 750,  0 },
	{ DWCP_RES_LEVEL_EMERGENCY,	    DWCP_RES_PRIO_CRITICAL, true,  750,  0 },
	{ 99,				    DWCP_RES_PRIO_HIGH,     false, 750,  0 },
	{ DWCP_RES_LEVEL_SEVERELY_DEGRADED, 99,			    false, 750,  0 },
};

static void effects_desc(const struct effects_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "level %u prio %u", c->level,
		 c->prio);
}

KUNIT_ARRAY_PARAM(effects, effects_cases, effects_desc);

static void degrade_effects_table(struct kunit *test)
{
	const struct effects_case *c = test->param_value;
	struct dwcp_degrade_effects eff;

	dwcp_degrade_effects(c->level, c->prio, 750, &eff);
	KUNIT_EXPECT_EQ(test, eff.admit, c->admit);
	KUNIT_EXPECT_EQ(test, eff.limit_permille, c->limit);
	KUNIT_EXPECT_EQ(test, eff.retry_permille, c->retry);
}

struct ratio_case {
	u32 prev;
	u64 value;	/* threshold is 1000 */
	u32 level;
};

static const struct ratio_case ratio_cases[] = {
	/* the ratio mapping on the way up */
	{ DWCP_RES_LEVEL_NORMAL,	    500,  DWCP_RES_LEVEL_NORMAL },
	{ DWCP_RES_LEVEL_NORMAL,	    1000, DWCP_RES_LEVEL_NORMAL },
	{ DWCP_RES_LEVEL_NORMAL,	    1001, DWCP_RES_LEVEL_DEGRADED },
	{ DWCP_RES_LEVEL_NORMAL,	    1500, DWCP_RES_LEVEL_DEGRADED },
	{ DWCP_RES_LEVEL_NORMAL,	    1501, DWCP_RES_LEVEL_SEVERELY_DEGRADED },
	{ DWCP_RES_LEVEL_NORMAL,	    2000, DWCP_RES_LEVEL_SEVERELY_DEGRADED },
	{ DWCP_RES_LEVEL_NORMAL,	    2001, DWCP_RES_LEVEL_EMERGENCY },
	/* 0.8 margin on the way down */
	{ DWCP_RES_LEVEL_DEGRADED,	    900,  DWCP_RES_LEVEL_DEGRADED },
	{ DWCP_RES_LEVEL_DEGRADED,	    801,  DWCP_RES_LEVEL_DEGRADED },
	{ DWCP_RES_LEVEL_DEGRADED,	    800,  DWCP_RES_LEVEL_NORMAL },
	{ DWCP_RES_LEVEL_SEVERELY_DEGRADED, 1201, DWCP_RES_LEVEL_SEVERELY_DEGRADED },
	{ DWCP_RES_LEVEL_SEVERELY_DEGRADED, 1200, DWCP_RES_LEVEL_DEGRADED },
	{ DWCP_RES_LEVEL_SEVERELY_DEGRADED, 100,  DWCP_RES_LEVEL_NORMAL },
	{ DWCP_RES_LEVEL_EMERGENCY,	    1601, DWCP_RES_LEVEL_EMERGENCY },
	{ DWCP_RES_LEVEL_EMERGENCY,	    1600, DWCP_RES_LEVEL_SEVERELY_DEGRADED },
	{ DWCP_RES_LEVEL_EMERGENCY,	    0,    DWCP_RES_LEVEL_NORMAL },
};

static void ratio_desc(const struct ratio_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "prev %u value %llu/1000",
		 c->prev, (unsigned long long)c->value);
}

KUNIT_ARRAY_PARAM(ratio, ratio_cases, ratio_desc);

static void degrade_ratio_mapping(struct kunit *test)
{
	const struct ratio_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, dwcp_degrade_ratio_level(c->value, 1000, c->prev,
						       800), c->level);
}

static void degrade_ratio_edges(struct kunit *test)
{
	/* zero threshold disables; huge values do not overflow */
	KUNIT_EXPECT_EQ(test, dwcp_degrade_ratio_level(5, 0, 0, 800),
			(u32)DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_ratio_level(U64_MAX, 1, 0, 800),
			(u32)DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_ratio_level(U64_MAX, U64_MAX, 0, 800),
			(u32)DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_ratio_level(U64_MAX / 2 + 1,
						       U64_MAX / 2, 1, 800),
			(u32)DWCP_RES_LEVEL_DEGRADED);
}

static void degrade_target_is_max(struct kunit *test)
{
	struct dwcp_degrade d;

	degrade_setup(&d, 10 * T_SEC, 0);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_BUDGET,
			       dwcp_degrade_level_from_alerts(DWCP_RES_ALERT_TICKET));
	dwcp_degrade_feed_ratio(&d, DWCP_DEGRADE_IN_LATENCY, 160, 100);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_HEALTH,
			       DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_target(&d),
			(u32)DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, T_SEC),
			(u32)DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	/* out-of-range input and level are clamped or ignored */
	dwcp_degrade_set_input(&d, __DWCP_DEGRADE_IN_MAX, 3);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_EXTERNAL, 42);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_target(&d),
			(u32)DWCP_RES_LEVEL_EMERGENCY);
}

static void degrade_alert_mapping(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, dwcp_degrade_level_from_alerts(0),
			(u32)DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test,
			dwcp_degrade_level_from_alerts(DWCP_RES_ALERT_EXHAUSTED),
			(u32)DWCP_RES_LEVEL_DEGRADED);
	KUNIT_EXPECT_EQ(test,
			dwcp_degrade_level_from_alerts(DWCP_RES_ALERT_PAGE_SLOW),
			(u32)DWCP_RES_LEVEL_DEGRADED);
	KUNIT_EXPECT_EQ(test,
			dwcp_degrade_level_from_alerts(DWCP_RES_ALERT_PAGE_FAST |
						       DWCP_RES_ALERT_TICKET),
			(u32)DWCP_RES_LEVEL_SEVERELY_DEGRADED);
}

/* Up at once; down one level per min_dwell of a lower target. */
static void degrade_up_fast_down_stepwise(struct kunit *test)
{
	struct dwcp_degrade d;
	u64 t;

	degrade_setup(&d, 10 * T_SEC, 0);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_HEALTH,
			       DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 0),
			(u32)DWCP_RES_LEVEL_EMERGENCY);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_HEALTH,
			       DWCP_RES_LEVEL_NORMAL);
	for (t = T_SEC; t < 11 * T_SEC; t += 100 * T_MS)
		KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, t),
				(u32)DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 11 * T_SEC),
			(u32)DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 21 * T_SEC - 1),
			(u32)DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 21 * T_SEC),
			(u32)DWCP_RES_LEVEL_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 31 * T_SEC),
			(u32)DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, d.changes, 4ULL);
	/* time in level: 11 s emergency, 10 s severe, 10 s degraded */
	KUNIT_EXPECT_EQ(test,
			dwcp_degrade_time_in(&d, DWCP_RES_LEVEL_EMERGENCY,
					     40 * T_SEC), 11 * T_SEC);
	KUNIT_EXPECT_EQ(test,
			dwcp_degrade_time_in(&d, DWCP_RES_LEVEL_DEGRADED,
					     40 * T_SEC), 10 * T_SEC);
	KUNIT_EXPECT_EQ(test,
			dwcp_degrade_time_in(&d, DWCP_RES_LEVEL_NORMAL,
					     40 * T_SEC), 9 * T_SEC);
	/* a new rise during the way down goes straight up again */
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_HEALTH,
			       DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 41 * T_SEC),
			(u32)DWCP_RES_LEVEL_SEVERELY_DEGRADED);
}

static void degrade_up_dwell(struct kunit *test)
{
	struct dwcp_degrade d;

	degrade_setup(&d, 10 * T_SEC, 5 * T_SEC);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_ERROR_RATE,
			       DWCP_RES_LEVEL_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 0),
			(u32)DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 4 * T_SEC),
			(u32)DWCP_RES_LEVEL_NORMAL);
	/* a dip restarts the up dwell */
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_ERROR_RATE,
			       DWCP_RES_LEVEL_NORMAL);
	dwcp_degrade_tick(&d, 4 * T_SEC + 1);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_ERROR_RATE,
			       DWCP_RES_LEVEL_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 6 * T_SEC),
			(u32)DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 11 * T_SEC),
			(u32)DWCP_RES_LEVEL_DEGRADED);
}

/*
 * No flapping. Inputs alternating faster than the dwell keep the level up;
 * under any input sequence, a step down comes at least min_dwell after the
 * previous change.
 */
static void defect_11_no_flapping(struct kunit *test)
{
	struct dwcp_degrade d;
	u64 t, last_change = 0, rng = 12345;
	u32 prev, lvl, i, downs;

	degrade_setup(&d, 10 * T_SEC, 0);
	for (i = 0, t = 0; i < 100; i++, t += T_SEC) {
		dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_ERROR_RATE,
				       i & 1 ? DWCP_RES_LEVEL_NORMAL :
					       DWCP_RES_LEVEL_EMERGENCY);
		KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, t),
				(u32)DWCP_RES_LEVEL_EMERGENCY);
	}
	KUNIT_EXPECT_EQ(test, d.changes, 1ULL);

	degrade_setup(&d, 10 * T_SEC, 0);
	prev = dwcp_degrade_level(&d);
	downs = 0;
	for (i = 0, t = 0; i < 5000; i++, t += 700 * T_MS) {
		/* a new random input level every 0.7 s, or every 14 s */
		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		if (i < 2500 || i % 20 == 0)
			dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_LATENCY,
					       (u32)(rng >> 62));
		lvl = dwcp_degrade_tick(&d, t);
		if (lvl < prev) {
			downs++;
			KUNIT_EXPECT_EQ(test, lvl, prev - 1);
			KUNIT_EXPECT_GE(test, t - last_change, 10 * T_SEC);
		}
		if (lvl != prev)
			last_change = t;
		prev = lvl;
	}
	KUNIT_EXPECT_GT(test, downs, 10U);	/* the property was exercised */
}

/* An error rate hovering around its threshold does not flap. */
static void defect_11_ratio_hysteresis(struct kunit *test)
{
	static const u64 rates[] = { 1050, 900, 1020, 850, 990, 1100, 820, 950 };
	struct dwcp_degrade d;
	u32 i;

	degrade_setup(&d, 0, 0);	/* even with no dwell at all */
	for (i = 0; i < ARRAY_SIZE(rates); i++) {
		dwcp_degrade_feed_ratio(&d, DWCP_DEGRADE_IN_ERROR_RATE,
					rates[i], 1000);
		KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, i * T_SEC),
				(u32)DWCP_RES_LEVEL_DEGRADED);
	}
	KUNIT_EXPECT_EQ(test, d.changes, 1ULL);
	dwcp_degrade_feed_ratio(&d, DWCP_DEGRADE_IN_ERROR_RATE, 799, 1000);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 20 * T_SEC),
			(u32)DWCP_RES_LEVEL_NORMAL);
}

static void degrade_manual_override(struct kunit *test)
{
	struct dwcp_degrade d;

	degrade_setup(&d, 10 * T_SEC, 0);
	/* hold emergency for 5 s while the signals say normal */
	dwcp_degrade_set(&d, DWCP_RES_LEVEL_EMERGENCY, 5 * T_SEC, 0);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_level(&d),
			(u32)DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 5 * T_SEC - 1),
			(u32)DWCP_RES_LEVEL_EMERGENCY);
	/* hold over: automatic again, stepping down under the dwell */
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 5 * T_SEC),
			(u32)DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_FALSE(test, d.manual);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 15 * T_SEC),
			(u32)DWCP_RES_LEVEL_SEVERELY_DEGRADED);

	/* hold 0 = until auto: signals cannot move it */
	dwcp_degrade_set(&d, DWCP_RES_LEVEL_NORMAL, 0, 20 * T_SEC);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_HEALTH,
			       DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 1000 * T_SEC),
			(u32)DWCP_RES_LEVEL_NORMAL);
	dwcp_degrade_auto(&d, 1000 * T_SEC);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 1000 * T_SEC),
			(u32)DWCP_RES_LEVEL_EMERGENCY);
	/* an out-of-range level is clamped to emergency */
	dwcp_degrade_set(&d, 77, U64_MAX, 1001 * T_SEC);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_level(&d),
			(u32)DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_EQ(test, d.hold_until, U64_MAX);
}

static void degrade_reconfigure_keeps_state(struct kunit *test)
{
	struct dwcp_degrade_config cfg;
	struct dwcp_degrade d;
	const char *why = NULL;

	degrade_setup(&d, 10 * T_SEC, 0);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_BUDGET,
			       DWCP_RES_LEVEL_DEGRADED);
	dwcp_degrade_tick(&d, T_SEC);
	cfg = d.cfg;
	cfg.min_dwell_ns = 1 * T_SEC;
	KUNIT_EXPECT_EQ(test, dwcp_degrade_config_check(&cfg, &why), 0);
	dwcp_degrade_reconfigure(&d, &cfg, 2 * T_SEC);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_level(&d),
			(u32)DWCP_RES_LEVEL_DEGRADED);
	KUNIT_EXPECT_EQ(test, d.changes, 1ULL);
	dwcp_degrade_set_input(&d, DWCP_DEGRADE_IN_BUDGET,
			       DWCP_RES_LEVEL_NORMAL);
	dwcp_degrade_tick(&d, 3 * T_SEC);
	KUNIT_EXPECT_EQ(test, dwcp_degrade_tick(&d, 4 * T_SEC),
			(u32)DWCP_RES_LEVEL_NORMAL);

	cfg.hyst_permille = 0;
	KUNIT_EXPECT_EQ(test, dwcp_degrade_config_check(&cfg, &why), -ERANGE);
	cfg.hyst_permille = 1001;
	KUNIT_EXPECT_EQ(test, dwcp_degrade_config_check(&cfg, &why), -ERANGE);
	cfg.hyst_permille = 1000;
	cfg.limit_permille = 0;
	KUNIT_EXPECT_EQ(test, dwcp_degrade_config_check(&cfg, &why), -ERANGE);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
}

static struct kunit_case dwcp_degrade_test_cases[] = {
	KUNIT_CASE(go_degradation_manager_basic),
	KUNIT_CASE(go_degradation_manager_execution),
	KUNIT_CASE_PARAM(degrade_effects_table, effects_gen_params),
	KUNIT_CASE_PARAM(degrade_ratio_mapping, ratio_gen_params),
	KUNIT_CASE(degrade_ratio_edges),
	KUNIT_CASE(degrade_target_is_max),
	KUNIT_CASE(degrade_alert_mapping),
	KUNIT_CASE(degrade_up_fast_down_stepwise),
	KUNIT_CASE(degrade_up_dwell),
	KUNIT_CASE(defect_11_no_flapping),
	KUNIT_CASE(defect_11_ratio_hysteresis),
	KUNIT_CASE(degrade_manual_override),
	KUNIT_CASE(degrade_reconfigure_keeps_state),
	{}
};

static struct kunit_suite dwcp_degrade_test_suite = {
	.name = "dwcp_degrade",
	.test_cases = dwcp_degrade_test_cases,
};

kunit_test_suite(dwcp_degrade_test_suite);
