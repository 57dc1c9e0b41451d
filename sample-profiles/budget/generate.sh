#!/usr/bin/env bash
# generate.sh — build and run the budget before/after pair (before/main.go and
# after/main.go, which differ only in parse: see README.md) with several Go
# toolchains and write, for each Go version V and each variant P in
# {before, after}, into out/goV/:
#   P.mm.txt   go build -gcflags='-m -m' output, exactly as go prints it (GOROOT -> /usr/local/go)
#   P.pb.gz    allocs heap profile (gzip protobuf) written by the program itself
#   P.raw.txt  `go tool pprof -raw P.pb.gz` with the same Go version
#   P.expect   totals derived from P.raw.txt by awk (the same awk as ../generate.sh)
# The packages are built from the enclosing module (../go.mod,
# example.com/escprof/samples), each copied in turn to ./budget/app, so that both logs
# start with `# example.com/escprof/samples/budget/app` and positions read
# `budget/app/main.go:L:C:`, as two commits of one program would; the profiles' files
# read /src/samples/budget/app/main.go and /usr/local/go/src/... (-trimpath rewrite).
# Runnable from any directory; every run rewrites out/goV/ from scratch, and at the
# end prints the diff of the before and after -m -m logs for each version.
#
# Environment:
#   GO_VERSIONS        Go versions to use (default "1.22 1.26")
#   GO_TOOLCHAINS_DIR  where go1.X/bin/go live (default /opt/go-toolchains); Go 1.19 is
#                      also looked up as `go` on PATH and /usr/bin/go
#   ESCPROF_SAMPLES_TMP scratch directory for GOPATH, GOCACHE, binaries
#                      (default ${TMPDIR:-/tmp}/escprof-samples; binaries go to
#                      bin-budget/goV/ there, apart from ../generate.sh's bin/)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P) # .../sample-profiles/budget
module=$(cd "$here/.." && pwd -P)                     # .../sample-profiles (the module root)
cd "$module"

read -r -d '' -a versions <<<"${GO_VERSIONS:-1.22 1.26}" || true
toolchains=${GO_TOOLCHAINS_DIR:-/opt/go-toolchains}
scratch=${ESCPROF_SAMPLES_TMP:-${TMPDIR:-/tmp}/escprof-samples}
variants=(before after)

# Neutral names that replace this machine's directories in committed files
# (the same as ../generate.sh).
SRC_ALIAS=/src/samples     # for $module (the sample-profiles directory)
GOROOT_ALIAS=/usr/local/go # for the toolchain's GOROOT

# Only the standard library, no network, no user or ambient Go settings.
. "$here/../lib.sh"
go_env "$scratch"


found_any=0
done_versions=()
for v in "${versions[@]}"; do
	if ! go=$(find_go "$v"); then
		echo "generate.sh: Go $v is not installed (looked for $toolchains/go$v/bin/go); skipping" >&2
		continue
	fi
	found_any=1
	done_versions+=("$v")
	goroot=$("$go" env GOROOT)
	export GOCACHE="$scratch/gocache/go$v"
	out="$here/out/go$v"
	bin="$scratch/bin-budget/go$v"
	rm -rf "$out" "$bin"
	mkdir -p "$out" "$bin" "$GOCACHE"
	echo "== go$v ($go, $("$go" env GOVERSION))" >&2
	rewrite="$module=>$SRC_ALIAS;$goroot=>$GOROOT_ALIAS"
	goroot_re=$(sed_escape "$goroot")
	for p in "${variants[@]}"; do
		echo "   budget/$p" >&2
		# Both versions are built as the same package, budget/app, as two commits of one
		# program would be: the same file path, the same import path.
		rm -rf "$module/budget/app"
		mkdir -p "$module/budget/app"
		cp "$here/$p/main.go" "$module/budget/app/main.go"
		# 1. -m -m diagnostics; the only edit: the toolchain's GOROOT becomes $GOROOT_ALIAS.
		if ! "$go" build -gcflags='-m -m' -o "$bin/$p.mm" "./budget/app" 2>"$out/$p.mm.txt"; then
			cat "$out/$p.mm.txt" >&2
			exit 1
		fi
		rm -f "$bin/$p.mm"
		sed -i -e "s#$goroot_re#$GOROOT_ALIAS#g" "$out/$p.mm.txt"

		# 2. the profile: build normally (plus the path rewrite) and run.
		"$go" build -gcflags="all='-trimpath=$rewrite'" -asmflags="all='-trimpath=$rewrite'" \
			-o "$bin/$p" "./budget/app"
		rm -rf "$module/budget/app"
		"$bin/$p" "$out/$p.pb.gz"

		# 3. the oracle
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

# No directory of this machine may end up in the committed files.
if grep -rlF -e "$module" "$here/out/" 2>/dev/null; then
	echo "generate.sh: the files above contain $module" >&2
	exit 1
fi

# The expected difference between the two logs (see README.md).
for v in "${done_versions[@]}"; do
	echo "== go$v: diff of the -m -m logs (budget/before -> budget/after)" >&2
	diff "$here/out/go$v/before.mm.txt" "$here/out/go$v/after.mm.txt" >&2 || true
done
du -sh "$here/out/" >&2
