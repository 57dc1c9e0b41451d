#!/usr/bin/env bash
# generate.sh — std-tabwriter: text/tabwriter's own benchmarks (the Go project's code; they
# live in the external test package tabwriter_test, so some sites are in a _test package), heap-profiled at
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

pkg=text/tabwriter
# All four benchmarks (the same in Go 1.19 and 1.26) with their smaller sub-benchmarks.
bench='^(BenchmarkPyramid|BenchmarkRagged|BenchmarkCode)$'
benchtime=5x

for v in $(real_versions); do
	real_go "$v" || continue
	real_std_bench "$pkg" "$bench" "$benchtime"
	real_finish "$v"
	ls -l "$out" >&2
done
