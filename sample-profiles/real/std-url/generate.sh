#!/usr/bin/env bash
# generate.sh — std-url: net/url's own benchmarks (the Go project's code; they live in
# the internal test package url), heap-profiled at -test.memprofilerate=1, next to the
# -m -m log of the compilation that produced the very test binary that ran them, built
# with -gcflags=all='-m -m': every package of the binary (runtime, fmt, testing, ...) is
# in the log, so the dependencies' own diagnostics are loaded. The log is 13-20 MB, so it
# is committed gzip-compressed (gzip -9n: no name, no time stamp).
# Writes, per Go version V: goV/build.mm.txt.gz, goV/heap.pb.gz, goV/heap.expect,
# goV/heap.top.txt.
# Environment: GO_VERSIONS (default: CASE_VERSIONS of case.conf), GO_TOOLCHAINS_DIR,
# ESCPROF_REAL_TMP (scratch; default ${TMPDIR:-/tmp}/escprof-real).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$here/case.conf"
. "$here/../lib.sh"
real_init

pkg=net/url
# The escaping and unescaping benchmarks, String (which parses every URL of the tests
# first, so Parse is in the profile too) and ResolvePath; all exist in Go 1.19 and 1.26
# (1.26 adds BenchmarkEncodeQuery, left out). The pattern is one-pass (no two
# alternatives start alike): the testing package matches it at every b.Run, and a
# backtracking match would put 36 kB of regexp state per sub-benchmark in the profile.
bench='^Benchmark(String|ResolvePath|(Query|Path)(Escape|Unescape))$'
# 1000 iterations: the package's own lines outweigh the testing start-up and the b.Run
# bookkeeping; the profile stays small and the run takes a few seconds.
benchtime=1000x

for v in $(real_versions); do
	real_go "$v" || continue
	# 'all=-m -m': every package of the binary in the log, compressed
	real_std_bench "$pkg" "$bench" "$benchtime" 'all=-m -m'
	real_gzip_log "$out/build.mm.txt"
	real_finish "$v"
	ls -l "$out" >&2
done
