// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the generic netlink family. Attribute policies first, then the
 * commands that live here, then the family itself (WireGuard's layout);
 * the policy and chaos commands are in nl_policy.c and nl_chaos.c.
 *
 * Every command has its own strict policy: attributes it does not take are
 * refused, values are range-checked here, and the core's config checks
 * explain what is left (cross-field rules) through the extended ack.
 * Commands that change state need CAP_NET_ADMIN over the namespace's user
 * namespace (GENL_UNS_ADMIN_PERM): a container's root manages the
 * policies of its own network namespace. Chaos is different: it injects
 * failures and holds host memory, so it needs CAP_NET_ADMIN in the initial
 * user namespace (GENL_ADMIN_PERM), the host's admin. Reading needs nothing.
 */
#include <net/genetlink.h>
#include <uapi/linux/dwcp_res.h>

#include "dwcp_res.h"
#include "netlink.h"
#include "version.h"

/* Non-const: 6.1's struct nla_policy points at them without const. */
static struct netlink_range_validation ppm_range = { .min = 0, .max = 1000000 };
static struct netlink_range_validation ppm1_range = { .min = 1, .max = 1000000 };
static struct netlink_range_validation permille_range = { .min = 1, .max = 1000 };
static struct netlink_range_validation mult_range = { .min = 1000, .max = 1000000 };
static struct netlink_range_validation count_range = { .min = 1, .max = 1000000 };
static struct netlink_range_validation queue_range = { .min = 0, .max = 1000000 };
/* Durations: at most 31 days, far beyond any sane setting, never overflowing. */
#define NS_MAX (31ULL * 86400 * NSEC_PER_SEC)
static struct netlink_range_validation ns_range = { .min = 0, .max = NS_MAX };
static struct netlink_range_validation ns1_range = { .min = 1, .max = NS_MAX };
static struct netlink_range_validation rate_range = { .min = 1, .max = 1000000000ULL };
static struct netlink_range_validation mcps_range = { .min = 1, .max = 1000000000000ULL };
static struct netlink_range_validation bytes_rate_range = { .min = 0, .max = 1ULL << 40 };

#define U32_RANGE(r)	NLA_POLICY_FULL_RANGE(NLA_U32, &(r))
#define U64_RANGE(r)	NLA_POLICY_FULL_RANGE(NLA_U64, &(r))

const struct nla_policy dwcp_res_policy_attr_policy[DWCP_RES_P_MAX + 1] = {
	[DWCP_RES_P_BASE]		= { .type = NLA_NUL_STRING, .len = DWCP_RES_NAME_MAX - 1 },
	[DWCP_RES_P_PRIORITY]		= NLA_POLICY_MAX(NLA_U32, __DWCP_RES_PRIO_MAX - 1),
	[DWCP_RES_P_FLAGS]		= NLA_POLICY_MASK(NLA_U32, DWCP_RES_POLICY_F_RATE |
							   DWCP_RES_POLICY_F_ADAPTIVE |
							   DWCP_RES_POLICY_F_SHADOW),
	[DWCP_RES_P_FLAGS_MASK]		= NLA_POLICY_MASK(NLA_U32, DWCP_RES_POLICY_F_RATE |
							   DWCP_RES_POLICY_F_ADAPTIVE |
							   DWCP_RES_POLICY_F_SHADOW),
	[DWCP_RES_P_LATENCY_TARGET_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_DEGRADE_PERMILLE]	= U32_RANGE(permille_range),
	[DWCP_RES_P_BREAKER_MODE]	= NLA_POLICY_MAX(NLA_U32, __DWCP_RES_BREAKER_MODE_MAX - 1),
	[DWCP_RES_P_BREAKER_FAILURES]	= U32_RANGE(count_range),
	[DWCP_RES_P_BREAKER_PROBES]	= U32_RANGE(count_range),
	[DWCP_RES_P_BREAKER_WINDOW]	= U32_RANGE(count_range),
	[DWCP_RES_P_BREAKER_MIN_CALLS]	= U32_RANGE(count_range),
	[DWCP_RES_P_BREAKER_FAILURE_PPM] = U32_RANGE(ppm1_range),
	[DWCP_RES_P_BREAKER_SLOW_PPM]	= U32_RANGE(ppm_range),
	[DWCP_RES_P_BREAKER_OPEN_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_BREAKER_HALF_OPEN_NS] = U64_RANGE(ns_range),
	[DWCP_RES_P_BREAKER_BUCKET_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_BREAKER_SLOW_NS]	= U64_RANGE(ns_range),
	[DWCP_RES_P_RATE]		= U64_RANGE(rate_range),
	[DWCP_RES_P_RATE_BURST]		= U32_RANGE(count_range),
	[DWCP_RES_P_RATE_BYTES]		= U64_RANGE(bytes_rate_range),
	[DWCP_RES_P_RATE_BURST_BYTES]	= { .type = NLA_U32 },
	[DWCP_RES_P_ADAPTIVE_MIN_MCPS]	= U64_RANGE(mcps_range),
	[DWCP_RES_P_ADAPTIVE_MAX_MCPS]	= U64_RANGE(mcps_range),
	[DWCP_RES_P_ADAPTIVE_INITIAL_MCPS] = U64_RANGE(mcps_range),
	[DWCP_RES_P_ADAPTIVE_TARGET_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_ADAPTIVE_WINDOW_NS]	= U64_RANGE(ns_range),
	[DWCP_RES_P_BULKHEAD_MAX]	= U32_RANGE(count_range),
	[DWCP_RES_P_BULKHEAD_QUEUE]	= U32_RANGE(queue_range),
	[DWCP_RES_P_BULKHEAD_WAIT_NS]	= U64_RANGE(ns_range),
	[DWCP_RES_P_RETRY_MAX]		= NLA_POLICY_MAX(NLA_U32, 1000),
	[DWCP_RES_P_RETRY_BASE_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_RETRY_CAP_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_RETRY_MULT_PERMILLE] = U32_RANGE(mult_range),
	[DWCP_RES_P_RETRY_BUDGET_PERMILLE] = NLA_POLICY_MAX(NLA_U32, 1000),
	[DWCP_RES_P_RETRY_MIN_CONCURRENCY] = U32_RANGE(queue_range),
	[DWCP_RES_P_TIMEOUT_INITIAL_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_TIMEOUT_MIN_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_TIMEOUT_MAX_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_SLO_PPM]		= U32_RANGE(ppm1_range),
	[DWCP_RES_P_SLO_WINDOW_NS]	= U64_RANGE(ns1_range),
	[DWCP_RES_P_SLO_BUCKETS]	= U32_RANGE(count_range),
	[DWCP_RES_P_SLO_MIN_EVENTS]	= U32_RANGE(queue_range),
	[DWCP_RES_P_BIND]		= NLA_POLICY_MAX(NLA_U32, __DWCP_RES_BIND_MAX - 1),
	/* Any gid: one that does not map in the namespace matches no one. */
	[DWCP_RES_P_BIND_GID]		= { .type = NLA_U32 },
};

const struct nla_policy dwcp_res_fault_attr_policy[DWCP_RES_FAULT_A_MAX + 1] = {
	[DWCP_RES_FAULT_A_KIND]		= NLA_POLICY_MAX(NLA_U32, __DWCP_RES_FAULT_MAX - 1),
	[DWCP_RES_FAULT_A_PROBABILITY_PPM] = U32_RANGE(ppm_range),
	[DWCP_RES_FAULT_A_INTERVAL]	= { .type = NLA_U32 },
	[DWCP_RES_FAULT_A_TIMES]	= NLA_POLICY_MIN(NLA_S32, -1),
	[DWCP_RES_FAULT_A_VALUE_MIN]		= { .type = NLA_U64 },
	[DWCP_RES_FAULT_A_VALUE_MAX]		= { .type = NLA_U64 },
	[DWCP_RES_FAULT_A_SEED]		= { .type = NLA_U64 },
	[DWCP_RES_FAULT_A_PEER]		= NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[DWCP_RES_FAULT_A_PEER_PREFIX]	= NLA_POLICY_MAX(NLA_U8, 128),
	/*
	 * FAULT_A_POLICY, _INJECTIONS, _HELD_BYTES and _ACTIVE_NS only appear
	 * in replies.
	 */
};

static struct netlink_range_validation check_ns_range = {
	.min = DWCP_HEALTH_MIN_INTERVAL_NS, .max = DWCP_HEALTH_MAX_INTERVAL_NS,
};

static struct netlink_range_validation threshold_range = {
	.min = 1, .max = DWCP_HEALTH_MAX_THRESHOLD,
};

static struct netlink_range_validation tick_range = {
	.min = DWCP_ENGINE_MIN_TICK_NS, .max = DWCP_ENGINE_MAX_TICK_NS,
};

static struct netlink_range_validation window_range = {
	.min = DWCP_ENGINE_WINDOW_BUCKETS * DWCP_BUDGET_MIN_BUCKET_NS,
	.max = DWCP_ENGINE_MAX_WINDOW_NS,
};

static struct netlink_range_validation slo_range = { .min = 1, .max = 999999 };

static struct netlink_range_validation buckets_range = {
	.min = 1, .max = DWCP_BUDGET_MAX_BUCKETS,
};

const struct nla_policy dwcp_res_health_attr_policy[DWCP_RES_HC_MAX + 1] = {
	[DWCP_RES_HC_NAME]		= { .type = NLA_NUL_STRING, .len = DWCP_RES_NAME_MAX - 1 },
	[DWCP_RES_HC_METRIC]		= NLA_POLICY_MAX(NLA_U32, __DWCP_RES_METRIC_MAX - 1),
	[DWCP_RES_HC_POLICY]		= { .type = NLA_NUL_STRING, .len = DWCP_RES_NAME_MAX - 1 },
	[DWCP_RES_HC_VALUE_MIN]		= { .type = NLA_S64 },
	[DWCP_RES_HC_VALUE_MAX]		= { .type = NLA_S64 },
	[DWCP_RES_HC_INTERVAL_NS]	= U64_RANGE(check_ns_range),
	[DWCP_RES_HC_TIMEOUT_NS]	= U64_RANGE(check_ns_range),
	[DWCP_RES_HC_RISE]		= U32_RANGE(threshold_range),
	[DWCP_RES_HC_FALL]		= U32_RANGE(threshold_range),
	[DWCP_RES_HC_LEVEL]		= NLA_POLICY_MAX(NLA_U32, __DWCP_RES_LEVEL_MAX - 1),
	[DWCP_RES_HC_ENABLED]		= NLA_POLICY_MAX(NLA_U8, 1),
	/* The state and counters are read-only: nl_health.c refuses them. */
	[DWCP_RES_HC_BUILTIN]		= { .type = NLA_U8 },
	[DWCP_RES_HC_HEALTHY]		= { .type = NLA_U8 },
	[DWCP_RES_HC_VALUE]		= { .type = NLA_S64 },
	[DWCP_RES_HC_CONSECUTIVE]	= { .type = NLA_U32 },
	[DWCP_RES_HC_CHECKS]		= { .type = NLA_U64 },
	[DWCP_RES_HC_FAILURES]		= { .type = NLA_U64 },
	[DWCP_RES_HC_TIMEOUTS]		= { .type = NLA_U32 },
	[DWCP_RES_HC_TRANSITIONS]	= { .type = NLA_U32 },
	[DWCP_RES_HC_SINCE_NS]		= { .type = NLA_U64 },
};

const struct nla_policy dwcp_res_budget_attr_policy[DWCP_RES_B_MAX + 1] = {
	[DWCP_RES_B_SLO_PPM]		= U32_RANGE(slo_range),
	[DWCP_RES_B_WINDOW_NS]		= U64_RANGE(ns1_range),
	[DWCP_RES_B_BUCKETS]		= U32_RANGE(buckets_range),
	[DWCP_RES_B_MIN_EVENTS]		= U32_RANGE(queue_range),
	/* The status is read-only: nl_health.c refuses it by name. */
	[DWCP_RES_B_TOTAL]		= { .type = NLA_U64 },
	[DWCP_RES_B_BAD]		= { .type = NLA_U64 },
	[DWCP_RES_B_SUCCESS_PPM]	= { .type = NLA_U32 },
	[DWCP_RES_B_REMAINING_PPM]	= { .type = NLA_U32 },
	[DWCP_RES_B_EXHAUSTED]		= { .type = NLA_U8 },
	[DWCP_RES_B_ALERTS]		= { .type = NLA_U32 },
	[DWCP_RES_B_ALERTS_FROM]	= { .type = NLA_U32 },
	[DWCP_RES_B_BURN_FAST_LONG]	= { .type = NLA_U32 },
	[DWCP_RES_B_BURN_FAST_SHORT]	= { .type = NLA_U32 },
	[DWCP_RES_B_BURN_SLOW_LONG]	= { .type = NLA_U32 },
	[DWCP_RES_B_BURN_SLOW_SHORT]	= { .type = NLA_U32 },
	[DWCP_RES_B_BURN_TICKET_LONG]	= { .type = NLA_U32 },
	[DWCP_RES_B_BURN_TICKET_SHORT]	= { .type = NLA_U32 },
	[DWCP_RES_B_ALERTS_FIRED]	= { .type = NLA_U64 },
	[DWCP_RES_B_LIFE_TOTAL]		= { .type = NLA_U64 },
	[DWCP_RES_B_LIFE_BAD]		= { .type = NLA_U64 },
	[DWCP_RES_B_LATENCY_TARGET_NS]	= { .type = NLA_U64 },
	[DWCP_RES_B_LATENCY_WINDOW_NS]	= { .type = NLA_U64 },
	[DWCP_RES_B_LATENCY_TOTAL]	= { .type = NLA_U64 },
	[DWCP_RES_B_LATENCY_EXCEEDING]	= { .type = NLA_U64 },
	[DWCP_RES_B_LATENCY_COMPLIANCE_PPM] = { .type = NLA_U32 },
	[DWCP_RES_B_LATENCY_P95_NS]	= { .type = NLA_U64 },
	[DWCP_RES_B_LATENCY_EXHAUSTED]	= { .type = NLA_U8 },
};

/* Only the settable trigger attributes; the IN_* ones are reply-only. */
static const struct nla_policy dwcp_res_trigger_attr_policy[DWCP_RES_TRIG_MAX + 1] = {
	[DWCP_RES_TRIG_ENABLED]		= NLA_POLICY_MASK(NLA_U32, DWCP_ENGINE_TRIGGERS_ALL),
	[DWCP_RES_TRIG_ERROR_PPM]	= U32_RANGE(ppm1_range),
	[DWCP_RES_TRIG_MIN_EVENTS]	= U32_RANGE(queue_range),
	[DWCP_RES_TRIG_WINDOW_NS]	= U64_RANGE(window_range),
	[DWCP_RES_TRIG_TICK_NS]		= U64_RANGE(tick_range),
	[DWCP_RES_TRIG_UP_DWELL_NS]	= U64_RANGE(ns_range),
	[DWCP_RES_TRIG_MIN_DWELL_NS]	= U64_RANGE(ns_range),
	[DWCP_RES_TRIG_HYST_PERMILLE]	= U32_RANGE(permille_range),
};

/*
 * One policy table per command. With strict validation (resv_start_op 0)
 * an attribute a table does not list is refused ("Unsupported attribute"),
 * so each table lists exactly what its command takes.
 */
static const struct nla_policy dwcp_res_info_policy[DWCP_RES_A_MAX + 1] = {
};

static const struct nla_policy dwcp_res_name_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_POLICY_NAME] = { .type = NLA_NUL_STRING, .len = DWCP_RES_NAME_MAX - 1 },
};

static const struct nla_policy dwcp_res_policy_cfg_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_POLICY_NAME] = { .type = NLA_NUL_STRING, .len = DWCP_RES_NAME_MAX - 1 },
	[DWCP_RES_A_POLICY] = NLA_POLICY_NESTED(dwcp_res_policy_attr_policy),
	[DWCP_RES_A_DRY_RUN] = { .type = NLA_FLAG },
};

static const struct nla_policy dwcp_res_breaker_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_POLICY_NAME] = { .type = NLA_NUL_STRING, .len = DWCP_RES_NAME_MAX - 1 },
	[DWCP_RES_A_BREAKER_ACTION] = NLA_POLICY_MAX(NLA_U32, __DWCP_RES_BREAKER_ACTION_MAX - 1),
};

static const struct nla_policy dwcp_res_chaos_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_CHAOS_ENABLED] = NLA_POLICY_MAX(NLA_U8, 1),
};

static const struct nla_policy dwcp_res_fault_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_POLICY_NAME] = { .type = NLA_NUL_STRING, .len = DWCP_RES_NAME_MAX - 1 },
	[DWCP_RES_A_FAULT] = NLA_POLICY_NESTED(dwcp_res_fault_attr_policy),
};

static const struct nla_policy dwcp_res_degrade_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_LEVEL] = NLA_POLICY_MAX(NLA_U32, __DWCP_RES_LEVEL_MAX - 1),
	[DWCP_RES_A_DEGRADE_HOLD_NS] = U64_RANGE(ns1_range),
	[DWCP_RES_A_DEGRADE_AUTO] = NLA_POLICY_MAX(NLA_U8, 1),
	[DWCP_RES_A_TRIGGER] = NLA_POLICY_NESTED(dwcp_res_trigger_attr_policy),
	[DWCP_RES_A_DRY_RUN] = { .type = NLA_FLAG },
};

static const struct nla_policy dwcp_res_health_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_HEALTH] = NLA_POLICY_NESTED(dwcp_res_health_attr_policy),
};

/* HEALTH_NEW and HEALTH_SET: the check, and the dry run. */
static const struct nla_policy dwcp_res_health_cfg_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_HEALTH] = NLA_POLICY_NESTED(dwcp_res_health_attr_policy),
	[DWCP_RES_A_DRY_RUN] = { .type = NLA_FLAG },
};

static const struct nla_policy dwcp_res_budget_policy[DWCP_RES_A_MAX + 1] = {
	[DWCP_RES_A_POLICY_NAME] = { .type = NLA_NUL_STRING, .len = DWCP_RES_NAME_MAX - 1 },
	[DWCP_RES_A_BUDGET] = NLA_POLICY_NESTED(dwcp_res_budget_attr_policy),
	[DWCP_RES_A_DRY_RUN] = { .type = NLA_FLAG },
};

static int dwcp_res_nl_get_info(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;

	hdr = genlmsg_put_reply(msg, info, &dwcp_res_genl_family, 0,
				DWCP_RES_CMD_GET_INFO);
	if (!hdr)
		goto nla_put_failure;

	if (nla_put_string(msg, DWCP_RES_A_INFO_VERSION, DWCP_RES_VERSION) ||
	    nla_put_u64_64bit(msg, DWCP_RES_A_INFO_FEATURES,
			      dwcp_res_features(), DWCP_RES_A_PAD) ||
	    nla_put_u8(msg, DWCP_RES_A_INFO_CHAOS_ALLOWED,
		       dwcp_res_chaos_allowed))
		goto nla_put_failure;

	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_put_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

#define ADMIN GENL_UNS_ADMIN_PERM
#define HOST_ADMIN GENL_ADMIN_PERM

static const struct genl_ops dwcp_res_genl_ops[] = {
	{
		.cmd	= DWCP_RES_CMD_GET_INFO,
		.doit	= dwcp_res_nl_get_info,
		.policy	= dwcp_res_info_policy,
		.maxattr = DWCP_RES_A_MAX,
	},
	{
		.cmd	= DWCP_RES_CMD_POLICY_GET,
		.doit	= dwcp_res_nl_policy_get,
		.start	= dwcp_res_nl_policy_dump_start,
		.dumpit	= dwcp_res_nl_policy_dump,
		.policy	= dwcp_res_name_policy,
		.maxattr = DWCP_RES_A_MAX,
	},
	{
		.cmd	= DWCP_RES_CMD_POLICY_NEW,
		.doit	= dwcp_res_nl_policy_new,
		.policy	= dwcp_res_policy_cfg_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_POLICY_SET,
		.doit	= dwcp_res_nl_policy_set,
		.policy	= dwcp_res_policy_cfg_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_POLICY_DEL,
		.doit	= dwcp_res_nl_policy_del,
		.policy	= dwcp_res_name_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_BREAKER_SET,
		.doit	= dwcp_res_nl_breaker_set,
		.policy	= dwcp_res_breaker_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_CHAOS_GET,
		.doit	= dwcp_res_nl_chaos_get,
		.dumpit	= dwcp_res_nl_chaos_dump,
		.policy	= dwcp_res_info_policy,
		.maxattr = DWCP_RES_A_MAX,
	},
	{
		.cmd	= DWCP_RES_CMD_CHAOS_SET,
		.doit	= dwcp_res_nl_chaos_set,
		.policy	= dwcp_res_chaos_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= HOST_ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_FAULT_SET,
		.doit	= dwcp_res_nl_fault_set,
		.policy	= dwcp_res_fault_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= HOST_ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_CHAOS_CLEAR,
		.doit	= dwcp_res_nl_chaos_clear,
		.policy	= dwcp_res_info_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= HOST_ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_DEGRADE_GET,
		.doit	= dwcp_res_nl_degrade_get,
		.dumpit	= dwcp_res_nl_degrade_dump,
		.policy	= dwcp_res_info_policy,
		.maxattr = DWCP_RES_A_MAX,
	},
	{
		.cmd	= DWCP_RES_CMD_DEGRADE_SET,
		.doit	= dwcp_res_nl_degrade_set,
		.policy	= dwcp_res_degrade_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_HEALTH_GET,
		.doit	= dwcp_res_nl_health_get,
		.start	= dwcp_res_nl_health_dump_start,
		.dumpit	= dwcp_res_nl_health_dump,
		.policy	= dwcp_res_health_policy,
		.maxattr = DWCP_RES_A_MAX,
	},
	{
		.cmd	= DWCP_RES_CMD_HEALTH_NEW,
		.doit	= dwcp_res_nl_health_new,
		.policy	= dwcp_res_health_cfg_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_HEALTH_SET,
		.doit	= dwcp_res_nl_health_set,
		.policy	= dwcp_res_health_cfg_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_HEALTH_DEL,
		.doit	= dwcp_res_nl_health_del,
		.policy	= dwcp_res_health_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= ADMIN,
	},
	{
		.cmd	= DWCP_RES_CMD_BUDGET_GET,
		.doit	= dwcp_res_nl_budget_get,
		.start	= dwcp_res_nl_budget_dump_start,
		.dumpit	= dwcp_res_nl_budget_dump,
		.policy	= dwcp_res_name_policy,
		.maxattr = DWCP_RES_A_MAX,
	},
	{
		.cmd	= DWCP_RES_CMD_BUDGET_SET,
		.doit	= dwcp_res_nl_budget_set,
		.policy	= dwcp_res_budget_policy,
		.maxattr = DWCP_RES_A_MAX,
		.flags	= ADMIN,
	},
};

/* In the order of DWCP_RES_NLGRP_* (netlink.h); events.c sends to them. */
static const struct genl_multicast_group dwcp_res_mcgrps[] = {
	{ .name = DWCP_RES_MCGRP_EVENTS },
};

/*
 * resv_start_op stays 0: every command gets strict attribute validation and
 * the reserved genetlink header fields are checked.
 */
struct genl_family dwcp_res_genl_family __ro_after_init = {
	.name		= DWCP_RES_GENL_NAME,
	.version	= DWCP_RES_GENL_VERSION,
	.maxattr	= DWCP_RES_A_MAX,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.ops		= dwcp_res_genl_ops,
	.n_ops		= ARRAY_SIZE(dwcp_res_genl_ops),
	.mcgrps		= dwcp_res_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(dwcp_res_mcgrps),
};

int __init dwcp_res_genl_init(void)
{
	return genl_register_family(&dwcp_res_genl_family);
}

void dwcp_res_genl_exit(void)
{
	genl_unregister_family(&dwcp_res_genl_family);
}

/* Lets the genetlink controller autoload us when resctl asks for the family. */
MODULE_ALIAS_GENL_FAMILY(DWCP_RES_GENL_NAME);
