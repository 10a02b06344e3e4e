// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the HEALTH_* and BUDGET_* commands of the netlink family: the
 * health checks of a namespace (engine.c) and its error budgets, the
 * policies' and the system's.
 *
 * Every handler holds the namespace's cfg_lock while it reads or changes
 * checks or the system budget: the engine's tick runs under it too.
 */
#include <net/genetlink.h>
#include <net/sock.h>

#include "dwcp_res.h"
#include "netlink.h"

/* --- health checks --------------------------------------------------- */

static int health_fill(struct sk_buff *skb, const struct dwcp_res_check *c, u64 now)
{
	const struct dwcp_health *h = &c->h;
	struct nlattr *nest = nla_nest_start(skb, DWCP_RES_A_HEALTH);

	if (!nest ||
	    nla_put_string(skb, DWCP_RES_HC_NAME, c->name) ||
	    nla_put_u32(skb, DWCP_RES_HC_METRIC, c->metric) ||
	    (c->policy[0] && nla_put_string(skb, DWCP_RES_HC_POLICY, c->policy)) ||
	    nla_put_s64(skb, DWCP_RES_HC_VALUE_MIN, c->min, DWCP_RES_HC_PAD) ||
	    nla_put_s64(skb, DWCP_RES_HC_VALUE_MAX, c->max, DWCP_RES_HC_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_HC_INTERVAL_NS, c->hcfg.interval_ns,
			      DWCP_RES_HC_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_HC_TIMEOUT_NS, c->hcfg.timeout_ns,
			      DWCP_RES_HC_PAD) ||
	    nla_put_u32(skb, DWCP_RES_HC_RISE, c->hcfg.rise) ||
	    nla_put_u32(skb, DWCP_RES_HC_FALL, c->hcfg.fall) ||
	    nla_put_u32(skb, DWCP_RES_HC_LEVEL, c->level) ||
	    nla_put_u8(skb, DWCP_RES_HC_ENABLED, c->enabled) ||
	    nla_put_u8(skb, DWCP_RES_HC_BUILTIN, c->builtin) ||
	    nla_put_u8(skb, DWCP_RES_HC_HEALTHY, dwcp_health_healthy(h)) ||
	    nla_put_s64(skb, DWCP_RES_HC_VALUE, c->value, DWCP_RES_HC_PAD) ||
	    nla_put_u32(skb, DWCP_RES_HC_CONSECUTIVE, h->consecutive) ||
	    nla_put_u64_64bit(skb, DWCP_RES_HC_CHECKS, h->checks, DWCP_RES_HC_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_HC_FAILURES, h->failures, DWCP_RES_HC_PAD) ||
	    nla_put_u32(skb, DWCP_RES_HC_TIMEOUTS, h->timeouts) ||
	    nla_put_u32(skb, DWCP_RES_HC_TRANSITIONS, h->transitions) ||
	    nla_put_u64_64bit(skb, DWCP_RES_HC_SINCE_NS,
			      now > h->last_change ? now - h->last_change : 0,
			      DWCP_RES_HC_PAD)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

static int health_msg(struct sk_buff *skb, const struct dwcp_res_check *c,
		      u32 portid, u32 seq, int flags, u64 now)
{
	void *hdr = genlmsg_put(skb, portid, seq, &dwcp_res_genl_family, flags,
				DWCP_RES_CMD_HEALTH_GET);

	if (!hdr)
		return -EMSGSIZE;
	if (health_fill(skb, c, now)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Parse DWCP_RES_A_HEALTH; HC_NAME is always required. */
static int health_attrs(struct genl_info *info, struct nlattr **tb)
{
	int err;

	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_HEALTH,
			     "the health check (DWCP_RES_A_HEALTH nest)"))
		return -EINVAL;
	err = nla_parse_nested(tb, DWCP_RES_HC_MAX, info->attrs[DWCP_RES_A_HEALTH],
			       dwcp_res_health_attr_policy, info->extack);
	if (err)
		return err;
	if (!tb[DWCP_RES_HC_NAME]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[DWCP_RES_A_HEALTH],
				    "missing the check name (DWCP_RES_HC_NAME)");
		return -EINVAL;
	}
	return 0;
}

/* GET and DEL take the check's name and nothing else. */
static int health_name_only(struct genl_info *info, struct nlattr **tb)
{
	int i;

	for (i = 0; i <= DWCP_RES_HC_MAX; i++) {
		if (tb[i] && i != DWCP_RES_HC_NAME) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "this command takes only the check name");
			return -EINVAL;
		}
	}
	return 0;
}

/* The user-settable attributes, over @c. */
static void health_from_attrs(struct dwcp_res_check *c, struct nlattr **tb)
{
	if (tb[DWCP_RES_HC_VALUE_MIN])
		c->min = nla_get_s64(tb[DWCP_RES_HC_VALUE_MIN]);
	if (tb[DWCP_RES_HC_VALUE_MAX])
		c->max = nla_get_s64(tb[DWCP_RES_HC_VALUE_MAX]);
	if (tb[DWCP_RES_HC_INTERVAL_NS])
		c->hcfg.interval_ns = nla_get_u64(tb[DWCP_RES_HC_INTERVAL_NS]);
	if (tb[DWCP_RES_HC_TIMEOUT_NS])
		c->hcfg.timeout_ns = nla_get_u64(tb[DWCP_RES_HC_TIMEOUT_NS]);
	if (tb[DWCP_RES_HC_RISE])
		c->hcfg.rise = nla_get_u32(tb[DWCP_RES_HC_RISE]);
	if (tb[DWCP_RES_HC_FALL])
		c->hcfg.fall = nla_get_u32(tb[DWCP_RES_HC_FALL]);
	if (tb[DWCP_RES_HC_LEVEL])
		c->level = nla_get_u32(tb[DWCP_RES_HC_LEVEL]);
	if (tb[DWCP_RES_HC_ENABLED])
		c->enabled = nla_get_u8(tb[DWCP_RES_HC_ENABLED]);
}

/* Attributes that only appear in replies are refused in requests. */
static int health_readonly(struct genl_info *info, struct nlattr **tb)
{
	static const u16 ro[] = {
		DWCP_RES_HC_BUILTIN, DWCP_RES_HC_HEALTHY, DWCP_RES_HC_VALUE,
		DWCP_RES_HC_CONSECUTIVE, DWCP_RES_HC_CHECKS, DWCP_RES_HC_FAILURES,
		DWCP_RES_HC_TIMEOUTS, DWCP_RES_HC_TRANSITIONS, DWCP_RES_HC_SINCE_NS,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		if (tb[ro[i]]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[ro[i]],
					    "read-only health check attribute");
			return -EINVAL;
		}
	}
	return 0;
}

int dwcp_res_nl_health_get(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_net *dn = dwcp_net(genl_info_net(info));
	struct nlattr *tb[DWCP_RES_HC_MAX + 1];
	const struct dwcp_res_check *c;
	struct sk_buff *msg;
	int err;

	err = health_attrs(info, tb) ?: health_name_only(info, tb);
	if (err)
		return err;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&dn->cfg_lock);
	c = dwcp_res_check_find(dn, nla_data(tb[DWCP_RES_HC_NAME]));
	if (!c) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DWCP_RES_HC_NAME],
				    "no health check with this name");
		err = -ENOENT;
	} else {
		err = health_msg(msg, c, info->snd_portid, info->snd_seq, 0,
				 ktime_get_ns());
	}
	mutex_unlock(&dn->cfg_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Like POLICY_GET, a dump takes no name (6.1 gives .start no extack). */
int dwcp_res_nl_health_dump_start(struct netlink_callback *cb)
{
	return dwcp_dump_attrs(cb)[DWCP_RES_A_HEALTH] ? -EINVAL : 0;
}

int dwcp_res_nl_health_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dwcp_net *dn = dwcp_net(sock_net(skb->sk));
	const struct dwcp_res_check *c;
	u64 now = ktime_get_ns();
	long idx = 0;
	int err = 0;

	mutex_lock(&dn->cfg_lock);
	list_for_each_entry(c, &dn->checks, node) {
		if (idx++ < cb->args[0])
			continue;
		err = health_msg(skb, c, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI, now);
		if (err) {
			idx--;
			break;
		}
	}
	mutex_unlock(&dn->cfg_lock);
	cb->args[0] = idx;
	return err == -EMSGSIZE ? skb->len : err ?: skb->len;
}

int dwcp_res_nl_health_new(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_net *dn = dwcp_net(genl_info_net(info));
	struct nlattr *tb[DWCP_RES_HC_MAX + 1];
	struct dwcp_res_check *c;
	int err;

	err = health_attrs(info, tb) ?: health_readonly(info, tb);
	if (err)
		return err;
	if (!tb[DWCP_RES_HC_METRIC]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[DWCP_RES_A_HEALTH],
				    "missing the metric (DWCP_RES_HC_METRIC)");
		return -EINVAL;
	}
	c = kmalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	dwcp_res_check_template(c, nla_data(tb[DWCP_RES_HC_NAME]));
	c->metric = nla_get_u32(tb[DWCP_RES_HC_METRIC]);
	if (tb[DWCP_RES_HC_POLICY])
		nla_strscpy(c->policy, tb[DWCP_RES_HC_POLICY], sizeof(c->policy));
	health_from_attrs(c, tb);
	mutex_lock(&dn->cfg_lock);
	err = dwcp_res_check_add(dn, c, nla_get_flag(info->attrs[DWCP_RES_A_DRY_RUN]),
				 info->extack);
	mutex_unlock(&dn->cfg_lock);
	kfree(c);
	return err;
}

int dwcp_res_nl_health_set(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_net *dn = dwcp_net(genl_info_net(info));
	struct nlattr *tb[DWCP_RES_HC_MAX + 1];
	struct dwcp_res_check *c, *upd;
	int err;

	err = health_attrs(info, tb) ?: health_readonly(info, tb);
	if (err)
		return err;
	if (tb[DWCP_RES_HC_METRIC] || tb[DWCP_RES_HC_POLICY]) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[DWCP_RES_HC_METRIC] ?: tb[DWCP_RES_HC_POLICY],
				    "a check's metric and policy are fixed: delete it and add a new one");
		return -EINVAL;
	}
	upd = kmalloc(sizeof(*upd), GFP_KERNEL);
	if (!upd)
		return -ENOMEM;
	mutex_lock(&dn->cfg_lock);
	c = dwcp_res_check_find(dn, nla_data(tb[DWCP_RES_HC_NAME]));
	if (!c) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DWCP_RES_HC_NAME],
				    "no health check with this name");
		err = -ENOENT;
	} else {
		*upd = *c;
		health_from_attrs(upd, tb);
		err = dwcp_res_check_update(dn, c, upd,
					    nla_get_flag(info->attrs[DWCP_RES_A_DRY_RUN]),
					    info->extack);
	}
	mutex_unlock(&dn->cfg_lock);
	kfree(upd);
	return err;
}

int dwcp_res_nl_health_del(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_net *dn = dwcp_net(genl_info_net(info));
	struct nlattr *tb[DWCP_RES_HC_MAX + 1];
	struct dwcp_res_check *c;
	int err;

	err = health_attrs(info, tb) ?: health_name_only(info, tb);
	if (err)
		return err;
	mutex_lock(&dn->cfg_lock);
	c = dwcp_res_check_find(dn, nla_data(tb[DWCP_RES_HC_NAME]));
	if (!c) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DWCP_RES_HC_NAME],
				    "no health check with this name");
		err = -ENOENT;
	} else if (c->builtin) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[DWCP_RES_HC_NAME],
				    "built-in checks cannot be deleted; disable them instead");
		err = -EPERM;
	} else {
		dwcp_res_check_del(dn, c);
	}
	mutex_unlock(&dn->cfg_lock);
	return err;
}

/* --- error budgets --------------------------------------------------- */

static const u16 budget_burn_attr[DWCP_BUDGET_NR_ALERTS][2] = {
	{ DWCP_RES_B_BURN_FAST_LONG, DWCP_RES_B_BURN_FAST_SHORT },
	{ DWCP_RES_B_BURN_SLOW_LONG, DWCP_RES_B_BURN_SLOW_SHORT },
	{ DWCP_RES_B_BURN_TICKET_LONG, DWCP_RES_B_BURN_TICKET_SHORT },
};

/* What BUDGET_GET reports of one budget, copied under its lock. */
struct budget_report {
	struct dwcp_budget_config cfg;
	struct dwcp_budget_status st;
	u64 life_total;
	u64 life_bad;
	u64 alerts_fired;
	bool latency;		/* a policy's latency budget, in @lat */
	u64 latency_target_ns;
	u64 latency_window_ns;
	struct dwcp_latbudget_status lat;
};

static void budget_read(struct dwcp_budget *b, u64 now, struct budget_report *r)
{
	dwcp_budget_eval(b, now, &r->st);
	r->cfg = b->cfg;
	r->life_total = b->life_total;
	r->life_bad = b->life_bad;
}

static int budget_msg(struct sk_buff *skb, const char *name,
		      const struct budget_report *r, u32 portid, u32 seq, int flags)
{
	void *hdr = genlmsg_put(skb, portid, seq, &dwcp_res_genl_family, flags,
				DWCP_RES_CMD_BUDGET_GET);
	struct nlattr *nest;
	int i;

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_string(skb, DWCP_RES_A_POLICY_NAME, name))
		goto cancel;
	nest = nla_nest_start(skb, DWCP_RES_A_BUDGET);
	if (!nest ||
	    nla_put_u32(skb, DWCP_RES_B_SLO_PPM, r->cfg.slo_ppm) ||
	    nla_put_u64_64bit(skb, DWCP_RES_B_WINDOW_NS, r->cfg.window_ns, DWCP_RES_B_PAD) ||
	    nla_put_u32(skb, DWCP_RES_B_BUCKETS, r->cfg.nbuckets) ||
	    nla_put_u32(skb, DWCP_RES_B_MIN_EVENTS, r->cfg.min_events) ||
	    nla_put_u64_64bit(skb, DWCP_RES_B_TOTAL, r->st.total, DWCP_RES_B_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_B_BAD, r->st.bad, DWCP_RES_B_PAD) ||
	    nla_put_u32(skb, DWCP_RES_B_SUCCESS_PPM, r->st.success_ppm) ||
	    nla_put_u32(skb, DWCP_RES_B_REMAINING_PPM, r->st.remaining_ppm) ||
	    nla_put_u8(skb, DWCP_RES_B_EXHAUSTED, r->st.exhausted) ||
	    nla_put_u32(skb, DWCP_RES_B_ALERTS, r->st.alerts) ||
	    nla_put_u64_64bit(skb, DWCP_RES_B_ALERTS_FIRED, r->alerts_fired, DWCP_RES_B_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_B_LIFE_TOTAL, r->life_total, DWCP_RES_B_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_B_LIFE_BAD, r->life_bad, DWCP_RES_B_PAD))
		goto cancel;
	for (i = 0; i < DWCP_BUDGET_NR_ALERTS; i++)
		if (nla_put_u32(skb, budget_burn_attr[i][0], r->st.burn_long_x1000[i]) ||
		    nla_put_u32(skb, budget_burn_attr[i][1], r->st.burn_short_x1000[i]))
			goto cancel;
	if (r->latency &&
	    (nla_put_u64_64bit(skb, DWCP_RES_B_LATENCY_TARGET_NS, r->latency_target_ns,
			       DWCP_RES_B_PAD) ||
	     nla_put_u64_64bit(skb, DWCP_RES_B_LATENCY_WINDOW_NS, r->latency_window_ns,
			       DWCP_RES_B_PAD) ||
	     nla_put_u64_64bit(skb, DWCP_RES_B_LATENCY_TOTAL, r->lat.total, DWCP_RES_B_PAD) ||
	     nla_put_u64_64bit(skb, DWCP_RES_B_LATENCY_EXCEEDING, r->lat.exceeding,
			       DWCP_RES_B_PAD) ||
	     nla_put_u32(skb, DWCP_RES_B_LATENCY_COMPLIANCE_PPM, r->lat.compliance_ppm) ||
	     nla_put_u64_64bit(skb, DWCP_RES_B_LATENCY_P95_NS, r->lat.pctl_ns, DWCP_RES_B_PAD) ||
	     nla_put_u8(skb, DWCP_RES_B_LATENCY_EXHAUSTED, r->lat.exhausted)))
		goto cancel;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static void budget_read_policy(struct dwcp_res_policy *p, u64 now,
			       struct budget_report *r)
{
	dwcp_res_policy_lock(p);
	budget_read(&p->pipe.budget, now, r);
	r->latency = dwcp_pipe_latbudget_on(&p->pipe);
	if (r->latency) {
		dwcp_latbudget_eval(&p->pipe.latbudget, now, &r->lat);
		r->latency_target_ns = p->pipe.latbudget.cfg.target_ns;
		r->latency_window_ns = p->pipe.latbudget.cfg.window_ns;
		if (r->lat.exhausted)
			r->st.alerts |= DWCP_RES_ALERT_LATENCY;
	}
	dwcp_res_policy_unlock(p);
	/* Alert bits the engine saw rise; it counts at each tick. */
	r->alerts_fired = p->eng.alerts_fired;
}

static void budget_read_system(struct dwcp_net *dn, u64 now, struct budget_report *r)
{
	budget_read(&dn->engine.system, now, r);
	r->alerts_fired = dn->engine.alerts_fired;
}

int dwcp_res_nl_budget_get(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_net *dn = dwcp_net(genl_info_net(info));
	struct budget_report r = {};
	struct dwcp_res_policy *p;
	struct sk_buff *msg;
	const char *name;
	u64 now = ktime_get_ns();
	int err = 0;

	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_POLICY_NAME,
			     "the budget name (DWCP_RES_A_POLICY_NAME: a policy or \"system\")"))
		return -EINVAL;
	name = nla_data(info->attrs[DWCP_RES_A_POLICY_NAME]);
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&dn->cfg_lock);
	if (!strcmp(name, DWCP_RES_BUDGET_SYSTEM)) {
		budget_read_system(dn, now, &r);
	} else {
		p = dwcp_res_policy_find(dn, name);
		if (p)
			budget_read_policy(p, now, &r);
		else
			err = -ENOENT;
	}
	mutex_unlock(&dn->cfg_lock);
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[DWCP_RES_A_POLICY_NAME],
				    "no policy with this name");
		nlmsg_free(msg);
		return err;
	}
	err = budget_msg(msg, name, &r, info->snd_portid, info->snd_seq, 0);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

int dwcp_res_nl_budget_dump_start(struct netlink_callback *cb)
{
	return dwcp_dump_attrs(cb)[DWCP_RES_A_POLICY_NAME] ? -EINVAL : 0;
}

/* Every policy's budget, then the system's; cb->args[0] is the next index. */
int dwcp_res_nl_budget_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dwcp_net *dn = dwcp_net(sock_net(skb->sk));
	u32 portid = NETLINK_CB(cb->skb).portid;
	struct budget_report r = {};
	struct dwcp_res_policy *p;
	u64 now = ktime_get_ns();
	long idx = 0;
	int err = 0;

	mutex_lock(&dn->cfg_lock);
	cb->seq = dn->generation;
	list_for_each_entry(p, &dn->policies, node) {
		if (idx++ < cb->args[0])
			continue;
		budget_read_policy(p, now, &r);
		err = budget_msg(skb, p->name, &r, portid, cb->nlh->nlmsg_seq,
				 NLM_F_MULTI);
		if (err) {
			idx--;
			goto out;
		}
	}
	if (idx++ >= cb->args[0]) {
		budget_read_system(dn, now, &r);
		err = budget_msg(skb, DWCP_RES_BUDGET_SYSTEM, &r, portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err)
			idx--;
	}
out:
	mutex_unlock(&dn->cfg_lock);
	cb->args[0] = idx;
	return err == -EMSGSIZE ? skb->len : err ?: skb->len;
}

static void budget_from_attrs(struct dwcp_budget_config *cfg, struct nlattr **tb)
{
	if (tb[DWCP_RES_B_SLO_PPM])
		cfg->slo_ppm = nla_get_u32(tb[DWCP_RES_B_SLO_PPM]);
	if (tb[DWCP_RES_B_WINDOW_NS])
		cfg->window_ns = nla_get_u64(tb[DWCP_RES_B_WINDOW_NS]);
	if (tb[DWCP_RES_B_BUCKETS])
		cfg->nbuckets = nla_get_u32(tb[DWCP_RES_B_BUCKETS]);
	if (tb[DWCP_RES_B_MIN_EVENTS])
		cfg->min_events = nla_get_u32(tb[DWCP_RES_B_MIN_EVENTS]);
}

static int budget_set_system(struct dwcp_net *dn, struct nlattr **tb, bool dry_run,
			     struct netlink_ext_ack *extack)
{
	struct dwcp_budget_config cfg;
	const char *why = NULL;
	int err;

	mutex_lock(&dn->cfg_lock);
	cfg = dn->engine.system.cfg;
	budget_from_attrs(&cfg, tb);
	err = dwcp_budget_config_check(&cfg, &why);
	if (err)
		dwcp_res_extack(extack, why);
	else if (!dry_run)
		dwcp_budget_reconfigure(&dn->engine.system, &cfg, ktime_get_ns());
	mutex_unlock(&dn->cfg_lock);
	return err;
}

static int budget_set_policy(struct net *net, const char *name, struct nlattr **tb,
			     bool dry_run, struct netlink_ext_ack *extack)
{
	struct dwcp_pipe_config *cfg;
	struct dwcp_res_policy *p;
	int err;

	p = dwcp_res_policy_get(net, name);
	if (!p) {
		NL_SET_ERR_MSG(extack, "no policy with this name");
		return -ENOENT;
	}
	cfg = kmalloc(sizeof(*cfg), GFP_KERNEL);
	if (!cfg) {
		dwcp_res_policy_put(p);
		return -ENOMEM;
	}
	/* Writers are serialised by the genetlink mutex: no lost update. */
	rcu_read_lock();
	*cfg = *rcu_dereference(p->cfg);
	rcu_read_unlock();
	budget_from_attrs(&cfg->budget, tb);
	if (dry_run)
		err = dwcp_res_policy_check(net, name, cfg, false, extack);
	else
		err = dwcp_res_policy_set(net, name, cfg, extack);
	kfree(cfg);
	dwcp_res_policy_put(p);
	return err;
}

int dwcp_res_nl_budget_set(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nlattr *tb[DWCP_RES_B_MAX + 1];
	const char *name;
	bool dry_run;
	int err, i;

	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_POLICY_NAME,
			     "the budget name (DWCP_RES_A_POLICY_NAME: a policy or \"system\")") ||
	    DWCP_RES_REQUIRE(info, DWCP_RES_A_BUDGET, "the SLO (DWCP_RES_A_BUDGET nest)"))
		return -EINVAL;
	err = nla_parse_nested(tb, DWCP_RES_B_MAX, info->attrs[DWCP_RES_A_BUDGET],
			       dwcp_res_budget_attr_policy, info->extack);
	if (err)
		return err;
	for (i = DWCP_RES_B_TOTAL; i <= DWCP_RES_B_MAX; i++) {
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(info->extack, tb[i],
					    "read-only error budget attribute");
			return -EINVAL;
		}
	}
	name = nla_data(info->attrs[DWCP_RES_A_POLICY_NAME]);
	dry_run = nla_get_flag(info->attrs[DWCP_RES_A_DRY_RUN]);
	if (!strcmp(name, DWCP_RES_BUDGET_SYSTEM))
		return budget_set_system(dwcp_net(net), tb, dry_run, info->extack);
	return budget_set_policy(net, name, tb, dry_run, info->extack);
}
