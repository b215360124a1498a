/*
 * bench/bench_match.c: person matching at scale, against the SQLite search a team would
 * otherwise build.
 *
 * Generates realistic people from the embedded tables (ONS forename and surname
 * frequencies, real Leicestershire streets with their postcodes), builds the in-memory
 * index, then looks up queries typed the way call handlers type them (misspellings,
 * nicknames, swapped names, missing or wrong dates of birth, withheld phones, partial
 * postcodes) for people who are known and for new people. The same persons and queries go
 * to an SQLite database with indexed name, phone, postcode and dob columns and an FTS5
 * trigram table for fuzzy names. Reports latency (p50/p99), build and insert times, index
 * bytes per person and the accuracy of both.
 *
 * usage: bench_match [--persons N] [--queries Q] [--inserts I] [--seed S] [--no-sqlite]
 * Diagnostics on stderr: BENCH_MISSES=1 lists known callers not found, BENCH_TRACE=1 lists
 * lookups slower than 1 ms.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "domain/match/match.h"
#include "util/assets.h"
#include "wtable.h"

/* ---- random numbers ---- */
static uint64_t rng_state = 88172645463325252ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static double rnd01(void)
{
    return (double)(rnd() >> 11) / 9007199254740992.0;
}

/* ---- people ---- */
struct gperson {
    char fore[24], sur[32], dob[11], phone[14], email[64], addr[80], pc[9];
};

static void capitalise(char *s)
{
    if (s[0] >= 'a' && s[0] <= 'z')
        s[0] = (char)(s[0] - 'a' + 'A');
}

static void person_make(struct gperson *g, const struct wtable *fn, const struct wtable *sn,
                        const struct wtable *st)
{
    snprintf(g->fore, sizeof g->fore, "%s", fn->s[wtable_pick_at(fn, rnd01())]);
    snprintf(g->sur, sizeof g->sur, "%s", sn->s[wtable_pick_at(sn, rnd01())]);
    capitalise(g->fore);
    capitalise(g->sur);
    snprintf(g->dob, sizeof g->dob, "%04d-%02d-%02d", 1930 + (int)(rnd() % 78),
             1 + (int)(rnd() % 12), 1 + (int)(rnd() % 28));
    snprintf(g->phone, sizeof g->phone, "07%09llu", (unsigned long long)(rnd() % 1000000000));
    if (rnd() % 10 < 4)
        snprintf(g->email, sizeof g->email, "%.20s.%.20s%d@example.com", g->fore, g->sur,
                 (int)(rnd() % 100));
    else
        g->email[0] = '\0';
    size_t s = rnd() % st->n;
    snprintf(g->addr, sizeof g->addr, "%d %.60s", 1 + (int)(rnd() % 150), st->s[s]);
    snprintf(g->pc, sizeof g->pc, "%s", st->extra[s] ? st->extra[s] : "");
}

/*
 * Person i of the run, the same every time it is asked for: each person has a random
 * stream of its own (seeded from the run's seed and i), so 10M persons need no array of
 * generated people beside the index.
 */
static uint64_t people_seed;
static const struct wtable *tab_fn, *tab_sn, *tab_st;
static void person_at(size_t i, struct gperson *g)
{
    uint64_t saved = rng_state;
    uint64_t z = people_seed + (uint64_t)(i + 1) * 0x9E3779B97F4A7C15ULL; /* splitmix64 */
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    rng_state = (z ^ (z >> 31)) | 1;
    person_make(g, tab_fn, tab_sn, tab_st);
    rng_state = saved;
}

static struct match_record person_record(const struct gperson *g)
{
    return (struct match_record){ .forename = g->fore, .surname = g->sur, .dob = g->dob,
                                  .phone = g->phone, .email = g->email, .address = g->addr,
                                  .postcode = g->pc };
}

/* A query as a handler types it: typos, nickname-free swaps, missing fields. */
struct gquery {
    struct gperson g;
    long long truth; /* person id, 0 = a new person */
};

static void typo(char *s)
{
    size_t n = strlen(s);
    if (n < 4)
        return;
    size_t i = 1 + rnd() % (n - 2);
    switch (rnd() % 3) {
    case 0: { /* transpose */
        char t = s[i];
        s[i] = s[i + 1];
        s[i + 1] = t;
        break;
    }
    case 1: /* substitute */
        s[i] = (char)('a' + rnd() % 26);
        break;
    default: /* delete */
        memmove(s + i, s + i + 1, n - i);
        break;
    }
}

static void query_make(struct gquery *q, const struct gperson *src, long long truth)
{
    q->g = *src;
    q->truth = truth;
    struct gperson *g = &q->g;
    if (rnd() % 100 < 25)
        typo(g->sur);
    if (rnd() % 100 < 15)
        typo(g->fore);
    if (rnd() % 100 < 5) { /* swapped */
        char t[32];
        snprintf(t, sizeof t, "%s", g->fore);
        snprintf(g->fore, sizeof g->fore, "%.23s", g->sur);
        snprintf(g->sur, sizeof g->sur, "%s", t);
    }
    if (rnd() % 100 < 50)
        g->dob[0] = '\0';
    else if (rnd() % 100 < 10) { /* day and month swapped */
        char d[11];
        snprintf(d, sizeof d, "%.4s-%.2s-%.2s", g->dob, g->dob + 8, g->dob + 5);
        if (atoi(g->dob + 8) <= 12)
            memcpy(g->dob, d, sizeof d);
    }
    if (rnd() % 100 < 30)
        snprintf(g->phone, sizeof g->phone, "withheld");
    if (rnd() % 100 < 30)
        g->email[0] = '\0';
    if (rnd() % 100 < 30)
        g->pc[0] = '\0';
    else if (rnd() % 100 < 10) {
        char *sp = strchr(g->pc, ' ');
        if (sp)
            *sp = '\0'; /* outward code only */
    }
    if (rnd() % 100 < 20)
        g->addr[0] = '\0';
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: what one core spends, whatever else shares the machine */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, dcmp);
    size_t i = (size_t)(p * (double)(n - 1) + 0.5);
    return v[i];
}

/* ---- the SQLite alternative ---- */
static void sql_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench: sqlite: %s\n", msg);
        sqlite3_free(msg);
        exit(1);
    }
}

static void lower(char *d, const char *s, size_t cap)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++)
        d[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] - 'A' + 'a' : s[i]);
    d[i] = '\0';
}

/* digits of a phone, "" when withheld */
static void digits(char *d, const char *s, size_t cap)
{
    size_t j = 0;
    for (; *s && j + 1 < cap; s++)
        if (*s >= '0' && *s <= '9')
            d[j++] = *s;
    d[j] = '\0';
}

struct sqlite_alt {
    sqlite3 *db;
    sqlite3_stmt *ins, *ins_fts, *q_exact, *q_fts;
};

static void alt_open(struct sqlite_alt *s)
{
    sqlite3_open(":memory:", &s->db);
    sql_exec(s->db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                    "CREATE TABLE people (id INTEGER PRIMARY KEY, forename TEXT, surname TEXT,"
                    " dob TEXT, phone TEXT, postcode TEXT);"
                    "CREATE VIRTUAL TABLE people_fts USING fts5(name, tokenize='trigram');");
    sqlite3_prepare_v2(s->db, "INSERT INTO people VALUES (?1, ?2, ?3, ?4, ?5, ?6)", -1, &s->ins,
                       NULL);
    sqlite3_prepare_v2(s->db, "INSERT INTO people_fts (rowid, name) VALUES (?1, ?2)", -1,
                       &s->ins_fts, NULL);
}

static void alt_index(struct sqlite_alt *s)
{
    sql_exec(s->db, "CREATE INDEX people_name ON people (surname, forename);"
                    "CREATE INDEX people_phone ON people (phone);"
                    "CREATE INDEX people_postcode ON people (postcode);"
                    "CREATE INDEX people_dob ON people (dob);");
    /* exact paths: phone; surname + forename; postcode + surname; dob + surname */
    sqlite3_prepare_v2(s->db,
                       "SELECT id, forename, surname, dob, phone, postcode FROM people "
                       "WHERE phone = ?1 UNION "
                       "SELECT id, forename, surname, dob, phone, postcode FROM people "
                       "WHERE surname = ?2 AND forename = ?3 UNION "
                       "SELECT id, forename, surname, dob, phone, postcode FROM people "
                       "WHERE postcode = ?4 AND surname = ?2 UNION "
                       "SELECT id, forename, surname, dob, phone, postcode FROM people "
                       "WHERE dob = ?5 AND surname = ?2 LIMIT 200",
                       -1, &s->q_exact, NULL);
    /* fuzzy path: trigram match on the full name */
    sqlite3_prepare_v2(s->db,
                       "SELECT p.id, p.forename, p.surname, p.dob, p.phone, p.postcode "
                       "FROM people_fts f JOIN people p ON p.id = f.rowid "
                       "WHERE people_fts MATCH ?1 ORDER BY rank LIMIT 50",
                       -1, &s->q_fts, NULL);
}

static void alt_add(struct sqlite_alt *s, long long id, const struct gperson *g)
{
    char f[32], n[32], ph[20], name[64];
    lower(f, g->fore, sizeof f);
    lower(n, g->sur, sizeof n);
    digits(ph, g->phone, sizeof ph);
    sqlite3_bind_int64(s->ins, 1, id);
    sqlite3_bind_text(s->ins, 2, f, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->ins, 3, n, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->ins, 4, g->dob, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->ins, 5, ph, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s->ins, 6, g->pc, -1, SQLITE_TRANSIENT);
    sqlite3_step(s->ins);
    sqlite3_reset(s->ins);
    snprintf(name, sizeof name, "%s %s", f, n);
    sqlite3_bind_int64(s->ins_fts, 1, id);
    sqlite3_bind_text(s->ins_fts, 2, name, -1, SQLITE_TRANSIENT);
    sqlite3_step(s->ins_fts);
    sqlite3_reset(s->ins_fts);
}

/* Scores a row the way such a system would: one point per agreeing field; the best row
 * with at least two agreements (or a phone agreement plus a name) is the answer. */
static int alt_points(sqlite3_stmt *st, const char *f, const char *n, const char *dob,
                      const char *ph, const char *pc)
{
    int pts = 0;
    const char *rf = (const char *)sqlite3_column_text(st, 1);
    const char *rn = (const char *)sqlite3_column_text(st, 2);
    pts += rf && strcmp(rf, f) == 0;
    pts += rn && strcmp(rn, n) == 0;
    pts += dob[0] && strcmp((const char *)sqlite3_column_text(st, 3), dob) == 0;
    pts += ph[0] && strcmp((const char *)sqlite3_column_text(st, 4), ph) == 0;
    pts += pc[0] && strcmp((const char *)sqlite3_column_text(st, 5), pc) == 0;
    return pts;
}

static long long alt_lookup(struct sqlite_alt *s, const struct gperson *g)
{
    char f[32], n[32], ph[20], fts[96];
    lower(f, g->fore, sizeof f);
    lower(n, g->sur, sizeof n);
    digits(ph, g->phone, sizeof ph);
    long long best = 0;
    int best_pts = 0;
    sqlite3_bind_text(s->q_exact, 1, ph, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->q_exact, 2, n, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->q_exact, 3, f, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->q_exact, 4, g->pc, -1, SQLITE_STATIC);
    sqlite3_bind_text(s->q_exact, 5, g->dob, -1, SQLITE_STATIC);
    while (sqlite3_step(s->q_exact) == SQLITE_ROW) {
        int p = alt_points(s->q_exact, f, n, g->dob, ph, g->pc);
        if (p > best_pts) {
            best_pts = p;
            best = sqlite3_column_int64(s->q_exact, 0);
        }
    }
    sqlite3_reset(s->q_exact);
    if (best_pts < 3 && strlen(n) >= 3) { /* fuzzy: trigrams of the surname */
        snprintf(fts, sizeof fts, "\"%s\"", n);
        for (char *c = fts + 1; *c && c[1]; c++)
            if (*c == '"')
                *c = ' ';
        sqlite3_bind_text(s->q_fts, 1, fts, -1, SQLITE_STATIC);
        while (sqlite3_step(s->q_fts) == SQLITE_ROW) {
            int p = alt_points(s->q_fts, f, n, g->dob, ph, g->pc);
            if (p > best_pts) {
                best_pts = p;
                best = sqlite3_column_int64(s->q_fts, 0);
            }
        }
        sqlite3_reset(s->q_fts);
    }
    return best_pts >= 2 ? best : 0;
}

static void alt_close(struct sqlite_alt *s)
{
    sqlite3_finalize(s->ins);
    sqlite3_finalize(s->ins_fts);
    sqlite3_finalize(s->q_exact);
    sqlite3_finalize(s->q_fts);
    sqlite3_close(s->db);
}

struct acc {
    size_t known, known_right, known_wrong, fresh, fresh_false;
};

static void acc_add(struct acc *a, long long truth, long long answer)
{
    if (truth) {
        a->known++;
        a->known_right += answer == truth;
        a->known_wrong += answer && answer != truth;
    } else {
        a->fresh++;
        a->fresh_false += answer != 0;
    }
}

static void acc_print(const char *who, const struct acc *a)
{
    printf("%s accuracy: known callers found %.4f (%zu/%zu), linked to the wrong person "
           "%.4f, new callers falsely matched %.4f (%zu/%zu)\n",
           who, (double)a->known_right / (double)a->known, a->known_right, a->known,
           (double)a->known_wrong / (double)a->known, (double)a->fresh_false / (double)a->fresh,
           a->fresh_false, a->fresh);
}

int main(int argc, char **argv)
{
    size_t n_persons = 1000000, n_queries = 20000, n_inserts = 20000;
    bool with_sqlite = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--persons") == 0 && i + 1 < argc)
            n_persons = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
            n_queries = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--inserts") == 0 && i + 1 < argc)
            n_inserts = strtoull(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            rng_state = strtoull(argv[++i], NULL, 10) * 2 + 1; /* odd, and distinct per seed */
        else if (strcmp(argv[i], "--no-sqlite") == 0)
            with_sqlite = false;
        else {
            fprintf(stderr, "usage: bench_match [--persons N] [--queries Q] [--inserts I] "
                            "[--seed S] [--no-sqlite]\n");
            return 2;
        }
    }
    struct wtable fn = { 0 }, sn = { 0 }, st = { 0 };
    wtable_load(&fn, "data/names/forenames_top.csv", 0, 2, -1);
    wtable_load(&sn, "data/names/surnames.csv", 0, 1, -1);
    wtable_load(&st, "data/geo/le_streets.csv", 0, -1, 2);
    tab_fn = &fn;
    tab_sn = &sn;
    tab_st = &st;
    people_seed = rng_state;
    struct gquery *queries = malloc(n_queries * sizeof *queries);
    if (!queries)
        return 1;
    for (size_t i = 0; i < n_queries; i++) {
        struct gperson g;
        if (rnd() % 100 < 70) {
            size_t k = rnd() % n_persons;
            person_at(k, &g);
            query_make(&queries[i], &g, (long long)k + 1);
        } else { /* somebody new */
            person_at(n_persons + n_inserts + i, &g);
            query_make(&queries[i], &g, 0);
        }
    }

    struct match_service *svc;
    struct fc_err err;
    if (match_service_create(NULL, NULL, &svc, &err) != FC_OK)
        return 1;
    /* persons are generated a chunk at a time outside the timed part */
    enum { CHUNK = 65536 };
    struct gperson *chunk = malloc(CHUNK * sizeof *chunk);
    if (!chunk)
        return 1;
    double build = 0, build_cpu = 0, t0;
    for (size_t base = 0; base < n_persons; base += CHUNK) {
        size_t n = n_persons - base < CHUNK ? n_persons - base : CHUNK;
        for (size_t j = 0; j < n; j++)
            person_at(base + j, &chunk[j]);
        double w0 = now_s(), c0 = cpu_s();
        for (size_t j = 0; j < n; j++) {
            struct match_record r = person_record(&chunk[j]);
            if (match_person_add(svc, (fc_id_t)(base + j) + 1, &r, 1717200000, &err) != FC_OK)
                return 1;
        }
        build += now_s() - w0;
        build_cpu += cpu_s() - c0;
    }
    free(chunk);
    size_t persons, keys, bytes;
    match_service_stats(svc, &persons, &keys, &bytes);
    printf("persons %zu, index keys %zu\n", persons, keys);
    printf("build: %.2f s wall, %.2f s CPU for %zu persons (%.2f us per person)\n", build,
           build_cpu, n_persons, build_cpu * 1e6 / (double)n_persons);
    printf("index memory: %zu bytes, %.0f bytes per person\n", bytes,
           (double)bytes / (double)persons);

    double *lat = malloc(n_queries * sizeof *lat);
    double *cpu = malloc(n_queries * sizeof *cpu);
    struct acc acc_fc = { 0 };
    struct arena a;
    arena_init(&a, 0);
    for (size_t i = 0; i < n_queries; i++) {
        struct match_record r = person_record(&queries[i].g);
        struct match_result res;
        double q0 = now_s(), c0 = cpu_s();
        int rc = match_lookup(svc, &r, 1717200000, &a, &res, &err);
        cpu[i] = cpu_s() - c0;
        lat[i] = now_s() - q0;
        if (getenv("BENCH_TRACE") && lat[i] > 1e-3)
            fprintf(stderr, "slow %.0f us blocked %zu: %s|%s|%s|%s|%s|%s\n", lat[i] * 1e6,
                    res.n_blocked, r.forename, r.surname, r.dob, r.phone, r.address, r.postcode);
        long long ans = rc == FC_OK && res.n > 0 && res.cands[0].probability >= 0.5
                            ? (long long)res.cands[0].person_id
                            : 0;
        acc_add(&acc_fc, queries[i].truth, ans);
        if (getenv("BENCH_MISSES") && queries[i].truth && ans != queries[i].truth) {
            double tp = -1;
            for (size_t k = 0; k < res.n; k++)
                if (res.cands[k].person_id == queries[i].truth)
                    tp = res.cands[k].probability;
            struct gperson og;
            person_at((size_t)queries[i].truth - 1, &og);
            const struct gperson *o = &og;
            fprintf(stderr, "miss p=%.3f blocked %zu: %s|%s|%s|%s|%s|%s  <- %s|%s|%s|%s|%s\n", tp,
                    res.n_blocked, r.forename, r.surname, r.dob, r.phone, r.address, r.postcode,
                    o->fore, o->sur, o->dob, o->addr, o->pc);
        }
        arena_free(&a);
    }
    double p50 = pct(lat, n_queries, 0.5) * 1e6, p99 = pct(lat, n_queries, 0.99) * 1e6;
    double mean_fc = 0;
    for (size_t i = 0; i < n_queries; i++)
        mean_fc += lat[i];
    mean_fc /= (double)n_queries;
    printf("FirstContact lookup (wall): p50 %.1f us, p99 %.1f us, mean %.1f us over %zu "
           "queries\n", p50, p99, mean_fc * 1e6, n_queries);
    double cp50 = pct(cpu, n_queries, 0.5) * 1e6, cp99 = pct(cpu, n_queries, 0.99) * 1e6;
    printf("FirstContact lookup (CPU time): p50 %.1f us, p99 %.1f us\n", cp50, cp99);
    acc_print("FirstContact", &acc_fc);

    double *ins = malloc((n_inserts ? n_inserts : 1) * sizeof *ins);
    double *insc = malloc((n_inserts ? n_inserts : 1) * sizeof *insc);
    for (size_t i = 0; i < n_inserts; i++) {
        struct gperson g;
        person_at(n_persons + i, &g);
        struct match_record r = person_record(&g);
        double q0 = now_s(), c0 = cpu_s();
        match_person_add(svc, (fc_id_t)(n_persons + i + 1), &r, 1717200000, &err);
        insc[i] = cpu_s() - c0;
        ins[i] = now_s() - q0;
    }
    if (n_inserts) {
        printf("insert into the index (wall): p50 %.1f us, p99 %.1f us over %zu inserts\n",
               pct(ins, n_inserts, 0.5) * 1e6, pct(ins, n_inserts, 0.99) * 1e6, n_inserts);
        printf("insert into the index (CPU time): p50 %.1f us, p99 %.1f us\n",
               pct(insc, n_inserts, 0.5) * 1e6, pct(insc, n_inserts, 0.99) * 1e6);
    }
    free(insc);

    if (with_sqlite) {
        struct sqlite_alt alt;
        alt_open(&alt);
        t0 = now_s();
        sql_exec(alt.db, "BEGIN");
        for (size_t i = 0; i < n_persons; i++) {
            struct gperson g;
            person_at(i, &g);
            alt_add(&alt, (long long)i + 1, &g);
        }
        sql_exec(alt.db, "COMMIT");
        alt_index(&alt);
        double sbuild = now_s() - t0;
        printf("SQLite build: %.2f s (rows, B-tree indexes and FTS5 trigram table)\n", sbuild);
        struct acc acc_sql = { 0 };
        double mean_sql = 0;
        for (size_t i = 0; i < n_queries; i++) {
            double q0 = now_s(), c0 = cpu_s();
            long long ans = alt_lookup(&alt, &queries[i].g);
            cpu[i] = cpu_s() - c0;
            lat[i] = now_s() - q0;
            mean_sql += lat[i];
            acc_add(&acc_sql, queries[i].truth, ans);
        }
        mean_sql /= (double)n_queries;
        double sp50 = pct(lat, n_queries, 0.5) * 1e6, sp99 = pct(lat, n_queries, 0.99) * 1e6;
        printf("SQLite lookup (wall): p50 %.1f us, p99 %.1f us, mean %.1f us over %zu queries\n",
               sp50, sp99, mean_sql * 1e6, n_queries);
        double scp50 = pct(cpu, n_queries, 0.5) * 1e6, scp99 = pct(cpu, n_queries, 0.99) * 1e6;
        printf("SQLite lookup (CPU time): p50 %.1f us, p99 %.1f us\n", scp50, scp99);
        acc_print("SQLite", &acc_sql);
        printf("speed ratio (SQLite / FirstContact): wall p50 %.1fx, p99 %.1fx, mean %.1fx; "
               "CPU p50 %.1fx, p99 %.1fx\n",
               sp50 / p50, sp99 / p99, mean_sql / mean_fc, scp50 / cp50, scp99 / cp99);
        alt_close(&alt);
    }
    free(ins);
    free(lat);
    free(cpu);
    free(queries);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak resident memory: %.0f MiB\n", (double)ru.ru_maxrss / 1024.0);
    match_service_free(svc);
    wtable_free(&fn);
    wtable_free(&sn);
    wtable_free(&st);
    return 0;
}
