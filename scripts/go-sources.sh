#!/bin/sh
# go-sources.sh DIR VERSION... — the Go standard library's sources of each version under
# DIR/go<VERSION>/src, for the tests that read the source lines of real profiles
# (sample-profiles/real). Debian's own packages: golang-<VERSION>-src installed with apt
# when this Debian release has it (1.19 on Debian 12), else its .deb fetched from a newer
# Debian suite with a private apt state (the system's is untouched) and unpacked into DIR.
# Does nothing for a version already there.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 DIR VERSION..." >&2; exit 2; }
dir=$1
shift
mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)
for v in "$@"; do
	[ -d "$dir/go$v/src" ] && continue
	if [ ! -d "/usr/share/go-$v/src" ] && [ "$(id -u)" = 0 ] &&
	   apt-cache show "golang-$v-src" >/dev/null 2>&1; then
		echo "installing golang-$v-src" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "golang-$v-src" >/dev/null 2>&1 ||
			{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "golang-$v-src" >/dev/null; } ||
			true
	fi
	if [ -d "/usr/share/go-$v/src" ]; then
		mkdir -p "$dir/go$v"
		ln -sfn "/usr/share/go-$v/src" "$dir/go$v/src"
		continue
	fi
	# a newer Debian suite's package, through a private apt state
	mirror=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)[[:space:]]*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1)
	[ -n "$mirror" ] || mirror=$(sed -n 's/^deb[[:space:]]\{1,\}\([^[:space:]]*\/debian\)[[:space:]].*/\1/p' \
		/etc/apt/sources.list 2>/dev/null | head -n 1)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
	apt="$dir/.apt"
	mkdir -p "$apt/etc" "$apt/lists/partial" "$apt/cache/archives/partial"
	for s in bookworm-backports trixie trixie-backports sid; do echo "deb $mirror $s main"; done \
		>"$apt/etc/sources.list"
	set -- -o Dir::Etc::SourceList="$apt/etc/sources.list" -o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Get::List-Cleanup=0 \
		-o Debug::NoLocking=1
	[ -n "$(ls "$apt/lists" | grep -v partial || true)" ] || apt-get "$@" update -qq
	tmp=$(mktemp -d)
	chmod 755 "$tmp"
	echo "fetching golang-$v-src" >&2
	(cd "$tmp" && apt-get "$@" download -qq "golang-$v-src" >/dev/null 2>&1) ||
		{ echo "$0: cannot fetch golang-$v-src" >&2; rm -rf "$tmp"; exit 1; }
	dpkg-deb -x "$tmp"/golang-"$v"-src_*.deb "$tmp/root"
	rm -rf "$dir/go$v"
	mkdir -p "$dir/go$v"
	mv "$tmp/root/usr/share/go-$v/src" "$dir/go$v/src"
	rm -rf "$tmp"
done
