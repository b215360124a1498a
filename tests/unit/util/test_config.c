/* Unit tests for util/config: layers and their precedence, INI parsing, environment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h> /* after the headers it needs */

#include "util/config.h"

static void test_config_defaults_are_present(void **state)
{
    (void)state;
    struct config c;
    struct fc_err err = { 0 };
    assert_int_equal(config_init(&c, &err), FC_OK);
    assert_string_equal(config_get(&c, "listen"), "127.0.0.1:8080");
    assert_string_equal(config_get(&c, "session_idle_min"), "30");
    assert_int_equal(config_source_of(&c, "listen"), CONFIG_DEFAULT);
    assert_null(config_get(&c, "data_dir"));
    config_free(&c);
}

static void test_config_precedence_file_env_flag(void **state)
{
    (void)state;
    struct config c;
    struct fc_err err = { 0 };
    assert_int_equal(config_init(&c, &err), FC_OK);
    /* flags first, then env, then the file: the order of loading must not matter */
    assert_int_equal(config_set(&c, "log_level", "debug", CONFIG_FLAG, &err), FC_OK);
    char *env[] = { "FC_LOG_LEVEL=warn", "FC_LISTEN=0.0.0.0:9000", "FC_DB=/env.db", NULL };
    assert_int_equal(config_load_env(&c, env, &err), FC_OK);
    assert_int_equal(config_load_ini(&c,
                                     "log_level = error\nlisten = 10.0.0.1:80\n"
                                     "db = /file.db\nsession_idle_min = 15\n",
                                     "test.ini", &err),
                     FC_OK);
    assert_string_equal(config_get(&c, "log_level"), "debug");     /* flag beats env, file */
    assert_string_equal(config_get(&c, "listen"), "0.0.0.0:9000"); /* env beats file */
    assert_string_equal(config_get(&c, "db"), "/env.db");
    assert_string_equal(config_get(&c, "session_idle_min"), "15"); /* file beats default */
    assert_int_equal(config_source_of(&c, "session_idle_min"), CONFIG_FILE);
    assert_string_equal(config_get(&c, "session_max_hours"), "12"); /* default */
    assert_int_equal(config_set_pair(&c, "listen=127.0.0.1:0", &err), FC_OK);
    assert_string_equal(config_get(&c, "listen"), "127.0.0.1:0"); /* flag beats env */
    config_free(&c);
}

static void test_config_ini_sections_comments_quotes_and_alias(void **state)
{
    (void)state;
    struct config c;
    struct fc_err err = { 0 };
    assert_int_equal(config_init(&c, &err), FC_OK);
    assert_int_equal(config_load_ini(&c,
                                     "; FirstContact\n# comment\n\nstore = \"sqlite:/srv/fc.db\"\n"
                                     "[match]\nthreshold = 0.85\n[ geo ]\ntiles = a#b\n",
                                     "t.ini", &err),
                     FC_OK);
    assert_string_equal(config_get(&c, "db"), "sqlite:/srv/fc.db");
    assert_string_equal(config_get(&c, "store"), "sqlite:/srv/fc.db");
    assert_string_equal(config_get(&c, "match.threshold"), "0.85");
    assert_string_equal(config_get(&c, "geo.tiles"), "a#b");
    char *env[] = { "FC_MATCH__THRESHOLD=0.9", "FC_PASSWORD=secret", "FC_BIN=/x", "PATH=/bin",
                    NULL };
    assert_int_equal(config_load_env(&c, env, &err), FC_OK);
    assert_string_equal(config_get(&c, "match.threshold"), "0.9");
    assert_null(config_get(&c, "password"));
    config_free(&c);
}

static void test_config_errors_name_key_and_line(void **state)
{
    (void)state;
    struct config c;
    struct fc_err err = { 0 };
    assert_int_equal(config_init(&c, &err), FC_OK);
    assert_int_equal(config_load_ini(&c, "listen = :1\nlisen = :2\n", "fc.ini", &err), FC_EINVAL);
    assert_string_equal(err.field, "lisen");
    assert_non_null(strstr(err.msg, "fc.ini line 2"));
    assert_int_equal(config_load_ini(&c, "listen\n", "fc.ini", &err), FC_EINVAL);
    assert_non_null(strstr(err.msg, "line 1"));
    assert_int_equal(config_load_ini(&c, "[match\n", "fc.ini", &err), FC_EINVAL);
    assert_int_equal(config_set_pair(&c, "=x", &err), FC_EINVAL);
    assert_int_equal(config_set(&c, "Bad Key", "x", CONFIG_FLAG, &err), FC_EINVAL);
    assert_int_equal(config_load_file(&c, "/nonexistent/fc.ini", &err), FC_EINVAL);
    config_free(&c);
}

static void test_config_get_long_checks_range(void **state)
{
    (void)state;
    struct config c;
    struct fc_err err = { 0 };
    long v;
    assert_int_equal(config_init(&c, &err), FC_OK);
    assert_int_equal(config_get_long(&c, "session_idle_min", 1, 1440, 5, &v, &err), FC_OK);
    assert_int_equal(v, 30);
    assert_int_equal(config_set(&c, "session_idle_min", "0", CONFIG_FLAG, &err), FC_OK);
    assert_int_equal(config_get_long(&c, "session_idle_min", 1, 1440, 5, &v, &err), FC_EINVAL);
    assert_string_equal(err.field, "session_idle_min");
    assert_int_equal(config_set(&c, "session_idle_min", "ten", CONFIG_FLAG, &err), FC_OK);
    assert_int_equal(config_get_long(&c, "session_idle_min", 1, 1440, 5, &v, &err), FC_EINVAL);
    assert_int_equal(config_get_long(&c, "data_dir", 0, 10, 7, &v, &err), FC_OK);
    assert_int_equal(v, 7);
    config_free(&c);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_defaults_are_present),
        cmocka_unit_test(test_config_precedence_file_env_flag),
        cmocka_unit_test(test_config_ini_sections_comments_quotes_and_alias),
        cmocka_unit_test(test_config_errors_name_key_and_line),
        cmocka_unit_test(test_config_get_long_checks_range),
    };
    if (argc > 1)
        cmocka_set_test_filter(argv[1]);
    return cmocka_run_group_tests_name("util/config", tests, NULL, NULL);
}
