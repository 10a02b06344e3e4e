#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of the KUnit job: loading dwcp_res_kunit.ko runs every suite in
# it; KUnit prints KTAP to the kernel log, which we hand to the host whole.
# (The per-suite debugfs results of 6.1 are capped at 512 bytes per case.)
D=${DWCP_DIR:-/dwcp}
dmesg -c >/dev/null
# chaos_allowed=1 lets the suites exercise chaos; it stays disabled until a test enables it.
insmod "$D/dwcp_res.ko" chaos_allowed=1 || exit 1
insmod "$D/dwcp_res_kunit.ko"
rc=$?
dmesg | sed -n '/KTAP version/,$p'
rmmod dwcp_res_kunit 2>/dev/null
rmmod dwcp_res
exit $rc
