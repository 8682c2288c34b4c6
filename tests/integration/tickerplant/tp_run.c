/* tp_run.c: start/stop a tickerplant process and client helpers (tp_run.h).
 * SPDX-License-Identifier: MIT */
#include "../first_line.h"
#include "tp_run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net.h"

#define TP_RUN_MAX_ARGS 32
#define TP_RUN_LINE_BYTES 64
#define TP_RUN_MAX_PROCS 16
#define TP_RUN_MAX_DIRS 16

static pid_t tp_run_pids[TP_RUN_MAX_PROCS];
static char tp_run_dirs[TP_RUN_MAX_DIRS][64];
static int tp_run_has_atexit;

/* Kill what a failed test left running, and remove its directories. */
static void tp_run_cleanup(void)
{
    for (int i = 0; i < TP_RUN_MAX_PROCS; i++)
        if (tp_run_pids[i] > 0) { kill(tp_run_pids[i], SIGKILL); waitpid(tp_run_pids[i], NULL, 0); }
    for (int i = 0; i < TP_RUN_MAX_DIRS && !getenv("TP_TEST_KEEP"); i++)  /* keep: debug */
        if (tp_run_dirs[i][0]) {
            char cmd[128];  /* dirs are mkdtemp names under /tmp */
            snprintf(cmd, sizeof cmd, "rm -rf '%.63s'", tp_run_dirs[i]);
            if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tp_run_dirs[i]);
        }
}

static void tp_run_track(pid_t pid, pid_t old)
{
    if (!tp_run_has_atexit) { atexit(tp_run_cleanup); tp_run_has_atexit = 1; }
    for (int i = 0; i < TP_RUN_MAX_PROCS; i++)
        if (tp_run_pids[i] == old) { tp_run_pids[i] = pid; return; }
}

static int tp_run_wait(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    tp_run_track(0, pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int tp_proc_start(struct tp_proc *p, const char *const *args, const char *err_path, int *status)
{
    const char *path = getenv("TICKERPLANT");
    if (!path) { fprintf(stderr, "tp_proc_start: TICKERPLANT not set\n"); return -1; }
    int fds[2];
    if (pipe(fds)) return -1;
    const char *argv[TP_RUN_MAX_ARGS] = { path };
    int n = 1;
    for (int i = 0; args && args[i] && n < TP_RUN_MAX_ARGS - 1; i++) argv[n++] = args[i];
    argv[n] = NULL;
    snprintf(p->err_path, sizeof p->err_path, "%s", err_path);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd >= 0) { dup2(fd, STDERR_FILENO); close(fd); }
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    tp_run_track(pid, 0);
    close(fds[1]);
    char line[TP_RUN_LINE_BYTES] = "";
    first_line_read(fds[0], line, sizeof line, TP_RUN_WAIT_MS);
    close(fds[0]);
    p->pid = pid;
    p->port = 0;
    if (sscanf(line, "PORT %d", &p->port) != 1 || p->port <= 0) {
        kill(pid, SIGTERM);
        int st = tp_run_wait(pid);
        if (status) *status = st;
        p->pid = 0;
        return -1;
    }
    return 0;
}

int tp_proc_stop(struct tp_proc *p)
{
    if (p->pid <= 0) return -1;
    kill(p->pid, SIGTERM);
    int st = tp_run_wait(p->pid);
    p->pid = 0;
    return st;
}

int tp_open(const struct tp_proc *p) { return net_hopen("127.0.0.1", p->port, "", TP_RUN_WAIT_MS); }

K tp_call(int h, const char *src)
{
    K q = kp((S)src);
    K r = net_call(h, q, TP_RUN_WAIT_MS);
    r0(q);
    return r;
}

K tp_next(int h, int timeout_ms)
{
    int type;
    K r = net_receive(h, &type, timeout_ms);
    if (r && r->t == KERR) { r0(r); return NULL; }
    return r;
}

int tp_file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    return strstr(text, needle) != NULL;
}

int tp_tmpdir(char *out)
{
    snprintf(out, 64, "/tmp/tptest.XXXXXX");
    if (!mkdtemp(out)) return -1;
    if (!tp_run_has_atexit) { atexit(tp_run_cleanup); tp_run_has_atexit = 1; }
    for (int i = 0; i < TP_RUN_MAX_DIRS; i++)
        if (!tp_run_dirs[i][0]) { snprintf(tp_run_dirs[i], sizeof tp_run_dirs[i], "%s", out); break; }
    return 0;
}
