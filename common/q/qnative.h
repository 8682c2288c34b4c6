/* qnative.h: how a role (tickerplant, rdb) puts C functions and values into the
 * interpreter's namespaces (design.md "Value model": .u.upd and upd are native).
 * The interpreter itself is q.h; implementation in eval_native.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_QNATIVE_H
#define TICK_QNATIVE_H

#include "k.h"

/* A native function: called with n arguments. Ownership: args borrowed; returns new
 * (an error value of type -128 to signal). */
typedef K (*q_native_fn)(K *args, int n);

/* A function value (type K_NATIVE) of the given rank that calls fn; name is for display.
 * Ownership: returns new. */
K q_native_new(const char *name, int rank, q_native_fn fn);

/* Set a global by name (".u.upd" absolute, else in the current namespace).
 * Ownership: value consumed. Returns 0, or -1 when memory runs out. */
int q_global_set(const char *name, K value);

/* The value of a global, or NULL when undefined. Ownership: returns new. */
K q_global_get(const char *name);

/* Route applications of integer handles other than 0, 1, 2, -1, -2 (net/ installs it):
 * the hook returns 1 and sets *result (new ref, or an error value) when it handled
 * handle h; 0 when h is not one of its handles ('type then). Ownership: msg borrowed. */
void q_handle_hook_set(int (*hook)(I handle, K msg, K *result));

/* The \t timer setting in ms (0 = off), for the process loop that runs .z.ts; and the
 * listening port that \p reports, set by whoever opened it. */
J q_timer_ms(void);
void q_port_set(J port);

/* Name and rank of a native function value; NULL when x is not one. */
const char *q_native_name(K x);

#endif
