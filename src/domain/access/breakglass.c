/* access/breakglass.c: break the glass, audit report and second-factor rules (access.h). */
#include <string.h>

#include "domain/access/access.h"
#include "util/utf8.h"

bool access_can_break_glass(const struct access_viewer *v)
{
    return v->role == ROLE_SUPERVISOR && v->org_id != 0;
}

bool access_break_glass_object_is_valid(const char *object_type)
{
    return object_type != NULL &&
           (strcmp(object_type, "person") == 0 || strcmp(object_type, "incident") == 0 ||
            strcmp(object_type, "case") == 0);
}

int access_break_glass_reason_check(const char *reason, struct fc_err *err)
{
    if (reason == NULL)
        return err_set(err, FC_EINVAL, "reason", "state why you need this record");
    size_t len = strlen(reason);
    if (!utf8_is_valid(reason, len, NULL))
        return err_set(err, FC_EINVAL, "reason", "not valid UTF-8");
    const char *b = reason, *e = reason + len;
    while (b < e && (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r'))
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        e--;
    size_t chars = utf8_length(b, (size_t)(e - b));
    if (chars < ACCESS_BREAK_GLASS_REASON_MIN)
        return err_set(err, FC_EINVAL, "reason",
                       "state why you need this record in at least %d characters",
                       ACCESS_BREAK_GLASS_REASON_MIN);
    if (chars > ACCESS_BREAK_GLASS_REASON_MAX)
        return err_set(err, FC_EINVAL, "reason", "longer than %d characters",
                       ACCESS_BREAK_GLASS_REASON_MAX);
    return FC_OK;
}

enum access_level access_break_glass_level(const struct access_viewer *v, fc_time_t expires_at,
                                           fc_time_t now)
{
    return access_can_break_glass(v) && expires_at > now ? ACCESS_VIEW : ACCESS_NONE;
}

bool access_can_read_audit(const struct access_viewer *v)
{
    return v->role == ROLE_SUPERVISOR || v->role == ROLE_ADMIN;
}

bool access_audit_event_visible(const struct access_viewer *v, fc_id_t actor_org_id)
{
    if (v->role == ROLE_ADMIN)
        return true;
    return v->role == ROLE_SUPERVISOR && actor_org_id != 0 && actor_org_id == v->org_id;
}

bool access_can_use_totp(enum user_role role)
{
    return role == ROLE_SUPERVISOR || role == ROLE_ADMIN;
}
