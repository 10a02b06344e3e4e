#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# resctl degrade show/set/auto against the loaded module, inside the test
# VM: manual levels and holds, the sysfs level file, the level event on the
# events group, usage errors, and refusal of unprivileged changes. Prints
# TAP 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko and bin/resctl. Reloads
# the module and unloads it at the end.
# Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
SYS=/sys/kernel/dwcp_res/level
n=0 fails=0
OUT=$(mktemp) ERR=$(mktemp) EV=$(mktemp)
MON_PID=""
trap 'rm -f "$OUT" "$ERR" "$EV" "$EV.err" /tmp/resctl.nobody.dg; [ -n "$MON_PID" ] && kill $MON_PID 2>/dev/null' EXIT

echo "TAP version 13"

. "$(dirname "$0")/resctl_lib.sh"

sysfs_is() {
	[ "$(cat $SYS 2>/dev/null)" = "$1" ] && return 0
	diag "$SYS is \"$(cat $SYS 2>/dev/null)\", expected \"$1\""
	return 1
}

if [ ! -x "$R" ] || [ ! -f "$KO" ]; then
	echo "1..0 # SKIP no $R or $KO"
	exit $KSFT_SKIP
fi
if grep -q '^dwcp_res ' /proc/modules; then rmmod dwcp_res; fi
if ! insmod "$KO"; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

t_starts_normal() {
	run degrade show && rc_is 0 && out_re '^ *level normal$' &&
	out_re '^ *mode auto$' && sysfs_is normal
}
check starts_normal_auto t_starts_normal

t_set_show() {
	run degrade set degraded && rc_is 0 &&
	run degrade show && rc_is 0 && out_re '^ *level degraded$' &&
	out_re '^ *mode manual$' && out_re '^ *hold until auto$' && sysfs_is degraded &&
	run degrade set severely-degraded && rc_is 0 && sysfs_is severely_degraded &&
	run -j degrade show && rc_is 0 && out_has '"level":"severely_degraded"' &&
	out_has '"mode":"manual"' && out_has '"changes":2' &&
	run degrade set emergency && rc_is 0 && sysfs_is emergency &&
	run degrade set normal && rc_is 0 && sysfs_is normal
}
check set_show_and_sysfs_follow t_set_show

t_auto() {
	run degrade auto && rc_is 0 &&
	run degrade show && out_re '^ *mode auto$' && out_re '^ *level normal$'
}
check auto_hands_back t_auto

t_usage() {
	run degrade set bogus && rc_is 2 && err_has "unknown level" &&
	run degrade set degraded --hold && rc_is 2 &&
	run degrade set degraded --hold soon && rc_is 2 &&
	run degrade set && rc_is 2 &&
	run degrade show extra && rc_is 2 &&
	run degrade show && out_re '^ *level normal$'
}
check bad_level_is_usage_error t_usage

t_event() {
	monitor_start "$EV" -j monitor --count 1 || { diag "monitor did not start"; return 1; }
	run degrade set degraded || return 1
	i=0
	while kill -0 $MON_PID 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill $MON_PID 2>/dev/null
	wait $MON_PID
	MON_PID=""
	grep -q '"event":"level"' "$EV" && grep -q '"from":"normal"' "$EV" &&
	grep -q '"to":"degraded"' "$EV" && grep -q '"mode":"manual"' "$EV" && return 0
	diag "monitor saw: $(cat "$EV") $(cat "$EV.err")"
	return 1
}
check monitor_sees_level_event t_event

t_hold() {
	run degrade set emergency --hold 1s && rc_is 0 &&
	run degrade show && out_re '^ *mode manual$' && out_re '^ *hold [0-9.]*m*s$' &&
	sysfs_is emergency &&
	sleep 2 &&
	run degrade show && rc_is 0 && out_re '^ *mode auto$' &&
	# Automatic control steps down only after its dwell time (30 s).
	out_re '^ *level emergency$' &&
	run degrade set normal && run degrade auto && sysfs_is normal
}
check hold_expires t_hold

as_nobody="" nobody_why=""
probe=$(su nobody -s /bin/sh -c 'id -u' 2>&1)
if [ "$probe" = 65534 ]; then
	as_nobody=su
elif [ "$(chpst -u nobody id -u 2>/dev/null)" = 65534 ]; then
	as_nobody=chpst
else
	nobody_why="cannot run a command as nobody (su: $(echo "$probe" | head -n 1))"
fi
cp "$R" /tmp/resctl.nobody.dg 2>/dev/null && chmod 0755 /tmp/resctl.nobody.dg
nobody_run() {
	last="(as nobody) resctl $*"
	if [ "$as_nobody" = su ]; then
		su nobody -s /bin/sh -c "/tmp/resctl.nobody.dg $*" >"$OUT" 2>"$ERR"
	else
		chpst -u nobody /tmp/resctl.nobody.dg "$@" >"$OUT" 2>"$ERR"
	fi
	rc=$?
}
t_nobody() {
	nobody_run degrade show && rc_is 0 &&
	nobody_run degrade set emergency && rc_is 1 && err_has "permission denied" &&
	nobody_run degrade auto && rc_is 1 && err_has "permission denied" &&
	sysfs_is normal
}
if [ -n "$nobody_why" ]; then
	skip unprivileged_user_cannot_set "$nobody_why"
else
	check unprivileged_user_cannot_set t_nobody
fi

grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ] || exit 1
exit 0
