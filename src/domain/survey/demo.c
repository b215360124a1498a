/* survey/demo.c: see demo.h. The answers are invented. */
#include "domain/survey/demo.h"

#include <string.h>

#include "domain/survey/survey.h"

#define DAY_S ((fc_time_t)86400)

static unsigned next(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

/* An answer on the 7-point scale, satisfied (1-3) with probability pct_satisfied. */
static int scale(unsigned *st, unsigned pct_satisfied)
{
    if (next(st) % 100 < 4)
        return 0; /* don't know */
    if (next(st) % 100 < pct_satisfied)
        return 1 + (int)(next(st) % 3);
    return 4 + (int)(next(st) % 4);
}

int survey_demo_seed(struct store *s, fc_time_t now, unsigned seed,
                     struct survey_demo_counts *out, struct fc_err *err)
{
    struct survey_config cfg;
    int rc = survey_config_load("survey/v1", &cfg, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    struct contact_query q = { .to = now };
    struct contact *cs = NULL;
    size_t n = 0;
    rc = store_contact_search(s, &q, &a, &cs, &n, err);
    unsigned st = seed ? seed : 1;
    memset(out, 0, sizeof(*out));
    /* oldest first, so the not-twice rule sees surveys in the order they happened */
    for (size_t k = n; rc == FC_OK && k-- > 0;) {
        const struct contact *c = &cs[k];
        if (c->caller_person_id == 0 || c->incident_id == 0)
            continue;
        fc_time_t queued = c->received_at + 7 * DAY_S;
        if (queued > now)
            continue;
        struct survey_queue_rec rec = { .incident_id = c->incident_id,
                                        .person_id = c->caller_person_id,
                                        .contact_id = c->id,
                                        .reason = "incident_closed",
                                        .status = "queued",
                                        .queued_at = queued };
        fc_id_t id;
        struct fc_err e2;
        int qrc = store_survey_queue_insert(s, &rec, &id, &e2);
        if (qrc == FC_ECONFLICT)
            continue; /* already queued: a second run adds nothing */
        if (qrc != FC_OK) {
            *err = e2;
            rc = qrc;
            break;
        }
        out->queued++;
        unsigned roll = next(&st) % 100;
        if (roll < 10) {
            rc = survey_decline(s, id, err);
            out->declined += rc == FC_OK;
            continue;
        }
        if (roll < 15)
            continue; /* not reached yet */
        struct survey_input in;
        memset(&in, 0, sizeof(in));
        for (int i = 0; i < 5; i++)
            in.q[i] = scale(&st, i == 2 ? 55 : 72); /* kept informed scores lowest */
        static const char *const q6[] = { "yes", "reduced", "no", "dont_know" };
        static const char *const q7[] = { "yes", "no", "dont_know" };
        strcpy(in.q6, q6[next(&st) % 4]);
        strcpy(in.q7, q7[next(&st) % 3]);
        fc_time_t answered = queued + 3 * DAY_S < now ? queued + 3 * DAY_S : now;
        qrc = survey_record_phone(s, &cfg, id, &in, 0, answered, NULL, &e2);
        if (qrc == FC_ECONFLICT) {
            /* surveyed within the period already: nobody is asked twice */
            rc = STORE_CALL(s, survey_set_status, id, "not_eligible", err);
            out->not_eligible += rc == FC_OK;
        } else if (qrc != FC_OK) {
            *err = e2;
            rc = qrc;
        } else {
            out->answered++;
        }
    }
    arena_free(&a);
    return rc;
}
