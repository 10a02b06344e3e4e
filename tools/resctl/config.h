/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine part of a configuration file (/etc/dwcp_res.conf, version 1):
 * the system SLO, the degradation mode and triggers, and the health checks.
 * cmd_apply.c parses the policies and calls these for the rest; "resctl
 * dump-config" prints both. Documentation/admin-guide.rst has the format.
 */
#ifndef RESCTL_CONFIG_H
#define RESCTL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/dwcp_res.h>

#include "health.h"
#include "policy.h"

#define RESCTL_CONFIG_VERSION	1

struct json_object;

/* What apply does with an item (config.c). */
enum resctl_eact { E_NONE, E_ADD, E_CHANGE, E_SAME, E_DELETE };

struct resctl_hc_item {
	const char *name;
	const char *policy;		/* NULL: not given; "": none */
	bool policy_added;		/* the file adds that policy */
	bool has_metric;
	uint32_t metric;
	bool has[DWCP_RES_HC_MAX + 1];
	uint64_t v[DWCP_RES_HC_MAX + 1];	/* s64 values stored as u64 */
	enum resctl_eact act;
	char where[48];
};

struct resctl_ecfg {
	bool has_slo;
	bool slo_has[DWCP_RES_B_MAX + 1];
	uint64_t slo[DWCP_RES_B_MAX + 1];
	uint64_t slo_live[DWCP_RES_B_MAX + 1];
	enum resctl_eact slo_act;

	bool has_degrade;
	bool has_mode, mode_auto;
	uint32_t level;
	bool trig_has[DWCP_RES_TRIG_MAX + 1];
	uint64_t trig[DWCP_RES_TRIG_MAX + 1];
	uint64_t trig_live[DWCP_RES_TRIG_MAX + 1];
	bool live_manual;
	uint32_t live_level;
	bool send_mode, send_trig;
	enum resctl_eact degrade_act;

	bool has_health;
	struct resctl_hc_item *hc;
	size_t nhc;
	struct resctl_hc_live *live;
	size_t nlive;
	bool dry;			/* for the fill functions */
};

/* A policy of the file, and what apply plans for it (cmd_apply.c). */
struct resctl_cfg_item {
	struct resctl_pset ps;
	char where[64];			/* "policies[3]" */
	int act;			/* cmd_apply.c's enum action */
	const struct resctl_policy *cur;	/* the live policy, if any */
};

/* A whole configuration file, parsed; the strings point into @root. */
struct resctl_config {
	struct json_object *root;
	struct resctl_cfg_item *items;
	size_t nitems;
	struct resctl_ecfg *ecfg;
};

/*
 * Parse the text of configuration file @file (@len bytes at @buf) into
 * @cfg, sending nothing: JSON syntax (errors with line and column), keys,
 * types, units, names, duplicates. Returns 0, RESCTL_EXIT_USAGE with the
 * reason printed as "resctl: FILE...", or RESCTL_EXIT_FAIL (out of
 * memory). cmd_apply() calls it; so does the fuzz target fuzz_config.
 */
int resctl_config_parse(const char *file, const char *buf, size_t len,
			struct resctl_config *cfg);
void resctl_config_free(struct resctl_config *cfg);

/*
 * Print @cfg to the print layer as a configuration file (version 1): what
 * "resctl dump-config" prints, with only the keys @cfg gives, so that it
 * parses back to the same configuration.
 */
void resctl_config_print(const struct resctl_config *cfg);

/*
 * Take the engine keys of @root ("slo", "degrade", "health"; "version" is
 * checked by the caller) into a new *@out. RESCTL_EXIT_USAGE (printed) if
 * one is not valid.
 */
int resctl_ecfg_parse(struct json_object *root, const char *file, struct resctl_ecfg **out);
bool resctl_ecfg_key(const char *key);

/* Read the running state and decide what changes (prune: user checks). */
int resctl_ecfg_plan(struct resctl_ecfg *e, const char *file, bool prune);

/* The file adds policy @name (a check of it is dry-run without it). */
void resctl_ecfg_policy_added(struct resctl_ecfg *e, const char *name);

/* Send every change, as a dry run (@dry) or for real; 0 or the exit code. */
int resctl_ecfg_send(struct resctl_ecfg *e, const char *file, bool dry);

/* The rows of the report: "engine": [{"kind", "name", "action"}]. */
void resctl_ecfg_report(const struct resctl_ecfg *e);

void resctl_ecfg_free(struct resctl_ecfg *e);

/* Print "slo", "degrade" and "health" of the running state (JSON layer). */
int resctl_ecfg_dump(void);

/* The same keys for the values @e gives (resctl_config_print). */
void resctl_ecfg_print(const struct resctl_ecfg *e);

#endif /* RESCTL_CONFIG_H */
