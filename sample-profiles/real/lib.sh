# lib.sh — what the real-code cases' generate.sh scripts share (sourced, not run).
# A case script calls, in order:
#   real_init                  # from the case directory's generate.sh: sets $case_dir,
#                              # $case (its name), $scratch, the clean Go environment
#   for v in $(real_versions); do
#     real_go "$v" || continue # sets $go, $goroot, $GOCACHE, $out (= $case_dir/go$v), $bin
#     ... build with -m -m into "$out/build.mm.txt", run, write "$out/heap.pb.gz" ...
#     real_clean_log "$out/build.mm.txt"   # GOROOT and scratch paths made neutral
#     real_finish "$v" [NAME]  # for NAME.pb.gz (default heap): the pprof -raw oracle (in
#                              # scratch), NAME.expect, NAME.top.txt; path and size checks
#   done
# Neutral names replace this machine's directories in committed files: the toolchain's
# GOROOT becomes /usr/local/go (use $real_rewrite in -gcflags/-asmflags all=-trimpath=...
# for the profile's binary), and a case's own build directory becomes whatever the case
# chooses (/app, /src, ...), again through the compiler's -trimpath rewrite.

real_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
. "$real_lib_dir/../lib.sh"

GOROOT_ALIAS=/usr/local/go

real_init() {
	case_dir=$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd -P)
	case=$(basename "$case_dir")
	toolchains=${GO_TOOLCHAINS_DIR:-/opt/go-toolchains}
	scratch=${ESCPROF_REAL_TMP:-${TMPDIR:-/tmp}/escprof-real}/$case
	go_env "$scratch"
	unset GOTMPDIR || true
	mkdir -p "$scratch"
}

# The Go versions this case is generated with: $GO_VERSIONS, else the case's own
# $CASE_VERSIONS, else 1.19 and 1.26.
real_versions() {
	echo "${GO_VERSIONS:-${CASE_VERSIONS:-1.19 1.26}}"
}

real_go() {
	local v=$1
	if ! go=$(find_go "$v"); then
		echo "$case: Go $v is not installed (looked for $toolchains/go$v/bin/go); skipping" >&2
		return 1
	fi
	goroot=$("$go" env GOROOT)
	export GOCACHE="$scratch/gocache/go$v"
	out="$case_dir/go$v"
	bin="$scratch/bin/go$v"
	rm -rf "$out" "$bin"
	mkdir -p "$out" "$bin" "$GOCACHE"
	# for -gcflags/-asmflags all=-trimpath=$real_rewrite: GOROOT as /usr/local/go
	real_rewrite="$goroot=>$GOROOT_ALIAS"
	echo "== $case go$v ($("$go" env GOVERSION))" >&2
}

# Replaces the toolchain's GOROOT, the scratch directory and go's $WORK directories in a
# log written by the compiler, in place.
real_clean_log() {
	local f=$1
	sed -i -e "s#$(sed_escape "$goroot")#$GOROOT_ALIAS#g" \
		-e "s#$(sed_escape "$scratch")#/build#g" \
		-e 's#\([^ ]*/\)\{0,1\}go-build[0-9]*/\(b[0-9]*\)/\{0,1\}_testmain\.go#$WORK/\2/_testmain.go#g' \
		"$f"
}

# The oracle files of one profile: the -raw dump (kept in scratch: it is big), the
# totals (NAME.expect) and the top sites by the user's packages (NAME.top.txt, from
# sites.py with $CASE_USER). Fails when a committed file names a directory of this machine or is 4 MB
# or larger.
real_finish() {
	local v=$1 name=${2:-heap} u args=()
	local raw="$scratch/go$v.$name.raw.txt"
	case "$(od -An -tx1 -N2 "$out/$name.pb.gz" | tr -d ' ')" in
	1f8b) ;;
	*) echo "$case: go$v $name.pb.gz is not gzip" >&2; return 1 ;;
	esac
	"$go" tool pprof -raw "$out/$name.pb.gz" >"$raw" 2>/dev/null
	expect_from_raw <"$raw" >"$out/$name.expect"
	for u in $CASE_USER; do args+=(--user "$u"); done
	python3 "$real_lib_dir/sites.py" "$raw" "${args[@]}" -n 15 >"$out/$name.top.txt"
	# source paths only: the mapping names the binary that ran, in scratch
	if sed '/^Mappings$/,$d' "$raw" | grep -qF -e "$scratch" -e "$goroot/" -e "$real_lib_dir"; then
		echo "$case: go$v: the profile names a directory of this machine:" >&2
		sed '/^Mappings$/,$d' "$raw" | grep -oF -e "$scratch" -e "$goroot/" -e "$real_lib_dir" |
			sort | uniq -c >&2
		return 1
	fi
	if grep -rlF -e "$scratch" -e "$goroot/" -e "$real_lib_dir" "$out"; then
		echo "$case: go$v: the files above name a directory of this machine" >&2
		return 1
	fi
	if find "$out" -type f -size +4000k | grep .; then
		echo "$case: go$v: the files above are 4 MB or larger (compress the log: gzip -9n)" >&2
		return 1
	fi
}

# real_std_bench PKG BENCH BENCHTIME [GCFLAGS]: a standard-library package's own
# benchmarks, for the version real_go chose. One build gives the test binary and its log
# ($out/build.mm.txt): -a recompiles every package, so the log is printed by this very
# compilation; -trimpath names std files by import path (encoding/csv/reader.go) in the
# binary, so in the profile; GCFLAGS defaults to 'PKG=-m -m' (PKG, its test variant and
# its test package). The build runs in an empty directory (no ./ paths), the benchmarks
# in the package's directory as go test runs them, into $out/heap.pb.gz.
real_std_bench() {
	local pkg=$1 bench=$2 benchtime=$3 gcflags=${4:-"$1=-m -m"}
	mkdir -p "$scratch/cwd"
	if ! (cd "$scratch/cwd" && "$go" test -c -a -trimpath -o "$bin/pkg.test" \
		-gcflags="$gcflags" "$pkg") 2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		return 1
	fi
	real_clean_log "$out/build.mm.txt"
	(cd "$goroot/src/$pkg" && "$bin/pkg.test" -test.run='^$' -test.bench="$bench" \
		-test.benchtime="$benchtime" -test.memprofile="$out/heap.pb.gz" \
		-test.memprofilerate=1) >&2
}

# real_gzip_log FILE: compresses a cleaned log (gzip -9n, FILE.gz), after checking it
# names no directory of this machine (real_finish cannot look inside a gzip file).
real_gzip_log() {
	local f=$1
	if grep -nF -m 5 -e "$goroot/" -e "$scratch" -e "$case_dir" "$f" >&2; then
		echo "$case: $f names a directory of this machine (above)" >&2
		return 1
	fi
	gzip -9nf "$f"
}

# real_gopath_setup: the case's driver (main.go) as package example.com/$case in a scratch
# GOPATH after Debian's /usr/share/gocode, in GOPATH mode. Sets $drv (its directory) and
# $pkg (its import path).
real_gopath_setup() {
	pkg=example.com/$case
	export GO111MODULE=off GOPATH="/usr/share/gocode:$scratch/gopath"
	drv="$scratch/gopath/src/$pkg"
	rm -rf "$scratch/gopath"
	mkdir -p "$drv"
	cp "$case_dir/main.go" "$drv/"
}

# real_gopath_run LIB: for the version real_go chose, the -m -m log of the library LIB and
# the driver ($out/build.mm.txt; the build cache replays it verbatim on reruns), then the
# profile's binary — the same code, with this machine's directories rewritten (GOROOT as
# /usr/local/go, the scratch GOPATH as /go) — run into $out/heap.pb.gz.
real_gopath_run() {
	local lib=$1 rewrite="$real_rewrite;$scratch/gopath=>/go"
	if ! (cd "$drv" && "$go" build -gcflags="$lib=-m -m" -gcflags="$pkg=-m -m" -o "$bin/mm" .) \
		2>"$out/build.mm.txt"; then
		cat "$out/build.mm.txt" >&2
		return 1
	fi
	rm -f "$bin/mm"
	real_clean_log "$out/build.mm.txt"
	(cd "$drv" && "$go" build -gcflags="all='-trimpath=$rewrite'" -asmflags="all='-trimpath=$rewrite'" \
		-o "$bin/$case" .)
	"$bin/$case" "$out/heap.pb.gz"
}
