/* bench/wtable.c: see wtable.h. */
#include "wtable.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/assets.h"

void wtable_load(struct wtable *t, const char *path, int name_col, int weight_col, int extra_col)
{
    const struct asset *a = assets_find(path);
    if (!a) {
        fprintf(stderr, "bench: asset %s missing\n", path);
        exit(1);
    }
    size_t cap = 1;
    for (const unsigned char *p = a->start; p < a->end; p++)
        cap += *p == '\n';
    t->s = calloc(cap, sizeof *t->s);
    t->cum = calloc(cap, sizeof *t->cum);
    t->extra = calloc(cap, sizeof *t->extra);
    const char *p = (const char *)a->start, *end = (const char *)a->end;
    p = (const char *)memchr(p, '\n', (size_t)(end - p)) + 1;
    double total = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        char line[256];
        size_t len = (size_t)(le - p) < sizeof line - 1 ? (size_t)(le - p) : sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        char *cols[8] = { 0 };
        int nc = 0;
        for (char *c = line; nc < 8;) {
            cols[nc++] = c;
            char *comma = strchr(c, ',');
            if (!comma)
                break;
            *comma = '\0';
            c = comma + 1;
        }
        if (nc > name_col && cols[name_col][0]) {
            t->s[t->n] = strdup(cols[name_col]);
            double w = weight_col >= 0 && nc > weight_col ? atof(cols[weight_col]) : 1.0;
            total += w > 0 ? w : 0.1;
            t->cum[t->n] = total;
            t->extra[t->n] = extra_col >= 0 && nc > extra_col ? strdup(cols[extra_col]) : NULL;
            t->n++;
        }
        p = le + 1;
    }
}

size_t wtable_pick_at(const struct wtable *t, double u)
{
    double x = u * t->cum[t->n - 1];
    size_t lo = 0, hi = t->n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->cum[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void wtable_free(struct wtable *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->s[i]);
        free(t->extra[i]);
    }
    free(t->s);
    free(t->cum);
    free(t->extra);
}
