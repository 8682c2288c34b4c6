/* rdb_tp.c: the RDB's tickerplant connection: subscribe and read (.u.i;.u.L) in one
 * sync call, replay the journal up to exactly .u.i records (§4.4; the common record is
 * decoded straight into the columns by rdb_upd.c's rdb_wire_*, the rest decoded by
 * journal.c's scan), the upd fast path, and reconnection with backoff and
 * resynchronisation from the journal when the TP goes away. SPDX-License-Identifier: MIT */
#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include "journal.h"
#include "log.h"
#include "net.h"
#include "rdb.h"
#include "runtime.h"
#include "ser.h"

#define RDB_SUB_REQUEST "(.u.sub[`;`];`.u `i`L)"          /* r.q's, verbatim */
#define RDB_SUB_FALLBACK "(.u.sub[`;`];(.u.i;.u.L))"     /* the same, spelled plainly */
#define RDB_REPLY_ITEMS 2        /* (schemas; (i; L)) */
#define RDB_POS_ITEMS 2          /* (i; L) */
#define RDB_US_PER_MS 1000
#define RDB_DATE_CHARS 10        /* YYYY.MM.DD at the end of a journal name */
#define RDB_MS_PER_S 1000
#define RDB_NS_PER_MS 1000000
#define RDB_JOURNAL_WAIT_MS 2000   /* how long the replay waits for the journal's tail */
#define RDB_JOURNAL_POLL_MS 5

static struct event *rdb_retry_ev;   /* the reconnection timer */
static int rdb_use_fallback;         /* the TP refused r.q's spelling once */

/* Replay state: rows still to skip per table (what the tables already hold). */
struct rdb_replay {
    J *skip;            /* per table, indexed as rdb.tables */
    J applied_rows;     /* rows inserted by the replay */
    J skipped_rows;     /* rows already held, not inserted again */
    J errors;           /* records upd refused */
    int is_native;      /* upd is the native this pass: records may take the fast path */
    J fast_records;     /* records appended straight from their bytes (rdb_wire_append) */
    struct rdb_sym_slot *syms;  /* RDB_SYM_CACHE_SLOTS, the fast path's symbol cache */
};

static J rdb_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (J)ts.tv_sec * RDB_MS_PER_S + ts.tv_nsec / RDB_NS_PER_MS;
}

static const char *rdb_host(const struct rdb_peer *p)
{
    return p->host[0] ? p->host : NET_DEFAULT_HOST;
}

/* One journal record: skip what the tables hold, apply the rest through upd.
 * Ownership: record borrowed. */
static int rdb_on_record(void *ctx, K record, J index)
{
    struct rdb_replay *rp = ctx;
    if (!rdb_is_upd(record)) {
        log_warn("rdb: %s: record %lld is not (`upd;t;x): skipped", rdb.jnl_path, (long long)index);
        return 0;
    }
    struct rdb_table *t = rdb_table_find(kK(record)[1]->s);
    J rows = rdb_data_rows(kK(record)[2]);
    J skip = 0, *held = t ? &rp->skip[t - rdb.tables] : NULL;
    if (held) skip = *held < rows ? *held : rows;
    /* A q upd cannot be told to skip, so a record held whole is not given to it. The
     * native insert checks a record before it skips, so one it refused (which added
     * nothing the first time) does not use up rows held and shift later records. */
    if (held && skip == rows && rows > 0 && !rdb_upd_is_native()) {
        *held -= skip;
        rp->skipped_rows += rows;
        return 0;
    }
    K r = rdb_apply(record, skip);
    if (r && r->t == KERR) {
        if (rp->errors++ == 0)
            log_error("rdb: %s: record %lld: upd: '%s", rdb.jnl_path, (long long)index, r->s);
    } else {
        if (held) *held -= skip;
        rp->skipped_rows += skip;
        rp->applied_rows += rows - skip;
    }
    r0(r);
    return 0;
}

/* The fast path for the record at p (n bytes to the end of the journal), offered each
 * record by jnl_scan_file_fns: a record of rows all held is checked and skipped, one of
 * rows all new is appended from its bytes. Returns its length, or 0 for the scan's
 * generic path (decoded, then rdb_on_record): a record partly held, any other shape, or
 * one the native upd would refuse (that path reports it as ever). */
static J rdb_replay_fast(void *ctx, const G *p, J n, J index)
{
    struct rdb_replay *rp = ctx;
    struct rdb_wire w;
    (void)index;
    if (!rp->is_native || !rdb_wire_peek(p, n, &w)) return 0;
    J i = w.t - rdb.tables;
    if (rp->skip[i] > 0) {
        if (rp->skip[i] < w.rows) return 0;
        J len = rdb_wire_check(&w, p + n);
        if (len < 0) return 0;      /* one the native upd refuses, or a bad tail */
        rp->skip[i] -= w.rows;
        rp->skipped_rows += w.rows;
        return len;
    }
    J len = rdb_wire_append(&w, p + n, rp->syms);
    if (len < 0) return 0;
    w.t->rows += w.rows;
    rp->applied_rows += w.rows;
    rp->fast_records++;
    return len;
}

/* One pass over the journal (mapped read-only by jnl_scan_file_fns: replay streams from
 * the page cache in constant heap); rows the tables hold are skipped. Returns 0 or -1
 * (scan->err). */
static int rdb_replay_pass(J count, struct rdb_replay *rp, struct jnl_scan *scan)
{
    for (int i = 0; i < rdb.ntables; i++) rp->skip[i] = rdb.tables[i].rows;
    rp->skipped_rows = 0;   /* per pass: rows held when it started */
    rp->is_native = rdb_upd_is_native();   /* nothing in a native pass runs q code */
    struct jnl_scan_fns fns = { .on_bytes = rdb_replay_fast, .on_record = rdb_on_record,
                                .ctx = rp };
    return jnl_scan_file_fns(rdb.jnl_path, count, &fns, scan);
}

int rdb_replay(J count)
{
    struct rdb_replay rp = { .skip = calloc((size_t)rdb.ntables + 1, sizeof(J)),
                             .syms = calloc(RDB_SYM_CACHE_SLOTS, sizeof(struct rdb_sym_slot)) };
    if (!rp.skip || !rp.syms) { free(rp.skip); free(rp.syms); return -1; }
    J t0 = rdb_now_ms();
    struct stat st;
    if (stat(rdb.jnl_path, &st) == 0) rdb_tables_reserve((J)st.st_size);
    struct jnl_scan scan;
    int rc = rdb_replay_pass(count, &rp, &scan);
    /* The TP may answer .u.i before its buffered journal bytes reach the file (it writes
     * once per loop turn): wait for the tail briefly. Passes are idempotent. */
    for (J waited = 0; rc == 0 && count >= 0 && scan.records < count
                       && waited < RDB_JOURNAL_WAIT_MS; waited += RDB_JOURNAL_POLL_MS) {
        struct timespec ts = { 0, RDB_JOURNAL_POLL_MS * RDB_NS_PER_MS };
        nanosleep(&ts, NULL);
        rc = rdb_replay_pass(count, &rp, &scan);
    }
    for (int i = 0; rc == 0 && i < rdb.ntables; i++)
        if (rp.skip[i] > 0)   /* e.g. a TP killed after publishing, before its write */
            log_warn("rdb: %s: %lld rows of %s held here are not in the journal", rdb.jnl_path,
                     (long long)rp.skip[i], rdb.tables[i].name);
    free(rp.skip);
    free(rp.syms);
    if (rc != 0) {
        log_error("rdb: replay of %s failed: %s", rdb.jnl_path, scan.err);
        return -1;
    }
    if (count >= 0 && scan.records < count)
        log_warn("rdb: %s holds %lld good records, the TP says %lld%s%s", rdb.jnl_path,
                 (long long)scan.records, (long long)count, scan.is_bad_tail ? ": " : "",
                 scan.is_bad_tail ? scan.err : "");
    rdb.replayed = scan.records;
    log_info("rdb: replayed %lld records of %s in %lld ms: %lld rows applied, %lld rows "
             "already held skipped, %lld records refused, %lld records decoded straight "
             "into the columns", (long long)scan.records, rdb.jnl_path,
             (long long)(rdb_now_ms() - t0), (long long)rp.applied_rows,
             (long long)rp.skipped_rows, (long long)rp.errors, (long long)rp.fast_records);
    return 0;
}

/* The HDB root as r.q derives it: <log dir>/<schema name> (journal name minus date). */
static void rdb_hdb_root_set(void)
{
    if (rdb.hdb_dir) { snprintf(rdb.hdb_root, sizeof rdb.hdb_root, "%s", rdb.hdb_dir); return; }
    size_t n = strlen(rdb.jnl_path);
    if (n <= RDB_DATE_CHARS) { snprintf(rdb.hdb_root, sizeof rdb.hdb_root, "."); return; }
    snprintf(rdb.hdb_root, sizeof rdb.hdb_root, "%.*s", (int)(n - RDB_DATE_CHARS), rdb.jnl_path);
}

/* The date at the end of a journal name, as days since 2000.01.01, or -1. */
static I rdb_journal_date(const char *path)
{
    size_t n = strlen(path);
    int y, m, d;
    if (n < RDB_DATE_CHARS
        || sscanf(path + n - RDB_DATE_CHARS, "%4d.%2d.%2d", &y, &m, &d) != 3) return -1;
    return ymd(y, m, d);
}

/* Take the subscription reply. Returns 0 or -1. Ownership: reply borrowed. */
static int rdb_take_reply(K reply, int is_first)
{
    if (reply->t != 0 || reply->n != RDB_REPLY_ITEMS || kK(reply)[1]->t != 0
        || kK(reply)[1]->n != RDB_POS_ITEMS) {
        log_error("rdb: unexpected subscription reply (type %d)", reply->t);
        return -1;
    }
    K schemas = kK(reply)[0], pos = kK(reply)[1];
    K i = kK(pos)[0], l = kK(pos)[1];
    J count = i->t == -KJ ? i->j : i->t == -KI ? (i->i == ni ? nj : i->i) : nj;
    const char *file = l->t == -KS ? l->s : "";
    if (file[0] == ':') file++;
    if (!is_first && rdb.jnl_path[0] && strcmp(file, rdb.jnl_path) != 0) {
        I old = rdb_journal_date(rdb.jnl_path);
        log_warn("rdb: the journal changed from %s to %s while the TP was away: the end of "
                 "day was missed; writing the tables for the old date now", rdb.jnl_path, file);
        if (old >= 0) r0(rdb_end_of_day(old));
        else rdb_tables_clear();
    }
    if (is_first || rdb.ntables != (int)schemas->n) {
        if (rdb_tables_set(schemas)) return -1;
    }
    snprintf(rdb.jnl_path, sizeof rdb.jnl_path, "%s", file);
    rdb_hdb_root_set();
    if (count == nj || !file[0]) {
        log_warn("rdb: the TP keeps no journal: nothing to replay");
        return 0;
    }
    return rdb_replay(count);
}

/* Open the TP and make the subscription request. Returns the handle (> 0) with *reply
 * set, or -1. Ownership: *reply new (NULL or an error value on failure). */
static int rdb_subscribe(const char *request, K *reply, int is_retry)
{
    int h = net_hopen(rdb_host(&rdb.tp), rdb.tp.port, rdb.tp.cred[0] ? rdb.tp.cred : NULL,
                      RDB_CONNECT_TIMEOUT_MS);
    if (h <= 0) {
        log_warn("rdb: cannot connect to the TP at %s:%d (%d)%s", rdb_host(&rdb.tp),
                 rdb.tp.port, h, is_retry ? "" : "; retrying");
        return -1;
    }
    K req = kp((S)request);
    *reply = req ? net_call(h, req, RDB_CONNECT_TIMEOUT_MS) : NULL;
    r0(req);
    return h;
}

int rdb_tp_connect(int is_retry)
{
    K reply = NULL;
    int h = rdb_subscribe(rdb_use_fallback ? RDB_SUB_FALLBACK : RDB_SUB_REQUEST, &reply,
                          is_retry);
    if (h > 0 && reply && reply->t == KERR && !rdb_use_fallback) {
        /* A fresh connection, so that no update published to the first one (if its
         * .u.sub ran) can arrive ahead of the replay. */
        log_warn("rdb: the TP refused %s ('%s); asking %s on a new connection",
                 RDB_SUB_REQUEST, reply->s, RDB_SUB_FALLBACK);
        r0(reply);
        reply = NULL;
        (void)net_hclose(h);   /* its subscription goes with it (the TP's close hook) */
        rdb_use_fallback = 1;
        h = rdb_subscribe(RDB_SUB_FALLBACK, &reply, is_retry);
    }
    if (h <= 0) return -1;
    if (!reply || reply->t == KERR) {
        log_error("rdb: %s:%d: subscription failed: '%s", rdb_host(&rdb.tp), rdb.tp.port,
                  reply ? reply->s : "wsfull");
        r0(reply);
        (void)net_hclose(h);   /* the handle is useless; a failed close changes nothing */
        return -1;
    }
    int rc = rdb_take_reply(reply, rdb.ntables == 0);
    r0(reply);
    if (rc) { (void)net_hclose(h); return -1; }
    rdb.tp_handle = h;
    rdb.backoff_ms = RDB_BACKOFF_MIN_MS;
    log_info("rdb: subscribed to %d tables at %s:%d%s", rdb.ntables, rdb_host(&rdb.tp),
             rdb.tp.port, is_retry ? " (resynchronised)" : "");
    return 0;
}

static void rdb_retry_schedule(void);

static void rdb_on_retry(evutil_socket_t fd, short what, void *arg)
{
    (void)fd; (void)what; (void)arg;
    if (rdb.tp_handle > 0) return;
    if (rdb_tp_connect(1) == 0) return;
    rdb.backoff_ms *= 2;
    if (rdb.backoff_ms > RDB_BACKOFF_MAX_MS) rdb.backoff_ms = RDB_BACKOFF_MAX_MS;
    rdb_retry_schedule();
}

static void rdb_retry_schedule(void)
{
    if (!rdb_retry_ev) rdb_retry_ev = evtimer_new(rt_base(), rdb_on_retry, NULL);
    if (!rdb_retry_ev) { log_error("rdb: no timer for reconnection"); return; }
    struct timeval tv = { rdb.backoff_ms / RDB_MS_PER_S,
                          (rdb.backoff_ms % RDB_MS_PER_S) * RDB_US_PER_MS };
    if (evtimer_add(rdb_retry_ev, &tv) != 0) log_error("rdb: cannot arm the reconnection timer");
}

void rdb_tp_retry_start(void)
{
    if (!rdb.backoff_ms) rdb.backoff_ms = RDB_BACKOFF_MIN_MS;
    rdb_retry_schedule();
}

void rdb_tp_on_close(int handle)
{
    if (handle != rdb.tp_handle || handle <= 0) return;
    rdb.tp_handle = 0;
    log_warn("rdb: the TP at %s:%d went away; reconnecting with backoff (tables kept: "
             "the missing journal range is replayed on return)", rdb_host(&rdb.tp), rdb.tp.port);
    rdb.backoff_ms = RDB_BACKOFF_MIN_MS;
    rdb_retry_schedule();
}

K rdb_on_message(int handle, int msg_type, K msg)
{
    (void)handle; (void)msg_type;
    if (!rdb_is_upd(msg)) return NULL;
    K r = rdb_apply(msg, 0);
    if (r && r->t == KERR) log_error("rdb: upd %s: '%s", kK(msg)[1]->s, r->s);
    return r;
}

void rdb_tp_fini(void)
{
    if (rdb_retry_ev) event_free(rdb_retry_ev);
    rdb_retry_ev = NULL;
}
