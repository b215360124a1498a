/* policeuk/policeuk_import.c: police.uk files into the store, and incidents out of it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/policeuk/policeuk.h"
#include "util/arena.h"

#define IMPORT_BATCH 512 /* rows per store call */

static const char *dup_or_null(struct arena *a, const char *s)
{
    return s ? arena_strdup(a, s) : NULL;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* Runs the reader to the end without writing: the validation pass. */
static int validate(const char *path, struct fc_err *err)
{
    struct policeuk_reader *r = NULL;
    int rc = policeuk_reader_open(path, &r, err);
    struct policeuk_row row;
    while (rc == FC_OK && (rc = policeuk_reader_next(r, &row, err)) == 1)
        rc = FC_OK;
    policeuk_reader_free(r);
    return rc;
}

int policeuk_import_file(struct store *s, const char *path, long long now,
                         policeuk_progress_fn progress, void *ctx,
                         struct policeuk_import_stats *stats, struct fc_err *err)
{
    int rc = validate(path, err);
    if (rc != FC_OK)
        return rc;
    struct policeuk_reader *r = NULL;
    rc = policeuk_reader_open(path, &r, err);
    if (rc != FC_OK)
        return rc;
    rc = store_txn_begin(s, err);
    if (rc != FC_OK) {
        policeuk_reader_free(r);
        return rc;
    }
    struct policeuk_import_stats st = { 0 };
    struct policeuk_row row;
    const char *file = base_name(path);
    /* rows go to the store in batches (one pipeline on PostgreSQL); the reader reuses its
     * row, so a batch's text lives in an arena until it is written */
    struct policeuk_record recs[IMPORT_BATCH];
    size_t lines[IMPORT_BATCH];
    bool asb[IMPORT_BATCH];
    enum policeuk_change changes[IMPORT_BATCH];
    size_t nb = 0;
    struct arena a;
    arena_init(&a, 0);
    for (;;) {
        int more = policeuk_reader_next(r, &row, err);
        if (more == 1) {
            struct policeuk_record *rec = &recs[nb];
            *rec = (struct policeuk_record){
                .natural_key = arena_strdup(&a, row.natural_key),
                .crime_id = dup_or_null(&a, row.crime_id),
                .month = arena_strdup(&a, row.month),
                .reported_by = dup_or_null(&a, row.reported_by),
                .falls_within = dup_or_null(&a, row.falls_within),
                .lat = row.lat,
                .lon = row.lon,
                .location = dup_or_null(&a, row.location),
                .lsoa_code = dup_or_null(&a, row.lsoa_code),
                .lsoa_name = dup_or_null(&a, row.lsoa_name),
                .crime_type = dup_or_null(&a, row.crime_type),
                .last_outcome = dup_or_null(&a, row.last_outcome),
                .context = dup_or_null(&a, row.context),
                .source_file = file,
                .imported_at = now,
            };
            if (rec->natural_key == NULL || rec->month == NULL) {
                rc = err_set(err, FC_ENOMEM, "", "out of memory importing police.uk rows");
                break;
            }
            lines[nb] = row.line;
            asb[nb] = row.crime_type != NULL && strcmp(row.crime_type, POLICEUK_ASB) == 0;
            nb++;
        } else if (more != 0) {
            rc = more;
            break;
        }
        if (nb == 0 || (more == 1 && nb < IMPORT_BATCH)) {
            if (more == 0) {
                rc = 0;
                break;
            }
            continue;
        }
        size_t failed = 0;
        rc = STORE_CALL(s, policeuk_upsert_many, recs, nb, changes, &failed, err);
        if (rc != FC_OK) {
            char what[sizeof(err->msg)], field[sizeof(err->field)];
            memcpy(what, err->msg, sizeof(what));
            memcpy(field, err->field, sizeof(field));
            err_set(err, rc, field, "line %zu: %.170s", lines[failed < nb ? failed : 0], what);
            break;
        }
        for (size_t i = 0; i < nb; i++) {
            st.rows++;
            st.inserted += changes[i] == POLICEUK_INSERTED;
            st.updated += changes[i] == POLICEUK_UPDATED;
            st.unchanged += changes[i] == POLICEUK_UNCHANGED;
            st.asb_rows += asb[i];
        }
        nb = 0;
        arena_free(&a);
        arena_init(&a, 0);
        if (progress) {
            size_t done, total;
            policeuk_reader_progress(r, &done, &total);
            progress(ctx, done, total);
        }
        if (more == 0) {
            rc = 0;
            break;
        }
    }
    arena_free(&a);
    if (rc == 0)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    if (rc == FC_OK) {
        if (progress) {
            size_t done, total;
            policeuk_reader_progress(r, &done, &total);
            progress(ctx, done, total);
        }
        stats->rows += st.rows;
        stats->inserted += st.inserted;
        stats->updated += st.updated;
        stats->unchanged += st.unchanged;
        stats->asb_rows += st.asb_rows;
    }
    policeuk_reader_free(r);
    return rc;
}

/* One anonymised row before sorting. */
struct out_row {
    char *line;
};

static int out_row_cmp(const void *a, const void *b)
{
    /* every row starts ",YYYY-MM,<force>,<force>,lon,lat,location,...": month first */
    return strcmp(((const struct out_row *)a)->line, ((const struct out_row *)b)->line);
}

int policeuk_export(struct store *s, long long from, long long to, FILE *f, size_t *out_rows,
                    struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct incident_query q = { .from = from, .to = to };
    struct incident *inc = NULL;
    size_t n = 0;
    int rc = STORE_CALL(s, incident_search, &q, &a, &inc, &n, err);
    struct out_row *rows = NULL;
    if (rc != FC_OK)
        goto out;
    rows = calloc(n ? n : 1, sizeof(*rows));
    if (!rows) {
        rc = err_set(err, FC_ENOMEM, "", "out of memory exporting");
        goto out;
    }
    /* organisation names, fetched once each */
    fc_id_t org_ids[64];
    const char *org_names[64];
    size_t n_orgs = 0;
    for (size_t i = 0; i < n; i++) {
        const char *by = "";
        for (size_t k = 0; k < n_orgs; k++) {
            if (org_ids[k] == inc[i].org_id)
                by = org_names[k];
        }
        if (by[0] == '\0') {
            struct organisation o;
            rc = STORE_CALL(s, org_get, inc[i].org_id, &a, &o, err);
            if (rc != FC_OK)
                goto out;
            by = o.name ? o.name : "";
            if (n_orgs < 64) {
                org_ids[n_orgs] = inc[i].org_id;
                org_names[n_orgs++] = by;
            }
        }
        struct policeuk_export_incident ex = {
            .recorded_at = inc[i].created_at, .lat = inc[i].lat, .lon = inc[i].lon,
            .postcode = inc[i].location_postcode, .reported_by = by,
        };
        size_t len = 0;
        FILE *mf = open_memstream(&rows[i].line, &len);
        if (!mf) {
            rc = err_set(err, FC_ENOMEM, "", "out of memory exporting");
            goto out;
        }
        policeuk_write_incident(mf, &ex);
        fclose(mf);
    }
    qsort(rows, n, sizeof(*rows), out_row_cmp);
    policeuk_write_header(f);
    for (size_t i = 0; i < n; i++)
        fputs(rows[i].line, f);
    if (out_rows)
        *out_rows = n;
    if (fflush(f) != 0)
        rc = err_set(err, FC_EUNAVAIL, "file", "cannot write the export");
out:
    if (rows) {
        for (size_t i = 0; i < n; i++)
            free(rows[i].line);
        free(rows);
    }
    arena_free(&a);
    return rc;
}
