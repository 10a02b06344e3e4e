// SPDX-License-Identifier: GPL-2.0
/*
 * Host run of the dwcp_degrade KUnit suite (kmod/tests/degrade_kunit.c)
 * through the KUnit shim of test_budget.c.
 */
#define DWCP_KUNIT_SHIM_ONLY 1
#include "test_budget.c"
#include "../../kmod/tests/degrade_kunit.c"

int main(void)
{
	return shim_run_suite(host_suite);
}
