#!/usr/bin/env bash
# generate.sh — heap profiles of standard-library benchmarks, joined with the -m -m
# output of the compilation that produced the very test binary that ran them.
# For each Go version V and package P (file stem N = P with / replaced by _) it writes
# into go<V>/:
#   N.mm.txt   stderr of `go test -c -a -trimpath -gcflags='P/...=-m -m' P`, as go prints it
#              (Go 1.19 only: GOROOT -> /usr/local/go and the work directory -> $WORK)
#   N.pb.gz    -test.memprofile of a few benchmarks of that binary, -test.memprofilerate=1
#   N.raw.txt  `go tool pprof -raw N.pb.gz` with the same Go version (the oracle)
#   N.expect   totals derived from N.raw.txt by awk (same awk as ../generate.sh)
# Runnable from any directory; every run rewrites go<V>/ (or only the files of $PACKAGES).
#
# Environment:
#   GO_VERSIONS        Go versions to use (default "1.19 1.26")
#   GO_TOOLCHAINS_DIR  where go1.X/bin/go live (default /opt/go-toolchains); Go 1.19 is
#                      also looked up as `go` on PATH and /usr/bin/go
#   PACKAGES           packages to do (default "encoding/json go/parser regexp")
#   ESCPROF_STD_TMP    scratch directory for GOPATH, GOCACHE, test binaries
#                      (default ${TMPDIR:-/tmp}/escprof-std)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$here"

ALL_PACKAGES="encoding/json go/parser regexp"
read -r -d '' -a packages <<<"${PACKAGES:-$ALL_PACKAGES}" || true
read -r -d '' -a versions <<<"${GO_VERSIONS:-1.19 1.26}" || true
toolchains=${GO_TOOLCHAINS_DIR:-/opt/go-toolchains}
scratch=${ESCPROF_STD_TMP:-${TMPDIR:-/tmp}/escprof-std}

# Neutral name that replaces the toolchain's GOROOT in the Go 1.19 logs.
GOROOT_ALIAS=/usr/local/go

# bench_args PACKAGE: the -test.* flags choosing the benchmarks (the same for every Go
# version; all these benchmarks exist in Go 1.19 and 1.26).
bench_args() {
	case "$1" in
	encoding/json)
		printf '%s\n' \
			'-test.bench=^(BenchmarkCodeEncoder|BenchmarkCodeMarshal|BenchmarkCodeDecoder|BenchmarkUnmarshalString|BenchmarkUnmarshalInt64|BenchmarkIssue10335|BenchmarkUnmapped|BenchmarkEncodeMarshaler)$' \
			'-test.benchtime=10x' ;;
	go/parser)
		# BenchmarkParse alone: ParseFile with object resolution, i.e. what ParseOnly and
		# Resolve do separately; their deep recursive stacks would triple the samples
		printf '%s\n' \
			'-test.bench=^BenchmarkParse$' \
			'-test.benchtime=10x' ;;
	regexp)
		# -test.short: BenchmarkMatch skips the texts above 1 KiB (and does not build the 32 MiB one)
		printf '%s\n' \
			'-test.bench=^(BenchmarkCompile|BenchmarkMatch|BenchmarkFind|BenchmarkFindStringSubmatch|BenchmarkReplaceAll|BenchmarkQuoteMetaAll)$' \
			'-test.benchtime=200x' '-test.short' ;;
	*)
		echo "generate.sh: no benchmarks chosen for $1" >&2
		return 1 ;;
	esac
}

# Only the standard library, no network, no user or ambient Go settings.
. "$here/../lib.sh"
go_env "$scratch"
unset GOTMPDIR || true
mkdir -p "$scratch/cwd"


found_any=0
for v in "${versions[@]}"; do
	if ! go=$(find_go "$v"); then
		echo "generate.sh: Go $v is not installed (looked for $toolchains/go$v/bin/go); skipping" >&2
		continue
	fi
	found_any=1
	goroot=$("$go" env GOROOT)
	goroot_re=$(sed_escape "$goroot")
	export GOCACHE="$scratch/gocache/go$v"
	out="$here/go$v"
	bin="$scratch/bin/go$v"
	if [ -z "${PACKAGES:-}" ]; then
		rm -rf "$out" # a full run rewrites the version's directory
	fi
	rm -rf "$bin"
	mkdir -p "$out" "$bin" "$GOCACHE"
	echo "== go$v ($go, $("$go" env GOVERSION))" >&2
	for p in "${packages[@]}"; do
		n=${p//\//_}
		mapfile -t bargs < <(bench_args "$p")
		[ "${#bargs[@]}" -gt 0 ] || exit 2
		[ -d "$goroot/src/$p" ] || { echo "generate.sh: no package $p in $goroot" >&2; exit 2; }
		echo "   $p" >&2
		rm -f "$out/$n".*

		# 1. One build gives both the test binary and the log. -gcflags='P/...=-m -m' applies
		# to P and the packages below it (regexp/syntax), to its test variants (P [P.test], P_test [P.test]) and to the generated
		# main package P.test. -trimpath makes every file name in the binary (so in the
		# profile) relative: encoding/json/encode.go, runtime/proc.go, _testmain.go.
		# -a recompiles everything, so the log is printed by this compilation. The go
		# command runs in an empty scratch directory, so it prints no ./ paths.
		if ! (cd "$scratch/cwd" && "$go" test -c -a -trimpath -o "$bin/$n.test" \
			-gcflags="$p/...=-m -m" "$p") 2>"$out/$n.mm.txt"; then
			cat "$out/$n.mm.txt" >&2
			exit 1
		fi
		# Go 1.26 prints the trimmed file names itself. Go 1.19 prints the files of P as
		# $GOROOT/src/P/F.go and _testmain.go in the temporary work directory (either as
		# /tmp/go-buildNNN/b001/_testmain.go or relative to the current directory, then
		# with the slash lost: ../go-buildNNN/b001_testmain.go). The only edits:
		# GOROOT -> $GOROOT_ALIAS, and that work directory -> $WORK (the go command's own
		# name for it), giving $WORK/b001/_testmain.go.
		# shellcheck disable=SC2016 # $WORK is literal text
		sed -i -e "s#$goroot_re#$GOROOT_ALIAS#g" \
			-e 's#\([^ ]*/\)\{0,1\}go-build[0-9]*/\(b[0-9]*\)/\{0,1\}_testmain\.go#$WORK/\2/_testmain.go#g' \
			"$out/$n.mm.txt"
		if grep -n -m 5 -e 'go-build[0-9]' -e '^\.\.\{0,1\}/' "$out/$n.mm.txt" >&2; then
			echo "generate.sh: go$v $p: unexpected paths in $n.mm.txt (above)" >&2
			exit 1
		fi

		# 2. The benchmarks, run in the package directory (testdata, ../printer/nodes.go).
		(cd "$goroot/src/$p" && "$bin/$n.test" -test.run='^$' "${bargs[@]}" \
			-test.memprofile="$out/$n.pb.gz" -test.memprofilerate=1) >&2
		case "$(od -An -tx1 -N2 "$out/$n.pb.gz" | tr -d ' ')" in
		1f8b) ;;
		*) echo "generate.sh: $n.pb.gz is not gzip" >&2; exit 1 ;;
		esac

		# 3. The oracle.
		"$go" tool pprof -raw "$out/$n.pb.gz" >"$out/$n.raw.txt"
		expect_from_raw <"$out/$n.raw.txt" >"$out/$n.expect"
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

# No directory of this checkout may end up in the committed files.
if grep -rlF -e "$here" go1.* 2>/dev/null; then
	echo "generate.sh: the files above contain $here" >&2
	exit 1
fi
# Every file stays below 4 MB.
if find go1.* -type f -size +4000k | grep .; then
	echo "generate.sh: the files above are larger than 4 MB" >&2
	exit 1
fi
du -sh go1.* >&2
