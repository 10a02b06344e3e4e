// SPDX-License-Identifier: GPL-2.0
/*
 * resctl metrics [POLICY] [--format text|json|prometheus] [--interval DUR]
 *                [--output FILE]
 *
 * Every policy's counters, ratios, limits and latency (percentiles and the
 * kernel's lifetime histogram). With --interval, two snapshots that far
 * apart give per-second rates. --format prometheus writes the Prometheus
 * text exposition format (prom.c); with --output the file is written next
 * to FILE and renamed over it, as node_exporter's textfile collector needs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/dwcp_res.h>

#include "nl.h"
#include "policy.h"
#include "print.h"
#include "prom.h"
#include "resctl.h"
#include "units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- snapshot ---- */

static int parse_info(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct prom_system *sys = arg;

	(void)nlh;
	if (tb[DWCP_RES_A_INFO_VERSION])
		nla_strlcpy(sys->version, tb[DWCP_RES_A_INFO_VERSION], sizeof(sys->version));
	if (tb[DWCP_RES_A_INFO_CHAOS_ALLOWED])
		sys->chaos_allowed = !!nla_get_u8(tb[DWCP_RES_A_INFO_CHAOS_ALLOWED]);
	resctl_attr_uint(tb[DWCP_RES_A_INFO_FEATURES], &sys->features);
	return 0;
}

static int parse_chaos(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct prom_system *sys = arg;

	(void)nlh;
	if (tb[DWCP_RES_A_CHAOS_ENABLED])
		sys->chaos_enabled = !!nla_get_u8(tb[DWCP_RES_A_CHAOS_ENABLED]);
	return 0;
}

/* DWCP_RES_S_LATENCY_HIST: LE_NS, COUNT pairs in order. */
static void parse_hist(const struct nlattr *nest, struct prom_hist *h)
{
	const struct nlattr *a;
	bool have_le = false;
	uint64_t le = 0, v;
	int rem;

	h->n = 0;
	nla_for_each_nested(a, nest, rem) {
		if (!resctl_attr_uint(a, &v))
			continue;
		if (nla_type(a) == DWCP_RES_H_LE_NS) {
			le = v;
			have_le = true;
		} else if (nla_type(a) == DWCP_RES_H_COUNT && have_le &&
			   h->n < PROM_HIST_MAX) {
			h->le_ns[h->n] = le;
			h->cum[h->n++] = v;
			have_le = false;
		}
	}
}

struct snap {
	struct prom_policy *v;
	size_t n, cap;
};

static int parse_policy(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *stb[DWCP_RES_S_MAX + 1];
	struct snap *s = arg;
	struct resctl_policy rp;
	struct prom_policy *p;

	(void)nlh;
	if (resctl_policy_parse(tb, &rp))
		return -EPROTO;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 8;
		struct prom_policy *v = realloc(s->v, cap * sizeof(*v));

		if (!v) {
			fprintf(stderr, "resctl: out of memory\n");
			return -ENOMEM;
		}
		s->v = v;
		s->cap = cap;
	}
	p = &s->v[s->n++];
	memset(p, 0, sizeof(*p));
	memcpy(p->name, rp.name, sizeof(p->name));
	memcpy(p->cfg, rp.cfg, sizeof(p->cfg));
	memcpy(p->has_cfg, rp.has_cfg, sizeof(p->has_cfg));
	memcpy(p->st, rp.st, sizeof(p->st));
	memcpy(p->has_st, rp.has_st, sizeof(p->has_st));
	/* The nest is not a number, whatever its length happens to be. */
	p->has_st[DWCP_RES_S_LATENCY_HIST] = false;
	if (tb[DWCP_RES_A_STATS] &&
	    !nla_parse_nested(stb, DWCP_RES_S_MAX, tb[DWCP_RES_A_STATS], NULL) &&
	    stb[DWCP_RES_S_LATENCY_HIST])
		parse_hist(stb[DWCP_RES_S_LATENCY_HIST], &p->hist);
	return 0;
}

struct degrade_arg {
	struct prom_system *sys;
	struct prom_engine *eng;
};

static int parse_degrade(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *t[DWCP_RES_TRIG_MAX + 1];
	struct degrade_arg *d = arg;
	struct prom_engine *e = d->eng;
	uint64_t v;
	int i;

	(void)nlh;
	if (resctl_attr_uint(tb[DWCP_RES_A_LEVEL], &v) && v < __DWCP_RES_LEVEL_MAX)
		d->sys->level = (int)v;
	e->has_degrade = true;
	if (resctl_attr_uint(tb[DWCP_RES_A_DEGRADE_MANUAL], &v))
		e->manual = v;
	resctl_attr_uint(tb[DWCP_RES_A_DEGRADE_CHANGES], &e->changes);
	for (i = 0; i < __DWCP_RES_LEVEL_MAX; i++)
		resctl_attr_uint(tb[DWCP_RES_A_DEGRADE_TIME_NORMAL_NS + i], &e->time_ns[i]);
	if (tb[DWCP_RES_A_TRIGGER] &&
	    !nla_parse_nested(t, DWCP_RES_TRIG_MAX, tb[DWCP_RES_A_TRIGGER], NULL)) {
		e->has_trigger = true;
		for (i = 0; i <= DWCP_RES_TRIG_MAX; i++)
			resctl_attr_uint(t[i], &e->t[i]);
	}
	return 0;
}

static int parse_budget(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *b[DWCP_RES_B_MAX + 1];
	struct prom_engine *e = arg;
	struct prom_budget *nv, *x;
	int i;

	(void)nlh;
	if (!tb[DWCP_RES_A_POLICY_NAME] || !tb[DWCP_RES_A_BUDGET] ||
	    nla_parse_nested(b, DWCP_RES_B_MAX, tb[DWCP_RES_A_BUDGET], NULL))
		return 0;
	nv = realloc(e->budgets, (e->nbudgets + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	e->budgets = nv;
	x = &nv[e->nbudgets++];
	memset(x, 0, sizeof(*x));
	snprintf(x->name, sizeof(x->name), "%s", nla_get_string(tb[DWCP_RES_A_POLICY_NAME]));
	for (i = 0; i <= DWCP_RES_B_MAX; i++)
		x->has[i] = resctl_attr_uint(b[i], &x->b[i]);
	return 0;
}

static int parse_check(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *h[DWCP_RES_HC_MAX + 1];
	struct prom_engine *e = arg;
	struct prom_check *nv, *c;
	uint64_t v;

	(void)nlh;
	if (!tb[DWCP_RES_A_HEALTH] ||
	    nla_parse_nested(h, DWCP_RES_HC_MAX, tb[DWCP_RES_A_HEALTH], NULL) ||
	    !h[DWCP_RES_HC_NAME])
		return 0;
	nv = realloc(e->checks, (e->nchecks + 1) * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	e->checks = nv;
	c = &nv[e->nchecks++];
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", nla_get_string(h[DWCP_RES_HC_NAME]));
	if (h[DWCP_RES_HC_POLICY])
		snprintf(c->policy, sizeof(c->policy), "%s", nla_get_string(h[DWCP_RES_HC_POLICY]));
	if (resctl_attr_uint(h[DWCP_RES_HC_METRIC], &v))
		c->metric = (uint32_t)v;
	c->healthy = resctl_attr_uint(h[DWCP_RES_HC_HEALTHY], &v) && v;
	c->enabled = resctl_attr_uint(h[DWCP_RES_HC_ENABLED], &v) && v;
	if (h[DWCP_RES_HC_VALUE])
		c->value = nla_get_s64(h[DWCP_RES_HC_VALUE]);
	resctl_attr_uint(h[DWCP_RES_HC_CHECKS], &c->checks);
	resctl_attr_uint(h[DWCP_RES_HC_FAILURES], &c->failures);
	return 0;
}

void metrics_engine_free(struct prom_engine *eng)
{
	if (!eng)
		return;
	free(eng->budgets);
	free(eng->checks);
	memset(eng, 0, sizeof(*eng));
}

int metrics_snapshot(struct prom_system *sys, struct prom_policy **pols, size_t *n,
		     struct prom_engine *eng)
{
	struct prom_engine scratch = { 0 };
	struct degrade_arg d = { sys, eng ? eng : &scratch };
	struct snap s = { 0 };
	int rc;

	memset(sys, 0, sizeof(*sys));
	if (eng)
		memset(eng, 0, sizeof(*eng));
	sys->chaos_allowed = sys->chaos_enabled = sys->level = -1;
	rc = resctl_nl_call(DWCP_RES_CMD_GET_INFO, 0, NULL, NULL, parse_info, sys);
	if (!rc)
		rc = resctl_nl_call(DWCP_RES_CMD_CHAOS_GET, 0, NULL, NULL, parse_chaos, sys);
	if (!rc)
		rc = resctl_nl_call(DWCP_RES_CMD_POLICY_GET, NLM_F_DUMP, NULL, NULL,
				    parse_policy, &s);
	/* The level from DEGRADE_GET: the caller's namespace, whichever it is. */
	if (!rc)
		rc = resctl_nl_call(DWCP_RES_CMD_DEGRADE_GET, 0, NULL, NULL, parse_degrade, &d);
	if (!rc && eng && (sys->features & DWCP_RES_F_HEALTH)) {
		rc = resctl_nl_call(DWCP_RES_CMD_BUDGET_GET, NLM_F_DUMP, NULL, NULL,
				    parse_budget, eng);
		if (!rc)
			rc = resctl_nl_call(DWCP_RES_CMD_HEALTH_GET, NLM_F_DUMP, NULL, NULL,
					    parse_check, eng);
	}
	if (rc) {
		free(s.v);
		metrics_engine_free(eng);
		return rc;
	}
	if (eng)
		sys->engine = eng;
	*pols = s.v;
	*n = s.n;
	return RESCTL_EXIT_OK;
}

/* ---- text and JSON ---- */

/* A latency for people: three significant digits ("983us", "2.42s"). */
static const char *fmt_latency(char *buf, uint64_t ns)
{
	static const struct {
		double div;
		const char *unit;
	} u[] = { { 1e9, "s" }, { 1e6, "ms" }, { 1e3, "us" } };
	size_t i;

	for (i = 0; i < N(u); i++)
		if (ns >= u[i].div) {
			snprintf(buf, UNITS_BUF, "%.3g%s", ns / u[i].div, u[i].unit);
			return buf;
		}
	snprintf(buf, UNITS_BUF, "%lluns", (unsigned long long)ns);
	return buf;
}

/* @num / @den in ppm, or false when there is nothing to divide. */
static bool ratio_ppm(uint64_t num, uint64_t den, uint64_t *ppm)
{
	if (!den)
		return false;
	*ppm = (uint64_t)((double)num * 1e6 / (double)den + 0.5);
	return true;
}

static uint64_t rejected(const struct prom_policy *p)
{
	return resctl_reasons_sum(p->st, DWCP_RES_S_REJECT_SHED);
}

static void put_st(const struct prom_policy *p, int attr, const char *key, const char *label)
{
	if (p->has_st[attr])
		print_u64(key, label, p->st[attr]);
}

/* A group of per-reason counters from attribute @first, with its total. */
static void put_reasons(const struct prom_policy *p, const char *group, int first)
{
	static const char * const keys[RESCTL_REASONS][2] = {
		{ "shed", "shed" }, { "breaker", "breaker" }, { "rate", "rate" },
		{ "bulkhead_full", "bulkhead-full" }, { "bulkhead_wait", "bulkhead-wait" },
		{ "chaos", "chaos" },
	};
	int i;

	print_open(group, group);
	print_u64("total", "total", resctl_reasons_sum(p->st, first));
	for (i = 0; i < RESCTL_REASONS; i++)
		put_st(p, first + i, keys[i][0], keys[i][1]);
	print_close();
}

static void put_ppm(const char *key, const char *label, uint64_t ppm)
{
	char buf[UNITS_BUF];

	print_unit(key, label, ppm, units_fmt_ppm(buf, ppm));
}

static void put_latency(const char *key, const char *label, uint64_t ns)
{
	char buf[UNITS_BUF];

	print_unit(key, label, ns, fmt_latency(buf, ns));
}

/* Calls per second between two snapshots, in milli-calls per second. */
static void put_rate(const char *key, const char *label, uint64_t a, uint64_t b,
		     uint64_t interval_ns)
{
	char buf[UNITS_BUF];
	uint64_t mcps = b > a ? (uint64_t)((double)(b - a) * 1e12 /
					   (double)interval_ns + 0.5) : 0;

	print_unit(key, label, mcps, units_fmt_rate_milli(buf, mcps));
}

static void print_histogram(const struct prom_policy *p)
{
	static const struct print_col cols[] = { { "LE", 12, true }, { "COUNT", 12, true } };
	char buf[UNITS_BUF], label[UNITS_BUF + 8];
	uint64_t count = p->st[DWCP_RES_S_LATENCY_COUNT];
	size_t k;

	if (resctl_opts.json) {
		print_table_open("buckets", cols, N(cols));
		for (k = 0; k < p->hist.n; k++) {
			print_row_open();
			print_u64("le_ns", "le", p->hist.le_ns[k]);
			print_u64("count", "count", p->hist.cum[k]);
			print_row_close();
		}
		print_table_close();
		return;
	}
	/* Text: cumulative counts up to the first bound that holds them all. */
	for (k = 0; k < p->hist.n; k++) {
		snprintf(label, sizeof(label), "<%s", fmt_latency(buf, p->hist.le_ns[k]));
		print_u64(NULL, label, p->hist.cum[k]);
		if (p->hist.cum[k] >= count)
			return;
	}
	print_u64(NULL, "all", count);
}

static void print_metrics(const struct prom_policy *p, const struct prom_policy *prev,
			  uint64_t interval_ns)
{
	char buf[UNITS_BUF];
	uint64_t v, total = rejected(p);
	const uint64_t *st = p->st;
	bool rate;

	if (resctl_opts.json) {
		print_open(NULL, NULL);
		print_str("name", NULL, p->name);
	} else {
		char title[DWCP_RES_NAME_MAX + 8];

		snprintf(title, sizeof(title), "policy %s", p->name);
		print_open(NULL, title);
	}
	if (p->has_st[DWCP_RES_S_BREAKER_STATE])
		print_str("breaker", "breaker",
			  resctl_breaker_state_name(st[DWCP_RES_S_BREAKER_STATE], buf, sizeof(buf)));

	print_open("calls", "calls");
	put_st(p, DWCP_RES_S_ADMITTED, "admitted", "admitted");
	put_st(p, DWCP_RES_S_COMPLETED, "completed", "completed");
	put_st(p, DWCP_RES_S_WAITED, "waited", "waited");
	put_st(p, DWCP_RES_S_RETRIES, "retried", "retried");
	put_st(p, DWCP_RES_S_RETRY_SUCCEEDED, "retry_succeeded", "retry-succeeded");
	put_st(p, DWCP_RES_S_RETRY_EXHAUSTED, "retry_exhausted", "retry-exhausted");
	put_st(p, DWCP_RES_S_RETRY_BUDGET_REFUSED, "retry_budget_refused", "retry-budget-refused");
	put_st(p, DWCP_RES_S_INFLIGHT, "inflight", "inflight");
	print_close();

	print_open("results", "results");
	put_st(p, DWCP_RES_S_SUCCESS, "success", "success");
	put_st(p, DWCP_RES_S_FAILURE, "failure", "failure");
	put_st(p, DWCP_RES_S_SLOW, "slow", "slow");
	put_st(p, DWCP_RES_S_IGNORED, "ignored", "ignored");
	put_st(p, DWCP_RES_S_CANCELLED, "cancelled", "cancelled");
	print_close();

	put_reasons(p, "rejected", DWCP_RES_S_REJECT_SHED);
	/* Shadow mode: refusals it counted and let through. */
	put_reasons(p, "shadow", DWCP_RES_S_SHADOW_SHED);

	if (prev) {
		print_open("rates", "rates");
		if (resctl_opts.json)
			print_u64("interval_ns", NULL, interval_ns);
		else
			print_text("interval", fmt_latency(buf, interval_ns));
		put_rate("admitted_mcps", "admitted", prev->st[DWCP_RES_S_ADMITTED],
			 st[DWCP_RES_S_ADMITTED], interval_ns);
		put_rate("completed_mcps", "completed", prev->st[DWCP_RES_S_COMPLETED],
			 st[DWCP_RES_S_COMPLETED], interval_ns);
		put_rate("failure_mcps", "failure", prev->st[DWCP_RES_S_FAILURE],
			 st[DWCP_RES_S_FAILURE], interval_ns);
		put_rate("rejected_mcps", "rejected", rejected(prev), total, interval_ns);
		print_close();
	}

	print_open("ratios", "ratios");
	if (ratio_ppm(st[DWCP_RES_S_SUCCESS], st[DWCP_RES_S_SUCCESS] +
		      st[DWCP_RES_S_FAILURE] + st[DWCP_RES_S_SLOW], &v))
		put_ppm("success_ppm", "success", v);
	if (ratio_ppm(total, st[DWCP_RES_S_ADMITTED] + total, &v))
		put_ppm("rejected_ppm", "rejected", v);
	if (p->has_st[DWCP_RES_S_SUCCESS_PPM])
		put_ppm("window_success_ppm", "window-success", st[DWCP_RES_S_SUCCESS_PPM]);
	if (p->has_st[DWCP_RES_S_BUDGET_REMAINING_PPM])
		put_ppm("budget_remaining_ppm", "budget-remaining",
			st[DWCP_RES_S_BUDGET_REMAINING_PPM]);
	/* Slots in use of those in force; above 100 % after a shrink. */
	if (ratio_ppm(st[DWCP_RES_S_BULKHEAD_ACTIVE], st[DWCP_RES_S_BULKHEAD_LIMIT], &v))
		put_ppm("bulkhead_utilization_ppm", "bulkhead-utilization", v);
	/* Of the retries started, those whose attempt succeeded. */
	if (ratio_ppm(st[DWCP_RES_S_RETRY_SUCCEEDED], st[DWCP_RES_S_RETRIES], &v))
		put_ppm("retry_success_ppm", "retry-success", v);
	print_close();

	print_open("limits", "limits");
	rate = p->has_st[DWCP_RES_S_RATE_MCPS] && st[DWCP_RES_S_RATE_MCPS];
	if (resctl_opts.json)
		print_u64("rate_mcps", NULL, st[DWCP_RES_S_RATE_MCPS]);
	else
		print_text("rate", rate ? units_fmt_rate_milli(buf, st[DWCP_RES_S_RATE_MCPS]) :
			   "off");
	if (p->has_cfg[DWCP_RES_P_BULKHEAD_MAX])
		print_u64("concurrent", "concurrent", p->cfg[DWCP_RES_P_BULKHEAD_MAX]);
	if (p->has_cfg[DWCP_RES_P_BULKHEAD_QUEUE])
		print_u64("queue", "queue", p->cfg[DWCP_RES_P_BULKHEAD_QUEUE]);
	if (p->has_st[DWCP_RES_S_TIMEOUT_NS])
		put_latency("timeout_ns", "timeout", st[DWCP_RES_S_TIMEOUT_NS]);
	print_close();

	print_open("latency", "latency");
	if (p->has_st[DWCP_RES_S_LATENCY_COUNT])
		print_u64("count", "samples", st[DWCP_RES_S_LATENCY_COUNT]);
	if (!p->has_st[DWCP_RES_S_LATENCY_COUNT] || st[DWCP_RES_S_LATENCY_COUNT]) {
		if (p->has_st[DWCP_RES_S_LATENCY_P50_NS])
			put_latency("p50_ns", "p50", st[DWCP_RES_S_LATENCY_P50_NS]);
		if (p->has_st[DWCP_RES_S_LATENCY_P95_NS])
			put_latency("p95_ns", "p95", st[DWCP_RES_S_LATENCY_P95_NS]);
		if (p->has_st[DWCP_RES_S_LATENCY_P99_NS])
			put_latency("p99_ns", "p99", st[DWCP_RES_S_LATENCY_P99_NS]);
		if (p->has_st[DWCP_RES_S_LATENCY_SUM_NS] && st[DWCP_RES_S_LATENCY_COUNT])
			put_latency("mean_ns", "mean", st[DWCP_RES_S_LATENCY_SUM_NS] /
				    st[DWCP_RES_S_LATENCY_COUNT]);
	}
	if (p->has_st[DWCP_RES_S_LATENCY_SUM_NS] && resctl_opts.json)
		print_u64("sum_ns", NULL, st[DWCP_RES_S_LATENCY_SUM_NS]);
	if (p->has_cfg[DWCP_RES_P_LATENCY_TARGET_NS])
		put_latency("target_ns", "p95-target", p->cfg[DWCP_RES_P_LATENCY_TARGET_NS]);
	if (p->hist.n && resctl_opts.json) {
		print_histogram(p);	/* the "buckets" array */
	} else if (p->hist.n && st[DWCP_RES_S_LATENCY_COUNT]) {
		print_open(NULL, "histogram (calls below)");
		print_histogram(p);
		print_close();
	}
	print_close();
	print_close();
}

static const struct prom_policy *find(const struct prom_policy *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Write @sys and @v to @path atomically (prom_write_file()). */
static int write_prom_file(const char *path, const struct prom_system *sys,
			   const struct prom_policy *v, size_t n)
{
	if (prom_write_file(path, sys, v, n)) {
		fprintf(stderr, "resctl: %s: %s\n", path, strerror(errno));
		return RESCTL_EXIT_FAIL;
	}
	return RESCTL_EXIT_OK;
}

enum fmt { F_TEXT, F_JSON, F_PROM };

int cmd_metrics(int argc, char **argv)
{
	const char *policy = NULL, *output = NULL;
	struct prom_policy *v = NULL, *v0 = NULL;
	uint64_t interval = 0, t0 = 0, t1;
	struct prom_system sys;
	struct prom_engine eng = { 0 };
	enum fmt fmt = resctl_opts.json ? F_JSON : F_TEXT;
	size_t n, n0 = 0, i;
	int rc, a;

	for (a = 0; a < argc; a++) {
		const char *opt = argv[a], *val = NULL;
		size_t ol = strcspn(opt, "=");

		if (!strncmp(opt, "--", 2)) {
			if (opt[ol])
				val = opt + ol + 1;
			else if (a + 1 < argc)
				val = argv[++a];
			else
				return resctl_usage_err("%s needs a value", opt);
		}
		if (!strncmp(opt, "--format", ol) && ol == 8) {
			if (!strcmp(val, "text"))
				fmt = F_TEXT;
			else if (!strcmp(val, "json"))
				fmt = F_JSON;
			else if (!strcmp(val, "prometheus"))
				fmt = F_PROM;
			else
				return resctl_usage_err("--format: text, json or prometheus, not \"%s\"",
							val);
		} else if (!strncmp(opt, "--interval", ol) && ol == 10) {
			if (units_parse_duration(val, &interval) || !interval ||
			    interval > 3600ULL * 1000000000ULL)
				return resctl_usage_err("--interval: %s up to 1h, not \"%s\"",
							UNITS_HELP_DURATION, val);
		} else if (!strncmp(opt, "--output", ol) && ol == 8) {
			output = val;
		} else if (!val && !policy && opt[0] != '-') {
			if (!resctl_name_ok(opt))
				return RESCTL_EXIT_USAGE;
			policy = opt;
		} else {
			return resctl_usage_of("metrics", NULL);
		}
	}
	if (output && fmt != F_PROM)
		return resctl_usage_err("--output goes with --format prometheus");
	if (interval && fmt == F_PROM)
		return resctl_usage_err("--interval does not go with --format prometheus "
					"(Prometheus computes rates itself)");
	resctl_opts.json = fmt == F_JSON;

	if (interval) {
		rc = metrics_snapshot(&sys, &v0, &n0, NULL);
		if (rc)
			return rc;
		t0 = now_ns();
		nanosleep(&(struct timespec){ .tv_sec = interval / 1000000000ULL,
					      .tv_nsec = interval % 1000000000ULL }, NULL);
	}
	rc = metrics_snapshot(&sys, &v, &n, fmt == F_PROM ? &eng : NULL);
	t1 = now_ns();
	if (rc)
		goto out;
	if (policy) {
		const struct prom_policy *p = find(v, n, policy);

		if (!p) {
			fprintf(stderr, "resctl: no policy \"%s\"\n", policy);
			rc = RESCTL_EXIT_FAIL;
			goto out;
		}
		memmove(v, p, sizeof(*v));
		n = 1;
	}
	if (fmt == F_PROM) {
		if (output)
			rc = write_prom_file(output, &sys, v, n);
		else if (prom_write(stdout, &sys, v, n))
			rc = RESCTL_EXIT_FAIL;
		goto out;
	}
	print_open(NULL, NULL);
	if (resctl_opts.json) {
		print_open("module", NULL);
		print_str("version", NULL, sys.version);
		if (sys.chaos_allowed >= 0)
			print_bool("chaos_allowed", NULL, sys.chaos_allowed);
		if (sys.chaos_enabled >= 0)
			print_bool("chaos_enabled", NULL, sys.chaos_enabled);
		print_str("level", NULL, sys.level >= 0 ? prom_level_name(sys.level) : "unknown");
		print_close();
	}
	if (resctl_opts.json)
		print_table_open("policies", NULL, 0);
	for (i = 0; i < n; i++) {
		if (!resctl_opts.json && i)
			putchar('\n');
		print_metrics(&v[i], interval ? find(v0, n0, v[i].name) : NULL,
			      t1 > t0 ? t1 - t0 : 1);
	}
	if (resctl_opts.json)
		print_table_close();
	print_flush();
out:
	metrics_engine_free(&eng);
	free(v0);
	free(v);
	return rc;
}
