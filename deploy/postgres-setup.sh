#!/usr/bin/env bash
# Sets up PostgreSQL for FirstContact on a Debian 12 database host, as root:
#   deploy/postgres-setup.sh --nodes 10.0.0.0/24 [--archive /srv/pg-archive]
#                            [--password-file FILE] [--firstcontact /usr/local/bin/firstcontact]
# - installs PostgreSQL 15 from Debian and makes sure the cluster runs;
# - creates the role `firstcontact` (login, scram-sha-256 password: from --password-file,
#   else generated and written to /root/firstcontact-db-password, mode 600) and the
#   database `firstcontact` owned by it;
# - listens on every address and lets the node network (--nodes CIDR) in with
#   scram-sha-256, nothing else (pg_hba.conf entries are added once);
# - sizes the server for nodes at workers + 2 connections each (max_connections = 200);
# - with --archive DIR: wal_level = replica, archive_mode = on and an archive_command that
#   never overwrites a segment, for point-in-time recovery (docs/deployment.md, Backup);
# - with --firstcontact BIN: applies FirstContact's migrations.
# Running it again changes nothing that is already right.
set -euo pipefail
nodes=
archive=
password_file=
fc=
while [ $# -gt 0 ]; do
    case "$1" in
    --nodes) nodes=${2:?}; shift 2 ;;
    --archive) archive=${2:?}; shift 2 ;;
    --password-file) password_file=${2:?}; shift 2 ;;
    --firstcontact) fc=${2:?}; shift 2 ;;
    *) echo "usage: postgres-setup.sh --nodes CIDR [--archive DIR] [--password-file FILE] [--firstcontact BIN]" >&2
       exit 2 ;;
    esac
done
if [ -z "$nodes" ]; then
    echo "postgres-setup: --nodes CIDR is required (the network the server nodes are on)" >&2
    exit 2
fi
if [ "$(id -u)" != 0 ]; then
    echo "postgres-setup: run as root" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! command -v pg_lsclusters >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
fi
version=$(pg_lsclusters -h | awk 'NR == 1 { print $1 }')
if [ -z "$version" ]; then
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1)
    pg_createcluster "$version" main
fi
conf=/etc/postgresql/$version/main
pg_ctlcluster "$version" main start 2>/dev/null || true
psql_su() { runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 "$@"; }

if [ -n "$password_file" ]; then
    password=$(head -n1 "$password_file")
else
    password_file=/root/firstcontact-db-password
    if [ ! -s "$password_file" ]; then
        (umask 077; head -c 32 /dev/urandom | base64 | tr -d '/+=' | head -c 32 >"$password_file")
    fi
    password=$(cat "$password_file")
fi
psql_su -v pw="$password" <<'SQL'
SET password_encryption = 'scram-sha-256';
SELECT 'CREATE ROLE firstcontact LOGIN' WHERE NOT EXISTS
    (SELECT 1 FROM pg_roles WHERE rolname = 'firstcontact') \gexec
ALTER ROLE firstcontact PASSWORD :'pw';
SELECT 'CREATE DATABASE firstcontact OWNER firstcontact ENCODING ''UTF8'' TEMPLATE template0'
    WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'firstcontact') \gexec
SQL

# settings in a file of their own, so a package upgrade keeps them
mkdir -p "$conf/conf.d"
{
    echo "# FirstContact (deploy/postgres-setup.sh)"
    echo "listen_addresses = '*'"
    echo "max_connections = 200"
    echo "password_encryption = 'scram-sha-256'"
    if [ -n "$archive" ]; then
        echo "wal_level = replica"
        echo "archive_mode = on"
        echo "archive_command = 'test ! -f $archive/%f && cp %p $archive/%f'"
    fi
} >"$conf/conf.d/firstcontact.conf"
if ! grep -q "^include_dir = 'conf.d'" "$conf/postgresql.conf"; then
    echo "include_dir = 'conf.d'" >>"$conf/postgresql.conf"
fi
if [ -n "$archive" ]; then
    mkdir -p "$archive"
    chown postgres:postgres "$archive"
    chmod 700 "$archive"
fi
line="hostssl firstcontact firstcontact $nodes scram-sha-256"
if ! grep -qF "$line" "$conf/pg_hba.conf"; then
    # TLS: Debian's cluster has the snakeoil certificate; use your own for production
    echo "$line" >>"$conf/pg_hba.conf"
fi
pg_ctlcluster "$version" main restart
if [ -n "$fc" ]; then
    PGPASSWORD=$password "$fc" migrate --db "postgresql://firstcontact@127.0.0.1/firstcontact"
fi
echo "postgres-setup: PostgreSQL $version ready; nodes connect with"
echo "  db = postgresql://firstcontact@$(hostname -f)/firstcontact?sslmode=require"
echo "  and the password from $password_file in ~firstcontact/.pgpass"
