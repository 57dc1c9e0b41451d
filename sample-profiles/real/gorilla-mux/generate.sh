#!/usr/bin/env bash
# generate.sh — the gorilla-mux case: main.go (this directory) calls github.com/gorilla/mux from
# Debian's /usr/share/gocode, built in GOPATH mode (GO111MODULE=off) with the driver at
# $GOPATH/src/example.com/gorilla-mux. For each Go version, writes go1.X/:
#   build.mm.txt  the -m -m log of github.com/gorilla/mux and the main package:
#                 cd $scratch/gopath/src/example.com/gorilla-mux &&
#                 go build -gcflags='github.com/gorilla/mux=-m -m' \
#                          -gcflags='example.com/gorilla-mux=-m -m' .
#   heap.pb.gz    the allocs profile (MemProfileRate=1) of the same program built with
#                 -gcflags=all=-trimpath=GOROOT=>/usr/local/go;$scratch/gopath=>/go
#                 (and the same -asmflags): the driver is /go/src/example.com/gorilla-mux/
#                 main.go, the library stays /usr/share/gocode/src/github.com/gorilla/mux/...
#   heap.expect, heap.top.txt   from real_finish (../lib.sh)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/case.conf"
real_init

lib=github.com/gorilla/mux
real_gopath_setup
for v in $(real_versions); do
	real_go "$v" || continue
	real_gopath_run "$lib"
	real_finish "$v"
	ls -l "$out" >&2
done
