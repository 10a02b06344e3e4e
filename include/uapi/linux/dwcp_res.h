/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * dwcp_res: resilience controls for the DWCP data path.
 *
 * This header is the whole contract between the dwcp_res module, resctl and
 * any program that scripts the module over generic netlink. Nothing else
 * defines a wire constant.
 *
 * Generic netlink family
 * ----------------------
 * Family name DWCP_RES_GENL_NAME ("dwcp_res"), version DWCP_RES_GENL_VERSION.
 * Resolve the family id with the generic netlink controller (CTRL_CMD_GETFAMILY);
 * if the controller does not know the name, the module is not loaded.
 *
 * Every command uses a strict per-command policy: unknown attributes, wrong
 * types, wrong lengths and out-of-range values are rejected with -EINVAL and
 * an extended ack message naming the attribute.
 *
 * DWCP_RES_CMD_GET_INFO (do)
 *   Request: no attributes.
 *   Reply:   DWCP_RES_A_INFO_VERSION       NLA_NUL_STRING  module version, "X.Y.Z"
 *            DWCP_RES_A_INFO_FEATURES      NLA_U64         enum dwcp_res_feature bits
 *            DWCP_RES_A_INFO_CHAOS_ALLOWED NLA_U8          1 if the module was loaded
 *                                                          with chaos_allowed=1
 *   Anyone may send it; it needs no capability.
 *
 * Multicast group DWCP_RES_MCGRP_EVENTS ("events") carries notifications;
 * the messages it carries are documented with the commands that cause them.
 */
#ifndef _UAPI_LINUX_DWCP_RES_H
#define _UAPI_LINUX_DWCP_RES_H

#include <linux/types.h>

#define DWCP_RES_GENL_NAME	"dwcp_res"
#define DWCP_RES_GENL_VERSION	1
#define DWCP_RES_MCGRP_EVENTS	"events"

/* Longest policy name, including the terminating NUL. */
#define DWCP_RES_NAME_MAX	32

enum dwcp_res_cmd {
	DWCP_RES_CMD_UNSPEC,
	DWCP_RES_CMD_GET_INFO,

	__DWCP_RES_CMD_MAX
};

#define DWCP_RES_CMD_MAX (__DWCP_RES_CMD_MAX - 1)

enum dwcp_res_attr {
	DWCP_RES_A_UNSPEC,
	DWCP_RES_A_PAD,
	DWCP_RES_A_INFO_VERSION,
	DWCP_RES_A_INFO_FEATURES,
	DWCP_RES_A_INFO_CHAOS_ALLOWED,

	__DWCP_RES_A_MAX
};

#define DWCP_RES_A_MAX (__DWCP_RES_A_MAX - 1)

/*
 * Feature bits reported by DWCP_RES_CMD_GET_INFO. A bit is set only when the
 * running module implements the feature, so a newer resctl can tell what an
 * older module lacks instead of guessing from the version string.
 */
enum dwcp_res_feature {
	DWCP_RES_F_INFO		= 1ULL << 0,	/* DWCP_RES_CMD_GET_INFO */
	DWCP_RES_F_CORE		= 1ULL << 1,	/* resilience core primitives */
	DWCP_RES_F_POLICY	= 1ULL << 2,	/* policy registry and DWCP profile */
	DWCP_RES_F_ULP		= 1ULL << 3,	/* TCP ULP "dwcp" */
	DWCP_RES_F_CHAOS	= 1ULL << 4,	/* chaos fault injection */
	DWCP_RES_F_EVENTS	= 1ULL << 5,	/* events multicast group */
};

/*
 * Circuit breaker states. Closed, half-open and open keep the numbering of
 * the original Go package's Prometheus gauge (0, 1, 2).
 */
enum dwcp_res_breaker_state {
	DWCP_RES_BREAKER_CLOSED,
	DWCP_RES_BREAKER_HALF_OPEN,
	DWCP_RES_BREAKER_OPEN,
	DWCP_RES_BREAKER_DISABLED,	/* operator: always admit, never trip */
	DWCP_RES_BREAKER_FORCED_OPEN,	/* operator: always reject */

	__DWCP_RES_BREAKER_STATE_MAX
};

/* What trips a circuit breaker from closed to open. */
enum dwcp_res_breaker_mode {
	DWCP_RES_BREAKER_MODE_CONSECUTIVE,	/* N consecutive failures (Go default) */
	DWCP_RES_BREAKER_MODE_COUNT_WINDOW,	/* failure/slow rate over the last N calls */
	DWCP_RES_BREAKER_MODE_TIME_WINDOW,	/* failure/slow rate over the last B buckets */

	__DWCP_RES_BREAKER_MODE_MAX
};

/* How the outcome of one protected call is counted. */
enum dwcp_res_result {
	DWCP_RES_RESULT_SUCCESS,
	DWCP_RES_RESULT_FAILURE,
	DWCP_RES_RESULT_SLOW,		/* succeeded, slower than the slow threshold */
	DWCP_RES_RESULT_IGNORED,	/* never counted (e.g. EAGAIN) */
	DWCP_RES_RESULT_CANCELLED,	/* caller gave up; never counted */

	__DWCP_RES_RESULT_MAX
};

/* Degradation levels, in increasing severity. */
enum dwcp_res_level {
	DWCP_RES_LEVEL_NORMAL,
	DWCP_RES_LEVEL_DEGRADED,
	DWCP_RES_LEVEL_SEVERELY_DEGRADED,
	DWCP_RES_LEVEL_EMERGENCY,

	__DWCP_RES_LEVEL_MAX
};

/*
 * Request priorities, in increasing importance. The degradation level decides
 * which priorities are still admitted: severely degraded admits HIGH and
 * CRITICAL only, emergency admits CRITICAL (control traffic) only.
 */
enum dwcp_res_priority {
	DWCP_RES_PRIO_LOW,
	DWCP_RES_PRIO_NORMAL,
	DWCP_RES_PRIO_HIGH,
	DWCP_RES_PRIO_CRITICAL,

	__DWCP_RES_PRIO_MAX
};

/*
 * Error-budget alert bits (SRE workbook multiwindow, multi-burn-rate alerts,
 * scaled from a 30-day period to the budget's configured window). A pair
 * fires while the burn rate over both its long and its short window is at or
 * above its threshold and the long window holds at least min_events events.
 */
enum dwcp_res_alert {
	DWCP_RES_ALERT_PAGE_FAST	= 1U << 0,	/* 1 h / 5 min, burn >= 14.4 */
	DWCP_RES_ALERT_PAGE_SLOW	= 1U << 1,	/* 6 h / 30 min, burn >= 6 */
	DWCP_RES_ALERT_TICKET		= 1U << 2,	/* 3 d / 6 h, burn >= 1 */
	DWCP_RES_ALERT_EXHAUSTED	= 1U << 3,	/* remaining budget is 0 */
};

/*
 * Chaos fault kinds. Each fault has one probability (no second draw inside
 * the fault) and draws a value uniformly from its [min, max] range; the
 * meaning of that value depends on the kind.
 */
enum dwcp_res_fault_kind {
	DWCP_RES_FAULT_LATENCY,		/* value: added delay, ns */
	DWCP_RES_FAULT_ERROR,		/* value: errno to fail with (1..4095) */
	DWCP_RES_FAULT_TIMEOUT,		/* value: time to hang before -ETIMEDOUT, ns */
	DWCP_RES_FAULT_PARTITION,	/* value: duration of the partition, ns */
	DWCP_RES_FAULT_CPU_SPIKE,	/* value: duration of the busy loop, ns */
	DWCP_RES_FAULT_MEM_PRESSURE,	/* value: bytes to hold */

	__DWCP_RES_FAULT_MAX
};

/*
 * Why the admission pipeline turned a call away, in pipeline order. Each
 * reason has its own counter and its own errno (what sendmsg/recvmsg and the
 * in-kernel API return):
 *
 *   DWCP_RES_REJECT_SHED          -ECANCELED     degradation level sheds this
 *                                                policy's priority
 *   DWCP_RES_REJECT_BREAKER       -ECONNREFUSED  breaker open, forced open, or
 *                                                all half-open probes taken
 *   DWCP_RES_REJECT_RATE          -ENOBUFS       rate limit, no wait allowed
 *                                                or the wait would pass the
 *                                                deadline
 *   DWCP_RES_REJECT_BULKHEAD_FULL -EBUSY         no slot and the queue is full
 *   DWCP_RES_REJECT_BULKHEAD_WAIT -ETIME         queued, no slot in max wait
 *   DWCP_RES_REJECT_CHAOS         (the fault's)  chaos injected an error
 *                                                (default -EIO)
 */
enum dwcp_res_reject {
	DWCP_RES_REJECT_NONE,
	DWCP_RES_REJECT_SHED,
	DWCP_RES_REJECT_BREAKER,
	DWCP_RES_REJECT_RATE,
	DWCP_RES_REJECT_BULKHEAD_FULL,
	DWCP_RES_REJECT_BULKHEAD_WAIT,
	DWCP_RES_REJECT_CHAOS,

	__DWCP_RES_REJECT_MAX
};

/* The DWCP profile's operation classes, loaded in every network namespace. */
#define DWCP_RES_CLASS_SEND		"send"
#define DWCP_RES_CLASS_RECEIVE		"receive"
#define DWCP_RES_CLASS_SYNC		"sync"
#define DWCP_RES_CLASS_CONSENSUS	"consensus"

#endif /* _UAPI_LINUX_DWCP_RES_H */
