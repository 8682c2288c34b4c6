/* prim_list.c: list construction and selection (q-subset.md §3.11, 3.14): , # _ ! ? ^,
 * til count first last where reverse group enlist distinct raze flip key value cols,
 * fills prev next. Set operations and searching are prim_set.c's; sorting prim_sort.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"
#include "eval_int.h"
#include "prim_list.h"
#include "q.h"

#include <stdlib.h>
#include <string.h>

J prim_list_count(K x)
{
    if (x->t < 0 || x->t >= K_LAMBDA) return 1;
    if (x->t == XT) return k_count(x);
    if (x->t == XD) return kK(x)[1]->t == XT ? k_count(kK(x)[1]) : kK(x)[1]->n;
    return x->n;
}

/* Items of x at long indexes idx[0..n), as a list like x (vector type kept). */
K prim_list_select(K x, const J *idx, J n)
{
    if (x->t == XT) {
        K d = x->k, vals = kK(d)[1];
        K cols = ktn(0, vals->n);
        if (!cols) return krr("wsfull");
        for (J c = 0; c < vals->n; c++) kK(cols)[c] = prim_list_select(kK(vals)[c], idx, n);
        return xT(xD(r1(kK(d)[0]), cols));
    }
    if (x->t == XD) return xD(prim_list_select(kK(x)[0], idx, n), prim_list_select(kK(x)[1], idx, n));
    if (x->t == 0) {
        K r = ktn(0, n);
        if (!r) return krr("wsfull");
        for (J i = 0; i < n; i++) kK(r)[i] = r1(kK(x)[idx[i]]);
        return r;
    }
    K r = ktn(x->t, n);
    if (!r) return krr("wsfull");
    int w = k_item_size(x->t);
    if (w == (int)sizeof(J)) { for (J i = 0; i < n; i++) kJ(r)[i] = kJ(x)[idx[i]]; }
    else for (J i = 0; i < n; i++) memcpy(kG(r) + i * w, kG(x) + idx[i] * w, (size_t)w);
    return r;
}

/* Items [from, from+n) of x. */
K prim_list_range(K x, J from, J n)
{
    J *idx = malloc((size_t)(n ? n : 1) * sizeof(J));
    if (!idx) return krr("wsfull");
    for (J i = 0; i < n; i++) idx[i] = from + i;
    K r = prim_list_select(x, idx, n);
    free(idx);
    return r;
}

K prim_til(K x)
{
    if (x->t != -KJ && x->t != -KI && x->t != -KH) return krr("type");
    J n = x->t == -KJ ? x->j : x->t == -KI ? x->i : x->h;
    if (n < 0) return krr("domain");
    if (n > PRIM_MAX_ITEMS) return krr("limit");
    K r = ktn(KJ, n);
    if (!r) return krr("wsfull");
    J *p = kJ(r);
    for (J i = 0; i < n; i++) p[i] = i;
    return r;
}

K prim_count(K x) { return kj(prim_list_count(x)); }

static K list_end(K x, int last)
{
    if (x->t < 0 || x->t >= K_LAMBDA) return r1(x);
    if (x->t == XD) return list_end(kK(x)[1], last);
    J n = prim_list_count(x);
    if (n == 0) return x->t == 0 || x->t == XT ? k_identity() : prim_null_of(x->t);
    return prim_item(x, last ? n - 1 : 0);
}

K prim_first(K x) { return list_end(x, 0); }
K prim_last(K x) { return list_end(x, 1); }

K prim_enlist(K x)
{
    if (x->t == XD) {
        K vals = kK(x)[1];
        K cols = ktn(0, vals->n);
        if (!cols) return krr("wsfull");
        for (J i = 0; i < vals->n; i++) { K it = prim_item(vals, i); kK(cols)[i] = prim_enlist(it); r0(it); }
        K t = xT(xD(r1(kK(x)[0]), cols));
        return t ? t : krr("type");
    }
    if (x->t < 0 && x->t > -XT) {
        K v = ktn(-x->t, 1);
        if (!v) return krr("wsfull");
        memcpy(kG(v), k_atom_bytes(x), (size_t)k_item_size(-x->t));
        return v;
    }
    return knk(1, r1(x));
}

K prim_enlist_n(K *args, int n)
{
    K r = ktn(0, n);
    if (!r) return krr("wsfull");
    for (int i = 0; i < n; i++) kK(r)[i] = r1(args[i]);
    return prim_squeeze(r);
}

K prim_where(K x)
{
    if (x->t == XD) {
        K w = prim_where(kK(x)[1]);
        if (IS_ERR(w)) return w;
        K r = eval_index(kK(x)[0], w);
        r0(w);
        return r;
    }
    if (x->t != KB && x->t != KJ && x->t != KI && x->t != KH && x->t != KG)
    {
        if (x->t >= 0) return krr("type");
        K v = prim_enlist(x);
        K r = prim_where(v);
        r0(v);
        return r;
    }
    J total = 0;
    for (J i = 0; i < x->n; i++) {
        J c = prim_get_j(x, i);
        if (c < 0) return krr("domain");
        if (c > PRIM_MAX_ITEMS || (total += c) > PRIM_MAX_ITEMS) return krr("limit");
    }
    K r = ktn(KJ, total);
    if (!r) return krr("wsfull");
    J k = 0;
    if (x->t == KB) { for (J i = 0; i < x->n; i++) if (kG(x)[i]) kJ(r)[k++] = i; }
    else for (J i = 0; i < x->n; i++) for (J c = prim_get_j(x, i); c > 0; c--) kJ(r)[k++] = i;
    return r;
}

K prim_reverse(K x)
{
    if (x->t < 0 || x->t >= K_LAMBDA) return r1(x);
    J n = prim_list_count(x);
    J *idx = malloc((size_t)(n ? n : 1) * sizeof(J));
    if (!idx) return krr("wsfull");
    for (J i = 0; i < n; i++) idx[i] = n - 1 - i;
    K r = prim_list_select(x, idx, n);
    free(idx);
    return r;
}

/* Index of item in list x, or count x when absent (exact comparison). */
J prim_list_find(K x, K item)
{
    J n = x->n;
    if (x->t > 0 && x->t < XT && item->t == -x->t) {
        if (x->t == KS) { S s = item->s; for (J i = 0; i < n; i++) if (kS(x)[i] == s) return i; return n; }
        if (x->t == KJ) { J v = item->j; for (J i = 0; i < n; i++) if (kJ(x)[i] == v) return i; return n; }
        int w = k_item_size(x->t);
        for (J i = 0; i < n; i++) if (!memcmp(kG(x) + i * w, k_atom_bytes(item), (size_t)w)) return i;
        return n;
    }
    if (x->t == 0) { for (J i = 0; i < n; i++) if (k_match(kK(x)[i], item)) return i; return n; }
    if (x->t > 0 && x->t < XT) {
        for (J i = 0; i < n; i++) { K a = prim_item(x, i); int m = k_match(a, item); r0(a); if (m) return i; }
    }
    return n;
}

int prim_list_find_charge(K x)
{
    J n = prim_list_count(x);
    return eval_work_charge(x->t == 0 ? n : n >> EVAL_WORK_VECTOR_SHIFT);
}

K prim_distinct(K x)
{
    if (x->t < 0) return krr("type");
    if (x->t == XD) return prim_distinct(kK(x)[1]);
    K hashed = prim_hash_distinct(x);
    if (hashed) return hashed;
    J n = prim_list_count(x), k = 0;
    J *idx = malloc((size_t)(n ? n : 1) * sizeof(J));
    if (!idx) return krr("wsfull");
    K seen = ktn(x->t == XT ? 0 : x->t, 0);  /* a table's rows (dictionaries) as a list */
    if (!seen) { free(idx); return krr("wsfull"); }
    for (J i = 0; i < n; i++) {
        if (prim_list_find_charge(seen)) { r0(seen); free(idx); return krr("limit"); }
        K item = prim_item(x, i);
        if (prim_list_find(seen, item) == seen->n) {
            idx[k++] = i;
            K grown = seen->t == 0 ? jk(&seen, r1(item))
                    : seen->t == KS ? js(&seen, item->s) : ja(&seen, k_atom_bytes(item));
            if (!grown) { r0(item); r0(seen); free(idx); return krr("wsfull"); }
        }
        r0(item);
    }
    r0(seen);
    K r = prim_list_select(x, idx, k);
    free(idx);
    return r;
}

K prim_group(K x)
{
    if (x->t < 0 || x->t >= XT) return krr("type");
    K hashed = prim_hash_group(x);
    if (hashed) return hashed;
    K keys = prim_distinct(x);
    if (IS_ERR(keys)) return keys;
    K vals = ktn(0, keys->n);
    if (!vals) { r0(keys); return krr("wsfull"); }
    for (J g = 0; g < keys->n; g++)
        if (!(kK(vals)[g] = ktn(KJ, 0))) { r0(keys); r0(vals); return krr("wsfull"); }
    for (J i = 0; i < x->n; i++) {
        if (prim_list_find_charge(keys)) { r0(keys); r0(vals); return krr("limit"); }
        K item = prim_item(x, i);
        J g = prim_list_find(keys, item);
        r0(item);
        if (!ja(&kK(vals)[g], &i)) { r0(keys); r0(vals); return krr("wsfull"); }
    }
    K d = xD(keys, vals);
    return d ? d : krr("wsfull");
}

K prim_raze(K x)
{
    if (x->t == XD) return prim_raze(kK(x)[1]);
    if (x->t < 0) return prim_enlist(x);
    if (x->t != 0) return r1(x);
    if (x->n == 0) return ktn(0, 0);
    K acc = r1(kK(x)[0]);
    if (acc->t < 0) { K e = prim_enlist(acc); r0(acc); acc = e; }
    for (J i = 1; i < x->n && !IS_ERR(acc); i++) {
        K next = prim_join(acc, kK(x)[i]);
        r0(acc);
        acc = next;
    }
    return acc;
}

K prim_flip(K x)
{
    if (x->t == XD) {
        K vals = kK(x)[1];
        J rows = -1;
        for (J i = 0; vals->t == 0 && i < vals->n; i++)
            if (kK(vals)[i]->t >= 0) rows = kK(vals)[i]->n;
        K cols = ktn(0, vals->n);
        if (!cols) return krr("wsfull");
        for (J i = 0; i < vals->n; i++) {
            K c = prim_item(vals, i);
            if (c->t < 0 && rows >= 0) { K n = kj(rows); K v = prim_take(n, c); r0(n); r0(c); c = v; }
            kK(cols)[i] = c;
        }
        K t = xT(xD(r1(kK(x)[0]), cols));
        return t ? t : krr("length");
    }
    if (x->t == XT) return r1(x->k);
    if (x->t != 0) return krr("type");
    J rows = -1;
    for (J i = 0; i < x->n; i++) {
        K c = kK(x)[i];
        if (c->t < 0) continue;
        if (rows >= 0 && c->n != rows) return krr("length");
        rows = c->n;
    }
    if (rows < 0) return krr("rank");
    if (eval_work_charge(rows * x->n)) return krr("limit");
    K r = ktn(0, rows);
    if (!r) return krr("wsfull");
    for (J j = 0; j < rows; j++) {
        K row = ktn(0, x->n);
        if (!row) { r->n = j; r0(r); return krr("wsfull"); }
        for (J i = 0; i < x->n; i++) {
            K c = kK(x)[i];
            kK(row)[i] = c->t < 0 ? r1(c) : prim_item(c, j);
        }
        kK(r)[j] = prim_squeeze(row);
    }
    return r;
}

K prim_key(K x)
{
    if (x->t == -KS && x->s[0] == ':') return prim_file_key(x);  /* key `:file (§5.6) */
    if (x->t == XD) return r1(kK(x)[0]);
    if (x->t == XT) return prim_cols(x);
    if (x->t == -KJ || x->t == -KI) return prim_til(x);
    if (x->t == -KS) {
        K v = eval_global_get(x->s);
        if (!v) {
            K d = x->s[0] == '.' ? eval_namespace_dict(x->s) : NULL;
            if (!d) return ktn(0, 0);
            K k = r1(kK(d)[0]);
            r0(d);
            return k;
        }
        K r = v->t == XD ? r1(kK(v)[0]) : r1(x);
        r0(v);
        return r;
    }
    return krr("type");
}

K prim_cols(K x)
{
    if (x->t == XT) return r1(kK(x->k)[0]);
    if (x->t == XD && kK(x)[0]->t == XT && kK(x)[1]->t == XT) {
        K a = prim_cols(kK(x)[0]), b = prim_cols(kK(x)[1]);
        K r = prim_join(a, b);
        r0(a); r0(b);
        return r;
    }
    if (x->t == -KS) {
        K v = eval_global_get(x->s);
        if (!v) return krr(x->s);
        K r = prim_cols(v);
        r0(v);
        return r;
    }
    return krr("type");
}

K prim_value(K x)
{
    if ((x->t == KS || x->t == -KS) && x->u) return prim_enum_value(x);
    switch (x->t) {
    case XD: return r1(kK(x)[1]);
    case -KS: {
        if (x->s[0] == ':') return prim_file_get(x);  /* get `:file (§5.6) */
        K v = eval_global_get(x->s);
        if (v) return v;
        K d = x->s[0] == '.' ? eval_namespace_dict(x->s) : NULL;
        return d ? d : krr(x->s);
    }
    case KC: case 0: case KS: return q_value(x);
    default: return r1(x);
    }
}

/* x rotate y: y's items moved left by x (right when negative), cyclically (§3.11, T2). */
K prim_rotate(K x, K y)
{
    if (x->t != -KJ && x->t != -KI) return krr("type");
    if (y->t < 0 || y->t >= XD) return y->t < 0 ? r1(y) : krr("type");
    J n = prim_list_count(y);
    if (n == 0) return r1(y);
    J by = x->t == -KJ ? x->j : x->i;
    by %= n;
    if (by < 0) by += n;
    J *idx = malloc((size_t)n * sizeof(J));
    if (!idx) return krr("wsfull");
    for (J i = 0; i < n; i++) idx[i] = (i + by) % n;
    K r = prim_list_select(y, idx, n);
    free(idx);
    return r;
}

/* x xprev y: each item replaced by the one x places before it (null when there is none). */
K prim_xprev(K x, K y)
{
    if (x->t != -KJ && x->t != -KI) return krr("type");
    if (y->t <= 0 || y->t >= XT) return krr("type");
    J by = x->t == -KJ ? x->j : x->i, n = y->n;
    K idx = ktn(KJ, n);
    if (!idx) return krr("wsfull");
    for (J i = 0; i < n; i++) kJ(idx)[i] = i - by >= 0 && i - by < n ? i - by : nj;
    K r = eval_index(y, idx);  /* null (out of range) indexes give nulls */
    r0(idx);
    return r;
}

/* fills, prev, next. */
K prim_fills(K x)
{
    if (x->t <= 0 || x->t >= XT) return r1(x);
    K r = k_copy(x);
    int w = k_item_size(x->t);
    J last = -1;
    for (J i = 0; i < r->n; i++) {
        if (prim_is_null_item(r, i)) { if (last >= 0) memcpy(kG(r) + i * w, kG(r) + last * w, (size_t)w); }
        else last = i;
    }
    return r;
}

static K list_shift(K x, int forward)
{
    if (x->t < 0 || x->t >= XT) return r1(x);
    J n = x->n;
    K r = ktn(0, n);
    if (!r) return krr("wsfull");
    for (J i = 0; i < n; i++) {
        J from = forward ? i + 1 : i - 1;
        K idx = kj(from);
        K item = idx ? eval_index(x, idx) : krr("wsfull");
        r0(idx);
        if (IS_ERR(item)) { r->n = i; r0(r); return item; }
        kK(r)[i] = item;
    }
    if (x->t > 0) {
        K v = ktn(x->t, n);
        if (!v) { r0(r); return krr("wsfull"); }
        int w = k_item_size(x->t);
        for (J i = 0; i < n; i++) memcpy(kG(v) + i * w, &kK(r)[i]->g, (size_t)w);
        r0(r);
        return v;
    }
    return r;
}

K prim_prev(K x) { return list_shift(x, 0); }
K prim_next(K x) { return list_shift(x, 1); }
