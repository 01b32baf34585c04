# bash completion for hashtrack: commands, their options, and the tracked
# hashtags (from `hashtrack list --format json`). Installed by `make install`.

_hashtrack_tags()
{
	hashtrack list --format json 2>/dev/null |
		sed -n 's/.*"hashtag":[[:space:]]*"\([^"]*\)".*/\1/p'
}

_hashtrack_campaigns()
{
	hashtrack list --format json 2>/dev/null |
		sed -n 's/.*"campaign":[[:space:]]*"\([^"]*\)".*/\1/p' | sort -u
}

_hashtrack()
{
	local cur prev cmd i opts
	local commands="add remove list run report history alerts export backtest mute unmute import backup runs doctor help"
	local globals="-c --config -d --db -q --quiet -v --verbose --no-color -h --help -V --version"
	local common="-q --quiet -v --verbose --no-color -h --help"

	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	COMPREPLY=()

	# The command is the first word that is neither an option nor an option's value.
	cmd=
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-c|--config|-d|--db) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	case $prev in
	-c|--config|-d|--db)
		COMPREPLY=($(compgen -f -- "$cur"))
		return
		;;
	--format)
		case $cmd in
		report) opts="table csv json html" ;;
		export) opts="csv json" ;;
		backtest) opts="table json" ;;
		*) opts="table csv json" ;;
		esac
		COMPREPLY=($(compgen -W "$opts" -- "$cur"))
		return
		;;
	--sort)
		COMPREPLY=($(compgen -W "growth pace videos views name" -- "$cur"))
		return
		;;
	--campaign)
		# one name a line: campaign names may hold spaces
		local IFS=$'\n'
		COMPREPLY=($(compgen -W "$(_hashtrack_campaigns)" -- "$cur"))
		return
		;;
	--for|--reason)
		return
		;;
	esac

	if [ -z "$cmd" ]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$globals" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return
	fi

	case $cmd in
	add) opts="--min-videos --video-growth --view-growth --surge --campaign" ;;
	remove) opts="--purge" ;;
	list) opts="--campaign --format" ;;
	run) opts="--dry-run --all" ;;
	report) opts="--window --sort --min-growth --campaign --format" ;;
	history) opts="--since --format" ;;
	alerts) opts="test --channel --since --pending --format" ;;
	export) opts="--since --format" ;;
	backtest) opts="--since --surge --min-videos --video-growth --view-growth --campaign --format" ;;
	mute) opts="--for --reason --campaign" ;;
	unmute) opts="--campaign" ;;
	import) opts="" ;;
	backup) opts="" ;;
	runs) opts="--since --format" ;;
	doctor) opts="--online --test-channels --full" ;;
	help) COMPREPLY=($(compgen -W "$commands" -- "$cur")); return ;;
	*) return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$opts $common" -- "$cur"))
		return
	fi
	case $cmd in
	remove|run|report|history|backtest|mute|unmute)
		COMPREPLY=($(compgen -W "$(_hashtrack_tags)" -- "$cur"))
		;;
	import|backup)
		COMPREPLY=($(compgen -f -- "$cur"))
		;;
	esac
}

complete -F _hashtrack hashtrack
