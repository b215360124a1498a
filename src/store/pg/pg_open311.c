/*
 * store/pg/pg_open311.c: Open311 API keys, service requests and the events that flow back
 * (migration 0006) on PostgreSQL, as sqlite_open311.c. Statements run unprepared
 * (PQexecParams): a few per posted report or poll, and the request search has a variable
 * number of parameters.
 */
#include "store/pg/pg_open311.h"

#include <stdio.h>
#include <string.h>

#include "store/pg/pg_internal.h"

/* Runs sql with p on this thread's connection; *res on FC_OK (PQclear it). */
static int run(struct store *s, const char *sql, const struct pg_params *p, const char *what,
               PGresult **res, struct fc_err *err)
{
    struct pg_conn *c;
    *res = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    PGresult *r = PQexecParams(c->db, sql, p->n, NULL, p->v, NULL, NULL, 0);
    rc = pg_status(c, r, what, err);
    if (rc != FC_OK) {
        PQclear(r);
        return rc;
    }
    *res = r;
    return FC_OK;
}

#define KEY_COLS "id, org_id, label, created_at, revoked_at"

static void key_row(const PGresult *r, int row, struct arena *a, struct open311_key_rec *k)
{
    memset(k, 0, sizeof(*k));
    k->id = pg_col_int(r, row, 0);
    k->org_id = pg_col_int(r, row, 1);
    k->label = pg_col_text(r, row, 2, a);
    k->created_at = pg_col_int(r, row, 3);
    k->revoked_at = pg_col_null(r, row, 4) ? 0 : pg_col_int(r, row, 4);
}

int pg_open311_key_insert(struct store *s, const struct open311_key_rec *k, fc_id_t *out,
                          struct fc_err *err)
{
    PGresult *r;
    struct pg_params p = { 0 };
    pg_param_id(&p, k->org_id);
    pg_param_text(&p, k->label);
    pg_param_bytea(&p, k->key_hash, 32);
    pg_param_int(&p, k->created_at);
    int rc = run(s,
                 "INSERT INTO open311_key (org_id, label, key_hash, created_at) "
                 "VALUES ($1, $2, $3, $4) RETURNING id",
                 &p, "open311_key insert", &r, err);
    if (rc == FC_OK && out != NULL)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

int pg_open311_key_get_by_hash(struct store *s, const unsigned char key_hash[32],
                               struct arena *a, struct open311_key_rec *out, struct fc_err *err)
{
    PGresult *r;
    struct pg_params p = { 0 };
    pg_param_bytea(&p, key_hash, 32);
    int rc = run(s, "SELECT " KEY_COLS " FROM open311_key WHERE key_hash = $1", &p,
                 "open311_key get", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, "api_key", "no such key");
    if (rc == FC_OK) {
        key_row(r, 0, a, out);
        memcpy(out->key_hash, key_hash, 32);
    }
    PQclear(r);
    return rc;
}

int pg_open311_key_list(struct store *s, fc_id_t org_id, struct arena *a,
                        struct open311_key_rec **out, size_t *n, struct fc_err *err)
{
    PGresult *r;
    struct pg_params p = { 0 };
    *out = NULL;
    *n = 0;
    pg_param_id(&p, org_id);
    int rc = run(s,
                 "SELECT " KEY_COLS " FROM open311_key "
                 "WHERE $1::bigint IS NULL OR org_id = $1::bigint ORDER BY id",
                 &p, "open311_key list", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    *out = arena_alloc(a, ((size_t)rows + 1) * sizeof(**out));
    if (*out == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory");
    for (int i = 0; rc == FC_OK && i < rows; i++)
        key_row(r, i, a, &(*out)[i]);
    if (rc == FC_OK)
        *n = (size_t)rows;
    PQclear(r);
    return rc;
}

int pg_open311_key_revoke(struct store *s, fc_id_t id, fc_time_t at, struct fc_err *err)
{
    PGresult *r;
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    pg_param_int(&p, at);
    int rc = run(s,
                 "UPDATE open311_key SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                 &p, "open311_key revoke", &r, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "no such key in use");
    PQclear(r);
    return rc;
}

int pg_open311_request_insert(struct store *s, const struct open311_request_rec *q,
                              fc_id_t *out, struct fc_err *err)
{
    PGresult *r;
    struct pg_params p = { 0 };
    pg_param_id(&p, q->org_id);
    pg_param_id(&p, q->key_id);
    pg_param_text(&p, q->service_code);
    pg_param_id(&p, q->contact_id);
    pg_param_id(&p, q->incident_id);
    pg_param_text(&p, q->address);
    pg_param_text(&p, q->address_id);
    pg_param_text(&p, q->postcode);
    pg_param_double(&p, q->lat);
    pg_param_double(&p, q->lon);
    pg_param_text(&p, q->media_url);
    pg_param_text(&p, q->attributes ? q->attributes : "{}");
    pg_param_int(&p, q->requested_at);
    int rc = run(s,
                 "INSERT INTO open311_request (org_id, key_id, service_code, contact_id, "
                 "incident_id, address, address_id, postcode, lat, lon, media_url, attributes, "
                 "requested_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
                 "RETURNING id",
                 &p, "open311_request insert", &r, err);
    if (rc == FC_OK && out != NULL)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

#define REQUEST_SELECT                                                                             \
    "SELECT r.id, r.org_id, r.key_id, r.contact_id, r.incident_id, r.service_code, r.address, "   \
    "r.address_id, r.postcode, r.lat, r.lon, r.media_url, r.attributes, r.requested_at, "          \
    "i.status, i.description, greatest(r.requested_at, coalesce(i.closed_at, 0), "                \
    "coalesce((SELECT max(v.sent_at) FROM victim_update v WHERE v.incident_id = i.id), 0)), "      \
    "o.name FROM open311_request r JOIN incident i ON i.id = r.incident_id "                       \
    "JOIN organisation o ON o.id = r.org_id WHERE "

int pg_open311_request_search(struct store *s, const struct open311_request_query *q,
                              struct arena *a, struct open311_request_rec **out, size_t *n,
                              struct fc_err *err)
{
    char sql[4096];
    size_t len = 0;
    struct pg_params p = { 0 };
    *out = NULL;
    *n = 0;
    if (q->n_ids + q->n_codes + 4 > PG_MAX_PARAMS)
        return err_set(err, FC_EINVAL, q->n_ids ? "ids" : "codes",
                       "at most %d items on PostgreSQL", PG_MAX_PARAMS - 4);
    len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s", REQUEST_SELECT);
    if (q->n_ids > 0) {
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, "r.id IN (");
        for (size_t i = 0; i < q->n_ids; i++) {
            pg_param_int(&p, q->ids[i]);
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s$%d", i ? ", " : "", p.n);
        }
        len += (size_t)snprintf(sql + len, sizeof(sql) - len, ")");
    } else {
        pg_param_text(&p, q->status);
        pg_param_id(&p, q->from);
        pg_param_id(&p, q->to);
        len += (size_t)snprintf(sql + len, sizeof(sql) - len,
                                "($1::text IS NULL OR i.status = $1::text) AND "
                                "($2::bigint IS NULL OR r.requested_at >= $2::bigint) AND "
                                "($3::bigint IS NULL OR r.requested_at <= $3::bigint)");
        if (q->n_codes > 0) {
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, " AND r.service_code IN (");
            for (size_t i = 0; i < q->n_codes; i++) {
                pg_param_text(&p, q->codes[i]);
                len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s$%d", i ? ", " : "",
                                        p.n);
            }
            len += (size_t)snprintf(sql + len, sizeof(sql) - len, ")");
        }
    }
    if (q->limit > 0)
        pg_param_int(&p, (int64_t)q->limit);
    else
        pg_param_text(&p, NULL);
    snprintf(sql + len, sizeof(sql) - len,
             " ORDER BY r.requested_at DESC, r.id DESC LIMIT $%d::bigint", p.n);
    PGresult *r;
    int rc = run(s, sql, &p, "open311_request search", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    *out = arena_alloc(a, ((size_t)rows + 1) * sizeof(**out));
    if (*out == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory");
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        struct open311_request_rec *x = &(*out)[i];
        memset(x, 0, sizeof(*x));
        x->id = pg_col_int(r, i, 0);
        x->org_id = pg_col_int(r, i, 1);
        x->key_id = pg_col_int(r, i, 2);
        x->contact_id = pg_col_int(r, i, 3);
        x->incident_id = pg_col_int(r, i, 4);
        x->service_code = pg_col_text(r, i, 5, a);
        x->address = pg_col_text(r, i, 6, a);
        x->address_id = pg_col_text(r, i, 7, a);
        x->postcode = pg_col_text(r, i, 8, a);
        x->lat = pg_col_double(r, i, 9);
        x->lon = pg_col_double(r, i, 10);
        x->media_url = pg_col_text(r, i, 11, a);
        x->attributes = pg_col_text(r, i, 12, a);
        x->requested_at = pg_col_int(r, i, 13);
        x->status = pg_col_text(r, i, 14, a);
        x->description = pg_col_text(r, i, 15, a);
        x->updated_at = pg_col_int(r, i, 16);
        x->org_name = pg_col_text(r, i, 17, a);
    }
    if (rc == FC_OK)
        *n = (size_t)rows;
    PQclear(r);
    return rc;
}

int pg_open311_event_list(struct store *s, fc_id_t org_id, fc_time_t from, fc_time_t to,
                          size_t limit, struct arena *a, struct open311_event_rec **out,
                          size_t *n, struct fc_err *err)
{
    PGresult *r;
    struct pg_params p = { 0 };
    *out = NULL;
    *n = 0;
    pg_param_int(&p, org_id);
    pg_param_int(&p, from);
    pg_param_int(&p, to);
    if (limit > 0)
        pg_param_int(&p, (int64_t)limit);
    else
        pg_param_text(&p, NULL);
    int rc = run(
        s,
        "SELECT * FROM (SELECT r.id AS request_id, v.id AS source_id, v.kind, v.event, "
        "v.summary, v.sent_at AS at "
        "FROM open311_request r JOIN victim_update v ON v.incident_id = r.incident_id "
        "WHERE r.org_id = $1 AND v.sent_at BETWEEN $2 AND $3 "
        "UNION ALL "
        "SELECT r.id, i.id, 'closed', NULL, i.outcome, i.closed_at "
        "FROM open311_request r JOIN incident i ON i.id = r.incident_id "
        "WHERE r.org_id = $1 AND i.status = 'closed' AND i.closed_at BETWEEN $2 AND $3 "
        "AND NOT EXISTS (SELECT 1 FROM victim_update v WHERE v.incident_id = i.id "
        "AND v.kind = 'closure')) e ORDER BY at, request_id, source_id LIMIT $4::bigint",
        &p, "open311_event list", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    *out = arena_alloc(a, ((size_t)rows + 1) * sizeof(**out));
    if (*out == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory");
    for (int i = 0; rc == FC_OK && i < rows; i++) {
        struct open311_event_rec *e = &(*out)[i];
        e->request_id = pg_col_int(r, i, 0);
        e->source_id = pg_col_int(r, i, 1);
        e->kind = pg_col_text(r, i, 2, a);
        e->event = pg_col_text(r, i, 3, a);
        e->summary = pg_col_text(r, i, 4, a);
        e->at = pg_col_int(r, i, 5);
    }
    if (rc == FC_OK)
        *n = (size_t)rows;
    PQclear(r);
    return rc;
}
