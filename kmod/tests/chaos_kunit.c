// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the chaos dice (kmod/core/chaos.c). Deterministic: every
 * dice is seeded. selftests/host/test_chaos.c runs this same file on the host.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/chaos.h"

#define T_MS	((u64)NSEC_PER_MSEC)

static void dice_setup(struct dwcp_chaos *c, u32 kind, u32 ppm, u64 lo,
		       u64 hi, u64 seed)
{
	struct dwcp_chaos_config cfg;

	dwcp_chaos_config_default(&cfg, kind);
	cfg.probability_ppm = ppm;
	cfg.value_min = lo;
	cfg.value_max = hi;
	cfg.seed = seed;
	dwcp_chaos_init(c, &cfg);
}

/* Probability 1 but not enabled: nothing is injected. */
static void go_chaos_monkey_disabled(struct kunit *test)
{
	struct dwcp_chaos c;
	u64 v = 0;
	int i;

	dice_setup(&c, DWCP_RES_FAULT_ERROR, DWCP_CHAOS_PPM, EIO, EIO, 1);
	for (i = 0; i < 1000; i++)
		KUNIT_EXPECT_FALSE(test, dwcp_chaos_should_fail(&c, &v));
	KUNIT_EXPECT_EQ(test, c.checks, 1000ULL);
	KUNIT_EXPECT_EQ(test, c.injections, 0ULL);
	KUNIT_EXPECT_EQ(test, v, 0ULL);
	/* enabled with probability 0: never either */
	c.cfg.probability_ppm = 0;
	dwcp_chaos_enable(&c, true);
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_should_fail(&c, &v));
}

/* A latency fault of 50-100 ms at probability 1: always within the range. */
static void go_chaos_monkey_latency_fault(struct kunit *test)
{
	struct dwcp_chaos c;
	u64 v;
	int i;

	dice_setup(&c, DWCP_RES_FAULT_LATENCY, DWCP_CHAOS_PPM, 50 * T_MS,
		   100 * T_MS, 2);
	dwcp_chaos_enable(&c, true);
	for (i = 0; i < 1000; i++) {
		v = 0;
		KUNIT_EXPECT_TRUE(test, dwcp_chaos_should_fail(&c, &v));
		KUNIT_EXPECT_GE(test, v, 50 * T_MS);
		KUNIT_EXPECT_LE(test, v, 100 * T_MS);
	}
	KUNIT_EXPECT_EQ(test, c.injections, 1000ULL);
}

/* An error fault at probability 1: always an error. */
static void go_chaos_monkey_error_fault(struct kunit *test)
{
	struct dwcp_chaos c;
	u64 v;
	int i;

	dice_setup(&c, DWCP_RES_FAULT_ERROR, DWCP_CHAOS_PPM, EIO, ETIMEDOUT, 3);
	dwcp_chaos_enable(&c, true);
	for (i = 0; i < 1000; i++) {
		KUNIT_EXPECT_TRUE(test, dwcp_chaos_should_fail(&c, &v));
		KUNIT_EXPECT_GE(test, v, (u64)EIO);
		KUNIT_EXPECT_LE(test, v, (u64)ETIMEDOUT);
	}
}

struct dist_case {
	u32 ppm;
	u32 tol;	/* about 5 standard deviations over 10^6 draws */
};

static const struct dist_case dist_cases[] = {
	{ 0,		0 },
	{ 1000,		160 },
	{ 10000,	500 },
	{ 100000,	1500 },
	{ 500000,	2500 },
	{ 999999,	5 },
	{ 1000000,	0 },
};

static void dist_desc(const struct dist_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u ppm", c->ppm);
}

KUNIT_ARRAY_PARAM(dist, dist_cases, dist_desc);

/* The hit rate over 10^6 draws is the configured probability. */
static void chaos_distribution(struct kunit *test)
{
	const struct dist_case *c = test->param_value;
	struct dwcp_chaos d;
	u32 i, hits = 0, lo, hi;

	dice_setup(&d, DWCP_RES_FAULT_LATENCY, c->ppm, 0, 0, 0xdecafbad);
	dwcp_chaos_enable(&d, true);
	for (i = 0; i < 1000000; i++)
		hits += dwcp_chaos_should_fail(&d, NULL);
	lo = c->ppm > c->tol ? c->ppm - c->tol : 0;
	hi = c->ppm + c->tol;
	KUNIT_EXPECT_GE(test, hits, lo);
	KUNIT_EXPECT_LE(test, hits, hi);
	KUNIT_EXPECT_EQ(test, d.injections, (u64)hits);
	KUNIT_EXPECT_EQ(test, d.checks, 1000000ULL);
}

/*
 * One draw per fault: the DWCP error fault fires at its one configured
 * rate, 10 %, not at a product of several draws (a global 1 %, a pick of
 * one fault in 3, then 10 %).
 */
static void defect_chaos_double_sampling(struct kunit *test)
{
	struct dwcp_chaos_config cfg;
	struct dwcp_chaos c;
	u32 i, hits = 0;

	dwcp_chaos_config_default(&cfg, DWCP_RES_FAULT_ERROR);
	KUNIT_EXPECT_EQ(test, cfg.probability_ppm, 100000U);
	cfg.seed = 7;
	dwcp_chaos_init(&c, &cfg);
	dwcp_chaos_enable(&c, true);
	for (i = 0; i < 100000; i++)
		hits += dwcp_chaos_should_fail(&c, NULL);
	KUNIT_EXPECT_GE(test, hits, 9500U);
	KUNIT_EXPECT_LE(test, hits, 10500U);
}

/* fault_attr's interval: only every Nth eligible call may fail. */
static void chaos_interval(struct kunit *test)
{
	struct dwcp_chaos c;
	u32 i;

	dice_setup(&c, DWCP_RES_FAULT_TIMEOUT, DWCP_CHAOS_PPM, 1, 1, 4);
	c.cfg.interval = 3;
	dwcp_chaos_enable(&c, true);
	for (i = 1; i <= 30; i++)
		KUNIT_EXPECT_EQ(test, dwcp_chaos_should_fail(&c, NULL),
				i % 3 == 0);
	KUNIT_EXPECT_EQ(test, c.injections, 10ULL);
	/* a disabled dice does not advance the interval */
	dwcp_chaos_enable(&c, false);
	dwcp_chaos_should_fail(&c, NULL);
	dwcp_chaos_enable(&c, true);
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_should_fail(&c, NULL));
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_should_fail(&c, NULL));
	KUNIT_EXPECT_TRUE(test, dwcp_chaos_should_fail(&c, NULL));
}

/* fault_attr's times: injections left, -1 unlimited, 0 none. */
static void chaos_times(struct kunit *test)
{
	struct dwcp_chaos_config cfg;
	struct dwcp_chaos c;
	u32 i, hits = 0;

	dwcp_chaos_config_default(&cfg, DWCP_RES_FAULT_PARTITION);
	cfg.probability_ppm = DWCP_CHAOS_PPM;
	cfg.times = 2;
	dwcp_chaos_init(&c, &cfg);
	dwcp_chaos_enable(&c, true);
	for (i = 0; i < 100; i++)
		hits += dwcp_chaos_should_fail(&c, NULL);
	KUNIT_EXPECT_EQ(test, hits, 2U);
	KUNIT_EXPECT_EQ(test, c.times, 0);
	/* reconfiguring restarts the allowance and keeps the counters */
	cfg.times = -1;
	dwcp_chaos_reconfigure(&c, &cfg);
	for (i = 0; i < 100; i++)
		hits += dwcp_chaos_should_fail(&c, NULL);
	KUNIT_EXPECT_EQ(test, hits, 102U);
	KUNIT_EXPECT_EQ(test, c.times, -1);
	KUNIT_EXPECT_EQ(test, c.checks, 200ULL);
	KUNIT_EXPECT_TRUE(test, c.enabled);
	cfg.times = 0;
	dwcp_chaos_reconfigure(&c, &cfg);
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_should_fail(&c, NULL));
}

/* Same seed, same calls -> same faults and values; another seed differs. */
static void chaos_deterministic_seed(struct kunit *test)
{
	struct dwcp_chaos a, b, o;
	struct dwcp_chaos_config cfg;
	u32 i, same = 0, diff = 0;
	u64 va, vb, vo;
	bool fa, fb, fo;

	dice_setup(&a, DWCP_RES_FAULT_LATENCY, 300000, 0, 1000000, 42);
	dice_setup(&b, DWCP_RES_FAULT_LATENCY, 300000, 0, 1000000, 42);
	dice_setup(&o, DWCP_RES_FAULT_LATENCY, 300000, 0, 1000000, 43);
	dwcp_chaos_enable(&a, true);
	dwcp_chaos_enable(&b, true);
	dwcp_chaos_enable(&o, true);
	for (i = 0; i < 10000; i++) {
		va = 0;
		vb = 0;
		vo = 0;
		fa = dwcp_chaos_should_fail(&a, &va);
		fb = dwcp_chaos_should_fail(&b, i & 1 ? &vb : NULL);
		fo = dwcp_chaos_should_fail(&o, &vo);
		same += fa == fb && (!(i & 1) || va == vb);
		diff += fa != fo || va != vo;
	}
	KUNIT_EXPECT_EQ(test, same, 10000U);
	KUNIT_EXPECT_GT(test, diff, 1000U);
	/* reseeding through reconfigure replays the sequence */
	cfg = a.cfg;
	cfg.seed = 99;
	dwcp_chaos_reconfigure(&a, &cfg);
	dwcp_chaos_reconfigure(&b, &cfg);
	KUNIT_EXPECT_EQ(test, dwcp_chaos_next(&a), dwcp_chaos_next(&b));
}

/* Values are uniform over [min, max], both ends included. */
static void chaos_value_range(struct kunit *test)
{
	struct dwcp_chaos c;
	u64 v, sum = 0, lo = U64_MAX, hi = 0;
	u32 i;

	dice_setup(&c, DWCP_RES_FAULT_LATENCY, DWCP_CHAOS_PPM, 50 * T_MS,
		   200 * T_MS, 5);
	dwcp_chaos_enable(&c, true);
	for (i = 0; i < 100000; i++) {
		dwcp_chaos_should_fail(&c, &v);
		lo = min(lo, v);
		hi = max(hi, v);
		sum += v;
	}
	KUNIT_EXPECT_GE(test, lo, 50 * T_MS);
	KUNIT_EXPECT_LT(test, lo, 51 * T_MS);
	KUNIT_EXPECT_LE(test, hi, 200 * T_MS);
	KUNIT_EXPECT_GT(test, hi, 199 * T_MS);
	sum = div_u64(sum, 100000);
	KUNIT_EXPECT_GT(test, sum, 124 * T_MS);
	KUNIT_EXPECT_LT(test, sum, 126 * T_MS);

	/* a single value; tiny range hits both ends; full 64-bit range */
	dice_setup(&c, DWCP_RES_FAULT_MEM_PRESSURE, DWCP_CHAOS_PPM, 4096, 4096,
		   6);
	dwcp_chaos_enable(&c, true);
	dwcp_chaos_should_fail(&c, &v);
	KUNIT_EXPECT_EQ(test, v, 4096ULL);
	c.cfg.value_min = 0;
	c.cfg.value_max = 1;
	for (i = 0, sum = 0; i < 1000; i++) {
		dwcp_chaos_should_fail(&c, &v);
		KUNIT_EXPECT_LE(test, v, 1ULL);
		sum += v;
	}
	KUNIT_EXPECT_GT(test, sum, 400ULL);
	KUNIT_EXPECT_LT(test, sum, 600ULL);
	c.cfg.value_max = U64_MAX;
	KUNIT_EXPECT_TRUE(test, dwcp_chaos_should_fail(&c, &v));
}

struct chaos_cfg_case {
	const char *name;
	u32 kind;
	u32 ppm;
	s32 times;
	u64 lo, hi;
	int err;
};

static const struct chaos_cfg_case chaos_cfg_cases[] = {
	{ "latency ok",		DWCP_RES_FAULT_LATENCY,	10000, -1, 1, 2, 0 },
	{ "bad kind",		__DWCP_RES_FAULT_MAX,	10000, -1, 1, 2, -EINVAL },
	{ "ppm > 10^6",		DWCP_RES_FAULT_LATENCY,	1000001, -1, 1, 2, -ERANGE },
	{ "times < -1",		DWCP_RES_FAULT_LATENCY,	10000, -2, 1, 2, -ERANGE },
	{ "min > max",		DWCP_RES_FAULT_TIMEOUT,	10000, 5, 3, 2, -EINVAL },
	{ "errno 0",		DWCP_RES_FAULT_ERROR,	10000, 5, 0, 2, -ERANGE },
	{ "errno 4096",		DWCP_RES_FAULT_ERROR,	10000, 5, 5, 4096, -ERANGE },
	/* now + value overflowed for a value near U64_MAX. */
	{ "latency 1 h",	DWCP_RES_FAULT_LATENCY,	10000, 0, 1, 3600000000000ULL, 0 },
	{ "latency > 1 h",	DWCP_RES_FAULT_LATENCY,	10000, 0, 1, 3600000000001ULL, -ERANGE },
	{ "timeout U64_MAX",	DWCP_RES_FAULT_TIMEOUT,	10000, 0, 1, U64_MAX, -ERANGE },
	{ "partition U64_MAX",	DWCP_RES_FAULT_PARTITION, 10000, 0, U64_MAX, U64_MAX, -ERANGE },
	{ "errno EIO",		DWCP_RES_FAULT_ERROR,	10000, 0, EIO, EIO, 0 },
	/* ERESTARTSYS reached io_submit()/io_uring, whose call never ended. */
	{ "errno ERESTARTSYS",	DWCP_RES_FAULT_ERROR,	10000, 0, 512, 512, -ERANGE },
	{ "errno EIOCBQUEUED",	DWCP_RES_FAULT_ERROR,	10000, 0, 529, 529, -ERANGE },
	{ "errno 4095",		DWCP_RES_FAULT_ERROR,	10000, 0, 4095, 4095, -ERANGE },
	{ "errnos all listed",	DWCP_RES_FAULT_ERROR,	10000, 0, ETIMEDOUT, EHOSTUNREACH, 0 },
	{ "errnos with a gap",	DWCP_RES_FAULT_ERROR,	10000, 0, ECONNRESET, ETIMEDOUT, -ERANGE },
	{ "errno range huge",	DWCP_RES_FAULT_ERROR,	10000, 0, 1, U64_MAX, -ERANGE },
};

static void chaos_cfg_desc(const struct chaos_cfg_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", c->name);
}

KUNIT_ARRAY_PARAM(chaos_cfg, chaos_cfg_cases, chaos_cfg_desc);

static void chaos_config_check(struct kunit *test)
{
	const struct chaos_cfg_case *c = test->param_value;
	struct dwcp_chaos_config cfg;
	const char *why = NULL;

	dwcp_chaos_config_default(&cfg, DWCP_RES_FAULT_LATENCY);
	cfg.kind = c->kind;
	cfg.probability_ppm = c->ppm;
	cfg.times = c->times;
	cfg.value_min = c->lo;
	cfg.value_max = c->hi;
	KUNIT_EXPECT_EQ(test, dwcp_chaos_config_check(&cfg, &why), c->err);
	if (c->err)
		KUNIT_EXPECT_NOT_ERR_OR_NULL(test, why);
}

/* Every kind's DWCP default is itself a valid configuration. */
static void chaos_defaults_valid(struct kunit *test)
{
	struct dwcp_chaos_config cfg;
	const char *why = NULL;
	u32 k;

	for (k = 0; k < __DWCP_RES_FAULT_MAX; k++) {
		dwcp_chaos_config_default(&cfg, k);
		KUNIT_EXPECT_EQ(test, dwcp_chaos_config_check(&cfg, &why), 0);
	}
	dwcp_chaos_config_default(&cfg, DWCP_RES_FAULT_LATENCY);
	KUNIT_EXPECT_EQ(test, cfg.value_min, 50 * T_MS);
	KUNIT_EXPECT_EQ(test, cfg.value_max, 200 * T_MS);
	dwcp_chaos_config_default(&cfg, DWCP_RES_FAULT_TIMEOUT);
	KUNIT_EXPECT_EQ(test, cfg.value_min, 5000 * T_MS);
}

static void peer_set(struct dwcp_chaos_peer *p, u8 family, u8 prefix,
		     const u8 *addr)
{
	memset(p, 0, sizeof(*p));
	p->family = family;
	p->prefix = prefix;
	memcpy(p->addr, addr, family == 6 ? 16 : 4);
}

/* Scopes: unscoped matches all; scoped needs the family and the prefix. */
static void chaos_peer_match(struct kunit *test)
{
	static const u8 a2[4] = { 127, 0, 0, 2 }, a1[4] = { 127, 0, 0, 1 };
	static const u8 n24[4] = { 10, 1, 2, 0 }, in24[4] = { 10, 1, 2, 200 };
	static const u8 out24[4] = { 10, 1, 3, 1 }, n20[4] = { 10, 1, 16, 0 };
	static const u8 in20[4] = { 10, 1, 31, 255 }, out20[4] = { 10, 1, 32, 0 };
	static const u8 v6a[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 1, [15] = 2 };
	static const u8 v6b[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 1, [15] = 9 };
	static const u8 v6c[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 2, [15] = 2 };
	struct dwcp_chaos_peer scope, peer;

	memset(&scope, 0, sizeof(scope));
	peer_set(&peer, 4, 32, a1);
	KUNIT_EXPECT_TRUE(test, dwcp_chaos_peer_match(&scope, &peer));
	KUNIT_EXPECT_TRUE(test, dwcp_chaos_peer_match(&scope, NULL));

	peer_set(&scope, 4, 32, a2);
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_peer_match(&scope, &peer));
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_peer_match(&scope, NULL));
	peer_set(&peer, 4, 32, a2);
	KUNIT_EXPECT_TRUE(test, dwcp_chaos_peer_match(&scope, &peer));

	peer_set(&scope, 4, 24, n24);
	peer_set(&peer, 4, 32, in24);
	KUNIT_EXPECT_TRUE(test, dwcp_chaos_peer_match(&scope, &peer));
	peer_set(&peer, 4, 32, out24);
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_peer_match(&scope, &peer));

	/* A prefix that ends inside a byte. */
	peer_set(&scope, 4, 20, n20);
	peer_set(&peer, 4, 32, in20);
	KUNIT_EXPECT_TRUE(test, dwcp_chaos_peer_match(&scope, &peer));
	peer_set(&peer, 4, 32, out20);
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_peer_match(&scope, &peer));

	peer_set(&scope, 6, 64, v6a);
	peer_set(&peer, 6, 128, v6b);
	KUNIT_EXPECT_TRUE(test, dwcp_chaos_peer_match(&scope, &peer));
	peer_set(&peer, 6, 128, v6c);
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_peer_match(&scope, &peer));
	/* Another family never matches, whatever its bytes. */
	peer_set(&peer, 4, 32, v6a);
	KUNIT_EXPECT_FALSE(test, dwcp_chaos_peer_match(&scope, &peer));
	/* /0 of a family: every peer of that family. */
	peer_set(&scope, 4, 0, n24);
	peer_set(&peer, 4, 32, a1);
	KUNIT_EXPECT_TRUE(test, dwcp_chaos_peer_match(&scope, &peer));
}

/* Scopes and spike caps are checked with the rest of the config. */
static void chaos_config_check_scope(struct kunit *test)
{
	struct dwcp_chaos_config cfg;
	const char *why = NULL;

	dwcp_chaos_config_default(&cfg, DWCP_RES_FAULT_ERROR);
	cfg.peer.family = 5;
	KUNIT_EXPECT_EQ(test, dwcp_chaos_config_check(&cfg, &why), -EINVAL);
	cfg.peer.family = 4;
	cfg.peer.prefix = 33;
	KUNIT_EXPECT_EQ(test, dwcp_chaos_config_check(&cfg, &why), -ERANGE);
	cfg.peer.family = 6;
	cfg.peer.prefix = 128;
	KUNIT_EXPECT_EQ(test, dwcp_chaos_config_check(&cfg, &why), 0);
	dwcp_chaos_config_default(&cfg, DWCP_RES_FAULT_CPU_SPIKE);
	cfg.value_max = DWCP_RES_CPU_SPIKE_MAX_NS;
	KUNIT_EXPECT_EQ(test, dwcp_chaos_config_check(&cfg, &why), 0);
	cfg.value_max++;
	KUNIT_EXPECT_EQ(test, dwcp_chaos_config_check(&cfg, &why), -ERANGE);
	/* A partition by default: one, of 1 s, from the next call. */
	dwcp_chaos_config_default(&cfg, DWCP_RES_FAULT_PARTITION);
	KUNIT_EXPECT_EQ(test, cfg.probability_ppm, DWCP_CHAOS_PPM);
	KUNIT_EXPECT_EQ(test, cfg.times, 1);
}

static struct kunit_case dwcp_chaos_test_cases[] = {
	KUNIT_CASE(go_chaos_monkey_disabled),
	KUNIT_CASE(go_chaos_monkey_latency_fault),
	KUNIT_CASE(go_chaos_monkey_error_fault),
	KUNIT_CASE_PARAM(chaos_distribution, dist_gen_params),
	KUNIT_CASE(defect_chaos_double_sampling),
	KUNIT_CASE(chaos_interval),
	KUNIT_CASE(chaos_times),
	KUNIT_CASE(chaos_peer_match),
	KUNIT_CASE(chaos_config_check_scope),
	KUNIT_CASE(chaos_deterministic_seed),
	KUNIT_CASE(chaos_value_range),
	KUNIT_CASE_PARAM(chaos_config_check, chaos_cfg_gen_params),
	KUNIT_CASE(chaos_defaults_valid),
	{}
};

static struct kunit_suite dwcp_chaos_test_suite = {
	.name = "dwcp_chaos",
	.test_cases = dwcp_chaos_test_cases,
};

kunit_test_suite(dwcp_chaos_test_suite);
