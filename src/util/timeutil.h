/*
 * util/timeutil.h: ISO 8601 times with UTC offsets, and calendar dates.
 *
 * FirstContact stores UTC seconds and shows Europe/London. Parsing is strict: a bad value
 * is an error, never a guess. Thread-safe: no state.
 */
#ifndef FC_UTIL_TIMEUTIL_H
#define FC_UTIL_TIMEUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parses "YYYY-MM-DDTHH:MM:SS(.fff)?(Z|+HH:MM|-HH:MM)"; sets UTC seconds and the offset. */
bool time_parse_iso8601(const char *s, int64_t *out_utc, int *out_offset_min);
/* Formats UTC seconds as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least 21 bytes). */
void time_format_utc(int64_t t, char *buf, size_t len);
/* Days since 1970-01-01 for a proleptic Gregorian date (valid or not: see date_is_valid). */
int64_t time_days_from_civil(int y, int m, int d);
bool time_date_is_valid(int y, int m, int d);
/* Current UTC seconds. */
int64_t time_now(void);

#endif
