/* qsql_agg.c: one-pass grouped aggregates for qSQL (q-subset.md §4.9, speed only):
 * (sum;`c) (count;`c) (avg;`c) (min;`c) (max;`c) (first;`c) (last;`c) (wavg;`w;`x)
 * over long and float columns, accumulated by group id without gathering each group.
 * Everything else takes qsql.c's general path, which gives the same results.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { AGG_SUM, AGG_COUNT, AGG_AVG, AGG_MIN, AGG_MAX, AGG_FIRST, AGG_LAST, AGG_WAVG };

static int agg_code(K head)
{
    const char *name = prim_name(head);
    static const char *const names[] = { "sum", "count", "avg", "min", "max", "first", "last", "wavg" };
    if (!name) return -1;
    for (int k = 0; k < 8; k++) if (!strcmp(name, names[k])) return k;
    return -1;
}

/* A column of tb usable by the fast path (long or float, no nulls handling needed for
 * count), or NULL. */
static K agg_column(qsql_table *tb, K arg)
{
    if (arg->t != -KS) return NULL;
    J c = qsql_col_find(tb, arg->s);
    if (c < 0) return NULL;
    K col = kK(tb->cols)[c];
    return col->t == KJ || col->t == KF ? col : NULL;
}

static K agg_count(qsql_groups *g, J m)
{
    K r = ktn(KJ, g->n);
    if (!r) return krr("wsfull");
    memset(kJ(r), 0, (size_t)g->n * sizeof(J));
    const I *ids = kI(g->ids);
    for (J r2 = 0; r2 < m; r2++) kJ(r)[ids[r2]]++;
    return r;
}

/* for each selected row k (row ix[k], or k when ix is NULL): BODY with x its value and
 * d the group's accumulator. Two copies so the common all-rows case has no gather. */
#define AGG_EACH(T, BODY)                                                           \
    do {                                                                            \
        if (ix) { for (J k = 0; k < m; k++) { T x = v[ix[k]]; T *d = &o[ids[k]]; BODY; } } \
        else { for (J k = 0; k < m; k++) { T x = v[k]; T *d = &o[ids[k]]; BODY; } }      \
    } while (0)

static K agg_long(int code, qsql_groups *g, K idx, J m, const J *v)
{
    J n = g->n;
    K r = ktn(KJ, n);
    if (!r) return krr("wsfull");
    J *o = kJ(r);
    const I *ids = kI(g->ids);
    const J *ix = idx ? kJ(idx) : NULL;
    J init = code == AGG_MIN ? wj : code == AGG_MAX ? -wj : code == AGG_SUM ? 0 : nj;
    for (J k = 0; k < n; k++) o[k] = init;
    switch (code) {
    case AGG_SUM: AGG_EACH(J, *d += x != nj ? x : 0); break;
    case AGG_MIN: AGG_EACH(J, if (x != nj && x < *d) *d = x); break;
    case AGG_MAX: AGG_EACH(J, if (x > *d) *d = x); break;
    case AGG_LAST: AGG_EACH(J, *d = x); break;
    default:  /* first: backwards, so a group's first row writes last */
        for (J k = m - 1; k >= 0; k--) o[ids[k]] = v[ix ? ix[k] : k];
    }
    return r;
}

static K agg_float(int code, qsql_groups *g, K idx, J m, const F *v)
{
    J n = g->n;
    K r = ktn(KF, n);
    if (!r) return krr("wsfull");
    F *o = kF(r);
    const I *ids = kI(g->ids);
    const J *ix = idx ? kJ(idx) : NULL;
    F init = code == AGG_MIN ? INFINITY : code == AGG_MAX ? -INFINITY : code == AGG_SUM ? 0 : nf;
    for (J k = 0; k < n; k++) o[k] = init;
    switch (code) {
    case AGG_SUM: AGG_EACH(F, *d += x == x ? x : 0); break;
    case AGG_MIN: AGG_EACH(F, *d = x < *d ? x : *d); break;
    case AGG_MAX: AGG_EACH(F, *d = x > *d ? x : *d); break;
    case AGG_LAST: AGG_EACH(F, *d = x); break;
    default:
        for (J k = m - 1; k >= 0; k--) o[ids[k]] = v[ix ? ix[k] : k];
    }
    return r;
}

static K agg_avg(qsql_groups *g, K idx, J m, K col)
{
    J n = g->n;
    K r = ktn(KF, n);
    J *cnt = calloc((size_t)(n ? n : 1), sizeof(J));
    if (!r || !cnt) { r0(r); free(cnt); return krr("wsfull"); }
    F *o = kF(r);
    memset(o, 0, (size_t)n * sizeof(F));
    const I *ids = kI(g->ids);
    const J *ix = idx ? kJ(idx) : NULL;
    for (J k = 0; k < m; k++) {
        J row = ix ? ix[k] : k;
        F x = col->t == KJ ? (kJ(col)[row] == nj ? nf : (F)kJ(col)[row]) : kF(col)[row];
        if (x == x) { o[ids[k]] += x; cnt[ids[k]]++; }
    }
    for (J k = 0; k < n; k++) o[k] = cnt[k] ? o[k] / (F)cnt[k] : nf;
    free(cnt);
    return r;
}

static K agg_wavg(qsql_groups *g, K idx, J m, K w, K x)
{
    J n = g->n;
    K r = ktn(KF, n);
    F *ws = calloc((size_t)(n ? n : 1), sizeof(F));
    if (!r || !ws) { r0(r); free(ws); return krr("wsfull"); }
    F *o = kF(r);
    memset(o, 0, (size_t)n * sizeof(F));
    const I *ids = kI(g->ids);
    const J *ix = idx ? kJ(idx) : NULL;
    if (w->t == KJ && x->t == KF) {  /* speed only: the size wavg price shape */
        const J *wv = kJ(w);
        const F *xv = kF(x);
        for (J k = 0; k < m; k++) {
            J row = ix ? ix[k] : k;
            J a = wv[row];
            F b = xv[row];
            int ok = a != nj && b == b;
            F fa = ok ? (F)a : 0;
            o[ids[k]] += ok ? fa * b : 0;
            ws[ids[k]] += fa;
        }
        for (J k = 0; k < n; k++) o[k] = o[k] / ws[k];
        free(ws);
        return r;
    }
    for (J k = 0; k < m; k++) {
        J row = ix ? ix[k] : k;
        F a = w->t == KJ ? (F)kJ(w)[row] : kF(w)[row];
        F b = x->t == KJ ? (F)kJ(x)[row] : kF(x)[row];
        if ((w->t == KJ && kJ(w)[row] == nj) || (x->t == KJ && kJ(x)[row] == nj) || a != a || b != b) continue;
        o[ids[k]] += a * b;
        ws[ids[k]] += a;
    }
    for (J k = 0; k < n; k++) o[k] = o[k] / ws[k];
    free(ws);
    return r;
}

K qsql_agg_fast(qsql_table *tb, qsql_groups *g, K idx, J m, K tree)
{
    if (tree->t != 0 || tree->n < 2 || tree->n > 3) return NULL;
    int code = agg_code(kK(tree)[0]);
    if (code < 0 || (code == AGG_WAVG) != (tree->n == 3)) return NULL;
    if (code == AGG_COUNT) {
        K arg = kK(tree)[1];
        if (arg->t == -KS && (qsql_col_find(tb, arg->s) >= 0 || !strcmp(arg->s, "i")))
            return agg_count(g, m);
        return NULL;
    }
    if (code == AGG_WAVG) {
        K w = agg_column(tb, kK(tree)[1]), x = agg_column(tb, kK(tree)[2]);
        return w && x ? agg_wavg(g, idx, m, w, x) : NULL;
    }
    K col = agg_column(tb, kK(tree)[1]);
    if (!col) return NULL;
    if (code == AGG_AVG) return agg_avg(g, idx, m, col);
    if (col->t == KJ) return agg_long(code, g, idx, m, kJ(col));
    return agg_float(code, g, idx, m, kF(col));
}
