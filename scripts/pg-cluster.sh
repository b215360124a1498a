#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for the tests.
#   scripts/pg-cluster.sh start DIR   initdb into DIR, start on a unix socket in DIR and on
#                                     127.0.0.1:<free port>, create database firstcontact;
#                                     prints the URL (also written to DIR/url)
#   scripts/pg-cluster.sh stop DIR    stops it and removes DIR
#   scripts/pg-cluster.sh ensure STATE   (CTest fixture) unless FC_TEST_PG_URL is set, starts
#                                     one in a new temporary directory; STATE gets its URL
#                                     and directory
#   scripts/pg-cluster.sh release STATE  stops what `ensure` started, if anything
# PostgreSQL refuses to run as root: as root the cluster runs as system user fcpg (created
# when missing), otherwise as the calling user.
set -euo pipefail
cmd=${1:?usage: pg-cluster.sh start|stop DIR}
dir=${2:?usage: pg-cluster.sh start|stop DIR}
bindir=${FC_PG_BINDIR:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    echo "pg-cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2
    exit 1
fi
as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u fcpg -- "$@"
    else
        "$@"
    fi
}
case "$cmd" in
ensure)
    rm -f "$dir"
    if [ -n "${FC_TEST_PG_URL:-}" ]; then
        exit 0
    fi
    tmp=$(mktemp -d "${TMPDIR:-/tmp}/fc-pg-XXXXXX")
    url=$("$0" start "$tmp")
    printf '%s\n%s\n' "$url" "$tmp" >"$dir"
    ;;
release)
    if [ -f "$dir" ]; then
        "$0" stop "$(sed -n 2p "$dir")"
        rm -f "$dir"
    fi
    ;;
start)
    if [ "$(id -u)" = 0 ] && ! id fcpg >/dev/null 2>&1; then
        useradd -r -M -d /nonexistent -s /usr/sbin/nologin fcpg
    fi
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown fcpg "$dir"
    chmod 700 "$dir"
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_pg "$bindir/initdb" -D "$dir/data" -U fcpg -A trust -E UTF8 --locale=C.UTF-8 \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    as_pg "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
        start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
    as_pg "$bindir/createdb" -h "$dir" -p "$port" -U fcpg firstcontact
    url="postgresql://fcpg@127.0.0.1:$port/firstcontact"
    echo "$url" >"$dir/url"
    echo "$url"
    ;;
stop)
    if [ -d "$dir/data" ]; then
        as_pg "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg-cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
