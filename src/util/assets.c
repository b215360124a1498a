/* util/assets.c: see assets.h. */
#include "util/assets.h"

#include <string.h>

const struct asset *assets_find(const char *path)
{
    for (const struct asset *a = fc_assets; a->path != NULL; a++) {
        if (strcmp(a->path, path) == 0)
            return a;
    }
    return NULL;
}
