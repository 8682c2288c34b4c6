/* netd_run.c: start/stop netd and raw loopback socket helpers (netd_run.h).
 * SPDX-License-Identifier: MIT */
#include "first_line.h"
#include "netd_run.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define NETD_MAX_ARGS 16
#define NETD_LINE_BYTES 64

int netd_start(struct netd_proc *p, const char *const *args)
{
    const char *path = getenv("NETD");
    if (!path) { fprintf(stderr, "netd_start: NETD not set\n"); return -1; }
    int fds[2];
    if (pipe(fds)) return -1;
    const char *argv[NETD_MAX_ARGS] = { path };
    int n = 1;
    for (int i = 0; args && args[i] && n < NETD_MAX_ARGS - 1; i++) argv[n++] = args[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execv(path, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    char line[NETD_LINE_BYTES] = "";
    first_line_read(fds[0], line, sizeof line, NETD_WAIT_MS);
    close(fds[0]);
    p->pid = pid;
    p->port = 0;
    if (sscanf(line, "PORT %d", &p->port) != 1 || p->port <= 0) {
        int status = netd_stop(p);
        fprintf(stderr, "netd_start: no port line (read '%s', errno %d, exit status %d)\n",
                line, errno, status);
        return -1;
    }
    return 0;
}

int netd_stop(struct netd_proc *p)
{
    int status = 0;
    if (p->pid <= 0) return -1;
    kill(p->pid, SIGTERM);
    while (waitpid(p->pid, &status, 0) < 0 && errno == EINTR) {}
    p->pid = 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int tcp_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) { close(fd); return -1; }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

int send_all(int fd, const void *bytes, size_t n)
{
    const char *p = bytes;
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

long recv_full(int fd, void *out, size_t n, int timeout_ms)
{
    size_t have = 0;
    while (have < n) {
        struct pollfd pf = { .fd = fd, .events = POLLIN };
        int rc = poll(&pf, 1, timeout_ms);
        if (rc < 0 && errno == EINTR) continue;
        if (rc <= 0) return -1;
        ssize_t got = recv(fd, (char *)out + have, n - have, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return have ? (long)have : -1;
        if (got == 0) break;
        have += (size_t)got;
    }
    return (long)have;
}

int wait_closed(int fd, int timeout_ms)
{
    char sink[4096];
    for (;;) {
        struct pollfd pf = { .fd = fd, .events = POLLIN };
        int rc = poll(&pf, 1, timeout_ms);
        if (rc < 0 && errno == EINTR) continue;
        if (rc <= 0) return 0;
        ssize_t got = recv(fd, sink, sizeof sink, 0);
        if (got == 0 || (got < 0 && errno == ECONNRESET)) return 1;
        if (got < 0 && errno != EINTR) return 0;
    }
}

int ipc_raw_open(int port, const char *hs, size_t n, int *cap)
{
    int fd = tcp_connect(port);
    if (fd < 0) return -1;
    unsigned char byte;
    if (send_all(fd, hs, n) || recv_full(fd, &byte, 1, NETD_WAIT_MS) != 1) { close(fd); return -1; }
    *cap = byte;
    return fd;
}
