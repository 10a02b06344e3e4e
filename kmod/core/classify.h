/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How the outcome of a protected call is counted: an errno becomes an
 * enum dwcp_res_result, and some failures may be retried.
 *
 *	errno				result		retry?
 *	0				SUCCESS		-
 *	EAGAIN (EWOULDBLOCK)		IGNORED		no	not the peer's fault
 *	EINTR, ERESTARTSYS		CANCELLED	no	the caller gave up
 *	ECANCELED			CANCELLED	no
 *	ETIMEDOUT			FAILURE		yes	transient
 *	ECONNRESET, ECONNABORTED	FAILURE		yes	transient
 *	ECONNREFUSED			FAILURE		yes	transient
 *	EHOSTUNREACH, ENETUNREACH	FAILURE		yes	transient
 *	ENETDOWN, EHOSTDOWN		FAILURE		yes	transient
 *	EPIPE				FAILURE		no	the stream is gone
 *	anything else			FAILURE		no
 *
 * IGNORED and CANCELLED never count for the breaker or the budget (a
 * client that gives up is not evidence against the dependency: Netflix
 * concurrency-limits PR #146). A successful call slower than the policy's
 * slow-call threshold is reclassified SLOW by the breaker. Whether a retry
 * is safe at all (for a socket: nothing was sent yet) is the caller's call.
 */
#ifndef _DWCP_CORE_CLASSIFY_H
#define _DWCP_CORE_CLASSIFY_H

#include "compat.h"
#include <uapi/linux/dwcp_res.h>

/* @err: 0 or a negative errno. *@retryable may be NULL. */
u32 dwcp_classify_errno(int err, bool *retryable);

/*
 * Does @err (negative) say that the connection or the peer went away:
 * reset, aborted, refused, unreachable, timed out, broken pipe, not
 * connected? On a client's socket that is the dependency failing; on a
 * server's socket it is the client leaving, which is not the service's
 * failure (the ULP counts it IGNORED there: Documentation/ulp.rst).
 */
bool dwcp_errno_is_peer(int err);

#endif /* _DWCP_CORE_CLASSIFY_H */
