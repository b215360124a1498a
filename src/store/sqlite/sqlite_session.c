/* store/sqlite/sqlite_session.c: login sessions, keyed by the hash of their token. */
#include <string.h>

#include "store/sqlite/sqlite_internal.h"

int sqlite_session_insert(struct store *s, const struct session *se, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_SESSION_INSERT,
                         "INSERT INTO session (token_hash, user_id, csrf, created_at, "
                         "last_seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    if (memchr(se->csrf, '\0', sizeof(se->csrf)) == NULL)
        return err_set(err, FC_EINVAL, "csrf", "csrf token is not terminated");
    sqlite3_bind_blob(st, 1, se->token_hash, 32, SQLITE_STATIC);
    sqlite_bind_id(st, 2, se->user_id);
    sqlite3_bind_text(st, 3, se->csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, se->created_at);
    sqlite3_bind_int64(st, 5, se->last_seen_at);
    sqlite3_bind_int64(st, 6, se->expires_at);
    rc = sqlite_exec_stmt(c, st, "session", err);
    if (rc == FC_EINVAL && err && err->field[0] == '\0') {
        const struct sqlite_ref ref = { "user_id", SLOT_EXISTS_USER, se->user_id };
        rc = sqlite_ref_explain(c, &ref, 1, "session", err);
    }
    return rc;
}

int sqlite_session_get(struct store *s, const unsigned char token_hash[32], struct session *out,
                       struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_SESSION_GET,
                         "SELECT user_id, csrf, created_at, last_seen_at, expires_at "
                         "FROM session WHERE token_hash = ?1",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        memset(out, 0, sizeof(*out));
        memcpy(out->token_hash, token_hash, 32);
        out->user_id = sqlite_col_id(st, 0);
        const char *csrf = (const char *)sqlite3_column_text(st, 1);
        if (csrf)
            strncpy(out->csrf, csrf, sizeof(out->csrf) - 1);
        out->created_at = sqlite3_column_int64(st, 2);
        out->last_seen_at = sqlite3_column_int64(st, 3);
        out->expires_at = sqlite3_column_int64(st, 4);
    } else if (src == SQLITE_DONE) {
        rc = err_set(err, FC_ENOTFOUND, "session", "session not found");
    } else {
        rc = sqlite_status(c->db, src, "session", err);
    }
    sqlite3_reset(st);
    return rc;
}

static int session_change(struct store *s, enum sqlite_slot slot, const char *sql,
                          const unsigned char token_hash[32], fc_time_t now, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, slot, sql, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_blob(st, 1, token_hash, 32, SQLITE_STATIC);
    if (now)
        sqlite3_bind_int64(st, 2, now);
    rc = sqlite_exec_stmt(c, st, "session", err);
    if (rc == FC_OK && sqlite3_changes(c->db) == 0)
        rc = err_set(err, FC_ENOTFOUND, "session", "session not found");
    return rc;
}

int sqlite_session_touch(struct store *s, const unsigned char token_hash[32], fc_time_t now,
                         struct fc_err *err)
{
    /* max(): a late, slower request never moves last_seen backwards */
    return session_change(s, SLOT_SESSION_TOUCH,
                          "UPDATE session SET last_seen_at = max(last_seen_at, ?2) "
                          "WHERE token_hash = ?1",
                          token_hash, now ? now : 1, err);
}

int sqlite_session_delete(struct store *s, const unsigned char token_hash[32], struct fc_err *err)
{
    return session_change(s, SLOT_SESSION_DELETE, "DELETE FROM session WHERE token_hash = ?1",
                          token_hash, 0, err);
}

int sqlite_session_purge(struct store *s, fc_time_t now, size_t *out_n, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_SESSION_PURGE, "DELETE FROM session WHERE expires_at <= ?1", &st,
                         err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, now);
    rc = sqlite_exec_stmt(c, st, "session purge", err);
    if (out_n)
        *out_n = rc == FC_OK ? (size_t)sqlite3_changes(c->db) : 0;
    return rc;
}
