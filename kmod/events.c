// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: notifications on the generic netlink group "events" (the
 * messages are documented in include/uapi/linux/dwcp_res.h), and the home
 * of the tracepoints (kmod/trace.h).
 *
 * Every event goes to the network namespace it happened in. With nobody
 * listening there, sending costs one genl_has_listeners() check.
 */
#include <net/genetlink.h>

#include "events.h"
#include "netlink.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* Room for the largest event: a name, three u32 or a u32 and a u64. */
#define EV_SIZE	(nla_total_size(DWCP_RES_NAME_MAX) + 4 * nla_total_size_64bit(8))
/* ... and a nest of a name and four values (health and alert events). */
#define EV_NEST_SIZE	(nla_total_size(0) + nla_total_size(DWCP_RES_NAME_MAX) + \
			 4 * nla_total_size_64bit(8))

static bool ev_listened(struct net *net)
{
	return genl_has_listeners(&dwcp_res_genl_family, net, DWCP_RES_NLGRP_EVENTS);
}

static struct sk_buff *ev_new(u8 cmd, gfp_t gfp, void **hdr)
{
	struct sk_buff *skb = genlmsg_new(EV_SIZE + EV_NEST_SIZE, gfp);

	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &dwcp_res_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/* Send @skb, or drop it if filling it failed (@err). */
static void ev_send(struct net *net, struct sk_buff *skb, void *hdr, int err,
		    gfp_t gfp)
{
	if (err) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	/* -ESRCH when the last listener just left: nothing to do. */
	genlmsg_multicast_netns(&dwcp_res_genl_family, net, skb, 0,
				DWCP_RES_NLGRP_EVENTS, gfp);
}

static void ev_breaker(struct net *net, const char *name, const struct dwcp_res_ev *ev)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ev_new(DWCP_RES_CMD_EVENT_BREAKER, GFP_ATOMIC, &hdr);
	if (!skb)
		return;
	ev_send(net, skb, hdr,
		nla_put_string(skb, DWCP_RES_A_POLICY_NAME, name) ||
		nla_put_u32(skb, DWCP_RES_A_EVENT_BREAKER_FROM, ev->from) ||
		nla_put_u32(skb, DWCP_RES_A_EVENT_BREAKER_TO, ev->to) ||
		nla_put_u32(skb, DWCP_RES_A_EVENT_BREAKER_EPOCH, ev->epoch),
		GFP_ATOMIC);
}

static void ev_reject(struct net *net, const char *name, const struct dwcp_res_ev *ev)
{
	struct sk_buff *skb;
	void *hdr;

	skb = ev_new(DWCP_RES_CMD_EVENT_REJECT, GFP_ATOMIC, &hdr);
	if (!skb)
		return;
	ev_send(net, skb, hdr,
		nla_put_string(skb, DWCP_RES_A_POLICY_NAME, name) ||
		nla_put_u32(skb, DWCP_RES_A_EVENT_REJECT_REASON, ev->reject) ||
		nla_put_u64_64bit(skb, DWCP_RES_A_EVENT_REJECT_COUNT, ev->reject_count,
				  DWCP_RES_A_PAD) ||
		(ev->shadow && nla_put_flag(skb, DWCP_RES_A_EVENT_SHADOW)),
		GFP_ATOMIC);
}

void dwcp_res_ev_report(struct dwcp_res_policy *p, const struct dwcp_res_ev *ev)
{
	struct net *net = p->dn->net;

	if (!ev_listened(net))
		return;
	if (ev->breaker)
		ev_breaker(net, p->name, ev);
	if (ev->reject != DWCP_RES_REJECT_NONE)
		ev_reject(net, p->name, ev);
}

void dwcp_res_event_policy(struct net *net, const char *name, u32 what)
{
	struct sk_buff *skb;
	void *hdr;

	if (!ev_listened(net))
		return;
	skb = ev_new(DWCP_RES_CMD_EVENT_POLICY, GFP_KERNEL, &hdr);
	if (!skb)
		return;
	ev_send(net, skb, hdr,
		nla_put_string(skb, DWCP_RES_A_POLICY_NAME, name) ||
		nla_put_u32(skb, DWCP_RES_A_EVENT_POLICY, what),
		GFP_KERNEL);
}

void dwcp_res_event_chaos(struct net *net, bool enabled)
{
	struct sk_buff *skb;
	void *hdr;

	trace_chaos_state(enabled);
	if (!ev_listened(net))
		return;
	skb = ev_new(DWCP_RES_CMD_EVENT_CHAOS, GFP_KERNEL, &hdr);
	if (!skb)
		return;
	ev_send(net, skb, hdr, nla_put_u8(skb, DWCP_RES_A_CHAOS_ENABLED, enabled),
		GFP_KERNEL);
}

void dwcp_res_event_level(struct net *net, u32 from, u32 to, bool manual,
			  u32 cause)
{
	struct sk_buff *skb;
	void *hdr;

	trace_level_change(from, to, cause);
	if (!ev_listened(net))
		return;
	skb = ev_new(DWCP_RES_CMD_EVENT_LEVEL, GFP_KERNEL, &hdr);
	if (!skb)
		return;
	ev_send(net, skb, hdr,
		nla_put_u32(skb, DWCP_RES_A_LEVEL_FROM, from) ||
		nla_put_u32(skb, DWCP_RES_A_LEVEL, to) ||
		nla_put_u8(skb, DWCP_RES_A_DEGRADE_MANUAL, manual) ||
		nla_put_u32(skb, DWCP_RES_A_LEVEL_CAUSE, cause),
		GFP_KERNEL);
}

static int ev_put_alert(struct sk_buff *skb, const char *name, u32 from,
			u32 to, u32 remaining_ppm)
{
	struct nlattr *nest;

	if (nla_put_string(skb, DWCP_RES_A_POLICY_NAME, name))
		return -EMSGSIZE;
	nest = nla_nest_start(skb, DWCP_RES_A_BUDGET);
	if (!nest ||
	    nla_put_u32(skb, DWCP_RES_B_ALERTS, to) ||
	    nla_put_u32(skb, DWCP_RES_B_ALERTS_FROM, from) ||
	    nla_put_u32(skb, DWCP_RES_B_REMAINING_PPM, remaining_ppm))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

void dwcp_res_event_alert(struct net *net, const char *name, u32 from,
			  u32 to, u32 remaining_ppm)
{
	struct sk_buff *skb;
	void *hdr;

	trace_budget_alert(name, from, to, remaining_ppm);
	if (!ev_listened(net))
		return;
	skb = ev_new(DWCP_RES_CMD_EVENT_ALERT, GFP_KERNEL, &hdr);
	if (!skb)
		return;
	ev_send(net, skb, hdr, ev_put_alert(skb, name, from, to, remaining_ppm),
		GFP_KERNEL);
}

static int ev_put_health(struct sk_buff *skb, const struct dwcp_res_check *c)
{
	struct nlattr *nest = nla_nest_start(skb, DWCP_RES_A_HEALTH);

	if (!nest ||
	    nla_put_string(skb, DWCP_RES_HC_NAME, c->name) ||
	    nla_put_u8(skb, DWCP_RES_HC_HEALTHY, dwcp_health_healthy(&c->h)) ||
	    nla_put_s64(skb, DWCP_RES_HC_VALUE, c->value, DWCP_RES_HC_PAD) ||
	    nla_put_u32(skb, DWCP_RES_HC_LEVEL, c->level))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

void dwcp_res_event_health(struct net *net, const struct dwcp_res_check *c)
{
	struct sk_buff *skb;
	void *hdr;

	trace_health_change(c->name, dwcp_health_healthy(&c->h), c->value);
	if (!ev_listened(net))
		return;
	skb = ev_new(DWCP_RES_CMD_EVENT_HEALTH, GFP_KERNEL, &hdr);
	if (!skb)
		return;
	ev_send(net, skb, hdr, ev_put_health(skb, c), GFP_KERNEL);
}
