#!/usr/bin/env bash
# generate.sh — the go-toml case: the test binary of github.com/pelletier/go-toml from
# Debian's /usr/share/gocode, built in GOPATH mode (GO111MODULE=off), running the
# package's own benchmarks. For each Go version, writes go1.X/:
#   build.mm.txt.gz  the -m -m log (gzip -9n) of the package's test variant, its external
#                    test package and the generated test main:
#                    go test -c -vet=off -gcflags='github.com/pelletier/go-toml=-m -m' \
#                        github.com/pelletier/go-toml
#                    (headers `# github.com/pelletier/go-toml [github.com/pelletier/go-toml.test]`,
#                    `# github.com/pelletier/go-toml_test [...]`, `# github.com/pelletier/go-toml.test`)
#   heap.pb.gz       the allocs profile written by the test binary itself:
#                    go-toml.test -test.run='^$' -test.bench=. -test.benchtime=200x \
#                        -test.memprofile=heap.pb.gz -test.memprofilerate=1
#                    built with the same flags minus -m plus
#                    -gcflags=std=-trimpath=GOROOT=>/usr/local/go (and the same -asmflags):
#                    only the standard library is rewritten (`std=`, not `all=`), so the
#                    test main keeps cmd/go's own -trimpath and is named `_testmain.go`,
#                    and the library stays /usr/share/gocode/src/github.com/pelletier/go-toml.
#   heap.expect, heap.top.txt   from real_finish (../lib.sh)
# (-vet=off: Go 1.24+ vet rejects the library's non-constant errorf formats.)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
. "$(dirname "${BASH_SOURCE[0]}")/case.conf"
real_init

lib=github.com/pelletier/go-toml
export GO111MODULE=off GOPATH="/usr/share/gocode:$scratch/gopath"
mkdir -p "$scratch/gopath" "$scratch/run"

for v in $(real_versions); do
	real_go "$v" || continue
	cd "$scratch/run"
	# 1. the log (the build cache replays it verbatim on reruns)
	if ! "$go" test -c -vet=off -gcflags="$lib=-m -m" -o "$bin/mm.test" "$lib" \
		2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		exit 1
	fi
	rm -f "$bin/mm.test"
	real_clean_log "$out/build.mm.txt"
	if grep -lF -e "$scratch" -e "$goroot/" "$out/build.mm.txt"; then
		echo "$case: go$v: the log names a directory of this machine" >&2
		exit 1
	fi
	gzip -9nf "$out/build.mm.txt"
	# 2. the profile's binary: the same code, GOROOT rewritten
	"$go" test -c -vet=off -gcflags="std='-trimpath=$real_rewrite'" \
		-asmflags="std='-trimpath=$real_rewrite'" -o "$bin/$case.test" "$lib"
	"$bin/$case.test" -test.run='^$' -test.bench=. -test.benchtime=200x \
		-test.memprofile="$out/heap.pb.gz" -test.memprofilerate=1 >&2
	cd "$case_dir"
	real_finish "$v"
	ls -l "$out" >&2
done
