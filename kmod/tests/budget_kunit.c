// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the error budget (kmod/core/budget.c), with a fake clock.
 * selftests/host/test_budget.c runs this same file on the host.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/budget.h"

#define T_SEC	((u64)NSEC_PER_SEC)
#define T_MIN	(60 * T_SEC)

static struct dwcp_budget *budget_new(struct kunit *test, u32 slo_ppm,
				      u32 nbuckets, u64 window_ns,
				      u32 min_events, u64 now)
{
	struct dwcp_budget_config cfg;
	struct dwcp_budget *b;
	const char *why = NULL;

	b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	dwcp_budget_config_default(&cfg, slo_ppm);
	cfg.nbuckets = nbuckets;
	cfg.window_ns = window_ns;
	cfg.min_events = min_events;
	KUNIT_EXPECT_EQ(test, dwcp_budget_config_check(&cfg, &why), 0);
	dwcp_budget_init(b, &cfg, now);
	return b;
}

/* Default geometry: 1 h window of 60 one-minute buckets, min_events 100. */
static struct dwcp_budget *budget_def(struct kunit *test, u32 slo_ppm)
{
	return budget_new(test, slo_ppm, DWCP_BUDGET_DEF_BUCKETS,
			  DWCP_BUDGET_DEF_WINDOW_NS,
			  DWCP_BUDGET_DEF_MIN_EVENTS, 0);
}

static void record_n(struct dwcp_budget *b, u64 now, u32 n, bool failed)
{
	while (n--)
		dwcp_budget_record(b, now, failed);
}

/* SLO 99 %, 100 successes: not exhausted, 100 % success. */
static void go_error_budget_basic(struct kunit *test)
{
	struct dwcp_budget *b = budget_def(test, 990000);

	record_n(b, T_SEC, 100, false);
	KUNIT_EXPECT_FALSE(test, dwcp_budget_exhausted(b, T_SEC));
	KUNIT_EXPECT_EQ(test, dwcp_budget_success_ppm(b, T_SEC), 1000000U);
}

/* SLO 95 %, 90 ok + 10 failed: exhausted. */
static void go_error_budget_exhaustion(struct kunit *test)
{
	struct dwcp_budget *b = budget_def(test, 950000);
	struct dwcp_budget_status st;

	record_n(b, T_SEC, 90, false);
	record_n(b, T_SEC, 10, true);
	KUNIT_EXPECT_TRUE(test, dwcp_budget_exhausted(b, T_SEC));
	dwcp_budget_eval(b, T_SEC, &st);
	KUNIT_EXPECT_EQ(test, st.remaining_ppm, 0U);
	KUNIT_EXPECT_EQ(test, st.success_ppm, 900000U);
	KUNIT_EXPECT_TRUE(test, st.exhausted);
	KUNIT_EXPECT_TRUE(test, !!(st.alerts & DWCP_RES_ALERT_EXHAUSTED));
}

/* SLO 99 %, 100 ok: 0 < remaining <= 1. */
static void go_error_budget_remaining(struct kunit *test)
{
	struct dwcp_budget *b = budget_def(test, 990000);
	u32 rem;

	record_n(b, T_SEC, 100, false);
	rem = dwcp_budget_remaining_ppm(b, T_SEC);
	KUNIT_EXPECT_GT(test, rem, 0U);
	KUNIT_EXPECT_LE(test, rem, 1000000U);
	/* half the budget used: 1 % of 200 events is 2, 1 failed */
	record_n(b, T_SEC, 99, false);
	record_n(b, T_SEC, 1, true);
	KUNIT_EXPECT_EQ(test, dwcp_budget_remaining_ppm(b, T_SEC), 500000U);
}

static void budget_no_traffic(struct kunit *test)
{
	struct dwcp_budget *b = budget_def(test, 999000);
	struct dwcp_budget_status st;

	KUNIT_EXPECT_EQ(test, dwcp_budget_eval(b, 5 * T_MIN, &st), 0U);
	KUNIT_EXPECT_EQ(test, st.total, 0ULL);
	KUNIT_EXPECT_EQ(test, st.remaining_ppm, 1000000U);
	KUNIT_EXPECT_EQ(test, st.success_ppm, 1000000U);
	KUNIT_EXPECT_EQ(test, st.burn_long_x1000[2], 0U);
	KUNIT_EXPECT_FALSE(test, st.exhausted);
}

/* Buckets expire one by one; the window never resets wholesale. */
static void budget_rolling_window(struct kunit *test)
{
	struct dwcp_budget *b = budget_new(test, 990000, 60, 60 * T_SEC, 0, 0);
	u64 t, f;

	record_n(b, T_SEC / 2, 10, true);		/* bucket 0 */
	record_n(b, 30 * T_SEC + T_SEC / 2, 10, false);	/* bucket 30 */
	dwcp_budget_window(b, 60 * T_SEC - 1, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 20ULL);
	KUNIT_EXPECT_EQ(test, f, 10ULL);
	dwcp_budget_window(b, 60 * T_SEC, 60, &t, &f);	/* bucket 0 out */
	KUNIT_EXPECT_EQ(test, t, 10ULL);
	KUNIT_EXPECT_EQ(test, f, 0ULL);
	dwcp_budget_window(b, 90 * T_SEC - 1, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 10ULL);
	dwcp_budget_window(b, 90 * T_SEC, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 0ULL);
	/* lifetime counters keep everything */
	KUNIT_EXPECT_EQ(test, b->life_total, 20ULL);
	KUNIT_EXPECT_EQ(test, b->life_bad, 10ULL);
}

/*
 * No tumbling reset: a window that reset everything on the first request
 * after the hour would lose that request and all history. Here the last
 * half hour survives and the new request is counted.
 */
static void defect_9_no_tumbling_reset(struct kunit *test)
{
	struct dwcp_budget *b = budget_def(test, 999000);
	u64 t, f;

	record_n(b, 10 * T_MIN, 50, true);
	record_n(b, 40 * T_MIN, 200, false);
	dwcp_budget_record(b, 61 * T_MIN, false);	/* counted, nothing reset */
	dwcp_budget_window(b, 61 * T_MIN, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 251ULL);
	KUNIT_EXPECT_EQ(test, f, 50ULL);
	/* the failures age out exactly when their bucket leaves the window */
	dwcp_budget_window(b, 70 * T_MIN, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 201ULL);
	KUNIT_EXPECT_EQ(test, f, 0ULL);
}

/* One failure at low counts must not exhaust the budget. */
static void defect_9_low_traffic_single_failure(struct kunit *test)
{
	struct dwcp_budget *b = budget_def(test, 999000);
	struct dwcp_budget_status st;

	dwcp_budget_record(b, T_SEC, false);
	dwcp_budget_record(b, T_SEC, true);
	KUNIT_EXPECT_EQ(test, dwcp_budget_eval(b, T_SEC, &st), 0U);
	KUNIT_EXPECT_FALSE(test, st.exhausted);
	KUNIT_EXPECT_EQ(test, st.remaining_ppm, 0U);	/* reported, not acted on */
	/* with enough events the same ratio does exhaust it */
	record_n(b, T_SEC, 49, false);
	record_n(b, T_SEC, 49, true);
	KUNIT_EXPECT_TRUE(test, dwcp_budget_exhausted(b, T_SEC));
}

/* A "system" budget is fed: merge send + receive windows. */
static void defect_9_system_budget_fed(struct kunit *test)
{
	struct dwcp_budget *snd = budget_def(test, 999000);
	struct dwcp_budget *rcv = budget_def(test, 999000);
	struct dwcp_budget *sys = budget_def(test, 999000);
	struct dwcp_budget *odd = budget_new(test, 999000, 30, 3600 * T_SEC,
					     100, 0);
	u64 t, f;

	record_n(snd, 5 * T_MIN, 100, false);
	record_n(rcv, 20 * T_MIN, 50, true);
	record_n(rcv, 20 * T_MIN, 50, false);
	KUNIT_EXPECT_EQ(test, dwcp_budget_merge(sys, snd, 30 * T_MIN), 0);
	KUNIT_EXPECT_EQ(test, dwcp_budget_merge(sys, rcv, 30 * T_MIN), 0);
	dwcp_budget_window(sys, 30 * T_MIN, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 200ULL);
	KUNIT_EXPECT_EQ(test, f, 50ULL);
	/* buckets keep their time: send's events leave first */
	dwcp_budget_window(sys, 65 * T_MIN, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 100ULL);
	KUNIT_EXPECT_TRUE(test, dwcp_budget_exhausted(sys, 65 * T_MIN));
	KUNIT_EXPECT_EQ(test, dwcp_budget_merge(sys, odd, 65 * T_MIN), -EINVAL);
}

static void budget_burn_rate(struct kunit *test)
{
	struct dwcp_budget *b = budget_new(test, 999000, 60, 60 * T_SEC, 0, 0);

	/* 0.1 % budget: 10 bad of 10000 is burn 1.0, 144 bad is 14.4 */
	record_n(b, T_SEC, 9990, false);
	record_n(b, T_SEC, 10, true);
	KUNIT_EXPECT_EQ(test, dwcp_budget_burn_x1000(b, T_SEC, 60), 1000U);
	record_n(b, 2 * T_SEC, 9856, false);
	record_n(b, 2 * T_SEC, 144, true);
	KUNIT_EXPECT_EQ(test, dwcp_budget_burn_x1000(b, 2 * T_SEC, 1), 14400U);
	/* whole window: 154 bad of 20000 = 7.7 */
	KUNIT_EXPECT_EQ(test, dwcp_budget_burn_x1000(b, 2 * T_SEC, 60), 7700U);
	KUNIT_EXPECT_EQ(test, dwcp_budget_burn_x1000(b, 2 * T_SEC, 2), 7700U);
	/* all bad: 1 / 0.001 = 1000x */
	record_n(b, 3 * T_SEC, 10, true);
	KUNIT_EXPECT_EQ(test, dwcp_budget_burn_x1000(b, 3 * T_SEC, 1), 1000000U);
}

struct budget_k_case {
	u32 nbuckets;
	u32 long_k[DWCP_BUDGET_NR_ALERTS];
	u32 short_k[DWCP_BUDGET_NR_ALERTS];
};

/* SRE pairs scaled to the window: long = n*{1,6,72}/720, short = long/12. */
static const struct budget_k_case budget_k_cases[] = {
	{ 1,   { 1, 1, 1 },  { 1, 1, 1 } },
	{ 60,  { 1, 1, 6 },  { 1, 1, 1 } },
	{ 120, { 1, 1, 12 }, { 1, 1, 1 } },
	{ 240, { 1, 2, 24 }, { 1, 1, 2 } },
	{ 256, { 1, 2, 26 }, { 1, 1, 2 } },
};

static void budget_k_desc(const struct budget_k_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u buckets", c->nbuckets);
}

KUNIT_ARRAY_PARAM(budget_k, budget_k_cases, budget_k_desc);

static void budget_alert_windows_scaled(struct kunit *test)
{
	const struct budget_k_case *c = test->param_value;
	struct dwcp_budget *b = budget_new(test, 999000, c->nbuckets,
					   c->nbuckets * 10 * T_SEC, 100, 0);
	u32 i, lk, sk;

	for (i = 0; i < DWCP_BUDGET_NR_ALERTS; i++) {
		dwcp_budget_alert_k(b, i, &lk, &sk);
		KUNIT_EXPECT_EQ(test, lk, c->long_k[i]);
		KUNIT_EXPECT_EQ(test, sk, c->short_k[i]);
	}
}

/* Feed `per_sec` events a second, `bad_pm` per mille bad, over [from, to). */
static void feed(struct dwcp_budget *b, u64 from, u64 to, u32 per_sec,
		 u32 bad_pm)
{
	u64 s;

	for (s = from; s < to; s += T_SEC) {
		u32 bad = per_sec * bad_pm / 1000;

		dwcp_budget_add(b, s, per_sec, bad);
	}
}

/*
 * 240 one-second buckets: ticket = 24 s / 2 s at 1x, slow page = 2 s / 1 s
 * at 6x, fast page = 1 s / 1 s at 14.4x. An alert needs both windows.
 */
static void budget_multiwindow_alerts(struct kunit *test)
{
	struct dwcp_budget *b = budget_new(test, 990000, 240, 240 * T_SEC, 100,
					   0);
	const u32 ex = DWCP_RES_ALERT_EXHAUSTED;
	struct dwcp_budget_status st;

	/*
	 * 2 % errors on a 1 % budget: burn 2x -> ticket only (and, the error
	 * ratio of the window being above 1 - SLO, the budget is spent)
	 */
	feed(b, 0, 24 * T_SEC, 100, 20);
	KUNIT_EXPECT_EQ(test, dwcp_budget_eval(b, 23 * T_SEC, &st) & ~ex,
			(u32)DWCP_RES_ALERT_TICKET);
	KUNIT_EXPECT_TRUE(test, st.exhausted);
	KUNIT_EXPECT_EQ(test, st.burn_long_x1000[2], 2000U);
	/* two clean seconds: long still burns > 1x, short does not */
	feed(b, 24 * T_SEC, 26 * T_SEC, 100, 0);
	dwcp_budget_eval(b, 25 * T_SEC, &st);
	KUNIT_EXPECT_GE(test, st.burn_long_x1000[2], 1000U);
	KUNIT_EXPECT_EQ(test, st.burn_short_x1000[2], 0U);
	KUNIT_EXPECT_EQ(test, st.alerts & DWCP_RES_ALERT_TICKET, 0U);
	/* a 20 % burst: burn 20x over the last second -> fast + slow page */
	feed(b, 26 * T_SEC, 28 * T_SEC, 100, 200);
	dwcp_budget_eval(b, 27 * T_SEC, &st);
	KUNIT_EXPECT_TRUE(test, !!(st.alerts & DWCP_RES_ALERT_PAGE_FAST));
	KUNIT_EXPECT_TRUE(test, !!(st.alerts & DWCP_RES_ALERT_PAGE_SLOW));
	KUNIT_EXPECT_EQ(test, b->alerts, st.alerts);
}

/* Low traffic: the same burst over too few events raises nothing. */
static void budget_low_traffic_guard(struct kunit *test)
{
	struct dwcp_budget *b = budget_new(test, 990000, 240, 240 * T_SEC, 100,
					   0);
	struct dwcp_budget_status st;

	feed(b, 0, 10 * T_SEC, 5, 1000);		/* 50 events, all bad */
	KUNIT_EXPECT_EQ(test, dwcp_budget_eval(b, 9 * T_SEC, &st), 0U);
	KUNIT_EXPECT_EQ(test, st.burn_long_x1000[0], 100000U);
	KUNIT_EXPECT_FALSE(test, st.exhausted);
	/* min_events 0 disables the guard */
	b->cfg.min_events = 0;
	KUNIT_EXPECT_NE(test, dwcp_budget_eval(b, 9 * T_SEC, &st), 0U);
}

static void budget_reconfigure_keeps_window(struct kunit *test)
{
	struct dwcp_budget *b = budget_new(test, 990000, 60, 60 * T_SEC, 0, 0);
	struct dwcp_budget_config cfg = b->cfg;
	u64 t, f;

	record_n(b, 10 * T_SEC, 5, true);		/* bucket 10 */
	record_n(b, 50 * T_SEC, 7, false);	/* bucket 50 */
	cfg.slo_ppm = 999000;
	dwcp_budget_reconfigure(b, &cfg, 55 * T_SEC);
	dwcp_budget_window(b, 55 * T_SEC, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 12ULL);
	/* shrink to 30 s (same 1 s buckets): bucket 10 is now too old */
	cfg.nbuckets = 30;
	cfg.window_ns = 30 * T_SEC;
	dwcp_budget_reconfigure(b, &cfg, 55 * T_SEC);
	dwcp_budget_window(b, 55 * T_SEC, 30, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 7ULL);
	KUNIT_EXPECT_EQ(test, f, 0ULL);
	/* grow again: kept, and expires on time */
	record_n(b, 56 * T_SEC, 3, true);
	cfg.nbuckets = 60;
	cfg.window_ns = 60 * T_SEC;
	dwcp_budget_reconfigure(b, &cfg, 57 * T_SEC);
	dwcp_budget_window(b, 109 * T_SEC, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 10ULL);
	dwcp_budget_window(b, 110 * T_SEC, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 3ULL);
	KUNIT_EXPECT_EQ(test, f, 3ULL);
	/* new bucket width: folded into the current bucket, nothing lost */
	cfg.nbuckets = 10;
	dwcp_budget_reconfigure(b, &cfg, 111 * T_SEC);
	dwcp_budget_window(b, 111 * T_SEC, 10, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 3ULL);
	KUNIT_EXPECT_EQ(test, f, 3ULL);
	KUNIT_EXPECT_EQ(test, b->life_total, 15ULL);
}

static void budget_clock_edges(struct kunit *test)
{
	struct dwcp_budget *b = budget_new(test, 990000, 60, 60 * T_SEC, 0,
					   100 * T_SEC);
	u64 t, f;

	/* time going backwards counts in the current bucket */
	dwcp_budget_record(b, 50 * T_SEC, true);
	dwcp_budget_window(b, 100 * T_SEC, 1, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 1ULL);
	/* a gap longer than the window clears it */
	dwcp_budget_window(b, 1000 * T_SEC, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 0ULL);
	dwcp_budget_record(b, 1000 * T_SEC, false);
	dwcp_budget_window(b, 1000 * T_SEC, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 1ULL);
	/* result classes: ignored and cancelled are not events */
	KUNIT_EXPECT_TRUE(test, dwcp_budget_record_result(b, 1000 * T_SEC,
							  DWCP_RES_RESULT_SLOW));
	KUNIT_EXPECT_TRUE(test, dwcp_budget_record_result(b, 1000 * T_SEC,
							  DWCP_RES_RESULT_FAILURE));
	KUNIT_EXPECT_FALSE(test, dwcp_budget_record_result(b, 1000 * T_SEC,
							   DWCP_RES_RESULT_IGNORED));
	KUNIT_EXPECT_FALSE(test, dwcp_budget_record_result(b, 1000 * T_SEC,
							   DWCP_RES_RESULT_CANCELLED));
	dwcp_budget_window(b, 1000 * T_SEC, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 3ULL);
	KUNIT_EXPECT_EQ(test, f, 1ULL);
	/* a bucket saturates instead of wrapping */
	dwcp_budget_add(b, 1000 * T_SEC, U32_MAX, 0);
	dwcp_budget_window(b, 1000 * T_SEC, 1, &t, &f);
	KUNIT_EXPECT_EQ(test, t, (u64)U32_MAX);
}

/* The cached end of the head bucket is what the division would give. */
static void expect_edge(struct kunit *test, const struct dwcp_budget *b)
{
	u64 edge;

	if (check_mul_overflow(b->head_epoch + 1, b->bucket_ns, &edge))
		edge = U64_MAX;
	KUNIT_EXPECT_EQ(test, b->next_edge_ns, edge);
}

/*
 * next_edge_ns (the data path's compare instead of a divide): right at
 * init, across bucket boundaries (last ns of a bucket, first of the next,
 * jumps, a gap longer than the window), with the clock going back, after
 * each kind of reconfiguration and after a merge; and it never changes
 * which bucket an event lands in.
 */
static void budget_next_edge_cache(struct kunit *test)
{
	static const u64 times[] = {
		101 * T_SEC - 1, 101 * T_SEC, 101 * T_SEC + 1, 50 * T_SEC,
		103 * T_SEC + T_SEC / 2, 102 * T_SEC, 200 * T_SEC - 1,
		200 * T_SEC, 1000 * T_SEC, 999 * T_SEC,
	};
	struct dwcp_budget *b = budget_new(test, 990000, 60, 60 * T_SEC, 0,
					   100 * T_SEC + T_SEC / 2);
	struct dwcp_budget *o = budget_new(test, 990000, 60, 60 * T_SEC, 0, 0);
	struct dwcp_budget_config cfg = b->cfg;
	u64 head = 100, t, f;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, b->next_edge_ns, 101 * T_SEC);
	for (i = 0; i < ARRAY_SIZE(times); i++) {
		u64 e = div64_u64(times[i], b->bucket_ns);

		dwcp_budget_record(b, times[i], false);
		head = max(head, e);
		KUNIT_EXPECT_EQ(test, b->head_epoch, head);
		expect_edge(test, b);
	}
	/* 999 s went back into 1000 s's bucket: 2 events there, 5 before */
	dwcp_budget_window(b, 1000 * T_SEC, 1, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 2ULL);
	KUNIT_EXPECT_EQ(test, b->life_total, (u64)ARRAY_SIZE(times));

	/* buckets either side of one edge stay apart */
	dwcp_budget_record(b, 1001 * T_SEC - 1, true);
	dwcp_budget_record(b, 1001 * T_SEC, false);
	dwcp_budget_window(b, 1001 * T_SEC, 1, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 1ULL);
	KUNIT_EXPECT_EQ(test, f, 0ULL);
	dwcp_budget_window(b, 1001 * T_SEC, 2, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 4ULL);
	KUNIT_EXPECT_EQ(test, f, 1ULL);

	/* reconfigure: same geometry, fewer buckets, new width */
	cfg.slo_ppm = 999000;
	dwcp_budget_reconfigure(b, &cfg, 1001 * T_SEC);
	KUNIT_EXPECT_EQ(test, b->next_edge_ns, 1002 * T_SEC);
	cfg.nbuckets = 30;
	cfg.window_ns = 30 * T_SEC;
	dwcp_budget_reconfigure(b, &cfg, 1001 * T_SEC);
	KUNIT_EXPECT_EQ(test, b->next_edge_ns, 1002 * T_SEC);
	cfg.nbuckets = 10;	/* 3 s buckets: 1003.5 s is in [1002, 1005) */
	dwcp_budget_reconfigure(b, &cfg, 1003 * T_SEC + T_SEC / 2);
	KUNIT_EXPECT_EQ(test, b->head_epoch, 334ULL);
	KUNIT_EXPECT_EQ(test, b->next_edge_ns, 1005 * T_SEC);
	dwcp_budget_record(b, 1005 * T_SEC - 1, false);
	KUNIT_EXPECT_EQ(test, b->head_epoch, 334ULL);
	dwcp_budget_record(b, 1005 * T_SEC, false);
	KUNIT_EXPECT_EQ(test, b->head_epoch, 335ULL);
	KUNIT_EXPECT_EQ(test, b->next_edge_ns, 1008 * T_SEC);
	/* a new width with the clock behind: re-based on @now's bucket */
	cfg.nbuckets = 60;
	cfg.window_ns = 60 * T_SEC;
	dwcp_budget_reconfigure(b, &cfg, 900 * T_SEC);
	KUNIT_EXPECT_EQ(test, b->head_epoch, 900ULL);
	expect_edge(test, b);

	/* merge advances both to the later head */
	dwcp_budget_record(o, 5 * T_SEC, true);
	KUNIT_EXPECT_EQ(test, dwcp_budget_merge(o, b, 10 * T_SEC), 0);
	KUNIT_EXPECT_EQ(test, o->head_epoch, 900ULL);
	expect_edge(test, o);
	expect_edge(test, b);

	/* near the end of time the edge saturates; the slow path still works */
	b = budget_new(test, 990000, 60, 60 * T_SEC, 0, U64_MAX - 1);
	KUNIT_EXPECT_EQ(test, b->next_edge_ns, U64_MAX);
	dwcp_budget_record(b, U64_MAX - 1, false);
	dwcp_budget_record(b, U64_MAX, true);
	dwcp_budget_window(b, U64_MAX, 1, &t, &f);
	KUNIT_EXPECT_EQ(test, t, 2ULL);
	KUNIT_EXPECT_EQ(test, f, 1ULL);
	expect_edge(test, b);
}

/* The non-saturating fast add and the saturating one meet exactly. */
static void budget_add_saturation_edge(struct kunit *test)
{
	struct dwcp_budget *b = budget_new(test, 990000, 60, 60 * T_SEC, 0, 0);
	u64 t, f;

	dwcp_budget_add(b, T_SEC, U32_MAX - 2, 1);
	dwcp_budget_add(b, T_SEC, 2, 2);		/* exactly fills it */
	dwcp_budget_window(b, T_SEC, 1, &t, &f);
	KUNIT_EXPECT_EQ(test, t, (u64)U32_MAX);
	KUNIT_EXPECT_EQ(test, f, 3ULL);
	dwcp_budget_add(b, T_SEC, 1, 1);		/* saturates */
	dwcp_budget_window(b, T_SEC, 60, &t, &f);
	KUNIT_EXPECT_EQ(test, t, (u64)U32_MAX);
	KUNIT_EXPECT_EQ(test, f, 4ULL);
	KUNIT_EXPECT_EQ(test, b->win_total, (u64)U32_MAX);
	KUNIT_EXPECT_EQ(test, b->win_bad, 4ULL);
	KUNIT_EXPECT_EQ(test, b->life_total, (u64)U32_MAX + 1);
}

struct budget_cfg_case {
	const char *name;
	u32 slo_ppm;
	u32 nbuckets;
	u64 window_ns;
	int err;
};

static const struct budget_cfg_case budget_cfg_cases[] = {
	{ "default",		999000, 60,  3600 * T_SEC,	0 },
	{ "slo 0",		0,	60,  3600 * T_SEC,	-ERANGE },
	{ "slo 100 %",		1000000, 60, 3600 * T_SEC,	-ERANGE },
	{ "no buckets",		999000, 0,   3600 * T_SEC,	-ERANGE },
	{ "too many buckets",	999000, 257, 3600 * T_SEC,	-ERANGE },
	{ "bucket < 1 ms",	999000, 60,  59 * NSEC_PER_MSEC, -ERANGE },
	{ "uneven window",	999000, 7,   3600 * T_SEC,	-EINVAL },
	{ "max buckets",	999000, 256, 256 * T_SEC,		0 },
};

static void budget_cfg_desc(const struct budget_cfg_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(budget_cfg, budget_cfg_cases, budget_cfg_desc);

static void budget_config_check(struct kunit *test)
{
	const struct budget_cfg_case *c = test->param_value;
	struct dwcp_budget_config cfg;
	const char *why = NULL;

	dwcp_budget_config_default(&cfg, c->slo_ppm);
	cfg.nbuckets = c->nbuckets;
	cfg.window_ns = c->window_ns;
	KUNIT_EXPECT_EQ(test, dwcp_budget_config_check(&cfg, &why), c->err);
	if (c->err)
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
}

static struct kunit_case dwcp_budget_test_cases[] = {
	KUNIT_CASE(go_error_budget_basic),
	KUNIT_CASE(go_error_budget_exhaustion),
	KUNIT_CASE(go_error_budget_remaining),
	KUNIT_CASE(budget_no_traffic),
	KUNIT_CASE(budget_rolling_window),
	KUNIT_CASE(defect_9_no_tumbling_reset),
	KUNIT_CASE(defect_9_low_traffic_single_failure),
	KUNIT_CASE(defect_9_system_budget_fed),
	KUNIT_CASE(budget_burn_rate),
	KUNIT_CASE_PARAM(budget_alert_windows_scaled, budget_k_gen_params),
	KUNIT_CASE(budget_multiwindow_alerts),
	KUNIT_CASE(budget_low_traffic_guard),
	KUNIT_CASE(budget_reconfigure_keeps_window),
	KUNIT_CASE(budget_clock_edges),
	KUNIT_CASE(budget_next_edge_cache),
	KUNIT_CASE(budget_add_saturation_edge),
	KUNIT_CASE_PARAM(budget_config_check, budget_cfg_gen_params),
	{}
};

static struct kunit_suite dwcp_budget_test_suite = {
	.name = "dwcp_budget",
	.test_cases = dwcp_budget_test_cases,
};

kunit_test_suite(dwcp_budget_test_suite);
