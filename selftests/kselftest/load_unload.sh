#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load and unload dwcp_res 100 times, talking to it each time, then check
# that nothing is left behind: no module, no genetlink family, no leak.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
KMEMLEAK=/sys/kernel/debug/kmemleak
n=0 fails=0

echo "TAP version 13"
echo "1..3"
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }

grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
[ -w $KMEMLEAK ] && echo clear > $KMEMLEAK

bad=""
i=0
while [ $i -lt 100 ]; do
	i=$((i + 1))
	if ! insmod "$D/dwcp_res.ko"; then bad="insmod failed at iteration $i"; break; fi
	if ! "$D/bin/resctl" version >/dev/null; then bad="resctl failed at iteration $i"; break; fi
	if ! rmmod dwcp_res; then bad="rmmod failed at iteration $i"; break; fi
done
if [ -z "$bad" ]; then ok "load_unload_100_times"; else echo "# $bad"; not_ok "load_unload_100_times"; fi

if grep -q '^dwcp_res ' /proc/modules; then
	not_ok "module_and_family_gone"
elif "$D/bin/resctl" version >/dev/null 2>&1; then
	echo "# the genetlink family is still registered after rmmod"
	not_ok "module_and_family_gone"
else
	ok "module_and_family_gone"
fi

if [ -w $KMEMLEAK ]; then
	sleep 6		# kmemleak only reports objects older than 5 s
	echo scan > $KMEMLEAK
	echo scan > $KMEMLEAK
	if [ -s $KMEMLEAK ]; then
		sed 's/^/# /' $KMEMLEAK | head -n 40
		not_ok "kmemleak_clean"
	else
		ok "kmemleak_clean"
	fi
else
	n=$((n + 1)); echo "ok $n kmemleak_clean # SKIP kmemleak not in this kernel"
fi
[ $fails = 0 ] || exit 1
exit 0
