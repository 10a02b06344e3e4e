#!/usr/bin/env bash
# make demo: set everything up, boot Debian's stock 6.1 kernel in a VM with
# dwcp_res and resctl, and tell the story (scripts/demo-guest.sh): two peers
# in network namespaces, chaos, a breaker, a budget burning, the level
# rising, recovery; in about a minute.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

bash "$DWCP_ROOT/scripts/deps.sh"
stock=$(bash "$DWCP_ROOT/scripts/fetch-stock-kernel.sh")
kver=$(stock_kver)
B=$DWCP_BUILD
mkdir -p "$B"
log "building dwcp_res.ko for $kver and a static resctl"
bash "$DWCP_ROOT/scripts/build-module.sh" "/usr/src/linux-headers-$kver" "$B/stock" >"$B/demo-build.log" 2>&1 ||
	{ cat "$B/demo-build.log"; die "module build failed"; }
make -s -C "$DWCP_ROOT/tools/resctl" OUT="$B/resctl" static
# dwcp_drive (a kselftest helper) plays the two peers of the demo.
make -s -C "$DWCP_ROOT/selftests/kselftest" OUT="$B/kselftest" \
	KSFT_DIR="$(linux_source_tree)/tools/testing/selftests" "$B/kselftest/dwcp_drive"

p=$B/payload-demo
rm -rf "$p"
mkdir -p "$p/bin"
cp "$B/stock/dwcp_res.ko" "$p/"
cp "$B/resctl/resctl.static" "$p/bin/resctl"
cp "$B/kselftest/dwcp_drive" "$p/bin/"
# The two peers' namespaces are joined by veth, a module in Debian's kernel.
cp "$stock/lib/modules/$kver/kernel/drivers/net/veth.ko" "$p/"
cp "$DWCP_ROOT/scripts/demo-guest.sh" "$p/demo.sh"
jobs=$(mktemp)
trap 'rm -f "$jobs"' EXIT
echo "demo sh /dwcp/demo.sh" >"$jobs"
bash "$DWCP_ROOT/selftests/vm/run-vm.sh" --name demo --kernel "$stock/boot/vmlinuz-$kver" \
	--payload "$p" --jobs "$jobs" --out "$B/demo" --timeout 300
sed -n '/^# dwcp-job-begin demo/,/^# dwcp-job-end demo/{/^# dwcp-job/d;p}' "$B/demo/demo.results" |
	tr -d '\r'
grep -q '== demo done ==' "$B/demo/demo.results" ||
	die "the demo did not finish; console log: $B/demo/demo.console"
