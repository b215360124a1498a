/*
 * util/assets.h: files embedded in the binary at build time (cmake/embed.cmake).
 *
 * Run-time tables (data/) and web files (web/) are compiled in, so a clone alone runs and
 * the server needs no files beside it. Paths are relative to the project root, e.g.
 * "data/geo/postcodes.csv". Read-only; thread-safe.
 */
#ifndef FC_UTIL_ASSETS_H
#define FC_UTIL_ASSETS_H

#include <stddef.h>

struct asset {
    const char *path;
    const unsigned char *start;
    const unsigned char *end; /* one past the last byte; *end is a NUL */
};

/* The table, ended by an entry with path == NULL. */
extern const struct asset fc_assets[];

/* Finds an asset by exact path; NULL if absent. The bytes are NUL-terminated. */
const struct asset *assets_find(const char *path);

static inline size_t asset_size(const struct asset *a)
{
    return (size_t)(a->end - a->start);
}

#endif
