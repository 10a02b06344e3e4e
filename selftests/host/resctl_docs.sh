#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# resctl's documentation and shell completion against the binary: every
# command of "resctl help", every KEY of "resctl help keys" and every KIND of
# "resctl help kinds" is in the man page (Documentation/resctl.8), and so
# is every check METRIC of "resctl help health" and every key of "slo set",
# "health add" and "degrade triggers" (as their usage errors list them); the
# man page renders cleanly, its examples parse, and the bash completion
# (tools/resctl/resctl.bash) completes commands, KEYs, words, KINDs,
# METRICs, levels and triggers. Policy and check names are completed from
# the running module: that part is skipped when dwcp_res is not loaded, and
# checked against a stub resctl instead.
# Prints TAP; exits 1 if anything failed.
R=${1:?usage: resctl_docs.sh PATH-TO-RESCTL}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MAN=$ROOT/Documentation/resctl.8
COMP=$ROOT/tools/resctl/resctl.bash
n=0 fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { # NAME WHY...
	n=$((n + 1)); fails=$((fails + 1))
	echo "not ok $n $1"
	shift
	printf '# %s\n' "$@"
}
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }

echo "TAP version 13"

# The man page's text with the roff escapes that can appear inside names
# undone, so that "force\-open" is found as "force-open".
plain() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' -e 's/\\e/\\/g' "$@"; }
plain "$MAN" >"$tmp/man.txt"
# The body of one .SH section (the heading may be quoted or not).
section() { awk -v s="$1" '/^\.SH / { h = $0; sub(/^\.SH +"?/, "", h); sub(/"$/, "", h); on = h == s; next } on' "$tmp/man.txt"; }
# Does $2 (a file) have a tag line (the line after .TP) that starts with the
# word(s) $1?
has_tag() { awk -v w="$1" 'tp { l = $0; sub(/^\.B[IR]? +/, "", l); gsub(/"/, "", l); if (l == w || index(l, w " ") == 1) f = 1 } { tp = $0 ~ /^\.TP/ } END { exit !f }' "$2"; }

# ---- the machine-readable lists exist and match the help ----
"$R" help commands >"$tmp/commands" 2>"$tmp/err"
rc=$?
if [ $rc = 0 ] && [ -s "$tmp/commands" ]; then ok help_commands_lists; else not_ok help_commands_lists "exit $rc" "$(cat "$tmp/err")"; fi
"$R" help keys >"$tmp/keys.tsv" 2>"$tmp/err"
rc=$?
cut -f1 "$tmp/keys.tsv" >"$tmp/keys"
if [ $rc = 0 ] && [ "$(wc -l <"$tmp/keys")" -ge 30 ] && ! grep -qv $'\t' "$tmp/keys.tsv"; then
	ok help_keys_lists_key_tab_form
else
	not_ok help_keys_lists_key_tab_form "exit $rc, $(wc -l <"$tmp/keys") keys" "$(cat "$tmp/err")"
fi
"$R" help kinds >"$tmp/kinds.tsv" 2>"$tmp/err"
rc=$?
cut -f1 "$tmp/kinds.tsv" >"$tmp/kinds"
if [ $rc = 0 ] && [ "$(wc -l <"$tmp/kinds")" -ge 6 ]; then ok help_kinds_lists; else not_ok help_kinds_lists "exit $rc" "$(cat "$tmp/err")"; fi
"$R" help profiles >"$tmp/profiles" 2>&1
if [ "$(tr '\n' ' ' <"$tmp/profiles")" = "send receive sync consensus " ]; then ok help_profiles_lists; else not_ok help_profiles_lists "$(cat "$tmp/profiles")"; fi
# The hidden lists do not show in the help.
"$R" help >"$tmp/help" 2>&1
if grep -qE 'help (commands|keys|kinds|profiles)' "$tmp/help"; then not_ok listings_hidden_from_help; else ok listings_hidden_from_help; fi
# Every KEY of the help's KEY list is in "help keys", and the reverse.
"$R" help policy | awk '/^policy KEYs/ { on = 1; next } on && /^    [^ ]/ { print $1 }' >"$tmp/help_keys"
if [ -s "$tmp/help_keys" ] && diff -u "$tmp/help_keys" "$tmp/keys" >"$tmp/diff"; then
	ok help_keys_matches_help_policy
else
	not_ok help_keys_matches_help_policy "$(cat "$tmp/diff")"
fi

# ---- the man page covers the binary ----
# Commands: the command words of each line of the help's command list.
awk '/^commands:/ { on = 1; next } on && /^$/ { exit } on && /^  [a-z]/ {
	syn = substr($0, 3); sub(/  .*/, "", syn); split(syn, w, " ")
	c = w[1]; for (i = 2; i in w && w[i] ~ /^[a-z]/; i++) c = c " " w[i]; print c }' \
	"$tmp/help" >"$tmp/help_cmds"
awk '{ c = $1; for (i = 2; i <= NF && $i ~ /^[a-z]/; i++) c = c " " $i; print c }' \
	"$tmp/commands" >"$tmp/list_cmds"
if [ "$(wc -l <"$tmp/help_cmds")" -ge 15 ] && diff -u "$tmp/help_cmds" "$tmp/list_cmds" >"$tmp/diff"; then
	ok help_commands_matches_help
else
	not_ok help_commands_matches_help "$(cat "$tmp/diff")"
fi
section COMMANDS >"$tmp/man_cmds"
missing=""
while read -r c; do
	has_tag "$c" "$tmp/man_cmds" || missing="$missing [$c]"
done <"$tmp/help_cmds"
if [ -z "$missing" ]; then ok man_has_every_command; else not_ok man_has_every_command "missing:$missing"; fi

section "POLICY KEYS" >"$tmp/man_keys"
missing=""
while read -r k; do has_tag "$k" "$tmp/man_keys" || missing="$missing $k"; done <"$tmp/keys"
if [ -s "$tmp/keys" ] && [ -z "$missing" ]; then ok man_policy_keys_has_every_key; else not_ok man_policy_keys_has_every_key "missing:$missing"; fi
# ... and no KEY the binary does not know.
extra=""
# shellcheck disable=SC2013 # KEYs are single words
for k in $(awk 'tp && /^\.B/ { l = $0; sub(/^\.B[IR]? +/, "", l); gsub(/"/, "", l); split(l, a, " "); print a[1] } { tp = $0 ~ /^\.TP/ }' "$tmp/man_keys"); do
	grep -qxF -- "$k" "$tmp/keys" || extra="$extra $k"
done
if [ -z "$extra" ]; then ok man_policy_keys_has_no_unknown_key; else not_ok man_policy_keys_has_no_unknown_key "unknown:$extra"; fi

missing=""
while read -r k; do has_tag "$k" "$tmp/man_cmds" || missing="$missing $k"; done <"$tmp/kinds"
if [ -s "$tmp/kinds" ] && [ -z "$missing" ]; then ok man_has_every_fault_kind; else not_ok man_has_every_fault_kind "missing:$missing"; fi

missing=""
for w in $(sed -n 's/.*\[\([a-z][a-z-]*\) .*/\1/p' "$tmp/commands" | sort -u) \
	 $(grep -o '\[[a-z][a-z-]* ' "$tmp/commands" | tr -d '[ ' | sort -u); do
	has_tag "$w" "$tmp/man_cmds" || grep -qw -- "$w" "$tmp/man_cmds" || missing="$missing $w"
done
if [ -z "$missing" ]; then ok man_has_every_command_option; else not_ok man_has_every_command_option "missing:$missing"; fi

# The check METRICs of "help health", and the keys of the commands that take
# KEY VALUE pairs other than the policy KEYs, from their usage errors
# ("unknown key ...; keys are a, b, c"): each has a tag line in COMMANDS.
"$R" help health | awk '/^health check METRICs/ { on = 1; next } on && /^    [a-z]/ { print $1 } on && /^$/ { exit }' >"$tmp/metrics"
missing=""
while read -r m; do has_tag "$m" "$tmp/man_cmds" || missing="$missing $m"; done <"$tmp/metrics"
if [ "$(wc -l <"$tmp/metrics")" -ge 9 ] && [ -z "$missing" ]; then ok man_has_every_health_metric; else not_ok man_has_every_health_metric "missing:$missing"; fi
usage_keys() { "$R" "$@" 2>&1 >/dev/null | sed -n 's/.*keys are //p' | tr -s ', ' '\n'; }
{ usage_keys slo set system _ 1; usage_keys health add _ _ 1; usage_keys degrade triggers _ 1; } >"$tmp/cmd_keys"
missing=""
while read -r k; do has_tag "$k" "$tmp/man_cmds" || missing="$missing $k"; done <"$tmp/cmd_keys"
if [ "$(wc -l <"$tmp/cmd_keys")" -ge 20 ] && [ -z "$missing" ]; then ok man_has_every_command_key; else not_ok man_has_every_command_key "$(wc -l <"$tmp/cmd_keys") keys, missing:$missing"; fi

missing=""
for s in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS "POLICY KEYS" UNITS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
	grep -qE "^\.SH \"?$s\"?$" "$tmp/man.txt" || missing="$missing [$s]"
done
for o in -j --json -p --pretty -h --help -V --version; do
	section OPTIONS | grep -qF -- "$o" || missing="$missing $o"
done
for t in "help commands" "help keys" "help kinds" "help profiles" /sys/kernel/dwcp_res \
	 ECANCELED ECONNREFUSED ENOBUFS EBUSY ETIME EINTR; do
	grep -qF -- "$t" "$tmp/man.txt" || missing="$missing [$t]"
done
for c in 0 1 2; do section "EXIT STATUS" | grep -qx "\.B $c" || missing="$missing exit-$c"; done
if [ -z "$missing" ]; then ok man_has_sections_options_errnos; else not_ok man_has_sections_options_errnos "missing:$missing"; fi

# Renders without warnings (groff: man -l; mandoc -T lint when installed).
if command -v groff >/dev/null; then
	if groff -man -ww -z "$MAN" >"$tmp/warn" 2>&1 && [ ! -s "$tmp/warn" ]; then
		ok man_renders_without_warnings
	else
		not_ok man_renders_without_warnings "$(cat "$tmp/warn")"
	fi
else
	skip man_renders_without_warnings "groff is not installed"
fi
if command -v mandoc >/dev/null; then
	if mandoc -T lint -W warning "$MAN" >"$tmp/warn" 2>&1; then ok man_mandoc_lint; else not_ok man_mandoc_lint "$(cat "$tmp/warn")"; fi
else
	skip man_mandoc_lint "mandoc is not installed"
fi

# The examples parse: without the module each fails with 1 (not loaded), not 2.
loaded=0
[ -d /sys/module/dwcp_res ] && loaded=1
if [ $loaded = 1 ]; then
	skip man_examples_parse "dwcp_res is loaded: examples would change it"
else
	section EXAMPLES | awk '/^\.nf/ { on = 1; next } /^\.fi/ { on = 0 } on' |
		sed -e ':a' -e '/\\$/N; s/\\\n[[:space:]]*/ /; ta' | grep '^resctl ' | grep -v '|' >"$tmp/examples"
	bad=""
	while read -r -a ex; do
		"$R" "${ex[@]:1}" >/dev/null 2>"$tmp/err"
		rc=$?
		[ $rc = 1 ] && grep -q "not loaded" "$tmp/err" || bad="$bad [${ex[*]}: exit $rc $(cat "$tmp/err")]"
	done <"$tmp/examples"
	if [ -s "$tmp/examples" ] && [ -z "$bad" ]; then ok man_examples_parse; else not_ok man_examples_parse "bad:$bad"; fi
fi

# ---- bash completion ----
# COMPLETE WORD... : the completions of the last word, one a line, sorted.
# The function is called directly, as bash would (COMP_WORDS, COMP_CWORD).
complete_words() {
	bash --norc --noprofile -c '
		source "$1" || exit 1
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_resctl resctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' bash "$COMP" "$@"
}
expect() { # NAME "EXPECTED WORDS" WORD...
	local name=$1 want got
	# shellcheck disable=SC2086 # split the expected words
	want=$(printf '%s\n' $2 | sort | tr '\n' ' ')
	shift 2
	got=$(complete_words "$@" | tr '\n' ' ')
	if [ "$got" = "$want" ]; then ok "$name"; else not_ok "$name" "completing: $*" "want: $want" "got:  $got"; fi
}

if bash --norc --noprofile -c 'source "$1" && complete -p resctl' bash "$COMP" 2>&1 | grep -qx 'complete -F _resctl resctl'; then
	ok completion_registers_for_resctl
else
	not_ok completion_registers_for_resctl
fi
expect completes_command "policy" "$R" po
expect completes_all_sections "apply batch breaker chaos degrade dump-config exec health help metrics monitor policy slo status version" "$R" ""
expect completes_options "--json" "$R" --j
expect completes_after_options "policy" "$R" -j -p po
expect completes_policy_subcommands "list show add set del" "$R" policy ""
expect completes_breaker_subcommands "show reset force-open disable enable" "$R" breaker ""
expect completes_chaos_subcommands "show enable disable inject clear" "$R" chaos ""
expect completes_key "concurrent" "$R" policy set send conc
expect completes_every_key "$(tr '\n' ' ' <"$tmp/keys")" "$R" policy set send ""
expect completes_key_after_pair "slo-window slo-buckets slo-min-events" "$R" policy set send rate 1k/s slo-
expect completes_add_base "base bind bind-group burst bucket byte-rate byte-burst breaker-mode" "$R" policy add web b
expect completes_base_profiles "send receive sync consensus" "$R" policy add web base ""
expect completes_priority_words "low normal high critical" "$R" policy set send priority ""
expect completes_breaker_mode_words "consecutive count time" "$R" policy add web breaker-mode ""
expect completes_rate_limit_words "on off" "$R" policy set send rate-limit ""
expect completes_adaptive_words "on off" "$R" policy set send adaptive ""
expect completes_no_words_for_durations "" "$R" policy set send open ""
expect completes_fault_kinds "$(tr '\n' ' ' <"$tmp/kinds")" "$R" chaos inject send ""
expect completes_inject_options "probability interval times min max value seed peer" "$R" chaos inject send error ""
expect completes_times_words "unlimited" "$R" chaos inject send latency times ""
expect completes_degrade_subcommands "show set auto triggers" "$R" degrade ""
expect completes_slo_subcommands "show set" "$R" slo ""
expect completes_health_subcommands "list show add set del" "$R" health ""
expect completes_degrade_set_levels "normal degraded severely_degraded emergency" "$R" degrade set ""
expect completes_degrade_set_hold "--hold" "$R" degrade set emergency ""
expect completes_trigger_keys "enabled error-rate min-events window tick up-dwell dwell hysteresis" "$R" degrade triggers ""
expect completes_trigger_key_after_pair "dwell" "$R" degrade triggers tick 2s dw
expect completes_trigger_words "budget health error-rate latency external all none" "$R" degrade triggers enabled ""
expect completes_slo_keys "target window buckets min-events" "$R" slo set system ""
expect completes_slo_key_after_pair "min-events" "$R" slo set send target 99.9% mi
expect completes_health_add_keys "metric policy min max interval timeout rise fall level enabled" "$R" health add web ""
expect completes_health_set_keys "min max interval timeout rise fall level enabled" "$R" health set transport ""
expect completes_health_metrics "$(tr '\n' ' ' <"$tmp/metrics")" "$R" health add web metric ""
expect completes_health_level_words "normal degraded severely_degraded emergency" "$R" health set transport level ""
expect completes_health_enabled_words "on off" "$R" health set transport enabled ""
: >"$tmp/ops.batch"
: >"$tmp/ops.json"
expect completes_batch_file "$tmp/ops.batch" "$R" batch "$tmp/ops.b"
expect completes_batch_force "--force" "$R" batch --f
expect completes_apply_file "$tmp/ops.json" "$R" apply --check "$tmp/ops.j"
expect completes_apply_options "--check --prune" "$R" apply "$tmp/ops.json" --
expect completes_del_force "--force" "$R" policy del --f

# Policy names: from a stub that answers "-j policy list" as resctl does
# (the plain JSON of print.c), and from the module when it is loaded.
cat >"$tmp/resctl" <<EOF
#!/bin/sh
if [ "\$*" = "-j policy list" ]; then
	echo '{"policies":[{"name":"send","priority":"normal","breaker":"closed","admitted":0,"rejected":0,"inflight":0,"config":{"general":{"priority":"normal"}}},{"name":"web.v2","priority":"low","breaker":"open","admitted":1,"rejected":2,"inflight":0,"config":{"bulkhead":{"concurrent":8}}}]}'
	exit 0
fi
if [ "\$*" = "-j health list" ]; then
	echo '{"healthy":false,"unhealthy_checks":1,"checks":[{"name":"transport","state":"healthy","metric":"transport-errors","policy":"all","value":0,"max":0,"level":"degraded"},{"name":"web-p95","state":"UNHEALTHY","metric":"latency-p95","policy":"web.v2","value":80000000,"max":50000000,"level":"severely_degraded"}]}'
	exit 0
fi
exec "$R" "\$@"
EOF
chmod +x "$tmp/resctl"
expect completes_policy_names_stub "send web.v2" "$tmp/resctl" policy show ""
expect completes_policy_names_set_stub "web.v2" "$tmp/resctl" policy set w
expect completes_policy_names_breaker_stub "send web.v2" "$tmp/resctl" breaker force-open ""
expect completes_policy_names_inject_stub "send web.v2" "$tmp/resctl" chaos inject ""
expect completes_no_name_for_add_stub "" "$tmp/resctl" policy add ""
expect completes_budget_names_stub "send web.v2 system" "$tmp/resctl" slo show ""
expect completes_budget_names_set_stub "system" "$tmp/resctl" slo set sy
expect completes_check_names_stub "transport web-p95" "$tmp/resctl" health show ""
expect completes_check_names_set_stub "web-p95" "$tmp/resctl" health set w
expect completes_check_names_del_stub "transport web-p95" "$tmp/resctl" health del ""
expect completes_no_name_for_health_add_stub "" "$tmp/resctl" health add ""
expect completes_health_policy_stub "send web.v2" "$tmp/resctl" health add web metric calls policy ""
expect completes_policy_names_del_stub "send web.v2" "$tmp/resctl" policy del ""
expect completes_policy_names_del_force_stub "send web.v2" "$tmp/resctl" policy del --force ""
if [ $loaded = 1 ]; then
	expect completes_policy_names_module "$("$R" policy list | awk 'NR > 1 { print $1 }' | tr '\n' ' ')" \
		"$R" policy show ""
else
	skip completes_policy_names_module "dwcp_res is not loaded"
fi

echo "1..$n"
[ $fails = 0 ]
