/*
 * retention/subject.h: a subject-access export (DPA 2018 s.45; UK GDPR art. 15): all that is
 * held about one person, as one JSON document.
 *
 * It holds every identifier (with source and time) of the person and of any person merged
 * into them, the contacts they made (with the details they gave, without the match panel,
 * which names other people), the incidents naming them (their own role only: other
 * persons are left out), flags, risk assessments, Community Trigger applications, the cases
 * they are a party to, and the audit trail of who consulted or changed their record (the
 * organisation, when and why). Free text (incident descriptions, flag reasons) may name
 * third parties or be exempt under s.45(4): the document says so, and a data protection
 * officer reviews it before disclosure. The caller audits the export.
 * Knows nothing of HTTP. Thread-safe as the store is.
 */
#ifndef FC_DOMAIN_RETENTION_SUBJECT_H
#define FC_DOMAIN_RETENTION_SUBJECT_H

#include <jansson.h>

#include "store/store.h"

/* Builds the document for `person_id` at `now`. *out is a new reference. FC_ENOTFOUND
 * naming "person_id" when there is no such person. */
int subject_export_build(struct store *s, fc_id_t person_id, fc_time_t now, struct arena *a,
                         json_t **out, struct fc_err *err);

#endif
