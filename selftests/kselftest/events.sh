#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The "events" multicast group and the dwcp_res tracepoints, inside the
# test VM: "resctl monitor" sees policy add/set/del, breaker transitions,
# a rate-limited reject event and chaos on/off, in order and with the right
# fields; events stay in their network namespace; the monitor exits 0 on
# SIGTERM and after --count N; the tracepoints exist and fire. Prints TAP 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko, bin/resctl and
# tests/dwcp_drive. Loads the module with chaos_allowed=1, unloads it at the
# end. Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
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
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
# check NAME FUNCTION: one case; the function prints why it fails.
check() { if "$2"; then ok "$1"; else not_ok "$1"; fi; }

# ---- helpers ----------------------------------------------------------

# monitor_start FILE ARGS...: resctl ARGS monitor in the background, output
# in FILE; returns once it has joined the group (it waits in poll then).
monitor_start() {
	out=$1
	shift
	"$R" "$@" >"$out" 2>"$out.err" &
	MON_PID=$!
	i=0
	while [ $i -lt 100 ]; do
		case "$(cat /proc/$MON_PID/wchan 2>/dev/null)" in
		*poll*) return 0 ;;
		esac
		kill -0 $MON_PID 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	# No wchan (no kallsyms)? Give it time to subscribe.
	kill -0 $MON_PID 2>/dev/null || return 1
	sleep 2
}

# monitor_wait [SECONDS]: the monitor's exit status (124 if it had to be
# killed after SECONDS, default 30).
monitor_wait() {
	( sleep "${1:-30}"; kill $MON_PID 2>/dev/null ) &
	killer=$!
	wait $MON_PID
	mrc=$?
	if kill -0 $killer 2>/dev/null; then
		kill $killer 2>/dev/null
		wait $killer 2>/dev/null
	else
		mrc=124
	fi
	MON_PID=""
	return 0
}

run() { # run ARGS...: resctl, failing loudly
	"$R" "$@" >"$T/out" 2>"$T/err" && return 0
	diag "resctl $* failed: $(cat "$T/err")"
	return 1
}

# ---- setup ------------------------------------------------------------

if [ ! -x "$R" ] || [ ! -f "$KO" ] || [ ! -x "$DRIVE" ]; then
	echo "1..0 # SKIP no $R, $KO or $DRIVE"
	exit $KSFT_SKIP
fi
grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
if ! insmod "$KO" chaos_allowed=1; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

# ---- the sequence of events, as JSON ------------------------------------

EV=$T/events.json
seq_ok=1
if ! monitor_start "$EV" -j monitor --count 8; then
	diag "monitor did not start: $(cat "$EV.err")"
	seq_ok=0
fi
run policy add evtest || seq_ok=0
run breaker force-open evtest || seq_ok=0
"$DRIVE" -c evtest -n 5 >"$T/drive" 2>&1 || { diag "dwcp_drive: $(cat "$T/drive")"; seq_ok=0; }
run breaker enable evtest || seq_ok=0
run chaos enable || seq_ok=0
run chaos disable || seq_ok=0
run policy set evtest concurrent 10 || seq_ok=0
run policy del evtest || seq_ok=0
monitor_wait 30

t_setup() { [ $seq_ok = 1 ]; }
check events_actions_succeed t_setup

t_drive() {
	grep -qx "rejected 5" "$T/drive" && grep -qx "ECONNREFUSED 5" "$T/drive" && return 0
	diag "dwcp_drive on a forced-open breaker:"; sed 's/^/#   /' "$T/drive"
	return 1
}
check drive_refused_by_forced_open_breaker t_drive

t_count_exit() {
	[ "$mrc" = 0 ] && [ "$(wc -l <"$EV")" = 8 ] && return 0
	diag "monitor --count 8: exit $mrc, $(wc -l <"$EV") lines; stderr: $(cat "$EV.err")"
	return 1
}
check monitor_count_exits_0_after_n_events t_count_exit

# Every line has a receive time; the rest must be exactly this, in order
# (a new breaker starts at epoch 1 and each transition adds one; one reject
# event for the five refused calls: they come within a second).
cat >"$T/want" <<'EOF'
{"event":"policy","policy":"evtest","action":"added"}
{"event":"breaker","policy":"evtest","from":"closed","to":"forced-open","epoch":2}
{"event":"reject","policy":"evtest","reason":"breaker","count":1}
{"event":"breaker","policy":"evtest","from":"forced-open","to":"closed","epoch":3}
{"event":"chaos","enabled":true}
{"event":"chaos","enabled":false}
{"event":"policy","policy":"evtest","action":"changed"}
{"event":"policy","policy":"evtest","action":"deleted"}
EOF
t_sequence() {
	if grep -qv '^{"time_ns":[1-9][0-9]*,' "$EV"; then
		diag "a line without time_ns:"; sed 's/^/#   /' "$EV"
		return 1
	fi
	sed 's/"time_ns":[0-9]*,//' "$EV" >"$T/got"
	diff "$T/want" "$T/got" >"$T/diff" && return 0
	sed 's/^/#   /' "$T/diff"
	return 1
}
check events_arrive_in_order_with_fields t_sequence

# ---- text output, namespaces, signals -------------------------------------

t_text() {
	monitor_start "$T/text" monitor --count 1 || return 1
	run policy add evtext || return 1
	monitor_wait 30
	run policy del evtext
	[ "$mrc" = 0 ] && grep -qx '[0-9-]*T[0-9:]*\.[0-9]\{6\} policy evtext added' "$T/text" &&
		return 0
	diag "exit $mrc:"; sed 's/^/#   /' "$T/text" "$T/text.err"
	return 1
}
check monitor_text_line_has_time t_text

t_netns() {
	if ! unshare -n true 2>/dev/null; then
		diag "SKIP: unshare -n is not available"
		return 0
	fi
	monitor_start "$T/ns" -j monitor --count 1 || return 1
	# A policy added in another namespace must not reach this monitor.
	if ! unshare -n "$R" policy add evother >"$T/err" 2>&1; then
		diag "policy add in a new netns: $(cat "$T/err")"
		kill $MON_PID
		monitor_wait 5
		return 1
	fi
	run policy add evhome || return 1
	monitor_wait 30
	run policy del evhome
	grep -q '"policy":"evhome","action":"added"' "$T/ns" && ! grep -q evother "$T/ns" &&
		return 0
	diag "exit $mrc:"; sed 's/^/#   /' "$T/ns"
	return 1
}
check events_stay_in_their_namespace t_netns

t_sigterm() {
	monitor_start "$T/sig" monitor || return 1
	kill -TERM $MON_PID
	monitor_wait 10
	[ "$mrc" = 0 ] && return 0
	diag "monitor after SIGTERM: exit $mrc, stderr: $(cat "$T/sig.err")"
	return 1
}
check monitor_exits_0_on_sigterm t_sigterm

t_sigint() {
	monitor_start "$T/int" -j monitor || return 1
	kill -INT $MON_PID
	monitor_wait 10
	[ "$mrc" = 0 ] && return 0
	diag "monitor after SIGINT: exit $mrc"
	return 1
}
check monitor_exits_0_on_sigint t_sigint

t_usage() {
	"$R" monitor --count 0 >/dev/null 2>&1
	[ $? = 2 ] || { diag "monitor --count 0 did not exit 2"; return 1; }
	"$R" monitor frob >/dev/null 2>&1
	[ $? = 2 ] || { diag "monitor frob did not exit 2"; return 1; }
}
check monitor_usage_errors_exit_2 t_usage

# ---- tracepoints --------------------------------------------------------

TR=""
for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
	[ -d $d/events ] && { TR=$d; break; }
done
if [ -z "$TR" ] && [ -d /sys/kernel/tracing ] &&
   mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null; then
	TR=/sys/kernel/tracing
fi

if [ -z "$TR" ]; then
	skip tracepoints_exist "no tracefs in this kernel"
	skip tracepoint_breaker_transition_fires "no tracefs in this kernel"
	skip tracepoint_reject_fires_per_call "no tracefs in this kernel"
else
	t_exist() {
		missing=""
		for e in breaker_transition reject chaos_inject chaos_state level_change; do
			[ -f $TR/events/dwcp_res/$e/enable ] || missing="$missing $e"
		done
		[ -z "$missing" ] && return 0
		diag "missing in $TR/events/dwcp_res:$missing"
		return 1
	}
	check tracepoints_exist t_exist

	t_breaker_tp() {
		echo 0 >$TR/tracing_on
		echo >$TR/trace
		echo 1 >$TR/events/dwcp_res/breaker_transition/enable || return 1
		echo 1 >$TR/tracing_on
		run breaker force-open sync && run breaker reset sync
		echo 0 >$TR/events/dwcp_res/breaker_transition/enable
		grep -q 'breaker_transition: policy=sync from=closed to=forced-open epoch=2$' $TR/trace &&
			grep -q 'breaker_transition: policy=sync from=forced-open to=closed epoch=3$' $TR/trace &&
			return 0
		diag "trace:"; grep -v '^#' $TR/trace | sed 's/^/#   /' | head -n 20
		return 1
	}
	check tracepoint_breaker_transition_fires t_breaker_tp

	t_reject_tp() {
		echo >$TR/trace
		echo 1 >$TR/events/dwcp_res/reject/enable || return 1
		run breaker force-open sync && "$DRIVE" -c sync -n 7 >"$T/drive" 2>&1
		run breaker reset sync
		echo 0 >$TR/events/dwcp_res/reject/enable
		got=$(grep -c 'reject: policy=sync reason=breaker$' $TR/trace)
		[ "$got" = 7 ] && return 0
		diag "$got reject lines for 7 refused calls:"; sed 's/^/#   /' "$T/drive"
		return 1
	}
	check tracepoint_reject_fires_per_call t_reject_tp
	echo 0 >$TR/tracing_on
	echo >$TR/trace
	echo 1 >$TR/tracing_on
fi

# After rmmod and insmod the family has a new id and its group a new id:
# the monitor used to keep waiting on the old membership, hearing nothing.
# It follows nlctrl's notifications and joins the new group.
t_reload() {
	monitor_start "$T/reload" -j monitor --count 1 || return 1
	rmmod dwcp_res && insmod "$KO" || return 1
	i=0
	while ! grep -q "module is back" "$T/reload.err" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	run policy add evreload || return 1
	monitor_wait 30
	run policy del evreload
	[ "$mrc" = 0 ] && grep -q '"policy":"evreload","action":"added"' "$T/reload" &&
		grep -q "module was unloaded" "$T/reload.err" && return 0
	diag "exit $mrc:"; sed 's/^/#   /' "$T/reload" "$T/reload.err"
	return 1
}
check monitor_follows_a_module_reload t_reload

rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ] || exit 1
exit 0
