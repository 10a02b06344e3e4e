// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the ULP on real loopback sockets of the initial namespace.
 *
 * A listener takes SYNs without its socket lock, so connections complete
 * while setsockopt(TCP_ULP, "dwcp") is still inside the ULP's .init.
 * dwcp_res_test_listener_init (test builds only) runs at the end of .init
 * for a listener; here it completes connections right there, every time,
 * instead of once in a million. Each child must come out whole: the ULP's
 * ops with a context of its own, or plain TCP with neither. Before the fix
 * the children had the listener's proto and context and no ops: .clone
 * never ran, and closing one freed the listener's context.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/sockptr.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "dwcp_res.h"

#define WINDOW_CONNS	4

static struct sockaddr_in listener_addr;
static struct socket *clients[WINDOW_CONNS];
static int window_connected;

static DECLARE_COMPLETION(connect_done);

static void connect_all(struct work_struct *work)
{
	int i;

	for (i = 0; i < WINDOW_CONNS; i++) {
		if (sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP,
				     &clients[i]) ||
		    kernel_connect(clients[i], (struct sockaddr *)&listener_addr,
				   sizeof(listener_addr), 0))
			break;
		window_connected++;
	}
	complete(&connect_done);
}

static DECLARE_WORK(connect_work, connect_all);

/*
 * The hook: connect while the listener's .init has not returned yet. From
 * a worker, as a client would: this task holds the listener's socket lock,
 * and lockdep would see the clients' (same class) as recursion; a
 * completion, not flush_work(), which lockdep would follow into the work.
 */
static void connect_in_window(struct sock *sk)
{
	reinit_completion(&connect_done);
	queue_work(system_unbound_wq, &connect_work);
	wait_for_completion(&connect_done);
}

static void listener_children_are_never_half_attached(struct kunit *test)
{
	struct inet_connection_sock *licsk;
	struct socket *l, *child;
	int i, err;

	KUNIT_ASSERT_EQ(test, sock_create_kern(&init_net, AF_INET, SOCK_STREAM,
					       IPPROTO_TCP, &l), 0);
	listener_addr.sin_family = AF_INET;
	listener_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	listener_addr.sin_port = 0;
	KUNIT_ASSERT_EQ(test, kernel_bind(l, (struct sockaddr *)&listener_addr,
					  sizeof(listener_addr)), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(l, 16), 0);
	KUNIT_ASSERT_GT(test, kernel_getsockname(l, (struct sockaddr *)&listener_addr), 0);

	window_connected = 0;
	WRITE_ONCE(dwcp_res_test_listener_init, connect_in_window);
	err = l->ops->setsockopt(l, SOL_TCP, TCP_ULP, KERNEL_SOCKPTR("dwcp"), 4);
	WRITE_ONCE(dwcp_res_test_listener_init, NULL);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_ASSERT_EQ(test, window_connected, WINDOW_CONNS);

	licsk = inet_csk(l->sk);
	for (i = 0; i < WINDOW_CONNS; i++) {
		struct inet_connection_sock *icsk;
		bool whole, plain;

		KUNIT_ASSERT_EQ(test, kernel_accept(l, &child, O_NONBLOCK), 0);
		icsk = inet_csk(child->sk);
		whole = icsk->icsk_ulp_ops == licsk->icsk_ulp_ops &&
			rcu_access_pointer(icsk->icsk_ulp_data) &&
			rcu_access_pointer(icsk->icsk_ulp_data) !=
			rcu_access_pointer(licsk->icsk_ulp_data) &&
			child->sk->sk_prot == l->sk->sk_prot;
		plain = !icsk->icsk_ulp_ops && !rcu_access_pointer(icsk->icsk_ulp_data) &&
			child->sk->sk_prot != l->sk->sk_prot;
		KUNIT_EXPECT_TRUE_MSG(test, whole || plain,
				      "child %d: ulp ops %p, context %s the listener's, proto %s",
				      i, icsk->icsk_ulp_ops,
				      rcu_access_pointer(icsk->icsk_ulp_data) ==
				      rcu_access_pointer(licsk->icsk_ulp_data) ? "is" : "is not",
				      child->sk->sk_prot == l->sk->sk_prot ? "ours" : "TCP's");
		/* Connected in the window, after the listener was published. */
		KUNIT_EXPECT_TRUE(test, whole);
		if (whole || plain)
			sock_release(child);
		/* else leak it: its close would free the listener's context */
	}
	for (i = 0; i < WINDOW_CONNS; i++)
		if (clients[i])
			sock_release(clients[i]);
	memset(clients, 0, sizeof(clients));
	sock_release(l);
}

static struct kunit_case dwcp_ulp_cases[] = {
	KUNIT_CASE(listener_children_are_never_half_attached),
	{}
};

static struct kunit_suite dwcp_ulp_suite = {
	.name = "dwcp_ulp",
	.test_cases = dwcp_ulp_cases,
};

kunit_test_suite(dwcp_ulp_suite);
