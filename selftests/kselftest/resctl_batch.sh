#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# resctl batch and apply, and the table of bad inputs, inside the test VM:
# a batch with comments, quoting and continuations runs on one socket; a
# failing line stops it with FILE:LINE (or not, with -force); -j prints
# one JSON array; apply round-trips "policy list -j", changes only what
# differs, --check changes nothing, --prune spares the DWCP profile; the
# kernel's dry run refuses what it would refuse. Every bad input (out of
# range, wrong type, missing, unknown, bad names, duplicates, deleting a
# policy in use, garbage batch and config files) is rejected with a clear
# message and leaves the state (every policy's configuration, breakers,
# chaos, level) as it was. Prints TAP 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko, bin/resctl and
# tests/dwcp_drive. Loads the module with chaos_allowed=1, unloads it.
# Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
DRIVE=$D/tests/dwcp_drive
n=0 fails=0
OUT=$(mktemp) ERR=$(mktemp) T=$(mktemp -d)
trap 'rm -rf "$OUT" "$ERR" "$T"' EXIT

echo "TAP version 13"
. "$(dirname "$0")/resctl_lib.sh"

if [ ! -x "$R" ] || [ ! -f "$KO" ]; then
	echo "1..0 # SKIP no $R or $KO"
	exit $KSFT_SKIP
fi
grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
if ! insmod "$KO" chaos_allowed=1; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

# The state a rejected input must leave alone: every policy's whole
# configuration and breaker, chaos and its faults, the level.
snap() { # FILE
	{ "$R" -j policy list; "$R" -j chaos show; "$R" degrade show | grep '^level'; } >"$1" 2>&1
}
same_state() {
	snap "$T/after"
	cmp -s "$T/before" "$T/after" && return 0
	diag "$last: the state changed:"
	diff "$T/before" "$T/after" | head -n 10 | sed 's/^/#   /'
	return 1
}

# ---- batch --------------------------------------------------------------

cat >"$T/ok.batch" <<'EOF'
# a comment, then a blank line

policy add kst_b1 base sync concurrent 7   # a trailing comment
policy add 'kst_b2' "base" receive \
	queue 11
policy set kst_b1 wait "300ms"
breaker force-open kst_b2
EOF

t_batch_runs() {
	run batch "$T/ok.batch" && rc_is 0 &&
	run policy show kst_b1 && out_line "  concurrent 7" && out_line "  wait 300ms" &&
	run policy show kst_b2 && out_line "  queue 11" &&
	run breaker show kst_b2 && out_re '^kst_b2  *forced-open '
}
check batch_runs_comments_quotes_continuations t_batch_runs

t_batch_stdin_json() {
	printf 'policy show kst_b1\nbreaker reset kst_b2\npolicy list\n' >"$T/in"
	"$R" -j batch - <"$T/in" >"$OUT" 2>"$ERR"; rc=$?; last="resctl -j batch - (stdin)"
	rc_is 0 &&
	out_has '[{"line":1,"args":["policy","show","kst_b1"],"exit":0,"output":{"name":"kst_b1"' &&
	out_has '{"line":2,"args":["breaker","reset","kst_b2"],"exit":0,"output":null,"errors":[]}' &&
	out_has '{"line":3,"args":["policy","list"],"exit":0,"output":{"policies":[' &&
	[ "$(wc -l <"$OUT")" = 1 ] || { diag "not one JSON line"; false; }
}
check batch_stdin_json_array t_batch_stdin_json

# A line that picks its own output format ("metrics --format text") used
# to switch JSON off for every later line: the output stopped being one
# JSON array.
t_batch_json_after_text() {
	printf 'metrics kst_b1 --format text\npolicy show kst_b1\nversion\n' >"$T/mix.batch"
	run -j batch "$T/mix.batch" && rc_is 0 &&
	out_has '{"line":2,"args":["policy","show","kst_b1"],"exit":0,"output":{"name":"kst_b1"' &&
	out_has '{"line":3,"args":["version"],"exit":0,"output":{"resctl":' &&
	[ "$(wc -l <"$OUT")" = 1 ] || { diag "not one JSON line"; sed 's/^/#   /' "$OUT" | head -5; false; }
}
check batch_json_survives_a_text_line t_batch_json_after_text

t_batch_stops() {
	printf 'policy set kst_b1 concurrent 8\npolicy set kst_b1 concurrent 0\npolicy set kst_b1 concurrent 9\n' >"$T/stop.batch"
	run batch "$T/stop.batch" && rc_is 1 &&
	err_has "$T/stop.batch:2: Numerical result out of range: concurrent: integer out of range" &&
	run policy show kst_b1 && out_line "  concurrent 8"
}
check batch_stops_at_first_failure_file_line t_batch_stops

t_batch_force() {
	run batch -force "$T/stop.batch" && rc_is 1 &&
	err_has "$T/stop.batch:2: " &&
	run policy show kst_b1 && out_line "  concurrent 9" &&
	run batch --force "$T/stop.batch" && rc_is 1 &&
	run -j batch -force "$T/stop.batch" && rc_is 1 &&
	out_has '{"line":2,"args":["policy","set","kst_b1","concurrent","0"],"exit":1,"output":null,"errors":["Numerical result out of range: concurrent: integer out of range'
}
check batch_force_goes_on_exits_nonzero t_batch_force

# ---- apply --------------------------------------------------------------

t_apply_round_trip() {
	"$R" -j policy list >"$T/all.json" &&
	snap "$T/before" &&
	run apply "$T/all.json" && rc_is 0 &&
	out_re '^kst_b1  *unchanged$' && out_re '^send  *unchanged$' &&
	same_state
}
check apply_round_trips_policy_list t_apply_round_trip

cat >"$T/new.json" <<'EOF'
{"policies": [
  {"name": "kst_a1", "base": "sync",
   "config": {"bulkhead": {"concurrent": 5, "wait_ns": "250ms"},
              "rate": {"rate_limit": true, "adaptive": false, "rate_per_s": 300}}},
  {"name": "kst_b1", "priority": "low"}
]}
EOF

t_apply_check() {
	snap "$T/before" &&
	run apply "$T/new.json" --check && rc_is 0 &&
	out_re '^kst_a1  *add$' && out_re '^kst_b1  *change$' &&
	same_state &&
	run -j apply --check "$T/new.json" && rc_is 0 &&
	out_has '"check":true' && out_has '{"name":"kst_a1","action":"add"}'
}
check apply_check_changes_nothing t_apply_check

t_apply() {
	run apply "$T/new.json" && rc_is 0 &&
	run policy show kst_a1 && out_line "  priority high" && out_line "  concurrent 5" &&
	out_line "  wait 250ms" && out_line "  rate-limit on" && out_line "  adaptive off" &&
	out_line "  rate 300/s" &&
	run policy show kst_b1 && out_line "  priority low" && out_line "  concurrent 9" &&
	run apply "$T/new.json" && rc_is 0 && out_re '^kst_a1  *unchanged$'
}
check apply_adds_and_changes t_apply

t_apply_prune() {
	printf '{"policies": [{"name": "kst_a1"}]}\n' >"$T/prune.json"
	run apply --prune "$T/prune.json" --check && rc_is 0 &&
	out_re '^kst_b1  *delete$' && out_re '^kst_b2  *delete$' && out_lacks "send" &&
	run policy list && out_has "kst_b1" &&
	run apply --prune "$T/prune.json" && rc_is 0 &&
	run policy list && out_lacks "kst_b1" && out_lacks "kst_b2" && out_has "kst_a1" &&
	out_re '^send ' && out_re '^receive ' && out_re '^sync ' && out_re '^consensus '
}
check apply_prune_spares_the_profile t_apply_prune

t_apply_dry_run_refused() {
	# Valid JSON, valid for resctl; the kernel's dry run refuses the second
	# policy, so the first is not added either.
	printf '{"policies": [{"name": "kst_ok"}, {"name": "kst_a1", "config": {"rate": {"rate_limit": false, "adaptive": true}}}]}\n' >"$T/dry.json"
	snap "$T/before" &&
	run apply "$T/dry.json" && rc_is 1 &&
	err_has "adaptive rate needs the rate limit on" &&
	err_has "nothing was changed" && err_has "policies[1]" &&
	same_state && run policy list && out_lacks "kst_ok"
}
check apply_all_or_nothing_kernel_dry_run t_apply_dry_run_refused

t_batch_apply() {
	# apply inside a batch shares the batch's socket and leaves it open.
	printf '{"policies": [{"name": "kst_ba", "config": {"bulkhead": {"queue": 3}}}]}\n' >"$T/ba.json"
	printf 'apply %s\npolicy set kst_ba queue 4\napply --check %s\npolicy del kst_ba\n' \
		"$T/ba.json" "$T/ba.json" >"$T/ba.batch"
	run batch "$T/ba.batch" && rc_is 0 && out_re '^kst_ba  *add$' && out_re '^kst_ba  *change$' &&
	run policy list && out_lacks kst_ba
}
check batch_runs_apply t_batch_apply

# Every command but monitor (events.sh), exec and help, with -j: the
# changes print nothing (null), the reads one JSON document each.
cat >"$T/every.batch" <<'EOF'
version
policy add kst_j base sync
policy set kst_j concurrent 6
policy list
policy show kst_j
breaker force-open kst_j
breaker disable kst_j
breaker enable kst_j
breaker reset kst_j
breaker show kst_j
chaos enable
chaos inject kst_j latency probability 1% value 1ms
chaos show
chaos disable
chaos clear
degrade set degraded --hold 1min
degrade show
degrade set normal
degrade auto
metrics kst_j
status
policy del kst_j
EOF
t_every_json() {
	run -j batch "$T/every.batch" && rc_is 0 || return 1
	for c in '"policy","add","kst_j","base","sync"' '"policy","set","kst_j","concurrent","6"' \
		 '"breaker","force-open","kst_j"' '"breaker","disable","kst_j"' \
		 '"breaker","enable","kst_j"' '"breaker","reset","kst_j"' '"chaos","enable"' \
		 '"chaos","inject","kst_j","latency","probability","1%","value","1ms"' \
		 '"chaos","disable"' '"chaos","clear"' '"degrade","set","degraded","--hold","1min"' \
		 '"degrade","set","normal"' '"degrade","auto"' '"policy","del","kst_j"'; do
		out_has "\"args\":[$c],\"exit\":0,\"output\":null,\"errors\":[]}" || return 1
	done
	out_has '"args":["version"],"exit":0,"output":{"resctl":' &&
	out_has '"args":["policy","list"],"exit":0,"output":{"policies":[' &&
	out_has '"args":["policy","show","kst_j"],"exit":0,"output":{"name":"kst_j","config":{' &&
	out_has '"concurrent":6,' &&
	out_has '"args":["breaker","show","kst_j"],"exit":0,"output":{"breakers":[{"name":"kst_j","state":"closed"' &&
	out_has '"args":["chaos","show"],"exit":0,"output":{"allowed":true,"enabled":true' &&
	out_has '"policy":"kst_j","kind":"latency"' &&
	out_has '"args":["degrade","show"],"exit":0,"output":{"level":"degraded","mode":"manual"' &&
	out_has '"args":["metrics","kst_j"],"exit":0,"output":{' &&
	out_has '"args":["status"],"exit":0,"output":{'
}
check every_command_json_through_batch t_every_json

# ---- the quick reference's common operations, as README.md shows them ----

t_common_ops() {
	run version && rc_is 0 && out_has "dwcp_res" &&
	run policy list && rc_is 0 && out_re '^consensus  *critical ' &&
	run status && rc_is 0 && out_has "send" &&
	run -j degrade show && rc_is 0 && out_has '"level":"normal"' &&
	run -j policy show send && rc_is 0 && out_has '"budget_remaining_ppm":' &&
	out_has '"success_ppm":' &&
	run metrics send && rc_is 0 &&
	run policy add kst_my-op base send failures 5 open 30s rate-limit on rate 100/s \
		burst 20 concurrent 10 queue 20 wait 1s retries 3 retry-base 100ms \
		retry-cap 5s retry-mult 2 slo 99.9% slo-window 30min && rc_is 0 &&
	run policy show kst_my-op && rc_is 0 && out_line "  failures 5" &&
	out_line "  open 30s" && out_line "  rate 100/s" && out_line "  burst 20" &&
	out_line "  concurrent 10" && out_line "  queue 20" && out_line "  wait 1s" &&
	out_line "  retries 3" && out_line "  retry-mult 2" && out_line "  slo 99.9%" &&
	out_line "  slo-window 30min" &&
	run policy del kst_my-op && rc_is 0
}
check quick_reference_common_operations t_common_ops

# ---- the table of bad inputs -------------------------------------------
#
# bad NAME EXIT MESSAGE ARGS...: resctl ARGS exits EXIT, says MESSAGE on
# stderr, and the state is as before.
bad() {
	name=$1 want=$2 msg=$3
	shift 3
	n=$((n + 1))
	last=""
	if snap "$T/before" && run "$@" && rc_is "$want" && err_has "$msg" && same_state; then
		echo "ok $n bad_input_$name"
	else
		sed 's/^/#   err: /' "$ERR" | head -n 5
		echo "not ok $n bad_input_$name"
		fails=$((fails + 1))
	fi
}

long=kst_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
# out-of-range values (resctl's checks, then the kernel's)
bad range_percent 2 "out of range, at most 100%" policy set send failure-rate 101%
bad range_u32 2 "too large" policy set send concurrent 99999999999
bad range_kernel 1 "concurrent: integer out of range (allowed 1..1000000)" policy set send concurrent 0
bad range_kernel_cross 1 "adaptive rate needs the rate limit on" policy set send rate-limit off
bad range_kernel_slo 1 "whole multiple of the bucket count" policy set send slo-window 1s slo-buckets 7
bad range_chaos 2 "" chaos inject send latency probability 150%
# wrong types
bad type_count 2 "bad value \"abc\"" policy set send concurrent abc
bad type_duration 2 "bad value \"5kg\"" policy set send open 5kg
bad type_enum 2 "bad value \"urgent\"" policy set send priority urgent
bad type_flag 2 "bad value \"maybe\"" policy set send rate-limit maybe
# missing attributes / arguments
bad missing_keys 2 "needs at least one KEY VALUE" policy set send
bad missing_value 2 "needs a value" policy set send concurrent
bad missing_name 2 "usage: resctl policy add" policy add
bad missing_breaker_name 2 "usage: resctl breaker force-open" breaker force-open
# unknown attributes / keys / commands
bad unknown_key 2 "unknown policy key \"colour\"" policy set send colour red
bad unknown_base 1 "base must be send, receive, sync or consensus" policy add kst_x base nope
bad unknown_command 2 "unknown policy command \"frobnicate\"" policy frobnicate send
# names too long or malformed
bad name_too_long 2 "must be 1..31 characters" policy add $long
bad name_slash 2 "may only hold letters" policy add kst/x
bad name_empty 2 "must be 1..31 characters" policy add ""
bad name_space 2 "may only hold letters" policy add "kst x"
# duplicates
bad dup_policy 1 "exists" policy add send
bad dup_key 2 "concurrent given twice" policy set send concurrent 5 concurrent 6
bad dup_base 2 "base given twice" policy add kst_x base sync base send
# unknown policies
bad no_such_policy 1 "no policy with this name" policy set kst_nope concurrent 5
bad no_such_del 1 "no policy with this name" policy del kst_nope

# Deleting a policy that is in use: a blocking send held 3 s in the
# pipeline by latency chaos is a call in flight.
if [ -x "$DRIVE" ] && "$R" policy add kst_busy base sync >/dev/null 2>&1 &&
   "$R" chaos enable >/dev/null && "$R" chaos inject kst_busy latency probability 100% value 3s >/dev/null; then
	"$DRIVE" -w -c kst_busy -n 1 >"$T/drive" 2>&1 &
	dpid=$!
	i=0
	while [ $i -lt 40 ]; do
		"$R" -j policy show kst_busy | grep -q '"inflight":[1-9]' && break
		sleep 0.05
		i=$((i + 1))
	done
	bad del_in_use 1 "is in use" policy del kst_busy
	wait $dpid
	"$R" chaos clear >/dev/null
	"$R" chaos disable >/dev/null
	t_del_idle() { run policy del kst_busy && rc_is 0; }
	check del_after_use_succeeds t_del_idle
else
	skip bad_input_del_in_use "no dwcp_drive or chaos"
fi

# garbage batch files: nothing runs
printf 'policy add kst_g1\npolicy add "kst_g2\n' >"$T/g1.batch"
bad batch_unterminated_quote 2 "g1.batch:2: unterminated double quote" batch "$T/g1.batch"
printf 'policy add kst_g1\nfrobnicate now\n' >"$T/g2.batch"
bad batch_unknown_command 2 "g2.batch:2: unknown command \"frobnicate\"" batch "$T/g2.batch"
head -c 300 "$R" >"$T/g3.batch"
bad batch_binary 2 "not a text line" batch "$T/g3.batch"
printf 'policy add kst_g1\nmonitor\n' >"$T/g4.batch"
bad batch_monitor 2 "g4.batch:2: \"monitor\" cannot run in a batch" batch "$T/g4.batch"
printf 'policy add kst_g1 \\' >"$T/g5.batch"
bad batch_trailing_backslash 2 "backslash at the end of the file" batch "$T/g5.batch"
bad batch_missing_file 1 "No such file or directory" batch "$T/nope.batch"

# garbage and invalid config files: nothing is sent
printf '{"policies": [\n  {"name": "kst_c1",, }\n]}\n' >"$T/c1.json"
bad apply_json_syntax 2 "c1.json:2:" apply "$T/c1.json"
printf '{"policies": [{"name": "kst_c1", "config": {"breaker": {"opn_ns": 1}}}]}' >"$T/c2.json"
bad apply_unknown_key 2 "policies[0].config.breaker.opn_ns: unknown key" apply --check "$T/c2.json"
printf '{"policies": [{"name": "kst_c1", "colour": "red"}]}' >"$T/c3.json"
bad apply_unknown_policy_key 2 "unknown key \"colour\"" apply "$T/c3.json"
printf '{"policies": [{"name": "kst_c1", "config": {"breaker": {"failures": true}}}]}' >"$T/c4.json"
bad apply_wrong_type 2 "failures: expected an integer" apply "$T/c4.json"
printf '{"policies": [{"name": "kst_c1", "config": {"breaker": {"failures": -3}}}]}' >"$T/c5.json"
bad apply_negative 2 "out of range" apply "$T/c5.json"
printf '{"policies": [{"name": "kst_c1"}, {"name": "kst_c1"}]}' >"$T/c6.json"
bad apply_duplicate 2 "is there twice" apply "$T/c6.json"
printf '{"policies": [{"config": {}}]}' >"$T/c7.json"
bad apply_missing_name 2 "missing \"name\"" apply "$T/c7.json"
printf '{"policies": [{"name": "%s"}]}' "$long" >"$T/c8.json"
bad apply_name_too_long 2 "must be 1..31 characters" apply "$T/c8.json"
printf '{"policies": [{"name": "kst_c1", "config": {"bulkhead": {"concurrent": 0}}}]}' >"$T/c9.json"
bad apply_kernel_range 1 "concurrent: integer out of range" apply --check "$T/c9.json"
head -c 200 "$R" >"$T/c10.json"
bad apply_binary 2 "not a JSON text file" apply "$T/c10.json"

rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ] || exit 1
exit 0
