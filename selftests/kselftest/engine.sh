#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The health, error-budget and degradation engine through resctl, inside the
# test VM: "slo", "health" and "degrade triggers" with their JSON output and
# bad input (rejected with a message, nothing changed), then the scenario of
# issue 6 end to end:
#   chaos injects errors on "send" -> the send budget burns and a page-fast
#   alert fires -> the level rises (cause: budget) -> low-priority traffic is
#   shed with ECANCELED while "consensus" flows -> chaos is cleared -> the
#   level steps down to normal one dwell at a time,
# every step seen by "resctl monitor", in order. A second scenario drives
# the level from a user's health check. Prints TAP 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko, bin/resctl and
# tests/dwcp_drive. Loads the module with chaos_allowed=1, unloads it at the
# end. Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
DRIVE=$D/tests/dwcp_drive
LEVEL=/sys/kernel/dwcp_res/level
n=0 fails=0
OUT=$(mktemp) ERR=$(mktemp) EV=$(mktemp) DR=$(mktemp)
MON_PID=""
trap 'rm -f "$OUT" "$ERR" "$EV" "$EV.err" "$DR"; [ -n "$MON_PID" ] && kill $MON_PID 2>/dev/null' EXIT

echo "TAP version 13"

. "$(dirname "$0")/resctl_lib.sh"

if [ ! -x "$R" ] || [ ! -f "$KO" ] || [ ! -x "$DRIVE" ]; then
	echo "1..0 # SKIP no $R, $KO or $DRIVE"
	exit $KSFT_SKIP
fi
if grep -q '^dwcp_res ' /proc/modules; then rmmod dwcp_res; fi
if ! insmod "$KO" chaos_allowed=1; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

# drive CLASS N: N calls through CLASS, the summary in $DR.
drive() { "$DRIVE" -c "$1" -n "$2" >"$DR" 2>&1; }
drive_has() {
	grep -qx -- "$1" "$DR" && return 0
	diag "dwcp_drive: no line \"$1\" in: $(tr '\n' ' ' <"$DR")"
	return 1
}

# wait_level LEVEL SECONDS: until the sysfs level reads LEVEL.
wait_level() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		[ "$(cat $LEVEL)" = "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	diag "level is $(cat $LEVEL) after $2 s, expected $1"
	return 1
}

monitor_stop() {
	[ -n "$MON_PID" ] && kill $MON_PID 2>/dev/null && wait $MON_PID 2>/dev/null
	MON_PID=""
}

# ev_line PATTERN: the line number of the first event matching PATTERN
# (fixed strings, all of them, on one line) after line $ev_after; sets
# ev_after to it so that the next lookup must come later.
ev_after=0
ev_next() {
	ln=$(awk -v after="$ev_after" -v pats="$*" '
		BEGIN { np = split(pats, p, " ") }
		NR > after {
			ok = 1
			for (i = 1; i <= np; i++) if (index($0, p[i]) == 0) ok = 0
			if (ok) { print NR; exit }
		}' "$EV")
	if [ -z "$ln" ]; then
		diag "no event with $* after event $ev_after; events were:"
		sed 's/^/#   ev: /' "$EV" | head -n 40
		return 1
	fi
	ev_after=$ln
}

# --- the commands -----------------------------------------------------

t_health_builtin() {
	run health && rc_is 0 && out_re '^ *healthy yes$' &&
	out_re '^transport  *healthy  *transport-errors  *all ' &&
	out_re '^send-errors  *healthy  *error-rate  *send ' &&
	out_re '^system-errors  *healthy  *error-rate  *all ' &&
	out_re '^breakers  *healthy' && out_re '^latency  *healthy' &&
	run -j health list && rc_is 0 && out_has '"healthy":true' &&
	out_has '"name":"send-errors"' && out_has '"max":9999' &&
	run health show system-errors && rc_is 0 && out_re '^ *max 0.0999*%$' &&
	out_re '^ *builtin yes$' && out_re '^ *rise 2$' && out_re '^ *fall 3$'
}
check health_lists_builtin_checks t_health_builtin

t_health_user() {
	run health add inflight-cap metric inflight policy sync max 50 interval 200ms \
		timeout 100ms rise 1 fall 2 level severely_degraded && rc_is 0 &&
	run -j health show inflight-cap && rc_is 0 && out_has '"metric":"inflight"' &&
	out_has '"policy":"sync"' && out_has '"max":50' && out_has '"interval_ns":200000000' &&
	out_has '"level":"severely_degraded"' && out_has '"builtin":false' &&
	run health set inflight-cap max 60 enabled off && rc_is 0 &&
	run -j health show inflight-cap && out_has '"max":60' && out_has '"enabled":false' &&
	run health set send-errors max 2% && rc_is 0 &&
	run -j health show send-errors && out_has '"max":20000' &&
	run health set send-errors max 0.9999% && rc_is 0 &&
	run health del inflight-cap && rc_is 0 &&
	run health show inflight-cap && rc_is 1 && err_has "no health check with this name"
}
check health_add_set_del t_health_user

t_health_bad() {
	run health add x metric bogus max 1 && rc_is 2 && err_has "unknown metric" &&
	run health add x metric calls min 5 max 1 && rc_is 1 &&
	err_has "min is above its max" &&
	run health add x metric calls interval 1s timeout 2s && rc_is 1 &&
	run health add send-errors metric calls && rc_is 1 && err_has "exists" &&
	run health add bad/name metric calls && rc_is 2 &&
	run health add x metric calls rise 0 && rc_is 1 &&
	run health add x metric latency-p95 max soon && rc_is 2 &&
	run health add x metric calls policy nosuch && rc_is 1 &&
	err_has "no policy with this name to check" &&
	run health del transport && rc_is 1 && err_has "cannot be deleted" &&
	run health set x max 1 && rc_is 1 && err_has "no health check" &&
	run health show x && rc_is 1 &&
	run -j health list && out_lacks '"name":"x"'
}
check health_bad_input_changes_nothing t_health_bad

t_slo() {
	run slo && rc_is 0 && out_re '^send  *99.9%  *1h ' && out_re '^system  *99.9%  *1h ' &&
	run slo set send target 99.5% window 30min buckets 30 && rc_is 0 &&
	run -j slo show send && rc_is 0 && out_has '"slo_ppm":995000' &&
	out_has '"window_ns":1800000000000' && out_has '"buckets":30' &&
	run -j policy show send && out_has '995000' &&
	run slo set system target 99% && rc_is 0 &&
	run -j slo show system && out_has '"slo_ppm":990000' &&
	run slo set send target 100% && rc_is 1 &&
	err_has "target: integer out of range (allowed 1..999999)" &&
	run slo set send window 7s buckets 3 && rc_is 1 && err_has "multiple" &&
	run slo set nosuch target 99% && rc_is 1 && err_has "no policy" &&
	run slo set send colour blue && rc_is 2 &&
	run -j slo show send && out_has '"slo_ppm":995000' &&
	run slo show nosuch && rc_is 1 &&
	run policy add system && rc_is 1 && err_has "reserved"
}
check slo_show_set_and_bad_input t_slo

t_triggers() {
	run degrade triggers enabled budget,health error-rate 2% dwell 3s && rc_is 0 &&
	run -j degrade show && rc_is 0 && out_has '"enabled":3' &&
	out_has '"error_ppm":20000' && out_has '"min_dwell_ns":3000000000' &&
	run degrade show && out_re '^ *enabled budget,health$' && out_re '^ *budget normal$' &&
	run degrade triggers tick 1ms && rc_is 1 &&
	run degrade triggers window 100ms tick 1s && rc_is 1 && err_has "at least one evaluation period" &&
	run degrade triggers enabled sometimes && rc_is 2 &&
	run degrade triggers hysteresis 0% && rc_is 1 &&
	run -j degrade show && out_has '"enabled":3' && out_has '"tick_ns":1000000000' &&
	run degrade triggers enabled budget,health,external error-rate 5% dwell 30s && rc_is 0
}
check degrade_triggers_and_bad_input t_triggers

# --- scenario 1: budget burn -> alert -> level -> shed -> recover --------

t_scenario_budget() {
	ev_after=0
	run degrade triggers enabled budget tick 100ms window 2s dwell 4s up-dwell 0s &&
	# 12 s windows: the burn must still be in them when a loaded guest
	# reads budget_alerts (4 s once ran out first on a debug guest).
	run slo set send target 99% window 12s buckets 4 min-events 10 &&
	run slo set system target 99% window 12s buckets 4 min-events 10 &&
	run policy add bulk priority low && run breaker disable send &&
	monitor_start "$EV" -j monitor || { diag "monitor did not start"; return 1; }
	run chaos enable && rc_is 0 &&
	run chaos inject send error probability 50% value EIO && rc_is 0 &&
	drive send 300 && drive_has "EIO [0-9]*" || return 1
	wait_level severely_degraded 10 || return 1
	a=$(cat /sys/kernel/dwcp_res/budget_alerts)
	[ "$a" != 0x0 ] || { diag "system budget_alerts is $a while burning"; return 1; }
	# Shed: low priority is turned away with ECANCELED, consensus flows.
	drive bulk 20 && drive_has "ECANCELED 20" &&
	drive consensus 20 && drive_has "sent 20" || return 1
	run chaos clear && run chaos disable &&
	wait_level normal 60 || return 1
	sleep 0.5
	monitor_stop
	ev_next '"event":"chaos"' '"enabled":true' &&
	ev_next '"event":"alert"' '"budget":"send"' &&
	ev_next '"event":"level"' '"to":"severely_degraded"' '"mode":"auto"' \
		'"cause":"budget"' &&
	ev_next '"event":"reject"' '"policy":"bulk"' '"reason":"shed"' || return 1
	# The level may start down before chaos is switched off (a slow guest):
	# both come after the shed, the steps down in order.
	shed=$ev_after
	ev_next '"event":"level"' '"from":"severely_degraded"' '"to":"degraded"' &&
	ev_next '"event":"level"' '"from":"degraded"' '"to":"normal"' || return 1
	ev_after=$shed
	ev_next '"event":"chaos"' '"enabled":false' &&
	grep -q '"event":"alert".*"budget":"system"' "$EV" &&
	run -j slo show send && out_has '"alerts":0' && out_lacks '"alerts_fired":0'
}
check scenario_budget_burn_sheds_and_recovers t_scenario_budget
monitor_stop

# --- scenario 2: a user's health check drives the level -----------------

t_scenario_health() {
	ev_after=0
	run chaos clear &&
	run degrade triggers enabled health tick 100ms dwell 1s &&
	run health add send-burn metric error-rate policy send max 10% interval 100ms \
		timeout 100ms rise 1 fall 1 level emergency && rc_is 0 &&
	monitor_start "$EV" -j monitor || { diag "monitor did not start"; return 1; }
	run chaos enable && run chaos inject send error probability 100% value EIO &&
	drive send 50 || return 1
	wait_level emergency 10 || return 1
	# Emergency: only critical (consensus) passes.
	drive sync 5 && drive_has "ECANCELED 5" &&
	drive consensus 5 && drive_has "sent 5" || return 1
	run chaos clear && run chaos disable &&
	wait_level normal 30 || return 1
	monitor_stop
	ev_next '"event":"health"' '"check":"send-burn"' '"healthy":false' &&
	ev_next '"event":"level"' '"to":"emergency"' '"cause":"health"' &&
	ev_next '"event":"health"' '"check":"send-burn"' '"healthy":true' &&
	ev_next '"event":"level"' '"to":"normal"'
}
check scenario_health_check_drives_level t_scenario_health
monitor_stop

# --- latency over the tick, as the checks and the latency trigger see it --

t_latency_metric() {
	ev_after=0
	run chaos clear && run degrade triggers enabled latency tick 500ms dwell 1s &&
	run policy add lat priority critical latency-target 5ms && rc_is 0 &&
	run health add lat-p95 metric latency-p95 policy lat max 5ms interval 500ms \
		timeout 500ms rise 1 fall 1 level normal && rc_is 0 &&
	monitor_start "$EV" -j monitor || { diag "monitor did not start"; return 1; }
	run chaos enable && run chaos inject lat latency probability 100% min 20ms max 30ms &&
	"$DRIVE" -w -c lat -n 80 >"$DR" 2>&1 && drive_has "sent 80" || return 1
	run chaos clear && run chaos disable &&
	wait_level normal 30 || return 1
	monitor_stop
	ev_next '"event":"health"' '"check":"lat-p95"' '"healthy":false' || return 1
	v=$(sed -n "${ev_after}s/.*\"value\":\([0-9]*\).*/\1/p" "$EV")
	[ "${v:-0}" -ge 15000000 ] || { diag "lat-p95 value $v, expected >= 15ms"; return 1; }
	ev_next '"event":"level"' '"to":"emergency"' '"cause":"latency"' &&
	ev_next '"event":"level"' '"to":"normal"' &&
	run health del lat-p95
}
check latency_over_the_tick t_latency_metric

run chaos disable
rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ]
