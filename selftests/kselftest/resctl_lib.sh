# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Helpers shared by the resctl kselftests, sourced after the script has set
# R (resctl), OUT and ERR (temporary files), n=0 and fails=0. Each case is
# a function whose checks are chained with &&; the checks print why they
# fail (TAP diagnostics) and return 1.

# run ARGS...: resctl ARGS, output in $OUT/$ERR, exit status in $rc.
run() { "$R" "$@" >"$OUT" 2>"$ERR"; rc=$?; last="resctl $*"; }

diag() { echo "# $*"; }

# The checks below print why they fail and return 1; a case is a function
# whose checks are chained with &&.
rc_is() {
	[ "$rc" = "$1" ] && return 0
	diag "$last: exit $rc, expected $1"
	return 1
}
# out_line TEXT: stdout has a line that is exactly TEXT.
out_line() {
	grep -qxF -- "$1" "$OUT" && return 0
	diag "$last: no stdout line \"$1\""
	return 1
}
# out_has TEXT / err_has TEXT: fixed string somewhere in stdout / stderr.
out_has() {
	grep -qF -- "$1" "$OUT" && return 0
	diag "$last: stdout lacks \"$1\""
	return 1
}
out_lacks() {
	grep -qF -- "$1" "$OUT" || return 0
	diag "$last: stdout has \"$1\""
	return 1
}
err_lacks() {
	grep -qF -- "$1" "$ERR" || return 0
	diag "$last: stderr has \"$1\""
	return 1
}
err_has() {
	grep -qF -- "$1" "$ERR" && return 0
	diag "$last: stderr lacks \"$1\""
	return 1
}
# out_re REGEX: a basic regular expression matches a stdout line.
out_re() {
	grep -q -- "$1" "$OUT" && return 0
	diag "$last: no stdout line matches /$1/"
	return 1
}

# check NAME FUNCTION: run one case, print its TAP line (with the output
# of the last command when it failed).
check() {
	n=$((n + 1))
	last=""
	if "$2"; then
		echo "ok $n $1"
	else
		if [ -n "$last" ]; then
			sed 's/^/#   out: /' "$OUT" | head -n 40
			sed 's/^/#   err: /' "$ERR" | head -n 10
		fi
		echo "not ok $n $1"
		fails=$((fails + 1))
	fi
}

skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }

# monitor_start FILE ARGS...: resctl ARGS (a monitor) in the background,
# output in FILE, its pid in MON_PID; returns once it has joined the group
# (it waits in poll then).
monitor_start() {
	mon_out=$1
	shift
	"$R" "$@" >"$mon_out" 2>"$mon_out.err" &
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
