// SPDX-License-Identifier: GPL-2.0
/*
 * resctl status: the system at a glance. The module's version, chaos,
 * the degradation level of the caller's network namespace (DEGRADE_GET),
 * the engine (mode, the triggers that hold the level, unhealthy health
 * checks, error budgets whose burn-rate alerts fire), one line per policy
 * and a summary of the breakers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/dwcp_res.h>

#include "policy.h"
#include "print.h"
#include "prom.h"
#include "resctl.h"
#include "units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* "99.9%": one decimal, truncated so that 99.99% never shows as 100%. */
static const char *fmt_pct(char *buf, uint64_t ppm)
{
	snprintf(buf, UNITS_BUF, "%llu.%llu%%", (unsigned long long)(ppm / 10000),
		 (unsigned long long)(ppm / 1000 % 10));
	return buf;
}

static const char *fmt_ms(char *buf, uint64_t ns)
{
	if (ns >= 1000000000ULL)
		snprintf(buf, UNITS_BUF, "%.3gs", ns / 1e9);
	else if (ns >= 1000000)
		snprintf(buf, UNITS_BUF, "%.3gms", ns / 1e6);
	else if (ns >= 1000)
		snprintf(buf, UNITS_BUF, "%.3gus", ns / 1e3);
	else
		snprintf(buf, UNITS_BUF, "%lluns", (unsigned long long)ns);
	return buf;
}

/* Breaker states counted for the summary, in the order it lists them. */
static const int summary_states[] = {
	DWCP_RES_BREAKER_OPEN, DWCP_RES_BREAKER_FORCED_OPEN,
	DWCP_RES_BREAKER_HALF_OPEN, DWCP_RES_BREAKER_DISABLED,
	DWCP_RES_BREAKER_CLOSED,
};

/* Append "@s" to @buf (of @len) after a ", " when it is not empty. */
static void append(char *buf, size_t len, const char *s)
{
	size_t o = strlen(buf);

	if (o + 1 < len)
		snprintf(buf + o, len - o, "%s%s", o ? ", " : "", s);
}

/*
 * "engine": the mode, the cause of the level (manual, or the enabled
 * triggers whose input asks for more than normal), unhealthy checks and
 * budgets with alerts firing.
 */
static void print_engine(const struct prom_system *sys, const struct prom_engine *e)
{
	static const struct { const char *name; unsigned int bit; int in; } trig[] = {
		{ "budget", DWCP_RES_TRIGGER_BUDGET, DWCP_RES_TRIG_IN_BUDGET },
		{ "health", DWCP_RES_TRIGGER_HEALTH, DWCP_RES_TRIG_IN_HEALTH },
		{ "error-rate", DWCP_RES_TRIGGER_ERROR_RATE, DWCP_RES_TRIG_IN_ERROR_RATE },
		{ "latency", DWCP_RES_TRIGGER_LATENCY, DWCP_RES_TRIG_IN_LATENCY },
		{ "external", DWCP_RES_TRIGGER_EXTERNAL, DWCP_RES_TRIG_IN_EXTERNAL },
	};
	static const struct { const char *name; unsigned int bit; } alerts[] = {
		{ "page-fast", DWCP_RES_ALERT_PAGE_FAST },
		{ "page-slow", DWCP_RES_ALERT_PAGE_SLOW },
		{ "ticket", DWCP_RES_ALERT_TICKET },
		{ "exhausted", DWCP_RES_ALERT_EXHAUSTED },
	};
	char cause[128] = "", bad[512] = "", firing[512] = "", one[96];
	size_t i, k;

	if (!e->has_degrade)
		return;
	if (e->manual) {
		snprintf(cause, sizeof(cause), "manual");
	} else if (sys->level > 0 && e->has_trigger) {
		for (i = 0; i < N(trig); i++)
			if ((e->t[DWCP_RES_TRIG_ENABLED] & trig[i].bit) && e->t[trig[i].in])
				append(cause, sizeof(cause), trig[i].name);
		/* Nothing asks for a level any more: the dwell steps it down. */
		if (!*cause)
			snprintf(cause, sizeof(cause), "none (stepping down)");
	}
	for (i = 0; i < e->nchecks; i++)
		if (e->checks[i].enabled && !e->checks[i].healthy)
			append(bad, sizeof(bad), e->checks[i].name);
	for (i = 0; i < e->nbudgets; i++) {
		const struct prom_budget *b = &e->budgets[i];
		size_t o;

		if (!b->b[DWCP_RES_B_ALERTS])
			continue;
		o = (size_t)snprintf(one, sizeof(one), "%s (", b->name);
		for (k = 0; k < N(alerts) && o < sizeof(one); k++)
			if (b->b[DWCP_RES_B_ALERTS] & alerts[k].bit)
				o += (size_t)snprintf(one + o, sizeof(one) - o, "%s%s",
						      one[o - 1] == '(' ? "" : " ",
						      alerts[k].name);
		if (o < sizeof(one))
			snprintf(one + o, sizeof(one) - o, ")");
		append(firing, sizeof(firing), one);
	}
	print_open("engine", "engine");
	print_str("mode", "mode", e->manual ? "manual" : "auto");
	print_str("cause", "cause", *cause ? cause : resctl_opts.json ? "" : "-");
	print_str("unhealthy", "unhealthy checks", *bad ? bad : resctl_opts.json ? "" : "none");
	print_str("alerting", "budgets alerting", *firing ? firing :
		  resctl_opts.json ? "" : "none");
	print_close();
}

int cmd_status(int argc, char **argv)
{
	static const struct print_col cols[] = {
		{ "POLICY", 12, false },
		{ "BREAKER", 11, false },
		{ "INFLIGHT", 9, true },
		{ "RATE", 9, true },
		{ "SUCCESS", 7, true },
		{ "BUDGET", 7, true },
		{ "P95", 8, true },
		{ "TARGET", 8, true },
		{ "LATENCY", 7, false },
	};
	uint64_t per_state[__DWCP_RES_BREAKER_STATE_MAX + 1] = { 0 };
	char buf[UNITS_BUF], buf2[UNITS_BUF], line[256];
	struct prom_policy *v;
	struct prom_system sys;
	struct prom_engine eng;
	size_t n, i, over = 0;
	int rc, len;

	(void)argv;
	if (argc)
		return resctl_usage_of("status", NULL);
	rc = metrics_snapshot(&sys, &v, &n, &eng);
	if (rc)
		return rc;

	print_open(NULL, NULL);
	print_open("module", NULL);
	print_str("version", "dwcp_res", sys.version[0] ? sys.version : "?");
	if (resctl_opts.json) {
		print_bool("chaos_allowed", NULL, sys.chaos_allowed == 1);
		print_bool("chaos_enabled", NULL, sys.chaos_enabled == 1);
	} else {
		print_text("chaos", sys.chaos_allowed != 1 ? "not allowed" :
			   sys.chaos_enabled == 1 ? "allowed, ENABLED" : "allowed, disabled");
	}
	print_str("level", "level", sys.level >= 0 ? prom_level_name(sys.level) : "unknown");
	print_close();
	print_engine(&sys, &eng);

	print_table_open("policies", cols, N(cols));
	for (i = 0; i < n; i++) {
		const struct prom_policy *p = &v[i];
		const uint64_t *st = p->st;
		uint64_t state = st[DWCP_RES_S_BREAKER_STATE];
		uint64_t p95 = st[DWCP_RES_S_LATENCY_P95_NS];
		uint64_t target = p->cfg[DWCP_RES_P_LATENCY_TARGET_NS];
		bool samples = !p->has_st[DWCP_RES_S_LATENCY_COUNT] ||
			       st[DWCP_RES_S_LATENCY_COUNT];
		const char *lat = !samples || !target ? "-" : p95 > target ? "OVER" : "ok";

		per_state[state < __DWCP_RES_BREAKER_STATE_MAX ? state :
			  __DWCP_RES_BREAKER_STATE_MAX]++;
		if (samples && target && p95 > target)
			over++;
		print_row_open();
		print_str("name", "policy", p->name);
		print_str("breaker", "breaker", resctl_breaker_state_name(state, buf, sizeof(buf)));
		if (resctl_opts.json) {
			print_u64("inflight", NULL, st[DWCP_RES_S_INFLIGHT]);
			print_u64("limit", NULL, p->cfg[DWCP_RES_P_BULKHEAD_MAX]);
			print_u64("rate_mcps", NULL, st[DWCP_RES_S_RATE_MCPS]);
			print_u64("success_ppm", NULL, st[DWCP_RES_S_SUCCESS_PPM]);
			print_u64("budget_remaining_ppm", NULL,
				  st[DWCP_RES_S_BUDGET_REMAINING_PPM]);
			if (samples)
				print_u64("p95_ns", NULL, p95);
			print_u64("target_ns", NULL, target);
			print_str("latency", NULL, !strcmp(lat, "-") ? "unknown" :
				  !strcmp(lat, "ok") ? "ok" : "over");
		} else {
			snprintf(line, sizeof(line), "%llu/%llu",
				 (unsigned long long)st[DWCP_RES_S_INFLIGHT],
				 (unsigned long long)p->cfg[DWCP_RES_P_BULKHEAD_MAX]);
			print_text("inflight", line);
			print_text("rate", st[DWCP_RES_S_RATE_MCPS] ?
				   units_fmt_rate_milli(buf, st[DWCP_RES_S_RATE_MCPS]) : "off");
			print_text("success", fmt_pct(buf, st[DWCP_RES_S_SUCCESS_PPM]));
			print_text("budget", fmt_pct(buf, st[DWCP_RES_S_BUDGET_REMAINING_PPM]));
			print_text("p95", samples ? fmt_ms(buf, p95) : "-");
			print_text("target", target ? fmt_ms(buf2, target) : "-");
			print_text("latency", lat);
		}
		print_row_close();
	}
	print_table_close();

	/* "4 policies: all breakers closed" or "4 policies: 1 open, 3 closed". */
	len = snprintf(line, sizeof(line), "%zu %s: ", n, n == 1 ? "policy" : "policies");
	if (per_state[DWCP_RES_BREAKER_CLOSED] == n) {
		len += snprintf(line + len, sizeof(line) - len, "all breakers closed");
	} else {
		const char *sep = "";

		for (i = 0; i < N(summary_states); i++) {
			int s = summary_states[i];

			if (!per_state[s])
				continue;
			len += snprintf(line + len, sizeof(line) - len, "%s%llu %s", sep,
					(unsigned long long)per_state[s],
					resctl_breaker_state_name(s, buf, sizeof(buf)));
			sep = ", ";
		}
		if (per_state[__DWCP_RES_BREAKER_STATE_MAX])
			len += snprintf(line + len, sizeof(line) - len, "%s%llu unknown", sep,
					(unsigned long long)per_state[__DWCP_RES_BREAKER_STATE_MAX]);
	}
	if (over && len < (int)sizeof(line))
		snprintf(line + len, sizeof(line) - len, "; %zu over latency target", over);

	print_open("summary", NULL);
	if (resctl_opts.json) {
		print_u64("policies", NULL, n);
		print_bool("all_closed", NULL, per_state[DWCP_RES_BREAKER_CLOSED] == n);
		print_u64("closed", NULL, per_state[DWCP_RES_BREAKER_CLOSED]);
		print_u64("open", NULL, per_state[DWCP_RES_BREAKER_OPEN] +
			  per_state[DWCP_RES_BREAKER_FORCED_OPEN]);
		print_u64("half_open", NULL, per_state[DWCP_RES_BREAKER_HALF_OPEN]);
		print_u64("disabled", NULL, per_state[DWCP_RES_BREAKER_DISABLED]);
		print_u64("over_latency_target", NULL, over);
	} else {
		print_text("summary", line);
	}
	print_close();
	print_flush();
	metrics_engine_free(&eng);
	free(v);
	return RESCTL_EXIT_OK;
}
