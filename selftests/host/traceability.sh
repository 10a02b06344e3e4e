#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Defect 15 of the Go package was documentation that disagreed with the
# code ("26 tests", "+-10 % jitter", "8 fault types"). Here the claims are
# checked: every Go test and defect in go_traceability.txt names KUnit
# cases that exist, every core header is described in
# Documentation/core.rst, and the fault kinds documented in the uAPI header
# are the ones the enum has. Prints TAP.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MAP=$ROOT/selftests/host/go_traceability.txt
n=0 fails=0
ok() { n=$((n + 1)); echo "ok $n $1"; }
nok() { n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n $1"; }

cases=$(sed -n 's/^[[:space:]]*KUNIT_CASE\(_PARAM\)\{0,1\}(\([a-z0-9_]*\).*/\2/p' \
	"$ROOT"/kmod/tests/*.c | sort -u)
has_case() {
	case "$1" in
	*'*') echo "$cases" | grep -q "^${1%\*}" ;;
	*) echo "$cases" | grep -qx "$1" ;;
	esac
}

echo "TAP version 13"
gotests=0
while read -r kind num name rest; do
	case "$kind" in go-test|defect) ;; *) continue ;; esac
	[ "$kind" = go-test ] && gotests=$((gotests + 1))
	missing=""
	for c in $rest; do
		case "$c" in '('*|*')'|itself*|selftests/*) continue ;; esac
		has_case "$c" || missing="$missing $c"
	done
	if [ -z "$missing" ]; then ok "${kind}_${num}_${name}"; else
		echo "# no KUnit case:$missing"; nok "${kind}_${num}_${name}"; fi
done < "$MAP"
if [ "$gotests" = 27 ]; then ok "all_27_go_tests_listed"; else
	echo "# $gotests listed"; nok "all_27_go_tests_listed"; fi

missing=""
for h in "$ROOT"/kmod/core/*.h; do
	b=$(basename "$h")
	[ "$b" = compat.h ] && continue
	grep -q "^$b\|[[:space:]]$b" "$ROOT/Documentation/core.rst" || missing="$missing $b"
done
if [ -z "$missing" ]; then ok "core_headers_documented"; else
	echo "# not in Documentation/core.rst:$missing"; nok "core_headers_documented"; fi

kinds=$(sed -n '/^enum dwcp_res_fault_kind {/,/^};/s/^[[:space:]]*\(DWCP_RES_FAULT_[A-Z_]*\),.*/\1/p' \
	"$ROOT/include/uapi/linux/dwcp_res.h" | wc -l)
if [ "$kinds" = 6 ]; then ok "six_fault_kinds_as_documented"; else
	echo "# $kinds fault kinds in the uAPI enum, the docs say 6"; nok "six_fault_kinds_as_documented"; fi
echo "1..$n"
[ $fails = 0 ]
