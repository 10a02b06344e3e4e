// SPDX-License-Identifier: GPL-2.0
/*
 * Token bucket counted in nanoseconds; see tb.h for the algorithm.
 */
#include "tb.h"

#define DWCP_TB_ONE_SEC_FP	((u64)NSEC_PER_SEC << DWCP_TB_FRAC_BITS)

/* ceil(@one / rate); rate is in [1, @one]. */
static u64 dwcp_tb_unit_cost(u64 one, u64 rate)
{
	u64 q = div64_u64(one, rate);

	if (q * rate < one)
		q++;
	return q;
}

/* Validate @cfg and compute the derived fields of @tb from it. */
static int dwcp_tb_derive(struct dwcp_tb *tb, const struct dwcp_tb_config *cfg,
			  const char **why)
{
	u64 call_cost, byte_cost = 0, depth, extra = 0;
	const char *msg;
	int err;

	if (!cfg->rate && !cfg->mrate) {
		msg = "rate must be at least 1 call per second";
		err = -EINVAL;
		goto fail;
	}
	if (!cfg->burst) {
		msg = "burst must be at least 1 call";
		err = -EINVAL;
		goto fail;
	}
	if (cfg->burst_bytes && !cfg->byte_rate) {
		msg = "burst_bytes needs a byte rate";
		err = -EINVAL;
		goto fail;
	}
	if (cfg->rate > DWCP_TB_ONE_SEC_FP || cfg->byte_rate > DWCP_TB_ONE_SEC_FP ||
	    cfg->mrate > 1000 * DWCP_TB_ONE_SEC_FP) {
		msg = "rate above 65536 per nanosecond";
		err = -ERANGE;
		goto fail;
	}
	/* The same cost for rate r and mrate 1000 r: ceil(1000 x / 1000 r). */
	call_cost = dwcp_tb_unit_cost(1000 * DWCP_TB_ONE_SEC_FP,
				      cfg->mrate ?: 1000 * cfg->rate);
	if (cfg->byte_rate)
		byte_cost = dwcp_tb_unit_cost(DWCP_TB_ONE_SEC_FP, cfg->byte_rate);

	if (check_mul_overflow((u64)cfg->burst, call_cost, &depth) ||
	    check_mul_overflow((u64)cfg->burst_bytes, byte_cost, &extra) ||
	    check_add_overflow(depth, extra, &depth)) {
		msg = "burst * cost per call overflows";
		err = -EOVERFLOW;
		goto fail;
	}
	if (depth > DWCP_TB_MAX_FP) {
		msg = "burst * cost per call exceeds 2^46 ns (19.5 hours)";
		err = -ERANGE;
		goto fail;
	}
	tb->call_cost = call_cost;
	tb->byte_cost = byte_cost;
	tb->depth = depth;
	tb->cfg = *cfg;
	return 0;
fail:
	if (why)
		*why = msg;
	return err;
}

int dwcp_tb_config_check(const struct dwcp_tb_config *cfg, const char **why)
{
	struct dwcp_tb scratch;

	return dwcp_tb_derive(&scratch, cfg, why);
}

int dwcp_tb_init(struct dwcp_tb *tb, const struct dwcp_tb_config *cfg,
		 u64 now, const char **why)
{
	struct dwcp_tb fresh = { .last = now };
	int err;

	err = dwcp_tb_derive(&fresh, cfg, why);
	if (err)
		return err;
	fresh.tokens = (s64)fresh.depth;
	*tb = fresh;
	return 0;
}

/*
 * Credit at @now: tokens + elapsed time, clamped to the depth. The room
 * left (depth - tokens) is at most 2^63, so the elapsed time is clamped to
 * 2^47 ns before it is shifted; that never loses refill.
 */
static inline s64 dwcp_tb_fill(const struct dwcp_tb *tb, u64 now)
{
	u64 room = tb->depth - (u64)tb->tokens;
	u64 dt;

	if (now <= tb->last)
		return tb->tokens;
	dt = min_t(u64, now - tb->last, 1ULL << 47) << DWCP_TB_FRAC_BITS;
	if (dt >= room)
		return (s64)tb->depth;
	return tb->tokens + (s64)dt;
}

u64 dwcp_tb_cost(const struct dwcp_tb *tb, u32 len)
{
	u64 cost;

	if (unlikely(check_mul_overflow((u64)len, tb->byte_cost, &cost) ||
		     check_add_overflow(cost, tb->call_cost, &cost)))
		return DWCP_TB_MAX_FP;
	return min_t(u64, cost, DWCP_TB_MAX_FP);
}

bool dwcp_tb_admit(struct dwcp_tb *tb, u64 now, u32 len)
{
	s64 toks = dwcp_tb_fill(tb, now);
	u64 cost = dwcp_tb_cost(tb, len);

	if (now > tb->last)
		tb->last = now;
	/* A call above the depth goes once the bucket is full (then debt). */
	if (toks >= (s64)min(cost, tb->depth)) {
		tb->tokens = toks - (s64)cost;
		tb->admitted++;
		return true;
	}
	tb->tokens = toks;
	tb->rejected++;
	return false;
}

/* When credit @toks (valid from @base on) first covers @cost. */
static u64 dwcp_tb_when(const struct dwcp_tb *tb, s64 toks, u64 base, u64 cost)
{
	s64 need = (s64)min(cost, tb->depth);
	u64 wait, when;

	if (toks >= need)
		return base;
	/* need - toks <= 2^63: fits, and rounding up cannot overflow. */
	wait = ((u64)need - (u64)toks + (1ULL << DWCP_TB_FRAC_BITS) - 1) >>
	       DWCP_TB_FRAC_BITS;
	if (check_add_overflow(base, wait, &when))
		return U64_MAX;
	return when;
}

u64 dwcp_tb_next_admit(const struct dwcp_tb *tb, u64 now, u32 len)
{
	return dwcp_tb_when(tb, dwcp_tb_fill(tb, now), max(now, tb->last),
			    dwcp_tb_cost(tb, len));
}

bool dwcp_tb_reserve(struct dwcp_tb *tb, u64 now, u32 len, u64 deadline,
		     u64 *when)
{
	s64 toks = dwcp_tb_fill(tb, now);
	u64 cost = dwcp_tb_cost(tb, len);

	if (now > tb->last)
		tb->last = now;
	tb->tokens = toks;
	*when = dwcp_tb_when(tb, toks, tb->last, cost);
	/* toks >= -2^62 and cost <= 2^62: the difference cannot overflow. */
	if (*when > deadline || toks - (s64)cost < -(s64)DWCP_TB_MAX_FP) {
		tb->rejected++;
		return false;
	}
	tb->tokens = toks - (s64)cost;
	tb->admitted++;
	return true;
}

void dwcp_tb_cancel(struct dwcp_tb *tb, u64 now, u32 len)
{
	s64 toks = dwcp_tb_fill(tb, now);
	u64 cost = dwcp_tb_cost(tb, len);

	if (now > tb->last)
		tb->last = now;
	/* depth - toks <= 2^63 as u64; refund at most that. */
	if (cost >= tb->depth - (u64)toks)
		tb->tokens = (s64)tb->depth;
	else
		tb->tokens = toks + (s64)cost;
}

s64 dwcp_tb_tokens_ns(const struct dwcp_tb *tb, u64 now)
{
	s64 toks = dwcp_tb_fill(tb, now);

	if (toks < 0)
		return -(s64)((u64)-toks >> DWCP_TB_FRAC_BITS);
	return (s64)((u64)toks >> DWCP_TB_FRAC_BITS);
}

/* @v * @to / @from, at most @limit (<= 2^62), without overflowing. */
static u64 dwcp_tb_scale(u64 v, u64 from, u64 to, u64 limit)
{
	if (to > from && v >= mul_u64_u64_div_u64(limit, from, to))
		return limit;
	return min(mul_u64_u64_div_u64(v, to, from), limit);
}

int dwcp_tb_reconfigure(struct dwcp_tb *tb, const struct dwcp_tb_config *cfg,
			u64 now, const char **why)
{
	struct dwcp_tb next = *tb;
	s64 toks;
	int err;

	err = dwcp_tb_derive(&next, cfg, why);
	if (err)
		return err;
	/* Settle the credit under the old rate, then convert it to calls. */
	toks = dwcp_tb_fill(tb, now);
	if (toks >= 0)
		next.tokens = (s64)dwcp_tb_scale((u64)toks, tb->call_cost,
						 next.call_cost, next.depth);
	else
		next.tokens = -(s64)dwcp_tb_scale((u64)-toks, tb->call_cost,
						  next.call_cost,
						  DWCP_TB_MAX_FP);
	next.last = max(now, tb->last);
	*tb = next;
	return 0;
}
