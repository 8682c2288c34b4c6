/* tp_run.h: helpers for the tickerplant integration tests: start a real tickerplant
 * process on a free port (it prints "PORT n"), stop it, and talk to it through the
 * net client API on 127.0.0.1. SPDX-License-Identifier: MIT */
#ifndef TICK_TP_RUN_H
#define TICK_TP_RUN_H

#include <sys/types.h>

#include "k.h"

#define TP_RUN_WAIT_MS 5000   /* how long helpers wait for the tickerplant */

struct tp_proc {
    pid_t pid;            /* the tickerplant process this test started */
    int port;             /* the port it bound */
    char err_path[4096];  /* its stderr, captured in a file */
};

/* Start the tickerplant (path in env TICKERPLANT) with args (NULL-terminated), its
 * stderr going to err_path. Returns 0, or -1 when it did not print its port (it is
 * waited for then; *status gets its exit status when status is not NULL). Processes
 * still running at exit are killed. */
int tp_proc_start(struct tp_proc *p, const char *const *args, const char *err_path, int *status);
/* SIGTERM and wait; returns the exit status (0 clean; non-zero: a sanitizer report). */
int tp_proc_stop(struct tp_proc *p);

/* Open a handle to the tickerplant (net_init must have run). */
int tp_open(const struct tp_proc *p);
/* Sync call of q text. Ownership: returns new. */
K tp_call(int h, const char *src);
/* The next async message on h within timeout_ms, or NULL. Ownership: returns new. */
K tp_next(int h, int timeout_ms);
/* Whether a file's text contains needle. */
int tp_file_has(const char *path, const char *needle);
/* A fresh temporary directory (mkdtemp) in out (size >= 64), removed at exit. */
int tp_tmpdir(char *out);

#endif
