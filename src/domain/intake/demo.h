/*
 * intake/demo.h: demonstration calls for `firstcontact demo`, one for each call-handling
 * path, so a person trying the system sees every one of them.
 *
 * Seeds (through the intake service, so labels, assessments, tasks and audit are real):
 * a first-time caller taken to a low-risk incident that is then closed (survey queued); a
 * repeat victim flagged vulnerable by Leicester City Council, screened not low risk,
 * assessed high, graded priority, with supervisor reviews (one overdue and escalated); and
 * a persistent caller whose third complaint in six months made a Community Trigger
 * application. The people are invented. Running it twice adds nothing (found by name).
 */
#ifndef FC_DOMAIN_INTAKE_DEMO_H
#define FC_DOMAIN_INTAKE_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "domain/match/match.h"
#include "store/store.h"

struct intake_demo_counts {
    size_t calls_created;
    bool was_seeded_before;
};

/* Seeds the demo calls as of `now`. `m` (may be NULL) learns the persons created. */
int intake_demo_seed(struct store *s, struct match_service *m, fc_time_t now,
                     struct intake_demo_counts *out, struct fc_err *err);

#endif
