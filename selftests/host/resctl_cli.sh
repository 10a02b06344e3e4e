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
echo "1..$n"
[ $fails = 0 ]
