/*
 * cases/catalogue.c: the intervention table.
 *
 * Sources (shared/DESIGN.md section 8): Portsmouth City Council "ASB formal interventions
 * summary"; Protect Nottingham "Our powers"; 2014 Act s.43 (CPW/CPN: police, council or a
 * designated landlord; subject 16 or over; written warning first), Part 1 (civil injunction:
 * council, police or housing provider applies; 10 or over, youth court for 10-17), Part 2
 * (CBO: on conviction, on the prosecution's application), Part 4 ch.3 (closure notice by
 * police or council for 24-48 h, then an order from the magistrates within 48 h).
 * Due days are FirstContact defaults for planning, not statutory limits.
 */
#include "domain/cases/catalogue.h"

#include <string.h>

#define POLICE CASES_ISSUER_POLICE
#define COUNCIL CASES_ISSUER_COUNCIL
#define HOUSING CASES_ISSUER_HOUSING

static const struct cases_intervention_info table[CASES_IV_COUNT] = {
    { CASES_IV_WARNING_LETTER, "warning_letter", "Warning letter",
      "Informal letter naming the behaviour and its consequences.", POLICE | COUNCIL | HOUSING,
      0, -1, 7, false },
    { CASES_IV_ABC, "abc", "Acceptable Behaviour Contract",
      "Voluntary written agreement, often with support; evidence for later action.",
      POLICE | COUNCIL | HOUSING, 0, -1, 14, false },
    { CASES_IV_MEDIATION, "mediation", "Mediation / restorative",
      "A neutral third party helps neighbours agree; suits disputes without threats.",
      CASES_ISSUER_ANY, 0, -1, 28, false },
    { CASES_IV_CPW, "cpw", "Community Protection Warning",
      "Written warning under s.43 before a Community Protection Notice.",
      POLICE | COUNCIL | HOUSING, 16, -1, 14, true },
    { CASES_IV_CPN, "cpn", "Community Protection Notice",
      "s.43 notice after a warning; breach is an offence (fixed penalty possible).",
      POLICE | COUNCIL | HOUSING, 16, CASES_IV_CPW, 14, true },
    { CASES_IV_CIVIL_INJUNCTION, "civil_injunction", "Civil injunction",
      "Part 1 injunction from the county or High Court (youth court 10-17).",
      POLICE | COUNCIL | HOUSING, 10, -1, 56, true },
    { CASES_IV_CBO, "cbo", "Criminal Behaviour Order",
      "Part 2 order made on conviction when the prosecution applies.", POLICE | COUNCIL, 10,
      -1, 56, true },
    { CASES_IV_CLOSURE_NOTICE, "closure_notice", "Closure notice",
      "Part 4 notice closing premises for 24 h (48 h at senior rank).", POLICE | COUNCIL, 0,
      -1, 2, true },
    { CASES_IV_CLOSURE_ORDER, "closure_order", "Closure order",
      "Magistrates' order after a closure notice, up to 3 months.", POLICE | COUNCIL, 0,
      CASES_IV_CLOSURE_NOTICE, 2, true },
    { CASES_IV_SUPPORT_REFERRAL, "support_referral", "Support referral",
      "Referral to support services for a victim or perpetrator.", CASES_ISSUER_ANY, 0, -1, 7,
      false },
    { CASES_IV_FREE, "free", "Action", "A free action; its title says what.", CASES_ISSUER_ANY,
      0, -1, 14, false },
};

const struct cases_intervention_info *cases_catalogue_get(enum cases_intervention iv)
{
    if ((unsigned)iv >= CASES_IV_COUNT)
        return NULL;
    return &table[iv];
}

const struct cases_intervention_info *cases_catalogue_find(const char *code)
{
    if (code == NULL)
        return NULL;
    for (size_t i = 0; i < CASES_IV_COUNT; i++)
        if (strcmp(table[i].code, code) == 0)
            return &table[i];
    return NULL;
}

unsigned cases_issuer_of(enum org_kind kind)
{
    switch (kind) {
    case ORG_FORCE:
        return CASES_ISSUER_POLICE;
    case ORG_DISTRICT_COUNCIL:
    case ORG_CITY_COUNCIL:
    case ORG_COUNTY_COUNCIL:
    case ORG_UNITARY:
        return CASES_ISSUER_COUNCIL;
    case ORG_HOUSING_PROVIDER:
        return CASES_ISSUER_HOUSING;
    case ORG_HEALTH:
    case ORG_OTHER:
        break;
    }
    return CASES_ISSUER_OTHER;
}
