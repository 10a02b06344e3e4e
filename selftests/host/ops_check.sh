#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# ops_check.sh KVER [MODDIR]: what an operator installs, checked on the
# host (no VM): "make install" into a DESTDIR (every file where it belongs,
# PREFIX honoured, an existing /etc/dwcp_res.conf kept; "make install-tools"
# the same without the module, for DKMS users), the installed
# systemd units pass "systemd-analyze verify", the Prometheus rules pass
# "promtool check rules" and their unit tests "promtool test rules", the
# example config is version 1 JSON, and "dkms build" of the tree (dkms.conf)
# against /usr/src/linux-headers-KVER in a throwaway DKMS tree (--dkmstree,
# --sourcetree; signing off: the host's /var/lib/dkms is never touched)
# gives a dwcp_res.ko for KVER. MODDIR: an already built module for KVER
# (make install then does not rebuild it); resctl and the shim are built
# afresh in a temporary BUILD (PREFIX=/usr is compiled into resctl). Prints TAP 13; exit 1 if a test
# failed.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${1:?usage: ops_check.sh KVER [MODDIR]}
MODDIR=${2:-}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
. "$ROOT/selftests/host/tap.sh"

echo "TAP version 13"

# ---- make install ----------------------------------------------------------
D=$T/root
mkdir -p "$D/etc"
echo '{"version": 1}' >"$D/etc/dwcp_res.conf"	# an operator's file: kept
args=(DESTDIR="$D" PREFIX=/usr KVER="$KVER" KDIR="/usr/src/linux-headers-$KVER" BUILD="$T/build")
[ -n "$MODDIR" ] && args+=(MODDIR="$MODDIR")
if make -s -C "$ROOT" "${args[@]}" install >"$T/install.log" 2>&1; then
	ok make_install_destdir 0
else
	ok make_install_destdir 1 "make install failed:"; diag "$T/install.log"
fi
missing=()
for f in "lib/modules/$KVER/extra/dwcp_res.ko" usr/sbin/resctl \
	usr/lib/dwcp_res/libdwcp_res_preload.so usr/share/man/man8/resctl.8 \
	usr/share/bash-completion/completions/resctl \
	usr/lib/systemd/system/dwcp-res.service usr/lib/systemd/system/dwcp-res-metrics.service \
	usr/lib/systemd/system/dwcp-res-metrics.timer \
	usr/share/doc/dwcp_res/dwcp_res.conf.example usr/share/doc/dwcp_res/modprobe.d/dwcp_res.conf \
	usr/share/doc/dwcp_res/admin-guide.rst \
	usr/share/dwcp_res/prometheus/dwcp_res.rules.yml; do
	[ -s "$D/$f" ] || missing+=("$f")
done
ok make_install_puts_every_file "${#missing[@]}" "${missing[@]/#/missing: }"
grep -qx '{"version": 1}' "$D/etc/dwcp_res.conf"
ok make_install_keeps_existing_config $? "make install overwrote /etc/dwcp_res.conf"
bad=$(grep -l '/usr/local\|@[A-Z]*@' "$D"/usr/lib/systemd/system/* 2>/dev/null)
ok units_take_prefix "$([ -z "$bad" ]; echo $?)" "not PREFIX=/usr: $bad"
strings "$D/usr/sbin/resctl" >"$T/strings" 2>/dev/null; grep -qx /usr/lib/dwcp_res/libdwcp_res_preload.so "$T/strings"
ok resctl_finds_installed_shim $? "resctl does not look for the shim under PREFIX=/usr"
if [ -s "$D/lib/modules/$KVER/extra/dwcp_res.ko" ]; then
	vm=$(modinfo -F vermagic "$D/lib/modules/$KVER/extra/dwcp_res.ko")
	ok installed_module_is_for_kver "$([ "${vm%% *}" = "$KVER" ]; echo $?)" "vermagic $vm"
else
	ok installed_module_is_for_kver 1 "no module"
fi
# DKMS users install everything but the module (admin guide): no module,
# no depmod, the rest all there.
E=$T/tools
if make -s -C "$ROOT" DESTDIR="$E" PREFIX=/usr BUILD="$T/build" install-tools >"$T/tools.log" 2>&1; then
	n_mod=$(find "$E" -name '*.ko' | wc -l)
	ok make_install_tools_without_module "$([ "$n_mod" = 0 ] && [ -s "$E/usr/sbin/resctl" ] &&
		[ -s "$E/usr/lib/systemd/system/dwcp-res.service" ]; echo $?)" \
		"$n_mod modules, resctl or units missing"
else
	ok make_install_tools_without_module 1 "make install-tools failed:"; diag "$T/tools.log"
fi

# ---- systemd ---------------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
	# verify needs the binaries the units run where they say: point them at
	# the DESTDIR copies (same units otherwise).
	mkdir -p "$T/units"
	for u in "$D"/usr/lib/systemd/system/*; do
		sed "s|/usr/sbin/resctl|$D/usr/sbin/resctl|g" "$u" >"$T/units/$(basename "$u")"
	done
	if SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no \
		"$T"/units/dwcp-res.service "$T"/units/dwcp-res-metrics.service \
		"$T"/units/dwcp-res-metrics.timer >"$T/verify.log" 2>&1 &&
		! grep -q "$T/units" "$T/verify.log"; then
		ok systemd_analyze_verify_units 0
	else
		ok systemd_analyze_verify_units 1 "systemd-analyze verify:"; diag "$T/verify.log"
	fi
	grep -q '^Type=oneshot$' "$T/units/dwcp-res.service" &&
		grep -q '^RemainAfterExit=yes$' "$T/units/dwcp-res.service" &&
		grep -q '^ExecStart=/sbin/modprobe dwcp_res$' "$T/units/dwcp-res.service" &&
		grep -q 'resctl apply /etc/dwcp_res.conf$' "$T/units/dwcp-res.service" &&
		grep -q -- '--format prometheus --output /var/lib/prometheus/node-exporter/dwcp_res.prom$' \
			"$T/units/dwcp-res-metrics.service"
	ok units_do_what_they_say $? "dwcp-res.service or dwcp-res-metrics.service lost a line"
	# systemd-analyze security: the exposure of each unit (0 best, 10
	# worst) stays at most what it was hardened to (before: 9.5 and 5.7).
	for u in dwcp-res.service:3.0 dwcp-res-metrics.service:2.0; do
		t=${u#*:}
		u=${u%%:*}
		sc=$(systemd-analyze security --offline=yes "$T/units/$u" 2>&1 |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		awk -v s="${sc:-99}" -v t="$t" 'BEGIN { exit !(s <= t) }'
		ok "security_exposure_${u%.service}_at_most_$t" $? "exposure ${sc:-unknown}"
		grep -q '^TimeoutStartSec=' "$T/units/$u"
		ok "${u%.service}_has_a_start_timeout" $? "no TimeoutStartSec in $u"
	done
else
	skip systemd_analyze_verify_units "no systemd-analyze"
	skip units_do_what_they_say "no systemd-analyze"
	skip security_exposure "no systemd-analyze"
fi

# ---- Prometheus rules --------------------------------------------------------
if command -v promtool >/dev/null; then
	promtool check rules "$ROOT/contrib/prometheus/dwcp_res.rules.yml" >"$T/pc.log" 2>&1
	ok promtool_check_rules $? "$(cat "$T/pc.log")"
	(cd "$ROOT/contrib/prometheus" && promtool test rules dwcp_res.rules.test.yml) >"$T/pt.log" 2>&1
	ok promtool_test_rules $? "$(tail -n 20 "$T/pt.log")"
	# Every metric the rules use is one resctl writes (Documentation/metrics.rst).
	unknown=$(grep -oE '(^|[^:_a-z])dwcp_res_[a-z_]*' "$ROOT/contrib/prometheus/dwcp_res.rules.yml" |
		sed 's/^[^d]//' | sort -u | while read -r m; do
			grep -q "^$m" "$ROOT/Documentation/metrics.rst" || echo "$m"; done)
	ok rules_use_documented_metrics "$([ -z "$unknown" ]; echo $?)" "not in metrics.rst: $unknown"
else
	skip promtool_check_rules "no promtool (Debian package prometheus)"
	skip promtool_test_rules "no promtool"
	skip rules_use_documented_metrics "no promtool"
fi

# ---- the example config ------------------------------------------------------
python3 -c 'import json, sys; c = json.load(open(sys.argv[1])); sys.exit(c.get("version") != 1)' \
	"$ROOT/contrib/dwcp_res.conf" 2>"$T/json.log"
ok example_config_is_version_1_json $? "$(cat "$T/json.log")"

# ---- dkms --------------------------------------------------------------------
ver=$(sed -n 's/^#define DWCP_RES_VERSION "\(.*\)"/\1/p' "$ROOT/kmod/version.h")
grep -qx "PACKAGE_VERSION=\"$ver\"" "$ROOT/dkms.conf"
ok dkms_conf_version_matches_module $? "dkms.conf PACKAGE_VERSION is not $ver"
if command -v dkms >/dev/null && [ -d "/usr/src/linux-headers-$KVER" ]; then
	src=$T/dkms-src/dwcp_res-$ver
	mkdir -p "$src" "$T/dkms-tree"
	cp -r "$ROOT/Kbuild" "$ROOT/dkms.conf" "$ROOT/kmod" "$ROOT/include" "$src/"
	# sign_file: a missing signer means no signing, so no MOK key is made
	# in /var/lib/dkms.
	if sign_file=/nonexistent dkms --dkmstree "$T/dkms-tree" --sourcetree "$T/dkms-src" \
		add -m dwcp_res -v "$ver" >"$T/dkms.log" 2>&1 &&
		sign_file=/nonexistent dkms --dkmstree "$T/dkms-tree" --sourcetree "$T/dkms-src" \
		build -m dwcp_res -v "$ver" -k "$KVER" \
		--kernelsourcedir "/usr/src/linux-headers-$KVER" >>"$T/dkms.log" 2>&1; then
		ko=$T/dkms-tree/dwcp_res/$ver/$KVER/$(uname -m)/module/dwcp_res.ko
		vm=$(modinfo -F vermagic "$ko" 2>/dev/null)
		name=$(modinfo -F name "$ko" 2>/dev/null)
		[ "${vm%% *}" = "$KVER" ] && [ "$name" = dwcp_res ]
		ok dkms_build_gives_the_module $? "ko $ko: name '$name' vermagic '$vm'"
	else
		ok dkms_build_gives_the_module 1 "dkms add/build failed:"; diag "$T/dkms.log"
	fi
else
	skip dkms_build_gives_the_module "no dkms or no /usr/src/linux-headers-$KVER"
fi

echo "1..$n"
[ $fails = 0 ]
