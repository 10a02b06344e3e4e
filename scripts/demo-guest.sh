#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo VM (Debian's stock 6.1 kernel): load dwcp_res and
# show it working through resctl and sysfs. Each step echoes its command.
D=${DWCP_DIR:-/dwcp}
run() { echo; echo "\$ $*"; "$@"; echo "(exit status $?)"; }
say() { echo; echo "== $* =="; }

say "dwcp_res demo on $(uname -sr)"
run resctl version
run insmod "$D/dwcp_res.ko" chaos_allowed=1
echo; dmesg | grep 'dwcp_res:' | sed 's/^\[[^]]*\] //'
run resctl version

say "the DWCP profile, loaded in every network namespace"
run resctl policy list
run resctl policy show consensus

say "a custom policy: start from sync, change a few values"
run resctl policy add backup base sync concurrent 8 queue 16 wait 2s slo 99%
run resctl policy set backup retries 2 retry-base 50ms
run resctl -j -p policy show backup

say "strict input: the kernel explains what is wrong"
run resctl policy set backup concurrent 0
run resctl policy set backup retry-cap 1ms
run resctl policy add 'bad/name'
run resctl policy set backup frobnicate 1

say "operator control of a circuit breaker"
run resctl breaker force-open backup
run cat /sys/kernel/dwcp_res/policies/backup/breaker
run resctl breaker enable backup
run resctl breaker show

say "chaos: off unless allowed at load and then enabled"
run resctl chaos inject backup error probability 10%
run resctl chaos inject backup latency probability 5% min 50ms max 200ms
run resctl chaos enable
run resctl chaos show
run resctl chaos clear
run resctl chaos disable

say "two peers: chaos opens the breaker toward one, the other is unaffected"
# One class per peer, so one breaker per peer. The fault is scoped to the
# peer 127.0.0.2; dwcp_drive sends 10 non-blocking messages over a pair
# connected through the address given (both are loopback addresses).
run resctl policy add peer-a base sync failures 3 open 1s probes 1
run resctl policy add peer-b base sync failures 3 open 1s probes 1
run "$D/bin/dwcp_drive" -a 127.0.0.2 -c peer-a -n 10
run "$D/bin/dwcp_drive" -a 127.0.0.1 -c peer-b -n 10
run resctl chaos enable
run resctl chaos inject peer-a partition value 30s peer 127.0.0.2
run "$D/bin/dwcp_drive" -a 127.0.0.2 -c peer-a -n 10
run "$D/bin/dwcp_drive" -a 127.0.0.1 -c peer-b -n 10
run resctl chaos show
run resctl breaker show peer-a
run resctl breaker show peer-b
echo; echo "# clear chaos; after the breaker's open time (1s) a probe closes it"
run resctl chaos clear
run sleep 2
run "$D/bin/dwcp_drive" -a 127.0.0.2 -c peer-a -n 10
run resctl breaker show peer-a
run resctl chaos disable
run resctl policy del peer-a
run resctl policy del peer-b

say "sysfs, one value per file"
run ls /sys/kernel/dwcp_res /sys/kernel/dwcp_res/policies/send
run cat /sys/kernel/dwcp_res/level /sys/kernel/dwcp_res/policies/send/rate

run resctl policy del backup
run rmmod dwcp_res
echo
echo "== demo done =="
