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
        if (!r) return krr("wsfull");
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

int qsql_hash_init(qsql_hash *h, J cap)
{
    h->cap = cap;
    h->shift = 64;
    for (J c = cap; c > 1; c >>= 1) h->shift--;
    h->n = 0;
    h->key = malloc((size_t)cap * sizeof(J));
    h->id = malloc((size_t)cap * sizeof(I));
    if (!h->key || !h->id) { free(h->key); free(h->id); return -1; }
    memset(h->id, 0xff, (size_t)cap * sizeof(I));
    return 0;
}

static J qsql_hash_free_slot(qsql_hash *h, J key)
{
    J s = qsql_slot(key, h->shift);
    while (h->id[s] >= 0) s = (s + 1) & (h->cap - 1);
    return s;
}

static int qsql_hash_grow(qsql_hash *h)
{
    qsql_hash big;
    if (qsql_hash_init(&big, h->cap * 2)) return -1;
    for (J s = 0; s < h->cap; s++) {
        if (h->id[s] < 0) continue;
        J t = qsql_hash_free_slot(&big, h->key[s]);
        big.key[t] = h->key[s];
        big.id[t] = h->id[s];
    }
    big.n = h->n;
    qsql_hash_fini(h);
    *h = big;
    return 0;
}

I qsql_hash_add(qsql_hash *h, J key, J r, K *firsts)
{
    if ((h->n + 1) * 2 > h->cap && qsql_hash_grow(h)) return -1;
    J s = qsql_hash_free_slot(h, key);
    if (!ja(firsts, &r)) return -1;  /* before the slot is taken: the table stays whole */
    h->key[s] = key;
    h->id[s] = (I)h->n;
    return (I)h->n++;
}

void qsql_hash_fini(qsql_hash *h)
{
    free(h->key);
    free(h->id);
    h->key = NULL;
    h->id = NULL;
}

/* Group numbers of typed items v[0..m) (T the item type) into o. */
#define QSQL_HASH_LOOP(T)                                                          \
    do {                                                                           \
        const T *v = (const T *)kG(col);                                           \
        J last_key = 0;                                                            \
        I last_id = -1;                                                            \
        for (J r = 0; r < m; r++) {                                                \
            J key = (J)v[r];                                                       \
            /* speed only: runs of one key (sorted or parted data) skip the hash */ \
            if (key != last_key || last_id < 0) {                                  \
                last_id = qsql_hash_get(&h, key, r, &firsts);                      \
                last_key = key;                                                    \
                if (last_id < 0) { failed = 1; break; }                            \
            }                                                                      \
            o[r] = last_id;                                                        \
        }                                                                          \
    } while (0)

/* Group ids of col (m rows): ids[r] in 0..n-1 by first appearance (an int vector);
 * first[g] is the row of group g's first appearance. Returns 0, or -1 when the column
 * cannot be hashed (general lists, guids). Ownership: *ids and *first new. */
static int qsql_hash_ids(K col, J m, K *ids, K *first)
{
    int w = qsql_width(col->t);
    if (!w || w > 8 || m > INT32_MAX) return -1;
    qsql_hash h;
    if (qsql_hash_init(&h, QSQL_HASH_START)) return -1;
    K out = ktn(KI, m), firsts = ktn(KJ, 0);
    if (!out || !firsts) { r0(out); r0(firsts); qsql_hash_fini(&h); return -1; }
    I *o = kI(out);
    int failed = 0;
    switch (w) {
    case 1: QSQL_HASH_LOOP(G); break;
    case 2: QSQL_HASH_LOOP(H); break;
    case 4: QSQL_HASH_LOOP(I); break;
    default: QSQL_HASH_LOOP(J); break;
    }
    qsql_hash_fini(&h);
    if (failed) { r0(out); r0(firsts); return -1; }
    *ids = out;
    *first = firsts;
    return 0;
}

/* Group ids through q's group (any column type). */
static int qsql_slow_ids(K col, J m, K *ids, K *first)
{
    K g = prim_group(col);
    if (IS_ERR(g)) { r0(g); return -1; }
    K lists = kK(g)[1];
    K out = ktn(KI, m), firsts = ktn(KJ, lists->n);
    if (!out || !firsts) { r0(out); r0(firsts); r0(g); return -1; }
    for (J k = 0; k < lists->n; k++) {
        K l = kK(lists)[k];
        for (J j = 0; j < l->n; j++) kI(out)[kJ(l)[j]] = (I)k;
        kJ(firsts)[k] = l->n ? kJ(l)[0] : 0;
    }
    r0(g);
    *ids = out;
    *first = firsts;
    return 0;
}

/* Sort group numbers by key columns (lexicographic, stable). Ownership: returns new. */
K qsql_key_order(K keys)
{
    J ng = keys->n ? kK(keys)[0]->n : 0;
    K order = ktn(KJ, ng);
    if (!order) return krr("wsfull");
    for (J g = 0; g < ng; g++) kJ(order)[g] = g;
    for (J c = keys->n - 1; c >= 0; c--) {
        K col = qsql_gather(kK(keys)[c], order);
        if (IS_ERR(col)) { r0(order); return col; }
        K grade = prim_iasc(col);
        r0(col);
        if (IS_ERR(grade)) { r0(order); return grade; }
        K next = qsql_gather(order, grade);
        r0(grade);
        r0(order);
        if (IS_ERR(next)) return next;
        order = next;
    }
    return order;
}

K qsql_group(K bycols, J m, qsql_groups *out)
{
    K ids = NULL, first = NULL;
    J ng = 1;
    for (J c = 0; c < bycols->n; c++) {
        K cid, cfirst;
        K col = kK(bycols)[c];
        /* a `g# column groups from its index (no hashing); else hash, else q's group */
        if (qsql_index_ids(col, m, &cid, &cfirst) && qsql_hash_ids(col, m, &cid, &cfirst)
            && qsql_slow_ids(col, m, &cid, &cfirst)) {
            if (ids) { r0(ids); r0(first); }
            return krr("type");
        }
        if (!ids) { ids = cid; first = cfirst; ng = cfirst->n; continue; }
        /* combine: (id so far, this column's id) as one long, then group that */
        J n2 = cfirst->n;
        K pair = ktn(KJ, m);
        if (!pair) { r0(cid); r0(cfirst); r0(first); r0(ids); return krr("wsfull"); }
        for (J r = 0; r < m; r++) kJ(pair)[r] = (J)kI(ids)[r] * n2 + kI(cid)[r];
        r0(cid); r0(cfirst); r0(first); r0(ids);
        int bad = qsql_hash_ids(pair, m, &ids, &first);
        r0(pair);
        if (bad) return krr("limit");
        ng = first->n;
    }
    if (!ids) {  /* no by columns: one group */
        ids = ktn(KI, m);
        first = ktn(KJ, m ? 1 : 0);
        if (!ids || !first) { r0(ids); r0(first); return krr("wsfull"); }
        memset(kI(ids), 0, (size_t)m * sizeof(I));
        if (m) kJ(first)[0] = 0;
        ng = m ? 1 : 0;
    }
    K keys = ktn(0, bycols->n);
    if (!keys) { r0(ids); r0(first); return krr("wsfull"); }
    for (J c = 0; c < bycols->n; c++) {
        K k = qsql_gather(kK(bycols)[c], first);
        if (IS_ERR(k)) { keys->n = c; r0(keys); r0(ids); r0(first); return k; }
        kK(keys)[c] = k;
    }
    K order = qsql_key_order(keys);
    if (IS_ERR(order)) { r0(ids); r0(first); r0(keys); return order; }
    for (J c = 0; c < keys->n; c++) {
        K sorted = qsql_gather(kK(keys)[c], order);
        if (IS_ERR(sorted)) { r0(ids); r0(first); r0(keys); r0(order); return sorted; }
        r0(kK(keys)[c]);
        kK(keys)[c] = sorted;
    }
    r0(first);
    out->ids = ids;
    out->keys = keys;
    out->order = order;
    out->n = ng;
    out->lists = NULL;
    return NULL;
}

K qsql_group_lists(qsql_groups *g, K idx, J m)
{
    if (g->lists) return NULL;
    J *count = calloc((size_t)(g->n ? g->n : 1), sizeof(J));
    if (!count) return krr("wsfull");
    const I *ids = kI(g->ids);
    for (J r = 0; r < m; r++) count[ids[r]]++;
    K raw = ktn(0, g->n);
    if (!raw) { free(count); return krr("wsfull"); }
    for (J k = 0; k < g->n; k++) {
        if (!(kK(raw)[k] = ktn(KJ, count[k]))) { raw->n = k; r0(raw); free(count); return krr("wsfull"); }
        count[k] = 0;
    }
    const J *ix = idx ? kJ(idx) : NULL;
    for (J r = 0; r < m; r++) {
        I k = ids[r];
        kJ(kK(raw)[k])[count[k]++] = ix ? ix[r] : r;
    }
    free(count);
    K lists = qsql_gather(raw, g->order);  /* in key order */
    r0(raw);
    if (IS_ERR(lists)) return lists;
    g->lists = lists;
    return NULL;
}

void qsql_groups_free(qsql_groups *g)
{
    if (g->ids) r0(g->ids);
    if (g->keys) r0(g->keys);
    if (g->order) r0(g->order);
    if (g->lists) r0(g->lists);
    g->ids = g->keys = g->lists = g->order = NULL;
}
