/*
 * report/report.h: the performance reports of issue 7, built from store aggregates.
 *
 * Each report asks the store for counts (one GROUP BY query) and turns them into a typed
 * table (report/table.h) with shares, Wilson 95% intervals, benchmark verdicts and the
 * n < 50 suppression rule (report/stats.h). Reports:
 *   satisfaction   share satisfied per survey question; vs a configured benchmark and, when
 *                  broken down, each group vs the rest (two-group z-test)
 *   first_contact  repeat / vulnerable callers identified at the time of the call,
 *                  recomputed from what is known now; risk screening in the call
 *   demand         contacts or incidents by period and category, type, hour, weekday, channel
 *   hotspots       incidents per LSOA beside police.uk ASB for the same months
 *   repeat_locations  places with repeated incidents in the window
 *   tasks          tasks due, done on time, late, overdue
 *   triggers       Community Trigger applications by status and outcome
 *   survey_rates   survey queue outcomes and the response rate
 * Rules come from data/config/reports_v1.json. Knows nothing of HTTP or SQL.
 * Thread-safe: the configuration is loaded per call; tables live in the caller's arena.
 */
#ifndef FC_DOMAIN_REPORT_REPORT_H
#define FC_DOMAIN_REPORT_REPORT_H

#include "domain/report/table.h"
#include "store/store.h"

struct report_request {
    const char *name;
    enum report_period period;
    enum report_dim dim;
    fc_time_t from, to; /* [from, to); 0 unbounded */
    fc_id_t org_id;     /* 0: every organisation */
    double benchmark;   /* NaN: the configured figure for each question, if any */
    fc_time_t now;      /* for overdue tasks */
};

/* The report names, NULL-terminated. */
extern const char *const report_names[];

/*
 * Fills rq from text parameters as the API and CLI take them: period
 * "all|month|quarter|year", by "none|area|lsoa|category|type|risk|channel|repeat|vulnerable|
 * hour|dow", from/to "YYYY-MM-DD" (UTC midnight; to is exclusive), benchmark "0.74" or "74%".
 * NULL parameters take defaults (month, none, unbounded, configured benchmark). FC_EINVAL
 * names the parameter.
 */
int report_request_parse(const char *name, const char *period, const char *by, const char *from,
                         const char *to, const char *benchmark, struct report_request *rq,
                         struct fc_err *err);

/* Builds the named report into out (allocated in a). FC_ENOTFOUND for an unknown name. */
int report_build(struct store *s, const struct report_request *rq, struct arena *a,
                 struct report_table *out, struct fc_err *err);

#endif
