#!/usr/bin/env bash
# generate.sh — the yaml-v2 case: main.go (this directory) calls gopkg.in/yaml.v2 from
# Debian's /usr/share/gocode, built in GOPATH mode (GO111MODULE=off) with the driver at
# $GOPATH/src/example.com/yaml-v2. For each Go version, writes go1.X/:
#   build.mm.txt  the -m -m log of gopkg.in/yaml.v2 and the main package:
#                 cd $scratch/gopath/src/example.com/yaml-v2 &&
#                 go build -gcflags='gopkg.in/yaml.v2=-m -m' \
#                          -gcflags='example.com/yaml-v2=-m -m' .
#   heap.pb.gz    the allocs profile (MemProfileRate=1) of the same program built with
#                 -gcflags=all=-trimpath=GOROOT=>/usr/local/go;$scratch/gopath=>/go
#                 (and the same -asmflags): the driver is /go/src/example.com/yaml-v2/
#                 main.go, the library stays /usr/share/gocode/src/gopkg.in/yaml.v2/...
#   heap.expect, heap.top.txt   from real_finish (../lib.sh)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/case.conf"
real_init

lib=gopkg.in/yaml.v2
real_gopath_setup
for v in $(real_versions); do
	real_go "$v" || continue
	real_gopath_run "$lib"
	real_finish "$v"
	ls -l "$out" >&2
done
