/*
 * util/log.h: one event, one line, key=value, no personal data.
 *
 *   ts=2026-03-02T21:14:07Z level=info event=match.lookup req=9f2c candidates=12 ms=3.1
 *
 * Event names are stable and dotted. Names, dates of birth, phones, addresses and free
 * text never appear at info or above: log ids. Lines go to stderr (or the file given to
 * log_open) with one write(2) each, so lines from several threads never interleave.
 * Thread-safe.
 */
#ifndef FC_UTIL_LOG_H
#define FC_UTIL_LOG_H

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

/* Sets the minimum level emitted (default LOG_INFO). */
void log_set_level(enum log_level level);
/* Parses "debug", "info", "warn" or "error"; returns -1 if unknown. */
int log_level_parse(const char *s);
/* Emits one line; fmt holds the key=value fields after the event name. */
void log_emit(enum log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
