/*
 * store/pg/pg_cases.h: the PostgreSQL side of the store's cases section (partnership case
 * management, migration 0004). Not for callers outside src/store/pg; PG_CASES_OPS fills
 * the ops table in store_pg.c. Threads: as every pg op, on the calling thread's connection.
 */
#ifndef FC_STORE_PG_CASES_H
#define FC_STORE_PG_CASES_H

#include "store/store.h"

int pg_case_insert(struct store *s, const struct asb_case *c, fc_id_t *out, struct fc_err *err);
int pg_case_get(struct store *s, fc_id_t id, struct arena *a, struct asb_case *out,
                struct fc_err *err);
int pg_case_update(struct store *s, const struct asb_case *c, struct fc_err *err);
int pg_case_search(struct store *s, const struct case_query *q, struct arena *a,
                   struct asb_case **out, size_t *n, struct fc_err *err);
int pg_case_ids_involving(struct store *s, fc_id_t person_id, fc_id_t incident_id, struct arena *a,
                          fc_id_t **out, size_t *n, struct fc_err *err);
int pg_case_share_insert(struct store *s, const struct case_share *sh, fc_id_t *out,
                         struct fc_err *err);
int pg_case_share_revoke(struct store *s, fc_id_t share_id, fc_id_t by, fc_time_t at,
                         struct fc_err *err);
int pg_case_share_list(struct store *s, fc_id_t case_id, struct arena *a, struct case_share **out,
                       size_t *n, struct fc_err *err);
int pg_case_party_insert(struct store *s, const struct case_party *p, fc_id_t *out,
                         struct fc_err *err);
int pg_case_party_list(struct store *s, fc_id_t case_id, struct arena *a, struct case_party **out,
                       size_t *n, struct fc_err *err);
int pg_case_incident_link(struct store *s, fc_id_t case_id, fc_id_t incident_id, fc_id_t by,
                          fc_time_t at, struct fc_err *err);
int pg_case_incident_list(struct store *s, fc_id_t case_id, struct arena *a, fc_id_t **out,
                          size_t *n, struct fc_err *err);
int pg_case_location_insert(struct store *s, const struct case_location *l, fc_id_t *out,
                            struct fc_err *err);
int pg_case_location_list(struct store *s, fc_id_t case_id, struct arena *a,
                          struct case_location **out, size_t *n, struct fc_err *err);
int pg_case_action_insert(struct store *s, const struct case_action *ac, fc_id_t *out,
                          struct fc_err *err);
int pg_case_action_get(struct store *s, fc_id_t id, struct arena *a, struct case_action *out,
                       struct fc_err *err);
int pg_case_action_update(struct store *s, const struct case_action *ac, struct fc_err *err);
int pg_case_action_search(struct store *s, const struct case_action_query *q, struct arena *a,
                          struct case_action **out, size_t *n, struct fc_err *err);
int pg_case_review_insert(struct store *s, const struct case_review *r, fc_id_t *out,
                          struct fc_err *err);
int pg_case_review_list(struct store *s, fc_id_t case_id, struct arena *a, struct case_review **out,
                        size_t *n, struct fc_err *err);
int pg_case_escalation_insert(struct store *s, const struct case_escalation *e, struct fc_err *err);
int pg_case_escalation_last(struct store *s, fc_id_t case_id, fc_time_t *out, struct fc_err *err);
int pg_case_entry_append(struct store *s, const struct case_entry *e, fc_id_t *out,
                         struct fc_err *err);
int pg_case_entry_list(struct store *s, fc_id_t case_id, const char *kind, struct arena *a,
                       struct case_entry **out, size_t *n, struct fc_err *err);
int pg_flag_review_insert(struct store *s, const struct flag_review *r, fc_id_t *out,
                          struct fc_err *err);
int pg_flag_review_get(struct store *s, fc_id_t id, struct arena *a, struct flag_review *out,
                       struct fc_err *err);
int pg_flag_review_list(struct store *s, fc_id_t org_id, const char *status, struct arena *a,
                        struct flag_review **out, size_t *n, struct fc_err *err);
int pg_flag_review_decide(struct store *s, fc_id_t id, const char *status, fc_id_t by, fc_time_t at,
                          fc_id_t person_id, fc_id_t flag_id, struct fc_err *err);
int pg_case_survey_queue(struct store *s, fc_id_t case_id, fc_id_t incident_id, fc_id_t person_id,
                         fc_time_t at, struct fc_err *err);

/* clang-format off */
#define PG_CASES_OPS                                                                          \
    .case_insert = pg_case_insert, .case_get = pg_case_get, .case_update = pg_case_update,    \
    .case_search = pg_case_search, .case_ids_involving = pg_case_ids_involving,               \
    .case_share_insert = pg_case_share_insert, .case_share_revoke = pg_case_share_revoke,     \
    .case_share_list = pg_case_share_list, .case_party_insert = pg_case_party_insert,         \
    .case_party_list = pg_case_party_list, .case_incident_link = pg_case_incident_link,       \
    .case_incident_list = pg_case_incident_list,                                              \
    .case_location_insert = pg_case_location_insert,                                          \
    .case_location_list = pg_case_location_list, .case_action_insert = pg_case_action_insert, \
    .case_action_get = pg_case_action_get, .case_action_update = pg_case_action_update,       \
    .case_action_search = pg_case_action_search, .case_review_insert = pg_case_review_insert, \
    .case_review_list = pg_case_review_list,                                                  \
    .case_escalation_insert = pg_case_escalation_insert,                                      \
    .case_escalation_last = pg_case_escalation_last,                                          \
    .case_entry_append = pg_case_entry_append, .case_entry_list = pg_case_entry_list,         \
    .flag_review_insert = pg_flag_review_insert, .flag_review_get = pg_flag_review_get,       \
    .flag_review_list = pg_flag_review_list, .flag_review_decide = pg_flag_review_decide,     \
    .case_survey_queue = pg_case_survey_queue
/* clang-format on */

#endif
