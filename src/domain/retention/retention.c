/* retention/retention.c: see retention.h. */
#include "domain/retention/retention.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DAY_S 86400

void retention_policy_default(struct retention_policy *out)
{
    out->person_years = RETENTION_PERSON_YEARS_DEFAULT;
    out->incident_years = RETENTION_INCIDENT_YEARS_DEFAULT;
    out->flag_review_months = RETENTION_FLAG_REVIEW_MONTHS_DEFAULT;
}

int retention_policy_from_config(const struct config *cfg, struct retention_policy *out,
                                 struct fc_err *err)
{
    long v;
    retention_policy_default(out);
    int rc = config_get_long(cfg, "retention.person_years", 1, 100, out->person_years, &v, err);
    if (rc != FC_OK)
        return rc;
    out->person_years = (int)v;
    rc = config_get_long(cfg, "retention.incident_years", 1, 100, out->incident_years, &v, err);
    if (rc != FC_OK)
        return rc;
    out->incident_years = (int)v;
    rc = config_get_long(cfg, "retention.flag_review_months", 1, 1200, out->flag_review_months,
                         &v, err);
    if (rc != FC_OK)
        return rc;
    out->flag_review_months = (int)v;
    return FC_OK;
}

/* `now` moved back by whole calendar months in UTC (29 February becomes 28 or 1 March). */
static fc_time_t months_before(fc_time_t now, int months)
{
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    int total = tm.tm_year * 12 + tm.tm_mon - months;
    tm.tm_year = total / 12;
    tm.tm_mon = total % 12;
    tm.tm_isdst = 0;
    return (fc_time_t)timegm(&tm);
}

static int audit(struct store *s, fc_id_t actor, fc_time_t now, const char *type, fc_id_t id,
                 const char *purpose, const char *detail, struct fc_err *err)
{
    struct audit_event ev = { 0 };
    ev.at = now;
    ev.actor_user_id = actor;
    ev.action = AUDIT_ERASE;
    ev.object_type = (char *)type;
    ev.object_id = id;
    ev.purpose = (char *)purpose;
    ev.detail = (char *)detail;
    return store_audit_append(s, &ev, err);
}

struct flag_scan_ctx {
    struct arena *a;
    char today[11];        /* "YYYY-MM-DD" */
    fc_time_t cutoff;      /* flags without a review date older than this are due */
    fc_id_t *ids;
    size_t n, cap;
    bool is_oom;
};

static int flag_due(void *vctx, const struct flag *f)
{
    struct flag_scan_ctx *ctx = vctx;
    if (f->withdrawn_at != 0)
        return 0;
    bool due = f->review_date != NULL && f->review_date[0] != '\0'
                   ? strcmp(f->review_date, ctx->today) <= 0
                   : f->flagged_at < ctx->cutoff;
    if (!due)
        return 0;
    if (ctx->n == ctx->cap) {
        size_t cap = ctx->cap ? ctx->cap * 2 : 32;
        fc_id_t *grown = arena_alloc(ctx->a, cap * sizeof(*grown));
        if (grown == NULL) {
            ctx->is_oom = true;
            return 1;
        }
        if (ctx->n > 0)
            memcpy(grown, ctx->ids, ctx->n * sizeof(*grown));
        ctx->ids = grown;
        ctx->cap = cap;
    }
    ctx->ids[ctx->n++] = f->id;
    return 0;
}

int retention_run(struct store *s, const struct retention_policy *pol, fc_time_t now,
                  bool dry_run, fc_id_t actor, struct arena *a, struct retention_report *out,
                  struct fc_err *err)
{
    char purpose[96], detail[160];
    memset(out, 0, sizeof(*out));
    out->now = now;
    out->dry_run = dry_run;
    out->person_cutoff = months_before(now, pol->person_years * 12);
    out->incident_cutoff = months_before(now, pol->incident_years * 12);
    out->flag_cutoff = months_before(now, pol->flag_review_months);

    int rc = store_retention_persons_due(s, out->person_cutoff, a, &out->persons,
                                         &out->n_persons, err);
    if (rc == FC_OK)
        rc = store_retention_incidents_due(s, out->incident_cutoff, a, &out->incidents,
                                           &out->n_incidents, err);
    if (rc != FC_OK)
        return rc;
    struct flag_scan_ctx fctx = { .a = a, .cutoff = out->flag_cutoff };
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(fctx.today, sizeof(fctx.today), "%Y-%m-%d", &tm);
    rc = store_flag_scan(s, flag_due, &fctx, err);
    if (fctx.is_oom)
        return err_set(err, FC_ENOMEM, "", "out of memory listing flags for review");
    if (rc != FC_OK)
        return rc;
    out->flags_for_review = fctx.ids;
    out->n_flags_for_review = fctx.n;
    if (dry_run)
        return FC_OK;

    /* one transaction per record: the change and its audit event together */
    snprintf(purpose, sizeof(purpose), "retention: no activity for %d years",
             pol->person_years);
    for (size_t i = 0; i < out->n_persons; i++) {
        struct retention_person_counts c;
        rc = store_txn_begin(s, err);
        if (rc != FC_OK)
            return rc;
        rc = store_retention_person_anonymise(s, out->persons[i], now, &c, err);
        if (rc == FC_OK) {
            snprintf(detail, sizeof(detail),
                     "anonymised: %zu identifiers, %zu contacts, %zu flags, %zu persons",
                     c.identifiers, c.contacts, c.flags, c.persons);
            rc = audit(s, actor, now, "person", out->persons[i], purpose, detail, err);
        }
        if (rc == FC_OK)
            rc = store_txn_commit(s, err);
        else
            store_txn_rollback(s);
        if (rc != FC_OK)
            return rc;
        out->removed.persons += c.persons;
        out->removed.identifiers += c.identifiers;
        out->removed.contacts += c.contacts;
        out->removed.flags += c.flags;
    }
    snprintf(purpose, sizeof(purpose), "retention: closed more than %d years ago",
             pol->incident_years);
    for (size_t i = 0; i < out->n_incidents; i++) {
        rc = store_txn_begin(s, err);
        if (rc != FC_OK)
            return rc;
        rc = store_retention_incident_anonymise(s, out->incidents[i], now, err);
        if (rc == FC_OK)
            rc = audit(s, actor, now, "incident", out->incidents[i], purpose,
                       "anonymised: description and exact location removed", err);
        if (rc == FC_OK)
            rc = store_txn_commit(s, err);
        else
            store_txn_rollback(s);
        if (rc != FC_OK)
            return rc;
    }
    snprintf(detail, sizeof(detail),
             "run: %zu persons (%zu identifiers, %zu contacts, %zu flags), %zu incidents "
             "anonymised; %zu flags due for review",
             out->n_persons, out->removed.identifiers, out->removed.contacts, out->removed.flags,
             out->n_incidents, out->n_flags_for_review);
    return audit(s, actor, now, "retention", 0, "retention run", detail, err);
}
