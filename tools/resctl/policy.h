/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A POLICY_GET reply, decoded; shared by "policy" and "breaker".
 */
#ifndef RESCTL_POLICY_H
#define RESCTL_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/dwcp_res.h>

#include "nl.h"

struct resctl_policy {
	char name[DWCP_RES_NAME_MAX];
	uint64_t cfg[DWCP_RES_P_MAX + 1];
	bool has_cfg[DWCP_RES_P_MAX + 1];
	uint64_t st[DWCP_RES_S_MAX + 1];
	bool has_st[DWCP_RES_S_MAX + 1];
};

/* Decode one reply; -EPROTO if it has no name. */
int resctl_policy_parse(struct nlattr **tb, struct resctl_policy *p);

/*
 * Fetch one policy (@name) or all of them (NULL, a dump) into a malloc'ed
 * array; errors are printed. Returns a RESCTL_EXIT_* code.
 */
int resctl_policy_fetch(const char *name, struct resctl_policy **out, size_t *n);

/* Sum of the rejection counters. */
uint64_t resctl_policy_rejected(const struct resctl_policy *p);

/* "closed", "half-open", ..., or "unknown(N)" in @buf. */
const char *resctl_breaker_state_name(uint64_t state, char *buf, size_t len);
const char *resctl_breaker_mode_name(uint64_t mode, char *buf, size_t len);

#endif /* RESCTL_POLICY_H */
