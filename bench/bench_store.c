/*
 * bench/bench_store.c: the SQLite store's throughput on this machine.
 *
 *   build/release/bench/bench_store [persons]   (default 50000)
 *
 * Inserts persons with five identifiers each (one transaction per person, as the server
 * does, then in batches of 1000), scans them all, reads and searches, appends and verifies
 * audit events, and backs up. Uses a temporary directory; prints one line per figure.
 * Results and the command go to docs/benchmarks.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *const surnames[] = { "Patel", "Smith", "Mistry", "Jones",  "Shergill",
                                        "Khan",  "Brown", "Taylor", "Wilson", "Hughes" };

static int fill(struct person *p, int i, struct person_name nm[2], struct person_dob *dob,
                struct person_phone *ph, struct person_address *ad, char bufs[4][64])
{
    memset(p, 0, sizeof(*p));
    snprintf(bufs[0], 64, "+4477009%05d", i % 100000);
    snprintf(bufs[1], 64, "LE%d %dAA", 1 + i % 19, i % 10);
    snprintf(bufs[2], 64, "%d Market Street", 1 + i % 200);
    nm[0] = (struct person_name){ .raw = "raw name",
                                  .forename = "Forename",
                                  .surname = (char *)surnames[i % 10],
                                  .keys = "{\"f\":\"forename\"}",
                                  .prov = { "import", 0, 0 } };
    nm[1] = nm[0];
    nm[1].forename = "Nick";
    *dob = (struct person_dob){ .date = "1980-04-03",
                                .precision = DOB_FULL,
                                .prov = { "import", 0, 0 } };
    *ph = (struct person_phone){
        .raw = bufs[0], .e164 = bufs[0], .kind = "mobile", .prov = { "import", 0, 0 }
    };
    *ad = (struct person_address){ .raw = bufs[2],
                                   .street = "Market Street",
                                   .postcode = bufs[1],
                                   .lat = 52.6,
                                   .lon = -1.1,
                                   .prov = { "import", 0, 0 } };
    p->names = nm;
    p->n_names = 2;
    p->dobs = dob;
    p->n_dobs = 1;
    p->phones = ph;
    p->n_phones = 1;
    p->addresses = ad;
    p->n_addresses = 1;
    return 0;
}

static int count_cb(void *ctx, const struct person *p)
{
    *(size_t *)ctx += p->n_names + p->n_dobs + p->n_phones + p->n_addresses;
    return 0;
}

#define CHECK(x)                                                                                   \
    do {                                                                                           \
        if ((x) != FC_OK) {                                                                        \
            fprintf(stderr, "bench_store: %s: %s\n", #x, err.msg);                                 \
            return 1;                                                                              \
        }                                                                                          \
    } while (0)

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 50000;
    char dir[] = "/tmp/fc-bench-XXXXXX";
    if (n < 1000 || mkdtemp(dir) == NULL)
        return 2;
    char path[64], backup[80];
    snprintf(path, sizeof(path), "%s/store.db", dir);
    snprintf(backup, sizeof(backup), "%s/backup.db", dir);
    struct store *s;
    struct fc_err err = { 0 };
    int version;
    CHECK(store_open(path, &s, &err));
    CHECK(store_migrate(s, &version, &err));
    struct person p;
    struct person_name nm[2];
    struct person_dob dob;
    struct person_phone ph;
    struct person_address ad;
    char bufs[4][64];

    int single = 1000;
    double t0 = now_ms();
    for (int i = 0; i < single; i++) {
        fill(&p, i, nm, &dob, &ph, &ad, bufs);
        CHECK(store_person_insert(s, &p, NULL, &err));
    }
    double t1 = now_ms();
    printf("person_insert, one transaction each (fsync per commit): %d in %.0f ms = %.0f/s\n",
           single, t1 - t0, single / ((t1 - t0) / 1e3));

    t0 = now_ms();
    for (int i = single; i < n; i++) {
        if ((i - single) % 1000 == 0)
            CHECK(store_txn_begin(s, &err));
        fill(&p, i, nm, &dob, &ph, &ad, bufs);
        CHECK(store_person_insert(s, &p, NULL, &err));
        if ((i - single) % 1000 == 999 || i == n - 1)
            CHECK(store_txn_commit(s, &err));
    }
    t1 = now_ms();
    printf("person_insert, batches of 1000: %d in %.0f ms = %.0f/s\n", n - single, t1 - t0,
           (n - single) / ((t1 - t0) / 1e3));

    size_t idents = 0;
    t0 = now_ms();
    CHECK(store_person_scan(s, count_cb, &idents, &err));
    t1 = now_ms();
    printf("person_scan: %d persons, %zu identifiers in %.0f ms\n", n, idents, t1 - t0);

    struct arena a;
    arena_init(&a, 0);
    t0 = now_ms();
    for (int i = 0; i < 10000; i++) {
        struct person got;
        CHECK(store_person_get(s, 1 + (i * 7919) % n, &a, &got, &err));
        if (i % 100 == 99)
            arena_free(&a);
    }
    t1 = now_ms();
    printf("person_get: %.1f us each (10000 random)\n", (t1 - t0) * 1e3 / 10000);

    fc_id_t *ids;
    size_t found;
    t0 = now_ms();
    for (int i = 0; i < 20; i++)
        CHECK(store_person_search(
            s, &(struct person_query){ .surname = surnames[i % 10], .limit = 50 }, &a, &ids, &found,
            &err));
    t1 = now_ms();
    printf("person_search by surname (limit 50): %.2f ms each\n", (t1 - t0) / 20);
    t0 = now_ms();
    for (int i = 0; i < 20; i++) {
        snprintf(bufs[0], 64, "+4477009%05d", (i * 31) % n);
        CHECK(store_person_search(s, &(struct person_query){ .phone_e164 = bufs[0] }, &a, &ids,
                                  &found, &err));
    }
    t1 = now_ms();
    printf("person_search by phone: %.2f ms each\n", (t1 - t0) / 20);
    arena_free(&a);

    int events = 2000;
    t0 = now_ms();
    for (int i = 0; i < events; i++) {
        struct audit_event ev = { .action = AUDIT_CONSULT,
                                  .object_type = "person",
                                  .object_id = 1 + i % n,
                                  .purpose = "live contact" };
        CHECK(store_audit_append(s, &ev, &err));
    }
    t1 = now_ms();
    printf("audit_append, one transaction each: %.0f/s\n", events / ((t1 - t0) / 1e3));
    int64_t bad, checked;
    t0 = now_ms();
    CHECK(store_audit_verify(s, &bad, &checked, &err));
    t1 = now_ms();
    printf("audit_verify: %lld events in %.1f ms (bad=%lld)\n", (long long)checked, t1 - t0,
           (long long)bad);

    t0 = now_ms();
    CHECK(store_backup(s, backup, &err));
    t1 = now_ms();
    printf("backup: %.0f ms\n", t1 - t0);
    store_close(s);
    unlink(backup);
    char extra[96];
    const char *suffix[] = { "", "-wal", "-shm" };
    for (int i = 0; i < 3; i++) {
        snprintf(extra, sizeof(extra), "%s%s", path, suffix[i]);
        unlink(extra);
    }
    rmdir(dir);
    return 0;
}
