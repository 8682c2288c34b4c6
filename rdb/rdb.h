/* rdb.h: the real-time database role (r.q, tick-architecture.md §8): state shared by
 * rdb_main.c (command line, start-up), rdb_upd.c (the native upd and the tables),
 * rdb_tp.c (subscribe, journal replay, reconnect) and rdb_eod.c (end of day).
 * SPDX-License-Identifier: MIT */
#ifndef TICK_RDB_H
#define TICK_RDB_H

#include "k.h"

#define RDB_PATH_BYTES 4096        /* journal and directory paths */
#define RDB_HOST_BYTES 256         /* host names */
#define RDB_CRED_BYTES 256         /* user:pass */
#define RDB_DEFAULT_TP ":5010"
#define RDB_DEFAULT_HDB ":5012"
#define RDB_DEFAULT_PORT "5011"
#define RDB_CONNECT_TIMEOUT_MS 5000   /* hopen and the subscription call */
#define RDB_BACKOFF_MIN_MS 100        /* first reconnection delay */
#define RDB_BACKOFF_MAX_MS 5000       /* longest reconnection delay */
#define RDB_HDB_TIMEOUT_MS 2000       /* hopen to the HDB at end of day */

/* One peer given on the command line as [host]:port[:user:pass]. */
struct rdb_peer {
    char host[RDB_HOST_BYTES];   /* "" means localhost */
    char cred[RDB_CRED_BYTES];   /* "" when none */
    int port;                    /* > 0 */
};

/* One subscribed table. The q global of the same name owns the table value; the RDB
 * appends to its columns in place (they are unshared unless a query kept one). */
struct rdb_table {
    S name;          /* interned table name */
    K schema;        /* the empty table the TP sent (owned): types and column names */
    int ncols;       /* columns in the schema */
    J rows;          /* rows applied so far today (replay and live) */
};

struct rdb_state {
    struct rdb_peer tp;          /* the tickerplant */
    struct rdb_peer hdb;         /* the HDB to tell after end of day */
    const char *hdb_dir;         /* --hdb-dir, or NULL: derived from the journal name */
    char hdb_root[RDB_PATH_BYTES]; /* where end of day writes */
    char jnl_path[RDB_PATH_BYTES]; /* the TP's journal (.u.L without its colon), or "" */
    int tp_handle;               /* > 0 while connected, else 0 */
    int backoff_ms;              /* next reconnection delay */
    struct rdb_table *tables;    /* subscribed tables */
    int ntables;
    K upd_native;                /* the native upd value (owned), to tell if q replaced it */
    J replayed;                  /* records replayed at the last (re)subscription */
};

extern struct rdb_state rdb;

/* Parse "[host]:port[:user:pass]" into p. Returns 0 or -1. */
int rdb_peer_parse(const char *text, struct rdb_peer *p);

/* ---- rdb_upd.c: the tables and the native upd ---- */

/* Register the native upd and .u.end in the interpreter. Returns 0 or -1. */
int rdb_upd_register(void);
/* Replace the table list by the TP's (list of (name; empty table)), creating each
 * global as the empty table with `g# on sym. Ownership: schemas borrowed. Returns 0/-1. */
int rdb_tables_set(K schemas);
/* Empty every table (schema, types and attributes kept); row counters to 0. */
void rdb_tables_clear(void);
struct rdb_table *rdb_table_find(S name);
/* Before a replay of journal_bytes: give each empty table's columns the capacity the
 * journal could hold for it (bytes over the table's smallest wire row), so the replay
 * appends without reallocating. Only address space is taken: the items are not
 * touched until written (no huge-page hint: docs/design-notes.md, RDB replay). A failed
 * reservation is harmless (growth as usual). */
void rdb_tables_reserve(J journal_bytes);
/* Append data (a table, a list of columns, or a list of atoms = one row) to table t in
 * place, skipping its first skip rows (resynchronisation). Returns the generic null, or
 * an error value ('type, 'length, or the table name when unknown); nothing is applied
 * on error. Ownership: t and data borrowed; returns new. */
K rdb_insert(S t, K data, J skip);
/* A journal record (`upd;`t;(c1;..;cn)) located in its bytes by rdb_wire_peek. */
struct rdb_wire {
    struct rdb_table *t;     /* the subscribed table it updates */
    const G *body;           /* the record's first byte */
    const G *cols;           /* its first column's type byte */
    J rows;                  /* rows it holds (the first column's count) */
};
/* A slot of rdb_wire_append's symbol cache (zeroed before first use). OPTIMIZATION:
 * the result is the same without it; a column of tickers costs a compare per item. */
struct rdb_sym_slot {
    uint64_t key;            /* the symbol's bytes (up to 7), zero-padded */
    S sym;                   /* its interned symbol, NULL for an empty slot */
};
#define RDB_SYM_CACHE_BITS 12
#define RDB_SYM_CACHE_PROBES 4   /* slots tried before a miss takes over the home slot */
#define RDB_SYM_CACHE_SLOTS (1 << RDB_SYM_CACHE_BITS)
/* Is the record at body (n bytes to the end of the journal) shaped (`upd;`t;list of
 * ncols items) for a subscribed t, its first item a vector of the schema's type? Then
 * fill w and return 1; else 0 (the generic path decides). Reads only bytes before
 * body + n. */
int rdb_wire_peek(const G *body, J n, struct rdb_wire *w);
/* Append w's rows straight from the record's bytes onto the ends of its table's
 * columns (memcpy per column; symbols interned through cache, RDB_SYM_CACHE_SLOTS).
 * Every column must be a vector of the schema's type with w->rows items, within end.
 * Returns the record's length in bytes, or -1 with nothing applied when it is not so
 * (or memory ran out): the caller then takes the generic path, which reports the same
 * errors as ever. The upd in force must be the native one. */
J rdb_wire_append(const struct rdb_wire *w, const G *end, struct rdb_sym_slot *cache);
/* The length of w's record when the native upd would take it (as rdb_wire_append
 * checks, without appending), else -1. For records whose rows are all held already. */
J rdb_wire_check(const struct rdb_wire *w, const G *end);
/* Apply one (`upd;t;data) message or journal record: through the native insert while
 * upd is the native, else through the interpreter (a q upd). skip as rdb_insert (only
 * honoured by the native path). Ownership: msg borrowed; returns new. */
K rdb_apply(K msg, J skip);
/* Is the global upd still our native one (not replaced by a q upd)? */
int rdb_upd_is_native(void);
/* Is msg a (`upd;t;data) triple? Ownership: msg borrowed. */
int rdb_is_upd(K msg);
/* The number of rows in data (a table, column list or row of atoms). Ownership: borrowed. */
J rdb_data_rows(K data);
void rdb_upd_fini(void);

/* ---- rdb_tp.c: the tickerplant connection ---- */

/* Connect, subscribe and replay. On failure schedules a retry with backoff when
 * is_retry, else returns -1. Returns 0 when subscribed. */
int rdb_tp_connect(int is_retry);
/* Replay the first count records (-1: all) of the journal at rdb.jnl_path onto the
 * tables, skipping the rows each table already holds. Returns 0 or -1 (logged). */
int rdb_replay(J count);
/* The runtime's close hook: the TP went away, schedule a reconnect. */
void rdb_tp_on_close(int handle);
/* The runtime's message hook (the upd fast path). Ownership: msg borrowed; returns new. */
K rdb_on_message(int handle, int msg_type, K msg);
void rdb_tp_fini(void);
/* Start reconnecting (the first connection failed). */
void rdb_tp_retry_start(void);

/* ---- rdb_eod.c ---- */

/* End of day for date d (days since 2000.01.01): write every table, clear, tell the HDB.
 * Returns the generic null or an error value naming what failed. Ownership: returns new. */
K rdb_end_of_day(I d);

#endif
