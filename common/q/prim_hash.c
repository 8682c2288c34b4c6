/* prim_hash.c: find (?), in, distinct and group through a hash of the items (qsql's
 * open-addressing table, qsql_group.c), so they take time in proportion to the items
 * rather than to their product. Vectors whose items are exact keys of at most 8 bytes:
 * booleans, bytes, shorts, ints, longs, chars, symbols (interned: the pointer is the
 * key) and the integral temporal types. Floats keep the item-by-item path (q compares
 * them by value: 0f = -0f), as do guids and general lists.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"
#include "prim_list.h"
#include "qsql_int.h"

#include <stdlib.h>
#include <string.h>

#define HASH_MIN_ITEMS 8    /* fewer items to search: a plain loop is as quick */

int prim_hash_ok(K x)
{
    switch (x->t) {
    case KB: case KG: case KH: case KI: case KJ: case KC: case KS:
    case KM: case KD: case KU: case KV: case KT: case KP: case KN: return 1;
    default: return 0;
    }
}

/* Item i of x (prim_hash_ok) as a 64-bit key. */
static inline J hash_key(K x, J i)
{
    switch (k_item_size(x->t)) {
    case 1: return kG(x)[i];
    case 2: return kH(x)[i];
    case 4: return kI(x)[i];
    default: return kJ(x)[i];  /* longs, temporals, and symbols' pointers alike */
    }
}

/* Atom a (of x's item type) as a key. */
static J hash_atom_key(K a)
{
    switch (k_item_size(-a->t)) {
    case 1: return a->g;
    case 2: return a->h;
    case 4: return a->i;
    default: return a->j;
    }
}

/* Group number of every item of x (first appearance order) into ids, and each group's
 * first index into *firsts. 0, or -1 when memory runs out. */
static int hash_ids(K x, I *ids, K *firsts)
{
    qsql_hash h;
    if (qsql_hash_init(&h, HASH_MIN_ITEMS * 2)) return -1;
    *firsts = ktn(KJ, 0);
    for (J i = 0; *firsts && i < x->n; i++) {
        I g = qsql_hash_get(&h, hash_key(x, i), i, firsts);
        if (g < 0) { qsql_hash_fini(&h); r0(*firsts); *firsts = NULL; return -1; }
        ids[i] = g;
    }
    qsql_hash_fini(&h);
    return *firsts ? 0 : -1;
}

/* The position in table h (built over x) of key, or -1. */
static I hash_lookup(const qsql_hash *h, J key)
{
    J s = qsql_slot(key, h->shift);
    for (;;) {
        I id = h->id[s];
        if (id < 0 || h->key[s] == key) return id;
        s = (s + 1) & (h->cap - 1);
    }
}

/* Table of x's distinct items (ids = first index of each). 0, or -1 when out of memory. */
static int hash_build(K x, qsql_hash *h, K *firsts)
{
    if (qsql_hash_init(h, HASH_MIN_ITEMS * 2)) return -1;
    *firsts = ktn(KJ, 0);
    for (J i = 0; *firsts && i < x->n; i++)
        if (qsql_hash_get(h, hash_key(x, i), i, firsts) < 0) { r0(*firsts); *firsts = NULL; }
    if (!*firsts) { qsql_hash_fini(h); return -1; }
    return 0;
}

K prim_hash_distinct(K x)
{
    if (!prim_hash_ok(x) || x->n < HASH_MIN_ITEMS) return NULL;
    I *ids = malloc((size_t)x->n * sizeof(I));
    if (!ids) return krr("wsfull");
    K firsts;
    int bad = hash_ids(x, ids, &firsts);
    free(ids);
    if (bad) return krr("wsfull");
    K r = prim_list_select(x, kJ(firsts), firsts->n);
    r0(firsts);
    return r;
}

K prim_hash_group(K x)
{
    if (!prim_hash_ok(x) || x->n < HASH_MIN_ITEMS) return NULL;
    I *ids = malloc((size_t)x->n * sizeof(I));
    if (!ids) return krr("wsfull");
    K firsts;
    if (hash_ids(x, ids, &firsts)) { free(ids); return krr("wsfull"); }
    J ng = firsts->n;
    K vals = ktn(0, ng);
    J *count = calloc((size_t)(ng ? ng : 1), sizeof(J));
    int bad = !vals || !count;
    for (J i = 0; !bad && i < x->n; i++) count[ids[i]]++;
    for (J g = 0; !bad && g < ng; g++) {
        kK(vals)[g] = ktn(KJ, count[g]);
        if (!kK(vals)[g]) { vals->n = g; bad = 1; }
        else count[g] = 0;
    }
    for (J i = 0; !bad && i < x->n; i++) { I g = ids[i]; kJ(kK(vals)[g])[count[g]++] = i; }
    free(ids);
    free(count);
    if (bad) { r0(vals); r0(firsts); return krr("wsfull"); }
    K keys = prim_list_select(x, kJ(firsts), ng);
    r0(firsts);
    if (IS_ERR(keys)) { r0(vals); return keys; }
    K d = xD(keys, vals);
    return d ? d : krr("wsfull");
}

/* Position in x of each item of y (x's count where absent), or with in_only a boolean
 * for each: whether it is in x. x and y vectors of one prim_hash_ok type, or y an atom
 * of it. */
static K hash_search(K x, K y, int in_only)
{
    qsql_hash h;
    K firsts;
    if (hash_build(x, &h, &firsts)) return krr("wsfull");
    J n = y->t < 0 ? 1 : y->n;
    K r = y->t < 0 ? ka(in_only ? -KB : -KJ) : ktn(in_only ? KB : KJ, n);
    if (r) {
        for (J i = 0; i < n; i++) {
            I g = hash_lookup(&h, y->t < 0 ? hash_atom_key(y) : hash_key(y, i));
            if (in_only) (y->t < 0 ? &r->g : kG(r))[i] = g >= 0;
            else (y->t < 0 ? &r->j : kJ(r))[i] = g >= 0 ? kJ(firsts)[g] : x->n;
        }
    }
    qsql_hash_fini(&h);
    r0(firsts);
    return r ? r : krr("wsfull");
}

K prim_hash_find(K x, K y)
{
    if (!prim_hash_ok(x) || x->n < HASH_MIN_ITEMS || (y->t != x->t && y->t != -x->t)) return NULL;
    if (y->t < 0 || y->n < 2) return NULL;  /* one item: the plain scan stops at the first hit */
    return hash_search(x, y, 0);
}

K prim_hash_in(K x, K y)
{
    if (!prim_hash_ok(y) || y->n < HASH_MIN_ITEMS || x->t != y->t || x->n < 2) return NULL;
    return hash_search(y, x, 1);
}
