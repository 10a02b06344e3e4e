// SPDX-License-Identifier: GPL-2.0
/*
 * Host run of the dwcp_chaos KUnit suite (kmod/tests/chaos_kunit.c)
 * through the KUnit shim of test_budget.c.
 */
#define DWCP_KUNIT_SHIM_ONLY 1
#include "test_budget.c"
#include "../../kmod/tests/chaos_kunit.c"

int main(void)
{
	return shim_run_suite(host_suite);
}
