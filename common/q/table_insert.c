/* table_insert.c: insert and upsert (q-subset.md §3.14), ungroup and xgroup. A symbol
 * names a global table that is appended to in place: its unshared columns grow with
 * jv (amortised, no copy of the existing rows), as the RDB's upd needs. Other table
 * keywords are table.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"
#include "prim_fns.h"
#include "table.h"

#include <string.h>

/* The values of x (rows to add) lined up with the columns names: a general list of one
 * vector per column, *rows set. Tables and dictionaries match columns by name (missing
 * ones become nulls of the column's type); lists match by position. New, or error. */
static K insert_columns(K names, K cols, K x, J *rows)
{
    J nc = names->n;
    K out = ktn(0, nc);
    if (!out) return krr("wsfull");
    for (J c = 0; c < nc; c++) kK(out)[c] = NULL;
    K src_names = NULL, src_vals = NULL, plain = NULL;
    if (table_is_keyed(x)) { plain = ktd(r1(x)); x = plain; }
    if (x->t == 0 && x->n && nc > 1) {
        /* a list of records ((`a;1);(`b;2)) rather than a list of columns */
        int records = 1;
        for (J i = 0; i < x->n && records; i++)
            records = kK(x)[i]->t == 0 && kK(x)[i]->n == nc;
        if (records) { plain = prim_flip(x); x = plain; }
    }
    if (x->t == XT) { src_names = kK(x->k)[0]; src_vals = kK(x->k)[1]; }
    else if (x->t == XD && kK(x)[0]->t == KS) { src_names = kK(x)[0]; src_vals = kK(x)[1]; }
    J len = -1;
    K err = NULL;
    for (J c = 0; c < nc && !err; c++) {
        K v = NULL;
        if (src_names) {
            for (J k = 0; k < src_names->n; k++)
                if (kS(src_names)[k] == kS(names)[c]) v = prim_item(src_vals, k);
        } else if (x->t >= 0 && x->t < XT && k_count(x) == nc) {
            v = prim_item(x, c);
        } else if (nc == 1 && x->t < 0) {
            v = r1(x);
        } else {
            err = krr("length");
            break;
        }
        kK(out)[c] = v;
        if (v && v->t >= 0 && v->t < XT) {
            if (len >= 0 && v->n != len) err = krr("length");
            len = v->n;
        }
    }
    if (len < 0) len = 1;
    for (J c = 0; c < nc && !err; c++) {
        K v = kK(out)[c];
        if (!v) {
            K col = kK(cols)[c];
            K null = col->t > 0 ? prim_null_of(col->t) : ktn(0, 0);
            K cnt = kj(len);
            kK(out)[c] = col->t > 0 ? prim_take(cnt, null) : ktn(0, 0);
            if (col->t <= 0) for (J r = 0; r < len; r++) jk(&kK(out)[c], ktn(0, 0));
            r0(cnt); r0(null);
        } else if (v->t < 0 || v->t >= XT) {
            kK(out)[c] = prim_enlist(v);
            r0(v);
        }
    }
    if (plain) r0(plain);
    if (err) {
        for (J c = 0; c < nc; c++) if (!kK(out)[c]) kK(out)[c] = k_identity();
        r0(out);
        return err;
    }
    *rows = len;
    return out;
}

/* Can v (a vector) be appended to col? An empty general column takes any type. */
static int insert_fits(K col, K v)
{
    if (col->t == 0) return 1;
    return v->t == col->t;
}

/* Append v's items to *colp (in place when unshared). Keeps `g# and checks `s#
 * (q keeps a sorted attribute only while the column stays sorted); drops `u# `p#. */
static void insert_append(K *colp, K v)
{
    K col = *colp;
    if (col->t == 0 && col->n == 0 && v->t > 0) {
        r0(col);
        *colp = k_copy(v);
        (*colp)->a = K_ATTR_NONE;
        return;
    }
    if (col->r || col->m != K_MEM_HEAP) {   /* shared or file-mapped: append to a copy */
        K copy = k_copy(col);
        copy->a = col->a;
        r0(col);
        col = copy;
    }
    int attr = col->a;
    J before = col->n;
    if (col->t == 0) for (J i = 0; i < v->n; i++) jk(&col, prim_item(v, i));
    else jv(&col, v);
    if (attr == K_ATTR_SORTED && before && v->n) {
        K a = prim_item(col, before - 1), b = prim_item(col, before);
        K le = prim_arith(PRIM_OP_LE, a, b);
        int ok = !IS_ERR(le) && le->g;
        r0(a); r0(b); r0(le);
        for (J i = before + 1; ok && i < col->n; i++) {
            a = prim_item(col, i - 1); b = prim_item(col, i);
            le = prim_arith(PRIM_OP_LE, a, b);
            ok = !IS_ERR(le) && le->g;
            r0(a); r0(b); r0(le);
        }
        col->a = ok ? K_ATTR_SORTED : K_ATTR_NONE;
    } else if (attr != K_ATTR_GROUPED) {
        col->a = K_ATTR_NONE;
    } else {
        col->a = K_ATTR_GROUPED;
    }
    *colp = col;
}

/* Append rows x to table t (borrowed dictionary of an unshared table). Returns the new
 * row numbers, or an error with t unchanged. */
static K insert_plain(K t, K x)
{
    K names = kK(t->k)[0];
    K *cols = &kK(t->k)[1];
    J rows;
    K add = insert_columns(names, *cols, x, &rows);
    if (IS_ERR(add)) return add;
    for (J c = 0; c < names->n; c++)
        if (!insert_fits(kK(*cols)[c], kK(add)[c])) { r0(add); return krr("type"); }
    for (J c = 0; c < names->n; c++)  /* an enumerated column takes only its domain */
        if (!prim_enum_fits(kK(*cols)[c], kK(add)[c])) { r0(add); return krr("cast"); }
    if ((*cols)->r) {
        K copy = k_copy(*cols);
        if (!copy) { r0(add); return krr("wsfull"); }
        r0(*cols);
        *cols = copy;
    }
    J before = names->n ? k_count(kK(*cols)[0]) : 0;
    for (J c = 0; c < names->n; c++) insert_append(&kK(*cols)[c], kK(add)[c]);
    r0(add);
    K r = ktn(KJ, rows);
    if (!r) return krr("wsfull");
    for (J i = 0; i < rows; i++) kJ(r)[i] = before + i;
    return r;
}

/* Make v's table storage (the column dictionary and its list) unshared. */
static K insert_unshare(K v)
{
    if (v->r) { K c = k_copy(v); r0(v); v = c; }
    if (v->k->r) { K d = k_copy(v->k); r0(v->k); v->k = d; }
    return v;
}

/* Split x for a keyed table with nk key columns into key rows and value rows. */
static K insert_keyed(K kt, K x, K *keyrows)
{
    K keyt = kK(kt)[0], valt = kK(kt)[1];
    J nk = kK(keyt->k)[0]->n, nv = kK(valt->k)[0]->n;
    K all = ktn(KS, 0);
    jv(&all, kK(keyt->k)[0]);
    jv(&all, kK(valt->k)[0]);
    K allcols = ktn(0, 0);
    for (J c = 0; c < nk; c++) jk(&allcols, r1(kK(kK(keyt->k)[1])[c]));
    for (J c = 0; c < nv; c++) jk(&allcols, r1(kK(kK(valt->k)[1])[c]));
    J rows;
    K add = insert_columns(all, allcols, x, &rows);
    r0(allcols);
    if (IS_ERR(add)) { r0(all); return add; }
    K kn = ktn(KS, nk), vn = ktn(KS, nv), kc = ktn(0, nk), vc = ktn(0, nv);
    for (J c = 0; c < nk; c++) { kS(kn)[c] = kS(all)[c]; kK(kc)[c] = r1(kK(add)[c]); }
    for (J c = 0; c < nv; c++) { kS(vn)[c] = kS(all)[nk + c]; kK(vc)[c] = r1(kK(add)[nk + c]); }
    r0(all);
    r0(add);
    *keyrows = xT(xD(kn, kc));
    K vals = xT(xD(vn, vc));
    if (!*keyrows || !vals) {
        if (*keyrows) r0(*keyrows);
        if (vals) r0(vals);
        *keyrows = NULL;
        return krr("length");
    }
    return vals;
}

K table_insert(K x, K y)
{
    if (x->t != -KS) return krr("type");
    K v = eval_global_peek(eval_namespace(), x->s);
    if (!v) {
        if (y->t != XT && !table_is_keyed(y)) return krr("type");
        if (eval_global_set(x->s, r1(y))) return krr("wsfull");
        J n = k_count(y->t == XT ? y : kK(y)[0]);
        K r = ktn(KJ, n);
        for (J i = 0; i < n; i++) kJ(r)[i] = i;
        return r;
    }
    v = r1(v);
    if (table_is_keyed(v)) {
        K keyrows, valrows = insert_keyed(v, y, &keyrows);
        if (IS_ERR(valrows)) { r0(v); return valrows; }
        /* keys must be new (q signals 'insert for an existing key) */
        K found = table_keyed_index(v, keyrows);
        int clash = 0;
        if (!IS_ERR(found)) {
            K fc = kK(kK(found->k)[1])[0];
            for (J i = 0; fc && i < fc->n; i++) clash |= !prim_is_null_item(fc, i);
        }
        r0(found);
        if (clash) { r0(keyrows); r0(valrows); r0(v); return krr("insert"); }
        K keyt = insert_unshare(r1(kK(v)[0])), valt = insert_unshare(r1(kK(v)[1]));
        K r = insert_plain(keyt, keyrows);
        K r2 = IS_ERR(r) ? NULL : insert_plain(valt, valrows);
        r0(keyrows); r0(valrows);
        if (r2 && IS_ERR(r2)) { r0(r); r = r2; r2 = NULL; }
        if (!IS_ERR(r)) {
            K nv = xD(keyt, valt);
            r0(v);
            if (eval_global_set(x->s, nv)) { r0(r); r0(r2); return krr("wsfull"); }
        } else { r0(keyt); r0(valt); r0(v); }
        if (r2) r0(r2);
        return r;
    }
    if (v->t != XT) { r0(v); return krr("type"); }
    /* in place when the global holds the only reference (v->r is 1 with ours) */
    if (v->r == 1) {
        r0(v);
        v = eval_global_peek(eval_namespace(), x->s);
        if (v->k->r) { K d = k_copy(v->k); r0(v->k); v->k = d; }
        return insert_plain(v, y);
    }
    v = insert_unshare(v);
    K r = insert_plain(v, y);
    if (IS_ERR(r)) { r0(v); return r; }
    if (eval_global_set(x->s, v)) { r0(r); return krr("wsfull"); }
    return r;
}

/* upsert on a value: keyed tables replace matching keys, others append. */
static K upsert_value(K t, K y)
{
    if (!table_is_keyed(t)) {
        if (t->t != XT) return krr("type");
        K v = insert_unshare(r1(t));
        K r = insert_plain(v, y);
        if (IS_ERR(r)) { r0(v); return r; }
        r0(r);
        return v;
    }
    K keyrows, valrows = insert_keyed(t, y, &keyrows);
    if (IS_ERR(valrows)) return valrows;
    K keyt = insert_unshare(r1(kK(t)[0])), valt = insert_unshare(r1(kK(t)[1]));
    J rows = k_count(keyrows), nv = kK(valt->k)[0]->n;
    K err = NULL;
    for (J i = 0; i < rows && !err; i++) {
        K one = ktn(KJ, 1);
        kJ(one)[0] = i;
        K krow = table_rows(keyrows, one), vrow = table_rows(valrows, one);
        r0(one);
        K probe = xD(r1(keyt), r1(valt));
        K at = NULL;
        /* row number of the key, or the count when absent */
        J rowsk = k_count(keyt), found = rowsk;
        K kcols = kK(keyt->k)[1], pcols = kK(krow->k)[1];
        for (J r = 0; r < rowsk && found == rowsk; r++) {
            int eq = 1;
            for (J c = 0; c < kcols->n && eq; c++) {
                K a = prim_item(kK(kcols)[c], r), b = prim_item(kK(pcols)[c], 0);
                eq = k_match(a, b);
                r0(a); r0(b);
            }
            if (eq) found = r;
        }
        r0(probe);
        (void)at;
        if (found == rowsk) {
            K r1v = insert_plain(keyt, krow);
            if (IS_ERR(r1v)) err = r1v; else r0(r1v);
            if (!err) { K r2v = insert_plain(valt, vrow); if (IS_ERR(r2v)) err = r2v; else r0(r2v); }
        } else {
            K vc = kK(valt->k)[1];
            if (vc->r) { K c = k_copy(vc); r0(vc); kK(valt->k)[1] = vc = c; }
            for (J c = 0; c < nv && !err; c++) {
                K col = kK(vc)[c], item = prim_item(kK(kK(vrow->k)[1])[c], 0);
                if (col->r) { K cp = k_copy(col); r0(col); kK(vc)[c] = col = cp; }
                K idx = kj(found);
                K nc = eval_amend(r1(col), &idx, 1, NULL, item);
                r0(idx); r0(item);
                if (IS_ERR(nc)) { err = nc; break; }
                r0(kK(vc)[c]);
                kK(vc)[c] = nc->t == 0 ? prim_squeeze(nc) : nc;
            }
        }
        r0(krow); r0(vrow);
    }
    r0(keyrows); r0(valrows);
    if (err) { r0(keyt); r0(valt); return err; }
    return xD(keyt, valt);
}

K table_upsert(K x, K y)
{
    if (x->t != -KS) return upsert_value(x, y);
    K v = eval_global_get(x->s);
    if (!v) return table_insert(x, y);
    K r = upsert_value(v, y);
    r0(v);
    if (IS_ERR(r)) return r;
    if (eval_global_set(x->s, r)) return krr("wsfull");
    return r1(x);
}

K table_ungroup(K x)
{
    J nkeys = 0;
    K t = table_is_keyed(x) ? ktd(r1(x)) : r1(x);
    if (t->t != XT) { r0(t); return krr("type"); }
    (void)nkeys;
    K names = kK(t->k)[0], cols = kK(t->k)[1];
    J rows = k_count(t);
    K idx = ktn(KJ, 0), lens = ktn(KJ, rows);
    for (J r = 0; r < rows; r++) {
        J len = 1;
        for (J c = 0; c < cols->n; c++) {
            K col = kK(cols)[c];
            if (col->t == 0) { len = k_count(kK(col)[r]); break; }
        }
        kJ(lens)[r] = len;
        for (J k = 0; k < len; k++) ja(&idx, &r);
    }
    K out = ktn(0, cols->n);
    for (J c = 0; c < cols->n; c++) {
        K col = kK(cols)[c];
        if (col->t != 0) { kK(out)[c] = qsql_gather(col, idx); continue; }
        K parts = ktn(0, 0);
        for (J r = 0; r < rows; r++) jk(&parts, r1(kK(col)[r]));
        kK(out)[c] = prim_raze(parts);
        r0(parts);
    }
    r0(idx); r0(lens);
    K r = xT(xD(r1(names), out));
    r0(t);
    return r ? r : krr("length");
}

K table_xgroup(K x, K y)
{
    K s = x->t == -KS ? NULL : r1(x);
    if (x->t == -KS) { s = ktn(KS, 1); kS(s)[0] = x->s; }
    if (s->t != KS || y->t != XT) { r0(s); return krr("type"); }
    K names = kK(y->k)[0];
    K an = ktn(KS, 0), at = ktn(0, 0);
    for (J c = 0; c < names->n; c++) {
        int key = 0;
        for (J k = 0; k < s->n; k++) key |= kS(s)[k] == kS(names)[c];
        if (key) continue;
        js(&an, kS(names)[c]);
        jk(&at, ks(kS(names)[c]));
    }
    K bt = ktn(0, s->n);
    for (J k = 0; k < s->n; k++) kK(bt)[k] = ks(kS(s)[k]);
    K args[4] = { y, ktn(0, 0), xD(r1(s), bt), xD(an, at) };
    K r = qsql_query(NULL, args, 4);
    r0(args[1]); r0(args[2]); r0(args[3]); r0(s);
    return r;
}
