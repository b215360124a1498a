/*
 * access/access.h: who may see and do what with records across organisations.
 *
 * The one place for record-level sharing rules (shared/DESIGN.md sections 1 and 11). A
 * user belongs to one organisation. Police records are the force's; a partner (council,
 * housing provider, health) sees another organisation's case, its incidents and persons
 * only through a case shared with it, and only the fields its level allows. Police-only
 * incidents and timeline entries never reach a non-police organisation, whatever the
 * share. Every read that crosses an organisation boundary is a disclosure (DPA 2018
 * s.62), which the caller audits with action "disclose".
 *
 * Levels are ordered: none < view < contribute < co_own < lead. The lead organisation
 * holds "lead"; a share grants view, contribute or co_own until it expires or is revoked.
 * Knows nothing of storage or HTTP. Pure and thread-safe.
 */
#ifndef FC_DOMAIN_ACCESS_ACCESS_H
#define FC_DOMAIN_ACCESS_ACCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "store/model.h"
#include "util/err.h"

/* Who is asking: the signed-in user, their organisation and its kind. */
struct access_viewer {
    fc_id_t user_id;
    fc_id_t org_id;
    enum org_kind org_kind;
    enum user_role role;
};

enum access_level {
    ACCESS_NONE = 0,
    ACCESS_VIEW,
    ACCESS_CONTRIBUTE,
    ACCESS_CO_OWN,
    ACCESS_LEAD,
};

/* One organisation's share of a case, as stored. */
struct access_share {
    fc_id_t org_id;
    enum access_level level;  /* ACCESS_VIEW, ACCESS_CONTRIBUTE or ACCESS_CO_OWN */
    fc_time_t expires_at;     /* 0: no expiry */
    fc_time_t revoked_at;     /* 0: in force */
};

/* What one may do with a case. */
enum access_case_op {
    ACCESS_OP_READ,         /* see the case, its timeline, shared incidents and persons */
    ACCESS_OP_CONTRIBUTE,   /* add actions, contact logs, notes, reviews, conference minutes */
    ACCESS_OP_MANAGE,       /* assess, share, change the lead officer, close, reopen */
    ACCESS_OP_TRANSFER,     /* hand the lead to another organisation */
};

/*
 * Fields of a shared record, as a bitmask. The summary (ids, names, roles, category, type,
 * dates, area, status, risk level) is always part of a visible record; these are the
 * details beyond it.
 */
enum access_field {
    ACCESS_FIELD_DESCRIPTION = 1u << 0,     /* incident free text */
    ACCESS_FIELD_EXACT_LOCATION = 1u << 1,  /* street address, UPRN, lat/lon (else postcode district) */
    ACCESS_FIELD_DOB = 1u << 2,
    ACCESS_FIELD_CONTACT_DETAILS = 1u << 3, /* phones, emails */
    ACCESS_FIELD_ADDRESS = 1u << 4,         /* home addresses */
    ACCESS_FIELD_FLAG_REASON = 1u << 5,     /* sensitive (Schedule 8): own flags or police */
    ACCESS_FIELD_ALL = (1u << 6) - 1,
};

/* True for the force; every other kind is a partner. */
bool access_org_is_police(enum org_kind kind);

/* "view", "contribute", "co_own", "lead", "none"; parse returns false on anything else. */
const char *access_level_name(enum access_level level);
bool access_level_parse(const char *s, enum access_level *out);

/* True if a share is in force at `now`. */
bool access_share_in_force(const struct access_share *sh, fc_time_t now);

/*
 * The viewer's level on a case led by `lead_org_id` with `shares`: lead for the lead
 * organisation, else the highest share in force for the viewer's organisation. Roles that
 * never read case records (analyst: aggregates only; admin: no records) get none.
 */
enum access_level access_case_level(const struct access_viewer *v, fc_id_t lead_org_id,
                                    const struct access_share *shares, size_t n_shares,
                                    fc_time_t now);

/*
 * Whether the viewer may do `op` at `level`. Call handlers only read. Opening, sharing or
 * closing (manage) needs an officer, supervisor or partner officer at co_own or lead;
 * transfer needs a supervisor, or a partner officer of the lead organisation.
 */
bool access_case_can(const struct access_viewer *v, enum access_level level,
                     enum access_case_op op);

/*
 * Whether the viewer may open a case led by their own organisation (DESIGN section 1:
 * officers and supervisors when police lead; partner officers when their org leads).
 */
bool access_case_can_open(const struct access_viewer *v);

/* Which levels a share may grant (view, contribute, co_own): never lead, never none. */
bool access_share_level_is_grantable(enum access_level level);

/*
 * Whether an incident owned by `owner_org_id` is visible: to its own organisation always
 * (except to admins and analysts); to another organisation only through a case at
 * `via_case_level` >= view, and never when it is police-only and the viewer is not police.
 */
bool access_incident_visible(const struct access_viewer *v, fc_id_t owner_org_id,
                             bool is_police_only, enum access_level via_case_level);

/*
 * Whether a person is visible: if own organisation's records hold them, or through a case
 * shared at `via_case_level` >= view that involves them.
 */
bool access_person_visible(const struct access_viewer *v, bool is_in_own_records,
                           enum access_level via_case_level);

/*
 * Detail fields (enum access_field) the viewer sees on a record owned by `owner_org_id`
 * reached at `level`. Own records: everything. Through a share: view gets the summary
 * only; contribute adds description, exact location, date of birth and contact details;
 * co_own and lead add home addresses. A flag's reason is shown to police officers and supervisors
 * and to the flag's own organisation only (DESIGN section 1).
 */
unsigned access_fields(const struct access_viewer *v, fc_id_t owner_org_id,
                       enum access_level level);

/* Whether a case timeline entry is visible (police-only entries: police only). */
bool access_timeline_entry_visible(const struct access_viewer *v, bool is_police_only);

/* True when showing a record owned by `owner_org_id` to the viewer discloses it to another
 * organisation: the caller writes an audit event with action "disclose". */
bool access_is_disclosure(const struct access_viewer *v, fc_id_t owner_org_id);

/* ---- Record rules for the JSON API (persons, contacts, incidents, flags) ---- */

/* How long after it was received a contact counts as live for its handler: reads of the
 * caller's record during it need no separate purpose (DESIGN section 11). */
#define ACCESS_LIVE_CONTACT_S (4L * 3600)

/*
 * Whether the viewer's organisation holds the person in its own records. The force's
 * person index is the force's record, so police staff always do; a partner does when one of
 * its contacts, incidents or flags names the person (`n_own_links` > 0).
 */
bool access_person_is_own(const struct access_viewer *v, size_t n_own_links);

/* Whether a contact is live for the viewer: theirs, and received within the window. */
bool access_contact_is_live(const struct access_viewer *v, fc_id_t handler_user_id,
                            fc_time_t received_at, fc_time_t now);

/* Grade or re-grade an incident (DESIGN section 1: call handler, supervisor). */
bool access_can_grade(const struct access_viewer *v);

/* Lower a risk level (supervisor only, with a reason). */
bool access_can_lower_risk(const struct access_viewer *v);

/* Raise a flag, or change or withdraw one raised by `flag_org_id` (0: external agency):
 * police officers and supervisors for police and external flags; partner officers for
 * their own organisation's flags. */
bool access_can_change_flag(const struct access_viewer *v, fc_id_t flag_org_id,
                            enum org_kind flag_org_kind);

/* Whether the viewer sees a flag's reason text (sensitive, Schedule 8). */
bool access_flag_reason_visible(const struct access_viewer *v, fc_id_t flag_org_id);

/* ---- Break the glass, audit reports, second factor (issue 8; breakglass.c) ---- */

/* How long a break-the-glass grant lasts, and the bounds of its stated reason. */
#define ACCESS_BREAK_GLASS_S 3600 /* one hour */
#define ACCESS_BREAK_GLASS_REASON_MIN 10
#define ACCESS_BREAK_GLASS_REASON_MAX 500

/*
 * Whether the viewer may override a sharing refusal on one record ("break the glass"):
 * supervisors only, police or partner. The override never reaches a police-only incident
 * from a partner organisation, and admins and analysts still read no records.
 */
bool access_can_break_glass(const struct access_viewer *v);

/* "person", "incident" and "case" are the records a grant may name. */
bool access_break_glass_object_is_valid(const char *object_type);

/*
 * Checks a stated reason: valid UTF-8, and after trimming spaces between
 * ACCESS_BREAK_GLASS_REASON_MIN and _MAX characters. FC_EINVAL naming "reason" if not.
 */
int access_break_glass_reason_check(const char *reason, struct fc_err *err);

/*
 * The level a grant gives the viewer on its record: view while it is in force
 * (`expires_at` > now) and the viewer may still break the glass, else none. Pass it as
 * `via_case_level` to the *_visible rules above.
 */
enum access_level access_break_glass_level(const struct access_viewer *v, fc_time_t expires_at,
                                           fc_time_t now);

/* Who may read the audit reports ("who looked at this person", "whose records did this
 * user look at", break-the-glass events): supervisors and admins. */
bool access_can_read_audit(const struct access_viewer *v);

/* Whether an audit event by a user of `actor_org_id` shows in the viewer's reports: every
 * event for admins, their own organisation's users' events for supervisors. */
bool access_audit_event_visible(const struct access_viewer *v, fc_id_t actor_org_id);

/* The roles that may turn on the optional TOTP second factor: supervisors and admins. */
bool access_can_use_totp(enum user_role role);

#endif
