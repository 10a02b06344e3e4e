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
 * Policies (per network namespace; every namespace starts with the DWCP
 * profile: send, receive, sync, consensus):
 *
 * DWCP_RES_CMD_POLICY_GET (do, dump)
 *   Request: DWCP_RES_A_POLICY_NAME (do: required; dump: none)
 *   Reply:   one message per policy: DWCP_RES_A_POLICY_NAME,
 *            DWCP_RES_A_POLICY (nest, enum dwcp_res_policy_attr: the whole
 *            configuration) and DWCP_RES_A_STATS (nest, enum
 *            dwcp_res_stats_attr: counters and live state)
 * DWCP_RES_CMD_POLICY_NEW (do, CAP_NET_ADMIN)
 *   Request: DWCP_RES_A_POLICY_NAME (required; 1..31 of [A-Za-z0-9_.-]),
 *            DWCP_RES_A_POLICY (optional nest): the new policy starts from
 *            the profile named by DWCP_RES_P_BASE (default "send") and takes
 *            every attribute given on top
 * DWCP_RES_CMD_POLICY_SET (do, CAP_NET_ADMIN)
 *   Request: DWCP_RES_A_POLICY_NAME, DWCP_RES_A_POLICY (both required); the
 *            attributes given replace the current values, the others stay.
 *            The policy keeps its state (breaker, counters, windows).
 *   POLICY_NEW and POLICY_SET also take DWCP_RES_A_DRY_RUN (flag): the
 *   kernel validates the request in full (attributes, name, whether the
 *   policy exists, the configuration's cross-field rules, with the same
 *   extack) and acks it without changing anything and without an event.
 * DWCP_RES_CMD_POLICY_DEL (do, CAP_NET_ADMIN)
 *   Request: DWCP_RES_A_POLICY_NAME. Sockets and kernel users that hold the
 *            policy keep using it until they let go.
 * DWCP_RES_CMD_BREAKER_SET (do, CAP_NET_ADMIN)
 *   Request: DWCP_RES_A_POLICY_NAME, DWCP_RES_A_BREAKER_ACTION (enum
 *            dwcp_res_breaker_action)
 *
 * Chaos (nothing is injected unless the module was loaded with
 * chaos_allowed=1 and chaos is enabled in the namespace):
 *
 * DWCP_RES_CMD_CHAOS_GET (do)
 *   Reply:   DWCP_RES_A_CHAOS_ENABLED, DWCP_RES_A_INFO_CHAOS_ALLOWED, and one
 *            DWCP_RES_A_FAULT nest per armed fault (with FAULT_POLICY)
 * DWCP_RES_CMD_CHAOS_SET (do, CAP_NET_ADMIN in the initial user namespace)
 *   Request: DWCP_RES_A_CHAOS_ENABLED (required). Enabling without
 *            chaos_allowed fails with -EPERM.
 * DWCP_RES_CMD_FAULT_SET (do, CAP_NET_ADMIN in the initial user namespace)
 *   Request: DWCP_RES_A_POLICY_NAME, DWCP_RES_A_FAULT (nest, enum
 *            dwcp_res_fault_attr; KIND required, the rest default to the
 *            DWCP profile's values for that kind). Probability 0 disarms.
 *            A policy has one fault per kind: a new FAULT_SET of a kind
 *            replaces it, peer scope included (FAULT_A_PEER, optionally
 *            FAULT_A_PEER_PREFIX: only ULP sockets whose remote address
 *            matches; without it every call, in-kernel callers included).
 * DWCP_RES_CMD_CHAOS_CLEAR (do, CAP_NET_ADMIN in the initial user namespace)
 *   Disarms every fault in the namespace, ends partitions and gives back
 *   the memory of memory-pressure faults (chaos stays enabled or not).
 *   Disabling chaos also ends partitions and gives the memory back.
 *
 * Degradation (one level per namespace, enum dwcp_res_level; at each level
 * every policy is treated by its priority: degraded scales its rate and
 * bulkhead limits by DWCP_RES_P_DEGRADE_PERMILLE and halves its retries,
 * severely degraded also sheds below HIGH and turns retries off, emergency
 * admits CRITICAL only; the policy's configuration as read back does not
 * change):
 *
 * DWCP_RES_CMD_DEGRADE_GET (do)
 *   Reply:   DWCP_RES_A_LEVEL, DWCP_RES_A_DEGRADE_MANUAL,
 *            DWCP_RES_A_DEGRADE_HOLD_NS (manual: time left of the hold, 0 =
 *            held until DEGRADE_SET auto), DWCP_RES_A_DEGRADE_CHANGES and
 *            DWCP_RES_A_DEGRADE_TIME_{NORMAL,DEGRADED,SEVERELY,EMERGENCY}_NS
 * DWCP_RES_CMD_DEGRADE_SET (do, CAP_NET_ADMIN)
 *   Request: either DWCP_RES_A_LEVEL (manual override, held for
 *            DWCP_RES_A_DEGRADE_HOLD_NS if given, else until auto) or
 *            DWCP_RES_A_DEGRADE_AUTO = 1 (back to automatic control, which
 *            steps down one level per dwell time, 30 s, while nothing asks
 *            for a higher level). When a hold ends, automatic control
 *            resumes the same way.
 *            DWCP_RES_A_TRIGGER (optional nest, enum dwcp_res_trigger_attr)
 *            changes the automatic control: which triggers act, their
 *            thresholds, the dwell times, and the evaluation period. It may
 *            come alone or with either of the above.
 * DWCP_RES_CMD_HEALTH_GET (do, dump)
 *   Request: DWCP_RES_A_HEALTH with DWCP_RES_HC_NAME (do only)
 *   Reply:   one DWCP_RES_A_HEALTH nest per check: its configuration, its
 *            state (HC_HEALTHY, HC_VALUE, HC_CONSECUTIVE) and counters.
 * DWCP_RES_CMD_HEALTH_NEW (do, CAP_NET_ADMIN)
 *   Request: DWCP_RES_A_HEALTH: HC_NAME and HC_METRIC required; HC_POLICY
 *            (a policy name, or none for the namespace-wide value), HC_VALUE_MIN,
 *            HC_VALUE_MAX, HC_INTERVAL_NS, HC_TIMEOUT_NS, HC_RISE, HC_FALL,
 *            HC_LEVEL, HC_ENABLED optional. A threshold check: healthy while
 *            HC_VALUE_MIN <= the metric <= HC_VALUE_MAX. At most DWCP_RES_MAX_CHECKS.
 * DWCP_RES_CMD_HEALTH_SET (do, CAP_NET_ADMIN)
 *   Request: DWCP_RES_A_HEALTH with HC_NAME and any of the optional
 *            attributes of HEALTH_NEW (built-in checks too; their metric and
 *            policy are fixed). Counters and state are kept.
 * DWCP_RES_CMD_HEALTH_DEL (do, CAP_NET_ADMIN)
 *   Request: DWCP_RES_A_HEALTH with HC_NAME. Built-in checks cannot be
 *            deleted (-EPERM); disable them with HEALTH_SET HC_ENABLED 0.
 * DWCP_RES_CMD_BUDGET_GET (do, dump)
 *   Request: DWCP_RES_A_POLICY_NAME (do only): a policy, or
 *            DWCP_RES_BUDGET_SYSTEM for the namespace's system budget
 *   Reply:   DWCP_RES_A_POLICY_NAME and DWCP_RES_A_BUDGET (nest, enum
 *            dwcp_res_budget_attr): the SLO and the window's status; the
 *            dump lists every policy, then "system".
 * DWCP_RES_CMD_BUDGET_SET (do, CAP_NET_ADMIN)
 *   Request: DWCP_RES_A_POLICY_NAME (a policy or "system"), DWCP_RES_A_BUDGET
 *            with any of B_SLO_PPM, B_WINDOW_NS, B_BUCKETS, B_MIN_EVENTS
 *            (the rest of the SLO is kept; the window keeps its events
 *            where the geometry allows, see kmod/core/budget.h). For a policy
 *            this is POLICY_SET of its DWCP_RES_P_SLO_* attributes.
 *   HEALTH_NEW, HEALTH_SET, BUDGET_SET and DEGRADE_SET take DWCP_RES_A_DRY_RUN
 *   too, as POLICY_NEW/SET do: every check of the request is made (with the
 *   same extack), nothing changes and no event is sent.
 *
 * Durations are u64 nanoseconds, ratios u32 parts per million (ppm) or per
 * thousand (permille), rates u64 calls per second (milli-calls per second,
 * "mcps", for the adaptive limiter).
 *
 * Events
 * ------
 * Multicast group DWCP_RES_MCGRP_EVENTS ("events"): join it (resolve its id
 * with CTRL_CMD_GETFAMILY) to receive the notifications below; nobody can
 * request these commands. Each goes to the listeners of the network
 * namespace it happened in; anyone may listen. A message is lost, not
 * retried, when the listener's receive buffer is full (-ENOBUFS on its
 * next recv) or memory is short.
 *
 * DWCP_RES_CMD_EVENT_BREAKER
 *   A policy's circuit breaker changed state: a call's admit or result
 *   (trip, open -> half-open, probes settled) or DWCP_RES_CMD_BREAKER_SET
 *   (a reset of a closed breaker is reported too, from closed to closed).
 *   DWCP_RES_A_POLICY_NAME, DWCP_RES_A_EVENT_BREAKER_FROM,
 *   DWCP_RES_A_EVENT_BREAKER_TO, DWCP_RES_A_EVENT_BREAKER_EPOCH
 * DWCP_RES_CMD_EVENT_REJECT
 *   A policy turned calls away. At most one per policy per second: the
 *   first rejection after a second without a reject event of the policy
 *   is reported at once, the ones within that second only counted.
 *   DWCP_RES_A_POLICY_NAME, DWCP_RES_A_EVENT_REJECT_REASON (of the
 *   rejection reported), DWCP_RES_A_EVENT_REJECT_COUNT (rejections of the
 *   policy, any reason, since its previous reject event or its creation,
 *   this one included); DWCP_RES_A_EVENT_SHADOW when the policy is in
 *   shadow mode and let the calls through
 * DWCP_RES_CMD_EVENT_CHAOS
 *   Chaos was switched on or off in the namespace (CHAOS_SET that changed
 *   it). DWCP_RES_A_CHAOS_ENABLED
 * DWCP_RES_CMD_EVENT_POLICY
 *   A policy was added, changed (POLICY_SET) or deleted.
 *   DWCP_RES_A_POLICY_NAME, DWCP_RES_A_EVENT_POLICY (enum
 *   dwcp_res_policy_event)
 * DWCP_RES_CMD_EVENT_LEVEL
 *   The namespace's degradation level changed (DEGRADE_SET, or automatic
 *   control). DWCP_RES_A_LEVEL_FROM, DWCP_RES_A_LEVEL,
 *   DWCP_RES_A_DEGRADE_MANUAL, DWCP_RES_A_LEVEL_CAUSE (automatic control:
 *   enum dwcp_res_trigger bits of the inputs at the new level)
 * DWCP_RES_CMD_EVENT_HEALTH
 *   A health check changed state (after its rise or fall threshold).
 *   DWCP_RES_A_HEALTH with HC_NAME, HC_HEALTHY, HC_VALUE, HC_LEVEL
 * DWCP_RES_CMD_EVENT_ALERT
 *   The burn-rate alert bits of an error budget changed. DWCP_RES_A_POLICY_NAME
 *   (or DWCP_RES_BUDGET_SYSTEM), DWCP_RES_A_BUDGET with B_ALERTS,
 *   B_ALERTS_FROM and B_REMAINING_PPM
 */
#ifndef _UAPI_LINUX_DWCP_RES_H
#define _UAPI_LINUX_DWCP_RES_H

#include <linux/types.h>

#define DWCP_RES_GENL_NAME	"dwcp_res"
#define DWCP_RES_GENL_VERSION	1
#define DWCP_RES_MCGRP_EVENTS	"events"

/* Longest policy name, including the terminating NUL. */
#define DWCP_RES_NAME_MAX	32
/* Policies one namespace may hold (the four of the profile included). */
#define DWCP_RES_MAX_POLICIES	64

enum dwcp_res_cmd {
	DWCP_RES_CMD_UNSPEC,
	DWCP_RES_CMD_GET_INFO,
	DWCP_RES_CMD_POLICY_GET,
	DWCP_RES_CMD_POLICY_NEW,
	DWCP_RES_CMD_POLICY_SET,
	DWCP_RES_CMD_POLICY_DEL,
	DWCP_RES_CMD_BREAKER_SET,
	DWCP_RES_CMD_CHAOS_GET,
	DWCP_RES_CMD_CHAOS_SET,
	DWCP_RES_CMD_FAULT_SET,
	DWCP_RES_CMD_CHAOS_CLEAR,
	DWCP_RES_CMD_EVENT_BREAKER,	/* events group only, never requested */
	DWCP_RES_CMD_EVENT_REJECT,
	DWCP_RES_CMD_EVENT_CHAOS,
	DWCP_RES_CMD_EVENT_POLICY,
	DWCP_RES_CMD_DEGRADE_GET,
	DWCP_RES_CMD_DEGRADE_SET,
	DWCP_RES_CMD_EVENT_LEVEL,	/* events group only, never requested */
	DWCP_RES_CMD_HEALTH_GET,
	DWCP_RES_CMD_HEALTH_NEW,
	DWCP_RES_CMD_HEALTH_SET,
	DWCP_RES_CMD_HEALTH_DEL,
	DWCP_RES_CMD_BUDGET_GET,
	DWCP_RES_CMD_BUDGET_SET,
	DWCP_RES_CMD_EVENT_HEALTH,	/* events group only, never requested */
	DWCP_RES_CMD_EVENT_ALERT,	/* events group only, never requested */

	__DWCP_RES_CMD_MAX
};

#define DWCP_RES_CMD_MAX (__DWCP_RES_CMD_MAX - 1)

enum dwcp_res_attr {
	DWCP_RES_A_UNSPEC,
	DWCP_RES_A_PAD,
	DWCP_RES_A_INFO_VERSION,
	DWCP_RES_A_INFO_FEATURES,
	DWCP_RES_A_INFO_CHAOS_ALLOWED,
	DWCP_RES_A_POLICY_NAME,		/* NLA_NUL_STRING, < DWCP_RES_NAME_MAX */
	DWCP_RES_A_POLICY,		/* nest, enum dwcp_res_policy_attr */
	DWCP_RES_A_STATS,		/* nest, enum dwcp_res_stats_attr */
	DWCP_RES_A_BREAKER_ACTION,	/* u32, enum dwcp_res_breaker_action */
	DWCP_RES_A_CHAOS_ENABLED,	/* u8, 0 or 1 */
	DWCP_RES_A_FAULT,		/* nest, enum dwcp_res_fault_attr */
	DWCP_RES_A_EVENT_BREAKER_FROM,	/* u32, enum dwcp_res_breaker_state */
	DWCP_RES_A_EVENT_BREAKER_TO,	/* u32, enum dwcp_res_breaker_state */
	DWCP_RES_A_EVENT_BREAKER_EPOCH,	/* u32, epoch after the transition */
	DWCP_RES_A_EVENT_REJECT_REASON,	/* u32, enum dwcp_res_reject */
	DWCP_RES_A_EVENT_REJECT_COUNT,	/* u64, rejections since the last event */
	DWCP_RES_A_EVENT_POLICY,	/* u32, enum dwcp_res_policy_event */
	DWCP_RES_A_LEVEL,		/* u32, enum dwcp_res_level */
	DWCP_RES_A_LEVEL_FROM,		/* u32, enum dwcp_res_level (events) */
	DWCP_RES_A_DEGRADE_MANUAL,	/* u8, 1 = manual override active */
	DWCP_RES_A_DEGRADE_HOLD_NS,	/* u64, hold: asked for / remaining */
	DWCP_RES_A_DEGRADE_AUTO,	/* u8, 1: back to automatic control */
	DWCP_RES_A_DEGRADE_CHANGES,	/* u64, level changes so far */
	DWCP_RES_A_DEGRADE_TIME_NORMAL_NS,	/* u64, time spent per level */
	DWCP_RES_A_DEGRADE_TIME_DEGRADED_NS,	/* u64 */
	DWCP_RES_A_DEGRADE_TIME_SEVERELY_NS,	/* u64 */
	DWCP_RES_A_DEGRADE_TIME_EMERGENCY_NS,	/* u64 */
	DWCP_RES_A_TRIGGER,		/* nest, enum dwcp_res_trigger_attr */
	DWCP_RES_A_HEALTH,		/* nest, enum dwcp_res_health_attr */
	DWCP_RES_A_BUDGET,		/* nest, enum dwcp_res_budget_attr */
	DWCP_RES_A_LEVEL_CAUSE,		/* u32, enum dwcp_res_trigger bits */
	DWCP_RES_A_DRY_RUN,		/* flag: validate only (POLICY_NEW/SET,
					 * HEALTH_NEW/SET, BUDGET_SET, DEGRADE_SET)
					 */
	DWCP_RES_A_EVENT_SHADOW,	/* flag: a reject event of shadow mode */

	__DWCP_RES_A_MAX
};

#define DWCP_RES_A_MAX (__DWCP_RES_A_MAX - 1)

/* A policy's configuration (DWCP_RES_A_POLICY). */
enum dwcp_res_policy_attr {
	DWCP_RES_P_UNSPEC,
	DWCP_RES_P_PAD,
	DWCP_RES_P_BASE,		/* string: profile to start from (NEW only) */
	DWCP_RES_P_PRIORITY,		/* u32, enum dwcp_res_priority */
	DWCP_RES_P_FLAGS,		/* u32, DWCP_RES_POLICY_F_* */
	DWCP_RES_P_LATENCY_TARGET_NS,	/* u64, P95 latency budget */
	DWCP_RES_P_DEGRADE_PERMILLE,	/* u32, 1..1000: limits when degraded */
	/* circuit breaker */
	DWCP_RES_P_BREAKER_MODE,	/* u32, enum dwcp_res_breaker_mode */
	DWCP_RES_P_BREAKER_FAILURES,	/* u32, consecutive mode threshold */
	DWCP_RES_P_BREAKER_PROBES,	/* u32, half-open probes */
	DWCP_RES_P_BREAKER_WINDOW,	/* u32, calls or buckets */
	DWCP_RES_P_BREAKER_MIN_CALLS,	/* u32 */
	DWCP_RES_P_BREAKER_FAILURE_PPM,	/* u32, failure-rate threshold */
	DWCP_RES_P_BREAKER_SLOW_PPM,	/* u32, slow-call-rate threshold, 0 off */
	DWCP_RES_P_BREAKER_OPEN_NS,	/* u64, time open before half-open */
	DWCP_RES_P_BREAKER_HALF_OPEN_NS,	/* u64, max wait in half-open */
	DWCP_RES_P_BREAKER_BUCKET_NS,	/* u64, time-window bucket width */
	DWCP_RES_P_BREAKER_SLOW_NS,	/* u64, slow-call threshold, 0 off */
	/* rate limit */
	DWCP_RES_P_RATE,		/* u64, calls per second */
	DWCP_RES_P_RATE_BURST,		/* u32, calls */
	DWCP_RES_P_RATE_BYTES,		/* u64, bytes per second, 0 off */
	DWCP_RES_P_RATE_BURST_BYTES,	/* u32 */
	DWCP_RES_P_ADAPTIVE_MIN_MCPS,	/* u64 */
	DWCP_RES_P_ADAPTIVE_MAX_MCPS,	/* u64 */
	DWCP_RES_P_ADAPTIVE_INITIAL_MCPS,	/* u64 */
	DWCP_RES_P_ADAPTIVE_TARGET_NS,	/* u64, P95 target */
	DWCP_RES_P_ADAPTIVE_WINDOW_NS,	/* u64, decision interval */
	/* bulkhead */
	DWCP_RES_P_BULKHEAD_MAX,	/* u32, concurrent calls */
	DWCP_RES_P_BULKHEAD_QUEUE,	/* u32, waiters */
	DWCP_RES_P_BULKHEAD_WAIT_NS,	/* u64, max wait in the queue */
	/* retries */
	DWCP_RES_P_RETRY_MAX,		/* u32, retries after the first attempt */
	DWCP_RES_P_RETRY_BASE_NS,	/* u64, first backoff ceiling */
	DWCP_RES_P_RETRY_CAP_NS,	/* u64, largest backoff ceiling */
	DWCP_RES_P_RETRY_MULT_PERMILLE,	/* u32, growth per retry (2000 = x2) */
	DWCP_RES_P_RETRY_BUDGET_PERMILLE,	/* u32, share of active calls */
	DWCP_RES_P_RETRY_MIN_CONCURRENCY,	/* u32, retries always allowed */
	/* adaptive timeout */
	DWCP_RES_P_TIMEOUT_INITIAL_NS,	/* u64 */
	DWCP_RES_P_TIMEOUT_MIN_NS,	/* u64 */
	DWCP_RES_P_TIMEOUT_MAX_NS,	/* u64 */
	/* error budget */
	DWCP_RES_P_SLO_PPM,		/* u32, target success ratio */
	DWCP_RES_P_SLO_WINDOW_NS,	/* u64, rolling window */
	DWCP_RES_P_SLO_BUCKETS,		/* u32, buckets in the window */
	DWCP_RES_P_SLO_MIN_EVENTS,	/* u32, low-traffic guard */
	/*
	 * u32, DWCP_RES_POLICY_F_*: the bits of DWCP_RES_P_FLAGS to take; the
	 * others keep the base's (NEW) or the policy's (SET) value. Without
	 * it DWCP_RES_P_FLAGS is taken whole. One request can then turn one
	 * flag on or off, validated (and dry-run) as it will be applied.
	 */
	DWCP_RES_P_FLAGS_MASK,
	/* who may bind a socket to the policy (DWCP_SO_*CLASS, the ULP) */
	DWCP_RES_P_BIND,		/* u32, enum dwcp_res_bind */
	DWCP_RES_P_BIND_GID,		/* u32, a group also allowed; ~0U none */

	__DWCP_RES_P_MAX
};

#define DWCP_RES_P_MAX (__DWCP_RES_P_MAX - 1)

/* DWCP_RES_P_FLAGS */
#define DWCP_RES_POLICY_F_RATE		(1U << 0)	/* rate limit on */
#define DWCP_RES_POLICY_F_ADAPTIVE	(1U << 1)	/* rate follows latency */
/*
 * Shadow mode: every stage decides and keeps its state, nothing is refused,
 * delayed or faulted; what would have been refused is counted per reason
 * (DWCP_RES_S_SHADOW_*) and reported as reject events with
 * DWCP_RES_A_EVENT_SHADOW. A wait counts as a refusal (nothing waits).
 */
#define DWCP_RES_POLICY_F_SHADOW	(1U << 2)

/* A policy's counters and live state (DWCP_RES_A_STATS), read-only. */
enum dwcp_res_stats_attr {
	DWCP_RES_S_UNSPEC,
	DWCP_RES_S_PAD,
	DWCP_RES_S_ADMITTED,		/* u64 */
	DWCP_RES_S_COMPLETED,		/* u64 */
	DWCP_RES_S_WAITED,		/* u64, admits that had to wait */
	DWCP_RES_S_SUCCESS,		/* u64, results by class */
	DWCP_RES_S_FAILURE,		/* u64 */
	DWCP_RES_S_SLOW,		/* u64 */
	DWCP_RES_S_IGNORED,		/* u64 */
	DWCP_RES_S_CANCELLED,		/* u64 */
	DWCP_RES_S_REJECT_SHED,		/* u64, rejections by reason */
	DWCP_RES_S_REJECT_BREAKER,	/* u64 */
	DWCP_RES_S_REJECT_RATE,		/* u64 */
	DWCP_RES_S_REJECT_BULKHEAD_FULL,	/* u64 */
	DWCP_RES_S_REJECT_BULKHEAD_WAIT,	/* u64 */
	DWCP_RES_S_REJECT_CHAOS,	/* u64 */
	DWCP_RES_S_INFLIGHT,		/* u32 */
	DWCP_RES_S_BULKHEAD_ACTIVE,	/* u32 */
	DWCP_RES_S_BULKHEAD_QUEUED,	/* u32 */
	DWCP_RES_S_BREAKER_STATE,	/* u32, enum dwcp_res_breaker_state */
	DWCP_RES_S_BREAKER_EPOCH,	/* u32 */
	DWCP_RES_S_RATE_MCPS,		/* u64, current rate (adaptive) */
	DWCP_RES_S_TIMEOUT_NS,		/* u64, current adaptive timeout */
	DWCP_RES_S_BUDGET_REMAINING_PPM,	/* u32 */
	DWCP_RES_S_SUCCESS_PPM,		/* u32, success ratio in the window */
	DWCP_RES_S_LATENCY_P50_NS,	/* u64, lifetime latency percentiles */
	DWCP_RES_S_LATENCY_P95_NS,	/* u64 */
	DWCP_RES_S_LATENCY_P99_NS,	/* u64 */
	DWCP_RES_S_LATENCY_HIST,	/* nest, enum dwcp_res_hist_attr */
	DWCP_RES_S_LATENCY_SUM_NS,	/* u64, lifetime sum of latencies */
	DWCP_RES_S_LATENCY_COUNT,	/* u64, lifetime latency samples */
	DWCP_RES_S_RETRIES,		/* u64, retries started (ULP data path
					 * and dwcp_res_call)
					 */
	DWCP_RES_S_SHADOW_SHED,		/* u64, refusals shadow mode let */
	DWCP_RES_S_SHADOW_BREAKER,	/* u64, through, by reason */
	DWCP_RES_S_SHADOW_RATE,		/* u64 */
	DWCP_RES_S_SHADOW_BULKHEAD_FULL,	/* u64 */
	DWCP_RES_S_SHADOW_BULKHEAD_WAIT,	/* u64, always 0: nothing waits */
	DWCP_RES_S_SHADOW_CHAOS,	/* u64, faults not carried out */
	DWCP_RES_S_RETRY_SUCCEEDED,	/* u64, retried attempts that worked */
	DWCP_RES_S_RETRY_EXHAUSTED,	/* u64, retries refused: attempts or
					 * the deadline used up
					 */
	DWCP_RES_S_RETRY_BUDGET_REFUSED,	/* u64, retries the budget refused */
	DWCP_RES_S_BULKHEAD_LIMIT,	/* u32, bulkhead size now (degraded
					 * levels scale it down)
					 */
	DWCP_RES_S_LATENCY_COMPLIANCE_PPM,	/* u32, latency budget: share of
						 * the last 5 min's calls within
						 * the target (absent: no target)
						 */
	DWCP_RES_S_LATENCY_EXHAUSTED,	/* u8, latency budget exhausted */

	__DWCP_RES_S_MAX
};

#define DWCP_RES_S_MAX (__DWCP_RES_S_MAX - 1)

/*
 * The lifetime latency histogram of a policy (DWCP_RES_S_LATENCY_HIST), in
 * the shape of a Prometheus histogram: pairs of DWCP_RES_H_LE_NS (an upper
 * bound, increasing) and DWCP_RES_H_COUNT (how many calls took less than
 * that bound, cumulative), in that order; the i-th COUNT belongs to the i-th
 * LE_NS. The "+Inf" bucket is DWCP_RES_S_LATENCY_COUNT, the sum is
 * DWCP_RES_S_LATENCY_SUM_NS.
 *
 * The kernel keeps a log-linear histogram (8 linear buckets per power of
 * two, each at most 1/8 of its lower edge wide); every bound is an edge of
 * those buckets, so the counts are exact: a call is counted under a bound
 * if and only if its latency is below it. The bounds are the bucket edges
 * nearest to 10us 25us 50us 100us 250us 500us 1ms 2.5ms ... 5s 10s (within
 * 4 %, e.g. 983040 ns for 1 ms); read them from the reply, they may change.
 */
enum dwcp_res_hist_attr {
	DWCP_RES_H_UNSPEC,
	DWCP_RES_H_PAD,
	DWCP_RES_H_LE_NS,		/* u64, upper bound (exclusive), ns */
	DWCP_RES_H_COUNT,		/* u64, calls below the bound before it */

	__DWCP_RES_H_MAX
};

#define DWCP_RES_H_MAX (__DWCP_RES_H_MAX - 1)

/* DWCP_RES_A_BREAKER_ACTION */
enum dwcp_res_breaker_action {
	DWCP_RES_BREAKER_RESET,		/* close, clear the window */
	DWCP_RES_BREAKER_FORCE_OPEN,	/* reject everything until reset/enable */
	DWCP_RES_BREAKER_DISABLE,	/* admit everything, never trip */
	DWCP_RES_BREAKER_ENABLE,	/* back to closed from disabled/forced */

	__DWCP_RES_BREAKER_ACTION_MAX
};

/* A chaos fault (DWCP_RES_A_FAULT). */
enum dwcp_res_fault_attr {
	DWCP_RES_FAULT_A_UNSPEC,
	DWCP_RES_FAULT_A_PAD,
	DWCP_RES_FAULT_A_KIND,		/* u32, enum dwcp_res_fault_kind */
	DWCP_RES_FAULT_A_PROBABILITY_PPM,	/* u32, 0..1000000; 0 disarms */
	DWCP_RES_FAULT_A_INTERVAL,	/* u32, every Nth eligible call */
	DWCP_RES_FAULT_A_TIMES,		/* s32, injections left, -1 unlimited */
	DWCP_RES_FAULT_A_VALUE_MIN,	/* u64, value range (ns, errno, bytes) */
	DWCP_RES_FAULT_A_VALUE_MAX,	/* u64 */
	DWCP_RES_FAULT_A_SEED,		/* u64, PRNG seed */
	DWCP_RES_FAULT_A_POLICY,	/* string, in CHAOS_GET replies */
	DWCP_RES_FAULT_A_INJECTIONS,	/* u64, in CHAOS_GET replies */
	DWCP_RES_FAULT_A_PEER,		/* binary: IPv4 (4 bytes) or IPv6 (16
					 * bytes) address, network order; the
					 * fault applies only to sockets whose
					 * remote address matches. Absent:
					 * every call of the policy.
					 */
	DWCP_RES_FAULT_A_PEER_PREFIX,	/* u8, prefix length of PEER (default
					 * the whole address: 32 or 128)
					 */
	DWCP_RES_FAULT_A_HELD_BYTES,	/* u64, CHAOS_GET replies, memory
					 * pressure: bytes held now
					 */
	DWCP_RES_FAULT_A_ACTIVE_NS,	/* u64, CHAOS_GET replies, partition:
					 * time left of the one in force
					 */

	__DWCP_RES_FAULT_A_MAX
};

#define DWCP_RES_FAULT_A_MAX (__DWCP_RES_FAULT_A_MAX - 1)

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
	DWCP_RES_F_HEALTH	= 1ULL << 6,	/* health checks, budgets, triggers */
};

/*
 * Circuit breaker states. Closed, half-open and open are 0, 1 and 2, in
 * order of severity; the dwcp_res_breaker_state_code gauge exports these
 * numbers (Documentation/metrics.rst). The operator states follow.
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
	DWCP_RES_BREAKER_MODE_CONSECUTIVE,	/* N consecutive failures (the default) */
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
 * Who may make a socket a user of a policy (DWCP_RES_P_BIND): set it as a
 * socket's class, or attach the ULP while it is a default class ("send",
 * "receive"). ADMIN: a caller with CAP_NET_ADMIN over the policy's network
 * namespace, or whose effective or supplementary groups hold
 * DWCP_RES_P_BIND_GID (a gid of the user namespace of whoever sets it,
 * refused with -EINVAL if it has no mapping there; replies give it in the
 * reader's). Accepted sockets inherit their listener's classes unchecked;
 * the in-kernel API is not checked. The DWCP profile makes "sync" and
 * "consensus" ADMIN, "send" and "receive" ANY.
 */
enum dwcp_res_bind {
	DWCP_RES_BIND_ANY,
	DWCP_RES_BIND_ADMIN,

	__DWCP_RES_BIND_MAX
};

#define DWCP_RES_BIND_GID_NONE	0xffffffffU	/* (gid_t)-1: no group */

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
	/*
	 * A policy's latency budget is exhausted: the P95 of its last 5
	 * minutes of calls (at least 20) is above its latency target. Not a
	 * burn-rate alert: the budget trigger does not act on it (the latency
	 * trigger and the latency check do).
	 */
	DWCP_RES_ALERT_LATENCY		= 1U << 4,
};

/* The name under which BUDGET_GET/SET and alert events show the system budget. */
#define DWCP_RES_BUDGET_SYSTEM	"system"

/* An error budget (DWCP_RES_A_BUDGET); the status attributes are read-only. */
enum dwcp_res_budget_attr {
	DWCP_RES_B_UNSPEC,
	DWCP_RES_B_PAD,
	DWCP_RES_B_SLO_PPM,		/* u32, target success ratio, 1..999999 */
	DWCP_RES_B_WINDOW_NS,		/* u64, rolling window (SLO period) */
	DWCP_RES_B_BUCKETS,		/* u32, buckets in the window, 1..256 */
	DWCP_RES_B_MIN_EVENTS,		/* u32, low-traffic guard */
	DWCP_RES_B_TOTAL,		/* u64, events in the window */
	DWCP_RES_B_BAD,			/* u64, failures in the window */
	DWCP_RES_B_SUCCESS_PPM,		/* u32, success ratio in the window */
	DWCP_RES_B_REMAINING_PPM,	/* u32, budget left, 0..1000000 */
	DWCP_RES_B_EXHAUSTED,		/* u8 */
	DWCP_RES_B_ALERTS,		/* u32, enum dwcp_res_alert bits */
	DWCP_RES_B_ALERTS_FROM,		/* u32, alert bits before (events) */
	DWCP_RES_B_BURN_FAST_LONG,	/* u32, burn rate x1000 per window: */
	DWCP_RES_B_BURN_FAST_SHORT,	/*   page-fast pair (14.4) */
	DWCP_RES_B_BURN_SLOW_LONG,	/*   page-slow pair (6) */
	DWCP_RES_B_BURN_SLOW_SHORT,
	DWCP_RES_B_BURN_TICKET_LONG,	/*   ticket pair (1) */
	DWCP_RES_B_BURN_TICKET_SHORT,
	DWCP_RES_B_ALERTS_FIRED,	/* u64, alert bits raised so far */
	DWCP_RES_B_LIFE_TOTAL,		/* u64, events ever */
	DWCP_RES_B_LIFE_BAD,		/* u64, failures ever */
	/*
	 * A policy's latency budget (none for "system", nor for a policy
	 * without a latency target): P95 <= target over 5 minutes.
	 */
	DWCP_RES_B_LATENCY_TARGET_NS,	/* u64, the policy's latency target */
	DWCP_RES_B_LATENCY_WINDOW_NS,	/* u64, rolling window */
	DWCP_RES_B_LATENCY_TOTAL,	/* u64, timed calls in the window */
	DWCP_RES_B_LATENCY_EXCEEDING,	/* u64, of which over the target */
	DWCP_RES_B_LATENCY_COMPLIANCE_PPM,	/* u32, share within the target */
	DWCP_RES_B_LATENCY_P95_NS,	/* u64, the window's P95 (estimate) */
	DWCP_RES_B_LATENCY_EXHAUSTED,	/* u8, P95 over the target */

	__DWCP_RES_B_MAX
};

#define DWCP_RES_B_MAX (__DWCP_RES_B_MAX - 1)

/*
 * Automatic degradation triggers (DWCP_RES_TRIG_ENABLED bits, and the cause
 * of a level event). Each one holds a level; the target level is the
 * highest of them, and the controller moves toward it with an up dwell,
 * one level down per min dwell, and a hysteresis margin on the ratios.
 */
enum dwcp_res_trigger {
	DWCP_RES_TRIGGER_BUDGET		= 1U << 0,	/* burn-rate alerts */
	DWCP_RES_TRIGGER_HEALTH		= 1U << 1,	/* failing health checks */
	DWCP_RES_TRIGGER_ERROR_RATE	= 1U << 2,	/* system error rate */
	DWCP_RES_TRIGGER_LATENCY	= 1U << 3,	/* P95 over the target */
	DWCP_RES_TRIGGER_EXTERNAL	= 1U << 4,	/* in-kernel API users */
};

/* Automatic control (DWCP_RES_A_TRIGGER); the IN_* values are read-only. */
enum dwcp_res_trigger_attr {
	DWCP_RES_TRIG_UNSPEC,
	DWCP_RES_TRIG_PAD,
	DWCP_RES_TRIG_ENABLED,		/* u32, enum dwcp_res_trigger bits */
	DWCP_RES_TRIG_ERROR_PPM,	/* u32, error-rate threshold (> 1x:
					 * degraded, 1.5x severely, 2x emergency)
					 */
	DWCP_RES_TRIG_MIN_EVENTS,	/* u32, low-traffic guard of the
					 * error-rate window
					 */
	DWCP_RES_TRIG_WINDOW_NS,	/* u64, error-rate window */
	DWCP_RES_TRIG_TICK_NS,		/* u64, evaluation period */
	DWCP_RES_TRIG_UP_DWELL_NS,	/* u64, target above level this long */
	DWCP_RES_TRIG_MIN_DWELL_NS,	/* u64, per step down */
	DWCP_RES_TRIG_HYST_PERMILLE,	/* u32, down margin of the ratios */
	DWCP_RES_TRIG_IN_BUDGET,	/* u32, enum dwcp_res_level, per input */
	DWCP_RES_TRIG_IN_HEALTH,	/* u32 */
	DWCP_RES_TRIG_IN_ERROR_RATE,	/* u32 */
	DWCP_RES_TRIG_IN_LATENCY,	/* u32 */
	DWCP_RES_TRIG_IN_EXTERNAL,	/* u32 */
	DWCP_RES_TRIG_ERROR_NOW_PPM,	/* u32, error rate over the window */
	DWCP_RES_TRIG_WINDOW_EVENTS,	/* u64, events in the window */
	DWCP_RES_TRIG_LATENCY_PERMILLE,	/* u32, worst P95 / target */

	__DWCP_RES_TRIG_MAX
};

#define DWCP_RES_TRIG_MAX (__DWCP_RES_TRIG_MAX - 1)

/* Health checks one namespace may hold (built-in ones included). */
#define DWCP_RES_MAX_CHECKS	32

/*
 * What a health check measures (DWCP_RES_HC_METRIC). "Window" is the
 * error-rate window of the automatic control (DWCP_RES_TRIG_WINDOW_NS);
 * "tick" its evaluation period. With DWCP_RES_HC_POLICY the value is the
 * policy's, without it the namespace's (all policies).
 */
enum dwcp_res_metric {
	DWCP_RES_METRIC_ERROR_RATE_PPM,	/* failures / calls, window */
	DWCP_RES_METRIC_CALLS,		/* completed calls, window */
	DWCP_RES_METRIC_LATENCY_P95_NS,	/* policy: P95 over the last tick */
	DWCP_RES_METRIC_LATENCY_OVER,	/* policies over their P95 target
					 * (policy: 1 if it is)
					 */
	DWCP_RES_METRIC_BUDGET_REMAINING_PPM,	/* error budget left */
	DWCP_RES_METRIC_BURN_RATE,	/* x1000, page-fast long window */
	DWCP_RES_METRIC_BREAKERS_OPEN,	/* open or forced open breakers */
	DWCP_RES_METRIC_TRANSPORT_ERRORS,	/* window: resets, refused,
						 * unreachable, timeouts, broken
						 * pipes on protected sockets
						 */
	DWCP_RES_METRIC_INFLIGHT,	/* calls admitted, not completed */

	__DWCP_RES_METRIC_MAX
};

/* A health check (DWCP_RES_A_HEALTH); state and counters are read-only. */
enum dwcp_res_health_attr {
	DWCP_RES_HC_UNSPEC,
	DWCP_RES_HC_PAD,
	DWCP_RES_HC_NAME,		/* string, 1..31 of [A-Za-z0-9_.-] */
	DWCP_RES_HC_METRIC,		/* u32, enum dwcp_res_metric */
	DWCP_RES_HC_POLICY,		/* string, policy measured; none = all */
	DWCP_RES_HC_VALUE_MIN,		/* s64, healthy while min <= value */
	DWCP_RES_HC_VALUE_MAX,		/* s64, ... and value <= max */
	DWCP_RES_HC_INTERVAL_NS,	/* u64, start to start */
	DWCP_RES_HC_TIMEOUT_NS,		/* u64, a run later than this fails */
	DWCP_RES_HC_RISE,		/* u32, successes to become healthy */
	DWCP_RES_HC_FALL,		/* u32, failures to become unhealthy */
	DWCP_RES_HC_LEVEL,		/* u32, level asked for while unhealthy */
	DWCP_RES_HC_ENABLED,		/* u8 */
	DWCP_RES_HC_BUILTIN,		/* u8, read-only */
	DWCP_RES_HC_HEALTHY,		/* u8, read-only */
	DWCP_RES_HC_VALUE,		/* s64, last value measured */
	DWCP_RES_HC_CONSECUTIVE,	/* u32, current run of equal results */
	DWCP_RES_HC_CHECKS,		/* u64, results counted */
	DWCP_RES_HC_FAILURES,		/* u64, timeouts included */
	DWCP_RES_HC_TIMEOUTS,		/* u32 */
	DWCP_RES_HC_TRANSITIONS,	/* u32 */
	DWCP_RES_HC_SINCE_NS,		/* u64, time since the last transition */

	__DWCP_RES_HC_MAX
};

#define DWCP_RES_HC_MAX (__DWCP_RES_HC_MAX - 1)

/*
 * The errnos an error fault may fail a call with: those a socket call
 * returns to a program. Kernel-internal codes (ERESTARTSYS, EIOCBQUEUED...)
 * must never reach one: an aio or io_uring request would never complete.
 * DWCP_RES_FAULT_ERRNOS initialises an array (where <errno.h> or
 * <linux/errno.h> is in); DWCP_RES_FAULT_ERRNO_NAMES names the same, in
 * the same order, for messages.
 */
#define DWCP_RES_FAULT_ERRNOS {						\
	EPERM, EINTR, EIO, EAGAIN, ENOMEM, EACCES, EBUSY, EINVAL, EPIPE,	\
	EPROTO, EMSGSIZE, ENETDOWN, ENETUNREACH, ENETRESET, ECONNABORTED,	\
	ECONNRESET, ENOBUFS, ENOTCONN, ESHUTDOWN, ETIMEDOUT, ECONNREFUSED,	\
	EHOSTDOWN, EHOSTUNREACH, ECANCELED, ETIME }
#define DWCP_RES_FAULT_ERRNO_NAMES					\
	"EPERM EINTR EIO EAGAIN ENOMEM EACCES EBUSY EINVAL EPIPE "	\
	"EPROTO EMSGSIZE ENETDOWN ENETUNREACH ENETRESET ECONNABORTED "	\
	"ECONNRESET ENOBUFS ENOTCONN ESHUTDOWN ETIMEDOUT ECONNREFUSED "	\
	"EHOSTDOWN EHOSTUNREACH ECANCELED ETIME"

/*
 * Chaos fault kinds. Each fault has one probability (no second draw inside
 * the fault) and draws a value uniformly from its [min, max] range; the
 * meaning of that value depends on the kind.
 */
enum dwcp_res_fault_kind {
	DWCP_RES_FAULT_LATENCY,		/* value: added delay, ns */
	DWCP_RES_FAULT_ERROR,		/* value: errno to fail with, one of
					 * DWCP_RES_FAULT_ERRNOS
					 */
	DWCP_RES_FAULT_TIMEOUT,		/* value: time to hang before -ETIMEDOUT, ns */
	DWCP_RES_FAULT_PARTITION,	/* value: duration of the partition, ns;
					 * a hit starts one, during which every
					 * matching call fails with
					 * DWCP_RES_PARTITION_ERRNO
					 */
	DWCP_RES_FAULT_CPU_SPIKE,	/* value: duration of the busy loop, ns,
					 * at most DWCP_RES_CPU_SPIKE_MAX_NS
					 */
	DWCP_RES_FAULT_MEM_PRESSURE,	/* value: bytes to hold while chaos is
					 * enabled (not rolled per call), at
					 * most DWCP_RES_MEM_PRESSURE_MAX_SHIFT
					 * of RAM over all namespaces
					 */

	__DWCP_RES_FAULT_MAX
};

/* A partition fails every matching call with -DWCP_RES_PARTITION_ERRNO. */
#define DWCP_RES_PARTITION_ERRNO	113	/* EHOSTUNREACH */
/* Longest busy loop of one CPU spike (larger values are refused). */
#define DWCP_RES_CPU_SPIKE_MAX_NS	100000000ULL	/* 100 ms */
/* Longest latency, timeout or partition a fault may inject. */
#define DWCP_RES_FAULT_DURATION_MAX_NS	3600000000000ULL	/* 1 h */
/* Memory pressure holds at most RAM >> this, module-wide (a quarter). */
#define DWCP_RES_MEM_PRESSURE_MAX_SHIFT	2

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
 *                                                (default -EIO), a timeout
 *                                                (-ETIMEDOUT) or a partition
 *                                                (-EHOSTUNREACH)
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

/* DWCP_RES_A_EVENT_POLICY: what happened to the policy named. */
enum dwcp_res_policy_event {
	DWCP_RES_POLICY_ADDED,
	DWCP_RES_POLICY_CHANGED,
	DWCP_RES_POLICY_DELETED,

	__DWCP_RES_POLICY_EVENT_MAX
};

/* The DWCP profile's operation classes, loaded in every network namespace. */
#define DWCP_RES_CLASS_SEND		"send"
#define DWCP_RES_CLASS_RECEIVE		"receive"
#define DWCP_RES_CLASS_SYNC		"sync"
#define DWCP_RES_CLASS_CONSENSUS	"consensus"

/*
 * The TCP upper layer protocol "dwcp"
 * -----------------------------------
 * setsockopt(fd, SOL_TCP, TCP_ULP, "dwcp", 4) on an established (or a
 * listening) TCP socket, IPv4 or IPv6, puts every sendmsg/sendpage and
 * recvmsg of the socket through the admission pipeline of its class: the
 * policy "send" for sends and "receive" for receives unless changed below.
 * Accepted sockets of a listener that has the ULP inherit it and its classes.
 * Attaching fails with -EPERM if "send" or "receive" is DWCP_RES_BIND_ADMIN
 * and the caller may not bind to it.
 * A rejected call returns the rejection's errno (enum dwcp_res_reject) and
 * moves no data; a signal during a wait in the pipeline returns -EINTR (or
 * restarts the call). Documentation/ulp.rst has the whole story.
 *
 * Socket options at level SOL_DWCP (only on sockets with the ULP; without it
 * the level reaches IP: setsockopt fails with -ENOPROTOOPT, getsockopt with
 * -EOPNOTSUPP on IPv4 and -ENOPROTOOPT on IPv6; getsockopt of TCP_ULP says
 * whether a socket has the ULP):
 *
 * DWCP_SO_CLASS (set, get)       char[DWCP_RES_NAME_MAX]
 *   set: the policy named by optval (optlen 1..31, NUL optional) becomes
 *   the class of both directions; -ENOENT if the socket's network namespace
 *   has no such policy, -EINVAL for an empty or overlong name, -EPERM if
 *   the policy's DWCP_RES_P_BIND does not let the caller bind to it.
 *   get: the send direction's class (the name, NUL padded to optlen, at
 *   most DWCP_RES_NAME_MAX bytes).
 * DWCP_SO_SEND_CLASS, DWCP_SO_RECV_CLASS (set, get)   char[]
 *   The same for one direction.
 * DWCP_SO_STATS (get)            struct dwcp_res_sock_stats
 *   The socket's own counters since the ULP was attached (the policies
 *   count the same calls in DWCP_RES_A_STATS, summed over all their users).
 *   Returns min(optlen, sizeof) bytes and stores that length in optlen, so
 *   a program built against an older, shorter struct keeps working.
 * DWCP_SO_ROLE (set, get)        int, enum dwcp_res_role
 *   Whose failures the socket's errors are. On a SERVER socket a reset,
 *   broken pipe or timeout (the client leaving) counts IGNORED, not as a
 *   FAILURE of the class that every client shares. Accepted sockets of a
 *   listener with the ULP are SERVER, every other socket starts CLIENT;
 *   the preload shim sets SERVER on the sockets it accept()s.
 *   -EINVAL for another value or optlen < sizeof(int).
 *
 * Backpressure: a call that would have to wait for a rate or bulkhead slot
 * and may not (non-blocking, or its socket timeout is too short) returns
 * -EAGAIN, and poll does not report that direction ready until the slot
 * would be there; then the socket is woken.
 *
 * SOL_DWCP is far above the kernel's own SOL_* levels so that no future
 * level of the kernel can collide with it on a socket that has the ULP.
 */
#define SOL_DWCP		0x4457	/* "DW" */

enum dwcp_res_sockopt {
	DWCP_SO_CLASS = 1,
	DWCP_SO_SEND_CLASS,
	DWCP_SO_RECV_CLASS,
	DWCP_SO_STATS,
	DWCP_SO_ROLE,
};

enum dwcp_res_role {
	DWCP_RES_ROLE_CLIENT,
	DWCP_RES_ROLE_SERVER,
};

/* One direction of a socket; results and rejected are indexed by enum. */
struct dwcp_res_sock_dir_stats {
	__u64 admitted;		/* calls the pipeline let through */
	__u64 bytes;		/* bytes moved by admitted calls */
	__u64 interrupted;	/* a signal ended a wait in the pipeline */
	__u64 results[8];	/* enum dwcp_res_result, as this socket
				 * classified them (SLOW is only told apart
				 * by the policy: it is counted SUCCESS here)
				 */
	__u64 rejected[8];	/* enum dwcp_res_reject; [0] unused */
};

struct dwcp_res_sock_stats {
	struct dwcp_res_sock_dir_stats send;
	struct dwcp_res_sock_dir_stats recv;
	__u64 send_retries;	/* failed sends tried again (data-path retries) */
	__u64 recv_retries;	/* failed receives tried again */
};

/*
 * inet_diag (ss -ti, as CAP_NET_ADMIN): the kernel puts INET_ULP_INFO_NAME
 * "dwcp" in the INET_DIAG_ULP_INFO nest; the module adds one nest of its own,
 * DWCP_RES_ULP_INFO, with the socket's classes. The kernel has no
 * INET_ULP_INFO_* number for out-of-tree ULPs, so the nest takes a type far
 * above the kernel's (ss ignores types it does not know).
 */
#define DWCP_RES_ULP_INFO	0x3f57	/* nest, enum dwcp_res_ulp_info */

enum dwcp_res_ulp_info {
	DWCP_RES_ULP_INFO_UNSPEC,
	DWCP_RES_ULP_INFO_SEND_CLASS,	/* string; absent when unprotected */
	DWCP_RES_ULP_INFO_RECV_CLASS,	/* string */

	__DWCP_RES_ULP_INFO_MAX
};

#define DWCP_RES_ULP_INFO_MAX (__DWCP_RES_ULP_INFO_MAX - 1)

#endif /* _UAPI_LINUX_DWCP_RES_H */
