/* table.c: table and keyed-table keywords (q-subset.md §3.14): meta, keys, xcol, xcols,
 * xkey, xasc, xdesc, insert/upsert (appending in place to unshared columns: the RDB's
 * hot path), ungroup, xgroup and keyed-table indexing. Joins are join.c's; qSQL is
 * qsql*.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"
#include "prim_fns.h"
#include "prim_int.h"
#include "table.h"

#include <string.h>

#define TABLE_TYPE_CHARS " bg xhijefcspmdznuvt"

int table_is_keyed(K x)
{
    return x->t == XD && kK(x)[0]->t == XT && kK(x)[1]->t == XT;
}

K table_column(K t, S name)
{
    K names = kK(t->k)[0];
    for (J c = 0; c < names->n; c++) if (kS(names)[c] == name) return kK(kK(t->k)[1])[c];
    return NULL;
}

K table_rows(K t, K idx)
{
    K cols = kK(t->k)[1], out = ktn(0, cols->n);
    for (J c = 0; c < cols->n; c++) kK(out)[c] = qsql_gather(kK(cols)[c], idx);
    K r = xT(xD(r1(kK(t->k)[0]), out));
    return r ? r : krr("length");
}

/* A table value from x (a global when x is a symbol); keyed tables stay keyed. New. */
static K table_value(K x)
{
    if (x->t != -KS) return r1(x);
    K v = eval_global_get(x->s);
    return v ? v : krr(x->s);
}

/* Store r under the symbol x (in place forms) and return x; else return r. */
static K table_result(K x, K r)
{
    if (IS_ERR(r) || x->t != -KS) return r;
    if (eval_global_set(x->s, r)) return krr("wsfull");
    return r1(x);
}

static K table_plain(K v, J *nkeys)
{
    *nkeys = 0;
    if (table_is_keyed(v)) {
        *nkeys = kK(kK(v)[0]->k)[0]->n;
        return ktd(v);
    }
    if (v->t != XT) { r0(v); return krr("type"); }
    return v;
}

static char table_type_char(K col)
{
    if (col->t > 0 && col->t < 20) return TABLE_TYPE_CHARS[col->t];
    if (col->t == 0 && col->n) {
        K first = kK(col)[0];
        if (first->t > 0 && first->t < 20) return (char)(TABLE_TYPE_CHARS[first->t] - 'a' + 'A');
    }
    return ' ';
}

K table_meta(K x)
{
    J nkeys;
    K t = table_plain(table_value(x), &nkeys);
    if (IS_ERR(t)) return t;
    K names = kK(t->k)[0], cols = kK(t->k)[1];
    K tc = ktn(KC, cols->n), f = ktn(KS, cols->n), a = ktn(KS, cols->n);
    static const char *const attrs[] = { "", "s", "u", "p", "g" };
    for (J c = 0; c < cols->n; c++) {
        K col = kK(cols)[c];
        kC(tc)[c] = (G)table_type_char(col);
        kS(f)[c] = ss("");
        kS(a)[c] = ss(col->t >= 0 && col->a <= K_ATTR_GROUPED ? attrs[col->a] : "");
    }
    K kn = ktn(KS, 1);
    kS(kn)[0] = ss("c");
    K keyt = xT(xD(kn, knk(1, r1(names))));
    K vn = ktn(KS, 3);
    kS(vn)[0] = ss("t"); kS(vn)[1] = ss("f"); kS(vn)[2] = ss("a");
    K valt = xT(xD(vn, knk(3, tc, f, a)));
    r0(t);
    return xD(keyt, valt);
}

K table_keys(K x)
{
    K v = table_value(x);
    if (IS_ERR(v)) return v;
    K r = table_is_keyed(v) ? r1(kK(kK(v)[0]->k)[0]) : v->t == XT ? ktn(KS, 0) : krr("type");
    r0(v);
    return r;
}

/* A symbol vector from a symbol atom or vector, else NULL. New. */
static K table_syms(K x)
{
    if (x->t == -KS) { K r = ktn(KS, 1); kS(r)[0] = x->s; return r; }
    return x->t == KS ? r1(x) : NULL;
}

K table_xcol(K x, K y)
{
    J nkeys;
    K t = table_plain(table_value(y), &nkeys);
    if (IS_ERR(t)) return t;
    K names = k_copy(kK(t->k)[0]);
    if (x->t == XD && kK(x)[0]->t == KS && kK(x)[1]->t == KS) {
        for (J k = 0; k < kK(x)[0]->n; k++)
            for (J c = 0; c < names->n; c++)
                if (kS(names)[c] == kS(kK(x)[0])[k]) kS(names)[c] = kS(kK(x)[1])[k];
    } else {
        K s = table_syms(x);
        if (!s || s->n > names->n) { r0(s); r0(names); r0(t); return krr(s ? "length" : "type"); }
        for (J k = 0; k < s->n; k++) kS(names)[k] = kS(s)[k];
        r0(s);
    }
    K r = xT(xD(names, r1(kK(t->k)[1])));
    r0(t);
    if (!r) return krr("length");
    if (nkeys && !(r = knt(nkeys, r))) return krr("type");
    return table_result(y, r);
}

/* t with columns in order: first, then the rest. Ownership: t borrowed. */
static K table_reorder(K t, K first)
{
    K names = kK(t->k)[0], cols = kK(t->k)[1];
    K nn = ktn(KS, 0), nc = ktn(0, 0);
    for (J k = 0; k < first->n; k++) {
        K col = table_column(t, kS(first)[k]);
        if (!col) { r0(nn); r0(nc); return krr(kS(first)[k]); }
        js(&nn, kS(first)[k]);
        jk(&nc, r1(col));
    }
    for (J c = 0; c < names->n; c++) {
        int seen = 0;
        for (J k = 0; k < first->n; k++) seen |= kS(first)[k] == kS(names)[c];
        if (seen) continue;
        js(&nn, kS(names)[c]);
        jk(&nc, r1(kK(cols)[c]));
    }
    K r = xT(xD(nn, nc));
    return r ? r : krr("length");
}

K table_xcols(K x, K y)
{
    K s = table_syms(x);
    if (!s) return krr("type");
    J nkeys;
    K t = table_plain(table_value(y), &nkeys);
    if (IS_ERR(t)) { r0(s); return t; }
    K r = table_reorder(t, s);
    r0(s);
    r0(t);
    return table_result(y, r);
}

K table_xkey(K x, K y)
{
    K s = table_syms(x);
    if (!s) return krr("type");
    J nkeys;
    K t = table_plain(table_value(y), &nkeys);
    if (IS_ERR(t)) { r0(s); return t; }
    K r = table_reorder(t, s);
    r0(t);
    J n = s->n;
    r0(s);
    if (IS_ERR(r)) return r;
    if (n) r = knt(n, r);
    return table_result(y, r ? r : krr("type"));
}

/* Sort a table by columns (stable, last column first); desc for xdesc. */
static K table_sort(K x, K y, int desc)
{
    K s = table_syms(x);
    if (!s) return krr("type");
    J nkeys;
    K t = table_plain(table_value(y), &nkeys);
    if (IS_ERR(t)) { r0(s); return t; }
    J rows = k_count(t);
    K order = ktn(KJ, rows);
    for (J i = 0; i < rows; i++) kJ(order)[i] = i;
    for (J k = s->n - 1; k >= 0; k--) {
        K col = table_column(t, kS(s)[k]);
        if (!col) { K e = krr(kS(s)[k]); r0(order); r0(s); r0(t); return e; }
        K sub = qsql_gather(col, order);
        K grade = desc ? prim_idesc(sub) : prim_iasc(sub);
        r0(sub);
        if (IS_ERR(grade)) { r0(order); r0(s); r0(t); return grade; }
        K next = qsql_gather(order, grade);
        r0(grade);
        r0(order);
        order = next;
    }
    K r = table_rows(t, order);
    r0(order);
    if (!IS_ERR(r) && !desc && s->n) {
        K col = table_column(r, kS(s)[0]);
        if (col && col->t > 0) col->a = K_ATTR_SORTED;  /* q marks the major sort column */
    }
    r0(s);
    r0(t);
    if (!IS_ERR(r) && nkeys) { r = knt(nkeys, r); if (!r) r = krr("type"); }
    return table_result(y, r);
}

K table_xasc(K x, K y) { return table_sort(x, y, 0); }
K table_xdesc(K x, K y) { return table_sort(x, y, 1); }

K table_keyed_index(K kt, K key)
{
    K keyt = kK(kt)[0], valt = kK(kt)[1];
    K kcols = kK(keyt->k)[1];
    J rows = k_count(keyt);
    K probe;  /* general list of key columns to look up, and whether one row */
    int single = 0;
    if (key->t == XT) probe = r1(kK(key->k)[1]);
    else if (kcols->n == 1 && key->t < 0) { probe = knk(1, prim_enlist(key)); single = 1; }
    else if (kcols->n == 1 && key->t > 0 && key->t < XT) probe = knk(1, r1(key));
    else if (key->t == 0 && key->n == kcols->n) {
        probe = ktn(0, key->n);
        for (J c = 0; c < key->n; c++) kK(probe)[c] = prim_enlist(kK(key)[c]);
        single = 1;
    } else return krr("type");
    if (probe->n != kcols->n) { r0(probe); return krr("length"); }
    K idx = join_find_rows(kcols, probe);  /* hashed: -1 where a key is absent */
    r0(probe);
    if (IS_ERR(idx)) return idx;
    for (J r = 0; r < idx->n; r++) if (kJ(idx)[r] < 0) kJ(idx)[r] = rows;  /* → null row */
    K vnames = kK(valt->k)[0], vcols = kK(valt->k)[1], out = ktn(0, vcols->n);
    for (J c = 0; c < vcols->n; c++) kK(out)[c] = eval_index(kK(vcols)[c], idx);
    r0(idx);
    if (single) {
        for (J c = 0; c < vcols->n; c++) {
            K item = prim_item(kK(out)[c], 0);
            r0(kK(out)[c]);
            kK(out)[c] = item;
        }
        return xD(r1(vnames), prim_squeeze(out));
    }
    K r = xT(xD(r1(vnames), out));
    return r ? r : krr("length");
}

K table_fby(K x, K y)
{
    if (x->t != 0 || x->n != 2 || y->t <= 0 || y->t >= XT) return krr("type");
    K f = kK(x)[0], data = kK(x)[1];
    if (k_count(data) != y->n) return krr("length");
    qsql_groups g;
    K cols = knk(1, r1(y));
    K err = qsql_group(cols, y->n, &g);
    r0(cols);
    if (err) return err;
    err = qsql_group_lists(&g, NULL, y->n);
    if (err) { qsql_groups_free(&g); return err; }
    K out = ktn(0, y->n);
    for (J i = 0; i < y->n; i++) kK(out)[i] = NULL;
    for (J k = 0; k < g.n && !err; k++) {
        K rows = kK(g.lists)[k];
        K part = qsql_gather(data, rows);
        K v = eval_apply(f, &part, 1);
        r0(part);
        if (IS_ERR(v)) { err = v; break; }
        for (J j = 0; j < rows->n; j++) kK(out)[kJ(rows)[j]] = r1(v);
        r0(v);
    }
    qsql_groups_free(&g);
    if (err) {
        for (J i = 0; i < y->n; i++) if (!kK(out)[i]) kK(out)[i] = k_identity();
        r0(out);
        return err;
    }
    return prim_squeeze(out);
}

/* x cross y on lists and atoms: every pair x[i],y[j], i major (raze x,/:\:y). */
static K list_cross(K x, K y)
{
    if (x->t >= XT || y->t >= XT) return krr("type");
    J nx = x->t < 0 ? 1 : x->n, ny = y->t < 0 ? 1 : y->n;
    if (nx && ny > PRIM_MAX_ITEMS / nx) return krr("limit");
    K r = ktn(0, nx * ny);
    if (!r) return krr("wsfull");
    for (J i = 0; i < nx; i++) {
        K a = x->t < 0 ? r1(x) : prim_item(x, i);
        for (J j = 0; j < ny; j++) {
            K b = y->t < 0 ? r1(y) : prim_item(y, j);
            kK(r)[i * ny + j] = prim_join(a, b);
            r0(b);
        }
        r0(a);
    }
    return prim_squeeze(r);
}

K table_cross(K x, K y)
{
    if (x->t != XT && y->t != XT) return list_cross(x, y);
    if (x->t != XT || y->t != XT) return krr("type");
    J nx = k_count(x), ny = k_count(y);
    if (nx && ny > PRIM_MAX_ITEMS / nx) return krr("limit");
    K ix = ktn(KJ, nx * ny), iy = ktn(KJ, nx * ny);
    for (J i = 0; i < nx; i++)
        for (J j = 0; j < ny; j++) { kJ(ix)[i * ny + j] = i; kJ(iy)[i * ny + j] = j; }
    K a = table_rows(x, ix), b = table_rows(y, iy);
    r0(ix); r0(iy);
    K r = IS_ERR(a) || IS_ERR(b) ? krr("length") : join_each(a, b);
    r0(a); r0(b);
    return r;
}
