// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: switching chaos on and off, arming faults, and holding the
 * memory of memory-pressure faults.
 *
 * Nothing is ever injected unless the module was loaded with
 * chaos_allowed=1 AND chaos was then enabled in the namespace. Faults are
 * armed per policy (the pipeline's dice); enabling only lets them fire.
 *
 * Memory pressure is not a per-call fault: while a policy's memory fault is
 * armed and chaos is enabled in its namespace, the policy holds the fault's
 * value in bytes of kernel memory (pages, allocated here in process context
 * with __GFP_NORETRY | __GFP_NOWARN, never on the data path). The module as
 * a whole holds at most RAM >> DWCP_RES_MEM_PRESSURE_MAX_SHIFT; an
 * allocation that fails or would pass that cap stops the hold short (the
 * CHAOS_GET reply and sysfs say how much is held). The memory goes back on
 * chaos clear, chaos disable, disarming, policy delete, namespace exit and
 * module unload (every policy is unlinked on the way out).
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>

#include "dwcp_res.h"
#include "events.h"

/* Largest chunk of memory pressure: 64 KiB with 4 KiB pages. */
#define MEM_CHUNK_ORDER	4

static atomic64_t mem_held_total = ATOMIC64_INIT(0);

u64 dwcp_res_chaos_mem_held(void)
{
	return atomic64_read(&mem_held_total);
}

static u64 mem_cap(void)
{
	return ((u64)totalram_pages() << PAGE_SHIFT) >> DWCP_RES_MEM_PRESSURE_MAX_SHIFT;
}

void dwcp_res_chaos_policy_init(struct dwcp_res_policy *p)
{
	INIT_LIST_HEAD(&p->mem.chunks);
}

/* Give back everything @p holds. Caller holds cfg_lock (or owns @p). */
static void mem_release(struct dwcp_res_policy *p)
{
	struct page *page, *tmp;
	unsigned int order;

	list_for_each_entry_safe(page, tmp, &p->mem.chunks, lru) {
		list_del(&page->lru);
		order = page_private(page);
		set_page_private(page, 0);
		__free_pages(page, order);
	}
	atomic64_sub(p->mem.bytes, &mem_held_total);
	WRITE_ONCE(p->mem.bytes, 0);
}

/* Hold up to @want bytes more in @p, within the module-wide cap. */
static void mem_hold(struct dwcp_res_policy *p, u64 want)
{
	const gfp_t gfp = GFP_KERNEL_ACCOUNT | __GFP_NOWARN | __GFP_NORETRY | __GFP_NOMEMALLOC;
	u64 cap = mem_cap(), got = 0;
	unsigned int order;
	struct page *page;

	while (got < want && !fatal_signal_pending(current)) {
		order = min_t(unsigned int, MEM_CHUNK_ORDER,
			      get_order(min_t(u64, want - got, PAGE_SIZE << MEM_CHUNK_ORDER)));
		if (atomic64_add_return(PAGE_SIZE << order, &mem_held_total) > cap) {
			atomic64_sub(PAGE_SIZE << order, &mem_held_total);
			break;
		}
		page = alloc_pages(gfp, order);
		if (!page && order) {
			atomic64_sub((PAGE_SIZE << order) - PAGE_SIZE, &mem_held_total);
			order = 0;
			page = alloc_pages(gfp, 0);
		}
		if (!page) {
			atomic64_sub(PAGE_SIZE << order, &mem_held_total);
			break;
		}
		set_page_private(page, order);
		list_add(&page->lru, &p->mem.chunks);
		got += PAGE_SIZE << order;
		WRITE_ONCE(p->mem.bytes, p->mem.bytes + (PAGE_SIZE << order));
		cond_resched();
	}
}

/*
 * Bring @p's held memory in line with its memory fault: held while armed
 * (probability > 0, injections left) and chaos is enabled, else released.
 * A new arming draws a new size. Caller holds dn->cfg_lock.
 */
static void mem_apply(struct dwcp_res_policy *p, bool rearm)
{
	struct dwcp_net *dn = p->dn;
	struct dwcp_chaos *c = &p->pipe.chaos[DWCP_RES_FAULT_MEM_PRESSURE];
	bool on;
	u64 want = 0;

	lockdep_assert_held(&dn->cfg_lock);
	dwcp_res_policy_lock(p);
	on = dwcp_res_chaos_allowed && READ_ONCE(dn->chaos_enabled) && !p->mem.dead &&
	     c->cfg.probability_ppm && c->times;
	if (on) {
		want = c->cfg.value_min +
		       dwcp_chaos_below(c, c->cfg.value_max - c->cfg.value_min + 1);
		want = PAGE_ALIGN(want);
	}
	dwcp_res_policy_unlock(p);
	if (!on) {
		mem_release(p);
		return;
	}
	if (!rearm && p->mem.bytes)
		return;
	mem_release(p);
	mem_hold(p, want);
	dwcp_res_policy_lock(p);
	c->injections++;
	dwcp_res_policy_unlock(p);
}

void dwcp_res_chaos_policy_unlink(struct dwcp_res_policy *p)
{
	lockdep_assert_held(&p->dn->cfg_lock);
	p->mem.dead = true;
	mem_release(p);
}

void dwcp_res_chaos_wake(struct dwcp_net *dn)
{
	lockdep_assert_held(&dn->cfg_lock);
	WRITE_ONCE(dn->chaos_gen, dn->chaos_gen + 1);
	wake_up_all(&dn->chaos_wq);
}

/* Chaos turned off: end partitions, release memory. Under cfg_lock. */
static void chaos_apply_all(struct dwcp_net *dn)
{
	struct dwcp_res_policy *p;

	list_for_each_entry(p, &dn->policies, node) {
		if (!READ_ONCE(dn->chaos_enabled)) {
			dwcp_res_policy_lock(p);
			dwcp_pipe_end_partition(&p->pipe);
			dwcp_res_policy_unlock(p);
		}
		mem_apply(p, false);
	}
}

int dwcp_res_chaos_enable(struct net *net, bool on, struct netlink_ext_ack *extack)
{
	struct dwcp_net *dn = dwcp_net(net);

	if (on && !dwcp_res_chaos_allowed) {
		NL_SET_ERR_MSG(extack,
			       "chaos is not allowed: load dwcp_res with chaos_allowed=1");
		return -EPERM;
	}
	mutex_lock(&dn->cfg_lock);
	if (READ_ONCE(dn->chaos_enabled) != on) {
		WRITE_ONCE(dn->chaos_enabled, on);
		chaos_apply_all(dn);
		if (!on)
			dwcp_res_chaos_wake(dn);
		dwcp_res_event_chaos(net, on);
	}
	mutex_unlock(&dn->cfg_lock);
	return 0;
}
EXPORT_SYMBOL_GPL(dwcp_res_chaos_enable);

int dwcp_res_chaos_set(struct net *net, const char *policy,
		       const struct dwcp_chaos_config *cfg,
		       struct netlink_ext_ack *extack)
{
	struct dwcp_net *dn = dwcp_net(net);
	struct dwcp_res_policy *p;
	const char *why = NULL;
	int err;

	if (cfg->kind == DWCP_RES_FAULT_MEM_PRESSURE && cfg->value_max > mem_cap()) {
		NL_SET_ERR_MSG(extack,
			       "memory pressure is capped at a quarter of RAM (DWCP_RES_MEM_PRESSURE_MAX_SHIFT)");
		return -ERANGE;
	}
	mutex_lock(&dn->cfg_lock);
	p = dwcp_res_policy_get(net, policy);
	if (!p) {
		mutex_unlock(&dn->cfg_lock);
		NL_SET_ERR_MSG(extack, "no policy with this name");
		return -ENOENT;
	}
	dwcp_res_policy_lock(p);
	err = dwcp_pipe_set_fault(&p->pipe, cfg, &why);
	dwcp_res_policy_unlock(p);
	if (err)
		dwcp_res_extack(extack, why);
	else if (cfg->kind == DWCP_RES_FAULT_MEM_PRESSURE)
		mem_apply(p, true);
	mutex_unlock(&dn->cfg_lock);
	dwcp_res_policy_put(p);
	return err;
}
EXPORT_SYMBOL_GPL(dwcp_res_chaos_set);

/* Disarm every fault of every policy in @net, end partitions, free memory. */
void dwcp_res_chaos_clear(struct net *net)
{
	struct dwcp_net *dn = dwcp_net(net);
	struct dwcp_res_policy *p;

	mutex_lock(&dn->cfg_lock);
	list_for_each_entry(p, &dn->policies, node) {
		dwcp_res_policy_lock(p);
		dwcp_pipe_clear_faults(&p->pipe);
		dwcp_res_policy_unlock(p);
		mem_release(p);
	}
	dwcp_res_chaos_wake(dn);
	mutex_unlock(&dn->cfg_lock);
}
EXPORT_SYMBOL_GPL(dwcp_res_chaos_clear);
