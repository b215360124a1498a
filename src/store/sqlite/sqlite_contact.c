/* store/sqlite/sqlite_contact.c: contacts (one call, form or referral each). */
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "util/timeutil.h"

#define CONTACT_COLS                                                                               \
    "id, channel, received_at, received_offset_min, handler_user_id, org_id, caller_person_id, "   \
    "incident_id, raw_details, match_snapshot, created_at"

/* The filter shared by search and count; ?1..?4 as in struct contact_query. */
#define CONTACT_WHERE                                                                              \
    " WHERE (?1 IS NULL OR caller_person_id = ?1) AND (?2 IS NULL OR incident_id = ?2)"            \
    " AND (?3 IS NULL OR received_at >= ?3) AND (?4 IS NULL OR received_at < ?4)"

static int contact_refs_explain(struct sqlite_conn *c, const struct contact *ct, struct fc_err *err)
{
    const struct sqlite_ref refs[] = {
        { "org_id", SLOT_EXISTS_ORG, ct->org_id },
        { "handler_user_id", SLOT_EXISTS_USER, ct->handler_user_id },
        { "caller_person_id", SLOT_EXISTS_PERSON, ct->caller_person_id },
        { "incident_id", SLOT_EXISTS_INCIDENT, ct->incident_id },
    };
    return sqlite_ref_explain(c, refs, sizeof(refs) / sizeof(refs[0]), "contact", err);
}

int sqlite_contact_insert(struct store *s, const struct contact *ct, fc_id_t *out,
                          struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    const char *channel = model_channel_name(ct->channel);
    if (channel == NULL)
        return err_set(err, FC_EINVAL, "channel", "channel is not valid");
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_CONTACT_INSERT,
                         "INSERT INTO contact (" CONTACT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                         "?7, ?8, ?9, ?10, ?11)",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, ct->id);
    sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ct->received_at);
    sqlite3_bind_int(st, 4, ct->received_offset_min);
    sqlite_bind_id(st, 5, ct->handler_user_id);
    sqlite_bind_id(st, 6, ct->org_id);
    sqlite_bind_id(st, 7, ct->caller_person_id);
    sqlite_bind_id(st, 8, ct->incident_id);
    sqlite_bind_text(st, 9, ct->raw_details);
    sqlite_bind_text(st, 10, ct->match_snapshot);
    sqlite3_bind_int64(st, 11, ct->created_at ? ct->created_at : time_now());
    rc = sqlite_exec_stmt(c, st, "contact", err);
    if (rc == FC_EINVAL && err && err->field[0] == '\0')
        rc = contact_refs_explain(c, ct, err);
    if (rc == FC_OK && out)
        *out = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int contact_row(sqlite3_stmt *st, struct arena *a, struct contact *ct, struct fc_err *err)
{
    memset(ct, 0, sizeof(*ct));
    ct->id = sqlite_col_id(st, 0);
    if (!model_channel_parse((const char *)sqlite3_column_text(st, 1), &ct->channel))
        return err_set(err, FC_EINTERNAL, "channel", "stored channel is not valid");
    ct->received_at = sqlite3_column_int64(st, 2);
    ct->received_offset_min = sqlite3_column_int(st, 3);
    ct->handler_user_id = sqlite_col_id(st, 4);
    ct->org_id = sqlite_col_id(st, 5);
    ct->caller_person_id = sqlite_col_id(st, 6);
    ct->incident_id = sqlite_col_id(st, 7);
    ct->raw_details = sqlite_col_text(st, 8, a);
    ct->match_snapshot = sqlite_col_text(st, 9, a);
    ct->created_at = sqlite3_column_int64(st, 10);
    if ((ct->raw_details == NULL) != (sqlite3_column_type(st, 8) == SQLITE_NULL) ||
        (ct->match_snapshot == NULL) != (sqlite3_column_type(st, 9) == SQLITE_NULL))
        return err_set(err, FC_ENOMEM, "", "out of memory reading a contact");
    return FC_OK;
}

int sqlite_contact_get(struct store *s, fc_id_t id, struct arena *a, struct contact *out,
                       struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_CONTACT_GET, "SELECT " CONTACT_COLS " FROM contact WHERE id = ?1",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = contact_row(st, a, out, err);
    else if (src == SQLITE_DONE)
        rc = err_set(err, FC_ENOTFOUND, "id", "contact not found");
    else
        rc = sqlite_status(c->db, src, "contact", err);
    sqlite3_reset(st);
    return rc;
}

static void bind_query(sqlite3_stmt *st, const struct contact_query *q)
{
    sqlite_bind_id(st, 1, q->caller_person_id);
    sqlite_bind_id(st, 2, q->incident_id);
    sqlite_bind_id(st, 3, q->from);
    sqlite_bind_id(st, 4, q->to);
}

int sqlite_contact_search(struct store *s, const struct contact_query *q, struct arena *a,
                          struct contact **out, size_t *n, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_CONTACT_SEARCH,
                         "SELECT " CONTACT_COLS " FROM contact" CONTACT_WHERE
                         " ORDER BY received_at DESC, id DESC LIMIT ?5 OFFSET ?6",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    bind_query(st, q);
    sqlite3_bind_int64(st, 5, q->limit ? (sqlite3_int64)q->limit : -1);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)q->offset);
    size_t cap = 0;
    struct contact *arr = NULL;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (arr == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory searching contacts");
            break;
        }
        rc = contact_row(st, a, &arr[*n], err);
        if (rc != FC_OK)
            break;
        (*n)++;
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "contact search", err);
    sqlite3_reset(st);
    if (rc != FC_OK) {
        *n = 0;
        return rc;
    }
    *out = arr;
    return FC_OK;
}

int sqlite_contact_count(struct store *s, const struct contact_query *q, size_t *out,
                         struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    *out = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_CONTACT_COUNT, "SELECT count(*) FROM contact" CONTACT_WHERE, &st,
                         err);
    if (rc != FC_OK)
        return rc;
    bind_query(st, q);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *out = (size_t)sqlite3_column_int64(st, 0);
    else
        rc = sqlite_status(c->db, src, "contact count", err);
    sqlite3_reset(st);
    return rc;
}

int sqlite_contact_set_incident(struct store *s, fc_id_t contact_id, fc_id_t incident_id,
                                struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_CONTACT_SET_INCIDENT,
                         "UPDATE contact SET incident_id = ?2 WHERE id = ?1", &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, contact_id);
    sqlite_bind_id(st, 2, incident_id);
    rc = sqlite_exec_stmt(c, st, "contact", err);
    if (rc == FC_EINVAL && err && err->field[0] == '\0') {
        const struct sqlite_ref ref = { "incident_id", SLOT_EXISTS_INCIDENT, incident_id };
        return sqlite_ref_explain(c, &ref, 1, "contact", err);
    }
    if (rc == FC_OK && sqlite3_changes(c->db) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "contact not found");
    return rc;
}

int sqlite_contact_set_caller(struct store *s, fc_id_t contact_id, fc_id_t caller_person_id,
                              const char *match_snapshot, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(c, SLOT_CONTACT_SET_CALLER,
                         "UPDATE contact SET caller_person_id = ?2, "
                         "match_snapshot = coalesce(?3, match_snapshot) WHERE id = ?1",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, contact_id);
    sqlite_bind_id(st, 2, caller_person_id);
    sqlite_bind_text(st, 3, match_snapshot);
    rc = sqlite_exec_stmt(c, st, "contact", err);
    if (rc == FC_ECONFLICT && err)
        err_set(err, FC_ECONFLICT, "match_snapshot", "contact: match_snapshot is already recorded");
    if (rc == FC_EINVAL && err && err->field[0] == '\0') {
        const struct sqlite_ref ref = { "caller_person_id", SLOT_EXISTS_PERSON, caller_person_id };
        return sqlite_ref_explain(c, &ref, 1, "contact", err);
    }
    if (rc == FC_OK && sqlite3_changes(c->db) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "contact not found");
    return rc;
}

int sqlite_contact_scan(struct store *s, store_contact_cb cb, void *ctx, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct arena a;
    bool own;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    arena_init(&a, 0);
    rc = sqlite_stmt(c, SLOT_CONTACT_SCAN, "SELECT " CONTACT_COLS " FROM contact ORDER BY id", &st,
                     err);
    if (rc != FC_OK)
        goto out;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        struct contact ct;
        arena_free(&a);
        rc = contact_row(st, &a, &ct, err);
        if (rc == FC_OK)
            rc = cb(ctx, &ct);
        if (rc != FC_OK)
            break;
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "contact scan", err);
    sqlite3_reset(st);
out:
    arena_free(&a);
    sqlite_read_end(c, own);
    return rc;
}
