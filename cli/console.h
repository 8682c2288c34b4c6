/* console.h: what the q console does with one input line around evaluation: whether the
 * result is printed (q-subset.md §7.2) and the text it prints. Used by tickq and by the
 * conformance runner; evaluation is q_eval (common/q/), display is fmt_display.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_CONSOLE_H
#define TICK_CONSOLE_H

#include <stdio.h>

#include "q.h"

/* Does the console stay silent after evaluating src? True when src ends with ';' or its
 * last top-level statement is an assignment (a:…, a::…, a[i]:…, a+:…). Comments after
 * " /" are ignored. This reads the text only; it does not evaluate. */
int console_is_silent(const char *src, J len);

/* The text the console prints for result r of evaluating src: fmt_display of the value,
 * "'name" for an error (r NULL counts as 'wsfull), "" when console_is_silent or r is ::.
 * *is_error is set to 1 for an error. Ownership: r consumed; returns a new char vector
 * (NULL only when memory runs out). */
K console_text(K r, const char *src, J len, int *is_error);

/* console_text of q_eval(src): evaluate locally. Ownership: returns new, as above. */
K console_eval(const char *src, J len, int *is_error);

/* Print text (from console_text) and a newline, on stdout, or on err_out for an error,
 * followed by "  [0]  line" when show_expr. Ownership: text consumed (may be NULL). */
void console_print(K text, int is_error, FILE *err_out, const char *line, int show_expr);

/* Is line the console's exit command \ (blanks around it allowed)? */
int console_is_exit(const char *line);

#endif
