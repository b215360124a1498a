/* util/err.c: see err.h. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#undef err_set /* the analyser-only macro in err.h; this is the function itself */

int err_set(struct fc_err *err, enum fc_status status, const char *field, const char *fmt, ...)
{
    if (err == NULL)
        return status;
    err->status = status;
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return status;
}

void err_clear(struct fc_err *err)
{
    if (err == NULL)
        return;
    err->status = FC_OK;
    err->field[0] = '\0';
    err->msg[0] = '\0';
}

const char *err_status_name(enum fc_status status)
{
    switch (status) {
    case FC_OK:
        return "ok";
    case FC_EINVAL:
        return "invalid";
    case FC_ENOTFOUND:
        return "not_found";
    case FC_ECONFLICT:
        return "conflict";
    case FC_EDENIED:
        return "denied";
    case FC_EUNAVAIL:
        return "unavailable";
    case FC_ENOMEM:
        return "no_memory";
    case FC_EINTERNAL:
        return "internal";
    case FC_EAUTH:
        return "unauthenticated";
    }
    return "unknown";
}
