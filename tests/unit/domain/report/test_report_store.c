/*
 * Unit tests for the reports over a hand-built store: every expected count below is worked
 * out by hand from the fixture rows, so a wrong join or window shows as a wrong number.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "domain/report/pack.h"
#include "domain/report/report.h"
#include "domain/report/stats.h"
#include "unit/store/store_fixture.h"

#define FIX(state) ((struct store_fixture *)*(state))

/* 2024-01-01T00:00:00Z and one day */
#define T0 1704067200LL
#define DAY 86400LL

static void sql(void **state, const char *text)
{
    if (fixture_raw_sql(FIX(state), text) != 0)
        fail_msg("fixture SQL failed: %.120s", text);
}

static void sqlf(void **state, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sqlf(void **state, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    sql(state, buf);
}

static void contact(void **state, int id, const char *person, long long at, const char *incident)
{
    sqlf(state,
         "INSERT INTO contact (id, channel, received_at, org_id, caller_person_id, incident_id,"
         " created_at) VALUES (%d, 'phone', %lld, 1, %s, %s, %lld)",
         id, at, person, incident, at);
}

static void labels(void **state, int contact_id, int is_repeat, int is_vulnerable)
{
    sqlf(state,
         "INSERT INTO contact_labels (contact_id, version, prior_calls_12m, prior_calls_ever,"
         " is_repeat_victim, is_persistent, is_high_volume, victim_incidents_12m,"
         " location_incidents_12m, is_repeat_location, suspect_incidents_max,"
         " is_repeat_perpetrator, flags_in_force, is_vulnerable, shown_at)"
         " VALUES (%d, 'definitions/v1', %d, %d, %d, 0, 0, 0, 0, 0, 0, 0, %d, %d, 0)",
         contact_id, is_repeat, is_repeat, is_repeat, is_vulnerable, is_vulnerable);
}

/*
 * Persons: 1 (A), 2 (B, flag in force from T0, entered after the calls), 3 (C) and 4
 * (merged into 3), 5 (E). Contacts, with what the handler was shown:
 *   101 A  T0          -                 not repeat (first call)
 *   102 A  T0+10d      shown repeat      repeat, identified
 *   103 A  T0+400d     -                 not repeat (previous call 390 days before)
 *   201 B  T0+1d       -                 vulnerable, missed
 *   202 B  T0+2d       repeat+vulnerable repeat and vulnerable, identified
 *   401 C' T0+5d       -                 first call of C (recorded under the duplicate)
 *   301 C  T0+6d       -                 repeat once the duplicate was merged: missed
 *   901 anonymous      T0+3d             counted as a contact only
 *   501 E  T0+7d       shown repeat      not borne out (no earlier call)
 * Incidents: 102 and 201 have one each; 102's was risk-screened in the call.
 */
static void first_contact_fixture(void **state)
{
    sql(state, "INSERT INTO organisation (id, kind, name, created_at) VALUES (1, 'force', "
               "'Leicestershire Police', 0)");
    sql(state, "INSERT INTO person (id, created_at) VALUES (1, 0), (2, 0), (3, 0), (5, 0)");
    sql(state, "INSERT INTO person (id, created_at, merged_into) VALUES (4, 0, 3)");
    sqlf(state,
         "INSERT INTO incident (id, org_id, category, incident_type, lsoa_code, status,"
         " created_at) VALUES (1, 1, 'personal', 'noise', 'E01013600', 'open', %lld),"
         " (2, 1, 'nuisance', 'vehicles', 'E01025927', 'open', %lld)",
         T0 + 10 * DAY, T0 + DAY);
    contact(state, 101, "1", T0, "NULL");
    contact(state, 102, "1", T0 + 10 * DAY, "1");
    contact(state, 103, "1", T0 + 400 * DAY, "NULL");
    contact(state, 201, "2", T0 + DAY, "2");
    contact(state, 202, "2", T0 + 2 * DAY, "NULL");
    contact(state, 401, "4", T0 + 5 * DAY, "NULL");
    contact(state, 301, "3", T0 + 6 * DAY, "NULL");
    contact(state, 901, "NULL", T0 + 3 * DAY, "NULL");
    contact(state, 501, "5", T0 + 7 * DAY, "NULL");
    labels(state, 102, 1, 0);
    labels(state, 201, 0, 0);
    labels(state, 202, 1, 1);
    labels(state, 301, 0, 0);
    labels(state, 501, 1, 0);
    sqlf(state,
         "INSERT INTO flag (person_id, kind, agency, flagged_at) VALUES (2, 'vulnerable',"
         " 'Adult Social Care', %lld)",
         T0);
    sqlf(state,
         "INSERT INTO risk_assessment (incident_id, person_id, contact_id, version, stage,"
         " answers, final_level, assessed_at) VALUES (1, 1, 102, 'risk/v1', 'screening', '{}',"
         " 'standard', %lld)",
         T0 + 10 * DAY);
}

static const struct report_cell *cell(const struct report_table *t, size_t r, const char *key)
{
    const struct report_cell *c = report_table_cell(t, r, key);
    assert_non_null(c);
    return c;
}

static void test_first_contact_counts_match_hand_worked_fixture(void **state)
{
    first_contact_fixture(state);
    struct report_request rq;
    struct fc_err err;
    assert_int_equal(report_request_parse("first_contact", "all", NULL, NULL, NULL, NULL, &rq,
                                          &err),
                     FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct report_table t;
    if (report_build(FIX(state)->store, &rq, &a, &t, &err) != FC_OK)
        fail_msg("report: %s", err.msg);
    assert_int_equal(t.n_rows, 1);
    assert_int_equal(cell(&t, 0, "contacts")->i, 9);
    assert_int_equal(cell(&t, 0, "repeat")->i, 3);               /* 102, 202, 301 */
    assert_int_equal(cell(&t, 0, "repeat_identified")->i, 2);    /* 102, 202 */
    assert_int_equal(cell(&t, 0, "vulnerable")->i, 2);           /* 201, 202 */
    assert_int_equal(cell(&t, 0, "vulnerable_identified")->i, 1); /* 202 */
    assert_int_equal(cell(&t, 0, "repeat_or_vulnerable")->i, 4); /* 102, 201, 202, 301 */
    assert_int_equal(cell(&t, 0, "identified")->i, 2);
    assert_int_equal(cell(&t, 0, "missed")->i, 2);
    assert_int_equal(cell(&t, 0, "flagged_not_borne_out")->i, 1); /* 501 */
    assert_int_equal(cell(&t, 0, "incidents")->i, 2);
    assert_int_equal(cell(&t, 0, "screened")->i, 1);
    /* n = 4 < 50: the share is suppressed, never shown without enough answers */
    assert_true(cell(&t, 0, "identified_share")->is_null);
    assert_string_equal(cell(&t, 0, "suppressed")->s, "n < 50");
    arena_free(&a);
}

static void test_first_contact_by_month_and_area(void **state)
{
    first_contact_fixture(state);
    struct report_request rq;
    struct fc_err err;
    assert_int_equal(report_request_parse("first_contact", "month", "area", "2024-01-01",
                                          "2024-02-01", NULL, &rq, &err),
                     FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct report_table t;
    assert_int_equal(report_build(FIX(state)->store, &rq, &a, &t, &err), FC_OK);
    /* January only (103 is in February 2025): Leicester (102), North West Leicestershire
     * (201), and contacts without an incident */
    int64_t contacts = 0;
    bool seen_leicester = false, seen_nwl = false;
    for (size_t r = 0; r < t.n_rows; r++) {
        assert_string_equal(cell(&t, r, "period")->s, "2024-01");
        contacts += cell(&t, r, "contacts")->i;
        const char *g = cell(&t, r, "group")->s;
        if (strcmp(g, "Leicester") == 0) {
            seen_leicester = true;
            assert_int_equal(cell(&t, r, "repeat_identified")->i, 1);
        } else if (strcmp(g, "North West Leicestershire") == 0) {
            seen_nwl = true;
            assert_int_equal(cell(&t, r, "vulnerable")->i, 1);
            assert_int_equal(cell(&t, r, "vulnerable_identified")->i, 0);
        }
    }
    assert_int_equal(contacts, 8);
    assert_true(seen_leicester && seen_nwl);
    arena_free(&a);
}

/* 65 answers in March 2024: Q5 1,1,2,2,3 x9 (45 satisfied), 4..7 (20), of which 5 are
 * "don't know" (0) instead: so x = 45, n = 60. */
static void satisfaction_fixture(void **state)
{
    sql(state, "INSERT INTO organisation (id, kind, name, created_at) VALUES (1, 'force', "
               "'Leicestershire Police', 0)");
    sql(state, "INSERT INTO person (id, created_at) VALUES (1, 0)");
    sqlf(state,
         "INSERT INTO incident (id, org_id, category, incident_type, status, created_at,"
         " closed_at) VALUES (1, 1, 'personal', 'noise', 'closed', %lld, %lld)",
         T0, T0 + DAY);
    for (int i = 0; i < 65; i++) {
        int q5 = i < 45 ? 1 + i % 3 : i < 60 ? 4 + i % 4 : 0;
        sqlf(state,
             "INSERT INTO survey_queue (id, incident_id, reason, status, queued_at) VALUES"
             " (%d, 1, 'closed', 'responded', %lld)",
             i + 1, T0 + 60 * DAY);
        sqlf(state,
             "INSERT INTO survey_response (queue_id, instrument, channel, q1, q2, q3, q4, q5,"
             " q6, q7, responded_at) VALUES (%d, 'survey/v1', 'phone', 1, 1, 1, 1, %d, '%s',"
             " 'yes', %lld)",
             i + 1, q5, i % 2 ? "yes" : "no", T0 + 70 * DAY);
    }
}

static void test_satisfaction_share_interval_and_benchmark(void **state)
{
    satisfaction_fixture(state);
    struct report_request rq;
    struct fc_err err;
    assert_int_equal(report_request_parse("satisfaction", "month", NULL, NULL, NULL, NULL, &rq,
                                          &err),
                     FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct report_table t;
    assert_int_equal(report_build(FIX(state)->store, &rq, &a, &t, &err), FC_OK);
    assert_int_equal(t.n_rows, 7);
    const size_t q5 = 4;
    assert_int_equal(cell(&t, q5, "question")->i, 5);
    assert_string_equal(cell(&t, q5, "period")->s, "2024-03");
    assert_int_equal(cell(&t, q5, "satisfied")->i, 45);
    assert_int_equal(cell(&t, q5, "n")->i, 60);
    assert_true(fabs(cell(&t, q5, "share")->d - 0.75) < 1e-12);
    double lo, hi;
    report_wilson(45, 60, REPORT_Z95, &lo, &hi);
    assert_true(fabs(cell(&t, q5, "lower")->d - lo) < 1e-12);
    assert_true(fabs(cell(&t, q5, "upper")->d - hi) < 1e-12);
    /* configured benchmark for Q5: 0.74, inside [0.627, 0.842] */
    assert_true(fabs(cell(&t, q5, "benchmark")->d - 0.74) < 1e-12);
    assert_string_equal(cell(&t, q5, "vs_benchmark")->s, "in line with");
    /* Q6 stopped: 32 of 65 answered yes */
    assert_int_equal(cell(&t, 5, "satisfied")->i, 32);
    assert_int_equal(cell(&t, 5, "n")->i, 65);
    /* an explicit benchmark applies to every question */
    assert_int_equal(report_request_parse("satisfaction", "all", NULL, NULL, NULL, "60%", &rq,
                                          &err),
                     FC_OK);
    assert_int_equal(report_build(FIX(state)->store, &rq, &a, &t, &err), FC_OK);
    assert_string_equal(cell(&t, q5, "vs_benchmark")->s, "higher than");
    assert_string_equal(cell(&t, 0, "vs_benchmark")->s, "higher than"); /* Q1: 65/65 */
    arena_free(&a);
}

static void test_report_outputs_render(void **state)
{
    satisfaction_fixture(state);
    struct report_request rq;
    struct fc_err err;
    assert_int_equal(report_request_parse("satisfaction", "quarter", NULL, NULL, NULL, NULL, &rq,
                                          &err),
                     FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct report_table t;
    assert_int_equal(report_build(FIX(state)->store, &rq, &a, &t, &err), FC_OK);
    char *json;
    size_t len;
    assert_int_equal(report_render_json(&t, &json, &len, &err), FC_OK);
    assert_non_null(strstr(json, "\"period\":\"2024-Q1\""));
    assert_non_null(strstr(json, "\"satisfied\":45,\"n\":60,\"share\":0.75"));
    free(json);
    char *csv = NULL;
    size_t csv_len = 0;
    FILE *f = open_memstream(&csv, &csv_len);
    assert_int_equal(report_render_csv(&t, f, &err), FC_OK);
    fclose(f);
    const char *head = "period,group,question,item,satisfied,n,share,";
    assert_true(strncmp(csv, head, strlen(head)) == 0);
    assert_non_null(strstr(csv, "2024-Q1,all,5,Q5 the whole experience,45,60,0.7500,"));
    free(csv);
    char *xlsx;
    assert_int_equal(report_render_xlsx(&t, &xlsx, &len, &err), FC_OK);
    assert_true(len > 1000);
    assert_memory_equal(xlsx, "PK\x03\x04", 4); /* a zip container */
    free(xlsx);
    arena_free(&a);
}

static void test_request_parse_rejects_bad_parameters(void **state)
{
    (void)state;
    struct report_request rq;
    struct fc_err err;
    assert_int_equal(report_request_parse("nope", NULL, NULL, NULL, NULL, NULL, &rq, &err),
                     FC_ENOTFOUND);
    assert_int_equal(report_request_parse("demand", "week", NULL, NULL, NULL, NULL, &rq, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "period");
    assert_int_equal(report_request_parse("demand", NULL, "colour", NULL, NULL, NULL, &rq, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "by");
    assert_int_equal(report_request_parse("demand", NULL, NULL, "2024-02-30", NULL, NULL, &rq,
                                          &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "from");
    assert_int_equal(report_request_parse("demand", NULL, NULL, "2024-03-01", "2024-02-01", NULL,
                                          &rq, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "to");
    assert_int_equal(report_request_parse("demand", NULL, NULL, NULL, NULL, "140%", &rq, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "benchmark");
    assert_int_equal(report_request_parse("demand", "year", "hour", "2024-01-01", "2025-01-01",
                                          "0.5", &rq, &err),
                     FC_OK);
    assert_int_equal(rq.from, T0);
    assert_true(fabs(rq.benchmark - 0.5) < 1e-12);
}

static void test_demand_by_hour_and_hotspots(void **state)
{
    first_contact_fixture(state);
    struct report_request rq;
    struct fc_err err;
    struct arena a;
    arena_init(&a, 0);
    struct report_table t;
    assert_int_equal(report_request_parse("demand", "all", "dow", NULL, NULL, NULL, &rq, &err),
                     FC_OK);
    assert_int_equal(report_build(FIX(state)->store, &rq, &a, &t, &err), FC_OK);
    /* T0 is a Monday: 101 Mon, 201 Tue, 202 Wed, 901 Thu, 401 Sat, 301 Sun, 501 Mon,
     * 102 Thu (T0+10d), 103 Tue (T0+400d, 2025-02-04) */
    int64_t monday = 0, total = 0;
    for (size_t r = 0; r < t.n_rows; r++) {
        total += cell(&t, r, "count")->i;
        if (strcmp(cell(&t, r, "group")->s, "Monday") == 0)
            monday = cell(&t, r, "count")->i;
    }
    assert_int_equal(total, 9);
    assert_int_equal(monday, 2);
    assert_int_equal(report_request_parse("hotspots", "all", NULL, NULL, NULL, NULL, &rq, &err),
                     FC_OK);
    assert_int_equal(report_build(FIX(state)->store, &rq, &a, &t, &err), FC_OK);
    assert_int_equal(t.n_rows, 2);
    assert_string_equal(cell(&t, 0, "lsoa_code")->s, "E01013600"); /* ties by code */
    assert_string_equal(cell(&t, 0, "lsoa_name")->s, "Leicester 003A");
    assert_int_equal(cell(&t, 0, "count")->i, 1);
    assert_true(fabs(cell(&t, 0, "share")->d - 0.5) < 1e-12);
    arena_free(&a);
}

/* The monthly pack renders, and its text (pdftotext, poppler-utils) carries the figures. */
static void test_monthly_pack_pdf_holds_the_figures(void **state)
{
    satisfaction_fixture(state);
    struct fc_err err;
    char *pdf = NULL;
    size_t len = 0;
    assert_int_equal(report_pack_pdf(FIX(state)->store, "2024-03", 0, T0 + 100 * DAY, &pdf, &len,
                                     &err),
                     FC_OK);
    assert_true(len > 1000);
    assert_memory_equal(pdf, "%PDF-", 5);
    char path[600], cmd[1300];
    snprintf(path, sizeof(path), "%s/pack.pdf", FIX(state)->dir);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(pdf, 1, len, f), len);
    fclose(f);
    free(pdf);
    snprintf(cmd, sizeof(cmd), "pdftotext -layout '%s' -", path);
    FILE *pp = popen(cmd, "r");
    assert_non_null(pp);
    char text[65536];
    size_t n = fread(text, 1, sizeof(text) - 1, pp);
    text[n] = '\0';
    assert_int_equal(pclose(pp), 0);
    assert_non_null(strstr(text, "FirstContact monthly performance pack"));
    assert_non_null(strstr(text, "Month: 2024-03"));
    assert_non_null(strstr(text, "Victim satisfaction"));
    assert_non_null(strstr(text, "Q5 the whole experience"));
    assert_non_null(strstr(text, "75.0%")); /* 45 of 60 */
    assert_non_null(strstr(text, "in line with"));
    /* a month that is not one */
    assert_int_equal(report_pack_pdf(FIX(state)->store, "2024-13", 0, 0, &pdf, &len, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "month");
}

/* Demand by month carries the police.uk ASB baseline of the force area's LSOAs. */
static void test_demand_by_month_has_policeuk_baseline(void **state)
{
    first_contact_fixture(state);
    struct store *s = FIX(state)->store;
    struct fc_err err;
    const struct {
        const char *key, *month, *lsoa, *type;
    } rows[] = {
        { "k1", "2024-01", "E01013600", "Anti-social behaviour" },
        { "k2", "2024-01", "E01025927", "Anti-social behaviour" },
        { "k3", "2024-01", "E01000001", "Anti-social behaviour" }, /* outside the force area */
        { "k4", "2024-01", "E01013600", "Burglary" },              /* not ASB */
    };
    for (size_t i = 0; i < 4; i++) {
        struct policeuk_record r = { .natural_key = rows[i].key, .month = rows[i].month,
                                     .reported_by = "Leicestershire Police", .lat = NAN,
                                     .lon = NAN, .lsoa_code = rows[i].lsoa,
                                     .crime_type = rows[i].type, .source_file = "t.csv" };
        enum policeuk_change ch;
        assert_int_equal(STORE_CALL(s, policeuk_upsert, &r, &ch, &err), FC_OK);
    }
    struct report_request rq;
    assert_int_equal(report_request_parse("demand", "month", NULL, NULL, NULL, NULL, &rq, &err),
                     FC_OK);
    struct arena a;
    arena_init(&a, 0);
    struct report_table t;
    assert_int_equal(report_build(s, &rq, &a, &t, &err), FC_OK);
    assert_int_equal(t.n_rows, 2); /* 2024-01 and 2025-02 */
    assert_string_equal(cell(&t, 0, "period")->s, "2024-01");
    assert_int_equal(cell(&t, 0, "count")->i, 8);
    assert_int_equal(cell(&t, 0, "policeuk_asb")->i, 2);
    assert_true(cell(&t, 1, "policeuk_asb")->is_null); /* no published data for 2025-02 */
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_contact_counts_match_hand_worked_fixture,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_first_contact_by_month_and_area, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_satisfaction_share_interval_and_benchmark,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_report_outputs_render, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test(test_request_parse_rejects_bad_parameters),
        cmocka_unit_test_setup_teardown(test_demand_by_hour_and_hotspots, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_monthly_pack_pdf_holds_the_figures, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_demand_by_month_has_policeuk_baseline,
                                        fixture_setup, fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("report/store", tests, NULL, NULL);
}
