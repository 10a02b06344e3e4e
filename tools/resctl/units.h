/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Human units for resctl, in and out. One module so that what resctl prints
 * is exactly what it accepts: every printed value parses back to the same
 * integer.
 *
 * Numbers are decimal, unsigned, with an optional fraction ("1.5s"); the
 * result must be a whole number of the wire unit ("1.5ns" is rejected), and
 * must fit its type. No sign, no spaces, no hex.
 *
 *   durations  ns us ms s min h d            u64 nanoseconds; a unit is
 *                                            required except for "0"
 *   rates      N/s, with k M G = 10^3 10^6 10^9 (calls), or 2^10 2^20 2^30
 *              (bytes); "/s" may be left out
 *   sizes      bytes, with k M G = 2^10 2^20 2^30 (k and K alike)
 *   percents   "99.9%" -> 999000 ppm, "75%" -> 750 permille; at most 100%,
 *              "0" may be written without "%"
 *   factors    "2", "1.5" -> 2000, 1500 permille
 *
 * Printing picks the largest unit the value is an exact multiple of (d h min
 * s ms us ns); s, ms and us may also carry up to three decimals when that is
 * still exact, so 1500000000 ns prints "1.5s", 90 s prints "90s" (not
 * "1.5min") and 1234567 ns "1234.567us"; ns appear only below 1us. Rates
 * and sizes work the same way with k M G (up to 3 decimals), percentages
 * with as many decimals as the wire unit needs ("99.9%", "0.0001%").
 */
#ifndef RESCTL_UNITS_H
#define RESCTL_UNITS_H

#include <stdint.h>
#include <stddef.h>

/* Big enough for any value printed by this module. */
#define UNITS_BUF 32

/* Parsers return 0, -EINVAL (not a valid number/unit) or -ERANGE (too big). */
int units_parse_u64(const char *s, uint64_t *v);
int units_parse_u32(const char *s, uint32_t *v);
int units_parse_duration(const char *s, uint64_t *ns);
int units_parse_rate(const char *s, uint64_t *per_s);	  /* calls/s */
int units_parse_rate_milli(const char *s, uint64_t *mcps); /* calls/s -> milli-calls/s */
int units_parse_byte_rate(const char *s, uint64_t *bps);  /* bytes/s, 1024-based */
int units_parse_size(const char *s, uint64_t *bytes);	  /* 1024-based */
int units_parse_ppm(const char *s, uint32_t *ppm);	  /* "99.9%" */
int units_parse_permille(const char *s, uint32_t *permille); /* "75%" */
int units_parse_factor(const char *s, uint32_t *permille); /* "2.0" */

/* Formatters write into @buf (UNITS_BUF bytes) and return it. */
const char *units_fmt_duration(char *buf, uint64_t ns);
const char *units_fmt_rate(char *buf, uint64_t per_s);
const char *units_fmt_rate_milli(char *buf, uint64_t mcps);
const char *units_fmt_byte_rate(char *buf, uint64_t bps);
const char *units_fmt_size(char *buf, uint64_t bytes);
const char *units_fmt_ppm(char *buf, uint64_t ppm);
const char *units_fmt_permille(char *buf, uint64_t permille);
const char *units_fmt_factor(char *buf, uint64_t permille);

/* What each kind of value looks like, for error messages. */
#define UNITS_HELP_DURATION	"a duration like 100ms, 1.5s, 5min (ns us ms s min h d)"
#define UNITS_HELP_RATE		"a rate like 500/s, 1k/s, 2.5M/s"
#define UNITS_HELP_BYTE_RATE	"a byte rate like 512k/s, 10M/s (k M G = 1024-based)"
#define UNITS_HELP_SIZE		"a size in bytes like 4096, 64k, 10M (1024-based)"
#define UNITS_HELP_PERCENT	"a percentage like 50% or 99.9%"
#define UNITS_HELP_FACTOR	"a factor like 2 or 1.5"
#define UNITS_HELP_COUNT	"a whole number"

#endif /* RESCTL_UNITS_H */
