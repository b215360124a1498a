/*
 * domain/jobs/jobs.h: periodic jobs (review escalation, reminders, survey screening,
 * purges, retention) run once per interval however many server nodes share the store.
 *
 * A job is a name, an interval and a function. jobs_tick() runs each job whose local turn
 * has come, but only after the store grants the claim (store.h, job_try_begin: an advisory
 * lock held while the job runs, and a run recorded no earlier than one interval after the
 * previous one, whichever node ran that); a node that is refused tries again later. On a
 * single-node store every claim is granted. Each run logs one event=jobs.run line.
 *
 * Threads: a struct jobs belongs to the thread that ticks it (serve's main thread); the job
 * functions run on that thread and must not keep store transactions open across calls.
 */
#ifndef FC_DOMAIN_JOBS_JOBS_H
#define FC_DOMAIN_JOBS_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "store/model.h"
#include "util/err.h"

struct store;
struct jobs;

/* One run: *out_done (set to 0 before the call) counts what it did, for the log line. */
typedef int (*jobs_fn)(void *ctx, struct store *st, fc_time_t now, size_t *out_done,
                       struct fc_err *err);

int jobs_create(struct jobs **out, struct fc_err *err);
void jobs_free(struct jobs *j); /* NULL-safe */

/* Registers a job: name 1-64 characters, unique; interval_s >= 1. */
int jobs_add(struct jobs *j, const char *name, int64_t interval_s, jobs_fn fn, void *ctx,
             struct fc_err *err);

/*
 * Runs every job whose turn has come at `now` and that the store lets this node claim.
 * A failing job is logged and tried again at its next turn; the others still run.
 * *out_ran (may be NULL) counts the runs made; *out_failed (may be NULL) those that failed.
 */
void jobs_tick(struct jobs *j, struct store *st, fc_time_t now, size_t *out_ran,
               size_t *out_failed);

#endif
