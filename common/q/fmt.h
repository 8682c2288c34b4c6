/* fmt.h: the q console display of K values (q-subset.md §3.20) beyond fmt_display in q.h:
 * the single-line form, `string`, and \P.
 * Primitive names come from prim_name (prim.h) when the interpreter is linked.
 * Evaluation is elsewhere in common/q/; this module only turns values into text.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_Q_FMT_H
#define TICK_Q_FMT_H

#include "q.h"

/* Set the float display precision \P (significant digits, 1–17; 0 means 17 as in q).
 * Returns the previous value. The default is 7. */
int fmt_precision_set(int digits);

/* The single-line form of x (q-subset.md §3.20 "Single-line form"), as 0N!, -3! and
 * .Q.s1 show it. Ownership: x borrowed; returns a new char vector ('wsfull on no memory). */
K fmt_line(K x);

/* q's `string`: an atom gives its text without suffix or quotes (nulls give ""), a vector
 * or list gives a general list of strings (a char vector stays a list of one-char
 * strings), a function gives its source. Ownership: x borrowed; returns new. */
K fmt_string(K x);

#endif
