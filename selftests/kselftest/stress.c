// SPDX-License-Identifier: GPL-2.0
/*
 * stress: many threads on many ULP sockets, every class, while chaos is on
 * and the configuration churns; then every counter is reconciled.
 *
 * usage: stress [-t SECONDS] [-p PAIRS]      (defaults: 10 s, 12 pairs)
 *
 * Traffic: PAIRS loopback TCP pairs with the ULP on both ends; one thread
 * sends on one end (blocking and MSG_DONTWAIT calls, 1..8 KiB, a known byte
 * stream), one thread receives on the other (SO_RCVTIMEO 100 ms) and checks
 * the stream. Pair i's class is classes[i % 8]: the four DWCP profiles, two
 * custom policies that live the whole run (kst_st_c0, kst_st_c1: "stable")
 * and two that are deleted and re-added under the traffic (kst_st_x0,
 * kst_st_x1: "churned"; their threads rebind every 128 calls). One more
 * thread opens and closes short ULP connections through a listener that has
 * the ULP (class kst_st_c1, inherited by the accepted child).
 *
 * Churn (one thread, through resctl, one command every few ms): policy add,
 * set and del --force of the churned policies while sockets use them,
 * policy set of the stable ones, breaker force-open/enable, degrade set
 * degraded/severely_degraded and degrade auto (automatic control stays on
 * for the rest of the run), health add/del, slo set, chaos inject
 * latency/error faults and chaos clear, and rmmod attempts.
 *
 * Invariants checked at the end (all threads joined, sockets still open):
 *  1. the byte streams arrived intact;
 *  2. per socket direction, exactly: the calls a thread made = returns >= 0
 *     + admitted calls that failed (EAGAIN...) + rejections; the socket's
 *     DWCP_SO_STATS admitted + interrupted = returns >= 0 + admitted
 *     failures + EINTRs + chaos errors (the pipeline admits a call, then chaos fails it: it counts as
 *     admitted, FAILURE and rejected[chaos], like the policy counts it),
 *     its results sum to admitted, and rejected[r] = the calls the thread
 *     saw fail with reason r's errno (ECANCELED shed, ECONNREFUSED breaker,
 *     EIO chaos); the waits a socket may not make (rate, bulkhead full,
 *     bulkhead wait) return EAGAIN like TCP's own, so their sum is what the
 *     thread's EAGAINs hold beyond the admitted calls' IGNORED results;
 *  3. per stable policy, exactly: inflight = 0, admitted = completed, and
 *     admitted and rejected[r] = the sums over the sockets bound to it;
 *  4. per churned policy: a deleted generation takes its counters away, so
 *     the live generation's admitted and rejected[r] are at most the sums
 *     over its sockets (>= 0 is what the deleted ones took), and
 *     admitted = completed, inflight = 0;
 *  5. every churn command that must succeed did; every rmmod attempt was
 *     refused with EWOULDBLOCK; once the sockets are closed the module's
 *     reference count drops back and rmmod succeeds.
 * The VM harness adds: no splat (KASAN, lockdep) and, at the end of the
 * guest, no kmemleak report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/dwcp_res.h>

#include "dwcp_test.h"

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define NCLASS		8
#define NSTABLE		6	/* classes[0..5] live the whole run */
#define MAX_PAIRS	64
#define NREJ		DWCP_RES_REJECT_CHAOS + 1

static const char * const classes[NCLASS] = {
	"send", "receive", "sync", "consensus",
	"kst_st_c0", "kst_st_c1", "kst_st_x0", "kst_st_x1",
};

static const int rej_errno[NREJ] = {
	[DWCP_RES_REJECT_SHED] = ECANCELED,
	[DWCP_RES_REJECT_BREAKER] = ECONNREFUSED,
	/* RATE, BULKHEAD_FULL, BULKHEAD_WAIT: EAGAIN, counted apart. */
	[DWCP_RES_REJECT_CHAOS] = EIO,
};

static const char * const rej_key[NREJ] = {
	[DWCP_RES_REJECT_SHED] = "shed",
	[DWCP_RES_REJECT_BREAKER] = "breaker",
	[DWCP_RES_REJECT_RATE] = "rate",
	[DWCP_RES_REJECT_BULKHEAD_FULL] = "bulkhead_full",
	[DWCP_RES_REJECT_BULKHEAD_WAIT] = "bulkhead_wait",
	[DWCP_RES_REJECT_CHAOS] = "chaos",
};

/* What one thread saw on its direction of one socket. */
struct seen {
	uint64_t calls, ok, admitted_err, rej[NREJ], intr, bytes;
	uint64_t eagain;	/* admitted (IGNORED) or a wait refused */
	uint64_t errs[8];	/* unexpected errnos, first few */
	unsigned int nerrs;
};

struct end {
	int fd, cls;
	bool sender;
	struct seen s;
	bool corrupt;
	pthread_t th;
};

extern char **environ;
static atomic_bool stop;
static int npairs = 12, seconds = 10;
static struct end ends[MAX_PAIRS][2];
static int fails, nt;

/* Totals of the connect/close thread's sockets (class kst_st_c1). */
static struct dwcp_res_sock_stats cc_tot;
static uint64_t cc_conns, cc_errs;

/* Churn tallies. */
static uint64_t ch_cmds, ch_bad, ch_rmmod, ch_rmmod_bad, ch_faults;
static atomic_uint ch_cycles;	/* full turns of the churn's 16 steps */
static char ch_last_bad[512], ch_cur[256];

static void result(bool ok, const char *name)
{
	nt++;
	if (!ok)
		fails++;
	printf("%sok %d %s\n", ok ? "" : "not ", nt, name);
	fflush(stdout);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int reason_of(int err)
{
	int r;

	for (r = 1; r < NREJ; r++)
		if (rej_errno[r] == err)
			return r;
	return 0;
}

static int set_class(int fd, const char *name)
{
	return setsockopt(fd, SOL_DWCP, DWCP_SO_CLASS, name, strlen(name));
}

static int get_stats(int fd, struct dwcp_res_sock_stats *st)
{
	socklen_t len = sizeof(*st);

	memset(st, 0, sizeof(*st));
	if (getsockopt(fd, SOL_DWCP, DWCP_SO_STATS, st, &len))
		return -1;
	return len == sizeof(*st) ? 0 : -1;
}

static int listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, len) || listen(fd, 64) ||
	    getsockname(fd, (struct sockaddr *)&a, &len)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(a.sin_port);
	return fd;
}

static int connect_to(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int ulp(int fd)
{
	return setsockopt(fd, SOL_TCP, TCP_ULP, "dwcp", 4);
}

static inline unsigned char pat(uint64_t off)
{
	return (unsigned char)(off * 131 + (off >> 9));
}

static void note_err(struct seen *s, int err)
{
	if (s->nerrs < 8)
		s->errs[s->nerrs] = err;
	s->nerrs++;
}

static void *end_run(void *arg)
{
	struct end *e = arg;
	unsigned char buf[8192];
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ (uintptr_t)e, off = 0;
	ssize_t n, i;
	int r;

	/* Below the churn thread, which must keep up (per-thread nice). */
	setpriority(PRIO_PROCESS, syscall(SYS_gettid), 10);
	for (;;) {
		if (e->sender && atomic_load(&stop))
			break;
		if (e->cls >= NSTABLE && e->s.calls % 128 == 127)
			set_class(e->fd, classes[e->cls]);	/* ENOENT: deleted */
		e->s.calls++;
		if (e->sender) {
			size_t len;
			int flags = MSG_NOSIGNAL;

			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			len = 1 + x % sizeof(buf);
			if (x & (1ULL << 40))
				flags |= MSG_DONTWAIT;
			for (i = 0; i < (ssize_t)len; i++)
				buf[i] = pat(off + i);
			n = send(e->fd, buf, len, flags);
		} else {
			n = recv(e->fd, buf, sizeof(buf), 0);
		}
		if (n >= 0) {
			e->s.ok++;
			if (!e->sender)
				for (i = 0; i < n; i++)
					if (buf[i] != pat(off + i))
						e->corrupt = true;
			off += n;
			e->s.bytes += n;
			if (!e->sender && n == 0)
				break;	/* the sender shut down */
			continue;
		}
		r = reason_of(errno);
		if (r) {
			e->s.rej[r]++;
			usleep(200);
		} else if (errno == EINTR) {
			e->s.intr++;
		} else if (errno == EAGAIN) {
			e->s.eagain++;
			usleep(e->sender ? 500 : 200);
		} else {
			e->s.admitted_err++;
			note_err(&e->s, errno);
			usleep(1000);
			if (e->s.nerrs > 1000)
				break;
		}
	}
	return NULL;
}

/* Short connections through a listener with the ULP and class kst_st_c1. */
static void *conn_run(void *arg)
{
	struct dwcp_res_sock_stats st;
	int lfd, port, a, b, k, j;
	char buf[512] = "x";

	setpriority(PRIO_PROCESS, syscall(SYS_gettid), 10);
	lfd = listener(&port);
	if (lfd < 0 || ulp(lfd) || set_class(lfd, "kst_st_c1")) {
		cc_errs++;
		return NULL;
	}
	while (!atomic_load(&stop)) {
		a = connect_to(port);
		b = a >= 0 ? accept(lfd, NULL, NULL) : -1;
		if (a < 0 || b < 0 || ulp(a) || set_class(a, "kst_st_c1")) {
			cc_errs++;
			if (a >= 0)
				close(a);
			if (b >= 0)
				close(b);
			usleep(10000);
			continue;
		}
		cc_conns++;
		for (k = 0; k < 4; k++) {
			send(a, buf, sizeof(buf), MSG_NOSIGNAL | MSG_DONTWAIT);
			recv(b, buf, sizeof(buf), MSG_DONTWAIT);
		}
		for (k = 0; k < 2; k++) {
			if (get_stats(k ? b : a, &st)) {
				cc_errs++;
				continue;
			}
			cc_tot.send.admitted += st.send.admitted;
			cc_tot.recv.admitted += st.recv.admitted;
			for (j = 0; j < 8; j++) {
				cc_tot.send.rejected[j] += st.send.rejected[j];
				cc_tot.recv.rejected[j] += st.recv.rejected[j];
			}
		}
		/* Alternately an abortive close (RST) and an orderly one. */
		if (cc_conns % 2) {
			struct linger lg = { .l_onoff = 1, .l_linger = 0 };

			setsockopt(a, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		}
		close(a);
		close(b);
	}
	close(lfd);
	return NULL;
}

/*
 * A resctl command of the churn, spawned directly (no shell: the churn
 * competes with the traffic threads for the CPU); @must: it has to succeed.
 */
static __attribute__((format(printf, 2, 3)))
void churn(bool must, const char *fmt, ...)
{
	char args[256], path[128], *argv[32], *save = NULL, *tok;
	posix_spawn_file_actions_t fa;
	int rc = -1, st, argc = 0;
	va_list ap;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), "%s/bin/resctl", dwcp_dir());
	argv[argc++] = path;
	snprintf(ch_cur, sizeof(ch_cur), "%s", args);
	for (tok = strtok_r(ch_cur, " ", &save); tok && argc < 31;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/tmp/stress.err",
					 O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (!posix_spawn(&pid, path, &fa, NULL, argv, environ) &&
	    waitpid(pid, &st, 0) == pid && WIFEXITED(st))
		rc = WEXITSTATUS(st);
	posix_spawn_file_actions_destroy(&fa);
	ch_cmds++;
	if (must && rc) {
		ch_bad++;
		snprintf(ch_last_bad, sizeof(ch_last_bad), "%.200s (rc %d): ", args, rc);
		dwcp_slurp("/tmp/stress.err", ch_last_bad + strlen(ch_last_bad),
			   sizeof(ch_last_bad) - strlen(ch_last_bad));
		ch_last_bad[strcspn(ch_last_bad, "\n")] = '\0';
	}
}

static void *churn_run(void *arg)
{
	unsigned int step = 0;
	int x;

	while (!atomic_load(&stop)) {
		x = step / 16 % 2;
		switch (step++ % 16) {
		case 0:
			churn(true, "policy del --force kst_st_x%d", x);
			break;
		case 1:
			churn(true, "policy add kst_st_x%d base sync concurrent %d queue 2",
			      x, 1 + step % 3);
			break;
		case 2:
			churn(true, "policy set kst_st_c0 rate %u/s", 2000 + step % 5000);
			break;
		case 3:
			churn(true, "chaos inject kst_st_c0 latency probability 5%% min 100us max 2ms");
			ch_faults++;
			break;
		case 4:
			churn(true, "chaos inject %s error probability 2%%", classes[step % NCLASS < 6 ? step % NCLASS : 2]);
			ch_faults++;
			break;
		case 5:
			churn(true, "breaker force-open kst_st_c1");
			break;
		case 6:
			churn(true, "degrade set %s",
			      step % 64 < 32 ? "degraded" : "severely_degraded");
			break;
		case 7:
			churn(true, "health add kst_st_h metric inflight policy kst_st_c0 max 50 interval 1s timeout 500ms");
			break;
		case 8:
			churn(true, "breaker enable kst_st_c1");
			break;
		case 9:
			churn(true, "slo set kst_st_c0 target %s", step % 32 < 16 ? "99.5%" : "99%");
			break;
		case 10:
			churn(true, "policy set kst_st_x%d concurrent 3", !x);	/* in use */
			break;
		case 11:
			churn(true, "degrade auto");
			break;
		case 12:
			churn(true, "health del kst_st_h");
			break;
		case 13:
			churn(true, "chaos inject kst_st_x%d error probability 3%%", x);
			ch_faults++;
			break;
		case 14:
			/* rmmod while sockets hold the module: refused. */
			ch_rmmod++;
			if (syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK) != -1 ||
			    (errno != EWOULDBLOCK && errno != EBUSY))
				ch_rmmod_bad++;
			break;
		case 15:
			if (step % 64 == 15)
				churn(true, "chaos clear");
			atomic_fetch_add(&ch_cycles, 1);
			usleep(2000);
			break;
		}
	}
	return NULL;
}

/* One counter of policy @name's stats group @group (-1: not found). */
static long long pstat(const char *json, const char *group, const char *key)
{
	char pat[64];
	const char *p = strstr(json, "\"stats\":");

	if (!p)
		return -1;
	snprintf(pat, sizeof(pat), "\"%s\":{", group);
	p = strstr(p, pat);
	if (!p)
		return -1;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(p, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

static int policy_json(const char *name, char *out, size_t len)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "%s/bin/resctl -j policy show %s", dwcp_dir(), name);
	return dwcp_run(cmd, out, len, NULL, 0);
}

static int setup(void)
{
	char cmd[256];
	int c;

	if (system("grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res; true"))
		return -1;
	snprintf(cmd, sizeof(cmd), "insmod %s/dwcp_res.ko chaos_allowed=1", dwcp_dir());
	if (system(cmd))
		return -1;
	/* Automatic control on, every trigger, quick to react. */
	if (dwcp_resctl("degrade triggers enabled all tick 100ms dwell 1s") ||
	    dwcp_resctl("chaos enable"))
		return -1;
	for (c = 4; c < NCLASS; c++)
		if (dwcp_fresh_policy(classes[c], c % 2 ?
				      "base consensus concurrent 2 queue 4 rate-limit on rate 5000/s" :
				      "base send concurrent 4 queue 8"))
			return -1;
	return 0;
}

static int pair(int *a, int *b)
{
	int lfd, port;

	lfd = listener(&port);
	if (lfd < 0)
		return -1;
	*a = connect_to(port);
	*b = *a >= 0 ? accept(lfd, NULL, NULL) : -1;
	close(lfd);
	if (*a < 0 || *b < 0 || ulp(*a) || ulp(*b))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static char json[65536];
	struct timeval tv = { .tv_usec = 100000 };
	uint64_t sa[NCLASS] = {}, sr[NCLASS][NREJ] = {}, total_calls = 0, total_bytes = 0;
	int i, j, r, c, opt, base, bad_sock = 0, bad_pol = 0, corrupt = 0, unexpected = 0;
	pthread_t churn_th, conn_th;
	double t0;

	while ((opt = getopt(argc, argv, "t:p:")) != -1) {
		if (opt == 't')
			seconds = atoi(optarg);
		else if (opt == 'p')
			npairs = atoi(optarg);
		else
			return 2;
	}
	if (npairs < NCLASS || npairs > MAX_PAIRS || seconds < 1)
		return 2;
	printf("TAP version 13\n1..7\n");
	printf("# %d pairs (%d sockets, %d traffic threads), %d s\n",
	       npairs, 2 * npairs, 2 * npairs, seconds);
	if (setup()) {
		printf("Bail out! module or policy setup failed\n");
		return 1;
	}
	for (i = 0; i < npairs; i++) {
		if (pair(&ends[i][0].fd, &ends[i][1].fd)) {
			printf("Bail out! pair %d: %s\n", i, strerror(errno));
			return 1;
		}
		for (j = 0; j < 2; j++) {
			ends[i][j].cls = i % NCLASS;
			ends[i][j].sender = !j;
			if (set_class(ends[i][j].fd, classes[i % NCLASS])) {
				printf("Bail out! class %s: %s\n", classes[i % NCLASS],
				       strerror(errno));
				return 1;
			}
			setsockopt(ends[i][j].fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		}
	}
	base = dwcp_module_refcnt();
	t0 = now_s();
	for (i = 0; i < npairs; i++)
		for (j = 0; j < 2; j++)
			pthread_create(&ends[i][j].th, NULL, end_run, &ends[i][j]);
	pthread_create(&churn_th, NULL, churn_run, NULL);
	pthread_create(&conn_th, NULL, conn_run, NULL);
	/*
	 * A slow guest (a host busy with other guests) may run the churn only
	 * a few times in the traffic's time: give it up to six times as long
	 * to finish two turns, so that every step ran under traffic.
	 */
	while (now_s() - t0 < seconds ||
	       (atomic_load(&ch_cycles) < 2 && now_s() - t0 < 6 * seconds))
		usleep(100000);
	atomic_store(&stop, true);
	pthread_join(churn_th, NULL);
	pthread_join(conn_th, NULL);
	/* Calm down so that the receivers can drain: nothing refused any more. */
	dwcp_resctl("chaos clear");
	dwcp_resctl("breaker enable kst_st_c1");
	dwcp_resctl("degrade set normal");
	for (i = 0; i < npairs; i++)
		pthread_join(ends[i][0].th, NULL);
	for (i = 0; i < npairs; i++) {
		shutdown(ends[i][0].fd, SHUT_WR);
		pthread_join(ends[i][1].th, NULL);
	}
	printf("# traffic ran %.1f s\n", now_s() - t0);

	/* 1: streams intact. */
	for (i = 0; i < npairs; i++) {
		if (ends[i][1].corrupt || ends[i][1].s.bytes != ends[i][0].s.bytes) {
			printf("# pair %d (%s): sent %llu, received %llu%s\n", i,
			       classes[ends[i][0].cls],
			       (unsigned long long)ends[i][0].s.bytes,
			       (unsigned long long)ends[i][1].s.bytes,
			       ends[i][1].corrupt ? ", corrupt" : "");
			corrupt++;
		}
	}
	result(!corrupt, "streams_intact");

	/* 2: per socket direction. */
	for (i = 0; i < npairs; i++) {
		for (j = 0; j < 2; j++) {
			struct end *e = &ends[i][j];
			struct dwcp_res_sock_stats st;
			struct dwcp_res_sock_dir_stats *d;
			uint64_t res = 0, rej = 0, waits;
			bool ok;

			if (get_stats(e->fd, &st)) {
				printf("# pair %d end %d: DWCP_SO_STATS: %s\n", i, j, strerror(errno));
				bad_sock++;
				continue;
			}
			d = e->sender ? &st.send : &st.recv;
			for (r = 0; r < 8; r++)
				res += d->results[r];
			for (r = 1; r < NREJ; r++)
				rej += e->s.rej[r];
			/*
			 * EINTR is either a signal in a pipeline wait (the
			 * socket's interrupted, not admitted) or TCP's own
			 * (admitted, CANCELLED): only their sum is known.
			 */
			waits = d->rejected[DWCP_RES_REJECT_RATE] +
				d->rejected[DWCP_RES_REJECT_BULKHEAD_FULL] +
				d->rejected[DWCP_RES_REJECT_BULKHEAD_WAIT];
			ok = e->s.calls == e->s.ok + e->s.admitted_err + rej + e->s.intr +
					   e->s.eagain &&
			     waits <= e->s.eagain &&
			     d->admitted + d->interrupted ==
				e->s.ok + e->s.admitted_err + e->s.intr +
				e->s.rej[DWCP_RES_REJECT_CHAOS] + (e->s.eagain - waits) &&
			     res == d->admitted && d->interrupted <= e->s.intr;
			for (r = 1; r < NREJ; r++)
				if (rej_errno[r])
					ok = ok && d->rejected[r] == e->s.rej[r];
			if (!ok) {
				printf("# pair %d %s (%s): calls %llu ok %llu err %llu intr %llu eagain %llu; socket admitted %llu results %llu interrupted %llu\n",
				       i, e->sender ? "send" : "recv", classes[e->cls],
				       (unsigned long long)e->s.calls, (unsigned long long)e->s.ok,
				       (unsigned long long)e->s.admitted_err,
				       (unsigned long long)e->s.intr,
				       (unsigned long long)e->s.eagain,
				       (unsigned long long)d->admitted, (unsigned long long)res,
				       (unsigned long long)d->interrupted);
				for (r = 1; r < NREJ; r++)
					printf("#   %s: thread saw %llu, socket counted %llu\n",
					       rej_key[r], (unsigned long long)e->s.rej[r],
					       (unsigned long long)d->rejected[r]);
				bad_sock++;
			}
			if (e->s.nerrs) {
				printf("# pair %d %s: %u unexpected errors, first errno %llu\n", i,
				       e->sender ? "send" : "recv", e->s.nerrs,
				       (unsigned long long)e->s.errs[0]);
				unexpected++;
			}
			total_calls += e->s.calls;
			sa[e->cls] += st.send.admitted + st.recv.admitted;
			for (r = 1; r < NREJ; r++)
				sr[e->cls][r] += st.send.rejected[r] + st.recv.rejected[r];
		}
		total_bytes += ends[i][0].s.bytes;
	}
	/* The short connections count in kst_st_c1. */
	sa[5] += cc_tot.send.admitted + cc_tot.recv.admitted;
	for (r = 1; r < NREJ; r++)
		sr[5][r] += cc_tot.send.rejected[r] + cc_tot.recv.rejected[r];
	result(!bad_sock && !unexpected, "socket_counters_match_what_threads_saw");

	/* 3 and 4: per policy. */
	for (c = 0; c < NCLASS; c++) {
		long long adm, comp, infl, prej[NREJ];
		bool ok, stable = c < NSTABLE;

		if (policy_json(classes[c], json, sizeof(json))) {
			/* The churn's last step may have deleted it: its counters went with it. */
			printf("# policy show %s failed%s\n", classes[c],
			       stable ? "" : " (churned: deleted by the last churn step)");
			if (stable)
				bad_pol++;
			continue;
		}
		adm = pstat(json, "calls", "admitted");
		comp = pstat(json, "calls", "completed");
		infl = pstat(json, "calls", "inflight");
		ok = adm >= 0 && comp == adm && infl == 0;
		ok = ok && (stable ? (uint64_t)adm == sa[c] : (uint64_t)adm <= sa[c]);
		for (r = 1; r < NREJ; r++) {
			prej[r] = pstat(json, "rejected", rej_key[r]);
			ok = ok && prej[r] >= 0 &&
			     (stable ? (uint64_t)prej[r] == sr[c][r] : (uint64_t)prej[r] <= sr[c][r]);
		}
		printf("# %-10s %s admitted %lld (sockets %llu) completed %lld inflight %lld;",
		       classes[c], stable ? "stable " : "churned", adm,
		       (unsigned long long)sa[c], comp, infl);
		for (r = 1; r < NREJ; r++)
			printf(" %s %lld/%llu", rej_key[r], prej[r],
			       (unsigned long long)sr[c][r]);
		printf("%s\n", ok ? "" : "  MISMATCH");
		if (!ok)
			bad_pol++;
	}
	result(!bad_pol, "policy_counters_match_sockets");

	printf("# churn: %llu resctl commands (%llu failed%s%s), %llu fault injections armed, %llu rmmod attempts\n",
	       (unsigned long long)ch_cmds, (unsigned long long)ch_bad,
	       ch_bad ? ", last: " : "", ch_last_bad, (unsigned long long)ch_faults,
	       (unsigned long long)ch_rmmod);
	result(ch_cmds > 16 && !ch_bad, "churn_commands_succeeded");
	result(ch_rmmod > 0 && !ch_rmmod_bad, "rmmod_refused_while_sockets_live");
	printf("# %llu calls, %llu bytes, %llu short connections (%llu errors)\n",
	       (unsigned long long)total_calls, (unsigned long long)total_bytes,
	       (unsigned long long)cc_conns, (unsigned long long)cc_errs);
	result(cc_conns > 0 && !cc_errs, "short_connections_through_ulp_listener");

	for (i = 0; i < npairs; i++)
		for (j = 0; j < 2; j++)
			close(ends[i][j].fd);
	for (i = 0; i < 400 && dwcp_module_refcnt() > 0; i++)
		usleep(50000);
	printf("# module refcount %d with sockets, %d after close\n", base,
	       dwcp_module_refcnt());
	result(dwcp_module_refcnt() == 0 &&
	       !syscall(SYS_delete_module, "dwcp_res", O_NONBLOCK),
	       "module_unloads_after_close");
	return fails ? 1 : 0;
}
