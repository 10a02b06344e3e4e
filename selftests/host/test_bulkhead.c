// SPDX-License-Identifier: GPL-2.0
/*
 * Host run of the dwcp_bulkhead KUnit suite: kmod/tests/bulkhead_kunit.c is compiled
 * here unchanged against a minimal KUnit stand-in, and each expectation
 * becomes one TAP line, so the host and the VM check the same properties.
 */
#include "tap.h"
#include "core/compat.h"

#define KUNIT_PARAM_DESC_SIZE 128

struct kunit {
	const void *param_value;
	const char *name;
	char desc[KUNIT_PARAM_DESC_SIZE];
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

static int kunit_host_check(struct kunit *test, int ok, const char *expr,
			    unsigned long long l, unsigned long long r, int line)
{
	if (!tap_ok(ok, "%s%s%s: %s", test->name, test->desc[0] ? " " : "",
		    test->desc, expr)) {
		printf("# line %d: left %llu (%lld), right %llu (%lld)\n", line,
		       l, (long long)l, r, (long long)r);
		test->failed = 1;
	}
	return ok;
}

/* Each side once, as KUnit does; the kernel builds with -Wno-sign-compare. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#define KUNIT_HOST_BIN(test, l, op, r) ({				\
	typeof(l) __l = (l);						\
	typeof(r) __r = (r);						\
	kunit_host_check(test, __l op __r, #l " " #op " " #r,		\
			 (unsigned long long)__l, (unsigned long long)__r, \
			 __LINE__);						\
})
#define KUNIT_EXPECT_EQ(test, l, r)	KUNIT_HOST_BIN(test, l, ==, r)
#define KUNIT_EXPECT_NE(test, l, r)	KUNIT_HOST_BIN(test, l, !=, r)
#define KUNIT_EXPECT_LT(test, l, r)	KUNIT_HOST_BIN(test, l, <, r)
#define KUNIT_EXPECT_LE(test, l, r)	KUNIT_HOST_BIN(test, l, <=, r)
#define KUNIT_EXPECT_GT(test, l, r)	KUNIT_HOST_BIN(test, l, >, r)
#define KUNIT_EXPECT_GE(test, l, r)	KUNIT_HOST_BIN(test, l, >=, r)
#define KUNIT_EXPECT_TRUE(test, c)	KUNIT_HOST_BIN(test, !!(c), ==, 1)
#define KUNIT_EXPECT_FALSE(test, c)	KUNIT_HOST_BIN(test, !!(c), ==, 0)
#define KUNIT_ASSERT_EQ(test, l, r)					\
	do { if (!KUNIT_EXPECT_EQ(test, l, r)) return; } while (0)
#define KUNIT_ASSERT_TRUE(test, c)					\
	do { if (!KUNIT_EXPECT_TRUE(test, c)) return; } while (0)

#define KUNIT_CASE(f)		{ .run_case = f, .name = #f }
#define KUNIT_CASE_PARAM(f, g)	{ .run_case = f, .name = #f, .generate_params = g }

#define KUNIT_ARRAY_PARAM(name, array, get_desc)			\
	static const void *name##_gen_params(const void *prev, char *desc) \
	{								\
		typeof((array)[0]) *__next = prev ?			\
			((typeof(__next))prev) + 1 : (array);		\
		if ((size_t)(__next - (array)) < ARRAY_SIZE(array)) {	\
			get_desc(__next, desc);				\
			return __next;					\
		}							\
		return NULL;						\
	}

#define kunit_test_suite(s)	static struct kunit_suite *const kunit_host_suite = &(s)

#include "tests/bulkhead_kunit.c"

int main(void)
{
	struct kunit_case *c;

	tap_start();
	printf("# suite %s\n", kunit_host_suite->name);
	for (c = kunit_host_suite->test_cases; c->run_case; c++) {
		struct kunit test = { .name = c->name };
		const void *p = NULL;

		if (!c->generate_params) {
			c->run_case(&test);
			continue;
		}
		while ((p = c->generate_params(p, test.desc))) {
			test.param_value = p;
			c->run_case(&test);
			test.desc[0] = 0;
		}
	}
	return tap_done();
}
