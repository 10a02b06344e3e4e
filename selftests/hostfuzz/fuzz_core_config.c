// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the core's configuration validation, fed raw bytes as
 * configuration structs, and a pipeline initialised with whatever passes
 * and driven by the rest of the input.
 *
 * Properties (beyond ASan/UBSan finding nothing): a rejected configuration
 * always says why (that string becomes the netlink extended ack), and one
 * that passes its check can be initialised and run without tripping any
 * sanitizer or dividing by zero.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/engine.h"
#include "core/health.h"
#include "core/latbudget.h"
#include "core/pipeline.h"

#define TAKE(dst, d, n)	do {				\
	memset(&(dst), 0, sizeof(dst));			\
	memcpy(&(dst), (d), (n) < sizeof(dst) ? (n) : sizeof(dst)); \
} while (0)

/* A check that refuses must explain; crash (a finding) otherwise. */
static int checked(int err, const char *why)
{
	if (err && !why)
		abort();
	return err;
}

static void drive(struct dwcp_pipe *p, const uint8_t *d, size_t n)
{
	struct dwcp_pipe_ticket t;
	uint64_t now = 1000000000ULL;
	size_t i;

	for (i = 0; i + 4 <= n && i < 4096; i += 4) {
		enum dwcp_pipe_verdict v;
		uint32_t flags = d[i] & (DWCP_PIPE_MAY_WAIT | DWCP_PIPE_CHAOS);

		now += (uint64_t)d[i + 1] << (d[i + 2] & 31);
		v = dwcp_pipe_admit(p, &t, now, d[i + 3] * 100u, d[i + 2] % __DWCP_RES_LEVEL_MAX,
				    flags, 0);
		if (v == DWCP_PIPE_ADMIT)
			dwcp_pipe_complete(p, &t, now + d[i + 1] * 1000ULL,
					   d[i + 3] % __DWCP_RES_RESULT_MAX, d[i] & 0x80);
		else if (v == DWCP_PIPE_WAIT_RATE || v == DWCP_PIPE_WAIT_SLOT)
			dwcp_pipe_abort(p, &t, now, DWCP_RES_REJECT_NONE);
		(void)dwcp_pipe_timeout(p);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct dwcp_pipe_config pc;
	struct dwcp_engine_config ec;
	struct dwcp_budget_config bc;
	struct dwcp_health_config hc;
	struct dwcp_degrade_config dc;
	struct dwcp_chaos_config cc;
	struct dwcp_latbudget_config lc;
	const char *why;
	uint8_t sel;

	if (!n)
		return 0;
	sel = d[0] % 7;
	d++;
	n--;
	why = NULL;
	switch (sel) {
	case 0: {
		struct dwcp_pipe *p;

		TAKE(pc, d, n);
		if (checked(dwcp_pipe_config_check(&pc, &why), why))
			break;
		p = calloc(1, sizeof(*p));
		if (!p)
			break;
		if (!dwcp_pipe_init(p, &pc, 1, &why)) {
			size_t used = n < sizeof(pc) ? n : sizeof(pc);

			drive(p, d + used, n - used);
			/* Reconfigure with the same config keeps working. */
			dwcp_pipe_reconfigure(p, &pc, 2000000000ULL, &why);
		}
		free(p);
		break;
	}
	case 1:
		TAKE(ec, d, n);
		checked(dwcp_engine_config_check(&ec, &why), why);
		break;
	case 2:
		TAKE(bc, d, n);
		if (!checked(dwcp_budget_config_check(&bc, &why), why)) {
			struct dwcp_budget *b = calloc(1, sizeof(*b));
			struct dwcp_budget_status st;

			if (b) {
				dwcp_budget_init(b, &bc, 7);
				dwcp_budget_add(b, bc.window_ns / 2 + 7, 100, 3);
				dwcp_budget_eval(b, bc.window_ns + 7, &st);
				free(b);
			}
		}
		break;
	case 3:
		TAKE(hc, d, n);
		checked(dwcp_health_config_check(&hc, &why), why);
		break;
	case 4:
		TAKE(dc, d, n);
		checked(dwcp_degrade_config_check(&dc, &why), why);
		break;
	case 5:
		TAKE(cc, d, n);
		checked(dwcp_chaos_config_check(&cc, &why), why);
		break;
	default:
		TAKE(lc, d, n);
		checked(dwcp_latbudget_config_check(&lc, &why), why);
		break;
	}
	return 0;
}
