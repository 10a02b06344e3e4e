// SPDX-License-Identifier: GPL-2.0
/*
 * faults: allocation failures injected into configuration and socket
 * attach (debug kernel: FAILSLAB, FAIL_PAGE_ALLOC, fault-injection debugfs;
 * skipped where the kernel has none).
 *
 * usage: faults [-s STRIDE] [-n MAX]    (defaults: every 3rd site, 200;
 *                                        make check: -s 4 -n 60)
 *
 * Systematic injection with /proc/thread-self/fail-nth (the task filter of
 * fault injection, exact): for n = 1, 1 + STRIDE, ... the n-th
 * allocation (slab, or page of any order: failslab's and fail_page_alloc's
 * ignore-gfp-wait are turned off, min-order 0) made by this thread inside
 * one operation fails, until the operation makes fewer than n. The
 * operations are raw generic netlink requests sent by this thread (the
 * kernel handles them in its context): policy add, policy set, health add,
 * slo set (budget), chaos inject (fault), degrade set; and the socket
 * options: TCP_ULP on an established socket, DWCP_SO_CLASS. Each failure
 * must be a clean error: the request fails with ENOMEM (ENOBUFS where the
 * netlink core could not allocate the request or the ack), and the state
 * (resctl's view of what the operation changes, volatile counters
 * stripped) is exactly the state before; a success gives exactly the state
 * of a run without faults (an ack lost after success: either, nothing in
 * between). A socket whose attach failed stays plain TCP and works; one
 * whose class change failed keeps its class.
 *
 * A listener's child gets its context in softirq, which fail-nth cannot
 * reach: there, failslab fails 10 % of the atomic allocations of the whole
 * guest (ignore-gfp-wait on) while connections are accepted through a
 * listener with the ULP; every child must have the ULP or be plain TCP
 * (never half), and carry data either way.
 *
 * At the end the module's reference count must be back to where it was and
 * rmmod must succeed; the guest's final kmemleak scan finds any leak.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/dwcp_res.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "dwcp_test.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define DBG "/sys/kernel/debug"

static int nt, fails, family, nlfd, stride = 3, maxn = 200;
static unsigned long injections, attempts;

static void result(bool ok, const char *name)
{
	nt++;
	if (!ok)
		fails++;
	printf("%sok %d %s\n", ok ? "" : "not ", nt, name);
	if (dwcp_module_loaded())
		printf("# module refcount %d\n", dwcp_module_refcnt());
	fflush(stdout);
}

static int put(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY), n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (int)strlen(val) ? 0 : -1;
}

/* fail-nth of this thread: set it, read it back (0: the fault fired). */
static int nth_fd = -1;

static void nth_set(int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%d", n);

	if (pwrite(nth_fd, b, len, 0) != len)
		printf("# fail-nth write: %s\n", strerror(errno));
}

static int nth_get(void)
{
	char b[16] = "";

	if (pread(nth_fd, b, sizeof(b) - 1, 0) <= 0)
		return -1;
	return atoi(b);
}

/* ---- raw generic netlink ------------------------------------------------ */

struct msg {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[1024];
};

static void *attr(struct nlmsghdr *n, int type, const void *d, int len)
{
	struct nlattr *a = (struct nlattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, d, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static void attr_str(struct nlmsghdr *n, int t, const char *s)
{
	attr(n, t, s, strlen(s) + 1);
}

static void attr_u32(struct nlmsghdr *n, int t, uint32_t v)
{
	attr(n, t, &v, 4);
}

static void attr_u64(struct nlmsghdr *n, int t, uint64_t v)
{
	attr(n, t, &v, 8);
}

static struct nlattr *nest(struct nlmsghdr *n, int t)
{
	return attr(n, t | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct nlmsghdr *n, struct nlattr *a)
{
	a->nla_len = (char *)n + n->nlmsg_len - (char *)a;
}

static void msg_init(struct msg *m, int cmd)
{
	memset(m, 0, sizeof(*m));
	m->n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	m->n.nlmsg_type = family;
	m->n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	m->g.cmd = cmd;
	m->g.version = DWCP_RES_GENL_VERSION;
}

/*
 * Send @m with the n-th allocation failing (0: none); returns the ack's
 * errno (0 success), or -ENOBUFS... as a negative value when the request
 * or its ack was lost. *@fired: the fault was injected.
 */
static int nl_do(struct msg *m, int n, bool *fired, bool *ack_lost)
{
	static char rbuf[8192];
	struct nlmsghdr *r = (struct nlmsghdr *)rbuf;
	struct pollfd pfd = { .fd = nlfd, .events = POLLIN };
	ssize_t len;
	int err;

	*ack_lost = false;
	m->n.nlmsg_seq++;
	if (n)
		nth_set(n);
	len = send(nlfd, m, m->n.nlmsg_len, 0);
	err = errno;
	if (n) {
		*fired = nth_get() == 0;
		nth_set(0);
	} else {
		*fired = false;
	}
	if (len < 0)
		return err;	/* the request never reached the family */
	for (;;) {
		if (poll(&pfd, 1, 2000) != 1) {
			*ack_lost = true;
			return ENOBUFS;
		}
		len = recv(nlfd, rbuf, sizeof(rbuf), 0);
		if (len < 0) {
			*ack_lost = true;	/* ENOBUFS: the ack was dropped */
			return errno;
		}
		if (r->nlmsg_type == NLMSG_ERROR)
			return -((struct nlmsgerr *)NLMSG_DATA(r))->error;
	}
}

/* ---- state snapshots ---------------------------------------------------- */

/* Remove "key":value pairs of live counters from JSON @s, in place. */
static void strip(char *s)
{
	static const char * const vol[] = {
		"value", "healthy", "consecutive", "checks", "failures", "timeouts",
		"transitions", "since_ns", "injections", "hold_ns", "changes",
		"time_normal_ns", "time_degraded_ns", "time_severely_degraded_ns",
		"time_emergency_ns", "error_now_ppm",
	};
	char pat[48], *p, *e;
	size_t i;

	for (i = 0; i < sizeof(vol) / sizeof(vol[0]); i++) {
		snprintf(pat, sizeof(pat), "\"%s\":", vol[i]);
		while ((p = strstr(s, pat))) {
			e = p + strcspn(p, ",}");
			if (*e == ',')
				e++;
			memmove(p, e, strlen(e) + 1);
		}
	}
}

static void snap(const char *what, char *out, size_t len)
{
	char cmd[256], err[256];
	char *p;

	dwcp_resctl_cmd(cmd, sizeof(cmd), what);
	if (dwcp_run(cmd, out, len, err, sizeof(err))) {
		snprintf(out, len, "(absent: %.200s)", err);
		return;
	}
	p = strstr(out, "\"stats\":");	/* a policy: its configuration only */
	if (p)
		*p = '\0';
	strip(out);
}

/* ---- the netlink operations ---------------------------------------------- */

struct op {
	const char *name;
	const char *pre;	/* resctl commands (";"-separated) before each try */
	const char *show;	/* resctl -j command whose output is the state */
	void (*build)(struct msg *m);
};

static void b_policy_new(struct msg *m)
{
	struct nlattr *a;

	msg_init(m, DWCP_RES_CMD_POLICY_NEW);
	attr_str(&m->n, DWCP_RES_A_POLICY_NAME, "kst_f");
	a = nest(&m->n, DWCP_RES_A_POLICY);
	attr_str(&m->n, DWCP_RES_P_BASE, "sync");
	attr_u32(&m->n, DWCP_RES_P_BULKHEAD_MAX, 4);
	nest_end(&m->n, a);
}

static void b_policy_set(struct msg *m)
{
	struct nlattr *a;

	msg_init(m, DWCP_RES_CMD_POLICY_SET);
	attr_str(&m->n, DWCP_RES_A_POLICY_NAME, "kst_f");
	a = nest(&m->n, DWCP_RES_A_POLICY);
	attr_u32(&m->n, DWCP_RES_P_BULKHEAD_MAX, 7);
	attr_u64(&m->n, DWCP_RES_P_LATENCY_TARGET_NS, 7000000);
	nest_end(&m->n, a);
}

static void b_health_new(struct msg *m)
{
	struct nlattr *a;

	msg_init(m, DWCP_RES_CMD_HEALTH_NEW);
	a = nest(&m->n, DWCP_RES_A_HEALTH);
	attr_str(&m->n, DWCP_RES_HC_NAME, "kst_fh");
	attr_u32(&m->n, DWCP_RES_HC_METRIC, DWCP_RES_METRIC_INFLIGHT);
	attr_str(&m->n, DWCP_RES_HC_POLICY, "kst_f");
	attr_u64(&m->n, DWCP_RES_HC_VALUE_MAX, 50);
	nest_end(&m->n, a);
}

static void b_budget_set(struct msg *m)
{
	struct nlattr *a;

	msg_init(m, DWCP_RES_CMD_BUDGET_SET);
	attr_str(&m->n, DWCP_RES_A_POLICY_NAME, "kst_f");
	a = nest(&m->n, DWCP_RES_A_BUDGET);
	attr_u32(&m->n, DWCP_RES_B_SLO_PPM, 995000);
	nest_end(&m->n, a);
}

static void b_fault_set(struct msg *m)
{
	struct nlattr *a;

	msg_init(m, DWCP_RES_CMD_FAULT_SET);
	attr_str(&m->n, DWCP_RES_A_POLICY_NAME, "kst_f");
	a = nest(&m->n, DWCP_RES_A_FAULT);
	attr_u32(&m->n, DWCP_RES_FAULT_A_KIND, DWCP_RES_FAULT_ERROR);
	attr_u32(&m->n, DWCP_RES_FAULT_A_PROBABILITY_PPM, 10000);
	nest_end(&m->n, a);
}

static void b_degrade_set(struct msg *m)
{
	msg_init(m, DWCP_RES_CMD_DEGRADE_SET);
	attr_u32(&m->n, DWCP_RES_A_LEVEL, DWCP_RES_LEVEL_DEGRADED);
}

static const struct op ops[] = {
	{ "policy_add", "policy del kst_f", "-j policy show kst_f", b_policy_new },
	{ "policy_set", "policy add kst_f base sync;policy set kst_f concurrent 4 latency-target 5ms",
	  "-j policy show kst_f", b_policy_set },
	{ "health_add", "policy add kst_f base sync;health del kst_fh", "-j health show kst_fh", b_health_new },
	{ "slo_set", "policy add kst_f base sync;slo set kst_f target 99%", "-j policy show kst_f", b_budget_set },
	{ "chaos_inject", "policy add kst_f base sync;chaos clear", "-j chaos show", b_fault_set },
	{ "degrade_set", "degrade set normal", "-j degrade show", b_degrade_set },
};

static void pre(const char *cmds)
{
	char one[256], *tok, *save = NULL;

	snprintf(one, sizeof(one), "%s", cmds);
	for (tok = strtok_r(one, ";", &save); tok; tok = strtok_r(NULL, ";", &save))
		dwcp_resctl("%s", tok);
}

static bool run_op(const struct op *o)
{
	static char s0[16384], s1[16384], s[16384];
	struct msg m;
	bool fired, lost, ok = true;
	int n, err, bad = 0, errs = 0, nfired = 0;

	/* The reference: without faults. */
	pre(o->pre);
	snap(o->show, s0, sizeof(s0));
	o->build(&m);
	err = nl_do(&m, 0, &fired, &lost);
	snap(o->show, s1, sizeof(s1));
	if (err || !strcmp(s0, s1)) {
		printf("# %s: without faults: %s, state %s\n", o->name, strerror(err),
		       strcmp(s0, s1) ? "changed" : "unchanged");
		return false;
	}
	for (n = 1; n <= maxn; n += stride) {
		pre(o->pre);
		snap(o->show, s, sizeof(s));
		if (strcmp(s, s0)) {
			printf("# %s: precondition not restored:\n#   %.300s\n", o->name, s);
			return false;
		}
		o->build(&m);
		err = nl_do(&m, n, &fired, &lost);
		attempts++;
		snap(o->show, s, sizeof(s));
		if (!fired) {
			/* Fewer than n allocations: it must have succeeded. */
			if (err || strcmp(s, s1)) {
				printf("# %s: no fault at %d yet %s\n", o->name, n, strerror(err));
				ok = false;
			}
			break;
		}
		nfired++;
		injections++;
		if (err)
			errs++;
		if (err && err != ENOMEM && err != ENOBUFS) {
			printf("# %s: allocation %d failed: %s, not ENOMEM\n", o->name, n,
			       strerror(err));
			bad++;
		} else if (err && strcmp(s, s0) && !(lost && !strcmp(s, s1))) {
			printf("# %s: allocation %d failed (%s) and the state changed:\n"
			       "#   before %.400s\n#   after  %.400s\n", o->name, n,
			       strerror(err), s0, s);
			bad++;
		} else if (!err && strcmp(s, s1)) {
			printf("# %s: allocation %d failed, success reported, state:\n"
			       "#   %.400s\n#   wanted %.400s\n", o->name, n, s, s1);
			bad++;
		}
	}
	printf("# %s: %d faults injected, %d clean errors, %d successes\n", o->name,
	       nfired, errs, nfired - errs);
	return ok && !bad && nfired > 0;
}

/* ---- sockets ------------------------------------------------------------- */

static int pair(int lfd, struct sockaddr_in *a, int *srv)
{
	struct timeval tv = { .tv_sec = 1, .tv_usec = 500000 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), i;

	/* Bounded: a SYN lost under failslab would wait for retransmits. */
	*srv = -1;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (fd < 0 || connect(fd, (struct sockaddr *)a, sizeof(*a))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/*
	 * The child of this connection: a connection that timed out on the
	 * client may have left its own child in the queue first.
	 */
	for (i = 0; i < 8; i++) {
		struct sockaddr_in me, peer;
		socklen_t l1 = sizeof(me), l2 = sizeof(peer);

		*srv = accept(lfd, NULL, NULL);
		if (*srv < 0 || getsockname(fd, (struct sockaddr *)&me, &l1) ||
		    getpeername(*srv, (struct sockaddr *)&peer, &l2) ||
		    me.sin_port == peer.sin_port)
			break;
		close(*srv);
		*srv = -1;
	}
	return fd;
}

static int ulp_name(int fd, char *name, socklen_t len)
{
	memset(name, 0, len);
	return getsockopt(fd, SOL_TCP, TCP_ULP, name, &len);
}

static bool carries(int a, int b)
{
	char c = 'x';
	struct timeval tv = { .tv_sec = 3 };

	setsockopt(b, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return send(a, &c, 1, 0) == 1 && recv(b, &c, 1, 0) == 1 &&
	       send(b, &c, 1, 0) == 1 && recv(a, &c, 1, 0) == 1;
}

static int listener(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)a, len) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)a, &len))
		return -1;
	return fd;
}

static bool sock_attach(void)
{
	struct sockaddr_in a;
	char name[16];
	int lfd, fd, srv, n, err, nfired = 0, plain = 0, bad = 0;
	bool fired;

	lfd = listener(&a);
	for (n = 1; n <= maxn && lfd >= 0; n++) {
		fd = pair(lfd, &a, &srv);
		if (fd < 0 || srv < 0) {
			bad++;
			break;
		}
		nth_set(n);
		err = setsockopt(fd, SOL_TCP, TCP_ULP, "dwcp", 4) ? errno : 0;
		fired = nth_get() == 0;
		nth_set(0);
		attempts++;
		if (fired) {
			nfired++;
			injections++;
		}
		ulp_name(fd, name, sizeof(name));
		if (err) {
			plain++;
			if (err != ENOMEM || name[0]) {
				printf("# TCP_ULP, allocation %d: %s, ulp \"%s\"\n", n,
				       strerror(err), name);
				bad++;
			}
		} else if (strcmp(name, "dwcp")) {
			printf("# TCP_ULP succeeded, ulp \"%s\"\n", name);
			bad++;
		}
		if (!carries(fd, srv)) {
			printf("# TCP_ULP, allocation %d: the socket carries no data\n", n);
			bad++;
		}
		close(fd);
		close(srv);
		if (!fired)
			break;
	}
	close(lfd);
	printf("# TCP_ULP: %d faults injected, %d sockets left plain\n", nfired, plain);
	return !bad && nfired > 0;
}

static bool sock_class(void)
{
	struct sockaddr_in a;
	char cls[DWCP_RES_NAME_MAX];
	socklen_t len;
	int lfd, fd, srv, n, err, nfired = 0, kept = 0, bad = 0;
	bool fired;

	lfd = listener(&a);
	fd = lfd >= 0 ? pair(lfd, &a, &srv) : -1;
	if (fd < 0 || srv < 0 || setsockopt(fd, SOL_TCP, TCP_ULP, "dwcp", 4))
		return false;
	for (n = 1; n <= maxn; n++) {
		setsockopt(fd, SOL_DWCP, DWCP_SO_CLASS, "send", 4);
		nth_set(n);
		err = setsockopt(fd, SOL_DWCP, DWCP_SO_CLASS, "kst_f", 5) ? errno : 0;
		fired = nth_get() == 0;
		nth_set(0);
		attempts++;
		len = sizeof(cls);
		memset(cls, 0, sizeof(cls));
		getsockopt(fd, SOL_DWCP, DWCP_SO_CLASS, cls, &len);
		if (fired) {
			nfired++;
			injections++;
		}
		if (err) {
			kept++;
			if (err != ENOMEM || strcmp(cls, "send")) {
				printf("# DWCP_SO_CLASS, allocation %d: %s, class %s\n", n,
				       strerror(err), cls);
				bad++;
			}
		} else if (strcmp(cls, "kst_f")) {
			printf("# DWCP_SO_CLASS succeeded, class %s\n", cls);
			bad++;
		}
		if (!fired)
			break;
	}
	if (!carries(fd, srv))
		bad++;
	close(fd);
	close(srv);
	close(lfd);
	/* No allocation in a class change is fine too: nothing to fail. */
	printf("# DWCP_SO_CLASS: %d faults injected, %d refused\n", nfired, kept);
	return !bad;
}

/*
 * Listener children, in softirq: 10 % of atomic allocations fail while the
 * connections are made; they are checked and closed once faults are off
 * (TCP itself leaves an orphan that could not allocate its FIN behind).
 */
#define NACC 16

static bool sock_accept(void)
{
	struct sockaddr_in a;
	char name[16];
	int lfd, fd[NACC], srv[NACC], i, with = 0, plain = 0, bad = 0, lost = 0;

	lfd = listener(&a);
	if (lfd < 0 || setsockopt(lfd, SOL_TCP, TCP_ULP, "dwcp", 4))
		return false;
	put(DBG "/failslab/ignore-gfp-wait", "Y");
	put(DBG "/failslab/times", "-1");
	put(DBG "/failslab/interval", "1");
	put(DBG "/failslab/probability", "10");
	for (i = 0; i < NACC; i++)
		fd[i] = pair(lfd, &a, &srv[i]);
	put(DBG "/failslab/probability", "0");
	put(DBG "/failslab/ignore-gfp-wait", "N");
	for (i = 0; i < NACC; i++) {
		if (fd[i] < 0 || srv[i] < 0) {
			lost++;		/* a SYN lost to a failed skb: no child */
		} else {
			ulp_name(srv[i], name, sizeof(name));
			if (!strcmp(name, "dwcp"))
				with++;
			else if (!name[0])
				plain++;
			else
				bad++;
			if (!carries(fd[i], srv[i])) {
				printf("# child %d (ulp \"%s\") carries no data\n", i, name);
				bad++;
			}
		}
		if (fd[i] >= 0)
			close(fd[i]);
		if (srv[i] >= 0)
			close(srv[i]);
	}
	/* And once more without faults: the child has the ULP. */
	fd[0] = pair(lfd, &a, &srv[0]);
	if (fd[0] < 0 || srv[0] < 0 || ulp_name(srv[0], name, sizeof(name)) ||
	    strcmp(name, "dwcp") || !carries(fd[0], srv[0]))
		bad++;
	close(fd[0]);
	close(srv[0]);
	close(lfd);
	printf("# accept under 10%% atomic failslab: %d children with the ULP, %d plain, %d connections lost\n",
	       with, plain, lost);
	return !bad && with + plain > 0;
}

int main(int argc, char **argv)
{
	struct nl_sock *sk;
	int opt, base, i;
	size_t k;

	while ((opt = getopt(argc, argv, "s:n:")) != -1) {
		if (opt == 's')
			stride = atoi(optarg);
		else if (opt == 'n')
			maxn = atoi(optarg);
		else
			return 2;
	}
	if (stride < 1 || maxn < 1)
		return 2;
	printf("TAP version 13\n");
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	if (nth_fd < 0 || access(DBG "/failslab/probability", W_OK) ||
	    access(DBG "/fail_page_alloc/probability", W_OK)) {
		printf("1..1\nok 1 fault_injection # SKIP no fail-nth or failslab/fail_page_alloc debugfs\n");
		return 0;
	}
	printf("1..%zu\n", sizeof(ops) / sizeof(ops[0]) + 4);
	if (dwcp_module_load("chaos_allowed=1") || dwcp_fresh_policy("kst_f", "base sync")) {
		printf("Bail out! module or policy\n");
		return 1;
	}
	sk = nl_socket_alloc();
	if (!sk || genl_connect(sk) || (family = genl_ctrl_resolve(sk, DWCP_RES_GENL_NAME)) < 0) {
		printf("Bail out! generic netlink\n");
		return 1;
	}
	nlfd = nl_socket_get_fd(sk);
	/* Every allocation may fail, sleeping or not, any order; quietly. */
	put(DBG "/failslab/ignore-gfp-wait", "N");
	put(DBG "/failslab/verbose", "0");
	put(DBG "/fail_page_alloc/ignore-gfp-wait", "N");
	put(DBG "/fail_page_alloc/ignore-gfp-highmem", "N");
	put(DBG "/fail_page_alloc/min-order", "0");
	put(DBG "/fail_page_alloc/verbose", "0");

	base = dwcp_module_refcnt();
	for (k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		char name[64];

		snprintf(name, sizeof(name), "%s_clean_under_allocation_failures", ops[k].name);
		result(run_op(&ops[k]), name);
	}
	dwcp_resctl("degrade set normal");
	dwcp_resctl("chaos clear");
	dwcp_resctl("policy add kst_f base sync");
	result(sock_attach(), "tcp_ulp_attach_clean_under_allocation_failures");
	result(sock_class(), "class_setsockopt_clean_under_allocation_failures");
	result(sock_accept(), "listener_children_whole_or_plain_under_failslab");
	printf("# %lu attempts, %lu faults injected\n", attempts, injections);
	nl_socket_free(sk);
	/* Sockets closed under failslab may retransmit their FINs a while. */
	for (i = 0; i < 600 && dwcp_module_refcnt() != base; i++)
		usleep(50000);
	if (dwcp_module_refcnt() != base) {
		char out[8192];

		dwcp_run("cat /proc/net/sockstat /proc/net/tcp", out, sizeof(out), NULL, 0);
		printf("# refcount %d, was %d; sockets:\n%s", dwcp_module_refcnt(), base, out);
	}
	dwcp_resctl("health del kst_fh");
	dwcp_resctl("policy del kst_f");
	result(dwcp_module_refcnt() == base && !dwcp_module_unload(),
	       "refcount_back_and_module_unloads");
	return fails ? 1 : 0;
}
