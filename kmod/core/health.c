// SPDX-License-Identifier: GPL-2.0
/*
 * Health check state machine with rise/fall thresholds; see health.h.
 */
#include "health.h"

void dwcp_health_config_default(struct dwcp_health_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->interval_ns = DWCP_HEALTH_DEF_INTERVAL_NS;
	cfg->timeout_ns = DWCP_HEALTH_DEF_TIMEOUT_NS;
	cfg->rise = DWCP_HEALTH_DEF_RISE;
	cfg->fall = DWCP_HEALTH_DEF_FALL;
	cfg->initial_healthy = true;
}

int dwcp_health_config_check(const struct dwcp_health_config *cfg,
			     const char **why)
{
	if (cfg->interval_ns < DWCP_HEALTH_MIN_INTERVAL_NS ||
	    cfg->interval_ns > DWCP_HEALTH_MAX_INTERVAL_NS) {
		*why = "health check interval must be between 1 ms and 1 day";
		return -ERANGE;
	}
	if (cfg->timeout_ns == 0) {
		*why = "health check timeout must be positive";
		return -EINVAL;
	}
	if (cfg->timeout_ns > cfg->interval_ns) {
		*why = "health check timeout must not exceed its interval";
		return -ERANGE;
	}
	if (cfg->rise < 1 || cfg->rise > DWCP_HEALTH_MAX_THRESHOLD) {
		*why = "rise (healthy threshold) must be between 1 and 1000";
		return -ERANGE;
	}
	if (cfg->fall < 1 || cfg->fall > DWCP_HEALTH_MAX_THRESHOLD) {
		*why = "fall (unhealthy threshold) must be between 1 and 1000";
		return -ERANGE;
	}
	return 0;
}

/* Keep an unchecked config from making the thresholds meaningless. */
static void dwcp_health_set_config(struct dwcp_health *h,
				   const struct dwcp_health_config *cfg)
{
	h->cfg = *cfg;
	h->cfg.rise = clamp_t(u32, h->cfg.rise, 1, DWCP_HEALTH_MAX_THRESHOLD);
	h->cfg.fall = clamp_t(u32, h->cfg.fall, 1, DWCP_HEALTH_MAX_THRESHOLD);
}

void dwcp_health_init(struct dwcp_health *h,
		      const struct dwcp_health_config *cfg, u64 now)
{
	memset(h, 0, sizeof(*h));
	dwcp_health_set_config(h, cfg);
	h->healthy = h->cfg.initial_healthy;
	h->last_ok = h->healthy;
	h->last_change = now;
}

/* Apply rise/fall to the current run of results; true on a transition. */
static bool dwcp_health_eval(struct dwcp_health *h, u64 now)
{
	if (h->healthy == h->last_ok || !h->consecutive)
		return false;
	if (h->consecutive < (h->last_ok ? h->cfg.rise : h->cfg.fall))
		return false;
	h->healthy = h->last_ok;
	h->last_change = now;
	if (h->transitions != U32_MAX)
		h->transitions++;
	return true;
}

/*
 * Thresholds are re-evaluated against the current run of results, so
 * lowering rise or fall can change the state at once (returns true then).
 * State, counters and a pending run are kept; initial_healthy only matters
 * to dwcp_health_init().
 */
bool dwcp_health_reconfigure(struct dwcp_health *h,
			     const struct dwcp_health_config *cfg, u64 now)
{
	dwcp_health_set_config(h, cfg);
	return dwcp_health_eval(h, now);
}

bool dwcp_health_due(const struct dwcp_health *h, u64 now)
{
	if (h->stopped || h->pending)
		return false;
	if (!h->started)
		return true;
	return now >= h->last_start && now - h->last_start >= h->cfg.interval_ns;
}

/* Count one result and apply the thresholds; true on a transition. */
static bool dwcp_health_result(struct dwcp_health *h, u64 now, bool ok,
			       bool timed_out)
{
	h->pending = false;
	if (h->checks != U64_MAX)
		h->checks++;
	if (ok) {
		h->last_success = now;
	} else {
		h->last_failure = now;
		if (h->failures != U64_MAX)
			h->failures++;
		if (timed_out && h->timeouts != U32_MAX)
			h->timeouts++;
	}
	if (h->consecutive && h->last_ok == ok) {
		if (h->consecutive != U32_MAX)
			h->consecutive++;
	} else {
		h->consecutive = 1;
		h->last_ok = ok;
	}
	return dwcp_health_eval(h, now);
}

static bool dwcp_health_late(const struct dwcp_health *h, u64 now)
{
	return now > h->last_start && now - h->last_start > h->cfg.timeout_ns;
}

/*
 * Start a run. A run still pending is abandoned and counted as a timeout
 * first; the return value says whether that changed the state.
 */
bool dwcp_health_start(struct dwcp_health *h, u64 now)
{
	bool changed = false;

	if (h->stopped)
		return false;
	if (h->pending)
		changed = dwcp_health_result(h, now, false, true);
	h->pending = true;
	h->started = true;
	h->last_start = now;
	return changed;
}

bool dwcp_health_report(struct dwcp_health *h, u64 now, bool ok)
{
	if (!h->pending) {
		if (h->stale != U32_MAX)
			h->stale++;
		return false;
	}
	if (dwcp_health_late(h, now))
		return dwcp_health_result(h, now, false, true);
	return dwcp_health_result(h, now, ok, false);
}

bool dwcp_health_expire(struct dwcp_health *h, u64 now)
{
	if (!h->pending || !dwcp_health_late(h, now))
		return false;
	return dwcp_health_result(h, now, false, true);
}

void dwcp_health_stop(struct dwcp_health *h)
{
	h->stopped = true;
	h->pending = false;
}

void dwcp_health_resume(struct dwcp_health *h)
{
	h->stopped = false;
	h->pending = false;
	h->started = false;
}

u32 dwcp_health_success_ppm(const struct dwcp_health *h)
{
	if (!h->checks)
		return DWCP_HEALTH_PPM;
	/* (checks - failures) * 10^6 / checks, without overflowing u64. */
	return (u32)mul_u64_u64_div_u64(h->checks - h->failures,
					DWCP_HEALTH_PPM, h->checks);
}

bool dwcp_health_threshold_ok(s64 value, s64 min, s64 max)
{
	return min <= value && value <= max;
}
