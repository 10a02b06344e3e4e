// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of kmod/core/adaptive.c (mirror kmod/tests/adaptive_kunit.c).
 */
#include "tap.h"
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

static void test_config(void)
{
	struct dwcp_adaptive_config c;
	const char *why = NULL;
	struct dwcp_adaptive a;

	dwcp_adaptive_config_default(&c);
	tap_eq(dwcp_adaptive_config_check(&c, &why), 0, "adaptive_config_default_valid");
	tap_eq(c.initial_rate, 1000 * CPS, "adaptive_config_default: 1000/s");
	tap_eq(c.min_rate, 100 * CPS, "adaptive_config_default: min 100/s");
	tap_eq(c.max_rate, 10000 * CPS, "adaptive_config_default: max 10000/s");
	tap_eq(c.target_ns, 100 * MS, "adaptive_config_default: target 100 ms");

	c.min_rate = 0;
	tap_eq(dwcp_adaptive_config_check(&c, &why), -EINVAL, "adaptive_config_zero_min_rate");
	tap_ok(!!why, "adaptive_config_zero_min_rate: why set (%s)", why ? why : "");
	dwcp_adaptive_config_default(&c);
	c.min_rate = c.max_rate + 1;
	tap_eq(dwcp_adaptive_config_check(&c, &why), -EINVAL, "adaptive_config_min_above_max");
	dwcp_adaptive_config_default(&c);
	c.initial_rate = c.max_rate + 1;
	tap_eq(dwcp_adaptive_config_check(&c, &why), -ERANGE, "adaptive_config_initial_outside");
	dwcp_adaptive_config_default(&c);
	c.max_rate = DWCP_ADAPTIVE_RATE_LIMIT + 1;
	tap_eq(dwcp_adaptive_config_check(&c, &why), -ERANGE, "adaptive_config_max_rate_limit");
	dwcp_adaptive_config_default(&c);
	c.decrease_ppm = DWCP_PPM;
	tap_eq(dwcp_adaptive_config_check(&c, &why), -EINVAL, "adaptive_config_decrease_not_cut");
	dwcp_adaptive_config_default(&c);
	c.increase_ppm = DWCP_PPM;
	tap_eq(dwcp_adaptive_config_check(&c, &why), -EINVAL, "adaptive_config_increase_no_growth");
	dwcp_adaptive_config_default(&c);
	c.low_ppm = 1100000;
	tap_eq(dwcp_adaptive_config_check(&c, &why), -EINVAL, "adaptive_config_low_above_target");
	dwcp_adaptive_config_default(&c);
	c.min_samples = 0;
	tap_eq(dwcp_adaptive_config_check(&c, &why), -EINVAL, "adaptive_config_zero_samples");
	dwcp_adaptive_config_default(&c);
	c.target_ns = U64_MAX;
	tap_eq(dwcp_adaptive_config_check(&c, &why), -ERANGE, "adaptive_config_huge_target");
	dwcp_adaptive_config_default(&c);
	c.target_ns = 0;
	tap_eq(dwcp_adaptive_init(&a, &c, 0), -EINVAL, "adaptive_init_rejects_bad_config");
	tap_ok(sizeof(struct dwcp_adaptive) <= 1200, "adaptive_size: %zu bytes",
	       sizeof(struct dwcp_adaptive));
}

/* Go test #6: (100, 10, 1000, 100 ms, window 10); 10 x 200 ms -> rate < 100. */
static void test_go_adaptive(void)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive a;
	u64 now = 0, r = 0;

	dwcp_adaptive_config_default(&c);
	c.initial_rate = 100 * CPS;
	c.min_rate = 10 * CPS;
	c.max_rate = 1000 * CPS;
	c.target_ns = 100 * MS;
	c.min_samples = 10;
	c.window_ns = SEC;
	tap_eq(dwcp_adaptive_init(&a, &c, now), 0, "go_adaptive_rate_limiter: init");
	feed(&a, 10, 200 * MS, 10);
	now += SEC;
	tap_ok(dwcp_adaptive_tick(&a, now, &r), "go_adaptive_rate_limiter: window decides");
	tap_ok(dwcp_adaptive_rate(&a) < 100 * CPS, "go_adaptive_rate_limiter: rate < 100/s");
	tap_eq(r, 90 * CPS, "go_adaptive_rate_limiter: one -10%% step (Go: 0.9^6 = 53/s)");
}

static void test_defect_5(void)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive a;
	unsigned int i, changes = 0;
	u64 now = 0, r;

	dwcp_adaptive_config_default(&c);
	dwcp_adaptive_init(&a, &c, now);
	/* one slow burst spread over a window, ticks every 10 ms */
	for (i = 0; i < 100; i++) {
		feed(&a, 10, 500 * MS, 10);
		now += 10 * MS;
		changes += dwcp_adaptive_tick(&a, now, &r);
	}
	tap_eq(changes, 1, "defect_5_one_cut_per_window: one change in 1 s of slow samples");
	tap_eq(dwcp_adaptive_rate(&a), 900 * CPS, "defect_5_one_cut_per_window: exactly -10%%");
	tap_eq(a.decreases, 1, "defect_5_one_cut_per_window: one decrease counted");
	/* the same burst over two windows: at most two steps */
	for (i = 0; i < 100; i++) {
		feed(&a, 10, 500 * MS, 10);
		now += 10 * MS;
		changes += dwcp_adaptive_tick(&a, now, &r);
	}
	tap_eq(changes, 2, "defect_5_one_cut_per_window: two windows, two cuts");
	tap_eq(dwcp_adaptive_rate(&a), 810 * CPS, "defect_5_one_cut_per_window: 0.9^2");
}

static void test_window_rules(void)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive a;
	u64 now = 0, r;

	dwcp_adaptive_config_default(&c);
	dwcp_adaptive_init(&a, &c, now);
	feed(&a, 100, 500 * MS, 0);
	tap_ok(!dwcp_adaptive_tick(&a, now + SEC - 1, &r),
	       "adaptive_window: no decision before end");
	tap_eq(r, 1000 * CPS, "adaptive_window: tick reports the current rate");
	dwcp_adaptive_init(&a, &c, now);
	feed(&a, c.min_samples - 1, 500 * MS, 0);
	tap_ok(!dwcp_adaptive_tick(&a, now + 5 * SEC, &r),
	       "adaptive_window: too few samples, window extends");
	feed(&a, 1, 500 * MS, 0);
	tap_ok(dwcp_adaptive_tick(&a, now + 6 * SEC, &r),
	       "adaptive_window: decides once min_samples arrived");
	tap_eq(dwcp_hist_count(&a.win), 0, "adaptive_window: new window starts empty");

	/* count-only windows */
	c.window_ns = 0;
	c.min_samples = 20;
	dwcp_adaptive_init(&a, &c, 0);
	feed(&a, 19, 500 * MS, 0);
	tap_ok(!dwcp_adaptive_tick(&a, 0, &r), "adaptive_count_window: 19 of 20");
	feed(&a, 1, 500 * MS, 0);
	tap_ok(dwcp_adaptive_tick(&a, 0, &r), "adaptive_count_window: 20 of 20 decides");
}

static void test_defect_6(void)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive a, b;
	unsigned int i;
	u64 now = 0, r;

	dwcp_adaptive_config_default(&c);
	c.min_rate = 100;		/* 0.1 call/s */
	c.initial_rate = 500;		/* 0.5 call/s: Go burst int(0.5) = 0 */
	dwcp_adaptive_init(&a, &c, now);
	tap_eq(dwcp_adaptive_burst(&a), 1, "defect_6_burst_never_zero: 0.5/s has burst 1");
	for (i = 0; i < 50; i++) {
		feed(&a, 50, 10 * SEC, 0);
		now += SEC;
		dwcp_adaptive_tick(&a, now, &r);
	}
	tap_eq(dwcp_adaptive_rate(&a), 100, "defect_6_burst_never_zero: clamped at min 0.1/s");
	tap_eq(dwcp_adaptive_burst(&a), 1, "defect_6_burst_never_zero: burst 1 at min");
	tap_eq(dwcp_adaptive_burst_for(1000 * CPS, SEC), 1000, "adaptive_burst: 1 s of 1000/s");
	tap_eq(dwcp_adaptive_burst_for(1000 * CPS, 100 * MS), 100,
	       "adaptive_burst: 100 ms of 1000/s");
	tap_eq(dwcp_adaptive_burst_for(1, 0), 1, "adaptive_burst: burst_ns 0 gives 1");
	tap_eq(dwcp_adaptive_burst_for(U64_MAX, U64_MAX), 3600ULL * 1000000000ULL,
	       "adaptive_burst: no overflow at the limits");

	/* per-policy instances: latencies of one never move the other */
	dwcp_adaptive_config_default(&c);
	dwcp_adaptive_init(&a, &c, 0);
	dwcp_adaptive_init(&b, &c, 0);
	feed(&a, 100, 1 * SEC, 600);
	feed(&b, 100, 50 * MS, 0);
	dwcp_adaptive_tick(&a, SEC, &r);
	dwcp_adaptive_tick(&b, SEC, &r);
	tap_eq(dwcp_adaptive_rate(&a), 900 * CPS, "defect_6_per_policy: slow policy cut");
	tap_eq(dwcp_adaptive_rate(&b), 1000 * CPS, "defect_6_per_policy: other policy untouched");
}

static void test_growth(void)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive a;
	unsigned int i;
	u64 r;

	dwcp_adaptive_config_default(&c);
	/* fast, but the caller offers 10 calls/s against 1000/s: app-limited */
	dwcp_adaptive_init(&a, &c, 0);
	feed(&a, 60, 10 * MS, 10);
	tap_ok(!dwcp_adaptive_tick(&a, SEC, &r), "adaptive_app_limited_no_growth: unchanged");
	tap_eq(a.app_limited, 1, "adaptive_app_limited_no_growth: counted");
	/* 499 offered of 1000 allowed: still below 50 % */
	feed(&a, 60, 10 * MS, 499);
	tap_ok(!dwcp_adaptive_tick(&a, 2 * SEC, &r), "adaptive_app_limited_no_growth: 49.9%%");
	/* 500 offered (rejections count as demand) -> +5 % */
	feed(&a, 60, 10 * MS, 400);
	for (i = 0; i < 100; i++)
		dwcp_adaptive_note_admit(&a, true);
	tap_ok(dwcp_adaptive_tick(&a, 3 * SEC, &r), "adaptive_grows_when_busy: 50%% offered");
	tap_eq(r, 1050 * CPS, "adaptive_grows_when_busy: +5%%");
	tap_eq(a.increases, 1, "adaptive_grows_when_busy: counted");

	/* dead band: P95 ~ target -> unchanged even when busy */
	dwcp_adaptive_init(&a, &c, 0);
	feed(&a, 100, 100 * MS, 1000);
	tap_ok(!dwcp_adaptive_tick(&a, SEC, &r), "adaptive_dead_band: P95 = target, unchanged");
	feed(&a, 100, 110 * MS, 1000);
	tap_ok(!dwcp_adaptive_tick(&a, 2 * SEC, &r), "adaptive_dead_band: P95 = 1.1 target");
	feed(&a, 100, 85 * MS, 1000);
	tap_ok(!dwcp_adaptive_tick(&a, 3 * SEC, &r), "adaptive_dead_band: P95 = 0.85 target");

	/* P95 low but mean above target: no growth */
	dwcp_adaptive_init(&a, &c, 0);
	feed(&a, 96, 10 * MS, 1000);
	feed(&a, 4, 10 * SEC, 0);
	tap_ok(!dwcp_adaptive_tick(&a, SEC, &r), "adaptive_growth_needs_mean_below_target");

	/* clamp at max */
	dwcp_adaptive_init(&a, &c, 0);
	for (i = 1; i <= 100; i++) {
		feed(&a, 100, 10 * MS, 20000);
		dwcp_adaptive_tick(&a, i * SEC, &r);
	}
	tap_eq(dwcp_adaptive_rate(&a), 10000 * CPS, "adaptive_clamp_max: stops at 10000/s");
	/* clamp at min */
	for (i = 101; i <= 200; i++) {
		feed(&a, 100, 1 * SEC, 0);
		dwcp_adaptive_tick(&a, i * SEC, &r);
	}
	tap_eq(dwcp_adaptive_rate(&a), 100 * CPS, "adaptive_clamp_min: stops at 100/s");

	/* tiny rates still grow */
	dwcp_adaptive_config_default(&c);
	c.min_rate = 1;
	c.initial_rate = 1;
	c.min_util_ppm = 0;
	dwcp_adaptive_init(&a, &c, 0);
	feed(&a, 100, 10 * MS, 0);
	tap_ok(dwcp_adaptive_tick(&a, SEC, &r) && r == 2, "adaptive_tiny_rate_grows: 1 -> 2 mcps");
}

static void test_reconfigure(void)
{
	struct dwcp_adaptive_config c;
	struct dwcp_adaptive a;
	u64 r;

	dwcp_adaptive_config_default(&c);
	dwcp_adaptive_init(&a, &c, 0);
	feed(&a, 100, 1 * SEC, 0);
	dwcp_adaptive_tick(&a, SEC, &r);
	feed(&a, 30, 1 * SEC, 0);
	c.initial_rate = 5000 * CPS;
	tap_eq(dwcp_adaptive_reconfigure(&a, &c, 2 * SEC), 0, "adaptive_reconfigure: ok");
	tap_eq(dwcp_adaptive_rate(&a), 900 * CPS, "adaptive_reconfigure: keeps the rate");
	tap_eq(dwcp_hist_count(&a.win), 30, "adaptive_reconfigure: keeps window samples");
	tap_eq(a.decreases, 1, "adaptive_reconfigure: keeps counters");
	c.min_rate = 2000 * CPS;
	tap_eq(dwcp_adaptive_reconfigure(&a, &c, 2 * SEC), 0, "adaptive_reconfigure: new range");
	tap_eq(dwcp_adaptive_rate(&a), 2000 * CPS, "adaptive_reconfigure: rate clamped into range");
	c.min_rate = 0;
	tap_eq(dwcp_adaptive_reconfigure(&a, &c, 2 * SEC), -EINVAL,
	       "adaptive_reconfigure: bad config refused");
	tap_eq(a.cfg.min_rate, 2000 * CPS, "adaptive_reconfigure: bad config left no trace");
}

int main(void)
{
	tap_start();
	test_config();
	test_go_adaptive();
	test_defect_5();
	test_window_rules();
	test_defect_6();
	test_growth();
	test_reconfigure();
	return tap_done();
}
