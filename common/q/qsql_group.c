/* qsql_group.c: row selection and grouping for qSQL (q-subset.md §4.3, §4.5): typed
 * gathers, hash grouping of by columns into group ids, groups sorted by key, and the
 * per-group index lists. Query evaluation is qsql.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"
#include "prim_fns.h"

#include <stdlib.h>
#include <string.h>

#define QSQL_HASH_START 1024 /* initial slots; doubles when half full */

int qsql_width(int t)
{
    switch (t) {
    case KB: case KG: case KC: return 1;
    case KH: return 2;
    case KI: case KE: case KM: case KD: case KU: case KV: case KT: return 4;
    case KJ: case KF: case KS: case KP: case KZ: case KN: return 8;
    case 2: return 16;
    default: return 0;
    }
}

K qsql_gather(K col, K idx)
{
    if (!idx) return r1(col);
    J n = idx->n;
    const J *ix = kJ(idx);
    if (col->t == 0) {
        K r = ktn(0, n);
        for (J i = 0; i < n; i++) kK(r)[i] = r1(kK(col)[ix[i]]);
        return r;
    }
    int w = qsql_width(col->t);
    if (!w) return eval_index(col, idx);
    K r = ktn(col->t, n);
    if (!r) return krr("wsfull");
    switch (w) {
    case 1: { const G *s = kG(col); G *d = kG(r); for (J i = 0; i < n; i++) d[i] = s[ix[i]]; break; }
    case 2: { const H *s = kH(col); H *d = kH(r); for (J i = 0; i < n; i++) d[i] = s[ix[i]]; break; }
    case 4: { const I *s = kI(col); I *d = kI(r); for (J i = 0; i < n; i++) d[i] = s[ix[i]]; break; }
    case 8: { const J *s = kJ(col); J *d = kJ(r); for (J i = 0; i < n; i++) d[i] = s[ix[i]]; break; }
    default:
        for (J i = 0; i < n; i++) memcpy(kG(r) + i * w, kG(col) + ix[i] * w, (size_t)w);
    }
    return r;
}

/* Item i of a typed vector of width ≤ 8 as a 64-bit key (bit pattern). */
static inline J qsql_key(const G *base, int w, J i)
{
    switch (w) {
    case 1: return base[i];
    case 2: return ((const H *)base)[i];
    case 4: return ((const I *)base)[i];
    default: return ((const J *)base)[i];
    }
}

/* Group ids of col[idx] (rows in order): ids[r] in 0..*ngroups-1 by first appearance;
 * first[g] is the position (into idx) of group g's first row. Returns 0, or -1 when the
 * column cannot be hashed (general lists, guids). Ownership: *ids and *first new. */
static int qsql_hash_ids(K col, K idx, J m, K *ids, K *first)
{
    int w = qsql_width(col->t);
    if (!w || w > 8) return -1;
    J cap = QSQL_HASH_START, ng = 0;
    J *slots = malloc((size_t)cap * sizeof(J));
    if (!slots) return -1;
    memset(slots, 0xff, (size_t)cap * sizeof(J));
    K out = ktn(KJ, m), firsts = ktn(KJ, 0);
    const G *base = kG(col);
    const J *ix = idx ? kJ(idx) : NULL;
    J *o = kJ(out);
    J *keys = malloc((size_t)cap * sizeof(J));
    for (J r = 0; r < m; r++) {
        J row = ix ? ix[r] : r;
        J key = qsql_key(base, w, row);
        uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
        J s = (J)(h >> 20) & (cap - 1);
        while (slots[s] >= 0 && keys[slots[s]] != key) s = (s + 1) & (cap - 1);
        if (slots[s] < 0) {
            if (ng + 1 > cap / 2) {
                J ncap = cap * 2;
                J *ns = malloc((size_t)ncap * sizeof(J));
                J *nk = realloc(keys, (size_t)ncap * sizeof(J));
                if (!ns || !nk) { free(ns); free(nk ? nk : keys); free(slots); r0(out); r0(firsts); return -1; }
                keys = nk;
                memset(ns, 0xff, (size_t)ncap * sizeof(J));
                for (J g = 0; g < ng; g++) {
                    J t = (J)(((uint64_t)keys[g] * 0x9E3779B97F4A7C15ULL) >> 20) & (ncap - 1);
                    while (ns[t] >= 0) t = (t + 1) & (ncap - 1);
                    ns[t] = g;
                }
                free(slots);
                slots = ns;
                cap = ncap;
                s = (J)(h >> 20) & (cap - 1);
                while (slots[s] >= 0) s = (s + 1) & (cap - 1);
            }
            keys[ng] = key;
            slots[s] = ng++;
            ja(&firsts, &r);
        }
        o[r] = slots[s];
    }
    free(slots);
    free(keys);
    *ids = out;
    *first = firsts;
    return 0;
}

/* Group ids through q's group (any column type). */
static int qsql_slow_ids(K col, K idx, J m, K *ids, K *first)
{
    K sub = qsql_gather(col, idx);
    K g = prim_group(sub);
    r0(sub);
    if (IS_ERR(g)) { r0(g); return -1; }
    K lists = kK(g)[1];
    K out = ktn(KJ, m), firsts = ktn(KJ, lists->n);
    for (J k = 0; k < lists->n; k++) {
        K l = kK(lists)[k];
        for (J j = 0; j < l->n; j++) kJ(out)[kJ(l)[j]] = k;
        kJ(firsts)[k] = l->n ? kJ(l)[0] : 0;
    }
    r0(g);
    *ids = out;
    *first = firsts;
    return 0;
}

/* Sort group numbers by key columns (lexicographic, stable). Ownership: returns new. */
static K qsql_key_order(K keys)
{
    J ng = keys->n ? kK(keys)[0]->n : 0;
    K order = ktn(KJ, ng);
    for (J g = 0; g < ng; g++) kJ(order)[g] = g;
    for (J c = keys->n - 1; c >= 0; c--) {
        K col = qsql_gather(kK(keys)[c], order);
        K grade = prim_iasc(col);
        r0(col);
        if (IS_ERR(grade)) { r0(order); return grade; }
        K next = qsql_gather(order, grade);
        r0(grade);
        r0(order);
        order = next;
    }
    return order;
}

K qsql_group(K bycols, K idx, J m, qsql_groups *out)
{
    K ids = NULL, first = NULL;
    J ng = 1;
    for (J c = 0; c < bycols->n; c++) {
        K cid, cfirst;
        K col = kK(bycols)[c];
        if (qsql_hash_ids(col, NULL, m, &cid, &cfirst) && qsql_slow_ids(col, NULL, m, &cid, &cfirst)) {
            r0(ids); r0(first);
            return krr("type");
        }
        if (!ids) { ids = cid; first = cfirst; ng = cfirst->n; continue; }
        J n2 = cfirst->n;
        for (J r = 0; r < m; r++) kJ(ids)[r] = kJ(ids)[r] * n2 + kJ(cid)[r];
        r0(cid); r0(cfirst); r0(first);
        K nid, nfirst;
        if (qsql_hash_ids(ids, NULL, m, &nid, &nfirst)) { r0(ids); return krr("wsfull"); }
        r0(ids);
        ids = nid;
        first = nfirst;
        ng = first->n;
    }
    (void)idx;
    K keys = ktn(0, bycols->n);
    for (J c = 0; c < bycols->n; c++) kK(keys)[c] = qsql_gather(kK(bycols)[c], first);
    K order = qsql_key_order(keys);
    if (IS_ERR(order)) { r0(ids); r0(first); r0(keys); return order; }
    /* renumber so group g is the g-th in key order */
    K rank = ktn(KJ, ng);
    for (J g = 0; g < ng; g++) kJ(rank)[kJ(order)[g]] = g;
    for (J r = 0; r < m; r++) kJ(ids)[r] = kJ(rank)[kJ(ids)[r]];
    for (J c = 0; c < keys->n; c++) {
        K sorted = qsql_gather(kK(keys)[c], order);
        r0(kK(keys)[c]);
        kK(keys)[c] = sorted;
    }
    r0(rank); r0(order); r0(first);
    out->ids = ids;
    out->keys = keys;
    out->n = ng;
    out->lists = NULL;
    return NULL;
}

K qsql_group_lists(qsql_groups *g, K idx, J m)
{
    if (g->lists) return NULL;
    J *count = calloc((size_t)(g->n ? g->n : 1), sizeof(J));
    if (!count) return krr("wsfull");
    const J *ids = kJ(g->ids);
    for (J r = 0; r < m; r++) count[ids[r]]++;
    K lists = ktn(0, g->n);
    for (J k = 0; k < g->n; k++) { kK(lists)[k] = ktn(KJ, count[k]); count[k] = 0; }
    const J *ix = idx ? kJ(idx) : NULL;
    for (J r = 0; r < m; r++) {
        J k = ids[r];
        kJ(kK(lists)[k])[count[k]++] = ix ? ix[r] : r;
    }
    free(count);
    g->lists = lists;
    return NULL;
}

void qsql_groups_free(qsql_groups *g)
{
    r0(g->ids);
    r0(g->keys);
    if (g->lists) r0(g->lists);
    g->ids = g->keys = g->lists = NULL;
}
