#!/usr/bin/env bash
# generate.sh — mod-shop: a module-mode main package at the module root (module
# example.com/shop, built in a directory named src), gopkg.in/ini.v1 vendored (-mod=vendor).
# The log covers main and the vendored package: its headers are `# gopkg.in/ini.v1`
# (paths vendor/gopkg.in/ini.v1/*.go) and `# example.com/shop` (paths ./main.go), while the
# profile's symbols say main.* and gopkg.in/ini%2ev1.*, its paths /src/main.go and
# /src/vendor/gopkg.in/ini.v1/*.go (the compiler's -trimpath rewrite of the build directory).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
real_init
. "$case_dir/case.conf"

gocode=/usr/share/gocode/src
ini_version=v1.66.2 # Debian's golang-gopkg-ini.v1-dev 1.66.2
reloads=${RELOADS:-300}

# The module as a team checks it out: go.mod, main.go and vendor/ in a directory named src.
src="$scratch/src"
rm -rf "$src"
mkdir -p "$src/vendor/gopkg.in/ini.v1"
cp "$case_dir/go.mod" "$case_dir/main.go" "$src/"
for f in "$gocode"/gopkg.in/ini.v1/*.go; do
	case "$f" in *_test.go) continue ;; esac
	cp "$f" "$src/vendor/gopkg.in/ini.v1/"
done
cp "$gocode/gopkg.in/ini.v1/LICENSE" "$src/vendor/gopkg.in/ini.v1/" 2>/dev/null || true
cat >"$src/vendor/modules.txt" <<MOD
# gopkg.in/ini.v1 $ini_version
## explicit
gopkg.in/ini.v1
MOD

for v in $(real_versions); do
	real_go "$v" || continue
	cd "$src"
	# 1. the log: main (the package named on the command line) and the vendored ini.v1
	if ! "$go" build -mod=vendor -gcflags='-m -m' -gcflags='gopkg.in/ini.v1=-m -m' \
		-o "$bin/shop.mm" . 2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		exit 1
	fi
	rm -f "$bin/shop.mm"
	real_clean_log "$out/build.mm.txt"
	# 2. the profiled binary: the build directory recorded as /src, GOROOT as /usr/local/go
	rewrite="$src=>/src;$real_rewrite"
	"$go" build -mod=vendor -gcflags="all='-trimpath=$rewrite'" -asmflags="all='-trimpath=$rewrite'" \
		-o "$bin/shop" .
	"$bin/shop" -config "$case_dir/shop.ini" -reloads "$reloads" -memprofile "$out/heap.pb.gz"
	cd "$case_dir"
	real_finish "$v" heap
done
