/* prim_stat.c: the Tier 2 statistics and numeric keywords of q-subset.md §3.9 and §3.13:
 * svar sdev (sample variance and deviation), cov scov cor, xlog, mcount. The Tier 1
 * aggregates (var dev avg …) are prim_agg.c's, moving windows prim_math.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"

#include <math.h>

/* x as a float vector (nulls NaN) or NULL when x is not a numeric vector. New. */
static K stat_floats(K x)
{
    if (x->t <= 0 || x->t >= XT || !prim_is_numeric(x->t)) return NULL;
    return prim_to_float(x);
}

/* Mean of the pairs (a[i],b[i]) where neither is null, of a*b, a and b. */
static J stat_moments(K a, K b, F *mab, F *ma, F *mb)
{
    F sab = 0, sa = 0, sb = 0;
    J n = 0;
    for (J i = 0; i < a->n; i++) {
        F x = kF(a)[i], y = kF(b)[i];
        if (isnan(x) || isnan(y)) continue;
        sab += x * y; sa += x; sb += y; n++;
    }
    *mab = n ? sab / (F)n : nf;
    *ma = n ? sa / (F)n : nf;
    *mb = n ? sb / (F)n : nf;
    return n;
}

/* cov (sample: scov) and cor of two numeric vectors of one count. */
static K stat_pair(K x, K y, int which)
{
    K a = stat_floats(x), b = stat_floats(y);
    if (!a || !b) { r0(a); r0(b); return krr("type"); }
    if (a->n != b->n) { r0(a); r0(b); return krr("length"); }
    F mab, ma, mb, maa, mbb, m1, m2;
    J n = stat_moments(a, b, &mab, &ma, &mb);
    F cov = mab - ma * mb, r;
    if (which == 2) {
        stat_moments(a, a, &maa, &m1, &m2);
        stat_moments(b, b, &mbb, &m1, &m2);
        r = cov / sqrt((maa - ma * ma) * (mbb - mb * mb));
    } else {
        r = which == 1 ? (n > 1 ? cov * (F)n / (F)(n - 1) : nf) : cov;
    }
    r0(a); r0(b);
    return kf(r);
}

K prim_cov(K x, K y) { return stat_pair(x, y, 0); }
K prim_scov(K x, K y) { return stat_pair(x, y, 1); }
K prim_cor(K x, K y) { return stat_pair(x, y, 2); }
K prim_svar(K x) { return x->t < 0 ? krr("type") : stat_pair(x, x, 1); }

K prim_sdev(K x)
{
    K v = prim_svar(x);
    if (!IS_ERR(v)) v->f = sqrt(v->f);
    return v;
}

/* x xlog y: the base-x logarithm of y, atomic. */
K prim_xlog(K x, K y)
{
    K lx = prim_log(x);
    if (IS_ERR(lx)) return lx;
    K ly = prim_log(y);
    if (IS_ERR(ly)) { r0(lx); return ly; }
    K r = prim_arith(PRIM_OP_DIVIDE, ly, lx);
    r0(lx); r0(ly);
    return r;
}

/* x mcount y: the count of non-null items in each window of x items ending at i. */
K prim_mcount(K x, K y)
{
    if (x->t != -KJ && x->t != -KI) return krr("type");
    J w = x->t == -KJ ? x->j : x->i;
    if (y->t <= 0 || y->t >= XT) return krr("type");
    if (w <= 0) return krr("domain");
    K r = ktn(KJ, y->n);
    J live = 0;
    for (J i = 0; i < y->n; i++) {
        live += !prim_is_null_item(y, i);
        if (i >= w) live -= !prim_is_null_item(y, i - w);
        kJ(r)[i] = live;
    }
    return r;
}
