// SPDX-License-Identifier: GPL-2.0
/*
 * Adaptive timeout estimator; see timeout.h for the algorithm.
 */
#include "timeout.h"

void dwcp_timeout_config_default(struct dwcp_timeout_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->initial_ns = 30ULL * NSEC_PER_SEC;
	cfg->min_ns = 10ULL * NSEC_PER_MSEC;
	cfg->max_ns = 300ULL * NSEC_PER_SEC;
	cfg->window_ns = 1ULL * NSEC_PER_SEC;
	cfg->min_samples = 10;
	cfg->percentile_ppm = DWCP_HIST_P95;
	cfg->multiplier_ppm = 2 * DWCP_PPM;
	cfg->rise_ppm = 500000;
	cfg->fall_ppm = 100000;
}

int dwcp_timeout_config_check(const struct dwcp_timeout_config *cfg, const char **why)
{
	const char *msg;
	u64 prod;
	int err;

	err = -EINVAL;
	if (!cfg->min_ns) {
		msg = "timeout: min timeout must be > 0";
		goto bad;
	}
	if (cfg->min_ns > cfg->max_ns) {
		msg = "timeout: min timeout above max timeout";
		goto bad;
	}
	if (!cfg->min_samples) {
		msg = "timeout: min samples must be > 0";
		goto bad;
	}
	if (!cfg->percentile_ppm || cfg->percentile_ppm > DWCP_PPM) {
		msg = "timeout: percentile must be in (0, 100%]";
		goto bad;
	}
	if (!cfg->rise_ppm || cfg->rise_ppm > DWCP_PPM ||
	    !cfg->fall_ppm || cfg->fall_ppm > DWCP_PPM) {
		msg = "timeout: rise and fall shares must be in (0, 100%]";
		goto bad;
	}

	err = -ERANGE;
	if (cfg->max_ns > DWCP_TIMEOUT_LIMIT_NS) {
		msg = "timeout: max timeout above 1 hour";
		goto bad;
	}
	if (cfg->initial_ns < cfg->min_ns || cfg->initial_ns > cfg->max_ns) {
		msg = "timeout: initial timeout outside [min, max]";
		goto bad;
	}
	if (cfg->multiplier_ppm < DWCP_PPM || cfg->multiplier_ppm > 10 * DWCP_PPM) {
		msg = "timeout: multiplier must be in [1, 10]";
		goto bad;
	}
	if (cfg->window_ns > DWCP_TIMEOUT_WINDOW_LIMIT_NS) {
		msg = "timeout: window longer than a day";
		goto bad;
	}

	/* Largest products formed at run time. */
	err = -EOVERFLOW;
	if (check_mul_overflow((u64)DWCP_HIST_MAX_NS, (u64)cfg->multiplier_ppm, &prod) ||
	    check_mul_overflow(cfg->max_ns, (u64)DWCP_PPM, &prod)) {
		msg = "timeout: target product overflows";
		goto bad;
	}
	return 0;
bad:
	if (why)
		*why = msg;
	return err;
}

static void dwcp_timeout_new_window(struct dwcp_timeout *t, u64 now)
{
	dwcp_hist_reset(&t->win);
	t->win_start = now;
	t->win_timeouts = 0;
}

int dwcp_timeout_init(struct dwcp_timeout *t, const struct dwcp_timeout_config *cfg, u64 now)
{
	int err = dwcp_timeout_config_check(cfg, NULL);

	if (err)
		return err;
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	t->current_ns = cfg->initial_ns;
	dwcp_timeout_new_window(t, now);
	return 0;
}

/* Keeps the estimate (clamped into the new bounds), the window and counters. */
int dwcp_timeout_reconfigure(struct dwcp_timeout *t, const struct dwcp_timeout_config *cfg,
			     u64 now)
{
	int err = dwcp_timeout_config_check(cfg, NULL);

	if (err)
		return err;
	t->cfg = *cfg;
	t->current_ns = clamp(t->current_ns, cfg->min_ns, cfg->max_ns);
	if (t->win_start > now)		/* clock went backwards: restart */
		t->win_start = now;
	return 0;
}

/* Move @cur towards @target by @ppm of the gap, at least 1 ns if they differ. */
static u64 dwcp_timeout_step(u64 cur, u64 target, u32 ppm)
{
	u64 step;

	if (target > cur) {
		step = mul_u64_u64_div_u64(target - cur, ppm, DWCP_PPM);
		return cur + max_t(u64, step, 1);
	}
	if (target < cur) {
		step = mul_u64_u64_div_u64(cur - target, ppm, DWCP_PPM);
		return cur - max_t(u64, step, 1);
	}
	return cur;
}

bool dwcp_timeout_update(struct dwcp_timeout *t, u64 now)
{
	u64 pct, target, old = t->current_ns, cur;

	if (!dwcp_timeout_update_due(t, now))
		return false;

	pct = dwcp_hist_percentile(&t->win, t->cfg.percentile_ppm);
	/* pct < 2^40, multiplier <= 1e7 ppm: product fits in u64 */
	target = mul_u64_u64_div_u64(pct, t->cfg.multiplier_ppm, DWCP_PPM);
	target = clamp(target, t->cfg.min_ns, t->cfg.max_ns);
	t->last_target_ns = target;

	cur = dwcp_timeout_step(old, target,
				target > old ? t->cfg.rise_ppm : t->cfg.fall_ppm);
	t->current_ns = clamp(cur, t->cfg.min_ns, t->cfg.max_ns);
	t->updates++;
	dwcp_timeout_new_window(t, now);
	return t->current_ns != old;
}

void dwcp_timeout_adapt(struct dwcp_timeout *t, u64 latency_ns, bool success)
{
	u64 cur = t->current_ns, twice;

	if (success) {
		cur = mul_u64_u64_div_u64(cur, 950000, DWCP_PPM);
		if (check_mul_overflow(latency_ns, (u64)2, &twice))
			twice = U64_MAX;
		cur = max(cur, twice);
	} else {
		/* cur <= 1 h, so 1.1 x cur fits */
		cur = mul_u64_u64_div_u64(cur, 1100000, DWCP_PPM);
	}
	t->current_ns = clamp(cur, t->cfg.min_ns, t->cfg.max_ns);
}
