/* netd_run.h: helpers for integration tests of common/net/: start and stop the netd
 * test server as a real process on a port it picks, and raw-socket helpers for
 * talking to it on 127.0.0.1. SPDX-License-Identifier: MIT */
#ifndef TICK_NETD_RUN_H
#define TICK_NETD_RUN_H

#include <stddef.h>
#include <sys/types.h>

#define NETD_WAIT_MS 5000   /* how long helpers wait for the server */

struct netd_proc {
    pid_t pid;   /* the netd process this test started */
    int port;    /* the port it bound */
};

/* Start netd (path in env NETD) with extra args (NULL-terminated; may be NULL).
 * Returns 0, or -1 when it did not start. */
int netd_start(struct netd_proc *p, const char *const *args);
/* SIGTERM, wait; returns netd's exit status (0 clean, non-zero for sanitizer reports). */
int netd_stop(struct netd_proc *p);

/* A blocking TCP socket connected to 127.0.0.1:port, or -1. */
int tcp_connect(int port);
/* Send n bytes whole. 0 or -1. */
int send_all(int fd, const void *bytes, size_t n);
/* Read exactly n bytes within timeout_ms. Returns n, fewer at EOF, or -1. */
long recv_full(int fd, void *out, size_t n, int timeout_ms);
/* 1 when the peer closes (EOF or reset) within timeout_ms, skipping any bytes. */
int wait_closed(int fd, int timeout_ms);
/* Connect and handshake with hs[0..n) (credentials, capability, NUL). Returns the fd
 * with *cap set to the reply byte, or -1 (and the fd closed) when no byte came. */
int ipc_raw_open(int port, const char *hs, size_t n, int *cap);

#endif
