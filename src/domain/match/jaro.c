/* domain/match/jaro.c: Jaro, Jaro-Winkler (Winkler 1990) and a capped Damerau distance. */
#include "domain/match/norm.h"

#include <stdbool.h>
#include <string.h>

#define JARO_MAX 64

double jaro(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > JARO_MAX)
        la = JARO_MAX;
    if (lb > JARO_MAX)
        lb = JARO_MAX;
    if (la == 0 && lb == 0)
        return 1.0;
    if (la == 0 || lb == 0)
        return 0.0;
    size_t range = (la > lb ? la : lb) / 2;
    range = range > 0 ? range - 1 : 0;
    bool ma[JARO_MAX] = { false }, mb[JARO_MAX] = { false };
    size_t m = 0;
    for (size_t i = 0; i < la; i++) {
        size_t lo = i > range ? i - range : 0;
        size_t hi = i + range + 1 < lb ? i + range + 1 : lb;
        for (size_t j = lo; j < hi; j++) {
            if (!mb[j] && a[i] == b[j]) {
                ma[i] = mb[j] = true;
                m++;
                break;
            }
        }
    }
    if (m == 0)
        return 0.0;
    size_t t = 0, k = 0;
    for (size_t i = 0; i < la; i++) {
        if (!ma[i])
            continue;
        while (!mb[k])
            k++;
        if (a[i] != b[k])
            t++;
        k++;
    }
    double md = (double)m;
    return (md / (double)la + md / (double)lb + (md - (double)t / 2.0) / md) / 3.0;
}

double jaro_winkler(const char *a, const char *b)
{
    double j = jaro(a, b);
    size_t l = 0;
    while (l < 4 && a[l] && a[l] == b[l])
        l++;
    return j + (double)l * 0.1 * (1.0 - j);
}

int edit_distance(const char *a, const char *b, int cap)
{
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > JARO_MAX || lb > JARO_MAX)
        return cap + 1;
    if (la - lb > cap || lb - la > cap)
        return cap + 1;
    int d[JARO_MAX + 1][JARO_MAX + 1];
    for (int i = 0; i <= la; i++)
        d[i][0] = i;
    for (int j = 0; j <= lb; j++)
        d[0][j] = j;
    for (int i = 1; i <= la; i++) {
        int rowmin = d[i][0]; /* column 0 counts: with b empty it is the whole row */
        for (int j = 1; j <= lb; j++) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v)
                v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v)
                v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
            if (v < rowmin)
                rowmin = v;
        }
        if (rowmin > cap)
            return cap + 1;
    }
    return d[la][lb] > cap ? cap + 1 : d[la][lb];
}
