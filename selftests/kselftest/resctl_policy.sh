#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# resctl policy/breaker/chaos against the loaded module, inside the test VM:
# the DWCP profile as loaded, add/set/show/del round trips, kernel errors
# with their extack, breaker actions, chaos with and without chaos_allowed,
# JSON output, and refusal of unprivileged changes. Prints TAP 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko and bin/resctl. Reloads
# the module (the profile must be fresh) and unloads it at the end.
# Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
n=0 fails=0
OUT=$(mktemp) ERR=$(mktemp)
trap 'rm -f "$OUT" "$ERR" /tmp/resctl.nobody' EXIT

echo "TAP version 13"

# ---- helpers: selftests/kselftest/resctl_lib.sh, plus the ones below ---

. "$(dirname "$0")/resctl_lib.sh"

load() { # load [PARAMS]: a fresh module
	if grep -q '^dwcp_res ' /proc/modules; then
		rmmod dwcp_res || return 1
	fi
	insmod "$KO" "$@"
}

# ---- setup ------------------------------------------------------------

if [ ! -x "$R" ] || [ ! -f "$KO" ]; then
	echo "1..0 # SKIP no $R or $KO"
	exit $KSFT_SKIP
fi
if ! load; then
	n=1
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

# ---- the DWCP profile ---------------------------------------------------

t_list_profile() {
	run policy list && rc_is 0 &&
	out_re '^NAME  *PRIORITY  *BREAKER  *ADMITTED  *REJECTED  *INFLIGHT$' &&
	out_re '^send  *normal  *closed ' &&
	out_re '^receive  *normal  *closed ' &&
	out_re '^sync  *high  *closed ' &&
	out_re '^consensus  *critical  *closed '
}
check policy_list_shows_profile t_list_profile

t_show_send() {
	run policy show send && rc_is 0 &&
	out_line "policy send" &&
	out_line "  priority normal" &&
	out_line "  latency-target 100ms" &&
	out_line "  degrade-scale 75%" &&
	out_line "  breaker-mode consecutive" &&
	out_line "  failures 5" &&
	out_line "  open 1min" &&
	out_line "  rate-limit on" &&
	out_line "  adaptive on" &&
	out_line "  concurrent 100" &&
	out_line "  queue 200" &&
	out_line "  wait 5s" &&
	out_line "  retries 3" &&
	out_line "  retry-base 100ms" &&
	out_line "  retry-cap 5s" &&
	out_line "  retry-mult 2" &&
	out_line "  timeout 30s" &&
	out_line "  slo 99.9%" &&
	out_line "  admitted 0" &&
	out_line "  breaker closed"
}
check policy_show_send_profile t_show_send

t_show_consensus() {
	run policy show consensus && rc_is 0 &&
	out_line "policy consensus" &&
	out_line "  priority critical" &&
	out_line "  failures 3" &&
	out_line "  concurrent 20" &&
	out_line "  queue 50" &&
	out_line "  wait 15s" &&
	out_line "  retries 5" &&
	out_line "  slo 99.5%" &&
	out_line "  rate-limit off"
}
check policy_show_consensus_profile t_show_consensus

# ---- add, set, show, del ------------------------------------------------

t_add_custom() {
	run policy add kst_web base sync priority low concurrent 7 queue 9 \
		wait 250ms open 1.5s slo 99.5% retry-mult 1.5 failure-rate 40% \
		retry-budget 25% && rc_is 0 &&
	run policy show kst_web && rc_is 0 &&
	out_line "policy kst_web" &&
	out_line "  priority low" &&
	out_line "  concurrent 7" &&
	out_line "  queue 9" &&
	out_line "  wait 250ms" &&
	out_line "  open 1.5s" &&
	out_line "  slo 99.5%" &&
	out_line "  retry-mult 1.5" &&
	out_line "  failure-rate 40%" &&
	out_line "  retry-budget 25%" &&
	out_line "  failures 3" &&		# from the sync profile
	out_line "  retries 5" &&
	run policy list && out_re '^kst_web  *low  *closed '
}
check policy_add_show_round_trip t_add_custom

t_add_flags() {
	# The flags are one u32: resctl creates, then flips the bits given.
	run policy add kst_flags base sync rate-limit on rate 500/s burst 10 && rc_is 0 &&
	run policy show kst_flags && rc_is 0 &&
	out_line "  rate-limit on" &&
	out_line "  adaptive off" &&
	out_line "  rate 500/s" &&
	out_line "  burst 10" &&
	run policy set kst_flags adaptive on && rc_is 0 &&
	run policy show kst_flags && rc_is 0 &&
	out_line "  adaptive on" &&
	out_line "  rate-limit on"
}
check policy_add_and_set_flags t_add_flags

t_set_keeps_others() {
	run policy set kst_web concurrent 8 wait 300ms && rc_is 0 &&
	run policy show kst_web && rc_is 0 &&
	out_line "  concurrent 8" &&
	out_line "  wait 300ms" &&
	out_line "  queue 9" &&
	out_line "  priority low" &&
	out_line "  open 1.5s" &&
	out_line "  slo 99.5%"
}
check policy_set_changes_only_given_keys t_set_keeps_others

t_set_keeps_state() {
	# Without traffic the counters stay 0 either way; the breaker state is
	# live state that a "replace the instance" implementation would lose.
	run breaker force-open kst_web && rc_is 0 &&
	run policy set kst_web concurrent 9 && rc_is 0 &&
	run breaker show kst_web && rc_is 0 &&
	out_re '^kst_web  *forced-open ' &&
	run policy show kst_web && out_line "  concurrent 9" &&
	out_line "  admitted 0" &&
	run breaker enable kst_web && rc_is 0
}
check policy_set_keeps_state t_set_keeps_state

t_kernel_rejects() {
	# Valid for resctl, invalid for the kernel: exit 1 with the extack,
	# printed as "resctl: <strerror>: <message>".
	run policy set send concurrent 0 && rc_is 1 &&
	{ grep -q '^resctl: [^:]*: ..*' "$ERR" ||
	  { diag "stderr has no kernel message (extack)"; false; }; } &&
	{ grep -q 'concurrent: integer out of range (allowed 1\.\.1000000)' "$ERR" ||
	  { diag "the message does not name the key and its range"; false; }; } &&
	diag "kernel said: $(cat "$ERR")" &&
	run policy show send && out_line "  concurrent 100"
}
check kernel_error_prints_extack t_kernel_rejects

t_add_duplicate() {
	run policy add kst_web && rc_is 1 && err_has "exists"
}
check policy_add_duplicate_fails t_add_duplicate

t_add_profile_name() {
	run policy add send && rc_is 1 && err_has "exists"
}
check policy_add_profile_name_fails t_add_profile_name

t_del_unknown() {
	run policy del kst_nope && rc_is 1 && err_has "resctl: " && err_lacks "not loaded"
}
check policy_del_unknown_fails t_del_unknown

t_show_unknown() {
	run policy show kst_nope && rc_is 1 && err_has "resctl: " && err_lacks "not loaded"
}
check policy_show_unknown_fails t_show_unknown

t_del() {
	run policy del kst_web && rc_is 0 &&
	run policy del kst_flags && rc_is 0 &&
	run policy list && rc_is 0 && out_lacks "kst_web" && out_lacks "kst_flags" &&
	run policy show kst_web && rc_is 1
}
check policy_del t_del

# ---- breaker ------------------------------------------------------------

t_breaker() {
	run breaker show && rc_is 0 &&
	out_re '^NAME  *STATE  *MODE ' &&
	out_re '^send  *closed  *consecutive ' &&
	run breaker force-open send && rc_is 0 &&
	run breaker show send && rc_is 0 && out_re '^send  *forced-open ' &&
	run policy list && out_re '^send  *normal  *forced-open ' &&
	run breaker enable send && rc_is 0 &&
	run breaker show send && out_re '^send  *closed ' &&
	run breaker disable send && rc_is 0 &&
	run breaker show send && out_re '^send  *disabled ' &&
	run breaker reset send && rc_is 0 &&
	run breaker enable send && rc_is 0 &&
	run breaker show send && out_re '^send  *closed '
}
check breaker_actions t_breaker

t_breaker_unknown() {
	run breaker force-open kst_nope && rc_is 1 && err_has "resctl: " &&
	err_lacks "not loaded"
}
check breaker_unknown_policy_fails t_breaker_unknown

# ---- JSON ----------------------------------------------------------------

t_json() {
	run -j policy list && rc_is 0 &&
	out_has '{"policies":[{"name":"send","priority":"normal","breaker":"closed","admitted":' &&
	out_has '"name":"consensus"' &&
	run -j policy show send && rc_is 0 &&
	out_has '"name":"send"' &&
	out_has '"open_ns":60000000000' &&
	out_has '"wait_ns":5000000000' &&
	out_has '"concurrent":100' &&
	out_has '"slo_ppm":999000' &&
	out_has '"degrade_scale_permille":750' &&
	out_has '"rate_limit":true' &&
	out_has '"stats":{"calls":{"admitted":0' &&
	run -j breaker show send && rc_is 0 &&
	out_has '{"breakers":[{"name":"send","state":"closed","mode":"consecutive"' &&
	run -j chaos show && rc_is 0 &&
	out_has '"allowed":false' && out_has '"enabled":false' && out_has '"faults":[' &&
	run -p -j policy list && rc_is 0 && out_has '"policies": ['
}
check json_output t_json

# ---- chaos without chaos_allowed -----------------------------------------

t_chaos_not_allowed() {
	run chaos show && rc_is 0 &&
	out_line "allowed no" && out_line "enabled no" &&
	run chaos enable && rc_is 1 && err_has "not allowed" &&
	run chaos show && out_line "enabled no"
}
check chaos_enable_refused_without_chaos_allowed t_chaos_not_allowed

# ---- an unprivileged user --------------------------------------------------

# How to run a command as nobody in this VM (busybox su or chpst), if at all.
as_nobody="" nobody_why=""
probe=$(su nobody -s /bin/sh -c 'id -u' 2>&1)
if [ "$probe" = 65534 ]; then
	as_nobody=su
elif [ "$(chpst -u nobody id -u 2>/dev/null)" = 65534 ]; then
	as_nobody=chpst
else
	# e.g. an initramfs whose / is 0700: nobody cannot reach /bin/sh.
	nobody_why="cannot run a command as nobody (su: $(echo "$probe" | head -n 1); / is $(ls -ld / | cut -c1-10))"
fi
# A copy nobody can surely execute (DWCP_DIR may be root-only).
cp "$R" /tmp/resctl.nobody 2>/dev/null && chmod 0755 /tmp/resctl.nobody

# nobody_run ARGS...: like run, as nobody (arguments hold no spaces).
nobody_run() {
	last="(as nobody) resctl $*"
	if [ "$as_nobody" = su ]; then
		su nobody -s /bin/sh -c "/tmp/resctl.nobody $*" >"$OUT" 2>"$ERR"
	else
		chpst -u nobody /tmp/resctl.nobody "$@" >"$OUT" 2>"$ERR"
	fi
	rc=$?
}

if [ -n "$as_nobody" ]; then
	nobody_run help
	[ "$rc" = 0 ] || nobody_why="nobody cannot run resctl (exit $rc: $(head -n 1 "$ERR"))"
fi

t_nobody_reads() {
	nobody_run policy list && rc_is 0 && out_re '^send  *normal ' &&
	nobody_run policy show send && rc_is 0 && out_line "  concurrent 100" &&
	nobody_run breaker show && rc_is 0 &&
	nobody_run chaos show && rc_is 0
}

t_nobody_refused() {
	nobody_run policy set send concurrent 50 && rc_is 1 &&
	err_has "permission denied" && err_has "CAP_NET_ADMIN" &&
	nobody_run policy add kst_nobody && rc_is 1 && err_has "permission denied" &&
	nobody_run policy del receive && rc_is 1 && err_has "permission denied" &&
	nobody_run breaker force-open send && rc_is 1 && err_has "permission denied" &&
	nobody_run chaos clear && rc_is 1 && err_has "permission denied" &&
	run policy show send && out_line "  concurrent 100" &&
	run policy list && out_lacks "kst_nobody" && out_has "receive" &&
	run breaker show send && out_re '^send  *closed '
}

if [ -n "$nobody_why" ]; then
	skip unprivileged_user_can_read "$nobody_why"
	skip unprivileged_user_cannot_change "$nobody_why"
else
	check unprivileged_user_can_read t_nobody_reads
	check unprivileged_user_cannot_change t_nobody_refused
fi

# ---- chaos with chaos_allowed=1 ---------------------------------------------

if load chaos_allowed=1; then
	t_chaos() {
		run chaos show && rc_is 0 && out_line "allowed yes" && out_line "enabled no" &&
		run chaos enable && rc_is 0 &&
		run chaos show && out_line "enabled yes" &&
		run chaos inject send latency probability 10% value 20ms times 5 seed 42 &&
		rc_is 0 &&
		run chaos inject receive error probability 1% value ECONNRESET && rc_is 0 &&
		run chaos show && rc_is 0 &&
		out_re '^send  *latency  *10%  *[0-9][0-9]*  *5  *20ms  *20ms ' &&
		out_re '^receive  *error  *1%  .* ECONNRESET  *ECONNRESET ' &&
		run -j chaos show && rc_is 0 &&
		out_has '"allowed":true' && out_has '"enabled":true' &&
		out_has '"policy":"send","kind":"latency","probability_ppm":100000' &&
		out_has '"min_ns":20000000,"max_ns":20000000' &&
		out_has '"min_errno":104,"max_errno":104' &&
		out_has '"seed":42' &&
		run chaos clear && rc_is 0 &&
		run chaos show && rc_is 0 && out_lacks "latency" && out_line "enabled yes" &&
		run chaos disable && rc_is 0 &&
		run chaos show && out_line "enabled no"
	}
	check chaos_enable_inject_show_clear_disable t_chaos

	t_chaos_bad() {
		run chaos inject kst_nope latency probability 10% && rc_is 1 &&
		err_has "resctl: " && err_lacks "not loaded"
	}
	check chaos_inject_unknown_policy_fails t_chaos_bad
else
	n=$((n + 1)); fails=$((fails + 1))
	echo "not ok $n chaos_enable_inject_show_clear_disable # insmod chaos_allowed=1 failed"
	skip chaos_inject_unknown_policy_fails "module not loaded"
fi

grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ] || exit 1
exit 0
