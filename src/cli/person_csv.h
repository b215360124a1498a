/*
 * cli/person_csv.h: reading person records from CSV files with a column mapping
 * (--map field=column,...), shared by the dedupe and train commands. Single-threaded.
 */
#ifndef FC_CLI_PERSON_CSV_H
#define FC_CLI_PERSON_CSV_H

#include <stddef.h>

enum dd_field { DD_ID, DD_FORE, DD_SUR, DD_NAME, DD_DOB, DD_PHONE, DD_EMAIL, DD_ADDR, DD_PC,
                DD_REF, DD_COUNT };

extern const char *const dd_names[DD_COUNT];

#define DD_MAX_JOIN 4

struct dd_map {
    char *spec[DD_COUNT]; /* "col" or "col+col" from --map; NULL = default */
    int cols[DD_COUNT][DD_MAX_JOIN];
    int n_cols[DD_COUNT];
};

/* Removes leading and trailing white space in place. */
void dd_trim(char *s);
/* Adds "field=column[+column],..." to the mapping; -1 (message printed) when malformed. */
int dd_map_parse(struct dd_map *m, const char *arg);
/* Resolves the mapping against a header row; -1 (message printed) on a missing column. */
int dd_map_resolve(struct dd_map *m, char **hdr, size_t n, const char *path);

/* Reads every record of a CSV file through the mapping and calls cb with the field values
 * (joined, trimmed; "" when unmapped). Returns 0, or -1 with a message printed. */
typedef int (*dd_record_cb)(void *ctx, char *const vals[DD_COUNT]);
int dd_file_each(struct dd_map *m, const char *path, dd_record_cb cb, void *ctx);

#endif
