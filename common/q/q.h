/* q.h: the interpreter's public interface: evaluate q text, parse it, and display
 * values as the q console does. Lexing, parsing, evaluation and formatting live in
 * their own files in common/q/ (see design.md "Interpreter").
 * SPDX-License-Identifier: MIT */
#ifndef TICK_Q_H
#define TICK_Q_H

#include "k.h"

/* Set up / tear down the interpreter's global state (root namespace, .z, .q …).
 * q_init returns 0, or -1 when memory runs out. */
int q_init(void);
void q_fini(void);

/* Parse and evaluate q source text in the root namespace, as `value` does on a string.
 * Returns the result, or an error value (type -128, text as q names it: "type",
 * "length", or an undefined name). Ownership: returns new. */
K q_eval(const char *src, J len);

/* Apply a received IPC message as kdb+'s default .z.pg/.z.ps does (q-subset.md §5.2):
 * a string is evaluated; a list (f;args…) applies f (symbol, string or function) to the
 * args as data; a symbol gives the named global. Ownership: msg borrowed; returns new. */
K q_value(K msg);

/* The parse tree of src as q's `parse` shows it. Ownership: returns new. */
K q_parse(const char *src, J len);

/* Restricted mode for untrusted text (fuzzing, a sandboxed query port): while on,
 * system commands that reach the shell or the file system (\cd \l \\ and any shell
 * text), `exit`, file writes through `set`, and IPC handles other than 0/1/2 signal
 * 'access. Builtins added elsewhere that touch files or processes check q_restricted().
 * Process-wide, not per namespace. */
void q_restrict_set(int on);
int q_restricted(void);

/* Leave the process as `exit n` and the \\ command do: .z.exit[code] runs first when
 * defined (its error is printed, not raised), then output is flushed and exit(code).
 * q_exit_hook runs only the handler, for a console that returns from main itself. */
void q_exit_hook(int code);
_Noreturn void q_exit(int code);

/* The console display of x (q-subset.md §3.20), lines joined by "\n", no trailing
 * newline; the generic null displays as an empty string. Ownership: x borrowed;
 * returns a new char vector. */
K fmt_display(K x);

/* File handles (q-subset.md §5.3, §5.6), for hopen/hclose (qipc.c): open the log at path
 * for appending (created, with its directories, if missing) and return its handle (a
 * positive int unique among sockets), or -1; close one: 0, or -1 when h is no file's. */
int q_file_hopen(const char *path);
int q_file_hclose(int h);

#endif
