#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Clients nobody here wrote, against the loaded module, inside the test VM:
#  - genl-ctrl-list (Debian's libnl-utils) shows the dwcp_res family, each
#    of its operations (the header's commands but the events, by number)
#    and its "events" multicast group;
#  - a Python script on Debian's python3-pyroute2 (pyroute2_client.py)
#    lists the policies, sets one, sees a refusal, and receives the event.
# Both are bundled into the payload by scripts/check.sh (bundle-dynamic.sh,
# bundle-python.sh); the guest has no libc of its own, so the interpreter
# is linked to /lib64 and the libraries found through LD_LIBRARY_PATH.
# Prints TAP 13; the Python script's own TAP lines are nested under it.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko, bin/resctl,
# bin/genl-ctrl-list, bin/python3 + py/, tests/dwcp_res.h.
# Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
HDR=$D/tests/dwcp_res.h
n=0 fails=0
OUT=$(mktemp) ERR=$(mktemp)
trap 'rm -f "$OUT" "$ERR"' EXIT

echo "TAP version 13"
. "$(dirname "$0")/resctl_lib.sh"

if [ ! -x "$R" ] || [ ! -f "$KO" ] || [ ! -f "$HDR" ]; then
	echo "1..0 # SKIP no $R, $KO or $HDR"
	exit $KSFT_SKIP
fi
ld=$(ls "$D"/lib/ld-linux-*.so.* 2>/dev/null | head -n 1)
if [ -n "$ld" ]; then
	mkdir -p /lib64 && ln -sf "$ld" /lib64/
fi
export LD_LIBRARY_PATH=$D/lib
grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
if ! insmod "$KO"; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

# ---- genl-ctrl-list -----------------------------------------------------

# The header's request commands, as libnl prints op ids: "0x02".
awk '/^enum dwcp_res_cmd \{/ { on = 1; v = -1; next } on && /^\};/ { exit }
	on && /^\tDWCP_RES_CMD_/ { v++; if ($1 !~ /EVENT|UNSPEC|__/) printf "0x%02x\n", v }' \
	"$HDR" | sort >"$OUT.want"

t_genl() {
	if [ ! -x "$D/bin/genl-ctrl-list" ]; then
		diag "no $D/bin/genl-ctrl-list in the payload"
		return 1
	fi
	"$D/bin/genl-ctrl-list" --details >"$OUT" 2>"$ERR"
	rc=$? last="genl-ctrl-list --details"
	rc_is 0 &&
	out_re '^0x[0-9a-f]* dwcp_res version 1$' || return 1
	# The family's block: from its line to the next family.
	awk '/^0x/ { on = $2 == "dwcp_res"; next } on' "$OUT" >"$OUT.fam"
	sed -n 's/^ *op [a-zA-Z_]* (\(0x[0-9a-f]*\)).*/\1/p' "$OUT.fam" | sort >"$OUT.ops"
	if ! cmp -s "$OUT.want" "$OUT.ops"; then
		diag "ops differ from the header's commands (< header, > genl-ctrl-list):"
		diff "$OUT.want" "$OUT.ops" | sed 's/^/#   /'
		return 1
	fi
	grep -q '^ *grp events (0x[0-9a-f]*)$' "$OUT.fam" ||
		{ diag "no events group:"; sed 's/^/#   /' "$OUT.fam"; return 1; }
	# Mutating ops need a capability, reads do not: POLICY_GET has a dump.
	grep -q '^ *op [a-zA-Z_]* (0x02) <.*has_dump' "$OUT.fam" ||
		{ diag "op 0x02 (POLICY_GET) without has_dump"; return 1; }
	diag "$(grep -c ' op ' "$OUT.fam") ops, $(grep ' grp ' "$OUT.fam" | sed 's/^ *//')"
}
check genl_ctrl_list_shows_family_ops_group t_genl

# ---- pyroute2 -------------------------------------------------------------

t_pyroute2() {
	if [ ! -x "$D/bin/python3" ] || [ ! -d "$D/py" ]; then
		diag "no Python in the payload"
		return 1
	fi
	"$R" policy add kst_py base sync >/dev/null 2>&1 || { diag "policy add failed"; return 1; }
	PYTHONHOME=$D/py PYTHONDONTWRITEBYTECODE=1 "$D/bin/python3" -S \
		"$(dirname "$0")/pyroute2_client.py" "$HDR" kst_py >"$OUT" 2>"$ERR"
	rc=$? last="pyroute2_client.py"
	sed 's/^/    /' "$OUT"	# its own TAP, as a subtest
	[ -s "$ERR" ] && sed 's/^/#   stderr: /' "$ERR" | tail -n 15
	rc_is 0 && out_line "ok 3 dump_lists_policies" && out_line "ok 5 policy_set_read_back" &&
	out_line "ok 8 event_received" &&
	run -j policy show kst_py && out_has '"concurrent":77,' && run policy del kst_py
}
check pyroute2_lists_sets_receives_event t_pyroute2

rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ] || exit 1
exit 0
