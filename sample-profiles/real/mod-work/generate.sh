#!/usr/bin/env bash
# generate.sh — mod-work: a go.work workspace of two modules, the driver
# (example.com/routedemo in app/) and a copy of github.com/gorilla/mux as its own module
# (mux/, its own go.mod; copied from /usr/share/gocode, not committed). Built from app/, the
# log covers both modules (-gcflags by pattern): `# github.com/gorilla/mux` with paths
# ../mux/*.go and `# example.com/routedemo` with ./main.go; the profile's symbols say
# github.com/gorilla/mux.* and main.*, its paths /ws/mux/*.go and /ws/app/main.go (the
# compiler's -trimpath rewrite of the workspace directory).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
real_init
. "$case_dir/case.conf"

gocode=/usr/share/gocode/src
rounds=${ROUNDS:-1000}

ws="$scratch/ws"
rm -rf "$ws"
mkdir -p "$ws/app" "$ws/mux"
cp "$case_dir/go.work" "$ws/"
cp "$case_dir/app/go.mod" "$case_dir/app/main.go" "$ws/app/"
for f in "$gocode/github.com/gorilla/mux"/*.go "$gocode/github.com/gorilla/mux/go.mod"; do
	case "$f" in *_test.go) continue ;; esac
	cp "$f" "$ws/mux/"
done
cp "$gocode/github.com/gorilla/mux/LICENSE" "$ws/mux/" 2>/dev/null || true
export GOWORK="$ws/go.work" # lib.sh's go_env says off

for v in $(real_versions); do
	real_go "$v" || continue
	cd "$ws/app"
	# 1. the log: both workspace modules, nothing else
	if ! "$go" build -gcflags='example.com/routedemo/...=-m -m' -gcflags='github.com/gorilla/mux/...=-m -m' \
		-o "$bin/routedemo.mm" . 2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		exit 1
	fi
	rm -f "$bin/routedemo.mm"
	real_clean_log "$out/build.mm.txt"
	# 2. the profiled binary: the workspace recorded as /ws, GOROOT as /usr/local/go
	rewrite="$ws=>/ws;$real_rewrite"
	"$go" build -gcflags="all='-trimpath=$rewrite'" -asmflags="all='-trimpath=$rewrite'" \
		-o "$bin/routedemo" .
	"$bin/routedemo" -rounds "$rounds" -memprofile "$out/heap.pb.gz"
	cd "$case_dir"
	real_finish "$v" heap
done
