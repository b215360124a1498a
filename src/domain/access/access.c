/* access/access.c: the sharing matrix. See access.h for the rules and their sources. */
#include "domain/access/access.h"

#include <string.h>

static const char *const level_names[] = {
    [ACCESS_NONE] = "none",
    [ACCESS_VIEW] = "view",
    [ACCESS_CONTRIBUTE] = "contribute",
    [ACCESS_CO_OWN] = "co_own",
    [ACCESS_LEAD] = "lead",
};

bool access_org_is_police(enum org_kind kind)
{
    return kind == ORG_FORCE;
}

const char *access_level_name(enum access_level level)
{
    if ((unsigned)level > ACCESS_LEAD)
        return "none";
    return level_names[level];
}

bool access_level_parse(const char *s, enum access_level *out)
{
    if (s == NULL)
        return false;
    for (unsigned i = 0; i <= ACCESS_LEAD; i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum access_level)i;
            return true;
        }
    }
    return false;
}

bool access_share_in_force(const struct access_share *sh, fc_time_t now)
{
    if (sh->revoked_at != 0 && sh->revoked_at <= now)
        return false;
    if (sh->expires_at != 0 && sh->expires_at <= now)
        return false;
    return true;
}

/* Analysts see aggregates only and admins no records at all (DESIGN section 1). */
static bool role_reads_records(enum user_role role)
{
    return role != ROLE_ANALYST && role != ROLE_ADMIN;
}

enum access_level access_case_level(const struct access_viewer *v, fc_id_t lead_org_id,
                                    const struct access_share *shares, size_t n_shares,
                                    fc_time_t now)
{
    if (!role_reads_records(v->role) || v->org_id == 0)
        return ACCESS_NONE;
    if (v->org_id == lead_org_id)
        return ACCESS_LEAD;
    enum access_level best = ACCESS_NONE;
    for (size_t i = 0; i < n_shares; i++) {
        const struct access_share *sh = &shares[i];
        if (sh->org_id != v->org_id || !access_share_in_force(sh, now))
            continue;
        /* a share never grants lead, whatever was stored */
        enum access_level lvl = sh->level >= ACCESS_LEAD ? ACCESS_CO_OWN : sh->level;
        if (lvl > best)
            best = lvl;
    }
    return best;
}

static bool role_manages_cases(enum user_role role)
{
    return role == ROLE_OFFICER || role == ROLE_SUPERVISOR || role == ROLE_PARTNER_OFFICER;
}

bool access_case_can(const struct access_viewer *v, enum access_level level,
                     enum access_case_op op)
{
    if (!role_reads_records(v->role) || level == ACCESS_NONE)
        return false;
    switch (op) {
    case ACCESS_OP_READ:
        return true;
    case ACCESS_OP_CONTRIBUTE:
        return role_manages_cases(v->role) && level >= ACCESS_CONTRIBUTE;
    case ACCESS_OP_MANAGE:
        return role_manages_cases(v->role) && level >= ACCESS_CO_OWN;
    case ACCESS_OP_TRANSFER:
        if (level != ACCESS_LEAD)
            return false;
        return v->role == ROLE_SUPERVISOR ||
               (v->role == ROLE_PARTNER_OFFICER && !access_org_is_police(v->org_kind));
    }
    return false;
}

bool access_case_can_open(const struct access_viewer *v)
{
    if (access_org_is_police(v->org_kind))
        return v->role == ROLE_OFFICER || v->role == ROLE_SUPERVISOR;
    return v->role == ROLE_PARTNER_OFFICER || v->role == ROLE_SUPERVISOR;
}

bool access_share_level_is_grantable(enum access_level level)
{
    return level == ACCESS_VIEW || level == ACCESS_CONTRIBUTE || level == ACCESS_CO_OWN;
}

bool access_incident_visible(const struct access_viewer *v, fc_id_t owner_org_id,
                             bool is_police_only, enum access_level via_case_level)
{
    if (!role_reads_records(v->role))
        return false;
    if (is_police_only && !access_org_is_police(v->org_kind))
        return false;
    if (v->org_id == owner_org_id)
        return true;
    return via_case_level >= ACCESS_VIEW;
}

bool access_person_visible(const struct access_viewer *v, bool is_in_own_records,
                           enum access_level via_case_level)
{
    if (!role_reads_records(v->role))
        return false;
    return is_in_own_records || via_case_level >= ACCESS_VIEW;
}

unsigned access_fields(const struct access_viewer *v, fc_id_t owner_org_id,
                       enum access_level level)
{
    if (!role_reads_records(v->role))
        return 0;
    bool is_police = access_org_is_police(v->org_kind);
    /* flag reasons: police officers and supervisors, or the flag's own organisation */
    bool sees_reasons = (is_police && (v->role == ROLE_OFFICER || v->role == ROLE_SUPERVISOR)) ||
                        (v->org_id == owner_org_id && v->role != ROLE_CALL_HANDLER);
    unsigned f = 0;
    bool is_own = v->org_id == owner_org_id;
    if (is_own) {
        f = ACCESS_FIELD_ALL & ~(unsigned)ACCESS_FIELD_FLAG_REASON;
    } else {
        /* leading a case does not make another organisation's records one's own */
        if (level >= ACCESS_CONTRIBUTE)
            f |= ACCESS_FIELD_DESCRIPTION | ACCESS_FIELD_EXACT_LOCATION | ACCESS_FIELD_DOB |
                 ACCESS_FIELD_CONTACT_DETAILS;
        if (level >= ACCESS_CO_OWN)
            f |= ACCESS_FIELD_ADDRESS;
    }
    if (sees_reasons && (is_own || level >= ACCESS_VIEW))
        f |= ACCESS_FIELD_FLAG_REASON;
    return f;
}

bool access_timeline_entry_visible(const struct access_viewer *v, bool is_police_only)
{
    if (!role_reads_records(v->role))
        return false;
    return !is_police_only || access_org_is_police(v->org_kind);
}

bool access_is_disclosure(const struct access_viewer *v, fc_id_t owner_org_id)
{
    return owner_org_id != 0 && v->org_id != owner_org_id;
}
