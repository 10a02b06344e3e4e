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

# The Debian 6.1 ABI the headers metapackage points at, e.g. 6.1.0-56-amd64;
# stock_kver rt: its PREEMPT_RT build, e.g. 6.1.0-56-rt-amd64.
stock_kver() {
	local meta=linux-headers-${1:+$1-}amd64 d
	d=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null |
		grep -oE 'linux-headers-[0-9][^ ,]*-amd64' | head -n1)
	[ -n "$d" ] || die "$meta is not installed (run scripts/deps.sh)"
	echo "${d#linux-headers-}"
}

# The 6.12 ABI bookworm-backports' metapackage points at (what a Debian 12
# admin gets with "apt-get install -t bookworm-backports linux-image-amd64"),
# e.g. 6.12.95+deb12-amd64. scripts/backports.sh must have run.
backports_kver() {
	local v d
	v=$(apt-cache madison linux-headers-amd64 |
		awk -F'|' '/bookworm-backports/ { gsub(/ /, "", $2); print $2; exit }')
	[ -n "$v" ] || die "bookworm-backports has no linux-headers-amd64 (run scripts/backports.sh)"
	d=$(apt-cache show "linux-headers-amd64=$v" | sed -n 's/^Depends: //p' |
		grep -oE 'linux-headers-[0-9][^ ,]*-amd64' | head -n1)
	[ -n "$d" ] || die "cannot read what linux-headers-amd64 $v depends on"
	echo "${d#linux-headers-}"
}

# The release of a kernel build tree (a test kernel in the cache).
kernel_release() {
	cat "$1/include/config/kernel.release"
}

# Debian's kernel source packages: linux-source-6.1 (the default) and
# linux-source-6.12 (bookworm-security, the line bookworm-backports ships).
linux_source_tarball() { # [SERIES]
	local t series=${1:-6.1}
	t=$(ls "/usr/src/linux-source-$series.tar.xz" 2>/dev/null) ||
		die "linux-source-$series is not installed (run scripts/deps.sh)"
	echo "$t"
}

linux_source_version() { # [SERIES]
	dpkg-query -W -f='${Version}' "linux-source-${1:-6.1}"
}

# Extract a source tarball once per Debian source version; return its path.
linux_source_tree() { # [SERIES]
	local ver dir series=${1:-6.1}
	ver=$(linux_source_version "$series")
	dir=$DWCP_CACHE/src/linux-source-$ver
	if [ ! -e "$dir/.extracted" ]; then
		log "extracting linux-source-$series $ver (once)"
		rm -rf "$dir" "$dir.tmp"
		mkdir -p "$dir.tmp"
		tar -C "$dir.tmp" --strip-components=1 -xf "$(linux_source_tarball "$series")"
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
