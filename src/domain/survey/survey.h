/*
 * survey/survey.h: the victim satisfaction survey (instrument survey/v1, DESIGN.md section 9).
 *
 * Owns what happens to a survey_queue row after call handling queues it at closure:
 * screening out people surveyed within the configured period, one-time web links (a random
 * token shown once; only its BLAKE2b hash is stored; single use; expires), answers recorded
 * by phone call-back or through the link, and declines. Answers: Q1-Q5 on the 7-point scale
 * (1 completely satisfied .. 7 completely dissatisfied, 0 don't know / refused), Q6 "has the
 * ASB stopped" (yes, reduced, no, dont_know) and Q7 "did the police take action" (yes, no,
 * dont_know). Knows nothing of HTTP or SQL. Thread-safe: no state; configuration is passed in.
 */
#ifndef FC_DOMAIN_SURVEY_SURVEY_H
#define FC_DOMAIN_SURVEY_SURVEY_H

#include <stddef.h>

#include "store/store.h"
#include "util/err.h"

#define SURVEY_TOKEN_LEN 43 /* 32 random bytes, base64url without padding */

struct survey_config {
    char version[16]; /* "survey/v1" */
    int not_again_days;
    int link_valid_days;
};

struct survey_input {
    int q[5];   /* Q1..Q5 */
    char q6[12], q7[12];
};

/* Loads data/config/survey_v1.json ("survey/v1"). */
int survey_config_load(const char *version, struct survey_config *out, struct fc_err *err);

/* Checks every answer; FC_EINVAL names the question ("q3"). */
int survey_input_validate(const struct survey_input *in, struct fc_err *err);

/*
 * Screens the queued rows: a person invited, answered or declined within not_again_days is
 * marked not_eligible, so nobody is surveyed twice in the period. *out_eligible and
 * *out_skipped (may be NULL) count what was decided.
 */
int survey_queue_screen(struct store *s, const struct survey_config *cfg, fc_time_t now,
                        size_t *out_eligible, size_t *out_skipped, struct fc_err *err);

/*
 * Makes a one-time web link token for a queued row and marks it invited. out receives the
 * token (SURVEY_TOKEN_LEN + 1 bytes), to send to the victim once; it is never stored.
 * FC_ECONFLICT when the row is not waiting or the person was surveyed within the period.
 */
int survey_link_create(struct store *s, const struct survey_config *cfg, fc_id_t queue_id,
                       fc_time_t now, char out[SURVEY_TOKEN_LEN + 1], struct fc_err *err);

/* The queue row a valid, unused, unexpired token belongs to (to show the form). */
int survey_link_check(struct store *s, const char *token, fc_time_t now, fc_id_t *out_queue_id,
                      struct fc_err *err);

/* Records answers taken by phone by `user_id`; the row must be queued or invited. */
int survey_record_phone(struct store *s, const struct survey_config *cfg, fc_id_t queue_id,
                        const struct survey_input *in, fc_id_t user_id, fc_time_t now,
                        fc_id_t *out_response_id, struct fc_err *err);

/* Records answers given through a link: they are checked first, then the token is used up
 * in the same transaction as the answers are written. */
int survey_record_web(struct store *s, const char *token, const struct survey_input *in,
                      fc_time_t now, fc_id_t *out_response_id, struct fc_err *err);

/* The victim declined: the row is closed and counts as surveyed for the period. */
int survey_decline(struct store *s, fc_id_t queue_id, struct fc_err *err);

#endif
