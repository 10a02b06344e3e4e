#!/usr/bin/env bash
# fetch-stock-kernel.sh [KIND]: fetch one of Debian's kernel images, unpacked
# into the cache (apt-get download + dpkg-deb -x: seconds, and nothing is
# installed on the host). Prints the directory; its vmlinuz is
# DIR/boot/vmlinuz-KVER and its modules DIR/lib/modules/KVER. KIND:
#   stock  Debian 12's 6.1, the ABI of linux-headers-amd64 (the default);
#   rt     its PREEMPT_RT build, the ABI of linux-headers-rt-amd64;
#   6.12   bookworm-backports' 6.12, with its headers: the module is built
#          against DIR/usr/src/linux-headers-KVER. They are unpacked rather
#          than installed because Debian's 6.12 headers depend on the 6.12
#          image, whose installation would change the host's boot.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kind=${1:-stock}
case $kind in
stock)	kver=$(stock_kver); pkgs=("linux-image-$kver") ;;
rt)	kver=$(stock_kver rt); pkgs=("linux-image-$kver") ;;
6.12)	bash "$DWCP_ROOT/scripts/backports.sh"
	kver=$(backports_kver)
	base=${kver%-amd64}
	pkgs=("linux-image-$kver-unsigned" "linux-headers-$kver" "linux-headers-$base-common"
	      "linux-kbuild-$base") ;;
*)	die "unknown kernel kind '$kind' (stock, rt or 6.12)" ;;
esac
out=$DWCP_CACHE/stock-$kver
if [ -e "$out/.done" ]; then
	echo "$out"
	exit 0
fi
mkdir -p "$DWCP_CACHE"
tmp=$(mktemp -d "$DWCP_CACHE/stock.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
log "downloading ${pkgs[*]}"
(cd "$tmp" && apt-get download -q "${pkgs[@]}" >&2) ||
	(apt-get update -q >&2 && cd "$tmp" && apt-get download -q "${pkgs[@]}" >&2) ||
	die "cannot download ${pkgs[*]}"
mkdir -p "$tmp/root"
for deb in "$tmp"/*.deb; do
	dpkg-deb -x "$deb" "$tmp/root"
done
[ -e "$tmp/root/boot/vmlinuz-$kver" ] || die "linux-image-$kver has no vmlinuz"
hdr=$tmp/root/usr/src/linux-headers-$kver
if [ -e "$hdr/Makefile" ]; then
	# The arch headers' Makefile includes the common ones by absolute path.
	sed -i "s|^include /usr/src/|include $out/usr/src/|" "$hdr/Makefile"
fi
rm -rf "$out"
mv "$tmp/root" "$out"
touch "$out/.done"
echo "$out"
