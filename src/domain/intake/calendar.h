/*
 * intake/calendar.h: Europe/London local dates and English working days.
 *
 * Statutory and Victims' Code deadlines count working days (Monday to Friday, not an
 * English bank holiday) on the London calendar; FirstContact stores UTC. A deadline of
 * "N working days" ends at 23:59:59 London time on the Nth working day after the day the
 * clock started. Bank holidays for England and Wales 2020-2030 are an embedded table
 * (GOV.UK bank holidays); outside it only weekends are skipped. Pure, thread-safe.
 */
#ifndef FC_DOMAIN_INTAKE_CALENDAR_H
#define FC_DOMAIN_INTAKE_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

/* Days since 1970-01-01 are the date unit here ("day numbers"). */

/* London's UTC offset in minutes at a UTC instant: 60 in BST, else 0. */
int calendar_london_offset_min(int64_t utc);
/* The London local date (day number) of a UTC instant. */
int64_t calendar_london_day(int64_t utc);
/* 00:00:00 London local on a day, as UTC seconds. */
int64_t calendar_london_midnight_utc(int64_t day);
/* True for an English bank holiday in the table. */
bool calendar_is_bank_holiday(int64_t day);
/* True for Monday to Friday that is not a bank holiday. */
bool calendar_is_working_day(int64_t day);
/* The nth working day after `day` (n >= 0; n = 0 gives day itself). */
int64_t calendar_add_working_days(int64_t day, int n);
/* End (23:59:59 London) of the nth working day after the London date of from_utc. */
int64_t calendar_working_deadline(int64_t from_utc, int n);
/* Working days from the London date of a to that of b (a <= b): days d with a < d <= b. */
int calendar_working_days_between(int64_t a_utc, int64_t b_utc);

#endif
