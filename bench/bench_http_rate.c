/*
 * bench/bench_http_rate.c: an open-loop HTTP load generator, for "p99 at R requests/s".
 *
 * wrk (closed loop) sends the next request only when a connection's previous answer is
 * back, so when the server stalls it sends less and the stall hides in a few samples
 * (coordinated omission); it has no constant-rate mode. This client sends requests on a
 * fixed schedule, one every 1/R s, on whichever keep-alive connection is idle, and measures
 * each latency from the request's *scheduled* time: a request that had to wait for a free
 * connection is charged the wait. Single thread, epoll, HTTP/1.1 keep-alive; bodies and
 * paths come from a file, one request a line, sent round-robin:
 *
 *     METHOD PATH [JSON BODY]
 *
 * Every request carries "Authorization: Bearer TOKEN" and "X-Purpose: load test".
 * A response counts as an error unless its status is 2xx. Prints one summary line:
 *
 *     bench_http_rate --port 8080 --token T --requests lookups.txt --rate 2000 \
 *                     --duration 30 --connections 64 [--warmup 5] [--host 127.0.0.1]
 *
 * Exit status 1 when any request failed or was not answered.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define RX_MAX (1u << 20) /* the largest response kept while parsing */

struct request {
    char *wire; /* the whole request, headers and body */
    size_t len;
};

struct conn {
    int fd;
    bool busy;
    bool measured; /* false during warm-up */
    int64_t sched_ns;
    size_t sent; /* bytes of the current request written */
    const struct request *req;
    char *rx;
    size_t rx_len;
};

struct stats {
    uint32_t *lat_us;
    size_t n, cap;
    size_t errors, statuses[6]; /* statuses[k]: responses with status k00-k99 */
};

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void die(const char *what)
{
    perror(what);
    exit(2);
}

static int conn_open(const struct sockaddr_in *addr, int ep, struct conn *c)
{
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (c->fd < 0)
        return -1;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (const struct sockaddr *)addr, sizeof *addr) != 0 &&
        errno != EINPROGRESS) {
        close(c->fd);
        return -1;
    }
    struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET, .data.ptr = c };
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0)
        die("epoll_ctl");
    c->busy = false;
    c->rx_len = 0;
    return 0;
}

static void conn_close(int ep, struct conn *c)
{
    epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->fd = -1;
}

static void stats_add(struct stats *s, int64_t ns)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 65536;
        s->lat_us = realloc(s->lat_us, s->cap * sizeof *s->lat_us);
        if (s->lat_us == NULL)
            die("realloc");
    }
    int64_t us = ns / 1000;
    s->lat_us[s->n++] = us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

/* Writes what is left of c's request; 0 when all written or would block, -1 on error. */
static int conn_flush(struct conn *c)
{
    while (c->sent < c->req->len) {
        ssize_t w = write(c->fd, c->req->wire + c->sent, c->req->len - c->sent);
        if (w < 0)
            return errno == EAGAIN || errno == ENOTCONN ? 0 : -1;
        c->sent += (size_t)w;
    }
    return 0;
}

/*
 * One whole response in c->rx? Returns its length (and status), 0 when more is needed,
 * -1 when it cannot be parsed (chunked encoding, no length, too large).
 */
static long response_complete(const struct conn *c, int *status)
{
    if (c->rx_len < 12)
        return 0;
    const char *end = memmem(c->rx, c->rx_len, "\r\n\r\n", 4);
    if (end == NULL)
        return c->rx_len >= RX_MAX ? -1 : 0;
    *status = atoi(c->rx + 9);
    size_t head = (size_t)(end - c->rx) + 4;
    long body = -1;
    for (const char *p = c->rx; p < end; p++) {
        if ((p == c->rx || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0) {
            body = strtol(p + 15, NULL, 10);
            break;
        }
    }
    if (body < 0)
        return -1;
    if (head + (size_t)body > RX_MAX)
        return -1;
    return c->rx_len >= head + (size_t)body ? (long)(head + (size_t)body) : 0;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static double pct(const struct stats *s, double p)
{
    if (s->n == 0)
        return 0;
    size_t i = (size_t)(p / 100.0 * (double)(s->n - 1) + 0.5);
    return s->lat_us[i] / 1000.0;
}

static struct request *load_requests(const char *path, const char *host, const char *token,
                                     size_t *n_out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        die(path);
    struct request *reqs = NULL;
    size_t n = 0, cap = 0;
    char *line = NULL;
    size_t lcap = 0;
    ssize_t len;
    while ((len = getline(&line, &lcap, f)) > 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *method = strtok(line, " ");
        char *target = strtok(NULL, " ");
        char *body = strtok(NULL, "");
        if (method == NULL || target == NULL) {
            fprintf(stderr, "%s: want METHOD PATH [BODY] on each line\n", path);
            exit(2);
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 1024;
            reqs = realloc(reqs, cap * sizeof *reqs);
            if (reqs == NULL)
                die("realloc");
        }
        size_t blen = body ? strlen(body) : 0;
        char *wire;
        int w = asprintf(&wire,
                         "%s %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                         "X-Purpose: load test\r\nContent-Type: application/json\r\n"
                         "Content-Length: %zu\r\n\r\n%s",
                         method, target, host, token, blen, body ? body : "");
        if (w < 0)
            die("asprintf");
        reqs[n].wire = wire;
        reqs[n].len = (size_t)w;
        n++;
    }
    free(line);
    fclose(f);
    if (n == 0) {
        fprintf(stderr, "%s: no requests\n", path);
        exit(2);
    }
    *n_out = n;
    return reqs;
}

static void usage(void)
{
    fprintf(stderr, "usage: bench_http_rate --port P --token T --requests FILE --rate R "
                    "--duration S --connections C [--warmup S] [--host IPV4]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *host = "127.0.0.1", *token = "", *file = NULL;
    int port = 0, conns = 64;
    double rate = 0, duration = 0, warmup = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (strcmp(k, "--host") == 0)
            host = v;
        else if (strcmp(k, "--port") == 0)
            port = atoi(v);
        else if (strcmp(k, "--token") == 0)
            token = v;
        else if (strcmp(k, "--requests") == 0)
            file = v;
        else if (strcmp(k, "--rate") == 0)
            rate = atof(v);
        else if (strcmp(k, "--duration") == 0)
            duration = atof(v);
        else if (strcmp(k, "--warmup") == 0)
            warmup = atof(v);
        else if (strcmp(k, "--connections") == 0)
            conns = atoi(v);
        else
            usage();
    }
    if (port <= 0 || file == NULL || rate <= 0 || duration <= 0 || conns <= 0)
        usage();
    size_t n_reqs;
    struct request *reqs = load_requests(file, host, token, &n_reqs);
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
        usage();
    int ep = epoll_create1(0);
    if (ep < 0)
        die("epoll_create1");
    struct conn *cs = calloc((size_t)conns, sizeof *cs);
    struct stats st = { 0 };
    size_t connect_errors = 0, unanswered = 0;
    for (int i = 0; i < conns; i++) {
        cs[i].rx = malloc(RX_MAX);
        if (cs[i].rx == NULL || conn_open(&addr, ep, &cs[i]) != 0)
            die("connect");
    }
    /* requests due but not yet on a connection, as their scheduled times (a ring) */
    size_t qcap = (size_t)(rate * (duration + warmup)) + 16, qhead = 0, qtail = 0;
    int64_t *queue = malloc(qcap * sizeof *queue);
    const int64_t interval = (int64_t)(1e9 / rate);
    const int64_t t0 = now_ns() + 100000000; /* connections settle for 100 ms */
    const int64_t t_measure = t0 + (int64_t)(warmup * 1e9);
    const int64_t t_end = t_measure + (int64_t)(duration * 1e9);
    int64_t next = t0;
    size_t next_req = 0, scheduled = 0;
    struct epoll_event evs[256];
    for (;;) {
        int64_t now = now_ns();
        while (next <= now && next < t_end) { /* everything due goes in the queue */
            queue[qtail++ % qcap] = next;
            next += interval;
            scheduled++;
        }
        for (int i = 0; i < conns && qhead < qtail; i++) { /* idle connections take them */
            struct conn *c = &cs[i];
            if (c->busy || c->fd < 0)
                continue;
            c->busy = true;
            c->sched_ns = queue[qhead++ % qcap];
            c->measured = c->sched_ns >= t_measure;
            c->req = &reqs[next_req++ % n_reqs];
            c->sent = 0;
            c->rx_len = 0;
            if (conn_flush(c) != 0) {
                if (c->measured)
                    st.errors++;
                conn_close(ep, c);
                if (conn_open(&addr, ep, c) != 0)
                    connect_errors++;
            }
        }
        bool in_flight = qhead < qtail;
        for (int i = 0; i < conns && !in_flight; i++)
            in_flight = cs[i].busy;
        if (now >= t_end && !in_flight)
            break;
        if (now >= t_end + 10 * (int64_t)1000000000) { /* 10 s grace for the last answers */
            for (int i = 0; i < conns; i++)
                unanswered += cs[i].busy && cs[i].measured;
            unanswered += qtail - qhead;
            break;
        }
        int64_t wait_ns = next < t_end ? next - now : 1000000;
        int timeout_ms = wait_ns <= 0 ? 0 : (int)((wait_ns + 999999) / 1000000);
        int ne = epoll_wait(ep, evs, 256, timeout_ms);
        for (int e = 0; e < ne; e++) {
            struct conn *c = evs[e].data.ptr;
            if (c->fd < 0)
                continue;
            if ((evs[e].events & EPOLLOUT) && c->busy && conn_flush(c) != 0)
                goto broken;
            if (!(evs[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                continue;
            for (;;) {
                ssize_t r = read(c->fd, c->rx + c->rx_len, RX_MAX - c->rx_len);
                if (r < 0 && errno == EAGAIN)
                    break;
                if (r <= 0)
                    goto broken;
                c->rx_len += (size_t)r;
                int status = 0;
                long whole = response_complete(c, &status);
                if (whole < 0)
                    goto broken;
                if (whole == 0)
                    continue;
                if (!c->busy)
                    goto broken; /* an answer nobody asked for */
                if (c->measured) {
                    stats_add(&st, now_ns() - c->sched_ns);
                    st.statuses[status / 100 < 6 ? status / 100 : 5]++;
                    st.errors += status < 200 || status > 299;
                }
                c->busy = false;
                memmove(c->rx, c->rx + whole, c->rx_len - (size_t)whole);
                c->rx_len -= (size_t)whole;
            }
            continue;
        broken:
            if (c->busy && c->measured)
                st.errors++;
            conn_close(ep, c);
            if (conn_open(&addr, ep, c) != 0)
                connect_errors++;
        }
    }
    qsort(st.lat_us, st.n, sizeof *st.lat_us, cmp_u32);
    double mean = 0;
    for (size_t i = 0; i < st.n; i++)
        mean += st.lat_us[i] / 1000.0;
    mean = st.n ? mean / (double)st.n : 0;
    printf("rate=%.0f/s duration=%.0fs connections=%d answered=%zu achieved=%.1f/s "
           "errors=%zu unanswered=%zu connect_errors=%zu status_2xx=%zu status_4xx=%zu "
           "status_5xx=%zu mean_ms=%.2f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p99.9_ms=%.2f "
           "max_ms=%.2f\n",
           rate, duration, conns, st.n, (double)st.n / duration, st.errors, unanswered,
           connect_errors, st.statuses[2], st.statuses[4], st.statuses[5], mean, pct(&st, 50),
           pct(&st, 90), pct(&st, 99), pct(&st, 99.9), st.n ? st.lat_us[st.n - 1] / 1000.0 : 0);
    for (int i = 0; i < conns; i++) {
        if (cs[i].fd >= 0)
            close(cs[i].fd);
        free(cs[i].rx);
    }
    for (size_t i = 0; i < n_reqs; i++)
        free(reqs[i].wire);
    free(reqs);
    free(cs);
    free(queue);
    free(st.lat_us);
    close(ep);
    (void)scheduled;
    return st.errors || unanswered || connect_errors ? 1 : 0;
}
