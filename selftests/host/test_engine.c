// SPDX-License-Identifier: GPL-2.0
/*
 * Host run of the dwcp_engine KUnit suite: kmod/tests/engine_kunit.c compiled
 * unchanged against the KUnit stand-in kunit_shim.h, one TAP line per case
 * and per parameter, under ASan/UBSan.
 */
#include "kunit_shim.h"
#include "tests/engine_kunit.c"

KUNIT_HOST_MAIN();
