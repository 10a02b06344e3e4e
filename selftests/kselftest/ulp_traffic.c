// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP ULP "dwcp" under sustained traffic, over loopback:
 *  - integrity: 64 MiB (IPv4 on the stock kernel; 16 MiB for IPv6 and on
 *    the debug kernel) through a send class with
 *    latency chaos (5 %, 1..5 ms) arrive byte-identical (a word-wise
 *    FNV-style hash computed on both sides), with fixed 64 KiB writes and
 *    with random write sizes (1..64 KiB);
 *  - rate: a blocking sender held by the rate limiter is admitted at the
 *    configured rate (+-5 %, burst subtracted), measured on the guest's clock;
 *  - bulkhead: on the receive side, one slot and a queue: never more than
 *    one call admitted at a time, and the queued receives are granted in
 *    the order they arrived (observed through each socket's own
 *    DWCP_SO_STATS recv.admitted, which counts at admission);
 *  - concurrency: shutdown/close, class changes, policy deletion and
 *    rmmod attempts while several threads stream; rmmod succeeds once
 *    every socket is gone;
 *  - orphans: a socket its program closed but TCP keeps (LAST_ACK on a
 *    zero window) holds the module until TCP ends it.
 * Modelled on tools/testing/selftests/net/tls.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/dwcp_res.h>

#include "kselftest_harness.h"
#include "dwcp_test.h"
#include "dwcp_stream.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define INTEGRITY_LEN	(64ULL << 20)

/* ---- integrity ---------------------------------------------------------- */

FIXTURE(integrity)
{
	int tx, rx;
	bool skip;
	char why[128];
};

FIXTURE_VARIANT(integrity)
{
	int family;
	uint64_t len;
};

/*
 * IPv4 carries the volume; IPv6 checks its own path with less, to keep the
 * debug kernel's guest (KASAN, TCG, two other guests beside it) in its time.
 */
FIXTURE_VARIANT_ADD(integrity, v4) { .family = AF_INET, .len = INTEGRITY_LEN };
FIXTURE_VARIANT_ADD(integrity, v6) { .family = AF_INET6, .len = INTEGRITY_LEN / 4 };

FIXTURE_SETUP(integrity)
{
	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	if (tcp_pair(variant->family, true, &self->tx, &self->rx)) {
		ASSERT_EQ(AF_INET6, variant->family);
		self->skip = true;
		snprintf(self->why, sizeof(self->why), "no IPv6 loopback: %s",
			 strerror(errno));
		return;
	}
	/* Sends: latency chaos on 5 % of the calls; nothing else limits. */
	ASSERT_EQ(0, dwcp_fresh_policy("kst_tr_lat",
				  "base sync rate-limit off concurrent 64 queue 64"));
	ASSERT_EQ(0, dwcp_fresh_policy("kst_tr_rx",
				  "base sync rate-limit off concurrent 64 queue 64"));
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_tr_lat latency probability 5%% min 1ms max 5ms"));
	ASSERT_EQ(0, set_class(self->tx, DWCP_SO_CLASS, "kst_tr_lat"));
	ASSERT_EQ(0, set_class(self->rx, DWCP_SO_CLASS, "kst_tr_rx"));
}

FIXTURE_TEARDOWN(integrity)
{
	if (self->tx >= 0)
		close(self->tx);
	if (self->rx >= 0)
		close(self->rx);
	dwcp_resctl("chaos clear");
	dwcp_resctl("chaos disable");
	dwcp_resctl("policy del kst_tr_lat");
	dwcp_resctl("policy del kst_tr_rx");
}

static void integrity_run(struct __test_metadata *_metadata,
			  FIXTURE_DATA(integrity) *self, uint64_t len, bool random_sizes)
{
	struct dwcp_res_sock_stats tx, rx;
	uint64_t writes;
	double secs;

	if (self->skip)
		SKIP(return, "%s", self->why);
	/*
	 * The debug kernel (KASAN, lockdep, kmemleak) runs loopback at a
	 * tenth of the stock kernel's speed under TCG, beside two other
	 * guests: it checks the same paths with a quarter of the volume.
	 */
	if (len > INTEGRITY_LEN / 4 && !access("/sys/kernel/debug/kmemleak", F_OK))
		len = INTEGRITY_LEN / 4;
	ASSERT_EQ(0, stream_check(self->tx, self->rx, len, random_sizes,
				  &secs, &writes));
	ASSERT_EQ(0, get_stats(self->tx, &tx));
	ASSERT_EQ(0, get_stats(self->rx, &rx));
	EXPECT_EQ(len, tx.send.bytes);
	EXPECT_EQ(len, rx.recv.bytes);
	EXPECT_EQ(writes, tx.send.admitted);
	EXPECT_EQ(0, tx.send.results[DWCP_RES_RESULT_FAILURE]);
	EXPECT_EQ(0, rx.recv.results[DWCP_RES_RESULT_FAILURE]);
	EXPECT_EQ(tx.send.admitted, tx.send.results[DWCP_RES_RESULT_SUCCESS]);
	TH_LOG("%llu MiB in %.2f s (%.1f MB/s), %llu sends, %llu receives",
	       (unsigned long long)(len >> 20), secs, len / secs / 1e6, (unsigned long long)writes,
	       (unsigned long long)rx.recv.admitted);
}

TEST_F_TIMEOUT(integrity, fixed_64k_writes, 240)
{
	integrity_run(_metadata, self, variant->len, false);
}

TEST_F_TIMEOUT(integrity, random_write_sizes, 240)
{
	integrity_run(_metadata, self, variant->len, true);
}

/* The single-run tests: no state of their own, only a longer timeout. */
FIXTURE(traffic) {};
FIXTURE_SETUP(traffic)
{
	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
}

FIXTURE_TEARDOWN(traffic)
{
}

/* ---- rate limiter ------------------------------------------------------- */

#define RATE		200
#define RATE_BURST	10
#define RATE_SECS	5.0

static void *drain(void *arg)
{
	char buf[4096];
	int fd = (intptr_t)arg;

	while (recv(fd, buf, sizeof(buf), 0) > 0)
		;
	return NULL;
}

/*
 * A blocking sender of 1-byte calls is held by the limiter to RATE/s after
 * the burst. The limiter cannot give back what the sender was not there to
 * take: when a loaded guest does not run the sender (or wakes it late, or
 * runs it slower than RATE calls/s), the bucket fills up and overflows. The
 * test runs an ideal bucket (RATE, RATE_BURST) on the calls' own return
 * times and takes the time it overflowed out of the elapsed time; the raw
 * rate is logged too and must never exceed the bound.
 */
TEST_F_TIMEOUT(traffic, rate_limiter_accuracy, 60)
{
	const double full = (double)RATE_BURST / RATE;
	struct dwcp_res_sock_stats st;
	double t0, t, prev, el, rate, stall = 0, toks = full;
	long long n = 0;
	pthread_t th;
	int tx, rx;

	ASSERT_EQ(0, dwcp_fresh_policy("kst_tr_rate", "base sync rate-limit on adaptive off "
				  "rate 200/s burst 10 concurrent 64"));
	ASSERT_EQ(0, tcp_pair(AF_INET, true, &tx, &rx));
	ASSERT_EQ(0, set_class(tx, DWCP_SO_SEND_CLASS, "kst_tr_rate"));
	ASSERT_EQ(0, pthread_create(&th, NULL, drain, (void *)(intptr_t)rx));
	/* The bucket starts full: the burst passes at once, then RATE/s. */
	t0 = prev = now_s();
	while (prev - t0 < RATE_SECS) {
		ASSERT_EQ(1, send(tx, "r", 1, 0));
		n++;
		/*
		 * An ideal bucket fed by the same call times: what it could
		 * not hold while the sender was away is time the sender did
		 * not use (in seconds of tokens).
		 */
		t = now_s();
		toks += t - prev;
		if (toks > full) {
			stall += toks - full;
			toks = full;
		}
		toks -= 1.0 / RATE;
		prev = t;
	}
	el = prev - t0;
	ASSERT_EQ(0, get_stats(tx, &st));
	EXPECT_EQ(n, st.send.admitted);
	EXPECT_EQ(0, st.send.rejected[DWCP_RES_REJECT_RATE]);
	shutdown(tx, SHUT_WR);
	pthread_join(th, NULL);
	close(tx);
	close(rx);
	rate = (n - RATE_BURST) / (el - stall);
	TH_LOG("%lld calls in %.3f s: %.1f/s raw, %.1f/s without %.3f s of stalls (target %d/s)",
	       n, el, (n - RATE_BURST) / el, rate, stall, RATE);
	EXPECT_GE(RATE * 1.05, (n - RATE_BURST) / el);
	EXPECT_LE(RATE * 0.95, rate);
	EXPECT_GE(RATE * 1.05, rate);
	EXPECT_EQ(0, dwcp_resctl("policy del kst_tr_rate"));
}

/* ---- bulkhead ----------------------------------------------------------- */

#define BH_N	6

struct bh_waiter {
	int fd;
	ssize_t ret;
	int err;
	pthread_t th;
};

static void *bh_recv(void *arg)
{
	struct bh_waiter *w = arg;
	char c;

	w->ret = recv(w->fd, &c, 1, 0);
	w->err = errno;
	return NULL;
}

/* How many of the receivers were admitted (recv.admitted), and which one. */
static int bh_admitted(struct bh_waiter *w, bool *seen, int *which)
{
	struct dwcp_res_sock_stats st;
	int i, n = 0;

	for (i = 0; i < BH_N; i++) {
		if (get_stats(w[i].fd, &st))
			return -1;
		if (getenv("BH_DEBUG"))
			fprintf(stderr, "# rx %d admitted %llu ok %llu ign %llu cancel %llu full %llu wait %llu intr %llu\n",
				i, (unsigned long long)st.recv.admitted,
				(unsigned long long)st.recv.results[DWCP_RES_RESULT_SUCCESS],
				(unsigned long long)st.recv.results[DWCP_RES_RESULT_IGNORED],
				(unsigned long long)st.recv.results[DWCP_RES_RESULT_CANCELLED],
				(unsigned long long)st.recv.rejected[DWCP_RES_REJECT_BULKHEAD_FULL],
				(unsigned long long)st.recv.rejected[DWCP_RES_REJECT_BULKHEAD_WAIT],
				(unsigned long long)st.recv.interrupted);
		if (st.recv.admitted && !seen[i]) {
			n++;
			*which = i;
		}
	}
	return n;
}

/*
 * Receive side, concurrent 1 queue 8: receiver 0 takes the slot and waits
 * for data; receivers 1..5 queue in that order (each started once the
 * previous one is seen queued). Then, step by step, the test feeds the one
 * receiver that holds the slot: exactly one new receiver must be admitted
 * after each release (the limit), and it must be the next in arrival order
 * (FIFO).
 */
TEST_F_TIMEOUT(traffic, bulkhead_limit_and_fifo, 120)
{
	struct bh_waiter w[BH_N];
	int peer[BH_N], i, k, which = -1;
	bool seen[BH_N] = {};
	sigset_t all, old;
	double t0;

	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	ASSERT_EQ(0, dwcp_fresh_policy("kst_tr_bh", "base sync rate-limit off "
				  "concurrent 1 queue 8 wait 30s"));
	for (i = 0; i < BH_N; i++) {
		ASSERT_EQ(0, tcp_pair(AF_INET, true, &peer[i], &w[i].fd));
		ASSERT_EQ(0, set_class(w[i].fd, DWCP_SO_RECV_CLASS, "kst_tr_bh"));
	}
	/*
	 * The receivers block every signal. A signal, even an ignored one
	 * such as the SIGCHLD of the resctl runs below, wakes a waiter; its
	 * recv is restarted (ERESTARTSYS) and so re-enters the queue at the
	 * tail, as a restarted wait on any kernel wait queue would.
	 */
	sigfillset(&all);
	ASSERT_EQ(0, pthread_sigmask(SIG_BLOCK, &all, &old));
	for (i = 0; i < BH_N; i++) {
		ASSERT_EQ(0, pthread_create(&w[i].th, NULL, bh_recv, &w[i]));
		if (i == BH_N - 1)
			ASSERT_EQ(0, pthread_sigmask(SIG_SETMASK, &old, NULL));
		/* Wait until it is in the pipeline: admitted (0) or queued. */
		t0 = now_s();
		while (now_s() - t0 < 10) {
			if (i == 0 ? policy_stat("kst_tr_bh", "bulkhead_active") == 1 :
				     policy_stat("kst_tr_bh", "bulkhead_queued") == i)
				break;
			usleep(20 * 1000);
		}
		ASSERT_EQ(i, policy_stat("kst_tr_bh", "bulkhead_queued"));
		ASSERT_EQ(1, policy_stat("kst_tr_bh", "bulkhead_active"));
	}
	ASSERT_EQ(1, bh_admitted(w, seen, &which));
	ASSERT_EQ(0, which);
	for (k = 0; k < BH_N; k++) {
		seen[k] = true;
		/* Feed the holder; it completes and the next one gets the slot. */
		ASSERT_EQ(1, send(peer[k], "x", 1, 0));
		pthread_join(w[k].th, NULL);
		EXPECT_EQ(1, w[k].ret);
		if (k == BH_N - 1)
			break;
		t0 = now_s();
		while (bh_admitted(w, seen, &which) == 0 && now_s() - t0 < 10)
			usleep(5 * 1000);
		/* A short settle: a second grant would show up now. */
		usleep(50 * 1000);
		ASSERT_EQ(1, bh_admitted(w, seen, &which));
		EXPECT_EQ(k + 1, which);
		EXPECT_GE(1, policy_stat("kst_tr_bh", "bulkhead_active"));
	}
	EXPECT_EQ(0, policy_stat("kst_tr_bh", "bulkhead_full"));
	EXPECT_EQ(0, policy_stat("kst_tr_bh", "bulkhead_wait"));
	for (i = 0; i < BH_N; i++) {
		close(peer[i]);
		close(w[i].fd);
	}
	EXPECT_EQ(0, dwcp_resctl("policy del --force kst_tr_bh"));
}

/* ---- concurrency: close, class changes, rmmod under traffic -------------- */

#define CC_PAIRS	4

struct cc_end {
	int fd;
	bool sender;
	uint64_t bytes;
	pthread_t th;
};

static void *cc_run(void *arg)
{
	static const char classes[][16] = { "kst_tr_cc", "send", "receive", "sync" };
	struct cc_end *e = arg;
	char buf[16384];
	unsigned int i = 0;
	ssize_t n;

	memset(buf, 0x5a, sizeof(buf));
	for (;; i++) {
		if (e->sender)
			n = send(e->fd, buf, 1 + i % sizeof(buf), MSG_NOSIGNAL);
		else
			n = recv(e->fd, buf, sizeof(buf), 0);
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			usleep(1000);
			continue;
		}
		if (n <= 0)
			break;
		e->bytes += n;
		/* Class changes race with calls in flight (ENOENT once deleted). */
		if (i % 64 == 0)
			set_class(e->fd, DWCP_SO_CLASS, classes[(i / 64) % 4]);
	}
	return NULL;
}

/* Write @val to an integer sysctl; returns what it held, or -1. */
static int sysctl_swap(const char *path, int val)
{
	int old = -1;
	FILE *f;

	f = fopen(path, "r+");
	if (!f)
		return -1;
	if (fscanf(f, "%d", &old) != 1 || fseek(f, 0, SEEK_SET) ||
	    fprintf(f, "%d\n", val) < 0)
		old = -1;
	if (fclose(f))
		old = -1;
	return old;
}

TEST_F_TIMEOUT(traffic, close_and_rmmod_under_traffic, 240)
{
	struct cc_end end[CC_PAIRS][2];
	int i, j, base, fin_timeout;

	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	ASSERT_EQ(0, dwcp_fresh_policy("kst_tr_cc", "base sync rate-limit off concurrent 4 queue 16"));
	base = dwcp_module_refcnt();
	for (i = 0; i < CC_PAIRS; i++) {
		/* IPv6 for the odd pairs, where the kernel has it. */
		if (!(i % 2) || tcp_pair(AF_INET6, true, &end[i][0].fd, &end[i][1].fd))
			ASSERT_EQ(0, tcp_pair(AF_INET, true, &end[i][0].fd, &end[i][1].fd));
		for (j = 0; j < 2; j++) {
			end[i][j].sender = !j;
			end[i][j].bytes = 0;
			ASSERT_EQ(0, set_class(end[i][j].fd, DWCP_SO_CLASS, "kst_tr_cc"));
		}
	}
	EXPECT_LE(base + 2 * CC_PAIRS, dwcp_module_refcnt());
	for (i = 0; i < CC_PAIRS; i++)
		for (j = 0; j < 2; j++)
			ASSERT_EQ(0, pthread_create(&end[i][j].th, NULL, cc_run, &end[i][j]));
	usleep(300 * 1000);
	/* rmmod while traffic flows: refused, everything keeps going. */
	EXPECT_EQ(-1, syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	/*
	 * The class goes away under the sockets bound to it (--force: resctl
	 * refuses a policy with calls in flight otherwise; the kernel allows it).
	 */
	EXPECT_EQ(0, dwcp_resctl("policy del --force kst_tr_cc"));
	/* Close the pairs one by one while the others still stream. */
	fin_timeout = sysctl_swap("/proc/sys/net/ipv4/tcp_fin_timeout", 1);
	ASSERT_LT(0, fin_timeout);
	for (i = 0; i < CC_PAIRS; i++) {
		usleep(200 * 1000);
		/* Alternately the sending and the receiving end first. */
		shutdown(end[i][i % 2].fd, SHUT_RDWR);
		EXPECT_EQ(-1, syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK));
		EXPECT_EQ(EWOULDBLOCK, errno);
		shutdown(end[i][!(i % 2)].fd, SHUT_RDWR);
		for (j = 0; j < 2; j++) {
			pthread_join(end[i][j].th, NULL);
			close(end[i][j].fd);
		}
		EXPECT_LT(0, end[i][0].bytes);
	}
	/*
	 * Every socket closed. Some may live on as orphans, with the ULP and
	 * its module reference, as TCP wants (see
	 * orphan_holds_module_until_tcp_ends_it); tcp_fin_timeout, shortened
	 * before the closes, bounds them to seconds.
	 */
	for (i = 0; i < 1200 && dwcp_module_refcnt() > 0; i++)
		usleep(50 * 1000);
	sysctl_swap("/proc/sys/net/ipv4/tcp_fin_timeout", fin_timeout);
	if (dwcp_module_refcnt()) {
		char out[8192];

		/* Which sockets are left, time-wait ones aside (01 ESTABLISHED ...). */
		dwcp_run("cat /proc/net/tcp /proc/net/tcp6 | grep -v ' 06 '", out, sizeof(out),
			 NULL, 0);
		TH_LOG("refcnt %d, sockets:\n%s", dwcp_module_refcnt(), out);
	}
	ASSERT_EQ(0, dwcp_module_refcnt());
	ASSERT_EQ(0, syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK));
	EXPECT_FALSE(dwcp_module_loaded());
	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
}

/*
 * An orphan keeps the module, then lets it go. The receiver shuts down
 * with its small buffer full (zero window) and drains it: no window update
 * follows (RCV_SHUTDOWN), so the sender, closed with data unsent, lives on
 * in LAST_ACK probing the window, with the ULP, after both descriptors are
 * gone. rmmod must be refused while it lives; once TCP ends it (its peer's
 * FIN_WAIT2 time-wait is shortened here through tcp_fin_timeout), the
 * reference must be back and the module must unload.
 */
TEST_F_TIMEOUT(traffic, orphan_holds_module_until_tcp_ends_it, 120)
{
	int lfd, tx, rx, rcvbuf = 4096, fin_timeout, i, round;
	struct sockaddr_in sin = {};
	socklen_t slen = sizeof(sin);
	char buf[65536] = {};
	char out[4096];
	ssize_t n;

	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	ASSERT_EQ(0, dwcp_module_refcnt());
	/* The receiver's small buffer from the SYN on: no window scaling. */
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	ASSERT_EQ(0, setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf)));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&sin, slen));
	ASSERT_EQ(0, listen(lfd, 1));
	ASSERT_EQ(0, getsockname(lfd, (struct sockaddr *)&sin, &slen));
	tx = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(tx, (struct sockaddr *)&sin, slen));
	rx = accept(lfd, NULL, NULL);
	ASSERT_LE(0, rx);
	close(lfd);
	ASSERT_EQ(0, setsockopt(tx, SOL_TCP, TCP_ULP, "dwcp", 4));
	ASSERT_EQ(0, setsockopt(rx, SOL_TCP, TCP_ULP, "dwcp", 4));
	ASSERT_EQ(0, fcntl(tx, F_SETFL, O_NONBLOCK));
	/* Fill until the receiver's window is closed and the sender's queue full. */
	for (round = 0; round < 3; round++) {
		while (send(tx, buf, sizeof(buf), 0) > 0)
			;
		ASSERT_EQ(EAGAIN, errno);
		usleep(200 * 1000);
	}
	/* Read when the socket closes: the time-wait it leaves lasts 1 s. */
	fin_timeout = sysctl_swap("/proc/sys/net/ipv4/tcp_fin_timeout", 1);
	ASSERT_LT(0, fin_timeout);
	ASSERT_EQ(0, shutdown(rx, SHUT_RDWR));
	while ((n = recv(rx, buf, sizeof(buf), 0)) > 0)
		;
	ASSERT_EQ(0, n);
	ASSERT_EQ(0, shutdown(tx, SHUT_RDWR));
	close(tx);
	close(rx);
	usleep(100 * 1000);
	/* State 09 is LAST_ACK. */
	dwcp_run("grep -c ' 0100007F:[0-9A-F]* 09 ' /proc/net/tcp", out, sizeof(out), NULL, 0);
	TH_LOG("orphans in LAST_ACK: %s", out);
	EXPECT_LT(0, atoi(out));
	ASSERT_LT(0, dwcp_module_refcnt());
	EXPECT_EQ(-1, syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	for (i = 0; i < 600 && dwcp_module_refcnt() > 0; i++)
		usleep(50 * 1000);
	sysctl_swap("/proc/sys/net/ipv4/tcp_fin_timeout", fin_timeout);
	TH_LOG("orphan gone after %.2f s", i * 0.05);
	ASSERT_EQ(0, dwcp_module_refcnt());
	ASSERT_EQ(0, syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK));
	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
}

TEST_HARNESS_MAIN
