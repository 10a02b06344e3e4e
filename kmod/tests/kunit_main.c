// SPDX-License-Identifier: GPL-2.0
/*
 * dwcp_res_kunit.ko: the KUnit suites of dwcp_res. Each file in kmod/tests/
 * registers its own suite; KUnit runs them all when this module is loaded on
 * a kernel built with CONFIG_KUNIT (see selftests/vm/).
 */
#include <linux/module.h>

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for dwcp_res");
