/*
 * cases/catalogue.h: the interventions an action plan is built from (shared/DESIGN.md
 * section 8, the 2014 Act's tools and powers) plus free actions.
 *
 * Each intervention says who may use it (police, council, housing provider, anyone), the
 * subject's minimum age where the Act sets one, the step that must come first (a Community
 * Protection Notice follows a written warning; a closure order follows a closure notice)
 * and a default time to due. Owns a static, read-only table; pure and thread-safe.
 */
#ifndef FC_DOMAIN_CASES_CATALOGUE_H
#define FC_DOMAIN_CASES_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>

#include "store/model.h"
#include "util/err.h"

enum cases_intervention {
    CASES_IV_WARNING_LETTER,
    CASES_IV_ABC,
    CASES_IV_MEDIATION,
    CASES_IV_CPW,
    CASES_IV_CPN,
    CASES_IV_CIVIL_INJUNCTION,
    CASES_IV_CBO,
    CASES_IV_CLOSURE_NOTICE,
    CASES_IV_CLOSURE_ORDER,
    CASES_IV_SUPPORT_REFERRAL,
    CASES_IV_FREE, /* a free action: the title says what */
    CASES_IV_COUNT
};

/* Who may take an intervention, as a bitmask over the organisation's kind. */
enum cases_issuer {
    CASES_ISSUER_POLICE = 1u << 0,
    CASES_ISSUER_COUNCIL = 1u << 1,
    CASES_ISSUER_HOUSING = 1u << 2,
    CASES_ISSUER_OTHER = 1u << 3,
    CASES_ISSUER_ANY = 0xfu,
};

struct cases_intervention_info {
    enum cases_intervention id;
    const char *code;  /* stable, stored: "warning_letter", "cpn", ... */
    const char *label; /* for people: "Community Protection Notice" */
    const char *summary;
    unsigned issuers;          /* enum cases_issuer */
    int min_age_years;         /* 0: no statutory minimum */
    int requires;              /* an enum cases_intervention done first, or -1 */
    int default_due_days;
    bool is_statutory;         /* a 2014 Act power (breach has legal consequences) */
};

/* The table entry for `iv` (never NULL for a valid id). */
const struct cases_intervention_info *cases_catalogue_get(enum cases_intervention iv);
/* Looks up a code; NULL when unknown. */
const struct cases_intervention_info *cases_catalogue_find(const char *code);
/* The issuer class of an organisation kind. */
unsigned cases_issuer_of(enum org_kind kind);

#endif
