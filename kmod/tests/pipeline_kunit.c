// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the admission pipeline (kmod/core/pipeline.c), with a fake
 * clock. The test plays the kernel shell: it keeps the bulkhead's FIFO of
 * waiters, sleeps by moving the clock, and resumes or aborts waiters.
 * selftests/host/test_pipeline.c runs this same file on the host.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/pipeline.h"

#define US	((u64)NSEC_PER_USEC)
#define MS	((u64)NSEC_PER_MSEC)
#define SEC	((u64)NSEC_PER_SEC)
#define T0	(1000 * SEC)

#define LVL_NORMAL	DWCP_RES_LEVEL_NORMAL
#define R_SUCCESS	DWCP_RES_RESULT_SUCCESS
#define R_FAILURE	DWCP_RES_RESULT_FAILURE

static struct dwcp_pipe *pipe_new(struct kunit *test,
				  const struct dwcp_pipe_config *cfg, u64 now)
{
	struct dwcp_pipe *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	const char *why = NULL;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_ASSERT_EQ_MSG(test, dwcp_pipe_init(p, cfg, now, &why), 0,
			    "why: %s", why ? why : "-");
	return p;
}

/*
 * A small policy: sync's profile (HIGH priority), breaker 2 failures / 1 s
 * open / 2 probes, a fixed 10/s rate with burst 2, bulkhead 2 / queue 2 /
 * 100 ms.
 */
static void small_cfg(struct kunit *test, struct dwcp_pipe_config *cfg)
{
	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(cfg, DWCP_RES_CLASS_SYNC), 0);
	cfg->breaker.max_failures = 2;
	cfg->breaker.open_duration_ns = SEC;
	cfg->breaker.max_wait_half_open_ns = 0;
	cfg->breaker.half_open_permits = 2;
	cfg->flags = DWCP_PIPE_F_RATE;
	cfg->rate.rate = 10;
	cfg->rate.burst = 2;
	cfg->rate.byte_rate = 0;
	cfg->rate.burst_bytes = 0;
	cfg->bulkhead.max_concurrent = 2;
	cfg->bulkhead.max_queue = 2;
	cfg->bulkhead.max_wait_ns = 100 * MS;
}

static u32 admit(struct dwcp_pipe *p, struct dwcp_pipe_ticket *t, u64 now,
		 u32 flags, u64 deadline)
{
	return dwcp_pipe_admit(p, t, now, 0, LVL_NORMAL, flags, deadline);
}

static void budget_counts(struct dwcp_pipe *p, u64 now, u64 *total, u64 *bad)
{
	dwcp_budget_window(&p->budget, now, p->budget.cfg.nbuckets, total, bad);
}

/* ---- configuration ---- */

struct profile_case {
	const char *class;
	u32 prio;
	u32 failures;
	u64 op_timeout_ns;
	u64 open_ns;
	u32 concurrent;
	u32 queue;
	u64 wait_ns;
	u32 retries;
	u64 retry_base_ns;
	u64 retry_cap_ns;
	u32 slo_ppm;
	u64 p95_ns;
	bool adaptive;
};

static const struct profile_case profile_cases[] = {
	{ DWCP_RES_CLASS_SEND, DWCP_RES_PRIO_NORMAL, 5, 30 * SEC, 60 * SEC,
	  100, 200, 5 * SEC, 3, 100 * MS, 5 * SEC, 999000, 100 * MS, true },
	{ DWCP_RES_CLASS_RECEIVE, DWCP_RES_PRIO_NORMAL, 5, 30 * SEC, 60 * SEC,
	  100, 200, 5 * SEC, 3, 100 * MS, 5 * SEC, 999000, 100 * MS, true },
	{ DWCP_RES_CLASS_SYNC, DWCP_RES_PRIO_HIGH, 3, 10 * SEC, 30 * SEC,
	  50, 100, 10 * SEC, 5, 200 * MS, 10 * SEC, 995000, 500 * MS, false },
	{ DWCP_RES_CLASS_CONSENSUS, DWCP_RES_PRIO_CRITICAL, 3, 10 * SEC, 30 * SEC,
	  20, 50, 15 * SEC, 5, 500 * MS, 30 * SEC, 995000, SEC, false },
};

static void profile_desc(const struct profile_case *c, char *desc)
{
	strscpy(desc, c->class, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(profile, profile_cases, profile_desc);

/* The DWCP profile table (Documentation/admin-guide.rst), class by class. */
static void pipe_dwcp_profile(struct kunit *test)
{
	const struct profile_case *c = test->param_value;
	struct dwcp_pipe_config cfg;
	const char *why = NULL;
	struct dwcp_pipe *p;

	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(&cfg, c->class), 0);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_check(&cfg, &why), 0);
	KUNIT_EXPECT_EQ(test, cfg.priority, c->prio);
	KUNIT_EXPECT_EQ(test, cfg.breaker.max_failures, c->failures);
	KUNIT_EXPECT_EQ(test, cfg.timeout.initial_ns, c->op_timeout_ns);
	KUNIT_EXPECT_EQ(test, cfg.breaker.open_duration_ns, c->open_ns);
	KUNIT_EXPECT_EQ(test, cfg.bulkhead.max_concurrent, c->concurrent);
	KUNIT_EXPECT_EQ(test, cfg.bulkhead.max_queue, c->queue);
	KUNIT_EXPECT_EQ(test, cfg.bulkhead.max_wait_ns, c->wait_ns);
	KUNIT_EXPECT_EQ(test, cfg.retry.max_retries, c->retries);
	KUNIT_EXPECT_EQ(test, cfg.retry.base_ns, c->retry_base_ns);
	KUNIT_EXPECT_EQ(test, cfg.retry.cap_ns, c->retry_cap_ns);
	KUNIT_EXPECT_EQ(test, cfg.retry.mult_permille, 2000U);
	KUNIT_EXPECT_EQ(test, cfg.budget.slo_ppm, c->slo_ppm);
	KUNIT_EXPECT_EQ(test, cfg.latency_target_ns, c->p95_ns);
	KUNIT_EXPECT_EQ(test, cfg.degrade_limit_permille, 750U);
	if (c->adaptive) {
		KUNIT_EXPECT_EQ(test, cfg.flags, DWCP_PIPE_F_RATE | DWCP_PIPE_F_ADAPTIVE);
		KUNIT_EXPECT_EQ(test, cfg.adaptive.initial_rate, 1000 * DWCP_MCPS_PER_CPS);
		KUNIT_EXPECT_EQ(test, cfg.adaptive.min_rate, 100 * DWCP_MCPS_PER_CPS);
		KUNIT_EXPECT_EQ(test, cfg.adaptive.max_rate, 10000 * DWCP_MCPS_PER_CPS);
		KUNIT_EXPECT_EQ(test, cfg.adaptive.target_ns, 100 * MS);
		KUNIT_EXPECT_EQ(test, cfg.adaptive.percentile_ppm, DWCP_HIST_P95);
		KUNIT_EXPECT_EQ(test, cfg.rate.rate, 1000ULL);
		KUNIT_EXPECT_EQ(test, cfg.rate.burst, 1000U);
	} else {
		KUNIT_EXPECT_EQ(test, cfg.flags, 0U);
	}

	p = pipe_new(test, &cfg, T0);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_timeout(p), c->op_timeout_ns);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_CLOSED);
	if (c->adaptive) {
		KUNIT_EXPECT_EQ(test, p->rate.cfg.rate, 1000ULL);
		KUNIT_EXPECT_EQ(test, p->rate.cfg.burst, 1000U);
	}
}

static void pipe_profile_unknown_class(struct kunit *test)
{
	struct dwcp_pipe_config cfg;

	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_profile(&cfg, "bogus"), -ENOENT);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_profile(&cfg, ""), -ENOENT);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_profile(&cfg, "sendx"), -ENOENT);
}

static void pipe_config_check_rejects(struct kunit *test)
{
	struct dwcp_pipe_config good, cfg;
	struct dwcp_pipe *p;
	const char *why;

	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(&good, DWCP_RES_CLASS_SEND), 0);

	cfg = good;
	cfg.flags |= BIT(7);
	why = NULL;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_check(&cfg, &why), -EOPNOTSUPP);
	KUNIT_EXPECT_NOT_NULL(test, why);

	cfg = good;
	cfg.flags = DWCP_PIPE_F_ADAPTIVE;
	why = NULL;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_check(&cfg, &why), -EINVAL);
	KUNIT_EXPECT_NOT_NULL(test, why);

	cfg = good;
	cfg.priority = __DWCP_RES_PRIO_MAX;
	why = NULL;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_check(&cfg, &why), -ERANGE);
	KUNIT_EXPECT_NOT_NULL(test, why);

	cfg = good;
	cfg.degrade_limit_permille = 0;
	why = NULL;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_check(&cfg, &why), -ERANGE);
	KUNIT_EXPECT_NOT_NULL(test, why);
	cfg.degrade_limit_permille = 1001;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_check(&cfg, &why), -ERANGE);
	cfg.degrade_limit_permille = 1000;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_check(&cfg, &why), 0);

	/* A bad nested config: its own errno and message come through. */
	cfg = good;
	cfg.bulkhead.max_concurrent = 0;
	why = NULL;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_check(&cfg, &why), -EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, why);
	KUNIT_EXPECT_STREQ(test, why, "max_concurrent must be at least 1");

	cfg = good;
	cfg.rate.rate = 0;
	why = NULL;
	KUNIT_EXPECT_NE(test, dwcp_pipe_config_check(&cfg, &why), 0);
	KUNIT_EXPECT_NOT_NULL(test, why);
	/* The rate config only matters with the rate limit on. */
	cfg.flags = 0;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_config_check(&cfg, &why), 0);

	/* init and reconfigure refuse it too; reconfigure keeps the state. */
	p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	cfg = good;
	cfg.bulkhead.max_concurrent = 0;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_init(p, &cfg, T0, &why), -EINVAL);
	KUNIT_ASSERT_EQ(test, dwcp_pipe_init(p, &good, T0, &why), 0);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reconfigure(p, &cfg, T0, &why), -EINVAL);
	KUNIT_EXPECT_EQ(test, p->bulkhead.cfg.max_concurrent, 100U);
}

/* ---- each rejection, in pipeline order ---- */

struct errno_case {
	u32 reason;
	u64 fault_value;
	int err;
	const char *name;
	u8 fault;
};

static const struct errno_case errno_cases[] = {
	{ DWCP_RES_REJECT_NONE, 0, 0, "none", 0 },
	{ DWCP_RES_REJECT_SHED, 0, -ECANCELED, "shed", 0 },
	{ DWCP_RES_REJECT_BREAKER, 0, -ECONNREFUSED, "breaker", 0 },
	{ DWCP_RES_REJECT_RATE, 0, -ENOBUFS, "rate", 0 },
	{ DWCP_RES_REJECT_BULKHEAD_FULL, 0, -EBUSY, "bulkhead_full", 0 },
	{ DWCP_RES_REJECT_BULKHEAD_WAIT, 0, -ETIME, "bulkhead_wait", 0 },
	{ DWCP_RES_REJECT_CHAOS, 0, -EIO, "chaos_default", DWCP_RES_FAULT_ERROR },
	{ DWCP_RES_REJECT_CHAOS, ECONNRESET, -ECONNRESET, "chaos_errno",
	  DWCP_RES_FAULT_ERROR },
	{ DWCP_RES_REJECT_CHAOS, 5 * MS, -ETIMEDOUT, "chaos_timeout",
	  DWCP_RES_FAULT_TIMEOUT },
	{ DWCP_RES_REJECT_CHAOS, 5 * MS, -EHOSTUNREACH, "chaos_partition",
	  DWCP_RES_FAULT_PARTITION },
};

static void errno_desc(const struct errno_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(errno, errno_cases, errno_desc);

static void pipe_reject_errno_table(struct kunit *test)
{
	const struct errno_case *c = test->param_value;
	struct dwcp_pipe_ticket t = {};

	t.reason = c->reason;
	t.fault_value = c->fault_value;
	t.fault = c->fault;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&t), c->err);
}

/* 1. The degradation gate sheds by priority, before the breaker. */
static void pipe_reject_shed(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *send, *sync, *cons;
	u64 now = T0;

	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(&cfg, DWCP_RES_CLASS_SEND), 0);
	send = pipe_new(test, &cfg, now);
	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(&cfg, DWCP_RES_CLASS_SYNC), 0);
	sync = pipe_new(test, &cfg, now);
	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(&cfg, DWCP_RES_CLASS_CONSENSUS), 0);
	cons = pipe_new(test, &cfg, now);

	KUNIT_EXPECT_EQ(test, dwcp_pipe_admit(send, &t, now, 0, DWCP_RES_LEVEL_EMERGENCY,
					      0, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, DWCP_RES_REJECT_SHED);
	KUNIT_EXPECT_EQ(test, t.stage, DWCP_PIPE_STAGE_DONE);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&t), -ECANCELED);
	/* Shed before the breaker and the limiter: neither saw the call. */
	KUNIT_EXPECT_EQ(test, send->breaker.admitted, 0ULL);
	KUNIT_EXPECT_EQ(test, send->rate.admitted + send->rate.rejected, 0ULL);
	KUNIT_EXPECT_EQ(test, send->inflight, 0U);

	KUNIT_EXPECT_EQ(test, dwcp_pipe_admit(sync, &t, now, 0, DWCP_RES_LEVEL_EMERGENCY,
					      0, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, DWCP_RES_REJECT_SHED);

	/* Consensus is critical: still admitted at EMERGENCY. */
	KUNIT_EXPECT_EQ(test, dwcp_pipe_admit(cons, &t, now, 0, DWCP_RES_LEVEL_EMERGENCY,
					      0, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&t), 0);
	dwcp_pipe_complete(cons, &t, now, R_SUCCESS, false);

	/* SEVERELY_DEGRADED sheds below HIGH only. */
	KUNIT_EXPECT_EQ(test, dwcp_pipe_admit(send, &t, now, 0,
					      DWCP_RES_LEVEL_SEVERELY_DEGRADED, 0, 0),
			DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, DWCP_RES_REJECT_SHED);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_admit(sync, &t, now, 0,
					      DWCP_RES_LEVEL_SEVERELY_DEGRADED, 0, 0),
			DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(sync, &t, now, R_SUCCESS, false);

	/* DEGRADED sheds nobody. */
	KUNIT_EXPECT_EQ(test, dwcp_pipe_admit(send, &t, now, 0, DWCP_RES_LEVEL_DEGRADED,
					      0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(send, &t, now, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, send->inflight, 0U);
}

/* 2. The breaker opens after max_failures and rejects before the limiter. */
static void pipe_reject_breaker(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	u64 now = T0;
	s64 toks;
	int i;

	small_cfg(test, &cfg);
	p = pipe_new(test, &cfg, now);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
		KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker),
				DWCP_RES_BREAKER_CLOSED);
		dwcp_pipe_complete(p, &t, now + MS, R_FAILURE, false);
		now += SEC;	/* refill the bucket */
	}
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_OPEN);
	toks = dwcp_tb_tokens_ns(&p->rate, now);
	KUNIT_EXPECT_EQ(test, admit(p, &t, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, DWCP_RES_REJECT_BREAKER);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&t), -ECONNREFUSED);
	KUNIT_EXPECT_EQ(test, dwcp_tb_tokens_ns(&p->rate, now), toks);
	KUNIT_EXPECT_EQ(test, p->bulkhead.admitted, 2ULL);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
}

/* 3. A caller that may not wait is refused beyond the burst. */
static void pipe_reject_rate(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	u64 now = T0;
	int i;

	small_cfg(test, &cfg);
	p = pipe_new(test, &cfg, now);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
		KUNIT_EXPECT_TRUE(test, t.charged);
		dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	}
	KUNIT_EXPECT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, DWCP_RES_REJECT_RATE);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&t), -ENOBUFS);
	/* Rejected before the bulkhead. */
	KUNIT_EXPECT_EQ(test, p->bulkhead.admitted, 2ULL);
	KUNIT_EXPECT_EQ(test, p->bulkhead.rejected_full, 0ULL);
	/* One call's worth of time later it fits again. */
	now += 100 * MS;
	KUNIT_EXPECT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
}

/*
 * An adaptive rate below one call a second is enforced as it is: held at
 * 0.5/s, the bucket admits one call every 2 s, not one a second.
 */
static void pipe_adaptive_fractional_rate(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	u64 now = T0;

	small_cfg(test, &cfg);
	cfg.flags = DWCP_PIPE_F_RATE | DWCP_PIPE_F_ADAPTIVE;
	cfg.adaptive.initial_rate = 500;
	cfg.adaptive.min_rate = 500;
	cfg.adaptive.max_rate = 500;
	p = pipe_new(test, &cfg, now);
	KUNIT_EXPECT_EQ(test, p->rate.cfg.mrate, 500ULL);
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	now += SEC;
	KUNIT_EXPECT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, DWCP_RES_REJECT_RATE);
	now += SEC;
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
}

/* ---- latency budget ---- */

/*
 * Every timed completion feeds the latency budget, and so do the lock-free
 * path's samples at a fold; a policy without a target keeps none.
 */
static void pipe_latency_budget(struct kunit *test)
{
	struct dwcp_hist *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);
	struct dwcp_pipe_fold f = {};
	struct dwcp_latbudget_status st;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	u64 now = T0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, h);
	small_cfg(test, &cfg);
	cfg.flags = 0;
	cfg.latency_target_ns = 100 * MS;
	p = pipe_new(test, &cfg, now);
	KUNIT_EXPECT_TRUE(test, dwcp_pipe_latbudget_on(p));
	for (i = 0; i < 19; i++) {
		KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
		now += 150 * MS;
		dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	}
	dwcp_latbudget_eval(&p->latbudget, now, &st);
	KUNIT_EXPECT_EQ(test, st.total, 19ULL);
	KUNIT_EXPECT_EQ(test, st.compliance_ppm, 0U);
	/* 19 calls are no evidence yet (at least 20). */
	KUNIT_EXPECT_FALSE(test, st.exhausted);

	/* 20 fast ones from the lock-free path, folded: compliance 20/39. */
	dwcp_hist_init(h);
	for (i = 0; i < 20; i++)
		dwcp_hist_record(h, MS);
	f.latencies = h;
	f.successes = 20;
	dwcp_pipe_fold(p, now, &f);
	dwcp_latbudget_eval(&p->latbudget, now, &st);
	KUNIT_EXPECT_EQ(test, st.total, 39ULL);
	KUNIT_EXPECT_EQ(test, st.exceeding, 19ULL);
	KUNIT_EXPECT_TRUE(test, st.exhausted);

	/* No target: no latency budget, nothing recorded. */
	cfg.latency_target_ns = 0;
	KUNIT_ASSERT_GE(test, dwcp_pipe_reconfigure(p, &cfg, now, NULL), 0);
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_latbudget_on(p));
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &t, now + SEC, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, p->latbudget.life_total, 39ULL);
}

/* ---- shadow mode ---- */

#define SHADOW_HELD	4

/* One pipe of the pair: what it decided and the calls it holds open. */
struct shadow_run {
	struct dwcp_pipe *p;
	struct dwcp_pipe_ticket held[SHADOW_HELD];
	int nheld;
	u64 refused[__DWCP_RES_REJECT_MAX];
};

/*
 * Offer one call to @r at @now. An enforcing pipe's refusal is counted
 * from t.reason; a shadow pipe's from t.shadow, and its bypass ticket is
 * completed at once (as a failure: it must feed nothing). A call that got
 * through is held open when there is room, else completed with @result.
 */
static void shadow_offer(struct kunit *test, struct shadow_run *r, u64 now,
			 u32 level, u32 result)
{
	struct dwcp_pipe_ticket t;
	enum dwcp_pipe_verdict v;

	/* A caller that could wait changes nothing in shadow mode. */
	v = dwcp_pipe_admit(r->p, &t, now, 0, level,
			    r->p->flags & DWCP_PIPE_F_SHADOW ? DWCP_PIPE_MAY_WAIT : 0, 0);
	if (v == DWCP_PIPE_REJECT) {
		r->refused[t.reason]++;
		return;
	}
	KUNIT_ASSERT_EQ(test, v, DWCP_PIPE_ADMIT);
	if (t.bypass) {
		r->refused[t.shadow]++;
		KUNIT_EXPECT_FALSE(test, dwcp_pipe_complete(r->p, &t, now, R_FAILURE, false));
		return;
	}
	if (r->nheld < SHADOW_HELD && result == R_SUCCESS) {
		r->held[r->nheld++] = t;
		return;
	}
	dwcp_pipe_complete(r->p, &t, now, result, false);
}

static void shadow_release(struct shadow_run *r, u64 now)
{
	while (r->nheld)
		dwcp_pipe_complete(r->p, &r->held[--r->nheld], now, R_SUCCESS, false);
}

/*
 * The same calls, offered to a policy that enforces and to the same policy
 * in shadow mode, by callers that cannot wait: the shadow pipe refuses
 * nothing, counts exactly the refusals the enforcing one made, per reason,
 * and ends in the same state (breaker, bucket, bulkhead, budget).
 */
static void pipe_shadow_counts_what_enforce_refuses(struct kunit *test)
{
	struct shadow_run *pair = kunit_kzalloc(test, 2 * sizeof(*pair), GFP_KERNEL);
	struct shadow_run *e = pair, *s = pair + 1;	/* enforcing, shadow */
	struct dwcp_pipe_config cfg;
	u64 now = T0, x = 12345;
	int i, k;

	KUNIT_ASSERT_NOT_NULL(test, pair);
	small_cfg(test, &cfg);
	cfg.bulkhead.max_queue = 0;
	e->p = pipe_new(test, &cfg, now);
	cfg.flags |= DWCP_PIPE_F_SHADOW;
	s->p = pipe_new(test, &cfg, now);
	for (i = 0; i < 3000; i++) {
		u32 level = LVL_NORMAL, result = R_SUCCESS;

		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		now += ((x >> 33) % 120) * MS;
		if ((x >> 20) % 5 == 0)
			result = R_FAILURE;
		if (i % 400 >= 350)
			level = DWCP_RES_LEVEL_EMERGENCY;	/* sheds sync's priority */
		if ((x >> 40) % 4 == 0) {
			shadow_release(e, now);
			shadow_release(s, now);
		}
		/* A burst now and then, to fill the bulkhead. */
		for (k = 0; k < 1 + ((x >> 50) % 8 == 0) * 5; k++) {
			shadow_offer(test, e, now, level, result);
			shadow_offer(test, s, now, level, result);
		}
	}
	for (i = 0; i < __DWCP_RES_REJECT_MAX; i++)
		KUNIT_EXPECT_EQ_MSG(test, s->refused[i], e->refused[i], "reason %d", i);
	KUNIT_EXPECT_EQ(test, s->refused[DWCP_RES_REJECT_NONE], 0ULL);
	/* Every stage had its say, so the test means something. */
	KUNIT_EXPECT_GT(test, e->refused[DWCP_RES_REJECT_SHED], 10ULL);
	KUNIT_EXPECT_GT(test, e->refused[DWCP_RES_REJECT_BREAKER], 10ULL);
	KUNIT_EXPECT_GT(test, e->refused[DWCP_RES_REJECT_RATE], 10ULL);
	KUNIT_EXPECT_GT(test, e->refused[DWCP_RES_REJECT_BULKHEAD_FULL], 10ULL);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&s->p->breaker),
			dwcp_breaker_state(&e->p->breaker));
	KUNIT_EXPECT_EQ(test, s->p->breaker.epoch, e->p->breaker.epoch);
	KUNIT_EXPECT_EQ(test, s->p->rate.tokens, e->p->rate.tokens);
	KUNIT_EXPECT_EQ(test, s->p->rate.admitted, e->p->rate.admitted);
	KUNIT_EXPECT_EQ(test, dwcp_bh_held(&s->p->bulkhead), dwcp_bh_held(&e->p->bulkhead));
	KUNIT_EXPECT_EQ(test, s->p->budget.life_total, e->p->budget.life_total);
	KUNIT_EXPECT_EQ(test, s->p->budget.life_bad, e->p->budget.life_bad);
	shadow_release(e, now);
	shadow_release(s, now);
	KUNIT_EXPECT_EQ(test, s->p->inflight, 0U);
	KUNIT_EXPECT_EQ(test, dwcp_bh_held(&s->p->bulkhead), 0U);
}

/*
 * In shadow mode nothing waits or fails by chaos: a caller that could wait
 * for the rate is let through at once (counted as a rate refusal), and a
 * fault the dice pick is not carried out. Switching modes keeps state.
 */
static void pipe_shadow_never_waits_or_faults(struct kunit *test)
{
	struct dwcp_chaos_config cc;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t, b;
	struct dwcp_pipe *p;
	const char *why;
	u64 now = T0;
	int i;

	small_cfg(test, &cfg);
	cfg.flags |= DWCP_PIPE_F_SHADOW;
	p = pipe_new(test, &cfg, now);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_ADMIT);
		dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	}
	/* The bucket is empty: an enforcing pipe would make this one wait. */
	KUNIT_EXPECT_EQ(test, admit(p, &b, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, b.shadow, DWCP_RES_REJECT_RATE);
	KUNIT_EXPECT_TRUE(test, b.bypass);
	KUNIT_EXPECT_FALSE(test, b.charged);

	dwcp_chaos_config_default(&cc, DWCP_RES_FAULT_ERROR);
	cc.probability_ppm = DWCP_CHAOS_PPM;
	KUNIT_ASSERT_EQ(test, dwcp_pipe_set_fault(p, &cc, &why), 0);
	now += SEC;
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_CHAOS, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	KUNIT_EXPECT_EQ(test, t.shadow, DWCP_RES_REJECT_CHAOS);
	KUNIT_EXPECT_FALSE(test, t.bypass);
	/* It ran: its own result counts, as any call's. */
	dwcp_pipe_complete(p, &t, now, R_FAILURE, false);
	KUNIT_EXPECT_EQ(test, p->breaker.consecutive_failures, 1U);

	/* Back to enforcing: the bypass still in flight feeds nothing. */
	cfg.flags &= ~DWCP_PIPE_F_SHADOW;
	KUNIT_ASSERT_GE(test, dwcp_pipe_reconfigure(p, &cfg, now, &why), 0);
	KUNIT_EXPECT_EQ(test, p->breaker.consecutive_failures, 1U);
	dwcp_pipe_complete(p, &b, now, R_FAILURE, false);
	KUNIT_EXPECT_EQ(test, p->breaker.consecutive_failures, 1U);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
	KUNIT_EXPECT_EQ(test, admit(p, &t, now, DWCP_PIPE_CHAOS, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, (u8)DWCP_RES_FAULT_ERROR);
	dwcp_pipe_complete(p, &t, now, R_FAILURE, false);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), (u32)DWCP_RES_BREAKER_OPEN);
}

/* 4. No slot and no queue: -EBUSY; the rate charge is refunded. */
static void pipe_reject_bulkhead_full(struct kunit *test)
{
	struct dwcp_pipe_ticket a, b, c;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe *p;
	u64 now = T0;
	s64 toks;

	small_cfg(test, &cfg);
	cfg.rate.burst = 10;
	cfg.bulkhead.max_concurrent = 1;
	cfg.bulkhead.max_queue = 1;
	p = pipe_new(test, &cfg, now);
	KUNIT_ASSERT_EQ(test, admit(p, &a, now, 0, 0), DWCP_PIPE_ADMIT);
	toks = dwcp_tb_tokens_ns(&p->rate, now);
	/* A caller that may not wait never queues. */
	KUNIT_EXPECT_EQ(test, admit(p, &b, now, 0, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, b.reason, DWCP_RES_REJECT_BULKHEAD_FULL);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&b), -EBUSY);
	KUNIT_EXPECT_EQ(test, dwcp_tb_tokens_ns(&p->rate, now), toks);
	KUNIT_EXPECT_FALSE(test, b.charged);
	/* One waiter fits in the queue, the next does not. */
	KUNIT_EXPECT_EQ(test, admit(p, &b, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_WAIT_SLOT);
	KUNIT_EXPECT_EQ(test, admit(p, &c, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, c.reason, DWCP_RES_REJECT_BULKHEAD_FULL);
	KUNIT_EXPECT_EQ(test, p->bulkhead.rejected_full, 2ULL);
	KUNIT_EXPECT_TRUE(test, dwcp_pipe_complete(p, &a, now, R_SUCCESS, false));
	KUNIT_EXPECT_EQ(test, dwcp_pipe_resume(p, &b, now, DWCP_PIPE_MAY_WAIT),
			DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_complete(p, &b, now, R_SUCCESS, false));
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);
}

/* 5. Queued and no slot within the wait: -ETIME, counted as a timeout. */
static void pipe_reject_bulkhead_wait(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket a, b;
	struct dwcp_pipe *p;
	u64 now = T0;
	s64 toks;

	small_cfg(test, &cfg);
	cfg.rate.burst = 10;
	cfg.bulkhead.max_concurrent = 1;
	p = pipe_new(test, &cfg, now);
	KUNIT_ASSERT_EQ(test, admit(p, &a, now, 0, 0), DWCP_PIPE_ADMIT);
	toks = dwcp_tb_tokens_ns(&p->rate, now);
	KUNIT_ASSERT_EQ(test, admit(p, &b, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_WAIT_SLOT);
	KUNIT_EXPECT_EQ(test, b.stage, DWCP_PIPE_STAGE_QUEUED);
	/* No deadline: the bulkhead's max wait, not "now". */
	KUNIT_EXPECT_EQ(test, b.wait_until, now + 100 * MS);
	now = b.wait_until;
	dwcp_pipe_abort(p, &b, now, DWCP_RES_REJECT_BULKHEAD_WAIT);
	KUNIT_EXPECT_EQ(test, b.stage, DWCP_PIPE_STAGE_DONE);
	KUNIT_EXPECT_EQ(test, b.reason, DWCP_RES_REJECT_BULKHEAD_WAIT);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&b), -ETIME);
	KUNIT_EXPECT_EQ(test, p->bulkhead.rejected_timeout, 1ULL);
	KUNIT_EXPECT_EQ(test, p->bulkhead.cancelled, 0ULL);
	KUNIT_EXPECT_EQ(test, p->bulkhead.queued, 0U);
	/* Its rate charge came back (plus the 100 ms of refill). */
	KUNIT_EXPECT_EQ(test, dwcp_tb_tokens_ns(&p->rate, now), toks + (s64)(100 * MS));
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_complete(p, &a, now, R_SUCCESS, false));
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);
}

/* 6. Chaos: rolled only with DWCP_PIPE_CHAOS; the fault and its errno. */
static void pipe_chaos_fault(struct kunit *test)
{
	struct dwcp_chaos_config cc;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	const char *why;
	u64 now = T0;

	small_cfg(test, &cfg);
	cfg.flags = 0;
	p = pipe_new(test, &cfg, now);

	/* Armed but probability 0 by default: nothing happens. */
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_CHAOS, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);

	dwcp_chaos_config_default(&cc, DWCP_RES_FAULT_ERROR);
	cc.probability_ppm = DWCP_CHAOS_PPM;
	cc.value_min = ECONNRESET;
	cc.value_max = ECONNRESET;
	KUNIT_ASSERT_EQ(test, dwcp_pipe_set_fault(p, &cc, &why), 0);

	/* Chaos not enabled by the caller: no dice. */
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	KUNIT_EXPECT_EQ(test, t.fault_value, 0ULL);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);

	KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_CHAOS, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, (u8)DWCP_RES_FAULT_ERROR);
	KUNIT_EXPECT_EQ(test, t.fault_value, (u64)ECONNRESET);
	/* The shell fails the call with the fault's errno. */
	t.reason = DWCP_RES_REJECT_CHAOS;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&t), -ECONNRESET);
	dwcp_pipe_complete(p, &t, now, R_FAILURE, false);
	KUNIT_EXPECT_EQ(test, p->chaos[DWCP_RES_FAULT_ERROR].injections, 1ULL);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);

	/* Every kind can be armed; CPU spikes above their cap cannot. */
	dwcp_chaos_config_default(&cc, DWCP_RES_FAULT_PARTITION);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_set_fault(p, &cc, &why), 0);
	dwcp_chaos_config_default(&cc, DWCP_RES_FAULT_CPU_SPIKE);
	cc.value_max = DWCP_RES_CPU_SPIKE_MAX_NS + 1;
	why = NULL;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_set_fault(p, &cc, &why), -ERANGE);
	KUNIT_EXPECT_NOT_NULL(test, why);
}

/*
 * 6b. Partitions: a hit starts one; during it every matching call fails
 * (no draw); it ends after its duration, on re-arming or on clear.
 */
static void pipe_chaos_partition(struct kunit *test)
{
	static const struct dwcp_chaos_peer far = { 4, 32, { 127, 0, 0, 2 } };
	static const struct dwcp_chaos_peer near = { 4, 32, { 127, 0, 0, 1 } };
	struct dwcp_chaos_config cc;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	const char *why;
	u64 now = T0;
	int i;

	small_cfg(test, &cfg);
	cfg.flags = 0;
	cfg.bulkhead.max_concurrent = 100;
	p = pipe_new(test, &cfg, now);

	dwcp_chaos_config_default(&cc, DWCP_RES_FAULT_PARTITION);
	cc.value_min = 100 * MS;
	cc.value_max = 100 * MS;
	cc.peer = far;
	KUNIT_ASSERT_EQ(test, dwcp_pipe_set_fault(p, &cc, &why), 0);

	/* Another peer, or no peer: untouched, and not even a check. */
	KUNIT_ASSERT_EQ(test, dwcp_pipe_admit_peer(p, &t, now, 0, LVL_NORMAL,
						   DWCP_PIPE_CHAOS, 0, &near), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_CHAOS, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, p->chaos[DWCP_RES_FAULT_PARTITION].checks, 0ULL);

	/* The first call to the peer starts it; the next ones within fail. */
	for (i = 0; i < 5; i++) {
		KUNIT_ASSERT_EQ(test, dwcp_pipe_admit_peer(p, &t, now + i * 10 * MS, 0,
							   LVL_NORMAL, DWCP_PIPE_CHAOS, 0,
							   &far), DWCP_PIPE_ADMIT);
		KUNIT_EXPECT_EQ(test, t.fault, (u8)DWCP_RES_FAULT_PARTITION);
		KUNIT_EXPECT_EQ(test, t.fault_value, 100 * MS - i * 10 * MS);
		t.reason = DWCP_RES_REJECT_CHAOS;
		KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&t), -EHOSTUNREACH);
		t.reason = DWCP_RES_REJECT_NONE;
		dwcp_pipe_complete(p, &t, now + i * 10 * MS, R_SUCCESS, false);
	}
	KUNIT_EXPECT_EQ(test, p->chaos[DWCP_RES_FAULT_PARTITION].injections, 1ULL);
	/* Without chaos (disabled) nothing fails. */
	KUNIT_ASSERT_EQ(test, dwcp_pipe_admit_peer(p, &t, now + 50 * MS, 0, LVL_NORMAL,
						   0, 0, &far), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);

	/* Over after 100 ms; times 1: no second one. */
	KUNIT_ASSERT_EQ(test, dwcp_pipe_admit_peer(p, &t, now + 100 * MS, 0, LVL_NORMAL,
						   DWCP_PIPE_CHAOS, 0, &far), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);

	/* Re-armed, unscoped: everyone; clear ends it at once. */
	now += SEC;
	memset(&cc.peer, 0, sizeof(cc.peer));
	KUNIT_ASSERT_EQ(test, dwcp_pipe_set_fault(p, &cc, &why), 0);
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_CHAOS, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, (u8)DWCP_RES_FAULT_PARTITION);
	dwcp_pipe_complete(p, &t, now, R_FAILURE, false);
	dwcp_pipe_clear_faults(p);
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_CHAOS, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
}

/* 6c. A scoped error fault hits its peer only; unscoped hits everyone. */
static void pipe_chaos_peer_scope(struct kunit *test)
{
	static const struct dwcp_chaos_peer net = { 6, 64, { 0xfd, [7] = 1 } };
	static const struct dwcp_chaos_peer in = { 6, 128, { 0xfd, [7] = 1, [15] = 5 } };
	static const struct dwcp_chaos_peer out = { 6, 128, { 0xfd, [7] = 2, [15] = 5 } };
	struct dwcp_chaos_config cc;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	const char *why;
	u64 now = T0;

	small_cfg(test, &cfg);
	cfg.flags = 0;
	p = pipe_new(test, &cfg, now);
	dwcp_chaos_config_default(&cc, DWCP_RES_FAULT_ERROR);
	cc.probability_ppm = DWCP_CHAOS_PPM;
	cc.peer = net;
	KUNIT_ASSERT_EQ(test, dwcp_pipe_set_fault(p, &cc, &why), 0);
	KUNIT_ASSERT_EQ(test, dwcp_pipe_admit_peer(p, &t, now, 0, LVL_NORMAL,
						   DWCP_PIPE_CHAOS, 0, &out), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	KUNIT_ASSERT_EQ(test, dwcp_pipe_admit_peer(p, &t, now, 0, LVL_NORMAL,
						   DWCP_PIPE_CHAOS, 0, &in), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, (u8)DWCP_RES_FAULT_ERROR);
	KUNIT_EXPECT_EQ(test, t.fault_value, (u64)EIO);
	dwcp_pipe_complete(p, &t, now, R_FAILURE, false);
	/* In-kernel callers (no peer) see unscoped faults only. */
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_CHAOS, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, DWCP_PIPE_FAULT_NONE);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	memset(&cc.peer, 0, sizeof(cc.peer));
	KUNIT_ASSERT_EQ(test, dwcp_pipe_set_fault(p, &cc, &why), 0);
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_CHAOS, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.fault, (u8)DWCP_RES_FAULT_ERROR);
	dwcp_pipe_complete(p, &t, now, R_FAILURE, false);
	KUNIT_EXPECT_EQ(test, p->chaos[DWCP_RES_FAULT_ERROR].checks, 2ULL);
}

/* ---- order and undo ---- */

/*
 * Half-open with a full bulkhead: the rejected call gives its probe permit
 * and its token back, so the next call is still admitted as a probe.
 */
static void pipe_bulkhead_full_keeps_probe(struct kunit *test)
{
	struct dwcp_pipe_ticket a, b, c, d, e;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe *p;
	u64 now = T0;
	s64 toks;

	small_cfg(test, &cfg);
	cfg.breaker.max_failures = 1;
	cfg.rate.burst = 10;
	cfg.bulkhead.max_queue = 0;
	p = pipe_new(test, &cfg, now);

	KUNIT_ASSERT_EQ(test, admit(p, &a, now, 0, 0), DWCP_PIPE_ADMIT);
	KUNIT_ASSERT_EQ(test, admit(p, &b, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &b, now, R_FAILURE, false);
	KUNIT_ASSERT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_OPEN);

	now += SEC;
	KUNIT_ASSERT_EQ(test, admit(p, &c, now, 0, 0), DWCP_PIPE_ADMIT);
	KUNIT_ASSERT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_HALF_OPEN);
	KUNIT_EXPECT_EQ(test, p->breaker.probes_inflight, 1U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 2U);	/* a and c */

	toks = dwcp_tb_tokens_ns(&p->rate, now);
	KUNIT_EXPECT_EQ(test, admit(p, &d, now, 0, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, d.reason, DWCP_RES_REJECT_BULKHEAD_FULL);
	KUNIT_EXPECT_EQ(test, p->breaker.probes_inflight, 1U);
	KUNIT_EXPECT_EQ(test, dwcp_tb_tokens_ns(&p->rate, now), toks);

	/* a (closed epoch) finishes: stale for the breaker, frees its slot. */
	dwcp_pipe_complete(p, &a, now, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, admit(p, &e, now, 0, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, p->breaker.probes_inflight, 2U);
	dwcp_pipe_complete(p, &c, now + MS, R_SUCCESS, false);
	dwcp_pipe_complete(p, &e, now + MS, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
}

/* A rate rejection in half-open gives the probe permit back. */
static void pipe_rate_reject_releases_probe(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	u64 now = T0;

	small_cfg(test, &cfg);
	cfg.breaker.max_failures = 1;
	cfg.breaker.half_open_permits = 1;
	cfg.breaker.open_duration_ns = 200 * MS;
	cfg.rate.rate = 1;
	cfg.rate.burst = 1;
	p = pipe_new(test, &cfg, now);

	KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &t, now, R_FAILURE, false);
	KUNIT_ASSERT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_OPEN);

	/* Half-open, but the bucket refills only at T0 + 1 s. */
	now += 200 * MS;
	KUNIT_EXPECT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, DWCP_RES_REJECT_RATE);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_HALF_OPEN);
	KUNIT_EXPECT_EQ(test, p->breaker.probes_inflight, 0U);
	/* Same with a waiter whose deadline comes before its slot. */
	KUNIT_EXPECT_EQ(test, admit(p, &t, now, DWCP_PIPE_MAY_WAIT, now + 100 * MS),
			DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, DWCP_RES_REJECT_RATE);
	KUNIT_EXPECT_EQ(test, p->breaker.probes_inflight, 0U);

	/* The single permit is still there once the bucket has a token. */
	now = T0 + SEC;
	KUNIT_EXPECT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, p->breaker.probes_inflight, 1U);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_CLOSED);
}

/* ---- waiting ---- */

static void pipe_wait_rate(struct kunit *test)
{
	struct dwcp_pipe_ticket t, u;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe *p;
	u64 now = T0, when;
	s64 toks;
	int i;

	small_cfg(test, &cfg);
	p = pipe_new(test, &cfg, now);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
		dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	}
	now += 10 * MS;
	when = dwcp_tb_next_admit(&p->rate, now, 0);
	KUNIT_ASSERT_GT(test, when, now);
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_WAIT_RATE);
	KUNIT_EXPECT_EQ(test, t.wait_until, when);
	KUNIT_EXPECT_EQ(test, t.stage, DWCP_PIPE_STAGE_RATE);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);

	/* A deadline before the next slot: refused, nothing charged. */
	when = dwcp_tb_next_admit(&p->rate, now, 0);
	toks = dwcp_tb_tokens_ns(&p->rate, now);
	KUNIT_EXPECT_EQ(test, admit(p, &u, now, DWCP_PIPE_MAY_WAIT, when - 1),
			DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, u.reason, DWCP_RES_REJECT_RATE);
	KUNIT_EXPECT_EQ(test, dwcp_tb_tokens_ns(&p->rate, now), toks);
	/* With the deadline exactly at the slot it waits. */
	KUNIT_EXPECT_EQ(test, admit(p, &u, now, DWCP_PIPE_MAY_WAIT, when),
			DWCP_PIPE_WAIT_RATE);
	KUNIT_EXPECT_EQ(test, u.wait_until, when);
	/* u gives up (signal): its charge comes back. */
	dwcp_pipe_abort(p, &u, now, DWCP_RES_REJECT_NONE);
	KUNIT_EXPECT_EQ(test, dwcp_tb_tokens_ns(&p->rate, now), toks);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&u), 0);

	now = t.wait_until;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_resume(p, &t, now, DWCP_PIPE_MAY_WAIT),
			DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, t.stage, DWCP_PIPE_STAGE_ADMITTED);
	KUNIT_EXPECT_EQ(test, p->inflight, 1U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 1U);
	dwcp_pipe_complete(p, &t, now, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
}

static void pipe_wait_slot_fifo(struct kunit *test)
{
	struct dwcp_pipe_ticket a, b, c, e, f;
	/* On the heap: five tickets and a config pass 1 KiB of stack under KASAN. */
	struct dwcp_pipe_config *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	struct dwcp_pipe *p;
	u64 now = T0;

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	small_cfg(test, cfg);
	cfg->flags = 0;
	cfg->bulkhead.max_concurrent = 1;
	cfg->bulkhead.max_queue = 2;
	p = pipe_new(test, cfg, now);

	KUNIT_ASSERT_EQ(test, admit(p, &a, now, 0, 0), DWCP_PIPE_ADMIT);
	/* A deadline before the max wait bounds the queue wait. */
	KUNIT_ASSERT_EQ(test, admit(p, &b, now, DWCP_PIPE_MAY_WAIT, now + 30 * MS),
			DWCP_PIPE_WAIT_SLOT);
	KUNIT_EXPECT_EQ(test, b.wait_until, now + 30 * MS);
	/* No barging: a non-waiting newcomer is refused while b waits. */
	KUNIT_EXPECT_EQ(test, admit(p, &c, now, 0, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, c.reason, DWCP_RES_REJECT_BULKHEAD_FULL);

	now += MS;
	/* a's slot goes straight to b ... */
	KUNIT_EXPECT_TRUE(test, dwcp_pipe_complete(p, &a, now, R_SUCCESS, false));
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 1U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.queued, 0U);
	/* ... so a newcomer before b wakes queues rather than taking it. */
	KUNIT_EXPECT_EQ(test, admit(p, &e, now, 0, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, admit(p, &e, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_WAIT_SLOT);
	KUNIT_EXPECT_EQ(test, e.wait_until, now + 100 * MS);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_resume(p, &b, now, DWCP_PIPE_MAY_WAIT),
			DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, p->inflight, 1U);

	/* f queues behind e, then is interrupted: cancelled, not timed out. */
	KUNIT_ASSERT_EQ(test, admit(p, &f, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_WAIT_SLOT);
	dwcp_pipe_abort(p, &f, now, DWCP_RES_REJECT_NONE);
	KUNIT_EXPECT_EQ(test, p->bulkhead.cancelled, 1ULL);
	KUNIT_EXPECT_EQ(test, p->bulkhead.rejected_timeout, 0ULL);
	KUNIT_EXPECT_EQ(test, p->bulkhead.queued, 1U);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&f), 0);

	KUNIT_EXPECT_TRUE(test, dwcp_pipe_complete(p, &b, now, R_SUCCESS, false));
	KUNIT_EXPECT_EQ(test, dwcp_pipe_resume(p, &e, now, DWCP_PIPE_MAY_WAIT),
			DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_complete(p, &e, now, R_SUCCESS, false));
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.queued, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.admitted, p->bulkhead.completed);
}

/* ---- completion ---- */

/*
 * Late results through the pipeline: a call admitted while closed that
 * fails after the breaker went open -> half-open does not re-open it.
 */
static void defect_2_late_failure_stale(struct kunit *test)
{
	struct dwcp_pipe_ticket a, b, c;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe *p;
	u64 now = T0;

	small_cfg(test, &cfg);
	cfg.flags = 0;
	cfg.breaker.max_failures = 1;
	cfg.breaker.half_open_permits = 1;
	p = pipe_new(test, &cfg, now);

	KUNIT_ASSERT_EQ(test, admit(p, &a, now, 0, 0), DWCP_PIPE_ADMIT);	/* slow */
	KUNIT_ASSERT_EQ(test, admit(p, &b, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &b, now + MS, R_FAILURE, false);
	KUNIT_ASSERT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_OPEN);
	now += SEC + MS;
	KUNIT_ASSERT_EQ(test, admit(p, &c, now, 0, 0), DWCP_PIPE_ADMIT);
	KUNIT_ASSERT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_HALF_OPEN);

	dwcp_pipe_complete(p, &a, now + MS, R_FAILURE, false);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_HALF_OPEN);
	KUNIT_EXPECT_EQ(test, p->breaker.stale, 1ULL);
	/* The late failure still counts against the error budget. */
	KUNIT_EXPECT_EQ(test, p->budget.life_bad, 2ULL);
	dwcp_pipe_complete(p, &c, now + 2 * MS, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);
}

static void pipe_slow_call(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	u64 now = T0;

	small_cfg(test, &cfg);
	cfg.flags = 0;
	cfg.breaker.slow_call_ns = 50 * MS;
	p = pipe_new(test, &cfg, now);

	KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &t, now + 60 * MS, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, p->breaker.results[DWCP_RES_RESULT_SLOW], 1ULL);
	KUNIT_EXPECT_EQ(test, p->breaker.results[DWCP_RES_RESULT_SUCCESS], 0ULL);
	now += SEC;
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &t, now + 10 * MS, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, p->breaker.results[DWCP_RES_RESULT_SUCCESS], 1ULL);
	/* A slow failure stays a failure. */
	KUNIT_ASSERT_EQ(test, admit(p, &t, now, 0, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &t, now + 60 * MS, R_FAILURE, false);
	KUNIT_EXPECT_EQ(test, p->breaker.results[DWCP_RES_RESULT_FAILURE], 1ULL);
	KUNIT_EXPECT_EQ(test, p->breaker.results[DWCP_RES_RESULT_SLOW], 1ULL);
	/* Slow calls are good events for the budget. */
	KUNIT_EXPECT_EQ(test, p->budget.life_total, 3ULL);
	KUNIT_EXPECT_EQ(test, p->budget.life_bad, 1ULL);
}

static void pipe_ignored_cancelled_not_counted(struct kunit *test)
{
	struct dwcp_pipe_ticket a, b;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe *p;
	u64 now = T0, total, bad;

	small_cfg(test, &cfg);
	cfg.flags = 0;
	cfg.breaker.max_failures = 1;
	p = pipe_new(test, &cfg, now);

	KUNIT_ASSERT_EQ(test, admit(p, &a, now, 0, 0), DWCP_PIPE_ADMIT);
	KUNIT_ASSERT_EQ(test, admit(p, &b, now, 0, 0), DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 2U);
	dwcp_pipe_complete(p, &a, now + MS, DWCP_RES_RESULT_IGNORED, false);
	dwcp_pipe_complete(p, &b, now + MS, DWCP_RES_RESULT_CANCELLED, true);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_CLOSED);
	KUNIT_EXPECT_EQ(test, p->breaker.consecutive_failures, 0U);
	budget_counts(p, now + MS, &total, &bad);
	KUNIT_EXPECT_EQ(test, total, 0ULL);
	KUNIT_EXPECT_EQ(test, bad, 0ULL);
	KUNIT_EXPECT_EQ(test, p->timeout.timeouts, 0ULL);
	/* Slots released all the same. */
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.completed, 2ULL);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
	/* Completing twice is a no-op. */
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_complete(p, &a, now, R_FAILURE, false));
	KUNIT_EXPECT_EQ(test, p->bulkhead.completed, 2ULL);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_CLOSED);
}

/* ---- randomized invariants ---- */

#define SIM_CALLS	32
#define SIM_STEPS	20000

enum { SIM_FREE, SIM_RUN, SIM_RATE, SIM_QUEUED };

struct pipe_sim {
	struct dwcp_pipe_ticket t[SIM_CALLS];
	u8 st[SIM_CALLS];
	u32 q[SIM_CALLS];	/* the shell's FIFO of bulkhead waiters */
	u32 qn;
	u64 admitted, completed, rng, now;
	u32 bad_steps, first_bad;
	u32 verdicts[4];
};

static u32 sim_rand(struct pipe_sim *s)
{
	/* xorshift64*: deterministic from the seed */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return (u32)((s->rng * 2685821657736338717ULL) >> 32);
}

static void sim_unqueue(struct pipe_sim *s, u32 i)
{
	u32 k, j = 0;

	for (k = 0; k < s->qn; k++)
		if (s->q[k] != i)
			s->q[j++] = s->q[k];
	s->qn = j;
}

/* Record the verdict of an admit or resume for call i. */
static void sim_verdict(struct kunit *test, struct pipe_sim *s, u32 i, u32 v)
{
	s->verdicts[v & 3]++;
	switch (v) {
	case DWCP_PIPE_ADMIT:
		s->st[i] = SIM_RUN;
		s->admitted++;
		break;
	case DWCP_PIPE_WAIT_RATE:
		s->st[i] = SIM_RATE;
		break;
	case DWCP_PIPE_WAIT_SLOT:
		s->st[i] = SIM_QUEUED;
		s->q[s->qn++] = i;
		break;
	default:
		KUNIT_EXPECT_NE(test, s->t[i].reason, DWCP_RES_REJECT_NONE);
		s->st[i] = SIM_FREE;
		break;
	}
}

static void sim_complete(struct kunit *test, struct dwcp_pipe *p,
			 struct pipe_sim *s, u32 i, u32 result)
{
	u32 h;

	s->st[i] = SIM_FREE;
	s->completed++;
	if (!dwcp_pipe_complete(p, &s->t[i], s->now, result, sim_rand(s) % 8 == 0))
		return;
	/* Hand-off: wake the head waiter, which resumes at once. */
	KUNIT_ASSERT_GT(test, s->qn, 0U);
	h = s->q[0];
	sim_unqueue(s, h);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_resume(p, &s->t[h], s->now, DWCP_PIPE_MAY_WAIT),
			DWCP_PIPE_ADMIT);
	s->st[h] = SIM_RUN;
	s->admitted++;
}

static u32 sim_pick(struct pipe_sim *s, u32 st1, u32 st2)
{
	u32 k, i = sim_rand(s) % SIM_CALLS;

	for (k = 0; k < SIM_CALLS; k++, i = (i + 1) % SIM_CALLS)
		if (s->st[i] == st1 || s->st[i] == st2)
			return i;
	return SIM_CALLS;
}

static void sim_step(struct kunit *test, struct dwcp_pipe *p, struct pipe_sim *s)
{
	static const u32 results[8] = {
		R_SUCCESS, R_SUCCESS, R_SUCCESS, R_SUCCESS, R_FAILURE,
		R_FAILURE, DWCP_RES_RESULT_IGNORED, DWCP_RES_RESULT_CANCELLED,
	};
	u32 i, r, flags, level;
	u64 deadline;

	s->now += sim_rand(s) % (300 * US);

	/* Rate waiters whose slot is due resume; expired queue waiters leave. */
	for (i = 0; i < SIM_CALLS; i++) {
		if (s->st[i] == SIM_RATE && s->t[i].wait_until <= s->now)
			sim_verdict(test, s, i, dwcp_pipe_resume(p, &s->t[i], s->now,
								 DWCP_PIPE_MAY_WAIT));
		else if (s->st[i] == SIM_QUEUED && s->t[i].wait_until <= s->now) {
			sim_unqueue(s, i);
			dwcp_pipe_abort(p, &s->t[i], s->now, DWCP_RES_REJECT_BULKHEAD_WAIT);
			s->st[i] = SIM_FREE;
		}
	}

	r = sim_rand(s) % 10;
	if (r <= 3) {
		i = sim_pick(s, SIM_FREE, SIM_FREE);
		if (i == SIM_CALLS)
			return;
		flags = (sim_rand(s) & 1) ? DWCP_PIPE_MAY_WAIT : 0;
		level = sim_rand(s) % 16 ? LVL_NORMAL : DWCP_RES_LEVEL_SEVERELY_DEGRADED;
		deadline = sim_rand(s) % 4 ? 0 : s->now + sim_rand(s) % (20 * MS);
		sim_verdict(test, s, i, dwcp_pipe_admit(p, &s->t[i], s->now, 0, level,
							flags, deadline));
	} else if (r <= 5) {
		i = sim_pick(s, SIM_RUN, SIM_RUN);
		if (i < SIM_CALLS)
			sim_complete(test, p, s, i, results[sim_rand(s) % 8]);
	} else if (r == 6) {
		i = sim_pick(s, SIM_RATE, SIM_QUEUED);
		if (i < SIM_CALLS) {
			if (s->st[i] == SIM_QUEUED)
				sim_unqueue(s, i);
			dwcp_pipe_abort(p, &s->t[i], s->now, DWCP_RES_REJECT_NONE);
			s->st[i] = SIM_FREE;
		}
	}
}

static bool sim_consistent(const struct dwcp_pipe *p, const struct pipe_sim *s)
{
	return p->inflight == s->admitted - s->completed &&
	       p->bulkhead.active == p->inflight &&
	       p->bulkhead.queued == s->qn &&
	       p->bulkhead.active <= p->bulkhead.cfg.max_concurrent &&
	       p->breaker.probes_inflight <= p->breaker.cfg.half_open_permits;
}

static void pipe_randomized_invariants(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct pipe_sim *s;
	struct dwcp_pipe *p;
	bool busy;
	u32 n, i;

	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s);
	s->rng = 0x9e3779b97f4a7c15ULL;
	s->now = T0;
	small_cfg(test, &cfg);
	cfg.priority = DWCP_RES_PRIO_NORMAL;
	cfg.breaker.max_failures = 4;
	cfg.breaker.open_duration_ns = 10 * MS;
	cfg.rate.rate = 1200;
	cfg.rate.burst = 5;
	cfg.bulkhead.max_concurrent = 4;
	cfg.bulkhead.max_queue = 4;
	cfg.bulkhead.max_wait_ns = 500 * US;
	p = pipe_new(test, &cfg, s->now);

	for (n = 0; n < SIM_STEPS; n++) {
		sim_step(test, p, s);
		if (!sim_consistent(p, s) && !s->bad_steps++)
			s->first_bad = n;
	}
	KUNIT_EXPECT_EQ_MSG(test, s->bad_steps, 0U, "first bad step %u", s->first_bad);
	/* Every path was taken. */
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_GT(test, s->verdicts[i], 0U);
	KUNIT_EXPECT_GT(test, p->bulkhead.rejected_timeout, 0ULL);
	KUNIT_EXPECT_GT(test, p->bulkhead.cancelled, 0ULL);
	KUNIT_EXPECT_GT(test, p->breaker.transitions, 0ULL);
	kunit_info(test, "admit %u wait_rate %u wait_slot %u reject %u timeout %llu cancel %llu trans %llu\n",
		   s->verdicts[0], s->verdicts[1], s->verdicts[2], s->verdicts[3],
		   p->bulkhead.rejected_timeout, p->bulkhead.cancelled, p->breaker.transitions);

	/* Drain: rate waiters give up, running calls finish, queues empty. */
	for (i = 0; i < SIM_CALLS; i++) {
		if (s->st[i] == SIM_RATE) {
			dwcp_pipe_abort(p, &s->t[i], s->now, DWCP_RES_REJECT_NONE);
			s->st[i] = SIM_FREE;
		}
	}
	do {
		busy = false;
		for (i = 0; i < SIM_CALLS; i++) {
			if (s->st[i] == SIM_RUN) {
				sim_complete(test, p, s, i, R_SUCCESS);
				busy = true;
			}
		}
		KUNIT_EXPECT_TRUE(test, sim_consistent(p, s));
	} while (busy);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.queued, 0U);
	KUNIT_EXPECT_EQ(test, s->qn, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.admitted, p->bulkhead.completed);
	KUNIT_EXPECT_EQ(test, s->admitted, s->completed);
	KUNIT_EXPECT_LE(test, dwcp_tb_tokens_ns(&p->rate, s->now),
			(s64)(p->rate.depth >> DWCP_TB_FRAC_BITS));
}

/* ---- the whole pipeline: integration, errors, deadline, feedback ---- */

/*
 * Integration: breaker, rate limit, bulkhead, retry and error budget on one
 * policy; 10 good calls all pass, the breaker stays closed and the budget
 * reads 100 %.
 */
static void go_resilience_manager_integration(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	u64 now = T0, total, bad;
	int i, admitted = 0;

	small_cfg(test, &cfg);
	cfg.rate.rate = 100;
	cfg.rate.burst = 10;
	p = pipe_new(test, &cfg, now);
	for (i = 0; i < 10; i++) {
		if (admit(p, &t, now, DWCP_PIPE_MAY_WAIT, now + SEC) == DWCP_PIPE_ADMIT) {
			admitted++;
			KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&t), 0);
			dwcp_pipe_complete(p, &t, now + MS, R_SUCCESS, false);
		}
		now += 2 * MS;
	}
	KUNIT_EXPECT_EQ(test, admitted, 10);
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_CLOSED);
	budget_counts(p, now, &total, &bad);
	KUNIT_EXPECT_EQ(test, total, 10ULL);
	KUNIT_EXPECT_EQ(test, bad, 0ULL);
	KUNIT_EXPECT_EQ(test, dwcp_budget_success_ppm(&p->budget, now), DWCP_BUDGET_PPM);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
}

/*
 * Errors are never swallowed: with max failures 2, three failing calls: the
 * two that run are reported to the budget, the breaker opens after the
 * second, and the third is turned away with a visible rejection (an errno,
 * not success).
 */
static void go_resilience_manager_with_failures(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	u64 now = T0, total, bad;
	int i;

	small_cfg(test, &cfg);
	cfg.budget.slo_ppm = 990000;
	cfg.retry.max_retries = 1;
	p = pipe_new(test, &cfg, now);
	for (i = 0; i < 2; i++) {
		KUNIT_ASSERT_EQ(test, admit(p, &t, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_ADMIT);
		dwcp_pipe_complete(p, &t, now + MS, R_FAILURE, false);
		now += 10 * MS;
	}
	KUNIT_EXPECT_EQ(test, dwcp_breaker_state(&p->breaker), DWCP_RES_BREAKER_OPEN);
	KUNIT_EXPECT_EQ(test, admit(p, &t, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, DWCP_RES_REJECT_BREAKER);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&t), -ECONNREFUSED);
	budget_counts(p, now, &total, &bad);
	KUNIT_EXPECT_EQ(test, bad, 2ULL);
	KUNIT_EXPECT_EQ(test, total, 2ULL);
	KUNIT_EXPECT_LT(test, dwcp_budget_success_ppm(&p->budget, now), DWCP_BUDGET_PPM);
}

/*
 * One deadline: the caller's deadline bounds the rate wait and the bulkhead
 * queue wait (no stage waits past it on its own clock).
 */
static void defect_16_one_deadline(struct kunit *test)
{
	struct dwcp_pipe_ticket a, b, c;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe *p;
	u64 now = T0, dl;

	small_cfg(test, &cfg);
	cfg.rate.rate = 10;
	cfg.rate.burst = 1;
	cfg.bulkhead.max_concurrent = 1;
	cfg.bulkhead.max_wait_ns = 5 * SEC;
	p = pipe_new(test, &cfg, now);

	KUNIT_ASSERT_EQ(test, admit(p, &a, now, 0, 0), DWCP_PIPE_ADMIT);
	/* The rate slot is 100 ms away: a 50 ms deadline is refused now. */
	KUNIT_EXPECT_EQ(test, admit(p, &b, now, DWCP_PIPE_MAY_WAIT, now + 50 * MS),
			DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, b.reason, DWCP_RES_REJECT_RATE);
	/* A 300 ms deadline: wait 100 ms for the rate, then queue until it. */
	dl = now + 300 * MS;
	KUNIT_ASSERT_EQ(test, admit(p, &b, now, DWCP_PIPE_MAY_WAIT, dl), DWCP_PIPE_WAIT_RATE);
	KUNIT_EXPECT_EQ(test, b.wait_until, now + 100 * MS);
	now = b.wait_until;
	KUNIT_ASSERT_EQ(test, dwcp_pipe_resume(p, &b, now, DWCP_PIPE_MAY_WAIT),
			DWCP_PIPE_WAIT_SLOT);
	KUNIT_EXPECT_EQ(test, b.wait_until, dl);
	now = dl;
	dwcp_pipe_abort(p, &b, now, DWCP_RES_REJECT_BULKHEAD_WAIT);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reject_errno(&b), -ETIME);
	/* Without a deadline the bulkhead's own max wait applies. */
	KUNIT_ASSERT_EQ(test, admit(p, &c, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_WAIT_SLOT);
	KUNIT_EXPECT_EQ(test, c.wait_until, now + 5 * SEC);
	KUNIT_EXPECT_TRUE(test, dwcp_pipe_complete(p, &a, now, R_SUCCESS, false));
	KUNIT_EXPECT_EQ(test, dwcp_pipe_resume(p, &c, now, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &c, now, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);
}

/*
 * No feedback of the pipeline's own waits: the latency fed to the adaptive
 * limiter, the timeout estimator and the slow-call rule runs from the moment
 * the call is admitted, not from when it started waiting for the rate limiter
 * or a bulkhead slot: the limiter's own delay must not push the rate down
 * further.
 */
static void defect_17_latency_excludes_waits(struct kunit *test)
{
	struct dwcp_pipe_ticket a, b, c;
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe *p;
	u64 now = T0, t1;

	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(&cfg, DWCP_RES_CLASS_SEND), 0);
	cfg.adaptive.min_rate = DWCP_MCPS_PER_CPS;	/* 1/s, burst 1 */
	cfg.adaptive.initial_rate = DWCP_MCPS_PER_CPS;
	cfg.breaker.slow_call_ns = 100 * MS;
	cfg.bulkhead.max_concurrent = 1;
	p = pipe_new(test, &cfg, now);
	KUNIT_ASSERT_EQ(test, p->rate.cfg.burst, 1U);

	KUNIT_ASSERT_EQ(test, admit(p, &a, now, 0, 0), DWCP_PIPE_ADMIT);
	KUNIT_ASSERT_EQ(test, admit(p, &b, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_WAIT_RATE);
	KUNIT_EXPECT_EQ(test, b.wait_until, now + SEC);
	/* a runs 2 ms. */
	dwcp_pipe_complete(p, &a, now + 2 * MS, R_SUCCESS, false);

	/* b waited 1 s for its rate slot, then runs 3 ms. */
	t1 = b.wait_until;
	KUNIT_ASSERT_EQ(test, dwcp_pipe_resume(p, &b, t1, DWCP_PIPE_MAY_WAIT),
			DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, b.start, t1);
	/* c queues 4 ms behind b for the single slot, then runs 5 ms. */
	KUNIT_ASSERT_EQ(test, admit(p, &c, t1 + SEC, DWCP_PIPE_MAY_WAIT, 0),
			DWCP_PIPE_WAIT_SLOT);
	KUNIT_EXPECT_TRUE(test, dwcp_pipe_complete(p, &b, t1 + SEC + 4 * MS, R_SUCCESS,
						   false));
	KUNIT_ASSERT_EQ(test, dwcp_pipe_resume(p, &c, t1 + SEC + 4 * MS, 0), DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &c, t1 + SEC + 9 * MS, R_SUCCESS, false);

	/* a: 2 ms; b: 1 s + 4 ms from admit (no wait) ... */
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(&p->adaptive.win), 3ULL);
	KUNIT_EXPECT_EQ(test, p->adaptive.win.sum, 2 * MS + SEC + 4 * MS + 5 * MS);
	KUNIT_EXPECT_EQ(test, p->timeout.win.sum, 2 * MS + SEC + 4 * MS + 5 * MS);
	/* ... and c's 5 ms is not slow although it started 9 ms earlier. */
	KUNIT_EXPECT_EQ(test, p->breaker.results[DWCP_RES_RESULT_SLOW], 1ULL);
	KUNIT_EXPECT_EQ(test, p->breaker.results[DWCP_RES_RESULT_SUCCESS], 2ULL);
}

/*
 * A larger bulkhead lets queued callers in at once, and reconfigure says
 * how many, so the shell can wake exactly that many head waiters.
 */
static void reconfigure_reports_granted_waiters(struct kunit *test)
{
	struct dwcp_pipe_ticket a, b, w1, w2;
	struct dwcp_pipe_config cfg;
	const char *why = NULL;
	struct dwcp_pipe *p;
	u64 now = T0;

	small_cfg(test, &cfg);
	cfg.flags = 0;
	p = pipe_new(test, &cfg, now);
	KUNIT_ASSERT_EQ(test, admit(p, &a, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_ADMIT);
	KUNIT_ASSERT_EQ(test, admit(p, &b, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_ADMIT);
	KUNIT_ASSERT_EQ(test, admit(p, &w1, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_WAIT_SLOT);
	KUNIT_ASSERT_EQ(test, admit(p, &w2, now, DWCP_PIPE_MAY_WAIT, 0), DWCP_PIPE_WAIT_SLOT);

	/* Same size: nobody is let in. */
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reconfigure(p, &cfg, now, &why), 0);
	cfg.bulkhead.max_concurrent = 3;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reconfigure(p, &cfg, now, &why), 1);
	cfg.bulkhead.max_concurrent = 10;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_reconfigure(p, &cfg, now, &why), 1);
	KUNIT_EXPECT_EQ(test, p->bulkhead.queued, 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 4U);
}

/*
 * The lock-free path's contract with the core: dwcp_pipe_fast_ok() holds
 * only while a call needs nothing but a slot (no rate limit, a closed
 * consecutive breaker, nobody queued, no fault armed), and a fold brings
 * the breaker, the budget, the timeout window and the bulkhead to what
 * the same calls made one by one would have.
 */
static void fast_ok_and_fold(struct kunit *test)
{
	struct dwcp_pipe_ticket a, b;
	struct dwcp_pipe_config cfg;
	struct dwcp_chaos_config cc;
	struct dwcp_pipe_fold f = {};
	struct dwcp_hist *lat;
	struct dwcp_pipe *p;
	const char *why;
	int i;

	small_cfg(test, &cfg);
	p = pipe_new(test, &cfg, T0);
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_fast_ok(p));		/* rate limit */
	cfg.flags = 0;
	KUNIT_ASSERT_GE(test, dwcp_pipe_reconfigure(p, &cfg, T0, &why), 0);
	KUNIT_EXPECT_TRUE(test, dwcp_pipe_fast_ok(p));

	/* A failure, then three lock-free successes folded in. */
	KUNIT_ASSERT_EQ(test, admit(p, &a, T0, 0, 0), (u32)DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &a, T0 + MS, R_FAILURE, false);
	KUNIT_EXPECT_EQ(test, p->breaker.consecutive_failures, 1U);
	lat = kunit_kzalloc(test, sizeof(*lat), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, lat);
	for (i = 0; i < 3; i++)
		dwcp_hist_record(lat, 2 * MS);
	f.active = 1;		/* a fourth still runs */
	f.released = 3;
	f.peak = 2;
	f.successes = 3;
	f.latencies = lat;
	KUNIT_EXPECT_EQ(test, dwcp_pipe_fold(p, T0 + 2 * MS, &f), 0U);
	KUNIT_EXPECT_EQ(test, p->breaker.consecutive_failures, 0U);
	KUNIT_EXPECT_EQ(test, p->breaker.results[R_SUCCESS], 3ULL);
	KUNIT_EXPECT_EQ(test, p->breaker.admitted, 4ULL);
	KUNIT_EXPECT_EQ(test, p->budget.life_total, 4ULL);
	KUNIT_EXPECT_EQ(test, p->budget.life_bad, 1ULL);
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(&p->timeout.win), 4ULL);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_inflight(p), 1U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.admitted, 4ULL);
	KUNIT_EXPECT_EQ(test, p->bulkhead.completed, 4ULL);

	/* With the lock-free call's slot, the bulkhead of two has one left. */
	KUNIT_ASSERT_EQ(test, admit(p, &a, T0 + 3 * MS, 0, 0), (u32)DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_EQ(test, admit(p, &b, T0 + 3 * MS, DWCP_PIPE_MAY_WAIT, 0),
			(u32)DWCP_PIPE_WAIT_SLOT);
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_fast_ok(p));		/* a waiter */
	/* The lock-free call ends: its slot goes to the waiter. */
	f = (struct dwcp_pipe_fold){ .released = 1 };
	KUNIT_EXPECT_EQ(test, dwcp_pipe_fold(p, T0 + 4 * MS, &f), 1U);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_resume(p, &b, T0 + 4 * MS, DWCP_PIPE_MAY_WAIT),
			(u32)DWCP_PIPE_ADMIT);
	KUNIT_EXPECT_TRUE(test, dwcp_pipe_fast_ok(p));
	dwcp_pipe_complete(p, &a, T0 + 5 * MS, R_SUCCESS, false);
	dwcp_pipe_complete(p, &b, T0 + 5 * MS, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, dwcp_pipe_inflight(p), 0U);
	KUNIT_EXPECT_EQ(test, p->bulkhead.admitted, p->bulkhead.completed);

	/* A lock-free ticket completed under the lock leaves the slot alone. */
	KUNIT_ASSERT_EQ(test, admit(p, &a, T0 + 6 * MS, 0, 0), (u32)DWCP_PIPE_ADMIT);
	p->inflight--;		/* as if the shell had admitted it */
	p->bulkhead.active--;
	a.fast = 1;
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_complete(p, &a, T0 + 7 * MS, R_FAILURE, false));
	KUNIT_EXPECT_EQ(test, p->bulkhead.active, 0U);
	KUNIT_EXPECT_EQ(test, p->inflight, 0U);

	/* An armed fault or an open breaker sends every call to the lock. */
	dwcp_chaos_config_default(&cc, DWCP_RES_FAULT_LATENCY);
	cc.probability_ppm = 1;
	KUNIT_ASSERT_EQ(test, dwcp_pipe_set_fault(p, &cc, &why), 0);
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_fast_ok(p));
	dwcp_pipe_clear_faults(p);
	KUNIT_EXPECT_TRUE(test, dwcp_pipe_fast_ok(p));
	dwcp_breaker_force(&p->breaker, DWCP_RES_BREAKER_OPEN, T0 + 8 * MS);
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_fast_ok(p));
	/* Successes folded in after it opened are stale, as late results are. */
	f = (struct dwcp_pipe_fold){ .successes = 3, .latencies = lat };
	dwcp_pipe_fold(p, T0 + 9 * MS, &f);
	KUNIT_EXPECT_EQ(test, p->breaker.stale, 3ULL);
	KUNIT_EXPECT_EQ(test, p->breaker.results[R_SUCCESS], 5ULL);

	/* An untimed ticket is counted but feeds no latency anywhere. */
	dwcp_breaker_reset(&p->breaker, T0 + 10 * MS);
	KUNIT_ASSERT_EQ(test, admit(p, &a, T0 + 10 * MS, 0, 0), (u32)DWCP_PIPE_ADMIT);
	a.untimed = 1;
	i = (int)dwcp_hist_count(&p->timeout.win);
	dwcp_pipe_complete(p, &a, T0 + 11 * MS, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, dwcp_hist_count(&p->timeout.win), (u64)i);
	KUNIT_EXPECT_EQ(test, p->breaker.results[R_SUCCESS], 6ULL);
}

/*
 * Stream calls (a socket's sends and receives) and the rate limit: an
 * adaptive rate is a rate of operations and neither limits them nor opens
 * the lock-free path's door for them only; a fixed rate limits both, and
 * a refused call that may not wait learns when its slot would come.
 */
static void stream_calls_and_the_rate(struct kunit *test)
{
	struct dwcp_pipe_config cfg;
	struct dwcp_pipe_ticket t;
	struct dwcp_pipe *p;
	u32 v, rejected = 0;
	int i;

	KUNIT_ASSERT_EQ(test, dwcp_pipe_config_profile(&cfg, DWCP_RES_CLASS_SEND), 0);
	p = pipe_new(test, &cfg, T0);
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_fast_ok(p));
	KUNIT_EXPECT_TRUE(test, dwcp_pipe_fast_ok_for(p, true));
	for (i = 0; i < 3000; i++) {
		v = admit(p, &t, T0, DWCP_PIPE_STREAM, 0);
		KUNIT_ASSERT_EQ(test, v, (u32)DWCP_PIPE_ADMIT);
		KUNIT_EXPECT_TRUE(test, t.stream);
		dwcp_pipe_complete(p, &t, T0 + MS, R_SUCCESS, false);
	}
	KUNIT_EXPECT_EQ(test, p->rate.admitted, 0ULL);
	/* Operations at the same instant: a second's burst, then refused. */
	for (i = 0; i < 3000; i++) {
		v = admit(p, &t, T0, 0, 0);
		if (v == DWCP_PIPE_REJECT) {
			KUNIT_EXPECT_EQ(test, t.reason, (u8)DWCP_RES_REJECT_RATE);
			KUNIT_EXPECT_GT(test, t.wait_until, T0);
			rejected++;
			continue;
		}
		KUNIT_ASSERT_EQ(test, v, (u32)DWCP_PIPE_ADMIT);
		dwcp_pipe_complete(p, &t, T0 + MS, R_SUCCESS, false);
	}
	KUNIT_EXPECT_GT(test, rejected, 1000U);

	/* A fixed rate of 10/s, burst 1: the next slot is 100 ms away. */
	small_cfg(test, &cfg);
	cfg.rate.burst = 1;
	p = pipe_new(test, &cfg, T0);
	KUNIT_EXPECT_FALSE(test, dwcp_pipe_fast_ok_for(p, true));
	KUNIT_ASSERT_EQ(test, admit(p, &t, T0, DWCP_PIPE_STREAM, 0), (u32)DWCP_PIPE_ADMIT);
	dwcp_pipe_complete(p, &t, T0 + MS, R_SUCCESS, false);
	KUNIT_EXPECT_EQ(test, admit(p, &t, T0 + MS, DWCP_PIPE_STREAM, 0),
			(u32)DWCP_PIPE_REJECT);
	KUNIT_EXPECT_EQ(test, t.reason, (u8)DWCP_RES_REJECT_RATE);
	KUNIT_EXPECT_EQ(test, t.wait_until, T0 + 100 * MS);
}

static struct kunit_case dwcp_pipeline_test_cases[] = {
	KUNIT_CASE_PARAM(pipe_dwcp_profile, profile_gen_params),
	KUNIT_CASE(pipe_profile_unknown_class),
	KUNIT_CASE(pipe_config_check_rejects),
	KUNIT_CASE_PARAM(pipe_reject_errno_table, errno_gen_params),
	KUNIT_CASE(pipe_reject_shed),
	KUNIT_CASE(pipe_reject_breaker),
	KUNIT_CASE(pipe_reject_rate),
	KUNIT_CASE(pipe_adaptive_fractional_rate),
	KUNIT_CASE(pipe_latency_budget),
	KUNIT_CASE(pipe_shadow_counts_what_enforce_refuses),
	KUNIT_CASE(pipe_shadow_never_waits_or_faults),
	KUNIT_CASE(pipe_reject_bulkhead_full),
	KUNIT_CASE(pipe_reject_bulkhead_wait),
	KUNIT_CASE(pipe_chaos_fault),
	KUNIT_CASE(pipe_chaos_partition),
	KUNIT_CASE(pipe_chaos_peer_scope),
	KUNIT_CASE(pipe_bulkhead_full_keeps_probe),
	KUNIT_CASE(pipe_rate_reject_releases_probe),
	KUNIT_CASE(pipe_wait_rate),
	KUNIT_CASE(pipe_wait_slot_fifo),
	KUNIT_CASE(defect_2_late_failure_stale),
	KUNIT_CASE(pipe_slow_call),
	KUNIT_CASE(pipe_ignored_cancelled_not_counted),
	KUNIT_CASE(pipe_randomized_invariants),
	KUNIT_CASE(go_resilience_manager_integration),
	KUNIT_CASE(go_resilience_manager_with_failures),
	KUNIT_CASE(defect_16_one_deadline),
	KUNIT_CASE(reconfigure_reports_granted_waiters),
	KUNIT_CASE(defect_17_latency_excludes_waits),
	KUNIT_CASE(fast_ok_and_fold),
	KUNIT_CASE(stream_calls_and_the_rate),
	{}
};

static struct kunit_suite dwcp_pipeline_test_suite = {
	.name = "dwcp_pipeline",
	.test_cases = dwcp_pipeline_test_cases,
};

kunit_test_suite(dwcp_pipeline_test_suite);
