/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dwcp_res: what the netlink files share: the family, the nested attribute
 * policies and the command handlers (one file per group of commands).
 */
#ifndef _DWCP_RES_NETLINK_H
#define _DWCP_RES_NETLINK_H

#include <net/genetlink.h>

extern struct genl_family dwcp_res_genl_family;

/* Index of DWCP_RES_MCGRP_EVENTS in the family's multicast groups. */
#define DWCP_RES_NLGRP_EVENTS	0

/*
 * A required attribute is missing: report which (NLMSGERR_ATTR_MISS_TYPE)
 * and say so in words. True when missing.
 */
#define DWCP_RES_REQUIRE(info, attr, what) ({				\
	struct genl_info *__req_info = (info);				\
	bool __miss = GENL_REQ_ATTR_CHECK(__req_info, attr);		\
									\
	if (__miss)							\
		NL_SET_ERR_MSG_MOD(__req_info->extack, "missing " what);	\
	__miss;								\
})
extern const struct nla_policy dwcp_res_policy_attr_policy[DWCP_RES_P_MAX + 1];
extern const struct nla_policy dwcp_res_fault_attr_policy[DWCP_RES_FAULT_A_MAX + 1];
extern const struct nla_policy dwcp_res_health_attr_policy[DWCP_RES_HC_MAX + 1];
extern const struct nla_policy dwcp_res_budget_attr_policy[DWCP_RES_B_MAX + 1];

/* nl_policy.c */
int dwcp_res_nl_policy_get(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_policy_dump_start(struct netlink_callback *cb);
int dwcp_res_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb);
int dwcp_res_nl_policy_new(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_policy_set(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_policy_del(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_breaker_set(struct sk_buff *skb, struct genl_info *info);

/* nl_chaos.c */
int dwcp_res_nl_chaos_get(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_chaos_dump(struct sk_buff *skb, struct netlink_callback *cb);
int dwcp_res_nl_chaos_set(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_fault_set(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_chaos_clear(struct sk_buff *skb, struct genl_info *info);

/* nl_health.c */
int dwcp_res_nl_health_get(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_health_dump_start(struct netlink_callback *cb);
int dwcp_res_nl_health_dump(struct sk_buff *skb, struct netlink_callback *cb);
int dwcp_res_nl_health_new(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_health_set(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_health_del(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_budget_get(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_budget_dump_start(struct netlink_callback *cb);
int dwcp_res_nl_budget_dump(struct sk_buff *skb, struct netlink_callback *cb);
int dwcp_res_nl_budget_set(struct sk_buff *skb, struct genl_info *info);

/* nl_degrade.c */
int dwcp_res_nl_degrade_get(struct sk_buff *skb, struct genl_info *info);
int dwcp_res_nl_degrade_dump(struct sk_buff *skb, struct netlink_callback *cb);
int dwcp_res_nl_degrade_set(struct sk_buff *skb, struct genl_info *info);

#endif /* _DWCP_RES_NETLINK_H */
