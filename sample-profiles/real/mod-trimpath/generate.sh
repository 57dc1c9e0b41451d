#!/usr/bin/env bash
# generate.sh — mod-trimpath: module example.com/catalog, main package cmd/catalogd, using
# github.com/json-iterator/go (vendored with modern-go/reflect2 and modern-go/concurrent,
# -mod=vendor), built with -trimpath for both the log and the profile. The log covers
# main and json-iterator: Go 1.26 prints example.com/catalog/cmd/catalogd/main.go and
# github.com/json-iterator/go@v1.1.12/*.go, Go 1.19 its usual relative paths
# (cmd/catalogd/main.go, vendor/github.com/json-iterator/go/*.go); the profiles of both
# say example.com/catalog/cmd/catalogd/main.go and github.com/json-iterator/go@v1.1.12/*.go.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
real_init
. "$case_dir/case.conf"

gocode=/usr/share/gocode/src
requests=${REQUESTS:-200}
# module path, version (Debian's packages: json-iterator 1.1.12, reflect2 1.0.2,
# concurrent 1.0.3), go directive of its go.mod ("" when it has none)
deps="github.com/json-iterator/go v1.1.12 1.12
github.com/modern-go/concurrent v1.0.3 -
github.com/modern-go/reflect2 v1.0.2 1.12"

app="$scratch/app"
rm -rf "$app"
mkdir -p "$app/cmd/catalogd" "$app/vendor"
cp "$case_dir/go.mod" "$app/"
cp "$case_dir/cmd/catalogd/main.go" "$app/cmd/catalogd/"
: >"$app/vendor/modules.txt"
while read -r mod ver gov; do
	mkdir -p "$app/vendor/$mod"
	for f in "$gocode/$mod"/*.go "$gocode/$mod"/*.s; do
		[ -e "$f" ] || continue
		case "$f" in *_test.go) continue ;; esac
		cp "$f" "$app/vendor/$mod/"
	done
	cp "$gocode/$mod/LICENSE" "$app/vendor/$mod/" 2>/dev/null || true
	{
		echo "# $mod $ver"
		if [ "$gov" = - ]; then echo "## explicit"; else echo "## explicit; go $gov"; fi
		echo "$mod"
	} >>"$app/vendor/modules.txt"
done <<<"$deps"

for v in $(real_versions); do
	real_go "$v" || continue
	cd "$app"
	# 1. the log: main and the vendored json-iterator, -trimpath
	if ! "$go" build -trimpath -mod=vendor -gcflags='-m -m' -gcflags='github.com/json-iterator/go=-m -m' \
		-o "$bin/catalogd.mm" ./cmd/catalogd 2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		exit 1
	fi
	rm -f "$bin/catalogd.mm"
	real_clean_log "$out/build.mm.txt"
	gzip -9nf "$out/build.mm.txt"
	# 2. the profiled binary: -trimpath alone names every file
	"$go" build -trimpath -mod=vendor -o "$bin/catalogd" ./cmd/catalogd
	"$bin/catalogd" -page "$case_dir/catalog.json" -requests "$requests" -memprofile "$out/heap.pb.gz"
	cd "$case_dir"
	real_finish "$v" heap
done
