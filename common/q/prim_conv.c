/* prim_conv.c: type classes and representation conversions used by the primitives:
 * widening/narrowing with null mapping, temporal unit scaling (q-subset.md §3.1–3.2),
 * typed nulls, item access and list squeezing. The operators are prim_arith.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"

#include <math.h>
#include <string.h>

#define PRIM_NS_PER_MS 1000000LL
#define PRIM_NS_PER_SEC 1000000000LL
#define PRIM_NS_PER_MIN 60000000000LL

int prim_is_temporal(int t)
{
    return t == KP || t == KM || t == KD || t == KZ || t == KN || t == KU || t == KV || t == KT;
}
int prim_is_integral(int t) { return t == KB || t == KG || t == KH || t == KI || t == KJ; }
int prim_is_numeric(int t) { return prim_is_integral(t) || t == KE || t == KF; }
int prim_is_floaty(int t) { return t == KE || t == KF || t == KZ; }

int prim_numeric_rank(int t)
{
    switch (t) {
    case KB: return 1; case KG: return 2; case KH: return 3; case KI: return 4;
    case KJ: return 5; case KE: return 6; case KF: return 7; default: return 0;
    }
}

/* ns per unit of a time-like type; 0 for month and non-temporal types. */
static J prim_unit_ns(int t)
{
    switch (t) {
    case KP: case KN: return 1;
    case KD: return K_NS_PER_DAY;
    case KT: return PRIM_NS_PER_MS;
    case KV: return PRIM_NS_PER_SEC;
    case KU: return PRIM_NS_PER_MIN;
    default: return 0;
    }
}

int prim_temporal_types(int op, int tx, int ty, int *compute, int *result)
{
    *compute = KJ;
    int xint = prim_is_integral(tx), yint = prim_is_integral(ty);
    if (op == PRIM_OP_TIMES) {
        if (xint && prim_is_temporal(ty) && ty != KZ) { *result = ty; return 1; }
        if (yint && prim_is_temporal(tx) && tx != KZ) { *result = tx; return 1; }
        return 0;
    }
    if (op != PRIM_OP_PLUS && op != PRIM_OP_MINUS) return 0;
    if (tx == KZ || ty == KZ) return 0;
    if (yint) { *result = tx; return 1; }
    if (xint) { *result = ty; return 1; }
    if (tx == ty) {
        if (op == PRIM_OP_MINUS) { *result = tx == KP ? KN : (tx == KD || tx == KM) ? KI : tx; return 1; }
        if (tx == KP || tx == KD || tx == KM) return 0;
        *result = tx;
        return 1;
    }
    if (tx == KM || ty == KM) return 0;
    int point = tx == KP || tx == KD ? tx : ty == KP || ty == KD ? ty : 0;
    if (point) {
        int other = point == tx ? ty : tx;
        if (other == KP || other == KD) return 0;
        if (point == ty && op == PRIM_OP_MINUS) return 0;
        *result = KP;
        return 1;
    }
    /* both of n t v u: the finer unit wins */
    *result = prim_unit_ns(tx) < prim_unit_ns(ty) ? tx : ty;
    return 1;
}

J prim_get_j(K x, J i)
{
    switch (x->t) {
    case KB: case KG: case KC: return kG(x)[i];
    case KH: return kH(x)[i] == nh ? nj : kH(x)[i];
    case KI: case KM: case KD: case KU: case KV: case KT: return kI(x)[i] == ni ? nj : kI(x)[i];
    case KJ: case KP: case KN: return kJ(x)[i];
    case KE: return isnan(kE(x)[i]) ? nj : (J)llround(kE(x)[i]);
    case KF: case KZ: return isnan(kF(x)[i]) ? nj : (J)llround(kF(x)[i]);
    case KS: return 0;
    default: return nj;
    }
}

F prim_get_f(K x, J i)
{
    switch (x->t) {
    case KE: return kE(x)[i];
    case KF: case KZ: return kF(x)[i];
    default: {
        J j = prim_get_j(x, i);
        return j == nj ? nf : (F)j;
    }
    }
}

/* A vector view of atom x: the same item bytes at a vector type (no copy for vectors). */
static K prim_as_vector(K x)
{
    if (x->t > 0) return r1(x);
    K v = ktn(-x->t, 1);
    if (v) memcpy(kG(v), k_atom_bytes(x), (size_t)k_item_size(-x->t));
    return v;
}

static K prim_from_vector(K v, int atom)
{
    if (!atom || !v) return v;
    K a = ka(-v->t);
    if (a) memcpy(k_atom_bytes(a), kG(v), (size_t)k_item_size(v->t));
    r0(v);
    return a;
}

K prim_conv_compute(K x, int tx, int compute, int result)
{
    J scale = 1;
    if (prim_is_temporal(tx) && prim_is_temporal(result) && tx != result)
        scale = prim_unit_ns(tx) / (prim_unit_ns(result) ? prim_unit_ns(result) : 1);
    if (scale < 1) scale = 1;
    if (tx == compute && scale == 1) return r1(x);
    int atom = x->t < 0;
    K v = prim_as_vector(x);
    if (!v) return NULL;
    J n = v->n;
    K r = ktn(compute, n);
    if (!r) { r0(v); return NULL; }
    switch (compute) {
    case KJ: for (J i = 0; i < n; i++) { J j = prim_get_j(v, i); kJ(r)[i] = j == nj ? nj : j * scale; } break;
    case KF: for (J i = 0; i < n; i++) kF(r)[i] = prim_get_f(v, i); break;
    case KE: for (J i = 0; i < n; i++) kE(r)[i] = (E)prim_get_f(v, i); break;
    case KI: for (J i = 0; i < n; i++) { J j = prim_get_j(v, i); kI(r)[i] = j == nj ? ni : (I)j; } break;
    case KH: for (J i = 0; i < n; i++) { J j = prim_get_j(v, i); kH(r)[i] = j == nj ? nh : (H)j; } break;
    case KG: for (J i = 0; i < n; i++) kG(r)[i] = (G)prim_get_j(v, i); break;
    default: r0(v); r0(r); return NULL;
    }
    r0(v);
    return prim_from_vector(r, atom);
}

int prim_temporal_cmp_type(int tx, int ty)
{
    if (tx == ty) return tx;
    if (tx == KM || ty == KM || tx == KZ || ty == KZ) return 0;
    if (tx == KD || ty == KD) return tx == KP || ty == KP ? KP : -1;
    if (tx == KN || ty == KN) return KN;
    if (tx == KP) return ty;
    if (ty == KP) return tx;
    return prim_unit_ns(tx) < prim_unit_ns(ty) ? tx : ty;  /* t v u: the finer unit */
}

K prim_conv_temporal_cmp(K x, int tx, int common)
{
    int atom = x->t < 0;
    K v = prim_as_vector(x);
    K r = v ? ktn(KJ, v->n) : NULL;
    if (!r) { r0(v); return NULL; }
    J unit = prim_unit_ns(common), from = prim_unit_ns(tx);
    int time_of_day = tx == KP && common != KP && common != KN;
    for (J i = 0; i < v->n; i++) {
        J j = prim_get_j(v, i);
        if (j == nj) { kJ(r)[i] = nj; continue; }
        if (j == wj || j == -wj) { kJ(r)[i] = j; continue; }
        if (time_of_day) {
            J day = j % K_NS_PER_DAY;
            kJ(r)[i] = (day < 0 ? day + K_NS_PER_DAY : day) / unit;
        } else if (from >= unit) {
            kJ(r)[i] = j * (from / unit);
        } else {
            J q = j / (unit / from);
            kJ(r)[i] = j % (unit / from) && j < 0 ? q - 1 : q;
        }
    }
    r0(v);
    return prim_from_vector(r, atom);
}

K prim_conv_result(K r, int result)
{
    int atom = r->t < 0;
    int from = atom ? -r->t : r->t;
    if (k_item_size(from) == k_item_size(result) && !(prim_is_floaty(from) != prim_is_floaty(result))) {
        r = k_unshare(r);
        r->t = (signed char)(atom ? -result : result);
        return r;
    }
    K v = prim_as_vector(r);
    r0(r);
    int size = k_item_size(result);
    int via = result == KE ? KE : (result == KF || result == KZ) ? KF : size == 1 ? KG
            : size == 2 ? KH : size == 4 ? KI : KJ;
    K out = prim_conv_compute(v, v->t, via, via);
    r0(v);
    if (!out) return krr("wsfull");
    out = k_unshare(out);
    out->t = (signed char)result;
    return prim_from_vector(out, atom);
}

K prim_to_float(K x)
{
    int t = x->t < 0 ? -x->t : x->t;
    if (!prim_is_numeric(t) && !prim_is_temporal(t)) return NULL;
    return prim_conv_compute(x, t, KF, KF);
}

K prim_to_long(K x)
{
    int t = x->t < 0 ? -x->t : x->t;
    if (!prim_is_integral(t) && !prim_is_temporal(t)) return NULL;
    return prim_conv_compute(x, t, KJ, KJ);
}

K prim_atom_j(int type, J v)
{
    K a = ka(-type);
    if (!a) return krr("wsfull");
    switch (k_item_size(type)) {
    case 1: a->g = (G)v; break;
    case 2: a->h = v == nj ? nh : (H)v; break;
    case 4: a->i = v == nj ? ni : (I)v; break;
    default: a->j = v; break;
    }
    return a;
}

K prim_null_of(int type)
{
    if (type < 0) type = -type;
    K a;
    switch (type) {
    case KB: case KG: return prim_atom_j(type, 0);
    case KC: a = kc(' '); break;
    case KS: a = ks(""); break;
    case KE: a = ka(-KE); if (a) a->e = ne; break;
    case KF: case KZ: a = ka(-type); if (a) a->f = nf; break;
    case UU: { U u; memset(&u, 0, sizeof u); a = ku(u); break; }
    default:
        if (type > 0 && type < XT) return prim_atom_j(type, nj);
        return k_identity();
    }
    return a ? a : krr("wsfull");
}

int prim_is_null_item(K x, J i)
{
    switch (x->t) {
    case KC: return kC(x)[i] == ' ';
    case KS: return kS(x)[i][0] == '\0';
    case KH: return kH(x)[i] == nh;
    case KI: case KM: case KD: case KU: case KV: case KT: return kI(x)[i] == ni;
    case KJ: case KP: case KN: return kJ(x)[i] == nj;
    case KE: return isnan(kE(x)[i]);
    case KF: case KZ: return isnan(kF(x)[i]);
    case UU: {  /* the null guid is all zero bytes */
        static const U zero;
        return !memcmp(&kU(x)[i], &zero, sizeof zero);
    }
    default: return 0;
    }
}

K prim_item(K x, J i)
{
    if (x->t == 0) return r1(kK(x)[i]);
    /* never NULL: out of memory gives an error value that callers pass on or store */
    if (x->t == KS) {  /* an enumeration's item is an enumeration atom */
        K a = ks(kS(x)[i]);
        if (a) a->u = x->u;
        return a ? a : krr("wsfull");
    }
    if (x->t > 0 && x->t < XT) {
        K a = ka(-x->t);
        if (!a) return krr("wsfull");
        int w = k_item_size(x->t);
        memcpy(k_atom_bytes(a), kG(x) + i * w, (size_t)w);
        return a;
    }
    if (x->t == XT) {
        K ik = kj(i);
        if (!ik) return krr("wsfull");
        K r = eval_index(x, ik);
        r0(ik);
        return r;
    }
    if (x->t == XD) return prim_item(kK(x)[1], i);
    return r1(x);
}

K prim_squeeze(K list)
{
    if (list->t != 0 || list->n == 0) return list;
    int t = kK(list)[0]->t;
    if (t >= 0 || t == KERR || t <= -XT) return list;
    for (J i = 1; i < list->n; i++) if (kK(list)[i]->t != t) return list;
    K v = ktn(-t, list->n);
    if (!v) return list;
    if (t == -KS) for (J i = 0; i < list->n; i++) kS(v)[i] = kK(list)[i]->s;
    else {
        int w = k_item_size(-t);
        for (J i = 0; i < list->n; i++) memcpy(kG(v) + i * w, k_atom_bytes(kK(list)[i]), (size_t)w);
    }
    r0(list);
    return v;
}
