/* domain/jobs/jobs.c: see jobs.h. */
#include "domain/jobs/jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"
#include "util/log.h"

#define JOBS_MAX 32

struct job {
    char name[65];
    int64_t interval_s;
    jobs_fn fn;
    void *ctx;
    fc_time_t next_try_at; /* this node's next attempt */
};

struct jobs {
    struct job job[JOBS_MAX];
    size_t n;
};

int jobs_create(struct jobs **out, struct fc_err *err)
{
    *out = calloc(1, sizeof(**out));
    if (*out == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory creating the job table");
    return FC_OK;
}

void jobs_free(struct jobs *j)
{
    free(j);
}

int jobs_add(struct jobs *j, const char *name, int64_t interval_s, jobs_fn fn, void *ctx,
             struct fc_err *err)
{
    if (name == NULL || name[0] == '\0' || strlen(name) > 64)
        return err_set(err, FC_EINVAL, "name", "job name must be 1-64 characters");
    if (interval_s < 1)
        return err_set(err, FC_EINVAL, "interval_s", "job interval must be at least 1 second");
    if (fn == NULL)
        return err_set(err, FC_EINVAL, "fn", "job needs a function");
    for (size_t i = 0; i < j->n; i++)
        if (strcmp(j->job[i].name, name) == 0)
            return err_set(err, FC_ECONFLICT, "name", "job %s is already registered", name);
    if (j->n == JOBS_MAX)
        return err_set(err, FC_EINVAL, "name", "at most %d jobs", JOBS_MAX);
    struct job *b = &j->job[j->n++];
    memset(b, 0, sizeof(*b));
    snprintf(b->name, sizeof(b->name), "%s", name);
    b->interval_s = interval_s;
    b->fn = fn;
    b->ctx = ctx;
    return FC_OK;
}

static int64_t ms_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (int64_t)(t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

void jobs_tick(struct jobs *j, struct store *st, fc_time_t now, size_t *out_ran,
               size_t *out_failed)
{
    size_t ran = 0, failed = 0;
    for (size_t i = 0; i < j->n; i++) {
        struct job *b = &j->job[i];
        struct fc_err err = { 0 };
        bool claimed = false;
        if (now < b->next_try_at)
            continue;
        if (store_job_try_begin(st, b->name, now, b->interval_s, &claimed, &err) != FC_OK) {
            log_emit(LOG_WARN, "jobs.claim_failed", "job=%s status=%s", b->name,
                     err_status_name(err.status));
            b->next_try_at = now + (b->interval_s < 10 ? b->interval_s : 10);
            failed++;
            continue;
        }
        if (!claimed) {
            /* another node ran it lately or runs it now: look again a little later */
            int64_t again = b->interval_s / 4;
            b->next_try_at = now + (again < 1 ? 1 : again);
            continue;
        }
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        size_t done = 0;
        int rc = b->fn(b->ctx, st, now, &done, &err);
        struct fc_err end_err = { 0 };
        if (store_job_end(st, b->name, (fc_time_t)time(NULL), &end_err) != FC_OK)
            log_emit(LOG_WARN, "jobs.end_failed", "job=%s status=%s", b->name,
                     err_status_name(end_err.status));
        b->next_try_at = now + b->interval_s;
        ran++;
        if (rc != FC_OK) {
            failed++;
            log_emit(LOG_WARN, "jobs.run", "job=%s started=%lld status=%s ms=%lld", b->name,
                     (long long)now, err_status_name(err.status), (long long)ms_since(&t0));
        } else {
            log_emit(LOG_INFO, "jobs.run", "job=%s started=%lld done=%zu ms=%lld", b->name,
                     (long long)now, done, (long long)ms_since(&t0));
        }
    }
    if (out_ran)
        *out_ran = ran;
    if (out_failed)
        *out_failed = failed;
}
