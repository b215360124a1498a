#!/usr/bin/env bash
# Installs what is missing, builds FirstContact, creates an SQLite database with demo
# data and starts the server on http://127.0.0.1:8080, printing the demo logins.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ "$(id -u)" = 0 ]; then
    scripts/install-deps.sh
fi
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)" --target firstcontact
bin=build/release/firstcontact
mkdir -p var
db=var/demo.db
rm -f "$db" "$db-wal" "$db-shm"
"$bin" migrate --db "$db"
"$bin" demo --db "$db"
exec "$bin" serve --db "$db" --listen 127.0.0.1:8080
