#!/usr/bin/env bash
# generate.sh — mod-tools: one module (example.com/tomltools, in a directory named tree)
# holding two main packages, go-toml's own cmd/tomljson and cmd/tomll (copied unchanged from
# /usr/share/gocode, plus our profile.go in each), github.com/pelletier/go-toml vendored.
# One log for both mains (`go build -gcflags='-m -m' ./cmd/...`: headers
# `# example.com/tomltools/cmd/tomljson` and `# example.com/tomltools/cmd/tomll`, paths
# cmd/tomljson/main.go, cmd/tomll/main.go), two profiles per version whose symbols both say
# main.* and whose paths are /build/tree/cmd/<tool>/main.go.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
real_init
. "$case_dir/case.conf"

gocode=/usr/share/gocode/src
toml=github.com/pelletier/go-toml
toml_version=v1.9.4 # Debian's golang-github-pelletier-go-toml-dev 1.9.4
loops=${LOOPS:-300}

# The module: go.mod, cmd/{tomljson,tomll}/{main.go (go-toml's),profile.go (ours)}, vendor/.
work="$scratch/tree"
rm -rf "$work"
mkdir -p "$work/vendor/$toml"
cp "$case_dir/go.mod" "$work/"
for t in tomljson tomll; do
	mkdir -p "$work/cmd/$t"
	cp "$gocode/$toml/cmd/$t/main.go" "$case_dir/cmd/$t/profile.go" "$work/cmd/$t/"
done
for f in "$gocode/$toml"/*.go; do
	case "$f" in *_test.go) continue ;; esac
	cp "$f" "$work/vendor/$toml/"
done
cp "$gocode/$toml/LICENSE" "$work/vendor/$toml/" 2>/dev/null || true
cat >"$work/vendor/modules.txt" <<MOD
# $toml $toml_version
## explicit; go 1.12
$toml
MOD

for v in $(real_versions); do
	real_go "$v" || continue
	cd "$work"
	# 1. one log for both main packages
	if ! "$go" build -mod=vendor -gcflags='-m -m' -o "$bin/" ./cmd/... 2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		exit 1
	fi
	rm -f "$bin/tomljson" "$bin/tomll"
	real_clean_log "$out/build.mm.txt"
	# 2. the profiled binaries: scratch recorded as /build (as real_clean_log does for logs),
	# so the paths read /build/tree/cmd/<tool>/main.go; GOROOT as /usr/local/go
	rewrite="$scratch=>/build;$real_rewrite"
	"$go" build -mod=vendor -gcflags="all='-trimpath=$rewrite'" -asmflags="all='-trimpath=$rewrite'" \
		-o "$bin/" ./cmd/...
	cd "$case_dir"
	for t in $CASE_PROFILES; do
		TOMLTOOLS_MEMPROFILE="$out/$t.pb.gz" TOMLTOOLS_INPUT="$case_dir/input.toml" \
			TOMLTOOLS_LOOPS="$loops" "$bin/$t"
		real_finish "$v" "$t"
	done
done
