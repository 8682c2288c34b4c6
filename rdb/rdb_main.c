/* rdb_main.c: the rdb process, as r.q: command line, the interpreter with an optional
 * script or -e expression (a q upd replaces the native one), the first subscription and
 * replay, then the shared runtime's loop serving queries. The role's work is in the
 * other rdb_*.c files. SPDX-License-Identifier: MIT */
#include <errno.h>
#include <event2/event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "q.h"
#include "qipc.h"
#include "rdb.h"
#include "runtime.h"

#define RDB_READ_CHUNK 8192

struct rdb_options {
    const char *tp;       /* [host]:port[:user:pass] of the TP */
    const char *hdb;      /* ... of the HDB */
    const char *port;     /* -p */
    const char *script;   /* --script FILE */
    const char *expr;     /* -e EXPR */
};

static void rdb_usage(FILE *out)
{
    fprintf(out,
"usage: rdb [tphost]:port[:user:pass] [hdbhost]:port[:user:pass] [options]   (as r.q)\n"
"  defaults %s and %s\n"
"  -p PORT          listen on PORT or HOST:PORT (default %s; 0 picks a free port)\n"
"  -u|-U FILE       password file of user:password lines (plain, MD5 or SHA-1)\n"
"  --hdb-dir DIR    end-of-day root (default: <journal dir>/<schema name>, as r.q)\n"
"  --script FILE    q script run before subscribing (may define upd)\n"
"  -e EXPR          q expression run before subscribing (may define upd)\n"
"  --help           this text\n"
"prints \"PORT n\" on stdout once subscribed and replayed\n",
            RDB_DEFAULT_TP, RDB_DEFAULT_HDB, RDB_DEFAULT_PORT);
}

int rdb_peer_parse(const char *text, struct rdb_peer *p)
{
    char spec[RDB_HOST_BYTES + RDB_CRED_BYTES];
    /* the command line form lacks the handle's leading colon: ":5010" is host "" */
    snprintf(spec, sizeof spec, ":%s", text);
    p->port = qipc_parse_target(spec, p->host, sizeof p->host, p->cred, sizeof p->cred);
    return p->port > 0 ? 0 : -1;
}

/* Parse argv. Returns 0, 1 for --help, -1 on an error (printed). */
static int rdb_args(int argc, char **argv, struct rdb_options *o)
{
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = !strcmp(a, "-p") || !strcmp(a, "--hdb-dir") || !strcmp(a, "--script")
            || !strcmp(a, "-e") || !strcmp(a, "-u") || !strcmp(a, "-U");
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) return 1;
        if (takes && !val) { fprintf(stderr, "rdb: %s needs a value\n", a); return -1; }
        if (takes) i++;
        if (!strcmp(a, "-p")) o->port = val;
        else if (!strcmp(a, "-u") || !strcmp(a, "-U")) rt_password_file_set(val);
        else if (!strcmp(a, "--hdb-dir")) rdb.hdb_dir = val;
        else if (!strcmp(a, "--script")) o->script = val;
        else if (!strcmp(a, "-e")) o->expr = val;
        else if (a[0] == '-' && a[1]) { fprintf(stderr, "rdb: unknown option %s\n", a); return -1; }
        else if (positional == 0) { o->tp = a; positional++; }
        else if (positional == 1) { o->hdb = a; positional++; }
        else { fprintf(stderr, "rdb: unexpected argument %s\n", a); return -1; }
    }
    if (rdb_peer_parse(o->tp, &rdb.tp)) { fprintf(stderr, "rdb: bad TP address %s\n", o->tp); return -1; }
    if (rdb_peer_parse(o->hdb, &rdb.hdb)) { fprintf(stderr, "rdb: bad HDB address %s\n", o->hdb); return -1; }
    return 0;
}

/* Evaluate q text, printing an error. Returns 0 or -1. */
static int rdb_eval(const char *what, const char *src, J n)
{
    K r = q_eval(src, n);
    int rc = r && r->t != KERR ? 0 : -1;
    if (rc) fprintf(stderr, "rdb: %s: '%s\n", what, r ? r->s : "wsfull");
    r0(r);
    return rc;
}

/* Run a q script file. Returns 0 or -1 (printed). */
static int rdb_script(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "rdb: %s: %s\n", path, strerror(errno)); return -1; }
    K text = ktn(KC, 0);
    char chunk[RDB_READ_CHUNK];
    size_t n;
    while (text && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        K part = kpn(chunk, (J)n);
        if (!part || !jv(&text, part)) { r0(text); text = NULL; }
        r0(part);
    }
    fclose(f);
    if (!text) { fprintf(stderr, "rdb: %s: out of memory\n", path); return -1; }
    int rc = rdb_eval(path, (const char *)kC(text), text->n);
    r0(text);
    return rc;
}

static void rdb_on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)what; (void)arg;
    log_info("rdb: signal %d: stopping", (int)sig);
    rt_stop();
}

static int rdb_start(const struct rdb_options *o)
{
    if (rt_init("rdb") || rdb_upd_register()) return -1;
    if (o->script && rdb_script(o->script)) return -1;
    if (o->expr && rdb_eval("-e", o->expr, (J)strlen(o->expr))) return -1;
    rt_message_fn_set(rdb_on_message);
    rt_close_fn_set(rdb_tp_on_close);
    if (rdb_tp_connect(0) != 0) rdb_tp_retry_start();
    int port = rt_listen(o->port);
    if (port < 0) return -1;
    printf("PORT %d\n", port);   /* for scripts and tests that pass -p 0 */
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    struct rdb_options o = { .tp = RDB_DEFAULT_TP, .hdb = RDB_DEFAULT_HDB,
                             .port = RDB_DEFAULT_PORT };
    int a = rdb_args(argc, argv, &o);
    if (a) { rdb_usage(a > 0 ? stdout : stderr); return a > 0 ? 0 : 2; }
    tk_mem_init();
    if (q_init() != 0) { fprintf(stderr, "rdb: out of memory\n"); return 1; }
    int rc = 1;
    struct event *sigterm = NULL, *sigint = NULL;
    if (rdb_start(&o) == 0) {
        sigterm = evsignal_new(rt_base(), SIGTERM, rdb_on_signal, NULL);
        sigint = evsignal_new(rt_base(), SIGINT, rdb_on_signal, NULL);
        if (sigterm && sigint && !event_add(sigterm, NULL) && !event_add(sigint, NULL))
            rc = rt_run();
    }
    if (sigterm) event_free(sigterm);
    if (sigint) event_free(sigint);
    rdb.tp_handle = 0;   /* closing it now is no disconnect: no reconnection timer */
    rt_fini();
    rdb_tp_fini();
    rdb_upd_fini();
    q_fini();
    tk_sym_fini();
    return rc;
}
