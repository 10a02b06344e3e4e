// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the policy registry and the in-kernel API, used exactly as
 * a client module would use them (include/net/dwcp_res.h, exported symbols
 * of dwcp_res.ko). Runs on the real clock; kernel only.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/netlink.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <net/dwcp_res.h>
#include <net/net_namespace.h>

/* The test build's hooks only (DWCP_RES_TEST_HOOK): the rest is public API. */
#include "dwcp_res.h"

#define TEST_POLICY "kunit-policy"

static struct dwcp_pipe_config *test_config(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, cfg);
	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(cfg, DWCP_RES_CLASS_SEND), 0);
	return cfg;
}

/*
 * The cases fail calls on purpose in init_net: pin its level to normal so
 * that automatic control, fed by those failures, never sheds or scales
 * them halfway (degrade_engine_kunit.c and engine_kunit.c test it).
 */
static int policy_suite_init(struct kunit_suite *suite)
{
	return dwcp_res_degrade_set(&init_net, DWCP_RES_LEVEL_NORMAL, 0, NULL);
}

static void policy_suite_exit(struct kunit_suite *suite)
{
	dwcp_res_degrade_auto(&init_net, NULL);
}

static void policy_exit(struct kunit *test)
{
	dwcp_res_chaos_enable(&init_net, false, NULL);
	dwcp_res_chaos_clear(&init_net);
	dwcp_res_policy_del(&init_net, TEST_POLICY, NULL);
}

static void profile_is_loaded(struct kunit *test)
{
	static const char * const names[] = {
		DWCP_RES_CLASS_SEND, DWCP_RES_CLASS_RECEIVE,
		DWCP_RES_CLASS_SYNC, DWCP_RES_CLASS_CONSENSUS,
	};
	struct dwcp_res_policy *p;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		p = dwcp_res_policy_get(&init_net, names[i]);
		KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(test, p, "%s", names[i]);
		dwcp_res_policy_put(p);
	}
	KUNIT_EXPECT_NULL(test, dwcp_res_policy_get(&init_net, "no-such-policy"));
}

static void bad_input_is_explained(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct netlink_ext_ack extack = {};

	KUNIT_EXPECT_EQ(test, dwcp_res_policy_add(&init_net, "bad name!", cfg, &extack),
			-EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);

	KUNIT_EXPECT_EQ(test, dwcp_res_policy_add(&init_net, DWCP_RES_CLASS_SEND, cfg,
						  &extack), -EEXIST);

	memset(&extack, 0, sizeof(extack));
	cfg->bulkhead.max_concurrent = 0;
	KUNIT_EXPECT_LT(test, dwcp_res_policy_add(&init_net, TEST_POLICY, cfg, &extack), 0);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_NULL(test, dwcp_res_policy_get(&init_net, TEST_POLICY));

	memset(&extack, 0, sizeof(extack));
	KUNIT_EXPECT_EQ(test, dwcp_res_policy_set(&init_net, DWCP_RES_CLASS_SEND, cfg,
						  &extack), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_EQ(test, dwcp_res_policy_del(&init_net, "no-such-policy", NULL),
			-ENOENT);
}

static struct dwcp_res_policy *add_policy(struct kunit *test,
					  struct dwcp_pipe_config *cfg)
{
	struct dwcp_res_policy *p;

	KUNIT_ASSERT_EQ(test, dwcp_res_policy_add(&init_net, TEST_POLICY, cfg, NULL), 0);
	p = dwcp_res_policy_get(&init_net, TEST_POLICY);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	return p;
}

static void rejections_have_errnos(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct dwcp_res_policy_stats st;
	struct dwcp_res_call a, b;
	struct dwcp_res_policy *p;
	u64 t0;

	cfg->flags = 0;				/* no rate limit */
	cfg->bulkhead.max_concurrent = 1;
	cfg->bulkhead.max_queue = 1;
	cfg->bulkhead.max_wait_ns = 30 * NSEC_PER_MSEC;
	p = add_policy(test, cfg);

	KUNIT_ASSERT_EQ(test, dwcp_res_admit(p, &a, 0, 0, 0), 0);
	/* Full, and a caller that cannot wait: -EBUSY at once. */
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &b, 0, 0, 0), -EBUSY);
	/* A caller that may wait queues, then gives up after max_wait. */
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &b, 0, HZ, 0), -ETIME);
	KUNIT_EXPECT_GE(test, ktime_get_ns() - t0, 30 * NSEC_PER_MSEC);
	dwcp_res_complete(&a, DWCP_RES_RESULT_SUCCESS, false);

	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.rejected[DWCP_RES_REJECT_BULKHEAD_FULL], 1ULL);
	KUNIT_EXPECT_EQ(test, st.rejected[DWCP_RES_REJECT_BULKHEAD_WAIT], 1ULL);
	KUNIT_EXPECT_EQ(test, st.admitted, 1ULL);
	KUNIT_EXPECT_EQ(test, st.completed, 1ULL);
	KUNIT_EXPECT_EQ(test, st.bulkhead_active, 0U);
	KUNIT_EXPECT_EQ(test, st.bulkhead_queued, 0U);
	dwcp_res_policy_put(p);
}

static void reconfigure_keeps_state(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct dwcp_res_policy_stats st;
	struct dwcp_res_policy *p;
	struct dwcp_res_call c;
	int i;

	cfg->flags = 0;
	p = add_policy(test, cfg);
	/* Five failures open the send breaker. */
	for (i = 0; i < 5; i++) {
		KUNIT_ASSERT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
		dwcp_res_complete(&c, DWCP_RES_RESULT_FAILURE, false);
	}
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), -ECONNREFUSED);

	cfg->bulkhead.max_concurrent = 7;
	KUNIT_ASSERT_EQ(test, dwcp_res_policy_set(&init_net, TEST_POLICY, cfg, NULL), 0);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.breaker_state, (u32)DWCP_RES_BREAKER_OPEN);
	KUNIT_EXPECT_EQ(test, st.admitted, 5ULL);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_FAILURE], 5ULL);
	KUNIT_EXPECT_EQ(test, st.rejected[DWCP_RES_REJECT_BREAKER], 1ULL);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), -ECONNREFUSED);
	dwcp_res_policy_put(p);
}

/*
 * POLICY_SET runs under genl_mutex: it must not wait for a grace period, or
 * every netlink user of the family waits behind it. A thread sits in an RCU
 * read-side section for 2 s; a synchronize_rcu() in the set would wait for it,
 * kfree_rcu() does not. The bound (1 s) leaves a slow guest half the reader's
 * time.
 */
struct rcu_reader {
	struct completion in;
	unsigned int ms;
};

static int rcu_reader_fn(void *arg)
{
	struct rcu_reader *r = arg;

	rcu_read_lock();
	complete(&r->in);
	mdelay(r->ms);
	rcu_read_unlock();
	return 0;
}

static void set_does_not_wait_for_readers(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct rcu_reader r = { .ms = 2000 };
	struct task_struct *t;
	struct dwcp_res_policy *p;
	ktime_t t0;
	s64 ms;

	p = add_policy(test, cfg);
	init_completion(&r.in);
	t = kthread_run(rcu_reader_fn, &r, "dwcp_rcu_reader");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	wait_for_completion(&r.in);
	t0 = ktime_get();
	cfg->bulkhead.max_concurrent = 9;
	KUNIT_EXPECT_EQ(test, dwcp_res_policy_set(&init_net, TEST_POLICY, cfg, NULL), 0);
	ms = ktime_ms_delta(ktime_get(), t0);
	KUNIT_EXPECT_LT_MSG(test, ms, 1000LL, "POLICY_SET waited %lld ms for an RCU reader", ms);
	kthread_stop(t);
	put_task_struct(t);
	dwcp_res_policy_put(p);
}

static void deleted_policy_lives_until_put(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct dwcp_res_policy *p;
	struct dwcp_res_call c;

	cfg->flags = 0;
	p = add_policy(test, cfg);
	KUNIT_ASSERT_EQ(test, dwcp_res_policy_del(&init_net, TEST_POLICY, NULL), 0);
	KUNIT_EXPECT_NULL(test, dwcp_res_policy_get(&init_net, TEST_POLICY));
	/* Our reference keeps it usable. */
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	dwcp_res_policy_put(p);
}

/* dwcp_res_call(): fails @fail_first times with @err, then succeeds. */
struct flaky {
	int calls;
	int fail_first;
	int err;
	unsigned int sleep_ms;
	unsigned int sleep_us;	/* a short, precise sleep (hrtimer) */
	u64 last_timeout;
};

static int flaky_fn(void *arg, u64 timeout_ns)
{
	struct flaky *f = arg;

	f->last_timeout = timeout_ns;
	if (f->sleep_ms)
		msleep(f->sleep_ms);
	if (f->sleep_us)
		fsleep(f->sleep_us);
	return f->calls++ < f->fail_first ? f->err : 0;
}

static struct dwcp_pipe_config *call_config(struct kunit *test, u32 retries,
					    u64 timeout_ns)
{
	struct dwcp_pipe_config *cfg = test_config(test);

	cfg->flags = 0;
	cfg->retry.max_retries = retries;
	cfg->retry.base_ns = 2 * NSEC_PER_MSEC;
	cfg->retry.cap_ns = 20 * NSEC_PER_MSEC;
	cfg->timeout.initial_ns = timeout_ns;
	cfg->breaker.max_failures = 100;
	return cfg;
}

static struct dwcp_res_policy *call_policy(struct kunit *test, u32 retries,
					   u64 timeout_ns)
{
	return add_policy(test, call_config(test, retries, timeout_ns));
}

/* Fails once, then succeeds: 2 attempts. */
static void go_retry_policy_success_in_kernel(struct kunit *test)
{
	struct dwcp_res_policy *p = call_policy(test, 3, NSEC_PER_SEC);
	struct flaky f = { .fail_first = 1, .err = -ECONNRESET };

	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, HZ), 0);
	KUNIT_EXPECT_EQ(test, f.calls, 2);
	dwcp_res_policy_put(p);
}

/* Always failing, 2 retries: an error. */
static void go_retry_policy_max_retries_in_kernel(struct kunit *test)
{
	struct dwcp_res_policy *p = call_policy(test, 2, NSEC_PER_SEC);
	struct flaky f = { .fail_first = 1000, .err = -ETIMEDOUT };
	struct dwcp_res_policy_stats st;

	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, 5 * HZ), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, f.calls, 3);
	dwcp_res_policy_stats(p, &st);
	/* Each attempt is admitted and counted on its own, none swallowed. */
	KUNIT_EXPECT_EQ(test, st.admitted, 3ULL);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_FAILURE], 3ULL);
	KUNIT_EXPECT_EQ(test, st.retries, 2ULL);
	/* The third failure found the attempts used up. */
	KUNIT_EXPECT_EQ(test, st.retry_exhausted, 1ULL);
	KUNIT_EXPECT_EQ(test, st.retry_succeeded, 0ULL);
	KUNIT_EXPECT_EQ(test, st.retry_budget_refused, 0ULL);
	dwcp_res_policy_put(p);
}

/*
 * Retry statistics: a retried attempt that works is counted as such, and
 * a retry the budget refuses is told apart from one out of attempts.
 */
static void call_retry_statistics(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = call_config(test, 3, NSEC_PER_SEC);
	struct dwcp_res_policy *p = add_policy(test, cfg);
	struct flaky f = { .fail_first = 2, .err = -ECONNRESET };
	struct dwcp_res_policy_stats st;

	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, 5 * HZ), 0);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.retries, 2ULL);
	KUNIT_EXPECT_EQ(test, st.retry_succeeded, 1ULL);
	KUNIT_EXPECT_EQ(test, st.retry_exhausted, 0ULL);
	KUNIT_EXPECT_EQ(test, st.retry_budget_refused, 0ULL);
	KUNIT_EXPECT_EQ(test, st.bulkhead_limit, cfg->bulkhead.max_concurrent);

	/* No budget at all: the first retry is refused by it. */
	cfg->retry_budget.budget_permille = 0;
	cfg->retry_budget.min_concurrency = 0;
	KUNIT_ASSERT_EQ(test, dwcp_res_policy_set(&init_net, TEST_POLICY, cfg, NULL), 0);
	f.calls = 0;
	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, 5 * HZ), -ECONNRESET);
	KUNIT_EXPECT_EQ(test, f.calls, 1);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.retry_budget_refused, 1ULL);
	KUNIT_EXPECT_EQ(test, st.retries, 2ULL);
	dwcp_res_policy_put(p);
}

/*
 * The latency budget through the shell: calls of 1.5 ms against a 1 ms
 * target exhaust it, as the stats say; a policy without a target has none.
 * Such a quiet policy's calls take the lock-free path, which times one in
 * 8: 320 calls give the budget about 40 samples, weighed as 320 calls.
 * The adaptive timeout may not fall to its 10 ms floor: a guest that stalls
 * a call past it would fail the call, which is not what is tested here.
 */
static void call_latency_budget(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = call_config(test, 0, NSEC_PER_SEC);
	struct flaky f = { .sleep_us = 1500 };
	struct dwcp_res_policy_stats st;
	struct dwcp_res_policy *p;
	int i;

	cfg->latency_target_ns = NSEC_PER_MSEC;
	cfg->timeout.min_ns = NSEC_PER_SEC;
	p = add_policy(test, cfg);
	for (i = 0; i < 320; i++)
		KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, HZ), 0);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_TRUE(test, st.latency_budget);
	KUNIT_EXPECT_TRUE(test, st.latency_exhausted);
	KUNIT_EXPECT_EQ(test, st.latency_compliance_ppm, 0U);

	cfg->latency_target_ns = 0;
	KUNIT_ASSERT_EQ(test, dwcp_res_policy_set(&init_net, TEST_POLICY, cfg, NULL), 0);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_FALSE(test, st.latency_budget);
	dwcp_res_policy_put(p);
}

/* Non-transient errors and cancellations are not retried. */
static void call_does_not_retry_permanent_errors(struct kunit *test)
{
	struct dwcp_res_policy *p = call_policy(test, 3, NSEC_PER_SEC);
	struct flaky f = { .fail_first = 1000, .err = -EINVAL };
	struct dwcp_res_policy_stats st;

	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, HZ), -EINVAL);
	KUNIT_EXPECT_EQ(test, f.calls, 1);
	f.calls = 0;
	f.err = -EAGAIN;
	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, HZ), -EAGAIN);
	KUNIT_EXPECT_EQ(test, f.calls, 1);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_IGNORED], 1ULL);
	dwcp_res_policy_put(p);
}

/* Backoff: succeeds on the third attempt, in time. */
static void go_exponential_backoff_in_kernel(struct kunit *test)
{
	struct dwcp_res_policy *p = call_policy(test, 3, NSEC_PER_SEC);
	struct flaky f = { .fail_first = 2, .err = -EHOSTUNREACH };
	u64 t0 = ktime_get_ns();

	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, 5 * HZ), 0);
	KUNIT_EXPECT_EQ(test, f.calls, 3);
	/* Full jitter: two sleeps below 2 ms and 4 ms ceilings (plus slack). */
	KUNIT_EXPECT_LT(test, ktime_get_ns() - t0, 2 * (u64)NSEC_PER_SEC);
	dwcp_res_policy_put(p);
}

/* An instant call within its timeout. */
static void go_timeout_manager_basic_in_kernel(struct kunit *test)
{
	struct dwcp_res_policy *p = call_policy(test, 0, NSEC_PER_SEC);
	struct flaky f = {};

	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, 0), 0);
	KUNIT_EXPECT_EQ(test, f.last_timeout, (u64)NSEC_PER_SEC);
	dwcp_res_policy_put(p);
}

/* 50 ms timeout, a 200 ms call: -ETIMEDOUT, counted as a failure. */
static void go_timeout_manager_timeout_in_kernel(struct kunit *test)
{
	struct dwcp_res_policy *p = call_policy(test, 0, 50 * NSEC_PER_MSEC);
	struct flaky f = { .sleep_ms = 200 };
	struct dwcp_res_policy_stats st;

	KUNIT_EXPECT_EQ(test, dwcp_res_call(p, flaky_fn, &f, 0), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, f.last_timeout, 50ULL * NSEC_PER_MSEC);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_FAILURE], 1ULL);
	dwcp_res_policy_put(p);
}

/* One deadline: the overall deadline bounds every attempt and the backoff. */
static void defect_16_one_deadline_in_kernel(struct kunit *test)
{
	struct dwcp_res_policy *p = call_policy(test, 200, 30 * NSEC_PER_SEC);
	struct flaky f = { .fail_first = 1000, .err = -ECONNRESET, .sleep_ms = 20 };
	u64 t0 = ktime_get_ns();
	int err;

	err = dwcp_res_call(p, flaky_fn, &f, msecs_to_jiffies(100));
	KUNIT_EXPECT_TRUE(test, err == -ECONNRESET || err == -ETIMEDOUT);
	KUNIT_EXPECT_LE(test, f.last_timeout, 100ULL * NSEC_PER_MSEC);
	/*
	 * 200 attempts of 20 ms would take over 4 s; the 100 ms deadline
	 * stops them. The bound is loose because the guest may be slow.
	 */
	KUNIT_EXPECT_LT(test, ktime_get_ns() - t0, 1000ULL * NSEC_PER_MSEC);
	dwcp_res_policy_put(p);
}

/* The registry is bounded: memory cannot grow with the names asked for. */
static void defect_13_policy_count_bounded(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct netlink_ext_ack extack = {};
	char name[DWCP_RES_NAME_MAX];
	int i, added = 0, err = 0;

	for (i = 0; i < 100 && !err; i++) {
		snprintf(name, sizeof(name), "bound-%d", i);
		err = dwcp_res_policy_add(&init_net, name, cfg, &extack);
		if (!err)
			added++;
	}
	KUNIT_EXPECT_EQ(test, err, -ENOSPC);
	KUNIT_EXPECT_NOT_NULL(test, extack._msg);
	KUNIT_EXPECT_LT(test, added, 64);
	for (i = 0; i < added; i++) {
		snprintf(name, sizeof(name), "bound-%d", i);
		KUNIT_EXPECT_EQ(test, dwcp_res_policy_del(&init_net, name, NULL), 0);
	}
}

/* Several threads hammer one policy; the books must balance afterwards. */
struct hammer {
	struct dwcp_res_policy *p;
	struct completion done;
	int iterations;
	atomic_t attempts;
	atomic_t admitted;
	atomic_t rejected;
	atomic_t other;
	atomic_t max_active;
};

static atomic_t hammer_running, hammer_most;

static int hammer_thread(void *arg)
{
	struct hammer *h = arg;
	struct dwcp_res_call c;
	int i, err, n, m;

	for (i = 0; i < h->iterations; i++) {
		u32 r = get_random_u32();
		long timeo = (r & 1) ? HZ / 10 : 0;

		atomic_inc(&h->attempts);
		err = dwcp_res_admit(h->p, &c, 100, timeo, 0);
		if (err == -EBUSY || err == -ETIME || err == -ENOBUFS ||
		    err == -ECONNREFUSED) {
			atomic_inc(&h->rejected);
			continue;
		}
		if (err) {
			atomic_inc(&h->other);
			continue;
		}
		atomic_inc(&h->admitted);
		/* What really runs at once, whatever the policy counts. */
		n = atomic_inc_return(&hammer_running);
		m = atomic_read(&hammer_most);
		while (n > m && !atomic_try_cmpxchg(&hammer_most, &m, n))
			;
		/* Hold the slot across a sleep so that others queue behind it. */
		if (r & 2)
			usleep_range(20, 100);
		else
			udelay(5);
		atomic_dec(&hammer_running);
		/* Mostly successes, so the breaker stays closed most of the time. */
		dwcp_res_complete(&c, (r >> 8) % 16 == 0 ? DWCP_RES_RESULT_FAILURE :
				      (r >> 8) % 16 == 1 ? DWCP_RES_RESULT_IGNORED :
				      DWCP_RES_RESULT_SUCCESS, false);
		if (!(i % 64))
			cond_resched();
	}
	complete(&h->done);
	return 0;
}

static void peak_active(struct dwcp_pipe *pipe, void *arg)
{
	*(u32 *)arg = pipe->bulkhead.peak;
}

static void arm(struct kunit *test, u32 kind, u64 value)
{
	struct dwcp_chaos_config cc;

	dwcp_chaos_config_default(&cc, kind);
	cc.probability_ppm = DWCP_CHAOS_PPM;	/* every call */
	cc.value_min = value;
	cc.value_max = value;
	KUNIT_ASSERT_EQ(test, dwcp_res_chaos_set(&init_net, TEST_POLICY, &cc, NULL), 0);
}

/* Faults fire only with chaos allowed at load AND enabled, and only armed. */
static void chaos_faults_in_kernel(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct netlink_ext_ack extack = {};
	struct dwcp_res_policy_stats st;
	struct dwcp_res_policy *p;
	struct dwcp_res_call c;
	u64 t0;

	cfg->flags = 0;
	cfg->breaker.max_failures = 100;
	p = add_policy(test, cfg);
	arm(test, DWCP_RES_FAULT_ERROR, EIO);
	/* Armed but not enabled: nothing happens. */
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);

	if (dwcp_res_chaos_enable(&init_net, true, &extack)) {
		KUNIT_EXPECT_NOT_NULL(test, extack._msg);
		dwcp_res_policy_put(p);
		kunit_skip(test, "dwcp_res was loaded without chaos_allowed=1");
	}
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), -EIO);

	dwcp_res_chaos_clear(&init_net);
	arm(test, DWCP_RES_FAULT_LATENCY, 20 * NSEC_PER_MSEC);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, HZ, 0), 0);
	KUNIT_EXPECT_GE(test, ktime_get_ns() - t0, 20ULL * NSEC_PER_MSEC);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);

	dwcp_res_chaos_clear(&init_net);
	arm(test, DWCP_RES_FAULT_TIMEOUT, 10 * NSEC_PER_MSEC);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, HZ, 0), -ETIMEDOUT);
	KUNIT_EXPECT_GE(test, ktime_get_ns() - t0, 10ULL * NSEC_PER_MSEC);

	dwcp_res_chaos_clear(&init_net);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, dwcp_res_chaos_enable(&init_net, false, NULL), 0);

	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.rejected[DWCP_RES_REJECT_CHAOS], 2ULL);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_FAILURE], 2ULL);
	KUNIT_EXPECT_EQ(test, st.admitted, st.completed);
	dwcp_res_policy_put(p);
}

/*
 * Through the exported API: a fault scoped to a peer reaches only calls
 * that name that peer (dwcp_res_admit() names none); a partition fails
 * every call with EHOSTUNREACH for its duration; a CPU spike busy-loops
 * only for callers that say they run in a task (or may sleep).
 */
static void chaos_peer_partition_spike_in_kernel(struct kunit *test)
{
	static const struct dwcp_chaos_peer far = { 4, 32, { 127, 0, 0, 2 } };
	static const struct dwcp_chaos_peer near = { 4, 32, { 127, 0, 0, 1 } };
	struct dwcp_pipe_config *cfg = test_config(test);
	struct dwcp_res_policy_stats st;
	struct dwcp_chaos_config cc;
	struct dwcp_res_policy *p;
	struct dwcp_res_call c;
	u64 t0;

	cfg->flags = 0;
	cfg->breaker.max_failures = 100;
	p = add_policy(test, cfg);
	if (dwcp_res_chaos_enable(&init_net, true, NULL)) {
		dwcp_res_policy_put(p);
		kunit_skip(test, "dwcp_res was loaded without chaos_allowed=1");
	}
	dwcp_chaos_config_default(&cc, DWCP_RES_FAULT_ERROR);
	cc.probability_ppm = DWCP_CHAOS_PPM;
	cc.peer = far;
	KUNIT_ASSERT_EQ(test, dwcp_res_chaos_set(&init_net, TEST_POLICY, &cc, NULL), 0);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit_peer(p, &c, 0, 0, 0, &near), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit_peer(p, &c, 0, 0, 0, &far), -EIO);

	dwcp_res_chaos_clear(&init_net);
	arm(test, DWCP_RES_FAULT_PARTITION, 200 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), -EHOSTUNREACH);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit_peer(p, &c, 0, 0, 0, &near), -EHOSTUNREACH);
	/* Disabling chaos ends it. */
	KUNIT_EXPECT_EQ(test, dwcp_res_chaos_enable(&init_net, false, NULL), 0);
	KUNIT_EXPECT_EQ(test, dwcp_res_chaos_enable(&init_net, true, NULL), 0);
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);

	dwcp_res_chaos_clear(&init_net);
	arm(test, DWCP_RES_FAULT_CPU_SPIKE, 20 * NSEC_PER_MSEC);
	/* No timeout and no DWCP_RES_ADMIT_TASK: maybe atomic, no spike. */
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	t0 = ktime_get_ns();
	KUNIT_EXPECT_EQ(test, dwcp_res_admit(p, &c, 0, 0, DWCP_RES_ADMIT_TASK), 0);
	KUNIT_EXPECT_GE(test, ktime_get_ns() - t0, 20ULL * NSEC_PER_MSEC);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, dwcp_res_chaos_enable(&init_net, false, NULL), 0);

	dwcp_res_policy_stats(p, &st);
	/* The scoped error and two partitioned calls. */
	KUNIT_EXPECT_EQ(test, st.rejected[DWCP_RES_REJECT_CHAOS], 3ULL);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_FAILURE], 3ULL);
	KUNIT_EXPECT_EQ(test, st.admitted, st.completed);
	dwcp_res_policy_put(p);
}

/*
 * Eight threads admit and complete on one policy with two slots and a
 * queue of three; @flags: the policy's (with DWCP_PIPE_F_RATE every call
 * takes the lock, with none the quiet policy's calls go lock-free until
 * the bulkhead fills). Returns the policy's stats at the end.
 */
static void hammer_policy(struct kunit *test, u32 flags, struct dwcp_res_policy_stats *st)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct hammer *h;
	/* More threads than slots + queue, so some wait and some are refused. */
	int nthreads = 8;
	u64 rejected = 0;
	u32 peak = 0;
	int i;

	h = kunit_kcalloc(test, nthreads, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	cfg->flags = flags;
	cfg->rate.rate = 200000;
	cfg->rate.burst = 64;
	cfg->bulkhead.max_concurrent = 2;
	cfg->bulkhead.max_queue = 3;
	cfg->bulkhead.max_wait_ns = 5 * NSEC_PER_MSEC;
	cfg->breaker.max_failures = 50;
	h[0].p = add_policy(test, cfg);
	atomic_set(&hammer_running, 0);
	atomic_set(&hammer_most, 0);

	for (i = 0; i < nthreads; i++) {
		struct task_struct *t;

		h[i].p = h[0].p;
		h[i].iterations = 1500;
		init_completion(&h[i].done);
		t = kthread_run(hammer_thread, &h[i], "dwcp-hammer/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < nthreads; i++)
		wait_for_completion(&h[i].done);

	dwcp_res_policy_stats(h[0].p, st);
	for (i = 0; i < __DWCP_RES_REJECT_MAX; i++)
		rejected += st->rejected[i];
	for (i = 1; i < nthreads; i++) {
		atomic_add(atomic_read(&h[i].admitted), &h[0].admitted);
		atomic_add(atomic_read(&h[i].rejected), &h[0].rejected);
		atomic_add(atomic_read(&h[i].other), &h[0].other);
		atomic_add(atomic_read(&h[i].attempts), &h[0].attempts);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&h[0].other), 0);
	KUNIT_EXPECT_EQ(test, st->admitted, (u64)atomic_read(&h[0].admitted));
	KUNIT_EXPECT_EQ(test, rejected, (u64)atomic_read(&h[0].rejected));
	KUNIT_EXPECT_EQ(test, st->admitted + rejected, (u64)nthreads * 1500);
	/* admitted = completed + in flight, with nothing left in flight */
	KUNIT_EXPECT_EQ(test, st->admitted, st->completed);
	KUNIT_EXPECT_EQ(test, st->inflight, 0U);
	/* no bulkhead slot lost, nobody left queued, limit never exceeded */
	KUNIT_EXPECT_EQ(test, st->bulkhead_active, 0U);
	KUNIT_EXPECT_EQ(test, st->bulkhead_queued, 0U);
	dwcp_res_policy_inspect(h[0].p, peak_active, &peak);
	KUNIT_EXPECT_LE(test, peak, 2U);
	KUNIT_EXPECT_LE(test, atomic_read(&hammer_most), 2);
	KUNIT_EXPECT_GT(test, st->admitted, 0ULL);
	KUNIT_EXPECT_GT(test, st->waited, 0ULL);
	kunit_info(test, "admitted %llu rejected %llu waited %llu\n",
		   st->admitted, rejected, st->waited);
	dwcp_res_policy_put(h[0].p);
}

/* No data races: runs under lockdep and KASAN, and on the KCSAN kernel. */
static void defect_12_concurrent_admit_complete(struct kunit *test)
{
	struct dwcp_res_policy_stats st;

	hammer_policy(test, DWCP_PIPE_F_RATE, &st);
	KUNIT_EXPECT_EQ(test, st.lockfree, 0ULL);
}

/*
 * The same on a quiet policy: calls go lock-free while a slot is free and
 * through the lock when the bulkhead is full or someone waits; the two
 * paths share the two slots (never more run at once), hand them to waiters
 * in both directions, and every counter adds up.
 */
static void lock_free_concurrent_admit_complete(struct kunit *test)
{
	struct dwcp_res_policy_stats st;

	hammer_policy(test, 0, &st);
	KUNIT_EXPECT_GT(test, st.lockfree, 0ULL);
	KUNIT_EXPECT_LT(test, st.lockfree, st.admitted);
	kunit_info(test, "lock-free %llu of %llu\n", st.lockfree, st.admitted);
}

static void breaker_failures(struct dwcp_pipe *pipe, void *arg)
{
	*(u32 *)arg = pipe->breaker.consecutive_failures;
}

/*
 * A quiet policy's calls skip the lock, and nothing is lost: counters,
 * results and the breaker's failure count read as if every call had taken
 * it; latencies are sampled unless a slow-call threshold needs them all.
 * A rate limit sends calls back to the lock.
 */
/*
 * A locked call whose caller drops its latency (ulp.c: a receive that
 * waited for its peer sets t.untimed) completes as a locked call: its
 * bulkhead slot is given back under the lock, never as a lock-free one.
 * Found by stress on the KCSAN guest: "admitted 4294967861 (sockets
 * 566)", the lock-free released count gone one below zero.
 */
static void untimed_locked_call_completes_locked(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct dwcp_res_policy_stats st;
	struct dwcp_res_policy *p;
	struct dwcp_res_call c;
	int i;

	p = add_policy(test, cfg);
	/*
	 * Stream calls of a policy the lock-free path serves, taken through
	 * the lock (a level other than normal turns the lock-free path away),
	 * as a socket's receive may be.
	 */
	KUNIT_ASSERT_EQ(test, dwcp_res_degrade_set(&init_net, DWCP_RES_LEVEL_DEGRADED, 0,
						   NULL), 0);
	for (i = 0; i < 3; i++) {
		KUNIT_ASSERT_EQ(test, dwcp_res_admit(p, &c, 0, 0, DWCP_RES_ADMIT_STREAM), 0);
		KUNIT_EXPECT_FALSE(test, c.t.fast);
		c.t.untimed = 1;
		dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	}
	KUNIT_EXPECT_EQ(test, dwcp_res_degrade_set(&init_net, DWCP_RES_LEVEL_NORMAL, 0, NULL),
			0);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.admitted, 3ULL);
	KUNIT_EXPECT_EQ(test, st.completed, 3ULL);
	KUNIT_EXPECT_EQ(test, st.lockfree, 0ULL);
	KUNIT_EXPECT_EQ(test, st.inflight, 0U);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_SUCCESS], 3ULL);
	KUNIT_EXPECT_EQ(test, st.latency_count, 0ULL);
	dwcp_res_policy_put(p);
}

static void lock_free_path_counts_as_locked(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct dwcp_res_policy_stats st;
	struct dwcp_res_policy *p;
	struct dwcp_res_call c;
	u64 latency_count;
	u32 failures;
	int i;

	cfg->flags = 0;
	p = add_policy(test, cfg);
	for (i = 0; i < 20; i++) {
		KUNIT_ASSERT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
		dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	}
	KUNIT_ASSERT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_FAILURE, false);
	dwcp_res_policy_inspect(p, breaker_failures, &failures);
	KUNIT_EXPECT_EQ(test, failures, 1U);
	KUNIT_ASSERT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	dwcp_res_policy_inspect(p, breaker_failures, &failures);
	KUNIT_EXPECT_EQ(test, failures, 0U);

	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.lockfree, 22ULL);
	KUNIT_EXPECT_EQ(test, st.admitted, 22ULL);
	KUNIT_EXPECT_EQ(test, st.completed, 22ULL);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_SUCCESS], 21ULL);
	KUNIT_EXPECT_EQ(test, st.results[DWCP_RES_RESULT_FAILURE], 1ULL);
	/* Without a slow-call threshold, one lock-free call in eight is timed. */
	KUNIT_EXPECT_LE(test, st.latency_count, 22ULL / 4);
	KUNIT_EXPECT_EQ(test, st.inflight, 0U);

	/* With one, every call is timed (to be classified). */
	cfg->breaker.slow_call_ns = 10ULL * NSEC_PER_SEC;
	KUNIT_ASSERT_EQ(test, dwcp_res_policy_set(&init_net, TEST_POLICY, cfg, NULL), 0);
	for (i = 0; i < 10; i++) {
		KUNIT_ASSERT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
		dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	}
	latency_count = st.latency_count;
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.latency_count, latency_count + 10);
	KUNIT_EXPECT_EQ(test, st.lockfree, 32ULL);
	KUNIT_EXPECT_EQ(test, st.completed, 32ULL);

	cfg->flags = DWCP_PIPE_F_RATE;
	cfg->rate.rate = 1000000;
	cfg->rate.burst = 1000;
	KUNIT_ASSERT_EQ(test, dwcp_res_policy_set(&init_net, TEST_POLICY, cfg, NULL), 0);
	KUNIT_ASSERT_EQ(test, dwcp_res_admit(p, &c, 0, 0, 0), 0);
	dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	dwcp_res_policy_stats(p, &st);
	KUNIT_EXPECT_EQ(test, st.lockfree, 32ULL);
	KUNIT_EXPECT_EQ(test, st.admitted, 33ULL);
	dwcp_res_policy_put(p);
}

struct waiter_arg {
	struct dwcp_res_policy *p;
	struct dwcp_res_call c;
	struct completion done;
	int err;
};

static int waiter_thread(void *arg)
{
	struct waiter_arg *w = arg;

	w->err = dwcp_res_admit(w->p, &w->c, 0, 5 * HZ, 0);
	complete(&w->done);
	return 0;
}

static void queued_count(struct dwcp_pipe *pipe, void *arg)
{
	*(u32 *)arg = pipe->bulkhead.queued;
}

/*
 * A policy of one slot and a queue of one, waits of @wait_ns: @a holds the
 * slot, and the returned waiter is queued behind it (in waiter_thread()).
 */
static struct waiter_arg *queue_behind_one(struct kunit *test, struct dwcp_pipe_config *cfg,
					   u64 wait_ns, struct dwcp_res_call *a)
{
	struct waiter_arg *w = kunit_kzalloc(test, sizeof(*w), GFP_KERNEL);
	struct task_struct *t;
	u32 queued = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, w);
	cfg->flags = 0;
	cfg->bulkhead.max_concurrent = 1;
	cfg->bulkhead.max_queue = 1;
	cfg->bulkhead.max_wait_ns = wait_ns;
	w->p = add_policy(test, cfg);
	init_completion(&w->done);
	KUNIT_ASSERT_EQ(test, dwcp_res_admit(w->p, a, 0, 0, 0), 0);
	t = kthread_run(waiter_thread, w, "dwcp-waiter");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	/* Up to 5 s for the thread to queue, polled every 1-2 ms. */
	for (i = 0; i < 2500 && !queued; i++) {
		usleep_range(1000, 2000);
		dwcp_res_policy_inspect(w->p, queued_count, &queued);
	}
	KUNIT_ASSERT_EQ(test, queued, 1U);
	return w;
}

/*
 * A call admitted lock-free holds the only slot; a caller queues behind
 * it. The lock-free completion must hand the slot on at once (not leave
 * the waiter to its 5 s timeout).
 */
static void lock_free_slot_goes_to_waiter(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct dwcp_res_policy_stats st;
	struct dwcp_res_call a;
	struct waiter_arg *w;
	u64 t0;

	w = queue_behind_one(test, cfg, 5ULL * NSEC_PER_SEC, &a);
	t0 = ktime_get_ns();
	dwcp_res_complete(&a, DWCP_RES_RESULT_SUCCESS, false);
	wait_for_completion(&w->done);
	KUNIT_EXPECT_EQ(test, w->err, 0);
	KUNIT_EXPECT_LT(test, ktime_get_ns() - t0, (u64)NSEC_PER_SEC);
	dwcp_res_complete(&w->c, DWCP_RES_RESULT_SUCCESS, false);
	dwcp_res_policy_stats(w->p, &st);
	KUNIT_EXPECT_EQ(test, st.lockfree, 1ULL);
	KUNIT_EXPECT_EQ(test, st.admitted, 2ULL);
	KUNIT_EXPECT_EQ(test, st.completed, 2ULL);
	KUNIT_EXPECT_EQ(test, st.waited, 1ULL);
	KUNIT_EXPECT_EQ(test, st.bulkhead_active, 0U);
	dwcp_res_policy_put(w->p);
}

static void sleep_after_grant(struct dwcp_res_policy *p)
{
	msleep(300);
}

/*
 * Raising "concurrent" grants a slot to a queued caller. It used to be
 * woken after the policy lock was dropped: a caller whose 100 ms wait ended
 * in between found itself still queued, but the queue count already taken
 * by the grant, so its abort gave nothing back and the slot stayed taken
 * for ever. The test build sleeps 300 ms right after the grant's locked
 * section (dwcp_res_test_after_grant) so the wait always ends there; before
 * the fix bulkhead_active stayed at 1 with nothing in flight.
 */
static void grant_survives_the_waiters_timeout(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test), *more;
	struct dwcp_res_policy_stats st;
	struct dwcp_res_call a;
	struct waiter_arg *w;

	more = kunit_kzalloc(test, sizeof(*more), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, more);
	w = queue_behind_one(test, cfg, 100 * NSEC_PER_MSEC, &a);
	*more = *cfg;
	more->bulkhead.max_concurrent = 2;
	WRITE_ONCE(dwcp_res_test_after_grant, sleep_after_grant);
	KUNIT_EXPECT_EQ(test, dwcp_res_policy_set(&init_net, TEST_POLICY, more, NULL), 0);
	WRITE_ONCE(dwcp_res_test_after_grant, NULL);
	wait_for_completion(&w->done);
	/* Granted before its wait ended: admitted, not timed out. */
	KUNIT_EXPECT_EQ(test, w->err, 0);
	if (!w->err)
		dwcp_res_complete(&w->c, DWCP_RES_RESULT_SUCCESS, false);
	dwcp_res_complete(&a, DWCP_RES_RESULT_SUCCESS, false);
	dwcp_res_policy_stats(w->p, &st);
	KUNIT_EXPECT_EQ(test, st.bulkhead_active, 0U);
	KUNIT_EXPECT_EQ(test, st.bulkhead_queued, 0U);
	dwcp_res_policy_put(w->p);
}

/* How far the two calls of lock_free_recheck_sees_a_locked_admission got. */
enum {
	ABA_IDLE, ABA_FAST_READ, ABA_LOCKED_FOLDED, ABA_FAST_COUNTED, ABA_LOCKED_DONE,
	ABA_MISSED = 100
};

static struct {
	struct dwcp_res_policy *p;
	struct task_struct *locked, *lockfree;
	atomic_t step;
	struct dwcp_res_call c;
	struct completion done;
	int err;
} aba;

/*
 * Wait for the other call to reach @step, for 2 s at most: then the window
 * was missed, and everyone stops waiting. Spins: the locked call waits with
 * the policy lock held, the lock-free one with preemption off; the test
 * thread, between the two, also yields.
 */
static bool aba_wait(int step, bool may_yield)
{
	u64 end = ktime_get_ns() + 2 * NSEC_PER_SEC;

	while (atomic_read(&aba.step) < step) {
		if (ktime_get_ns() > end) {
			atomic_set(&aba.step, ABA_MISSED);
			break;
		}
		if (may_yield)
			cond_resched();
		cpu_relax();
	}
	return atomic_read(&aba.step) != ABA_MISSED;
}

static void aba_fast_read(struct dwcp_res_policy *p)
{
	if (p != aba.p || current != aba.lockfree)
		return;
	atomic_cmpxchg(&aba.step, ABA_IDLE, ABA_FAST_READ);
	aba_wait(ABA_LOCKED_FOLDED, false);
}

static void aba_fast_counted(struct dwcp_res_policy *p)
{
	if (p != aba.p || current != aba.lockfree)
		return;
	atomic_cmpxchg(&aba.step, ABA_LOCKED_FOLDED, ABA_FAST_COUNTED);
	aba_wait(ABA_LOCKED_DONE, false);
}

static void aba_locked_fold(struct dwcp_res_policy *p)
{
	if (p != aba.p || current != aba.locked ||
	    atomic_cmpxchg(&aba.step, ABA_FAST_READ, ABA_LOCKED_FOLDED) != ABA_FAST_READ)
		return;
	aba_wait(ABA_FAST_COUNTED, false);
}

static int aba_lockfree_thread(void *arg)
{
	aba.err = dwcp_res_admit(aba.p, &aba.c, 0, 0, DWCP_RES_ADMIT_STREAM);
	complete(&aba.done);
	return 0;
}

/*
 * A bulkhead of one slot, a lock-free stream call and a locked operation
 * call (the send profile's adaptive rate limits operations only). The hooks
 * put them in the losing order: the lock-free call reads the generation;
 * the locked call clears it and counts no lock-free slot; the lock-free
 * call counts itself and no locked one; the locked call admits and
 * unlocks; the lock-free call re-checks. The re-check used to compare the
 * breaker's epoch, which every unlock republishes unchanged, so it passed:
 * two calls ran against a limit of one, every time.
 */
static void lock_free_recheck_sees_a_locked_admission(struct kunit *test)
{
	struct dwcp_pipe_config *cfg = test_config(test);
	struct dwcp_res_policy_stats st;
	struct dwcp_res_call c;
	struct task_struct *t;
	int err, step;

	if (!cpu_online(0) || !cpu_online(1))
		kunit_skip(test, "the two calls need CPUs 0 and 1");
	cfg->bulkhead.max_concurrent = 1;
	cfg->bulkhead.max_queue = 0;
	memset(&aba, 0, sizeof(aba));
	aba.p = add_policy(test, cfg);
	aba.locked = current;
	init_completion(&aba.done);
	/* The locked call spins with the lock held: never on the other's CPU. */
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(0)), 0);
	t = kthread_create(aba_lockfree_thread, NULL, "dwcp-aba");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, 1);
	aba.lockfree = t;
	WRITE_ONCE(dwcp_res_test_fast_read, aba_fast_read);
	WRITE_ONCE(dwcp_res_test_fast_counted, aba_fast_counted);
	WRITE_ONCE(dwcp_res_test_locked_fold, aba_locked_fold);
	wake_up_process(t);

	aba_wait(ABA_FAST_READ, true);
	err = dwcp_res_admit(aba.p, &c, 0, 0, 0);
	atomic_cmpxchg(&aba.step, ABA_FAST_COUNTED, ABA_LOCKED_DONE);
	wait_for_completion(&aba.done);
	WRITE_ONCE(dwcp_res_test_fast_read, NULL);
	WRITE_ONCE(dwcp_res_test_fast_counted, NULL);
	WRITE_ONCE(dwcp_res_test_locked_fold, NULL);
	set_cpus_allowed_ptr(current, cpu_possible_mask);
	step = atomic_read(&aba.step);

	KUNIT_EXPECT_EQ_MSG(test, step, ABA_LOCKED_DONE, "the calls missed the window");
	KUNIT_EXPECT_EQ(test, err, 0);
	KUNIT_EXPECT_NE_MSG(test, aba.err, 0,
			    "a lock-free and a locked call both admitted against a limit of 1");
	if (!err)
		dwcp_res_complete(&c, DWCP_RES_RESULT_SUCCESS, false);
	if (!aba.err)
		dwcp_res_complete(&aba.c, DWCP_RES_RESULT_SUCCESS, false);
	dwcp_res_policy_stats(aba.p, &st);
	KUNIT_EXPECT_EQ(test, st.bulkhead_active, 0U);
	KUNIT_EXPECT_EQ(test, st.inflight, 0U);
	dwcp_res_policy_put(aba.p);
}

static struct kunit_case dwcp_policy_test_cases[] = {
	KUNIT_CASE(profile_is_loaded),
	KUNIT_CASE(bad_input_is_explained),
	KUNIT_CASE(rejections_have_errnos),
	KUNIT_CASE(reconfigure_keeps_state),
	KUNIT_CASE(deleted_policy_lives_until_put),
	KUNIT_CASE(set_does_not_wait_for_readers),
	KUNIT_CASE(go_retry_policy_success_in_kernel),
	KUNIT_CASE(go_retry_policy_max_retries_in_kernel),
	KUNIT_CASE(call_retry_statistics),
	KUNIT_CASE(call_latency_budget),
	KUNIT_CASE(call_does_not_retry_permanent_errors),
	KUNIT_CASE(go_exponential_backoff_in_kernel),
	KUNIT_CASE(go_timeout_manager_basic_in_kernel),
	KUNIT_CASE(go_timeout_manager_timeout_in_kernel),
	KUNIT_CASE(defect_16_one_deadline_in_kernel),
	KUNIT_CASE(defect_13_policy_count_bounded),
	KUNIT_CASE(chaos_faults_in_kernel),
	KUNIT_CASE(chaos_peer_partition_spike_in_kernel),
	KUNIT_CASE(defect_12_concurrent_admit_complete),
	KUNIT_CASE(lock_free_concurrent_admit_complete),
	KUNIT_CASE(lock_free_path_counts_as_locked),
	KUNIT_CASE(untimed_locked_call_completes_locked),
	KUNIT_CASE(lock_free_slot_goes_to_waiter),
	KUNIT_CASE(grant_survives_the_waiters_timeout),
	KUNIT_CASE(lock_free_recheck_sees_a_locked_admission),
	{}
};

static struct kunit_suite dwcp_policy_test_suite = {
	.name = "dwcp_policy",
	.suite_init = policy_suite_init,
	.suite_exit = policy_suite_exit,
	.exit = policy_exit,
	.test_cases = dwcp_policy_test_cases,
};

kunit_test_suite(dwcp_policy_test_suite);
