/* feed_proc.c: process and file helpers for the feed handler tests (feed_proc.h).
 * SPDX-License-Identifier: MIT */
#include "feed_proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "k.h"
#include "net.h"

#define FEED_PROC_MAX 32           /* processes one test may start */
#define FEED_PROC_POLL_MS 10
#define FEED_PROC_NS_PER_MS 1000000L
#define FEED_PROC_CALL_MS 5000

static pid_t started[FEED_PROC_MAX];
static int n_started;

static void nap_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * FEED_PROC_NS_PER_MS };
    while (nanosleep(&ts, &ts) && errno == EINTR) {}
}

int feed_proc_tmpdir(char *dir, size_t bytes)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, bytes, "%s/feedtest.XXXXXX", base && *base ? base : "/tmp");
    return mkdtemp(dir) ? 0 : -1;
}

void feed_proc_rmdir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    char path[FEED_PROC_PATH_BYTES * 2];
    for (struct dirent *e; (e = readdir(d));) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR) feed_proc_rmdir(path);
        else (void)unlink(path);   /* best effort: a leftover file in /tmp is harmless */
    }
    closedir(d);
    (void)rmdir(dir);
}

int feed_proc_start(struct feed_proc *p, const char *dir, const char *name, const char *const *argv)
{
    snprintf(p->out, sizeof p->out, "%s/%s.out", dir, name);
    snprintf(p->err, sizeof p->err, "%s/%s.err", dir, name);
    if (n_started == FEED_PROC_MAX) return -1;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        /* Die with the test process, even when a failed assertion skips the teardown. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() == 1) _exit(127);
        int out = open(p->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(p->err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (out < 0 || err < 0) _exit(127);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        execv(argv[0], (char *const *)argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    p->pid = pid;
    started[n_started++] = pid;
    return 0;
}

static void forget(pid_t pid)
{
    for (int k = 0; k < n_started; k++)
        if (started[k] == pid) started[k] = started[--n_started];
}

int feed_proc_wait(struct feed_proc *p, int timeout_ms)
{
    int status = 0;
    if (p->pid <= 0) return -1;
    for (int waited = 0;; waited += FEED_PROC_POLL_MS) {
        pid_t got = waitpid(p->pid, &status, WNOHANG);
        if (got == p->pid) break;
        if (got < 0 && errno != EINTR) return -1;
        if (waited >= timeout_ms) {
            kill(p->pid, SIGKILL);
            while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {}
            forget(p->pid);
            p->pid = 0;
            return -1;
        }
        nap_ms(FEED_PROC_POLL_MS);
    }
    forget(p->pid);
    p->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void feed_proc_signal(struct feed_proc *p, int sig)
{
    if (p->pid > 0) kill(p->pid, sig);
}

void feed_proc_kill_all(void)
{
    while (n_started) {
        pid_t pid = started[--n_started];
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {}
    }
}

char *feed_proc_slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *text = malloc(cap);
    for (size_t got; text && (got = fread(text + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (cap - n - 1 == 0) {
            char *grown = realloc(text, cap * 2);
            if (!grown) { free(text); text = NULL; break; }
            text = grown;
            cap *= 2;
        }
    }
    fclose(f);
    if (text) text[n] = 0;
    return text;
}

int feed_proc_port(const char *path, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += FEED_PROC_POLL_MS) {
        char *text = feed_proc_slurp(path);
        int port = -1;
        const char *at = text ? strstr(text, "PORT ") : NULL;
        if (at && strchr(at, '\n') && sscanf(at, "PORT %d", &port) == 1) { free(text); return port; }
        free(text);
        nap_ms(FEED_PROC_POLL_MS);
    }
    return -1;
}

int feed_proc_line(const char *text, const char *prefix, char *line, size_t bytes)
{
    const char *found = NULL;
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, prefix, strlen(prefix))) found = p;
    if (!found) return -1;
    size_t n = strcspn(found, "\n");
    if (n >= bytes) n = bytes - 1;
    memcpy(line, found, n);
    line[n] = 0;
    return 0;
}

int feed_proc_value(const char *line, const char *key, int is_hex, unsigned long long *v)
{
    char pattern[FEED_PROC_PATH_BYTES];
    snprintf(pattern, sizeof pattern, " %s=", key);
    const char *at = strstr(line, pattern);
    if (!at) return -1;
    char *end;
    *v = strtoull(at + strlen(pattern), &end, is_hex ? 16 : 10);
    return end == at + strlen(pattern) ? -1 : 0;
}

int feed_proc_tp_counts(int port, char *line, size_t bytes)
{
    static int is_net_ready;
    if (!is_net_ready && net_init(NULL, NULL, NULL)) return -1;
    is_net_ready = 1;
    int h = net_hopen("127.0.0.1", port, NULL, FEED_PROC_CALL_MS);
    if (h <= 0) return -1;
    K q = kp("counts"), r = net_call(h, q, FEED_PROC_CALL_MS);
    int rc = -1;
    if (r->t == KC) {
        snprintf(line, bytes, "%.*s", (int)r->n, (char *)kC(r));
        rc = 0;
    }
    r0(q);
    r0(r);
    (void)net_hclose(h);
    return rc;
}
