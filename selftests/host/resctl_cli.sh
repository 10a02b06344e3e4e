#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# resctl's command line on the host, where dwcp_res is never loaded: exit
# codes, help and the "not loaded" explanation. Prints TAP.
R=${1:?usage: resctl_cli.sh PATH-TO-RESCTL}
n=0 fails=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

check() { # NAME EXPECTED-RC ARGS... ; then optional greps via $want_out/$want_err
	name=$1 want=$2
	shift 2
	"$R" "$@" >"$out" 2>"$err"
	rc=$?
	n=$((n + 1))
	okay=1
	[ "$rc" = "$want" ] || { echo "# exit $rc, expected $want"; okay=0; }
	if [ -n "${want_out:-}" ] && ! grep -qF -- "$want_out" "$out"; then
		echo "# stdout lacks: $want_out"; sed 's/^/#   /' "$out"; okay=0
	fi
	if [ -n "${want_err:-}" ] && ! grep -qF -- "$want_err" "$err"; then
		echo "# stderr lacks: $want_err"; sed 's/^/#   /' "$err"; okay=0
	fi
	if [ $okay = 1 ]; then echo "ok $n $name"; else echo "not ok $n $name"; fails=$((fails + 1)); fi
	want_out="" want_err=""
}

echo "TAP version 13"
want_out="commands:" check help_exits_0 0 help
want_out="exit status: 0 ok, 1 operation failed, 2 usage error" check help_documents_exit_codes 0 --help
want_err="unknown command \"frobnicate\"" check unknown_command_exits_2 2 frobnicate
want_err="usage: resctl version" check extra_argument_exits_2 2 version extra
check no_command_exits_2 2
check bad_option_exits_2 2 --no-such-option version
want_out="resctl 0.1.0" want_err="dwcp_res is not loaded (modprobe dwcp_res)" \
	check version_without_module_exits_1 1 version
want_out='{"resctl":"0.1.0"}' check json_version_without_module 1 -j version

# policy, breaker, chaos: usage errors are caught before anything is sent,
# so they exit 2 without the module; the message names what is wrong.
want_out="slo-min-events" check help_policy_lists_keys 0 help policy
want_out="mem-pressure" check help_chaos_lists_kinds 0 help chaos
want_err='"policy" needs a command' check policy_alone_exits_2 2 policy
want_err='unknown policy command "frob"' check policy_unknown_subcommand 2 policy frob
want_err="usage: resctl policy show NAME" check policy_show_missing_name 2 policy show
want_err="usage: resctl policy add NAME" check policy_add_missing_name 2 policy add
want_err="usage: resctl policy del [--force] NAME" check policy_del_missing_name 2 policy del
want_err="usage: resctl policy del [--force] NAME" check policy_del_extra_arg 2 policy del a b
want_err="needs at least one KEY VALUE" check policy_set_no_keys 2 policy set send
want_err='unknown policy key "frobnicate"; keys are: priority' \
	check policy_bad_key 2 policy set send frobnicate 1
want_err='open: bad value "60", expected a duration' check policy_duration_needs_unit 2 policy set send open 60
want_err='wait: bad value "5x"' check policy_bad_duration_unit 2 policy set send wait 5x
want_err='concurrent: bad value "-1", expected a whole number' \
	check policy_negative_count 2 policy set send concurrent -1
want_err="concurrent 4294967296: too large, at most 4294967295" \
	check policy_count_overflow 2 policy set send concurrent 4294967296
want_err="open 300000000000d: too large" check policy_duration_overflow 2 policy set send open 300000000000d
want_err="slo 101%: out of range, at most 100%" check policy_percent_over_100 2 policy set send slo 101%
want_err='slo: bad value "99.9", expected a percentage' check policy_percent_needs_sign 2 policy set send slo 99.9
want_err="low, normal, high or critical" check policy_bad_priority 2 policy set send priority urgent
want_err="consecutive, count or time" check policy_bad_breaker_mode 2 policy set send breaker-mode sometimes
want_err='adaptive: bad value "yes", expected on or off' check policy_bad_flag 2 policy set send adaptive yes
want_err="rate needs a value: a rate like" check policy_key_without_value 2 policy set send rate
want_err='rate: bad value "1.5/s"' check policy_fractional_rate 2 policy set send rate 1.5/s
want_err="rate given twice" check policy_key_twice 2 policy set send rate 1k/s rate 2k/s
want_err="base is only for policy add" check policy_set_base 2 policy set send base sync
want_err="base needs a PROFILE" check policy_add_base_without_value 2 policy add x base
want_err="may only hold letters, digits" check policy_bad_name 2 policy add bad/name
want_err="must be 1..31 characters" check policy_long_name 2 policy show abcdefghijabcdefghijabcdefghijXY
want_err="usage: resctl breaker reset NAME" check breaker_reset_missing_name 2 breaker reset
want_err="usage: resctl breaker show [NAME]" check breaker_show_two_names 2 breaker show a b
want_err='unknown breaker command "explode"' check breaker_unknown_action 2 breaker explode send
want_err="usage: resctl chaos enable" check chaos_enable_extra_arg 2 chaos enable now
want_err="usage: resctl chaos inject POLICY KIND" check chaos_inject_missing_kind 2 chaos inject send
want_err='unknown fault kind "frob"; kinds are: latency error' check chaos_unknown_kind 2 chaos inject send frob
want_err='value: bad value "EWHAT", expected an errno a socket call returns, by name or number: EPERM' \
	check chaos_bad_errno 2 chaos inject send error value EWHAT
want_err='value: bad value "512", expected an errno a socket call returns' \
	check chaos_kernel_internal_errno 2 chaos inject send error value 512
want_err='probability: bad value "10", expected a percentage' \
	check chaos_probability_needs_percent 2 chaos inject send latency probability 10
want_err="min must not be above max" check chaos_min_above_max 2 chaos inject send latency min 2s max 1s
want_err='unknown chaos inject option "speed"' check chaos_unknown_option 2 chaos inject send latency speed 1
want_err='times: bad value "-2"' check chaos_negative_times 2 chaos inject send latency times -2

# Valid commands get as far as netlink: exit 1 with the explanation.
notloaded="dwcp_res is not loaded (modprobe dwcp_res)"
want_err=$notloaded check policy_list_without_module 1 policy list
want_err=$notloaded check policy_show_without_module 1 policy show send
want_err=$notloaded check policy_add_without_module 1 policy add web base sync rate 1k/s slo 99.5%
want_err=$notloaded check policy_set_without_module 1 policy set send concurrent 10 open 1.5s
want_err=$notloaded check policy_del_without_module 1 policy del web
want_err=$notloaded check breaker_show_without_module 1 breaker show
want_err=$notloaded check breaker_force_open_without_module 1 breaker force-open send
want_err=$notloaded check chaos_show_without_module 1 chaos show
want_err=$notloaded check chaos_enable_without_module 1 chaos enable
want_err=$notloaded check chaos_inject_without_module 1 \
	chaos inject send error value ECONNRESET probability 10% times unlimited
want_err=$notloaded check chaos_clear_without_module 1 chaos clear
want_err=$notloaded check json_policy_list_without_module 1 -j policy list

# batch and apply check their whole file before anything is sent, so a bad
# file exits 2 without the module, naming FILE:LINE (apply: LINE:COLUMN).
tmpd=$(mktemp -d)
printf '# ok\npolicy show send\npolicy add "x\n' >"$tmpd/quote.batch"
want_err="$tmpd/quote.batch:3: unterminated double quote" \
	check batch_syntax_error_exits_2 2 batch "$tmpd/quote.batch"
printf 'policy show send\nfrob x\n' >"$tmpd/cmd.batch"
want_err="$tmpd/cmd.batch:2: unknown command \"frob\"" \
	check batch_unknown_command_exits_2 2 batch "$tmpd/cmd.batch"
want_out='"errors":["unknown command \"frob\""]' \
	check batch_json_reports_the_line 2 -j batch -force "$tmpd/cmd.batch"
want_err="batch: unknown option \"-x\"" check batch_bad_option_exits_2 2 batch -x f
want_err="usage: resctl batch" check batch_missing_file_arg 2 batch
want_err=$notloaded check batch_good_file_without_module 1 batch - </dev/null
printf '{"policies": [\n {"name": "x",, }]}' >"$tmpd/bad.json"
want_err="$tmpd/bad.json:2:14: JSON error" check apply_json_error_line_col 2 apply "$tmpd/bad.json"
printf '{"policies": [{"name": "x", "config": {"rate": {"rate_per_s": "1k/s", "brst": 1}}}]}' >"$tmpd/key.json"
want_err="policies[0].config.rate.brst: unknown key" check apply_unknown_key_exits_2 2 apply --check "$tmpd/key.json"
printf '{"policies": [{"name": "x"}]}' >"$tmpd/ok.json"
want_err=$notloaded check apply_good_file_without_module 1 apply --check "$tmpd/ok.json"
want_err='apply: unknown option "--force"' check apply_bad_option_exits_2 2 apply --force "$tmpd/ok.json"
printf '{"policies": [], "chaos": {"enabled": true}}' >"$tmpd/chaos.json"
want_err='"chaos": apply does not configure chaos' check apply_refuses_chaos 2 apply "$tmpd/chaos.json"
# The versioned config file: checked whole before the module is asked.
printf '{"version": 2}' >"$tmpd/v2.json"
want_err='version: this resctl reads version 1' check apply_config_version_2_exits_2 2 apply "$tmpd/v2.json"
printf '{"slo": {"system": {"slo_ppm": 990000}}}' >"$tmpd/nover.json"
want_err='need "version": 1' check apply_config_needs_version 2 apply "$tmpd/nover.json"
printf '{"version": 1, "degrade": {"mode": "sideways"}}' >"$tmpd/mode.json"
want_err='degrade.mode: expected auto' check apply_config_bad_mode_exits_2 2 apply "$tmpd/mode.json"
printf '{"version": 1, "health": [{"name": "x", "colour": 1}]}' >"$tmpd/hk.json"
want_err='health[0]: unknown key "colour"' check apply_config_bad_check_key 2 apply --check "$tmpd/hk.json"
printf '{"version": 1, "degrade": {"triggers": {"window_ns": "soon"}}}' >"$tmpd/tw.json"
want_err='degrade.triggers.window_ns: bad value' check apply_config_bad_duration 2 apply "$tmpd/tw.json"
printf '{"version": 1, "slo": {"send": {}}}' >"$tmpd/ps.json"
want_err='only "system"' check apply_config_policy_slo_elsewhere 2 apply "$tmpd/ps.json"
want_err=$notloaded check dump_config_without_module 1 dump-config

# A file anyone else could have changed decides nothing (as sshd does): it
# is refused before anything is read or sent.
printf '{"version": 1, "policies": []}' >"$tmpd/ww.json"
chmod 666 "$tmpd/ww.json"
want_err="writable by anyone (mode 0666): refused" check apply_refuses_world_writable 1 apply "$tmpd/ww.json"
chmod 664 "$tmpd/ww.json"
want_err="writable by its group (mode 0664): refused" \
	check apply_refuses_group_writable 1 apply --check "$tmpd/ww.json"
chmod 644 "$tmpd/ww.json"
chmod 666 "$tmpd/ww.json"
ln -s "$tmpd/ww.json" "$tmpd/link.json"
want_err="$tmpd/link.json: writable by anyone (mode 0666): refused (chmod go-w $tmpd/ww.json)" \
	check apply_judges_a_symlinks_target 1 apply "$tmpd/link.json"
chmod 644 "$tmpd/ww.json"
mkdir "$tmpd/open" && chmod 777 "$tmpd/open" && cp "$tmpd/ww.json" "$tmpd/open/"
want_err="its directory $tmpd/open is writable by anyone: refused" \
	check apply_refuses_in_a_world_writable_dir 1 apply "$tmpd/open/ww.json"
want_err=$notloaded check apply_reads_a_safe_file 1 apply "$tmpd/ww.json"
rm -rf "$tmpd"
echo "1..$n"
[ $fails = 0 ]
