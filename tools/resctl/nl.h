/* SPDX-License-Identifier: GPL-2.0 */
/*
 * resctl's netlink session: one generic netlink socket talking to dwcp_res,
 * with extended acks turned on so kernel messages reach the user verbatim.
 */
#ifndef RESCTL_NL_H
#define RESCTL_NL_H

#include <stdbool.h>
#include <stdint.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

struct resctl_nl {
	struct nl_sock *sk;
	int family;
};

/*
 * Called for each reply message, with its attributes parsed (tb[0..max]);
 * @nlh is there for replies that repeat an attribute (walk them with
 * nla_for_each_attr over genlmsg_attrdata()). A negative return stops.
 */
typedef int (*resctl_reply_fn)(struct nlattr **tb, struct nlmsghdr *nlh, void *arg);

/* Adds a request's attributes; returns negative if the message is full. */
typedef int (*resctl_fill_fn)(struct nl_msg *msg, void *arg);

/*
 * Connect and resolve the dwcp_res family. Prints a one-line explanation and
 * returns -1 when the module is not loaded or netlink is unavailable.
 */
/* Seconds a request waits for the kernel's reply before giving up. */
#define RESCTL_REPLY_TIMEOUT_S	10

int resctl_nl_open(struct resctl_nl *nl);
void resctl_nl_close(struct resctl_nl *nl);

/*
 * One socket for many commands (batch, apply): after resctl_nl_share(),
 * resctl_nl_open() hands out that socket and resctl_nl_close() leaves it
 * open, until resctl_nl_unshare() (calls nest: the last unshare closes
 * it). resctl_nl_drain() throws away whatever
 * a failed request left unread on it. resctl_nl_share() prints why and
 * returns -1 when the family cannot be reached.
 */
int resctl_nl_share(void);
void resctl_nl_unshare(void);
void resctl_nl_drain(void);

/*
 * A name for attribute @type, nested in @parent (0: top level), as the
 * user wrote it (policy KEYs, fault options); NULL when there is none.
 */
const char *resctl_attr_name(int parent, int type);

/* The policy KEY of a DWCP_RES_P_* attribute (cmd_policy.c), or NULL. */
const char *resctl_policy_key_of(int attr);

/* Start a request for @cmd; NULL on allocation failure. */
struct nl_msg *resctl_nl_msg(struct resctl_nl *nl, int cmd, int flags);

/*
 * Send @msg (consumed), feed every reply to @fn and wait for the ack (or
 * the end of a dump). On a kernel error prints "resctl: <strerror>: <extack
 * message>" (-EPERM without a message: that CAP_NET_ADMIN is needed) and
 * returns the negative errno; returns 0 on success.
 */
int resctl_nl_request(struct resctl_nl *nl, struct nl_msg *msg,
		      resctl_reply_fn fn, void *arg);

/*
 * The whole round trip of one request: open, build @cmd (with @flags, e.g.
 * NLM_F_DUMP), add attributes with @fill (may be NULL), feed the replies to
 * @fn (may be NULL), close. Errors are printed; returns RESCTL_EXIT_OK or
 * RESCTL_EXIT_FAIL.
 */
int resctl_nl_call(int cmd, int flags, resctl_fill_fn fill, void *fill_arg,
		   resctl_reply_fn fn, void *arg);

/*
 * Read an unsigned integer attribute of any width (1, 2, 4 or 8 bytes), so
 * a reply is never misread if a field grows. False if @a is NULL or has an
 * odd length.
 */
bool resctl_attr_uint(const struct nlattr *a, uint64_t *v);

#endif /* RESCTL_NL_H */
