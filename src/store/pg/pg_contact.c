/* store/pg/pg_contact.c: contacts (one call, form or referral each) on PostgreSQL. */
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_internal.h"
#include "util/timeutil.h"

#define CONTACT_COLS                                                                               \
    "id, channel, received_at, received_offset_min, handler_user_id, org_id, caller_person_id, "   \
    "incident_id, raw_details, match_snapshot, created_at"
#define CONTACT_WHERE                                                                              \
    " WHERE ($1::bigint IS NULL OR caller_person_id = $1::bigint)"                                 \
    " AND ($2::bigint IS NULL OR incident_id = $2::bigint)"                                        \
    " AND ($3::bigint IS NULL OR received_at >= $3::bigint)"                                       \
    " AND ($4::bigint IS NULL OR received_at < $4::bigint)"

int pg_contact_insert(struct store *s, const struct contact *ct, fc_id_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    const char *channel = model_channel_name(ct->channel);
    if (channel == NULL)
        return err_set(err, FC_EINVAL, "channel", "channel is not valid");
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    fc_time_t now = time_now();
    struct pg_params p = { 0 };
    pg_param_id(&p, ct->id);
    pg_param_text(&p, channel);
    pg_param_int(&p, ct->received_at);
    pg_param_int(&p, ct->received_offset_min);
    pg_param_id(&p, ct->handler_user_id);
    pg_param_id(&p, ct->org_id);
    pg_param_id(&p, ct->caller_person_id);
    pg_param_id(&p, ct->incident_id);
    pg_param_text(&p, ct->raw_details);
    pg_param_text(&p, ct->match_snapshot);
    pg_param_int(&p, ct->created_at ? ct->created_at : now);
    rc = pg_exec(c, PG_CONTACT_INSERT,
                 "INSERT INTO contact (" CONTACT_COLS ") VALUES "
                 "(coalesce($1::bigint, nextval('contact_id_seq')), $2, $3, $4, $5, $6, $7, $8, "
                 "$9, $10, $11) RETURNING id",
                 &p, "contact", &r, err);
    if (rc == FC_OK && ct->id != 0)
        rc = pg_seq_bump(c, "contact", ct->id, err);
    if (rc == FC_OK && out)
        *out = pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

static int contact_row(const PGresult *r, int row, struct arena *a, struct contact *ct,
                       struct fc_err *err)
{
    memset(ct, 0, sizeof(*ct));
    ct->id = pg_col_int(r, row, 0);
    if (!model_channel_parse(PQgetvalue(r, row, 1), &ct->channel))
        return err_set(err, FC_EINTERNAL, "channel", "stored channel is not valid");
    ct->received_at = pg_col_int(r, row, 2);
    ct->received_offset_min = (int)pg_col_int(r, row, 3);
    ct->handler_user_id = pg_col_int(r, row, 4);
    ct->org_id = pg_col_int(r, row, 5);
    ct->caller_person_id = pg_col_int(r, row, 6);
    ct->incident_id = pg_col_int(r, row, 7);
    ct->raw_details = pg_col_text(r, row, 8, a);
    ct->match_snapshot = pg_col_text(r, row, 9, a);
    ct->created_at = pg_col_int(r, row, 10);
    if ((ct->raw_details == NULL && !pg_col_null(r, row, 8)) ||
        (ct->match_snapshot == NULL && !pg_col_null(r, row, 9)))
        return err_set(err, FC_ENOMEM, "", "out of memory reading a contact");
    return FC_OK;
}

int pg_contact_get(struct store *s, fc_id_t id, struct arena *a, struct contact *out,
                   struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    rc = pg_exec(c, PG_CONTACT_GET, "SELECT " CONTACT_COLS " FROM contact WHERE id = $1", &p,
                 "contact", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "contact not found");
    if (rc == FC_OK)
        rc = contact_row(r, 0, a, out, err);
    PQclear(r);
    return rc;
}

static void query_params(struct pg_params *p, const struct contact_query *q)
{
    pg_param_id(p, q->caller_person_id);
    pg_param_id(p, q->incident_id);
    pg_param_id(p, q->from);
    pg_param_id(p, q->to);
}

int pg_contact_search(struct store *s, const struct contact_query *q, struct arena *a,
                      struct contact **out, size_t *n, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    query_params(&p, q);
    if (q->limit)
        pg_param_int(&p, (int64_t)q->limit);
    else
        pg_param_text(&p, NULL);
    pg_param_int(&p, (int64_t)q->offset);
    rc = pg_exec(c, PG_CONTACT_SEARCH,
                 "SELECT " CONTACT_COLS " FROM contact" CONTACT_WHERE
                 " ORDER BY received_at DESC, id DESC LIMIT $5::bigint OFFSET $6::bigint",
                 &p, "contact search", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    struct contact *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory searching contacts");
    for (int i = 0; rc == FC_OK && i < rows; i++)
        rc = contact_row(r, i, a, &arr[i], err);
    PQclear(r);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
    return rc;
}

int pg_contact_count(struct store *s, const struct contact_query *q, size_t *out,
                     struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    query_params(&p, q);
    rc = pg_exec(c, PG_CONTACT_COUNT, "SELECT count(*) FROM contact" CONTACT_WHERE, &p,
                 "contact count", &r, err);
    if (rc == FC_OK)
        *out = (size_t)pg_col_int(r, 0, 0);
    PQclear(r);
    return rc;
}

int pg_contact_set_incident(struct store *s, fc_id_t contact_id, fc_id_t incident_id,
                            struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, contact_id);
    pg_param_id(&p, incident_id);
    rc = pg_exec(c, PG_CONTACT_SET_INCIDENT, "UPDATE contact SET incident_id = $2 WHERE id = $1",
                 &p, "contact", &r, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "contact not found");
    PQclear(r);
    return rc;
}

int pg_contact_set_caller(struct store *s, fc_id_t contact_id, fc_id_t caller_person_id,
                          const char *match_snapshot, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, contact_id);
    pg_param_id(&p, caller_person_id);
    pg_param_text(&p, match_snapshot);
    rc = pg_exec(c, PG_CONTACT_SET_CALLER,
                 "UPDATE contact SET caller_person_id = $2, "
                 "match_snapshot = coalesce($3, match_snapshot) WHERE id = $1",
                 &p, "contact", &r, err);
    if (rc == FC_ECONFLICT) /* the immutability trigger */
        err_set(err, FC_ECONFLICT, "match_snapshot", "contact: match_snapshot is already recorded");
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "contact not found");
    PQclear(r);
    return rc;
}

int pg_contact_scan(struct store *s, store_contact_cb cb, void *ctx, struct fc_err *err)
{
    struct pg_conn *c;
    struct arena a;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    bool own;
    rc = pg_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_exec_simple(c,
                        "DECLARE fc_scan_contact NO SCROLL CURSOR FOR SELECT " CONTACT_COLS
                        " FROM contact ORDER BY id",
                        "contact scan", err);
    arena_init(&a, 0);
    bool more = rc == FC_OK;
    while (rc == FC_OK && more) {
        PGresult *r = PQexec(c->db, "FETCH 500 FROM fc_scan_contact");
        rc = pg_status(c, r, "contact scan", err);
        int rows = rc == FC_OK ? PQntuples(r) : 0;
        more = rows > 0;
        for (int i = 0; rc == FC_OK && i < rows; i++) {
            struct contact ct;
            arena_free(&a);
            rc = contact_row(r, i, &a, &ct, err);
            if (rc == FC_OK)
                rc = cb(ctx, &ct);
        }
        PQclear(r);
    }
    if (PQtransactionStatus(c->db) == PQTRANS_INTRANS)
        pg_exec_simple(c, "CLOSE fc_scan_contact", "contact scan", NULL);
    if (own)
        pg_tx_end(c, FC_OK, NULL);
    arena_free(&a);
    return rc;
}
