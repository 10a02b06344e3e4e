#!/usr/bin/env bash
# Install what building and testing dwcp_res needs, with apt-get, only when
# something is missing (idempotent; a warm run costs one dpkg-query).
# deps.sh PKG...: only those (make bench needs a compiler and valgrind, not
# QEMU and a kernel source).
set -euo pipefail

all=(
	build-essential bc bison flex cpio kmod xz-utils rsync python3 python3-yaml pkg-config
	python3-docutils
	clang libclang-rt-14-dev
	libelf-dev libssl-dev dwarves
	linux-headers-amd64 linux-headers-rt-amd64 linux-source-6.1 linux-source-6.12
	libnl-3-dev libnl-genl-3-dev libjson-c-dev
	qemu-system-x86 busybox-static
	sparse valgrind groff-base iperf3
	libnl-utils python3-pyroute2
	dkms prometheus systemd
	nginx-light wrk redis-server redis-tools curl
)
if [ $# -gt 0 ]; then pkgs=("$@"); else pkgs=("${all[@]}"); fi

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "[dwcp_res] missing packages: ${missing[*]}; run as root or install them" >&2
	exit 1
fi
echo "[dwcp_res] installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
