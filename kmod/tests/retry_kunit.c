// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the retry core (kmod/core/retry.c): full-jitter backoff
 * under one deadline, and the retry budget. Random draws are arguments, so
 * every case is deterministic. selftests/host/test_retry.c runs this same
 * file on the host.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/retry.h"

#define MS	((u64)NSEC_PER_MSEC)
#define SEC	((u64)NSEC_PER_SEC)

static u32 xorshift(u32 *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * The retry loop a caller runs: attempt, and on failure sleep
 * next_delay() and go again. The call succeeds at attempt @succeed_at (0:
 * never). Returns the attempts made; *@ok tells whether it succeeded and
 * *@elapsed the total sleep.
 */
static u32 run_retry(const struct dwcp_retry_config *cfg, u32 succeed_at,
		     u64 deadline, u32 rnd, bool *ok, u64 *elapsed)
{
	u64 now = 0, delay;
	u32 attempt;

	*ok = false;
	for (attempt = 1; ; attempt++) {
		if (attempt == succeed_at) {
			*ok = true;
			break;
		}
		if (!dwcp_retry_next_delay(cfg, attempt, now, deadline, rnd,
					   &delay))
			break;
		now += delay;
	}
	*elapsed = now;
	return attempt;
}

/* 3 retries, fails once: 2 attempts, ok. */
static void go_retry_policy_success(struct kunit *test)
{
	struct dwcp_retry_config cfg = DWCP_RETRY_CONFIG_SEND;
	u64 elapsed;
	bool ok;

	KUNIT_EXPECT_EQ(test, run_retry(&cfg, 2, U64_MAX, 12345, &ok, &elapsed),
			2U);
	KUNIT_EXPECT_TRUE(test, ok);
	KUNIT_EXPECT_LT(test, elapsed, 100 * MS);
}

/* 2 retries, always fails: 3 attempts, an error. */
static void go_retry_policy_max_retries(struct kunit *test)
{
	struct dwcp_retry_config cfg = DWCP_RETRY_CONFIG_SEND;
	u64 elapsed, delay;
	bool ok;

	cfg.max_retries = 2;
	KUNIT_EXPECT_EQ(test, run_retry(&cfg, 0, U64_MAX, U32_MAX, &ok,
					&elapsed), 3U);
	KUNIT_EXPECT_FALSE(test, ok);
	KUNIT_EXPECT_FALSE(test, dwcp_retry_next_delay(&cfg, 3, 0, U64_MAX, 0,
						       &delay));
	KUNIT_EXPECT_FALSE(test, dwcp_retry_next_delay(&cfg, 0, 0, U64_MAX, 0,
						       &delay));
}

/*
 * Exponential backoff: 3 retries, base 10 ms, succeeds on the 3rd attempt.
 * With full jitter the sleeps are U[0, 10 ms) and U[0, 20 ms): "elapsed
 * < 30 ms for every draw, and >= 20 ms with the largest draw" (the top of
 * the range is where the sleeps reach the plain exponential delays).
 */
static void go_exponential_backoff(struct kunit *test)
{
	struct dwcp_retry_config cfg = {
		.max_retries = 3, .mult_permille = 2000,
		.base_ns = 10 * MS, .cap_ns = 10 * SEC,
	};
	u64 elapsed, worst = 0;
	u32 x = 7, i;
	bool ok;

	KUNIT_EXPECT_EQ(test, run_retry(&cfg, 3, U64_MAX, U32_MAX, &ok,
					&elapsed), 3U);
	KUNIT_EXPECT_TRUE(test, ok);
	KUNIT_EXPECT_GE(test, elapsed, 20 * MS);
	KUNIT_EXPECT_LT(test, elapsed, 30 * MS);
	run_retry(&cfg, 3, U64_MAX, 0, &ok, &elapsed);
	KUNIT_EXPECT_EQ(test, elapsed, 0ULL);
	for (i = 0; i < 100; i++) {
		run_retry(&cfg, 3, U64_MAX, xorshift(&x), &ok, &elapsed);
		worst = max(worst, elapsed);
	}
	KUNIT_EXPECT_LT(test, worst, 30 * MS);
}

struct retry_ceiling_case {
	const char *what;
	struct dwcp_retry_config cfg;
	u64 ceiling[6];		/* ms, attempts 1..n; then no more */
};

static const struct retry_ceiling_case retry_ceiling_cases[] = {
	{ "send", DWCP_RETRY_CONFIG_SEND, { 100, 200, 400 } },
	{ "receive", DWCP_RETRY_CONFIG_RECEIVE, { 100, 200, 400 } },
	{ "sync", DWCP_RETRY_CONFIG_SYNC, { 200, 400, 800, 1600, 3200 } },
	{ "consensus", DWCP_RETRY_CONFIG_CONSENSUS,
	  { 500, 1000, 2000, 4000, 8000 } },
	{ "capped", { .max_retries = 6, .mult_permille = 2000,
		      .base_ns = SEC, .cap_ns = 5 * SEC },
	  { 1000, 2000, 4000, 5000, 5000, 5000 } },
	{ "x1.5", { .max_retries = 4, .mult_permille = 1500,
		    .base_ns = 100 * MS, .cap_ns = SEC },
	  { 100, 150, 225, 337 } },
	{ "constant", { .max_retries = 3, .mult_permille = 1000,
			.base_ns = 50 * MS, .cap_ns = 50 * MS },
	  { 50, 50, 50 } },
};

static void retry_ceiling_desc(const struct retry_ceiling_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->what);
}

KUNIT_ARRAY_PARAM(retry_ceiling, retry_ceiling_cases, retry_ceiling_desc);

/* The DWCP profile's backoff ceilings, attempt by attempt. */
static void retry_ceilings(struct kunit *test)
{
	const struct retry_ceiling_case *c = test->param_value;
	u64 delay, ceiling;
	u32 n;

	KUNIT_EXPECT_EQ(test, dwcp_retry_config_check(&c->cfg, NULL), 0);
	for (n = 1; n <= c->cfg.max_retries; n++) {
		ceiling = dwcp_retry_ceiling(&c->cfg, n);
		KUNIT_EXPECT_EQ(test, div64_u64(ceiling, MS), c->ceiling[n - 1]);
		KUNIT_EXPECT_TRUE(test, dwcp_retry_next_delay(&c->cfg, n, 0,
							      U64_MAX, U32_MAX,
							      &delay));
		KUNIT_EXPECT_LT(test, delay, ceiling);
		KUNIT_EXPECT_GE(test, delay, ceiling - (ceiling >> 31) - 1);
	}
	KUNIT_EXPECT_FALSE(test, dwcp_retry_next_delay(&c->cfg, n, 0, U64_MAX,
						       0, &delay));
}

/*
 * Jitter within the cap: jitter added after the cap would let a sleep
 * reach 1.1 x the cap. Every sleep here is below its ceiling, hence below
 * the cap, for any draw, any attempt, even where the ceiling saturates.
 */
static void defect_8_jitter_within_cap(struct kunit *test)
{
	static const struct dwcp_retry_config cfgs[] = {
		DWCP_RETRY_CONFIG_SEND, DWCP_RETRY_CONFIG_SYNC,
		DWCP_RETRY_CONFIG_CONSENSUS,
		{ .max_retries = 1000, .mult_permille = DWCP_RETRY_MAX_MULT,
		  .base_ns = U64_MAX / 2, .cap_ns = U64_MAX },
		{ .max_retries = 200, .mult_permille = 1001,
		  .base_ns = MS, .cap_ns = U64_MAX },
		{ .max_retries = 4, .mult_permille = 2000,
		  .base_ns = 5 * SEC, .cap_ns = 5 * SEC },
	};
	u32 fixed[] = { 0, 1, U32_MAX / 2, U32_MAX - 1, U32_MAX };
	u32 x = 99, i, k, n, bad = 0;
	u64 delay, ceiling;

	for (i = 0; i < ARRAY_SIZE(cfgs); i++) {
		for (n = 1; n <= cfgs[i].max_retries; n++) {
			ceiling = dwcp_retry_ceiling(&cfgs[i], n);
			if (ceiling > cfgs[i].cap_ns)
				bad++;
			for (k = 0; k < ARRAY_SIZE(fixed) + 20; k++) {
				u32 r = k < ARRAY_SIZE(fixed) ? fixed[k] :
					xorshift(&x);

				if (!dwcp_retry_next_delay(&cfgs[i], n, 0,
							   U64_MAX, r, &delay) ||
				    delay >= ceiling)
					bad++;
			}
		}
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
	/* Already at the cap (5 s): the sleep stays < 5 s, never 5.5. */
	KUNIT_EXPECT_TRUE(test, dwcp_retry_next_delay(&cfgs[5], 4, 0, U64_MAX,
						      U32_MAX, &delay));
	KUNIT_EXPECT_LT(test, delay, 5 * SEC);
	KUNIT_EXPECT_EQ(test, dwcp_retry_ceiling(&cfgs[3], 1000), U64_MAX);
}

/*
 * Full jitter: sleeps all within [d, 1.1 d) would make clients that failed
 * together retry together. Full jitter spreads them over [0, d): with evenly
 * spread draws the sleeps cover the whole range, mean d / 2.
 */
static void defect_8_full_jitter_spread(struct kunit *test)
{
	struct dwcp_retry_config cfg = DWCP_RETRY_CONFIG_SEND;
	u64 delay, sum = 0, lo = U64_MAX, hi = 0;
	u32 i;

	for (i = 0; i < 1000; i++) {
		u32 r = (u32)div_u64((u64)i * U32_MAX, 999);

		KUNIT_ASSERT_TRUE(test, dwcp_retry_next_delay(&cfg, 3, 0,
							      U64_MAX, r,
							      &delay));
		sum += delay;
		lo = min(lo, delay);
		hi = max(hi, delay);
	}
	/* ceiling 400 ms */
	KUNIT_EXPECT_EQ(test, lo, 0ULL);
	KUNIT_EXPECT_GT(test, hi, 399 * MS);
	KUNIT_EXPECT_LT(test, hi, 400 * MS);
	KUNIT_EXPECT_GT(test, div_u64(sum, 1000), 195 * MS);
	KUNIT_EXPECT_LT(test, div_u64(sum, 1000), 205 * MS);
	/* Sleeps are not bunched near 400 ms: half the draws are below 200. */
	KUNIT_EXPECT_TRUE(test, dwcp_retry_next_delay(&cfg, 3, 0, U64_MAX,
						      U32_MAX / 2, &delay));
	KUNIT_EXPECT_LT(test, delay, 200 * MS + 1);
}

/* One deadline for the whole sequence: no sleep may cross it. */
static void retry_deadline(struct kunit *test)
{
	struct dwcp_retry_config cfg = DWCP_RETRY_CONFIG_SEND;
	u64 delay = 0, elapsed;
	bool ok;

	/* Draw U32_MAX / 2: about half the 100 ms ceiling. */
	KUNIT_EXPECT_TRUE(test, dwcp_retry_next_delay(&cfg, 1, SEC, U64_MAX,
						      U32_MAX / 2, &delay));
	KUNIT_EXPECT_TRUE(test, dwcp_retry_next_delay(&cfg, 1, SEC,
						      SEC + delay,
						      U32_MAX / 2, &delay));
	KUNIT_EXPECT_FALSE(test, dwcp_retry_next_delay(&cfg, 1, SEC,
						       SEC + delay - 1,
						       U32_MAX / 2, &delay));
	/* Already past the deadline: even a zero sleep is refused. */
	KUNIT_EXPECT_FALSE(test, dwcp_retry_next_delay(&cfg, 1, SEC + 1, SEC,
						       0, &delay));
	KUNIT_EXPECT_TRUE(test, dwcp_retry_next_delay(&cfg, 1, SEC, SEC, 0,
						      &delay));
	/* Near the end of time, no wrap-around. */
	KUNIT_EXPECT_FALSE(test, dwcp_retry_next_delay(&cfg, 1, U64_MAX - 5,
						       U64_MAX, U32_MAX,
						       &delay));
	/* The sequence stops early: ~100 ms, then ~200 ms would cross 250. */
	KUNIT_EXPECT_EQ(test, run_retry(&cfg, 0, 250 * MS, U32_MAX, &ok,
					&elapsed), 2U);
	KUNIT_EXPECT_FALSE(test, ok);
	KUNIT_EXPECT_LE(test, elapsed, 250 * MS);
}

struct retry_bad_case {
	const char *what;
	struct dwcp_retry_config cfg;
	int err;
};

static const struct retry_bad_case retry_bad_cases[] = {
	{ "send", DWCP_RETRY_CONFIG_SEND, 0 },
	{ "no retries", { .max_retries = 0, .mult_permille = 1000,
			  .base_ns = 1, .cap_ns = 1 }, 0 },
	{ "base 0", { .max_retries = 3, .mult_permille = 2000,
		      .base_ns = 0, .cap_ns = SEC }, -EINVAL },
	{ "cap below base", { .max_retries = 3, .mult_permille = 2000,
			      .base_ns = SEC, .cap_ns = MS }, -EINVAL },
	{ "mult below 1.0", { .max_retries = 3, .mult_permille = 999,
			      .base_ns = MS, .cap_ns = SEC }, -EINVAL },
	{ "mult too large", { .max_retries = 3, .mult_permille = 1000001,
			      .base_ns = MS, .cap_ns = SEC }, -ERANGE },
	{ "too many retries", { .max_retries = 1001, .mult_permille = 2000,
				.base_ns = MS, .cap_ns = SEC }, -ERANGE },
};

static void retry_bad_desc(const struct retry_bad_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->what);
}

KUNIT_ARRAY_PARAM(retry_bad, retry_bad_cases, retry_bad_desc);

static void retry_config_check(struct kunit *test)
{
	const struct retry_bad_case *c = test->param_value;
	const char *why = NULL;

	KUNIT_EXPECT_EQ(test, dwcp_retry_config_check(&c->cfg, &why), c->err);
	KUNIT_EXPECT_EQ(test, !!why, !!c->err);
}

/* Envoy's budget: max(min_concurrency, 20 % of active calls). */
static void retry_budget_limit(struct kunit *test)
{
	struct dwcp_retry_budget_config cfg = DWCP_RETRY_BUDGET_CONFIG_DEFAULT;
	struct dwcp_retry_budget rb;
	int i;

	KUNIT_ASSERT_EQ(test, dwcp_retry_budget_init(&rb, &cfg, NULL), 0);
	KUNIT_EXPECT_EQ(test, dwcp_retry_budget_limit(&rb, 0), 3U);
	KUNIT_EXPECT_EQ(test, dwcp_retry_budget_limit(&rb, 10), 3U);
	KUNIT_EXPECT_EQ(test, dwcp_retry_budget_limit(&rb, 100), 20U);
	KUNIT_EXPECT_EQ(test, dwcp_retry_budget_limit(&rb, U32_MAX),
			858993459U);
	for (i = 0; i < 20; i++)
		KUNIT_EXPECT_TRUE(test, dwcp_retry_budget_acquire(&rb, 100));
	KUNIT_EXPECT_FALSE(test, dwcp_retry_budget_acquire(&rb, 100));
	/* Load falls: the 20 keep flying, no new retry until below 3. */
	KUNIT_EXPECT_FALSE(test, dwcp_retry_budget_acquire(&rb, 10));
	for (i = 0; i < 17; i++)
		dwcp_retry_budget_release(&rb);
	KUNIT_EXPECT_FALSE(test, dwcp_retry_budget_acquire(&rb, 10));
	dwcp_retry_budget_release(&rb);
	KUNIT_EXPECT_TRUE(test, dwcp_retry_budget_acquire(&rb, 10));
	KUNIT_EXPECT_EQ(test, rb.granted, 21ULL);
	KUNIT_EXPECT_EQ(test, rb.denied, 3ULL);

	/* Reconfigure keeps what is in flight. */
	cfg.budget_permille = 1000;
	cfg.min_concurrency = 0;
	KUNIT_EXPECT_EQ(test, dwcp_retry_budget_reconfigure(&rb, &cfg, NULL), 0);
	KUNIT_EXPECT_EQ(test, rb.in_flight, 3U);
	KUNIT_EXPECT_FALSE(test, dwcp_retry_budget_acquire(&rb, 3));
	KUNIT_EXPECT_TRUE(test, dwcp_retry_budget_acquire(&rb, 4));
	cfg.budget_permille = 1001;
	KUNIT_EXPECT_EQ(test, dwcp_retry_budget_reconfigure(&rb, &cfg, NULL),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, rb.cfg.budget_permille, 1000U);
	/* Stray releases do not underflow. */
	for (i = 0; i < 10; i++)
		dwcp_retry_budget_release(&rb);
	KUNIT_EXPECT_EQ(test, rb.in_flight, 0U);
	/* Both zero: retries are off. */
	cfg.budget_permille = 0;
	KUNIT_EXPECT_EQ(test, dwcp_retry_budget_reconfigure(&rb, &cfg, NULL), 0);
	KUNIT_EXPECT_FALSE(test, dwcp_retry_budget_acquire(&rb, 1000));
}

/*
 * Retry budget (Envoy #30205): retries sleeping in backoff hold their budget.
 * 10 calls fail at once; the budget (max(3, 2)) lets 3 retries into backoff
 * and refuses the other 7 even though no retry attempt is running yet; a slot
 * comes back only when a retry completes.
 */
static void defect_8_budget_counts_backoff_waiters(struct kunit *test)
{
	struct dwcp_retry_budget_config cfg = DWCP_RETRY_BUDGET_CONFIG_DEFAULT;
	struct dwcp_retry_budget rb;
	u32 granted = 0, i;

	KUNIT_ASSERT_EQ(test, dwcp_retry_budget_init(&rb, &cfg, NULL), 0);
	for (i = 0; i < 10; i++)
		granted += dwcp_retry_budget_acquire(&rb, 10);
	KUNIT_EXPECT_EQ(test, granted, 3U);
	KUNIT_EXPECT_EQ(test, rb.in_flight, 3U);
	KUNIT_EXPECT_EQ(test, rb.denied, 7ULL);
	/* Still sleeping: nothing returns by itself. */
	KUNIT_EXPECT_FALSE(test, dwcp_retry_budget_acquire(&rb, 10));
	dwcp_retry_budget_release(&rb);		/* one retry's attempt done */
	KUNIT_EXPECT_TRUE(test, dwcp_retry_budget_acquire(&rb, 10));
}

static struct kunit_case dwcp_retry_test_cases[] = {
	KUNIT_CASE(go_retry_policy_success),
	KUNIT_CASE(go_retry_policy_max_retries),
	KUNIT_CASE(go_exponential_backoff),
	KUNIT_CASE_PARAM(retry_ceilings, retry_ceiling_gen_params),
	KUNIT_CASE(defect_8_jitter_within_cap),
	KUNIT_CASE(defect_8_full_jitter_spread),
	KUNIT_CASE(retry_deadline),
	KUNIT_CASE_PARAM(retry_config_check, retry_bad_gen_params),
	KUNIT_CASE(retry_budget_limit),
	KUNIT_CASE(defect_8_budget_counts_backoff_waiters),
	{}
};

static struct kunit_suite dwcp_retry_test_suite = {
	.name = "dwcp_retry",
	.test_cases = dwcp_retry_test_cases,
};

kunit_test_suite(dwcp_retry_test_suite);
