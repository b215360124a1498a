/*
 * bench/bench_cases.c: partnership case management on this machine.
 *
 *   build/release/bench/bench_cases [cases] [partner_flags.csv]   (default 2000 cases)
 *
 * Opens cases (one transaction each, as the server does), each with two persons, a linked
 * incident, a share with a council, three actions and a note; then times a council's
 * filtered, audited read of a case (cross-organisation), the case summary PDF of a case
 * with a long timeline, the organisation's case list, the overdue-review sweep over every
 * case, and the partner_flags.csv import (matched through the match service). Uses a
 * temporary directory; prints one line per figure. Results go to docs/benchmarks.md.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain/cases/cases.h"
#include "domain/cases/partner.h"
#include "domain/cases/pdf.h"
#include "util/csv.h"

#define NOW 1790000000

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void report(const char *what, double *ms, size_t n)
{
    qsort(ms, n, sizeof(*ms), cmp_double);
    printf("%-34s n=%zu p50=%.3f ms p95=%.3f ms max=%.3f ms\n", what, n, ms[n / 2],
           ms[(size_t)((double)n * 0.95)], ms[n - 1]);
}

static void die(const char *what, const struct fc_err *err)
{
    fprintf(stderr, "bench_cases: %s: %s %s\n", what, err->field, err->msg);
    exit(1);
}

int main(int argc, char **argv)
{
    size_t n = argc > 1 ? (size_t)atol(argv[1]) : 2000;
    const char *flags_csv = argc > 2 ? argv[2] : NULL;
    char dir[] = "/tmp/fc-bench-cases-XXXXXX", path[128];
    if (n < 10 || mkdtemp(dir) == NULL)
        return 2;
    snprintf(path, sizeof(path), "%s/bench.db", dir);
    struct fc_err err = { 0 };
    struct store *s;
    int version;
    if (store_open(path, &s, &err) != FC_OK || store_migrate(s, &version, &err) != FC_OK)
        die("open", &err);
    struct organisation force = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    struct organisation council = { .kind = ORG_DISTRICT_COUNCIL,
                                    .name = "Charnwood Borough Council" };
    fc_id_t force_id, council_id, pc_id, sup_id, asb_id;
    store_org_insert(s, &force, &force_id, &err);
    store_org_insert(s, &council, &council_id, &err);
    struct user pc = { .org_id = force_id, .username = "pc", .role = ROLE_OFFICER, .team = "T" };
    struct user sup = { .org_id = force_id, .username = "sgt", .role = ROLE_SUPERVISOR,
                        .team = "T" };
    struct user asb = { .org_id = council_id, .username = "asb", .role = ROLE_PARTNER_OFFICER };
    store_user_insert(s, &pc, &pc_id, &err);
    store_user_insert(s, &sup, &sup_id, &err);
    store_user_insert(s, &asb, &asb_id, &err);
    struct access_viewer vpc = { pc_id, force_id, ORG_FORCE, ROLE_OFFICER };
    struct access_viewer vasb = { asb_id, council_id, ORG_DISTRICT_COUNCIL,
                                  ROLE_PARTNER_OFFICER };

    double *ms = calloc(n, sizeof(*ms));
    fc_id_t *ids = calloc(n, sizeof(*ids));
    double t_all = now_ms();
    for (size_t i = 0; i < n; i++) {
        struct person_name nm[2] = {
            { .forename = "Ann", .surname = "LEE", .prov = { "manual", 0, NOW } },
            { .forename = "Bob", .surname = "KAY", .prov = { "manual", 0, NOW } },
        };
        struct person pv = { .created_at = NOW, .n_names = 1, .names = &nm[0] };
        struct person pp = { .created_at = NOW, .n_names = 1, .names = &nm[1] };
        fc_id_t victim, perp, inc;
        store_person_insert(s, &pv, &victim, &err);
        store_person_insert(s, &pp, &perp, &err);
        struct incident_person ip = { victim, ROLE_IN_VICTIM, false };
        struct incident in = { .org_id = force_id, .category = NSIR_PERSONAL,
                               .incident_type = "noise", .description = "Loud music",
                               .location_postcode = "LE11 2HA", .lat = NAN, .lon = NAN,
                               .status = INCIDENT_OPEN, .is_police_only = i % 5 == 0,
                               .created_at = NOW - 86400, .n_persons = 1, .persons = &ip };
        store_incident_insert(s, &in, &inc, &err);
        struct cases_open_input oi = { .title = "Bench case", .origin = "incident",
                                       .origin_id = inc, .area_code = i % 2 ? "E1" : "E2",
                                       .sharing_basis = "Crime and Disorder Act 1998 s115" };
        fc_time_t t0 = NOW - (fc_time_t)(i % 60) * 86400;
        double t = now_ms();
        if (cases_open(s, &vpc, &oi, t0, &ids[i], &err) != FC_OK)
            die("open", &err);
        ms[i] = now_ms() - t;
        cases_party_add(s, &vpc, ids[i], victim, "victim", 1, t0, &err);
        cases_party_add(s, &vpc, ids[i], perp, "perpetrator", 1, t0, &err);
        cases_share(s, &vpc, ids[i], council_id, "contribute", 0, t0, &err);
        static const char *const ivs[] = { "warning_letter", "mediation", "support_referral" };
        for (int k = 0; k < 3; k++) {
            struct cases_action_input ai = { .intervention = ivs[k], .subject_age_years = -1 };
            if (cases_action_add(s, &vasb, ids[i], &ai, t0, NULL, &err) != FC_OK)
                die("action", &err);
        }
        cases_note_add(s, &vpc, ids[i], "Police note", true, t0, &err);
    }
    printf("%-34s %zu cases in %.0f ms (open, 2 persons, share, 3 actions, note)\n",
           "build", n, now_ms() - t_all);
    report("cases_open", ms, n);

    struct arena a;
    size_t reads = n < 1000 ? n : 1000;
    for (size_t i = 0; i < reads; i++) {
        arena_init(&a, 0);
        struct cases_view v;
        double t = now_ms();
        if (cases_view_load(s, &vasb, ids[i], "bench", NOW, &a, &v, &err) != FC_OK)
            die("view", &err);
        ms[i] = now_ms() - t;
        arena_free(&a);
    }
    report("view (council, audited disclose)", ms, reads);

    /* one case with a long timeline for the PDF */
    for (int k = 0; k < 200; k++)
        cases_note_add(s, &vpc, ids[0], "A note of a visit, a call and what was agreed with "
                                        "the victim about the next steps.",
                       false, NOW, &err);
    for (size_t i = 0; i < 20; i++) {
        arena_init(&a, 0);
        struct cases_view v;
        unsigned char *pdf;
        size_t len;
        double t = now_ms();
        if (cases_view_load(s, &vpc, ids[0], "bench", NOW, &a, &v, &err) != FC_OK ||
            cases_pdf_render(s, &v, NOW, &a, &pdf, &len, &err) != FC_OK)
            die("pdf", &err);
        ms[i] = now_ms() - t;
        if (i == 0)
            printf("%-34s %zu bytes, %zu timeline entries\n", "pdf size", len, v.n_timeline);
        arena_free(&a);
    }
    report("view + PDF (long timeline)", ms, 20);

    for (size_t i = 0; i < 20; i++) {
        arena_init(&a, 0);
        struct asb_case *cs;
        size_t nc;
        double t = now_ms();
        cases_list(s, &vasb, CASES_LIST_ORG, NULL, "open", NOW, &a, &cs, &nc, &err);
        ms[i] = now_ms() - t;
        arena_free(&a);
    }
    report("list org cases (limit 500)", ms, 20);

    double t = now_ms();
    size_t escalated = 0;
    if (cases_review_escalate_due(s, NOW + 60 * 86400, &escalated, &err) != FC_OK)
        die("escalate", &err);
    printf("%-34s %zu escalated in %.0f ms\n", "review sweep", escalated, now_ms() - t);

    if (flags_csv != NULL) {
        char *data;
        size_t len;
        struct match_service *m;
        struct partner_import_counts c;
        if (csv_file_slurp(flags_csv, &data, &len, &err) != FC_OK ||
            match_service_create(NULL, NULL, &m, &err) != FC_OK ||
            match_service_load(m, s, &err) != FC_OK)
            die("flags", &err);
        t = now_ms();
        if (partner_flags_import_csv(s, m, &vasb, data, len, "ISA", NOW, &c, &err) != FC_OK)
            die("import", &err);
        double el = now_ms() - t;
        printf("%-34s %zu rows in %.0f ms (%.2f ms/row): matched=%zu new=%zu queued=%zu\n",
               "partner_flags.csv import", c.rows, el, el / (double)c.rows, c.matched,
               c.new_persons, c.queued);
        free(data);
        match_service_free(m);
    }
    free(ms);
    free(ids);
    store_close(s);
    char cmd[200];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : 1;
}
