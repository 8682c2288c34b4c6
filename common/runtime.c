/* runtime.c: the shared process runtime: event loop, listener and timer, with incoming
 * messages evaluated as kdb+ does (.z.pg/.z.ps when defined, else value) and the .z.po
 * .z.pc hooks. Transport is common/net/, evaluation common/q/; roles add fast paths.
 * SPDX-License-Identifier: MIT */
#include "runtime.h"
#include "qipc.h"

#include <event2/event.h>
#include <stdio.h>
#include <string.h>

#include "net.h"
#include "q.h"
#include "qnative.h"
#include "ser.h"

#define RT_MS_PER_SEC 1000
#define RT_US_PER_MS 1000

/* The runtime's state: one per process (design.md allows the event base as a global). */
static struct {
    struct event_base *base;  /* the loop */
    struct event *timer;      /* the periodic timer, or NULL */
    rt_timer_fn timer_fn;     /* role callback, or NULL for .z.ts */
    void *timer_ctx;          /* its argument */
    rt_message_fn message_fn; /* role fast path, or NULL */
    rt_close_fn close_fn;     /* role close hook, or NULL */
    int handle;               /* handle of the message being evaluated (.z.w) */
    const char *name;         /* process name for error lines */
} rt;

/* Apply the q hook named name (.z.pg …) to arg when it is defined. Returns its result,
 * or NULL when the hook is undefined. Ownership: arg borrowed; returns new. */
static K rt_hook_call(const char *name, K arg)
{
    K f = q_global_get(name);
    if (!f) return NULL;
    K call = knk(2, f, r1(arg));
    if (!call) return krr("wsfull");
    K r = q_value(call);
    r0(call);
    return r;
}

/* Make .z.w answer h while a message is evaluated: a global shadows the interpreter's
 * computed .z.w (which knows no connections). */
static void rt_handle_set(int h)
{
    rt.handle = h;
    K v = ki(h);
    if (v && q_global_set(".z.w", v) != 0) { /* no memory: .z.w stays stale */ }
}

/* A sync or async IPC message: the role's fast path, else .z.pg/.z.ps, else value
 * (q-subset.md §5.2). Ownership: msg borrowed; returns new. */
static K rt_on_message(struct net_conn *c, int msg_type, K msg)
{
    int h = net_conn_handle(c);
    K r = NULL;
    const char *what = "async message";
    if (rt.message_fn) {
        rt.handle = h;
        r = rt.message_fn(h, msg_type, msg);
        rt.handle = 0;
    }
    if (!r) {
        rt_handle_set(h);
        r = rt_hook_call(msg_type == SER_SYNC ? ".z.pg" : ".z.ps", msg);
        if (r) what = ".z.ps";
        else r = q_value(msg);
        rt_handle_set(0);
    }
    /* an async message has no reply to carry its error: print it, as for .z.po */
    if (msg_type != SER_SYNC && r && r->t == KERR)
        fprintf(stderr, "%s: %s from handle %d: '%s\n", rt.name, what, h, r->s);
    return r;
}

/* GET /?expr and its .txt/.json forms, evaluated as a sync text message from c would be:
 * the role's hook sees it first (the TP refreshes .u.i, the HDB reads a table the text
 * uses as a value), and .z.w is c. Ownership: returns new. */
static K rt_http_eval(struct net_conn *c, const char *expr)
{
    int h = c ? net_conn_handle(c) : 0;
    K msg = kp((S)expr);
    if (!msg) return krr("wsfull");
    K r = NULL;
    rt_handle_set(h);
    if (rt.message_fn) r = rt.message_fn(h, SER_SYNC, msg);
    if (!r) r = q_eval(expr, (J)strlen(expr));
    rt_handle_set(0);
    r0(msg);
    return r;
}

/* GET /: the names in the root namespace with the row counts of tables (null for the
 * rest), as q's page lists them; the runtime's own natives (hopen …) are left out.
 * Ownership: returns new. */
static K rt_http_names(struct net_conn *c)
{
    (void)c;
    static const char src[] =
        "{x!{$[98h=type v:value x;count v;0N]} each x} {x where not 112h=type each value each x}"
        " system \"v\"";
    K r = q_eval(src, (J)strlen(src));
    if (r && r->t == XD) return r;
    r0(r);
    return ktn(KS, 0);
}

/* .z.pw[user;password]: a defined hook must return 1b to let the connection in. */
static int rt_on_password(struct net_conn *c, const char *user, const char *password)
{
    (void)c;
    K f = q_global_get(".z.pw");
    if (!f) return 1;
    K call = knk(3, f, ks((S)user), kp((S)password));
    K r = call ? q_value(call) : NULL;
    int ok = r && r->t == -KB && r->g;
    if (r && r->t == KERR) fprintf(stderr, "%s: .z.pw: '%s\n", rt.name, r->s);
    r0(r);
    r0(call);
    return ok;
}

/* .z.ph (GET, HEAD) and .z.pp (POST) when defined: (request text; headers) -> the whole
 * HTTP response as a string. .z.ph is defined from the start (rt_zph_define) and gives
 * the built-in routes; undefined hooks (.z.pp, or .z.ph expunged) leave them too. */
static K rt_http_request(struct net_conn *c, const char *method, const char *target, K headers)
{
    const char *hook = !strcmp(method, "POST") ? ".z.pp"
                     : !strcmp(method, "GET") || !strcmp(method, "HEAD") ? ".z.ph" : NULL;
    K f = hook ? q_global_get(hook) : NULL;
    if (!f) return NULL;
    rt_handle_set(net_conn_handle(c));
    K call = knk(2, f, knk(2, kp((S)target), r1(headers)));
    K r = call ? q_value(call) : NULL;
    rt_handle_set(0);
    r0(call);
    if (r && r->t == KC) return r;
    K text = r && r->t == KERR ? k_err_fmt("%s", r->s) : NULL;
    r0(r);
    /* A hook that fails or returns no string answers 400 with q's error text. */
    char body[256];
    int n = snprintf(body, sizeof body, "'%s", text ? text->s : "type");
    r0(text);
    char resp[512];
    int len = snprintf(resp, sizeof resp, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                       "Connection: close\r\nContent-Length: %d\r\n\r\n%s", n, body);
    return kpn(resp, len);
}

/* .tick.ph[x], the work of the default .z.ph: the built-in page for x, the request
 * (target; headers) as .z.ph receives it, or the target text alone. Ownership: borrowed
 * args; returns new. */
static K rt_q_ph(K *a, int n)
{
    (void)n;
    K x = a[0], target = x->t == 0 && x->n >= 1 ? kK(x)[0] : x;
    if (target->t != KC && target->t != -KC) return krr("type");
    J len = target->t == KC ? target->n : 1;
    if (len > NET_HTTP_MAX_LINE_BYTES) return krr("length");
    char text[NET_HTTP_MAX_LINE_BYTES + 1];
    memcpy(text, target->t == KC ? (const char *)kC(target) : (const char *)&target->g, (size_t)len);
    text[len] = 0;
    K r = net_http_builtin(rt.handle ? net_conn_get(rt.handle) : NULL, text);
    return r ? r : krr("wsfull");
}

/* Define .z.ph as kdb+ has it, a lambda (the page is built in C). Returns 0 or -1. */
static int rt_zph_define(void)
{
    static const char define[] = ".z.ph:{.tick.ph x}";
    K f = q_native_new(".tick.ph", 1, rt_q_ph);
    if (!f || q_global_set(".tick.ph", f) != 0) return -1;
    K r = q_eval(define, (J)strlen(define));
    int rc = r && r->t != KERR ? 0 : -1;
    r0(r);
    return rc;
}

/* Run a connection hook (.z.po / .z.pc) with the handle; errors are printed. */
static void rt_conn_hook(const char *name, int h)
{
    K arg = ki(h);
    if (!arg) return;
    rt_handle_set(h);
    K r = rt_hook_call(name, arg);
    rt_handle_set(0);
    if (r && r->t == KERR) fprintf(stderr, "%s: %s: '%s\n", rt.name, name, r->s);
    r0(r);
    r0(arg);
}

static void rt_on_open(struct net_conn *c) { rt_conn_hook(".z.po", net_conn_handle(c)); }

static void rt_on_close(struct net_conn *c)
{
    int h = net_conn_handle(c);
    if (rt.close_fn) rt.close_fn(h);
    rt_conn_hook(".z.pc", h);
}

/* The timer: the role's function, else .z.ts with the local timestamp (kdb+). */
static void rt_on_timer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    if (rt.timer_fn) { rt.timer_fn(rt.timer_ctx); return; }
    static const char call[] = ".z.ts .z.P";
    K r = q_eval(call, (J)strlen(call));
    if (r && r->t == KERR && strcmp(r->s, ".z.ts") != 0) fprintf(stderr, "'%s\n", r->s);
    r0(r);
}

static const char *rt_password_file;   /* -u/-U FILE for the next rt_init */

void rt_password_file_set(const char *path) { rt_password_file = path; }

int rt_init(const char *name)
{
    struct net_handler handler = {
        .on_message = rt_on_message, .http_eval = rt_http_eval,
        .http_names = rt_http_names, .http_request = rt_http_request,
        .on_password = rt_on_password,
        .on_open = rt_on_open, .on_close = rt_on_close,
    };
    rt.name = name ? name : "runtime";
    if (!(rt.base = event_base_new())) {
        fprintf(stderr, "%s: no event loop\n", rt.name);
        return -1;
    }
    struct net_config cfg;
    net_config_init(&cfg);
    cfg.password_file = rt_password_file;
    if (net_init(rt.base, &handler, &cfg) != 0) {
        fprintf(stderr, "%s: %s\n", rt.name, net_errmsg());
        event_base_free(rt.base);
        rt.base = NULL;
        return -1;
    }
    net_text_fn_set(fmt_display);
    if (qipc_init() != 0 || rt_zph_define() != 0) {
        fprintf(stderr, "%s: out of memory registering hopen and .z.ph\n", rt.name);
        rt_fini();
        return -1;
    }
    return 0;
}

void rt_fini(void)
{
    if (!rt.base) return;
    net_fini();
    if (rt.timer) event_free(rt.timer);
    event_base_free(rt.base);
    memset(&rt, 0, sizeof rt);
}

struct event_base *rt_base(void) { return rt.base; }

int rt_listen(const char *port_spec)
{
    int port = net_listen(port_spec);
    if (port < 0) {
        fprintf(stderr, "%s: -p %s: %s\n", rt.name, port_spec, net_errmsg());
        return -1;
    }
    q_port_set(port);
    return port;
}

int rt_timer_start(int ms, rt_timer_fn fn, void *ctx)
{
    if (rt.timer) { event_free(rt.timer); rt.timer = NULL; }
    rt.timer_fn = fn;
    rt.timer_ctx = ctx;
    if (ms <= 0) return 0;
    struct timeval every = { .tv_sec = ms / RT_MS_PER_SEC,
                             .tv_usec = ms % RT_MS_PER_SEC * RT_US_PER_MS };
    rt.timer = event_new(rt.base, -1, EV_PERSIST, rt_on_timer, NULL);
    if (!rt.timer || event_add(rt.timer, &every) != 0) {
        fprintf(stderr, "%s: no timer\n", rt.name);
        return -1;
    }
    return 0;
}

void rt_message_fn_set(rt_message_fn fn) { rt.message_fn = fn; }
void rt_close_fn_set(rt_close_fn fn) { rt.close_fn = fn; }
int rt_handle(void) { return rt.handle; }

int rt_run(void) { return event_base_dispatch(rt.base) < 0 ? 1 : 0; }
void rt_stop(void) { if (rt.base) event_base_loopbreak(rt.base); }
