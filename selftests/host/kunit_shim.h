/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host stand-in for the part of <kunit/test.h> (Linux 6.1) that the suites in
 * kmod/tests/ use, so each suite compiles unchanged into a host binary and
 * runs under ASan/UBSan with the very same properties the VM checks. This is
 * test infrastructure, like host_compat.h: it is not module code and not held
 * to checkpatch.
 *
 * A host test is three lines (selftests/host/test_<p>.c):
 *
 *	#include "kunit_shim.h"
 *	#include "tests/<p>_kunit.c"
 *	KUNIT_HOST_MAIN();
 *
 * and a KUnit file guards its kernel-only includes with
 *
 *	#ifdef __KERNEL__
 *	#include <kunit/test.h>
 *	#endif
 *
 * Output is TAP (via tap.h): one "ok N - suite.case[ param desc]" line per
 * case and per parameter of a KUNIT_CASE_PARAM case; failed expectations are
 * printed before it as "# file:line: ..." comments with both values. As in
 * KUnit, an expectation records a failure and goes on, an assertion records
 * it and ends the case (longjmp); suite ->exit still runs and every
 * kunit_k*alloc() of the case is freed when the case ends.
 *
 * Supported: struct kunit (priv, name, param_value, param_index, status),
 * struct kunit_case, struct kunit_suite (suite_init/suite_exit/init/exit),
 * KUNIT_CASE, KUNIT_CASE_PARAM, KUNIT_ARRAY_PARAM, kunit_test_suite(s),
 * KUNIT_{EXPECT,ASSERT}_{TRUE,FALSE,EQ,NE,LT,LE,GT,GE,PTR_EQ,PTR_NE,NULL,
 * NOT_NULL,NOT_ERR_OR_NULL,STREQ,STRNEQ} and their _MSG variants, KUNIT_FAIL,
 * kunit_kmalloc/kzalloc/kcalloc/kmalloc_array/kfree, kunit_info/warn/err/log,
 * kunit_mark_skipped/kunit_skip, GFP_KERNEL and the two kernel library calls
 * the suites use beyond kmod/core/compat.h: strscpy() and sort().
 */
#ifndef _DWCP_HOST_KUNIT_SHIM_H
#define _DWCP_HOST_KUNIT_SHIM_H

#ifdef __KERNEL__
#error "kunit_shim.h is for host builds; the kernel has <kunit/test.h>"
#endif

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "tap.h"
#include "core/compat.h"

/*
 * KUnit compares with the C operators on each side's own type; the kernel
 * builds with -Wno-sign-compare, so do the same for the suites.
 */
#pragma GCC diagnostic ignored "-Wsign-compare"

#define KUNIT_PARAM_DESC_SIZE		128
#define KUNIT_HOST_MAX_SUITES		64

/* ---- kernel bits the suites get from <kunit/test.h>'s includes ---- */

typedef unsigned int gfp_t;
#define GFP_KERNEL	((gfp_t)0x0cc0)
#define GFP_ATOMIC	((gfp_t)0x0a20)
#define __GFP_ZERO	((gfp_t)0x100)

#define KUNIT_HOST_MAX_ERRNO	4095
#define KUNIT_HOST_IS_ERR_OR_NULL(p)					\
	(!(p) || (uintptr_t)(p) >= (uintptr_t)-KUNIT_HOST_MAX_ERRNO)

/* <linux/string.h>: copy with truncation, -E2BIG if truncated. */
static inline ssize_t strscpy(char *dst, const char *src, size_t size)
{
	size_t n;

	if (!size)
		return -E2BIG;
	n = strnlen(src, size);
	if (n == size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = 0;
		return -E2BIG;
	}
	memcpy(dst, src, n + 1);
	return (ssize_t)n;
}

/* <linux/sort.h>: qsort, or a plain insertion sort through @swap_func. */
typedef int (*cmp_func_t)(const void *a, const void *b);
typedef void (*swap_func_t)(void *a, void *b, int size);

static inline void sort(void *base, size_t num, size_t size, cmp_func_t cmp_func,
			swap_func_t swap_func)
{
	char *b = base;
	size_t i, j;

	if (!swap_func) {
		qsort(base, num, size, cmp_func);
		return;
	}
	for (i = 1; i < num; i++)
		for (j = i; j > 0 && cmp_func(b + (j - 1) * size, b + j * size) > 0; j--)
			swap_func(b + (j - 1) * size, b + j * size, (int)size);
}

/* ---- test, case, suite ---- */

enum kunit_status {
	KUNIT_SUCCESS,
	KUNIT_FAILURE,
	KUNIT_SKIPPED,
};

struct kunit_host_alloc {
	_Alignas(max_align_t) struct kunit_host_alloc *next;
};

struct kunit {
	void *priv;

	/* read-only for tests */
	const char *name;
	const void *param_value;
	int param_index;
	enum kunit_status status;
	char status_comment[256];

	/* host private */
	jmp_buf kunit_host_jmp;
	struct kunit_host_alloc *kunit_host_allocs;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
	const void *(*generate_params)(const void *prev, char *desc);
};

struct kunit_suite {
	const char name[256];
	int (*suite_init)(struct kunit_suite *suite);
	void (*suite_exit)(struct kunit_suite *suite);
	int (*init)(struct kunit *test);
	void (*exit)(struct kunit *test);
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(test_name)	{ .run_case = test_name, .name = #test_name }
#define KUNIT_CASE_PARAM(test_name, gen_params)				\
	{ .run_case = test_name, .name = #test_name,			\
	  .generate_params = gen_params }

/* As in the kernel: @get_desc may be NULL (the runner then says "param-N"). */
#define KUNIT_ARRAY_PARAM(name, array, get_desc)				\
	static const void *name##_gen_params(const void *prev, char *desc)	\
	{									\
		__typeof__((array)[0]) *__next = prev ?				\
			((__typeof__(__next))prev) + 1 : (array);		\
		if ((size_t)(__next - (array)) < ARRAY_SIZE(array)) {		\
			void (*__get_desc)(__typeof__(__next), char *) = get_desc; \
			if (__get_desc)						\
				__get_desc(__next, desc);			\
			return __next;						\
		}								\
		return NULL;							\
	}

/* ---- suite registry: kunit_test_suite(s) register before main() ---- */

static struct kunit_suite *kunit_host_suites[KUNIT_HOST_MAX_SUITES];
static unsigned int kunit_host_nsuites;

static inline void kunit_host_register(struct kunit_suite *const *suites)
{
	for (; *suites; suites++) {
		if (kunit_host_nsuites == KUNIT_HOST_MAX_SUITES) {
			fprintf(stderr, "kunit_shim: more than %d suites\n",
				KUNIT_HOST_MAX_SUITES);
			abort();
		}
		kunit_host_suites[kunit_host_nsuites++] = *suites;
	}
}

#define KUNIT_HOST_CAT_(a, b)	a##b
#define KUNIT_HOST_CAT(a, b)	KUNIT_HOST_CAT_(a, b)
#define KUNIT_HOST_SUITES_(id, ...)						\
	static struct kunit_suite *const KUNIT_HOST_CAT(kunit_host_suites_, id)[] = \
		{ __VA_ARGS__, NULL };						\
	static void __attribute__((constructor))				\
	KUNIT_HOST_CAT(kunit_host_register_, id)(void)				\
	{									\
		kunit_host_register(KUNIT_HOST_CAT(kunit_host_suites_, id));	\
	}									\
	extern int kunit_host_swallow_semicolon
#define kunit_test_suites(...)	KUNIT_HOST_SUITES_(__COUNTER__, __VA_ARGS__)
#define kunit_test_suite(suite)	kunit_test_suites(&suite)
#define kunit_test_init_section_suites(...) kunit_test_suites(__VA_ARGS__)

/* ---- test-managed memory ---- */

static inline void *kunit_kmalloc_array(struct kunit *test, size_t n, size_t size,
					gfp_t gfp)
{
	struct kunit_host_alloc *a;
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes) ||
	    __builtin_add_overflow(bytes, sizeof(*a), &bytes))
		return NULL;
	a = (gfp & __GFP_ZERO) ? calloc(1, bytes) : malloc(bytes);
	if (!a)
		return NULL;
	a->next = test->kunit_host_allocs;
	test->kunit_host_allocs = a;
	return a + 1;
}

static inline void *kunit_kmalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, 1, size, gfp);
}

static inline void *kunit_kzalloc(struct kunit *test, size_t size, gfp_t gfp)
{
	return kunit_kmalloc(test, size, gfp | __GFP_ZERO);
}

static inline void *kunit_kcalloc(struct kunit *test, size_t n, size_t size, gfp_t gfp)
{
	return kunit_kmalloc_array(test, n, size, gfp | __GFP_ZERO);
}

static inline void kunit_kfree(struct kunit *test, const void *ptr)
{
	struct kunit_host_alloc **pp;

	if (!ptr)
		return;
	for (pp = &test->kunit_host_allocs; *pp; pp = &(*pp)->next) {
		if (*pp + 1 == ptr) {
			struct kunit_host_alloc *a = *pp;

			*pp = a->next;
			free(a);
			return;
		}
	}
	fprintf(stderr, "kunit_shim: kunit_kfree of unmanaged %p\n", ptr);
	abort();
}

static inline void kunit_host_free_all(struct kunit *test)
{
	while (test->kunit_host_allocs) {
		struct kunit_host_alloc *a = test->kunit_host_allocs;

		test->kunit_host_allocs = a->next;
		free(a);
	}
}

/* ---- logging: every line becomes a TAP comment ---- */

static inline __attribute__((format(printf, 2, 3)))
void kunit_host_log(const char *prefix, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	size_t n;
	char *line, *nl;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = 0;
	for (line = buf; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = 0;
		printf("# %s%s\n", prefix, line);
	}
}

/*
 * Formats written in the suites are for the kernel, where u64 is unsigned
 * long long ("%llu"); on the host it is unsigned long. Both are 64 bits on
 * the hosts we run, so they print correctly, but they must not be checked
 * against the host types: the W=1 kernel build checks them.
 */
static inline void kunit_host_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	vsnprintf(buf, size, fmt, ap);
}

static inline void kunit_host_user_log(const char *prefix, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	kunit_host_vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kunit_host_log(prefix, "%s", buf);
}

static inline void kunit_host_user_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kunit_host_vformat(buf, size, fmt, ap);
	va_end(ap);
}

#define kunit_log(lvl, test, fmt, ...)					\
	((void)(test), kunit_host_user_log("", fmt, ##__VA_ARGS__))
#define kunit_info(test, fmt, ...)					\
	((void)(test), kunit_host_user_log("", fmt, ##__VA_ARGS__))
#define kunit_warn(test, fmt, ...)					\
	((void)(test), kunit_host_user_log("warning: ", fmt, ##__VA_ARGS__))
#define kunit_err(test, fmt, ...)					\
	((void)(test), kunit_host_user_log("error: ", fmt, ##__VA_ARGS__))

#define kunit_mark_skipped(test, fmt, ...) do {				\
	(test)->status = KUNIT_SKIPPED;					\
	kunit_host_user_format((test)->status_comment,			\
			       sizeof((test)->status_comment),		\
			       fmt, ##__VA_ARGS__);				\
} while (0)

#define kunit_skip(test, fmt, ...) do {					\
	kunit_mark_skipped(test, fmt, ##__VA_ARGS__);			\
	longjmp((test)->kunit_host_jmp, 1);				\
} while (0)

/* ---- expectations and assertions ---- */

static unsigned long kunit_host_nchecks;

static inline bool kunit_host_check(struct kunit *test, bool ok)
{
	kunit_host_nchecks++;
	if (!ok)
		test->status = KUNIT_FAILURE;
	return ok;
}

static inline __attribute__((format(printf, 4, 5)))
void kunit_host_fail(const char *file, int line, bool fatal, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kunit_host_log("", "%s:%d: %s failed: %s", file, line,
		       fatal ? "assertion" : "expectation", buf);
}

/* The optional message of the _MSG variants (the others pass "%s", ""). */
static inline void kunit_host_msg(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	kunit_host_vformat(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (buf[0])
		kunit_host_log("    ", "%s", buf);
}

static inline __attribute__((noreturn)) void kunit_host_abort(struct kunit *test)
{
	longjmp(test->kunit_host_jmp, 1);
}

#define KUNIT_HOST_IS_SIGNED(x) _Generic((x),				\
	signed char: 1, short: 1, int: 1, long: 1, long long: 1,	\
	char: ((char)-1 < 0), default: 0)

static inline void kunit_host_print_value(const char *expr, unsigned long long v,
					  bool is_signed)
{
	if (is_signed)
		kunit_host_log("    ", "%s == %lld (0x%llx)", expr, (long long)v, v);
	else
		kunit_host_log("    ", "%s == %llu (0x%llx)", expr, v, v);
}

#define KUNIT_HOST_BINARY(test, fatal, left, op, right, ...) do {		\
	const __typeof__(left) __kunit_l = (left);				\
	const __typeof__(right) __kunit_r = (right);				\
	if (!kunit_host_check(test, __kunit_l op __kunit_r)) {			\
		kunit_host_fail(__FILE__, __LINE__, fatal, "%s %s %s",		\
				#left, #op, #right);				\
		kunit_host_print_value(#left, (unsigned long long)__kunit_l,	\
				       KUNIT_HOST_IS_SIGNED(__kunit_l));	\
		kunit_host_print_value(#right, (unsigned long long)__kunit_r,	\
				       KUNIT_HOST_IS_SIGNED(__kunit_r));	\
		kunit_host_msg(__VA_ARGS__);					\
		if (fatal)							\
			kunit_host_abort(test);					\
	}									\
} while (0)

#define KUNIT_HOST_PTR(test, fatal, left, op, right, ...) do {		\
	const void *const __kunit_l = (left);					\
	const void *const __kunit_r = (right);					\
	if (!kunit_host_check(test, __kunit_l op __kunit_r)) {			\
		kunit_host_fail(__FILE__, __LINE__, fatal,			\
				"%s %s %s (%p vs %p)", #left, #op, #right,	\
				__kunit_l, __kunit_r);				\
		kunit_host_msg(__VA_ARGS__);					\
		if (fatal)							\
			kunit_host_abort(test);					\
	}									\
} while (0)

#define KUNIT_HOST_BOOL(test, fatal, cond, want, ...) do {			\
	const bool __kunit_c = (cond);						\
	if (!kunit_host_check(test, __kunit_c == (want))) {			\
		kunit_host_fail(__FILE__, __LINE__, fatal,			\
				"%s is %s, expected %s", #cond,		\
				(want) ? "false" : "true",			\
				(want) ? "true" : "false");			\
		kunit_host_msg(__VA_ARGS__);					\
		if (fatal)							\
			kunit_host_abort(test);					\
	}									\
} while (0)

/* @err_ok: an ERR_PTR() passes (NULL / NOT_NULL) or fails (NOT_ERR_OR_NULL). */
#define KUNIT_HOST_NULLNESS(test, fatal, ptr, want_null, err_ok, what, ...) do { \
	const void *const __kunit_p = (ptr);					\
	bool __kunit_ok = (want_null) ? !__kunit_p :				\
		(err_ok) ? !!__kunit_p : !KUNIT_HOST_IS_ERR_OR_NULL(__kunit_p); \
	if (!kunit_host_check(test, __kunit_ok)) {				\
		kunit_host_fail(__FILE__, __LINE__, fatal, "%s is %p, expected %s", \
				#ptr, __kunit_p, what);				\
		kunit_host_msg(__VA_ARGS__);					\
		if (fatal)							\
			kunit_host_abort(test);					\
	}									\
} while (0)

#define KUNIT_HOST_STR(test, fatal, left, op, right, ...) do {		\
	const char *const __kunit_l = (left);					\
	const char *const __kunit_r = (right);					\
	if (!kunit_host_check(test, strcmp(__kunit_l, __kunit_r) op 0)) {	\
		kunit_host_fail(__FILE__, __LINE__, fatal,			\
				"%s %s %s (\"%s\" vs \"%s\")", #left, #op,	\
				#right, __kunit_l, __kunit_r);			\
		kunit_host_msg(__VA_ARGS__);					\
		if (fatal)							\
			kunit_host_abort(test);					\
	}									\
} while (0)

#define KUNIT_FAIL(test, fmt, ...) do {					\
	kunit_host_check(test, false);						\
	kunit_host_fail(__FILE__, __LINE__, false, "KUNIT_FAIL");		\
	kunit_host_msg(fmt, ##__VA_ARGS__);					\
} while (0)

/* One definition per (EXPECT|ASSERT) x check; _MSG adds fmt, args. */
#define KUNIT_EXPECT_TRUE(t, c)			KUNIT_HOST_BOOL(t, 0, c, 1, "%s", "")
#define KUNIT_EXPECT_TRUE_MSG(t, c, ...)	KUNIT_HOST_BOOL(t, 0, c, 1, __VA_ARGS__)
#define KUNIT_EXPECT_FALSE(t, c)		KUNIT_HOST_BOOL(t, 0, c, 0, "%s", "")
#define KUNIT_EXPECT_FALSE_MSG(t, c, ...)	KUNIT_HOST_BOOL(t, 0, c, 0, __VA_ARGS__)
#define KUNIT_ASSERT_TRUE(t, c)			KUNIT_HOST_BOOL(t, 1, c, 1, "%s", "")
#define KUNIT_ASSERT_TRUE_MSG(t, c, ...)	KUNIT_HOST_BOOL(t, 1, c, 1, __VA_ARGS__)
#define KUNIT_ASSERT_FALSE(t, c)		KUNIT_HOST_BOOL(t, 1, c, 0, "%s", "")
#define KUNIT_ASSERT_FALSE_MSG(t, c, ...)	KUNIT_HOST_BOOL(t, 1, c, 0, __VA_ARGS__)

#define KUNIT_EXPECT_EQ(t, l, r)		KUNIT_HOST_BINARY(t, 0, l, ==, r, "%s", "")
#define KUNIT_EXPECT_EQ_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 0, l, ==, r, __VA_ARGS__)
#define KUNIT_EXPECT_NE(t, l, r)		KUNIT_HOST_BINARY(t, 0, l, !=, r, "%s", "")
#define KUNIT_EXPECT_NE_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 0, l, !=, r, __VA_ARGS__)
#define KUNIT_EXPECT_LT(t, l, r)		KUNIT_HOST_BINARY(t, 0, l, <, r, "%s", "")
#define KUNIT_EXPECT_LT_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 0, l, <, r, __VA_ARGS__)
#define KUNIT_EXPECT_LE(t, l, r)		KUNIT_HOST_BINARY(t, 0, l, <=, r, "%s", "")
#define KUNIT_EXPECT_LE_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 0, l, <=, r, __VA_ARGS__)
#define KUNIT_EXPECT_GT(t, l, r)		KUNIT_HOST_BINARY(t, 0, l, >, r, "%s", "")
#define KUNIT_EXPECT_GT_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 0, l, >, r, __VA_ARGS__)
#define KUNIT_EXPECT_GE(t, l, r)		KUNIT_HOST_BINARY(t, 0, l, >=, r, "%s", "")
#define KUNIT_EXPECT_GE_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 0, l, >=, r, __VA_ARGS__)
#define KUNIT_ASSERT_EQ(t, l, r)		KUNIT_HOST_BINARY(t, 1, l, ==, r, "%s", "")
#define KUNIT_ASSERT_EQ_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 1, l, ==, r, __VA_ARGS__)
#define KUNIT_ASSERT_NE(t, l, r)		KUNIT_HOST_BINARY(t, 1, l, !=, r, "%s", "")
#define KUNIT_ASSERT_NE_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 1, l, !=, r, __VA_ARGS__)
#define KUNIT_ASSERT_LT(t, l, r)		KUNIT_HOST_BINARY(t, 1, l, <, r, "%s", "")
#define KUNIT_ASSERT_LT_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 1, l, <, r, __VA_ARGS__)
#define KUNIT_ASSERT_LE(t, l, r)		KUNIT_HOST_BINARY(t, 1, l, <=, r, "%s", "")
#define KUNIT_ASSERT_LE_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 1, l, <=, r, __VA_ARGS__)
#define KUNIT_ASSERT_GT(t, l, r)		KUNIT_HOST_BINARY(t, 1, l, >, r, "%s", "")
#define KUNIT_ASSERT_GT_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 1, l, >, r, __VA_ARGS__)
#define KUNIT_ASSERT_GE(t, l, r)		KUNIT_HOST_BINARY(t, 1, l, >=, r, "%s", "")
#define KUNIT_ASSERT_GE_MSG(t, l, r, ...)	KUNIT_HOST_BINARY(t, 1, l, >=, r, __VA_ARGS__)

#define KUNIT_EXPECT_PTR_EQ(t, l, r)		KUNIT_HOST_PTR(t, 0, l, ==, r, "%s", "")
#define KUNIT_EXPECT_PTR_EQ_MSG(t, l, r, ...)	KUNIT_HOST_PTR(t, 0, l, ==, r, __VA_ARGS__)
#define KUNIT_EXPECT_PTR_NE(t, l, r)		KUNIT_HOST_PTR(t, 0, l, !=, r, "%s", "")
#define KUNIT_EXPECT_PTR_NE_MSG(t, l, r, ...)	KUNIT_HOST_PTR(t, 0, l, !=, r, __VA_ARGS__)
#define KUNIT_ASSERT_PTR_EQ(t, l, r)		KUNIT_HOST_PTR(t, 1, l, ==, r, "%s", "")
#define KUNIT_ASSERT_PTR_EQ_MSG(t, l, r, ...)	KUNIT_HOST_PTR(t, 1, l, ==, r, __VA_ARGS__)
#define KUNIT_ASSERT_PTR_NE(t, l, r)		KUNIT_HOST_PTR(t, 1, l, !=, r, "%s", "")
#define KUNIT_ASSERT_PTR_NE_MSG(t, l, r, ...)	KUNIT_HOST_PTR(t, 1, l, !=, r, __VA_ARGS__)

#define KUNIT_EXPECT_NULL(t, p)			\
	KUNIT_HOST_NULLNESS(t, 0, p, 1, 1, "NULL", "%s", "")
#define KUNIT_EXPECT_NULL_MSG(t, p, ...)	\
	KUNIT_HOST_NULLNESS(t, 0, p, 1, 1, "NULL", __VA_ARGS__)
#define KUNIT_EXPECT_NOT_NULL(t, p)		\
	KUNIT_HOST_NULLNESS(t, 0, p, 0, 1, "not NULL", "%s", "")
#define KUNIT_EXPECT_NOT_NULL_MSG(t, p, ...)	\
	KUNIT_HOST_NULLNESS(t, 0, p, 0, 1, "not NULL", __VA_ARGS__)
#define KUNIT_EXPECT_NOT_ERR_OR_NULL(t, p)	\
	KUNIT_HOST_NULLNESS(t, 0, p, 0, 0, "not an error or NULL", "%s", "")
#define KUNIT_EXPECT_NOT_ERR_OR_NULL_MSG(t, p, ...) \
	KUNIT_HOST_NULLNESS(t, 0, p, 0, 0, "not an error or NULL", __VA_ARGS__)
#define KUNIT_ASSERT_NULL(t, p)			\
	KUNIT_HOST_NULLNESS(t, 1, p, 1, 1, "NULL", "%s", "")
#define KUNIT_ASSERT_NULL_MSG(t, p, ...)	\
	KUNIT_HOST_NULLNESS(t, 1, p, 1, 1, "NULL", __VA_ARGS__)
#define KUNIT_ASSERT_NOT_NULL(t, p)		\
	KUNIT_HOST_NULLNESS(t, 1, p, 0, 1, "not NULL", "%s", "")
#define KUNIT_ASSERT_NOT_NULL_MSG(t, p, ...)	\
	KUNIT_HOST_NULLNESS(t, 1, p, 0, 1, "not NULL", __VA_ARGS__)
#define KUNIT_ASSERT_NOT_ERR_OR_NULL(t, p)	\
	KUNIT_HOST_NULLNESS(t, 1, p, 0, 0, "not an error or NULL", "%s", "")
#define KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(t, p, ...) \
	KUNIT_HOST_NULLNESS(t, 1, p, 0, 0, "not an error or NULL", __VA_ARGS__)

#define KUNIT_EXPECT_STREQ(t, l, r)		KUNIT_HOST_STR(t, 0, l, ==, r, "%s", "")
#define KUNIT_EXPECT_STREQ_MSG(t, l, r, ...)	KUNIT_HOST_STR(t, 0, l, ==, r, __VA_ARGS__)
#define KUNIT_EXPECT_STRNEQ(t, l, r)		KUNIT_HOST_STR(t, 0, l, !=, r, "%s", "")
#define KUNIT_EXPECT_STRNEQ_MSG(t, l, r, ...)	KUNIT_HOST_STR(t, 0, l, !=, r, __VA_ARGS__)
#define KUNIT_ASSERT_STREQ(t, l, r)		KUNIT_HOST_STR(t, 1, l, ==, r, "%s", "")
#define KUNIT_ASSERT_STREQ_MSG(t, l, r, ...)	KUNIT_HOST_STR(t, 1, l, ==, r, __VA_ARGS__)
#define KUNIT_ASSERT_STRNEQ(t, l, r)		KUNIT_HOST_STR(t, 1, l, !=, r, "%s", "")
#define KUNIT_ASSERT_STRNEQ_MSG(t, l, r, ...)	KUNIT_HOST_STR(t, 1, l, !=, r, __VA_ARGS__)

/* ---- runner ---- */

/*
 * One case (or one parameter of it): init, body, exit, then free the case's
 * allocations. An assertion or kunit_skip() longjmps back here; ->exit runs
 * either way, as in KUnit.
 */
static inline void kunit_host_run_case(struct kunit_suite *suite, struct kunit_case *c,
				       struct kunit *test)
{
	if (!setjmp(test->kunit_host_jmp)) {
		if (suite->init && suite->init(test)) {
			kunit_host_log("", "%s: suite init failed", c->name);
			kunit_host_check(test, false);
		} else {
			c->run_case(test);
		}
	}
	if (suite->exit && !setjmp(test->kunit_host_jmp))
		suite->exit(test);
	kunit_host_free_all(test);
}

static inline void kunit_host_report(struct kunit_suite *suite, struct kunit_case *c,
				     struct kunit *test, const char *desc)
{
	const char *sep = desc[0] ? " " : "";

	if (test->status == KUNIT_SKIPPED)
		tap_ok(1, "%s.%s%s%s # SKIP %s", suite->name, c->name, sep, desc,
		       test->status_comment);
	else
		tap_ok(test->status == KUNIT_SUCCESS, "%s.%s%s%s", suite->name,
		       c->name, sep, desc);
}

static inline void kunit_host_run_suite(struct kunit_suite *suite)
{
	unsigned long checks0 = kunit_host_nchecks;
	int ok0 = tap_n - tap_failed, failed0 = tap_failed;
	struct kunit_case *c;

	printf("# suite %s\n", suite->name);
	if (suite->suite_init && suite->suite_init(suite)) {
		tap_ok(0, "%s: suite_init failed", suite->name);
		return;
	}
	for (c = suite->test_cases; c->run_case; c++) {
		char desc[KUNIT_PARAM_DESC_SIZE];
		const void *param = NULL;
		int index = 0;

		if (!c->generate_params) {
			struct kunit test = { .name = c->name };

			kunit_host_run_case(suite, c, &test);
			kunit_host_report(suite, c, &test, "");
			continue;
		}
		for (;;) {
			struct kunit test = { .name = c->name };

			desc[0] = 0;
			param = c->generate_params(param, desc);
			if (!param)
				break;
			if (!desc[0])
				snprintf(desc, sizeof(desc), "param-%d", index);
			test.param_value = param;
			test.param_index = index++;
			kunit_host_run_case(suite, c, &test);
			kunit_host_report(suite, c, &test, desc);
		}
	}
	if (suite->suite_exit)
		suite->suite_exit(suite);
	printf("# %s: %d ok, %d not ok, %lu expectations checked\n", suite->name,
	       tap_n - tap_failed - ok0, tap_failed - failed0,
	       kunit_host_nchecks - checks0);
}

/* Run every registered suite; exit status 1 if anything failed. */
static inline int kunit_host_run_all(void)
{
	unsigned int i;

	tap_start();
	if (!kunit_host_nsuites)
		tap_ok(0, "no KUnit suite registered");
	for (i = 0; i < kunit_host_nsuites; i++)
		kunit_host_run_suite(kunit_host_suites[i]);
	return tap_done();
}

#define KUNIT_HOST_MAIN()						\
	int main(void)							\
	{								\
		return kunit_host_run_all();				\
	}								\
	extern int kunit_host_swallow_semicolon

#endif /* _DWCP_HOST_KUNIT_SHIM_H */
