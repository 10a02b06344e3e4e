// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: generic netlink plumbing on top of libnl-genl-3.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/netlink.h>
#include <linux/dwcp_res.h>
#include <netlink/genl/ctrl.h>

#include "nl.h"
#include "resctl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

struct request_ctx {
	resctl_reply_fn fn;
	void *arg;
	int err;		/* negative errno from the kernel, or from @fn */
	int done;
	char extack[256];	/* NLMSGERR_ATTR_MSG, if the kernel sent one */
	char where[160];	/* the attribute it points at, and what is allowed */
	const struct nlmsghdr *sent;	/* the request, to resolve the offset */
};

/*
 * The socket every command shares while a batch or an apply runs; counted,
 * so that an apply inside a batch keeps the batch's socket.
 */
static struct resctl_nl shared;
static int shared_users;

/* How long a request waits for its reply (SO_RCVTIMEO). */
static const struct timeval reply_timeout = { .tv_sec = RESCTL_REPLY_TIMEOUT_S };

int resctl_nl_open(struct resctl_nl *nl)
{
	int one = 1;
	int err;

	if (shared.sk) {
		*nl = shared;
		return 0;
	}

	nl->sk = nl_socket_alloc();
	if (!nl->sk) {
		fprintf(stderr, "resctl: out of memory\n");
		return -1;
	}
	err = genl_connect(nl->sk);
	if (err < 0) {
		fprintf(stderr, "resctl: cannot open a generic netlink socket: %s\n",
			nl_geterror(err));
		goto fail;
	}
	/*
	 * No wait for ever: resctl runs at boot before the network, and a
	 * reply that never comes must not keep a host off it.
	 */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_SOCKET, SO_RCVTIMEO, &reply_timeout,
		   sizeof(reply_timeout));
	/* Best effort: old kernels simply send no extack. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK,
		   &one, sizeof(one));

	nl->family = genl_ctrl_resolve(nl->sk, DWCP_RES_GENL_NAME);
	if (nl->family < 0) {
		fprintf(stderr, "resctl: dwcp_res is not loaded (modprobe dwcp_res)\n");
		goto fail;
	}
	return 0;
fail:
	nl_socket_free(nl->sk);
	nl->sk = NULL;
	return -1;
}

void resctl_nl_close(struct resctl_nl *nl)
{
	if (nl->sk != shared.sk)
		nl_socket_free(nl->sk);
	nl->sk = NULL;
}

int resctl_nl_share(void)
{
	struct resctl_nl nl;

	if (!shared.sk) {
		if (resctl_nl_open(&nl))
			return -1;
		shared = nl;
	}
	shared_users++;
	return 0;
}

void resctl_nl_unshare(void)
{
	if (!shared.sk || --shared_users > 0)
		return;
	nl_socket_free(shared.sk);
	shared.sk = NULL;
}

void resctl_nl_drain(void)
{
	char buf[8192];

	if (!shared.sk)
		return;
	while (recv(nl_socket_get_fd(shared.sk), buf, sizeof(buf), MSG_DONTWAIT) > 0)
		;
}

struct nl_msg *resctl_nl_msg(struct resctl_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0,
			 flags, cmd, DWCP_RES_GENL_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;
	struct nlattr *tb[DWCP_RES_A_MAX + 1];
	int err;

	err = genlmsg_parse(nlmsg_hdr(msg), 0, tb, DWCP_RES_A_MAX, NULL);
	if (err < 0) {
		ctx->err = -EPROTO;
		return NL_STOP;
	}
	if (ctx->fn) {
		err = ctx->fn(tb, nlmsg_hdr(msg), ctx->arg);
		if (err < 0) {
			ctx->err = err;
			return NL_STOP;
		}
	}
	return NL_OK;
}

/*
 * Name the attribute at byte @off of the request we sent: the kernel's
 * range messages ("integer out of range") do not say which attribute they
 * mean, only where it is (NLMSGERR_ATTR_OFFS). Nested attributes are
 * named by resctl's own key names.
 */
static const char *attr_at(const struct nlmsghdr *req, uint32_t off)
{
	const struct nlattr *a, *c;
	int rem, crem;
	uint32_t base;

	if (!req || off >= req->nlmsg_len)
		return NULL;
	base = NLMSG_HDRLEN + GENL_HDRLEN;
	a = (const struct nlattr *)((const char *)req + base);
	rem = (int)req->nlmsg_len - (int)base;
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		uint32_t at = (uint32_t)((const char *)a - (const char *)req);

		if (off == at)
			return resctl_attr_name(0, nla_type(a));
		if (off < at || off >= at + nla_len(a) + NLA_HDRLEN)
			continue;
		c = nla_data(a);
		crem = nla_len(a);
		for (; nla_ok(c, crem); c = nla_next(c, &crem))
			if ((const char *)c - (const char *)req == (long)off)
				return resctl_attr_name(nla_type(a), nla_type(c));
		return resctl_attr_name(0, nla_type(a));
	}
	return NULL;
}

/* The allowed range the kernel reports (NLMSGERR_ATTR_POLICY), if any. */
static void policy_range(const struct nlattr *pol, char *buf, size_t len)
{
	const struct nlattr *a;
	uint64_t umin = 0, umax = 0;
	int64_t smin = 0, smax = 0;
	int rem, has_u = 0, has_s = 0, has_len = 0;

	nla_for_each_nested(a, pol, rem) {
		switch (nla_type(a)) {
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_U:
			umin = nla_get_u64((struct nlattr *)a);
			has_u = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_U:
			umax = nla_get_u64((struct nlattr *)a);
			has_u = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MIN_VALUE_S:
			smin = (int64_t)nla_get_u64((struct nlattr *)a);
			has_s = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_VALUE_S:
			smax = (int64_t)nla_get_u64((struct nlattr *)a);
			has_s = 1;
			break;
		case NL_POLICY_TYPE_ATTR_MAX_LENGTH:
			umax = nla_get_u32((struct nlattr *)a);
			has_len = 1;
			break;
		}
	}
	if (has_u)
		snprintf(buf, len, " (allowed %llu..%llu)", (unsigned long long)umin,
			 (unsigned long long)umax);
	else if (has_s)
		snprintf(buf, len, " (allowed %lld..%lld)", (long long)smin, (long long)smax);
	else if (has_len)
		snprintf(buf, len, " (at most %llu bytes)", (unsigned long long)umax);
}

/* Pull the message, offset and policy out of the TLVs after struct nlmsgerr. */
static void copy_extack(struct nlmsgerr *e, struct request_ctx *ctx)
{
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);
	char range[64] = "";
	const char *name = NULL;
	size_t off = sizeof(*e);
	struct nlattr *a;
	int rem;

	if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (!(h->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - NLMSG_HDRLEN;
	if (NLMSG_HDRLEN + off >= h->nlmsg_len)
		return;
	a = (struct nlattr *)((char *)e + NLMSG_ALIGN(off));
	rem = h->nlmsg_len - NLMSG_HDRLEN - NLMSG_ALIGN(off);
	for (; nla_ok(a, rem); a = nla_next(a, &rem)) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG && nla_len(a) > 0)
			snprintf(ctx->extack, sizeof(ctx->extack), "%.*s", nla_len(a),
				 (char *)nla_data(a));
		else if (nla_type(a) == NLMSGERR_ATTR_OFFS && nla_len(a) == 4)
			name = attr_at(ctx->sent, nla_get_u32(a));
		else if (nla_type(a) == NLMSGERR_ATTR_POLICY)
			policy_range(a, range, sizeof(range));
	}
	if (name)
		snprintf(ctx->where, sizeof(ctx->where), "%s: ", name);
	if (range[0] && ctx->extack[0])
		strncat(ctx->extack, range, sizeof(ctx->extack) - strlen(ctx->extack) - 1);
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct request_ctx *ctx = arg;

	(void)who;
	ctx->err = e->error;
	copy_extack(e, ctx);
	ctx->done = 1;
	return NL_STOP;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	struct request_ctx *ctx = arg;

	(void)msg;
	ctx->done = 1;
	return NL_STOP;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	return on_ack(msg, arg);
}

int resctl_nl_request(struct resctl_nl *nl, struct nl_msg *msg,
		      resctl_reply_fn fn, void *arg)
{
	struct request_ctx ctx = { .fn = fn, .arg = arg };
	struct nl_cb *cb;
	int err;

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!cb) {
		nlmsg_free(msg);
		fprintf(stderr, "resctl: out of memory\n");
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &ctx);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &ctx);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &ctx);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &ctx);

	err = nl_send_auto(nl->sk, msg);
	ctx.sent = nlmsg_hdr(msg);	/* freed below, after the ack */
	if (err < 0) {
		nlmsg_free(msg);
		fprintf(stderr, "resctl: send failed: %s\n", nl_geterror(err));
		nl_cb_put(cb);
		return -EIO;
	}
	while (!ctx.done && !ctx.err) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err == -NLE_AGAIN && !ctx.err) {
			ctx.err = -ETIMEDOUT;
			fprintf(stderr, "resctl: no reply from the kernel within %d s: given up\n",
				RESCTL_REPLY_TIMEOUT_S);
			break;
		}
		if (err < 0 && !ctx.err) {
			ctx.err = -EIO;
			fprintf(stderr, "resctl: receive failed: %s\n", nl_geterror(err));
			break;
		}
	}
	nl_cb_put(cb);
	nlmsg_free(msg);

	/*
	 * The genetlink core refuses an unprivileged sender without a message;
	 * a message with -EPERM is the module's own reason (e.g. chaos).
	 */
	if (ctx.err == -EPERM && !ctx.extack[0])
		fprintf(stderr, "resctl: permission denied: this needs CAP_NET_ADMIN (run as root)\n");
	else if (ctx.err && ctx.extack[0])
		fprintf(stderr, "resctl: %s: %s%s\n", strerror(-ctx.err), ctx.where, ctx.extack);
	else if (ctx.err && ctx.err != -EIO && ctx.err != -ETIMEDOUT)
		fprintf(stderr, "resctl: %s\n", strerror(-ctx.err));
	return ctx.err;
}

int resctl_nl_call(int cmd, int flags, resctl_fill_fn fill, void *fill_arg,
		   resctl_reply_fn fn, void *arg)
{
	struct resctl_nl nl;
	struct nl_msg *msg;
	int err;

	if (resctl_nl_open(&nl))
		return RESCTL_EXIT_FAIL;
	msg = resctl_nl_msg(&nl, cmd, flags);
	if (!msg || (fill && fill(msg, fill_arg) < 0)) {
		nlmsg_free(msg);
		resctl_nl_close(&nl);
		fprintf(stderr, "resctl: cannot build the request\n");
		return RESCTL_EXIT_FAIL;
	}
	err = resctl_nl_request(&nl, msg, fn, arg);
	resctl_nl_close(&nl);
	return err ? RESCTL_EXIT_FAIL : RESCTL_EXIT_OK;
}

bool resctl_attr_uint(const struct nlattr *a, uint64_t *v)
{
	if (!a)
		return false;
	switch (nla_len(a)) {
	case 1:
		*v = *(const uint8_t *)nla_data(a);
		return true;
	case 2:
		*v = *(const uint16_t *)nla_data(a);
		return true;
	case 4:
		*v = *(const uint32_t *)nla_data(a);
		return true;
	case 8:
		memcpy(v, nla_data(a), sizeof(*v));	/* may be 4-byte aligned */
		return true;
	default:
		return false;
	}
}
