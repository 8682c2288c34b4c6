/* prim_arith.c: the atomic binary operators + - * % & | = < > <= >= <> (q-subset.md
 * §3.2–3.5, 3.9, 3.10): type promotion, temporal arithmetic, null handling and atomic
 * extension, each as one tight loop per result type. Conversions are prim_conv.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "table.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Three loop shapes (vector/vector, vector/atom, atom/vector); EXPR uses a and b. */
#define PRIM_KERNEL(R, T, PR, PA, PB, N, SA, SB, EXPR) do {                              \
        R *r_ = (R *)(PR); const T *a_ = (const T *)(PA), *b_ = (const T *)(PB);         \
        if ((SA) && (SB)) { for (J i_ = 0; i_ < (N); i_++) { T a = a_[i_], b = b_[i_]; r_[i_] = (EXPR); } } \
        else if (SA) { T b = b_[0]; for (J i_ = 0; i_ < (N); i_++) { T a = a_[i_]; r_[i_] = (EXPR); } } \
        else { T a = a_[0]; for (J i_ = 0; i_ < (N); i_++) { T b = b_[i_]; r_[i_] = (EXPR); } } \
    } while (0)

#define ADD_J(a, b) ((J)((uint64_t)(a) + (uint64_t)(b)))
#define SUB_J(a, b) ((J)((uint64_t)(a) - (uint64_t)(b)))
#define MUL_J(a, b) ((J)((uint64_t)(a) * (uint64_t)(b)))
#define ADD_I(a, b) ((I)((uint32_t)(a) + (uint32_t)(b)))
#define SUB_I(a, b) ((I)((uint32_t)(a) - (uint32_t)(b)))
#define MUL_I(a, b) ((I)((uint32_t)(a) * (uint32_t)(b)))

#define PRIM_TOLERANCE 0x1p-43 /* relative comparison tolerance of floats (§3.5) */

int prim_float_eq(F a, F b)
{
    if (isnan(a) || isnan(b)) return isnan(a) && isnan(b);
    if (a == b) return 1;
    if (isinf(a) || isinf(b) || a == 0 || b == 0) return 0;
    F m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
    return fabs(a - b) <= PRIM_TOLERANCE * m;
}
static int prim_float_lt(F a, F b) { return isnan(a) ? !isnan(b) : a < b && !prim_float_eq(a, b); }

/* Kernels on long operands. */
static void arith_j(int op, G *pr, const G *pa, const G *pb, J n, int sa, int sb)
{
    switch (op) {
    case PRIM_OP_PLUS: PRIM_KERNEL(J, J, pr, pa, pb, n, sa, sb, a == nj || b == nj ? nj : ADD_J(a, b)); break;
    case PRIM_OP_MINUS: PRIM_KERNEL(J, J, pr, pa, pb, n, sa, sb, a == nj || b == nj ? nj : SUB_J(a, b)); break;
    case PRIM_OP_TIMES: PRIM_KERNEL(J, J, pr, pa, pb, n, sa, sb, a == nj || b == nj ? nj : MUL_J(a, b)); break;
    case PRIM_OP_AND: PRIM_KERNEL(J, J, pr, pa, pb, n, sa, sb, a < b ? a : b); break;
    case PRIM_OP_OR: PRIM_KERNEL(J, J, pr, pa, pb, n, sa, sb, a > b ? a : b); break;
    case PRIM_OP_EQ: PRIM_KERNEL(G, J, pr, pa, pb, n, sa, sb, a == b); break;
    case PRIM_OP_NE: PRIM_KERNEL(G, J, pr, pa, pb, n, sa, sb, a != b); break;
    case PRIM_OP_LT: PRIM_KERNEL(G, J, pr, pa, pb, n, sa, sb, a < b); break;
    case PRIM_OP_GT: PRIM_KERNEL(G, J, pr, pa, pb, n, sa, sb, a > b); break;
    case PRIM_OP_LE: PRIM_KERNEL(G, J, pr, pa, pb, n, sa, sb, a <= b); break;
    case PRIM_OP_GE: PRIM_KERNEL(G, J, pr, pa, pb, n, sa, sb, a >= b); break;
    default: break;
    }
}

static void arith_i(int op, G *pr, const G *pa, const G *pb, J n, int sa, int sb)
{
    switch (op) {
    case PRIM_OP_PLUS: PRIM_KERNEL(I, I, pr, pa, pb, n, sa, sb, a == ni || b == ni ? ni : ADD_I(a, b)); break;
    case PRIM_OP_MINUS: PRIM_KERNEL(I, I, pr, pa, pb, n, sa, sb, a == ni || b == ni ? ni : SUB_I(a, b)); break;
    case PRIM_OP_TIMES: PRIM_KERNEL(I, I, pr, pa, pb, n, sa, sb, a == ni || b == ni ? ni : MUL_I(a, b)); break;
    case PRIM_OP_AND: PRIM_KERNEL(I, I, pr, pa, pb, n, sa, sb, a < b ? a : b); break;
    case PRIM_OP_OR: PRIM_KERNEL(I, I, pr, pa, pb, n, sa, sb, a > b ? a : b); break;
    default: break;
    }
}

static void arith_f(int op, G *pr, const G *pa, const G *pb, J n, int sa, int sb)
{
    switch (op) {
    case PRIM_OP_PLUS: PRIM_KERNEL(F, F, pr, pa, pb, n, sa, sb, a + b); break;
    case PRIM_OP_MINUS: PRIM_KERNEL(F, F, pr, pa, pb, n, sa, sb, a - b); break;
    case PRIM_OP_TIMES: PRIM_KERNEL(F, F, pr, pa, pb, n, sa, sb, a * b); break;
    case PRIM_OP_DIVIDE: PRIM_KERNEL(F, F, pr, pa, pb, n, sa, sb, a / b); break;
    case PRIM_OP_AND: PRIM_KERNEL(F, F, pr, pa, pb, n, sa, sb, prim_float_lt(a, b) ? a : b); break;
    case PRIM_OP_OR: PRIM_KERNEL(F, F, pr, pa, pb, n, sa, sb, prim_float_lt(a, b) ? b : a); break;
    case PRIM_OP_EQ: PRIM_KERNEL(G, F, pr, pa, pb, n, sa, sb, prim_float_eq(a, b)); break;
    case PRIM_OP_NE: PRIM_KERNEL(G, F, pr, pa, pb, n, sa, sb, !prim_float_eq(a, b)); break;
    case PRIM_OP_LT: PRIM_KERNEL(G, F, pr, pa, pb, n, sa, sb, prim_float_lt(a, b)); break;
    case PRIM_OP_GT: PRIM_KERNEL(G, F, pr, pa, pb, n, sa, sb, prim_float_lt(b, a)); break;
    case PRIM_OP_LE: PRIM_KERNEL(G, F, pr, pa, pb, n, sa, sb, !prim_float_lt(b, a)); break;
    case PRIM_OP_GE: PRIM_KERNEL(G, F, pr, pa, pb, n, sa, sb, !prim_float_lt(a, b)); break;
    default: break;
    }
}

static void arith_e(int op, G *pr, const G *pa, const G *pb, J n, int sa, int sb)
{
    switch (op) {
    case PRIM_OP_PLUS: PRIM_KERNEL(E, E, pr, pa, pb, n, sa, sb, a + b); break;
    case PRIM_OP_MINUS: PRIM_KERNEL(E, E, pr, pa, pb, n, sa, sb, a - b); break;
    case PRIM_OP_TIMES: PRIM_KERNEL(E, E, pr, pa, pb, n, sa, sb, a * b); break;
    case PRIM_OP_AND: PRIM_KERNEL(E, E, pr, pa, pb, n, sa, sb, prim_float_lt(a, b) ? a : b); break;
    case PRIM_OP_OR: PRIM_KERNEL(E, E, pr, pa, pb, n, sa, sb, prim_float_lt(a, b) ? b : a); break;
    default: break;
    }
}

static void arith_g(int op, G *pr, const G *pa, const G *pb, J n, int sa, int sb)
{
    switch (op) {
    case PRIM_OP_AND: PRIM_KERNEL(G, G, pr, pa, pb, n, sa, sb, a < b ? a : b); break;
    case PRIM_OP_OR: PRIM_KERNEL(G, G, pr, pa, pb, n, sa, sb, a > b ? a : b); break;
    default: break;
    }
}

static void arith_h(int op, G *pr, const G *pa, const G *pb, J n, int sa, int sb)
{
    switch (op) {
    case PRIM_OP_AND: PRIM_KERNEL(H, H, pr, pa, pb, n, sa, sb, a < b ? a : b); break;
    case PRIM_OP_OR: PRIM_KERNEL(H, H, pr, pa, pb, n, sa, sb, a > b ? a : b); break;
    default: break;
    }
}

static void arith_s(int op, G *pr, const G *pa, const G *pb, J n, int sa, int sb)
{
    switch (op) {
    case PRIM_OP_EQ: PRIM_KERNEL(G, S, pr, pa, pb, n, sa, sb, a == b); break;
    case PRIM_OP_NE: PRIM_KERNEL(G, S, pr, pa, pb, n, sa, sb, a != b); break;
    case PRIM_OP_LT: PRIM_KERNEL(G, S, pr, pa, pb, n, sa, sb, strcmp(a, b) < 0); break;
    case PRIM_OP_GT: PRIM_KERNEL(G, S, pr, pa, pb, n, sa, sb, strcmp(a, b) > 0); break;
    case PRIM_OP_LE: PRIM_KERNEL(G, S, pr, pa, pb, n, sa, sb, strcmp(a, b) <= 0); break;
    case PRIM_OP_GE: PRIM_KERNEL(G, S, pr, pa, pb, n, sa, sb, strcmp(a, b) >= 0); break;
    default: break;
    }
}

static int prim_is_cmp(int op)
{
    return op == PRIM_OP_EQ || op == PRIM_OP_NE || op == PRIM_OP_LT || op == PRIM_OP_GT
        || op == PRIM_OP_LE || op == PRIM_OP_GE;
}

/* Result type and compute type of a numeric/temporal pair (§3.2); 0 = 'type. */
static int arith_types(int op, int tx, int ty, int *compute, int *result)
{
    int xtmp = prim_is_temporal(tx), ytmp = prim_is_temporal(ty);
    if (!prim_is_numeric(tx) && !xtmp) return 0;
    if (!prim_is_numeric(ty) && !ytmp) return 0;
    if (prim_is_cmp(op)) {
        int fl = prim_is_floaty(tx) || prim_is_floaty(ty);
        *compute = fl ? KF : KJ;
        *result = KB;
        return 1;
    }
    if (op == PRIM_OP_DIVIDE) { *compute = KF; *result = KF; return 1; }
    if (xtmp || ytmp) return prim_temporal_types(op, tx, ty, compute, result);
    int w = prim_numeric_rank(tx) > prim_numeric_rank(ty) ? tx : ty;
    if (op == PRIM_OP_AND || op == PRIM_OP_OR) {
        *result = w;
        *compute = w == KB || w == KG ? KG : w == KH ? KH : w == KI ? KI : w == KE ? KE
                 : w == KF ? KF : KJ;
        return 1;
    }
    if (prim_numeric_rank(w) <= prim_numeric_rank(KI)) w = KI;
    *result = *compute = w;
    return 1;
}

static K arith_lists(int op, K x, K y)
{
    int xl = x->t >= 0, yl = y->t >= 0;
    J n = xl ? x->n : y->n;
    if (xl && yl && x->n != y->n) return krr("length");
    if (eval_work_charge(n)) return krr("limit");  /* nested operands can double per step */
    K r = ktn(0, n);
    if (!r) return krr("wsfull");
    for (J i = 0; i < n; i++) {
        K a = xl ? prim_item(x, i) : r1(x), b = yl ? prim_item(y, i) : r1(y);
        K v = prim_arith(op, a, b);
        r0(a);
        r0(b);
        if (IS_ERR(v)) { r->n = i; r0(r); return v; }
        kK(r)[i] = v;
    }
    return prim_squeeze(r);
}

typedef void (*arith_kernel)(int op, G *pr, const G *pa, const G *pb, J n, int sa, int sb);

static arith_kernel arith_kernel_for(int compute)
{
    switch (compute) {
    case KJ: return arith_j;
    case KI: return arith_i;
    case KF: return arith_f;
    case KE: return arith_e;
    case KH: return arith_h;
    case KG: return arith_g;
    case KS: return arith_s;
    default: return NULL;
    }
}

/* Speed only: long and float atom pairs skip the conversions and allocation of
 * the general path. Returns NULL when not applicable. */
static K arith_atoms(int op, K x, K y)
{
    if (x->t == -KJ && y->t == -KJ) {
        J a = x->j, b = y->j;
        switch (op) {
        case PRIM_OP_PLUS: return kj(a == nj || b == nj ? nj : ADD_J(a, b));
        case PRIM_OP_MINUS: return kj(a == nj || b == nj ? nj : SUB_J(a, b));
        case PRIM_OP_TIMES: return kj(a == nj || b == nj ? nj : MUL_J(a, b));
        case PRIM_OP_LT: return kb(a < b);
        case PRIM_OP_GT: return kb(a > b);
        case PRIM_OP_EQ: return kb(a == b);
        default: return NULL;
        }
    }
    if (x->t == -KF && y->t == -KF) {
        F a = x->f, b = y->f;
        switch (op) {
        case PRIM_OP_PLUS: return kf(a + b);
        case PRIM_OP_MINUS: return kf(a - b);
        case PRIM_OP_TIMES: return kf(a * b);
        case PRIM_OP_DIVIDE: return kf(a / b);
        default: return NULL;
        }
    }
    return NULL;
}

/* Comparisons of guids: byte order, as q orders them; any other operator is 'type. */
static K arith_guids(int op, K x, K y, int xv, int yv)
{
    if (!prim_is_cmp(op) || (x->t != UU && x->t != -UU) || (y->t != UU && y->t != -UU))
        return krr("type");
    J n = xv ? x->n : yv ? y->n : 1;
    K r = xv || yv ? ktn(KB, n) : ka(-KB);
    if (!r) return krr("wsfull");
    G *pr = xv || yv ? kG(r) : &r->g;
    const G *pa = xv ? kG(x) : k_atom_bytes(x), *pb = yv ? kG(y) : k_atom_bytes(y);
    for (J i = 0; i < n; i++) {
        int c = memcmp(pa + (xv ? i * 16 : 0), pb + (yv ? i * 16 : 0), 16);
        pr[i] = (G)(op == PRIM_OP_EQ ? c == 0 : op == PRIM_OP_NE ? c != 0 : op == PRIM_OP_LT ? c < 0
                  : op == PRIM_OP_GT ? c > 0 : op == PRIM_OP_LE ? c <= 0 : c >= 0);
    }
    return r;
}

K prim_arith(int op, K x, K y)
{
    if (x->t < 0 && y->t < 0) {
        K r = arith_atoms(op, x, y);
        if (r) return r;
    }
    if (x->t == XD || y->t == XD || x->t == XT || y->t == XT) return table_arith(op, x, y);
    if (x->t == 0 || y->t == 0) return arith_lists(op, x, y);
    if (x->t >= XT || y->t >= XT) return krr("type");
    int tx = x->t < 0 ? -x->t : x->t, ty = y->t < 0 ? -y->t : y->t;
    int xv = x->t > 0, yv = y->t > 0;
    if (xv && yv && x->n != y->n) return krr("length");
    if (tx == UU || ty == UU) return arith_guids(op, x, y, xv, yv);
    int compute, result;
    if (tx == KS || ty == KS) {
        if (tx != ty || !prim_is_cmp(op)) return krr("type");
        compute = KS;
        result = KB;
    } else if (tx == KC && ty == KC && (prim_is_cmp(op) || op == PRIM_OP_AND || op == PRIM_OP_OR)) {
        compute = prim_is_cmp(op) ? KJ : KG;
        result = prim_is_cmp(op) ? KB : KC;
    } else if (tx == KC || ty == KC) {
        if (!prim_is_cmp(op)) return krr("type");
        compute = prim_is_floaty(tx) || prim_is_floaty(ty) ? KF : KJ;
        result = KB;
    } else if (!arith_types(op, tx, ty, &compute, &result)) {
        return krr("type");
    }
    int common = prim_is_cmp(op) && tx != ty && prim_is_temporal(tx) && prim_is_temporal(ty)
               ? prim_temporal_cmp_type(tx, ty) : 0;
    if (common < 0) return krr("type");
    K a = common ? prim_conv_temporal_cmp(x, tx, common) : prim_conv_compute(x, tx, compute, result);
    K b = common ? prim_conv_temporal_cmp(y, ty, common) : prim_conv_compute(y, ty, compute, result);
    if (common) compute = KJ;
    if (!a || !b) { r0(a); r0(b); return krr("wsfull"); }
    J n = xv ? x->n : yv ? y->n : 1;
    if (eval_work_charge(n >> EVAL_WORK_VECTOR_SHIFT)) { r0(a); r0(b); return krr("limit"); }
    int out = prim_is_cmp(op) ? KB : compute;
    K r = xv || yv ? ktn(out, n) : ka(-out);
    if (!r) { r0(a); r0(b); return krr("wsfull"); }
    G *pr = xv || yv ? kG(r) : &r->g;
    const G *pa = a->t > 0 ? kG(a) : k_atom_bytes(a), *pb = b->t > 0 ? kG(b) : k_atom_bytes(b);
    arith_kernel_for(compute)(op, pr, pa, pb, n, a->t > 0, b->t > 0);
    r0(a);
    r0(b);
    if (result != out) return prim_conv_result(r, result);
    return r;
}
