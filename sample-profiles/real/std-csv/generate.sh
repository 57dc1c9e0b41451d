#!/usr/bin/env bash
# generate.sh — std-csv: encoding/csv's own benchmarks (the Go project's code; the
# benchmarks live in the internal test package csv), heap-profiled at
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

pkg=encoding/csv
# The same benchmarks exist in Go 1.19 and 1.26. Read* parse the same 4-line input with
# and without record reuse / field counting (records, field strings, the reader's
# buffers); ReadLargeFields long lines; Write a bufio.Writer per iteration.
bench='^(BenchmarkRead|BenchmarkReadWithFieldsPerRecord|BenchmarkReadLargeFields|BenchmarkReadReuseRecord|BenchmarkWrite)$'
# 200 iterations: the package's own lines outweigh the testing/regexp start-up; the
# profile stays near 10 kB and the run takes well under a second.
benchtime=200x

for v in $(real_versions); do
	real_go "$v" || continue
	real_std_bench "$pkg" "$bench" "$benchtime"
	real_finish "$v"
	ls -l "$out" >&2
done
