#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Shadow mode, inside the test VM, through the ULP and resctl: a policy in
# shadow lets every call through and counts what it would have refused (per
# reason, in "policy show", "metrics", the Prometheus text and as reject
# events marked shadow); the same traffic with the policy enforcing is
# refused as counted; switching modes keeps the policy's state. Prints TAP
# 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko, bin/resctl and
# tests/dwcp_drive. Loads the module, unloads it at the end. Exit: 0 all
# passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
DRIVE=$D/tests/dwcp_drive
n=0 fails=0
T=$(mktemp -d)
MON_PID=""
trap '[ -n "$MON_PID" ] && kill "$MON_PID" 2>/dev/null; rm -rf "$T"' EXIT

echo "TAP version 13"

diag() { echo "# $*"; }
ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }
check() { if "$2"; then ok "$1"; else not_ok "$1"; fi; }

# pstat GROUP KEY: a counter of policy shtest (resctl -j policy show).
pstat() {
	"$R" -j policy show shtest 2>/dev/null | sed 's/.*"stats"://' |
		sed "s/.*\"$1\":{//" | grep -o "\"$2\":[0-9]*" | head -n 1 | cut -d: -f2
}
# drive N: N calls on a socket of class shtest, none waiting; "sent S" and
# "rejected R" in $T/drive.
drive() { "$DRIVE" -c shtest -n "$1" >"$T/drive" 2>&1; }
drive_val() { awk -v k="$1" '$1 == k { print $2 }' "$T/drive"; }

if [ ! -e "$KO" ] || [ ! -x "$DRIVE" ]; then
	echo "1..0 # SKIP no module or dwcp_drive in $D"
	exit $KSFT_SKIP
fi
rmmod dwcp_res 2>/dev/null
if ! insmod "$KO"; then
	echo "1..0 # SKIP insmod failed"
	exit $KSFT_SKIP
fi

# One call a second with a burst of one: of 20 calls made at once, 19 are
# over the rate.
"$R" policy add shtest base send shadow on rate-limit on adaptive off \
	rate 1/s burst 1 >"$T/add" 2>&1 || diag "policy add: $(cat "$T/add")"
"$R" -j monitor >"$T/mon" 2>"$T/mon.err" &
MON_PID=$!
sleep 1

t_shadow_lets_everything_through() {
	drive 20 || { diag "dwcp_drive: $(cat "$T/drive")"; return 1; }
	s=$(drive_val sent) r=$(drive_val rejected)
	sh=$(pstat shadow rate) rj=$(pstat rejected total)
	diag "shadow: sent $s, rejected $r; policy: shadow.rate $sh, rejected $rj"
	[ "$s" = 20 ] && [ "$r" = 0 ] && [ "$rj" = 0 ] &&
		[ "${sh:-0}" -ge 15 ] && [ "$sh" -le 19 ]
}
check shadow_lets_every_call_through_and_counts_rate_refusals t_shadow_lets_everything_through

t_shadow_in_metrics() {
	"$R" -j metrics shtest >"$T/m" 2>&1 &&
		grep -q "\"shadow\":{\"total\":$sh," "$T/m" &&
		"$R" metrics --format prometheus >"$T/prom" 2>&1 &&
		grep -q "^dwcp_res_shadow_rejected_total{policy=\"shtest\",reason=\"rate\"} $sh\$" "$T/prom" &&
		grep -q "^dwcp_res_rejected_total{policy=\"shtest\",reason=\"rate\"} 0\$" "$T/prom" ||
		{ diag "metrics:"; sed 's/^/#   /' "$T/m"; grep shtest "$T/prom" | sed 's/^/#   /'; return 1; }
}
check shadow_counts_in_metrics_and_prometheus t_shadow_in_metrics

t_shadow_event() {
	sleep 1
	grep -q '"event":"reject".*"policy":"shtest".*"reason":"rate".*"shadow":true' "$T/mon" ||
		{ diag "monitor:"; sed 's/^/#   /' "$T/mon"; return 1; }
}
check shadow_reject_event_is_marked t_shadow_event

t_enforce_refuses_what_shadow_counted() {
	"$R" policy set shtest shadow off >"$T/set" 2>&1 || { diag "$(cat "$T/set")"; return 1; }
	# A fresh second of credit, then the same burst as before.
	sleep 1.2
	drive 20 || { diag "dwcp_drive: $(cat "$T/drive")"; return 1; }
	# A socket that cannot wait is refused with EAGAIN (it may poll for
	# the rate: Documentation/ulp.rst), not with the rate's errno.
	s=$(drive_val sent) r=$((20 - $(drive_val sent)))
	sh2=$(pstat shadow rate) rj=$(pstat rejected rate)
	diag "enforce: $(tr '\n' ' ' <"$T/drive"); policy: rejected.rate $rj, shadow.rate $sh2 (was $sh)"
	[ "$r" = "$rj" ] && [ "$sh2" = "$sh" ] && [ "$r" -ge 15 ] && [ "$r" -le 19 ]
}
check enforce_refuses_what_shadow_counted t_enforce_refuses_what_shadow_counted

t_switch_keeps_state() {
	"$R" breaker force-open shtest >/dev/null 2>&1 || { diag "force-open failed"; return 1; }
	e0=$(pstat state breaker_epoch)
	"$R" policy set shtest shadow on >/dev/null 2>&1 &&
		"$R" policy set shtest shadow off >/dev/null 2>&1 &&
		"$R" policy set shtest shadow on >/dev/null 2>&1 || return 1
	e1=$(pstat state breaker_epoch)
	b=$("$R" -j policy show shtest | grep -o '"breaker":"[a-z_-]*"' | head -n 1)
	# Forced open: in shadow the calls still go through, counted as the
	# breaker's.
	drive 5
	r=$(drive_val rejected) sb=$(pstat shadow breaker)
	diag "epoch $e0 -> $e1, $b; shadow with the breaker forced open: rejected $r, shadow.breaker $sb"
	"$R" breaker reset shtest >/dev/null 2>&1
	[ "$e0" = "$e1" ] && [ "$r" = 0 ] && [ "${sb:-0}" -ge 5 ]
}
check switching_modes_keeps_state t_switch_keeps_state

t_bad_value() {
	"$R" policy set shtest shadow maybe >"$T/bad" 2>&1
	rc=$?
	diag "shadow maybe: exit $rc: $(cat "$T/bad")"
	[ $rc = 2 ] || [ $rc = 1 ] && grep -q "on or off" "$T/bad"
}
check shadow_takes_on_or_off_only t_bad_value

kill "$MON_PID" 2>/dev/null
wait "$MON_PID" 2>/dev/null
MON_PID=""
"$R" policy del shtest >/dev/null 2>&1
rmmod dwcp_res || { diag "rmmod failed"; fails=$((fails + 1)); }
echo "1..$n"
[ $fails = 0 ]
