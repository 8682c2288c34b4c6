/* serve.h: tickq's network side: serving IPC/HTTP on -p with the .z.ts timer of -t and
 * console lines from stdin in one libevent loop, and the remote console -c.
 * Transport is common/net/ (net.h); evaluation is q.h; line handling is console.h.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_SERVE_H
#define TICK_SERVE_H

/* Serve port_spec ("PORT" or "HOST:PORT"; NULL for none) and call .z.ts every timer_ms
 * (0 for none) while evaluating console lines from stdin, until \\ is read or stdin ends
 * at a terminal; a process with no listener, timer or open connection ends with stdin.
 * The interpreter and the runtime (rt_init) must be initialised. Returns 0, or 1 when the listener
 * or the loop cannot be set up (the reason is printed). */
int serve_run(const char *port_spec, int timer_ms);

/* Remote console: connect to "HOST:PORT" (":PORT" or "PORT" for localhost) and send
 * expr, or each line from stdin, as a sync string; print the result as q displays it.
 * Returns 0, or 1 when the connection fails or (with expr) the result is an error. */
int serve_remote(const char *host_port, const char *expr);

#endif
