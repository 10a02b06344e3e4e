// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the per-namespace registry of named policies.
 *
 * Every network namespace starts with the DWCP profile (send, receive, sync,
 * consensus). Lookups walk an RCU list; adding, changing and deleting
 * policies are serialised by the namespace's cfg_lock. Changing a policy
 * reconfigures its pipeline in place, so the breaker state, the counters
 * and the budget windows survive the change (resilience4j #299, #975: its
 * users lose all of that when they "replace the instance").
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kcsan-checks.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "dwcp_res.h"
#include "events.h"

static unsigned int dwcp_net_id __read_mostly;

static const char * const dwcp_profile_classes[] = {
	DWCP_RES_CLASS_SEND,
	DWCP_RES_CLASS_RECEIVE,
	DWCP_RES_CLASS_SYNC,
	DWCP_RES_CLASS_CONSENSUS,
};

struct dwcp_net *dwcp_net(const struct net *net)
{
	return net_generic(net, dwcp_net_id);
}

static void dwcp_res_policy_free_rcu(struct rcu_head *head)
{
	struct dwcp_res_policy *p = container_of(head, struct dwcp_res_policy, rcu);

	percpu_ref_exit(&p->ref);
	kfree(rcu_access_pointer(p->cfg));
	kfree(p->eng_hist);
	kfree(p->fold_prev);
	kfree(p->fold_cur);
	free_percpu(p->fast_pcpu);
	free_percpu(p->latency);
	free_percpu(p->stats);
	kvfree(p);
}

/*
 * The last reference went, in any context: free after a grace period, as
 * lookups under rcu_read_lock() may still try to get the policy.
 */
static void dwcp_res_policy_release(struct percpu_ref *ref)
{
	struct dwcp_res_policy *p = container_of(ref, struct dwcp_res_policy, ref);

	call_rcu(&p->rcu, dwcp_res_policy_free_rcu);
}

void dwcp_res_policy_put(struct dwcp_res_policy *p)
{
	if (p)
		percpu_ref_put(&p->ref);
}
EXPORT_SYMBOL_GPL(dwcp_res_policy_put);

/* Caller holds rcu_read_lock() or dn->cfg_lock. */
struct dwcp_res_policy *dwcp_res_policy_find(struct dwcp_net *dn, const char *name)
{
	struct dwcp_res_policy *p;

	list_for_each_entry_rcu(p, &dn->policies, node,
				lockdep_is_held(&dn->cfg_lock))
		if (!strcmp(p->name, name))
			return p;
	return NULL;
}

struct dwcp_res_policy *dwcp_res_policy_get(struct net *net, const char *name)
{
	struct dwcp_res_policy *p;

	rcu_read_lock();
	p = dwcp_res_policy_find(dwcp_net(net), name);
	if (p && !percpu_ref_tryget(&p->ref))
		p = NULL;
	rcu_read_unlock();
	return p;
}
EXPORT_SYMBOL_GPL(dwcp_res_policy_get);

/* Names of policies and health checks (@check): 1..31 of [A-Za-z0-9_.-]. */
bool dwcp_res_name_valid(const char *name, bool check, struct netlink_ext_ack *extack)
{
	size_t len = strnlen(name, DWCP_RES_NAME_MAX);
	size_t i;

	if (!len || len >= DWCP_RES_NAME_MAX) {
		if (check)
			NL_SET_ERR_MSG(extack, "health check name must be 1..31 characters");
		else
			NL_SET_ERR_MSG(extack, "policy name must be 1..31 characters");
		return false;
	}
	for (i = 0; i < len; i++) {
		/*
		 * isascii() first: the kernel's ctype table is Latin-1, where
		 * isalnum() is true for 0xc0..0xff (found by nl_fuzz).
		 */
		if ((isascii(name[i]) && isalnum(name[i])) || name[i] == '_' ||
		    name[i] == '-' || name[i] == '.')
			continue;
		if (check)
			NL_SET_ERR_MSG(extack,
				       "health check name may only hold letters, digits, '_', '-' and '.'");
		else
			NL_SET_ERR_MSG(extack,
				       "policy name may only hold letters, digits, '_', '-' and '.'");
		return false;
	}
	return true;
}

static bool policy_name_valid(const char *name, struct netlink_ext_ack *extack)
{
	if (!dwcp_res_name_valid(name, false, extack))
		return false;
	/* BUDGET_GET/SET and alert events name the system budget so. */
	if (!strcmp(name, DWCP_RES_BUDGET_SYSTEM)) {
		NL_SET_ERR_MSG(extack, "\"system\" is reserved for the system error budget");
		return false;
	}
	return true;
}

static struct dwcp_res_policy *policy_create(struct dwcp_net *dn, const char *name,
					     const struct dwcp_pipe_config *cfg,
					     struct netlink_ext_ack *extack)
{
	struct dwcp_pipe_config *c;
	struct dwcp_res_policy *p;
	const char *why = NULL;
	int cpu, err;

	p = kvzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	c = kmemdup(cfg, sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!p || !c)
		goto nomem;
	p->stats = alloc_percpu_gfp(struct dwcp_res_pcpu_stats, GFP_KERNEL_ACCOUNT);
	p->latency = alloc_percpu_gfp(struct dwcp_hist, GFP_KERNEL_ACCOUNT);
	p->fast_pcpu = alloc_percpu_gfp(struct dwcp_res_pcpu_fast, GFP_KERNEL_ACCOUNT);
	p->fold_prev = kmalloc(sizeof(*p->fold_prev), GFP_KERNEL_ACCOUNT);
	p->fold_cur = kmalloc(sizeof(*p->fold_cur), GFP_KERNEL_ACCOUNT);
	if (!p->stats || !p->latency || !p->fast_pcpu || !p->fold_prev || !p->fold_cur ||
	    percpu_ref_init(&p->ref, dwcp_res_policy_release, 0, GFP_KERNEL_ACCOUNT))
		goto nomem;
	for_each_possible_cpu(cpu) {
		u64_stats_init(&per_cpu_ptr(p->stats, cpu)->syncp);
		dwcp_hist_init(per_cpu_ptr(p->latency, cpu));
		dwcp_hist_init(&per_cpu_ptr(p->fast_pcpu, cpu)->lat);
	}
	dwcp_hist_init(p->fold_prev);

	err = dwcp_pipe_init(&p->pipe, cfg, ktime_get_ns(), &why);
	if (err) {
		dwcp_res_extack(extack, why);
		goto fail;
	}
	err = dwcp_res_engine_policy_init(dn, p);
	if (err)
		goto fail;
	strscpy(p->name, name, sizeof(p->name));
	spin_lock_init(&p->lock);
	init_waitqueue_head(&p->slot_wq);
	INIT_LIST_HEAD(&p->waiters);
	dwcp_res_chaos_policy_init(p);
	p->dn = dn;
	p->ev_reject_next = jiffies;
	/* Open the lock-free path if the config allows it. */
	dwcp_res_policy_lock(p);
	dwcp_res_policy_unlock(p);
	RCU_INIT_POINTER(p->cfg, c);
	return p;

nomem:
	err = -ENOMEM;
fail:
	kfree(c);
	if (p) {
		percpu_ref_exit(&p->ref);	/* also when never initialised */
		kfree(p->eng_hist);
		kfree(p->fold_prev);
		kfree(p->fold_cur);
		free_percpu(p->fast_pcpu);
		free_percpu(p->latency);
		free_percpu(p->stats);
	}
	kvfree(p);
	return ERR_PTR(err);
}

static int policy_add_locked(struct net *net, struct dwcp_net *dn, const char *name,
			     const struct dwcp_pipe_config *cfg,
			     struct netlink_ext_ack *extack)
{
	struct dwcp_res_policy *p;

	if (!policy_name_valid(name, extack))
		return -EINVAL;
	if (dwcp_res_policy_find(dn, name)) {
		NL_SET_ERR_MSG(extack, "a policy with this name exists");
		return -EEXIST;
	}
	if (dn->npolicies >= DWCP_RES_MAX_POLICIES) {
		NL_SET_ERR_MSG(extack, "too many policies in this namespace (64)");
		return -ENOSPC;
	}
	p = policy_create(dn, name, cfg, extack);
	if (IS_ERR(p))
		return PTR_ERR(p);
	/* Not yet visible: the scaled config of a degraded level cannot fail. */
	if (dn->level != DWCP_RES_LEVEL_NORMAL) {
		const char *why = NULL;

		dwcp_res_policy_apply(p, cfg, dn->level, &why);
	}
	list_add_tail_rcu(&p->node, &dn->policies);
	dn->npolicies++;
	dn->generation++;
	dwcp_res_sysfs_policy_add(net, p);
	return 0;
}

int dwcp_res_policy_add(struct net *net, const char *name,
			const struct dwcp_pipe_config *cfg,
			struct netlink_ext_ack *extack)
{
	struct dwcp_net *dn = dwcp_net(net);
	int err;

	mutex_lock(&dn->cfg_lock);
	err = policy_add_locked(net, dn, name, cfg, extack);
	if (!err)
		dwcp_res_event_policy(net, name, DWCP_RES_POLICY_ADDED);
	mutex_unlock(&dn->cfg_lock);
	return err;
}
EXPORT_SYMBOL_GPL(dwcp_res_policy_add);

/*
 * The dry run of an add (@create) or a set: every check those make, in the
 * same order and with the same extack, and nothing changed.
 */
int dwcp_res_policy_check(struct net *net, const char *name,
			  const struct dwcp_pipe_config *cfg, bool create,
			  struct netlink_ext_ack *extack)
{
	struct dwcp_net *dn = dwcp_net(net);
	const char *why = NULL;
	int err = 0;

	mutex_lock(&dn->cfg_lock);
	if (create && !policy_name_valid(name, extack)) {
		err = -EINVAL;
	} else if (create && dwcp_res_policy_find(dn, name)) {
		NL_SET_ERR_MSG(extack, "a policy with this name exists");
		err = -EEXIST;
	} else if (create && dn->npolicies >= DWCP_RES_MAX_POLICIES) {
		NL_SET_ERR_MSG(extack, "too many policies in this namespace (64)");
		err = -ENOSPC;
	} else if (!create && !dwcp_res_policy_find(dn, name)) {
		NL_SET_ERR_MSG(extack, "no policy with this name");
		err = -ENOENT;
	}
	mutex_unlock(&dn->cfg_lock);
	if (err)
		return err;
	err = dwcp_pipe_config_check(cfg, &why);
	if (err)
		dwcp_res_extack(extack, why);
	return err;
}

int dwcp_res_policy_set(struct net *net, const char *name,
			const struct dwcp_pipe_config *cfg,
			struct netlink_ext_ack *extack)
{
	struct dwcp_net *dn = dwcp_net(net);
	struct dwcp_pipe_config *c, *old;
	struct dwcp_res_policy *p;
	const char *why = NULL;
	int err;

	/* Validate and allocate before touching the live policy. */
	err = dwcp_pipe_config_check(cfg, &why);
	if (err) {
		dwcp_res_extack(extack, why);
		return err;
	}
	c = kmemdup(cfg, sizeof(*cfg), GFP_KERNEL_ACCOUNT);
	if (!c)
		return -ENOMEM;

	mutex_lock(&dn->cfg_lock);
	p = dwcp_res_policy_find(dn, name);
	if (!p) {
		NL_SET_ERR_MSG(extack, "no policy with this name");
		err = -ENOENT;
		goto unlock;
	}
	/* As scaled for the namespace's level; wakes granted waiters. */
	err = dwcp_res_policy_apply(p, cfg, READ_ONCE(dn->level), &why);
	if (err < 0) {
		dwcp_res_extack(extack, why);
		goto unlock;
	}
	old = rcu_replace_pointer(p->cfg, c, lockdep_is_held(&dn->cfg_lock));
	dwcp_res_event_policy(net, p->name, DWCP_RES_POLICY_CHANGED);
	mutex_unlock(&dn->cfg_lock);
	/*
	 * After the readers' grace period, without waiting for it here: this
	 * runs under genl_mutex, and a synchronize_rcu() per POLICY_SET held
	 * every netlink user of the family for a grace period each.
	 */
	kfree_rcu_mightsleep(old);
	return 0;
unlock:
	mutex_unlock(&dn->cfg_lock);
	kfree(c);
	return err;
}
EXPORT_SYMBOL_GPL(dwcp_res_policy_set);

static void policy_unlink_locked(struct dwcp_net *dn, struct dwcp_res_policy *p)
{
	dwcp_res_chaos_policy_unlink(p);
	dwcp_res_sysfs_policy_del(p);
	list_del_rcu(&p->node);
	dn->npolicies--;
	dn->generation++;
	percpu_ref_kill(&p->ref);	/* drops the list's reference */
}

int dwcp_res_policy_del(struct net *net, const char *name,
			struct netlink_ext_ack *extack)
{
	struct dwcp_net *dn = dwcp_net(net);
	struct dwcp_res_policy *p;
	int err = 0;

	mutex_lock(&dn->cfg_lock);
	p = dwcp_res_policy_find(dn, name);
	if (!p) {
		NL_SET_ERR_MSG(extack, "no policy with this name");
		err = -ENOENT;
	} else {
		/* Users keep their reference; the object lives until the last put. */
		dwcp_res_event_policy(net, p->name, DWCP_RES_POLICY_DELETED);
		policy_unlink_locked(dn, p);
	}
	mutex_unlock(&dn->cfg_lock);
	return err;
}
EXPORT_SYMBOL_GPL(dwcp_res_policy_del);

/*
 * The bucket edges of struct dwcp_hist nearest to the Prometheus-style
 * bounds 10us 25us 50us 100us 250us 500us 1ms 2.5ms 5ms 10ms 25ms 50ms
 * 100ms 250ms 500ms 1s 2.5s 5s 10s (within 4 %). An edge is k << s with
 * 8 <= k <= 16 and s >= 6, so each entry is written that way: being an
 * edge is what makes the exported counts exact.
 */
const u64 dwcp_res_lat_bounds_ns[DWCP_RES_LAT_BOUNDS] = {
	10ULL << 10,	/* ~ 10us */
	12ULL << 11,	/* ~ 25us */
	12ULL << 12,	/* ~ 50us */
	12ULL << 13,	/* ~ 100us */
	15ULL << 14,	/* ~ 250us */
	15ULL << 15,	/* ~ 500us */
	15ULL << 16,	/* ~ 1ms */
	10ULL << 18,	/* ~ 2.5ms */
	10ULL << 19,	/* ~ 5ms */
	10ULL << 20,	/* ~ 10ms */
	12ULL << 21,	/* ~ 25ms */
	12ULL << 22,	/* ~ 50ms */
	12ULL << 23,	/* ~ 100ms */
	15ULL << 24,	/* ~ 250ms */
	15ULL << 25,	/* ~ 500ms */
	15ULL << 26,	/* ~ 1s */
	9ULL << 28,	/* ~ 2.5s */
	9ULL << 29,	/* ~ 5s */
	9ULL << 30,	/* ~ 10s */
};
EXPORT_SYMBOL_GPL(dwcp_res_lat_bounds_ns);

/*
 * Fold @h into cumulative counts below each exported bound. A bucket
 * [lo, hi) is counted under the first bound >= hi; with bounds on bucket
 * edges that is exactly "latency < bound". Out-of-range samples are in the
 * first and last buckets (below 10us, above every bound respectively).
 */
static void policy_latency_buckets(const struct dwcp_hist *h,
				   struct dwcp_res_policy_stats *st)
{
	unsigned int i, b = 0;
	u64 cum = 0;

	for (i = 0; i < DWCP_HIST_BUCKETS && b < DWCP_RES_LAT_BOUNDS; i++) {
		u64 hi = dwcp_hist_bucket_lo(i) + dwcp_hist_bucket_width(i);

		while (b < DWCP_RES_LAT_BOUNDS && dwcp_res_lat_bounds_ns[b] < hi)
			st->latency_le[b++] = cum;
		cum += h->bucket[i];
	}
	while (b < DWCP_RES_LAT_BOUNDS)
		st->latency_le[b++] = cum;
	st->latency_count = dwcp_hist_count(h);
	st->latency_sum_ns = h->sum;
}

void dwcp_res_policy_latency(struct dwcp_res_policy *p, struct dwcp_hist *h)
{
	int cpu;

	dwcp_hist_init(h);
	for_each_possible_cpu(cpu) {
		spin_lock_bh(&p->lock);
		dwcp_hist_merge(h, per_cpu_ptr(p->latency, cpu));
		spin_unlock_bh(&p->lock);
		/*
		 * Written by its CPU with BH off, not under the lock: a racy
		 * read by design, as in policy_fold() (pipeline.c).
		 */
		kcsan_disable_current();
		dwcp_hist_merge(h, &per_cpu_ptr(p->fast_pcpu, cpu)->lat);
		kcsan_enable_current();
	}
}

void dwcp_res_policy_stats(struct dwcp_res_policy *p,
			   struct dwcp_res_policy_stats *st)
{
	struct dwcp_hist *h;
	unsigned int start;
	int cpu, i;
	u64 now;

	memset(st, 0, sizeof(*st));
	/* First, so that the counters include what the lock-free path did. */
	now = ktime_get_ns();
	dwcp_res_policy_lock(p);
	st->inflight = dwcp_pipe_inflight(&p->pipe);
	st->lockfree = p->lockfree;
	/* Calls of the lock-free path count as admitted once they end. */
	st->admitted = p->pipe.bulkhead.ext_active;
	st->bulkhead_active = dwcp_bh_held(&p->pipe.bulkhead);
	st->bulkhead_queued = p->pipe.bulkhead.queued;
	st->bulkhead_limit = p->pipe.bulkhead.cfg.max_concurrent;
	st->breaker_state = dwcp_breaker_state(&p->pipe.breaker);
	st->breaker_epoch = p->pipe.breaker.epoch;
	st->budget_remaining_ppm = dwcp_budget_remaining_ppm(&p->pipe.budget, now);
	st->success_ppm = dwcp_budget_success_ppm(&p->pipe.budget, now);
	st->latency_budget = dwcp_pipe_latbudget_on(&p->pipe);
	if (st->latency_budget) {
		struct dwcp_latbudget_status ls;

		dwcp_latbudget_eval(&p->pipe.latbudget, now, &ls);
		st->latency_exhausted = ls.exhausted;
		st->latency_compliance_ppm = ls.compliance_ppm;
	}
	if (p->pipe.flags & DWCP_PIPE_F_ADAPTIVE)
		st->rate_mcps = dwcp_adaptive_rate(&p->pipe.adaptive);
	else if (p->pipe.flags & DWCP_PIPE_F_RATE)
		st->rate_mcps = p->pipe.rate.cfg.rate * 1000;
	st->timeout_ns = dwcp_pipe_timeout(&p->pipe);
	dwcp_res_policy_unlock(p);
	for_each_possible_cpu(cpu) {
		const struct dwcp_res_pcpu_stats *s = per_cpu_ptr(p->stats, cpu);
		struct dwcp_res_policy_stats c;

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			c.admitted = u64_stats_read(&s->admitted);
			c.completed = u64_stats_read(&s->completed);
			c.waited = u64_stats_read(&s->waited);
			c.retries = u64_stats_read(&s->retries);
			c.retry_succeeded = u64_stats_read(&s->retry_succeeded);
			c.retry_exhausted = u64_stats_read(&s->retry_exhausted);
			c.retry_budget_refused = u64_stats_read(&s->retry_budget_refused);
			for (i = 0; i < __DWCP_RES_RESULT_MAX; i++)
				c.results[i] = u64_stats_read(&s->results[i]);
			for (i = 0; i < __DWCP_RES_REJECT_MAX; i++) {
				c.rejected[i] = u64_stats_read(&s->rejected[i]);
				c.shadow[i] = u64_stats_read(&s->shadow[i]);
			}
		} while (u64_stats_fetch_retry(&s->syncp, start));

		st->admitted += c.admitted;
		st->completed += c.completed;
		st->waited += c.waited;
		st->retries += c.retries;
		st->retry_succeeded += c.retry_succeeded;
		st->retry_exhausted += c.retry_exhausted;
		st->retry_budget_refused += c.retry_budget_refused;
		for (i = 0; i < __DWCP_RES_RESULT_MAX; i++)
			st->results[i] += c.results[i];
		for (i = 0; i < __DWCP_RES_REJECT_MAX; i++) {
			st->rejected[i] += c.rejected[i];
			st->shadow[i] += c.shadow[i];
		}
	}

	/* Lifetime latency: the per-CPU histograms, merged. */
	h = kmalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return;
	dwcp_res_policy_latency(p, h);
	if (dwcp_hist_count(h)) {
		st->latency_ns[0] = dwcp_hist_percentile(h, 500000);
		st->latency_ns[1] = dwcp_hist_percentile(h, 950000);
		st->latency_ns[2] = dwcp_hist_percentile(h, 990000);
	}
	policy_latency_buckets(h, st);
	kfree(h);
}
EXPORT_SYMBOL_GPL(dwcp_res_policy_stats);

int dwcp_res_breaker_action(struct dwcp_res_policy *p, u32 action)
{
	u64 now = ktime_get_ns();
	struct dwcp_res_ev ev;
	int err = 0;

	dwcp_res_ev_lock(p, &ev);
	switch (action) {
	case DWCP_RES_BREAKER_RESET:
	case DWCP_RES_BREAKER_ENABLE:
		dwcp_breaker_reset(&p->pipe.breaker, now);
		break;
	case DWCP_RES_BREAKER_FORCE_OPEN:
		err = dwcp_breaker_force(&p->pipe.breaker, DWCP_RES_BREAKER_FORCED_OPEN, now);
		break;
	case DWCP_RES_BREAKER_DISABLE:
		err = dwcp_breaker_force(&p->pipe.breaker, DWCP_RES_BREAKER_DISABLED, now);
		break;
	default:
		err = -EOPNOTSUPP;
	}
	dwcp_res_ev_unlock(p, &ev);
	return err;
}

void dwcp_res_policy_inspect(struct dwcp_res_policy *p,
			     void (*fn)(struct dwcp_pipe *pipe, void *arg),
			     void *arg)
{
	dwcp_res_policy_lock(p);
	fn(&p->pipe, arg);
	dwcp_res_policy_unlock(p);
}
EXPORT_SYMBOL_GPL(dwcp_res_policy_inspect);

static void __net_exit dwcp_net_exit(struct net *net);

static int __net_init dwcp_net_init(struct net *net)
{
	struct dwcp_net *dn = dwcp_net(net);
	struct dwcp_pipe_config *cfg;
	size_t i;
	int err = 0;

	dn->net = net;
	mutex_init(&dn->cfg_lock);
	init_waitqueue_head(&dn->chaos_wq);
	INIT_LIST_HEAD(&dn->policies);
	dwcp_res_degrade_net_init(dn);
	err = dwcp_res_engine_net_init(dn);
	if (err)
		goto fail;

	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto fail;
	}
	mutex_lock(&dn->cfg_lock);
	for (i = 0; i < ARRAY_SIZE(dwcp_profile_classes) && !err; i++) {
		err = dwcp_pipe_config_profile(cfg, dwcp_profile_classes[i]);
		if (!err)
			err = policy_add_locked(net, dn, dwcp_profile_classes[i], cfg, NULL);
	}
	mutex_unlock(&dn->cfg_lock);
	kfree(cfg);
	if (err) {
		pr_err("cannot load the DWCP profile: %d\n", err);
		goto fail;
	}
	dwcp_res_engine_net_start(dn);
	return 0;

fail:
	dwcp_net_exit(net);
	return err;
}

static void __net_exit dwcp_net_exit(struct net *net)
{
	struct dwcp_net *dn = dwcp_net(net);
	struct dwcp_res_policy *p, *tmp;

	dwcp_res_engine_net_exit(dn);
	dwcp_res_degrade_net_exit(dn);
	mutex_lock(&dn->cfg_lock);
	list_for_each_entry_safe(p, tmp, &dn->policies, node)
		policy_unlink_locked(dn, p);
	mutex_unlock(&dn->cfg_lock);
}

static struct pernet_operations dwcp_net_ops = {
	.init = dwcp_net_init,
	.exit = dwcp_net_exit,
	.id = &dwcp_net_id,
	.size = sizeof(struct dwcp_net),
};

int __init dwcp_res_policy_init(void)
{
	return register_pernet_subsys(&dwcp_net_ops);
}

void dwcp_res_policy_exit(void)
{
	unregister_pernet_subsys(&dwcp_net_ops);
	/*
	 * Wait for the frees queued by the last puts before the module goes.
	 * Twice: a kill's switch to atomic mode is an RCU callback, which may
	 * drop the last reference and only then queue the free.
	 */
	rcu_barrier();
	rcu_barrier();
}
