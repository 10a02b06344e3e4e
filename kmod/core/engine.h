/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine: what ties error budgets, health checks and the degradation
 * controller together. Once per tick (1 s by default) the shell reads each
 * policy's lifetime budget counters, alert bits, breaker state and latency
 * over the tick (struct dwcp_engine_sample) and hands them to
 * dwcp_engine_policy_tick(); then dwcp_engine_end() folds the tick into the
 * namespace-wide figures and dwcp_engine_feed() turns them into the inputs
 * of the degradation controller (core/degrade.h).
 *
 * Windows
 * -------
 * Two kinds of rolling window, both rings of core/budget.h (subtract on
 * evict, no tumbling reset):
 *   - the error budgets proper: each policy's own (in its pipeline, fed per
 *     call) and the "system" budget here, fed once per tick with the sum of
 *     every policy's new events (the deltas of their lifetime counters), so
 *     the data path pays nothing for it. A system budget that nothing feeds
 *     would read 100 % forever.
 *   - a short error-rate window (10 s in 10 buckets by default), per policy
 *     and for the namespace, for the error-rate trigger and for the health
 *     checks' error-rate and transport metrics. It is short on purpose: the
 *     budgets say whether the month is lost, this says what is failing now.
 *
 * Triggers (each can be switched off; enum dwcp_res_trigger)
 * ----------------------------------------------------------
 *   BUDGET      the alert bits of the system budget and of every policy's,
 *               through dwcp_degrade_level_from_alerts(): a fast-burn page
 *               sheds (severely degraded), a slow page, a ticket or an
 *               exhausted budget degrade.
 *   HEALTH      the highest level asked for by an unhealthy check (the
 *               shell sets @health_level); rise/fall live in the checks.
 *   ERROR_RATE  the namespace's error rate over the window against
 *               error_ppm, mapped as the controller maps ratios (> 1x
 *               degraded, > 1.5x severely, > 2x emergency), with its
 *               hysteresis.
 *               Low-traffic guard: below min_events calls in the window the
 *               input reads normal (five failures out of eight calls are no
 *               evidence; SRE workbook, "low-traffic services").
 *   LATENCY     the worst policy's P95 against its latency_target_ns,
 *               same mapping, permille. A policy's P95 is judged once it
 *               has DWCP_ENGINE_LATENCY_MIN_SAMPLES samples, so an idle
 *               policy's lone slow call is no evidence. A busy policy
 *               gets them every tick; a quiet one collects them over
 *               several ticks (the shell keeps them until
 *               dwcp_engine_latency_due() says so) and keeps its last
 *               verdict meanwhile, so a slow service that answers a few
 *               calls a second is still seen. Samples that do not reach
 *               the minimum within one error-rate window are dropped and
 *               the verdict goes back to none: a policy that fell quiet
 *               stops counting against the host after one window.
 *   EXTERNAL    not here: set by in-kernel users through the exported API.
 * Disabled triggers read normal. Dwell and hysteresis are the controller's.
 *
 * A policy in shadow mode (core/pipeline.h) keeps its own view - window,
 * alerts, latency verdict, for its checks and its metrics - but adds nothing
 * to the namespace's: its breaker may open and its budget burn only in
 * simulation, and a rollout in shadow must not degrade the host.
 */
#ifndef _DWCP_CORE_ENGINE_H
#define _DWCP_CORE_ENGINE_H

#include "compat.h"
#include <uapi/linux/dwcp_res.h>

#include "budget.h"
#include "degrade.h"

#define DWCP_ENGINE_DEF_TICK_NS		((u64)NSEC_PER_SEC)
#define DWCP_ENGINE_MIN_TICK_NS		(10ULL * NSEC_PER_MSEC)
#define DWCP_ENGINE_MAX_TICK_NS		(60ULL * NSEC_PER_SEC)
#define DWCP_ENGINE_DEF_WINDOW_NS	(10ULL * NSEC_PER_SEC)
#define DWCP_ENGINE_WINDOW_BUCKETS	10
#define DWCP_ENGINE_MAX_WINDOW_NS	(3600ULL * NSEC_PER_SEC)
#define DWCP_ENGINE_DEF_ERROR_PPM	50000	/* 5 % */
#define DWCP_ENGINE_DEF_MIN_EVENTS	20
#define DWCP_ENGINE_LATENCY_MIN_SAMPLES	10
#define DWCP_ENGINE_DEF_SYSTEM_SLO_PPM	999000	/* 99.9 % */
#define DWCP_ENGINE_TRIGGERS_ALL	(DWCP_RES_TRIGGER_BUDGET | \
					 DWCP_RES_TRIGGER_HEALTH | \
					 DWCP_RES_TRIGGER_ERROR_RATE | \
					 DWCP_RES_TRIGGER_LATENCY | \
					 DWCP_RES_TRIGGER_EXTERNAL)
/*
 * On by default: the SRE-grounded triggers (budget burn with its
 * low-traffic guard, health checks with rise/fall) and other components'
 * requests. The error-rate and latency triggers act on seconds of data
 * across the whole namespace; they are opt-in once the threshold and the
 * policies' latency targets are tuned for the host.
 */
#define DWCP_ENGINE_TRIGGERS_DEFAULT	(DWCP_RES_TRIGGER_BUDGET | \
					 DWCP_RES_TRIGGER_HEALTH | \
					 DWCP_RES_TRIGGER_EXTERNAL)

struct dwcp_engine_config {
	u64 tick_ns;		/* evaluation period */
	u64 window_ns;		/* error-rate window, >= 10 ms */
	u32 error_ppm;		/* error-rate trigger threshold, 1..1000000 */
	u32 min_events;		/* low-traffic guard of the window */
	u32 triggers;		/* enum dwcp_res_trigger bits enabled */
};

/* One policy at the end of one tick, as the shell read it. */
struct dwcp_engine_sample {
	u64 life_total;		/* its budget's lifetime counters */
	u64 life_bad;
	u32 alerts;		/* dwcp_budget_eval() of its budget: */
	u32 remaining_ppm;
	u32 burn_x1000;		/* page-fast pair, long window */
	u32 breaker_state;	/* enum dwcp_res_breaker_state */
	u32 inflight;
	u64 latency_target_ns;	/* 0 = no latency budget */
	u64 p95_ns;		/* of the samples since latency_since */
	u64 latency_samples;	/* latencies recorded since then */
	u64 transport_errors;	/* lifetime, this policy's sockets */
	bool shadow;		/* in shadow mode: a view of its own only */
};

/* The engine's view of one policy; lives in the policy object. */
struct dwcp_engine_policy {
	u64 seen_total;		/* lifetime counters at the last tick */
	u64 seen_bad;
	u64 seen_transport;
	bool seen;		/* false until the first tick */
	u32 alerts;		/* budget alert bits at the last tick */
	u64 alerts_fired;	/* alert bits raised so far */
	u32 remaining_ppm;
	u32 burn_x1000;
	u32 breaker_state;
	u32 inflight;
	u32 error_ppm;		/* over the window */
	u64 window_calls;
	u64 window_transport;	/* transport errors in the window */
	u64 p95_ns;		/* last verdict; 0 without enough samples */
	u32 latency_permille;	/* p95 / target; 0 without a target */
	u64 latency_since;	/* start of the samples not yet judged */
	struct dwcp_budget window;	/* calls and failures */
	struct dwcp_budget transport;	/* transport errors (total = bad) */
};

struct dwcp_engine {
	struct dwcp_engine_config cfg;
	struct dwcp_budget system;	/* the system error budget */
	struct dwcp_budget window;	/* namespace error-rate window */
	struct dwcp_budget transport;
	u64 tick_total;			/* new events of this tick, all policies */
	u64 tick_bad;
	u64 tick_transport;
	u32 alerts;			/* system budget alerts */
	u32 remaining_ppm;		/* system budget */
	u32 burn_x1000;
	u32 policy_alerts;		/* OR of the policies' alerts */
	u64 alerts_fired;		/* system alert bits raised so far */
	u32 error_ppm;			/* over the window */
	u64 window_calls;
	u64 window_transport;
	u32 latency_permille;		/* worst policy this tick */
	u32 latency_over;		/* policies over their target */
	u32 breakers_open;
	u32 inflight;
	u32 health_level;		/* set by the shell before feed */
};

void dwcp_engine_config_default(struct dwcp_engine_config *cfg);
int dwcp_engine_config_check(const struct dwcp_engine_config *cfg,
			     const char **why);
void dwcp_engine_init(struct dwcp_engine *e,
		      const struct dwcp_engine_config *cfg,
		      const struct dwcp_budget_config *system, u64 now);
/* New window geometry: the windows restart (policies: at their next tick). */
void dwcp_engine_reconfigure(struct dwcp_engine *e,
			     const struct dwcp_engine_config *cfg, u64 now);
void dwcp_engine_policy_init(struct dwcp_engine_policy *ep,
			     const struct dwcp_engine_config *cfg, u64 now);

/* Start a tick: clear the per-tick sums. */
void dwcp_engine_begin(struct dwcp_engine *e);
/* Fold one policy's sample in; true when its alert bits changed (*@from). */
bool dwcp_engine_policy_tick(struct dwcp_engine *e,
			     struct dwcp_engine_policy *ep,
			     const struct dwcp_engine_sample *s, u64 now,
			     u32 *from);
/* End a tick: feed the system budget; true when its alerts changed. */
bool dwcp_engine_end(struct dwcp_engine *e, u64 now, u32 *from);
/*
 * Whether a policy's @samples latencies collected since its latency_since
 * are judged (or dropped) at this tick: if so the shell hands their P95 to
 * dwcp_engine_policy_tick() and starts collecting afresh; if not it keeps
 * them and passes their count only.
 */
bool dwcp_engine_latency_due(const struct dwcp_engine *e,
			     const struct dwcp_engine_policy *ep, u64 samples,
			     u64 now);
/* Set the controller's inputs from the last tick (enabled triggers only). */
void dwcp_engine_feed(const struct dwcp_engine *e, struct dwcp_degrade *d);
/* The enum dwcp_res_trigger bits of the inputs at @level or above. */
u32 dwcp_engine_cause(const struct dwcp_degrade *d, u32 level);

/* A health-check metric; @ep NULL for the namespace-wide value. */
s64 dwcp_engine_metric(const struct dwcp_engine *e,
		       const struct dwcp_engine_policy *ep, u32 metric);

#endif /* _DWCP_CORE_ENGINE_H */
