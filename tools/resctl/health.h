/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resctl: health checks as the kernel reports them (HEALTH_GET), for the
 * health command and for the configuration file's plan and dump.
 */
#ifndef RESCTL_HEALTH_H
#define RESCTL_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/dwcp_res.h>

/* A live check: each DWCP_RES_HC_* attribute's value, 0 when absent. */
struct resctl_hc_live {
	char name[DWCP_RES_NAME_MAX];
	char policy[DWCP_RES_NAME_MAX];	/* "" = the whole namespace */
	uint64_t v[DWCP_RES_HC_MAX + 1];	/* s64 attributes as their bits */
	bool prune;			/* config.c: "apply --prune" deletes it */
};

/* A signed attribute (VALUE, VALUE_MIN, VALUE_MAX) of @c. */
static inline int64_t resctl_hc_s64(const struct resctl_hc_live *c, int attr)
{
	return (int64_t)c->v[attr];
}

struct resctl_hc_list {
	struct resctl_hc_live *v;
	size_t n;
};

/*
 * HEALTH_GET: the check @name, or every check (a dump) when @name is NULL,
 * appended to @l, whose v the caller frees. Returns resctl_nl_call()'s code.
 */
int resctl_health_get(const char *name, struct resctl_hc_list *l);

/* Fill a request's DWCP_RES_A_HEALTH nest with just the check's name (@arg). */
struct nl_msg;
int resctl_health_fill_name(struct nl_msg *msg, void *arg);

#endif
