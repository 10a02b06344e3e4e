// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: resctl's parsers of human units (durations, rates,
 * sizes, percentages, factors), fed arbitrary strings. Beyond the
 * sanitizers, a value a parser accepts is formatted back and the text must
 * parse again (the man page promises output in the units input takes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	char s[64], buf[UNITS_BUF];
	uint64_t v, w;
	uint32_t x, y;

	if (n >= sizeof(s))
		n = sizeof(s) - 1;
	memcpy(s, d, n);
	s[n] = 0;

	if (!units_parse_duration(s, &v) && units_parse_duration(units_fmt_duration(buf, v), &w))
		abort();
	if (!units_parse_rate(s, &v) && units_parse_rate(units_fmt_rate(buf, v), &w))
		abort();
	if (!units_parse_size(s, &v) && units_parse_size(units_fmt_size(buf, v), &w))
		abort();
	if (!units_parse_ppm(s, &x) && units_parse_ppm(units_fmt_ppm(buf, x), &y))
		abort();
	(void)units_parse_u64(s, &v);
	(void)units_parse_u32(s, &x);
	(void)units_parse_rate_milli(s, &v);
	(void)units_parse_byte_rate(s, &v);
	(void)units_parse_permille(s, &x);
	(void)units_parse_factor(s, &x);
	return 0;
}
