/*
 * store/sqlite/sqlite_security.c: break-the-glass grants, TOTP step use and the retention
 * queries and anonymisation (migration 0007). Statements come from sqlite_prep_cached.
 * Multi-row changes run in one (nested) transaction.
 */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"

int sqlite_break_glass_insert(struct store *s, const struct break_glass_rec *g, fc_id_t *out,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc =
        sqlite_prep_cached(s,
                           "INSERT INTO break_glass (id, user_id, object_type, object_id, "
                           "reason, granted_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, g->id);
    sqlite_bind_id(st, 2, g->user_id);
    sqlite_bind_text_copy(st, 3, g->object_type);
    sqlite3_bind_int64(st, 4, g->object_id);
    sqlite_bind_text_copy(st, 5, g->reason);
    sqlite3_bind_int64(st, 6, g->granted_at);
    sqlite3_bind_int64(st, 7, g->expires_at);
    rc = sqlite_finish(db, st, "break_glass", err);
    if (rc == FC_OK && out != NULL)
        *out = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_break_glass_active(struct store *s, fc_id_t user_id, const char *object_type,
                              fc_id_t object_id, fc_time_t now, fc_time_t *out_expires,
                              struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    *out_expires = 0;
    int rc = sqlite_prep_cached(s,
                                "SELECT max(expires_at) FROM break_glass WHERE user_id = ?1 AND "
                                "object_type = ?2 AND object_id = ?3 AND granted_at <= ?4 "
                                "AND expires_at > ?4",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite_bind_text_copy(st, 2, object_type);
    sqlite3_bind_int64(st, 3, object_id);
    sqlite3_bind_int64(st, 4, now);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        *out_expires = sqlite3_column_int64(st, 0);
    else
        rc = sqlite_status(db, src, "break_glass", err);
    sqlite_stmt_done(st);
    return rc;
}

int sqlite_break_glass_list(struct store *s, fc_time_t from, fc_time_t to, struct arena *a,
                            struct break_glass_rec **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    int rc =
        sqlite_prep_cached(s,
                           "SELECT id, user_id, object_type, object_id, reason, granted_at, "
                           "expires_at FROM break_glass WHERE (?1 IS NULL OR granted_at >= ?1) "
                           "AND (?2 IS NULL OR granted_at < ?2) ORDER BY granted_at DESC, id "
                           "DESC",
                           &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_id(st, 1, from);
    sqlite_bind_id(st, 2, to);
    size_t cap = 0;
    struct break_glass_rec *arr = NULL;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (arr == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory listing break-glass grants");
            break;
        }
        struct break_glass_rec *g = &arr[*n];
        g->id = sqlite3_column_int64(st, 0);
        g->user_id = sqlite3_column_int64(st, 1);
        g->object_type = sqlite_col_text(st, 2, a);
        g->object_id = sqlite3_column_int64(st, 3);
        g->reason = sqlite_col_text(st, 4, a);
        g->granted_at = sqlite3_column_int64(st, 5);
        g->expires_at = sqlite3_column_int64(st, 6);
        if (g->object_type == NULL || g->reason == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory listing break-glass grants");
            break;
        }
        (*n)++;
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(db, src, "break_glass list", err);
    sqlite_stmt_done(st);
    if (rc != FC_OK) {
        *n = 0;
        return rc;
    }
    *out = arr;
    return FC_OK;
}

int sqlite_user_totp_step_use(struct store *s, fc_id_t user_id, int64_t step, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc = sqlite_prep_cached(s,
                                "UPDATE app_user SET mfa_last_step = ?2 WHERE id = ?1 AND "
                                "(mfa_last_step IS NULL OR mfa_last_step < ?2)",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, user_id);
    sqlite3_bind_int64(st, 2, step);
    rc = sqlite_finish(db, st, "totp", err);
    if (rc == FC_OK && sqlite3_changes(db) == 0)
        rc = err_set(err, FC_ECONFLICT, "totp", "this one-time code was already used");
    return rc;
}

/* Runs a query whose first column is an id and collects the ids. */
static int collect_ids(struct store *s, const char *sql, fc_time_t before, struct arena *a,
                       fc_id_t **out, size_t *n, struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    *out = NULL;
    *n = 0;
    int rc = sqlite_prep_cached(s, sql, &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, before);
    size_t cap = 0;
    fc_id_t *arr = NULL;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (arr == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory listing records due for retention");
            break;
        }
        arr[(*n)++] = sqlite3_column_int64(st, 0);
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(db, src, "retention", err);
    sqlite_stmt_done(st);
    if (rc != FC_OK) {
        *n = 0;
        return rc;
    }
    *out = arr;
    return FC_OK;
}

/*
 * A person's group is the person and every person merged into them. Their last activity is
 * the newest time in any row that names the group; anything still live (a flag in force, an
 * open incident or case) keeps them.
 */
#define GROUP_OF_P "(SELECT p.id UNION SELECT m.id FROM person m WHERE m.merged_into = p.id)"

int sqlite_retention_persons_due(struct store *s, fc_time_t before, struct arena *a, fc_id_t **out,
                                 size_t *n, struct fc_err *err)
{
    static const char sql[] =
        "SELECT p.id FROM person p WHERE p.merged_into IS NULL AND p.anonymised_at IS NULL"
        " AND p.created_at < ?1"
        " AND NOT EXISTS (SELECT 1 FROM person m WHERE m.merged_into = p.id AND m.created_at >= ?1)"
        " AND NOT EXISTS (SELECT 1 FROM person_name x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= ?1)"
        " AND NOT EXISTS (SELECT 1 FROM person_dob x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= ?1)"
        " AND NOT EXISTS (SELECT 1 FROM person_phone x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= ?1)"
        " AND NOT EXISTS (SELECT 1 FROM person_email x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= ?1)"
        " AND NOT EXISTS (SELECT 1 FROM person_address x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= ?1)"
        " AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.caller_person_id IN " GROUP_OF_P
        "   AND c.received_at >= ?1)"
        " AND NOT EXISTS (SELECT 1 FROM incident_person ip JOIN incident i ON i.id = ip.incident_id"
        "   WHERE ip.person_id IN " GROUP_OF_P
        "   AND (i.status = 'open' OR i.created_at >= ?1 OR i.closed_at >= ?1))"
        " AND NOT EXISTS (SELECT 1 FROM flag f WHERE f.person_id IN " GROUP_OF_P
        "   AND (f.withdrawn_at IS NULL OR f.withdrawn_at >= ?1 OR f.flagged_at >= ?1))"
        " AND NOT EXISTS (SELECT 1 FROM case_party cp JOIN asb_case k ON k.id = cp.case_id"
        "   WHERE cp.person_id IN " GROUP_OF_P
        "   AND (k.status = 'open' OR cp.added_at >= ?1 OR k.closed_at >= ?1))"
        " ORDER BY p.id";
    return collect_ids(s, sql, before, a, out, n, err);
}

/* Runs one anonymising statement for the group of `person_id`; adds the rows changed. */
static int group_exec(sqlite3 *db, const char *sql, fc_id_t person_id, fc_time_t at, size_t *count,
                      struct fc_err *err)
{
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (src != SQLITE_OK)
        return sqlite_status(db, src, "prepare statement", err);
    sqlite3_bind_int64(st, 1, person_id);
    if (sqlite3_bind_parameter_count(st) >= 2)
        sqlite3_bind_int64(st, 2, at);
    int rc = sqlite_finish(db, st, "retention", err);
    sqlite3_finalize(st); /* prepared here, not kept: sqlite_finish only reset it */
    if (rc == FC_OK && count != NULL)
        *count += (size_t)sqlite3_changes(db);
    return rc;
}

#define GROUP_OF_1 "(SELECT ?1 UNION SELECT id FROM person WHERE merged_into = ?1)"

int sqlite_retention_person_anonymise(struct store *s, fc_id_t person_id, fc_time_t at,
                                      struct retention_person_counts *out, struct fc_err *err)
{
    static const char *const identifier_tables[] = { "person_name", "person_dob", "person_phone",
                                                     "person_email", "person_address" };
    struct sqlite_conn *c;
    memset(out, 0, sizeof(*out));
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_stmt *st;
    int src = sqlite3_prepare_v2(
        c->db, "SELECT 1 FROM person WHERE id = ?1 AND merged_into IS NULL", -1, &st, NULL);
    if (src != SQLITE_OK) {
        rc = sqlite_status(c->db, src, "prepare statement", err);
        goto out;
    }
    sqlite3_bind_int64(st, 1, person_id);
    src = sqlite3_step(st);
    sqlite3_finalize(st);
    if (src != SQLITE_ROW) {
        rc = src == SQLITE_DONE
                 ? err_set(err, FC_ENOTFOUND, "person_id", "person not found or merged")
                 : sqlite_status(c->db, src, "retention", err);
        goto out;
    }
    for (size_t i = 0; rc == FC_OK && i < sizeof(identifier_tables) / sizeof(*identifier_tables);
         i++) {
        char sql[160];
        snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE person_id IN " GROUP_OF_1,
                 identifier_tables[i]);
        rc = group_exec(c->db, sql, person_id, at, &out->identifiers, err);
    }
    if (rc == FC_OK)
        rc = group_exec(
            c->db,
            "UPDATE contact SET raw_details = NULL, match_snapshot = NULL, "
            "anonymised_at = ?2 WHERE anonymised_at IS NULL AND caller_person_id IN " GROUP_OF_1,
            person_id, at, &out->contacts, err);
    if (rc == FC_OK)
        rc = group_exec(
            c->db,
            "UPDATE flag SET reason = NULL, raw_details = NULL, external_ref = NULL, "
            "anonymised_at = ?2 WHERE anonymised_at IS NULL AND person_id IN " GROUP_OF_1,
            person_id, at, &out->flags, err);
    if (rc == FC_OK)
        rc = group_exec(c->db,
                        "UPDATE person SET anonymised_at = ?2 WHERE anonymised_at IS NULL AND "
                        "id IN " GROUP_OF_1,
                        person_id, at, &out->persons, err);
    /* a running server re-reads the person, finds no identifiers and forgets it */
    if (rc == FC_OK)
        rc = sqlite_feed_append(c, "person", person_id, 0, err);
out:
    return sqlite_tx_end(c, rc, err);
}

int sqlite_retention_incidents_due(struct store *s, fc_time_t before, struct arena *a,
                                   fc_id_t **out, size_t *n, struct fc_err *err)
{
    static const char sql[] =
        "SELECT i.id FROM incident i WHERE i.status = 'closed' AND i.closed_at < ?1"
        " AND i.anonymised_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM case_incident ci JOIN asb_case k ON k.id = ci.case_id"
        "   WHERE ci.incident_id = i.id AND (k.status = 'open' OR k.closed_at >= ?1))"
        " ORDER BY i.id";
    return collect_ids(s, sql, before, a, out, n, err);
}

int sqlite_retention_incident_anonymise(struct store *s, fc_id_t incident_id, fc_time_t at,
                                        struct fc_err *err)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int rc = sqlite_prep_cached(s,
                                "UPDATE incident SET description = NULL, location_raw = NULL, "
                                "location_postcode = NULL, location_key = NULL, lat = NULL, "
                                "lon = NULL, anonymised_at = ?2 WHERE id = ?1 AND "
                                "anonymised_at IS NULL",
                                &db, &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, incident_id);
    sqlite3_bind_int64(st, 2, at);
    rc = sqlite_finish(db, st, "retention", err);
    if (rc == FC_OK && sqlite3_changes(db) == 0)
        rc = err_set(err, FC_ENOTFOUND, "incident_id", "incident not found or already anonymised");
    return rc;
}
