// SPDX-License-Identifier: GPL-2.0
/*
 * Host TAP run of the breaker's KUnit suite: a minimal KUnit shim (the subset
 * kmod/tests/breaker_kunit.c uses) so that the very same properties run here
 * under ASan/UBSan. One TAP line per test case (per parameter for
 * KUNIT_CASE_PARAM); failed expectations are printed as TAP comments.
 */
#include <stdio.h>

#include "tap.h"
#include "core/breaker.h"

#define KUNIT_PARAM_DESC_SIZE 128

struct kunit {
	const void *param_value;
	int failed;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(f)			{ .run_case = f, .name = #f }
#define KUNIT_CASE_PARAM(f, gen)	{ .run_case = f, .name = #f, .generate_params = gen }
#define kunit_test_suite(s)		static struct kunit_suite *host_suite = &(s)
#define kunit_info(test, fmt, ...)	printf("# " fmt, ##__VA_ARGS__)

/* Next element of an array of @n bytes with @size-byte elements, or NULL. */
static const void *host_param_next(const void *base, size_t n, size_t size, const void *prev)
{
	const char *p = prev ? (const char *)prev + size : (const char *)base;

	return (size_t)(p - (const char *)base) < n ? p : NULL;
}

/* Like the kernel's, except that get_desc must not be NULL. */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)				\
	static const void *name##_gen_params(const void *prev, char *desc)	\
	{									\
		const void *next = host_param_next(array, sizeof(array),	\
						   sizeof((array)[0]), prev);	\
		if (next)							\
			get_desc(next, desc);					\
		return next;							\
	}

static void host_expect(struct kunit *test, int ok, const char *file, int line,
			const char *what, long long a, long long b)
{
	if (ok)
		return;
	test->failed++;
	printf("# %s:%d: expected %s (%lld vs %lld)\n", file, line, what, a, b);
}

#define HOST_CMP(test, a, op, b)						\
	do {									\
		long long _a = (long long)(a), _b = (long long)(b);		\
		host_expect(test, _a op _b, __FILE__, __LINE__, #a " " #op " " #b, _a, _b); \
	} while (0)

#define KUNIT_EXPECT_EQ(test, a, b)	HOST_CMP(test, a, ==, b)
#define KUNIT_EXPECT_NE(test, a, b)	HOST_CMP(test, a, !=, b)
#define KUNIT_EXPECT_TRUE(test, c)	HOST_CMP(test, !!(c), ==, 1)

#include "../../kmod/tests/breaker_kunit.c"

int main(void)
{
	struct kunit_case *kc;

	tap_start();
	printf("# suite %s\n", host_suite->name);
	for (kc = host_suite->test_cases; kc->run_case; kc++) {
		struct kunit test = { 0 };
		char desc[KUNIT_PARAM_DESC_SIZE];
		const void *p = NULL;

		if (!kc->generate_params) {
			kc->run_case(&test);
			tap_ok(!test.failed, "%s", kc->name);
			continue;
		}
		for (desc[0] = 0; (p = kc->generate_params(p, desc)); desc[0] = 0) {
			test.param_value = p;
			test.failed = 0;
			kc->run_case(&test);
			tap_ok(!test.failed, "%s: %s", kc->name, desc);
		}
	}
	return tap_done();
}
