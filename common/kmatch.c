/* kmatch.c: structural questions about K values: deep equality, count, invariants.
 * q's tolerant comparison belongs to the interpreter; this equality is exact.
 * SPDX-License-Identifier: MIT */
#include "k.h"
#include "k_int.h"

#include <math.h>
#include <string.h>

J k_count(K x)
{
    if (!x) return 0;
    if (x->t == XT) {
        K cols = kK(x->k)[1];
        return cols->n ? k_count(kK(cols)[0]) : 0;
    }
    if (x->t == XD || x->t == XSD) return k_count(kK(x)[0]);
    if (k_is_atomlike(x->t) || x->t >= K_LAMBDA) return 1;
    return x->n;
}

static int float_eq(F a, F b) { return (isnan(a) && isnan(b)) || a == b; }

int k_match(K x, K y)
{
    if (x == y) return 1;
    if (!x || !y || x->t != y->t) return 0;
    switch (x->t) {
    case XT:
        return k_match(x->k, y->k);
    case KERR:
        return !strcmp(x->s, y->s);
    case -KS:
        return x->s == y->s;
    case -UU:
        return !memcmp(kU(x), kU(y), sizeof(U));
    case -KF: case -KZ:
        return float_eq(x->f, y->f);
    case -KE:
        return float_eq(x->e, y->e);
    case -KB: case -KG: case -KC:
        return x->g == y->g;
    case -KH:
        return x->h == y->h;
    case -KI: case -KM: case -KD: case -KU: case -KV: case -KT:
        return x->i == y->i;
    case -KJ: case -KP: case -KN:
        return x->j == y->j;
    case K_UNARY: case K_BINARY: case K_ITERATOR: case K_NATIVE:
        return x->j == y->j;
    default:
        break;
    }
    if (x->n != y->n) return 0;
    switch (x->t) {
    case KF: case KZ:
        for (J i = 0; i < x->n; i++) if (!float_eq(kF(x)[i], kF(y)[i])) return 0;
        return 1;
    case KE:
        for (J i = 0; i < x->n; i++) if (!float_eq(kE(x)[i], kE(y)[i])) return 0;
        return 1;
    default:
        if (x->t > 0 && x->t <= KT)
            return !memcmp(kG(x), kG(y), (size_t)(x->n * k_item_size(x->t)));
        for (J i = 0; i < x->n; i++) if (!k_match(kK(x)[i], kK(y)[i])) return 0;
        return 1;
    }
}

int k_valid(K x)
{
    if (!x || !k_type_valid(x->t) || x->r < 0) return 0;
    if (x->a < 0 || x->a > K_ATTR_GROUPED) return 0;
    if (x->t == XT)
        return x->k && x->k->t == XD && kK(x->k)[0]->t == KS && kK(x->k)[1]->t == 0;
    if (k_is_atomlike(x->t)) return 1;
    if (x->n < 0) return 0;
    if (x->t == XD || x->t == XSD)
        return x->n == 2 && k_count(kK(x)[0]) == k_count(kK(x)[1]);
    if (x->t == 0 || x->t >= K_LAMBDA)
        for (J i = 0; i < x->n; i++) if (!kK(x)[i]) return x->t >= K_PROJECTION;
    return 1;
}
