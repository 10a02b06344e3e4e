#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# resctl metrics and resctl status against the loaded module, inside the
# test VM: text, JSON and Prometheus output of a fresh module, the
# exposition's structure (one HELP/TYPE per family, no duplicate series,
# histogram ending in +Inf == _count), --output, --interval, status with
# all breakers closed and with one forced open. When $DWCP_DIR/tests/dwcp_drive
# exists, traffic on class "send" must move the counters and the latency
# histogram consistently (_count == completed == sum of results). Prints TAP 13.
#
# Needs DWCP_DIR (default /dwcp) with dwcp_res.ko and bin/resctl. Reloads
# the module (counters must start at zero) and unloads it at the end.
# Exit: 0 all passed, 1 a test failed, 4 (kselftest skip) nothing to test.
KSFT_SKIP=4
D=${DWCP_DIR:-/dwcp}
R=$D/bin/resctl
KO=$D/dwcp_res.ko
DRIVE=$D/tests/dwcp_drive
n=0 fails=0
OUT=$(mktemp) ERR=$(mktemp) PROM=$(mktemp -d)
trap 'rm -rf "$OUT" "$ERR" "$PROM"' EXIT

echo "TAP version 13"

# ---- helpers: selftests/kselftest/resctl_lib.sh, plus the ones below ---

. "$(dirname "$0")/resctl_lib.sh"

# prom_value SERIES: the value of the exposition line "SERIES VALUE" in $OUT.
prom_value() {
	awk -v s="$1" '$1 == s { print $2; found = 1 } END { if (!found) print "missing" }' "$OUT"
}

# Exposition structure: each family has one HELP and one TYPE, no series
# is written twice, every histogram's buckets never decrease and end with
# le="+Inf" equal to its _count.
prom_structure() {
	dup=$(grep '^# TYPE ' "$OUT" | sort | uniq -d)
	[ -z "$dup" ] || { diag "TYPE twice: $dup"; return 1; }
	dup=$(grep '^# HELP ' "$OUT" | awk '{ print $3 }' | sort | uniq -d)
	[ -z "$dup" ] || { diag "HELP twice: $dup"; return 1; }
	[ "$(grep -c '^# HELP ' "$OUT")" = "$(grep -c '^# TYPE ' "$OUT")" ] ||
		{ diag "HELP and TYPE counts differ"; return 1; }
	dup=$(grep -v '^#' "$OUT" | awk '{ print $1 }' | sort | uniq -d)
	[ -z "$dup" ] || { diag "duplicate series: $dup"; return 1; }
	awk '
	/^dwcp_res_latency_seconds_bucket/ {
		split($1, a, "le=\""); pol = a[1]
		if (pol == prev && $2 + 0 < last + 0) { print "# decreasing: " $0; bad = 1 }
		prev = pol; last = $2
		if ($1 ~ /le="\+Inf"/) inf[pol] = $2
		next
	}
	/^dwcp_res_latency_seconds_count/ {
		sub(/_count/, "_bucket", $1); sub(/}$/, ",", $1)
		cnt[$1] = $2
	}
	END {
		for (p in cnt) {
			if (!(p in inf) || inf[p] != cnt[p]) {
				print "# " p ": +Inf " inf[p] " != _count " cnt[p]; bad = 1
			}
			n++
		}
		if (!n) { print "# no histogram"; bad = 1 }
		exit bad
	}' "$OUT"
}

load() {
	if grep -q '^dwcp_res ' /proc/modules; then
		rmmod dwcp_res || return 1
	fi
	insmod "$KO" "$@"
}

# ---- setup ------------------------------------------------------------

if [ ! -x "$R" ] || [ ! -f "$KO" ]; then
	echo "1..0 # SKIP no $R or $KO"
	exit $KSFT_SKIP
fi
if ! load; then
	echo "not ok 1 module_loads"
	echo "1..1"
	exit 1
fi
VERSION=$(cat /sys/kernel/dwcp_res/version 2>/dev/null)

# ---- resctl metrics ---------------------------------------------------

t_text() {
	run metrics && rc_is 0 &&
	out_line "policy send" && out_line "policy receive" &&
	out_line "policy sync" && out_line "policy consensus" &&
	out_line "  breaker closed" &&
	out_line "  calls" && out_line "    admitted 0" && out_line "    completed 0" &&
	out_line "  rejected" && out_line "    total 0" &&
	out_line "  ratios" && out_line "    window-success 100%" &&
	out_line "  limits" && out_line "    concurrent 100" &&
	out_line "  latency" && out_line "    samples 0" &&
	out_line "    p95-target 100ms" && out_lacks "    p95 "
}
check metrics_text_fresh_module t_text

t_one() {
	run metrics consensus && rc_is 0 &&
	out_line "policy consensus" && out_lacks "policy send" &&
	out_line "    concurrent 20" &&
	run metrics kst_nope && rc_is 1 && err_has 'no policy "kst_nope"' &&
	run metrics --format xml && rc_is 2 &&
	run metrics --output /tmp/x.prom && rc_is 2 &&
	run metrics 'bad name' && rc_is 2
}
check metrics_one_policy_and_usage_errors t_one

t_json() {
	run -j metrics && rc_is 0 &&
	out_has "\"module\":{\"version\":\"$VERSION\"" &&
	out_has '"policies":[{"name":"send","breaker":"closed"' &&
	out_has '"calls":{"admitted":0,"completed":0,"waited":0,"retried":0,"retry_succeeded":0,"retry_exhausted":0,"retry_budget_refused":0,"inflight":0}' &&
	out_has '"shadow":{"total":0,"shed":0,"breaker":0,"rate":0,"bulkhead_full":0,"bulkhead_wait":0,"chaos":0}' &&
	out_has '"bulkhead_utilization_ppm":0}' &&
	out_has '"count":0,' &&
	out_has '"buckets":[{"le_ns":10240,"count":0},{"le_ns":24576,"count":0}' &&
	out_has '{"le_ns":983040,"count":0}' &&
	out_has '"target_ns":100000000' &&
	run metrics --format json sync && rc_is 0 && out_has '"name":"sync"' &&
	out_lacks '"name":"send"'
}
check metrics_json t_json

t_prom() {
	run metrics --format prometheus && rc_is 0 &&
	out_line "# TYPE dwcp_res_latency_seconds histogram" &&
	out_line "# TYPE dwcp_res_admitted_total counter" &&
	out_line "# TYPE dwcp_res_retries_total counter" &&
	out_line "# TYPE dwcp_res_inflight gauge" &&
	out_line "dwcp_res_info{version=\"$VERSION\"} 1" &&
	out_line "dwcp_res_chaos_allowed 0" && out_line "dwcp_res_chaos_enabled 0" &&
	out_line "dwcp_res_degradation_level 0" &&
	out_line 'dwcp_res_breaker_state{policy="send",state="closed"} 1' &&
	out_line 'dwcp_res_breaker_state{policy="send",state="open"} 0' &&
	out_line 'dwcp_res_breaker_state_code{policy="sync"} 0' &&
	out_line 'dwcp_res_rejected_total{policy="send",reason="breaker"} 0' &&
	out_line 'dwcp_res_calls_total{policy="send",result="success"} 0' &&
	out_line 'dwcp_res_bulkhead_limit{policy="consensus"} 20' &&
	out_line 'dwcp_res_latency_target_seconds{policy="send"} 0.1' &&
	out_line 'dwcp_res_latency_seconds_bucket{policy="send",le="0.00098304"} 0' &&
	out_line 'dwcp_res_latency_seconds_bucket{policy="send",le="+Inf"} 0' &&
	out_line 'dwcp_res_latency_seconds_count{policy="send"} 0' &&
	out_line 'dwcp_res_latency_quantile_seconds{policy="send",quantile="0.95"} NaN' &&
	prom_structure
}
check metrics_prometheus_fresh_module t_prom

# The engine, from DEGRADE_GET and the BUDGET_GET and HEALTH_GET dumps.
t_prom_engine() {
	# Held by hand at normal: manual without changing the level (a real
	# level would take the dwell time to come back down for later cases).
	run degrade set normal && rc_is 0 &&
	run metrics --format prometheus && rc_is 0 &&
	out_line 'dwcp_res_degradation_level 0' &&
	out_line 'dwcp_res_degradation_level_state{level="normal"} 1' &&
	out_line 'dwcp_res_degradation_level_state{level="degraded"} 0' &&
	out_line 'dwcp_res_degradation_manual 1' &&
	out_re '^dwcp_res_trigger_enabled{trigger="budget"} [01]$' &&
	out_re '^dwcp_res_trigger_input_level{trigger="health"} 0$' &&
	out_line 'dwcp_res_budget_remaining_ratio{budget="system"} 1' &&
	out_line 'dwcp_res_budget_remaining_ratio{budget="send"} 1' &&
	out_line 'dwcp_res_budget_alert_firing{budget="system",alert="page_fast"} 0' &&
	out_re '^dwcp_res_budget_burn_rate{budget="sync",alert="ticket",window="short"} 0$' &&
	out_re '^dwcp_res_health_healthy{check="[a-z_-]*",metric="[a-z-]*"' &&
	prom_structure &&
	run status && rc_is 0 && out_line "engine" && out_line "  mode manual" &&
	out_line "  cause manual" && out_line "  budgets alerting none" &&
	run degrade auto && rc_is 0 &&
	run status && out_line "  mode auto" && out_line "  cause -"
}
check metrics_prometheus_engine t_prom_engine

t_prom_file() {
	run metrics --format prometheus --output "$PROM/dwcp.prom" && rc_is 0 &&
	[ ! -s "$OUT" ] && [ -s "$PROM/dwcp.prom" ] &&
	[ "$(ls "$PROM")" = "dwcp.prom" ] &&
	cp "$PROM/dwcp.prom" "$OUT" && prom_structure &&
	run metrics --format prometheus --output /nonexistent/dir/x.prom && rc_is 1
}
check metrics_prometheus_output_file_is_atomic t_prom_file

t_interval() {
	run metrics send --interval 200ms && rc_is 0 &&
	# At least the 200 ms asked for; a slow (debug, shared) guest takes longer.
	out_line "  rates" && out_re '^    interval [0-9.]*m\{0,1\}s$' &&
	out_line "    admitted 0/s" &&
	run -j metrics send --interval 100ms && rc_is 0 && out_has '"admitted_mcps":0' &&
	run metrics --interval 100ms --format prometheus && rc_is 2
}
check metrics_interval_rates t_interval

# ---- resctl status ------------------------------------------------------

t_status() {
	run status && rc_is 0 &&
	out_line "dwcp_res $VERSION" && out_line "chaos not allowed" &&
	out_line "level normal" &&
	out_re '^POLICY  *BREAKER  *INFLIGHT  *RATE  *SUCCESS  *BUDGET  *P95  *TARGET  *LATENCY$' &&
	out_re '^send  *closed  *0/100  .*100.0%  *100.0%  *-  *100ms  *-$' &&
	out_re '^consensus  *closed  *0/20 ' &&
	out_line "summary 4 policies: all breakers closed" &&
	run -j status && rc_is 0 &&
	out_has "\"module\":{\"version\":\"$VERSION\",\"chaos_allowed\":false,\"chaos_enabled\":false,\"level\":\"normal\"}" &&
	out_has '{"name":"send","breaker":"closed","inflight":0,"limit":100,' &&
	out_has '"summary":{"policies":4,"all_closed":true,"closed":4,"open":0'
}
check status_fresh_module t_status

t_status_open() {
	run breaker force-open sync && rc_is 0 &&
	run status && rc_is 0 &&
	out_re '^sync  *forced-open ' &&
	out_line "summary 4 policies: 1 forced-open, 3 closed" &&
	run -j status && out_has '"all_closed":false,"closed":3,"open":1' &&
	run metrics --format prometheus && rc_is 0 &&
	out_line 'dwcp_res_breaker_state{policy="sync",state="forced_open"} 1' &&
	out_line 'dwcp_res_breaker_state{policy="sync",state="closed"} 0' &&
	out_line 'dwcp_res_breaker_state_code{policy="sync"} 4' &&
	run breaker enable sync && rc_is 0 &&
	run status && out_line "summary 4 policies: all breakers closed"
}
check status_counts_open_breakers t_status_open

# ---- traffic ------------------------------------------------------------

t_traffic() {
	"$DRIVE" -c send -n 200 -s 64 >"$PROM/drive" 2>&1 ||
		{ diag "dwcp_drive failed: $(cat "$PROM/drive")"; return 1; }
	sent=$(awk '$1 == "sent" { print $2 }' "$PROM/drive")
	rej=$(awk '$1 == "rejected" { print $2 }' "$PROM/drive")
	diag "dwcp_drive: sent $sent rejected $rej"
	[ "${sent:-0}" -gt 0 ] || { diag "nothing was sent"; return 1; }
	run metrics --format prometheus && rc_is 0 && prom_structure || return 1
	adm=$(prom_value 'dwcp_res_admitted_total{policy="send"}')
	comp=$(prom_value 'dwcp_res_completed_total{policy="send"}')
	cnt=$(prom_value 'dwcp_res_latency_seconds_count{policy="send"}')
	inf=$(prom_value 'dwcp_res_latency_seconds_bucket{policy="send",le="+Inf"}')
	sum=$(prom_value 'dwcp_res_latency_seconds_sum{policy="send"}')
	res=$(awk '/^dwcp_res_calls_total\{policy="send",/ { s += $2 } END { print s + 0 }' "$OUT")
	rjt=$(awk '/^dwcp_res_rejected_total\{policy="send",/ { s += $2 } END { print s + 0 }' "$OUT")
	diag "admitted $adm completed $comp count $cnt +Inf $inf sum $sum results $res rejected $rjt"
	[ "$comp" -ge "$sent" ] || { diag "completed $comp < sent $sent"; return 1; }
	[ "$adm" = "$comp" ] || { diag "admitted $adm != completed $comp (nothing in flight)"; return 1; }
	# The send class's socket calls take the lock-free path (its adaptive
	# rate does not apply to them), which times one call in eight
	# (Documentation/metrics.rst): the histogram holds a sample.
	[ "$cnt" -ge 1 ] && [ "$cnt" -le "$comp" ] ||
		{ diag "_count $cnt not in 1..completed $comp"; return 1; }
	[ "$inf" = "$cnt" ] || { diag "+Inf $inf != _count $cnt"; return 1; }
	[ "$res" = "$comp" ] || { diag "results $res != completed $comp"; return 1; }
	[ "$rjt" -ge "${rej:-0}" ] || { diag "rejected_total $rjt < dwcp_drive's $rej"; return 1; }
	awk -v s="$sum" 'BEGIN { exit !(s > 0) }' || { diag "_sum $sum not > 0"; return 1; }
	out_line 'dwcp_res_latency_seconds_count{policy="receive"} 0' || return 1
	run -j metrics send && rc_is 0 && out_has "\"count\":$cnt," &&
	out_has "\"completed\":$comp," &&
	run metrics send && rc_is 0 && out_line "    samples $cnt" && out_re '^    p95 [0-9.]*[mun]*s$' &&
	out_line "    histogram (calls below)" && out_re '^      <[0-9.]*[mun]*s [0-9][0-9]*$' &&
	run status && rc_is 0 && out_re '^send  *closed  .*  [0-9.][0-9.]*[mun]*s  *100ms  *\(ok\|OVER\)$' &&
	# The latency budget saw the same timed calls, each weighed by the
	# calls it stands for (one in 8 is timed): between the samples and the
	# calls, rounded down per bucket. A guest may stall a fast loopback
	# send past 100 ms, so no figure on their speed.
	run -j slo show send && rc_is 0 &&
	out_has "\"latency\":{\"target_ns\":100000000,\"window_ns\":300000000000,\"total\":" &&
	out_has '"exhausted":false}' || return 1
	lt=$(sed 's/.*"latency":{[^}]*"total":\([0-9]*\),.*/\1/' "$OUT")
	diag "latency budget: $lt calls (samples $cnt, completed $comp)"
	[ "$lt" -ge "$cnt" ] && [ "$lt" -le "$comp" ] ||
		{ diag "latency budget total $lt not in $cnt..$comp"; return 1; }
	run -j policy show send && rc_is 0 && out_has '"budget_compliance_ppm":' &&
	run metrics --format prometheus && rc_is 0 &&
	out_re '^dwcp_res_latency_budget_compliance_ratio{policy="send"} [01][.0-9]*$' &&
	out_line 'dwcp_res_latency_budget_exhausted{policy="send"} 0'
}
if [ -x "$DRIVE" ]; then
	check traffic_moves_counters_and_histogram_consistently t_traffic
else
	skip traffic_moves_counters_and_histogram_consistently "no $DRIVE"
fi

grep -q '^dwcp_res ' /proc/modules && rmmod dwcp_res
echo "1..$n"
[ $fails = 0 ] || exit 1
exit 0
