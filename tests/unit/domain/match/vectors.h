/* tests/unit/domain/match/vectors.h: reads the TSV vector files beside the tests. */
#ifndef FC_TEST_MATCH_VECTORS_H
#define FC_TEST_MATCH_VECTORS_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VEC_MAX_COLS 8

/* Calls fn(cols, n, ctx) for each data row of tests/unit/domain/match/<name>; returns rows. */
static inline int vectors_each(const char *name, void (*fn)(char **cols, int n, void *ctx), void *ctx)
{
    const char *root = getenv("FC_SOURCE_DIR");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/unit/domain/match/%s", root ? root : ".", name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    char line[1024];
    int rows = 0;
    bool has_source = false;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (strncmp(line, "# source:", 9) == 0)
            has_source = true;
        if (line[0] == '#' || line[0] == '\0')
            continue;
        char *cols[VEC_MAX_COLS];
        int n = 0;
        char *p = line;
        while (n < VEC_MAX_COLS) {
            cols[n++] = p;
            char *t = strchr(p, '\t');
            if (!t)
                break;
            *t = '\0';
            p = t + 1;
        }
        for (int i = n; i < VEC_MAX_COLS; i++)
            cols[i] = "";
        fn(cols, n, ctx);
        rows++;
    }
    fclose(f);
    return has_source ? rows : -1;
}

#endif
