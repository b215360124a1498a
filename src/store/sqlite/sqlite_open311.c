/*
 * store/sqlite/sqlite_open311.c: Open311 API keys, service requests and the events that
 * flow back to clients (migration 0006). Statements come from sqlite_prep_cached.
 */
#include "store/sqlite/sqlite_open311.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"

#define KEY_COLS "id, org_id, label, key_hash, created_at, revoked_at"

static void key_row(struct arena *a, sqlite3_stmt *st, struct open311_key_rec *k)
{
    memset(k, 0, sizeof(*k));
    k->id = sqlite_col_id(st, 0);
    k->org_id = sqlite_col_id(st, 1);
    k->label = sqlite_col_text(st, 2, a);
    const void *h = sqlite3_column_blob(st, 3);
    if (h != NULL && sqlite3_column_bytes(st, 3) == 32)
        memcpy(k->key_hash, h, 32);
    k->created_at = sqlite3_column_int64(st, 4);
    k->revoked_at = sqlite_col_id(st, 5);
}

int sqlite_open311_key_insert(struct store *s, const struct open311_key_rec *k, fc_id_t *out,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc = sqlite_prep_cached(s,
                                "INSERT INTO open311_key (org_id, label, key_hash, created_at) "
                                "VALUES (?1, ?2, ?3, ?4)",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, k->org_id);
    sqlite_bind_text_copy(st, 2, k->label);
    sqlite3_bind_blob(st, 3, k->key_hash, 32, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, k->created_at);
    rc = sqlite_finish(db, st, "open311_key insert", err);
    if (rc == FC_OK && out != NULL)
        *out = (fc_id_t)sqlite3_last_insert_rowid(db);
    if (rc == FC_EINVAL && strcmp(err->field, "") == 0)
        snprintf(err->field, sizeof(err->field), "org_id");
    return rc;
}

int sqlite_open311_key_get_by_hash(struct store *s, const unsigned char key_hash[32],
                                   struct arena *a, struct open311_key_rec *out, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc = sqlite_prep_cached(s, "SELECT " KEY_COLS " FROM open311_key WHERE key_hash = ?1", &db,
                                &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_blob(st, 1, key_hash, 32, SQLITE_TRANSIENT);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        key_row(a, st, out);
        rc = FC_OK;
    } else if (src == SQLITE_DONE) {
        rc = err_set(err, FC_ENOTFOUND, "api_key", "no such key");
    } else {
        rc = sqlite_status(db, src, "open311_key get", err);
    }
    sqlite_stmt_done(st);
    return rc;
}

int sqlite_open311_key_list(struct store *s, fc_id_t org_id, struct arena *a,
                            struct open311_key_rec **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc = sqlite_prep_cached(s,
                                "SELECT " KEY_COLS " FROM open311_key "
                                "WHERE ?1 IS NULL OR org_id = ?1 ORDER BY id",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, org_id);
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct open311_key_rec *g = sqlite_grow(a, *out, sizeof(**out), *n, &cap);
        if (g == NULL) {
            sqlite_stmt_done(st);
            return err_set(err, FC_ENOMEM, "", "out of memory");
        }
        *out = g;
        key_row(a, st, &g[(*n)++]);
    }
    rc = src == SQLITE_DONE ? FC_OK : sqlite_status(db, src, "open311_key list", err);
    sqlite_stmt_done(st);
    return rc;
}

int sqlite_open311_key_revoke(struct store *s, fc_id_t id, fc_time_t at, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc = sqlite_prep_cached(
        s, "UPDATE open311_key SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL", &db, &st,
        err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, id);
    sqlite3_bind_int64(st, 2, at);
    rc = sqlite_finish(db, st, "open311_key revoke", err);
    if (rc == FC_OK && sqlite3_changes(db) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "no such key in use");
    return rc;
}

int sqlite_open311_request_insert(struct store *s, const struct open311_request_rec *r,
                                  fc_id_t *out, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc = sqlite_prep_cached(
        s,
        "INSERT INTO open311_request (org_id, key_id, service_code, contact_id, incident_id, "
        "address, address_id, postcode, lat, lon, media_url, attributes, requested_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, r->org_id);
    sqlite_bind_id(st, 2, r->key_id);
    sqlite_bind_text_copy(st, 3, r->service_code);
    sqlite_bind_id(st, 4, r->contact_id);
    sqlite_bind_id(st, 5, r->incident_id);
    sqlite_bind_text_copy(st, 6, r->address);
    sqlite_bind_text_copy(st, 7, r->address_id);
    sqlite_bind_text_copy(st, 8, r->postcode);
    sqlite_bind_double(st, 9, r->lat);
    sqlite_bind_double(st, 10, r->lon);
    sqlite_bind_text_copy(st, 11, r->media_url);
    sqlite_bind_text_copy(st, 12, r->attributes ? r->attributes : "{}");
    sqlite3_bind_int64(st, 13, r->requested_at);
    rc = sqlite_finish(db, st, "open311_request insert", err);
    if (rc == FC_OK && out != NULL)
        *out = (fc_id_t)sqlite3_last_insert_rowid(db);
    return rc;
}

/* The latest of the request, its incident's closing and its victim updates. */
#define REQUEST_SELECT                                                                             \
    "SELECT r.id, r.org_id, r.key_id, r.contact_id, r.incident_id, r.service_code, r.address, "    \
    "r.address_id, r.postcode, r.lat, r.lon, r.media_url, r.attributes, r.requested_at, "          \
    "i.status, i.description, max(r.requested_at, coalesce(i.closed_at, 0), "                      \
    "coalesce((SELECT max(v.sent_at) FROM victim_update v WHERE v.incident_id = i.id), 0)), "      \
    "o.name FROM open311_request r JOIN incident i ON i.id = r.incident_id "                       \
    "JOIN organisation o ON o.id = r.org_id WHERE "

int sqlite_open311_request_search(struct store *s, const struct open311_request_query *q,
                                  struct arena *a, struct open311_request_rec **out, size_t *n,
                                  struct fc_err *err)
{
    char sql[4096];
    size_t len = 0;
    int bind = 1;
    *out = NULL;
    *n = 0;
    if (q->n_ids > 100 || q->n_codes > 100)
        return err_set(err, FC_EINVAL, q->n_ids > 100 ? "ids" : "codes", "at most 100 items");
    len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s", REQUEST_SELECT);
    if (q->n_ids > 0) {
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "r.id IN (");
        for (size_t i = 0; i < q->n_ids; i++)
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?%d", i ? ", " : "", bind++);
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, ")");
    } else {
        len += (size_t)snprintf(sql + len, sizeof(sql) - len,
                                "(?%d IS NULL OR i.status = ?%d) AND (?%d IS NULL OR "
                                "r.requested_at >= ?%d) AND (?%d IS NULL OR r.requested_at <= ?%d)",
                                bind, bind, bind + 1, bind + 1, bind + 2, bind + 2);
        bind += 3;
        if (q->n_codes > 0) {
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, " AND r.service_code IN (");
            for (size_t i = 0; i < q->n_codes; i++)
                len +=
                    (size_t)snprintf(sql + len, sizeof(sql) - len, "%s?%d", i ? ", " : "", bind++);
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, ")");
        }
    }
    snprintf(sql + len, sizeof(sql) - len, " ORDER BY r.requested_at DESC, r.id DESC LIMIT ?%d",
             bind);

    sqlite3 *db;
    sqlite3_stmt *st;
    int rc = sqlite_prep_cached(s, sql, &db, &st, err);
    if (rc != FC_OK)
        return rc;
    int b = 1;
    if (q->n_ids > 0) {
        for (size_t i = 0; i < q->n_ids; i++)
            sqlite_bind_id(st, b++, q->ids[i]);
    } else {
        sqlite_bind_text_copy(st, b++, q->status);
        sqlite_bind_id(st, b++, q->from);
        sqlite_bind_id(st, b++, q->to);
        for (size_t i = 0; i < q->n_codes; i++)
            sqlite_bind_text_copy(st, b++, q->codes[i]);
    }
    sqlite3_bind_int64(st, b, q->limit > 0 ? (sqlite3_int64)q->limit : -1);
    size_t cap = 0;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct open311_request_rec *g = sqlite_grow(a, *out, sizeof(**out), *n, &cap);
        if (g == NULL) {
            sqlite_stmt_done(st);
            return err_set(err, FC_ENOMEM, "", "out of memory");
        }
        *out = g;
        struct open311_request_rec *r = &g[(*n)++];
        memset(r, 0, sizeof(*r));
        r->id = sqlite_col_id(st, 0);
        r->org_id = sqlite_col_id(st, 1);
        r->key_id = sqlite_col_id(st, 2);
        r->contact_id = sqlite_col_id(st, 3);
        r->incident_id = sqlite_col_id(st, 4);
        r->service_code = sqlite_col_text(st, 5, a);
        r->address = sqlite_col_text(st, 6, a);
        r->address_id = sqlite_col_text(st, 7, a);
        r->postcode = sqlite_col_text(st, 8, a);
        r->lat = sqlite_col_double(st, 9);
        r->lon = sqlite_col_double(st, 10);
        r->media_url = sqlite_col_text(st, 11, a);
        r->attributes = sqlite_col_text(st, 12, a);
        r->requested_at = sqlite3_column_int64(st, 13);
        r->status = sqlite_col_text(st, 14, a);
        r->description = sqlite_col_text(st, 15, a);
        r->updated_at = sqlite3_column_int64(st, 16);
        r->org_name = sqlite_col_text(st, 17, a);
    }
    rc = src == SQLITE_DONE ? FC_OK : sqlite_status(db, src, "open311_request search", err);
    sqlite_stmt_done(st);
    return rc;
}

int sqlite_open311_event_list(struct store *s, fc_id_t org_id, fc_time_t from, fc_time_t to,
                              size_t limit, struct arena *a, struct open311_event_rec **out,
                              size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    int rc = sqlite_prep_cached(
        s,
        "SELECT r.id, v.id, v.kind, v.event, v.summary, v.sent_at "
        "FROM open311_request r JOIN victim_update v ON v.incident_id = r.incident_id "
        "WHERE r.org_id = ?1 AND v.sent_at BETWEEN ?2 AND ?3 "
        "UNION ALL "
        "SELECT r.id, i.id, 'closed', NULL, i.outcome, i.closed_at "
        "FROM open311_request r JOIN incident i ON i.id = r.incident_id "
        "WHERE r.org_id = ?1 AND i.status = 'closed' AND i.closed_at BETWEEN ?2 AND ?3 "
        "AND NOT EXISTS (SELECT 1 FROM victim_update v WHERE v.incident_id = i.id "
        "AND v.kind = 'closure') "
        "ORDER BY 6, 1, 2 LIMIT ?4",
        &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, org_id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_int64(st, 4, limit > 0 ? (sqlite3_int64)limit : -1);
    size_t cap = 0;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct open311_event_rec *g = sqlite_grow(a, *out, sizeof(**out), *n, &cap);
        if (g == NULL) {
            sqlite_stmt_done(st);
            return err_set(err, FC_ENOMEM, "", "out of memory");
        }
        *out = g;
        struct open311_event_rec *e = &g[(*n)++];
        e->request_id = sqlite_col_id(st, 0);
        e->source_id = sqlite_col_id(st, 1);
        e->kind = sqlite_col_text(st, 2, a);
        e->event = sqlite_col_text(st, 3, a);
        e->summary = sqlite_col_text(st, 4, a);
        e->at = sqlite3_column_int64(st, 5);
    }
    rc = src == SQLITE_DONE ? FC_OK : sqlite_status(db, src, "open311_event list", err);
    sqlite_stmt_done(st);
    return rc;
}
