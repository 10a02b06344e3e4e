/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resctl's netlink session: one generic netlink socket talking to dwcp_res,
 * with extended acks turned on so kernel messages reach the user verbatim.
 */
#ifndef RESCTL_NL_H
#define RESCTL_NL_H

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

struct resctl_nl {
	struct nl_sock *sk;
	int family;
};

/* Called for each reply message, with its attributes parsed (tb[0..max]). */
typedef int (*resctl_reply_fn)(struct nlattr **tb, void *arg);

/*
 * Connect and resolve the dwcp_res family. Prints a one-line explanation and
 * returns -1 when the module is not loaded or netlink is unavailable.
 */
int resctl_nl_open(struct resctl_nl *nl);
void resctl_nl_close(struct resctl_nl *nl);

/* Start a request for @cmd; NULL on allocation failure. */
struct nl_msg *resctl_nl_msg(struct resctl_nl *nl, int cmd, int flags);

/*
 * Send @msg (consumed), feed every reply to @fn and wait for the ack. On a
 * kernel error prints "resctl: <strerror>: <extack message>" and returns the
 * negative errno; returns 0 on success.
 */
int resctl_nl_request(struct resctl_nl *nl, struct nl_msg *msg,
		      resctl_reply_fn fn, void *arg);

#endif /* RESCTL_NL_H */
