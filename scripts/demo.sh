#!/usr/bin/env bash
# Installs what is missing, builds FirstContact, creates a store with demo data and starts
# the server on http://127.0.0.1:8080, printing the demo logins.
#   scripts/demo.sh              the store is an SQLite file, var/demo.db
#   scripts/demo.sh --postgres   the store is a throwaway local PostgreSQL cluster
#                                (scripts/pg-cluster.sh: initdb in $FC_DEMO_PG_DIR, default
#                                /tmp/fc-demo-pg, run as the system user fcpg when root,
#                                since PostgreSQL refuses root); stopped and removed when the
#                                server stops. Another node can join it while it runs:
#                                build/release/firstcontact serve --db URL --listen :8081
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
backend=sqlite
case "${1:-}" in
--postgres) backend=pg ;;
'') ;;
*) echo "usage: scripts/demo.sh [--postgres]" >&2; exit 2 ;;
esac
if [ "$(id -u)" = 0 ]; then
    scripts/install-deps.sh
fi
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target firstcontact
bin=build/release/firstcontact
if [ "$backend" = pg ]; then
    pgdir=${FC_DEMO_PG_DIR:-/tmp/fc-demo-pg}
    scripts/pg-cluster.sh stop "$pgdir" # a cluster left by an earlier run
    db=$(scripts/pg-cluster.sh start "$pgdir")
    trap 'scripts/pg-cluster.sh stop "$pgdir"' EXIT
    echo "demo: PostgreSQL store at $db" >&2
else
    mkdir -p var
    db=var/demo.db
    rm -f "$db" "$db-wal" "$db-shm"
fi
"$bin" migrate --db "$db"
"$bin" demo --db "$db"
if [ "$backend" = pg ]; then
    # not exec: the EXIT trap stops the cluster once the server has stopped
    "$bin" serve --db "$db" --listen 127.0.0.1:8080
else
    exec "$bin" serve --db "$db" --listen 127.0.0.1:8080
fi
