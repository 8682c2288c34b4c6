/* netd.c: a test server for the integration tests of common/net/: listens with native
 * handlers (no interpreter) and prints "PORT <n>" on stdout once bound. Stops cleanly
 * on SIGTERM/SIGINT so LeakSanitizer checks it. Message forms (§5.2 subset):
 *   strings: "" -> ::, "ping" -> `pong, "get" -> logged items, "stats" -> opens,closes,
 *            "user" -> .z.u, "x" -> 1 2 3, "t" -> a small table, "err" -> 'boom
 *   a long vector -> its sum; (`push;x) sends x async to the caller first;
 *   (`callback;x) makes a sync call of x to the caller and returns its answer
 *            "defer" -> answered later by (`answer;x) from any connection (-30!)
 *   HTTP: /hook answers "METHOD <X-Test header>" through the http_request hook
 *   (`add;a;b) (`echo;x) (`log;x) (`big;n) -> til n, (`rep;n) -> n#42, (`fail;x) -> 'boom
 * Options: -p HOST:PORT  -U passwordfile  -m maxmsg  -z (compress to loopback)
 *          -t handshake_ms  -o throttle_bytes  -O max_out_bytes  -w (reject user "evil")
 *          -n max_fds (RLIMIT_NOFILE, to test running out of descriptors)
 *          -q (the interpreter evaluates everything: q_value, q_eval, fmt_display)
 * SPDX-License-Identifier: MIT */
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "net.h"
#include "q.h"
#include "ser.h"

#define NETD_ANSWER 42

struct netd {
    K logged;        /* items received by `log, in order */
    J opens;         /* on_open calls */
    J closes;        /* on_close calls */
    int reject_evil; /* -w: on_password refuses user "evil" */
    int deferred_h;  /* handle whose "defer" request awaits (`answer;x) */
    int caller_h;    /* handle of the message being handled */
    int use_q;       /* -q: evaluate with the interpreter instead of the forms above */
};

static struct netd netd_state;

static K netd_table(void)
{
    K names = ktn(KS, 2);
    kS(names)[0] = ss("sym");
    kS(names)[1] = ss("price");
    K syms = ktn(KS, 2);
    kS(syms)[0] = ss("IBM");
    kS(syms)[1] = ss("MSFT");
    K px = ktn(KF, 2);
    kF(px)[0] = 100.25;
    kF(px)[1] = 41.5;
    return xT(xD(names, knk(2, syms, px)));
}

static K netd_string(struct net_conn *c, const char *s)
{
    if (!*s) return NULL;
    if (!strcmp(s, "ping")) return ks("pong");
    if (!strcmp(s, "get")) return r1(netd_state.logged);
    if (!strcmp(s, "user")) return ks((S)net_conn_user(c));
    if (!strcmp(s, "x")) { K v = ktn(KJ, 3); for (J i = 0; i < 3; i++) kJ(v)[i] = i + 1; return v; }
    if (!strcmp(s, "t")) return netd_table();
    if (!strcmp(s, "stats")) { K v = ktn(KJ, 2); kJ(v)[0] = netd_state.opens; kJ(v)[1] = netd_state.closes; return v; }
    if (!strcmp(s, "err")) return krr("boom");
    if (!strcmp(s, "defer")) { netd_state.deferred_h = net_conn_handle(c); return net_deferred(); }
    return krr("nyi");
}

/* Ownership: x borrowed; returns new. */
static K netd_call(K f, K x)
{
    const char *name = f->t == -KS ? f->s : NULL;
    if (!name) return krr("type");
    J argc = x->n - 1;
    K a = argc > 0 ? kK(x)[1] : NULL;
    if (!strcmp(name, "add") && argc == 2 && a->t == -KJ && kK(x)[2]->t == -KJ) return kj(a->j + kK(x)[2]->j);
    if (!strcmp(name, "echo") && argc == 1) return r1(a);
    if (!strcmp(name, "log") && argc == 1) { jk(&netd_state.logged, r1(a)); return NULL; }
    if (!strcmp(name, "fail")) return krr("boom");
    /* The server calling back into the client while it waits (§5.6). */
    if (!strcmp(name, "push") && argc == 1) {
        K err = NULL;
        if (net_send(netd_state.caller_h, SER_ASYNC, a, &err)) return err ? err : krr("close");
        return ks("pushed");
    }
    if (!strcmp(name, "callback") && argc == 1) return net_call(netd_state.caller_h, a, 5000);
    if (!strcmp(name, "answer") && argc == 1) return kj(net_respond(netd_state.deferred_h, a));
    if ((!strcmp(name, "big") || !strcmp(name, "rep")) && argc == 1 && a->t == -KJ) {
        K v = ktn(KJ, a->j);
        int is_rep = name[0] == 'r';
        for (J i = 0; i < a->j; i++) kJ(v)[i] = is_rep ? NETD_ANSWER : i;
        return v;
    }
    return krr(name);
}

static K netd_on_message(struct net_conn *c, int msg_type, K x)
{
    (void)msg_type;
    netd_state.caller_h = net_conn_handle(c);
    if (x->t == KC) {
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)x->n, (char *)kC(x));
        return netd_string(c, buf);
    }
    if (x->t == KJ) {   /* a bare long vector: its sum (tests the large flat-vector path) */
        J sum = 0;
        for (J i = 0; i < x->n; i++) sum += kJ(x)[i];
        return kj(sum);
    }
    if (x->t == 0 && x->n > 0) {
        K f = kK(x)[0];
        if (f->t == KC) {
            K name = ks(sn((char *)kC(f), (I)f->n));
            K r = netd_call(name, x);
            r0(name);
            return r;
        }
        return netd_call(f, x);
    }
    return krr("nyi");
}

static int netd_on_password(struct net_conn *c, const char *user, const char *password)
{
    (void)c; (void)password;
    return !(netd_state.reject_evil && !strcmp(user, "evil"));
}

static void netd_on_open(struct net_conn *c) { (void)c; netd_state.opens++; }
static void netd_on_close(struct net_conn *c) { (void)c; netd_state.closes++; }

static K netd_http_eval(struct net_conn *c, const char *expr) { return netd_string(c, expr); }

/* .z.ph stand-in: "/hook" answers with the X-Test header's value; others fall through. */
static K netd_http_request(struct net_conn *c, const char *method, const char *target, K headers)
{
    (void)c;
    if (strcmp(target, "hook")) return NULL;
    K keys = kK(headers)[0], vals = kK(headers)[1];
    const char *value = "";
    J value_n = 0;
    for (J i = 0; i < keys->n; i++)
        if (!strcmp(kS(keys)[i], "X-Test")) { value = (char *)kC(kK(vals)[i]); value_n = kK(vals)[i]->n; }
    char buf[512];
    int n = snprintf(buf, sizeof buf, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %d\r\n\r\n%s %.*s", (int)(strlen(method) + 1 + (size_t)value_n),
                     method, (int)value_n, value);
    return kpn(buf, n);
}

static K netd_http_names(struct net_conn *c)
{
    (void)c;
    K names = ktn(KS, 2), counts = ktn(KJ, 2);
    kS(names)[0] = ss("t");
    kS(names)[1] = ss("x");
    kJ(counts)[0] = 2;
    kJ(counts)[1] = nj;
    return xD(names, counts);
}

/* -q: the interpreter answers, as kdb+'s default .z.pg/.z.ps/.z.ph do. */
static K netd_q_message(struct net_conn *c, int msg_type, K x)
{
    (void)c; (void)msg_type;
    return q_value(x);
}

static K netd_q_http_eval(struct net_conn *c, const char *expr)
{
    (void)c;
    return q_eval(expr, (J)strlen(expr));
}

/* GET /: root names, tables with their row counts (§6.3). */
static K netd_q_names(struct net_conn *c)
{
    (void)c;
    const char *src = "{x!{$[98h=type v:value x;count v;0N]}each x}system\"v\"";
    const char *plain = "system\"v\"";
    K r = q_eval(src, (J)strlen(src));
    if (r && r->t == KERR) { r0(r); r = q_eval(plain, (J)strlen(plain)); }
    return r;
}

static void netd_on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig; (void)what;
    event_base_loopbreak(arg);
}

int main(int argc, char **argv)
{
    struct net_config cfg;
    net_config_init(&cfg);
    const char *spec = "0";
    int opt;
    while ((opt = getopt(argc, argv, "p:U:m:zt:o:O:wn:q")) != -1) {
        switch (opt) {
        case 'p': spec = optarg; break;
        case 'U': cfg.password_file = optarg; break;
        case 'm': cfg.max_msg_bytes = atoll(optarg); break;
        case 'z': cfg.compress_local = 1; break;
        case 't': cfg.handshake_timeout_ms = atoi(optarg); break;
        case 'o': cfg.throttle_out_bytes = atoll(optarg); break;
        case 'O': cfg.max_out_bytes = atoll(optarg); break;
        case 'w': netd_state.reject_evil = 1; break;
        case 'q': netd_state.use_q = 1; break;
        case 'n': {
            struct rlimit lim = { (rlim_t)atoll(optarg), (rlim_t)atoll(optarg) };
            if (setrlimit(RLIMIT_NOFILE, &lim)) { perror("netd: setrlimit"); return 2; }
            break;
        }
        default: fprintf(stderr, "usage: netd [-p HOST:PORT] [-U file] [-m max] [-z] [-t ms] [-o n] [-O n] [-w]\n"); return 2;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    struct event_base *base = event_base_new();
    struct net_handler h = {
        .on_message = netd_on_message, .on_password = netd_on_password,
        .on_open = netd_on_open, .on_close = netd_on_close,
        .http_eval = netd_http_eval, .http_names = netd_http_names,
        .http_request = netd_http_request,
    };
    netd_state.logged = ktn(0, 0);
    if (netd_state.use_q) {
        if (q_init()) { fprintf(stderr, "netd: q_init failed\n"); return 1; }
        h.on_message = netd_q_message;
        h.http_eval = netd_q_http_eval;
        h.http_names = netd_q_names;
        h.http_request = NULL;
        net_text_fn_set(fmt_display);
    }
    if (net_init(base, &h, &cfg)) { fprintf(stderr, "netd: %s\n", net_errmsg()); return 1; }
    int port = net_listen(spec);
    if (port < 0) { fprintf(stderr, "netd: %s\n", net_errmsg()); return 1; }
    printf("PORT %d\n", port);
    fflush(stdout);
    struct event *term = evsignal_new(base, SIGTERM, netd_on_signal, base);
    struct event *intr = evsignal_new(base, SIGINT, netd_on_signal, base);
    event_add(term, NULL);
    event_add(intr, NULL);
    event_base_dispatch(base);
    event_free(term);
    event_free(intr);
    net_fini();
    r0(netd_state.logged);
    if (netd_state.use_q) q_fini();
    event_base_free(base);
    tk_sym_fini();
    return 0;
}
