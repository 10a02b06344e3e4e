// SPDX-License-Identifier: GPL-2.0
/*
 * Chaos dice modelled on lib/fault-inject.c; see chaos.h.
 */
#include "chaos.h"

/*
 * DWCP profile (Documentation/admin-guide.rst): latency 50-200 ms, errors
 * 10 %, timeouts 5 s. The other kinds get a 1 % rate and a modest value.
 */
void dwcp_chaos_config_default(struct dwcp_chaos_config *cfg, u32 kind)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->kind = kind;
	cfg->probability_ppm = DWCP_CHAOS_PPM / 100;
	cfg->interval = 1;
	cfg->times = -1;
	switch (kind) {
	case DWCP_RES_FAULT_LATENCY:
		cfg->value_min = 50ULL * NSEC_PER_MSEC;
		cfg->value_max = 200ULL * NSEC_PER_MSEC;
		break;
	case DWCP_RES_FAULT_ERROR:
		cfg->probability_ppm = DWCP_CHAOS_PPM / 10;
		cfg->value_min = EIO;
		cfg->value_max = EIO;
		break;
	case DWCP_RES_FAULT_TIMEOUT:
		cfg->value_min = 5ULL * NSEC_PER_SEC;
		cfg->value_max = 5ULL * NSEC_PER_SEC;
		break;
	case DWCP_RES_FAULT_PARTITION:
		/* One partition of 1 s, from the next matching call. */
		cfg->probability_ppm = DWCP_CHAOS_PPM;
		cfg->times = 1;
		cfg->value_min = 1ULL * NSEC_PER_SEC;
		cfg->value_max = 1ULL * NSEC_PER_SEC;
		break;
	case DWCP_RES_FAULT_CPU_SPIKE:
		cfg->value_min = 10ULL * NSEC_PER_MSEC;
		cfg->value_max = 10ULL * NSEC_PER_MSEC;
		break;
	default:
		/* Memory pressure: held while armed and chaos is enabled. */
		cfg->probability_ppm = DWCP_CHAOS_PPM;
		cfg->value_min = 1ULL << 20;
		cfg->value_max = 1ULL << 20;
		break;
	}
}

static const u16 dwcp_chaos_errnos[] = DWCP_RES_FAULT_ERRNOS;

/* Is every value of [@min, @max] an errno of DWCP_RES_FAULT_ERRNOS? */
static bool dwcp_chaos_errnos_ok(u64 min, u64 max)
{
	u64 v;
	size_t i;

	if (max - min > 256)
		return false;	/* the list has no run that long */
	for (v = min; v <= max; v++) {
		for (i = 0; i < ARRAY_SIZE(dwcp_chaos_errnos); i++)
			if (dwcp_chaos_errnos[i] == v)
				break;
		if (i == ARRAY_SIZE(dwcp_chaos_errnos))
			return false;
	}
	return true;
}

int dwcp_chaos_config_check(const struct dwcp_chaos_config *cfg,
			    const char **why)
{
	if (cfg->kind >= __DWCP_RES_FAULT_MAX) {
		*why = "unknown fault kind";
		return -EINVAL;
	}
	if (cfg->probability_ppm > DWCP_CHAOS_PPM) {
		*why = "probability must be between 0 and 1000000 ppm";
		return -ERANGE;
	}
	if (cfg->times < -1) {
		*why = "times must be -1 (unlimited) or a count of injections";
		return -ERANGE;
	}
	if (cfg->value_min > cfg->value_max) {
		*why = "value range is empty: min is above max";
		return -EINVAL;
	}
	if (cfg->kind == DWCP_RES_FAULT_ERROR &&
	    !dwcp_chaos_errnos_ok(cfg->value_min, cfg->value_max)) {
		*why = "error faults take an errno a socket call returns: "
		       DWCP_RES_FAULT_ERRNO_NAMES;
		return -ERANGE;
	}
	if ((cfg->kind == DWCP_RES_FAULT_LATENCY || cfg->kind == DWCP_RES_FAULT_TIMEOUT ||
	     cfg->kind == DWCP_RES_FAULT_PARTITION) &&
	    cfg->value_max > DWCP_RES_FAULT_DURATION_MAX_NS) {
		*why = "latencies, timeouts and partitions last at most 1 h";
		return -ERANGE;
	}
	if (cfg->kind == DWCP_RES_FAULT_CPU_SPIKE &&
	    cfg->value_max > DWCP_RES_CPU_SPIKE_MAX_NS) {
		*why = "a CPU spike lasts at most 100 ms (DWCP_RES_CPU_SPIKE_MAX_NS)";
		return -ERANGE;
	}
	if (cfg->peer.family && cfg->peer.family != 4 && cfg->peer.family != 6) {
		*why = "peer family must be IPv4 or IPv6";
		return -EINVAL;
	}
	if (cfg->peer.family && cfg->peer.prefix > (cfg->peer.family == 6 ? 128 : 32)) {
		*why = "peer prefix is longer than the address (32 or 128 bits)";
		return -ERANGE;
	}
	return 0;
}

void dwcp_chaos_seed(struct dwcp_chaos *c, u64 seed)
{
	c->rng = seed;
}

/* splitmix64 */
u64 dwcp_chaos_next(struct dwcp_chaos *c)
{
	u64 z;

	c->rng += 0x9e3779b97f4a7c15ULL;
	z = c->rng;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* High 64 bits of a * b, portable (no 128-bit type on 32-bit kernels). */
static u64 dwcp_chaos_mulhi(u64 a, u64 b)
{
	u64 al = (u32)a, ah = a >> 32, bl = (u32)b, bh = b >> 32;
	u64 ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	u64 mid = (ll >> 32) + (u32)lh + (u32)hl;

	return hh + (lh >> 32) + (hl >> 32) + (mid >> 32);
}

/*
 * Uniform in [0, span) by multiply-shift (Lemire); the bias is at most
 * span / 2^64. span 0 means the full 64-bit range.
 */
u64 dwcp_chaos_below(struct dwcp_chaos *c, u64 span)
{
	u64 r = dwcp_chaos_next(c);

	return span ? dwcp_chaos_mulhi(r, span) : r;
}

void dwcp_chaos_init(struct dwcp_chaos *c,
		     const struct dwcp_chaos_config *cfg)
{
	memset(c, 0, sizeof(*c));
	c->cfg = *cfg;
	c->times = cfg->times;
	dwcp_chaos_seed(c, cfg->seed);
}

/*
 * Keeps enabled, counters and the interval position. A new times value
 * restarts the injection allowance; a new seed restarts the PRNG.
 */
void dwcp_chaos_reconfigure(struct dwcp_chaos *c,
			    const struct dwcp_chaos_config *cfg)
{
	if (cfg->seed != c->cfg.seed)
		dwcp_chaos_seed(c, cfg->seed);
	c->times = cfg->times;
	c->cfg = *cfg;
}

/*
 * One eligible call: true if it gets the fault, with the fault's value in
 * *value (if non-NULL; the value is drawn either way, so the PRNG sequence
 * does not depend on the caller).
 */
bool dwcp_chaos_should_fail(struct dwcp_chaos *c, u64 *value)
{
	u64 span, v;
	u32 r;

	c->checks++;
	if (!c->enabled || !c->cfg.probability_ppm || !c->times)
		return false;
	if (c->cfg.interval > 1) {
		c->count++;
		if (div_u64(c->count, c->cfg.interval) * c->cfg.interval !=
		    c->count)
			return false;
	}
	r = (u32)(dwcp_chaos_next(c) >> 32);
	if ((((u64)r * DWCP_CHAOS_PPM) >> 32) >= c->cfg.probability_ppm)
		return false;

	if (c->times > 0)
		c->times--;
	c->injections++;
	span = c->cfg.value_max - c->cfg.value_min + 1;
	v = c->cfg.value_min + dwcp_chaos_below(c, span);
	if (value)
		*value = v;
	return true;
}
