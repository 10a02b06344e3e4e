// SPDX-License-Identifier: GPL-2.0
/*
 * Host benchmark of the pure core (every kmod/core .c file built for the
 * host through compat.h -> selftests/host/host_compat.h, -O2, no
 * sanitizers, one object per core file and no LTO, as in the module).
 * Run it with `make bench` (scripts/bench.sh), which adds the callgrind
 * figures.
 *
 * Output: one line per figure, `BENCH <name> <value> <unit>`; lines starting
 * with '#' are comments. Every ns figure is the MEDIAN over REPS runs (11 by
 * default) of OPS operations each (1M by default), wall clock
 * (CLOCK_MONOTONIC) divided by the operations of one run. Nothing is pinned.
 *
 * The policy under test: dwcp_pipe_config_profile("send") (breaker, error
 * budget, adaptive timeout, adaptive rate limiter + token bucket, bulkhead,
 * chaos off), with limits so generous that nothing ever rejects: the adaptive
 * rate (and so the bucket) is 1e9 calls/s with a burst of 1 s of rate, the
 * bulkhead holds 1M calls. One "op" is dwcp_pipe_admit() (len 1500, level
 * NORMAL, no wait, no chaos) then dwcp_pipe_complete(SUCCESS) 800 ns later;
 * the next op is 1 us later. Time is a counter (the core takes `now` as an
 * argument); it keeps advancing across runs, so the adaptive controller and
 * the budget roll their windows (once per simulated second = per 1M ops) as
 * they would in service. Any rejection aborts the benchmark.
 *
 * Figures:
 *   atomic_1t         baseline: __atomic_fetch_add(seq_cst) on a shared u64,
 *                     one thread, ns/op
 *   atomic_2t         the same u64 hammered by two threads, ns per op of one
 *                     thread (wall / ops per thread); contention reference
 *   tb_admit          baseline: dwcp_tb_admit() on a 1e9/s bucket that always
 *                     admits, ns/op
 *   pipe_1t           admit+complete, one thread, no lock, ns/op
 *   pipe_1t_locked    the same inside an uncontended pthread spinlock (the
 *                     kernel holds a per-policy spinlock around each call)
 *   pipe_2t_1pol      two threads on ONE policy, one spinlock around each
 *                     admit and each complete: ns per op as seen by a thread
 *                     (wall / ops per thread); *_mops is the aggregate
 *                     throughput in M ops/s
 *   pipe_2t_2pol      two threads, each on its OWN policy with its own lock
 *                     (cache-line separated): same units
 *   ratio_pipeline_vs_atomic / _vs_tb    pipe_1t / atomic_1t, pipe_1t / tb_admit
 *   state_size_*      sizeof() of the policy state and each primitive, bytes
 *   fastpath_allocations  malloc/calloc/realloc/aligned_alloc/posix_memalign
 *                     calls made by the program's own objects (core + bench)
 *                     during the timed single-thread loops (atomic_1t,
 *                     tb_admit, pipe_1t, pipe_1t_locked: REPS x OPS each).
 *                     The binary is linked with -Wl,--wrap=... so every such
 *                     call goes through a counting wrapper; alloc_counter_selftest shows the
 *                     counter sees one malloc done on purpose outside the loop.
 *
 * `bench_core ir N` only sets up the policy and runs N ops of pipe_1t's loop:
 * scripts/bench.sh runs it under callgrind for the instruction figures.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/pipeline.h"
#include "core/degrade.h"

#define DEF_REPS	11
#define DEF_OPS		1000000UL
#define STEP_NS		1000ULL		/* between two ops */
/* admit -> complete; >= 512 ns so latencies land in a real histogram bucket */
#define LATENCY_NS	800ULL
#define CALL_LEN	1500U

/* ---- allocation counter (linker --wrap) ---- */

static unsigned long alloc_calls;

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t s);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
int __real_posix_memalign(void **p, size_t a, size_t n);

void *__wrap_malloc(size_t n)
{
	__atomic_fetch_add(&alloc_calls, 1, __ATOMIC_RELAXED);
	return __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t s)
{
	__atomic_fetch_add(&alloc_calls, 1, __ATOMIC_RELAXED);
	return __real_calloc(n, s);
}

void *__wrap_realloc(void *p, size_t n)
{
	__atomic_fetch_add(&alloc_calls, 1, __ATOMIC_RELAXED);
	return __real_realloc(p, n);
}

void *__wrap_aligned_alloc(size_t a, size_t n)
{
	__atomic_fetch_add(&alloc_calls, 1, __ATOMIC_RELAXED);
	return __real_aligned_alloc(a, n);
}

int __wrap_posix_memalign(void **p, size_t a, size_t n)
{
	__atomic_fetch_add(&alloc_calls, 1, __ATOMIC_RELAXED);
	return __real_posix_memalign(p, a, n);
}

static unsigned long allocs(void)
{
	return __atomic_load_n(&alloc_calls, __ATOMIC_RELAXED);
}

/* ---- helpers ---- */

static u64 clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + (u64)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_core: %s: %s\n", what, why ? why : "?");
	exit(1);
}

/* One policy with its lock and its clock, alone on its cache lines. */
struct policy {
	pthread_spinlock_t lock;
	u64 now;
	u64 rejects;
	struct dwcp_pipe pipe;
} __attribute__((aligned(64)));

static struct policy pols[2];

static void policy_init(struct policy *pol)
{
	struct dwcp_pipe_config cfg;
	const char *why = NULL;
	int err;

	err = dwcp_pipe_config_profile(&cfg, DWCP_RES_CLASS_SEND);
	if (err)
		die("profile send", "missing");
	/* Generous: 1e9 calls/s, burst 1 s of rate, 1M concurrent calls. */
	cfg.adaptive.max_rate = DWCP_ADAPTIVE_RATE_LIMIT;
	cfg.adaptive.initial_rate = DWCP_ADAPTIVE_RATE_LIMIT;
	cfg.rate.rate = DWCP_ADAPTIVE_RATE_LIMIT / DWCP_MCPS_PER_CPS;
	cfg.rate.burst = (u32)dwcp_adaptive_burst_for(cfg.adaptive.initial_rate,
						      cfg.adaptive.burst_ns);
	cfg.bulkhead.max_concurrent = 1000000;
	memset(pol, 0, sizeof(*pol));
	pol->now = 1000000000ULL;
	err = dwcp_pipe_init(&pol->pipe, &cfg, pol->now, &why);
	if (err)
		die("dwcp_pipe_init", why);
	if (pthread_spin_init(&pol->lock, PTHREAD_PROCESS_PRIVATE))
		die("pthread_spin_init", "failed");
}

/* One op, the caller holds whatever lock applies. */
static inline void pipe_op(struct policy *pol)
{
	struct dwcp_pipe_ticket t;
	u64 now = pol->now;

	if (dwcp_pipe_admit(&pol->pipe, &t, now, CALL_LEN,
			    DWCP_RES_LEVEL_NORMAL, 0, 0) == DWCP_PIPE_ADMIT)
		dwcp_pipe_complete(&pol->pipe, &t, now + LATENCY_NS,
				   DWCP_RES_RESULT_SUCCESS, false);
	else
		pol->rejects++;
	pol->now = now + STEP_NS;
}

static __attribute__((noinline)) void run_pipe_1t(struct policy *pol,
						  unsigned long ops)
{
	unsigned long i;

	for (i = 0; i < ops; i++)
		pipe_op(pol);
}

/*
 * Locked: admit and complete each take the lock, as the kernel does (the
 * call itself runs unlocked). The clock is read under the lock, so time on a
 * shared policy stays monotonic whichever thread comes next.
 */
static void run_pipe_locked(struct policy *pol, unsigned long ops)
{
	unsigned long i;

	for (i = 0; i < ops; i++) {
		struct dwcp_pipe_ticket t;
		enum dwcp_pipe_verdict v;
		u64 now;

		pthread_spin_lock(&pol->lock);
		now = pol->now;
		pol->now = now + STEP_NS;
		v = dwcp_pipe_admit(&pol->pipe, &t, now, CALL_LEN,
				    DWCP_RES_LEVEL_NORMAL, 0, 0);
		if (v != DWCP_PIPE_ADMIT)
			pol->rejects++;
		pthread_spin_unlock(&pol->lock);
		if (v != DWCP_PIPE_ADMIT)
			continue;
		pthread_spin_lock(&pol->lock);
		dwcp_pipe_complete(&pol->pipe, &t, pol->now,
				   DWCP_RES_RESULT_SUCCESS, false);
		pthread_spin_unlock(&pol->lock);
	}
}

static u64 shared_counter __attribute__((aligned(64)));

static __attribute__((noinline)) void run_atomic(unsigned long ops)
{
	unsigned long i;

	for (i = 0; i < ops; i++)
		__atomic_fetch_add(&shared_counter, 1, __ATOMIC_SEQ_CST);
}

static struct dwcp_tb tb_bucket __attribute__((aligned(64)));

static __attribute__((noinline)) unsigned long run_tb(unsigned long ops,
						      u64 *now)
{
	unsigned long i, rej = 0;
	u64 t = *now;

	for (i = 0; i < ops; i++, t += STEP_NS)
		rej += !dwcp_tb_admit(&tb_bucket, t, CALL_LEN);
	*now = t;
	return rej;
}

/* ---- two threads ---- */

enum kind { K_ATOMIC, K_PIPE_LOCKED };

struct worker {
	pthread_t tid;
	enum kind kind;
	struct policy *pol;
	unsigned long ops;
	pthread_barrier_t *bar;
	u64 start, end;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(w->bar);
	w->start = clock_ns();
	if (w->kind == K_ATOMIC)
		run_atomic(w->ops);
	else
		run_pipe_locked(w->pol, w->ops);
	w->end = clock_ns();
	return NULL;
}

/* Wall time (first start to last end) of two threads, ns per op per thread. */
static double run_2t(enum kind kind, struct policy *a, struct policy *b,
		     unsigned long ops)
{
	struct worker w[2] = {
		{ .kind = kind, .pol = a, .ops = ops },
		{ .kind = kind, .pol = b, .ops = ops },
	};
	pthread_barrier_t bar;
	int i;

	pthread_barrier_init(&bar, NULL, 2);
	for (i = 0; i < 2; i++) {
		w[i].bar = &bar;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]))
			die("pthread_create", "failed");
	}
	for (i = 0; i < 2; i++)
		pthread_join(w[i].tid, NULL);
	pthread_barrier_destroy(&bar);
	return (double)(max(w[0].end, w[1].end) - min(w[0].start, w[1].start)) / ops;
}

static void figure(const char *name, double v, const char *unit)
{
	printf("BENCH %s %.2f %s\n", name, v, unit);
}

static void sizes(void)
{
#define SZ(name, type) printf("BENCH state_size_%s %zu bytes\n", name, sizeof(type))
	SZ("pipe", struct dwcp_pipe);
	SZ("breaker", struct dwcp_breaker);
	SZ("tb", struct dwcp_tb);
	SZ("bulkhead", struct dwcp_bh);
	SZ("retry_budget", struct dwcp_retry_budget);
	SZ("retry_config", struct dwcp_retry_config);
	SZ("adaptive", struct dwcp_adaptive);
	SZ("hist", struct dwcp_hist);
	SZ("timeout", struct dwcp_timeout);
	SZ("budget", struct dwcp_budget);
	SZ("chaos", struct dwcp_chaos);
	SZ("degrade", struct dwcp_degrade);	/* global, not per policy */
	SZ("pipe_ticket", struct dwcp_pipe_ticket);
	SZ("pipe_config", struct dwcp_pipe_config);
#undef SZ
}

int main(int argc, char **argv)
{
	unsigned long ops = DEF_OPS, a0, a1, self0;
	double atomic_1t[64], atomic_2t[64], tb[64], p1[64], p1l[64];
	double p2one[64], p2two[64];
	double m_atomic, m_tb, m_p1;
	int reps = DEF_REPS, r;
	static void *volatile keep;
	struct dwcp_tb_config tbc = {
		.rate = DWCP_ADAPTIVE_RATE_LIMIT / DWCP_MCPS_PER_CPS,
		.burst = 1000000000U,
	};
	const char *why = NULL;
	u64 t0, tb_now = 1000000000ULL;

	if (argc == 3 && !strcmp(argv[1], "ir")) {
		/* callgrind mode: set up, then exactly N ops, nothing else. */
		policy_init(&pols[0]);
		run_pipe_1t(&pols[0], strtoul(argv[2], NULL, 0));
		return pols[0].rejects ? 1 : 0;
	}
	if (argc >= 2)
		reps = atoi(argv[1]);
	if (argc >= 3)
		ops = strtoul(argv[2], NULL, 0);
	if (reps < 1 || reps > 64 || !ops)
		die("usage", "bench_core [reps<=64 [ops]] | bench_core ir N");

	printf("# dwcp_res core benchmark: median of %d runs x %lu ops, ns/op\n",
	       reps, ops);
	policy_init(&pols[0]);
	policy_init(&pols[1]);
	if (dwcp_tb_init(&tb_bucket, &tbc, tb_now, &why))
		die("dwcp_tb_init", why);

	/* The allocation counter works: one deliberate malloc. */
	self0 = allocs();
	keep = malloc(16);
	printf("BENCH alloc_counter_selftest %lu count\n", allocs() - self0);
	free(keep);

	/* Warm-up (page faults, frequency). */
	run_atomic(ops);
	run_pipe_1t(&pols[0], ops);
	if (run_tb(ops, &tb_now))
		die("tb_admit", "the bucket rejected");

	a0 = allocs();
	for (r = 0; r < reps; r++) {
		t0 = clock_ns();
		run_atomic(ops);
		atomic_1t[r] = (double)(clock_ns() - t0) / ops;

		t0 = clock_ns();
		if (run_tb(ops, &tb_now))
			die("tb_admit", "the bucket rejected");
		tb[r] = (double)(clock_ns() - t0) / ops;

		t0 = clock_ns();
		run_pipe_1t(&pols[0], ops);
		p1[r] = (double)(clock_ns() - t0) / ops;

		t0 = clock_ns();
		run_pipe_locked(&pols[0], ops);
		p1l[r] = (double)(clock_ns() - t0) / ops;
	}
	a1 = allocs();
	for (r = 0; r < reps; r++) {
		atomic_2t[r] = run_2t(K_ATOMIC, NULL, NULL, ops);
		p2one[r] = run_2t(K_PIPE_LOCKED, &pols[0], &pols[0], ops);
		p2two[r] = run_2t(K_PIPE_LOCKED, &pols[0], &pols[1], ops);
	}
	if (pols[0].rejects || pols[1].rejects)
		die("pipeline", "a call was rejected: limits not generous enough");

	m_atomic = median(atomic_1t, reps);
	m_tb = median(tb, reps);
	m_p1 = median(p1, reps);
	figure("atomic_1t", m_atomic, "ns/op");
	figure("atomic_2t", median(atomic_2t, reps), "ns/op");
	figure("tb_admit", m_tb, "ns/op");
	figure("pipe_1t", m_p1, "ns/op");
	figure("pipe_1t_min", p1[0], "ns/op");	/* sorted by median() */
	figure("pipe_1t_max", p1[reps - 1], "ns/op");
	figure("pipe_1t_locked", median(p1l, reps), "ns/op");
	{
		double m1 = median(p2one, reps), m2 = median(p2two, reps);

		figure("pipe_2t_1pol", m1, "ns/op");
		figure("pipe_2t_1pol_mops", 2e3 / m1, "Mops/s");
		figure("pipe_2t_2pol", m2, "ns/op");
		figure("pipe_2t_2pol_mops", 2e3 / m2, "Mops/s");
	}
	figure("ratio_pipeline_vs_atomic", m_p1 / m_atomic, "x");
	figure("ratio_pipeline_vs_tb", m_p1 / m_tb, "x");
	sizes();
	printf("BENCH fastpath_allocations %lu count\n", a1 - a0);
	printf("BENCH pipe_rejects %llu count\n",
	       (unsigned long long)(pols[0].rejects + pols[1].rejects));
	return 0;
}
