/* eval_int.h: evaluator internals shared by eval.c, eval_apply.c, eval_iter.c, eval_ns.c
 * and eval_amend.c: frames, namespaces, depth limit.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_EVAL_INT_H
#define TICK_EVAL_INT_H

#include "k.h"

#define EVAL_MAX_DEPTH 2000   /* nested evaluations before 'stack */
#define EVAL_NAME_CHAIN_MAX 64 /* symbols naming symbols followed when applying one */
#define EVAL_FRAME_INLINE 16  /* locals held without allocation */
#define EVAL_RESTRICTED_STEPS 1000  /* loop steps allowed in restricted mode ('limit after):
                                       * enough for real programs, small enough that a
                                       * loop doing O(n) work per step stays quick */

typedef struct eval_frame {
    K lambda;     /* compiled lambda being applied (borrowed) */
    S *names;     /* params then locals */
    K *vals;      /* their values (owned; NULL = unset) */
    J n;          /* names */
    S ctx;        /* namespace the lambda was defined in */
    int returned; /* a ':x' has run: unwind statements */
} eval_frame;

/* Evaluate tree t in frame (NULL at top level). Ownership: t borrowed; returns new. */
K eval_tree(eval_frame *frame, K t);
int eval_depth_enter(void);  /* 0, or -1 when too deep ('stack) */
void eval_depth_leave(void);

/* Namespaces (eval_ns.c). */
int eval_ns_init(void);
void eval_ns_fini(void);
int eval_namespace_set(S name);
K eval_global_peek(S ctx, S name);             /* borrowed, NULL if undefined */
int eval_global_store(S ctx, S name, K value); /* consumes value */
/* Remove name (as resolved in ctx) so it is undefined again, as \x does; 1 when it was
 * defined, 0 otherwise. */
int eval_global_delete(S ctx, S name);
K eval_namespace_dict(S name);                 /* new, NULL if no such namespace */

/* Application helpers (eval_apply.c). */
J eval_rank(K f);
K eval_project(K f, K *args, int n);  /* projection of f; args borrowed; new */
K eval_apply_lambda(K f, K *args, int n);
K eval_index_depth(K x, K *idx, int n);

/* Amend (eval_amend.c): d with items at path idx[0..n) replaced by f[item;y] (or y when
 * f is NULL or ':'; f[item] when y is NULL). Ownership: d consumed; others borrowed. */
K eval_amend(K d, K *idx, int n, K f, K y);
/* Apply with one/two arguments. Ownership: borrowed; returns new. */
K eval_apply1(K f, K x);
K eval_apply2(K f, K x, K y);

/* .[d;path;f;y]: path a list of indexes, () = whole. Ownership: d consumed. */
K eval_amend_path(K d, K path, K f, K y);
/* f . list. Ownership: borrowed; returns new. */
K eval_apply_list(K f, K list);
/* Table literal node; \cmd / system. Ownership: borrowed; returns new. */
K eval_table(eval_frame *frame, K t);
K eval_system(K cmd);
int eval_is_table(K x); /* table, keyed table or symbol */
/* Native C function values (K_NATIVE). */
K eval_native_call(K f, K *args, int n);
K eval_handle(K h, K msg);
/* h msg on a file handle from hopen (prim_file.c): append; 1 with *result set (new), or
 * 0 when handle is no file's. Ownership: msg borrowed. */
int eval_file_apply(I handle, K msg, K *result);
J eval_native_rank(K f);
void eval_native_fini(void);

#endif
