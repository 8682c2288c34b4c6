/* replay.c: -11! (tick-architecture.md §5.4): count or replay a kdb+ tick log through
 * q_value, streaming from journal.c's mapped scan. The `!` dispatch is eval's.
 * SPDX-License-Identifier: MIT */
#include "replay.h"

#include <string.h>

#include "journal.h"
#include "q.h"

/* The scan callback's state. */
typedef struct {
    K err;   /* the first error a record raised (new), or NULL */
} replay_ctx;

/* Apply one record as the default .z.ps does. Returns 1 to stop on an error.
 * Ownership: record borrowed (jnl_record_fn). */
static int replay_record(void *ctx, K record, J index)
{
    (void)index;
    replay_ctx *rc = ctx;
    K r = q_value(record);
    if (r && r->t == KERR) { rc->err = r; return 1; }
    r0(r);
    return 0;
}

/* The path of a file symbol (`:path or `path), or NULL. Ownership: f borrowed; the
 * text is the interned symbol's. */
static const char *replay_path(K f)
{
    if (!f || f->t != -KS) return NULL;
    return f->s[0] == ':' ? f->s + 1 : f->s;
}

/* Replay or count (n as in q_replay) the log at path. Ownership: returns new. */
static K replay_run(J n, const char *path)
{
    struct jnl_scan scan;
    replay_ctx ctx = { 0 };
    int counting = n == REPLAY_COUNT;
    int rc = jnl_scan_file(path, counting ? -1 : n, counting ? NULL : replay_record, &ctx, &scan);
    if (ctx.err) return ctx.err;
    if (rc != 0) {
        /* a missing or non-journal file: q reports the file */
        return strstr(scan.err, "not a journal") ? krr("badtail") : k_err_fmt("%s", path);
    }
    if (counting) return scan.is_bad_tail ? knk(2, kj(scan.records), kj(scan.valid_bytes))
                                          : kj(scan.records);
    if (scan.is_bad_tail) return krr("badtail");
    return kj(scan.records);
}

K q_replay(K arg)
{
    if (!arg) return krr("type");
    if (arg->t == -KS) {
        const char *path = replay_path(arg);
        return path ? replay_run(REPLAY_ALL, path) : krr("type");
    }
    J n;
    K f;
    if (arg->t != 0 || arg->n != 2) return krr("type");
    K a = kK(arg)[0];
    f = kK(arg)[1];
    if (a->t == -KJ) n = a->j;
    else if (a->t == -KI) n = a->i;
    else return krr("type");
    const char *path = replay_path(f);
    if (!path || n < REPLAY_COUNT) return krr(path ? "domain" : "type");
    return replay_run(n, path);
}
