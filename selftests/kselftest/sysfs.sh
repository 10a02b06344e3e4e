#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# /sys/kernel/dwcp_res: one value per file, policies appear and disappear
# with the registry, and everything goes away on rmmod. Prints TAP.
D=${DWCP_DIR:-/dwcp}
R="$D/bin/resctl"
S=/sys/kernel/dwcp_res
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }
check() { # NAME FILE EXPECTED
	got=$(cat "$2" 2>&1)
	if [ "$got" = "$3" ]; then ok "$1"; else echo "# $2: '$got', expected '$3'"; nok "$1"; fi
}

echo "TAP version 13"
grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
insmod "$D/dwcp_res.ko" || { echo "Bail out! insmod failed"; exit 1; }

check version "$S/version" "0.1.0"
check chaos_allowed "$S/chaos_allowed" "0"
check chaos_enabled "$S/chaos_enabled" "0"
check level "$S/level" "normal"
check healthy "$S/healthy" "1"
check unhealthy_checks "$S/unhealthy_checks" "0"
check budget_remaining_ppm "$S/budget_remaining_ppm" "1000000"
check budget_alerts "$S/budget_alerts" "0x0"
for p in send receive sync consensus; do
	check "profile_${p}_breaker" "$S/policies/$p/breaker" "closed"
done
check send_priority "$S/policies/send/priority" "normal"
check consensus_priority "$S/policies/consensus/priority" "critical"
check send_admitted "$S/policies/send/admitted" "0"
check send_rate "$S/policies/send/rate" "1000.000"
check send_success "$S/policies/send/success_ppm" "1000000"
check send_budget "$S/policies/send/budget_remaining_ppm" "1000000"
check send_timeout "$S/policies/send/timeout_ns" "30000000000"

"$R" policy add sysfs-test base sync >/dev/null
check added_policy_appears "$S/policies/sysfs-test/priority" "high"
"$R" breaker force-open sysfs-test
check breaker_state_follows "$S/policies/sysfs-test/breaker" "forced-open"
if echo 1 > "$S/policies/sysfs-test/admitted" 2>/dev/null; then nok files_are_read_only; else ok files_are_read_only; fi
"$R" policy del sysfs-test
if [ -e "$S/policies/sysfs-test" ]; then nok deleted_policy_disappears; else ok deleted_policy_disappears; fi

rmmod dwcp_res
if [ -e "$S" ]; then nok gone_after_rmmod; else ok gone_after_rmmod; fi
insmod "$D/dwcp_res.ko" chaos_allowed=1
check chaos_allowed_param "$S/chaos_allowed" "1"
"$R" chaos enable
check chaos_enabled_follows "$S/chaos_enabled" "1"
"$R" chaos disable
rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ]
