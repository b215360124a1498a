/*
 * cli/cmd_serve.c: `firstcontact serve`: migrate, open the store, build the person index,
 * serve HTTP until SIGTERM or SIGINT, then shut down gracefully.
 *
 * Signals are blocked in every thread before the server starts (its workers inherit the
 * mask) and taken here with sigwait(), so no handler runs in signal context. On the signal
 * the server stops accepting, requests in flight finish, and the store closes cleanly.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "domain/cases/cases.h"
#include "domain/intake/intake.h"
#include "domain/jobs/jobs.h"
#include "domain/match/match.h"
#include "domain/match/match_sync.h"
#include "domain/retention/retention.h"
#include "domain/survey/survey.h"
#include "http/server.h"
#include "store/store.h"
#include "util/config.h"
#include "util/log.h"

/* Scheduled jobs (domain/jobs): each runs once per `job_interval_s` across every node
 * sharing the store. The system is the actor. */

/* Escalates overdue case reviews to the lead officers' supervisors (DESIGN section 2). */
static int job_case_reviews(void *ctx, struct store *st, fc_time_t now, size_t *out_done,
                            struct fc_err *err)
{
    (void)ctx;
    return cases_review_escalate_due(st, now, out_done, err);
}

/* Call handling (issue 4): overdue supervisory reviews escalate, and victim updates falling
 * due in the next day become tasks in the team queues. */
static int job_call_handling(void *ctx, struct store *st, fc_time_t now, size_t *out_done,
                             struct fc_err *err)
{
    (void)ctx;
    const struct intake_rules *r = intake_rules_shared(err);
    struct intake_actor system = { .user_id = 0, .role = ROLE_SUPERVISOR, .now = now };
    size_t escalated = 0, reminded = 0;
    if (r == NULL)
        return err->status;
    int rc = intake_reviews_escalate(st, r, &system, &escalated, err);
    if (rc == FC_OK)
        rc = intake_updates_remind(st, r, &system, 24L * 3600, &reminded, err);
    *out_done = escalated + reminded;
    return rc;
}

/* Survey (issue 7): queued rows of people surveyed within the period become not_eligible. */
static int job_survey_screen(void *ctx, struct store *st, fc_time_t now, size_t *out_done,
                             struct fc_err *err)
{
    const struct survey_config *cfg = ctx;
    size_t eligible = 0, skipped = 0;
    int rc = survey_queue_screen(st, cfg, now, &eligible, &skipped, err);
    *out_done = eligible + skipped;
    return rc;
}

static int job_session_purge(void *ctx, struct store *st, fc_time_t now, size_t *out_done,
                             struct fc_err *err)
{
    (void)ctx;
    return store_session_purge(st, now, out_done, err);
}

/* The change feed other nodes follow keeps a week: a node away longer rebuilds its index. */
#define CHANGE_FEED_KEEP_S (7L * 24 * 3600)
static int job_change_feed_purge(void *ctx, struct store *st, fc_time_t now, size_t *out_done,
                                 struct fc_err *err)
{
    (void)ctx;
    return store_changes_purge(st, now - CHANGE_FEED_KEEP_S, out_done, err);
}

/* Retention (DESIGN section 11): the configured policy, run as the system. The persons it
 * anonymises leave this node's match index at once (other nodes learn through the feed). */
struct retention_job {
    struct retention_policy policy;
    struct match_service *match;
};

static int job_retention(void *ctx, struct store *st, fc_time_t now, size_t *out_done,
                         struct fc_err *err)
{
    const struct retention_job *job = ctx;
    struct retention_report rep;
    struct arena a;
    arena_init(&a, 0);
    int rc = retention_run(st, &job->policy, now, false, 0, &a, &rep, err);
    for (size_t i = 0; rc == FC_OK && i < rep.n_persons; i++)
        rc = match_person_forget(job->match, rep.persons[i], err);
    if (rc == FC_OK)
        *out_done = rep.n_persons + rep.n_incidents;
    arena_free(&a);
    return rc;
}

static int jobs_standard(struct jobs *j, int64_t interval_s, const struct survey_config *survey,
                         struct fc_err *err)
{
    int rc = jobs_add(j, "case_review_escalate", interval_s, job_case_reviews, NULL, err);
    if (rc == FC_OK)
        rc = jobs_add(j, "call_handling_sweep", interval_s, job_call_handling, NULL, err);
    if (rc == FC_OK)
        rc = jobs_add(j, "survey_screen", interval_s, job_survey_screen, (void *)survey, err);
    if (rc == FC_OK)
        rc = jobs_add(j, "session_purge", interval_s, job_session_purge, NULL, err);
    if (rc == FC_OK)
        rc = jobs_add(j, "change_feed_purge", interval_s, job_change_feed_purge, NULL, err);
    return rc;
}

int cmd_serve(int argc, char **argv);

static void serve_usage(FILE *f)
{
    fprintf(f,
            "usage: firstcontact serve [--db PATH] [--listen HOST:PORT] [--config FILE]\n"
            "                          [--set KEY=VALUE]...\n\n"
            "Runs the migrations, opens the store and serves the web UI and the JSON API\n"
            "until SIGTERM or SIGINT; requests in flight finish before it exits.\n\n"
            "  --listen HOST:PORT address to listen on (port 0 picks a free port)\n" CLI_COMMON_HELP
            "\nPrecedence: defaults < --config file < FC_* environment < flags.\n"
            "Prints `listening on http://HOST:PORT` once it accepts connections.\n");
}

static int parse_listen(const char *s, char *host, size_t host_len, uint16_t *port)
{
    const char *colon = strrchr(s, ':');
    char *end;
    if (colon == NULL || colon == s || (size_t)(colon - s) >= host_len)
        return -1;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (errno != 0 || *end != '\0' || colon[1] == '\0' || p < 0 || p > 65535)
        return -1;
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    *port = (uint16_t)p;
    return 0;
}

static int options_from_config(const struct config *cfg, struct http_options *opt, char *host,
                               size_t host_len, struct fc_err *err)
{
    long v;
    int rc;
    http_options_default(opt);
    if (parse_listen(config_get(cfg, "listen"), host, host_len, &opt->port) != 0)
        return err_set(err, FC_EINVAL, "listen", "must be HOST:PORT, e.g. 127.0.0.1:8080");
    opt->host = host;
    rc = config_get_long(cfg, "workers", 1, 256, 8, &v, err);
    if (rc != FC_OK)
        return rc;
    opt->threads = (unsigned)v;
    rc = config_get_long(cfg, "max_body_bytes", 1024, 64L << 20, HTTP_MAX_BODY_BYTES, &v, err);
    if (rc != FC_OK)
        return rc;
    opt->max_body_bytes = (size_t)v;
    rc = config_get_long(cfg, "session_idle_min", 1, 24L * 60, 30, &v, err);
    if (rc != FC_OK)
        return rc;
    opt->session_idle_min = (int)v;
    rc = config_get_long(cfg, "session_max_hours", 1, 24L * 7, 12, &v, err);
    if (rc != FC_OK)
        return rc;
    opt->session_max_hours = (int)v;
    opt->tile_url = config_get(cfg, "tile_url");
    opt->tile_attribution = config_get(cfg, "tile_attribution");
    const char *secure = config_get(cfg, "cookie_secure");
    opt->is_tls = secure != NULL && (strcmp(secure, "true") == 0 || strcmp(secure, "1") == 0);
    const char *proxy = config_get(cfg, "trust_proxy");
    opt->trust_proxy = proxy != NULL && (strcmp(proxy, "true") == 0 || strcmp(proxy, "1") == 0);
    return FC_OK;
}

int cmd_serve(int argc, char **argv)
{
    struct config cfg = { 0 };
    struct fc_err err = { 0 };
    struct store *st = NULL;
    struct match_service *match = NULL;
    struct match_sync *sync = NULL;
    struct jobs *jobs = NULL;
    struct survey_config survey;
    int64_t feed_head = 0;
    long job_interval_s = 0, sync_poll_ms = 0, retention_hours = 0;
    struct retention_job retention;
    struct http_server *srv = NULL;
    struct http_app app;
    char host[64];
    int version = 0, status = 1;
    size_t persons = 0, keys = 0, bytes = 0;
    sigset_t sigs;
    int sig = 0;

    static const struct option longopts[] = { { "listen", 1, NULL, 'l' },
                                              CLI_COMMON_OPTIONS,
                                              { NULL, 0, NULL, 0 } };
    struct cli_common co = { 0 };
    const char *listen = NULL;
    int opt;

    memset(&app, 0, sizeof(app));
    optind = 1;
    while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (opt == 'h') {
            serve_usage(stdout);
            return 0;
        }
        if (opt == 'l') {
            listen = optarg;
        } else if (!cli_common_take(&co, opt, optarg)) {
            serve_usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "firstcontact serve: unexpected argument '%s'\n", argv[optind]);
        serve_usage(stderr);
        return 2;
    }
    if (cli_config_load(&co, &cfg, &err) != FC_OK)
        return cli_fail("serve", &err);
    if (listen != NULL && config_set(&cfg, "listen", listen, CONFIG_FLAG, &err) != FC_OK)
        goto fail;
    if (options_from_config(&cfg, &app.opt, host, sizeof(host), &err) != FC_OK)
        goto fail;
    if (cli_open_store(&cfg, &st, &err) != FC_OK ||
        store_schema_version(st, &version, &err) != FC_OK)
        goto fail;
    log_emit(LOG_INFO, "serve.migrated", "store=%s schema=%d", st->ops->name, version);
    if (config_get_long(&cfg, "job_interval_s", 1, 7L * 24 * 3600, 300, &job_interval_s, &err) !=
            FC_OK ||
        config_get_long(&cfg, "sync_poll_ms", 10, 600000, 1000, &sync_poll_ms, &err) != FC_OK ||
        config_get_long(&cfg, "retention_every_hours", 0, 24L * 365, 0, &retention_hours, &err) !=
            FC_OK ||
        retention_policy_from_config(&cfg, &retention.policy, &err) != FC_OK)
        goto fail;
    /* the feed's head is read before the index loads, so nothing committed meanwhile is
     * missed (applying a change twice is harmless) */
    if (store_changes_head(st, &feed_head, &err) != FC_OK)
        goto fail;
    if (match_service_create(NULL, NULL, &match, &err) != FC_OK ||
        match_service_load(match, st, &err) != FC_OK)
        goto fail;
    match_service_stats(match, &persons, &keys, &bytes);
    log_emit(LOG_INFO, "serve.index_loaded", "persons=%zu keys=%zu bytes=%zu", persons, keys,
             bytes);
    /* follow what others write to the store: other nodes on PostgreSQL, and the command
     * line (retention, flag import, merges) on either backend */
    if (match_sync_start(match, st, feed_head, (int)sync_poll_ms, &sync, &err) != FC_OK)
        goto fail;
    log_emit(LOG_INFO, "serve.index_sync", "cursor=%lld poll_ms=%ld", (long long)feed_head,
             sync_poll_ms);
    if (survey_config_load("survey/v1", &survey, &err) != FC_OK ||
        jobs_create(&jobs, &err) != FC_OK ||
        jobs_standard(jobs, job_interval_s, &survey, &err) != FC_OK)
        goto fail;
    retention.match = match;
    if (retention_hours > 0 && jobs_add(jobs, "retention", retention_hours * 3600, job_retention,
                                        &retention, &err) != FC_OK)
        goto fail;
    app.store = st;
    app.match = match;
    if (http_app_init(&app, &err) != FC_OK)
        goto fail;

    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* the first jobs end before the server listens, so a restart has caught up */
    jobs_tick(jobs, st, (fc_time_t)time(NULL), NULL, NULL);
    if (http_server_start(&app, &srv, &err) != FC_OK)
        goto fail;
    log_emit(LOG_INFO, "serve.listening", "host=%s port=%u workers=%u", host,
             (unsigned)http_server_port(srv), app.opt.threads);
    printf("listening on http://%s:%u\n", host, (unsigned)http_server_port(srv));
    fflush(stdout);

    /* wait for SIGTERM or SIGINT, running the scheduled jobs as their turns come */
    for (;;) {
        struct timespec tick = { .tv_sec = 1, .tv_nsec = 0 };
        sig = sigtimedwait(&sigs, NULL, &tick);
        if (sig > 0)
            break;
        if (errno == EAGAIN)
            jobs_tick(jobs, st, (fc_time_t)time(NULL), NULL, NULL);
    }
    log_emit(LOG_INFO, "serve.stopping", "signal=%d", sig);
    http_server_stop(srv);
    srv = NULL;
    log_emit(LOG_INFO, "serve.stopped", "signal=%d", sig);
    status = 0;
    goto out;
fail:
    cli_fail("serve", &err);
out:
    http_server_stop(srv);
    match_sync_stop(sync);
    jobs_free(jobs);
    http_app_cleanup(&app);
    match_service_free(match);
    store_close(st);
    config_free(&cfg);
    return status;
}
