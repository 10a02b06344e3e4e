# SPDX-License-Identifier: GPL-2.0
# bash completion for resctl(8).
#
# Everything resctl knows comes from resctl itself, so this file cannot drift
# from it: the commands from "resctl help commands", the policy KEYs and
# their words from "resctl help keys", the fault KINDs from "resctl help
# kinds", the profiles from "resctl help profiles", the options of "chaos
# inject" and "policy add" from the "[option VALUE]" parts of the synopses,
# the check METRICs from "resctl help health", the keys of "slo set",
# "health add|set" and "degrade triggers" and the words of their values
# (levels, triggers, on/off) from the usage error resctl prints for a bad
# one (nothing is sent to the module then), and the policy and check names
# from "resctl -j policy list" and "resctl -j health list" (need the module).
# Install as /usr/share/bash-completion/completions/resctl.
#
# COMPREPLY=($(compgen ...)) is the usual idiom: no completion word has
# spaces or glob characters.
# shellcheck disable=SC2207

# The resctl being completed: the word the user typed, if it runs.
_resctl_bin()
{
	local bin=${COMP_WORDS[0]}

	# shellcheck disable=SC2088 # a literal "~/" typed by the user
	[[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}
	type -P -- "$bin" >/dev/null 2>&1 || bin=resctl
	printf '%s\n' "$bin"
}

# resctl help TOPIC: the first field of each line.
_resctl_list()
{
	"$1" help "$2" 2>/dev/null | cut -f1
}

# The policies of this namespace (none without the module).
_resctl_policies()
{
	"$1" -j policy list 2>/dev/null |
		grep -o '"name": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
}

# The health checks of this namespace (none without the module).
_resctl_checks()
{
	"$1" -j health list 2>/dev/null |
		grep -o '"name": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/'
}

# The check METRICs: the first word of the list "resctl help health" ends with.
_resctl_metrics()
{
	"$1" help health 2>/dev/null |
		awk '/^health check METRICs/ { on = 1; next } on && /^    [a-z]/ { print $1 } on && /^$/ { exit }'
}

# BIN LEAD ARG...: the words resctl's usage error for "resctl ARG..." lists
# after LEAD, e.g. "keys are target, window, ..." or "expected on or off".
_resctl_usage_words()
{
	local bin=$1 lead=$2

	shift 2
	"$bin" "$@" 2>&1 >/dev/null | sed -n "s/.*$lead//p" | sed 's/, not .*//; s/"[^"]*"//g' |
		tr -s ', ' '\n' | grep -x '[a-z][a-z_-]*' | grep -vx or
}

# The command words of each synopsis, one command a line: "policy add".
_resctl_commands()
{
	"$1" help commands 2>/dev/null |
		awk '{ c = $1; for (i = 2; i <= NF && $i ~ /^[a-z]/; i++) c = c " " $i; print c }'
}

# SECTION NAME: the arguments part of that command's synopsis.
_resctl_synopsis_args()
{
	"$1" help commands 2>/dev/null |
		awk -v s="$2" -v n="$3" '$1 == s && $2 == n { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }'
}

# SECTION NAME: the "[option VALUE]" options of its synopsis.
_resctl_synopsis_opts()
{
	_resctl_synopsis_args "$1" "$2" "$3" |
		grep -o '\[[a-z][a-z-]* [^]]*\]' | sed 's/^\[\([a-z-]*\) .*/\1/'
}

# SECTION NAME OPTION: the words among the option's value forms, e.g.
# "unlimited" from "[times N|unlimited]".
_resctl_synopsis_words()
{
	_resctl_synopsis_args "$1" "$2" "$3" |
		grep -o "\\[$4 [^]]*\\]" | sed "s/^\\[$4 //; s/\\]\$//" |
		tr '|' '\n' | grep '^[a-z][a-z-]*$'
}

# SECTION [NAME]: the dash options of its synopsis, "[--force]" -> --force.
_resctl_synopsis_flags()
{
	"$1" help commands 2>/dev/null |
		awk -v s="$2" -v n="$3" '$1 == s && (n == "" || $2 == n)' |
		grep -o '\[--*[a-z][a-z-]*\]' | tr -d '[]'
}

# KEY: the words a policy KEY takes (low normal high critical), if any.
_resctl_key_words()
{
	"$1" help keys 2>/dev/null |
		awk -F '\t' -v k="$2" '$1 == k && $2 ~ /^[a-z|-]+$/ { gsub(/\|/, " ", $2); print $2 }'
}

_resctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} bin words=() i section sub n prev
	local -a args

	COMPREPLY=()
	bin=$(_resctl_bin)
	# The words between resctl and the cursor, options before the command left out.
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${#words[@]} -eq 0 && ${COMP_WORDS[i]} == -* ]]; then
			continue
		fi
		words+=("${COMP_WORDS[i]}")
	done

	if [[ ${#words[@]} -eq 0 ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W '-j -p -h -V --json --pretty --help --version' -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_resctl_commands "$bin" | cut -d' ' -f1 | sort -u)" -- "$cur"))
		fi
		return 0
	fi

	section=${words[0]}
	case $section in
	batch | apply)
		# A file (batch: - for stdin), or one of the command's options.
		if [[ $cur == -?* ]]; then
			COMPREPLY=($(compgen -W "$(_resctl_synopsis_flags "$bin" "$section")" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		return 0
		;;
	esac
	if [[ ${#words[@]} -eq 1 ]]; then
		if [[ $section == help ]]; then
			COMPREPLY=($(compgen -W "$(_resctl_commands "$bin" | cut -d' ' -f1 | sort -u)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_resctl_commands "$bin" |
				awk -v s="$section" '$1 == s && $2 ~ /^[a-z]/ { print $2 }')" -- "$cur"))
		fi
		return 0
	fi

	sub=${words[1]}
	args=("${words[@]:2}")
	n=${#args[@]}
	prev=
	[[ $n -gt 0 ]] && prev=${args[n - 1]}
	case "$section $sub" in
	"policy add" | "policy set")
		if [[ $n -eq 0 ]]; then
			[[ $sub == set ]] &&
				COMPREPLY=($(compgen -W "$(_resctl_policies "$bin")" -- "$cur"))
		elif (((n - 1) % 2 == 0)); then
			COMPREPLY=($(compgen -W "$(_resctl_list "$bin" keys) $(_resctl_synopsis_opts "$bin" policy "$sub")" -- "$cur"))
		elif [[ $prev == base && $sub == add ]]; then
			COMPREPLY=($(compgen -W "$(_resctl_list "$bin" profiles)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_resctl_key_words "$bin" "$prev")" -- "$cur"))
		fi
		;;
	"slo show" | "slo set")
		if [[ $n -eq 0 ]]; then
			COMPREPLY=($(compgen -W "$(_resctl_policies "$bin") system" -- "$cur"))
		elif [[ $sub == set ]] && (((n - 1) % 2 == 0)); then
			COMPREPLY=($(compgen -W "$(_resctl_usage_words "$bin" "keys are " slo set system _ 1)" -- "$cur"))
		fi
		;;
	"health show" | "health del")
		[[ $n -eq 0 ]] && COMPREPLY=($(compgen -W "$(_resctl_checks "$bin")" -- "$cur"))
		;;
	"health add" | "health set")
		if [[ $n -eq 0 ]]; then
			[[ $sub == set ]] &&
				COMPREPLY=($(compgen -W "$(_resctl_checks "$bin")" -- "$cur"))
		elif (((n - 1) % 2 == 0)); then
			# "health set" checks its NAME with the module before its
			# keys, so take the keys of "health add" but metric and policy
			# (fixed once a check exists).
			COMPREPLY=($(compgen -W "$(_resctl_usage_words "$bin" "keys are " health add _ _ 1 |
				if [[ $sub == set ]]; then grep -vxE 'metric|policy'; else cat; fi)" -- "$cur"))
		else
			case $prev in
			metric) COMPREPLY=($(compgen -W "$(_resctl_metrics "$bin")" -- "$cur")) ;;
			policy) COMPREPLY=($(compgen -W "$(_resctl_policies "$bin")" -- "$cur")) ;;
			level) COMPREPLY=($(compgen -W "$(_resctl_usage_words "$bin" "levels are " degrade set _)" -- "$cur")) ;;
			enabled) COMPREPLY=($(compgen -W "$(_resctl_usage_words "$bin" "expected " health add _ metric calls enabled _)" -- "$cur")) ;;
			esac
		fi
		;;
	"degrade set")
		if [[ $n -eq 0 ]]; then
			COMPREPLY=($(compgen -W "$(_resctl_usage_words "$bin" "levels are " degrade set _)" -- "$cur"))
		elif [[ $n -eq 1 ]]; then
			COMPREPLY=($(compgen -W "--hold" -- "$cur"))
		fi
		;;
	"degrade triggers")
		if ((n % 2 == 0)); then
			COMPREPLY=($(compgen -W "$(_resctl_usage_words "$bin" "keys are " degrade triggers _ 1)" -- "$cur"))
		elif [[ $prev == enabled ]]; then
			COMPREPLY=($(compgen -W "$(_resctl_usage_words "$bin" "a list of " degrade triggers enabled _)" -- "$cur"))
		fi
		;;
	"chaos inject")
		if [[ $n -eq 0 ]]; then
			COMPREPLY=($(compgen -W "$(_resctl_policies "$bin")" -- "$cur"))
		elif [[ $n -eq 1 ]]; then
			COMPREPLY=($(compgen -W "$(_resctl_list "$bin" kinds)" -- "$cur"))
		elif (((n - 2) % 2 == 0)); then
			COMPREPLY=($(compgen -W "$(_resctl_synopsis_opts "$bin" chaos inject)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_resctl_synopsis_words "$bin" chaos inject "$prev")" -- "$cur"))
		fi
		;;
	*)
		# Any other command whose first argument is a policy name (after
		# its dash options, "policy del [--force] NAME").
		if [[ $cur == -?* ]]; then
			COMPREPLY=($(compgen -W "$(_resctl_synopsis_flags "$bin" "$section" "$sub")" -- "$cur"))
		elif [[ $n -eq 0 || ( $n -eq 1 && $prev == -* ) ]] &&
			_resctl_synopsis_args "$bin" "$section" "$sub" |
			grep -qE '^(\[-[a-z-]+\] )*\[?(NAME|POLICY)\b'; then
			COMPREPLY=($(compgen -W "$(_resctl_policies "$bin")" -- "$cur"))
		fi
		;;
	esac
	return 0
}

complete -F _resctl resctl
