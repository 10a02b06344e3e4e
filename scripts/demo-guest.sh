#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo VM (Debian's stock 6.1 kernel): load dwcp_res and
# show resctl talking to it. Each step echoes the command it runs.
D=${DWCP_DIR:-/dwcp}
run() { echo; echo "\$ $*"; "$@"; echo "(exit status $?)"; }

echo "== dwcp_res demo on $(uname -sr) =="
run resctl version
run insmod "$D/dwcp_res.ko"
echo; dmesg | grep dwcp_res | sed 's/^\[[^]]*\] //'
run resctl version
run resctl -j -p version
run cat /sys/module/dwcp_res/parameters/chaos_allowed
run resctl version bogus-argument
run rmmod dwcp_res
run insmod "$D/dwcp_res.ko" chaos_allowed=1
run resctl version
run rmmod dwcp_res
echo
echo "== demo done =="
