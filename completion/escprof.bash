# bash completion for escprof. The commands, each command's options and the values of
# --format and --by are asked of the escprof being completed (`escprof help --commands`,
# `escprof help --options CMD`, `escprof help CMD`), so a command or an option added
# later completes without a change here. PROFILE, LOG and other arguments complete as
# file names.

# The words of "escprof help --options CMD" without their '=' (which marks a value).
_escprof_options()
{
	local o
	for o in $("$1" help --options "$2" 2>/dev/null); do
		printf '%s\n' "${o%=}"
	done
}

# The values an option lists in CMD's help, as "--format text|json": one a line.
_escprof_values()
{
	"$1" help "$2" 2>/dev/null | grep -o -e "$3 [a-z0-9_-]*|[a-z0-9_|-]*" | head -n 1 |
		sed -e 's/^[^ ]* //' | tr '|' '\n'
}

_escprof()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev= bin=${COMP_WORDS[0]} cmd= i w
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
	case $bin in
	\~/*) bin=$HOME/${bin#\~/} ;;
	esac
	COMPREPLY=()
	# the command is the first word that is neither a global option nor its value
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--db | --format) ((i++)) ;;
		-*) ;;
		*) cmd=$w; break ;;
		esac
	done
	if [ -z "$cmd" ] || [ "$cmd" = help ]; then
		case $prev in
		--db) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return ;;
		--format) COMPREPLY=($(compgen -W "text json csv tsv" -- "$cur")); return ;;
		esac
		if [ -z "$cmd" ] && [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--db --format --quiet --help --version" -- "$cur"))
		elif [ -z "$cmd" ] || [ "$i" -eq $((COMP_CWORD - 1)) ]; then
			COMPREPLY=($(compgen -W "$("$bin" help --commands 2>/dev/null | cut -f1) $([ -z "$cmd" ] && echo help)" -- "$cur"))
		fi
		return
	fi
	case $prev in
	--format | --by)
		COMPREPLY=($(compgen -W "$(_escprof_values "$bin" "$cmd" "$prev")" -- "$cur"))
		[ "$prev" = --format ] && [ ${#COMPREPLY[@]} -eq 0 ] &&
			COMPREPLY=($(compgen -W "text json csv tsv" -- "$cur"))
		return ;;
	-sample_index | --sample_index)
		COMPREPLY=($(compgen -W "alloc_space alloc_objects inuse_space inuse_objects" -- "$cur"))
		return ;;
	-source_path | --source_path | -trim_path | --trim_path)
		COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null
		return ;;
	-*)
		# another option that takes a value: a file name is the likeliest
		if _escprof_options "$bin" "$cmd" | grep -qx -e "$prev" &&
		   "$bin" help --options "$cmd" 2>/dev/null | grep -qx -e "$prev="; then
			COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null
			return
		fi ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_escprof_options "$bin" "$cmd")" -- "$cur"))
	else
		COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null
	fi
}
complete -F _escprof escprof
