// SPDX-License-Identifier: GPL-2.0
/*
 * Host run of the dwcp_budget KUnit suite: a few lines of KUnit shim turn
 * each case (and each parameter of a parameterised case) into one TAP line,
 * so the properties live in exactly one place, kmod/tests/budget_kunit.c.
 *
 * test_degrade.c and test_chaos.c reuse the shim by defining
 * DWCP_KUNIT_SHIM_ONLY and including this file (it belongs in a shared
 * kunit_shim.h once one exists).
 */
#include "tap.h"
#include <string.h>

#define DWCP_HOST_KUNIT 1
#define GFP_KERNEL 0
#define KUNIT_PARAM_DESC_SIZE 128
#define KUNIT_MAX_ALLOCS 16

struct kunit {
	const void *param_value;
	int failed;
	int nallocs;
	void *allocs[KUNIT_MAX_ALLOCS];
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

static inline void *kunit_kzalloc(struct kunit *test, size_t n, int gfp)
{
	void *p;

	(void)gfp;
	if (test->nallocs == KUNIT_MAX_ALLOCS)
		return NULL;
	p = calloc(1, n);
	test->allocs[test->nallocs++] = p;
	return p;
}

#define KUNIT_CASE(f)		{ .run_case = f, .name = #f }
#define KUNIT_CASE_PARAM(f, g)	{ .run_case = f, .name = #f, .generate_params = g }
#define KUNIT_ARRAY_PARAM(name, array, get_desc)				\
static const void *name##_gen_params(const void *prev, char *desc)		\
{										\
	const size_t nr = ARRAY_SIZE(array);					\
	size_t i = prev ? (size_t)((const __typeof__((array)[0]) *)prev -	\
				   (array)) + 1 : 0;				\
										\
	if (i >= nr)								\
		return NULL;							\
	get_desc(&(array)[i], desc);						\
	return &(array)[i];							\
}

#define kunit_test_suite(s)	static struct kunit_suite *host_suite = &(s)

#define SHIM_FAIL(t, ...) do {							\
	(t)->failed++;								\
	printf("# %s:%d: ", __FILE__, __LINE__);				\
	printf(__VA_ARGS__);							\
	printf("\n");								\
} while (0)
#define SHIM_BIN(t, a, op, b) do {						\
	__typeof__(a) _a = (a);							\
	__typeof__(b) _b = (b);							\
	if (!(_a op _b))							\
		SHIM_FAIL(t, "%s %s %s: %lld vs %lld", #a, #op, #b,		\
			  (long long)_a, (long long)_b);			\
} while (0)
#define SHIM_TRUE(t, c) do {							\
	if (!(c))								\
		SHIM_FAIL(t, "%s", #c);						\
} while (0)
#define KUNIT_EXPECT_TRUE(t, c)		SHIM_TRUE(t, (c))
#define KUNIT_EXPECT_FALSE(t, c)	SHIM_TRUE(t, !(c))
#define KUNIT_EXPECT_EQ(t, a, b)	SHIM_BIN(t, a, ==, b)
#define KUNIT_EXPECT_NE(t, a, b)	SHIM_BIN(t, a, !=, b)
#define KUNIT_EXPECT_LT(t, a, b)	SHIM_BIN(t, a, <, b)
#define KUNIT_EXPECT_LE(t, a, b)	SHIM_BIN(t, a, <=, b)
#define KUNIT_EXPECT_GT(t, a, b)	SHIM_BIN(t, a, >, b)
#define KUNIT_EXPECT_GE(t, a, b)	SHIM_BIN(t, a, >=, b)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(t, p) SHIM_TRUE(t, (p) != NULL)
/* Only allocation is asserted; a failed allocation ends the run. */
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p) do {				\
	if (!(p))								\
		abort();							\
} while (0)

/* Run every case of a suite, one TAP line per case and parameter. */
static inline int shim_run_suite(struct kunit_suite *suite)
{
	struct kunit_case *c;

	tap_start();
	for (c = suite->test_cases; c->run_case; c++) {
		const void *param = NULL;
		char desc[KUNIT_PARAM_DESC_SIZE];

		do {
			struct kunit t;
			int i;

			memset(&t, 0, sizeof(t));
			desc[0] = 0;
			if (c->generate_params) {
				param = c->generate_params(param, desc);
				if (!param)
					break;
			}
			t.param_value = param;
			c->run_case(&t);
			tap_ok(!t.failed, "%s.%s%s%s", suite->name, c->name,
			       desc[0] ? " " : "", desc);
			for (i = 0; i < t.nallocs; i++)
				free(t.allocs[i]);
		} while (c->generate_params);
	}
	return tap_done();
}

#ifndef DWCP_KUNIT_SHIM_ONLY
#include "../../kmod/tests/budget_kunit.c"

int main(void)
{
	return shim_run_suite(host_suite);
}
#endif
