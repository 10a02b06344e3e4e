#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make bench, in the guest: Debian's wrk against Debian's nginx over
# loopback, plain and with the preload shim and the ULP on both ends
# (resctl exec, the default profile), in the same guest. Two nginx run side
# by side (plain on one port, through the shim on another); ROUNDS rounds
# of one wrk run of each, the order alternating (A B, B A, ...). A round's
# ratio is ULP requests/s over plain requests/s; BENCH http_ratio is the
# median of the rounds' ratios, _min and _max their spread.
# Needs what real_programs.sh needs (bin/nginx, bin/wrk, lib/ with the shim).
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
ROUNDS=${HTTP_BENCH_ROUNDS:-7}
SECS=${HTTP_BENCH_SECS:-3}
T=$(mktemp -d)
trap 'for f in "$T"/*.pid; do kill "$(cat "$f")" 2>/dev/null; done; rm -rf "$T"' EXIT

for b in nginx wrk; do
	[ -x "$D/bin/$b" ] || { echo "# http_bench: no $D/bin/$b: skipped"; exit 0; }
done
for ld in "$D"/lib/ld-linux*.so*; do
	[ -e "$ld" ] || continue
	mkdir -p /lib64 && ln -sf "$ld" /lib64/
done
export LD_LIBRARY_PATH=$D/lib DWCP_RES_PRELOAD=$D/lib/libdwcp_res_preload.so
[ -e /etc/passwd ] || echo 'root:x:0:0:root:/root:/bin/sh' >/etc/passwd
[ -e /etc/group ] || echo 'root:x:0:' >/etc/group
grep -q '^dwcp_res ' /proc/modules || insmod "$KO" || exit 1

mkdir -p "$T/www"
head -c 4096 /dev/zero | tr '\0' 'x' >"$T/www/index.html"
conf() { # NAME PORT
	mkdir -p "$T/$1"
	cat >"$T/$1/nginx.conf" <<EOF
user root;
worker_processes 2;
daemon on;
pid $T/$1.pid;
error_log $T/$1/error.log;
events { worker_connections 512; use epoll; }
http {
	access_log off;
	sendfile on;
	keepalive_requests 1000000;
	client_body_temp_path $T/$1/body;
	proxy_temp_path $T/$1/proxy;
	fastcgi_temp_path $T/$1/fastcgi;
	uwsgi_temp_path $T/$1/uwsgi;
	scgi_temp_path $T/$1/scgi;
	server { listen 127.0.0.1:$2; root $T/www; }
}
EOF
}
conf plain 8081
conf ulp 8082
"$D/bin/nginx" -e "$T/plain/error.log" -p "$T/plain" -c "$T/plain/nginx.conf" || exit 1
"$R" exec -- "$D/bin/nginx" -e "$T/ulp/error.log" -p "$T/ulp" -c "$T/ulp/nginx.conf" || exit 1
sleep 1

rps() { # MODE: one wrk run's requests/s
	if [ "$1" = plain ]; then
		"$D/bin/wrk" -t2 -c8 -d"${SECS}s" http://127.0.0.1:8081/index.html
	else
		"$R" exec -- "$D/bin/wrk" -t2 -c8 -d"${SECS}s" http://127.0.0.1:8082/index.html
	fi | awk '/Requests\/sec/ { print $2 } /Socket errors|Non-2xx/ { print "# " $0 >"/dev/stderr" }'
}

rps plain >/dev/null	# warm both up
rps ulp >/dev/null
i=1
while [ $i -le "$ROUNDS" ]; do
	if [ $((i % 2)) = 1 ]; then a=$(rps plain); b=$(rps ulp); else b=$(rps ulp); a=$(rps plain); fi
	echo "$i $a $b" | awk '{ printf "# round %d plain %.0f req/s ulp %.0f req/s ratio %.3f\n", $1, $2, $3, $3 / $2 }'
	echo "$a $b" >>"$T/rounds"
	i=$((i + 1))
done
sort -n "$T/rounds" | awk '{ print $1 }' >"$T/a"
awk '{ print $2 }' "$T/rounds" | sort -n >"$T/b"
awk '{ print $2 / $1 }' "$T/rounds" | sort -n >"$T/r"
med() { awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }' "$1"; }
echo "BENCH http_rps_plain $(med "$T/a") req/s"
echo "BENCH http_rps_ulp $(med "$T/b") req/s"
echo "BENCH http_ratio $(med "$T/r") ratio"
echo "BENCH http_ratio_min $(head -n 1 "$T/r") ratio"
echo "BENCH http_ratio_max $(tail -n 1 "$T/r") ratio"
echo "BENCH http_ulp_error_log $(grep -c . "$T/ulp/error.log") lines"
