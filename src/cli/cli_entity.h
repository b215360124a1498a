/*
 * cli/cli_entity.h: the CSV layouts `import` and `export` share, one per entity.
 *
 * Times are ISO 8601 in UTC ("2026-03-02T21:14:07Z"), a contact's received_at with the
 * offset it was received at. Empty means not recorded. Persons are one row per identifier
 * (kind = name, dob, phone, email or address; a person with none has one row with an empty
 * kind); the columns an identifier does not use are empty. An incident's persons column
 * lists "person_id:role" or "person_id:role:hate", separated by ';'.
 */
#ifndef FC_CLI_ENTITY_H
#define FC_CLI_ENTITY_H

#include <stdio.h>

#define CLI_ORG_COLUMNS  "id,kind,name,open311_jurisdiction"
#define CLI_USER_COLUMNS "id,org_id,username,display_name,role,team,is_disabled,created_at"
#define CLI_PERSON_COLUMNS                                                                         \
    "person_id,created_at,merged_into,kind,raw,forename,middles,surname,date,precision,"           \
    "is_placeholder,e164,phone_kind,email,flat,number,building,street,town,postcode,uprn,lat,"     \
    "lon,valid_from,valid_to,keys,source,source_id,recorded_at"
#define CLI_CONTACT_COLUMNS                                                                        \
    "id,channel,received_at,handler_user_id,org_id,caller_person_id,incident_id,raw_details,"      \
    "match_snapshot,created_at"
#define CLI_INCIDENT_COLUMNS                                                                       \
    "id,org_id,category,incident_type,description,location_raw,location_postcode,location_key,"    \
    "lsoa_code,lat,lon,status,grade,risk_level,is_police_only,occurred_at,created_at,closed_at,"   \
    "closure_code,outcome,persons"
#define CLI_FLAG_COLUMNS                                                                           \
    "id,person_id,kind,agency,org_id,reason,flagged_at,review_date,withdrawn_at,sharing_basis,"    \
    "external_ref,raw_details,match_probability"

/* The entities, in the order a whole-store import must follow (references point back). */
#define CLI_ENTITIES "organisations, users, persons, incidents, contacts, flags"

/* Returns the header for an entity name, or NULL when unknown. */
static inline const char *cli_entity_columns(const char *entity)
{
    static const struct {
        const char *name, *columns;
    } t[] = {
        { "organisations", CLI_ORG_COLUMNS },  { "users", CLI_USER_COLUMNS },
        { "persons", CLI_PERSON_COLUMNS },     { "contacts", CLI_CONTACT_COLUMNS },
        { "incidents", CLI_INCIDENT_COLUMNS }, { "flags", CLI_FLAG_COLUMNS },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (__builtin_strcmp(t[i].name, entity) == 0)
            return t[i].columns;
    }
    return NULL;
}

#endif
