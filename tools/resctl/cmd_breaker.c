// SPDX-License-Identifier: GPL-2.0
/*
 * resctl breaker show|reset|force-open|disable|enable: the circuit breaker
 * of each policy, read from POLICY_GET, driven with BREAKER_SET.
 */
#include <stdio.h>
#include <stdlib.h>
#include <linux/dwcp_res.h>

#include "nl.h"
#include "policy.h"
#include "print.h"
#include "resctl.h"

int cmd_breaker_show(int argc, char **argv)
{
	static const struct print_col cols[] = {
		{ "NAME", 16, false },
		{ "STATE", 11, false },
		{ "MODE", 11, false },
		{ "EPOCH", 8, true },
		{ "REJECTED", 12, true },
	};
	struct resctl_policy *v;
	char buf[32];
	size_t n, i;
	int rc;

	if (argc > 1)
		return resctl_usage_of("breaker", "show");
	if (argc == 1 && !resctl_name_ok(argv[0]))
		return RESCTL_EXIT_USAGE;
	rc = resctl_policy_fetch(argc ? argv[0] : NULL, &v, &n);
	if (rc)
		return rc;
	print_open(NULL, NULL);
	print_table_open("breakers", cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < n; i++) {
		const struct resctl_policy *p = &v[i];

		print_row_open();
		print_str("name", "name", p->name);
		print_str("state", "state",
			  resctl_breaker_state_name(p->st[DWCP_RES_S_BREAKER_STATE],
						    buf, sizeof(buf)));
		print_str("mode", "mode",
			  resctl_breaker_mode_name(p->cfg[DWCP_RES_P_BREAKER_MODE],
						   buf, sizeof(buf)));
		print_u64("epoch", "epoch", p->st[DWCP_RES_S_BREAKER_EPOCH]);
		print_u64("rejected", "rejected", p->st[DWCP_RES_S_REJECT_BREAKER]);
		print_row_close();
	}
	print_table_close();
	print_flush();
	free(v);
	return RESCTL_EXIT_OK;
}

struct breaker_req {
	const char *name;
	uint32_t action;
};

static int fill_action(struct nl_msg *msg, void *arg)
{
	const struct breaker_req *r = arg;

	if (nla_put_string(msg, DWCP_RES_A_POLICY_NAME, r->name) < 0 ||
	    nla_put_u32(msg, DWCP_RES_A_BREAKER_ACTION, r->action) < 0)
		return -1;
	return 0;
}

static int breaker_action(const char *cmd, uint32_t action, int argc, char **argv)
{
	struct breaker_req r = { .action = action };

	if (argc != 1)
		return resctl_usage_of("breaker", cmd);
	if (!resctl_name_ok(argv[0]))
		return RESCTL_EXIT_USAGE;
	r.name = argv[0];
	return resctl_nl_call(DWCP_RES_CMD_BREAKER_SET, 0, fill_action, &r, NULL, NULL);
}

int cmd_breaker_reset(int argc, char **argv)
{
	return breaker_action("reset", DWCP_RES_BREAKER_RESET, argc, argv);
}

int cmd_breaker_force_open(int argc, char **argv)
{
	return breaker_action("force-open", DWCP_RES_BREAKER_FORCE_OPEN, argc, argv);
}

int cmd_breaker_disable(int argc, char **argv)
{
	return breaker_action("disable", DWCP_RES_BREAKER_DISABLE, argc, argv);
}

int cmd_breaker_enable(int argc, char **argv)
{
	return breaker_action("enable", DWCP_RES_BREAKER_ENABLE, argc, argv);
}
