/* prim_enum.c: enumerations (q-subset.md types 20–76, Tier 2). `d$y checks that every
 * symbol of y is in the global symbol list d ('cast otherwise); `d?y first appends the
 * missing ones to d. Both return y's symbols tagged with d's id in the u byte (k_int.h),
 * so every other primitive sees plain symbols; type, value, ~ and display read the tag.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"
#include "k_int.h"
#include "prim.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ENUM_SET_MIN_SLOTS 16  /* power of two */

/* A set of interned symbols (pointers), open addressing; NULL marks an empty slot. */
typedef struct enum_set {
    S *slot;
    size_t mask;
} enum_set;

static size_t enum_hash(S s)
{
    uint64_t h = (uint64_t)(uintptr_t)s;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;  /* murmur3's finaliser: pointers differ in few bits */
    h ^= h >> 33;
    return (size_t)h;
}

/* Room for n symbols. Returns 0, or -1 when memory runs out. */
static int enum_set_init(enum_set *e, J n)
{
    size_t cap = ENUM_SET_MIN_SLOTS;
    while (cap < (size_t)n * 2) cap <<= 1;
    e->slot = calloc(cap, sizeof(S));
    e->mask = cap - 1;
    return e->slot ? 0 : -1;
}

/* Adds s; returns 1 when it was already there. The set never fills: it is sized for
 * everything that is added to it. */
static int enum_set_add(enum_set *e, S s)
{
    size_t j = enum_hash(s) & e->mask;
    for (; e->slot[j]; j = (j + 1) & e->mask) if (e->slot[j] == s) return 1;
    e->slot[j] = s;
    return 0;
}

/* The symbols of y: an atom, a vector or a general list of symbol atoms (empty
 * included). Ownership: y borrowed; returns a new plain symbol vector, or an error value
 * ('type). */
static K enum_items(K y)
{
    if (y->t == KS) {
        K v = k_copy(y);
        if (v) { v->u = 0; v->a = 0; }
        return v ? v : krr("wsfull");
    }
    if (y->t == -KS) {
        K v = ktn(KS, 1);
        if (v) kS(v)[0] = y->s;
        return v ? v : krr("wsfull");
    }
    if (y->t != 0) return krr("type");
    for (J i = 0; i < y->n; i++) if (kK(y)[i]->t != -KS) return krr("type");
    K v = ktn(KS, y->n);
    if (!v) return krr("wsfull");
    for (J i = 0; i < y->n; i++) kS(v)[i] = kK(y)[i]->s;
    return v;
}

/* The global symbol list called name; NULL when undefined. Ownership: returns new, or
 * an error value when the global is not a symbol list. */
static K enum_domain_get(S name)
{
    K d = eval_global_get(name);
    if (d && d->t != KS) { r0(d); return krr("type"); }
    return d;
}

/* items tagged as an enumeration over name: an atom when y was one. Ownership: items
 * consumed, y borrowed; returns new. */
static K enum_tag(S name, K items, K y)
{
    int id = k_enum_id(name);
    if (!id) { r0(items); return krr("limit"); }  /* kdb+ numbers 57 domains, 20h to 76h */
    if (y->t == -KS) {
        K a = ks(kS(items)[0]);
        r0(items);
        if (!a) return krr("wsfull");
        a->u = (C)id;
        return a;
    }
    items->u = (C)id;
    return items;
}

/* Does every item of items occur in the domain d? Returns 1/0, or -1 (no memory). */
static int enum_all_in(K d, K items)
{
    enum_set set;
    if (enum_set_init(&set, d->n)) return -1;
    for (J i = 0; i < d->n; i++) enum_set_add(&set, kS(d)[i]);
    int ok = 1;
    for (J i = 0; ok && i < items->n; i++) {
        size_t j = enum_hash(kS(items)[i]) & set.mask;
        while (set.slot[j] && set.slot[j] != kS(items)[i]) j = (j + 1) & set.mask;
        ok = set.slot[j] != NULL;
    }
    free(set.slot);
    return ok;
}

/* Can name be a domain? Not the null symbol, nor a file handle (`:f, kdb+'s on-disk
 * domains, not supported here). */
static int enum_name_ok(S name) { return name[0] && name[0] != ':'; }

K prim_enum_cast(S name, K y)
{
    if (!enum_name_ok(name)) return krr("type");
    K d = enum_domain_get(name);
    if (!d) return krr(name);
    if (IS_ERR(d)) return d;
    K items = enum_items(y);
    if (IS_ERR(items)) { r0(d); return items; }
    int ok = enum_all_in(d, items);
    r0(d);
    if (ok <= 0) { r0(items); return krr(ok < 0 ? "wsfull" : "cast"); }
    return enum_tag(name, items, y);
}

K prim_enum_extend(S name, K y)
{
    if (!enum_name_ok(name)) return krr("type");
    K items = enum_items(y);
    if (IS_ERR(items)) return items;
    K d = enum_domain_get(name);
    if (d && IS_ERR(d)) { r0(items); return d; }
    int existed = d != NULL;
    d = d ? k_unshare(d) : ktn(KS, 0);
    enum_set set;
    if (!d || enum_set_init(&set, d->n + items->n)) { r0(d); r0(items); return krr("wsfull"); }
    for (J i = 0; i < d->n; i++) enum_set_add(&set, kS(d)[i]);
    J before = d->n;
    int oom = 0;
    for (J i = 0; !oom && i < items->n; i++)
        if (!enum_set_add(&set, kS(items)[i])) oom = !js(&d, kS(items)[i]);
    free(set.slot);
    if (oom) { r0(d); r0(items); return krr("wsfull"); }
    if (d->a != K_ATTR_UNIQUE) d->a = 0;  /* appending keeps items unique, not sorted */
    if (existed && d->n == before) r0(d);
    else if (eval_global_set(name, d)) { r0(items); return krr("wsfull"); }
    return enum_tag(name, items, y);
}

int prim_enum_fits(K e, K v)
{
    if ((e->t != KS && e->t != -KS) || !e->u || v->u == e->u) return 1;
    if (v->t != KS && v->t != -KS) return 0;
    S name = k_enum_domain((unsigned char)e->u);
    K d = name ? enum_domain_get(name) : NULL;
    int ok = 0;
    if (d && !IS_ERR(d)) {
        if (v->t == -KS) for (J i = 0; !ok && i < d->n; i++) ok = kS(d)[i] == v->s;
        else ok = enum_all_in(d, v) > 0;
    }
    r0(d);
    return ok;
}

int prim_enum_type(K x)
{
    if ((x->t != KS && x->t != -KS) || !x->u) return x->t;
    int t = K_ENUM_TYPE_BASE + (unsigned char)x->u;
    return x->t < 0 ? -t : t;
}

K prim_enum_value(K x)
{
    if (x->t == -KS) { K a = ks(x->s); return a ? a : krr("wsfull"); }
    K v = k_copy(x);
    if (!v) return krr("wsfull");
    v->u = 0;
    return v;
}

/* Codes of the primitives that keep an enumeration (prim_kw.c's table). */
enum {
    ENUM_KW_FIRST = 3, ENUM_KW_REVERSE = 6, ENUM_KW_DISTINCT = 17, ENUM_KW_LAST = 41,
    ENUM_KW_ASC = 57, ENUM_KW_DESC = 58,                                  /* unary */
    ENUM_KW_EXCEPT = 107, ENUM_KW_INTER = 108, ENUM_KW_UNION = 109,
    ENUM_KW_SUBLIST = 111, ENUM_KW_ROTATE = 154                           /* binary */
};

/* The operand whose items a primitive's result is made of, when the result keeps that
 * operand's enumeration as in kdb+: first last reverse distinct asc desc of x; take,
 * drop, sublist, rotate of the list y (or x _ i); join, union of two lists of one
 * domain; except, inter of x. NULL when the result is computed afresh. */
static K enum_source(int type, int code, K x, K y)
{
    if (type == K_UNARY)
        switch (code) {
        case ENUM_KW_FIRST: case ENUM_KW_REVERSE: case ENUM_KW_DISTINCT:
        case ENUM_KW_LAST: case ENUM_KW_ASC: case ENUM_KW_DESC:
            return x;
        default: return NULL;
        }
    switch (code) {
    case PRIM_OP_TAKE:                      /* # of nothing gives nulls */
        return y->t == KS && y->n == 0 ? NULL : y;
    case ENUM_KW_SUBLIST: case ENUM_KW_ROTATE:
        return y;
    case PRIM_OP_DROP:                      /* i _ list, or list _ i */
        return y->t == KS ? y : x->t == KS ? x : NULL;
    case PRIM_OP_JOIN: case ENUM_KW_UNION:
        return x->u == y->u ? x : NULL;
    case ENUM_KW_EXCEPT: case ENUM_KW_INTER:
        return x;
    default: return NULL;
    }
}

K prim_enum_keep(int type, int code, K x, K y, K r)
{
    K src = (x->t == KS || x->t == -KS) && x->u ? enum_source(type, code, x, y) : NULL;
    if (!src && y && (y->t == KS || y->t == -KS) && y->u) src = enum_source(type, code, x, y);
    if (!src || !src->u || (src->t != KS && src->t != -KS)) return r;
    /* a fresh result only: a shared one is an operand, already tagged, or not ours */
    if ((r->t == KS || r->t == -KS) && !r->u && r->r == 0 && r->m == K_MEM_HEAP) r->u = src->u;
    return r;
}

K prim_enum_columns(K t, S name)
{
    int id = k_enum_id(name);
    if (!id) return krr("limit");
    K d = k_copy(t->k);
    K cols = d ? k_copy(kK(d)[1]) : NULL;
    if (!cols) { r0(d); return krr("wsfull"); }
    r0(kK(d)[1]);
    kK(d)[1] = cols;
    for (J c = 0; c < cols->n; c++) {
        K col = kK(cols)[c];
        if (col->t != KS || col->u == id) continue;
        K tagged = k_copy(col);
        if (!tagged) { r0(d); return krr("wsfull"); }
        tagged->u = (C)id;
        r0(col);
        kK(cols)[c] = tagged;
    }
    K r = xT(d);
    return r ? r : krr("wsfull");
}
