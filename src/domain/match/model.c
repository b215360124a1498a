/*
 * domain/match/model.c: the model as a Splink-compatible JSON settings file
 * (link_type, probability_two_random_records_match, comparisons[] with
 * comparison_levels[] carrying m_probability, u_probability, tf_adjustment_column).
 */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "domain/match/match_internal.h"
#include "domain/match/model.h"

static const char *const column_of[MATCH_FIELD_COUNT] = { "forename", "surname", "dob",
                                                          "phone",    "email",   "address",
                                                          "reference" };

int model_save_json(const struct match_model *m, const char *path, struct fc_err *err)
{
    json_t *root = json_object();
    json_object_set_new(root, "link_type", json_string("dedupe_only"));
    json_object_set_new(root, "unique_id_column_name", json_string("person_id"));
    /* Splink's λ is per random pair; FirstContact scales it by the index size at lookup */
    json_object_set_new(root, "probability_two_random_records_match",
                        json_real(m->prior_in_index / 10000.0));
    json_object_set_new(root, "firstcontact_prior_in_index", json_real(m->prior_in_index));
    json_object_set_new(root, "firstcontact_household_cap_bits", json_real(m->household_cap));
    json_t *comps = json_array();
    for (int f = 0; f < MATCH_FIELD_COUNT; f++) {
        json_t *c = json_object();
        json_object_set_new(c, "output_column_name", json_string(column_of[f]));
        json_object_set_new(c, "comparison_description",
                            json_string("FirstContact comparison levels"));
        json_t *levels = json_array();
        json_t *null_level = json_object();
        json_object_set_new(null_level, "sql_condition",
                            json_sprintf("%s_l IS NULL OR %s_r IS NULL", column_of[f],
                                         column_of[f]));
        json_object_set_new(null_level, "label_for_charts", json_string("null"));
        json_object_set_new(null_level, "is_null_level", json_true());
        json_array_append_new(levels, null_level);
        for (size_t i = 0; i < m->n_levels; i++) {
            const struct model_level *l = &m->levels[i];
            if ((int)l->field != f)
                continue;
            json_t *lv = json_object();
            json_object_set_new(lv, "sql_condition",
                                strcmp(l->label, "else") == 0 ? json_string("ELSE")
                                                              : json_sprintf("firstcontact:%s",
                                                                             l->label));
            json_object_set_new(lv, "label_for_charts", json_string(l->label));
            json_object_set_new(lv, "m_probability", json_real(l->m));
            json_object_set_new(lv, "u_probability", json_real(l->u));
            if (l->tf)
                json_object_set_new(lv, "tf_adjustment_column", json_string(column_of[f]));
            json_array_append_new(levels, lv);
        }
        json_object_set_new(c, "comparison_levels", levels);
        json_array_append_new(comps, c);
    }
    json_object_set_new(root, "comparisons", comps);
    int rc = json_dump_file(root, path, JSON_INDENT(2));
    json_decref(root);
    if (rc != 0)
        return err_set(err, FC_EUNAVAIL, "model", "cannot write the model file");
    return FC_OK;
}

int model_load_json(const char *path, struct match_model **out, struct fc_err *err)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root)
        return err_set(err, FC_EINVAL, "model", "model file is not JSON (line %d)", je.line);
    struct match_model *m = model_default();
    int rc = FC_OK;
    if (!m) {
        json_decref(root);
        return err_set(err, FC_ENOMEM, "", "out of memory loading the model");
    }
    json_t *v = json_object_get(root, "firstcontact_prior_in_index");
    if (json_is_number(v))
        m->prior_in_index = json_number_value(v);
    v = json_object_get(root, "firstcontact_household_cap_bits");
    if (json_is_number(v))
        m->household_cap = json_number_value(v);
    json_t *comps = json_object_get(root, "comparisons");
    if (!json_is_array(comps)) {
        rc = err_set(err, FC_EINVAL, "comparisons", "model has no comparisons array");
        goto out;
    }
    size_t i;
    json_t *c;
    json_array_foreach(comps, i, c) {
        const char *col = json_string_value(json_object_get(c, "output_column_name"));
        int f = -1;
        for (int k = 0; col && k < MATCH_FIELD_COUNT; k++)
            if (strcmp(col, column_of[k]) == 0)
                f = k;
        if (f < 0)
            continue; /* a comparison FirstContact does not make */
        size_t j;
        json_t *lv;
        json_array_foreach(json_object_get(c, "comparison_levels"), j, lv) {
            const char *label = json_string_value(json_object_get(lv, "label_for_charts"));
            json_t *jm = json_object_get(lv, "m_probability");
            json_t *ju = json_object_get(lv, "u_probability");
            if (!label || !json_is_number(jm) || !json_is_number(ju))
                continue;
            int li = model_level_index(m, (enum match_field)f, label);
            double mv = json_number_value(jm), uv = json_number_value(ju);
            if (li < 0)
                continue;
            if (!(mv > 0 && mv <= 1 && uv > 0 && uv <= 1)) {
                rc = err_set(err, FC_EINVAL, "comparison_levels",
                             "m and u must be in (0, 1] (%s: %s)", col, label);
                goto out;
            }
            m->levels[li].m = mv;
            m->levels[li].u = uv;
            m->levels[li].tf = json_is_string(json_object_get(lv, "tf_adjustment_column"));
        }
    }
out:
    json_decref(root);
    if (rc != FC_OK) {
        model_free(m);
        return rc;
    }
    *out = m;
    return FC_OK;
}
