// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the POLICY_* and BREAKER_SET commands of the netlink family.
 *
 * A policy's configuration travels as the flat attribute set of enum
 * dwcp_res_policy_attr; one table maps each attribute onto its field of
 * struct dwcp_pipe_config, so parsing, replying and the YAML spec cannot
 * drift apart field by field.
 */
#include <linux/cred.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <net/sock.h>
#include <net/genetlink.h>

#include "dwcp_res.h"
#include "netlink.h"

/* Where an attribute's value lives; its width comes from its nla_policy. */
struct policy_field {
	u16 attr;
	u16 offset;
};

#define PF(_attr, _field) {						\
	.attr = DWCP_RES_P_##_attr,					\
	.offset = offsetof(struct dwcp_pipe_config, _field),		\
}

static bool field_is_u32(const struct policy_field *f)
{
	return dwcp_res_policy_attr_policy[f->attr].type == NLA_U32;
}

static const struct policy_field policy_fields[] = {
	PF(PRIORITY, priority),
	PF(FLAGS, flags),
	PF(LATENCY_TARGET_NS, latency_target_ns),
	PF(DEGRADE_PERMILLE, degrade_limit_permille),
	PF(BREAKER_MODE, breaker.mode),
	PF(BREAKER_FAILURES, breaker.max_failures),
	PF(BREAKER_PROBES, breaker.half_open_permits),
	PF(BREAKER_WINDOW, breaker.window_size),
	PF(BREAKER_MIN_CALLS, breaker.minimum_calls),
	PF(BREAKER_FAILURE_PPM, breaker.failure_rate_ppm),
	PF(BREAKER_SLOW_PPM, breaker.slow_rate_ppm),
	PF(BREAKER_OPEN_NS, breaker.open_duration_ns),
	PF(BREAKER_HALF_OPEN_NS, breaker.max_wait_half_open_ns),
	PF(BREAKER_BUCKET_NS, breaker.bucket_width_ns),
	PF(BREAKER_SLOW_NS, breaker.slow_call_ns),
	PF(RATE, rate.rate),
	PF(RATE_BURST, rate.burst),
	PF(RATE_BYTES, rate.byte_rate),
	PF(RATE_BURST_BYTES, rate.burst_bytes),
	PF(ADAPTIVE_MIN_MCPS, adaptive.min_rate),
	PF(ADAPTIVE_MAX_MCPS, adaptive.max_rate),
	PF(ADAPTIVE_INITIAL_MCPS, adaptive.initial_rate),
	PF(ADAPTIVE_TARGET_NS, adaptive.target_ns),
	PF(ADAPTIVE_WINDOW_NS, adaptive.window_ns),
	PF(BULKHEAD_MAX, bulkhead.max_concurrent),
	PF(BULKHEAD_QUEUE, bulkhead.max_queue),
	PF(BULKHEAD_WAIT_NS, bulkhead.max_wait_ns),
	PF(RETRY_MAX, retry.max_retries),
	PF(RETRY_BASE_NS, retry.base_ns),
	PF(RETRY_CAP_NS, retry.cap_ns),
	PF(RETRY_MULT_PERMILLE, retry.mult_permille),
	PF(RETRY_BUDGET_PERMILLE, retry_budget.budget_permille),
	PF(RETRY_MIN_CONCURRENCY, retry_budget.min_concurrency),
	PF(TIMEOUT_INITIAL_NS, timeout.initial_ns),
	PF(TIMEOUT_MIN_NS, timeout.min_ns),
	PF(TIMEOUT_MAX_NS, timeout.max_ns),
	PF(SLO_PPM, budget.slo_ppm),
	PF(SLO_WINDOW_NS, budget.window_ns),
	PF(SLO_BUCKETS, budget.nbuckets),
	PF(SLO_MIN_EVENTS, budget.min_events),
	PF(BIND, bind),
	/* DWCP_RES_P_BIND_GID is mapped through the caller's user namespace. */
};

/*
 * Overwrite the fields whose attributes are present in @tb; of the flags,
 * only the bits of DWCP_RES_P_FLAGS_MASK when it is given. The bind group
 * arrives as a gid of the caller's user namespace and is kept as a kgid,
 * as ping_group_range keeps its groups.
 */
static int policy_from_attrs(struct dwcp_pipe_config *cfg, struct nlattr **tb,
			     struct netlink_ext_ack *extack)
{
	const struct policy_field *f;
	u32 old_flags = cfg->flags, mask;

	BUILD_BUG_ON(DWCP_RES_POLICY_F_RATE != DWCP_PIPE_F_RATE);
	BUILD_BUG_ON(DWCP_RES_POLICY_F_ADAPTIVE != DWCP_PIPE_F_ADAPTIVE);
	BUILD_BUG_ON(DWCP_RES_POLICY_F_SHADOW != DWCP_PIPE_F_SHADOW);
	for (f = policy_fields; f < policy_fields + ARRAY_SIZE(policy_fields); f++) {
		void *field = (char *)cfg + f->offset;

		if (!tb[f->attr])
			continue;
		if (field_is_u32(f))
			*(u32 *)field = nla_get_u32(tb[f->attr]);
		else
			*(u64 *)field = nla_get_u64(tb[f->attr]);
	}
	if (tb[DWCP_RES_P_FLAGS_MASK]) {
		mask = nla_get_u32(tb[DWCP_RES_P_FLAGS_MASK]);
		cfg->flags = (old_flags & ~mask) | (cfg->flags & mask);
	}
	if (tb[DWCP_RES_P_BIND_GID]) {
		u32 gid = nla_get_u32(tb[DWCP_RES_P_BIND_GID]);
		kgid_t kgid = make_kgid(current_user_ns(), gid);

		if (gid != DWCP_RES_BIND_GID_NONE && !gid_valid(kgid)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[DWCP_RES_P_BIND_GID],
					    "bind-gid is not a group of the caller's user namespace");
			return -EINVAL;
		}
		cfg->bind_gid = gid == DWCP_RES_BIND_GID_NONE ? gid : __kgid_val(kgid);
	}
	return 0;
}

/* The bind group as the caller's user namespace sees it (overflowgid if not). */
static u32 bind_gid_for_caller(const struct dwcp_pipe_config *cfg)
{
	if (cfg->bind_gid == DWCP_RES_BIND_GID_NONE)
		return DWCP_RES_BIND_GID_NONE;
	return from_kgid_munged(current_user_ns(), KGIDT_INIT(cfg->bind_gid));
}

static int policy_to_attrs(struct sk_buff *skb, const struct dwcp_pipe_config *cfg)
{
	const struct policy_field *f;
	struct nlattr *nest;

	nest = nla_nest_start(skb, DWCP_RES_A_POLICY);
	if (!nest)
		return -EMSGSIZE;
	for (f = policy_fields; f < policy_fields + ARRAY_SIZE(policy_fields); f++) {
		const void *field = (const char *)cfg + f->offset;
		int err;

		if (field_is_u32(f))
			err = nla_put_u32(skb, f->attr, *(const u32 *)field);
		else
			err = nla_put_u64_64bit(skb, f->attr, *(const u64 *)field,
						DWCP_RES_P_PAD);
		if (err) {
			nla_nest_cancel(skb, nest);
			return err;
		}
	}
	if (nla_put_u32(skb, DWCP_RES_P_BIND_GID, bind_gid_for_caller(cfg))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The lifetime latency histogram: (LE_NS, COUNT) pairs, bounds increasing. */
static int latency_hist_to_attrs(struct sk_buff *skb,
				 const struct dwcp_res_policy_stats *st)
{
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, DWCP_RES_S_LATENCY_HIST);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < DWCP_RES_LAT_BOUNDS; i++) {
		if (nla_put_u64_64bit(skb, DWCP_RES_H_LE_NS, dwcp_res_lat_bounds_ns[i],
				      DWCP_RES_H_PAD) ||
		    nla_put_u64_64bit(skb, DWCP_RES_H_COUNT, st->latency_le[i],
				      DWCP_RES_H_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int stats_to_attrs(struct sk_buff *skb, const struct dwcp_res_policy_stats *st)
{
	static const u16 result_attr[__DWCP_RES_RESULT_MAX] = {
		[DWCP_RES_RESULT_SUCCESS] = DWCP_RES_S_SUCCESS,
		[DWCP_RES_RESULT_FAILURE] = DWCP_RES_S_FAILURE,
		[DWCP_RES_RESULT_SLOW] = DWCP_RES_S_SLOW,
		[DWCP_RES_RESULT_IGNORED] = DWCP_RES_S_IGNORED,
		[DWCP_RES_RESULT_CANCELLED] = DWCP_RES_S_CANCELLED,
	};
	static const u16 reject_attr[__DWCP_RES_REJECT_MAX] = {
		[DWCP_RES_REJECT_SHED] = DWCP_RES_S_REJECT_SHED,
		[DWCP_RES_REJECT_BREAKER] = DWCP_RES_S_REJECT_BREAKER,
		[DWCP_RES_REJECT_RATE] = DWCP_RES_S_REJECT_RATE,
		[DWCP_RES_REJECT_BULKHEAD_FULL] = DWCP_RES_S_REJECT_BULKHEAD_FULL,
		[DWCP_RES_REJECT_BULKHEAD_WAIT] = DWCP_RES_S_REJECT_BULKHEAD_WAIT,
		[DWCP_RES_REJECT_CHAOS] = DWCP_RES_S_REJECT_CHAOS,
	};
	static const u16 shadow_attr[__DWCP_RES_REJECT_MAX] = {
		[DWCP_RES_REJECT_SHED] = DWCP_RES_S_SHADOW_SHED,
		[DWCP_RES_REJECT_BREAKER] = DWCP_RES_S_SHADOW_BREAKER,
		[DWCP_RES_REJECT_RATE] = DWCP_RES_S_SHADOW_RATE,
		[DWCP_RES_REJECT_BULKHEAD_FULL] = DWCP_RES_S_SHADOW_BULKHEAD_FULL,
		[DWCP_RES_REJECT_BULKHEAD_WAIT] = DWCP_RES_S_SHADOW_BULKHEAD_WAIT,
		[DWCP_RES_REJECT_CHAOS] = DWCP_RES_S_SHADOW_CHAOS,
	};
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(skb, DWCP_RES_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u64_64bit(skb, DWCP_RES_S_ADMITTED, st->admitted, DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_COMPLETED, st->completed, DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_WAITED, st->waited, DWCP_RES_S_PAD))
		goto cancel;
	for (i = 0; i < __DWCP_RES_RESULT_MAX; i++)
		if (nla_put_u64_64bit(skb, result_attr[i], st->results[i], DWCP_RES_S_PAD))
			goto cancel;
	for (i = DWCP_RES_REJECT_NONE + 1; i < __DWCP_RES_REJECT_MAX; i++)
		if (nla_put_u64_64bit(skb, reject_attr[i], st->rejected[i], DWCP_RES_S_PAD) ||
		    nla_put_u64_64bit(skb, shadow_attr[i], st->shadow[i], DWCP_RES_S_PAD))
			goto cancel;
	if (nla_put_u32(skb, DWCP_RES_S_INFLIGHT, st->inflight) ||
	    nla_put_u32(skb, DWCP_RES_S_BULKHEAD_ACTIVE, st->bulkhead_active) ||
	    nla_put_u32(skb, DWCP_RES_S_BULKHEAD_QUEUED, st->bulkhead_queued) ||
	    nla_put_u32(skb, DWCP_RES_S_BREAKER_STATE, st->breaker_state) ||
	    nla_put_u32(skb, DWCP_RES_S_BREAKER_EPOCH, st->breaker_epoch) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_RATE_MCPS, st->rate_mcps, DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_TIMEOUT_NS, st->timeout_ns, DWCP_RES_S_PAD) ||
	    nla_put_u32(skb, DWCP_RES_S_BUDGET_REMAINING_PPM, st->budget_remaining_ppm) ||
	    nla_put_u32(skb, DWCP_RES_S_SUCCESS_PPM, st->success_ppm) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_LATENCY_P50_NS, st->latency_ns[0], DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_LATENCY_P95_NS, st->latency_ns[1], DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_LATENCY_P99_NS, st->latency_ns[2], DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_LATENCY_SUM_NS, st->latency_sum_ns,
			      DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_LATENCY_COUNT, st->latency_count,
			      DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_RETRIES, st->retries, DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_RETRY_SUCCEEDED, st->retry_succeeded,
			      DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_RETRY_EXHAUSTED, st->retry_exhausted,
			      DWCP_RES_S_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_S_RETRY_BUDGET_REFUSED, st->retry_budget_refused,
			      DWCP_RES_S_PAD) ||
	    nla_put_u32(skb, DWCP_RES_S_BULKHEAD_LIMIT, st->bulkhead_limit) ||
	    (st->latency_budget &&
	     (nla_put_u32(skb, DWCP_RES_S_LATENCY_COMPLIANCE_PPM, st->latency_compliance_ppm) ||
	      nla_put_u8(skb, DWCP_RES_S_LATENCY_EXHAUSTED, st->latency_exhausted))) ||
	    latency_hist_to_attrs(skb, st))
		goto cancel;
	nla_nest_end(skb, nest);
	return 0;
cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

/* One policy: name, configuration and statistics. */
static int policy_fill(struct sk_buff *skb, struct dwcp_res_policy *p, u32 portid,
		       u32 seq, int flags, struct netlink_callback *cb)
{
	struct dwcp_res_policy_stats st;
	const struct dwcp_pipe_config *cfg;
	void *hdr;
	int err;

	dwcp_res_policy_stats(p, &st);
	hdr = genlmsg_put(skb, portid, seq, &dwcp_res_genl_family, flags,
			  DWCP_RES_CMD_POLICY_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (nla_put_string(skb, DWCP_RES_A_POLICY_NAME, p->name))
		goto cancel;
	rcu_read_lock();
	cfg = rcu_dereference(p->cfg);
	err = policy_to_attrs(skb, cfg);
	rcu_read_unlock();
	if (err || stats_to_attrs(skb, &st))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static struct dwcp_res_policy *policy_from_info(struct genl_info *info)
{
	struct dwcp_res_policy *p;

	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_POLICY_NAME,
			     "the policy name (DWCP_RES_A_POLICY_NAME)"))
		return ERR_PTR(-EINVAL);
	p = dwcp_res_policy_get(genl_info_net(info),
				nla_data(info->attrs[DWCP_RES_A_POLICY_NAME]));
	if (!p) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[DWCP_RES_A_POLICY_NAME],
				    "no policy with this name");
		return ERR_PTR(-ENOENT);
	}
	return p;
}

int dwcp_res_nl_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_res_policy *p;
	struct sk_buff *msg;
	int err;

	p = policy_from_info(info);
	if (IS_ERR(p))
		return PTR_ERR(p);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	err = policy_fill(msg, p, info->snd_portid, info->snd_seq, 0, NULL);
	if (err) {
		nlmsg_free(msg);
		goto out;
	}
	err = genlmsg_reply(msg, info);
out:
	dwcp_res_policy_put(p);
	return err;
}

/*
 * The do and dump share a policy table (6.1 has no split ops), but a dump
 * takes no name. Refused in .start so the error comes back as an ordinary
 * ack; 6.1 gives .start no extended ack to explain it in (cb->extack is
 * only set while dumping), so this one rejection carries the errno alone.
 */
int dwcp_res_nl_policy_dump_start(struct netlink_callback *cb)
{
	return dwcp_dump_attrs(cb)[DWCP_RES_A_POLICY_NAME] ? -EINVAL : 0;
}

/*
 * Dump every policy of the namespace. cb->args[0] is the index of the next
 * policy; the namespace's generation counter flags dumps that raced with
 * an add or a delete (NLM_F_DUMP_INTR).
 */
int dwcp_res_nl_policy_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dwcp_net *dn = dwcp_net(sock_net(skb->sk));
	struct dwcp_res_policy *p;
	long idx = 0;
	int err = 0;

	mutex_lock(&dn->cfg_lock);
	cb->seq = dn->generation;
	list_for_each_entry(p, &dn->policies, node) {
		if (idx++ < cb->args[0])
			continue;
		err = policy_fill(skb, p, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, NLM_F_MULTI, cb);
		if (err) {
			idx--;
			break;
		}
	}
	mutex_unlock(&dn->cfg_lock);
	cb->args[0] = idx;
	/* A full skb ends this round; anything else has been put. */
	return err == -EMSGSIZE ? skb->len : err ?: skb->len;
}

static int policy_attrs(struct genl_info *info, struct nlattr **tb, bool required)
{
	struct nlattr *nest = info->attrs[DWCP_RES_A_POLICY];

	if (!nest) {
		if (required) {
			NL_SET_ERR_MSG_MOD(info->extack, "missing the policy attributes");
			return -EINVAL;
		}
		memset(tb, 0, sizeof(*tb) * (DWCP_RES_P_MAX + 1));
		return 0;
	}
	return nla_parse_nested(tb, DWCP_RES_P_MAX, nest, dwcp_res_policy_attr_policy,
				info->extack);
}

int dwcp_res_nl_policy_new(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[DWCP_RES_P_MAX + 1];
	struct dwcp_pipe_config *cfg;
	const char *base = DWCP_RES_CLASS_SEND;
	int err;

	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_POLICY_NAME,
			     "the policy name (DWCP_RES_A_POLICY_NAME)"))
		return -EINVAL;
	err = policy_attrs(info, tb, false);
	if (err)
		return err;
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg)
		return -ENOMEM;
	if (tb[DWCP_RES_P_BASE])
		base = nla_data(tb[DWCP_RES_P_BASE]);
	err = dwcp_pipe_config_profile(cfg, base);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DWCP_RES_P_BASE],
				    "base must be send, receive, sync or consensus");
		goto out;
	}
	err = policy_from_attrs(cfg, tb, info->extack);
	if (err)
		goto out;
	if (nla_get_flag(info->attrs[DWCP_RES_A_DRY_RUN]))
		err = dwcp_res_policy_check(genl_info_net(info),
					    nla_data(info->attrs[DWCP_RES_A_POLICY_NAME]),
					    cfg, true, info->extack);
	else
		err = dwcp_res_policy_add(genl_info_net(info),
					  nla_data(info->attrs[DWCP_RES_A_POLICY_NAME]),
					  cfg, info->extack);
out:
	kfree(cfg);
	return err;
}

int dwcp_res_nl_policy_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[DWCP_RES_P_MAX + 1];
	struct dwcp_pipe_config *cfg;
	struct dwcp_res_policy *p;
	int err;

	p = policy_from_info(info);
	if (IS_ERR(p))
		return PTR_ERR(p);
	err = policy_attrs(info, tb, true);
	if (err)
		goto put;
	if (tb[DWCP_RES_P_BASE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DWCP_RES_P_BASE],
				    "base only applies when a policy is created");
		err = -EINVAL;
		goto put;
	}
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		err = -ENOMEM;
		goto put;
	}
	/* Start from the current values: only what was given changes. */
	rcu_read_lock();
	*cfg = *rcu_dereference(p->cfg);
	rcu_read_unlock();
	err = policy_from_attrs(cfg, tb, info->extack);
	if (!err && nla_get_flag(info->attrs[DWCP_RES_A_DRY_RUN]))
		err = dwcp_res_policy_check(genl_info_net(info), p->name, cfg, false,
					    info->extack);
	else if (!err)
		err = dwcp_res_policy_set(genl_info_net(info), p->name, cfg,
					  info->extack);
	kfree(cfg);
put:
	dwcp_res_policy_put(p);
	return err;
}

int dwcp_res_nl_policy_del(struct sk_buff *skb, struct genl_info *info)
{
	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_POLICY_NAME,
			     "the policy name (DWCP_RES_A_POLICY_NAME)"))
		return -EINVAL;
	return dwcp_res_policy_del(genl_info_net(info),
				   nla_data(info->attrs[DWCP_RES_A_POLICY_NAME]),
				   info->extack);
}

int dwcp_res_nl_breaker_set(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_res_policy *p;
	int err;

	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_BREAKER_ACTION,
			     "the breaker action (DWCP_RES_A_BREAKER_ACTION)"))
		return -EINVAL;
	p = policy_from_info(info);
	if (IS_ERR(p))
		return PTR_ERR(p);
	err = dwcp_res_breaker_action(p, nla_get_u32(info->attrs[DWCP_RES_A_BREAKER_ACTION]));
	dwcp_res_policy_put(p);
	return err;
}
