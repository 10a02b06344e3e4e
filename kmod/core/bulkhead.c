// SPDX-License-Identifier: GPL-2.0
/*
 * Bulkhead: concurrency limit with a FIFO wait queue; see bulkhead.h.
 */
#include "bulkhead.h"

int dwcp_bh_config_check(const struct dwcp_bh_config *cfg, const char **why)
{
	if (!cfg->max_concurrent) {
		if (why)
			*why = "max_concurrent must be at least 1";
		return -EINVAL;
	}
	return 0;
}

int dwcp_bh_init(struct dwcp_bh *bh, const struct dwcp_bh_config *cfg,
		 const char **why)
{
	int err = dwcp_bh_config_check(cfg, why);

	if (err)
		return err;
	memset(bh, 0, sizeof(*bh));
	bh->cfg = *cfg;
	return 0;
}

static void dwcp_bh_grant(struct dwcp_bh *bh)
{
	WRITE_ONCE(bh->active, bh->active + 1);
	bh->admitted++;
	if (dwcp_bh_held(bh) > bh->peak)
		bh->peak = dwcp_bh_held(bh);
}

/* Hand free slots to the head waiters, in order; how many got one. */
static u32 dwcp_bh_grant_free(struct dwcp_bh *bh)
{
	u32 granted = 0;

	while (bh->queued && dwcp_bh_held(bh) < bh->cfg.max_concurrent) {
		WRITE_ONCE(bh->queued, bh->queued - 1);
		dwcp_bh_grant(bh);
		granted++;
	}
	return granted;
}

int dwcp_bh_reconfigure(struct dwcp_bh *bh, const struct dwcp_bh_config *cfg,
			const char **why)
{
	int err = dwcp_bh_config_check(cfg, why);

	if (err)
		return err;
	bh->cfg = *cfg;
	/* The limit grew: the head waiters take the new slots, in order. */
	return (int)dwcp_bh_grant_free(bh);
}

u32 dwcp_bh_fold_ext(struct dwcp_bh *bh, u32 active, u32 released, u32 peak)
{
	bh->ext_active = active;
	bh->admitted += released;
	bh->completed += released;
	if (peak > bh->peak)
		bh->peak = peak;
	return dwcp_bh_grant_free(bh);
}

enum dwcp_bh_verdict dwcp_bh_try_acquire(struct dwcp_bh *bh)
{
	if (!bh->queued && dwcp_bh_held(bh) < bh->cfg.max_concurrent) {
		dwcp_bh_grant(bh);
		return DWCP_BH_ADMIT;
	}
	bh->rejected_full++;
	return DWCP_BH_FULL;
}

enum dwcp_bh_verdict dwcp_bh_acquire(struct dwcp_bh *bh)
{
	/* Nobody barges: with anyone queued, a newcomer queues too. */
	if (!bh->queued && dwcp_bh_held(bh) < bh->cfg.max_concurrent) {
		dwcp_bh_grant(bh);
		return DWCP_BH_ADMIT;
	}
	if (bh->queued < bh->cfg.max_queue && bh->cfg.max_wait_ns) {
		WRITE_ONCE(bh->queued, bh->queued + 1);
		if (bh->queued > bh->peak_queued)
			bh->peak_queued = bh->queued;
		return DWCP_BH_QUEUE;
	}
	bh->rejected_full++;
	return DWCP_BH_FULL;
}

bool dwcp_bh_release(struct dwcp_bh *bh)
{
	if (unlikely(!bh->active))
		return false;
	bh->completed++;
	/* Hand off unless a shrunk limit still has too many slots out. */
	if (bh->queued && dwcp_bh_held(bh) <= bh->cfg.max_concurrent) {
		WRITE_ONCE(bh->queued, bh->queued - 1);
		bh->admitted++;
		return true;
	}
	WRITE_ONCE(bh->active, bh->active - 1);
	return false;
}

void dwcp_bh_wait_timeout(struct dwcp_bh *bh)
{
	if (unlikely(!bh->queued))
		return;
	WRITE_ONCE(bh->queued, bh->queued - 1);
	bh->rejected_timeout++;
}

void dwcp_bh_cancel_wait(struct dwcp_bh *bh)
{
	if (unlikely(!bh->queued))
		return;
	WRITE_ONCE(bh->queued, bh->queued - 1);
	bh->cancelled++;
}

u64 dwcp_bh_wait_deadline(const struct dwcp_bh *bh, u64 now, u64 deadline)
{
	u64 until;

	if (check_add_overflow(now, bh->cfg.max_wait_ns, &until))
		until = U64_MAX;
	return min(until, deadline);
}
