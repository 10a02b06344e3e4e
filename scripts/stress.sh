#!/usr/bin/env bash
# make stress: the long reliability runs (Documentation/reliability.rst), in
# VMs: on the debug kernel (KASAN, lockdep, kmemleak) the 60 s concurrency
# stress, 1000 load/unload cycles, every allocation site of faults.c, and
# the peer faults; on the stock kernel the stress and the peer faults.
# Builds what it needs like make check (kernels cached); ends with the
# judge's "N passed, M failed". STRESS_SECONDS and LOAD_CYCLES override.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

export MAKEFLAGS="-j$(nproc) ${MAKEFLAGS:-}"
B=$DWCP_BUILD
R=$B/stress
secs=${STRESS_SECONDS:-60}
cycles=${LOAD_CYCLES:-1000}

bash "$DWCP_ROOT/scripts/deps.sh"
debug=$(bash "$DWCP_ROOT/scripts/build-debug-kernel.sh")
stock=$(bash "$DWCP_ROOT/scripts/fetch-stock-kernel.sh")
kver=$(stock_kver)
src=$(linux_source_tree)
rm -rf "$R"
mkdir -p "$R"
bash "$DWCP_ROOT/scripts/build-module.sh" "/usr/src/linux-headers-$kver" "$B/stock" >"$R/module-stock.log" 2>&1 ||
	{ cat "$R/module-stock.log"; exit 1; }
bash "$DWCP_ROOT/scripts/build-module.sh" "$debug" "$B/debug" >"$R/module-debug.log" 2>&1 ||
	{ cat "$R/module-debug.log"; exit 1; }
make -s -C "$DWCP_ROOT/tools/resctl" OUT="$B/resctl" all static
make -s -C "$DWCP_ROOT/selftests/kselftest" OUT="$B/kselftest" KSFT_DIR="$src/tools/testing/selftests"

payload() { # KIND
	local p=$R/payload-$1
	mkdir -p "$p/bin" "$p/tests"
	cp "$B/$1/dwcp_res.ko" "$p/"
	cp "$B/resctl/resctl.static" "$p/bin/resctl"
	cp "$B/kselftest/"* "$p/tests/"
	if [ "$1" = stock ]; then
		cp "$stock/lib/modules/$kver/kernel/drivers/net/veth.ko" "$p/"
	fi
	echo "$p"
}
pd=$(payload debug)
ps=$(payload stock)
# Two debug guests side by side (the stress and the rest), one stock guest.
printf 'stress /dwcp/tests/stress -t %s -p 16\npeer /dwcp/tests/peer\n' "$secs" >"$R/jobs-debug-1"
printf 'faults /dwcp/tests/faults -s 1 -n 400\nload_unload sh /dwcp/tests/load_unload.sh %s\n' \
	"$cycles" >"$R/jobs-debug-2"
printf 'stress /dwcp/tests/stress -t %s -p 16\npeer /dwcp/tests/peer\nload_unload sh /dwcp/tests/load_unload.sh %s\n' \
	"$secs" "$cycles" >"$R/jobs-stock"
vm() { # NAME KERNEL PAYLOAD JOBSFILE
	bash "$DWCP_ROOT/selftests/vm/run-vm.sh" --name "$1" --kernel "$2" --payload "$3" \
		--jobs "$4" --out "$R" --timeout "${DWCP_VM_TIMEOUT:-1800}"
}
pids=()
vm stress-debug-1 "$debug/arch/x86/boot/bzImage" "$pd" "$R/jobs-debug-1" & pids+=($!)
vm stress-debug-2 "$debug/arch/x86/boot/bzImage" "$pd" "$R/jobs-debug-2" & pids+=($!)
vm stress-stock "$stock/boot/vmlinuz-$kver" "$ps" "$R/jobs-stock" & pids+=($!)
wait "${pids[@]}"
python3 "$DWCP_ROOT/selftests/vm/judge.py" \
	--vm "stress-debug-1=$R/stress-debug-1" --jobs "stress-debug-1=$R/jobs-debug-1" \
	--vm "stress-debug-2=$R/stress-debug-2" --jobs "stress-debug-2=$R/jobs-debug-2" \
	--vm "stress-stock=$R/stress-stock" --jobs "stress-stock=$R/jobs-stock"
# The figures Documentation/reliability.rst quotes.
grep -h -e '^# ' "$R"/*.results | grep -v -e '^# dwcp-' -e '^#  *RUN' || true
