/*
 * survey/demo.h: invented satisfaction survey answers for the demonstration store.
 *
 * For contacts with a caller and an incident, queues the caller for the survey as closure
 * would, and answers most of them by phone call-back with invented answers (a few decline;
 * the not-twice rule marks the rest not eligible), so the dashboard's satisfaction figures
 * have enough answers to show. Deterministic for a seed; running it again adds nothing.
 * Not thread-safe; run once from the demo command.
 */
#ifndef FC_DOMAIN_SURVEY_DEMO_H
#define FC_DOMAIN_SURVEY_DEMO_H

#include <stddef.h>

#include "store/store.h"
#include "util/err.h"

struct survey_demo_counts {
    size_t queued, answered, declined, not_eligible;
};

int survey_demo_seed(struct store *s, fc_time_t now, unsigned seed,
                     struct survey_demo_counts *out, struct fc_err *err);

#endif
