// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: reading health checks from the kernel (health.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/dwcp_res.h>

#include "health.h"
#include "nl.h"
#include "resctl.h"

static int health_reply(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *h[DWCP_RES_HC_MAX + 1];
	struct resctl_hc_list *l = arg;
	struct resctl_hc_live *c, *nv;
	int i;

	(void)nlh;
	if (!tb[DWCP_RES_A_HEALTH] ||
	    nla_parse_nested(h, DWCP_RES_HC_MAX, tb[DWCP_RES_A_HEALTH], NULL) ||
	    !h[DWCP_RES_HC_NAME])
		return 0;
	nv = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	if (!nv)
		return -ENOMEM;
	l->v = nv;
	c = &l->v[l->n++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", nla_get_string(h[DWCP_RES_HC_NAME]));
	if (h[DWCP_RES_HC_POLICY])
		snprintf(c->policy, sizeof(c->policy), "%s",
			 nla_get_string(h[DWCP_RES_HC_POLICY]));
	/* The s64 attributes too: resctl_attr_uint reads 8 bytes as they are. */
	for (i = 0; i <= DWCP_RES_HC_MAX; i++)
		resctl_attr_uint(h[i], &c->v[i]);
	return 0;
}

int resctl_health_fill_name(struct nl_msg *msg, void *arg)
{
	struct nlattr *nest = nla_nest_start(msg, DWCP_RES_A_HEALTH);

	if (!nest || nla_put_string(msg, DWCP_RES_HC_NAME, arg) < 0)
		return -1;
	nla_nest_end(msg, nest);
	return 0;
}

int resctl_health_get(const char *name, struct resctl_hc_list *l)
{
	if (name)
		return resctl_nl_call(DWCP_RES_CMD_HEALTH_GET, 0, resctl_health_fill_name,
				      (void *)name, health_reply, l);
	return resctl_nl_call(DWCP_RES_CMD_HEALTH_GET, NLM_F_DUMP, NULL, NULL,
			      health_reply, l);
}
