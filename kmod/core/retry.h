/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Retry: full-jitter exponential backoff under one deadline, and a retry
 * budget.
 *
 * Backoff. After the n-th failed attempt (n >= 1) the caller sleeps
 *
 *	delay = U[0, ceiling(n)),  ceiling(n) = min(cap, base * mult^(n-1))
 *
 * the "full jitter" of the AWS architecture blog and of Envoy's router
 * (back-off for retry N is in [0, (2^N - 1) * base), capped). mult is in
 * permille (2.0 = 2000). The random draw is an argument, so the core stays
 * pure and tests are deterministic; the shell passes get_random_u32(). A
 * retry is refused when the attempts are used up or when the sleep would
 * end after the call's one overall deadline, which includes every attempt
 * and every sleep (Envoy's route timeout): with a timeout per stage
 * instead, nested stages add up and nothing bounds what the caller waits.
 *
 * Why full jitter: with sleeps of delay + U[0, 0.1) * delay, clients that
 * failed together retry within 10 % of each other, still in step, and
 * jitter added after the cap lets a sleep reach 1.1 x the cap. Full jitter
 * spreads retries over the whole window and never exceeds the cap. Why a
 * budget: without one every failing call retries, and the retries multiply
 * the load on a dependency that is already failing.
 *
 * Budget (Envoy retry_budget, PR #9069): a retry may start only while
 *
 *	retries_in_flight < max(min_concurrency, budget_permille * active / 1000)
 *
 * where active counts the calls of the policy in flight (Envoy: active and
 * pending requests). A retry holds its budget from the moment it is granted,
 * through its backoff sleep, until its attempt completes: retries sleeping
 * in backoff count (Envoy #30205 / PR #30738, where they did not and the
 * budget overshot).
 *
 * Locking: none. The caller serialises all calls on one budget; the backoff
 * functions are pure.
 */
#ifndef _DWCP_CORE_RETRY_H
#define _DWCP_CORE_RETRY_H

#include "compat.h"

#define DWCP_RETRY_MAX_RETRIES	1000
#define DWCP_RETRY_MAX_MULT	1000000		/* 1000x */

struct dwcp_retry_config {
	u32 max_retries;	/* attempts = max_retries + 1 */
	u32 mult_permille;	/* growth per retry, >= 1000 (1.0) */
	u64 base_ns;		/* ceiling of the first backoff, > 0 */
	u64 cap_ns;		/* largest ceiling, >= base_ns */
};

/*
 * DWCP profile (Documentation/admin-guide.rst): send/receive 3 x 100 ms-5 s, sync 5 x
 * 200 ms-10 s, consensus 5 x 500 ms-30 s, all x2.0.
 */
#define DWCP_RETRY_CONFIG_SEND						\
	{ .max_retries = 3, .mult_permille = 2000,			\
	  .base_ns = 100ULL * NSEC_PER_MSEC, .cap_ns = 5ULL * NSEC_PER_SEC }
#define DWCP_RETRY_CONFIG_RECEIVE	DWCP_RETRY_CONFIG_SEND
#define DWCP_RETRY_CONFIG_SYNC						\
	{ .max_retries = 5, .mult_permille = 2000,			\
	  .base_ns = 200ULL * NSEC_PER_MSEC, .cap_ns = 10ULL * NSEC_PER_SEC }
#define DWCP_RETRY_CONFIG_CONSENSUS					\
	{ .max_retries = 5, .mult_permille = 2000,			\
	  .base_ns = 500ULL * NSEC_PER_MSEC, .cap_ns = 30ULL * NSEC_PER_SEC }

/*
 * 0 if @cfg is usable, else -EINVAL (base 0, cap < base, mult < 1000) or
 * -ERANGE (max_retries or mult too large), with a reason in *@why.
 */
int dwcp_retry_config_check(const struct dwcp_retry_config *cfg,
			    const char **why);

/* min(cap, base * mult^(attempt-1)) for @attempt >= 1 (saturating). */
u64 dwcp_retry_ceiling(const struct dwcp_retry_config *cfg, u32 attempt);

/*
 * After @attempt attempts (>= 1) have failed, may another run? If so, true
 * and *@delay = the full-jitter sleep ceiling * rnd / 2^32 (always
 * < ceiling <= cap), with @now + *@delay <= @deadline (U64_MAX: none).
 * false when the attempts are used up or the sleep would cross @deadline.
 */
bool dwcp_retry_next_delay(const struct dwcp_retry_config *cfg, u32 attempt,
			   u64 now, u64 deadline, u32 rnd, u64 *delay);

struct dwcp_retry_budget_config {
	u32 budget_permille;	/* share of active calls, <= 1000 */
	u32 min_concurrency;	/* retries always allowed in flight */
};

/* Envoy's defaults: 20 %, at least 3. */
#define DWCP_RETRY_BUDGET_CONFIG_DEFAULT				\
	{ .budget_permille = 200, .min_concurrency = 3 }

struct dwcp_retry_budget {
	struct dwcp_retry_budget_config cfg;
	u32 in_flight;		/* granted and not yet released */
	u64 granted;
	u64 denied;
};

/* 0 if @cfg is usable, else -ERANGE with a reason in *@why. */
int dwcp_retry_budget_config_check(const struct dwcp_retry_budget_config *cfg,
				   const char **why);

int dwcp_retry_budget_init(struct dwcp_retry_budget *rb,
			   const struct dwcp_retry_budget_config *cfg,
			   const char **why);

/* Apply @cfg keeping retries in flight and counters. */
int dwcp_retry_budget_reconfigure(struct dwcp_retry_budget *rb,
				  const struct dwcp_retry_budget_config *cfg,
				  const char **why);

/* Retries allowed in flight while @active calls are. */
u32 dwcp_retry_budget_limit(const struct dwcp_retry_budget *rb, u32 active);

/*
 * Grant one retry (before its backoff sleep) if the budget allows with
 * @active calls of the policy in flight.
 */
bool dwcp_retry_budget_acquire(struct dwcp_retry_budget *rb, u32 active);

/* The granted retry's attempt finished, or it was abandoned in backoff. */
void dwcp_retry_budget_release(struct dwcp_retry_budget *rb);

#endif /* _DWCP_CORE_RETRY_H */
