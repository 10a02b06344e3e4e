// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res core: the admission pipeline of one policy (see pipeline.h).
 */
#include "pipeline.h"
#include "degrade.h"

/* Fault kinds rolled per call after the partition check, in order. */
static const u8 pipe_roll[] = {
	DWCP_RES_FAULT_ERROR,
	DWCP_RES_FAULT_TIMEOUT,
	DWCP_RES_FAULT_LATENCY,
	DWCP_RES_FAULT_CPU_SPIKE,
};

struct profile_row {
	const char *class;
	u32 priority;
	u32 failures;
	u64 op_timeout_ns;
	u64 open_ns;
	struct dwcp_bh_config bulkhead;
	struct dwcp_retry_config retry;
	u32 slo_ppm;
	u64 latency_target_ns;
	bool adaptive_rate;
	u32 bind;
};

/*
 * The DWCP profile (Documentation/admin-guide.rst). Priorities: consensus
 * keeps a cluster alive, so it is the critical class; sync is high; plain
 * send/receive traffic is normal. The two classes above normal are for the
 * host's own services: binding a socket to them takes CAP_NET_ADMIN (or a
 * group the admin names), so that no user can take their slots or open their
 * breakers.
 */
static const struct profile_row dwcp_profile[] = {
	{ DWCP_RES_CLASS_SEND, DWCP_RES_PRIO_NORMAL, 5, 30ULL * NSEC_PER_SEC,
	  60ULL * NSEC_PER_SEC, DWCP_BH_CONFIG_SEND, DWCP_RETRY_CONFIG_SEND,
	  999000, 100ULL * NSEC_PER_MSEC, true, DWCP_RES_BIND_ANY },
	{ DWCP_RES_CLASS_RECEIVE, DWCP_RES_PRIO_NORMAL, 5, 30ULL * NSEC_PER_SEC,
	  60ULL * NSEC_PER_SEC, DWCP_BH_CONFIG_RECEIVE, DWCP_RETRY_CONFIG_RECEIVE,
	  999000, 100ULL * NSEC_PER_MSEC, true, DWCP_RES_BIND_ANY },
	{ DWCP_RES_CLASS_SYNC, DWCP_RES_PRIO_HIGH, 3, 10ULL * NSEC_PER_SEC,
	  30ULL * NSEC_PER_SEC, DWCP_BH_CONFIG_SYNC, DWCP_RETRY_CONFIG_SYNC,
	  995000, 500ULL * NSEC_PER_MSEC, false, DWCP_RES_BIND_ADMIN },
	{ DWCP_RES_CLASS_CONSENSUS, DWCP_RES_PRIO_CRITICAL, 3, 10ULL * NSEC_PER_SEC,
	  30ULL * NSEC_PER_SEC, DWCP_BH_CONFIG_CONSENSUS,
	  DWCP_RETRY_CONFIG_CONSENSUS, 995000, NSEC_PER_SEC, false,
	  DWCP_RES_BIND_ADMIN },
};

int dwcp_pipe_config_profile(struct dwcp_pipe_config *cfg, const char *class)
{
	const struct profile_row *row = NULL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dwcp_profile); i++)
		if (!strcmp(dwcp_profile[i].class, class))
			row = &dwcp_profile[i];
	if (!row)
		return -ENOENT;

	memset(cfg, 0, sizeof(*cfg));
	cfg->priority = row->priority;
	cfg->degrade_limit_permille = 750;
	cfg->bind = row->bind;
	cfg->bind_gid = DWCP_RES_BIND_GID_NONE;
	cfg->latency_target_ns = row->latency_target_ns;
	dwcp_breaker_config_default(&cfg->breaker, row->failures, row->open_ns);
	cfg->bulkhead = row->bulkhead;
	cfg->retry = row->retry;
	cfg->retry_budget = (struct dwcp_retry_budget_config)
		DWCP_RETRY_BUDGET_CONFIG_DEFAULT;
	dwcp_timeout_config_default(&cfg->timeout);
	cfg->timeout.initial_ns = row->op_timeout_ns;
	dwcp_budget_config_default(&cfg->budget, row->slo_ppm);
	dwcp_adaptive_config_default(&cfg->adaptive);
	cfg->adaptive.target_ns = row->latency_target_ns;
	/* The bucket follows the controller: 1000/s, burst of 1 s of rate. */
	cfg->rate.rate = div_u64(cfg->adaptive.initial_rate, 1000);
	cfg->rate.burst = (u32)dwcp_adaptive_burst_for(cfg->adaptive.initial_rate,
						      cfg->adaptive.burst_ns);
	if (row->adaptive_rate)
		cfg->flags = DWCP_PIPE_F_RATE | DWCP_PIPE_F_ADAPTIVE;
	return 0;
}

int dwcp_pipe_config_check(const struct dwcp_pipe_config *cfg,
			   const char **why)
{
	int err;

	if (cfg->flags & ~DWCP_PIPE_F_ALL) {
		*why = "unknown policy flags";
		return -EOPNOTSUPP;
	}
	if ((cfg->flags & DWCP_PIPE_F_ADAPTIVE) && !(cfg->flags & DWCP_PIPE_F_RATE)) {
		*why = "adaptive rate needs the rate limit on";
		return -EINVAL;
	}
	if (cfg->priority >= __DWCP_RES_PRIO_MAX) {
		*why = "priority must be low, normal, high or critical";
		return -ERANGE;
	}
	if (cfg->bind >= __DWCP_RES_BIND_MAX) {
		*why = "bind must be any or admin";
		return -ERANGE;
	}
	if (!cfg->degrade_limit_permille || cfg->degrade_limit_permille > 1000) {
		*why = "degraded limit scale must be 1..1000 permille";
		return -ERANGE;
	}
	err = dwcp_breaker_config_check(&cfg->breaker, why);
	if (!err && (cfg->flags & DWCP_PIPE_F_RATE))
		err = dwcp_tb_config_check(&cfg->rate, why);
	if (!err && (cfg->flags & DWCP_PIPE_F_ADAPTIVE))
		err = dwcp_adaptive_config_check(&cfg->adaptive, why);
	if (!err)
		err = dwcp_bh_config_check(&cfg->bulkhead, why);
	if (!err)
		err = dwcp_retry_config_check(&cfg->retry, why);
	if (!err)
		err = dwcp_retry_budget_config_check(&cfg->retry_budget, why);
	if (!err)
		err = dwcp_timeout_config_check(&cfg->timeout, why);
	if (!err)
		err = dwcp_budget_config_check(&cfg->budget, why);
	return err;
}

/* A fixed bucket, or the adaptive controller's current rate and burst. */
static void pipe_rate_config(const struct dwcp_pipe *p,
			     const struct dwcp_pipe_config *cfg,
			     struct dwcp_tb_config *tb)
{
	*tb = cfg->rate;
	if (cfg->flags & DWCP_PIPE_F_ADAPTIVE) {
		tb->rate = max_t(u64, 1, div_u64(dwcp_adaptive_rate(&p->adaptive), 1000));
		tb->mrate = dwcp_adaptive_rate(&p->adaptive);
		tb->burst = (u32)min_t(u64, U32_MAX, dwcp_adaptive_burst(&p->adaptive));
	}
}

static void pipe_apply_simple(struct dwcp_pipe *p,
			      const struct dwcp_pipe_config *cfg)
{
	p->flags = cfg->flags;
	p->priority = cfg->priority;
	p->limit_permille = cfg->degrade_limit_permille;
	p->latency_target_ns = cfg->latency_target_ns;
	p->retry = cfg->retry;
}

/* The latency budget's config for the pipe's target (on or not). */
static void pipe_latbudget_config(const struct dwcp_pipe *p,
				  struct dwcp_latbudget_config *lc)
{
	dwcp_latbudget_config_default(lc, dwcp_pipe_latbudget_on(p) ?
				      p->latency_target_ns : DWCP_HIST_MAX_NS,
				      950000);
	lc->window_ns = DWCP_PIPE_LATBUDGET_WINDOW_NS;
	lc->min_samples = DWCP_PIPE_LATBUDGET_MIN_SAMPLES;
}

int dwcp_pipe_init(struct dwcp_pipe *p, const struct dwcp_pipe_config *cfg,
		   u64 now, const char **why)
{
	struct dwcp_latbudget_config lc;
	struct dwcp_tb_config tb;
	int err, i;

	err = dwcp_pipe_config_check(cfg, why);
	if (err)
		return err;
	memset(p, 0, sizeof(*p));
	pipe_apply_simple(p, cfg);
	pipe_latbudget_config(p, &lc);
	dwcp_latbudget_init(&p->latbudget, &lc, now);
	dwcp_breaker_init(&p->breaker, &cfg->breaker, now);
	if (cfg->flags & DWCP_PIPE_F_ADAPTIVE) {
		err = dwcp_adaptive_init(&p->adaptive, &cfg->adaptive, now);
		if (err)
			return err;
	}
	if (cfg->flags & DWCP_PIPE_F_RATE) {
		pipe_rate_config(p, cfg, &tb);
		err = dwcp_tb_init(&p->rate, &tb, now, why);
		if (err)
			return err;
	}
	err = dwcp_bh_init(&p->bulkhead, &cfg->bulkhead, why);
	if (!err)
		err = dwcp_retry_budget_init(&p->retry_budget, &cfg->retry_budget, why);
	if (!err)
		err = dwcp_timeout_init(&p->timeout, &cfg->timeout, now);
	if (err)
		return err;
	dwcp_budget_init(&p->budget, &cfg->budget, now);
	for (i = 0; i < DWCP_PIPE_NR_FAULTS; i++) {
		struct dwcp_chaos_config cc;

		dwcp_chaos_config_default(&cc, i);
		cc.probability_ppm = 0;
		dwcp_chaos_init(&p->chaos[i], &cc);
		dwcp_chaos_enable(&p->chaos[i], true);
	}
	return 0;
}

int dwcp_pipe_reconfigure(struct dwcp_pipe *p,
			  const struct dwcp_pipe_config *cfg, u64 now,
			  const char **why)
{
	struct dwcp_latbudget_config lc;
	struct dwcp_tb_config tb;
	bool had_adaptive = p->flags & DWCP_PIPE_F_ADAPTIVE;
	bool had_rate = p->flags & DWCP_PIPE_F_RATE;
	int err, granted;

	err = dwcp_pipe_config_check(cfg, why);
	if (err)
		return err;
	if (cfg->flags & DWCP_PIPE_F_ADAPTIVE)
		err = had_adaptive ?
			dwcp_adaptive_reconfigure(&p->adaptive, &cfg->adaptive, now) :
			dwcp_adaptive_init(&p->adaptive, &cfg->adaptive, now);
	if (err)
		return err;
	if (cfg->flags & DWCP_PIPE_F_RATE) {
		pipe_rate_config(p, cfg, &tb);
		err = had_rate ? dwcp_tb_reconfigure(&p->rate, &tb, now, why) :
				 dwcp_tb_init(&p->rate, &tb, now, why);
		if (err)
			return err;
	}
	/*
	 * Waiters the larger bulkhead admits are granted here; the shell
	 * wakes its head waiters whenever active drops below the limit.
	 */
	granted = dwcp_bh_reconfigure(&p->bulkhead, &cfg->bulkhead, why);
	if (granted < 0)
		return granted;
	err = dwcp_retry_budget_reconfigure(&p->retry_budget, &cfg->retry_budget, why);
	if (!err)
		err = dwcp_timeout_reconfigure(&p->timeout, &cfg->timeout, now);
	if (err)
		return err;
	dwcp_breaker_reconfigure(&p->breaker, &cfg->breaker, now);
	dwcp_budget_reconfigure(&p->budget, &cfg->budget, now);
	pipe_apply_simple(p, cfg);
	/* A new target re-judges the window's samples (latbudget.h). */
	pipe_latbudget_config(p, &lc);
	if (lc.target_ns != p->latbudget.cfg.target_ns)
		dwcp_latbudget_reconfigure(&p->latbudget, &lc, now);
	return granted;
}

int dwcp_pipe_set_fault(struct dwcp_pipe *p,
			const struct dwcp_chaos_config *cfg, const char **why)
{
	int err;

	err = dwcp_chaos_config_check(cfg, why);
	if (err)
		return err;
	dwcp_chaos_reconfigure(&p->chaos[cfg->kind], cfg);
	if (cfg->kind == DWCP_RES_FAULT_PARTITION)
		p->partition_until = 0;
	return 0;
}

void dwcp_pipe_clear_faults(struct dwcp_pipe *p)
{
	int i;

	for (i = 0; i < DWCP_PIPE_NR_FAULTS; i++) {
		struct dwcp_chaos_config cc = p->chaos[i].cfg;

		cc.probability_ppm = 0;
		dwcp_chaos_reconfigure(&p->chaos[i], &cc);
	}
	p->partition_until = 0;
}

/*
 * Stage 5 proper, only with DWCP_PIPE_CHAOS. A fault scoped to a peer is
 * skipped (not even counted as a check) for calls to other peers.
 */
static void pipe_roll_faults(struct dwcp_pipe *p, struct dwcp_pipe_ticket *t,
			     u64 now)
{
	struct dwcp_chaos *c = &p->chaos[DWCP_RES_FAULT_PARTITION];
	size_t i;
	u64 v;

	if (c->cfg.probability_ppm && dwcp_chaos_peer_match(&c->cfg.peer, t->peer)) {
		if (now < p->partition_until) {
			t->fault = DWCP_RES_FAULT_PARTITION;
			t->fault_value = p->partition_until - now;
			return;
		}
		if (dwcp_chaos_should_fail(c, &v)) {
			/* A zero-length partition still fails this call. */
			p->partition_until = now + max_t(u64, v, 1);
			t->fault = DWCP_RES_FAULT_PARTITION;
			t->fault_value = p->partition_until - now;
			return;
		}
	}
	for (i = 0; i < ARRAY_SIZE(pipe_roll); i++) {
		c = &p->chaos[pipe_roll[i]];
		if (!c->cfg.probability_ppm ||
		    !dwcp_chaos_peer_match(&c->cfg.peer, t->peer))
			continue;
		if (dwcp_chaos_should_fail(c, &t->fault_value)) {
			t->fault = pipe_roll[i];
			return;
		}
	}
}

static enum dwcp_pipe_verdict pipe_reject(struct dwcp_pipe_ticket *t,
					  u32 reason)
{
	t->reason = reason;
	t->stage = DWCP_PIPE_STAGE_DONE;
	return DWCP_PIPE_REJECT;
}

/*
 * A stage refuses the call: in shadow mode (DWCP_PIPE_F_SHADOW), let it
 * through past the remaining stages instead and say what would have been.
 */
static enum dwcp_pipe_verdict pipe_refuse(struct dwcp_pipe *p,
					  struct dwcp_pipe_ticket *t, u64 now,
					  u32 reason)
{
	if (likely(!(p->flags & DWCP_PIPE_F_SHADOW)))
		return pipe_reject(t, reason);
	t->shadow = reason;
	t->bypass = 1;
	t->start = now;
	t->stage = DWCP_PIPE_STAGE_ADMITTED;
	p->inflight++;
	return DWCP_PIPE_ADMIT;
}

/* Undo the stages before the bulkhead: refund the charge, free the probe. */
static void pipe_undo_front(struct dwcp_pipe *p, struct dwcp_pipe_ticket *t,
			    u64 now)
{
	if (t->charged)
		dwcp_tb_cancel(&p->rate, now, t->len);
	t->charged = 0;
	dwcp_breaker_complete(&p->breaker, t->epoch, DWCP_RES_RESULT_CANCELLED, now);
}

/*
 * Stage 5 and the hand-over to the caller. The call's latency runs from here:
 * time spent waiting for the rate limiter or for a bulkhead slot is the
 * pipeline's own doing and must not be fed back to the adaptive limiter, the
 * timeout estimator or the slow-call rule: a limiter that took its own delay
 * for the dependency's slowness would cut the rate, delay calls longer and cut
 * again, in a loop.
 */
static enum dwcp_pipe_verdict pipe_admitted(struct dwcp_pipe *p,
					    struct dwcp_pipe_ticket *t,
					    u64 now, u32 flags)
{
	t->start = now;
	t->stage = DWCP_PIPE_STAGE_ADMITTED;
	p->inflight++;
	if (unlikely(flags & DWCP_PIPE_CHAOS)) {
		pipe_roll_faults(p, t, now);
		/*
		 * Shadow: nothing is injected. A fault that would have failed
		 * the call counts as a chaos refusal, as enforcing counts it;
		 * a delay or a CPU spike would not have, so it does not.
		 */
		if (unlikely(p->flags & DWCP_PIPE_F_SHADOW) &&
		    t->fault != DWCP_PIPE_FAULT_NONE) {
			if (t->fault != DWCP_RES_FAULT_LATENCY &&
			    t->fault != DWCP_RES_FAULT_CPU_SPIKE)
				t->shadow = DWCP_RES_REJECT_CHAOS;
			t->fault = DWCP_PIPE_FAULT_NONE;
			t->fault_value = 0;
		}
	}
	return DWCP_PIPE_ADMIT;
}

/* Stage 4, also where a rate waiter comes back. */
static enum dwcp_pipe_verdict pipe_bulkhead(struct dwcp_pipe *p,
					    struct dwcp_pipe_ticket *t,
					    u64 now, u32 flags)
{
	enum dwcp_bh_verdict v;

	v = (flags & DWCP_PIPE_MAY_WAIT) ? dwcp_bh_acquire(&p->bulkhead) :
					   dwcp_bh_try_acquire(&p->bulkhead);
	if (v == DWCP_BH_ADMIT)
		return pipe_admitted(p, t, now, flags);
	if (v == DWCP_BH_QUEUE) {
		t->stage = DWCP_PIPE_STAGE_QUEUED;
		/* No deadline (0) must not end the wait at once. */
		t->wait_until = dwcp_bh_wait_deadline(&p->bulkhead, now,
						      t->deadline ? t->deadline : U64_MAX);
		return DWCP_PIPE_WAIT_SLOT;
	}
	pipe_undo_front(p, t, now);
	return pipe_refuse(p, t, now, DWCP_RES_REJECT_BULKHEAD_FULL);
}

enum dwcp_pipe_verdict dwcp_pipe_admit_peer(struct dwcp_pipe *p,
					    struct dwcp_pipe_ticket *t, u64 now,
					    u32 len, u32 level, u32 flags,
					    u64 deadline,
					    const struct dwcp_chaos_peer *peer)
{
	struct dwcp_degrade_effects eff;

	dwcp_pipe_ticket_init(t, now, len, deadline, peer);
	t->stream = !!(flags & DWCP_PIPE_STREAM);
	/* In shadow mode nothing waits: a wait is judged as a refusal. */
	if (unlikely(p->flags & DWCP_PIPE_F_SHADOW))
		flags &= ~DWCP_PIPE_MAY_WAIT;

	/* 1. degradation gate */
	if (unlikely(level != DWCP_RES_LEVEL_NORMAL)) {
		dwcp_degrade_effects(level, p->priority, p->limit_permille, &eff);
		if (!eff.admit)
			return pipe_refuse(p, t, now, DWCP_RES_REJECT_SHED);
	}

	/* 2. circuit breaker */
	if (dwcp_breaker_admit(&p->breaker, now, &t->epoch) != DWCP_BREAKER_ADMIT)
		return pipe_refuse(p, t, now, DWCP_RES_REJECT_BREAKER);

	/* 3. rate limit */
	if (dwcp_pipe_rate_applies(p, flags)) {
		bool ok;

		if (flags & DWCP_PIPE_MAY_WAIT) {
			ok = dwcp_tb_reserve(&p->rate, now, len,
					     deadline ? deadline : U64_MAX,
					     &t->wait_until);
		} else {
			ok = dwcp_tb_admit(&p->rate, now, len);
			/* Refused: when a call like this one would pass. */
			t->wait_until = ok ? now : dwcp_tb_next_admit(&p->rate, now, len);
		}
		if (p->flags & DWCP_PIPE_F_ADAPTIVE)
			dwcp_adaptive_note_admit(&p->adaptive, !ok);
		if (!ok) {
			dwcp_breaker_complete(&p->breaker, t->epoch,
					      DWCP_RES_RESULT_CANCELLED, now);
			return pipe_refuse(p, t, now, DWCP_RES_REJECT_RATE);
		}
		t->charged = 1;
		if (t->wait_until > now) {
			t->stage = DWCP_PIPE_STAGE_RATE;
			return DWCP_PIPE_WAIT_RATE;
		}
	}

	/* 4. bulkhead, 5. chaos */
	return pipe_bulkhead(p, t, now, flags);
}

enum dwcp_pipe_verdict dwcp_pipe_resume(struct dwcp_pipe *p,
					struct dwcp_pipe_ticket *t, u64 now,
					u32 flags)
{
	/* A call that began to wait before a switch to shadow waits no more. */
	if (unlikely(p->flags & DWCP_PIPE_F_SHADOW))
		flags &= ~DWCP_PIPE_MAY_WAIT;
	if (t->stage == DWCP_PIPE_STAGE_RATE)
		return pipe_bulkhead(p, t, now, flags);
	/* Granted by a completion's hand-off: the slot is already ours. */
	return pipe_admitted(p, t, now, flags);
}

void dwcp_pipe_abort(struct dwcp_pipe *p, struct dwcp_pipe_ticket *t,
		     u64 now, u32 reason)
{
	if (t->stage == DWCP_PIPE_STAGE_QUEUED) {
		if (reason == DWCP_RES_REJECT_BULKHEAD_WAIT)
			dwcp_bh_wait_timeout(&p->bulkhead);
		else
			dwcp_bh_cancel_wait(&p->bulkhead);
	}
	if (t->stage == DWCP_PIPE_STAGE_RATE || t->stage == DWCP_PIPE_STAGE_QUEUED)
		pipe_undo_front(p, t, now);
	t->reason = reason;
	t->stage = DWCP_PIPE_STAGE_DONE;
}

bool dwcp_pipe_complete(struct dwcp_pipe *p, struct dwcp_pipe_ticket *t,
			u64 now, u32 result, bool timed_out)
{
	u64 latency = now > t->start ? now - t->start : 0;
	u32 r = result;

	if (t->stage != DWCP_PIPE_STAGE_ADMITTED)
		return false;
	t->stage = DWCP_PIPE_STAGE_DONE;
	if (!t->fast)
		p->inflight--;
	/* Shadow mode: a call that would have been refused feeds nothing. */
	if (unlikely(t->bypass))
		return false;

	if (r == DWCP_RES_RESULT_SUCCESS && !t->untimed)
		r = dwcp_breaker_classify(&p->breaker, r, latency);
	dwcp_breaker_complete(&p->breaker, t->epoch, r, now);
	dwcp_budget_record_result(&p->budget, now, r);
	/* An untimed call that timed out still ran at least the timeout. */
	if (r != DWCP_RES_RESULT_IGNORED && r != DWCP_RES_RESULT_CANCELLED &&
	    (!t->untimed || timed_out)) {
		dwcp_timeout_record(&p->timeout, latency, timed_out);
		if (dwcp_pipe_latbudget_on(p))
			dwcp_latbudget_record(&p->latbudget, now, latency);
		if ((p->flags & DWCP_PIPE_F_ADAPTIVE) && !t->untimed && !t->stream)
			dwcp_adaptive_record(&p->adaptive, latency);
	}
	if (p->flags & DWCP_PIPE_F_ADAPTIVE) {
		u64 rate;

		if (unlikely(dwcp_adaptive_tick_due(&p->adaptive, now)) &&
		    dwcp_adaptive_tick(&p->adaptive, now, &rate)) {
			struct dwcp_tb_config tb = p->rate.cfg;
			const char *why;

			tb.rate = max_t(u64, 1, div_u64(rate, 1000));
			tb.mrate = rate;
			tb.burst = (u32)min_t(u64, U32_MAX,
					      dwcp_adaptive_burst(&p->adaptive));
			dwcp_tb_reconfigure(&p->rate, &tb, now, &why);
		}
	}
	if (unlikely(dwcp_timeout_update_due(&p->timeout, now)))
		dwcp_timeout_update(&p->timeout, now);
	/* A lock-free ticket's slot is the shell's to give back. */
	return !t->fast && dwcp_bh_release(&p->bulkhead);
}

bool dwcp_pipe_fast_ok_for(const struct dwcp_pipe *p, bool stream)
{
	size_t i;

	if (dwcp_pipe_rate_applies(p, stream ? DWCP_PIPE_STREAM : 0) ||
	    p->bulkhead.queued ||
	    p->partition_until ||
	    p->breaker.state != DWCP_RES_BREAKER_CLOSED ||
	    p->breaker.cfg.mode != DWCP_RES_BREAKER_MODE_CONSECUTIVE)
		return false;
	for (i = 0; i < ARRAY_SIZE(p->chaos); i++)
		if (p->chaos[i].cfg.probability_ppm)
			return false;
	return true;
}

u32 dwcp_pipe_fold(struct dwcp_pipe *p, u64 now, const struct dwcp_pipe_fold *f)
{
	u64 n = f->successes;
	u32 granted, c;

	granted = dwcp_bh_fold_ext(&p->bulkhead, f->active, f->released, f->peak);
	dwcp_breaker_fold(&p->breaker, f->released, n);
	if (f->latencies) {
		dwcp_hist_merge(&p->timeout.win, f->latencies);
		if (dwcp_pipe_latbudget_on(p))
			dwcp_latbudget_merge(&p->latbudget, now, f->latencies,
					     f->successes);
	}
	for (; n; n -= c) {
		c = (u32)min_t(u64, n, U32_MAX);
		dwcp_budget_add(&p->budget, now, c, 0);
	}
	if (dwcp_timeout_update_due(&p->timeout, now))
		dwcp_timeout_update(&p->timeout, now);
	return granted;
}

u64 dwcp_pipe_timeout(const struct dwcp_pipe *p)
{
	return dwcp_timeout_current(&p->timeout);
}

int dwcp_pipe_reject_errno(const struct dwcp_pipe_ticket *t)
{
	switch (t->reason) {
	case DWCP_RES_REJECT_SHED:
		return -ECANCELED;
	case DWCP_RES_REJECT_BREAKER:
		return -ECONNREFUSED;
	case DWCP_RES_REJECT_RATE:
		return -ENOBUFS;
	case DWCP_RES_REJECT_BULKHEAD_FULL:
		return -EBUSY;
	case DWCP_RES_REJECT_BULKHEAD_WAIT:
		return -ETIME;
	case DWCP_RES_REJECT_CHAOS:
		if (t->fault == DWCP_RES_FAULT_PARTITION)
			return -DWCP_RES_PARTITION_ERRNO;
		if (t->fault == DWCP_RES_FAULT_TIMEOUT)
			return -ETIMEDOUT;
		return t->fault_value ? -(int)t->fault_value : -EIO;
	default:
		return 0;
	}
}
