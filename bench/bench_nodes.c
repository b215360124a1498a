/*
 * bench/bench_nodes.c: the store and HTTP halves of the several-nodes benchmark
 * (bench/bench_nodes.py runs the whole comparison and prints the table).
 *
 *   bench_nodes populate URL N [--seed S]
 *       Inserts N persons (a name, a date of birth, a mobile, an address each; names drawn
 *       from the ONS frequency tables, Leicestershire streets) into an empty store through
 *       the store interface, 1,000 per transaction; person i gets id i. Prints a JSON line.
 *   bench_nodes copy DIR N [--seed S]
 *       Writes the same N persons as CSV files (DIR/person.csv, person_name.csv, ...) for
 *       PostgreSQL's COPY, identifier keys included: bench_nodes.py loads a million persons
 *       this way in a minute, where the store interface's one round trip per row is bound
 *       by the network's latency.
 *   bench_nodes http --ports P1[,P2...] --token T --kind lookup|contact --persons N
 *                    [--threads K] [--seconds S] [--seed S]
 *       K client threads, spread over the ports (one node each) on 127.0.0.1, each on one
 *       keep-alive connection, send requests for S seconds: `lookup` is POST /api/v1/lookup
 *       with a random populated person's name and phone as a handler would type them;
 *       `contact` is POST /api/v1/contacts for a random person. Prints one JSON line:
 *       requests, errors, requests per second, latency p50 and p99 in ms.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "domain/match/match.h"
#include "store/store.h"
#include "util/assets.h"
#include "wtable.h"

/* ---- deterministic people: person i is the same in populate and in the client ---- */

/* a uniform draw in [0, 1) from a hash */
static double unit_of(uint64_t h)
{
    return (double)(h >> 11) / 9007199254740992.0;
}

static struct wtable g_fore, g_sur, g_street;
static uint64_t g_seed = 1;

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

struct gperson {
    char fore[32], sur[40], dob[11], phone[14], addr[96], pc[10];
};

static void person_of(uint64_t i, struct gperson *g)
{
    uint64_t h = mix(i * 7919 + g_seed);
    snprintf(g->fore, sizeof g->fore, "%s", g_fore.s[wtable_pick_at(&g_fore, unit_of(mix(h ^ 1)))]);
    snprintf(g->sur, sizeof g->sur, "%s", g_sur.s[wtable_pick_at(&g_sur, unit_of(mix(h ^ 2)))]);
    if (g->fore[0] >= 'a' && g->fore[0] <= 'z')
        g->fore[0] = (char)(g->fore[0] - 'a' + 'A');
    if (g->sur[0] >= 'a' && g->sur[0] <= 'z')
        g->sur[0] = (char)(g->sur[0] - 'a' + 'A');
    uint64_t d = mix(h ^ 3);
    snprintf(g->dob, sizeof g->dob, "%04d-%02d-%02d", 1940 + (int)(d % 65),
             1 + (int)((d >> 8) % 12), 1 + (int)((d >> 16) % 28));
    /* a unique UK mobile per person (up to 100M): 077 followed by 8 digits */
    snprintf(g->phone, sizeof g->phone, "077%08llu", (unsigned long long)(i % 100000000ULL));
    size_t st = wtable_pick_at(&g_street, unit_of(mix(h ^ 4)));
    snprintf(g->addr, sizeof g->addr, "%d %s", 1 + (int)(mix(h ^ 5) % 180), g_street.s[st]);
    snprintf(g->pc, sizeof g->pc, "%s", g_street.extra[st] ? g_street.extra[st] : "");
}

static void tables_load(void)
{
    wtable_load(&g_fore, "data/names/forenames_top.csv", 0, 2, -1);
    wtable_load(&g_sur, "data/names/surnames.csv", 0, 1, -1);
    wtable_load(&g_street, "data/geo/le_streets.csv", 0, -1, 2);
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* ---- populate ---- */

static int populate(const char *url, uint64_t n)
{
    struct store *s;
    struct fc_err err = { 0 };
    int version;
    if (store_open(url, &s, &err) != FC_OK || store_migrate(s, &version, &err) != FC_OK) {
        fprintf(stderr, "bench_nodes: %s\n", err.msg);
        return 1;
    }
    double t0 = now_s();
    fc_time_t at = (fc_time_t)time(NULL);
    for (uint64_t i = 1; i <= n; i++) {
        if ((i - 1) % 1000 == 0 && store_txn_begin(s, &err) != FC_OK)
            goto fail;
        struct gperson g;
        person_of(i, &g);
        char e164[16];
        snprintf(e164, sizeof e164, "+44%.10s", g.phone + 1);
        struct provenance pv = { .source = "import", .recorded_at = at };
        struct person_name nm = { .forename = g.fore, .surname = g.sur, .prov = pv };
        struct person_dob dob = { .raw = g.dob, .precision = DOB_FULL, .prov = pv };
        memcpy(dob.date, g.dob, sizeof dob.date);
        struct person_phone ph = { .raw = g.phone, .e164 = e164, .kind = "mobile", .prov = pv };
        struct person_address ad = { .raw = g.addr, .postcode = g.pc, .lat = NAN, .lon = NAN,
                                     .prov = pv };
        struct person p = { .created_at = at, .n_names = 1, .names = &nm, .n_dobs = 1,
                            .dobs = &dob, .n_phones = 1, .phones = &ph, .n_addresses = 1,
                            .addresses = &ad };
        fc_id_t id = 0;
        if (store_person_insert(s, &p, &id, &err) != FC_OK)
            goto fail;
        if (id != (fc_id_t)i) {
            fprintf(stderr, "bench_nodes: populate needs an empty store (got id %lld for %llu)\n",
                    (long long)id, (unsigned long long)i);
            store_txn_rollback(s);
            store_close(s);
            return 1;
        }
        if ((i % 1000 == 0 || i == n) && store_txn_commit(s, &err) != FC_OK)
            goto fail;
    }
    double dt = now_s() - t0;
    printf("{\"persons\": %llu, \"seconds\": %.2f, \"persons_per_s\": %.0f}\n",
           (unsigned long long)n, dt, (double)n / dt);
    store_close(s);
    return 0;
fail:
    fprintf(stderr, "bench_nodes: populate: %s\n", err.msg);
    store_txn_rollback(s);
    store_close(s);
    return 1;
}

/* ---- bulk files: the same persons as COPY input for PostgreSQL (bench_nodes.py) ---- */

static void csv_field(FILE *f, const char *v, bool last)
{
    fputc('"', f);
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
    fputc(last ? '\n' : ',', f);
}

static int copy_files(const char *dir, uint64_t n)
{
    static const char *const names[] = { "person", "person_name", "person_dob", "person_phone",
                                         "person_address" };
    FILE *f[5];
    char path[512];
    for (int k = 0; k < 5; k++) {
        snprintf(path, sizeof path, "%s/%s.csv", dir, names[k]);
        f[k] = fopen(path, "w");
        if (f[k] == NULL) {
            perror(path);
            return 1;
        }
    }
    long long at = (long long)time(NULL);
    char keys[512], e164[16], when[24];
    snprintf(when, sizeof when, "%lld", at);
    for (uint64_t i = 1; i <= n; i++) {
        struct gperson g;
        person_of(i, &g);
        char id[24];
        snprintf(id, sizeof id, "%llu", (unsigned long long)i);
        fprintf(f[0], "%s,%s\n", id, when);
        match_name_keys(g.fore, g.sur, keys, sizeof keys);
        fprintf(f[1], "%s,", id);
        csv_field(f[1], g.fore, false);
        csv_field(f[1], g.sur, false);
        csv_field(f[1], keys, false);
        fprintf(f[1], "import,%s\n", when);
        fprintf(f[2], "%s,%s,%s,full,import,%s\n", id, g.dob, g.dob, when);
        snprintf(e164, sizeof e164, "+44%.10s", g.phone + 1);
        fprintf(f[3], "%s,%s,%s,mobile,import,%s\n", id, g.phone, e164, when);
        match_address_keys(g.addr, g.pc, keys, sizeof keys);
        fprintf(f[4], "%s,", id);
        csv_field(f[4], g.addr, false);
        csv_field(f[4], g.pc, false);
        csv_field(f[4], keys, false);
        fprintf(f[4], "import,%s\n", when);
    }
    for (int k = 0; k < 5; k++)
        fclose(f[k]);
    printf("{\"persons\": %llu, \"dir\": \"%s\"}\n", (unsigned long long)n, dir);
    return 0;
}

/* ---- HTTP load ---- */

struct client {
    int port;
    const char *token;
    int kind_contact;
    uint64_t persons;
    double until;
    uint64_t rng;
    /* results */
    double *lat_ms;
    size_t n, cap;
    size_t errors;
};

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static int send_all(int fd, const char *b, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, b, n, MSG_NOSIGNAL);
        if (w <= 0) {
            if (w < 0 && errno == EINTR)
                continue;
            return -1;
        }
        b += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Reads one response; returns the status, or -1 when the connection failed. */
static int read_response(int fd, char *buf, size_t cap)
{
    size_t have = 0;
    char *hdr_end = NULL;
    while (hdr_end == NULL) {
        if (have + 1 >= cap)
            return -1;
        ssize_t r = recv(fd, buf + have, cap - 1 - have, 0);
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = '\0';
        hdr_end = strstr(buf, "\r\n\r\n");
    }
    int status = atoi(buf + 9);
    size_t body = 0;
    for (char *p = buf; p < hdr_end; p++)
        if ((*p == 'C' || *p == 'c') && strncasecmp(p, "content-length:", 15) == 0)
            body = strtoul(p + 15, NULL, 10);
    size_t need = (size_t)(hdr_end + 4 - buf) + body;
    while (have < need) {
        char tmp[65536];
        size_t want = need - have < sizeof tmp ? need - have : sizeof tmp;
        ssize_t r = recv(fd, tmp, want, 0);
        if (r <= 0)
            return -1;
        have += (size_t)r;
    }
    return status;
}

static void *client_run(void *arg)
{
    struct client *c = arg;
    char req[2048], body[512], resp[65536];
    int fd = dial(c->port);
    while (now_s() < c->until) {
        c->rng = mix(c->rng);
        uint64_t i = 1 + c->rng % c->persons;
        const char *path;
        if (c->kind_contact) {
            path = "/api/v1/contacts";
            snprintf(body, sizeof body, "{\"channel\":\"phone\",\"caller_person_id\":%llu}",
                     (unsigned long long)i);
        } else {
            struct gperson g;
            person_of(i, &g);
            path = "/api/v1/lookup";
            snprintf(body, sizeof body,
                     "{\"forename\":\"%s\",\"surname\":\"%s\",\"phone\":\"%s\"}", g.fore, g.sur,
                     g.phone);
        }
        int n = snprintf(req, sizeof req,
                         "POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                         "X-Purpose: benchmark\r\nContent-Type: application/json\r\n"
                         "Content-Length: %zu\r\n\r\n%s",
                         path, c->token, strlen(body), body);
        double t0 = now_s();
        int status = -1;
        if (fd >= 0 && send_all(fd, req, (size_t)n) == 0)
            status = read_response(fd, resp, sizeof resp);
        if (status < 0) { /* the server closed the connection: open another */
            if (fd >= 0)
                close(fd);
            fd = dial(c->port);
            c->errors++;
            continue;
        }
        if (status != 200 && status != 201) {
            c->errors++;
            continue;
        }
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 4096;
            c->lat_ms = realloc(c->lat_ms, c->cap * sizeof *c->lat_ms);
        }
        c->lat_ms[c->n++] = (now_s() - t0) * 1000.0;
    }
    if (fd >= 0)
        close(fd);
    return NULL;
}

static int dcmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static int http_load(int argc, char **argv)
{
    int ports[16], n_ports = 0, threads = 8, seconds = 10, contact = 0;
    const char *token = NULL;
    uint64_t persons = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--ports") == 0 && i + 1 < argc) {
            for (char *p = argv[++i]; *p && n_ports < 16;) {
                ports[n_ports++] = atoi(p);
                p = strchr(p, ',');
                if (!p)
                    break;
                p++;
            }
        } else if (strcmp(argv[i], "--token") == 0 && i + 1 < argc) {
            token = argv[++i];
        } else if (strcmp(argv[i], "--kind") == 0 && i + 1 < argc) {
            contact = strcmp(argv[++i], "contact") == 0;
        } else if (strcmp(argv[i], "--persons") == 0 && i + 1 < argc) {
            persons = strtoull(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
            threads = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
            seconds = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            g_seed = strtoull(argv[++i], NULL, 10);
        }
    }
    if (n_ports == 0 || token == NULL || persons == 0 || threads < 1 || threads > 256) {
        fprintf(stderr, "bench_nodes http: --ports, --token and --persons are required\n");
        return 2;
    }
    struct client *cs = calloc((size_t)threads, sizeof *cs);
    pthread_t *ts = calloc((size_t)threads, sizeof *ts);
    double t0 = now_s(), until = t0 + seconds;
    for (int i = 0; i < threads; i++) {
        cs[i] = (struct client){ .port = ports[i % n_ports], .token = token,
                                 .kind_contact = contact, .persons = persons, .until = until,
                                 .rng = mix((uint64_t)i * 31 + g_seed) };
        pthread_create(&ts[i], NULL, client_run, &cs[i]);
    }
    size_t total = 0, errors = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(ts[i], NULL);
        total += cs[i].n;
        errors += cs[i].errors;
    }
    double dt = now_s() - t0;
    double *all = malloc((total ? total : 1) * sizeof *all);
    size_t k = 0;
    for (int i = 0; i < threads; i++) {
        memcpy(all + k, cs[i].lat_ms, cs[i].n * sizeof *all);
        k += cs[i].n;
        free(cs[i].lat_ms);
    }
    qsort(all, total, sizeof *all, dcmp);
    printf("{\"kind\": \"%s\", \"nodes\": %d, \"threads\": %d, \"requests\": %zu, "
           "\"errors\": %zu, \"rps\": %.1f, \"p50_ms\": %.2f, \"p99_ms\": %.2f}\n",
           contact ? "contact" : "lookup", n_ports, threads, total, errors, (double)total / dt,
           total ? all[total / 2] : 0.0, total ? all[(size_t)((double)total * 0.99)] : 0.0);
    free(all);
    free(cs);
    free(ts);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "populate") == 0) {
        for (int i = 4; i + 1 < argc; i++)
            if (strcmp(argv[i], "--seed") == 0)
                g_seed = strtoull(argv[i + 1], NULL, 10);
        tables_load();
        return populate(argv[2], strtoull(argv[3], NULL, 10));
    }
    if (argc >= 4 && strcmp(argv[1], "copy") == 0) {
        for (int i = 4; i + 1 < argc; i++)
            if (strcmp(argv[i], "--seed") == 0)
                g_seed = strtoull(argv[i + 1], NULL, 10);
        tables_load();
        return copy_files(argv[2], strtoull(argv[3], NULL, 10));
    }
    if (argc >= 2 && strcmp(argv[1], "http") == 0) {
        tables_load();
        return http_load(argc - 2, argv + 2);
    }
    fprintf(stderr, "usage: bench_nodes populate URL N [--seed S]\n"
                    "       bench_nodes copy DIR N [--seed S]\n"
                    "       bench_nodes http --ports P1[,P2] --token T --kind lookup|contact "
                    "--persons N [--threads K] [--seconds S] [--seed S]\n");
    return 2;
}
