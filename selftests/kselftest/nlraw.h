/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Raw generic netlink for nl_fuzz.c and nl_security.c: no libnl, so that
 * any byte sequence can be sent and every reply byte checked. The family
 * table (commands, attribute sets, types, ranges) is nl_spec_gen.h,
 * generated from Documentation/netlink/dwcp_res.yaml at build time.
 */
#ifndef DWCP_NLRAW_H
#define DWCP_NLRAW_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "nl_spec_gen.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define NLR_BUF	(1 << 16)

struct nlr {
	int fd;
	int family;
	uint32_t seq;
	unsigned char rbuf[NLR_BUF];
};

/* One reply message handed to a callback; return nonzero to stop. */
typedef int (*nlr_cb)(const struct nlmsghdr *h, void *arg);

static inline int nlr_sendraw(struct nlr *n, const void *buf, size_t len)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	return sendto(n->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
}

/*
 * Read until the final message of @seq (NLMSG_ERROR, or NLMSG_DONE of a
 * dump); messages of other sequence numbers are skipped. Returns the
 * error of the ack (0 or -errno), -ETIMEDOUT if nothing came.
 */
static inline int nlr_wait(struct nlr *n, uint32_t seq, nlr_cb cb, void *arg)
{
	for (;;) {
		ssize_t len = recv(n->fd, n->rbuf, sizeof(n->rbuf), 0);
		struct nlmsghdr *h;
		int rem;

		if (len < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS)	/* lost replies: keep reading */
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		rem = (int)len;
		for (h = (struct nlmsghdr *)n->rbuf; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
			if (h->nlmsg_seq != seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				if (cb && e->error)
					cb(h, arg);
				return e->error;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (cb)
				cb(h, arg);
		}
	}
}

/* Build a request header and generic netlink header in @buf. */
static inline size_t nlr_hdr(struct nlr *n, void *buf, int cmd, int flags)
{
	struct nlmsghdr *h = buf;
	struct genlmsghdr *g = NLMSG_DATA(h);

	memset(buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	h->nlmsg_len = NLMSG_HDRLEN + GENL_HDRLEN;
	h->nlmsg_type = n->family;
	h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	h->nlmsg_seq = ++n->seq;
	g->cmd = cmd;
	g->version = FZ_FAMILY_VERSION;
	return h->nlmsg_len;
}

/* Append an attribute at the end of the message in @buf (of @cap bytes). */
static inline struct nlattr *nlr_put(void *buf, size_t cap, int type, const void *data,
				     int len)
{
	struct nlmsghdr *h = buf;
	struct nlattr *a = (struct nlattr *)((char *)buf + NLMSG_ALIGN(h->nlmsg_len));

	if (NLMSG_ALIGN(h->nlmsg_len) + NLA_HDRLEN + NLA_ALIGN(len) > cap)
		return NULL;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static inline struct nlattr *nlr_put_str(void *buf, size_t cap, int type, const char *s)
{
	return nlr_put(buf, cap, type, s, strlen(s) + 1);
}

static inline struct nlattr *nlr_nest_start(void *buf, size_t cap, int type)
{
	return nlr_put(buf, cap, type | NLA_F_NESTED, NULL, 0);
}

static inline void nlr_nest_end(void *buf, struct nlattr *a)
{
	a->nla_len = (char *)buf + ((struct nlmsghdr *)buf)->nlmsg_len - (char *)a;
}

/* Send @buf and wait for its answer. */
static inline int nlr_call(struct nlr *n, void *buf, nlr_cb cb, void *arg)
{
	struct nlmsghdr *h = buf;
	int err = nlr_sendraw(n, buf, h->nlmsg_len);

	return err ? err : nlr_wait(n, h->nlmsg_seq, cb, arg);
}

/* A request with no attributes. */
static inline int nlr_simple(struct nlr *n, int cmd, int flags, nlr_cb cb, void *arg)
{
	unsigned char buf[64];

	nlr_hdr(n, buf, cmd, flags);
	return nlr_call(n, buf, cb, arg);
}

static int nlr_family_cb(const struct nlmsghdr *h, void *arg)
{
	const struct nlattr *a = (const void *)((const char *)NLMSG_DATA(h) + GENL_HDRLEN);
	int rem = h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;

	if (h->nlmsg_type == NLMSG_ERROR)
		return 0;
	for (; rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN && a->nla_len <= rem;
	     rem -= NLA_ALIGN(a->nla_len), a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len)))
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			*(int *)arg = *(const uint16_t *)((const char *)a + NLA_HDRLEN);
	return 0;
}

/* Open a generic netlink socket and resolve the family; 0 or -errno. */
static inline int nlr_open(struct nlr *n, int timeout_ms)
{
	struct timeval tv = { .tv_sec = timeout_ms / 1000,
			      .tv_usec = (timeout_ms % 1000) * 1000 };
	unsigned char buf[128];
	int one = 1, id = 0, err, rcvbuf = 1 << 20;
	struct nlmsghdr *h = (void *)buf;

	memset(n, 0, sizeof(*n));
	n->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (n->fd < 0)
		return -errno;
	setsockopt(n->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(n->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	setsockopt(n->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n->family = GENL_ID_CTRL;
	nlr_hdr(n, buf, CTRL_CMD_GETFAMILY, 0);
	((struct genlmsghdr *)NLMSG_DATA(h))->version = 1;
	nlr_put_str(buf, sizeof(buf), CTRL_ATTR_FAMILY_NAME, FZ_FAMILY_NAME);
	err = nlr_call(n, buf, nlr_family_cb, &id);
	if (!err && !id)
		err = -ENOENT;
	if (err) {
		close(n->fd);
		n->fd = -1;
		return err;
	}
	n->family = id;
	return 0;
}

static inline void nlr_close(struct nlr *n)
{
	if (n->fd >= 0)
		close(n->fd);
	n->fd = -1;
}

/* First attribute of a reply and the bytes it spans. */
static inline const struct nlattr *nlr_attrs(const struct nlmsghdr *h, int *rem)
{
	*rem = (int)h->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	return (const void *)((const char *)NLMSG_DATA(h) + GENL_HDRLEN);
}

#define nlr_for_each(a, head, len, rem) \
	for ((a) = (head), (rem) = (len); \
	     (rem) >= NLA_HDRLEN && (a)->nla_len >= NLA_HDRLEN && (a)->nla_len <= (rem); \
	     (rem) -= NLA_ALIGN((a)->nla_len), \
	     (a) = (const void *)((const char *)(a) + NLA_ALIGN((a)->nla_len)))

static inline const void *nlr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static inline int nlr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* An unsigned attribute of any width. */
static inline uint64_t nlr_uint(const struct nlattr *a)
{
	uint64_t v = 0;

	switch (nlr_len(a)) {
	case 1: v = *(const uint8_t *)nlr_data(a); break;
	case 2: v = *(const uint16_t *)nlr_data(a); break;
	case 4: v = *(const uint32_t *)nlr_data(a); break;
	case 8: memcpy(&v, nlr_data(a), 8); break;
	}
	return v;
}

/* Width of a fixed-size type of the table, 0 for the others. */
static inline int fz_width(int type)
{
	switch (type) {
	case FZ_U8: case FZ_S8: return 1;
	case FZ_U16: case FZ_S16: return 2;
	case FZ_U32: case FZ_S32: return 4;
	case FZ_U64: case FZ_S64: return 8;
	}
	return 0;
}

/*
 * Check the attributes of set @set in [@a, @a + @len) against the table:
 * every attribute the spec knows, the right width, strings NUL-terminated
 * within their bound, nests recursively, values within the spec's range,
 * padding bytes zero, nested values within the spec's range, and the
 * stream consumed exactly. Returns 0, or -1
 * with a reason in @why.
 */
static inline int fz_verify(int set, const struct nlattr *head, int len, char *why,
			    size_t wlen, int depth)
{
	const struct fz_set *s = &fz_sets[set];
	const struct nlattr *a;
	int rem, i;

	if (depth > 4) {
		snprintf(why, wlen, "%s: nested too deep", s->name);
		return -1;
	}
	nlr_for_each(a, head, len, rem) {
		int t = a->nla_type & NLA_TYPE_MASK, l = nlr_len(a), w;
		const struct fz_attr *d = t <= s->max ? &s->attrs[t] : NULL;
		const unsigned char *p = nlr_data(a);

		if (!d || !d->present) {
			snprintf(why, wlen, "%s: unknown attribute %d", s->name, t);
			return -1;
		}
		if (d->type == FZ_PAD)
			continue;
		for (i = a->nla_len; i < NLA_ALIGN(a->nla_len) && i < rem; i++)
			if (((const unsigned char *)a)[i]) {
				snprintf(why, wlen, "%s.%s: padding byte not zero", s->name,
					 d->name);
				return -1;
			}
		w = fz_width(d->type);
		if (w && l != w) {
			snprintf(why, wlen, "%s.%s: %d bytes, not %d", s->name, d->name, l, w);
			return -1;
		}
		if (d->type == FZ_STRING) {
			if (l < 1 || p[l - 1] || (int)strlen((const char *)p) != l - 1 ||
			    (d->max_len && l - 1 > d->max_len)) {
				snprintf(why, wlen, "%s.%s: bad string", s->name, d->name);
				return -1;
			}
		} else if (d->type == FZ_BINARY && d->max_len && l > d->max_len) {
			snprintf(why, wlen, "%s.%s: %d bytes, more than %d", s->name, d->name,
				 l, d->max_len);
			return -1;
		} else if (d->type == FZ_NEST) {
			if (fz_verify(d->nest, nlr_data(a), l, why, wlen, depth + 1))
				return -1;
		} else if (w && depth) {
			/*
			 * Ranges are the requests'; the nested configurations
			 * read back must satisfy them. Top-level attributes
			 * may mean more in replies (degrade-hold-ns 0: held
			 * until auto), so they are only checked for width.
			 */
			uint64_t v = nlr_uint(a);
			int64_t sv = d->type == FZ_S32 ? (int32_t)v :
				     d->type == FZ_S64 ? (int64_t)v : (int64_t)v;
			int sgn = d->type == FZ_S32 || d->type == FZ_S64;

			if ((d->has_min && (sgn ? sv < d->min : v < (uint64_t)d->min)) ||
			    (d->has_max && (sgn ? sv > (int64_t)d->max : v > d->max)) ||
			    (d->mask && (v & ~d->mask))) {
				snprintf(why, wlen, "%s.%s: %llu out of the spec's range",
					 s->name, d->name, (unsigned long long)v);
				return -1;
			}
		}
	}
	if (rem) {
		snprintf(why, wlen, "%s: %d stray bytes after the attributes", s->name, rem);
		return -1;
	}
	return 0;
}

#endif /* DWCP_NLRAW_H */
