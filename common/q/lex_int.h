/* lex_int.h: numeric and temporal literal decoding shared by lex.c and lex_num.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_LEX_INT_H
#define TICK_LEX_INT_H

#include "k.h"

/* One literal of a juxtaposed run. */
typedef struct lex_num_item {
    int type;     /* positive type code the text spells (KJ for plain integers) */
    int suffix;   /* 1 when a type letter was written */
    int nullinf;  /* 0 value, 1 null, 2 +infinity, 3 -infinity */
    int is_float; /* value is in f, not j */
    J j;          /* underlying integral value */
    F f;          /* float value */
    const char *text; /* the literal as written (borrowed from the source), for a run */
    J len;            /* whose final type letter retypes the items before it */
} lex_num_item;

typedef struct lex_num_run {
    lex_num_item *items; /* the literals so far */
    J n;                 /* their count */
    J cap;               /* allocated slots */
    K vec;               /* a whole-vector token (101b, 0x0102), owned */
    int is_vector_token; /* vec is set: nothing may join the run */
} lex_num_run;

void lex_num_run_init(lex_num_run *run);
void lex_num_run_free(lex_num_run *run);
/* Decode one literal text and add it. Returns 0, or -1 when the text is no literal. */
int lex_num_run_add(lex_num_run *run, const char *text, J len);
/* The run as an atom or vector (or an error). Ownership: returns new; frees the run. */
K lex_num_run_take(lex_num_run *run);
/* End offset of the literal text starting at pos. */
J lex_num_chunk(const char *src, J len, J pos);
/* Is the text a whole-vector literal (boolean or byte vector)? */
int lex_num_is_vector_text(const char *text, J len);

#endif
