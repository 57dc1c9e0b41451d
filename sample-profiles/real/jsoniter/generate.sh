#!/usr/bin/env bash
# generate.sh — the jsoniter case: main.go (this directory) calls github.com/json-iterator/go from
# Debian's /usr/share/gocode, built in GOPATH mode (GO111MODULE=off) with the driver at
# $GOPATH/src/example.com/jsoniter. For each Go version, writes go1.X/:
#   build.mm.txt.gz  the -m -m log (gzip -9n) of github.com/json-iterator/go and the main package:
#                 cd $scratch/gopath/src/example.com/jsoniter &&
#                 go build -gcflags='github.com/json-iterator/go=-m -m' \
#                          -gcflags='example.com/jsoniter=-m -m' .
#   heap.pb.gz    the allocs profile (MemProfileRate=1) of the same program built with
#                 -gcflags=all=-trimpath=GOROOT=>/usr/local/go;$scratch/gopath=>/go
#                 (and the same -asmflags): the driver is /go/src/example.com/jsoniter/
#                 main.go, the library stays /usr/share/gocode/src/github.com/json-iterator/go/...
#   heap.expect, heap.top.txt   from real_finish (../lib.sh)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/case.conf"
real_init

lib=github.com/json-iterator/go
real_gopath_setup
for v in $(real_versions); do
	real_go "$v" || continue
	real_gopath_run "$lib"
	# the two logs together pass 4 MB: committed gzipped (checked for paths first)
	real_gzip_log "$out/build.mm.txt"
	real_finish "$v"
	ls -l "$out" >&2
done
