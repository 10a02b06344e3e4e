// SPDX-License-Identifier: GPL-2.0
/*
 * The POLICY_*, BREAKER_SET and chaos commands over raw generic netlink:
 * strict validation with extended acks, permissions, and state kept across
 * reconfiguration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <linux/dwcp_res.h>

#include "kselftest_harness.h"
#include "dwcp_test.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct reply {
	int done;
	int err;
	int msgs;
	char extack[256];
	int has_offset;
	struct nlattr *pol[DWCP_RES_P_MAX + 1];
	uint64_t stats[DWCP_RES_S_MAX + 1];
	char names[8][DWCP_RES_NAME_MAX];
	uint64_t failures;	/* DWCP_RES_P_BREAKER_FAILURES of the last reply */
	uint64_t bulkhead_max;
};

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[DWCP_RES_A_MAX + 1], *p[DWCP_RES_P_MAX + 1], *s[DWCP_RES_S_MAX + 1];
	struct reply *r = arg;
	int i;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, DWCP_RES_A_MAX, NULL) < 0)
		return NL_SKIP;
	if (tb[DWCP_RES_A_POLICY_NAME] && r->msgs < 8)
		nla_strlcpy(r->names[r->msgs], tb[DWCP_RES_A_POLICY_NAME], DWCP_RES_NAME_MAX);
	if (tb[DWCP_RES_A_POLICY] &&
	    !nla_parse_nested(p, DWCP_RES_P_MAX, tb[DWCP_RES_A_POLICY], NULL)) {
		if (p[DWCP_RES_P_BREAKER_FAILURES])
			r->failures = nla_get_u32(p[DWCP_RES_P_BREAKER_FAILURES]);
		if (p[DWCP_RES_P_BULKHEAD_MAX])
			r->bulkhead_max = nla_get_u32(p[DWCP_RES_P_BULKHEAD_MAX]);
	}
	if (tb[DWCP_RES_A_STATS] &&
	    !nla_parse_nested(s, DWCP_RES_S_MAX, tb[DWCP_RES_A_STATS], NULL)) {
		for (i = 0; i <= DWCP_RES_S_MAX; i++)
			if (s[i])
				r->stats[i] = nla_len(s[i]) == 8 ? nla_get_u64(s[i]) :
								    nla_get_u32(s[i]);
	}
	r->msgs++;
	return NL_OK;
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	struct reply *r = arg;
	struct nlattr *a;
	size_t off = sizeof(*e);
	int rem;

	r->err = e->error;
	r->done = 1;
	if (h->nlmsg_flags & NLM_F_ACK_TLVS) {
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		a = (struct nlattr *)((char *)e + NLMSG_ALIGN(off));
		rem = h->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off);
		for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
			if (nla_type(a) == NLMSGERR_ATTR_MSG)
				snprintf(r->extack, sizeof(r->extack), "%s", (char *)nla_data(a));
			if (nla_type(a) == NLMSGERR_ATTR_OFFS)
				r->has_offset = 1;
		}
	}
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	((struct reply *)arg)->done = 1;
	return NL_STOP;
}

FIXTURE(nl)
{
	struct nl_sock *sk;
	int family;
};

static struct nl_sock *nl_open(int *family)
{
	struct nl_sock *sk = nl_socket_alloc();
	int one = 1;

	if (!sk || genl_connect(sk))
		return NULL;
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	*family = genl_ctrl_resolve(sk, DWCP_RES_GENL_NAME);
	return sk;
}

FIXTURE_SETUP(nl)
{
	ASSERT_EQ(0, dwcp_module_load("chaos_allowed=1"));
	self->sk = nl_open(&self->family);
	ASSERT_NE(NULL, self->sk);
	ASSERT_LT(0, self->family);
}

FIXTURE_TEARDOWN(nl)
{
	nl_socket_free(self->sk);
}

static struct nl_msg *req(int family, int cmd, int flags)
{
	struct nl_msg *m = nlmsg_alloc();

	genlmsg_put(m, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd,
		    DWCP_RES_GENL_VERSION);
	return m;
}

/* Send @m, collect replies and the ack into @r; returns the errno (<= 0). */
static int run(struct nl_sock *sk, struct nl_msg *m, struct reply *r)
{
	struct nl_cb *cb = nl_cb_alloc(NL_CB_CUSTOM);
	int err;

	memset(r, 0, sizeof(*r));
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, r);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, r);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_ack, r);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, r);
	nlmsg_hdr(m)->nlmsg_flags |= NLM_F_ACK;
	err = nl_send_auto(sk, m);
	nlmsg_free(m);
	/* Until the ack: a reply and its ack may come in separate reads. */
	while (err >= 0 && !r->done)
		err = nl_recvmsgs(sk, cb) < 0 && !r->done ? -1 : 0;
	nl_cb_put(cb);
	return r->err;
}

TEST_F(nl, dump_lists_the_profile)
{
	struct nl_msg *m;
	struct reply r;
	int i, seen = 0;

	ASSERT_EQ(0, run(self->sk, req(self->family, DWCP_RES_CMD_POLICY_GET, NLM_F_DUMP), &r));
	EXPECT_EQ(4, r.msgs);
	for (i = 0; i < r.msgs; i++)
		seen += !strcmp(r.names[i], "send") || !strcmp(r.names[i], "receive") ||
			!strcmp(r.names[i], "sync") || !strcmp(r.names[i], "consensus");
	EXPECT_EQ(4, seen);

	/* A dump takes no name: refused, not silently widened to all. */
	m = req(self->family, DWCP_RES_CMD_POLICY_GET, NLM_F_DUMP);
	nla_put_string(m, DWCP_RES_A_POLICY_NAME, "send");
	EXPECT_EQ(-EINVAL, run(self->sk, m, &r));
}

/* Every object has a dump: chaos faults, degradation, health, budgets. */
TEST_F(nl, every_object_dumps)
{
	struct reply r;

	ASSERT_EQ(0, run(self->sk, req(self->family, DWCP_RES_CMD_CHAOS_GET, NLM_F_DUMP), &r));
	EXPECT_EQ(0, r.msgs);		/* nothing armed */
	ASSERT_EQ(0, dwcp_resctl("chaos inject send latency probability 1%% min 1ms max 2ms"));
	ASSERT_EQ(0, dwcp_resctl("chaos inject sync error probability 1%% value EIO"));
	ASSERT_EQ(0, run(self->sk, req(self->family, DWCP_RES_CMD_CHAOS_GET, NLM_F_DUMP), &r));
	EXPECT_EQ(2, r.msgs);		/* one per armed fault */
	ASSERT_EQ(0, dwcp_resctl("chaos clear"));

	ASSERT_EQ(0, run(self->sk, req(self->family, DWCP_RES_CMD_DEGRADE_GET, NLM_F_DUMP), &r));
	EXPECT_EQ(1, r.msgs);
	ASSERT_EQ(0, run(self->sk, req(self->family, DWCP_RES_CMD_HEALTH_GET, NLM_F_DUMP), &r));
	EXPECT_EQ(5, r.msgs);		/* the built-in checks */
	ASSERT_EQ(0, run(self->sk, req(self->family, DWCP_RES_CMD_BUDGET_GET, NLM_F_DUMP), &r));
	ASSERT_EQ(5, r.msgs);		/* the profile's four, then the system's */
	EXPECT_STREQ(DWCP_RES_BUDGET_SYSTEM, r.names[4]);
}

TEST_F(nl, get_one_policy)
{
	struct nl_msg *m = req(self->family, DWCP_RES_CMD_POLICY_GET, 0);
	struct reply r;

	nla_put_string(m, DWCP_RES_A_POLICY_NAME, "sync");
	ASSERT_EQ(0, run(self->sk, m, &r));
	EXPECT_EQ(1, r.msgs);
	EXPECT_EQ(3, r.failures);
	EXPECT_EQ(50, r.bulkhead_max);
	EXPECT_EQ(DWCP_RES_BREAKER_CLOSED, r.stats[DWCP_RES_S_BREAKER_STATE]);

	m = req(self->family, DWCP_RES_CMD_POLICY_GET, 0);
	nla_put_string(m, DWCP_RES_A_POLICY_NAME, "nope");
	EXPECT_EQ(-ENOENT, run(self->sk, m, &r));
	EXPECT_STREQ("no policy with this name", r.extack);
}

static struct nl_msg *new_policy(int family, int cmd, const char *name)
{
	struct nl_msg *m = req(family, cmd, 0);

	nla_put_string(m, DWCP_RES_A_POLICY_NAME, name);
	return m;
}

TEST_F(nl, strict_validation_with_extack)
{
	struct nlattr *nest;
	struct nl_msg *m;
	struct reply r;

	/* Out of range: priority 9. */
	m = new_policy(self->family, DWCP_RES_CMD_POLICY_NEW, "v1");
	nest = nla_nest_start(m, DWCP_RES_A_POLICY);
	nla_put_u32(m, DWCP_RES_P_PRIORITY, 9);
	nla_nest_end(m, nest);
	EXPECT_EQ(-ERANGE, run(self->sk, m, &r));
	EXPECT_NE(0, r.extack[0]);
	EXPECT_EQ(1, r.has_offset);

	/* Wrong type: a u32 where a u64 belongs. */
	m = new_policy(self->family, DWCP_RES_CMD_POLICY_NEW, "v1");
	nest = nla_nest_start(m, DWCP_RES_A_POLICY);
	nla_put_u32(m, DWCP_RES_P_BREAKER_OPEN_NS, 5);
	nla_nest_end(m, nest);
	EXPECT_EQ(-EINVAL, run(self->sk, m, &r));
	EXPECT_NE(0, r.extack[0]);

	/* Unknown attribute inside the nest. */
	m = new_policy(self->family, DWCP_RES_CMD_POLICY_NEW, "v1");
	nest = nla_nest_start(m, DWCP_RES_A_POLICY);
	nla_put_u32(m, DWCP_RES_P_MAX + 5, 1);
	nla_nest_end(m, nest);
	EXPECT_EQ(-EINVAL, run(self->sk, m, &r));
	EXPECT_NE(0, r.extack[0]);

	/* An attribute this command does not take. */
	m = new_policy(self->family, DWCP_RES_CMD_POLICY_DEL, "v1");
	nla_put_u8(m, DWCP_RES_A_CHAOS_ENABLED, 1);
	EXPECT_EQ(-EINVAL, run(self->sk, m, &r));

	/* Missing the name. */
	EXPECT_EQ(-EINVAL, run(self->sk, req(self->family, DWCP_RES_CMD_POLICY_DEL, 0), &r));
	EXPECT_NE(0, r.extack[0]);

	/* A bad name. */
	EXPECT_EQ(-EINVAL, run(self->sk, new_policy(self->family, DWCP_RES_CMD_POLICY_NEW,
						    "bad/name"), &r));
	EXPECT_NE(NULL, strstr(r.extack, "policy name")) TH_LOG("extack: %s", r.extack);

	/* Cross-field rule from the core: retry cap below its base. */
	m = new_policy(self->family, DWCP_RES_CMD_POLICY_SET, "send");
	nest = nla_nest_start(m, DWCP_RES_A_POLICY);
	nla_put_u64(m, DWCP_RES_P_RETRY_BASE_NS, 10000000000ULL);
	nla_put_u64(m, DWCP_RES_P_RETRY_CAP_NS, 1000000ULL);
	nla_nest_end(m, nest);
	EXPECT_GT(0, run(self->sk, m, &r));
	EXPECT_NE(0, r.extack[0]) TH_LOG("no extack for a bad retry config");

	/* Nothing of that was applied. */
	m = req(self->family, DWCP_RES_CMD_POLICY_GET, NLM_F_DUMP);
	ASSERT_EQ(0, run(self->sk, m, &r));
	EXPECT_EQ(4, r.msgs);
}

TEST_F(nl, new_set_keeps_state_del)
{
	struct nlattr *nest;
	struct nl_msg *m;
	struct reply r;

	m = new_policy(self->family, DWCP_RES_CMD_POLICY_NEW, "custom");
	nest = nla_nest_start(m, DWCP_RES_A_POLICY);
	nla_put_string(m, DWCP_RES_P_BASE, "consensus");
	nla_put_u32(m, DWCP_RES_P_BULKHEAD_MAX, 7);
	nla_nest_end(m, nest);
	ASSERT_EQ(0, run(self->sk, m, &r)) TH_LOG("extack: %s", r.extack);
	EXPECT_EQ(-EEXIST, run(self->sk, new_policy(self->family, DWCP_RES_CMD_POLICY_NEW,
						    "custom"), &r));

	/* Force the breaker open: an operator state a SET must not lose. */
	m = new_policy(self->family, DWCP_RES_CMD_BREAKER_SET, "custom");
	nla_put_u32(m, DWCP_RES_A_BREAKER_ACTION, DWCP_RES_BREAKER_FORCE_OPEN);
	ASSERT_EQ(0, run(self->sk, m, &r));

	m = new_policy(self->family, DWCP_RES_CMD_POLICY_SET, "custom");
	nest = nla_nest_start(m, DWCP_RES_A_POLICY);
	nla_put_u32(m, DWCP_RES_P_BULKHEAD_MAX, 9);
	nla_nest_end(m, nest);
	ASSERT_EQ(0, run(self->sk, m, &r)) TH_LOG("extack: %s", r.extack);

	ASSERT_EQ(0, run(self->sk, new_policy(self->family, DWCP_RES_CMD_POLICY_GET, "custom"),
			 &r));
	EXPECT_EQ(9, r.bulkhead_max);
	EXPECT_EQ(3, r.failures);	/* from the consensus base, untouched */
	EXPECT_EQ(DWCP_RES_BREAKER_FORCED_OPEN, r.stats[DWCP_RES_S_BREAKER_STATE]);

	m = new_policy(self->family, DWCP_RES_CMD_BREAKER_SET, "custom");
	nla_put_u32(m, DWCP_RES_A_BREAKER_ACTION, DWCP_RES_BREAKER_ENABLE);
	ASSERT_EQ(0, run(self->sk, m, &r));
	ASSERT_EQ(0, run(self->sk, new_policy(self->family, DWCP_RES_CMD_POLICY_GET, "custom"),
			 &r));
	EXPECT_EQ(DWCP_RES_BREAKER_CLOSED, r.stats[DWCP_RES_S_BREAKER_STATE]);

	ASSERT_EQ(0, run(self->sk, new_policy(self->family, DWCP_RES_CMD_POLICY_DEL, "custom"),
			 &r));
	EXPECT_EQ(-ENOENT, run(self->sk, new_policy(self->family, DWCP_RES_CMD_POLICY_DEL,
						    "custom"), &r));
}

TEST_F(nl, chaos_needs_permission_from_load)
{
	struct nl_msg *m;
	struct reply r;

	m = req(self->family, DWCP_RES_CMD_CHAOS_SET, 0);
	nla_put_u8(m, DWCP_RES_A_CHAOS_ENABLED, 1);
	EXPECT_EQ(0, run(self->sk, m, &r));
	m = req(self->family, DWCP_RES_CMD_CHAOS_SET, 0);
	nla_put_u8(m, DWCP_RES_A_CHAOS_ENABLED, 0);
	EXPECT_EQ(0, run(self->sk, m, &r));

	/* Reload without chaos_allowed: enabling is refused, with a reason. */
	nl_socket_free(self->sk);
	ASSERT_EQ(0, dwcp_module_load(""));
	self->sk = nl_open(&self->family);
	ASSERT_NE(NULL, self->sk);
	m = req(self->family, DWCP_RES_CMD_CHAOS_SET, 0);
	nla_put_u8(m, DWCP_RES_A_CHAOS_ENABLED, 1);
	EXPECT_EQ(-EPERM, run(self->sk, m, &r));
	EXPECT_NE(NULL, strstr(r.extack, "chaos_allowed=1")) TH_LOG("extack: %s", r.extack);
}

static struct nl_msg *error_fault(int family, uint64_t lo, uint64_t hi)
{
	struct nl_msg *m = req(family, DWCP_RES_CMD_FAULT_SET, 0);
	struct nlattr *f;

	nla_put_string(m, DWCP_RES_A_POLICY_NAME, "sync");
	f = nla_nest_start(m, DWCP_RES_A_FAULT);
	nla_put_u32(m, DWCP_RES_FAULT_A_KIND, DWCP_RES_FAULT_ERROR);
	nla_put_u32(m, DWCP_RES_FAULT_A_PROBABILITY_PPM, 10000);
	nla_put_u64(m, DWCP_RES_FAULT_A_VALUE_MIN, lo);
	nla_put_u64(m, DWCP_RES_FAULT_A_VALUE_MAX, hi);
	nla_nest_end(m, f);
	return m;
}

/*
 * Error faults took any 1..4095: ERESTARTSYS (512) and EIOCBQUEUED (529)
 * then reached programs, and a write through io_submit never completed.
 * Only the errnos of DWCP_RES_FAULT_ERRNOS, named in the refusal.
 */
TEST_F(nl, error_faults_take_only_socket_errnos)
{
	struct reply r;

	EXPECT_EQ(-ERANGE, run(self->sk, error_fault(self->family, 512, 512), &r));
	EXPECT_NE(NULL, strstr(r.extack, "an errno a socket call returns: EPERM"))
		TH_LOG("extack: %s", r.extack);
	EXPECT_EQ(-ERANGE, run(self->sk, error_fault(self->family, 529, 529), &r));
	EXPECT_EQ(-ERANGE, run(self->sk, error_fault(self->family, 4095, 4095), &r));
	EXPECT_EQ(-ERANGE, run(self->sk, error_fault(self->family, ECONNRESET, ETIMEDOUT), &r));
	EXPECT_EQ(0, run(self->sk, error_fault(self->family, ETIMEDOUT, EHOSTUNREACH), &r));
	EXPECT_EQ(0, run(self->sk, error_fault(self->family, EIO, EIO), &r));
	EXPECT_EQ(0, dwcp_resctl("chaos clear"));
}

TEST_F(nl, writes_need_cap_net_admin)
{
	struct nl_sock *sk;
	struct nl_msg *m;
	struct reply r;
	int family;

	/* Drop root in this (forked) test, then open a fresh socket. */
	ASSERT_EQ(0, setresgid(65534, 65534, 65534));
	ASSERT_EQ(0, setresuid(65534, 65534, 65534));
	sk = nl_open(&family);
	ASSERT_NE(NULL, sk);
	ASSERT_EQ(0, run(sk, req(family, DWCP_RES_CMD_POLICY_GET, NLM_F_DUMP), &r));
	EXPECT_EQ(4, r.msgs);
	EXPECT_EQ(-EPERM, run(sk, new_policy(family, DWCP_RES_CMD_POLICY_DEL, "send"), &r));
	m = req(family, DWCP_RES_CMD_CHAOS_SET, 0);
	nla_put_u8(m, DWCP_RES_A_CHAOS_ENABLED, 1);
	EXPECT_EQ(-EPERM, run(sk, m, &r));
	nl_socket_free(sk);
}

TEST_HARNESS_MAIN
