// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res core: errno -> result classification (see classify.h).
 */
#include "classify.h"

#ifndef ERESTARTSYS
#define ERESTARTSYS	512	/* kernel-internal; absent from host headers */
#endif

u32 dwcp_classify_errno(int err, bool *retryable)
{
	bool retry = false;
	u32 r;

	switch (-err) {
	case 0:
		r = DWCP_RES_RESULT_SUCCESS;
		break;
	case EAGAIN:
		r = DWCP_RES_RESULT_IGNORED;
		break;
	case EINTR:
	case ERESTARTSYS:
	case ECANCELED:
		r = DWCP_RES_RESULT_CANCELLED;
		break;
	case ETIMEDOUT:
	case ECONNRESET:
	case ECONNABORTED:
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
		retry = true;
		r = DWCP_RES_RESULT_FAILURE;
		break;
	default:
		r = DWCP_RES_RESULT_FAILURE;
		break;
	}
	if (retryable)
		*retryable = retry;
	return r;
}

bool dwcp_errno_is_peer(int err)
{
	switch (-err) {
	case ECONNRESET:
	case ECONNABORTED:
	case ECONNREFUSED:
	case EHOSTUNREACH:
	case ENETUNREACH:
	case ENETDOWN:
	case EHOSTDOWN:
	case ETIMEDOUT:
	case EPIPE:
	case ENOTCONN:
		return true;
	default:
		return false;
	}
}
