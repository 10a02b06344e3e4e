// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the TCP upper layer protocol "dwcp".
 *
 * setsockopt(fd, SOL_TCP, TCP_ULP, "dwcp", 4) swaps the socket's struct
 * proto for a copy of it whose sendmsg, sendpage and recvmsg first pass the
 * admission pipeline of the socket's class (Documentation/ulp.rst). The
 * shape follows kTLS (net/tls/tls_main.c):
 *
 *  - one proto table per IP version, copied from the base proto and rebuilt
 *    whenever the base's address changes (tcpv6_prot lives in a module on
 *    kernels built with IPV6=m); readers see the table before its address;
 *  - the socket's context is published with RCU before sk_prot is swapped,
 *    both under sk_callback_lock, so every wrapper finds its context;
 *  - close puts the base proto back and frees the context after a grace
 *    period; so does release, for sockets that never reach close (children
 *    dropped from a dying listener's accept queue);
 *  - the ULP core takes a module reference per socket (tcp_set_ulp) and
 *    drops it in tcp_cleanup_ulp; inet_clone_ulp() does not, so .clone takes
 *    one for every accepted child that keeps the ULP.
 *
 * The wrappers run before the base proto takes the socket lock (tcp_sendmsg,
 * tcp_recvmsg and tcp_sendpage lock the socket themselves), so they may
 * sleep in the pipeline; a non-blocking call never does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/indirect_call_wrapper.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/net.h>
#include <linux/skmsg.h>
#include <linux/slab.h>
#include <linux/sockptr.h>
#include <linux/uaccess.h>
#include <net/inet_connection_sock.h>
#include <net/inet_sock.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "dwcp_res.h"

enum { DWCP_ULP_V4, DWCP_ULP_V6, DWCP_ULP_NUM_IP };
enum { DWCP_ULP_SEND, DWCP_ULP_RECV, DWCP_ULP_NUM_DIR };

/*
 * Per-socket counters of one direction. @admitted, @results and @bytes of
 * sends change under the socket lock, which the send takes anyway (plain
 * adds: the send path has no atomic of ours); those of receives with
 * atomics (tcp_recvmsg() takes the lock inside, out of our reach). The
 * other counters are atomics everywhere. A send is counted as admitted
 * when it enters the base proto, a receive when the pipeline admits it.
 */
struct dwcp_ulp_dir_stats {
	atomic64_t retries;
	atomic64_t admitted;
	atomic64_t bytes;
	atomic64_t interrupted;
	atomic64_t results[__DWCP_RES_RESULT_MAX];
	atomic64_t rejected[__DWCP_RES_REJECT_MAX];
};

/*
 * Backpressure (Documentation/ulp.rst, "What programs see"). A call that
 * the pipeline would make wait - for a rate slot, for a bulkhead slot - and
 * may not wait returns -EAGAIN, as a full send buffer or an empty receive
 * queue does, and poll stops reporting that direction ready (@hidden) until
 * the wait would be over: the rate's next slot (@timer), or a bulkhead slot
 * given back (@slot on the policy's slot_wq). The socket's wait queue is
 * then woken, as TCP wakes it when space or data arrive, and poll asks TCP
 * again. Allocated at a socket's first refusal; most sockets never need it.
 *
 * Locking: @lock (BH-safe) orders @until, @slot_p and the timer's arming;
 * @slot[d] is on slot_p[d]->slot_wq, under that queue's lock, and its wake
 * function (which must not take @lock) only dequeues it, clears the bit and
 * wakes the socket. Torn down at close (thr_stop()), freed with the context.
 */
struct dwcp_ulp_throttle {
	struct sock *sk;
	spinlock_t lock;		/* see "Locking" above */
	unsigned long hidden;		/* BIT(dir): poll hides that direction */
	u64 until[DWCP_ULP_NUM_DIR];	/* rate: hidden until (ns); 0: none */
	struct hrtimer timer;
	struct wait_queue_entry slot[DWCP_ULP_NUM_DIR];
	struct dwcp_res_policy *slot_p[DWCP_ULP_NUM_DIR];	/* a reference */
};

/*
 * Per socket. @cls[] change under the socket lock and are read under RCU
 * (each call takes its own policy reference); @sk_proto changes only under
 * sk_callback_lock (.update); @thr is set once (cmpxchg) and freed with the
 * context; @server is a plain flag (DWCP_SO_ROLE).
 */
struct dwcp_ulp_ctx {
	struct proto *sk_proto;		/* the base: what we wrap */
	struct dwcp_res_policy __rcu *cls[DWCP_ULP_NUM_DIR];
	struct dwcp_ulp_dir_stats st[DWCP_ULP_NUM_DIR];
	struct dwcp_chaos_peer peer;	/* remote address, for chaos scopes */
	struct dwcp_ulp_throttle *thr;	/* NULL until the first refusal */
	/*
	 * A client's request outstanding: when its last send since the last
	 * receive returned (ns), 0 if none. Written by sends, read and cleared
	 * by receives, which may run on two threads at once: a lost update
	 * costs one sample's base, never a wrong verdict (ulp_recv_sample()).
	 */
	u64 req_sent_ns;
	bool server;			/* the peer is our client */
	struct rcu_head rcu;
};

/*
 * Contexts have a cache of their own: kmalloc would serve the 344 bytes
 * from kmalloc-512, 168 bytes lost on every protected socket.
 */
static struct kmem_cache *dwcp_ulp_ctx_cache __read_mostly;
static struct proto dwcp_prots[DWCP_ULP_NUM_IP];
static struct proto *saved_prot[DWCP_ULP_NUM_IP];
/*
 * The socket-level table, with our poll, per IP version: put on a socket
 * at its first refusal (ulp_use_our_ops()). Built once from the first
 * socket's table; a socket with another base keeps its own poll. Not
 * const, unlike most ops tables: it is a copy made at run time, as kTLS's.
 */
static struct
proto_ops dwcp_ops[DWCP_ULP_NUM_IP];
static const struct proto_ops *saved_ops[DWCP_ULP_NUM_IP];
static DEFINE_MUTEX(dwcp_prot_mutex);

static int ip_ver(const struct sock *sk)
{
	return sk->sk_family == AF_INET6 ? DWCP_ULP_V6 : DWCP_ULP_V4;
}

/* Only valid in the wrappers, where sk_prot is ours and so is the context. */
static struct dwcp_ulp_ctx *ulp_ctx(const struct sock *sk)
{
	return (__force struct dwcp_ulp_ctx *)inet_csk(sk)->icsk_ulp_data;
}

static void ctx_free_rcu(struct rcu_head *head)
{
	struct dwcp_ulp_ctx *ctx = container_of(head, struct dwcp_ulp_ctx, rcu);
	int d;

	for (d = 0; d < DWCP_ULP_NUM_DIR; d++)
		dwcp_res_policy_put(rcu_access_pointer(ctx->cls[d]));
	/* Stopped at close (thr_stop()); poll may have read it until now. */
	kfree(ctx->thr);
	kmem_cache_free(dwcp_ulp_ctx_cache, ctx);
}

/*
 * The policies are put after the grace period too: a listener's .clone may
 * still be taking references on them from softirq under rcu_read_lock().
 */
static void ctx_free(struct dwcp_ulp_ctx *ctx)
{
	if (ctx)
		call_rcu(&ctx->rcu, ctx_free_rcu);
}

/*
 * A reference to a direction's class for one call; NULL: unprotected.
 * The sched flavour of the read side is enough (call_rcu(), which frees a
 * policy, waits for preempt-disabled sections too) and costs no call on a
 * preemptible kernel, where rcu_read_lock() is one.
 */
static __always_inline struct dwcp_res_policy *class_get(struct dwcp_ulp_ctx *ctx, int dir)
{
	struct dwcp_res_policy *p;

	rcu_read_lock_sched();
	do {
		p = rcu_dereference_sched(ctx->cls[dir]);
	} while (p && !percpu_ref_tryget(&p->ref));
	rcu_read_unlock_sched();
	return p;
}

/*
 * What a call that reached the base proto and returned @ret counts as. On a
 * server's socket, the client leaving (a reset, a broken pipe) is not the
 * service failing: IGNORED, so that one client cannot open the breaker of
 * the class that every other client shares.
 */
static u32 ulp_result(bool server, int ret)
{
	/* Any progress is a success: a partial send moved data. */
	if (ret >= 0)
		return DWCP_RES_RESULT_SUCCESS;
	if (server && dwcp_errno_is_peer(ret))
		return DWCP_RES_RESULT_IGNORED;
	return dwcp_classify_errno(ret, NULL);
}

/* Add @n to a send counter: the caller holds the socket lock. */
static void ulp_send_add(atomic64_t *c, s64 n)
{
	atomic64_set(c, atomic64_read(c) + n);
}

/*
 * Count an admitted call that ended with @result, having moved @bytes.
 * Sends: the caller holds the socket lock (see struct dwcp_ulp_dir_stats).
 */
static void ulp_count(struct sock *sk, struct dwcp_ulp_dir_stats *st, int dir,
		      u32 result, int bytes)
{
	if (dir == DWCP_ULP_SEND) {
		sock_owned_by_me(sk);
		ulp_send_add(&st->results[result], 1);
		if (bytes > 0)
			ulp_send_add(&st->bytes, bytes);
		return;
	}
	atomic64_inc(&st->results[result]);
	if (bytes > 0)
		atomic64_add(bytes, &st->bytes);
}

/* Take the socket lock for a send's counters; count the send as admitted. */
static void ulp_send_begin(struct sock *sk, struct dwcp_ulp_dir_stats *st)
{
	lock_sock(sk);
	ulp_send_add(&st->admitted, 1);
}

/* Count how a send ended (@ret from the base proto) and drop the lock. */
static int ulp_send_end(struct sock *sk, struct dwcp_ulp_dir_stats *st,
			bool server, int ret)
{
	ulp_count(sk, st, DWCP_ULP_SEND, ulp_result(server, ret), ret);
	release_sock(sk);
	return ret;
}

/*
 * Count a call the pipeline admitted and then ended itself (chaos), with
 * @result, before it reached the base proto.
 */
static void ulp_count_unlocked(struct sock *sk, struct dwcp_ulp_dir_stats *st,
			       int dir, u32 result)
{
	if (dir == DWCP_ULP_SEND) {
		ulp_send_begin(sk, st);
		ulp_count(sk, st, dir, result, 0);
		release_sock(sk);
		return;
	}
	atomic64_inc(&st->admitted);
	ulp_count(sk, st, dir, result, 0);
}

/* Wake whoever polls @sk for direction @dir, as TCP does for space or data. */
static void ulp_wake_dir(struct sock *sk, int dir)
{
	bool send = dir == DWCP_ULP_SEND;
	struct socket_wq *wq;

	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, send ?
					   EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND :
					   EPOLLIN | EPOLLRDNORM | EPOLLRDBAND);
	rcu_read_unlock();
	sk_wake_async(sk, send ? SOCK_WAKE_SPACE : SOCK_WAKE_WAITD,
		      send ? POLL_OUT : POLL_IN);
}

/* A slot was given back: slot_wq's lock held, IRQs off; never takes thr->lock. */
static int thr_slot_wake(struct wait_queue_entry *wait, unsigned int mode,
			 int sync, void *key)
{
	struct dwcp_ulp_throttle *thr = wait->private;
	int dir = wait == &thr->slot[DWCP_ULP_SEND] ? DWCP_ULP_SEND : DWCP_ULP_RECV;

	list_del_init(&wait->entry);
	clear_bit(dir, &thr->hidden);
	ulp_wake_dir(thr->sk, dir);
	return 0;
}

/* The rate slots are due: show the directions again. Softirq. */
static enum hrtimer_restart thr_timer_fn(struct hrtimer *timer)
{
	struct dwcp_ulp_throttle *thr = container_of(timer, struct dwcp_ulp_throttle, timer);
	u64 now = ktime_get_ns(), next = U64_MAX;
	bool restart = false;
	unsigned long due = 0;
	int d;

	spin_lock(&thr->lock);
	for (d = 0; d < DWCP_ULP_NUM_DIR; d++) {
		if (!thr->until[d])
			continue;
		if (thr->until[d] <= now) {
			thr->until[d] = 0;
			due |= BIT(d);
		} else {
			next = min(next, thr->until[d]);
		}
	}
	/*
	 * ulp_throttle() may have started the timer again while we waited
	 * for the lock (a running timer is enqueued at once): then it is
	 * queued at the earliest time already, and its expiry must not be
	 * changed in place (that would reorder the queue under every other
	 * timer of this base). Both starters hold thr->lock.
	 */
	if (next != U64_MAX && !hrtimer_is_queued(timer)) {
		hrtimer_set_expires_range_ns(timer, ns_to_ktime(next), 50 * NSEC_PER_USEC);
		restart = true;
	}
	spin_unlock(&thr->lock);
	for (d = 0; d < DWCP_ULP_NUM_DIR; d++) {
		if (due & BIT(d)) {
			clear_bit(d, &thr->hidden);
			ulp_wake_dir(thr->sk, d);
		}
	}
	return restart ? HRTIMER_RESTART : HRTIMER_NORESTART;
}

static struct dwcp_ulp_throttle *thr_get(struct sock *sk, struct dwcp_ulp_ctx *ctx)
{
	struct dwcp_ulp_throttle *thr = READ_ONCE(ctx->thr), *old;
	int d;

	if (likely(thr))
		return thr;
	thr = kzalloc(sizeof(*thr), GFP_KERNEL_ACCOUNT);
	if (!thr)
		return NULL;	/* EAGAIN all the same, without the hiding */
	thr->sk = sk;
	spin_lock_init(&thr->lock);
	hrtimer_init(&thr->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS_SOFT);
	thr->timer.function = thr_timer_fn;
	for (d = 0; d < DWCP_ULP_NUM_DIR; d++) {
		init_waitqueue_func_entry(&thr->slot[d], thr_slot_wake);
		thr->slot[d].private = thr;
		INIT_LIST_HEAD(&thr->slot[d].entry);
	}
	old = cmpxchg(&ctx->thr, NULL, thr);
	if (old) {
		kfree(thr);
		return old;
	}
	return thr;
}

/* Leave the slot queue of direction @d's policy and let go of it. thr->lock held. */
static void thr_slot_drop(struct dwcp_ulp_throttle *thr, int d)
{
	struct dwcp_res_policy *p = thr->slot_p[d];
	unsigned long flags;

	if (!p)
		return;
	spin_lock_irqsave(&p->slot_wq.lock, flags);
	if (!list_empty(&thr->slot[d].entry))
		list_del_init(&thr->slot[d].entry);
	spin_unlock_irqrestore(&p->slot_wq.lock, flags);
	thr->slot_p[d] = NULL;
	dwcp_res_policy_put(p);
}

/*
 * Direction @d changed class: what it waited for was the old policy's
 * slot. Show it again and wake it; its next call asks the new policy.
 */
static void thr_forget(struct sock *sk, struct dwcp_ulp_throttle *thr, int d)
{
	if (!thr)
		return;
	spin_lock_bh(&thr->lock);
	thr_slot_drop(thr, d);
	thr->until[d] = 0;
	spin_unlock_bh(&thr->lock);
	if (test_and_clear_bit(d, &thr->hidden))
		ulp_wake_dir(sk, d);
}

/* The socket is closing: no timer, no queue, no policy held after this. */
static void thr_stop(struct dwcp_ulp_throttle *thr)
{
	int d;

	if (!thr)
		return;
	hrtimer_cancel(&thr->timer);
	spin_lock_bh(&thr->lock);
	for (d = 0; d < DWCP_ULP_NUM_DIR; d++)
		thr_slot_drop(thr, d);
	spin_unlock_bh(&thr->lock);
}

static __poll_t dwcp_ulp_poll(struct file *file, struct socket *sock,
			      struct poll_table_struct *wait);

/*
 * Give the socket our proto_ops (their poll hides throttled directions).
 * The table's owner is this module, as sock_release() puts the owner of the
 * table it finds: take our reference and drop the base table's.
 */
static void ulp_use_our_ops(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	const struct proto_ops *ops;
	int v = ip_ver(sk);

	if (!sock)
		return;
	ops = READ_ONCE(sock->ops);
	if (likely(ops == &dwcp_ops[v]))
		return;
	/* Pairs with the release below: the table is complete before its base. */
	if (!smp_load_acquire(&saved_ops[v])) {
		mutex_lock(&dwcp_prot_mutex);
		if (!saved_ops[v]) {
			dwcp_ops[v] = *ops;
			dwcp_ops[v].owner = THIS_MODULE;
			dwcp_ops[v].poll = dwcp_ulp_poll;
			/* Publish the base only once the table built from it is. */
			smp_store_release(&saved_ops[v], ops);
		}
		mutex_unlock(&dwcp_prot_mutex);
	}
	if (ops != saved_ops[v])
		return;
	if (cmpxchg(&sock->ops, ops, &dwcp_ops[v]) == ops) {
		__module_get(THIS_MODULE);
		module_put(ops->owner);
	}
}

/* The longest a rate refusal hides a direction: a new config shows within it. */
#define DWCP_ULP_HIDE_MAX_NS	NSEC_PER_SEC

/*
 * A call of direction @dir was refused for want of a rate or bulkhead slot
 * by @p (which the caller still holds): hide the direction until that
 * wait would be over. Process context. False when that cannot be done
 * (no memory): the caller then reports the refusal as a hard error, since
 * an EAGAIN that nothing follows up would leave an edge-triggered loop
 * waiting for ever.
 */
static bool ulp_throttle(struct sock *sk, struct dwcp_ulp_ctx *ctx, int dir,
			 struct dwcp_res_policy *p, const struct dwcp_res_call *call)
{
	struct dwcp_ulp_throttle *thr = thr_get(sk, ctx);
	u64 now, until, first = U64_MAX;
	unsigned long flags;
	int d;

	if (!thr)
		return false;
	ulp_use_our_ops(sk);
	/* SIGIO users: the wake's POLL_OUT is sent only after "no space". */
	if (dir == DWCP_ULP_SEND)
		sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
	spin_lock_bh(&thr->lock);
	set_bit(dir, &thr->hidden);
	if (call->t.reason == DWCP_RES_REJECT_RATE) {
		now = ktime_get_ns();
		until = clamp_t(u64, call->t.wait_until, now + 1,
				now + DWCP_ULP_HIDE_MAX_NS);
		thr->until[dir] = until;
		for (d = 0; d < DWCP_ULP_NUM_DIR; d++)
			if (thr->until[d])
				first = min(first, thr->until[d]);
		/* The earliest of both directions: the handler re-arms for the other. */
		hrtimer_start_range_ns(&thr->timer, ns_to_ktime(first),
				       50 * NSEC_PER_USEC, HRTIMER_MODE_ABS_SOFT);
		spin_unlock_bh(&thr->lock);
		return true;
	}
	if (thr->slot_p[dir] != p) {
		thr_slot_drop(thr, dir);
		percpu_ref_get(&p->ref);
		thr->slot_p[dir] = p;
	}
	spin_lock_irqsave(&p->slot_wq.lock, flags);
	if (list_empty(&thr->slot[dir].entry))
		__add_wait_queue_entry_tail(&p->slot_wq, &thr->slot[dir]);
	spin_unlock_irqrestore(&p->slot_wq.lock, flags);
	spin_unlock_bh(&thr->lock);
	/*
	 * Queued, then look: pairs with the barrier between giving a slot
	 * back and looking at slot_wq (fast_release(), dwcp_res_slot_wake()),
	 * so a slot given back meanwhile is seen here or wakes us there.
	 */
	smp_mb();
	dwcp_res_slot_wake(p);
	return true;
}

/*
 * Admit one call of direction @dir. Returns 0 (the call proceeds; *@pp is
 * NULL when the direction is unprotected) or the errno to return.
 */
static int ulp_admit(struct sock *sk, struct dwcp_ulp_ctx *ctx, int dir,
		     struct dwcp_res_call *call, struct dwcp_res_policy **pp,
		     size_t len, long timeo)
{
	struct dwcp_ulp_dir_stats *st = &ctx->st[dir];
	struct dwcp_res_policy *p;
	int err;

	*pp = NULL;
	p = class_get(ctx, dir);
	if (!p)
		return 0;
	err = dwcp_res_admit_peer(p, call, min_t(size_t, len, U32_MAX), timeo,
				  DWCP_RES_ADMIT_TASK | DWCP_RES_ADMIT_STREAM, &ctx->peer);
	if (!err) {
		if (dir == DWCP_ULP_RECV)
			atomic64_inc(&st->admitted);
		*pp = p;
		return 0;
	}
	if (call->t.reason == DWCP_RES_REJECT_RATE ||
	    call->t.reason == DWCP_RES_REJECT_BULKHEAD_FULL ||
	    call->t.reason == DWCP_RES_REJECT_BULKHEAD_WAIT) {
		/* A wait the socket may not make: EAGAIN, as TCP's own. */
		if (ulp_throttle(sk, ctx, dir, p, call))
			err = -EAGAIN;
	}
	dwcp_res_policy_put(p);
	if (call->t.fault == DWCP_RES_FAULT_ERROR ||
	    call->t.fault == DWCP_RES_FAULT_TIMEOUT ||
	    call->t.fault == DWCP_RES_FAULT_PARTITION) {
		/*
		 * The policy admitted the call, then chaos failed it as the
		 * dependency would have: count it as the policy does
		 * (admitted, a FAILURE and a chaos rejection), so that the
		 * sockets' counters sum to their policy's.
		 */
		ulp_count_unlocked(sk, st, dir, DWCP_RES_RESULT_FAILURE);
		atomic64_inc(&st->rejected[DWCP_RES_REJECT_CHAOS]);
	} else if (call->t.reason != DWCP_RES_REJECT_NONE &&
		   call->t.reason < __DWCP_RES_REJECT_MAX) {
		atomic64_inc(&st->rejected[call->t.reason]);
	} else if (err == -EINTR) {
		/* A signal ended a wait: restart the syscall like TCP does. */
		if (call->t.fault != DWCP_PIPE_FAULT_NONE) {
			/* In injected latency: admitted, then CANCELLED. */
			ulp_count_unlocked(sk, st, dir, DWCP_RES_RESULT_CANCELLED);
		}
		atomic64_inc(&st->interrupted);
		err = sock_intr_errno(timeo);
	}
	return err;
}

/*
 * What a socket call's latency measures (Documentation/ulp.rst, "What
 * latency means"): the service, never the idleness of the peer. A send is
 * timed from its admission to TCP's return, as every call. A receive is:
 *  - on a client with a request outstanding (a send since its last
 *    receive), the peer's response time: from that send's return to the
 *    data's delivery, whether the receive blocked or an event loop came
 *    back for data already there;
 *  - otherwise, when data was already queued at the call, the call itself;
 *  - otherwise not at all: it waited for the peer to speak (a server
 *    between requests, a consumer between messages), and that wait is the
 *    peer's business. The call still counts, as an untimed success.
 * Every consumer of latency reads the ticket (the histogram, slow calls,
 * the timeout estimator, the adaptive limit, the health checks and
 * budgets built on them), so they all see this one definition.
 */
static void ulp_mark_request(struct dwcp_ulp_ctx *ctx, bool server, int ret)
{
	if (!server && ret > 0 && rcu_access_pointer(ctx->cls[DWCP_ULP_RECV]))
		WRITE_ONCE(ctx->req_sent_ns, ktime_get_ns());
}

static void ulp_recv_sample(struct dwcp_ulp_ctx *ctx, struct dwcp_res_call *call,
			    bool server, bool ready)
{
	u64 sent = 0;

	if (!server) {
		sent = READ_ONCE(ctx->req_sent_ns);
		if (sent)
			WRITE_ONCE(ctx->req_sent_ns, 0);
	}
	if (call->t.untimed)
		return;			/* not sampled (the fast path's 1 in 8) */
	if (sent)
		call->t.start = min(call->t.start, sent);
	else if (!ready)
		call->t.untimed = 1;
}

/*
 * Complete an admitted call with what the base proto returned (counted
 * already, by ulp_count()). @server: the socket's role, read once per call
 * so that the socket and its policy classify the call alike.
 */
static void ulp_complete(bool server, struct dwcp_res_call *call,
			 struct dwcp_res_policy *p, int ret)
{
	if (!p)
		return;
	if (ret < 0 && !server)
		dwcp_res_transport_error(p, ret);
	dwcp_res_complete(call, ulp_result(server, ret), false);
	dwcp_res_policy_put(p);
}

/*
 * The base proto's sendmsg, counted (when @st) under the socket lock it
 * takes. For TCP that is tcp_sendmsg() itself, opened up: the count goes
 * inside its lock_sock(), as kTLS sends with tcp_sendmsg_locked().
 */
static int ulp_send(struct sock *sk, struct proto *base, struct msghdr *msg,
		    size_t size, struct dwcp_ulp_dir_stats *st, bool server)
{
	int ret;

	if (!st)
		return INDIRECT_CALL_1(base->sendmsg, tcp_sendmsg, sk, msg, size);
	ulp_send_begin(sk, st);
	if (likely(base->sendmsg == tcp_sendmsg)) {
		ret = tcp_sendmsg_locked(sk, msg, size);
	} else {
		release_sock(sk);
		ret = base->sendmsg(sk, msg, size);
		lock_sock(sk);
	}
	return ulp_send_end(sk, st, server, ret);
}

/*
 * Data-path retries (Documentation/ulp.rst, "Retries"). A failed attempt
 * is tried again only when it moved nothing (@moved false: the base proto
 * returned an error and left the message's iterator where it was, or the
 * pipeline's chaos failed it before the base proto ran), only for the
 * transient errors below, within the call's one deadline (the socket
 * timeout, from the first attempt's admission), drawing on the policy's
 * retry budget, after the policy's full-jitter backoff - slept,
 * interruptibly, by a blocking socket; a non-blocking socket retries at
 * once or not at all. Rejections by the pipeline are never retried.
 */
struct ulp_retry {
	u64 deadline;		/* 0 until the first failure */
	u32 attempt;		/* attempts so far */
	bool budget;		/* holds a grant of the retry budget */
	struct dwcp_res_policy *p;	/* the grant's policy (a reference) */
};

/*
 * Is @err, as the attempt of @call ended, a transient error? @chaos: the
 * error came from an injected fault (the pipeline failed the admitted call
 * before the base proto ran).
 */
static bool ulp_transient(int err, const struct dwcp_res_call *call, bool chaos)
{
	if (chaos && call->t.fault == DWCP_RES_FAULT_TIMEOUT)
		return true;
	if (chaos && call->t.fault != DWCP_RES_FAULT_ERROR)
		return false;	/* a partition lasts: no retry into it */
	return err == -ENOBUFS || err == -ENOMEM;
}

/* The attempt is over (@ok: it succeeded): let go of its budget grant. */
static void ulp_retry_end(struct ulp_retry *r, bool ok)
{
	if (r->budget)
		dwcp_res_retry_release(r->p, ok);
	r->budget = false;
	dwcp_res_policy_put(r->p);
	r->p = NULL;
}

/*
 * After a failed attempt of direction @dir (error @err, @call as admitted,
 * @chaos as for ulp_transient): true to try again (the backoff is slept),
 * false to return @err. *@err becomes -ERESTARTSYS/-EINTR when a signal
 * ends the backoff.
 */
static bool ulp_retry(struct dwcp_ulp_ctx *ctx, int dir, struct ulp_retry *r,
		      const struct dwcp_res_call *call, int *err, bool chaos,
		      bool moved, long *timeop)
{
	long timeo = *timeop;
	u64 now, delay;

	ulp_retry_end(r, false);
	if (moved || !ulp_transient(*err, call, chaos))
		return false;
	r->p = class_get(ctx, dir);
	if (!r->p)
		return false;
	now = ktime_get_ns();
	if (!r->deadline) {
		r->deadline = U64_MAX;
		if (timeo > 0)
			r->deadline = dwcp_res_deadline(call->t.untimed ? now :
							min_t(u64, now, call->t.start), timeo);
	}
	if (!dwcp_res_retry_grant(r->p, ++r->attempt, now, r->deadline, timeo > 0,
				  &delay)) {
		dwcp_res_policy_put(r->p);
		r->p = NULL;
		return false;
	}
	r->budget = true;
	atomic64_inc(&ctx->st[dir].retries);
	if (delay && dwcp_res_backoff(now + delay)) {
		ulp_retry_end(r, false);
		*err = sock_intr_errno(timeo);
		return false;
	}
	/* The retry's waits in the pipeline get what is left of the deadline. */
	if (r->deadline != U64_MAX) {
		now = ktime_get_ns();
		*timeop = now < r->deadline ?
			  max_t(long, 1, nsecs_to_jiffies(r->deadline - now)) : 1;
	}
	return true;
}

static int dwcp_ulp_sendmsg(struct sock *sk, struct msghdr *msg, size_t size)
{
	struct dwcp_ulp_ctx *ctx = ulp_ctx(sk);
	struct proto *base = READ_ONCE(ctx->sk_proto);
	struct ulp_retry r = {};
	struct dwcp_res_policy *p;
	/* Written whole by the admission; zeroing it would cost every call. */
	struct dwcp_res_call call __uninitialized;
	size_t left;
	long timeo;
	bool server;
	int ret;

	if (sk->sk_state == TCP_LISTEN)
		return base->sendmsg(sk, msg, size);
	server = READ_ONCE(ctx->server);
	timeo = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	left = msg_data_left(msg);
	for (;;) {
		ret = ulp_admit(sk, ctx, DWCP_ULP_SEND, &call, &p, size, timeo);
		if (!ret) {
			ret = ulp_send(sk, base, msg, size, p ? &ctx->st[DWCP_ULP_SEND] : NULL,
				       server);
			ulp_mark_request(ctx, server, ret);
			ulp_complete(server, &call, p, ret);
			if (likely(ret >= 0) || !p)
				break;
		} else if (call.t.fault == DWCP_PIPE_FAULT_NONE) {
			break;		/* rejected, or a signal: never retried */
		}
		if ((msg->msg_flags & MSG_ZEROCOPY) ||
		    !ulp_retry(ctx, DWCP_ULP_SEND, &r, &call, &ret, !p,
			       msg_data_left(msg) != left, &timeo))
			break;
	}
	if (unlikely(r.p))
		ulp_retry_end(&r, ret >= 0);
	return ret;
}

#ifdef DWCP_HAVE_SENDPAGE
/* The same for sendpage. */
static int ulp_sendpage(struct sock *sk, struct proto *base, struct page *page,
			int offset, size_t size, int flags,
			struct dwcp_ulp_dir_stats *st, bool server)
{
	int ret;

	if (!st)
		return base->sendpage(sk, page, offset, size, flags);
	ulp_send_begin(sk, st);
	if (likely(base->sendpage == tcp_sendpage)) {
		ret = tcp_sendpage_locked(sk, page, offset, size, flags);
	} else {
		release_sock(sk);
		ret = base->sendpage(sk, page, offset, size, flags);
		lock_sock(sk);
	}
	return ulp_send_end(sk, st, server, ret);
}

static int dwcp_ulp_sendpage(struct sock *sk, struct page *page, int offset,
			     size_t size, int flags)
{
	struct dwcp_ulp_ctx *ctx = ulp_ctx(sk);
	struct proto *base = READ_ONCE(ctx->sk_proto);
	struct dwcp_res_policy *p;
	/* Written whole by the admission; zeroing it would cost every call. */
	struct dwcp_res_call call __uninitialized;
	bool server;
	int ret;

	if (sk->sk_state == TCP_LISTEN)
		return base->sendpage(sk, page, offset, size, flags);
	ret = ulp_admit(sk, ctx, DWCP_ULP_SEND, &call, &p, size,
			sock_sndtimeo(sk, flags & MSG_DONTWAIT));
	if (ret)
		return ret;
	server = READ_ONCE(ctx->server);
	ret = ulp_sendpage(sk, base, page, offset, size, flags,
			   p ? &ctx->st[DWCP_ULP_SEND] : NULL, server);
	ulp_mark_request(ctx, server, ret);
	ulp_complete(server, &call, p, ret);
	return ret;
}

static void set_sendpage(struct proto *prot, const struct proto *base)
{
	if (base->sendpage)
		prot->sendpage = dwcp_ulp_sendpage;
}
#else
/* Pages arrive through sendmsg with MSG_SPLICE_PAGES (compat.h). */
static void set_sendpage(struct proto *prot, const struct proto *base)
{
}
#endif

static int dwcp_ulp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			    int flags, int *addr_len)
{
	struct dwcp_ulp_ctx *ctx = ulp_ctx(sk);
	struct proto *base = READ_ONCE(ctx->sk_proto);
	struct ulp_retry r = {};
	struct dwcp_res_policy *p;
	/* Written whole by the admission; zeroing it would cost every call. */
	struct dwcp_res_call call __uninitialized;
	size_t left;
	long timeo;
	bool server;
	int ret;

	/* The error queue carries no data of the peer's. */
	if (sk->sk_state == TCP_LISTEN || (flags & MSG_ERRQUEUE))
		return base->recvmsg(sk, msg, len, flags, addr_len);
	server = READ_ONCE(ctx->server);
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	left = msg_data_left(msg);
	for (;;) {
		/* Byte rates apply to sends only: a receive's size is not known yet. */
		ret = ulp_admit(sk, ctx, DWCP_ULP_RECV, &call, &p, 0, timeo);
		if (!ret) {
			const struct tcp_sock *tp = tcp_sk(sk);
			/* Data (or a FIN) already queued: the call will not wait for it. */
			bool ready = READ_ONCE(tp->rcv_nxt) != READ_ONCE(tp->copied_seq);

			/* A direct call when the base is TCP, as inet_recvmsg() makes it. */
			ret = dwcp_tcp_recvmsg(base, sk, msg, len, flags, addr_len);
			if (p && ret >= 0)
				ulp_recv_sample(ctx, &call, server, ready);
			if (p)
				ulp_count(sk, &ctx->st[DWCP_ULP_RECV], DWCP_ULP_RECV,
					  ulp_result(server, ret), ret);
			ulp_complete(server, &call, p, ret);
			if (likely(ret >= 0) || !p)
				break;
		} else if (call.t.fault == DWCP_PIPE_FAULT_NONE) {
			break;		/* rejected, or a signal: never retried */
		}
		if (!ulp_retry(ctx, DWCP_ULP_RECV, &r, &call, &ret, !p,
			       msg_data_left(msg) != left, &timeo))
			break;
	}
	if (unlikely(r.p))
		ulp_retry_end(&r, ret >= 0);
	return ret;
}

/*
 * May the caller make @sk a user of @p (DWCP_RES_P_BIND)? In process
 * context, for current: setsockopt() of TCP_ULP or of a class. The
 * capability is over the user namespace that owns the socket's network
 * namespace: a tenant is admin of its own namespace's policies, never of
 * the host's. The group is a kgid (mapped when it was set), matched
 * against the caller's effective and supplementary groups.
 */
static bool may_bind(const struct sock *sk, struct dwcp_res_policy *p)
{
	struct user_namespace *ns = sock_net(sk)->user_ns;
	const struct dwcp_pipe_config *cfg;
	u32 bind, gid;
	kgid_t kgid;

	rcu_read_lock();
	cfg = rcu_dereference(p->cfg);
	bind = cfg->bind;
	gid = cfg->bind_gid;
	rcu_read_unlock();
	if (bind == DWCP_RES_BIND_ANY)
		return true;
	/* The group first: a member needs no capability, and logs no denial. */
	kgid = KGIDT_INIT(gid);
	if (gid != DWCP_RES_BIND_GID_NONE && gid_valid(kgid) && in_egroup_p(kgid))
		return true;
	return ns_capable(ns, CAP_NET_ADMIN);
}

/* Set one direction's class (@dir) or both (-1). Socket lock held. */
static int set_class(struct sock *sk, struct dwcp_ulp_ctx *ctx, int dir,
		     sockptr_t optval, unsigned int optlen)
{
	struct dwcp_res_policy *p[DWCP_ULP_NUM_DIR] = {}, *old;
	char name[DWCP_RES_NAME_MAX] = {};
	size_t n;
	int d, err;

	if (optlen < 1)
		return -EINVAL;
	n = min_t(size_t, optlen, sizeof(name));
	if (copy_from_sockptr(name, optval, n))
		return -EFAULT;
	n = strnlen(name, n);
	/* 1..31 characters, with or without a NUL after them. */
	if (!n || n >= sizeof(name))
		return -EINVAL;
	for (d = 0; d < DWCP_ULP_NUM_DIR; d++) {
		if (dir >= 0 && d != dir)
			continue;
		p[d] = dwcp_res_policy_get(sock_net(sk), name);
		if (!p[d] || !may_bind(sk, p[d])) {
			err = p[d] ? -EPERM : -ENOENT;
			dwcp_res_policy_put(p[d]);
			if (d != 0)
				dwcp_res_policy_put(p[0]);
			return err;
		}
	}
	for (d = 0; d < DWCP_ULP_NUM_DIR; d++) {
		if (!p[d])
			continue;
		old = rcu_replace_pointer(ctx->cls[d], p[d], lockdep_sock_is_held(sk));
		/* Calls in flight hold their own reference. */
		dwcp_res_policy_put(old);
		thr_forget(sk, READ_ONCE(ctx->thr), d);
	}
	return 0;
}

static int set_role(struct dwcp_ulp_ctx *ctx, sockptr_t optval, unsigned int optlen)
{
	int role;

	if (optlen < sizeof(role))
		return -EINVAL;
	if (copy_from_sockptr(&role, optval, sizeof(role)))
		return -EFAULT;
	if (role != DWCP_RES_ROLE_CLIENT && role != DWCP_RES_ROLE_SERVER)
		return -EINVAL;
	WRITE_ONCE(ctx->server, role == DWCP_RES_ROLE_SERVER);
	return 0;
}

static int dwcp_ulp_setsockopt(struct sock *sk, int level, int optname,
			       sockptr_t optval, unsigned int optlen)
{
	struct dwcp_ulp_ctx *ctx = ulp_ctx(sk);
	int err;

	if (level != SOL_DWCP)
		return READ_ONCE(ctx->sk_proto)->setsockopt(sk, level, optname,
							    optval, optlen);
	lock_sock(sk);
	switch (optname) {
	case DWCP_SO_CLASS:
		err = set_class(sk, ctx, -1, optval, optlen);
		break;
	case DWCP_SO_SEND_CLASS:
		err = set_class(sk, ctx, DWCP_ULP_SEND, optval, optlen);
		break;
	case DWCP_SO_RECV_CLASS:
		err = set_class(sk, ctx, DWCP_ULP_RECV, optval, optlen);
		break;
	case DWCP_SO_ROLE:
		err = set_role(ctx, optval, optlen);
		break;
	default:
		err = -ENOPROTOOPT;
		break;
	}
	release_sock(sk);
	return err;
}

static int get_class(struct dwcp_ulp_ctx *ctx, int dir, char __user *optval,
		     int __user *optlen)
{
	char name[DWCP_RES_NAME_MAX] = {};
	struct dwcp_res_policy *p;
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(int, len, sizeof(name));
	rcu_read_lock();
	p = rcu_dereference(ctx->cls[dir]);
	if (p)
		strscpy(name, p->name, sizeof(name));
	rcu_read_unlock();
	if (put_user(len, optlen) || copy_to_user(optval, name, len))
		return -EFAULT;
	return 0;
}

static void get_dir_stats(const struct dwcp_ulp_dir_stats *s,
			  struct dwcp_res_sock_dir_stats *d)
{
	int i;

	d->admitted = atomic64_read(&s->admitted);
	d->bytes = atomic64_read(&s->bytes);
	d->interrupted = atomic64_read(&s->interrupted);
	for (i = 0; i < __DWCP_RES_RESULT_MAX && i < ARRAY_SIZE(d->results); i++)
		d->results[i] = atomic64_read(&s->results[i]);
	for (i = 1; i < __DWCP_RES_REJECT_MAX && i < ARRAY_SIZE(d->rejected); i++)
		d->rejected[i] = atomic64_read(&s->rejected[i]);
}

static int get_stats(struct dwcp_ulp_ctx *ctx, char __user *optval,
		     int __user *optlen)
{
	struct dwcp_res_sock_stats st = {};
	int len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(int, len, sizeof(st));
	get_dir_stats(&ctx->st[DWCP_ULP_SEND], &st.send);
	get_dir_stats(&ctx->st[DWCP_ULP_RECV], &st.recv);
	st.send_retries = atomic64_read(&ctx->st[DWCP_ULP_SEND].retries);
	st.recv_retries = atomic64_read(&ctx->st[DWCP_ULP_RECV].retries);
	if (put_user(len, optlen) || copy_to_user(optval, &st, len))
		return -EFAULT;
	return 0;
}

static int get_role(struct dwcp_ulp_ctx *ctx, char __user *optval,
		    int __user *optlen)
{
	int len, role = READ_ONCE(ctx->server) ? DWCP_RES_ROLE_SERVER :
						 DWCP_RES_ROLE_CLIENT;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < (int)sizeof(role))
		return -EINVAL;
	len = sizeof(role);
	if (put_user(len, optlen) || copy_to_user(optval, &role, len))
		return -EFAULT;
	return 0;
}

static int dwcp_ulp_getsockopt(struct sock *sk, int level, int optname,
			       char __user *optval, int __user *optlen)
{
	struct dwcp_ulp_ctx *ctx = ulp_ctx(sk);

	if (level != SOL_DWCP)
		return READ_ONCE(ctx->sk_proto)->getsockopt(sk, level, optname,
							    optval, optlen);
	switch (optname) {
	case DWCP_SO_CLASS:
	case DWCP_SO_SEND_CLASS:
		return get_class(ctx, DWCP_ULP_SEND, optval, optlen);
	case DWCP_SO_RECV_CLASS:
		return get_class(ctx, DWCP_ULP_RECV, optval, optlen);
	case DWCP_SO_STATS:
		return get_stats(ctx, optval, optlen);
	case DWCP_SO_ROLE:
		return get_role(ctx, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

/*
 * Put the base proto back and detach the context; the caller frees it
 * after the swap. Called with the socket lock held or on a dead socket.
 */
static struct dwcp_ulp_ctx *ulp_detach(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct dwcp_ulp_ctx *ctx;

	write_lock_bh(&sk->sk_callback_lock);
	ctx = rcu_dereference_protected(icsk->icsk_ulp_data,
					lockdep_is_held(&sk->sk_callback_lock));
	if (ctx) {
		if (sk->sk_prot == &dwcp_prots[ip_ver(sk)])
			WRITE_ONCE(sk->sk_prot, ctx->sk_proto);
		rcu_assign_pointer(icsk->icsk_ulp_data, NULL);
	}
	write_unlock_bh(&sk->sk_callback_lock);
	return ctx;
}

static void dwcp_ulp_close(struct sock *sk, long timeout)
{
	struct dwcp_ulp_ctx *ctx;
	struct proto *base;

	lock_sock(sk);
	base = READ_ONCE(ulp_ctx(sk)->sk_proto);
	ctx = ulp_detach(sk);
	release_sock(sk);
	if (ctx)
		thr_stop(ctx->thr);
	base->close(sk, timeout);
	ctx_free(ctx);
}

/*
 * TCP's poll, less the directions a refusal hid (struct dwcp_ulp_throttle).
 * TCP's poll put us on the socket's wait queue with a full barrier after
 * (sock_poll_wait()), before @hidden is read: a wake that clears a bit
 * after this read finds us queued.
 */
static __poll_t dwcp_ulp_poll(struct file *file, struct socket *sock,
			      struct poll_table_struct *wait)
{
	struct sock *sk = sock->sk;
	const struct proto_ops *base = READ_ONCE(saved_ops[ip_ver(sk)]);
	struct dwcp_ulp_throttle *thr;
	struct dwcp_ulp_ctx *ctx;
	unsigned long hidden = 0;
	__poll_t mask;

	mask = INDIRECT_CALL_1(base->poll, tcp_poll, file, sock, wait);
	rcu_read_lock();
	ctx = rcu_dereference(inet_csk(sk)->icsk_ulp_data);
	thr = ctx ? READ_ONCE(ctx->thr) : NULL;
	if (thr)
		hidden = READ_ONCE(thr->hidden);
	rcu_read_unlock();
	if (hidden & BIT(DWCP_ULP_SEND))
		mask &= ~(EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND);
	if (hidden & BIT(DWCP_ULP_RECV))
		mask &= ~(EPOLLIN | EPOLLRDNORM | EPOLLRDBAND);
	return mask;
}

static void build_proto(struct proto *prot, const struct proto *base)
{
	*prot = *base;
	prot->sendmsg = dwcp_ulp_sendmsg;
	prot->recvmsg = dwcp_ulp_recvmsg;
	set_sendpage(prot, base);
	prot->setsockopt = dwcp_ulp_setsockopt;
	prot->getsockopt = dwcp_ulp_getsockopt;
	prot->close = dwcp_ulp_close;
}

/* Rebuild the table of @sk's IP version when its base proto moved. */
static void ulp_build_proto(struct sock *sk)
{
	struct proto *prot = READ_ONCE(sk->sk_prot);
	int v = ip_ver(sk);

	/* Pairs with the release below: the table is complete before its base. */
	if (likely(prot == smp_load_acquire(&saved_prot[v])))
		return;
	mutex_lock(&dwcp_prot_mutex);
	if (prot != saved_prot[v]) {
		build_proto(&dwcp_prots[v], prot);
		/* Publish the base only once the table built from it is. */
		smp_store_release(&saved_prot[v], prot);
	}
	mutex_unlock(&dwcp_prot_mutex);
}

/* A remote address as a chaos peer; IPv4-mapped IPv6 counts as IPv4. */
static void peer_v4(struct dwcp_chaos_peer *peer, __be32 addr)
{
	memset(peer, 0, sizeof(*peer));
	peer->family = 4;
	peer->prefix = 32;
	memcpy(peer->addr, &addr, 4);
}

static void peer_v6(struct dwcp_chaos_peer *peer, const struct in6_addr *addr)
{
	if (ipv6_addr_v4mapped(addr)) {
		peer_v4(peer, addr->s6_addr32[3]);
		return;
	}
	peer->family = 6;
	peer->prefix = 128;
	memcpy(peer->addr, addr, 16);
}

static void peer_of_sock(struct dwcp_chaos_peer *peer, const struct sock *sk)
{
#if IS_ENABLED(CONFIG_IPV6)
	if (sk->sk_family == AF_INET6) {
		peer_v6(peer, &sk->sk_v6_daddr);
		return;
	}
#endif
	peer_v4(peer, sk->sk_daddr);
}

/* A child's peer, from its request (its own daddr is not set yet). */
static void peer_of_req(struct dwcp_chaos_peer *peer, const struct request_sock *req)
{
	const struct inet_request_sock *ireq = inet_rsk(req);

#if IS_ENABLED(CONFIG_IPV6)
	if (req->rsk_ops->family == AF_INET6) {
		peer_v6(peer, &ireq->ir_v6_rmt_addr);
		return;
	}
#endif
	peer_v4(peer, ireq->ir_rmt_addr);
}

static struct dwcp_ulp_ctx *ctx_alloc(gfp_t gfp)
{
	return kmem_cache_zalloc(dwcp_ulp_ctx_cache, gfp);
}

static struct tcp_ulp_ops dwcp_ulp_ops;

static int dwcp_ulp_init(struct sock *sk)
{
	struct inet_connection_sock *icsk = inet_csk(sk);
	struct dwcp_res_policy *send, *recv;
	struct net *net = sock_net(sk);
	struct dwcp_ulp_ctx *ctx;
	bool psock;
	int err;

	/*
	 * Established sockets, and listeners (their children inherit the ULP
	 * through .clone). Not before connect(): the base proto could still
	 * change under a socket that is not connected (sockmap, v4-mapped).
	 */
	if (sk->sk_state != TCP_ESTABLISHED && sk->sk_state != TCP_LISTEN)
		return -ENOTCONN;
	/* sockmap refuses sockets with a ULP; refuse sockets in a sockmap. */
	rcu_read_lock();
	psock = !!sk_psock(sk);
	rcu_read_unlock();
	if (psock)
		return -EINVAL;

	/* A missing default class leaves that direction unprotected. */
	send = dwcp_res_policy_get(net, DWCP_RES_CLASS_SEND);
	recv = dwcp_res_policy_get(net, DWCP_RES_CLASS_RECEIVE);
	if ((send && !may_bind(sk, send)) || (recv && !may_bind(sk, recv))) {
		err = -EPERM;
		goto put;
	}
	ctx = ctx_alloc(GFP_KERNEL);
	if (!ctx) {
		err = -ENOMEM;
		goto put;
	}
	RCU_INIT_POINTER(ctx->cls[DWCP_ULP_SEND], send);
	RCU_INIT_POINTER(ctx->cls[DWCP_ULP_RECV], recv);
	/* A listener's own peer is unspecified; its children get theirs. */
	if (sk->sk_state == TCP_ESTABLISHED)
		peer_of_sock(&ctx->peer, sk);

	ulp_build_proto(sk);
	write_lock_bh(&sk->sk_callback_lock);
	ctx->sk_proto = READ_ONCE(sk->sk_prot);
	/*
	 * A listener takes SYNs without its lock, so sk_clone_lock() may copy
	 * it at any point of this: __tcp_set_ulp() sets icsk_ulp_ops only
	 * after we return, and a child copied in between had our proto and
	 * this context but no ULP ops, so .clone never ran for it and its
	 * close freed the listener's context. Set the ops first: every child
	 * copied from here on runs .clone, which reads the listener's context
	 * itself (under RCU) and either takes a context of its own or turns
	 * plain. The releases below order it before the context and the proto.
	 */
	if (sk->sk_state == TCP_LISTEN)
		WRITE_ONCE(icsk->icsk_ulp_ops, &dwcp_ulp_ops);
	/* The context is visible before the proto that uses it. */
	rcu_assign_pointer(icsk->icsk_ulp_data, ctx);
	/* Release: the ops and the context before the proto. */
	smp_store_release(&sk->sk_prot, &dwcp_prots[ip_ver(sk)]);
	write_unlock_bh(&sk->sk_callback_lock);
	if (sk->sk_state == TCP_LISTEN)
		DWCP_RES_TEST_HOOK(listener_init, sk);
	return 0;

put:
	dwcp_res_policy_put(send);
	dwcp_res_policy_put(recv);
	return err;
}

#if IS_ENABLED(CONFIG_KUNIT)
dwcp_res_test_sock_hook_t dwcp_res_test_listener_init;
EXPORT_SYMBOL_GPL(dwcp_res_test_listener_init);
#endif

/* sockmap put its proto under ours and now takes it away (tcp_bpf). */
static void dwcp_ulp_update(struct sock *sk, struct proto *p,
			    void (*write_space)(struct sock *sk))
{
	struct dwcp_ulp_ctx *ctx;

	/* sk_psock_drop() holds sk_callback_lock. */
	ctx = rcu_dereference_protected(inet_csk(sk)->icsk_ulp_data,
					lockdep_is_held(&sk->sk_callback_lock) ||
					lockdep_sock_is_held(sk));
	/* The ULP never replaces sk_write_space; sockmap's goes back. */
	sk->sk_write_space = write_space;
	if (likely(ctx))
		WRITE_ONCE(ctx->sk_proto, p);
	else
		WRITE_ONCE(sk->sk_prot, p);
}

/* The socket is being destroyed; close may never have run (see top). */
static void dwcp_ulp_release(struct sock *sk)
{
	struct dwcp_ulp_ctx *ctx = ulp_detach(sk);

	/* Only a socket that made calls has one, and close stopped it. */
	if (ctx)
		thr_stop(ctx->thr);
	ctx_free(ctx);
}

/*
 * A listener's child, in softirq: sk_clone_lock() copied the listener's
 * sk_prot, icsk_ulp_ops and icsk_ulp_data. Give the child its own context
 * with the listener's classes, or, if that fails or the listener is closing,
 * turn it into a plain TCP socket. Keeping the ULP costs a module reference:
 * tcp_cleanup_ulp() drops one for every socket, inet_clone_ulp() takes none.
 */
/*
 * sk_clone_lock() made the listener's proto - our table - the child's
 * sk_prot_creator, and the kernel keeps using that pointer after the
 * socket has left us: its time-wait socket takes it as tw_prot and frees
 * itself through it, and the final sk_prot_free() reads it, possibly long
 * after this module is gone (KASAN caught a time-wait timer reading the
 * freed table). Point it at the base proto instead: the child's memory
 * came from the same slab, which our table only borrowed from the base.
 */
static void fix_prot_creator(struct sock *newsk, int v, struct proto *base)
{
	if (newsk->sk_prot_creator == &dwcp_prots[v] && base)
		newsk->sk_prot_creator = base;
}

static void dwcp_ulp_clone(const struct request_sock *req, struct sock *newsk,
			   const gfp_t priority)
{
	struct inet_connection_sock *icsk = inet_csk(newsk);
	struct dwcp_ulp_ctx *lctx, *ctx;
	struct dwcp_res_policy *p;
	int v = ip_ver(newsk);
	struct proto *base;
	int d;

	ctx = ctx_alloc(priority);
	rcu_read_lock();
	lctx = rcu_dereference(inet_csk(req->rsk_listener)->icsk_ulp_data);
	if (!ctx || !lctx) {
		rcu_read_unlock();
		if (ctx)
			kmem_cache_free(dwcp_ulp_ctx_cache, ctx);
		goto plain;
	}
	ctx->sk_proto = READ_ONCE(lctx->sk_proto);
	/* An accepted connection: the peer is a client of ours. */
	ctx->server = true;
	peer_of_req(&ctx->peer, req);
	for (d = 0; d < DWCP_ULP_NUM_DIR; d++) {
		/* The listener's references are put after a grace period. */
		p = rcu_dereference(lctx->cls[d]);
		if (p && !percpu_ref_tryget(&p->ref))
			p = NULL;
		RCU_INIT_POINTER(ctx->cls[d], p);
	}
	rcu_read_unlock();
	__module_get(THIS_MODULE);
	rcu_assign_pointer(icsk->icsk_ulp_data, ctx);
	WRITE_ONCE(newsk->sk_prot, &dwcp_prots[v]);
	fix_prot_creator(newsk, v, ctx->sk_proto);
	return;

plain:
	/* The table is in use, so its base was published (release). */
	base = smp_load_acquire(&saved_prot[v]);
	if (READ_ONCE(newsk->sk_prot) == &dwcp_prots[v])
		WRITE_ONCE(newsk->sk_prot, base);
	fix_prot_creator(newsk, v, base);
	RCU_INIT_POINTER(icsk->icsk_ulp_data, NULL);
	icsk->icsk_ulp_ops = NULL;
}

static int dwcp_ulp_get_info(struct sock *sk, struct sk_buff *skb)
{
	static const int type[DWCP_ULP_NUM_DIR] = {
		[DWCP_ULP_SEND] = DWCP_RES_ULP_INFO_SEND_CLASS,
		[DWCP_ULP_RECV] = DWCP_RES_ULP_INFO_RECV_CLASS,
	};
	struct dwcp_res_policy *p;
	struct dwcp_ulp_ctx *ctx;
	struct nlattr *nest;
	int d, err = 0;

	nest = nla_nest_start_noflag(skb, DWCP_RES_ULP_INFO);
	if (!nest)
		return -EMSGSIZE;
	rcu_read_lock();
	ctx = rcu_dereference(inet_csk(sk)->icsk_ulp_data);
	for (d = 0; ctx && !err && d < DWCP_ULP_NUM_DIR; d++) {
		p = rcu_dereference(ctx->cls[d]);
		if (p)
			err = nla_put_string(skb, type[d], p->name);
	}
	rcu_read_unlock();
	if (err) {
		nla_nest_cancel(skb, nest);
		return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static size_t dwcp_ulp_get_info_size(const struct sock *sk)
{
	return nla_total_size(0) +				/* DWCP_RES_ULP_INFO */
	       2 * nla_total_size(DWCP_RES_NAME_MAX);	/* the two classes */
}

static struct tcp_ulp_ops dwcp_ulp_ops __read_mostly = {
	.name		= "dwcp",
	.owner		= THIS_MODULE,
	.init		= dwcp_ulp_init,
	.update		= dwcp_ulp_update,
	.release	= dwcp_ulp_release,
	.get_info	= dwcp_ulp_get_info,
	.get_info_size	= dwcp_ulp_get_info_size,
	.clone		= dwcp_ulp_clone,
};

int dwcp_res_ulp_init(void)
{
	int err;

	dwcp_ulp_ctx_cache = KMEM_CACHE(dwcp_ulp_ctx, 0);
	if (!dwcp_ulp_ctx_cache)
		return -ENOMEM;
	err = tcp_register_ulp(&dwcp_ulp_ops);
	if (err)
		kmem_cache_destroy(dwcp_ulp_ctx_cache);
	return err;
}

void dwcp_res_ulp_exit(void)
{
	tcp_unregister_ulp(&dwcp_ulp_ops);
	/* Every socket is gone (each held a module reference); their frees are not. */
	rcu_barrier();
	kmem_cache_destroy(dwcp_ulp_ctx_cache);
}

MODULE_ALIAS_TCP_ULP("dwcp");
