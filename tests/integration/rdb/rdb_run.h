/* rdb_run.h: helpers for the rdb/hdb integration tests: start real processes (tickerplant,
 * rdb, hdb, feedhandler) on 127.0.0.1 with ports chosen per run, stop them by pid, call
 * them over IPC, and rebuild the expected tables from a tickerplant journal.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_RDB_RUN_H
#define TICK_RDB_RUN_H

#include <sys/types.h>

#include "k.h"

#define RUN_WAIT_MS 10000     /* how long a process gets to print its port */
#define RUN_PATH_BYTES 512

struct run_proc {
    pid_t pid;                     /* 0 once reaped */
    int port;                      /* from its "PORT n" line; 0 for a feed */
    char out[RUN_PATH_BYTES];      /* stdout file */
    char err[RUN_PATH_BYTES];      /* stderr file */
};

/* A mkdtemp directory under /tmp, removed at exit (unless RDB_TEST_KEEP is set). */
int run_tmpdir(char *out, size_t bytes);
/* Start the program in env var exe_env with args (NULL-terminated); stdout and stderr go
 * to dir/name.out and dir/name.err. With wait_port, wait for "PORT n" (-1 when it does
 * not come: the process is killed). Processes left at exit are killed. Returns 0/-1. */
int run_start(struct run_proc *p, const char *exe_env, const char *dir, const char *name,
              const char *const *args, int wait_port);
/* Send sig and wait for the exit; returns the status (128+signal when killed). */
int run_stop(struct run_proc *p, int sig);
/* Wait up to ms for p to exit by itself; its status, or -1 on timeout (then killed). */
int run_wait(struct run_proc *p, int ms);
/* Whether p's stderr contains needle. */
int run_err_has(const struct run_proc *p, const char *needle);
/* The whole file as a malloc'ed string, or NULL. */
char *run_slurp(const char *path);

/* Sync call of q text on a fresh handle to port. Ownership: returns new (NULL on a
 * connection failure; error values as they come). */
K run_q(int port, const char *src);
/* Poll run_q(port, src) until it returns a long/int equal to want or ms pass. Returns
 * the last value seen (or -1). */
J run_poll_long(int port, const char *src, J want, int ms);
/* The whole response to "GET /target" on port (HTTP/1.0, so the server closes), or NULL.
 * Ownership: returns malloc'd text (the caller frees). */
char *run_http_get(int port, const char *target);

/* The tables a journal holds: a dictionary name -> table with the columns of schema
 * (a dictionary name -> empty table as the RDB holds it). Ownership: schema borrowed;
 * returns new, or NULL. */
K run_journal_tables(const char *path, K schema);
/* Whether tables x and y hold equal columns (attributes ignored). Ownership: borrowed. */
int run_table_same(K x, K y);

#endif
