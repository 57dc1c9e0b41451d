#!/usr/bin/env bash
# run.sh — `make bench`: every figure is a ratio against a baseline run side by side in the
# same invocation (alternating, RUNS times, median), because these machines are noisy.
# Inputs are generated under build/bench/ (kept between runs; delete to regenerate).
#   RUNS=5 SAMPLES=287000 PROFILES=1000 bash bench/run.sh
set -euo pipefail
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

# time A and B alternately; prints "tA rssA tB rssB"
pair() {
	local a=$1 bcmd=$2 i ra=() rb=()
	for ((i = 0; i < runs; i++)); do
		ra+=("$($m "$a" 2>/dev/null || true)")
		rb+=("$($m "$bcmd" 2>/dev/null || true)")
	done
	echo "$(printf '%s\n' "${ra[@]}" | median) $(printf '%s\n' "${rb[@]}" | median)"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

line() { printf '%-44s %s\n' "$1" "$2"; }

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

echo "escprof benchmarks: $(nproc) cores, $runs runs each, medians; ratio = escprof / baseline"
echo "inputs: $samples-sample profile ($(mb $(($(stat -c %s "$b/profile.pb.gz") / 1024))) MiB gzip, $(mb $((raw_bytes / 1024))) MiB raw); -m -m log $(mb $((log_bytes / 1024))) MiB, $(wc -l <"$b/std.log") lines"

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
tables="str func stack stack_frame profile sample_type profile_stack sample sample_label"
sqlite3 "$b/load.db" .schema | grep -v '^CREATE VIEW' >"$b/schema.sql" || true
for t in $tables; do sqlite3 -csv "$b/load.db" "SELECT * FROM $t" >"$b/$t.csv"; done
{ echo "PRAGMA user_version=2;"; echo "BEGIN;"; for t in $tables; do echo ".import --csv $b/$t.csv $t"; done; echo "COMMIT;"; } >"$b/import.sql"
imp="rm -f $b/imp.db && sqlite3 $b/imp.db < $b/schema.sql && sqlite3 $b/imp.db < $b/import.sql"
load="rm -f $b/load.db && $esc load -q --db $b/load.db $b/profile.pb.gz"
read -r tl rl ts rs <<<"$(pair "$load" "$imp")"
line "load vs sqlite3 .import (same rows)" "$tl s vs $ts s: $(ratio "$tl" "$ts")x  (goal <= 1.5x)"
line "peak RSS of load" "$(mb "$rl") MiB = $(ratio "$((rl * 1024))" "$raw_bytes")x the raw profile  (goal <= 4x)"

# 3. compiler log: parse only vs grep -c; parse + store vs .import of the stored rows
read -r tp rp tgc rgc <<<"$(pair "$esc escapes --dry-run -q $b/std.log" "grep -c 'escapes to heap' $b/std.log >$b/grep.out")"
line "escapes parse-only vs grep -c" "$tp s vs $tgc s: $(ratio "$tp" "$tgc")x  (goal <= 5x)"
rm -f "$b/esc.db"
$esc escapes -q --db "$b/esc.db" "$b/std.log"
for t in build diagnostic flow_step; do sqlite3 -csv "$b/esc.db" "SELECT * FROM $t" >"$b/e_$t.csv"; done
sqlite3 "$b/esc.db" .schema | grep -v '^CREATE VIEW' >"$b/eschema.sql" || true
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
