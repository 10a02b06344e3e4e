#!/usr/bin/env bash
# make check: the one test command. Installs what is missing, builds the
# debug and KCSAN test kernels (cached), fetches Debian's stock 6.1, its
# PREEMPT_RT build and bookworm-backports' 6.12 (cached), builds the module
# for all five, resctl and the tests, then runs side by side: KUnit in a VM
# on the debug kernel, the kselftests in VMs on the debug, stock 6.1 and
# stock 6.12 kernels, KUnit and the concurrency kselftests on the KCSAN
# kernel, the ULP and stress kselftests on PREEMPT_RT, and the host tests
# (at the lowest priority, so that the guests keep their pace). Then it
# judges every result: one line per kernel, and last
# "N passed, M failed[, K skipped]".
set -euo pipefail
. "$(dirname "$0")/lib.sh"

# Builds use both cores; the kernel's own make takes -j from here too.
export MAKEFLAGS="-j$(nproc) ${MAKEFLAGS:-}"

B=$DWCP_BUILD
R=$B/results
step=setup
trap 'rc=$?; if [ $rc != 0 ] && [ $step != judge ]; then
	echo "FAIL $step: the step failed before any test could run (see the output above)"
	echo "0 passed, 1 failed"; fi' EXIT
t0=$SECONDS
mark() { log "check: $1 at $((SECONDS - t0)) s"; }

step=deps;		bash "$DWCP_ROOT/scripts/deps.sh"
step=debug-kernel;	debug=$(bash "$DWCP_ROOT/scripts/build-debug-kernel.sh")
step=kcsan-kernel;	kcsan=$(bash "$DWCP_ROOT/scripts/build-debug-kernel.sh" kcsan)
step=debug-6.12-kernel;	debug612=$(bash "$DWCP_ROOT/scripts/build-debug-kernel.sh" debug 6.12)
step=stock-kernel;	stock=$(bash "$DWCP_ROOT/scripts/fetch-stock-kernel.sh")
step=rt-kernel;		rt=$(bash "$DWCP_ROOT/scripts/fetch-stock-kernel.sh" rt)
step=6.12-kernel;	k612=$(bash "$DWCP_ROOT/scripts/fetch-stock-kernel.sh" 6.12)
kver=$(stock_kver)
kver_rt=$(stock_kver rt)
kver_612=$(backports_kver)
src=$(linux_source_tree)
mark "kernels ready"

rm -rf "$R"
mkdir -p "$R"
# The module for each kernel, W=1; a warning fails the run.
module() { # KIND KDIR
	step=module-$1
	bash "$DWCP_ROOT/scripts/build-module.sh" "$2" "$B/$1" >"$R/module-$1.log" 2>&1 ||
		{ cat "$R/module-$1.log"; false; }
	if grep -q 'warning:' "$R/module-$1.log"; then
		grep 'warning:' "$R/module-$1.log"
		step=module-$1-warnings
		false
	fi
}
module stock "/usr/src/linux-headers-$kver"
module debug "$debug"
module kcsan "$kcsan"
module debug-6.12 "$debug612"
module rt "/usr/src/linux-headers-$kver_rt"
module 6.12 "$k612/usr/src/linux-headers-$kver_612"
step=resctl;		make -s -C "$DWCP_ROOT/tools/resctl" OUT="$B/resctl" all static
step=preload;		make -s -C "$DWCP_ROOT/tools/preload" OUT="$B/preload" all shim_client
step=kselftests;	make -s -C "$DWCP_ROOT/selftests/kselftest" OUT="$B/kselftest" KSFT_DIR="$src/tools/testing/selftests"
# The host tests (no VM), run beside the guests at the lowest priority.
host_tests() {
	mkdir -p "$B/host"
	make -s -C "$DWCP_ROOT/selftests/host" OUT="$B/host" run
	bash "$DWCP_ROOT/selftests/host/resctl_cli.sh" "$B/resctl/resctl" >"$B/host/resctl_cli.tap" 2>&1 ||
		echo $? >"$B/host/resctl_cli.rc"
	bash "$DWCP_ROOT/selftests/host/traceability.sh" >"$B/host/traceability.tap" 2>&1 ||
		echo $? >"$B/host/traceability.rc"
	make -s -C "$DWCP_ROOT/tools/resctl" OUT="$B/resctl" TAPDIR="$B/host" test
	python3 "$DWCP_ROOT/selftests/host/spec_check.py" >"$B/host/spec_check.tap" 2>&1 ||
		echo $? >"$B/host/spec_check.rc"
	python3 "$DWCP_ROOT/selftests/host/docs_check.py" >"$B/host/docs_check.tap" 2>&1 ||
		echo $? >"$B/host/docs_check.rc"
	bash "$DWCP_ROOT/selftests/host/resctl_docs.sh" "$B/resctl/resctl" >"$B/host/resctl_docs.tap" 2>&1 ||
		echo $? >"$B/host/resctl_docs.rc"
	bash "$DWCP_ROOT/selftests/hostfuzz/run.sh" "$B/hostfuzz" >"$B/host/hostfuzz.tap" 2>&1 ||
		echo $? >"$B/host/hostfuzz.rc"
	# make install, systemd units, promtool, dkms build (about 45 s).
	bash "$DWCP_ROOT/selftests/host/ops_check.sh" "$kver" "$B/stock" >"$B/host/ops_check.tap" 2>&1 ||
		echo $? >"$B/host/ops_check.rc"
	# make, lint, install, bench, clean from a fresh clone, and
	# their messages when a prerequisite is missing.
	bash "$DWCP_ROOT/selftests/host/targets_check.sh" "$kver" >"$B/host/targets_check.tap" 2>&1 ||
		echo $? >"$B/host/targets_check.rc"
}

# One payload per kernel: what /dwcp holds inside the guest.
payload() { # KIND [IMAGE_DIR KVER]: modules of Debian's image where it has them
	local p=$B/payload-$1 m
	rm -rf "$p"
	mkdir -p "$p/bin" "$p/tests"
	cp "$B/$1/dwcp_res.ko" "$p/"
	[ -e "$B/$1/dwcp_res_kunit.ko" ] && cp "$B/$1/dwcp_res_kunit.ko" "$p/"
	# peer.c's veth pair and preload.sh's kTLS (one ULP per socket): built
	# into the test kernels, modules of Debian's images (xz on 6.12).
	if [ $# -eq 3 ]; then
		for m in drivers/net/veth net/tls/tls; do
			m=$2/lib/modules/$3/kernel/$m.ko
			if [ -e "$m" ]; then
				cp "$m" "$p/"
			else
				xz -dc "$m.xz" >"$p/$(basename "$m")"
			fi
		done
	fi
	cp "$B/resctl/resctl.static" "$p/bin/resctl"
	cp "$B/kselftest/"* "$p/tests/"
	cp "$DWCP_ROOT/selftests/vm/run-kunit.sh" "$p/tests/"
	cp "$DWCP_ROOT/contrib/dwcp_res.conf" "$p/tests/"	# config.sh applies it
	# iperf3 and the preload shim with their libraries (the guest has no libc).
	bash "$DWCP_ROOT/selftests/vm/bundle-dynamic.sh" "$p" "$(command -v iperf3)" \
		"$B/preload/libdwcp_res_preload.so" "$B/preload/shim_client"
	# Debian's event-loop servers and clients (real_programs.sh).
	bash "$DWCP_ROOT/selftests/vm/bundle-dynamic.sh" "$p" $(real_programs)
	# Third-party clients (third_party.sh): libnl-utils' genl-ctrl-list, and
	# python3 with only the modules pyroute2_client.py loads (pyroute2 too).
	bash "$DWCP_ROOT/selftests/vm/bundle-dynamic.sh" "$p" "$(command -v genl-ctrl-list)"
	bash "$DWCP_ROOT/selftests/vm/bundle-python.sh" "$p" \
		"$DWCP_ROOT/selftests/kselftest/pyroute2_client.py"
	echo "$p"
}
step=payload
pd=$(payload debug)
pd612=$(payload debug-6.12)
pk=$(payload kcsan)
ps=$(payload stock "$stock" "$kver")
pr=$(payload rt "$rt" "$kver_rt")
p612=$(payload 6.12 "$k612" "$kver_612")
mark "payloads ready"
vm() { # NAME KERNEL PAYLOAD JOBSFILE
	bash "$DWCP_ROOT/selftests/vm/run-vm.sh" --name "$1" --kernel "$2" --payload "$3" \
		--jobs "$4" --out "$R" --timeout "${DWCP_VM_TIMEOUT:-2400}"
}
step=vms
# The guests run side by side: each waits on timers and sleeps much of the
# time, and each has its own timeout. Results never depend on the order;
# judge.py reads what each guest wrote. The debug kernels (KASAN, lockdep,
# kmemleak) are several times slower, so their kselftests are shared: the
# jobs that drive the ULP and the lock-free path under concurrency (where
# 6.1 and 6.12 differ: sendpage, recvmsg) run on both debug kernels, every
# other job on one of them (dealt in a fixed order, two guests each). Both
# stock kernels run every job.
J=$DWCP_ROOT/selftests/vm
both='^(ulp|ulp_traffic|stress|listener_churn) '
grep -v '^#' "$J/jobs-ksft" | grep . >"$R/jobs-all"
grep -Ev "$both" "$R/jobs-all" >"$R/jobs-one"
debug_guests=(ksft-debug-1 ksft-debug-6.12-1 ksft-debug-2 ksft-debug-6.12-2)
for i in 0 1 2 3; do
	awk -v g="$i" '(NR - 1) % 4 == g' "$R/jobs-one" >"$R/jobs-${debug_guests[$i]}"
done
grep -E "$both" "$R/jobs-all" | awk -v r="$R" 'NR % 2 {
	print >>(r "/jobs-ksft-debug-1"); print >>(r "/jobs-ksft-debug-6.12-2"); next }
	{ print >>(r "/jobs-ksft-debug-2"); print >>(r "/jobs-ksft-debug-6.12-1") }'
# At most DWCP_VM_PARALLEL guests at once (6), the longest first, a few
# seconds apart. Ten at once on two cores (each guest has two vCPUs) made
# debug boots take over 300 s (run-vm.sh then reboots them as stalled),
# left two 6.1 debug guests stuck in the kernel's RCU-tasks self-test, and
# pushed timing-sensitive tests past their margins. The work is the same;
# fewer guests at once lose less of it to contention.
pids=()
running() {
	local n=0 p
	for p in "${pids[@]}"; do
		kill -0 "$p" 2>/dev/null && n=$((n + 1))
	done
	echo "$n"
}
launch() { # NAME KERNEL PAYLOAD JOBSFILE
	while [ "$(running)" -ge "${DWCP_VM_PARALLEL:-6}" ]; do
		sleep 2
	done
	vm "$@" &
	pids+=($!)
	sleep "${DWCP_VM_STAGGER:-8}"
}
( renice -n 19 -p $BASHPID >/dev/null; host_tests ) &
hpid=$!
launch ksft-debug-1 "$debug/arch/x86/boot/bzImage" "$pd" "$R/jobs-ksft-debug-1"
launch ksft-debug-2 "$debug/arch/x86/boot/bzImage" "$pd" "$R/jobs-ksft-debug-2"
launch ksft-debug-6.12-1 "$debug612/arch/x86/boot/bzImage" "$pd612" "$R/jobs-ksft-debug-6.12-1"
launch ksft-debug-6.12-2 "$debug612/arch/x86/boot/bzImage" "$pd612" "$R/jobs-ksft-debug-6.12-2"
launch kunit-debug "$debug/arch/x86/boot/bzImage" "$pd" "$J/jobs-kunit"
# KUnit and the concurrency-heavy kselftests under the data-race detector.
launch kcsan "$kcsan/arch/x86/boot/bzImage" "$pk" "$J/jobs-kcsan"
launch kunit-debug-6.12 "$debug612/arch/x86/boot/bzImage" "$pd612" "$J/jobs-kunit"
launch ksft-stock "$stock/boot/vmlinuz-$kver" "$ps" "$J/jobs-ksft"
launch ksft-6.12 "$k612/boot/vmlinuz-$kver_612" "$p612" "$J/jobs-ksft"
# Sleeping spinlocks and threaded softirqs: the ULP and the stress tests.
launch rt "$rt/boot/vmlinuz-$kver_rt" "$pr" "$J/jobs-rt"
wait "$hpid" || { step=host-tests; false; }
mark "host tests done"
step=vms
wait "${pids[@]}"
mark "guests done"

suites=$(sed -n 's/^[[:space:]]*\.name[[:space:]]*=[[:space:]]*"\(dwcp_[a-z0-9_]*\)".*/\1/p' \
	"$DWCP_ROOT"/kmod/tests/*.c | sort -u | paste -sd, -)
taps=()
for t in "$B"/host/*.tap; do taps+=(--tap "host/$(basename "$t" .tap)=$t"); done
step=judge
python3 "$DWCP_ROOT/selftests/vm/judge.py" "${taps[@]}" \
	--vm "kunit-debug=$R/kunit-debug" --jobs "kunit-debug=$J/jobs-kunit" \
	--suites "kunit-debug=$suites" \
	--vm "kunit-debug-6.12=$R/kunit-debug-6.12" --jobs "kunit-debug-6.12=$J/jobs-kunit" \
	--suites "kunit-debug-6.12=$suites" \
	--vm "ksft-debug-1=$R/ksft-debug-1" --jobs "ksft-debug-1=$R/jobs-ksft-debug-1" \
	--vm "ksft-debug-2=$R/ksft-debug-2" --jobs "ksft-debug-2=$R/jobs-ksft-debug-2" \
	--vm "ksft-debug-6.12-1=$R/ksft-debug-6.12-1" --jobs "ksft-debug-6.12-1=$R/jobs-ksft-debug-6.12-1" \
	--vm "ksft-debug-6.12-2=$R/ksft-debug-6.12-2" --jobs "ksft-debug-6.12-2=$R/jobs-ksft-debug-6.12-2" \
	--vm "ksft-stock=$R/ksft-stock" --jobs "ksft-stock=$J/jobs-ksft" \
	--vm "ksft-6.12=$R/ksft-6.12" --jobs "ksft-6.12=$J/jobs-ksft" \
	--vm "kcsan=$R/kcsan" --jobs "kcsan=$J/jobs-kcsan" --suites "kcsan=$suites" \
	--kcsan "kcsan=$J/kcsan-benign.txt" \
	--vm "rt=$R/rt" --jobs "rt=$J/jobs-rt" \
	--kernel "kunit-debug=6.1 debug, $(kernel_release "$debug")" \
	--kernel "kunit-debug-6.12=6.12 debug, $(kernel_release "$debug612")" \
	--kernel "ksft-debug-1=6.1 debug, $(kernel_release "$debug")" \
	--kernel "ksft-debug-2=6.1 debug, $(kernel_release "$debug")" \
	--kernel "ksft-debug-6.12-1=6.12 debug, $(kernel_release "$debug612")" \
	--kernel "ksft-debug-6.12-2=6.12 debug, $(kernel_release "$debug612")" \
	--kernel "kcsan=6.1 KCSAN, $(kernel_release "$kcsan")" \
	--kernel "ksft-stock=Debian 6.1, $kver" \
	--kernel "ksft-6.12=Debian 6.12 (bookworm-backports), $kver_612" \
	--kernel "rt=Debian 6.1 PREEMPT_RT, $kver_rt"
