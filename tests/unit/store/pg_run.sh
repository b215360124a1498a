#!/bin/sh
# Runs one store contract case against PostgreSQL: FC_TEST_STORE is FC_TEST_PG_URL (set by
# scripts/test.d/postgres.sh) or else the cluster the unit.store.pg.cluster fixture started
# (its URL is the first line of $1). No URL is a failure, never a silent pass.
state=$1
shift
url=${FC_TEST_PG_URL:-}
if [ -z "$url" ] && [ -f "$state" ]; then
    url=$(sed -n 1p "$state")
fi
if [ -z "$url" ]; then
    echo "pg_run: no PostgreSQL: FC_TEST_PG_URL is not set and no test cluster is running" >&2
    exit 1
fi
FC_TEST_STORE=$url exec "$@"
