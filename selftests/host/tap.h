/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal TAP 13 producer for host tests of the pure core. Each test binary
 * prints "TAP version 13", one "ok N - name" line per check and a trailing
 * plan, and exits non-zero if any check failed.
 */
#ifndef _DWCP_HOST_TAP_H
#define _DWCP_HOST_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_n, tap_failed;

static inline void tap_start(void)
{
	printf("TAP version 13\n");
}

static inline __attribute__((format(printf, 2, 3)))
int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	return cond;
}

/* Compare two integers and show both on failure. */
#define tap_eq(a, b, ...) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (!tap_ok(_a == _b, __VA_ARGS__))				\
		printf("# %s = %lld, expected %s = %lld\n", #a, _a, #b, _b); \
} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}

#endif /* _DWCP_HOST_TAP_H */
