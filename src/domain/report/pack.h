/*
 * report/pack.h: the monthly performance pack as a PDF, for force and partnership meetings.
 *
 * One month's first-contact identification, victim satisfaction (with 95% intervals drawn
 * as whiskers), demand over the twelve months to that month, hotspots, tasks and Community
 * Triggers, each chart beside the table of its figures, and the method and attribution
 * notes. Rendered with libharu (standard Helvetica, Latin-1 text). Knows nothing of HTTP.
 * Not thread-safe per document; separate calls may run in parallel.
 */
#ifndef FC_DOMAIN_REPORT_PACK_H
#define FC_DOMAIN_REPORT_PACK_H

#include <stddef.h>

#include "store/store.h"
#include "util/err.h"

/*
 * Renders the pack for the calendar month `month` ("YYYY-MM", UTC) of organisation org_id
 * (0: all) into a malloc'd buffer. FC_EINVAL names "month" when it is not a month.
 */
int report_pack_pdf(struct store *s, const char *month, fc_id_t org_id, fc_time_t now,
                    char **out, size_t *len, struct fc_err *err);

#endif
