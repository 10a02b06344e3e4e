// SPDX-License-Identifier: GPL-2.0
/*
 * Retry: full-jitter exponential backoff and retry budget; see retry.h.
 */
#include "retry.h"

int dwcp_retry_config_check(const struct dwcp_retry_config *cfg,
			    const char **why)
{
	const char *msg;
	int err = -EINVAL;

	if (!cfg->base_ns) {
		msg = "base delay must be at least 1 ns";
	} else if (cfg->cap_ns < cfg->base_ns) {
		msg = "max delay must not be below the base delay";
	} else if (cfg->mult_permille < 1000) {
		msg = "multiplier must be at least 1.0 (1000 permille)";
	} else if (cfg->mult_permille > DWCP_RETRY_MAX_MULT) {
		msg = "multiplier above 1000.0 (1000000 permille)";
		err = -ERANGE;
	} else if (cfg->max_retries > DWCP_RETRY_MAX_RETRIES) {
		msg = "more than 1000 retries";
		err = -ERANGE;
	} else {
		return 0;
	}
	if (why)
		*why = msg;
	return err;
}

u64 dwcp_retry_ceiling(const struct dwcp_retry_config *cfg, u32 attempt)
{
	u64 c = cfg->base_ns, next;
	u32 i;

	attempt = min_t(u32, attempt, DWCP_RETRY_MAX_RETRIES + 1);
	for (i = 1; i < attempt && c < cfg->cap_ns; i++) {
		if (check_mul_overflow(c, (u64)cfg->mult_permille, &next))
			return cfg->cap_ns;
		next = div_u64(next, 1000);
		if (next <= c)		/* it will never grow: stop early */
			break;
		c = next;
	}
	return min(c, cfg->cap_ns);
}

/* floor(@c * @rnd / 2^32) without a 128-bit product: always < @c. */
static u64 dwcp_retry_scale(u64 c, u32 rnd)
{
	return (c >> 32) * rnd + (((c & U32_MAX) * rnd) >> 32);
}

bool dwcp_retry_next_delay(const struct dwcp_retry_config *cfg, u32 attempt,
			   u64 now, u64 deadline, u32 rnd, u64 *delay)
{
	u64 d;

	if (!attempt || attempt > cfg->max_retries)
		return false;
	d = dwcp_retry_scale(dwcp_retry_ceiling(cfg, attempt), rnd);
	if (now > deadline || d > deadline - now)
		return false;
	*delay = d;
	return true;
}

int dwcp_retry_budget_config_check(const struct dwcp_retry_budget_config *cfg,
				   const char **why)
{
	if (cfg->budget_permille > 1000) {
		if (why)
			*why = "retry budget above 100 % (1000 permille)";
		return -ERANGE;
	}
	return 0;
}

int dwcp_retry_budget_init(struct dwcp_retry_budget *rb,
			   const struct dwcp_retry_budget_config *cfg,
			   const char **why)
{
	int err = dwcp_retry_budget_config_check(cfg, why);

	if (err)
		return err;
	memset(rb, 0, sizeof(*rb));
	rb->cfg = *cfg;
	return 0;
}

int dwcp_retry_budget_reconfigure(struct dwcp_retry_budget *rb,
				  const struct dwcp_retry_budget_config *cfg,
				  const char **why)
{
	int err = dwcp_retry_budget_config_check(cfg, why);

	if (err)
		return err;
	rb->cfg = *cfg;
	return 0;
}

u32 dwcp_retry_budget_limit(const struct dwcp_retry_budget *rb, u32 active)
{
	u32 share = (u32)div_u64((u64)active * rb->cfg.budget_permille, 1000);

	return max(share, rb->cfg.min_concurrency);
}

bool dwcp_retry_budget_acquire(struct dwcp_retry_budget *rb, u32 active)
{
	if (rb->in_flight < dwcp_retry_budget_limit(rb, active)) {
		rb->in_flight++;
		rb->granted++;
		return true;
	}
	rb->denied++;
	return false;
}

void dwcp_retry_budget_release(struct dwcp_retry_budget *rb)
{
	if (likely(rb->in_flight))
		rb->in_flight--;
}
