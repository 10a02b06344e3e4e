#!/usr/bin/env bash
# Fetch Debian's stock kernel image matching linux-headers-amd64, unpacked into
# the cache (apt-get download + dpkg-deb -x: seconds, and no install on the
# host). Prints the directory; its vmlinuz is DIR/boot/vmlinuz-KVER.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kver=$(stock_kver)
out=$DWCP_CACHE/stock-$kver
if [ -e "$out/.done" ]; then
	echo "$out"
	exit 0
fi
mkdir -p "$DWCP_CACHE"
tmp=$(mktemp -d "$DWCP_CACHE/stock.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "downloading linux-image-$kver"
(cd "$tmp" && apt-get download -q "linux-image-$kver" >&2) ||
	(apt-get update -q >&2 && cd "$tmp" && apt-get download -q "linux-image-$kver" >&2) ||
	die "cannot download linux-image-$kver"
mkdir -p "$tmp/root"
dpkg-deb -x "$tmp"/linux-image-*.deb "$tmp/root"
[ -e "$tmp/root/boot/vmlinuz-$kver" ] || die "linux-image-$kver has no vmlinuz"
rm -rf "$out"
mv "$tmp/root" "$out"
touch "$out/.done"
echo "$out"
