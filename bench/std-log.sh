#!/usr/bin/env bash
# std-log.sh OUT — the Go standard library's -m -m log with the installed Go (the
# performance issue's reference input: Go 1.19 gives ~220 MB, 1.9 M lines). Kept as OUT;
# rerun only when OUT is missing.
set -euo pipefail
out=$1
[ -s "$out" ] && exit 0
command -v go >/dev/null || { echo "std-log.sh: no go on PATH" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && GOFLAGS= GOCACHE="$tmp/cache" GOPATH="$tmp/gopath" go build -a -gcflags=all='-m -m' std) 2>"$out.tmp"
mv "$out.tmp" "$out"
