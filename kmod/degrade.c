// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the degradation level of a network namespace, and its effects.
 *
 * The level is decided by the pure controller of kmod/core/degrade.h: a
 * manual override, or the inputs the engine (engine.c) feeds it every
 * tick from the triggers, plus the EXTERNAL one of in-kernel users. It
 * lives in struct dwcp_net under the namespace's cfg_lock, and dn->level is
 * its published copy, which the fast path reads with READ_ONCE() at every
 * admit (the gate sheds by priority there, kmod/core/pipeline.c).
 *
 * What the gate cannot do per call is applied here whenever the level
 * changes, and whenever a policy is added or changed at a level other than
 * normal: every pipeline gets a scaled copy of its policy's configuration
 * (dwcp_degrade_effects(): rate and bulkhead limits times the policy's
 * degrade_limit_permille, retries times 1/2 or 0), applied with
 * dwcp_pipe_reconfigure() so the breaker, counters and windows are kept.
 * p->cfg stays what the user set (that is what POLICY_GET reports), and
 * back at normal the pipeline gets it unchanged.
 *
 * A delayed work ends a timed hold and, under automatic control, steps the
 * level down one level per dwell time; it only runs while there is such
 * work to do.
 */
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/timekeeping.h>

#include "dwcp_res.h"
#include "events.h"

/* How often the work looks again while the level may still step down. */
#define DEGRADE_POLL	HZ

static u64 scale_min1(u64 v, u32 permille)
{
	return max_t(u64, 1, mul_u64_u32_div(v, permille, 1000));
}

/* The configuration a pipeline runs with at @level; @c is a copy. */
static void degrade_scale(struct dwcp_pipe_config *c, u32 level)
{
	struct dwcp_degrade_effects eff;
	u32 lp;

	dwcp_degrade_effects(level, c->priority, c->degrade_limit_permille, &eff);
	lp = eff.limit_permille;
	if (lp < 1000) {
		c->bulkhead.max_concurrent =
			(u32)scale_min1(c->bulkhead.max_concurrent, lp);
		if (c->flags & DWCP_PIPE_F_RATE) {
			c->rate.rate = scale_min1(c->rate.rate, lp);
			c->rate.burst = (u32)scale_min1(c->rate.burst, lp);
			if (c->rate.byte_rate)
				c->rate.byte_rate = scale_min1(c->rate.byte_rate, lp);
		}
		if (c->flags & DWCP_PIPE_F_ADAPTIVE) {
			struct dwcp_adaptive_config *a = &c->adaptive;

			a->max_rate = scale_min1(a->max_rate, lp);
			a->min_rate = min(a->min_rate, a->max_rate);
			a->initial_rate = clamp(a->initial_rate, a->min_rate,
						a->max_rate);
		}
	}
	c->retry.max_retries = (u32)div_u64((u64)c->retry.max_retries *
					    eff.retry_permille, 1000);
}

/*
 * Run @p's pipeline with @cfg (the user's configuration) as scaled for
 * @level, keeping its state. Caller holds the namespace's cfg_lock; takes
 * the policy lock, and wakes the waiters a larger bulkhead let in.
 */
int dwcp_res_policy_apply(struct dwcp_res_policy *p,
			  const struct dwcp_pipe_config *cfg, u32 level,
			  const char **why)
{
	struct dwcp_pipe_config scaled;
	int granted;

	scaled = *cfg;
	if (level != DWCP_RES_LEVEL_NORMAL)
		degrade_scale(&scaled, level);
	/*
	 * Slots a larger bulkhead granted belong to the head waiters, and they
	 * are handed over in the same locked section that granted them. Woken
	 * after the unlock, a waiter whose wait ended in between found itself
	 * still queued but the queue count already taken: its abort did
	 * nothing and the slot stayed taken for ever.
	 */
	dwcp_res_policy_lock(p);
	granted = dwcp_pipe_reconfigure(&p->pipe, &scaled, ktime_get_ns(), why);
	if (granted > 0)
		dwcp_res_policy_wake_granted_locked(p, granted);
	dwcp_res_policy_unlock(p);
	DWCP_RES_TEST_HOOK(after_grant, p);
	/* A larger bulkhead: sockets refused a slot try again. */
	dwcp_res_slot_wake(p);
	return granted < 0 ? granted : 0;
}

#if IS_ENABLED(CONFIG_KUNIT)
dwcp_res_test_hook_t dwcp_res_test_after_grant;
EXPORT_SYMBOL_GPL(dwcp_res_test_after_grant);
#endif

/* Re-apply every policy's configuration for the level now published. */
static void degrade_apply_locked(struct dwcp_net *dn, u32 level)
{
	struct dwcp_res_policy *p;
	const char *why = NULL;

	list_for_each_entry(p, &dn->policies, node) {
		const struct dwcp_pipe_config *cfg;

		cfg = rcu_dereference_protected(p->cfg,
						lockdep_is_held(&dn->cfg_lock));
		if (dwcp_res_policy_apply(p, cfg, level, &why))
			pr_warn_ratelimited("dwcp_res: policy %s: cannot apply level %u: %s\n",
					    p->name, level, why ? why : "?");
	}
}

/* (Re)arm the work when a hold is to end or the level may step down. */
static void degrade_schedule_locked(struct dwcp_net *dn, u64 now)
{
	const struct dwcp_degrade *d = &dn->degrade;
	unsigned long delay;

	if (d->manual && d->hold_until) {
		delay = d->hold_until > now ?
			nsecs_to_jiffies(d->hold_until - now) + 1 : 0;
		mod_delayed_work(system_wq, &dn->degrade_work, delay);
	} else if (!d->manual && dwcp_degrade_target(d) != d->level) {
		mod_delayed_work(system_wq, &dn->degrade_work, DEGRADE_POLL);
	}
}

/* The controller moved from @from: publish, apply, tell. */
static void degrade_changed_locked(struct dwcp_net *dn, u32 from)
{
	const struct dwcp_degrade *d = &dn->degrade;
	u32 to = dwcp_degrade_level(d);

	if (to == from)
		return;
	WRITE_ONCE(dn->level, to);
	degrade_apply_locked(dn, to);
	dwcp_res_event_level(dn->net, from, to, d->manual,
			     d->manual ? 0 : dwcp_engine_cause(d, to));
}

/* Let the controller move on its inputs; the engine's tick calls this too. */
void dwcp_res_degrade_tick_locked(struct dwcp_net *dn, u64 now)
{
	u32 from;

	lockdep_assert_held(&dn->cfg_lock);
	from = dwcp_degrade_level(&dn->degrade);
	dwcp_degrade_tick(&dn->degrade, now);
	degrade_changed_locked(dn, from);
	degrade_schedule_locked(dn, now);
}

static void degrade_work_fn(struct work_struct *work)
{
	struct dwcp_net *dn = container_of(to_delayed_work(work),
					   struct dwcp_net, degrade_work);

	mutex_lock(&dn->cfg_lock);
	dwcp_res_degrade_tick_locked(dn, ktime_get_ns());
	mutex_unlock(&dn->cfg_lock);
}

int dwcp_res_degrade_set(struct net *net, u32 level, u64 hold_ns,
			 struct netlink_ext_ack *extack)
{
	struct dwcp_net *dn = dwcp_net(net);
	u64 now = ktime_get_ns();
	u32 from;

	if (level >= __DWCP_RES_LEVEL_MAX) {
		NL_SET_ERR_MSG(extack, "no such degradation level");
		return -EINVAL;
	}
	mutex_lock(&dn->cfg_lock);
	from = dwcp_degrade_level(&dn->degrade);
	dwcp_degrade_set(&dn->degrade, level, hold_ns, now);
	degrade_changed_locked(dn, from);
	degrade_schedule_locked(dn, now);
	mutex_unlock(&dn->cfg_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(dwcp_res_degrade_set);

int dwcp_res_degrade_auto(struct net *net, struct netlink_ext_ack *extack)
{
	struct dwcp_net *dn = dwcp_net(net);
	u64 now = ktime_get_ns();
	u32 from;

	mutex_lock(&dn->cfg_lock);
	from = dwcp_degrade_level(&dn->degrade);
	dwcp_degrade_auto(&dn->degrade, now);
	dwcp_degrade_tick(&dn->degrade, now);
	degrade_changed_locked(dn, from);
	degrade_schedule_locked(dn, now);
	mutex_unlock(&dn->cfg_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(dwcp_res_degrade_auto);

int dwcp_res_degrade_external(struct net *net, u32 level,
			      struct netlink_ext_ack *extack)
{
	struct dwcp_net *dn = dwcp_net(net);

	if (level >= __DWCP_RES_LEVEL_MAX) {
		NL_SET_ERR_MSG(extack, "no such degradation level");
		return -EINVAL;
	}
	mutex_lock(&dn->cfg_lock);
	if (!(dn->engine.cfg.triggers & DWCP_RES_TRIGGER_EXTERNAL))
		level = DWCP_RES_LEVEL_NORMAL;
	dwcp_degrade_set_input(&dn->degrade, DWCP_DEGRADE_IN_EXTERNAL, level);
	dwcp_res_degrade_tick_locked(dn, ktime_get_ns());
	mutex_unlock(&dn->cfg_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(dwcp_res_degrade_external);

void dwcp_res_degrade_get(struct net *net, struct dwcp_res_degrade_info *info)
{
	struct dwcp_net *dn = dwcp_net(net);
	const struct dwcp_degrade *d = &dn->degrade;
	u64 now = ktime_get_ns();
	u32 i;

	memset(info, 0, sizeof(*info));
	mutex_lock(&dn->cfg_lock);
	info->level = dwcp_degrade_level(d);
	info->manual = d->manual;
	if (d->manual && d->hold_until)
		info->hold_left_ns = d->hold_until > now ?
				     d->hold_until - now : 1;
	info->changes = d->changes;
	for (i = 0; i < __DWCP_RES_LEVEL_MAX; i++)
		info->time_in_ns[i] = dwcp_degrade_time_in(d, i, now);
	mutex_unlock(&dn->cfg_lock);
}
EXPORT_SYMBOL_GPL(dwcp_res_degrade_get);

void dwcp_res_degrade_net_init(struct dwcp_net *dn)
{
	struct dwcp_degrade_config cfg;

	dwcp_degrade_config_default(&cfg);
	dwcp_degrade_init(&dn->degrade, &cfg, ktime_get_ns());
	dn->level = DWCP_RES_LEVEL_NORMAL;
	INIT_DELAYED_WORK(&dn->degrade_work, degrade_work_fn);
}

/* Before the policies go; not under cfg_lock (the work takes it). */
void dwcp_res_degrade_net_exit(struct dwcp_net *dn)
{
	cancel_delayed_work_sync(&dn->degrade_work);
}
