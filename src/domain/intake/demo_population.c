/* intake/demo_population.c: see demo_population.h. The people are invented. */
#include "domain/intake/demo_population.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/intake/intake.h"
#include "domain/match/record.h"
#include "util/assets.h"
#include "util/csv.h"

#define DAY 86400L
#define MAX_NAMES 400
#define MAX_STREETS 2000

struct name_table {
    size_t n;
    char names[MAX_NAMES][32];
};

struct street {
    char name[64], town[40], postcode[10];
};

struct pools {
    struct name_table female, male, surnames;
    size_t n_streets;
    struct street streets[MAX_STREETS];
};

static uint64_t rng_next(uint64_t *s) /* splitmix64 */
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static size_t rng_below(uint64_t *s, size_t n)
{
    return n ? (size_t)(rng_next(s) % n) : 0;
}

static void title_case(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src);
    for (char *p = dst; *p; p++) {
        if (p == dst || p[-1] == ' ' || p[-1] == '-' || p[-1] == '\'')
            *p = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
    }
}

static int table_read(const char *path, struct csv_reader *r, struct fc_err *err)
{
    const struct asset *a = assets_find(path);
    if (a == NULL)
        return err_set(err, FC_EINTERNAL, "", "embedded table %s is missing", path);
    csv_reader_init(r, (const char *)a->start, asset_size(a));
    return csv_read(r, err) == 1 ? FC_OK : err_set(err, FC_EINTERNAL, "", "%s is empty", path);
}

/* The commonest names of each table, in the tables' order (most frequent first). */
static int pools_load(struct pools *p, struct fc_err *err)
{
    struct csv_reader r;
    int rc = table_read("data/names/forenames_top.csv", &r, err);
    while (rc == FC_OK && csv_read(&r, err) == 1 && r.n_fields >= 2) {
        struct name_table *t = r.fields[1][0] == 'F' ? &p->female : &p->male;
        if (t->n < MAX_NAMES)
            title_case(t->names[t->n++], sizeof(t->names[0]), r.fields[0]);
    }
    csv_reader_free(&r);
    if (rc == FC_OK)
        rc = table_read("data/names/surnames.csv", &r, err);
    while (rc == FC_OK && csv_read(&r, err) == 1 && p->surnames.n < MAX_NAMES)
        title_case(p->surnames.names[p->surnames.n++], sizeof(p->surnames.names[0]),
                   r.fields[0]);
    csv_reader_free(&r);
    if (rc == FC_OK)
        rc = table_read("data/geo/le_streets.csv", &r, err);
    size_t seen = 0;
    while (rc == FC_OK && csv_read(&r, err) == 1 && r.n_fields >= 3) {
        if (r.fields[2][0] == '\0' || r.fields[1][0] == '\0')
            continue;
        /* every sixth street, for a spread across the force area */
        if (seen++ % 6 != 0 || p->n_streets == MAX_STREETS)
            continue;
        struct street *st = &p->streets[p->n_streets++];
        snprintf(st->name, sizeof(st->name), "%s", r.fields[0]);
        snprintf(st->town, sizeof(st->town), "%s", r.fields[1]);
        snprintf(st->postcode, sizeof(st->postcode), "%s", r.fields[2]);
    }
    csv_reader_free(&r);
    if (rc == FC_OK && (p->female.n == 0 || p->male.n == 0 || p->surnames.n == 0 ||
                        p->n_streets == 0))
        rc = err_set(err, FC_EINTERNAL, "", "embedded name or street tables are empty");
    return rc;
}

static const struct {
    enum nsir_category category;
    const char *type, *description;
} kinds[] = {
    { NSIR_NUISANCE, "noise", "Loud music and shouting late at night" },
    { NSIR_NUISANCE, "rowdy_inconsiderate_behaviour", "Group of youths gathering and shouting" },
    { NSIR_PERSONAL, "neighbour_dispute", "Neighbour blocking the drive and swearing" },
    { NSIR_NUISANCE, "vehicle_nuisance", "Cars racing up and down the street" },
    { NSIR_ENVIRONMENTAL, "littering_fly_tipping", "Rubbish dumped in the alley again" },
    { NSIR_ENVIRONMENTAL, "graffiti_criminal_damage", "Graffiti sprayed on the garden wall" },
    { NSIR_NUISANCE, "street_drinking_drugs", "Drinking and drug use outside the shops" },
    { NSIR_PERSONAL, "intimidation_harassment", "Being followed and shouted at" },
};

struct invented {
    char forename[32], surname[32], dob[11], phone[16], address[128], postcode[10];
};

static void invent(struct pools *p, uint64_t *rng, struct invented *out)
{
    bool is_female = rng_below(rng, 2) == 0;
    struct name_table *t = is_female ? &p->female : &p->male;
    /* squaring the draw favours the commoner names, as real populations do */
    size_t fi = rng_below(rng, t->n), si = rng_below(rng, p->surnames.n);
    fi = fi * fi / t->n;
    si = si * si / p->surnames.n;
    snprintf(out->forename, sizeof(out->forename), "%s", t->names[fi]);
    snprintf(out->surname, sizeof(out->surname), "%s", p->surnames.names[si]);
    snprintf(out->dob, sizeof(out->dob), "%04zu-%02zu-%02zu", 1940 + rng_below(rng, 66),
             1 + rng_below(rng, 12), 1 + rng_below(rng, 28));
    /* 07700 900000-900999 is Ofcom's range reserved for drama: never a real phone */
    snprintf(out->phone, sizeof(out->phone), "07700 900%03zu", rng_below(rng, 1000));
    const struct street *st = &p->streets[rng_below(rng, p->n_streets)];
    snprintf(out->address, sizeof(out->address), "%zu %s, %s", 1 + rng_below(rng, 120),
             st->name, st->town);
    snprintf(out->postcode, sizeof(out->postcode), "%s", st->postcode);
}

static int call_add(struct store *s, const struct intake_rules *rules,
                    const struct intake_demo_population *opt, fc_id_t caller,
                    const struct invented *who, size_t kind, fc_time_t at, struct arena *a,
                    struct fc_err *err)
{
    struct incident_person ip = { .person_id = caller, .role = ROLE_IN_VICTIM };
    struct incident inc = { .org_id = opt->force_id, .category = kinds[kind].category,
                            .incident_type = (char *)kinds[kind].type,
                            .description = (char *)kinds[kind].description,
                            .location_raw = (char *)who->address,
                            .location_postcode = (char *)who->postcode, .lat = NAN, .lon = NAN,
                            .status = INCIDENT_OPEN, .occurred_at = at - 1800, .created_at = at,
                            .n_persons = 1, .persons = &ip };
    fc_id_t incident_id = 0, contact_id = 0;
    int rc = store_incident_insert(s, &inc, &incident_id, err);
    struct contact c = { .channel = CHANNEL_PHONE, .received_at = at,
                         .handler_user_id = opt->handler_user_id, .org_id = opt->force_id,
                         .caller_person_id = caller, .incident_id = incident_id,
                         .created_at = at };
    if (rc == FC_OK)
        rc = store_contact_insert(s, &c, &contact_id, err);
    struct intake_actor actor = { .user_id = opt->handler_user_id, .role = ROLE_CALL_HANDLER,
                                  .now = at };
    struct contact_labels_rec labels;
    if (rc == FC_OK)
        rc = intake_contact_labels(s, rules, &actor, contact_id, false, a, &labels, err);
    return rc;
}

int intake_demo_population_seed(struct store *s, struct match_service *m,
                                const struct intake_demo_population *opt, fc_time_t now,
                                struct intake_demo_population_counts *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    const struct intake_rules *rules = intake_rules_shared(err);
    if (rules == NULL)
        return err->status != FC_OK ? err->status : FC_EINTERNAL;
    struct pools *p = calloc(1, sizeof(*p));
    if (p == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory inventing demo people");
    int rc = pools_load(p, err);
    uint64_t rng = opt->seed;
    struct arena a;
    arena_init(&a, 0);
    for (size_t i = 0; rc == FC_OK && i < opt->n_persons; i++) {
        struct invented who;
        invent(p, &rng, &who);
        /* most call once; one in five 2-4 times; one in twenty-five is persistent */
        size_t roll = rng_below(&rng, 25), n_calls = 1;
        if (roll == 0)
            n_calls = 6 + rng_below(&rng, 8);
        else if (roll < 5)
            n_calls = 2 + rng_below(&rng, 3);
        fc_time_t first = now - (fc_time_t)(30 + rng_below(&rng, 420)) * DAY;
        struct match_record rec = { .forename = who.forename, .surname = who.surname,
                                    .dob = rng_below(&rng, 3) ? who.dob : NULL,
                                    .phone = who.phone, .address = who.address,
                                    .postcode = who.postcode };
        struct person person;
        fc_id_t pid = 0;
        rc = store_txn_begin(s, err);
        if (rc == FC_OK)
            rc = match_record_to_person(&rec, "manual", 0, first, &a, &person, err);
        if (rc == FC_OK) {
            person.created_at = first;
            rc = store_person_insert(s, &person, &pid, err);
        }
        size_t kind = rng_below(&rng, sizeof(kinds) / sizeof(kinds[0]));
        fc_time_t at = first;
        for (size_t c = 0; rc == FC_OK && c < n_calls && at < now - 3600; c++) {
            rc = call_add(s, rules, opt, pid, &who, kind, at, &a, err);
            out->calls += rc == FC_OK;
            at += (fc_time_t)(1 + rng_below(&rng, 40)) * DAY + (fc_time_t)rng_below(&rng, DAY);
        }
        if (rc == FC_OK)
            rc = store_txn_commit(s, err);
        else
            store_txn_rollback(s);
        if (rc == FC_OK && m != NULL)
            rc = match_person_add(m, pid, &rec, first, err);
        out->persons += rc == FC_OK;
        arena_free(&a);
    }
    arena_free(&a);
    free(p);
    return rc;
}
