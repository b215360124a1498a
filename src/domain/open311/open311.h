/*
 * open311/open311.h: Open311 GeoReport v2 reports, the channel councils' web and app
 * front ends (FixMyStreet and others) speak.
 *
 * Owns the service catalogue (data/open311/services.json: each service, its attributes and
 * its NSIR category and FirstContact incident type), the API keys of posting clients (one
 * organisation each; only a BLAKE2b hash of a key is stored), taking a posted report
 * through the same intake path as a phone call (intake_report_take: the reporter matched
 * as a person, the contact with its repeat and vulnerable labels, the incident), and what
 * flows back: a request's status and its updates (victim updates and closure), as
 * servicerequestupdates.
 *
 * Disclosure rule: a request read without the key of the organisation that took it (the
 * spec makes GET requests public) carries no personal data: no description, the location
 * snapped to police.uk's anonymous street point, the postcode district only. The key of
 * the owning organisation gives the exact location and the description. Nothing here
 * ever returns the reporter's name, phone or email.
 *
 * Knows neither HTTP nor SQL. Thread-safe: the catalogue is loaded once (pthread_once) and
 * read-only afterwards; everything else goes through the store and the match service.
 */
#ifndef FC_DOMAIN_OPEN311_OPEN311_H
#define FC_DOMAIN_OPEN311_OPEN311_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/intake/intake.h"
#include "domain/match/match.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/err.h"

/* ---- the service catalogue (services.c) ---- */

struct open311_value {
    const char *key, *name;
};

struct open311_attribute {
    const char *code;
    const char *datatype; /* string, number, datetime, text, singlevaluelist, multivaluelist */
    const char *description, *datatype_description;
    bool is_variable; /* false: a notice shown to the reporter, never sent back */
    bool is_required;
    int order; /* 1 first */
    const struct open311_value *values;
    size_t n_values;
};

struct open311_service {
    const char *code, *name, *description, *group, *keywords;
    enum nsir_category category; /* unless the category attribute says otherwise */
    const char *incident_type;
    const struct open311_attribute *attributes;
    size_t n_attributes;
    const char *category_attribute; /* NULL, or the attribute whose answer picks the category */
    const struct open311_value *category_map; /* key -> category name */
    size_t n_category_map;
};

struct open311_catalogue {
    const char *version;
    const struct open311_service *services;
    size_t n_services;
    void *owner_; /* the parsed document the strings point into */
};

/*
 * Parses and checks a catalogue (every code [A-Z0-9_]+ and unique, categories and incident
 * types known, list attributes with values, the category attribute a list whose every key
 * maps). Free with open311_catalogue_free.
 */
int open311_catalogue_parse(const char *text, size_t len, struct open311_catalogue **out,
                            struct fc_err *err);
void open311_catalogue_free(struct open311_catalogue *c);
/* The embedded data/open311/services.json, parsed once; NULL (err set) if it is broken. */
const struct open311_catalogue *open311_catalogue_shared(struct fc_err *err);

const struct open311_service *open311_service_find(const struct open311_catalogue *c,
                                                   const char *code);

/* One attribute[CODE]=value pair as posted (a multivaluelist repeats its code). */
struct open311_attr_value {
    const char *code, *value;
};

/*
 * Checks the posted attributes against the service (unknown codes, values outside a list,
 * numbers and datetimes, lengths, required ones missing; field "attribute[CODE]") and gives
 * the NSIR category they imply. *json_out (in `a`) holds them as a JSON object, lists as
 * arrays, for the record.
 */
int open311_attributes_check(const struct open311_service *svc,
                             const struct open311_attr_value *vals, size_t n, struct arena *a,
                             enum nsir_category *category, char **json_out, struct fc_err *err);

/* ---- API keys (keys.c) ---- */

#define OPEN311_KEY_CHARS 43 /* 32 random bytes, base64url without padding */

struct open311_client {
    fc_id_t key_id;
    fc_id_t org_id;
};

/* Issues a key for an organisation; `key_out` gets the only copy of the key. Audited. */
int open311_key_issue(struct store *s, fc_id_t org_id, const char *label, fc_time_t now,
                      char key_out[OPEN311_KEY_CHARS + 1], fc_id_t *id_out, struct fc_err *err);
/* Revokes a key by id. Audited. */
int open311_key_revoke(struct store *s, fc_id_t key_id, fc_time_t now, struct fc_err *err);
/* The client a key belongs to; FC_EAUTH (field api_key) when it is missing, unknown or
 * revoked. */
int open311_key_check(struct store *s, const char *key, struct open311_client *out,
                      struct fc_err *err);

/* ---- requests (requests.c) ---- */

struct open311_submission {
    const char *service_code;
    const char *lat, *lon; /* as posted; both or neither */
    const char *address_string, *address_id;
    const char *email, *first_name, *last_name, *phone;
    const char *description, *media_url, *device_id, *account_id;
    const struct open311_attr_value *attributes;
    size_t n_attributes;
    /* attribute[code] pairs whose code is a client's own (lower case, e.g. FixMyStreet's
     * uprn or report_url): kept with the contact's details, not checked against the
     * service */
    const struct open311_attr_value *client_attributes;
    size_t n_client_attributes;
};

struct open311_submitted {
    fc_id_t request_id;
    struct intake_report_result intake;
};

/*
 * Takes a posted report: checks every field first (bad input writes nothing and names the
 * form field), then in one transaction the intake path (person matched, contact on channel
 * open311 with its labels, incident) and the request row; the match index learns the
 * reporter's identifiers after the commit.
 */
int open311_request_submit(struct store *s, const struct intake_rules *r,
                           struct match_service *m, const struct open311_client *client,
                           const struct open311_submission *in, fc_time_t now, struct arena *a,
                           struct open311_submitted *out, struct fc_err *err);

/* A request as the reader may see it (see the disclosure rule above). */
struct open311_request_view {
    fc_id_t id;
    const char *service_code, *service_name;
    const char *status; /* "open" / "closed" */
    const char *status_notes;
    const char *description; /* NULL unless the reader's key owns the request */
    const char *agency_responsible;
    const char *address, *zipcode;
    double lat, lon; /* NaN when unknown */
    fc_time_t requested_at, updated_at;
    const char *media_url;
};

struct open311_request_filter {
    const fc_id_t *ids; /* service_request_id list: overrides everything else */
    size_t n_ids;
    const char *const *codes;
    size_t n_codes;
    const char *status; /* NULL: both */
    fc_time_t from, to; /* requested in [from, to]; 0: unbounded */
    size_t limit;
};

/* `reader` is NULL for a public read. */
int open311_requests_list(struct store *s, const struct open311_client *reader,
                          const struct open311_request_filter *f, struct arena *a,
                          struct open311_request_view **out, size_t *n, struct fc_err *err);

struct open311_update_view {
    const char *update_id;
    fc_id_t request_id;
    const char *status; /* mySociety extended status, lower case */
    const char *description;
    fc_time_t at;
};

/* A comment the client received on one of its requests (mySociety's POST
 * servicerequestupdates, as FixMyStreet sends it). */
struct open311_comment {
    const char *service_request_id, *update_id, *status, *updated_datetime, *description;
    const char *email, *first_name, *last_name, *phone, *media_url;
};

/*
 * Takes a comment as a further contact about the request's incident, through the intake
 * path (the commenter matched as a person, labels stored); the incident itself is not
 * changed. The client's update_id makes it idempotent: sending it again returns the same
 * id and writes nothing. FC_ENOTFOUND (service_request_id) for a request that is not the
 * client's own. *id_out (in `a`) is our id for the comment.
 */
int open311_comment_submit(struct store *s, const struct intake_rules *r,
                           struct match_service *m, const struct open311_client *client,
                           const struct open311_comment *in, fc_time_t now, struct arena *a,
                           const char **id_out, struct fc_err *err);

/* Updates on the client organisation's requests, at in [from, to]. */
int open311_updates_list(struct store *s, const struct open311_client *client, fc_time_t from,
                         fc_time_t to, size_t limit, struct arena *a,
                         struct open311_update_view **out, size_t *n, struct fc_err *err);

#endif
