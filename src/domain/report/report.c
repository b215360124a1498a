/* report/report.c: see report.h. */
#include "domain/report/report.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/config/config.h"
#include "domain/geo/geo.h"
#include "domain/report/stats.h"
#include "util/timeutil.h"

#define REPORTS_CONFIG "reports/v1"
#define SURVEY_INSTRUMENT "survey/v1"
#define MAX_BENCHMARKS 7

const char *const report_names[] = {
    "satisfaction", "first_contact", "demand", "hotspots", "repeat_locations",
    "tasks",        "triggers",      "survey_rates", NULL,
};

struct reports_config {
    int repeat_location_min;
    double benchmark[MAX_BENCHMARKS + 1]; /* by question; NaN when none */
    const char *benchmark_label[MAX_BENCHMARKS + 1];
    json_t *json; /* owns the labels */
};

static int config_load(struct reports_config *c, struct fc_err *err)
{
    memset(c, 0, sizeof(*c));
    for (int q = 0; q <= MAX_BENCHMARKS; q++)
        c->benchmark[q] = NAN;
    int rc = config_json_load(REPORTS_CONFIG, &c->json, err);
    if (rc != FC_OK)
        return rc;
    rc = config_json_int(c->json, REPORTS_CONFIG, "repeat_location_min_incidents",
                         &c->repeat_location_min, err);
    json_t *arr = NULL;
    if (rc == FC_OK)
        rc = config_json_array(c->json, REPORTS_CONFIG, "benchmarks", &arr, err);
    size_t i;
    json_t *b;
    json_array_foreach(arr, i, b)
    {
        if (rc != FC_OK)
            break;
        int q;
        double v;
        char path[64];
        snprintf(path, sizeof(path), "%s:benchmarks[%zu]", REPORTS_CONFIG, i);
        rc = config_json_int(b, path, "question", &q, err);
        if (rc == FC_OK)
            rc = config_json_double(b, path, "value", &v, err);
        if (rc == FC_OK && (q < 1 || q > MAX_BENCHMARKS || v < 0 || v > 1))
            rc = err_set(err, FC_EINVAL, path, "%s: question must be 1-7 and value a share",
                         path);
        if (rc == FC_OK) {
            c->benchmark[q] = v;
            c->benchmark_label[q] = json_string_value(json_object_get(b, "label"));
        }
    }
    if (rc != FC_OK)
        json_decref(c->json);
    return rc;
}

/* ---- request parsing ---- */

static const struct {
    const char *name;
    enum report_dim dim;
} dims[] = {
    { "none", REPORT_DIM_NONE },        { "area", REPORT_DIM_LSOA },
    { "lsoa", REPORT_DIM_LSOA },        { "category", REPORT_DIM_CATEGORY },
    { "type", REPORT_DIM_TYPE },        { "risk", REPORT_DIM_RISK },
    { "channel", REPORT_DIM_CHANNEL },  { "repeat", REPORT_DIM_REPEAT },
    { "vulnerable", REPORT_DIM_VULNERABLE }, { "hour", REPORT_DIM_HOUR },
    { "dow", REPORT_DIM_DOW },
};

/* "area" is LSOA rolled up to districts; remembered in the request by this flag value. */
#define DIM_AREA ((enum report_dim)100)

static int parse_date(const char *s, const char *field, fc_time_t *out, struct fc_err *err)
{
    int y, m, d;
    char tail;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen(s) != 10 ||
        !time_date_is_valid(y, m, d))
        return err_set(err, FC_EINVAL, field, "%s must be a date YYYY-MM-DD", field);
    *out = time_days_from_civil(y, m, d) * 86400;
    return FC_OK;
}

int report_request_parse(const char *name, const char *period, const char *by, const char *from,
                         const char *to, const char *benchmark, struct report_request *rq,
                         struct fc_err *err)
{
    memset(rq, 0, sizeof(*rq));
    rq->benchmark = NAN;
    rq->period = REPORT_PERIOD_MONTH;
    rq->now = time_now();
    for (size_t i = 0; report_names[i]; i++) {
        if (name && strcmp(name, report_names[i]) == 0)
            rq->name = report_names[i];
    }
    if (!rq->name)
        return err_set(err, FC_ENOTFOUND, "report", "no such report");
    if (period && period[0]) {
        static const char *const periods[] = { "all", "month", "quarter", "year" };
        int found = -1;
        for (int i = 0; i < 4; i++) {
            if (strcmp(period, periods[i]) == 0)
                found = i;
        }
        if (found < 0)
            return err_set(err, FC_EINVAL, "period", "period must be all, month, quarter or year");
        rq->period = (enum report_period)found;
    }
    if (by && by[0]) {
        bool found = false;
        for (size_t i = 0; i < sizeof(dims) / sizeof(dims[0]); i++) {
            if (strcmp(by, dims[i].name) == 0) {
                rq->dim = strcmp(by, "area") == 0 ? DIM_AREA : dims[i].dim;
                found = true;
            }
        }
        if (!found)
            return err_set(err, FC_EINVAL, "by",
                           "by must be none, area, lsoa, category, type, risk, channel, repeat, "
                           "vulnerable, hour or dow");
    }
    if (from && from[0] && parse_date(from, "from", &rq->from, err) != FC_OK)
        return FC_EINVAL;
    if (to && to[0] && parse_date(to, "to", &rq->to, err) != FC_OK)
        return FC_EINVAL;
    if (rq->from && rq->to && rq->to <= rq->from)
        return err_set(err, FC_EINVAL, "to", "to must be after from");
    if (benchmark && benchmark[0]) {
        char *end;
        double v = strtod(benchmark, &end);
        if (*end == '%') {
            v /= 100.0;
            end++;
        }
        if (end == benchmark || *end != '\0' || !(v >= 0.0 && v <= 1.0))
            return err_set(err, FC_EINVAL, "benchmark", "benchmark must be a share (0.74 or 74%%)");
        rq->benchmark = v;
    }
    return FC_OK;
}

/* ---- group labels and roll-up ---- */

static enum report_dim store_dim(enum report_dim d)
{
    return d == DIM_AREA ? REPORT_DIM_LSOA : d;
}

/* The group as people read it; area maps an LSOA to its district. */
static const char *group_label(enum report_dim d, const char *raw)
{
    static const char *const days[] = { "Sunday", "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday" };
    if (d == REPORT_DIM_NONE)
        return "all";
    if (!raw || !raw[0])
        return "not recorded";
    if (d == DIM_AREA) {
        const struct geo_lsoa *l = geo_lsoa_find(raw);
        return l ? l->district : "outside the force area";
    }
    if (d == REPORT_DIM_DOW && isdigit((unsigned char)raw[0]) && raw[0] < '7')
        return days[raw[0] - '0'];
    return raw;
}

static bool same_group(const char *p1, const char *g1, const char *p2, const char *g2)
{
    return strcmp(p1, p2) == 0 && strcmp(g1, g2) == 0;
}

/* ---- satisfaction ---- */

static const char *const question_items[] = {
    "",
    "Q1 ease of contacting the police",
    "Q2 the actions taken",
    "Q3 being kept informed",
    "Q4 treatment by officers and staff",
    "Q5 the whole experience",
    "Q6 the ASB has stopped (yes)",
    "Q7 the police took action (yes)",
};

static const struct report_col sat_cols[] = {
    { "period", "Period", REPORT_TEXT },
    { "group", "Group", REPORT_TEXT },
    { "question", "Question", REPORT_INT },
    { "item", "Item", REPORT_TEXT },
    { "satisfied", "Satisfied (x)", REPORT_INT },
    { "n", "Valid answers (n)", REPORT_INT },
    { "share", "Share satisfied", REPORT_SHARE },
    { "lower", "95% lower", REPORT_SHARE },
    { "upper", "95% upper", REPORT_SHARE },
    { "suppressed", "Suppressed", REPORT_TEXT },
    { "benchmark", "Benchmark", REPORT_SHARE },
    { "vs_benchmark", "Against benchmark", REPORT_TEXT },
    { "vs_rest_z", "z against the rest", REPORT_REAL },
    { "vs_rest", "Against the rest", REPORT_TEXT },
    { "instrument", "Instrument", REPORT_TEXT },
};

static void prop_cells(struct report_cell *share, struct report_cell *lo, struct report_cell *hi,
                       struct report_cell *supp, const struct report_prop *p,
                       struct report_table *t)
{
    if (p->is_suppressed) {
        if (supp)
            report_cell_text(t, supp, p->n == 0 ? "no answers" : "n < 50");
        return;
    }
    report_cell_share(share, p->p);
    report_cell_share(lo, p->lo);
    report_cell_share(hi, p->hi);
}

static int build_satisfaction(struct store *s, const struct report_request *rq,
                              const struct reports_config *cfg, struct report_filter *f,
                              struct report_table *t, struct fc_err *err)
{
    struct report_sat_count *rows;
    size_t n;
    int rc = STORE_CALL(s, report_satisfaction, f, t->a, &rows, &n, err);
    if (rc != FC_OK)
        return rc;
    /* relabel groups, then merge rows that now share period, group and question */
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *g = group_label(rq->dim, rows[i].group);
        size_t j = 0;
        for (; j < m; j++) {
            if (rows[j].question == rows[i].question &&
                same_group(rows[j].period, rows[j].group, rows[i].period, g))
                break;
        }
        if (j < m) {
            rows[j].x += rows[i].x;
            rows[j].n += rows[i].n;
            continue;
        }
        rows[m] = rows[i];
        rows[m].group = (char *)g;
        m++;
    }
    for (size_t i = 0; i < m; i++) {
        struct report_cell *row = report_table_row(t);
        if (!row)
            return err_set(err, FC_ENOMEM, "", "out of memory building a report");
        struct report_prop p;
        report_prop_make(rows[i].x, rows[i].n, &p);
        report_cell_text(t, &row[0], rows[i].period);
        report_cell_text(t, &row[1], rows[i].group);
        report_cell_int(&row[2], rows[i].question);
        report_cell_text(t, &row[3], question_items[rows[i].question]);
        report_cell_int(&row[4], p.x);
        report_cell_int(&row[5], p.n);
        prop_cells(&row[6], &row[7], &row[8], &row[9], &p, t);
        double b = isnan(rq->benchmark) ? cfg->benchmark[rows[i].question] : rq->benchmark;
        report_cell_share(&row[10], b);
        enum report_verdict v = report_benchmark_compare(&p, b);
        if (v != REPORT_VERDICT_NONE)
            report_cell_text(t, &row[11], report_verdict_text(v));
        if (rq->dim != REPORT_DIM_NONE) {
            /* the rest: every other group of the same period and question, so no one is
             * counted on both sides */
            int64_t rx = 0, rn = 0;
            for (size_t j = 0; j < m; j++) {
                if (j != i && rows[j].question == rows[i].question &&
                    strcmp(rows[j].period, rows[i].period) == 0) {
                    rx += rows[j].x;
                    rn += rows[j].n;
                }
            }
            struct report_prop rest;
            report_prop_make(rx, rn, &rest);
            double z;
            enum report_verdict vr = report_two_group_compare(&p, &rest, &z);
            if (vr != REPORT_VERDICT_NONE) {
                report_cell_real(&row[12], z);
                report_cell_text(t, &row[13], report_verdict_text(vr));
            }
        }
        report_cell_text(t, &row[14], SURVEY_INSTRUMENT);
    }
    return FC_OK;
}

/* ---- first contact ---- */

static const struct report_col fc_cols[] = {
    { "period", "Period", REPORT_TEXT },
    { "group", "Group", REPORT_TEXT },
    { "contacts", "Contacts", REPORT_INT },
    { "repeat_or_vulnerable", "From repeat or vulnerable callers", REPORT_INT },
    { "identified", "Identified at the call", REPORT_INT },
    { "missed", "Missed", REPORT_INT },
    { "identified_share", "Share identified", REPORT_SHARE },
    { "lower", "95% lower", REPORT_SHARE },
    { "upper", "95% upper", REPORT_SHARE },
    { "suppressed", "Suppressed", REPORT_TEXT },
    { "repeat", "Repeat callers", REPORT_INT },
    { "repeat_identified", "Repeat identified", REPORT_INT },
    { "vulnerable", "Vulnerable callers", REPORT_INT },
    { "vulnerable_identified", "Vulnerable identified", REPORT_INT },
    { "flagged_not_borne_out", "Flagged, not borne out", REPORT_INT },
    { "incidents", "Contacts with an incident", REPORT_INT },
    { "screened", "Risk-screened in the call", REPORT_INT },
    { "screened_share", "Share screened", REPORT_SHARE },
};

static int build_first_contact(struct store *s, const struct report_request *rq,
                               struct report_filter *f, struct report_table *t,
                               struct fc_err *err)
{
    struct report_fc_count *rows;
    size_t n;
    int rc = STORE_CALL(s, report_first_contact, f, t->a, &rows, &n, err);
    if (rc != FC_OK)
        return rc;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *g = group_label(rq->dim, rows[i].group);
        size_t j = 0;
        for (; j < m; j++) {
            if (same_group(rows[j].period, rows[j].group, rows[i].period, g))
                break;
        }
        if (j < m) {
            struct report_fc_count *d = &rows[j], *o = &rows[i];
            d->contacts += o->contacts;
            d->repeat_later += o->repeat_later;
            d->repeat_flagged += o->repeat_flagged;
            d->vulnerable_later += o->vulnerable_later;
            d->vulnerable_flagged += o->vulnerable_flagged;
            d->either_later += o->either_later;
            d->either_flagged += o->either_flagged;
            d->flagged_not_later += o->flagged_not_later;
            d->incidents += o->incidents;
            d->screened_at_contact += o->screened_at_contact;
            continue;
        }
        rows[m] = rows[i];
        rows[m].group = (char *)g;
        m++;
    }
    for (size_t i = 0; i < m; i++) {
        const struct report_fc_count *r = &rows[i];
        struct report_cell *row = report_table_row(t);
        if (!row)
            return err_set(err, FC_ENOMEM, "", "out of memory building a report");
        struct report_prop p, sc;
        report_prop_make(r->either_flagged, r->either_later, &p);
        report_prop_make(r->screened_at_contact, r->incidents, &sc);
        report_cell_text(t, &row[0], r->period);
        report_cell_text(t, &row[1], r->group);
        report_cell_int(&row[2], r->contacts);
        report_cell_int(&row[3], r->either_later);
        report_cell_int(&row[4], r->either_flagged);
        report_cell_int(&row[5], r->either_later - r->either_flagged);
        prop_cells(&row[6], &row[7], &row[8], &row[9], &p, t);
        report_cell_int(&row[10], r->repeat_later);
        report_cell_int(&row[11], r->repeat_flagged);
        report_cell_int(&row[12], r->vulnerable_later);
        report_cell_int(&row[13], r->vulnerable_flagged);
        report_cell_int(&row[14], r->flagged_not_later);
        report_cell_int(&row[15], r->incidents);
        report_cell_int(&row[16], r->screened_at_contact);
        if (!sc.is_suppressed)
            report_cell_share(&row[17], sc.p);
    }
    return FC_OK;
}

/* ---- demand, hotspots, repeat locations ---- */

static const struct report_col demand_cols[] = {
    { "period", "Period", REPORT_TEXT },
    { "group", "Group", REPORT_TEXT },
    { "unit", "Counted", REPORT_TEXT },
    { "count", "Count", REPORT_INT },
    { "policeuk_asb", "police.uk ASB in the force area (baseline)", REPORT_INT },
};

/* police.uk ASB rows per period in the force area's LSOAs (the published baseline), or -1
 * for a period with no imported data. */
static int64_t baseline_of(const struct report_count *pub, size_t n, const char *period)
{
    int64_t sum = -1;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(pub[i].period, period) == 0 && geo_lsoa_find(pub[i].group))
            sum = (sum < 0 ? 0 : sum) + pub[i].n;
    }
    return sum;
}

static int build_demand(struct store *s, const struct report_request *rq, struct report_filter *f,
                        struct report_table *t, struct fc_err *err)
{
    bool by_contact = f->dim == REPORT_DIM_NONE || f->dim == REPORT_DIM_CHANNEL ||
                      f->dim == REPORT_DIM_HOUR || f->dim == REPORT_DIM_DOW ||
                      f->dim == REPORT_DIM_REPEAT || f->dim == REPORT_DIM_VULNERABLE;
    struct report_count *rows;
    size_t n;
    int rc = by_contact ? STORE_CALL(s, report_contact_counts, f, t->a, &rows, &n, err)
                        : STORE_CALL(s, report_incident_counts, f, t->a, &rows, &n, err);
    if (rc != FC_OK)
        return rc;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const char *g = group_label(rq->dim, rows[i].group);
        size_t j = 0;
        for (; j < m; j++) {
            if (same_group(rows[j].period, rows[j].group, rows[i].period, g))
                break;
        }
        if (j < m) {
            rows[j].n += rows[i].n;
            continue;
        }
        rows[m] = rows[i];
        rows[m].group = (char *)g;
        m++;
    }
    /* beside the totals, the published police.uk ASB volume for the same months */
    struct report_count *pub = NULL;
    size_t n_pub = 0;
    if (f->dim == REPORT_DIM_NONE) {
        struct report_filter by_lsoa = *f;
        by_lsoa.dim = REPORT_DIM_LSOA;
        rc = STORE_CALL(s, policeuk_counts, &by_lsoa, "Anti-social behaviour", t->a, &pub,
                        &n_pub, err);
        if (rc != FC_OK)
            return rc;
    }
    for (size_t i = 0; i < m; i++) {
        struct report_cell *row = report_table_row(t);
        if (!row)
            return err_set(err, FC_ENOMEM, "", "out of memory building a report");
        report_cell_text(t, &row[0], rows[i].period);
        report_cell_text(t, &row[1], rows[i].group);
        report_cell_text(t, &row[2], by_contact ? "contacts" : "incidents");
        report_cell_int(&row[3], rows[i].n);
        int64_t base = pub ? baseline_of(pub, n_pub, rows[i].period) : -1;
        if (base >= 0)
            report_cell_int(&row[4], base);
    }
    return FC_OK;
}

static const struct report_col hotspot_cols[] = {
    { "lsoa_code", "LSOA", REPORT_TEXT },
    { "lsoa_name", "LSOA name", REPORT_TEXT },
    { "district", "District", REPORT_TEXT },
    { "count", "Incidents", REPORT_INT },
    { "share", "Share of incidents", REPORT_SHARE },
    { "policeuk_asb", "police.uk ASB, same months", REPORT_INT },
};

struct hotspot {
    const char *code;
    int64_t own, published;
};

static int hotspot_cmp(const void *a, const void *b)
{
    const struct hotspot *x = a, *y = b;
    if (x->own != y->own)
        return x->own < y->own ? 1 : -1;
    if (x->published != y->published)
        return x->published < y->published ? 1 : -1;
    return strcmp(x->code, y->code);
}

static int build_hotspots(struct store *s, struct report_filter *f, struct report_table *t,
                          struct fc_err *err)
{
    struct report_filter by_lsoa = *f;
    by_lsoa.period = REPORT_PERIOD_ALL;
    by_lsoa.dim = REPORT_DIM_LSOA;
    struct report_count *own, *pub;
    size_t n_own, n_pub;
    int rc = STORE_CALL(s, report_incident_counts, &by_lsoa, t->a, &own, &n_own, err);
    if (rc == FC_OK)
        rc = STORE_CALL(s, policeuk_counts, &by_lsoa, "Anti-social behaviour", t->a, &pub,
                        &n_pub, err);
    if (rc != FC_OK)
        return rc;
    struct hotspot *h = arena_alloc(t->a, (n_own + n_pub + 1) * sizeof(*h));
    if (!h)
        return err_set(err, FC_ENOMEM, "", "out of memory building a report");
    size_t m = 0;
    int64_t total = 0;
    for (size_t i = 0; i < n_own; i++) {
        h[m].code = own[i].group;
        h[m].own = own[i].n;
        total += own[i].n;
        m++;
    }
    /* police.uk counts for the force area's LSOAs, as context beside our own */
    for (size_t i = 0; i < n_pub; i++) {
        if (!geo_lsoa_find(pub[i].group))
            continue;
        size_t j = 0;
        for (; j < m; j++) {
            if (strcmp(h[j].code, pub[i].group) == 0)
                break;
        }
        if (j == m) {
            h[m].code = pub[i].group;
            h[m].own = 0;
            m++;
        }
        h[j].published = pub[i].n;
    }
    qsort(h, m, sizeof(*h), hotspot_cmp);
    for (size_t i = 0; i < m; i++) {
        struct report_cell *row = report_table_row(t);
        if (!row)
            return err_set(err, FC_ENOMEM, "", "out of memory building a report");
        const struct geo_lsoa *l = geo_lsoa_find(h[i].code);
        report_cell_text(t, &row[0], h[i].code[0] ? h[i].code : "not recorded");
        report_cell_text(t, &row[1], l ? l->name : "");
        report_cell_text(t, &row[2], l ? l->district : "");
        report_cell_int(&row[3], h[i].own);
        if (total > 0)
            report_cell_share(&row[4], (double)h[i].own / (double)total);
        report_cell_int(&row[5], h[i].published);
    }
    return FC_OK;
}

static const struct report_col repeat_loc_cols[] = {
    { "location", "Location", REPORT_TEXT },
    { "incidents", "Incidents", REPORT_INT },
};

static int count_desc(const void *a, const void *b)
{
    const struct report_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n < y->n ? 1 : -1;
    return strcmp(x->group, y->group);
}

static int build_repeat_locations(struct store *s, const struct reports_config *cfg,
                                  struct report_filter *f, struct report_table *t,
                                  struct fc_err *err)
{
    struct report_filter by_loc = *f;
    by_loc.period = REPORT_PERIOD_ALL;
    by_loc.dim = REPORT_DIM_LOCATION;
    struct report_count *rows;
    size_t n;
    int rc = STORE_CALL(s, report_incident_counts, &by_loc, t->a, &rows, &n, err);
    if (rc != FC_OK)
        return rc;
    qsort(rows, n, sizeof(*rows), count_desc);
    for (size_t i = 0; i < n; i++) {
        if (rows[i].group[0] == '\0' || rows[i].n < cfg->repeat_location_min)
            continue;
        struct report_cell *row = report_table_row(t);
        if (!row)
            return err_set(err, FC_ENOMEM, "", "out of memory building a report");
        report_cell_text(t, &row[0], rows[i].group);
        report_cell_int(&row[1], rows[i].n);
    }
    return FC_OK;
}

/* ---- tasks, triggers, survey rates ---- */

static const struct report_col task_cols[] = {
    { "period", "Period (due)", REPORT_TEXT },
    { "kind", "Task", REPORT_TEXT },
    { "due", "Due", REPORT_INT },
    { "done_on_time", "Done on time", REPORT_INT },
    { "done_late", "Done late", REPORT_INT },
    { "open_overdue", "Open, overdue", REPORT_INT },
    { "open_in_time", "Open, not yet due", REPORT_INT },
    { "on_time_share", "Share on time", REPORT_SHARE },
    { "lower", "95% lower", REPORT_SHARE },
    { "upper", "95% upper", REPORT_SHARE },
    { "suppressed", "Suppressed", REPORT_TEXT },
};

static int build_tasks(struct store *s, const struct report_request *rq, struct report_filter *f,
                       struct report_table *t, struct fc_err *err)
{
    struct report_task_count *rows;
    size_t n;
    int rc = STORE_CALL(s, report_tasks, f, rq->now, t->a, &rows, &n, err);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct report_cell *row = report_table_row(t);
        if (!row)
            return err_set(err, FC_ENOMEM, "", "out of memory building a report");
        /* on time of those whose outcome is known: done (on time or late) or overdue */
        struct report_prop p;
        report_prop_make(rows[i].done_on_time,
                         rows[i].done_on_time + rows[i].done_late + rows[i].open_overdue, &p);
        report_cell_text(t, &row[0], rows[i].period);
        report_cell_text(t, &row[1], rows[i].group);
        report_cell_int(&row[2], rows[i].due);
        report_cell_int(&row[3], rows[i].done_on_time);
        report_cell_int(&row[4], rows[i].done_late);
        report_cell_int(&row[5], rows[i].open_overdue);
        report_cell_int(&row[6], rows[i].open_in_time);
        prop_cells(&row[7], &row[8], &row[9], &row[10], &p, t);
    }
    return FC_OK;
}

static const struct report_col trigger_cols[] = {
    { "period", "Period", REPORT_TEXT },
    { "status", "Status", REPORT_TEXT },
    { "outcome", "Outcome", REPORT_TEXT },
    { "applications", "Applications", REPORT_INT },
};

static int build_triggers(struct store *s, struct report_filter *f, struct report_table *t,
                          struct fc_err *err)
{
    struct report_count *rows;
    size_t n;
    int rc = STORE_CALL(s, report_triggers, f, t->a, &rows, &n, err);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct report_cell *row = report_table_row(t);
        if (!row)
            return err_set(err, FC_ENOMEM, "", "out of memory building a report");
        char *slash = strchr(rows[i].group, '/');
        const char *outcome = "";
        if (slash) {
            *slash = '\0';
            outcome = slash + 1;
        }
        report_cell_text(t, &row[0], rows[i].period);
        report_cell_text(t, &row[1], rows[i].group);
        report_cell_text(t, &row[2], outcome);
        report_cell_int(&row[3], rows[i].n);
    }
    return FC_OK;
}

static const struct report_col rate_cols[] = {
    { "period", "Period (queued)", REPORT_TEXT },
    { "queued", "Queued", REPORT_INT },
    { "eligible", "Eligible", REPORT_INT },
    { "invited", "Awaiting an answer", REPORT_INT },
    { "responded", "Responded", REPORT_INT },
    { "declined", "Declined", REPORT_INT },
    { "not_eligible", "Surveyed recently", REPORT_INT },
    { "response_rate", "Response rate", REPORT_SHARE },
    { "lower", "95% lower", REPORT_SHARE },
    { "upper", "95% upper", REPORT_SHARE },
    { "suppressed", "Suppressed", REPORT_TEXT },
};

static int build_survey_rates(struct store *s, struct report_filter *f, struct report_table *t,
                              struct fc_err *err)
{
    struct survey_rates *rows;
    size_t n;
    int rc = STORE_CALL(s, report_survey_rates, f, t->a, &rows, &n, err);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) {
        struct report_cell *row = report_table_row(t);
        if (!row)
            return err_set(err, FC_ENOMEM, "", "out of memory building a report");
        int64_t eligible = rows[i].queued - rows[i].not_eligible;
        struct report_prop p;
        report_prop_make(rows[i].responded, eligible, &p);
        report_cell_text(t, &row[0], rows[i].period);
        report_cell_int(&row[1], rows[i].queued);
        report_cell_int(&row[2], eligible);
        report_cell_int(&row[3], rows[i].invited);
        report_cell_int(&row[4], rows[i].responded);
        report_cell_int(&row[5], rows[i].declined);
        report_cell_int(&row[6], rows[i].not_eligible);
        prop_cells(&row[7], &row[8], &row[9], &row[10], &p, t);
    }
    return FC_OK;
}

/* ---- dispatch ---- */

#define COLS(a) a, sizeof(a) / sizeof(a[0])

int report_build(struct store *s, const struct report_request *rq, struct arena *a,
                 struct report_table *out, struct fc_err *err)
{
    struct reports_config cfg;
    int rc = config_load(&cfg, err);
    if (rc != FC_OK)
        return rc;
    struct report_filter f = { .from = rq->from, .to = rq->to, .period = rq->period,
                               .dim = store_dim(rq->dim), .org_id = rq->org_id };
    const char *name = rq->name ? rq->name : "";
    if (strcmp(name, "satisfaction") == 0) {
        report_table_init(out, a, "satisfaction", "Victim satisfaction (survey/v1)",
                          COLS(sat_cols));
        out->notes = "Satisfied = completely, very or fairly satisfied, over valid answers "
                     "(don't know and refused excluded). Wilson 95% intervals. Cells with "
                     "n < 50 are suppressed. Against a benchmark b: higher than if the lower "
                     "bound > b, lower than if the upper bound < b, else in line with. Against "
                     "the rest: pooled two-proportion z-test, two-sided 5%.";
        rc = build_satisfaction(s, rq, &cfg, &f, out, err);
    } else if (strcmp(name, "first_contact") == 0) {
        report_table_init(out, a, "first_contact",
                          "Repeat and vulnerable callers identified at first contact",
                          COLS(fc_cols));
        out->notes = "Repeat: an earlier contact by the same person within 365 days; "
                     "vulnerable: a flag in force at the contact time; both as known now, "
                     "including later merges and back-dated flags. Identified: the call "
                     "handler was shown the label during the call. Wilson 95% intervals; "
                     "n < 50 suppressed.";
        rc = build_first_contact(s, rq, &f, out, err);
    } else if (strcmp(name, "demand") == 0) {
        report_table_init(out, a, "demand", "Demand", COLS(demand_cols));
        out->notes = "Contacts by channel, hour (local time) and day of week; incidents by "
                     "category, type, risk and area. Without a breakdown, the police.uk column "
                     "gives the published ASB rows in the force area's LSOAs for the same "
                     "months, as a baseline. Contains public sector information licensed under "
                     "the Open Government Licence v3.0.";
        rc = build_demand(s, rq, &f, out, err);
    } else if (strcmp(name, "hotspots") == 0) {
        report_table_init(out, a, "hotspots", "Hotspots by LSOA", COLS(hotspot_cols));
        out->notes = "LSOA 2021. Source: Office for National Statistics licensed under the "
                     "Open Government Licence v.3.0. police.uk column: Contains public sector "
                     "information licensed under the Open Government Licence v3.0.";
        rc = build_hotspots(s, &f, out, err);
    } else if (strcmp(name, "repeat_locations") == 0) {
        report_table_init(out, a, "repeat_locations", "Repeat locations",
                          COLS(repeat_loc_cols));
        out->notes = "Places (normalised address) with at least three incidents in the period.";
        rc = build_repeat_locations(s, &cfg, &f, out, err);
    } else if (strcmp(name, "tasks") == 0) {
        report_table_init(out, a, "tasks", "Tasks done on time", COLS(task_cols));
        out->notes = "Share on time over tasks done or overdue; cancelled tasks excluded.";
        rc = build_tasks(s, rq, &f, out, err);
    } else if (strcmp(name, "triggers") == 0) {
        report_table_init(out, a, "triggers", "Community Trigger applications and outcomes",
                          COLS(trigger_cols));
        rc = build_triggers(s, &f, out, err);
    } else if (strcmp(name, "survey_rates") == 0) {
        report_table_init(out, a, "survey_rates", "Survey response rates",
                          COLS(rate_cols));
        out->notes = "Response rate = responded over eligible (queued, less those surveyed "
                     "within the configured period).";
        rc = build_survey_rates(s, &f, out, err);
    } else {
        rc = err_set(err, FC_ENOTFOUND, "report", "no such report");
    }
    json_decref(cfg.json);
    return rc;
}
