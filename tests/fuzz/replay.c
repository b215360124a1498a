/*
 * tests/fuzz/replay.c: a main() that runs a libFuzzer harness over files, without libFuzzer.
 *
 * Usage: fuzz_<target>_replay PATH...; each PATH is a file or a directory of files (one
 * level, sorted, dot files skipped). Each input is copied into a buffer of exactly its size
 * (so ASan sees any over-read), and every input of at most REPLAY_PREFIX_MAX bytes is also
 * run truncated at each length, which walks every parser's end-of-input edge. Exits 1 when
 * no input was found, so a lost corpus cannot pass unnoticed.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#define REPLAY_PREFIX_MAX 512
#define REPLAY_FILE_MAX (4u << 20)

static size_t n_inputs, n_runs;

static void run(const unsigned char *data, size_t len)
{
    unsigned char *copy = malloc(len ? len : 1);
    if (copy == NULL)
        abort();
    memcpy(copy, data, len);
    LLVMFuzzerTestOneInput(copy, len);
    free(copy);
    n_runs++;
}

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "replay: cannot open %s\n", path);
        return -1;
    }
    unsigned char *buf = malloc(REPLAY_FILE_MAX);
    if (buf == NULL)
        abort();
    size_t len = fread(buf, 1, REPLAY_FILE_MAX, f);
    fclose(f);
    run(buf, len);
    if (len <= REPLAY_PREFIX_MAX)
        for (size_t k = 0; k < len; k++)
            run(buf, k);
    free(buf);
    n_inputs++;
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        fprintf(stderr, "replay: cannot open directory %s\n", dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof(*names));
            if (names == NULL)
                abort();
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n > 0)
        qsort(names, n, sizeof(*names), name_cmp);
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && replay_file(path) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: no such path %s\n", argv[i]);
            rc = 1;
        } else if (S_ISDIR(st.st_mode)) {
            rc |= replay_dir(argv[i]) != 0;
        } else {
            rc |= replay_file(argv[i]) != 0;
        }
    }
    printf("replay: %zu inputs, %zu runs\n", n_inputs, n_runs);
    if (n_inputs == 0) {
        fprintf(stderr, "replay: no inputs found\n");
        return 1;
    }
    return rc;
}
