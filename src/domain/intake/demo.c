/* intake/demo.c: demonstration calls (see demo.h). The people are invented. */
#include "domain/intake/demo.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/intake/intake.h"
#include "domain/match/record.h"

#define DAY 86400L

struct demo {
    struct store *s;
    struct match_service *m;
    const struct intake_rules *r;
    struct arena *a;
    fc_time_t now;
    fc_id_t force;
    struct intake_actor handler, officer, sergeant;
    size_t *created;
    struct fc_err *err;
};

static int org_force(struct demo *d)
{
    struct organisation o;
    int rc = store_org_get_by_name(d->s, "Leicestershire Police", d->a, &o, d->err);
    if (rc == FC_OK) {
        d->force = o.id;
        return FC_OK;
    }
    if (rc != FC_ENOTFOUND)
        return rc;
    struct organisation n = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    return store_org_insert(d->s, &n, &d->force, d->err);
}

static int staff(struct demo *d, enum user_role role, const char *username, const char *display,
                 struct intake_actor *out)
{
    struct user u;
    int rc = store_user_get_by_name(d->s, username, d->a, &u, d->err);
    if (rc == FC_ENOTFOUND) {
        struct user n = { .org_id = d->force, .username = (char *)username,
                          .display_name = (char *)display, .role = role,
                          .team = "Leicester City NPT", .created_at = d->now };
        rc = store_user_insert(d->s, &n, &u.id, d->err);
    }
    *out = (struct intake_actor){ .user_id = u.id, .role = role, .now = d->now };
    return rc;
}

static int person_add(struct demo *d, const char *fore, const char *sur, const char *dob,
                      const char *phone, const char *addr, const char *pc, fc_id_t *out)
{
    struct match_record rec = { .forename = fore, .surname = sur, .dob = dob, .phone = phone,
                                .address = addr, .postcode = pc };
    struct person p;
    fc_time_t at = d->now - 200 * DAY;
    int rc = match_record_to_person(&rec, "manual", 0, at, d->a, &p, d->err);
    if (rc == FC_OK) {
        p.created_at = at;
        rc = store_person_insert(d->s, &p, out, d->err);
    }
    if (rc == FC_OK && d->m != NULL)
        rc = match_person_add(d->m, *out, &rec, at, d->err);
    return rc;
}

/* One call about a new incident, `ago` seconds before now; labels are counted as shown. */
static int call(struct demo *d, fc_id_t caller, long ago, enum nsir_category cat,
                const char *type, const char *desc, const char *where, const char *pc,
                fc_id_t *contact_out, fc_id_t *incident_out)
{
    fc_time_t at = d->now - ago;
    struct incident_person ip = { .person_id = caller, .role = ROLE_IN_VICTIM };
    struct incident inc = { .org_id = d->force, .category = cat, .incident_type = (char *)type,
                            .description = (char *)desc, .location_raw = (char *)where,
                            .location_postcode = (char *)pc, .lat = NAN, .lon = NAN,
                            .status = INCIDENT_OPEN, .occurred_at = at - 3600, .created_at = at,
                            .n_persons = 1, .persons = &ip };
    int rc = store_incident_insert(d->s, &inc, incident_out, d->err);
    struct contact c = { .channel = CHANNEL_PHONE, .received_at = at,
                         .handler_user_id = d->handler.user_id, .org_id = d->force,
                         .caller_person_id = caller, .incident_id = *incident_out,
                         .created_at = at };
    if (rc == FC_OK)
        rc = store_contact_insert(d->s, &c, contact_out, d->err);
    struct intake_actor who = d->handler;
    who.now = at;
    struct contact_labels_rec l;
    if (rc == FC_OK)
        rc = intake_contact_labels(d->s, d->r, &who, *contact_out, false, d->a, &l, d->err);
    if (rc == FC_OK)
        (*d->created)++;
    return rc;
}

static int answers(struct demo *d, const char *stage, struct risk_answers *a, const char *csv)
{
    char buf[256];
    memset(a, 0, sizeof(*a));
    snprintf(buf, sizeof(buf), "%s", csv);
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        *eq = '\0';
        int rc = risk_answers_add(&d->r->risk, stage, a, tok, eq + 1, d->err);
        if (rc != FC_OK)
            return rc;
    }
    return FC_OK;
}

static int screen_and_grade(struct demo *d, long ago, fc_id_t cid, fc_id_t iid, const char *csv)
{
    struct intake_actor who = d->handler;
    who.now = d->now - ago + 300;
    struct risk_answers ans;
    struct intake_risk_outcome ro;
    struct intake_grade_outcome go;
    int rc = answers(d, "screening", &ans, csv);
    if (rc == FC_OK)
        rc = intake_screen(d->s, d->r, &who, iid, cid, &ans, &ro, d->err);
    who.now += 120;
    if (rc == FC_OK)
        rc = intake_grade(d->s, d->r, &who, iid, NULL, 0, NULL, NULL, &go, d->err);
    return rc;
}

/* A first-time caller: a low-risk noise complaint, advice given, closed; survey queued. */
static int seed_first_time(struct demo *d)
{
    fc_id_t p, cid, iid;
    int rc = person_add(d, "Margaret", "Ellison", "1958-04-12", "07700 900431",
                        "41 Narborough Road, Leicester", "LE3 0AA", &p);
    if (rc == FC_OK)
        rc = call(d, p, 3 * DAY, NSIR_NUISANCE, "noise", "Loud music from a party next door",
                  "43 Narborough Road, Leicester", "LE3 0AA", &cid, &iid);
    if (rc == FC_OK)
        rc = screen_and_grade(d, 3 * DAY, cid, iid, "S1=no,S2=no,S3=no,S4=no,S5=no,S6=yes,S7=no");
    struct intake_closure cl = { .closure_code = "resolved_advice_given",
                                 .outcome = "Advice given; noise team informed" };
    struct intake_actor who = d->officer;
    who.now = d->now - 2 * DAY;
    if (rc == FC_OK)
        rc = intake_incident_close(d->s, d->r, &who, iid, &cl, d->err);
    return rc;
}

/* A repeat victim flagged vulnerable by the council: not low risk, assessed high. */
static int seed_repeat_vulnerable(struct demo *d)
{
    fc_id_t p, cid, iid, flag;
    const char *where = "14 Belgrave Gate, Leicester", *pc = "LE1 1AA";
    int rc = person_add(d, "Ravinder", "Shergill", "1971-09-30", "07700 900123",
                        "14 Belgrave Gate, Leicester", pc, &p);
    struct flag f = { .person_id = p, .kind = "vulnerable", .agency = "Leicester City Council",
                      .reason = "Adult social care: learning disability",
                      .flagged_at = d->now - 150 * DAY, .sharing_basis = "s.115 CDA 1998",
                      .match_probability = 1 };
    if (rc == FC_OK)
        rc = store_flag_insert(d->s, &f, &flag, d->err);
    for (long days = 70; rc == FC_OK && days >= 25; days -= 45)
        rc = call(d, p, days * DAY, NSIR_PERSONAL, "intimidation_harassment",
                  "Youths shouting abuse at the door", where, pc, &cid, &iid);
    if (rc == FC_OK)
        rc = call(d, p, 2 * DAY, NSIR_PERSONAL, "intimidation_harassment",
                  "Door kicked and threats shouted through the letterbox", where, pc, &cid,
                  &iid);
    if (rc == FC_OK)
        rc = screen_and_grade(d, 2 * DAY, cid, iid, "S1=yes,S2=yes,S3=yes,S4=yes,S6=yes,S7=yes");
    struct risk_answers ans;
    struct intake_risk_outcome ro;
    struct intake_actor who = d->officer;
    who.now = d->now - 40L * 3600;
    if (rc == FC_OK)
        rc = answers(d, "full", &ans,
                     "F1=yes,F3=yes,F4=yes,F5=yes,F6=daily,F7=yes,F9=yes,F10=yes,F11=yes,F12=yes");
    if (rc == FC_OK)
        rc = intake_assess_full(d->s, d->r, &who, iid, &ans, &ro, d->err);
    /* the 24-hour supervisor review was missed: it shows escalated on the dashboard */
    size_t n = 0;
    if (rc == FC_OK)
        rc = intake_reviews_escalate(d->s, d->r, &d->sergeant, &n, d->err);
    return rc;
}

/* A persistent caller: three complaints in six months about one address; Trigger logged. */
static int seed_trigger(struct demo *d)
{
    fc_id_t p, cid = 0, iid = 0;
    const char *where = "7 Melton Road, Leicester", *pc = "LE4 6AA";
    int rc = person_add(d, "Dennis", "Hartwell", "1949-02-02", "0116 496 0555", where, pc, &p);
    static const long days[] = { 120, 50, 1 };
    for (size_t i = 0; rc == FC_OK && i < 3; i++) {
        rc = call(d, p, days[i] * DAY, NSIR_NUISANCE, "street_drinking_drugs",
                  "Street drinking and shouting outside the shop", where, pc, &cid, &iid);
        if (rc == FC_OK)
            rc = screen_and_grade(d, days[i] * DAY, cid, iid, "S1=yes,S6=yes,S7=yes");
    }
    struct intake_trigger_application app = { .applicant_person_id = p, .incident_id = iid,
                                              .contact_id = cid, .channel = "phone" };
    fc_id_t tid = 0;
    struct intake_actor who = d->handler;
    who.now = d->now - DAY + 900;
    if (rc == FC_OK)
        rc = intake_trigger_open(d->s, d->r, &who, &app, &tid, d->err);
    who.now = d->now - 3600;
    if (rc == FC_OK)
        rc = intake_trigger_step_done(d->s, d->r, &who, tid, "acknowledge", false,
                                      "Acknowledgement letter sent", d->err);
    return rc;
}

int intake_demo_seed(struct store *s, struct match_service *m, fc_time_t now,
                     struct intake_demo_counts *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    const struct intake_rules *r = intake_rules_shared(err);
    if (r == NULL)
        return FC_EINTERNAL;
    struct arena a;
    arena_init(&a, 0);
    struct demo d = { .s = s, .m = m, .r = r, .a = &a, .now = now,
                      .created = &out->calls_created, .err = err };
    struct person_query q = { .surname = "Shergill", .limit = 1 };
    fc_id_t *ids = NULL;
    size_t n = 0;
    int rc = store_person_search(s, &q, &a, &ids, &n, err);
    if (rc == FC_OK && n > 0) {
        out->was_seeded_before = true;
        goto out;
    }
    if (rc == FC_OK)
        rc = org_force(&d);
    if (rc == FC_OK)
        rc = staff(&d, ROLE_CALL_HANDLER, "handler.demo", "Jo Kaur (call handler)", &d.handler);
    if (rc == FC_OK)
        rc = staff(&d, ROLE_OFFICER, "pc.city.demo", "PC Dan Bell", &d.officer);
    if (rc == FC_OK)
        rc = staff(&d, ROLE_SUPERVISOR, "sgt.city.demo", "Sgt Amira Hussain", &d.sergeant);
    if (rc == FC_OK)
        rc = intake_teams_sync(s, r, err);
    if (rc == FC_OK)
        rc = seed_first_time(&d);
    if (rc == FC_OK)
        rc = seed_repeat_vulnerable(&d);
    if (rc == FC_OK)
        rc = seed_trigger(&d);
out:
    arena_free(&a);
    return rc;
}
