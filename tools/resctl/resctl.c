// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: configure and observe the dwcp_res kernel module.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/dwcp_res.h>

#include "resctl.h"

struct resctl_opts resctl_opts;

/* cmd_batch.c, cmd_apply.c */
int cmd_batch(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_dump_config(int argc, char **argv);
/* cmd_metrics.c, cmd_status.c, cmd_exec.c */
int cmd_metrics(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_exec(int argc, char **argv);
/* cmd_degrade.c */
int cmd_degrade_show(int argc, char **argv);
int cmd_degrade_set(int argc, char **argv);
int cmd_degrade_auto(int argc, char **argv);

#define CHAOS_INJECT_ARGS \
	"POLICY KIND [probability P%] [interval N] [times N|unlimited] " \
	"[min V] [max V] [value V] [seed N] [peer ADDR[/PREFIX]]"

const struct resctl_cmd resctl_cmds[] = {
	{ "version", NULL, "", "print resctl's version and the loaded module's", cmd_version },
	{ "policy", "list", "", "one line per policy: priority, breaker, counters",
	  cmd_policy_list },
	{ "policy", "show", "NAME", "a policy's whole configuration and statistics",
	  cmd_policy_show },
	{ "policy", "add", "NAME [base PROFILE] [KEY VALUE]...",
	  "add a policy: PROFILE's values (default send), then the KEYs", cmd_policy_add },
	{ "policy", "set", "NAME KEY VALUE...",
	  "change some values; the policy keeps its state", cmd_policy_set },
	{ "policy", "del", "[--force] NAME",
	  "delete a policy (--force: even with calls in flight)", cmd_policy_del },
	{ "breaker", "show", "[NAME]", "circuit breaker state of each policy (or one)",
	  cmd_breaker_show },
	{ "breaker", "reset", "NAME", "close the breaker and clear its window",
	  cmd_breaker_reset },
	{ "breaker", "force-open", "NAME", "reject every call until reset or enable",
	  cmd_breaker_force_open },
	{ "breaker", "disable", "NAME", "admit every call, never trip", cmd_breaker_disable },
	{ "breaker", "enable", "NAME", "back to closed after disable or force-open",
	  cmd_breaker_enable },
	{ "chaos", "show", "", "whether chaos is allowed and enabled, armed faults",
	  cmd_chaos_show },
	{ "chaos", "enable", "", "let armed faults fire (needs chaos_allowed=1)",
	  cmd_chaos_enable },
	{ "chaos", "disable", "", "stop injecting; faults stay armed", cmd_chaos_disable },
	{ "chaos", "inject", CHAOS_INJECT_ARGS,
	  "arm a fault on a policy (probability 0% disarms it)", cmd_chaos_inject },
	{ "chaos", "clear", "", "disarm every fault", cmd_chaos_clear },
	{ "degrade", "show", "", "degradation level, manual or auto, time at each level",
	  cmd_degrade_show },
	{ "degrade", "set", "LEVEL [--hold DURATION]",
	  "hold a level (normal degraded severely_degraded emergency)", cmd_degrade_set },
	{ "degrade", "auto", "", "hand the level back to automatic control", cmd_degrade_auto },
	{ "degrade", "triggers", "KEY VALUE...",
	  "tune automatic control: enabled, error-rate, min-events, window, tick, dwell...",
	  cmd_degrade_triggers },
	{ "slo", "show", "[NAME]", "error budgets: SLO, success, budget left, burn rates, alerts",
	  cmd_slo_show },
	{ "slo", "set", "NAME [target P%] [window DUR] [buckets N] [min-events N]",
	  "change a policy's SLO, or the system one (NAME system)", cmd_slo_set },
	{ "health", "list", "", "health checks: state, metric, value, threshold, level",
	  cmd_health_list },
	{ "health", "show", "NAME", "one health check in full, with its counters",
	  cmd_health_show },
	{ "health", "add", "NAME metric M [policy P] [min V] [max V] [interval DUR] ...",
	  "add a threshold check over a metric (see help health)", cmd_health_add },
	{ "health", "set", "NAME KEY VALUE...",
	  "change a check (built-in ones too): min max interval timeout rise fall level enabled",
	  cmd_health_set },
	{ "health", "del", "NAME", "delete a user's check", cmd_health_del },
	{ "monitor", NULL, "[--count N]",
	  "print events (breaker, reject, chaos, policy, level, alert, health)", cmd_monitor },
	{ "metrics", NULL, "[POLICY] [--format FMT] [--interval DUR] [--output FILE]",
	  "per-policy counters, rates, latency; FMT text|json|prometheus",
	  cmd_metrics },
	{ "status", NULL, "", "the system at a glance: module, chaos, level, breakers",
	  cmd_status },
	{ "exec", NULL, "[--class C | --send-class S --recv-class R] [--debug] -- CMD [ARG]...",
	  "run CMD with its TCP sockets under dwcp_res (LD_PRELOAD shim)", cmd_exec },
	{ "batch", NULL, "[--force] FILE",
	  "run the commands of FILE (- for stdin), one a line, on one socket", cmd_batch },
	{ "apply", NULL, "CONFIG [--check] [--prune]",
	  "make the configuration match CONFIG, all or nothing (see dump-config)", cmd_apply },
	{ "dump-config", NULL, "",
	  "print the running configuration as a CONFIG file (version 1)", cmd_dump_config },
	{ "help", NULL, "[SECTION]", "show this help (or one section's)", NULL },
	{ NULL, NULL, NULL, NULL, NULL },
};

#define SYNOPSIS_WIDTH 34

/* "SECTION [NAME] [ARGS]" into @syn; returns its length. */
static int synopsis(char *syn, size_t len, const struct resctl_cmd *c)
{
	return snprintf(syn, len, "%s%s%s%s%s", c->section,
			c->name ? " " : "", c->name ? c->name : "",
			c->args[0] ? " " : "", c->args);
}

static void print_cmd(FILE *out, const char *lead, const struct resctl_cmd *c)
{
	char syn[256];
	int n;

	n = synopsis(syn, sizeof(syn), c);
	if (n <= SYNOPSIS_WIDTH)
		fprintf(out, "%s%-*s %s\n", lead, SYNOPSIS_WIDTH, syn, c->help);
	else
		fprintf(out, "%s%s\n%s%-*s %s\n", lead, syn, lead, SYNOPSIS_WIDTH, "",
			c->help);
}

bool resctl_section_exists(const char *section)
{
	const struct resctl_cmd *c;

	for (c = resctl_cmds; c->section; c++)
		if (!strcmp(c->section, section))
			return true;
	return false;
}

/* The extra help of a section: what its KEYs and KINDs may be. */
static void print_section_extra(FILE *out, const char *section)
{
	if (!section)
		fprintf(out, "\n\"resctl help policy\" lists the policy KEYs, "
			"\"resctl help chaos\" the fault KINDs, "
			"\"resctl help health\" the check METRICs.\n");
	else if (!strcmp(section, "policy"))
		policy_print_keys(out);
	else if (!strcmp(section, "chaos"))
		chaos_print_kinds(out);
	else if (!strcmp(section, "health"))
		health_print_metrics(out);
}

/*
 * Re-emit the "    KEY   FORM" lines of a help section (policy_print_keys(),
 * chaos_print_kinds()) as "KEY<TAB>FORM", so that the listing for scripts
 * comes from the same tables as the help and cannot drift from it.
 */
static int print_help_table(void (*print)(FILE *out))
{
	char *buf = NULL, *line, *form, *save = NULL;
	size_t len = 0;
	FILE *mem;

	mem = open_memstream(&buf, &len);
	if (!mem) {
		perror("resctl: open_memstream");
		return RESCTL_EXIT_FAIL;
	}
	print(mem);
	if (fclose(mem)) {
		perror("resctl: open_memstream");
		free(buf);
		return RESCTL_EXIT_FAIL;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "    ", 4) || line[4] == ' ')
			continue;
		line += 4;
		form = line + strcspn(line, " ");
		if (*form)
			*form++ = '\0';
		form += strspn(form, " ");
		printf("%s\t%s\n", line, form);
	}
	free(buf);
	return RESCTL_EXIT_OK;
}

/*
 * "resctl help commands|keys|kinds|profiles": one item a line, for shell
 * completion and scripts (documented in resctl(8), not in the help):
 * each command's synopsis, each policy KEY<TAB>its value form, each chaos
 * KIND<TAB>its value form, the profiles "policy add ... base" starts from.
 * Returns -1 if @topic is none of them.
 */
int resctl_print_listing(const char *topic)
{
	static const char * const profiles[] = {
		DWCP_RES_CLASS_SEND, DWCP_RES_CLASS_RECEIVE,
		DWCP_RES_CLASS_SYNC, DWCP_RES_CLASS_CONSENSUS, NULL,
	};
	const char * const *p;
	const struct resctl_cmd *c;
	char syn[256];

	if (!strcmp(topic, "commands")) {
		for (c = resctl_cmds; c->section; c++) {
			synopsis(syn, sizeof(syn), c);
			printf("%s\n", syn);
		}
		return RESCTL_EXIT_OK;
	}
	if (!strcmp(topic, "keys"))
		return print_help_table(policy_print_keys);
	if (!strcmp(topic, "kinds"))
		return print_help_table(chaos_print_kinds);
	if (!strcmp(topic, "profiles")) {
		for (p = profiles; *p; p++)
			printf("%s\n", *p);
		return RESCTL_EXIT_OK;
	}
	return -1;
}

void resctl_usage(FILE *out, const char *section)
{
	const struct resctl_cmd *c;

	fprintf(out,
		"usage: resctl [OPTIONS] COMMAND [ARGS]\n"
		"\n"
		"options:\n"
		"  -j, --json     print JSON\n"
		"  -p, --pretty   pretty-print JSON (with -j)\n"
		"  -h, --help     show this help\n"
		"  -V, --version  same as the version command\n"
		"\n"
		"commands:\n");
	for (c = resctl_cmds; c->section; c++)
		if (!section || !strcmp(section, c->section))
			print_cmd(out, "  ", c);
	print_section_extra(out, section);
	fprintf(out,
		"\n"
		"units: durations ns us ms s min h d (1.5s); rates 500/s 1k/s (calls: k=1000,\n"
		"  bytes: k=1024); sizes 64k 10M (1024-based); percentages 99.9%%\n"
		"\n"
		"exit status: 0 ok, 1 operation failed, 2 usage error\n");
}

int resctl_usage_of(const char *section, const char *name)
{
	const struct resctl_cmd *c;

	for (c = resctl_cmds; c->section; c++) {
		if (strcmp(c->section, section))
			continue;
		if (name && (!c->name || strcmp(c->name, name)))
			continue;
		fprintf(stderr, "resctl: usage: resctl %s%s%s%s%s\n", c->section,
			c->name ? " " : "", c->name ? c->name : "",
			c->args[0] ? " " : "", c->args);
	}
	return RESCTL_EXIT_USAGE;
}

int resctl_usage_err(const char *fmt, ...)
{
	va_list ap;

	fputs("resctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return RESCTL_EXIT_USAGE;
}

bool resctl_name_ok(const char *name)
{
	size_t len = strlen(name), i;

	if (!len || len >= DWCP_RES_NAME_MAX) {
		resctl_usage_err("policy name \"%s\" must be 1..%d characters", name,
				 DWCP_RES_NAME_MAX - 1);
		return false;
	}
	for (i = 0; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-' || ch == '.')) {
			resctl_usage_err("policy name \"%s\" may only hold letters, digits, '_', '-' and '.'",
					 name);
			return false;
		}
	}
	return true;
}

const struct resctl_cmd *resctl_cmd_find(int argc, char **argv)
{
	const struct resctl_cmd *c;

	for (c = resctl_cmds; c->section; c++) {
		if (!c->handler || strcmp(c->section, argv[0]))
			continue;
		if (!c->name || (argc >= 2 && !strcmp(c->name, argv[1])))
			return c;
	}
	return NULL;
}

int resctl_dispatch(int argc, char **argv)
{
	const char *section = argv[0];
	const struct resctl_cmd *c;

	for (c = resctl_cmds; c->section; c++) {
		if (!c->handler || strcmp(c->section, section))
			continue;
		if (!c->name)
			return c->handler(argc - 1, argv + 1);
		if (argc >= 2 && !strcmp(c->name, argv[1]))
			return c->handler(argc - 2, argv + 2);
	}
	if (!resctl_section_exists(section)) {
		fprintf(stderr, "resctl: unknown command \"%s\" (try \"resctl help\")\n",
			section);
		return RESCTL_EXIT_USAGE;
	}
	if (argc >= 2 && !strcmp(argv[1], "help")) {
		resctl_usage(stdout, section);
		return RESCTL_EXIT_OK;
	}
	/* "resctl health" and "resctl slo" alone show, like "ip link". */
	if (argc < 2 && !strcmp(section, "health"))
		return cmd_health_list(0, argv + 1);
	if (argc < 2 && !strcmp(section, "slo"))
		return cmd_slo_show(0, argv + 1);
	if (argc < 2)
		fprintf(stderr, "resctl: \"%s\" needs a command\n", section);
	else
		fprintf(stderr, "resctl: unknown %s command \"%s\"\n", section, argv[1]);
	return resctl_usage_of(section, NULL);
}
