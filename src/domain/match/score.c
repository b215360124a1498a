/*
 * domain/match/score.c: the Fellegi-Sunter model, Splink style. Each field has ordered
 * comparison levels with m and u probabilities; a level's weight is log2(m/u), with u
 * replaced by the value's own frequency in the index on exact levels marked for
 * term-frequency adjustment (so rare names weigh more). A query is compared with every
 * value the person ever had and each field takes its best level.
 *
 * Household evidence (surname, address, landline) is correlated within a household, so its
 * positive weight is capped: a father and son, or twins, share it all, and only
 * person-level evidence (forename, date of birth, mobile, email) can tell them apart.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/match/match_internal.h"
#include "domain/match/model.h"

/* indices into default_levels (and every model: loading keeps the order) */
enum {
    LV_FORENAME_EXACT,
    LV_FORENAME_NICKNAME,
    LV_FORENAME_JW_0_92,
    LV_FORENAME_JW_0_80_OR_METAPHONE,
    LV_FORENAME_MIDDLE_NAME,
    LV_FORENAME_INITIAL,
    LV_FORENAME_ELSE,
    LV_SURNAME_EXACT,
    LV_SURNAME_ONE_OF_SEVERAL_SURNAMES,
    LV_SURNAME_JW_0_92,
    LV_SURNAME_JW_0_80_OR_METAPHONE,
    LV_SURNAME_ELSE,
    LV_DOB_EXACT,
    LV_DOB_DAY_MONTH_SWAPPED_OR_ONE_DIGIT,
    LV_DOB_SAME_YEAR,
    LV_DOB_ELSE,
    LV_PHONE_EXACT_MOBILE,
    LV_PHONE_EXACT_LANDLINE,
    LV_PHONE_ONE_DIGIT,
    LV_PHONE_ELSE,
    LV_EMAIL_EXACT,
    LV_EMAIL_ONE_TYPO,
    LV_EMAIL_JW_0_90,
    LV_EMAIL_ELSE,
    LV_ADDRESS_NUMBER_AND_STREET_OR_POSTCODE,
    LV_ADDRESS_SAME_BUILDING_OTHER_FLAT,
    LV_ADDRESS_SAME_POSTCODE_OR_STREET,
    LV_ADDRESS_SAME_SECTOR,
    LV_ADDRESS_ELSE,
    LV_REFERENCE_EXACT,
    LV_REFERENCE_ONE_TYPO,
    LV_REFERENCE_ELSE,
    LV_COUNT_
};

/* Reasons in plain words are written only for the candidates shown (explain_on). */
static _Thread_local bool explain_on;
#define REASON(buf, cap, ...)                                                                  \
    do {                                                                                       \
        if (explain_on)                                                                        \
            snprintf((buf), (cap), __VA_ARGS__);                                               \
    } while (0)

static const struct model_level default_levels[] = {
    /* field, label, m, u, tf */
    { MATCH_FIELD_FORENAME, "exact", 0.82, 0.02, true },
    { MATCH_FIELD_FORENAME, "nickname", 0.05, 0.0015, false },
    { MATCH_FIELD_FORENAME, "jw>=0.92", 0.06, 0.003, false },
    { MATCH_FIELD_FORENAME, "jw>=0.80 or metaphone", 0.03, 0.015, false },
    { MATCH_FIELD_FORENAME, "middle name", 0.02, 0.004, false },
    { MATCH_FIELD_FORENAME, "initial", 0.01, 0.05, false },
    { MATCH_FIELD_FORENAME, "else", 0.002, 0.9265, false },
    { MATCH_FIELD_SURNAME, "exact", 0.82, 0.01, true },
    { MATCH_FIELD_SURNAME, "one of several surnames", 0.04, 0.0008, false },
    { MATCH_FIELD_SURNAME, "jw>=0.92", 0.07, 0.002, false },
    { MATCH_FIELD_SURNAME, "jw>=0.80 or metaphone", 0.03, 0.01, false },
    { MATCH_FIELD_SURNAME, "else", 0.04, 0.9772, false },
    { MATCH_FIELD_DOB, "exact", 0.93, 0.00005, false },
    { MATCH_FIELD_DOB, "day/month swapped or one digit", 0.06, 0.0006, false },
    { MATCH_FIELD_DOB, "same year", 0.004, 0.015, false },
    { MATCH_FIELD_DOB, "else", 0.006, 0.98435, false },
    { MATCH_FIELD_PHONE, "exact mobile", 0.6, 0.000002, false },
    { MATCH_FIELD_PHONE, "exact landline", 0.32, 0.00002, false },
    { MATCH_FIELD_PHONE, "one digit", 0.03, 0.0002, false },
    { MATCH_FIELD_PHONE, "else", 0.05, 0.999778, false },
    { MATCH_FIELD_EMAIL, "exact", 0.97, 0.000002, false },
    { MATCH_FIELD_EMAIL, "one typo", 0.01, 0.00002, false },
    { MATCH_FIELD_EMAIL, "jw>=0.90", 0.005, 0.0001, false },
    { MATCH_FIELD_EMAIL, "else", 0.015, 0.999978, false },
    { MATCH_FIELD_ADDRESS, "number and street or postcode", 0.8, 0.00002, false },
    { MATCH_FIELD_ADDRESS, "same building, other flat", 0.01, 0.00005, false },
    { MATCH_FIELD_ADDRESS, "same postcode or street", 0.13, 0.002, false },
    { MATCH_FIELD_ADDRESS, "same sector", 0.02, 0.03, false },
    { MATCH_FIELD_ADDRESS, "else", 0.04, 0.96793, false },
    { MATCH_FIELD_REFERENCE, "exact", 0.9, 0.000001, false },
    { MATCH_FIELD_REFERENCE, "one typo", 0.06, 0.00001, false },
    { MATCH_FIELD_REFERENCE, "else", 0.04, 0.999989, false },
};

struct match_model *model_default(void)
{
    struct match_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->prior_in_index = 0.5;
    m->household_cap = 3.0;
    m->n_levels = sizeof default_levels / sizeof default_levels[0];
    memcpy(m->levels, default_levels, sizeof default_levels);
    return m;
}

void model_free(struct match_model *m)
{
    free(m);
}

int model_level_index(const struct match_model *m, enum match_field f, const char *label)
{
    for (size_t i = 0; i < m->n_levels; i++)
        if (m->levels[i].field == f && strcmp(m->levels[i].label, label) == 0)
            return (int)i;
    return -1;
}

/* ---- field comparisons: each returns a level label ("" = null) ---- */

static enum name_relation qtoken_relation(const struct qtoken *qt, const char *p)
{
    for (size_t i = 0; i < qt->n_rel; i++)
        if (qt->rel[i][0] == p[0] && strcmp(qt->rel[i], p) == 0)
            return qt->rel_kind[i];
    return NAME_REL_NONE;
}

static const char *cmp_forename_one(const struct interner *in, const struct qtoken *qt,
                                    uint32_t pid, bool middle, char *reason, size_t rcap)
{
    const char *q = qt->s;
    uint32_t qmeta = qt->meta;
    const char *p = intern_str(in, pid);
    if (strcmp(q, p) == 0) {
        REASON(reason, rcap, middle ? "goes by middle name" : "same forename");
        return middle ? "middle name" : "exact";
    }
    if (middle)
        return "else";
    enum name_relation r = qtoken_relation(qt, p);
    if (r == NAME_REL_NICKNAME) {
        REASON(reason, rcap, "nickname of %.40s", strlen(q) > strlen(p) ? q : p);
        return "nickname";
    }
    size_t lq = strlen(q), lp = strlen(p);
    if (r == NAME_REL_SPELLING) {
        REASON(reason, rcap, "spelling variant of forename");
        return "jw>=0.92";
    }
    if (lq >= 3 && lp >= 3 && (strncmp(q, p, lq < lp ? lq : lp) == 0)) {
        REASON(reason, rcap, "short form of forename");
        return "nickname";
    }
    double jw = jaro_winkler(q, p);
    if (jw >= 0.92) {
        REASON(reason, rcap, "forename spelt similarly");
        return "jw>=0.92";
    }
    if (jw >= 0.80 || (in->e[pid].meta && qmeta == in->e[pid].meta)) {
        REASON(reason, rcap, "forename sounds alike");
        return "jw>=0.80 or metaphone";
    }
    if (lq == 1 || lp == 1) {
        if (q[0] == p[0]) {
            REASON(reason, rcap, "same initial");
            return "initial";
        }
    }
    REASON(reason, rcap, "different forename");
    return "else";
}

static int level_rank(const struct match_model *m, enum match_field f, const char *label)
{
    /* lower index within the field = better level. Every model keeps the default level
     * order, so the index of a (field, label literal) pair can be remembered. */
    static _Thread_local struct {
        const char *label;
        int field, index;
    } cache[48];
    static _Thread_local int n_cache;
    for (int i = 0; i < n_cache; i++)
        if (cache[i].label == label && cache[i].field == (int)f)
            return cache[i].index;
    int li = model_level_index(m, f, label);
    if (n_cache < 48) {
        cache[n_cache].label = label;
        cache[n_cache].field = (int)f;
        cache[n_cache].index = li;
        n_cache++;
    }
    return li;
}

/* Best forename level of query token q against all the person's forenames and middles. */
static int best_forename(const struct match_model *m, const struct interner *in,
                         const struct qtoken *qt, const struct mperson *p, char *reason,
                         size_t rcap)
{
    int best = -1;
    char r[64];
    for (uint16_t i = 0; i < p->n; i++) {
        if (p->v[i].kind != PV_FORE && p->v[i].kind != PV_MIDDLE)
            continue;
        r[0] = '\0';
        const char *lab = cmp_forename_one(in, qt, p->v[i].a, p->v[i].kind == PV_MIDDLE, r,
                                           sizeof r);
        int li = level_rank(m, MATCH_FIELD_FORENAME, lab);
        if (li >= 0 && (best < 0 || li < best)) {
            best = li;
            REASON(reason, rcap, "%s", r);
        }
    }
    return best;
}

static const char *cmp_surname_one(const struct interner *in, const char *q, uint32_t qmeta,
                                   uint32_t pid, bool several, char *reason, size_t rcap)
{
    const char *p = intern_str(in, pid);
    if (strcmp(q, p) == 0) {
        REASON(reason, rcap, several ? "shares one of the surnames" : "same surname");
        return several ? "one of several surnames" : "exact";
    }
    double jw = jaro_winkler(q, p);
    if (jw >= 0.92 || surname_variant(q, p)) {
        REASON(reason, rcap, "surname spelt similarly");
        return "jw>=0.92";
    }
    if (jw >= 0.80 || (in->e[pid].meta && qmeta == in->e[pid].meta)) {
        REASON(reason, rcap, "surname sounds alike");
        return "jw>=0.80 or metaphone";
    }
    REASON(reason, rcap, "different surname");
    return "else";
}

static int best_surname(const struct match_model *m, const struct interner *in,
                        const struct match_norm *qnorm, const char *qsingle,
                        uint32_t qsingle_meta, const struct mperson *p, char *reason, size_t rcap, uint32_t *exact_id)
{
    int best = -1;
    char r[64];
    size_t psur = 0;
    for (uint16_t i = 0; i < p->n; i++)
        psur += p->v[i].kind == PV_SUR;
    const struct name_norm *qn = &qnorm->name;
    size_t nq = qsingle ? 1 : qn->n_surs;
    for (size_t t = 0; t < nq; t++) {
        const char *q = qsingle ? qsingle : qn->surs[t];
        uint32_t qmeta = qsingle ? qsingle_meta : qnorm->sur_meta[t];
        for (uint16_t i = 0; i < p->n; i++) {
            if (p->v[i].kind != PV_SUR)
                continue;
            r[0] = '\0';
            bool several = (nq > 1 || psur > 1) && nq != psur;
            const char *lab = cmp_surname_one(in, q, qmeta, p->v[i].a, several && !qsingle, r,
                                              sizeof r);
            if (qsingle && strcmp(lab, "exact") != 0 && psur > 1 &&
                strcmp(q, intern_str(in, p->v[i].a)) == 0)
                lab = "one of several surnames";
            int li = level_rank(m, MATCH_FIELD_SURNAME, lab);
            if (li >= 0 && (best < 0 || li < best)) {
                best = li;
                REASON(reason, rcap, "%s", r);
                if (strcmp(lab, "exact") == 0 || strcmp(lab, "one of several surnames") == 0)
                    *exact_id = p->v[i].a;
            }
        }
    }
    return best;
}

static double tf_u(const struct interner *in, uint32_t id, int role, uint64_t total, double u)
{
    if (!id || total < 50)
        return u;
    double f = (double)(in->e[id].count[role] + 1) / (double)(total + 1);
    if (f < 1e-5)
        f = 1e-5;
    return f > u * 4 ? u * 4 : f; /* common names weigh less; rare ones more */
}

static double level_weight(const struct match_model *m, int li)
{
    return log2(m->levels[li].m / m->levels[li].u);
}

static void set_field(struct match_candidate *c, enum match_field f,
                      const struct match_model *m, int li, double w, const char *reason)
{
    c->fields[f].field = f;
    c->fields[f].level = li >= 0 ? m->levels[li].label : "null";
    c->fields[f].weight = w;
    if (explain_on)
        snprintf(c->fields[f].reason, sizeof c->fields[f].reason, "%.63s", reason ? reason : "");
}

static bool dob_near(int32_t a, int32_t b)
{
    if (a / 10000 == b / 10000 && a % 100 == b / 100 % 100 && a / 100 % 100 == b % 100)
        return true; /* day and month swapped */
    char sa[12], sb[12];
    snprintf(sa, sizeof sa, "%08d", (int)a);
    snprintf(sb, sizeof sb, "%08d", (int)b);
    return edit_distance(sa, sb, 1) <= 1;
}

static void phone_digits(uint64_t v, char *out, size_t cap)
{
    snprintf(out, cap, "%llu", (unsigned long long)v);
}

double score_person(const struct match_service *s, const struct match_model *m,
                    const struct match_norm *q, const struct mperson *p,
                    struct match_candidate *c, bool explain)
{
    explain_on = explain;
    const struct interner *in = &s->names;
    double n = s->n_persons > 1000 ? (double)s->n_persons : 1000.0;
    double total = log2(m->prior_in_index / n);
    double household = 0.0;
    char reason[64] = "";
    memset(c->fields, 0, sizeof c->fields);
    for (int f = 0; f < MATCH_FIELD_COUNT; f++)
        set_field(c, (enum match_field)f, m, -1, 0.0, "");

    /* names: normal orientation versus forename and surname swapped */
    if (q->has_name) {
        char rf[80] = "", rs[80] = "", rf2[64] = "", rs2[64] = "";
        uint32_t sid = 0, sid2 = 0;
        int lf = q->name.fore[0] ? best_forename(m, in, &q->q_fore, p, rf, sizeof rf) : -1;
        int ls = q->name.n_surs ? best_surname(m, in, q, NULL, 0, p, rs, sizeof rs, &sid)
                                : -1;
        double wf = lf >= 0 ? level_weight(m, lf) : 0, ws = ls >= 0 ? level_weight(m, ls) : 0;
        if (lf == LV_FORENAME_EXACT && m->levels[lf].tf) {
            uint32_t id = intern_get((struct interner *)in, q->name.fore, false);
            wf = log2(m->levels[lf].m / tf_u(in, id, ROLE_FORE, s->total_fore, m->levels[lf].u));
        }
        if (ls >= 0 && m->levels[ls].tf && sid)
            ws = log2(m->levels[ls].m / tf_u(in, sid, ROLE_SUR, s->total_sur, m->levels[ls].u));
        /* swapped: query surname as forename, query forename as surname */
        if (q->name.fore[0] && q->name.n_surs == 1) {
            int lf2 = best_forename(m, in, &q->q_sur0, p, rf2, sizeof rf2);
            int ls2 = best_surname(m, in, q, q->name.fore, q->fore_meta, p, rs2, sizeof rs2, &sid2);
            double wf2 = lf2 >= 0 ? level_weight(m, lf2) : 0;
            double ws2 = ls2 >= 0 ? level_weight(m, ls2) : 0;
            if (ls2 >= 0 && m->levels[ls2].tf && sid2)
                ws2 = log2(m->levels[ls2].m /
                           tf_u(in, sid2, ROLE_SUR, s->total_sur, m->levels[ls2].u));
            if (wf2 + ws2 - 1.0 > wf + ws) {
                lf = lf2;
                ls = ls2;
                wf = wf2 - 0.5;
                ws = ws2 - 0.5;
                REASON(rf, sizeof rf, "%.40s (names swapped)", rf2);
                REASON(rs, sizeof rs, "%.40s (names swapped)", rs2);
            }
        }
        if (lf >= 0) {
            set_field(c, MATCH_FIELD_FORENAME, m, lf, wf, rf);
            total += wf;
        }
        if (ls >= 0) {
            set_field(c, MATCH_FIELD_SURNAME, m, ls, ws, rs);
            if (ws > 0)
                household += ws;
            else
                total += ws;
        }
    }

    /* date of birth */
    if (q->dob) {
        int best = -1;
        for (uint16_t i = 0; i < p->n; i++) {
            if (p->v[i].kind != PV_DOB)
                continue;
            int32_t d = (int32_t)p->v[i].a;
            const char *lab = d == q->dob          ? "exact"
                              : dob_near(d, q->dob) ? "day/month swapped or one digit"
                              : d / 10000 == q->dob / 10000 ? "same year"
                                                            : "else";
            int li = level_rank(m, MATCH_FIELD_DOB, lab);
            if (best < 0 || li < best)
                best = li;
        }
        if (best >= 0) {
            const char *lab = m->levels[best].label;
            REASON(reason, sizeof reason, "%s",
                     strcmp(lab, "exact") == 0       ? "same date of birth"
                     : strcmp(lab, "else") == 0      ? "different date of birth"
                     : strcmp(lab, "same year") == 0 ? "same year of birth"
                                                     : "date of birth nearly the same");
            double w = level_weight(m, best);
            set_field(c, MATCH_FIELD_DOB, m, best, w, reason);
            total += w;
        }
    }

    /* phone */
    if (q->phone) {
        int best = -1;
        int year = 0;
        char qd[24], pd[24];
        phone_digits(q->phone, qd, sizeof qd);
        for (uint16_t i = 0; i < p->n; i++) {
            if (p->v[i].kind != PV_PHONE)
                continue;
            uint64_t v = (uint64_t)p->v[i].a | (uint64_t)(p->v[i].b & 0xff) << 32;
            bool mob = p->v[i].b & 0x100;
            const char *lab;
            if (v == q->phone) {
                lab = mob ? "exact mobile" : "exact landline";
            } else {
                phone_digits(v, pd, sizeof pd);
                lab = edit_distance(qd, pd, 1) <= 1 ? "one digit" : "else";
            }
            int li = level_rank(m, MATCH_FIELD_PHONE, lab);
            if (best < 0 || li < best) {
                best = li;
                year = PVAL_YEAR0 + (int)p->v[i].year;
            }
        }
        if (best >= 0) {
            const char *lab = m->levels[best].label;
            if (strncmp(lab, "exact", 5) == 0)
                REASON(reason, sizeof reason, "phone seen in %d", year);
            else
                REASON(reason, sizeof reason, "%s",
                         strcmp(lab, "else") == 0 ? "different phone" : "phone one digit off");
            double w = level_weight(m, best);
            set_field(c, MATCH_FIELD_PHONE, m, best, w, reason);
            if (w > 0) /* households share phones as well as addresses */
                household += w;
            else
                total += w;
        }
    }

    /* email */
    if (q->email[0]) {
        int best = -1;
        for (uint16_t i = 0; i < p->n; i++) {
            if (p->v[i].kind != PV_EMAIL)
                continue;
            const char *e = intern_str(in, p->v[i].a);
            const char *lab = strcmp(e, q->email) == 0             ? "exact"
                              : edit_distance(e, q->email, 1) <= 1   ? "one typo"
                              : jaro_winkler(e, q->email) >= 0.90 ? "jw>=0.90"
                                                                     : "else";
            int li = level_rank(m, MATCH_FIELD_EMAIL, lab);
            if (best < 0 || li < best)
                best = li;
        }
        if (best >= 0) {
            double w = level_weight(m, best);
            set_field(c, MATCH_FIELD_EMAIL, m, best, w,
                      best == LV_EMAIL_ELSE ? "different email"
                                                                       : "same email");
            total += w;
        }
    }

    /* address: postcode and street with house number and flat */
    if (q->has_addr || q->pc.level >= POSTCODE_DISTRICT) {
        int best = -1;
        int year = 0;
        for (uint16_t i = 0; i + 1 < p->n; i++) {
            if (p->v[i].kind != PV_ADDR || p->v[i + 1].kind != PV_ADDR2)
                continue;
            const char *ppc = intern_str(in, p->v[i].a);
            const char *pst = intern_str(in, p->v[i].b);
            const char *pnum = intern_str(in, p->v[i + 1].a);
            const char *pflat = intern_str(in, p->v[i + 1].b);
            bool pc_unit = q->pc.level == POSTCODE_UNIT && strcmp(ppc, q->pc.unit) == 0;
            bool pc_sector = q->pc.level >= POSTCODE_SECTOR && strlen(ppc) >= 5 &&
                             strncmp(ppc, q->pc.sector, strlen(q->pc.sector)) == 0;
            bool street = q->addr.street_key[0] && pst[0] &&
                          (strcmp(pst, q->addr.street_key) == 0 ||
                           jaro_winkler(pst, q->addr.street_key) >= 0.93);
            bool num = q->addr.number[0] && strcmp(pnum, q->addr.number) == 0;
            bool num_differs = q->addr.number[0] && pnum[0] && !num;
            bool flat_differs = q->addr.flat[0] && pflat[0] && strcmp(pflat, q->addr.flat) != 0;
            const char *lab;
            if (num && (street || pc_unit) && !flat_differs)
                lab = "number and street or postcode";
            else if (num && (street || pc_unit))
                lab = "same building, other flat";
            else if ((pc_unit || street) && !num_differs)
                lab = "same postcode or street";
            else if (pc_sector || (street && num_differs && pc_unit))
                lab = "same sector";
            else
                lab = "else";
            int li = level_rank(m, MATCH_FIELD_ADDRESS, lab);
            if (best < 0 || li < best) {
                best = li;
                year = PVAL_YEAR0 + (int)p->v[i].year;
            }
        }
        if (best >= 0) {
            const char *lab = m->levels[best].label;
            if (strcmp(lab, "number and street or postcode") == 0)
                REASON(reason, sizeof reason, "same address (seen in %d)", year);
            else
                REASON(reason, sizeof reason, "%s",
                         strcmp(lab, "else") == 0 ? "different address" : lab);
            double w = level_weight(m, best);
            set_field(c, MATCH_FIELD_ADDRESS, m, best, w, reason);
            if (w > 0)
                household += w;
            else
                total += w;
        }
    }
    /* reference number (NHS, agency or legacy-system id) */
    if (q->ref_text[0]) {
        int best = -1;
        for (uint16_t i = 0; i < p->n; i++) {
            if (p->v[i].kind != PV_REF)
                continue;
            const char *r = intern_str(in, p->v[i].a);
            const char *lab = strcmp(r, q->ref_text) == 0           ? "exact"
                              : edit_distance(r, q->ref_text, 1) <= 1 ? "one typo"
                                                                      : "else";
            int li = level_rank(m, MATCH_FIELD_REFERENCE, lab);
            if (best < 0 || li < best)
                best = li;
        }
        if (best >= 0) {
            double w = level_weight(m, best);
            set_field(c, MATCH_FIELD_REFERENCE, m, best, w,
                      strcmp(m->levels[best].label, "exact") == 0 ? "same reference number"
                      : strcmp(m->levels[best].label, "else") == 0
                          ? "different reference number"
                          : "reference number one character off");
            total += w;
        }
    }
    /* household evidence identifies a household among the n known persons' homes: it may
     * bring the odds to household_cap bits above even, no further */
    double cap = m->household_cap - log2(m->prior_in_index / n);
    total += household > cap ? cap : household;
    c->weight = total;
    c->probability = exp2(total) / (1.0 + exp2(total));
    return total;
}
