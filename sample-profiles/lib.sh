# lib.sh — what the sample generators share (sourced, not run): the Go environment
# that keeps builds local and reproducible, finding a toolchain by version, the totals
# of a `go tool pprof -raw` dump, and sed escaping. The caller sets $toolchains.

# Only the standard library, no network, no user or ambient Go settings; $1 is the
# scratch directory for GOPATH.
go_env() {
	unset GOROOT GOOS GOARCH GOEXPERIMENT GODEBUG GOGC GOMEMLIMIT GOMAXPROCS GOAMD64 GOBIN || true
	export GOPATH="$1/gopath" GOFLAGS='' GOTOOLCHAIN=local GOPROXY=off GOWORK=off \
		GO111MODULE=on CGO_ENABLED=0 GOENV=off GOTELEMETRY=off
	mkdir -p "$1"
}

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
