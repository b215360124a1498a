/* store/model.c: names of the model's enumerations (see model.h). */
#include "store/model.h"

#include <string.h>

static const char *const org_kinds[] = { "force",        "district_council",
                                         "city_council", "county_council",
                                         "unitary",      "housing_provider",
                                         "health",       "other" };
static const char *const user_roles[] = { "call_handler",    "officer", "supervisor",
                                          "partner_officer", "analyst", "admin" };
static const char *const dob_precisions[] = { "full", "year_month", "year" };
static const char *const channels[] = { "phone", "online", "open311", "partner_referral" };
static const char *const nsir_categories[] = { "personal", "nuisance", "environmental" };
static const char *const incident_statuses[] = { "open", "closed" };
static const char *const person_roles[] = { "caller", "victim", "witness", "suspect" };
static const char *const audit_actions[] = { "collect", "alter", "consult", "disclose", "combine",
                                             "erase",   "login", "export",  "config",
                                             "break_glass" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *name_of(const char *const *names, size_t n, int v)
{
    return v >= 0 && (size_t)v < n ? names[v] : NULL;
}

static bool parse_of(const char *const *names, size_t n, const char *s, int *out)
{
    if (s == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(names[i], s) == 0) {
            *out = (int)i;
            return true;
        }
    }
    return false;
}

#define ENUM_NAMES(fn, type, table)                                                                \
    const char *model_##fn##_name(type v)                                                          \
    {                                                                                              \
        return name_of(table, COUNT(table), (int)v);                                               \
    }                                                                                              \
    bool model_##fn##_parse(const char *s, type *out)                                              \
    {                                                                                              \
        int v;                                                                                     \
        if (!parse_of(table, COUNT(table), s, &v))                                                 \
            return false;                                                                          \
        *out = (type)v;                                                                            \
        return true;                                                                               \
    }

ENUM_NAMES(org_kind, enum org_kind, org_kinds)
ENUM_NAMES(user_role, enum user_role, user_roles)
ENUM_NAMES(dob_precision, enum dob_precision, dob_precisions)
ENUM_NAMES(channel, enum contact_channel, channels)
ENUM_NAMES(nsir_category, enum nsir_category, nsir_categories)
ENUM_NAMES(incident_status, enum incident_status, incident_statuses)
ENUM_NAMES(person_role, enum person_role, person_roles)
ENUM_NAMES(audit_action, enum audit_action, audit_actions)
