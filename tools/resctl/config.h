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

#define RESCTL_CONFIG_VERSION	1

struct json_object;
struct resctl_ecfg;

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

#endif /* RESCTL_CONFIG_H */
