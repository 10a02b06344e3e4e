// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the DEGRADE_GET and DEGRADE_SET commands of the netlink family.
 */
#include <net/genetlink.h>

#include "dwcp_res.h"
#include "netlink.h"

static const u32 degrade_time_attr[__DWCP_RES_LEVEL_MAX] = {
	DWCP_RES_A_DEGRADE_TIME_NORMAL_NS,
	DWCP_RES_A_DEGRADE_TIME_DEGRADED_NS,
	DWCP_RES_A_DEGRADE_TIME_SEVERELY_NS,
	DWCP_RES_A_DEGRADE_TIME_EMERGENCY_NS,
};

int dwcp_res_nl_degrade_get(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_res_degrade_info di;
	struct sk_buff *msg;
	void *hdr;
	int i;

	dwcp_res_degrade_get(genl_info_net(info), &di);
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &dwcp_res_genl_family, 0,
				DWCP_RES_CMD_DEGRADE_GET);
	if (!hdr ||
	    nla_put_u32(msg, DWCP_RES_A_LEVEL, di.level) ||
	    nla_put_u8(msg, DWCP_RES_A_DEGRADE_MANUAL, di.manual) ||
	    nla_put_u64_64bit(msg, DWCP_RES_A_DEGRADE_HOLD_NS, di.hold_left_ns,
			      DWCP_RES_A_PAD) ||
	    nla_put_u64_64bit(msg, DWCP_RES_A_DEGRADE_CHANGES, di.changes,
			      DWCP_RES_A_PAD))
		goto nla_put_failure;
	for (i = 0; i < __DWCP_RES_LEVEL_MAX; i++)
		if (nla_put_u64_64bit(msg, degrade_time_attr[i], di.time_in_ns[i],
				      DWCP_RES_A_PAD))
			goto nla_put_failure;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

int dwcp_res_nl_degrade_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *level = info->attrs[DWCP_RES_A_LEVEL];
	struct nlattr *hold = info->attrs[DWCP_RES_A_DEGRADE_HOLD_NS];
	struct nlattr *autom = info->attrs[DWCP_RES_A_DEGRADE_AUTO];
	struct net *net = genl_info_net(info);

	if (autom && nla_get_u8(autom)) {
		if (level || hold) {
			NL_SET_ERR_MSG_ATTR(info->extack, autom,
					    "auto takes neither a level nor a hold");
			return -EINVAL;
		}
		return dwcp_res_degrade_auto(net, info->extack);
	}
	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_LEVEL,
			     "the level (DWCP_RES_A_LEVEL) or auto (DWCP_RES_A_DEGRADE_AUTO)"))
		return -EINVAL;
	return dwcp_res_degrade_set(net, nla_get_u32(level),
				    hold ? nla_get_u64(hold) : 0, info->extack);
}
