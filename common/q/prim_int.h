/* prim_int.h: helpers shared by the prim_*.c files: type classes, conversions between
 * numeric/temporal representations, and per-keyword entry points.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_PRIM_INT_H
#define TICK_PRIM_INT_H

#include "k.h"
#include "q.h"
#include <stdint.h>

/* Longest list a primitive will build; beyond it 'limit (kdb+ has the same error). */
/* Longest list a primitive builds ('limit beyond). Restricted evaluation (untrusted
 * text, the fuzzer) gets a far smaller budget so that one expression cannot take the
 * machine's memory. */
#define PRIM_MAX_ITEMS_ALL ((J)1 << 36)
#define PRIM_MAX_ITEMS_RESTRICTED ((J)1 << 24)
#define PRIM_MAX_ITEMS (q_restricted() ? PRIM_MAX_ITEMS_RESTRICTED : PRIM_MAX_ITEMS_ALL)

int prim_is_temporal(int t);   /* p m d z n u v t */
int prim_is_numeric(int t);    /* b x h i j e f */
int prim_is_integral(int t);   /* b x h i j */
int prim_is_floaty(int t);     /* e f z */
int prim_numeric_rank(int t);  /* b<x<h<i<j<e<f */
/* Tolerant float equality (relative 2^-43, q-subset.md §3.5); NaN equals NaN. */
int prim_float_eq(F a, F b);
/* q's ~: k_match with floats (real, float, datetime) compared tolerantly (§3.5). */
int prim_match_tolerant(K x, K y);
/* Result/compute types of temporal + - (§3.2 table); 0 when 'type. */
int prim_temporal_types(int op, int tx, int ty, int *compute, int *result);
/* x (type tx, atom or vector) as type compute, scaled to result's unit when both are
 * temporal. Ownership: x borrowed; returns new (NULL: no memory). */
K prim_conv_compute(K x, int tx, int compute, int result);
/* The common type two different temporal types compare in (q-subset.md §3.5 table):
 * a type code, -1 for 'type, 0 when the pair is not one of the table's (month,
 * datetime: compared by underlying value). */
int prim_temporal_cmp_type(int tx, int ty);
/* x (temporal type tx, atom or vector) as longs in common's unit for comparing; a
 * timestamp against a time type is its time of day. Ownership: x borrowed; returns new
 * (NULL: no memory). */
K prim_conv_temporal_cmp(K x, int tx, int common);
/* Retype or narrow r to result. Ownership: r consumed; returns new. */
K prim_conv_result(K r, int result);
/* x as a float atom/vector (nulls → NaN), or NULL when not numeric/temporal. New. */
K prim_to_float(K x);
/* x as a long atom/vector (nulls kept), or NULL when not integral/temporal. New. */
K prim_to_long(K x);
/* Item i of vector x as J / F (with its null mapped to nj / NaN). */
J prim_get_j(K x, J i);
F prim_get_f(K x, J i);
/* A one-item atom of x's vector type holding v. Ownership: returns new. */
K prim_atom_j(int type, J v);

/* Deterministic generator for ? and rand (prim_set.c); \S sets the seed. */
uint64_t prim_rand_next(void);
void prim_rand_seed(J seed);

#endif
