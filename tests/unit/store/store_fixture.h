/*
 * tests/unit/store/store_fixture.h: a fresh, migrated store per test case.
 *
 * The contract tests take their store from the URL in env FC_TEST_STORE, so the same
 * cases run against every backend; by default each case gets a new SQLite file in a
 * temporary directory, removed afterwards. Raw-SQL helpers that tamper with a store behind
 * the interface's back live here too (tests may; src/ may not).
 * A PostgreSQL URL gets its own new schema per case (fc_schema=fc_t<pid>_<n>_<clock>,
 * created by the backend), so cases running at once on one database never see each other's
 * rows. The clock part matters: schemas outlive their process, and process ids come round
 * again within one long test run.
 * Other URLs are used as given.
 */
#ifndef FC_TESTS_STORE_FIXTURE_H
#define FC_TESTS_STORE_FIXTURE_H

#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

struct store_fixture {
    struct store *store;
    char dir[256];  /* temporary directory, "" for an external store */
    char path[300]; /* SQLite file path, "" for other backends */
    char url[512];
};

static inline void fixture_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    char p[600];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* Makes the temporary directory and the store URL, without opening it. */
static inline int fixture_prepare(struct store_fixture *f)
{
    memset(f, 0, sizeof(*f));
    const char *url = getenv("FC_TEST_STORE");
    if (url != NULL && (strncmp(url, "postgresql://", 13) == 0 ||
                        strncmp(url, "postgres://", 11) == 0)) {
        static unsigned n;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long clock_ns =
            (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
        snprintf(f->url, sizeof(f->url), "%s%sfc_schema=fc_t%ld_%u_%llx", url,
                 strchr(url, '?') ? "&" : "?", (long)getpid(), n++, clock_ns);
        return 0;
    }
    if (url != NULL && url[0] != '\0' && strncmp(url, "sqlite:", 7) != 0) {
        snprintf(f->url, sizeof(f->url), "%s", url);
        return 0;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/fc-store-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof(f->path), "%s/store.db", f->dir);
    snprintf(f->url, sizeof(f->url), "sqlite:%s", f->path);
    return 0;
}

/* cmocka setup: a fresh store, migrated to the latest schema. */
static inline int fixture_setup(void **state)
{
    struct store_fixture *f = calloc(1, sizeof(*f));
    struct fc_err err = { 0 };
    int version;
    if (f == NULL || fixture_prepare(f) != 0)
        return -1;
    if (store_open(f->url, &f->store, &err) != FC_OK ||
        store_migrate(f->store, &version, &err) != FC_OK) {
        fprintf(stderr, "fixture: %s\n", err.msg);
        return -1;
    }
    *state = f;
    return 0;
}

static inline int fixture_teardown(void **state)
{
    struct store_fixture *f = *state;
    if (f == NULL)
        return 0;
    store_close(f->store);
    if (f->dir[0])
        fixture_rmdir(f->dir);
    free(f);
    return 0;
}

/* Runs SQL on the fixture's SQLite file through a raw connection; 0 on success. */
static inline int fixture_raw_sql(const struct store_fixture *f, const char *sql)
{
    sqlite3 *db = NULL;
    if (f->path[0] == '\0' || sqlite3_open(f->path, &db) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    sqlite3_busy_timeout(db, 5000);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc == SQLITE_OK ? 0 : -1;
}

#endif
