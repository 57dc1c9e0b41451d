#!/usr/bin/env bash
# generate.sh — std-tar: archive/tar's own benchmark (the Go project's code; it lives in
# the internal test package tar), heap-profiled at
# -test.memprofilerate=1, next to the -m -m log of the compilation that produced the very
# test binary that ran them.
# Writes, per Go version V: goV/build.mm.txt, goV/heap.pb.gz, goV/heap.expect,
# goV/heap.top.txt.
# Environment: GO_VERSIONS (default: CASE_VERSIONS of case.conf), GO_TOOLCHAINS_DIR,
# ESCPROF_REAL_TMP (scratch; default ${TMPDIR:-/tmp}/escprof-real).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/case.conf"
. "$here/../lib.sh"
real_init

pkg=archive/tar
# Benchmark (in Go 1.19 and 1.26; 1.26 adds BenchmarkParsePAXTime, left out) writes and
# reads two-file USTAR, GNU and PAX archives: headers, PAX records (maps, strings), the
# reader's and writer's blocks.
bench='^Benchmark$'
# 200 iterations per sub-benchmark: the package's own lines outweigh the testing/regexp
# start-up; the profile stays small and the run takes about a second.
benchtime=200x

mkdir -p "$scratch/cwd"
for v in $(real_versions); do
	real_go "$v" || continue
	# One build gives the binary and its log: -a recompiles every package, so the log is
	# printed by this very compilation; -trimpath names std files by import path
	# (archive/tar/reader.go) in the binary, so in the profile. 'PKG=-m -m' applies to
	# PKG, its test variant and its test package. Run from an empty directory: no ./ paths.
	if ! (cd "$scratch/cwd" && "$go" test -c -a -trimpath -o "$bin/pkg.test" \
		-gcflags="$pkg=-m -m" "$pkg") 2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		exit 1
	fi
	real_clean_log "$out/build.mm.txt"
	# The benchmarks run in the package directory, as go test would run them.
	(cd "$goroot/src/$pkg" && "$bin/pkg.test" -test.run='^$' -test.bench="$bench" \
		-test.benchtime="$benchtime" -test.memprofile="$out/heap.pb.gz" \
		-test.memprofilerate=1) >&2
	real_finish "$v"
	ls -l "$out" >&2
done
