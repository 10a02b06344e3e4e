#!/usr/bin/env bash
# Give apt bookworm-backports the way Debian's instructions do: one sources
# entry, and a pin at the archive's own default (100), so that nothing comes
# from it unless asked for by name or with -t, and no other pin can raise it.
# Idempotent: once both files are there (or the admin has an entry of their
# own), it only runs apt-get update when the suite's index is missing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

src=/etc/apt/sources.list.d/bookworm-backports.sources
pin=/etc/apt/preferences.d/bookworm-backports.pref
changed=

if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	[ "$(id -u)" = 0 ] || die "bookworm-backports is not in apt's sources; run as root to add $src"
	log "adding bookworm-backports to apt's sources ($src)"
	cat >"$src" <<'EOS'
# Added by dwcp_res (scripts/backports.sh): Linux 6.12 for Debian 12.
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	changed=1
fi
if [ ! -e "$pin" ] && [ "$(id -u)" = 0 ]; then
	cat >"$pin" <<'EOS'
# Added by dwcp_res (scripts/backports.sh): nothing is installed or upgraded
# from bookworm-backports unless asked for by name or with -t.
Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100
EOS
	changed=1
fi
# (grep reads all of madison's output: with pipefail, -q would fail the pipe.)
if [ -n "$changed" ] || ! apt-cache madison linux-headers-amd64 | grep bookworm-backports >/dev/null; then
	apt-get update -q >&2
fi
