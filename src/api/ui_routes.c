/*
 * api/ui_routes.c: the browser UI's routes (pages and htmx fragments) and their table.
 *
 * Pages (GET) are public in the table and check the session themselves, so a browser
 * without one is sent to /login (303) instead of getting problem+json, and a role that may
 * not see a page gets a 403 page in words. Fragments and form posts (POST) carry the
 * session's roles in the table: the server checks the session and the X-CSRF-Token header
 * that app.js adds to every htmx request. Sign-in and sign-out go through the JSON API
 * (/api/v1/login, /api/v1/logout) from login.js and app.js.
 */
#include "api/ui_routes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/ui_data.h"
#include "api/ui_form.h"
#include "api/ui_screens.h"
#include "domain/cases/cases.h"
#include "domain/intake/rules.h"
#include "domain/match/match.h"
#include "domain/report/report.h"
#include "http/html.h"
#include "http/session.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timeutil.h"

#define R_CH     HTTP_ROLE(ROLE_CALL_HANDLER)
#define R_OF     HTTP_ROLE(ROLE_OFFICER)
#define R_SU     HTTP_ROLE(ROLE_SUPERVISOR)
#define R_PO     HTTP_ROLE(ROLE_PARTNER_OFFICER)
#define R_AN     HTTP_ROLE(ROLE_ANALYST)
#define R_AD     HTTP_ROLE(ROLE_ADMIN)
#define R_POLICE (R_CH | R_OF | R_SU) /* police records: never partners, analysts, admins */

#define PAGE_MAX_BYTES (4u << 20)
#define LIST_PAGE_SIZE 25

/* ---- responses ---- */

static int send_html(struct http_req *req, struct http_resp *resp, int status, struct html *h)
{
    size_t len = 0;
    const char *body = html_finish(h, &len);
    if (body == NULL) {
        req->err = *html_error(h);
        return req->err.status;
    }
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    resp->body = body;
    resp->body_len = len;
    return FC_OK;
}

static int redirect(struct http_req *req, struct http_resp *resp, const char *to)
{
    resp->status = 303;
    resp->content_type = "text/html; charset=utf-8";
    resp->body = "";
    resp->body_len = 0;
    return http_resp_header(req, resp, "Location", to);
}

static void page_of(const struct http_req *req, struct ui_page *p, const char *title,
                    const char *nav)
{
    memset(p, 0, sizeof(*p));
    p->title = title;
    p->nav_current = nav;
    if (req->auth.is_authenticated) {
        p->user = &req->auth.user;
        p->org_name = req->auth.org.name;
        p->csrf = req->auth.session.csrf;
    }
}

static int forbidden_page(struct http_req *req, struct http_resp *resp)
{
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "Not available to your role", NULL);
    ui_page_begin(&h, &p);
    html_open(&h, "p", "data-testid", "forbidden", NULL);
    html_text(&h, "Your role (");
    html_text(&h, ui_role_label(req->auth.user.role));
    html_text(&h, ") may not see this page. ");
    html_elem(&h, "a", "Back to your start page", "href", ui_role_home(req->auth.user.role),
              NULL);
    html_close(&h, "p");
    ui_page_end(&h);
    return send_html(req, resp, 403, &h);
}

static int not_found_page(struct http_req *req, struct http_resp *resp, const char *what)
{
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "Not found", NULL);
    ui_page_begin(&h, &p);
    html_elem(&h, "p", what, NULL);
    ui_page_end(&h);
    return send_html(req, resp, 404, &h);
}

/*
 * For a page: the session, else a redirect to /login; the role, else a 403 page.
 * Returns true when the page may be rendered; otherwise *rc holds the answer to return.
 */
static bool page_allowed(struct http_req *req, struct http_resp *resp, unsigned roles, int *rc)
{
    if (http_session_authenticate(req) != FC_OK) {
        err_clear(&req->err);
        *rc = redirect(req, resp, "/login");
        return false;
    }
    req->auth.is_authenticated = true;
    if ((roles & HTTP_ROLE(req->auth.user.role)) == 0) {
        *rc = forbidden_page(req, resp);
        return false;
    }
    return true;
}

/* ---- services for the screens ---- */

static int services_of(struct http_req *req, struct ui_services *svc)
{
    memset(svc, 0, sizeof(*svc));
    svc->store = req->app->store;
    svc->match = req->app->match;
    svc->rules = intake_rules_shared(&req->err);
    if (svc->rules == NULL)
        return req->err.status;
    if (svc->match == NULL) {
        req->problem_status = 503;
        return err_set(&req->err, FC_EUNAVAIL, "", "the person index is not loaded yet");
    }
    return FC_OK;
}

static struct ui_viewer viewer_of(const struct http_req *req)
{
    return (struct ui_viewer){ .user_id = req->auth.user.id,
                               .org_id = req->auth.user.org_id,
                               .role = req->auth.user.role };
}

static int form_of(struct http_req *req, struct ui_form *f)
{
    return ui_form_parse(req->arena, req->body, req->body_len, f, &req->err);
}

/* ---- sign-in and start pages ---- */

static int ui_root(struct http_req *req, struct http_resp *resp)
{
    if (http_session_authenticate(req) != FC_OK) {
        err_clear(&req->err);
        return redirect(req, resp, "/login");
    }
    return redirect(req, resp, ui_role_home(req->auth.user.role));
}

static int ui_login(struct http_req *req, struct http_resp *resp)
{
    if (http_session_authenticate(req) == FC_OK)
        return redirect(req, resp, ui_role_home(req->auth.user.role));
    err_clear(&req->err);
    memset(&req->auth, 0, sizeof(req->auth));
    struct html h;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    ui_login_render(&h, NULL, NULL, NULL);
    return send_html(req, resp, 200, &h);
}

/* ---- the call handler's screen ---- */

static void record_of_form(struct ui_form *f, struct match_record *r)
{
    *r = (struct match_record){ .full_name = ui_form_get(f, "name"),
                                .dob = ui_form_get(f, "dob"),
                                .phone = ui_form_get(f, "phone"),
                                .address = ui_form_get(f, "address"),
                                .postcode = ui_form_get(f, "postcode") };
}

static int empty_screening(struct http_req *req, const struct ui_services *svc,
                           struct ui_screening_view *sv)
{
    struct ui_form none = { 0 };
    struct risk_facts facts = { 0 };
    return ui_call_screening_build(&svc->rules->risk, &svc->rules->grading, ui_form_get, &none,
                                   &facts, req->arena, sv, &req->err);
}

static int ui_call_page(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_POLICE, &rc))
        return rc;
    struct ui_services svc;
    rc = services_of(req, &svc);
    if (rc != FC_OK)
        return rc;
    struct ui_screening_view sv;
    rc = empty_screening(req, &svc, &sv);
    if (rc != FC_OK)
        return rc;
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "New call", "/call");
    ui_call_render(&h, &p, NULL, NULL, &sv);
    return send_html(req, resp, 200, &h);
}

static int ui_call_lookup(struct http_req *req, struct http_resp *resp)
{
    struct ui_services svc;
    struct ui_form f;
    int rc = services_of(req, &svc);
    if (rc == FC_OK)
        rc = form_of(req, &f);
    if (rc != FC_OK)
        return rc;
    struct match_record q;
    record_of_form(&f, &q);
    struct ui_viewer viewer = viewer_of(req);
    struct ui_lookup_view v;
    struct ui_place place = { ui_form_get(&f, "location"), ui_form_get(&f, "location_postcode") };
    rc = ui_call_lookup_build(&svc, &viewer, &q, &place, req->now, req->arena, &v, &req->err);
    if (rc != FC_OK)
        return rc;
    const char *choice = ui_form_get(&f, "person_choice");
    if (choice && strcmp(choice, "new") == 0)
        v.chose_new = true;
    else if (choice)
        v.chosen_id = (fc_id_t)strtoll(choice, NULL, 10);
    log_emit(LOG_INFO, "ui.lookup", "req=%s candidates=%zu ms=%.1f", req->request_id, v.n,
             v.elapsed_ms);
    struct html h;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    ui_call_candidates_render(&h, &v);
    return send_html(req, resp, 200, &h);
}

/* What is known unasked for the screening: the chosen caller's history and the place. */
static void screening_facts(struct http_req *req, const struct ui_services *svc,
                            struct ui_form *f, struct risk_facts *facts)
{
    memset(facts, 0, sizeof(*facts));
    struct ui_place place = { ui_form_get(f, "location"), ui_form_get(f, "location_postcode") };
    struct intake_place_count pc;
    bool typed;
    const char *choice = ui_form_get(f, "person_choice");
    if (choice && strcmp(choice, "new") != 0) {
        fc_id_t id = (fc_id_t)strtoll(choice, NULL, 10);
        struct ui_viewer viewer = viewer_of(req);
        struct ui_person_summary sum;
        if (id > 0 &&
            ui_person_summary(svc, &viewer, id, req->now, req->arena, &sum, &req->err) == FC_OK) {
            facts->prior_contacts_12m = sum.labels.prior_calls_12m;
            facts->flag_in_force = sum.n_flags > 0;
            if (ui_place_count(svc, &place, &sum.person, req->now, req->arena, &pc, &typed,
                               &req->err) == FC_OK)
                facts->is_repeat_location = pc.is_repeat;
        }
    } else if (ui_place_count(svc, &place, NULL, req->now, req->arena, &pc, &typed, &req->err) ==
               FC_OK) {
        facts->is_repeat_location = pc.is_repeat;
    }
    err_clear(&req->err);
}

static int ui_call_screening(struct http_req *req, struct http_resp *resp)
{
    struct ui_services svc;
    struct ui_form f;
    int rc = services_of(req, &svc);
    if (rc == FC_OK)
        rc = form_of(req, &f);
    if (rc != FC_OK)
        return rc;
    struct risk_facts facts;
    screening_facts(req, &svc, &f, &facts);
    struct ui_screening_view sv;
    rc = ui_call_screening_build(&svc.rules->risk, &svc.rules->grading, ui_form_get, &f, &facts,
                                 req->arena, &sv, &req->err);
    if (rc != FC_OK)
        return rc;
    struct html h;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    ui_call_score_render(&h, &sv);
    return send_html(req, resp, 200, &h);
}

/*
 * The whole call screen again from a posted form (no JavaScript): what was typed, the
 * candidates for it, the chosen one, the screening so far, and an error if there is one.
 */
static int call_page_from_form(struct http_req *req, struct http_resp *resp,
                               const struct ui_services *svc, struct ui_form *f,
                               const struct fc_err *error, int status)
{
    struct match_record q;
    record_of_form(f, &q);
    struct ui_place place = { ui_form_get(f, "location"), ui_form_get(f, "location_postcode") };
    struct ui_viewer viewer = viewer_of(req);
    struct ui_lookup_view v;
    int rc = ui_call_lookup_build(svc, &viewer, &q, &place, req->now, req->arena, &v, &req->err);
    if (rc != FC_OK)
        return rc;
    const char *choice = ui_form_get(f, "person_choice");
    if (choice && strcmp(choice, "new") == 0)
        v.chose_new = true;
    else if (choice)
        v.chosen_id = (fc_id_t)strtoll(choice, NULL, 10);
    struct risk_facts facts;
    screening_facts(req, svc, f, &facts);
    struct ui_screening_view sv;
    rc = ui_call_screening_build(&svc->rules->risk, &svc->rules->grading, ui_form_get, f, &facts,
                                 req->arena, &sv, &req->err);
    if (rc != FC_OK)
        return rc;
    struct ui_call_form cf = {
        .name = ui_form_get(f, "name"),
        .phone = ui_form_get(f, "phone"),
        .dob = ui_form_get(f, "dob"),
        .address = ui_form_get(f, "address"),
        .postcode = ui_form_get(f, "postcode"),
        .category = ui_form_get(f, "category"),
        .incident_type = ui_form_get(f, "incident_type"),
        .description = ui_form_get(f, "description"),
        .location = ui_form_get(f, "location"),
        .location_postcode = ui_form_get(f, "location_postcode"),
        .grade = ui_form_get(f, "grade"),
        .grade_reason = ui_form_get(f, "grade_reason"),
        .answers = sv.answers,
        .error = error,
    };
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "New call", "/call");
    ui_call_render(&h, &p, &cf, &v, &sv);
    return send_html(req, resp, status, &h);
}

/* "Find caller" without JavaScript: the call screen with the candidates for the form. */
static int ui_call_find(struct http_req *req, struct http_resp *resp)
{
    struct ui_services svc;
    struct ui_form f;
    int rc = services_of(req, &svc);
    if (rc == FC_OK)
        rc = form_of(req, &f);
    if (rc != FC_OK)
        return rc;
    return call_page_from_form(req, resp, &svc, &f, NULL, 200);
}

/* The form's own label for an error's field, so the notice reads "Category: ...". */
static const char *field_label(const char *field)
{
    static const char *const labels[][2] = {
        { "name", "Name" },
        { "phone", "Phone" },
        { "dob", "Date of birth" },
        { "address", "Address" },
        { "postcode", "Postcode" },
        { "person_choice", "Who is calling" },
        { "category", "Category" },
        { "incident_type", "Type" },
        { "description", "Description" },
        { "location", "Where it happened" },
        { "location_postcode", "Postcode where it happened" },
        { "grade", "Response grade" },
        { "grade_reason", "Reason for a different grade" },
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
        if (strcmp(labels[i][0], field) == 0)
            return labels[i][1];
    }
    if (strncmp(field, "answer_", 7) == 0)
        return "Risk screening";
    return NULL;
}

static int ui_call_save(struct http_req *req, struct http_resp *resp)
{
    struct ui_services svc;
    struct ui_form f;
    int rc = services_of(req, &svc);
    if (rc == FC_OK)
        rc = form_of(req, &f);
    if (rc != FC_OK)
        return rc;
    struct ui_viewer viewer = viewer_of(req);
    struct ui_call_result res;
    struct fc_err e;
    err_clear(&e);
    rc = ui_call_submit(&svc, &viewer, ui_form_get, &f, req->now, req->arena, &res, &e);
    bool is_htmx = http_req_header(req, "HX-Request") != NULL;
    if (rc == FC_EINVAL && !is_htmx) { /* a plain form post: the screen again, field named */
        const char *label = field_label(e.field);
        struct fc_err named = e;
        if (label)
            snprintf(named.msg, sizeof(named.msg), "%s: %.*s", label,
                     (int)(sizeof(named.msg) - strlen(label) - 3), e.msg);
        return call_page_from_form(req, resp, &svc, &f, &named, 422);
    }
    if (rc == FC_EINVAL) {
        /* Keep what the handler typed: only the notice is swapped in, naming the field. */
        const char *label = field_label(e.field);
        char href[80];
        snprintf(href, sizeof(href), "#f-%s", e.field);
        struct html h;
        html_init(&h, req->arena, PAGE_MAX_BYTES);
        html_open(&h, "div", "class", "notice notice--error", "role", "alert", "tabindex", "-1",
                  "data-autofocus", "", NULL);
        html_text(&h, "The incident was not saved. ");
        if (label) {
            html_elem(&h, "a", label, "href", strncmp(e.field, "answer_", 7) ? href : "#h-screen",
                      NULL);
            html_text(&h, ": ");
        }
        html_text(&h, e.msg);
        html_close(&h, "div");
        http_resp_header(req, resp, "HX-Retarget", "#call-errors");
        http_resp_header(req, resp, "HX-Reswap", "innerHTML");
        return send_html(req, resp, 200, &h);
    }
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    log_emit(LOG_INFO, "ui.call_saved", "req=%s contact=%lld incident=%lld", req->request_id,
             (long long)res.contact_id, (long long)res.incident_id);
    char *to = arena_sprintf(req->arena, "/incidents/%lld", (long long)res.incident_id);
    if (!is_htmx)
        return redirect(req, resp, to);
    http_resp_header(req, resp, "HX-Redirect", to);
    resp->status = 200;
    resp->content_type = "text/html; charset=utf-8";
    resp->body = "";
    resp->body_len = 0;
    return FC_OK;
}

/* ---- incidents and persons ---- */

static int ui_incidents_page(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_POLICE, &rc))
        return rc;
    struct ui_services svc;
    rc = services_of(req, &svc);
    if (rc != FC_OK)
        return rc;
    long page_no = 0;
    rc = http_req_query_long(req, "page", 0, 100000, 0, &page_no);
    if (rc != FC_OK)
        return rc;
    struct ui_incident_filter flt = { .status = http_req_query(req, "status"),
                                      .category = http_req_query(req, "category"),
                                      .incident_type = http_req_query(req, "incident_type"),
                                      .page = (size_t)page_no };
    struct incident *rows = NULL;
    size_t n = 0;
    bool has_more = false;
    rc = ui_incidents_list_build(&svc, &flt, LIST_PAGE_SIZE, req->arena, &rows, &n, &has_more,
                                 &req->err);
    if (rc != FC_OK)
        return rc;
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "Incidents", "/incidents");
    ui_incidents_render(&h, &p, &flt, rows, n, has_more);
    return send_html(req, resp, 200, &h);
}

static int ui_incident_page(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_POLICE, &rc))
        return rc;
    fc_id_t id;
    if (http_req_param_id(req, "id", &id) != FC_OK) {
        err_clear(&req->err);
        return not_found_page(req, resp, "There is no such incident.");
    }
    struct incident inc;
    struct fc_err e;
    rc = store_incident_get(req->app->store, id, req->arena, &inc, &e);
    if (rc == FC_ENOTFOUND)
        return not_found_page(req, resp, "There is no such incident.");
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    struct ui_person_ref *refs = arena_alloc(req->arena, sizeof(*refs) * (inc.n_persons + 1));
    if (refs == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < inc.n_persons; i++) {
        struct person p;
        const char *name = "(person)";
        if (store_person_get(req->app->store, inc.persons[i].person_id, req->arena, &p, &e) ==
                FC_OK &&
            p.n_names > 0)
            name = p.names[p.n_names - 1].raw;
        refs[i] = (struct ui_person_ref){ .id = inc.persons[i].person_id,
                                          .name = name,
                                          .role = ui_person_role_name(inc.persons[i].role) };
    }
    /* the tasks the call raised, with their SLA due times */
    struct task_query tq = { .incident_id = id, .limit = 50 };
    struct task_rec *tasks = NULL;
    size_t n_tasks = 0;
    rc = store_task_search(req->app->store, &tq, req->arena, &tasks, &n_tasks, &e);
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    struct ui_task *ts = arena_alloc(req->arena, sizeof(*ts) * (n_tasks + 1));
    if (ts == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < n_tasks; i++)
        ts[i] = (struct ui_task){ .kind = tasks[i].kind,
                                  .assignee = tasks[i].team_id ? tasks[i].team_id : "—",
                                  .due_at = tasks[i].due_at,
                                  .status = tasks[i].status };
    struct ui_incident_view v = { .incident = &inc,
                                  .persons = refs,
                                  .n_persons = inc.n_persons,
                                  .tasks = ts,
                                  .n_tasks = n_tasks };
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    char *title = arena_sprintf(req->arena, "Incident #%lld", (long long)id);
    page_of(req, &p, title, "/incidents");
    ui_incident_render(&h, &p, &v);
    return send_html(req, resp, 200, &h);
}

static int ui_persons_page(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_POLICE, &rc))
        return rc;
    struct ui_services svc;
    rc = services_of(req, &svc);
    if (rc != FC_OK)
        return rc;
    const char *q = http_req_query(req, "q");
    struct ui_person_row *rows = NULL;
    size_t n = 0;
    if (q && q[0]) {
        struct match_record r = { .full_name = q, .phone = q, .postcode = q };
        struct ui_viewer viewer = viewer_of(req);
        struct ui_lookup_view v;
        rc = ui_call_lookup_build(&svc, &viewer, &r, NULL, req->now, req->arena, &v, &req->err);
        if (rc != FC_OK)
            return rc;
        rows = arena_alloc(req->arena, sizeof(*rows) * (v.n + 1));
        if (rows == NULL)
            return err_set(&req->err, FC_ENOMEM, "", "out of memory");
        for (size_t i = 0; i < v.n; i++) {
            const struct ui_candidate *c = &v.candidates[i];
            rows[n++] = (struct ui_person_row){ .id = c->person_id,
                                                .name = c->name,
                                                .dob = c->dob,
                                                .postcode = c->address,
                                                .contacts_12m = c->contacts_12m,
                                                .is_flagged = c->n_flags > 0 };
        }
    }
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "Persons", "/persons");
    ui_persons_render(&h, &p, q, rows, n);
    return send_html(req, resp, 200, &h);
}

static int ui_person_page(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_POLICE, &rc))
        return rc;
    struct ui_services svc;
    rc = services_of(req, &svc);
    if (rc != FC_OK)
        return rc;
    fc_id_t id;
    if (http_req_param_id(req, "id", &id) != FC_OK) {
        err_clear(&req->err);
        return not_found_page(req, resp, "There is no such person.");
    }
    struct ui_viewer viewer = viewer_of(req);
    struct ui_person_view v;
    struct ui_person_summary sum;
    struct fc_err e;
    rc = ui_person_page_build(&svc, &viewer, id, req->now, req->arena, &v, &sum, &e);
    if (rc == FC_ENOTFOUND)
        return not_found_page(req, resp, "There is no such person.");
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, sum.name, "/persons");
    ui_person_render(&h, &p, &v);
    return send_html(req, resp, 200, &h);
}

/* ---- cases (partner officers' start page) ---- */

static int ui_cases_page(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_OF | R_SU | R_PO, &rc))
        return rc;
    struct access_viewer av;
    struct fc_err e;
    rc = cases_viewer_of(req->app->store, req->auth.user.id, &av, &e);
    struct asb_case *rows = NULL;
    size_t n = 0;
    if (rc == FC_OK)
        rc = cases_list(req->app->store, &av, CASES_LIST_ORG, NULL, NULL, req->now, req->arena,
                        &rows, &n, &e);
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "Cases", "/cases");
    ui_page_begin(&h, &p);
    html_open(&h, "div", "class", "table-wrap", NULL);
    html_open(&h, "table", "data-testid", "cases", NULL);
    html_elem(&h, "caption",
              n ? "Cases your organisation leads or that are shared with it"
                : "No cases are led by or shared with your organisation",
              NULL);
    html_raw(&h, "<thead><tr><th scope=\"col\">Case</th><th scope=\"col\">Title</th>"
                 "<th scope=\"col\">Area</th><th scope=\"col\">Risk</th>"
                 "<th scope=\"col\">Status</th><th scope=\"col\">Next review</th></tr></thead>");
    html_open(&h, "tbody", NULL);
    for (size_t i = 0; i < n; i++) {
        char when[32] = "—";
        if (rows[i].next_review_due)
            ui_time_format(when, sizeof(when), rows[i].next_review_due);
        char *href = arena_sprintf(req->arena, "/cases/%lld", (long long)rows[i].id);
        html_open(&h, "tr", NULL);
        html_open(&h, "td", NULL);
        html_elem(&h, "a", rows[i].ref, "href", href ? href : "#", NULL);
        html_close(&h, "td");
        html_elem(&h, "td", rows[i].title, NULL);
        html_elem(&h, "td", rows[i].area_name ? rows[i].area_name : "—", NULL);
        html_elem(&h, "td", rows[i].risk_level ? rows[i].risk_level : "—", NULL);
        html_elem(&h, "td", rows[i].status, NULL);
        html_elem(&h, "td", when, NULL);
        html_close(&h, "tr");
    }
    html_close(&h, "tbody");
    html_close(&h, "table");
    html_close(&h, "div");
    ui_page_end(&h);
    return send_html(req, resp, 200, &h);
}

/*
 * A record the sharing rules refuse to a supervisor: the refusal, and the form to break
 * the glass (POST /api/v1/break-glass through web/static/js/breakglass.js; the rules and
 * the audit are in api/audit.c and domain/access). 403, like any refusal.
 */
static int break_glass_page(struct http_req *req, struct http_resp *resp, const char *type,
                            fc_id_t id, const char *what)
{
    struct html h;
    struct ui_page p;
    char idbuf[24];
    snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "Not shared with you", NULL);
    ui_page_begin(&h, &p);
    html_elem(&h, "p", what, NULL);
    html_elem(&h, "p",
              "As a supervisor you may open it for one hour if you must (break the glass). "
              "Say why: your reason, your name and the time are recorded and reported.",
              NULL);
    html_open(&h, "form", "id", "break-glass-form", "class", "panel", "data-object-type", type,
              "data-object-id", idbuf, NULL);
    ui_text_field(&h, "text", "reason", "Why you need this record", NULL,
                  "10 to 500 characters, kept in the audit trail", NULL, "required", "",
                  "minlength", "10", "maxlength", "500", NULL);
    html_open(&h, "div", "class", "actions", NULL);
    html_elem(&h, "button", "Open it for one hour (break the glass)", "type", "submit", NULL);
    html_close(&h, "div");
    html_close(&h, "form");
    html_elem(&h, "script", "", "src", "/static/js/breakglass.js", "defer", "", NULL);
    ui_page_end(&h);
    return send_html(req, resp, 403, &h);
}

/* The case page, with a refused form's values and error when `form` is given. */
static int case_page_render(struct http_req *req, struct http_resp *resp, fc_id_t id,
                            const struct ui_case_form *form, int status)
{
    struct access_viewer av;
    struct cases_view v;
    struct fc_err e;
    int rc = cases_viewer_of(req->app->store, req->auth.user.id, &av, &e);
    if (rc == FC_OK)
        rc = cases_view_load(req->app->store, &av, id, "case page", req->now, req->arena, &v, &e);
    if (rc == FC_EDENIED && access_can_break_glass(&av))
        return break_glass_page(req, resp, "case", id,
                                "This case is not shared with your organisation.");
    if (rc == FC_ENOTFOUND || rc == FC_EDENIED)
        return not_found_page(req, resp, "There is no such case, or it is not shared with you.");
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, v.c.title ? v.c.title : v.c.ref, "/cases");
    ui_case_render(&h, &p, &v, form);
    return send_html(req, resp, status, &h);
}

static int ui_case_page(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_OF | R_SU | R_PO, &rc))
        return rc;
    fc_id_t id;
    if (http_req_param_id(req, "id", &id) != FC_OK) {
        err_clear(&req->err);
        return not_found_page(req, resp, "There is no such case.");
    }
    return case_page_render(req, resp, id, NULL, 200);
}

static const char *blank_to_null(const char *s)
{
    return s != NULL && s[0] != '\0' ? s : NULL;
}

/* After a case form: back to the case (303, so a reload does not post again), or the page
 * again with what was typed and why it was refused. */
static int case_form_done(struct http_req *req, struct http_resp *resp, fc_id_t id, int rc,
                          const struct fc_err *e, struct ui_case_form *form)
{
    if (rc == FC_OK)
        return redirect(req, resp, arena_sprintf(req->arena, "/cases/%lld", (long long)id));
    if (rc == FC_ENOTFOUND)
        return not_found_page(req, resp, "There is no such case, or it is not shared with you.");
    if (rc != FC_EINVAL && rc != FC_EDENIED && rc != FC_ECONFLICT) {
        req->err = *e;
        return rc;
    }
    form->error = e->msg[0] ? arena_strdup(req->arena, e->msg) : "the details were refused";
    return case_page_render(req, resp, id, form, rc == FC_EDENIED ? 403 : 422);
}

static int ui_case_action_post(struct http_req *req, struct http_resp *resp)
{
    fc_id_t id;
    struct ui_form f;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = form_of(req, &f);
    if (rc != FC_OK)
        return rc;
    struct ui_case_form form = { .which = "action",
                                 .intervention = ui_form_get(&f, "intervention"),
                                 .title = ui_form_get(&f, "title"),
                                 .due = ui_form_get(&f, "due") };
    struct cases_action_input ai = { .intervention = blank_to_null(form.intervention),
                                     .title = blank_to_null(form.title),
                                     .subject_age_years = -1 };
    struct fc_err e;
    err_clear(&e);
    if (blank_to_null(form.due) != NULL) {
        int y, m, d;
        char extra;
        if (sscanf(form.due, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 ||
            !time_date_is_valid(y, m, d)) {
            rc = err_set(&e, FC_EINVAL, "due", "the due date must be a date such as 2026-12-01");
            return case_form_done(req, resp, id, rc, &e, &form);
        }
        ai.due_at = time_days_from_civil(y, m, d) * 86400 + 17L * 3600; /* 17:00 UTC that day */
    }
    if (ai.intervention == NULL) {
        rc = err_set(&e, FC_EINVAL, "intervention", "choose an intervention");
        return case_form_done(req, resp, id, rc, &e, &form);
    }
    struct access_viewer av;
    fc_id_t action_id = 0;
    rc = cases_viewer_of(req->app->store, req->auth.user.id, &av, &e);
    if (rc == FC_OK)
        rc = cases_action_add(req->app->store, &av, id, &ai, req->now, &action_id, &e);
    if (rc == FC_OK)
        log_emit(LOG_INFO, "ui.case_action", "req=%s case=%lld action=%lld", req->request_id,
                 (long long)id, (long long)action_id);
    return case_form_done(req, resp, id, rc, &e, &form);
}

static int ui_case_review_post(struct http_req *req, struct http_resp *resp)
{
    fc_id_t id;
    struct ui_form f;
    int rc = http_req_param_id(req, "id", &id);
    if (rc == FC_OK)
        rc = form_of(req, &f);
    if (rc != FC_OK)
        return rc;
    struct ui_case_form form = { .which = "review", .summary = ui_form_get(&f, "summary") };
    struct fc_err e;
    err_clear(&e);
    if (blank_to_null(form.summary) == NULL) {
        rc = err_set(&e, FC_EINVAL, "summary", "say what the review found and decided");
        return case_form_done(req, resp, id, rc, &e, &form);
    }
    struct access_viewer av;
    rc = cases_viewer_of(req->app->store, req->auth.user.id, &av, &e);
    if (rc == FC_OK)
        rc = cases_review_record(req->app->store, &av, id, form.summary, req->now, &e);
    if (rc == FC_OK)
        log_emit(LOG_INFO, "ui.case_review", "req=%s case=%lld", req->request_id, (long long)id);
    return case_form_done(req, resp, id, rc, &e, &form);
}

/* ---- dashboard and report downloads ---- */

/* One dashboard table from a report: cells formatted as people read them. */
static int report_table_view(struct http_req *req, const char *name, const char *by,
                             struct ui_table *out)
{
    struct report_request rq;
    struct report_table t;
    int rc = report_request_parse(name, "all", by, NULL, NULL, NULL, &rq, &req->err);
    if (rc != FC_OK)
        return rc;
    rq.now = req->now;
    rc = report_build(req->app->store, &rq, req->arena, &t, &req->err);
    if (rc != FC_OK)
        return rc;
    const char **cols = arena_alloc(req->arena, sizeof(*cols) * (t.n_cols + 1));
    char *numeric = arena_alloc(req->arena, t.n_cols + 1);
    const char **cells = arena_alloc(req->arena, sizeof(*cells) * (t.n_rows * t.n_cols + 1));
    if (cols == NULL || numeric == NULL || cells == NULL)
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    for (size_t c = 0; c < t.n_cols; c++) {
        cols[c] = t.cols[c].label;
        numeric[c] = t.cols[c].kind == REPORT_TEXT ? 't' : 'n';
    }
    for (size_t r = 0; r < t.n_rows; r++) {
        for (size_t c = 0; c < t.n_cols; c++) {
            char buf[64];
            report_cell_format(&t.cols[c], &t.cells[r * t.n_cols + c], buf, sizeof(buf));
            cells[r * t.n_cols + c] = arena_strdup(req->arena, buf);
        }
    }
    *out = (struct ui_table){
        .id = name,
        .caption = t.title,
        .n_cols = t.n_cols,
        .cols = cols,
        .n_rows = t.n_rows,
        .cells = cells,
        .numeric_cols = numeric,
        .csv_href = arena_sprintf(req->arena, "/reports/%s?format=csv", name),
        .xlsx_href = arena_sprintf(req->arena, "/reports/%s?format=xlsx", name),
    };
    return FC_OK;
}

static int ui_dashboard_page(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_SU | R_AN, &rc))
        return rc;
    static const char *const names[] = { "first_contact", "satisfaction", "demand", "hotspots" };
    struct ui_table tables[4];
    for (size_t i = 0; i < 4; i++) {
        rc = report_table_view(req, names[i], NULL, &tables[i]);
        if (rc != FC_OK)
            return rc;
    }
    tables[3].map_values = "/reports/hotspots?format=json";
    tables[2].chart_src = "/reports/demand?format=json&by=category";
    tables[2].chart_x = "period";
    tables[2].chart_series = "count";
    tables[2].chart_label = "Contacts";
    struct ui_dashboard_view v = {
        .tables = tables,
        .n_tables = 4,
        .tiles_url = req->app->opt.tile_url,
        .tiles_attribution = req->app->opt.tile_attribution,
    };
    if (v.tiles_url && v.tiles_url[0] == '\0')
        v.tiles_url = NULL;
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "Dashboard", "/dashboard");
    ui_dashboard_render(&h, &p, &v);
    return send_html(req, resp, 200, &h);
}

static int ui_report_download(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_SU | R_AN, &rc))
        return rc;
    const char *name = http_req_param(req, "name");
    const char *format = http_req_query(req, "format");
    struct report_request rq;
    struct report_table t;
    rc = report_request_parse(name, http_req_query(req, "period") ? http_req_query(req, "period")
                                                                  : "all",
                              http_req_query(req, "by"), http_req_query(req, "from"),
                              http_req_query(req, "to"), NULL, &rq, &req->err);
    if (rc != FC_OK)
        return rc;
    rq.now = req->now;
    rc = report_build(req->app->store, &rq, req->arena, &t, &req->err);
    if (rc != FC_OK)
        return rc;
    char *out = NULL;
    size_t len = 0;
    if (format == NULL || strcmp(format, "json") == 0) {
        rc = report_render_json(&t, &out, &len, &req->err);
        resp->content_type = "application/json";
    } else if (strcmp(format, "xlsx") == 0) {
        rc = report_render_xlsx(&t, &out, &len, &req->err);
        resp->content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    } else if (strcmp(format, "csv") == 0) {
        FILE *f = open_memstream(&out, &len);
        if (f == NULL)
            return err_set(&req->err, FC_ENOMEM, "", "out of memory");
        rc = report_render_csv(&t, f, &req->err);
        fclose(f);
        resp->content_type = "text/csv; charset=utf-8";
    } else {
        return err_set(&req->err, FC_EINVAL, "format", "must be json, csv or xlsx");
    }
    if (rc != FC_OK) {
        free(out);
        return rc;
    }
    char *body = arena_alloc(req->arena, len + 1);
    if (body == NULL) {
        free(out);
        return err_set(&req->err, FC_ENOMEM, "", "out of memory");
    }
    memcpy(body, out, len);
    free(out);
    resp->status = 200;
    resp->body = body;
    resp->body_len = len;
    if (format && strcmp(format, "json") != 0) {
        char *disp = arena_sprintf(req->arena, "attachment; filename=\"%s.%s\"", t.name, format);
        http_resp_header(req, resp, "Content-Disposition", disp);
    }
    return FC_OK;
}

/* ---- administration ---- */

static int ui_admin_page(struct http_req *req, struct http_resp *resp)
{
    int rc;
    if (!page_allowed(req, resp, R_AD, &rc))
        return rc;
    struct user *users = NULL;
    size_t n = 0;
    struct fc_err e;
    rc = store_user_list(req->app->store, req->arena, &users, &n, &e);
    if (rc != FC_OK) {
        req->err = e;
        return rc;
    }
    struct html h;
    struct ui_page p;
    html_init(&h, req->arena, PAGE_MAX_BYTES);
    page_of(req, &p, "Users and settings", "/admin");
    ui_page_begin(&h, &p);
    html_elem(&h, "p",
              "Administrators manage users and configuration; they cannot read people's records.",
              "class", "hint", NULL);
    html_open(&h, "table", "data-testid", "users", NULL);
    html_raw(&h, "<thead><tr><th scope=\"col\">Username</th><th scope=\"col\">Name</th>"
                 "<th scope=\"col\">Role</th><th scope=\"col\">Status</th></tr></thead>");
    html_open(&h, "tbody", NULL);
    for (size_t i = 0; i < n; i++) {
        html_open(&h, "tr", NULL);
        html_elem(&h, "td", users[i].username, NULL);
        html_elem(&h, "td", users[i].display_name ? users[i].display_name : "—", NULL);
        html_elem(&h, "td", ui_role_label(users[i].role), NULL);
        html_elem(&h, "td", users[i].is_disabled ? "disabled" : "active", NULL);
        html_close(&h, "tr");
    }
    html_close(&h, "tbody");
    html_close(&h, "table");
    ui_page_end(&h);
    return send_html(req, resp, 200, &h);
}

const struct http_route ui_routes[] = {
    { "GET", "/", ui_root, HTTP_ROLES_PUBLIC, "the signed-in role's start page, or sign-in" },
    { "GET", "/login", ui_login, HTTP_ROLES_PUBLIC, "the sign-in page" },
    { "GET", "/call", ui_call_page, HTTP_ROLES_PUBLIC, "the call handler's screen" },
    { "POST", "/call", ui_call_save, R_POLICE, "save the call as a screened, graded incident" },
    { "POST", "/call/lookup", ui_call_lookup, R_POLICE, "candidate panel for typed details" },
    { "POST", "/call/screening", ui_call_screening, R_POLICE, "screening outcome so far" },
    { "POST", "/call/find", ui_call_find, R_POLICE, "the call screen with candidates (no JS)" },
    { "GET", "/incidents", ui_incidents_page, HTTP_ROLES_PUBLIC, "incidents with filters" },
    { "GET", "/incidents/{id}", ui_incident_page, HTTP_ROLES_PUBLIC, "an incident" },
    { "GET", "/persons", ui_persons_page, HTTP_ROLES_PUBLIC, "find a person" },
    { "GET", "/persons/{id}", ui_person_page, HTTP_ROLES_PUBLIC, "a person's record" },
    { "GET", "/cases", ui_cases_page, HTTP_ROLES_PUBLIC, "cases led by or shared with the org" },
    { "GET", "/cases/{id}", ui_case_page, HTTP_ROLES_PUBLIC, "a case, as sharing allows" },
    { "POST", "/cases/{id}/actions", ui_case_action_post, R_OF | R_SU | R_PO,
      "add an action to a case's plan (form post)" },
    { "POST", "/cases/{id}/reviews", ui_case_review_post, R_OF | R_SU | R_PO,
      "record a case review (form post)" },
    { "GET", "/dashboard", ui_dashboard_page, HTTP_ROLES_PUBLIC, "reports, charts and map" },
    { "GET", "/reports/{name}", ui_report_download, HTTP_ROLES_PUBLIC,
      "a report as JSON, CSV or XLSX" },
    { "GET", "/admin", ui_admin_page, HTTP_ROLES_PUBLIC, "users" },
    { NULL, NULL, NULL, 0, NULL },
};
