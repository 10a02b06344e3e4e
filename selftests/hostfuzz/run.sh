#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# run.sh OUTDIR [SECONDS]: build the libFuzzer targets of selftests/hostfuzz
# with clang (ASan + UBSan) and run each, printing TAP 13. Without SECONDS
# each runs 200000 inputs (fuzz_batch 100000; make check: a few seconds to
# ~30 s each); with it, for that long (make fuzz). A crash leaves its input in OUTDIR/crash-* and
# fails. The resctl targets start from seeds made here from the project's
# own examples (OUTDIR/seeds-NAME) and a dictionary of resctl's words
# (OUTDIR/NAME.dict); the seeds are only read, never added to.
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
	local args=(-runs="${runs:-200000}")
	[ -n "$secs" ] && args=(-max_total_time="$secs")
	[ -d "$out/seeds-$name" ] &&
		args+=(-seed_inputs="$(find "$out/seeds-$name" -type f | sort | paste -sd, -)")
	[ -f "$out/$name.dict" ] && args+=(-dict="$name.dict")
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

# resctl's file readers: linked with all of resctl but main.c (the command
# table, the key tables, the printers), libnl and json-c; nothing is sent.
rsrc=()
for f in "$root"/tools/resctl/*.c; do
	[ "${f##*/}" = main.c ] || rsrc+=("$f")
done
# shellcheck disable=SC2207
rflags=(-I"$root/include/uapi" -I"$root/tools/resctl" -DRESCTL_VERSION='"hostfuzz"'
	-DRESCTL_PRELOAD='"/nonexistent"' $(pkg-config --cflags --libs libnl-genl-3.0 json-c))

# Seeds: the heredocs of the kselftest (*.batch, *.json), contrib/'s
# config, the format example of the admin guide.
heredocs() { # EXT DIR
	awk -v ext="$1" -v dir="$2" '
		/<<.EOF.$/ && index($0, "." ext "\"") { f = 1; n++; next }
		/^EOF$/ { f = 0 }
		f { print > (dir "/kselftest-" n) }' "$root/selftests/kselftest/resctl_batch.sh"
}
rm -rf "$out/seeds-fuzz_batch" "$out/seeds-fuzz_config"
mkdir -p "$out/seeds-fuzz_batch" "$out/seeds-fuzz_config"
heredocs batch "$out/seeds-fuzz_batch"
heredocs json "$out/seeds-fuzz_config"
cp "$root/contrib/dwcp_res.conf" "$out/seeds-fuzz_config/contrib"
# Near misses that must be refused: a key twice (json-c keeps the last), an
# integer past 64 bits (json-c clamps it).
printf '{"version": 1, "policies": [{"name": "a"}], "policies": [{"name": "b"}]}\n' \
	>"$out/seeds-fuzz_config/dup-key"
printf '{"policies": [{"name": "a", "config": {"breaker": {"open_ns": 18446744073709551616}}}]}\n' \
	>"$out/seeds-fuzz_config/huge-int"
awk '/^Format, version 1/ { f = 1; next }
	f && /^[^ ]/ && seen { exit }
	f && /^    / { seen = 1; print substr($0, 5) }' \
	"$root/Documentation/admin-guide.rst" >"$out/seeds-fuzz_config/admin-guide"

# Dictionaries: the quoted words of resctl's tables (commands, keys,
# names), JSON's tokens, units and the edges of the integer types.
words() { # FILE...
	grep -ohE '"[a-z][a-z0-9_.-]{0,30}"' "$@" | sort -u
}
{
	words "$root"/tools/resctl/{resctl,cmd_policy,cmd_health,cmd_degrade,cmd_chaos}.c |
		sed 's/"//g; s/.*/"&"/'
	# libFuzzer's escapes: \\ \" \xNN
	# shellcheck disable=SC1003
	printf '"%s"\n' "'" '\"' '\\' '#' ' \x5c\x0a' '\x09' ' ' '\x0d' '%' '/s' '1ms'
} >"$out/fuzz_batch.dict"
{
	words "$root"/tools/resctl/{cmd_apply,config,cmd_policy,cmd_health,names,prom}.c |
		sed 's/"/\\"/g; s/.*/"&"/'
	printf '"%s"\n' '{' '}' '[' ']' ':' ',' 'true' 'false' 'null' '\"' '\"version\": 1' \
		ns us ms s min h d % k/s M 0 -1 4294967295 4294967296 \
		9223372036854775807 9223372036854775808 18446744073709551615 \
		18446744073709551616 -9223372036854775808 1e3 0.5 99.9%
} >"$out/fuzz_config.dict"

# fuzz_batch reads each input twice (as given, then quoted back), a malloc
# a word under ASan: some 4000 inputs/s here, so 100000 keep it near 30 s.
runs=100000 target fuzz_batch "$root/selftests/hostfuzz/fuzz_batch.c" "${rsrc[@]}" "${rflags[@]}"
target fuzz_config "$root/selftests/hostfuzz/fuzz_config.c" "${rsrc[@]}" "${rflags[@]}"
echo "1..$n"
[ $fails = 0 ]
