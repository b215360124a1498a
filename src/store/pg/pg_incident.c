/* store/pg/pg_incident.c: incidents and the persons linked to them, on PostgreSQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/pg/pg_internal.h"
#include "util/timeutil.h"

#define INCIDENT_COLS                                                                              \
    "id, org_id, category, incident_type, description, location_raw, location_postcode, "          \
    "location_key, lsoa_code, lat, lon, status, grade, risk_level, is_police_only, occurred_at, "  \
    "created_at, closed_at, closure_code, outcome"

/* $1 is the id; $2..$20 every other column; category and status are checked first. */
static int incident_params(struct pg_params *p, const struct incident *i, struct fc_err *err)
{
    const char *category = model_nsir_category_name(i->category);
    const char *status = model_incident_status_name(i->status);
    if (category == NULL)
        return err_set(err, FC_EINVAL, "category", "category is not valid");
    if (status == NULL)
        return err_set(err, FC_EINVAL, "status", "status is not valid");
    pg_param_id(p, i->id);
    pg_param_id(p, i->org_id);
    pg_param_text(p, category);
    pg_param_text(p, i->incident_type);
    pg_param_text(p, i->description);
    pg_param_text(p, i->location_raw);
    pg_param_text(p, i->location_postcode);
    pg_param_text(p, i->location_key);
    pg_param_text(p, i->lsoa_code);
    pg_param_double(p, i->lat);
    pg_param_double(p, i->lon);
    pg_param_text(p, status);
    pg_param_text(p, i->grade);
    pg_param_text(p, i->risk_level);
    pg_param_int(p, i->is_police_only ? 1 : 0);
    pg_param_id(p, i->occurred_at);
    pg_param_int(p, i->created_at ? i->created_at : time_now());
    pg_param_id(p, i->closed_at);
    pg_param_text(p, i->closure_code);
    pg_param_text(p, i->outcome);
    return FC_OK;
}

static int persons_write(struct pg_conn *c, fc_id_t incident_id, const struct incident *i,
                         struct fc_err *err)
{
    for (size_t k = 0; k < i->n_persons; k++) {
        const struct incident_person *ip = &i->persons[k];
        const char *role = model_person_role_name(ip->role);
        char field[48];
        if (role == NULL)
            return err_set(err, FC_EINVAL, "persons.role", "persons[%zu].role is not valid", k);
        struct pg_params p = { 0 };
        PGresult *r = NULL;
        pg_param_int(&p, incident_id);
        pg_param_id(&p, ip->person_id);
        pg_param_text(&p, role);
        pg_param_int(&p, ip->is_hate_strand ? 1 : 0);
        int rc = pg_exec(c, PG_INCIDENT_PERSON_INSERT,
                         "INSERT INTO incident_person (incident_id, person_id, role, "
                         "is_hate_strand) VALUES ($1, $2, $3, $4)",
                         &p, "incident person", &r, err);
        PQclear(r);
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

int pg_incident_insert(struct store *s, const struct incident *i, fc_id_t *out, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    struct pg_params p = { 0 };
    int rc = incident_params(&p, i, err);
    if (rc == FC_OK)
        rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_exec(c, PG_INCIDENT_INSERT,
                 "INSERT INTO incident (" INCIDENT_COLS ") VALUES "
                 "(coalesce($1::bigint, nextval('incident_id_seq')), $2, $3, $4, $5, $6, $7, $8, "
                 "$9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id",
                 &p, "incident", &r, err);
    if (rc != FC_OK)
        goto out;
    fc_id_t id = pg_col_int(r, 0, 0);
    if (i->id != 0)
        rc = pg_seq_bump(c, "incident", i->id, err);
    if (rc == FC_OK)
        rc = persons_write(c, id, i, err);
    if (rc == FC_OK && out)
        *out = id;
out:
    PQclear(r);
    return pg_tx_end(c, rc, err);
}

int pg_incident_update(struct store *s, const struct incident *i, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    struct pg_params p = { 0 };
    int rc = incident_params(&p, i, err);
    if (rc == FC_OK)
        rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    rc = pg_tx_begin(c, err);
    if (rc != FC_OK)
        return rc;
    /* $17 (created_at) is passed and never changes */
    rc = pg_exec(c, PG_INCIDENT_UPDATE,
                 "UPDATE incident SET org_id = $2, category = $3, incident_type = $4, "
                 "description = $5, location_raw = $6, location_postcode = $7, "
                 "location_key = $8, lsoa_code = $9, lat = $10, lon = $11, status = $12, "
                 "grade = $13, risk_level = $14, is_police_only = $15, occurred_at = $16, "
                 "closed_at = $18, closure_code = $19, outcome = $20 "
                 "WHERE id = $1 AND $17::bigint IS NOT DISTINCT FROM $17",
                 &p, "incident", &r, err);
    if (rc == FC_OK && strcmp(PQcmdTuples(r), "0") == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "incident not found");
    PQclear(r);
    r = NULL;
    if (rc != FC_OK)
        goto out;
    struct pg_params d = { 0 };
    pg_param_int(&d, i->id);
    rc = pg_exec(c, PG_INCIDENT_PERSON_DELETE, "DELETE FROM incident_person WHERE incident_id = $1",
                 &d, "incident person", &r, err);
    PQclear(r);
    if (rc == FC_OK)
        rc = persons_write(c, i->id, i, err);
out:
    return pg_tx_end(c, rc, err);
}

static int incident_row(const PGresult *r, int row, struct arena *a, struct incident *i,
                        struct fc_err *err)
{
    memset(i, 0, sizeof(*i));
    i->id = pg_col_int(r, row, 0);
    i->org_id = pg_col_int(r, row, 1);
    if (!model_nsir_category_parse(PQgetvalue(r, row, 2), &i->category) ||
        !model_incident_status_parse(PQgetvalue(r, row, 11), &i->status))
        return err_set(err, FC_EINTERNAL, "", "stored incident is not valid");
    i->incident_type = pg_col_text(r, row, 3, a);
    i->description = pg_col_text(r, row, 4, a);
    i->location_raw = pg_col_text(r, row, 5, a);
    i->location_postcode = pg_col_text(r, row, 6, a);
    i->location_key = pg_col_text(r, row, 7, a);
    i->lsoa_code = pg_col_text(r, row, 8, a);
    i->lat = pg_col_double(r, row, 9);
    i->lon = pg_col_double(r, row, 10);
    i->grade = pg_col_text(r, row, 12, a);
    i->risk_level = pg_col_text(r, row, 13, a);
    i->is_police_only = pg_col_int(r, row, 14) != 0;
    i->occurred_at = pg_col_int(r, row, 15);
    i->created_at = pg_col_int(r, row, 16);
    i->closed_at = pg_col_int(r, row, 17);
    i->closure_code = pg_col_text(r, row, 18, a);
    i->outcome = pg_col_text(r, row, 19, a);
    if (i->incident_type == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory reading an incident");
    return FC_OK;
}

static int persons_load(struct pg_conn *c, struct arena *a, struct incident *i, struct fc_err *err)
{
    PGresult *r = NULL;
    struct pg_params p = { 0 };
    pg_param_int(&p, i->id);
    int rc = pg_exec(c, PG_INCIDENT_PERSON_LIST,
                     "SELECT person_id, role, is_hate_strand FROM incident_person "
                     "WHERE incident_id = $1 ORDER BY person_id, role",
                     &p, "incident person", &r, err);
    if (rc != FC_OK)
        return rc;
    int rows = PQntuples(r);
    if (rows > 0) {
        i->persons = arena_alloc(a, (size_t)rows * sizeof(*i->persons));
        if (i->persons == NULL)
            rc = err_set(err, FC_ENOMEM, "", "out of memory reading an incident");
    }
    for (int k = 0; rc == FC_OK && k < rows; k++) {
        struct incident_person *ip = &i->persons[k];
        ip->person_id = pg_col_int(r, k, 0);
        if (!model_person_role_parse(PQgetvalue(r, k, 1), &ip->role))
            rc = err_set(err, FC_EINTERNAL, "role", "stored role is not valid");
        ip->is_hate_strand = pg_col_int(r, k, 2) != 0;
        i->n_persons++;
    }
    PQclear(r);
    return rc;
}

int pg_incident_get(struct store *s, fc_id_t id, struct arena *a, struct incident *out,
                    struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    bool own;
    rc = pg_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_int(&p, id);
    rc = pg_exec(c, PG_INCIDENT_GET, "SELECT " INCIDENT_COLS " FROM incident WHERE id = $1", &p,
                 "incident", &r, err);
    if (rc == FC_OK && PQntuples(r) == 0)
        rc = err_set(err, FC_ENOTFOUND, "id", "incident not found");
    if (rc == FC_OK)
        rc = incident_row(r, 0, a, out, err);
    PQclear(r);
    if (rc == FC_OK)
        rc = persons_load(c, a, out, err);
    pg_read_end(c, own);
    return rc;
}

/* What a search may filter on. A search for one person's incidents starts from that
 * person, in a statement of its own: with "person IS NULL OR ..." the planner would walk
 * every incident by time. */
#define INCIDENT_FILTERS                                                                           \
    "($2::bigint IS NULL OR org_id = $2::bigint)"                                                  \
    " AND ($3::text IS NULL OR status = $3::text)"                                                 \
    " AND ($4::text IS NULL OR category = $4::text)"                                               \
    " AND ($5::text IS NULL OR incident_type = $5::text)"                                          \
    " AND ($6::text IS NULL OR lsoa_code = $6::text)"                                              \
    " AND ($7::text IS NULL OR location_key = $7::text)"                                           \
    " AND ($8::bigint IS NULL OR created_at >= $8::bigint)"                                        \
    " AND ($9::bigint IS NULL OR created_at < $9::bigint)"                                         \
    " ORDER BY created_at DESC, id DESC LIMIT $10::bigint OFFSET $11::bigint"

int pg_incident_search(struct store *s, const struct incident_query *q, struct arena *a,
                       struct incident **out, size_t *n, struct fc_err *err)
{
    struct pg_conn *c;
    PGresult *r = NULL;
    *out = NULL;
    *n = 0;
    int rc = pg_conn_of(s, &c, err);
    if (rc != FC_OK)
        return rc;
    bool own;
    rc = pg_read_begin(c, &own, err);
    if (rc != FC_OK)
        return rc;
    struct pg_params p = { 0 };
    pg_param_id(&p, q->person_id);
    pg_param_id(&p, q->org_id);
    pg_param_text(&p, q->status);
    pg_param_text(&p, q->category);
    pg_param_text(&p, q->incident_type);
    pg_param_text(&p, q->lsoa_code);
    pg_param_text(&p, q->location_key);
    pg_param_id(&p, q->from);
    pg_param_id(&p, q->to);
    if (q->limit)
        pg_param_int(&p, (int64_t)q->limit);
    else
        pg_param_text(&p, NULL);
    pg_param_int(&p, (int64_t)q->offset);
    if (q->person_id != 0)
        rc = pg_exec(c, PG_INCIDENT_SEARCH_PERSON,
                     "SELECT " INCIDENT_COLS " FROM incident WHERE id IN (SELECT incident_id"
                     " FROM incident_person WHERE person_id = $1::bigint) AND " INCIDENT_FILTERS,
                     &p, "incident search", &r, err);
    else
        rc = pg_exec(c, PG_INCIDENT_SEARCH,
                     "SELECT " INCIDENT_COLS
                     " FROM incident WHERE $1::bigint IS NULL AND " INCIDENT_FILTERS,
                     &p, "incident search", &r, err);
    if (rc != FC_OK)
        goto out;
    int rows = PQntuples(r);
    struct incident *arr = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof(*arr));
    if (arr == NULL)
        rc = err_set(err, FC_ENOMEM, "", "out of memory searching incidents");
    for (int k = 0; rc == FC_OK && k < rows; k++)
        rc = incident_row(r, k, a, &arr[k], err);
    PQclear(r);
    for (int k = 0; rc == FC_OK && k < rows; k++)
        rc = persons_load(c, a, &arr[k], err);
    if (rc == FC_OK) {
        *out = arr;
        *n = (size_t)rows;
    }
out:
    pg_read_end(c, own);
    return rc;
}
