#!/usr/bin/env bash
# generate.sh — build and run the sample programs with several Go toolchains and
# write, for each Go version and scenario, into out/go<V>/:
#   <s>.mm.txt           go build -gcflags='-m -m' output, exactly as go prints it
#   <s>.json/            the -gcflags=-json=0,DIR tree (machine paths rewritten, see README)
#   <s>.pb.gz            allocs heap profile (gzip protobuf) written by the program itself
#   <s>.heap.txt         legacy text heap profile (debug=1), only for $HEAP_TEXT_VERSIONS
#   <s>.raw.txt          `go tool pprof -raw <s>.pb.gz` with the same Go version (the oracle)
#   <s>.expect           totals derived from <s>.raw.txt by awk
#   <s>.trimpath.mm.txt  -trimpath -gcflags='-m -m' output ($TRIMPATH_VERSION, some scenarios)
#   <s>.build.json       go build -json -gcflags='-m -m' output: the same diagnostics as
#                        <s>.mm.txt in build-output events ($BUILDJSON_VERSION, some scenarios)
# Runnable from any directory; every run rewrites out/go<V>/ from scratch.
#
# Environment:
#   GO_VERSIONS        Go versions to use (default "1.19 1.22 1.24 1.26")
#   GO_TOOLCHAINS_DIR  where go1.X/bin/go live (default /opt/go-toolchains); Go 1.19 is
#                      also looked up as `go` on PATH and /usr/bin/go
#   SCENARIOS          scenario directories to build (default: all of them)
#   ESCPROF_SAMPLES_TMP scratch directory for GOPATH, GOCACHE, binaries
#                      (default ${TMPDIR:-/tmp}/escprof-samples)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
cd "$here"

ALL_SCENARIOS="pointer_returned too_large nonconst_size iface_fmt iface_var closure_capture
chan_send slice_ptrs append_growth map_insert iface_method string_concat goroutine
realistic_json realistic_tokenizer"
read -r -d '' -a scenarios <<<"${SCENARIOS:-$ALL_SCENARIOS}" || true
read -r -d '' -a versions <<<"${GO_VERSIONS:-1.19 1.22 1.24 1.26}" || true
toolchains=${GO_TOOLCHAINS_DIR:-/opt/go-toolchains}
scratch=${ESCPROF_SAMPLES_TMP:-${TMPDIR:-/tmp}/escprof-samples}

HEAP_TEXT_VERSIONS=" 1.19 1.26 "
TRIMPATH_VERSION=1.26
TRIMPATH_SCENARIOS=" iface_fmt realistic_json realistic_tokenizer "
BUILDJSON_VERSION=1.26       # go build -json exists from Go 1.24
BUILDJSON_SCENARIOS=" iface_fmt realistic_json "
# Neutral names that replace this machine's directories in committed files.
SRC_ALIAS=/src/samples       # for $here (the sample-profiles directory)
GOROOT_ALIAS=/usr/local/go   # for the toolchain's GOROOT

# Only the standard library, no network, no user or ambient Go settings.
. "$here/lib.sh"
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
	bin="$scratch/bin/go$v"
	if [ -z "${SCENARIOS:-}" ]; then
		rm -rf "$out" # a full run rewrites the version's directory
	fi
	rm -rf "$bin"
	mkdir -p "$out" "$bin" "$GOCACHE"
	echo "== go$v ($go, $("$go" env GOVERSION))" >&2
	# File names inside the profiles: main packages as $SRC_ALIAS/<scenario>/main.go and
	# the standard library as $GOROOT_ALIAS/src/..., via the compiler's and assembler's
	# own -trimpath rewrite rules (so no directory of this machine is recorded).
	rewrite="$here=>$SRC_ALIAS;$goroot=>$GOROOT_ALIAS"
	here_re=$(sed_escape "$here")
	goroot_re=$(sed_escape "$goroot")
	for s in "${scenarios[@]}"; do
		[ -f "$s/main.go" ] || { echo "generate.sh: no scenario $s" >&2; exit 2; }
		echo "   $s" >&2
		rm -rf "$out/$s".*

		# 1. -m -m diagnostics as go prints them (the build cache replays them on
		# reruns); the only edit: the toolchain's GOROOT, printed in full for
		# generic code instantiated from the standard library, becomes $GOROOT_ALIAS.
		if ! "$go" build -gcflags='-m -m' -o "$bin/$s.mm" "./$s" 2>"$out/$s.mm.txt"; then
			cat "$out/$s.mm.txt" >&2
			exit 1
		fi
		rm -f "$bin/$s.mm"
		sed -i -e "s#$goroot_re#$GOROOT_ALIAS#g" "$out/$s.mm.txt"

		# 2. -json=0,DIR into a fresh directory (a new DIR also defeats the build cache).
		jdir=$(mktemp -d "$scratch/json.XXXXXX")
		"$go" build -gcflags="-json=0,$jdir" -o "$bin/$s.json" "./$s"
		rm -f "$bin/$s.json"
		if [ -z "$(find "$jdir" -type f -name '*.json' | head -n 1)" ]; then
			echo "generate.sh: go$v -json wrote nothing for $s" >&2
			exit 1
		fi
		cp -R "$jdir" "$out/$s.json"
		rm -rf "$jdir"
		chmod -R u=rwX,go=rX "$out/$s.json"
		find "$out/$s.json" -type f -name '*.json' -exec \
			sed -i -e "s#$here_re#$SRC_ALIAS#g" -e "s#$goroot_re#$GOROOT_ALIAS#g" {} +

		# 3. the profile: build normally (plus the path rewrite) and run.
		"$go" build -gcflags="all='-trimpath=$rewrite'" -asmflags="all='-trimpath=$rewrite'" \
			-o "$bin/$s" "./$s"
		args=("$out/$s.pb.gz")
		case "$HEAP_TEXT_VERSIONS" in *" $v "*) args+=("$out/$s.heap.txt") ;; esac
		"$bin/$s" "${args[@]}"

		# 4. the oracle
		"$go" tool pprof -raw "$out/$s.pb.gz" >"$out/$s.raw.txt"
		expect_from_raw <"$out/$s.raw.txt" >"$out/$s.expect"

		# 5. -trimpath variant of the log
		if [ "$v" = "$TRIMPATH_VERSION" ]; then
			case "$TRIMPATH_SCENARIOS" in *" $s "*)
				if ! "$go" build -trimpath -gcflags='-m -m' -o "$bin/$s.tp" "./$s" \
					2>"$out/$s.trimpath.mm.txt"; then
					cat "$out/$s.trimpath.mm.txt" >&2
					exit 1
				fi
				rm -f "$bin/$s.tp"
				sed -i -e "s#$goroot_re#$GOROOT_ALIAS#g" "$out/$s.trimpath.mm.txt"
				;;
			esac
		fi

		# 6. go build -json: the log of step 1 as JSON events on standard output (the
		# same toolchain and flags, so the same text; the GOROOT edit is step 1's)
		if [ "$v" = "$BUILDJSON_VERSION" ]; then
			case "$BUILDJSON_SCENARIOS" in *" $s "*)
				if ! "$go" build -json -gcflags='-m -m' -o "$bin/$s.bj" "./$s" \
					>"$out/$s.build.json"; then
					cat "$out/$s.build.json" >&2
					exit 1
				fi
				rm -f "$bin/$s.bj"
				sed -i -e "s#$goroot_re#$GOROOT_ALIAS#g" "$out/$s.build.json"
				;;
			esac
		fi
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
if grep -rlF -e "$here" out/ 2>/dev/null; then
	echo "generate.sh: the files above contain $here" >&2
	exit 1
fi
du -sh out/ >&2
