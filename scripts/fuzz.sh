#!/usr/bin/env bash
# make fuzz: the long netlink fuzzing run (issue 7) in one guest of the
# debug kernel (KASAN, lockdep, kmemleak): selftests/vm/jobs-fuzz runs
# nl_fuzz with DWCP_FUZZ_MESSAGES messages (default 100000) and then
# nl_security; judge.py fails the run on any splat, kmemleak report,
# failed check or missing job. `make check` runs a short fuzz run instead
# (the nl_fuzz job of selftests/vm/jobs-ksft).
#
#   DWCP_FUZZ_KERNEL=stock   use the stock kernel instead (quicker)
#   DWCP_FUZZ_MESSAGES=N     messages of the long run
#   DWCP_FUZZ_SEED=S         seed (default: the time; printed in the log)
#   DWCP_VM_TIMEOUT=S        guest timeout (default 5400)
set -euo pipefail
. "$(dirname "$0")/lib.sh"
export MAKEFLAGS="-j$(nproc) ${MAKEFLAGS:-}"

B=$DWCP_BUILD
R=$B/results-fuzz
kind=${DWCP_FUZZ_KERNEL:-debug}
n=${DWCP_FUZZ_MESSAGES:-100000}
seed=${DWCP_FUZZ_SEED:-$(date +%s)}

bash "$DWCP_ROOT/scripts/deps.sh"
kver=$(stock_kver)
if [ "$kind" = debug ]; then
	kdir=$(bash "$DWCP_ROOT/scripts/build-debug-kernel.sh")
	image=$kdir/arch/x86/boot/bzImage
else
	kdir=/usr/src/linux-headers-$kver
	image=$(bash "$DWCP_ROOT/scripts/fetch-stock-kernel.sh")/boot/vmlinuz-$kver
fi
src=$(linux_source_tree)
rm -rf "$R"
mkdir -p "$R"
bash "$DWCP_ROOT/scripts/build-module.sh" "$kdir" "$B/$kind" >"$R/module.log" 2>&1 ||
	{ cat "$R/module.log"; die "module build failed"; }
make -s -C "$DWCP_ROOT/tools/resctl" OUT="$B/resctl" all static
make -s -C "$DWCP_ROOT/selftests/kselftest" OUT="$B/kselftest" KSFT_DIR="$src/tools/testing/selftests"

p=$B/payload-fuzz
rm -rf "$p"
mkdir -p "$p/bin" "$p/tests"
cp "$B/$kind/dwcp_res.ko" "$p/"
cp "$B/resctl/resctl.static" "$p/bin/resctl"
cp "$B/kselftest/"* "$p/tests/"
sed -e "s/@MESSAGES@/$n/g" -e "s/@SEED@/$seed/g" "$DWCP_ROOT/selftests/vm/jobs-fuzz" >"$R/jobs"

# The host's libFuzzer targets (core config validation, resctl's unit
# parsers) run first, DWCP_HOSTFUZZ_SECS each (default 300).
log "fuzz: host libFuzzer targets, ${DWCP_HOSTFUZZ_SECS:-300} s each"
bash "$DWCP_ROOT/selftests/hostfuzz/run.sh" "$B/hostfuzz" "${DWCP_HOSTFUZZ_SECS:-300}" \
	>"$R/hostfuzz.tap" 2>&1 || echo $? >"$R/hostfuzz.rc"
cat "$R/hostfuzz.tap"

log "fuzz: $n messages, seed $seed, $kind kernel"
bash "$DWCP_ROOT/selftests/vm/run-vm.sh" --name fuzz-$kind --kernel "$image" --payload "$p" \
	--jobs "$R/jobs" --out "$R" --timeout "${DWCP_VM_TIMEOUT:-5400}"
grep -h '^# \(nl_fuzz\|root\|unprivileged\|FUZZ\|errno\)' "$R/fuzz-$kind.results" || true
python3 "$DWCP_ROOT/selftests/vm/judge.py" --tap "host/hostfuzz=$R/hostfuzz.tap" \
	--vm "fuzz-$kind=$R/fuzz-$kind" --jobs "fuzz-$kind=$R/jobs"
