// SPDX-License-Identifier: GPL-2.0
/*
 * resctl health [list]|show|add|set|del: the namespace's health checks.
 * The kernel runs them (built-in ones and threshold checks over a metric);
 * a check that stays outside [min, max] for "fall" runs in a row turns
 * unhealthy and asks for its level until "rise" good runs bring it back.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/dwcp_res.h>

#include "health.h"
#include "nl.h"
#include "print.h"
#include "prom.h"
#include "resctl.h"
#include "units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* How a metric's values are written: the unit of min, max and value. */
enum hunit { HU_COUNT, HU_PPM, HU_NS, HU_X1000 };

static const struct {
	const char *name;
	enum hunit unit;
	const char *help;
} metrics[__DWCP_RES_METRIC_MAX] = {
	[DWCP_RES_METRIC_ERROR_RATE_PPM] = { "error-rate", HU_PPM,
		"failed calls / calls over the error-rate window (%)" },
	[DWCP_RES_METRIC_CALLS] = { "calls", HU_COUNT,
		"completed calls over the error-rate window" },
	[DWCP_RES_METRIC_LATENCY_P95_NS] = { "latency-p95", HU_NS,
		"a policy's P95 latency over the last tick" },
	[DWCP_RES_METRIC_LATENCY_OVER] = { "latency-over", HU_COUNT,
		"policies whose P95 is over their latency target" },
	[DWCP_RES_METRIC_BUDGET_REMAINING_PPM] = { "budget-remaining", HU_PPM,
		"error budget left (%)" },
	[DWCP_RES_METRIC_BURN_RATE] = { "burn-rate", HU_X1000,
		"error budget burn rate over the page-fast long window" },
	[DWCP_RES_METRIC_BREAKERS_OPEN] = { "breakers-open", HU_COUNT,
		"open or forced-open circuit breakers" },
	[DWCP_RES_METRIC_TRANSPORT_ERRORS] = { "transport-errors", HU_COUNT,
		"resets, refusals, timeouts, broken pipes over the window" },
	[DWCP_RES_METRIC_INFLIGHT] = { "inflight", HU_COUNT,
		"calls admitted and not yet completed" },
};

void health_print_metrics(FILE *out)
{
	size_t i;

	fprintf(out, "\nhealth check METRICs (min and max are in the metric's unit):\n");
	for (i = 0; i < N(metrics); i++)
		fprintf(out, "    %-18s %s\n", metrics[i].name, metrics[i].help);
}

int resctl_metric_parse(const char *s, uint32_t *m)
{
	uint32_t i;

	for (i = 0; i < N(metrics); i++) {
		if (!strcmp(s, metrics[i].name)) {
			*m = i;
			return 0;
		}
	}
	return -EINVAL;
}

const char *resctl_metric_name(uint64_t m)
{
	return m < N(metrics) ? metrics[m].name : "unknown";
}

static int value_parse(enum hunit u, const char *s, int64_t *v)
{
	uint64_t x = 0;
	uint32_t y = 0;
	int err;

	switch (u) {
	case HU_PPM:
		err = units_parse_ppm(s, &y);
		x = y;
		break;
	case HU_NS:
		err = units_parse_duration(s, &x);
		break;
	case HU_X1000:
		err = units_parse_factor(s, &y);
		x = y;
		break;
	default:
		err = units_parse_u64(s, &x);
		break;
	}
	if (err || x > INT64_MAX)
		return -EINVAL;
	*v = (int64_t)x;
	return 0;
}

static const char *value_fmt(enum hunit u, int64_t v, char *buf)
{
	if (v < 0) {
		snprintf(buf, UNITS_BUF, "%lld", (long long)v);
		return buf;
	}
	switch (u) {
	case HU_PPM:
		return units_fmt_ppm(buf, (uint64_t)v);
	case HU_NS:
		return units_fmt_duration(buf, (uint64_t)v);
	case HU_X1000:
		return units_fmt_factor(buf, (uint64_t)v);
	default:
		snprintf(buf, UNITS_BUF, "%lld", (long long)v);
		return buf;
	}
}

static const char *value_help(enum hunit u)
{
	switch (u) {
	case HU_PPM:
		return "a percentage such as 1% or 0.1%";
	case HU_NS:
		return UNITS_HELP_DURATION;
	case HU_X1000:
		return "a factor such as 14.4";
	default:
		return "a non-negative integer";
	}
}

static enum hunit check_unit(const struct resctl_hc_live *c)
{
	uint64_t m = c->v[DWCP_RES_HC_METRIC];

	return m < N(metrics) ? metrics[m].unit : HU_COUNT;
}

static void print_check(const struct resctl_hc_live *c)
{
	enum hunit u = check_unit(c);
	char buf[UNITS_BUF];
	const char *lvl = prom_level_name((unsigned int)c->v[DWCP_RES_HC_LEVEL]);

	print_open(NULL, NULL);
	print_str("name", "check", c->name);
	print_str("metric", "metric", resctl_metric_name(c->v[DWCP_RES_HC_METRIC]));
	print_str("policy", "policy", c->policy[0] ? c->policy : "all");
	print_bool("healthy", "healthy", c->v[DWCP_RES_HC_HEALTHY]);
	print_bool("enabled", "enabled", c->v[DWCP_RES_HC_ENABLED]);
	print_bool("builtin", "builtin", c->v[DWCP_RES_HC_BUILTIN]);
	if (resctl_opts.json) {
		print_s64("value", NULL, resctl_hc_s64(c, DWCP_RES_HC_VALUE));
		print_s64("min", NULL, resctl_hc_s64(c, DWCP_RES_HC_VALUE_MIN));
		print_s64("max", NULL, resctl_hc_s64(c, DWCP_RES_HC_VALUE_MAX));
	} else {
		print_str(NULL, "value", value_fmt(u, resctl_hc_s64(c, DWCP_RES_HC_VALUE), buf));
		print_str(NULL, "min", value_fmt(u, resctl_hc_s64(c, DWCP_RES_HC_VALUE_MIN), buf));
		print_str(NULL, "max", value_fmt(u, resctl_hc_s64(c, DWCP_RES_HC_VALUE_MAX), buf));
	}
	print_unit("interval_ns", "interval", c->v[DWCP_RES_HC_INTERVAL_NS],
		   units_fmt_duration(buf, c->v[DWCP_RES_HC_INTERVAL_NS]));
	print_unit("timeout_ns", "timeout", c->v[DWCP_RES_HC_TIMEOUT_NS],
		   units_fmt_duration(buf, c->v[DWCP_RES_HC_TIMEOUT_NS]));
	print_u64("rise", "rise", c->v[DWCP_RES_HC_RISE]);
	print_u64("fall", "fall", c->v[DWCP_RES_HC_FALL]);
	print_str("level", "level", lvl ? lvl : "unknown");
	print_u64("consecutive", "consecutive", c->v[DWCP_RES_HC_CONSECUTIVE]);
	print_u64("checks", "checks", c->v[DWCP_RES_HC_CHECKS]);
	print_u64("failures", "failures", c->v[DWCP_RES_HC_FAILURES]);
	print_u64("timeouts", "timeouts", c->v[DWCP_RES_HC_TIMEOUTS]);
	print_u64("transitions", "transitions", c->v[DWCP_RES_HC_TRANSITIONS]);
	print_unit("since_ns", "since", c->v[DWCP_RES_HC_SINCE_NS],
		   units_fmt_duration(buf, c->v[DWCP_RES_HC_SINCE_NS] / 1000000 * 1000000));
	print_close();
}

int cmd_health_list(int argc, char **argv)
{
	static const struct print_col cols[] = {
		{ "CHECK", 16, false },
		{ "STATE", 9, false },
		{ "METRIC", 16, false },
		{ "POLICY", 10, false },
		{ "VALUE", 10, true },
		{ "MAX", 10, true },
		{ "LEVEL", 17, false },
	};
	struct resctl_hc_list l = { 0 };
	char buf[UNITS_BUF];
	size_t i, bad = 0;
	int rc;

	(void)argv;
	if (argc)
		return resctl_usage_of("health", "list");
	rc = resctl_health_get(NULL, &l);
	if (rc)
		goto out;
	for (i = 0; i < l.n; i++)
		bad += l.v[i].v[DWCP_RES_HC_ENABLED] && !l.v[i].v[DWCP_RES_HC_HEALTHY];
	print_open(NULL, NULL);
	print_bool("healthy", "healthy", !bad);
	print_u64("unhealthy_checks", "unhealthy checks", bad);
	print_table_open("checks", cols, N(cols));
	for (i = 0; i < l.n; i++) {
		const struct resctl_hc_live *c = &l.v[i];
		const char *lvl = prom_level_name((unsigned int)c->v[DWCP_RES_HC_LEVEL]);

		print_row_open();
		print_str("name", "check", c->name);
		print_str("state", "state", !c->v[DWCP_RES_HC_ENABLED] ? "disabled" :
			  c->v[DWCP_RES_HC_HEALTHY] ? "healthy" : "UNHEALTHY");
		print_str("metric", "metric", resctl_metric_name(c->v[DWCP_RES_HC_METRIC]));
		print_str("policy", "policy", c->policy[0] ? c->policy : "all");
		if (resctl_opts.json) {
			print_s64("value", NULL, resctl_hc_s64(c, DWCP_RES_HC_VALUE));
			print_s64("max", NULL, resctl_hc_s64(c, DWCP_RES_HC_VALUE_MAX));
		} else {
			print_str(NULL, "value", value_fmt(check_unit(c), resctl_hc_s64(c, DWCP_RES_HC_VALUE), buf));
			print_str(NULL, "max", value_fmt(check_unit(c), resctl_hc_s64(c, DWCP_RES_HC_VALUE_MAX), buf));
		}
		print_str("level", "level", lvl ? lvl : "unknown");
		print_row_close();
	}
	print_table_close();
	print_flush();
out:
	free(l.v);
	return rc;
}

int cmd_health_show(int argc, char **argv)
{
	struct resctl_hc_list l = { 0 };
	int rc;

	if (argc != 1)
		return resctl_usage_of("health", "show");
	if (!resctl_name_ok(argv[0]))
		return resctl_usage_err("bad check name \"%s\"", argv[0]);
	rc = resctl_health_get(argv[0], &l);
	if (!rc && l.n == 1) {
		print_check(&l.v[0]);
		print_flush();
	}
	free(l.v);
	return rc;
}

/* What "health add/set" sends. */
struct hreq {
	const char *name;
	const char *policy;
	uint32_t metric;
	bool has_metric;
	bool has[DWCP_RES_HC_MAX + 1];
	int64_t min, max;
	uint64_t u[DWCP_RES_HC_MAX + 1];
	const char *min_s, *max_s;	/* parsed once the metric is known */
};

static int fill_req(struct nl_msg *msg, void *arg)
{
	const struct hreq *r = arg;
	struct nlattr *nest = nla_nest_start(msg, DWCP_RES_A_HEALTH);
	int rc = 0;

	if (!nest || nla_put_string(msg, DWCP_RES_HC_NAME, r->name) < 0)
		return -1;
	if (r->has_metric)
		rc |= nla_put_u32(msg, DWCP_RES_HC_METRIC, r->metric);
	if (r->policy)
		rc |= nla_put_string(msg, DWCP_RES_HC_POLICY, r->policy);
	if (r->has[DWCP_RES_HC_VALUE_MIN])
		rc |= nla_put_s64(msg, DWCP_RES_HC_VALUE_MIN, r->min);
	if (r->has[DWCP_RES_HC_VALUE_MAX])
		rc |= nla_put_s64(msg, DWCP_RES_HC_VALUE_MAX, r->max);
	if (r->has[DWCP_RES_HC_INTERVAL_NS])
		rc |= nla_put_u64(msg, DWCP_RES_HC_INTERVAL_NS, r->u[DWCP_RES_HC_INTERVAL_NS]);
	if (r->has[DWCP_RES_HC_TIMEOUT_NS])
		rc |= nla_put_u64(msg, DWCP_RES_HC_TIMEOUT_NS, r->u[DWCP_RES_HC_TIMEOUT_NS]);
	if (r->has[DWCP_RES_HC_RISE])
		rc |= nla_put_u32(msg, DWCP_RES_HC_RISE, (uint32_t)r->u[DWCP_RES_HC_RISE]);
	if (r->has[DWCP_RES_HC_FALL])
		rc |= nla_put_u32(msg, DWCP_RES_HC_FALL, (uint32_t)r->u[DWCP_RES_HC_FALL]);
	if (r->has[DWCP_RES_HC_LEVEL])
		rc |= nla_put_u32(msg, DWCP_RES_HC_LEVEL, (uint32_t)r->u[DWCP_RES_HC_LEVEL]);
	if (r->has[DWCP_RES_HC_ENABLED])
		rc |= nla_put_u8(msg, DWCP_RES_HC_ENABLED, (uint8_t)r->u[DWCP_RES_HC_ENABLED]);
	nla_nest_end(msg, nest);
	return rc < 0 ? -1 : 0;
}

static int parse_onoff(const char *s, uint64_t *v)
{
	if (!strcmp(s, "on") || !strcmp(s, "yes") || !strcmp(s, "1"))
		*v = 1;
	else if (!strcmp(s, "off") || !strcmp(s, "no") || !strcmp(s, "0"))
		*v = 0;
	else
		return -EINVAL;
	return 0;
}

#define HEALTH_SET_KEYS "min, max, interval, timeout, rise, fall, level, enabled"
#define HEALTH_KEYS "metric, policy, " HEALTH_SET_KEYS

/* KEY VALUE pairs of "health add/set"; @add allows metric and policy. */
static int parse_req(struct hreq *r, int argc, char **argv, bool add,
		     enum hunit set_unit)
{
	int i;

	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint32_t x32;
		int at = -1;

		if (!v)
			return resctl_usage_err("%s needs a value", k);
		if (!strcmp(k, "metric") && add) {
			if (resctl_metric_parse(v, &r->metric))
				return resctl_usage_err("unknown metric \"%s\"; see resctl help health", v);
			at = DWCP_RES_HC_METRIC;
			r->has_metric = true;
		} else if (!strcmp(k, "policy") && add) {
			if (!resctl_name_ok(v))
				return resctl_usage_err("bad policy name \"%s\"", v);
			r->policy = v;
			at = DWCP_RES_HC_POLICY;
		} else if (!strcmp(k, "min")) {
			r->min_s = v;
			at = DWCP_RES_HC_VALUE_MIN;
		} else if (!strcmp(k, "max")) {
			r->max_s = v;
			at = DWCP_RES_HC_VALUE_MAX;
		} else if (!strcmp(k, "interval") || !strcmp(k, "timeout")) {
			at = k[0] == 'i' ? DWCP_RES_HC_INTERVAL_NS : DWCP_RES_HC_TIMEOUT_NS;
			if (units_parse_duration(v, &r->u[at]))
				return resctl_usage_err("%s: bad value \"%s\", expected %s",
							k, v, UNITS_HELP_DURATION);
		} else if (!strcmp(k, "rise") || !strcmp(k, "fall")) {
			at = k[0] == 'r' ? DWCP_RES_HC_RISE : DWCP_RES_HC_FALL;
			if (units_parse_u32(v, &x32))
				return resctl_usage_err("%s: bad value \"%s\", expected a count", k, v);
			r->u[at] = x32;
		} else if (!strcmp(k, "level")) {
			at = DWCP_RES_HC_LEVEL;
			if (resctl_parse_level(v, &x32))
				return resctl_usage_err("level: unknown level \"%s\"", v);
			r->u[at] = x32;
		} else if (!strcmp(k, "enabled")) {
			at = DWCP_RES_HC_ENABLED;
			if (parse_onoff(v, &r->u[at]))
				return resctl_usage_err("enabled: expected on or off, not \"%s\"", v);
		} else {
			return resctl_usage_err("unknown key \"%s\"; keys are %s", k,
						add ? HEALTH_KEYS : HEALTH_SET_KEYS);
		}
		if (r->has[at])
			return resctl_usage_err("%s given twice", k);
		r->has[at] = true;
	}
	if (add && !r->has_metric)
		return resctl_usage_err("health add needs a metric; see resctl help health");
	if (add)
		set_unit = metrics[r->metric].unit;
	if (r->min_s && value_parse(set_unit, r->min_s, &r->min))
		return resctl_usage_err("min: bad value \"%s\", expected %s", r->min_s,
					value_help(set_unit));
	if (r->max_s && value_parse(set_unit, r->max_s, &r->max))
		return resctl_usage_err("max: bad value \"%s\", expected %s", r->max_s,
					value_help(set_unit));
	return 0;
}

int cmd_health_add(int argc, char **argv)
{
	struct hreq r = { 0 };
	int rc;

	if (argc < 3)
		return resctl_usage_of("health", "add");
	if (!resctl_name_ok(argv[0]))
		return resctl_usage_err("bad check name \"%s\"", argv[0]);
	r.name = argv[0];
	rc = parse_req(&r, argc - 1, argv + 1, true, HU_COUNT);
	if (rc)
		return rc;
	return resctl_nl_call(DWCP_RES_CMD_HEALTH_NEW, 0, fill_req, &r, NULL, NULL);
}

int cmd_health_set(int argc, char **argv)
{
	struct hreq r = { 0 };
	struct resctl_hc_list l = { 0 };
	enum hunit u = HU_COUNT;
	int rc;

	if (argc < 3)
		return resctl_usage_of("health", "set");
	if (!resctl_name_ok(argv[0]))
		return resctl_usage_err("bad check name \"%s\"", argv[0]);
	/* min and max are in the check's metric's unit: ask for it first. */
	rc = resctl_health_get(argv[0], &l);
	if (rc)
		return rc;
	if (l.n == 1)
		u = check_unit(&l.v[0]);
	free(l.v);
	r.name = argv[0];
	rc = parse_req(&r, argc - 1, argv + 1, false, u);
	if (rc)
		return rc;
	return resctl_nl_call(DWCP_RES_CMD_HEALTH_SET, 0, fill_req, &r, NULL, NULL);
}

int cmd_health_del(int argc, char **argv)
{
	if (argc != 1)
		return resctl_usage_of("health", "del");
	if (!resctl_name_ok(argv[0]))
		return resctl_usage_err("bad check name \"%s\"", argv[0]);
	return resctl_nl_call(DWCP_RES_CMD_HEALTH_DEL, 0, resctl_health_fill_name, argv[0],
			      NULL, NULL);
}
