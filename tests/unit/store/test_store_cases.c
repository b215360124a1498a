/*
 * Contract tests for the store's partnership-case operations (migration 0004): cases and
 * their optimistic updates, shares and their revocation, parties, incidents, locations,
 * actions, reviews, escalations, the timeline, the partner-flag review queue and the
 * closing survey queue; constraint violations naming the column, rollback on error, and
 * concurrent writers on one case's timeline. Only store.h is used, so the same cases run
 * on every backend (store_fixture.h; unit.store.pg.* runs them on PostgreSQL).
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h> /* after the headers it needs */

#include "store/store.h"
#include "store_fixture.h"

#define FIX(state)   ((struct store_fixture *)*(state))
#define STORE(state) (FIX(state)->store)

#define T0  1700000000 /* 2023-11-14T22:13:20Z */
#define DAY 86400

struct world {
    fc_id_t force, council, housing; /* organisations */
    fc_id_t officer, partner, boss;  /* users: force officer, council officer, supervisor */
    fc_id_t victim, perp;            /* persons */
    fc_id_t incident, incident2;
};

static fc_id_t add_org(struct store *s, enum org_kind kind, const char *name)
{
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    struct organisation o = { .kind = kind, .name = (char *)name };
    assert_int_equal(store_org_insert(s, &o, &id, &err), FC_OK);
    return id;
}

static fc_id_t add_user(struct store *s, fc_id_t org, const char *name, enum user_role role)
{
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    struct user u = { .org_id = org, .username = (char *)name, .role = role };
    assert_int_equal(store_user_insert(s, &u, &id, &err), FC_OK);
    return id;
}

static fc_id_t add_person(struct store *s, const char *surname)
{
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    struct person_name nm = { .surname = (char *)surname, .prov = { "contact", 0, 0 } };
    struct person p = { .names = &nm, .n_names = 1 };
    assert_int_equal(store_person_insert(s, &p, &id, &err), FC_OK);
    return id;
}

static fc_id_t add_incident(struct store *s, fc_id_t org, fc_time_t at)
{
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    struct incident i = { .org_id = org,
                          .category = NSIR_NUISANCE,
                          .incident_type = "noise",
                          .status = INCIDENT_OPEN,
                          .lat = NAN,
                          .lon = NAN,
                          .created_at = at };
    assert_int_equal(store_incident_insert(s, &i, &id, &err), FC_OK);
    return id;
}

static void seed(struct store *s, struct world *w)
{
    w->force = add_org(s, ORG_FORCE, "Leicestershire Police");
    w->council = add_org(s, ORG_CITY_COUNCIL, "Leicester City Council");
    w->housing = add_org(s, ORG_HOUSING_PROVIDER, "EMH Homes");
    w->officer = add_user(s, w->force, "pc.patel", ROLE_OFFICER);
    w->partner = add_user(s, w->council, "asb.officer", ROLE_PARTNER_OFFICER);
    w->boss = add_user(s, w->force, "sgt.khan", ROLE_SUPERVISOR);
    w->victim = add_person(s, "Shergill");
    w->perp = add_person(s, "Mistry");
    w->incident = add_incident(s, w->force, T0 - 2 * DAY);
    w->incident2 = add_incident(s, w->force, T0 - DAY);
}

static struct asb_case sample_case(const struct world *w, fc_time_t opened)
{
    return (struct asb_case){ .title = "Noise from 14 Belgrave Gate",
                              .lead_org_id = w->force,
                              .lead_user_id = w->officer,
                              .status = "open",
                              .origin = "incident",
                              .origin_id = w->incident,
                              .risk_level = "medium",
                              .area_code = "E01025631",
                              .area_name = "Belgrave",
                              .sharing_basis = "Crime and Disorder Act 1998 s115",
                              .review_interval_days = 28,
                              .next_review_due = opened + 28 * DAY,
                              .opened_at = opened,
                              .opened_by = w->officer };
}

static fc_id_t add_case(struct store *s, const struct asb_case *c)
{
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    assert_int_equal(STORE_CALL(s, case_insert, c, &id, &err), FC_OK);
    assert_true(id > 0);
    return id;
}

static size_t count_cases(struct store *s, fc_id_t lead_org)
{
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case *cs = NULL;
    size_t n = 99;
    struct case_query q = { .lead_org_id = lead_org, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    arena_free(&a);
    return n;
}

static size_t count_entries(struct store *s, fc_id_t case_id)
{
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct case_entry *es = NULL;
    size_t n = 99;
    assert_int_equal(STORE_CALL(s, case_entry_list, case_id, NULL, &a, &es, &n, &err), FC_OK);
    arena_free(&a);
    return n;
}

static struct case_entry sample_entry(const struct world *w, fc_id_t case_id, fc_time_t at,
                                      const char *kind, const char *summary)
{
    return (struct case_entry){ .case_id = case_id,
                                .at = at,
                                .actor_user_id = w->officer,
                                .actor_org_id = w->force,
                                .kind = (char *)kind,
                                .summary = (char *)summary };
}

/* ---- cases -------------------------------------------------------------------------- */

static void test_case_insert_numbers_ref_and_round_trips(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    c.sharing_agreement_ref = "LLR-ISA-2021";
    c.trigger_applied_at = T0 - 3600;
    fc_id_t id = add_case(s, &c);
    struct asb_case got;
    assert_int_equal(STORE_CALL(s, case_get, id, &a, &got, &err), FC_OK);
    char want[40];
    snprintf(want, sizeof(want), "CASE-2023-%06lld", (long long)id);
    assert_string_equal(got.ref, want);
    assert_int_equal(got.id, id);
    assert_string_equal(got.title, "Noise from 14 Belgrave Gate");
    assert_int_equal(got.lead_org_id, w.force);
    assert_int_equal(got.lead_user_id, w.officer);
    assert_string_equal(got.status, "open");
    assert_string_equal(got.origin, "incident");
    assert_int_equal(got.origin_id, w.incident);
    assert_string_equal(got.risk_level, "medium");
    assert_string_equal(got.area_code, "E01025631");
    assert_string_equal(got.area_name, "Belgrave");
    assert_string_equal(got.sharing_basis, "Crime and Disorder Act 1998 s115");
    assert_string_equal(got.sharing_agreement_ref, "LLR-ISA-2021");
    assert_int_equal(got.review_interval_days, 28);
    assert_int_equal(got.next_review_due, T0 + 28 * DAY);
    assert_int_equal(got.trigger_applied_at, T0 - 3600);
    assert_int_equal(got.opened_at, T0);
    assert_int_equal(got.opened_by, w.officer);
    assert_int_equal(got.closed_at, 0);
    assert_null(got.closure_outcome);
    assert_null(got.closure_reason);
    assert_int_equal(got.version, 1);

    /* the year is the year the case was opened (UTC); a given ref is kept */
    struct asb_case c2 = sample_case(&w, 1735689600); /* 2025-01-01T00:00:00Z */
    c2.origin = "manual";
    c2.origin_id = 0;
    c2.area_code = NULL;
    c2.area_name = NULL;
    fc_id_t id2 = add_case(s, &c2);
    assert_int_equal(STORE_CALL(s, case_get, id2, &a, &got, &err), FC_OK);
    snprintf(want, sizeof(want), "CASE-2025-%06lld", (long long)id2);
    assert_string_equal(got.ref, want);
    assert_int_equal(got.origin_id, 0);
    assert_null(got.area_code);
    assert_null(got.sharing_agreement_ref);
    assert_int_equal(got.trigger_applied_at, 0);
    c2.ref = "IMPORTED-7";
    fc_id_t id3 = add_case(s, &c2);
    assert_int_equal(STORE_CALL(s, case_get, id3, &a, &got, &err), FC_OK);
    assert_string_equal(got.ref, "IMPORTED-7");
    /* a ref is unique */
    assert_int_equal(STORE_CALL(s, case_insert, &c2, &id, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "ref");
    assert_int_equal(count_cases(s, w.force), 3);
    assert_int_equal(STORE_CALL(s, case_get, 9999, &a, &got, &err), FC_ENOTFOUND);
    arena_free(&a);
}

static void test_case_constraints_name_the_column_and_write_nothing(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct fc_err err = { 0 };
    fc_id_t id = 0;
    static const struct {
        const char *field;
        int what;
    } bad[] = { { "status", 0 },        { "title", 1 },      { "review_interval_days", 2 },
                { "closed_at", 3 },     { "risk_level", 4 }, { "origin", 5 },
                { "sharing_basis", 6 }, { "title", 7 },      { "ref", 8 } };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct asb_case c = sample_case(&w, T0);
        switch (bad[i].what) {
        case 0:
            c.status = "pending";
            break;
        case 1:
            c.title = "";
            break;
        case 2:
            c.review_interval_days = 0;
            break;
        case 3:
            c.status = "closed";
            break; /* closed without closed_at */
        case 4:
            c.risk_level = "severe";
            break;
        case 5:
            c.origin = "rumour";
            break;
        case 6:
            c.sharing_basis = "";
            break;
        case 7:
            c.title = NULL;
            break; /* not null */
        case 8:
            c.ref = "CASE-WITH-A-REFERENCE-FAR-TOO-LONG-TO-KEEP";
            break;
        }
        assert_int_equal(STORE_CALL(s, case_insert, &c, &id, &err), FC_EINVAL);
        assert_string_equal(err.field, bad[i].field);
    }
    /* references to rows that do not exist */
    struct asb_case c = sample_case(&w, T0);
    c.lead_user_id = 4040;
    assert_int_equal(STORE_CALL(s, case_insert, &c, &id, &err), FC_EINVAL);
    c = sample_case(&w, T0);
    c.lead_org_id = 5050;
    assert_int_equal(STORE_CALL(s, case_insert, &c, &id, &err), FC_EINVAL);
    assert_int_equal(count_cases(s, 0), 0);
}

static void test_case_update_is_optimistic(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t id = add_case(s, &c);
    struct asb_case got, stale;
    assert_int_equal(STORE_CALL(s, case_get, id, &a, &got, &err), FC_OK);
    stale = got;
    got.title = "Noise and threats, Belgrave Gate";
    got.risk_level = "high";
    got.lead_user_id = w.boss;
    got.sharing_agreement_ref = "LLR-ISA-2024";
    got.review_interval_days = 14;
    got.next_review_due = T0 + 14 * DAY;
    assert_int_equal(STORE_CALL(s, case_update, &got, &err), FC_OK);
    /* the copy read before that update is stale now */
    stale.title = "Lost update";
    assert_int_equal(STORE_CALL(s, case_update, &stale, &err), FC_ECONFLICT);
    assert_int_equal(STORE_CALL(s, case_get, id, &a, &got, &err), FC_OK);
    assert_int_equal(got.version, 2);
    assert_string_equal(got.title, "Noise and threats, Belgrave Gate");
    assert_string_equal(got.risk_level, "high");
    assert_int_equal(got.lead_user_id, w.boss);
    assert_string_equal(got.sharing_agreement_ref, "LLR-ISA-2024");
    assert_int_equal(got.review_interval_days, 14);
    assert_int_equal(got.next_review_due, T0 + 14 * DAY);
    /* closing: status and closed_at go together, or nothing changes */
    got.status = "closed";
    assert_int_equal(STORE_CALL(s, case_update, &got, &err), FC_EINVAL);
    assert_string_equal(err.field, "closed_at");
    got.closed_at = T0 + 40 * DAY;
    got.closure_outcome = "resolved";
    got.closure_reason = "Perpetrator moved out; no reports for 8 weeks";
    got.next_review_due = 0;
    assert_int_equal(STORE_CALL(s, case_update, &got, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, case_get, id, &a, &got, &err), FC_OK);
    assert_int_equal(got.version, 3);
    assert_string_equal(got.status, "closed");
    assert_int_equal(got.closed_at, T0 + 40 * DAY);
    assert_string_equal(got.closure_outcome, "resolved");
    assert_int_equal(got.next_review_due, 0);
    /* an unknown case is a conflict too: there is no row with that version */
    got.id = 9999;
    assert_int_equal(STORE_CALL(s, case_update, &got, &err), FC_ECONFLICT);
    arena_free(&a);
}

static void test_case_search_filters_and_visibility(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    /* police cases A (old, review overdue), B (closed), C (other area); council case D */
    struct asb_case c = sample_case(&w, T0 - 60 * DAY);
    fc_id_t ca = add_case(s, &c);
    c = sample_case(&w, T0 - 50 * DAY);
    c.status = "closed";
    c.closed_at = T0 - 10 * DAY;
    c.next_review_due = 0;
    fc_id_t cb = add_case(s, &c);
    c = sample_case(&w, T0 - 40 * DAY);
    c.area_code = "E01025700";
    c.origin = "community_trigger";
    c.lead_user_id = w.boss;
    fc_id_t cc = add_case(s, &c);
    c = sample_case(&w, T0 - 30 * DAY);
    c.lead_org_id = w.council;
    c.lead_user_id = w.partner;
    c.opened_by = w.partner;
    c.origin = "partner_referral";
    fc_id_t cd = add_case(s, &c);

    struct asb_case *cs = NULL;
    size_t n = 0;
    struct case_query q = { .now = T0 };
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(cs[0].id, cd); /* newest first */
    assert_int_equal(cs[3].id, ca);
    q = (struct case_query){ .lead_org_id = w.force, .status = "open", .now = T0 };
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cs[0].id, cc);
    assert_int_equal(cs[1].id, ca);
    q = (struct case_query){ .lead_user_id = w.boss, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cs[0].id, cc);
    q = (struct case_query){ .area_code = "E01025631", .origin = "incident", .now = T0 };
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cs[0].id, cb);
    /* reviews due before now: open cases only (A due T0-32d, C due T0-12d, D due T0-2d) */
    q = (struct case_query){ .review_due_before = T0 - 5 * DAY, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cs[0].id, cc);
    assert_int_equal(cs[1].id, ca);
    /* limit and offset */
    q = (struct case_query){ .limit = 2, .offset = 1, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cs[0].id, cc);
    assert_int_equal(cs[1].id, cb);

    /* visibility: the lead organisation, or a share in force at `now` */
    fc_id_t sh;
    struct case_share share = { .case_id = ca,
                                .org_id = w.council,
                                .level = "contribute",
                                .granted_by = w.officer,
                                .granted_at = T0 - 20 * DAY };
    assert_int_equal(STORE_CALL(s, case_share_insert, &share, &sh, &err), FC_OK);
    share.case_id = cc;
    share.expires_at = T0 - DAY; /* expired */
    assert_int_equal(STORE_CALL(s, case_share_insert, &share, &sh, &err), FC_OK);
    q = (struct case_query){ .visible_to_org_id = w.council, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(cs[0].id, cd);
    assert_int_equal(cs[1].id, ca);
    q.now = T0 - 2 * DAY; /* before the expiry, the second share was in force */
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    q = (struct case_query){ .visible_to_org_id = w.housing, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

/* ---- shares ------------------------------------------------------------------------- */

static void test_case_share_revoke_and_regrant(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t id = add_case(s, &c);
    struct case_share sh = { .case_id = id,
                             .org_id = w.council,
                             .level = "view",
                             .granted_by = w.officer,
                             .granted_at = T0 + 10 };
    fc_id_t s1, s2, s3, other;
    assert_int_equal(STORE_CALL(s, case_share_insert, &sh, &s1, &err), FC_OK);
    /* one live share per organisation and case */
    sh.level = "co_own";
    assert_int_equal(STORE_CALL(s, case_share_insert, &sh, &other, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "case_id");
    sh.level = "admin";
    assert_int_equal(STORE_CALL(s, case_share_insert, &sh, &other, &err), FC_EINVAL);
    assert_string_equal(err.field, "level");
    sh.level = "view";
    sh.org_id = 777;
    assert_int_equal(STORE_CALL(s, case_share_insert, &sh, &other, &err), FC_EINVAL);
    sh.org_id = w.housing;
    sh.expires_at = T0 + 90 * DAY;
    assert_int_equal(STORE_CALL(s, case_share_insert, &sh, &s2, &err), FC_OK);

    struct case_query q = { .visible_to_org_id = w.council, .now = T0 + 20 };
    struct asb_case *cs;
    size_t n;
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    /* revoked: no longer visible; revoking twice finds nothing to revoke */
    assert_int_equal(STORE_CALL(s, case_share_revoke, s1, w.boss, T0 + 30, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, case_share_revoke, s1, w.boss, T0 + 40, &err), FC_ENOTFOUND);
    assert_int_equal(STORE_CALL(s, case_share_revoke, 9999, w.boss, T0 + 40, &err), FC_ENOTFOUND);
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    /* a changed level is a new row; the revoked one stays */
    sh.org_id = w.council;
    sh.level = "co_own";
    sh.expires_at = 0;
    sh.granted_at = T0 + 50;
    assert_int_equal(STORE_CALL(s, case_share_insert, &sh, &s3, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, case_search, &q, &a, &cs, &n, &err), FC_OK);
    assert_int_equal(n, 1);

    struct case_share *list;
    assert_int_equal(STORE_CALL(s, case_share_list, id, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(list[0].id, s1);
    assert_int_equal(list[0].case_id, id);
    assert_int_equal(list[0].org_id, w.council);
    assert_string_equal(list[0].level, "view");
    assert_int_equal(list[0].granted_by, w.officer);
    assert_int_equal(list[0].granted_at, T0 + 10);
    assert_int_equal(list[0].expires_at, 0);
    assert_int_equal(list[0].revoked_at, T0 + 30);
    assert_int_equal(list[0].revoked_by, w.boss);
    assert_int_equal(list[1].id, s2);
    assert_int_equal(list[1].expires_at, T0 + 90 * DAY);
    assert_int_equal(list[1].revoked_at, 0);
    assert_int_equal(list[1].revoked_by, 0);
    assert_int_equal(list[2].id, s3);
    assert_string_equal(list[2].level, "co_own");
    assert_int_equal(STORE_CALL(s, case_share_list, 9999, &a, &list, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

/* ---- parties, incidents, locations -------------------------------------------------- */

static void test_case_parties_incidents_and_involvement(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t k1 = add_case(s, &c);
    fc_id_t k2 = add_case(s, &c);
    struct case_party p = { .case_id = k1,
                            .person_id = w.victim,
                            .role = "victim",
                            .match_probability = 1,
                            .added_by = w.officer,
                            .added_at = T0 + 1 };
    fc_id_t p1, p2, p3, x;
    assert_int_equal(STORE_CALL(s, case_party_insert, &p, &p1, &err), FC_OK);
    p.person_id = w.perp;
    p.role = "perpetrator";
    p.match_probability = 0.875;
    assert_int_equal(STORE_CALL(s, case_party_insert, &p, &p2, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, case_party_insert, &p, &x, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "case_id");
    p.role = "witness"; /* the same person in another role is another party */
    assert_int_equal(STORE_CALL(s, case_party_insert, &p, &p3, &err), FC_OK);
    p.role = "bystander";
    assert_int_equal(STORE_CALL(s, case_party_insert, &p, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "role");
    p.role = "other";
    p.match_probability = 1.5;
    assert_int_equal(STORE_CALL(s, case_party_insert, &p, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "match_probability");
    p.match_probability = 1;
    p.person_id = 4242;
    assert_int_equal(STORE_CALL(s, case_party_insert, &p, &x, &err), FC_EINVAL);
    p.person_id = w.victim;
    p.case_id = 4242;
    assert_int_equal(STORE_CALL(s, case_party_insert, &p, &x, &err), FC_EINVAL);

    struct case_party *ps;
    size_t n;
    assert_int_equal(STORE_CALL(s, case_party_list, k1, &a, &ps, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_int_equal(ps[0].id, p1);
    assert_int_equal(ps[0].case_id, k1);
    assert_int_equal(ps[0].person_id, w.victim);
    assert_string_equal(ps[0].role, "victim");
    assert_true(ps[0].match_probability == 1.0);
    assert_int_equal(ps[0].added_by, w.officer);
    assert_int_equal(ps[0].added_at, T0 + 1);
    assert_int_equal(ps[1].id, p2);
    assert_true(ps[1].match_probability == 0.875);
    assert_int_equal(ps[2].id, p3);
    assert_string_equal(ps[2].role, "witness");

    /* incidents: linked once, listed in the order linked */
    assert_int_equal(STORE_CALL(s, case_incident_link, k1, w.incident2, w.officer, T0 + 5, &err),
                     FC_OK);
    assert_int_equal(STORE_CALL(s, case_incident_link, k1, w.incident, w.officer, T0 + 9, &err),
                     FC_OK);
    assert_int_equal(STORE_CALL(s, case_incident_link, k1, w.incident, w.boss, T0 + 12, &err),
                     FC_ECONFLICT);
    assert_int_equal(STORE_CALL(s, case_incident_link, k1, 5151, w.officer, T0 + 12, &err),
                     FC_EINVAL);
    assert_int_equal(STORE_CALL(s, case_incident_link, k2, w.incident, w.officer, T0 + 20, &err),
                     FC_OK);
    fc_id_t *ids;
    assert_int_equal(STORE_CALL(s, case_incident_list, k1, &a, &ids, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], w.incident2);
    assert_int_equal(ids[1], w.incident);

    /* cases involving a person or an incident, each case once, in id order */
    assert_int_equal(STORE_CALL(s, case_ids_involving, w.perp, 0, &a, &ids, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ids[0], k1);
    assert_int_equal(STORE_CALL(s, case_ids_involving, 0, w.incident, &a, &ids, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ids[0], k1);
    assert_int_equal(ids[1], k2);
    assert_int_equal(STORE_CALL(s, case_ids_involving, w.victim, w.incident, &a, &ids, &n, &err),
                     FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(STORE_CALL(s, case_ids_involving, 8888, 0, &a, &ids, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

static void test_case_locations_round_trip_and_check(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t k = add_case(s, &c);
    struct case_location l = { .case_id = k,
                               .raw = "14 Belgrave Gate, Leicester",
                               .postcode = "LE1 3GQ",
                               .uprn = "2465112388",
                               .lat = 52.6409,
                               .lon = -1.1311,
                               .added_by = w.officer,
                               .added_at = T0 + 3 };
    fc_id_t l1, l2, x;
    assert_int_equal(STORE_CALL(s, case_location_insert, &l, &l1, &err), FC_OK);
    struct case_location l0 = { .case_id = k,
                                .raw = "Alley behind the parade",
                                .lat = NAN,
                                .lon = NAN,
                                .added_by = w.partner,
                                .added_at = T0 + 4 };
    assert_int_equal(STORE_CALL(s, case_location_insert, &l0, &l2, &err), FC_OK);
    static const struct {
        const char *field;
        int what;
    } bad[] = { { "uprn", 0 }, { "uprn", 1 }, { "lat", 2 }, { "lon", 3 }, { "raw", 4 } };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct case_location b = l;
        switch (bad[i].what) {
        case 0:
            b.uprn = "24651A2388";
            break;
        case 1:
            b.uprn = "1234567890123";
            break;
        case 2:
            b.lat = 91;
            break;
        case 3:
            b.lon = -181;
            break;
        case 4:
            b.raw = "";
            break;
        }
        assert_int_equal(STORE_CALL(s, case_location_insert, &b, &x, &err), FC_EINVAL);
        assert_string_equal(err.field, bad[i].field);
    }
    struct case_location *ls;
    size_t n;
    assert_int_equal(STORE_CALL(s, case_location_list, k, &a, &ls, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(ls[0].id, l1);
    assert_int_equal(ls[0].case_id, k);
    assert_string_equal(ls[0].raw, "14 Belgrave Gate, Leicester");
    assert_string_equal(ls[0].postcode, "LE1 3GQ");
    assert_string_equal(ls[0].uprn, "2465112388");
    assert_true(fabs(ls[0].lat - 52.6409) < 1e-9);
    assert_true(fabs(ls[0].lon + 1.1311) < 1e-9);
    assert_int_equal(ls[0].added_by, w.officer);
    assert_int_equal(ls[0].added_at, T0 + 3);
    assert_int_equal(ls[1].id, l2);
    assert_null(ls[1].postcode);
    assert_null(ls[1].uprn);
    assert_true(isnan(ls[1].lat) && isnan(ls[1].lon));
    assert_int_equal(ls[1].added_by, w.partner);
    arena_free(&a);
}

/* ---- actions ------------------------------------------------------------------------ */

static void test_case_actions_update_and_search(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t k1 = add_case(s, &c);
    c.lead_org_id = w.council;
    c.lead_user_id = w.partner;
    fc_id_t k2 = add_case(s, &c);
    struct case_action ac = { .case_id = k1,
                              .intervention = "warning_letter",
                              .title = "Send warning letter to 16 Belgrave Gate",
                              .owner_user_id = w.officer,
                              .owner_org_id = w.force,
                              .subject_person_id = w.perp,
                              .due_at = T0 + 7 * DAY,
                              .status = "planned",
                              .created_by = w.officer,
                              .created_at = T0 };
    fc_id_t a1, a2, a3, x;
    assert_int_equal(STORE_CALL(s, case_action_insert, &ac, &a1, &err), FC_OK);
    ac.intervention = "mediation";
    ac.title = "Refer both households to mediation";
    ac.owner_user_id = 0;
    ac.subject_person_id = 0;
    ac.due_at = T0 + 3 * DAY;
    assert_int_equal(STORE_CALL(s, case_action_insert, &ac, &a2, &err), FC_OK);
    ac.case_id = k2;
    ac.intervention = "cpw";
    ac.owner_user_id = w.partner;
    ac.owner_org_id = w.council;
    ac.due_at = T0 + DAY;
    assert_int_equal(STORE_CALL(s, case_action_insert, &ac, &a3, &err), FC_OK);

    struct case_action b = ac;
    b.intervention = "tazer";
    assert_int_equal(STORE_CALL(s, case_action_insert, &b, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "intervention");
    b = ac;
    b.status = "done"; /* done needs completed_at */
    assert_int_equal(STORE_CALL(s, case_action_insert, &b, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "completed_at");
    b = ac;
    b.title = "";
    assert_int_equal(STORE_CALL(s, case_action_insert, &b, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "title");
    b = ac;
    b.owner_org_id = 0;
    assert_int_equal(STORE_CALL(s, case_action_insert, &b, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "owner_org_id");

    struct case_action got;
    assert_int_equal(STORE_CALL(s, case_action_get, a1, &a, &got, &err), FC_OK);
    assert_int_equal(got.case_id, k1);
    assert_string_equal(got.intervention, "warning_letter");
    assert_string_equal(got.title, "Send warning letter to 16 Belgrave Gate");
    assert_int_equal(got.owner_user_id, w.officer);
    assert_int_equal(got.owner_org_id, w.force);
    assert_int_equal(got.subject_person_id, w.perp);
    assert_int_equal(got.due_at, T0 + 7 * DAY);
    assert_string_equal(got.status, "planned");
    assert_null(got.outcome);
    assert_int_equal(got.created_by, w.officer);
    assert_int_equal(got.created_at, T0);
    assert_int_equal(got.updated_at, T0);
    assert_int_equal(got.completed_at, 0);
    assert_int_equal(STORE_CALL(s, case_action_get, 9999, &a, &got, &err), FC_ENOTFOUND);

    got.status = "done";
    got.outcome = "Letter delivered by hand";
    got.updated_at = T0 + 2 * DAY;
    got.completed_at = T0 + 2 * DAY;
    assert_int_equal(STORE_CALL(s, case_action_update, &got, &err), FC_OK);
    got.status = "in_progress"; /* open again but completed_at kept: refused */
    assert_int_equal(STORE_CALL(s, case_action_update, &got, &err), FC_EINVAL);
    assert_string_equal(err.field, "completed_at");
    assert_int_equal(STORE_CALL(s, case_action_get, a1, &a, &got, &err), FC_OK);
    assert_string_equal(got.status, "done");
    assert_string_equal(got.outcome, "Letter delivered by hand");
    assert_int_equal(got.updated_at, T0 + 2 * DAY);
    assert_int_equal(got.completed_at, T0 + 2 * DAY);
    got.id = 9999;
    assert_int_equal(STORE_CALL(s, case_action_update, &got, &err), FC_ENOTFOUND);

    struct case_action *xs;
    size_t n;
    struct case_action_query q = { .case_id = k1, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_action_search, &q, &a, &xs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(xs[0].id, a2); /* by due time */
    assert_int_equal(xs[1].id, a1);
    q = (struct case_action_query){ .owner_user_id = w.partner, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_action_search, &q, &a, &xs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(xs[0].id, a3);
    /* overdue: open actions on open cases due before the time */
    q = (struct case_action_query){ .overdue_at = T0 + 10 * DAY, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_action_search, &q, &a, &xs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(xs[0].id, a3);
    assert_int_equal(xs[1].id, a2);
    /* visible to the force: its own case; to the council after a share, both */
    q = (struct case_action_query){ .visible_to_org_id = w.force, .now = T0 };
    assert_int_equal(STORE_CALL(s, case_action_search, &q, &a, &xs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    q.visible_to_org_id = w.council;
    assert_int_equal(STORE_CALL(s, case_action_search, &q, &a, &xs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    struct case_share sh = { .case_id = k1,
                             .org_id = w.council,
                             .level = "contribute",
                             .granted_by = w.officer,
                             .granted_at = T0 };
    fc_id_t sid;
    assert_int_equal(STORE_CALL(s, case_share_insert, &sh, &sid, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, case_action_search, &q, &a, &xs, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    q.limit = 1;
    q.offset = 2;
    assert_int_equal(STORE_CALL(s, case_action_search, &q, &a, &xs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(xs[0].id, a1);
    arena_free(&a);
}

/* ---- reviews and escalations -------------------------------------------------------- */

static void test_case_reviews_and_escalations(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t k = add_case(s, &c);
    fc_time_t last = 99;
    assert_int_equal(STORE_CALL(s, case_escalation_last, k, &last, &err), FC_OK);
    assert_int_equal(last, 0);
    struct case_escalation e = {
        .case_id = k, .due_at = T0 + 28 * DAY, .escalated_to = w.boss, .escalated_at = T0 + 30 * DAY
    };
    assert_int_equal(STORE_CALL(s, case_escalation_insert, &e, &err), FC_OK);
    e.escalated_at = T0 + 31 * DAY; /* the same missed review again */
    assert_int_equal(STORE_CALL(s, case_escalation_insert, &e, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "case_id");
    e.due_at = T0 + 56 * DAY;
    e.escalated_to = 0; /* no supervisor found */
    e.escalated_at = T0 + 58 * DAY;
    assert_int_equal(STORE_CALL(s, case_escalation_insert, &e, &err), FC_OK);
    e.case_id = 9999;
    assert_int_equal(STORE_CALL(s, case_escalation_insert, &e, &err), FC_EINVAL);
    assert_int_equal(STORE_CALL(s, case_escalation_last, k, &last, &err), FC_OK);
    assert_int_equal(last, T0 + 56 * DAY);

    struct case_review r = { .case_id = k,
                             .due_at = T0 + 28 * DAY,
                             .held_at = T0 + 59 * DAY,
                             .held_by = w.officer,
                             .summary = "Noise reduced; keep the CPW in place",
                             .next_due_at = T0 + 87 * DAY };
    fc_id_t r1, r2, x;
    assert_int_equal(STORE_CALL(s, case_review_insert, &r, &r1, &err), FC_OK);
    r.due_at = 0; /* an unscheduled review, held earlier */
    r.held_at = T0 + 10 * DAY;
    r.next_due_at = 0;
    r.summary = "Early review after a new report";
    assert_int_equal(STORE_CALL(s, case_review_insert, &r, &r2, &err), FC_OK);
    r.summary = "";
    assert_int_equal(STORE_CALL(s, case_review_insert, &r, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "summary");
    r.summary = "Reviewed";
    r.held_by = 0;
    assert_int_equal(STORE_CALL(s, case_review_insert, &r, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "held_by");
    struct case_review *rs;
    size_t n;
    assert_int_equal(STORE_CALL(s, case_review_list, k, &a, &rs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rs[0].id, r2); /* by the time held */
    assert_int_equal(rs[0].due_at, 0);
    assert_int_equal(rs[0].next_due_at, 0);
    assert_int_equal(rs[1].id, r1);
    assert_int_equal(rs[1].case_id, k);
    assert_int_equal(rs[1].due_at, T0 + 28 * DAY);
    assert_int_equal(rs[1].held_at, T0 + 59 * DAY);
    assert_int_equal(rs[1].held_by, w.officer);
    assert_string_equal(rs[1].summary, "Noise reduced; keep the CPW in place");
    assert_int_equal(rs[1].next_due_at, T0 + 87 * DAY);
    arena_free(&a);
}

/* ---- timeline ----------------------------------------------------------------------- */

static void test_case_timeline_appends_in_order(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t k = add_case(s, &c);
    fc_id_t e1, e2, e3, x;
    struct case_entry e = sample_entry(&w, k, T0, "opened", "Case opened");
    e.body = "{\"origin\":\"incident\",\"origin_id\":1}";
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, &e1, &err), FC_OK);
    e = sample_entry(&w, k, T0 + 60, "note", "Officer visited; neighbours spoken to");
    e.is_police_only = true;
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, &e2, &err), FC_OK);
    /* an entry dated earlier sorts earlier; actors may be absent (scheduled jobs) */
    e = sample_entry(&w, k, T0 - 60, "assessment", "Risk assessed: medium");
    e.actor_user_id = 0;
    e.actor_org_id = 0;
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, &e3, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, NULL, &err), FC_OK); /* id not wanted */

    static const struct {
        const char *field;
        int what;
    } bad[] = { { "kind", 0 }, { "summary", 1 }, { "body", 2 }, { "summary", 3 } };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct case_entry b = sample_entry(&w, k, T0, "note", "x");
        switch (bad[i].what) {
        case 0:
            b.kind = "gossip";
            break;
        case 1:
            b.summary = "";
            break;
        case 2:
            b.body = "{not json";
            break;
        case 3:
            b.summary = NULL;
            break;
        }
        assert_int_equal(STORE_CALL(s, case_entry_append, &b, &x, &err), FC_EINVAL);
        assert_string_equal(err.field, bad[i].field);
    }
    struct case_entry b = sample_entry(&w, 9999, T0, "note", "Nowhere");
    assert_int_equal(STORE_CALL(s, case_entry_append, &b, &x, &err), FC_EINVAL);

    struct case_entry *es;
    size_t n;
    assert_int_equal(STORE_CALL(s, case_entry_list, k, NULL, &a, &es, &n, &err), FC_OK);
    assert_int_equal(n, 4);
    assert_int_equal(es[0].id, e3);
    assert_int_equal(es[0].actor_user_id, 0);
    assert_int_equal(es[0].actor_org_id, 0);
    assert_null(es[0].body);
    assert_int_equal(es[2].id, e1);
    assert_int_equal(es[2].case_id, k);
    assert_int_equal(es[2].at, T0);
    assert_int_equal(es[2].actor_user_id, w.officer);
    assert_int_equal(es[2].actor_org_id, w.force);
    assert_string_equal(es[2].kind, "opened");
    assert_string_equal(es[2].summary, "Case opened");
    assert_string_equal(es[2].body, "{\"origin\":\"incident\",\"origin_id\":1}");
    assert_false(es[2].is_police_only);
    assert_int_equal(es[3].id, e2);
    assert_true(es[3].is_police_only);
    assert_int_equal(STORE_CALL(s, case_entry_list, k, "note", &a, &es, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(es[0].id, e2);
    assert_int_equal(STORE_CALL(s, case_entry_list, k, "closed", &a, &es, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    arena_free(&a);
}

/* ---- partner flag review queue ------------------------------------------------------ */

static void test_flag_review_queue_and_decision(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct flag_review r = { .org_id = w.council,
                             .submitted_by = w.partner,
                             .external_ref = "LCC-VUL-0042",
                             .agency = "Leicester City Council Adult Social Care",
                             .kind = "vulnerable",
                             .reason = "Lives alone; memory problems",
                             .flagged_at = T0 - DAY,
                             .review_date = "2024-05-14",
                             .sharing_basis = "Care Act 2014 s45",
                             .raw_details = "{\"surname\":\"Shergill\",\"dob\":\"1950\"}",
                             .candidates = "[{\"person_id\":1,\"p\":0.71}]",
                             .best_person_id = w.victim,
                             .best_probability = 0.71,
                             .created_at = T0 };
    fc_id_t f1, f2, x;
    assert_int_equal(STORE_CALL(s, flag_review_insert, &r, &f1, &err), FC_OK);
    assert_int_equal(STORE_CALL(s, flag_review_insert, &r, &x, &err), FC_ECONFLICT);
    assert_string_equal(err.field, "org_id");
    struct flag_review b = r;
    b.external_ref = "LCC-VUL-0043";
    b.raw_details = "{broken";
    assert_int_equal(STORE_CALL(s, flag_review_insert, &b, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "raw_details");
    b.raw_details = r.raw_details;
    b.candidates = "[1,";
    assert_int_equal(STORE_CALL(s, flag_review_insert, &b, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "candidates");
    b.candidates = NULL;
    b.agency = "";
    assert_int_equal(STORE_CALL(s, flag_review_insert, &b, &x, &err), FC_EINVAL);
    assert_string_equal(err.field, "agency");
    /* another organisation may use the same reference; no reference, no candidates */
    r.org_id = w.housing;
    r.submitted_by = 0;
    r.candidates = NULL;
    r.best_person_id = 0;
    r.best_probability = 0;
    r.created_at = T0 + 5;
    assert_int_equal(STORE_CALL(s, flag_review_insert, &r, &f2, &err), FC_OK);

    struct flag_review got;
    assert_int_equal(STORE_CALL(s, flag_review_get, f1, &a, &got, &err), FC_OK);
    assert_int_equal(got.id, f1);
    assert_int_equal(got.org_id, w.council);
    assert_int_equal(got.submitted_by, w.partner);
    assert_string_equal(got.external_ref, "LCC-VUL-0042");
    assert_string_equal(got.agency, "Leicester City Council Adult Social Care");
    assert_string_equal(got.kind, "vulnerable");
    assert_string_equal(got.reason, "Lives alone; memory problems");
    assert_int_equal(got.flagged_at, T0 - DAY);
    assert_string_equal(got.review_date, "2024-05-14");
    assert_string_equal(got.sharing_basis, "Care Act 2014 s45");
    assert_string_equal(got.raw_details, "{\"surname\":\"Shergill\",\"dob\":\"1950\"}");
    assert_string_equal(got.candidates, "[{\"person_id\":1,\"p\":0.71}]");
    assert_int_equal(got.best_person_id, w.victim);
    assert_true(fabs(got.best_probability - 0.71) < 1e-12);
    assert_string_equal(got.status, "pending");
    assert_int_equal(got.decided_by, 0);
    assert_int_equal(got.decided_at, 0);
    assert_int_equal(got.person_id, 0);
    assert_int_equal(got.flag_id, 0);
    assert_int_equal(got.created_at, T0);
    assert_int_equal(STORE_CALL(s, flag_review_get, f2, &a, &got, &err), FC_OK);
    assert_int_equal(got.submitted_by, 0);
    assert_null(got.candidates);
    assert_int_equal(got.best_person_id, 0);
    assert_true(got.best_probability == 0.0);
    assert_int_equal(STORE_CALL(s, flag_review_get, 9999, &a, &got, &err), FC_ENOTFOUND);

    struct flag_review *rs;
    size_t n;
    assert_int_equal(STORE_CALL(s, flag_review_list, 0, NULL, &a, &rs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(rs[0].id, f1); /* oldest first */
    assert_int_equal(STORE_CALL(s, flag_review_list, w.housing, "pending", &a, &rs, &n, &err),
                     FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rs[0].id, f2);

    /* deciding: once only; a bad status is refused and leaves it pending */
    struct flag fl = { .person_id = w.victim,
                       .kind = "vulnerable",
                       .agency = "Leicester City Council Adult Social Care",
                       .org_id = w.council,
                       .flagged_at = T0 - DAY,
                       .match_probability = 0.71 };
    fc_id_t flag_id;
    assert_int_equal(store_flag_insert(s, &fl, &flag_id, &err), FC_OK);
    assert_int_equal(
        STORE_CALL(s, flag_review_decide, f1, "maybe", w.boss, T0 + 60, w.victim, flag_id, &err),
        FC_EINVAL);
    assert_string_equal(err.field, "status");
    assert_int_equal(STORE_CALL(s, flag_review_decide, f1, "confirmed", w.boss, T0 + 60, w.victim,
                                flag_id, &err),
                     FC_OK);
    assert_int_equal(STORE_CALL(s, flag_review_decide, f1, "rejected", w.boss, T0 + 70, 0, 0, &err),
                     FC_ECONFLICT);
    assert_int_equal(STORE_CALL(s, flag_review_decide, f2, "rejected", w.boss, T0 + 80, 0, 0, &err),
                     FC_OK);
    assert_int_equal(STORE_CALL(s, flag_review_get, f1, &a, &got, &err), FC_OK);
    assert_string_equal(got.status, "confirmed");
    assert_int_equal(got.decided_by, w.boss);
    assert_int_equal(got.decided_at, T0 + 60);
    assert_int_equal(got.person_id, w.victim);
    assert_int_equal(got.flag_id, flag_id);
    assert_int_equal(STORE_CALL(s, flag_review_list, 0, "pending", &a, &rs, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(STORE_CALL(s, flag_review_list, 0, "rejected", &a, &rs, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_int_equal(rs[0].id, f2);
    assert_int_equal(rs[0].person_id, 0);
    arena_free(&a);
}

/* ---- closing survey queue ----------------------------------------------------------- */

static void test_case_survey_queue_once_per_victim(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t k = add_case(s, &c);
    assert_int_equal(STORE_CALL(s, case_survey_queue, k, w.incident, w.victim, T0 + 5, &err),
                     FC_OK);
    /* queued once: the second call for the same incident and person does nothing */
    assert_int_equal(STORE_CALL(s, case_survey_queue, k, w.incident, w.victim, T0 + 9, &err),
                     FC_OK);
    assert_int_equal(STORE_CALL(s, case_survey_queue, k, w.incident2, w.victim, T0 + 9, &err),
                     FC_OK);
    assert_int_equal(STORE_CALL(s, case_survey_queue, k, 7777, w.victim, T0 + 9, &err), FC_EINVAL);
    assert_int_equal(STORE_CALL(s, case_survey_queue, 7777, w.incident, w.perp, T0 + 9, &err),
                     FC_EINVAL);
    struct survey_queue_rec *qs;
    size_t n;
    assert_int_equal(store_survey_queue_list(s, "queued", &a, &qs, &n, &err), FC_OK);
    assert_int_equal(n, 2);
    assert_int_equal(qs[0].incident_id, w.incident);
    assert_int_equal(qs[0].person_id, w.victim);
    assert_string_equal(qs[0].reason, "case_closed");
    assert_int_equal(qs[0].queued_at, T0 + 5);
    assert_int_equal(qs[1].incident_id, w.incident2);
    arena_free(&a);
}

/* ---- transactions ------------------------------------------------------------------- */

static void test_case_rollback_on_error_writes_nothing(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    /* a case opened with its party and first entry, then a bad entry: all of it goes */
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    struct asb_case c = sample_case(&w, T0);
    fc_id_t k = add_case(s, &c);
    struct case_party p = { .case_id = k,
                            .person_id = w.victim,
                            .role = "victim",
                            .match_probability = 1,
                            .added_by = w.officer,
                            .added_at = T0 };
    fc_id_t pid;
    assert_int_equal(STORE_CALL(s, case_party_insert, &p, &pid, &err), FC_OK);
    struct case_entry e = sample_entry(&w, k, T0, "opened", "Case opened");
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, NULL, &err), FC_OK);
    e.kind = "rumour";
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, NULL, &err), FC_EINVAL);
    store_txn_rollback(s);
    assert_int_equal(count_cases(s, 0), 0);
    fc_id_t *ids;
    size_t n;
    assert_int_equal(STORE_CALL(s, case_ids_involving, w.victim, 0, &a, &ids, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(count_entries(s, k), 0);

    /* an inner transaction that fails is undone alone; the outer work commits */
    k = add_case(s, &c);
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    e = sample_entry(&w, k, T0 + 1, "note", "Outer note");
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, NULL, &err), FC_OK);
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    e = sample_entry(&w, k, T0 + 2, "share", "Shared with the council");
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, NULL, &err), FC_OK);
    struct case_share sh = { .case_id = k,
                             .org_id = w.council,
                             .level = "everything",
                             .granted_by = w.officer,
                             .granted_at = T0 + 2 };
    fc_id_t sid;
    assert_int_equal(STORE_CALL(s, case_share_insert, &sh, &sid, &err), FC_EINVAL);
    store_txn_rollback(s);
    struct asb_case got;
    assert_int_equal(STORE_CALL(s, case_get, k, &a, &got, &err), FC_OK);
    got.risk_level = "high";
    assert_int_equal(STORE_CALL(s, case_update, &got, &err), FC_OK);
    assert_int_equal(store_txn_commit(s, &err), FC_OK);
    struct case_entry *es;
    assert_int_equal(STORE_CALL(s, case_entry_list, k, NULL, &a, &es, &n, &err), FC_OK);
    assert_int_equal(n, 1);
    assert_string_equal(es[0].summary, "Outer note");
    struct case_share *shs;
    assert_int_equal(STORE_CALL(s, case_share_list, k, &a, &shs, &n, &err), FC_OK);
    assert_int_equal(n, 0);
    assert_int_equal(STORE_CALL(s, case_get, k, &a, &got, &err), FC_OK);
    assert_string_equal(got.risk_level, "high");
    assert_int_equal(got.version, 2);
    arena_free(&a);
}

/* ---- concurrent writers on one timeline --------------------------------------------- */

#define WRITERS     4
#define PER_WRITER  25
#define MAX_RETRIES 200

struct timeline_writer {
    struct store *s;
    const struct world *w;
    fc_id_t case_id;
    int k;
    int failures, retries;
};

static void short_pause(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

/*
 * Each writer appends its numbered entries and, in the same transaction, bumps the case
 * (an optimistic update, retried from a fresh read on conflict or a busy store).
 */
static void *timeline_writer_main(void *arg)
{
    struct timeline_writer *tw = arg;
    struct arena a;
    arena_init(&a, 0);
    for (int i = 0; i < PER_WRITER; i++) {
        char summary[64];
        snprintf(summary, sizeof(summary), "writer %d entry %02d", tw->k, i);
        int rc = FC_EUNAVAIL;
        for (int attempt = 0; attempt < MAX_RETRIES && rc != FC_OK; attempt++) {
            struct fc_err err = { 0 };
            if (attempt > 0) {
                tw->retries++;
                short_pause(1 + attempt % 5);
            }
            rc = store_txn_begin(tw->s, &err);
            if (rc != FC_OK)
                continue;
            struct case_entry e = sample_entry(tw->w, tw->case_id, T0, "note", summary);
            rc = STORE_CALL(tw->s, case_entry_append, &e, NULL, &err);
            struct asb_case c;
            if (rc == FC_OK)
                rc = STORE_CALL(tw->s, case_get, tw->case_id, &a, &c, &err);
            if (rc == FC_OK) {
                c.area_name = summary;
                rc = STORE_CALL(tw->s, case_update, &c, &err);
            }
            if (rc == FC_OK)
                rc = store_txn_commit(tw->s, &err);
            else
                store_txn_rollback(tw->s);
            arena_free(&a);
            if (rc != FC_OK && rc != FC_ECONFLICT && rc != FC_EUNAVAIL)
                break;
        }
        if (rc != FC_OK)
            tw->failures++;
    }
    arena_free(&a);
    return NULL;
}

static void test_concurrent_writers_share_one_timeline(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t k = add_case(s, &c);
    struct timeline_writer tw[WRITERS];
    pthread_t t[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        tw[i] = (struct timeline_writer){ .s = s, .w = &w, .case_id = k, .k = i };
        assert_int_equal(pthread_create(&t[i], NULL, timeline_writer_main, &tw[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(tw[i].failures, 0);
    /* every entry once; each writer's entries in the order it wrote them */
    struct case_entry *es;
    size_t n;
    assert_int_equal(STORE_CALL(s, case_entry_list, k, NULL, &a, &es, &n, &err), FC_OK);
    assert_int_equal(n, WRITERS * PER_WRITER);
    int next[WRITERS] = { 0 };
    for (size_t i = 0; i < n; i++) {
        int wk = -1, seq = -1;
        assert_int_equal(sscanf(es[i].summary, "writer %d entry %d", &wk, &seq), 2);
        assert_true(wk >= 0 && wk < WRITERS);
        assert_int_equal(seq, next[wk]);
        next[wk]++;
    }
    /* every update landed: none lost, none applied twice */
    struct asb_case got;
    assert_int_equal(STORE_CALL(s, case_get, k, &a, &got, &err), FC_OK);
    assert_int_equal(got.version, 1 + WRITERS * PER_WRITER);
    arena_free(&a);
}

struct late_writer {
    struct store *s;
    const struct world *w;
    fc_id_t case_id;
    fc_id_t id;
    int rc;
};

static void *late_writer_main(void *arg)
{
    struct late_writer *lw = arg;
    struct fc_err err = { 0 };
    struct case_entry e = sample_entry(lw->w, lw->case_id, T0, "note", "Written meanwhile");
    lw->rc = STORE_CALL(lw->s, case_entry_append, &e, &lw->id, &err);
    return NULL;
}

/*
 * While one transaction appends to a case and is still open, another writer's append to
 * that case waits for it: the timeline never gains an entry between two the first
 * transaction wrote, and ids follow commit order.
 */
static void test_timeline_append_waits_for_open_writer(void **state)
{
    struct store *s = STORE(state);
    struct world w;
    seed(s, &w);
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err = { 0 };
    struct asb_case c = sample_case(&w, T0);
    fc_id_t k = add_case(s, &c);
    fc_id_t first, second;
    assert_int_equal(store_txn_begin(s, &err), FC_OK);
    struct case_entry e = sample_entry(&w, k, T0, "conference", "Case conference held");
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, &first, &err), FC_OK);
    struct late_writer lw = { .s = s, .w = &w, .case_id = k, .rc = -1 };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, late_writer_main, &lw), 0);
    short_pause(300); /* let the other writer reach its append */
    e = sample_entry(&w, k, T0, "action", "Actions agreed at the conference");
    assert_int_equal(STORE_CALL(s, case_entry_append, &e, &second, &err), FC_OK);
    assert_int_equal(store_txn_commit(s, &err), FC_OK);
    pthread_join(t, NULL);
    assert_int_equal(lw.rc, FC_OK);
    assert_true(first < second);
    assert_true(second < lw.id);
    struct case_entry *es;
    size_t n;
    assert_int_equal(STORE_CALL(s, case_entry_list, k, NULL, &a, &es, &n, &err), FC_OK);
    assert_int_equal(n, 3);
    assert_string_equal(es[0].summary, "Case conference held");
    assert_string_equal(es[1].summary, "Actions agreed at the conference");
    assert_string_equal(es[2].summary, "Written meanwhile");
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_case_insert_numbers_ref_and_round_trips, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_constraints_name_the_column_and_write_nothing,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_update_is_optimistic, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_search_filters_and_visibility, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_share_revoke_and_regrant, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_parties_incidents_and_involvement, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_locations_round_trip_and_check, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_actions_update_and_search, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_reviews_and_escalations, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_timeline_appends_in_order, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_flag_review_queue_and_decision, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_survey_queue_once_per_victim, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_case_rollback_on_error_writes_nothing, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_concurrent_writers_share_one_timeline, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_timeline_append_waits_for_open_writer, fixture_setup,
                                        fixture_teardown),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("store/cases", tests, NULL, NULL);
}
