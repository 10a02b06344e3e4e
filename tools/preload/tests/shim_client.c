// SPDX-License-Identifier: GPL-2.0
/*
 * shim_client MODE [N]: the socket patterns of real programs that the
 * preload shim must handle, each on a loopback connection to a listener of
 * its own (so the accepted side goes through the shim as well). Built
 * dynamically, -O2 -D_FORTIFY_SOURCE=2 as Debian builds its packages, so
 * read/recv/recvfrom into a buffer of known size are __read_chk,
 * __recv_chk and __recvfrom_chk. Run by selftests/kselftest/preload.sh.
 *
 *   read, recv, recvfrom  non-blocking connect, then only that call (the
 *                         fortified one) on the client socket
 *   environ               clear the environment (as nginx's workers do),
 *                         keep TZ only, then connect
 *   tfo                   TCP_FASTOPEN_CONNECT: connect() returns 0 in SYN_SENT
 *   twice                 non-blocking connect, wait, connect() again, send()
 *   ktls                  non-blocking connect, TCP_ULP "tls" set by the
 *                         program before its first I/O
 *   ktls-connect          blocking connect, then TCP_ULP "tls" (OpenSSL's order)
 *   many N                N blocking connects and accepts
 *
 * SHIM_CLIENT_PORT=P: the listener's port (default: any).
 * Prints "ulp=NAME class=NAME" for the (last) client socket (empty when
 * none) and exits 0 if the traffic went through.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/dwcp_res.h>

#ifndef TCP_ULP
#define TCP_ULP 31
#endif
#ifndef TCP_FASTOPEN_CONNECT
#define TCP_FASTOPEN_CONNECT 30
#endif

static void die(const char *what)
{
	fprintf(stderr, "shim_client: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int listener(struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int one = 1, q = 16;
	int l = socket(AF_INET, SOCK_STREAM, 0);

	if (l < 0)
		die("socket");
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(l, IPPROTO_TCP, TCP_FASTOPEN, &q, sizeof(q));
	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	/* A fixed port, for DWCP_RES_SKIP_PORTS; else any. */
	if (getenv("SHIM_CLIENT_PORT"))
		a->sin_port = htons((unsigned short)atoi(getenv("SHIM_CLIENT_PORT")));
	if (bind(l, (struct sockaddr *)a, sizeof(*a)) || listen(l, 64) ||
	    getsockname(l, (struct sockaddr *)a, &len))
		die("listen");
	return l;
}

static void wait_for(int fd, short ev)
{
	struct pollfd p = { .fd = fd, .events = ev };

	if (poll(&p, 1, 5000) != 1)
		die("poll");
}

static int connect_nb(const struct sockaddr_in *a)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (c < 0)
		die("socket");
	if (connect(c, (const struct sockaddr *)a, sizeof(*a)) == 0 || errno != EINPROGRESS)
		die("non-blocking connect did not return EINPROGRESS");
	wait_for(c, POLLOUT);
	return c;
}

static int connect_blocking(const struct sockaddr_in *a)
{
	int c = socket(AF_INET, SOCK_STREAM, 0);

	if (c < 0 || connect(c, (const struct sockaddr *)a, sizeof(*a)))
		die("connect");
	return c;
}

static void report(int c)
{
	char ulp[16] = "", cls[DWCP_RES_NAME_MAX] = "";
	socklen_t l1 = sizeof(ulp) - 1, l2 = sizeof(cls) - 1;

	getsockopt(c, IPPROTO_TCP, TCP_ULP, ulp, &l1);
	if (getsockopt(c, SOL_DWCP, DWCP_SO_CLASS, cls, &l2))
		cls[0] = '\0';
	printf("ulp=%s class=%s\n", ulp, cls);
}

/* The server side answers "hello"; the client reads it with @how. */
static void exchange(int l, int c, const char *how)
{
	char buf[64];
	/*
	 * A length the compiler cannot prove safe: with a constant one glibc
	 * calls plain read(); with this, the fortified __read_chk() & co.
	 */
	volatile size_t want = sizeof(buf);
	ssize_t n;
	int s = accept(l, NULL, NULL);

	if (s < 0)
		die("accept");
	if (write(s, "hello", 5) != 5)
		die("server write");
	wait_for(c, POLLIN);
	if (!strcmp(how, "recv"))
		n = recv(c, buf, want, 0);
	else if (!strcmp(how, "recvfrom"))
		n = recvfrom(c, buf, want, 0, NULL, NULL);
	else
		n = read(c, buf, want);
	if (n != 5 || memcmp(buf, "hello", 5))
		die("client read");
	close(s);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	struct sockaddr_in a;
	int l = listener(&a), c, one = 1, i, n;

	if (!strcmp(mode, "read") || !strcmp(mode, "recv") || !strcmp(mode, "recvfrom")) {
		c = connect_nb(&a);
		exchange(l, c, mode);
	} else if (!strcmp(mode, "environ")) {
		const char *tz = getenv("TZ");
		char *keep = tz ? strdup(tz) : NULL;

		clearenv();
		if (keep)
			setenv("TZ", keep, 1);
		c = connect_blocking(&a);
		exchange(l, c, "read");
	} else if (!strcmp(mode, "tfo")) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || setsockopt(c, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &one, sizeof(one)))
			die("TCP_FASTOPEN_CONNECT");
		if (connect(c, (struct sockaddr *)&a, sizeof(a)))
			die("TFO connect");
		if (write(c, "x", 1) != 1)
			die("TFO write");
		exchange(l, c, "read");
	} else if (!strcmp(mode, "twice")) {
		c = connect_nb(&a);
		if (connect(c, (struct sockaddr *)&a, sizeof(a)) && errno != EISCONN)
			die("second connect");
		if (send(c, "x", 1, 0) != 1)
			die("send");
		exchange(l, c, "read");
	} else if (!strcmp(mode, "ktls")) {
		c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (c < 0)
			die("socket");
		if (connect(c, (struct sockaddr *)&a, sizeof(a)) == 0 || errno != EINPROGRESS)
			die("non-blocking connect");
		wait_for(c, POLLOUT);
		if (setsockopt(c, IPPROTO_TCP, TCP_ULP, "tls", 3))
			die("TCP_ULP tls");
		exchange(l, c, "read");
	} else if (!strcmp(mode, "ktls-connect")) {
		c = connect_blocking(&a);
		if (setsockopt(c, IPPROTO_TCP, TCP_ULP, "tls", 3))
			die("TCP_ULP tls");
		exchange(l, c, "read");
	} else if (!strcmp(mode, "many")) {
		n = argc > 2 ? atoi(argv[2]) : 10;
		c = -1;
		for (i = 0; i < n; i++) {
			if (c >= 0)
				close(c);
			c = connect_blocking(&a);
			exchange(l, c, "read");
		}
	} else {
		fprintf(stderr, "usage: shim_client read|recv|recvfrom|environ|tfo|twice|ktls|ktls-connect|many N\n");
		return 2;
	}
	report(c);
	return 0;
}
