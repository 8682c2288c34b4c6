/* eval_apply.c: application of every applicable value (q-subset.md §3.6): lambdas with
 * their frames, primitives, projections, derived functions, and indexing of lists,
 * dictionaries and tables. Tree walking is eval.c's; iterators eval_iter.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "eval_int.h"
#include "prim_fns.h"
#include "qsql.h"
#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include "q.h"
#include "qnative.h"
#include <string.h>

#define EVAL_MAX_ARGS 8

J eval_rank(K f)
{
    switch (f->t) {
    case K_LAMBDA:
        if (f->n >= PARSE_LAMBDA_SLOTS) return kK(f)[PARSE_LAMBDA_PARAMS]->n;
        return 1;
    case K_UNARY: return 1;
    case K_BINARY: return 2;
    case K_PROJECTION: {
        J given = 0;
        for (J i = 1; i < f->n; i++) given += !eval_is_hole(kK(f)[i]);
        J r = eval_rank(kK(f)[0]) - given;
        return r < 1 ? 1 : r;
    }
    case K_COMPOSITION: return eval_rank(kK(f)[f->n - 1]);
    case K_EACH: case K_EACHPRIOR: return eval_rank(kK(f)[0]);
    case K_OVER: case K_SCAN: case K_EACHLEFT: case K_EACHRIGHT: {
        J r = eval_rank(kK(f)[0]);
        return r < 2 ? 2 : r;
    }
    default: return 1;
    }
}

K eval_project(K f, K *args, int n)
{
    K p = k_func(K_PROJECTION, n + 1);
    if (!p) return krr("wsfull");
    kK(p)[0] = r1(f);
    for (int i = 0; i < n; i++) kK(p)[i + 1] = r1(args[i]);
    return p;
}

/* Fill the holes of projection p with args, append the rest, and apply. */
static K eval_apply_projection(K p, K *args, int n)
{
    K all[EVAL_MAX_ARGS];
    int m = 0, used = 0;
    for (J i = 1; i < p->n; i++) {
        if (m == EVAL_MAX_ARGS) return krr("rank");
        K a = kK(p)[i];
        all[m++] = eval_is_hole(a) && used < n ? args[used++] : a;
    }
    while (used < n) {
        if (m == EVAL_MAX_ARGS) return krr("rank");
        all[m++] = args[used++];
    }
    return eval_apply(kK(p)[0], all, m);
}

K eval_apply_lambda(K f, K *args, int n)
{
    K compiled = NULL;
    if (f->n < PARSE_LAMBDA_SLOTS) {
        compiled = parse_lambda_compile(f);
        if (IS_ERR(compiled)) return compiled;
        f = compiled;
    }
    K params = kK(f)[PARSE_LAMBDA_PARAMS], locals = kK(f)[PARSE_LAMBDA_LOCALS];
    J rank = params->n;
    K r;
    int holes = 0;
    for (int i = 0; i < n; i++) holes |= eval_is_hole(args[i]);
    if (n > rank && !(rank == 0 && n == 1)) r = krr("rank");
    else if ((n < rank && !(n == 1 && rank == 0)) || holes) r = eval_project(f, args, n);
    else if (eval_depth_enter()) r = krr("stack");
    else {
        J total = rank + locals->n;
        S inline_names[EVAL_FRAME_INLINE];
        K inline_vals[EVAL_FRAME_INLINE];
        S *names = total <= EVAL_FRAME_INLINE ? inline_names : malloc((size_t)total * sizeof(S));
        K *vals = total <= EVAL_FRAME_INLINE ? inline_vals : calloc((size_t)total, sizeof(K));
        if (!names || !vals) {
            if (names != inline_names) free(names);
            if (vals != inline_vals) free(vals);
            eval_depth_leave();
            r0(compiled);
            return krr("wsfull");
        }
        for (J i = 0; i < rank; i++) { names[i] = kS(params)[i]; vals[i] = r1(args[i]); }
        for (J i = 0; i < locals->n; i++) { names[rank + i] = kS(locals)[i]; vals[rank + i] = NULL; }
        eval_frame frame = { .lambda = f, .names = names, .vals = vals, .n = total,
                             .ctx = kK(f)[1]->s, .returned = 0 };
        r = eval_tree(&frame, kK(f)[PARSE_LAMBDA_BODY]);
        for (J i = 0; i < total; i++) r0(vals[i]);
        if (names != inline_names) free(names);
        if (vals != inline_vals) free(vals);
        eval_depth_leave();
    }
    r0(compiled);
    return r;
}

/* Null item of list x (§3.6): typed null, or an empty vector like the first item. */
static K eval_null_item(K x)
{
    if (x->t > 0 && x->t < XT) return prim_null_of(x->t);
    if (x->t == 0 && x->n > 0) {
        K first = kK(x)[0];
        if (first->t < 0) return prim_null_of(-first->t);
        if (first->t > 0 && first->t < XT) return ktn(first->t, 0);
        return k_identity();
    }
    return ktn(0, 0);
}

static int eval_is_int_type(int t) { return t == KJ || t == KI || t == KH || t == KB || t == KG; }

static J eval_int_at(K i, J k)
{
    switch (i->t) {
    case KJ: return kJ(i)[k];
    case KI: return kI(i)[k] == ni ? nj : kI(i)[k];
    case KH: return kH(i)[k] == nh ? nj : kH(i)[k];
    default: return kG(i)[k];
    }
}

static J eval_int_atom(K i)
{
    switch (-i->t) {
    case KJ: return i->j;
    case KI: return i->i == ni ? nj : i->i;
    case KH: return i->h == nh ? nj : i->h;
    default: return i->g;
    }
}

/* Gather items of list x at integer vector i (tight loop per item width). */
static K eval_gather(K x, K i)
{
    J n = i->n, cnt = x->n;
    if (eval_work_charge(x->t == 0 ? n : n >> EVAL_WORK_VECTOR_SHIFT)) return krr("limit");
    if (x->t == 0) {
        K r = ktn(0, n);
        if (!r) return krr("wsfull");
        for (J k = 0; k < n; k++) {
            J at = eval_int_at(i, k);
            kK(r)[k] = at >= 0 && at < cnt ? r1(kK(x)[at]) : eval_null_item(x);
        }
        return prim_squeeze(r);
    }
    K r = ktn(x->t, n);
    if (!r) return krr("wsfull");
    r->u = x->u;  /* items of an enumeration stay in its domain */
    int w = k_item_size(x->t);
    K nul = prim_null_of(x->t);
    if (IS_ERR(nul)) { r0(r); return nul; }
    const G *src = kG(x);
    G *dst = kG(r);
    if (i->t == KJ && w == (int)sizeof(J)) {
        const J *ix = kJ(i);
        J *d = (J *)dst, *s = (J *)src;
        for (J k = 0; k < n; k++) d[k] = (ix[k] >= 0 && ix[k] < cnt) ? s[ix[k]] : nul->j;
    } else {
        for (J k = 0; k < n; k++) {
            J at = eval_int_at(i, k);
            memcpy(dst + k * w, at >= 0 && at < cnt ? src + at * w : (const G *)k_atom_bytes(nul), (size_t)w);
        }
    }
    r0(nul);
    return r;
}

static K eval_dict_index(K d, K i);

static K eval_table_index(K t, K i)
{
    K dict = t->k;
    if (i->t == -KS || i->t == KS) return eval_dict_index(dict, i);
    if (i->t < 0 && eval_is_int_type(-i->t)) {
        K vals = kK(dict)[1];
        K row = ktn(0, vals->n);
        if (!row) return krr("wsfull");
        for (J c = 0; c < vals->n; c++) row->n = c, kK(row)[c] = eval_index(kK(vals)[c], i);
        row->n = vals->n;
        K d = xD(r1(kK(dict)[0]), prim_squeeze(row));
        return d ? d : krr("wsfull");
    }
    if (i->t > 0 && eval_is_int_type(i->t)) {
        K vals = kK(dict)[1];
        K cols = ktn(0, vals->n);
        if (!cols) return krr("wsfull");
        for (J c = 0; c < vals->n; c++) kK(cols)[c] = eval_index(kK(vals)[c], i);
        K t = xT(xD(r1(kK(dict)[0]), cols));
        return t ? t : krr("wsfull");
    }
    return krr("type");
}

static J eval_key_find(K keys, K key)
{
    if (keys->t == KS && key->t == -KS) {
        for (J j = 0; j < keys->n; j++) if (kS(keys)[j] == key->s) return j;
        return keys->n;
    }
    for (J j = 0; j < keys->n; j++) {
        K item = prim_item(keys, j);
        int m = k_match(item, key);
        r0(item);
        if (m) return j;
    }
    return keys->n;
}

/* Step dictionary (`s# keys): the last key not above atom i, by binary search; -1 when
 * every key is above it. */
static J eval_step_find(K keys, K i)
{
    J lo = 0, hi = keys->n;  /* keys[lo..hi) are unknown; those before lo are <= i */
    while (lo < hi) {
        J mid = lo + (hi - lo) / 2;
        K k = prim_item(keys, mid);
        K gt = prim_arith(PRIM_OP_GT, k, i);
        int above = !IS_ERR(gt) && gt->g;
        r0(k);
        r0(gt);
        if (above) hi = mid; else lo = mid + 1;
    }
    return lo - 1;
}

static K eval_dict_index(K d, K i)
{
    K keys = kK(d)[0], vals = kK(d)[1];
    if (keys->t == XT) return krr("nyi");
    int atom_key = keys->t == 0 ? 1 : i->t < 0;
    if (!atom_key && i->t == keys->t && keys->a != K_ATTR_SORTED) {
        K at = prim_hash_find(keys, i);  /* every key found at once, or NULL */
        if (at && !IS_ERR(at)) {
            K r = eval_index(vals, at);  /* past the end: nulls */
            r0(at);
            return r;
        }
        if (at) return at;
    }
    if (i->t == XD) {   /* d[k!v] is k!d[v] */
        K v = eval_dict_index(d, kK(i)[1]);
        if (IS_ERR(v)) return v;
        K r = xD(r1(kK(i)[0]), v);
        return r ? r : krr("length");
    }
    if (i->t == XT) return krr("nyi");
    if (!atom_key && i->t >= 0) {   /* a list: i->n items (not a table's or dict's n) */
        if (eval_work_charge(i->n)) return krr("limit");
        K r = ktn(0, i->n);
        if (!r) return krr("wsfull");
        for (J k = 0; k < i->n; k++) {
            K ik = prim_item(i, k);
            kK(r)[k] = eval_dict_index(d, ik);
            r0(ik);
        }
        return prim_squeeze(r);
    }
    J at = eval_key_find(keys, i);
    if (at < vals->n) return prim_item(vals, at);
    if (keys->a == K_ATTR_SORTED && i->t == -keys->t) {
        at = eval_step_find(keys, i);
        if (at >= 0) return prim_item(vals, at);
    }
    return eval_null_item(vals);
}

K eval_index(K x, K i)
{
    if (i == k_identity() || eval_is_hole(i)) return r1(x);
    if (table_is_keyed(x)) return table_keyed_index(x, i);
    if (i->t >= K_LAMBDA || i->t == XT) return krr("type");
    if (x->t == XD) return eval_dict_index(x, i);
    if (x->t == XT) return eval_table_index(x, i);
    if (x->t == -KS) {
        K v = eval_global_get(x->s);
        if (!v && x->s[0] == '.') v = eval_namespace_dict(x->s);
        if (!v) return krr(x->s);
        K r = eval_index(v, i);
        r0(v);
        return r;
    }
    if (x->t < 0 || x->t >= XT) return krr("type");
    if (i->t < 0) {
        if (!eval_is_int_type(-i->t)) return krr("type");
        J at = eval_int_atom(i);
        return at >= 0 && at < x->n ? prim_item(x, at) : eval_null_item(x);
    }
    if (i->t > 0 && eval_is_int_type(i->t)) return eval_gather(x, i);
    if (i->t == 0) {
        if (eval_work_charge(i->n)) return krr("limit");
        K r = ktn(0, i->n);
        if (!r) return krr("wsfull");
        for (J k = 0; k < i->n; k++) {
            kK(r)[k] = eval_index(x, kK(i)[k]);
            if (IS_ERR(kK(r)[k])) { K e = kK(r)[k]; kK(r)[k] = NULL; r0(r); return e; }
        }
        return prim_squeeze(r);
    }
    if (i->t == XD) {
        K v = eval_index(x, kK(i)[1]);
        return IS_ERR(v) ? v : xD(r1(kK(i)[0]), v);
    }
    return krr("type");
}

K eval_index_depth(K x, K *idx, int n)
{
    if (n == 0) return r1(x);
    K i = idx[0];
    if (i == k_identity() || eval_is_hole(i)) {
        if (n == 1) return r1(x);
        if (x->t == XD) {
            K v = eval_index_depth(kK(x)[1], idx, n);
            return IS_ERR(v) ? v : xD(r1(kK(x)[0]), v);
        }
        if (x->t < 0) return krr("rank");
        J cnt = x->t == XT ? k_count(x) : x->n;
        if (eval_work_charge(cnt)) return krr("limit");
        K r = ktn(0, cnt);
        if (!r) return krr("wsfull");
        for (J k = 0; k < cnt; k++) {
            K item = prim_item(x, k);
            kK(r)[k] = eval_index_depth(item, idx + 1, n - 1);
            r0(item);
            if (IS_ERR(kK(r)[k])) { K e = kK(r)[k]; kK(r)[k] = NULL; r0(r); return e; }
        }
        return prim_squeeze(r);
    }
    K first = eval_index(x, i);
    if (IS_ERR(first) || n == 1) return first;
    K r;
    if (first->t >= K_LAMBDA) r = eval_apply(first, idx + 1, n - 1);  /* (f;g)[1;x]: g x */
    else if (i->t < 0 || x->t == XT) r = eval_index_depth(first, idx + 1, n - 1);
    else {
        r = eval_work_charge(first->n) ? NULL : ktn(0, first->n);
        if (!r) { r0(first); return krr(q_restricted() ? "limit" : "wsfull"); }
        for (J k = 0; k < first->n; k++) {
            K item = prim_item(first, k);
            kK(r)[k] = eval_index_depth(item, idx + 1, n - 1);
            r0(item);
            if (IS_ERR(kK(r)[k])) { K e = kK(r)[k]; kK(r)[k] = NULL; r0(r); r0(first); return e; }
        }
        r = prim_squeeze(r);
    }
    r0(first);
    return r;
}

/* @[`.;`a`b;f;y]: amend globals of a namespace by name, as its dictionary would be
 * amended (§7 S141). Ownership: borrowed; returns ns. */
static K eval_amend_names(K ns, K names, K g, K y)
{
    S space = ns->s[1] ? ns->s : ss("");
    K dict = eval_namespace_dict(space);
    if (!dict) dict = xD(ktn(KS, 0), ktn(0, 0));
    K idx = r1(names);
    K r = eval_amend(dict, &idx, 1, g, y);
    r0(idx);
    if (IS_ERR(r)) return r;
    J n = names->t < 0 ? 1 : names->n;
    for (J k = 0; k < n; k++) {
        K name = names->t < 0 ? r1(names) : ks(kS(names)[k]);
        K v = eval_apply(r, &name, 1);
        int bad = IS_ERR(v) ? 0 : eval_global_store(space, name->s, v);
        r0(name);
        if (IS_ERR(v)) { r0(r); return v; }
        if (bad) { r0(r); return krr("wsfull"); }
    }
    r0(r);
    return r1(ns);
}

/* Binary primitives with 3 or 4 arguments: amend/trap (@ .), vector conditional (?). */
static K eval_apply_binary_n(K f, K *args, int n)
{
    int code = f->g;
    if (code == PRIM_OP_FIND && (n >= 4 || (n == 3 && eval_is_table(args[0]))))
        return qsql_query(NULL, args, n);
    if (code == PRIM_OP_BANG && n == 4) return qsql_amend(NULL, args, n);
    if (code == PRIM_OP_FIND && n == 3) return prim_vector_cond(args[0], args[1], args[2]);
    if ((code == PRIM_KW_AJ || code == PRIM_KW_AJ0) && n == 3)
        return join_aj(args[0], args[1], args[2], code == PRIM_KW_AJ0);
    if (code == PRIM_KW_EJ && n == 3) return join_ej(args[0], args[1], args[2]);
    if (code == PRIM_KW_SSR && n == 3) return prim_ssr(args[0], args[1], args[2]);
    if (code != PRIM_OP_AT && code != PRIM_OP_DOT) return krr("rank");
    K d = args[0], i = args[1], g = args[2], y = n == 4 ? args[3] : NULL;
    int handle = d->t == -KI || d->t == -KJ || d->t == -KH;  /* @[h;msg;f] traps a send */
    if (n == 3 && (d->t >= K_LAMBDA || handle)) {
        K r = code == PRIM_OP_AT ? eval_apply(d, &i, 1)
            : eval_apply_list(d, i);
        if (!IS_ERR(r)) return r;
        K text = kp(r->s);
        r0(r);
        if (!text) return krr("wsfull");
        if (g->t < K_LAMBDA) { r0(text); return r1(g); }
        K h = eval_apply(g, &text, 1);
        r0(text);
        return h;
    }
    if (d->t == -KS && d->s[0] == '.' && (i->t == -KS || i->t == KS) && code == PRIM_OP_AT
        && !eval_global_peek(eval_namespace(), d->s))
        return eval_amend_names(d, i, g, y);
    if (d->t == -KS) {
        K v = eval_global_get(d->s);
        if (!v && !(v = ktn(0, 0))) return krr("wsfull");
        K r = code == PRIM_OP_AT ? eval_amend(v, &i, 1, g, y) : eval_amend_path(v, i, g, y);
        if (IS_ERR(r)) return r;
        if (eval_global_set(d->s, r)) return krr("wsfull");
        return r1(d);
    }
    return code == PRIM_OP_AT ? eval_amend(r1(d), &i, 1, g, y) : eval_amend_path(r1(d), i, g, y);
}

/* f . list: apply f to the items of list. */
K eval_apply_list(K f, K list)
{
    if (list->t == XD) list = kK(list)[1];  /* f . d applies f to d's values */
    J n = list->t < 0 ? 1 : list->t == XT ? 1 : list->n;
    if (n > EVAL_MAX_ARGS) return krr("rank");
    K args[EVAL_MAX_ARGS];
    if (list->t < 0) return eval_apply(f, &list, 1);
    for (J k = 0; k < n; k++) args[k] = prim_item(list, k);
    K r = eval_apply(f, args, (int)n);
    for (J k = 0; k < n; k++) r0(args[k]);
    return r;
}

K eval_apply(K f, K *args, int n)
{
    if (eval_work_charge(1)) return krr("limit");  /* iterators apply f per item */
    switch (f->t) {
    case K_LAMBDA: return eval_apply_lambda(f, args, n);
    case K_UNARY:
        if (f->g == 0) return n == 1 ? r1(args[0]) : krr("rank");
        if (f->g >= EVAL_SEQ) return krr("nyi");
        if (prim_is_variadic(f)) return n == 1 ? prim_apply1(f->g, args[0]) : prim_enlist_n(args, n);
        if (n != 1) return krr("rank");
        if (eval_is_hole(args[0])) return r1(f);
        return prim_apply1(f->g, args[0]);
    case K_BINARY:
        if (n == 2 && !eval_is_hole(args[0]) && !eval_is_hole(args[1]))
            return prim_apply2(f->g, args[0], args[1]);
        if (n <= 2) return eval_project(f, args, n);
        return eval_apply_binary_n(f, args, n);
    case K_PROJECTION: return eval_apply_projection(f, args, n);
    case K_ITERATOR: {
        if (n != 1) return krr("rank");
        static const int derived[] = { K_EACH, K_OVER, K_SCAN, K_EACHPRIOR, K_EACHRIGHT, K_EACHLEFT };
        if (f->g >= sizeof derived / sizeof derived[0]) return krr("nyi");
        K d = k_func(derived[f->g], 1);
        if (!d) return krr("wsfull");
        kK(d)[0] = r1(args[0]);
        return d;
    }
    case K_EACH: case K_OVER: case K_SCAN: case K_EACHPRIOR: case K_EACHRIGHT: case K_EACHLEFT:
        for (int i = 0; i < n; i++) if (eval_is_hole(args[i])) return eval_project(f, args, n);
        return eval_iter_apply(f, args, n);
    case K_COMPOSITION: {
        K r = eval_apply(kK(f)[f->n - 1], args, n);
        for (J i = f->n - 2; i >= 0 && !IS_ERR(r); i--) {
            K next = eval_apply(kK(f)[i], &r, 1);
            r0(r);
            r = next;
        }
        return r;
    }
    case K_NATIVE: return eval_native_call(f, args, n);
    case KERR: return r1(f);
    case -KS: {
        if (f->s[0] == ':') return krr("type");
        K g = eval_global_get(f->s);
        /* `.u `i`L: a symbol naming a namespace applies its dictionary (r.q sends this) */
        if (!g && f->s[0] == '.') g = eval_namespace_dict(f->s);
        if (!g) return krr(f->s);
        /* a:`a; a[]: a chain of names that never reaches a value */
        static int chain_depth;
        if (chain_depth >= EVAL_NAME_CHAIN_MAX) { r0(g); return krr("stack"); }
        chain_depth++;
        K r = eval_apply(g, args, n);
        chain_depth--;
        r0(g);
        return r;
    }
    case -KI: case -KJ: case -KH:
        return n == 1 ? eval_handle(f, args[0]) : krr("rank");
    default:
        if (n == 1) return eval_index(f, args[0]);
        return eval_index_depth(f, args, n);
    }
}

static int (*eval_handle_hook)(I handle, K msg, K *result);

void q_handle_hook_set(int (*hook)(I handle, K msg, K *result)) { eval_handle_hook = hook; }

/* Write text (a string or a list of strings) to a stdio stream; newline per item when
 * lines. Returns 0, or -1 on a type mismatch. */
static int eval_write(FILE *out, K x, int lines)
{
    if (x->t == KC) {
        fwrite(kC(x), 1, (size_t)x->n, out);
        if (lines) fputc('\n', out);
        return 0;
    }
    if (x->t == -KC) { fputc(x->g, out); if (lines) fputc('\n', out); return 0; }
    if (x->t != 0) return -1;
    for (J i = 0; i < x->n; i++) if (eval_write(out, kK(x)[i], lines)) return -1;
    return 0;
}

/* An integer applied to data: handle 0 (local), 1/2 (stdout/stderr), negatives add a
 * newline; others go to the process's handle hook (net/) (q-subset.md §3.18, §5.3). */
K eval_handle(K h, K msg)
{
    J v = h->t == -KJ ? h->j : h->t == -KI ? h->i : h->h;
    if (v == 0) return q_value(msg);
    if (v == 1 || v == -1 || v == 2 || v == -2) {
        FILE *out = v == 1 || v == -1 ? stdout : stderr;
        if (eval_write(out, msg, v < 0)) return krr("type");
        fflush(out);
        return r1(h);
    }
    if (q_restricted()) return krr("access");
    K r = NULL;
    if (eval_file_apply((I)v, msg, &r)) {  /* a file from hopen: append; gives h (§5.3) */
        if (IS_ERR(r)) return r;
        r0(r);
        return r1(h);
    }
    if (eval_handle_hook && eval_handle_hook((I)v, msg, &r)) return r ? r : k_identity();
    return krr("type");
}

K eval_apply1(K f, K x) { return eval_apply(f, &x, 1); }
K eval_apply2(K f, K x, K y) { K a[2] = { x, y }; return eval_apply(f, a, 2); }

/* ([k:e] c:e; …) */
K eval_table(eval_frame *frame, K t)
{
    J nkeys = kK(t)[1]->j;
    K names = kK(kK(t)[2])[0];
    J ncols = t->n - 3;
    K cols = ktn(0, ncols);
    if (!cols) return krr("wsfull");
    J rows = -1;
    for (J c = ncols - 1; c >= 0; c--) {
        K v = eval_tree(frame, kK(t)[c + 3]);
        if (IS_ERR(v)) { r0(cols); return v; }
        kK(cols)[c] = v;
        if (v->t >= 0 && v->t < XT) {
            if (rows >= 0 && rows != v->n) { r0(cols); return krr("length"); }
            rows = v->n;
        }
    }
    if (rows < 0) rows = ncols ? 1 : 0;
    for (J c = 0; c < ncols; c++) {
        K v = kK(cols)[c];
        if (v->t < 0) {
            K take = kj(rows);
            kK(cols)[c] = take ? prim_apply2(PRIM_OP_TAKE, take, v) : krr("wsfull");
            r0(take);
            r0(v);
        }
    }
    K table = xT(xD(r1(names), cols));
    if (!table) return krr("rank");
    if (nkeys > 0) table = knt(nkeys, table);
    return table ? table : krr("type");
}
