// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_drive: push calls through a policy's admission pipeline from a shell
 * test. Opens a loopback TCP pair, attaches the ULP "dwcp" to the sending
 * end, makes CLASS its class (SOL_DWCP, DWCP_SO_CLASS) and sends N messages
 * of SIZE bytes without waiting in the pipeline (MSG_DONTWAIT, so a rate
 * limit or a full bulkhead refuses at once), then prints what happened:
 *
 *   sent S
 *   rejected R
 *   ERRNO-NAME COUNT      (one line per errno seen, e.g. ECONNREFUSED 5)
 *
 * usage: dwcp_drive [-6] [-w] [-a ADDR | -r ADDR:PORT] [-c CLASS] [-n N] [-s SIZE]
 * -r: no pair; connect to a listener elsewhere (IPv4, e.g. a peer in
 * another network namespace; it reads what is sent) and send to it.
 * -w sends blocking (no MSG_DONTWAIT): a call may then wait in the
 * pipeline (bulkhead queue, chaos latency) and be seen in flight.
 * -a: the local address the pair connects over (127.0.0.1 or ::1 by
 * default; e.g. 127.0.0.2 to play a second peer).
 * Exit status: 0 when the calls were made (whatever the pipeline said),
 * 1 when the setup failed (no ULP, no such policy), 2 for bad usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <linux/dwcp_res.h>

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

/* The pipeline's rejections (enum dwcp_res_reject) and a few others. */
static const struct {
	int err;
	const char *name;
	bool rejection;
} errnos[] = {
	{ ECANCELED, "ECANCELED", true },
	{ ECONNREFUSED, "ECONNREFUSED", true },
	{ ENOBUFS, "ENOBUFS", true },
	{ EBUSY, "EBUSY", true },
	{ ETIME, "ETIME", true },
	{ EIO, "EIO", false },
	{ ETIMEDOUT, "ETIMEDOUT", false },
	{ EHOSTUNREACH, "EHOSTUNREACH", false },
	{ EAGAIN, "EAGAIN", false },
	{ EINTR, "EINTR", false },
};

#define NERR (sizeof(errnos) / sizeof(errnos[0]))

static int usage(void)
{
	fprintf(stderr, "usage: dwcp_drive [-6] [-w] [-a ADDR | -r ADDR:PORT] [-c CLASS] [-n N] [-s SIZE]\n");
	return 2;
}

/*
 * A connected pair over @addr (NULL: the loopback of @family): *tx the
 * client, *rx the accepted end.
 */
static int tcp_pair(int family, const char *addr, int *tx, int *rx)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
	socklen_t slen;
	int lfd;

	if (addr && inet_pton(AF_INET, addr, &a4->sin_addr) == 1)
		family = AF_INET;
	else if (addr && inet_pton(AF_INET6, addr, &a6->sin6_addr) == 1)
		family = AF_INET6;
	else if (addr)
		return fprintf(stderr, "dwcp_drive: bad address %s\n", addr), -1;
	if (family == AF_INET6) {
		a6->sin6_family = AF_INET6;
		if (!addr)
			a6->sin6_addr = in6addr_loopback;
		slen = sizeof(*a6);
	} else {
		a4->sin_family = AF_INET;
		if (!addr)
			a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		slen = sizeof(*a4);
	}
	lfd = socket(family, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&ss, slen) || listen(lfd, 1) ||
	    getsockname(lfd, (struct sockaddr *)&ss, &slen)) {
		perror("dwcp_drive: listen");
		return -1;
	}
	*tx = socket(family, SOCK_STREAM, 0);
	if (*tx < 0 || connect(*tx, (struct sockaddr *)&ss, slen)) {
		perror("dwcp_drive: connect");
		return -1;
	}
	*rx = accept(lfd, NULL, NULL);
	close(lfd);
	if (*rx < 0) {
		perror("dwcp_drive: accept");
		return -1;
	}
	return 0;
}

/* -r ADDR:PORT: *tx connected to a remote listener, no receiving end. */
static int tcp_remote(const char *spec, int *tx, int *rx)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	char host[64];
	const char *colon = strrchr(spec, ':');
	unsigned long port = colon ? strtoul(colon + 1, NULL, 10) : 0;

	if (!colon || (size_t)(colon - spec) >= sizeof(host) || !port || port > 65535)
		return fprintf(stderr, "dwcp_drive: -r wants ADDR:PORT\n"), -1;
	memcpy(host, spec, colon - spec);
	host[colon - spec] = '\0';
	if (inet_pton(AF_INET, host, &a.sin_addr) != 1)
		return fprintf(stderr, "dwcp_drive: bad address %s\n", host), -1;
	a.sin_port = htons((unsigned short)port);
	*rx = -1;
	*tx = socket(AF_INET, SOCK_STREAM, 0);
	if (*tx < 0 || connect(*tx, (struct sockaddr *)&a, sizeof(a))) {
		perror("dwcp_drive: connect");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long counts[NERR] = { 0 }, other = 0, sent = 0, rejected = 0;
	const char *class = DWCP_RES_CLASS_SEND, *addr = NULL, *remote = NULL;
	unsigned long n = 1, size = 1, i;
	int family = AF_INET, opt, tx, rx, wait_flag = MSG_DONTWAIT;
	static char buf[65536], sink[65536];
	size_t k;

	while ((opt = getopt(argc, argv, "6wa:r:c:n:s:")) != -1) {
		switch (opt) {
		case 'r':
			remote = optarg;
			break;
		case '6':
			family = AF_INET6;
			break;
		case 'a':
			addr = optarg;
			break;
		case 'w':
			wait_flag = 0;
			break;
		case 'c':
			class = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 's':
			size = strtoul(optarg, NULL, 0);
			if (!size || size > sizeof(buf))
				return usage();
			break;
		default:
			return usage();
		}
	}
	if (optind != argc)
		return usage();

	if (remote ? tcp_remote(remote, &tx, &rx) : tcp_pair(family, addr, &tx, &rx))
		return 1;
	if (setsockopt(tx, SOL_TCP, TCP_ULP, "dwcp", 4)) {
		perror("dwcp_drive: TCP_ULP dwcp");
		return 1;
	}
	if (setsockopt(tx, SOL_DWCP, DWCP_SO_CLASS, class, strlen(class))) {
		fprintf(stderr, "dwcp_drive: class \"%s\": %s\n", class, strerror(errno));
		return 1;
	}
	memset(buf, 'd', size);
	for (i = 0; i < n; i++) {
		ssize_t r = send(tx, buf, size, wait_flag | MSG_NOSIGNAL);

		if (r >= 0) {
			sent++;
		} else {
			for (k = 0; k < NERR && errnos[k].err != errno; k++)
				;
			if (k < NERR) {
				counts[k]++;
				rejected += errnos[k].rejection;
			} else {
				other++;
			}
		}
		/* Keep the receive side drained so sends never block on TCP. */
		while (rx >= 0 && recv(rx, sink, sizeof(sink), MSG_DONTWAIT) > 0)
			;
	}
	printf("sent %lu\nrejected %lu\n", sent, rejected);
	for (k = 0; k < NERR; k++)
		if (counts[k])
			printf("%s %lu\n", errnos[k].name, counts[k]);
	if (other)
		printf("other %lu\n", other);
	close(tx);
	if (rx >= 0)
		close(rx);
	return 0;
}
