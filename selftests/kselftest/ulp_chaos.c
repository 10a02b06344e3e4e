// SPDX-License-Identifier: GPL-2.0
/*
 * Chaos on the data path of the TCP ULP "dwcp", and data-path retries:
 *  - peer scope: a fault scoped to one peer (127.0.0.2, or ::1) fails the
 *    sockets to that peer only; the other peer's sockets of the same class
 *    are untouched;
 *  - partition: every call to the peer fails with EHOSTUNREACH for the
 *    partition's duration, the breaker opens (ECONNREFUSED), and both
 *    recover once it is over; chaos clear ends a partition early;
 *  - CPU spike: a call takes at least the spike and less than the cap
 *    plus slack, blocking and non-blocking; longer spikes are refused;
 *  - memory pressure: the bytes are held (sysfs, CHAOS_GET, MemFree) and
 *    given back on chaos clear, chaos disable, policy delete and the exit
 *    of the network namespace;
 *  - retries: 64 MiB (16 MiB on the debug kernel) streamed under transient
 *    error chaos on both directions arrive byte-identical, with retries counted on the sockets and the
 *    policy; and one row per line of the failure-classification table of
 *    Documentation/ulp.rst (what is retried, what is not, and the errno).
 * Modelled on tools/testing/selftests/net/tls.c.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>

#include "kselftest_harness.h"
#include "dwcp_test.h"
#include "dwcp_stream.h"

#define SYSFS	"/sys/kernel/dwcp_res"

/* A number from a one-value file (-1 on error). */
static long long read_ll(const char *path)
{
	char buf[64];

	return dwcp_slurp(path, buf, sizeof(buf)) > 0 ? atoll(buf) : -1;
}

/* A policy's breaker state from sysfs ("closed", "open"...). */
static const char *breaker_state(const char *policy, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), SYSFS "/policies/%s/breaker", policy);
	if (dwcp_slurp(path, buf, len) <= 0)
		return "?";
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/* One field of /proc/meminfo, in bytes (-1 on error). */
static long long meminfo(const char *field)
{
	char buf[4096], pat[64];
	const char *p;

	/* A newline first, so that every field follows one. */
	buf[0] = '\n';
	if (dwcp_slurp("/proc/meminfo", buf + 1, sizeof(buf) - 1) <= 0)
		return -1;
	snprintf(pat, sizeof(pat), "\n%s:", field);
	p = strstr(buf, pat);
	return p ? atoll(p + strlen(pat)) * 1024 : -1;
}

/* The first "KEY": number of `resctl -j chaos show` (-1 if absent). */
static long long chaos_stat(const char *key)
{
	char cmd[256], out[16384], pat[64];
	const char *p;

	snprintf(cmd, sizeof(cmd), "%s/bin/resctl -j chaos show", dwcp_dir());
	if (dwcp_run(cmd, out, sizeof(out), NULL, 0))
		return -1;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(out, pat);
	return p ? atoll(p + strlen(pat)) : -1;
}

/* send() of one byte: 1, or -errno. */
static int send1(int fd, int flags)
{
	ssize_t n = send(fd, "x", 1, flags | MSG_NOSIGNAL);

	return n < 0 ? -errno : (int)n;
}

static void drain_fd(int fd)
{
	char buf[4096];

	while (recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

static void chaos_reset(void)
{
	dwcp_resctl("chaos clear");
	dwcp_resctl("chaos disable");
}

/* ---- peer scope ----------------------------------------------------------- */

/*
 * Two peers on one class: the "far" one (the fault's scope) and the "near"
 * one. IPv4: 127.0.0.2 and 127.0.0.1 (both loopback); IPv6: ::1, with the
 * near peer reached over IPv4.
 */
FIXTURE(peers)
{
	int far_tx, far_rx, near_tx, near_rx;
};

FIXTURE_VARIANT(peers)
{
	const char *far, *near, *scope;
};

FIXTURE_VARIANT_ADD(peers, v4)
{
	.far = "127.0.0.2", .near = "127.0.0.1", .scope = "127.0.0.2",
};

FIXTURE_VARIANT_ADD(peers, v4_prefix)
{
	.far = "127.0.0.2", .near = "127.0.0.1", .scope = "127.0.0.2/31",
};

FIXTURE_VARIANT_ADD(peers, v6)
{
	.far = "::1", .near = "127.0.0.1", .scope = "::1",
};

FIXTURE_SETUP(peers)
{
	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	ASSERT_EQ(0, dwcp_fresh_policy("kst_ch_peer",
				       "base sync rate-limit off failures 1000 retries 0"));
	if (tcp_pair_at(variant->far, true, &self->far_tx, &self->far_rx)) {
		self->near_tx = self->near_rx = -1;
		SKIP(return, "no %s: %s", variant->far, strerror(errno));
	}
	ASSERT_EQ(0, tcp_pair_at(variant->near, true, &self->near_tx, &self->near_rx));
	ASSERT_EQ(0, set_class(self->far_tx, DWCP_SO_CLASS, "kst_ch_peer"));
	ASSERT_EQ(0, set_class(self->near_tx, DWCP_SO_CLASS, "kst_ch_peer"));
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
}

FIXTURE_TEARDOWN(peers)
{
	int *fds[] = { &self->far_tx, &self->far_rx, &self->near_tx, &self->near_rx };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(fds); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	chaos_reset();
	dwcp_resctl("policy del kst_ch_peer");
}

/* An error fault on the far peer fails its sends only, every one of them. */
TEST_F(peers, error_hits_scoped_peer_only)
{
	struct dwcp_res_sock_stats far, near;
	int i;

	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_peer error probability 100%% value EPROTO peer %s",
				 variant->scope));
	for (i = 0; i < 10; i++) {
		EXPECT_EQ(-EPROTO, send1(self->far_tx, 0));
		EXPECT_EQ(1, send1(self->near_tx, 0));
	}
	ASSERT_EQ(0, get_stats(self->far_tx, &far));
	ASSERT_EQ(0, get_stats(self->near_tx, &near));
	EXPECT_EQ(10, far.send.rejected[DWCP_RES_REJECT_CHAOS]);
	EXPECT_EQ(0, near.send.rejected[DWCP_RES_REJECT_CHAOS]);
	EXPECT_EQ(10, near.send.bytes);
	EXPECT_EQ(0, far.send.bytes);
	/* The policy counts the far peer's calls only. */
	EXPECT_EQ(10, policy_stat("kst_ch_peer", "chaos"));
	EXPECT_EQ(10, chaos_stat("injections"));
	/* The same fault unscoped hits both. */
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_peer error probability 100%% value EPROTO"));
	EXPECT_EQ(-EPROTO, send1(self->far_tx, 0));
	EXPECT_EQ(-EPROTO, send1(self->near_tx, 0));
	/* Receives are another class (receive): never touched. */
	EXPECT_EQ(10, recv(self->near_rx, (char[16]){}, 16, 0));
}

/* ---- partitions ----------------------------------------------------------- */

/* Long enough for a slow guest (debug kernel, TCG, other guests beside). */
#define PART_MS		2500
#define OPEN_MS		1000

/*
 * A partition toward the far peer: its sends fail with EHOSTUNREACH until
 * the breaker opens (3 failures: ECONNREFUSED); the near peer is another
 * class and keeps working. After the partition and the breaker's open time
 * the far peer's sends go through again and the breaker closes.
 */
TEST_F_TIMEOUT(peers, partition_then_recovery, 60)
{
	long long active;
	char st[32];
	double t0;
	int i, rc;

	ASSERT_EQ(0, dwcp_fresh_policy("kst_ch_near", "base sync rate-limit off"));
	ASSERT_EQ(0, set_class(self->near_tx, DWCP_SO_CLASS, "kst_ch_near"));
	ASSERT_EQ(0, dwcp_resctl("policy set kst_ch_peer failures 3 open %dms probes 1",
				 OPEN_MS));
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_peer partition value %dms peer %s",
				 PART_MS, variant->scope));
	t0 = now_s();
	for (i = 0; i < 3; i++)
		EXPECT_EQ(-EHOSTUNREACH, send1(self->far_tx, 0));
	EXPECT_STREQ("open", breaker_state("kst_ch_peer", st, sizeof(st)));
	EXPECT_EQ(-ECONNREFUSED, send1(self->far_tx, 0));
	EXPECT_EQ(1, send1(self->near_tx, 0));
	EXPECT_EQ(3, policy_stat("kst_ch_peer", "chaos"));
	EXPECT_LE(3, policy_stat("kst_ch_peer", "failure"));
	/* Read before the partition could have ended: time is left. */
	active = chaos_stat("active_ns");
	if (now_s() - t0 < PART_MS / 1000.0)
		EXPECT_GT(active, 0);

	/* Still partitioned after the breaker's open time: fails again. */
	usleep(OPEN_MS * 1000 + 100000);
	if (now_s() - t0 < PART_MS / 1000.0 - 0.5) {
		EXPECT_EQ(-EHOSTUNREACH, send1(self->far_tx, 0));
		EXPECT_STREQ("open", breaker_state("kst_ch_peer", st, sizeof(st)));
	}
	/* Over: the half-open probe succeeds and closes the breaker. */
	while (now_s() - t0 < PART_MS / 1000.0 + OPEN_MS / 1000.0 + 0.1)
		usleep(50000);
	rc = send1(self->far_tx, 0);
	for (i = 0; rc != 1 && i < 20; i++) {
		usleep(OPEN_MS * 1000);
		rc = send1(self->far_tx, 0);
	}
	EXPECT_EQ(1, rc);
	EXPECT_STREQ("closed", breaker_state("kst_ch_peer", st, sizeof(st)));
	EXPECT_EQ(1, send1(self->far_tx, 0));
	EXPECT_EQ(0, chaos_stat("active_ns"));
	EXPECT_EQ(0, dwcp_resctl("policy del kst_ch_near"));
}

/* chaos clear (and chaos disable) end a long partition at once. */
TEST_F(peers, partition_ends_on_clear_and_disable)
{
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_peer partition value 60s peer %s",
				 variant->scope));
	EXPECT_EQ(-EHOSTUNREACH, send1(self->far_tx, 0));
	EXPECT_EQ(-EHOSTUNREACH, send1(self->far_tx, 0));
	EXPECT_EQ(1, send1(self->near_tx, 0));
	ASSERT_EQ(0, dwcp_resctl("chaos clear"));
	EXPECT_EQ(1, send1(self->far_tx, 0));

	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_peer partition value 60s peer %s",
				 variant->scope));
	EXPECT_EQ(-EHOSTUNREACH, send1(self->far_tx, 0));
	ASSERT_EQ(0, dwcp_resctl("chaos disable"));
	EXPECT_EQ(1, send1(self->far_tx, 0));
	/* Enabled again: the partition is not back (times 1 was used). */
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
	EXPECT_EQ(1, send1(self->far_tx, 0));
}

/* ---- CPU spikes ----------------------------------------------------------- */

#define SPIKE_MS	50
#define SPIKE_SLACK_MS	400	/* a loaded TCG guest, the debug kernel */

FIXTURE(spike)
{
	int tx, rx;
};

FIXTURE_VARIANT(spike)
{
	int family;
	int flags;
};

FIXTURE_VARIANT_ADD(spike, v4_blocking) { .family = AF_INET, .flags = 0 };
FIXTURE_VARIANT_ADD(spike, v4_nonblocking) { .family = AF_INET, .flags = MSG_DONTWAIT };
FIXTURE_VARIANT_ADD(spike, v6_blocking) { .family = AF_INET6, .flags = 0 };

FIXTURE_SETUP(spike)
{
	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	if (tcp_pair(variant->family, true, &self->tx, &self->rx))
		SKIP(return, "no loopback pair: %s", strerror(errno));
	ASSERT_EQ(0, dwcp_fresh_policy("kst_ch_spike", "base sync rate-limit off"));
	ASSERT_EQ(0, set_class(self->tx, DWCP_SO_CLASS, "kst_ch_spike"));
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
}

FIXTURE_TEARDOWN(spike)
{
	if (self->tx >= 0)
		close(self->tx);
	if (self->rx >= 0)
		close(self->rx);
	chaos_reset();
	dwcp_resctl("policy del kst_ch_spike");
}

TEST_F(spike, bounded_and_rate_limited)
{
	double t, worst = 0, best = 1e9;
	int i;

	/* Above the cap: refused (ERANGE), nothing armed. */
	EXPECT_EQ(1, dwcp_resctl("chaos inject kst_ch_spike cpu-spike value 101ms probability 100%%"));
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_spike cpu-spike value %dms probability 100%% times 3",
				 SPIKE_MS));
	for (i = 0; i < 3; i++) {
		t = now_s();
		EXPECT_EQ(1, send1(self->tx, variant->flags));
		t = (now_s() - t) * 1000;
		worst = t > worst ? t : worst;
		best = t < best ? t : best;
	}
	TH_LOG("3 spiked sends of %d ms: %.1f..%.1f ms", SPIKE_MS, best, worst);
	EXPECT_LE(SPIKE_MS, best);
	EXPECT_GT(DWCP_RES_CPU_SPIKE_MAX_NS / 1000000 + SPIKE_SLACK_MS, worst);
	/* times 3: used up; the next sends are not spiked. */
	for (i = 0; i < 5; i++)
		EXPECT_EQ(1, send1(self->tx, variant->flags));
	EXPECT_EQ(3, chaos_stat("injections"));
	drain_fd(self->rx);
}

/* ---- memory pressure ------------------------------------------------------ */

#define MEM_MB		32

FIXTURE(mem) {};

FIXTURE_SETUP(mem)
{
	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	ASSERT_EQ(0, dwcp_fresh_policy("kst_ch_mem", "base sync"));
	chaos_reset();
	ASSERT_EQ(0, read_ll(SYSFS "/chaos_mem_held_bytes"));
}

FIXTURE_TEARDOWN(mem)
{
	chaos_reset();
	dwcp_resctl("policy del kst_ch_mem");
}

/* Arm MEM_MB on kst_ch_mem (chaos enabled); MemFree must drop. */
static void mem_arm(struct __test_metadata *_metadata, long long *free_before)
{
	long long held;

	*free_before = meminfo("MemFree");
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_mem mem-pressure value %dM", MEM_MB));
	held = read_ll(SYSFS "/chaos_mem_held_bytes");
	EXPECT_EQ((long long)MEM_MB << 20, held);
	EXPECT_EQ((long long)MEM_MB << 20, chaos_stat("held_bytes"));
	/* Most of it left MemFree (other allocations come and go). */
	EXPECT_LT(meminfo("MemFree"), *free_before - ((long long)MEM_MB << 20) * 3 / 4);
}

static void mem_released(struct __test_metadata *_metadata, long long free_before)
{
	EXPECT_EQ(0, read_ll(SYSFS "/chaos_mem_held_bytes"));
	EXPECT_GT(meminfo("MemFree"), free_before - ((long long)MEM_MB << 20) / 4);
}

TEST_F_TIMEOUT(mem, held_then_released_on_clear_disable_delete, 180)
{
	long long before;

	/* Armed while chaos is off: nothing held until it is enabled. */
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_mem mem-pressure value %dM", MEM_MB));
	EXPECT_EQ(0, read_ll(SYSFS "/chaos_mem_held_bytes"));
	ASSERT_EQ(0, dwcp_resctl("chaos clear"));

	mem_arm(_metadata, &before);
	ASSERT_EQ(0, dwcp_resctl("chaos clear"));
	mem_released(_metadata, before);

	mem_arm(_metadata, &before);
	ASSERT_EQ(0, dwcp_resctl("chaos disable"));
	mem_released(_metadata, before);
	/* Still armed: enabling holds it again. */
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
	EXPECT_EQ((long long)MEM_MB << 20, read_ll(SYSFS "/chaos_mem_held_bytes"));
	ASSERT_EQ(0, dwcp_resctl("chaos clear"));

	mem_arm(_metadata, &before);
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_mem mem-pressure probability 0%%"));
	mem_released(_metadata, before);

	mem_arm(_metadata, &before);
	ASSERT_EQ(0, dwcp_resctl("policy del kst_ch_mem"));
	mem_released(_metadata, before);
}

/* Above a quarter of RAM: refused, nothing held. */
TEST_F(mem, capped_at_a_quarter_of_ram)
{
	long long total = meminfo("MemTotal");

	ASSERT_LT(0, total);
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
	EXPECT_EQ(1, dwcp_resctl("chaos inject kst_ch_mem mem-pressure value %lldk",
				 total / 1024 / 4 + 1024 * 1024));
	EXPECT_EQ(0, read_ll(SYSFS "/chaos_mem_held_bytes"));
}

/* A namespace that exits gives its memory back. */
TEST_F(mem, released_on_netns_exit)
{
	long long held = -1;
	pid_t pid;
	int st, i;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (unshare(CLONE_NEWNET))
			_exit(2);
		if (dwcp_resctl("chaos enable") ||
		    dwcp_resctl("chaos inject sync mem-pressure value %dM", MEM_MB))
			_exit(3);
		_exit(read_ll(SYSFS "/chaos_mem_held_bytes") == (long long)MEM_MB << 20 ? 0 : 4);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	ASSERT_EQ(0, WEXITSTATUS(st));
	/* The namespace is torn down by a work item after the last user. */
	for (i = 0; i < 100; i++) {
		held = read_ll(SYSFS "/chaos_mem_held_bytes");
		if (!held)
			break;
		usleep(100000);
	}
	EXPECT_EQ(0, held);
}

/*
 * Unloading the module gives the memory back (every namespace's policies
 * go on the way out); on the debug kernel kmemleak finds nothing after.
 */
/*
 * Two full kmemleak scans of a KASAN kernel under TCG, with three other
 * guests on the same two cores, took over 60 s in one make check: the
 * bound is for a hang, not for speed.
 */
TEST_F_TIMEOUT(mem, released_on_unload_kmemleak_clean, 240)
{
	const char *kml = "/sys/kernel/debug/kmemleak";
	char buf[4096];
	long long before;

	mem_arm(_metadata, &before);
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_mem partition value 60s peer 10.0.0.0/8"));
	ASSERT_EQ(0, dwcp_module_unload());
	EXPECT_GT(meminfo("MemFree"), before - ((long long)MEM_MB << 20) / 4);
	ASSERT_EQ(0, dwcp_module_load("chaos_allowed=1"));
	EXPECT_EQ(0, read_ll(SYSFS "/chaos_mem_held_bytes"));
	if (access(kml, W_OK)) {
		TH_LOG("no kmemleak in this kernel: memory checked, leaks not");
		return;
	}
	sleep(6);	/* kmemleak reports objects older than 5 s */
	ASSERT_EQ(0, system("echo scan > /sys/kernel/debug/kmemleak; "
			    "echo scan > /sys/kernel/debug/kmemleak"));
	EXPECT_EQ(0, dwcp_slurp(kml, buf, sizeof(buf)));
	if (buf[0])
		TH_LOG("kmemleak: %.600s", buf);
}

/* ---- retries: integrity ----------------------------------------------------- */

#define RETRY_LEN	(64ULL << 20)	/* a quarter on the debug kernel */

FIXTURE(retry_stream)
{
	int tx, rx;
};

FIXTURE_VARIANT(retry_stream)
{
	int family;
};

FIXTURE_VARIANT_ADD(retry_stream, v4) { .family = AF_INET };
FIXTURE_VARIANT_ADD(retry_stream, v6) { .family = AF_INET6 };

FIXTURE_SETUP(retry_stream)
{
	static const char *pol =
		"base sync rate-limit off concurrent 64 queue 64 failures 1000 "
		"retries 5 retry-base 1ms retry-cap 4ms";

	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	if (tcp_pair(variant->family, true, &self->tx, &self->rx))
		SKIP(return, "no loopback pair: %s", strerror(errno));
	ASSERT_EQ(0, dwcp_fresh_policy("kst_ch_rtx", pol));
	ASSERT_EQ(0, dwcp_fresh_policy("kst_ch_rrx", pol));
	ASSERT_EQ(0, set_class(self->tx, DWCP_SO_CLASS, "kst_ch_rtx"));
	ASSERT_EQ(0, set_class(self->rx, DWCP_SO_CLASS, "kst_ch_rrx"));
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
	/* Transient errors on 3 % of the sends and of the receives. */
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_rtx error probability 3%% value ENOBUFS seed 7"));
	ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_rrx error probability 3%% value ENOMEM seed 11"));
}

FIXTURE_TEARDOWN(retry_stream)
{
	if (self->tx >= 0)
		close(self->tx);
	if (self->rx >= 0)
		close(self->rx);
	chaos_reset();
	dwcp_resctl("policy del kst_ch_rtx");
	dwcp_resctl("policy del kst_ch_rrx");
}

static void retry_stream_run(struct __test_metadata *_metadata,
			     FIXTURE_DATA(retry_stream) *self, bool random_sizes)
{
	struct dwcp_res_sock_stats tx, rx;
	uint64_t writes, len = RETRY_LEN;
	double secs;

	/* KASAN, lockdep and kmemleak: the same paths with less volume. */
	if (!access("/sys/kernel/debug/kmemleak", F_OK))
		len /= 4;
	ASSERT_EQ(0, stream_check(self->tx, self->rx, len, random_sizes,
				  &secs, &writes));
	ASSERT_EQ(0, get_stats(self->tx, &tx));
	ASSERT_EQ(0, get_stats(self->rx, &rx));
	/* Every byte once: the counters agree with the stream. */
	EXPECT_EQ(len, tx.send.bytes);
	EXPECT_EQ(len, rx.recv.bytes);
	EXPECT_LT(0, tx.send_retries);
	EXPECT_LT(0, rx.recv_retries);
	EXPECT_EQ(tx.send_retries, tx.send.rejected[DWCP_RES_REJECT_CHAOS]);
	EXPECT_EQ(rx.recv_retries, rx.recv.rejected[DWCP_RES_REJECT_CHAOS]);
	EXPECT_EQ(tx.send_retries, policy_stat("kst_ch_rtx", "retried"));
	EXPECT_EQ(rx.recv_retries, policy_stat("kst_ch_rrx", "retried"));
	TH_LOG("%llu MiB in %.2f s, %llu sends, send retries %llu, recv retries %llu",
	       (unsigned long long)(len >> 20), secs, (unsigned long long)writes,
	       (unsigned long long)tx.send_retries, (unsigned long long)rx.recv_retries);
}

TEST_F_TIMEOUT(retry_stream, fixed_64k_writes, 240)
{
	retry_stream_run(_metadata, self, false);
}

TEST_F_TIMEOUT(retry_stream, random_write_sizes, 240)
{
	retry_stream_run(_metadata, self, true);
}

/* ---- retries: the classification table, one row each ------------------------ */

FIXTURE(retry_row)
{
	int tx, rx;
};

FIXTURE_VARIANT(retry_row)
{
	const char *fault;	/* chaos inject arguments after the policy */
	const char *policy;	/* policy set arguments, or NULL */
	int flags;		/* send flags */
	int ret;		/* 1, or -errno */
	int retries;		/* socket send retries */
};

/* Transient, injected: retried once, then the send goes through. */
FIXTURE_VARIANT_ADD(retry_row, enobufs_retried)
{
	.fault = "error value ENOBUFS probability 100% times 1", .ret = 1, .retries = 1,
};

FIXTURE_VARIANT_ADD(retry_row, enomem_retried)
{
	.fault = "error value ENOMEM probability 100% times 1", .ret = 1, .retries = 1,
};

/* Non-blocking: retried at once, without a backoff sleep. */
FIXTURE_VARIANT_ADD(retry_row, enobufs_nonblocking_retried)
{
	.fault = "error value ENOBUFS probability 100% times 1", .flags = MSG_DONTWAIT,
	.ret = 1, .retries = 1,
};

FIXTURE_VARIANT_ADD(retry_row, timeout_retried)
{
	.fault = "timeout value 5ms probability 100% times 1", .ret = 1, .retries = 1,
};

/* Never retried: broken pipe, reset, EAGAIN, EIO, partitions. */
FIXTURE_VARIANT_ADD(retry_row, epipe_not_retried)
{
	.fault = "error value EPIPE probability 100% times 1", .ret = -EPIPE,
};

FIXTURE_VARIANT_ADD(retry_row, econnreset_not_retried)
{
	.fault = "error value ECONNRESET probability 100% times 1", .ret = -ECONNRESET,
};

FIXTURE_VARIANT_ADD(retry_row, eagain_nonblocking_not_retried)
{
	.fault = "error value EAGAIN probability 100% times 1", .flags = MSG_DONTWAIT,
	.ret = -EAGAIN,
};

FIXTURE_VARIANT_ADD(retry_row, eio_not_retried)
{
	.fault = "error value EIO probability 100% times 1", .ret = -EIO,
};

FIXTURE_VARIANT_ADD(retry_row, partition_not_retried)
{
	.fault = "partition value 10s", .ret = -EHOSTUNREACH,
};

/* Used up: the policy's retries (3), then the error. */
FIXTURE_VARIANT_ADD(retry_row, enobufs_retries_used_up)
{
	.fault = "error value ENOBUFS probability 100%", .ret = -ENOBUFS, .retries = 3,
};

/* No retries configured: none. */
FIXTURE_VARIANT_ADD(retry_row, retries_off)
{
	.fault = "error value ENOBUFS probability 100% times 1", .policy = "retries 0",
	.ret = -ENOBUFS,
};

/* A rejection (rate limit: EAGAIN on a socket) is never retried. */
FIXTURE_VARIANT_ADD(retry_row, rate_rejection_not_retried)
{
	.policy = "rate-limit on adaptive off rate 1/s burst 1", .flags = MSG_DONTWAIT,
	.ret = -EAGAIN,
};

/* The hang used up the socket's timeout (50 ms): no time left to retry. */
FIXTURE_VARIANT_ADD(retry_row, timeout_past_deadline_not_retried)
{
	.fault = "timeout value 200ms probability 100% times 1", .ret = -ETIMEDOUT,
};

FIXTURE_SETUP(retry_row)
{
	struct timeval tv = { .tv_usec = 50000 };

	ASSERT_EQ(0, dwcp_module_ensure("chaos_allowed=1", "Y"));
	ASSERT_EQ(0, tcp_pair(AF_INET, true, &self->tx, &self->rx));
	ASSERT_EQ(0, dwcp_fresh_policy("kst_ch_row",
				       "base sync rate-limit off failures 1000 retries 3 "
				       "retry-base 1ms retry-cap 2ms"));
	if (variant->policy)
		ASSERT_EQ(0, dwcp_resctl("policy set kst_ch_row %s", variant->policy));
	ASSERT_EQ(0, set_class(self->tx, DWCP_SO_CLASS, "kst_ch_row"));
	ASSERT_EQ(0, setsockopt(self->tx, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, dwcp_resctl("chaos enable"));
	if (variant->fault)
		ASSERT_EQ(0, dwcp_resctl("chaos inject kst_ch_row %s", variant->fault));
}

FIXTURE_TEARDOWN(retry_row)
{
	close(self->tx);
	close(self->rx);
	chaos_reset();
	dwcp_resctl("policy del kst_ch_row");
}

TEST_F(retry_row, errno_and_retries)
{
	struct dwcp_res_sock_stats st;
	char c;

	/* The rate-limit row spends its one token first. */
	if (!variant->fault)
		ASSERT_EQ(1, send1(self->tx, variant->flags));
	EXPECT_EQ(variant->ret, send1(self->tx, variant->flags));
	ASSERT_EQ(0, get_stats(self->tx, &st));
	EXPECT_EQ(variant->retries, st.send_retries);
	EXPECT_EQ(variant->retries, policy_stat("kst_ch_row", "retried"));
	/* Exactly the bytes of the calls that succeeded arrived, once each. */
	EXPECT_EQ(variant->ret == 1 || !variant->fault ? 1 : 0, st.send.bytes);
	if (st.send.bytes == 1) {
		EXPECT_EQ(1, recv(self->rx, &c, 1, 0));
	}
	EXPECT_EQ(-1, recv(self->rx, &c, 1, MSG_DONTWAIT));
}

TEST_HARNESS_MAIN
