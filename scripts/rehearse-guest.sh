#!/bin/bash
# rehearse-guest.sh: the guest side of scripts/rehearse.sh, run as root by
# dwcp-rehearse.service on the fresh Debian 12 VM, from the payload disk
# (/mnt/rehearse: install.cmds, dkms.cmds, metrics.cmds, extracted from the
# admin guide; dwcp_res.bundle, the clone of HEAD).
#
# Phase 1 runs each command of the guide exactly as written, in one shell
# (so "cd dwcp_res" holds for the next ones), then checks what the guide
# promises: the module loaded, resctl works, node_exporter serves dwcp_res_
# series, "resctl exec" puts a TCP connection under a policy. Phase 2, after
# a reboot, checks that dwcp-res.service loaded the module and applied
# /etc/dwcp_res.conf at boot. TAP on ttyS1, every command's output as
# comments; state survives the reboot in /var/lib/dwcp-rehearse.
set -u
P=/mnt/rehearse
S=/var/lib/dwcp-rehearse
exec 3>/dev/ttyS1
mkdir -p "$S"
n=$(cat "$S/n" 2>/dev/null || echo 0)
fail=$(cat "$S/fail" 2>/dev/null || echo 0)
phase=$(cat "$S/phase" 2>/dev/null || echo 1)

tap() { # RC DESCRIPTION
	n=$((n + 1))
	echo "$n" >"$S/n"
	if [ "$1" = 0 ]; then
		echo "ok $n - $2" >&3
	else
		fail=$((fail + 1))
		echo "$fail" >"$S/fail"
		echo "not ok $n - $2 (exit $1)" >&3
	fi
}

# run CMD: one command of the guide, in this shell, its output as comments.
run() {
	local rc t0=$SECONDS
	echo "# \$ $1" >&3
	eval "$1" >"$S/step.log" 2>&1 </dev/null
	rc=$?
	sed 's/^/#   /' "$S/step.log" >&3
	echo "#   ($((SECONDS - t0)) s)" >&3
	tap "$rc" "$1"
}

# check DESCRIPTION CMD...: one check of the rehearsal itself.
check() {
	local d=$1 rc
	shift
	echo "# check: $d" >&3
	"$@" >"$S/step.log" 2>&1 </dev/null
	rc=$?
	sed 's/^/#   /' "$S/step.log" >&3
	tap "$rc" "$d"
}

block() { # NAME: every command of P/NAME.cmds
	local c
	echo "# phase $phase: the guide's $1 block" >&3
	while IFS= read -r c; do
		run "$c"
	done <"$P/$1.cmds"
}

http_get() { # PORT PATH: GET from localhost with bash alone (no curl on a minimal host)
	exec 5<>"/dev/tcp/127.0.0.1/$1" || return 1
	printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "$2" >&5
	cat <&5
	exec 5<&-
}

wait_prom() {
	local f=/var/lib/prometheus/node-exporter/dwcp_res.prom
	for _ in $(seq 60); do
		grep -q '^dwcp_res_' "$f" 2>/dev/null && break
		sleep 1
	done
	ls -l "$f" && grep -c '^dwcp_res_' "$f" && grep -m3 '^dwcp_res_' "$f"
}

node_exporter_serves() {
	local body
	body=$(http_get 9100 /metrics) || return 1
	grep -m3 '^dwcp_res_' <<<"$body" || return 1
	echo "$(grep -c '^dwcp_res_' <<<"$body") dwcp_res_ lines on :9100/metrics"
}

admitted() { # POLICY: its dwcp_res_admitted_total
	resctl metrics "$1" --format prometheus | awk '/^dwcp_res_admitted_total/ { print $2; exit }'
}

# The README's "Protecting traffic": an unmodified program under resctl exec.
traffic_counted() {
	local before after
	before=$(admitted sync)
	resctl exec --class sync -- bash -c \
		'exec 3<>/dev/tcp/deb.debian.org/80 && printf "HEAD /debian/ HTTP/1.1\r\nHost: deb.debian.org\r\nConnection: close\r\n\r\n" >&3 && head -n1 <&3' ||
		return 1
	after=$(admitted sync)
	echo "sync admitted: before ${before:-none}, after ${after:-none}"
	[ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ]
}

export HOME=/root DEBIAN_FRONTEND=noninteractive
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cd /root || exit 1

case $phase in
1)
	echo "# dwcp_res rehearsal on $(uname -r), $(. /etc/os-release; echo "$PRETTY_NAME")" >&3
	# Standing in for the newcomer answering "Y" to apt-get's question.
	echo 'APT::Get::Assume-Yes "true";' >/etc/apt/apt.conf.d/90rehearse
	block install
	check "the module is loaded" grep -w '^dwcp_res' /proc/modules
	check "dwcp-res.service is active" systemctl is-active dwcp-res.service
	check "resctl policy list shows the DWCP profile" \
		sh -c 'resctl policy list | tee /dev/stderr | grep -qw consensus'
	block dkms
	check "dkms status: installed, no warning" \
		bash -c 'out=$(dkms status -m dwcp_res -k "$(uname -r)") && echo "$out" &&
			grep -q ": installed" <<<"$out" && ! grep -qi warning <<<"$out"'
	check "modinfo finds the DKMS build first" \
		sh -c 'modinfo -n dwcp_res | tee /dev/stderr | grep -q /updates/dkms/'
	block metrics
	check "dwcp-res-metrics.timer writes dwcp_res.prom" wait_prom
	check "node_exporter serves dwcp_res_ series on :9100" node_exporter_serves
	check "resctl exec --class sync: a TCP connection is counted" traffic_counted
	echo 2 >"$S/phase"
	echo "# phase 1 done: rebooting" >&3
	sync
	systemctl reboot
	;;
2)
	echo "# phase 2: after the reboot" >&3
	check "dwcp-res.service is active after boot" systemctl is-active dwcp-res.service
	check "resctl status" resctl status
	check "/etc/dwcp_res.conf was applied at boot (policy bulk)" resctl policy show bulk
	check "the file and the kernel agree (apply --check: all unchanged)" \
		bash -c 'out=$(resctl apply --check /etc/dwcp_res.conf) && echo "$out" && ! grep -Ewq "add|change|delete" <<<"$out"'
	check "the module loaded at boot is the DKMS build" \
		bash -c 'grep -q /updates/dkms/ <<<"$(modinfo -n dwcp_res)" && grep -w "^dwcp_res" /proc/modules'
	check "node_exporter still serves dwcp_res_ series" node_exporter_serves
	echo "1..$n" >&3
	echo "# $((n - fail)) passed, $fail failed" >&3
	echo finished >"$S/phase"
	sync
	systemctl poweroff
	;;
*)
	systemctl poweroff
	;;
esac
