// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: the Prometheus text exposition format (version 0.0.4).
 *
 * Rules kept here (https://prometheus.io/docs/instrumenting/exposition_formats/):
 *  - all the lines of one metric family are together, "# HELP" and
 *    "# TYPE" once, before its first sample;
 *  - label values escape \ " and newline; floats are written as exact
 *    decimals (no exponent), "+Inf" and "NaN" where meant;
 *  - a histogram has cumulative _bucket series ending with le="+Inf",
 *    whose value equals _count, then _sum and _count;
 *  - base units: seconds (the kernel's ns are divided exactly), ratios
 *    in 0..1 (the kernel's ppm), counters end in _total.
 *
 * The latency buckets are the kernel's: calls with a latency below the
 * bound (the kernel's buckets have exclusive upper edges; a call of
 * exactly "le" ns, to the nanosecond, is counted in the next bucket).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "prom.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Long enough for policy="<31 chars escaped>",reason="bulkhead_wait". */
#define LABELS_MAX	256
#define VALUE_MAX	32

static const char * const result_names[__DWCP_RES_RESULT_MAX] = {
	[DWCP_RES_RESULT_SUCCESS] = "success",
	[DWCP_RES_RESULT_FAILURE] = "failure",
	[DWCP_RES_RESULT_SLOW] = "slow",
	[DWCP_RES_RESULT_IGNORED] = "ignored",
	[DWCP_RES_RESULT_CANCELLED] = "cancelled",
};

static const int result_attrs[__DWCP_RES_RESULT_MAX] = {
	[DWCP_RES_RESULT_SUCCESS] = DWCP_RES_S_SUCCESS,
	[DWCP_RES_RESULT_FAILURE] = DWCP_RES_S_FAILURE,
	[DWCP_RES_RESULT_SLOW] = DWCP_RES_S_SLOW,
	[DWCP_RES_RESULT_IGNORED] = DWCP_RES_S_IGNORED,
	[DWCP_RES_RESULT_CANCELLED] = DWCP_RES_S_CANCELLED,
};

static const char * const reject_names[__DWCP_RES_REJECT_MAX] = {
	[DWCP_RES_REJECT_SHED] = "shed",
	[DWCP_RES_REJECT_BREAKER] = "breaker",
	[DWCP_RES_REJECT_RATE] = "rate",
	[DWCP_RES_REJECT_BULKHEAD_FULL] = "bulkhead_full",
	[DWCP_RES_REJECT_BULKHEAD_WAIT] = "bulkhead_wait",
	[DWCP_RES_REJECT_CHAOS] = "chaos",
};

static const int reject_attrs[__DWCP_RES_REJECT_MAX] = {
	[DWCP_RES_REJECT_SHED] = DWCP_RES_S_REJECT_SHED,
	[DWCP_RES_REJECT_BREAKER] = DWCP_RES_S_REJECT_BREAKER,
	[DWCP_RES_REJECT_RATE] = DWCP_RES_S_REJECT_RATE,
	[DWCP_RES_REJECT_BULKHEAD_FULL] = DWCP_RES_S_REJECT_BULKHEAD_FULL,
	[DWCP_RES_REJECT_BULKHEAD_WAIT] = DWCP_RES_S_REJECT_BULKHEAD_WAIT,
	[DWCP_RES_REJECT_CHAOS] = DWCP_RES_S_REJECT_CHAOS,
};

static const int shadow_attrs[__DWCP_RES_REJECT_MAX] = {
	[DWCP_RES_REJECT_SHED] = DWCP_RES_S_SHADOW_SHED,
	[DWCP_RES_REJECT_BREAKER] = DWCP_RES_S_SHADOW_BREAKER,
	[DWCP_RES_REJECT_RATE] = DWCP_RES_S_SHADOW_RATE,
	[DWCP_RES_REJECT_BULKHEAD_FULL] = DWCP_RES_S_SHADOW_BULKHEAD_FULL,
	[DWCP_RES_REJECT_BULKHEAD_WAIT] = DWCP_RES_S_SHADOW_BULKHEAD_WAIT,
	[DWCP_RES_REJECT_CHAOS] = DWCP_RES_S_SHADOW_CHAOS,
};

static const char * const state_names[__DWCP_RES_BREAKER_STATE_MAX] = {
	[DWCP_RES_BREAKER_CLOSED] = "closed",
	[DWCP_RES_BREAKER_HALF_OPEN] = "half_open",
	[DWCP_RES_BREAKER_OPEN] = "open",
	[DWCP_RES_BREAKER_DISABLED] = "disabled",
	[DWCP_RES_BREAKER_FORCED_OPEN] = "forced_open",
};

static const char * const level_names[__DWCP_RES_LEVEL_MAX] = {
	[DWCP_RES_LEVEL_NORMAL] = "normal",
	[DWCP_RES_LEVEL_DEGRADED] = "degraded",
	[DWCP_RES_LEVEL_SEVERELY_DEGRADED] = "severely_degraded",
	[DWCP_RES_LEVEL_EMERGENCY] = "emergency",
};

/* As resctl health names them. */
static const char * const metric_names[__DWCP_RES_METRIC_MAX] = {
	[DWCP_RES_METRIC_ERROR_RATE_PPM] = "error-rate",
	[DWCP_RES_METRIC_CALLS] = "calls",
	[DWCP_RES_METRIC_LATENCY_P95_NS] = "latency-p95",
	[DWCP_RES_METRIC_LATENCY_OVER] = "latency-over",
	[DWCP_RES_METRIC_BUDGET_REMAINING_PPM] = "budget-remaining",
	[DWCP_RES_METRIC_BURN_RATE] = "burn-rate",
	[DWCP_RES_METRIC_BREAKERS_OPEN] = "breakers-open",
	[DWCP_RES_METRIC_TRANSPORT_ERRORS] = "transport-errors",
	[DWCP_RES_METRIC_INFLIGHT] = "inflight",
};

const char *prom_metric_name(unsigned int metric)
{
	return metric < N(metric_names) ? metric_names[metric] : NULL;
}

const char *prom_result_name(unsigned int result)
{
	return result < N(result_names) ? result_names[result] : NULL;
}

const char *prom_reject_name(unsigned int reason)
{
	return reason < N(reject_names) ? reject_names[reason] : NULL;
}

const char *prom_state_name(unsigned int state)
{
	return state < N(state_names) ? state_names[state] : NULL;
}

const char *prom_level_name(unsigned int level)
{
	return level < N(level_names) ? level_names[level] : NULL;
}

const char *prom_escape(char *buf, size_t len, const char *s)
{
	size_t o = 0;

	if (!len)
		return buf;
	for (; *s; s++) {
		const char *rep = NULL;
		char one[2] = { *s, '\0' };
		size_t rl;

		if (*s == '\\')
			rep = "\\\\";
		else if (*s == '"')
			rep = "\\\"";
		else if (*s == '\n')
			rep = "\\n";
		else
			rep = one;
		rl = strlen(rep);
		if (o + rl >= len)
			break;		/* never half an escape */
		memcpy(buf + o, rep, rl);
		o += rl;
	}
	buf[o] = '\0';
	return buf;
}

const char *prom_fixed(char *buf, uint64_t val, unsigned int decimals)
{
	uint64_t div = 1;
	unsigned int i;
	int len;

	for (i = 0; i < decimals && i < 18; i++)
		div *= 10;
	len = snprintf(buf, VALUE_MAX, "%" PRIu64, val / div);
	if (decimals && val % div) {
		len += snprintf(buf + len, VALUE_MAX - len, ".%0*" PRIu64, (int)i, val % div);
		while (buf[len - 1] == '0')
			buf[--len] = '\0';
	}
	return buf;
}

/* One metric family being written. */
struct fam {
	FILE *out;
	const char *name;
	const char *type;
	const char *help;
	bool started;
};

static void fam_init(struct fam *f, FILE *out, const char *name, const char *type,
		     const char *help)
{
	f->out = out;
	f->name = name;
	f->type = type;
	f->help = help;
	f->started = false;
}

/* name+suffix{labels} value; HELP and TYPE before the family's first one. */
static void fam_sample(struct fam *f, const char *suffix, const char *labels,
		       const char *value)
{
	if (!f->started) {
		fprintf(f->out, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help,
			f->name, f->type);
		f->started = true;
	}
	fprintf(f->out, "%s%s%s%s%s %s\n", f->name, suffix, *labels ? "{" : "",
		labels, *labels ? "}" : "", value);
}

/* policy="NAME" and up to two more pairs (NULL key: none). */
static const char *labels(char *buf, const char *policy, const char *k1,
			  const char *v1, const char *k2, const char *v2)
{
	char esc[3][LABELS_MAX / 2];
	const char *keys[3] = { "policy", k1, k2 };
	const char *vals[3] = { policy, v1, v2 };
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (!keys[i] || !vals[i])
			continue;
		prom_escape(esc[i], sizeof(esc[i]), vals[i]);
		o += snprintf(buf + o, LABELS_MAX - o, "%s%s=\"%s\"", o ? "," : "",
			      keys[i], esc[i]);
		if (o >= LABELS_MAX)
			break;
	}
	return buf;
}

enum conv {
	C_INT,		/* an integer, as is */
	C_NS,		/* ns -> seconds */
	C_PPM,		/* ppm -> ratio */
	C_MILLI,	/* milli-units -> units */
};

static const char *conv_value(char *buf, uint64_t v, enum conv c)
{
	switch (c) {
	case C_NS:
		return prom_fixed(buf, v, 9);
	case C_PPM:
		return prom_fixed(buf, v, 6);
	case C_MILLI:
		return prom_fixed(buf, v, 3);
	case C_INT:
		break;
	}
	return prom_fixed(buf, v, 0);
}

/* A family of one series per policy, from one stats or config attribute. */
struct simple {
	const char *name;
	const char *type;
	const char *help;
	int attr;
	bool cfg;	/* DWCP_RES_P_* rather than DWCP_RES_S_* */
	enum conv conv;
};

static void write_simple(FILE *out, const struct simple *s,
			 const struct prom_policy *pols, size_t n)
{
	char lb[LABELS_MAX], val[VALUE_MAX];
	struct fam f;
	size_t i;

	fam_init(&f, out, s->name, s->type, s->help);
	for (i = 0; i < n; i++) {
		const struct prom_policy *p = &pols[i];
		bool has = s->cfg ? p->has_cfg[s->attr] : p->has_st[s->attr];
		uint64_t v = s->cfg ? p->cfg[s->attr] : p->st[s->attr];

		if (!has)
			continue;
		fam_sample(&f, "", labels(lb, p->name, NULL, NULL, NULL, NULL),
			   conv_value(val, v, s->conv));
	}
}

/* A counter family split by one label: @attrs[k] is the series of @names[k]. */
static void write_split(FILE *out, const char *name, const char *help,
			const char *key, const char * const *names,
			const int *attrs, size_t nk,
			const struct prom_policy *pols, size_t n)
{
	char lb[LABELS_MAX], val[VALUE_MAX];
	struct fam f;
	size_t i, k;

	fam_init(&f, out, name, "counter", help);
	for (i = 0; i < n; i++)
		for (k = 0; k < nk; k++) {
			if (!names[k] || !pols[i].has_st[attrs[k]])
				continue;
			fam_sample(&f, "", labels(lb, pols[i].name, key, names[k], NULL, NULL),
				   prom_fixed(val, pols[i].st[attrs[k]], 0));
		}
}

static void write_system(FILE *out, const struct prom_system *sys)
{
	char lb[LABELS_MAX], esc[LABELS_MAX / 2];
	struct fam f;

	if (sys->version[0]) {
		fam_init(&f, out, "dwcp_res_info", "gauge",
			 "The loaded dwcp_res module; the value is always 1.");
		snprintf(lb, sizeof(lb), "version=\"%s\"",
			 prom_escape(esc, sizeof(esc), sys->version));
		fam_sample(&f, "", lb, "1");
	}
	if (sys->chaos_allowed >= 0) {
		fam_init(&f, out, "dwcp_res_chaos_allowed", "gauge",
			 "1 if the module was loaded with chaos_allowed=1.");
		fam_sample(&f, "", "", sys->chaos_allowed ? "1" : "0");
	}
	if (sys->chaos_enabled >= 0) {
		fam_init(&f, out, "dwcp_res_chaos_enabled", "gauge",
			 "1 while chaos fault injection is enabled in the namespace.");
		fam_sample(&f, "", "", sys->chaos_enabled ? "1" : "0");
	}
	if (sys->level >= 0) {
		char val[VALUE_MAX];

		fam_init(&f, out, "dwcp_res_degradation_level", "gauge",
			 "Degradation level: 0 normal, 1 degraded, 2 severely degraded, 3 emergency.");
		fam_sample(&f, "", "", prom_fixed(val, (uint64_t)sys->level, 0));
	}
}

static void write_breaker(FILE *out, const struct prom_policy *pols, size_t n)
{
	char lb[LABELS_MAX];
	struct fam f;
	size_t i, s;

	fam_init(&f, out, "dwcp_res_breaker_state", "gauge",
		 "Circuit breaker state: 1 for the current state, 0 for the others.");
	for (i = 0; i < n; i++) {
		if (!pols[i].has_st[DWCP_RES_S_BREAKER_STATE])
			continue;
		for (s = 0; s < N(state_names); s++)
			fam_sample(&f, "", labels(lb, pols[i].name, "state", state_names[s],
						  NULL, NULL),
				   pols[i].st[DWCP_RES_S_BREAKER_STATE] == s ? "1" : "0");
	}
}

static void write_quantiles(FILE *out, const struct prom_policy *pols, size_t n)
{
	static const struct {
		const char *q;
		int attr;
	} qs[] = {
		{ "0.5", DWCP_RES_S_LATENCY_P50_NS },
		{ "0.95", DWCP_RES_S_LATENCY_P95_NS },
		{ "0.99", DWCP_RES_S_LATENCY_P99_NS },
	};
	char lb[LABELS_MAX], val[VALUE_MAX];
	struct fam f;
	size_t i, k;

	fam_init(&f, out, "dwcp_res_latency_quantile_seconds", "gauge",
		 "Lifetime latency quantiles computed by the kernel (within 6.25 %), NaN before the first call.");
	for (i = 0; i < n; i++) {
		const struct prom_policy *p = &pols[i];
		bool empty = p->has_st[DWCP_RES_S_LATENCY_COUNT] &&
			     !p->st[DWCP_RES_S_LATENCY_COUNT];

		for (k = 0; k < N(qs); k++) {
			if (!p->has_st[qs[k].attr])
				continue;
			fam_sample(&f, "", labels(lb, p->name, "quantile", qs[k].q, NULL, NULL),
				   empty ? "NaN" : prom_fixed(val, p->st[qs[k].attr], 9));
		}
	}
}

/*
 * Cumulative buckets, made safe whatever the kernel sent: bounds that do
 * not increase are dropped (no duplicate series), counts never decrease
 * and never exceed _count (so the +Inf bucket, equal to _count, is last
 * and largest).
 */
static void write_histogram(FILE *out, const struct prom_policy *pols, size_t n)
{
	char lb[LABELS_MAX], le[VALUE_MAX], val[VALUE_MAX];
	struct fam f;
	size_t i, k;

	fam_init(&f, out, "dwcp_res_latency_seconds", "histogram",
		 "Lifetime latency of completed calls, admission to completion.");
	for (i = 0; i < n; i++) {
		const struct prom_policy *p = &pols[i];
		uint64_t count = p->st[DWCP_RES_S_LATENCY_COUNT], prev = 0, last = 0;

		if (!p->hist.n || !p->has_st[DWCP_RES_S_LATENCY_COUNT] ||
		    !p->has_st[DWCP_RES_S_LATENCY_SUM_NS])
			continue;
		for (k = 0; k < p->hist.n && k < PROM_HIST_MAX; k++) {
			uint64_t c = p->hist.cum[k];

			if (k && p->hist.le_ns[k] <= last)
				continue;
			last = p->hist.le_ns[k];
			if (c > count)
				c = count;
			if (c < prev)
				c = prev;
			prev = c;
			fam_sample(&f, "_bucket",
				   labels(lb, p->name, "le", prom_fixed(le, last, 9), NULL, NULL),
				   prom_fixed(val, c, 0));
		}
		prom_fixed(val, count, 0);
		fam_sample(&f, "_bucket", labels(lb, p->name, "le", "+Inf", NULL, NULL), val);
		fam_sample(&f, "_sum", labels(lb, p->name, NULL, NULL, NULL, NULL),
			   prom_fixed(le, p->st[DWCP_RES_S_LATENCY_SUM_NS], 9));
		fam_sample(&f, "_count", labels(lb, p->name, NULL, NULL, NULL, NULL), val);
	}
}

static const struct simple head[] = {
	{ "dwcp_res_admitted_total", "counter",
	  "Calls the admission pipeline let through.", DWCP_RES_S_ADMITTED, false, C_INT },
	{ "dwcp_res_completed_total", "counter",
	  "Admitted calls that completed (and whose latency was recorded).",
	  DWCP_RES_S_COMPLETED, false, C_INT },
	{ "dwcp_res_waited_total", "counter",
	  "Admitted calls that had to wait in the rate limiter or the bulkhead queue.",
	  DWCP_RES_S_WAITED, false, C_INT },
	{ "dwcp_res_retries_total", "counter",
	  "Failed attempts tried again (ULP data path and dwcp_res_call).",
	  DWCP_RES_S_RETRIES, false, C_INT },
	{ "dwcp_res_retry_succeeded_total", "counter",
	  "Retried attempts that succeeded.", DWCP_RES_S_RETRY_SUCCEEDED, false, C_INT },
	{ "dwcp_res_retry_exhausted_total", "counter",
	  "Retries refused because the attempts or the call's deadline were used up.",
	  DWCP_RES_S_RETRY_EXHAUSTED, false, C_INT },
	{ "dwcp_res_retry_budget_refused_total", "counter",
	  "Retries the retry budget refused.", DWCP_RES_S_RETRY_BUDGET_REFUSED, false, C_INT },
};

static const struct simple tail[] = {
	{ "dwcp_res_inflight", "gauge", "Calls admitted and not completed yet.",
	  DWCP_RES_S_INFLIGHT, false, C_INT },
	{ "dwcp_res_bulkhead_active", "gauge", "Bulkhead slots in use.",
	  DWCP_RES_S_BULKHEAD_ACTIVE, false, C_INT },
	{ "dwcp_res_bulkhead_queued", "gauge", "Calls waiting for a bulkhead slot.",
	  DWCP_RES_S_BULKHEAD_QUEUED, false, C_INT },
	{ "dwcp_res_bulkhead_limit", "gauge",
	  "Bulkhead size in force: concurrent calls allowed (degraded levels scale it down).",
	  DWCP_RES_S_BULKHEAD_LIMIT, false, C_INT },
	{ "dwcp_res_bulkhead_queue_limit", "gauge", "Bulkhead queue size.",
	  DWCP_RES_P_BULKHEAD_QUEUE, true, C_INT },
	{ "dwcp_res_breaker_state_code", "gauge",
	  "Circuit breaker state as a number: 0 closed, 1 half-open, 2 open, 3 disabled, 4 forced open.",
	  DWCP_RES_S_BREAKER_STATE, false, C_INT },
	{ "dwcp_res_breaker_transitions_total", "counter",
	  "Circuit breaker state transitions (the breaker's epoch).",
	  DWCP_RES_S_BREAKER_EPOCH, false, C_INT },
	{ "dwcp_res_rate_limit_calls_per_second", "gauge",
	  "Current rate limit in calls per second (adaptive or fixed); 0 when off.",
	  DWCP_RES_S_RATE_MCPS, false, C_MILLI },
	{ "dwcp_res_timeout_seconds", "gauge", "Current adaptive timeout.",
	  DWCP_RES_S_TIMEOUT_NS, false, C_NS },
	{ "dwcp_res_error_budget_remaining_ratio", "gauge",
	  "Share of the error budget left in the SLO window (0..1).",
	  DWCP_RES_S_BUDGET_REMAINING_PPM, false, C_PPM },
	{ "dwcp_res_success_ratio", "gauge",
	  "Success ratio of the calls in the SLO window (0..1).",
	  DWCP_RES_S_SUCCESS_PPM, false, C_PPM },
	{ "dwcp_res_latency_budget_compliance_ratio", "gauge",
	  "Latency budget: share of the last 5 minutes' calls within the latency target (0..1).",
	  DWCP_RES_S_LATENCY_COMPLIANCE_PPM, false, C_PPM },
	{ "dwcp_res_latency_budget_exhausted", "gauge",
	  "Latency budget: 1 while the last 5 minutes' P95 is over the latency target.",
	  DWCP_RES_S_LATENCY_EXHAUSTED, false, C_INT },
	{ "dwcp_res_slo_ratio", "gauge", "SLO target success ratio (0..1).",
	  DWCP_RES_P_SLO_PPM, true, C_PPM },
	{ "dwcp_res_latency_target_seconds", "gauge", "P95 latency budget of the policy.",
	  DWCP_RES_P_LATENCY_TARGET_NS, true, C_NS },
};

/* key1="v1",key2="v2",... from NULL-terminated pairs (at most four). */
static const char *elabels(char *buf, const char *k1, const char *v1, const char *k2,
			   const char *v2, const char *k3, const char *v3)
{
	const char *keys[3] = { k1, k2, k3 }, *vals[3] = { v1, v2, v3 };
	char esc[LABELS_MAX / 2];
	size_t o = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < 3; i++) {
		if (!keys[i] || !vals[i])
			continue;
		prom_escape(esc, sizeof(esc), vals[i]);
		o += snprintf(buf + o, LABELS_MAX - o, "%s%s=\"%s\"", o ? "," : "",
			      keys[i], esc);
		if (o >= LABELS_MAX)
			break;
	}
	return buf;
}

static const struct {
	const char *name;
	unsigned int bit;
} alert_bits[] = {
	{ "page_fast", DWCP_RES_ALERT_PAGE_FAST },
	{ "page_slow", DWCP_RES_ALERT_PAGE_SLOW },
	{ "ticket", DWCP_RES_ALERT_TICKET },
	{ "exhausted", DWCP_RES_ALERT_EXHAUSTED },
};

static const struct {
	const char *name;
	unsigned int bit;
	int in;
} trigger_bits[] = {
	{ "budget", DWCP_RES_TRIGGER_BUDGET, DWCP_RES_TRIG_IN_BUDGET },
	{ "health", DWCP_RES_TRIGGER_HEALTH, DWCP_RES_TRIG_IN_HEALTH },
	{ "error_rate", DWCP_RES_TRIGGER_ERROR_RATE, DWCP_RES_TRIG_IN_ERROR_RATE },
	{ "latency", DWCP_RES_TRIGGER_LATENCY, DWCP_RES_TRIG_IN_LATENCY },
	{ "external", DWCP_RES_TRIGGER_EXTERNAL, DWCP_RES_TRIG_IN_EXTERNAL },
};

/* A budget family of one series per budget, from one attribute. */
static void write_budget_simple(FILE *out, const struct prom_engine *e, const char *name,
				const char *type, const char *help, int attr, enum conv c)
{
	char lb[LABELS_MAX], val[VALUE_MAX];
	struct fam f;
	size_t i;

	fam_init(&f, out, name, type, help);
	for (i = 0; i < e->nbudgets; i++) {
		if (!e->budgets[i].has[attr])
			continue;
		fam_sample(&f, "", elabels(lb, "budget", e->budgets[i].name, NULL, NULL, NULL, NULL),
			   conv_value(val, e->budgets[i].b[attr], c));
	}
}

static void write_budgets(FILE *out, const struct prom_engine *e)
{
	static const struct {
		const char *alert, *window;
		int attr;
	} burns[] = {
		{ "page_fast", "long", DWCP_RES_B_BURN_FAST_LONG },
		{ "page_fast", "short", DWCP_RES_B_BURN_FAST_SHORT },
		{ "page_slow", "long", DWCP_RES_B_BURN_SLOW_LONG },
		{ "page_slow", "short", DWCP_RES_B_BURN_SLOW_SHORT },
		{ "ticket", "long", DWCP_RES_B_BURN_TICKET_LONG },
		{ "ticket", "short", DWCP_RES_B_BURN_TICKET_SHORT },
	};
	char lb[LABELS_MAX], val[VALUE_MAX];
	struct fam f;
	size_t i, k;

	write_budget_simple(out, e, "dwcp_res_budget_remaining_ratio", "gauge",
			    "Share of the error budget left in the SLO window (0..1), per budget (a policy's, or system).",
			    DWCP_RES_B_REMAINING_PPM, C_PPM);
	write_budget_simple(out, e, "dwcp_res_budget_slo_ratio", "gauge",
			    "SLO target success ratio of the budget (0..1).", DWCP_RES_B_SLO_PPM, C_PPM);
	write_budget_simple(out, e, "dwcp_res_budget_window_seconds", "gauge",
			    "SLO window (period) of the budget.", DWCP_RES_B_WINDOW_NS, C_NS);
	write_budget_simple(out, e, "dwcp_res_budget_success_ratio", "gauge",
			    "Success ratio of the events in the budget's window (0..1).",
			    DWCP_RES_B_SUCCESS_PPM, C_PPM);
	write_budget_simple(out, e, "dwcp_res_budget_events_total", "counter",
			    "Events (successes and failures) the budget ever counted.",
			    DWCP_RES_B_LIFE_TOTAL, C_INT);
	write_budget_simple(out, e, "dwcp_res_budget_bad_events_total", "counter",
			    "Failures the budget ever counted.", DWCP_RES_B_LIFE_BAD, C_INT);
	write_budget_simple(out, e, "dwcp_res_budget_alerts_fired_total", "counter",
			    "Burn-rate alert bits raised so far.", DWCP_RES_B_ALERTS_FIRED, C_INT);

	fam_init(&f, out, "dwcp_res_budget_burn_rate", "gauge",
		 "Error budget burn rate (1 = spending exactly the budget over the window), per alert pair and window.");
	for (i = 0; i < e->nbudgets; i++)
		for (k = 0; k < N(burns); k++) {
			if (!e->budgets[i].has[burns[k].attr])
				continue;
			fam_sample(&f, "", elabels(lb, "budget", e->budgets[i].name, "alert",
						   burns[k].alert, "window", burns[k].window),
				   prom_fixed(val, e->budgets[i].b[burns[k].attr], 3));
		}

	fam_init(&f, out, "dwcp_res_budget_alert_firing", "gauge",
		 "1 while the burn-rate alert (page_fast, page_slow, ticket) or exhausted fires for the budget.");
	for (i = 0; i < e->nbudgets; i++) {
		if (!e->budgets[i].has[DWCP_RES_B_ALERTS])
			continue;
		for (k = 0; k < N(alert_bits); k++)
			fam_sample(&f, "", elabels(lb, "budget", e->budgets[i].name, "alert",
						   alert_bits[k].name, NULL, NULL),
				   e->budgets[i].b[DWCP_RES_B_ALERTS] & alert_bits[k].bit ?
				   "1" : "0");
	}
}

static void write_checks(FILE *out, const struct prom_engine *e)
{
	char lb[LABELS_MAX], val[VALUE_MAX];
	struct fam f;
	size_t i;

	fam_init(&f, out, "dwcp_res_health_healthy", "gauge",
		 "1 while the health check is healthy (after its rise and fall thresholds).");
	for (i = 0; i < e->nchecks; i++) {
		const struct prom_check *c = &e->checks[i];

		fam_sample(&f, "", elabels(lb, "check", c->name, "metric",
					   prom_metric_name(c->metric) ?: "unknown",
					   "policy", c->policy[0] ? c->policy : NULL),
			   c->healthy ? "1" : "0");
	}
	fam_init(&f, out, "dwcp_res_health_value", "gauge",
		 "Last value the health check measured, in its metric's unit (ppm, ns, x1000 or a count).");
	for (i = 0; i < e->nchecks; i++) {
		const struct prom_check *c = &e->checks[i];

		snprintf(val, sizeof(val), "%lld", (long long)c->value);
		fam_sample(&f, "", elabels(lb, "check", c->name, "metric",
					   prom_metric_name(c->metric) ?: "unknown",
					   "policy", c->policy[0] ? c->policy : NULL), val);
	}
	fam_init(&f, out, "dwcp_res_health_enabled", "gauge", "1 if the health check runs.");
	for (i = 0; i < e->nchecks; i++)
		fam_sample(&f, "", elabels(lb, "check", e->checks[i].name, NULL, NULL, NULL, NULL),
			   e->checks[i].enabled ? "1" : "0");
	fam_init(&f, out, "dwcp_res_health_checks_total", "counter",
		 "Results the health check counted.");
	for (i = 0; i < e->nchecks; i++)
		fam_sample(&f, "", elabels(lb, "check", e->checks[i].name, NULL, NULL, NULL, NULL),
			   prom_fixed(val, e->checks[i].checks, 0));
	fam_init(&f, out, "dwcp_res_health_failures_total", "counter",
		 "Failed results of the health check (timeouts included).");
	for (i = 0; i < e->nchecks; i++)
		fam_sample(&f, "", elabels(lb, "check", e->checks[i].name, NULL, NULL, NULL, NULL),
			   prom_fixed(val, e->checks[i].failures, 0));
}

static void write_degrade(FILE *out, const struct prom_system *sys, const struct prom_engine *e)
{
	char lb[LABELS_MAX], val[VALUE_MAX];
	struct fam f;
	size_t i;

	if (!e->has_degrade)
		return;
	if (sys->level >= 0) {
		fam_init(&f, out, "dwcp_res_degradation_level_state", "gauge",
			 "Degradation level: 1 for the current level, 0 for the others.");
		for (i = 0; i < N(level_names); i++)
			fam_sample(&f, "", elabels(lb, "level", level_names[i], NULL, NULL, NULL, NULL),
				   (size_t)sys->level == i ? "1" : "0");
	}
	fam_init(&f, out, "dwcp_res_degradation_manual", "gauge",
		 "1 while an operator holds the level (resctl degrade set), 0 under automatic control.");
	fam_sample(&f, "", "", e->manual ? "1" : "0");
	fam_init(&f, out, "dwcp_res_degradation_changes_total", "counter", "Level changes so far.");
	fam_sample(&f, "", "", prom_fixed(val, e->changes, 0));
	fam_init(&f, out, "dwcp_res_degradation_seconds_total", "counter",
		 "Time spent at each level since the namespace started.");
	for (i = 0; i < N(level_names); i++)
		fam_sample(&f, "", elabels(lb, "level", level_names[i], NULL, NULL, NULL, NULL),
			   prom_fixed(val, e->time_ns[i], 9));
	if (!e->has_trigger)
		return;
	fam_init(&f, out, "dwcp_res_trigger_enabled", "gauge",
		 "1 if the automatic degradation trigger acts.");
	for (i = 0; i < N(trigger_bits); i++)
		fam_sample(&f, "", elabels(lb, "trigger", trigger_bits[i].name, NULL, NULL, NULL, NULL),
			   e->t[DWCP_RES_TRIG_ENABLED] & trigger_bits[i].bit ? "1" : "0");
	fam_init(&f, out, "dwcp_res_trigger_input_level", "gauge",
		 "Level each trigger input asks for: 0 normal, 1 degraded, 2 severely degraded, 3 emergency.");
	for (i = 0; i < N(trigger_bits); i++)
		fam_sample(&f, "", elabels(lb, "trigger", trigger_bits[i].name, NULL, NULL, NULL, NULL),
			   prom_fixed(val, e->t[trigger_bits[i].in], 0));
	fam_init(&f, out, "dwcp_res_trigger_error_ratio", "gauge",
		 "Error rate of the namespace over the trigger window (0..1).");
	fam_sample(&f, "", "", prom_fixed(val, e->t[DWCP_RES_TRIG_ERROR_NOW_PPM], 6));
	fam_init(&f, out, "dwcp_res_trigger_error_threshold_ratio", "gauge",
		 "Error-rate trigger threshold (0..1): above it degraded, 1.5x severely, 2x emergency.");
	fam_sample(&f, "", "", prom_fixed(val, e->t[DWCP_RES_TRIG_ERROR_PPM], 6));
	fam_init(&f, out, "dwcp_res_trigger_window_events", "gauge",
		 "Calls completed in the trigger window.");
	fam_sample(&f, "", "", prom_fixed(val, e->t[DWCP_RES_TRIG_WINDOW_EVENTS], 0));
	fam_init(&f, out, "dwcp_res_trigger_latency_ratio", "gauge",
		 "Worst P95 latency over its target across policies (1 = at the target).");
	fam_sample(&f, "", "", prom_fixed(val, e->t[DWCP_RES_TRIG_LATENCY_PERMILLE], 3));
}

static void write_engine(FILE *out, const struct prom_system *sys)
{
	if (!sys->engine)
		return;
	write_degrade(out, sys, sys->engine);
	write_budgets(out, sys->engine);
	write_checks(out, sys->engine);
}

int prom_write(FILE *out, const struct prom_system *sys,
	       const struct prom_policy *pols, size_t n)
{
	size_t i;

	write_system(out, sys);
	for (i = 0; i < N(head); i++)
		write_simple(out, &head[i], pols, n);
	write_split(out, "dwcp_res_calls_total",
		    "Completed calls by result (slow: succeeded slower than the slow-call threshold).",
		    "result", result_names, result_attrs, N(result_names), pols, n);
	write_split(out, "dwcp_res_rejected_total", "Calls the admission pipeline turned away, by reason.",
		    "reason", reject_names, reject_attrs, N(reject_names), pols, n);
	write_split(out, "dwcp_res_shadow_rejected_total",
		    "Calls a policy in shadow mode would have turned away and let through, by reason.",
		    "reason", reject_names, shadow_attrs, N(reject_names), pols, n);
	for (i = 0; i < N(tail); i++)
		write_simple(out, &tail[i], pols, n);
	write_breaker(out, pols, n);
	write_quantiles(out, pols, n);
	write_histogram(out, pols, n);
	write_engine(out, sys);
	if (fflush(out) || ferror(out))
		return -1;
	return 0;
}

int prom_write_file(const char *path, const struct prom_system *sys,
		    const struct prom_policy *v, size_t n)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + sizeof(".XXXXXX"));
	FILE *f = NULL;
	int fd, err = 0;

	if (!tmp)
		return -1;
	/* "dwcp_res.prom.XXXXXX": not *.prom, so the collector skips it. */
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".XXXXXX", sizeof(".XXXXXX"));
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0644) || !(f = fdopen(fd, "w")))
		err = errno;
	if (!err && (prom_write(f, sys, v, n) || fflush(f) || fsync(fileno(f))))
		err = errno ? errno : EIO;
	if (f ? fclose(f) : close(fd))
		err = err ? err : errno;
	if (!err && rename(tmp, path))
		err = errno;
	if (err)
		unlink(tmp);
	free(tmp);
	errno = err;
	return err ? -1 : 0;
}
