// SPDX-License-Identifier: GPL-2.0
/*
 * The engine: budgets, health metrics and degradation triggers; see engine.h.
 */
#include "engine.h"

void dwcp_engine_config_default(struct dwcp_engine_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->tick_ns = DWCP_ENGINE_DEF_TICK_NS;
	cfg->window_ns = DWCP_ENGINE_DEF_WINDOW_NS;
	cfg->error_ppm = DWCP_ENGINE_DEF_ERROR_PPM;
	cfg->min_events = DWCP_ENGINE_DEF_MIN_EVENTS;
	cfg->triggers = DWCP_ENGINE_TRIGGERS_DEFAULT;
}

int dwcp_engine_config_check(const struct dwcp_engine_config *cfg,
			     const char **why)
{
	if (cfg->tick_ns < DWCP_ENGINE_MIN_TICK_NS ||
	    cfg->tick_ns > DWCP_ENGINE_MAX_TICK_NS) {
		*why = "evaluation period must be between 10ms and 60s";
		return -ERANGE;
	}
	if (cfg->window_ns < DWCP_ENGINE_WINDOW_BUCKETS * DWCP_BUDGET_MIN_BUCKET_NS ||
	    cfg->window_ns > DWCP_ENGINE_MAX_WINDOW_NS) {
		*why = "error-rate window must be between 10ms and 1h";
		return -ERANGE;
	}
	if (cfg->window_ns < cfg->tick_ns) {
		*why = "error-rate window must be at least one evaluation period";
		return -EINVAL;
	}
	if (cfg->error_ppm == 0 || cfg->error_ppm > 1000000) {
		*why = "error-rate threshold must be between 1 and 1000000 ppm";
		return -ERANGE;
	}
	if (cfg->triggers & ~DWCP_ENGINE_TRIGGERS_ALL) {
		*why = "unknown trigger bits";
		return -EINVAL;
	}
	return 0;
}

/*
 * The geometry of the short windows: 10 buckets over window_ns, rounded
 * down to a whole multiple of the bucket count as budget.h wants. Only the
 * bucket counts matter, so the SLO is a placeholder.
 */
static void dwcp_engine_window_config(const struct dwcp_engine_config *cfg,
				      struct dwcp_budget_config *w)
{
	dwcp_budget_config_default(w, DWCP_ENGINE_DEF_SYSTEM_SLO_PPM);
	w->nbuckets = DWCP_ENGINE_WINDOW_BUCKETS;
	w->window_ns = div_u64(cfg->window_ns, DWCP_ENGINE_WINDOW_BUCKETS) *
		       DWCP_ENGINE_WINDOW_BUCKETS;
	w->min_events = 0;
}

void dwcp_engine_init(struct dwcp_engine *e,
		      const struct dwcp_engine_config *cfg,
		      const struct dwcp_budget_config *system, u64 now)
{
	struct dwcp_budget_config w;

	memset(e, 0, sizeof(*e));
	e->cfg = *cfg;
	dwcp_budget_init(&e->system, system, now);
	dwcp_engine_window_config(cfg, &w);
	dwcp_budget_init(&e->window, &w, now);
	dwcp_budget_init(&e->transport, &w, now);
	e->remaining_ppm = DWCP_BUDGET_PPM;
}

void dwcp_engine_reconfigure(struct dwcp_engine *e,
			     const struct dwcp_engine_config *cfg, u64 now)
{
	struct dwcp_budget_config w;

	e->cfg = *cfg;
	dwcp_engine_window_config(cfg, &w);
	dwcp_budget_reconfigure(&e->window, &w, now);
	dwcp_budget_reconfigure(&e->transport, &w, now);
}

void dwcp_engine_policy_init(struct dwcp_engine_policy *ep,
			     const struct dwcp_engine_config *cfg, u64 now)
{
	struct dwcp_budget_config w;

	memset(ep, 0, sizeof(*ep));
	dwcp_engine_window_config(cfg, &w);
	dwcp_budget_init(&ep->window, &w, now);
	dwcp_budget_init(&ep->transport, &w, now);
	ep->remaining_ppm = DWCP_BUDGET_PPM;
	ep->latency_since = now;
}

void dwcp_engine_begin(struct dwcp_engine *e)
{
	e->tick_total = 0;
	e->tick_bad = 0;
	e->tick_transport = 0;
	e->policy_alerts = 0;
	e->latency_permille = 0;
	e->latency_over = 0;
	e->breakers_open = 0;
	e->inflight = 0;
}

static u32 dwcp_engine_ppm(u64 part, u64 whole)
{
	if (!whole)
		return 0;
	return (u32)mul_u64_u64_div_u64(min(part, whole), 1000000, whole);
}

static u32 dwcp_engine_clamp32(u64 v)
{
	return (u32)min_t(u64, v, U32_MAX);
}

/* Keep @b's window at @now and match its geometry to the engine's. */
static void dwcp_engine_window_sync(const struct dwcp_engine *e,
				    struct dwcp_budget *b, u64 now)
{
	struct dwcp_budget_config w;

	dwcp_engine_window_config(&e->cfg, &w);
	if (b->cfg.window_ns != w.window_ns)
		dwcp_budget_reconfigure(b, &w, now);
}

bool dwcp_engine_latency_due(const struct dwcp_engine *e,
			     const struct dwcp_engine_policy *ep, u64 samples,
			     u64 now)
{
	return samples >= DWCP_ENGINE_LATENCY_MIN_SAMPLES ||
	       now - ep->latency_since >= e->cfg.window_ns;
}

/*
 * Judge the latency samples a policy has collected since latency_since
 * (engine.h, LATENCY): with enough of them, set the verdict (the P95);
 * with too few after a whole window, drop them and the verdict; else keep
 * both and wait. The verdict is weighed against the target of this tick,
 * so a target changed or removed takes effect at once, not a window later.
 */
static void dwcp_engine_latency(const struct dwcp_engine *e,
				struct dwcp_engine_policy *ep,
				const struct dwcp_engine_sample *s, u64 now)
{
	u64 p95;

	if (dwcp_engine_latency_due(e, ep, s->latency_samples, now)) {
		ep->p95_ns = s->latency_samples >= DWCP_ENGINE_LATENCY_MIN_SAMPLES ?
			     s->p95_ns : 0;
		ep->latency_since = now;
	}
	ep->latency_permille = 0;
	if (ep->p95_ns && s->latency_target_ns) {
		p95 = min_t(u64, ep->p95_ns, U64_MAX / 1000);
		ep->latency_permille =
			dwcp_engine_clamp32(div64_u64(p95 * 1000, s->latency_target_ns));
	}
}

bool dwcp_engine_policy_tick(struct dwcp_engine *e,
			     struct dwcp_engine_policy *ep,
			     const struct dwcp_engine_sample *s, u64 now,
			     u32 *from)
{
	u64 total = 0, bad = 0, transport = 0, wt, wb;
	bool changed;

	/*
	 * The first sample of a policy only sets the baseline: what it did
	 * before the engine saw it is in its own budget, not in this tick.
	 * Lifetime counters never go back; if they did (a new object under
	 * the same name), start over from there.
	 */
	if (ep->seen && s->life_total >= ep->seen_total &&
	    s->life_bad >= ep->seen_bad) {
		total = s->life_total - ep->seen_total;
		bad = s->life_bad - ep->seen_bad;
	}
	if (ep->seen && s->transport_errors >= ep->seen_transport)
		transport = s->transport_errors - ep->seen_transport;
	ep->seen = true;
	ep->seen_total = s->life_total;
	ep->seen_bad = s->life_bad;
	ep->seen_transport = s->transport_errors;

	dwcp_engine_window_sync(e, &ep->window, now);
	dwcp_engine_window_sync(e, &ep->transport, now);
	dwcp_budget_add(&ep->window, now, dwcp_engine_clamp32(total),
			dwcp_engine_clamp32(bad));
	dwcp_budget_add(&ep->transport, now, dwcp_engine_clamp32(transport),
			dwcp_engine_clamp32(transport));
	dwcp_budget_window(&ep->window, now, DWCP_ENGINE_WINDOW_BUCKETS, &wt, &wb);
	ep->window_calls = wt;
	ep->error_ppm = dwcp_engine_ppm(wb, wt);
	dwcp_budget_window(&ep->transport, now, DWCP_ENGINE_WINDOW_BUCKETS,
			   &ep->window_transport, &wb);

	ep->breaker_state = s->breaker_state;
	ep->inflight = s->inflight;
	ep->remaining_ppm = s->remaining_ppm;
	ep->burn_x1000 = s->burn_x1000;
	dwcp_engine_latency(e, ep, s, now);

	if (s->shadow)
		goto alerts;	/* its own view only (engine.h) */
	e->tick_total += total;
	e->tick_bad += bad;
	e->tick_transport += transport;
	e->policy_alerts |= s->alerts;
	e->latency_permille = max(e->latency_permille, ep->latency_permille);
	if (ep->latency_permille > 1000)
		e->latency_over++;
	if (s->breaker_state == DWCP_RES_BREAKER_OPEN ||
	    s->breaker_state == DWCP_RES_BREAKER_FORCED_OPEN)
		e->breakers_open++;
	e->inflight += s->inflight;
alerts:
	changed = ep->alerts != s->alerts;
	*from = ep->alerts;
	ep->alerts_fired += hweight32(s->alerts & ~ep->alerts);
	ep->alerts = s->alerts;
	return changed;
}

bool dwcp_engine_end(struct dwcp_engine *e, u64 now, u32 *from)
{
	struct dwcp_budget_status st;
	u64 wt, wb;
	u32 alerts;

	dwcp_engine_window_sync(e, &e->window, now);
	dwcp_engine_window_sync(e, &e->transport, now);
	dwcp_budget_add(&e->system, now, dwcp_engine_clamp32(e->tick_total),
			dwcp_engine_clamp32(e->tick_bad));
	dwcp_budget_add(&e->window, now, dwcp_engine_clamp32(e->tick_total),
			dwcp_engine_clamp32(e->tick_bad));
	dwcp_budget_add(&e->transport, now, dwcp_engine_clamp32(e->tick_transport),
			dwcp_engine_clamp32(e->tick_transport));
	dwcp_budget_window(&e->window, now, DWCP_ENGINE_WINDOW_BUCKETS, &wt, &wb);
	e->window_calls = wt;
	e->error_ppm = dwcp_engine_ppm(wb, wt);
	dwcp_budget_window(&e->transport, now, DWCP_ENGINE_WINDOW_BUCKETS,
			   &e->window_transport, &wb);

	alerts = dwcp_budget_eval(&e->system, now, &st);
	e->remaining_ppm = st.remaining_ppm;
	e->burn_x1000 = st.burn_long_x1000[0];
	*from = e->alerts;
	if (alerts == e->alerts)
		return false;
	e->alerts_fired += hweight32(alerts & ~e->alerts);
	e->alerts = alerts;
	return true;
}

void dwcp_engine_feed(const struct dwcp_engine *e, struct dwcp_degrade *d)
{
	u32 on = e->cfg.triggers;

	dwcp_degrade_set_input(d, DWCP_DEGRADE_IN_BUDGET,
			       on & DWCP_RES_TRIGGER_BUDGET ?
			       dwcp_degrade_level_from_alerts(e->alerts |
							      e->policy_alerts) :
			       DWCP_RES_LEVEL_NORMAL);
	dwcp_degrade_set_input(d, DWCP_DEGRADE_IN_HEALTH,
			       on & DWCP_RES_TRIGGER_HEALTH ? e->health_level :
			       DWCP_RES_LEVEL_NORMAL);
	if ((on & DWCP_RES_TRIGGER_ERROR_RATE) &&
	    e->window_calls >= max_t(u32, e->cfg.min_events, 1))
		dwcp_degrade_feed_ratio(d, DWCP_DEGRADE_IN_ERROR_RATE,
					e->error_ppm, e->cfg.error_ppm);
	else
		dwcp_degrade_set_input(d, DWCP_DEGRADE_IN_ERROR_RATE,
				       DWCP_RES_LEVEL_NORMAL);
	if (on & DWCP_RES_TRIGGER_LATENCY)
		dwcp_degrade_feed_ratio(d, DWCP_DEGRADE_IN_LATENCY,
					e->latency_permille, 1000);
	else
		dwcp_degrade_set_input(d, DWCP_DEGRADE_IN_LATENCY,
				       DWCP_RES_LEVEL_NORMAL);
	if (!(on & DWCP_RES_TRIGGER_EXTERNAL))
		dwcp_degrade_set_input(d, DWCP_DEGRADE_IN_EXTERNAL,
				       DWCP_RES_LEVEL_NORMAL);
}

/* enum dwcp_degrade_input -> enum dwcp_res_trigger, same order. */
static const u32 dwcp_engine_input_bit[__DWCP_DEGRADE_IN_MAX] = {
	[DWCP_DEGRADE_IN_BUDGET] = DWCP_RES_TRIGGER_BUDGET,
	[DWCP_DEGRADE_IN_HEALTH] = DWCP_RES_TRIGGER_HEALTH,
	[DWCP_DEGRADE_IN_ERROR_RATE] = DWCP_RES_TRIGGER_ERROR_RATE,
	[DWCP_DEGRADE_IN_LATENCY] = DWCP_RES_TRIGGER_LATENCY,
	[DWCP_DEGRADE_IN_EXTERNAL] = DWCP_RES_TRIGGER_EXTERNAL,
};

u32 dwcp_engine_cause(const struct dwcp_degrade *d, u32 level)
{
	u32 cause = 0;
	int i;

	if (level == DWCP_RES_LEVEL_NORMAL)
		return 0;
	for (i = 0; i < __DWCP_DEGRADE_IN_MAX; i++)
		if (d->input[i] >= level)
			cause |= dwcp_engine_input_bit[i];
	return cause;
}

s64 dwcp_engine_metric(const struct dwcp_engine *e,
		       const struct dwcp_engine_policy *ep, u32 metric)
{
	bool open;

	switch (metric) {
	case DWCP_RES_METRIC_ERROR_RATE_PPM:
		return ep ? ep->error_ppm : e->error_ppm;
	case DWCP_RES_METRIC_CALLS:
		return ep ? ep->window_calls : e->window_calls;
	case DWCP_RES_METRIC_LATENCY_P95_NS:
		return ep ? (s64)min_t(u64, ep->p95_ns, S64_MAX) : 0;
	case DWCP_RES_METRIC_LATENCY_OVER:
		return ep ? ep->latency_permille > 1000 : e->latency_over;
	case DWCP_RES_METRIC_BUDGET_REMAINING_PPM:
		return ep ? ep->remaining_ppm : e->remaining_ppm;
	case DWCP_RES_METRIC_BURN_RATE:
		return ep ? ep->burn_x1000 : e->burn_x1000;
	case DWCP_RES_METRIC_BREAKERS_OPEN:
		if (!ep)
			return e->breakers_open;
		open = ep->breaker_state == DWCP_RES_BREAKER_OPEN ||
		       ep->breaker_state == DWCP_RES_BREAKER_FORCED_OPEN;
		return open;
	case DWCP_RES_METRIC_TRANSPORT_ERRORS:
		return ep ? ep->window_transport : e->window_transport;
	case DWCP_RES_METRIC_INFLIGHT:
		return ep ? ep->inflight : e->inflight;
	}
	return 0;
}
