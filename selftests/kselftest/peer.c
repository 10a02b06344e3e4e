// SPDX-License-Identifier: GPL-2.0
/*
 * peer: faults of the peer between two network namespaces joined by a veth
 * pair (raw rtnetlink, unshare and setns: the guest's busybox ip may lack
 * them). The client lives in namespace A (10.77.0.1), the server in B
 * (10.77.0.2). The client's sockets have the ULP and the class kst_peer
 * (created in A: a consecutive breaker, 2 failures, 1 probe, open 15 s); the
 * degradation level is pinned to normal (the transport health check would
 * otherwise shed the class).
 *
 *  1. baseline: request/response round trips, every call a SUCCESS;
 *  2. peer reset: the server closes with SO_LINGER 0 (RST); the client's
 *     next call fails with ECONNRESET (or EPIPE): a FAILURE of the policy
 *     and a transport error (ulp.rst's classification table);
 *  3. partition: the peer's end of the veth pair goes down; the client's
 *     data is not acknowledged and TCP_USER_TIMEOUT (1 s) ends the
 *     connection: the blocked receive returns ETIMEDOUT and the next send
 *     EPIPE, two consecutive FAILUREs (transport errors), so the breaker
 *     opens; a new connection's calls are refused with
 *     ECONNREFUSED (REJECT_BREAKER) while it is open; after the open time
 *     the half-open probe succeeds and the breaker closes;
 *  4. restarted peer: the server's listener and connection are closed
 *     (killed) and a new listener starts on the same port; the old
 *     connection reads EOF (a SUCCESS: the peer closed) and its next send
 *     fails (EPIPE/ECONNRESET: FAILURE); a new connection works.
 * Every step ends with a working connection (survived), and the socket's
 * and the policy's counters are checked against what the calls returned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <sys/socket.h>
#include <linux/dwcp_res.h>

#include "dwcp_test.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define PORT 7707
#define CLS "kst_peer"

static int nt, fails, ns_a, ns_b;

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void result(bool ok, const char *name)
{
	nt++;
	if (!ok)
		fails++;
	printf("%sok %d %s\n", ok ? "" : "not ", nt, name);
	fflush(stdout);
}

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		printf("# %s:%d: %s: ", __FILE__, __LINE__, #cond);	\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		ok = false;						\
	}								\
} while (0)

/* ---- raw rtnetlink ---------------------------------------------------- */

struct req {
	struct nlmsghdr n;
	char buf[1024];
};

static struct rtattr *addattr(struct nlmsghdr *n, int type, const void *d, int len)
{
	struct rtattr *a = (struct rtattr *)((char *)n + NLMSG_ALIGN(n->nlmsg_len));

	a->rta_type = type;
	a->rta_len = RTA_LENGTH(len);
	if (len)
		memcpy(RTA_DATA(a), d, len);
	n->nlmsg_len = NLMSG_ALIGN(n->nlmsg_len) + RTA_ALIGN(a->rta_len);
	return a;
}

static void nest_end(struct nlmsghdr *n, struct rtattr *a)
{
	a->rta_len = (char *)n + n->nlmsg_len - (char *)a;
}

static int rtnl_talk(struct nlmsghdr *n)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096];
	struct nlmsghdr *r = (struct nlmsghdr *)buf;
	int fd, len, err = -1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	n->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (sendto(fd, n, n->nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto out;
	len = recv(fd, buf, sizeof(buf), 0);
	if (len >= (int)NLMSG_LENGTH(sizeof(struct nlmsgerr)) && r->nlmsg_type == NLMSG_ERROR) {
		err = ((struct nlmsgerr *)NLMSG_DATA(r))->error;
		if (err) {
			errno = -err;
			err = -1;
		}
	}
out:
	close(fd);
	return err;
}

/* veth pair @a (here) and @b (in the namespace @peer_fd). */
static int veth_add(const char *a, const char *b, int peer_fd)
{
	struct req r = {};
	struct ifinfomsg *ifi = NLMSG_DATA(&r.n), *pifi;
	struct rtattr *li, *data, *peer;

	r.n.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	r.n.nlmsg_type = RTM_NEWLINK;
	r.n.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	addattr(&r.n, IFLA_IFNAME, a, strlen(a) + 1);
	li = addattr(&r.n, IFLA_LINKINFO, NULL, 0);
	addattr(&r.n, IFLA_INFO_KIND, "veth", 4);
	data = addattr(&r.n, IFLA_INFO_DATA, NULL, 0);
	peer = addattr(&r.n, VETH_INFO_PEER, NULL, 0);
	pifi = (struct ifinfomsg *)RTA_DATA(peer);
	memset(pifi, 0, sizeof(*pifi));
	r.n.nlmsg_len += NLMSG_ALIGN(sizeof(*pifi));
	addattr(&r.n, IFLA_IFNAME, b, strlen(b) + 1);
	addattr(&r.n, IFLA_NET_NS_FD, &peer_fd, sizeof(peer_fd));
	nest_end(&r.n, peer);
	nest_end(&r.n, data);
	nest_end(&r.n, li);
	return rtnl_talk(&r.n);
}

static int link_up(const char *name, bool up)
{
	struct req r = {};
	struct ifinfomsg *ifi = NLMSG_DATA(&r.n);

	r.n.nlmsg_len = NLMSG_LENGTH(sizeof(*ifi));
	r.n.nlmsg_type = RTM_NEWLINK;
	ifi->ifi_index = if_nametoindex(name);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	if (!ifi->ifi_index)
		return -1;
	return rtnl_talk(&r.n);
}

static int addr_add(const char *name, const char *ip)
{
	struct req r = {};
	struct ifaddrmsg *ifa = NLMSG_DATA(&r.n);
	struct in_addr in;

	r.n.nlmsg_len = NLMSG_LENGTH(sizeof(*ifa));
	r.n.nlmsg_type = RTM_NEWADDR;
	r.n.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = 24;
	ifa->ifa_index = if_nametoindex(name);
	inet_pton(AF_INET, ip, &in);
	addattr(&r.n, IFA_LOCAL, &in, 4);
	addattr(&r.n, IFA_ADDRESS, &in, 4);
	return ifa->ifa_index ? rtnl_talk(&r.n) : -1;
}

static int enter(int fd)
{
	return setns(fd, CLONE_NEWNET);
}

/* Both namespaces, the veth pair, addresses; the thread ends up in A. */
static int topology(void)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	if (self < 0 || unshare(CLONE_NEWNET))
		return -1;
	ns_b = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (ns_b < 0 || link_up("lo", true) || enter(self) || unshare(CLONE_NEWNET))
		return -1;
	ns_a = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	close(self);
	if (ns_a < 0 || link_up("lo", true) || veth_add("vpa", "vpb", ns_b) ||
	    addr_add("vpa", "10.77.0.1") || link_up("vpa", true) || enter(ns_b) ||
	    addr_add("vpb", "10.77.0.2") || link_up("vpb", true) || enter(ns_a))
		return -1;
	return 0;
}

/* ---- sockets ----------------------------------------------------------- */

static int server_listen(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	int one = 1, fd;

	if (enter(ns_b))
		return -1;
	fd = socket(AF_INET, SOCK_STREAM, 0);
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd >= 0 && (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 8))) {
		close(fd);
		fd = -1;
	}
	enter(ns_a);
	return fd;
}

/* A client in A with the ULP and class CLS, and its accepted peer in B. */
static int client(int lfd, int *srv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(PORT) };
	struct timeval tv = { .tv_sec = 5 };
	unsigned int uto = 1000;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	inet_pton(AF_INET, "10.77.0.2", &a.sin_addr);
	*srv = -1;
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    setsockopt(fd, SOL_TCP, TCP_ULP, "dwcp", 4) ||
	    setsockopt(fd, SOL_DWCP, DWCP_SO_CLASS, CLS, strlen(CLS)) ||
	    setsockopt(fd, SOL_TCP, TCP_USER_TIMEOUT, &uto, sizeof(uto)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv))) {
		printf("# client: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*srv = accept(lfd, NULL, NULL);
	if (*srv < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One request/response: the client sends, the server echoes. */
static bool round_trip(int fd, int srv)
{
	char buf[256];
	ssize_t n;

	memset(buf, 'q', sizeof(buf));
	if (send(fd, buf, sizeof(buf), MSG_NOSIGNAL) != sizeof(buf))
		return false;
	n = recv(srv, buf, sizeof(buf), MSG_WAITALL);
	if (n != sizeof(buf) || send(srv, buf, n, MSG_NOSIGNAL) != n)
		return false;
	return recv(fd, buf, sizeof(buf), MSG_WAITALL) == sizeof(buf);
}

static int get_stats(int fd, struct dwcp_res_sock_stats *st)
{
	socklen_t len = sizeof(*st);

	memset(st, 0, sizeof(*st));
	return getsockopt(fd, SOL_DWCP, DWCP_SO_STATS, st, &len);
}

/* ---- the policy, through resctl in namespace A -------------------------- */

static long long jnum(const char *cmd, const char *after, const char *key)
{
	char out[16384], full[256], pat[64];
	const char *p = out;

	dwcp_resctl_cmd(full, sizeof(full), cmd);
	if (dwcp_run(full, out, sizeof(out), NULL, 0))
		return -1;
	if (after) {
		p = strstr(out, after);
		if (!p)
			return -1;
	}
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(p, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

static long long pol(const char *group, const char *key)
{
	char g[64];

	snprintf(g, sizeof(g), "\"%s\":{", group);
	return jnum("-j policy show " CLS, g, key);
}

static bool breaker_is(const char *state)
{
	char out[4096], cmd[256], pat[64];

	dwcp_resctl_cmd(cmd, sizeof(cmd), "-j breaker show " CLS);
	snprintf(pat, sizeof(pat), "\"state\":\"%s\"", state);
	return !dwcp_run(cmd, out, sizeof(out), NULL, 0) && strstr(out, pat);
}

/* The transport-errors check of CLS (a user check), once it has run. */
static long long transport_errors(long long at_least)
{
	long long v = -1;
	int i;

	/* Up to 15 s: a loaded debug guest once took longer than 4 s. */
	for (i = 0; i < 150; i++) {
		v = jnum("-j health show kst_peer_tr", NULL, "value");
		if (v >= at_least)
			break;
		usleep(100000);
	}
	return v;
}

int main(void)
{
	struct dwcp_res_sock_stats st;
	long long f0, f1, t0;
	double opened = 0;
	int lfd, fd, srv, fd2, srv2, i;
	char buf[256];
	ssize_t n;
	bool ok;
	int e;

	printf("TAP version 13\n");
	if (dwcp_module_load("chaos_allowed=1")) {
		printf("1..0 # SKIP cannot load dwcp_res\n");
		return 4;
	}
	/* Debian's kernel has veth as a module: the payload carries it. */
	snprintf(buf, sizeof(buf), "%s/veth.ko", dwcp_dir());
	if (!access(buf, R_OK)) {
		char cmd[320];

		snprintf(cmd, sizeof(cmd), "grep -q '^veth ' /proc/modules || insmod %s", buf);
		if (system(cmd))
			printf("# insmod %s failed\n", buf);
	}
	if (topology()) {
		printf("1..1\nok 1 peer_faults # SKIP no veth or netns: %s\n", strerror(errno));
		return 0;
	}
	printf("1..5\n");
	/* Namespace A: the class, the level pinned, a transport check. */
	ok = !dwcp_resctl("policy add " CLS " base sync breaker-mode consecutive failures 2 probes 1 open 15s") &&
	     !dwcp_resctl("degrade set normal") &&
	     !dwcp_resctl("degrade triggers tick 100ms") &&
	     !dwcp_resctl("health add kst_peer_tr metric transport-errors policy " CLS
			  " max 1000 interval 100ms timeout 50ms");
	lfd = server_listen();
	fd = lfd >= 0 ? client(lfd, &srv) : -1;
	if (!ok || fd < 0) {
		printf("Bail out! setup in namespace A failed\n");
		return 1;
	}

	/* 1. baseline */
	for (i = 0; i < 20 && round_trip(fd, srv); i++)
		;
	get_stats(fd, &st);
	ok = true;
	CHECK(i == 20, "%d round trips", i);
	CHECK(st.send.results[DWCP_RES_RESULT_SUCCESS] == 20 &&
	      st.recv.results[DWCP_RES_RESULT_SUCCESS] == 20,
	      "send successes %llu, recv %llu",
	      (unsigned long long)st.send.results[DWCP_RES_RESULT_SUCCESS],
	      (unsigned long long)st.recv.results[DWCP_RES_RESULT_SUCCESS]);
	CHECK(pol("results", "failure") == 0, "failures %lld", pol("results", "failure"));
	result(ok, "baseline_round_trips");

	/* 2. peer reset */
	ok = true;
	f0 = pol("results", "failure");
	{
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		setsockopt(srv, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(srv);
	}
	n = recv(fd, buf, sizeof(buf), 0);
	e = errno;
	CHECK(n == -1 && e == ECONNRESET, "recv after RST: %zd, %s", n, strerror(e));
	get_stats(fd, &st);
	CHECK(st.recv.results[DWCP_RES_RESULT_FAILURE] == 1, "recv failures %llu",
	      (unsigned long long)st.recv.results[DWCP_RES_RESULT_FAILURE]);
	f1 = pol("results", "failure");
	CHECK(f1 == f0 + 1, "policy failures %lld -> %lld", f0, f1);
	t0 = transport_errors(1);
	CHECK(t0 >= 1, "transport errors %lld", t0);
	CHECK(breaker_is("closed"), "breaker not closed after one failure");
	close(fd);
	fd = client(lfd, &srv);
	CHECK(fd >= 0 && round_trip(fd, srv), "a new connection after the reset");
	result(ok, "peer_reset_classified_and_survived");

	/* 3. partition */
	ok = true;
	f0 = pol("results", "failure");
	/* The peer's end goes down: a black hole, nothing acknowledged. */
	CHECK(!enter(ns_b) && !link_up("vpb", false) && !enter(ns_a), "link down: %s",
	      strerror(errno));
	memset(buf, 'p', sizeof(buf));
	n = send(fd, buf, sizeof(buf), MSG_NOSIGNAL);	/* queued, never acked */
	CHECK(n == sizeof(buf), "send into the partition: %zd, %s", n, strerror(errno));
	n = recv(fd, buf, sizeof(buf), 0);
	e = errno;
	CHECK(n == -1 && e == ETIMEDOUT, "recv in the partition: %zd, %s", n, strerror(e));
	n = send(fd, buf, sizeof(buf), MSG_NOSIGNAL);	/* the connection is dead */
	e = errno;
	opened = mono_s();	/* the second failure opens the breaker */
	CHECK(n == -1 && e == EPIPE, "send after the timeout: %zd, %s", n, strerror(e));
	get_stats(fd, &st);
	CHECK(st.recv.results[DWCP_RES_RESULT_FAILURE] == 1 &&
	      st.send.results[DWCP_RES_RESULT_FAILURE] == 1, "socket failures %llu + %llu",
	      (unsigned long long)st.recv.results[DWCP_RES_RESULT_FAILURE],
	      (unsigned long long)st.send.results[DWCP_RES_RESULT_FAILURE]);
	f1 = pol("results", "failure");
	CHECK(f1 == f0 + 2, "policy failures %lld -> %lld", f0, f1);
	CHECK(breaker_is("open"), "breaker not open after 2 consecutive failures");
	/* While the partition's errors are still in the check's window. */
	CHECK(transport_errors(t0 + 1) >= t0 + 1, "transport errors did not grow");
	close(fd);
	close(srv);
	CHECK(!enter(ns_b) && !link_up("vpb", true) && !enter(ns_a), "link up: %s",
	      strerror(errno));
	usleep(200000);
	fd = client(lfd, &srv);
	CHECK(fd >= 0, "connect after the partition");
	if (fd >= 0) {
		n = send(fd, "x", 1, MSG_NOSIGNAL);
		e = errno;
		CHECK(n == -1 && e == ECONNREFUSED, "send, breaker open: %zd, %s", n, strerror(e));
		get_stats(fd, &st);
		CHECK(st.send.rejected[DWCP_RES_REJECT_BREAKER] == 1, "breaker rejections %llu",
		      (unsigned long long)st.send.rejected[DWCP_RES_REJECT_BREAKER]);
		/*
		 * Past the open time: half-open. Open for 15 s from the
		 * failure that opened it, so that a guest slowed by its
		 * neighbours still finds it open when it sends above.
		 */
		while (mono_s() < opened + 15.2)
			usleep(100000);
		CHECK(round_trip(fd, srv), "round trip after the open time (the probe)");
		CHECK(breaker_is("closed"), "breaker not closed after the probe");
	}
	result(ok, "partition_classified_breaker_opened_and_recovered");

	/* 4. restarted peer */
	ok = true;
	f0 = pol("results", "failure");
	while (recv(srv, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;		/* nothing unread: an orderly close (FIN) */
	close(srv);
	close(lfd);		/* the server process is gone */
	n = recv(fd, buf, sizeof(buf), 0);
	CHECK(n == 0, "recv from a closed peer: %zd, %s", n, strerror(errno));
	n = send(fd, "y", 1, MSG_NOSIGNAL);	/* reaches a closed socket: RST */
	usleep(100000);
	n = send(fd, "y", 1, MSG_NOSIGNAL);
	e = errno;
	CHECK(n == -1 && (e == EPIPE || e == ECONNRESET), "send after the RST: %zd, %s",
	      n, strerror(e));
	f1 = pol("results", "failure");
	CHECK(f1 == f0 + 1, "policy failures %lld -> %lld", f0, f1);
	close(fd);
	lfd = server_listen();	/* restarted */
	CHECK(lfd >= 0, "listener restarted");
	fd2 = lfd >= 0 ? client(lfd, &srv2) : -1;
	CHECK(fd2 >= 0 && round_trip(fd2, srv2), "a new connection to the restarted peer");
	CHECK(breaker_is("closed"), "breaker not closed (one failure)");
	result(ok, "restarted_peer_classified_and_survived");

	/* 5. the policy's books balance: admitted = completed, nothing in flight */
	close(fd2);
	close(srv2);
	close(lfd);
	ok = true;
	CHECK(pol("calls", "admitted") == pol("calls", "completed") &&
	      pol("calls", "inflight") == 0, "admitted %lld completed %lld inflight %lld",
	      pol("calls", "admitted"), pol("calls", "completed"), pol("calls", "inflight"));
	printf("# policy %s: admitted %lld, failures %lld, breaker rejections %lld\n", CLS,
	       pol("calls", "admitted"), pol("results", "failure"), pol("rejected", "breaker"));
	result(ok, "policy_counters_consistent");
	dwcp_resctl("health del kst_peer_tr");
	dwcp_resctl("policy del " CLS);
	return fails ? 1 : 0;
}
