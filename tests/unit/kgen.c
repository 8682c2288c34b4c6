/* kgen.c: random K values for tests (see kgen.h).
 * SPDX-License-Identifier: MIT */
#include "kgen.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const int kgen_types[] = {
    -1, -2, -4, -5, -6, -7, -8, -9, -10, -11, -12, -13, -14, -15, -16, -17, -18, -19,
    0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19,
    XT, XD, XSD, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, KERR,
};
const int kgen_ntypes = (int)(sizeof kgen_types / sizeof kgen_types[0]);

void kgen_seed(struct kgen *g, uint64_t seed) { g->state = seed ? seed : 88172645463325252ULL; }

uint64_t kgen_next(struct kgen *g)
{
    uint64_t x = g->state;
    x ^= x >> 12; x ^= x << 25; x ^= x >> 27;
    g->state = x;
    return x * 2685821657736338717ULL;
}

static J below(struct kgen *g, J n) { return n <= 0 ? 0 : (J)(kgen_next(g) % (uint64_t)n); }

/* Special values (nulls, infinities) turn up often, as in real data. */
static uint64_t raw_bits(struct kgen *g)
{
    static const uint64_t specials[] = { 0, 1, 0x8000000000000000ULL, 0x7fffffffffffffffULL,
                                         0x8000000000000001ULL, 0xffffffffffffffffULL };
    return below(g, 4) == 0 ? specials[below(g, 6)] : kgen_next(g);
}

static S random_sym(struct kgen *g)
{
    static const char alphabet[] = "abcdefghijklmnopqrstuvwxyzABC._0123456789";
    char buf[24];
    int n = (int)below(g, 12);
    for (int i = 0; i < n; i++) buf[i] = alphabet[below(g, (J)sizeof alphabet - 1)];
    buf[n] = 0;
    return ss(buf);
}

/* Fill one item of width w with random bits; floats get NaN/inf sometimes. */
static void random_item(struct kgen *g, int t, G *dst)
{
    uint64_t bits = raw_bits(g);
    int w = k_item_size(t);
    if ((t == KF || t == KZ) && below(g, 6) == 0) {
        F f = below(g, 2) ? nf : (below(g, 2) ? INFINITY : -INFINITY);
        memcpy(dst, &f, 8);
        return;
    }
    if (t == KE && below(g, 6) == 0) {
        E e = (E)nf;
        memcpy(dst, &e, 4);
        return;
    }
    if (t == KB) bits &= 1;
    for (int i = 0; i < w; i++) dst[i] = (G)(bits >> (8 * (i % 8)));
    if (t == UU) for (int i = 8; i < 16; i++) dst[i] = (G)kgen_next(g);
}

static K random_vector(struct kgen *g, int t, int depth)
{
    J n = below(g, depth > 1 ? 4 : 12);
    K x = ktn(t, n);
    x->a = (signed char)(below(g, 8) == 0 ? below(g, 5) : 0);
    for (J i = 0; i < n; i++) {
        if (t == 0) kK(x)[i] = kgen_value(g, kgen_types[below(g, 37)], depth - 1);
        else if (t == KS) kS(x)[i] = random_sym(g);
        else random_item(g, t, kG(x) + i * k_item_size(t));
    }
    return x;
}

static K random_table(struct kgen *g, int depth, J rows)
{
    J ncols = 1 + below(g, 4);
    K names = ktn(KS, ncols), cols = ktn(0, ncols);
    for (J i = 0; i < ncols; i++) {
        char name[8];
        snprintf(name, sizeof name, "c%lld", (long long)i);
        kS(names)[i] = ss(name);
        int t = (int)kgen_types[18 + below(g, 19)];   /* vector types 0..19 */
        K col = ktn(t, rows);
        for (J r = 0; r < rows; r++) {
            if (t == 0) kK(col)[r] = kgen_value(g, 10, depth - 1);   /* strings */
            else if (t == KS) kS(col)[r] = random_sym(g);
            else random_item(g, t, kG(col) + r * k_item_size(t));
        }
        kK(cols)[i] = col;
    }
    return xT(xD(names, cols));
}

static K random_function(struct kgen *g, int t, int depth)
{
    static const char *sources[] = { "{x+y}", "{[a;b] a*b}", "{x}", "{til x}" };
    switch (t) {
    case K_LAMBDA:
        return k_lambda(kp((S)sources[below(g, 4)]), below(g, 2) ? "" : "d");
    case K_UNARY: case K_BINARY:
        return k_prim(t, (int)below(g, 40));
    case K_ITERATOR:
        return k_prim(t, (int)below(g, 6));
    case K_PROJECTION: case K_COMPOSITION: {
        J n = 2 + below(g, 2);
        K x = k_func(t, n);
        kK(x)[0] = k_prim(K_BINARY, 1 + (int)below(g, 19));
        for (J i = 1; i < n; i++)
            kK(x)[i] = depth > 0 ? kgen_value(g, kgen_types[below(g, 37)], depth - 1) : kj(1);
        return x;
    }
    default: {
        K x = k_func(t, 1);
        kK(x)[0] = k_prim(K_BINARY, (int)below(g, 20));
        return x;
    }
    }
}

K kgen_value(struct kgen *g, int t, int depth)
{
    if (depth < 0) depth = 0;
    if (t == KERR) return krr(random_sym(g));
    if (t == -KS) return ks(random_sym(g));
    if (t < 0) {
        K x = t == -UU ? ku((U){{0}}) : ka(t);
        G item[16];
        random_item(g, -t, item);
        if (t == -UU) memcpy(kU(x), item, 16);
        else memcpy(&x->g, item, (size_t)k_item_size(-t));
        return x;
    }
    if (t == 0 && depth == 0) return ktn(KJ, below(g, 3));
    if (t <= KT) return random_vector(g, t, depth);
    if (t == XT) return random_table(g, depth, below(g, 6));
    if (t == XD || t == XSD) {
        if (below(g, 3) == 0) {
            J rows = below(g, 5);
            K keys = random_table(g, depth, rows), vals = random_table(g, depth, rows);
            K d = xD(keys, vals);
            d->t = (signed char)t;
            return d;
        }
        K keys = random_vector(g, KS, depth);
        K vals = ktn(KJ, keys->n);
        for (J i = 0; i < keys->n; i++) kJ(vals)[i] = (J)kgen_next(g);
        K d = xD(keys, vals);
        d->t = (signed char)t;
        return d;
    }
    return random_function(g, t, depth);
}

K kgen_hex(const char *hex)
{
    size_t len = strlen(hex);
    K x = ktn(KG, 0);
    int have = 0, hi = 0;
    for (size_t i = 0; i < len; i++) {
        char c = hex[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0) continue;
        if (!have) { hi = v; have = 1; continue; }
        G b = (G)(hi * 16 + v);
        ja(&x, &b);
        have = 0;
    }
    return x;
}
