/* tickq.c: the generic q process, like the q binary: runs a script, evaluates -e once,
 * or offers a q) console (libedit line editing when stdin is a terminal).
 * Evaluation and display are common/q/ (via console.c); serving -p, the -t timer and
 * the remote console -c are serve.c. SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "runtime.h"
#include "serve.h"

#ifdef TICKQ_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

#define TICKQ_LINE_BYTES 65536  /* longest console line without libedit */

/* The command line: q's own flags, the script and the arguments left for .z.x. */
typedef struct {
    const char *script;    /* script.q or NULL */
    const char *expr;      /* -e text or NULL */
    const char *port;      /* -p PORT or NULL */
    const char *timer_ms;  /* -t MS or NULL */
    const char *connect;   /* -c HOST:PORT or NULL */
    const char *password_file; /* -u/-U FILE or NULL */
    char **args;           /* arguments for .z.x (not q's flags) */
    int nargs;             /* count of args */
} tickq_opts;

static void usage(void)
{
    fprintf(stderr, "usage: tickq [script.q] [args...] [-p PORT] [-t MS] [-c HOST:PORT] "
                    "[-e EXPR] [-u|-U PASSWORDFILE]\n");
}

/* Returns 0, or -1 on a flag without its value. args must hold argc entries. */
static int parse_opts(int argc, char **argv, tickq_opts *o)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = strcmp(a, "-e") == 0 ? &o->expr
                          : strcmp(a, "-p") == 0 ? &o->port
                          : strcmp(a, "-t") == 0 ? &o->timer_ms
                          : strcmp(a, "-c") == 0 ? &o->connect
                          : strcmp(a, "-u") == 0 || strcmp(a, "-U") == 0 ? &o->password_file
                          : NULL;
        if (slot) {
            if (i + 1 >= argc) { fprintf(stderr, "tickq: %s needs a value\n", a); return -1; }
            *slot = argv[++i];
        } else if (!o->script && o->nargs == 0 && a[0] != '-') {
            o->script = a;
        } else {
            o->args[o->nargs++] = argv[i];
        }
    }
    return 0;
}

/* Append s to the q source in buf as a string literal with escapes (one character gets
 * enlist, since "a" alone is a char atom). Ownership: *buf unshared, may be
 * reallocated. */
static void put_q_string(K *buf, const char *s)
{
    if (strlen(s) == 1) {
        K e = kp("enlist ");
        if (e) { (void)jv(buf, e); r0(e); }
    }
    (void)ja(buf, "\"");  /* appends fail only on no memory; the eval then fails loudly */
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') (void)ja(buf, "\\");
        (void)ja(buf, (V *)s);
    }
    (void)ja(buf, "\"");
}

/* Set .z.x to the arguments q did not consume (q-subset.md §5.4). */
static void set_args(const tickq_opts *o)
{
    K src = kp(".z.x:");
    if (!src) return;
    if (o->nargs == 1) { K e = kp("enlist "); if (e) { (void)jv(&src, e); r0(e); } }
    else (void)ja(&src, "(");
    for (int i = 0; i < o->nargs; i++) {
        if (i) (void)ja(&src, ";");
        put_q_string(&src, o->args[i]);
    }
    if (o->nargs != 1) (void)ja(&src, ")");
    K r = q_eval((const char *)kC(src), src->n);
    if (!r || r->t == KERR) fprintf(stderr, "tickq: cannot set .z.x: '%s\n", r ? r->s : "wsfull");
    r0(r);
    r0(src);
}

/* Evaluate a script file as one source text (the lexer handles script layout, §2.9).
 * Returns 0, or -1 when it cannot be read or signals (the error is printed). */
static int run_script(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "tickq: %s: %s\n", path, strerror(errno)); return -1; }
    K text = ktn(KC, 0);
    char chunk[8192];
    size_t n;
    while (text && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        K part = kpn(chunk, (J)n);
        if (!part || !jv(&text, part)) { r0(part); r0(text); text = NULL; break; }
        r0(part);
    }
    fclose(f);
    if (!text) { fprintf(stderr, "tickq: %s: out of memory\n", path); return -1; }
    K r = q_eval((const char *)kC(text), text->n);
    int rc = 0;
    if (!r || r->t == KERR) {
        fprintf(stderr, "'%s\n  [0]  %s\n", r ? r->s : "wsfull", path);
        rc = -1;
    }
    r0(r);
    r0(text);
    return rc;
}

/* Evaluate one console line and print what q prints. Returns 1 if it signalled. */
static int run_line(const char *line, FILE *err_out, int show_expr)
{
    int is_error;
    K text = console_eval(line, (J)strlen(line), &is_error);
    console_print(text, is_error, err_out, line, show_expr);
    return is_error;
}

/* Read lines until EOF or \\. The prompt and libedit only when stdin is a terminal. */
static void repl(void)
{
    int interactive = isatty(STDIN_FILENO);
#ifdef TICKQ_HAVE_LIBEDIT
    if (interactive) {
        char *line;
        while ((line = readline("q)")) != NULL) {
            if (*line) add_history(line);
            int stop = console_is_exit(line);
            if (!stop && *line) run_line(line, stdout, 1);
            free(line);
            if (stop) { q_exit_hook(0); return; }
        }
        return;
    }
#endif
    static char line[TICKQ_LINE_BYTES];
    for (;;) {
        if (interactive) { fputs("q)", stdout); fflush(stdout); }
        if (!fgets(line, sizeof line, stdin)) return;
        line[strcspn(line, "\r\n")] = 0;
        if (console_is_exit(line)) { q_exit_hook(0); return; }
        if (*line) run_line(line, interactive ? stdout : stderr, interactive);
    }
}

int main(int argc, char **argv)
{
    char **args = calloc((size_t)argc + 1, sizeof *args);
    tickq_opts o = { .args = args };
    if (!args || parse_opts(argc, argv, &o) != 0) { usage(); free(args); return 2; }
    int timer_ms = o.timer_ms ? atoi(o.timer_ms) : 0;
    if (o.connect) {  /* remote console: nothing is evaluated here */
        int rc = serve_remote(o.connect, o.expr);
        free(args);
        tk_sym_fini();
        return rc;
    }
    if (q_init() != 0) { fprintf(stderr, "tickq: out of memory\n"); free(args); return 1; }
    /* The runtime comes first, so a script can hopen and subscribe (as r.q does). */
    rt_password_file_set(o.password_file);
    if (rt_init("tickq") != 0) { q_fini(); free(args); tk_sym_fini(); return 1; }
    if (o.nargs > 0) set_args(&o);
    int rc = 0;
    if (o.script && run_script(o.script) != 0 && o.expr) rc = 1;
    if (o.expr) rc |= run_line(o.expr, stderr, 0);
    else if (o.port || timer_ms > 0 || o.script) rc = serve_run(o.port, timer_ms);
    else repl();
    rt_fini();
    q_fini();
    tk_sym_fini();
    free(args);
    return rc;
}
