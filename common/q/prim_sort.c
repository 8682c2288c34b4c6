/* prim_sort.c: grading and sorting (q-subset.md §3.11): iasc idesc asc desc, stable,
 * nulls first, symbols by text; asc sets the sorted attribute.
 * Other list keywords are prim_list.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"
#include "prim_list.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One sort key per item: the vector plus index, compared by type. */
typedef struct sort_ctx {
    K x;      /* the vector being graded */
    int desc; /* descending */
} sort_ctx;

static int sort_cmp_items(K x, J a, J b)
{
    switch (x->t) {
    case KS: return strcmp(kS(x)[a], kS(x)[b]);
    case KF: case KE: case KZ: {
        F u = prim_get_f(x, a), v = prim_get_f(x, b);
        if (isnan(u) || isnan(v)) return isnan(u) ? (isnan(v) ? 0 : -1) : 1;
        return u < v ? -1 : u > v;
    }
    case 0: {
        K u = kK(x)[a], v = kK(x)[b];
        if (u->t < 0 && u->t == v->t) {
            K lt = prim_arith(PRIM_OP_LT, u, v);
            int r = !IS_ERR(lt) && lt->g ? -1 : 0;
            r0(lt);
            if (r) return r;
            K gt = prim_arith(PRIM_OP_GT, u, v);
            r = !IS_ERR(gt) && gt->g ? 1 : 0;
            r0(gt);
            return r;
        }
        if (u->t == KC && v->t == KC) {
            J n = u->n < v->n ? u->n : v->n;
            int c = memcmp(kC(u), kC(v), (size_t)n);
            return c ? c : (u->n < v->n ? -1 : u->n > v->n);
        }
        return u->t < v->t ? -1 : u->t > v->t;
    }
    default: {
        J u = prim_get_j(x, a), v = prim_get_j(x, b);
        return u < v ? -1 : u > v;
    }
    }
}

/* Stable merge sort of idx[0..n) by x. */
static void sort_merge(K x, int desc, J *idx, J *tmp, J n)
{
    if (n < 2) return;
    J h = n / 2;
    sort_merge(x, desc, idx, tmp, h);
    sort_merge(x, desc, idx + h, tmp, n - h);
    J i = 0, j = h, k = 0;
    while (i < h && j < n) {
        int c = sort_cmp_items(x, idx[i], idx[j]);
        if (desc ? c >= 0 : c <= 0) tmp[k++] = idx[i++]; else tmp[k++] = idx[j++];
    }
    while (i < h) tmp[k++] = idx[i++];
    while (j < n) tmp[k++] = idx[j++];
    memcpy(idx, tmp, (size_t)n * sizeof(J));
}

static K sort_grade(K x, int desc)
{
    if (x->t == XD) {
        K g = sort_grade(kK(x)[1], desc);
        if (IS_ERR(g)) return g;
        K r = eval_index(kK(x)[0], g);
        r0(g);
        return r;
    }
    if (x->t < 0 || x->t >= XT) return krr("rank");
    J n = x->n;
    K r = ktn(KJ, n);
    J *tmp = malloc((size_t)(n ? n : 1) * sizeof(J));
    if (!r || !tmp) { r0(r); free(tmp); return krr("wsfull"); }
    for (J i = 0; i < n; i++) kJ(r)[i] = i;
    sort_merge(x, desc, kJ(r), tmp, n);
    free(tmp);
    return r;
}

K prim_iasc(K x) { return sort_grade(x, 0); }
K prim_idesc(K x) { return sort_grade(x, 1); }

static K sort_values(K x, int desc)
{
    if (x->t < 0) return krr("type");
    if (x->t == XD) {
        K g = sort_grade(kK(x)[1], desc);
        if (IS_ERR(g)) return g;
        K r = prim_list_select(x, kJ(g), g->n);
        r0(g);
        return r;
    }
    K g = sort_grade(x, desc);
    if (IS_ERR(g)) return g;
    K r = prim_list_select(x, kJ(g), g->n);
    r0(g);
    if (!desc && r->t > 0 && r->t < XT) r->a = K_ATTR_SORTED;
    return r;
}

K prim_asc(K x) { return sort_values(x, 0); }
K prim_desc(K x) { return sort_values(x, 1); }
