/*
 * cases/partner.h: partner intake. Councils, housing providers and health flag vulnerable
 * persons (one at a time through the API, or a CSV in the callgen partner_flags.csv
 * layout) and name the persons on a referral. Each rendering of a person is matched the
 * way a call is (match/match.h). A sure, unambiguous match goes onto that person; nothing
 * plausible makes a new person; anything in between waits in a review queue for a person
 * to confirm or reject, never silently onto the wrong person.
 *
 * After a commit the match index is told of the identifiers recorded. Thread-safe as the
 * store and the match service are.
 */
#ifndef FC_DOMAIN_CASES_PARTNER_H
#define FC_DOMAIN_CASES_PARTNER_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/access/access.h"
#include "domain/match/match.h"
#include "store/store.h"

enum partner_decision {
    PARTNER_MATCHED,    /* onto an existing person */
    PARTNER_NEW_PERSON, /* nobody plausible: a new person */
    PARTNER_QUEUED,     /* uncertain: the review queue */
};
const char *partner_decision_name(enum partner_decision d);

/*
 * The rule, given ranked candidates and the match service's bands: matched when the best
 * is in the "same person" band and no other candidate is even possible (a household or a
 * namesake makes it ambiguous); a new person when nobody is possible; else queued.
 */
enum partner_decision partner_decide(const struct match_candidate *cands, size_t n);

struct partner_flag_input {
    const char *external_ref; /* the agency's flag id, e.g. "F00001" */
    const char *agency;       /* required */
    const char *kind;         /* NULL: "vulnerable" */
    const char *reason;
    const char *review_date;  /* "YYYY-MM-DD" or NULL */
    const char *sharing_basis;
    fc_time_t flagged_at;     /* required */
    struct match_record person; /* the agency's rendering */
};

struct partner_result {
    enum partner_decision decision;
    fc_id_t person_id; /* matched or new person; the best candidate when queued */
    fc_id_t flag_id;   /* 0 when queued */
    fc_id_t review_id; /* 0 unless queued */
    double probability;
};

/* Matches and records one flag (or queues it). Partner officers and supervisors. */
int partner_flag_submit(struct store *s, struct match_service *m, const struct access_viewer *v,
                        const struct partner_flag_input *in, fc_time_t now,
                        struct partner_result *out, struct fc_err *err);

struct partner_import_counts {
    size_t rows, matched, new_persons, queued, duplicates;
};

/*
 * Imports a partner_flags.csv buffer. Every row is checked before anything is written
 * (a bad row fails the import naming its line, and nothing is written); then each row is
 * its own transaction. Rows whose flag_id the organisation sent before (recorded or
 * pending review) are counted as duplicates and skipped, so an import can be re-run.
 */
int partner_flags_import_csv(struct store *s, struct match_service *m,
                             const struct access_viewer *v, const char *data, size_t len,
                             const char *sharing_basis, fc_time_t now,
                             struct partner_import_counts *out, struct fc_err *err);

/* Confirms a queued flag onto `person_id` (0: the proposed best candidate). */
int partner_review_confirm(struct store *s, struct match_service *m,
                           const struct access_viewer *v, fc_id_t review_id, fc_id_t person_id,
                           fc_time_t now, struct partner_result *out, struct fc_err *err);
/* Rejects the proposed match: the flag goes onto a new person. */
int partner_review_reject(struct store *s, struct match_service *m,
                          const struct access_viewer *v, fc_id_t review_id, fc_time_t now,
                          struct partner_result *out, struct fc_err *err);

/*
 * Adds a person named on a case by their details: matched as above; when uncertain,
 * nothing is written and FC_ECONFLICT returns with the candidates in *cands (in `a`) so
 * the officer picks one and calls cases_party_add with its id.
 */
int partner_party_add_matched(struct store *s, struct match_service *m,
                              const struct access_viewer *v, fc_id_t case_id, const char *role,
                              const struct match_record *r, fc_time_t now, struct arena *a,
                              struct partner_result *out, struct match_result *cands,
                              struct fc_err *err);

#endif
