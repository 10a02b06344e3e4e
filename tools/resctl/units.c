// SPDX-License-Identifier: GPL-2.0
/*
 * resctl: human units (see units.h for the grammar and the printing rule).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "units.h"

struct unit {
	const char *sfx;
	uint64_t scale;		/* wire units per one of this unit */
	unsigned int decimals;	/* decimals it may be printed with */
};

#define NSEC	1000000000ULL
#define KI	1024ULL

/* Largest first: the formatter takes the first unit that fits exactly. */
static const struct unit duration_units[] = {
	{ "d", 86400 * NSEC, 0 },
	{ "h", 3600 * NSEC, 0 },
	{ "min", 60 * NSEC, 0 },
	{ "s", NSEC, 3 },
	{ "ms", 1000000ULL, 3 },
	{ "us", 1000ULL, 3 },
	{ "ns", 1, 0 },
};

static const struct unit si_units[] = {
	{ "G", 1000000000ULL, 3 },
	{ "M", 1000000ULL, 3 },
	{ "k", 1000ULL, 3 },
	{ "K", 1000ULL, 3 },	/* accepted, never printed: "k" comes first */
	{ "", 1, 0 },
};

/* Calls per second in milli-calls per second. */
static const struct unit si_milli_units[] = {
	{ "G", 1000000000000ULL, 3 },
	{ "M", 1000000000ULL, 3 },
	{ "k", 1000000ULL, 3 },
	{ "K", 1000000ULL, 3 },
	{ "", 1000ULL, 3 },
};

static const struct unit bin_units[] = {
	{ "G", KI * KI * KI, 3 },
	{ "M", KI * KI, 3 },
	{ "k", KI, 3 },
	{ "K", KI, 3 },
	{ "", 1, 0 },
};

static const struct unit ppm_units[] = { { "%", 10000, 4 } };
static const struct unit permille_units[] = { { "%", 10, 1 } };
static const struct unit factor_units[] = { { "", 1000, 3 } };
static const struct unit count_units[] = { { "", 1, 0 } };

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* The most fraction digits we keep; more are accepted only if they are 0. */
#define MAX_FRAC 18

struct number {
	uint64_t ip;		/* integer part */
	uint64_t frac;		/* fraction digits as an integer ... */
	unsigned int fdig;	/* ... and how many there are */
	const char *rest;	/* the unit */
};

static int parse_number(const char *s, struct number *n)
{
	memset(n, 0, sizeof(*n));
	/* No sign, no space, no ".5": a digit must come first. */
	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (__builtin_mul_overflow(n->ip, 10, &n->ip) ||
		    __builtin_add_overflow(n->ip, (uint64_t)(*s - '0'), &n->ip))
			return -ERANGE;
	}
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		for (; *s >= '0' && *s <= '9'; s++) {
			if (n->fdig < MAX_FRAC) {
				n->frac = n->frac * 10 + (uint64_t)(*s - '0');
				n->fdig++;
			} else if (*s != '0') {
				return -EINVAL;	/* finer than anything on the wire */
			}
		}
	}
	n->rest = s;
	return 0;
}

static uint64_t pow10u(unsigned int e)
{
	uint64_t p = 1;

	while (e--)
		p *= 10;
	return p;
}

/* n * scale, exactly, as an integer. */
static int scale_number(const struct number *n, uint64_t scale, uint64_t *out)
{
	unsigned __int128 f = (unsigned __int128)n->frac * scale;
	uint64_t p = pow10u(n->fdig);
	uint64_t v;

	if (f % p)
		return -EINVAL;		/* not a whole number of the wire unit */
	if (__builtin_mul_overflow(n->ip, scale, &v))
		return -ERANGE;
	f /= p;
	if (f > UINT64_MAX - v)
		return -ERANGE;
	*out = v + (uint64_t)f;
	return 0;
}

/*
 * Parse @s as a number followed by one of @units, then @tail (e.g. "/s"),
 * which may be left out if @tail_optional. A bare "0" is always accepted.
 */
static int parse_units(const char *s, const struct unit *units, size_t n,
		       const char *tail, bool tail_optional, uint64_t *out)
{
	struct number num;
	size_t i, tl = tail ? strlen(tail) : 0;
	int err;

	err = parse_number(s, &num);
	if (err)
		return err;
	if (!*num.rest && !num.ip && !num.frac) {
		*out = 0;
		return 0;
	}
	for (i = 0; i < n; i++) {
		size_t ul = strlen(units[i].sfx);

		if (strncmp(num.rest, units[i].sfx, ul))
			continue;
		if (!strcmp(num.rest + ul, tail ? tail : "") ||
		    ((tail_optional || !tl) && !num.rest[ul]))
			return scale_number(&num, units[i].scale, out);
	}
	return -EINVAL;
}

static int to_u32(int err, uint64_t v, uint32_t *out)
{
	if (err)
		return err;
	if (v > UINT32_MAX)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int units_parse_u64(const char *s, uint64_t *v)
{
	return parse_units(s, count_units, N(count_units), NULL, false, v);
}

int units_parse_u32(const char *s, uint32_t *v)
{
	uint64_t x = 0;
	int err = units_parse_u64(s, &x);

	return to_u32(err, x, v);
}

int units_parse_duration(const char *s, uint64_t *ns)
{
	return parse_units(s, duration_units, N(duration_units), NULL, false, ns);
}

int units_parse_rate(const char *s, uint64_t *per_s)
{
	return parse_units(s, si_units, N(si_units), "/s", true, per_s);
}

int units_parse_rate_milli(const char *s, uint64_t *mcps)
{
	return parse_units(s, si_milli_units, N(si_milli_units), "/s", true, mcps);
}

int units_parse_byte_rate(const char *s, uint64_t *bps)
{
	return parse_units(s, bin_units, N(bin_units), "/s", true, bps);
}

int units_parse_size(const char *s, uint64_t *bytes)
{
	return parse_units(s, bin_units, N(bin_units), NULL, false, bytes);
}

static int parse_share(const char *s, const struct unit *u, uint32_t max,
		       uint32_t *out)
{
	uint64_t v = 0;
	int err = parse_units(s, u, 1, NULL, false, &v);

	if (err)
		return err;
	if (v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int units_parse_ppm(const char *s, uint32_t *ppm)
{
	return parse_share(s, ppm_units, 1000000, ppm);
}

int units_parse_permille(const char *s, uint32_t *permille)
{
	return parse_share(s, permille_units, 1000, permille);
}

int units_parse_factor(const char *s, uint32_t *permille)
{
	uint64_t v = 0;
	int err = parse_units(s, factor_units, N(factor_units), NULL, false, &v);

	return to_u32(err, v, permille);
}

/*
 * The first unit (largest first) that @v is a whole multiple of, or that
 * gives an exact result with at most its allowed decimals. The last unit is
 * used for anything smaller than all the others.
 */
static const char *fmt_units(char *buf, uint64_t v, const struct unit *units,
			     size_t n, const char *tail)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct unit *u = &units[i];
		uint64_t p = pow10u(u->decimals);
		unsigned __int128 scaled = (unsigned __int128)v * p;
		uint64_t whole, frac;
		unsigned int d;

		if (v < u->scale && i + 1 < n)
			continue;
		if (v % u->scale == 0) {
			snprintf(buf, UNITS_BUF, "%" PRIu64 "%s%s", v / u->scale,
				 u->sfx, tail);
			return buf;
		}
		if (!u->decimals || scaled % u->scale)
			continue;
		whole = v / u->scale;
		frac = (uint64_t)(scaled / u->scale - (unsigned __int128)whole * p);
		d = u->decimals;
		while (frac % 10 == 0) {	/* frac != 0: v is no multiple */
			frac /= 10;
			d--;
		}
		snprintf(buf, UNITS_BUF, "%" PRIu64 ".%0*" PRIu64 "%s%s", whole,
			 (int)d, frac, u->sfx, tail);
		return buf;
	}
	/* Unreachable with a last unit of scale 1; be safe anyway. */
	snprintf(buf, UNITS_BUF, "%" PRIu64, v);
	return buf;
}

const char *units_fmt_duration(char *buf, uint64_t ns)
{
	if (!ns) {
		snprintf(buf, UNITS_BUF, "0");
		return buf;
	}
	return fmt_units(buf, ns, duration_units, N(duration_units), "");
}

const char *units_fmt_rate(char *buf, uint64_t per_s)
{
	return fmt_units(buf, per_s, si_units, N(si_units), "/s");
}

const char *units_fmt_rate_milli(char *buf, uint64_t mcps)
{
	return fmt_units(buf, mcps, si_milli_units, N(si_milli_units), "/s");
}

const char *units_fmt_byte_rate(char *buf, uint64_t bps)
{
	return fmt_units(buf, bps, bin_units, N(bin_units), "/s");
}

const char *units_fmt_size(char *buf, uint64_t bytes)
{
	return fmt_units(buf, bytes, bin_units, N(bin_units), "");
}

const char *units_fmt_ppm(char *buf, uint64_t ppm)
{
	return fmt_units(buf, ppm, ppm_units, 1, "");
}

const char *units_fmt_permille(char *buf, uint64_t permille)
{
	return fmt_units(buf, permille, permille_units, 1, "");
}

const char *units_fmt_factor(char *buf, uint64_t permille)
{
	return fmt_units(buf, permille, factor_units, 1, "");
}
