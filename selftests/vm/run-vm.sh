#!/usr/bin/env bash
# run-vm.sh --kernel IMAGE --name NAME --payload DIR --jobs FILE --out DIR [--timeout S]
#
# Boots IMAGE under qemu-system-x86_64 -accel tcg with an initramfs made of
# busybox, selftests/vm/init.sh and the payload directory (mounted as /dwcp),
# runs the jobs file, and leaves OUT/NAME.console (kernel log) and
# OUT/NAME.results (job output). QEMU's exit status says nothing about the
# tests: selftests/vm/judge.py reads the two files. A guest still running
# after the timeout is killed and its console log kept. --append adds to the
# kernel command line.
#
# A guest whose init has not started within --boot-wait seconds (default 300)
# is killed and booted once more: under TCG on a loaded host a boot very
# rarely stalls before init (seen once, in the RCU-tasks self-test of the
# debug kernel), before anything of ours runs. The stalled attempt's log is
# kept as NAME.console.stalled and the retry is logged; a second stall, or any
# hang after init started, is judged as before.
set -euo pipefail
. "$(dirname "$0")/../../scripts/lib.sh"

timeout=300 mem=512 append="" boot_wait=300
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--name) name=$2; shift 2 ;;
	--payload) payload=$2; shift 2 ;;
	--jobs) jobs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--append) append=$2; shift 2 ;;
	--boot-wait) boot_wait=$2; shift 2 ;;
	*) die "run-vm.sh: unknown argument $1" ;;
	esac
done

mkdir -p "$out"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
chmod 755 "$stage"	# becomes the guest's /: unprivileged tests must reach /bin
mkdir -p "$stage"/{bin,sbin,proc,sys,dev,tmp,etc,root}
cp /bin/busybox "$stage/bin/busybox"
cp "$DWCP_ROOT/selftests/vm/init.sh" "$stage/init"
chmod +x "$stage/init"
cp -a "$payload" "$stage/dwcp"
cp "$jobs" "$stage/dwcp/jobs"
echo "root:x:0:0:root:/root:/bin/sh" >"$stage/etc/passwd"
echo "nobody:x:65534:65534:nobody:/:/bin/sh" >>"$stage/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$stage/etc/group"
(cd "$stage" && find . | cpio -o -H newc --quiet | gzip -1) >"$out/$name.initrd"

console=$out/$name.console results=$out/$name.results
rm -f "$console" "$results" "$console.stalled"

# Boot once; with $1 = watch, give up (rc 200) if init has not started
# within $boot_wait seconds.
boot() {
	timeout -k 5 "$timeout" qemu-system-x86_64 -accel tcg -m "$mem" -smp 2 \
		-display none -monitor none -no-reboot \
		-kernel "$kernel" -initrd "$out/$name.initrd" \
		-append "console=ttyS0 panic=-1 ignore_loglevel kmemleak=on $append" \
		-serial "file:$console" -serial "file:$results" </dev/null &
	local pid=$! waited=0
	if [ "$1" = watch ]; then
		while kill -0 "$pid" 2>/dev/null && ! grep -q '^# dwcp-vm-begin' "$results" 2>/dev/null; do
			if [ "$waited" -ge "$boot_wait" ]; then
				kill "$pid" 2>/dev/null
				wait "$pid"
				return 200
			fi
			sleep 5
			waited=$((waited + 5))
		done
	fi
	wait "$pid"
}

log "vm $name: booting $(basename "$kernel") (timeout ${timeout}s)"
set +e
boot watch
rc=$?
if [ $rc = 200 ]; then
	mv "$console" "$console.stalled"
	rm -f "$results"
	log "vm $name: init had not started after ${boot_wait}s: booting once more (stalled log: $console.stalled)"
	boot once
	rc=$?
fi
set -e
rm -f "$out/$name.initrd"
if [ $rc = 124 ] || [ $rc = 137 ]; then
	echo "# dwcp-vm-timeout ${timeout}s" >>"$results"
	log "vm $name: killed after ${timeout}s (console: $console)"
fi
exit 0
