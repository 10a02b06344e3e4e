// SPDX-License-Identifier: GPL-2.0
/*
 * Error budget over a rolling ring of buckets; see budget.h.
 */
#include "budget.h"

const u32 dwcp_budget_burn_threshold_x1000[DWCP_BUDGET_NR_ALERTS] = {
	14400, 6000, 1000,
};

/* Long windows of the SRE pairs, in 1/720 of the period (1 h of 30 d). */
static const u32 dwcp_budget_long_720ths[DWCP_BUDGET_NR_ALERTS] = {
	1, 6, 72,
};

void dwcp_budget_config_default(struct dwcp_budget_config *cfg, u32 slo_ppm)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->slo_ppm = slo_ppm;
	cfg->nbuckets = DWCP_BUDGET_DEF_BUCKETS;
	cfg->window_ns = DWCP_BUDGET_DEF_WINDOW_NS;
	cfg->min_events = DWCP_BUDGET_DEF_MIN_EVENTS;
}

int dwcp_budget_config_check(const struct dwcp_budget_config *cfg,
			     const char **why)
{
	u64 bucket_ns;

	if (cfg->slo_ppm == 0 || cfg->slo_ppm >= DWCP_BUDGET_PPM) {
		*why = "SLO must be between 1 and 999999 ppm";
		return -ERANGE;
	}
	if (cfg->nbuckets == 0 || cfg->nbuckets > DWCP_BUDGET_MAX_BUCKETS) {
		*why = "bucket count must be between 1 and 256";
		return -ERANGE;
	}
	bucket_ns = div_u64(cfg->window_ns, cfg->nbuckets);
	if (bucket_ns < DWCP_BUDGET_MIN_BUCKET_NS) {
		*why = "window too short: buckets must be at least 1 ms";
		return -ERANGE;
	}
	if (bucket_ns * cfg->nbuckets != cfg->window_ns) {
		*why = "window must be a whole multiple of the bucket count";
		return -EINVAL;
	}
	return 0;
}

/* round(n * num / den), half up, clamped to [1, n]. */
static u16 dwcp_budget_scale_k(u32 n, u32 num, u32 den)
{
	u32 k = (n * num + den / 2) / den;

	return clamp_t(u32, k, 1, n);
}

/*
 * Derive the bucket width and alert windows. The config was checked by
 * dwcp_budget_config_check(); the clamps only keep an unchecked config from
 * dividing by zero in the data path.
 */
static void dwcp_budget_set_geometry(struct dwcp_budget *b)
{
	u32 n;
	int i;

	b->cfg.slo_ppm = min_t(u32, b->cfg.slo_ppm, DWCP_BUDGET_PPM - 1);
	b->cfg.nbuckets = clamp_t(u32, b->cfg.nbuckets, 1,
				  DWCP_BUDGET_MAX_BUCKETS);
	n = b->cfg.nbuckets;
	b->bucket_ns = max_t(u64, div_u64(b->cfg.window_ns, n), 1);
	for (i = 0; i < DWCP_BUDGET_NR_ALERTS; i++) {
		b->long_k[i] = dwcp_budget_scale_k(n, dwcp_budget_long_720ths[i],
						   720);
		b->short_k[i] = dwcp_budget_scale_k(n, dwcp_budget_long_720ths[i],
						    720 * 12);
	}
}

/* Recompute the cached end of the head bucket from head_epoch and bucket_ns. */
static void dwcp_budget_set_edge(struct dwcp_budget *b)
{
	u64 next;

	if (check_add_overflow(b->head_epoch, (u64)1, &next) ||
	    check_mul_overflow(next, b->bucket_ns, &b->next_edge_ns))
		b->next_edge_ns = U64_MAX;
}

void dwcp_budget_init(struct dwcp_budget *b,
		      const struct dwcp_budget_config *cfg, u64 now)
{
	memset(b, 0, sizeof(*b));
	b->cfg = *cfg;
	dwcp_budget_set_geometry(b);
	b->head_epoch = div64_u64(now, b->bucket_ns);
	dwcp_budget_set_edge(b);
}

/* Ring index of the bucket i steps before the head. */
static u32 dwcp_budget_idx(const struct dwcp_budget *b, u32 i)
{
	u32 n = b->cfg.nbuckets;

	return b->head >= i ? b->head - i : b->head + n - i;
}

/*
 * The slow path of dwcp_budget_advance(): @now is at or past the cached end
 * of the head bucket (or that end saturated at U64_MAX), so divide.
 */
void dwcp_budget_advance_slow(struct dwcp_budget *b, u64 now)
{
	u64 e = div64_u64(now, b->bucket_ns);
	u64 steps;
	u32 n = b->cfg.nbuckets;

	if (e <= b->head_epoch)
		return;
	steps = e - b->head_epoch;
	b->head_epoch = e;
	dwcp_budget_set_edge(b);
	if (steps >= n) {
		memset(b->ring, 0, sizeof(b->ring));
		b->head = 0;
		b->win_total = 0;
		b->win_bad = 0;
		return;
	}
	while (steps--) {
		struct dwcp_budget_bucket *bk;

		b->head = b->head + 1 == n ? 0 : b->head + 1;
		bk = &b->ring[b->head];
		b->win_total -= bk->total;
		b->win_bad -= bk->bad;
		bk->total = 0;
		bk->bad = 0;
	}
}

/* Add to one bucket, saturating; keep the window sums equal to the ring. */
static void dwcp_budget_bucket_add(struct dwcp_budget *b,
				   struct dwcp_budget_bucket *bk,
				   u32 total, u32 bad)
{
	u32 t = bk->total, f = bk->bad;

	if (check_add_overflow(t, total, &t))
		t = U32_MAX;
	if (check_add_overflow(f, bad, &f))
		f = U32_MAX;
	f = min(f, t);
	b->win_total += t - bk->total;
	b->win_bad += f - bk->bad;
	bk->total = t;
	bk->bad = f;
}

void dwcp_budget_add(struct dwcp_budget *b, u64 now, u32 total, u32 bad)
{
	struct dwcp_budget_bucket *bk;

	bad = min(bad, total);
	dwcp_budget_advance(b, now);
	bk = &b->ring[b->head];
	if (likely(bk->total <= U32_MAX - total)) {
		/* No saturation: bad <= total and bk->bad <= bk->total. */
		bk->total += total;
		bk->bad += bad;
		b->win_total += total;
		b->win_bad += bad;
	} else {
		dwcp_budget_bucket_add(b, bk, total, bad);
	}
	b->life_total += total;
	b->life_bad += bad;
}

/*
 * Success and slow calls are good events (an availability SLO; latency has
 * its own budget), failures are bad, ignored and cancelled calls are not
 * events at all. Returns whether the result was counted.
 */
bool dwcp_budget_record_result(struct dwcp_budget *b, u64 now, u32 result)
{
	switch (result) {
	case DWCP_RES_RESULT_SUCCESS:
	case DWCP_RES_RESULT_SLOW:
		dwcp_budget_add(b, now, 1, 0);
		return true;
	case DWCP_RES_RESULT_FAILURE:
		dwcp_budget_add(b, now, 1, 1);
		return true;
	default:
		return false;
	}
}

void dwcp_budget_window(struct dwcp_budget *b, u64 now, u32 k,
			u64 *total, u64 *bad)
{
	u64 t = 0, f = 0;
	u32 i;

	dwcp_budget_advance(b, now);
	if (k >= b->cfg.nbuckets) {
		*total = b->win_total;
		*bad = b->win_bad;
		return;
	}
	for (i = 0; i < k; i++) {
		const struct dwcp_budget_bucket *bk =
			&b->ring[dwcp_budget_idx(b, i)];

		t += bk->total;
		f += bk->bad;
	}
	*total = t;
	*bad = f;
}

/*
 * (bad / total) / (1 - slo) x1000. total <= 256 * U32_MAX < 2^40 and the
 * budget is < 2^20 ppm, so the divisor fits in 64 bits; bad <= total keeps
 * the quotient <= 10^9.
 */
static u32 dwcp_budget_burn(u64 total, u64 bad, u32 slo_ppm)
{
	if (!total)
		return 0;
	return (u32)mul_u64_u64_div_u64(bad, 1000ULL * DWCP_BUDGET_PPM,
					total * (DWCP_BUDGET_PPM - slo_ppm));
}

static u32 dwcp_budget_remaining(u64 total, u64 bad, u32 slo_ppm)
{
	u64 used;

	if (!total)
		return DWCP_BUDGET_PPM;
	used = mul_u64_u64_div_u64(bad, (u64)DWCP_BUDGET_PPM * DWCP_BUDGET_PPM,
				   total * (DWCP_BUDGET_PPM - slo_ppm));
	return used >= DWCP_BUDGET_PPM ? 0 : DWCP_BUDGET_PPM - (u32)used;
}

u32 dwcp_budget_burn_x1000(struct dwcp_budget *b, u64 now, u32 k)
{
	u64 t, f;

	dwcp_budget_window(b, now, k, &t, &f);
	return dwcp_budget_burn(t, f, b->cfg.slo_ppm);
}

u32 dwcp_budget_remaining_ppm(struct dwcp_budget *b, u64 now)
{
	dwcp_budget_advance(b, now);
	return dwcp_budget_remaining(b->win_total, b->win_bad, b->cfg.slo_ppm);
}

u32 dwcp_budget_success_ppm(struct dwcp_budget *b, u64 now)
{
	dwcp_budget_advance(b, now);
	if (!b->win_total)
		return DWCP_BUDGET_PPM;
	return (u32)div64_u64((b->win_total - b->win_bad) * DWCP_BUDGET_PPM,
			      b->win_total);
}

bool dwcp_budget_exhausted(struct dwcp_budget *b, u64 now)
{
	dwcp_budget_advance(b, now);
	return b->win_total && b->win_total >= b->cfg.min_events &&
	       !dwcp_budget_remaining(b->win_total, b->win_bad,
				      b->cfg.slo_ppm);
}

/*
 * Evaluate everything at `now`; fills *st if non-NULL, remembers and returns
 * the alert bits (the caller compares with the previous b->alerts to emit
 * transition events).
 */
u32 dwcp_budget_eval(struct dwcp_budget *b, u64 now,
		     struct dwcp_budget_status *st)
{
	struct dwcp_budget_status s;
	u32 slo = b->cfg.slo_ppm;
	int i;

	memset(&s, 0, sizeof(s));
	dwcp_budget_advance(b, now);
	s.total = b->win_total;
	s.bad = b->win_bad;
	s.success_ppm = dwcp_budget_success_ppm(b, now);
	s.remaining_ppm = dwcp_budget_remaining(s.total, s.bad, slo);
	s.exhausted = dwcp_budget_exhausted(b, now);
	for (i = 0; i < DWCP_BUDGET_NR_ALERTS; i++) {
		u32 thr = dwcp_budget_burn_threshold_x1000[i];
		u64 lt, lb, st_, sb;

		dwcp_budget_window(b, now, b->long_k[i], &lt, &lb);
		dwcp_budget_window(b, now, b->short_k[i], &st_, &sb);
		s.burn_long_x1000[i] = dwcp_budget_burn(lt, lb, slo);
		s.burn_short_x1000[i] = dwcp_budget_burn(st_, sb, slo);
		if (lt && lt >= b->cfg.min_events &&
		    s.burn_long_x1000[i] >= thr && s.burn_short_x1000[i] >= thr)
			s.alerts |= 1U << i;
	}
	if (s.exhausted)
		s.alerts |= DWCP_RES_ALERT_EXHAUSTED;
	b->alerts = s.alerts;
	if (st)
		*st = s;
	return s.alerts;
}

void dwcp_budget_alert_k(const struct dwcp_budget *b, u32 pair,
			 u32 *long_k, u32 *short_k)
{
	if (pair >= DWCP_BUDGET_NR_ALERTS) {
		*long_k = 0;
		*short_k = 0;
		return;
	}
	*long_k = b->long_k[pair];
	*short_k = b->short_k[pair];
}

static void dwcp_budget_reverse(struct dwcp_budget_bucket *r, u32 lo, u32 hi)
{
	while (lo + 1 < hi) {
		struct dwcp_budget_bucket tmp = r[lo];

		r[lo++] = r[--hi];
		r[hi] = tmp;
	}
}

/*
 * Runtime reconfiguration keeps the window. SLO and min_events apply at
 * once. If the bucket width is unchanged but the bucket count changes, the
 * newest min(old, new) buckets are kept in place (a shorter window drops the
 * oldest ones). If the bucket width changes, bucket boundaries cannot be
 * mapped, so the whole window's counts are folded into the current bucket:
 * nothing is lost, and the history ages out one new window later than it
 * would have (an incident stays visible a little longer, never shorter).
 * Lifetime counters are always kept.
 */
void dwcp_budget_reconfigure(struct dwcp_budget *b,
			     const struct dwcp_budget_config *cfg, u64 now)
{
	u32 on = b->cfg.nbuckets, nn;
	u64 old_bucket_ns = b->bucket_ns;
	u64 t, f;
	u32 s;

	dwcp_budget_advance(b, now);
	b->cfg = *cfg;
	dwcp_budget_set_geometry(b);
	nn = b->cfg.nbuckets;
	dwcp_budget_set_edge(b);
	if (b->bucket_ns == old_bucket_ns && on == nn)
		return;

	if (b->bucket_ns == old_bucket_ns) {
		/* Linearise: oldest at 0, head at on - 1. */
		s = b->head + 1 == on ? 0 : b->head + 1;
		dwcp_budget_reverse(b->ring, 0, s);
		dwcp_budget_reverse(b->ring, s, on);
		dwcp_budget_reverse(b->ring, 0, on);
		if (nn < on) {
			u32 drop = on - nn, i;

			for (i = 0; i < drop; i++) {
				b->win_total -= b->ring[i].total;
				b->win_bad -= b->ring[i].bad;
			}
			memmove(b->ring, b->ring + drop, nn * sizeof(b->ring[0]));
			memset(b->ring + nn, 0,
			       (DWCP_BUDGET_MAX_BUCKETS - nn) * sizeof(b->ring[0]));
			b->head = nn - 1;
		} else {
			b->head = on - 1;
		}
		return;
	}

	t = b->win_total;
	f = b->win_bad;
	memset(b->ring, 0, sizeof(b->ring));
	b->win_total = 0;
	b->win_bad = 0;
	b->head = 0;
	b->head_epoch = div64_u64(now, b->bucket_ns);
	dwcp_budget_set_edge(b);
	dwcp_budget_bucket_add(b, &b->ring[0], (u32)min_t(u64, t, U32_MAX),
			       (u32)min_t(u64, f, U32_MAX));
}

/*
 * Add src's window into dst's (same bucket width and count, else -EINVAL),
 * bucket by bucket, aligned on absolute time. Lifetime counters add too.
 */
int dwcp_budget_merge(struct dwcp_budget *dst, struct dwcp_budget *src,
		      u64 now)
{
	u32 n = dst->cfg.nbuckets, i;
	u64 e;

	if (dst->bucket_ns != src->bucket_ns || n != src->cfg.nbuckets)
		return -EINVAL;
	e = max(div64_u64(now, dst->bucket_ns),
		max(dst->head_epoch, src->head_epoch));
	dwcp_budget_advance(dst, e * dst->bucket_ns);
	dwcp_budget_advance(src, e * src->bucket_ns);
	for (i = 0; i < n; i++) {
		const struct dwcp_budget_bucket *sb =
			&src->ring[dwcp_budget_idx(src, i)];

		dwcp_budget_bucket_add(dst, &dst->ring[dwcp_budget_idx(dst, i)],
				       sb->total, sb->bad);
	}
	dst->life_total += src->life_total;
	dst->life_bad += src->life_bad;
	return 0;
}
