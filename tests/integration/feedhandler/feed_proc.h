/* feed_proc.h: process helpers for the feed handler's integration tests: spawn a
 * program with stdout and stderr in files, wait with a deadline, kill what is left,
 * read files, pick key=value counts out of lines, and ask a fake_tp for its counts.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_FEED_PROC_H
#define TICK_FEED_PROC_H

#include <sys/types.h>

#define FEED_PROC_PATH_BYTES 512
#define FEED_PROC_WAIT_MS 20000   /* default deadline for a process to finish */

struct feed_proc {
    pid_t pid;                          /* 0 once reaped */
    char out[FEED_PROC_PATH_BYTES];     /* its stdout file */
    char err[FEED_PROC_PATH_BYTES];     /* its stderr file */
};

/* A fresh directory under $TMPDIR or /tmp (mkdtemp); dir gets its path. 0 or -1. */
int feed_proc_tmpdir(char *dir, size_t bytes);
/* Remove dir with everything in it. */
void feed_proc_rmdir(const char *dir);

/* Start argv[0] (a path) with stdout/stderr in dir/NAME.out and dir/NAME.err.
 * Returns 0 or -1. The pid is remembered so feed_proc_kill_all can end it. */
int feed_proc_start(struct feed_proc *p, const char *dir, const char *name, const char *const *argv);
/* Wait up to timeout_ms for p to exit. Returns its exit status (128+signal when killed by
 * one), or -1 on timeout (p is then killed with SIGKILL and reaped). */
int feed_proc_wait(struct feed_proc *p, int timeout_ms);
/* Send sig to p (if running). */
void feed_proc_signal(struct feed_proc *p, int sig);
/* SIGKILL and reap every process started and not yet reaped. */
void feed_proc_kill_all(void);

/* The whole file as a NUL-terminated string (malloc'ed), or NULL. */
char *feed_proc_slurp(const char *path);
/* Wait up to timeout_ms for "PORT n" in path; returns n or -1. */
int feed_proc_port(const char *path, int timeout_ms);
/* The last line of text starting with prefix, copied into line (bytes); 0 or -1. */
int feed_proc_line(const char *text, const char *prefix, char *line, size_t bytes);
/* The value of " key=" in line as a number (hex when is_hex). Returns 0 or -1. */
int feed_proc_value(const char *line, const char *key, int is_hex, unsigned long long *v);

/* Ask the fake_tp on port for its counts line ("received …"). Returns 0 or -1. */
int feed_proc_tp_counts(int port, char *line, size_t bytes);

#endif
