/* tp.h: the tickerplant role's internal state and the functions its files share:
 * ingest and journal (tp_upd.c), subscriptions and publishing (tp_pub.c), clock, day
 * roll and journal files (tp_eod.c), q globals and natives (tp_q.c), start-up (tp_main.c).
 * SPDX-License-Identifier: MIT */
#ifndef TICK_TP_H
#define TICK_TP_H

#include "journal.h"
#include "k.h"

#define TP_DEFAULT_PORT "5010"              /* tick.q's default port */
#define TP_EOD_CHECK_MS 1000                /* zero-latency mode: day-roll check period */
#define TP_DEFAULT_MAX_SUB_BYTES 100000000LL /* slow-subscriber limit (TorQ's default) */
#define TP_UPD_NAME ".u.upd"                /* the update function feeds call */
#define TP_PATH_BYTES 4096
#define TP_NAME_BYTES 256
#define TP_PUB_BIG_KEPT 3   /* large publish buffers kept: a slow reader holds one a tick */

enum tp_flush { TP_FLUSH_NONE = 0, TP_FLUSH_BATCH = 1, TP_FLUSH_TIMED = 2 };

/* One subscription to one table. */
struct tp_sub {
    int handle;   /* subscriber's IPC handle */
    K syms;       /* symbol vector filter (owned), or NULL for all syms */
};

/* One column's buffered rows as their wire bytes (batch fast path, tp_upd_raw). */
struct tp_raw {
    G *p;           /* the items' bytes: fixed-width values, or NUL-terminated symbols */
    J n, cap;       /* used / allocated */
    const G *in;    /* the update being checked: its items in the message (borrowed) */
    J in_n;         /* their bytes */
};

/* One published table. */
struct tp_table {
    S name;              /* interned table name */
    K schema;            /* the empty table (owned), returned by .u.sub */
    K colnames;          /* symbol vector of column names (owned) */
    int ncols;           /* columns, time and sym included */
    int sym_col;         /* index of the sym column (1) */
    int time_type;       /* KN or KP: the time column's type */
    struct tp_sub *subs; /* subscriptions in subscription order */
    int nsubs, subs_cap; /* used / allocated */
    K pub_msg;           /* (`upd;`t;table) skeleton whose columns are slotted per publish */
    K pub_vals;          /* the skeleton table's column list (borrowed from pub_msg) */
    K pub_empty;         /* the skeleton's own empty columns, restored after a publish */
    G *pub_prefix;       /* encoded body of pub_msg up to its first column (owned) */
    J pub_prefix_n;      /* its bytes */
    K row_cols;          /* one-row vectors per column for single-row updates */
    K log_rec;           /* (`upd;`t;data) journal record skeleton */
    K log_data;          /* data list slotted per update when time is added */
    K time_atom;         /* stamp for single-row updates */
    K time_vec;          /* stamp vector for column updates (capacity grows) */
    K filt_cols;         /* scratch columns for filtered publishes */
    K buf;               /* batch mode: buffered columns (general list of vectors) */
    J buf_rows;          /* rows buffered, in buf or raw */
    struct tp_raw *raw;  /* batch mode: ncols columns of wire bytes (owned); only while
                          * buf is empty, so the rows stay in arrival order */
    J raw_rows;          /* rows in raw */
    J msgs, rows;        /* accepted updates / rows (stats) */
    J pub_msgs;          /* messages sent to subscribers (stats) */
};

struct tp_options {
    const char *schema_path;  /* SCHEMA argument */
    const char *logdir;       /* LOGDIR argument, or NULL: no journal */
    const char *port;         /* -p */
    int timer_ms;             /* -t: 0 zero latency, else batch period */
    int truncate_bad_tail;    /* --truncate-bad-tail */
    enum tp_flush flush;      /* --flush */
    int flush_ms;             /* --flush timed MS */
    J max_sub_bytes;          /* --max-sub-bytes: slow-subscriber limit */
    J clock_offset_ms;        /* --clock-offset-ms: shifts the clock (tests) */
    const char *clock_file;   /* --clock-file: offset in ms, re-read every tick (tests) */
    int utc_offset_min;       /* -o hours as minutes; INT32_MIN = local time */
    int roll_min;             /* --roll HH:MM: minutes after midnight the day rolls */
};

/* The tickerplant: one per process. */
struct tp {
    struct tp_options opt;          /* settings */
    struct tp_table *tables;        /* published tables, in schema order (.u.t) */
    int ntables;
    char schema_name[TP_NAME_BYTES];/* schema name, prefix of the journal file */
    struct jnl *jnl;                /* open journal, or NULL when logging is off */
    char jnl_path[TP_PATH_BYTES];   /* its file name */
    J i, j;                         /* .u.i .u.j (§4.1) */
    I d;                            /* .u.d, days since 2000.01.01 */
    int is_stopped;                 /* more than one day passed: ingest refused (§4.5) */
    int is_jnl_dirty;               /* journal records not yet flushed */
    int is_jnl_unsynced;            /* journal records written but not fdatasync'd */
    int is_globals_dirty;           /* .u.w etc. need refreshing for the interpreter */
    J rejected;                     /* bad updates */
    J slow_drops;                   /* subscribers cut off */
    int *scratch_handles;           /* handles for one send_many */
    char *scratch_done;             /* per-subscription flags while grouping */
    int scratch_cap;                /* room in both */
    G *pub_buf;                     /* a published message is composed here (kept) */
    J pub_buf_cap;                  /* its room */
    K pub_big[TP_PUB_BIG_KEPT];     /* recent large raw publishes (owned): reused once net
                                     * has dropped its references, so no fresh pages */
    int pub_big_next;               /* the slot a new one replaces */
};

extern struct tp tp;

/* tp_upd.c */
/* .u.upd from handle h: validate against the schema, stamp time, journal, publish or
 * buffer. Returns the generic null, or an error value. Ownership: x borrowed; new. */
K tp_upd(int handle, K table, K x);
/* The bytes fast path (net_bytes_fn): an async single-row (`.u.upd;`t;(atoms…)) in
 * zero-latency mode whose table has only unfiltered subscribers at net's capability is
 * checked, journaled and published from its bytes, no K built. Returns 1 when taken,
 * 0 for the general path (which also rejects what is wrong). */
int tp_upd_bytes(int handle, const G *msg, J n);
void tp_upd_fini(void);
/* Batch mode timer: publish every buffered table, .u.i = .u.j. */
void tp_batch_flush(void);
/* Set up per-table skeletons. Returns 0 or -1. Ownership: schema borrowed (kept). */
int tp_table_init(struct tp_table *t, S name, K schema);
void tp_table_fini(struct tp_table *t);
struct tp_table *tp_table_find(S name);

/* tp_pub.c */
/* Publish rows of table t held in cols (a general list, one vector per column).
 * Ownership: cols borrowed. */
void tp_publish(struct tp_table *t, K cols, J rows);
/* May t be published from composed bytes: every subscriber unfiltered and at
 * SER_MAX_CAPABILITY? */
int tp_pub_plain(const struct tp_table *t);
/* Publish one row from the atoms' bytes items[0..n) (type bytes included), time_atom
 * (1 + 8 bytes) first unless NULL. */
void tp_publish_row_bytes(struct tp_table *t, const G *time_atom, const G *items, J n);
/* Publish t's raw rows (batch fast path) as one (`upd;`t;table) composed from the
 * cached prefix and each column's bytes, to every subscriber (call only when
 * tp_pub_plain). Returns 0, or -1 when the message cannot be composed (too large, no
 * memory): nothing was sent and the caller takes the general path. */
int tp_publish_raw(struct tp_table *t);
/* Cache t's encoded message prefix (after tp_table_init's skeleton). Returns 0 or -1. */
int tp_pub_init(struct tp_table *t);
void tp_pub_fini(void);
/* Subscribe h to t (NULL = every table) with syms (` = all). Returns (t;schema), a
 * list of those, or an error. Ownership: syms borrowed; returns new. */
K tp_sub(int h, K table, K syms, int is_add);
void tp_del(struct tp_table *t, int h);
void tp_on_close(int h);
/* .u.end[d] to every distinct subscriber. */
void tp_send_end(I date);
K tp_w_dict(void);    /* .u.w. Ownership: returns new */
K tp_stats(void);     /* .u.stats[]. Ownership: returns new */

/* tp_eod.c */
J tp_now_ns(void);                   /* the TP's clock: ns since 2000.01.01, shifted */
I tp_date_of(J now_ns);              /* trading date of a clock reading (roll time applied) */
void tp_journal_mark(void);          /* records were appended: flush before the next poll */
I tp_today(void);                    /* the trading date of tp_now_ns */
void tp_clock_refresh(void);         /* zone offset and --clock-file, read again */
int tp_journal_open(I date);         /* open/create the day's log; 0 or -1 (printed) */
void tp_day_check(void);             /* §4.5 roll check */
K tp_endofday(void);                 /* roll now. Ownership: returns new (null / error) */
void tp_journal_flush(void);         /* write buffered records (per loop iteration) */
int tp_flush_init(void);             /* the journal-flush event and timed fsync */
void tp_flush_fini(void);

/* tp_q.c */
int tp_q_register(void);             /* natives and globals; 0 or -1 */
void tp_q_sync(void);                /* refresh .u.i .u.j .u.w … before q evaluates */
/* The runtime's fast path (rt_message_fn): .u.upd natively, else NULL for the
 * interpreter. Ownership: msg borrowed; returns new or NULL. */
K tp_on_message(int handle, int msg_type, K msg);

#endif
