#!/usr/bin/env bash
# build-module.sh KDIR OUTDIR [make args...]: build dwcp_res.ko against the
# kernel build tree KDIR in OUTDIR, so one checkout can build for several
# kernels side by side. Only sources are copied; stale objects stay in OUTDIR
# and Kbuild's own dependency tracking decides what to rebuild.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

kdir=$1
out=$(mkdir -p "$2" && cd "$2" && pwd)
shift 2
[ -e "$kdir/Makefile" ] ||
	die "no kernel build tree at $kdir: install the headers of that kernel (apt-get install linux-headers-$(uname -r) for the running one) or pass KDIR=/path/to/build"
command -v "${CC:-gcc}" >/dev/null || die "no C compiler (${CC:-gcc}): apt-get install build-essential"
# Mirror the source tree: drop sources that no longer exist, copy the rest.
(cd "$out" && find kmod include -name '*.[ch]' 2>/dev/null || true) | while read -r f; do
	[ -e "$DWCP_ROOT/$f" ] || rm -f "$out/$f" "$out/${f%.c}.o"
done
(cd "$DWCP_ROOT" && find Kbuild kmod include -name Kbuild -o -name '*.[ch]') |
	while read -r f; do
		mkdir -p "$out/$(dirname "$f")"
		cmp -s "$DWCP_ROOT/$f" "$out/$f" || cp "$DWCP_ROOT/$f" "$out/$f"
	done
make -C "$kdir" M="$out" W=1 "$@" modules
