# shellcheck shell=bash
# Shared paths and helpers for the dwcp_res build and test scripts.
# Sourced, never executed.

DWCP_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Kernels, extracted sources and stock images live outside the repository so
# a fresh clone reuses them; everything in it is keyed, so it is safe to share.
DWCP_CACHE=${DWCP_RES_CACHE:-/var/cache/dwcp_res}
DWCP_BUILD=${DWCP_RES_BUILD:-$DWCP_ROOT/build}

log() { printf '[dwcp_res] %s\n' "$*" >&2; }
die() { printf '[dwcp_res] error: %s\n' "$*" >&2; exit 1; }

# The Debian 6.1 ABI the headers metapackage points at, e.g. 6.1.0-56-amd64.
stock_kver() {
	local d
	d=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		grep -o 'linux-headers-[0-9][^ ,]*-amd64' | head -n1)
	[ -n "$d" ] || die "linux-headers-amd64 is not installed (run scripts/deps.sh)"
	echo "${d#linux-headers-}"
}

linux_source_tarball() {
	local t
	t=$(ls /usr/src/linux-source-6.1.tar.xz 2>/dev/null) ||
		die "linux-source-6.1 is not installed (run scripts/deps.sh)"
	echo "$t"
}

linux_source_version() {
	dpkg-query -W -f='${Version}' linux-source-6.1
}

# Extract the 6.1 tarball once per Debian source version; return its path.
linux_source_tree() {
	local ver dir
	ver=$(linux_source_version)
	dir=$DWCP_CACHE/src/linux-source-$ver
	if [ ! -e "$dir/.extracted" ]; then
		log "extracting linux-source-6.1 $ver (once)"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -C "$dir.tmp" --strip-components=1 -xf "$(linux_source_tarball)"
		touch "$dir.tmp/.extracted"
		mv "$dir.tmp" "$dir"
	fi
	echo "$dir"
}

# The Debian programs real_programs.sh runs in the guests (scripts/deps.sh
# installs their packages: nginx-light, wrk, redis-server, redis-tools, curl).
real_programs() {
	echo /usr/sbin/nginx /usr/bin/wrk /usr/bin/redis-server /usr/bin/redis-benchmark /usr/bin/curl
}
