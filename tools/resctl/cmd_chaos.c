// SPDX-License-Identifier: GPL-2.0
/*
 * resctl chaos show|enable|disable|inject|clear: fault injection. Nothing is
 * injected unless the module was loaded with chaos_allowed=1 and chaos is
 * enabled in the namespace; "inject" only arms a fault on a policy.
 */
#define _GNU_SOURCE	/* strerrorname_np */
#include <errno.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/dwcp_res.h>

#include "nl.h"
#include "print.h"
#include "resctl.h"
#include "units.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What a fault's value (its [min, max] range) means. */
enum fvalue { FV_DURATION, FV_ERRNO, FV_BYTES };

static const struct {
	const char *name;
	enum fvalue value;
} kinds[] = {
	[DWCP_RES_FAULT_LATENCY] = { "latency", FV_DURATION },
	[DWCP_RES_FAULT_ERROR] = { "error", FV_ERRNO },
	[DWCP_RES_FAULT_TIMEOUT] = { "timeout", FV_DURATION },
	[DWCP_RES_FAULT_PARTITION] = { "partition", FV_DURATION },
	[DWCP_RES_FAULT_CPU_SPIKE] = { "cpu-spike", FV_DURATION },
	[DWCP_RES_FAULT_MEM_PRESSURE] = { "mem-pressure", FV_BYTES },
};

/* The errnos an error fault may inject (the uAPI's list). */
static const int errnos[] = DWCP_RES_FAULT_ERRNOS;

void chaos_print_kinds(FILE *out)
{
	size_t i;

	fprintf(out, "\nchaos KINDs and their values (min, max, value):\n");
	for (i = 0; i < N(kinds); i++)
		fprintf(out, "    %-18s %s\n", kinds[i].name,
			kinds[i].value == FV_DURATION ? "DURATION" :
			kinds[i].value == FV_ERRNO ? "ERRNO (EIO, ECONNRESET...: see resctl(8))" :
			"BYTES (64k, 10M)");
}

static const char *errno_name(uint64_t no, char *buf)
{
	size_t i;

	for (i = 0; i < N(errnos); i++)
		if ((uint64_t)errnos[i] == no)
			return strerrorname_np(errnos[i]);
	snprintf(buf, UNITS_BUF, "%llu", (unsigned long long)no);
	return buf;
}

static int parse_errno(const char *s, uint64_t *v)
{
	uint32_t no;
	size_t i;

	for (i = 0; i < N(errnos); i++) {
		if (!strcasecmp(strerrorname_np(errnos[i]), s)) {
			*v = (uint64_t)errnos[i];
			return 0;
		}
	}
	if (units_parse_u32(s, &no))
		return -EINVAL;
	for (i = 0; i < N(errnos); i++) {
		if ((uint32_t)errnos[i] == no) {
			*v = no;
			return 0;
		}
	}
	return -EINVAL;
}

static const char *fmt_fvalue(enum fvalue fv, uint64_t v, char *buf)
{
	switch (fv) {
	case FV_DURATION:
		return units_fmt_duration(buf, v);
	case FV_ERRNO:
		return errno_name(v, buf);
	case FV_BYTES:
		break;
	}
	return units_fmt_size(buf, v);
}

static const char *fvalue_json_suffix(enum fvalue fv)
{
	return fv == FV_DURATION ? "_ns" : fv == FV_ERRNO ? "_errno" : "_bytes";
}

/* ---- show ---- */

struct fault {
	char policy[DWCP_RES_NAME_MAX];
	uint64_t a[DWCP_RES_FAULT_A_MAX + 1];
	bool has[DWCP_RES_FAULT_A_MAX + 1];
	unsigned char peer[16];
	int peer_len;		/* 0: every peer; 4 or 16 */
};

/* "ADDR/PREFIX" of a fault's scope, or "any". */
static const char *fmt_peer(const struct fault *f, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!f->peer_len ||
	    !inet_ntop(f->peer_len == 4 ? AF_INET : AF_INET6, f->peer, a, sizeof(a)))
		return "any";
	if (f->a[DWCP_RES_FAULT_A_PEER_PREFIX] == (uint64_t)f->peer_len * 8)
		snprintf(buf, len, "%s", a);
	else
		snprintf(buf, len, "%s/%llu", a,
			 (unsigned long long)f->a[DWCP_RES_FAULT_A_PEER_PREFIX]);
	return buf;
}

struct chaos_state {
	uint64_t enabled, allowed;
	struct fault *faults;
	size_t n, cap;
};

static int add_fault(struct chaos_state *cs, struct nlattr *nest)
{
	struct nlattr *tb[DWCP_RES_FAULT_A_MAX + 1];
	struct fault *f;
	int i;

	if (nla_parse_nested(tb, DWCP_RES_FAULT_A_MAX, nest, NULL))
		return -EPROTO;
	if (cs->n == cs->cap) {
		size_t cap = cs->cap ? 2 * cs->cap : 16;
		struct fault *v = realloc(cs->faults, cap * sizeof(*v));

		if (!v) {
			fprintf(stderr, "resctl: out of memory\n");
			return -ENOMEM;
		}
		cs->faults = v;
		cs->cap = cap;
	}
	f = &cs->faults[cs->n++];
	memset(f, 0, sizeof(*f));
	if (tb[DWCP_RES_FAULT_A_POLICY])
		nla_strlcpy(f->policy, tb[DWCP_RES_FAULT_A_POLICY], sizeof(f->policy));
	for (i = 0; i <= DWCP_RES_FAULT_A_MAX; i++)
		if (i != DWCP_RES_FAULT_A_POLICY && i != DWCP_RES_FAULT_A_PEER)
			f->has[i] = resctl_attr_uint(tb[i], &f->a[i]);
	if (tb[DWCP_RES_FAULT_A_PEER] &&
	    (nla_len(tb[DWCP_RES_FAULT_A_PEER]) == 4 || nla_len(tb[DWCP_RES_FAULT_A_PEER]) == 16)) {
		f->peer_len = nla_len(tb[DWCP_RES_FAULT_A_PEER]);
		memcpy(f->peer, nla_data(tb[DWCP_RES_FAULT_A_PEER]), f->peer_len);
	}
	return 0;
}

static int chaos_reply(struct nlattr **tb, struct nlmsghdr *nlh, void *arg)
{
	struct genlmsghdr *gnlh = nlmsg_data(nlh);
	struct chaos_state *cs = arg;
	struct nlattr *a;
	int rem, err;

	resctl_attr_uint(tb[DWCP_RES_A_CHAOS_ENABLED], &cs->enabled);
	resctl_attr_uint(tb[DWCP_RES_A_INFO_CHAOS_ALLOWED], &cs->allowed);
	/* One DWCP_RES_A_FAULT per armed fault: tb[] holds only the last. */
	nla_for_each_attr(a, genlmsg_attrdata(gnlh, 0), genlmsg_attrlen(gnlh, 0), rem) {
		if (nla_type(a) != DWCP_RES_A_FAULT)
			continue;
		err = add_fault(cs, a);
		if (err)
			return err;
	}
	return 0;
}

static void print_fault(const struct fault *f)
{
	uint64_t kind = f->a[DWCP_RES_FAULT_A_KIND];
	enum fvalue fv = kind < N(kinds) ? kinds[kind].value : FV_DURATION;
	int32_t times = (int32_t)(uint32_t)f->a[DWCP_RES_FAULT_A_TIMES];
	char buf[UNITS_BUF], key[32], peer[INET6_ADDRSTRLEN + 8];

	print_row_open();
	print_str("policy", "policy", f->policy);
	if (kind < N(kinds))
		print_str("kind", "kind", kinds[kind].name);
	else
		print_u64("kind", "kind", kind);
	print_unit("probability_ppm", "probability", f->a[DWCP_RES_FAULT_A_PROBABILITY_PPM],
		   units_fmt_ppm(buf, f->a[DWCP_RES_FAULT_A_PROBABILITY_PPM]));
	print_u64("interval", "interval", f->a[DWCP_RES_FAULT_A_INTERVAL]);
	if (times < 0 && !resctl_opts.json)
		print_str("times", "times", "unlimited");
	else
		print_s64("times", "times", times);
	snprintf(key, sizeof(key), "min%s", fvalue_json_suffix(fv));
	print_unit(key, "min", f->a[DWCP_RES_FAULT_A_VALUE_MIN],
		   fmt_fvalue(fv, f->a[DWCP_RES_FAULT_A_VALUE_MIN], buf));
	snprintf(key, sizeof(key), "max%s", fvalue_json_suffix(fv));
	print_unit(key, "max", f->a[DWCP_RES_FAULT_A_VALUE_MAX],
		   fmt_fvalue(fv, f->a[DWCP_RES_FAULT_A_VALUE_MAX], buf));
	print_u64("injections", "injections", f->a[DWCP_RES_FAULT_A_INJECTIONS]);
	print_str("peer", "peer", fmt_peer(f, peer, sizeof(peer)));
	/* The live state of partitions and memory pressure ("-": other kinds). */
	if (f->has[DWCP_RES_FAULT_A_HELD_BYTES])
		print_unit("held_bytes", "state", f->a[DWCP_RES_FAULT_A_HELD_BYTES],
			   units_fmt_size(buf, f->a[DWCP_RES_FAULT_A_HELD_BYTES]));
	else if (f->has[DWCP_RES_FAULT_A_ACTIVE_NS])
		/* Time left, to the millisecond in text (exact in JSON). */
		print_unit("active_ns", "state", f->a[DWCP_RES_FAULT_A_ACTIVE_NS],
			   units_fmt_duration(buf, f->a[DWCP_RES_FAULT_A_ACTIVE_NS] /
						   1000000 * 1000000));
	else if (!resctl_opts.json)
		print_str("state", "state", "-");
	print_u64("seed", "seed", f->a[DWCP_RES_FAULT_A_SEED]);
	print_row_close();
}

int cmd_chaos_show(int argc, char **argv)
{
	static const struct print_col cols[] = {
		{ "POLICY", 16, false },
		{ "KIND", 12, false },
		{ "PROBABILITY", 11, true },
		{ "INTERVAL", 8, true },
		{ "TIMES", 9, true },
		{ "MIN", 10, true },
		{ "MAX", 10, true },
		{ "INJECTIONS", 10, true },
		{ "PEER", 18, false },
		{ "STATE", 10, true },
		{ "SEED", 0, false },
	};
	struct chaos_state cs = { 0 };
	size_t i;
	int rc;

	(void)argv;
	if (argc)
		return resctl_usage_of("chaos", "show");
	rc = resctl_nl_call(DWCP_RES_CMD_CHAOS_GET, 0, NULL, NULL, chaos_reply, &cs);
	if (rc) {
		free(cs.faults);
		return rc;
	}
	print_open(NULL, NULL);
	print_bool("allowed", "allowed", cs.allowed);
	print_bool("enabled", "enabled", cs.enabled);
	if (cs.n || resctl_opts.json) {
		print_table_open("faults", cols, N(cols));
		for (i = 0; i < cs.n; i++)
			print_fault(&cs.faults[i]);
		print_table_close();
	} else {
		print_text("faults", "none armed");
	}
	print_flush();
	free(cs.faults);
	return RESCTL_EXIT_OK;
}

/* ---- enable, disable, clear ---- */

static int fill_enabled(struct nl_msg *msg, void *arg)
{
	return nla_put_u8(msg, DWCP_RES_A_CHAOS_ENABLED, *(uint8_t *)arg);
}

static int chaos_set(const char *cmd, uint8_t on, int argc)
{
	if (argc)
		return resctl_usage_of("chaos", cmd);
	return resctl_nl_call(DWCP_RES_CMD_CHAOS_SET, 0, fill_enabled, &on, NULL, NULL);
}

int cmd_chaos_enable(int argc, char **argv)
{
	(void)argv;
	return chaos_set("enable", 1, argc);
}

int cmd_chaos_disable(int argc, char **argv)
{
	(void)argv;
	return chaos_set("disable", 0, argc);
}

int cmd_chaos_clear(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return resctl_usage_of("chaos", "clear");
	return resctl_nl_call(DWCP_RES_CMD_CHAOS_CLEAR, 0, NULL, NULL, NULL, NULL);
}

/* ---- inject ---- */

struct inject {
	const char *policy;
	uint32_t kind;
	uint64_t a[DWCP_RES_FAULT_A_MAX + 1];
	bool has[DWCP_RES_FAULT_A_MAX + 1];
	unsigned char peer[16];
	int peer_len;		/* 0: no peer given */
};

/* "ADDR" or "ADDR/PREFIX", IPv4 or IPv6. */
static int parse_peer(const char *s, struct inject *in)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t prefix;

	if (!n || n >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, in->peer) == 1)
		in->peer_len = 4;
	else if (inet_pton(AF_INET6, addr, in->peer) == 1)
		in->peer_len = 16;
	else
		return -EINVAL;
	if (slash) {
		if (units_parse_u32(slash + 1, &prefix) || prefix > (uint32_t)in->peer_len * 8)
			return -EINVAL;
		in->a[DWCP_RES_FAULT_A_PEER_PREFIX] = prefix;
		in->has[DWCP_RES_FAULT_A_PEER_PREFIX] = true;
	}
	return 0;
}

static int fill_inject(struct nl_msg *msg, void *arg)
{
	const struct inject *in = arg;
	struct nlattr *nest;
	int i;

	if (nla_put_string(msg, DWCP_RES_A_POLICY_NAME, in->policy) < 0)
		return -1;
	nest = nla_nest_start(msg, DWCP_RES_A_FAULT);
	if (!nest || nla_put_u32(msg, DWCP_RES_FAULT_A_KIND, in->kind) < 0)
		return -1;
	if (in->peer_len && nla_put(msg, DWCP_RES_FAULT_A_PEER, in->peer_len, in->peer) < 0)
		return -1;
	for (i = 0; i <= DWCP_RES_FAULT_A_MAX; i++) {
		int err = 0;

		if (!in->has[i])
			continue;
		switch (i) {
		case DWCP_RES_FAULT_A_PROBABILITY_PPM:
		case DWCP_RES_FAULT_A_INTERVAL:
		case DWCP_RES_FAULT_A_TIMES:	/* s32: same bits as u32 */
			err = nla_put_u32(msg, i, (uint32_t)in->a[i]);
			break;
		case DWCP_RES_FAULT_A_PEER_PREFIX:
			err = nla_put_u8(msg, i, (uint8_t)in->a[i]);
			break;
		default:
			err = nla_put_u64(msg, i, in->a[i]);
			break;
		}
		if (err < 0)
			return -1;
	}
	nla_nest_end(msg, nest);
	return 0;
}

static int bad_option(const char *opt, const char *val, const char *want)
{
	return resctl_usage_err("%s: bad value \"%s\", expected %s", opt, val, want);
}

static int parse_fvalue(enum fvalue fv, const char *opt, const char *s, uint64_t *v)
{
	int err;

	switch (fv) {
	case FV_DURATION:
		err = units_parse_duration(s, v);
		return err ? bad_option(opt, s, UNITS_HELP_DURATION) : 0;
	case FV_ERRNO:
		err = parse_errno(s, v);
		return err ? bad_option(opt, s, "an errno a socket call returns, by name or number: "
					DWCP_RES_FAULT_ERRNO_NAMES) : 0;
	case FV_BYTES:
		break;
	}
	err = units_parse_size(s, v);
	return err ? bad_option(opt, s, UNITS_HELP_SIZE) : 0;
}

int cmd_chaos_inject(int argc, char **argv)
{
	struct inject in = { 0 };
	enum fvalue fv;
	size_t k;
	int i, rc;

	if (argc < 2)
		return resctl_usage_of("chaos", "inject");
	if (!resctl_name_ok(argv[0]))
		return RESCTL_EXIT_USAGE;
	in.policy = argv[0];
	for (k = 0; k < N(kinds); k++)
		if (!strcmp(kinds[k].name, argv[1]))
			break;
	if (k == N(kinds))
		return resctl_usage_err("unknown fault kind \"%s\"; kinds are: latency error timeout partition cpu-spike mem-pressure",
					argv[1]);
	in.kind = (uint32_t)k;
	fv = kinds[k].value;

	for (i = 2; i < argc; i += 2) {
		const char *opt = argv[i], *val;
		uint32_t v32 = 0;
		int attr;

		if (i + 1 >= argc)
			return resctl_usage_err("%s needs a value", opt);
		val = argv[i + 1];
		if (!strcmp(opt, "probability")) {
			attr = DWCP_RES_FAULT_A_PROBABILITY_PPM;
			if (units_parse_ppm(val, &v32))
				return bad_option(opt, val, UNITS_HELP_PERCENT " (0% disarms)");
			in.a[attr] = v32;
		} else if (!strcmp(opt, "interval")) {
			attr = DWCP_RES_FAULT_A_INTERVAL;
			if (units_parse_u32(val, &v32))
				return bad_option(opt, val, "a whole number N: every Nth call");
			in.a[attr] = v32;
		} else if (!strcmp(opt, "times")) {
			attr = DWCP_RES_FAULT_A_TIMES;
			if (!strcmp(val, "unlimited"))
				in.a[attr] = (uint32_t)-1;
			else if (units_parse_u32(val, &v32) || v32 > INT32_MAX)
				return bad_option(opt, val, "a whole number up to 2147483647, or unlimited");
			else
				in.a[attr] = v32;
		} else if (!strcmp(opt, "min") || !strcmp(opt, "max") ||
			   !strcmp(opt, "value")) {
			uint64_t v;

			attr = opt[1] == 'i' ? DWCP_RES_FAULT_A_VALUE_MIN : DWCP_RES_FAULT_A_VALUE_MAX;
			rc = parse_fvalue(fv, opt, val, &v);
			if (rc)
				return rc;
			if (!strcmp(opt, "value")) {
				if (in.has[DWCP_RES_FAULT_A_VALUE_MIN] || in.has[DWCP_RES_FAULT_A_VALUE_MAX])
					return resctl_usage_err("value is min and max at once: give value, or min and max");
				in.a[DWCP_RES_FAULT_A_VALUE_MIN] = v;
				in.has[DWCP_RES_FAULT_A_VALUE_MIN] = true;
				attr = DWCP_RES_FAULT_A_VALUE_MAX;
			}
			if (in.has[attr])
				return resctl_usage_err("%s given twice (value sets both min and max)", opt);
			in.a[attr] = v;
		} else if (!strcmp(opt, "seed")) {
			attr = DWCP_RES_FAULT_A_SEED;
			if (units_parse_u64(val, &in.a[attr]))
				return bad_option(opt, val, "a whole number");
		} else if (!strcmp(opt, "peer")) {
			if (in.peer_len)
				return resctl_usage_err("peer given twice");
			if (parse_peer(val, &in))
				return bad_option(opt, val,
						  "an IPv4 or IPv6 address, optionally /PREFIX (10.0.0.2, 10.0.0.0/24, fd00::/64)");
			continue;
		} else {
			return resctl_usage_err("unknown chaos inject option \"%s\"; options are: probability interval times min max value seed peer",
						opt);
		}
		if (in.has[attr] && attr != DWCP_RES_FAULT_A_VALUE_MIN && attr != DWCP_RES_FAULT_A_VALUE_MAX)
			return resctl_usage_err("%s given twice", opt);
		in.has[attr] = true;
	}
	if (in.has[DWCP_RES_FAULT_A_VALUE_MIN] && in.has[DWCP_RES_FAULT_A_VALUE_MAX] &&
	    in.a[DWCP_RES_FAULT_A_VALUE_MIN] > in.a[DWCP_RES_FAULT_A_VALUE_MAX])
		return resctl_usage_err("min must not be above max");
	return resctl_nl_call(DWCP_RES_CMD_FAULT_SET, 0, fill_inject, &in, NULL, NULL);
}
