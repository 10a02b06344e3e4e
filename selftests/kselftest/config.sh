#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The boot-time configuration file inside the test VM: "resctl dump-config"
# round-trips through "apply --check" and "apply" with every item
# unchanged; a version 1 file with policies, the system SLO, the
# degradation mode and triggers and health checks is applied and reads
# back; --check changes nothing; bad files (resctl's checks and the
# kernel's dry run of BUDGET_SET, DEGRADE_SET and HEALTH_NEW/SET) change
# nothing, not even the parts of the file before the bad one; --prune
# deletes the user checks the file does not name. Prints TAP 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko and bin/resctl. Loads
# the module, unloads it.
# Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
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
if ! insmod "$KO"; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

# The whole configuration, as dump-config prints it (one line, no state).
snap() { "$R" -j dump-config >"$1" 2>&1; }
same_state() {
	snap "$T/after"
	cmp -s "$T/before" "$T/after" && return 0
	diag "$last: the configuration changed:"
	diff "$T/before" "$T/after" | head -n 10 | sed 's/^/#   /'
	return 1
}
# Every row of apply's report says unchanged.
all_unchanged() {
	grep -Eq ' (add|change|delete)$' "$OUT" || return 0
	diag "$last: not everything unchanged:"
	grep -E ' (add|change|delete)$' "$OUT" | head -n 5 | sed 's/^/#   /'
	return 1
}

t_dump_round_trip() {
	run dump-config && rc_is 0 && cp "$OUT" "$T/dump.conf" &&
	out_has '"version": 1' && out_has '"policies"' && out_has '"slo"' &&
	out_has '"degrade"' && out_has '"health"' && out_has '"builtin": true' &&
	snap "$T/before" &&
	run apply --check "$T/dump.conf" && rc_is 0 && all_unchanged &&
	out_re '^send  *unchanged$' && out_re '^slo  *system  *unchanged$' &&
	out_re '^degrade  *-  *unchanged$' &&
	run apply "$T/dump.conf" && rc_is 0 && all_unchanged && same_state
}
check dump_config_round_trips t_dump_round_trip

cat >"$T/full.conf" <<'EOF'
{
  "version": 1,
  "policies": [
    {"name": "kst_cfg", "base": "sync", "priority": "high",
     "config": {"slo": {"slo_ppm": "99%", "slo_window_ns": "10min"}}}
  ],
  "slo": {"system": {"slo_ppm": 995000, "window_ns": "2h", "min_events": 50}},
  "degrade": {"mode": "auto",
              "triggers": {"enabled": "budget,health", "min_dwell_ns": "5s",
                           "up_dwell_ns": "1s"}},
  "health": [
    {"name": "kst_err", "metric": "error-rate", "policy": "kst_cfg",
     "min": 0, "max": 200000, "interval_ns": "2s", "timeout_ns": "1s",
     "rise": 2, "fall": 3, "level": "severely_degraded", "enabled": true}
  ]
}
EOF

t_apply_check() {
	snap "$T/before" &&
	run apply --check "$T/full.conf" && rc_is 0 &&
	out_re '^kst_cfg  *add$' && out_re '^slo  *system  *change$' &&
	out_re '^degrade  *-  *change$' && out_re '^health  *kst_err  *add$' &&
	same_state
}
check apply_check_changes_nothing t_apply_check

t_apply_full() {
	run apply "$T/full.conf" && rc_is 0 &&
	run slo show system && out_line "target 99.5%" && out_line "window 2h" &&
	out_line "min-events 50" &&
	run policy show kst_cfg && out_line "  priority high" && out_line "  slo 99%" &&
	run degrade show && out_line "  enabled budget,health" && out_line "  dwell 5s" &&
	run health show kst_err && out_has "severely_degraded" && out_has "kst_cfg" &&
	run apply "$T/full.conf" && rc_is 0 && all_unchanged &&
	run dump-config && cp "$OUT" "$T/dump2.conf" &&
	run apply "$T/dump2.conf" && rc_is 0 && all_unchanged
}
check apply_full_config_and_reapply t_apply_full

t_manual_mode() {
	printf '{"version": 1, "degrade": {"mode": "degraded"}}\n' >"$T/man.conf"
	run apply "$T/man.conf" && rc_is 0 && out_re '^degrade  *-  *change$' &&
	run degrade show && out_line "level degraded" && out_line "mode manual" &&
	run dump-config && out_has '"mode": "degraded"' &&
	printf '{"version": 1, "degrade": {"mode": "auto"}}\n' >"$T/auto.conf" &&
	run apply "$T/auto.conf" && rc_is 0 &&
	run degrade show && out_line "mode auto"
}
check apply_degrade_mode t_manual_mode

# A file whose last item the kernel's dry run refuses: nothing of it is
# applied (not the new policy, not the SLO, not the triggers).
t_partial_failure() {
	cat >"$T/part.conf" <<'EOF'
{"version": 1,
 "policies": [{"name": "kst_new", "priority": "low"}],
 "slo": {"system": {"slo_ppm": 990000}},
 "degrade": {"triggers": {"min_dwell_ns": "7s"}},
 "health": [{"name": "kst_bad", "metric": "calls", "interval_ns": "1s",
             "timeout_ns": "2s"}]}
EOF
	snap "$T/before" &&
	run apply "$T/part.conf" && rc_is 1 &&
	err_has "timeout must not exceed its interval" && err_has "health[0]" &&
	err_has "nothing was changed" &&
	same_state && run policy list && out_lacks "kst_new"
}
check apply_partial_failure_changes_nothing t_partial_failure

# A new policy with one flag changed from its base: one POLICY_NEW with
# DWCP_RES_P_FLAGS_MASK, so the dry run sees what apply will do. It used to
# pass --check and then fail half-way: "bulk" created without its flags,
# the flags refused by a second request, "later" never applied.
t_flags_from_base() {
	cat >"$T/flags.conf" <<'EOF'
{"version": 1,
 "policies": [{"name": "kst_bulk", "base": "send", "config": {"rate": {"rate_limit": false}}},
              {"name": "kst_later", "base": "sync"}]}
EOF
	snap "$T/before" &&
	run apply --check "$T/flags.conf" && rc_is 1 &&
	err_has "adaptive rate needs the rate limit on" && err_has "nothing was changed" &&
	run apply "$T/flags.conf" && rc_is 1 && err_has "nothing was changed" &&
	same_state && run policy list && out_lacks "kst_bulk" && out_lacks "kst_later" &&
	cat >"$T/flags2.conf" <<'EOF' &&
{"version": 1,
 "policies": [{"name": "kst_bulk", "base": "send",
               "config": {"rate": {"rate_limit": false, "adaptive": false}}},
              {"name": "kst_rate", "base": "sync", "config": {"rate": {"rate_limit": true}}},
              {"name": "kst_later", "base": "sync"}]}
EOF
	run apply --check "$T/flags2.conf" && rc_is 0 &&
	run apply "$T/flags2.conf" && rc_is 0 &&
	run -j policy show kst_bulk && out_has '"rate_limit":false' && out_has '"adaptive":false' &&
	run -j policy show kst_rate && out_has '"rate_limit":true' && out_has '"adaptive":false' &&
	run -j policy show kst_later && rc_is 0 &&
	run apply "$T/flags2.conf" && rc_is 0 && all_unchanged &&
	# resctl policy add/set: one request too, the bits given and only those
	run policy add kst_one base send adaptive off && rc_is 0 &&
	run -j policy show kst_one && out_has '"rate_limit":true' && out_has '"adaptive":false' &&
	run policy set kst_one rate-limit off && rc_is 0 &&
	run -j policy show kst_one && out_has '"rate_limit":false' && out_has '"adaptive":false' &&
	run policy add kst_two base send rate-limit off && rc_is 1 &&
	err_has "adaptive rate needs the rate limit on" &&
	run policy list && out_lacks "kst_two" &&
	"$R" policy del kst_bulk && "$R" policy del kst_rate && "$R" policy del kst_later &&
	"$R" policy del kst_one
}
check apply_flags_from_base_all_or_nothing t_flags_from_base

# The policy limit counts the file as a whole: a --prune file that renames
# two policies of 63 used to pass the dry run (each add alone fits) and
# then fail on the second add, before the prune; one that adds past 64 is
# refused before anything is sent.
t_limit_counts_the_file() {
	# Start from the profile alone, then 59 more: 63 live.
	echo '{"version": 1, "policies": []}' >"$T/empty.conf" &&
	"$R" apply --prune "$T/empty.conf" >/dev/null || return 1
	i=0
	while [ $i -lt 59 ]; do "$R" policy add "kst_l$i" || return 1; i=$((i + 1)); done
	{
		printf '{"version": 1, "policies": ['
		printf '{"name": "send"}, {"name": "receive"}, {"name": "sync"}, {"name": "consensus"}'
		i=0
		while [ $i -lt 57 ]; do printf ', {"name": "kst_l%d"}' $i; i=$((i + 1)); done
		printf ', {"name": "kst_r1"}, {"name": "kst_r2"}]}\n'
	} >"$T/rename.conf"
	sed 's/"kst_r2"}]}/"kst_r2"}, {"name": "kst_r3"}, {"name": "kst_r4"}]}/' "$T/rename.conf" \
		>"$T/over.conf"
	snap "$T/before" &&
	run apply "$T/over.conf" && rc_is 1 && err_has "it holds at most 64" &&
	err_has "nothing was changed" && same_state &&
	run apply --check --prune "$T/rename.conf" && rc_is 0 &&
	run apply --prune "$T/rename.conf" && rc_is 0 &&
	run policy list && out_has "kst_r1" && out_has "kst_r2" && out_lacks "kst_l58" &&
	out_lacks "kst_l57" && [ "$(grep -c '^kst_' "$OUT")" = 59 ] &&
	run apply --prune "$T/rename.conf" && rc_is 0 && all_unchanged &&
	run apply --prune "$T/empty.conf" && rc_is 0 && run policy list && out_lacks "kst_"
}
check apply_policy_limit_counts_the_file t_limit_counts_the_file

t_check_bad_kernel() {
	# Each refused by the kernel's dry run of its own command.
	printf '{"version": 1, "slo": {"system": {"buckets": 100000}}}\n' >"$T/b1.conf"
	printf '{"version": 1, "degrade": {"triggers": {"tick_ns": 1}}}\n' >"$T/b2.conf"
	printf '{"version": 1, "health": [{"name": "kst_err", "rise": 0}]}\n' >"$T/b3.conf"
	# A check of a policy that neither exists nor is in the file.
	printf '{"version": 1, "health": [{"name": "kst_np", "metric": "calls", "policy": "kst_nopol"}]}\n' >"$T/b4.conf"
	snap "$T/before" &&
	run apply --check "$T/b1.conf" && rc_is 1 && err_has "slo.system" &&
	run apply "$T/b2.conf" && rc_is 1 && err_has "degrade" &&
	run apply "$T/b3.conf" && rc_is 1 && err_has "rise" &&
	run apply "$T/b4.conf" && rc_is 1 && err_has "no policy with this name" &&
	same_state
}
check apply_kernel_refusals_change_nothing t_check_bad_kernel

t_check_bad_files() {
	printf '{"version": 2, "policies": []}\n' >"$T/v2.conf"
	printf '{"slo": {"system": {"slo_ppm": 990000}}}\n' >"$T/nover.conf"
	printf '{"version": 1, "degrade": {"mode": "sideways"}}\n' >"$T/mode.conf"
	printf '{"version": 1, "health": [{"name": "kst_zz", "min": 1}]}\n' >"$T/nometric.conf"
	printf '{"version": 1, "health": [{"name": "kst_err", "metric": "calls"}]}\n' >"$T/fixed.conf"
	printf '{"version": 1, "slo": {"system": {"slo": 1}}}\n' >"$T/key.conf"
	snap "$T/before" &&
	run apply --check "$T/v2.conf" && rc_is 2 && err_has "reads version 1" &&
	run apply "$T/nover.conf" && rc_is 2 && err_has "need \"version\"" &&
	run apply "$T/mode.conf" && rc_is 2 && err_has "degrade.mode" &&
	run apply "$T/nometric.conf" && rc_is 2 && err_has "needs a \"metric\"" &&
	run apply "$T/fixed.conf" && rc_is 2 && err_has "are fixed" &&
	run apply "$T/key.conf" && rc_is 2 && err_has "unknown key \"slo\"" &&
	same_state
}
check apply_bad_files_change_nothing t_check_bad_files

t_prune_checks() {
	printf '{"version": 1, "health": []}\n' >"$T/none.conf"
	run apply --check --prune "$T/none.conf" && rc_is 0 &&
	out_re '^health  *kst_err  *delete$' &&
	run apply --prune "$T/none.conf" && rc_is 0 &&
	run health list && out_lacks "kst_err" &&
	run apply "$T/full.conf" && rc_is 0 && out_re '^health  *kst_err  *add$'
}
check apply_prune_deletes_user_checks t_prune_checks

# The example make install puts in /etc/dwcp_res.conf (check.sh copies it
# into the payload): valid, applies, and round-trips.
t_example() {
	run apply --check "$D/tests/dwcp_res.conf" && rc_is 0 &&
	run apply "$D/tests/dwcp_res.conf" && rc_is 0 && out_re '^bulk  *add$' &&
	run apply "$D/tests/dwcp_res.conf" && rc_is 0 && all_unchanged &&
	"$R" dump-config >"$T/ex.conf" && run apply "$T/ex.conf" && rc_is 0 && all_unchanged
}
if [ -f "$D/tests/dwcp_res.conf" ]; then
	check example_config_applies t_example
else
	skip example_config_applies "no $D/tests/dwcp_res.conf"
fi

t_old_input() {
	"$R" -j policy list >"$T/old.json" &&
	run apply "$T/old.json" && rc_is 0 && all_unchanged && out_lacks "slo "
}
check apply_still_reads_policy_list t_old_input

rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ] || exit 1
exit 0
