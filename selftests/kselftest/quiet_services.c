// SPDX-License-Identifier: GPL-2.0
/*
 * Signals that tell the truth (Documentation/ulp.rst, "What latency
 * means"). The module as a new user loads it: the DWCP profile, automatic
 * degradation, nothing configured; the ULP on both ends of loopback
 * request/response services (100-byte requests, 1-byte answers):
 *  - healthy services of many shapes (few or many connections, gaps from
 *    1 ms to 10 s, bursts, blocking, non-blocking with poll, an epoll
 *    server) keep the level normal, the receive class's adaptive rate where
 *    it started and its P95 under its latency target: a server waiting for
 *    the next request is not slow;
 *  - a server that really is slow (200 ms per answer, to 32 clients or to
 *    only 3) is seen: the receive P95 is its response time and the level
 *    leaves normal.
 * Each variant reloads the module, so that none inherits another's state;
 * the built-in latency check is made to run every second (as_loaded()).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "kselftest_harness.h"
#include "dwcp_test.h"
#include "dwcp_stream.h"

#define MAX_CONNS	32
#define REQ_LEN		100
#define TARGET_NS	100000000LL	/* the profile's latency target */
#define INITIAL_MCPS	1000000LL	/* receive's adaptive initial rate */
#define MAX_RT		8192

enum mode { BLOCKING, POLLING, EPOLL_SERVER };

struct svc {
	int conns, gap_ms, burst, delay_ms;
	enum mode mode;
	int cfd[MAX_CONNS], sfd[MAX_CONNS];
	pthread_t cth[MAX_CONNS], sth[MAX_CONNS + 1];
	atomic_bool stop;
	atomic_long requests;
	/* Response times the clients measured (us), for the guest's own P95. */
	atomic_int nrt;
	int rt_us[MAX_RT];
};

struct end {
	struct svc *s;
	int i;
};

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int read_full(int fd, char *buf, int len, bool polled)
{
	int got = 0, n;

	while (got < len) {
		if (polled) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 1000) < 0)
				return -1;
		}
		n = recv(fd, buf + got, len - got, 0);
		if (n > 0)
			got += n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			return -1;
	}
	return got;
}

/* A client: a request, its answer, then the gap (after each burst). */
static void *client(void *arg)
{
	struct end *e = arg;
	struct svc *s = e->s;
	int fd = s->cfd[e->i], n = 0;
	char req[REQ_LEN] = { 'q' }, ans;

	while (!atomic_load(&s->stop)) {
		double t0 = now_s();
		int k;

		if (send(fd, req, sizeof(req), 0) != sizeof(req) ||
		    read_full(fd, &ans, 1, s->mode == POLLING) != 1)
			break;
		k = atomic_fetch_add(&s->nrt, 1);
		if (k < MAX_RT)
			s->rt_us[k] = (int)((now_s() - t0) * 1e6);
		atomic_fetch_add(&s->requests, 1);
		if (++n % s->burst == 0)
			sleep_ms(s->gap_ms);
	}
	return NULL;
}

/* A server end: each request answered, after @delay_ms. */
static void *server(void *arg)
{
	struct end *e = arg;
	struct svc *s = e->s;
	char req[REQ_LEN];

	while (read_full(s->sfd[e->i], req, sizeof(req), false) == sizeof(req)) {
		if (s->delay_ms)
			sleep_ms(s->delay_ms);
		if (send(s->sfd[e->i], "a", 1, 0) != 1)
			break;
	}
	return NULL;
}

/* All server ends on one epoll loop, non-blocking, as event-loop servers. */
static void *epoll_server(void *arg)
{
	struct svc *s = arg;
	struct epoll_event ev, evs[MAX_CONNS];
	int ep = epoll_create1(0), i, n;
	int have[MAX_CONNS] = {};
	char buf[REQ_LEN];

	for (i = 0; i < s->conns; i++) {
		fcntl(s->sfd[i], F_SETFL, O_NONBLOCK);
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		epoll_ctl(ep, EPOLL_CTL_ADD, s->sfd[i], &ev);
	}
	while (!atomic_load(&s->stop)) {
		n = epoll_wait(ep, evs, MAX_CONNS, 200);
		for (i = 0; i < n; i++) {
			int c = evs[i].data.u32, got;

			got = recv(s->sfd[c], buf, sizeof(buf) - have[c], 0);
			if (got <= 0)
				continue;
			have[c] += got;
			if (have[c] == REQ_LEN) {
				have[c] = 0;
				send(s->sfd[c], "a", 1, 0);
			}
		}
	}
	close(ep);
	return NULL;
}

/*
 * A connection as services make them: the server's listener has the ULP,
 * so the accepted end inherits it as a server (DWCP_SO_ROLE); the client
 * sets it after connect() and is a client.
 */
static int svc_pair(int *cfd, int *sfd)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);
	int lfd, role = -1;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	*cfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || *cfd < 0 || bind(lfd, (struct sockaddr *)&a, alen) ||
	    listen(lfd, 4) || setsockopt(lfd, SOL_TCP, TCP_ULP, "dwcp", 4) ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) ||
	    connect(*cfd, (struct sockaddr *)&a, alen) ||
	    setsockopt(*cfd, SOL_TCP, TCP_ULP, "dwcp", 4))
		return -1;
	*sfd = accept(lfd, NULL, NULL);
	close(lfd);
	alen = sizeof(role);
	if (*sfd < 0 || getsockopt(*sfd, SOL_DWCP, DWCP_SO_ROLE, &role, &alen) ||
	    role != DWCP_RES_ROLE_SERVER)
		return -1;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The 95th percentile of the response times the clients saw, in us. */
static int seen_p95_us(struct svc *s)
{
	int n = atomic_load(&s->nrt);

	if (n > MAX_RT)
		n = MAX_RT;
	if (!n)
		return 0;
	qsort(s->rt_us, n, sizeof(int), cmp_int);
	return s->rt_us[n * 95 / 100];
}

static const char *level(char *buf, size_t len)
{
	if (dwcp_slurp("/sys/kernel/dwcp_res/level", buf, len) <= 0)
		snprintf(buf, len, "unreadable");
	buf[strcspn(buf, "\n")] = 0;
	return buf;
}

/*
 * Run @s for @secs seconds; returns how many one-second samples of the
 * level were not "normal" (the first one is logged).
 */
static int run_svc(struct __test_metadata *_metadata, struct svc *s, int secs)
{
	struct end ends[MAX_CONNS];
	int i, off = 0;
	char lv[32];

	for (i = 0; i < s->conns; i++) {
		ASSERT_EQ(0, svc_pair(&s->cfd[i], &s->sfd[i]));
		ends[i] = (struct end){ s, i };
		if (s->mode == POLLING)
			fcntl(s->cfd[i], F_SETFL, O_NONBLOCK);
	}
	for (i = 0; i < s->conns; i++) {
		ASSERT_EQ(0, pthread_create(&s->cth[i], NULL, client, &ends[i]));
		if (s->mode != EPOLL_SERVER)
			ASSERT_EQ(0, pthread_create(&s->sth[i], NULL, server, &ends[i]));
	}
	if (s->mode == EPOLL_SERVER)
		ASSERT_EQ(0, pthread_create(&s->sth[0], NULL, epoll_server, s));
	for (i = 0; i < secs; i++) {
		sleep_ms(1000);
		if (strcmp(level(lv, sizeof(lv)), "normal") && !off++)
			TH_LOG("level %s after %d s", lv, i + 1);
	}
	atomic_store(&s->stop, true);
	for (i = 0; i < s->conns; i++)
		shutdown(s->cfd[i], SHUT_RDWR);
	for (i = 0; i < s->conns; i++) {
		pthread_join(s->cth[i], NULL);
		if (s->mode != EPOLL_SERVER)
			pthread_join(s->sth[i], NULL);
	}
	if (s->mode == EPOLL_SERVER)
		pthread_join(s->sth[0], NULL);
	for (i = 0; i < s->conns; i++) {
		close(s->cfd[i]);
		close(s->sfd[i]);
	}
	return off;
}

FIXTURE(quiet)
{
	struct svc s;
};

FIXTURE_VARIANT(quiet)
{
	int conns, gap_ms, burst, secs;
	enum mode mode;
};

/* The shape the issue measured: 16 connections, a request every 150 ms. */
FIXTURE_VARIANT_ADD(quiet, many_150ms) { .conns = 16, .gap_ms = 150, .burst = 1, .secs = 12 };
FIXTURE_VARIANT_ADD(quiet, few_1ms) { .conns = 2, .gap_ms = 1, .burst = 1, .secs = 8 };
FIXTURE_VARIANT_ADD(quiet, few_1s) { .conns = 2, .gap_ms = 1000, .burst = 1, .secs = 8 };
FIXTURE_VARIANT_ADD(quiet, quiet_10s) { .conns = 4, .gap_ms = 10000, .burst = 1, .secs = 12 };
FIXTURE_VARIANT_ADD(quiet, bursts_2s) { .conns = 4, .gap_ms = 2000, .burst = 25, .secs = 12 };
FIXTURE_VARIANT_ADD(quiet, polling_300ms) {
	.conns = 12, .gap_ms = 300, .burst = 1, .secs = 12, .mode = POLLING };
FIXTURE_VARIANT_ADD(quiet, epoll_server_200ms) {
	.conns = 16, .gap_ms = 200, .burst = 1, .secs = 12, .mode = EPOLL_SERVER };

/*
 * As loaded by a user: automatic control, not the tests' pinned level. The
 * built-in latency check runs every second and falls after two bad runs
 * (10 s and three by default): a false signal degrades the host within
 * seconds, a test of a few seconds sees it.
 */
static int as_loaded(void)
{
	if (dwcp_module_load("") || dwcp_resctl("degrade auto"))
		return -1;
	return dwcp_resctl("health set latency interval 1s timeout 1s rise 2 fall 2");
}

FIXTURE_SETUP(quiet)
{
	memset(&self->s, 0, sizeof(self->s));
	ASSERT_EQ(0, as_loaded());
}

FIXTURE_TEARDOWN(quiet)
{
}

TEST_F_TIMEOUT(quiet, healthy_service_keeps_the_host_normal, 120)
{
	struct svc *s = &self->s;
	long long rate, p95;
	int off, seen;

	s->conns = variant->conns;
	s->gap_ms = variant->gap_ms;
	s->burst = variant->burst;
	s->mode = variant->mode;
	off = run_svc(_metadata, s, variant->secs);
	rate = policy_stat_in(DWCP_RES_CLASS_RECEIVE, "state", "rate_mcps");
	p95 = policy_stat_in(DWCP_RES_CLASS_RECEIVE, "latency", "p95_ns");
	seen = seen_p95_us(s);
	TH_LOG("%ld requests; receive: rate %lld mcps, P95 %lld us (clients saw %d us); %d s not normal",
	       atomic_load(&s->requests), rate, p95 / 1000, seen, off);
	EXPECT_LT(0, atomic_load(&s->requests));
	/*
	 * A guest that itself answers loopback requests slower than half the
	 * target (a debug kernel under TCG beside other guests: 570 ms once)
	 * runs a slow service, and degrading is then right: nothing to judge.
	 */
	if (seen * 1000LL > TARGET_NS / 2)
		SKIP(return, "this guest answers in %d ms (P95): too slow to tell a quiet service",
		     seen / 1000);
	EXPECT_EQ(0, off);
	EXPECT_EQ(INITIAL_MCPS, rate);
	EXPECT_GT(TARGET_NS, p95);
}

FIXTURE(slow)
{
	struct svc s;
};

/*
 * How many clients ask the slow server, each as fast as it answers (5
 * answers a second): 32 give 160 calls a second, 20 timed (the lock-free
 * path times one call in 8), so a verdict every tick; 3 give 15 calls a
 * second, 2 timed, and the verdict needs the 10 samples of about 5 ticks
 * (health.rst, "Latency verdicts").
 */
FIXTURE_VARIANT(slow)
{
	int conns;
	int secs;
};

FIXTURE_VARIANT_ADD(slow, busy) { .conns = 32, .secs = 12 };
FIXTURE_VARIANT_ADD(slow, quiet) { .conns = 3, .secs = 20 };

FIXTURE_SETUP(slow)
{
	memset(&self->s, 0, sizeof(self->s));
	ASSERT_EQ(0, as_loaded());
}

FIXTURE_TEARDOWN(slow)
{
}

/* A peer that really is slow is still seen, on the client's receives. */
TEST_F_TIMEOUT(slow, slow_server_is_detected, 120)
{
	struct svc *s = &self->s;
	long long p95;
	int off;

	s->conns = variant->conns;
	s->gap_ms = 0;
	s->burst = 1;
	s->delay_ms = 200;
	off = run_svc(_metadata, s, variant->secs);
	p95 = policy_stat_in(DWCP_RES_CLASS_RECEIVE, "latency", "p95_ns");
	TH_LOG("%ld requests; receive P95 %lld us; %d s not normal",
	       atomic_load(&s->requests), p95 / 1000, off);
	EXPECT_LE(150000000LL, p95);
	EXPECT_LT(0, off);
}

TEST_HARNESS_MAIN
