/*
 * bench/bench_reports.c: a year of a force's data, every report timed.
 *
 *   bench_reports [CONTACTS] [DB_PATH]     (defaults: 50000, a temporary file)
 *
 * Generates one year (2024) of contacts from a population of callers with a realistic skew
 * (a few callers ring often), their incidents across the force area's LSOAs, vulnerable
 * flags, the labels the handler was shown (with some misses), risk screenings, tasks,
 * Community Triggers and satisfaction surveys; then builds every report by month and by
 * each breakdown and renders it as JSON, CSV and XLSX, and renders the monthly PDF pack.
 * Prints one line per report with the build and render times. Deterministic (fixed seed).
 * Results and the exact command: docs/benchmarks.md.
 */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/geo/geo.h"
#include "domain/report/pack.h"
#include "domain/report/report.h"
#include "store/store.h"

#define T0 1704067200LL /* 2024-01-01T00:00:00Z */
#define YEAR_S (366LL * 86400)

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}
static double unit(void)
{
    return (double)(next() >> 11) / 9007199254740992.0;
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "bench: %s\n", msg ? msg : "sqlite error");
        exit(1);
    }
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "bench: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    return st;
}

static void step(sqlite3 *db, sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_DONE) {
        fprintf(stderr, "bench: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_reset(st);
}

static void generate(const char *path, int n_contacts)
{
    static const char *const cats[] = { "personal", "nuisance", "environmental" };
    static const char *const types[] = { "noise", "neighbour_dispute", "vehicles", "youths",
                                         "drugs", "littering", "begging", "other" };
    static const char *const risks[] = { "standard", "standard", "standard", "medium", "high" };
    static const char *const channels[] = { "phone", "phone", "phone", "online", "open311",
                                            "partner_referral" };
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        exit(1);
    exec(db, "PRAGMA synchronous=OFF; BEGIN");
    exec(db, "INSERT INTO organisation (id, kind, name, created_at) VALUES (1, 'force', "
             "'Leicestershire Police', 0)");
    exec(db, "INSERT INTO team (id, name) VALUES ('nt', 'Neighbourhood team')");
    int n_people = n_contacts * 2 / 5;
    sqlite3_stmt *person = prep(db, "INSERT INTO person (id, created_at) VALUES (?1, 0)");
    for (int i = 1; i <= n_people; i++) {
        sqlite3_bind_int(person, 1, i);
        step(db, person);
    }
    /* 3% of people have a vulnerable flag, some back-dated (entered after the calls) */
    sqlite3_stmt *flag = prep(db, "INSERT INTO flag (person_id, kind, agency, flagged_at) "
                                  "VALUES (?1, 'vulnerable', 'Adult Social Care', ?2)");
    for (int i = 1; i <= n_people; i++) {
        if (unit() < 0.03) {
            sqlite3_bind_int(flag, 1, i);
            sqlite3_bind_int64(flag, 2, T0 - 86400 * 30 + (int64_t)(unit() * YEAR_S));
            step(db, flag);
        }
    }
    sqlite3_stmt *inc = prep(db,
        "INSERT INTO incident (id, org_id, category, incident_type, location_key, lsoa_code, "
        "lat, lon, status, risk_level, created_at, closed_at) VALUES (?1, 1, ?2, ?3, ?4, ?5, "
        "?6, ?7, ?8, ?9, ?10, ?11)");
    sqlite3_stmt *con = prep(db,
        "INSERT INTO contact (id, channel, received_at, received_offset_min, org_id, "
        "caller_person_id, incident_id, created_at) VALUES (?1, ?2, ?3, 0, 1, ?4, ?5, ?3)");
    sqlite3_stmt *lab = prep(db,
        "INSERT INTO contact_labels (contact_id, version, prior_calls_12m, prior_calls_ever, "
        "is_repeat_victim, is_persistent, is_high_volume, victim_incidents_12m, "
        "location_incidents_12m, is_repeat_location, suspect_incidents_max, "
        "is_repeat_perpetrator, flags_in_force, is_vulnerable, shown_at) VALUES (?1, "
        "'definitions/v1', 0, 0, ?2, 0, 0, 0, 0, 0, 0, 0, 0, ?3, ?4)");
    sqlite3_stmt *ra = prep(db,
        "INSERT INTO risk_assessment (incident_id, contact_id, version, stage, answers, "
        "final_level, assessed_at) VALUES (?1, ?2, 'risk/v1', 'screening', '{}', 'standard', ?3)");
    sqlite3_stmt *task = prep(db,
        "INSERT INTO task (incident_id, kind, team_id, status, due_at, created_at, completed_at) "
        "VALUES (?1, ?2, 'nt', ?3, ?4, ?5, ?6)");
    sqlite3_stmt *trig = prep(db,
        "INSERT INTO community_trigger (version, incident_id, channel, status, applied_at, "
        "outcome) VALUES ('trigger/v1', ?1, 'phone', ?2, ?3, ?4)");
    sqlite3_stmt *sq = prep(db,
        "INSERT INTO survey_queue (id, incident_id, person_id, contact_id, reason, status, "
        "queued_at) VALUES (?1, ?2, ?3, ?4, 'incident_closed', ?5, ?6)");
    sqlite3_stmt *sr = prep(db,
        "INSERT INTO survey_response (queue_id, instrument, channel, q1, q2, q3, q4, q5, q6, "
        "q7, responded_at) VALUES (?1, 'survey/v1', 'phone', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    size_t n_lsoa = geo_lsoa_count();
    int64_t *last_call = calloc((size_t)n_people + 1, sizeof(int64_t));
    int queue_id = 0;
    for (int c = 1; c <= n_contacts; c++) {
        /* skewed callers: squaring a uniform draw favours low ids, who call repeatedly */
        double u = unit();
        int caller = unit() < 0.05 ? 0 : 1 + (int)(u * u * (n_people - 1));
        int64_t at = T0 + (int64_t)(unit() * (YEAR_S - 86400));
        int is_incident = unit() < 0.8;
        const struct geo_lsoa *l = geo_lsoa_get((size_t)(pow(unit(), 2) * (double)n_lsoa));
        if (is_incident) {
            int closed = unit() < 0.7;
            sqlite3_bind_int(inc, 1, c);
            sqlite3_bind_text(inc, 2, cats[next() % 3], -1, SQLITE_STATIC);
            sqlite3_bind_text(inc, 3, types[next() % 8], -1, SQLITE_STATIC);
            char key[32];
            snprintf(key, sizeof(key), "%d street %d", (int)(next() % 400), (int)(next() % 50));
            sqlite3_bind_text(inc, 4, key, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(inc, 5, l->code, -1, SQLITE_STATIC);
            sqlite3_bind_double(inc, 6, l->centroid_lat);
            sqlite3_bind_double(inc, 7, l->centroid_lon);
            sqlite3_bind_text(inc, 8, closed ? "closed" : "open", -1, SQLITE_STATIC);
            sqlite3_bind_text(inc, 9, risks[next() % 5], -1, SQLITE_STATIC);
            sqlite3_bind_int64(inc, 10, at);
            if (closed)
                sqlite3_bind_int64(inc, 11, at + 86400 * 7);
            else
                sqlite3_bind_null(inc, 11);
            step(db, inc);
            sqlite3_clear_bindings(inc);
        }
        sqlite3_bind_int(con, 1, c);
        sqlite3_bind_text(con, 2, channels[next() % 6], -1, SQLITE_STATIC);
        sqlite3_bind_int64(con, 3, at);
        if (caller)
            sqlite3_bind_int(con, 4, caller);
        else
            sqlite3_bind_null(con, 4);
        if (is_incident)
            sqlite3_bind_int(con, 5, c);
        else
            sqlite3_bind_null(con, 5);
        step(db, con);
        sqlite3_clear_bindings(con);
        if (caller) {
            /* the handler saw the repeat label for most (not all) repeat callers: calls are
             * generated out of time order, so this is approximate, as real misses are */
            int was_repeat = last_call[caller] != 0 && unit() < 0.85;
            last_call[caller] = at;
            sqlite3_bind_int(lab, 1, c);
            sqlite3_bind_int(lab, 2, was_repeat);
            sqlite3_bind_int(lab, 3, unit() < 0.04);
            sqlite3_bind_int64(lab, 4, at);
            step(db, lab);
        }
        if (is_incident && unit() < 0.9) {
            sqlite3_bind_int(ra, 1, c);
            sqlite3_bind_int(ra, 2, c);
            sqlite3_bind_int64(ra, 3, at + 120);
            step(db, ra);
        }
        if (is_incident) {
            static const char *const kinds[] = { "visit", "call_back", "victim_update",
                                                 "review" };
            int64_t due = at + 86400 * (1 + (int64_t)(next() % 10));
            double r = unit();
            const char *st = r < 0.75 ? "done" : r < 0.95 ? "open" : "cancelled";
            sqlite3_bind_int(task, 1, c);
            sqlite3_bind_text(task, 2, kinds[next() % 4], -1, SQLITE_STATIC);
            sqlite3_bind_text(task, 3, st, -1, SQLITE_STATIC);
            sqlite3_bind_int64(task, 4, due);
            sqlite3_bind_int64(task, 5, at);
            if (strcmp(st, "open") != 0)
                sqlite3_bind_int64(task, 6, due + (int64_t)((unit() - 0.8) * 4 * 86400));
            else
                sqlite3_bind_null(task, 6);
            step(db, task);
            sqlite3_clear_bindings(task);
            if (unit() < 0.004) {
                static const char *const ts[] = { "open", "threshold_met", "threshold_not_met",
                                                  "closed" };
                const char *s = ts[next() % 4];
                sqlite3_bind_int(trig, 1, c);
                sqlite3_bind_text(trig, 2, s, -1, SQLITE_STATIC);
                sqlite3_bind_int64(trig, 3, at);
                if (strcmp(s, "closed") == 0)
                    sqlite3_bind_text(trig, 4, "action_plan_agreed", -1, SQLITE_STATIC);
                else
                    sqlite3_bind_null(trig, 4);
                step(db, trig);
                sqlite3_clear_bindings(trig);
            }
            if (caller && unit() < 0.15) {
                double r2 = unit();
                const char *status = r2 < 0.5 ? "responded" : r2 < 0.65 ? "declined"
                                   : r2 < 0.8 ? "not_eligible" : "invited";
                sqlite3_bind_int(sq, 1, ++queue_id);
                sqlite3_bind_int(sq, 2, c);
                sqlite3_bind_int(sq, 3, caller);
                sqlite3_bind_int(sq, 4, c);
                sqlite3_bind_text(sq, 5, status, -1, SQLITE_STATIC);
                sqlite3_bind_int64(sq, 6, at + 86400 * 7);
                if (sqlite3_step(sq) != SQLITE_DONE) { /* one survey per incident and person */
                    sqlite3_reset(sq);
                    queue_id--;
                    continue;
                }
                sqlite3_reset(sq);
                if (strcmp(status, "responded") == 0) {
                    sqlite3_bind_int(sr, 1, queue_id);
                    for (int q = 0; q < 5; q++)
                        sqlite3_bind_int(sr, 2 + q, (int)(unit() < 0.05 ? 0 : 1 + next() % 7));
                    static const char *const q6[] = { "yes", "reduced", "no", "dont_know" };
                    static const char *const q7[] = { "yes", "no", "dont_know" };
                    sqlite3_bind_text(sr, 7, q6[next() % 4], -1, SQLITE_STATIC);
                    sqlite3_bind_text(sr, 8, q7[next() % 3], -1, SQLITE_STATIC);
                    sqlite3_bind_int64(sr, 9, at + 86400 * 10);
                    step(db, sr);
                }
            }
        }
    }
    free(last_call);
    sqlite3_stmt *all[] = { person, flag, inc, con, lab, ra, task, trig, sq, sr };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        sqlite3_finalize(all[i]);
    exec(db, "COMMIT; ANALYZE;");
    sqlite3_close(db);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    int n = argc > 1 ? atoi(argv[1]) : 50000;
    char path[512];
    bool is_temp = argc <= 2;
    if (is_temp)
        snprintf(path, sizeof(path), "%s/fc-bench-reports-%d.db",
                 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
    else
        snprintf(path, sizeof(path), "%s", argv[2]);
    struct store *s;
    struct fc_err err;
    int version;
    if (store_open(path, &s, &err) != FC_OK || store_migrate(s, &version, &err) != FC_OK) {
        fprintf(stderr, "bench: %s\n", err.msg);
        return 1;
    }
    double t = now_ms();
    generate(path, n);
    printf("generated %d contacts for 2024 in %.0f ms\n", n, now_ms() - t);
    static const struct {
        const char *name, *period, *by;
    } runs[] = {
        { "first_contact", "month", "none" },    { "first_contact", "quarter", "area" },
        { "first_contact", "month", "channel" }, { "satisfaction", "month", "none" },
        { "satisfaction", "quarter", "area" },   { "satisfaction", "year", "repeat" },
        { "satisfaction", "year", "vulnerable" }, { "satisfaction", "month", "risk" },
        { "satisfaction", "month", "category" },  { "satisfaction", "month", "channel" },
        { "demand", "month", "none" },           { "demand", "month", "category" },
        { "demand", "all", "type" },             { "demand", "all", "hour" },
        { "demand", "all", "dow" },              { "demand", "month", "area" },
        { "hotspots", "all", "none" },           { "repeat_locations", "all", "none" },
        { "tasks", "month", "none" },            { "triggers", "quarter", "none" },
        { "survey_rates", "month", "none" },
    };
    double worst = 0;
    printf("%-17s %-8s %-10s %6s %9s %9s %9s %9s\n", "report", "period", "by", "rows",
           "build_ms", "json_ms", "csv_ms", "xlsx_ms");
    for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
        struct report_request rq;
        if (report_request_parse(runs[i].name, runs[i].period, runs[i].by, "2024-01-01",
                                 "2025-01-01", NULL, &rq, &err) != FC_OK) {
            fprintf(stderr, "bench: %s\n", err.msg);
            return 1;
        }
        struct arena a;
        arena_init(&a, 0);
        struct report_table tab;
        double t0 = now_ms();
        if (report_build(s, &rq, &a, &tab, &err) != FC_OK) {
            fprintf(stderr, "bench: %s: %s\n", runs[i].name, err.msg);
            return 1;
        }
        double t1 = now_ms();
        char *buf;
        size_t len;
        report_render_json(&tab, &buf, &len, &err);
        free(buf);
        double t2 = now_ms();
        FILE *f = open_memstream(&buf, &len);
        report_render_csv(&tab, f, &err);
        fclose(f);
        free(buf);
        double t3 = now_ms();
        report_render_xlsx(&tab, &buf, &len, &err);
        free(buf);
        double t4 = now_ms();
        double total = t4 - t0;
        if (total > worst)
            worst = total;
        printf("%-17s %-8s %-10s %6zu %9.1f %9.1f %9.1f %9.1f\n", runs[i].name, runs[i].period,
               runs[i].by, tab.n_rows, t1 - t0, t2 - t1, t3 - t2, t4 - t3);
        arena_free(&a);
    }
    char *pdf;
    size_t len;
    double t0 = now_ms();
    if (report_pack_pdf(s, "2024-12", 0, T0 + YEAR_S, &pdf, &len, &err) != FC_OK) {
        fprintf(stderr, "bench: pack: %s\n", err.msg);
        return 1;
    }
    double pack_ms = now_ms() - t0;
    free(pdf);
    printf("monthly pack 2024-12: %zu bytes in %.1f ms\n", len, pack_ms);
    printf("slowest report (build + JSON + CSV + XLSX): %.1f ms\n", worst);
    store_close(s);
    if (is_temp) {
        char p2[600];
        unlink(path);
        snprintf(p2, sizeof(p2), "%s-wal", path);
        unlink(p2);
        snprintf(p2, sizeof(p2), "%s-shm", path);
        unlink(p2);
    }
    return worst < 1000.0 && pack_ms < 1000.0 ? 0 : 1;
}
