/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Health check: the state machine of one active check, with rise/fall.
 *
 * Algorithm
 * ---------
 * One struct dwcp_health per check. The shell (a timer in the module, or
 * resctl) owns the probe itself and drives this object:
 *
 *	changed = dwcp_health_expire(h, now);	 fail a run past its timeout
 *	if (dwcp_health_due(h, now))
 *		dwcp_health_start(h, now);	 then launch the probe
 *	...
 *	changed = dwcp_health_report(h, now, ok);	 when the probe answers
 *
 * A run is due when interval_ns has passed since the start of the previous
 * run (start to start, like a ticker); the first run is due immediately.
 * While a run is pending no other run is due. A result that arrives more
 * than timeout_ns after its run started counts as a failure (a timeout),
 * whatever the probe said; dwcp_health_expire() fails a run that is still
 * pending past its timeout, so a probe that never answers is not silently
 * forgotten. A result with no run pending (a late answer to a run that was
 * already expired, or one after dwcp_health_stop()) is ignored and only
 * counted in @stale. Starting a run while one is still pending abandons the
 * old one as a failure (timeout).
 *
 * Thresholds (Envoy HealthCheck healthy_threshold / unhealthy_threshold,
 * HAProxy rise / fall): the state changes only after @rise consecutive
 * successes (unhealthy -> healthy) or @fall consecutive failures
 * (healthy -> unhealthy). Defaults are HAProxy's rise 2, fall 3, with an
 * interval of 10 s and a timeout of 5 s; rise = fall = 1 makes every single
 * result count. New checks start healthy (a new check must not degrade a
 * working service before it has probed anything) unless @initial_healthy
 * is false (Envoy starts hosts unhealthy).
 *
 * Every call that can change the state returns true exactly when it did, so
 * the shell emits one event per transition, in order (callbacks fired from
 * threads of their own would arrive in any order).
 *
 * Counters (lifetime, saturating): checks (results counted, timeouts
 * included), failures (timeouts included), timeouts, transitions, stale;
 * times of the last success / failure / transition; the length of the
 * current run of equal results (@consecutive, of kind @last_ok). Success
 * rate = (checks - failures) / checks in ppm, 1000000 before any result.
 *
 * Stop / restart is just state: dwcp_health_stop() cancels a pending run and
 * makes nothing due; dwcp_health_resume() makes the next run due
 * immediately and keeps counters and state; dwcp_health_init() may be called
 * again at any time, any number of times: there is no thread or channel
 * that a second stop could shut down twice.
 *
 * dwcp_health_threshold_ok() is the predicate of a threshold check:
 * ok iff min <= value <= max (never ok when min > max).
 *
 * Why rise/fall: if one result flipped the state, alternating results would
 * flap it on every probe. Why an interval per check: a cheap local check
 * and an expensive remote one need different periods.
 *
 * Size: struct dwcp_health is 104 bytes (config 32 + runtime 72).
 */
#ifndef _DWCP_CORE_HEALTH_H
#define _DWCP_CORE_HEALTH_H

#include "compat.h"

#define DWCP_HEALTH_PPM			1000000U
#define DWCP_HEALTH_DEF_INTERVAL_NS	(10ULL * NSEC_PER_SEC)
#define DWCP_HEALTH_DEF_TIMEOUT_NS	(5ULL * NSEC_PER_SEC)
#define DWCP_HEALTH_DEF_RISE		2
#define DWCP_HEALTH_DEF_FALL		3
#define DWCP_HEALTH_MIN_INTERVAL_NS	((u64)NSEC_PER_MSEC)
#define DWCP_HEALTH_MAX_INTERVAL_NS	(86400ULL * NSEC_PER_SEC)
#define DWCP_HEALTH_MAX_THRESHOLD	1000

struct dwcp_health_config {
	u64 interval_ns;	/* start to start, 1 ms .. 1 day */
	u64 timeout_ns;		/* 1 .. interval_ns */
	u32 rise;		/* successes to become healthy, 1..1000 */
	u32 fall;		/* failures to become unhealthy, 1..1000 */
	bool initial_healthy;	/* state after dwcp_health_init() */
};

struct dwcp_health {
	struct dwcp_health_config cfg;
	u64 last_start;		/* start of the last run */
	u64 last_success;	/* time of the last success, 0 = none */
	u64 last_failure;	/* time of the last failure, 0 = none */
	u64 last_change;	/* time of the last transition (or init) */
	u64 checks;		/* results counted (saturating) */
	u64 failures;		/* of which failures, timeouts included */
	u32 timeouts;		/* of which timeouts */
	u32 transitions;	/* state changes */
	u32 stale;		/* results ignored: no run pending */
	u32 consecutive;	/* current run of equal results */
	bool last_ok;		/* kind of that run */
	bool healthy;
	bool pending;		/* a run is in flight */
	bool started;		/* a run was started since init/resume */
	bool stopped;
};

void dwcp_health_config_default(struct dwcp_health_config *cfg);
int dwcp_health_config_check(const struct dwcp_health_config *cfg,
			     const char **why);
void dwcp_health_init(struct dwcp_health *h,
		      const struct dwcp_health_config *cfg, u64 now);
bool dwcp_health_reconfigure(struct dwcp_health *h,
			     const struct dwcp_health_config *cfg, u64 now);

bool dwcp_health_due(const struct dwcp_health *h, u64 now);
bool dwcp_health_start(struct dwcp_health *h, u64 now);
bool dwcp_health_report(struct dwcp_health *h, u64 now, bool ok);
bool dwcp_health_expire(struct dwcp_health *h, u64 now);

void dwcp_health_stop(struct dwcp_health *h);
void dwcp_health_resume(struct dwcp_health *h);

u32 dwcp_health_success_ppm(const struct dwcp_health *h);
bool dwcp_health_threshold_ok(s64 value, s64 min, s64 max);

static inline bool dwcp_health_healthy(const struct dwcp_health *h)
{
	return h->healthy;
}

#endif /* _DWCP_CORE_HEALTH_H */
