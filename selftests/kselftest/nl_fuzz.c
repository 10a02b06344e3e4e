// SPDX-License-Identifier: GPL-2.0
/*
 * Structure-aware fuzzer of the dwcp_res generic netlink family.
 *
 * Message skeletons come from nl_spec_gen.h, generated at build time from
 * Documentation/netlink/dwcp_res.yaml: each command with its request
 * attributes, nested sets, types, ranges, flags masks and string bounds.
 * Each message is a valid skeleton with zero to four mutations (values at,
 * just outside and far from the range, wrong widths, unknown, reply-only
 * and duplicate attributes, wrong or deep nesting, broken strings, lengths
 * and truncation, NLM_F_DUMP and other flags, bad genl version or reserved
 * bytes, unknown commands) or raw garbage after a valid or a random header.
 *
 * Usage: nl_fuzz [-n MESSAGES] [-s SEED] [-u SHARE_PERCENT] [-t SECONDS]
 *   -u: share of the messages sent by an unprivileged user (uid 65534),
 *       none of which may succeed on a command that needs CAP_NET_ADMIN.
 *   -t: stop early after this many seconds, split between the phases in
 *       proportion to their messages (the figures say so).
 *
 * Afterwards a dump-and-verify checks the state: every dump parses against
 * the spec, every policy's configuration passes the kernel's own checks
 * again (POLICY_SET with DRY_RUN), counts are within DWCP_RES_MAX_POLICIES
 * and DWCP_RES_MAX_CHECKS, the DWCP profile is there (or restored), the
 * unprivileged phase changed nothing, and the module unloads. Prints TAP.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <linux/dwcp_res.h>

#include "dwcp_test.h"
#include "nlraw.h"

#define MSG_CAP		4096

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static unsigned int rn(unsigned int n)
{
	return n ? (unsigned int)(rnd() % n) : 0;
}

static int pct(unsigned int p)
{
	return rn(100) < p;
}

struct msgbuf {
	unsigned char b[MSG_CAP];
	size_t len;
	int mutations;		/* mutations left for this message */
	int depth;
};

static const char *const policy_names[] = {
	"fz0", "fz1", "fz2", "fz3", "fz4", "fz5", "fz6", "fz7",
	FZ_CONST_CLASS_SEND, FZ_CONST_CLASS_RECEIVE, FZ_CONST_CLASS_SYNC,
	FZ_CONST_CLASS_CONSENSUS, FZ_CONST_BUDGET_SYSTEM,
};

static const char *const check_names[] = {
	"hc0", "hc1", "hc2", "hc3", "hc4", "hc5",
	"transport", "send-errors", "system-errors", "breakers", "latency",
};

/* Room for @n more bytes of attribute (and header) in @m? */
static int room(struct msgbuf *m, size_t n)
{
	return NLA_ALIGN(m->len) + NLA_HDRLEN + NLA_ALIGN(n) <= MSG_CAP;
}

static unsigned char *put_attr(struct msgbuf *m, int type, const void *data, int len)
{
	struct nlattr *a;

	if (!room(m, len))
		return NULL;
	m->len = NLA_ALIGN(m->len);
	a = (struct nlattr *)(m->b + m->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (data && len)
		memcpy(m->b + m->len + NLA_HDRLEN, data, len);
	else if (len)
		memset(m->b + m->len + NLA_HDRLEN, 0, len);
	memset(m->b + m->len + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_ALIGN(a->nla_len);
	return (unsigned char *)a;
}

static int mutate(struct msgbuf *m, unsigned int p)
{
	if (m->mutations > 0 && pct(p)) {
		m->mutations--;
		return 1;
	}
	return 0;
}

/* A number for attribute @d: mostly valid, sometimes at or past the bounds. */
static uint64_t pick_value(const struct fz_attr *d, int w, struct msgbuf *m)
{
	uint64_t lo = d->has_min ? (uint64_t)d->min : 0;
	uint64_t hi = d->has_max ? d->max : (w == 8 ? ~0ULL : (1ULL << (8 * w)) - 1);

	if (d->type == FZ_S32 || d->type == FZ_S64) {
		if (!d->has_max)
			hi = w == 8 ? INT64_MAX : INT32_MAX;
	}
	if (mutate(m, 25)) {
		switch (rn(8)) {
		case 0: return lo - 1;
		case 1: return hi + 1;
		case 2: return 0;
		case 3: return ~0ULL;
		case 4: return 1ULL << rn(64);
		case 5: return d->mask ? ~d->mask & (1ULL << rn(32)) : rnd();
		case 6: return (uint64_t)INT64_MIN;
		default: return rnd();
		}
	}
	if (d->mask)
		return rnd() & d->mask;
	switch (rn(4)) {
	case 0: return lo;
	case 1: return hi;
	default:
		/* Unbounded: mostly small magnitudes, as real settings are. */
		if (!d->has_max && pct(70))
			return lo + (rnd() & ((1ULL << rn(40)) - 1));
		if (hi - lo == ~0ULL)
			return rnd();
		/* Small values matter most: favour the low end. */
		return lo + (pct(50) ? rnd() % (hi - lo + 1) : rnd() % ((hi - lo) / 1000 + 2));
	}
}

static void put_string(struct msgbuf *m, int type, const struct fz_attr *d, int set)
{
	char s[300];
	int len, i, maxl = d->max_len ? d->max_len : FZ_CONST_NAME_MAX - 1;
	const char *const *pool = set == FZ_SET_HEALTH && !strcmp(d->name, "name") ?
				  check_names : policy_names;
	int npool = pool == check_names ? ARRAY_SIZE(check_names) : ARRAY_SIZE(policy_names);

	if (!mutate(m, 20)) {
		snprintf(s, sizeof(s), "%s", pool[rn(npool)]);
		put_attr(m, type, s, strlen(s) + 1);
		return;
	}
	switch (rn(7)) {
	case 0:	/* exactly at the bound, one past, far past */
	case 1:
		len = maxl + rn(3) * (rn(2) ? 1 : 100);
		if (len > (int)sizeof(s) - 1)
			len = sizeof(s) - 1;
		for (i = 0; i < len; i++)
			s[i] = 'a' + rn(26);
		s[len] = 0;
		put_attr(m, type, s, len + 1);
		return;
	case 2:	/* no terminating NUL */
		put_attr(m, type, "fz0", 3);
		return;
	case 3:	/* empty, or nothing at all */
		put_attr(m, type, "", rn(2));
		return;
	case 4:	/* a NUL inside */
		put_attr(m, type, "fz\0zz", 6);
		return;
	case 5:	/* characters outside [A-Za-z0-9_.-] */
		len = 1 + rn(20);
		for (i = 0; i < len; i++)
			s[i] = 1 + rn(255);
		s[len] = 0;
		put_attr(m, type, s, len + 1);
		return;
	default:
		snprintf(s, sizeof(s), "%s%u", pool[rn(npool)], rn(1000));
		put_attr(m, type, s, strlen(s) + 1);
	}
}

static void put_set(struct msgbuf *m, int set, const int *only, int nonly);

/* One attribute @t of @set, valid unless a mutation hits it. */
static void put_one(struct msgbuf *m, int set, int t)
{
	const struct fz_set *s = &fz_sets[set];
	const struct fz_attr *d = &s->attrs[t];
	int type = t, w = fz_width(d->type);
	unsigned char raw[64];
	uint64_t v;
	size_t start;

	if (mutate(m, 4))	/* flag bits in the type */
		type |= pct(50) ? NLA_F_NESTED : NLA_F_NET_BYTEORDER;
	if (mutate(m, 6)) {	/* the wrong type: a payload of another width */
		int l = (int[]){ 0, 1, 2, 3, 4, 5, 8, 12, 16, 63 }[rn(10)];

		for (v = 0; v < (uint64_t)l; v++)
			raw[v] = rnd();
		put_attr(m, type, raw, l);
		return;
	}
	switch (d->type) {
	case FZ_FLAG:
		put_attr(m, type, NULL, 0);
		break;
	case FZ_STRING:
		put_string(m, type, d, set);
		break;
	case FZ_NEST:
		start = NLA_ALIGN(m->len);
		if (!put_attr(m, type | NLA_F_NESTED, NULL, 0))
			return;
		m->depth++;
		if (mutate(m, 8))	/* attributes of another set */
			put_set(m, rn(FZ_NSETS), NULL, 0);
		else if (mutate(m, 3) && m->depth < 40)	/* deep nesting */
			put_one(m, set, t);
		else if (!mutate(m, 5))
			put_set(m, d->nest, NULL, 0);
		m->depth--;
		((struct nlattr *)(m->b + start))->nla_len = m->len - start;
		break;
	case FZ_BINARY:	/* e.g. an address: 4 or 16 bytes, or the bound +- 1 */
		for (v = 0; v < sizeof(raw); v++)
			raw[v] = pct(50) ? 0 : rnd();
		w = (int[]){ 4, 16, 4, 16, 0, 1, d->max_len, d->max_len + 1,
			     (int)rn(sizeof(raw)) }[rn(9)];
		put_attr(m, type, raw, w < (int)sizeof(raw) ? w : (int)sizeof(raw));
		break;
	case FZ_PAD:
	case FZ_UNUSED:
		for (v = 0; v < 8; v++)
			raw[v] = rnd();
		put_attr(m, type, raw, rn(9));
		break;
	default:
		v = pick_value(d, w, m);
		put_attr(m, type, &v, w);	/* little endian: the low bytes */
	}
}

/*
 * Attributes of @set: those of @only (the command's request) or a random
 * subset of the set's, reply-only ones now and then, plus mutations:
 * duplicates, unknown types, and attribute types past the set's max.
 */
static void put_set(struct msgbuf *m, int set, const int *only, int nonly)
{
	const struct fz_set *s = &fz_sets[set];
	int i, t, n;

	if (only) {
		/* Flags (DRY_RUN) seldom: they turn the request into a no-op. */
		for (i = 0; i < nonly; i++)
			if (pct(s->attrs[only[i]].type == FZ_FLAG ? 20 : 75) || mutate(m, 50))
				put_one(m, set, only[i]);
	} else {
		/*
		 * The spec lists each set's key attribute first (policy base,
		 * fault kind, check name, SLO, enabled triggers): give it often,
		 * or most nests would be refused before their handler runs.
		 */
		if (s->max >= 2 && s->attrs[2].present && !s->attrs[2].reply_only && pct(70))
			put_one(m, set, 2);
		n = rn(6);
		for (i = 0; i < n; i++) {
			t = rn(s->max + 1);
			if (!s->attrs[t].present)
				continue;
			if ((s->attrs[t].reply_only || s->attrs[t].type == FZ_UNUSED) &&
			    !mutate(m, 30))
				continue;
			put_one(m, set, t);
		}
	}
	if (mutate(m, 10) && s->max) {	/* a duplicate */
		t = only && nonly ? only[rn(nonly)] : 1 + rn(s->max);
		if (s->attrs[t].present)
			put_one(m, set, t);
	}
	if (mutate(m, 6)) {		/* unknown attribute types */
		uint16_t t2 = pct(50) ? s->max + 1 + rn(3) : rnd();
		uint32_t v = rnd();

		put_attr(m, t2 & NLA_TYPE_MASK, &v, 4);
	}
}

struct fz_stats {
	unsigned long sent, ok, timeouts, by_errno[140], raw, mutated, valid;
	unsigned long priv_violations;
	unsigned long long held_max, held_cap;	/* chaos memory pressure */
	unsigned long held_over, clears, mem_armed;
	unsigned long ok_cmd[256];	/* accepted, per command */
};

static struct nlr nl;
static int admin_cmd[256];

/* Build one message in @m; returns the genl command it targets (-1: raw). */
static int build(struct msgbuf *m, struct fz_stats *st)
{
	struct nlmsghdr *h = (void *)m->b;
	struct genlmsghdr *g;
	const struct fz_op *op;
	int cmd, flags = 0;

	memset(m->b, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	m->depth = 0;
	if (pct(8)) {	/* raw garbage after a valid header, or after any */
		size_t i, len = NLMSG_HDRLEN + rn(600);

		for (i = 0; i < len; i++)
			m->b[i] = rnd();
		h->nlmsg_len = pct(80) ? len : rnd();
		if (pct(85))
			h->nlmsg_type = nl.family;
		if (pct(80))
			h->nlmsg_flags = NLM_F_REQUEST | (rnd() & ~NLM_F_REQUEST);
		h->nlmsg_seq = ++nl.seq;
		m->len = len;
		st->raw++;
		return -1;
	}
	m->mutations = pct(30) ? 0 : 1 + rn(4);
	if (m->mutations)
		st->mutated++;
	else
		st->valid++;
	op = &fz_ops[rn(FZ_NOPS)];
	/* Events and unspec are refused at once: fewer of them. */
	if ((op->event || (!op->has_do && !op->has_dump)) && pct(70))
		op = &fz_ops[rn(FZ_NOPS)];
	cmd = op->cmd;
	if (mutate(m, 5))
		cmd = pct(50) ? (int)(FZ_NOPS + rn(4)) : (int)rn(256);
	if (op->has_dump && !op->has_do)
		flags |= NLM_F_DUMP;
	else if (op->has_dump && pct(40))
		flags |= NLM_F_DUMP;
	if (mutate(m, 8))
		flags ^= NLM_F_DUMP;
	m->len = nlr_hdr(&nl, m->b, cmd, flags);
	g = NLMSG_DATA(h);
	if (mutate(m, 4))
		g->version = pct(50) ? 0 : rnd();
	if (mutate(m, 4))
		g->reserved = rnd() | 1;
	if (mutate(m, 4))
		h->nlmsg_flags |= (uint16_t[]){ NLM_F_ECHO, NLM_F_ATOMIC, NLM_F_EXCL,
						 NLM_F_CREATE, NLM_F_REPLACE }[rn(5)];
	if (mutate(m, 3))
		h->nlmsg_flags &= ~NLM_F_ACK;
	put_set(m, FZ_SET_DWCP_RES, op->req, op->nreq);
	if (mutate(m, 5))
		put_set(m, FZ_SET_DWCP_RES, NULL, 0);
	h->nlmsg_len = m->len;
	if (mutate(m, 6) && m->len > NLMSG_HDRLEN) {	/* truncation */
		size_t cut = NLMSG_HDRLEN + rn(m->len - NLMSG_HDRLEN);

		if (pct(50))
			h->nlmsg_len = cut;	/* the header agrees */
		m->len = cut;
	}
	if (mutate(m, 4)) {	/* an attribute length past the end, or short */
		size_t off = NLMSG_HDRLEN + GENL_HDRLEN;

		if (off + NLA_HDRLEN <= m->len)
			((struct nlattr *)(m->b + off))->nla_len =
				pct(50) ? (uint16_t)rnd() : rn(NLA_HDRLEN);
	}
	return cmd;
}

/* Send @m; then a GET_INFO ping that is always answered, to resynchronise. */
static int exchange(struct msgbuf *m, int *verdict)
{
	unsigned char ping[64];
	struct nlmsghdr *h = (void *)m->b;
	uint32_t seq = h->nlmsg_seq, pseq;
	int err;

	*verdict = 1;	/* no answer */
	err = nlr_sendraw(&nl, m->b, m->len);
	if (err) {
		*verdict = err;
		return 0;
	}
	nlr_hdr(&nl, ping, DWCP_RES_CMD_GET_INFO, 0);
	pseq = ((struct nlmsghdr *)ping)->nlmsg_seq;
	if (nlr_sendraw(&nl, ping, ((struct nlmsghdr *)ping)->nlmsg_len))
		return -1;
	for (;;) {
		ssize_t len = recv(nl.fd, nl.rbuf, sizeof(nl.rbuf), 0);
		struct nlmsghdr *r;
		int rem;

		if (len < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			return -1;
		}
		rem = (int)len;
		for (r = (void *)nl.rbuf; NLMSG_OK(r, rem); r = NLMSG_NEXT(r, rem)) {
			if (r->nlmsg_seq == seq && *verdict == 1) {
				if (r->nlmsg_type == NLMSG_ERROR)
					*verdict = ((struct nlmsgerr *)NLMSG_DATA(r))->error;
				else if (r->nlmsg_type == NLMSG_DONE)
					*verdict = 0;
				else if (r->nlmsg_type == nl.family)
					*verdict = 2;	/* data: a reply or a dump part */
			} else if (r->nlmsg_seq == seq && *verdict == 2 &&
				   (r->nlmsg_type == NLMSG_DONE ||
				    r->nlmsg_type == NLMSG_ERROR)) {
				*verdict = r->nlmsg_type == NLMSG_DONE ? 0 :
					   ((struct nlmsgerr *)NLMSG_DATA(r))->error;
			}
			if (r->nlmsg_seq == pseq && r->nlmsg_type == NLMSG_ERROR)
				return 0;
		}
	}
}

static int held_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a, *b, *head;
	int rem, brem, len;

	if (h->nlmsg_type == NLMSG_ERROR)
		return 0;
	head = nlr_attrs(h, &len);
	nlr_for_each(a, head, len, rem)
		if ((a->nla_type & NLA_TYPE_MASK) == DWCP_RES_A_FAULT)
			nlr_for_each(b, (const struct nlattr *)nlr_data(a), nlr_len(a), brem)
				if ((b->nla_type & NLA_TYPE_MASK) == DWCP_RES_FAULT_A_HELD_BYTES)
					*(unsigned long long *)arg += nlr_uint(b);
	return 0;
}

/*
 * Every 1000 messages as root: the memory that chaos memory pressure holds
 * must stay within the module's cap (a quarter of RAM), and then every
 * fault is disarmed, so no pressure the fuzzer armed lasts long; chaos is
 * switched on for every other stretch of 1000.
 */
static void chaos_checkpoint(struct fz_stats *st)
{
	unsigned long long held = 0;
	struct sysinfo si;

	if (!sysinfo(&si))
		st->held_cap = ((unsigned long long)si.totalram * si.mem_unit) >>
			       DWCP_RES_MEM_PRESSURE_MAX_SHIFT;
	nlr_simple(&nl, DWCP_RES_CMD_CHAOS_GET, 0, held_cb, &held);
	if (held > st->held_max)
		st->held_max = held;
	if (held > st->held_cap)
		st->held_over++;
	nlr_simple(&nl, DWCP_RES_CMD_CHAOS_CLEAR, 0, NULL, NULL);
	/* Chaos on for every other stretch, so that armed faults take effect. */
	{
		unsigned char buf[256];
		uint8_t on = st->clears & 1;
		struct nlattr *f;
		uint32_t kind = DWCP_RES_FAULT_MEM_PRESSURE, ppm = 1000000;
		uint64_t size;
		int err;

		nlr_hdr(&nl, buf, DWCP_RES_CMD_CHAOS_SET, 0);
		nlr_put(buf, sizeof(buf), DWCP_RES_A_CHAOS_ENABLED, &on, 1);
		nlr_call(&nl, buf, NULL, NULL);
		/*
		 * And memory pressure armed on the pool's first policy, which
		 * random messages seldom get right: up to a sixteenth of RAM,
		 * the cap itself, or past it (refused with ERANGE), for the
		 * next stretch's messages to change, delete and clear.
		 */
		switch (rn(4)) {
		case 0: size = st->held_cap; break;
		case 1: size = st->held_cap + 4096; break;
		default: size = (1 << 20) + rnd() % (st->held_cap / 4 + 1);
		}
		nlr_hdr(&nl, buf, DWCP_RES_CMD_POLICY_NEW, 0);	/* EEXIST is fine */
		nlr_put_str(buf, sizeof(buf), DWCP_RES_A_POLICY_NAME, policy_names[0]);
		nlr_call(&nl, buf, NULL, NULL);
		nlr_hdr(&nl, buf, DWCP_RES_CMD_FAULT_SET, 0);
		nlr_put_str(buf, sizeof(buf), DWCP_RES_A_POLICY_NAME, policy_names[0]);
		f = nlr_nest_start(buf, sizeof(buf), DWCP_RES_A_FAULT);
		nlr_put(buf, sizeof(buf), DWCP_RES_FAULT_A_KIND, &kind, 4);
		nlr_put(buf, sizeof(buf), DWCP_RES_FAULT_A_PROBABILITY_PPM, &ppm, 4);
		nlr_put(buf, sizeof(buf), DWCP_RES_FAULT_A_VALUE_MIN, &size, 8);
		nlr_put(buf, sizeof(buf), DWCP_RES_FAULT_A_VALUE_MAX, &size, 8);
		nlr_nest_end(buf, f);
		err = nlr_call(&nl, buf, NULL, NULL);
		if (!err)
			st->mem_armed++;
		else if (size > st->held_cap && err != -ERANGE)
			st->held_over++;	/* past the cap and not refused */
		/* What is held now: the armed size, within the cap. */
		held = 0;
		nlr_simple(&nl, DWCP_RES_CMD_CHAOS_GET, 0, held_cb, &held);
		if (held > st->held_max)
			st->held_max = held;
		if (held > st->held_cap)
			st->held_over++;
	}
	st->clears++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Fuzz @count messages (or until @deadline); unprivileged if @unpriv. */
static int fuzz(unsigned long count, double deadline, int unpriv, struct fz_stats *st)
{
	static struct msgbuf m;
	unsigned long i;
	int verdict, cmd, err, seen;

	err = nlr_open(&nl, 5000);
	if (err) {
		printf("# cannot open the family: %s\n", strerror(-err));
		return -1;
	}
	for (i = 0; i < count && now() < deadline; i++) {
		struct nlmsghdr *h = (void *)m.b;
		struct genlmsghdr *g = NLMSG_DATA(h);

		if (!unpriv && i % 1000 == 999)
			chaos_checkpoint(st);
		cmd = build(&m, st);
		if (cmd < 0 && m.len >= NLMSG_HDRLEN + GENL_HDRLEN && h->nlmsg_type == nl.family)
			cmd = g->cmd;
		st->sent++;
		if (exchange(&m, &verdict)) {
			/* Lost the ping: start over on a fresh socket. */
			st->timeouts++;
			nlr_close(&nl);
			if (nlr_open(&nl, 5000))
				return -1;
			continue;
		}
		/*
		 * Only a request the family's handler saw counts: the netlink
		 * core acks a message without NLM_F_REQUEST with 0 and never
		 * passes it on.
		 */
		seen = cmd >= 0 && cmd < 256 && h->nlmsg_type == nl.family &&
		       (h->nlmsg_flags & NLM_F_REQUEST) && h->nlmsg_len <= m.len &&
		       h->nlmsg_len >= NLMSG_HDRLEN + GENL_HDRLEN;
		if (verdict == 0 || verdict == 2) {
			st->ok++;
			if (seen)
				st->ok_cmd[cmd]++;
			if (unpriv && seen && admin_cmd[cmd]) {
				st->priv_violations++;
				printf("# unprivileged command %d succeeded (message %lu)\n",
				       cmd, i);
			}
		} else if (verdict < 0 && -verdict < 140) {
			st->by_errno[-verdict]++;
		}
	}
	nlr_close(&nl);
	return 0;
}

/* ---- dump and verify ------------------------------------------------- */

struct dumpctx {
	int set;		/* attribute set of the replies' top level */
	int msgs, bad;
	char why[256];
	char names[80][DWCP_RES_NAME_MAX];
	int nnames;
	/* Each policy's configuration nest, to submit again with DRY_RUN. */
	unsigned char cfg[80][1024];
	int cfglen[80];
	unsigned long long digest;	/* of configurations, unprivileged phase */
};

static int dump_cb(const struct nlmsghdr *h, void *arg)
{
	struct dumpctx *c = arg;
	const struct nlattr *a, *head;
	const struct genlmsghdr *g = NLMSG_DATA(h);
	int rem, len, i;

	if (h->nlmsg_type == NLMSG_ERROR)
		return 0;
	c->msgs++;
	if (h->nlmsg_type != nl.family || g->reserved) {
		c->bad++;
		snprintf(c->why, sizeof(c->why), "bad header (type %d, reserved %d)",
			 h->nlmsg_type, g->reserved);
		return 0;
	}
	head = nlr_attrs(h, &len);
	if (fz_verify(FZ_SET_DWCP_RES, head, len, c->why, sizeof(c->why), 0)) {
		c->bad++;
		return 0;
	}
	nlr_for_each(a, head, len, rem) {
		int t = a->nla_type & NLA_TYPE_MASK;

		if (t == DWCP_RES_A_POLICY_NAME && c->nnames < 80)
			snprintf(c->names[c->nnames], DWCP_RES_NAME_MAX, "%s",
				 (const char *)nlr_data(a));
		if (t == DWCP_RES_A_POLICY && c->nnames < 80 &&
		    nlr_len(a) <= (int)sizeof(c->cfg[0])) {
			memcpy(c->cfg[c->nnames], nlr_data(a), nlr_len(a));
			c->cfglen[c->nnames] = nlr_len(a);
			for (i = 0; i < nlr_len(a); i++)
				c->digest = (c->digest ^ ((const unsigned char *)nlr_data(a))[i]) *
					    0x100000001b3ULL;
		}
		if (t == DWCP_RES_A_HEALTH) {	/* configuration attributes only */
			const struct nlattr *b;
			int brem;

			nlr_for_each(b, (const struct nlattr *)nlr_data(a), nlr_len(a), brem) {
				int bt = b->nla_type & NLA_TYPE_MASK;

				if (bt <= DWCP_RES_HC_ENABLED)
					for (i = 0; i < b->nla_len; i++)
						c->digest = (c->digest ^ ((const unsigned char *)b)[i]) *
							    0x100000001b3ULL;
			}
		}
	}
	if (c->set == FZ_SET_POLICY)
		c->nnames++;
	return 0;
}

static int dump(int cmd, int set, struct dumpctx *c, int flags)
{
	memset(c, 0, sizeof(*c));
	c->set = set;
	c->digest = 0xcbf29ce484222325ULL;
	return nlr_simple(&nl, cmd, flags, dump_cb, c);
}

static int valid_name(const char *s)
{
	size_t i, n = strlen(s);

	if (n < 1 || n > DWCP_RES_NAME_MAX - 1)
		return 0;
	for (i = 0; i < n; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-",
			    s[i]))
			return 0;
	return 1;
}

static int tap_n;
static int tap_failed;

static void tap(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d ", ok ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		tap_failed++;
}

/* Configuration digest of everything an unprivileged user might change. */
static unsigned long long state_digest(void)
{
	struct dumpctx c;
	unsigned long long d;
	unsigned char buf[64];
	int i;

	dump(DWCP_RES_CMD_POLICY_GET, FZ_SET_POLICY, &c, NLM_F_DUMP);
	d = c.digest ^ c.nnames;
	for (i = 0; i < c.nnames; i++)
		d = (d ^ c.names[i][0] ^ strlen(c.names[i])) * 0x100000001b3ULL;
	dump(DWCP_RES_CMD_HEALTH_GET, FZ_SET_HEALTH, &c, NLM_F_DUMP);
	d = (d ^ c.digest ^ c.msgs) * 0x100000001b3ULL;
	nlr_hdr(&nl, buf, DWCP_RES_CMD_CHAOS_GET, 0);
	dump(DWCP_RES_CMD_CHAOS_GET, FZ_SET_DWCP_RES, &c, 0);
	d = (d ^ c.msgs) * 0x100000001b3ULL;
	return d;
}

static void restore_profile(int *restored)
{
	static const char *const prof[] = { FZ_CONST_CLASS_SEND, FZ_CONST_CLASS_RECEIVE,
					    FZ_CONST_CLASS_SYNC, FZ_CONST_CLASS_CONSENSUS };
	struct dumpctx c;
	unsigned char buf[256];
	struct nlattr *n;
	unsigned int i;
	int j, found;

	dump(DWCP_RES_CMD_POLICY_GET, FZ_SET_POLICY, &c, NLM_F_DUMP);
	for (i = 0; i < ARRAY_SIZE(prof); i++) {
		for (found = 0, j = 0; j < c.nnames; j++)
			found |= !strcmp(c.names[j], prof[i]);
		if (found)
			continue;
		nlr_hdr(&nl, buf, DWCP_RES_CMD_POLICY_NEW, 0);
		nlr_put_str(buf, sizeof(buf), DWCP_RES_A_POLICY_NAME, prof[i]);
		n = nlr_nest_start(buf, sizeof(buf), DWCP_RES_A_POLICY);
		nlr_put_str(buf, sizeof(buf), DWCP_RES_P_BASE, prof[i]);
		nlr_nest_end(buf, n);
		if (!nlr_call(&nl, buf, NULL, NULL))
			(*restored)++;
	}
}

static void verify(void)
{
	struct dumpctx c;
	unsigned char buf[2048];
	int err, i, restored = 0, dry_ok = 0;
	char why[256] = "";

	err = nlr_open(&nl, 5000);
	tap(!err, "family still resolves after the run");
	if (err)
		return;

	err = dump(DWCP_RES_CMD_POLICY_GET, FZ_SET_POLICY, &c, NLM_F_DUMP);
	tap(!err && !c.bad, "POLICY_GET dump parses against the spec (%d policies)%s%s",
	    c.msgs, c.bad ? ": " : "", c.bad ? c.why : "");
	tap(c.msgs <= FZ_MAX_POLICIES, "policies %d <= DWCP_RES_MAX_POLICIES %d",
	    c.msgs, FZ_MAX_POLICIES);
	for (i = 0; i < c.nnames && i < 80; i++) {
		struct nlattr *n;

		if (!valid_name(c.names[i]))
			snprintf(why, sizeof(why), "bad name \"%s\"", c.names[i]);
		nlr_hdr(&nl, buf, DWCP_RES_CMD_POLICY_SET, 0);
		nlr_put_str(buf, sizeof(buf), DWCP_RES_A_POLICY_NAME, c.names[i]);
		n = nlr_put(buf, sizeof(buf), DWCP_RES_A_POLICY | NLA_F_NESTED, c.cfg[i],
			    c.cfglen[i]);
		nlr_put(buf, sizeof(buf), DWCP_RES_A_DRY_RUN, NULL, 0);
		if (!n)
			continue;
		err = nlr_call(&nl, buf, NULL, NULL);
		if (!err)
			dry_ok++;
		else if (!why[0])
			snprintf(why, sizeof(why), "policy %s: its own configuration refused: %s",
				 c.names[i], strerror(-err));
	}
	tap(!why[0] && dry_ok == c.nnames,
	    "every policy's configuration passes the kernel's checks again (%d/%d)%s%s",
	    dry_ok, c.nnames, why[0] ? ": " : "", why);

	err = dump(DWCP_RES_CMD_HEALTH_GET, FZ_SET_HEALTH, &c, NLM_F_DUMP);
	tap(!err && !c.bad && c.msgs <= DWCP_RES_MAX_CHECKS,
	    "HEALTH_GET dump parses, %d checks <= DWCP_RES_MAX_CHECKS%s%s", c.msgs,
	    c.bad ? ": " : "", c.bad ? c.why : "");
	err = dump(DWCP_RES_CMD_BUDGET_GET, FZ_SET_BUDGET, &c, NLM_F_DUMP);
	tap(!err && !c.bad && c.msgs <= FZ_MAX_POLICIES + 1,
	    "BUDGET_GET dump parses (%d budgets)%s%s", c.msgs, c.bad ? ": " : "",
	    c.bad ? c.why : "");
	for (i = 0; i < (int)FZ_NOPS; i++) {
		const struct fz_op *op = &fz_ops[i];

		if (!op->has_do || op->admin || op->nreq)
			continue;
		err = dump(op->cmd, FZ_SET_DWCP_RES, &c, 0);
		tap(!err && !c.bad && c.msgs == 1, "%s parses against the spec%s%s",
		    op->name, c.bad ? ": " : "", c.bad ? c.why : "");
	}

	restore_profile(&restored);
	dump(DWCP_RES_CMD_POLICY_GET, FZ_SET_POLICY, &c, NLM_F_DUMP);
	{
		int found = 0;

		for (i = 0; i < c.nnames; i++)
			found += !strcmp(c.names[i], FZ_CONST_CLASS_SEND) ||
				 !strcmp(c.names[i], FZ_CONST_CLASS_RECEIVE) ||
				 !strcmp(c.names[i], FZ_CONST_CLASS_SYNC) ||
				 !strcmp(c.names[i], FZ_CONST_CLASS_CONSENSUS);
		tap(found == 4, "the DWCP profile is intact or restorable (%d restored)",
		    restored);
	}
	/* Leave nothing armed: chaos off, no faults, the level pinned normal. */
	nlr_simple(&nl, DWCP_RES_CMD_CHAOS_CLEAR, 0, NULL, NULL);
	nlr_hdr(&nl, buf, DWCP_RES_CMD_CHAOS_SET, 0);
	nlr_put(buf, sizeof(buf), DWCP_RES_A_CHAOS_ENABLED, "\0", 1);
	err = nlr_call(&nl, buf, NULL, NULL);
	tap(!err, "chaos switches off after the run");
	nlr_close(&nl);
}

/* Two stats blocks the unprivileged child fills in for the parent. */
static struct fz_stats *mmap_shared(void)
{
	void *p = mmap(NULL, 2 * sizeof(struct fz_stats), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	memset(p, 0, 2 * sizeof(struct fz_stats));
	return p;
}

int main(int argc, char **argv)
{
	unsigned long count = 5000, seed = 0;
	unsigned int share = 20, limit = 0;
	struct fz_stats *st;
	unsigned long long before, after;
	double t0, t1, deadline;
	int opt, i, status, e;
	pid_t pid;

	while ((opt = getopt(argc, argv, "n:s:u:t:")) != -1) {
		switch (opt) {
		case 'n': count = strtoul(optarg, NULL, 0); break;
		case 's': seed = strtoul(optarg, NULL, 0); break;
		case 'u': share = atoi(optarg); break;
		case 't': limit = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-n N] [-s SEED] [-u PCT] [-t SECONDS]\n",
				argv[0]);
			return 2;
		}
	}
	if (!seed)
		seed = (unsigned long)time(NULL);
	printf("TAP version 13\n");
	printf("# nl_fuzz: %lu messages, seed %lu, %u%% unprivileged\n", count, seed, share);
	for (i = 0; i < (int)FZ_NOPS; i++)
		if (fz_ops[i].admin)
			admin_cmd[fz_ops[i].cmd] = 1;
	if (dwcp_module_load("chaos_allowed=1")) {
		printf("1..1\nnot ok 1 dwcp_res loads\n");
		return 1;
	}
	st = mmap_shared();
	t0 = now();
	/*
	 * A time limit is split between the phases in proportion to their
	 * messages, so that a slow guest still runs both.
	 */
	deadline = limit ? t0 + limit * (100 - share) / 100.0 : 1e18;

	/* Root: everything may succeed. */
	rng_state = seed * 2654435761ULL + 1;
	if (fuzz(count - count * share / 100, deadline, 0, &st[0]))
		printf("# root phase could not open the family\n");
	t1 = now();
	deadline = limit ? t1 + limit * share / 100.0 : 1e18;

	/* Unprivileged: nothing that changes state may succeed, and nothing changes. */
	e = nlr_open(&nl, 5000);
	before = e ? 0 : state_digest();
	nlr_close(&nl);
	pid = fork();
	if (pid == 0) {
		rng_state = seed * 40503ULL + 7;
		if (dwcp_drop_privileges())
			_exit(3);
		_exit(fuzz(count * share / 100, deadline, 1, &st[1]) ? 4 : 0);
	}
	waitpid(pid, &status, 0);
	e = nlr_open(&nl, 5000);
	after = e ? 1 : state_digest();
	nlr_close(&nl);

	printf("# root: %lu sent (%lu valid, %lu mutated, %lu raw), %lu accepted, "
	       "%lu resynchronised, %.1f s\n", st[0].sent, st[0].valid, st[0].mutated,
	       st[0].raw, st[0].ok, st[0].timeouts, t1 - t0);
	printf("# unprivileged: %lu sent, %lu accepted (reads), %lu EPERM, %.1f s\n",
	       st[1].sent, st[1].ok, st[1].by_errno[EPERM], now() - t1);
	printf("# errno counts (root):");
	for (i = 0; i < 140; i++)
		if (st[0].by_errno[i])
			printf(" %s=%lu", strerrorname_np(i) ?: "?", st[0].by_errno[i]);
	printf("\n");
	printf("# accepted per command (root):");
	for (i = 0; i < (int)FZ_NOPS; i++)
		if (st[0].ok_cmd[fz_ops[i].cmd])
			printf(" %s=%lu", fz_ops[i].name, st[0].ok_cmd[fz_ops[i].cmd]);
	printf("\n");
	printf("# FUZZ messages=%lu seconds=%.1f rate=%.0f/s\n", st[0].sent + st[1].sent,
	       now() - t0, (st[0].sent + st[1].sent) / (now() - t0));

	tap(st[0].sent > 0 && st[0].ok > 0 && st[0].by_errno[EINVAL] > 0,
	    "root phase: %lu messages, some accepted and some refused", st[0].sent);
	tap(WIFEXITED(status) && WEXITSTATUS(status) == 0 && (!share || st[1].sent > 0),
	    "unprivileged phase ran (%lu messages)", st[1].sent);
	tap(!st[1].priv_violations, "no command needing CAP_NET_ADMIN succeeded unprivileged");
	tap(!share || st[1].by_errno[EPERM] > 0, "unprivileged changes refused with EPERM");
	tap(before == after && before, "the unprivileged phase changed no configuration");
	printf("# chaos memory pressure: at most %llu kB held (cap %llu kB), %lu checkpoints, "
	       "%lu armed\n", st[0].held_max >> 10, st[0].held_cap >> 10, st[0].clears,
	       st[0].mem_armed);
	tap(!st[0].held_over, "memory held by chaos stays within a quarter of RAM, more refused");
	tap(count == st[0].sent + st[1].sent || limit,
	    "all messages sent (%lu of %lu)", st[0].sent + st[1].sent, count);
	verify();
	tap(!dwcp_module_unload(), "dwcp_res unloads after the run");
	dwcp_module_load("");
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}
