// SPDX-License-Identifier: GPL-2.0
/*
 * resctl policy list|show|add|set|del: the per-namespace policies.
 *
 * Every KEY of "add" and "set" is one DWCP_RES_P_* attribute, except
 * rate-limit and adaptive, which are bits of DWCP_RES_P_FLAGS: the flags
 * travel as one u32, so resctl reads the policy's current flags and changes
 * only the bits given (a read-modify-write; two admins flipping different
 * bits of one policy at the same instant could lose one change).
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/dwcp_res.h>
#include <json-c/json.h>

#include "nl.h"
#include "policy.h"
#include "print.h"
#include "resctl.h"
#include "units.h"

enum vtype {
	V_COUNT,	/* u32 */
	V_DURATION,	/* u64 ns */
	V_RATE,		/* u64 calls/s */
	V_MCPS,		/* u64 milli-calls/s */
	V_BYTE_RATE,	/* u64 bytes/s */
	V_SIZE,		/* u32 bytes */
	V_PPM,		/* u32 */
	V_PERMILLE,	/* u32, written as a percentage */
	V_FACTOR,	/* u32 permille, written as a factor */
	V_PRIORITY,	/* u32 enum */
	V_MODE,		/* u32 enum */
	V_FLAG,		/* a bit of DWCP_RES_P_FLAGS */
	V_STATE,	/* u32 enum dwcp_res_breaker_state (stats only) */
	V_BIND,		/* u32 enum dwcp_res_bind */
	V_GID,		/* u32 gid, DWCP_RES_BIND_GID_NONE: none */
};

static const char * const bind_names[] = {
	[DWCP_RES_BIND_ANY] = "any",
	[DWCP_RES_BIND_ADMIN] = "admin",
};

static const char * const prio_names[] = {
	[DWCP_RES_PRIO_LOW] = "low",
	[DWCP_RES_PRIO_NORMAL] = "normal",
	[DWCP_RES_PRIO_HIGH] = "high",
	[DWCP_RES_PRIO_CRITICAL] = "critical",
};

static const char * const mode_names[] = {
	[DWCP_RES_BREAKER_MODE_CONSECUTIVE] = "consecutive",
	[DWCP_RES_BREAKER_MODE_COUNT_WINDOW] = "count",
	[DWCP_RES_BREAKER_MODE_TIME_WINDOW] = "time",
};

static const char * const state_names[] = {
	[DWCP_RES_BREAKER_CLOSED] = "closed",
	[DWCP_RES_BREAKER_HALF_OPEN] = "half-open",
	[DWCP_RES_BREAKER_OPEN] = "open",
	[DWCP_RES_BREAKER_DISABLED] = "disabled",
	[DWCP_RES_BREAKER_FORCED_OPEN] = "forced-open",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What a value of each type looks like, for help and error messages. */
static const char *vtype_help(enum vtype t)
{
	switch (t) {
	case V_COUNT:		return UNITS_HELP_COUNT;
	case V_DURATION:	return UNITS_HELP_DURATION;
	case V_RATE:
	case V_MCPS:		return UNITS_HELP_RATE;
	case V_BYTE_RATE:	return UNITS_HELP_BYTE_RATE;
	case V_SIZE:		return UNITS_HELP_SIZE;
	case V_PPM:
	case V_PERMILLE:	return UNITS_HELP_PERCENT;
	case V_FACTOR:		return UNITS_HELP_FACTOR;
	case V_PRIORITY:	return "low, normal, high or critical";
	case V_MODE:		return "consecutive, count or time";
	case V_BIND:		return "any or admin";
	case V_GID:		return "a group name, a gid or none";
	case V_FLAG:		return "on or off";
	case V_STATE:		break;
	}
	return "?";
}

/* Short form for the key list in the help. */
static const char *vtype_short(enum vtype t)
{
	switch (t) {
	case V_COUNT:		return "N";
	case V_DURATION:	return "DURATION";
	case V_RATE:
	case V_MCPS:		return "RATE (N/s)";
	case V_BYTE_RATE:	return "BYTES/s";
	case V_SIZE:		return "BYTES";
	case V_PPM:
	case V_PERMILLE:	return "PERCENT";
	case V_FACTOR:		return "FACTOR";
	case V_PRIORITY:	return "low|normal|high|critical";
	case V_MODE:		return "consecutive|count|time";
	case V_BIND:		return "any|admin";
	case V_GID:		return "GROUP|none";
	case V_FLAG:		return "on|off";
	case V_STATE:		break;
	}
	return "?";
}

struct pkey {
	const char *key;	/* resctl's name, also the text label */
	const char *json;	/* JSON key, with the unit */
	int attr;		/* DWCP_RES_P_* */
	enum vtype type;
	uint32_t flag;		/* V_FLAG: the bit */
	const char *group;
};

/* In the order "policy show" prints them, group by group. */
static const struct pkey pkeys[] = {
	{ "priority", "priority", DWCP_RES_P_PRIORITY, V_PRIORITY, 0, "general" },
	{ "latency-target", "latency_target_ns", DWCP_RES_P_LATENCY_TARGET_NS, V_DURATION, 0, "general" },
	{ "degrade-scale", "degrade_scale_permille", DWCP_RES_P_DEGRADE_PERMILLE, V_PERMILLE, 0, "general" },
	{ "bind", "bind", DWCP_RES_P_BIND, V_BIND, 0, "general" },
	{ "bind-group", "bind_gid", DWCP_RES_P_BIND_GID, V_GID, 0, "general" },
	{ "shadow", "shadow", DWCP_RES_P_FLAGS, V_FLAG, DWCP_RES_POLICY_F_SHADOW, "general" },

	{ "breaker-mode", "breaker_mode", DWCP_RES_P_BREAKER_MODE, V_MODE, 0, "breaker" },
	{ "failures", "failures", DWCP_RES_P_BREAKER_FAILURES, V_COUNT, 0, "breaker" },
	{ "probes", "probes", DWCP_RES_P_BREAKER_PROBES, V_COUNT, 0, "breaker" },
	{ "window", "window", DWCP_RES_P_BREAKER_WINDOW, V_COUNT, 0, "breaker" },
	{ "min-calls", "min_calls", DWCP_RES_P_BREAKER_MIN_CALLS, V_COUNT, 0, "breaker" },
	{ "failure-rate", "failure_rate_ppm", DWCP_RES_P_BREAKER_FAILURE_PPM, V_PPM, 0, "breaker" },
	{ "slow-rate", "slow_rate_ppm", DWCP_RES_P_BREAKER_SLOW_PPM, V_PPM, 0, "breaker" },
	{ "open", "open_ns", DWCP_RES_P_BREAKER_OPEN_NS, V_DURATION, 0, "breaker" },
	{ "half-open-wait", "half_open_wait_ns", DWCP_RES_P_BREAKER_HALF_OPEN_NS, V_DURATION, 0, "breaker" },
	{ "bucket", "bucket_ns", DWCP_RES_P_BREAKER_BUCKET_NS, V_DURATION, 0, "breaker" },
	{ "slow-call", "slow_call_ns", DWCP_RES_P_BREAKER_SLOW_NS, V_DURATION, 0, "breaker" },

	{ "rate-limit", "rate_limit", DWCP_RES_P_FLAGS, V_FLAG, DWCP_RES_POLICY_F_RATE, "rate" },
	{ "rate", "rate_per_s", DWCP_RES_P_RATE, V_RATE, 0, "rate" },
	{ "burst", "burst", DWCP_RES_P_RATE_BURST, V_COUNT, 0, "rate" },
	{ "byte-rate", "byte_rate_bytes_per_s", DWCP_RES_P_RATE_BYTES, V_BYTE_RATE, 0, "rate" },
	{ "byte-burst", "byte_burst_bytes", DWCP_RES_P_RATE_BURST_BYTES, V_SIZE, 0, "rate" },
	{ "adaptive", "adaptive", DWCP_RES_P_FLAGS, V_FLAG, DWCP_RES_POLICY_F_ADAPTIVE, "rate" },
	{ "adaptive-min", "adaptive_min_mcps", DWCP_RES_P_ADAPTIVE_MIN_MCPS, V_MCPS, 0, "rate" },
	{ "adaptive-max", "adaptive_max_mcps", DWCP_RES_P_ADAPTIVE_MAX_MCPS, V_MCPS, 0, "rate" },
	{ "adaptive-initial", "adaptive_initial_mcps", DWCP_RES_P_ADAPTIVE_INITIAL_MCPS, V_MCPS, 0, "rate" },
	{ "adaptive-target", "adaptive_target_ns", DWCP_RES_P_ADAPTIVE_TARGET_NS, V_DURATION, 0, "rate" },
	{ "adaptive-window", "adaptive_window_ns", DWCP_RES_P_ADAPTIVE_WINDOW_NS, V_DURATION, 0, "rate" },

	{ "concurrent", "concurrent", DWCP_RES_P_BULKHEAD_MAX, V_COUNT, 0, "bulkhead" },
	{ "queue", "queue", DWCP_RES_P_BULKHEAD_QUEUE, V_COUNT, 0, "bulkhead" },
	{ "wait", "wait_ns", DWCP_RES_P_BULKHEAD_WAIT_NS, V_DURATION, 0, "bulkhead" },

	{ "retries", "retries", DWCP_RES_P_RETRY_MAX, V_COUNT, 0, "retry" },
	{ "retry-base", "retry_base_ns", DWCP_RES_P_RETRY_BASE_NS, V_DURATION, 0, "retry" },
	{ "retry-cap", "retry_cap_ns", DWCP_RES_P_RETRY_CAP_NS, V_DURATION, 0, "retry" },
	{ "retry-mult", "retry_mult_permille", DWCP_RES_P_RETRY_MULT_PERMILLE, V_FACTOR, 0, "retry" },
	{ "retry-budget", "retry_budget_permille", DWCP_RES_P_RETRY_BUDGET_PERMILLE, V_PERMILLE, 0, "retry" },
	{ "retry-min", "retry_min", DWCP_RES_P_RETRY_MIN_CONCURRENCY, V_COUNT, 0, "retry" },

	{ "timeout", "timeout_ns", DWCP_RES_P_TIMEOUT_INITIAL_NS, V_DURATION, 0, "timeout" },
	{ "timeout-min", "timeout_min_ns", DWCP_RES_P_TIMEOUT_MIN_NS, V_DURATION, 0, "timeout" },
	{ "timeout-max", "timeout_max_ns", DWCP_RES_P_TIMEOUT_MAX_NS, V_DURATION, 0, "timeout" },

	{ "slo", "slo_ppm", DWCP_RES_P_SLO_PPM, V_PPM, 0, "slo" },
	{ "slo-window", "slo_window_ns", DWCP_RES_P_SLO_WINDOW_NS, V_DURATION, 0, "slo" },
	{ "slo-buckets", "slo_buckets", DWCP_RES_P_SLO_BUCKETS, V_COUNT, 0, "slo" },
	{ "slo-min-events", "slo_min_events", DWCP_RES_P_SLO_MIN_EVENTS, V_COUNT, 0, "slo" },
};

const char *resctl_policy_key_of(int attr)
{
	size_t i;

	if (attr == DWCP_RES_P_FLAGS)
		return "rate-limit/adaptive";
	if (attr == DWCP_RES_P_BASE)
		return "base";
	for (i = 0; i < sizeof(pkeys) / sizeof(pkeys[0]); i++)
		if (pkeys[i].attr == attr)
			return pkeys[i].key;
	return NULL;
}

/* Statistics, by group; labels double as text labels. */
static const struct pkey skeys[] = {
	{ "admitted", "admitted", DWCP_RES_S_ADMITTED, V_COUNT, 0, "calls" },
	{ "completed", "completed", DWCP_RES_S_COMPLETED, V_COUNT, 0, "calls" },
	{ "waited", "waited", DWCP_RES_S_WAITED, V_COUNT, 0, "calls" },
	{ "retried", "retried", DWCP_RES_S_RETRIES, V_COUNT, 0, "calls" },
	{ "retry-succeeded", "retry_succeeded", DWCP_RES_S_RETRY_SUCCEEDED, V_COUNT, 0, "calls" },
	{ "retry-exhausted", "retry_exhausted", DWCP_RES_S_RETRY_EXHAUSTED, V_COUNT, 0, "calls" },
	{ "retry-budget-refused", "retry_budget_refused", DWCP_RES_S_RETRY_BUDGET_REFUSED, V_COUNT,
	  0, "calls" },
	{ "inflight", "inflight", DWCP_RES_S_INFLIGHT, V_COUNT, 0, "calls" },

	{ "success", "success", DWCP_RES_S_SUCCESS, V_COUNT, 0, "results" },
	{ "failure", "failure", DWCP_RES_S_FAILURE, V_COUNT, 0, "results" },
	{ "slow", "slow", DWCP_RES_S_SLOW, V_COUNT, 0, "results" },
	{ "ignored", "ignored", DWCP_RES_S_IGNORED, V_COUNT, 0, "results" },
	{ "cancelled", "cancelled", DWCP_RES_S_CANCELLED, V_COUNT, 0, "results" },

	/* "total" is printed first, computed: see print_stats(). */
	{ "shed", "shed", DWCP_RES_S_REJECT_SHED, V_COUNT, 0, "rejected" },
	{ "breaker", "breaker", DWCP_RES_S_REJECT_BREAKER, V_COUNT, 0, "rejected" },
	{ "rate", "rate", DWCP_RES_S_REJECT_RATE, V_COUNT, 0, "rejected" },
	{ "bulkhead-full", "bulkhead_full", DWCP_RES_S_REJECT_BULKHEAD_FULL, V_COUNT, 0, "rejected" },
	{ "bulkhead-wait", "bulkhead_wait", DWCP_RES_S_REJECT_BULKHEAD_WAIT, V_COUNT, 0, "rejected" },
	{ "chaos", "chaos", DWCP_RES_S_REJECT_CHAOS, V_COUNT, 0, "rejected" },

	/* Shadow mode: what it let through; "total" as for "rejected". */
	{ "shed", "shed", DWCP_RES_S_SHADOW_SHED, V_COUNT, 0, "shadow" },
	{ "breaker", "breaker", DWCP_RES_S_SHADOW_BREAKER, V_COUNT, 0, "shadow" },
	{ "rate", "rate", DWCP_RES_S_SHADOW_RATE, V_COUNT, 0, "shadow" },
	{ "bulkhead-full", "bulkhead_full", DWCP_RES_S_SHADOW_BULKHEAD_FULL, V_COUNT, 0, "shadow" },
	{ "bulkhead-wait", "bulkhead_wait", DWCP_RES_S_SHADOW_BULKHEAD_WAIT, V_COUNT, 0, "shadow" },
	{ "chaos", "chaos", DWCP_RES_S_SHADOW_CHAOS, V_COUNT, 0, "shadow" },

	{ "breaker", "breaker", DWCP_RES_S_BREAKER_STATE, V_STATE, 0, "state" },
	{ "breaker-epoch", "breaker_epoch", DWCP_RES_S_BREAKER_EPOCH, V_COUNT, 0, "state" },
	{ "bulkhead-active", "bulkhead_active", DWCP_RES_S_BULKHEAD_ACTIVE, V_COUNT, 0, "state" },
	{ "bulkhead-queued", "bulkhead_queued", DWCP_RES_S_BULKHEAD_QUEUED, V_COUNT, 0, "state" },
	{ "bulkhead-limit", "bulkhead_limit", DWCP_RES_S_BULKHEAD_LIMIT, V_COUNT, 0, "state" },
	{ "rate", "rate_mcps", DWCP_RES_S_RATE_MCPS, V_MCPS, 0, "state" },
	{ "timeout", "timeout_ns", DWCP_RES_S_TIMEOUT_NS, V_DURATION, 0, "state" },
	{ "budget-remaining", "budget_remaining_ppm", DWCP_RES_S_BUDGET_REMAINING_PPM, V_PPM, 0, "state" },
	{ "success-ratio", "success_ppm", DWCP_RES_S_SUCCESS_PPM, V_PPM, 0, "state" },

	{ "p50", "p50_ns", DWCP_RES_S_LATENCY_P50_NS, V_DURATION, 0, "latency" },
	{ "p95", "p95_ns", DWCP_RES_S_LATENCY_P95_NS, V_DURATION, 0, "latency" },
	{ "p99", "p99_ns", DWCP_RES_S_LATENCY_P99_NS, V_DURATION, 0, "latency" },
	{ "budget-compliance", "budget_compliance_ppm", DWCP_RES_S_LATENCY_COMPLIANCE_PPM, V_PPM,
	  0, "latency" },
	{ "budget-exhausted", "budget_exhausted", DWCP_RES_S_LATENCY_EXHAUSTED, V_COUNT, 0,
	  "latency" },
};

static bool vtype_u64(enum vtype t)
{
	return t == V_DURATION || t == V_RATE || t == V_MCPS || t == V_BYTE_RATE;
}

static const char *enum_name(const char * const *names, size_t n, uint64_t v,
			     char *buf, size_t len)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, len, "unknown(%llu)", (unsigned long long)v);
	return buf;
}

const char *resctl_breaker_state_name(uint64_t state, char *buf, size_t len)
{
	return enum_name(state_names, N(state_names), state, buf, len);
}

const char *resctl_breaker_mode_name(uint64_t mode, char *buf, size_t len)
{
	return enum_name(mode_names, N(mode_names), mode, buf, len);
}

/* A gid as "none", "1000 (dwcp)" or "1000" (no such group here). */
static const char *fmt_gid(uint64_t v, char *buf)
{
	struct group *g;

	if (v == DWCP_RES_BIND_GID_NONE)
		return "none";
	g = getgrgid((gid_t)v);
	if (g && strlen(g->gr_name) < UNITS_BUF - 14)
		snprintf(buf, UNITS_BUF, "%llu (%s)", (unsigned long long)v, g->gr_name);
	else
		snprintf(buf, UNITS_BUF, "%llu", (unsigned long long)v);
	return buf;
}

/* Text rendering of one value. */
static const char *fmt_value(enum vtype t, uint64_t v, char *buf)
{
	switch (t) {
	case V_DURATION:	return units_fmt_duration(buf, v);
	case V_RATE:		return units_fmt_rate(buf, v);
	case V_MCPS:		return units_fmt_rate_milli(buf, v);
	case V_BYTE_RATE:	return units_fmt_byte_rate(buf, v);
	case V_SIZE:		return units_fmt_size(buf, v);
	case V_PPM:		return units_fmt_ppm(buf, v);
	case V_PERMILLE:	return units_fmt_permille(buf, v);
	case V_FACTOR:		return units_fmt_factor(buf, v);
	case V_PRIORITY:	return enum_name(prio_names, N(prio_names), v, buf, UNITS_BUF);
	case V_MODE:		return enum_name(mode_names, N(mode_names), v, buf, UNITS_BUF);
	case V_BIND:		return enum_name(bind_names, N(bind_names), v, buf, UNITS_BUF);
	case V_GID:		return fmt_gid(v, buf);
	case V_STATE:		return enum_name(state_names, N(state_names), v, buf, UNITS_BUF);
	case V_FLAG:		return v ? "on" : "off";
	case V_COUNT:		break;
	}
	snprintf(buf, UNITS_BUF, "%llu", (unsigned long long)v);
	return buf;
}

/* Print one value: JSON raw (enums as names, flags as booleans), text human. */
static void print_value(const struct pkey *k, uint64_t v)
{
	char buf[UNITS_BUF];

	switch (k->type) {
	case V_PRIORITY:
	case V_MODE:
	case V_STATE:
	case V_BIND:
		print_str(k->json, k->key, fmt_value(k->type, v, buf));
		break;
	case V_GID:
		/* JSON: the gid, or "none" (which apply takes back). */
		if (v == DWCP_RES_BIND_GID_NONE)
			print_str(k->json, k->key, "none");
		else
			print_unit(k->json, k->key, v, fmt_value(k->type, v, buf));
		break;
	case V_FLAG:
		if (resctl_opts.json)
			print_bool(k->json, k->key, v);
		else
			print_text(k->key, v ? "on" : "off");
		break;
	default:
		print_unit(k->json, k->key, v, fmt_value(k->type, v, buf));
		break;
	}
}

/* ---- decoding replies ---- */

int resctl_policy_parse(struct nlattr **tb, struct resctl_policy *p)
{
	struct nlattr *ptb[DWCP_RES_P_MAX + 1];
	struct nlattr *stb[DWCP_RES_S_MAX + 1];
	int i;

	memset(p, 0, sizeof(*p));
	if (!tb[DWCP_RES_A_POLICY_NAME]) {
		fprintf(stderr, "resctl: the kernel sent a policy without a name\n");
		return -EPROTO;
	}
	nla_strlcpy(p->name, tb[DWCP_RES_A_POLICY_NAME], sizeof(p->name));
	if (tb[DWCP_RES_A_POLICY] &&
	    !nla_parse_nested(ptb, DWCP_RES_P_MAX, tb[DWCP_RES_A_POLICY], NULL))
		for (i = 0; i <= DWCP_RES_P_MAX; i++)
			p->has_cfg[i] = resctl_attr_uint(ptb[i], &p->cfg[i]);
	if (tb[DWCP_RES_A_STATS] &&
	    !nla_parse_nested(stb, DWCP_RES_S_MAX, tb[DWCP_RES_A_STATS], NULL))
		for (i = 0; i <= DWCP_RES_S_MAX; i++)
			p->has_st[i] = resctl_attr_uint(stb[i], &p->st[i]);
	return 0;
}

/* ---- arguments ---- */


void policy_print_keys(FILE *out)
{
	const char *group = NULL;
	size_t i;

	fprintf(out, "\npolicy KEYs (policy add/set NAME KEY VALUE...):\n");
	for (i = 0; i < N(pkeys); i++) {
		if (!group || strcmp(group, pkeys[i].group)) {
			group = pkeys[i].group;
			fprintf(out, "  %s:\n", group);
		}
		fprintf(out, "    %-18s %s\n", pkeys[i].key, vtype_short(pkeys[i].type));
	}
	fprintf(out, "  base PROFILE (add only): send, receive, sync or consensus\n");
}

static const struct pkey *find_key(const char *key)
{
	size_t i;

	for (i = 0; i < N(pkeys); i++)
		if (!strcmp(pkeys[i].key, key))
			return &pkeys[i];
	return NULL;
}

static int unknown_key(const char *key)
{
	char list[1024];
	size_t i, off = 0;

	list[0] = '\0';
	for (i = 0; i < N(pkeys) && off < sizeof(list); i++)
		off += snprintf(list + off, sizeof(list) - off, "%s%s", i ? " " : "",
				pkeys[i].key);
	return resctl_usage_err("unknown policy key \"%s\"; keys are: %s", key, list);
}

static int match_name(const char * const *names, size_t n, const char *s, uint64_t *v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (names[i] && !strcmp(names[i], s)) {
			*v = i;
			return 0;
		}
	}
	return -EINVAL;
}

/* "none", a number below (gid_t)-1, or a group name of this system. */
static int parse_gid(const char *s, uint64_t *v)
{
	struct group *g;
	uint32_t v32;

	if (!strcmp(s, "none")) {
		*v = DWCP_RES_BIND_GID_NONE;
		return 0;
	}
	if (!units_parse_u32(s, &v32)) {
		*v = v32;
		return v32 == DWCP_RES_BIND_GID_NONE ? -EINVAL : 0;
	}
	g = getgrnam(s);
	if (!g)
		return -EINVAL;
	*v = g->gr_gid;
	return 0;
}

/* Parse @s for @k; prints why and returns RESCTL_EXIT_USAGE if it is bad. */
static int parse_value(const struct pkey *k, const char *s, uint64_t *v)
{
	char buf[UNITS_BUF];
	uint32_t v32 = 0;
	int err;

	switch (k->type) {
	case V_COUNT:
		err = units_parse_u32(s, &v32);
		*v = v32;
		break;
	case V_DURATION:
		err = units_parse_duration(s, v);
		break;
	case V_RATE:
		err = units_parse_rate(s, v);
		break;
	case V_MCPS:
		err = units_parse_rate_milli(s, v);
		break;
	case V_BYTE_RATE:
		err = units_parse_byte_rate(s, v);
		break;
	case V_SIZE:
		err = units_parse_size(s, v);
		if (!err && *v > UINT32_MAX)
			err = -ERANGE;
		break;
	case V_PPM:
		err = units_parse_ppm(s, &v32);
		*v = v32;
		break;
	case V_PERMILLE:
		err = units_parse_permille(s, &v32);
		*v = v32;
		break;
	case V_FACTOR:
		err = units_parse_factor(s, &v32);
		*v = v32;
		break;
	case V_PRIORITY:
		err = match_name(prio_names, N(prio_names), s, v);
		break;
	case V_MODE:
		err = match_name(mode_names, N(mode_names), s, v);
		break;
	case V_BIND:
		err = match_name(bind_names, N(bind_names), s, v);
		break;
	case V_GID:
		err = parse_gid(s, v);
		break;
	case V_FLAG:
		err = 0;
		if (!strcmp(s, "on"))
			*v = 1;
		else if (!strcmp(s, "off"))
			*v = 0;
		else
			err = -EINVAL;
		break;
	default:
		err = -EINVAL;
		break;
	}
	if (err == -ERANGE) {
		if (k->type == V_PPM || k->type == V_PERMILLE)
			return resctl_usage_err("%s %s: out of range, at most 100%%", k->key, s);
		if (vtype_u64(k->type))
			return resctl_usage_err("%s %s: too large, does not fit in 64 bits",
						k->key, s);
		return resctl_usage_err("%s %s: too large, at most %s", k->key, s,
					fmt_value(k->type, UINT32_MAX, buf));
	}
	if (err)
		return resctl_usage_err("%s: bad value \"%s\", expected %s", k->key, s,
					vtype_help(k->type));
	return 0;
}

/* KEY VALUE pairs (and "base PROFILE" if @add). */
static int parse_pairs(int argc, char **argv, bool add, struct resctl_pset *ps)
{
	bool seen[N(pkeys)] = { false };
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *key = argv[i];
		const struct pkey *k;
		uint64_t v;
		int err;

		if (!strcmp(key, "base") && add) {
			if (ps->base)
				return resctl_usage_err("base given twice");
			if (i + 1 >= argc)
				return resctl_usage_err("base needs a PROFILE: send, receive, sync or consensus");
			if (!resctl_name_ok(argv[i + 1]))
				return RESCTL_EXIT_USAGE;
			ps->base = argv[i + 1];
			continue;
		}
		k = find_key(key);
		if (!k) {
			if (!strcmp(key, "base"))
				return resctl_usage_err("base is only for policy add");
			return unknown_key(key);
		}
		if (i + 1 >= argc)
			return resctl_usage_err("%s needs a value: %s", key, vtype_help(k->type));
		if (seen[k - pkeys])
			return resctl_usage_err("%s given twice", key);
		seen[k - pkeys] = true;
		err = parse_value(k, argv[i + 1], &v);
		if (err)
			return err;
		if (k->type == V_FLAG) {
			if (v)
				ps->fset |= k->flag;
			else
				ps->fclear |= k->flag;
		} else {
			ps->val[k->attr] = v;
			ps->has[k->attr] = true;
		}
	}
	return 0;
}

/* ---- requests ---- */

static int fill_name(struct nl_msg *msg, void *arg)
{
	return nla_put_string(msg, DWCP_RES_A_POLICY_NAME, arg);
}

int resctl_pset_fill(struct nl_msg *msg, void *arg)
{
	const struct resctl_pset *ps = arg;
	struct nlattr *nest;
	bool any = ps->base || ps->send_flags;
	size_t i;

	if (nla_put_string(msg, DWCP_RES_A_POLICY_NAME, ps->name) < 0)
		return -EMSGSIZE;
	if (ps->dry_run && nla_put_flag(msg, DWCP_RES_A_DRY_RUN) < 0)
		return -EMSGSIZE;
	for (i = 0; i <= DWCP_RES_P_MAX && !ps->omit_values; i++)
		any |= ps->has[i];
	if (!any)
		return 0;
	nest = nla_nest_start(msg, DWCP_RES_A_POLICY);
	if (!nest)
		return -EMSGSIZE;
	if (ps->base && nla_put_string(msg, DWCP_RES_P_BASE, ps->base) < 0)
		return -EMSGSIZE;
	if (ps->send_flags && nla_put_u32(msg, DWCP_RES_P_FLAGS, ps->flags) < 0)
		return -EMSGSIZE;
	if (ps->send_flags && ps->flags_mask &&
	    nla_put_u32(msg, DWCP_RES_P_FLAGS_MASK, ps->flags_mask) < 0)
		return -EMSGSIZE;
	for (i = 0; i < N(pkeys) && !ps->omit_values; i++) {
		const struct pkey *k = &pkeys[i];
		int err;

		if (k->type == V_FLAG || !ps->has[k->attr])
			continue;
		if (vtype_u64(k->type))
			err = nla_put_u64(msg, k->attr, ps->val[k->attr]);
		else
			err = nla_put_u32(msg, k->attr, (uint32_t)ps->val[k->attr]);
		if (err < 0)
			return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

void resctl_pset_flag_bits(struct resctl_pset *ps)
{
	ps->flags_mask = ps->fset | ps->fclear;
	ps->flags = ps->fset;
	ps->send_flags = ps->flags_mask != 0;
}

/* ---- commands ---- */

struct fetch {
	struct resctl_policy *v;
	size_t n, cap;
};

static int fetch_one(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct fetch *f = arg;

	(void)nlh;
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 8;
		struct resctl_policy *v = realloc(f->v, cap * sizeof(*v));

		if (!v) {
			fprintf(stderr, "resctl: out of memory\n");
			return -ENOMEM;
		}
		f->v = v;
		f->cap = cap;
	}
	if (resctl_policy_parse(tb, &f->v[f->n]))
		return -EPROTO;
	f->n++;
	return 0;
}

int resctl_policy_fetch(const char *name, struct resctl_policy **out, size_t *n)
{
	struct fetch f = { 0 };
	int rc;

	if (name)
		rc = resctl_nl_call(DWCP_RES_CMD_POLICY_GET, 0, fill_name, (void *)name,
				    fetch_one, &f);
	else
		rc = resctl_nl_call(DWCP_RES_CMD_POLICY_GET, NLM_F_DUMP, NULL, NULL,
				    fetch_one, &f);
	if (rc == RESCTL_EXIT_OK && name && f.n != 1) {
		fprintf(stderr, "resctl: the kernel sent %zu policies for \"%s\"\n", f.n, name);
		rc = RESCTL_EXIT_FAIL;
	}
	if (rc) {
		free(f.v);
		return rc;
	}
	*out = f.v;
	*n = f.n;
	return RESCTL_EXIT_OK;
}

/* The values of @group, in table order; only those the kernel sent. */
static void print_group(const struct pkey *keys, size_t n, const char *group,
			const uint64_t *vals, const bool *has)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pkey *k = &keys[i];

		if (strcmp(k->group, group) || !has[k->attr])
			continue;
		if (k->type == V_FLAG)
			print_value(k, !!(vals[k->attr] & k->flag));
		else
			print_value(k, vals[k->attr]);
	}
}

/*
 * Text: "policy NAME", then one heading per group with its values under it
 * (labels are the KEYs, so a line can be pasted into "policy set").
 * JSON: {"name", "config": {group: {...}}, "stats": {group: {...}}}.
 */
static const char * const cgroups[] = {
	"general", "breaker", "rate", "bulkhead", "retry", "timeout", "slo",
};

/* JSON: {"config": {group: {...}}}, as "policy show" prints it. */
void resctl_policy_print_config(const struct resctl_policy *p)
{
	size_t i;

	print_open("config", NULL);
	for (i = 0; i < N(cgroups); i++) {
		print_open(cgroups[i], cgroups[i]);
		print_group(pkeys, N(pkeys), cgroups[i], p->cfg, p->has_cfg);
		print_close();
	}
	print_close();
}

static void print_policy(const struct resctl_policy *p)
{
	static const char * const sgroups[] = {
		"calls", "results", "rejected", "shadow", "state", "latency",
	};
	size_t i;

	print_open(NULL, NULL);
	print_str("name", "policy", p->name);
	resctl_policy_print_config(p);
	print_open("stats", NULL);
	for (i = 0; i < N(sgroups); i++) {
		print_open(sgroups[i], sgroups[i]);
		if (!strcmp(sgroups[i], "rejected"))
			print_u64("total", "total", resctl_policy_rejected(p));
		if (!strcmp(sgroups[i], "shadow"))
			print_u64("total", "total",
				  resctl_reasons_sum(p->st, DWCP_RES_S_SHADOW_SHED));
		print_group(skeys, N(skeys), sgroups[i], p->st, p->has_st);
		print_close();
	}
	print_close();
}

int cmd_policy_list(int argc, char **argv)
{
	static const struct print_col cols[] = {
		{ "NAME", 16, false },
		{ "PRIORITY", 8, false },
		{ "BREAKER", 11, false },
		{ "ADMITTED", 12, true },
		{ "REJECTED", 12, true },
		{ "INFLIGHT", 8, true },
	};
	struct resctl_policy *v;
	char buf[UNITS_BUF];
	size_t n, i;
	int rc;

	(void)argv;
	if (argc)
		return resctl_usage_of("policy", "list");
	rc = resctl_policy_fetch(NULL, &v, &n);
	if (rc)
		return rc;
	print_open(NULL, NULL);
	print_table_open("policies", cols, N(cols));
	for (i = 0; i < n; i++) {
		const struct resctl_policy *p = &v[i];

		print_row_open();
		print_str("name", "name", p->name);
		print_str("priority", "priority",
			  fmt_value(V_PRIORITY, p->cfg[DWCP_RES_P_PRIORITY], buf));
		print_str("breaker", "breaker",
			  fmt_value(V_STATE, p->st[DWCP_RES_S_BREAKER_STATE], buf));
		print_u64("admitted", "admitted", p->st[DWCP_RES_S_ADMITTED]);
		print_u64("rejected", "rejected", resctl_policy_rejected(p));
		print_u64("inflight", "inflight", p->st[DWCP_RES_S_INFLIGHT]);
		/* JSON only: the whole configuration, what "apply" reads back. */
		if (resctl_opts.json)
			resctl_policy_print_config(p);
		print_row_close();
	}
	print_table_close();
	print_flush();
	free(v);
	return RESCTL_EXIT_OK;
}

int cmd_policy_show(int argc, char **argv)
{
	struct resctl_policy *v;
	size_t n;
	int rc;

	if (argc != 1)
		return resctl_usage_of("policy", "show");
	if (!resctl_name_ok(argv[0]))
		return RESCTL_EXIT_USAGE;
	rc = resctl_policy_fetch(argv[0], &v, &n);
	if (rc)
		return rc;
	print_policy(v);
	print_flush();
	free(v);
	return RESCTL_EXIT_OK;
}

int cmd_policy_add(int argc, char **argv)
{
	struct resctl_pset ps = { 0 };
	int rc;

	if (argc < 1)
		return resctl_usage_of("policy", "add");
	if (!resctl_name_ok(argv[0]))
		return RESCTL_EXIT_USAGE;
	ps.name = argv[0];
	rc = parse_pairs(argc - 1, argv + 1, true, &ps);
	if (rc)
		return rc;

	/*
	 * The bits given, and only those, change the base's flags: one
	 * request, validated by the kernel as it will be applied.
	 */
	resctl_pset_flag_bits(&ps);
	return resctl_nl_call(DWCP_RES_CMD_POLICY_NEW, 0, resctl_pset_fill, &ps, NULL, NULL);
}

int cmd_policy_set(int argc, char **argv)
{
	struct resctl_pset ps = { 0 };
	int rc;

	if (argc < 1)
		return resctl_usage_of("policy", "set");
	if (argc == 1)
		return resctl_usage_err("policy set %s needs at least one KEY VALUE (try \"resctl help policy\")",
					argv[0]);
	if (!resctl_name_ok(argv[0]))
		return RESCTL_EXIT_USAGE;
	ps.name = argv[0];
	rc = parse_pairs(argc - 1, argv + 1, false, &ps);
	if (rc)
		return rc;
	resctl_pset_flag_bits(&ps);
	return resctl_nl_call(DWCP_RES_CMD_POLICY_SET, 0, resctl_pset_fill, &ps, NULL, NULL);
}

/*
 * A policy with calls in flight (admitted, or waiting in its bulkhead) is
 * in use: "policy del" refuses it unless --force is given. The kernel
 * itself lets a policy go while in use (its users keep their reference,
 * see resctl(8)); the check is resctl's, to keep an operator from pulling
 * a policy out from under live traffic by mistake.
 */
int cmd_policy_del(int argc, char **argv)
{
	struct resctl_policy *v;
	bool force = false;
	uint64_t busy;
	size_t n;
	int rc;

	/* One spelling documented; ip's single dash is taken too. */
	if (argc == 2 && (!strcmp(argv[0], "--force") || !strcmp(argv[0], "-force"))) {
		force = true;
		argc--;
		argv++;
	}
	if (argc != 1)
		return resctl_usage_of("policy", "del");
	if (!resctl_name_ok(argv[0]))
		return RESCTL_EXIT_USAGE;
	if (!force) {
		rc = resctl_policy_fetch(argv[0], &v, &n);
		if (rc)
			return rc;
		busy = v->st[DWCP_RES_S_INFLIGHT] + v->st[DWCP_RES_S_BULKHEAD_QUEUED];
		free(v);
		if (busy) {
			fprintf(stderr, "resctl: policy \"%s\" is in use: %llu calls in flight or queued; nothing deleted (--force deletes it anyway, its users keep it until they let go)\n",
				argv[0], (unsigned long long)busy);
			return RESCTL_EXIT_FAIL;
		}
	}
	return resctl_nl_call(DWCP_RES_CMD_POLICY_DEL, 0, fill_name, argv[0], NULL, NULL);
}

/* ---- "apply": the JSON of "policy show -j" ---- */

int resctl_priority_of(const char *s)
{
	uint64_t v;

	return match_name(prio_names, N(prio_names), s, &v) ? -1 : (int)v;
}

static const struct pkey *find_json_key(const char *group, const char *key)
{
	size_t i;

	for (i = 0; i < N(pkeys); i++)
		if (!strcmp(pkeys[i].group, group) && !strcmp(pkeys[i].json, key))
			return &pkeys[i];
	return NULL;
}

static bool known_group(const char *group)
{
	size_t i;

	for (i = 0; i < N(cgroups); i++)
		if (!strcmp(cgroups[i], group))
			return true;
	return false;
}

/* One value of the config object: raw as printed, or in resctl's units. */
static int json_value(const struct pkey *k, struct json_object *val, const char *at,
		      uint64_t *v)
{
	enum json_type t = json_object_get_type(val);
	int64_t i;
	uint64_t u;

	if (k->type == V_FLAG) {
		if (t != json_type_boolean)
			return resctl_usage_err("%s: expected true or false", at);
		*v = json_object_get_boolean(val);
		return 0;
	}
	if (t == json_type_string) {
		if (parse_value(k, json_object_get_string(val), v)) {
			fprintf(stderr, "resctl: (at %s)\n", at);
			return RESCTL_EXIT_USAGE;
		}
		return 0;
	}
	if (k->type == V_PRIORITY || k->type == V_MODE || k->type == V_BIND)
		return resctl_usage_err("%s: expected one of %s", at, vtype_help(k->type));
	if (t != json_type_int)
		return resctl_usage_err("%s: expected an integer (or a string such as \"%s\")",
					at, vtype_short(k->type));
	errno = 0;
	i = json_object_get_int64(val);
	if (i < 0 || errno)
		return resctl_usage_err("%s: out of range, must be 0 or more", at);
	/* Above INT64_MAX, get_int64 says INT64_MAX: read u64 values whole. */
	u = json_object_get_uint64(val);
	if (errno)
		return resctl_usage_err("%s: out of range, at most %llu", at,
					(unsigned long long)UINT64_MAX);
	if (!vtype_u64(k->type) && u > UINT32_MAX)
		return resctl_usage_err("%s: out of range, at most %u", at, UINT32_MAX);
	*v = u;
	return 0;
}

int resctl_pset_from_json(struct resctl_pset *ps, struct json_object *config,
			  const char *where)
{
	char at[256];

	if (!json_object_is_type(config, json_type_object))
		return resctl_usage_err("%s.config: expected an object of groups", where);
	json_object_object_foreach(config, group, keys) {
		if (!known_group(group))
			return resctl_usage_err("%s.config: unknown group \"%s\" (groups: general breaker rate bulkhead retry timeout slo)",
						where, group);
		if (!json_object_is_type(keys, json_type_object))
			return resctl_usage_err("%s.config.%s: expected an object", where, group);
		json_object_object_foreach(keys, key, val) {
			const struct pkey *k = find_json_key(group, key);
			uint64_t v;
			int err;

			snprintf(at, sizeof(at), "%s.config.%s.%s", where, group, key);
			if (!k)
				return resctl_usage_err("%s: unknown key (\"resctl -j policy show send\" shows them all)",
							at);
			err = json_value(k, val, at, &v);
			if (err)
				return err;
			if (k->type == V_FLAG) {
				ps->fset &= ~k->flag;
				ps->fclear &= ~k->flag;
				if (v)
					ps->fset |= k->flag;
				else
					ps->fclear |= k->flag;
			} else {
				ps->val[k->attr] = v;
				ps->has[k->attr] = true;
			}
		}
	}
	return 0;
}

bool resctl_pset_same(const struct resctl_pset *ps, const struct resctl_policy *cur)
{
	uint32_t flags = (uint32_t)cur->cfg[DWCP_RES_P_FLAGS];
	int i;

	for (i = 0; i <= DWCP_RES_P_MAX; i++)
		if (ps->has[i] && (!cur->has_cfg[i] || cur->cfg[i] != ps->val[i]))
			return false;
	return ((flags & ~ps->fclear) | ps->fset) == flags;
}
