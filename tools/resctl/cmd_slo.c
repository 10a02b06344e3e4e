// SPDX-License-Identifier: GPL-2.0
/*
 * resctl slo show|set: the error budgets, each policy's and the "system"
 * one that sums them all. "show" prints the SLO and where the rolling
 * window stands: success ratio, budget left, burn rates of the three SRE
 * alert pairs and the alerts firing; "set" changes the SLO and keeps the
 * window's events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/dwcp_res.h>

#include "names.h"
#include "nl.h"
#include "print.h"
#include "resctl.h"
#include "units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct budget {
	char name[DWCP_RES_NAME_MAX];
	uint64_t b[DWCP_RES_B_MAX + 1];
};

struct blist {
	struct budget *v;
	size_t n;
};

static int budget_reply(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *b[DWCP_RES_B_MAX + 1];
	struct blist *l = arg;
	struct budget *x, *nv;
	int i;

	(void)nlh;
	if (!tb[DWCP_RES_A_POLICY_NAME] || !tb[DWCP_RES_A_BUDGET] ||
	    nla_parse_nested(b, DWCP_RES_B_MAX, tb[DWCP_RES_A_BUDGET], NULL))
		return 0;
	nv = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	if (!nv)
		return -ENOMEM;
	l->v = nv;
	x = &l->v[l->n++];
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", nla_get_string(tb[DWCP_RES_A_POLICY_NAME]));
	for (i = 0; i <= DWCP_RES_B_MAX; i++)
		resctl_attr_uint(b[i], &x->b[i]);
	return 0;
}

static int fill_name(struct nl_msg *msg, void *arg)
{
	return nla_put_string(msg, DWCP_RES_A_POLICY_NAME, arg) < 0 ? -1 : 0;
}

static void print_burn(const char *key, const char *label, uint64_t x1000)
{
	char buf[UNITS_BUF];

	print_unit(key, label, x1000, units_fmt_factor(buf, x1000));
}

/* A policy's latency budget: P95 <= target over its window. */
static void print_latency_budget(const uint64_t *b)
{
	char buf[UNITS_BUF];

	print_open("latency", "latency budget");
	print_unit("target_ns", "p95 target", b[DWCP_RES_B_LATENCY_TARGET_NS],
		   units_fmt_duration(buf, b[DWCP_RES_B_LATENCY_TARGET_NS]));
	print_unit("window_ns", "window", b[DWCP_RES_B_LATENCY_WINDOW_NS],
		   units_fmt_duration(buf, b[DWCP_RES_B_LATENCY_WINDOW_NS]));
	print_u64("total", "calls", b[DWCP_RES_B_LATENCY_TOTAL]);
	print_u64("exceeding", "over target", b[DWCP_RES_B_LATENCY_EXCEEDING]);
	print_unit("compliance_ppm", "compliance", b[DWCP_RES_B_LATENCY_COMPLIANCE_PPM],
		   units_fmt_ppm(buf, b[DWCP_RES_B_LATENCY_COMPLIANCE_PPM]));
	print_unit("p95_ns", "p95", b[DWCP_RES_B_LATENCY_P95_NS],
		   units_fmt_duration(buf, b[DWCP_RES_B_LATENCY_P95_NS]));
	print_bool("exhausted", "exhausted", b[DWCP_RES_B_LATENCY_EXHAUSTED]);
	print_close();
}

static void print_budget(const struct budget *x)
{
	const uint64_t *b = x->b;
	char buf[UNITS_BUF], al[64];

	print_open(NULL, NULL);
	print_str("name", "budget", x->name);
	print_unit("slo_ppm", "target", b[DWCP_RES_B_SLO_PPM],
		   units_fmt_ppm(buf, b[DWCP_RES_B_SLO_PPM]));
	print_unit("window_ns", "window", b[DWCP_RES_B_WINDOW_NS],
		   units_fmt_duration(buf, b[DWCP_RES_B_WINDOW_NS]));
	print_u64("buckets", "buckets", b[DWCP_RES_B_BUCKETS]);
	print_u64("min_events", "min-events", b[DWCP_RES_B_MIN_EVENTS]);
	print_u64("total", "events", b[DWCP_RES_B_TOTAL]);
	print_u64("bad", "failures", b[DWCP_RES_B_BAD]);
	print_unit("success_ppm", "success", b[DWCP_RES_B_SUCCESS_PPM],
		   units_fmt_ppm(buf, b[DWCP_RES_B_SUCCESS_PPM]));
	print_unit("remaining_ppm", "remaining", b[DWCP_RES_B_REMAINING_PPM],
		   units_fmt_ppm(buf, b[DWCP_RES_B_REMAINING_PPM]));
	print_bool("exhausted", "exhausted", b[DWCP_RES_B_EXHAUSTED]);
	if (resctl_opts.json)
		print_u64("alerts", NULL, b[DWCP_RES_B_ALERTS]);
	else
		print_str(NULL, "alerts", resctl_alert_names(b[DWCP_RES_B_ALERTS], al, sizeof(al)));
	print_u64("alerts_fired", "alerts fired", b[DWCP_RES_B_ALERTS_FIRED]);
	print_burn("burn_fast_long_x1000", "burn page-fast long", b[DWCP_RES_B_BURN_FAST_LONG]);
	print_burn("burn_fast_short_x1000", "burn page-fast short", b[DWCP_RES_B_BURN_FAST_SHORT]);
	print_burn("burn_slow_long_x1000", "burn page-slow long", b[DWCP_RES_B_BURN_SLOW_LONG]);
	print_burn("burn_slow_short_x1000", "burn page-slow short", b[DWCP_RES_B_BURN_SLOW_SHORT]);
	print_burn("burn_ticket_long_x1000", "burn ticket long", b[DWCP_RES_B_BURN_TICKET_LONG]);
	print_burn("burn_ticket_short_x1000", "burn ticket short",
		   b[DWCP_RES_B_BURN_TICKET_SHORT]);
	print_u64("life_total", "lifetime events", b[DWCP_RES_B_LIFE_TOTAL]);
	print_u64("life_bad", "lifetime failures", b[DWCP_RES_B_LIFE_BAD]);
	if (b[DWCP_RES_B_LATENCY_TARGET_NS])
		print_latency_budget(b);
	print_close();
}

int cmd_slo_show(int argc, char **argv)
{
	static const struct print_col cols[] = {
		{ "BUDGET", 16, false },
		{ "TARGET", 8, true },
		{ "WINDOW", 8, true },
		{ "SUCCESS", 9, true },
		{ "REMAINING", 9, true },
		{ "BURN", 7, true },
		{ "ALERTS", 20, false },
	};
	struct blist l = { 0 };
	char buf[UNITS_BUF], al[64];
	size_t i;
	int rc;

	if (argc > 1)
		return resctl_usage_of("slo", "show");
	if (argc == 1 && !resctl_name_ok(argv[0]))
		return resctl_usage_err("bad budget name \"%s\"", argv[0]);
	rc = resctl_nl_call(DWCP_RES_CMD_BUDGET_GET, argc ? 0 : NLM_F_DUMP,
			    argc ? fill_name : NULL, argc ? argv[0] : NULL,
			    budget_reply, &l);
	if (rc)
		goto out;
	if (argc) {
		if (l.n)
			print_budget(&l.v[0]);
		print_flush();
		goto out;
	}
	print_open(NULL, NULL);
	print_table_open("budgets", cols, N(cols));
	for (i = 0; i < l.n; i++) {
		const uint64_t *b = l.v[i].b;

		print_row_open();
		print_str("name", "budget", l.v[i].name);
		print_unit("slo_ppm", "target", b[DWCP_RES_B_SLO_PPM],
			   units_fmt_ppm(buf, b[DWCP_RES_B_SLO_PPM]));
		print_unit("window_ns", "window", b[DWCP_RES_B_WINDOW_NS],
			   units_fmt_duration(buf, b[DWCP_RES_B_WINDOW_NS]));
		print_unit("success_ppm", "success", b[DWCP_RES_B_SUCCESS_PPM],
			   units_fmt_ppm(buf, b[DWCP_RES_B_SUCCESS_PPM]));
		print_unit("remaining_ppm", "remaining", b[DWCP_RES_B_REMAINING_PPM],
			   units_fmt_ppm(buf, b[DWCP_RES_B_REMAINING_PPM]));
		print_burn("burn_fast_long_x1000", "burn", b[DWCP_RES_B_BURN_FAST_LONG]);
		if (resctl_opts.json)
			print_u64("alerts", NULL, b[DWCP_RES_B_ALERTS]);
		else
			print_str(NULL, "alerts",
				  resctl_alert_names(b[DWCP_RES_B_ALERTS], al, sizeof(al)));
		print_row_close();
	}
	print_table_close();
	print_flush();
out:
	free(l.v);
	return rc;
}

struct slo_req {
	const char *name;
	bool has[DWCP_RES_B_MAX + 1];
	uint64_t v[DWCP_RES_B_MAX + 1];
};

static int fill_set(struct nl_msg *msg, void *arg)
{
	const struct slo_req *r = arg;
	struct nlattr *nest;
	int rc = 0;

	if (nla_put_string(msg, DWCP_RES_A_POLICY_NAME, r->name) < 0)
		return -1;
	nest = nla_nest_start(msg, DWCP_RES_A_BUDGET);
	if (!nest)
		return -1;
	if (r->has[DWCP_RES_B_SLO_PPM])
		rc |= nla_put_u32(msg, DWCP_RES_B_SLO_PPM, (uint32_t)r->v[DWCP_RES_B_SLO_PPM]);
	if (r->has[DWCP_RES_B_WINDOW_NS])
		rc |= nla_put_u64(msg, DWCP_RES_B_WINDOW_NS, r->v[DWCP_RES_B_WINDOW_NS]);
	if (r->has[DWCP_RES_B_BUCKETS])
		rc |= nla_put_u32(msg, DWCP_RES_B_BUCKETS, (uint32_t)r->v[DWCP_RES_B_BUCKETS]);
	if (r->has[DWCP_RES_B_MIN_EVENTS])
		rc |= nla_put_u32(msg, DWCP_RES_B_MIN_EVENTS,
				  (uint32_t)r->v[DWCP_RES_B_MIN_EVENTS]);
	nla_nest_end(msg, nest);
	return rc < 0 ? -1 : 0;
}

#define SLO_KEYS "target, window, buckets, min-events"

int cmd_slo_set(int argc, char **argv)
{
	struct slo_req r = { 0 };
	int i;

	if (argc < 3 || !(argc % 2))
		return resctl_usage_of("slo", "set");
	if (!resctl_name_ok(argv[0]))
		return resctl_usage_err("bad budget name \"%s\"", argv[0]);
	r.name = argv[0];
	for (i = 1; i < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		uint32_t x32 = 0;
		int at, err;

		if (!strcmp(k, "target")) {
			at = DWCP_RES_B_SLO_PPM;
			err = units_parse_ppm(v, &x32);
			r.v[at] = x32;
		} else if (!strcmp(k, "window")) {
			at = DWCP_RES_B_WINDOW_NS;
			err = units_parse_duration(v, &r.v[at]);
		} else if (!strcmp(k, "buckets")) {
			at = DWCP_RES_B_BUCKETS;
			err = units_parse_u32(v, &x32);
			r.v[at] = x32;
		} else if (!strcmp(k, "min-events")) {
			at = DWCP_RES_B_MIN_EVENTS;
			err = units_parse_u32(v, &x32);
			r.v[at] = x32;
		} else {
			return resctl_usage_err("unknown key \"%s\"; keys are " SLO_KEYS, k);
		}
		if (err)
			return resctl_usage_err("%s: bad value \"%s\"", k, v);
		if (r.has[at])
			return resctl_usage_err("%s given twice", k);
		r.has[at] = true;
	}
	return resctl_nl_call(DWCP_RES_CMD_BUDGET_SET, 0, fill_set, &r, NULL, NULL);
}
