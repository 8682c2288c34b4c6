/* kgen.h: random K values of every wire type, for round-trip tests and benchmarks.
 * Deterministic for a given seed (xorshift), so a failure can be replayed.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_KGEN_H
#define TICK_KGEN_H
#include "k.h"

struct kgen { uint64_t state; };   /* xorshift64* state, never 0 */

void kgen_seed(struct kgen *g, uint64_t seed);
uint64_t kgen_next(struct kgen *g);

/* A random value of type t (any wire type: atoms, vectors, 0, 98, 99, 127, 100..111,
 * -128), nesting at most depth levels. Ownership: returns new. */
K kgen_value(struct kgen *g, int t, int depth);

/* Every wire type code kgen_value accepts, and how many there are. */
extern const int kgen_types[];
extern const int kgen_ntypes;

/* Parse hex text (spaces ignored) into a byte vector. Ownership: returns new. */
K kgen_hex(const char *hex);

#endif
