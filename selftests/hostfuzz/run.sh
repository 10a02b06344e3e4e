#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run.sh OUTDIR [SECONDS]: build the libFuzzer targets of selftests/hostfuzz
# with clang (ASan + UBSan) and run each, printing TAP 13. Without SECONDS
# each runs 200000 inputs (make check: a few seconds); with it, for that
# long (make fuzz). A crash leaves its input in OUTDIR/crash-* and fails.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
secs=${2:-}
mkdir -p "$out"
cflags=(-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -g -O1 -Wall -Werror)
echo "TAP version 13"
n=0 fails=0
target() { # NAME SOURCES... -- CPPFLAGS...
	local name=$1
	shift
	n=$((n + 1))
	if ! clang "${cflags[@]}" "$@" -o "$out/$name" -lm >"$out/$name.build.log" 2>&1; then
		sed 's/^/# /' "$out/$name.build.log" | head -n 20
		echo "not ok $n $name # build failed"
		fails=$((fails + 1))
		return
	fi
	local args=(-runs=200000)
	[ -n "$secs" ] && args=(-max_total_time="$secs")
	if (cd "$out" && "./$name" "${args[@]}" >"$name.log" 2>&1); then
		echo "# $name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$out/$name.log")"
		echo "ok $n $name"
	else
		tail -n 30 "$out/$name.log" | sed 's/^/# /'
		echo "not ok $n $name"
		fails=$((fails + 1))
	fi
}
target fuzz_core_config "$root/selftests/hostfuzz/fuzz_core_config.c" "$root"/kmod/core/*.c \
	-I"$root/include" -I"$root/kmod" -I"$root/selftests/host"
target fuzz_units "$root/selftests/hostfuzz/fuzz_units.c" "$root/tools/resctl/units.c" \
	-I"$root/include/uapi" -I"$root/tools/resctl"
echo "1..$n"
[ $fails = 0 ]
