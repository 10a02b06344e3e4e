#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Namespace isolation of the dwcp_res netlink state, inside the test VM:
# two network namespaces A and B (busybox unshare -n, held open by a
# sleeping process, entered with nsenter) and the initial one. A policy
# added, a breaker forced open, a profile policy changed and one deleted,
# chaos enabled and a degradation level set in A are invisible in B and in
# init_net (netlink and /sys/kernel/dwcp_res, which shows init_net only);
# every namespace starts with its own DWCP profile; events in A reach a
# monitor in A but not monitors in B or init_net. Prints TAP 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko and bin/resctl, and
# busybox unshare/nsenter. Loads the module with chaos_allowed=1.
# Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
n=0 fails=0
OUT=$(mktemp) ERR=$(mktemp) T=$(mktemp -d)
A="" B=""
trap 'kill $A $B 2>/dev/null; rm -rf "$OUT" "$ERR" "$T"' EXIT

echo "TAP version 13"
. "$(dirname "$0")/resctl_lib.sh"

if [ ! -x "$R" ] || [ ! -f "$KO" ]; then
	echo "1..0 # SKIP no $R or $KO"
	exit $KSFT_SKIP
fi
if ! unshare -n true 2>/dev/null || ! command -v nsenter >/dev/null; then
	echo "1..0 # SKIP no unshare -n / nsenter"
	exit $KSFT_SKIP
fi
grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
if ! insmod "$KO" chaos_allowed=1; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

unshare -n sleep 3600 &
A=$!
unshare -n sleep 3600 &
B=$!
# Until both have left init_net (a slow guest may take a while to unshare).
i=0
while [ $i -lt 100 ]; do
	a=$(readlink /proc/$A/ns/net) b=$(readlink /proc/$B/ns/net) i0=$(readlink /proc/self/ns/net)
	[ -n "$a" ] && [ -n "$b" ] && [ "$a" != "$i0" ] && [ "$b" != "$i0" ] && break
	sleep 0.1
	i=$((i + 1))
done
# ns_run NS ARGS...: resctl ARGS in namespace NS (a pid, or "init"); like run.
ns_run() {
	ns=$1
	shift
	if [ "$ns" = init ]; then
		"$R" "$@" >"$OUT" 2>"$ERR"
	else
		nsenter -t "$ns" -n "$R" "$@" >"$OUT" 2>"$ERR"
	fi
	rc=$?
	last="[$ns] resctl $*"
}

t_distinct() {
	a=$(readlink /proc/$A/ns/net) b=$(readlink /proc/$B/ns/net) i=$(readlink /proc/self/ns/net)
	[ -n "$a" ] && [ "$a" != "$b" ] && [ "$a" != "$i" ] && [ "$b" != "$i" ] && return 0
	diag "namespaces: A=$a B=$b init=$i"
	return 1
}
check three_distinct_namespaces t_distinct

# Each namespace starts with the DWCP profile, with the profile's values.
t_profile() {
	for ns in $A $B init; do
		ns_run "$ns" -j policy list && rc_is 0 &&
		out_has '{"name":"send","priority":"normal","breaker":"closed"' &&
		out_has '{"name":"receive","priority":"normal"' &&
		out_has '{"name":"sync","priority":"high"' &&
		out_has '{"name":"consensus","priority":"critical"' &&
		out_has '"bulkhead":{"concurrent":100,' || return 1
	done
}
check each_namespace_has_its_own_profile t_profile

# Changes in A.
t_change_a() {
	ns_run "$A" policy add kst_ns_a base sync concurrent 3 && rc_is 0 &&
	ns_run "$A" policy set send concurrent 42 && rc_is 0 &&
	ns_run "$A" policy del receive && rc_is 0 &&
	ns_run "$A" breaker force-open sync && rc_is 0 &&
	ns_run "$A" chaos enable && rc_is 0 &&
	ns_run "$A" chaos inject consensus latency probability 50% value 1ms && rc_is 0 &&
	ns_run "$A" degrade set severely_degraded && rc_is 0 &&
	ns_run "$A" -j policy show kst_ns_a && rc_is 0 && out_has '"concurrent":3' &&
	ns_run "$A" -j breaker show sync && out_has '"state":"forced-open"' &&
	ns_run "$A" -j chaos show && out_has '"enabled":true' && out_has '"policy":"consensus"' &&
	ns_run "$A" -j degrade show && out_has '"level":"severely_degraded"'
}
check changes_apply_in_namespace_a t_change_a

t_invisible() {
	for ns in $B init; do
		ns_run "$ns" -j policy list && rc_is 0 && out_lacks kst_ns_a &&
		out_has '{"name":"receive"' &&
		ns_run "$ns" policy show kst_ns_a && rc_is 1 && err_has "no policy with this name" &&
		ns_run "$ns" -j policy show send && out_has '"concurrent":100' &&
		ns_run "$ns" -j breaker show sync && rc_is 0 && out_has '"state":"closed"' &&
		ns_run "$ns" -j chaos show && rc_is 0 && out_has '"enabled":false' &&
		out_lacks '"policy":"consensus"' &&
		ns_run "$ns" -j degrade show && rc_is 0 && out_has '"level":"normal"' || return 1
	done
}
check namespace_a_invisible_in_b_and_init t_invisible

t_sysfs() {
	[ -d /sys/kernel/dwcp_res ] || { diag "no /sys/kernel/dwcp_res"; return 1; }
	if find /sys/kernel/dwcp_res | grep -q kst_ns_a; then
		diag "sysfs shows A's policy"; return 1
	fi
	if [ -r /sys/kernel/dwcp_res/level ] && ! grep -qx normal /sys/kernel/dwcp_res/level; then
		diag "sysfs level: $(cat /sys/kernel/dwcp_res/level)"; return 1
	fi
	return 0
}
check sysfs_shows_init_net_only t_sysfs

# B's own changes stay in B too (and A is untouched by them).
t_change_b() {
	ns_run "$B" policy add kst_ns_b && rc_is 0 &&
	ns_run "$B" degrade set emergency && rc_is 0 &&
	ns_run "$A" -j policy list && out_lacks kst_ns_b &&
	ns_run "$A" -j degrade show && out_has '"level":"severely_degraded"' &&
	ns_run init -j policy list && out_lacks kst_ns_b &&
	ns_run init -j degrade show && out_has '"level":"normal"'
}
check namespace_b_changes_stay_in_b t_change_b

# Events: monitors in A, B and init; changes in A; then one change in each
# of B and init. Each monitor (--count 1) must see its own namespace's.
mon() { # NS FILE
	if [ "$1" = init ]; then
		"$R" -j monitor --count 1 >"$2" 2>"$2.err" &
	else
		nsenter -t "$1" -n "$R" -j monitor --count 1 >"$2" 2>"$2.err" &
	fi
	echo $!
}
waitpid() { # PID SECONDS: 0 if it ended in time
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		kill -0 "$1" 2>/dev/null || { wait "$1"; return 0; }
		sleep 0.1
		i=$((i + 1))
	done
	kill "$1" 2>/dev/null
	return 1
}

t_events() {
	ma=$(mon "$A" "$T/ev_a") mb=$(mon "$B" "$T/ev_b") mi=$(mon init "$T/ev_i")
	sleep 1.5	# all three subscribed (they wait in poll)
	ns_run "$A" policy add kst_ev_a && rc_is 0 &&
	waitpid "$ma" 10 || { diag "A's monitor got nothing"; return 1; }
	sleep 0.5
	ns_run "$B" policy add kst_ev_b && rc_is 0 &&
	ns_run init policy add kst_ev_i && rc_is 0 &&
	waitpid "$mb" 10 && waitpid "$mi" 10 || { diag "a monitor got nothing"; return 1; }
	ns_run init policy del kst_ev_i
	grep -q '"policy":"kst_ev_a","action":"added"' "$T/ev_a" &&
	grep -q '"policy":"kst_ev_b","action":"added"' "$T/ev_b" &&
	grep -q '"policy":"kst_ev_i","action":"added"' "$T/ev_i" &&
	! grep -q kst_ev_a "$T/ev_b" "$T/ev_i" && return 0
	for f in ev_a ev_b ev_i; do diag "$f: $(cat "$T/$f" "$T/$f.err")"; done
	return 1
}
check events_reach_only_their_namespace t_events

# A namespace that goes away takes its state along; the others keep theirs.
t_ns_exit() {
	kill $A
	wait $A 2>/dev/null
	A=""
	sleep 0.5
	ns_run "$B" -j policy list && rc_is 0 && out_has kst_ns_b &&
	ns_run init -j policy list && rc_is 0 && out_has '{"name":"receive"'
}
check namespace_exit_leaves_others t_ns_exit

kill $B 2>/dev/null
wait $B 2>/dev/null
B=""
sleep 0.5
if rmmod dwcp_res; then
	echo "ok $((n = n + 1)) module_unloads_after_namespaces"
else
	echo "not ok $((n = n + 1)) module_unloads_after_namespaces"
	fails=$((fails + 1))
fi
echo "1..$n"
[ $fails = 0 ] || exit 1
exit 0
