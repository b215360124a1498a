/*
 * store/pg/pg_security.c: break-the-glass grants, TOTP steps and retention (migration 0007)
 * on PostgreSQL, as sqlite_security.c. Statements run unprepared (PQexecParams): these
 * run a few times a day, not per request. Multi-row changes run in one (nested)
 * transaction.
 */
#include "store/pg/pg_security.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_internal.h"

/* Runs sql with p on this thread's connection; *res on FC_OK (PQclear it). */
static int run(struct pg_conn *c, const char *sql, const struct pg_params *p, const char *what,
               PGresult **res, struct fc_err *err)
{
    *res = NULL;
    PGresult *r = PQexecParams(c->db, sql, p->n, NULL, p->v, NULL, NULL, 0);
    int rc = pg_status(c, r, what, err);
    if (rc != FC_OK) {
        PQclear(r);
        return rc;
    }
    *res = r;
    return FC_OK;
}

static int run_s(struct store *s, const char *sql, const struct pg_params *p, const char *what,
                 PGresult **res, struct fc_err *err)
{
    struct pg_conn *c;
    *res = NULL;
    int rc = pg_conn_of(s, &c, err);
    return rc == FC_OK ? run(c, sql, p, what, res, err) : rc;
}

static size_t changed(const PGresult *r)
{
    return (size_t)strtoull(PQcmdTuples((PGresult *)r), NULL, 10);
}

int pg_break_glass_insert(struct store *s, const struct break_glass_rec *g, fc_id_t *out,
                          struct fc_err *err)
{
    struct pg_params p = { 0 };
    PGresult *r;
    pg_param_id(&p, g->user_id);
    pg_param_text(&p, g->object_type);
    pg_param_int(&p, g->object_id);
    pg_param_text(&p, g->reason);
    pg_param_int(&p, g->granted_at);
    pg_param_int(&p, g->expires_at);
    int rc = run_s(s,
                   "INSERT INTO break_glass (user_id, object_type, object_id, reason, granted_at, "
                   "expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                   &p, "break_glass", &r, err);
    if (rc != FC_OK)
        return rc;
    if (out != NULL)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int pg_break_glass_active(struct store *s, fc_id_t user_id, const char *object_type,
                          fc_id_t object_id, fc_time_t now, fc_time_t *out_expires,
                          struct fc_err *err)
{
    struct pg_params p = { 0 };
    PGresult *r;
    *out_expires = 0;
    pg_param_int(&p, user_id);
    pg_param_text(&p, object_type);
    pg_param_int(&p, object_id);
    pg_param_int(&p, now);
    int rc = run_s(s,
                   "SELECT max(expires_at) FROM break_glass WHERE user_id = $1 AND "
                   "object_type = $2 AND object_id = $3 AND granted_at <= $4 AND expires_at > $4",
                   &p, "break_glass", &r, err);
    if (rc != FC_OK)
        return rc;
    if (PQntuples(r) == 1 && !pg_col_null(r, 0, 0))
        *out_expires = pg_col_int(r, 0, 0);
    PQclear(r);
    return FC_OK;
}

int pg_break_glass_list(struct store *s, fc_time_t from, fc_time_t to, struct arena *a,
                        struct break_glass_rec **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    PGresult *r;
    *out = NULL;
    *n = 0;
    pg_param_id(&p, from);
    pg_param_id(&p, to);
    int rc = run_s(s,
                   "SELECT id, user_id, object_type, object_id, reason, granted_at, expires_at "
                   "FROM break_glass WHERE ($1::bigint IS NULL OR granted_at >= $1) AND "
                   "($2::bigint IS NULL OR granted_at < $2) ORDER BY granted_at DESC, id DESC",
                   &p, "break_glass list", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct break_glass_rec *arr = arena_alloc(a, sizeof(*arr) * ((size_t)rows + 1));
    if (arr == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory listing break-glass grants");
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        arr[i].id = pg_col_int(r, i, 0);
        arr[i].user_id = pg_col_int(r, i, 1);
        arr[i].object_type = pg_col_text(r, i, 2, a);
        arr[i].object_id = pg_col_int(r, i, 3);
        arr[i].reason = pg_col_text(r, i, 4, a);
        arr[i].granted_at = pg_col_int(r, i, 5);
        arr[i].expires_at = pg_col_int(r, i, 6);
        if (arr[i].object_type == NULL || arr[i].reason == NULL)
            rc = err_set(err, FC_ENOMEM, "", "out of memory listing break-glass grants");
    }
    PQclear(r);
    if (rc != FC_OK)
        return rc;
    *out = arr;
    *n = (size_t)rows;
    return FC_OK;
}

int pg_user_totp_step_use(struct store *s, fc_id_t user_id, int64_t step, struct fc_err *err)
{
    struct pg_params p = { 0 };
    PGresult *r;
    pg_param_int(&p, user_id);
    pg_param_int(&p, step);
    int rc = run_s(s,
                   "UPDATE app_user SET mfa_last_step = $2 WHERE id = $1 AND "
                   "(mfa_last_step IS NULL OR mfa_last_step < $2)",
                   &p, "totp", &r, err);
    if (rc != FC_OK)
        return rc;
    size_t k = changed(r);
    PQclear(r);
    return k == 0 ? err_set(err, FC_ECONFLICT, "totp", "this one-time code was already used")
                  : FC_OK;
}

static int collect_ids(struct store *s, const char *sql, fc_time_t before, struct arena *a,
                       fc_id_t **out, size_t *n, struct fc_err *err)
{
    struct pg_params p = { 0 };
    PGresult *r;
    *out = NULL;
    *n = 0;
    pg_param_int(&p, before);
    int rc = run_s(s, sql, &p, "retention", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    fc_id_t *arr = arena_alloc(a, sizeof(*arr) * ((size_t)rows + 1));
    if (arr == NULL) {
        PQclear(r);
        return err_set(err, FC_ENOMEM, "", "out of memory listing records due for retention");
    }
    for (int i = 0; i < rows; i++)
        arr[i] = pg_col_int(r, i, 0);
    PQclear(r);
    *out = arr;
    *n = (size_t)rows;
    return FC_OK;
}

/* The person and every person merged into them; see sqlite_security.c. */
#define GROUP_OF_P "(SELECT p.id UNION SELECT m.id FROM person m WHERE m.merged_into = p.id)"

int pg_retention_persons_due(struct store *s, fc_time_t before, struct arena *a, fc_id_t **out,
                             size_t *n, struct fc_err *err)
{
    static const char sql[] =
        "SELECT p.id FROM person p WHERE p.merged_into IS NULL AND p.anonymised_at IS NULL"
        " AND p.created_at < $1"
        " AND NOT EXISTS (SELECT 1 FROM person m WHERE m.merged_into = p.id AND m.created_at >= $1)"
        " AND NOT EXISTS (SELECT 1 FROM person_name x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= $1)"
        " AND NOT EXISTS (SELECT 1 FROM person_dob x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= $1)"
        " AND NOT EXISTS (SELECT 1 FROM person_phone x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= $1)"
        " AND NOT EXISTS (SELECT 1 FROM person_email x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= $1)"
        " AND NOT EXISTS (SELECT 1 FROM person_address x WHERE x.person_id IN " GROUP_OF_P
        "   AND x.recorded_at >= $1)"
        " AND NOT EXISTS (SELECT 1 FROM contact c WHERE c.caller_person_id IN " GROUP_OF_P
        "   AND c.received_at >= $1)"
        " AND NOT EXISTS (SELECT 1 FROM incident_person ip JOIN incident i ON i.id = ip.incident_id"
        "   WHERE ip.person_id IN " GROUP_OF_P
        "   AND (i.status = 'open' OR i.created_at >= $1 OR i.closed_at >= $1))"
        " AND NOT EXISTS (SELECT 1 FROM flag f WHERE f.person_id IN " GROUP_OF_P
        "   AND (f.withdrawn_at IS NULL OR f.withdrawn_at >= $1 OR f.flagged_at >= $1))"
        " AND NOT EXISTS (SELECT 1 FROM case_party cp JOIN asb_case k ON k.id = cp.case_id"
        "   WHERE cp.person_id IN " GROUP_OF_P
        "   AND (k.status = 'open' OR cp.added_at >= $1 OR k.closed_at >= $1))"
        " ORDER BY p.id";
    return collect_ids(s, sql, before, a, out, n, err);
}

#define GROUP_OF_1 "(SELECT $1::bigint UNION SELECT id FROM person WHERE merged_into = $1)"

/* One anonymising statement for the group of `person_id`; adds the rows changed. */
static int group_exec(struct pg_conn *c, const char *sql, fc_id_t person_id, fc_time_t at,
                      bool with_at, size_t *count, struct fc_err *err)
{
    struct pg_params p = { 0 };
    PGresult *r;
    pg_param_int(&p, person_id);
    if (with_at)
        pg_param_int(&p, at);
    int rc = run(c, sql, &p, "retention", &r, err);
    if (rc != FC_OK)
        return rc;
    *count += changed(r);
    PQclear(r);
    return FC_OK;
}

int pg_retention_person_anonymise(struct store *s, fc_id_t person_id, fc_time_t at,
                                  struct retention_person_counts *out, struct fc_err *err)
{
    static const char *const identifier_tables[] = { "person_name", "person_dob", "person_phone",
                                                     "person_email", "person_address" };
    struct pg_conn *c;
    memset(out, 0, sizeof(*out));
    int rc = pg_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    PGresult *r;
    pg_param_int(&p, person_id);
    rc = run(c, "SELECT 1 FROM person WHERE id = $1 AND merged_into IS NULL", &p, "retention", &r,
             err);
    if (rc == FC_OK) {
        if (PQntuples(r) != 1)
            rc = err_set(err, FC_ENOTFOUND, "person_id", "person not found or merged");
        PQclear(r);
    }
    for (size_t i = 0; rc == FC_OK && i < sizeof(identifier_tables) / sizeof(*identifier_tables);
         i++) {
        char sql[200];
        snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE person_id IN " GROUP_OF_1,
                 identifier_tables[i]);
        rc = group_exec(c, sql, person_id, at, false, &out->identifiers, err);
    }
    if (rc == FC_OK)
        rc = group_exec(
            c,
            "UPDATE contact SET raw_details = NULL, match_snapshot = NULL, "
            "anonymised_at = $2 WHERE anonymised_at IS NULL AND caller_person_id IN " GROUP_OF_1,
            person_id, at, true, &out->contacts, err);
    if (rc == FC_OK)
        rc = group_exec(
            c,
            "UPDATE flag SET reason = NULL, raw_details = NULL, external_ref = NULL, "
            "anonymised_at = $2 WHERE anonymised_at IS NULL AND person_id IN " GROUP_OF_1,
            person_id, at, true, &out->flags, err);
    if (rc == FC_OK)
        rc = group_exec(c,
                        "UPDATE person SET anonymised_at = $2 WHERE anonymised_at IS NULL AND "
                        "id IN " GROUP_OF_1,
                        person_id, at, true, &out->persons, err);
    /* other nodes re-read the person, find no identifiers and forget it (match_sync) */
    if (rc == FC_OK)
        rc = pg_feed_append(c, "person", person_id, 0, err);
    return pg_tx_end(c, rc, err);
}

int pg_retention_incidents_due(struct store *s, fc_time_t before, struct arena *a, fc_id_t **out,
                               size_t *n, struct fc_err *err)
{
    static const char sql[] =
        "SELECT i.id FROM incident i WHERE i.status = 'closed' AND i.closed_at < $1"
        " AND i.anonymised_at IS NULL"
        " AND NOT EXISTS (SELECT 1 FROM case_incident ci JOIN asb_case k ON k.id = ci.case_id"
        "   WHERE ci.incident_id = i.id AND (k.status = 'open' OR k.closed_at >= $1))"
        " ORDER BY i.id";
    return collect_ids(s, sql, before, a, out, n, err);
}

int pg_retention_incident_anonymise(struct store *s, fc_id_t incident_id, fc_time_t at,
                                    struct fc_err *err)
{
    struct pg_params p = { 0 };
    PGresult *r;
    pg_param_int(&p, incident_id);
    pg_param_int(&p, at);
    int rc = run_s(s,
                   "UPDATE incident SET description = NULL, location_raw = NULL, "
                   "location_postcode = NULL, location_key = NULL, lat = NULL, lon = NULL, "
                   "anonymised_at = $2 WHERE id = $1 AND anonymised_at IS NULL",
                   &p, "retention", &r, err);
    if (rc != FC_OK)
        return rc;
    size_t k = changed(r);
    PQclear(r);
    return k == 0 ? err_set(err, FC_ENOTFOUND, "incident_id",
                            "incident not found or already anonymised")
                  : FC_OK;
}
