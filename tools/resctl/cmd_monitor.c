// SPDX-License-Identifier: GPL-2.0
/*
 * resctl monitor [--count N]: join the "events" multicast group and print
 * one line per event as it arrives, stamped with the time it was received:
 *
 *   2026-01-31T12:00:00.123456 breaker send closed -> open epoch 2
 *   2026-01-31T12:00:00.123501 reject send breaker count 1
 *   2026-01-31T12:00:01.000003 chaos enabled
 *   2026-01-31T12:00:02.000042 policy web added
 *
 * With -j each event is one JSON object on its own line:
 *   {"time_ns":...,"event":"breaker","policy":"send","from":"closed",
 *    "to":"open","epoch":2}
 *
 * Runs until SIGINT or SIGTERM (exit 0), or until N events were printed.
 */
#define _GNU_SOURCE	/* ppoll */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/dwcp_res.h>
#include <netlink/genl/ctrl.h>

#include "names.h"
#include "nl.h"
#include "policy.h"
#include "print.h"
#include "prom.h"
#include "resctl.h"
#include "units.h"

struct monitor {
	int family;
	unsigned long long count;	/* stop after this many, 0 never */
	unsigned long long seen;
	int rejoin;			/* the reloaded module's events group */
};

static volatile sig_atomic_t monitor_stop;

static void on_signal(int sig)
{
	(void)sig;
	monitor_stop = 1;
}

static const char *const reject_names[] = {
	[DWCP_RES_REJECT_NONE] = "none",
	[DWCP_RES_REJECT_SHED] = "shed",
	[DWCP_RES_REJECT_BREAKER] = "breaker",
	[DWCP_RES_REJECT_RATE] = "rate",
	[DWCP_RES_REJECT_BULKHEAD_FULL] = "bulkhead-full",
	[DWCP_RES_REJECT_BULKHEAD_WAIT] = "bulkhead-wait",
	[DWCP_RES_REJECT_CHAOS] = "chaos",
};

static const char *const policy_event_names[] = {
	[DWCP_RES_POLICY_ADDED] = "added",
	[DWCP_RES_POLICY_CHANGED] = "changed",
	[DWCP_RES_POLICY_DELETED] = "deleted",
};

static const char *name_of(const char *const *names, size_t n, uint64_t v,
			   char *buf, size_t len)
{
	if (v < n && names[v])
		return names[v];
	snprintf(buf, len, "unknown(%" PRIu64 ")", v);
	return buf;
}

#define NAME_OF(names, v, buf) \
	name_of(names, sizeof(names) / sizeof(names[0]), v, buf, sizeof(buf))

static uint64_t attr_u(struct nlattr **tb, int type)
{
	uint64_t v = 0;

	resctl_attr_uint(tb[type], &v);
	return v;
}

/* JSON fields; text mode prints the one line built alongside instead. */
static void j_str(const char *key, const char *val)
{
	if (resctl_opts.json)
		print_str(key, key, val);
}

static void j_u64(const char *key, uint64_t val)
{
	if (resctl_opts.json)
		print_u64(key, key, val);
}

/* "2026-01-31T12:00:00.123456", local time. */
static void format_time(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	size_t n;

	localtime_r(&ts->tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06ld", ts->tv_nsec / 1000);
}

/*
 * nlctrl's "notify" group tells when the family goes (rmmod) and comes back
 * (modprobe). Its id and its group's id change with the reload: the group
 * membership of the old one is gone, so without this the monitor would
 * wait for ever, hearing nothing. Returns true if @nlh was nlctrl's.
 */
static bool on_ctrl(struct nlmsghdr *nlh, struct monitor *m)
{
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[CTRL_ATTR_MAX + 1], *g, *gtb[CTRL_ATTR_MCAST_GRP_MAX + 1];
	char name[GENL_NAMSIZ] = "";
	int rem;

	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return false;
	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, NULL) < 0 || !tb[CTRL_ATTR_FAMILY_NAME])
		return true;
	nla_strlcpy(name, tb[CTRL_ATTR_FAMILY_NAME], sizeof(name));
	if (strcmp(name, DWCP_RES_GENL_NAME))
		return true;
	if (gh->cmd == CTRL_CMD_DELFAMILY) {
		fprintf(stderr, "resctl: monitor: the dwcp_res module was unloaded; waiting for it\n");
		m->family = -1;
	} else if (gh->cmd == CTRL_CMD_NEWFAMILY && tb[CTRL_ATTR_FAMILY_ID]) {
		m->family = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
		nla_for_each_nested(g, tb[CTRL_ATTR_MCAST_GROUPS], rem) {
			if (nla_parse_nested(gtb, CTRL_ATTR_MCAST_GRP_MAX, g, NULL) < 0 ||
			    !gtb[CTRL_ATTR_MCAST_GRP_NAME] || !gtb[CTRL_ATTR_MCAST_GRP_ID])
				continue;
			if (!strcmp(nla_get_string(gtb[CTRL_ATTR_MCAST_GRP_NAME]),
				    DWCP_RES_MCGRP_EVENTS))
				m->rejoin = (int)nla_get_u32(gtb[CTRL_ATTR_MCAST_GRP_ID]);
		}
	}
	return true;
}

static int on_event(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct genlmsghdr *gh = nlmsg_data(nlh);
	struct nlattr *tb[DWCP_RES_A_MAX + 1];
	struct monitor *m = arg;
	char when[48], line[256], b1[32], b2[32];
	char policy[DWCP_RES_NAME_MAX] = "";
	struct timespec ts;

	if (on_ctrl(nlh, m))
		return NL_SKIP;
	if (nlh->nlmsg_type != m->family || (m->count && m->seen >= m->count))
		return NL_SKIP;
	if (genlmsg_parse(nlh, 0, tb, DWCP_RES_A_MAX, NULL) < 0)
		return NL_SKIP;
	clock_gettime(CLOCK_REALTIME, &ts);
	if (tb[DWCP_RES_A_POLICY_NAME])
		nla_strlcpy(policy, tb[DWCP_RES_A_POLICY_NAME], sizeof(policy));

	if (resctl_opts.json)
		print_open(NULL, NULL);
	j_u64("time_ns", (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec);
	switch (gh->cmd) {
	case DWCP_RES_CMD_EVENT_BREAKER: {
		uint64_t epoch = attr_u(tb, DWCP_RES_A_EVENT_BREAKER_EPOCH);
		const char *from, *to;

		from = resctl_breaker_state_name(attr_u(tb, DWCP_RES_A_EVENT_BREAKER_FROM),
						 b1, sizeof(b1));
		to = resctl_breaker_state_name(attr_u(tb, DWCP_RES_A_EVENT_BREAKER_TO),
					       b2, sizeof(b2));

		j_str("event", "breaker");
		j_str("policy", policy);
		j_str("from", from);
		j_str("to", to);
		j_u64("epoch", epoch);
		snprintf(line, sizeof(line), "breaker %s %s -> %s epoch %" PRIu64,
			 policy, from, to, epoch);
		break;
	}
	case DWCP_RES_CMD_EVENT_REJECT: {
		const char *reason = NAME_OF(reject_names,
					     attr_u(tb, DWCP_RES_A_EVENT_REJECT_REASON), b1);
		uint64_t count = attr_u(tb, DWCP_RES_A_EVENT_REJECT_COUNT);
		/* Shadow mode: the calls went through; say so first. */
		bool shadow = tb[DWCP_RES_A_EVENT_SHADOW];

		j_str("event", "reject");
		j_str("policy", policy);
		j_str("reason", reason);
		j_u64("count", count);
		if (resctl_opts.json && shadow)
			print_bool("shadow", "shadow", true);
		snprintf(line, sizeof(line), "reject %s %s count %" PRIu64 "%s", policy, reason,
			 count, shadow ? " shadow" : "");
		break;
	}
	case DWCP_RES_CMD_EVENT_CHAOS: {
		bool on = attr_u(tb, DWCP_RES_A_CHAOS_ENABLED);

		j_str("event", "chaos");
		if (resctl_opts.json)
			print_bool("enabled", "enabled", on);
		snprintf(line, sizeof(line), "chaos %s", on ? "enabled" : "disabled");
		break;
	}
	case DWCP_RES_CMD_EVENT_POLICY: {
		const char *what = NAME_OF(policy_event_names,
					   attr_u(tb, DWCP_RES_A_EVENT_POLICY), b1);

		j_str("event", "policy");
		j_str("policy", policy);
		j_str("action", what);
		snprintf(line, sizeof(line), "policy %s %s", policy, what);
		break;
	}
	case DWCP_RES_CMD_EVENT_LEVEL: {
		const char *from = prom_level_name(attr_u(tb, DWCP_RES_A_LEVEL_FROM));
		const char *to = prom_level_name(attr_u(tb, DWCP_RES_A_LEVEL));
		bool manual = attr_u(tb, DWCP_RES_A_DEGRADE_MANUAL);
		char cause[80];

		from = from ? from : "unknown";
		to = to ? to : "unknown";
		resctl_trigger_names(attr_u(tb, DWCP_RES_A_LEVEL_CAUSE), cause, sizeof(cause));
		j_str("event", "level");
		j_str("from", from);
		j_str("to", to);
		j_str("mode", manual ? "manual" : "auto");
		j_str("cause", cause);
		snprintf(line, sizeof(line), "level %s -> %s (%s%s%s)", from, to,
			 manual ? "manual" : "auto", cause[0] ? ": " : "", cause);
		break;
	}
	case DWCP_RES_CMD_EVENT_ALERT: {
		struct nlattr *b[DWCP_RES_B_MAX + 1] = { NULL };
		uint64_t to = 0, from = 0, left = 0;
		char a1[64], a2[64];

		if (tb[DWCP_RES_A_BUDGET])
			nla_parse_nested(b, DWCP_RES_B_MAX, tb[DWCP_RES_A_BUDGET], NULL);
		resctl_attr_uint(b[DWCP_RES_B_ALERTS], &to);
		resctl_attr_uint(b[DWCP_RES_B_ALERTS_FROM], &from);
		resctl_attr_uint(b[DWCP_RES_B_REMAINING_PPM], &left);
		resctl_alert_names(from, a1, sizeof(a1));
		resctl_alert_names(to, a2, sizeof(a2));
		j_str("event", "alert");
		j_str("budget", policy);
		j_u64("alerts", to);
		j_u64("alerts_from", from);
		j_u64("remaining_ppm", left);
		snprintf(line, sizeof(line), "alert %s %s -> %s remaining %s", policy, a1, a2,
			 units_fmt_ppm(b1, left));
		break;
	}
	case DWCP_RES_CMD_EVENT_HEALTH: {
		struct nlattr *h[DWCP_RES_HC_MAX + 1] = { NULL };
		char check[DWCP_RES_NAME_MAX] = "";
		const char *lvl;
		uint64_t healthy = 0, level = 0;
		int64_t value = 0;

		if (tb[DWCP_RES_A_HEALTH])
			nla_parse_nested(h, DWCP_RES_HC_MAX, tb[DWCP_RES_A_HEALTH], NULL);
		if (h[DWCP_RES_HC_NAME])
			nla_strlcpy(check, h[DWCP_RES_HC_NAME], sizeof(check));
		resctl_attr_uint(h[DWCP_RES_HC_HEALTHY], &healthy);
		resctl_attr_uint(h[DWCP_RES_HC_LEVEL], &level);
		if (h[DWCP_RES_HC_VALUE])
			value = nla_get_s64(h[DWCP_RES_HC_VALUE]);
		lvl = prom_level_name((unsigned int)level);
		j_str("event", "health");
		j_str("check", check);
		if (resctl_opts.json) {
			print_bool("healthy", "healthy", healthy);
			print_s64("value", "value", value);
		}
		j_str("level", lvl ? lvl : "unknown");
		snprintf(line, sizeof(line), "health %s %s value %lld", check,
			 healthy ? "healthy" : "unhealthy", (long long)value);
		break;
	}
	default:
		/* A newer module's event: say so rather than drop it. */
		j_str("event", "unknown");
		j_u64("cmd", gh->cmd);
		snprintf(line, sizeof(line), "unknown event %u", gh->cmd);
		break;
	}
	if (resctl_opts.json) {
		print_close();
		print_flush();
	} else {
		format_time(&ts, when, sizeof(when));
		printf("%s %s\n", when, line);
		fflush(stdout);
	}
	m->seen++;
	return NL_OK;
}

static int parse_args(int argc, char **argv, struct monitor *m)
{
	char *end;

	if (argc == 0)
		return 0;
	if (argc != 2 || (strcmp(argv[0], "--count") && strcmp(argv[0], "count")))
		return resctl_usage_of("monitor", NULL);
	errno = 0;
	m->count = strtoull(argv[1], &end, 10);
	if (errno || end == argv[1] || *end || argv[1][0] == '-' || !m->count)
		return resctl_usage_err("--count: bad value \"%s\", expected a whole number > 0",
					argv[1]);
	return 0;
}

/* Join the group; prints why and returns -1 on failure. */
static int subscribe(struct resctl_nl *nl, struct monitor *m)
{
	int grp, ctrl, err;

	grp = genl_ctrl_resolve_grp(nl->sk, DWCP_RES_GENL_NAME, DWCP_RES_MCGRP_EVENTS);
	if (grp < 0) {
		fprintf(stderr, "resctl: the module has no \"%s\" group: %s\n",
			DWCP_RES_MCGRP_EVENTS, nl_geterror(grp));
		return -1;
	}
	ctrl = genl_ctrl_resolve_grp(nl->sk, "nlctrl", "notify");
	nl_socket_disable_seq_check(nl->sk);
	err = nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, on_event, m);
	if (!err)
		err = nl_socket_add_membership(nl->sk, grp);
	/* Best effort: without it a reload is not followed. */
	if (!err && ctrl >= 0 && nl_socket_add_membership(nl->sk, ctrl))
		fprintf(stderr, "resctl: monitor: cannot follow module reloads\n");
	if (!err)
		err = nl_socket_set_nonblocking(nl->sk);
	if (err) {
		fprintf(stderr, "resctl: cannot join the events group: %s\n", nl_geterror(err));
		return -1;
	}
	/* Room for bursts (best effort: capped by net.core.rmem_max). */
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 0);
	return 0;
}

int cmd_monitor(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	struct monitor m = { 0 };
	sigset_t block, orig;
	struct resctl_nl nl;
	int rc = RESCTL_EXIT_OK;
	struct pollfd pfd;
	int err;

	err = parse_args(argc, argv, &m);
	if (err)
		return err;
	/*
	 * The signals stay blocked but inside ppoll(), so one that comes
	 * between the check of monitor_stop and the wait is not missed; no
	 * SA_RESTART, so it ends the wait.
	 */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &orig);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	if (resctl_nl_open(&nl))
		return RESCTL_EXIT_FAIL;
	m.family = nl.family;
	if (subscribe(&nl, &m)) {
		resctl_nl_close(&nl);
		return RESCTL_EXIT_FAIL;
	}
	pfd.fd = nl_socket_get_fd(nl.sk);
	pfd.events = POLLIN;
	while (!monitor_stop && (!m.count || m.seen < m.count)) {
		if (ppoll(&pfd, 1, NULL, &orig) < 0) {
			if (errno == EINTR)
				continue;
			perror("resctl: poll");
			rc = RESCTL_EXIT_FAIL;
			break;
		}
		err = nl_recvmsgs_default(nl.sk);
		if (m.rejoin > 0) {
			if (nl_socket_add_membership(nl.sk, m.rejoin))
				fprintf(stderr, "resctl: monitor: cannot rejoin the events group\n");
			else
				fprintf(stderr, "resctl: monitor: the dwcp_res module is back; events follow\n");
			m.rejoin = 0;
		}
		if (err == -NLE_NOMEM) {
			/* ENOBUFS: the kernel dropped events we were too slow for. */
			fprintf(stderr, "resctl: events were lost (receive buffer full)\n");
		} else if (err < 0 && err != -NLE_AGAIN) {
			fprintf(stderr, "resctl: receive failed: %s\n", nl_geterror(err));
			rc = RESCTL_EXIT_FAIL;
			break;
		}
	}
	resctl_nl_close(&nl);
	return rc;
}
