#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# targets_check.sh KVER: the documented make targets, each run as the first
# command of a fresh clone (the tracked files as they are now, no build/),
# without the VM-heavy parts:
#
#   make (KDIR/KVER: Debian's headers for KVER), make lint,
#   make install DESTDIR=..., make bench BENCH_VM=0 (short counts), make clean.
#
# (make demo and make check themselves run from a clean clone in .ci/run.)
#
# Then each target with one prerequisite missing (a kernel tree, a library,
# a command hidden from PATH) must fail with a message that names what is
# missing, not with a shell or compiler error. Also: no tracked file cites a
# path outside the repository. Prints TAP 13; exit 1 if a test failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${1:?usage: targets_check.sh KVER}
KDIR=/usr/src/linux-headers-$KVER
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$ROOT/selftests/host/tap.sh"
# Each target sets its own parallelism; a jobserver inherited from
# make check would only warn.
unset MAKEFLAGS MAKELEVEL MFLAGS

# clone DIR: what "git clone" of this tree gives, with uncommitted edits of
# tracked files included (so the test checks the tree it runs in).
clone() {
	mkdir -p "$1"
	if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$ROOT" && git ls-files -z | xargs -0 tar -cf - --no-recursion 2>/dev/null) |
			tar -C "$1" -xf -
	else
		(cd "$ROOT" && tar -cf - --exclude=./build .) | tar -C "$1" -xf -
	fi
}

# run NAME DIR LOG CMD...: time a target; prints the seconds to fd 3
run() {
	local name=$1 dir=$2 log=$3 t0 rc
	shift 3
	t0=$(date +%s)
	(cd "$dir" && "$@") >"$log" 2>&1
	rc=$?
	echo "# $name: $(($(date +%s) - t0)) s" >&3
	return $rc
}

# A PATH with every command of the real one except those named: how a
# machine without that package looks to a script.
hide() { # DIR CMD...
	local d=$1 p f
	shift
	mkdir -p "$d"
	IFS=: read -ra dirs <<<"$PATH"
	for p in "${dirs[@]}"; do
		for f in "$p"/*; do
			[ -x "$f" ] && [ ! -e "$d/${f##*/}" ] && ln -s "$f" "$d/${f##*/}"
		done
	done
	for f in "$@"; do rm -f "$d/$f"; done
}

# A failure must name what is missing (EXPECT, a fixed string) and must not
# be a shell's or a compiler's complaint.
clear_failure() { # NAME RC LOG EXPECT
	local bad
	if [ "$2" = 0 ]; then
		ok "$1" 1 "succeeded with the prerequisite missing"
		return
	fi
	bad=$(grep -E 'line [0-9]+:|command not found|fatal error:|No such file or directory' "$3" |
		head -n 3)
	if grep -qF -- "$4" "$3" && [ -z "$bad" ]; then
		ok "$1" 0
	else
		ok "$1" 1 "expected a message with: $4" ${bad:+"shell or compiler error: $bad"}
		diag "$3"
	fi
}

echo "TAP version 13"
exec 3>&1

# ---- each target from nothing ------------------------------------------------
C=$T/make
clone "$C"
run make "$C" "$T/make.log" make KVER="$KVER" KDIR="$KDIR"
rc=$?
[ $rc = 0 ] && [ -s "$C/build/module-$KVER/dwcp_res.ko" ] && [ -x "$C/build/resctl/resctl" ] &&
	[ -s "$C/build/preload/libdwcp_res_preload.so" ]
ok make_from_fresh_clone $? "make: exit $rc, or dwcp_res.ko, resctl or the shim missing"
[ $rc = 0 ] || diag "$T/make.log"
run "make clean" "$C" "$T/clean.log" make clean
rc=$?
ok make_clean_removes_build "$([ $rc = 0 ] && [ ! -e "$C/build" ]; echo $?)" "exit $rc"
# clean on a clean tree is no error either
run "make clean (again)" "$C" "$T/clean2.log" make clean
ok make_clean_twice $? "$(cat "$T/clean2.log")"

C=$T/install
clone "$C"
D=$T/root
run "make install DESTDIR" "$C" "$T/install.log" \
	make install KVER="$KVER" KDIR="$KDIR" DESTDIR="$D" PREFIX=/usr
rc=$?
[ $rc = 0 ] && [ -s "$D/lib/modules/$KVER/extra/dwcp_res.ko" ] && [ -x "$D/usr/sbin/resctl" ] &&
	[ -s "$D/etc/dwcp_res.conf" ]
ok make_install_destdir_from_fresh_clone $? "exit $rc, or a file missing under DESTDIR"
[ $rc = 0 ] || diag "$T/install.log"

C=$T/lint
clone "$C"
run "make lint" "$C" "$T/lint.log" make lint
rc=$?
ok make_lint_from_fresh_clone $rc
[ $rc = 0 ] || grep -E '(ERROR|WARNING|CHECK|warning|error):' "$T/lint.log" | head -n 20 | sed 's/^/# /'
[ $rc = 0 ] || diag "$T/lint.log"

C=$T/bench
clone "$C"
run "make bench BENCH_VM=0" "$C" "$T/bench.log" \
	env BENCH_REPS=1 BENCH_OPS=20000 BENCH_IR_OPS=20000 make bench BENCH_VM=0
rc=$?
[ $rc = 0 ] && grep -q '^BENCH ir_per_op ' "$T/bench.log" &&
	grep -q '^BENCH core_allocator_symbols 0 ' "$T/bench.log"
ok make_bench_host_from_fresh_clone $? "exit $rc, or no ir_per_op / allocator figure"
[ $rc = 0 ] || diag "$T/bench.log"

# ---- a prerequisite missing ----------------------------------------------------
C=$T/missing
clone "$C"
run "make, no kernel tree" "$C" "$T/m-kdir.log" make module KDIR="$T/no-such-kernel"
clear_failure make_without_kernel_tree_says_so $? "$T/m-kdir.log" "no kernel build tree at $T/no-such-kernel"

# A kernel line it is not tested on (6.1's headers posing as 6.2): refused
# before anything compiles, and built when asked to try anyway.
run "make, unsupported kernel" "$C" "$T/m-kver.log" make module KDIR="$KDIR" PATCHLEVEL=2
clear_failure make_refuses_unsupported_kernel $? "$T/m-kver.log" "dwcp_res supports Linux 6.1 and 6.12, not 6.2"
run "make, unsupported kernel, anyway" "$C" "$T/m-kver2.log" \
	make module KDIR="$KDIR" PATCHLEVEL=2 DWCP_RES_ANY_KERNEL=1
ok make_builds_unsupported_kernel_when_asked $? "exit $?"
ls "$C"/build/module-*/dwcp_res.ko >/dev/null 2>&1
ok make_anyway_gives_a_module $? "no dwcp_res.ko"

run "make resctl, no libnl" "$C" "$T/m-nl.log" env PKG_CONFIG_LIBDIR="$T/empty" make resctl
clear_failure make_resctl_without_libnl_says_so $? "$T/m-nl.log" "resctl needs pkg-config, libnl-genl-3.0 and json-c"

hide "$T/path-nopkgconfig" pkg-config
run "make resctl, no pkg-config" "$C" "$T/m-pc.log" env PATH="$T/path-nopkgconfig" make resctl
clear_failure make_resctl_without_pkg_config_says_so $? "$T/m-pc.log" "resctl needs pkg-config"

hide "$T/path-nosparse" sparse
run "make lint, no sparse" "$C" "$T/m-sparse.log" env PATH="$T/path-nosparse" make lint
clear_failure make_lint_without_sparse_says_so $? "$T/m-sparse.log" "sparse is not on PATH"

hide "$T/path-novalgrind" valgrind
run "make bench, no valgrind" "$C" "$T/m-vg.log" env PATH="$T/path-novalgrind" make bench BENCH_VM=0
clear_failure make_bench_without_valgrind_says_so $? "$T/m-vg.log" "valgrind is not on PATH"

# ---- documents cite only what a clone has --------------------------------------
outside=$(cd "$ROOT" && git ls-files 2>/dev/null | grep -v '^selftests/host/targets_check.sh$' |
	xargs grep -nE '\.\./shared|/work/|(design|reference|seed-quick-reference|style)\.md' 2>/dev/null |
	head -n 5)
ok cites_nothing_outside_the_repository "$([ -z "$outside" ]; echo $?)" "$outside"

echo "1..$n"
[ $fails = 0 ]
