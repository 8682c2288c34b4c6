/* prim_math.c: binary numeric keywords of q-subset.md §3.9 and §3.13: div, mod, xbar,
 * xexp, and the moving (mavg msum mmax mmin) and weighted (wsum wavg) aggregates.
 * Unary maths and plain aggregates are prim_agg.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"

#include <math.h>

static int math_type(K x) { return x->t < 0 ? -x->t : x->t; }

/* Floor division on longs (null in → null out). */
static J math_div_j(J a, J b)
{
    if (a == nj || b == nj || b == 0) return nj;
    J q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

/* div, mod and xbar share one loop: mode 0 div, 1 mod, 2 xbar (y xbar… x is the bar). */
static K math_divmod(K x, K y, int mode)
{
    if (x->t == 0 || y->t == 0 || x->t == XD || y->t == XD) {
        K r = ktn(0, 0);
        int xl = x->t >= 0, yl = y->t >= 0;
        J n = xl ? (x->t == XD ? 0 : x->n) : y->n;
        if (x->t == XD || y->t == XD) { r0(r); return krr("nyi"); }
        if (xl && yl && x->n != y->n) { r0(r); return krr("length"); }
        for (J i = 0; i < n; i++) {
            K a = xl ? prim_item(x, i) : r1(x), b = yl ? prim_item(y, i) : r1(y);
            K v = math_divmod(a, b, mode);
            r0(a); r0(b);
            if (IS_ERR(v)) { r0(r); return v; }
            jk(&r, v);
        }
        return prim_squeeze(r);
    }
    int tx = math_type(x), ty = math_type(y);
    if (x->t > 0 && y->t > 0 && x->n != y->n) return krr("length");
    int fl = prim_is_floaty(tx) || prim_is_floaty(ty);
    int ok = (prim_is_numeric(tx) || prim_is_temporal(tx)) && (prim_is_numeric(ty) || prim_is_temporal(ty));
    if (!ok) return krr("type");
    int vec = x->t > 0 || y->t > 0;
    J n = x->t > 0 ? x->n : y->t > 0 ? y->n : 1;
    K xarg = fl ? prim_to_float(x) : prim_to_long(x), yarg = fl ? prim_to_float(y) : prim_to_long(y);
    K r = vec ? ktn(fl ? KF : KJ, n) : ka(fl ? -KF : -KJ);
    for (J i = 0; i < n; i++) {
        J ix = xarg->t > 0 ? i : 0, iy = yarg->t > 0 ? i : 0;
        if (fl) {
            F a = xarg->t > 0 ? kF(xarg)[ix] : xarg->f, b = yarg->t > 0 ? kF(yarg)[iy] : yarg->f;
            F v = mode == 0 ? floor(a / b) : mode == 1 ? a - b * floor(a / b) : a * floor(b / a);
            if (vec) kF(r)[i] = v; else r->f = v;
        } else {
            J a = xarg->t > 0 ? kJ(xarg)[ix] : xarg->j, b = yarg->t > 0 ? kJ(yarg)[iy] : yarg->j;
            J v = mode == 0 ? math_div_j(a, b)
                : mode == 1 ? (a == nj || b == nj || b == 0 ? nj : a - b * math_div_j(a, b))
                : (a == nj || b == nj || a == 0 ? nj : a * math_div_j(b, a));
            if (vec) kJ(r)[i] = v; else r->j = v;
        }
    }
    r0(xarg); r0(yarg);
    if (fl) return r;
    int rt;
    if (mode == 2) rt = ty;
    else if (mode == 0) rt = (tx == KB || tx == KG || tx == KH || tx == KC) ? KI : tx;
    else rt = prim_numeric_rank(tx) <= prim_numeric_rank(KI) && prim_numeric_rank(ty) <= prim_numeric_rank(KI) ? KI : KJ;
    if (rt == KJ) return r;
    return prim_conv_result(r, rt);
}

K prim_div(K x, K y) { return math_divmod(x, y, 0); }
K prim_mod(K x, K y) { return math_divmod(x, y, 1); }
K prim_xbar(K x, K y) { return math_divmod(x, y, 2); }

K prim_xexp(K x, K y)
{
    K a = prim_to_float(x), b = prim_to_float(y);
    if (!a || !b) { r0(a); r0(b); return krr("type"); }
    if (a->t < 0 && b->t < 0) { K r = kf(pow(a->f, b->f)); r0(a); r0(b); return r; }
    if (a->t > 0 && b->t > 0 && a->n != b->n) { r0(a); r0(b); return krr("length"); }
    J n = a->t > 0 ? a->n : b->n;
    K r = ktn(KF, n);
    for (J i = 0; i < n; i++) kF(r)[i] = pow(a->t > 0 ? kF(a)[i] : a->f, b->t > 0 ? kF(b)[i] : b->f);
    r0(a); r0(b);
    return r;
}

/* Moving window aggregates over the last x items: 0 sum, 1 avg, 2 max, 3 min. */
static K math_moving(K x, K y, int mode)
{
    if (x->t != -KJ && x->t != -KI) return krr("type");
    J w = x->t == -KJ ? x->j : x->i;
    if (y->t <= 0 || !prim_is_numeric(y->t)) return krr("type");
    J n = y->n;
    K f = prim_to_float(y);
    K r = ktn(KF, n);
    for (J i = 0; i < n; i++) {
        F acc = mode == 2 ? -wf : mode == 3 ? wf : 0;
        J cnt = 0;
        for (J j = i - w + 1 < 0 ? 0 : i - w + 1; j <= i; j++) {
            F v = kF(f)[j];
            if (isnan(v)) continue;
            cnt++;
            if (mode <= 1) acc += v;
            else if (mode == 2 ? v > acc : v < acc) acc = v;
        }
        kF(r)[i] = mode == 1 ? (cnt ? acc / (F)cnt : nf) : acc;
    }
    r0(f);
    if (mode != 1 && prim_is_integral(y->t)) {
        K j = ktn(KJ, n);
        for (J i = 0; i < n; i++) kJ(j)[i] = isinf(kF(r)[i]) ? nj : (J)kF(r)[i];
        r0(r);
        return j;
    }
    return r;
}

K prim_msum(K x, K y) { return math_moving(x, y, 0); }
K prim_mavg(K x, K y) { return math_moving(x, y, 1); }
K prim_mmax(K x, K y) { return math_moving(x, y, 2); }
K prim_mmin(K x, K y) { return math_moving(x, y, 3); }

static K math_weighted(K x, K y, int average)
{
    K a = prim_to_float(x), b = prim_to_float(y);
    if (!a || !b) { r0(a); r0(b); return krr("type"); }
    if (a->t > 0 && b->t > 0 && a->n != b->n) { r0(a); r0(b); return krr("length"); }
    J n = a->t > 0 ? a->n : b->t > 0 ? b->n : 1;
    F s = 0, ws = 0;
    for (J i = 0; i < n; i++) {
        F u = a->t > 0 ? kF(a)[i] : a->f, v = b->t > 0 ? kF(b)[i] : b->f;
        if (isnan(u) || isnan(v)) continue;
        s += u * v;
        ws += u;
    }
    r0(a); r0(b);
    return kf(average ? s / ws : s);
}

K prim_wsum(K x, K y)
{
    int tx = math_type(x), ty = math_type(y);
    if (prim_is_integral(tx) && prim_is_integral(ty) && (x->t < 0 || y->t < 0)) {
        K p = prim_arith(PRIM_OP_TIMES, x, y);
        if (IS_ERR(p)) return p;
        K s = prim_sum(p);
        r0(p);
        return s;
    }
    return math_weighted(x, y, 0);
}

K prim_wavg(K x, K y) { return math_weighted(x, y, 1); }
