/* prim_agg.c: unary atomic maths (neg abs floor sqrt … not null) and the aggregates and
 * running functions of q-subset.md §3.9–3.13 (sum max avg sums deltas med …), plus div,
 * mod, xbar and the moving/weighted forms. Vectors are handled as long or float arrays.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef K (*agg_vec_fn)(K x);

/* Map a unary function over general lists, dictionaries and tables (atomic extension). */
static K agg_map(K x, agg_vec_fn fn)
{
    if (x->t == XD) {
        K v = fn(kK(x)[1]);
        return IS_ERR(v) ? v : xD(r1(kK(x)[0]), v);
    }
    if (x->t == XT) {
        K v = agg_map(x->k, fn);
        if (IS_ERR(v)) return v;
        K t = xT(v);
        return t ? t : krr("type");
    }
    K r = ktn(0, x->n);
    for (J i = 0; i < x->n; i++) {
        K v = fn(kK(x)[i]);
        if (IS_ERR(v)) { r->n = i; r0(r); return v; }
        kK(r)[i] = v;
    }
    return prim_squeeze(r);
}

static int agg_type(K x) { return x->t < 0 ? -x->t : x->t; }
static int agg_is_mappable(K x) { return x->t == 0 || x->t == XD || x->t == XT; }

/* A float-valued atomic function. */
static K agg_float_fn(K x, F (*fn)(F), agg_vec_fn self)
{
    if (agg_is_mappable(x)) return agg_map(x, self);
    K f = prim_to_float(x);
    if (!f) return krr("type");
    f = k_unshare(f);
    if (f->t < 0) f->f = fn(f->f);
    else { F *p = kF(f); for (J i = 0, n = f->n; i < n; i++) p[i] = fn(p[i]); }
    return f;
}

static F agg_sqrt(F v) { return v < 0 ? nf : sqrt(v); }
static F agg_log(F v) { return v < 0 ? nf : log(v); }
static F agg_recip(F v) { return 1.0 / v; }
K prim_sqrt(K x) { return agg_float_fn(x, agg_sqrt, prim_sqrt); }
K prim_exp(K x) { return agg_float_fn(x, exp, prim_exp); }
K prim_log(K x) { return agg_float_fn(x, agg_log, prim_log); }
K prim_cos(K x) { return agg_float_fn(x, cos, prim_cos); }
K prim_sin(K x) { return agg_float_fn(x, sin, prim_sin); }
K prim_acos(K x) { return agg_float_fn(x, acos, prim_acos); }
K prim_asin(K x) { return agg_float_fn(x, asin, prim_asin); }
K prim_tan(K x) { return agg_float_fn(x, tan, prim_tan); }
K prim_atan(K x) { return agg_float_fn(x, atan, prim_atan); }
K prim_reciprocal(K x) { return agg_float_fn(x, agg_recip, prim_reciprocal); }

/* Integral atomic function computed on longs; b/x (and h unless keep_small) give int. */
static K agg_long_fn(K x, J (*fn)(J), int keep_small, agg_vec_fn self)
{
    if (agg_is_mappable(x)) return agg_map(x, self);
    int t = agg_type(x);
    if (t == KF || t == KE) return krr("type");
    K j = prim_to_long(x);
    if (!j) return krr("type");
    j = k_unshare(j);
    if (j->t < 0) j->j = fn(j->j);
    else { J *p = kJ(j); for (J i = 0, n = j->n; i < n; i++) p[i] = fn(p[i]); }
    int rt = (t == KB || t == KG || (!keep_small && t == KH)) ? KI : t;
    return prim_conv_result(j, rt);
}

static J agg_neg_j(J v) { return (J)(0 - (uint64_t)v); }
static J agg_abs_j(J v) { return v == nj ? nj : v < 0 ? (J)(0 - (uint64_t)v) : v; }

static K agg_float_neg(K x, int absolute)
{
    K f = k_unshare(x->t == KE || x->t == -KE ? k_copy(x) : r1(x));
    if (!f) return krr("wsfull");
    if (f->t == -KE) f->e = absolute ? fabsf(f->e) : -f->e;
    else if (f->t == -KF) f->f = absolute ? fabs(f->f) : -f->f;
    else if (f->t == KE) { E *p = kE(f); for (J i = 0; i < f->n; i++) p[i] = absolute ? fabsf(p[i]) : -p[i]; }
    else { F *p = kF(f); for (J i = 0; i < f->n; i++) p[i] = absolute ? fabs(p[i]) : -p[i]; }
    return f;
}

K prim_neg(K x)
{
    int t = agg_type(x);
    if (!agg_is_mappable(x) && (t == KE || t == KF)) return agg_float_neg(x, 0);
    if (!agg_is_mappable(x) && t == KJ && x->t > 0) {
        K r = ktn(KJ, x->n);
        const J *a = kJ(x);
        J *p = kJ(r);
        for (J i = 0, n = x->n; i < n; i++) p[i] = (J)(0 - (uint64_t)a[i]);
        return r;
    }
    return agg_long_fn(x, agg_neg_j, 1, prim_neg);
}

K prim_abs(K x)
{
    int t = agg_type(x);
    if (!agg_is_mappable(x) && (t == KE || t == KF)) return agg_float_neg(x, 1);
    return agg_long_fn(x, agg_abs_j, 1, prim_abs);
}

static K agg_round(K x, int up, agg_vec_fn self)
{
    if (agg_is_mappable(x)) return agg_map(x, self);
    int t = agg_type(x);
    if (prim_is_integral(t)) return r1(x);
    if (t != KF && t != KE) return krr("type");
    K f = prim_to_float(x);
    K r = f->t < 0 ? ka(-KJ) : ktn(KJ, f->n);
    J n = f->t < 0 ? 1 : f->n;
    const F *a = f->t < 0 ? &f->f : kF(f);
    J *p = r->t < 0 ? &r->j : kJ(r);
    for (J i = 0; i < n; i++) {
        F v = up ? ceil(a[i]) : floor(a[i]);
        p[i] = isnan(v) ? nj : isinf(v) ? (v > 0 ? wj : -wj) : (J)v;
    }
    r0(f);
    return r;
}

K prim_floor(K x) { return agg_round(x, 0, prim_floor); }
K prim_ceiling(K x) { return agg_round(x, 1, prim_ceiling); }

static K agg_bool_map(K x, int want_null, agg_vec_fn self)
{
    if (agg_is_mappable(x)) return agg_map(x, self);
    int t = agg_type(x);
    if (x->t >= K_LAMBDA || x == k_identity()) return kb(want_null && x == k_identity());
    if (!want_null && (t == KS || x->t >= XT)) return krr("type");
    K v = x->t < 0 ? ktn(t, 1) : r1(x);
    if (x->t < 0) memcpy(kG(v), k_atom_bytes(x), (size_t)k_item_size(t));
    K r = ktn(KB, v->n);
    for (J i = 0; i < v->n; i++) {
        if (want_null) kG(r)[i] = (G)prim_is_null_item(v, i);
        else if (t == KE || t == KF) kG(r)[i] = prim_get_f(v, i) == 0;
        else kG(r)[i] = t == KC ? kC(v)[i] == 0 : prim_get_j(v, i) == 0 && !prim_is_null_item(v, i);
    }
    r0(v);
    if (x->t < 0) { K a = kb(kG(r)[0]); r0(r); return a; }
    return r;
}

K prim_null(K x) { return agg_bool_map(x, 1, prim_null); }
K prim_not(K x) { return agg_bool_map(x, 0, prim_not); }

K prim_signum(K x)
{
    if (agg_is_mappable(x)) return agg_map(x, prim_signum);
    K f = prim_to_float(x);
    if (!f) return krr("type");
    J n = f->t < 0 ? 1 : f->n;
    K r = f->t < 0 ? ka(-KI) : ktn(KI, n);
    const F *a = f->t < 0 ? &f->f : kF(f);
    I *p = r->t < 0 ? &r->i : kI(r);
    for (J i = 0; i < n; i++) p[i] = isnan(a[i]) || a[i] < 0 ? -1 : a[i] > 0;
    r0(f);
    return r;
}

/* ---- aggregates ---- */

/* The type sum/prd give for vector type t (§3.13). */
static int agg_sum_type(int t) { return (t == KB || t == KG || t == KH || t == KI) ? KI : t; }

static K agg_over_list(K x, int op)
{
    if (x->n == 0) return op == PRIM_OP_TIMES ? kj(1) : kj(0);
    K acc = r1(kK(x)[0]);
    for (J i = 1; i < x->n && !IS_ERR(acc); i++) {
        K next = prim_arith(op, acc, kK(x)[i]);
        r0(acc);
        acc = next;
    }
    return acc;
}

K prim_fast_over(int op, K x)
{
    switch (op) {
    case PRIM_OP_PLUS: return prim_sum(x);
    case PRIM_OP_TIMES: return prim_prd(x);
    case PRIM_OP_OR: return x->t == KB ? prim_any(x) : prim_max(x);
    case PRIM_OP_AND: return x->t == KB ? prim_all(x) : prim_min(x);
    default: return NULL;
    }
}

static K agg_sum_prd(K x, int prd)
{
    if (x->t == XD) return agg_sum_prd(kK(x)[1], prd);
    if (x->t == 0) return agg_over_list(x, prd ? PRIM_OP_TIMES : PRIM_OP_PLUS);
    if (x->t < 0) return prim_is_numeric(-x->t) || prim_is_temporal(-x->t) ? r1(x) : krr("type");
    int t = x->t;
    if (!prim_is_numeric(t) && !prim_is_temporal(t)) return krr("type");
    J n = x->n;
    if (t == KF || t == KE) {
        F s = prd ? 1 : 0;
        if (t == KF) {
            const F *a = kF(x);
            if (prd) { for (J i = 0; i < n; i++) if (!isnan(a[i])) s *= a[i]; }
            else { for (J i = 0; i < n; i++) s += isnan(a[i]) ? 0 : a[i]; }
        } else {
            for (J i = 0; i < n; i++) { F v = kE(x)[i]; if (!isnan(v)) s = prd ? s * v : s + v; }
        }
        return t == KE ? ke(s) : kf(s);
    }
    uint64_t s = prd ? 1 : 0;
    if (t == KJ || t == KP || t == KN) {
        const J *a = kJ(x);
        if (prd) { for (J i = 0; i < n; i++) if (a[i] != nj) s *= (uint64_t)a[i]; }
        else { for (J i = 0; i < n; i++) s += a[i] == nj ? 0 : (uint64_t)a[i]; }
    } else if (t == KI) {
        const I *a = kI(x);
        for (J i = 0; i < n; i++) if (a[i] != ni) s = prd ? s * (uint64_t)(J)a[i] : s + (uint64_t)(J)a[i];
    } else {
        for (J i = 0; i < n; i++) {
            if (prim_is_null_item(x, i)) continue;
            J v = prim_get_j(x, i);
            s = prd ? s * (uint64_t)v : s + (uint64_t)v;
        }
    }
    return prim_atom_j(agg_sum_type(t), (J)s);
}

/* An aggregate of a table: a dictionary of column → aggregate (q-subset.md §3.13). */
static K agg_table(K x, agg_vec_fn fn)
{
    K d = x->k, vals = kK(d)[1];
    K r = ktn(0, vals->n);
    for (J c = 0; c < vals->n; c++) {
        K v = fn(kK(vals)[c]);
        if (IS_ERR(v)) { r->n = c; r0(r); return v; }
        kK(r)[c] = v;
    }
    return xD(r1(kK(d)[0]), prim_squeeze(r));
}

K prim_sum(K x) { return x->t == XT ? agg_table(x, prim_sum) : agg_sum_prd(x, 0); }
K prim_prd(K x) { return x->t == XT ? agg_table(x, prim_prd) : agg_sum_prd(x, 1); }

static K agg_minmax(K x, int want_max)
{
    if (x->t == XD) return agg_minmax(kK(x)[1], want_max);
    if (x->t == 0) return agg_over_list(x, want_max ? PRIM_OP_OR : PRIM_OP_AND);
    if (x->t < 0) return r1(x);
    int t = x->t;
    if (t == KS || t >= XT) return krr("type");
    J n = x->n;
    if (t == KF) {  /* speed only: NaN fails both comparisons, so nulls are skipped */
        F best = want_max ? -wf : wf;
        const F *a = kF(x);
        if (want_max) { for (J i = 0; i < n; i++) best = a[i] > best ? a[i] : best; }
        else { for (J i = 0; i < n; i++) best = a[i] < best ? a[i] : best; }
        return kf(best);
    }
    if (t == KE) {
        F best = want_max ? -wf : wf;
        for (J i = 0; i < n; i++) {
            F v = prim_get_f(x, i);
            if (!isnan(v) && (want_max ? v > best : v < best)) best = v;
        }
        return t == KE ? ke(best) : kf(best);
    }
    J best = want_max ? -wj : wj;
    if (t == KJ || t == KP || t == KN) {
        const J *a = kJ(x);
        if (want_max) { for (J i = 0; i < n; i++) if (a[i] > best) best = a[i]; }
        else { for (J i = 0; i < n; i++) if (a[i] != nj && a[i] < best) best = a[i]; }
    } else {
        for (J i = 0; i < n; i++) {
            if (prim_is_null_item(x, i)) continue;
            J v = prim_get_j(x, i);
            if (want_max ? v > best : v < best) best = v;
        }
        int w = k_item_size(t);
        if (best == wj) best = w == 2 ? wh : w == 4 ? wi : w == 1 ? 0 : wj;
        if (best == -wj) best = w == 2 ? -wh : w == 4 ? -wi : w == 1 ? 0 : -wj;
    }
    return prim_atom_j(t, best);
}

K prim_max(K x) { return x->t == XT ? agg_table(x, prim_max) : agg_minmax(x, 1); }
K prim_min(K x) { return x->t == XT ? agg_table(x, prim_min) : agg_minmax(x, 0); }

K prim_avg(K x)
{
    if (x->t == XT) return agg_table(x, prim_avg);
    if (x->t == XD) return prim_avg(kK(x)[1]);
    if (x->t == 0) {
        K s = prim_sum(x);
        if (IS_ERR(s)) return s;
        K n = kj(x->n);
        K r = prim_arith(PRIM_OP_DIVIDE, s, n);
        r0(s); r0(n);
        return r;
    }
    if (x->t < 0) return prim_to_float(x) ? prim_to_float(x) : krr("type");
    if (!prim_is_numeric(x->t) && !prim_is_temporal(x->t)) return krr("type");
    F s = 0;
    J cnt = 0;
    for (J i = 0; i < x->n; i++) {
        F v = prim_get_f(x, i);
        if (!isnan(v)) { s += v; cnt++; }
    }
    return kf(cnt ? s / (F)cnt : nf);
}

/* Running sums/products/maxima/minima over a vector, via the binary operator. */
static K agg_running(K x, int op)
{
    if (x->t == XD) {
        K v = agg_running(kK(x)[1], op);
        return IS_ERR(v) ? v : xD(r1(kK(x)[0]), v);
    }
    if (x->t < 0) return r1(x);
    J n = x->n;
    if (x->t == KJ && op == PRIM_OP_PLUS) {
        K r = ktn(KJ, n);
        if (!r) return krr("wsfull");
        uint64_t s = 0;
        for (J i = 0; i < n; i++) { s += kJ(x)[i] == nj ? 0 : (uint64_t)kJ(x)[i]; kJ(r)[i] = (J)s; }
        return r;
    }
    if (x->t == KF && op == PRIM_OP_PLUS) {
        K r = ktn(KF, n);
        F s = 0;
        for (J i = 0; i < n; i++) { s += isnan(kF(x)[i]) ? 0 : kF(x)[i]; kF(r)[i] = s; }
        return r;
    }
    K r = ktn(0, n);
    K acc = NULL;
    if ((op == PRIM_OP_OR || op == PRIM_OP_AND) && n && x->t != KS && x->t != KC
        && prim_is_null_item(x, 0)) {
        /* maxs/mins ignore nulls: leading nulls give -0W/0W (q-subset.md §3.7, §7 A093) */
        K none = ktn(x->t, 0);
        acc = op == PRIM_OP_OR ? prim_max(none) : prim_min(none);
        r0(none);
        if (IS_ERR(acc)) { r0(r); return acc; }
    }
    for (J i = 0; i < n; i++) {
        K item = prim_item(x, i);
        if (!acc) acc = item;
        else {
            int skip = op != PRIM_OP_TIMES && item->t < 0 && item->t != -KS && prim_is_null_item(x, i);
            K next = skip ? r1(acc) : prim_arith(op, acc, item);
            r0(item);
            r0(acc);
            if (IS_ERR(next)) { r->n = i; r0(r); return next; }
            acc = next;
        }
        kK(r)[i] = r1(acc);
    }
    r0(acc);
    return prim_squeeze(r);
}

K prim_sums(K x) { return agg_running(x, PRIM_OP_PLUS); }
K prim_prds(K x) { return agg_running(x, PRIM_OP_TIMES); }
K prim_maxs(K x) { return agg_running(x, PRIM_OP_OR); }
K prim_mins(K x) { return agg_running(x, PRIM_OP_AND); }

/* x shifted right by one with first item seed. Ownership: seed consumed. */
static K agg_shift(K x, K seed)
{
    int w = x->t > 0 && x->t < XT ? k_item_size(x->t) : 0;
    int zero = seed->t == -KJ && seed->j == 0 && prim_is_numeric(x->t) && x->t != KS;
    if (w && x->n && (seed->t == -x->t || zero)) {  /* speed only: one copy, no atoms */
        K r = ktn(x->t, x->n);
        if (!r) { r0(seed); return krr("wsfull"); }
        if (zero) memset(kG(r), 0, (size_t)w);  /* 0 of every numeric type is zero bytes */
        else memcpy(kG(r), k_atom_bytes(seed), (size_t)w);
        memcpy(kG(r) + w, kG(x), (size_t)((x->n - 1) * w));
        r0(seed);
        return r;
    }
    K r = ktn(0, x->n);
    for (J i = 0; i < x->n; i++) kK(r)[i] = i ? prim_item(x, i - 1) : r1(seed);
    r0(seed);
    return prim_squeeze(r);
}

K prim_deltas(K x)
{
    if (x->t <= 0 || x->t >= XT) return x->t < 0 ? r1(x) : krr("type");
    K p = agg_shift(x, x->n && prim_is_temporal(x->t) ? prim_item(x, 0) : kj(0));
    if (x->n && prim_is_temporal(x->t)) {
        K r = prim_arith(PRIM_OP_MINUS, x, p);
        r0(p);
        return r;
    }
    K r = prim_arith(PRIM_OP_MINUS, x, p);
    r0(p);
    return r;
}

K prim_ratios(K x)
{
    if (x->t <= 0 || x->t >= XT) return x->t < 0 ? r1(x) : krr("type");
    K p = agg_shift(x, x->n ? prim_item(x, 0) : kj(1));
    K r = prim_arith(PRIM_OP_DIVIDE, x, p);
    r0(p);
    if (!IS_ERR(r) && r->n && x->n) kF(r)[0] = prim_get_f(x, 0);
    return r;
}

K prim_differ(K x)
{
    if (x->t < 0 || x->t >= XT) return krr("type");
    K r = ktn(KB, x->n);
    if (!r) return krr("wsfull");
    int w = x->t > 0 ? k_item_size(x->t) : 0;
    if (w && x->t != KF && x->t != KE && x->t != KZ) {  /* speed only: bytes equal = match */
        for (J i = 0; i < x->n; i++)
            kG(r)[i] = (G)(!i || memcmp(kG(x) + i * w, kG(x) + (i - 1) * w, (size_t)w) != 0);
        return r;
    }
    for (J i = 0; i < x->n; i++) {
        if (!i) { kG(r)[i] = 1; continue; }
        K a = prim_item(x, i), b = prim_item(x, i - 1);
        kG(r)[i] = (G)!k_match(a, b);
        r0(a); r0(b);
    }
    return r;
}

static K agg_allany(K x, int all)
{
    K b = prim_not(x);
    if (IS_ERR(b)) return b;
    J n = b->t < 0 ? 1 : b->n;
    const G *p = b->t < 0 ? &b->g : kG(b);
    int r = all;
    for (J i = 0; i < n; i++) if (all ? p[i] : !p[i]) { r = !all; break; }
    r0(b);
    return kb(r);
}

K prim_all(K x) { return agg_allany(x, 1); }
K prim_any(K x) { return agg_allany(x, 0); }

static int agg_cmp_f(const void *a, const void *b)
{
    F x = *(const F *)a, y = *(const F *)b;
    return x < y ? -1 : x > y;
}

/* The non-null items of x as floats (count in *n). Caller frees. */
static F *agg_floats(K x, J *n)
{
    F *v = malloc((size_t)(x->n ? x->n : 1) * sizeof(F));
    *n = 0;
    if (!v) return NULL;
    for (J i = 0; i < x->n; i++) { F f = prim_get_f(x, i); if (!isnan(f)) v[(*n)++] = f; }
    return v;
}

K prim_med(K x)
{
    if (x->t <= 0 || !prim_is_numeric(x->t)) return x->t < 0 ? prim_to_float(x) : krr("type");
    J n;
    F *v = agg_floats(x, &n);
    if (!v) return krr("wsfull");
    qsort(v, (size_t)n, sizeof(F), agg_cmp_f);
    F m = n == 0 ? nf : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    free(v);
    return kf(m);
}

K prim_var(K x)
{
    if (x->t <= 0 || !prim_is_numeric(x->t)) return x->t < 0 ? kf(0) : krr("type");
    J n;
    F *v = agg_floats(x, &n);
    if (!v) return krr("wsfull");
    F s = 0, ss = 0;
    for (J i = 0; i < n; i++) s += v[i];
    F mean = n ? s / (F)n : nf;
    for (J i = 0; i < n; i++) ss += (v[i] - mean) * (v[i] - mean);
    free(v);
    return kf(n ? ss / (F)n : nf);
}

K prim_dev(K x)
{
    K v = prim_var(x);
    if (!IS_ERR(v)) v->f = sqrt(v->f);
    return v;
}

/* Running means; nulls count in neither the sum nor the count (as avg). */
K prim_avgs(K x)
{
    if (x->t <= 0) return prim_sums(x);
    K s = prim_sums(x);  /* only for its type check and errors */
    if (IS_ERR(s)) return s;
    r0(s);
    K r = ktn(KF, x->n);
    if (!r) return krr("wsfull");
    F sum = 0;
    J seen = 0;
    for (J i = 0; i < x->n; i++) {
        F v = prim_get_f(x, i);
        if (v == v) { sum += v; seen++; }
        kF(r)[i] = seen ? sum / (F)seen : nf;
    }
    return r;
}

/* ema[a;x]: exponential moving average, r0 = x0, ri = a*xi + (1-a)*r(i-1); a is an
 * atom or one factor an item. Nulls in x carry through, as in q's own definition. */
K prim_ema(K x, K y)
{
    if (y->t < 0 || x->t == 0 || (x->t > 0 && x->n != y->n && y->t > 0)) {
        if (y->t < 0 || x->t == 0) return krr("type");
        return krr("length");
    }
    K a = prim_to_float(x), v = prim_to_float(y);
    if (!a || !v || y->t == 0) { r0(a); r0(v); return krr("type"); }
    K r = ktn(KF, v->n);
    if (r) {
        const F *f = kF(v);
        for (J i = 0; i < v->n; i++) {
            F k = a->t < 0 ? a->f : kF(a)[i];
            kF(r)[i] = i ? k * f[i] + (1 - k) * kF(r)[i - 1] : f[i];
        }
    }
    r0(a); r0(v);
    return r ? r : krr("wsfull");
}
