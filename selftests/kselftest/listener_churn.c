// SPDX-License-Identifier: GPL-2.0
/*
 * listener_churn: the ULP set on listening sockets while SYNs pour in, the
 * listeners closed and made again, round after round; then the module must
 * unload. A child that the kernel copies from a listener while .init runs
 * used to get the listener's context without the ULP ops (issue 13,
 * finding 1): its close freed the listener's context. KUnit's dwcp_ulp
 * suite widens that window on purpose; this runs the real thing, on every
 * kernel of make check, KCSAN's included.
 *
 * usage: listener_churn [-t SECONDS] [-c CLIENTS]   (defaults: 8 s, 4)
 *
 * CLIENTS threads connect to the port in a loop, write a byte and reset the
 * connection (SO_LINGER 0: no TIME_WAIT, no port exhaustion). Each round
 * makes a listener on that port, lets SYNs queue, sets TCP_ULP "dwcp" on it,
 * accepts for a while in one thread and closes the listener with children
 * still in its queue. Every accepted child either has the ULP (its class
 * reads "send") or was queued before it (plain TCP: getsockopt() of
 * SOL_DWCP fails with EOPNOTSUPP): nothing else.
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
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <linux/dwcp_res.h>

#include "dwcp_test.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

static struct sockaddr_in addr;
static atomic_int stop;
static atomic_long connects, refused, other_errs;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *client(void *arg)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	(void)arg;
	while (!atomic_load(&stop)) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0) {
			atomic_fetch_add(&other_errs, 1);
			usleep(1000);
			continue;
		}
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		if (!connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
			atomic_fetch_add(&connects, 1);
			(void)!write(fd, "x", 1);
		} else if (errno == ECONNREFUSED || errno == ECONNRESET) {
			atomic_fetch_add(&refused, 1);
			usleep(200);
		} else {
			atomic_fetch_add(&other_errs, 1);
		}
		close(fd);
	}
	return NULL;
}

struct round {
	int lfd;
	long ulp, plain, bad;
};

/* Accept until the listener is closed under us (or 300 ms pass). */
static void *acceptor(void *arg)
{
	struct round *r = arg;
	double end = now_s() + 0.3;
	char name[DWCP_RES_NAME_MAX];
	struct pollfd pfd = { .fd = r->lfd, .events = POLLIN };

	while (now_s() < end) {
		socklen_t len = sizeof(name);
		int c;

		if (poll(&pfd, 1, 20) <= 0)
			continue;
		c = accept4(r->lfd, NULL, NULL, SOCK_NONBLOCK);
		if (c < 0)
			continue;
		if (!getsockopt(c, SOL_DWCP, DWCP_SO_SEND_CLASS, name, &len) &&
		    !strcmp(name, "send"))
			r->ulp++;
		else if (errno == EOPNOTSUPP)	/* plain TCP's answer to SOL_DWCP */
			r->plain++;
		else if (r->bad++ < 3)
			printf("# a child: %s, class \"%.*s\"\n", strerror(errno),
			       (int)sizeof(name), name);
		close(c);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int secs = 8, nclients = 4, opt, rounds = 0, fails = 0, one = 1, i;
	long ulp = 0, plain = 0, bad = 0, ulp_errs = 0;
	pthread_t th[16];
	socklen_t alen = sizeof(addr);
	double end;

	while ((opt = getopt(argc, argv, "t:c:")) != -1) {
		if (opt == 't')
			secs = atoi(optarg);
		else if (opt == 'c')
			nclients = atoi(optarg) > 16 ? 16 : atoi(optarg);
	}
	printf("TAP version 13\n1..3\n");
	if (dwcp_module_ensure("", NULL)) {
		printf("not ok 1 module_loaded\n");
		return 1;
	}
	/* Find a free port once; every round's listener takes it again. */
	addr.sin_family = AF_INET;
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	{
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
		    getsockname(fd, (struct sockaddr *)&addr, &alen)) {
			printf("Bail out! no loopback port: %s\n", strerror(errno));
			return 1;
		}
		close(fd);
	}
	for (i = 0; i < nclients; i++)
		pthread_create(&th[i], NULL, client, NULL);

	end = now_s() + secs;
	while (now_s() < end) {
		struct round r = {};
		pthread_t at;

		r.lfd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(r.lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (r.lfd < 0 || bind(r.lfd, (struct sockaddr *)&addr, sizeof(addr)) ||
		    listen(r.lfd, 64)) {
			printf("# round %d: listener: %s\n", rounds, strerror(errno));
			fails++;
			if (r.lfd >= 0)
				close(r.lfd);
			usleep(10000);
			continue;
		}
		/* SYNs queue on the bare listener, then the ULP arrives among them. */
		usleep(5000 + rounds % 7 * 1000);
		if (setsockopt(r.lfd, SOL_TCP, TCP_ULP, "dwcp", 4))
			ulp_errs++;
		pthread_create(&at, NULL, acceptor, &r);
		usleep(100000);
		/* Closed with children still queued, some with the ULP. */
		pthread_join(at, NULL);
		close(r.lfd);
		ulp += r.ulp;
		plain += r.plain;
		bad += r.bad;
		rounds++;
	}
	atomic_store(&stop, 1);
	for (i = 0; i < nclients; i++)
		pthread_join(th[i], NULL);

	printf("# %d rounds, %ld connects (%ld refused, %ld other errors), children: %ld with the ULP, %ld plain, %ld neither; %ld TCP_ULP failures\n",
	       rounds, atomic_load(&connects), atomic_load(&refused),
	       atomic_load(&other_errs), ulp, plain, bad, ulp_errs);
	if (rounds >= 5 && ulp > 0 && !bad && !ulp_errs && !fails)
		printf("ok 1 every_child_has_the_ulp_or_none\n");
	else
		printf("not ok 1 every_child_has_the_ulp_or_none\n"), fails++;
	if (atomic_load(&connects) > 0 && !atomic_load(&other_errs))
		printf("ok 2 the_storm_connected\n");
	else
		printf("not ok 2 the_storm_connected\n"), fails++;
	for (i = 0; i < 200 && dwcp_module_refcnt() > 0; i++)
		usleep(50000);
	printf("# module refcount %d once the sockets are closed\n", dwcp_module_refcnt());
	if (dwcp_module_refcnt() == 0 && !syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK))
		printf("ok 3 module_unloads\n");
	else
		printf("not ok 3 module_unloads\n"), fails++;
	dwcp_module_load("");
	return fails ? 1 : 0;
}
