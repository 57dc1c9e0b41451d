#!/usr/bin/env bash
# memcheck.sh BUILD-DIR — a subset of the suite under valgrind memcheck: every fuzz replay
# over its regression inputs and a few seeds (pipeline and check run the commands
# in-process), the CLI's main paths (decode, load, escapes, analyze, report, check, sql,
# bad input, two real-code cases with their sources), and the gclog and profile unit
# suites with the escprof processes they start. Any invalid read or write, use of
# uninitialised memory, definite leak or unexpected exit status fails the run.
set -euo pipefail
b=$1
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
s=sample-profiles/out/go1.26 o=sample-profiles/out/go1.19
n=0
run() {
	local rc=0 want=${WANT:-0}
	local opts=()
	while [[ $1 == --* ]]; do opts+=("$1"); shift; done
	"${vg[@]}" "${opts[@]}" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	n=$((n + 1))
	if [ $rc != "$want" ] || grep -q '^==[0-9]*== ' "$tmp/err"; then
		echo "memcheck: FAILED (exit $rc, want $want): $*" >&2
		cat "$tmp/err" >&2
		exit 1
	fi
}
run "$b/tests/fuzz/replay-profile" tests/fuzz/regress/profile $s/iface_fmt.pb.gz $o/map_insert.pb.gz
run "$b/tests/fuzz/replay-legacy" tests/fuzz/regress/legacy $o/chan_send.heap.txt
run "$b/tests/fuzz/replay-gclog" tests/fuzz/regress/gclog $s/iface_fmt.mm.txt $o/closure_capture.mm.txt
run "$b/tests/fuzz/replay-gcjson" tests/fuzz/regress/gcjson sample-profiles/out/go1.22/iface_fmt.json
run "$b/tests/fuzz/replay-budget" tests/fuzz/regress/budget tests/fuzz/seeds/budget
run "$b/tests/fuzz/replay-pipeline" tests/fuzz/regress/pipeline tests/fuzz/seeds/pipeline/chan_send-go1.19 \
	tests/fuzz/seeds/pipeline/hostile-names
run "$b/tests/fuzz/replay-check" tests/fuzz/regress/check tests/fuzz/seeds/check
e=./escprof
db=$tmp/m.db
run $e info $s/iface_fmt.pb.gz
run $e info --format json $o/chan_send.heap.txt
run $e load --db "$db" --name before $s/iface_fmt.pb.gz
run $e load --db "$db" $s/map_insert.pb.gz $s/closure_capture.pb.gz
run $e escapes --db "$db" $s/iface_fmt.mm.txt
run $e escapes --db "$db" sample-profiles/out/go1.22/iface_fmt.json
run $e analyze -source_path sample-profiles -trim_path /src/samples $s/iface_fmt.pb.gz $s/iface_fmt.mm.txt
run $e analyze --format json $s/closure_capture.pb.gz $s/closure_capture.mm.txt
run $e top --db "$db" -n 5
run $e report --html "$tmp/r.html" -source_path sample-profiles -trim_path /src/samples \
	$s/iface_fmt.pb.gz $s/iface_fmt.mm.txt
run $e report --db "$db" --html "$tmp/r2.html" --baseline before -n 3
run $e list --db "$db" -source_path sample-profiles -trim_path /src/samples 'main\.'
run $e sql --db "$db" "SELECT stack_id, sum(alloc_space) FROM heap_samples GROUP BY 1 ORDER BY 2 DESC LIMIT 3"
run $e diff --db "$db" --format csv before 2
printf 'total alloc_space <= 1KiB\ncause * alloc_space <= 50%%\n' >"$tmp/b.budget"
WANT=1 run $e check --db "$db" --budget "$tmp/b.budget" --format junit
# a real build with its sources: the source reading (a make's sink in a callee, maps and
# methods by declaration, literal fields) and a main package built in another directory
r=sample-profiles/real
run $e analyze -source_path build/gosrc/go1.19/src -source_path $r/mod-shop -source_path /usr/share/gocode/src \
	$r/mod-shop/go1.19/heap.pb.gz $r/mod-shop/go1.19/build.mm.txt
run $e analyze --format json -source_path /usr/share/gocode/src -source_path $r/yaml-v2 \
	$r/yaml-v2/go1.26/heap.pb.gz $r/yaml-v2/go1.26/build.mm.txt
printf 'not a profile' >"$tmp/bad.pb.gz"
WANT=3 run $e load --db "$db" "$tmp/bad.pb.gz"
WANT=3 run $e report --html "$tmp/r3.html" "$tmp/bad.pb.gz"
# two Criterion suites, the escprof processes they start included
for suite in gclog profile; do
	ESCPROF=$PWD/escprof ESCPROF_SRC=$PWD ESCPROF_GEN=$PWD/$b/gen_profile \
		run --trace-children=yes "$b/tests/suite" --jobs=1 --filter "$suite/*"
done
echo "memcheck: $n runs clean under valgrind"
