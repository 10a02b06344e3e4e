// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the circuit breaker (kmod/core/breaker.c), with a fake
 * clock. selftests/host/test_breaker.c runs this same file on the host
 * through selftests/host/kunit_shim.h, under ASan/UBSan.
 *
 * The go_* cases pin down the basic behaviour; the defect_<n>_* cases pin
 * down what must never happen (an unbounded half-open, late results that
 * count, no failure rate). Documentation/core.rst, "Traceability", lists
 * every such case with what it guards.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/breaker.h"

#define MS(x)	((u64)(x) * NSEC_PER_MSEC)
#define SEC(x)	((u64)(x) * NSEC_PER_SEC)
#define T0	SEC(1000)	/* fake clock start; not 0 to catch underflow */

#define S	DWCP_RES_RESULT_SUCCESS
#define F	DWCP_RES_RESULT_FAILURE
#define W	DWCP_RES_RESULT_SLOW
#define IGN	DWCP_RES_RESULT_IGNORED
#define CAN	DWCP_RES_RESULT_CANCELLED

#define CLOSED		DWCP_RES_BREAKER_CLOSED
#define HALF_OPEN	DWCP_RES_BREAKER_HALF_OPEN
#define OPEN		DWCP_RES_BREAKER_OPEN

/* One breaker object for all cases (too big for a KASAN stack frame). */
static struct dwcp_breaker brk;

static struct dwcp_breaker *mk(struct kunit *test, const struct dwcp_breaker_config *c, u64 now)
{
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, dwcp_breaker_config_check(c, &why), 0);
	dwcp_breaker_init(&brk, c, now);
	return &brk;
}

static struct dwcp_breaker *mk_consec(struct kunit *test, u32 max_failures, u64 open_ns)
{
	struct dwcp_breaker_config c;

	dwcp_breaker_config_default(&c, max_failures, open_ns);
	return mk(test, &c, T0);
}

static void window_cfg(struct dwcp_breaker_config *c, u32 mode, u32 size, u32 min_calls,
		       u32 fail_ppm, u32 slow_ppm)
{
	dwcp_breaker_config_default(c, DWCP_BREAKER_SEND_FAILURES, DWCP_BREAKER_SEND_OPEN_NS);
	c->mode = mode;
	c->window_size = size;
	c->minimum_calls = min_calls;
	c->failure_rate_ppm = fail_ppm;
	c->slow_rate_ppm = slow_ppm;
	c->bucket_width_ns = SEC(1);
}

/* Admit and complete one call at @now; returns the admit verdict. */
static int call(struct dwcp_breaker *b, enum dwcp_res_result r, u64 now)
{
	u32 e;
	int v = dwcp_breaker_admit(b, now, &e);

	if (v == DWCP_BREAKER_ADMIT)
		dwcp_breaker_complete(b, e, r, now);
	return v;
}

/* Open a CONSECUTIVE breaker with max_failures failures at @now. */
static void trip(struct kunit *test, struct dwcp_breaker *b, u64 now)
{
	u32 i;

	for (i = 0; i < b->cfg.max_failures; i++)
		KUNIT_EXPECT_EQ(test, call(b, F, now), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
}

/* Normal operation: 10 successes, the breaker stays closed. */
static void go_circuit_breaker_normal_operation(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(5));
	u64 now = T0;
	int i;

	for (i = 0; i < 10; i++, now += MS(10))
		KUNIT_EXPECT_EQ(test, call(b, S, now), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, b->results[S], 10);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 0);
	KUNIT_EXPECT_EQ(test, b->transitions, 0);
}

/* 3 consecutive failures open the breaker; the next call is rejected. */
static void go_circuit_breaker_opens_on_failures(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(5));

	KUNIT_EXPECT_EQ(test, call(b, F, T0), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, call(b, F, T0), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, call(b, F, T0), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	KUNIT_EXPECT_EQ(test, call(b, S, T0 + MS(1)), DWCP_BREAKER_REJECT_OPEN);
	KUNIT_EXPECT_EQ(test, b->rejected, 1);
}

/*
 * Half-open (max failures 2, open 100 ms; after 150 ms the next call
 * succeeds), checking the state: the first success moves to HALF_OPEN
 * only, three successful probes (the default permits) close it.
 */
static void go_circuit_breaker_half_open(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 2, MS(100));
	u64 now = T0;
	int i;

	trip(test, b, now);
	KUNIT_EXPECT_EQ(test, call(b, S, now + MS(99)), DWCP_BREAKER_REJECT_OPEN);
	now += MS(150);
	KUNIT_EXPECT_EQ(test, call(b, S, now), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, call(b, S, now), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
}

/* The profile's breaker after 10 good calls: admitted 10, "closed". */
static void go_resilience_manager_integration(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, DWCP_BREAKER_SEND_FAILURES,
					   DWCP_BREAKER_SEND_OPEN_NS);
	struct dwcp_breaker_snapshot s;
	int i;

	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_EQ(test, call(b, S, T0 + MS(i)), DWCP_BREAKER_ADMIT);
	dwcp_breaker_snapshot(b, T0 + SEC(1), &s);
	KUNIT_EXPECT_EQ(test, s.state, CLOSED);
	KUNIT_EXPECT_EQ(test, s.admitted, 10);
}

/*
 * Failures are not swallowed: with max failures 2, of 3 failing calls the
 * third is rejected visibly, and the breaker is open.
 */
static void go_resilience_manager_with_failures(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 2, DWCP_BREAKER_SEND_OPEN_NS);

	KUNIT_EXPECT_EQ(test, call(b, F, T0), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, call(b, F, T0 + MS(1)), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, call(b, F, T0 + MS(2)), DWCP_BREAKER_REJECT_OPEN);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	KUNIT_EXPECT_EQ(test, b->results[F], 2);
	KUNIT_EXPECT_EQ(test, b->rejected, 1);
}

static const u32 permit_params[] = { 1, 2, 3, 10 };

static void permit_desc(const u32 *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "permits=%u", *p);
}

KUNIT_ARRAY_PARAM(permits, permit_params, permit_desc);

/* Half-open admits exactly N concurrent probes, N successes close. */
static void defect_2_half_open_admits_exactly_n_probes(struct kunit *test)
{
	const u32 n = *(const u32 *)test->param_value;
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	u32 ep[10], i, e;
	u64 now;

	dwcp_breaker_config_default(&c, 3, SEC(60));
	c.half_open_permits = n;
	b = mk(test, &c, T0);
	trip(test, b, T0);
	now = T0 + SEC(60);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, now, &ep[i]), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
	KUNIT_EXPECT_EQ(test, b->probes_inflight, n);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, now, &e), DWCP_BREAKER_REJECT_HALF_OPEN);
	KUNIT_EXPECT_EQ(test, e, 0);
	for (i = 0; i + 1 < n; i++) {
		dwcp_breaker_complete(b, ep[i], S, now);
		KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
		/* a completed success uses up its permit: still N in total */
		KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, now, &e),
				DWCP_BREAKER_REJECT_HALF_OPEN);
	}
	dwcp_breaker_complete(b, ep[n - 1], S, now);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, b->rejected, n);
}

/* A late result of a call admitted while closed cannot reopen half-open. */
static void defect_2_late_closed_result_ignored_in_half_open(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));
	u32 late_fail, late_ok, p;
	u64 now = T0;

	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, now, &late_fail), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, now, &late_ok), DWCP_BREAKER_ADMIT);
	trip(test, b, now);
	now += SEC(60);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, now, &p), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);

	dwcp_breaker_complete(b, late_fail, F, now + SEC(1));
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
	dwcp_breaker_complete(b, late_ok, S, now + SEC(1));
	KUNIT_EXPECT_EQ(test, b->probes_good, 0);
	KUNIT_EXPECT_EQ(test, b->probes_inflight, 1);
	KUNIT_EXPECT_EQ(test, b->stale, 2);

	dwcp_breaker_complete(b, p, S, now + SEC(1));
	KUNIT_EXPECT_EQ(test, b->probes_good, 1);
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
}

/* Failures reported while open do not extend the open period. */
static void defect_2_late_failure_does_not_extend_open(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 5, SEC(60));
	struct dwcp_breaker_snapshot s;
	u32 held[3], i;

	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, T0, &held[i]), DWCP_BREAKER_ADMIT);
	trip(test, b, T0);
	for (i = 0; i < 3; i++)
		dwcp_breaker_complete(b, held[i], F, T0 + SEC(30));
	KUNIT_EXPECT_EQ(test, b->stale, 3);
	dwcp_breaker_snapshot(b, T0 + SEC(30), &s);
	KUNIT_EXPECT_EQ(test, s.open_remaining_ns, SEC(30));
	KUNIT_EXPECT_EQ(test, call(b, S, T0 + SEC(60) - 1), DWCP_BREAKER_REJECT_OPEN);
	KUNIT_EXPECT_EQ(test, call(b, S, T0 + SEC(60)), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
}

/* A 50 % failure rate trips a window breaker, never a consecutive one. */
static void defect_3_failure_rate_trips_where_consecutive_does_not(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));
	int i;

	for (i = 0; i < 40; i++)
		call(b, i & 1 ? F : S, T0 + MS(i));
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);

	window_cfg(&c, DWCP_RES_BREAKER_MODE_COUNT_WINDOW, 10, 10, 500000, 0);
	b = mk(test, &c, T0);
	for (i = 0; i < 9; i++)
		call(b, i & 1 ? F : S, T0 + MS(i));
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	call(b, F, T0 + MS(9));
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	KUNIT_EXPECT_EQ(test, b->win_failures, 5);
}

/* Cancelled / ignored results count neither way. */
static void defect_3_cancelled_and_ignored_never_count(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));

	call(b, F, T0);
	call(b, F, T0);
	call(b, CAN, T0);
	call(b, IGN, T0);
	call(b, CAN, T0);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 2);	/* not reset either */
	KUNIT_EXPECT_EQ(test, b->results[CAN], 2);
	KUNIT_EXPECT_EQ(test, b->results[IGN], 1);
	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);

	window_cfg(&c, DWCP_RES_BREAKER_MODE_TIME_WINDOW, 4, 2, 500000, 0);
	b = mk(test, &c, T0);
	call(b, F, T0);
	call(b, CAN, T0);
	call(b, IGN, T0);
	KUNIT_EXPECT_EQ(test, b->win_calls, 1);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	/* an out-of-range result class is treated as IGNORED */
	call(b, (enum dwcp_res_result)__DWCP_RES_RESULT_MAX, T0);
	KUNIT_EXPECT_EQ(test, b->win_calls, 1);
	KUNIT_EXPECT_EQ(test, b->results[IGN], 2);
}

/* Never open before minimum_calls are in the window. */
static void defect_3_minimum_calls(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	int i;

	window_cfg(&c, DWCP_RES_BREAKER_MODE_COUNT_WINDOW, 10, 10, 500000, 0);
	b = mk(test, &c, T0);
	for (i = 0; i < 9; i++)
		call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);	/* 9 of 9 failed */
	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
}

/* Slow calls count toward a slow-call rate, not the failure rate. */
static void defect_3_slow_call_rate(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	int i;

	window_cfg(&c, DWCP_RES_BREAKER_MODE_COUNT_WINDOW, 10, 4, 500000, 500000);
	c.slow_call_ns = SEC(1);
	b = mk(test, &c, T0);
	KUNIT_EXPECT_EQ(test, call(b, dwcp_breaker_classify(b, S, MS(10)), T0), 0);
	for (i = 0; i < 2; i++)
		call(b, dwcp_breaker_classify(b, S, SEC(2)), T0);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);		/* 3 calls < min */
	KUNIT_EXPECT_EQ(test, b->win_slow, 2);
	call(b, dwcp_breaker_classify(b, S, SEC(1)), T0);	/* 3 of 4 slow */
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	KUNIT_EXPECT_EQ(test, b->win_failures, 0);
	KUNIT_EXPECT_EQ(test, b->results[W], 3);
}

static void classify_slow(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));

	KUNIT_EXPECT_EQ(test, dwcp_breaker_classify(b, S, SEC(100)), S);	/* off */
	b->cfg.slow_call_ns = SEC(1);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_classify(b, S, SEC(1) - 1), S);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_classify(b, S, SEC(1)), W);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_classify(b, F, SEC(5)), F);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_classify(b, CAN, SEC(5)), CAN);
}

static void consecutive_success_zeroes_count(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));

	call(b, F, T0);
	call(b, F, T0);
	call(b, S, T0);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 0);
	call(b, F, T0);
	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
}

/* CONSECUTIVE: SLOW is a success unless DWCP_BREAKER_F_SLOW_IS_FAILURE. */
static void consecutive_slow_is_success_unless_flagged(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));

	call(b, F, T0);
	call(b, F, T0);
	call(b, W, T0);
	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 1);

	dwcp_breaker_config_default(&c, 3, SEC(60));
	c.flags = DWCP_BREAKER_F_SLOW_IS_FAILURE;
	b = mk(test, &c, T0);
	call(b, F, T0);
	call(b, F, T0);
	call(b, W, T0);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	/* and a slow probe is a failed probe */
	KUNIT_EXPECT_EQ(test, call(b, W, T0 + SEC(60)), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
}

/* Any failed probe reopens at once and re-arms the open period from then. */
static void half_open_any_failure_reopens_and_rearms(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));
	u64 ho = T0 + SEC(60);
	u32 p1, p2;

	trip(test, b, T0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho, &p1), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho, &p2), DWCP_BREAKER_ADMIT);
	dwcp_breaker_complete(b, p1, S, ho);
	dwcp_breaker_complete(b, p2, F, ho + SEC(1));
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	KUNIT_EXPECT_EQ(test, b->entered_at, ho + SEC(1));
	KUNIT_EXPECT_EQ(test, call(b, S, ho + SEC(60)), DWCP_BREAKER_REJECT_OPEN);
	KUNIT_EXPECT_EQ(test, call(b, S, ho + SEC(61)), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
}

/* Entering CLOSED from half-open starts a fresh window and count. */
static void half_open_success_closes_fresh(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	int i;

	window_cfg(&c, DWCP_RES_BREAKER_MODE_COUNT_WINDOW, 10, 5, 500000, 0);
	b = mk(test, &c, T0);
	for (i = 0; i < 5; i++)
		call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, call(b, S, T0 + SEC(60)), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, b->win_calls, 0);
	KUNIT_EXPECT_EQ(test, b->win_failures, 0);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 0);
	/* one failure in the new window does not trip */
	call(b, F, T0 + SEC(61));
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
}

/* IGNORED / CANCELLED probes release their permit (resilience4j #544). */
static void half_open_ignored_releases_permit(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	u64 ho = T0 + SEC(60);
	u32 p, q;

	dwcp_breaker_config_default(&c, 3, SEC(60));
	c.half_open_permits = 1;
	b = mk(test, &c, T0);
	trip(test, b, T0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho, &p), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho, &q), DWCP_BREAKER_REJECT_HALF_OPEN);
	dwcp_breaker_complete(b, p, IGN, ho);
	KUNIT_EXPECT_EQ(test, b->probes_inflight, 0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho, &p), DWCP_BREAKER_ADMIT);
	dwcp_breaker_complete(b, p, CAN, ho);
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho, &p), DWCP_BREAKER_ADMIT);
	dwcp_breaker_complete(b, p, S, ho);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
}

/* A probe of an earlier half-open epoch neither frees nor uses a permit. */
static void half_open_stale_probe_does_not_leak_permit(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	u64 ho1 = T0 + SEC(60), ho2 = ho1 + SEC(60);
	u32 p1, p2, q1, q2, q3;

	dwcp_breaker_config_default(&c, 3, SEC(60));
	c.half_open_permits = 2;
	b = mk(test, &c, T0);
	trip(test, b, T0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho1, &p1), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho1, &p2), DWCP_BREAKER_ADMIT);
	dwcp_breaker_complete(b, p1, F, ho1);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	KUNIT_EXPECT_EQ(test, b->probes_inflight, 0);

	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho2, &q1), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
	KUNIT_EXPECT_NE(test, q1, p2);
	dwcp_breaker_complete(b, p2, S, ho2);		/* stale */
	dwcp_breaker_complete(b, p2, IGN, ho2);	/* stale, double complete */
	KUNIT_EXPECT_EQ(test, b->stale, 2);
	KUNIT_EXPECT_EQ(test, b->probes_inflight, 1);
	KUNIT_EXPECT_EQ(test, b->probes_good, 0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho2, &q2), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho2, &q3), DWCP_BREAKER_REJECT_HALF_OPEN);
	dwcp_breaker_complete(b, q1, S, ho2);
	dwcp_breaker_complete(b, q2, S, ho2);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	/* and a double completion in half-open cannot underflow the permits */
	trip(test, b, ho2);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho2 + SEC(60), &q1), DWCP_BREAKER_ADMIT);
	dwcp_breaker_complete(b, q1, IGN, ho2 + SEC(60));
	dwcp_breaker_complete(b, q1, IGN, ho2 + SEC(60));
	KUNIT_EXPECT_EQ(test, b->probes_inflight, 0);
	KUNIT_EXPECT_EQ(test, b->stale, 3);
}

struct wait_case {
	const char *name;
	u64 max_wait_ns;
	u32 flags;
	u32 expect_state;	/* after max_wait elapsed with probes stuck */
};

static const struct wait_case wait_cases[] = {
	{ "max_wait_10s_opens", SEC(10), 0, OPEN },
	{ "max_wait_10s_closes_when_flagged", SEC(10), DWCP_BREAKER_F_HALF_OPEN_WAIT_CLOSES,
	  CLOSED },
	{ "max_wait_0_waits_forever", 0, 0, HALF_OPEN },
};

static void wait_desc(const struct wait_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", p->name);
}

KUNIT_ARRAY_PARAM(wait, wait_cases, wait_desc);

/* Stuck probes: after max_wait_half_open the breaker falls back (r4j #903). */
static void half_open_max_wait(struct kunit *test)
{
	const struct wait_case *wc = test->param_value;
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	u64 ho = T0 + SEC(60);
	u32 p[3], e;
	int i;

	dwcp_breaker_config_default(&c, 3, SEC(60));
	c.max_wait_half_open_ns = wc->max_wait_ns;
	c.flags = wc->flags;
	b = mk(test, &c, T0);
	trip(test, b, T0);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho + SEC(i), &p[i]),
				DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho + SEC(10) - 1, &e),
			DWCP_BREAKER_REJECT_HALF_OPEN);
	/* detected lazily by the next complete ... */
	dwcp_breaker_complete(b, p[0], S, ho + SEC(10));
	KUNIT_EXPECT_EQ(test, b->state, wc->expect_state);
	if (wc->expect_state == HALF_OPEN) {
		KUNIT_EXPECT_EQ(test, b->probes_good, 1);
		KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho + SEC(3600), &e),
				DWCP_BREAKER_REJECT_HALF_OPEN);
		return;
	}
	KUNIT_EXPECT_EQ(test, b->stale, 1);
	KUNIT_EXPECT_EQ(test, b->probes_inflight, 0);
	if (wc->expect_state == OPEN) {
		KUNIT_EXPECT_EQ(test, call(b, S, ho + SEC(69)), DWCP_BREAKER_REJECT_OPEN);
		KUNIT_EXPECT_EQ(test, call(b, S, ho + SEC(70)), DWCP_BREAKER_ADMIT);
		KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
	} else {
		KUNIT_EXPECT_EQ(test, call(b, S, ho + SEC(10)), DWCP_BREAKER_ADMIT);
	}

	/* ... or by the next admit */
	b = mk(test, &c, T0);
	trip(test, b, T0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho, &p[0]), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, ho + SEC(10), &e),
			wc->expect_state == OPEN ? DWCP_BREAKER_REJECT_OPEN : DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, wc->expect_state);
}

/* Window modes: when the slow share of the probes reaches slow_rate, reopen. */
static void half_open_slow_probes_reopen(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	int i;

	window_cfg(&c, DWCP_RES_BREAKER_MODE_COUNT_WINDOW, 4, 4, 500000, 500000);
	c.half_open_permits = 2;
	b = mk(test, &c, T0);
	for (i = 0; i < 4; i++)
		call(b, W, T0);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	call(b, S, T0 + SEC(60));
	call(b, W, T0 + SEC(60));
	KUNIT_EXPECT_EQ(test, b->state, OPEN);		/* 1 of 2 slow = 50 % */
	call(b, S, T0 + SEC(120));
	call(b, S, T0 + SEC(120));
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
}

static void epoch_bumps_on_every_transition(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 1, SEC(60));
	u32 e0 = b->epoch, e;

	KUNIT_EXPECT_NE(test, e0, 0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, T0, &e), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, e, e0);
	dwcp_breaker_complete(b, e, F, T0);			/* -> OPEN */
	KUNIT_EXPECT_EQ(test, b->epoch, e0 + 1);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, T0, &e), DWCP_BREAKER_REJECT_OPEN);
	KUNIT_EXPECT_EQ(test, e, 0);
	dwcp_breaker_complete(b, e, F, T0);			/* token 0: stale */
	KUNIT_EXPECT_EQ(test, b->stale, 1);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, T0 + SEC(60), &e), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, e, e0 + 2);			/* HALF_OPEN */
	dwcp_breaker_complete(b, e, S, T0 + SEC(60));
	call(b, S, T0 + SEC(60));
	call(b, S, T0 + SEC(60));
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, b->epoch, e0 + 3);
	KUNIT_EXPECT_EQ(test, b->transitions, 3);

	/* the epoch skips 0 when it wraps */
	b->epoch = U32_MAX;
	dwcp_breaker_reset(b, T0);
	KUNIT_EXPECT_EQ(test, b->epoch, 1);
}

/*
 * The CLOSED fast paths of admit and complete change nothing: a result of
 * an earlier epoch is still stale, an unknown class is still IGNORED, and
 * a DISABLED breaker (general path) counts like a CLOSED one.
 */
static void closed_fast_path_same_as_general(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));
	u32 e_old, e;

	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, T0, &e_old), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, e_old, b->epoch);
	dwcp_breaker_reset(b, T0);			/* CLOSED again, new epoch */
	dwcp_breaker_complete(b, e_old, F, T0);
	KUNIT_EXPECT_EQ(test, b->stale, 1);
	KUNIT_EXPECT_EQ(test, b->results[F], 0);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 0);

	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, T0, &e), DWCP_BREAKER_ADMIT);
	dwcp_breaker_complete(b, e, (enum dwcp_res_result)(__DWCP_RES_RESULT_MAX + 7), T0);
	KUNIT_EXPECT_EQ(test, b->results[IGN], 1);
	KUNIT_EXPECT_EQ(test, b->admitted, 2);
	call(b, F, T0);
	call(b, F, T0);
	call(b, S, T0);					/* zeroes the count */
	call(b, F, T0);
	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 2);
	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);

	KUNIT_EXPECT_EQ(test, dwcp_breaker_force(b, DWCP_RES_BREAKER_DISABLED, T0), 0);
	call(b, F, T0);
	call(b, F, T0);
	call(b, S, T0);
	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 1);
	KUNIT_EXPECT_EQ(test, b->results[F], 8);
	KUNIT_EXPECT_EQ(test, b->results[S], 2);
	KUNIT_EXPECT_EQ(test, b->admitted, 12);
}

/* DISABLED: always admits, never trips, still counts. */
static void operator_disabled(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	int i;

	window_cfg(&c, DWCP_RES_BREAKER_MODE_COUNT_WINDOW, 10, 5, 500000, 0);
	b = mk(test, &c, T0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_force(b, DWCP_RES_BREAKER_DISABLED, T0), 0);
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_EQ(test, call(b, F, T0 + MS(i)), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, DWCP_RES_BREAKER_DISABLED);
	KUNIT_EXPECT_EQ(test, b->results[F], 100);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 100);
	KUNIT_EXPECT_EQ(test, b->win_calls, 10);
	KUNIT_EXPECT_EQ(test, b->win_failures, 10);
	/* clearing the operator state closes with a fresh window */
	KUNIT_EXPECT_EQ(test, dwcp_breaker_force(b, CLOSED, T0 + SEC(1)), 0);
	KUNIT_EXPECT_EQ(test, b->win_calls, 0);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
}

/* FORCED_OPEN: always rejects, whatever the time; results are stale. */
static void operator_forced_open(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));
	u32 held, e;

	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, T0, &held), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_force(b, DWCP_RES_BREAKER_FORCED_OPEN, T0), 0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, T0 + SEC(3600), &e),
			DWCP_BREAKER_REJECT_FORCED);
	dwcp_breaker_complete(b, held, F, T0 + SEC(1));
	KUNIT_EXPECT_EQ(test, b->stale, 1);
	KUNIT_EXPECT_EQ(test, b->state, DWCP_RES_BREAKER_FORCED_OPEN);
	dwcp_breaker_reset(b, T0 + SEC(3600));
	KUNIT_EXPECT_EQ(test, call(b, S, T0 + SEC(3600)), DWCP_BREAKER_ADMIT);
	/* an operator OPEN uses the normal open period */
	KUNIT_EXPECT_EQ(test, dwcp_breaker_force(b, OPEN, T0 + SEC(4000)), 0);
	KUNIT_EXPECT_EQ(test, call(b, S, T0 + SEC(4059)), DWCP_BREAKER_REJECT_OPEN);
	KUNIT_EXPECT_EQ(test, call(b, S, T0 + SEC(4060)), DWCP_BREAKER_ADMIT);
}

static void operator_force_rejects_bad_state(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));
	u32 ep = b->epoch;

	KUNIT_EXPECT_EQ(test, dwcp_breaker_force(b, HALF_OPEN, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_force(b, __DWCP_RES_BREAKER_STATE_MAX, T0), -EINVAL);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_force(b, CLOSED, T0), 0);	/* no-op */
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, b->epoch, ep);
	KUNIT_EXPECT_EQ(test, b->transitions, 0);
}

static void reset_clears_counters(struct kunit *test)
{
	struct dwcp_breaker *b = mk_consec(test, 3, SEC(60));
	u32 ep = b->epoch, held;

	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_admit(b, T0, &held), DWCP_BREAKER_ADMIT);
	call(b, F, T0);
	dwcp_breaker_reset(b, T0);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 0);
	KUNIT_EXPECT_EQ(test, b->epoch, ep + 1);
	KUNIT_EXPECT_EQ(test, b->results[F], 2);	/* lifetime totals stay */
	dwcp_breaker_complete(b, held, F, T0);		/* pre-reset call: stale */
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 0);
	trip(test, b, T0);
	dwcp_breaker_reset(b, T0 + SEC(1));
	KUNIT_EXPECT_EQ(test, call(b, S, T0 + SEC(1)), DWCP_BREAKER_ADMIT);
}

static void reconfigure_keeps_state_and_counters(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b = mk_consec(test, 5, SEC(60));
	u32 ep;

	call(b, F, T0);
	call(b, F, T0);
	call(b, F, T0);
	dwcp_breaker_config_default(&c, 4, SEC(30));
	dwcp_breaker_reconfigure(b, &c, T0);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 3);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	call(b, F, T0 + SEC(1));
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	/* a new open duration counts from the original opening moment */
	ep = b->epoch;
	dwcp_breaker_config_default(&c, 4, SEC(20));
	dwcp_breaker_reconfigure(b, &c, T0 + SEC(5));
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	KUNIT_EXPECT_EQ(test, b->epoch, ep);
	KUNIT_EXPECT_EQ(test, call(b, S, T0 + SEC(21) - 1), DWCP_BREAKER_REJECT_OPEN);
	KUNIT_EXPECT_EQ(test, call(b, S, T0 + SEC(21)), DWCP_BREAKER_ADMIT);
	KUNIT_EXPECT_EQ(test, b->state, HALF_OPEN);
	/* fewer permits than good probes already seen: settle now */
	c.half_open_permits = 1;
	dwcp_breaker_reconfigure(b, &c, T0 + SEC(22));
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
}

/* A mode or window-shape change restarts the window but keeps the state. */
static void reconfigure_mode_change_resets_window(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	int i;

	window_cfg(&c, DWCP_RES_BREAKER_MODE_COUNT_WINDOW, 10, 10, 500000, 0);
	b = mk(test, &c, T0);
	call(b, S, T0);
	call(b, F, T0);
	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, b->win_calls, 3);
	c.failure_rate_ppm = 900000;			/* same shape: window kept */
	dwcp_breaker_reconfigure(b, &c, T0);
	KUNIT_EXPECT_EQ(test, b->win_calls, 3);
	c.mode = DWCP_RES_BREAKER_MODE_TIME_WINDOW;	/* new mode: fresh window */
	c.window_size = 4;
	c.minimum_calls = 2;
	c.failure_rate_ppm = 500000;
	dwcp_breaker_reconfigure(b, &c, T0);
	KUNIT_EXPECT_EQ(test, b->win_calls, 0);
	KUNIT_EXPECT_EQ(test, b->consecutive_failures, 2);
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
	call(b, F, T0 + SEC(1));
	call(b, F, T0 + SEC(1));
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	c.mode = DWCP_RES_BREAKER_MODE_CONSECUTIVE;
	dwcp_breaker_reconfigure(b, &c, T0 + SEC(2));
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
	KUNIT_EXPECT_EQ(test, b->win_calls, 0);
	for (i = 0; i < 3; i++)
		call(b, S, T0 + SEC(61));
	KUNIT_EXPECT_EQ(test, b->state, CLOSED);
}

/*
 * Sliding windows, both kinds, one table. Pattern: S success, F failure,
 * W slow, I ignored, C cancelled, '.' advance the clock by one second (one
 * bucket). Expected state and window totals are checked at the end.
 */
struct window_case {
	const char *name;
	u32 mode;
	u32 size;
	u32 min_calls;
	u32 fail_ppm;
	u32 slow_ppm;
	const char *pattern;
	u32 state;
	u32 calls;
	u32 failures;
	u32 slow;
};

#define CW	DWCP_RES_BREAKER_MODE_COUNT_WINDOW
#define TW	DWCP_RES_BREAKER_MODE_TIME_WINDOW

static const struct window_case window_cases[] = {
	{ "count_min_calls_9_of_10", CW, 10, 10, 500000, 0, "FFFFFFFFF", CLOSED, 9, 9, 0 },
	{ "count_min_calls_reached", CW, 10, 10, 500000, 0, "FFFFFFFFFF", OPEN, 10, 10, 0 },
	{ "count_rate_below", CW, 10, 10, 500000, 0, "SFSFSFSFSS", CLOSED, 10, 4, 0 },
	{ "count_rate_at_threshold", CW, 10, 10, 500000, 0, "SFSFSFSFSF", OPEN, 10, 5, 0 },
	{ "count_evicts_oldest", CW, 4, 4, 750000, 0, "FFSSSF", CLOSED, 4, 1, 0 },
	{ "count_evicts_then_trips", CW, 4, 4, 750000, 0, "FFSSSFFF", OPEN, 4, 3, 0 },
	{ "count_size_64", CW, 64, 64, 600000, 0,
	  "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS",
	  CLOSED, 64, 20, 0 },
	{ "count_slow_rate", CW, 10, 5, 500000, 600000, "WWWWS", OPEN, 5, 0, 4 },
	{ "count_slow_below", CW, 10, 5, 500000, 600000, "WWSSS", CLOSED, 5, 0, 2 },
	{ "count_slow_off", CW, 10, 5, 500000, 0, "WWWWW", CLOSED, 5, 0, 5 },
	{ "count_ignored_cancelled", CW, 10, 5, 500000, 0, "FFFFIICC", CLOSED, 4, 4, 0 },
	{ "count_clock_irrelevant", CW, 4, 4, 500000, 0, "F........F.SS", OPEN, 4, 2, 0 },
	{ "time_min_calls", TW, 4, 4, 500000, 0, "FFF", CLOSED, 3, 3, 0 },
	{ "time_trips", TW, 4, 4, 500000, 0, "FFFF", OPEN, 4, 4, 0 },
	{ "time_rate_at_threshold", TW, 4, 4, 500000, 0, "SF.SF", OPEN, 4, 2, 0 },
	{ "time_evicts_old_bucket", TW, 4, 4, 500000, 0, "FF....FF", CLOSED, 2, 2, 0 },
	{ "time_partial_eviction", TW, 4, 4, 600000, 0, "FF.S.SS..F", CLOSED, 4, 1, 0 },
	{ "time_keeps_recent_buckets", TW, 4, 4, 600000, 0, "FF.S.S.F", OPEN, 5, 3, 0 },
	{ "time_long_idle_clears", TW, 4, 1, 500000, 0, "SSS........W", CLOSED, 1, 0, 1 },
	{ "time_slow_rate", TW, 4, 4, 500000, 500000, "W.W.S.S", OPEN, 4, 0, 2 },
	{ "time_32_buckets", TW, 32, 4, 500000, 0,
	  "F...............................F..S", CLOSED, 2, 1, 0 },
	{ "time_ignored_cancelled", TW, 4, 2, 500000, 0, "SICICIC", CLOSED, 1, 0, 0 },
};

static void window_case_desc(const struct window_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", p->name);
}

KUNIT_ARRAY_PARAM(window, window_cases, window_case_desc);

static void window_table(struct kunit *test)
{
	static const char codes[] = "SFWIC";	/* enum dwcp_res_result order */
	const struct window_case *wc = test->param_value;
	struct dwcp_breaker_snapshot s;
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;
	const char *p;
	u64 now = T0;

	window_cfg(&c, wc->mode, wc->size, wc->min_calls, wc->fail_ppm, wc->slow_ppm);
	b = mk(test, &c, now);
	for (p = wc->pattern; *p; p++) {
		const char *r = strchr(codes, *p);

		if (r)
			call(b, (enum dwcp_res_result)(r - codes), now);
		else
			now += SEC(1);
	}
	KUNIT_EXPECT_EQ(test, b->state, wc->state);
	KUNIT_EXPECT_EQ(test, b->win_calls, wc->calls);
	KUNIT_EXPECT_EQ(test, b->win_failures, wc->failures);
	KUNIT_EXPECT_EQ(test, b->win_slow, wc->slow);
	dwcp_breaker_snapshot(b, now, &s);
	KUNIT_EXPECT_EQ(test, s.window_calls, wc->calls);
	KUNIT_EXPECT_EQ(test, s.window_failures, wc->failures);
	KUNIT_EXPECT_EQ(test, s.window_slow, wc->slow);
}

/* The snapshot's time-window totals decay without new results. */
static void snapshot_live_time_window(struct kunit *test)
{
	struct dwcp_breaker_snapshot s;
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b;

	window_cfg(&c, TW, 4, 10, 500000, 0);
	b = mk(test, &c, T0);
	call(b, F, T0);
	call(b, W, T0 + SEC(1));
	dwcp_breaker_snapshot(b, T0 + SEC(3), &s);
	KUNIT_EXPECT_EQ(test, s.window_calls, 2);
	dwcp_breaker_snapshot(b, T0 + SEC(4), &s);
	KUNIT_EXPECT_EQ(test, s.window_calls, 1);
	KUNIT_EXPECT_EQ(test, s.window_failures, 0);
	KUNIT_EXPECT_EQ(test, s.window_slow, 1);
	dwcp_breaker_snapshot(b, T0 + SEC(400), &s);
	KUNIT_EXPECT_EQ(test, s.window_calls, 0);
	KUNIT_EXPECT_EQ(test, b->win_calls, 2);		/* object untouched */
	KUNIT_EXPECT_EQ(test, s.state, CLOSED);
	KUNIT_EXPECT_EQ(test, s.open_remaining_ns, 0);
	KUNIT_EXPECT_EQ(test, s.admitted, 2);
	KUNIT_EXPECT_EQ(test, s.results[F], 1);
	KUNIT_EXPECT_EQ(test, s.results[W], 1);
}

/* A clock that steps back never underflows into "open period over". */
static void clock_backwards_is_harmless(struct kunit *test)
{
	struct dwcp_breaker_config c;
	struct dwcp_breaker *b = mk_consec(test, 1, SEC(60));
	int i;

	call(b, F, T0);
	KUNIT_EXPECT_EQ(test, call(b, S, T0 - SEC(1)), DWCP_BREAKER_REJECT_OPEN);
	KUNIT_EXPECT_EQ(test, call(b, S, 0), DWCP_BREAKER_REJECT_OPEN);

	window_cfg(&c, TW, 4, 4, 500000, 0);
	b = mk(test, &c, T0 + SEC(10));
	for (i = 0; i < 4; i++)
		call(b, i & 1 ? F : S, T0 + SEC(10) - SEC(i));	/* lands in head bucket */
	KUNIT_EXPECT_EQ(test, b->win_calls, 4);
	KUNIT_EXPECT_EQ(test, b->state, OPEN);
}

struct cfg_case {
	const char *name;
	u32 mode;
	int field;
	u64 value;
	int err;
};

enum { CF_NONE, CF_MODE, CF_FLAGS, CF_MAXF, CF_PERMITS, CF_SIZE, CF_MIN, CF_FRATE,
	CF_SRATE, CF_OPEN, CF_WIDTH };

static const struct cfg_case cfg_cases[] = {
	{ "consecutive_ok", 0, CF_NONE, 0, 0 },
	{ "count_ok", CW, CF_NONE, 0, 0 },
	{ "time_ok", TW, CF_NONE, 0, 0 },
	{ "bad_mode", 0, CF_MODE, __DWCP_RES_BREAKER_MODE_MAX, -EINVAL },
	{ "bad_flags", 0, CF_FLAGS, 0x80, -EINVAL },
	{ "slow_is_failure_in_window", CW, CF_FLAGS, DWCP_BREAKER_F_SLOW_IS_FAILURE, -EINVAL },
	{ "zero_max_failures", 0, CF_MAXF, 0, -EINVAL },
	{ "zero_max_failures_unused_in_window", CW, CF_MAXF, 0, 0 },
	{ "zero_permits", 0, CF_PERMITS, 0, -EINVAL },
	{ "too_many_permits", 0, CF_PERMITS, DWCP_BREAKER_PERMITS_MAX + 1, -ERANGE },
	{ "zero_open_duration", 0, CF_OPEN, 0, -EINVAL },
	{ "zero_window", CW, CF_SIZE, 0, -EINVAL },
	{ "window_unused_in_consecutive", 0, CF_SIZE, 0, 0 },
	{ "count_window_65", CW, CF_SIZE, 65, -ERANGE },
	{ "count_window_64", CW, CF_SIZE, 64, 0 },
	{ "time_buckets_33", TW, CF_SIZE, 33, -ERANGE },
	{ "time_buckets_32", TW, CF_SIZE, 32, 0 },
	{ "zero_min_calls", TW, CF_MIN, 0, -EINVAL },
	{ "min_calls_above_count_window", CW, CF_MIN, 21, -ERANGE },
	{ "min_calls_above_time_window_ok", TW, CF_MIN, 1000, 0 },
	{ "zero_failure_rate", CW, CF_FRATE, 0, -EINVAL },
	{ "failure_rate_above_1e6", CW, CF_FRATE, DWCP_BREAKER_PPM + 1, -ERANGE },
	{ "slow_rate_above_1e6", TW, CF_SRATE, DWCP_BREAKER_PPM + 1, -ERANGE },
	{ "bucket_too_narrow", TW, CF_WIDTH, DWCP_BREAKER_BUCKET_MIN_NS - 1, -ERANGE },
	{ "bucket_too_wide", TW, CF_WIDTH, DWCP_BREAKER_BUCKET_MAX_NS + 1, -ERANGE },
};

static void cfg_case_desc(const struct cfg_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", p->name);
}

KUNIT_ARRAY_PARAM(cfg, cfg_cases, cfg_case_desc);

static void config_check_table(struct kunit *test)
{
	const struct cfg_case *cc = test->param_value;
	struct dwcp_breaker_config c;
	const char *why = NULL;
	int err;

	dwcp_breaker_config_default(&c, 5, SEC(60));
	c.mode = cc->mode;
	switch (cc->field) {
	case CF_MODE:
		c.mode = cc->value;
		break;
	case CF_FLAGS:
		c.flags = cc->value;
		break;
	case CF_MAXF:
		c.max_failures = cc->value;
		break;
	case CF_PERMITS:
		c.half_open_permits = cc->value;
		break;
	case CF_SIZE:
		c.window_size = cc->value;
		break;
	case CF_MIN:
		c.minimum_calls = cc->value;
		break;
	case CF_FRATE:
		c.failure_rate_ppm = cc->value;
		break;
	case CF_SRATE:
		c.slow_rate_ppm = cc->value;
		break;
	case CF_OPEN:
		c.open_duration_ns = cc->value;
		break;
	case CF_WIDTH:
		c.bucket_width_ns = cc->value;
		break;
	default:
		break;
	}
	err = dwcp_breaker_config_check(&c, &why);
	KUNIT_EXPECT_EQ(test, err, cc->err);
	if (cc->err)
		KUNIT_EXPECT_TRUE(test, why && why[0]);
	else
		KUNIT_EXPECT_TRUE(test, !why);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_config_check(&c, NULL), cc->err);
}

/* The DWCP profile: send/receive 5 / 60 s, sync/consensus 3 / 30 s, 3 probes. */
static void config_defaults_dwcp_profile(struct kunit *test)
{
	struct dwcp_breaker_config c;

	dwcp_breaker_config_default(&c, DWCP_BREAKER_SEND_FAILURES, DWCP_BREAKER_SEND_OPEN_NS);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_config_check(&c, NULL), 0);
	KUNIT_EXPECT_EQ(test, c.mode, DWCP_RES_BREAKER_MODE_CONSECUTIVE);
	KUNIT_EXPECT_EQ(test, c.max_failures, 5);
	KUNIT_EXPECT_EQ(test, c.open_duration_ns, SEC(60));
	KUNIT_EXPECT_EQ(test, c.half_open_permits, 3);
	dwcp_breaker_config_default(&c, DWCP_BREAKER_SYNC_FAILURES, DWCP_BREAKER_SYNC_OPEN_NS);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_config_check(&c, NULL), 0);
	KUNIT_EXPECT_EQ(test, c.max_failures, 3);
	KUNIT_EXPECT_EQ(test, c.open_duration_ns, SEC(30));
	/* switching only the mode gives a valid window config */
	c.mode = CW;
	KUNIT_EXPECT_EQ(test, dwcp_breaker_config_check(&c, NULL), 0);
	c.mode = TW;
	KUNIT_EXPECT_EQ(test, dwcp_breaker_config_check(&c, NULL), 0);
	kunit_info(test, "sizeof(struct dwcp_breaker) = %zu, config = %zu, snapshot = %zu\n",
		   sizeof(struct dwcp_breaker), sizeof(struct dwcp_breaker_config),
		   sizeof(struct dwcp_breaker_snapshot));
}

static struct kunit_case dwcp_breaker_test_cases[] = {
	KUNIT_CASE(go_circuit_breaker_normal_operation),
	KUNIT_CASE(go_circuit_breaker_opens_on_failures),
	KUNIT_CASE(go_circuit_breaker_half_open),
	KUNIT_CASE(go_resilience_manager_integration),
	KUNIT_CASE(go_resilience_manager_with_failures),
	KUNIT_CASE_PARAM(defect_2_half_open_admits_exactly_n_probes, permits_gen_params),
	KUNIT_CASE(defect_2_late_closed_result_ignored_in_half_open),
	KUNIT_CASE(defect_2_late_failure_does_not_extend_open),
	KUNIT_CASE(defect_3_failure_rate_trips_where_consecutive_does_not),
	KUNIT_CASE(defect_3_cancelled_and_ignored_never_count),
	KUNIT_CASE(defect_3_minimum_calls),
	KUNIT_CASE(defect_3_slow_call_rate),
	KUNIT_CASE(classify_slow),
	KUNIT_CASE(consecutive_success_zeroes_count),
	KUNIT_CASE(consecutive_slow_is_success_unless_flagged),
	KUNIT_CASE(half_open_any_failure_reopens_and_rearms),
	KUNIT_CASE(half_open_success_closes_fresh),
	KUNIT_CASE(half_open_ignored_releases_permit),
	KUNIT_CASE(half_open_stale_probe_does_not_leak_permit),
	KUNIT_CASE_PARAM(half_open_max_wait, wait_gen_params),
	KUNIT_CASE(half_open_slow_probes_reopen),
	KUNIT_CASE(epoch_bumps_on_every_transition),
	KUNIT_CASE(closed_fast_path_same_as_general),
	KUNIT_CASE(operator_disabled),
	KUNIT_CASE(operator_forced_open),
	KUNIT_CASE(operator_force_rejects_bad_state),
	KUNIT_CASE(reset_clears_counters),
	KUNIT_CASE(reconfigure_keeps_state_and_counters),
	KUNIT_CASE(reconfigure_mode_change_resets_window),
	KUNIT_CASE_PARAM(window_table, window_gen_params),
	KUNIT_CASE(snapshot_live_time_window),
	KUNIT_CASE(clock_backwards_is_harmless),
	KUNIT_CASE_PARAM(config_check_table, cfg_gen_params),
	KUNIT_CASE(config_defaults_dwcp_profile),
	{}
};

static struct kunit_suite dwcp_breaker_test_suite = {
	.name = "dwcp_breaker",
	.test_cases = dwcp_breaker_test_cases,
};

kunit_test_suite(dwcp_breaker_test_suite);
