/*
 * store/sqlite/sqlite_nodes.c: the several-nodes section of the store interface, for a
 * store that serves one node. Nothing is shared, so there is nothing to keep: the change
 * feed is empty, every job claim is granted (one node runs every job once), and sign-in
 * failures stay with the HTTP layer's own limiter. Threads: stateless.
 */
#include <string.h>
#include <time.h>

#include "store/sqlite/sqlite_internal.h"

int sqlite_changes_head(struct store *s, int64_t *out, struct fc_err *err)
{
    (void)s;
    (void)err;
    *out = 0;
    return FC_OK;
}

int sqlite_changes_since(struct store *s, int64_t *cursor, store_change_cb cb, void *ctx,
                         bool *gap, struct fc_err *err)
{
    (void)s;
    (void)cursor;
    (void)cb;
    (void)ctx;
    (void)err;
    *gap = false;
    return FC_OK;
}

int sqlite_changes_wait(struct store *s, int timeout_ms, bool *woken, struct fc_err *err)
{
    (void)s;
    (void)err;
    *woken = false;
    if (timeout_ms > 0) {
        struct timespec ts = { .tv_sec = timeout_ms / 1000,
                               .tv_nsec = (long)(timeout_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
    }
    return FC_OK;
}

int sqlite_changes_purge(struct store *s, fc_time_t before, size_t *out_n, struct fc_err *err)
{
    (void)s;
    (void)before;
    (void)err;
    if (out_n)
        *out_n = 0;
    return FC_OK;
}

int sqlite_job_try_begin(struct store *s, const char *name, fc_time_t now, int64_t interval_s,
                         bool *claimed, struct fc_err *err)
{
    (void)s;
    (void)now;
    *claimed = false;
    if (name == NULL || name[0] == '\0' || strlen(name) > 64)
        return err_set(err, FC_EINVAL, "name", "job name must be 1-64 characters");
    if (interval_s < 0)
        return err_set(err, FC_EINVAL, "interval_s", "interval must not be negative");
    *claimed = true;
    return FC_OK;
}

int sqlite_job_end(struct store *s, const char *name, fc_time_t now, struct fc_err *err)
{
    (void)s;
    (void)name;
    (void)now;
    (void)err;
    return FC_OK;
}

int sqlite_login_failure_add(struct store *s, const unsigned char key[32], fc_time_t now,
                             int64_t window_s, struct login_failures *out, struct fc_err *err)
{
    (void)s;
    (void)key;
    (void)now;
    (void)window_s;
    (void)err;
    memset(out, 0, sizeof(*out));
    return FC_OK;
}

int sqlite_login_failure_get(struct store *s, const unsigned char key[32],
                             struct login_failures *out, struct fc_err *err)
{
    (void)s;
    (void)key;
    (void)err;
    memset(out, 0, sizeof(*out));
    return FC_OK;
}

int sqlite_login_failure_clear(struct store *s, const unsigned char key[32], struct fc_err *err)
{
    (void)s;
    (void)key;
    (void)err;
    return FC_OK;
}
