// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the nanosecond token bucket (kmod/core/tb.c), with a fake
 * clock. selftests/host/test_tb.c runs this same file on the host.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/tb.h"

#define MS	((u64)NSEC_PER_MSEC)
#define SEC	((u64)NSEC_PER_SEC)
#define T0	(1000 * SEC)	/* the fake clock starts far from 0 */

static void tb_setup(struct kunit *test, struct dwcp_tb *tb, u64 rate,
		     u32 burst, u64 byte_rate, u32 burst_bytes)
{
	struct dwcp_tb_config cfg = {
		.rate = rate, .burst = burst,
		.byte_rate = byte_rate, .burst_bytes = burst_bytes,
	};
	const char *why = NULL;

	KUNIT_ASSERT_EQ(test, dwcp_tb_init(tb, &cfg, T0, &why), 0);
}

/* 10/s burst 5: the first call is admitted. */
static void go_rate_limiter_basic(struct kunit *test)
{
	struct dwcp_tb tb;
	int i;

	tb_setup(test, &tb, 10, 5, 0, 0);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 0));
	/* ...and exactly the burst goes at once. */
	for (i = 1; i < 5; i++)
		KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_EQ(test, tb.admitted, 5ULL);
	KUNIT_EXPECT_EQ(test, tb.rejected, 1ULL);
}

/* 1/s burst 1: the 2nd call at once is rejected. */
static void go_rate_limiter_exceeds_limit(struct kunit *test)
{
	struct dwcp_tb tb;

	tb_setup(test, &tb, 1, 1, 0, 0);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, T0 + SEC - 1, 0));
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0 + SEC, 0));
}

/*
 * Rates below one call a second are enforced as given: 0.5/s admits one
 * call every 2 s, 0.25/s one every 4 s, over a long run too; a rate in
 * thousandths that is a whole number costs exactly what that rate costs.
 */
static void tb_fractional_rate(struct kunit *test)
{
	struct dwcp_tb_config cfg = { .rate = 1, .mrate = 500, .burst = 1 };
	struct dwcp_tb tb, whole;
	const char *why = NULL;
	u64 now = T0, n = 0;

	KUNIT_ASSERT_EQ(test, dwcp_tb_init(&tb, &cfg, T0, &why), 0);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, now, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, now + SEC, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, now + 2 * SEC - 1, 0));
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, now + 2 * SEC, 0));
	/* An hour at 0.25/s, asked every 100 ms: 900 calls, one burst more. */
	cfg.mrate = 250;
	KUNIT_ASSERT_EQ(test, dwcp_tb_init(&tb, &cfg, T0, &why), 0);
	for (now = T0; now <= T0 + 3600 * SEC; now += 100 * MS)
		n += dwcp_tb_admit(&tb, now, 0);
	KUNIT_EXPECT_EQ(test, n, 901ULL);
	/* mrate 7000 is rate 7 to the last fixed-point bit. */
	cfg.mrate = 7000;
	KUNIT_ASSERT_EQ(test, dwcp_tb_init(&tb, &cfg, T0, &why), 0);
	cfg.mrate = 0;
	cfg.rate = 7;
	KUNIT_ASSERT_EQ(test, dwcp_tb_init(&whole, &cfg, T0, &why), 0);
	KUNIT_EXPECT_EQ(test, tb.call_cost, whole.call_cost);
	KUNIT_EXPECT_EQ(test, tb.depth, whole.depth);
}

struct tb_rate_case {
	u64 rate;
	u32 burst;
	u64 seconds;
};

static const struct tb_rate_case tb_rate_cases[] = {
	{ 1, 1, 100 }, { 3, 1, 100 }, { 7, 5, 100 }, { 10, 5, 60 },
	{ 1000, 1000, 20 }, { 99991, 10, 1 },
};

static void tb_rate_desc(const struct tb_rate_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "rate %llu burst %u over %llu s",
		 (unsigned long long)c->rate, c->burst,
		 (unsigned long long)c->seconds);
}

KUNIT_ARRAY_PARAM(tb_rate, tb_rate_cases, tb_rate_desc);

/*
 * Long-run accuracy: a greedy waiter that sleeps exactly until
 * dwcp_tb_next_admit() gets burst + rate * seconds calls (one less at most:
 * costs round up, the limiter is never faster than configured), and each
 * wake-up is admitted (the time is exact, nobody needs to poll).
 */
static void tb_long_run_rate(struct kunit *test)
{
	const struct tb_rate_case *c = test->param_value;
	u64 end = T0 + c->seconds * SEC, now = T0, n = 0, want;
	struct dwcp_tb tb;
	bool all_ok = true;

	tb_setup(test, &tb, c->rate, c->burst, 0, 0);
	for (;;) {
		now = dwcp_tb_next_admit(&tb, now, 0);
		if (now > end)
			break;
		all_ok &= dwcp_tb_admit(&tb, now, 0);
		n++;
	}
	want = c->burst + c->rate * c->seconds;
	KUNIT_EXPECT_TRUE(test, all_ok);
	KUNIT_EXPECT_LE(test, n, want);
	KUNIT_EXPECT_GE(test, n + 1, want);
}

/* Arrivals at pseudo-random gaps: burst + rate * seconds, minus < 2. */
static void tb_long_run_random_arrivals(struct kunit *test)
{
	const struct tb_rate_case *c = test->param_value;
	u64 end = T0 + c->seconds * SEC, now = T0, n = 0, want;
	u64 gap = div64_u64(SEC, c->rate) / 2 + 1;
	u32 burst = max_t(u32, c->burst, 2);
	u32 x = 2463534242U;
	struct dwcp_tb tb;

	/*
	 * One call per arrival, arrivals at most half a cost apart: the
	 * bucket never overflows once the first burst is spent (with burst 1
	 * it would, and clamping is what a token bucket is for).
	 */
	tb_setup(test, &tb, c->rate, burst, 0, 0);
	while (now <= end) {
		if (dwcp_tb_admit(&tb, now, 0))
			n++;
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		now += 1 + x % gap;
	}
	want = burst + c->rate * c->seconds;
	KUNIT_EXPECT_LE(test, n, want);
	KUNIT_EXPECT_GE(test, n + 2, want);
}

/*
 * Fractional refill is kept. A bucket that adds whole tokens per elapsed
 * period and drops the remainder, polled every 150 ms at 10/s, would refill
 * one token per poll (6.7/s). Here the 50 ms remainders are kept:
 * 3 + 10 * 30 calls in 30 s.
 */
static void defect_7_fractional_refill(struct kunit *test)
{
	struct dwcp_tb tb;
	u64 now, n = 0;

	tb_setup(test, &tb, 10, 3, 0, 0);
	for (now = T0; now <= T0 + 30 * SEC; now += 150 * MS)
		while (dwcp_tb_admit(&tb, now, 0))
			n++;
	KUNIT_EXPECT_EQ(test, n, 303ULL);
}

/* An idle bucket refills to its burst and no further, even after ages. */
static void tb_burst_clamp(struct kunit *test)
{
	struct dwcp_tb tb;
	u64 later[] = { T0 + 3600 * SEC, 1ULL << 62, U64_MAX };
	unsigned int i;
	int k;

	tb_setup(test, &tb, 100, 4, 0, 0);
	for (i = 0; i < ARRAY_SIZE(later); i++) {
		for (k = 0; k < 4; k++)
			KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, later[i], 0));
		KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, later[i], 0));
	}
	KUNIT_EXPECT_EQ(test, tb.admitted, 12ULL);
}

struct tb_next_case {
	u64 rate;
	u64 byte_rate;
	u32 len;
};

static const struct tb_next_case tb_next_cases[] = {
	{ 1, 0, 0 }, { 3, 0, 0 }, { 10, 0, 0 }, { 7919, 0, 0 },
	{ 1000, 1000000, 1500 }, { 3, 7, 5 },
};

static void tb_next_desc(const struct tb_next_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "rate %llu bytes/s %llu len %u",
		 (unsigned long long)c->rate,
		 (unsigned long long)c->byte_rate, c->len);
}

KUNIT_ARRAY_PARAM(tb_next, tb_next_cases, tb_next_desc);

/* next_admit is exact: refused 1 ns before it, admitted at it. */
static void tb_next_admit_exact(struct kunit *test)
{
	const struct tb_next_case *c = test->param_value;
	struct dwcp_tb tb;
	u64 t, expect;
	int i;

	tb_setup(test, &tb, c->rate, 1, c->byte_rate, c->byte_rate ? c->len : 0);
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, c->len), T0);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, c->len));
	/* ceil of the cost in ns */
	expect = T0 + ((dwcp_tb_cost(&tb, c->len) + 0xffff) >> 16);
	for (i = 0; i < 3; i++) {
		t = dwcp_tb_next_admit(&tb, T0, c->len);
		if (!i)
			KUNIT_EXPECT_EQ(test, t, expect);
		KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, t - 1, c->len));
		KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, t - 1, c->len), t);
		KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, t, c->len));
	}
}

/* 1000 calls/s + 1 MB/s: a call of len bytes costs 1 ms + len us. */
static void tb_per_byte_cost(struct kunit *test)
{
	bool all_ok = true;
	struct dwcp_tb tb;
	u64 now = T0, n = 0;

	tb_setup(test, &tb, 1000, 1, 1000000, 1000);
	KUNIT_EXPECT_EQ(test, tb.depth, 2 * MS << 16);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 1000));
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, 0), T0 + MS);
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, 1000), T0 + 2 * MS);
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, 500), T0 + 1500000);
	/*
	 * Greedy 1500-byte calls cost 2.5 ms, more than the 2 ms depth: each
	 * goes when the bucket is full, the first at +2 ms, then every 2.5 ms.
	 */
	for (;;) {
		now = dwcp_tb_next_admit(&tb, now, 1500);
		if (now > T0 + 10 * SEC)
			break;
		all_ok &= dwcp_tb_admit(&tb, now, 1500);
		n++;
	}
	KUNIT_EXPECT_TRUE(test, all_ok);
	KUNIT_EXPECT_EQ(test, n, 4000ULL);
}

/*
 * A call costing more than the whole depth is admitted once the bucket is
 * full and leaves a debt, so large writes are neither stuck forever nor
 * free: at 1000 B/s, 10 kB costs 10 s.
 */
static void tb_oversize_call_debt(struct kunit *test)
{
	struct dwcp_tb tb;

	tb_setup(test, &tb, 1000, 1, 1000, 0);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 10000));
	KUNIT_EXPECT_EQ(test, dwcp_tb_tokens_ns(&tb, T0), -10LL * (s64)SEC);
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, T0 + 5 * SEC, 0));
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, 0), T0 + 10 * SEC + MS);
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, 10000),
			T0 + 10 * SEC + MS);
	/* A huge length saturates the cost instead of wrapping. */
	KUNIT_EXPECT_EQ(test, dwcp_tb_cost(&tb, U32_MAX), DWCP_TB_MAX_FP);
}

/* Waiters reserve a slot, are told when to go, and can take it back. */
static void tb_reserve_and_cancel(struct kunit *test)
{
	struct dwcp_tb tb;
	u64 when = 0;

	tb_setup(test, &tb, 1, 1, 0, 0);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_TRUE(test, dwcp_tb_reserve(&tb, T0, 0, U64_MAX, &when));
	KUNIT_EXPECT_EQ(test, when, T0 + SEC);
	/* The next waiter queues behind the first one... */
	KUNIT_EXPECT_FALSE(test, dwcp_tb_reserve(&tb, T0, 0, T0 + SEC, &when));
	KUNIT_EXPECT_EQ(test, when, T0 + 2 * SEC);
	KUNIT_EXPECT_EQ(test, tb.rejected, 1ULL);
	/* ...and a refused reservation charged nothing. */
	KUNIT_EXPECT_TRUE(test, dwcp_tb_reserve(&tb, T0, 0, T0 + 2 * SEC, &when));
	KUNIT_EXPECT_EQ(test, when, T0 + 2 * SEC);
	/* Nobody jumps the reservations. */
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, T0 + SEC, 0));
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, 0), T0 + 3 * SEC);
	/* The second waiter gives up: its credit comes back. */
	dwcp_tb_cancel(&tb, T0, 0);
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, 0), T0 + 2 * SEC);
	dwcp_tb_cancel(&tb, T0, 0);
	dwcp_tb_cancel(&tb, T0, 0);
	/* Refunds never overfill the bucket. */
	KUNIT_EXPECT_EQ(test, dwcp_tb_tokens_ns(&tb, T0), (s64)SEC);
}

/* Reconfigure keeps the fill level in calls: no free burst. */
static void tb_reconfigure_keeps_fill(struct kunit *test)
{
	struct dwcp_tb_config cfg = { .rate = 100, .burst = 100 };
	const char *why = NULL;
	struct dwcp_tb tb;
	int i;

	tb_setup(test, &tb, 10, 10, 0, 0);
	for (i = 0; i < 10; i++)
		KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_EQ(test, dwcp_tb_reconfigure(&tb, &cfg, T0, &why), 0);
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, 0), T0 + 10 * MS);
	KUNIT_EXPECT_EQ(test, tb.admitted, 10ULL);

	/* 4 calls left at 10/s are 4 calls at 20/s. */
	tb_setup(test, &tb, 10, 10, 0, 0);
	for (i = 0; i < 6; i++)
		KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 0));
	cfg.rate = 20;
	cfg.burst = 10;
	KUNIT_EXPECT_EQ(test, dwcp_tb_reconfigure(&tb, &cfg, T0, &why), 0);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, T0, 0));

	/* A smaller burst clamps the fill. */
	tb_setup(test, &tb, 10, 10, 0, 0);
	cfg.rate = 10;
	cfg.burst = 2;
	KUNIT_EXPECT_EQ(test, dwcp_tb_reconfigure(&tb, &cfg, T0, &why), 0);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, T0, 0));

	/* A bad config leaves the bucket alone. */
	cfg.rate = 0;
	KUNIT_EXPECT_EQ(test, dwcp_tb_reconfigure(&tb, &cfg, T0, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, tb.cfg.rate, 10ULL);
	KUNIT_EXPECT_EQ(test, tb.cfg.burst, 2U);
}

struct tb_bad_case {
	const char *what;
	struct dwcp_tb_config cfg;
	int err;
};

static const struct tb_bad_case tb_bad_cases[] = {
	{ "ok", { .rate = 10, .burst = 5 }, 0 },
	{ "rate 0", { .rate = 0, .burst = 5 }, -EINVAL },
	{ "burst 0", { .rate = 10, .burst = 0 }, -EINVAL },
	{ "burst_bytes without byte_rate",
	  { .rate = 10, .burst = 1, .burst_bytes = 10 }, -EINVAL },
	{ "depth above 2^46 ns", { .rate = 1, .burst = 100000 }, -ERANGE },
	{ "burst * cost overflows",
	  { .rate = 1, .burst = 1, .byte_rate = 1, .burst_bytes = U32_MAX },
	  -EOVERFLOW },
	{ "rate above 2^16/ns", { .rate = U64_MAX, .burst = 1 }, -ERANGE },
	{ "largest rate", { .rate = (u64)NSEC_PER_SEC << 16, .burst = U32_MAX },
	  0 },
};

static void tb_bad_desc(const struct tb_bad_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->what);
}

KUNIT_ARRAY_PARAM(tb_bad, tb_bad_cases, tb_bad_desc);

/* Overflow-checked config with a reason (nft_limit, CVE-2024-26668). */
static void tb_config_check(struct kunit *test)
{
	const struct tb_bad_case *c = test->param_value;
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, dwcp_tb_config_check(&c->cfg, &why), c->err);
	if (c->err)
		KUNIT_EXPECT_TRUE(test, !!why);
	else
		KUNIT_EXPECT_TRUE(test, !why);
}

/* A stale `now` (taken before the lock) neither refills nor breaks. */
static void tb_clock_backwards(struct kunit *test)
{
	struct dwcp_tb tb;

	tb_setup(test, &tb, 1, 1, 0, 0);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0 + 10 * SEC, 0));
	KUNIT_EXPECT_FALSE(test, dwcp_tb_admit(&tb, T0, 0));
	KUNIT_EXPECT_EQ(test, tb.last, T0 + 10 * SEC);
	KUNIT_EXPECT_EQ(test, dwcp_tb_next_admit(&tb, T0, 0), T0 + 11 * SEC);
	KUNIT_EXPECT_TRUE(test, dwcp_tb_admit(&tb, T0 + 11 * SEC, 0));
}

static struct kunit_case dwcp_tb_test_cases[] = {
	KUNIT_CASE(go_rate_limiter_basic),
	KUNIT_CASE(go_rate_limiter_exceeds_limit),
	KUNIT_CASE(defect_7_fractional_refill),
	KUNIT_CASE_PARAM(tb_long_run_rate, tb_rate_gen_params),
	KUNIT_CASE_PARAM(tb_long_run_random_arrivals, tb_rate_gen_params),
	KUNIT_CASE(tb_burst_clamp),
	KUNIT_CASE_PARAM(tb_next_admit_exact, tb_next_gen_params),
	KUNIT_CASE(tb_per_byte_cost),
	KUNIT_CASE(tb_oversize_call_debt),
	KUNIT_CASE(tb_reserve_and_cancel),
	KUNIT_CASE(tb_reconfigure_keeps_fill),
	KUNIT_CASE(tb_fractional_rate),
	KUNIT_CASE_PARAM(tb_config_check, tb_bad_gen_params),
	KUNIT_CASE(tb_clock_backwards),
	{}
};

static struct kunit_suite dwcp_tb_test_suite = {
	.name = "dwcp_tb",
	.test_cases = dwcp_tb_test_cases,
};

kunit_test_suite(dwcp_tb_test_suite);
