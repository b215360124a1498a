/* domain/match/match.c: the matching service: normalise, block, score, rank; record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/match/match_internal.h"
#include "domain/match/model.h"
#include "store/store.h"

#define MAX_CANDIDATES 1024

static int year_of(fc_time_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return 2000;
    return tm.tm_year + 1900;
}

void match_norm_record(const struct match_record *r, int ref_year, struct match_norm *out)
{
    memset(out, 0, sizeof *out);
    bool sep = (r->forename && r->forename[0]) || (r->surname && r->surname[0]);
    if (sep)
        name_normalise(r->forename, r->surname, &out->name);
    else if (r->full_name && r->full_name[0])
        name_normalise_full(r->full_name, &out->name);
    out->has_name = out->name.fore[0] || out->name.n_surs > 0;
    out->fore_meta = out->name.fore[0] ? meta_pack(out->name.fore) : 0;
    for (size_t i = 0; i < out->name.n_surs; i++)
        out->sur_meta[i] = meta_pack(out->name.surs[i]);
    out->q_fore.s = out->name.fore;
    out->q_fore.meta = out->fore_meta;
    out->q_fore.n_rel = out->name.fore[0] ? nickname_related(out->name.fore, out->q_fore.rel,
                                                             out->q_fore.rel_kind, QTOKEN_MAX_REL)
                                          : 0;
    if (out->name.n_surs > 0) {
        out->q_sur0.s = out->name.surs[0];
        out->q_sur0.meta = out->sur_meta[0];
        out->q_sur0.n_rel = nickname_related(out->name.surs[0], out->q_sur0.rel,
                                             out->q_sur0.rel_kind, QTOKEN_MAX_REL);
    }
    int32_t dob = 0;
    if (dob_parse(r->dob, ref_year, &dob) == DOB_OK)
        out->dob = dob;
    char e164[20];
    if (phone_normalise(r->phone, e164, sizeof e164)) {
        out->phone = strtoull(e164 + 3, NULL, 10);
        out->mobile = phone_is_mobile(e164);
    }
    email_normalise(r->email, out->email, sizeof out->email);
    postcode_parse(r->postcode, &out->pc);
    if (r->reference) {
        size_t j = 0;
        for (const char *p = r->reference; *p && j + 1 < sizeof out->ref_text; p++)
            if ((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z'))
                out->ref_text[j++] = *p;
            else if (*p >= 'a' && *p <= 'z')
                out->ref_text[j++] = (char)(*p - 'a' + 'A');
        out->ref_text[j] = '\0';
        if (j > 0)
            out->ref = 1; /* set properly by the index from the interned text */
    }
    if (r->address && r->address[0]) {
        address_parse(r->address, &out->addr);
        out->has_addr = out->addr.number[0] || out->addr.street_key[0] || out->addr.building[0];
        if (out->pc.level == POSTCODE_NONE) { /* a postcode typed at the end of the address */
            const char *lastc = strrchr(r->address, ',');
            if (lastc)
                postcode_parse(lastc + 1, &out->pc);
        }
    }
}

int match_service_create(const struct match_options *opt, const char *model_path,
                         struct match_service **out, struct fc_err *err)
{
    struct match_service *s = calloc(1, sizeof *s);
    if (!s)
        return err_set(err, FC_ENOMEM, "", "out of memory creating the match service");
    s->opt.same_threshold = 0.9;
    s->opt.possible_threshold = 0.2;
    s->opt.max_results = 5;
    s->opt.block_cap = 256;
    if (opt) {
        if (opt->same_threshold > 0)
            s->opt.same_threshold = opt->same_threshold;
        if (opt->possible_threshold > 0)
            s->opt.possible_threshold = opt->possible_threshold;
        if (opt->max_results > 0)
            s->opt.max_results = opt->max_results;
        if (opt->block_cap > 0)
            s->opt.block_cap = opt->block_cap;
    }
    int rc;
    if (model_path) {
        rc = model_load_json(model_path, &s->model, err);
        if (rc != FC_OK) {
            free(s);
            return rc;
        }
    } else {
        s->model = model_default();
        if (!s->model) {
            free(s);
            return err_set(err, FC_ENOMEM, "", "out of memory creating the model");
        }
    }
    pthread_rwlock_init(&s->lock, NULL);
    *out = s;
    return FC_OK;
}

void match_service_free(struct match_service *s)
{
    if (!s)
        return;
    index_free(s);
    model_free(s->model);
    pthread_rwlock_destroy(&s->lock);
    free(s);
}

static int cand_cmp(const void *a, const void *b)
{
    const struct match_candidate *x = a, *y = b;
    return x->weight < y->weight ? 1 : x->weight > y->weight ? -1 : 0;
}

int match_lookup(struct match_service *s, const struct match_record *q, fc_time_t now,
                 struct arena *a, struct match_result *out, struct fc_err *err)
{
    struct match_norm qn;
    memset(out, 0, sizeof *out);
    match_norm_record(q, year_of(now), &qn);
    if (!qn.has_name && !qn.dob && !qn.phone && !qn.email[0] && !qn.has_addr && !qn.ref &&
        qn.pc.level < POSTCODE_UNIT)
        return err_set(err, FC_EINVAL, "query",
                       "give at least one of name, date of birth, "
                       "phone, email, address or postcode");
    size_t keep = s->opt.max_results;
    out->cands = arena_alloc(a, keep * sizeof *out->cands);
    if (!out->cands)
        return err_set(err, FC_ENOMEM, "", "out of memory for match candidates");
    uint32_t slots[MAX_CANDIDATES];
    pthread_rwlock_rdlock(&s->lock);
    size_t n = index_candidates(s, &qn, slots, MAX_CANDIDATES);
    out->n_blocked = n;
    struct match_candidate c;
    for (size_t i = 0; i < n; i++) {
        const struct mperson *p = &s->persons[slots[i]];
        score_person(s, s->model, &qn, p, &c, false);
        c.person_id = p->id;
        c.slot_ = slots[i];
        if (out->n < keep) {
            out->cands[out->n++] = c;
        } else if (c.weight > out->cands[keep - 1].weight) {
            out->cands[keep - 1] = c;
        } else {
            continue;
        }
        qsort(out->cands, out->n, sizeof c, cand_cmp);
    }
    for (size_t i = 0; i < out->n; i++) /* explain the ones shown */
        score_person(s, s->model, &qn, &s->persons[out->cands[i].slot_], &out->cands[i], true);
    pthread_rwlock_unlock(&s->lock);
    for (size_t i = 0; i < out->n; i++) {
        double pr = out->cands[i].probability;
        out->cands[i].band = pr >= s->opt.same_threshold       ? MATCH_BAND_SAME
                             : pr >= s->opt.possible_threshold ? MATCH_BAND_POSSIBLE
                                                               : MATCH_BAND_NONE;
    }
    return FC_OK;
}

int match_person_add(struct match_service *s, fc_id_t person_id, const struct match_record *r,
                     fc_time_t at, struct fc_err *err)
{
    struct match_norm n;
    if (person_id <= 0)
        return err_set(err, FC_EINVAL, "person_id", "person id must be positive");
    int year = year_of(at);
    match_norm_record(r, year, &n);
    pthread_rwlock_wrlock(&s->lock);
    uint32_t slot;
    int rc = index_person_slot(s, person_id, true, &slot);
    if (rc == FC_OK)
        index_add_norm(s, slot, &n, year);
    pthread_rwlock_unlock(&s->lock);
    if (rc != FC_OK)
        return err_set(err, rc, "", "cannot add the person to the match index");
    return FC_OK;
}

/* How many records a stored person gives: rows of different kinds pair up by index. */
static size_t stored_rows(const struct person *p)
{
    size_t rows = p->n_names;
    if (p->n_dobs > rows)
        rows = p->n_dobs;
    if (p->n_phones > rows)
        rows = p->n_phones;
    if (p->n_emails > rows)
        rows = p->n_emails;
    if (p->n_addresses > rows)
        rows = p->n_addresses;
    return rows;
}

/* Record i of a stored person, and when it was recorded. `buf` holds a forename with its
 * middle names. */
static void stored_record(const struct person *p, size_t i, struct match_record *r, fc_time_t *at,
                          char *buf, size_t cap)
{
    memset(r, 0, sizeof(*r));
    *at = p->created_at;
    if (i < p->n_names) {
        r->forename = p->names[i].forename;
        r->surname = p->names[i].surname;
        r->full_name = p->names[i].raw;
        if (p->names[i].middles && r->forename) {
            /* middles travel with the forename field */
            snprintf(buf, cap, "%s %s", r->forename, p->names[i].middles);
            r->forename = buf;
        }
        *at = p->names[i].prov.recorded_at ? p->names[i].prov.recorded_at : *at;
    }
    if (i < p->n_dobs && !p->dobs[i].is_placeholder && p->dobs[i].precision == DOB_FULL)
        r->dob = p->dobs[i].date;
    if (i < p->n_phones)
        r->phone = p->phones[i].e164 ? p->phones[i].e164 : p->phones[i].raw;
    if (i < p->n_emails)
        r->email = p->emails[i].norm ? p->emails[i].norm : p->emails[i].raw;
    if (i < p->n_addresses) {
        r->address = p->addresses[i].raw;
        r->postcode = p->addresses[i].postcode;
    }
}

int match_person_add_stored(struct match_service *s, const struct person *p, struct fc_err *err)
{
    char buf[256];
    for (size_t i = 0, rows = stored_rows(p); i < rows; i++) {
        struct match_record r;
        fc_time_t at;
        stored_record(p, i, &r, &at, buf, sizeof(buf));
        int rc = match_person_add(s, p->id, &r, at, err);
        if (rc != FC_OK)
            return rc;
    }
    return FC_OK;
}

/* Every record of a stored person into `slot`; the caller holds the write lock. */
static void add_stored_locked(struct match_service *s, uint32_t slot, const struct person *p)
{
    char buf[256];
    struct match_norm n;
    for (size_t i = 0, rows = stored_rows(p); i < rows; i++) {
        struct match_record r;
        fc_time_t at;
        stored_record(p, i, &r, &at, buf, sizeof(buf));
        int year = year_of(at);
        match_norm_record(&r, year, &n);
        index_add_norm(s, slot, &n, year);
    }
}

static int load_cb(void *ctx, const struct person *p)
{
    struct fc_err e;
    return match_person_add_stored(ctx, p, &e);
}

int match_service_load(struct match_service *s, struct store *st, struct fc_err *err)
{
    if (!st->ops->person_scan)
        return err_set(err, FC_EUNAVAIL, "store", "this store cannot list persons");
    return STORE_CALL(st, person_scan, load_cb, s, err);
}

int match_person_merge(struct match_service *s, fc_id_t from, fc_id_t into, struct fc_err *err)
{
    pthread_rwlock_wrlock(&s->lock);
    uint32_t fs, is;
    int rc = index_person_slot(s, from, false, &fs);
    if (rc == FC_OK)
        rc = index_person_slot(s, into, true, &is);
    if (rc == FC_OK && fs != is) {
        struct mperson *f = &s->persons[fs], *t = &s->persons[is];
        size_t need = (size_t)t->n + f->n;
        if (need > 65535) {
            rc = FC_EINVAL;
        } else {
            struct pval *nv = realloc(t->v, need * sizeof *nv);
            if (!nv) {
                rc = FC_ENOMEM;
            } else {
                memcpy(nv + t->n, f->v, (size_t)f->n * sizeof *nv);
                t->v = nv;
                t->n = (uint16_t)need;
                t->cap = (uint16_t)need;
                f->merged = true;
                /* every block that found `from` now finds `into` */
                index_repoint(s, fs, is);
            }
        }
    }
    pthread_rwlock_unlock(&s->lock);
    if (rc != FC_OK)
        return err_set(err, rc, "person_id", "cannot merge these persons in the match index");
    return FC_OK;
}

int match_person_unmerge(struct match_service *s, const struct person *from,
                         const struct person *into, struct fc_err *err)
{
    if (from->id <= 0 || into->id <= 0 || from->id == into->id)
        return err_set(err, FC_EINVAL, "person_id", "un-merge needs two different persons");
    pthread_rwlock_wrlock(&s->lock);
    uint32_t fs, is;
    int rc = index_person_slot(s, from->id, true, &fs);
    if (rc == FC_OK)
        rc = index_person_slot(s, into->id, true, &is);
    if (rc == FC_OK) {
        /* `into` keeps only its own values again: they come back from the store, and their
         * names were counted for the term frequencies when first recorded */
        s->persons[is].n = 0;
        add_stored_locked(s, is, into);
        index_uncount_names(s, is);
        /* `from` matches again: its values were kept; its blocking keys find it again */
        s->persons[fs].merged = false;
        add_stored_locked(s, fs, from);
    }
    pthread_rwlock_unlock(&s->lock);
    if (rc != FC_OK)
        return err_set(err, rc, "person_id", "cannot un-merge these persons in the match index");
    return FC_OK;
}

int match_person_forget(struct match_service *s, fc_id_t person_id, struct fc_err *err)
{
    (void)err;
    pthread_rwlock_wrlock(&s->lock);
    uint32_t slot;
    if (index_person_slot(s, person_id, false, &slot) == FC_OK) {
        struct mperson *p = &s->persons[slot];
        index_uncount_names(s, slot);
        free(p->v);
        p->v = NULL;
        p->n = p->cap = 0;
        p->erased = true;
    }
    pthread_rwlock_unlock(&s->lock);
    return FC_OK;
}

void match_service_stats(struct match_service *s, size_t *persons, size_t *keys, size_t *bytes)
{
    pthread_rwlock_rdlock(&s->lock);
    if (persons)
        *persons = s->n_persons;
    if (keys)
        *keys = s->ix.n;
    if (bytes)
        *bytes = index_bytes(s);
    pthread_rwlock_unlock(&s->lock);
}

const char *match_band_name(enum match_band b)
{
    return b == MATCH_BAND_SAME ? "same" : b == MATCH_BAND_POSSIBLE ? "possible" : "none";
}

const char *match_field_name(enum match_field f)
{
    static const char *const n[] = { "forename", "surname", "dob",      "phone",
                                     "email",    "address", "reference" };
    return f < MATCH_FIELD_COUNT ? n[f] : "unknown";
}

void match_name_keys(const char *forename, const char *surname, char *out, size_t cap)
{
    struct name_norm nn;
    name_normalise(forename, surname, &nn);
    char p[DMETAPHONE_LEN + 1], alt[DMETAPHONE_LEN + 1];
    size_t l = (size_t)snprintf(out, cap, "{\"fore\":\"%s\",\"sur\":[", nn.fore);
    for (size_t i = 0; i < nn.n_surs && l < cap; i++)
        l += (size_t)snprintf(out + l, cap - l, "%s\"%s\"", i ? "," : "", nn.surs[i]);
    if (l < cap)
        l += (size_t)snprintf(out + l, cap - l, "],\"dm\":[");
    bool first = true;
    if (nn.fore[0] && l < cap) {
        dmetaphone(nn.fore, p, alt);
        l += (size_t)snprintf(out + l, cap - l, "\"%s\"", p);
        first = false;
    }
    for (size_t i = 0; i < nn.n_surs && l < cap; i++) {
        dmetaphone(nn.surs[i], p, alt);
        l += (size_t)snprintf(out + l, cap - l, "%s\"%s\"", first ? "" : ",", p);
        first = false;
    }
    if (l < cap)
        snprintf(out + l, cap - l, "]}");
}

void match_address_keys(const char *address, const char *postcode, char *out, size_t cap)
{
    struct address_norm an;
    struct postcode pc;
    address_parse(address, &an);
    postcode_parse(postcode, &pc);
    snprintf(out, cap, "{\"flat\":\"%s\",\"number\":\"%s\",\"street\":\"%s\",\"postcode\":\"%s\"}",
             an.flat, an.number, an.street_key, pc.level == POSTCODE_UNIT ? pc.unit : pc.district);
}
