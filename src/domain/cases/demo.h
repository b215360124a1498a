/*
 * cases/demo.h: live demonstration cases for `firstcontact demo`.
 *
 * Creates (or finds, by name) the force and partner organisations and the staff the cases
 * need, a few persons and incidents, and live partnership cases across two councils: a
 * police-led neighbour dispute co-owned with Charnwood Borough Council with an overdue
 * review, a Leicester City Council-led case the police contribute to, and a Community
 * Trigger review with its statutory deadlines. Everything goes through the case service,
 * so timelines and audit trails are real. Running it twice adds nothing (cases are found
 * by title). Users it creates have no password until `firstcontact user passwd`.
 */
#ifndef FC_DOMAIN_CASES_DEMO_H
#define FC_DOMAIN_CASES_DEMO_H

#include <stddef.h>

#include "domain/match/match.h"
#include "store/store.h"

struct cases_demo_counts {
    size_t cases_created;
    size_t cases_existing;
};

/* Seeds the demo cases as of `now`. `m` (may be NULL) learns the persons created. */
int cases_demo_seed(struct store *s, struct match_service *m, fc_time_t now,
                    struct cases_demo_counts *out, struct fc_err *err);

#endif
