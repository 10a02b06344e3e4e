#!/usr/bin/env bash
# build-debug-kernel.sh [debug|kcsan] [6.1|6.12]: build (or reuse) a test
# kernel from Debian's linux-source-6.1 (or linux-source-6.12, the line of
# bookworm-backports): tinyconfig + selftests/vm/debug-kernel.config
# (KASAN, lockdep, kmemleak, KUnit), or for kcsan the same without its memory
# sanitizers + selftests/vm/kcsan-kernel.config (KCSAN cannot be combined
# with KASAN). Cached outside the repository under a key made of the config
# fragment, the source version and this recipe. Prints the build directory
# (usable as `make -C DIR M=...` and holding bzImage).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

variant=${1:-debug}
series=${2:-6.1}
case $series in
6.1) name=$variant ;;
6.12) name=$variant-6.12 ;;
*) die "unknown kernel series '$series': 6.1 or 6.12" ;;
esac
frag=$DWCP_ROOT/selftests/vm/debug-kernel.config
case $variant in
debug) ;;
kcsan)
	mkdir -p "$DWCP_CACHE"
	merged=$DWCP_CACHE/kcsan-kernel.config.$$
	{ grep -vE '^CONFIG_(KASAN|DEBUG_KMEMLEAK)' "$frag"
	  cat "$DWCP_ROOT/selftests/vm/kcsan-kernel.config"; } >"$merged"
	frag=$merged
	trap 'rm -f "$merged"' EXIT ;;
*) die "unknown test kernel '$variant': debug or kcsan" ;;
esac
if [ "$series" = 6.12 ]; then
	mkdir -p "$DWCP_CACHE"
	merged612=$DWCP_CACHE/kernel-6.12.config.$$
	cat "$frag" "$DWCP_ROOT/selftests/vm/debug-kernel-6.12.config" >"$merged612"
	frag=$merged612
	trap 'rm -f "${merged:-}" "$merged612"' EXIT
fi
recipe=3 # bump when the way the kernel is built changes
key=$( { cat "$frag"; linux_source_version "$series"; echo "recipe=$recipe"; gcc --version | head -n1; } |
	sha256sum | cut -c1-16)
out=$DWCP_CACHE/kernel-$name-$key

if [ -e "$out/.done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$DWCP_CACHE"
exec 9>"$DWCP_CACHE/.kernel.lock"
flock 9
if [ -e "$out/.done" ]; then echo "$out"; exit 0; fi

src=$(linux_source_tree "$series")
rm -rf "$out"
mkdir -p "$out"
log "building the $name test kernel $key in $out (about 10 minutes on 2 cores, once)"
make -s -C "$src" O="$out" tinyconfig >/dev/null
# merge_config.sh leaves temporary files in its working directory.
(cd "$out" && "$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" >/dev/null)
make -s -C "$src" O="$out" olddefconfig >/dev/null

missing=0
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	sym=${line%%=*}
	val=${line#*=}
	if [ "$val" = n ]; then
		grep -qx "$sym=y" "$out/.config" && { log "config: $sym should be off"; missing=1; }
	else
		grep -qx "$line" "$out/.config" || { log "config: $line did not stick"; missing=1; }
	fi
done <"$frag"
[ "$missing" = 0 ] || die "the $variant kernel config is incomplete; fix selftests/vm/$variant-kernel.config"

log "compiling (log: $out/build.log)"
if ! make -C "$src" O="$out" -j"$(nproc)" all >"$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	die "$variant kernel build failed; see $out/build.log"
fi
touch "$out/.done"
echo "$out"
