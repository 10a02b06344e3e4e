// SPDX-License-Identifier: GPL-2.0
/*
 * ulp_bench: in-VM throughput of the TCP ULP "dwcp" against plain TCP over
 * loopback, in the same run. Not a test (no pass/fail): prints
 *
 *   BENCH tcp_64k_mbps V MB/s       BENCH ulp_64k_mbps V MB/s
 *   BENCH tcp_100b_mbps V MB/s      BENCH ulp_100b_mbps V MB/s
 *   BENCH ulp_ratio_64k R x         BENCH ulp_ratio_100b R x
 *   BENCH ulp_ratio_64k_min R x     BENCH ulp_ratio_100b_min R x
 *   BENCH ulp_ratio_64k_max R x     BENCH ulp_ratio_100b_max R x
 *   BENCH ulp_sock_mem B bytes      BENCH policy_mem B bytes
 *
 * Each figure streams for BENCH_SECS (default 3) seconds from a forked
 * sender to a receiver reading 64 KiB at a time, with write sizes of 64 KiB
 * and 100 B. Plain and ULP runs alternate in rounds (A B, B A, A B, ...:
 * BENCH_ROUNDS rounds, default 9) so that drift of the guest's speed
 * cancels. A round's ratio is its ULP MB/s over its plain MB/s, taken
 * back to back; ulp_ratio_* is the median of the rounds' ratios (a host
 * busy with other work spoils single rounds, not the median), and _min and
 * _max give their spread. The MB/s figures are means over the rounds. The
 * ULP sockets have the policy kst_bench on both directions: every
 * protection on but generous (rate limit off, concurrent 1000, chaos off),
 * so the cost measured is the pipeline's admit/complete per call.
 *
 * BENCH_SIZES=100b or 64k runs only that size (for experiments).
 *
 * ulp_sock_mem: the growth of /proc/meminfo "Slab:" when the ULP is
 * attached to 2000 already connected sockets, divided by 2000: the context
 * as the slab allocator really sizes it (kmalloc bucket included).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/dwcp_res.h>

#include "dwcp_test.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define POLICY	"kst_bench"
#define MEM_SOCKS 2000
#define MAX_ROUNDS 50

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int resctl(const char *args)
{
	char cmd[512];

	dwcp_resctl_cmd(cmd, sizeof(cmd), args);
	return dwcp_run(cmd, NULL, 0, NULL, 0);
}

static int listener(struct sockaddr_in *sa)
{
	socklen_t len = sizeof(*sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)sa, len) || listen(fd, 1024) ||
	    getsockname(fd, (struct sockaddr *)sa, &len))
		return -1;
	return fd;
}

static int ulp_on(int fd)
{
	if (setsockopt(fd, SOL_TCP, TCP_ULP, "dwcp", 4))
		return -1;
	return setsockopt(fd, SOL_DWCP, DWCP_SO_CLASS, POLICY, strlen(POLICY));
}

static int pair(int lfd, const struct sockaddr_in *sa, int *a, int *b)
{
	*a = socket(AF_INET, SOCK_STREAM, 0);
	if (*a < 0 || connect(*a, (const struct sockaddr *)sa, sizeof(*sa)))
		return -1;
	*b = accept(lfd, NULL, NULL);
	return *b < 0 ? -1 : 0;
}

/* Stream @wsize writes for @secs seconds; returns MB/s (1e6 bytes), < 0 on error. */
static double stream(int lfd, const struct sockaddr_in *sa, bool ulp, size_t wsize,
		     double secs)
{
	static char buf[65536];
	uint64_t got = 0;
	double t0, el;
	int tx, rx, st;
	pid_t pid;
	ssize_t n;

	if (pair(lfd, sa, &tx, &rx))
		return -1;
	if (ulp && (ulp_on(tx) || ulp_on(rx)))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		double end = now_s() + secs;
		unsigned int i = 0;

		close(rx);
		/* Check the clock every 64 writes only: it is not free in a guest. */
		while ((i++ & 63) || now_s() < end)
			if (send(tx, buf, wsize, MSG_NOSIGNAL) < 0 && errno != EINTR)
				_exit(1);
		close(tx);
		_exit(0);
	}
	close(tx);
	t0 = now_s();
	while ((n = recv(rx, buf, sizeof(buf), 0)) > 0)
		got += n;
	el = now_s() - t0;
	close(rx);
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return got / el / 1e6;
}

/* A /proc/meminfo field in kB, -1 if absent. */
static long meminfo_kb(const char *field)
{
	char line[256], fmt[64];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	snprintf(fmt, sizeof(fmt), "%s: %%ld kB", field);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * Memory per policy: MemFree's drop while MEM_POLICIES policies are added
 * (the object is a multi-page kvzalloc, not a slab object, plus its per-CPU
 * counters and latency histograms), divided by their number.
 */
#define MEM_POLICIES 50
static long policy_mem(void)
{
	long before, after;
	char args[64];
	int i;

	sleep(1);
	before = meminfo_kb("MemFree");
	for (i = 0; i < MEM_POLICIES; i++) {
		snprintf(args, sizeof(args), "policy add kst_bench_m%d", i);
		if (resctl(args))
			return -1;
	}
	after = meminfo_kb("MemFree");
	for (i = 0; i < MEM_POLICIES; i++) {
		snprintf(args, sizeof(args), "policy del kst_bench_m%d", i);
		resctl(args);
	}
	if (before < 0 || after < 0)
		return -1;
	return (before - after) * 1024 / MEM_POLICIES;
}

/* Slab growth per socket when the ULP is attached to MEM_SOCKS sockets. */
static long sock_mem(int lfd, const struct sockaddr_in *sa)
{
	static int fds[MEM_SOCKS];
	struct rlimit rl = { MEM_SOCKS + 256, MEM_SOCKS + 256 };
	long before, after;
	int i, a, b;

	if (setrlimit(RLIMIT_NOFILE, &rl))
		return -1;
	for (i = 0; i < MEM_SOCKS; i += 2) {
		if (pair(lfd, sa, &a, &b))
			return -1;
		fds[i] = a;
		fds[i + 1] = b;
	}
	sleep(1);	/* let RCU-freed objects of the earlier runs go */
	before = meminfo_kb("Slab");
	for (i = 0; i < MEM_SOCKS; i++)
		if (setsockopt(fds[i], SOL_TCP, TCP_ULP, "dwcp", 4))
			return -1;
	after = meminfo_kb("Slab");
	for (i = 0; i < MEM_SOCKS; i++)
		close(fds[i]);
	if (before < 0 || after < 0)
		return -1;
	return (after - before) * 1024 / MEM_SOCKS;
}

/*
 * The guest's clock: the pipeline reads ktime_get_ns() at admit and at
 * complete. Under TCG the kernel distrusts the TSC and falls back to HPET,
 * whose every read is an emulated MMIO access; a user-space read of the
 * clock goes through the same clocksource (no vDSO for HPET).
 */
static void clock_cost(void)
{
	char cs[64] = "?";
	double t0, el;
	int i;

	dwcp_slurp("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		   cs, sizeof(cs));
	cs[strcspn(cs, "\n")] = '\0';
	t0 = now_s();
	for (i = 0; i < 20000; i++)
		now_s();
	el = now_s() - t0;
	printf("# guest clocksource %s, clock_gettime %.0f ns\n", cs, el / 20000 * 1e9);
}

int main(void)
{
	static const struct { size_t wsize; const char *name; } sizes[] = {
		{ 65536, "64k" }, { 100, "100b" },
	};
	const char *e = getenv("BENCH_SECS");
	double secs = e ? atof(e) : 3.0;
	int rounds = getenv("BENCH_ROUNDS") ? atoi(getenv("BENCH_ROUNDS")) : 9;
	struct sockaddr_in sa;
	int lfd, s, r;
	long mem;

	if (rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "ulp_bench: BENCH_ROUNDS must be 1..%d\n", MAX_ROUNDS);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	if (dwcp_module_ensure("", NULL)) {
		fprintf(stderr, "ulp_bench: cannot load dwcp_res\n");
		return 1;
	}
	resctl("policy del " POLICY);
	if (resctl("policy add " POLICY " base sync rate-limit off adaptive off "
		   "concurrent 1000 queue 1000")) {
		fprintf(stderr, "ulp_bench: cannot add policy " POLICY "\n");
		return 1;
	}
	resctl("chaos disable");
	clock_cost();
	lfd = listener(&sa);
	if (lfd < 0) {
		perror("ulp_bench: listener");
		return 1;
	}
	/* BENCH_PROFILE=64k|100b: one ULP stream only, for an ftrace profile. */
	if (getenv("BENCH_PROFILE")) {
		size_t w = strcmp(getenv("BENCH_PROFILE"), "100b") ? 65536 : 100;

		printf("# profile run %zu B: %.1f MB/s\n", w, stream(lfd, &sa, true, w, secs));
		return 0;
	}
	for (s = 0; s < 2; s++) {
		double sum[2] = {}, ratio[MAX_ROUNDS], v, mb[2];

		/* BENCH_SIZES=100b (or 64k): only those write sizes. */
		if (getenv("BENCH_SIZES") && !strstr(getenv("BENCH_SIZES"), sizes[s].name))
			continue;
		/* One short warm-up of each, not counted. */
		stream(lfd, &sa, false, sizes[s].wsize, 0.3);
		stream(lfd, &sa, true, sizes[s].wsize, 0.3);
		for (r = 0; r < 2 * rounds; r++) {
			/* A B B A A B ...: each side goes first equally often. */
			bool ulp = (r % 2) ^ ((r / 2) % 2);

			v = stream(lfd, &sa, ulp, sizes[s].wsize, secs);
			if (v < 0) {
				fprintf(stderr, "ulp_bench: %s stream failed\n",
					ulp ? "ulp" : "tcp");
				return 1;
			}
			printf("# round %d %s %s %.1f MB/s\n", r / 2, sizes[s].name,
			       ulp ? "ulp" : "tcp", v);
			sum[ulp] += v;
			mb[ulp] = v;
			if (r % 2)
				ratio[r / 2] = mb[1] / mb[0];
		}
		qsort(ratio, rounds, sizeof(ratio[0]), cmp_double);
		printf("BENCH tcp_%s_mbps %.1f MB/s\n", sizes[s].name, sum[0] / rounds);
		printf("BENCH ulp_%s_mbps %.1f MB/s\n", sizes[s].name, sum[1] / rounds);
		printf("BENCH ulp_ratio_%s %.3f x\n", sizes[s].name,
		       rounds % 2 ? ratio[rounds / 2] :
				    (ratio[rounds / 2 - 1] + ratio[rounds / 2]) / 2);
		printf("BENCH ulp_ratio_%s_min %.3f x\n", sizes[s].name, ratio[0]);
		printf("BENCH ulp_ratio_%s_max %.3f x\n", sizes[s].name, ratio[rounds - 1]);
		fflush(stdout);
	}
	/* Where the ULP's calls went: waits, rejections, latency. */
	{
		char cmd[256], out[8192], *line, *save;

		dwcp_resctl_cmd(cmd, sizeof(cmd), "policy show " POLICY);
		if (!dwcp_run(cmd, out, sizeof(out), NULL, 0))
			for (line = strtok_r(out, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save))
				printf("# %s\n", line);
	}
	mem = sock_mem(lfd, &sa);
	printf("BENCH ulp_sock_mem %ld bytes\n", mem);
	printf("BENCH policy_mem %ld bytes\n", policy_mem());
	close(lfd);
	resctl("policy del " POLICY);
	return mem < 0;
}
