/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Degradation level: a small controller with hysteresis and dwell times.
 *
 * Inputs
 * ------
 * A fixed set of signals (enum dwcp_degrade_input) each hold a level. The
 * pipeline sets them from what it observes:
 *   - BUDGET: dwcp_degrade_level_from_alerts() of the error budget's alert
 *     bits (fast page -> severely degraded; slow page, ticket or exhausted ->
 *     degraded);
 *   - HEALTH: a failing health check -> the level the policy asks for;
 *   - ERROR_RATE, LATENCY: dwcp_degrade_feed_ratio(value, threshold) with the
 *     ratio mapping, value > 2x threshold -> emergency, > 1.5x ->
 *     severely degraded, > 1x -> degraded, else normal, plus a hysteresis
 *     margin on the way down (below);
 *   - EXTERNAL: any other component (another module, through
 *     dwcp_res_degrade_external()).
 * The target level is the maximum of the signals: the worst one decides.
 *
 * Hysteresis margin (ratio signals only): a signal keeps a level l it
 * already holds while value > margin * entry(l), entry(degraded) = 1x,
 * entry(severely) = 1.5x, entry(emergency) = 2x threshold, margin =
 * hyst_permille / 1000 (default 0.8). So with the default an error rate that
 * once exceeded its threshold must fall below 0.8x threshold before the
 * signal reads normal again, below 1.2x to leave severely degraded, and
 * below 1.6x to leave emergency. Going up uses the plain mapping.
 *
 * Dwell (dwcp_degrade_tick)
 * -------------------------
 * Up: the level jumps straight to the target once the target has been above
 * the level for up_dwell_ns (0 = on the first tick that sees it).
 * Down: one level at a time, and only after the target has stayed below the
 * level for min_dwell_ns; the clock restarts at every step down, so leaving
 * emergency for normal takes at least 3 x min_dwell_ns. A target that flaps
 * faster than min_dwell_ns therefore holds the level up instead of making it
 * oscillate.
 *
 * Manual override: dwcp_degrade_set(level, hold_ns) sets a level at once and
 * holds it until now + hold_ns (hold_ns 0 = until dwcp_degrade_auto()); while
 * held the signals are still tracked but do not move the level. When the
 * hold ends the controller resumes from the held level under the same rules.
 *
 * Effects: dwcp_degrade_effects() is a pure table of what each level does to
 * a call of a given priority: degraded scales rate and bulkhead limits by
 * limit_permille (750 by default) and halves retries; severely degraded also
 * sheds below HIGH and turns retries off; emergency admits CRITICAL only.
 *
 * Why hysteresis and dwell: without them the level follows its inputs
 * sample by sample, and one signal hovering at its threshold flips the
 * limits of every policy back and forth. Why effects at every level: a
 * level that changes nothing only puts a new name on an overload.
 */
#ifndef _DWCP_CORE_DEGRADE_H
#define _DWCP_CORE_DEGRADE_H

#include "compat.h"
#include <uapi/linux/dwcp_res.h>

enum dwcp_degrade_input {
	DWCP_DEGRADE_IN_BUDGET,
	DWCP_DEGRADE_IN_HEALTH,
	DWCP_DEGRADE_IN_ERROR_RATE,
	DWCP_DEGRADE_IN_LATENCY,
	DWCP_DEGRADE_IN_EXTERNAL,

	__DWCP_DEGRADE_IN_MAX
};

#define DWCP_DEGRADE_DEF_MIN_DWELL_NS	(30ULL * NSEC_PER_SEC)
#define DWCP_DEGRADE_DEF_UP_DWELL_NS	0ULL
#define DWCP_DEGRADE_DEF_HYST_PERMILLE	800
#define DWCP_DEGRADE_DEF_LIMIT_PERMILLE	750

struct dwcp_degrade_config {
	u64 up_dwell_ns;	/* target above level this long -> go up */
	u64 min_dwell_ns;	/* target below level this long -> one down */
	u32 hyst_permille;	/* down margin of ratio signals, 1..1000 */
	u32 limit_permille;	/* limit scale when degraded, 1..1000 */
};

struct dwcp_degrade {
	struct dwcp_degrade_config cfg;
	u8 input[__DWCP_DEGRADE_IN_MAX];	/* enum dwcp_res_level */
	u8 level;				/* current level */
	bool manual;				/* override active */
	bool above;				/* target above level ... */
	bool below;				/* ... or below it, since: */
	u64 above_since;
	u64 below_since;
	u64 hold_until;				/* 0 = until auto */
	u64 last_change;
	u64 last_account;
	u64 changes;
	u64 time_in[__DWCP_RES_LEVEL_MAX];
};

struct dwcp_degrade_effects {
	bool admit;		/* the call may proceed */
	u16 limit_permille;	/* scale rate and bulkhead limits */
	u16 retry_permille;	/* scale the retry count */
};

void dwcp_degrade_config_default(struct dwcp_degrade_config *cfg);
int dwcp_degrade_config_check(const struct dwcp_degrade_config *cfg,
			      const char **why);
void dwcp_degrade_init(struct dwcp_degrade *d,
		       const struct dwcp_degrade_config *cfg, u64 now);
void dwcp_degrade_reconfigure(struct dwcp_degrade *d,
			      const struct dwcp_degrade_config *cfg, u64 now);

void dwcp_degrade_set_input(struct dwcp_degrade *d, u32 input, u32 level);
u32 dwcp_degrade_ratio_level(u64 value, u64 threshold, u32 prev,
			     u32 hyst_permille);
void dwcp_degrade_feed_ratio(struct dwcp_degrade *d, u32 input, u64 value,
			     u64 threshold);
u32 dwcp_degrade_level_from_alerts(u32 alerts);
u32 dwcp_degrade_target(const struct dwcp_degrade *d);
u32 dwcp_degrade_tick(struct dwcp_degrade *d, u64 now);

void dwcp_degrade_set(struct dwcp_degrade *d, u32 level, u64 hold_ns,
		      u64 now);
void dwcp_degrade_auto(struct dwcp_degrade *d, u64 now);

static inline u32 dwcp_degrade_level(const struct dwcp_degrade *d)
{
	return d->level;
}

u64 dwcp_degrade_time_in(const struct dwcp_degrade *d, u32 level, u64 now);

void dwcp_degrade_effects(u32 level, u32 prio, u32 limit_permille,
			  struct dwcp_degrade_effects *eff);

#endif /* _DWCP_CORE_DEGRADE_H */
