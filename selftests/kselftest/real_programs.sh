#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Debian's own event-loop programs, unmodified, through "resctl exec" on
# both ends (Documentation/ulp.rst, "What programs see"), inside the test
# VM over loopback:
#  - the default profile leaves them alone: nginx under wrk (HTTP
#    keep-alive, epoll, sendfile), redis-server under redis-benchmark, and
#    curl against nginx see no error, the level stays normal and the
#    budgets of send and receive stay at 100 %, while the classes counted
#    their calls (so the shim did attach);
#  - under a rate set below the offered load, wrk slows down without an
#    error and without spinning (its CPU time stays a fraction of the run);
#  - with nginx's breaker forced open, and with a chaos partition on the
#    client's class, the programs see the documented errnos (nginx logs
#    "Connection refused"; wrk and curl count errors) and work again when
#    the fault ends.
# Prints TAP 13. Needs DWCP_DIR (default /dwcp) with dwcp_res.ko, bin/resctl
# and the bundle of selftests/vm/bundle-dynamic.sh (bin/nginx, bin/wrk,
# bin/redis-server, bin/redis-benchmark, bin/curl, lib/ with the shim).
# Reloads the module (chaos allowed) and unloads it at the end.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
SHIM=$D/lib/libdwcp_res_preload.so
PORT=8080
RPORT=6390
n=0 fails=0
T=$(mktemp -d)
trap 'kill $(cat "$T/nginx.pid" 2>/dev/null) 2>/dev/null; kill $rsrv 2>/dev/null; rm -rf "$T"' EXIT

echo "TAP version 13"

diag() { echo "# $*"; }
check() {
	n=$((n + 1))
	if "$2"; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		fails=$((fails + 1))
	fi
}
show() { sed "s/^/#   $1: /" "$2" | head -n 30; }

for b in nginx wrk redis-server redis-benchmark curl; do
	if [ ! -x "$D/bin/$b" ]; then
		echo "1..0 # SKIP needs $D/bin/$b (selftests/vm/bundle-dynamic.sh)"
		exit $KSFT_SKIP
	fi
done
if [ ! -x "$R" ] || [ ! -f "$KO" ] || [ ! -f "$SHIM" ]; then
	echo "1..0 # SKIP needs $R, $KO and $SHIM"
	exit $KSFT_SKIP
fi
for ld in "$D"/lib/ld-linux*.so*; do
	[ -e "$ld" ] || continue
	mkdir -p /lib64 && ln -sf "$ld" /lib64/
done
export LD_LIBRARY_PATH=$D/lib DWCP_RES_PRELOAD=$SHIM
# nginx's workers switch to the "user" of its config: NSS reads /etc.
[ -e /etc/passwd ] || echo 'root:x:0:0:root:/root:/bin/sh' >/etc/passwd
[ -e /etc/group ] || echo 'root:x:0:' >/etc/group

grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
if ! insmod "$KO" chaos_allowed=1; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

# pstat POLICY GROUP KEY: one stats counter of "resctl -j policy show".
pstat() {
	"$R" -j policy show "$1" 2>/dev/null | sed 's/.*"stats"://' |
		sed "s/.*\"$2\":{//" | grep -o "\"$3\":[0-9]*" | head -n 1 | cut -d: -f2
}
level() { "$R" -j degrade show 2>/dev/null | grep -o '"level":"[a-z_]*"' | cut -d'"' -f4; }

mkdir -p "$T/www" "$T/tmp"
head -c 4096 /dev/zero | tr '\0' 'x' >"$T/www/index.html"
cat >"$T/nginx.conf" <<EOF
user root;
worker_processes 2;
daemon on;
pid $T/nginx.pid;
error_log $T/error.log info;
events { worker_connections 512; use epoll; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 100000;
	client_body_temp_path $T/tmp/body;
	proxy_temp_path $T/tmp/proxy;
	fastcgi_temp_path $T/tmp/fastcgi;
	uwsgi_temp_path $T/tmp/uwsgi;
	scgi_temp_path $T/tmp/scgi;
	server {
		listen 127.0.0.1:$PORT reuseport;
		root $T/www;
	}
}
EOF

# nginx CLASS: (re)start nginx through resctl exec (CLASS "": the defaults).
nginx_up() {
	if [ -e "$T/nginx.pid" ]; then
		old=$(cat "$T/nginx.pid")
		kill -QUIT "$old" 2>/dev/null
		i=0	# its workers finish their connections and go
		while kill -0 "$old" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
		while pidof nginx >/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	fi
	: >"$T/error.log"
	if [ -n "$1" ]; then
		"$R" exec --class "$1" -- "$D/bin/nginx" -e "$T/error.log" -p "$T" -c "$T/nginx.conf"
	else
		"$R" exec -- "$D/bin/nginx" -e "$T/error.log" -p "$T" -c "$T/nginx.conf"
	fi
	i=0
	while ! "$D/bin/curl" -s -o /dev/null "http://127.0.0.1:$PORT/" && [ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}

# wrk OUT SECONDS [resctl exec options]: wrk through the shim, 2 threads, 8 connections.
wrk_run() {
	out=$1 secs=$2
	shift 2
	time -o "$out.time" "$R" exec "$@" -- "$D/bin/wrk" -t2 -c8 -d"${secs}s" \
		"http://127.0.0.1:$PORT/index.html" >"$out" 2>&1
}
# cpu_ms FILE: user + sys of busybox time's output ("user<TAB>0m 0.05s").
cpu_ms() {
	awk '/^(user|sys)/ { sub("m", "", $2); sub("s", "", $3); c += $2 * 60 + $3 }
	     END { printf "%d", c * 1000 }' "$1"
}
wrk_reqs() { awk '/requests in/ { print $1 }' "$1"; }
wrk_errors() { # socket errors plus non-2xx responses
	awk '/Socket errors/ { gsub(",", ""); e = $4 + $6 + $8 + $10 }
	     /Non-2xx/ { e += $NF } END { print e + 0 }' "$1"
}

t_defaults_leave_nginx_and_wrk_alone() {
	nginx_up ""
	s0=$(pstat send calls admitted) r0=$(pstat receive calls admitted)
	wrk_run "$T/wrk1" 3
	s1=$(pstat send calls admitted) r1=$(pstat receive calls admitted)
	diag "wrk: $(wrk_reqs "$T/wrk1") requests, $(wrk_errors "$T/wrk1") errors; send admitted $s0 -> $s1, receive $r0 -> $r1"
	diag "level $(level); budgets send $(pstat send state budget_remaining_ppm) receive $(pstat receive state budget_remaining_ppm) ppm"
	ok=true
	# Traffic flowed (how much is the benchmark's business: a debug guest
	# sharing the host with three others did 99 requests in 3 s).
	[ "$(wrk_reqs "$T/wrk1")" -gt 10 ] || ok=false
	[ "$(wrk_errors "$T/wrk1")" = 0 ] || ok=false
	[ $((s1 - s0)) -gt 20 ] && [ $((r1 - r0)) -gt 20 ] || ok=false
	[ "$(level)" = normal ] || ok=false
	[ "$(pstat send state budget_remaining_ppm)" = 1000000 ] || ok=false
	[ "$(pstat receive state budget_remaining_ppm)" = 1000000 ] || ok=false
	[ "$(pstat receive results failure)" = 0 ] && [ "$(pstat send results failure)" = 0 ] || ok=false
	if grep -q 'failed' "$T/error.log"; then ok=false; fi
	$ok || { show wrk "$T/wrk1"; show nginx "$T/error.log"; }
	$ok
}

t_curl_through_the_shim() {
	ok=true
	for i in 1 2 3 4 5 6 7 8 9 10; do
		c=$("$R" exec -- "$D/bin/curl" -s -o /dev/null -w '%{http_code}' \
			"http://127.0.0.1:$PORT/index.html")
		[ "$c" = 200 ] || { diag "curl $i: $c"; ok=false; }
	done
	$ok
}

t_defaults_leave_redis_alone() {
	"$R" exec -- "$D/bin/redis-server" --port $RPORT --bind 127.0.0.1 --save '' \
		--appendonly no --daemonize no >"$T/redis.log" 2>&1 &
	rsrv=$!
	i=0
	while ! timeout 5 "$D/bin/redis-benchmark" -p $RPORT -n 1 -t ping -q >/dev/null 2>&1 &&
		[ $i -lt 50 ]; do
		sleep 0.2
		i=$((i + 1))
	done
	f0=$(pstat receive results failure)
	# 300 of each: enough to see errors and failures; how fast is the
	# benchmark's business (a debug guest sharing two host cores with five
	# others ran 13 requests/s, and 1000 of each outlived a 120 s timeout).
	timeout 300 "$R" exec -- "$D/bin/redis-benchmark" -p $RPORT -c 8 -n 300 -t set,get -q \
		>"$T/rb" 2>&1
	rc=$?
	[ $rc = 124 ] && diag "redis-benchmark: still running after 300 s"
	diag "redis-benchmark: $(tr '\r' '\n' <"$T/rb" | grep -E '^(SET|GET): .*per second' | tr '\n' ' ')"
	kill $rsrv 2>/dev/null
	wait $rsrv 2>/dev/null
	ok=true
	[ $rc = 0 ] || ok=false
	[ "$(tr '\r' '\n' <"$T/rb" | grep -cE '^(SET|GET): .*requests per second')" = 2 ] || ok=false
	if grep -qi 'error' "$T/rb"; then ok=false; fi
	[ "$(pstat receive results failure)" = "$f0" ] || ok=false
	# The level says whether the service is fast enough for the receive
	# class's 100 ms target. A guest that itself answers slower than half
	# of it (a debug kernel beside five other guests: p50 317 ms once) runs
	# a slow service, and degrading is then right: nothing to judge.
	p50=$(tr '\r' '\n' <"$T/rb" | sed -n 's/.*p50=\([0-9]*\)\..*/\1/p' | sort -n | tail -n 1)
	if [ "${p50:-0}" -gt 50 ]; then
		diag "level $(level) not judged: redis answered in ${p50} ms (p50)"
	elif [ "$(level)" != normal ]; then
		ok=false
	fi
	$ok || diag "exit $rc; level $(level); receive failures $f0 -> $(pstat receive results failure)"
	$ok || { show redis-benchmark "$T/rb"; show redis-server "$T/redis.log"; }
	$ok
}

# A rate far below what wrk offers: slower, no error, no spinning.
t_limit_slows_without_errors_or_spinning() {
	"$R" policy del kst_rp_slow >/dev/null 2>&1
	"$R" policy add kst_rp_slow base send rate-limit on adaptive off rate 100/s burst 5 || return 1
	wrk_run "$T/wrk2" 3 --send-class kst_rp_slow
	reqs=$(wrk_reqs "$T/wrk2") errs=$(wrk_errors "$T/wrk2")
	cpu=$(cpu_ms "$T/wrk2.time") cpu1=$(cpu_ms "$T/wrk1.time")
	rej=$(pstat kst_rp_slow rejected rate)
	diag "limited wrk: $reqs requests, $errs errors, $rej rate refusals, $cpu ms CPU in 3 s (unlimited: $cpu1 ms)"
	ok=true
	[ "$errs" = 0 ] || ok=false
	# 100 sends/s for 3 s, and one send per request: at most ~305.
	[ "$reqs" -gt 10 ] && [ "$reqs" -le 330 ] || ok=false
	# No spinning: each slot wakes the 8 connections once, so at most
	# about 8 refusals per slot (a spinning loop makes them by the ten
	# thousand), and wrk's CPU time stays within half again of what it used
	# running free in test 1 (on the debug kernel even that run is CPU
	# bound: the refusals are the sharper measure).
	[ "$rej" -le $((8 * 330)) ] || ok=false
	[ "$cpu" -le $((cpu1 * 3 / 2)) ] || ok=false
	$ok || { show wrk "$T/wrk2"; show time "$T/wrk2.time"; }
	"$R" policy del kst_rp_slow >/dev/null 2>&1
	$ok
}

# curl_code CLASS: one GET through the shim with CLASS; prints the HTTP code.
curl_code() {
	"$R" exec --class "$1" -- "$D/bin/curl" -sS -o /dev/null -w '%{http_code}' \
		--max-time 5 "http://127.0.0.1:$PORT/index.html" 2>>"$T/curl.err"
}
# counters POLICY: a line of its results and rejections, for diagnostics.
counters() {
	echo "$1: failure $(pstat "$1" results failure) ignored $(pstat "$1" results ignored)" \
	     "rejected breaker $(pstat "$1" rejected breaker) chaos $(pstat "$1" rejected chaos)"
}

# nginx's breaker forced open: refused requests, logged; closed again: well.
# wrk has a class of its own: the connections nginx refuses are its
# dependency failing, and its breaker opens (for 1 s: "open 1s"), as it
# should; five requests through it close it again (half-open probes).
# Those failures also burn the namespace's budget, and the level may rise
# and shed wrk's class (ECANCELED) until it steps down, minutes later
# (degrade.sh and engine.sh test that): the level is pinned to normal here,
# so that what is measured is the programs against the breaker.
t_breaker_open_then_recovers() {
	"$R" degrade set normal
	for c in kst_rp_srv kst_rp_wrk; do "$R" policy del $c >/dev/null 2>&1; done
	"$R" policy add kst_rp_srv base send || return 1
	"$R" policy add kst_rp_wrk base send open 1s || return 1
	nginx_up kst_rp_srv
	"$R" breaker force-open kst_rp_srv
	wrk_run "$T/wrk3" 2 --class kst_rp_wrk
	e3=$(wrk_errors "$T/wrk3")
	"$R" breaker enable kst_rp_srv
	refused=$(grep -c 'Connection refused' "$T/error.log")
	sleep 1.5
	codes=$(for i in 1 2 3 4 5; do curl_code kst_rp_wrk; echo; done | tr '\n' ' ')
	diag "after the breaker closed: curl $codes; $(counters kst_rp_wrk)"
	diag "$("$R" breaker show kst_rp_wrk 2>&1 | tr '\n' ' ')"
	wrk_run "$T/wrk4" 2 --class kst_rp_wrk
	e4=$(wrk_errors "$T/wrk4") r4=$(wrk_reqs "$T/wrk4")
	diag "breaker open: wrk errors $e3, nginx logged $refused refusals; closed: $r4 requests, $e4 errors"
	ok=true
	[ "$e3" -gt 0 ] && [ "$refused" -gt 0 ] || ok=false
	# Traffic flows again without errors; how much is the guest's business
	# (a debug guest beside six others served 8 requests in 2 s once).
	[ "$e4" = 0 ] && [ "$r4" -gt 0 ] || ok=false
	[ "$(pstat receive results failure)" = 0 ] || ok=false	# nobody else's
	$ok || { show wrk-open "$T/wrk3"; show wrk-closed "$T/wrk4"; show nginx "$T/error.log"
		 diag "$(counters kst_rp_srv)"; diag "$(counters kst_rp_wrk)"; diag "$(counters receive)"
		 show curl "$T/curl.err"; }
	nginx_up ""
	for c in kst_rp_srv kst_rp_wrk; do "$R" policy del $c >/dev/null 2>&1; done
	"$R" degrade auto
	$ok
}

# A partition on the client's class: curl fails (EHOSTUNREACH), then works.
t_partition_then_recovers() {
	"$R" policy del kst_rp_cli >/dev/null 2>&1
	"$R" policy add kst_rp_cli base send || return 1
	"$R" degrade set normal		# as above
	"$R" chaos enable
	"$R" chaos inject kst_rp_cli partition probability 100% value 30s
	c1=$(curl_code kst_rp_cli)
	rc1=$?
	"$R" chaos clear
	"$R" chaos disable
	c2=$(curl_code kst_rp_cli)
	diag "partition: curl exit $rc1 code $c1; after: code $c2"
	[ "$c2" = 200 ] || { diag "$(counters kst_rp_cli)"; diag "$(counters receive)"; show curl "$T/curl.err"; }
	"$R" policy del kst_rp_cli >/dev/null 2>&1
	"$R" degrade auto
	[ $rc1 = 56 ] || [ $rc1 = 55 ] || [ $rc1 = 7 ] || return 1
	[ "$c2" = 200 ]
}

check defaults_leave_nginx_and_wrk_alone t_defaults_leave_nginx_and_wrk_alone
check curl_through_the_shim t_curl_through_the_shim
check defaults_leave_redis_alone t_defaults_leave_redis_alone
check limit_slows_without_errors_or_spinning t_limit_slows_without_errors_or_spinning
check breaker_open_then_recovers t_breaker_open_then_recovers
check partition_then_recovers t_partition_then_recovers

kill "$(cat "$T/nginx.pid" 2>/dev/null)" 2>/dev/null
sleep 1
rmmod dwcp_res 2>/dev/null
echo "1..$n"
[ $fails -eq 0 ]
