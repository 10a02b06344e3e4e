#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# bundle-dynamic.sh DEST BIN...
#
# The test guests have no libc. This copies each dynamically linked BIN
# (a program or a shared library, e.g. iperf3 and libdwcp_res_preload.so)
# into DEST/bin (programs) or DEST/lib (*.so*), and the closure of their
# shared libraries as `ldd` resolves it, the ELF interpreter included, into
# DEST/lib. In the guest, with the bundle at /dwcp:
#
#	mkdir -p /lib64 && ln -sf /dwcp/lib/ld-linux-x86-64.so.2 /lib64/
#	export LD_LIBRARY_PATH=/dwcp/lib
#
# (the interpreter path is the one in the programs' PT_INTERP; the guest's
# root is a writable tmpfs). selftests/kselftest/preload.sh does exactly that.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: bundle-dynamic.sh DEST BIN..." >&2; exit 2; }
dest=$1
shift
mkdir -p "$dest/bin" "$dest/lib"
for b in "$@"; do
	[ -f "$b" ] || { echo "bundle-dynamic.sh: $b: no such file" >&2; exit 1; }
	case "$(basename "$b")" in
	*.so|*.so.*) cp -L "$b" "$dest/lib/" ;;
	*) cp -L "$b" "$dest/bin/" ;;
	esac
	# "libX.so => /path (addr)", "/lib64/ld-linux-x86-64.so.2 (addr)";
	# linux-vdso has no file.
	ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
	while read -r lib; do
		[ -e "$dest/lib/$(basename "$lib")" ] || cp -L "$lib" "$dest/lib/"
	done
done
