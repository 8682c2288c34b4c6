/* journal.h: the tickerplant log in kdb+'s format (tick-architecture.md §5): a writer
 * that appends records and keeps the header count, and a reader that validates, counts
 * and replays records the way -11! does. Shared by the tickerplant and the RDB.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_JOURNAL_H
#define TICK_JOURNAL_H

#include "k.h"

#define JNL_HDR_BYTES 8            /* ff 01 00 00 <int32 count> */
#define JNL_ERR_BYTES 256

/* What a scan found (the -11!(-2;f) semantics). */
struct jnl_scan {
    J records;        /* complete, well-formed records from the start */
    J valid_bytes;    /* bytes of the valid prefix, header included */
    J file_bytes;     /* bytes in the file (or buffer) */
    J header_count;   /* the count the header claims (not trusted) */
    int is_bad_tail;  /* 1 when bytes after the valid prefix do not form a record */
    char err[JNL_ERR_BYTES]; /* why the tail is bad, with its offset; or a file error */
};

/* Called for each record in order with its index (from 0). The record is borrowed.
 * Return 0 to go on, anything else to stop the scan (jnl_scan then returns -1 and
 * sets err to stop_text, when given). */
typedef int (*jnl_record_fn)(void *ctx, K record, J index);

/* Called with each record's bytes before the scan measures them: p is its first byte,
 * n the bytes left to the end of the journal. Returns the record's length when it dealt
 * with the record itself (a reader's fast path), 0 to leave it to the scan (measured,
 * and decoded for on_record), -1 to stop the scan (as on_record stopping it). */
typedef J (*jnl_bytes_fn)(void *ctx, const G *p, J n, J index);

/* The callbacks of a scan; any may be NULL. */
struct jnl_scan_fns {
    jnl_bytes_fn on_bytes;     /* offered each record's bytes first */
    jnl_record_fn on_record;   /* the decoded records on_bytes left */
    void *ctx;                 /* passed to both */
};

/* As jnl_scan_file with on_bytes offered each record first: a replay that appends
 * straight from the bytes keeps the header check, the bad-tail and count semantics and
 * the texts of every other reader. */
int jnl_scan_file_fns(const char *path, J max_records, const struct jnl_scan_fns *fns,
                      struct jnl_scan *out);

/* Scan journal bytes in memory: validate the header, then measure records up to
 * max_records (-1: all). With on_record set, each is decoded and handed over.
 * Returns 0 when the scan completed (a bad tail is not a failure: see is_bad_tail),
 * -1 when the header is not a journal's, a record could not be decoded into memory,
 * or on_record stopped it; out->err says which. */
int jnl_scan_bytes(const G *bytes, J n, J max_records, jnl_record_fn on_record, void *ctx,
                   struct jnl_scan *out);

/* As jnl_scan_bytes on the file at path (mapped read-only, so replay streams from the
 * page cache in constant heap). */
int jnl_scan_file(const char *path, J max_records, jnl_record_fn on_record, void *ctx,
                  struct jnl_scan *out);

/* Cut the file at path to valid_bytes (from a scan) and set its header count.
 * Returns 0, or -1 with the OS reason in err (JNL_ERR_BYTES). */
int jnl_truncate(const char *path, J valid_bytes, J records, char *err);

/* The log's name for a schema and a date: <dir>/<schema><YYYY.MM.DD> (date as days
 * since 2000.01.01). Writes into out (size bytes); returns 0, or -1 if it does not fit. */
int jnl_path(char *out, size_t size, const char *dir, const char *schema, I date);

/* ---- writing ---------------------------------------------------------------- */

struct jnl;   /* an open log; body in journal.c */

enum jnl_open_mode {
    JNL_OPEN_STRICT = 0,      /* a bad tail refuses the open (stock tick.q behaviour) */
    JNL_OPEN_TRUNCATE = 1,    /* a bad tail is cut off, logged in the error text */
};

/* Open the log at path for appending, creating it with an empty header if missing.
 * An existing log is scanned first; its good record count becomes jnl_count().
 * Returns the log, or NULL with the reason in err (JNL_ERR_BYTES), e.g.
 * "sym2024.01.15: corrupt log: 26 good records in 35634 of 39623 bytes". */
struct jnl *jnl_open(const char *path, enum jnl_open_mode mode, char *err);

/* Append one record: body holds one serialised object (the IPC message body, no header),
 * n bytes. The bytes are buffered; jnl_flush writes them. Returns 0, or -1 with
 * jnl_errmsg set when a buffer flush on the way fails. */
int jnl_append_bytes(struct jnl *j, const G *body, J n);

/* As jnl_append_bytes for one record whose body is the concatenation of n parts
 * (parts[i], lens[i] bytes): a record re-framed from a message's bytes is copied once,
 * straight into the buffer. Ownership: parts borrowed. */
int jnl_append_parts(struct jnl *j, const G *const *parts, const J *lens, int n);

/* Serialise record (normally (`upd;`t;data)) and append it. Ownership: record borrowed.
 * Returns 0, or -1 (jnl_errmsg: the value has no wire form, or a write failed). */
int jnl_append(struct jnl *j, K record);

/* Write buffered records; with sync set, bring the header count up to date and
 * fdatasync afterwards. Without sync the header count is rewritten at most every
 * 100 ms (it lags the records in between; readers count records, as jnl_scan does).
 * Returns 0, or -1 with jnl_errmsg set (the records stay buffered for a retry). */
int jnl_flush(struct jnl *j, int sync);

J jnl_count(const struct jnl *j);          /* records in the log, buffered ones included */
J jnl_bytes(const struct jnl *j);          /* bytes in the log, buffered ones included */
J jnl_buffered_bytes(const struct jnl *j); /* bytes not yet written */
const char *jnl_errmsg(const struct jnl *j);
const char *jnl_file(const struct jnl *j);

/* Flush (without sync), bring the header count up to date, and close. Returns 0, or -1 when the last flush failed (the
 * text is logged to stderr since the log is gone afterwards). */
int jnl_close(struct jnl *j);

#endif
