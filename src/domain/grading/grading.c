/* grading/grading.c: see grading.h. */
#include "domain/grading/grading.h"

#include <stdio.h>
#include <string.h>

#include "domain/config/config.h"

static const char *const grade_names[GRADE_COUNT] = { "emergency", "priority", "scheduled",
                                                      "resolved_first_contact" };
static const char *const category_names[3] = { "personal", "nuisance", "environmental" };

const char *grading_grade_name(enum grade g)
{
    return (unsigned)g < GRADE_COUNT ? grade_names[g] : "unknown";
}

bool grading_grade_parse(const char *s, enum grade *out)
{
    for (int i = 0; s != NULL && i < GRADE_COUNT; i++) {
        if (strcmp(s, grade_names[i]) == 0) {
            *out = (enum grade)i;
            return true;
        }
    }
    return false;
}

static int grade_member(const json_t *obj, const char *path, const char *key, enum grade *out,
                        struct fc_err *err)
{
    char buf[32];
    int rc = config_json_str(obj, path, key, buf, sizeof(buf), err);
    if (rc != FC_OK)
        return rc;
    if (!grading_grade_parse(buf, out))
        return err_set(err, FC_EINVAL, path, "%s is not a grade", key);
    return FC_OK;
}

static int load_list(const json_t *root, const char *key, char (*out)[32], size_t *n,
                     struct fc_err *err)
{
    json_t *arr;
    int rc = config_json_array(root, "grading", key, &arr, err);
    if (rc != FC_OK)
        return rc;
    if (json_array_size(arr) > GRADING_MAX_ANSWERS)
        return err_set(err, FC_EINVAL, key, "too many answers");
    for (size_t i = 0; i < json_array_size(arr); i++) {
        rc = config_copy(out[i], 32, json_string_value(json_array_get(arr, i)), key, err);
        if (rc != FC_OK)
            return rc;
    }
    *n = json_array_size(arr);
    return FC_OK;
}

int grading_config_load(const char *version, struct grading_config *out, struct fc_err *err)
{
    json_t *root = NULL, *grades, *base, *floor;
    memset(out, 0, sizeof(*out));
    int rc = config_json_load(version, &root, err);
    if (rc != FC_OK)
        return rc;
    rc = config_copy(out->version, sizeof(out->version), version, "version", err);
    if (rc == FC_OK)
        rc = config_json_array(root, version, "grades", &grades, err);
    if (rc == FC_OK && json_array_size(grades) != GRADE_COUNT)
        rc = err_set(err, FC_EINVAL, "grades", "must list the %d grades", GRADE_COUNT);
    for (size_t i = 0; rc == FC_OK && i < GRADE_COUNT; i++) {
        json_t *g = json_array_get(grades, i);
        enum grade id = GRADE_COUNT; /* set by grade_member on success */
        rc = grade_member(g, "grades", "id", &id, err);
        if (rc == FC_OK && id != (enum grade)i)
            rc = err_set(err, FC_EINVAL, "grades", "must be listed most urgent first");
        if (rc == FC_OK)
            rc = config_json_int(g, "grades", "target_minutes", &out->target_minutes[i], err);
        if (rc == FC_OK)
            rc = config_json_int(g, "grades", "rural_target_minutes",
                                 &out->rural_target_minutes[i], err);
    }
    if (rc == FC_OK)
        rc = config_json_object(root, version, "category_base", &base, err);
    for (int c = 0; rc == FC_OK && c < 3; c++)
        rc = grade_member(base, "category_base", category_names[c], &out->category_base[c], err);
    if (rc == FC_OK)
        rc = config_json_object(root, version, "risk_floor", &floor, err);
    for (int l = 0; rc == FC_OK && l < 3; l++)
        rc = grade_member(floor, "risk_floor", risk_level_name((enum risk_level)l),
                          &out->risk_floor[l], err);
    if (rc == FC_OK)
        rc = load_list(root, "emergency_if_any", out->emergency_if, &out->n_emergency, err);
    if (rc == FC_OK)
        rc = load_list(root, "priority_if_any", out->priority_if, &out->n_priority, err);
    /* DESIGN 6: a high-risk victim is never resolved at first contact. */
    if (rc == FC_OK && out->risk_floor[RISK_HIGH] == GRADE_RESOLVED_FIRST_CONTACT)
        rc = err_set(err, FC_EINVAL, "risk_floor.high", "must not be resolved_first_contact");
    json_decref(root);
    return rc;
}

static bool in_list(const char (*list)[32], size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

int grading_suggest(const struct grading_config *cfg, const struct grading_input *in,
                    struct grading_suggestion *out, struct fc_err *err)
{
    memset(out, 0, sizeof(*out));
    if ((unsigned)in->category > NSIR_ENVIRONMENTAL)
        return err_set(err, FC_EINVAL, "category", "must be personal, nuisance or environmental");
    enum grade g = cfg->category_base[in->category];
    const char *because = "category";
    for (size_t i = 0; i < in->n_answers; i++) {
        const char *a = in->answers[i];
        char field[40];
        snprintf(field, sizeof(field), "answers[%zu]", i);
        if (a != NULL && in_list(cfg->emergency_if, cfg->n_emergency, a)) {
            g = GRADE_EMERGENCY;
            because = "emergency answer";
        } else if (a != NULL && in_list(cfg->priority_if, cfg->n_priority, a)) {
            if (g > GRADE_PRIORITY) {
                g = GRADE_PRIORITY;
                because = "priority answer";
            }
        } else {
            return err_set(err, FC_EINVAL, field, "is not a grading answer of %s", cfg->version);
        }
    }
    enum grade floor = GRADE_RESOLVED_FIRST_CONTACT;
    if (in->has_risk && (unsigned)in->risk <= RISK_HIGH)
        floor = cfg->risk_floor[in->risk];
    if ((in->risk_actions & RISK_ACT_GRADE_PRIORITY) && floor > GRADE_PRIORITY)
        floor = GRADE_PRIORITY;
    if (floor < g) { /* risk raises, never lowers */
        g = floor;
        because = "risk floor";
    }
    out->grade = g;
    out->floor = floor;
    snprintf(out->why, sizeof(out->why), "%s; category %s; risk %s", because,
             category_names[in->category], in->has_risk ? risk_level_name(in->risk) : "none");
    return FC_OK;
}

int grading_override_check(const struct grading_suggestion *suggestion, enum grade requested,
                           bool is_high_risk, enum user_role role, const char *reason,
                           struct fc_err *err)
{
    if ((unsigned)requested >= GRADE_COUNT)
        return err_set(err, FC_EINVAL, "grade", "is not a grade");
    if (role != ROLE_CALL_HANDLER && role != ROLE_SUPERVISOR)
        return err_set(err, FC_EDENIED, "grade", "only call handlers and supervisors grade");
    if (is_high_risk && requested == GRADE_RESOLVED_FIRST_CONTACT)
        return err_set(err, FC_EINVAL, "grade",
                       "a high-risk victim is never resolved at first contact");
    if (requested == suggestion->grade)
        return FC_OK;
    if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0')
        return err_set(err, FC_EINVAL, "reason", "is required to change the suggested grade");
    if (requested > suggestion->floor && role != ROLE_SUPERVISOR)
        return err_set(err, FC_EDENIED, "grade",
                       "only a supervisor may grade below the risk floor");
    return FC_OK;
}

long grading_target_seconds(const struct grading_config *cfg, enum grade g, bool is_rural)
{
    if ((unsigned)g >= GRADE_COUNT)
        return 0;
    return 60L * (is_rural ? cfg->rural_target_minutes[g] : cfg->target_minutes[g]);
}
