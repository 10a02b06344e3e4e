#!/usr/bin/env bash
# rehearse.sh: follow the admin guide on a fresh Debian 12 host, in a VM.
#
# 1. Builds a pristine Debian 12 (bookworm) root with mmdebstrap from
#    deb.debian.org: minbase, systemd as init, udev, kmod, iproute2,
#    ca-certificates, dbus and Debian's linux-image-KVER (KVER = the stock
#    kernel, scripts/lib.sh stock_kver), nothing the guide asks the user to
#    install. It is cached, as an ext4 image with its kernel and initrd, in
#    $DWCP_CACHE/rehearse-<key> (key: hash of the recipe, suite, mirrors and
#    package list); each run works on a sparse copy.
# 2. Extracts the command blocks of Documentation/admin-guide.rst (as they
#    are in HEAD) into a payload disk, with a git bundle of HEAD for
#    "git clone <this repository>" and scripts/rehearse-guest.sh.
# 3. Boots the copy under qemu-system-x86_64 -accel tcg (4 GiB, 2 CPUs,
#    -nic user for apt): dwcp-rehearse.service runs the guest script, which
#    runs every command exactly as written, checks the result, reboots once
#    and checks again. TAP on the second serial port, one line per command
#    and check, then "N passed, M failed".
#
# Needs deb.debian.org (the image, then apt-get inside the guest). About
# 4 minutes to build the image once; a run takes about 40 minutes under TCG.
# Logs in $DWCP_BUILD/rehearse/: rehearse.results (TAP and every command's
# output), rehearse.console (kernel and systemd).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

suite=bookworm
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
timeout=${DWCP_REHEARSE_TIMEOUT:-7200}
# Bump when the image recipe below changes: it is part of the cache key.
recipe=1

kver=$(stock_kver 2>/dev/null || echo 6.1.0-56-amd64)
pkgs="systemd systemd-sysv udev kmod dbus iproute2 ca-certificates initramfs-tools linux-image-$kver"
mirrors=("deb $mirror $suite main" "deb $mirror $suite-updates main"
	"deb $security $suite-security main")	# the kernel ABIs live in -security
key=$(printf '%s\n' "$recipe" "$suite" "${mirrors[@]}" "$pkgs" | sha256sum | cut -c1-16)
img=$DWCP_CACHE/rehearse-$key
out=$DWCP_BUILD/rehearse

need() {
	command -v "$1" >/dev/null && return
	log "installing $2 with apt-get"
	apt-get update -q >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$2" >&2
}
need mmdebstrap mmdebstrap
need qemu-system-x86_64 qemu-system-x86
need mkfs.ext4 e2fsprogs
need git git

# The pristine host: what a fresh minimal Debian 12 has, plus the glue a
# VM needs (fstab, DHCP on the NIC, the slirp resolver, the rehearsal unit).
build_image() {
	local tmp root
	mkdir -p "$DWCP_CACHE"
	tmp=$(mktemp -d "$DWCP_CACHE/rehearse.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	root=$tmp/root
	log "mmdebstrap $suite ($pkgs)"
	mmdebstrap --variant=minbase --include="${pkgs// /,}" "$suite" "$root" "${mirrors[@]}" >&2
	echo rehearse >"$root/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\trehearse\n' >"$root/etc/hosts"
	echo '/dev/vda / ext4 rw,errors=remount-ro 0 1' >"$root/etc/fstab"
	rm -f "$root/etc/resolv.conf"
	echo 'nameserver 10.0.2.3' >"$root/etc/resolv.conf"
	mkdir -p "$root/etc/systemd/network"
	printf '[Match]\nName=en* eth*\n\n[Network]\nDHCP=yes\n' \
		>"$root/etc/systemd/network/50-dhcp.network"
	chroot "$root" systemctl enable systemd-networkd.service >&2
	cat >"$root/etc/systemd/system/dwcp-rehearse.service" <<-'EOF'
	# The rehearsal driver: runs /rehearse/guest.sh from the payload disk.
	[Unit]
	Description=dwcp_res rehearsal of the admin guide
	ConditionPathExists=/dev/vdb
	Wants=network-online.target
	After=network-online.target multi-user.target

	[Service]
	Type=oneshot
	TimeoutStartSec=infinity
	ExecStart=/bin/sh -c 'mkdir -p /mnt/rehearse && mount -o ro /dev/vdb /mnt/rehearse && exec /bin/bash /mnt/rehearse/guest.sh'

	[Install]
	WantedBy=multi-user.target
	EOF
	chroot "$root" systemctl enable dwcp-rehearse.service >&2
	if [ ! -e "$root/boot/vmlinuz-$kver" ] || [ ! -e "$root/boot/initrd.img-$kver" ]; then
		die "the image has no kernel or initrd for $kver"
	fi
	cp "$root/boot/vmlinuz-$kver" "$root/boot/initrd.img-$kver" "$tmp/"
	log "making the ext4 image (8 GiB, sparse)"
	mkfs.ext4 -q -L rehearse -d "$root" "$tmp/root.img" 8G >&2
	rm -rf "$root"
	rm -rf "$img"
	mv "$tmp" "$img"
	chmod 755 "$img"
	trap - EXIT
	touch "$img/.done"
}

# extract FILE SECTION: the first literal block ("::") of the section titled
# SECTION (before the next title), one command a line (continuations joined, comment lines
# dropped), "<this repository>" replaced by the bundle.
extract() {
	git -C "$DWCP_ROOT" show "HEAD:$1" | awk -v sec="$2" '
		st == 0 && $0 == sec { st = 1; getline; next }
		st == 1 && /^(===+|---+)$/ { exit }
		st == 1 && /::$/ { st = 2; next }
		st == 2 && /^[ \t]*$/ { next }
		st == 2 { st = 3 }
		st == 3 && /^[^ \t]/ { exit }
		st == 3 {
			sub(/^    /, "")
			if (/^[ \t]*#/ || /^[ \t]*$/) { if (line == "") next }
			if (sub(/\\$/, "")) { line = line $0; next }
			line = line $0
			if (line !~ /^[ \t]*(#.*)?$/) print line
			line = ""
		}' | sed 's|<this repository>|/mnt/rehearse/dwcp_res.bundle|'
}

# The whole run is one function, parsed before it starts: editing this file
# during a run (it takes long) cannot derail it.
main() {
	if [ ! -e "$img/.done" ]; then
		build_image
	else
		log "pristine image: $img (cached)"
	fi

	rm -rf "$out"
	mkdir -p "$out/payload"
	if ! git -C "$DWCP_ROOT" diff --quiet HEAD; then
		log "warning: uncommitted changes are not rehearsed (the guest clones HEAD)"
	fi
	extract Documentation/admin-guide.rst 'Installing on Debian 12' >"$out/payload/install.cmds"
	extract Documentation/admin-guide.rst 'Installing with DKMS' >"$out/payload/dkms.cmds"
	extract Documentation/admin-guide.rst 'Fleet metrics and alerts' >"$out/payload/metrics.cmds"
	for f in install dkms metrics; do
		[ -s "$out/payload/$f.cmds" ] || die "no command block for $f in the admin guide"
		sed "s/^/[dwcp_res]   $f: /" "$out/payload/$f.cmds" >&2
	done
	branch=$(git -C "$DWCP_ROOT" symbolic-ref -q HEAD || true)
	git -C "$DWCP_ROOT" bundle create -q "$out/payload/dwcp_res.bundle" HEAD ${branch:+"$branch"}
	cp "$DWCP_ROOT/scripts/rehearse-guest.sh" "$out/payload/guest.sh"
	mkfs.ext4 -q -L payload -d "$out/payload" "$out/payload.img" 64M
	log "copying the pristine image"
	cp --sparse=always "$img/root.img" "$out/root.img"

	results=$out/rehearse.results console=$out/rehearse.console
	: >"$results"
	log "booting Debian's $kver under TCG (4 GiB, 2 CPUs, timeout ${timeout}s)"
	start=$(date +%s)
	tail --pid=$$ -n +1 -F "$results" 2>/dev/null |
		grep --line-buffered -E '^(not )?ok |^# phase|^1\.\.|^# [0-9]+ passed' >&2 &
	tailpid=$!
	set +e
	timeout -k 10 "$timeout" qemu-system-x86_64 -accel tcg -m 4096 -smp 2 \
		-display none -monitor none \
		-kernel "$img/vmlinuz-$kver" -initrd "$img/initrd.img-$kver" \
		-append "root=/dev/vda rw console=ttyS0 systemd.show_status=1" \
		-drive "file=$out/root.img,format=raw,if=virtio" \
		-drive "file=$out/payload.img,format=raw,if=virtio,readonly=on" \
		-nic user,model=virtio-net-pci \
		-serial "file:$console" -serial "file:$results" </dev/null
	rc=$?
	set -e
	sleep 1
	kill "$tailpid" 2>/dev/null || true
	wait "$tailpid" 2>/dev/null || true
	secs=$(($(date +%s) - start))
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		echo "# dwcp-rehearse-timeout ${timeout}s" >>"$results"
	fi

	pass=$(grep -c '^ok ' "$results" || true)
	fail=$(grep -c '^not ok ' "$results" || true)
	if ! grep -q '^1\.\.' "$results"; then
		log "the guest did not finish (timeout or crash): see $console and $results"
		fail=$((fail + 1))
	fi
	if grep -aE 'WARNING: CPU|BUG:|Oops|Call Trace|general protection' "$console" >&2; then
		log "kernel splat in $console"
		fail=$((fail + 1))
	fi
	grep '^not ok ' "$results" >&2 || true
	log "rehearsal took $((secs / 60)) min $((secs % 60)) s; logs in $out"
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}

main "$@"
