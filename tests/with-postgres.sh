#!/bin/sh
# with-postgres.sh COMMAND [ARG...] — runs COMMAND with a PostgreSQL server of its own:
# initdb in a new temporary directory, the server on 127.0.0.1 at a free port, its socket
# in that directory, and $ESCPROF_TEST_PG the URL of its superuser (escprof, whose password
# is in the URL: the server asks for it over TCP). The server is stopped and the directory
# removed when COMMAND ends, however it ends. PostgreSQL refuses to run as root, so as
# root the server runs as the postgres user (Debian's package makes it). Without Debian's
# server binaries (the postgresql package; scripts/install-deps.sh test installs it)
# COMMAND runs without $ESCPROF_TEST_PG and the PostgreSQL tests skip, saying so; with
# ESCPROF_REQUIRE_PG=1 (CI sets it) that is a failure instead.
set -eu
bindir=$(pg_config --bindir 2>/dev/null || true)
[ -x "$bindir/initdb" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ] || [ ! -x "$bindir/pg_ctl" ]; then
	if [ "${ESCPROF_REQUIRE_PG:-}" = 1 ]; then
		echo "with-postgres: no PostgreSQL server binaries, and ESCPROF_REQUIRE_PG=1" >&2
		exit 1
	fi
	echo "with-postgres: no PostgreSQL server binaries (Debian's postgresql package):" \
	     "the PostgreSQL tests will skip" >&2
	unset ESCPROF_TEST_PG
	exec "$@"
fi
as=
if [ "$(id -u)" = 0 ]; then
	id postgres >/dev/null 2>&1 || { echo "with-postgres: running as root and there is no postgres user" >&2; exit 1; }
	as="runuser -u postgres --"
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/escprof-pg.XXXXXX")
chmod 755 "$dir"
[ -z "$as" ] || chown postgres "$dir"
stop() {
	$as "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 130' INT TERM
password=escprof-test
printf '%s\n' "$password" >"$dir/pw"
[ -z "$as" ] || chown postgres "$dir/pw"
$as "$bindir/initdb" -D "$dir/data" -U escprof --pwfile="$dir/pw" -E UTF8 --locale=C \
	--auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 ||
	{ cat "$dir/initdb.log" >&2; exit 1; }
# a free port: the first of a few that the server starts on
port=
base=$(( 20000 + $$ % 20000 ))
for try in 0 1 2 3 4 5 6 7 8 9; do
	p=$(( base + try * 7 ))
	if $as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
	     -o "-c listen_addresses=127.0.0.1 -p $p -k $dir -c max_connections=100 -c fsync=off" \
	     start >/dev/null 2>&1; then
		port=$p
		break
	fi
done
if [ -z "$port" ]; then
	echo "with-postgres: the server did not start:" >&2
	tail -n 20 "$dir/server.log" >&2 || true
	exit 1
fi
ESCPROF_TEST_PG="postgres://escprof:$password@127.0.0.1:$port/postgres"
export ESCPROF_TEST_PG
echo "with-postgres: PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
st=0
"$@" || st=$?
exit $st
