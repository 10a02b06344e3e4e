/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RESCTL_H
#define RESCTL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Exit codes, documented in resctl(8) and README.md:
 *   0  the operation succeeded
 *   1  the operation failed (module missing, permission, kernel error)
 *   2  usage error (unknown command, bad argument); nothing was sent
 */
enum {
	RESCTL_EXIT_OK = 0,
	RESCTL_EXIT_FAIL = 1,
	RESCTL_EXIT_USAGE = 2,
};

struct resctl_opts {
	bool json;
	bool pretty;
};

extern struct resctl_opts resctl_opts;

/*
 * One resctl command, iw style: the table in resctl.c is the single source
 * of dispatch and of the help text. A command is "SECTION" alone (name
 * NULL) or "SECTION NAME"; the handler gets the arguments after it.
 */
struct resctl_cmd {
	const char *section;
	const char *name;
	const char *args;	/* synopsis of the arguments, for help */
	const char *help;	/* one line */
	int (*handler)(int argc, char **argv);
};

extern const struct resctl_cmd resctl_cmds[];

/* Run the command of argv[0] (argv[1]); what main() does after the options. */
int resctl_dispatch(int argc, char **argv);
/* The table entry that resctl_dispatch() would run, or NULL. */
const struct resctl_cmd *resctl_cmd_find(int argc, char **argv);
bool resctl_section_exists(const char *section);
/* The help: every command, or @section's only, and the options. */
void resctl_usage(FILE *out, const char *section);
/*
 * "resctl help commands|keys|kinds|profiles": one item a line, for shell
 * completion and scripts; -1 if @topic is none of them.
 */
int resctl_print_listing(const char *topic);

/*
 * Print "resctl: usage: resctl SECTION NAME ARGS" to stderr (every command
 * of SECTION if @name is NULL); returns RESCTL_EXIT_USAGE.
 */
int resctl_usage_of(const char *section, const char *name);

/* Print "resctl: " + message to stderr and return RESCTL_EXIT_USAGE. */
int resctl_usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Check a policy name as the kernel will (1..31 of [A-Za-z0-9_.-]); prints
 * what is wrong and returns false if it is not valid.
 */
bool resctl_name_ok(const char *name);

int cmd_version(int argc, char **argv);

int cmd_policy_list(int argc, char **argv);
int cmd_policy_show(int argc, char **argv);
int cmd_policy_add(int argc, char **argv);
int cmd_policy_set(int argc, char **argv);
int cmd_policy_del(int argc, char **argv);
/* The KEY list of "policy add/set", for the help text. */
void policy_print_keys(FILE *out);

int cmd_breaker_show(int argc, char **argv);
int cmd_breaker_reset(int argc, char **argv);
int cmd_breaker_force_open(int argc, char **argv);
int cmd_breaker_disable(int argc, char **argv);
int cmd_breaker_enable(int argc, char **argv);

int cmd_chaos_show(int argc, char **argv);
int cmd_chaos_enable(int argc, char **argv);
int cmd_chaos_disable(int argc, char **argv);
int cmd_chaos_inject(int argc, char **argv);
int cmd_chaos_clear(int argc, char **argv);
void chaos_print_kinds(FILE *out);

/* "normal", "degraded", "severely_degraded" (or -degraded), "emergency". */
int resctl_parse_level(const char *s, uint32_t *level);

int cmd_health_list(int argc, char **argv);
int cmd_health_show(int argc, char **argv);
int cmd_health_add(int argc, char **argv);
int cmd_health_set(int argc, char **argv);
int cmd_health_del(int argc, char **argv);
void health_print_metrics(FILE *out);
int resctl_metric_parse(const char *s, uint32_t *m);
const char *resctl_metric_name(uint64_t m);

int cmd_slo_show(int argc, char **argv);
int cmd_slo_set(int argc, char **argv);

int cmd_degrade_triggers(int argc, char **argv);

/* Until SIGINT/SIGTERM (exit 0) or --count N events. */
int cmd_monitor(int argc, char **argv);

#endif /* RESCTL_H */
