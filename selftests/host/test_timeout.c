// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of kmod/core/timeout.c (mirror kmod/tests/timeout_kunit.c).
 */
#include "tap.h"
#include "core/timeout.h"

#define MS	(1000000ULL)
#define SEC	(1000000000ULL)

static void feed(struct dwcp_timeout *t, unsigned int n, u64 lat, bool timed_out)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dwcp_timeout_record(t, lat, timed_out);
}

static int near(u64 a, u64 b)
{
	u64 d = a > b ? a - b : b - a;

	return d * 16 <= b;
}

static void init_at(struct dwcp_timeout *t, u64 initial)
{
	struct dwcp_timeout_config c;

	dwcp_timeout_config_default(&c);
	c.initial_ns = initial;
	dwcp_timeout_init(t, &c, 0);
}

static void test_config(void)
{
	struct dwcp_timeout_config c;
	const char *why = NULL;
	struct dwcp_timeout t;

	dwcp_timeout_config_default(&c);
	tap_eq(dwcp_timeout_config_check(&c, &why), 0, "timeout_config_default_valid");
	tap_eq(c.min_ns, 10 * MS, "timeout_config_default: min 10 ms");
	tap_eq(c.max_ns, 300 * SEC, "timeout_config_default: max 5 min");
	tap_eq(c.min_samples, 10, "timeout_config_default: 10 samples (Go)");
	c.min_ns = 0;
	tap_eq(dwcp_timeout_config_check(&c, &why), -EINVAL, "timeout_config_zero_min");
	tap_ok(!!why, "timeout_config_zero_min: why set (%s)", why ? why : "");
	dwcp_timeout_config_default(&c);
	c.min_ns = c.max_ns + 1;
	tap_eq(dwcp_timeout_config_check(&c, &why), -EINVAL, "timeout_config_min_above_max");
	dwcp_timeout_config_default(&c);
	c.max_ns = 2 * DWCP_TIMEOUT_LIMIT_NS;
	tap_eq(dwcp_timeout_config_check(&c, &why), -ERANGE, "timeout_config_max_above_limit");
	dwcp_timeout_config_default(&c);
	c.initial_ns = 1;
	tap_eq(dwcp_timeout_config_check(&c, &why), -ERANGE, "timeout_config_initial_outside");
	dwcp_timeout_config_default(&c);
	c.multiplier_ppm = 500000;
	tap_eq(dwcp_timeout_config_check(&c, &why), -ERANGE, "timeout_config_multiplier_below_1");
	dwcp_timeout_config_default(&c);
	c.fall_ppm = 0;
	tap_eq(dwcp_timeout_config_check(&c, &why), -EINVAL, "timeout_config_zero_fall");
	dwcp_timeout_config_default(&c);
	c.rise_ppm = DWCP_PPM + 1;
	tap_eq(dwcp_timeout_config_check(&c, &why), -EINVAL, "timeout_config_rise_above_1");
	dwcp_timeout_config_default(&c);
	c.min_samples = 0;
	tap_eq(dwcp_timeout_init(&t, &c, 0), -EINVAL, "timeout_init_rejects_bad_config");
	tap_ok(sizeof(struct dwcp_timeout) <= 1200, "timeout_size: %zu bytes",
	       sizeof(struct dwcp_timeout));
}

static void test_min_samples_and_window(void)
{
	struct dwcp_timeout t;

	init_at(&t, 1 * SEC);
	feed(&t, 9, 2 * SEC, false);
	tap_ok(!dwcp_timeout_update(&t, 10 * SEC), "timeout_min_samples: 9 samples, no update");
	tap_eq(dwcp_timeout_current(&t), 1 * SEC, "timeout_min_samples: unchanged");
	feed(&t, 1, 2 * SEC, false);
	tap_ok(!dwcp_timeout_update(&t, 0), "timeout_window: no update before window end");
	tap_ok(dwcp_timeout_update(&t, 10 * SEC), "timeout_min_samples: 10th sample updates");
	tap_eq(t.updates, 1, "timeout_window: one update");
	feed(&t, 100, 2 * SEC, false);
	tap_ok(!dwcp_timeout_update(&t, 10 * SEC + SEC / 2),
	       "timeout_window: once per window, not per sample");
}

static void test_fast_up_slow_down(void)
{
	struct dwcp_timeout t;
	u64 old, tgt, cur;

	init_at(&t, 1 * SEC);
	feed(&t, 20, 2 * SEC, false);
	tap_ok(dwcp_timeout_update(&t, SEC), "timeout_fast_up: updated");
	tgt = t.last_target_ns;
	cur = dwcp_timeout_current(&t);
	tap_ok(near(tgt, 4 * SEC), "timeout_target_is_2x_p95: %llu ~ 4 s",
	       (unsigned long long)tgt);
	tap_eq(cur, 1 * SEC + (tgt - 1 * SEC) / 2, "timeout_fast_up: halfway to the target");

	init_at(&t, 30 * SEC);
	feed(&t, 20, 100 * MS, false);
	tap_ok(dwcp_timeout_update(&t, SEC), "timeout_slow_down: updated");
	tgt = t.last_target_ns;
	cur = dwcp_timeout_current(&t);
	tap_ok(near(tgt, 200 * MS), "timeout_slow_down: target ~ 200 ms");
	tap_eq(cur, 30 * SEC - (30 * SEC - tgt) / 10, "timeout_slow_down: 1/10 of the gap");

	/* convergence from both sides onto 2 x P95 */
	old = 0;
	for (int i = 2; i < 300; i++) {
		feed(&t, 20, 100 * MS, false);
		dwcp_timeout_update(&t, i * SEC);
	}
	tap_eq(dwcp_timeout_current(&t), t.last_target_ns, "timeout_converges_down exactly");
	tap_ok(near(dwcp_timeout_current(&t), 200 * MS), "timeout_converges_down: ~200 ms");
	for (int i = 300; i < 340; i++) {
		feed(&t, 20, 1 * SEC, false);
		if (dwcp_timeout_update(&t, i * SEC) && !old)
			old = dwcp_timeout_current(&t);
	}
	tap_ok(old > 1 * SEC, "timeout_fast_up: first step already above 1 s");
	tap_eq(dwcp_timeout_current(&t), t.last_target_ns, "timeout_converges_up exactly");
}

static void test_bounds(void)
{
	struct dwcp_timeout t;
	unsigned int i;

	init_at(&t, 1 * SEC);
	for (i = 1; i <= 300; i++) {
		feed(&t, 20, 1000, false);
		dwcp_timeout_update(&t, i * SEC);
	}
	tap_eq(dwcp_timeout_current(&t), 10 * MS, "timeout_bounds: floor 10 ms");
	for (i = 301; i <= 360; i++) {
		feed(&t, 20, 900 * SEC, false);
		dwcp_timeout_update(&t, i * SEC);
	}
	tap_eq(dwcp_timeout_current(&t), 300 * SEC, "timeout_bounds: ceiling 5 min");
	feed(&t, 20, U64_MAX, true);
	dwcp_timeout_update(&t, 1000 * SEC);
	tap_eq(dwcp_timeout_current(&t), 300 * SEC, "timeout_bounds: huge timed-out values");
}

/*
 * Defect 4: 20 % of calls time out at the current 1 s timeout, the rest take
 * 100 ms. Go saw only the survivors: P95 = 100 ms, target 200 ms, the timeout
 * falls (and more calls time out). Fed in, the timed-out calls make P95 >= 1 s
 * and the timeout rises.
 */
static void test_defect_4(void)
{
	struct dwcp_timeout t, go;
	unsigned int i;

	init_at(&t, 1 * SEC);
	init_at(&go, 1 * SEC);
	feed(&t, 80, 100 * MS, false);
	feed(&t, 20, 1 * SEC, true);
	feed(&go, 80, 100 * MS, false);	/* what Go recorded */
	dwcp_timeout_update(&t, SEC);
	dwcp_timeout_update(&go, SEC);
	tap_ok(dwcp_timeout_current(&go) < 1 * SEC,
	       "defect_4_survivorship: survivors only would lower it");
	tap_ok(dwcp_timeout_current(&t) > 1 * SEC, "defect_4_timeouts_raise_estimate: %llu > 1 s",
	       (unsigned long long)dwcp_timeout_current(&t));
	tap_eq(t.timeouts, 20, "defect_4_timeouts_raise_estimate: timeouts counted");
	/* a timed-out call reported with no latency still counts as >= timeout */
	init_at(&t, 2 * SEC);
	feed(&t, 90, 100 * MS, false);
	feed(&t, 10, 0, true);
	dwcp_timeout_update(&t, SEC);
	tap_ok(dwcp_timeout_current(&t) > 2 * SEC,
	       "defect_4_timed_out_counts_as_current: zero latency still pushes up");
	/* persistent timeouts keep pushing it up, to the ceiling */
	for (i = 2; i < 100; i++) {
		feed(&t, 10, dwcp_timeout_current(&t), true);
		dwcp_timeout_update(&t, i * SEC);
	}
	tap_eq(dwcp_timeout_current(&t), 300 * SEC, "defect_4_timeouts_raise_to_ceiling");
}

static void test_adapt_and_reconfigure(void)
{
	struct dwcp_timeout_config c;
	struct dwcp_timeout t;

	init_at(&t, 1 * SEC);
	dwcp_timeout_adapt(&t, 100 * MS, true);
	tap_eq(dwcp_timeout_current(&t), 950 * MS, "timeout_adapt_success: x0.95");
	dwcp_timeout_adapt(&t, 600 * MS, true);
	tap_eq(dwcp_timeout_current(&t), 1200 * MS, "timeout_adapt_success: >= 2 x latency");
	dwcp_timeout_adapt(&t, 0, false);
	tap_eq(dwcp_timeout_current(&t), 1320 * MS, "timeout_adapt_failure: x1.10");
	dwcp_timeout_adapt(&t, U64_MAX, true);
	tap_eq(dwcp_timeout_current(&t), 300 * SEC, "timeout_adapt: bounded");

	dwcp_timeout_config_default(&c);
	feed(&t, 5, 100 * MS, true);
	c.max_ns = 60 * SEC;
	tap_eq(dwcp_timeout_reconfigure(&t, &c, 0), 0, "timeout_reconfigure: ok");
	tap_eq(dwcp_timeout_current(&t), 60 * SEC, "timeout_reconfigure: clamped into new bounds");
	tap_eq(dwcp_hist_count(&t.win), 5, "timeout_reconfigure: keeps the window");
	tap_eq(t.timeouts, 5, "timeout_reconfigure: keeps counters");
	c.min_ns = 0;
	tap_eq(dwcp_timeout_reconfigure(&t, &c, 0), -EINVAL, "timeout_reconfigure: bad refused");
	tap_eq(t.cfg.max_ns, 60 * SEC, "timeout_reconfigure: bad config left no trace");
}

int main(void)
{
	tap_start();
	test_config();
	test_min_samples_and_window();
	test_fast_up_slow_down();
	test_bounds();
	test_defect_4();
	test_adapt_and_reconfigure();
	return tap_done();
}
