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
pkg=example.com/$case
export GO111MODULE=off GOPATH="/usr/share/gocode:$scratch/gopath"
drv="$scratch/gopath/src/$pkg"
rm -rf "$scratch/gopath"
mkdir -p "$drv"
cp "$case_dir/main.go" "$drv/"

for v in $(real_versions); do
	real_go "$v" || continue
	cd "$drv"
	# 1. the log (the build cache replays it verbatim on reruns)
	if ! "$go" build -gcflags="$lib=-m -m" -gcflags="$pkg=-m -m" -o "$bin/mm" . \
		2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		exit 1
	fi
	rm -f "$bin/mm"
	real_clean_log "$out/build.mm.txt"
	# the two logs together pass 4 MB: committed gzipped (checked for paths first)
	if grep -lF -e "$scratch" -e "$goroot/" "$out/build.mm.txt"; then
		echo "$case: go$v: the log names a directory of this machine" >&2
		exit 1
	fi
	gzip -9nf "$out/build.mm.txt"
	# 2. the profile's binary: the same code, this machine's directories rewritten
	rewrite="$real_rewrite;$scratch/gopath=>/go"
	"$go" build -gcflags="all='-trimpath=$rewrite'" -asmflags="all='-trimpath=$rewrite'" \
		-o "$bin/$case" .
	"$bin/$case" "$out/heap.pb.gz"
	cd "$case_dir"
	real_finish "$v"
	ls -l "$out" >&2
done
