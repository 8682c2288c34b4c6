/* eval_iter.c: the iterators of q-subset.md §2.17 applied: each (every rank), over and
 * scan (reduce, fold with seed, converge, do, while), each-prior, each-left/right.
 * Derivation of the values is eval_apply.c's.
 * SPDX-License-Identifier: MIT */
#include "q.h"
#include "q_int.h"
#include "eval_int.h"
#include "table.h"
#include "prim.h"
#include "prim_fns.h"

#include <stdlib.h>
#include <string.h>

#define ITER_MAX_ARGS 8

/* Count of a list argument, or -1 for an atom (repeated). */
static J iter_count(K x)
{
    if (x->t < 0 || x->t >= K_LAMBDA) return -1;
    if (x->t == XT) return k_count(x);
    if (x->t == XD) return kK(x)[1]->n;
    return x->n;
}

static K iter_item(K x, J i)
{
    if (iter_count(x) < 0) return r1(x);
    if (x->t == XD) return prim_item(kK(x)[1], i);
    if (x->t == XT) { K ik = kj(i); K r = eval_index(x, ik); r0(ik); return r; }
    return prim_item(x, i);
}

/* Common count of args (atoms repeat); -2 on mismatch, -1 when all atoms. */
static J iter_conform(K *args, int n)
{
    J cnt = -1;
    for (int i = 0; i < n; i++) {
        J c = iter_count(args[i]);
        if (c < 0) continue;
        if (cnt >= 0 && c != cnt) return -2;
        cnt = c;
    }
    return cnt;
}

/* Store result v (consumed) as item i of *r, a typed vector while all results are atoms
 * of one type (speed only: it saves squeezing a list of atoms), else a general list. */
static int iter_store(K *r, J i, J cnt, K v)
{
    if (!*r) {
        int atom = v->t < 0 && v->t > -XT && v->t != -UU;
        *r = ktn(atom ? -v->t : 0, cnt);
        if (!*r) { r0(v); return -1; }
    }
    K x = *r;
    if (x->t > 0 && v->t == -x->t) {
        int w = k_item_size(x->t);
        memcpy(kG(x) + i * w, k_atom_bytes(v), (size_t)w);
        r0(v);
        return 0;
    }
    if (x->t > 0) {
        K list = ktn(0, cnt);
        if (!list) { r0(v); return -1; }
        for (J j = 0; j < i; j++) kK(list)[j] = prim_item(x, j);
        r0(x);
        *r = x = list;
    }
    kK(x)[i] = v;
    return 0;
}

/* Release a partly built result of i items. */
static void iter_drop(K r, J i)
{
    if (!r) return;
    if (r->t == 0) r->n = i;
    r0(r);
}

static K iter_each(K f, K *args, int n)
{
    J cnt = iter_conform(args, n);
    if (cnt == -2) return krr("length");
    if (cnt == -1) return eval_apply(f, args, n);
    K r = cnt ? NULL : ktn(0, 0);
    K items[ITER_MAX_ARGS];
    for (J i = 0; i < cnt; i++) {
        for (int a = 0; a < n; a++) items[a] = iter_item(args[a], i);
        K v = eval_apply(f, items, n);
        for (int a = 0; a < n; a++) r0(items[a]);
        if (IS_ERR(v)) { iter_drop(r, i); return v; }
        if (iter_store(&r, i, cnt, v)) { iter_drop(r, i); return krr("wsfull"); }
    }
    if (r->t == 0) r = prim_squeeze(r);
    if (n == 1 && args[0]->t == XD) return xD(r1(kK(args[0])[0]), r);
    return r;
}

/* Identity of a known binary operator for empty reductions (§2.17), or NULL. */
static K iter_identity(K f)
{
    if (f->t != K_BINARY) return NULL;
    switch (f->g) {
    case PRIM_OP_PLUS: case PRIM_OP_MINUS: return kj(0);
    case PRIM_OP_TIMES: return kj(1);
    case PRIM_OP_DIVIDE: return kf(1);
    case PRIM_OP_JOIN: return ktn(0, 0);
    case PRIM_OP_OR: return kj(-wj);
    case PRIM_OP_AND: return kj(wj);
    default: return NULL;
    }
}

/* Append v to the scan result list *acc; when that fails *acc becomes NULL and the scan
 * ends in 'wsfull. Ownership: v consumed. */
static void iter_push(K *acc, K v)
{
    if (!*acc) r0(v);
    else if (!jk(acc, v)) { r0(*acc); *acc = NULL; }
}

/* Nesting depth of x along first items: converge on a function that wraps its argument
 * (enlist/) would otherwise build a value too deep to compare or free. */
/* Does x nest deeper than budget through lists, dictionaries or partly applied
 * functions? A converge whose function keeps wrapping its argument (enlist/, ,[]/)
 * would otherwise run until memory or time runs out. */
static int iter_nests_deeper(K x, int budget)
{
    if (!x) return 0;
    if (budget <= 0) return 1;
    int has_slots = x->t == 0 || x->t == XD || (x->t >= K_PROJECTION && x->t <= K_EACHLEFT);
    if (!has_slots) return 0;
    for (J i = 0; i < x->n; i++)
        if (iter_nests_deeper(kK(x)[i], budget - 1)) return 1;
    return 0;
}

static int iter_too_deep(K x) { return iter_nests_deeper(x, EVAL_MAX_DEPTH); }

/* Unary f: converge, do (n times) or while (test). */
static K iter_unary_over(K f, K *args, int n, int scan)
{
    K acc = scan ? ktn(0, 0) : NULL;
    K x = r1(args[n - 1]);
    if (scan) iter_push(&acc, r1(x));
    K ctl = n == 2 ? args[0] : NULL;
    int is_do = ctl && ctl->t < 0 && (ctl->t == -KJ || ctl->t == -KI || ctl->t == -KH);
    J times = !is_do ? 0 : ctl->t == -KJ ? ctl->j : ctl->t == -KI ? ctl->i : ctl->h;
    for (J k = 0;; k++) {
        if (is_do && k >= times) break;
        if (q_restricted() && k >= EVAL_RESTRICTED_STEPS) { r0(x); r0(acc); return krr("limit"); }
        if (ctl && !is_do) {
            K t = eval_apply(ctl, &x, 1);
            if (IS_ERR(t)) { r0(x); r0(acc); return t; }
            int go = t->t < 0 && t->t != KERR && t->j != 0;
            if (t->t == -KB || t->t == -KG) go = t->g != 0;
            r0(t);
            if (!go) break;
        }
        K next = eval_apply(f, &x, 1);
        if (IS_ERR(next)) { r0(x); r0(acc); return next; }
        if (iter_too_deep(next)) { r0(next); r0(x); r0(acc); return krr("stack"); }
        /* the match below and the step that built next both scale with its size */
        if (eval_work_charge(next->t == 0 ? next->n : k_count(next) >> EVAL_WORK_VECTOR_SHIFT)) {
            r0(next); r0(x); r0(acc); return krr("limit");
        }
        if (!ctl && (k_match(next, x) || k_match(next, args[n - 1]))) { r0(next); break; }
        if (scan) iter_push(&acc, r1(next));
        r0(x);
        x = next;
    }
    if (scan) { r0(x); return acc ? prim_squeeze(acc) : krr("wsfull"); }
    return x;
}

/* Binary (or higher rank) f: reduce/fold. */
static K iter_fold(K f, K *args, int n, int scan)
{
    K seed;
    K *rest = args + 1;
    int nrest = n - 1;
    J cnt;
    J start = 0;
    if (n == 1) {
        cnt = iter_count(args[0]);
        if (cnt < 0) return r1(args[0]);
        if (cnt == 0) {
            if (scan) return r1(args[0]);
            K id = iter_identity(f);
            if (!id) id = ktn(0, 0);
            return id ? id : krr("wsfull");
        }
        seed = iter_item(args[0], 0);
        if (scan && f->t == K_BINARY && f->g == PRIM_OP_JOIN && args[0]->t > 0 && args[0]->t < XT) {
            /* (,\)2 3 4 gives the prefixes ,2 / 2 3 / 2 3 4 as in kdb+ (§7 I016) */
            K one = prim_apply1(PRIM_ENLIST_CODE, seed);
            r0(seed);
            if (IS_ERR(one)) return one;
            seed = one;
        }
        rest = args;
        nrest = 1;
        start = 1;
    } else {
        cnt = iter_conform(rest, nrest);
        if (cnt == -2) return krr("length");
        seed = r1(args[0]);
        if (cnt == -1) {
            K all[ITER_MAX_ARGS];
            all[0] = seed;
            for (int a = 0; a < nrest; a++) all[a + 1] = rest[a];
            K r = eval_apply(f, all, n);
            r0(seed);
            return r;
        }
    }
    K acc = scan ? ktn(0, 0) : NULL;
    if (scan && n == 1) iter_push(&acc, r1(seed));
    K x = seed;
    K all[ITER_MAX_ARGS];
    for (J i = start; i < cnt; i++) {
        all[0] = x;
        for (int a = 0; a < nrest; a++) all[a + 1] = iter_item(rest[a], i);
        K v = eval_apply(f, all, nrest + 1);
        for (int a = 0; a < nrest; a++) r0(all[a + 1]);
        r0(x);
        if (IS_ERR(v)) { r0(acc); return v; }
        x = v;
        if (scan) iter_push(&acc, r1(x));
    }
    if (scan) { r0(x); return acc ? prim_squeeze(acc) : krr("wsfull"); }
    return x;
}

static K iter_over(K f, K *args, int n, int scan)
{
    if (n > ITER_MAX_ARGS - 1) return krr("rank");
    J rank = eval_rank(f);
    if (f->t == K_NATIVE) rank = eval_native_rank(f);
    if (rank == 1 && n <= 2) return iter_unary_over(f, args, n, scan);
    if (f->t == K_BINARY && n == 1 && !scan && args[0]->t > 0 && args[0]->t < XT) {
        /* speed only: reductions with a primitive keyword */
        K r = prim_fast_over(f->g, args[0]);
        if (r) return r;
    }
    return iter_fold(f, args, n, scan);
}

static K iter_prior(K f, K *args, int n)
{
    K x = args[n - 1];
    J cnt = iter_count(x);
    if (cnt < 0) return krr("type");
    K seed = n == 2 ? r1(args[0]) : iter_identity(f);
    if (!seed) seed = x->t > 0 && x->t < XT ? prim_null_of(x->t) : k_identity();
    K r = ktn(0, cnt);
    if (!r) { r0(seed); return krr("wsfull"); }
    K prev = seed;
    for (J i = 0; i < cnt; i++) {
        K item = iter_item(x, i);
        K v = eval_apply2(f, item, prev);
        r0(prev);
        prev = item;
        if (IS_ERR(v)) { r->n = i; r0(r); r0(prev); return v; }
        kK(r)[i] = v;
    }
    r0(prev);
    r = prim_squeeze(r);
    if (x->t == XD) return xD(r1(kK(x)[0]), r);
    return r;
}

static K iter_side(K f, K x, K y, int right)
{
    K list = right ? y : x;
    J cnt = iter_count(list);
    if (cnt < 0) return eval_apply2(f, x, y);
    K r = ktn(0, cnt);
    if (!r) return krr("wsfull");
    for (J i = 0; i < cnt; i++) {
        K item = iter_item(list, i);
        K v = right ? eval_apply2(f, x, item) : eval_apply2(f, item, y);
        r0(item);
        if (IS_ERR(v)) { r->n = i; r0(r); return v; }
        kK(r)[i] = v;
    }
    r = prim_squeeze(r);
    if (list->t == XD) return xD(r1(kK(list)[0]), r);
    return r;
}

K eval_iter_apply(K d, K *args, int n)
{
    K f = kK(d)[0];
    if (f->t == -KS) {
        K g = eval_global_get(f->s);
        if (!g) return krr(f->s);
        K dd = k_func(d->t, 1);
        if (!dd) { r0(g); return krr("wsfull"); }
        kK(dd)[0] = g;
        K r = eval_iter_apply(dd, args, n);
        r0(dd);
        return r;
    }
    if (d->t == K_EACH && n == 2 && f->t == K_BINARY && f->g == PRIM_OP_JOIN
        && args[0]->t == XT && args[1]->t == XT)
        return join_each(args[0], args[1]);  /* t,'u joins columns */
    if (eval_depth_enter()) return krr("stack");
    K r;
    switch (d->t) {
    case K_EACH: r = n > ITER_MAX_ARGS ? krr("rank") : iter_each(f, args, n); break;
    case K_OVER: r = iter_over(f, args, n, 0); break;
    case K_SCAN: r = iter_over(f, args, n, 1); break;
    case K_EACHPRIOR:
        r = eval_rank(f) == 1 && n == 1 ? iter_each(f, args, 1) : iter_prior(f, args, n);
        break;
    case K_EACHRIGHT: r = n == 2 ? iter_side(f, args[0], args[1], 1) : krr("rank"); break;
    case K_EACHLEFT: r = n == 2 ? iter_side(f, args[0], args[1], 0) : krr("rank"); break;
    default: r = krr("nyi"); break;
    }
    eval_depth_leave();
    return r;
}
