// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the DEGRADE_GET and DEGRADE_SET commands of the netlink family.
 */
#include <net/genetlink.h>
#include <net/sock.h>

#include "dwcp_res.h"
#include "netlink.h"

static const u32 degrade_time_attr[__DWCP_RES_LEVEL_MAX] = {
	DWCP_RES_A_DEGRADE_TIME_NORMAL_NS,
	DWCP_RES_A_DEGRADE_TIME_DEGRADED_NS,
	DWCP_RES_A_DEGRADE_TIME_SEVERELY_NS,
	DWCP_RES_A_DEGRADE_TIME_EMERGENCY_NS,
};

static const u16 degrade_input_attr[__DWCP_DEGRADE_IN_MAX] = {
	[DWCP_DEGRADE_IN_BUDGET] = DWCP_RES_TRIG_IN_BUDGET,
	[DWCP_DEGRADE_IN_HEALTH] = DWCP_RES_TRIG_IN_HEALTH,
	[DWCP_DEGRADE_IN_ERROR_RATE] = DWCP_RES_TRIG_IN_ERROR_RATE,
	[DWCP_DEGRADE_IN_LATENCY] = DWCP_RES_TRIG_IN_LATENCY,
	[DWCP_DEGRADE_IN_EXTERNAL] = DWCP_RES_TRIG_IN_EXTERNAL,
};

/* The automatic control: its configuration, inputs and what it sees. */
static int degrade_trigger_fill(struct sk_buff *msg, struct dwcp_net *dn)
{
	const struct dwcp_engine *e = &dn->engine;
	const struct dwcp_degrade *d = &dn->degrade;
	struct nlattr *nest;
	int i, err = -EMSGSIZE;

	mutex_lock(&dn->cfg_lock);
	nest = nla_nest_start(msg, DWCP_RES_A_TRIGGER);
	if (!nest ||
	    nla_put_u32(msg, DWCP_RES_TRIG_ENABLED, e->cfg.triggers) ||
	    nla_put_u32(msg, DWCP_RES_TRIG_ERROR_PPM, e->cfg.error_ppm) ||
	    nla_put_u32(msg, DWCP_RES_TRIG_MIN_EVENTS, e->cfg.min_events) ||
	    nla_put_u64_64bit(msg, DWCP_RES_TRIG_WINDOW_NS, e->cfg.window_ns,
			      DWCP_RES_TRIG_PAD) ||
	    nla_put_u64_64bit(msg, DWCP_RES_TRIG_TICK_NS, e->cfg.tick_ns,
			      DWCP_RES_TRIG_PAD) ||
	    nla_put_u64_64bit(msg, DWCP_RES_TRIG_UP_DWELL_NS, d->cfg.up_dwell_ns,
			      DWCP_RES_TRIG_PAD) ||
	    nla_put_u64_64bit(msg, DWCP_RES_TRIG_MIN_DWELL_NS, d->cfg.min_dwell_ns,
			      DWCP_RES_TRIG_PAD) ||
	    nla_put_u32(msg, DWCP_RES_TRIG_HYST_PERMILLE, d->cfg.hyst_permille) ||
	    nla_put_u32(msg, DWCP_RES_TRIG_ERROR_NOW_PPM, e->error_ppm) ||
	    nla_put_u64_64bit(msg, DWCP_RES_TRIG_WINDOW_EVENTS, e->window_calls,
			      DWCP_RES_TRIG_PAD) ||
	    nla_put_u32(msg, DWCP_RES_TRIG_LATENCY_PERMILLE, e->latency_permille))
		goto out;
	for (i = 0; i < __DWCP_DEGRADE_IN_MAX; i++)
		if (nla_put_u32(msg, degrade_input_attr[i], d->input[i]))
			goto out;
	nla_nest_end(msg, nest);
	err = 0;
out:
	mutex_unlock(&dn->cfg_lock);
	return err;
}

/* The degradation state as one message (DEGRADE_GET's do and dump). */
static int degrade_fill(struct sk_buff *msg, struct net *net, u32 portid, u32 seq,
			int flags)
{
	struct dwcp_res_degrade_info di;
	void *hdr;
	int i;

	dwcp_res_degrade_get(net, &di);
	hdr = genlmsg_put(msg, portid, seq, &dwcp_res_genl_family, flags,
			  DWCP_RES_CMD_DEGRADE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, DWCP_RES_A_LEVEL, di.level) ||
	    nla_put_u8(msg, DWCP_RES_A_DEGRADE_MANUAL, di.manual) ||
	    nla_put_u64_64bit(msg, DWCP_RES_A_DEGRADE_HOLD_NS, di.hold_left_ns,
			      DWCP_RES_A_PAD) ||
	    nla_put_u64_64bit(msg, DWCP_RES_A_DEGRADE_CHANGES, di.changes,
			      DWCP_RES_A_PAD))
		goto cancel;
	for (i = 0; i < __DWCP_RES_LEVEL_MAX; i++)
		if (nla_put_u64_64bit(msg, degrade_time_attr[i], di.time_in_ns[i],
				      DWCP_RES_A_PAD))
			goto cancel;
	if (degrade_trigger_fill(msg, dwcp_net(net)))
		goto cancel;
	genlmsg_end(msg, hdr);
	return 0;
cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

int dwcp_res_nl_degrade_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = degrade_fill(msg, genl_info_net(info), info->snd_portid,
			   info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* The namespace has one degradation state: a dump is that one message. */
int dwcp_res_nl_degrade_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	int err;

	if (cb->args[0])
		return 0;
	err = degrade_fill(skb, sock_net(skb->sk), NETLINK_CB(cb->skb).portid,
			   cb->nlh->nlmsg_seq, NLM_F_MULTI);
	if (err)
		return err;
	cb->args[0] = 1;
	return skb->len;
}

/* DWCP_RES_A_TRIGGER: change the automatic control, keeping what is not given. */
static int degrade_trigger_set(struct net *net, struct nlattr *attr, bool dry_run,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[DWCP_RES_TRIG_MAX + 1];
	struct dwcp_net *dn = dwcp_net(net);
	struct dwcp_engine_config ec;
	struct dwcp_degrade_config dc;
	int err, i;

	/* The command's policy (netlink.c) validated the nest already. */
	err = nla_parse_nested(tb, DWCP_RES_TRIG_MAX, attr, NULL, extack);
	if (err)
		return err;
	for (i = DWCP_RES_TRIG_IN_BUDGET; i <= DWCP_RES_TRIG_MAX; i++) {
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i], "read-only trigger attribute");
			return -EINVAL;
		}
	}
	dwcp_res_engine_get(dn, &ec, &dc);
	if (tb[DWCP_RES_TRIG_ENABLED])
		ec.triggers = nla_get_u32(tb[DWCP_RES_TRIG_ENABLED]);
	if (tb[DWCP_RES_TRIG_ERROR_PPM])
		ec.error_ppm = nla_get_u32(tb[DWCP_RES_TRIG_ERROR_PPM]);
	if (tb[DWCP_RES_TRIG_MIN_EVENTS])
		ec.min_events = nla_get_u32(tb[DWCP_RES_TRIG_MIN_EVENTS]);
	if (tb[DWCP_RES_TRIG_WINDOW_NS])
		ec.window_ns = nla_get_u64(tb[DWCP_RES_TRIG_WINDOW_NS]);
	if (tb[DWCP_RES_TRIG_TICK_NS])
		ec.tick_ns = nla_get_u64(tb[DWCP_RES_TRIG_TICK_NS]);
	if (tb[DWCP_RES_TRIG_UP_DWELL_NS])
		dc.up_dwell_ns = nla_get_u64(tb[DWCP_RES_TRIG_UP_DWELL_NS]);
	if (tb[DWCP_RES_TRIG_MIN_DWELL_NS])
		dc.min_dwell_ns = nla_get_u64(tb[DWCP_RES_TRIG_MIN_DWELL_NS]);
	if (tb[DWCP_RES_TRIG_HYST_PERMILLE])
		dc.hyst_permille = nla_get_u32(tb[DWCP_RES_TRIG_HYST_PERMILLE]);
	return dwcp_res_engine_set(dn, &ec, &dc, dry_run, extack);
}

int dwcp_res_nl_degrade_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *level = info->attrs[DWCP_RES_A_LEVEL];
	struct nlattr *hold = info->attrs[DWCP_RES_A_DEGRADE_HOLD_NS];
	struct nlattr *autom = info->attrs[DWCP_RES_A_DEGRADE_AUTO];
	struct nlattr *trig = info->attrs[DWCP_RES_A_TRIGGER];
	struct net *net = genl_info_net(info);
	bool dry_run = nla_get_flag(info->attrs[DWCP_RES_A_DRY_RUN]);
	int err;

	/*
	 * A dry run makes every check below and changes nothing; the trigger
	 * nest is checked first, as without it, so its extack comes first.
	 */
	if (trig) {
		err = degrade_trigger_set(net, trig, dry_run, info->extack);
		if (err || (!level && !hold && !autom))
			return err;
	}

	if (autom && nla_get_u8(autom)) {
		if (level || hold) {
			NL_SET_ERR_MSG_ATTR(info->extack, autom,
					    "auto takes neither a level nor a hold");
			return -EINVAL;
		}
		return dry_run ? 0 : dwcp_res_degrade_auto(net, info->extack);
	}
	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_LEVEL,
			     "the level (DWCP_RES_A_LEVEL) or auto (DWCP_RES_A_DEGRADE_AUTO)"))
		return -EINVAL;
	if (dry_run)
		return 0;
	return dwcp_res_degrade_set(net, nla_get_u32(level),
				    hold ? nla_get_u64(hold) : 0, info->extack);
}
