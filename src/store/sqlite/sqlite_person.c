/*
 * store/sqlite/sqlite_person.c: persons and their identifier rows.
 *
 * A person is a row plus every name, date of birth, phone, email and address ever recorded
 * for them; identifiers are only ever appended. Reads select identifier columns in one
 * layout (person_id first) so person_get and person_scan share the row readers.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "util/timeutil.h"

#define PROV_COLS  "source, source_id, recorded_at"
#define NAME_COLS  "person_id, id, raw, forename, middles, surname, keys, " PROV_COLS
#define DOB_COLS   "person_id, id, raw, date, precision, is_placeholder, " PROV_COLS
#define PHONE_COLS "person_id, id, raw, e164, kind, " PROV_COLS
#define EMAIL_COLS "person_id, id, raw, norm, " PROV_COLS
#define ADDRESS_COLS                                                                               \
    "person_id, id, raw, flat, number, building, street, town, postcode, uprn, lat, lon, keys, "   \
    "valid_from, valid_to, " PROV_COLS

enum ident_kind { ID_NAME, ID_DOB, ID_PHONE, ID_EMAIL, ID_ADDRESS, ID_COUNT };

static const char *const ident_field[ID_COUNT] = { "names", "dobs", "phones", "emails",
                                                   "addresses" };

/* Binds source, source_id, recorded_at at parameters i, i+1, i+2. */
static void bind_prov(sqlite3_stmt *st, int i, const struct provenance *pv, fc_time_t now)
{
    sqlite_bind_text(st, i, pv->source);
    sqlite_bind_id(st, i + 1, pv->source_id);
    sqlite3_bind_int64(st, i + 2, pv->recorded_at ? pv->recorded_at : now);
}

static void read_prov(sqlite3_stmt *st, int i, struct arena *a, struct provenance *pv)
{
    pv->source = sqlite_col_text(st, i, a);
    pv->source_id = sqlite_col_id(st, i + 1);
    pv->recorded_at = sqlite3_column_int64(st, i + 2);
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

static int insert_identifiers(struct sqlite_conn *c, const struct person *p, fc_id_t pid,
                              fc_time_t now, struct fc_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;
    for (size_t i = 0; i < p->n_names; i++) {
        const struct person_name *n = &p->names[i];
        rc = sqlite_stmt(c, SLOT_NAME_INSERT,
                         "INSERT INTO person_name (person_id, raw, forename, middles, surname, "
                         "keys, " PROV_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                         &st, err);
        if (rc != FC_OK)
            return rc;
        sqlite3_bind_int64(st, 1, pid);
        sqlite_bind_text(st, 2, n->raw);
        sqlite_bind_text(st, 3, n->forename);
        sqlite_bind_text(st, 4, n->middles);
        sqlite_bind_text(st, 5, n->surname);
        sqlite_bind_text(st, 6, n->keys);
        bind_prov(st, 7, &n->prov, now);
        rc = sqlite_exec_stmt(c, st, "person name", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_NAME, i, err);
    }
    for (size_t i = 0; i < p->n_dobs; i++) {
        const struct person_dob *d = &p->dobs[i];
        const char *prec = model_dob_precision_name(d->precision);
        if (prec == NULL)
            return ident_error(err_set(err, FC_EINVAL, "precision", "precision is not valid"),
                               ID_DOB, i, err);
        rc = sqlite_stmt(c, SLOT_DOB_INSERT,
                         "INSERT INTO person_dob (person_id, raw, date, precision, "
                         "is_placeholder, " PROV_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                         &st, err);
        if (rc != FC_OK)
            return rc;
        sqlite3_bind_int64(st, 1, pid);
        sqlite_bind_text(st, 2, d->raw);
        sqlite3_bind_text(st, 3, d->date, (int)strnlen(d->date, sizeof(d->date)), SQLITE_STATIC);
        sqlite3_bind_text(st, 4, prec, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 5, d->is_placeholder ? 1 : 0);
        bind_prov(st, 6, &d->prov, now);
        rc = sqlite_exec_stmt(c, st, "person date of birth", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_DOB, i, err);
    }
    for (size_t i = 0; i < p->n_phones; i++) {
        const struct person_phone *ph = &p->phones[i];
        rc = sqlite_stmt(c, SLOT_PHONE_INSERT,
                         "INSERT INTO person_phone (person_id, raw, e164, kind, " PROV_COLS
                         ") VALUES (?1, ?2, ?3, coalesce(?4, 'unknown'), ?5, ?6, ?7)",
                         &st, err);
        if (rc != FC_OK)
            return rc;
        sqlite3_bind_int64(st, 1, pid);
        sqlite_bind_text(st, 2, ph->raw);
        sqlite_bind_text(st, 3, ph->e164);
        sqlite_bind_text(st, 4, ph->kind);
        bind_prov(st, 5, &ph->prov, now);
        rc = sqlite_exec_stmt(c, st, "person phone", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_PHONE, i, err);
    }
    for (size_t i = 0; i < p->n_emails; i++) {
        const struct person_email *e = &p->emails[i];
        rc = sqlite_stmt(c, SLOT_EMAIL_INSERT,
                         "INSERT INTO person_email (person_id, raw, norm, " PROV_COLS
                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         &st, err);
        if (rc != FC_OK)
            return rc;
        sqlite3_bind_int64(st, 1, pid);
        sqlite_bind_text(st, 2, e->raw);
        sqlite_bind_text(st, 3, e->norm);
        bind_prov(st, 4, &e->prov, now);
        rc = sqlite_exec_stmt(c, st, "person email", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_EMAIL, i, err);
    }
    for (size_t i = 0; i < p->n_addresses; i++) {
        const struct person_address *ad = &p->addresses[i];
        rc = sqlite_stmt(
            c, SLOT_ADDRESS_INSERT,
            "INSERT INTO person_address (person_id, raw, flat, number, building, "
            "street, town, postcode, uprn, lat, lon, keys, valid_from, valid_to, " PROV_COLS
            ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
            "?13, ?14, ?15, ?16, ?17)",
            &st, err);
        if (rc != FC_OK)
            return rc;
        sqlite3_bind_int64(st, 1, pid);
        sqlite_bind_text(st, 2, ad->raw);
        sqlite_bind_text(st, 3, ad->flat);
        sqlite_bind_text(st, 4, ad->number);
        sqlite_bind_text(st, 5, ad->building);
        sqlite_bind_text(st, 6, ad->street);
        sqlite_bind_text(st, 7, ad->town);
        sqlite_bind_text(st, 8, ad->postcode);
        sqlite_bind_text(st, 9, ad->uprn);
        sqlite_bind_double(st, 10, ad->lat);
        sqlite_bind_double(st, 11, ad->lon);
        sqlite_bind_text(st, 12, ad->keys);
        sqlite_bind_id(st, 13, ad->valid_from);
        sqlite_bind_id(st, 14, ad->valid_to);
        bind_prov(st, 15, &ad->prov, now);
        rc = sqlite_exec_stmt(c, st, "person address", err);
        if (rc != FC_OK)
            return ident_error(rc, ID_ADDRESS, i, err);
    }
    return FC_OK;
}

int sqlite_person_insert(struct store *s, const struct person *p, fc_id_t *out, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    fc_time_t now = time_now();
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_stmt(c, SLOT_PERSON_INSERT,
                     "INSERT INTO person (id, created_at, merged_into) VALUES (?1, ?2, NULL)", &st,
                     err);
    if (rc != FC_OK)
        goto out;
    sqlite_bind_id(st, 1, p->id);
    sqlite3_bind_int64(st, 2, p->created_at ? p->created_at : now);
    rc = sqlite_exec_stmt(c, st, "person", err);
    if (rc != FC_OK)
        goto out;
    fc_id_t pid = sqlite3_last_insert_rowid(c->db);
    rc = insert_identifiers(c, p, pid, now, err);
    if (rc == FC_OK)
        rc = sqlite_feed_append(c, "person", pid, 0, err);
    if (rc == FC_OK && out)
        *out = pid;
out:
    return sqlite_tx_end(c, rc, err);
}

int sqlite_person_add_identifiers(struct store *s, const struct person *p, struct fc_err *err)
{
    struct sqlite_conn *c;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = insert_identifiers(c, p, p->id, time_now(), err);
    if (rc == FC_EINVAL && err && strstr(err->msg, "does not exist") != NULL)
        rc = err_set(err, FC_ENOTFOUND, "id", "person not found");
    if (rc == FC_OK)
        rc = sqlite_feed_append(c, "person", p->id, 0, err);
    return sqlite_tx_end(c, rc, err);
}

/* Row readers; column 0 is person_id, 1 the identifier's id. */
static int read_name(sqlite3_stmt *st, struct arena *a, struct person_name *n)
{
    n->id = sqlite_col_id(st, 1);
    n->raw = sqlite_col_text(st, 2, a);
    n->forename = sqlite_col_text(st, 3, a);
    n->middles = sqlite_col_text(st, 4, a);
    n->surname = sqlite_col_text(st, 5, a);
    n->keys = sqlite_col_text(st, 6, a);
    read_prov(st, 7, a, &n->prov);
    return FC_OK;
}

static int read_dob(sqlite3_stmt *st, struct arena *a, struct person_dob *d)
{
    d->id = sqlite_col_id(st, 1);
    d->raw = sqlite_col_text(st, 2, a);
    const char *date = (const char *)sqlite3_column_text(st, 3);
    snprintf(d->date, sizeof(d->date), "%s", date ? date : "");
    if (!model_dob_precision_parse((const char *)sqlite3_column_text(st, 4), &d->precision))
        d->precision = DOB_FULL;
    d->is_placeholder = sqlite3_column_int(st, 5) != 0;
    read_prov(st, 6, a, &d->prov);
    return FC_OK;
}

static int read_phone(sqlite3_stmt *st, struct arena *a, struct person_phone *ph)
{
    ph->id = sqlite_col_id(st, 1);
    ph->raw = sqlite_col_text(st, 2, a);
    ph->e164 = sqlite_col_text(st, 3, a);
    ph->kind = sqlite_col_text(st, 4, a);
    read_prov(st, 5, a, &ph->prov);
    return FC_OK;
}

static int read_email(sqlite3_stmt *st, struct arena *a, struct person_email *e)
{
    e->id = sqlite_col_id(st, 1);
    e->raw = sqlite_col_text(st, 2, a);
    e->norm = sqlite_col_text(st, 3, a);
    read_prov(st, 4, a, &e->prov);
    return FC_OK;
}

static int read_address(sqlite3_stmt *st, struct arena *a, struct person_address *ad)
{
    ad->id = sqlite_col_id(st, 1);
    ad->raw = sqlite_col_text(st, 2, a);
    ad->flat = sqlite_col_text(st, 3, a);
    ad->number = sqlite_col_text(st, 4, a);
    ad->building = sqlite_col_text(st, 5, a);
    ad->street = sqlite_col_text(st, 6, a);
    ad->town = sqlite_col_text(st, 7, a);
    ad->postcode = sqlite_col_text(st, 8, a);
    ad->uprn = sqlite_col_text(st, 9, a);
    ad->lat = sqlite_col_double(st, 10);
    ad->lon = sqlite_col_double(st, 11);
    ad->keys = sqlite_col_text(st, 12, a);
    ad->valid_from = sqlite3_column_int64(st, 13);
    ad->valid_to = sqlite3_column_int64(st, 14);
    read_prov(st, 15, a, &ad->prov);
    return FC_OK;
}

/*
 * An identifier cursor: a statement ordered by person_id whose current row (if has_row)
 * belongs to person `pid`. Used both for one person (WHERE person_id = ?) and for scans.
 */
struct cursor {
    sqlite3_stmt *st;
    enum ident_kind kind;
    bool has_row;
    fc_id_t pid;
};

static int cursor_next(struct sqlite_conn *c, struct cursor *cu, struct fc_err *err)
{
    int src = sqlite3_step(cu->st);
    cu->has_row = src == SQLITE_ROW;
    if (src == SQLITE_ROW)
        cu->pid = sqlite_col_id(cu->st, 0);
    else if (src != SQLITE_DONE)
        return sqlite_status(c->db, src, "person identifiers", err);
    return FC_OK;
}

/* Appends every row of cursor cu belonging to person pid to p's matching array. */
static int cursor_collect(struct sqlite_conn *c, struct cursor *cu, fc_id_t pid, struct arena *a,
                          struct person *p, struct fc_err *err)
{
    size_t cap = 0;
    int rc = FC_OK;
    while (rc == FC_OK && cu->has_row && cu->pid < pid)
        rc = cursor_next(c, cu, err); /* identifiers of a merged (skipped) person */
    while (rc == FC_OK && cu->has_row && cu->pid == pid) {
        bool ok = true;
        switch (cu->kind) {
        case ID_NAME:
            p->names = sqlite_grow(a, p->names, sizeof(*p->names), p->n_names, &cap);
            ok = p->names && read_name(cu->st, a, &p->names[p->n_names++]) == FC_OK;
            break;
        case ID_DOB:
            p->dobs = sqlite_grow(a, p->dobs, sizeof(*p->dobs), p->n_dobs, &cap);
            ok = p->dobs && read_dob(cu->st, a, &p->dobs[p->n_dobs++]) == FC_OK;
            break;
        case ID_PHONE:
            p->phones = sqlite_grow(a, p->phones, sizeof(*p->phones), p->n_phones, &cap);
            ok = p->phones && read_phone(cu->st, a, &p->phones[p->n_phones++]) == FC_OK;
            break;
        case ID_EMAIL:
            p->emails = sqlite_grow(a, p->emails, sizeof(*p->emails), p->n_emails, &cap);
            ok = p->emails && read_email(cu->st, a, &p->emails[p->n_emails++]) == FC_OK;
            break;
        case ID_ADDRESS:
            p->addresses =
                sqlite_grow(a, p->addresses, sizeof(*p->addresses), p->n_addresses, &cap);
            ok = p->addresses && read_address(cu->st, a, &p->addresses[p->n_addresses++]) == FC_OK;
            break;
        case ID_COUNT:
            break;
        }
        if (!ok)
            return err_set(err, FC_ENOMEM, "", "out of memory reading a person");
        rc = cursor_next(c, cu, err);
    }
    return rc;
}

static const char *const list_sql[ID_COUNT] = {
    "SELECT " NAME_COLS " FROM person_name WHERE person_id = ?1 ORDER BY id",
    "SELECT " DOB_COLS " FROM person_dob WHERE person_id = ?1 ORDER BY id",
    "SELECT " PHONE_COLS " FROM person_phone WHERE person_id = ?1 ORDER BY id",
    "SELECT " EMAIL_COLS " FROM person_email WHERE person_id = ?1 ORDER BY id",
    "SELECT " ADDRESS_COLS " FROM person_address WHERE person_id = ?1 ORDER BY id",
};
static const char *const scan_sql[ID_COUNT] = {
    "SELECT " NAME_COLS " FROM person_name ORDER BY person_id, id",
    "SELECT " DOB_COLS " FROM person_dob ORDER BY person_id, id",
    "SELECT " PHONE_COLS " FROM person_phone ORDER BY person_id, id",
    "SELECT " EMAIL_COLS " FROM person_email ORDER BY person_id, id",
    "SELECT " ADDRESS_COLS " FROM person_address ORDER BY person_id, id",
};
static const enum sqlite_slot list_slot[ID_COUNT] = { SLOT_NAME_LIST, SLOT_DOB_LIST,
                                                      SLOT_PHONE_LIST, SLOT_EMAIL_LIST,
                                                      SLOT_ADDRESS_LIST };
static const enum sqlite_slot scan_slot[ID_COUNT] = { SLOT_SCAN_NAME, SLOT_SCAN_DOB,
                                                      SLOT_SCAN_PHONE, SLOT_SCAN_EMAIL,
                                                      SLOT_SCAN_ADDRESS };

int sqlite_person_get(struct store *s, fc_id_t id, struct arena *a, struct person *out,
                      struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct cursor cu[ID_COUNT] = { 0 };
    memset(out, 0, sizeof(*out));
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    /* one read transaction, so the person and identifiers are one consistent snapshot */
    bool own_txn;
    rc = sqlite_read_begin(c, &own_txn, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_stmt(c, SLOT_PERSON_GET,
                     "SELECT id, created_at, merged_into FROM person WHERE id = ?1", &st, err);
    if (rc != FC_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW) {
        out->id = sqlite_col_id(st, 0);
        out->created_at = sqlite3_column_int64(st, 1);
        out->merged_into = sqlite_col_id(st, 2);
    }
    sqlite3_reset(st);
    if (src == SQLITE_DONE) {
        rc = err_set(err, FC_ENOTFOUND, "id", "person not found");
        goto out;
    }
    if (src != SQLITE_ROW) {
        rc = sqlite_status(c->db, src, "person", err);
        goto out;
    }
    for (int k = 0; k < ID_COUNT && rc == FC_OK; k++) {
        rc = sqlite_stmt(c, list_slot[k], list_sql[k], &cu[k].st, err);
        if (rc != FC_OK)
            break;
        cu[k].kind = (enum ident_kind)k;
        sqlite3_bind_int64(cu[k].st, 1, id);
        rc = cursor_next(c, &cu[k], err);
        if (rc == FC_OK)
            rc = cursor_collect(c, &cu[k], id, a, out, err);
        sqlite3_reset(cu[k].st);
    }
out:
    sqlite_read_end(c, own_txn);
    return rc;
}

int sqlite_person_search(struct store *s, const struct person_query *q, struct arena *a,
                         fc_id_t **out, size_t *n, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    *out = NULL;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_stmt(
            c, SLOT_PERSON_SEARCH,
            /* Candidates come from the identifier indexes (the union of what each given
             * filter matches; every person when none is given), then every filter must
             * hold. IN (SELECT ...) is not correlated, so SQLite builds each set once: a
             * correlated EXISTS let the planner walk the surname index once per person. */
            "WITH cand(id) AS ("
            " SELECT person_id FROM person_name WHERE ?1 IS NOT NULL"
            "  AND surname = ?1 COLLATE NOCASE"
            " UNION SELECT person_id FROM person_phone WHERE ?2 IS NOT NULL AND e164 = ?2"
            " UNION SELECT person_id FROM person_address WHERE ?3 IS NOT NULL"
            "  AND postcode = ?3"
            " UNION SELECT id FROM person WHERE ?1 IS NULL AND ?2 IS NULL AND ?3 IS NULL)"
            " SELECT p.id FROM cand JOIN person p ON p.id = cand.id"
            " WHERE p.merged_into IS NULL"
            " AND (?1 IS NULL OR p.id IN (SELECT person_id FROM person_name"
            "      WHERE surname = ?1 COLLATE NOCASE))"
            " AND (?2 IS NULL OR p.id IN (SELECT person_id FROM person_phone WHERE e164 = ?2))"
            " AND (?3 IS NULL OR p.id IN (SELECT person_id FROM person_address"
            "      WHERE postcode = ?3))"
            " ORDER BY p.id DESC LIMIT ?4 OFFSET ?5",
            &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite_bind_text(st, 1, q->surname);
    sqlite_bind_text(st, 2, q->phone_e164);
    sqlite_bind_text(st, 3, q->postcode);
    sqlite3_bind_int64(st, 4, q->limit ? (sqlite3_int64)q->limit : -1);
    sqlite3_bind_int64(st, 5, (sqlite3_int64)q->offset);
    size_t cap = 0;
    fc_id_t *ids = NULL;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        ids = sqlite_grow(a, ids, sizeof(*ids), *n, &cap);
        if (ids == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory searching persons");
            break;
        }
        ids[(*n)++] = sqlite_col_id(st, 0);
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "person search", err);
    sqlite3_reset(st);
    if (rc != FC_OK) {
        *n = 0;
        return rc;
    }
    *out = ids;
    return FC_OK;
}

static int person_scan(struct store *s, bool include_merged, store_person_cb cb, void *ctx,
                       struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *pst = NULL;
    struct cursor cu[ID_COUNT] = { 0 };
    struct arena a;
    arena_init(&a, 0);
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    bool own_txn;
    rc = sqlite_read_begin(c, &own_txn, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_stmt(c, include_merged ? SLOT_SCAN_PERSON_ALL : SLOT_SCAN_PERSON,
                     include_merged ? "SELECT id, created_at, merged_into FROM person ORDER BY id"
                                    : "SELECT id, created_at, merged_into FROM person "
                                      "WHERE merged_into IS NULL ORDER BY id",
                     &pst, err);
    for (int k = 0; k < ID_COUNT && rc == FC_OK; k++) {
        rc = sqlite_stmt(c, scan_slot[k], scan_sql[k], &cu[k].st, err);
        cu[k].kind = (enum ident_kind)k;
        if (rc == FC_OK)
            rc = cursor_next(c, &cu[k], err);
    }
    if (rc != FC_OK)
        goto out;
    int src;
    while ((src = sqlite3_step(pst)) == SQLITE_ROW) {
        struct person p = { 0 };
        p.id = sqlite_col_id(pst, 0);
        p.created_at = sqlite3_column_int64(pst, 1);
        p.merged_into = sqlite_col_id(pst, 2);
        arena_free(&a);
        for (int k = 0; k < ID_COUNT && rc == FC_OK; k++)
            rc = cursor_collect(c, &cu[k], p.id, &a, &p, err);
        if (rc != FC_OK)
            goto out;
        rc = cb(ctx, &p);
        if (rc != FC_OK)
            goto out;
    }
    if (src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "person scan", err);
out:
    if (pst)
        sqlite3_reset(pst);
    for (int k = 0; k < ID_COUNT; k++) {
        if (cu[k].st)
            sqlite3_reset(cu[k].st);
    }
    sqlite_read_end(c, own_txn);
    arena_free(&a);
    return rc;
}

int sqlite_person_scan(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err)
{
    return person_scan(s, false, cb, ctx, err);
}

int sqlite_person_scan_all(struct store *s, store_person_cb cb, void *ctx, struct fc_err *err)
{
    return person_scan(s, true, cb, ctx, err);
}

int sqlite_person_set_merged(struct store *s, fc_id_t from, fc_id_t into, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    struct arena a;
    struct person target, self;
    arena_init(&a, 0);
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    if (into != 0) {
        rc = sqlite_person_get(s, into, &a, &target, err);
        if (rc == FC_ENOTFOUND)
            rc = err_set(err, FC_EINVAL, "merged_into", "person %lld does not exist",
                         (long long)into);
        else if (rc == FC_OK && target.merged_into != 0)
            rc = err_set(err, FC_EINVAL, "merged_into", "target is itself merged");
        if (rc != FC_OK)
            goto out;
    }
    /* `from` must exist; whom it was merged into goes in the change feed's un-merge */
    rc = sqlite_person_get(s, from, &a, &self, err);
    if (rc != FC_OK)
        goto out;
    /* no chains: a person others are merged into is not merged itself */
    rc = sqlite_stmt(c, SLOT_PERSON_SET_MERGED,
                     "UPDATE person SET merged_into = ?2 WHERE id = ?1 AND (?2 IS NULL OR "
                     "NOT EXISTS (SELECT 1 FROM person m WHERE m.merged_into = ?1))",
                     &st, err);
    if (rc != FC_OK)
        goto out;
    sqlite3_bind_int64(st, 1, from);
    sqlite_bind_id(st, 2, into);
    rc = sqlite_exec_stmt(c, st, "person merge", err);
    if (rc == FC_OK && sqlite3_changes(c->db) == 0) /* it exists: others are merged into it */
        rc = err_set(err, FC_EINVAL, "id",
                     "other persons are merged into this person: un-merge them first");
    if (rc == FC_OK)
        rc = into != 0 ? sqlite_feed_append(c, "merge", from, into, err)
                       : sqlite_feed_append(c, "unmerge", from, self.merged_into, err);
out:
    arena_free(&a);
    return sqlite_tx_end(c, rc, err);
}
