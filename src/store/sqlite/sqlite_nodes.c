/*
 * store/sqlite/sqlite_nodes.c: the several-nodes section of the store interface, for a
 * store that serves one node. The change feed is real (migration 0009): the server follows
 * person writes made by other processes on the same file (the command line: retention,
 * partner flag import, merges), polling since SQLite has no NOTIFY. Every job claim is
 * granted (one node runs every job once), and sign-in failures stay with the HTTP layer's
 * own limiter. Threads: each call uses the calling thread's connection.
 */
#include <string.h>
#include <time.h>

#include "store/sqlite/sqlite_internal.h"
#include "util/timeutil.h"

int sqlite_feed_append(struct sqlite_conn *c, const char *kind, fc_id_t person_id, fc_id_t other_id,
                       struct fc_err *err)
{
    sqlite3_stmt *st;
    int rc = sqlite_stmt(c, SLOT_FEED_APPEND,
                         "INSERT INTO change_feed (kind, person_id, other_id, origin, at)"
                         " VALUES (?1, ?2, ?3, ?4, ?5)",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, person_id);
    sqlite_bind_id(st, 3, other_id);
    sqlite3_bind_int64(st, 4, c->owner->node_tag);
    sqlite3_bind_int64(st, 5, time_now());
    return sqlite_exec_stmt(c, st, "change feed", err);
}

/* Reads one integer from a statement with no parameters. */
static int read_int(struct sqlite_conn *c, enum sqlite_slot slot, const char *sql, int64_t *out,
                    struct fc_err *err)
{
    sqlite3_stmt *st;
    *out = 0;
    int rc = sqlite_stmt(c, slot, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    else
        rc = sqlite_status(c->db, src, "change feed", err);
    sqlite3_reset(st);
    return rc;
}

int sqlite_changes_head(struct store *s, int64_t *out, struct fc_err *err)
{
    struct sqlite_conn *c;
    *out = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = read_int(c, SLOT_FEED_HEAD,
                      "SELECT max(coalesce((SELECT max(seq) FROM change_feed), 0),"
                      " (SELECT through_seq FROM change_feed_purged WHERE id = 1))",
                      out, err);
    return rc;
}

int sqlite_changes_since(struct store *s, int64_t *cursor, store_change_cb cb, void *ctx, bool *gap,
                         struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    bool own;
    int64_t purged = 0;
    *gap = false;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    rc = read_int(c, SLOT_FEED_PURGED, "SELECT through_seq FROM change_feed_purged WHERE id = 1",
                  &purged, err);
    if (rc == FC_OK) {
        *gap = *cursor < purged;
        rc = sqlite_stmt(c, SLOT_FEED_SINCE,
                         "SELECT seq, kind, person_id, coalesce(other_id, 0), origin, at"
                         " FROM change_feed WHERE seq > ?1 ORDER BY seq",
                         &st, err);
    }
    if (rc == FC_OK) {
        sqlite3_bind_int64(st, 1, *cursor);
        int src;
        /* the rows are read in one snapshot; a callback may read the store (same thread,
         * same connection) but must not write */
        while (rc == FC_OK && (src = sqlite3_step(st)) == SQLITE_ROW) {
            const char *kind = (const char *)sqlite3_column_text(st, 1);
            struct store_change ch = {
                .seq = sqlite3_column_int64(st, 0),
                .kind = strcmp(kind, "merge") == 0     ? STORE_CHANGE_MERGE
                        : strcmp(kind, "unmerge") == 0 ? STORE_CHANGE_UNMERGE
                                                       : STORE_CHANGE_PERSON,
                .person_id = sqlite3_column_int64(st, 2),
                .other_id = sqlite3_column_int64(st, 3),
                .is_own = sqlite3_column_int64(st, 4) == c->owner->node_tag,
                .at = sqlite3_column_int64(st, 5),
            };
            rc = cb(ctx, &ch);
            if (rc == 0)
                *cursor = ch.seq;
        }
        if (rc == FC_OK && src != SQLITE_DONE)
            rc = sqlite_status(c->db, src, "change feed", err);
        sqlite3_reset(st);
    }
    sqlite_read_end(c, own);
    return rc;
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
    struct sqlite_conn *c;
    sqlite3_stmt *st;
    if (out_n)
        *out_n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    /* the watermark first, from the rows about to go; the newest row always stays, so the
     * head never goes back */
    rc = sqlite_stmt(c, SLOT_FEED_PURGE_MARK,
                     "UPDATE change_feed_purged SET through_seq = max(through_seq, coalesce("
                     "(SELECT max(seq) FROM change_feed WHERE at < ?1 AND seq < "
                     "(SELECT max(seq) FROM change_feed)), 0)) WHERE id = 1",
                     &st, err);
    if (rc == FC_OK) {
        sqlite3_bind_int64(st, 1, before);
        rc = sqlite_exec_stmt(c, st, "change feed purge", err);
    }
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_FEED_PURGE,
                         "DELETE FROM change_feed WHERE seq <= "
                         "(SELECT through_seq FROM change_feed_purged WHERE id = 1)",
                         &st, err);
    if (rc == FC_OK) {
        rc = sqlite_exec_stmt(c, st, "change feed purge", err);
        if (rc == FC_OK && out_n)
            *out_n = (size_t)sqlite3_changes(c->db);
    }
    return sqlite_tx_end(c, rc, err);
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
