#!/usr/bin/env bash
# make lint: the kernel's own standards for the module's C files.
#   checkpatch.pl --strict (from linux-source-6.1), sparse via C=2, and W=1,
# against each kernel the module claims: Debian's 6.1, its PREEMPT_RT build,
# bookworm-backports' 6.12, and the debug kernel (the KUnit module). Any
# finding fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$DWCP_ROOT/scripts/deps.sh"
for c in perl sparse; do
	command -v "$c" >/dev/null || die "$c is not on PATH: make lint needs perl and sparse (scripts/deps.sh installs them)"
done
src=$(linux_source_tree)
kver=$(stock_kver)
out=$DWCP_BUILD/lint
mkdir -p "$DWCP_BUILD"
fail=0

files=$(cd "$DWCP_ROOT" && find kmod include -name '*.[ch]' ! -path kmod/compat.h | sort)
log "checkpatch --strict on $(echo "$files" | wc -l) files and kmod/compat.h"
# checkpatch FILES... [IGNORE]: any finding fails the run.
checkpatch() {
	local ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG${2:+,$2}

	# shellcheck disable=SC2086
	if ! (cd "$DWCP_ROOT" && perl "$src/scripts/checkpatch.pl" --strict --no-tree --terse \
		--show-types --ignore "$ignore" -f $1) >"$out.checkpatch" 2>&1 ||
		grep -qE '^[^ ]+:[0-9]+: (ERROR|WARNING|CHECK):' "$out.checkpatch"; then
		grep -E '(ERROR|WARNING|CHECK):' "$out.checkpatch" || cat "$out.checkpatch"
		fail=1
	fi
}
checkpatch "$files"
# The one place that compares kernel versions, as out-of-tree modules must
# (upstream code is for the version it is merged into).
checkpatch kmod/compat.h LINUX_VERSION_CODE,CONSTANT_COMPARISON

k612=$(bash "$DWCP_ROOT/scripts/fetch-stock-kernel.sh" 6.12)
kver_612=$(backports_kver)
kver_rt=$(stock_kver rt)
: >"$out.build"
for kdir in "/usr/src/linux-headers-$kver" "/usr/src/linux-headers-$kver_rt" \
	"$k612/usr/src/linux-headers-$kver_612"; do
	log "sparse (C=2) and W=1 against $(basename "$kdir")"
	rm -rf "$out"
	if ! bash "$DWCP_ROOT/scripts/build-module.sh" "$kdir" "$out" C=2 >>"$out.build" 2>&1; then
		cat "$out.build"
		fail=1
	fi
done
# The KUnit module only builds where CONFIG_KUNIT is set: the debug kernel.
debug=$(bash "$DWCP_ROOT/scripts/build-debug-kernel.sh")
log "sparse (C=2) and W=1 of the KUnit module against the debug kernel"
rm -rf "$out-debug"
if ! bash "$DWCP_ROOT/scripts/build-module.sh" "$debug" "$out-debug" C=2 \
	>>"$out.build" 2>&1; then
	cat "$out.build"
	fail=1
fi
# Sparse and gcc findings both carry "warning:" or "error:".
if grep -E '(warning|error):' "$out.build" | grep -v -e 'Skipping BTF' -e 'jobserver unavailable'; then
	fail=1
fi

if [ $fail = 0 ]; then
	log "lint clean"
else
	die "lint found problems (above)"
fi
