/*
 * policeuk/policeuk.h: data.police.uk street-level CSV, read and written.
 *
 * Reads the published monthly files (YYYY-MM-<force>-street.csv, plain or gzip, CRLF or
 * LF, RFC 4180 quoting) record by record, validates each field and gives every row a
 * natural key so a re-import changes nothing: the Crime ID where there is one, otherwise a
 * BLAKE2b digest of the whole row (month and force included). Identical rows are legitimate
 * (two incidents at one snap point in one month) and a Crime ID can repeat within a file,
 * so the n-th occurrence of a key in a file gets "#n" appended. Also writes FirstContact's
 * own ASB incidents in the same layout, anonymised as police.uk does it: month only, the
 * location snapped to police.uk's nearest street point, no personal data.
 * Knows nothing of storage or HTTP. A reader or writer belongs to one thread.
 */
#ifndef FC_DOMAIN_POLICEUK_POLICEUK_H
#define FC_DOMAIN_POLICEUK_POLICEUK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "store/store.h"
#include "util/err.h"

#define POLICEUK_N_COLUMNS 12
#define POLICEUK_ASB "Anti-social behaviour"
#define POLICEUK_KEY_LEN 96
/* police.uk does not map a crime whose anonymised point would be more than 20 km away. */
#define POLICEUK_MAX_SNAP_M 20000.0

/* The header line, column by column. */
extern const char *const policeuk_columns[POLICEUK_N_COLUMNS];

/* One row. Strings are borrowed from the reader until the next call; "" when empty. */
struct policeuk_row {
    size_t line;        /* physical line in the file, for errors */
    const char *crime_id;
    char month[8];      /* "YYYY-MM" */
    const char *reported_by, *falls_within;
    bool has_location;  /* false for "No Location" rows */
    double lat, lon;    /* NaN without a location */
    const char *location, *lsoa_code, *lsoa_name, *crime_type, *last_outcome, *context;
    char natural_key[POLICEUK_KEY_LEN];
};

struct policeuk_reader;

/* Opens a file (gzip or plain: zlib reads both) and checks its header. FC_EINVAL with
 * field "header" when it is not the police.uk layout. Free with policeuk_reader_free. */
int policeuk_reader_open(const char *path, struct policeuk_reader **out, struct fc_err *err);
/* Parses a file already in memory (copied). */
int policeuk_reader_open_mem(const char *data, size_t len, struct policeuk_reader **out,
                             struct fc_err *err);
/* Next row: 1 with *out filled, 0 at the end, or FC_EINVAL naming the line and column. */
int policeuk_reader_next(struct policeuk_reader *r, struct policeuk_row *out, struct fc_err *err);
/* Bytes of uncompressed CSV consumed so far and in all (for progress). */
void policeuk_reader_progress(const struct policeuk_reader *r, size_t *done, size_t *total);
void policeuk_reader_free(struct policeuk_reader *r); /* NULL-safe */

/* An incident as the export needs it: no person, no free text. */
struct policeuk_export_incident {
    long long recorded_at;    /* UTC seconds: the month is taken from it */
    double lat, lon;          /* NaN when unknown */
    const char *postcode;     /* used for a point when lat/lon are unknown; may be NULL */
    const char *reported_by;  /* the owning organisation's name */
};

/* Writes the header line. */
void policeuk_write_header(FILE *f);
/*
 * Anonymises one incident and writes it as an ASB row: the month of recorded_at, the
 * police.uk street point nearest to the incident (or to its postcode) within
 * POLICEUK_MAX_SNAP_M as "On or near <street>" with that point's LSOA, else "No Location".
 * No Crime ID, outcome or context (police.uk publishes none for ASB).
 */
void policeuk_write_incident(FILE *f, const struct policeuk_export_incident *in);

/* ---- import and export through the store (policeuk_import.c) ---- */

struct policeuk_import_stats {
    size_t rows, inserted, updated, unchanged, asb_rows;
};

/* Called now and then with bytes done and total of the current file. */
typedef void (*policeuk_progress_fn)(void *ctx, size_t done, size_t total);

/*
 * Validates the whole file first, then writes every row in one transaction, so a bad file
 * writes nothing (err names the line and column). Re-importing a file changes nothing.
 * Adds to *stats. `now` stamps imported_at.
 */
int policeuk_import_file(struct store *s, const char *path, long long now,
                         policeuk_progress_fn progress, void *ctx,
                         struct policeuk_import_stats *stats, struct fc_err *err);

/*
 * Writes every incident created in [from, to) as an anonymised police.uk ASB row, after the
 * header; *out_rows (may be NULL) gets how many. Rows are sorted by their text (month first,
 * then place), not by creation, so their order gives nothing away.
 */
int policeuk_export(struct store *s, long long from, long long to, FILE *f, size_t *out_rows,
                    struct fc_err *err);

#endif
