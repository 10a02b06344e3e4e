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

/*
 * The per-reason counters of a policy's stats (DWCP_RES_S_*): rejections
 * from DWCP_RES_S_REJECT_SHED, what shadow mode let through from
 * DWCP_RES_S_SHADOW_SHED, one attribute per enum dwcp_res_reject reason
 * in the enum's order.
 */
#define RESCTL_REASONS	(__DWCP_RES_REJECT_MAX - 1)
_Static_assert(DWCP_RES_S_REJECT_CHAOS - DWCP_RES_S_REJECT_SHED == RESCTL_REASONS - 1,
	       "reject counters are contiguous");
_Static_assert(DWCP_RES_S_SHADOW_CHAOS - DWCP_RES_S_SHADOW_SHED == RESCTL_REASONS - 1,
	       "shadow counters are contiguous");

/* Sum of the RESCTL_REASONS counters of @st from attribute @first. */
static inline uint64_t resctl_reasons_sum(const uint64_t *st, int first)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < RESCTL_REASONS; i++)
		n += st[first + i];
	return n;
}

/* Sum of the rejection counters. */
static inline uint64_t resctl_policy_rejected(const struct resctl_policy *p)
{
	return resctl_reasons_sum(p->st, DWCP_RES_S_REJECT_SHED);
}

/* "closed", "half-open", ..., or "unknown(N)" in @buf. */
const char *resctl_breaker_state_name(uint64_t state, char *buf, size_t len);
const char *resctl_breaker_mode_name(uint64_t mode, char *buf, size_t len);

/*
 * What "policy add/set" (and "apply") asks the kernel for: the values
 * given (has[]), the flag bits to turn on and off, and how to send them.
 */
struct resctl_pset {
	const char *name;
	const char *base;
	uint64_t val[DWCP_RES_P_MAX + 1];
	bool has[DWCP_RES_P_MAX + 1];
	uint32_t fset, fclear;		/* flag bits to turn on, off */
	bool send_flags;		/* put DWCP_RES_P_FLAGS = flags */
	uint32_t flags;
	uint32_t flags_mask;		/* and DWCP_RES_P_FLAGS_MASK, if not 0 */
	bool omit_values;		/* send the name (and flags) only */
	bool dry_run;			/* DWCP_RES_A_DRY_RUN: validate only */
};

/* Send the flag bits of fset/fclear alone (FLAGS with FLAGS_MASK). */
void resctl_pset_flag_bits(struct resctl_pset *ps);

/* resctl_fill_fn for POLICY_NEW/SET from a struct resctl_pset. */
int resctl_pset_fill(struct nl_msg *msg, void *arg);

struct json_object;
/*
 * The "config" object of "policy show -j" (or of a "policy list -j" row)
 * into @ps: {group: {json_key: value}}, integers raw as printed, or strings
 * in resctl's units ("100ms"), enums by name, flags as booleans. Prints
 * "resctl: @where.GROUP.KEY: why" and returns RESCTL_EXIT_USAGE on an
 * unknown group or key, a wrong type or a bad value.
 */
int resctl_pset_from_json(struct resctl_pset *ps, struct json_object *config,
			  const char *where);

/* True if @ps asks for nothing different from @cur's configuration. */
bool resctl_pset_same(const struct resctl_pset *ps, const struct resctl_policy *cur);

/* JSON: {"config": {group: {...}}} of @p, as "policy show -j" prints it. */
void resctl_policy_print_config(const struct resctl_policy *p);

/* The priority named @s, or -1. */
int resctl_priority_of(const char *s);

#endif /* RESCTL_POLICY_H */
