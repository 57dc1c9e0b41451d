#!/usr/bin/env bash
# generate.sh — std-printer: go/printer's own file-printing benchmark (the Go project's
# code; it lives in the internal test package printer), heap-profiled at
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

pkg=go/printer
# The benchmark that prints testdata/parser.go (parsed once by initialize) to
# io.Discard: BenchmarkPrint in Go 1.19, renamed BenchmarkPrintFile by Go 1.26 (which
# adds BenchmarkPrintDecl, left out). The pattern matches the one that exists.
bench='^BenchmarkPrint(File)?$'
# Enough iterations that printing (per iteration) outweighs the one parse of the input
# by initialize, which then drops out of the top 15: Go 1.19's printer allocates about
# 480 kB per file, 1.26's about 110 kB (pooled buffers), so 1.26 needs more. The runs take
# 20-60 seconds at -test.memprofilerate=1.
benchtime_for() {
	case "$1" in
	1.19) echo 300x ;;
	*) echo 3500x ;;
	esac
}

for v in $(real_versions); do
	real_go "$v" || continue
	real_std_bench "$pkg" "$bench" "$(benchtime_for "$v")"
	real_finish "$v"
	ls -l "$out" >&2
done
