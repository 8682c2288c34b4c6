/* table_arith.c: arithmetic on dictionaries, tables and keyed tables (q-subset.md §3.3):
 * keys aligned as q aligns them (union of keys, left first; right-only keys appended, and
 * negated for '-'), tables combined column by column. The atomic kernels are prim_arith.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"
#include "prim_fns.h"
#include "prim_list.h"
#include "table.h"

#include <string.h>

#define ARITH_KEEP (-1) /* op for key columns: matched rows keep the left value */

/* r (refcount 1, ours) with items pos[0..m) replaced by the items of v; r may change
 * representation (a general list when v's type differs). Ownership: r consumed, v
 * borrowed; returns new. */
static K arith_amend(K r, const J *pos, K v, J m)
{
    int w = qsql_width(r->t);
    if (r->t > 0 && v->t == r->t && w) {
        for (J j = 0; j < m; j++) memcpy(kG(r) + pos[j] * w, kG(v) + j * w, (size_t)w);
        return r;
    }
    J n = r->n;
    K g = ktn(0, n);
    for (J i = 0; i < n; i++) kK(g)[i] = prim_item(r, i);
    r0(r);
    for (J j = 0; j < m; j++) { r0(kK(g)[pos[j]]); kK(g)[pos[j]] = prim_item(v, j); }
    return prim_squeeze(g);
}

/* xv with rows at[j] >= 0 replaced by op(xv[at[j]], yv[j]) and the rows of yv with
 * at[j] < 0 appended, negated when op is '-' (q's rule for right-only keys).
 * Ownership: all borrowed; returns new (or a q error). */
static K arith_combine(int op, K xv, K yv, K at)
{
    J ny = at->n, m = 0;
    const J *ap = kJ(at);
    for (J j = 0; j < ny; j++) m += ap[j] >= 0;
    K xrow = ktn(KJ, m), yrow = ktn(KJ, m), ynew = ktn(KJ, ny - m);
    for (J j = 0, a = 0, b = 0; j < ny; j++) {
        if (ap[j] >= 0) { kJ(xrow)[a] = ap[j]; kJ(yrow)[a++] = j; }
        else kJ(ynew)[b++] = j;
    }
    K r = k_copy(xv), err = NULL;
    if (m && op != ARITH_KEEP) {
        K a = prim_list_select(xv, kJ(xrow), m), b = prim_list_select(yv, kJ(yrow), m);
        K v = prim_arith(op, a, b);
        r0(a); r0(b);
        if (IS_ERR(v)) err = v;
        else { r = arith_amend(r, kJ(xrow), v, m); r0(v); }
    }
    K out = err;
    if (!err) {
        K add = prim_list_select(yv, kJ(ynew), ynew->n);
        if (op == PRIM_OP_MINUS && ynew->n) { K neg = prim_neg(add); r0(add); add = neg; }
        out = IS_ERR(add) ? add : prim_join(r, add);
        if (!IS_ERR(add)) r0(add);
    }
    r0(r); r0(xrow); r0(yrow); r0(ynew);
    return out;
}

/* The row of x holding each key of y, or -1: keys are lists. Ownership: new. */
static K arith_key_rows(K kx, K ky)
{
    K f = prim_find(kx, ky);
    if (IS_ERR(f)) return f;
    if (f->t != KJ) { r0(f); return krr("type"); }
    J nx = prim_list_count(kx);
    for (J j = 0; j < f->n; j++) if (kJ(f)[j] >= nx) kJ(f)[j] = -1;
    return f;
}

/* Combine the columns of tables x and y by name, in x's order: each pair with f.
 * at is NULL for plain tables (same count). Ownership: borrowed; returns new table. */
static K arith_columns(int op, K x, K y, K at)
{
    K names = kK(x->k)[0], xcols = kK(x->k)[1];
    if (kK(y->k)[0]->n != names->n) return krr("mismatch");
    K cols = ktn(0, names->n);
    for (J c = 0; c < names->n; c++) {
        K yc = table_column(y, kS(names)[c]);
        K v = !yc ? krr("mismatch") : at ? arith_combine(op, kK(xcols)[c], yc, at)
            : prim_arith(op, kK(xcols)[c], yc);
        if (IS_ERR(v)) { for (J d = c; d < names->n; d++) kK(cols)[d] = k_identity(); r0(cols); return v; }
        kK(cols)[c] = v;
    }
    K t = xT(xD(r1(names), cols));
    return t ? t : krr("length");
}

/* kt1 op kt2: the dictionary rule on key rows, applied to every value column. */
static K arith_keyed(int op, K x, K y)
{
    K xkeys = kK(x)[0], ykeys = kK(y)[0];
    K xnames = kK(xkeys->k)[0];
    if (kK(ykeys->k)[0]->n != xnames->n) return krr("mismatch");
    for (J c = 0; c < xnames->n; c++) if (!table_column(ykeys, kS(xnames)[c])) return krr("mismatch");
    K probe = ktn(0, xnames->n);
    for (J c = 0; c < xnames->n; c++) kK(probe)[c] = r1(table_column(ykeys, kS(xnames)[c]));
    K at = join_find_rows(kK(xkeys->k)[1], probe);
    r0(probe);
    if (IS_ERR(at)) return at;
    K keys = arith_columns(ARITH_KEEP, xkeys, ykeys, at);
    K vals = IS_ERR(keys) ? NULL : arith_columns(op, kK(x)[1], kK(y)[1], at);
    r0(at);
    if (IS_ERR(keys)) return keys;
    if (IS_ERR(vals)) { r0(keys); return vals; }
    return xD(keys, vals);
}

/* d1 op d2 (keys need not match), kt1 op kt2, t1 op t2. */
static K arith_pair(int op, K x, K y)
{
    if (x->t == XT && y->t == XT) {
        if (k_count(x) != k_count(y)) return krr("length");
        return arith_columns(op, x, y, NULL);
    }
    if (x->t != XD || y->t != XD) return krr("type");
    if (k_match(kK(x)[0], kK(y)[0])) {
        K v = prim_arith(op, kK(x)[1], kK(y)[1]);
        return IS_ERR(v) ? v : xD(r1(kK(x)[0]), v);
    }
    int x_keyed = table_is_keyed(x), y_keyed = table_is_keyed(y);
    if (x_keyed != y_keyed) return krr("type");
    if (x_keyed) return arith_keyed(op, x, y);
    if (kK(x)[0]->t == XT || kK(y)[0]->t == XT) return krr("type");
    K at = arith_key_rows(kK(x)[0], kK(y)[0]);
    if (IS_ERR(at)) return at;
    K keys = arith_combine(ARITH_KEEP, kK(x)[0], kK(y)[0], at);
    K vals = IS_ERR(keys) ? NULL : arith_combine(op, kK(x)[1], kK(y)[1], at);
    r0(at);
    if (IS_ERR(keys)) return keys;
    if (IS_ERR(vals)) { r0(keys); return vals; }
    return xD(keys, vals);
}

K table_arith(int op, K x, K y)
{
    int xd = x->t == XD || x->t == XT, yd = y->t == XD || y->t == XT;
    if (xd && yd) return arith_pair(op, x, y);
    if (x->t == XT || y->t == XT) {
        K t = x->t == XT ? x : y, o = x->t == XT ? y : x;
        K d = t->k;
        K vals = ktn(0, kK(d)[1]->n);
        for (J c = 0; c < vals->n; c++) {
            K col = kK(kK(d)[1])[c];
            K v = x->t == XT ? prim_arith(op, col, o) : prim_arith(op, o, col);
            if (IS_ERR(v)) { vals->n = c; r0(vals); return v; }
            kK(vals)[c] = v;
        }
        K tab = xT(xD(r1(kK(d)[0]), vals));
        return tab ? tab : krr("length");
    }
    K d = x->t == XD ? x : y;
    K v = x->t == XD ? prim_arith(op, kK(x)[1], y) : prim_arith(op, x, kK(y)[1]);
    return IS_ERR(v) ? v : xD(r1(kK(d)[0]), v);
}
