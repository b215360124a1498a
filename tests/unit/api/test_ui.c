/* Unit tests for the UI renderers: escaping of data, CSRF on forms, no inline script or
 * style, role homes and menus, banners with words, the UK clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "api/ui_screens.h"
#include "domain/grading/grading.h"
#include "domain/risk/risk.h"
#include "util/timeutil.h"

static const struct ui_question questions7[] = {
    { "S1", "Has this happened to you before?" },
    { "S2", "Reported elsewhere?" },
    { "S3", "Targeted?" },
    { "S4", "Disability?" },
    { "S5", "Hate?" },
    { "S6", "Safe?" },
    { "S7", "Health?" },
};

static const char *render_login(struct arena *a, const char *user, const char *error)
{
    struct html h;
    html_init(&h, a, 0);
    ui_login_render(&h, "tok-123", user, error);
    const char *s = html_finish(&h, NULL);
    assert_non_null(s);
    return s;
}

/* No inline script bodies, no inline styles, no event handlers: the CSP would block them. */
static void assert_csp_clean(const char *s)
{
    const char *p = s;
    while ((p = strstr(p, "<script")) != NULL) {
        const char *gt = strchr(p, '>');
        assert_non_null(gt);
        assert_non_null(strstr(p, " src=\"/static/"));
        assert_true(strncmp(gt + 1, "</script>", 9) == 0);
        p = gt;
    }
    assert_null(strstr(s, "<style"));
    assert_null(strstr(s, " style="));
    assert_null(strstr(s, " onclick="));
}

static void test_ui_login_has_csrf_and_labels(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    const char *s = render_login(&a, NULL, NULL);
    assert_non_null(strstr(s, "<input type=\"hidden\" name=\"csrf_token\" value=\"tok-123\">"));
    assert_non_null(strstr(s, "<label for=\"f-username\">Username</label>"));
    assert_non_null(strstr(s, "<label for=\"f-password\">Password</label>"));
    assert_non_null(strstr(s, "method=\"post\" action=\"/login\""));
    assert_csp_clean(s);
    arena_free(&a);
}

static void test_ui_login_escapes_username_and_error(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    const char *s = render_login(&a, "\"><script>x</script>", "Wrong <b>password</b>");
    assert_null(strstr(s, "<script>x"));
    assert_non_null(strstr(s, "value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""));
    assert_non_null(strstr(s, "Wrong &lt;b&gt;password&lt;/b&gt;"));
    arena_free(&a);
}

static void test_ui_role_homes_differ_per_role(void **state)
{
    (void)state;
    assert_string_equal(ui_role_home(ROLE_CALL_HANDLER), "/call");
    assert_string_equal(ui_role_home(ROLE_PARTNER_OFFICER), "/cases");
    assert_string_equal(ui_role_home(ROLE_ADMIN), "/admin");
    assert_string_equal(ui_role_home((enum user_role)99), "/login");
    assert_string_equal(ui_role_name(ROLE_PARTNER_OFFICER), "partner_officer");
}

static void test_ui_admin_menu_has_no_person_records(void **state)
{
    (void)state;
    for (const struct ui_nav_item *n = ui_role_nav(ROLE_ADMIN); n->href; n++) {
        assert_null(strstr(n->href, "persons"));
        assert_null(strstr(n->href, "incidents"));
    }
    bool partner_sees_persons = false;
    for (const struct ui_nav_item *n = ui_role_nav(ROLE_PARTNER_OFFICER); n->href; n++)
        partner_sees_persons |= strcmp(n->href, "/persons") == 0;
    assert_false(partner_sees_persons);
}

static void test_ui_page_marks_current_menu_item_and_user(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct user u = { .username = "ch1",
                      .display_name = "Sam <Handler>",
                      .role = ROLE_CALL_HANDLER };
    struct ui_page page = { .title = "New call",
                            .nav_current = "/call",
                            .user = &u,
                            .csrf = "c",
                            .org_name = "Leicestershire Police" };
    struct html h;
    html_init(&h, &a, 0);
    ui_page_begin(&h, &page);
    ui_page_end(&h);
    const char *s = html_finish(&h, NULL);
    assert_non_null(s);
    assert_non_null(strstr(s, "<a href=\"/call\" aria-current=\"page\">New call</a>"));
    assert_non_null(strstr(s, "Sam &lt;Handler&gt; · Call handler · Leicestershire Police"));
    assert_non_null(strstr(s, "action=\"/logout\""));
    assert_non_null(strstr(s, "<meta name=\"csrf-token\" content=\"c\">"));
    assert_csp_clean(s);
    arena_free(&a);
}

static void test_ui_candidates_escape_and_show_banners(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct ui_reason reasons[] = { { "same date of birth", 6.1 }, { "nickname of Robert", 3.2 } };
    struct ui_flag flags[] = { { "vulnerable", "Leicester City Council", NULL, 1700000000 } };
    struct ui_candidate c = { .person_id = 42,
                              .name = "Bob <img src=x> Smith",
                              .dob = "1980-02-03",
                              .address = "1 High St",
                              .band = "same",
                              .probability = 0.97,
                              .reasons = reasons,
                              .n_reasons = 2,
                              .contacts_12m = 3,
                              .contacts_ever = 5,
                              .flags = flags,
                              .n_flags = 1,
                              .is_trigger = true };
    struct ui_lookup_view v = { .candidates = &c, .n = 1, .has_query = true, .elapsed_ms = 4 };
    struct html h;
    html_init(&h, &a, 0);
    ui_call_candidates_render(&h, &v);
    const char *s = html_finish(&h, NULL);
    assert_non_null(s);
    assert_null(strstr(s, "<img"));
    assert_non_null(strstr(s, "Bob &lt;img src=x&gt; Smith"));
    assert_non_null(strstr(s, "Repeat victim</strong>"));
    assert_non_null(strstr(s, "3 earlier ASB contacts in the last 12 months (5 in all)."));
    assert_non_null(strstr(s, "vulnerable flag from Leicester City Council since 2023-11-14"));
    assert_non_null(strstr(s, "Community Trigger</strong>"));
    assert_non_null(strstr(s, "<li>nickname of Robert</li>"));
    assert_non_null(strstr(s, "same person (97%)"));
    assert_non_null(strstr(s, "value=\"new\""));
    arena_free(&a);
}

static void test_ui_candidates_without_repeat_show_no_repeat_banner(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct ui_candidate c = {
        .person_id = 7, .name = "Ann Lee", .band = "possible", .probability = 0.2
    };
    struct ui_lookup_view v = { .candidates = &c, .n = 1, .has_query = true, .chosen_id = 7 };
    struct html h;
    html_init(&h, &a, 0);
    ui_call_candidates_render(&h, &v);
    const char *s = html_finish(&h, NULL);
    assert_non_null(s);
    assert_null(strstr(s, "data-banner"));
    assert_non_null(strstr(s, "value=\"7\" form=\"call-form\" checked=\"\""));
    arena_free(&a);
}

static void test_ui_call_screen_fields_lookup_and_keeps_values(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct user u = { .username = "ch1", .role = ROLE_CALL_HANDLER };
    struct ui_page page = { .title = "New call", .user = &u, .csrf = "tok" };
    struct fc_err err;
    err_set(&err, FC_EINVAL, "category", "choose a category");
    struct ui_call_form f = { .name = "Jon Smyth", .description = "<b>loud</b>", .error = &err };
    struct ui_screening_view sv = { .questions = questions7,
                                    .n_questions = 7,
                                    .answers = "yn\0\0\0\0\0" };
    struct html h;
    html_init(&h, &a, 0);
    ui_call_render(&h, &page, &f, NULL, &sv);
    const char *s = html_finish(&h, NULL);
    assert_non_null(s);
    assert_non_null(strstr(s, "hx-trigger=\"keyup changed delay:120ms, change\""));
    assert_non_null(strstr(s, "value=\"Jon Smyth\""));
    assert_non_null(strstr(s, "&lt;b&gt;loud&lt;/b&gt;</textarea>"));
    assert_non_null(strstr(s, "choose a category"));
    assert_non_null(strstr(s, "id=\"f-category\" name=\"category\" aria-invalid=\"true\""));
    /* S1 and S2 answered, S3 shown next, S4 still hidden */
    assert_non_null(strstr(s, "data-question=\"S3\">"));
    assert_non_null(strstr(s, "data-question=\"S4\" hidden=\"\""));
    assert_non_null(strstr(s, "id=\"q-S1-y\" name=\"answer_S1\" value=\"y\" checked=\"\""));
    assert_csp_clean(s);
    arena_free(&a);
}

static void test_ui_score_shows_outcome_in_words(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    const char *why[] = { "1 earlier contact in 12 months" };
    struct ui_screening_view v = { .questions = questions7,
                                   .n_questions = 7,
                                   .answers = "yy\0\0\0\0\0",
                                   .prior_contacts_12m = 1,
                                   .needs_full = true,
                                   .why = why,
                                   .n_why = 1,
                                   .suggested_grade = "priority" };
    struct html h;
    html_init(&h, &a, 0);
    ui_call_score_render(&h, &v);
    const char *s = html_finish(&h, NULL);
    assert_non_null(s);
    assert_non_null(strstr(s, "2 of 7 questions answered."));
    assert_non_null(strstr(s, "Not low risk"));
    assert_non_null(strstr(s, "<li>1 earlier contact in 12 months</li>"));
    assert_non_null(strstr(s, "data-grade=\"priority\">Priority</strong>"));
    arena_free(&a);
}

static void test_ui_time_format_uses_uk_summer_time(void **state)
{
    (void)state;
    char buf[32];
    /* 2026-07-01 12:00 UTC is 13:00 BST */
    ui_time_format(buf, sizeof(buf), time_days_from_civil(2026, 7, 1) * 86400 + 12 * 3600);
    assert_string_equal(buf, "2026-07-01 13:00");
    /* 2026-01-15 12:00 UTC is 12:00 GMT */
    ui_time_format(buf, sizeof(buf), time_days_from_civil(2026, 1, 15) * 86400 + 12 * 3600);
    assert_string_equal(buf, "2026-01-15 12:00");
    /* BST 2026 starts Sunday 29 March at 01:00 UTC */
    ui_time_format(buf, sizeof(buf), time_days_from_civil(2026, 3, 29) * 86400 + 3600 - 60);
    assert_string_equal(buf, "2026-03-29 00:59");
    ui_time_format(buf, sizeof(buf), time_days_from_civil(2026, 3, 29) * 86400 + 3600);
    assert_string_equal(buf, "2026-03-29 02:00");
    /* and ends Sunday 25 October at 01:00 UTC */
    ui_time_format(buf, sizeof(buf), time_days_from_civil(2026, 10, 25) * 86400 + 3600);
    assert_string_equal(buf, "2026-10-25 01:00");
}

struct form_fields {
    const char *names[10];
    const char *values[10];
};

static const char *form_get(void *ctx, const char *name)
{
    struct form_fields *f = ctx;
    for (int i = 0; i < 10 && f->names[i]; i++) {
        if (strcmp(f->names[i], name) == 0)
            return f->values[i];
    }
    return NULL;
}

static void test_ui_screening_build_repeat_caller_needs_full_assessment(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err;
    struct risk_config *risk = calloc(1, sizeof(*risk));
    struct grading_config grading;
    assert_int_equal(risk_config_load("risk/v1", risk, &err), FC_OK);
    assert_int_equal(grading_config_load("grading/v1", &grading, &err), FC_OK);
    struct form_fields f = { { "answer_S1", "answer_S6", "category" }, { "y", "y", "personal" } };
    struct risk_facts facts = { .prior_contacts_12m = 2 };
    struct ui_screening_view v;
    assert_int_equal(ui_call_screening_build(risk, &grading, form_get, &f, &facts, &a, &v, &err),
                     FC_OK);
    assert_int_equal(v.n_questions, 7);
    assert_int_equal(v.answers[0], 'y');
    assert_int_equal(v.answers[1], 0);
    assert_true(v.needs_full);
    bool saw_repeat = false;
    for (size_t i = 0; i < v.n_why; i++)
        saw_repeat |= strcmp(v.why[i], "2 earlier contacts in 12 months") == 0;
    assert_true(saw_repeat);
    assert_non_null(v.suggested_grade);
    free(risk);
    arena_free(&a);
}

static void test_ui_screening_build_first_time_caller_is_standard(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err;
    struct risk_config *risk = calloc(1, sizeof(*risk));
    struct grading_config grading;
    assert_int_equal(risk_config_load("risk/v1", risk, &err), FC_OK);
    assert_int_equal(grading_config_load("grading/v1", &grading, &err), FC_OK);
    struct form_fields f = { { "answer_S1", "answer_S2", "answer_S3", "answer_S4", "answer_S5",
                               "answer_S6", "answer_S7", "category" },
                             { "n", "n", "n", "n", "n", "y", "n", "environmental" } };
    struct risk_facts facts = { 0 };
    struct ui_screening_view v;
    assert_int_equal(ui_call_screening_build(risk, &grading, form_get, &f, &facts, &a, &v, &err),
                     FC_OK);
    assert_false(v.needs_full);
    assert_int_equal(v.n_why, 0);
    assert_string_equal(v.suggested_grade, "resolved_first_contact");
    free(risk);
    arena_free(&a);
}

static void test_ui_screening_build_refuses_bad_answer(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct fc_err err;
    struct risk_config *risk = calloc(1, sizeof(*risk));
    struct grading_config grading;
    assert_int_equal(risk_config_load("risk/v1", risk, &err), FC_OK);
    assert_int_equal(grading_config_load("grading/v1", &grading, &err), FC_OK);
    struct form_fields f = { { "answer_S3" }, { "maybe" } };
    struct risk_facts facts = { 0 };
    struct ui_screening_view v;
    assert_int_equal(ui_call_screening_build(risk, &grading, form_get, &f, &facts, &a, &v, &err),
                     FC_EINVAL);
    assert_string_equal(err.field, "answer_S3");
    free(risk);
    arena_free(&a);
}

static void test_ui_incidents_list_escapes_and_links(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct user u = { .username = "o1", .role = ROLE_OFFICER };
    struct ui_page page = { .title = "Incidents", .user = &u, .csrf = "t" };
    struct incident rows[1] = { { .id = 17,
                                  .category = NSIR_PERSONAL,
                                  .incident_type = "noise",
                                  .location_raw = "1 <b>Main</b> St",
                                  .grade = "priority",
                                  .risk_level = "high",
                                  .status = INCIDENT_OPEN } };
    struct ui_incident_filter f = { .status = "open", .page = 1 };
    struct html h;
    html_init(&h, &a, 0);
    ui_incidents_render(&h, &page, &f, rows, 1, true);
    const char *s = html_finish(&h, NULL);
    assert_non_null(s);
    assert_non_null(strstr(s, "<a href=\"/incidents/17\">#17</a>"));
    assert_non_null(strstr(s, "1 &lt;b&gt;Main&lt;/b&gt; St"));
    assert_non_null(strstr(s, "high risk"));
    assert_non_null(strstr(s, "<option value=\"open\" selected=\"\">open</option>"));
    assert_non_null(strstr(s, ">Newer</a>"));
    assert_non_null(strstr(s, ">Older</a>"));
    assert_csp_clean(s);
    arena_free(&a);
}

static void test_ui_person_page_shows_views_and_hides_withheld_reason(void **state)
{
    (void)state;
    struct arena a;
    arena_init(&a, 0);
    struct user u = { .username = "c1", .role = ROLE_CALL_HANDLER };
    struct ui_page page = { .title = "Person", .user = &u, .csrf = "t" };
    struct person_name names[2] = { { .raw = "Robert Smith" }, { .raw = "Bob Smyth" } };
    struct person p = { .id = 5, .n_names = 2, .names = names };
    struct ui_flag flags[1] = { { "vulnerable", "Blaby District Council", NULL, 1700000000 } };
    struct ui_view_event views[1] = { { "Sam <x>", "Leicestershire Police", "consult", "call",
                                        1700000000 } };
    struct ui_person_view v = {
        .person = &p, .flags = flags, .n_flags = 1, .contacts_12m = 2, .show_views = true,
        .views = views, .n_views = 1
    };
    struct html h;
    html_init(&h, &a, 0);
    ui_person_render(&h, &page, &v);
    const char *s = html_finish(&h, NULL);
    assert_non_null(s);
    assert_non_null(strstr(s, "Robert Smith; Bob Smyth"));
    assert_non_null(strstr(s, "vulnerable flag from Blaby District Council since 2023-11-14<"));
    assert_non_null(strstr(s, "2 ASB contacts in the last 12 months."));
    assert_non_null(strstr(s, "<td>Sam &lt;x&gt;</td>"));
    assert_non_null(strstr(s, "Who viewed this record"));
    /* the panel is audit data: not rendered unless the role may see it */
    v.show_views = false;
    html_init(&h, &a, 0);
    ui_person_render(&h, &page, &v);
    s = html_finish(&h, NULL);
    assert_non_null(s);
    assert_null(strstr(s, "Who viewed this record"));
    assert_null(strstr(s, "Sam &lt;x&gt;"));
    arena_free(&a);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ui_login_has_csrf_and_labels),
        cmocka_unit_test(test_ui_login_escapes_username_and_error),
        cmocka_unit_test(test_ui_role_homes_differ_per_role),
        cmocka_unit_test(test_ui_admin_menu_has_no_person_records),
        cmocka_unit_test(test_ui_page_marks_current_menu_item_and_user),
        cmocka_unit_test(test_ui_candidates_escape_and_show_banners),
        cmocka_unit_test(test_ui_candidates_without_repeat_show_no_repeat_banner),
        cmocka_unit_test(test_ui_call_screen_fields_lookup_and_keeps_values),
        cmocka_unit_test(test_ui_score_shows_outcome_in_words),
        cmocka_unit_test(test_ui_time_format_uses_uk_summer_time),
        cmocka_unit_test(test_ui_screening_build_repeat_caller_needs_full_assessment),
        cmocka_unit_test(test_ui_screening_build_first_time_caller_is_standard),
        cmocka_unit_test(test_ui_screening_build_refuses_bad_answer),
        cmocka_unit_test(test_ui_incidents_list_escapes_and_links),
        cmocka_unit_test(test_ui_person_page_shows_views_and_hides_withheld_reason),
    };

    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("api/ui", tests, NULL, NULL);
}
