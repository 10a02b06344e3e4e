// SPDX-License-Identifier: GPL-2.0
/*
 * Degradation level with hysteresis and dwell times; see degrade.h.
 */
#include "degrade.h"

/* Where each level starts, in permille of the signal's threshold. */
static const u32 dwcp_degrade_entry_permille[__DWCP_RES_LEVEL_MAX] = {
	[DWCP_RES_LEVEL_NORMAL]			= 0,
	[DWCP_RES_LEVEL_DEGRADED]		= 1000,
	[DWCP_RES_LEVEL_SEVERELY_DEGRADED]	= 1500,
	[DWCP_RES_LEVEL_EMERGENCY]		= 2000,
};

void dwcp_degrade_config_default(struct dwcp_degrade_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->up_dwell_ns = DWCP_DEGRADE_DEF_UP_DWELL_NS;
	cfg->min_dwell_ns = DWCP_DEGRADE_DEF_MIN_DWELL_NS;
	cfg->hyst_permille = DWCP_DEGRADE_DEF_HYST_PERMILLE;
	cfg->limit_permille = DWCP_DEGRADE_DEF_LIMIT_PERMILLE;
}

int dwcp_degrade_config_check(const struct dwcp_degrade_config *cfg,
			      const char **why)
{
	if (cfg->hyst_permille == 0 || cfg->hyst_permille > 1000) {
		*why = "hysteresis margin must be between 1 and 1000 permille";
		return -ERANGE;
	}
	if (cfg->limit_permille == 0 || cfg->limit_permille > 1000) {
		*why = "degraded limit scale must be between 1 and 1000 permille";
		return -ERANGE;
	}
	return 0;
}

void dwcp_degrade_init(struct dwcp_degrade *d,
		       const struct dwcp_degrade_config *cfg, u64 now)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	d->level = DWCP_RES_LEVEL_NORMAL;
	d->last_change = now;
	d->last_account = now;
}

/* Configuration applies from the next tick; level, timers, stats are kept. */
void dwcp_degrade_reconfigure(struct dwcp_degrade *d,
			      const struct dwcp_degrade_config *cfg, u64 now)
{
	(void)now;
	d->cfg = *cfg;
}

static u32 dwcp_degrade_clamp_level(u32 level)
{
	return min_t(u32, level, DWCP_RES_LEVEL_EMERGENCY);
}

void dwcp_degrade_set_input(struct dwcp_degrade *d, u32 input, u32 level)
{
	if (input < __DWCP_DEGRADE_IN_MAX)
		d->input[input] = dwcp_degrade_clamp_level(level);
}

/*
 * v * nv > t * nt without overflow: nv, nt <= 2 * 10^6, so halve both sides
 * (keeping their ratio) until v and t are below U64_MAX / 2 * 10^6.
 */
static bool dwcp_degrade_gt(u64 v, u64 t, u32 nv, u32 nt)
{
	const u64 lim = div_u64(U64_MAX, 2000000);

	while (v > lim || t > lim) {
		v >>= 1;
		t >>= 1;
	}
	return v * nv > t * nt;
}

/*
 * The level a ratio signal reads, given the level it read before: the ratio
 * mapping on the way up, the hysteresis margin on the way down (degrade.h).
 * A zero threshold disables the signal (normal).
 */
u32 dwcp_degrade_ratio_level(u64 value, u64 threshold, u32 prev,
			     u32 hyst_permille)
{
	u32 raw = DWCP_RES_LEVEL_NORMAL, l;

	if (!threshold)
		return DWCP_RES_LEVEL_NORMAL;
	for (l = DWCP_RES_LEVEL_EMERGENCY; l > DWCP_RES_LEVEL_NORMAL; l--) {
		if (dwcp_degrade_gt(value, threshold, 1000,
				    dwcp_degrade_entry_permille[l])) {
			raw = l;
			break;
		}
	}
	prev = dwcp_degrade_clamp_level(prev);
	hyst_permille = min_t(u32, hyst_permille, 1000);
	for (l = prev; l > raw; l--) {
		if (dwcp_degrade_gt(value, threshold, 1000000,
				    dwcp_degrade_entry_permille[l] *
				    hyst_permille))
			return l;
	}
	return raw;
}

void dwcp_degrade_feed_ratio(struct dwcp_degrade *d, u32 input, u64 value,
			     u64 threshold)
{
	if (input >= __DWCP_DEGRADE_IN_MAX)
		return;
	d->input[input] = dwcp_degrade_ratio_level(value, threshold,
						   d->input[input],
						   d->cfg.hyst_permille);
}

/*
 * Error-budget alerts to a level: a fast-burn page sheds (severely
 * degraded); a slow-burn page, a ticket or an exhausted budget degrade (a
 * budget may be exhausted by a slow burn: that alone is no emergency).
 */
u32 dwcp_degrade_level_from_alerts(u32 alerts)
{
	if (alerts & DWCP_RES_ALERT_PAGE_FAST)
		return DWCP_RES_LEVEL_SEVERELY_DEGRADED;
	if (alerts & (DWCP_RES_ALERT_PAGE_SLOW | DWCP_RES_ALERT_TICKET |
		      DWCP_RES_ALERT_EXHAUSTED))
		return DWCP_RES_LEVEL_DEGRADED;
	return DWCP_RES_LEVEL_NORMAL;
}

u32 dwcp_degrade_target(const struct dwcp_degrade *d)
{
	u32 t = DWCP_RES_LEVEL_NORMAL;
	int i;

	for (i = 0; i < __DWCP_DEGRADE_IN_MAX; i++)
		t = max_t(u32, t, d->input[i]);
	return t;
}

static void dwcp_degrade_account(struct dwcp_degrade *d, u64 now)
{
	if (now > d->last_account) {
		d->time_in[d->level] += now - d->last_account;
		d->last_account = now;
	}
}

static void dwcp_degrade_change(struct dwcp_degrade *d, u32 level, u64 now)
{
	if (level == d->level)
		return;
	d->level = level;
	d->changes++;
	d->last_change = now;
}

static u64 dwcp_degrade_since(u64 now, u64 since)
{
	return now > since ? now - since : 0;
}

/* Re-evaluate at `now`; returns the (possibly new) level. */
u32 dwcp_degrade_tick(struct dwcp_degrade *d, u64 now)
{
	u32 target;

	dwcp_degrade_account(d, now);
	if (d->manual) {
		if (!d->hold_until || now < d->hold_until)
			return d->level;
		/* The hold expired: resume automatic control from here. */
		d->manual = false;
		d->above = false;
		d->below = false;
	}

	target = dwcp_degrade_target(d);
	if (target > d->level) {
		d->below = false;
		if (!d->above) {
			d->above = true;
			d->above_since = now;
		}
		if (dwcp_degrade_since(now, d->above_since) >=
		    d->cfg.up_dwell_ns) {
			dwcp_degrade_change(d, target, now);
			d->above = false;
		}
	} else if (target < d->level) {
		d->above = false;
		if (!d->below) {
			d->below = true;
			d->below_since = now;
		}
		if (dwcp_degrade_since(now, d->below_since) >=
		    d->cfg.min_dwell_ns) {
			dwcp_degrade_change(d, d->level - 1, now);
			/* The next step down needs a fresh dwell. */
			d->below_since = now;
		}
	} else {
		d->above = false;
		d->below = false;
	}
	return d->level;
}

/* Manual override: hold `level` until now + hold_ns (0 = until auto). */
void dwcp_degrade_set(struct dwcp_degrade *d, u32 level, u64 hold_ns,
		      u64 now)
{
	u64 until;

	dwcp_degrade_account(d, now);
	if (!hold_ns)
		until = 0;
	else if (check_add_overflow(now, hold_ns, &until))
		until = U64_MAX;
	d->manual = true;
	d->hold_until = until;
	d->above = false;
	d->below = false;
	dwcp_degrade_change(d, dwcp_degrade_clamp_level(level), now);
}

void dwcp_degrade_auto(struct dwcp_degrade *d, u64 now)
{
	dwcp_degrade_account(d, now);
	d->manual = false;
	d->hold_until = 0;
	d->above = false;
	d->below = false;
}

u64 dwcp_degrade_time_in(const struct dwcp_degrade *d, u32 level, u64 now)
{
	u64 t;

	if (level >= __DWCP_RES_LEVEL_MAX)
		return 0;
	t = d->time_in[level];
	if (level == d->level && now > d->last_account)
		t += now - d->last_account;
	return t;
}

/*
 * What `level` does to a call of priority `prio`. An unknown level acts as
 * emergency and an unknown priority as LOW (fail closed); a limit scale
 * outside 1..1000 permille means the default 750.
 */
void dwcp_degrade_effects(u32 level, u32 prio, u32 limit_permille,
			  struct dwcp_degrade_effects *eff)
{
	if (!limit_permille || limit_permille > 1000)
		limit_permille = DWCP_DEGRADE_DEF_LIMIT_PERMILLE;
	if (prio >= __DWCP_RES_PRIO_MAX)
		prio = DWCP_RES_PRIO_LOW;

	switch (level) {
	case DWCP_RES_LEVEL_NORMAL:
		eff->admit = true;
		eff->limit_permille = 1000;
		eff->retry_permille = 1000;
		break;
	case DWCP_RES_LEVEL_DEGRADED:
		eff->admit = true;
		eff->limit_permille = limit_permille;
		eff->retry_permille = 500;
		break;
	case DWCP_RES_LEVEL_SEVERELY_DEGRADED:
		eff->admit = prio >= DWCP_RES_PRIO_HIGH;
		eff->limit_permille = limit_permille;
		eff->retry_permille = 0;
		break;
	default:
		eff->admit = prio == DWCP_RES_PRIO_CRITICAL;
		eff->limit_permille = limit_permille;
		eff->retry_permille = 0;
		break;
	}
}
