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
# Neutral names that replace this machine's directories in committed files.
SRC_ALIAS=/src/samples       # for $here (the sample-profiles directory)
GOROOT_ALIAS=/usr/local/go   # for the toolchain's GOROOT

# Only the standard library, no network, no user or ambient Go settings.
unset GOROOT GOOS GOARCH GOEXPERIMENT GODEBUG GOGC GOMEMLIMIT GOMAXPROCS GOAMD64 GOBIN || true
export GOPATH="$scratch/gopath" GOFLAGS='' GOTOOLCHAIN=local GOPROXY=off GOWORK=off \
	GO111MODULE=on CGO_ENABLED=0 GOENV=off GOTELEMETRY=off
mkdir -p "$scratch"

# find_go VERSION: print the path of a go command whose version is goVERSION[.x]
find_go() {
	local v=$1 c want cand=()
	if [ "$v" = 1.19 ]; then
		c=$(command -v go 2>/dev/null || true)
		[ -n "$c" ] && cand+=("$c")
		cand+=(/usr/bin/go)
	fi
	cand+=("$toolchains/go$v/bin/go")
	for c in "${cand[@]}"; do
		[ -x "$c" ] || continue
		want=$("$c" env GOVERSION 2>/dev/null || true)
		case "$want" in
		"go$v" | "go$v".*) printf '%s\n' "$c"; return 0 ;;
		esac
	done
	return 1
}

# expect_from_raw: read `go tool pprof -raw` text, print the summary lines.
# Format (google/pprof profile.(*Profile).String):
#   PeriodType: space bytes / Period: N / Time: ... / Samples:
#   <type>/<unit>[dflt] ...                      one column per sample type
#   " %10d %10d ...: <loc id> <loc id> ... "     one line per sample
#   "                bytes:[N]"                  label lines (16 spaces) after a sample
#   Locations
#   "%6d: %#x M=<m> <fn> <file>:<line>[:<col>] s=<start>"   first line of a location
#   "             <fn> <file>:<line>[:<col>] s=<start>"     13 spaces: further (inlined) lines
#   Mappings / ...
expect_from_raw() {
	awk '
	BEGIN { sec = "head"; nsamp = 0; nloc = 0; maxl = 0; cur = 0; period = "" }
	/^Period: / { period = $2; next }
	/^Samples:$/ { sec = "hdr"; next }
	sec == "hdr" {
		for (i = 1; i <= NF; i++) { t = $i; sub(/\/.*/, "", t); col[i] = t }
		ncol = NF; sec = "samples"; next
	}
	/^Locations$/ { sec = "locs"; next }
	/^Mappings$/ { sec = "maps"; next }
	sec == "samples" && /^( +-?[0-9]+)+: / {
		nsamp++
		split($0, parts, ":"); n = split(parts[1], v, " ")
		for (i = 1; i <= n && i <= ncol; i++) sum[col[i]] += v[i]
		next
	}
	sec == "locs" && /^ *[0-9]+: 0x[0-9a-f]+/ {
		if (nloc > 0 && cur > maxl) maxl = cur
		nloc++; rest = $0
		sub(/^ *[0-9]+: 0x[0-9a-f]+ (M=[0-9]+ )?(\[F\] )?/, "", rest)
		cur = (rest ~ /[^ ]/) ? 1 : 0
		next
	}
	sec == "locs" && /^             [^ ]/ { cur++; next }
	END {
		if (nloc > 0 && cur > maxl) maxl = cur
		printf "samples=%d\nlocations=%d\n", nsamp, nloc
		split("alloc_objects alloc_space inuse_objects inuse_space", names, " ")
		for (i = 1; i <= 4; i++) printf "%s=%d\n", names[i], sum[names[i]]
		printf "max_lines_per_location=%d\nperiod=%s\n", maxl, period
	}'
}

# sed_escape STRING: escape STRING for use as a literal in a sed s### pattern
sed_escape() { printf '%s' "$1" | sed -e 's/[]\/$*.^[#&]/\\&/g'; }

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
