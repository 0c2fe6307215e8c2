#!/bin/sh
# A throwaway PostgreSQL server for the tests (issue 7): Debian's binaries, `initdb` into a
# temporary directory, listening on 127.0.0.1 only, password authentication.
#
#   scripts/test-postgres.sh start DIR    prints `export …` lines for PARCELWATCH_TEST_POSTGRES and PGPASSWORD
#   scripts/test-postgres.sh stop DIR     stops it and deletes DIR
set -eu
command=$1
dir=$2
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

# The server refuses to run as root; run it as Debian's `postgres` user then.
as_server() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $command in
start)
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    password=pw-test-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    printf '%s\n' "$password" > "$dir/pwfile"
    [ "$(id -u)" = 0 ] && chown postgres "$dir/pwfile"
    as_server "$bindir/initdb" -D "$dir/data" -U parcelwatch --pwfile="$dir/pwfile" --auth=scram-sha-256 \
        -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    rm -f "$dir/pwfile"
    # fsync off: a test database is thrown away, and CI's disk is shared.
    as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o \
        "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c max_connections=400" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    echo "export PARCELWATCH_TEST_POSTGRES=postgres://parcelwatch@127.0.0.1:$port/postgres"
    echo "export PGPASSWORD=$password"
    ;;
stop)
    if [ -d "$dir/data" ]; then as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
