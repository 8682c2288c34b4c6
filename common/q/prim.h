/* prim.h: the primitive functions of q (operators and keywords) as values: their codes,
 * names and entry points. Used by eval.c and by the formatter to name a primitive value.
 * The implementations are in prim_*.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_PRIM_H
#define TICK_PRIM_H

#include "k.h"

/* Operator glyph codes: K_BINARY codes as kdb+ puts them on the wire (0..19). */
enum prim_op {
    PRIM_OP_COLON, PRIM_OP_PLUS, PRIM_OP_MINUS, PRIM_OP_TIMES, PRIM_OP_DIVIDE, PRIM_OP_AND,
    PRIM_OP_OR, PRIM_OP_FILL, PRIM_OP_EQ, PRIM_OP_LT, PRIM_OP_GT, PRIM_OP_CAST, PRIM_OP_JOIN,
    PRIM_OP_TAKE, PRIM_OP_DROP, PRIM_OP_MATCH, PRIM_OP_BANG, PRIM_OP_FIND, PRIM_OP_AT,
    PRIM_OP_DOT,
    PRIM_OP_LE = 30, PRIM_OP_GE = 31, PRIM_OP_NE = 32,
    PRIM_OP_IDENT = 33 /* '::' token; evaluates to the identity */
};
#define PRIM_OP_GLYPHS ":+-*%&|^=<>$,#_~!?@."

/* Iterator codes: K_ITERATOR codes, kdb+ order. */
enum prim_iter { PRIM_IT_EACH, PRIM_IT_OVER, PRIM_IT_SCAN, PRIM_IT_PRIOR, PRIM_IT_RIGHT,
                 PRIM_IT_LEFT };

/* Keyword values are K_UNARY (rank 1) or K_BINARY (rank 2) with a code at or above
 * PRIM_KW_BASE; k's monadic glyph forms (#: count …) use codes 1..19 of K_UNARY. */
#define PRIM_KW_BASE 40
#define PRIM_KW_AJ 142   /* aj[c;t;q]: rank 3 */
#define PRIM_KW_AJ0 143
#define PRIM_KW_EJ 144    /* ej[c;t;q]: rank 3 */
#define PRIM_KW_FILE_TEXT 148  /* `:f 0: lines */
#define PRIM_KW_SSR 157   /* ssr[x;y;z]: rank 3 */

/* The display name of a primitive value ("+", "count", "/:"), or NULL when x is not a
 * primitive. Ownership: x borrowed; returns static text. */
const char *prim_name(K x);

/* Forget cached interned names (q_fini; the symbol table may be freed after). */
void prim_fini(void);

/* Find a keyword by name (an interned symbol): returns its value (immortal-free new ref) or NULL. */
K prim_keyword(S name);
/* Does the keyword value f take infix syntax (and, mod, in …)? */
int prim_is_infix(K f);

/* Apply a unary/binary primitive. Ownership: arguments borrowed; returns new. */
K prim_apply1(int code, K x);
K prim_apply2(int code, K x, K y);

/* Shared helpers for prim_*.c. Ownership: borrowed; returns new. */
K prim_arith(int op, K x, K y);       /* + - * % & | and comparisons, atomic */
K prim_null_of(int type);              /* typed null atom for a vector/atom type */
K prim_item(K x, J i);                 /* item i of a list (atom for vectors) */
K prim_squeeze(K list);                /* general list of same-type atoms → vector;
                                          Ownership: consumes list */
int prim_is_null_item(K x, J i);       /* is item i of a vector null */

K prim_vector_cond(K c, K a, K b);    /* ?[c;a;b] */
K prim_fast_over(int op, K x);         /* speed only: NULL when not applicable */
int prim_is_variadic(K f);             /* enlist */
K prim_enlist_n(K *args, int n);      /* enlist[a;b;…] */

#endif
