/*
 * retention/retention.h: review, retention and disposal of personal data (DPA 2018 s.39,
 * principle 5; the MoPI review periods, DESIGN section 11).
 *
 * One run, callable from `firstcontact retention run` and from the server's scheduler:
 * - persons with no activity for `person_years` (nothing recorded about them, no contact,
 *   incident, flag or case since) and nothing live (no flag in force, open incident or
 *   open case) are anonymised: their identifiers are deleted, the caller details of their
 *   contacts and the reasons of their withdrawn flags cleared. The person, contact, flag
 *   and incident rows stay, so counts and statistics still add up;
 * - incidents closed more than `incident_years` ago (and on no open case) lose their free
 *   text and exact location; category, type, LSOA and dates stay;
 * - flags in force past their review date, or without one and older than
 *   `flag_review_months`, are listed for review by a person: never changed here.
 * Every anonymisation is audited ("erase", no erased content) in the transaction that
 * makes it, and the run is summarised in one more event. A dry run writes nothing.
 *
 * Configuration ([retention] section): person_years (6), incident_years (6),
 * flag_review_months (12). Thread rules: one run at a time per store (the caller's lock);
 * the store's own transactions make each record's change atomic.
 */
#ifndef FC_DOMAIN_RETENTION_RETENTION_H
#define FC_DOMAIN_RETENTION_RETENTION_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"
#include "util/config.h"

#define RETENTION_PERSON_YEARS_DEFAULT 6
#define RETENTION_INCIDENT_YEARS_DEFAULT 6
#define RETENTION_FLAG_REVIEW_MONTHS_DEFAULT 12

struct retention_policy {
    int person_years;       /* 1..100 */
    int incident_years;     /* 1..100 */
    int flag_review_months; /* 1..1200 */
};

struct retention_report {
    fc_time_t now, person_cutoff, incident_cutoff, flag_cutoff;
    bool dry_run;
    fc_id_t *persons; /* due (dry run) or anonymised, id order */
    size_t n_persons;
    struct retention_person_counts removed; /* totals (zero in a dry run) */
    fc_id_t *incidents;
    size_t n_incidents;
    fc_id_t *flags_for_review; /* in force and due for review */
    size_t n_flags_for_review;
};

/* The defaults above. */
void retention_policy_default(struct retention_policy *out);
/* Reads retention.person_years, retention.incident_years and retention.flag_review_months
 * (missing keys keep their defaults). FC_EINVAL naming the key when out of range. */
int retention_policy_from_config(const struct config *cfg, struct retention_policy *out,
                                 struct fc_err *err);

/*
 * Runs the policy at `now` as user `actor` (0: the system). Fills *out (arrays in `a`).
 * On an error part-way, what was anonymised stays anonymised and audited; a re-run
 * carries on.
 */
int retention_run(struct store *s, const struct retention_policy *pol, fc_time_t now,
                  bool dry_run, fc_id_t actor, struct arena *a, struct retention_report *out,
                  struct fc_err *err);

#endif
