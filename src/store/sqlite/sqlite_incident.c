/* store/sqlite/sqlite_incident.c: ASB incidents and the persons linked to them. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite/sqlite_internal.h"
#include "util/timeutil.h"

#define INCIDENT_COLS                                                                              \
    "id, org_id, category, incident_type, description, location_raw, location_postcode, "          \
    "location_key, lsoa_code, lat, lon, status, grade, risk_level, is_police_only, occurred_at, "  \
    "created_at, closed_at, closure_code, outcome"

/* Binds ?2..?20 (all columns but id) from i; category and status are checked first. */
static int incident_bind(sqlite3_stmt *st, const struct incident *i, struct fc_err *err)
{
    const char *category = model_nsir_category_name(i->category);
    const char *status = model_incident_status_name(i->status);
    if (category == NULL)
        return err_set(err, FC_EINVAL, "category", "category is not valid");
    if (status == NULL)
        return err_set(err, FC_EINVAL, "status", "status is not valid");
    sqlite_bind_id(st, 2, i->org_id);
    sqlite3_bind_text(st, 3, category, -1, SQLITE_STATIC);
    sqlite_bind_text(st, 4, i->incident_type);
    sqlite_bind_text(st, 5, i->description);
    sqlite_bind_text(st, 6, i->location_raw);
    sqlite_bind_text(st, 7, i->location_postcode);
    sqlite_bind_text(st, 8, i->location_key);
    sqlite_bind_text(st, 9, i->lsoa_code);
    sqlite_bind_double(st, 10, i->lat);
    sqlite_bind_double(st, 11, i->lon);
    sqlite3_bind_text(st, 12, status, -1, SQLITE_STATIC);
    sqlite_bind_text(st, 13, i->grade);
    sqlite_bind_text(st, 14, i->risk_level);
    sqlite3_bind_int(st, 15, i->is_police_only ? 1 : 0);
    sqlite_bind_id(st, 16, i->occurred_at);
    sqlite3_bind_int64(st, 17, i->created_at ? i->created_at : time_now());
    sqlite_bind_id(st, 18, i->closed_at);
    sqlite_bind_text(st, 19, i->closure_code);
    sqlite_bind_text(st, 20, i->outcome);
    return FC_OK;
}

static int persons_write(struct sqlite_conn *c, fc_id_t incident_id, const struct incident *i,
                         struct fc_err *err)
{
    sqlite3_stmt *st = NULL;
    for (size_t k = 0; k < i->n_persons; k++) {
        const struct incident_person *ip = &i->persons[k];
        const char *role = model_person_role_name(ip->role);
        char field[48];
        if (role == NULL)
            return err_set(err, FC_EINVAL, "persons.role", "persons[%zu].role is not valid", k);
        int rc = sqlite_stmt(c, SLOT_INCIDENT_PERSON_INSERT,
                             "INSERT INTO incident_person (incident_id, person_id, role, "
                             "is_hate_strand) VALUES (?1, ?2, ?3, ?4)",
                             &st, err);
        if (rc != FC_OK)
            return rc;
        sqlite3_bind_int64(st, 1, incident_id);
        sqlite_bind_id(st, 2, ip->person_id);
        sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, ip->is_hate_strand ? 1 : 0);
        rc = sqlite_exec_stmt(c, st, "incident person", err);
        if (rc == FC_OK)
            continue;
        snprintf(field, sizeof(field), "persons[%zu].person_id", k);
        if (rc == FC_ECONFLICT)
            return err_set(err, rc, field, "incident: person linked twice with one role");
        if (rc == FC_EINVAL)
            return err_set(err, rc, field, "incident: person %lld does not exist",
                           (long long)ip->person_id);
        return rc;
    }
    return FC_OK;
}

int sqlite_incident_insert(struct store *s, const struct incident *i, fc_id_t *out,
                           struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_stmt(c, SLOT_INCIDENT_INSERT,
                     "INSERT INTO incident (" INCIDENT_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
                     "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
                     &st, err);
    if (rc == FC_OK)
        rc = incident_bind(st, i, err);
    if (rc != FC_OK)
        goto out;
    sqlite_bind_id(st, 1, i->id);
    rc = sqlite_exec_stmt(c, st, "incident", err);
    if (rc == FC_EINVAL && err && err->field[0] == '\0') {
        const struct sqlite_ref ref = { "org_id", SLOT_EXISTS_ORG, i->org_id };
        rc = sqlite_ref_explain(c, &ref, 1, "incident", err);
    }
    if (rc != FC_OK)
        goto out;
    fc_id_t id = sqlite3_last_insert_rowid(c->db);
    rc = persons_write(c, id, i, err);
    if (rc == FC_OK && out)
        *out = id;
out:
    return sqlite_tx_end(c, rc, err);
}

int sqlite_incident_update(struct store *s, const struct incident *i, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_stmt(c, SLOT_INCIDENT_UPDATE,
                     "UPDATE incident SET org_id = ?2, category = ?3, incident_type = ?4, "
                     "description = ?5, location_raw = ?6, location_postcode = ?7, "
                     "location_key = ?8, lsoa_code = ?9, lat = ?10, lon = ?11, status = ?12, "
                     "grade = ?13, risk_level = ?14, is_police_only = ?15, occurred_at = ?16, "
                     "closed_at = ?18, closure_code = ?19, outcome = ?20 WHERE id = ?1",
                     &st, err);
    if (rc == FC_OK)
        rc = incident_bind(st, i, err); /* ?17 (created_at) is bound and ignored */
    if (rc != FC_OK)
        goto out;
    sqlite3_bind_int64(st, 1, i->id);
    rc = sqlite_exec_stmt(c, st, "incident", err);
    if (rc == FC_EINVAL && err && err->field[0] == '\0') {
        const struct sqlite_ref ref = { "org_id", SLOT_EXISTS_ORG, i->org_id };
        rc = sqlite_ref_explain(c, &ref, 1, "incident", err);
    }
    if (rc == FC_OK && sqlite3_changes(c->db) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "incident not found");
    if (rc != FC_OK)
        goto out;
    rc = sqlite_stmt(c, SLOT_INCIDENT_PERSON_DELETE,
                     "DELETE FROM incident_person WHERE incident_id = ?1", &st, err);
    if (rc != FC_OK)
        goto out;
    sqlite3_bind_int64(st, 1, i->id);
    rc = sqlite_exec_stmt(c, st, "incident person", err);
    if (rc == FC_OK)
        rc = persons_write(c, i->id, i, err);
out:
    return sqlite_tx_end(c, rc, err);
}

static int incident_row(sqlite3_stmt *st, struct arena *a, struct incident *i, struct fc_err *err)
{
    memset(i, 0, sizeof(*i));
    i->id = sqlite_col_id(st, 0);
    i->org_id = sqlite_col_id(st, 1);
    if (!model_nsir_category_parse((const char *)sqlite3_column_text(st, 2), &i->category) ||
        !model_incident_status_parse((const char *)sqlite3_column_text(st, 11), &i->status))
        return err_set(err, FC_EINTERNAL, "", "stored incident is not valid");
    i->incident_type = sqlite_col_text(st, 3, a);
    i->description = sqlite_col_text(st, 4, a);
    i->location_raw = sqlite_col_text(st, 5, a);
    i->location_postcode = sqlite_col_text(st, 6, a);
    i->location_key = sqlite_col_text(st, 7, a);
    i->lsoa_code = sqlite_col_text(st, 8, a);
    i->lat = sqlite_col_double(st, 9);
    i->lon = sqlite_col_double(st, 10);
    i->grade = sqlite_col_text(st, 12, a);
    i->risk_level = sqlite_col_text(st, 13, a);
    i->is_police_only = sqlite3_column_int(st, 14) != 0;
    i->occurred_at = sqlite3_column_int64(st, 15);
    i->created_at = sqlite3_column_int64(st, 16);
    i->closed_at = sqlite3_column_int64(st, 17);
    i->closure_code = sqlite_col_text(st, 18, a);
    i->outcome = sqlite_col_text(st, 19, a);
    if (i->incident_type == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory reading an incident");
    return FC_OK;
}

static int persons_read(struct sqlite_conn *c, struct incident *i, struct arena *a,
                        struct fc_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite_stmt(c, SLOT_INCIDENT_PERSON_LIST,
                         "SELECT person_id, role, is_hate_strand FROM incident_person "
                         "WHERE incident_id = ?1 ORDER BY person_id, role",
                         &st, err);
    if (rc != FC_OK)
        return rc;
    sqlite3_bind_int64(st, 1, i->id);
    size_t cap = 0;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        i->persons = sqlite_grow(a, i->persons, sizeof(*i->persons), i->n_persons, &cap);
        if (i->persons == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading an incident");
            break;
        }
        struct incident_person *ip = &i->persons[i->n_persons++];
        ip->person_id = sqlite_col_id(st, 0);
        if (!model_person_role_parse((const char *)sqlite3_column_text(st, 1), &ip->role))
            ip->role = ROLE_IN_VICTIM;
        ip->is_hate_strand = sqlite3_column_int(st, 2) != 0;
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "incident persons", err);
    sqlite3_reset(st);
    return rc;
}

int sqlite_incident_get(struct store *s, fc_id_t id, struct arena *a, struct incident *out,
                        struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    bool own;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    rc = sqlite_stmt(c, SLOT_INCIDENT_GET, "SELECT " INCIDENT_COLS " FROM incident WHERE id = ?1",
                     &st, err);
    if (rc != FC_OK)
        goto out;
    sqlite3_bind_int64(st, 1, id);
    int src = sqlite3_step(st);
    if (src == SQLITE_ROW)
        rc = incident_row(st, a, out, err);
    else if (src == SQLITE_DONE)
        rc = err_set(err, FC_ENOTFOUND, "id", "incident not found");
    else
        rc = sqlite_status(c->db, src, "incident", err);
    sqlite3_reset(st);
    if (rc == FC_OK)
        rc = persons_read(c, out, a, err);
out:
    sqlite_read_end(c, own);
    return rc;
}

/* What a search may filter on. A search for one person's incidents starts from that
 * person, in a statement of its own: with "person IS NULL OR ..." the planner would walk
 * every incident by time. */
#define INCIDENT_FILTERS                                                                           \
    "(?2 IS NULL OR org_id = ?2)"                                                                  \
    " AND (?3 IS NULL OR status = ?3) AND (?4 IS NULL OR category = ?4)"                           \
    " AND (?5 IS NULL OR incident_type = ?5) AND (?6 IS NULL OR lsoa_code = ?6)"                   \
    " AND (?7 IS NULL OR location_key = ?7)"                                                       \
    " AND (?8 IS NULL OR created_at >= ?8) AND (?9 IS NULL OR created_at < ?9)"                    \
    " ORDER BY created_at DESC, id DESC LIMIT ?10 OFFSET ?11"

int sqlite_incident_search(struct store *s, const struct incident_query *q, struct arena *a,
                           struct incident **out, size_t *n, struct fc_err *err)
{
    struct sqlite_conn *c;
    sqlite3_stmt *st = NULL;
    bool own;
    *out = NULL;
    *n = 0;
    int rc = sqlite_conn_of(s, &c, err);
    if (rc == FC_OK)
        rc = sqlite_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    if (q->person_id != 0)
        rc = sqlite_stmt(c, SLOT_INCIDENT_SEARCH_PERSON,
                         "SELECT " INCIDENT_COLS " FROM incident WHERE id IN (SELECT incident_id"
                         " FROM incident_person WHERE person_id = ?1) AND " INCIDENT_FILTERS,
                         &st, err);
    else
        rc = sqlite_stmt(c, SLOT_INCIDENT_SEARCH,
                         "SELECT " INCIDENT_COLS
                         " FROM incident WHERE ?1 IS NULL AND " INCIDENT_FILTERS,
                         &st, err);
    if (rc != FC_OK)
        goto out;
    sqlite_bind_id(st, 1, q->person_id);
    sqlite_bind_id(st, 2, q->org_id);
    sqlite_bind_text(st, 3, q->status);
    sqlite_bind_text(st, 4, q->category);
    sqlite_bind_text(st, 5, q->incident_type);
    sqlite_bind_text(st, 6, q->lsoa_code);
    sqlite_bind_text(st, 7, q->location_key);
    sqlite_bind_id(st, 8, q->from);
    sqlite_bind_id(st, 9, q->to);
    sqlite3_bind_int64(st, 10, q->limit ? (sqlite3_int64)q->limit : -1);
    sqlite3_bind_int64(st, 11, (sqlite3_int64)q->offset);
    size_t cap = 0;
    struct incident *arr = NULL;
    int src;
    while ((src = sqlite3_step(st)) == SQLITE_ROW) {
        arr = sqlite_grow(a, arr, sizeof(*arr), *n, &cap);
        if (arr == NULL) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory searching incidents");
            break;
        }
        rc = incident_row(st, a, &arr[*n], err);
        if (rc != FC_OK)
            break;
        (*n)++;
    }
    if (rc == FC_OK && src != SQLITE_DONE)
        rc = sqlite_status(c->db, src, "incident search", err);
    sqlite3_reset(st);
    for (size_t k = 0; rc == FC_OK && k < *n; k++)
        rc = persons_read(c, &arr[k], a, err);
out:
    sqlite_read_end(c, own);
    if (rc != FC_OK) {
        *n = 0;
        return rc;
    }
    *out = arr;
    return FC_OK;
}
