#!/bin/sh
# install-deps.sh [--check] [test|fuzz|memcheck|browser] — install the Debian packages escprof
# needs, only those that pkg-config (or the PATH, for tools) says are missing. With
# "test", also the test ones (and the sources of the Debian Go libraries whose real
# profiles the tests judge: sample-profiles/real); "fuzz" adds clang (libFuzzer),
# "memcheck" valgrind, "browser" Chromium (the HTML report's browser tests, which skip
# without it). --check installs nothing: it names what is missing and exits 1 (plain
# `make` uses it).
set -eu
check_only=
if [ "${1:-}" = --check ]; then check_only=1; shift; fi
need=""
have_pc() { pkg-config --exists "$1" 2>/dev/null; }
command -v pkg-config >/dev/null 2>&1 || need="$need pkg-config"
for pair in libprotobuf-c:libprotobuf-c-dev zlib:zlib1g-dev sqlite3:libsqlite3-dev \
            jansson:libjansson-dev libmd:libmd-dev libcurl:libcurl4-openssl-dev \
            libpq:libpq-dev; do
	have_pc "${pair%%:*}" || need="$need ${pair#*:}"
done
command -v protoc-c >/dev/null 2>&1 || need="$need protobuf-c-compiler"
if [ "${1:-}" = test ]; then
	have_pc criterion || need="$need libcriterion-dev"
	command -v sqlite3 >/dev/null 2>&1 || need="$need sqlite3"
	command -v xmllint >/dev/null 2>&1 || need="$need libxml2-utils"	# JUnit reports checked as XML
	python3 -c 'import jsonschema' >/dev/null 2>&1 || need="$need python3-jsonschema"	# SARIF checked against its schema
	# go tool pprof -raw is the oracle the profile tests compare with (Debian's Go 1.19)
	command -v go >/dev/null 2>&1 || need="$need golang-go"
	# the PostgreSQL store's tests start a server of their own (tests/with-postgres.sh)
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need="$need postgresql"
	# the man page is rendered by man(1) with groff's warnings on
	command -v man >/dev/null 2>&1 || need="$need man-db"
	command -v groff >/dev/null 2>&1 || need="$need groff-base"
	for pair in gopkg.in/yaml.v2:golang-gopkg-yaml.v2-dev gopkg.in/ini.v1:golang-gopkg-ini.v1-dev \
	            github.com/json-iterator/go:golang-github-json-iterator-go-dev \
	            github.com/gorilla/mux:golang-github-gorilla-mux-dev \
	            github.com/pelletier/go-toml:golang-github-pelletier-go-toml-dev; do
		[ -d "/usr/share/gocode/src/${pair%%:*}" ] || need="$need ${pair#*:}"
	done
fi
if [ "${1:-}" = fuzz ]; then
	# clang only recommends its runtime libraries, where libFuzzer lives
	if ! command -v clang >/dev/null 2>&1; then
		need="$need clang libclang-rt-14-dev"
	elif ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' |
	     clang -fsanitize=fuzzer -x c - -o /dev/null >/dev/null 2>&1; then
		need="$need libclang-rt-14-dev"
	fi
fi
if [ "${1:-}" = memcheck ]; then
	command -v valgrind >/dev/null 2>&1 || need="$need valgrind"
fi
if [ "${1:-}" = browser ]; then
	command -v chromium >/dev/null 2>&1 || need="$need chromium"
fi
[ -z "$need" ] && exit 0
if [ -n "$check_only" ]; then
	echo "missing Debian packages:$need" >&2
	exit 1
fi
echo "installing missing packages:$need" >&2
if [ "$(id -u)" != 0 ]; then
	echo "not root: run 'apt-get install -y$need' as root" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq $need >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq $need; }
