/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the files of the dwcp_res kernel shell.
 */
#ifndef _DWCP_RES_H
#define _DWCP_RES_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>
#include <linux/percpu-refcount.h>
#include <linux/spinlock.h>
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/dwcp_res.h>

#include "compat.h"

#include "core/degrade.h"
#include "core/engine.h"
#include "core/health.h"

/*
 * The deadline of a call that may wait @timeo jiffies from @now (ns), or
 * U64_MAX for MAX_SCHEDULE_TIMEOUT. jiffies_to_nsecs() goes through 32-bit
 * microseconds and wraps after 4295 s: a long SO_SNDTIMEO became a
 * deadline of milliseconds. Saturates instead of wrapping.
 */
static inline u64 dwcp_res_deadline(u64 now, long timeo)
{
	u64 ns;

	if (timeo == MAX_SCHEDULE_TIMEOUT)
		return U64_MAX;
	if ((u64)timeo > U64_MAX / (NSEC_PER_SEC / HZ))
		return U64_MAX;
	ns = jiffies64_to_nsecs((u64)timeo);
	return ns > U64_MAX - now ? U64_MAX : now + ns;
}

/*
 * The lock-free path's per-CPU part (pipeline.c): latencies of the calls it
 * timed, how many of its successes went untimed, and the tick that picks
 * the calls to time. Written by the owning CPU only.
 */
struct dwcp_res_pcpu_fast {
	struct dwcp_hist lat;
	u64 untimed;
	u32 tick;
};

/* Per-CPU counters of one policy, written under the policy lock. */
struct dwcp_res_pcpu_stats {
	u64_stats_t admitted;
	u64_stats_t completed;
	u64_stats_t waited;
	u64_stats_t results[__DWCP_RES_RESULT_MAX];
	u64_stats_t rejected[__DWCP_RES_REJECT_MAX];
	u64_stats_t shadow[__DWCP_RES_REJECT_MAX];	/* let through */
	u64_stats_t retries;
	u64_stats_t retry_succeeded;	/* retried attempts that worked */
	u64_stats_t retry_exhausted;	/* refused: attempts or time used up */
	u64_stats_t retry_budget_refused;	/* refused by the retry budget */
	struct u64_stats_sync syncp;
};

/*
 * Memory held by a policy's memory-pressure fault: chunks of pages linked
 * through page->lru, each chunk's order in page_private(). Under the
 * namespace's cfg_lock; @bytes is also read locklessly (READ_ONCE).
 */
struct dwcp_res_mem_hold {
	struct list_head chunks;
	u64 bytes;
	bool dead;			/* policy unlinked: never hold again */
};

/*
 * A named policy. Lifetime: the namespace's list holds one reference, every
 * socket or in-kernel user holds one more, and so does every call in
 * flight on a socket (a class may change under it); the object is freed
 * after an RCU grace period once the last is dropped. @ref is a percpu_ref:
 * the per-call get and put are a per-CPU add, not an atomic on a cache line
 * that every CPU sending on the class would bounce. Unlisting the policy
 * kills it (atomic mode from then on: only sockets still bound to a deleted
 * policy pay for that).
 *
 * Locking:
 *  - @lock (a BH-safe spinlock, one per policy, never global) serialises the
 *    pipeline core state @pipe and the bulkhead's wait list @waiters; it is
 *    the only lock a call may take, and a quiet policy's calls skip it.
 *  - @cfg is the current configuration, published with RCU: readers (dumps,
 *    sysfs) take rcu_read_lock(); writers hold the namespace's config mutex,
 *    apply the new config to @pipe under @lock (keeping its state) and then
 *    swap the pointer.
 *  - @stats are per-CPU, updated under @lock, summed without it.
 *  - The lock-free path (pipeline.c; Documentation/ulp.rst): while
 *    dwcp_pipe_fast_ok() holds, calls take a bulkhead slot from @fast and
 *    record a successful completion in @fast_pcpu only. Whoever takes @lock
 *    folds that into @pipe and @stats first (dwcp_res_policy_lock()), and
 *    republishes @fast_epoch and a new @fast_gen on the way out
 *    (dwcp_res_policy_unlock()).
 */
struct dwcp_res_policy {
	struct list_head node;		/* dwcp_net.policies, RCU */
	struct percpu_ref ref;
	struct rcu_head rcu;
	char name[DWCP_RES_NAME_MAX];
	struct dwcp_pipe_config __rcu *cfg;
	struct dwcp_res_pcpu_stats __percpu *stats;
	struct dwcp_hist __percpu *latency;	/* lifetime latencies */
	struct dwcp_net *dn;
	struct kobject *sysfs;		/* initial namespace only; cfg_lock */
	struct dwcp_res_mem_hold mem;	/* chaos memory pressure; cfg_lock */

	spinlock_t lock;		/* @waiters and @pipe */
	struct list_head waiters;	/* struct dwcp_res_waiter, FIFO */
	struct dwcp_pipe pipe;
	/* The reject event's rate limit (events.h), under @lock. */
	unsigned long ev_reject_next;	/* jiffies: no reject event before */
	u64 ev_rejects;			/* rejections since the last event */

	/*
	 * The lock-free path. Read-mostly, written under @lock: @fast_epoch is
	 * the breaker's epoch while the pipe is quiet, 0 while calls must take
	 * the lock (@fast_epoch_stream: the same for stream calls, which an
	 * adaptive rate does not limit); @fast_limit and @fast_slow_ns are the bulkhead's limit and
	 * the breaker's slow-call threshold (U64_MAX: none) for it.
	 */
	u32 fast_epoch;
	u32 fast_epoch_stream;		/* the same for stream calls */
	/*
	 * What the lock-free admission re-checks: 0 while a locked admission
	 * runs, a new value at every unlock (@fast_gen_seq, under @lock). The
	 * epochs above repeat across a locked section, so a re-check of them
	 * cannot see that one ran in between (an ABA).
	 */
	u32 fast_gen;
	u32 fast_gen_seq;
	u32 fast_limit;
	u64 fast_slow_ns;
	struct dwcp_res_pcpu_fast __percpu *fast_pcpu;
	/* Written by every CPU: low 32 bits slots held, high 32 slots given back. */
	atomic64_t fast ____cacheline_aligned_in_smp;
	u32 fast_peak;			/* most slots seen held, racy max */
	/* What the folds took in, under @lock. */
	u64 lockfree;			/* calls admitted without the lock, ended */
	u32 fold_released;
	u64 fold_untimed;		/* @fast_pcpu untimed, summed */
	struct dwcp_hist *fold_prev;	/* @fast_pcpu latencies, summed */
	struct dwcp_hist *fold_cur;	/* scratch for the next one */

	/*
	 * Non-blocking sockets told EAGAIN for want of a bulkhead slot wait
	 * here (ulp.c), not in @waiters: whoever gives a slot back wakes them
	 * so that poll reports the socket ready again. Read-mostly.
	 */
	wait_queue_head_t slot_wq;

	atomic64_t transport_errors ____cacheline_aligned_in_smp;
	/* The engine's view (engine.c), under the namespace's cfg_lock. */
	struct dwcp_engine_policy eng;
	struct dwcp_hist *eng_hist;	/* lifetime latencies when last judged */
	u64 eng_completed;		/* completions at the last tick */
	u64 eng_pending;		/* latencies since @eng_hist, not judged */
};

/*
 * A health check (engine.c): built-in or a user's threshold check. Lives
 * on dwcp_net.checks; everything in it is under the namespace's cfg_lock.
 */
struct dwcp_res_check {
	struct list_head node;
	char name[DWCP_RES_NAME_MAX];
	char policy[DWCP_RES_NAME_MAX];	/* "" = the whole namespace */
	u32 metric;			/* enum dwcp_res_metric */
	s64 min;			/* healthy while min <= value <= max */
	s64 max;
	u32 level;			/* asked for while unhealthy */
	bool enabled;
	bool builtin;			/* cannot be deleted */
	s64 value;			/* last measured */
	struct dwcp_health_config hcfg;
	struct dwcp_health h;
};

/* Per network namespace state. */
struct dwcp_net {
	struct net *net;		/* the namespace this belongs to */
	struct mutex cfg_lock;		/* serialises every writer */
	struct list_head policies;	/* RCU readers, writers under cfg_lock */
	unsigned int npolicies;
	unsigned int generation;	/* bumped on add/del, for dump consistency */
	u32 level;			/* enum dwcp_res_level, READ_ONCE */
	bool chaos_enabled;		/* READ_ONCE; needs chaos_allowed */
	/*
	 * Bumped (under cfg_lock) when chaos is disabled or cleared; the
	 * calls sleeping in a latency or timeout fault wait on @chaos_wq and
	 * wake up when it moves, so no fault outlives its clearing.
	 */
	unsigned int chaos_gen;
	wait_queue_head_t chaos_wq;
	/*
	 * The level's controller (degrade.c), under cfg_lock; @level is its
	 * published copy. The work ends holds and steps the level down.
	 */
	struct dwcp_degrade degrade;
	struct delayed_work degrade_work;
	/*
	 * The engine (engine.c), under cfg_lock: system budget, error-rate
	 * windows, health checks; its work ticks every engine.cfg.tick_ns.
	 */
	struct dwcp_engine engine;
	struct delayed_work engine_work;
	bool engine_stopping;		/* netns exit: do not re-arm */
	struct list_head checks;	/* struct dwcp_res_check */
	unsigned int nchecks;
};

/*
 * Test builds only (the debug kernel has KUnit; Debian's has not): points
 * where kmod/tests widen a race window on purpose. Compiled out of the
 * production module.
 */
#if IS_ENABLED(CONFIG_KUNIT)
typedef void (*dwcp_res_test_hook_t)(struct dwcp_res_policy *p);
/* After a reconfiguration granted bulkhead slots, outside the policy lock. */
extern dwcp_res_test_hook_t dwcp_res_test_after_grant;
typedef void (*dwcp_res_test_sock_hook_t)(struct sock *sk);
/* In the ULP's .init of a listener, once it is published, before .init returns. */
extern dwcp_res_test_sock_hook_t dwcp_res_test_listener_init;
/* In the lock-free admission: after it read the generation, before it counts. */
extern dwcp_res_test_hook_t dwcp_res_test_fast_read;
/* In the lock-free admission: after it counted the slots held, before its re-check. */
extern dwcp_res_test_hook_t dwcp_res_test_fast_counted;
/* In a locked admission, once the lock-free slots are counted (p->lock held). */
extern dwcp_res_test_hook_t dwcp_res_test_locked_fold;
#define DWCP_RES_TEST_HOOK(name, ...) do {				\
	typeof(dwcp_res_test_##name) __h = READ_ONCE(dwcp_res_test_##name);	\
	if (__h)							\
		__h(__VA_ARGS__);					\
} while (0)
#else
#define DWCP_RES_TEST_HOOK(name, ...) do { } while (0)
#endif

/* End the sleeps of latency and timeout faults (chaos.c). Under cfg_lock. */
void dwcp_res_chaos_wake(struct dwcp_net *dn);

/*
 * The core explains a rejected configuration with a static string; hand it
 * to the extended ack as NL_SET_ERR_MSG() would (it only takes literals).
 */
static inline void dwcp_res_extack(struct netlink_ext_ack *extack,
				   const char *why)
{
	if (extack && why)
		extack->_msg = why;
}

/* main.c */
extern bool dwcp_res_chaos_allowed;

/* chaos.c */
void dwcp_res_chaos_policy_init(struct dwcp_res_policy *p);
void dwcp_res_chaos_policy_unlink(struct dwcp_res_policy *p);
u64 dwcp_res_chaos_mem_held(void);
u64 dwcp_res_features(void);

/* policy.c */
int dwcp_res_policy_init(void);
void dwcp_res_policy_exit(void);
struct dwcp_net *dwcp_net(const struct net *net);

int dwcp_res_breaker_action(struct dwcp_res_policy *p, u32 action);
bool dwcp_res_name_valid(const char *name, bool check, struct netlink_ext_ack *extack);
struct dwcp_res_policy *dwcp_res_policy_find(struct dwcp_net *dn, const char *name);
/* The lifetime latency histogram: the per-CPU ones, locked and lock-free, summed into @h. */
void dwcp_res_policy_latency(struct dwcp_res_policy *p, struct dwcp_hist *h);
/* Validate an add (@create) or a set of @name without applying it. */
int dwcp_res_policy_check(struct net *net, const char *name,
			  const struct dwcp_pipe_config *cfg, bool create,
			  struct netlink_ext_ack *extack);

/* degrade.c */
void dwcp_res_degrade_net_init(struct dwcp_net *dn);
void dwcp_res_degrade_net_exit(struct dwcp_net *dn);
int dwcp_res_policy_apply(struct dwcp_res_policy *p,
			  const struct dwcp_pipe_config *cfg, u32 level,
			  const char **why);
void dwcp_res_degrade_tick_locked(struct dwcp_net *dn, u64 now);

/* engine.c */
int dwcp_res_engine_net_init(struct dwcp_net *dn);
void dwcp_res_engine_net_start(struct dwcp_net *dn);
void dwcp_res_engine_net_exit(struct dwcp_net *dn);
int dwcp_res_engine_policy_init(struct dwcp_net *dn, struct dwcp_res_policy *p);
int dwcp_res_engine_set(struct dwcp_net *dn, const struct dwcp_engine_config *ec,
			const struct dwcp_degrade_config *dc, bool dry_run,
			struct netlink_ext_ack *extack);
void dwcp_res_engine_get(struct dwcp_net *dn, struct dwcp_engine_config *ec,
			 struct dwcp_degrade_config *dc);
struct dwcp_res_check *dwcp_res_check_find(struct dwcp_net *dn, const char *name);
void dwcp_res_check_template(struct dwcp_res_check *c, const char *name);
int dwcp_res_check_add(struct dwcp_net *dn, const struct dwcp_res_check *tmpl,
		       bool dry_run, struct netlink_ext_ack *extack);
int dwcp_res_check_update(struct dwcp_net *dn, struct dwcp_res_check *c,
			  const struct dwcp_res_check *upd, bool dry_run,
			  struct netlink_ext_ack *extack);
void dwcp_res_check_del(struct dwcp_net *dn, struct dwcp_res_check *c);

/* pipeline.c */
/*
 * Could a call take a bulkhead slot now, without waiting? A racy hint for
 * the ULP's readiness; the caller orders it after its own publication.
 */
bool dwcp_res_slot_free(struct dwcp_res_policy *p);
/* Wake the sockets waiting for a slot of @p (after one was given back). */
void dwcp_res_slot_wake(struct dwcp_res_policy *p);
/* Hand @n granted bulkhead slots to the head waiters; @p->lock held. */
void dwcp_res_policy_wake_granted_locked(struct dwcp_res_policy *p, int n);
/*
 * Take and drop @p->lock around anything that reads or changes @p->pipe:
 * taking it folds in what the lock-free path did, dropping it decides
 * whether that path may run (dwcp_pipe_fast_ok()) until the next time.
 */
void dwcp_res_policy_lock(struct dwcp_res_policy *p) dwcp_acquires(&p->lock);
void dwcp_res_policy_unlock(struct dwcp_res_policy *p) dwcp_releases(&p->lock);
/*
 * Retries of a failed attempt (the ULP and dwcp_res_call): grant one if
 * @attempt attempts so far leave one under the policy's retry config, the
 * backoff fits before @deadline (when the caller may sleep) and the retry
 * budget allows; counts it (or why not: attempts or time used up, budget).
 * The grant holds budget until dwcp_res_retry_release(), after the retry's
 * attempt (@succeeded: it worked, counted as a success after retry). A
 * caller that may
 * not sleep gets *@delay 0. dwcp_res_backoff() sleeps until @until
 * (CLOCK_MONOTONIC ns), 0 or -EINTR on a signal.
 */
bool dwcp_res_retry_grant(struct dwcp_res_policy *p, u32 attempt, u64 now,
			  u64 deadline, bool may_sleep, u64 *delay);
void dwcp_res_retry_release(struct dwcp_res_policy *p, bool succeeded);
int dwcp_res_backoff(u64 until);

/* sysfs.c */
int dwcp_res_sysfs_init(void);
void dwcp_res_sysfs_exit(void);
void dwcp_res_sysfs_policy_add(struct net *net, struct dwcp_res_policy *p);
void dwcp_res_sysfs_policy_del(struct dwcp_res_policy *p);

/* ulp.c */
int dwcp_res_ulp_init(void);
void dwcp_res_ulp_exit(void);

/* netlink.c */
int dwcp_res_genl_init(void);
void dwcp_res_genl_exit(void);

#endif /* _DWCP_RES_H */
