/* access/records.c: the record rules of access.h used by the JSON API (DESIGN section 1). */
#include "domain/access/access.h"

bool access_person_is_own(const struct access_viewer *v, size_t n_own_links)
{
    return access_org_is_police(v->org_kind) || n_own_links > 0;
}

bool access_contact_is_live(const struct access_viewer *v, fc_id_t handler_user_id,
                            fc_time_t received_at, fc_time_t now)
{
    return handler_user_id == v->user_id && received_at <= now + 300 &&
           now - received_at <= ACCESS_LIVE_CONTACT_S;
}

bool access_can_grade(const struct access_viewer *v)
{
    return access_org_is_police(v->org_kind) &&
           (v->role == ROLE_CALL_HANDLER || v->role == ROLE_SUPERVISOR);
}

bool access_can_lower_risk(const struct access_viewer *v)
{
    return v->role == ROLE_SUPERVISOR;
}

bool access_can_change_flag(const struct access_viewer *v, fc_id_t flag_org_id,
                            enum org_kind flag_org_kind)
{
    if (v->role == ROLE_PARTNER_OFFICER)
        return flag_org_id == v->org_id;
    if (v->role != ROLE_OFFICER && v->role != ROLE_SUPERVISOR)
        return false;
    if (!access_org_is_police(v->org_kind))
        return flag_org_id == v->org_id;
    return flag_org_id == 0 || flag_org_id == v->org_id || access_org_is_police(flag_org_kind);
}

bool access_flag_reason_visible(const struct access_viewer *v, fc_id_t flag_org_id)
{
    return (access_fields(v, flag_org_id, ACCESS_VIEW) & ACCESS_FIELD_FLAG_REASON) != 0;
}
