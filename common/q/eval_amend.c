/* eval_amend.c: Amend and indexed assignment (q-subset.md §2.13, §3.7): @[d;i;f;y],
 * .[d;path;f;y], a[i]:y, a[i]+:y — on lists, vectors (type kept), dictionaries (new keys
 * appended) and table columns. Application is eval_apply.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "eval_int.h"
#include "prim_fns.h"

#include <string.h>

#define EVAL_MAX_PATH 8

/* The new value of one item. Ownership: old, f, y borrowed; returns new. */
static K amend_combine(K old, K f, K y)
{
    if (!f || (f->t == K_BINARY && f->g == PRIM_OP_COLON)) return r1(y);
    if (!y) return eval_apply1(f, old);
    return eval_apply2(f, old, y);
}

/* Store v (consumed) at position i of list d (consumed); returns d or an error. */
static K amend_store(K d, J i, K v)
{
    if (d->t == 0) {
        d = k_unshare(d);
        r0(kK(d)[i]);
        kK(d)[i] = v;
        return d;
    }
    if (v->t != -d->t) { r0(v); r0(d); return krr("type"); }
    if (!prim_enum_fits(d, v)) {
        r0(v); r0(d);  /* an enumeration takes only symbols of its domain */
        return krr("cast");
    }
    d = k_unshare(d);
    int w = k_item_size(d->t);
    memcpy(kG(d) + i * w, k_atom_bytes(v), (size_t)w);
    if (d->a) d->a = K_ATTR_NONE;
    r0(v);
    return d;
}

static J amend_int(K i)
{
    switch (-i->t) {
    case KJ: return i->j;
    case KI: return i->i;
    case KH: return i->h;
    case KB: case KG: return i->g;
    default: return -1;
    }
}

static K amend_dict(K d, K *idx, int n, K f, K y)
{
    K keys = kK(d)[0], vals = kK(d)[1];
    K key = idx[0];
    J at = keys->n;
    for (J j = 0; j < keys->n; j++) {
        K item = prim_item(keys, j);
        int m = k_match(item, key);
        r0(item);
        if (m) { at = j; break; }
    }
    K old = at < keys->n ? prim_item(vals, at) : (vals->t > 0 ? prim_null_of(vals->t) : ktn(0, 0));
    K nv = n > 1 ? eval_amend(old, idx + 1, n - 1, f, y) : amend_combine(old, f, y);
    if (n == 1) r0(old);
    if (IS_ERR(nv)) { r0(d); return nv; }
    K nk = r1(keys), nvals = r1(vals);
    r0(d);
    if (at < nk->n) {
        nvals = amend_store(nvals, at, nv);
        if (IS_ERR(nvals)) { r0(nk); return nvals; }
        return xD(nk, nvals);
    }
    nk = k_unshare(nk);
    if (nk->t == KS && key->t == -KS) js(&nk, key->s);
    else if (nk->t == -key->t) ja(&nk, &key->g);
    else { r0(nk); r0(nvals); r0(nv); return krr("type"); }
    nvals = k_unshare(nvals);
    if (nvals->t == 0) jk(&nvals, nv);
    else if (nvals->t == -nv->t) { ja(&nvals, &nv->g); r0(nv); }
    else { r0(nk); r0(nvals); r0(nv); return krr("type"); }
    return xD(nk, nvals);
}

K eval_amend(K d, K *idx, int n, K f, K y)
{
    if (n == 0 || idx[0] == k_identity() || eval_is_hole(idx[0])) {
        if (n > 1) {
            if (n > EVAL_MAX_PATH || d->t < 0 || d->t >= XT) { r0(d); return krr("rank"); }
            K path[EVAL_MAX_PATH];
            for (int p = 1; p < n; p++) path[p] = idx[p];
            for (J k = 0, cnt = d->n; k < cnt && !IS_ERR(d); k++) {
                path[0] = kj(k);
                d = eval_amend(d, path, n, f, y);
                r0(path[0]);
            }
            return d;
        }
        K r = amend_combine(d, f, y);
        r0(d);
        return r;
    }
    K i = idx[0];
    if (d->t == XT && (i->t == -KS || i->t == KS)) {
        K dict = r1(d->k);
        r0(d);
        K nd = eval_amend(dict, idx, n, f, y);
        if (IS_ERR(nd)) return nd;
        K t = xT(nd);
        return t ? t : krr("length");
    }
    if (d->t == XD && (i->t < 0 || kK(d)[0]->t == 0)) return amend_dict(d, idx, n, f, y);
    if (i->t >= 0 && i->t < XT) {
        J m = i->n;
        int spread = y && y->t >= 0 && y->t < XT;
        if (spread && y->n != m) { r0(d); return krr("length"); }
        for (J k = 0; k < m; k++) {
            K ik = prim_item(i, k);
            K yk = spread ? prim_item(y, k) : (y ? r1(y) : NULL);
            K path[EVAL_MAX_PATH];
            if (n > EVAL_MAX_PATH) { r0(ik); r0(yk); r0(d); return krr("rank"); }
            path[0] = ik;
            for (int p = 1; p < n; p++) path[p] = idx[p];
            d = eval_amend(d, path, n, f, yk);
            r0(ik);
            r0(yk);
            if (IS_ERR(d)) return d;
        }
        return d;
    }
    if (d->t == XD) return amend_dict(d, idx, n, f, y);
    if (d->t < 0 || d->t >= XT) { r0(d); return krr("type"); }
    J at = amend_int(i);
    if (i->t >= 0 || (i->t != -KJ && i->t != -KI && i->t != -KH && i->t != -KB && i->t != -KG)) {
        r0(d);
        return krr("type");
    }
    if (at < 0 || at >= d->n) { r0(d); return krr("index"); }
    K old = prim_item(d, at);
    K nv = n > 1 ? eval_amend(old, idx + 1, n - 1, f, y) : amend_combine(old, f, y);
    if (n == 1) r0(old);
    if (IS_ERR(nv)) { r0(d); return nv; }
    d = amend_store(d, at, nv);
    return d;
}

K eval_amend_path(K d, K path, K f, K y)
{
    if (path->t == 0 && path->n == 0) return eval_amend(d, NULL, 0, f, y);
    if (path->t < 0) return eval_amend(d, &path, 1, f, y);
    if (path->n > EVAL_MAX_PATH) { r0(d); return krr("rank"); }
    K idx[EVAL_MAX_PATH];
    for (J k = 0; k < path->n; k++) idx[k] = prim_item(path, k);
    K r = eval_amend(d, idx, (int)path->n, f, y);
    for (J k = 0; k < path->n; k++) r0(idx[k]);
    return r;
}
