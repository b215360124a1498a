/*
 * Contract tests for the report, survey and police.uk store operations, on whichever
 * backend FC_TEST_STORE names. One small world with hand-counted answers: every aggregate
 * must give exactly these rows on SQLite and PostgreSQL (periods cut in UTC, hours and
 * weekdays in the contact's local time, groups in byte order). Rows of the call-handling
 * tables are put through rows_put (the whole-store copy op), the rest through their ops.
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

#include "store/store.h"
#include "store_fixture.h"

#define FIX(state)   ((struct store_fixture *)*(state))
#define STORE(state) (FIX(state)->store)

#define DAY 86400
/* 2024-01-15 12:00:00 UTC */
#define T0 1705320000

struct world {
    fc_id_t o1, o2, user, p1, p2, p3;
    fc_id_t i1, i2, i3;
    fc_id_t c0, c1, c2, c3, c4;
};

static char *num(struct arena *a, int64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%lld", (long long)v);
    return arena_strdup(a, buf);
}

/* Puts one row into `table`: pairs of column name and canonical value, ended by NULL. */
static void put(struct store *s, struct arena *a, const char *table, ...)
{
    struct fc_err err = { 0 };
    struct store_table *ts;
    size_t n;
    assert_int_equal(STORE_CALL(s, table_list, a, &ts, &n, &err), FC_OK);
    const struct store_table *t = NULL;
    for (size_t i = 0; i < n; i++)
        if (strcmp(ts[i].name, table) == 0)
            t = &ts[i];
    assert_non_null(t);
    struct store_table v = *t;
    v.cols = arena_alloc(a, t->n_cols * sizeof(*v.cols));
    const char **vals = arena_alloc(a, t->n_cols * sizeof(*vals));
    v.n_cols = 0;
    va_list ap;
    va_start(ap, table);
    const char *col;
    while ((col = va_arg(ap, const char *)) != NULL) {
        const char *val = va_arg(ap, const char *);
        bool found = false;
        for (size_t i = 0; i < t->n_cols && !found; i++) {
            if (strcmp(t->cols[i].name, col) == 0) {
                v.cols[v.n_cols] = t->cols[i];
                vals[v.n_cols++] = val;
                found = true;
            }
        }
        assert_true(found);
    }
    va_end(ap);
    if (STORE_CALL(s, rows_put, &v, vals, 1, &err) != FC_OK)
        fail_msg("%s: %s", table, err.msg);
}

static fc_id_t contact_at(struct store *s, const struct world *w, fc_id_t org, fc_id_t person,
                          fc_id_t incident, enum contact_channel ch, fc_time_t at, int offset)
{
    struct fc_err err = { 0 };
    struct contact c = { .channel = ch,
                         .received_at = at,
                         .received_offset_min = offset,
                         .handler_user_id = w->user,
                         .org_id = org,
                         .caller_person_id = person,
                         .incident_id = incident };
    fc_id_t id;
    assert_int_equal(store_contact_insert(s, &c, &id, &err), FC_OK);
    return id;
}

static fc_id_t incident_at(struct store *s, fc_id_t org, enum nsir_category cat,
                           const char *lsoa, const char *risk, fc_time_t at)
{
    struct fc_err err = { 0 };
    struct incident i = { .org_id = org,
                          .category = cat,
                          .incident_type = "noise",
                          .lsoa_code = (char *)lsoa,
                          .risk_level = (char *)risk,
                          .lat = NAN,
                          .lon = NAN,
                          .status = INCIDENT_OPEN,
                          .created_at = at };
    fc_id_t id;
    assert_int_equal(store_incident_insert(s, &i, &id, &err), FC_OK);
    return id;
}

static void labels(struct store *s, struct arena *a, fc_id_t contact, int repeat, int vulnerable)
{
    put(s, a, "contact_labels", "contact_id", num(a, contact), "version", "labels/v1",
        "prior_calls_12m", "0", "prior_calls_ever", "0", "is_repeat_victim", num(a, repeat),
        "is_persistent", "0", "is_high_volume", "0", "victim_incidents_12m", "0",
        "location_incidents_12m", "0", "is_repeat_location", "0", "suspect_incidents_max", "0",
        "is_repeat_perpetrator", "0", "flags_in_force", "0", "is_vulnerable", num(a, vulnerable),
        "shown_at", "0", NULL);
}

static void seed(struct store *s, struct arena *a, struct world *w)
{
    struct fc_err err = { 0 };
    struct organisation o = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    assert_int_equal(store_org_insert(s, &o, &w->o1, &err), FC_OK);
    o = (struct organisation){ .kind = ORG_DISTRICT_COUNCIL, .name = "Charnwood" };
    assert_int_equal(store_org_insert(s, &o, &w->o2, &err), FC_OK);
    struct user u = { .org_id = w->o1, .username = "handler1", .role = ROLE_CALL_HANDLER };
    assert_int_equal(store_user_insert(s, &u, &w->user, &err), FC_OK);
    struct person_name nm = { .surname = "Shergill", .prov = { "contact", 0, 0 } };
    struct person p = { .names = &nm, .n_names = 1 };
    assert_int_equal(store_person_insert(s, &p, &w->p1, &err), FC_OK);
    assert_int_equal(store_person_insert(s, &p, &w->p2, &err), FC_OK);
    assert_int_equal(store_person_insert(s, &p, &w->p3, &err), FC_OK);
    assert_int_equal(store_person_set_merged(s, w->p3, w->p2, &err), FC_OK);
    struct flag f = { .person_id = w->p2, .kind = "vulnerable", .agency = "Charnwood",
                      .flagged_at = 1709251200 /* 2024-03-01 */, .match_probability = 1 };
    fc_id_t fid;
    assert_int_equal(store_flag_insert(s, &f, &fid, &err), FC_OK);

    w->i1 = incident_at(s, w->o1, NSIR_PERSONAL, "E01000001", NULL, T0);
    w->i2 = incident_at(s, w->o1, NSIR_NUISANCE, NULL, NULL, T0 + 40 * DAY);
    w->i3 = incident_at(s, w->o1, NSIR_PERSONAL, "E01000001", "high", 1712100600);
    /* c4 2023-12-31 23:00 UTC, no caller, the council's */
    w->c4 = contact_at(s, w, w->o2, 0, 0, CHANNEL_OPEN311, 1704063600, 0);
    w->c1 = contact_at(s, w, w->o1, w->p1, w->i1, CHANNEL_PHONE, T0, 0);
    w->c2 = contact_at(s, w, w->o1, w->p1, w->i2, CHANNEL_ONLINE, T0 + 40 * DAY, 0);
    /* c0 2024-03-15 by P3, since merged into P2 */
    w->c0 = contact_at(s, w, w->o1, w->p3, 0, CHANNEL_PHONE, 1710504000, 0);
    /* c3 2024-04-02 23:30 UTC, 00:30 local (BST) on Wednesday 3 April */
    w->c3 = contact_at(s, w, w->o1, w->p2, w->i3, CHANNEL_PHONE, 1712100600, 60);
    labels(s, a, w->c1, 0, 1); /* over-flagged */
    labels(s, a, w->c2, 1, 0);
    labels(s, a, w->c3, 0, 1);
    put(s, a, "risk_assessment", "incident_id", num(a, w->i1), "contact_id", num(a, w->c1),
        "version", "risk/v1", "stage", "screening", "answers", "{}", "final_level", "standard",
        "assessed_at", num(a, T0), NULL);
}

static void test_incident_and_contact_counts_by_period_and_group(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct world w;
    seed(s, &a, &w);
    struct fc_err err = { 0 };
    struct report_count *r;
    size_t n;
    struct report_filter f = { .period = REPORT_PERIOD_QUARTER, .dim = REPORT_DIM_CATEGORY };
    assert_int_equal(STORE_CALL(s, report_incident_counts, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(r[0].period, "2024-Q1");
    assert_string_equal(r[0].group, "nuisance");
    assert_string_equal(r[1].period, "2024-Q1");
    assert_string_equal(r[1].group, "personal");
    assert_string_equal(r[2].period, "2024-Q2");
    assert_int_equal(r[2].n, 1);
    f = (struct report_filter){ .period = REPORT_PERIOD_MONTH, .dim = REPORT_DIM_LSOA };
    assert_int_equal(STORE_CALL(s, report_incident_counts, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(r[1].period, "2024-02");
    assert_string_equal(r[1].group, ""); /* NULL group comes back as "" */
    f.dim = REPORT_DIM_CHANNEL; /* incidents have no channel */
    assert_int_equal(STORE_CALL(s, report_incident_counts, &f, &a, &r, &n, &err), FC_EINVAL);
    assert_string_equal(err.field, "by");

    f = (struct report_filter){ .period = REPORT_PERIOD_MONTH, .dim = REPORT_DIM_CHANNEL };
    assert_int_equal(STORE_CALL(s, report_contact_counts, &f, &a, &r, &n, &err), FC_OK);
    const char *want[][3] = { { "2023-12", "open311", "1" }, { "2024-01", "phone", "1" },
                              { "2024-02", "online", "1" }, { "2024-03", "phone", "1" },
                              { "2024-04", "phone", "1" } };
    assert_int_equal(n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(r[i].period, want[i][0]);
        assert_string_equal(r[i].group, want[i][1]);
        assert_int_equal(r[i].n, atoi(want[i][2]));
    }
    /* local hour and weekday of the contact in April, window [2024-04-01, 2024-05-01) */
    f = (struct report_filter){ .from = 1711929600, .to = 1714521600,
                                .period = REPORT_PERIOD_YEAR, .dim = REPORT_DIM_HOUR };
    assert_int_equal(STORE_CALL(s, report_contact_counts, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].period, "2024");
    assert_string_equal(r[0].group, "00");
    f.dim = REPORT_DIM_DOW;
    assert_int_equal(STORE_CALL(s, report_contact_counts, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].group, "3");
    f = (struct report_filter){ .period = REPORT_PERIOD_ALL, .dim = REPORT_DIM_REPEAT };
    assert_int_equal(STORE_CALL(s, report_contact_counts, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].group, "no");
    assert_int_equal(r[0].n, 4);
    assert_string_equal(r[1].group, "yes");
    assert_int_equal(r[1].n, 1);
    /* one organisation */
    f = (struct report_filter){ .period = REPORT_PERIOD_ALL, .org_id = w.o2 };
    assert_int_equal(STORE_CALL(s, report_contact_counts, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].period, "");
    assert_int_equal(r[0].n, 1);
    arena_free(&a);
}

static void test_first_contact_follows_merges_flags_and_labels(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct world w;
    seed(s, &a, &w);
    struct fc_err err = { 0 };
    struct report_fc_count *r;
    size_t n;
    struct report_filter f = { .period = REPORT_PERIOD_ALL, .dim = REPORT_DIM_NONE };
    assert_int_equal(STORE_CALL(s, report_first_contact, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].contacts, 5);
    assert_int_equal(r[0].repeat_later, 2);       /* c2 (c1 before), c3 (merged c0 before) */
    assert_int_equal(r[0].repeat_flagged, 1);     /* c2 */
    assert_int_equal(r[0].vulnerable_later, 2);   /* c0, c3: flag in force */
    assert_int_equal(r[0].vulnerable_flagged, 1); /* c3 */
    assert_int_equal(r[0].either_later, 3);
    assert_int_equal(r[0].either_flagged, 2);
    assert_int_equal(r[0].flagged_not_later, 1); /* c1 */
    assert_int_equal(r[0].incidents, 3);
    assert_int_equal(r[0].screened_at_contact, 1);
    f = (struct report_filter){ .period = REPORT_PERIOD_MONTH, .dim = REPORT_DIM_VULNERABLE,
                                .from = 1704067200 /* 2024-01-01 */ };
    assert_int_equal(STORE_CALL(s, report_first_contact, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 4);
    assert_string_equal(r[0].period, "2024-01");
    assert_string_equal(r[0].group, "yes");
    assert_int_equal(r[0].flagged_not_later, 1);
    assert_string_equal(r[3].period, "2024-04");
    assert_int_equal(r[3].repeat_later, 1);
    assert_int_equal(r[3].vulnerable_flagged, 1);
    f.dim = REPORT_DIM_KIND;
    assert_int_equal(STORE_CALL(s, report_first_contact, &f, &a, &r, &n, &err), FC_EINVAL);
    arena_free(&a);
}

static void test_tasks_and_triggers_reports(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct world w;
    seed(s, &a, &w);
    struct fc_err err = { 0 };
    put(s, &a, "team", "id", "north", "name", "North", NULL);
    const char *done = "done", *open = "open";
    struct {
        fc_id_t inc;
        const char *kind, *status;
        fc_time_t due, completed;
    } tasks[] = { { w.i1, "visit", done, T0 + 5 * DAY, T0 + 4 * DAY },
                  { w.i1, "call_back", done, T0 + 5 * DAY, T0 + 6 * DAY },
                  { w.i2, "visit", open, T0 + 17 * DAY, 0 },
                  { w.i3, "visit", open, T0 + 107 * DAY, 0 },
                  { w.i2, "review", "cancelled", T0 + 20 * DAY, T0 + 1 * DAY } };
    for (size_t i = 0; i < 5; i++)
        put(s, &a, "task", "incident_id", num(&a, tasks[i].inc), "kind", tasks[i].kind,
            "team_id", "north", "status", tasks[i].status, "due_at", num(&a, tasks[i].due),
            "created_at", num(&a, T0), "completed_at",
            tasks[i].completed ? num(&a, tasks[i].completed) : NULL, NULL);
    struct report_task_count *t;
    size_t n;
    struct report_filter f = { .period = REPORT_PERIOD_ALL };
    assert_int_equal(STORE_CALL(s, report_tasks, &f, T0 + 46 * DAY, &a, &t, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(t[0].group, "call_back");
    assert_int_equal(t[0].due, 1);
    assert_int_equal(t[0].done_late, 1);
    assert_string_equal(t[1].group, "visit");
    assert_int_equal(t[1].due, 3);
    assert_int_equal(t[1].done_on_time, 1);
    assert_int_equal(t[1].done_late, 0);
    assert_int_equal(t[1].open_overdue, 1);
    assert_int_equal(t[1].open_in_time, 1);

    put(s, &a, "community_trigger", "version", "trigger/v1", "incident_id", num(&a, w.i1),
        "channel", "phone", "status", "threshold_met", "applied_at", num(&a, T0 + 26 * DAY),
        NULL);
    put(s, &a, "community_trigger", "version", "trigger/v1", "incident_id", num(&a, w.i2),
        "channel", "email", "status", "closed", "outcome", "action_plan", "applied_at",
        num(&a, T0 + 36 * DAY), NULL);
    struct report_count *r;
    f.period = REPORT_PERIOD_MONTH;
    assert_int_equal(STORE_CALL(s, report_triggers, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].period, "2024-02");
    assert_string_equal(r[0].group, "closed/action_plan");
    assert_string_equal(r[1].group, "threshold_met/");
    f.org_id = w.o2;
    assert_int_equal(STORE_CALL(s, report_triggers, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

/* Survey queue rows sq1..sq5 (ids 1..5). */
static void seed_surveys(struct store *s, struct arena *a, const struct world *w)
{
    struct {
        fc_id_t inc, person, contact;
        const char *status;
        fc_time_t at;
    } q[] = { { w->i1, w->p1, w->c1, "responded", T0 + 10 * DAY },
              { w->i2, w->p1, w->c2, "invited", T0 + 41 * DAY },
              { w->i3, w->p2, w->c3, "declined", 1712275200 /* 2024-04-05 */ },
              { w->i1, w->p2, 0, "not_eligible", 1712361600 /* 2024-04-06 */ },
              { w->i2, w->p3, 0, "invited", 1712361600 } };
    for (size_t i = 0; i < 5; i++)
        put(s, a, "survey_queue", "id", num(a, (int64_t)i + 1), "incident_id", num(a, q[i].inc),
            "person_id", num(a, q[i].person), "contact_id", q[i].contact ? num(a, q[i].contact) : NULL,
            "reason", "incident_closed", "status", q[i].status, "queued_at", num(a, q[i].at), NULL);
}

static void test_survey_rates_and_satisfaction(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct world w;
    seed(s, &a, &w);
    seed_surveys(s, &a, &w);
    struct fc_err err = { 0 };
    struct survey_answers ans = { .queue_id = 1, .instrument = "survey/v1", .channel = "web",
                                  .q = { 1, 3, 4, 0, 7 }, .q6 = "yes", .q7 = "dont_know",
                                  .responded_at = T0 + 15 * DAY };
    fc_id_t rid;
    assert_int_equal(STORE_CALL(s, survey_response_insert, &ans, &rid, &err), FC_OK);
    ans = (struct survey_answers){ .queue_id = 2, .instrument = "survey/v1", .channel = "phone",
                                   .q = { 2, 2, 2, 2, 2 }, .q6 = "no", .q7 = "yes",
                                   .recorded_by = w.user, .responded_at = T0 + 47 * DAY };
    assert_int_equal(STORE_CALL(s, survey_response_insert, &ans, &rid, &err), FC_OK);

    struct report_sat_count *r;
    size_t n;
    struct report_filter f = { .period = REPORT_PERIOD_ALL };
    assert_int_equal(STORE_CALL(s, report_satisfaction, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 7);
    const int64_t want[7][2] = { { 2, 2 }, { 2, 2 }, { 1, 2 }, { 1, 1 },
                                 { 1, 2 }, { 1, 2 }, { 1, 1 } };
    for (int q = 0; q < 7; q++) {
        assert_int_equal(r[q].question, q + 1);
        assert_int_equal(r[q].x, want[q][0]);
        assert_int_equal(r[q].n, want[q][1]);
    }
    f.dim = REPORT_DIM_REPEAT; /* by what the handler was shown on the surveyed contact */
    assert_int_equal(STORE_CALL(s, report_satisfaction, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 14);
    assert_string_equal(r[0].group, "no");
    assert_int_equal(r[0].x, 1);
    assert_string_equal(r[7].group, "yes");
    assert_int_equal(r[7 + 5].x, 0); /* Q6 "no" */
    assert_int_equal(r[7 + 5].n, 1);

    struct survey_rates *sr;
    f = (struct report_filter){ .period = REPORT_PERIOD_MONTH };
    assert_int_equal(STORE_CALL(s, report_survey_rates, &f, &a, &sr, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(sr[0].period, "2024-01");
    assert_int_equal(sr[0].queued, 1);
    assert_int_equal(sr[0].responded, 1);
    assert_string_equal(sr[1].period, "2024-02");
    assert_int_equal(sr[1].invited, 1);
    assert_string_equal(sr[2].period, "2024-04");
    assert_int_equal(sr[2].queued, 3);
    assert_int_equal(sr[2].invited, 1);
    assert_int_equal(sr[2].declined, 1);
    assert_int_equal(sr[2].not_eligible, 1);
    arena_free(&a);
}

static void test_survey_records_and_merged_history(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct world w;
    seed(s, &a, &w);
    seed_surveys(s, &a, &w);
    struct fc_err err = { 0 };
    struct survey_queue_rec q;
    assert_int_equal(STORE_CALL(s, survey_get, 1, &a, &q, &err), FC_OK);
    assert_int_equal(q.incident_id, w.i1);
    assert_int_equal(q.person_id, w.p1);
    assert_int_equal(q.contact_id, w.c1);
    assert_string_equal(q.reason, "incident_closed");
    assert_string_equal(q.status, "responded");
    assert_int_equal(q.queued_at, T0 + 10 * DAY);
    assert_int_equal(STORE_CALL(s, survey_get, 4, &a, &q, &err), FC_OK);
    assert_int_equal(q.contact_id, 0);
    assert_int_equal(STORE_CALL(s, survey_get, 99, &a, &q, &err), FC_ENOTFOUND);
    assert_int_equal(STORE_CALL(s, survey_set_status, 2, "responded", &err), FC_OK);
    assert_int_equal(STORE_CALL(s, survey_get, 2, &a, &q, &err), FC_OK);
    assert_string_equal(q.status, "responded");
    assert_int_equal(STORE_CALL(s, survey_set_status, 99, "responded", &err), FC_ENOTFOUND);
    int64_t k = -1;
    assert_int_equal(STORE_CALL(s, survey_person_recent, w.p1, T0, 0, &k, &err), FC_OK);
    assert_int_equal(k, 2);
    assert_int_equal(STORE_CALL(s, survey_person_recent, w.p1, T0, 1, &k, &err), FC_OK);
    assert_int_equal(k, 1);
    /* P3 was merged into P2: each one's history includes the other's */
    assert_int_equal(STORE_CALL(s, survey_person_recent, w.p2, T0, 0, &k, &err), FC_OK);
    assert_int_equal(k, 2); /* sq3 declined, sq5 invited (P3); sq4 not_eligible uncounted */
    assert_int_equal(STORE_CALL(s, survey_person_recent, w.p3, T0, 0, &k, &err), FC_OK);
    assert_int_equal(k, 2);
    assert_int_equal(STORE_CALL(s, survey_person_recent, w.p2, 1712361600, 0, &k, &err), FC_OK);
    assert_int_equal(k, 1);
    arena_free(&a);
}

static void test_survey_token_single_use_expiry_and_bad_input(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct world w;
    seed(s, &a, &w);
    seed_surveys(s, &a, &w);
    struct fc_err err = { 0 };
    unsigned char h1[32], h2[32], h3[32];
    memset(h1, 0xa1, sizeof(h1));
    memset(h2, 0x00, sizeof(h2));
    memset(h3, 0x5c, sizeof(h3)); /* a backslash byte, in case escaping goes astray */
    assert_int_equal(STORE_CALL(s, survey_token_insert, h1, 2, T0, T0 + 100, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, survey_token_insert, h2, 3, T0, T0 + 10, &err), FC_OK);
    fc_id_t qid = 0;
    assert_int_equal(STORE_CALL(s, survey_token_peek, h1, T0 + 1, &qid, &err), FC_OK);
    assert_int_equal(qid, 2);
    assert_int_equal(STORE_CALL(s, survey_token_peek, h1, T0 + 1, &qid, &err), FC_OK);
    qid = 0;
    assert_int_equal(STORE_CALL(s, survey_token_use, h1, T0 + 2, &qid, &err), FC_OK);
    assert_int_equal(qid, 2);
    assert_int_equal(STORE_CALL(s, survey_token_use, h1, T0 + 3, &qid, &err), FC_ENOTFOUND);
    assert_string_equal(err.field, "token");
    assert_int_equal(STORE_CALL(s, survey_token_peek, h1, T0 + 3, &qid, &err), FC_ENOTFOUND);
    /* expiry is exclusive */
    assert_int_equal(STORE_CALL(s, survey_token_peek, h2, T0 + 9, &qid, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, survey_token_use, h2, T0 + 10, &qid, &err), FC_ENOTFOUND);
    assert_int_equal(STORE_CALL(s, survey_token_peek, h3, T0, &qid, &err), FC_ENOTFOUND);
    /* bad input writes nothing */
    assert_int_equal(STORE_CALL(s, survey_token_insert, h3, 2, T0, T0, &err), FC_EINVAL);
    assert_string_equal(err.field, "expires_at");
    assert_int_equal(STORE_CALL(s, survey_token_insert, h3, 99, T0, T0 + 5, &err), FC_EINVAL);
    assert_int_equal(STORE_CALL(s, survey_token_insert, h1, 2, T0, T0 + 5, &err), FC_ECONFLICT);
    assert_int_equal(STORE_CALL(s, survey_token_peek, h3, T0, &qid, &err), FC_ENOTFOUND);

    struct survey_answers ans = { .queue_id = 1, .instrument = "survey/v1", .channel = "web",
                                  .q = { 1, 1, 1, 1, 1 }, .q6 = "yes", .q7 = "yes",
                                  .responded_at = T0 };
    fc_id_t rid = 0;
    assert_int_equal(STORE_CALL(s, survey_response_insert, &ans, &rid, &err), FC_OK);
    assert_true(rid > 0);
    assert_int_equal(STORE_CALL(s, survey_response_insert, &ans, &rid, &err), FC_ECONFLICT);
    ans.queue_id = 2;
    ans.q[0] = 9;
    assert_int_equal(STORE_CALL(s, survey_response_insert, &ans, &rid, &err), FC_EINVAL);
    assert_string_equal(err.field, "q1");
    ans.q[0] = 1;
    ans.q6 = "maybe";
    assert_int_equal(STORE_CALL(s, survey_response_insert, &ans, &rid, &err), FC_EINVAL);
    assert_string_equal(err.field, "q6");
    ans.q6 = "yes";
    ans.instrument = "form";
    assert_int_equal(STORE_CALL(s, survey_response_insert, &ans, &rid, &err), FC_EINVAL);
    assert_string_equal(err.field, "instrument");
    struct report_sat_count *r;
    size_t n;
    struct report_filter f = { .period = REPORT_PERIOD_ALL };
    assert_int_equal(STORE_CALL(s, report_satisfaction, &f, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 7);
    assert_int_equal(r[0].n, 1); /* only the one good answer set */
    arena_free(&a);
}

static struct policeuk_record prow(const char *key, const char *month, const char *type,
                                   const char *lsoa)
{
    return (struct policeuk_record){ .natural_key = key,
                                     .crime_id = "",
                                     .month = month,
                                     .reported_by = "Leicestershire Police",
                                     .falls_within = "Leicestershire Police",
                                     .lat = 52.6369,
                                     .lon = -1.1398,
                                     .location = "On or near High Street",
                                     .lsoa_code = lsoa,
                                     .lsoa_name = "Leicester 001A",
                                     .crime_type = type,
                                     .last_outcome = "",
                                     .context = NULL,
                                     .source_file = "2024-01-leicestershire-street.csv",
                                     .imported_at = T0 };
}

static void test_policeuk_upsert_is_idempotent_and_counts(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    enum policeuk_change ch;
    struct policeuk_record r1 = prow("K1", "2024-01", "Anti-social behaviour", "E01000001");
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r1, &ch, &err), FC_OK);
    assert_int_equal(ch, POLICEUK_INSERTED);
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r1, &ch, &err), FC_OK);
    assert_int_equal(ch, POLICEUK_UNCHANGED);
    r1.source_file = "again.csv"; /* another file with the same row changes nothing */
    r1.imported_at = T0 + 5;
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r1, &ch, &err), FC_OK);
    assert_int_equal(ch, POLICEUK_UNCHANGED);
    r1.last_outcome = "Investigation complete; no suspect identified";
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r1, &ch, &err), FC_OK);
    assert_int_equal(ch, POLICEUK_UPDATED);
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r1, &ch, &err), FC_OK);
    assert_int_equal(ch, POLICEUK_UNCHANGED);
    struct policeuk_record r2 = prow("K2", "2024-02", "Burglary", "");
    r2.lat = r2.lon = NAN; /* "No Location" */
    r2.crime_id = "abc123";
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r2, &ch, &err), FC_OK);
    assert_int_equal(ch, POLICEUK_INSERTED);
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r2, &ch, &err), FC_OK);
    assert_int_equal(ch, POLICEUK_UNCHANGED);
    struct policeuk_record r3 = prow("K3", "2024-04", "Anti-social behaviour", "E01000002");
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r3, &ch, &err), FC_OK);

    /* bad rows write nothing */
    struct policeuk_record bad = prow("K4", "24-01", "Burglary", "");
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &bad, &ch, &err), FC_EINVAL);
    assert_string_equal(err.field, "month");
    bad = prow("K5", "2024-01", "Burglary", "");
    bad.lat = 100;
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &bad, &ch, &err), FC_EINVAL);
    assert_string_equal(err.field, "lat");
    bad = prow("K6", "2024-01", NULL, "");
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &bad, &ch, &err), FC_EINVAL);
    assert_string_equal(err.field, "crime_type");

    struct report_count *r;
    size_t n;
    struct report_filter f = { .period = REPORT_PERIOD_ALL };
    assert_int_equal(STORE_CALL(s, policeuk_counts, &f, NULL, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].n, 3);
    f = (struct report_filter){ .period = REPORT_PERIOD_QUARTER, .dim = REPORT_DIM_LSOA };
    assert_int_equal(
        STORE_CALL(s, policeuk_counts, &f, "Anti-social behaviour", &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(r[0].period, "2024-Q1");
    assert_string_equal(r[0].group, "E01000001");
    assert_string_equal(r[1].period, "2024-Q2");
    assert_string_equal(r[1].group, "E01000002");
    /* the window's bounds become months: [2024-02, 2024-04) */
    f = (struct report_filter){ .from = 1706745600, .to = 1711929600,
                                .period = REPORT_PERIOD_YEAR, .dim = REPORT_DIM_LSOA };
    assert_int_equal(STORE_CALL(s, policeuk_counts, &f, NULL, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(r[0].period, "2024");
    assert_string_equal(r[0].group, "");
    f.dim = REPORT_DIM_CHANNEL;
    assert_int_equal(STORE_CALL(s, policeuk_counts, &f, NULL, &a, &r, &n, &err), FC_EINVAL);
    arena_free(&a);
}

static void test_policeuk_bulk_reimport_and_rollback(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    enum policeuk_change ch;
    char key[32], lsoa[16];
    for (int pass = 0; pass < 2; pass++) {
        int inserted = 0, unchanged = 0;
        assert_int_equal(store_txn_begin(s, &err), FC_OK);
        for (int i = 0; i < 300; i++) {
            snprintf(key, sizeof(key), "B%04d", i);
            snprintf(lsoa, sizeof(lsoa), "E0100%04d", i % 7);
            struct policeuk_record r = prow(key, i % 2 ? "2024-01" : "2024-02",
                                            "Anti-social behaviour", lsoa);
            assert_int_equal(STORE_CALL(s, policeuk_upsert, &r, &ch, &err), FC_OK);
            inserted += ch == POLICEUK_INSERTED;
            unchanged += ch == POLICEUK_UNCHANGED;
        }
        assert_int_equal(store_txn_commit(s, &err), FC_OK);
        assert_int_equal(inserted, pass == 0 ? 300 : 0);
        assert_int_equal(unchanged, pass == 0 ? 0 : 300);
    }
    /* a rolled-back import leaves nothing */
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    struct policeuk_record r = prow("R1", "2024-03", "Anti-social behaviour", "E01000001");
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r, &ch, &err), FC_OK);
    r = prow("B0001", "2024-03", "Anti-social behaviour", "E01000001"); /* an update */
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &r, &ch, &err), FC_OK);
    assert_int_equal(ch, POLICEUK_UPDATED);
    store_txn_rollback(s);
    struct report_count *rc;
    size_t n;
    struct report_filter f = { .period = REPORT_PERIOD_MONTH };
    assert_int_equal(STORE_CALL(s, policeuk_counts, &f, NULL, &a, &rc, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_string_equal(rc[0].period, "2024-01");
    assert_int_equal(rc[0].n, 150);
    assert_string_equal(rc[1].period, "2024-02");
    assert_int_equal(rc[1].n, 150);
    arena_free(&a);
}

static void test_policeuk_upsert_many_in_order_all_or_nothing(void **state)
{
    struct store *s = STORE(state);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    enum policeuk_change ch[600];
    size_t failed = 99;
    /* more rows than one pipeline holds, with a key repeated inside the batch */
    static struct policeuk_record recs[600];
    static char keys[600][16];
    for (int i = 0; i < 600; i++) {
        snprintf(keys[i], sizeof(keys[i]), "M%04d", i);
        recs[i] = prow(keys[i], "2024-01", "Anti-social behaviour", "E01000001");
    }
    recs[599] = prow("M0000", "2024-02", "Anti-social behaviour", "E01000001");
    assert_int_equal(STORE_CALL(s, policeuk_upsert_many, recs, 600, ch, &failed, &err), FC_OK);
    assert_int_equal(ch[0], POLICEUK_INSERTED);
    assert_int_equal(ch[598], POLICEUK_INSERTED);
    assert_int_equal(ch[599], POLICEUK_UPDATED); /* M0000 again, a month later */
    assert_int_equal(STORE_CALL(s, policeuk_upsert_many, recs, 600, ch, &failed, &err), FC_OK);
    assert_int_equal(ch[1], POLICEUK_UNCHANGED);
    assert_int_equal(ch[0], POLICEUK_UPDATED); /* back to 2024-01, then 2024-02 again */
    assert_int_equal(ch[599], POLICEUK_UPDATED);

    /* a bad row in the middle: its index comes back and none of the batch stays, while
     * the caller's transaction keeps its earlier work */
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    struct policeuk_record one = prow("KEEP", "2024-03", "Burglary", "");
    assert_int_equal(STORE_CALL(s, policeuk_upsert, &one, &ch[0], &err), FC_OK);
    struct policeuk_record bad[3] = { prow("N1", "2024-03", "Burglary", ""),
                                      prow("N2", "2024-3", "Burglary", ""),
                                      prow("N3", "2024-03", "Burglary", "") };
    assert_int_equal(STORE_CALL(s, policeuk_upsert_many, bad, 3, ch, &failed, &err), FC_EINVAL);
    assert_int_equal(failed, 1);
    assert_string_equal(err.field, "month");
    assert_int_equal(store_txn_commit(s, &err), FC_OK);
    struct report_count *r;
    size_t n;
    struct report_filter f = { .period = REPORT_PERIOD_MONTH };
    assert_int_equal(STORE_CALL(s, policeuk_counts, &f, NULL, &a, &r, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(r[0].period, "2024-01");
    assert_int_equal(r[0].n, 598);
    assert_string_equal(r[1].period, "2024-02");
    assert_int_equal(r[1].n, 1);
    assert_string_equal(r[2].period, "2024-03");
    assert_int_equal(r[2].n, 1); /* KEEP only */
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_incident_and_contact_counts_by_period_and_group,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_first_contact_follows_merges_flags_and_labels,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_tasks_and_triggers_reports, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_survey_rates_and_satisfaction, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_survey_records_and_merged_history, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_survey_token_single_use_expiry_and_bad_input,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_policeuk_upsert_is_idempotent_and_counts,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_policeuk_bulk_reimport_and_rollback, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_policeuk_upsert_many_in_order_all_or_nothing,
                                        fixture_setup, fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
