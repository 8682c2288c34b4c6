/* runtime.h: the process runtime every daemon shares (design.md "one runtime, several
 * roles"): one libevent loop, the IPC/HTTP listener wired to the interpreter (.z.pg
 * .z.ps .z.po .z.pc .z.w), and a timer (.z.ts or a role's C function). Transport is
 * net.h, evaluation q.h; a console on stdin is the caller's (cli/serve.c).
 * SPDX-License-Identifier: MIT */
#ifndef TICK_RUNTIME_H
#define TICK_RUNTIME_H

#include "k.h"

struct event_base;

/* A role's fast path for incoming IPC messages (the tickerplant's .u.upd): called before
 * the interpreter with the sender's handle; returns NULL to let the interpreter handle
 * msg, else the result (the generic null or an error value for sync requests).
 * Ownership: msg borrowed; returns new. */
typedef K (*rt_message_fn)(int handle, int msg_type, K msg);

/* A role's hook for a closed IPC connection, run before .z.pc (the handle is still
 * valid for lookups). */
typedef void (*rt_close_fn)(int handle);

/* A role's timer callback (instead of .z.ts). */
typedef void (*rt_timer_fn)(void *ctx);

/* Create the loop and the transport with the interpreter as handler; the interpreter
 * must be initialised (q_init). name prefixes error lines. Returns 0, or -1 (printed). */
int rt_init(const char *name);

/* The -u/-U password file (q's flags) for the next rt_init; NULL for none. The path is
 * borrowed until rt_init copies it. */
void rt_password_file_set(const char *path);

/* Close every connection and free the loop. Safe after a failed rt_init. */
void rt_fini(void);

/* The loop, for callers that add their own events (a console on stdin). */
struct event_base *rt_base(void);

/* Listen on "PORT" or "HOST:PORT" (net_listen); sets \p. Returns the port, or -1
 * (printed). */
int rt_listen(const char *port_spec);

/* Call fn(ctx) every ms milliseconds; fn NULL runs .z.ts with the local timestamp
 * (a missing .z.ts is not an error). ms <= 0 stops the timer. Returns 0 or -1. */
int rt_timer_start(int ms, rt_timer_fn fn, void *ctx);

/* Set the role hooks (either may be NULL). */
void rt_message_fn_set(rt_message_fn fn);
void rt_close_fn_set(rt_close_fn fn);

/* The handle whose message is being evaluated (.z.w); 0 for local evaluation. */
int rt_handle(void);

/* Run the loop until rt_stop or until nothing is left to wait for.
 * Returns 0, or 1 when the loop failed. */
int rt_run(void);
void rt_stop(void);

#endif
