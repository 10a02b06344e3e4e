// SPDX-License-Identifier: GPL-2.0
/*
 * resctl version: the tool's version, then the module's, its feature bits and
 * whether chaos may be enabled.
 */
#include <stdio.h>
#include <linux/dwcp_res.h>

#include "nl.h"
#include "print.h"
#include "resctl.h"

struct module_info {
	char version[32];
	uint64_t features;
	int chaos_allowed;
};

static int parse_info(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct module_info *mi = arg;

	(void)nlh;
	if (tb[DWCP_RES_A_INFO_VERSION])
		nla_strlcpy(mi->version, tb[DWCP_RES_A_INFO_VERSION], sizeof(mi->version));
	if (tb[DWCP_RES_A_INFO_FEATURES])
		mi->features = nla_get_u64(tb[DWCP_RES_A_INFO_FEATURES]);
	if (tb[DWCP_RES_A_INFO_CHAOS_ALLOWED])
		mi->chaos_allowed = nla_get_u8(tb[DWCP_RES_A_INFO_CHAOS_ALLOWED]);
	return 0;
}

int cmd_version(int argc, char **argv)
{
	struct module_info mi = { .version = "?", .chaos_allowed = -1 };
	struct resctl_nl nl;
	struct nl_msg *msg;
	int err;

	(void)argv;
	if (argc > 0)
		return resctl_usage_of("version", NULL);

	print_open(NULL, NULL);
	print_str("resctl", "resctl", RESCTL_VERSION);

	/* The tool's own version is printed even when the module is absent. */
	if (resctl_nl_open(&nl)) {
		print_flush();
		return RESCTL_EXIT_FAIL;
	}
	msg = resctl_nl_msg(&nl, DWCP_RES_CMD_GET_INFO, 0);
	err = msg ? resctl_nl_request(&nl, msg, parse_info, &mi) : -1;
	resctl_nl_close(&nl);
	if (err) {
		print_flush();
		return RESCTL_EXIT_FAIL;
	}

	print_open("module", NULL);
	print_str("version", "dwcp_res", mi.version);
	print_hex("features", "features", mi.features);
	print_bool("chaos_allowed", "chaos allowed", mi.chaos_allowed == 1);
	print_close();
	print_flush();
	return RESCTL_EXIT_OK;
}
