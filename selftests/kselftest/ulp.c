// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP ULP "dwcp" over loopback, IPv4 and IPv6, blocking and not:
 * attaching, data integrity, classes and their counters, every rejection
 * with its errno, listeners, inet_diag, and the module reference each
 * socket holds. Modelled on tools/testing/selftests/net/tls.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/dwcp_res.h>

#include "kselftest_harness.h"
#include "dwcp_test.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define XFER_LEN	(4 << 20)

static int tcp_pair_listener(int family, bool ulp, struct sockaddr_storage *ss,
			     socklen_t *slen)
{
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	int fd;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		a6->sin6_family = AF_INET6;
		a6->sin6_addr = in6addr_loopback;
		*slen = sizeof(*a6);
	} else {
		a4->sin_family = AF_INET;
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*slen = sizeof(*a4);
	}
	fd = socket(family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)ss, *slen) || listen(fd, 8) ||
	    getsockname(fd, (struct sockaddr *)ss, slen) ||
	    (ulp && setsockopt(fd, SOL_TCP, TCP_ULP, "dwcp", 4))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int set_class(int fd, int opt, const char *name)
{
	return setsockopt(fd, SOL_DWCP, opt, name, strlen(name));
}

static int get_stats(int fd, struct dwcp_res_sock_stats *st)
{
	socklen_t len = sizeof(*st);

	memset(st, 0, sizeof(*st));
	if (getsockopt(fd, SOL_DWCP, DWCP_SO_STATS, st, &len))
		return -1;
	return len == sizeof(*st) ? 0 : -1;
}

static void set_nonblock(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFL);

	fcntl(fd, F_SETFL, on ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
}

/* FNV-1a over a stream. */
static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

#define FNV_INIT 0xcbf29ce484222325ULL

static bool transient(int err)
{
	return err == EAGAIN || err == EINTR;
}

/*
 * Send @len pseudo-random bytes from @tx in a child, receive them on @rx;
 * both work blocking or not, as any event loop does: poll on EAGAIN (a
 * non-blocking socket over its rate gets EAGAIN, and poll waits for the
 * slot). Returns 0 if the checksums agree.
 */
static int xfer(int tx, int rx, size_t len)
{
	static unsigned char buf[65536];
	uint64_t h = FNV_INIT, want;
	int pfd[2], st;
	size_t got = 0;
	pid_t pid;
	ssize_t n;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		size_t off = 0, i;
		unsigned int seed = 1;

		close(rx);
		while (off < len) {
			size_t chunk = len - off < sizeof(buf) ? len - off : sizeof(buf);
			size_t done = 0;

			for (i = 0; i < chunk; i++)
				buf[i] = rand_r(&seed);
			h = fnv(h, buf, chunk);
			while (done < chunk) {
				n = send(tx, buf + done, chunk - done, MSG_NOSIGNAL);
				if (n < 0 && transient(errno)) {
					struct pollfd p = { .fd = tx, .events = POLLOUT };

					poll(&p, 1, 1000);
					continue;
				}
				if (n <= 0)
					_exit(2);
				done += n;
			}
			off += chunk;
		}
		if (write(pfd[1], &h, sizeof(h)) != sizeof(h))
			_exit(3);
		_exit(0);
	}
	close(pfd[1]);
	while (got < len) {
		n = recv(rx, buf, sizeof(buf), 0);
		if (n < 0 && transient(errno)) {
			struct pollfd p = { .fd = rx, .events = POLLIN };

			poll(&p, 1, 1000);
			continue;
		}
		if (n <= 0)
			break;
		h = fnv(h, buf, n);
		got += n;
	}
	if (read(pfd[0], &want, sizeof(want)) != sizeof(want))
		want = ~h;
	close(pfd[0]);
	waitpid(pid, &st, 0);
	return got == len && want == h && WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

/* A policy's "admitted" counter, read with resctl -j (-1 on error). */
static long long policy_admitted(const char *name)
{
	char cmd[256], out[8192];
	const char *p;

	snprintf(cmd, sizeof(cmd), "%s/bin/resctl -j policy show %s", dwcp_dir(), name);
	if (dwcp_run(cmd, out, sizeof(out), NULL, 0))
		return -1;
	p = strstr(out, "\"admitted\":");
	return p ? atoll(p + strlen("\"admitted\":")) : -1;
}

FIXTURE(ulp)
{
	int fd;		/* the connecting side */
	int cfd;	/* the accepted side */
	bool skip;
	char why[128];
};

FIXTURE_VARIANT(ulp)
{
	int family;
	bool nonblock;
};

FIXTURE_VARIANT_ADD(ulp, v4_blocking) { .family = AF_INET, .nonblock = false };
FIXTURE_VARIANT_ADD(ulp, v4_nonblocking) { .family = AF_INET, .nonblock = true };
FIXTURE_VARIANT_ADD(ulp, v6_blocking) { .family = AF_INET6, .nonblock = false };
FIXTURE_VARIANT_ADD(ulp, v6_nonblocking) { .family = AF_INET6, .nonblock = true };

FIXTURE_SETUP(ulp)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	int lfd;

	self->fd = self->cfd = -1;
	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	lfd = tcp_pair_listener(variant->family, false, &ss, &slen);
	if (lfd < 0 && variant->family == AF_INET6) {
		/* No IPv6 in this kernel, or no ::1 on lo. */
		self->skip = true;
		snprintf(self->why, sizeof(self->why), "no IPv6 loopback: %s",
			 strerror(errno));
		return;
	}
	ASSERT_LE(0, lfd);
	self->fd = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&ss, slen));
	self->cfd = accept(lfd, NULL, NULL);
	ASSERT_LE(0, self->cfd);
	close(lfd);
	ASSERT_EQ(0, setsockopt(self->fd, SOL_TCP, TCP_ULP, "dwcp", 4));
	ASSERT_EQ(0, setsockopt(self->cfd, SOL_TCP, TCP_ULP, "dwcp", 4));
	if (variant->nonblock) {
		set_nonblock(self->fd, true);
		set_nonblock(self->cfd, true);
	}
}

FIXTURE_TEARDOWN(ulp)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->cfd >= 0)
		close(self->cfd);
}

#define NEED_SETUP() do { if (self->skip) SKIP(return, "%s", self->why); } while (0)

TEST_F(ulp, attach)
{
	char name[32] = {};
	socklen_t len = sizeof(name);

	NEED_SETUP();
	ASSERT_EQ(0, getsockopt(self->fd, SOL_TCP, TCP_ULP, name, &len));
	EXPECT_STREQ("dwcp", name);
	/* One ULP per socket. */
	EXPECT_EQ(-1, setsockopt(self->fd, SOL_TCP, TCP_ULP, "dwcp", 4));
	EXPECT_EQ(EEXIST, errno);
	/* The default classes. */
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DWCP, DWCP_SO_SEND_CLASS, name, &len));
	EXPECT_STREQ(DWCP_RES_CLASS_SEND, name);
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DWCP, DWCP_SO_RECV_CLASS, name, &len));
	EXPECT_STREQ(DWCP_RES_CLASS_RECEIVE, name);
	/* Other levels still reach TCP. */
	len = sizeof(name);
	{
		int v = 0;
		socklen_t vl = sizeof(v);

		EXPECT_EQ(0, getsockopt(self->fd, SOL_TCP, TCP_NODELAY, &v, &vl));
		v = 1;
		EXPECT_EQ(0, setsockopt(self->fd, SOL_TCP, TCP_NODELAY, &v, sizeof(v)));
	}
	/* Unknown SOL_DWCP options. */
	EXPECT_EQ(-1, getsockopt(self->fd, SOL_DWCP, 99, name, &len));
	EXPECT_EQ(ENOPROTOOPT, errno);
}

TEST_F(ulp, refused_where_unsupported)
{
	int fd;

	NEED_SETUP();
	/* Not connected yet. */
	fd = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, setsockopt(fd, SOL_TCP, TCP_ULP, "dwcp", 4));
	EXPECT_EQ(ENOTCONN, errno);
	/* Without the ULP the level is TCP's, which does not know it. */
	EXPECT_EQ(-1, set_class(fd, DWCP_SO_CLASS, "sync"));
	EXPECT_EQ(ENOPROTOOPT, errno);
	close(fd);
}

TEST_F_TIMEOUT(ulp, data_integrity, 120)
{
	struct dwcp_res_sock_stats tx, rx;

	NEED_SETUP();
	ASSERT_EQ(0, xfer(self->fd, self->cfd, XFER_LEN));
	ASSERT_EQ(0, xfer(self->cfd, self->fd, XFER_LEN));
	ASSERT_EQ(0, get_stats(self->fd, &tx));
	ASSERT_EQ(0, get_stats(self->cfd, &rx));
	EXPECT_EQ(XFER_LEN, tx.send.bytes);
	EXPECT_EQ(XFER_LEN, tx.recv.bytes);
	EXPECT_EQ(XFER_LEN, rx.recv.bytes);
	EXPECT_EQ(XFER_LEN, rx.send.bytes);
	EXPECT_LE(1, tx.send.admitted);
	EXPECT_EQ(0, tx.send.results[DWCP_RES_RESULT_FAILURE]);
	EXPECT_EQ(0, rx.recv.results[DWCP_RES_RESULT_FAILURE]);
	/* Every admitted call was completed and classified. */
	EXPECT_EQ(tx.send.admitted, tx.send.results[DWCP_RES_RESULT_SUCCESS] +
				    tx.send.results[DWCP_RES_RESULT_IGNORED]);
	EXPECT_EQ(rx.recv.admitted, rx.recv.results[DWCP_RES_RESULT_SUCCESS] +
				    rx.recv.results[DWCP_RES_RESULT_IGNORED]);
	TH_LOG("sends %llu, receives %llu, rate rejections %llu",
	       (unsigned long long)tx.send.admitted,
	       (unsigned long long)rx.recv.admitted,
	       (unsigned long long)tx.send.rejected[DWCP_RES_REJECT_RATE]);
}

TEST_F(ulp, default_classes_counted)
{
	long long s0 = policy_admitted("send"), r0 = policy_admitted("receive");
	struct dwcp_res_sock_stats st;
	char buf[16];

	NEED_SETUP();
	ASSERT_LE(0, s0);
	ASSERT_LE(0, r0);
	ASSERT_EQ(5, send(self->fd, "hello", 5, 0));
	ASSERT_EQ(0, poll(&(struct pollfd){ .fd = self->cfd, .events = POLLIN }, 1, 5000) - 1);
	ASSERT_EQ(5, recv(self->cfd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(1, st.send.admitted);
	EXPECT_EQ(1, st.send.results[DWCP_RES_RESULT_SUCCESS]);
	EXPECT_EQ(5, st.send.bytes);
	EXPECT_EQ(0, st.recv.admitted);
	ASSERT_EQ(0, get_stats(self->cfd, &st));
	EXPECT_EQ(1, st.recv.admitted);
	EXPECT_EQ(5, st.recv.bytes);
	EXPECT_EQ(s0 + 1, policy_admitted("send"));
	EXPECT_EQ(r0 + 1, policy_admitted("receive"));
	/* A non-blocking receive with nothing to read: counted, ignored. */
	EXPECT_EQ(-1, recv(self->cfd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, get_stats(self->cfd, &st));
	EXPECT_EQ(1, st.recv.results[DWCP_RES_RESULT_IGNORED]);
}

TEST_F(ulp, class_binding)
{
	long long sync0 = policy_admitted("sync"), send0 = policy_admitted("send");
	char name[DWCP_RES_NAME_MAX + 8];
	socklen_t len;

	NEED_SETUP();
	ASSERT_EQ(0, set_class(self->fd, DWCP_SO_CLASS, "sync"));
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DWCP, DWCP_SO_CLASS, name, &len));
	EXPECT_STREQ("sync", name);
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DWCP, DWCP_SO_RECV_CLASS, name, &len));
	EXPECT_STREQ("sync", name);
	ASSERT_EQ(3, send(self->fd, "abc", 3, 0));
	EXPECT_EQ(sync0 + 1, policy_admitted("sync"));
	EXPECT_EQ(send0, policy_admitted("send"));

	/* One direction only; the NUL may be part of optlen. */
	ASSERT_EQ(0, setsockopt(self->fd, SOL_DWCP, DWCP_SO_SEND_CLASS,
				"consensus", sizeof("consensus")));
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DWCP, DWCP_SO_SEND_CLASS, name, &len));
	EXPECT_STREQ("consensus", name);
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DWCP, DWCP_SO_RECV_CLASS, name, &len));
	EXPECT_STREQ("sync", name);

	/* Bad classes change nothing. */
	EXPECT_EQ(-1, set_class(self->fd, DWCP_SO_CLASS, "kst_no_such_class"));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(-1, setsockopt(self->fd, SOL_DWCP, DWCP_SO_CLASS, "", 0));
	EXPECT_EQ(EINVAL, errno);
	memset(name, 'a', sizeof(name));
	EXPECT_EQ(-1, setsockopt(self->fd, SOL_DWCP, DWCP_SO_CLASS, name, sizeof(name)));
	EXPECT_EQ(EINVAL, errno);
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DWCP, DWCP_SO_SEND_CLASS, name, &len));
	EXPECT_STREQ("consensus", name);
}

TEST_F(ulp, reject_rate)
{
	struct dwcp_res_sock_stats st;

	NEED_SETUP();
	ASSERT_EQ(0, dwcp_fresh_policy("kst_rate", "base sync rate-limit on rate 2/s burst 1"));
	ASSERT_EQ(0, set_class(self->fd, DWCP_SO_SEND_CLASS, "kst_rate"));
	ASSERT_EQ(1, send(self->fd, "a", 1, 0));
	if (variant->nonblock) {
		/* Beyond the burst, and a non-blocking socket never waits. */
		EXPECT_EQ(-1, send(self->fd, "b", 1, 0));
		EXPECT_EQ(EAGAIN, errno);
		EXPECT_EQ(-1, send(self->fd, "b", 1, MSG_DONTWAIT));
		EXPECT_EQ(EAGAIN, errno);
		ASSERT_EQ(0, get_stats(self->fd, &st));
		EXPECT_EQ(2, st.send.rejected[DWCP_RES_REJECT_RATE]);
	} else {
		/* A blocking socket waits for its slot (500 ms at 2/s)... */
		EXPECT_EQ(1, send(self->fd, "b", 1, 0));
		/* ...unless told not to. */
		EXPECT_EQ(-1, send(self->fd, "c", 1, MSG_DONTWAIT));
		EXPECT_EQ(EAGAIN, errno);
		ASSERT_EQ(0, get_stats(self->fd, &st));
		EXPECT_EQ(1, st.send.rejected[DWCP_RES_REJECT_RATE]);
	}
	EXPECT_EQ(variant->nonblock ? 1 : 2, st.send.admitted);
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, dwcp_resctl("policy del kst_rate"));
}

TEST_F(ulp, reject_breaker)
{
	struct dwcp_res_sock_stats st;
	char buf[8];

	NEED_SETUP();
	ASSERT_EQ(0, dwcp_fresh_policy("kst_brk", "base sync"));
	ASSERT_EQ(0, set_class(self->fd, DWCP_SO_CLASS, "kst_brk"));
	ASSERT_EQ(0, set_class(self->cfd, DWCP_SO_CLASS, "kst_brk"));
	ASSERT_EQ(0, dwcp_resctl("breaker force-open kst_brk"));
	EXPECT_EQ(-1, send(self->fd, "x", 1, 0));
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_EQ(-1, recv(self->cfd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(ECONNREFUSED, errno);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(1, st.send.rejected[DWCP_RES_REJECT_BREAKER]);
	EXPECT_EQ(0, st.send.admitted);
	ASSERT_EQ(0, get_stats(self->cfd, &st));
	EXPECT_EQ(1, st.recv.rejected[DWCP_RES_REJECT_BREAKER]);
	/* Nothing was sent while open; closed again, the stream carries on. */
	ASSERT_EQ(0, dwcp_resctl("breaker enable kst_brk"));
	EXPECT_EQ(1, send(self->fd, "y", 1, 0));
	ASSERT_EQ(1, poll(&(struct pollfd){ .fd = self->cfd, .events = POLLIN }, 1, 5000));
	EXPECT_EQ(1, recv(self->cfd, buf, sizeof(buf), 0));
	EXPECT_EQ('y', buf[0]);
	close(self->fd);
	close(self->cfd);
	self->fd = self->cfd = -1;
	EXPECT_EQ(0, dwcp_resctl("policy del kst_brk"));
}

TEST_F(ulp, reject_bulkhead)
{
	struct dwcp_res_sock_stats st;
	char buf[8];
	pid_t pid;
	int status;

	NEED_SETUP();
	if (variant->nonblock)
		SKIP(return, "needs a receive blocked in the pipeline's slot");
	ASSERT_EQ(0, dwcp_fresh_policy("kst_bh", "base sync concurrent 1 queue 0"));
	ASSERT_EQ(0, set_class(self->cfd, DWCP_SO_RECV_CLASS, "kst_bh"));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)	/* holds the one slot until data comes */
		_exit(recv(self->cfd, buf, sizeof(buf), 0) == 1 ? 0 : 1);
	usleep(300 * 1000);
	EXPECT_EQ(-1, recv(self->cfd, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, get_stats(self->cfd, &st));
	EXPECT_EQ(1, st.recv.rejected[DWCP_RES_REJECT_BULKHEAD_FULL]);
	ASSERT_EQ(1, send(self->fd, "z", 1, 0));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(self->cfd);
	self->cfd = -1;
	EXPECT_EQ(0, dwcp_resctl("policy del kst_bh"));
}

TEST_F(ulp, reject_chaos)
{
	struct dwcp_res_sock_stats st;

	NEED_SETUP();
	ASSERT_EQ(0, dwcp_fresh_policy("kst_chaos", "base sync"));
	ASSERT_EQ(0, set_class(self->fd, DWCP_SO_SEND_CLASS, "kst_chaos"));
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_chaos error probability 100%%"));
	EXPECT_EQ(-1, send(self->fd, "x", 1, 0));
	EXPECT_EQ(EIO, errno);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(1, st.send.rejected[DWCP_RES_REJECT_CHAOS]);
	/*
	 * Counted as the policy counts it (found by stress.c): admitted, then
	 * failed by the fault; the policy's admitted is the same call.
	 */
	EXPECT_EQ(1, st.send.admitted);
	EXPECT_EQ(1, st.send.results[DWCP_RES_RESULT_FAILURE]);
	EXPECT_EQ(1, policy_admitted("kst_chaos"));
	EXPECT_EQ(0, st.send.bytes);
	EXPECT_EQ(0, dwcp_resctl("chaos clear"));
	EXPECT_EQ(0, dwcp_resctl("chaos disable"));
	EXPECT_EQ(1, send(self->fd, "x", 1, 0));
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, dwcp_resctl("policy del kst_chaos"));
}

static void on_alarm(int sig)
{
}

/* A blocking socket waits in the pipeline, but never past SO_SNDTIMEO and never through a signal. */
TEST_F(ulp, blocking_wait_bounded)
{
	struct sigaction sa = { .sa_handler = on_alarm };	/* no SA_RESTART */
	struct timeval tv = { .tv_usec = 100 * 1000 };
	struct dwcp_res_sock_stats st;

	NEED_SETUP();
	if (variant->nonblock)
		SKIP(return, "a non-blocking socket never waits");
	ASSERT_EQ(0, dwcp_fresh_policy("kst_slow", "base sync rate-limit on rate 1/s burst 1"));
	ASSERT_EQ(0, set_class(self->fd, DWCP_SO_SEND_CLASS, "kst_slow"));
	ASSERT_EQ(1, send(self->fd, "a", 1, 0));
	/* The next slot is a second away: a signal ends the wait. */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	ualarm(200 * 1000, 0);
	EXPECT_EQ(-1, send(self->fd, "b", 1, 0));
	EXPECT_EQ(EINTR, errno);
	/* With a send timeout shorter than the wait: EAGAIN at once, as TCP's. */
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	EXPECT_EQ(-1, send(self->fd, "c", 1, 0));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(1, st.send.interrupted);
	EXPECT_EQ(1, st.send.rejected[DWCP_RES_REJECT_RATE]);
	EXPECT_EQ(1, st.send.admitted);
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, dwcp_resctl("policy del kst_slow"));
}

/*
 * jiffies_to_nsecs() goes through 32-bit microseconds: an SO_SNDTIMEO of
 * 4295 s or more became a deadline of milliseconds, and a send that had a
 * second to wait for its token was refused at once (ENOBUFS then).
 */
TEST_F(ulp, long_timeouts_do_not_wrap)
{
	static const long secs[] = { 4295, 5000, 100000000 };
	struct timeval tv = {};
	size_t i;

	NEED_SETUP();
	if (variant->nonblock)
		SKIP(return, "a non-blocking socket never waits");
	ASSERT_EQ(0, dwcp_fresh_policy("kst_long", "base sync rate-limit on rate 1/s burst 1"));
	ASSERT_EQ(0, set_class(self->fd, DWCP_SO_SEND_CLASS, "kst_long"));
	ASSERT_EQ(1, send(self->fd, "a", 1, 0));
	for (i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		tv.tv_sec = secs[i];
		ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
		/* The next token is up to a second away: waited for, not refused. */
		EXPECT_EQ(1, send(self->fd, "b", 1, 0))
			TH_LOG("SO_SNDTIMEO %ld s: %s", secs[i], strerror(errno));
	}
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, dwcp_resctl("policy del kst_long"));
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* In a child: after @ms, run "resctl @cmd". */
static pid_t resctl_later(int ms, const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		usleep(ms * 1000);
		_exit(dwcp_resctl("%s", cmd) ? 1 : 0);
	}
	return pid;
}

/*
 * A call sleeping in an injected latency or timeout slept on after "chaos
 * clear" or "chaos disable": a 10 s fault held its caller 10 s whatever the
 * operator did. Now clearing or disabling wakes it.
 */
TEST_F_TIMEOUT(ulp, chaos_clear_ends_sleeping_faults, 60)
{
	double t0, took;
	pid_t pid;
	int st;

	NEED_SETUP();
	if (variant->nonblock)
		SKIP(return, "a non-blocking socket never sleeps in a fault");
	/* No data-path retry: the timed-out call returns ETIMEDOUT. */
	ASSERT_EQ(0, dwcp_fresh_policy("kst_sleep", "base sync retries 0"));
	ASSERT_EQ(0, set_class(self->fd, DWCP_SO_SEND_CLASS, "kst_sleep"));
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_sleep latency probability 100%% value 10s"));
	pid = resctl_later(300, "chaos clear");
	t0 = now_s();
	EXPECT_EQ(1, send(self->fd, "x", 1, 0));
	took = now_s() - t0;
	EXPECT_LT(took, 5.0) TH_LOG("latency fault: the send took %.1f s", took);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_sleep timeout probability 100%% value 10s"));
	pid = resctl_later(300, "chaos disable");
	t0 = now_s();
	EXPECT_EQ(-1, send(self->fd, "y", 1, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	took = now_s() - t0;
	EXPECT_LT(took, 5.0) TH_LOG("timeout fault: the send took %.1f s", took);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, dwcp_resctl("chaos clear"));
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, dwcp_resctl("policy del kst_sleep"));
}

/* sendfile() reaches TCP through sendpage: protected and counted too. */
TEST_F(ulp, sendfile_counted)
{
	static char buf[65536];
	struct dwcp_res_sock_stats st;
	size_t got = 0, len = 1 << 20;
	int file, i;
	off_t off = 0;
	ssize_t n;

	NEED_SETUP();
	file = open("/tmp/ulp-sendfile", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, file);
	for (i = 0; i < len / sizeof(buf); i++)
		ASSERT_EQ(sizeof(buf), write(file, buf, sizeof(buf)));
	set_nonblock(self->fd, false);
	set_nonblock(self->cfd, false);
	/* Loopback buffers hold the whole MiB; no reader needed meanwhile. */
	while (off < len) {
		n = sendfile(self->fd, file, &off, len - off);
		if (n < 0 && errno == EAGAIN) {
			usleep(5000);
			continue;
		}
		ASSERT_LT(0, n);
	}
	close(file);
	unlink("/tmp/ulp-sendfile");
	while (got < len && (n = recv(self->cfd, buf, sizeof(buf), 0)) > 0)
		got += n;
	EXPECT_EQ(len, got);
	ASSERT_EQ(0, get_stats(self->fd, &st));
	EXPECT_EQ(len, st.send.bytes);
	EXPECT_LE(1, st.send.admitted);
}

TEST_F(ulp, class_deleted_while_bound)
{
	char name[DWCP_RES_NAME_MAX];
	socklen_t len = sizeof(name);

	NEED_SETUP();
	ASSERT_EQ(0, dwcp_fresh_policy("kst_gone", "base sync"));
	ASSERT_EQ(0, set_class(self->fd, DWCP_SO_CLASS, "kst_gone"));
	ASSERT_EQ(0, dwcp_resctl("policy del kst_gone"));
	/* The socket keeps its reference and its class. */
	EXPECT_EQ(1, send(self->fd, "x", 1, 0));
	ASSERT_EQ(0, getsockopt(self->fd, SOL_DWCP, DWCP_SO_CLASS, name, &len));
	EXPECT_STREQ("kst_gone", name);
	EXPECT_EQ(-1, set_class(self->cfd, DWCP_SO_CLASS, "kst_gone"));
	EXPECT_EQ(ENOENT, errno);
}

TEST_F(ulp, close_with_data_in_flight)
{
	static char big[256 << 10];
	char buf[64];
	ssize_t n;

	NEED_SETUP();
	/* Close with unread data on one side and unsent data on the other. */
	n = send(self->fd, big, sizeof(big), MSG_DONTWAIT);
	EXPECT_LT(0, n);
	close(self->fd);
	self->fd = -1;
	/* The peer drains and then reads EOF through its own ULP. */
	set_nonblock(self->cfd, false);
	while ((n = recv(self->cfd, buf, sizeof(buf), 0)) > 0)
		;
	EXPECT_EQ(0, n);
}

TEST_F(ulp, listener_children_inherit)
{
	struct sockaddr_storage ss;
	struct dwcp_res_sock_stats st;
	char name[DWCP_RES_NAME_MAX];
	socklen_t slen, len;
	int lfd, c, a, pend, base, i;

	NEED_SETUP();
	base = dwcp_module_refcnt();
	lfd = tcp_pair_listener(variant->family, true, &ss, &slen);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, set_class(lfd, DWCP_SO_CLASS, "sync"));
	c = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&ss, slen));
	a = accept(lfd, NULL, NULL);
	ASSERT_LE(0, a);
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(a, SOL_TCP, TCP_ULP, name, &len));
	EXPECT_STREQ("dwcp", name);
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(a, SOL_DWCP, DWCP_SO_RECV_CLASS, name, &len));
	EXPECT_STREQ("sync", name);
	/* The child has a context of its own. */
	ASSERT_EQ(0, set_class(a, DWCP_SO_CLASS, "consensus"));
	len = sizeof(name);
	ASSERT_EQ(0, getsockopt(lfd, SOL_DWCP, DWCP_SO_CLASS, name, &len));
	EXPECT_STREQ("sync", name);
	ASSERT_EQ(4, send(c, "ping", 4, 0));
	ASSERT_EQ(4, recv(a, name, sizeof(name), 0));
	/* One module reference each: the listener's and the child's (.clone). */
	EXPECT_EQ(base + 2, dwcp_module_refcnt());
	ASSERT_EQ(0, get_stats(a, &st));
	EXPECT_EQ(1, st.recv.admitted);
	/* The listener itself is not a data path. */
	ASSERT_EQ(0, get_stats(lfd, &st));
	EXPECT_EQ(0, st.recv.admitted + st.send.admitted);
	/* A child left in the accept queue when the listener closes. */
	pend = socket(variant->family, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(pend, (struct sockaddr *)&ss, slen));
	usleep(50 * 1000);
	close(lfd);
	close(pend);
	close(a);
	close(c);
	/* Every reference goes back, the dropped child's included. */
	for (i = 0; i < 100 && dwcp_module_refcnt() != base; i++)
		usleep(50 * 1000);
	EXPECT_EQ(base, dwcp_module_refcnt());
}

TEST_F(ulp, inet_diag)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 r;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		/* What ss -ti asks for: the ULP comes with INET_DIAG_INFO. */
		.r = { .sdiag_family = variant->family, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_ext = 1 << (INET_DIAG_INFO - 1),
		       .idiag_states = 1 << 1 /* TCP_ESTABLISHED */ },
	};
	struct sockaddr_storage me;
	socklen_t mlen = sizeof(me);
	static char buf[65536];
	bool found = false, done = false, name_ok = false, class_ok = false;
	unsigned short port;
	int nl;
	ssize_t n;

	NEED_SETUP();
	ASSERT_EQ(0, getsockname(self->fd, (struct sockaddr *)&me, &mlen));
	port = variant->family == AF_INET6 ? ((struct sockaddr_in6 *)&me)->sin6_port :
					     ((struct sockaddr_in *)&me)->sin_port;
	nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
	ASSERT_LE(0, nl);
	ASSERT_EQ(sizeof(req), send(nl, &req, sizeof(req), 0));
	while (!done && (n = recv(nl, buf, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *h;

		for (h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			struct inet_diag_msg *m = NLMSG_DATA(h);
			struct rtattr *a, *b, *c;
			int rem, brem, crem;

			if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;

				close(nl);
				/* No tcp_diag: a module the stock VM cannot load. */
				SKIP(return, "no TCP sock_diag (%s)", strerror(-err));
			}
			if (m->id.idiag_sport != port)
				continue;
			found = true;
			rem = h->nlmsg_len - NLMSG_LENGTH(sizeof(*m));
			for (a = (void *)(m + 1); RTA_OK(a, rem); a = RTA_NEXT(a, rem)) {
				if ((a->rta_type & NLA_TYPE_MASK) != INET_DIAG_ULP_INFO)
					continue;
				brem = RTA_PAYLOAD(a);
				for (b = RTA_DATA(a); RTA_OK(b, brem); b = RTA_NEXT(b, brem)) {
					if (b->rta_type == INET_ULP_INFO_NAME)
						name_ok = !strcmp(RTA_DATA(b), "dwcp");
					if ((b->rta_type & NLA_TYPE_MASK) != DWCP_RES_ULP_INFO)
						continue;
					crem = RTA_PAYLOAD(b);
					for (c = RTA_DATA(b); RTA_OK(c, crem);
					     c = RTA_NEXT(c, crem))
						if (c->rta_type == DWCP_RES_ULP_INFO_SEND_CLASS &&
						    !strcmp(RTA_DATA(c), "send"))
							class_ok = true;
				}
			}
		}
	}
	close(nl);
	ASSERT_TRUE(found);
	EXPECT_TRUE(name_ok);
	EXPECT_TRUE(class_ok);
}

/* Each ULP socket pins the module; the last one to go releases it. */
TEST_F_TIMEOUT(ulp, module_pinned_by_sockets, 60)
{
	int i;

	NEED_SETUP();
	EXPECT_LE(2, dwcp_module_refcnt());
	EXPECT_EQ(-1, syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK));
	/* The kernel says EWOULDBLOCK; kmod's rmmod prints "in use". */
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_TRUE(dwcp_module_loaded());
	close(self->fd);
	close(self->cfd);
	self->fd = self->cfd = -1;
	/* FIN/ACK over loopback: the sockets die within moments. */
	for (i = 0; i < 100 && dwcp_module_refcnt() > 0; i++)
		usleep(50 * 1000);
	ASSERT_EQ(0, dwcp_module_refcnt());
	ASSERT_EQ(0, syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK));
	EXPECT_FALSE(dwcp_module_loaded());
	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
}

TEST_HARNESS_MAIN
