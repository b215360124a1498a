# Sourced by scripts/test.sh before ctest: starts a throwaway PostgreSQL cluster
# (scripts/pg-cluster.sh: initdb in a temporary directory, run as the non-root user fcpg
# when we are root) and exports FC_TEST_PG_URL, which the unit.store.pg.* tests use. The
# cluster stops when test.sh exits; an EXIT trap set before this hook still runs.
fc_pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/fc-pg-XXXXXX")
FC_TEST_PG_URL=$("$root/scripts/pg-cluster.sh" start "$fc_pg_dir")
export FC_TEST_PG_URL
echo "test.d/postgres: PostgreSQL test cluster at $FC_TEST_PG_URL" >&2
fc_pg_prev_exit_trap=
fc_pg_trap_words() { fc_pg_prev_exit_trap=$3; } # trap -- 'command' EXIT
if [ -n "$(trap -p EXIT)" ]; then
    eval "fc_pg_trap_words $(trap -p EXIT)"
fi
fc_pg_cleanup() {
    "$root/scripts/pg-cluster.sh" stop "$fc_pg_dir" || true
    if [ -n "$fc_pg_prev_exit_trap" ]; then
        eval "$fc_pg_prev_exit_trap"
    fi
}
trap fc_pg_cleanup EXIT
