/*
 * store/pg/pg_unsupported.c: the store operations not written for PostgreSQL yet. Each one
 * answers FC_EINTERNAL naming itself, so a caller sees a clear error rather than a crash,
 * and writes nothing. Delete an entry here when its pg_<entity>.c implementation lands.
 */
#include "store/pg/pg_unsupported.h"

static int unsupported(const char *op, struct fc_err *err)
{
    return err_set(err, FC_EINTERNAL, "store", "%s is not supported by the PostgreSQL store yet", op);
}

int pg_unsupported_backup(struct store *s, const char *dest_path, struct fc_err *err)
{
    (void)s;
    (void)dest_path;
    return unsupported("backup", err);
}

int pg_unsupported_restore(struct store *s, const char *src_path, struct fc_err *err)
{
    (void)s;
    (void)src_path;
    return unsupported("restore", err);
}
