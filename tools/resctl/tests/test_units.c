// SPDX-License-Identifier: GPL-2.0
/*
 * Host tests of resctl's units module: parse and print every unit, round
 * trips, rejection of garbage, negative numbers and overflow. Prints TAP 13
 * and exits non-zero if any check failed.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tap.h"
#include "units.h"

typedef int (*parse64_fn)(const char *, uint64_t *);
typedef int (*parse32_fn)(const char *, uint32_t *);
typedef const char *(*fmt_fn)(char *, uint64_t);

static void parses64(parse64_fn fn, const char *fname, const char *s, uint64_t want)
{
	uint64_t v = 0xdeadbeef;
	int err = fn(s, &v);

	if (!tap_ok(!err && v == want, "%s(\"%s\") = %" PRIu64, fname, s, want))
		printf("# got err %d, value %" PRIu64 "\n", err, v);
}

static void rejects64(parse64_fn fn, const char *fname, const char *s, int want_err)
{
	uint64_t v = 0;
	int err = fn(s, &v);

	if (!tap_ok(err == want_err, "%s(\"%s\") fails with %s", fname, s,
		    want_err == -ERANGE ? "ERANGE" : "EINVAL"))
		printf("# got err %d, value %" PRIu64 "\n", err, v);
}

static void parses32(parse32_fn fn, const char *fname, const char *s, uint32_t want)
{
	uint32_t v = 0xdead;
	int err = fn(s, &v);

	if (!tap_ok(!err && v == want, "%s(\"%s\") = %" PRIu32, fname, s, want))
		printf("# got err %d, value %" PRIu32 "\n", err, v);
}

static void rejects32(parse32_fn fn, const char *fname, const char *s, int want_err)
{
	uint32_t v = 0;
	int err = fn(s, &v);

	if (!tap_ok(err == want_err, "%s(\"%s\") fails with %s", fname, s,
		    want_err == -ERANGE ? "ERANGE" : "EINVAL"))
		printf("# got err %d, value %" PRIu32 "\n", err, v);
}

static void prints(fmt_fn fn, const char *fname, uint64_t v, const char *want)
{
	char buf[UNITS_BUF];
	const char *got = fn(buf, v);

	if (!tap_ok(!strcmp(got, want), "%s(%" PRIu64 ") = \"%s\"", fname, v, want))
		printf("# got \"%s\"\n", got);
}

/* fmt then parse gives the value back. */
static void round_trip64(fmt_fn fmt, parse64_fn parse, const char *name, uint64_t v)
{
	char buf[UNITS_BUF];
	uint64_t back = 0;
	int err;

	fmt(buf, v);
	err = parse(buf, &back);
	if (!tap_ok(!err && back == v, "%s round trip %" PRIu64 " via \"%s\"", name, v, buf))
		printf("# got err %d, value %" PRIu64 "\n", err, back);
}

static void round_trip32(fmt_fn fmt, parse32_fn parse, const char *name, uint32_t v)
{
	char buf[UNITS_BUF];
	uint32_t back = 0;
	int err;

	fmt(buf, v);
	err = parse(buf, &back);
	if (!tap_ok(!err && back == v, "%s round trip %" PRIu32 " via \"%s\"", name, v, buf))
		printf("# got err %d, value %" PRIu32 "\n", err, back);
}

#define P64(fn, s, v)	parses64(fn, #fn, s, v)
#define R64(fn, s, e)	rejects64(fn, #fn, s, e)
#define P32(fn, s, v)	parses32(fn, #fn, s, v)
#define R32(fn, s, e)	rejects32(fn, #fn, s, e)
#define F(fn, v, s)	prints(fn, #fn, v, s)

#define NS	1ULL
#define US	1000ULL
#define MS	1000000ULL
#define SEC	1000000000ULL

static void test_duration(void)
{
	/* Every unit. */
	P64(units_parse_duration, "7ns", 7);
	P64(units_parse_duration, "7us", 7 * US);
	P64(units_parse_duration, "100ms", 100 * MS);
	P64(units_parse_duration, "60s", 60 * SEC);
	P64(units_parse_duration, "5min", 300 * SEC);
	P64(units_parse_duration, "1h", 3600 * SEC);
	P64(units_parse_duration, "2d", 2 * 86400 * SEC);
	/* Fractions, zero. */
	P64(units_parse_duration, "1.5s", 1500 * MS);
	P64(units_parse_duration, "0.001s", 1 * MS);
	P64(units_parse_duration, "2.50ms", 2500 * US);
	P64(units_parse_duration, "1.5min", 90 * SEC);
	P64(units_parse_duration, "0", 0);
	P64(units_parse_duration, "0s", 0);
	P64(units_parse_duration, "0.0ms", 0);
	P64(units_parse_duration, "1.000000000000000000000s", SEC);	/* zeros past 18 digits */
	P64(units_parse_duration, "18446744073709551615ns", UINT64_MAX);
	/* Garbage. */
	R64(units_parse_duration, "", -EINVAL);
	R64(units_parse_duration, "s", -EINVAL);
	R64(units_parse_duration, "60", -EINVAL);		/* a unit is required */
	R64(units_parse_duration, "1m", -EINVAL);		/* minutes are "min" */
	R64(units_parse_duration, "1 s", -EINVAL);
	R64(units_parse_duration, " 1s", -EINVAL);
	R64(units_parse_duration, "1s ", -EINVAL);
	R64(units_parse_duration, "1sec", -EINVAL);
	R64(units_parse_duration, "1S", -EINVAL);
	R64(units_parse_duration, ".5s", -EINVAL);
	R64(units_parse_duration, "1.s", -EINVAL);
	R64(units_parse_duration, "1..5s", -EINVAL);
	R64(units_parse_duration, "0x10s", -EINVAL);
	R64(units_parse_duration, "1e3s", -EINVAL);
	R64(units_parse_duration, "1.5ns", -EINVAL);		/* not a whole ns */
	R64(units_parse_duration, "0.0000000001s", -EINVAL);
	R64(units_parse_duration, "1.0000000000000000001s", -EINVAL);
	/* Negative numbers. */
	R64(units_parse_duration, "-1s", -EINVAL);
	R64(units_parse_duration, "-0", -EINVAL);
	R64(units_parse_duration, "+1s", -EINVAL);
	/* Overflow. */
	R64(units_parse_duration, "18446744073709551616ns", -ERANGE);
	R64(units_parse_duration, "18446744074s", -ERANGE);
	R64(units_parse_duration, "213504d", -ERANGE);
	R64(units_parse_duration, "213503.99d", -ERANGE);
	R64(units_parse_duration, "99999999999999999999999ns", -ERANGE);
	P64(units_parse_duration, "213503d", 213503ULL * 86400 * SEC);

	/* Printing: the largest unit that divides exactly, decimals for s/ms/us. */
	F(units_fmt_duration, 0, "0");
	F(units_fmt_duration, 1, "1ns");
	F(units_fmt_duration, 999, "999ns");
	F(units_fmt_duration, 1000, "1us");
	F(units_fmt_duration, 1500, "1.5us");
	F(units_fmt_duration, 1001, "1.001us");
	F(units_fmt_duration, 1234567, "1234.567us");
	F(units_fmt_duration, 100 * MS, "100ms");
	F(units_fmt_duration, 1500 * MS, "1.5s");
	F(units_fmt_duration, 1234 * MS, "1.234s");
	F(units_fmt_duration, 1234500 * US, "1234.5ms");
	F(units_fmt_duration, 30 * SEC, "30s");
	F(units_fmt_duration, 60 * SEC, "1min");
	F(units_fmt_duration, 90 * SEC, "90s");
	F(units_fmt_duration, 3600 * SEC, "1h");
	F(units_fmt_duration, 5400 * SEC, "90min");
	F(units_fmt_duration, 86400 * SEC, "1d");
	F(units_fmt_duration, 36 * 3600 * SEC, "36h");
	F(units_fmt_duration, UINT64_MAX, "18446744073709551.615us");
	F(units_fmt_duration, 1000000001, "1000000.001us");

	{
		static const uint64_t vals[] = {
			0, 1, 999, 1000, 1001, 1500, 999999, 1000001, 100 * MS,
			1500 * MS, 60 * SEC, 61 * SEC, 3599 * SEC, 86400 * SEC,
			123456789012345ULL, UINT64_MAX, UINT64_MAX - 1,
			213503ULL * 86400 * SEC,
		};
		size_t i;

		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			round_trip64(units_fmt_duration, units_parse_duration, "duration", vals[i]);
	}
}

static void test_rates(void)
{
	P64(units_parse_rate, "500/s", 500);
	P64(units_parse_rate, "500", 500);
	P64(units_parse_rate, "1k/s", 1000);
	P64(units_parse_rate, "1K/s", 1000);
	P64(units_parse_rate, "2.5k/s", 2500);
	P64(units_parse_rate, "10M/s", 10000000);
	P64(units_parse_rate, "1G/s", 1000000000);
	P64(units_parse_rate, "1G", 1000000000);
	P64(units_parse_rate, "0", 0);
	R64(units_parse_rate, "1.5/s", -EINVAL);		/* whole calls only */
	R64(units_parse_rate, "1k/min", -EINVAL);
	R64(units_parse_rate, "1k/", -EINVAL);
	R64(units_parse_rate, "1x/s", -EINVAL);
	R64(units_parse_rate, "/s", -EINVAL);
	R64(units_parse_rate, "-1k/s", -EINVAL);
	R64(units_parse_rate, "18446744073709552k/s", -ERANGE);
	P64(units_parse_rate, "18446744073709551615/s", UINT64_MAX);
	F(units_fmt_rate, 0, "0/s");
	F(units_fmt_rate, 500, "500/s");
	F(units_fmt_rate, 1000, "1k/s");
	F(units_fmt_rate, 1500, "1.5k/s");
	F(units_fmt_rate, 1000001, "1000.001k/s");
	F(units_fmt_rate, 999, "999/s");
	F(units_fmt_rate, 10000000, "10M/s");
	F(units_fmt_rate, 2500000000ULL, "2.5G/s");

	/* The adaptive limiter's milli-calls per second. */
	P64(units_parse_rate_milli, "100/s", 100000);
	P64(units_parse_rate_milli, "1k/s", 1000000);
	P64(units_parse_rate_milli, "10k/s", 10000000);
	P64(units_parse_rate_milli, "0.5/s", 500);
	P64(units_parse_rate_milli, "0.001/s", 1);
	R64(units_parse_rate_milli, "0.0001/s", -EINVAL);
	R64(units_parse_rate_milli, "18446744073709552/s", -ERANGE);
	F(units_fmt_rate_milli, 100000, "100/s");
	F(units_fmt_rate_milli, 1000000, "1k/s");
	F(units_fmt_rate_milli, 500, "0.5/s");
	F(units_fmt_rate_milli, 1, "0.001/s");
	F(units_fmt_rate_milli, 1234, "1.234/s");
	F(units_fmt_rate_milli, 0, "0/s");

	/* Bytes: 1024-based. */
	P64(units_parse_byte_rate, "10M/s", 10 * 1024 * 1024);
	P64(units_parse_byte_rate, "512k/s", 512 * 1024);
	P64(units_parse_byte_rate, "1.5k/s", 1536);
	P64(units_parse_byte_rate, "1G/s", 1024ULL * 1024 * 1024);
	R64(units_parse_byte_rate, "1.0001k/s", -EINVAL);
	F(units_fmt_byte_rate, 10 * 1024 * 1024, "10M/s");
	F(units_fmt_byte_rate, 1536, "1.5k/s");
	F(units_fmt_byte_rate, 1000, "1000/s");

	{
		static const uint64_t vals[] = {
			0, 1, 999, 1000, 1024, 1500, 1536, 999999, 1000000, 1048576,
			123456789, UINT64_MAX,
		};
		size_t i;

		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
			round_trip64(units_fmt_rate, units_parse_rate, "rate", vals[i]);
			round_trip64(units_fmt_rate_milli, units_parse_rate_milli, "rate_milli", vals[i]);
			round_trip64(units_fmt_byte_rate, units_parse_byte_rate, "byte_rate", vals[i]);
			round_trip64(units_fmt_size, units_parse_size, "size", vals[i]);
		}
	}
}

static void test_sizes(void)
{
	P64(units_parse_size, "4096", 4096);
	P64(units_parse_size, "64k", 65536);
	P64(units_parse_size, "64K", 65536);
	P64(units_parse_size, "10M", 10485760);
	P64(units_parse_size, "2G", 2147483648ULL);
	P64(units_parse_size, "0.5k", 512);
	R64(units_parse_size, "1k/s", -EINVAL);
	R64(units_parse_size, "1kB", -EINVAL);
	R64(units_parse_size, "1T", -EINVAL);
	R64(units_parse_size, "0.1k", -EINVAL);
	R64(units_parse_size, "-1k", -EINVAL);
	R64(units_parse_size, "17179869184G", -ERANGE);
	F(units_fmt_size, 65536, "64k");
	F(units_fmt_size, 10485760, "10M");
	F(units_fmt_size, 1536, "1.5k");
	F(units_fmt_size, 4097, "4097");
}

static void test_shares(void)
{
	P32(units_parse_ppm, "99.9%", 999000);
	P32(units_parse_ppm, "99.99%", 999900);
	P32(units_parse_ppm, "50%", 500000);
	P32(units_parse_ppm, "100%", 1000000);
	P32(units_parse_ppm, "0%", 0);
	P32(units_parse_ppm, "0", 0);
	P32(units_parse_ppm, "0.0001%", 1);
	R32(units_parse_ppm, "0.00001%", -EINVAL);
	R32(units_parse_ppm, "50", -EINVAL);		/* "%" is required */
	R32(units_parse_ppm, "0.5", -EINVAL);
	R32(units_parse_ppm, "50 %", -EINVAL);
	R32(units_parse_ppm, "%", -EINVAL);
	R32(units_parse_ppm, "-5%", -EINVAL);
	R32(units_parse_ppm, "100.0001%", -ERANGE);
	R32(units_parse_ppm, "99999999999999999999%", -ERANGE);
	F(units_fmt_ppm, 999000, "99.9%");
	F(units_fmt_ppm, 995000, "99.5%");
	F(units_fmt_ppm, 1000000, "100%");
	F(units_fmt_ppm, 1, "0.0001%");
	F(units_fmt_ppm, 0, "0%");

	P32(units_parse_permille, "75%", 750);
	P32(units_parse_permille, "20%", 200);
	P32(units_parse_permille, "0.1%", 1);
	R32(units_parse_permille, "0.05%", -EINVAL);
	R32(units_parse_permille, "101%", -ERANGE);
	F(units_fmt_permille, 750, "75%");
	F(units_fmt_permille, 1, "0.1%");
	F(units_fmt_permille, 1000, "100%");

	P32(units_parse_factor, "2", 2000);
	P32(units_parse_factor, "2.0", 2000);
	P32(units_parse_factor, "1.5", 1500);
	P32(units_parse_factor, "1.001", 1001);
	R32(units_parse_factor, "1.0001", -EINVAL);
	R32(units_parse_factor, "x2", -EINVAL);
	R32(units_parse_factor, "-2", -EINVAL);
	R32(units_parse_factor, "4294968", -ERANGE);
	F(units_fmt_factor, 2000, "2");
	F(units_fmt_factor, 1500, "1.5");
	F(units_fmt_factor, 1001, "1.001");

	{
		static const uint32_t vals[] = { 0, 1, 9, 10, 999, 1000, 999000, 999999, 1000000 };
		size_t i;

		for (i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
			round_trip32(units_fmt_ppm, units_parse_ppm, "ppm", vals[i]);
			if (vals[i] <= 1000)
				round_trip32(units_fmt_permille, units_parse_permille,
					     "permille", vals[i]);
			round_trip32(units_fmt_factor, units_parse_factor, "factor", vals[i]);
		}
		round_trip32(units_fmt_factor, units_parse_factor, "factor", UINT32_MAX);
	}
}

static void test_counts(void)
{
	P32(units_parse_u32, "0", 0);
	P32(units_parse_u32, "100", 100);
	P32(units_parse_u32, "007", 7);
	P32(units_parse_u32, "4294967295", UINT32_MAX);
	R32(units_parse_u32, "4294967296", -ERANGE);
	R32(units_parse_u32, "-1", -EINVAL);
	R32(units_parse_u32, "1.5", -EINVAL);
	R32(units_parse_u32, "1k", -EINVAL);
	R32(units_parse_u32, "", -EINVAL);
	R32(units_parse_u32, "abc", -EINVAL);
	P64(units_parse_u64, "18446744073709551615", UINT64_MAX);
	P64(units_parse_u64, "1.0", 1);
	R64(units_parse_u64, "18446744073709551616", -ERANGE);
	R64(units_parse_u64, "-1", -EINVAL);
}

int main(void)
{
	tap_start();
	test_duration();
	test_rates();
	test_sizes();
	test_shares();
	test_counts();
	return tap_done();
}
