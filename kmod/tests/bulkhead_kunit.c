// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite of the bulkhead core (kmod/core/bulkhead.c). The FIFO list of
 * waiters belongs to the kernel shell; here a small array plays the shell.
 * selftests/host/test_bulkhead.c runs this same file on the host.
 */
#ifdef __KERNEL__
#include <kunit/test.h>
#endif
#include "core/bulkhead.h"

#define MS	((u64)NSEC_PER_MSEC)
#define SEC	((u64)NSEC_PER_SEC)

static void bh_setup(struct kunit *test, struct dwcp_bh *bh, u32 max,
		     u32 queue, u64 wait)
{
	struct dwcp_bh_config cfg = {
		.max_concurrent = max, .max_queue = queue, .max_wait_ns = wait,
	};
	const char *why = NULL;

	KUNIT_ASSERT_EQ(test, dwcp_bh_init(bh, &cfg, &why), 0);
}

/* (2, queue 1, 1 s): two sequential calls run. */
static void go_bulkhead_basic(struct kunit *test)
{
	struct dwcp_bh bh;
	int i;

	bh_setup(test, &bh, 2, 1, SEC);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_ADMIT);
		KUNIT_EXPECT_EQ(test, bh.active, 1U);
		KUNIT_EXPECT_FALSE(test, dwcp_bh_release(&bh));
	}
	KUNIT_EXPECT_EQ(test, bh.admitted, 2ULL);
	KUNIT_EXPECT_EQ(test, bh.completed, 2ULL);
	KUNIT_EXPECT_EQ(test, bh.active, 0U);
	KUNIT_EXPECT_EQ(test, bh.peak, 1U);
}

/*
 * (1, queue 0, 10 ms): one long call runs; a try-acquire is refused as
 * full.
 */
static void go_bulkhead_rejects_when_full(struct kunit *test)
{
	struct dwcp_bh bh;

	bh_setup(test, &bh, 1, 0, 10 * MS);
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_bh_try_acquire(&bh), DWCP_BH_FULL);
	/* With no queue, a blocking acquire is refused too. */
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_FULL);
	KUNIT_EXPECT_EQ(test, bh.rejected_full, 2ULL);
	KUNIT_EXPECT_EQ(test, bh.rejected_timeout, 0ULL);
}

/*
 * No barging: a newcomer's non-blocking acquire must not race the waiters
 * for a released slot. The slot passes straight to the head waiter and a
 * newcomer queues behind anyone already waiting.
 */
static void defect_14_no_barging(struct kunit *test)
{
	struct dwcp_bh bh;

	bh_setup(test, &bh, 1, 2, SEC);
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_ADMIT);	/* A */
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_QUEUE);	/* B */
	/* A finishes: B gets the slot, it is never free. */
	KUNIT_EXPECT_TRUE(test, dwcp_bh_release(&bh));
	KUNIT_EXPECT_EQ(test, bh.active, 1U);
	KUNIT_EXPECT_EQ(test, bh.queued, 0U);
	/* C arrives right after: it must not take B's slot. */
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_QUEUE);	/* C */
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_QUEUE);	/* D */
	/* A try-acquire never barges either. */
	KUNIT_EXPECT_EQ(test, dwcp_bh_try_acquire(&bh), DWCP_BH_FULL);
	KUNIT_EXPECT_TRUE(test, dwcp_bh_release(&bh));		/* B -> C */
	KUNIT_EXPECT_TRUE(test, dwcp_bh_release(&bh));		/* C -> D */
	KUNIT_EXPECT_FALSE(test, dwcp_bh_release(&bh));	/* D, free */
	KUNIT_EXPECT_EQ(test, bh.active, 0U);
	KUNIT_EXPECT_EQ(test, bh.admitted, 4ULL);
	KUNIT_EXPECT_EQ(test, bh.completed, 4ULL);
}

/* "Queue full" and "waited too long" are counted apart. */
static void defect_14_full_vs_timeout(struct kunit *test)
{
	struct dwcp_bh bh;

	bh_setup(test, &bh, 1, 1, SEC);
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_QUEUE);
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_FULL);
	dwcp_bh_wait_timeout(&bh);
	KUNIT_EXPECT_EQ(test, bh.rejected_full, 1ULL);
	KUNIT_EXPECT_EQ(test, bh.rejected_timeout, 1ULL);
	KUNIT_EXPECT_EQ(test, bh.queued, 0U);
	/* A signal is neither. */
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_QUEUE);
	dwcp_bh_cancel_wait(&bh);
	KUNIT_EXPECT_EQ(test, bh.cancelled, 1ULL);
	KUNIT_EXPECT_EQ(test, bh.rejected_timeout, 1ULL);
	KUNIT_EXPECT_EQ(test, bh.rejected_full, 1ULL);
	/* Nobody was waiting: the slot is simply freed. */
	KUNIT_EXPECT_FALSE(test, dwcp_bh_release(&bh));
	/* Stray calls do not underflow. */
	dwcp_bh_wait_timeout(&bh);
	dwcp_bh_cancel_wait(&bh);
	KUNIT_EXPECT_FALSE(test, dwcp_bh_release(&bh));
	KUNIT_EXPECT_EQ(test, bh.queued, 0U);
	KUNIT_EXPECT_EQ(test, bh.active, 0U);
	KUNIT_EXPECT_EQ(test, bh.completed, 1ULL);
}

/* max_wait 0 means "never wait", even with room in the queue. */
static void bh_zero_wait_never_queues(struct kunit *test)
{
	struct dwcp_bh bh;

	bh_setup(test, &bh, 1, 5, 0);
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_ADMIT);
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_FULL);
	KUNIT_EXPECT_EQ(test, bh.queued, 0U);
}

/* The wait ends at max_wait or at the call's own deadline, whichever first. */
static void bh_wait_deadline(struct kunit *test)
{
	struct dwcp_bh bh;

	bh_setup(test, &bh, 1, 1, 5 * SEC);
	KUNIT_EXPECT_EQ(test, dwcp_bh_wait_deadline(&bh, SEC, U64_MAX), 6 * SEC);
	KUNIT_EXPECT_EQ(test, dwcp_bh_wait_deadline(&bh, SEC, 2 * SEC), 2 * SEC);
	KUNIT_EXPECT_EQ(test, dwcp_bh_wait_deadline(&bh, U64_MAX - 1, U64_MAX),
			U64_MAX);
}

/* Growing the limit grants head waiters; shrinking drains without loss. */
static void bh_reconfigure(struct kunit *test)
{
	struct dwcp_bh_config cfg = {
		.max_concurrent = 3, .max_queue = 5, .max_wait_ns = SEC,
	};
	const char *why = NULL;
	struct dwcp_bh bh;
	int i;

	bh_setup(test, &bh, 1, 5, SEC);
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_ADMIT);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_QUEUE);
	KUNIT_EXPECT_EQ(test, dwcp_bh_reconfigure(&bh, &cfg, &why), 2);
	KUNIT_EXPECT_EQ(test, bh.active, 3U);
	KUNIT_EXPECT_EQ(test, bh.queued, 1U);
	KUNIT_EXPECT_EQ(test, bh.admitted, 3ULL);
	KUNIT_EXPECT_EQ(test, bh.peak, 3U);

	/* Shrink to 1: two releases free slots, the third hands off. */
	cfg.max_concurrent = 1;
	cfg.max_queue = 0;
	KUNIT_EXPECT_EQ(test, dwcp_bh_reconfigure(&bh, &cfg, &why), 0);
	KUNIT_EXPECT_EQ(test, bh.queued, 1U);	/* waiters keep their place */
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_FULL);
	KUNIT_EXPECT_FALSE(test, dwcp_bh_release(&bh));
	KUNIT_EXPECT_FALSE(test, dwcp_bh_release(&bh));
	KUNIT_EXPECT_TRUE(test, dwcp_bh_release(&bh));
	KUNIT_EXPECT_EQ(test, bh.active, 1U);
	KUNIT_EXPECT_EQ(test, bh.queued, 0U);
	KUNIT_EXPECT_EQ(test, bh.admitted, bh.completed + bh.active);

	/* A bad config is refused and changes nothing. */
	cfg.max_concurrent = 0;
	KUNIT_EXPECT_EQ(test, dwcp_bh_reconfigure(&bh, &cfg, &why), -EINVAL);
	KUNIT_EXPECT_TRUE(test, !!why);
	KUNIT_EXPECT_EQ(test, bh.cfg.max_concurrent, 1U);
	KUNIT_EXPECT_EQ(test, dwcp_bh_init(&bh, &cfg, NULL), -EINVAL);
}

/* The DWCP profile (Documentation/admin-guide.rst) validates. */
static void bh_dwcp_profile(struct kunit *test)
{
	static const struct dwcp_bh_config cfgs[] = {
		DWCP_BH_CONFIG_SEND, DWCP_BH_CONFIG_RECEIVE,
		DWCP_BH_CONFIG_SYNC, DWCP_BH_CONFIG_CONSENSUS,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cfgs); i++)
		KUNIT_EXPECT_EQ(test, dwcp_bh_config_check(&cfgs[i], NULL), 0);
	KUNIT_EXPECT_EQ(test, cfgs[3].max_concurrent, 20U);
	KUNIT_EXPECT_EQ(test, cfgs[3].max_wait_ns, 15 * SEC);
}

/*
 * Randomised simulation with a model shell: a FIFO of waiter tickets,
 * random arrivals, completions, timeouts and cancels of arbitrary waiters,
 * and limit changes. After every step: the core and the model agree on
 * active and queued; a grant never leaves active above the limit; nobody
 * waits while a slot is free; newcomers never overtake waiters; handoffs
 * go to waiters in ticket order; admitted == completed + active. At the
 * end every slot drains back: no slot is lost.
 */
#define SIM_QMAX	16
#define SIM_STEPS	20000

struct bh_sim {
	u32 q[SIM_QMAX + 8];	/* tickets, head first */
	u32 nq;
	u32 running;
	u32 next_ticket;
	u32 last_granted;
	u32 rnd;
	bool ok;
};

static u32 sim_rand(struct bh_sim *s, u32 n)
{
	s->rnd ^= s->rnd << 13;
	s->rnd ^= s->rnd >> 17;
	s->rnd ^= s->rnd << 5;
	return s->rnd % n;
}

static void sim_grant_head(struct bh_sim *s, u32 n)
{
	while (n--) {
		if (!s->nq) {
			s->ok = false;
			return;
		}
		if (s->q[0] <= s->last_granted)
			s->ok = false;		/* FIFO order broken */
		s->last_granted = s->q[0];
		memmove(&s->q[0], &s->q[1], --s->nq * sizeof(s->q[0]));
		s->running++;
	}
}

static void sim_remove(struct bh_sim *s, u32 i)
{
	memmove(&s->q[i], &s->q[i + 1], (s->nq - i - 1) * sizeof(s->q[0]));
	s->nq--;
}

static bool sim_consistent(const struct dwcp_bh *bh, const struct bh_sim *s)
{
	return bh->active == s->running && bh->queued == s->nq &&
	       (!bh->queued || bh->active >= bh->cfg.max_concurrent) &&
	       bh->admitted == bh->completed + bh->active &&
	       bh->peak >= bh->active;
}

static void bh_randomized_simulation(struct kunit *test)
{
	static struct bh_sim sim;
	struct dwcp_bh_config cfg = {
		.max_concurrent = 4, .max_queue = 8, .max_wait_ns = SEC,
	};
	struct bh_sim *s = &sim;
	struct dwcp_bh bh;
	u32 step, over_limit = 0, inconsistent = 0;
	int granted;

	memset(s, 0, sizeof(*s));
	s->rnd = 0x9e3779b9;
	s->ok = true;
	KUNIT_ASSERT_EQ(test, dwcp_bh_init(&bh, &cfg, NULL), 0);
	for (step = 0; step < SIM_STEPS; step++) {
		u32 ev = sim_rand(s, 100);

		if (ev < 45) {				/* arrival */
			bool waiters = s->nq > 0;

			switch (dwcp_bh_acquire(&bh)) {
			case DWCP_BH_ADMIT:
				if (waiters)
					s->ok = false;	/* barged */
				s->running++;
				if (bh.active > bh.cfg.max_concurrent)
					over_limit++;
				break;
			case DWCP_BH_QUEUE:
				s->q[s->nq++] = ++s->next_ticket;
				break;
			case DWCP_BH_FULL:
				if (s->nq < bh.cfg.max_queue)
					s->ok = false;	/* room was left */
				break;
			}
		} else if (ev < 85) {			/* completion */
			if (!s->running)
				continue;
			s->running--;
			if (dwcp_bh_release(&bh)) {
				sim_grant_head(s, 1);
				if (bh.active > bh.cfg.max_concurrent)
					over_limit++;
			} else if (s->nq && bh.active < bh.cfg.max_concurrent) {
				s->ok = false;		/* slot lost */
			}
		} else if (ev < 93) {			/* timeout */
			if (!s->nq)
				continue;
			sim_remove(s, sim_rand(s, s->nq));
			dwcp_bh_wait_timeout(&bh);
		} else if (ev < 97) {			/* signal */
			if (!s->nq)
				continue;
			sim_remove(s, sim_rand(s, s->nq));
			dwcp_bh_cancel_wait(&bh);
		} else {				/* new limits */
			cfg.max_concurrent = 1 + sim_rand(s, 8);
			cfg.max_queue = sim_rand(s, SIM_QMAX - 8);
			granted = dwcp_bh_reconfigure(&bh, &cfg, NULL);
			if (granted < 0)
				s->ok = false;
			else
				sim_grant_head(s, granted);
			if (granted > 0 && bh.active > bh.cfg.max_concurrent)
				over_limit++;
		}
		if (!sim_consistent(&bh, s))
			inconsistent++;
	}
	KUNIT_EXPECT_TRUE(test, s->ok);
	KUNIT_EXPECT_EQ(test, over_limit, 0U);
	KUNIT_EXPECT_EQ(test, inconsistent, 0U);
	KUNIT_EXPECT_GT(test, bh.rejected_full, 0ULL);
	KUNIT_EXPECT_GT(test, bh.rejected_timeout, 0ULL);
	KUNIT_EXPECT_GT(test, bh.cancelled, 0ULL);
	KUNIT_EXPECT_GT(test, (u64)s->last_granted, 100ULL);

	/* Drain: completions alone empty the queue and every slot returns. */
	while (s->running) {
		s->running--;
		if (dwcp_bh_release(&bh))
			sim_grant_head(s, 1);
	}
	KUNIT_EXPECT_TRUE(test, s->ok);
	KUNIT_EXPECT_EQ(test, s->nq, 0U);
	KUNIT_EXPECT_EQ(test, bh.queued, 0U);
	KUNIT_EXPECT_EQ(test, bh.active, 0U);
	KUNIT_EXPECT_EQ(test, bh.admitted, bh.completed);
	KUNIT_EXPECT_LE(test, bh.peak, 8U);
}

/*
 * Slots of the shell's lock-free path (dwcp_bh_fold_ext()) count against
 * the limit like the core's own; a waiter queued behind them gets the slot
 * they give back, at the fold, and the counters add both kinds up (the
 * lock-free path's calls once they ended).
 */
static void bh_ext_slots_share_the_limit(struct kunit *test)
{
	struct dwcp_bh bh;

	bh_setup(test, &bh, 2, 2, SEC);
	/* Two lock-free calls hold both slots. */
	KUNIT_EXPECT_EQ(test, dwcp_bh_fold_ext(&bh, 2, 0, 2), 0U);
	KUNIT_EXPECT_EQ(test, dwcp_bh_try_acquire(&bh), DWCP_BH_FULL);
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_QUEUE);	/* A */
	KUNIT_EXPECT_EQ(test, dwcp_bh_acquire(&bh), DWCP_BH_QUEUE);	/* B */
	KUNIT_EXPECT_EQ(test, dwcp_bh_held(&bh), 2U);
	/* One gave its slot back: A has it; B still waits. */
	KUNIT_EXPECT_EQ(test, dwcp_bh_fold_ext(&bh, 1, 1, 2), 1U);
	KUNIT_EXPECT_EQ(test, bh.active, 1U);
	KUNIT_EXPECT_EQ(test, bh.queued, 1U);
	/* A finishes while the other still runs: the slot goes to B. */
	KUNIT_EXPECT_TRUE(test, dwcp_bh_release(&bh));
	KUNIT_EXPECT_EQ(test, bh.queued, 0U);
	/* The other finishes too; then B. */
	KUNIT_EXPECT_EQ(test, dwcp_bh_fold_ext(&bh, 0, 1, 2), 0U);
	KUNIT_EXPECT_FALSE(test, dwcp_bh_release(&bh));
	KUNIT_EXPECT_EQ(test, dwcp_bh_held(&bh), 0U);
	KUNIT_EXPECT_EQ(test, bh.admitted, 4ULL);
	KUNIT_EXPECT_EQ(test, bh.completed, 4ULL);
	KUNIT_EXPECT_EQ(test, bh.peak, 2U);
	/* The lock-free path saw more at once than the core ever did. */
	dwcp_bh_fold_ext(&bh, 0, 0, 3);
	KUNIT_EXPECT_EQ(test, bh.peak, 3U);
}

static struct kunit_case dwcp_bulkhead_test_cases[] = {
	KUNIT_CASE(go_bulkhead_basic),
	KUNIT_CASE(go_bulkhead_rejects_when_full),
	KUNIT_CASE(defect_14_no_barging),
	KUNIT_CASE(defect_14_full_vs_timeout),
	KUNIT_CASE(bh_zero_wait_never_queues),
	KUNIT_CASE(bh_wait_deadline),
	KUNIT_CASE(bh_reconfigure),
	KUNIT_CASE(bh_dwcp_profile),
	KUNIT_CASE(bh_randomized_simulation),
	KUNIT_CASE(bh_ext_slots_share_the_limit),
	{}
};

static struct kunit_suite dwcp_bulkhead_test_suite = {
	.name = "dwcp_bulkhead",
	.test_cases = dwcp_bulkhead_test_cases,
};

kunit_test_suite(dwcp_bulkhead_test_suite);
