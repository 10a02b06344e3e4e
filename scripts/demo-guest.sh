#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo VM (Debian's stock 6.1 kernel): the whole story in
# about a minute. Two DWCP peers, each in its own network namespace joined
# by a veth pair: A sends protected traffic (ULP "dwcp", class "to-b") to
# B. Chaos on A's link fails calls: A's breaker toward B opens, A's error
# budget burns, the burn-rate alert fires and A's degradation level rises
# (low-priority traffic is shed). Chaos is cleared: a probe closes the
# breaker, the alert clears, the level steps back down. "resctl status"
# snapshots along the way and a metrics summary at the end. Each step
# echoes its command; "A$ " runs in peer A's namespace.
D=${DWCP_DIR:-/dwcp}
PATH=$D/bin:$PATH
say() { echo; echo "== $* =="; }
run() { echo "\$ $*"; "$@"; }
inA() { echo "A\$ $*"; nsenter -t "$A" -n "$@"; }
qA() { nsenter -t "$A" -n "$@"; }	# quiet: polling
inB() { echo "B\$ $*"; nsenter -t "$B" -n "$@"; }
level() { qA resctl degrade show | sed -n 's/^level //p'; }
# wait_level LEVEL SECONDS: poll A's level, quietly.
wait_level() {
	t0=$(date +%s)
	while [ "$(level)" != "$1" ] && [ $(($(date +%s) - t0)) -lt "$2" ]; do
		sleep 0.2
	done
	echo "# A's level: $(level), after about $(($(date +%s) - t0))s"
}
# drive ARGS: dwcp_drive in A toward B, never hanging the demo.
drive() { echo "A\$ dwcp_drive -r 10.77.0.2:7000 $*"; nsenter -t "$A" -n timeout 20 dwcp_drive -r 10.77.0.2:7000 "$@"; }
A="" B="" S=""
trap 'kill $S $A $B 2>/dev/null' EXIT

say "dwcp_res demo on $(uname -sr)"
insmod "$D/veth.ko" 2>/dev/null	# the stock kernel has veth as a module
run insmod "$D/dwcp_res.ko" chaos_allowed=1
run resctl version

say "1. two peers, each in its own network namespace, joined by veth"
unshare -n sleep 3600 &
A=$!
unshare -n sleep 3600 &
B=$!
i=0
while [ "$(readlink /proc/$A/ns/net)" = "$(readlink /proc/self/ns/net)" ] ||
      [ "$(readlink /proc/$B/ns/net)" = "$(readlink /proc/self/ns/net)" ]; do
	sleep 0.1
	i=$((i + 1))
	[ $i -lt 100 ] || { echo "namespaces did not come up"; exit 1; }
done
run ip link add va type veth peer name vb
# busybox ip may name the peer itself: take whatever is paired with va.
vb=$(ip link show | sed -n 's/^[0-9]*: \([^@:]*\)@va.*/\1/p' | head -n 1)
[ -n "$vb" ] || vb=vb
run ip link set va netns "$A"
run ip link set "$vb" netns "$B"
inA ip addr add 10.77.0.1/24 dev va
inA ip link set va up
inB ip addr add 10.77.0.2/24 dev "$vb"
inB ip link set "$vb" up
inA ping -c 1 -W 2 10.77.0.2 | grep -E 'transmitted|bytes from'
# B is the receiving peer: a persistent server that reads everything.
printf '#!/bin/sh\nexec cat >/dev/null\n' >/tmp/sink
chmod +x /tmp/sink
nsenter -t "$B" -n nc -ll -p 7000 -e /tmp/sink &
S=$!
sleep 0.5
echo "# every namespace has its own policies and engine; B's are untouched below"
echo "# to-b: the breaker opens when half of the last 20 calls failed"
inA resctl policy add to-b base sync breaker-mode count window 20 min-calls 20 failure-rate 50% open 2s probes 1
inA resctl policy add bulk base send priority low
echo "# short windows so the story fits in a minute (as engine.sh does)"
inA resctl slo set to-b target 99% window 4s buckets 4 min-events 10
inA resctl slo set system target 99% window 4s buckets 4 min-events 10
inA resctl degrade triggers enabled budget,health tick 100ms window 2s dwell 2s up-dwell 0s
drive -c to-b -n 50
inA resctl status

say "2. chaos on A's link to B: calls fail, the breaker opens"
inA resctl chaos enable
inA resctl chaos inject to-b error probability 60% value EIO
drive -c to-b -n 200
inA resctl breaker show to-b

say "3. the budget burns, the alert fires, the level rises"
inA resctl -j slo show to-b | tr ',' '\n' | grep -E '"(remaining_ppm|alerts|burn_fast_long_x1000)"'
wait_level severely_degraded 8
echo "# severely degraded sheds priorities below high: bulk is low"
drive -c bulk -n 5
inA resctl status
echo "# B, in its own namespace, is normal:"
inB resctl status | sed -n '/^engine/,/^POLICY/p'

say "4. chaos cleared: a probe closes the breaker, the level steps down"
inA resctl chaos clear
inA resctl chaos disable
run sleep 2.5
drive -c to-b -n 40
inA resctl breaker show to-b
wait_level normal 30
drive -c bulk -n 5
inA resctl status

say "5. the metrics a fleet scrapes (resctl metrics --format prometheus), excerpt"
qA resctl metrics --format prometheus |
	grep -E '^dwcp_res_(breaker_transitions_total|rejected_total|calls_total|degradation_changes_total|budget_alerts_fired_total)\{?' |
	grep -E 'policy="(to-b|bulk)"|budget="(to-b|system)"|^dwcp_res_degradation' | grep -v ' 0$'
qA resctl metrics --format prometheus | grep -E '^dwcp_res_degradation_(level|seconds_total)'
echo "# dump-config: the running state as a boot-time config file (first lines)"
qA resctl dump-config | head -n 12

kill $S $A $B 2>/dev/null
run rmmod dwcp_res
echo
echo "== demo done =="
