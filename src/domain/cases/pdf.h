/*
 * cases/pdf.h: the case summary a case conference works from, as a PDF (libharu).
 *
 * Renders what a viewer may see of one case (a struct cases_view, already filtered by
 * access.h): case details and legal basis, who the case is shared with, the persons and
 * incidents involved, the action plan with overdue items marked, reviews, Community
 * Trigger deadlines and the timeline. Marked OFFICIAL-SENSITIVE. Text is UTF-8 through an
 * embedded TrueType font (DejaVu Sans, Debian fonts-dejavu-core) when installed, else
 * Helvetica with WinAnsi encoding. Times are shown in Europe/London.
 * Thread-safe: each call has its own document.
 */
#ifndef FC_DOMAIN_CASES_PDF_H
#define FC_DOMAIN_CASES_PDF_H

#include <stddef.h>

#include "domain/cases/cases.h"

/* Renders the summary; *out (in `a`) holds *out_len bytes of PDF. Organisation and user
 * names are read from the store. */
int cases_pdf_render(struct store *s, const struct cases_view *v, fc_time_t now, struct arena *a,
                     unsigned char **out, size_t *out_len, struct fc_err *err);

#endif
