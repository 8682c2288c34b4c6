/* serve.c: tickq's network side: console lines from stdin on the shared runtime's loop
 * (common/runtime.c serves IPC and HTTP on -p and fires .z.ts for -t); and the remote
 * console (-c). Transport and the wire format are common/net/; evaluation is common/q/.
 * SPDX-License-Identifier: MIT */
#include "serve.h"

#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "net.h"
#include "runtime.h"

#define SERVE_LINE_BYTES 65536        /* longest console line read from stdin */
#define SERVE_CONNECT_TIMEOUT_MS 10000 /* remote console: give up connecting after this */

/* The loop's state, passed to every callback. */
typedef struct {
    struct event_base *base;  /* the loop */
    struct event *input;      /* stdin readable */
    int interactive;          /* stdin is a terminal: prompt, and exit at its end */
    int serving;              /* a listener or a timer keeps the loop alive */
    char line[SERVE_LINE_BYTES]; /* bytes of the line being read */
    size_t n;                 /* bytes in line */
} serve_loop;

static void prompt(const serve_loop *loop)
{
    if (loop->interactive) { fputs("q)", stdout); fflush(stdout); }
}

/* Evaluate the complete lines in loop->line; keep a partial last line. */
static void run_lines(serve_loop *loop)
{
    char *start = loop->line, *nl;
    while ((nl = memchr(start, '\n', loop->n - (size_t)(start - loop->line))) != NULL) {
        *nl = 0;
        if (nl > start && nl[-1] == '\r') nl[-1] = 0;
        if (console_is_exit(start)) {
            q_exit_hook(0);
            event_base_loopbreak(loop->base);
            return;
        }
        if (*start) {
            int is_error;
            K text = console_eval(start, (J)strlen(start), &is_error);
            console_print(text, is_error, loop->interactive ? stdout : stderr, start,
                          loop->interactive);
        }
        start = nl + 1;
        prompt(loop);
    }
    loop->n -= (size_t)(start - loop->line);
    memmove(loop->line, start, loop->n);
}

static void on_input(evutil_socket_t fd, short what, void *arg)
{
    serve_loop *loop = arg;
    (void)what;
    if (loop->n == sizeof loop->line) loop->n = 0;  /* an over-long line is dropped */
    ssize_t got = read(fd, loop->line + loop->n, sizeof loop->line - loop->n);
    if (got > 0) {
        loop->n += (size_t)got;
        run_lines(loop);
        return;
    }
    /* End of input: a server keeps serving (as q does under nohup); a console exits. */
    event_del(loop->input);
    if (loop->interactive || !loop->serving) event_base_loopbreak(loop->base);
}

/* Evaluate all of stdin when it cannot be watched (a file): blocking reads to its end. */
static void read_all(serve_loop *loop)
{
    ssize_t got;
    for (;;) {
        if (loop->n == sizeof loop->line) loop->n = 0;  /* an over-long line is dropped */
        got = read(STDIN_FILENO, loop->line + loop->n, sizeof loop->line - loop->n);
        if (got <= 0) break;
        loop->n += (size_t)got;
        run_lines(loop);
    }
}

/* Does the process have open IPC connections (a script's hopen, say)? */
static int has_connections(void)
{
    K hs = net_handles();
    int any = hs && hs->n > 0;
    r0(hs);
    return any;
}

int serve_run(const char *port_spec, int timer_ms)
{
    serve_loop *loop = calloc(1, sizeof *loop);
    int rc = 1;
    if (!loop) { fprintf(stderr, "tickq: out of memory\n"); return 1; }
    loop->base = rt_base();
    if (port_spec && rt_listen(port_spec) < 0) goto done;
    if (timer_ms > 0 && rt_timer_start(timer_ms, NULL, NULL) != 0) goto done;
    /* A listener, a timer or open connections keep the loop alive, as in q. */
    loop->serving = port_spec != NULL || timer_ms > 0 || has_connections();
    loop->interactive = isatty(STDIN_FILENO);
    loop->input = event_new(loop->base, STDIN_FILENO, EV_READ | EV_PERSIST, on_input, loop);
    if (!loop->input) { fprintf(stderr, "tickq: no memory for stdin\n"); goto done; }
    struct stat st;
    int pollable = fstat(STDIN_FILENO, &st) == 0
        && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || loop->interactive);
    if (!pollable || event_add(loop->input, NULL) != 0) {
        /* epoll refuses regular files and /dev/null: read them through now, then serve */
        read_all(loop);
        if (!loop->serving) { rc = 0; goto done; }
    }
    prompt(loop);
    rc = rt_run();
done:
    if (loop->input) event_free(loop->input);
    free(loop);
    return rc;
}

/* Send one line to h and print the result. Returns 1 if it was an error. */
static int remote_line(int h, const char *line, int interactive)
{
    K msg = kp((S)line);
    if (!msg) { fputs("'wsfull\n", stderr); return 1; }
    int is_error;
    K text = console_text(net_call(h, msg, 0), line, (J)strlen(line), &is_error);
    r0(msg);
    console_print(text, is_error, interactive ? stdout : stderr, line, interactive);
    return is_error;
}

int serve_remote(const char *host_port, const char *expr)
{
    char host[256] = "127.0.0.1";
    const char *colon = strrchr(host_port, ':');
    const char *port_text = colon ? colon + 1 : host_port;
    if (colon && colon > host_port && (size_t)(colon - host_port) < sizeof host)
        snprintf(host, sizeof host, "%.*s", (int)(colon - host_port), host_port);
    int port = atoi(port_text);
    if (port <= 0 || net_init(NULL, NULL, NULL) != 0) {
        fprintf(stderr, "tickq: -c %s: bad address or no network\n", host_port);
        return 1;
    }
    int h = net_hopen(host, port, NULL, SERVE_CONNECT_TIMEOUT_MS);
    if (h <= 0) {
        fprintf(stderr, "tickq: -c %s: %s\n", host_port,
                h == NET_HOPEN_ACCESS ? "access"
                : h == NET_HOPEN_TIMEOUT ? "timeout" : net_errmsg());
        net_fini();
        return 1;
    }
    int rc = 0;
    if (expr) rc = remote_line(h, expr, 0);
    else {
        int interactive = isatty(STDIN_FILENO);
        static char line[SERVE_LINE_BYTES];
        for (;;) {
            if (interactive) { fputs("q)", stdout); fflush(stdout); }
            if (!fgets(line, sizeof line, stdin)) break;
            line[strcspn(line, "\r\n")] = 0;
            if (console_is_exit(line)) break;
            if (*line) (void)remote_line(h, line, interactive);  /* printed; keep going */
        }
    }
    (void)net_hclose(h);  /* closing at exit: nothing to do on failure */
    net_fini();
    return rc;
}
