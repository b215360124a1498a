/*
 * store/pg/pg_person.c: persons and their identifier rows on PostgreSQL. A person and its
 * identifiers are read in one snapshot (REPEATABLE READ); scans walk the person table and
 * the five identifier tables together through server-side cursors, in batches, so memory
 * stays bounded however many persons there are.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_internal.h"
#include "util/timeutil.h"

#define PROV_COLS  "source, source_id, recorded_at"
#define NAME_COLS  "person_id, id, raw, forename, middles, surname, keys, " PROV_COLS
#define DOB_COLS   "person_id, id, raw, date, precision, is_placeholder, " PROV_COLS
#define PHONE_COLS "person_id, id, raw, e164, kind, " PROV_COLS
#define EMAIL_COLS "person_id, id, raw, norm, " PROV_COLS
#define ADDRESS_COLS                                                                               \
    "person_id, id, raw, flat, number, building, street, town, postcode, uprn, lat, lon, keys, "   \
    "valid_from, valid_to, " PROV_COLS
#define SCAN_BATCH "500"

enum ident_kind { ID_NAME, ID_DOB, ID_PHONE, ID_EMAIL, ID_ADDRESS, ID_COUNT };
static const char *const ident_field[ID_COUNT] = { "names", "dobs", "phones", "emails",
                                                   "addresses" };
static const char *const ident_table[ID_COUNT] = { "person_name", "person_dob", "person_phone",
                                                   "person_email", "person_address" };
static const char *const ident_cols[ID_COUNT] = { NAME_COLS, DOB_COLS, PHONE_COLS, EMAIL_COLS,
                                                  ADDRESS_COLS };
static const char *const list_sql[ID_COUNT] = {
    "SELECT " NAME_COLS " FROM person_name WHERE person_id = $1 ORDER BY id",
    "SELECT " DOB_COLS " FROM person_dob WHERE person_id = $1 ORDER BY id",
    "SELECT " PHONE_COLS " FROM person_phone WHERE person_id = $1 ORDER BY id",
    "SELECT " EMAIL_COLS " FROM person_email WHERE person_id = $1 ORDER BY id",
    "SELECT " ADDRESS_COLS " FROM person_address WHERE person_id = $1 ORDER BY id",
};
static const enum pg_slot list_slot[ID_COUNT] = { PG_NAME_LIST, PG_DOB_LIST, PG_PHONE_LIST,
                                                  PG_EMAIL_LIST, PG_ADDRESS_LIST };

static void param_prov(struct pg_params *p, const struct provenance *pv, fc_time_t now)
{
    pg_param_text(p, pv->source);
    pg_param_id(p, pv->source_id);
    pg_param_int(p, pv->recorded_at ? pv->recorded_at : now);
}

/* Prefixes err->field with the identifier's path, e.g. "dobs[1].date". */
static int ident_error(int rc, enum ident_kind k, size_t i, struct fc_err *err)
{
    if (err != NULL) {
        char field[sizeof(err->field) + 32];
        snprintf(field, sizeof(field), "%s[%zu]%s%s", ident_field[k], i, err->field[0] ? "." : "",
                 err->field);
        snprintf(err->field, sizeof(err->field), "%.63s", field);
    }
    return rc;
}

static int exec_clear(struct pg_conn *c, enum pg_slot slot, const char *sql,
                      const struct pg_params *p, const char *what, struct fc_err *err)
{
    PGresult *r = NULL;
    int rc = pg_exec(c, slot, sql, p, what, &r, err);
    PQclear(r);
    return rc;
}

static int insert_identifiers(struct pg_conn *c, const struct person *p, fc_id_t pid,
                              fc_time_t now, struct fc_err *err)
{
    int rc;
    for (size_t i = 0; i < p->n_names; i++) {
        const struct person_name *n = &p->names[i];
        struct pg_params q = { 0 };
        pg_param_int(&q, pid);
        pg_param_text(&q, n->raw);
        pg_param_text(&q, n->forename);
        pg_param_text(&q, n->middles);
        pg_param_text(&q, n->surname);
        pg_param_text(&q, n->keys);
        param_prov(&q, &n->prov, now);
        rc = exec_clear(c, PG_NAME_INSERT,
                        "INSERT INTO person_name (person_id, raw, forename, middles, surname, "
                        "keys, " PROV_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                        &q, "person name", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_NAME, i, err);
    }
    for (size_t i = 0; i < p->n_dobs; i++) {
        const struct person_dob *d = &p->dobs[i];
        const char *prec = model_dob_precision_name(d->precision);
        if (prec == NULL)
            return ident_error(err_set(err, FC_EINVAL, "precision", "precision is not valid"),
                               ID_DOB, i, err);
        char date[sizeof(d->date) + 1];
        snprintf(date, sizeof(date), "%.*s", (int)sizeof(d->date), d->date);
        struct pg_params q = { 0 };
        pg_param_int(&q, pid);
        pg_param_text(&q, d->raw);
        pg_param_text(&q, date);
        pg_param_text(&q, prec);
        pg_param_int(&q, d->is_placeholder ? 1 : 0);
        param_prov(&q, &d->prov, now);
        rc = exec_clear(c, PG_DOB_INSERT,
                        "INSERT INTO person_dob (person_id, raw, date, precision, is_placeholder, "
                        PROV_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        &q, "person date of birth", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_DOB, i, err);
    }
    for (size_t i = 0; i < p->n_phones; i++) {
        const struct person_phone *ph = &p->phones[i];
        struct pg_params q = { 0 };
        pg_param_int(&q, pid);
        pg_param_text(&q, ph->raw);
        pg_param_text(&q, ph->e164);
        pg_param_text(&q, ph->kind);
        param_prov(&q, &ph->prov, now);
        rc = exec_clear(c, PG_PHONE_INSERT,
                        "INSERT INTO person_phone (person_id, raw, e164, kind, " PROV_COLS
                        ") VALUES ($1, $2, $3, coalesce($4, 'unknown'), $5, $6, $7)",
                        &q, "person phone", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_PHONE, i, err);
    }
    for (size_t i = 0; i < p->n_emails; i++) {
        const struct person_email *e = &p->emails[i];
        struct pg_params q = { 0 };
        pg_param_int(&q, pid);
        pg_param_text(&q, e->raw);
        pg_param_text(&q, e->norm);
        param_prov(&q, &e->prov, now);
        rc = exec_clear(c, PG_EMAIL_INSERT,
                        "INSERT INTO person_email (person_id, raw, norm, " PROV_COLS
                        ") VALUES ($1, $2, $3, $4, $5, $6)",
                        &q, "person email", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_EMAIL, i, err);
    }
    for (size_t i = 0; i < p->n_addresses; i++) {
        const struct person_address *ad = &p->addresses[i];
        struct pg_params q = { 0 };
        pg_param_int(&q, pid);
        pg_param_text(&q, ad->raw);
        pg_param_text(&q, ad->flat);
        pg_param_text(&q, ad->number);
        pg_param_text(&q, ad->building);
        pg_param_text(&q, ad->street);
        pg_param_text(&q, ad->town);
        pg_param_text(&q, ad->postcode);
        pg_param_text(&q, ad->uprn);
        pg_param_double(&q, ad->lat);
        pg_param_double(&q, ad->lon);
        pg_param_text(&q, ad->keys);
        pg_param_id(&q, ad->valid_from);
        pg_param_id(&q, ad->valid_to);
        param_prov(&q, &ad->prov, now);
        rc = exec_clear(c, PG_ADDRESS_INSERT,
                        "INSERT INTO person_address (person_id, raw, flat, number, building, "
                        "street, town, postcode, uprn, lat, lon, keys, valid_from, valid_to, "
                        PROV_COLS ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
                        "$13, $14, $15, $16, $17)",
                        &q, "person address", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_ADDRESS, i, err);
    }
    return FC_OK;
}

int pg_person_insert(struct store *s, const struct person *p, fc_id_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    fc_time_t now = time_now();
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params q = { 0 };
    pg_param_id(&q, p->id);
    pg_param_int(&q, p->created_at ? p->created_at : now);
    rc = pg_exec(c, PG_PERSON_INSERT,
                 "INSERT INTO person (id, created_at, merged_into) VALUES "
                 "(coalesce($1::bigint, nextval('person_id_seq')), $2, NULL) RETURNING id",
                 &q, "person", &r, err);
    if (rc != FC_OK)
        goto out;
    fc_id_t pid = pg_col_int(r, 0, 0);
    if (p->id != 0)
        rc = pg_seq_bump(c, "person", p->id, err);
    if (rc == FC_OK)
        rc = insert_identifiers(c, p, pid, now, err);
    if (rc == FC_OK)
        rc = pg_feed_append(c, "person", pid, 0, err);
    if (rc == FC_OK && out)
        *out = pid;
out:
    PQclear(r);
    return pg_tx_end(c, rc, err);
}

int pg_person_add_identifiers(struct store *s, const struct person *p, struct fc_err *err)
{
    struct pg_conn *c;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = insert_identifiers(c, p, p->id, time_now(), err);
    if (rc == FC_EINVAL && err && strstr(err->msg, "does not exist") != NULL &&
        strstr(err->field, "person_id") != NULL)
        rc = err_set(err, FC_ENOTFOUND, "id", "person not found");
    if (rc == FC_OK)
        rc = pg_feed_append(c, "person", p->id, 0, err);
    return pg_tx_end(c, rc, err);
}

static void read_prov(const PGresult *r, int row, int i, struct arena *a, struct provenance *pv)
{
    pv->source = pg_col_text(r, row, i, a);
    pv->source_id = pg_col_int(r, row, i + 1);
    pv->recorded_at = pg_col_int(r, row, i + 2);
}

/* Appends row `row` of an identifier result (column 0 person_id, 1 id) to person p. */
static int read_ident(enum ident_kind k, const PGresult *r, int row, struct arena *a,
                      struct person *p, size_t *cap)
{
    switch (k) {
    case ID_NAME: {
        p->names = pg_grow(a, p->names, sizeof(*p->names), p->n_names, cap);
        if (p->names == NULL)
            return FC_ENOMEM;
        struct person_name *n = &p->names[p->n_names++];
        memset(n, 0, sizeof(*n));
        n->id = pg_col_int(r, row, 1);
        n->raw = pg_col_text(r, row, 2, a);
        n->forename = pg_col_text(r, row, 3, a);
        n->middles = pg_col_text(r, row, 4, a);
        n->surname = pg_col_text(r, row, 5, a);
        n->keys = pg_col_text(r, row, 6, a);
        read_prov(r, row, 7, a, &n->prov);
        break;
    }
    case ID_DOB: {
        p->dobs = pg_grow(a, p->dobs, sizeof(*p->dobs), p->n_dobs, cap);
        if (p->dobs == NULL)
            return FC_ENOMEM;
        struct person_dob *d = &p->dobs[p->n_dobs++];
        memset(d, 0, sizeof(*d));
        d->id = pg_col_int(r, row, 1);
        d->raw = pg_col_text(r, row, 2, a);
        snprintf(d->date, sizeof(d->date), "%s", PQgetvalue(r, row, 3));
        if (!model_dob_precision_parse(PQgetvalue(r, row, 4), &d->precision))
            d->precision = DOB_FULL;
        d->is_placeholder = pg_col_int(r, row, 5) != 0;
        read_prov(r, row, 6, a, &d->prov);
        break;
    }
    case ID_PHONE: {
        p->phones = pg_grow(a, p->phones, sizeof(*p->phones), p->n_phones, cap);
        if (p->phones == NULL)
            return FC_ENOMEM;
        struct person_phone *ph = &p->phones[p->n_phones++];
        memset(ph, 0, sizeof(*ph));
        ph->id = pg_col_int(r, row, 1);
        ph->raw = pg_col_text(r, row, 2, a);
        ph->e164 = pg_col_text(r, row, 3, a);
        ph->kind = pg_col_text(r, row, 4, a);
        read_prov(r, row, 5, a, &ph->prov);
        break;
    }
    case ID_EMAIL: {
        p->emails = pg_grow(a, p->emails, sizeof(*p->emails), p->n_emails, cap);
        if (p->emails == NULL)
            return FC_ENOMEM;
        struct person_email *e = &p->emails[p->n_emails++];
        memset(e, 0, sizeof(*e));
        e->id = pg_col_int(r, row, 1);
        e->raw = pg_col_text(r, row, 2, a);
        e->norm = pg_col_text(r, row, 3, a);
        read_prov(r, row, 4, a, &e->prov);
        break;
    }
    case ID_ADDRESS: {
        p->addresses = pg_grow(a, p->addresses, sizeof(*p->addresses), p->n_addresses, cap);
        if (p->addresses == NULL)
            return FC_ENOMEM;
        struct person_address *ad = &p->addresses[p->n_addresses++];
        memset(ad, 0, sizeof(*ad));
        ad->id = pg_col_int(r, row, 1);
        ad->raw = pg_col_text(r, row, 2, a);
        ad->flat = pg_col_text(r, row, 3, a);
        ad->number = pg_col_text(r, row, 4, a);
        ad->building = pg_col_text(r, row, 5, a);
        ad->street = pg_col_text(r, row, 6, a);
        ad->town = pg_col_text(r, row, 7, a);
        ad->postcode = pg_col_text(r, row, 8, a);
        ad->uprn = pg_col_text(r, row, 9, a);
        ad->lat = pg_col_double(r, row, 10);
        ad->lon = pg_col_double(r, row, 11);
        ad->keys = pg_col_text(r, row, 12, a);
        ad->valid_from = pg_col_int(r, row, 13);
        ad->valid_to = pg_col_int(r, row, 14);
        read_prov(r, row, 15, a, &ad->prov);
        break;
    }
    case ID_COUNT:
        break;
    }
    return FC_OK;
}

int pg_person_get(struct store *s, fc_id_t id, struct arena *a, struct person *out,
                  struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    memset(out, 0, sizeof(*out));
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    bool own;
    rc = pg_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params q = { 0 };
    pg_param_int(&q, id);
    rc = pg_exec(c, PG_PERSON_GET, "SELECT id, created_at, merged_into FROM person WHERE id = $1",
                 &q, "person", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "person not found");
    if (rc == FC_OK) {
        out->id = pg_col_int(r, 0, 0);
        out->created_at = pg_col_int(r, 0, 1);
        out->merged_into = pg_col_int(r, 0, 2);
    }
    PQclear(r);
    for (int k = 0; k < ID_COUNT && rc == FC_OK; k++) {
        r = NULL;
        rc = pg_exec(c, list_slot[k], list_sql[k], &q, "person identifiers", &r, err);
        size_t cap = 0;
        for (int row = 0; rc == FC_OK && row < PQntuples(r); row++) {
            if (read_ident((enum ident_kind)k, r, row, a, out, &cap) != FC_OK)
                rc = err_set(err, FC_ENOMEM, "", "out of memory reading a person");
        }
        PQclear(r);
    }
    pg_read_end(c, own);
    return rc;
}

int pg_person_search(struct store *s, const struct person_query *q, struct arena *a,
                     fc_id_t **out, size_t *n, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_text(&p, q->surname);
    pg_param_text(&p, q->phone_e164);
    pg_param_text(&p, q->postcode);
    if (q->limit)
        pg_param_int(&p, (int64_t)q->limit);
    else
        pg_param_text(&p, NULL);
    pg_param_int(&p, (int64_t)q->offset);
    rc = pg_exec(c, PG_PERSON_SEARCH,
                 "SELECT p.id FROM person p WHERE p.merged_into IS NULL"
                 " AND ($1::text IS NULL OR p.id IN (SELECT person_id FROM person_name"
                 "      WHERE lower(surname) = lower($1::text)))"
                 " AND ($2::text IS NULL OR p.id IN (SELECT person_id FROM person_phone"
                 "      WHERE e164 = $2::text))"
                 " AND ($3::text IS NULL OR p.id IN (SELECT person_id FROM person_address"
                 "      WHERE postcode = $3::text))"
                 " ORDER BY p.id DESC LIMIT $4::bigint OFFSET $5::bigint",
                 &p, "person search", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    fc_id_t *ids = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*ids));
    if (ids == NULL) {
        rc = err_set(err, FC_ENOMEM, "", "out of memory searching persons");
    } else {
        for (int i = 0; i < rows; i++)
            ids[i] = pg_col_int(r, i, 0);
        *out = ids;
        *n = (size_t)rows;
    }
    PQclear(r);
    return rc;
}

/* A server-side cursor read in batches; `row` indexes the current batch. */
struct cursor {
    const char *name;
    PGresult *batch;
    int row;
    bool has_row;
    fc_id_t pid; /* column 0 of the current row */
};

static int cursor_next(struct pg_conn *c, struct cursor *cu, struct fc_err *err)
{
    cu->row++;
    if (cu->batch == NULL || cu->row >= PQntuples(cu->batch)) {
        char sql[64];
        PQclear(cu->batch);
        snprintf(sql, sizeof(sql), "FETCH " SCAN_BATCH " FROM %s", cu->name);
        cu->batch = PQexec(c->db, sql);
        cu->row = 0;
        int rc = pg_status(c, cu->batch, "person scan", err);
        if (rc != FC_OK) {
            cu->has_row = false;
            return rc;
        }
    }
    cu->has_row = cu->row < PQntuples(cu->batch);
    if (cu->has_row)
        cu->pid = pg_col_int(cu->batch, cu->row, 0);
    return FC_OK;
}

static int cursor_open(struct pg_conn *c, struct cursor *cu, const char *name, const char *query,
                       struct fc_err *err)
{
    char sql[512];
    cu->name = name;
    cu->batch = NULL;
    cu->row = -1;
    snprintf(sql, sizeof(sql), "DECLARE %s NO SCROLL CURSOR FOR %s", name, query);
    int rc = pg_exec_simple(c, sql, "person scan", err);
    return rc == FC_OK ? cursor_next(c, cu, err) : rc;
}

static void cursor_close(struct pg_conn *c, struct cursor *cu)
{
    char sql[64];
    PQclear(cu->batch);
    cu->batch = NULL;
    if (cu->name != NULL && PQtransactionStatus(c->db) == PQTRANS_INTRANS) {
        snprintf(sql, sizeof(sql), "CLOSE %s", cu->name);
        pg_exec_simple(c, sql, "person scan", NULL);
    }
}

static int person_scan(struct store *s, bool include_merged, store_person_cb cb, void *ctx,
                       struct fc_err *err)
{
    static const char *const names[ID_COUNT] = { "fc_scan_name", "fc_scan_dob", "fc_scan_phone",
                                                 "fc_scan_email", "fc_scan_address" };
    struct pg_conn *c;
    struct cursor pc = { 0 }, cu[ID_COUNT] = { { 0 } };
    struct arena a;
    arena_init(&a, 0);
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    bool own;
    rc = pg_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    rc = cursor_open(c, &pc, "fc_scan_person",
                     include_merged ? "SELECT id, created_at, merged_into FROM person ORDER BY id"
                                    : "SELECT id, created_at, merged_into FROM person "
                                      "WHERE merged_into IS NULL ORDER BY id",
                     err);
    for (int k = 0; k < ID_COUNT && rc == FC_OK; k++) {
        char q[400];
        snprintf(q, sizeof(q), "SELECT %s FROM %s ORDER BY person_id, id", ident_cols[k],
                 ident_table[k]);
        rc = cursor_open(c, &cu[k], names[k], q, err);
    }
    while (rc == FC_OK && pc.has_row) {
        struct person p = { 0 };
        p.id = pc.pid;
        p.created_at = pg_col_int(pc.batch, pc.row, 1);
        p.merged_into = pg_col_int(pc.batch, pc.row, 2);
        arena_free(&a);
        for (int k = 0; k < ID_COUNT && rc == FC_OK; k++) {
            size_t cap = 0;
            while (rc == FC_OK && cu[k].has_row && cu[k].pid < p.id)
                rc = cursor_next(c, &cu[k], err); /* a merged (skipped) person's rows */
            while (rc == FC_OK && cu[k].has_row && cu[k].pid == p.id) {
                if (read_ident((enum ident_kind)k, cu[k].batch, cu[k].row, &a, &p, &cap) != FC_OK)
                    rc = err_set(err, FC_ENOMEM, "", "out of memory reading a person");
                else
                    rc = cursor_next(c, &cu[k], err);
            }
        }
        if (rc == FC_OK)
            rc = cb(ctx, &p);
        if (rc == FC_OK)
            rc = cursor_next(c, &pc, err);
    }
    cursor_close(c, &pc);
    for (int k = 0; k < ID_COUNT; k++)
        cursor_close(c, &cu[k]);
    if (own)
        pg_tx_end(c, FC_OK, NULL);
    arena_free(&a);
    return rc;
}

int pg_person_scan(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err)
{
    return person_scan(s, false, cb, ctx, err);
}

int pg_person_scan_all(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err)
{
    return person_scan(s, true, cb, ctx, err);
}

int pg_person_set_merged(struct store *s, fc_id_t from, fc_id_t into, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    struct arena a;
    struct person target;
    arena_init(&a, 0);
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    if (into != 0) {
        rc = pg_person_get(s, into, &a, &target, err);
        if (rc == FC_ENOTFOUND)
            rc = err_set(err, FC_EINVAL, "merged_into", "person %lld does not exist",
                         (long long)into);
        else if (rc == FC_OK && target.merged_into != 0)
            rc = err_set(err, FC_EINVAL, "merged_into", "target is itself merged");
        if (rc != FC_OK)
            goto out;
    }
    /* an un-merge tells the other nodes whom `from` was merged into */
    fc_id_t was_into = 0;
    if (into == 0) {
        struct person before;
        rc = pg_person_get(s, from, &a, &before, err);
        if (rc == FC_OK)
            was_into = before.merged_into;
        else if (rc != FC_ENOTFOUND)
            goto out;
    }
    struct pg_params q = { 0 };
    pg_param_int(&q, from);
    pg_param_id(&q, into);
    /* no chains: a person others are merged into is not merged itself */
    rc = pg_exec(c, PG_PERSON_SET_MERGED,
                 "UPDATE person SET merged_into = $2::bigint WHERE id = $1 AND ($2::bigint IS NULL "
                 "OR NOT EXISTS (SELECT 1 FROM person m WHERE m.merged_into = $1))",
                 &q, "person merge", &r, err);
    bool none = rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0;
    PQclear(r);
    if (none) {
        struct person self;
        rc = pg_person_get(s, from, &a, &self, err);
        if (rc == FC_OK)
            rc = err_set(err, FC_EINVAL, "id",
                         "other persons are merged into this person: un-merge them first");
    }
    if (rc == FC_OK)
        rc = into != 0 ? pg_feed_append(c, "merge", from, into, err)
                       : pg_feed_append(c, "unmerge", from, was_into, err);
out:
    arena_free(&a);
    return pg_tx_end(c, rc, err);
}
