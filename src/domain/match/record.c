/*
 * domain/match/record.c: what the matcher stores beside each identifier (normalised
 * values and keys) and the per-person history the call handler sees, read from the store.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/match/match_internal.h"
#include "domain/match/record.h"
#include "store/store.h"

static char *dup_or_null(struct arena *a, const char *s)
{
    return s && s[0] ? arena_strdup(a, s) : NULL;
}

int match_record_to_person(const struct match_record *r, const char *source, fc_id_t source_id,
                           fc_time_t at, struct arena *a, struct person *out,
                           struct fc_err *err)
{
    memset(out, 0, sizeof *out);
    out->created_at = at;
    struct provenance prov = { .source = (char *)source, .source_id = source_id,
                               .recorded_at = at };
    struct match_norm n;
    match_norm_record(r, 2100, &n);
    if (n.has_name) {
        struct person_name *pn = arena_alloc(a, sizeof *pn);
        char keys[512], sur[256] = "", mid[256] = "";
        if (!pn)
            goto nomem;
        for (size_t i = 0, l = 0; i < n.name.n_surs && l < sizeof sur; i++)
            l += (size_t)snprintf(sur + l, sizeof sur - l, "%s%s", i ? " " : "", n.name.surs[i]);
        for (size_t i = 0, l = 0; i < n.name.n_middles && l < sizeof mid; i++)
            l += (size_t)snprintf(mid + l, sizeof mid - l, "%s%s", i ? " " : "",
                                  n.name.middles[i]);
        bool sep = (r->forename && r->forename[0]) || (r->surname && r->surname[0]);
        char raw[512];
        if (sep)
            snprintf(raw, sizeof raw, "%s%s%s", r->forename ? r->forename : "",
                     r->forename && r->forename[0] && r->surname && r->surname[0] ? " " : "",
                     r->surname ? r->surname : "");
        else
            snprintf(raw, sizeof raw, "%s", r->full_name);
        match_name_keys(n.name.fore, sur, keys, sizeof keys);
        pn->raw = dup_or_null(a, raw);
        pn->forename = dup_or_null(a, n.name.fore);
        pn->middles = dup_or_null(a, mid);
        pn->surname = dup_or_null(a, sur);
        pn->keys = arena_strdup(a, keys);
        pn->prov = prov;
        out->names = pn;
        out->n_names = 1;
    }
    int32_t dob = 0;
    enum dob_status ds = dob_parse(r->dob, 2100, &dob);
    if (ds != DOB_MISSING) {
        struct person_dob *pd = arena_alloc(a, sizeof *pd);
        if (!pd)
            goto nomem;
        pd->raw = dup_or_null(a, r->dob);
        pd->precision = DOB_FULL;
        pd->is_placeholder = ds == DOB_PLACEHOLDER;
        if (ds == DOB_OK)
        {
            char d[32];
            snprintf(d, sizeof d, "%04d-%02d-%02d", (int)(dob / 10000) % 10000,
                     (int)(dob / 100 % 100), (int)(dob % 100));
            memcpy(pd->date, d, sizeof pd->date - 1);
            pd->date[sizeof pd->date - 1] = '\0';
        }
        else
            snprintf(pd->date, sizeof pd->date, "1900-01-01");
        pd->prov = prov;
        out->dobs = pd;
        out->n_dobs = 1;
    }
    if (n.phone) {
        struct person_phone *pp = arena_alloc(a, sizeof *pp);
        if (!pp)
            goto nomem;
        pp->raw = dup_or_null(a, r->phone);
        pp->e164 = arena_sprintf(a, "+44%llu", (unsigned long long)n.phone);
        pp->kind = n.mobile ? "mobile" : "landline";
        pp->prov = prov;
        out->phones = pp;
        out->n_phones = 1;
    }
    if (n.email[0]) {
        struct person_email *pe = arena_alloc(a, sizeof *pe);
        if (!pe)
            goto nomem;
        pe->raw = dup_or_null(a, r->email);
        pe->norm = arena_strdup(a, n.email);
        pe->prov = prov;
        out->emails = pe;
        out->n_emails = 1;
    }
    if (n.has_addr || n.pc.level >= POSTCODE_DISTRICT) {
        struct person_address *pa = arena_alloc(a, sizeof *pa);
        char keys[256];
        if (!pa)
            goto nomem;
        pa->raw = dup_or_null(a, r->address);
        pa->flat = dup_or_null(a, n.addr.flat);
        pa->number = dup_or_null(a, n.addr.number);
        pa->building = dup_or_null(a, n.addr.building);
        pa->street = dup_or_null(a, n.addr.street_key);
        /* the store keeps a full unit postcode only; partial ones stay in keys */
        pa->postcode = n.pc.level == POSTCODE_UNIT ? arena_strdup(a, n.pc.unit) : NULL;
        double lat, lon;
        if (pa->postcode && postcode_coords(pa->postcode, &lat, &lon)) {
            pa->lat = lat;
            pa->lon = lon;
        } else {
            pa->lat = pa->lon = NAN;
        }
        match_address_keys(r->address, r->postcode, keys, sizeof keys);
        pa->keys = arena_strdup(a, keys);
        pa->prov = prov;
        out->addresses = pa;
        out->n_addresses = 1;
    }
    return FC_OK;
nomem:
    return err_set(err, FC_ENOMEM, "", "out of memory building person identifiers");
}

int match_history_get(struct store *st, fc_id_t person_id, fc_time_t now, struct arena *a,
                      struct match_history *out, struct fc_err *err)
{
    memset(out, 0, sizeof *out);
    const fc_time_t year = (fc_time_t)365 * 24 * 3600;
    struct contact_query q = { .caller_person_id = person_id, .from = now - year, .to = now,
                               .limit = 1000 };
    struct contact *cs = NULL;
    size_t n = 0;
    int rc = store_contact_search(st, &q, a, &cs, &n, err);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; i < n; i++) { /* strictly before now, within 365 days */
        if (cs[i].received_at >= now || cs[i].received_at < now - year)
            continue;
        if (out->n_shown < MATCH_HISTORY_MAX)
            out->contacts_12m[out->n_shown++] = cs[i];
        out->n_contacts_12m++;
    }
    struct flag *fs = NULL;
    size_t nf = 0;
    rc = store_flag_list_for_person(st, person_id, a, &fs, &nf, err);
    if (rc != FC_OK)
        return rc;
    for (size_t i = 0; i < nf; i++)
        if (fs[i].flagged_at <= now && (fs[i].withdrawn_at == 0 || fs[i].withdrawn_at > now) &&
            out->n_flags < MATCH_HISTORY_MAX)
            out->flags[out->n_flags++] = fs[i];
    out->vulnerable = false;
    for (size_t i = 0; i < out->n_flags; i++)
        if (out->flags[i].kind && strcmp(out->flags[i].kind, "vulnerable") == 0)
            out->vulnerable = true;
    return FC_OK;
}
