/* intake/calendar.c: see calendar.h. */
#include "domain/intake/calendar.h"

#include <stddef.h>

#include "util/timeutil.h"

/*
 * England and Wales bank holidays, 2020-2030, from GOV.UK's published list (with the
 * substitute days and the one-off holidays of 2020 VE Day, 2022 Platinum Jubilee and state
 * funeral, and 2023 coronation). Later years follow the usual rules and are listed until
 * GOV.UK publishes them; extend the table each year.
 */
static const struct {
    short y;
    signed char m, d;
} bank_holidays[] = {
    { 2020, 1, 1 },   { 2020, 4, 10 },  { 2020, 4, 13 },  { 2020, 5, 8 },   { 2020, 5, 25 },
    { 2020, 8, 31 },  { 2020, 12, 25 }, { 2020, 12, 28 }, { 2021, 1, 1 },   { 2021, 4, 2 },
    { 2021, 4, 5 },   { 2021, 5, 3 },   { 2021, 5, 31 },  { 2021, 8, 30 },  { 2021, 12, 27 },
    { 2021, 12, 28 }, { 2022, 1, 3 },   { 2022, 4, 15 },  { 2022, 4, 18 },  { 2022, 5, 2 },
    { 2022, 6, 2 },   { 2022, 6, 3 },   { 2022, 8, 29 },  { 2022, 9, 19 },  { 2022, 12, 26 },
    { 2022, 12, 27 }, { 2023, 1, 2 },   { 2023, 4, 7 },   { 2023, 4, 10 },  { 2023, 5, 1 },
    { 2023, 5, 8 },   { 2023, 5, 29 },  { 2023, 8, 28 },  { 2023, 12, 25 }, { 2023, 12, 26 },
    { 2024, 1, 1 },   { 2024, 3, 29 },  { 2024, 4, 1 },   { 2024, 5, 6 },   { 2024, 5, 27 },
    { 2024, 8, 26 },  { 2024, 12, 25 }, { 2024, 12, 26 }, { 2025, 1, 1 },   { 2025, 4, 18 },
    { 2025, 4, 21 },  { 2025, 5, 5 },   { 2025, 5, 26 },  { 2025, 8, 25 },  { 2025, 12, 25 },
    { 2025, 12, 26 }, { 2026, 1, 1 },   { 2026, 4, 3 },   { 2026, 4, 6 },   { 2026, 5, 4 },
    { 2026, 5, 25 },  { 2026, 8, 31 },  { 2026, 12, 25 }, { 2026, 12, 28 }, { 2027, 1, 1 },
    { 2027, 3, 26 },  { 2027, 3, 29 },  { 2027, 5, 3 },   { 2027, 5, 31 },  { 2027, 8, 30 },
    { 2027, 12, 27 }, { 2027, 12, 28 }, { 2028, 1, 3 },   { 2028, 4, 14 },  { 2028, 4, 17 },
    { 2028, 5, 1 },   { 2028, 5, 29 },  { 2028, 8, 28 },  { 2028, 12, 25 }, { 2028, 12, 26 },
    { 2029, 1, 1 },   { 2029, 3, 30 },  { 2029, 4, 2 },   { 2029, 5, 7 },   { 2029, 5, 28 },
    { 2029, 8, 27 },  { 2029, 12, 25 }, { 2029, 12, 26 }, { 2030, 1, 1 },   { 2030, 4, 19 },
    { 2030, 4, 22 },  { 2030, 5, 6 },   { 2030, 5, 27 },  { 2030, 8, 26 },  { 2030, 12, 25 },
    { 2030, 12, 26 },
};

/* Weekday of a day number: 0 = Monday ... 6 = Sunday (1970-01-01 was a Thursday). */
static int weekday(int64_t day)
{
    int64_t w = (day + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

/* The last Sunday of a month, as a day number. */
static int64_t last_sunday(int y, int m)
{
    int64_t last = time_days_from_civil(y, m + 1, 1) - 1; /* m is March or October */
    return last - (weekday(last) + 1) % 7;
}

static int year_of_utc(int64_t utc)
{
    /* civil_from_days, year part only (H. Hinnant) */
    int64_t z = (utc >= 0 ? utc / 86400 : (utc - 86399) / 86400) + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    return (int)(yoe + era * 400 + (m <= 2));
}

int calendar_london_offset_min(int64_t utc)
{
    /* BST runs from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last
     * Sunday of October (Summer Time Order 2002). */
    int y = year_of_utc(utc);
    int64_t start = last_sunday(y, 3) * 86400 + 3600;
    int64_t end = last_sunday(y, 10) * 86400 + 3600;
    return utc >= start && utc < end ? 60 : 0;
}

int64_t calendar_london_day(int64_t utc)
{
    int64_t local = utc + (int64_t)calendar_london_offset_min(utc) * 60;
    return local >= 0 ? local / 86400 : (local - 86399) / 86400;
}

int64_t calendar_london_midnight_utc(int64_t day)
{
    int64_t guess = day * 86400;
    /* the offset at local midnight equals the offset an hour before UTC midnight's guess */
    return guess - (int64_t)calendar_london_offset_min(guess - 3600) * 60;
}

bool calendar_is_bank_holiday(int64_t day)
{
    for (size_t i = 0; i < sizeof(bank_holidays) / sizeof(bank_holidays[0]); i++)
        if (time_days_from_civil(bank_holidays[i].y, bank_holidays[i].m, bank_holidays[i].d) ==
            day)
            return true;
    return false;
}

bool calendar_is_working_day(int64_t day)
{
    return weekday(day) < 5 && !calendar_is_bank_holiday(day);
}

int64_t calendar_add_working_days(int64_t day, int n)
{
    while (n > 0) {
        day++;
        if (calendar_is_working_day(day))
            n--;
    }
    return day;
}

int64_t calendar_working_deadline(int64_t from_utc, int n)
{
    int64_t day = calendar_add_working_days(calendar_london_day(from_utc), n);
    return calendar_london_midnight_utc(day + 1) - 1;
}

int calendar_working_days_between(int64_t a_utc, int64_t b_utc)
{
    int n = 0;
    int64_t a = calendar_london_day(a_utc), b = calendar_london_day(b_utc);
    for (int64_t d = a + 1; d <= b; d++)
        if (calendar_is_working_day(d))
            n++;
    return n;
}
