// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the generic netlink family. Policies first, then one function per
 * command, then the family itself (WireGuard's src/netlink.c layout).
 */
#include <net/genetlink.h>
#include <uapi/linux/dwcp_res.h>

#include "dwcp_res.h"
#include "version.h"

/* GET_INFO takes no attributes: with strict validation any attribute fails. */
static const struct nla_policy dwcp_res_info_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_INFO_VERSION]	= { .type = NLA_REJECT },
	[DWCP_RES_A_INFO_FEATURES]	= { .type = NLA_REJECT },
	[DWCP_RES_A_INFO_CHAOS_ALLOWED]	= { .type = NLA_REJECT },
};

static struct genl_family dwcp_res_genl_family;

static int dwcp_res_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &dwcp_res_genl_family, 0,
				DWCP_RES_CMD_GET_INFO);
	if (!hdr)
		goto nla_put_failure;

	if (nla_put_string(msg, DWCP_RES_A_INFO_VERSION, DWCP_RES_VERSION) ||
	    nla_put_u64_64bit(msg, DWCP_RES_A_INFO_FEATURES,
			      dwcp_res_features(), DWCP_RES_A_PAD) ||
	    nla_put_u8(msg, DWCP_RES_A_INFO_CHAOS_ALLOWED,
		       dwcp_res_chaos_allowed))
		goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static const struct genl_ops dwcp_res_genl_ops[] = {
	{
		.cmd	= DWCP_RES_CMD_GET_INFO,
		.doit	= dwcp_res_nl_get_info,
		.policy	= dwcp_res_info_policy,
		.maxattr = DWCP_RES_A_MAX,
	},
};

static const struct genl_multicast_group dwcp_res_mcgrps[] = {
	{ .name = DWCP_RES_MCGRP_EVENTS },
};

/*
 * resv_start_op stays 0: every command gets strict attribute validation and
 * the reserved genetlink header fields are checked.
 */
static struct genl_family dwcp_res_genl_family __ro_after_init = {
	.name		= DWCP_RES_GENL_NAME,
	.version	= DWCP_RES_GENL_VERSION,
	.maxattr	= DWCP_RES_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= dwcp_res_genl_ops,
	.n_ops		= ARRAY_SIZE(dwcp_res_genl_ops),
	.mcgrps		= dwcp_res_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(dwcp_res_mcgrps),
};

int __init dwcp_res_genl_init(void)
{
	return genl_register_family(&dwcp_res_genl_family);
}

void dwcp_res_genl_exit(void)
{
	genl_unregister_family(&dwcp_res_genl_family);
}

/* Lets the genetlink controller autoload us when resctl asks for the family. */
MODULE_ALIAS_GENL_FAMILY(DWCP_RES_GENL_NAME);
