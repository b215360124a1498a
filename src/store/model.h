/*
 * store/model.h: the records FirstContact keeps, as plain C structs.
 *
 * These are the nouns of shared/DESIGN.md section 2, shared by the store, the domain
 * services and the API. Strings are NUL-terminated UTF-8 and owned by whoever allocated the
 * struct (usually a request arena); NULL means "not recorded". Times are UTC seconds since
 * the epoch (int64); a contact also keeps the UTC offset it was received with.
 * Knows nothing of SQL, HTTP or JSON.
 */
#ifndef FC_STORE_MODEL_H
#define FC_STORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t fc_id_t;   /* row id; 0 means none */
typedef int64_t fc_time_t; /* UTC seconds since 1970-01-01 */

enum org_kind {
    ORG_FORCE,
    ORG_DISTRICT_COUNCIL,
    ORG_CITY_COUNCIL,
    ORG_COUNTY_COUNCIL,
    ORG_UNITARY,
    ORG_HOUSING_PROVIDER,
    ORG_HEALTH,
    ORG_OTHER,
};

enum user_role {
    ROLE_CALL_HANDLER,
    ROLE_OFFICER,
    ROLE_SUPERVISOR,
    ROLE_PARTNER_OFFICER,
    ROLE_ANALYST,
    ROLE_ADMIN,
    ROLE_COUNT
};

struct organisation {
    fc_id_t id;
    enum org_kind kind;
    char *name;
    char *open311_jurisdiction; /* NULL if it takes no Open311 reports */
};

struct user {
    fc_id_t id;
    fc_id_t org_id;
    char *username;
    char *display_name;
    enum user_role role;
    char *team;          /* neighbourhood team or queue, may be NULL */
    char *password_hash; /* argon2id string from libsodium */
    char *mfa_secret;    /* base32 TOTP secret, NULL when MFA is off */
    bool is_disabled;
    fc_time_t created_at;
};

struct session {
    fc_id_t user_id;
    unsigned char token_hash[32]; /* BLAKE2b of the token; the token itself is never stored */
    char csrf[44];                /* per-session CSRF token, base64url */
    fc_time_t created_at;
    fc_time_t last_seen_at;
    fc_time_t expires_at; /* absolute expiry */
};

/* Where an identifier came from. */
struct provenance {
    char *source;      /* "contact", "flag", "import", "manual", "merge" */
    fc_id_t source_id; /* contact, flag or import row id; 0 if none */
    fc_time_t recorded_at;
};

/* A name as given, with the keys the matcher derived from it at ingest. */
struct person_name {
    fc_id_t id;
    char *raw; /* as typed, e.g. "SHERGILL, Ravinder" */
    char *forename;
    char *middles;
    char *surname;
    char *keys; /* matcher's normalised keys, opaque to the store (JSON text) */
    struct provenance prov;
};

enum dob_precision { DOB_FULL, DOB_YEAR_MONTH, DOB_YEAR };

struct person_dob {
    fc_id_t id;
    char *raw;     /* as typed */
    char date[11]; /* "YYYY-MM-DD" ("YYYY-MM-00" / "YYYY-00-00" for lower precision) */
    enum dob_precision precision;
    bool is_placeholder; /* e.g. 1900-01-01: kept, never matched on */
    struct provenance prov;
};

struct person_phone {
    fc_id_t id;
    char *raw;
    char *e164; /* "+447700900123"; NULL when withheld or a placeholder */
    char *kind; /* "mobile", "landline", "unknown" */
    struct provenance prov;
};

struct person_email {
    fc_id_t id;
    char *raw;
    char *norm; /* lower-cased, trimmed */
    struct provenance prov;
};

struct person_address {
    fc_id_t id;
    char *raw;
    char *flat;
    char *number;
    char *building;
    char *street;
    char *town;
    char *postcode; /* normalised "LE1 1AA", NULL if none or invalid */
    char *uprn;
    double lat, lon;                /* NaN when unknown */
    char *keys;                     /* matcher's normalised address tokens (opaque text) */
    fc_time_t valid_from, valid_to; /* 0 when unknown / still current */
    struct provenance prov;
};

/* A person is the union of every identifier ever recorded for them. */
struct person {
    fc_id_t id;
    fc_time_t created_at;
    fc_id_t merged_into; /* 0 unless merged into another person */
    size_t n_names, n_dobs, n_phones, n_emails, n_addresses;
    struct person_name *names;
    struct person_dob *dobs;
    struct person_phone *phones;
    struct person_email *emails;
    struct person_address *addresses;
};

enum contact_channel { CHANNEL_PHONE, CHANNEL_ONLINE, CHANNEL_OPEN311, CHANNEL_PARTNER_REFERRAL };

struct contact {
    fc_id_t id;
    enum contact_channel channel;
    fc_time_t received_at;
    int received_offset_min; /* UTC offset at receipt, e.g. 60 in BST */
    fc_id_t handler_user_id;
    fc_id_t org_id;           /* organisation that took the contact */
    fc_id_t caller_person_id; /* 0 for an anonymous caller */
    fc_id_t incident_id;      /* 0 until linked */
    char *raw_details;        /* caller details as typed (JSON text) */
    char *match_snapshot;     /* what the handler was shown (JSON text); immutable */
    fc_time_t created_at;
};

enum nsir_category { NSIR_PERSONAL, NSIR_NUISANCE, NSIR_ENVIRONMENTAL };

enum incident_status { INCIDENT_OPEN, INCIDENT_CLOSED };

enum person_role { ROLE_IN_CALLER, ROLE_IN_VICTIM, ROLE_IN_WITNESS, ROLE_IN_SUSPECT };

struct incident_person {
    fc_id_t person_id;
    enum person_role role;
    bool is_hate_strand;
};

struct incident {
    fc_id_t id;
    fc_id_t org_id; /* owning organisation */
    enum nsir_category category;
    char *incident_type; /* "noise", "neighbour_dispute", ... (DESIGN.md section 3) */
    char *description;
    char *location_raw;
    char *location_postcode;
    char *location_key; /* normalised address key, for repeat-location counting */
    char *lsoa_code;
    double lat, lon; /* NaN when unknown */
    enum incident_status status;
    char *grade;         /* "emergency", "priority", "scheduled", "resolved_first_contact" */
    char *risk_level;    /* "standard", "medium", "high", or NULL before screening */
    bool is_police_only; /* never shown to partner organisations */
    fc_time_t occurred_at;
    fc_time_t created_at;
    fc_time_t closed_at;
    char *closure_code;
    char *outcome;
    size_t n_persons;
    struct incident_person *persons;
};

struct flag {
    fc_id_t id;
    fc_id_t person_id;
    char *kind;     /* "vulnerable", "hate_target", "officer_safety", ... */
    char *agency;   /* the flagging agency's name */
    fc_id_t org_id; /* organisation that raised it, 0 if external */
    char *reason;
    fc_time_t flagged_at;
    char *review_date;      /* "YYYY-MM-DD", informational */
    fc_time_t withdrawn_at; /* 0 while in force */
    char *sharing_basis;
    char *external_ref;       /* the agency's own id, e.g. "F00001" */
    char *raw_details;        /* the agency's rendering of the person (JSON text) */
    double match_probability; /* how sure the match to person_id was; 1 when by hand */
};

enum audit_action {
    AUDIT_COLLECT,
    AUDIT_ALTER,
    AUDIT_CONSULT,
    AUDIT_DISCLOSE,
    AUDIT_COMBINE,
    AUDIT_ERASE,
    AUDIT_LOGIN,
    AUDIT_EXPORT,
    AUDIT_CONFIG,
    AUDIT_BREAK_GLASS, /* a supervisor's override of a sharing refusal (migration 0007) */
};

struct audit_event {
    int64_t seq;
    fc_time_t at;
    fc_id_t actor_user_id; /* 0 for the system */
    enum audit_action action;
    char *object_type; /* "person", "incident", "contact", "flag", "case", "user", ... */
    fc_id_t object_id;
    char *purpose; /* the stated justification */
    char *detail;  /* short, no erased content */
    unsigned char prev_hash[32];
    unsigned char hash[32];
};

/*
 * Enumeration names as stored, exported and shown in the API ("call_handler", "victim").
 * *_name returns NULL for a value out of range; *_parse returns false for an unknown name.
 */
const char *model_org_kind_name(enum org_kind v);
bool model_org_kind_parse(const char *s, enum org_kind *out);
const char *model_user_role_name(enum user_role v);
bool model_user_role_parse(const char *s, enum user_role *out);
const char *model_dob_precision_name(enum dob_precision v);
bool model_dob_precision_parse(const char *s, enum dob_precision *out);
const char *model_channel_name(enum contact_channel v);
bool model_channel_parse(const char *s, enum contact_channel *out);
const char *model_nsir_category_name(enum nsir_category v);
bool model_nsir_category_parse(const char *s, enum nsir_category *out);
const char *model_incident_status_name(enum incident_status v);
bool model_incident_status_parse(const char *s, enum incident_status *out);
const char *model_person_role_name(enum person_role v);
bool model_person_role_parse(const char *s, enum person_role *out);
const char *model_audit_action_name(enum audit_action v);
bool model_audit_action_parse(const char *s, enum audit_action *out);

#endif
