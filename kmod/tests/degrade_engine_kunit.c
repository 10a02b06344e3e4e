// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the degradation engine as a client sees it: the level of
 * init_net set through the exported API (include/net/dwcp_res.h), and its
 * effects on calls of custom policies through dwcp_res_admit() and
 * dwcp_res_call(). Runs on the real clock; kernel only.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/netlink.h>
#include <net/dwcp_res.h>
#include <net/net_namespace.h>

#define DG_A	"kunit-dg-a"
#define DG_B	"kunit-dg-b"

static void dg_exit(struct kunit *test)
{
	dwcp_res_degrade_set(&init_net, DWCP_RES_LEVEL_NORMAL, 0, NULL);
	dwcp_res_degrade_auto(&init_net, NULL);
	dwcp_res_policy_del(&init_net, DG_A, NULL);
	dwcp_res_policy_del(&init_net, DG_B, NULL);
}

static struct dwcp_pipe_config *dg_config(struct kunit *test, u32 prio)
{
	struct dwcp_pipe_config *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cfg);
	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(cfg, DWCP_RES_CLASS_SEND), 0);
	cfg->flags = 0;
	cfg->priority = prio;
	cfg->bulkhead.max_concurrent = 4;
	cfg->bulkhead.max_queue = 0;
	cfg->bulkhead.max_wait_ns = 0;
	cfg->retry.max_retries = 4;
	cfg->retry.base_ns = NSEC_PER_MSEC;
	cfg->retry.cap_ns = 4 * NSEC_PER_MSEC;
	cfg->timeout.initial_ns = NSEC_PER_SEC;
	cfg->breaker.max_failures = 1000;
	return cfg;
}

static struct dwcp_res_policy *dg_add(struct kunit *test, const char *name,
				      struct dwcp_pipe_config *cfg)
{
	struct dwcp_res_policy *p;

	KUNIT_ASSERT_EQ(test, dwcp_res_policy_add(&init_net, name, cfg, NULL), 0);
	p = dwcp_res_policy_get(&init_net, name);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	return p;
}

static void dg_level(struct kunit *test, u32 level)
{
	KUNIT_ASSERT_EQ(test, dwcp_res_degrade_set(&init_net, level, 0, NULL), 0);
}

/* How many calls the bulkhead admits at once (none waits). */
static int dg_concurrency(struct dwcp_res_policy *p)
{
	struct dwcp_res_call c[8];
	int n = 0, i;

	while (n < (int)ARRAY_SIZE(c) && !dwcp_res_admit(p, &c[n], 0, 0, 0))
		n++;
	for (i = 0; i < n; i++)
		dwcp_res_complete(&c[i], DWCP_RES_RESULT_SUCCESS, false);
	return n;
}

struct dg_fail {
	int calls;
};

static int dg_fail_fn(void *arg, u64 timeout_ns)
{
	struct dg_fail *f = arg;

	f->calls++;
	return -ECONNRESET;	/* transient: retried */
}

/* Attempts dwcp_res_call() makes for an always failing call. */
static int dg_attempts(struct kunit *test, struct dwcp_res_policy *p)
{
	struct dg_fail f = {};

	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, dg_fail_fn, &f, 5 * HZ), -ECONNRESET);
	return f.calls;
}

static void degraded_scales_bulkhead_and_rate(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = dg_config(test, DWCP_RES_PRIO_NORMAL);
	struct dwcp_res_policy_stats st;
	struct dwcp_res_policy *p, *r;
	struct dwcp_res_call c;
	int n = 0;

	p = dg_add(test, DG_A, cfg);
	cfg->flags = DWCP_PIPE_F_RATE;
	cfg->rate.rate = 4;
	cfg->rate.burst = 8;
	cfg->rate.byte_rate = 0;
	cfg->rate.burst_bytes = 0;
	cfg->bulkhead.max_concurrent = 100;
	r = dg_add(test, DG_B, cfg);

	KUNIT_EXPECT_EQ(test, dg_concurrency(p), 4);
	dg_level(test, DWCP_RES_LEVEL_DEGRADED);
	/* 75 % of 4 */
	KUNIT_EXPECT_EQ(test, dg_concurrency(p), 3);
	dwcp_res_policy_stats(r, &st);
	KUNIT_EXPECT_EQ(test, st.rate_mcps, 3000ULL);	/* 75 % of 4/s */
	/* The burst shrank too: 6 of 8 at once. */
	while (n < 20 && !dwcp_res_admit(r, &c, 0, 0, 0)) {
		dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
		n++;
	}
	KUNIT_EXPECT_EQ(test, n, 6);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(r, &c, 0, 0, 0), -ENOBUFS);

	dg_level(test, DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dg_concurrency(p), 4);
	dwcp_res_policy_stats(r, &st);
	KUNIT_EXPECT_EQ(test, st.rate_mcps, 4000ULL);
	dwcp_res_policy_put(r);
	dwcp_res_policy_put(p);
}

/* A policy set while degraded gets scaled at once; its config reads back. */
static void policy_set_while_degraded_is_scaled(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = dg_config(test, DWCP_RES_PRIO_NORMAL);
	struct dwcp_res_policy *p;

	dg_level(test, DWCP_RES_LEVEL_DEGRADED);
	p = dg_add(test, DG_A, cfg);
	KUNIT_EXPECT_EQ(test, dg_concurrency(p), 3);
	cfg->bulkhead.max_concurrent = 8;
	KUNIT_ASSERT_EQ(test, dwcp_res_policy_set(&init_net, DG_A, cfg, NULL), 0);
	KUNIT_EXPECT_EQ(test, dg_concurrency(p), 6);
	dg_level(test, DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dg_concurrency(p), 8);
	dwcp_res_policy_put(p);
}

static void retries_follow_the_level(struct kunit *test)
{
	struct dwcp_res_policy *p = dg_add(test, DG_A, dg_config(test, DWCP_RES_PRIO_HIGH));

	KUNIT_EXPECT_EQ(test, dg_attempts(test, p), 5);		/* 1 + 4 */
	dg_level(test, DWCP_RES_LEVEL_DEGRADED);
	KUNIT_EXPECT_EQ(test, dg_attempts(test, p), 3);		/* 1 + 4 / 2 */
	dg_level(test, DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	KUNIT_EXPECT_EQ(test, dg_attempts(test, p), 1);		/* retries off */
	dg_level(test, DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dg_attempts(test, p), 5);
	dwcp_res_policy_put(p);
}

static void severely_degraded_sheds_below_high(struct kunit *test)
{
	struct dwcp_res_policy *n = dg_add(test, DG_A, dg_config(test, DWCP_RES_PRIO_NORMAL));
	struct dwcp_res_policy *h = dg_add(test, DG_B, dg_config(test, DWCP_RES_PRIO_HIGH));
	struct dwcp_res_policy_stats st;
	struct dwcp_res_call c;

	dg_level(test, DWCP_RES_LEVEL_SEVERELY_DEGRADED);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(n, &c, 0, 0, 0), -ECANCELED);
	KUNIT_ASSERT_EQ(test, dwcp_res_admit(h, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	dwcp_res_policy_stats(n, &st);
	KUNIT_EXPECT_EQ(test, st.rejected[DWCP_RES_REJECT_SHED], 1ULL);
	dwcp_res_policy_put(h);
	dwcp_res_policy_put(n);
}

static void emergency_admits_critical_only(struct kunit *test)
{
	struct dwcp_res_policy *h = dg_add(test, DG_A, dg_config(test, DWCP_RES_PRIO_HIGH));
	struct dwcp_res_policy *c = dg_add(test, DG_B, dg_config(test, DWCP_RES_PRIO_CRITICAL));
	struct dwcp_res_call call;

	dg_level(test, DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(h, &call, 0, 0, 0), -ECANCELED);
	KUNIT_ASSERT_EQ(test, dwcp_res_admit(c, &call, 0, 0, 0), 0);
	dwcp_res_complete(&call, DWCP_RES_RESULT_SUCCESS, false);
	/* Critical calls run with the scaled limits and no retries. */
	KUNIT_EXPECT_EQ(test, dg_concurrency(c), 3);
	KUNIT_EXPECT_EQ(test, dg_attempts(test, c), 1);
	dg_level(test, DWCP_RES_LEVEL_NORMAL);
	KUNIT_ASSERT_EQ(test, dwcp_res_admit(h, &call, 0, 0, 0), 0);
	dwcp_res_complete(&call, DWCP_RES_RESULT_SUCCESS, false);
	dwcp_res_policy_put(c);
	dwcp_res_policy_put(h);
}

/* The breaker state and the counters survive every level change. */
static void level_changes_keep_state(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = dg_config(test, DWCP_RES_PRIO_HIGH);
	struct dwcp_res_policy_stats st;
	struct dwcp_res_policy *p;
	struct dwcp_res_call c;
	u32 l;
	int i;

	cfg->breaker.max_failures = 3;
	p = dg_add(test, DG_A, cfg);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
		dwcp_res_complete(&c, DWCP_RES_RESULT_FAILURE, false);
	}
	for (l = DWCP_RES_LEVEL_DEGRADED; l <= DWCP_RES_LEVEL_EMERGENCY; l++)
		dg_level(test, l);
	dg_level(test, DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), -ECONNREFUSED);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.breaker_state, (u32)DWCP_RES_BREAKER_OPEN);
	KUNIT_EXPECT_EQ(test, st.admitted, 3ULL);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_FAILURE], 3ULL);
	KUNIT_EXPECT_EQ(test, st.rejected[DWCP_RES_REJECT_BREAKER], 1ULL);
	dwcp_res_policy_put(p);
}

static void manual_hold_and_auto(struct kunit *test)
{
	struct netlink_ext_ack extack = {};
	struct dwcp_res_degrade_info a, b;

	dwcp_res_degrade_get(&init_net, &a);
	KUNIT_EXPECT_EQ(test, dwcp_res_degrade_set(&init_net, __DWCP_RES_LEVEL_MAX, 0,
						   &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);

	KUNIT_ASSERT_EQ(test, dwcp_res_degrade_set(&init_net, DWCP_RES_LEVEL_DEGRADED,
						   10 * NSEC_PER_SEC, NULL), 0);
	dwcp_res_degrade_get(&init_net, &b);
	KUNIT_EXPECT_EQ(test, b.level, (u32)DWCP_RES_LEVEL_DEGRADED);
	KUNIT_EXPECT_TRUE(test, b.manual);
	KUNIT_EXPECT_GT(test, b.hold_left_ns, 0ULL);
	KUNIT_EXPECT_LE(test, b.hold_left_ns, 10 * NSEC_PER_SEC);
	KUNIT_EXPECT_EQ(test, b.changes, a.changes + (a.level != b.level));

	/* A short hold ends by itself; the level then steps down by dwell. */
	KUNIT_ASSERT_EQ(test, dwcp_res_degrade_set(&init_net, DWCP_RES_LEVEL_EMERGENCY,
						   20 * NSEC_PER_MSEC, NULL), 0);
	msleep(200);
	dwcp_res_degrade_get(&init_net, &b);
	KUNIT_EXPECT_FALSE(test, b.manual);
	KUNIT_EXPECT_EQ(test, b.level, (u32)DWCP_RES_LEVEL_EMERGENCY);
	KUNIT_EXPECT_GT(test, b.time_in_ns[DWCP_RES_LEVEL_EMERGENCY], 0ULL);

	KUNIT_ASSERT_EQ(test, dwcp_res_degrade_set(&init_net, DWCP_RES_LEVEL_NORMAL, 0,
						   NULL), 0);
	KUNIT_EXPECT_EQ(test, dwcp_res_degrade_auto(&init_net, NULL), 0);
	dwcp_res_degrade_get(&init_net, &b);
	KUNIT_EXPECT_FALSE(test, b.manual);
	KUNIT_EXPECT_EQ(test, b.level, (u32)DWCP_RES_LEVEL_NORMAL);
	KUNIT_EXPECT_EQ(test, b.hold_left_ns, 0ULL);
}

static struct kunit_case dwcp_degrade_engine_test_cases[] = {
	KUNIT_CASE(degraded_scales_bulkhead_and_rate),
	KUNIT_CASE(policy_set_while_degraded_is_scaled),
	KUNIT_CASE(retries_follow_the_level),
	KUNIT_CASE(severely_degraded_sheds_below_high),
	KUNIT_CASE(emergency_admits_critical_only),
	KUNIT_CASE(level_changes_keep_state),
	KUNIT_CASE(manual_hold_and_auto),
	{}
};

static struct kunit_suite dwcp_degrade_engine_test_suite = {
	.name = "dwcp_degrade_engine",
	.exit = dg_exit,
	.test_cases = dwcp_degrade_engine_test_cases,
};

kunit_test_suite(dwcp_degrade_engine_test_suite);
