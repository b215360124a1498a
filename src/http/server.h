/*
 * http/server.h: the libmicrohttpd server's lifecycle.
 *
 * A pool of worker threads (opt.threads) serves requests; each request gets its own arena
 * and runs start to finish on one worker. The server bounds what a client can make it hold
 * (body size, connection count, time per connection), answers every response with the
 * security headers, and logs one line per request (event=http.request) without personal
 * data: method, route pattern, status, time, user id.
 *
 * Shutdown is graceful: http_server_stop() stops accepting, waits (up to
 * opt.shutdown_grace_ms) for the requests in flight to finish, then stops the workers.
 * Threads: start and stop from one thread (cli/cmd_serve.c); the app is shared read-only.
 */
#ifndef FC_HTTP_SERVER_H
#define FC_HTTP_SERVER_H

#include <stdint.h>

#include "http/http.h"

struct http_server;

/* Fills opt with defaults (127.0.0.1:8080, 4 threads, 1 MiB bodies, 30 min / 12 h). */
void http_options_default(struct http_options *opt);

/*
 * Prepares app for serving (login limiters, the timing-safe dummy hash); app->store must
 * be open. Free with http_app_cleanup().
 */
int http_app_init(struct http_app *app, struct fc_err *err);
void http_app_cleanup(struct http_app *app);

/* Starts listening on app->opt.host:port. app must outlive the server. */
int http_server_start(struct http_app *app, struct http_server **out, struct fc_err *err);
/* The port actually bound (useful with port 0). */
uint16_t http_server_port(const struct http_server *srv);
/* Stops accepting, lets requests in flight finish, stops and frees. NULL-safe. */
void http_server_stop(struct http_server *srv);

#endif
