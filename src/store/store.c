/* store/store.c: picks a backend from the store URL. */
#include "store/store.h"

#include <string.h>

#include "store/pg/store_pg.h"
#include "store/sqlite/store_sqlite.h"

int store_open(const char *url, struct store **out, struct fc_err *err)
{
    *out = NULL;
    if (url == NULL || url[0] == '\0')
        return err_set(err, FC_EINVAL, "store", "no store configured");
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return store_pg_open(url, out, err);
    if (strncmp(url, "sqlite:", 7) == 0)
        url += 7;
    return store_sqlite_open(url, out, err);
}

void store_close(struct store *s)
{
    if (s != NULL)
        s->ops->close(s);
}
