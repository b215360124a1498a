/* cli/cli_common.c: options, configuration, store opening and progress for store commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/log.h"

extern char **environ;

bool cli_common_take(struct cli_common *co, int opt, const char *arg)
{
    switch (opt) {
    case 'd':
        co->db = arg;
        return true;
    case 'c':
        co->config_path = arg;
        return true;
    case 's':
        if (co->n_sets < sizeof(co->sets) / sizeof(co->sets[0]))
            co->sets[co->n_sets++] = arg;
        return true;
    default:
        return false;
    }
}

int cli_config_load(const struct cli_common *co, struct config *out, struct fc_err *err)
{
    int rc = config_init(out, err);
    if (rc != FC_OK)
        return rc;
    const char *path = co->config_path ? co->config_path : getenv("FC_CONFIG");
    if (path != NULL && path[0] != '\0')
        rc = config_load_file(out, path, err);
    if (rc == FC_OK)
        rc = config_load_env(out, environ, err);
    for (size_t i = 0; rc == FC_OK && i < co->n_sets; i++)
        rc = config_set_pair(out, co->sets[i], err);
    if (rc == FC_OK && co->db != NULL)
        rc = config_set(out, "db", co->db, CONFIG_FLAG, err);
    if (rc == FC_OK) {
        int level = log_level_parse(config_get(out, "log_level"));
        if (level < 0)
            rc = err_set(err, FC_EINVAL, "log_level",
                         "log_level must be debug, info, warn or error");
        else
            log_set_level((enum log_level)level);
    }
    if (rc != FC_OK)
        config_free(out);
    return rc;
}

int cli_open_store(const struct config *cfg, struct store **out, struct fc_err *err)
{
    const char *url = config_get(cfg, "db");
    int version;
    int rc = store_open(url, out, err);
    if (rc != FC_OK)
        return rc;
    rc = store_migrate(*out, &version, err);
    if (rc != FC_OK) {
        store_close(*out);
        *out = NULL;
    }
    return rc;
}

int cli_fail(const char *cmd, const struct fc_err *err)
{
    if (err->field[0] && strstr(err->msg, err->field) == NULL)
        fprintf(stderr, "firstcontact %s: %s (%s)\n", cmd, err->msg, err->field);
    else
        fprintf(stderr, "firstcontact %s: %s\n", cmd, err->msg);
    return 1;
}

void cli_progress_start(struct cli_progress *p, const char *label, size_t total)
{
    p->is_on = isatty(STDERR_FILENO) == 1;
    p->label = label;
    p->total = total;
    p->last_shown = -1;
}

void cli_progress_update(struct cli_progress *p, size_t done)
{
    if (!p->is_on)
        return;
    if (p->total == 0) {
        if (done % 1000 == 0)
            fprintf(stderr, "\r%s: %zu", p->label, done);
        return;
    }
    int pct = (int)(done * 100 / p->total);
    if (pct > 100)
        pct = 100;
    if (pct == p->last_shown)
        return;
    p->last_shown = pct;
    char bar[41];
    int fill = pct * 40 / 100;
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, ' ', (size_t)(40 - fill));
    bar[40] = '\0';
    fprintf(stderr, "\r%s [%s] %3d%%", p->label, bar, pct);
}

void cli_progress_end(struct cli_progress *p)
{
    if (p->is_on && p->last_shown != -2) {
        fputc('\n', stderr);
        p->last_shown = -2;
    }
}

int cli_password_read(bool from_stdin, char *buf, size_t len, struct fc_err *err)
{
    bool is_tty = !from_stdin && isatty(STDIN_FILENO) == 1;
    struct termios old, quiet;
    if (is_tty) {
        fprintf(stderr, "password: ");
        tcgetattr(STDIN_FILENO, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    char *got = fgets(buf, (int)len, stdin);
    if (is_tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        fputc('\n', stderr);
    }
    if (got == NULL)
        return err_set(err, FC_EINVAL, "password", "no password given");
    buf[strcspn(buf, "\r\n")] = '\0';
    return FC_OK;
}
