#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Load and unload dwcp_res N times (default 100; "make stress" runs 1000),
# talking to it each time (every 10th cycle with chaos allowed, a policy
# added and left for the unload to free), then check that nothing is left
# behind: no module, no genetlink family, no leak.
# usage: load_unload.sh [N]
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
KMEMLEAK=/sys/kernel/debug/kmemleak
n=0 fails=0
N=${1:-100}

echo "TAP version 13"
echo "1..3"
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }

grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
[ -w $KMEMLEAK ] && echo clear > $KMEMLEAK

bad=""
i=0
t0=$(cut -d' ' -f1 /proc/uptime)
while [ $i -lt "$N" ]; do
	i=$((i + 1))
	p=""
	[ $((i % 10)) = 0 ] && p="chaos_allowed=1"
	# shellcheck disable=SC2086
	if ! insmod "$D/dwcp_res.ko" $p; then bad="insmod failed at iteration $i"; break; fi
	if ! "$D/bin/resctl" version >/dev/null; then bad="resctl failed at iteration $i"; break; fi
	if [ -n "$p" ] && ! { "$D/bin/resctl" policy add kst_lu base sync >/dev/null &&
			     "$D/bin/resctl" chaos inject kst_lu error probability 1% >/dev/null; }; then
		bad="policy add or chaos inject failed at iteration $i"; break
	fi
	if ! rmmod dwcp_res; then bad="rmmod failed at iteration $i"; break; fi
done
echo "# $i cycles in $(awk -v a="$t0" '{ printf "%.1f", $1 - a }' /proc/uptime) s"
if [ -z "$bad" ]; then ok "load_unload_${N}_times"; else echo "# $bad"; not_ok "load_unload_${N}_times"; fi

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
