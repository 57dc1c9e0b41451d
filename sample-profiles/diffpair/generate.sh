#!/usr/bin/env bash
# generate.sh — build the diffpair program once per Go toolchain and run it twice with
# different sizes (see README.md), writing into out/goV/:
#   diffpair.mm.txt  go build -gcflags='-m -m' output, exactly as go prints it
#                    (GOROOT -> /usr/local/go)
#   base.pb.gz       allocs profile of `diffpair base.pb.gz 1000 2000 100 0`
#   new.pb.gz        allocs profile of `diffpair new.pb.gz 3000 500 0 3`
#   P.raw.txt        `go tool pprof -raw P.pb.gz` with the same Go version (the oracle)
#   P.expect         totals derived from P.raw.txt (the awk of ../generate.sh)
# Both profiles come from one binary, so diffpair.mm.txt explains both sides.
# Runnable from any directory; every run rewrites out/goV/ from scratch.
#
# Environment:
#   GO_VERSIONS        Go versions to use (default "1.19")
#   GO_TOOLCHAINS_DIR  where go1.X/bin/go live (default /opt/go-toolchains); Go 1.19 is
#                      also looked up as `go` on PATH and /usr/bin/go
#   ESCPROF_SAMPLES_TMP scratch directory for GOPATH, GOCACHE, binaries
#                      (default ${TMPDIR:-/tmp}/escprof-samples; binaries go to
#                      bin-diffpair/goV/ there)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P) # .../sample-profiles/diffpair
module=$(cd "$here/.." && pwd -P)                     # .../sample-profiles (the module root)
cd "$module"

read -r -d '' -a versions <<<"${GO_VERSIONS:-1.19}" || true
toolchains=${GO_TOOLCHAINS_DIR:-/opt/go-toolchains}
scratch=${ESCPROF_SAMPLES_TMP:-${TMPDIR:-/tmp}/escprof-samples}

SRC_ALIAS=/src/samples     # for $module (the sample-profiles directory)
GOROOT_ALIAS=/usr/local/go # for the toolchain's GOROOT

. "$module/lib.sh"
go_env "$scratch"

found_any=0
for v in "${versions[@]}"; do
	if ! go=$(find_go "$v"); then
		echo "generate.sh: Go $v is not installed (looked for $toolchains/go$v/bin/go); skipping" >&2
		continue
	fi
	found_any=1
	goroot=$("$go" env GOROOT)
	export GOCACHE="$scratch/gocache/go$v"
	out="$here/out/go$v"
	bin="$scratch/bin-diffpair/go$v"
	rm -rf "$out" "$bin"
	mkdir -p "$out" "$bin" "$GOCACHE"
	echo "== go$v ($go, $("$go" env GOVERSION))" >&2
	rewrite="$module=>$SRC_ALIAS;$goroot=>$GOROOT_ALIAS"
	goroot_re=$(sed_escape "$goroot")

	if ! "$go" build -gcflags='-m -m' -o "$bin/diffpair.mm" ./diffpair 2>"$out/diffpair.mm.txt"; then
		cat "$out/diffpair.mm.txt" >&2
		exit 1
	fi
	rm -f "$bin/diffpair.mm"
	sed -i -e "s#$goroot_re#$GOROOT_ALIAS#g" "$out/diffpair.mm.txt"
	"$go" build -gcflags="all='-trimpath=$rewrite'" -asmflags="all='-trimpath=$rewrite'" \
		-o "$bin/diffpair" ./diffpair

	# grow shrink gone fresh: newPoint, box, scratch and table calls
	"$bin/diffpair" "$out/base.pb.gz" 1000 2000 100 0
	"$bin/diffpair" "$out/new.pb.gz" 3000 500 0 3
	for p in base new; do
		"$go" tool pprof -raw "$out/$p.pb.gz" >"$out/$p.raw.txt"
		expect_from_raw <"$out/$p.raw.txt" >"$out/$p.expect"
	done
	if grep -rlF -e "$goroot" "$out"; then
		echo "generate.sh: the files above contain the GOROOT $goroot" >&2
		exit 1
	fi
done

if [ "$found_any" = 0 ]; then
	echo "generate.sh: none of the Go versions ${versions[*]} is installed" >&2
	exit 1
fi
if grep -rlF -e "$module" "$here/out/" 2>/dev/null; then
	echo "generate.sh: the files above contain $module" >&2
	exit 1
fi
du -sh "$here/out/" >&2
