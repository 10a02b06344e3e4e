/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Token bucket, counted in nanoseconds.
 *
 * The bucket holds time, not tokens, as net/sched/sch_tbf.c and
 * net/netfilter/nft_limit.c do: every nanosecond that passes adds one
 * nanosecond of credit, up to the bucket depth, and a call costs
 *
 *	cost = ns_per_call + len * ns_per_byte
 *
 * where ns_per_call = NSEC_PER_SEC / rate and ns_per_byte = NSEC_PER_SEC /
 * byte_rate. A rate may be given in thousandths of a call per second
 * (mrate), so that an adaptive limiter that settled at 0.5/s really admits
 * one call every 2 s. Both costs are computed once, at configuration time, as 48.16
 * fixed point (DWCP_TB_FRAC_BITS fractional bits), so the admit path is one
 * subtraction, one multiplication, a few compares and no division. The depth
 * is burst * ns_per_call + burst_bytes * ns_per_byte.
 *
 * Why time and not whole tokens: a bucket that adds whole tokens only once a
 * full refill period has passed, and then restarts the period at the moment it
 * looked, drops the fractional remainder on every refill, so under steady load
 * it admits less than its rate. Here the refill is the exact elapsed time,
 * carried across calls in the bucket; the only rounding left is in the
 * per-call cost, which is rounded UP to 2^-16 ns (the limiter may be slower
 * than configured by at most rate * 2^-16 ns per second, never faster).
 *
 * A call whose cost exceeds the whole depth (a large write on a byte-rated
 * bucket) is not rejected forever, as sch_tbf drops packets above max_size:
 * it is admitted when the bucket is full and the bucket goes into debt by
 * the excess, so the long-run byte rate still holds. The same debt carries
 * reservations: dwcp_tb_reserve() charges a waiter now for a slot in the
 * future, and later callers queue behind it (x/time/rate Reserve, sch_tbf's
 * exact watchdog time instead of polling).
 *
 * Reconfiguration keeps the fill level measured in calls (scaled by the
 * ratio of the per-call costs, clamped to the new depth): changing the rate
 * neither hands out a free burst (tbf_change refills the bucket) nor empties
 * it. A new bucket starts full, as golang.org/x/time/rate does.
 *
 * Locking: none. The caller serialises all calls on one bucket.
 */
#ifndef _DWCP_CORE_TB_H
#define _DWCP_CORE_TB_H

#include "compat.h"

/* Fractional bits of the fixed-point nanosecond credit. */
#define DWCP_TB_FRAC_BITS	16
/* Largest depth and largest cost of one call: 2^46 ns, about 19.5 hours. */
#define DWCP_TB_MAX_NS		BIT_ULL(46)
#define DWCP_TB_MAX_FP		(DWCP_TB_MAX_NS << DWCP_TB_FRAC_BITS)

struct dwcp_tb_config {
	u64 rate;		/* calls per second, >= 1 (unless mrate) */
	u64 mrate;		/* calls per 1000 s; 0: rate * 1000 */
	u64 byte_rate;		/* bytes per second; 0 = no per-byte cost */
	u32 burst;		/* calls the full bucket admits at once, >= 1 */
	u32 burst_bytes;	/* extra depth in bytes (needs byte_rate) */
};

struct dwcp_tb {
	s64 tokens;		/* credit, fixed-point ns; < 0 is debt */
	u64 last;		/* time of the last refill, ns */
	u64 depth;		/* fixed-point ns */
	u64 call_cost;		/* fixed-point ns per call */
	u64 byte_cost;		/* fixed-point ns per byte */
	u64 admitted;		/* admits and reservations granted */
	u64 rejected;		/* admits and reservations refused */
	struct dwcp_tb_config cfg;
};

/*
 * 0 if @cfg is usable, else -EINVAL (rate 0, burst 0, burst_bytes without
 * byte_rate), -ERANGE (a rate so high that a call costs nothing, a depth
 * above DWCP_TB_MAX_NS) or -EOVERFLOW (burst * cost overflows), with a
 * short reason in *@why (may be NULL).
 */
int dwcp_tb_config_check(const struct dwcp_tb_config *cfg, const char **why);

/* Validate @cfg and start a full bucket at @now. Counters are zeroed. */
int dwcp_tb_init(struct dwcp_tb *tb, const struct dwcp_tb_config *cfg,
		 u64 now, const char **why);

/*
 * Apply a new @cfg, keeping counters and the fill level in calls (clamped
 * to the new depth). On error the bucket is unchanged.
 */
int dwcp_tb_reconfigure(struct dwcp_tb *tb, const struct dwcp_tb_config *cfg,
			u64 now, const char **why);

/* Admit one call of @len bytes at @now if the credit covers it. */
bool dwcp_tb_admit(struct dwcp_tb *tb, u64 now, u32 len);

/*
 * Earliest time >= @now at which dwcp_tb_admit(tb, t, len) would succeed,
 * if nobody else takes credit meanwhile. Exact to the nanosecond: it is
 * @now when the call fits now. Does not change the bucket.
 */
u64 dwcp_tb_next_admit(const struct dwcp_tb *tb, u64 now, u32 len);

/*
 * Reserve the credit for one call now and learn in *@when the time it may
 * proceed (dwcp_tb_next_admit()). Only if *@when <= @deadline is anything
 * charged (true); a refused reservation (false) leaves the credit alone.
 * A waiter that gives up before *@when returns its credit with
 * dwcp_tb_cancel().
 */
bool dwcp_tb_reserve(struct dwcp_tb *tb, u64 now, u32 len, u64 deadline,
		     u64 *when);

/* Give back the credit of one reserved call of @len bytes. */
void dwcp_tb_cancel(struct dwcp_tb *tb, u64 now, u32 len);

/* Cost of one call of @len bytes, fixed-point ns (saturates). */
u64 dwcp_tb_cost(const struct dwcp_tb *tb, u32 len);

/* Credit at @now in whole ns, negative while in debt. */
s64 dwcp_tb_tokens_ns(const struct dwcp_tb *tb, u64 now);

#endif /* _DWCP_CORE_TB_H */
