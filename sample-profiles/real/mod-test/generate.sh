#!/usr/bin/env bash
# generate.sh — mod-test: a `go test -c` binary of a module package. Module example.com/x
# (in a directory named x), package codec (a thin wrapper of gopkg.in/yaml.v2, vendored,
# -mod=vendor) with an internal test file and an external codec_test package whose
# benchmarks decode and encode through yaml.v2. The log (`go test -c -gcflags='-m -m'
# ./codec`) has `# example.com/x/codec [example.com/x/codec.test]` and
# `# example.com/x/codec_test [example.com/x/codec.test]` headers with paths
# codec/*.go; the profile (written by the test binary: -test.memprofile,
# -test.memprofilerate=1) has example.com/x/codec_test.Benchmark* and
# example.com/x/codec.* frames with paths /src/x/codec/*.go.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
real_init
. "$case_dir/case.conf"

gocode=/usr/share/gocode/src
yaml_version=v2.4.0 # Debian's golang-gopkg-yaml.v2-dev 2.4.0
benchtime=${BENCHTIME:-200x}

x="$scratch/x"
rm -rf "$x"
mkdir -p "$x/codec" "$x/vendor/gopkg.in/yaml.v2"
cp "$case_dir/go.mod" "$x/"
cp "$case_dir"/codec/*.go "$x/codec/"
for f in "$gocode"/gopkg.in/yaml.v2/*.go; do
	case "$f" in *_test.go) continue ;; esac
	cp "$f" "$x/vendor/gopkg.in/yaml.v2/"
done
cp "$gocode/gopkg.in/yaml.v2/LICENSE" "$x/vendor/gopkg.in/yaml.v2/" 2>/dev/null || true
cat >"$x/vendor/modules.txt" <<MOD
# gopkg.in/yaml.v2 $yaml_version
## explicit; go 1.15
gopkg.in/yaml.v2
MOD
# go's work directory (where _testmain.go is generated) at a known place, so that the
# profiled binary's -trimpath rewrite can name it /tmp/go-buildNNN/...
export GOTMPDIR="$scratch/gotmp"
mkdir -p "$GOTMPDIR"

for v in $(real_versions); do
	real_go "$v" || continue
	cd "$x"
	# 1. the log: the package under test and its external test package, as go test builds them
	if ! "$go" test -c -mod=vendor -gcflags='-m -m' -o "$bin/codec.test.mm" ./codec 2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		exit 1
	fi
	rm -f "$bin/codec.test.mm"
	real_clean_log "$out/build.mm.txt"
	# 2. the profiled test binary: the module recorded as /src/x, go's work directory as
	# /tmp, GOROOT as /usr/local/go
	rewrite="$x=>/src/x;$GOTMPDIR=>/tmp;$real_rewrite"
	"$go" test -c -mod=vendor -gcflags="all='-trimpath=$rewrite'" -asmflags="all='-trimpath=$rewrite'" \
		-o "$bin/codec.test" ./codec
	(cd "$x/codec" && "$bin/codec.test" -test.run='^$' -test.bench=. -test.benchtime="$benchtime" \
		-test.memprofilerate=1 -test.memprofile="$out/heap.pb.gz" >/dev/null)
	cd "$case_dir"
	real_finish "$v" heap
done
