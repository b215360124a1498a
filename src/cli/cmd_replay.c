/*
 * cli/cmd_replay.c: `firstcontact replay`: takes partner flags and calls in time order, as a
 * control room would receive them, and for each call decides same person / new person,
 * counts the person's earlier calls in 365 days and says whether a flag is in force.
 * Writes decisions.csv (shared/data/callgen layout) to stdout. Uses only what came before
 * each call.
 */
#include <getopt.h>
#include <stdio.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/match/match.h"
#include "domain/match/record.h"
#include "store/store.h"
#include "util/csv.h"
#include "util/log.h"
#include "util/timeutil.h"

#define YEAR_SECONDS ((int64_t)365 * 24 * 3600)

struct rp_person {
    int64_t *calls; /* received_at of each call, ascending */
    size_t n_calls, cap_calls;
    int64_t first_flag; /* 0 = none */
};

struct rp_event {
    int64_t at;
    int offset_min;
    bool is_flag;
    size_t row; /* index into the table of its file */
};

struct rp_table {
    char *data;
    size_t n_rows, n_cols;
    char **cells; /* n_rows * n_cols, owned copies */
    char **header;
};

static void table_free(struct rp_table *t)
{
    for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
        free(t->cells[i]);
    for (size_t i = 0; i < t->n_cols; i++)
        free(t->header[i]);
    free(t->cells);
    free(t->header);
    free(t->data);
}

static const char *cell(const struct rp_table *t, size_t row, int col)
{
    return col < 0 ? "" : t->cells[row * t->n_cols + (size_t)col];
}

static int col_of(const struct rp_table *t, const char *name)
{
    for (size_t i = 0; i < t->n_cols; i++)
        if (strcmp(t->header[i], name) == 0)
            return (int)i;
    return -1;
}

static int table_read(const char *path, struct rp_table *t, struct fc_err *err)
{
    size_t len;
    memset(t, 0, sizeof *t);
    int rc = csv_file_slurp(path, &t->data, &len, err);
    if (rc != FC_OK)
        return rc;
    struct csv_reader r;
    csv_reader_init(&r, t->data, len);
    size_t cap = 0;
    rc = csv_read(&r, err);
    if (rc != 1) {
        csv_reader_free(&r);
        return rc < 0 ? rc : err_set(err, FC_EINVAL, path, "file has no header row");
    }
    t->n_cols = r.n_fields;
    t->header = calloc(t->n_cols, sizeof *t->header);
    for (size_t i = 0; i < t->n_cols; i++)
        t->header[i] = strdup(r.fields[i]);
    while ((rc = csv_read(&r, err)) == 1) {
        if (r.n_fields != t->n_cols) {
            csv_reader_free(&r);
            return err_set(err, FC_EINVAL, path, "line %zu has %zu fields, expected %zu",
                           r.line, r.n_fields, t->n_cols);
        }
        if (t->n_rows == cap) {
            cap = cap ? cap * 2 : 1024;
            char **nc = realloc(t->cells, cap * t->n_cols * sizeof *nc);
            if (!nc) {
                csv_reader_free(&r);
                return err_set(err, FC_ENOMEM, path, "out of memory");
            }
            t->cells = nc;
        }
        for (size_t i = 0; i < t->n_cols; i++)
            t->cells[t->n_rows * t->n_cols + i] = strdup(r.fields[i]);
        t->n_rows++;
    }
    csv_reader_free(&r);
    return rc < 0 ? rc : FC_OK;
}

static int ev_cmp(const void *a, const void *b)
{
    const struct rp_event *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    if (x->is_flag != y->is_flag)
        return x->is_flag ? -1 : 1; /* a flag at the same instant as a call comes first */
    return x->row < y->row ? -1 : x->row > y->row;
}

/* The caller's details as typed, as JSON text for contact.raw_details (malloc'd). */
static char *details_json(const struct rp_table *t, size_t row)
{
    static const char *const cols[] = { "forename", "surname", "dob", "phone", "email",
                                        "address", "postcode", "category", "incident_type",
                                        "description", "incident_address", "incident_postcode",
                                        NULL };
    json_t *o = json_object();
    for (size_t i = 0; cols[i]; i++) {
        int c = col_of(t, cols[i]);
        if (c >= 0 && cell(t, row, c)[0])
            json_object_set_new(o, cols[i], json_string(cell(t, row, c)));
    }
    char *s = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    return s;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: firstcontact replay [--flags partner_flags.csv] [--db PATH]\n"
            "                           [--model FILE] [--threshold P] [--flag-threshold P]\n"
            "                           calls.csv\n\n"
            "Replays calls (and partner flags) in time order as live calls would arrive and\n"
            "writes call_id,person_id,repeat_flag,prior_calls_12m,vulnerable_flag,\n"
            "match_probability to stdout. Each decision uses only earlier calls and flags\n"
            "with flagged_at <= received_at.\n\n"
            "  --flags FILE          partner flags (callgen partner_flags.csv layout)\n"
            "  --db PATH             SQLite database to record persons, contacts and flags in\n"
            "                        (a fresh one; default: a temporary database, removed)\n"
            "  --model FILE          a model written by `firstcontact train` (built-in otherwise)\n"
            "  --threshold P         probability to link a call to a known person (0.5)\n"
            "  --flag-threshold P    probability to link a flag to a known person (0.5)\n");
}

int cmd_replay(int argc, char **argv);
int cmd_replay(int argc, char **argv)
{
    const char *flags_path = NULL, *db_path = NULL;
    char tmp_db[64] = "";
    struct store *st = NULL;
    const char *model_path = NULL;
    double threshold = 0.5, flag_threshold = 0.5;
    static const struct option opts[] = {
        { "flags", required_argument, NULL, 'f' },
        { "db", required_argument, NULL, 'd' },
        { "threshold", required_argument, NULL, 't' },
        { "model", required_argument, NULL, 'M' },
        { "flag-threshold", required_argument, NULL, 'g' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:d:t:g:h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            flags_path = optarg;
            break;
        case 'd':
            db_path = optarg;
            break;
        case 't':
            threshold = strtod(optarg, NULL);
            break;
        case 'M':
            model_path = optarg;
            break;
        case 'g':
            flag_threshold = strtod(optarg, NULL);
            break;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return 2;
    }
    struct fc_err err;
    err_clear(&err);
    struct rp_table calls, flags;
    memset(&flags, 0, sizeof flags);
    int status = 1;
    struct match_service *svc = NULL;
    struct rp_event *ev = NULL;
    struct rp_person *persons = NULL;
    size_t n_persons = 0, cap_persons = 0;
    if (table_read(argv[optind], &calls, &err) != FC_OK) {
        fprintf(stderr, "replay: %s: %s\n", err.field, err.msg);
        table_free(&calls); /* table_read leaves what it read so far */
        return 1;
    }
    if (flags_path && table_read(flags_path, &flags, &err) != FC_OK) {
        fprintf(stderr, "replay: %s: %s\n", err.field, err.msg);
        goto out;
    }
    static const char *const need[] = { "call_id", "received_at", "forename", "surname", "dob",
                                        "phone", "email", "address", "postcode", NULL };
    for (size_t i = 0; need[i]; i++)
        if (col_of(&calls, need[i]) < 0) {
            fprintf(stderr, "replay: calls file lacks the column '%s'\n", need[i]);
            goto out;
        }
    if (flags_path && col_of(&flags, "flagged_at") < 0) {
        fprintf(stderr, "replay: flags file lacks the column 'flagged_at'\n");
        goto out;
    }
    size_t n_ev = calls.n_rows + flags.n_rows;
    ev = calloc(n_ev ? n_ev : 1, sizeof *ev);
    if (!ev)
        goto out;
    int c_at = col_of(&calls, "received_at"), f_at = col_of(&flags, "flagged_at");
    for (size_t i = 0; i < calls.n_rows; i++) {
        if (!time_parse_iso8601(cell(&calls, i, c_at), &ev[i].at, &ev[i].offset_min)) {
            fprintf(stderr, "replay: calls line %zu: received_at is not an ISO 8601 time\n",
                    i + 2);
            goto out;
        }
        ev[i].row = i;
    }
    for (size_t i = 0; i < flags.n_rows; i++) {
        struct rp_event *e = &ev[calls.n_rows + i];
        int off;
        if (!time_parse_iso8601(cell(&flags, i, f_at), &e->at, &off)) {
            fprintf(stderr, "replay: flags line %zu: flagged_at is not an ISO 8601 time\n",
                    i + 2);
            goto out;
        }
        e->is_flag = true;
        e->row = i;
    }
    qsort(ev, n_ev, sizeof *ev, ev_cmp);
    if (match_service_create(NULL, model_path, &svc, &err) != FC_OK) {
        fprintf(stderr, "replay: %s\n", err.msg);
        goto out;
    }
    if (!db_path) {
        snprintf(tmp_db, sizeof tmp_db, "/tmp/firstcontact-replay-XXXXXX");
        int fd = mkstemp(tmp_db);
        if (fd < 0) {
            fprintf(stderr, "replay: cannot create a temporary database\n");
            tmp_db[0] = '\0';
            goto out;
        }
        close(fd);
        db_path = tmp_db;
    }
    int ver;
    fc_id_t org_id = 0;
    const struct organisation org = { .kind = ORG_FORCE, .name = "Leicestershire Police" };
    if (store_open(db_path, &st, &err) != FC_OK || store_migrate(st, &ver, &err) != FC_OK ||
        store_org_insert(st, &org, &org_id, &err) != FC_OK ||
        store_txn_begin(st, &err) != FC_OK) {
        fprintf(stderr, "replay: store: %s%s%s\n", err.field, err.field[0] ? ": " : "", err.msg);
        goto out;
    }
    printf("call_id,person_id,repeat_flag,prior_calls_12m,vulnerable_flag,match_probability\n");
    int cc[9], fc[9];
    for (size_t i = 0; need[i]; i++)
        cc[i] = col_of(&calls, need[i]);
    static const char *const fneed[] = { "flag_id", "flagged_at", "forename", "surname", "dob",
                                         "phone", "email", "address", "postcode", NULL };
    for (size_t i = 0; fneed[i]; i++)
        fc[i] = flags_path ? col_of(&flags, fneed[i]) : -1;
    int f_name = flags_path ? col_of(&flags, "name") : -1;
    struct arena a;
    arena_init(&a, 0);
    for (size_t k = 0; k < n_ev; k++) {
        const struct rp_event *e = &ev[k];
        const struct rp_table *t = e->is_flag ? &flags : &calls;
        const int *col = e->is_flag ? fc : cc;
        struct match_record r = {
            .forename = cell(t, e->row, col[2]),
            .surname = cell(t, e->row, col[3]),
            .full_name = e->is_flag ? cell(t, e->row, f_name) : NULL,
            .dob = cell(t, e->row, col[4]),
            .phone = cell(t, e->row, col[5]),
            .email = cell(t, e->row, col[6]),
            .address = cell(t, e->row, col[7]),
            .postcode = cell(t, e->row, col[8]),
        };
        struct match_result res;
        arena_free(&a);
        int rc = match_lookup(svc, &r, e->at, &a, &res, &err);
        fc_id_t pid = 0;
        double prob = -1;
        double need_p = e->is_flag ? flag_threshold : threshold;
        if (rc == FC_OK && res.n > 0 && res.cands[0].probability >= need_p) {
            pid = res.cands[0].person_id;
            prob = res.cands[0].probability;
        }
        struct person sp;
        if (match_record_to_person(&r, e->is_flag ? "flag" : "contact", 0, e->at, &a, &sp,
                                   &err) != FC_OK)
            goto out_store;
        if (!pid) {
            if (sp.n_names + sp.n_dobs + sp.n_phones + sp.n_emails + sp.n_addresses == 0) {
                /* nothing to know them by: a person row alone */
                sp.created_at = e->at;
            }
            if (store_person_insert(st, &sp, &pid, &err) != FC_OK)
                goto out_store;
        } else {
            sp.id = pid;
            if (store_person_add_identifiers(st, &sp, &err) != FC_OK)
                goto out_store;
        }
        if ((size_t)pid >= cap_persons) {
            size_t nc = cap_persons ? cap_persons : 4096;
            while (nc <= (size_t)pid)
                nc *= 2;
            struct rp_person *np = realloc(persons, nc * sizeof *np);
            if (!np)
                goto out_arena;
            memset(np + cap_persons, 0, (nc - cap_persons) * sizeof *np);
            persons = np;
            cap_persons = nc;
        }
        if ((size_t)pid >= n_persons)
            n_persons = (size_t)pid + 1;
        struct rp_person *p = &persons[pid];
        if (e->is_flag) {
            if (!p->first_flag || e->at < p->first_flag)
                p->first_flag = e->at;
            struct flag fl = {
                .person_id = pid,
                .kind = "vulnerable",
                .agency = (char *)cell(&flags, e->row, col_of(&flags, "agency")),
                .reason = (char *)cell(&flags, e->row, col_of(&flags, "reason")),
                .flagged_at = e->at,
                .review_date = (char *)cell(&flags, e->row, col_of(&flags, "review_date")),
                .external_ref = (char *)cell(&flags, e->row, fc[0]),
                .match_probability = prob >= 0 ? prob : 1.0,
            };
            if (!fl.agency[0])
                fl.agency = "unknown agency";
            if (!fl.review_date[0])
                fl.review_date = NULL;
            fc_id_t fid;
            if (store_flag_insert(st, &fl, &fid, &err) != FC_OK)
                goto out_store;
        } else {
            char *raw = details_json(&calls, e->row);
            const char *ch = cell(&calls, e->row, col_of(&calls, "channel"));
            struct contact ct = {
                .channel = strcmp(ch, "online") == 0     ? CHANNEL_ONLINE
                           : strcmp(ch, "open311") == 0 ? CHANNEL_OPEN311
                           : strcmp(ch, "partner_referral") == 0 ? CHANNEL_PARTNER_REFERRAL
                                                                 : CHANNEL_PHONE,
                .received_at = e->at,
                .received_offset_min = e->offset_min,
                .org_id = org_id,
                .caller_person_id = pid,
                .raw_details = raw,
                .created_at = e->at,
            };
            fc_id_t cid;
            rc = store_contact_insert(st, &ct, &cid, &err);
            free(raw);
            if (rc != FC_OK)
                goto out_store;
            size_t prior = 0;
            for (size_t j = p->n_calls; j-- > 0;) {
                if (e->at - p->calls[j] > YEAR_SECONDS)
                    break;
                prior++;
            }
            bool vulnerable = p->first_flag && p->first_flag <= e->at;
            printf("%s,P%06lld,%d,%zu,%d,", cell(&calls, e->row, cc[0]), (long long)pid,
                   prior > 0, prior, vulnerable);
            if (prob >= 0)
                printf("%.4f", prob);
            putchar('\n');
            if (p->n_calls == p->cap_calls) {
                p->cap_calls = p->cap_calls ? p->cap_calls * 2 : 4;
                int64_t *nc = realloc(p->calls, p->cap_calls * sizeof *nc);
                if (!nc)
                    goto out_arena;
                p->calls = nc;
            }
            p->calls[p->n_calls++] = e->at;
        }
        /* the index follows the store: replay is the only writer, and the batch is
         * committed below or the whole replay fails */
        if (match_person_add(svc, pid, &r, e->at, &err) != FC_OK) {
            fprintf(stderr, "replay: %s\n", err.msg);
            goto out_arena;
        }
        if ((k + 1) % 2000 == 0 &&
            (store_txn_commit(st, &err) != FC_OK || store_txn_begin(st, &err) != FC_OK))
            goto out_store;
    }
    if (store_txn_commit(st, &err) != FC_OK)
        goto out_store;
    status = 0;
    goto out_arena;
out_store:
    fprintf(stderr, "replay: store: %s%s%s\n", err.field, err.field[0] ? ": " : "", err.msg);
    store_txn_rollback(st);
out_arena:
    arena_free(&a);
out:
    for (size_t i = 0; i < n_persons && persons; i++)
        free(persons[i].calls);
    free(persons);
    free(ev);
    match_service_free(svc);
    store_close(st);
    if (tmp_db[0]) {
        unlink(tmp_db);
        char side[80];
        snprintf(side, sizeof side, "%s-wal", tmp_db);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", tmp_db);
        unlink(side);
    }
    table_free(&calls);
    table_free(&flags);
    return status;
}
