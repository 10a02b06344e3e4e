// SPDX-License-Identifier: GPL-2.0
/*
 * Circuit breaker state machine; see breaker.h for the design.
 */
#include "breaker.h"

static u64 elapsed(u64 now, u64 since)
{
	return now > since ? now - since : 0;
}

static bool is_window_mode(const struct dwcp_breaker_config *cfg)
{
	return cfg->mode != DWCP_RES_BREAKER_MODE_CONSECUTIVE;
}

void dwcp_breaker_config_default(struct dwcp_breaker_config *cfg, u32 max_failures,
				 u64 open_duration_ns)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->mode = DWCP_RES_BREAKER_MODE_CONSECUTIVE;
	cfg->max_failures = max_failures;
	cfg->half_open_permits = DWCP_BREAKER_DEF_PERMITS;
	cfg->open_duration_ns = open_duration_ns;
	/* Probes are bounded by the op timeout (30 s / 10 s), well inside this. */
	cfg->max_wait_half_open_ns = open_duration_ns;
	/* Sensible window settings, used only if the mode is switched. */
	cfg->window_size = 20;
	cfg->minimum_calls = 10;
	cfg->failure_rate_ppm = DWCP_BREAKER_PPM / 2;
	cfg->bucket_width_ns = NSEC_PER_SEC;
}

int dwcp_breaker_config_check(const struct dwcp_breaker_config *cfg, const char **why)
{
	const char *msg = NULL;
	int err = -EINVAL;

	if (cfg->mode >= __DWCP_RES_BREAKER_MODE_MAX) {
		msg = "unknown breaker mode";
	} else if (cfg->flags & ~DWCP_BREAKER_F_ALL) {
		msg = "unknown breaker flags";
	} else if ((cfg->flags & DWCP_BREAKER_F_SLOW_IS_FAILURE) && is_window_mode(cfg)) {
		msg = "slow-is-failure applies to consecutive mode only";
	} else if (!cfg->open_duration_ns) {
		msg = "open duration must be > 0";
	} else if (!cfg->half_open_permits) {
		msg = "half-open permits must be >= 1";
	} else if (cfg->half_open_permits > DWCP_BREAKER_PERMITS_MAX) {
		msg = "too many half-open permits";
		err = -ERANGE;
	} else if (cfg->mode == DWCP_RES_BREAKER_MODE_CONSECUTIVE) {
		if (!cfg->max_failures)
			msg = "max failures must be >= 1";
	} else if (!cfg->window_size) {
		msg = "window size must be >= 1";
	} else if (!cfg->minimum_calls) {
		msg = "minimum calls must be >= 1";
	} else if (!cfg->failure_rate_ppm) {
		msg = "failure rate threshold must be > 0";
	} else if (cfg->failure_rate_ppm > DWCP_BREAKER_PPM ||
		   cfg->slow_rate_ppm > DWCP_BREAKER_PPM) {
		msg = "rate threshold above 1000000 ppm";
		err = -ERANGE;
	} else if (cfg->mode == DWCP_RES_BREAKER_MODE_COUNT_WINDOW) {
		err = -ERANGE;
		if (cfg->window_size > DWCP_BREAKER_COUNT_WINDOW_MAX)
			msg = "count window larger than 64 calls";
		else if (cfg->minimum_calls > cfg->window_size)
			msg = "minimum calls larger than the count window";
	} else {
		err = -ERANGE;
		if (cfg->window_size > DWCP_BREAKER_TIME_BUCKETS_MAX)
			msg = "time window has more than 32 buckets";
		else if (cfg->bucket_width_ns < DWCP_BREAKER_BUCKET_MIN_NS ||
			 cfg->bucket_width_ns > DWCP_BREAKER_BUCKET_MAX_NS)
			msg = "bucket width outside 1 ms .. 1 h";
	}

	if (!msg)
		return 0;
	if (why)
		*why = msg;
	return err;
}

/* Empty the sliding window; a time window starts at the bucket of @now. */
static void window_clear(struct dwcp_breaker *b, u64 now)
{
	b->win_calls = 0;
	b->win_failures = 0;
	b->win_slow = 0;
	memset(&b->win, 0, sizeof(b->win));
	if (b->cfg.mode == DWCP_RES_BREAKER_MODE_TIME_WINDOW)
		b->win.time.head = div64_u64(now, b->cfg.bucket_width_ns);
}

/* Evict the buckets the clock has moved past (subtract-on-evict). */
static void time_window_advance(struct dwcp_breaker *b, u64 now)
{
	u64 abs = div64_u64(now, b->cfg.bucket_width_ns);
	u32 size = b->cfg.window_size;
	u64 steps;
	u32 i;

	if (abs <= b->win.time.head)
		return;		/* same bucket, or the clock went back: keep head */
	steps = abs - b->win.time.head;
	b->win.time.head = abs;
	if (steps >= size) {
		window_clear(b, now);
		return;
	}
	for (i = 0; i < steps; i++) {
		struct dwcp_breaker_bucket *k;

		b->win.time.slot = b->win.time.slot + 1 == size ? 0 : b->win.time.slot + 1;
		k = &b->win.time.b[b->win.time.slot];
		b->win_calls -= k->calls;
		b->win_failures -= k->failures;
		b->win_slow -= k->slow;
		memset(k, 0, sizeof(*k));
	}
}

static void window_record(struct dwcp_breaker *b, enum dwcp_res_result r, u64 now)
{
	bool failed = r == DWCP_RES_RESULT_FAILURE;
	bool slow = r == DWCP_RES_RESULT_SLOW;

	if (b->cfg.mode == DWCP_RES_BREAKER_MODE_COUNT_WINDOW) {
		u64 bit = BIT_ULL(b->win.ring.pos);

		if (b->win_calls == b->cfg.window_size) {
			if (b->win.ring.failed & bit)
				b->win_failures--;
			if (b->win.ring.slow & bit)
				b->win_slow--;
		} else {
			b->win_calls++;
		}
		b->win.ring.failed &= ~bit;
		b->win.ring.slow &= ~bit;
		if (failed) {
			b->win.ring.failed |= bit;
			b->win_failures++;
		}
		if (slow) {
			b->win.ring.slow |= bit;
			b->win_slow++;
		}
		b->win.ring.pos = b->win.ring.pos + 1 == b->cfg.window_size ?
				  0 : b->win.ring.pos + 1;
	} else if (b->cfg.mode == DWCP_RES_BREAKER_MODE_TIME_WINDOW) {
		struct dwcp_breaker_bucket *k;

		time_window_advance(b, now);
		k = &b->win.time.b[b->win.time.slot];
		if (k->calls == U32_MAX)
			return;		/* saturated bucket: drop, totals stay exact */
		k->calls++;
		b->win_calls++;
		if (failed) {
			k->failures++;
			b->win_failures++;
		}
		if (slow) {
			k->slow++;
			b->win_slow++;
		}
	}
}

static bool window_tripped(const struct dwcp_breaker *b)
{
	const struct dwcp_breaker_config *c = &b->cfg;
	u64 n = b->win_calls;

	/* n <= 32 * U32_MAX, so n * 10^6 fits in a u64. */
	if (!n || n < c->minimum_calls)
		return false;
	if (b->win_failures * DWCP_BREAKER_PPM >= (u64)c->failure_rate_ppm * n)
		return true;
	return c->slow_rate_ppm && b->win_slow * DWCP_BREAKER_PPM >= (u64)c->slow_rate_ppm * n;
}

static void set_state(struct dwcp_breaker *b, u32 st, u64 now)
{
	b->state = st;
	b->entered_at = now;
	b->transitions++;
	if (++b->epoch == 0)
		b->epoch = 1;
	/* Probe permits belong to one half-open epoch. */
	b->probes_inflight = 0;
	b->probes_good = 0;
	b->probes_slow = 0;
	if (st == DWCP_RES_BREAKER_CLOSED) {
		b->consecutive_failures = 0;
		window_clear(b, now);
	}
}

static bool half_open_expired(const struct dwcp_breaker *b, u64 now)
{
	return b->state == DWCP_RES_BREAKER_HALF_OPEN && b->cfg.max_wait_half_open_ns &&
	       elapsed(now, b->entered_at) >= b->cfg.max_wait_half_open_ns;
}

static void half_open_give_up(struct dwcp_breaker *b, u64 now)
{
	set_state(b, (b->cfg.flags & DWCP_BREAKER_F_HALF_OPEN_WAIT_CLOSES) ?
		  DWCP_RES_BREAKER_CLOSED : DWCP_RES_BREAKER_OPEN, now);
}

/* Enough good probes: close, unless the slow share says otherwise. */
static void half_open_settle(struct dwcp_breaker *b, u64 now)
{
	const struct dwcp_breaker_config *c = &b->cfg;

	if (b->probes_good < c->half_open_permits)
		return;
	if (is_window_mode(c) && c->slow_rate_ppm &&
	    (u64)b->probes_slow * DWCP_BREAKER_PPM >= (u64)c->slow_rate_ppm * b->probes_good)
		set_state(b, DWCP_RES_BREAKER_OPEN, now);
	else
		set_state(b, DWCP_RES_BREAKER_CLOSED, now);
}

void dwcp_breaker_init(struct dwcp_breaker *b, const struct dwcp_breaker_config *cfg, u64 now)
{
	memset(b, 0, sizeof(*b));
	b->cfg = *cfg;
	b->state = DWCP_RES_BREAKER_CLOSED;
	b->epoch = 1;
	b->entered_at = now;
	window_clear(b, now);
}

void dwcp_breaker_reconfigure(struct dwcp_breaker *b, const struct dwcp_breaker_config *cfg,
			      u64 now)
{
	bool new_window = cfg->mode != b->cfg.mode || cfg->window_size != b->cfg.window_size ||
		(cfg->mode == DWCP_RES_BREAKER_MODE_TIME_WINDOW &&
		 cfg->bucket_width_ns != b->cfg.bucket_width_ns);

	b->cfg = *cfg;
	if (new_window)
		window_clear(b, now);
	if (b->state == DWCP_RES_BREAKER_HALF_OPEN)
		half_open_settle(b, now);
}

int dwcp_breaker_admit(struct dwcp_breaker *b, u64 now, u32 *epoch)
{
	int v = DWCP_BREAKER_ADMIT;

	/* Fast path: CLOSED admits, nothing else to look at. */
	if (likely(b->state == DWCP_RES_BREAKER_CLOSED)) {
		b->admitted++;
		*epoch = b->epoch;
		return DWCP_BREAKER_ADMIT;
	}
	if (b->state == DWCP_RES_BREAKER_OPEN &&
	    elapsed(now, b->entered_at) >= b->cfg.open_duration_ns)
		set_state(b, DWCP_RES_BREAKER_HALF_OPEN, now);
	else if (half_open_expired(b, now))
		half_open_give_up(b, now);

	switch (b->state) {
	case DWCP_RES_BREAKER_OPEN:
		v = DWCP_BREAKER_REJECT_OPEN;
		break;
	case DWCP_RES_BREAKER_FORCED_OPEN:
		v = DWCP_BREAKER_REJECT_FORCED;
		break;
	case DWCP_RES_BREAKER_HALF_OPEN:
		if (b->probes_inflight + b->probes_good >= b->cfg.half_open_permits)
			v = DWCP_BREAKER_REJECT_HALF_OPEN;
		else
			b->probes_inflight++;
		break;
	default:		/* CLOSED, DISABLED */
		break;
	}

	if (v != DWCP_BREAKER_ADMIT) {
		b->rejected++;
		*epoch = 0;
		return v;
	}
	b->admitted++;
	*epoch = b->epoch;
	return v;
}

static void probe_result(struct dwcp_breaker *b, enum dwcp_res_result r, u64 now)
{
	bool bad = r == DWCP_RES_RESULT_FAILURE ||
		   (r == DWCP_RES_RESULT_SLOW &&
		    (b->cfg.flags & DWCP_BREAKER_F_SLOW_IS_FAILURE));

	if (bad) {
		set_state(b, DWCP_RES_BREAKER_OPEN, now);
		return;
	}
	b->probes_inflight--;
	if (r == DWCP_RES_RESULT_SUCCESS || r == DWCP_RES_RESULT_SLOW) {
		b->probes_good++;
		if (r == DWCP_RES_RESULT_SLOW)
			b->probes_slow++;
		half_open_settle(b, now);
	}
	/* IGNORED / CANCELLED: the permit is released, nothing counted. */
}

/* A current result while CLOSED or DISABLED (already counted in results[]). */
static void closed_result(struct dwcp_breaker *b, enum dwcp_res_result r, u64 now)
{
	bool fail, counted;

	counted = r == DWCP_RES_RESULT_SUCCESS || r == DWCP_RES_RESULT_FAILURE ||
		  r == DWCP_RES_RESULT_SLOW;
	if (!counted)
		return;
	fail = r == DWCP_RES_RESULT_FAILURE ||
	       (r == DWCP_RES_RESULT_SLOW && (b->cfg.flags & DWCP_BREAKER_F_SLOW_IS_FAILURE));
	if (!fail)
		b->consecutive_failures = 0;
	else if (b->consecutive_failures != U32_MAX)
		b->consecutive_failures++;
	window_record(b, r, now);

	if (b->state != DWCP_RES_BREAKER_CLOSED)
		return;		/* DISABLED never trips */
	if (is_window_mode(&b->cfg) ? window_tripped(b) :
	    fail && b->consecutive_failures >= b->cfg.max_failures)
		set_state(b, DWCP_RES_BREAKER_OPEN, now);
}

void dwcp_breaker_complete(struct dwcp_breaker *b, u32 epoch, enum dwcp_res_result r, u64 now)
{
	/*
	 * Fast path, the common case: CLOSED, a result of the current epoch,
	 * a known class. Nothing of the general path below applies then
	 * (no half-open deadline, not stale), so go straight to the count.
	 */
	if (likely(b->state == DWCP_RES_BREAKER_CLOSED && epoch == b->epoch &&
		   (u32)r < __DWCP_RES_RESULT_MAX)) {
		b->results[r]++;
		closed_result(b, r, now);
		return;
	}

	if ((u32)r >= __DWCP_RES_RESULT_MAX)
		r = DWCP_RES_RESULT_IGNORED;	/* unknown class: never count it */
	if (half_open_expired(b, now))
		half_open_give_up(b, now);

	if (epoch != b->epoch || b->state == DWCP_RES_BREAKER_OPEN ||
	    b->state == DWCP_RES_BREAKER_FORCED_OPEN ||
	    (b->state == DWCP_RES_BREAKER_HALF_OPEN && !b->probes_inflight)) {
		b->stale++;
		return;
	}
	b->results[r]++;

	if (b->state == DWCP_RES_BREAKER_HALF_OPEN) {
		probe_result(b, r, now);
		return;
	}
	closed_result(b, r, now);	/* CLOSED or DISABLED */
}

void dwcp_breaker_fold(struct dwcp_breaker *b, u64 admitted, u64 successes)
{
	b->admitted += admitted;
	if (!successes)
		return;
	if (b->state != DWCP_RES_BREAKER_CLOSED ||
	    b->cfg.mode != DWCP_RES_BREAKER_MODE_CONSECUTIVE) {
		b->stale += successes;
		return;
	}
	b->results[DWCP_RES_RESULT_SUCCESS] += successes;
	b->consecutive_failures = 0;
}

int dwcp_breaker_force(struct dwcp_breaker *b, enum dwcp_res_breaker_state st, u64 now)
{
	switch (st) {
	case DWCP_RES_BREAKER_CLOSED:
	case DWCP_RES_BREAKER_OPEN:
	case DWCP_RES_BREAKER_DISABLED:
	case DWCP_RES_BREAKER_FORCED_OPEN:
		break;
	default:
		return -EINVAL;
	}
	if (b->state != (u32)st)
		set_state(b, st, now);
	return 0;
}

void dwcp_breaker_reset(struct dwcp_breaker *b, u64 now)
{
	set_state(b, DWCP_RES_BREAKER_CLOSED, now);
}

void dwcp_breaker_snapshot(const struct dwcp_breaker *b, u64 now,
			   struct dwcp_breaker_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	s->state = b->state;
	s->epoch = b->epoch;
	s->transitions = b->transitions;
	s->consecutive_failures = b->consecutive_failures;
	s->probes_inflight = b->probes_inflight;
	s->window_calls = b->win_calls;
	s->window_failures = b->win_failures;
	s->window_slow = b->win_slow;
	s->admitted = b->admitted;
	s->rejected = b->rejected;
	s->stale = b->stale;
	memcpy(s->results, b->results, sizeof(s->results));
	if (b->state == DWCP_RES_BREAKER_OPEN) {
		u64 e = elapsed(now, b->entered_at);

		s->open_remaining_ns = e < b->cfg.open_duration_ns ?
				       b->cfg.open_duration_ns - e : 0;
	}

	if (b->cfg.mode == DWCP_RES_BREAKER_MODE_TIME_WINDOW) {
		u64 abs = div64_u64(now, b->cfg.bucket_width_ns);
		u32 size = b->cfg.window_size;
		u32 k, slot = b->win.time.slot;
		u64 steps;

		if (abs <= b->win.time.head)
			return;
		/* Sum only the buckets still inside the window at @now. */
		steps = abs - b->win.time.head;
		s->window_calls = 0;
		s->window_failures = 0;
		s->window_slow = 0;
		for (k = 0; steps < size && k < size - steps; k++) {
			const struct dwcp_breaker_bucket *bk = &b->win.time.b[slot];

			s->window_calls += bk->calls;
			s->window_failures += bk->failures;
			s->window_slow += bk->slow;
			slot = slot ? slot - 1 : size - 1;
		}
	}
}
