#!/usr/bin/env bash
# Fails when an include crosses the architecture's layers (STYLE.md section 1):
# calls go http -> api -> domain -> store <- backends, and util uses none of them.
set -u
src=${1:?usage: layering.sh SRC_DIR}
bad=0
check() { # check GLOB PATTERN MESSAGE
    local hits
    hits=$(grep -rnE "$2" $1 2>/dev/null || true)
    if [ -n "$hits" ]; then
        echo "layering: $3"; echo "$hits"; bad=1
    fi
}
shopt -s globstar nullglob
check "$(ls -d "$src"/{util,domain,api,http,cli}/**/*.[ch] "$src"/store/*.[ch] "$src"/store/pg/**/*.[ch] 2>/dev/null)" '#include <sqlite3.h>' "sqlite3.h outside src/store/sqlite"
check "$(ls -d "$src"/{util,domain,api,http,cli}/**/*.[ch] "$src"/store/*.[ch] "$src"/store/sqlite/**/*.[ch] 2>/dev/null)" '#include <libpq-fe.h>' "libpq-fe.h outside src/store/pg"
check "$(ls -d "$src"/{util,domain,api,store,cli}/**/*.[ch] 2>/dev/null)" '#include <microhttpd.h>' "microhttpd.h outside src/http"
check "$(ls -d "$src"/util/**/*.[ch] 2>/dev/null)" '#include "(store|domain|api|http|cli)/' "util includes a layer"
check "$(ls -d "$src"/store/**/*.[ch] 2>/dev/null)" '#include "(domain|api|http|cli)/' "store includes a layer above it"
check "$(ls -d "$src"/domain/**/*.[ch] 2>/dev/null)" '#include "(api|http|cli)/' "domain includes a layer above it"
check "$(ls -d "$src"/domain/**/*.[ch] 2>/dev/null)" '#include "store/(sqlite|pg)/' "domain includes a store backend"
check "$(ls -d "$src"/{api,http}/**/*.[ch] 2>/dev/null)" '#include "(cli|store/sqlite|store/pg)/' "api/http include cli or a backend"
check "$(ls -d "$src"/{domain,api,http,util}/**/*.[ch] "$src"/store/*.[ch] 2>/dev/null)" '(sqlite3_|PQexec|SELECT .* FROM|INSERT INTO)' "SQL outside the store backends"
[ $bad = 0 ] && echo "layering: ok"
exit $bad
