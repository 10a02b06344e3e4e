/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resctl metrics: a decoded snapshot of the module (version, chaos,
 * degradation level, every policy with its configuration, counters and
 * latency histogram) and its rendering in the Prometheus text exposition
 * format 0.0.4 (the format node_exporter's textfile collector reads).
 *
 * prom.c only formats: it has no netlink in it, so the host unit test
 * (tests/test_prom.c) feeds it synthetic snapshots. cmd_metrics.c fills the
 * snapshot from the kernel. Documentation/metrics.rst lists the metrics.
 */
#ifndef RESCTL_PROM_H
#define RESCTL_PROM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/dwcp_res.h>

/* More bounds than any module sends; extra ones are dropped. */
#define PROM_HIST_MAX	64

/* DWCP_RES_S_LATENCY_HIST, decoded: n (bound, cumulative count) pairs. */
struct prom_hist {
	size_t n;
	uint64_t le_ns[PROM_HIST_MAX];	/* increasing, exclusive upper bounds */
	uint64_t cum[PROM_HIST_MAX];	/* calls with latency < le_ns[i] */
};

/* One policy; has_* tell which attributes the kernel sent. */
struct prom_policy {
	char name[DWCP_RES_NAME_MAX];
	uint64_t cfg[DWCP_RES_P_MAX + 1];
	bool has_cfg[DWCP_RES_P_MAX + 1];
	uint64_t st[DWCP_RES_S_MAX + 1];
	bool has_st[DWCP_RES_S_MAX + 1];
	struct prom_hist hist;		/* n == 0: the kernel sent none */
};

/* One error budget (a policy's, or "system"), as BUDGET_GET reports it. */
struct prom_budget {
	char name[DWCP_RES_NAME_MAX];
	uint64_t b[DWCP_RES_B_MAX + 1];
	bool has[DWCP_RES_B_MAX + 1];
};

/* One health check, as HEALTH_GET reports it. */
struct prom_check {
	char name[DWCP_RES_NAME_MAX];
	char policy[DWCP_RES_NAME_MAX];	/* "" for the namespace's value */
	uint32_t metric;		/* enum dwcp_res_metric */
	bool healthy, enabled;
	int64_t value;
	uint64_t checks, failures;
};

/*
 * The engine (health, SLO, degradation) of the namespace: DEGRADE_GET,
 * a BUDGET_GET dump and a HEALTH_GET dump. has_degrade false: the module
 * has none (an older one); the budget and check arrays may be empty.
 */
struct prom_engine {
	bool has_degrade;
	bool manual;
	uint64_t changes;
	uint64_t time_ns[__DWCP_RES_LEVEL_MAX];	/* time spent per level */
	bool has_trigger;
	uint64_t t[DWCP_RES_TRIG_MAX + 1];	/* DWCP_RES_A_TRIGGER */
	struct prom_budget *budgets;
	size_t nbudgets;
	struct prom_check *checks;
	size_t nchecks;
};

/* The module as a whole; -1 (or "") where unknown. */
struct prom_system {
	char version[32];
	int chaos_allowed;
	int chaos_enabled;
	int level;			/* enum dwcp_res_level */
	uint64_t features;		/* enum dwcp_res_feature bits */
	const struct prom_engine *engine;	/* NULL: not read */
};

/*
 * Write the exposition of @sys and the @n policies to @out: every metric
 * family once, "# HELP" and "# TYPE" first, then its series for every
 * policy. Families without any series (attributes an older module does
 * not send) are left out. Returns 0, or -1 if writing failed.
 */
int prom_write(FILE *out, const struct prom_system *sys,
	       const struct prom_policy *pols, size_t n);

/*
 * A label value escaped per the format (\ -> \\, " -> \", newline -> \n)
 * into @buf of @len bytes (truncated, always terminated); returns @buf.
 */
const char *prom_escape(char *buf, size_t len, const char *s);

/*
 * @val / 10^@decimals as an exact decimal without trailing zeros
 * ("0.00098304", "1", "0.5"); @buf holds at least 32 bytes.
 */
const char *prom_fixed(char *buf, uint64_t val, unsigned int decimals);

/* Names of enum values, as the labels use them (NULL if out of range). */
const char *prom_metric_name(unsigned int metric);
const char *prom_result_name(unsigned int result);
const char *prom_reject_name(unsigned int reason);
const char *prom_state_name(unsigned int state);
const char *prom_level_name(unsigned int level);

/*
 * Take a snapshot from the kernel (cmd_metrics.c): GET_INFO, CHAOS_GET, a
 * POLICY_GET dump, and, if @eng is not NULL, the engine (DEGRADE_GET, which
 * also gives sys->level in any namespace; BUDGET_GET and HEALTH_GET dumps;
 * a module without them leaves @eng empty). Without @eng the level comes
 * from DEGRADE_GET too (-1 if it fails). Errors are printed; returns a
 * RESCTL_EXIT_* code, *pols is malloc'ed; free @eng with metrics_engine_free.
 */
int metrics_snapshot(struct prom_system *sys, struct prom_policy **pols, size_t *n,
		     struct prom_engine *eng);
void metrics_engine_free(struct prom_engine *eng);

/*
 * Write the same to @path for node_exporter's textfile collector: a new
 * file next to it (mkstemp: never an existing name, never through a
 * symlink), mode 0644 whatever the umask, synced, then renamed over @path.
 * 0, or -1 with errno set and nothing left behind.
 */
int prom_write_file(const char *path, const struct prom_system *sys,
		    const struct prom_policy *v, size_t n);

#endif /* RESCTL_PROM_H */
