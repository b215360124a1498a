/*
 * bench/bench_policeuk.c: imports every data.police.uk file under a folder, twice.
 *
 *   bench_policeuk [DIR] [DB_PATH]   (defaults: $FC_SHARED_DATA/police-uk, a temporary file)
 *
 * The first pass loads all rows; the second must change nothing. Prints rows, ASB rows,
 * time and rows per second for each pass. Results and the exact command:
 * docs/benchmarks.md.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/policeuk/policeuk.h"
#include "store/store.h"

static char *files[512];
static size_t n_files;

static int collect(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    size_t len = strlen(path);
    if (type == FTW_F && n_files < 512 && len > 14 &&
        strcmp(path + len - 14, "-street.csv.gz") == 0)
        files[n_files++] = strdup(path);
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    char dir[1024], db[1024];
    const char *shared = getenv("FC_SHARED_DATA");
    snprintf(dir, sizeof(dir), "%s", argc > 1 ? argv[1] : "");
    if (!dir[0])
        snprintf(dir, sizeof(dir), "%s/police-uk", shared ? shared : "../shared/data");
    if (argc > 2)
        snprintf(db, sizeof(db), "%s", argv[2]);
    else
        snprintf(db, sizeof(db), "/tmp/fc-bench-policeuk-%d.db", (int)getpid());
    if (nftw(dir, collect, 16, FTW_PHYS) != 0 || n_files == 0) {
        fprintf(stderr, "bench_policeuk: no *-street.csv.gz files under %s\n", dir);
        return 1;
    }
    qsort(files, n_files, sizeof(char *), cmp);
    struct store *s;
    struct fc_err err;
    int version;
    if (store_open(db, &s, &err) != FC_OK || store_migrate(s, &version, &err) != FC_OK) {
        fprintf(stderr, "bench_policeuk: %s\n", err.msg);
        return 1;
    }
    int rc = 0;
    for (int pass = 1; pass <= 2 && rc == 0; pass++) {
        struct policeuk_import_stats st = { 0 };
        double t0 = now_s();
        for (size_t i = 0; i < n_files; i++) {
            if (policeuk_import_file(s, files[i], 1700000000 + pass, NULL, NULL, &st, &err) !=
                FC_OK) {
                fprintf(stderr, "bench_policeuk: %s: %s\n", files[i], err.msg);
                rc = 1;
                break;
            }
        }
        double secs = now_s() - t0;
        printf("pass %d: %zu files, %zu rows (%zu ASB): %zu new, %zu updated, %zu unchanged in "
               "%.2f s (%.0f rows/s)\n",
               pass, n_files, st.rows, st.asb_rows, st.inserted, st.updated, st.unchanged, secs,
               (double)st.rows / secs);
        if (pass == 2 && (st.inserted || st.updated))
            rc = 1; /* a re-import must change nothing */
    }
    store_close(s);
    if (argc <= 2) {
        char p[1100];
        unlink(db);
        snprintf(p, sizeof(p), "%s-wal", db);
        unlink(p);
        snprintf(p, sizeof(p), "%s-shm", db);
        unlink(p);
    }
    for (size_t i = 0; i < n_files; i++)
        free(files[i]);
    return rc;
}
