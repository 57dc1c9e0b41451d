#!/usr/bin/env bash
# run.sh — `make bench`: every figure is a ratio against a baseline run side by side in the
# same invocation (alternating, RUNS times, median), because these machines are noisy.
# Inputs are generated under build/bench/ (kept between runs; delete to regenerate).
#   RUNS=5 SAMPLES=287000 PROFILES=1000 bash bench/run.sh
# The main job end to end (analyze, top, report, stored size) runs on each profile of
# BENCH_PROFILES="a.pb.gz b.pb.gz" (paths from where it is run), else on the generated
# profile and the real Go heap profiles of 10k-50k samples in ../shared/corpus/profiles.
set -euo pipefail
bench_profiles=()
for f in ${BENCH_PROFILES:-}; do bench_profiles+=("$(realpath -m -- "$f")"); done
cd "$(dirname "$0")/.."
runs=${RUNS:-5}
samples=${SAMPLES:-287000}
nprof=${PROFILES:-1000}
b=build/bench
mkdir -p "$b"
esc=./escprof
m=build/measure

# median of the first field (seconds) and max of the second (KiB) over lines on stdin
median() { sort -n | awk '{t[NR]=$1; if ($2>r) r=$2} END {print t[int((NR+1)/2)], r}'; }

# time the commands in turn, RUNS rounds; prints "t1 rss1 t2 rss2 ..." (medians, max RSS)
runset() {
	local i j n=$# out="" res=()
	for ((j = 0; j < n; j++)); do res[j]=""; done
	for ((i = 0; i < runs; i++)); do
		j=0
		for c in "$@"; do
			res[j]+="$($m "$c" 2>/dev/null || true)"$'\n'
			j=$((j + 1))
		done
	done
	for ((j = 0; j < n; j++)); do out+="$(printf '%s' "${res[j]}" | median) "; done
	echo "${out% }"
}

# time A and B alternately; prints "tA rssA tB rssB"
pair() { runset "$1" "$2"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", a - b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

line() { printf '%-46s %s\n' "$1" "$2"; }

# bytes of a store on disk: the database and its write-ahead log
store_bytes() {
	local n=0 f
	for f in "$1" "$1-wal"; do
		if [ -e "$f" ]; then n=$((n + $(stat -c %s "$f"))); fi
	done
	echo "$n"
}

# ---- inputs ----
[ -s "$b/profile.pb.gz" ] || { echo "generating a $samples-sample profile..." >&2; build/gen_profile "$samples" "$b/profile.pb.gz"; }
raw_bytes=$(zcat "$b/profile.pb.gz" | wc -c)
if [ ! -s "$b/std.log" ]; then
	if command -v go >/dev/null; then
		echo "building the standard library with -m -m (a few minutes, once)..." >&2
		bash bench/std-log.sh "$b/std.log"
	else
		echo "no Go: a log made of the sample logs repeated stands in for the std log" >&2
		for i in $(seq 1 400); do cat sample-profiles/out/go*/*.mm.txt sample-profiles/std/go*/*.mm.txt; done >"$b/std.log"
	fi
fi
log_bytes=$(wc -c <"$b/std.log")
# a program-sized log: the std log up to go/types (which is most of it), whole packages
if [ ! -s "$b/pkgs.log" ]; then
	cut=$(grep -n '^# go/types$' "$b/std.log" | head -n 1 | cut -d: -f1)
	if [ -n "$cut" ] && [ "$cut" -gt 1 ]; then head -n $((cut - 1)) "$b/std.log" >"$b/pkgs.log"
	else head -c 33000000 "$b/std.log" | sed '$d' >"$b/pkgs.log"; fi
fi
pkgs_bytes=$(wc -c <"$b/pkgs.log")
# a crowded log: every block at one of three positions (what inlining and generated code
# do to a real log, taken to the extreme), claimed in reverse, by twins, by results, and
# summaries no block waits for; and the same lines spread over positions of their own.
# Crowding must cost nothing more: parsing stays linear
if [ ! -s "$b/crowded.log" ] || [ ! -s "$b/spread.log" ]; then
	for spread in 0 1; do
		awk -v n=40000 -v spread=$spread 'function at(i) { return spread ? i + 1 : 7 }
		BEGIN {
			for (i = 0; i < n; i++) printf "a.go:%d:3: v%d escapes to heap in f:\na.go:%d:3:   flow: {heap} = v%d:\n", at(i), i, at(i), i
			for (i = 0; i < n; i++) printf "a.go:%d:3: w%d escapes to heap\n", at(i), i
			for (i = n - 1; i >= 0; i--) printf "a.go:%d:3: v%d escapes to heap\n", at(i), i
			for (i = 0; i < n; i++) printf "b.go:%d:1: make([]int, n) escapes to heap in g:\n", at(i)
			for (i = 0; i < n; i++) if (spread || i == n - 1) printf "b.go:%d:1: make([]int, n) escapes to heap\n", at(i)
			for (i = 0; i < n; i++) printf "c.go:%d:2: parameter p leaks to ~r%d with derefs=0:\n", at(i), i
			for (i = 0; i < n; i++) printf "c.go:%d:2: leaking param: p\n", at(i)
			for (i = n - 1; i >= 0; i--) printf "c.go:%d:2: leaking param: p to result ~r%d level=0\n", at(i), i
		}' >"$b/$([ $spread = 1 ] && echo spread || echo crowded).log"
	done
fi

echo "escprof benchmarks: $(nproc) cores, $runs runs each, medians; ratio = escprof / baseline"
echo "inputs: $samples-sample profile ($(mb $(($(stat -c %s "$b/profile.pb.gz") / 1024))) MiB gzip, $(mb $((raw_bytes / 1024))) MiB raw); -m -m log $(mb $((log_bytes / 1024))) MiB, $(wc -l <"$b/std.log") lines"
echo "        program-sized log: the std log's packages before go/types, $(mb $((pkgs_bytes / 1024))) MiB"

# 1. decode
read -r ti ri tz rz <<<"$(pair "$esc info $b/profile.pb.gz >/dev/null" "zcat $b/profile.pb.gz >/dev/null")"
line "decode (info) vs zcat" "$ti s vs $tz s: $(ratio "$ti" "$tz")x  (goal <= 2x)"
if command -v go >/dev/null; then
	read -r tg rg <<<"$($m "go tool pprof -raw $b/profile.pb.gz >/dev/null" 2>/dev/null)"
	line "decode (info) vs go tool pprof -raw" "$ti s vs $tg s: $(ratio "$tg" "$ti")x faster  (goal >= 10x; pprof peak $(mb "$rg") MiB)"
fi
line "peak RSS of info" "$(mb "$ri") MiB = $(ratio "$((ri * 1024))" "$raw_bytes")x the raw profile  (goal <= 4x)"

# 2. load vs sqlite3 .import of the same rows
rm -f "$b/load.db"
read -r tl rl <<<"$($m "$esc load -q --db $b/load.db $b/profile.pb.gz" 2>/dev/null)"
tables="str func location stack profile sample_type sample sample_label"
# the import's target: the same tables and indexes (no views, nor the triggers on them)
schema_of() { sqlite3 "$1" "SELECT sql || ';' FROM sqlite_schema WHERE type IN ('table', 'index') AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"; }
schema_of "$b/load.db" >"$b/schema.sql"
for t in $tables; do sqlite3 -csv "$b/load.db" "SELECT * FROM $t" >"$b/$t.csv"; done
{ echo "PRAGMA user_version=$(sqlite3 "$b/load.db" "PRAGMA user_version");"; echo "BEGIN;"; for t in $tables; do echo ".import --csv $b/$t.csv $t"; done; echo "COMMIT;"; } >"$b/import.sql"
imp="rm -f $b/imp.db && sqlite3 $b/imp.db < $b/schema.sql && sqlite3 $b/imp.db < $b/import.sql"
load="rm -f $b/load.db && $esc load -q --db $b/load.db $b/profile.pb.gz"
read -r tl rl ts rs <<<"$(pair "$load" "$imp")"
line "load vs sqlite3 .import (same rows)" "$tl s vs $ts s: $(ratio "$tl" "$ts")x  (goal <= 1x: at least .import's speed)"
line "peak RSS of load" "$(mb "$rl") MiB = $(ratio "$((rl * 1024))" "$raw_bytes")x the raw profile  (goal <= 4x)"

# 3. compiler log: parse only vs grep -c; parse + store vs .import of the stored rows
read -r tp rp tgc rgc <<<"$(pair "$esc escapes --dry-run -q $b/std.log" "grep -c 'escapes to heap' $b/std.log >$b/grep.out")"
line "escapes parse-only vs grep -c" "$tp s vs $tgc s: $(ratio "$tp" "$tgc")x  (goal <= 5x)"
read -r tc rc tsp rsp <<<"$(pair "$esc escapes --dry-run -q $b/crowded.log" "$esc escapes --dry-run -q $b/spread.log")"
line "escapes parse-only, crowded log vs spread" "$tc s vs $tsp s: $(ratio "$tc" "$tsp")x  (goal <= 2x: 120,000 blocks at three positions cost what they cost apart)"
rm -f "$b/esc.db"
$esc escapes -q --db "$b/esc.db" "$b/std.log"
for t in build diagnostic flow_step; do sqlite3 -csv "$b/esc.db" "SELECT * FROM $t" >"$b/e_$t.csv"; done
schema_of "$b/esc.db" >"$b/eschema.sql"
{ echo "BEGIN;"; for t in build diagnostic flow_step; do echo ".import --csv $b/e_$t.csv $t"; done; echo "COMMIT;"; } >"$b/eimport.sql"
read -r tes res tei rei <<<"$(pair "rm -f $b/esc.db && $esc escapes -q --db $b/esc.db $b/std.log" \
	"rm -f $b/eimp.db && sqlite3 $b/eimp.db < $b/eschema.sql && sqlite3 $b/eimp.db < $b/eimport.sql")"
line "escapes parse+store vs sqlite3 .import" "$tes s vs $tei s: $(ratio "$tes" "$tei")x  (goal <= 1.5x)"
line "peak RSS of escapes" "$(mb "$res") MiB for a $(mb $((log_bytes / 1024))) MiB log"

# 4. analyze the profile with the log; top over many profiles
read -r ta ra <<<"$($m "$esc analyze -q --db $b/esc.db $b/profile.pb.gz >/dev/null" 2>/dev/null)"
line "analyze (load + join with the std log)" "$ta s, peak $(mb "$ra") MiB"
if [ ! -s "$b/many.db" ]; then
	echo "loading $nprof small profiles..." >&2
	mkdir -p "$b/many"
	for i in $(seq 1 "$nprof"); do [ -s "$b/many/$i.pb.gz" ] || build/gen_profile 300 "$b/many/$i.pb.gz" "$i"; done
	ls "$b"/many/*.pb.gz | xargs -n 200 $esc load -q --db "$b/many.db"
	$esc top -q --db "$b/many.db" -n 1 >/dev/null
fi
read -r tt rt <<<"$(pair "$esc top -q --db $b/many.db -n 20 >/dev/null" "true" | awk '{print $1, $2}')"
line "top on a store of $nprof profiles" "$tt s  (goal < 0.5 s)"

# 5. the main job end to end, per profile, against `go tool pprof -top` of the same file
corpus=../shared/corpus/profiles
if [ ${#bench_profiles[@]} -eq 0 ]; then
	bench_profiles=("$b/profile.pb.gz")
	# the corpus's Go heap profiles of 10k-50k samples (read in place, never copied)
	if [ -s "$corpus/MANIFEST.tsv" ]; then
		while IFS= read -r f; do
			if [ -s "$corpus/$f" ]; then bench_profiles+=("$corpus/$f"); fi
		done < <(awk -F'\t' '
			NR > 1 && $1 ~ /^go-heap/ && $7 ~ /(alloc|inuse)_(space|objects)/ && match($8, /samples=[0-9]+/) {
				n = substr($8, RSTART + 8, RLENGTH - 8) + 0
				if (n >= 10000 && n <= 50000) print $1
			}' "$corpus/MANIFEST.tsv")
	fi
fi
if ! command -v go >/dev/null; then
	echo "no Go: the end-to-end lines against go tool pprof -top are left out"
	bench_profiles=()
fi
pprof="go tool pprof -top"
echo "main job, per profile (goals of #15; x faster = pprof time / escprof time):"
for p in "${bench_profiles[@]}"; do
	name=$(basename "$p")
	if [ ! -s "$p" ]; then
		echo "$name: missing, skipped"
		continue
	fi
	if ! $esc analyze -q "$p" >/dev/null 2>"$b/p.err"; then
		echo "$name: escprof analyze fails, skipped: $(head -n 1 "$b/p.err")"
		continue
	fi
	praw=$(zcat -f "$p" | wc -c)
	nsamp=$($esc info "$p" | awk '/^samples:/ { print $2 }')
	echo "$name: $nsamp samples, $(mb $(($(stat -c %s "$p") / 1024))) MiB file, $(mb $((praw / 1024))) MiB raw"

	# analyze without and with a log, and the log parsed alone, around the same pprof runs
	read -r ta ra tak rak tal ral tdr rdr tpp rpp <<<"$(runset "$esc analyze -q $p >/dev/null" \
		"$esc analyze -q $p $b/pkgs.log >/dev/null" "$esc analyze -q $p $b/std.log >/dev/null" \
		"$esc escapes --dry-run -q $b/std.log" "$pprof $p >/dev/null 2>&1")"
	line "  analyze PROFILE vs $pprof" "$ta s vs $tpp s: $(ratio "$tpp" "$ta")x faster  (goal >= 5x)"
	line "  analyze PROFILE LOG vs $pprof" "$tak s vs $tpp s: $(ratio "$tpp" "$tak")x faster with the $(mb $((pkgs_bytes / 1024))) MiB log  (goal >= 5x)"
	line "" "$tal s vs $tpp s: $(ratio "$tpp" "$tal")x faster with the $(mb $((log_bytes / 1024))) MiB std log"
	tlog=$(minus "$tal" "$ta")
	line "  log parse+store+join vs escapes --dry-run" "$tlog s (analyze with - without the std log) vs $tdr s: $(ratio "$tlog" "$tdr")x  (goal <= 2x)"
	line "  peak RSS of analyze, the log's share" "$(mb $((ral - ra))) MiB ($(mb "$ral") - $(mb "$ra") MiB)  (goal <= 64 MiB)"

	# top and report on the profile stored with its analysis
	db="$b/main-$name.db"
	rm -f "$db" "$db-wal" "$db-shm"
	$esc analyze -q --db "$db" "$p" "$b/std.log" >/dev/null
	read -r tt rt th rh tpp rpp <<<"$(runset "$esc top -q --db $db >/dev/null" \
		"$esc report -q --html $b/report.html --db $db" "$pprof $p >/dev/null 2>&1")"
	line "  top (stored) vs $pprof" "$tt s vs $tpp s: $(ratio "$tpp" "$tt")x faster  (goal >= 5x)"
	line "  report --html (stored) vs $pprof" "$th s vs $tpp s: $(ratio "$tpp" "$th")x faster  (goal >= 5x)"
	rm -f "$db" "$db-wal" "$db-shm" "$b/report.html"

	# the store's size for the profile alone, in a fresh database
	rm -f "$db"
	$esc load -q --db "$db" "$p"
	dbytes=$(store_bytes "$db")
	line "  stored size (load) / raw protobuf" "$(mb $((dbytes / 1024))) MiB / $(mb $((praw / 1024))) MiB: $(ratio "$dbytes" "$praw")x  (goal <= 1.5x)"
	# and what it adds to a store that already holds other profiles (the sample
	# programs'): a fresh store's fixed pages, one per table and index, not counted
	rm -f "$db" "$db-wal" "$db-shm"
	$esc load -q --db "$db" sample-profiles/out/*/*.pb.gz
	before=$(store_bytes "$db")
	$esc load -q --db "$db" "$p"
	added=$(($(store_bytes "$db") - before))
	line "  stored size added to a store / raw" "$(mb $((added / 1024))) MiB / $(mb $((praw / 1024))) MiB: $(ratio "$added" "$praw")x"
	rm -f "$db" "$db-wal" "$db-shm"
done

# 6. fleets: the store on PostgreSQL beside SQLite, on the same profiles (under
# tests/with-postgres.sh, which `make bench` runs this in: a server of its own)
if [ -z "${ESCPROF_TEST_PG:-}" ]; then
	line "PostgreSQL" "skipped: no server (run under tests/with-postgres.sh)"
	exit 0
fi
echo "PostgreSQL vs SQLite (fleet of $nprof profiles):"
pgdb() { printf '%s/%s' "${ESCPROF_TEST_PG%/*}" "$1"; }
fresh_pg() { PGOPTIONS='-c client_min_messages=warning' psql -q "$ESCPROF_TEST_PG" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }
fresh_pg bench_empty
fresh_pg bench_load
rm -f "$b/pgload.db" "$b/pgload.db-wal" "$b/pgload.db-shm"
some=$(ls "$b"/many/*.pb.gz | sed -n 1,200p | tr "\n" " ")
read -r tpg rpg <<<"$($m "$esc load -q --db $(pgdb bench_load) $some" 2>/dev/null)"
read -r tsq rsq <<<"$($m "$esc load -q --db $b/pgload.db $some" 2>/dev/null)"
line "  load 200 profiles: PostgreSQL vs SQLite" "$tpg s vs $tsq s: $(ratio "$tpg" "$tsq")x the time"
# the whole fleet on both, labelled, each profile analysed (with no log: the cost of the
# query, not of the join, is what is measured)
if [ ! -s "$b/fleet.db" ] || [ "$(psql -Atq "$(pgdb bench_fleet)" -c "SELECT count(*) FROM analysis" 2>/dev/null || echo 0)" != "$nprof" ]; then
	echo "making the fleet on both engines..." >&2
	rm -f "$b/fleet.db" "$b/fleet.db-wal" "$b/fleet.db-shm"
	fresh_pg bench_fleet
	for db in "$b/fleet.db" "$(pgdb bench_fleet)"; do
		ls "$b"/many/*.pb.gz | awk 'NR % 2' | xargs -n 200 $esc load -q --label service=api --db "$db"
		ls "$b"/many/*.pb.gz | awk '!(NR % 2)' | xargs -n 200 $esc load -q --label service=web --db "$db"
		for i in $(seq 1 "$nprof"); do $esc top -q --db "$db" --profile "$i" -n 1 >/dev/null; done
	done
fi
read -r tsq _ tpg _ <<<"$(pair "$esc top -q --db $b/fleet.db --merge --label service=api --by cause >/dev/null" \
	"$esc top -q --db $(pgdb bench_fleet) --merge --label service=api --by cause >/dev/null")"
line "  top --merge --by cause, half of $nprof" "SQLite $tsq s, PostgreSQL $tpg s  (goal < 1 s on both)"
read -r tsq _ tpg _ <<<"$(pair "$esc top -q --db $b/fleet.db --label service=api --by cause >/dev/null" \
	"$esc top -q --db $(pgdb bench_fleet) --label service=api --by cause >/dev/null")"
line "  top --by cause, newest of a label, of $nprof" "SQLite $tsq s, PostgreSQL $tpg s  (goal < 1 s on both)"
read -r tsq _ tpg _ <<<"$(pair "$esc trend -q --db $b/fleet.db >/dev/null" "$esc trend -q --db $(pgdb bench_fleet) >/dev/null")"
line "  trend over $nprof profiles" "SQLite $tsq s, PostgreSQL $tpg s  (goal < 1 s on both)"
sq_bytes=$(store_bytes "$b/fleet.db")
pg_bytes=$(( $(psql -Atq "$ESCPROF_TEST_PG" -c "SELECT pg_database_size('bench_fleet') - pg_database_size('bench_empty')") ))
line "  stored size per profile" "SQLite $((sq_bytes / nprof / 1024)) KiB, PostgreSQL $((pg_bytes / nprof / 1024)) KiB ($(ratio "$pg_bytes" "$sq_bytes")x)"
