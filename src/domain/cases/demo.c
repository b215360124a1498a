/* cases/demo.c: live demonstration cases (see demo.h). The people are invented. */
#include "domain/cases/demo.h"

#include <math.h>
#include <string.h>

#include "domain/cases/cases.h"
#include "domain/match/record.h"

#define DAY ((fc_time_t)CASES_DAY_S)

struct demo {
    struct store *s;
    struct match_service *m;
    struct arena *a;
    fc_time_t now;
    struct fc_err *err;
};

static int org_find_or_add(struct demo *d, enum org_kind kind, const char *name, fc_id_t *out)
{
    struct organisation o;
    int rc = store_org_get_by_name(d->s, name, d->a, &o, d->err);
    if (rc == FC_OK) {
        *out = o.id;
        return FC_OK;
    }
    if (rc != FC_ENOTFOUND)
        return rc;
    struct organisation n = { .kind = kind, .name = (char *)name };
    return store_org_insert(d->s, &n, out, d->err);
}

static int user_find_or_add(struct demo *d, fc_id_t org_id, enum org_kind kind,
                            enum user_role role, const char *username, const char *display,
                            const char *team, struct access_viewer *out)
{
    struct user u;
    int rc = store_user_get_by_name(d->s, username, d->a, &u, d->err);
    if (rc == FC_ENOTFOUND) {
        struct user n = { .org_id = org_id, .username = (char *)username,
                          .display_name = (char *)display, .role = role, .team = (char *)team,
                          .created_at = d->now };
        rc = store_user_insert(d->s, &n, &u.id, d->err);
        u.org_id = org_id;
        u.role = role;
    }
    if (rc != FC_OK)
        return rc;
    *out = (struct access_viewer){ .user_id = u.id, .org_id = u.org_id, .org_kind = kind,
                                   .role = u.role };
    return FC_OK;
}

static int person_add(struct demo *d, const char *fore, const char *sur, const char *dob,
                      const char *phone, const char *addr, const char *pc, fc_id_t *out)
{
    struct match_record r = { .forename = fore, .surname = sur, .dob = dob, .phone = phone,
                              .address = addr, .postcode = pc };
    struct person p;
    fc_time_t at = d->now - 120 * DAY;
    int rc = match_record_to_person(&r, "manual", 0, at, d->a, &p, d->err);
    if (rc == FC_OK) {
        p.created_at = at;
        rc = store_person_insert(d->s, &p, out, d->err);
    }
    if (rc == FC_OK && d->m != NULL)
        rc = match_person_add(d->m, *out, &r, at, d->err);
    return rc;
}

static int incident_add(struct demo *d, fc_id_t org_id, const char *type, const char *desc,
                        const char *where, const char *pc, const char *lsoa, fc_id_t victim,
                        fc_id_t suspect, bool is_police_only, int days_ago, fc_id_t *out)
{
    struct incident_person ps[2] = { { .person_id = victim, .role = ROLE_IN_VICTIM },
                                     { .person_id = suspect, .role = ROLE_IN_SUSPECT } };
    struct incident i = { .org_id = org_id, .category = NSIR_PERSONAL,
                          .incident_type = (char *)type, .description = (char *)desc,
                          .location_raw = (char *)where, .location_postcode = (char *)pc,
                          .lsoa_code = (char *)lsoa, .lat = NAN, .lon = NAN,
                          .status = INCIDENT_OPEN, .grade = "scheduled", .risk_level = "medium",
                          .is_police_only = is_police_only,
                          .occurred_at = d->now - days_ago * DAY,
                          .created_at = d->now - days_ago * DAY,
                          .n_persons = suspect ? 2 : 1, .persons = ps };
    return store_incident_insert(d->s, &i, out, d->err);
}

/* True when the organisation already leads a case with this title. */
static int case_exists(struct demo *d, fc_id_t org_id, const char *title, bool *out)
{
    struct case_query q = { .lead_org_id = org_id, .now = d->now, .limit = 500 };
    struct asb_case *cs = NULL;
    size_t n = 0;
    int rc = d->s->ops->case_search(d->s, &q, d->a, &cs, &n, d->err);
    *out = false;
    for (size_t i = 0; rc == FC_OK && i < n; i++)
        *out = *out || strcmp(cs[i].title, title) == 0;
    return rc;
}

struct staff {
    fc_id_t force, charnwood, city, emh;
    struct access_viewer pc, sgt, charnwood_asb, city_asb, city_sup;
};

static int staff_add(struct demo *d, struct staff *st)
{
    int rc = org_find_or_add(d, ORG_FORCE, "Leicestershire Police", &st->force);
    if (rc == FC_OK)
        rc = org_find_or_add(d, ORG_DISTRICT_COUNCIL, "Charnwood Borough Council",
                             &st->charnwood);
    if (rc == FC_OK)
        rc = org_find_or_add(d, ORG_CITY_COUNCIL, "Leicester City Council", &st->city);
    if (rc == FC_OK)
        rc = org_find_or_add(d, ORG_HOUSING_PROVIDER, "EMH Homes", &st->emh);
    if (rc == FC_OK)
        rc = user_find_or_add(d, st->force, ORG_FORCE, ROLE_OFFICER, "pc.demo",
                              "PC Sam Whitfield", "Charnwood NPT", &st->pc);
    if (rc == FC_OK)
        rc = user_find_or_add(d, st->force, ORG_FORCE, ROLE_SUPERVISOR, "sgt.demo",
                              "Sgt Priya Lakhani", "Charnwood NPT", &st->sgt);
    if (rc == FC_OK)
        rc = user_find_or_add(d, st->charnwood, ORG_DISTRICT_COUNCIL, ROLE_PARTNER_OFFICER,
                              "charnwood.asb.demo", "Helen Marsh (ASB officer)", NULL,
                              &st->charnwood_asb);
    if (rc == FC_OK)
        rc = user_find_or_add(d, st->city, ORG_CITY_COUNCIL, ROLE_PARTNER_OFFICER,
                              "city.asb.demo", "Yusuf Adeyemi (ASB officer)", NULL,
                              &st->city_asb);
    if (rc == FC_OK)
        rc = user_find_or_add(d, st->city, ORG_CITY_COUNCIL, ROLE_SUPERVISOR, "city.sup.demo",
                              "Claire Doherty (ASB team leader)", NULL, &st->city_sup);
    return rc;
}

/* A police-led neighbour dispute in Loughborough, co-owned with Charnwood; review overdue. */
static int seed_loughborough(struct demo *d, struct staff *st, size_t *created)
{
    const char *title = "Park Road, Loughborough: neighbour noise and intimidation";
    bool exists;
    int rc = case_exists(d, st->force, title, &exists);
    if (rc != FC_OK || exists)
        return rc;
    fc_time_t t0 = d->now - 40 * DAY;
    fc_id_t victim = 0, perp = 0, inc = 0, id = 0;
    rc = person_add(d, "Margaret", "HOLLIS", "02/03/1948", "01509 263001",
                    "14 Park Road, Loughborough", "LE11 2HA", &victim);
    if (rc == FC_OK)
        rc = person_add(d, "Dean", "CARTER", "11/07/1999", "07700 900456",
                        "16 Park Road, Loughborough", "LE11 2HA", &perp);
    if (rc == FC_OK)
        rc = incident_add(d, st->force, "neighbour_dispute",
                          "Loud music after midnight, banging on the shared wall, threats "
                          "shouted over the fence.",
                          "14 Park Road, Loughborough", "LE11 2HA", "E01025900", victim, perp,
                          false, 45, &inc);
    struct cases_open_input in = { .title = title, .origin = "incident", .origin_id = inc,
                                   .area_code = "E01025900", .area_name = "Loughborough",
                                   .risk_level = "medium",
                                   .sharing_basis = "Crime and Disorder Act 1998 s115",
                                   .sharing_agreement_ref = "LLR Community Safety ISA v3" };
    if (rc == FC_OK)
        rc = cases_open(d->s, &st->pc, &in, t0, &id, d->err);
    if (rc == FC_OK)
        rc = cases_party_add(d->s, &st->pc, id, victim, "victim", 1, t0, d->err);
    if (rc == FC_OK)
        rc = cases_party_add(d->s, &st->pc, id, perp, "perpetrator", 1, t0, d->err);
    if (rc == FC_OK)
        rc = cases_share(d->s, &st->pc, id, st->charnwood, "co_own", 0, t0 + 3600, d->err);
    const char *vul[] = { "elderly living alone", "repeat victim" };
    struct cases_assessment_input as = { .risk_level = "high", .vulnerabilities = vul,
                                         .n_vulnerabilities = 2,
                                         .harm = "Victim afraid to leave home at night" };
    if (rc == FC_OK)
        rc = cases_assess(d->s, &st->pc, id, &as, t0 + 2 * DAY, d->err);
    struct cases_action_input letter = { .intervention = "warning_letter",
                                         .subject_person_id = perp, .subject_age_years = 26 };
    fc_id_t a1, a2;
    if (rc == FC_OK)
        rc = cases_action_add(d->s, &st->charnwood_asb, id, &letter, t0 + 2 * DAY, &a1, d->err);
    if (rc == FC_OK)
        rc = cases_action_set_status(d->s, &st->charnwood_asb, a1, "done",
                                     "Letter hand-delivered", t0 + 5 * DAY, d->err);
    struct cases_action_input abc = { .intervention = "abc", .subject_person_id = perp,
                                      .subject_age_years = 26 };
    if (rc == FC_OK)
        rc = cases_action_add(d->s, &st->pc, id, &abc, t0 + 10 * DAY, &a2, d->err);
    if (rc == FC_OK)
        rc = cases_contact_log(d->s, &st->charnwood_asb, id, victim, "visit",
                               "Visited Mrs Hollis; noise diary sheets left.", false,
                               t0 + 6 * DAY, d->err);
    const char *att[] = { "PC Sam Whitfield (Leicestershire Police)",
                          "Helen Marsh (Charnwood Borough Council)",
                          "Tenancy officer (EMH Homes)" };
    const char *dec[] = { "Offer an Acceptable Behaviour Contract",
                          "Council to install noise monitoring for 2 weeks" };
    struct cases_conference_input conf = { .kind = "jag", .held_at = t0 + 9 * DAY,
                                           .attendees = att, .n_attendees = 3, .decisions = dec,
                                           .n_decisions = 2,
                                           .minutes = "Diary shows 11 incidents in 3 weeks." };
    if (rc == FC_OK)
        rc = cases_conference_record(d->s, &st->pc, id, &conf, t0 + 9 * DAY, d->err);
    if (rc == FC_OK)
        rc = cases_review_escalate_due(d->s, d->now, NULL, d->err);
    if (rc == FC_OK)
        (*created)++;
    return rc;
}

/* A Leicester City Council-led group intimidation case the police contribute to. */
static int seed_highfields(struct demo *d, struct staff *st, size_t *created)
{
    const char *title = "Highfields: group intimidating residents at St Peter's flats";
    bool exists;
    int rc = case_exists(d, st->city, title, &exists);
    if (rc != FC_OK || exists)
        return rc;
    fc_time_t t0 = d->now - 20 * DAY;
    fc_id_t victim = 0, perp = 0, id = 0;
    rc = person_add(d, "Amina", "YUSUF", "14/09/1983", "07700 900777",
                    "Flat 12, St Peter's Court, Leicester", "LE2 0QA", &victim);
    if (rc == FC_OK)
        rc = person_add(d, "Connor", "WALSH", "03/05/2006", NULL,
                        "22 Hobart Street, Leicester", "LE2 0QB", &perp);
    struct cases_open_input in = { .title = title, .origin = "partner_referral",
                                   .area_code = "E01013600", .area_name = "Highfields",
                                   .risk_level = "high",
                                   .sharing_basis = "Crime and Disorder Act 1998 s115",
                                   .sharing_agreement_ref = "Leicester CSP ISA 2025" };
    if (rc == FC_OK)
        rc = cases_open(d->s, &st->city_asb, &in, t0, &id, d->err);
    if (rc == FC_OK)
        rc = cases_party_add(d->s, &st->city_asb, id, victim, "victim", 1, t0, d->err);
    if (rc == FC_OK)
        rc = cases_party_add(d->s, &st->city_asb, id, perp, "perpetrator", 1, t0, d->err);
    if (rc == FC_OK)
        rc = cases_share(d->s, &st->city_asb, id, st->force, "contribute", 0, t0, d->err);
    if (rc == FC_OK)
        rc = cases_share(d->s, &st->city_asb, id, st->emh, "view", 0, t0, d->err);
    struct cases_action_input cpw = { .intervention = "cpw", .subject_person_id = perp,
                                      .subject_age_years = 19 };
    struct cases_action_input cpn = { .intervention = "cpn", .subject_person_id = perp,
                                      .subject_age_years = 19 };
    struct cases_action_input support = { .intervention = "support_referral",
                                          .title = "Refer victim to Victim First",
                                          .subject_age_years = -1 };
    fc_id_t a1, a2, a3;
    if (rc == FC_OK)
        rc = cases_action_add(d->s, &st->pc, id, &cpw, t0 + DAY, &a1, d->err);
    if (rc == FC_OK)
        rc = cases_action_set_status(d->s, &st->pc, a1, "done", "Served in person", t0 + 4 * DAY,
                                     d->err);
    if (rc == FC_OK)
        rc = cases_action_add(d->s, &st->city_asb, id, &cpn, t0 + 12 * DAY, &a2, d->err);
    if (rc == FC_OK)
        rc = cases_action_add(d->s, &st->city_asb, id, &support, t0 + DAY, &a3, d->err);
    if (rc == FC_OK)
        rc = cases_contact_log(d->s, &st->pc, id, victim, "phone",
                               "Update given: warning served, patrols increased.", false,
                               t0 + 5 * DAY, d->err);
    if (rc == FC_OK)
        rc = cases_note_add(d->s, &st->pc, id,
                            "Intelligence links the group to a county lines line; "
                            "not for partners.",
                            true, t0 + 6 * DAY, d->err);
    if (rc == FC_OK)
        (*created)++;
    return rc;
}

/* A Community Trigger review co-ordinated by Charnwood, with statutory deadlines. */
static int seed_trigger(struct demo *d, struct staff *st, size_t *created)
{
    const char *title = "Community Trigger: Elm Close, Shepshed";
    bool exists;
    int rc = case_exists(d, st->charnwood, title, &exists);
    if (rc != FC_OK || exists)
        return rc;
    fc_time_t t0 = d->now - 8 * DAY;
    fc_id_t applicant, id;
    rc = person_add(d, "Graham", "PEARCE", "21/01/1961", "01509 500123",
                    "7 Elm Close, Shepshed", "LE12 9QT", &applicant);
    struct cases_open_input in = { .title = title, .origin = "community_trigger",
                                   .trigger_applied_at = t0 - DAY, .area_code = "E01025950",
                                   .area_name = "Shepshed", .risk_level = "medium",
                                   .sharing_basis = "Anti-social Behaviour, Crime and Policing "
                                                    "Act 2014 schedule 4",
                                   .review_interval_days = 14 };
    if (rc == FC_OK)
        rc = cases_open(d->s, &st->charnwood_asb, &in, t0, &id, d->err);
    if (rc == FC_OK)
        rc = cases_party_add(d->s, &st->charnwood_asb, id, applicant, "victim", 1, t0, d->err);
    if (rc == FC_OK)
        rc = cases_share(d->s, &st->charnwood_asb, id, st->force, "co_own", 0, t0, d->err);
    if (rc == FC_OK)
        rc = cases_trigger_step_done(d->s, &st->charnwood_asb, id, "acknowledge", t0 + DAY,
                                     t0 + DAY, d->err);
    if (rc == FC_OK)
        (*created)++;
    return rc;
}

int cases_demo_seed(struct store *s, struct match_service *m, fc_time_t now,
                    struct cases_demo_counts *out, struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    struct demo d = { .s = s, .m = m, .a = &a, .now = now, .err = err };
    struct staff st;
    size_t created = 0;
    int rc = staff_add(&d, &st);
    if (rc == FC_OK)
        rc = seed_loughborough(&d, &st, &created);
    if (rc == FC_OK)
        rc = seed_highfields(&d, &st, &created);
    if (rc == FC_OK)
        rc = seed_trigger(&d, &st, &created);
    if (rc == FC_OK && out != NULL) {
        out->cases_created = created;
        out->cases_existing = 3 - created;
    }
    arena_free(&a);
    return rc;
}
