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

#include "names.h"
#include "nl.h"
#include "print.h"
#include "prom.h"
#include "resctl.h"
#include "units.h"

int cmd_degrade_show(int argc, char **argv);
int cmd_degrade_set(int argc, char **argv);
int cmd_degrade_auto(int argc, char **argv);

#define LEVELS_HELP "normal, degraded, severely_degraded or emergency"

int resctl_parse_level(const char *s, uint32_t *level)
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
	uint64_t t[DWCP_RES_TRIG_MAX + 1];
	bool has_trigger;
};

static int degrade_reply(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct nlattr *t[DWCP_RES_TRIG_MAX + 1];
	struct degrade_state *ds = arg;
	int i;

	(void)nlh;
	for (i = DWCP_RES_A_LEVEL; i <= DWCP_RES_A_DEGRADE_TIME_EMERGENCY_NS; i++)
		resctl_attr_uint(tb[i], &ds->a[i]);
	if (tb[DWCP_RES_A_TRIGGER] &&
	    !nla_parse_nested(t, DWCP_RES_TRIG_MAX, tb[DWCP_RES_A_TRIGGER], NULL)) {
		ds->has_trigger = true;
		for (i = 0; i <= DWCP_RES_TRIG_MAX; i++)
			resctl_attr_uint(t[i], &ds->t[i]);
	}
	return 0;
}

/* The automatic control: what acts, its thresholds, what each input asks. */
static void print_triggers(const uint64_t *t)
{
	static const struct { int attr; const char *key; const char *label; } in[] = {
		{ DWCP_RES_TRIG_IN_BUDGET, "budget", "budget" },
		{ DWCP_RES_TRIG_IN_HEALTH, "health", "health" },
		{ DWCP_RES_TRIG_IN_ERROR_RATE, "error_rate", "error-rate" },
		{ DWCP_RES_TRIG_IN_LATENCY, "latency", "latency" },
		{ DWCP_RES_TRIG_IN_EXTERNAL, "external", "external" },
	};
	char buf[UNITS_BUF], names[80];
	size_t i;

	print_open("triggers", "triggers");
	if (resctl_opts.json)
		print_u64("enabled", NULL, t[DWCP_RES_TRIG_ENABLED]);
	else
		print_str(NULL, "enabled",
			  resctl_trigger_names(t[DWCP_RES_TRIG_ENABLED], names, sizeof(names))[0] ?
			  names : "none");
	print_unit("error_ppm", "error-rate", t[DWCP_RES_TRIG_ERROR_PPM],
		   units_fmt_ppm(buf, t[DWCP_RES_TRIG_ERROR_PPM]));
	print_u64("min_events", "min-events", t[DWCP_RES_TRIG_MIN_EVENTS]);
	print_unit("window_ns", "window", t[DWCP_RES_TRIG_WINDOW_NS],
		   units_fmt_duration(buf, t[DWCP_RES_TRIG_WINDOW_NS]));
	print_unit("tick_ns", "tick", t[DWCP_RES_TRIG_TICK_NS],
		   units_fmt_duration(buf, t[DWCP_RES_TRIG_TICK_NS]));
	print_unit("up_dwell_ns", "up-dwell", t[DWCP_RES_TRIG_UP_DWELL_NS],
		   units_fmt_duration(buf, t[DWCP_RES_TRIG_UP_DWELL_NS]));
	print_unit("min_dwell_ns", "dwell", t[DWCP_RES_TRIG_MIN_DWELL_NS],
		   units_fmt_duration(buf, t[DWCP_RES_TRIG_MIN_DWELL_NS]));
	print_unit("hyst_permille", "hysteresis", t[DWCP_RES_TRIG_HYST_PERMILLE],
		   units_fmt_permille(buf, t[DWCP_RES_TRIG_HYST_PERMILLE]));
	print_unit("error_now_ppm", "error rate now", t[DWCP_RES_TRIG_ERROR_NOW_PPM],
		   units_fmt_ppm(buf, t[DWCP_RES_TRIG_ERROR_NOW_PPM]));
	print_u64("window_events", "window events", t[DWCP_RES_TRIG_WINDOW_EVENTS]);
	print_unit("latency_permille", "worst latency/target",
		   t[DWCP_RES_TRIG_LATENCY_PERMILLE],
		   units_fmt_permille(buf, t[DWCP_RES_TRIG_LATENCY_PERMILLE]));
	print_close();
	print_open("inputs", "inputs");
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		const char *l = prom_level_name((unsigned int)t[in[i].attr]);

		print_str(in[i].key, in[i].label, l ? l : "unknown");
	}
	print_close();
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
	struct degrade_state ds;
	const char *name;
	char buf[UNITS_BUF];
	uint64_t hold;
	bool manual;
	int i, rc;

	(void)argv;
	if (argc)
		return resctl_usage_of("degrade", "show");
	memset(&ds, 0, sizeof(ds));
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
	if (ds.has_trigger)
		print_triggers(ds.t);
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
	if (resctl_parse_level(argv[0], &s.level))
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

struct trig_req {
	bool has[DWCP_RES_TRIG_MAX + 1];
	uint64_t v[DWCP_RES_TRIG_MAX + 1];
};

static int fill_triggers(struct nl_msg *msg, void *arg)
{
	const struct trig_req *r = arg;
	struct nlattr *nest = nla_nest_start(msg, DWCP_RES_A_TRIGGER);
	int i, rc = 0;

	if (!nest)
		return -1;
	for (i = 0; i <= DWCP_RES_TRIG_MAX; i++) {
		if (!r->has[i])
			continue;
		switch (i) {
		case DWCP_RES_TRIG_WINDOW_NS:
		case DWCP_RES_TRIG_TICK_NS:
		case DWCP_RES_TRIG_UP_DWELL_NS:
		case DWCP_RES_TRIG_MIN_DWELL_NS:
			rc |= nla_put_u64(msg, i, r->v[i]);
			break;
		default:
			rc |= nla_put_u32(msg, i, (uint32_t)r->v[i]);
		}
	}
	nla_nest_end(msg, nest);
	return rc < 0 ? -1 : 0;
}

#define TRIGGER_KEYS "enabled, error-rate, min-events, window, tick, up-dwell, dwell, hysteresis"

/* resctl degrade triggers KEY VALUE...: tune the automatic control. */
int cmd_degrade_triggers(int argc, char **argv)
{
	static const struct { const char *key; int attr; char kind; } keys[] = {
		{ "enabled", DWCP_RES_TRIG_ENABLED, 'b' },
		{ "error-rate", DWCP_RES_TRIG_ERROR_PPM, 'p' },
		{ "min-events", DWCP_RES_TRIG_MIN_EVENTS, 'n' },
		{ "window", DWCP_RES_TRIG_WINDOW_NS, 'd' },
		{ "tick", DWCP_RES_TRIG_TICK_NS, 'd' },
		{ "up-dwell", DWCP_RES_TRIG_UP_DWELL_NS, 'd' },
		{ "dwell", DWCP_RES_TRIG_MIN_DWELL_NS, 'd' },
		{ "hysteresis", DWCP_RES_TRIG_HYST_PERMILLE, 'm' },
	};
	struct trig_req r;
	int i;

	if (argc < 2 || argc % 2)
		return resctl_usage_of("degrade", "triggers");
	memset(&r, 0, sizeof(r));
	for (i = 0; i < argc; i += 2) {
		const char *k = argv[i], *v = argv[i + 1];
		uint32_t x32 = 0;
		size_t j;
		int err;

		for (j = 0; j < sizeof(keys) / sizeof(keys[0]); j++)
			if (!strcmp(k, keys[j].key))
				break;
		if (j == sizeof(keys) / sizeof(keys[0]))
			return resctl_usage_err("unknown key \"%s\"; keys are " TRIGGER_KEYS, k);
		switch (keys[j].kind) {
		case 'b':
			err = resctl_trigger_parse(v, &x32);
			break;
		case 'p':
			err = units_parse_ppm(v, &x32);
			break;
		case 'm':
			err = units_parse_permille(v, &x32);
			break;
		case 'n':
			err = units_parse_u32(v, &x32);
			break;
		default:
			err = units_parse_duration(v, &r.v[keys[j].attr]);
			break;
		}
		if (err)
			return resctl_usage_err("%s: bad value \"%s\"%s", k, v,
						keys[j].kind == 'b' ?
						"; a list of budget, health, error-rate, latency, external, or all or none" :
						"");
		if (keys[j].kind != 'd')
			r.v[keys[j].attr] = x32;
		if (r.has[keys[j].attr])
			return resctl_usage_err("%s given twice", k);
		r.has[keys[j].attr] = true;
	}
	return resctl_nl_call(DWCP_RES_CMD_DEGRADE_SET, 0, fill_triggers, &r, NULL, NULL);
}
