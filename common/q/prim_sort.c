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
    case UU: return memcmp(kU(x)[a].g, kU(x)[b].g, sizeof(U));  /* byte order, as q */
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

/* ---- speed only: radix grading of vectors whose items map to unsigned 64-bit keys in
 * q's order (nulls first: they are the least values; floats by their bits with NaN
 * lowest; symbols by the rank of their text). Stable, so descending is the ascending
 * grade of the complemented keys. */

#define SORT_RADIX_MIN 64      /* shorter vectors: the merge sort is as quick */
#define SORT_SIGN ((uint64_t)1 << 63)

static int sort_sym_cmp(const void *a, const void *b)
{
    return strcmp(*(const S *)a, *(const S *)b);
}

static uint64_t sort_float_key(double f)
{
    if (f != f) return 0;        /* null: before -0w */
    if (f == 0) f = 0;           /* -0f sorts with 0f */
    uint64_t u;
    memcpy(&u, &f, sizeof u);
    return (u & SORT_SIGN) ? ~u : u | SORT_SIGN;
}

/* Ranks of x's symbols by text into key. 0, or -1 when memory runs out. */
static int sort_sym_keys(K x, uint64_t *key)
{
    J n = x->n, nd = 0;
    S *d = malloc((size_t)n * sizeof(S));
    J cap = 64;
    while (cap < 2 * n) cap *= 2;
    S *slot = calloc((size_t)cap, sizeof(S));
    J *rank = malloc((size_t)cap * sizeof(J));
    if (!d || !slot || !rank) { free(d); free(slot); free(rank); return -1; }
    for (J i = 0; i < n; i++) {  /* distinct symbols: pointer hash */
        S s = kS(x)[i];
        J h = (J)(((uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
        while (slot[h] && slot[h] != s) h = (h + 1) & (cap - 1);
        if (!slot[h]) { slot[h] = s; d[nd++] = s; }
    }
    qsort(d, (size_t)nd, sizeof(S), sort_sym_cmp);
    for (J k = 0; k < nd; k++) {
        J h = (J)(((uint64_t)(uintptr_t)d[k] * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
        while (slot[h] != d[k]) h = (h + 1) & (cap - 1);
        rank[h] = k;
    }
    for (J i = 0; i < n; i++) {
        S s = kS(x)[i];
        J h = (J)(((uint64_t)(uintptr_t)s * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
        while (slot[h] != s) h = (h + 1) & (cap - 1);
        key[i] = (uint64_t)rank[h];
    }
    free(d); free(slot); free(rank);
    return 0;
}

/* Keys of x in q's order: 0, 1 when x's type has none (merge sort), -1 out of memory. */
static int sort_keys(K x, uint64_t *key)
{
    J n = x->n;
    switch (x->t) {
    case KB: case KG: case KC: for (J i = 0; i < n; i++) key[i] = kG(x)[i]; return 0;
    case KH: for (J i = 0; i < n; i++) key[i] = (uint64_t)(J)kH(x)[i] ^ SORT_SIGN; return 0;
    case KI: case KM: case KD: case KU: case KV: case KT:
        for (J i = 0; i < n; i++) key[i] = (uint64_t)(J)kI(x)[i] ^ SORT_SIGN;
        return 0;
    case KJ: case KP: case KN: for (J i = 0; i < n; i++) key[i] = (uint64_t)kJ(x)[i] ^ SORT_SIGN; return 0;
    case KF: case KZ: for (J i = 0; i < n; i++) key[i] = sort_float_key(kF(x)[i]); return 0;
    case KE: for (J i = 0; i < n; i++) key[i] = sort_float_key(kE(x)[i]); return 0;
    case KS: return sort_sym_keys(x, key);
    default: return 1;
    }
}

/* LSD radix sort of idx by key, a byte at a time; bytes that are equal in every key
 * are skipped. tk/ti are scratch of n items. */
static void sort_radix(uint64_t *key, J *idx, J n, uint64_t *tk, J *ti)
{
    J count[8][256];
    memset(count, 0, sizeof count);
    for (J i = 0; i < n; i++)
        for (int b = 0; b < 8; b++) count[b][(key[i] >> (8 * b)) & 255]++;
    uint64_t *ks = key, *kd = tk;
    J *is = idx, *id = ti;
    for (int b = 0; b < 8; b++) {
        J *c = count[b];
        if (c[(ks[0] >> (8 * b)) & 255] == n) continue;  /* one value: order kept */
        J at = 0;
        for (int v = 0; v < 256; v++) { J k = c[v]; c[v] = at; at += k; }
        for (J i = 0; i < n; i++) {
            J to = c[(ks[i] >> (8 * b)) & 255]++;
            kd[to] = ks[i];
            id[to] = is[i];
        }
        uint64_t *t1 = ks; ks = kd; kd = t1;
        J *t2 = is; is = id; id = t2;
    }
    if (is != idx) memcpy(idx, is, (size_t)n * sizeof(J));
}

/* Grade x into idx by radix: 0, 1 when x is not of a radix type, -1 out of memory. */
static int sort_grade_radix(K x, int desc, J *idx)
{
    J n = x->n;
    if (n < SORT_RADIX_MIN) return 1;
    uint64_t *key = malloc((size_t)n * sizeof *key), *tk = malloc((size_t)n * sizeof *tk);
    J *ti = malloc((size_t)n * sizeof *ti);
    int rc = key && tk && ti ? sort_keys(x, key) : -1;
    if (rc == 0) {
        if (desc) for (J i = 0; i < n; i++) key[i] = ~key[i];
        sort_radix(key, idx, n, tk, ti);
    }
    free(key); free(tk); free(ti);
    return rc;
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
    int radix = sort_grade_radix(x, desc, kJ(r));
    if (radix < 0) { r0(r); free(tmp); return krr("wsfull"); }
    if (radix) sort_merge(x, desc, kJ(r), tmp, n);
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
