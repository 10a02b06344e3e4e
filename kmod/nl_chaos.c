// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the CHAOS_* and FAULT_SET commands of the netlink family.
 */
#include <net/genetlink.h>

#include "dwcp_res.h"
#include "netlink.h"

static int fault_to_attrs(struct sk_buff *skb, const char *policy,
			  const struct dwcp_chaos *c)
{
	struct nlattr *nest = nla_nest_start(skb, DWCP_RES_A_FAULT);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, DWCP_RES_FAULT_A_POLICY, policy) ||
	    nla_put_u32(skb, DWCP_RES_FAULT_A_KIND, c->cfg.kind) ||
	    nla_put_u32(skb, DWCP_RES_FAULT_A_PROBABILITY_PPM, c->cfg.probability_ppm) ||
	    nla_put_u32(skb, DWCP_RES_FAULT_A_INTERVAL, c->cfg.interval) ||
	    nla_put_s32(skb, DWCP_RES_FAULT_A_TIMES, c->times) ||
	    nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_VALUE_MIN, c->cfg.value_min,
			      DWCP_RES_FAULT_A_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_VALUE_MAX, c->cfg.value_max,
			      DWCP_RES_FAULT_A_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_SEED, c->cfg.seed, DWCP_RES_FAULT_A_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_INJECTIONS, c->injections,
			      DWCP_RES_FAULT_A_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Chaos state and every armed fault, in one message (at most 64 x 3). */
int dwcp_res_nl_chaos_get(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_net *dn = dwcp_net(genl_info_net(info));
	struct dwcp_res_policy *p;
	struct sk_buff *msg;
	int i, err = 0;
	void *hdr;

	msg = genlmsg_new(DWCP_RES_MAX_POLICIES * DWCP_PIPE_NR_FAULTS * 128, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &dwcp_res_genl_family, 0, DWCP_RES_CMD_CHAOS_GET);
	if (!hdr ||
	    nla_put_u8(msg, DWCP_RES_A_CHAOS_ENABLED, READ_ONCE(dn->chaos_enabled)) ||
	    nla_put_u8(msg, DWCP_RES_A_INFO_CHAOS_ALLOWED, dwcp_res_chaos_allowed)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	mutex_lock(&dn->cfg_lock);
	list_for_each_entry(p, &dn->policies, node) {
		for (i = 0; i < DWCP_PIPE_NR_FAULTS && !err; i++) {
			struct dwcp_chaos c;

			spin_lock_bh(&p->lock);
			c = p->pipe.chaos[i];
			spin_unlock_bh(&p->lock);
			if (c.cfg.probability_ppm)
				err = fault_to_attrs(msg, p->name, &c);
		}
	}
	mutex_unlock(&dn->cfg_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

int dwcp_res_nl_chaos_set(struct sk_buff *skb, struct genl_info *info)
{
	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_CHAOS_ENABLED,
			     "chaos on or off (DWCP_RES_A_CHAOS_ENABLED)"))
		return -EINVAL;
	return dwcp_res_chaos_enable(genl_info_net(info),
				     nla_get_u8(info->attrs[DWCP_RES_A_CHAOS_ENABLED]),
				     info->extack);
}

int dwcp_res_nl_fault_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[DWCP_RES_FAULT_A_MAX + 1];
	struct dwcp_chaos_config cfg;
	int err;

	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_POLICY_NAME,
			     "the policy name (DWCP_RES_A_POLICY_NAME)") ||
	    DWCP_RES_REQUIRE(info, DWCP_RES_A_FAULT, "the fault (DWCP_RES_A_FAULT)"))
		return -EINVAL;
	err = nla_parse_nested(tb, DWCP_RES_FAULT_A_MAX, info->attrs[DWCP_RES_A_FAULT],
			       dwcp_res_fault_attr_policy, info->extack);
	if (err)
		return err;
	if (!tb[DWCP_RES_FAULT_A_KIND]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[DWCP_RES_A_FAULT],
				    "the fault needs DWCP_RES_FAULT_A_KIND");
		return -EINVAL;
	}
	dwcp_chaos_config_default(&cfg, nla_get_u32(tb[DWCP_RES_FAULT_A_KIND]));
	if (tb[DWCP_RES_FAULT_A_PROBABILITY_PPM])
		cfg.probability_ppm = nla_get_u32(tb[DWCP_RES_FAULT_A_PROBABILITY_PPM]);
	if (tb[DWCP_RES_FAULT_A_INTERVAL])
		cfg.interval = nla_get_u32(tb[DWCP_RES_FAULT_A_INTERVAL]);
	if (tb[DWCP_RES_FAULT_A_TIMES])
		cfg.times = nla_get_s32(tb[DWCP_RES_FAULT_A_TIMES]);
	if (tb[DWCP_RES_FAULT_A_VALUE_MIN])
		cfg.value_min = nla_get_u64(tb[DWCP_RES_FAULT_A_VALUE_MIN]);
	if (tb[DWCP_RES_FAULT_A_VALUE_MAX])
		cfg.value_max = nla_get_u64(tb[DWCP_RES_FAULT_A_VALUE_MAX]);
	if (tb[DWCP_RES_FAULT_A_SEED])
		cfg.seed = nla_get_u64(tb[DWCP_RES_FAULT_A_SEED]);
	return dwcp_res_chaos_set(genl_info_net(info),
				  nla_data(info->attrs[DWCP_RES_A_POLICY_NAME]), &cfg,
				  info->extack);
}

int dwcp_res_nl_chaos_clear(struct sk_buff *skb, struct genl_info *info)
{
	dwcp_res_chaos_clear(genl_info_net(info));
	return 0;
}
