/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Chaos dice: decides whether one eligible call gets a fault, and which value
 * (delay, errno, duration, bytes) the fault uses.
 *
 * Modelled on the kernel's own fault injection, lib/fault-inject.c
 * (struct fault_attr, should_fail()): the same knobs in the same order of
 * evaluation, with two changes for a data-path tool.
 *   1. disabled or probability 0 -> never (no draw, no counting toward
 *      the interval);
 *   2. times == 0 -> never (times is the number of injections left,
 *      -1 = unlimited, decremented on each injection);
 *   3. interval N > 1 -> only every Nth eligible call goes on to the draw
 *      (fault_attr's count % interval);
 *   4. the draw: fail with probability probability_ppm / 10^6 (fault_attr
 *      uses percent; ppm gives the resolution of 0.01 % error faults).
 * On a hit the value is drawn uniformly from [value_min, value_max].
 *
 * The PRNG is owned by the object (splitmix64, Steele/Lea/Flood 2014: one
 * 64-bit state, passes BigCrush, any seed including 0 is fine), so a given
 * seed and call sequence always give the same faults: tests and reproduced
 * incidents are deterministic. It is not a security RNG and need not be.
 *
 * Each fault has exactly one probability: a dice is one fault, and its
 * probability is the rate it fires at. Drawing in stages instead (a global
 * probability, then a pick among the faults, then the fault's own rate)
 * makes a "10 % error fault" fire at p * 1/nfaults * 10 %, which is not
 * what anyone configured. The caller serialises the object like every core
 * object, so a probability is never read while it changes.
 *
 * Counters: checks (calls to dwcp_chaos_should_fail) and injections (hits).
 */
#ifndef _DWCP_CORE_CHAOS_H
#define _DWCP_CORE_CHAOS_H

#include "compat.h"
#include <uapi/linux/dwcp_res.h>

#define DWCP_CHAOS_PPM		1000000U

/*
 * A peer address, or a fault's scope: family 0 (unscoped: every call),
 * 4 or 6; @addr in network order (the first 4 bytes for IPv4); @prefix the
 * leading bits that must match (0..32 or 0..128). An IPv4-mapped IPv6 peer
 * (::ffff:a.b.c.d) is an IPv4 peer.
 */
struct dwcp_chaos_peer {
	u8 family;
	u8 prefix;
	u8 addr[16];
};

/*
 * Does @peer fall in @scope? An unscoped fault matches everything; a scoped
 * one never matches a call without a peer (NULL: in-kernel callers).
 */
static inline bool dwcp_chaos_peer_match(const struct dwcp_chaos_peer *scope,
					 const struct dwcp_chaos_peer *peer)
{
	unsigned int bytes, bits;

	if (!scope->family)
		return true;
	if (!peer || peer->family != scope->family)
		return false;
	bytes = scope->prefix / 8;
	bits = scope->prefix % 8;
	if (memcmp(scope->addr, peer->addr, bytes))
		return false;
	return !bits || !((scope->addr[bytes] ^ peer->addr[bytes]) &
			  (u8)(0xff << (8 - bits)));
}

struct dwcp_chaos_config {
	u32 kind;		/* enum dwcp_res_fault_kind */
	u32 probability_ppm;	/* 0..10^6 */
	u32 interval;		/* 0 or 1: every eligible call; N: every Nth */
	s32 times;		/* injections left; -1 unlimited */
	u64 value_min;		/* value range, inclusive */
	u64 value_max;
	u64 seed;		/* PRNG seed */
	struct dwcp_chaos_peer peer;	/* scope; family 0: every call */
};

struct dwcp_chaos {
	struct dwcp_chaos_config cfg;
	u64 rng;		/* splitmix64 state */
	u64 count;		/* eligible calls, for interval */
	u64 checks;
	u64 injections;
	s32 times;		/* injections left; -1 unlimited */
	bool enabled;
};

void dwcp_chaos_config_default(struct dwcp_chaos_config *cfg, u32 kind);
int dwcp_chaos_config_check(const struct dwcp_chaos_config *cfg,
			    const char **why);
void dwcp_chaos_init(struct dwcp_chaos *c,
		     const struct dwcp_chaos_config *cfg);
void dwcp_chaos_reconfigure(struct dwcp_chaos *c,
			    const struct dwcp_chaos_config *cfg);

static inline void dwcp_chaos_enable(struct dwcp_chaos *c, bool on)
{
	c->enabled = on;
}

void dwcp_chaos_seed(struct dwcp_chaos *c, u64 seed);
u64 dwcp_chaos_next(struct dwcp_chaos *c);
u64 dwcp_chaos_below(struct dwcp_chaos *c, u64 span);
bool dwcp_chaos_should_fail(struct dwcp_chaos *c, u64 *value);

#endif /* _DWCP_CORE_CHAOS_H */
