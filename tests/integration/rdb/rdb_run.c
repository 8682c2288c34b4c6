/* rdb_run.c: process and IPC helpers for the rdb/hdb integration tests (rdb_run.h).
 * SPDX-License-Identifier: MIT */
#include "rdb_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "journal.h"
#include "net.h"

#define RUN_MAX_ARGS 32
#define RUN_MAX_PROCS 32
#define RUN_MAX_DIRS 16
#define RUN_POLL_MS 20
#define RUN_CALL_MS 10000
#define RUN_HTTP_BYTES (1 << 16)   /* enough for the tests' pages */

static pid_t run_pids[RUN_MAX_PROCS];
static char run_dirs[RUN_MAX_DIRS][RUN_PATH_BYTES];
static int run_has_atexit;

static void run_cleanup(void)
{
    for (int i = 0; i < RUN_MAX_PROCS; i++)
        if (run_pids[i] > 0) { kill(run_pids[i], SIGKILL); waitpid(run_pids[i], NULL, 0); }
    for (int i = 0; i < RUN_MAX_DIRS && !getenv("RDB_TEST_KEEP"); i++)
        if (run_dirs[i][0]) {
            char cmd[RUN_PATH_BYTES + 16];
            snprintf(cmd, sizeof cmd, "rm -rf '%.500s'", run_dirs[i]);
            if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", run_dirs[i]);
        }
}

static void run_track(pid_t pid, pid_t old)
{
    if (!run_has_atexit) { atexit(run_cleanup); run_has_atexit = 1; }
    for (int i = 0; i < RUN_MAX_PROCS; i++)
        if (run_pids[i] == old) { run_pids[i] = pid; return; }
}

static void run_sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

int run_tmpdir(char *out, size_t bytes)
{
    snprintf(out, bytes, "/tmp/rdbtest.XXXXXX");
    if (!mkdtemp(out)) return -1;
    if (!run_has_atexit) { atexit(run_cleanup); run_has_atexit = 1; }
    for (int i = 0; i < RUN_MAX_DIRS; i++)
        if (!run_dirs[i][0]) { snprintf(run_dirs[i], sizeof run_dirs[i], "%s", out); break; }
    return 0;
}

char *run_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0, got;
    char *text = malloc(cap);
    while (text && (got = fread(text + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) { char *t = realloc(text, cap *= 2); if (!t) { free(text); text = NULL; } else text = t; }
    }
    fclose(f);
    if (text) text[n] = 0;
    return text;
}

int run_err_has(const struct run_proc *p, const char *needle)
{
    char *t = run_slurp(p->err);
    int has = t && strstr(t, needle);
    free(t);
    return has;
}

int run_start(struct run_proc *p, const char *exe_env, const char *dir, const char *name,
              const char *const *args, int wait_port)
{
    const char *path = getenv(exe_env);
    if (!path) { fprintf(stderr, "run_start: %s not set\n", exe_env); return -1; }
    const char *argv[RUN_MAX_ARGS] = { path };
    int n = 1;
    for (int i = 0; args && args[i] && n < RUN_MAX_ARGS - 1; i++) argv[n++] = args[i];
    argv[n] = NULL;
    snprintf(p->out, sizeof p->out, "%s/%s.out", dir, name);
    snprintf(p->err, sizeof p->err, "%s/%s.err", dir, name);
    p->port = 0;
    /* a restarted process reuses its name: the old "PORT n" must not be read */
    if (unlink(p->out) != 0 && errno != ENOENT) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fo = open(p->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int fe = open(p->err, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fo >= 0) { dup2(fo, STDOUT_FILENO); close(fo); }
        if (fe >= 0) { dup2(fe, STDERR_FILENO); close(fe); }
        execv(path, (char *const *)argv);
        _exit(127);
    }
    p->pid = pid;
    run_track(pid, 0);
    if (!wait_port) return 0;
    for (int waited = 0; waited < RUN_WAIT_MS; waited += RUN_POLL_MS) {
        char *t = run_slurp(p->out);
        char *at = t ? strstr(t, "PORT ") : NULL;
        if (at && strchr(at, '\n') && sscanf(at, "PORT %d", &p->port) == 1 && p->port > 0) {
            free(t);
            return 0;
        }
        free(t);
        if (waitpid(pid, NULL, WNOHANG) == pid) { run_track(0, pid); p->pid = 0; return -1; }
        run_sleep_ms(RUN_POLL_MS);
    }
    run_stop(p, SIGKILL);
    return -1;
}

static int run_reap(struct run_proc *p, int options)
{
    int status = 0;
    pid_t r;
    while ((r = waitpid(p->pid, &status, options)) < 0 && errno == EINTR) {}
    if (r != p->pid) return -1;
    run_track(0, p->pid);
    p->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run_stop(struct run_proc *p, int sig)
{
    if (p->pid <= 0) return -1;
    kill(p->pid, sig);
    return run_reap(p, 0);
}

int run_wait(struct run_proc *p, int ms)
{
    for (int waited = 0; p->pid > 0 && waited < ms; waited += RUN_POLL_MS) {
        int st = run_reap(p, WNOHANG);
        if (st >= 0) return st;
        run_sleep_ms(RUN_POLL_MS);
    }
    if (p->pid > 0) { run_stop(p, SIGKILL); return -1; }
    return -1;
}

K run_q(int port, const char *src)
{
    int h = net_hopen("127.0.0.1", port, "", RUN_CALL_MS);
    if (h <= 0) return NULL;
    K q = kp((S)src);
    K r = net_call(h, q, RUN_CALL_MS);
    r0(q);
    net_hclose(h);
    return r;
}

J run_poll_long(int port, const char *src, J want, int ms)
{
    J last = -1;
    for (int waited = 0; waited <= ms; waited += RUN_POLL_MS) {
        K r = run_q(port, src);
        if (r && (r->t == -KJ || r->t == -KI)) last = r->t == -KJ ? r->j : r->i;
        r0(r);
        if (last == want) return last;
        run_sleep_ms(RUN_POLL_MS);
    }
    return last;
}

char *run_http_get(int port, const char *target)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        if (fd >= 0) close(fd);
        return NULL;
    }
    char req[RUN_PATH_BYTES];
    int n = snprintf(req, sizeof req, "GET /%s HTTP/1.0\r\n\r\n", target);
    size_t cap = RUN_HTTP_BYTES, len = 0;
    char *out = malloc(cap + 1);
    if (!out || n < 0 || (size_t)n >= sizeof req || write(fd, req, (size_t)n) != n) {
        free(out);
        close(fd);
        return NULL;
    }
    ssize_t got;
    while (len < cap && (got = read(fd, out + len, cap - len)) > 0) len += (size_t)got;
    close(fd);
    out[len] = 0;
    return out;
}

/* Journal replay into expected tables: appends each record's columns. */
static int run_on_record(void *ctx, K rec, J index)
{
    (void)index;
    K d = ctx;
    if (rec->t != 0 || rec->n != 3 || kK(rec)[1]->t != -KS) return 1;
    K names = kK(d)[0];
    for (J i = 0; i < names->n; i++) {
        if (kS(names)[i] != kK(rec)[1]->s) continue;
        K vals = kK(kK(kK(d)[1])[i]->k)[1], data = kK(rec)[2];
        if (data->t == XT) data = kK(data->k)[1];
        if (data->t != 0 || data->n != vals->n) return 1;
        for (J c = 0; c < vals->n; c++) {
            K src = kK(data)[c];
            K *dst = &kK(vals)[c];
            if (src->t < 0) { if (!ja(dst, &src->g)) return 1; }
            else if (!jv(dst, src)) return 1;
        }
        return 0;
    }
    return 1;
}

K run_journal_tables(const char *path, K schema)
{
    K names = kK(schema)[0], tables = kK(schema)[1];
    K out = ktn(0, names->n);
    for (J i = 0; i < names->n; i++) {
        K t = kK(tables)[i], vals = kK(t->k)[1];
        K nv = ktn(0, vals->n);
        for (J c = 0; c < vals->n; c++) kK(nv)[c] = ktn(kK(vals)[c]->t, 0);
        kK(out)[i] = xT(xD(r1(kK(t->k)[0]), nv));
    }
    K d = xD(r1(names), out);
    struct jnl_scan scan;
    if (jnl_scan_file(path, -1, run_on_record, d, &scan) != 0) {
        fprintf(stderr, "run_journal_tables: %s: %s\n", path, scan.err);
        r0(d);
        return NULL;
    }
    return d;
}

int run_table_same(K x, K y)
{
    if (!x || !y || x->t != XT || y->t != XT) return 0;
    if (!k_match(kK(x->k)[0], kK(y->k)[0])) return 0;
    K xv = kK(x->k)[1], yv = kK(y->k)[1];
    if (xv->n != yv->n) return 0;
    for (J c = 0; c < xv->n; c++) {
        K a = kK(xv)[c], b = kK(yv)[c];
        int aa = a->a, ba = b->a;
        a->a = b->a = 0;
        int same = k_match(a, b);
        a->a = (signed char)aa;
        b->a = (signed char)ba;
        if (!same) return 0;
    }
    return 1;
}
