# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# TAP helpers of the host test scripts (ops_check.sh, targets_check.sh).
# Sourced; the caller prints "TAP version 13" first and "1..$n" last, and
# exits non-zero if $fails is not 0.
n=0 fails=0

ok() { # NAME STATUS [DIAG...]
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		fails=$((fails + 1))
		shift 2
		[ $# -gt 0 ] && printf '# %s\n' "$@"
	fi
}
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
# diag FILE: the last lines of a log as TAP diagnostics
diag() { tail -n 15 "$1" | sed 's/^/# /'; }
