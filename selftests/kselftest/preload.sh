#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Unmodified programs under dwcp_res, inside the test VM: iperf3 (Debian's,
# dynamically linked) runs as server and client over loopback through
# "resctl exec --class sync", the LD_PRELOAD shim attaches the ULP to its
# connected and accepted sockets, and the sync policy's counters rise.
# Also: "resctl exec" with an unknown class, a missing shim or no program
# fails before the program starts. Prints TAP 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko, bin/resctl and the
# bundle of selftests/vm/bundle-dynamic.sh: bin/iperf3 and lib/ (the shim
# libdwcp_res_preload.so, the libraries and the ELF interpreter). The guest
# has no libc: the interpreter is linked to /lib64 here and the libraries
# found through LD_LIBRARY_PATH. Reloads the module and unloads it at the end.
# Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
IPERF=$D/bin/iperf3
SHIM=$D/lib/libdwcp_res_preload.so
PORT=5301
n=0 fails=0
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

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

# counter NAME: policy sync's calls counter NAME from "resctl -j policy show".
counter() {
	"$R" -j policy show sync 2>/dev/null | grep -o "\"$1\":[0-9]*" | head -n 1 | cut -d: -f2
}

if [ ! -x "$R" ] || [ ! -f "$KO" ] || [ ! -x "$IPERF" ] || [ ! -f "$SHIM" ]; then
	echo "1..0 # SKIP needs $R, $KO, $IPERF and $SHIM (selftests/vm/bundle-dynamic.sh)"
	exit $KSFT_SKIP
fi
for ld in "$D"/lib/ld-linux*.so*; do
	[ -e "$ld" ] || continue
	mkdir -p /lib64 && ln -sf "$ld" /lib64/
done
export LD_LIBRARY_PATH=$D/lib DWCP_RES_PRELOAD=$SHIM
if ! "$IPERF" --version >"$T/v" 2>&1; then
	show iperf3 "$T/v"
	echo "1..0 # SKIP the bundled iperf3 does not run here"
	exit $KSFT_SKIP
fi
diag "$(head -n 1 "$T/v")"

grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
if ! insmod "$KO"; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi

t_iperf3() {
	a0=$(counter admitted) c0=$(counter completed)
	diag "sync before: admitted $a0 completed $c0"
	"$R" exec --class sync --debug -- "$IPERF" -s -1 -B 127.0.0.1 -p $PORT \
		>"$T/srv" 2>"$T/srv.err" &
	srv=$!
	sleep 1
	"$R" exec --class sync --debug -- "$IPERF" -c 127.0.0.1 -p $PORT -t 2 \
		>"$T/cli" 2>"$T/cli.err"
	crc=$?
	i=0
	while kill -0 $srv 2>/dev/null && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
	kill $srv 2>/dev/null
	wait $srv
	src=$?
	a1=$(counter admitted) c1=$(counter completed)
	diag "sync after: admitted $a1 completed $c1; client exit $crc, server exit $src"
	ok=0
	[ $crc = 0 ] || { diag "iperf3 client failed"; ok=1; }
	[ $src = 0 ] || { diag "iperf3 server failed"; ok=1; }
	grep -q "receiver" "$T/cli" || { diag "client printed no summary"; ok=1; }
	grep -q "connect): ULP dwcp attached\|deferred connect): ULP dwcp attached" "$T/cli.err" ||
		{ diag "client: shim attached no connected socket"; ok=1; }
	grep -q "(accept): ULP" "$T/srv.err" ||
		{ diag "server: shim attached no accepted socket"; ok=1; }
	grep -q "class DWCP_RES_CLASS=sync" "$T/cli.err" ||
		{ diag "client: class not set"; ok=1; }
	[ -n "$a1" ] && [ -n "$c1" ] && [ "$a1" -gt "${a0:-0}" ] && [ "$c1" -gt "${c0:-0}" ] ||
		{ diag "sync's counters did not rise"; ok=1; }
	if [ $ok != 0 ]; then
		show cli "$T/cli"
		show cli.err "$T/cli.err"
		show srv "$T/srv"
		show srv.err "$T/srv.err"
	fi
	return $ok
}
check iperf3_through_resctl_exec_is_counted_by_sync t_iperf3

# iperf3 --connect-timeout connects non-blocking (EINPROGRESS): the shim
# must attach on the socket's first I/O instead.
t_nonblocking() {
	c0=$(counter completed)
	"$R" exec --class sync --debug -- "$IPERF" -s -1 -B 127.0.0.1 -p $PORT \
		>"$T/srv" 2>"$T/srv.err" &
	srv=$!
	sleep 1
	"$R" exec --class sync --debug -- "$IPERF" -c 127.0.0.1 -p $PORT -t 1 \
		--connect-timeout 5000 >"$T/cli" 2>"$T/cli.err"
	crc=$?
	i=0
	while kill -0 $srv 2>/dev/null && [ $i -lt 10 ]; do sleep 1; i=$((i + 1)); done
	kill $srv 2>/dev/null
	wait $srv
	c1=$(counter completed)
	diag "sync completed $c0 -> $c1; client exit $crc"
	[ $crc = 0 ] && grep -q "handshake in progress" "$T/cli.err" &&
	grep -q "(deferred connect): ULP dwcp attached" "$T/cli.err" &&
	[ "${c1:-0}" -gt "${c0:-0}" ] && return 0
	show cli "$T/cli"
	show cli.err "$T/cli.err"
	return 1
}
check nonblocking_connect_attaches_on_first_io t_nonblocking

t_nosuch() {
	"$R" exec --class nosuch -- true >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc = 1 ] && grep -q 'class "nosuch" is not a policy' "$T/err" && return 0
	diag "exit $rc"; show err "$T/err"
	return 1
}
check exec_unknown_class_fails t_nosuch

t_noshim() {
	DWCP_RES_PRELOAD=/nonexistent.so "$R" exec --class sync -- true >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc = 1 ] && grep -q 'DWCP_RES_PRELOAD=/nonexistent.so' "$T/err" || { diag "no shim: exit $rc"; return 1; }
	"$R" exec --class sync >"$T/out" 2>"$T/err"
	rc=$?
	[ $rc = 2 ] || { diag "no program: exit $rc"; return 1; }
	"$R" exec --class sync -- sh -c 'case "$LD_PRELOAD" in "$DWCP_RES_PRELOAD"*) exit 7;; esac; exit 0'
	rc=$?
	[ $rc = 7 ] || { diag "child status/LD_PRELOAD: exit $rc"; return 1; }
}
check exec_usage_missing_shim_and_child_status t_noshim

# ---- the socket patterns of real programs (tools/preload/tests/shim_client.c)
SC=$D/bin/shim_client
# sc NAME MODE [ARGS]: shim_client MODE under "resctl exec --class sync --debug"
sc() {
	name=$1
	shift
	"$R" exec --class sync --debug -- "$SC" "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
}
sc_failed() {
	diag "shim_client $1: exit $rc"
	show out "$T/$1.out"
	show err "$T/$1.err"
	return 1
}

# Debian builds with -D_FORTIFY_SOURCE=2: read/recv/recvfrom become
# __read_chk/__recv_chk/__recvfrom_chk, which the shim did not wrap, so a
# client that connects non-blocking and then only reads stayed plain TCP.
t_fortified() {
	for m in read recv recvfrom; do
		sc "fort-$m" "$m"
		[ $rc = 0 ] && grep -qx "ulp=dwcp class=sync" "$T/fort-$m.out" &&
			grep -q "(deferred connect): ULP dwcp attached" "$T/fort-$m.err" ||
			{ sc_failed "fort-$m"; return 1; }
	done
}

# nginx's workers keep only TZ of the environment: the class must have been
# read at start, not when a socket is attached.
t_environ() {
	sc environ environ
	[ $rc = 0 ] && grep -qx "ulp=dwcp class=sync" "$T/environ.out" || sc_failed environ
}

# TCP Fast Open: connect() returns 0 in SYN_SENT (the SYN leaves with the
# first write); attaching then got ENOTCONN, and the socket was given up on.
t_tfo() {
	old=$(cat /proc/sys/net/ipv4/tcp_fastopen)
	# client and server on, no cookie needed on either side (0x4, 0x200):
	# the very first connect() is deferred to the first write.
	echo 519 >/proc/sys/net/ipv4/tcp_fastopen
	sc tfo tfo
	echo "$old" >/proc/sys/net/ipv4/tcp_fastopen
	[ $rc = 0 ] && grep -qx "ulp=dwcp class=sync" "$T/tfo.out" || sc_failed tfo
}

# A second connect() after EINPROGRESS returns 0 once established: one
# attach, not one there and another on the first I/O.
t_twice() {
	sc twice twice
	k=$(grep -c "connect): ULP dwcp attached\|connect): ULP already attached" "$T/twice.err")
	[ $rc = 0 ] && grep -qx "ulp=dwcp class=sync" "$T/twice.out" && [ "$k" = 1 ] ||
		{ diag "client attaches: $k"; sc_failed twice; }
}

# One ULP per socket. A socket the program gave kTLS first keeps it (the
# shim used to take the EEXIST for its own ULP and set a class); with the
# shim first, TCP_ULP "tls" fails with EEXIST unless the port is listed in
# DWCP_RES_SKIP_PORTS (Documentation/ulp.rst).
t_ktls() {
	grep -qw tls /proc/sys/net/ipv4/tcp_available_ulp ||
		{ [ -f "$D/tls.ko" ] && insmod "$D/tls.ko"; } || return 2
	sc ktls ktls
	[ $rc = 0 ] && grep -qx "ulp=tls class=" "$T/ktls.out" &&
		grep -q 'has the ULP "tls" already: left alone' "$T/ktls.err" || { sc_failed ktls; return 1; }
	sc ktls-first ktls-connect
	[ $rc = 1 ] && grep -q "TCP_ULP tls: File exists" "$T/ktls-first.err" ||
		{ sc_failed ktls-first; return 1; }
	export DWCP_RES_SKIP_PORTS=80,5399 SHIM_CLIENT_PORT=5399
	sc ktls-skip ktls-connect
	unset DWCP_RES_SKIP_PORTS SHIM_CLIENT_PORT
	[ $rc = 0 ] && grep -qx "ulp=tls class=" "$T/ktls-skip.out" &&
		grep -q "DWCP_RES_SKIP_PORTS: stays plain TCP" "$T/ktls-skip.err" || sc_failed ktls-skip
}

# With the module not loaded, every TCP_ULP of a process with
# CAP_NET_ADMIN ran a synchronous modprobe ("tcp-ulp-dwcp"): one per connect
# and accept, and a module an admin removed came back without its config.
# The shim reads tcp_available_ulp once, at start.
t_no_module() {
	rmmod dwcp_res || return 1
	old=$(cat /proc/sys/kernel/modprobe)
	printf '#!/bin/sh\necho "$*" >>%s/modprobe.log\nexit 1\n' "$T" >"$T/modprobe"
	chmod +x "$T/modprobe"
	: >"$T/modprobe.log"
	echo "$T/modprobe" >/proc/sys/kernel/modprobe
	DWCP_RES_CLASS=sync DWCP_RES_PRELOAD_DEBUG=1 LD_PRELOAD=$SHIM "$SC" many 20 \
		>"$T/nomod.out" 2>"$T/nomod.err"
	rc=$?
	echo "$old" >/proc/sys/kernel/modprobe
	k=$(wc -l <"$T/modprobe.log")
	insmod "$KO" || return 1
	diag "modprobe runs: $k"
	[ $rc = 0 ] && [ "$k" = 0 ] && grep -qx "ulp= class=" "$T/nomod.out" &&
		grep -q "module not loaded" "$T/nomod.err" || { show modprobe "$T/modprobe.log"; sc_failed nomod; }
}

if [ -x "$SC" ]; then
	check shim_wraps_fortified_reads t_fortified
	check shim_reads_classes_at_start t_environ
	check shim_attaches_tcp_fast_open t_tfo
	check shim_attaches_once_after_second_connect t_twice
	t_ktls
	case $? in
	0) n=$((n + 1)); echo "ok $n shim_leaves_ktls_alone_and_skip_ports_keep_it" ;;
	2) n=$((n + 1)); echo "ok $n shim_leaves_ktls_alone_and_skip_ports_keep_it # SKIP no tls ULP" ;;
	*) n=$((n + 1)); fails=$((fails + 1)); echo "not ok $n shim_leaves_ktls_alone_and_skip_ports_keep_it" ;;
	esac
	check shim_runs_no_modprobe_without_the_module t_no_module
else
	n=$((n + 1)); fails=$((fails + 1))
	echo "not ok $n shim_client_in_payload # no $SC (selftests/vm/bundle-dynamic.sh)"
fi

grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ] || exit 1
exit 0
