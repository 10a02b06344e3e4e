// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: switching chaos on and off, and arming per-call faults.
 *
 * Nothing is ever injected unless the module was loaded with
 * chaos_allowed=1 AND chaos was then enabled in the namespace. Faults are
 * armed per policy (the pipeline's dice); enabling only lets them fire.
 */
#include <linux/module.h>
#include <linux/netlink.h>
#include <linux/timekeeping.h>

#include "dwcp_res.h"
#include "events.h"

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
	struct dwcp_res_policy *p = dwcp_res_policy_get(net, policy);
	const char *why = NULL;
	int err;

	if (!p) {
		NL_SET_ERR_MSG(extack, "no policy with this name");
		return -ENOENT;
	}
	spin_lock_bh(&p->lock);
	err = dwcp_pipe_set_fault(&p->pipe, cfg, &why);
	spin_unlock_bh(&p->lock);
	if (err)
		dwcp_res_extack(extack, why);
	dwcp_res_policy_put(p);
	return err;
}
EXPORT_SYMBOL_GPL(dwcp_res_chaos_set);

/* Disarm every per-call fault of every policy in @net. */
void dwcp_res_chaos_clear(struct net *net)
{
	struct dwcp_net *dn = dwcp_net(net);
	struct dwcp_res_policy *p;
	int i;

	mutex_lock(&dn->cfg_lock);
	list_for_each_entry(p, &dn->policies, node) {
		spin_lock_bh(&p->lock);
		for (i = 0; i < DWCP_PIPE_NR_FAULTS; i++) {
			struct dwcp_chaos_config cc = p->pipe.chaos[i].cfg;

			cc.probability_ppm = 0;
			dwcp_chaos_reconfigure(&p->pipe.chaos[i], &cc);
		}
		spin_unlock_bh(&p->lock);
	}
	mutex_unlock(&dn->cfg_lock);
}
EXPORT_SYMBOL_GPL(dwcp_res_chaos_clear);
