// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the engine of a network namespace: one delayed work, every
 * tick (1 s by default), that
 *
 *   1. samples every policy: its error budget (alerts, remaining, burn),
 *      lifetime counters, breaker, in-flight calls, transport errors, and
 *      its latency over the tick (the per-CPU histograms merged and
 *      differenced against the previous tick's copy);
 *   2. folds them into the system budget and the short error-rate windows
 *      (kmod/core/engine.h), and reports alert changes as events;
 *   3. runs the health checks that are due, and reports transitions;
 *   4. feeds the degradation controller and lets it move (degrade.c).
 *
 * The data path pays nothing for any of it: everything is read from the
 * counters the pipeline keeps anyway, once per tick.
 *
 * Locking: the namespace's cfg_lock (a mutex) serialises the work with
 * every configuration change, so the engine's state, the checks list and
 * the degradation controller need no other lock; each policy's pipeline is
 * read under its own spinlock, one policy at a time. The work never runs
 * after dwcp_res_engine_net_exit() returned.
 */
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "dwcp_res.h"
#include "events.h"

/* The built-in checks (Documentation/health.rst: send errors < 1 %, system < 0.1 %). */
static const struct {
	const char *name;
	const char *policy;
	u32 metric;
	s64 max;
} engine_builtin[] = {
	{ "transport", "", DWCP_RES_METRIC_TRANSPORT_ERRORS, 0 },
	{ "send-errors", DWCP_RES_CLASS_SEND, DWCP_RES_METRIC_ERROR_RATE_PPM, 9999 },
	{ "system-errors", "", DWCP_RES_METRIC_ERROR_RATE_PPM, 999 },
	{ "breakers", "", DWCP_RES_METRIC_BREAKERS_OPEN, 0 },
	{ "latency", "", DWCP_RES_METRIC_LATENCY_OVER, 0 },
};

static unsigned long engine_delay(const struct dwcp_net *dn)
{
	return max_t(unsigned long, nsecs_to_jiffies(dn->engine.cfg.tick_ns), 1);
}

/* Completed calls of @p so far, summed over CPUs. */
static u64 engine_completed(struct dwcp_res_policy *p)
{
	unsigned int start;
	u64 sum = 0, v;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct dwcp_res_pcpu_stats *c = per_cpu_ptr(p->stats, cpu);

		do {
			start = u64_stats_fetch_begin(&c->syncp);
			v = u64_stats_read(&c->completed);
		} while (u64_stats_fetch_retry(&c->syncp, start));
		sum += v;
	}
	return sum;
}

/* Read one policy for the tick; @h is scratch for the merged histogram. */
static void engine_sample(struct dwcp_engine *e, struct dwcp_res_policy *p,
			  struct dwcp_hist *h, u64 now,
			  struct dwcp_engine_sample *s)
{
	struct dwcp_budget_status st;
	u64 completed, n, kept;

	memset(s, 0, sizeof(*s));
	dwcp_res_policy_lock(p);
	s->alerts = dwcp_budget_eval(&p->pipe.budget, now, &st);
	/* The latency budget's alert rides with the error budget's bits. */
	if (dwcp_pipe_latbudget_on(&p->pipe) &&
	    dwcp_latbudget_exhausted(&p->pipe.latbudget, now))
		s->alerts |= DWCP_RES_ALERT_LATENCY;
	s->remaining_ppm = st.remaining_ppm;
	s->burn_x1000 = st.burn_long_x1000[0];
	s->life_total = p->pipe.budget.life_total;
	s->life_bad = p->pipe.budget.life_bad;
	s->breaker_state = dwcp_breaker_state(&p->pipe.breaker);
	s->inflight = dwcp_pipe_inflight(&p->pipe);
	s->latency_target_ns = p->pipe.latency_target_ns;
	s->shadow = p->pipe.flags & DWCP_PIPE_F_SHADOW;
	dwcp_res_policy_unlock(p);
	s->transport_errors = atomic64_read(&p->transport_errors);

	/*
	 * Latency since the samples were last judged: the lifetime histogram
	 * minus the one kept then (engine.h, LATENCY). Until the engine judges
	 * them it needs their count only, and @eng_hist stays where it was.
	 * Each completion records at most one latency, so when the completion
	 * count has not moved there is nothing new: unless the pending samples
	 * are due to be dropped, skip merging the per-CPU histograms (1 KiB
	 * each) of an idle policy.
	 */
	completed = engine_completed(p);
	s->latency_samples = p->eng_pending;
	if (completed == p->eng_completed &&
	    (!p->eng_pending ||
	     !dwcp_engine_latency_due(e, &p->eng, p->eng_pending, now)))
		return;
	p->eng_completed = completed;
	dwcp_res_policy_latency(p, h);
	n = dwcp_hist_count(h);
	kept = dwcp_hist_count(p->eng_hist);
	s->latency_samples = n >= kept ? n - kept : n;	/* as dwcp_hist_delta() */
	p->eng_pending = s->latency_samples;
	if (!dwcp_engine_latency_due(e, &p->eng, s->latency_samples, now))
		return;
	dwcp_hist_delta(h, p->eng_hist);
	p->eng_pending = 0;
	s->latency_samples = dwcp_hist_count(h);
	if (s->latency_samples)
		s->p95_ns = dwcp_hist_percentile(h, 950000);
}

/*
 * Run one check. Its probe is the metric as of this tick, so it answers at
 * once. Checks only run at ticks, so a run may start up to one tick after
 * it was due (intervals are rounded up to ticks); a tick later than that
 * (a starved workqueue) counts against the check's timeout and fails it as
 * a timeout when it is later than the timeout. An error-rate check with
 * fewer calls in the window than the low-traffic guard passes: too little
 * traffic is no evidence. A user's check of a policy that was deleted
 * fails (delete the check with it); a built-in one passes.
 */
static void engine_check(struct dwcp_net *dn, struct dwcp_res_check *c, u64 now)
{
	const struct dwcp_engine_policy *ep = NULL;
	u64 due = now;
	bool ok;

	if (!c->enabled || !dwcp_health_due(&c->h, now))
		return;
	if (c->h.started && now - c->h.last_start < 2 * c->h.cfg.interval_ns)
		due = c->h.last_start + c->h.cfg.interval_ns;
	dwcp_health_start(&c->h, min(now, due + dn->engine.cfg.tick_ns));

	if (c->policy[0]) {
		struct dwcp_res_policy *p = dwcp_res_policy_find(dn, c->policy);

		ep = p ? &p->eng : NULL;
		if (!p) {
			/* A built-in check of a deleted profile policy has nothing to check. */
			c->value = 0;
			ok = c->builtin;
			goto report;
		}
	}
	c->value = dwcp_engine_metric(&dn->engine, ep, c->metric);
	ok = dwcp_health_threshold_ok(c->value, c->min, c->max);
	if (c->metric == DWCP_RES_METRIC_ERROR_RATE_PPM &&
	    dwcp_engine_metric(&dn->engine, ep, DWCP_RES_METRIC_CALLS) <
	    max_t(u32, dn->engine.cfg.min_events, 1))
		ok = true;
report:
	if (dwcp_health_report(&c->h, now, ok))
		dwcp_res_event_health(dn->net, c);
}

static void engine_tick_locked(struct dwcp_net *dn, u64 now)
{
	struct dwcp_engine *e = &dn->engine;
	struct dwcp_engine_sample s;
	struct dwcp_res_policy *p;
	struct dwcp_res_check *c;
	struct dwcp_hist *h;
	u32 from, level = DWCP_RES_LEVEL_NORMAL;

	lockdep_assert_held(&dn->cfg_lock);
	h = kmalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return;	/* try again next tick; nothing is lost but time */
	dwcp_engine_begin(e);
	list_for_each_entry(p, &dn->policies, node) {
		engine_sample(e, p, h, now, &s);
		if (dwcp_engine_policy_tick(e, &p->eng, &s, now, &from))
			dwcp_res_event_alert(dn->net, p->name, from, p->eng.alerts,
					     p->eng.remaining_ppm);
	}
	kfree(h);
	if (dwcp_engine_end(e, now, &from))
		dwcp_res_event_alert(dn->net, DWCP_RES_BUDGET_SYSTEM, from,
				     e->alerts, e->remaining_ppm);

	list_for_each_entry(c, &dn->checks, node) {
		engine_check(dn, c, now);
		if (c->enabled && !dwcp_health_healthy(&c->h))
			level = max(level, c->level);
	}
	e->health_level = level;
	dwcp_engine_feed(e, &dn->degrade);
	dwcp_res_degrade_tick_locked(dn, now);
}

static void engine_work_fn(struct work_struct *work)
{
	struct dwcp_net *dn = container_of(to_delayed_work(work),
					   struct dwcp_net, engine_work);

	mutex_lock(&dn->cfg_lock);
	engine_tick_locked(dn, ktime_get_ns());
	if (!dn->engine_stopping)
		queue_delayed_work(system_power_efficient_wq, &dn->engine_work,
				   engine_delay(dn));
	mutex_unlock(&dn->cfg_lock);
}

/* A new policy: its engine state starts at the current window geometry. */
int dwcp_res_engine_policy_init(struct dwcp_net *dn, struct dwcp_res_policy *p)
{
	p->eng_hist = kmalloc(sizeof(*p->eng_hist), GFP_KERNEL_ACCOUNT);
	if (!p->eng_hist)
		return -ENOMEM;
	dwcp_hist_init(p->eng_hist);
	dwcp_engine_policy_init(&p->eng, &dn->engine.cfg, ktime_get_ns());
	return 0;
}

/* Find a check by name; caller holds cfg_lock. */
struct dwcp_res_check *dwcp_res_check_find(struct dwcp_net *dn, const char *name)
{
	struct dwcp_res_check *c;

	list_for_each_entry(c, &dn->checks, node)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static void check_defaults(struct dwcp_res_check *c)
{
	dwcp_health_config_default(&c->hcfg);
	c->min = 0;
	c->max = 0;
	c->level = DWCP_RES_LEVEL_DEGRADED;
	c->enabled = true;
}

/*
 * Apply @upd (a checked copy of @c with the user's changes) to @c, keeping
 * its state and counters. Caller holds cfg_lock.
 */
int dwcp_res_check_update(struct dwcp_net *dn, struct dwcp_res_check *c,
			  const struct dwcp_res_check *upd, bool dry_run,
			  struct netlink_ext_ack *extack)
{
	const char *why = NULL;
	u64 now = ktime_get_ns();

	lockdep_assert_held(&dn->cfg_lock);
	if (dwcp_health_config_check(&upd->hcfg, &why)) {
		dwcp_res_extack(extack, why);
		return -EINVAL;
	}
	if (upd->min > upd->max) {
		NL_SET_ERR_MSG(extack, "health check min is above its max");
		return -EINVAL;
	}
	if (dry_run)
		return 0;
	c->min = upd->min;
	c->max = upd->max;
	c->level = upd->level;
	c->hcfg = upd->hcfg;
	if (dwcp_health_reconfigure(&c->h, &c->hcfg, now))
		dwcp_res_event_health(dn->net, c);
	if (c->enabled && !upd->enabled)
		dwcp_health_stop(&c->h);
	else if (!c->enabled && upd->enabled)
		dwcp_health_resume(&c->h);
	c->enabled = upd->enabled;
	return 0;
}

/* A new check with @tmpl's configuration; caller holds cfg_lock. */
int dwcp_res_check_add(struct dwcp_net *dn, const struct dwcp_res_check *tmpl,
		       bool dry_run, struct netlink_ext_ack *extack)
{
	const char *why = NULL;
	struct dwcp_res_check *c;

	lockdep_assert_held(&dn->cfg_lock);
	if (!dwcp_res_name_valid(tmpl->name, true, extack))
		return -EINVAL;
	if (dwcp_res_check_find(dn, tmpl->name)) {
		NL_SET_ERR_MSG(extack, "a health check with this name exists");
		return -EEXIST;
	}
	if (dn->nchecks >= DWCP_RES_MAX_CHECKS) {
		NL_SET_ERR_MSG(extack, "too many health checks in this namespace");
		return -ENOSPC;
	}
	if (dwcp_health_config_check(&tmpl->hcfg, &why)) {
		dwcp_res_extack(extack, why);
		return -EINVAL;
	}
	if (tmpl->min > tmpl->max) {
		NL_SET_ERR_MSG(extack, "health check min is above its max");
		return -EINVAL;
	}
	if (tmpl->policy[0] && !tmpl->builtin && !dwcp_res_policy_find(dn, tmpl->policy)) {
		NL_SET_ERR_MSG(extack, "no policy with this name to check");
		return -ENOENT;
	}
	if (dry_run)
		return 0;
	c = kmemdup(tmpl, sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;
	dwcp_health_init(&c->h, &c->hcfg, ktime_get_ns());
	if (!c->enabled)
		dwcp_health_stop(&c->h);
	c->value = 0;
	list_add_tail(&c->node, &dn->checks);
	dn->nchecks++;
	return 0;
}

void dwcp_res_check_del(struct dwcp_net *dn, struct dwcp_res_check *c)
{
	lockdep_assert_held(&dn->cfg_lock);
	list_del(&c->node);
	dn->nchecks--;
	kfree(c);
}

/* A template for dwcp_res_check_add(): defaults, named @name. */
void dwcp_res_check_template(struct dwcp_res_check *c, const char *name)
{
	memset(c, 0, sizeof(*c));
	strscpy(c->name, name, sizeof(c->name));
	check_defaults(c);
}

int dwcp_res_engine_set(struct dwcp_net *dn, const struct dwcp_engine_config *ec,
			const struct dwcp_degrade_config *dc, bool dry_run,
			struct netlink_ext_ack *extack)
{
	const char *why = NULL;
	u64 now = ktime_get_ns();

	if (dwcp_engine_config_check(ec, &why) ||
	    dwcp_degrade_config_check(dc, &why)) {
		dwcp_res_extack(extack, why);
		return -EINVAL;
	}
	if (dry_run)
		return 0;
	mutex_lock(&dn->cfg_lock);
	dwcp_engine_reconfigure(&dn->engine, ec, now);
	dwcp_degrade_reconfigure(&dn->degrade, dc, now);
	/* Act on new thresholds and a new period now, not a tick later. */
	engine_tick_locked(dn, now);
	mod_delayed_work(system_power_efficient_wq, &dn->engine_work,
			 engine_delay(dn));
	mutex_unlock(&dn->cfg_lock);
	return 0;
}

void dwcp_res_engine_get(struct dwcp_net *dn, struct dwcp_engine_config *ec,
			 struct dwcp_degrade_config *dc)
{
	mutex_lock(&dn->cfg_lock);
	*ec = dn->engine.cfg;
	*dc = dn->degrade.cfg;
	mutex_unlock(&dn->cfg_lock);
}

int dwcp_res_engine_net_init(struct dwcp_net *dn)
{
	struct dwcp_engine_config ec;
	struct dwcp_budget_config sys;
	struct dwcp_res_check *tmpl;
	size_t i;
	int err = 0;

	INIT_LIST_HEAD(&dn->checks);
	dwcp_engine_config_default(&ec);
	dwcp_budget_config_default(&sys, DWCP_ENGINE_DEF_SYSTEM_SLO_PPM);
	dwcp_engine_init(&dn->engine, &ec, &sys, ktime_get_ns());
	INIT_DELAYED_WORK(&dn->engine_work, engine_work_fn);

	tmpl = kmalloc(sizeof(*tmpl), GFP_KERNEL);
	if (!tmpl)
		return -ENOMEM;
	mutex_lock(&dn->cfg_lock);
	for (i = 0; i < ARRAY_SIZE(engine_builtin) && !err; i++) {
		dwcp_res_check_template(tmpl, engine_builtin[i].name);
		strscpy(tmpl->policy, engine_builtin[i].policy, sizeof(tmpl->policy));
		tmpl->metric = engine_builtin[i].metric;
		tmpl->max = engine_builtin[i].max;
		tmpl->builtin = true;
		err = dwcp_res_check_add(dn, tmpl, false, NULL);
	}
	mutex_unlock(&dn->cfg_lock);
	kfree(tmpl);
	return err;
}

/* Start ticking once the profile is loaded. */
void dwcp_res_engine_net_start(struct dwcp_net *dn)
{
	queue_delayed_work(system_power_efficient_wq, &dn->engine_work,
			   engine_delay(dn));
}

/* Before the policies go; not under cfg_lock (the work takes it). */
void dwcp_res_engine_net_exit(struct dwcp_net *dn)
{
	struct dwcp_res_check *c, *tmp;

	mutex_lock(&dn->cfg_lock);
	dn->engine_stopping = true;
	mutex_unlock(&dn->cfg_lock);
	cancel_delayed_work_sync(&dn->engine_work);
	mutex_lock(&dn->cfg_lock);
	list_for_each_entry_safe(c, tmp, &dn->checks, node)
		dwcp_res_check_del(dn, c);
	mutex_unlock(&dn->cfg_lock);
}

void dwcp_res_transport_error(struct dwcp_res_policy *p, int err)
{
	if (dwcp_errno_is_peer(err))
		atomic64_inc(&p->transport_errors);
}
EXPORT_SYMBOL_GPL(dwcp_res_transport_error);
