// SPDX-License-Identifier: GPL-2.0
/*
 * resctl degrade show|set|auto: the degradation level of the namespace.
 * "set" holds a level (for a while with --hold, else until "auto"); "auto"
 * hands it back to automatic control, which steps down one level per dwell
 * time while nothing asks for a higher one.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/dwcp_res.h>

#include "nl.h"
#include "print.h"
#include "prom.h"
#include "resctl.h"
#include "units.h"

int cmd_degrade_show(int argc, char **argv);
int cmd_degrade_set(int argc, char **argv);
int cmd_degrade_auto(int argc, char **argv);

#define LEVELS_HELP "normal, degraded, severely_degraded or emergency"

static int parse_level(const char *s, uint32_t *level)
{
	char buf[32];
	uint32_t i;
	size_t k;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	/* severely-degraded and severely_degraded alike */
	for (k = 0; s[k]; k++)
		buf[k] = s[k] == '-' ? '_' : s[k];
	buf[k] = 0;
	for (i = 0; i < __DWCP_RES_LEVEL_MAX; i++) {
		if (!strcmp(buf, prom_level_name(i))) {
			*level = i;
			return 0;
		}
	}
	return -EINVAL;
}

struct degrade_state {
	uint64_t a[DWCP_RES_A_MAX + 1];
};

static int degrade_reply(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct degrade_state *ds = arg;
	int i;

	(void)nlh;
	for (i = DWCP_RES_A_LEVEL; i <= DWCP_RES_A_DEGRADE_TIME_EMERGENCY_NS; i++)
		resctl_attr_uint(tb[i], &ds->a[i]);
	return 0;
}

int cmd_degrade_show(int argc, char **argv)
{
	static const char * const time_keys[__DWCP_RES_LEVEL_MAX] = {
		"time_normal_ns", "time_degraded_ns", "time_severely_degraded_ns",
		"time_emergency_ns",
	};
	static const char * const time_labels[__DWCP_RES_LEVEL_MAX] = {
		"time normal", "time degraded", "time severely_degraded",
		"time emergency",
	};
	struct degrade_state ds = { { 0 } };
	const char *name;
	char buf[UNITS_BUF];
	uint64_t hold;
	bool manual;
	int i, rc;

	(void)argv;
	if (argc)
		return resctl_usage_of("degrade", "show");
	rc = resctl_nl_call(DWCP_RES_CMD_DEGRADE_GET, 0, NULL, NULL, degrade_reply, &ds);
	if (rc)
		return rc;
	name = prom_level_name((unsigned int)ds.a[DWCP_RES_A_LEVEL]);
	manual = ds.a[DWCP_RES_A_DEGRADE_MANUAL];
	hold = ds.a[DWCP_RES_A_DEGRADE_HOLD_NS];
	print_open(NULL, NULL);
	print_str("level", "level", name ? name : "unknown");
	print_str("mode", "mode", manual ? "manual" : "auto");
	if (resctl_opts.json)
		print_u64("hold_ns", NULL, hold);
	else if (manual)
		print_str(NULL, "hold", hold ?
			  units_fmt_duration(buf, (hold + 999999) / 1000000 * 1000000) :
			  "until auto");
	print_u64("changes", "changes", ds.a[DWCP_RES_A_DEGRADE_CHANGES]);
	for (i = 0; i < __DWCP_RES_LEVEL_MAX; i++) {
		uint64_t t = ds.a[DWCP_RES_A_DEGRADE_TIME_NORMAL_NS + i];

		/* Human units, rounded to the millisecond. */
		print_unit(time_keys[i], time_labels[i], t,
			   units_fmt_duration(buf, t / 1000000 * 1000000));
	}
	print_flush();
	return RESCTL_EXIT_OK;
}

struct degrade_set {
	uint32_t level;
	uint64_t hold;
	bool has_hold;
	bool autom;
};

static int fill_set(struct nl_msg *msg, void *arg)
{
	const struct degrade_set *s = arg;

	if (s->autom)
		return nla_put_u8(msg, DWCP_RES_A_DEGRADE_AUTO, 1);
	if (nla_put_u32(msg, DWCP_RES_A_LEVEL, s->level) < 0)
		return -1;
	if (s->has_hold && nla_put_u64(msg, DWCP_RES_A_DEGRADE_HOLD_NS, s->hold) < 0)
		return -1;
	return 0;
}

int cmd_degrade_set(int argc, char **argv)
{
	struct degrade_set s = { 0 };
	int i;

	if (argc < 1)
		return resctl_usage_of("degrade", "set");
	if (parse_level(argv[0], &s.level))
		return resctl_usage_err("unknown level \"%s\"; levels are " LEVELS_HELP,
					argv[0]);
	for (i = 1; i < argc; i += 2) {
		const char *opt = argv[i];

		if (strcmp(opt, "--hold") && strcmp(opt, "hold"))
			return resctl_usage_err("unknown degrade set option \"%s\"; the option is --hold DURATION",
						opt);
		if (s.has_hold)
			return resctl_usage_err("--hold given twice");
		if (i + 1 >= argc)
			return resctl_usage_err("--hold needs a value");
		if (units_parse_duration(argv[i + 1], &s.hold) || !s.hold)
			return resctl_usage_err("--hold: bad value \"%s\", expected %s above 0",
						argv[i + 1], UNITS_HELP_DURATION);
		s.has_hold = true;
	}
	return resctl_nl_call(DWCP_RES_CMD_DEGRADE_SET, 0, fill_set, &s, NULL, NULL);
}

int cmd_degrade_auto(int argc, char **argv)
{
	struct degrade_set s = { .autom = true };

	(void)argv;
	if (argc)
		return resctl_usage_of("degrade", "auto");
	return resctl_nl_call(DWCP_RES_CMD_DEGRADE_SET, 0, fill_set, &s, NULL, NULL);
}
