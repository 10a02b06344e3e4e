/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bulkhead: a concurrency limit with a bounded FIFO wait queue and a
 * maximum wait.
 *
 * The core keeps only counters and makes every decision; the kernel shell
 * keeps the FIFO list of (on-stack) waiters and their timers, and calls in
 * here under the policy lock:
 *
 *	dwcp_bh_acquire()      ADMIT: run now. QUEUE: append yourself to the
 *	                       tail of the wait list and sleep until
 *	                       dwcp_bh_wait_deadline(). FULL: reject (-EBUSY).
 *	dwcp_bh_release()      true: the slot passes straight to the HEAD
 *	                       waiter; unlink it, mark it granted, wake it.
 *	dwcp_bh_wait_timeout() a queued waiter's deadline passed and it was not
 *	                       granted: unlink it, reject (-ETIMEDOUT).
 *	dwcp_bh_cancel_wait()  a queued waiter was interrupted (signal, socket
 *	                       closed): unlink it; not counted as a timeout.
 *	dwcp_bh_reconfigure()  returns how many HEAD waiters to grant and wake.
 *
 * A waiter that finds itself granted when its timer or signal fires owns a
 * slot and must run or dwcp_bh_release() it; it must not call
 * dwcp_bh_wait_timeout().
 *
 * Why: a bulkhead that tries a non-blocking acquire before queueing lets
 * newcomers barge ahead of the waiters, a "queue" that is only a counter keeps
 * no order, and one "rejected" counter cannot tell "queue full" (too much
 * load) from "waited too long" (too slow a dependency). Here a newcomer queues
 * whenever anyone is queued, a released slot is handed to the head waiter
 * directly (it never becomes free in between, so nobody can barge), and full
 * and timed-out rejections are counted apart. This is resilience4j's fair
 * SemaphoreBulkhead (PR #906) with the bounded queue of Envoy's
 * max_pending_requests; waiting is the shell's asynchronous business
 * (resilience4j #1592).
 *
 * Invariants: queued > 0 implies active + ext_active >= max_concurrent
 * (nobody waits while a slot is free); admitted == completed + active
 * (the lock-free path's slots count once given back); every waiter ends
 * in exactly one of handoff, timeout or cancel. After a shrinking
 * reconfigure active may exceed max_concurrent until enough releases.
 *
 * Locking: none. The caller serialises all calls on one bulkhead.
 */
#ifndef _DWCP_CORE_BULKHEAD_H
#define _DWCP_CORE_BULKHEAD_H

#include "compat.h"

struct dwcp_bh_config {
	u32 max_concurrent;	/* >= 1 */
	u32 max_queue;		/* waiters; 0 = never queue */
	u64 max_wait_ns;	/* 0 = never queue */
};

/* DWCP profile (Documentation/admin-guide.rst). */
#define DWCP_BH_CONFIG_SEND						\
	{ .max_concurrent = 100, .max_queue = 200,			\
	  .max_wait_ns = 5ULL * NSEC_PER_SEC }
#define DWCP_BH_CONFIG_RECEIVE	DWCP_BH_CONFIG_SEND
#define DWCP_BH_CONFIG_SYNC						\
	{ .max_concurrent = 50, .max_queue = 100,			\
	  .max_wait_ns = 10ULL * NSEC_PER_SEC }
#define DWCP_BH_CONFIG_CONSENSUS					\
	{ .max_concurrent = 20, .max_queue = 50,			\
	  .max_wait_ns = 15ULL * NSEC_PER_SEC }

enum dwcp_bh_verdict {
	DWCP_BH_ADMIT,		/* a slot is yours */
	DWCP_BH_QUEUE,		/* wait at the tail of the queue */
	DWCP_BH_FULL,		/* no slot and no room to wait */
};

struct dwcp_bh {
	struct dwcp_bh_config cfg;
	/*
	 * @active and @queued are also read without the shell's lock (its
	 * lock-free path): every write is a WRITE_ONCE(), so that no read sees
	 * a torn or compiler-invented value (KCSAN holds us to it).
	 */
	u32 active;		/* slots held by calls admitted here */
	u32 ext_active;		/* slots held by the shell's lock-free path */
	u32 queued;		/* waiters in the shell's list */
	u32 peak;		/* highest active seen */
	u32 peak_queued;	/* highest queued seen */
	u64 admitted;		/* slots granted, directly or by handoff */
	u64 completed;		/* slots released */
	u64 rejected_full;	/* FULL verdicts */
	u64 rejected_timeout;	/* waiters whose max wait passed */
	u64 cancelled;		/* waiters that gave up otherwise */
};

/* 0 if @cfg is usable, else -EINVAL with a reason in *@why (may be NULL). */
int dwcp_bh_config_check(const struct dwcp_bh_config *cfg, const char **why);

/* Validate @cfg and start an empty bulkhead with zeroed counters. */
int dwcp_bh_init(struct dwcp_bh *bh, const struct dwcp_bh_config *cfg,
		 const char **why);

/*
 * Apply @cfg keeping slots, waiters and counters. Returns how many head
 * waiters were granted a slot because the limit grew (already counted as
 * active and admitted; the shell wakes that many from the head), or a
 * negative errno from dwcp_bh_config_check() with the bulkhead unchanged.
 * Waiters above a reduced max_queue keep their place; only newcomers are
 * refused.
 */
int dwcp_bh_reconfigure(struct dwcp_bh *bh, const struct dwcp_bh_config *cfg,
			const char **why);

/* Take a slot, or a place in the queue, or be refused. Never barges. */
enum dwcp_bh_verdict dwcp_bh_acquire(struct dwcp_bh *bh);

/* Take a slot only if one is free and nobody waits (ADMIT or FULL). */
enum dwcp_bh_verdict dwcp_bh_try_acquire(struct dwcp_bh *bh);

/*
 * Give back a slot. true: it was handed to the head waiter (active stays,
 * queued drops); false: the slot is free (active drops).
 */
bool dwcp_bh_release(struct dwcp_bh *bh);

/*
 * Slots held outside the core. The kernel shell admits the calls of a
 * quiet policy without its lock (Documentation/ulp.rst, "The lock-free
 * path") and counts them in an atomic of its own; under the lock it tells
 * the core, here, what that path holds now (@active), how many slots it
 * gave back since the last call (@released: counted then as admitted and
 * completed) and the most slots of both kinds it saw held (@peak). Every
 * free-slot test counts @active with the core's own. Returns how many head
 * waiters the slots given back let in (granted as by a handoff: the shell
 * wakes them).
 */
u32 dwcp_bh_fold_ext(struct dwcp_bh *bh, u32 active, u32 released, u32 peak);

/* Slots held, of both kinds. */
static inline u32 dwcp_bh_held(const struct dwcp_bh *bh)
{
	return bh->active + bh->ext_active;
}

/* A queued waiter's max wait passed before it was granted. */
void dwcp_bh_wait_timeout(struct dwcp_bh *bh);

/* A queued waiter left for another reason (signal); not a timeout. */
void dwcp_bh_cancel_wait(struct dwcp_bh *bh);

/*
 * When a waiter queued at @now gives up: @now + max_wait_ns, or the
 * caller's own @deadline if that comes first (one deadline per call).
 */
u64 dwcp_bh_wait_deadline(const struct dwcp_bh *bh, u64 now, u64 deadline);

#endif /* _DWCP_CORE_BULKHEAD_H */
