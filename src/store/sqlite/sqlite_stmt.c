/* store/sqlite/sqlite_stmt.c: the per-connection prepared statement cache. */
#include "store/sqlite/sqlite_internal.h"

void sqlite_conn_finalize(struct sqlite_conn *c)
{
    for (int i = 0; i < SQLITE_MAX_STMTS; i++) {
        sqlite3_finalize(c->stmts[i]);
        c->stmts[i] = NULL;
    }
}
