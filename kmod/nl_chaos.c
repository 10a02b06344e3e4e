// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res: the CHAOS_* and FAULT_SET commands of the netlink family.
 */
#include <linux/ktime.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/sock.h>

#include "dwcp_res.h"
#include "netlink.h"

/* A fault and its live state, copied under the policy lock. */
struct fault_snap {
	struct dwcp_chaos c;
	u64 active_ns;		/* partition: time left */
	u64 held;		/* memory pressure: bytes held */
};

static int peer_to_attrs(struct sk_buff *skb, const struct dwcp_chaos_peer *peer)
{
	if (!peer->family)
		return 0;
	if (nla_put(skb, DWCP_RES_FAULT_A_PEER, peer->family == 6 ? 16 : 4, peer->addr) ||
	    nla_put_u8(skb, DWCP_RES_FAULT_A_PEER_PREFIX, peer->prefix))
		return -EMSGSIZE;
	return 0;
}

static int fault_to_attrs(struct sk_buff *skb, const char *policy,
			  const struct fault_snap *f)
{
	struct nlattr *nest = nla_nest_start(skb, DWCP_RES_A_FAULT);
	const struct dwcp_chaos *c = &f->c;

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(skb, DWCP_RES_FAULT_A_POLICY, policy) ||
	    nla_put_u32(skb, DWCP_RES_FAULT_A_KIND, c->cfg.kind) ||
	    nla_put_u32(skb, DWCP_RES_FAULT_A_PROBABILITY_PPM, c->cfg.probability_ppm) ||
	    nla_put_u32(skb, DWCP_RES_FAULT_A_INTERVAL, c->cfg.interval) ||
	    nla_put_s32(skb, DWCP_RES_FAULT_A_TIMES, c->times) ||
	    nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_VALUE_MIN, c->cfg.value_min,
			      DWCP_RES_FAULT_A_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_VALUE_MAX, c->cfg.value_max,
			      DWCP_RES_FAULT_A_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_SEED, c->cfg.seed, DWCP_RES_FAULT_A_PAD) ||
	    nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_INJECTIONS, c->injections,
			      DWCP_RES_FAULT_A_PAD) ||
	    peer_to_attrs(skb, &c->cfg.peer) ||
	    (c->cfg.kind == DWCP_RES_FAULT_MEM_PRESSURE &&
	     nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_HELD_BYTES, f->held,
			       DWCP_RES_FAULT_A_PAD)) ||
	    (c->cfg.kind == DWCP_RES_FAULT_PARTITION &&
	     nla_put_u64_64bit(skb, DWCP_RES_FAULT_A_ACTIVE_NS, f->active_ns,
			       DWCP_RES_FAULT_A_PAD))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Bytes one fault takes in a reply (fault_to_attrs(), generously). */
#define FAULT_ATTRS_SIZE	192

/*
 * Chaos state and every armed fault, in one message sized for the faults
 * armed now (cfg_lock held from the count to the fill): anyone may ask,
 * and sizing it for 64 policies x every kind made each request an
 * order-5 allocation.
 */
int dwcp_res_nl_chaos_get(struct sk_buff *skb, struct genl_info *info)
{
	struct dwcp_net *dn = dwcp_net(genl_info_net(info));
	struct dwcp_res_policy *p;
	struct sk_buff *msg = NULL;
	size_t armed = 0;
	int i, err = 0;
	void *hdr;

	mutex_lock(&dn->cfg_lock);
	list_for_each_entry(p, &dn->policies, node) {
		dwcp_res_policy_lock(p);
		for (i = 0; i < DWCP_PIPE_NR_FAULTS; i++)
			armed += !!p->pipe.chaos[i].cfg.probability_ppm;
		dwcp_res_policy_unlock(p);
	}
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE + armed * FAULT_ATTRS_SIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}
	hdr = genlmsg_put_reply(msg, info, &dwcp_res_genl_family, 0, DWCP_RES_CMD_CHAOS_GET);
	if (!hdr ||
	    nla_put_u8(msg, DWCP_RES_A_CHAOS_ENABLED, READ_ONCE(dn->chaos_enabled)) ||
	    nla_put_u8(msg, DWCP_RES_A_INFO_CHAOS_ALLOWED, dwcp_res_chaos_allowed)) {
		err = -EMSGSIZE;
		goto out;
	}
	list_for_each_entry(p, &dn->policies, node) {
		for (i = 0; i < DWCP_PIPE_NR_FAULTS && !err; i++) {
			struct fault_snap f;
			u64 now = ktime_get_ns();

			dwcp_res_policy_lock(p);
			f.c = p->pipe.chaos[i];
			f.active_ns = p->pipe.partition_until > now ?
				      p->pipe.partition_until - now : 0;
			dwcp_res_policy_unlock(p);
			f.held = p->mem.bytes;	/* cfg_lock */
			if (f.c.cfg.probability_ppm)
				err = fault_to_attrs(msg, p->name, &f);
		}
	}
out:
	mutex_unlock(&dn->cfg_lock);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/*
 * A dump is one message per armed fault (each with the namespace's chaos
 * switches, so a lone fault still says whether it can fire), walking the
 * policies with cb->args[0] and their faults with cb->args[1]; the
 * generation counter flags a dump that raced with an add or a delete.
 */
int dwcp_res_nl_chaos_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dwcp_net *dn = dwcp_net(sock_net(skb->sk));
	struct dwcp_res_policy *p;
	long idx = 0, fi;
	int err = 0;

	mutex_lock(&dn->cfg_lock);
	cb->seq = dn->generation;
	list_for_each_entry(p, &dn->policies, node) {
		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		for (fi = cb->args[1]; fi < DWCP_PIPE_NR_FAULTS; fi++) {
			struct fault_snap f;
			u64 now = ktime_get_ns();
			void *hdr;

			dwcp_res_policy_lock(p);
			f.c = p->pipe.chaos[fi];
			f.active_ns = p->pipe.partition_until > now ?
				      p->pipe.partition_until - now : 0;
			dwcp_res_policy_unlock(p);
			f.held = p->mem.bytes;	/* cfg_lock */
			if (!f.c.cfg.probability_ppm)
				continue;
			hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
					  cb->nlh->nlmsg_seq, &dwcp_res_genl_family,
					  NLM_F_MULTI, DWCP_RES_CMD_CHAOS_GET);
			if (!hdr) {
				err = -EMSGSIZE;
				break;
			}
			genl_dump_check_consistent(cb, hdr);
			if (nla_put_u8(skb, DWCP_RES_A_CHAOS_ENABLED,
				       READ_ONCE(dn->chaos_enabled)) ||
			    nla_put_u8(skb, DWCP_RES_A_INFO_CHAOS_ALLOWED,
				       dwcp_res_chaos_allowed) ||
			    fault_to_attrs(skb, p->name, &f)) {
				genlmsg_cancel(skb, hdr);
				err = -EMSGSIZE;
				break;
			}
			genlmsg_end(skb, hdr);
		}
		if (err) {
			cb->args[1] = fi;
			break;
		}
		cb->args[1] = 0;
		idx++;
	}
	mutex_unlock(&dn->cfg_lock);
	cb->args[0] = idx;
	return err == -EMSGSIZE ? skb->len : err ?: skb->len;
}

int dwcp_res_nl_chaos_set(struct sk_buff *skb, struct genl_info *info)
{
	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_CHAOS_ENABLED,
			     "chaos on or off (DWCP_RES_A_CHAOS_ENABLED)"))
		return -EINVAL;
	return dwcp_res_chaos_enable(genl_info_net(info),
				     nla_get_u8(info->attrs[DWCP_RES_A_CHAOS_ENABLED]),
				     info->extack);
}

/* DWCP_RES_FAULT_A_PEER[_PREFIX] into a scope (family 0 when absent). */
static int fault_peer_parse(struct nlattr **tb, struct dwcp_chaos_peer *peer,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[DWCP_RES_FAULT_A_PEER];
	int len;

	memset(peer, 0, sizeof(*peer));
	if (!a) {
		if (tb[DWCP_RES_FAULT_A_PEER_PREFIX]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[DWCP_RES_FAULT_A_PEER_PREFIX],
					    "DWCP_RES_FAULT_A_PEER_PREFIX needs DWCP_RES_FAULT_A_PEER");
			return -EINVAL;
		}
		return 0;
	}
	len = nla_len(a);
	if (len != 4 && len != 16) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "DWCP_RES_FAULT_A_PEER is an IPv4 (4 bytes) or IPv6 (16 bytes) address");
		return -EINVAL;
	}
	memcpy(peer->addr, nla_data(a), len);
	peer->family = len == 4 ? 4 : 6;
	peer->prefix = len * 8;
	/* An IPv4-mapped IPv6 address is the IPv4 peer it maps. */
	if (len == 16 && ipv6_addr_v4mapped((const struct in6_addr *)peer->addr)) {
		memmove(peer->addr, peer->addr + 12, 4);
		memset(peer->addr + 4, 0, 12);
		peer->family = 4;
		peer->prefix = 32;
		if (tb[DWCP_RES_FAULT_A_PEER_PREFIX] &&
		    nla_get_u8(tb[DWCP_RES_FAULT_A_PEER_PREFIX]) < 96) {
			NL_SET_ERR_MSG_ATTR(extack, tb[DWCP_RES_FAULT_A_PEER_PREFIX],
					    "an IPv4-mapped peer needs a prefix of 96..128");
			return -ERANGE;
		}
		if (tb[DWCP_RES_FAULT_A_PEER_PREFIX])
			peer->prefix = nla_get_u8(tb[DWCP_RES_FAULT_A_PEER_PREFIX]) - 96;
		return 0;
	}
	if (tb[DWCP_RES_FAULT_A_PEER_PREFIX]) {
		peer->prefix = nla_get_u8(tb[DWCP_RES_FAULT_A_PEER_PREFIX]);
		if (peer->prefix > len * 8) {
			NL_SET_ERR_MSG_ATTR(extack, tb[DWCP_RES_FAULT_A_PEER_PREFIX],
					    "DWCP_RES_FAULT_A_PEER_PREFIX is longer than the address (32 or 128)");
			return -ERANGE;
		}
	}
	/* Bits past the prefix do not matter: clear them for the reply. */
	if (peer->prefix < len * 8) {
		int i = peer->prefix / 8;

		if (peer->prefix % 8)
			peer->addr[i++] &= (u8)(0xff << (8 - peer->prefix % 8));
		memset(peer->addr + i, 0, 16 - i);
	}
	return 0;
}

int dwcp_res_nl_fault_set(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[DWCP_RES_FAULT_A_MAX + 1];
	struct dwcp_chaos_config cfg;
	int err;

	if (DWCP_RES_REQUIRE(info, DWCP_RES_A_POLICY_NAME,
			     "the policy name (DWCP_RES_A_POLICY_NAME)") ||
	    DWCP_RES_REQUIRE(info, DWCP_RES_A_FAULT, "the fault (DWCP_RES_A_FAULT)"))
		return -EINVAL;
	err = nla_parse_nested(tb, DWCP_RES_FAULT_A_MAX, info->attrs[DWCP_RES_A_FAULT],
			       dwcp_res_fault_attr_policy, info->extack);
	if (err)
		return err;
	if (!tb[DWCP_RES_FAULT_A_KIND]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[DWCP_RES_A_FAULT],
				    "the fault needs DWCP_RES_FAULT_A_KIND");
		return -EINVAL;
	}
	dwcp_chaos_config_default(&cfg, nla_get_u32(tb[DWCP_RES_FAULT_A_KIND]));
	if (tb[DWCP_RES_FAULT_A_PROBABILITY_PPM])
		cfg.probability_ppm = nla_get_u32(tb[DWCP_RES_FAULT_A_PROBABILITY_PPM]);
	if (tb[DWCP_RES_FAULT_A_INTERVAL])
		cfg.interval = nla_get_u32(tb[DWCP_RES_FAULT_A_INTERVAL]);
	if (tb[DWCP_RES_FAULT_A_TIMES])
		cfg.times = nla_get_s32(tb[DWCP_RES_FAULT_A_TIMES]);
	if (tb[DWCP_RES_FAULT_A_VALUE_MIN])
		cfg.value_min = nla_get_u64(tb[DWCP_RES_FAULT_A_VALUE_MIN]);
	if (tb[DWCP_RES_FAULT_A_VALUE_MAX])
		cfg.value_max = nla_get_u64(tb[DWCP_RES_FAULT_A_VALUE_MAX]);
	if (tb[DWCP_RES_FAULT_A_SEED])
		cfg.seed = nla_get_u64(tb[DWCP_RES_FAULT_A_SEED]);
	err = fault_peer_parse(tb, &cfg.peer, info->extack);
	if (err)
		return err;
	return dwcp_res_chaos_set(genl_info_net(info),
				  nla_data(info->attrs[DWCP_RES_A_POLICY_NAME]), &cfg,
				  info->extack);
}

int dwcp_res_nl_chaos_clear(struct sk_buff *skb, struct genl_info *info)
{
	dwcp_res_chaos_clear(genl_info_net(info));
	return 0;
}
