/* domain/match/train.c: λ by deterministic rules, u by random sampling, m by EM. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/match/match_internal.h"
#include "domain/match/model.h"
#include "domain/match/train.h"

#define U_SAMPLES 200000
#define MAX_PAIRS 4000000
#define EM_MAX_ITER 25
#define LEVEL_NULL 255

/* one compared pair: the level index (into the model) of each field, or LEVEL_NULL */
struct tpair {
    uint8_t lv[MATCH_FIELD_COUNT];
};

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static void pair_levels(const struct match_service *s, const struct match_model *m,
                        const struct match_norm *q, const struct mperson *p, struct tpair *out)
{
    struct match_candidate c;
    score_person(s, m, q, p, &c, false);
    for (int f = 0; f < MATCH_FIELD_COUNT; f++) {
        int li = model_level_index(m, (enum match_field)f, c.fields[f].level);
        out->lv[f] = li < 0 ? LEVEL_NULL : (uint8_t)li;
    }
}

static bool is_label(const struct match_model *m, uint8_t li, const char *label)
{
    return li != LEVEL_NULL && strcmp(m->levels[li].label, label) == 0;
}

/* The deterministic rules: same email; same forename, surname and date of birth; same
 * phone and forename. */
static bool rule_match(const struct match_model *m, const struct tpair *p)
{
    if (is_label(m, p->lv[MATCH_FIELD_EMAIL], "exact"))
        return true;
    bool fore = is_label(m, p->lv[MATCH_FIELD_FORENAME], "exact");
    if (fore && is_label(m, p->lv[MATCH_FIELD_SURNAME], "exact") &&
        is_label(m, p->lv[MATCH_FIELD_DOB], "exact"))
        return true;
    return fore && (is_label(m, p->lv[MATCH_FIELD_PHONE], "exact mobile") ||
                    is_label(m, p->lv[MATCH_FIELD_PHONE], "exact landline"));
}

/* One EM session over the pairs that satisfy `in_block`; fields in `fixed` keep their m. */
static int em_session(struct match_model *m, const struct tpair *pairs, size_t n,
                      bool (*in_block)(const struct match_model *, const struct tpair *),
                      const bool fixed[MATCH_FIELD_COUNT])
{
    double lam = 0.1;
    double *post = malloc(n * sizeof *post);
    if (!post)
        return 0;
    int it;
    for (it = 0; it < EM_MAX_ITER; it++) {
        double sum_post = 0, cnt = 0;
        double mnum[MODEL_MAX_LEVELS] = { 0 };
        double fden[MATCH_FIELD_COUNT] = { 0 };
        for (size_t i = 0; i < n; i++) {
            if (!in_block(m, &pairs[i]))
                continue;
            double lm = log(lam), lu = log(1 - lam);
            for (int f = 0; f < MATCH_FIELD_COUNT; f++) {
                uint8_t li = pairs[i].lv[f];
                if (li == LEVEL_NULL || fixed[f])
                    continue;
                lm += log(m->levels[li].m);
                lu += log(m->levels[li].u);
            }
            double pr = 1.0 / (1.0 + exp(lu - lm));
            post[i] = pr;
            sum_post += pr;
            cnt++;
            for (int f = 0; f < MATCH_FIELD_COUNT; f++) {
                uint8_t li = pairs[i].lv[f];
                if (li == LEVEL_NULL)
                    continue;
                mnum[li] += pr;
                fden[f] += pr;
            }
        }
        if (cnt == 0)
            break;
        double new_lam = sum_post / cnt;
        double delta = 0;
        for (size_t li = 0; li < m->n_levels; li++) {
            enum match_field f = m->levels[li].field;
            if (fixed[f] || fden[f] <= 0)
                continue;
            double nm = (mnum[li] + 0.01) / (fden[f] + 0.01 * 8);
            delta = fmax(delta, fabs(nm - m->levels[li].m));
            m->levels[li].m = nm;
        }
        lam = fmin(fmax(new_lam, 1e-6), 1 - 1e-6);
        if (delta < 1e-4)
            break;
    }
    free(post);
    return it + 1;
}

static bool block_dob(const struct match_model *m, const struct tpair *p)
{
    return is_label(m, p->lv[MATCH_FIELD_DOB], "exact");
}

static bool block_name(const struct match_model *m, const struct tpair *p)
{
    return is_label(m, p->lv[MATCH_FIELD_FORENAME], "exact") &&
           is_label(m, p->lv[MATCH_FIELD_SURNAME], "exact");
}

int match_train(const struct match_record *recs, size_t n, unsigned seed, const char *out_path,
                struct match_train_report *rep, struct fc_err *err)
{
    struct match_service *s = NULL;
    struct tpair *pairs = NULL;
    struct match_norm *norms = NULL;
    memset(rep, 0, sizeof *rep);
    rep->records = n;
    if (n < 10)
        return err_set(err, FC_EINVAL, "records", "training needs at least 10 records");
    int rc = match_service_create(NULL, NULL, &s, err);
    if (rc != FC_OK)
        return rc;
    struct match_model *m = s->model;
    norms = calloc(n, sizeof *norms);
    pairs = malloc(MAX_PAIRS * sizeof *pairs);
    if (!norms || !pairs) {
        rc = err_set(err, FC_ENOMEM, "", "out of memory for training");
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        match_norm_record(&recs[i], 2025, &norms[i]);
        rc = match_person_add(s, (fc_id_t)i + 1, &recs[i], 0, err);
        if (rc != FC_OK)
            goto out;
    }
    /* u: levels of random pairs, which are almost all non-matches */
    uint64_t rng = seed ? seed : 0x9e3779b97f4a7c15ULL;
    double ucount[MODEL_MAX_LEVELS] = { 0 }, utot[MATCH_FIELD_COUNT] = { 0 };
    for (size_t k = 0; k < U_SAMPLES; k++) {
        size_t i = rng_next(&rng) % n, j = rng_next(&rng) % n;
        if (i == j)
            continue;
        struct tpair tp;
        pair_levels(s, m, &norms[i], &s->persons[j], &tp);
        rep->u_pairs++;
        for (int f = 0; f < MATCH_FIELD_COUNT; f++)
            if (tp.lv[f] != LEVEL_NULL) {
                ucount[tp.lv[f]]++;
                utot[f]++;
            }
    }
    for (size_t li = 0; li < m->n_levels; li++) {
        enum match_field f = m->levels[li].field;
        if (utot[f] > 0) /* add-half smoothing keeps rare levels above zero */
            m->levels[li].u = (ucount[li] + 0.5) / (utot[f] + 0.5 * 8);
    }
    /* blocked pairs: every record against the candidates its blocking keys find */
    uint32_t cand[1024];
    size_t np = 0;
    for (size_t i = 0; i < n && np < MAX_PAIRS; i++) {
        size_t nc = index_candidates(s, &norms[i], cand, 1024);
        for (size_t k = 0; k < nc && np < MAX_PAIRS; k++) {
            if (cand[k] <= i) /* slot j holds record j; each pair once */
                continue;
            pair_levels(s, m, &norms[i], &s->persons[cand[k]], &pairs[np]);
            if (rule_match(m, &pairs[np]))
                rep->rule_pairs++;
            np++;
        }
    }
    rep->blocked_pairs = np;
    double all_pairs = (double)n * (double)(n - 1) / 2.0;
    rep->lambda = fmax((double)rep->rule_pairs, 1.0) / all_pairs;
    /* the probability that a looked-up record has its match among the others */
    m->prior_in_index = fmin(0.95, fmax(0.05, rep->lambda * (double)n));
    bool fix_dob[MATCH_FIELD_COUNT] = { false }, fix_name[MATCH_FIELD_COUNT] = { false };
    fix_dob[MATCH_FIELD_DOB] = true;
    fix_name[MATCH_FIELD_FORENAME] = fix_name[MATCH_FIELD_SURNAME] = true;
    rep->em_iterations[0] = em_session(m, pairs, np, block_dob, fix_dob);
    rep->em_iterations[1] = em_session(m, pairs, np, block_name, fix_name);
    rc = model_save_json(m, out_path, err);
out:
    free(pairs);
    free(norms);
    match_service_free(s);
    return rc;
}
