/* cases/partner.c: partner flags and referrals matched to persons (see partner.h). */
#include "domain/cases/partner.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "domain/cases/cases.h"
#include "domain/match/record.h"
#include "util/csv.h"
#include "util/log.h"
#include "util/timeutil.h"

const char *partner_decision_name(enum partner_decision d)
{
    switch (d) {
    case PARTNER_MATCHED:
        return "matched";
    case PARTNER_NEW_PERSON:
        return "new_person";
    case PARTNER_QUEUED:
        return "queued";
    }
    return "queued";
}

enum partner_decision partner_decide(const struct match_candidate *cands, size_t n)
{
    if (n == 0 || cands[0].band == MATCH_BAND_NONE)
        return PARTNER_NEW_PERSON;
    if (cands[0].band == MATCH_BAND_SAME && (n == 1 || cands[1].band == MATCH_BAND_NONE))
        return PARTNER_MATCHED;
    return PARTNER_QUEUED;
}

static bool may_submit(const struct access_viewer *v)
{
    return v->role == ROLE_PARTNER_OFFICER || v->role == ROLE_OFFICER ||
           v->role == ROLE_SUPERVISOR;
}

static void put(json_t *o, const char *k, const char *v)
{
    if (v != NULL && v[0] != '\0')
        json_object_set_new(o, k, json_string(v));
}

static char *record_json(const struct match_record *r)
{
    json_t *o = json_object();
    put(o, "forename", r->forename);
    put(o, "surname", r->surname);
    put(o, "name", r->full_name);
    put(o, "dob", r->dob);
    put(o, "phone", r->phone);
    put(o, "email", r->email);
    put(o, "address", r->address);
    put(o, "postcode", r->postcode);
    char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    return s;
}

static const char *jstr(json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

static char *candidates_json(const struct match_result *res)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < res->n; i++) {
        const struct match_candidate *c = &res->cands[i];
        json_t *reasons = json_array();
        for (int f = 0; f < MATCH_FIELD_COUNT; f++)
            if (c->fields[f].reason[0] != '\0')
                json_array_append_new(reasons, json_string(c->fields[f].reason));
        json_array_append_new(arr, json_pack("{s:I, s:f, s:s, s:o}", "person_id",
                                             (json_int_t)c->person_id, "probability",
                                             c->probability, "band", match_band_name(c->band),
                                             "reasons", reasons));
    }
    char *s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    return s;
}

static int flag_check(const struct partner_flag_input *in, struct fc_err *err)
{
    if (in->agency == NULL || in->agency[0] == '\0')
        return err_set(err, FC_EINVAL, "agency", "is required");
    if (strlen(in->agency) > 200)
        return err_set(err, FC_EINVAL, "agency", "must be at most 200 bytes");
    if (in->flagged_at == 0)
        return err_set(err, FC_EINVAL, "flagged_at", "is required (ISO 8601 time)");
    if (in->review_date != NULL && in->review_date[0] != '\0') {
        int y, mo, d;
        if (sscanf(in->review_date, "%4d-%2d-%2d", &y, &mo, &d) != 3 ||
            strlen(in->review_date) != 10 || !time_date_is_valid(y, mo, d))
            return err_set(err, FC_EINVAL, "review_date", "must be a date YYYY-MM-DD");
    }
    const struct match_record *r = &in->person;
    bool has_name = (r->forename && r->forename[0]) || (r->surname && r->surname[0]) ||
                    (r->full_name && r->full_name[0]);
    if (!has_name)
        return err_set(err, FC_EINVAL, "person.name", "a name is required to match a person");
    return FC_OK;
}

/* Records identifiers and the flag on `pid` (0: a new person). In the caller's txn. */
static int write_flag(struct store *s, const struct access_viewer *v,
                      const struct partner_flag_input *in, fc_id_t pid, double prob,
                      struct arena *a, fc_id_t *out_pid, fc_id_t *out_flag, struct fc_err *err)
{
    struct person sp;
    int rc = match_record_to_person(&in->person, "flag", 0, in->flagged_at, a, &sp, err);
    if (rc != FC_OK)
        return rc;
    if (pid == 0) {
        sp.created_at = in->flagged_at;
        rc = store_person_insert(s, &sp, &pid, err);
    } else {
        sp.id = pid;
        rc = store_person_add_identifiers(s, &sp, err);
    }
    if (rc != FC_OK)
        return rc;
    char *raw = record_json(&in->person);
    struct flag f = { .person_id = pid,
                      .kind = (char *)(in->kind && in->kind[0] ? in->kind : "vulnerable"),
                      .agency = (char *)in->agency,
                      .org_id = v->org_id,
                      .reason = (char *)(in->reason && in->reason[0] ? in->reason : NULL),
                      .flagged_at = in->flagged_at,
                      .review_date =
                          (char *)(in->review_date && in->review_date[0] ? in->review_date : NULL),
                      .sharing_basis = (char *)in->sharing_basis,
                      .external_ref =
                          (char *)(in->external_ref && in->external_ref[0] ? in->external_ref
                                                                           : NULL),
                      .raw_details = raw,
                      .match_probability = prob };
    fc_id_t fid = 0;
    rc = store_flag_insert(s, &f, &fid, err);
    free(raw);
    if (rc != FC_OK)
        return rc;
    struct audit_event ev = { .at = in->flagged_at > 0 ? in->flagged_at : 0,
                              .actor_user_id = v->user_id,
                              .action = AUDIT_COLLECT,
                              .object_type = "flag",
                              .object_id = fid,
                              .purpose = "partner flag",
                              .detail = "flag recorded" };
    rc = store_audit_append(s, &ev, err);
    *out_pid = pid;
    *out_flag = fid;
    return rc;
}

/* Matches and writes one flag inside the caller's transaction; index update is deferred. */
static int submit_in_txn(struct store *s, struct match_service *m, const struct access_viewer *v,
                         const struct partner_flag_input *in, fc_time_t now, struct arena *a,
                         struct partner_result *out, struct fc_err *err)
{
    struct match_result res;
    int rc = match_lookup(m, &in->person, in->flagged_at, a, &res, err);
    if (rc != FC_OK)
        return rc;
    memset(out, 0, sizeof(*out));
    out->decision = partner_decide(res.cands, res.n);
    if (res.n > 0) {
        out->person_id = res.cands[0].person_id;
        out->probability = res.cands[0].probability;
    }
    if (out->decision == PARTNER_QUEUED) {
        char *raw = record_json(&in->person);
        char *cands = candidates_json(&res);
        struct flag_review r = { .org_id = v->org_id,
                                 .submitted_by = v->user_id,
                                 .external_ref = (char *)(in->external_ref && in->external_ref[0]
                                                              ? in->external_ref
                                                              : NULL),
                                 .agency = (char *)in->agency,
                                 .kind = (char *)(in->kind && in->kind[0] ? in->kind
                                                                          : "vulnerable"),
                                 .reason = (char *)in->reason,
                                 .flagged_at = in->flagged_at,
                                 .review_date = (char *)(in->review_date && in->review_date[0]
                                                             ? in->review_date
                                                             : NULL),
                                 .sharing_basis = (char *)in->sharing_basis,
                                 .raw_details = raw,
                                 .candidates = cands,
                                 .best_person_id = out->person_id,
                                 .best_probability = out->probability,
                                 .created_at = now };
        rc = STORE_CALL(s, flag_review_insert, &r, &out->review_id, err);
        free(raw);
        free(cands);
        return rc;
    }
    if (out->decision == PARTNER_MATCHED && in->external_ref && in->external_ref[0]) {
        /* the same flag sent again lands on the same person: refuse it */
        struct flag *fl = NULL;
        size_t nf = 0;
        rc = store_flag_list_for_person(s, out->person_id, a, &fl, &nf, err);
        for (size_t i = 0; rc == FC_OK && i < nf; i++)
            if (fl[i].org_id == v->org_id && fl[i].external_ref &&
                strcmp(fl[i].external_ref, in->external_ref) == 0)
                rc = err_set(err, FC_ECONFLICT, "external_ref", "this flag was already sent");
        if (rc != FC_OK)
            return rc;
    }
    fc_id_t pid = out->decision == PARTNER_MATCHED ? out->person_id : 0;
    double prob = out->decision == PARTNER_MATCHED ? out->probability : 1.0;
    if (out->decision == PARTNER_NEW_PERSON)
        out->probability = 1.0;
    return write_flag(s, v, in, pid, prob, a, &out->person_id, &out->flag_id, err);
}

int partner_flag_submit(struct store *s, struct match_service *m, const struct access_viewer *v,
                        const struct partner_flag_input *in, fc_time_t now,
                        struct partner_result *out, struct fc_err *err)
{
    if (!may_submit(v))
        return err_set(err, FC_EDENIED, "", "your role cannot raise flags");
    int rc = flag_check(in, err);
    if (rc != FC_OK)
        return rc;
    struct arena a;
    arena_init(&a, 0);
    rc = store_txn_begin(s, err);
    if (rc == FC_OK) {
        rc = submit_in_txn(s, m, v, in, now, &a, out, err);
        if (rc == FC_OK)
            rc = store_txn_commit(s, err);
        else
            store_txn_rollback(s);
    }
    if (rc == FC_ECONFLICT)
        err_set(err, FC_ECONFLICT, "external_ref", "this flag was already sent");
    if (rc == FC_OK && out->decision != PARTNER_QUEUED)
        rc = match_person_add(m, out->person_id, &in->person, in->flagged_at, err);
    if (rc == FC_OK)
        log_emit(LOG_INFO, "partner.flag", "org=%lld decision=%s", (long long)v->org_id,
                 partner_decision_name(out->decision));
    arena_free(&a);
    return rc;
}

/* ---- CSV import ------------------------------------------------------------------- */

static const char *const csv_cols[] = { "flag_id", "agency", "flagged_at", "name", "forename",
                                        "surname", "dob",    "phone",      "email", "address",
                                        "postcode", "reason", "review_date" };
enum { C_ID, C_AGENCY, C_AT, C_NAME, C_FORE, C_SUR, C_DOB, C_PHONE, C_EMAIL, C_ADDR, C_PC,
       C_REASON, C_REVIEW, C_COUNT };

struct import_row {
    char *cell[C_COUNT];
    size_t line;
    struct partner_flag_input in;
};

static int collect_refs(void *ctx, const struct flag *f)
{
    json_t *set = ctx;
    if (f->external_ref != NULL) {
        char key[96];
        snprintf(key, sizeof(key), "%lld:%s", (long long)f->org_id, f->external_ref);
        json_object_set_new(set, key, json_true());
    }
    return 0;
}

static int read_rows(const char *data, size_t len, const char *sharing_basis, struct arena *a,
                     struct import_row **out, size_t *n, struct fc_err *err)
{
    struct csv_reader r;
    csv_reader_init(&r, data, len);
    int idx[C_COUNT];
    size_t cap = 0;
    *n = 0;
    *out = NULL;
    int rc = csv_read(&r, err);
    if (rc <= 0) {
        csv_reader_free(&r);
        return rc < 0 ? rc : err_set(err, FC_EINVAL, "csv", "is empty");
    }
    for (int i = 0; i < C_COUNT; i++) {
        idx[i] = csv_field_index(&r, csv_cols[i]);
        if (idx[i] < 0) {
            csv_reader_free(&r);
            return err_set(err, FC_EINVAL, "csv", "header lacks the column %s", csv_cols[i]);
        }
    }
    while ((rc = csv_read(&r, err)) > 0) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            struct import_row *nr = arena_alloc(a, cap * sizeof(*nr));
            if (nr == NULL) {
                rc = err_set(err, FC_ENOMEM, "csv", "out of memory");
                break;
            }
            if (*n)
                memcpy(nr, *out, *n * sizeof(*nr));
            *out = nr;
        }
        struct import_row *row = &(*out)[(*n)++];
        memset(row, 0, sizeof(*row));
        row->line = r.line;
        for (int i = 0; i < C_COUNT; i++)
            row->cell[i] =
                arena_strdup(a, (size_t)idx[i] < r.n_fields ? r.fields[idx[i]] : "");
        int off;
        struct partner_flag_input *in = &row->in;
        if (!time_parse_iso8601(row->cell[C_AT], &in->flagged_at, &off)) {
            rc = err_set(err, FC_EINVAL, "flagged_at", "line %zu: not an ISO 8601 time",
                         row->line);
            break;
        }
        in->external_ref = row->cell[C_ID];
        in->agency = row->cell[C_AGENCY];
        in->kind = "vulnerable";
        in->reason = row->cell[C_REASON];
        in->review_date = row->cell[C_REVIEW];
        in->sharing_basis = sharing_basis;
        in->person = (struct match_record){ .forename = row->cell[C_FORE],
                                            .surname = row->cell[C_SUR],
                                            .full_name = row->cell[C_NAME],
                                            .dob = row->cell[C_DOB],
                                            .phone = row->cell[C_PHONE],
                                            .email = row->cell[C_EMAIL],
                                            .address = row->cell[C_ADDR],
                                            .postcode = row->cell[C_PC] };
        struct fc_err rowerr = { 0 };
        if (flag_check(in, &rowerr) != FC_OK) {
            rc = err_set(err, FC_EINVAL, rowerr.field, "line %zu: %s", row->line, rowerr.msg);
            break;
        }
    }
    csv_reader_free(&r);
    return rc < 0 ? rc : FC_OK;
}

int partner_flags_import_csv(struct store *s, struct match_service *m,
                             const struct access_viewer *v, const char *data, size_t len,
                             const char *sharing_basis, fc_time_t now,
                             struct partner_import_counts *out, struct fc_err *err)
{
    if (!may_submit(v))
        return err_set(err, FC_EDENIED, "", "your role cannot raise flags");
    memset(out, 0, sizeof(*out));
    struct arena a;
    arena_init(&a, 0);
    struct import_row *rows = NULL;
    size_t n = 0;
    json_t *seen = json_object();
    int rc = read_rows(data, len, sharing_basis, &a, &rows, &n, err);
    if (rc == FC_OK)
        rc = store_flag_scan(s, collect_refs, seen, err);
    struct fc_err ignore;
    struct flag_review *queued = NULL;
    size_t nq = 0;
    if (rc == FC_OK)
        rc = STORE_CALL(s, flag_review_list, v->org_id, NULL, &a, &queued, &nq, &ignore);
    for (size_t i = 0; rc == FC_OK && i < nq; i++)
        if (queued[i].external_ref != NULL && queued[i].status != NULL &&
            strcmp(queued[i].status, "pending") == 0)
            collect_refs(seen, &(struct flag){ .org_id = v->org_id,
                                               .external_ref = queued[i].external_ref });
    /* every row was checked above; each is then its own transaction, so the match index
     * (told after each commit, so later rows match earlier ones) never runs ahead of the
     * store, and a re-import after a failure skips what was written */
    struct partner_result res;
    for (size_t i = 0; rc == FC_OK && i < n; i++) {
        char key[96];
        snprintf(key, sizeof(key), "%lld:%s", (long long)v->org_id, rows[i].in.external_ref);
        if (rows[i].in.external_ref[0] != '\0' && json_object_get(seen, key) != NULL) {
            out->duplicates++;
            continue;
        }
        json_object_set_new(seen, key, json_true());
        struct arena ra;
        arena_init(&ra, 0);
        rc = store_txn_begin(s, err);
        if (rc == FC_OK) {
            rc = submit_in_txn(s, m, v, &rows[i].in, now, &ra, &res, err);
            if (rc == FC_OK)
                rc = store_txn_commit(s, err);
            else
                store_txn_rollback(s);
        }
        arena_free(&ra);
        if (rc == FC_OK && res.decision != PARTNER_QUEUED)
            rc = match_person_add(m, res.person_id, &rows[i].in.person, rows[i].in.flagged_at,
                                  err);
        if (rc != FC_OK) {
            struct fc_err e2 = *err;
            err_set(err, rc, e2.field, "line %zu: %s", rows[i].line, e2.msg);
            break;
        }
        out->rows++;
        out->matched += res.decision == PARTNER_MATCHED;
        out->new_persons += res.decision == PARTNER_NEW_PERSON;
        out->queued += res.decision == PARTNER_QUEUED;
    }
    if (rc == FC_OK)
        log_emit(LOG_INFO, "partner.import", "org=%lld rows=%zu matched=%zu new=%zu queued=%zu "
                                             "duplicates=%zu",
                 (long long)v->org_id, out->rows, out->matched, out->new_persons, out->queued,
                 out->duplicates);
    json_decref(seen);
    arena_free(&a);
    return rc;
}

/* ---- the review queue ------------------------------------------------------------- */

static int review_for(struct store *s, const struct access_viewer *v, fc_id_t id,
                      struct arena *a, struct flag_review *r, struct fc_err *err)
{
    int rc = STORE_CALL(s, flag_review_get, id, a, r, err);
    if (rc != FC_OK)
        return rc;
    bool is_own = r->org_id == v->org_id && may_submit(v);
    bool is_police_supervisor = access_org_is_police(v->org_kind) && v->role == ROLE_SUPERVISOR;
    if (!is_own && !is_police_supervisor)
        return err_set(err, FC_EDENIED, "review_id", "not your organisation's review");
    if (strcmp(r->status, "pending") != 0)
        return err_set(err, FC_ECONFLICT, "review_id", "already decided");
    return FC_OK;
}

/* The stored review as a flag input; strings borrow from `json` (kept by the caller). */
static void review_input(const struct flag_review *r, json_t *raw, struct partner_flag_input *in)
{
    *in = (struct partner_flag_input){ .external_ref = r->external_ref,
                                       .agency = r->agency,
                                       .kind = r->kind,
                                       .reason = r->reason,
                                       .review_date = r->review_date,
                                       .sharing_basis = r->sharing_basis,
                                       .flagged_at = r->flagged_at };
    in->person = (struct match_record){ .forename = jstr(raw, "forename"),
                                        .surname = jstr(raw, "surname"),
                                        .full_name = jstr(raw, "name"),
                                        .dob = jstr(raw, "dob"),
                                        .phone = jstr(raw, "phone"),
                                        .email = jstr(raw, "email"),
                                        .address = jstr(raw, "address"),
                                        .postcode = jstr(raw, "postcode") };
}

static double candidate_probability(const char *cands, fc_id_t person_id)
{
    json_t *arr = json_loads(cands ? cands : "[]", 0, NULL);
    double p = -1;
    size_t i;
    json_t *c;
    json_array_foreach(arr, i, c)
    {
        if ((fc_id_t)json_integer_value(json_object_get(c, "person_id")) == person_id)
            p = json_real_value(json_object_get(c, "probability"));
    }
    json_decref(arr);
    return p;
}

static int decide(struct store *s, struct match_service *m, const struct access_viewer *v,
                  fc_id_t review_id, bool is_confirm, fc_id_t person_id, fc_time_t now,
                  struct partner_result *out, struct fc_err *err)
{
    struct arena a;
    arena_init(&a, 0);
    json_t *raw = NULL;
    struct flag_review r;
    struct partner_flag_input in;
    int rc = store_txn_begin(s, err);
    if (rc != FC_OK)
        goto done;
    rc = review_for(s, v, review_id, &a, &r, err);
    if (rc == FC_OK) {
        raw = json_loads(r.raw_details, 0, NULL);
        review_input(&r, raw, &in);
    }
    fc_id_t target = 0;
    double prob = 1.0;
    if (rc == FC_OK && is_confirm) {
        target = person_id ? person_id : r.best_person_id;
        prob = candidate_probability(r.candidates, target);
        if (target == 0 || prob < 0)
            rc = err_set(err, FC_EINVAL, "person_id", "must be one of the proposed candidates");
    }
    memset(out, 0, sizeof(*out));
    if (rc == FC_OK)
        rc = write_flag(s, v, &in, target, prob, &a, &out->person_id, &out->flag_id, err);
    if (rc == FC_OK)
        rc = STORE_CALL(s, flag_review_decide, review_id, is_confirm ? "confirmed" : "rejected",
                        v->user_id, now, out->person_id, out->flag_id, err);
    if (rc == FC_OK) {
        struct audit_event ev = { .at = now,
                                  .actor_user_id = v->user_id,
                                  .action = AUDIT_COMBINE,
                                  .object_type = "person",
                                  .object_id = out->person_id,
                                  .purpose = "partner flag review",
                                  .detail = is_confirm ? "flag match confirmed"
                                                       : "flag match rejected; new person" };
        rc = store_audit_append(s, &ev, err);
    }
    if (rc == FC_OK)
        rc = store_txn_commit(s, err);
    else
        store_txn_rollback(s);
    if (rc == FC_OK) {
        out->decision = is_confirm ? PARTNER_MATCHED : PARTNER_NEW_PERSON;
        out->probability = prob;
        rc = match_person_add(m, out->person_id, &in.person, in.flagged_at, err);
    }
done:
    json_decref(raw);
    arena_free(&a);
    return rc;
}

int partner_review_confirm(struct store *s, struct match_service *m,
                           const struct access_viewer *v, fc_id_t review_id, fc_id_t person_id,
                           fc_time_t now, struct partner_result *out, struct fc_err *err)
{
    return decide(s, m, v, review_id, true, person_id, now, out, err);
}

int partner_review_reject(struct store *s, struct match_service *m,
                          const struct access_viewer *v, fc_id_t review_id, fc_time_t now,
                          struct partner_result *out, struct fc_err *err)
{
    return decide(s, m, v, review_id, false, 0, now, out, err);
}

/* ---- persons named on a case ------------------------------------------------------ */

int partner_party_add_matched(struct store *s, struct match_service *m,
                              const struct access_viewer *v, fc_id_t case_id, const char *role,
                              const struct match_record *r, fc_time_t now, struct arena *a,
                              struct partner_result *out, struct match_result *cands,
                              struct fc_err *err)
{
    if (!cases_party_role_is_valid(role))
        return err_set(err, FC_EINVAL, "role", "must be victim, perpetrator, witness or other");
    bool has_name = (r->forename && r->forename[0]) || (r->surname && r->surname[0]) ||
                    (r->full_name && r->full_name[0]);
    if (!has_name)
        return err_set(err, FC_EINVAL, "person.name", "a name is required to match a person");
    /* the viewer must be able to contribute before anything is looked up */
    struct asb_case c;
    enum access_level lvl;
    int rc = cases_level(s, v, case_id, now, a, &c, &lvl, err);
    if (rc != FC_OK)
        return rc;
    if (!access_case_can(v, lvl, ACCESS_OP_CONTRIBUTE))
        return err_set(err, FC_EDENIED, "case_id",
                       "your role or the case's sharing level does not allow this");
    rc = match_lookup(m, r, now, a, cands, err);
    if (rc != FC_OK)
        return rc;
    memset(out, 0, sizeof(*out));
    out->decision = partner_decide(cands->cands, cands->n);
    if (out->decision == PARTNER_QUEUED)
        return err_set(err, FC_ECONFLICT, "person",
                       "more than one person may match: choose one of the candidates");
    fc_id_t pid = 0;
    double prob = 1.0;
    if (out->decision == PARTNER_MATCHED) {
        pid = cands->cands[0].person_id;
        prob = cands->cands[0].probability;
        rc = cases_party_add(s, v, case_id, pid, role, prob, now, err);
    } else {
        /* a new person and their place on the case are one unit */
        struct person sp;
        rc = store_txn_begin(s, err);
        if (rc != FC_OK)
            return rc;
        rc = match_record_to_person(r, "referral", case_id, now, a, &sp, err);
        if (rc == FC_OK) {
            sp.created_at = now;
            rc = store_person_insert(s, &sp, &pid, err);
        }
        if (rc == FC_OK)
            rc = cases_party_add(s, v, case_id, pid, role, prob, now, err);
        if (rc == FC_OK)
            rc = store_txn_commit(s, err);
        else
            store_txn_rollback(s);
        if (rc == FC_OK)
            rc = match_person_add(m, pid, r, now, err);
    }
    out->person_id = pid;
    out->probability = prob;
    return rc;
}
