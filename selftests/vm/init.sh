#!/bin/busybox sh
# /init of every dwcp_res test VM (busybox, initramfs).
#
# Runs the jobs listed in /dwcp/jobs, one per line: "NAME COMMAND...".
# Each job's output goes to the results port (/dev/ttyS1, a file on the host)
# between "# dwcp-job-begin NAME" and "# dwcp-job-end NAME rc=N"; the console
# (/dev/ttyS0) carries only the kernel log and this script's progress, so the
# host can look for splats there without test output in the way. A job that
# never reaches its end marker is reported missing by the host.
/bin/busybox --install -s /bin
export PATH=/dwcp/bin:/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mkdir -p /dev/pts /dev/shm /run
mount -t devpts devpts /dev/pts
ip link set lo up 2>/dev/null

R=/dev/ttyS1
KMEMLEAK=/sys/kernel/debug/kmemleak
say() { echo "dwcp-vm: $*" > /dev/kmsg; }

# Leaks that predate the tests are not ours: report them once and forget them.
if [ -w $KMEMLEAK ]; then
	echo scan > $KMEMLEAK
	echo clear > $KMEMLEAK
fi

export DWCP_DIR=/dwcp DWCP_RESULTS=$R
echo "# dwcp-vm-begin $(uname -r)" > $R
while read -r name cmd; do
	case "$name" in ''|'#'*) continue ;; esac
	say "job $name"
	echo "# dwcp-job-begin $name" > $R
	sh -c "$cmd" > $R 2>&1 < /dev/null
	echo "# dwcp-job-end $name rc=$?" > $R
done < /dwcp/jobs

# A final leak scan over everything the jobs did. Objects must be a few
# seconds old before kmemleak reports them.
if [ -w $KMEMLEAK ]; then
	sleep 6
	echo scan > $KMEMLEAK
	echo scan > $KMEMLEAK
	cat $KMEMLEAK > /dev/console
fi
echo "# dwcp-vm-end" > $R
say "done"
sync
# -no-reboot turns the reboot into a QEMU exit; poweroff would need ACPI.
reboot -f
