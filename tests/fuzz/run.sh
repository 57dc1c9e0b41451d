#!/usr/bin/env bash
# run.sh SECONDS BUILD-DIR TARGET... — runs each libFuzzer target for SECONDS from its
# seeds (the repo's sample inputs, plus ../shared/corpus when it exists). A crash, leak,
# timeout or out-of-memory input is copied into tests/fuzz/regress/TARGET/, where make check
# replays it, and the run fails.
set -uo pipefail
secs=$1 fz=$2
shift 2
shared=../shared/corpus
# the pipeline targets write a store per input: in memory when the machine has a tmpfs
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ]; then
	export TMPDIR=/dev/shm
fi
fail=0
for t in "$@"; do
	corpus=$fz/corpus/$t
	rm -rf "$fz/crash/$t"; mkdir -p "$corpus" "$fz/crash/$t"
	seeds=(tests/fuzz/regress/$t)
	case $t in
	profile) seeds+=(sample-profiles/out/go1.19 sample-profiles/out/go1.26)
		[ -d $shared/profiles ] && seeds+=($shared/profiles) ;;
	legacy) seeds+=(sample-profiles/out/go1.19/*.heap.txt) ;;
	gclog) seeds+=(sample-profiles/out/go1.26/*.mm.txt tests/data/gclog)
		[ -d $shared/escape-logs ] && seeds+=($shared/escape-logs) ;;
	gcjson) seeds+=(sample-profiles/out/*/*.json/*/*.json) ;;
	budget) seeds+=(tests/fuzz/seeds/budget) ;;
	pipeline) seeds+=(tests/fuzz/seeds/pipeline) ;;
	check) seeds+=(tests/fuzz/seeds/check tests/fuzz/seeds/budget) ;;
	esac
	# libFuzzer reads seed directories, not files: gather the files into one
	sd=$fz/seeds/$t
	rm -rf "$sd"; mkdir -p "$sd"
	for s in "${seeds[@]}"; do
		if [ -d "$s" ]; then find "$s" -type f ! -name '.*' -size -4M -exec cp -t "$sd" --backup=numbered {} +
		elif [ -f "$s" ]; then cp --backup=numbered "$s" "$sd"; fi
	done
	echo "fuzz $t: ${secs}s from $(ls "$sd" | wc -l) seeds"
	if ! "$fz/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-max_len=1048576 -artifact_prefix="$fz/crash/$t/" -print_final_stats=1 \
		"$corpus" "$sd" >"$fz/fuzz-$t.log" 2>&1; then
		fail=1
		echo "fuzz $t: FAILED, see $fz/fuzz-$t.log" >&2
		tail -n 30 "$fz/fuzz-$t.log" >&2
	fi
	for a in "$fz"/crash/"$t"/*; do
		[ -f "$a" ] || continue
		cp "$a" "tests/fuzz/regress/$t/$(basename "$a")"
		echo "fuzz $t: regression input tests/fuzz/regress/$t/$(basename "$a")" >&2
		fail=1
	done
	grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$fz/fuzz-$t.log" | sed "s/^/  $t /"
done
exit $fail
