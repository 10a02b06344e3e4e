// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the kernel side of the admission pipeline and the exported
 * in-kernel API (include/net/dwcp_res.h).
 *
 * The pure core (kmod/core/pipeline.c) decides; this file supplies the
 * clock, the per-policy lock, per-CPU counters, and the sleeping: waiting
 * for a reserved rate-limit slot, and waiting in the bulkhead's FIFO queue,
 * always bounded by the caller's timeout and interruptible by signals.
 *
 * The lock-free path. A quiet policy (dwcp_pipe_fast_ok(): no rate limit,
 * a consecutive-failure breaker that is closed, nobody queued, no fault
 * armed) at the normal level needs nothing from a call but a bulkhead slot
 * and, for a success, a latency: such calls are admitted with one atomic
 * on p->fast and completed with a per-CPU histogram record and a second
 * atomic, never taking p->lock. Whoever takes the lock folds that in first
 * (policy_fold()). The two paths share the bulkhead's slots:
 *
 *  - Both count before they check. The lock-free admission increments
 *    p->fast, then re-checks p->fast_gen and the slots held; a locked
 *    admission clears p->fast_gen, then reads p->fast. With a full
 *    barrier between each one's write and read, at least one of two
 *    racing admissions sees the other: nobody over-admits. This needs a
 *    value that never comes back: every unlock publishes a new p->fast_gen
 *    (the breaker's epoch, republished unchanged, hid a whole locked
 *    admission from the re-check). It wraps after 2^32 unlocks, all while
 *    one lock-free admission, not preemptible there, stands between two of
 *    its instructions.
 *  - A waiter is never forgotten. Whoever queues increments
 *    bulkhead.queued, then (barrier) reads p->fast for slots given back;
 *    a lock-free release gives its slot back, then (barrier) reads
 *    bulkhead.queued and, if someone waits, takes the lock to hand it on.
 */
#include <linux/hrtimer.h>
#include <linux/kcsan-checks.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>

#include "dwcp_res.h"
#include "events.h"

/* A caller asleep in the bulkhead queue; on its own stack. */
struct dwcp_res_waiter {
	struct list_head node;		/* policy->waiters, under policy->lock */
	struct task_struct *task;
	bool granted;			/* written under policy->lock */
};

/* Per-CPU counter updates; callers hold p->lock, so preemption is off. */
static void stat_inc(struct dwcp_res_policy *p, size_t offset)
{
	struct dwcp_res_pcpu_stats *s = this_cpu_ptr(p->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc((u64_stats_t *)((char *)s + offset));
	u64_stats_update_end(&s->syncp);
}

#define STAT_INC(p, field) \
	stat_inc(p, offsetof(struct dwcp_res_pcpu_stats, field))

/* Hand granted bulkhead slots to the @n head waiters. Caller holds p->lock. */
static void wake_head_waiters(struct dwcp_res_policy *p, int n)
{
	struct dwcp_res_waiter *w;

	while (n-- > 0 && !list_empty(&p->waiters)) {
		w = list_first_entry(&p->waiters, struct dwcp_res_waiter, node);
		list_del_init(&w->node);
		w->granted = true;
		wake_up_process(w->task);
	}
}

void dwcp_res_policy_wake_granted_locked(struct dwcp_res_policy *p, int n)
{
	lockdep_assert_held(&p->lock);
	wake_head_waiters(p, n);
}

#define FAST_RELEASED	BIT_ULL(32)	/* p->fast: one slot given back */

/*
 * Fold what the lock-free path did since the last fold into the pipe and
 * this CPU's counters, and hand slots it gave back to waiters. Caller holds
 * p->lock (BH off).
 */
static void policy_fold(struct dwcp_res_policy *p, u64 now)
{
	struct dwcp_res_pcpu_stats *s = this_cpu_ptr(p->stats);
	struct dwcp_pipe_fold f = {};
	u64 w = atomic64_read(&p->fast);
	u32 released = w >> 32;
	int cpu;

	/*
	 * @active also counts admissions that are backing off: a call is
	 * counted as admitted (here and in the counters) once it has ended.
	 */
	f.active = (u32)w;
	f.released = released - p->fold_released;
	f.peak = READ_ONCE(p->fast_peak);
	if (f.released) {
		u64 untimed = 0;

		/* A success is recorded before its slot is given back. */
		smp_rmb();
		dwcp_hist_init(p->fold_cur);
		/*
		 * Other CPUs' histograms, each written by its own CPU with BH
		 * off and read here while it may be: a racy read by design. A
		 * bucket is a u64 (never torn on 64-bit), and an increment
		 * this fold misses, the next one takes (the deltas are of
		 * running sums). Not the data race KCSAN is there to find.
		 */
		kcsan_disable_current();
		for_each_possible_cpu(cpu) {
			struct dwcp_res_pcpu_fast *pf = per_cpu_ptr(p->fast_pcpu, cpu);

			dwcp_hist_merge(p->fold_cur, &pf->lat);
			untimed += READ_ONCE(pf->untimed);
		}
		kcsan_enable_current();
		dwcp_hist_delta(p->fold_cur, p->fold_prev);
		f.latencies = p->fold_cur;
		f.successes = dwcp_hist_count(p->fold_cur) + untimed - p->fold_untimed;
		p->fold_untimed = untimed;
	}
	p->fold_released = released;
	p->lockfree += f.released;
	wake_head_waiters(p, dwcp_pipe_fold(&p->pipe, now, &f));
	if (!f.released)
		return;
	u64_stats_update_begin(&s->syncp);
	u64_stats_add(&s->admitted, f.released);
	u64_stats_add(&s->completed, f.successes);
	u64_stats_add(&s->results[DWCP_RES_RESULT_SUCCESS], f.successes);
	u64_stats_update_end(&s->syncp);
}

void dwcp_res_policy_lock(struct dwcp_res_policy *p)
	dwcp_acquires(&p->lock)
{
	spin_lock_bh(&p->lock);
	policy_fold(p, ktime_get_ns());
}

void dwcp_res_policy_unlock(struct dwcp_res_policy *p)
	dwcp_releases(&p->lock)
{
	const struct dwcp_pipe *pipe = &p->pipe;

	WRITE_ONCE(p->fast_limit, pipe->bulkhead.cfg.max_concurrent);
	WRITE_ONCE(p->fast_slow_ns, pipe->breaker.cfg.slow_call_ns ?: U64_MAX);
	WRITE_ONCE(p->fast_epoch_stream,
		   dwcp_pipe_fast_ok_for(pipe, true) ? pipe->breaker.epoch : 0);
	/* The same for operations, which an adaptive rate limits. */
	WRITE_ONCE(p->fast_epoch, dwcp_pipe_fast_ok(pipe) ? pipe->breaker.epoch : 0);
	p->fast_gen_seq = p->fast_gen_seq + 1 ?: 1;
	/* Publishes everything above, and the pipe, to the lock-free path. */
	smp_store_release(&p->fast_gen, p->fast_gen_seq);
	spin_unlock_bh(&p->lock);
}

/* The epoch the lock-free path checks for a call of this kind. */
static u32 *fast_epoch_of(struct dwcp_res_policy *p, bool stream)
{
	return stream ? &p->fast_epoch_stream : &p->fast_epoch;
}

bool dwcp_res_slot_free(struct dwcp_res_policy *p)
{
	u32 held = (u32)atomic64_read(&p->fast) + READ_ONCE(p->pipe.bulkhead.active);

	return !READ_ONCE(p->pipe.bulkhead.queued) && held < READ_ONCE(p->fast_limit);
}

void dwcp_res_slot_wake(struct dwcp_res_policy *p)
{
	/*
	 * Pairs with the barrier of ulp.c's registration: see there. Only
	 * when a slot is there to take: woken sockets that would be refused
	 * again would wake each other through their back-offs for ever.
	 */
	if (wq_has_sleeper(&p->slot_wq) && dwcp_res_slot_free(p))
		wake_up(&p->slot_wq);
}

/* After a slot of the lock-free path went back (and a full barrier). */
static void fast_hand_on(struct dwcp_res_policy *p)
{
	if (unlikely(READ_ONCE(p->pipe.bulkhead.queued))) {
		dwcp_res_policy_lock(p);
		dwcp_res_policy_unlock(p);
	}
	/*
	 * A non-blocking socket refused a slot waits for this one - if it is
	 * still free: a back-off (fast_admit()'s) gave back no slot of anyone's,
	 * and waking on it let two throttled sockets wake each other through
	 * their back-offs without end. Not skipped for back-offs: their
	 * increment may have hidden a real release from its own check.
	 */
	if (unlikely(waitqueue_active(&p->slot_wq)) && dwcp_res_slot_free(p))
		wake_up(&p->slot_wq);
}

/*
 * Give back the slot of an admitted lock-free call (fast_admit() undoes its
 * own back-offs). Then, if anyone waits, hand it on.
 */
static void fast_release(struct dwcp_res_policy *p)
{
	/*
	 * The call's success (recorded in p->fast_pcpu) before its release:
	 * policy_fold() reads them in the other order, with a smp_rmb().
	 */
	smp_mb__before_atomic();
	atomic64_add(FAST_RELEASED - 1, &p->fast);
	/* Pairs with admit_lock()'s and the queueing's smp_mb(): see the top. */
	smp_mb__after_atomic();
	fast_hand_on(p);
}

/*
 * Take p->lock to admit: stop lock-free admissions (dwcp_res_policy_unlock()
 * lets them run again), then count the slots they hold.
 */
static void admit_lock(struct dwcp_res_policy *p, struct dwcp_res_ev *ev, u64 now)
	dwcp_acquires(&p->lock)
{
	spin_lock_bh(&p->lock);
	WRITE_ONCE(p->fast_gen, 0);
	WRITE_ONCE(p->fast_epoch, 0);
	WRITE_ONCE(p->fast_epoch_stream, 0);
	/* Pairs with fast_admit()'s increment: see the top of the file. */
	smp_mb();
	policy_fold(p, now);
	DWCP_RES_TEST_HOOK(locked_fold, p);
	dwcp_res_ev_begin(ev, p);
}

#if IS_ENABLED(CONFIG_KUNIT)
dwcp_res_test_hook_t dwcp_res_test_fast_read;
EXPORT_SYMBOL_GPL(dwcp_res_test_fast_read);
dwcp_res_test_hook_t dwcp_res_test_fast_counted;
EXPORT_SYMBOL_GPL(dwcp_res_test_fast_counted);
dwcp_res_test_hook_t dwcp_res_test_locked_fold;
EXPORT_SYMBOL_GPL(dwcp_res_test_locked_fold);
#endif

/*
 * One lock-free call in DWCP_RES_FAST_SAMPLE per CPU is timed when the
 * policy has no slow-call threshold: nothing then needs every call's
 * latency, and the two clock reads would be a large share of a short
 * call's cost (Documentation/ulp.rst, "Throughput and memory").
 */
#define DWCP_RES_FAST_SAMPLE	8

/* Try the lock-free admission; false: take the lock. */
static bool fast_admit(struct dwcp_res_policy *p, struct dwcp_pipe_ticket *t,
		       u32 len, const struct dwcp_chaos_peer *peer, bool stream)
{
	u32 gen, epoch, held, peak;
	bool untimed;

	/*
	 * From the generation to the verdict, not preempted: a count that
	 * backs off holds a slot nobody uses until it is given back, and on
	 * PREEMPT_RT a preempted caller could hold it for as long as a higher
	 * priority task runs (locked admissions would see the bulkhead full).
	 * It also keeps the generation's wrap (see the top) out of reach.
	 */
	preempt_disable();
	/* Acquire: pairs with dwcp_res_policy_unlock()'s release. */
	gen = smp_load_acquire(&p->fast_gen);
	epoch = READ_ONCE(*fast_epoch_of(p, stream));
	if (!gen || !epoch || READ_ONCE(p->dn->level) != DWCP_RES_LEVEL_NORMAL) {
		preempt_enable();
		return false;
	}
	DWCP_RES_TEST_HOOK(fast_read, p);
	held = (u32)atomic64_inc_return(&p->fast) + READ_ONCE(p->pipe.bulkhead.active);
	DWCP_RES_TEST_HOOK(fast_counted, p);
	if (unlikely(READ_ONCE(p->fast_gen) != gen ||
		     held > READ_ONCE(p->fast_limit))) {
		/* A back-off: no slot of anyone's goes back. */
		atomic64_dec(&p->fast);
		preempt_enable();
		/* As fast_release(): the lock may sleep on PREEMPT_RT. */
		smp_mb();
		fast_hand_on(p);
		return false;
	}
	preempt_enable();
	peak = READ_ONCE(p->fast_peak);
	while (unlikely(held > peak) && !try_cmpxchg(&p->fast_peak, &peak, held))
		;
	untimed = READ_ONCE(p->fast_slow_ns) == U64_MAX &&
		  (this_cpu_inc_return(p->fast_pcpu->tick) % DWCP_RES_FAST_SAMPLE);
	dwcp_pipe_ticket_init(t, untimed ? 0 : ktime_get_ns(), len, 0, peer);
	t->epoch = epoch;
	t->stage = DWCP_PIPE_STAGE_ADMITTED;
	t->fast = 1;
	t->untimed = untimed;
	t->stream = stream;
	return true;
}

/*
 * Sleep until @until (CLOCK_MONOTONIC ns), a grant (@w) or a signal.
 * Returns 0 when woken for a grant or the time came, -EINTR on a signal.
 * Called and returns without p->lock.
 */
static int sleep_until(u64 until, struct dwcp_res_waiter *w)
{
	ktime_t kt = ns_to_ktime(until);

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (w && READ_ONCE(w->granted))
			break;
		if (signal_pending(current)) {
			__set_current_state(TASK_RUNNING);
			return -EINTR;
		}
		if (ktime_get_ns() >= until)
			break;
		/* 50 us of slack lets the timer coalesce; waits are >= ms. */
		if (!schedule_hrtimeout_range(&kt, 50 * NSEC_PER_USEC, HRTIMER_MODE_ABS))
			break;
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * The sleep of a latency or timeout fault: until @until, a signal, or chaos
 * being disabled or cleared in the namespace (its generation moves), so
 * that "chaos clear" ends a 10-minute injected hang at once.
 */
static int chaos_sleep_until(struct dwcp_net *dn, u64 until)
{
	unsigned int gen = READ_ONCE(dn->chaos_gen);
	ktime_t kt = ns_to_ktime(until);
	DEFINE_WAIT(wait);
	int err = 0;

	for (;;) {
		prepare_to_wait(&dn->chaos_wq, &wait, TASK_INTERRUPTIBLE);
		if (READ_ONCE(dn->chaos_gen) != gen)
			break;
		if (signal_pending(current)) {
			err = -EINTR;
			break;
		}
		if (ktime_get_ns() >= until)
			break;
		if (!schedule_hrtimeout_range(&kt, 50 * NSEC_PER_USEC, HRTIMER_MODE_ABS))
			break;
	}
	finish_wait(&dn->chaos_wq, &wait);
	return err;
}

static int admit_rejected(struct dwcp_res_policy *p, struct dwcp_res_call *call,
			  struct dwcp_res_ev *ev)
{
	STAT_INC(p, rejected[call->t.reason]);
	dwcp_res_ev_reject(ev, p, call->t.reason);
	return dwcp_pipe_reject_errno(&call->t);
}

/*
 * A CPU spike: busy-loop for @ns (at most DWCP_RES_CPU_SPIKE_MAX_NS) in the
 * caller's context. Only called without any spinlock held, from a task that
 * may be preempted (might_sleep() checks it on debug kernels); it offers to
 * reschedule on every turn, and a fatal signal ends it early.
 */
static void cpu_spike(u64 ns)
{
	u64 end;

	might_sleep();
	end = ktime_get_ns() + min_t(u64, ns, DWCP_RES_CPU_SPIKE_MAX_NS);
	while (ktime_get_ns() < end && !fatal_signal_pending(current)) {
		cond_resched();
		cpu_relax();
	}
}

/*
 * Carry out the chaos fault the dice picked for an admitted call. Latency
 * delays the call (only for callers that may sleep) and lets it run; so
 * does a CPU spike (for callers in task context: DWCP_PIPE_MAY_WAIT or
 * DWCP_RES_ADMIT_TASK). An error, a timeout or a partition fails the call
 * as the dependency would have, so breaker and budget see it. A timeout
 * hangs for its value first, when the caller may sleep, never past the
 * caller's deadline.
 */
static int admit_fault(struct dwcp_res_policy *p, struct dwcp_res_call *call,
		       u32 pflags, unsigned int flags)
{
	u64 until = ktime_get_ns() + call->t.fault_value;
	struct dwcp_res_ev ev;
	bool timed_out = false;
	int err = 0;

	trace_chaos_inject(p->name, call->t.fault, call->t.fault_value);
	if (call->t.deadline && until > call->t.deadline)
		until = call->t.deadline;
	switch (call->t.fault) {
	case DWCP_RES_FAULT_LATENCY:
		if ((pflags & DWCP_PIPE_MAY_WAIT) && chaos_sleep_until(p->dn, until)) {
			dwcp_res_complete(call, DWCP_RES_RESULT_CANCELLED, false);
			return -EINTR;
		}
		return 0;
	case DWCP_RES_FAULT_CPU_SPIKE:
		if ((pflags & DWCP_PIPE_MAY_WAIT) || (flags & DWCP_RES_ADMIT_TASK))
			cpu_spike(call->t.fault_value);
		return 0;
	case DWCP_RES_FAULT_TIMEOUT:
		if (pflags & DWCP_PIPE_MAY_WAIT)
			chaos_sleep_until(p->dn, until);
		err = -ETIMEDOUT;
		timed_out = true;
		break;
	case DWCP_RES_FAULT_PARTITION:
		err = -DWCP_RES_PARTITION_ERRNO;
		break;
	default: /* DWCP_RES_FAULT_ERROR */
		err = -(int)clamp_t(u64, call->t.fault_value, 1, MAX_ERRNO);
		break;
	}
	dwcp_res_ev_lock(p, &ev);
	STAT_INC(p, rejected[DWCP_RES_REJECT_CHAOS]);
	dwcp_res_ev_reject(&ev, p, DWCP_RES_REJECT_CHAOS);
	dwcp_res_ev_unlock(p, &ev);
	dwcp_res_complete(call, DWCP_RES_RESULT_FAILURE, timed_out);
	return err;
}

/* Admit under the lock: every stage, waits included. */
static noinline int admit_locked(struct dwcp_res_policy *p,
				 struct dwcp_res_call *call, u64 now, u32 len,
				 long timeo, unsigned int flags,
				 const struct dwcp_chaos_peer *peer)
{
	struct dwcp_res_waiter w = { .task = current };
	struct dwcp_net *dn = p->dn;
	struct dwcp_res_ev ev;
	enum dwcp_pipe_verdict v;
	u32 pflags = 0;
	u64 deadline = 0;
	int err;

	if (timeo > 0) {
		pflags |= DWCP_PIPE_MAY_WAIT;
		/* 0: no deadline, as before; U64_MAX would be the same wait. */
		if (timeo != MAX_SCHEDULE_TIMEOUT)
			deadline = dwcp_res_deadline(now, timeo);
	}
	if (dwcp_res_chaos_allowed && READ_ONCE(dn->chaos_enabled))
		pflags |= DWCP_PIPE_CHAOS;
	if (flags & DWCP_RES_ADMIT_STREAM)
		pflags |= DWCP_PIPE_STREAM;

	admit_lock(p, &ev, now);
	v = dwcp_pipe_admit_peer(&p->pipe, &call->t, now, len, READ_ONCE(dn->level),
				 pflags, deadline, peer);
	for (;;) {
		switch (v) {
		case DWCP_PIPE_ADMIT:
			STAT_INC(p, admitted);
			if (unlikely(call->t.shadow != DWCP_RES_REJECT_NONE)) {
				STAT_INC(p, shadow[call->t.shadow]);
				dwcp_res_ev_shadow(&ev, p, call->t.shadow);
			}
			dwcp_res_ev_unlock(p, &ev);
			if (unlikely(call->t.fault != DWCP_PIPE_FAULT_NONE))
				return admit_fault(p, call, pflags, flags);
			return 0;
		case DWCP_PIPE_REJECT:
			err = admit_rejected(p, call, &ev);
			dwcp_res_ev_unlock(p, &ev);
			return err;
		case DWCP_PIPE_WAIT_SLOT:
			w.granted = false;
			list_add_tail(&w.node, &p->waiters);
			/*
			 * A lock-free slot given back since the fold is ours:
			 * pairs with fast_release()'s barrier.
			 */
			smp_mb();
			policy_fold(p, now);
			fallthrough;
		case DWCP_PIPE_WAIT_RATE:
			STAT_INC(p, waited);
			dwcp_res_ev_unlock(p, &ev);
			err = sleep_until(call->t.wait_until,
					  v == DWCP_PIPE_WAIT_SLOT ? &w : NULL);
			now = ktime_get_ns();
			admit_lock(p, &ev, now);
			if (v == DWCP_PIPE_WAIT_SLOT && !w.granted) {
				/* Timed out or interrupted while still queued. */
				list_del(&w.node);
				dwcp_pipe_abort(&p->pipe, &call->t, now,
						err ? DWCP_RES_REJECT_NONE :
						      DWCP_RES_REJECT_BULKHEAD_WAIT);
			} else if (v == DWCP_PIPE_WAIT_RATE && err) {
				dwcp_pipe_abort(&p->pipe, &call->t, now,
						DWCP_RES_REJECT_NONE);
			} else {
				/* Granted a slot, or the rate slot is due. */
				v = dwcp_pipe_resume(&p->pipe, &call->t, now, pflags);
				continue;
			}
			if (err) {
				dwcp_res_ev_unlock(p, &ev);
				return -EINTR;
			}
			v = DWCP_PIPE_REJECT;
			continue;
		}
	}
}

int dwcp_res_admit_peer(struct dwcp_res_policy *p, struct dwcp_res_call *call,
			u32 len, long timeo, unsigned int flags,
			const struct dwcp_chaos_peer *peer)
{
	call->policy = p;
	if (likely(fast_admit(p, &call->t, len, peer, flags & DWCP_RES_ADMIT_STREAM)))
		return 0;
	return admit_locked(p, call, ktime_get_ns(), len, timeo, flags, peer);
}
EXPORT_SYMBOL_GPL(dwcp_res_admit_peer);

int dwcp_res_admit(struct dwcp_res_policy *p, struct dwcp_res_call *call,
		   u32 len, long timeo, unsigned int flags)
{
	return dwcp_res_admit_peer(p, call, len, timeo, flags, NULL);
}
EXPORT_SYMBOL_GPL(dwcp_res_admit);

bool dwcp_res_retry_grant(struct dwcp_res_policy *p, u32 attempt, u64 now,
			  u64 deadline, bool may_sleep, u64 *delay)
{
	bool ok;

	dwcp_res_policy_lock(p);
	/* A caller that may not sleep retries at once: no backoff to cross. */
	ok = dwcp_retry_next_delay(&p->pipe.retry, attempt, now,
				   may_sleep ? deadline : U64_MAX,
				   get_random_u32(), delay);
	if (!ok) {
		STAT_INC(p, retry_exhausted);
	} else if (!dwcp_retry_budget_acquire(&p->pipe.retry_budget,
					      dwcp_pipe_inflight(&p->pipe))) {
		STAT_INC(p, retry_budget_refused);
		ok = false;
	} else {
		STAT_INC(p, retries);
	}
	dwcp_res_policy_unlock(p);
	if (!may_sleep)
		*delay = 0;
	return ok;
}

void dwcp_res_retry_release(struct dwcp_res_policy *p, bool succeeded)
{
	dwcp_res_policy_lock(p);
	dwcp_retry_budget_release(&p->pipe.retry_budget);
	if (succeeded)
		STAT_INC(p, retry_succeeded);
	dwcp_res_policy_unlock(p);
}

int dwcp_res_backoff(u64 until)
{
	return sleep_until(until, NULL);
}

/* Complete under the lock; for a lock-free ticket, give its slot back after. */
static noinline void complete_locked(struct dwcp_res_policy *p,
				     struct dwcp_res_call *call, u64 now,
				     u64 latency, u32 result, bool timed_out)
{
	struct dwcp_res_pcpu_stats *s;
	struct dwcp_res_ev ev;

	dwcp_res_ev_lock(p, &ev);
	/* Count what the breaker counts: a slow success is SLOW. */
	if (result == DWCP_RES_RESULT_SUCCESS)
		result = dwcp_breaker_classify(&p->pipe.breaker, result, latency);
	if (dwcp_pipe_complete(&p->pipe, &call->t, now, result, timed_out))
		wake_head_waiters(p, 1);
	s = this_cpu_ptr(p->stats);
	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->completed);
	u64_stats_inc(&s->results[result]);
	u64_stats_update_end(&s->syncp);
	/* A shadow bypass feeds no latency figure either (core/pipeline.h). */
	if (!call->t.untimed && !call->t.bypass)
		dwcp_hist_record(this_cpu_ptr(p->latency), latency);
	dwcp_res_ev_unlock(p, &ev);
	if (call->t.fast)
		fast_release(p);
	else
		dwcp_res_slot_wake(p);
}

void dwcp_res_complete(struct dwcp_res_call *call, u32 result, bool timed_out)
{
	struct dwcp_res_policy *p = call->policy;
	u64 now, latency = 0;

	if (WARN_ON_ONCE(call->t.stage != DWCP_PIPE_STAGE_ADMITTED))
		return;
	if (result >= __DWCP_RES_RESULT_MAX)
		result = DWCP_RES_RESULT_FAILURE;

	if (likely(call->t.untimed)) {
		/*
		 * Untimed: sampled out on the lock-free path, or a locked call
		 * whose latency its caller dropped (a receive that waited for
		 * its peer, ulp.c): only a lock-free one has a slot to give
		 * back here.
		 */
		if (likely(call->t.fast && result == DWCP_RES_RESULT_SUCCESS &&
			   call->t.epoch == READ_ONCE(*fast_epoch_of(p, call->t.stream)))) {
			/* One instruction: safe against a softirq on this CPU. */
			this_cpu_inc(p->fast_pcpu->untimed);
			goto released;
		}
		now = ktime_get_ns();
	} else {
		now = ktime_get_ns();
		latency = now > call->t.start ? now - call->t.start : 0;
		if (call->t.fast && result == DWCP_RES_RESULT_SUCCESS &&
		    latency < READ_ONCE(p->fast_slow_ns) &&
		    call->t.epoch == READ_ONCE(*fast_epoch_of(p, call->t.stream))) {
			/* BH off: a softirq completing here must not interleave. */
			local_bh_disable();
			dwcp_hist_record(&this_cpu_ptr(p->fast_pcpu)->lat, latency);
			local_bh_enable();
			goto released;
		}
	}
	complete_locked(p, call, now, latency, result, timed_out);
	return;

released:
	call->t.stage = DWCP_PIPE_STAGE_DONE;
	fast_release(p);
}
EXPORT_SYMBOL_GPL(dwcp_res_complete);

int dwcp_res_call(struct dwcp_res_policy *p, int (*fn)(void *arg, u64 timeout_ns),
		  void *arg, long timeo)
{
	u64 start = ktime_get_ns(), deadline = U64_MAX, now, limit, delay;
	struct dwcp_res_call call;
	bool retryable, budget = false, again;
	u32 attempt = 0, result;
	int err;

	if (timeo > 0)
		deadline = dwcp_res_deadline(start, timeo);

	for (;;) {
		now = ktime_get_ns();
		err = dwcp_res_admit(p, &call, 0, deadline > now ?
				     (long)min_t(u64, nsecs_to_jiffies(deadline - now) + 1,
						 MAX_SCHEDULE_TIMEOUT - 1) : 0, 0);
		if (err)
			break;
		now = ktime_get_ns();
		limit = READ_ONCE(p->pipe.timeout.current_ns);
		if (deadline != U64_MAX)
			limit = min_t(u64, limit, deadline > now ? deadline - now : 0);

		start = now;
		err = fn(arg, limit);
		now = ktime_get_ns();
		if (now - start > limit) {
			/* It overran: count the timeout even if @fn succeeded late. */
			err = -ETIMEDOUT;
			result = DWCP_RES_RESULT_FAILURE;
			retryable = true;
			dwcp_res_complete(&call, result, true);
		} else {
			result = dwcp_classify_errno(err, &retryable);
			dwcp_res_complete(&call, result, false);
		}

		if (budget)
			dwcp_res_retry_release(p, !err);
		budget = false;
		again = err && retryable &&
			dwcp_res_retry_grant(p, attempt + 1, now, deadline, true, &delay);
		if (!again)
			break;
		/* The retry holds its budget through the backoff (Envoy #30205). */
		budget = true;
		attempt++;
		if (dwcp_res_backoff(now + delay)) {
			err = -EINTR;
			break;
		}
	}
	if (budget)	/* its attempt was refused or the backoff interrupted */
		dwcp_res_retry_release(p, false);
	return err;
}
EXPORT_SYMBOL_GPL(dwcp_res_call);
