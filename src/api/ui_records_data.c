/*
 * api/ui_records_data.c: the views behind the incidents list, the incident page and the
 * person page. Opening a person's record is itself recorded first (audit action
 * "consult", DESIGN.md section 11), so the "who viewed this record" table always includes
 * the viewer's own look. Routes already refuse roles that may not read records (analyst,
 * admin) and partners, who see incidents and persons only through shared cases.
 */
#include "api/ui_data.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

#define PERSON_MAX_VIEWS 50

static const char *audit_action_word(enum audit_action a)
{
    static const char *const words[] = {
        [AUDIT_COLLECT] = "recorded",   [AUDIT_ALTER] = "changed",   [AUDIT_CONSULT] = "viewed",
        [AUDIT_DISCLOSE] = "disclosed", [AUDIT_COMBINE] = "merged",  [AUDIT_ERASE] = "erased",
        [AUDIT_LOGIN] = "signed in",    [AUDIT_EXPORT] = "exported", [AUDIT_CONFIG] = "configured",
        [AUDIT_BREAK_GLASS] = "broke the glass",
    };
    return (unsigned)a < sizeof(words) / sizeof(words[0]) && words[a] ? words[a] : "other";
}

int ui_incidents_list_build(const struct ui_services *svc, const struct ui_incident_filter *f,
                            size_t page_size, struct arena *a, struct incident **out, size_t *n,
                            bool *has_more, struct fc_err *err)
{
    struct incident_query q = {
        .status = f->status && f->status[0] ? f->status : NULL,
        .category = f->category && f->category[0] ? f->category : NULL,
        .incident_type = f->incident_type && f->incident_type[0] ? f->incident_type : NULL,
        .limit = page_size + 1, /* one more tells whether there is a next page */
        .offset = f->page * page_size,
    };
    int rc = store_incident_search(svc->store, &q, a, out, n, err);
    if (rc != FC_OK)
        return rc;
    *has_more = *n > page_size;
    if (*has_more)
        *n = page_size;
    return FC_OK;
}

/* A user's name for the audit table; "system" for id 0, the id when the user is gone. */
static const char *user_name(const struct ui_services *svc, fc_id_t id, struct arena *a,
                             const char **org_out)
{
    struct user u;
    struct fc_err err;
    *org_out = NULL;
    if (id == 0)
        return "system";
    if (store_user_get(svc->store, id, a, &u, &err) != FC_OK)
        return arena_sprintf(a, "user %lld", (long long)id);
    struct organisation o;
    if (store_org_get(svc->store, u.org_id, a, &o, &err) == FC_OK)
        *org_out = o.name;
    return u.display_name ? u.display_name : u.username;
}

int ui_person_page_build(const struct ui_services *svc, const struct ui_viewer *viewer,
                         fc_id_t person_id, fc_time_t now, struct arena *a,
                         struct ui_person_view *out, struct ui_person_summary *sum,
                         struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    int rc = ui_person_summary(svc, viewer, person_id, now, a, sum, err);
    if (rc != FC_OK)
        return rc;

    struct audit_event ev = { .at = now,
                              .actor_user_id = viewer->user_id,
                              .action = AUDIT_CONSULT,
                              .object_type = "person",
                              .object_id = person_id,
                              .purpose = "person page" };
    rc = store_audit_append(svc->store, &ev, err);
    if (rc != FC_OK)
        return rc;

    struct ui_history_row *hist = arena_alloc(a, sizeof(*hist) * (sum->n_incidents + 1));
    if (hist == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < sum->n_incidents; i++) {
        const struct incident *inc = &sum->incidents[i];
        const char *role = "named";
        for (size_t p = 0; p < inc->n_persons; p++) {
            if (inc->persons[p].person_id == person_id)
                role = ui_person_role_name(inc->persons[p].role);
        }
        hist[i] =
            (struct ui_history_row){ .incident_id = inc->id,
                                     .at = inc->created_at,
                                     .role = role,
                                     .category = ui_category_name(inc->category),
                                     .incident_type = inc->incident_type,
                                     .risk_level = inc->risk_level,
                                     .status = inc->status == INCIDENT_OPEN ? "open" : "closed" };
    }

    out->person = &sum->person;
    out->flags = sum->flags;
    out->n_flags = sum->n_flags;
    out->history = hist;
    out->n_history = sum->n_incidents;
    out->contacts_12m = sum->labels.prior_calls_12m;
    /* who looked at this person is audit data: supervisors see it, as the audit reports'
     * API allows (admins cannot open a person's record at all) */
    out->show_views = viewer->role == ROLE_SUPERVISOR;
    if (!out->show_views)
        return FC_OK;
    struct audit_event *events = NULL;
    size_t n_events = 0;
    rc = store_audit_list(svc->store, "person", person_id, 0, a, &events, &n_events, err);
    if (rc != FC_OK)
        return rc;
    size_t n_views = n_events < PERSON_MAX_VIEWS ? n_events : PERSON_MAX_VIEWS;
    struct ui_view_event *views = arena_alloc(a, sizeof(*views) * (n_views + 1));
    if (views == NULL)
        return err_set(err, FC_ENOMEM, "", "out of memory");
    /* newest first */
    for (size_t i = 0; i < n_views; i++) {
        const struct audit_event *e = &events[n_events - 1 - i];
        const char *org;
        const char *who = user_name(svc, e->actor_user_id, a, &org);
        views[i] = (struct ui_view_event){ .who = who,
                                           .org = org,
                                           .action = audit_action_word(e->action),
                                           .purpose = e->purpose,
                                           .at = e->at };
    }

    out->views = views;
    out->n_views = n_views;
    return FC_OK;
}
