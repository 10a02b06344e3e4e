// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: /sys/kernel/dwcp_res, one value per file, for the initial
 * network namespace (Documentation/ABI/testing/sysfs-kernel-dwcp_res).
 *
 *	/sys/kernel/dwcp_res/{version,chaos_allowed,chaos_enabled,level}
 *	/sys/kernel/dwcp_res/{healthy,unhealthy_checks}
 *	/sys/kernel/dwcp_res/{budget_remaining_ppm,budget_alerts}	(system budget)
 *	/sys/kernel/dwcp_res/chaos_mem_held_bytes (module-wide)
 *	/sys/kernel/dwcp_res/policies/<name>/{breaker,priority,admitted,...}
 *
 * Each policy directory is a small kobject that holds a reference on its
 * policy, so a read racing with a delete still sees a live object; the
 * directory goes away when the policy leaves the namespace.
 */
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>

#include "dwcp_res.h"
#include "version.h"

struct dwcp_sysfs_policy {
	struct kobject kobj;
	struct dwcp_res_policy *p;
};

static struct kobject *dwcp_kobj, *policies_kobj;

static const char * const level_names[__DWCP_RES_LEVEL_MAX] = {
	"normal", "degraded", "severely_degraded", "emergency",
};

static const char * const breaker_names[__DWCP_RES_BREAKER_STATE_MAX] = {
	"closed", "half-open", "open", "disabled", "forced-open",
};

static const char * const priority_names[__DWCP_RES_PRIO_MAX] = {
	"low", "normal", "high", "critical",
};

static ssize_t version_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%s\n", DWCP_RES_VERSION);
}

static ssize_t chaos_allowed_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%d\n", dwcp_res_chaos_allowed);
}

static ssize_t chaos_enabled_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(dwcp_net(&init_net)->chaos_enabled));
}

static ssize_t chaos_mem_held_bytes_show(struct kobject *k, struct kobj_attribute *a,
					 char *buf)
{
	return sysfs_emit(buf, "%llu\n", dwcp_res_chaos_mem_held());
}

static ssize_t level_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	u32 level = READ_ONCE(dwcp_net(&init_net)->level);

	return sysfs_emit(buf, "%s\n", level < __DWCP_RES_LEVEL_MAX ? level_names[level] : "?");
}

/* Enabled health checks that are unhealthy now; under cfg_lock. */
static unsigned int unhealthy_checks(struct dwcp_net *dn)
{
	const struct dwcp_res_check *c;
	unsigned int bad = 0;

	list_for_each_entry(c, &dn->checks, node)
		bad += c->enabled && !dwcp_health_healthy(&c->h);
	return bad;
}

static ssize_t healthy_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	struct dwcp_net *dn = dwcp_net(&init_net);
	unsigned int bad;

	mutex_lock(&dn->cfg_lock);
	bad = unhealthy_checks(dn);
	mutex_unlock(&dn->cfg_lock);
	return sysfs_emit(buf, "%d\n", !bad);
}

static ssize_t unhealthy_checks_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	struct dwcp_net *dn = dwcp_net(&init_net);
	unsigned int bad;

	mutex_lock(&dn->cfg_lock);
	bad = unhealthy_checks(dn);
	mutex_unlock(&dn->cfg_lock);
	return sysfs_emit(buf, "%u\n", bad);
}

/* The system error budget as of the engine's last tick. */
static ssize_t budget_remaining_ppm_show(struct kobject *k, struct kobj_attribute *a,
					 char *buf)
{
	struct dwcp_net *dn = dwcp_net(&init_net);
	u32 v;

	mutex_lock(&dn->cfg_lock);
	v = dn->engine.remaining_ppm;
	mutex_unlock(&dn->cfg_lock);
	return sysfs_emit(buf, "%u\n", v);
}

static ssize_t budget_alerts_show(struct kobject *k, struct kobj_attribute *a, char *buf)
{
	struct dwcp_net *dn = dwcp_net(&init_net);
	u32 v;

	mutex_lock(&dn->cfg_lock);
	v = dn->engine.alerts;
	mutex_unlock(&dn->cfg_lock);
	return sysfs_emit(buf, "%#x\n", v);
}

static struct kobj_attribute top_attrs[] = {
	__ATTR_RO(version),
	__ATTR_RO(chaos_allowed),
	__ATTR_RO(chaos_enabled),
	__ATTR_RO(level),
	__ATTR_RO(healthy),
	__ATTR_RO(unhealthy_checks),
	__ATTR_RO(budget_remaining_ppm),
	__ATTR_RO(budget_alerts),
	__ATTR_RO(chaos_mem_held_bytes),
};

static struct attribute *top_attr_ptrs[] = {
	&top_attrs[0].attr, &top_attrs[1].attr, &top_attrs[2].attr, &top_attrs[3].attr,
	&top_attrs[4].attr, &top_attrs[5].attr, &top_attrs[6].attr, &top_attrs[7].attr,
	&top_attrs[8].attr, NULL,
};

static const struct attribute_group top_group = {
	.attrs = top_attr_ptrs,
};

/* Per policy: every file is one field of struct dwcp_res_policy_stats. */
enum pol_file {
	PF_BREAKER, PF_PRIORITY, PF_ADMITTED, PF_COMPLETED, PF_REJECTED, PF_INFLIGHT,
	PF_RATE, PF_SUCCESS_PPM, PF_BUDGET_PPM, PF_TIMEOUT_NS, PF_P95_NS,
};

struct pol_attribute {
	struct attribute attr;
	enum pol_file which;
};

static ssize_t pol_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	struct dwcp_sysfs_policy *sp = container_of(kobj, struct dwcp_sysfs_policy, kobj);
	struct pol_attribute *pa = container_of(attr, struct pol_attribute, attr);
	struct dwcp_res_policy_stats st;
	const struct dwcp_pipe_config *cfg;
	u64 rejected = 0;
	u32 prio;
	int i;

	dwcp_res_policy_stats(sp->p, &st);
	switch (pa->which) {
	case PF_BREAKER:
		return sysfs_emit(buf, "%s\n", st.breaker_state < __DWCP_RES_BREAKER_STATE_MAX ?
				  breaker_names[st.breaker_state] : "?");
	case PF_PRIORITY:
		rcu_read_lock();
		cfg = rcu_dereference(sp->p->cfg);
		prio = cfg->priority;
		rcu_read_unlock();
		return sysfs_emit(buf, "%s\n",
				  prio < __DWCP_RES_PRIO_MAX ? priority_names[prio] : "?");
	case PF_ADMITTED:
		return sysfs_emit(buf, "%llu\n", st.admitted);
	case PF_COMPLETED:
		return sysfs_emit(buf, "%llu\n", st.completed);
	case PF_REJECTED:
		for (i = 0; i < __DWCP_RES_REJECT_MAX; i++)
			rejected += st.rejected[i];
		return sysfs_emit(buf, "%llu\n", rejected);
	case PF_INFLIGHT:
		return sysfs_emit(buf, "%u\n", st.inflight);
	case PF_RATE:
		/* calls per second, with three decimals (the limiter keeps mcps) */
		return sysfs_emit(buf, "%llu.%03llu\n", st.rate_mcps / 1000, st.rate_mcps % 1000);
	case PF_SUCCESS_PPM:
		return sysfs_emit(buf, "%u\n", st.success_ppm);
	case PF_BUDGET_PPM:
		return sysfs_emit(buf, "%u\n", st.budget_remaining_ppm);
	case PF_TIMEOUT_NS:
		return sysfs_emit(buf, "%llu\n", st.timeout_ns);
	case PF_P95_NS:
		return sysfs_emit(buf, "%llu\n", st.latency_ns[1]);
	}
	return -EINVAL;
}

#define POL_ATTR(_name, _which) \
	static struct pol_attribute pol_attr_##_name = { \
		.attr = { .name = #_name, .mode = 0444 }, .which = _which }

POL_ATTR(breaker, PF_BREAKER);
POL_ATTR(priority, PF_PRIORITY);
POL_ATTR(admitted, PF_ADMITTED);
POL_ATTR(completed, PF_COMPLETED);
POL_ATTR(rejected, PF_REJECTED);
POL_ATTR(inflight, PF_INFLIGHT);
POL_ATTR(rate, PF_RATE);
POL_ATTR(success_ppm, PF_SUCCESS_PPM);
POL_ATTR(budget_remaining_ppm, PF_BUDGET_PPM);
POL_ATTR(timeout_ns, PF_TIMEOUT_NS);
POL_ATTR(latency_p95_ns, PF_P95_NS);

static struct attribute *pol_attrs[] = {
	&pol_attr_breaker.attr, &pol_attr_priority.attr, &pol_attr_admitted.attr,
	&pol_attr_completed.attr, &pol_attr_rejected.attr, &pol_attr_inflight.attr,
	&pol_attr_rate.attr, &pol_attr_success_ppm.attr, &pol_attr_budget_remaining_ppm.attr,
	&pol_attr_timeout_ns.attr, &pol_attr_latency_p95_ns.attr,
	NULL,
};
ATTRIBUTE_GROUPS(pol);

static void pol_release(struct kobject *kobj)
{
	struct dwcp_sysfs_policy *sp = container_of(kobj, struct dwcp_sysfs_policy, kobj);

	dwcp_res_policy_put(sp->p);
	kfree(sp);
}

static const struct sysfs_ops pol_sysfs_ops = {
	.show = pol_show,
};

static struct kobj_type pol_ktype = {
	.release = pol_release,
	.sysfs_ops = &pol_sysfs_ops,
	.default_groups = pol_groups,
};

/* Called with the namespace's cfg_lock held, after the policy is listed. */
void dwcp_res_sysfs_policy_add(struct net *net, struct dwcp_res_policy *p)
{
	struct dwcp_sysfs_policy *sp;

	if (!net_eq(net, &init_net) || !policies_kobj)
		return;
	sp = kzalloc(sizeof(*sp), GFP_KERNEL);
	if (!sp)
		return;		/* sysfs is a view: the policy works without it */
	percpu_ref_get(&p->ref);
	sp->p = p;
	if (kobject_init_and_add(&sp->kobj, &pol_ktype, policies_kobj, "%s", p->name)) {
		kobject_put(&sp->kobj);	/* pol_release drops the reference */
		return;
	}
	p->sysfs = &sp->kobj;
}

/* Called with the namespace's cfg_lock held, before the list lets go. */
void dwcp_res_sysfs_policy_del(struct dwcp_res_policy *p)
{
	struct kobject *kobj = p->sysfs;

	if (!kobj)
		return;
	p->sysfs = NULL;
	kobject_del(kobj);
	kobject_put(kobj);
}

int __init dwcp_res_sysfs_init(void)
{
	int err;

	dwcp_kobj = kobject_create_and_add("dwcp_res", kernel_kobj);
	if (!dwcp_kobj)
		return -ENOMEM;
	err = sysfs_create_group(dwcp_kobj, &top_group);
	if (err)
		goto fail;
	policies_kobj = kobject_create_and_add("policies", dwcp_kobj);
	if (!policies_kobj) {
		err = -ENOMEM;
		goto fail;
	}
	return 0;
fail:
	kobject_put(dwcp_kobj);
	dwcp_kobj = NULL;
	return err;
}

void dwcp_res_sysfs_exit(void)
{
	kobject_put(policies_kobj);
	policies_kobj = NULL;
	kobject_put(dwcp_kobj);
	dwcp_kobj = NULL;
}
