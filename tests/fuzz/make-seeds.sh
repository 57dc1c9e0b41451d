#!/usr/bin/env bash
# make-seeds.sh — writes tests/fuzz/seeds/pipeline/ from the sample profiles, in the layout
# fuzz_pipeline.c reads: a profile, "\n--log--\n" and a compiler log (a -m -m text log or
# a -json file; two for a before/after pair), "\n--go--\n" and the program's main.go.
# Protobuf profiles are stored ungzipped, so that mutations reach their fields instead of
# breaking the gzip checksum; a legacy text profile is cut to its live samples (the
# zero records and the MemStats trailer make it 120 KB). One seed is made by hand: names
# with quotes, commas, percent signs, markup and invalid UTF-8 in a legacy profile and
# the log lines that name the same places.
set -euo pipefail
cd "$(dirname "$0")/.."
out=tests/fuzz/seeds/pipeline o=sample-profiles/out
rm -rf "$out"
mkdir -p "$out"
part() { printf '\n--%s--\n' "$1"; cat "$2"; }
live() { awk 'NR == 1 { print; next } /^# runtime\.MemStats/ { exit }
	/^[0-9]+: [0-9]+ \[/ { keep = $1 != "0:" } keep' "$1"; }

for s in chan_send closure_capture too_large; do
	{ zcat $o/go1.19/$s.pb.gz; part log $o/go1.19/$s.mm.txt; part go sample-profiles/$s/main.go; } \
		>"$out/$s-go1.19"
done
{ zcat $o/go1.22/append_growth.pb.gz; part log $o/go1.22/append_growth.json/main/main.json
  part go sample-profiles/append_growth/main.go; } >"$out/append_growth-go1.22-json"
{ live $o/go1.19/iface_var.heap.txt; part log $o/go1.19/iface_var.mm.txt
  part go sample-profiles/iface_var/main.go; } >"$out/iface_var-go1.19-legacy"
b=sample-profiles/budget/out/go1.22
{ zcat $b/after.pb.gz; part log $b/before.mm.txt; part log $b/after.mm.txt
  part go sample-profiles/budget/after/main.go; } >"$out/budget-after-go1.22"

{
	printf 'heap profile: 4: 4096 [4: 4096] @ heap/1\n'
	printf '1: 1024 [1: 1024] @ 0x1001 0x2001\n'
	printf '#\t0x1000\tmain.(*T).Quote"d,comma+0x10\t/src/samples/a "b",c%%25.go:42\n'
	printf '#\t0x2000\tmain.main+0x10\t/src/samples/main.go:7\n\n'
	printf '1: 1024 [1: 1024] @ 0x1002\n'
	printf '#\t0x1001\tmain.<script>alert(1)</script>+0x10\t/src/samples/<x>&y.go:43\n\n'
	printf '1: 1024 [1: 1024] @ 0x1003\n'
	printf '#\t0x1002\tmain.bad\xff\xfeutf8+0x10\t/src/samples/bad\xc3.go:44\n\n'
	printf '1: 1024 [1: 1024] @ 0x1004\n'
	printf '#\t0x1003\tmain.ctl\x01\x1b[31m+0x10\t/src/samples/main.go:9\n'
	printf '\n--log--\n'
	printf '# example.com/x\n'
	printf '/src/samples/a "b",c%%25.go:42:9: &T{...} escapes to heap\n'
	printf '/src/samples/<x>&y.go:43:2: moved to heap: <script>\n'
	printf '/src/samples/bad\xc3.go:44:13: make([]byte, n) escapes to heap\n'
	printf 'main.go:9:2: x escapes to heap:\n'
	printf 'main.go:9:2:   flow: {heap} = &x:\n'
	printf 'main.go:9:2:     from &x (address-of) at main.go:9:5\n'
	printf '\n--go--\n'
	printf 'package main\n\nfunc main() {\n\tvar x = "\xff<b>%%s"\n\n\n\n\n\tgo func() { _ = &x }()\n}\n'
} >"$out/hostile-names"
ls -l "$out"
