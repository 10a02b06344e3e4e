// SPDX-License-Identifier: GPL-2.0
/*
 * Adaptive rate limiter controller; see adaptive.h for the algorithm.
 */
#include "adaptive.h"

/* Cap on a window's length in the utilisation product (about 104 days). */
#define DWCP_ADAPTIVE_ELAPSED_CAP	BIT_ULL(53)

void dwcp_adaptive_config_default(struct dwcp_adaptive_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->initial_rate = 1000 * DWCP_MCPS_PER_CPS;
	cfg->min_rate = 100 * DWCP_MCPS_PER_CPS;
	cfg->max_rate = 10000 * DWCP_MCPS_PER_CPS;
	cfg->target_ns = 100ULL * NSEC_PER_MSEC;
	cfg->window_ns = 1ULL * NSEC_PER_SEC;
	cfg->burst_ns = 1ULL * NSEC_PER_SEC;
	cfg->min_samples = 50;
	cfg->percentile_ppm = DWCP_HIST_P95;
	cfg->high_ppm = 1200000;
	cfg->low_ppm = 800000;
	cfg->decrease_ppm = 900000;
	cfg->increase_ppm = 1050000;
	cfg->min_util_ppm = 500000;
}

int dwcp_adaptive_config_check(const struct dwcp_adaptive_config *cfg, const char **why)
{
	const char *msg;
	u64 prod;
	int err;

	err = -EINVAL;
	if (!cfg->min_rate) {
		msg = "adaptive: min rate must be > 0";
		goto bad;
	}
	if (cfg->min_rate > cfg->max_rate) {
		msg = "adaptive: min rate above max rate";
		goto bad;
	}
	if (!cfg->target_ns) {
		msg = "adaptive: latency target must be > 0";
		goto bad;
	}
	if (!cfg->min_samples) {
		msg = "adaptive: min samples must be > 0";
		goto bad;
	}
	if (!cfg->percentile_ppm || cfg->percentile_ppm > DWCP_PPM) {
		msg = "adaptive: percentile must be in (0, 100%]";
		goto bad;
	}
	if (cfg->low_ppm > DWCP_PPM || cfg->high_ppm < DWCP_PPM) {
		msg = "adaptive: need low <= 100% <= high around the target";
		goto bad;
	}
	if (!cfg->decrease_ppm || cfg->decrease_ppm >= DWCP_PPM) {
		msg = "adaptive: decrease factor must be in (0, 100%)";
		goto bad;
	}
	if (cfg->increase_ppm <= DWCP_PPM || cfg->increase_ppm > 2 * DWCP_PPM) {
		msg = "adaptive: increase factor must be in (100%, 200%]";
		goto bad;
	}
	if (cfg->min_util_ppm > DWCP_PPM) {
		msg = "adaptive: min utilisation must be <= 100%";
		goto bad;
	}

	err = -ERANGE;
	if (cfg->max_rate > DWCP_ADAPTIVE_RATE_LIMIT) {
		msg = "adaptive: max rate above 1e9 calls/s";
		goto bad;
	}
	if (cfg->initial_rate < cfg->min_rate || cfg->initial_rate > cfg->max_rate) {
		msg = "adaptive: initial rate outside [min, max]";
		goto bad;
	}
	if (cfg->target_ns > DWCP_HIST_MAX_NS) {
		msg = "adaptive: latency target above histogram range";
		goto bad;
	}
	if (cfg->high_ppm > 10 * DWCP_PPM) {
		msg = "adaptive: high threshold above 10x target";
		goto bad;
	}
	if (cfg->window_ns > DWCP_ADAPTIVE_WINDOW_LIMIT_NS) {
		msg = "adaptive: window longer than a day";
		goto bad;
	}
	if (cfg->burst_ns > DWCP_ADAPTIVE_BURST_LIMIT_NS) {
		msg = "adaptive: burst longer than an hour of rate";
		goto bad;
	}

	/* Products formed at run time: thresholds, growth, burst. */
	err = -EOVERFLOW;
	if (check_mul_overflow(cfg->target_ns, (u64)cfg->high_ppm, &prod) ||
	    check_mul_overflow(cfg->max_rate, (u64)cfg->increase_ppm, &prod)) {
		msg = "adaptive: threshold or rate product overflows";
		goto bad;
	}
	return 0;
bad:
	if (why)
		*why = msg;
	return err;
}

static void dwcp_adaptive_apply(struct dwcp_adaptive *a, const struct dwcp_adaptive_config *cfg)
{
	a->cfg = *cfg;
	a->high_ns = div64_u64(cfg->target_ns * cfg->high_ppm, DWCP_PPM);
	a->low_ns = div64_u64(cfg->target_ns * cfg->low_ppm, DWCP_PPM);
}

static void dwcp_adaptive_new_window(struct dwcp_adaptive *a, u64 now)
{
	dwcp_hist_reset(&a->win);
	a->win_start = now;
	a->win_admitted = 0;
	a->win_rejected = 0;
}

int dwcp_adaptive_init(struct dwcp_adaptive *a, const struct dwcp_adaptive_config *cfg, u64 now)
{
	int err = dwcp_adaptive_config_check(cfg, NULL);

	if (err)
		return err;
	memset(a, 0, sizeof(*a));
	dwcp_adaptive_apply(a, cfg);
	a->rate = cfg->initial_rate;
	dwcp_adaptive_new_window(a, now);
	return 0;
}

/*
 * Keeps the current rate (clamped into the new range), the current window's
 * samples and counters, and all statistics. initial_rate only matters at init.
 */
int dwcp_adaptive_reconfigure(struct dwcp_adaptive *a, const struct dwcp_adaptive_config *cfg,
			      u64 now)
{
	int err = dwcp_adaptive_config_check(cfg, NULL);

	if (err)
		return err;
	dwcp_adaptive_apply(a, cfg);
	a->rate = clamp(a->rate, cfg->min_rate, cfg->max_rate);
	if (a->win_start > now)		/* clock went backwards: restart */
		a->win_start = now;
	return 0;
}

u64 dwcp_adaptive_burst_for(u64 rate_mcps, u64 burst_ns)
{
	u64 b;

	/* rate <= 1e12 mcps, burst_ns <= 3.6e12: quotient <= 3.6e12 fits */
	rate_mcps = min_t(u64, rate_mcps, DWCP_ADAPTIVE_RATE_LIMIT);
	burst_ns = min_t(u64, burst_ns, DWCP_ADAPTIVE_BURST_LIMIT_NS);
	b = mul_u64_u64_div_u64(rate_mcps, burst_ns, DWCP_MCPS_PER_CPS * NSEC_PER_SEC);
	return max_t(u64, b, 1);
}

u64 dwcp_adaptive_rate(const struct dwcp_adaptive *a)
{
	return a->rate;
}

u64 dwcp_adaptive_burst(const struct dwcp_adaptive *a)
{
	return dwcp_adaptive_burst_for(a->rate, a->cfg.burst_ns);
}

/* Offered load in the window reached min_util of what the rate allowed? */
static bool dwcp_adaptive_busy(const struct dwcp_adaptive *a, u64 elapsed)
{
	u64 allowed_mcalls, need_mcalls, offered, offered_mcalls;

	elapsed = min_t(u64, elapsed, DWCP_ADAPTIVE_ELAPSED_CAP);
	/* rate <= 1e12, elapsed <= 2^53: quotient <= 1e3 * 2^53 fits in u64 */
	allowed_mcalls = mul_u64_u64_div_u64(a->rate, elapsed, NSEC_PER_SEC);
	need_mcalls = mul_u64_u64_div_u64(allowed_mcalls, a->cfg.min_util_ppm, DWCP_PPM);
	if (check_add_overflow(a->win_admitted, a->win_rejected, &offered))
		return true;
	if (check_mul_overflow(offered, DWCP_MCPS_PER_CPS, &offered_mcalls))
		return true;
	return offered_mcalls >= need_mcalls;
}

bool dwcp_adaptive_tick(struct dwcp_adaptive *a, u64 now, u64 *new_rate)
{
	u64 elapsed, pct, mean, old = a->rate, rate = a->rate;

	if (new_rate)
		*new_rate = old;
	if (!dwcp_adaptive_tick_due(a, now))
		return false;
	elapsed = now > a->win_start ? now - a->win_start : 0;

	pct = dwcp_hist_percentile(&a->win, a->cfg.percentile_ppm);
	mean = dwcp_hist_mean(&a->win);
	a->last_pct_ns = pct;
	a->last_mean_ns = mean;
	a->windows++;

	if (pct > a->high_ns) {
		rate = mul_u64_u64_div_u64(rate, a->cfg.decrease_ppm, DWCP_PPM);
		a->decreases++;
	} else if (pct < a->low_ns && mean < a->cfg.target_ns) {
		if (dwcp_adaptive_busy(a, elapsed)) {
			/* at least +1 mcps so that tiny rates can grow */
			rate = max_t(u64, rate + 1,
				     mul_u64_u64_div_u64(rate, a->cfg.increase_ppm, DWCP_PPM));
			a->increases++;
		} else {
			a->app_limited++;
		}
	}
	rate = clamp(rate, a->cfg.min_rate, a->cfg.max_rate);
	a->rate = rate;
	dwcp_adaptive_new_window(a, now);
	if (new_rate)
		*new_rate = rate;
	return rate != old;
}
