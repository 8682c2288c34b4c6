/* test_tickerplant.c: the tickerplant as real processes on 127.0.0.1 (issue 6): r.q's
 * subscribe string, sym filters, publish, unsubscribe on close, zero-latency and batch
 * modes, journal bytes and replay, corrupt tails, bad updates, end of day on a shifted
 * clock, slow-subscriber cut-off, sym.q schemas and --help.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal.h"
#include "net.h"
#include "q.h"
#include "replay.h"
#include "ser.h"
#include "tp_run.h"
#include "../../unit/check_run.h"

#define T_WAIT_MS 3000
#define T_QUIET_MS 300           /* "no message arrives" window */
#define T_SCHEMA_ENV "TP_SCHEMA" /* config/sym.json of the source tree */
#define T_PATH_BYTES 4200

static char dir[64];
static char errlog[T_PATH_BYTES];

/* Start a tickerplant with the repository schema, a journal in dir (when with_log)
 * and extra args. */
static void start(struct tp_proc *p, int with_log, const char *const *extra)
{
    const char *args[24] = { getenv(T_SCHEMA_ENV) };
    int n = 1;
    if (with_log) args[n++] = dir;
    args[n++] = "-p";
    args[n++] = "0";
    for (int i = 0; extra && extra[i]; i++) args[n++] = extra[i];
    args[n] = NULL;
    int st = 0;
    ck_assert_msg(tp_proc_start(p, args, errlog, &st) == 0, "tickerplant did not start (%d)", st);
}

static void setup(void)
{
    ck_assert_int_eq(tp_tmpdir(dir), 0);
    snprintf(errlog, sizeof errlog, "%s/tp.err", dir);
    ck_assert_int_eq(net_init(NULL, NULL, NULL), 0);
}

static void stop(struct tp_proc *p)
{
    int st = tp_proc_stop(p);
    ck_assert_msg(st == 0, "tickerplant exit status %d (sanitizer report in %s?)", st, errlog);
}

static J call_long(int h, const char *src)
{
    K r = tp_call(h, src);
    ck_assert_msg(r && (r->t == -KJ || r->t == -KI), "%s: type %d %s", src, r ? r->t : 0,
                  r && r->t == KERR ? r->s : "");
    J v = r->t == -KJ ? r->j : r->i;
    r0(r);
    return v;
}

/* The journal file the TP at handle h names in .u.L (without its colon). */
static void journal_path(int h, char path[T_PATH_BYTES])
{
    K L = tp_call(h, ".u.L");
    ck_assert_msg(L && L->t == -KS, ".u.L: type %d", L ? L->t : 0);
    snprintf(path, T_PATH_BYTES, "%s", L->s + 1);
    r0(L);
}

/* Async (`.u.upd;`trade;x) with x the column list for syms, prices (no time). */
static void send_trades(int h, const char *fn, int n, const char *const *syms, F price)
{
    K s = ktn(KS, n), p = ktn(KF, n), z = ktn(KI, n), b = ktn(KB, n), c = ktn(KC, n), e = ktn(KC, n);
    for (int i = 0; i < n; i++) {
        kS(s)[i] = ss(syms[i]); kF(p)[i] = price + i; kI(z)[i] = 100 + i;
        kG(b)[i] = 0; kC(c)[i] = 'A'; kC(e)[i] = 'N';
    }
    K msg = knk(3, fn[0] == '"' ? kp((S)fn + 1) : ks((S)fn), ks("trade"), knk(6, s, p, z, b, c, e));
    ck_assert_int_eq(net_send(h, SER_ASYNC, msg, NULL), 0);
    ck_assert_int_eq(net_flush(h), 0);   /* a client without a loop queues async sends */
    r0(msg);
}

/* The table of an (`upd;`t;table) message, checked. Borrowed from msg. */
static K upd_table(K msg, const char *t)
{
    ck_assert_msg(msg != NULL, "no message");
    ck_assert_int_eq(msg->t, 0);
    ck_assert_int_eq(msg->n, 3);
    ck_assert_str_eq(kK(msg)[0]->s, "upd");
    ck_assert_str_eq(kK(msg)[1]->s, t);
    ck_assert_int_eq(kK(msg)[2]->t, XT);
    return kK(msg)[2];
}

/* jnl_scan_file callback: keep the first record. */
static int pick(void *ctx, K record, J index)
{
    (void)index;
    *(K *)ctx = r1(record);
    return 1;
}

/* jnl_scan_file callback: keep the last record seen. */
static int keep_last(void *ctx, K record, J index)
{
    (void)index;
    r0(*(K *)ctx);
    *(K *)ctx = r1(record);
    return 0;
}

/* Evaluate q text in this process's interpreter. Ownership: returns new. */
static K qe(const char *src) { return q_eval(src, (J)strlen(src)); }

static K col(K table, int c) { return kK(kK(table->k)[1])[c]; }

START_TEST(rq_subscribe_filter_publish)
{
    struct tp_proc p;
    start(&p, 1, NULL);
    int all = tp_open(&p), ibm = tp_open(&p), feed = tp_open(&p);
    ck_assert(all > 0 && ibm > 0 && feed > 0);
    /* r.q's exact string: (list of (table;schema); (.u.i;.u.L)) */
    K r = tp_call(all, "(.u.sub[`;`];.u `i`L)");
    ck_assert_int_eq(r->t, 0);
    ck_assert_int_eq(r->n, 2);
    K subs = kK(r)[0], info = kK(r)[1];
    ck_assert_int_eq(subs->n, 2);
    ck_assert_str_eq(kK(kK(subs)[0])[0]->s, "trade");
    ck_assert_int_eq(kK(kK(subs)[0])[1]->t, XT);
    ck_assert_int_eq(k_count(kK(kK(subs)[0])[1]), 0);
    ck_assert_int_eq(kK(info)[0]->j, 0);
    ck_assert_msg(strstr(kK(info)[1]->s, ":") == kK(info)[1]->s, "L %s", kK(info)[1]->s);
    r0(r);
    r = tp_call(ibm, ".u.sub[`trade;`IBM`GOOG]");
    ck_assert_str_eq(kK(r)[0]->s, "trade");
    r0(r);
    r = tp_call(ibm, ".u.sub[`nosuch;`]");
    ck_assert_int_eq(r->t, KERR);
    ck_assert_str_eq(r->s, "nosuch");
    r0(r);
    static const char *const two[] = { "MSFT", "IBM" };
    send_trades(feed, ".u.upd", 2, two, 10.0);
    send_trades(feed, "\".u.upd", 1, two, 20.0);   /* feed.q's string form */
    K m = tp_next(all, T_WAIT_MS);
    K t = upd_table(m, "trade");
    ck_assert_int_eq(k_count(t), 2);
    ck_assert_int_eq(col(t, 0)->t, KN);           /* time stamped as a timespan */
    ck_assert_int_eq(kJ(col(t, 0))[0], kJ(col(t, 0))[1]);
    ck_assert_str_eq(kS(col(t, 1))[1], "IBM");
    r0(m);
    m = tp_next(all, T_WAIT_MS);
    ck_assert_int_eq(k_count(upd_table(m, "trade")), 1);
    r0(m);
    m = tp_next(ibm, T_WAIT_MS);                  /* only IBM's row; MSFT-only gets none */
    t = upd_table(m, "trade");
    ck_assert_int_eq(k_count(t), 1);
    ck_assert_str_eq(kS(col(t, 1))[0], "IBM");
    ck_assert(kF(col(t, 2))[0] == 11.0);
    r0(m);
    ck_assert_int_eq(call_long(feed, ".u.i"), 2);
    ck_assert_int_eq(call_long(feed, "count .u.w`trade"), 2);
    ck_assert_ptr_null(tp_next(ibm, T_QUIET_MS));   /* (a receive timeout closes ibm) */
    stop(&p);
}
END_TEST

START_TEST(resubscribe_replaces_and_close_unsubscribes)
{
    struct tp_proc p;
    start(&p, 0, NULL);
    int sub = tp_open(&p), feed = tp_open(&p);
    r0(tp_call(sub, ".u.sub[`trade;`IBM]"));
    r0(tp_call(sub, ".u.sub[`trade;`MSFT]"));      /* replaces */
    r0(tp_call(sub, ".u.add[`trade;`GOOG]"));      /* unions */
    K r = tp_call(feed, ".u.w`trade");
    ck_assert_int_eq(r->n, 1);
    ck_assert_int_eq(kK(kK(r)[0])[1]->n, 2);
    r0(r);
    /* no journal: .u.i and .u.L are null so that r.q skips its replay */
    r = tp_call(feed, ".u `i`L");
    ck_assert_int_eq(kK(r)[0]->j, nj);
    ck_assert_str_eq(kK(r)[1]->s, "");
    r0(r);
    static const char *const syms[] = { "IBM", "MSFT", "GOOG" };
    send_trades(feed, ".u.upd", 3, syms, 1.0);
    K m = tp_next(sub, T_WAIT_MS);
    ck_assert_int_eq(k_count(upd_table(m, "trade")), 2);
    r0(m);
    ck_assert_int_eq(net_hclose(sub), 0);
    for (int i = 0; i < 50 && call_long(feed, "count .u.w`trade") != 0; i++) usleep(20000);
    ck_assert_int_eq(call_long(feed, "count .u.w`trade"), 0);
    stop(&p);
}
END_TEST

START_TEST(journal_bytes_and_replay)
{
    struct tp_proc p;
    start(&p, 1, NULL);
    int feed = tp_open(&p), sub = tp_open(&p);
    r0(tp_call(sub, ".u.sub[`;`]"));
    static const char *const syms[] = { "A", "B", "C" };
    send_trades(feed, ".u.upd", 3, syms, 5.0);
    send_trades(feed, ".u.upd", 1, syms, 6.0);
    r0(tp_call(feed, ".u.upd[`quote;(`A;1.0;2.0;3;4;\"x\";\"y\")]"));  /* single row */
    K got[3];
    for (int i = 0; i < 3; i++) ck_assert_ptr_nonnull(got[i] = tp_next(sub, T_WAIT_MS));
    char path[T_PATH_BYTES];
    journal_path(feed, path);
    stop(&p);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unsigned char head[18];
    ck_assert_int_eq(fread(head, 1, sizeof head, f), sizeof head);
    fclose(f);
    static const unsigned char want[] = { 0xff, 0x01, 0, 0, 3, 0, 0, 0,        /* header */
                                          0, 0, 3, 0, 0, 0, 0xf5, 'u', 'p', 'd' };
    ck_assert_int_eq(memcmp(head, want, sizeof want), 0);
    struct jnl_scan scan;
    ck_assert_int_eq(jnl_scan_file(path, -1, NULL, NULL, &scan), 0);
    ck_assert_int_eq(scan.records, 3);
    ck_assert_int_eq(scan.is_bad_tail, 0);
    ck_assert_int_eq(scan.valid_bytes, scan.file_bytes);
    /* the journaled column lists are the published tables' columns */
    K rec = NULL;
    struct jnl_scan one;
    (void)jnl_scan_file(path, 1, pick, &rec, &one);
    ck_assert_ptr_nonnull(rec);
    ck_assert_str_eq(kK(rec)[1]->s, "trade");
    K data = kK(rec)[2], pub = upd_table(got[0], "trade");
    ck_assert_int_eq(data->n, 7);
    for (int c = 0; c < 7; c++) ck_assert(k_match(kK(data)[c], col(pub, c)));
    r0(rec);
    for (int i = 0; i < 3; i++) r0(got[i]);
    /* -11! through the interpreter rebuilds the same tables */
    ck_assert_int_eq(q_init(), 0);
    char spec[T_PATH_BYTES + 1];
    snprintf(spec, sizeof spec, ":%s", path);
    K count = knk(2, kj(-2), ks(spec));
    K n = q_replay(count);
    ck_assert_int_eq(n->t, -KJ);
    ck_assert_int_eq(n->j, 3);
    r0(n); r0(count);
    r0(qe("rows:0;tabs:`$();upd:{[t;x] tabs,:t; rows+:count first x}"));
    K all = ks(spec);
    n = q_replay(all);
    ck_assert_msg(n->t == -KJ && n->j == 3, "-11!f gave type %d %s", n->t, n->t == KERR ? n->s : "");
    r0(n); r0(all);
    K v = qe("(rows;tabs)");
    ck_assert_int_eq(kK(v)[0]->j, 3 + 1 + 1);   /* rows of trade, trade, quote (one row) */
    ck_assert_int_eq(kK(v)[1]->n, 3);
    r0(v);
    K first = knk(2, kj(1), ks(spec));
    n = q_replay(first);
    ck_assert_int_eq(n->j, 1);
    r0(n); r0(first);
    q_fini();
    /* restart: counts the day's log */
    start(&p, 1, NULL);
    feed = tp_open(&p);
    ck_assert_int_eq(call_long(feed, ".u.i"), 3);
    stop(&p);
}
END_TEST

/* Async single-row updates take the TP's bytes fast path (no decode); sync ones the
 * general path. Both must publish and journal the same values. */
START_TEST(single_row_fast_path_matches_general)
{
    struct tp_proc p;
    start(&p, 1, NULL);
    int feed = tp_open(&p), sub = tp_open(&p);
    r0(tp_call(sub, ".u.sub[`trade;`]"));
    K row = knk(7, ktj(-KN, 36000000000001LL), ks("IBM"), kf(1.5), ki(7), kb(1), kc('A'), kc('N'));
    K msg = knk(3, ks(".u.upd"), ks("trade"), r1(row));
    ck_assert_int_eq(net_send(feed, SER_ASYNC, msg, NULL), 0);            /* fast path */
    r0(msg);
    msg = knk(3, kp(".u.upd"), ks("trade"), r1(row));                       /* string name */
    ck_assert_int_eq(net_send(feed, SER_ASYNC, msg, NULL), 0);
    r0(msg);
    K bad = knk(7, ktj(-KN, 1), ks("IBM"), kj(2), ki(7), kb(1), kc('A'), kc('N'));
    msg = knk(3, ks(".u.upd"), ks("trade"), bad);                         /* price a long */
    ck_assert_int_eq(net_send(feed, SER_ASYNC, msg, NULL), 0);
    r0(msg);
    K notime = knk(6, ks("MSFT"), kf(2.5), ki(8), kb(0), kc('B'), kc('M'));
    msg = knk(3, ks(".u.upd"), ks("trade"), r1(notime));
    ck_assert_int_eq(net_send(feed, SER_ASYNC, msg, NULL), 0);
    r0(msg);
    ck_assert_int_eq(net_flush(feed), 0);
    r0(tp_call(feed, ".u.upd[`trade;(0D10:00:00.000000001;`IBM;1.5;7i;1b;\"A\";\"N\")]"));
    r0(tp_call(feed, ".u.upd[`trade;(`MSFT;2.5;8i;0b;\"B\";\"M\")]"));
    K got[5];
    for (int i = 0; i < 5; i++) ck_assert_ptr_nonnull(got[i] = tp_next(sub, T_WAIT_MS));
    ck_assert_ptr_null(tp_next(sub, T_QUIET_MS));      /* the bad one was not published */
    ck_assert(k_match(got[0], got[3]));
    ck_assert(k_match(got[1], got[3]));
    K a = upd_table(got[2], "trade"), b = upd_table(got[4], "trade");
    for (int c = 1; c < 7; c++) ck_assert(k_match(col(a, c), col(b, c)));
    ck_assert_int_eq(col(a, 0)->t, KN);
    ck_assert_int_eq(col(a, 0)->n, 1);
    ck_assert_int_eq(call_long(feed, ".u.i"), 5);
    char path[T_PATH_BYTES];
    journal_path(feed, path);
    stop(&p);
    ck_assert(tp_file_has(errlog, "rejected update for trade from handle"));
    struct jnl_scan scan;
    ck_assert_int_eq(jnl_scan_file(path, -1, NULL, NULL, &scan), 0);
    ck_assert_int_eq(scan.records, 5);
    ck_assert_int_eq(scan.header_count, 5);
    ck_assert_int_eq(scan.valid_bytes, scan.file_bytes);
    K recs[5] = { 0 };
    for (J i = 0; i < 5; i++) {
        struct jnl_scan one;
        K last = NULL;
        (void)jnl_scan_file(path, i + 1, keep_last, &last, &one);
        ck_assert_ptr_nonnull(recs[i] = last);
    }
    ck_assert(k_match(recs[0], recs[3]));
    ck_assert(k_match(recs[1], recs[3]));
    ck_assert_int_eq(kK(recs[2])[2]->n, 7);              /* the stamp was added */
    ck_assert(k_match(kK(kK(recs[2])[2])[1], kK(kK(recs[4])[2])[1]));
    for (int i = 0; i < 5; i++) { r0(recs[i]); r0(got[i]); }
    r0(row); r0(notime);
}
END_TEST

/* Async (`.u.upd;`trade;x) for each q text x (evaluated here), sent in one flush so
 * that the TP takes them in one loop pass: in batch mode the byte-level path. */
static void send_async_q(int h, const char *const *texts, int n)
{
    for (int i = 0; i < n; i++) {
        K data = qe(texts[i]);
        ck_assert_msg(data && data->t == 0, "%s", texts[i]);
        if (i == 0 && kK(data)[0]->t == KN) kK(data)[0]->a = K_ATTR_SORTED;  /* dropped */
        K msg = knk(3, ks(".u.upd"), ks("trade"), data);
        ck_assert_int_eq(net_send(h, SER_ASYNC, msg, NULL), 0);
        r0(msg);
    }
    ck_assert_int_eq(net_flush(h), 0);
}

/* The same updates through the general path: one sync message calling .u.upd for each
 * text in turn, so that they land in one batch. */
static void send_sync_q(int h, const char *const *texts, int n)
{
    char src[2048] = "";
    for (int i = 0; i < n; i++) {
        size_t at = strlen(src);
        snprintf(src + at, sizeof src - at, "%s.u.upd[`trade;%s]", i ? ";" : "", texts[i]);
    }
    K r = tp_call(h, src);
    ck_assert_msg(r && r->t != KERR, "%s: %s", src, r && r->t == KERR ? r->s : "");
    r0(r);
}

/* a and b encode to the same bytes (attributes included). Ownership: borrowed. */
static void same_bytes(K a, K b)
{
    K x = ser_encode(a, SER_ASYNC, SER_MAX_CAPABILITY, 0), y = ser_encode(b, SER_ASYNC, SER_MAX_CAPABILITY, 0);
    ck_assert_int_eq(x->t, KG);
    ck_assert_int_eq(x->n, y->n);
    ck_assert_msg(!memcmp(kG(x), kG(y), (size_t)x->n), "published bytes differ");
    r0(x); r0(y);
}

/* Batch mode: column-form async updates are buffered as bytes and published by
 * concatenation; the general path (sync) must publish the very same bytes, with a
 * filtered subscriber joining mid-batch, a single-row update between, and without
 * the time column; the journal records must match too. */
START_TEST(batch_fast_path_matches_general)
{
    ck_assert_int_eq(q_init(), 0);
    struct tp_proc p;
    const char *extra[] = { "-t", "300", NULL };
    start(&p, 1, extra);
    int feed = tp_open(&p), all = tp_open(&p), ibm = tp_open(&p);
    r0(tp_call(all, ".u.sub[`trade;`]"));
    static const char *const two[] = {
        "(0D10:00:00.000000001 0D10:00:00.000000002;`IBM`MSFT;1.5 2.5;7 8i;10b;\"AB\";\"NM\")",
        "(0D10:00:00.000000003 0D10:00:00.000000004 0D10:00:00.000000005;`GOOG`IBM`A;"
        "3.5 4.5 5.5;9 10 11i;011b;\"CDE\";\"XYZ\")" };
    send_async_q(feed, two, 2);
    K fast = tp_next(all, T_WAIT_MS);
    send_sync_q(feed, two, 2);
    K gen = tp_next(all, T_WAIT_MS);
    ck_assert_int_eq(k_count(upd_table(fast, "trade")), 5);   /* one message per tick */
    same_bytes(fast, gen);
    ck_assert_int_eq(col(upd_table(fast, "trade"), 0)->a, 0);
    r0(fast); r0(gen);
    /* a row between column updates: the bytes go to K columns first, order kept */
    const char *const mixed[] = {  /* not static: built from two (clang) */
        two[0], "(0D10:00:00.000000006;`IBM;6.5;12i;1b;\"F\";\"W\")", two[1] };
    send_async_q(feed, mixed, 3);
    fast = tp_next(all, T_WAIT_MS);
    send_sync_q(feed, mixed, 3);
    gen = tp_next(all, T_WAIT_MS);
    ck_assert_int_eq(k_count(upd_table(fast, "trade")), 6);
    same_bytes(fast, gen);
    r0(fast); r0(gen);
    /* a filtered subscriber: the buffered bytes are decoded at the tick */
    send_async_q(feed, two, 2);
    K r = tp_call(ibm, "(.u.sub[`trade;`IBM];.u.i)");
    int is_mid = kK(r)[1]->j == 10;   /* else a tick came between: ibm missed them */
    ck_assert(is_mid || kK(r)[1]->j == 12);
    r0(r);
    fast = tp_next(all, T_WAIT_MS);
    K fast_ibm = is_mid ? tp_next(ibm, T_WAIT_MS) : NULL;
    send_sync_q(feed, two, 2);
    gen = tp_next(all, T_WAIT_MS);
    K gen_ibm = tp_next(ibm, T_WAIT_MS);
    ck_assert_int_eq(k_count(upd_table(gen_ibm, "trade")), 2);
    same_bytes(fast, gen);
    if (is_mid) same_bytes(fast_ibm, gen_ibm);
    r0(fast); r0(gen); r0(fast_ibm); r0(gen_ibm);
    ck_assert_int_eq(net_hclose(ibm), 0);
    for (int i = 0; i < 50 && call_long(feed, "count .u.w`trade") != 1; i++) usleep(20000);
    /* no time column: stamped, one stamp per update */
    static const char *const notime[] = {
        "(`IBM`MSFT;1.5 2.5;7 8i;10b;\"AB\";\"NM\")",
        "(`GOOG`IBM`A;3.5 4.5 5.5;9 10 11i;011b;\"CDE\";\"XYZ\")" };
    send_async_q(feed, notime, 2);
    fast = tp_next(all, T_WAIT_MS);
    send_sync_q(feed, notime, 2);
    gen = tp_next(all, T_WAIT_MS);
    K a = upd_table(fast, "trade"), b = upd_table(gen, "trade");
    for (int c = 1; c < 7; c++) same_bytes(col(a, c), col(b, c));
    ck_assert_int_eq(col(a, 0)->t, KN);
    ck_assert_int_eq(col(a, 0)->n, 5);
    ck_assert_int_eq(kJ(col(a, 0))[0], kJ(col(a, 0))[1]);
    ck_assert_int_eq(kJ(col(a, 0))[2], kJ(col(a, 0))[4]);
    r0(fast); r0(gen);
    ck_assert_int_eq(call_long(feed, ".u.i"), 18);
    ck_assert_int_eq(call_long(feed, ".u.j"), 18);
    char path[T_PATH_BYTES];
    journal_path(feed, path);
    stop(&p);
    struct jnl_scan scan;
    ck_assert_int_eq(jnl_scan_file(path, -1, NULL, NULL, &scan), 0);
    ck_assert_int_eq(scan.records, 18);
    ck_assert_int_eq(scan.valid_bytes, scan.file_bytes);
    /* record k (async) and k+2 (sync) of the first pair, and of the stamped pair */
    static const J pairs[][2] = { { 1, 3 }, { 2, 4 }, { 15, 17 }, { 16, 18 } };
    for (int i = 0; i < 4; i++) {
        K rec[2] = { NULL, NULL };
        for (int k = 0; k < 2; k++) {
            struct jnl_scan one;
            (void)jnl_scan_file(path, pairs[i][k], keep_last, &rec[k], &one);
            ck_assert_ptr_nonnull(rec[k]);
        }
        K d0 = kK(rec[0])[2], d1 = kK(rec[1])[2];
        ck_assert_int_eq(d0->n, 7);
        ck_assert_int_eq(d1->n, 7);
        for (int c = i < 2 ? 0 : 1; c < 7; c++) ck_assert(k_match(kK(d0)[c], kK(d1)[c]));
        r0(rec[0]); r0(rec[1]);
    }
    q_fini();
}
END_TEST

START_TEST(corrupt_tail_refused_then_truncated)
{
    struct tp_proc p;
    start(&p, 1, NULL);
    int feed = tp_open(&p);
    r0(tp_call(feed, ".u.upd[`quote;(`A;1.0;2.0;3;4;\"x\";\"y\")]"));
    r0(tp_call(feed, ".u.upd[`quote;(`B;1.0;2.0;3;4;\"x\";\"y\")]"));
    char path[T_PATH_BYTES];
    journal_path(feed, path);
    stop(&p);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    FILE *f = fopen(path, "ab");
    static const unsigned char junk[] = { 0, 0, 3, 0, 0, 0, 0xf5, 'u', 'p' };
    fwrite(junk, 1, sizeof junk, f);
    fclose(f);
    const char *args[] = { getenv(T_SCHEMA_ENV), dir, "-p", "0", NULL };
    int status = 0;
    ck_assert_int_ne(tp_proc_start(&p, args, errlog, &status), 0);
    ck_assert_int_ne(status, 0);
    ck_assert_msg(tp_file_has(errlog, "is a corrupt log: 2 good records"), "no corrupt-log message");
    char len[64];
    snprintf(len, sizeof len, "Truncate to length %lld", (long long)st.st_size);
    ck_assert_msg(tp_file_has(errlog, len), "no valid length %s", len);
    ck_assert_int_eq(q_init(), 0);
    char spec[T_PATH_BYTES + 1];
    snprintf(spec, sizeof spec, ":%s", path);
    K arg = knk(2, kj(-2), ks(spec)), pair = q_replay(arg);
    ck_assert_int_eq(pair->t, 0);                     /* (good records; valid bytes) */
    ck_assert_int_eq(kK(pair)[0]->j, 2);
    ck_assert_int_eq(kK(pair)[1]->j, (J)st.st_size);
    r0(pair); r0(arg);
    r0(qe("upd:{[t;x]}"));
    K fs = ks(spec), e = q_replay(fs);
    ck_assert_int_eq(e->t, KERR);
    ck_assert_str_eq(e->s, "badtail");
    r0(e); r0(fs);
    q_fini();
    const char *extra[] = { "--truncate-bad-tail", NULL };
    start(&p, 1, extra);
    feed = tp_open(&p);
    ck_assert_int_eq(call_long(feed, ".u.i"), 2);
    r0(tp_call(feed, ".u.upd[`quote;(`C;1.0;2.0;3;4;\"x\";\"y\")]"));
    stop(&p);
    struct jnl_scan scan;
    ck_assert_int_eq(jnl_scan_file(path, -1, NULL, NULL, &scan), 0);
    ck_assert_int_eq(scan.records, 3);
    ck_assert_int_eq(scan.is_bad_tail, 0);
}
END_TEST

/* Bad updates: rejected with an error when sync, logged with the handle, neither
 * journaled nor published; in the mode given. */
static void check_bad_updates(const char *const *extra)
{
    struct tp_proc p;
    start(&p, 1, extra);
    int feed = tp_open(&p), sub = tp_open(&p);
    r0(tp_call(sub, ".u.sub[`;`]"));
    K r = tp_call(feed, ".u.upd[`trade;(`IBM;1.5;10;0b;\"a\";\"b\")]");   /* size long */
    ck_assert_int_eq(r->t, KERR);
    ck_assert_str_eq(r->s, "type");
    r0(r);
    r = tp_call(feed, ".u.upd[`trade;(`IBM;1.5;10i)]");                   /* too few */
    ck_assert_int_eq(r->t, KERR);
    ck_assert_str_eq(r->s, "length");
    r0(r);
    r = tp_call(feed, ".u.upd[`trade;(`IBM`X;1.5 2.5;10 11i;01b;\"ab\";\"c\")]");
    ck_assert_int_eq(r->t, KERR);                                          /* ragged */
    r0(r);
    r = tp_call(feed, ".u.upd[`trade;(2000.01.01D0;`IBM;1.5;10i;0b;\"a\";\"b\")]");
    ck_assert_int_eq(r->t, KERR);                  /* a timestamp is not the timespan */
    r0(r);
    r = tp_call(feed, ".u.upd[`nosuch;(`IBM;1.5)]");
    ck_assert_int_eq(r->t, KERR);
    ck_assert_str_eq(r->s, "nosuch");
    r0(r);
    K bad = knk(3, ks(".u.upd"), ks("trade"), knk(2, ks("IBM"), kf(1.0)));   /* async */
    ck_assert_int_eq(net_send(feed, SER_ASYNC, bad, NULL), 0);
    r0(bad);
    ck_assert_int_eq(call_long(feed, ".u.stats[]`rejected"), 6);
    ck_assert_int_eq(call_long(feed, ".u.j"), 0);
    ck_assert_int_eq(call_long(feed, ".u.stats[]`journalbytes"), JNL_HDR_BYTES);
    r = tp_call(feed, ".u.upd[`trade;(0D01:00:00;`IBM;1.5;10i;0b;\"a\";\"b\")]");  /* good */
    ck_assert_int_ne(r->t, KERR);
    r0(r);
    K m = tp_next(sub, T_WAIT_MS);          /* the first message is the good update */
    K t = upd_table(m, "trade");
    ck_assert_int_eq(kJ(col(t, 0))[0], 3600000000000LL);  /* time kept as sent */
    r0(m);
    ck_assert_int_eq(call_long(feed, ".u.j"), 1);
    stop(&p);
    ck_assert_msg(tp_file_has(errlog, "rejected update for trade from handle"), "no log line");
}

START_TEST(bad_updates_zero_latency) { check_bad_updates(NULL); }
END_TEST

START_TEST(bad_updates_batch)
{
    const char *extra[] = { "-t", "100", NULL };
    check_bad_updates(extra);
}
END_TEST

START_TEST(batch_mode_consistency)
{
    struct tp_proc p;
    const char *extra[] = { "-t", "500", NULL };
    start(&p, 1, extra);
    int feed = tp_open(&p), early = tp_open(&p), late = tp_open(&p);
    r0(tp_call(early, ".u.sub[`trade;`]"));
    usleep(100000);   /* net_receive closes a handle on timeout, so sleep instead */
    static const char *const syms[] = { "A", "B" };
    send_trades(feed, ".u.upd", 2, syms, 1.0);
    send_trades(feed, ".u.upd", 1, syms, 2.0);
    K r = tp_call(late, "(.u.sub[`trade;`];.u `i`L)");    /* joins mid-batch */
    J i = kK(kK(r)[1])[0]->j;
    r0(r);
    J j = call_long(feed, ".u.j");
    if (j == 2) {  /* still buffered: the late subscriber replays .u.i and gets the rest */
        ck_assert_int_eq(i, 0);
        K a = tp_next(early, T_WAIT_MS), b = tp_next(late, T_WAIT_MS);
        ck_assert_int_eq(k_count(upd_table(a, "trade")), 3);   /* one message per tick */
        ck_assert_int_eq(k_count(upd_table(b, "trade")), 3);
        r0(a); r0(b);
    } else {
        ck_assert_int_eq(i, 2);     /* the tick came between: nothing left to receive */
    }
    ck_assert_ptr_null(tp_next(late, T_QUIET_MS));
    ck_assert_int_eq(call_long(feed, ".u.i"), 2);
    stop(&p);
}
END_TEST

/* Write the injectable clock's shift (ms) for a tickerplant started with --clock-file. */
static void clock_write(const char *path, long long ms)
{
    char tmp[T_PATH_BYTES + 8];
    snprintf(tmp, sizeof tmp, "%s.new", path);
    FILE *f = fopen(tmp, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%lld\n", ms);
    fclose(f);
    ck_assert_int_eq(rename(tmp, path), 0);   /* the TP never reads half a file */
}

START_TEST(end_of_day_on_shifted_clock)
{
    /* the injectable clock: moved one day on, the TP's next tick rolls the day */
    char clock[T_PATH_BYTES];
    snprintf(clock, sizeof clock, "%s/clock", dir);
    clock_write(clock, 0);
    const char *extra[] = { "--clock-file", clock, NULL };
    struct tp_proc p;
    start(&p, 1, extra);
    int feed = tp_open(&p), sub = tp_open(&p);
    r0(tp_call(sub, ".u.sub[`;`]"));
    r0(tp_call(feed, ".u.upd[`quote;(`A;1.0;2.0;3;4;\"x\";\"y\")]"));
    K d0 = tp_call(feed, ".u.d"), L0 = tp_call(feed, ".u.L");
    ck_assert_int_eq(d0->t, -KD);
    ck_assert_int_eq(call_long(feed, ".u.i"), 1);
    K m = tp_next(sub, T_WAIT_MS);
    upd_table(m, "quote");
    r0(m);
    clock_write(clock, 86400LL * 1000);
    m = tp_next(sub, T_WAIT_MS);             /* once per handle, with the ending date */
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(m->n, 2);
    ck_assert_str_eq(kK(m)[0]->s, ".u.end");
    ck_assert_int_eq(kK(m)[1]->i, d0->i);
    r0(m);
    K d1 = tp_call(feed, ".u.d"), L1 = tp_call(feed, ".u.L");
    ck_assert_int_eq(d1->i, d0->i + 1);
    ck_assert_str_ne(L1->s, L0->s);
    ck_assert_int_eq(access(L1->s + 1, F_OK), 0);
    ck_assert_int_eq(call_long(feed, ".u.i"), 0);
    /* a feed may roll the day itself (.u.endofday, §4.5) */
    r0(tp_call(feed, ".u.upd[`quote;(`A;1.0;2.0;3;4;\"x\";\"y\")]"));
    r0(tp_next(sub, T_WAIT_MS));
    r0(tp_call(feed, ".u.endofday[]"));
    m = tp_next(sub, T_WAIT_MS);
    ck_assert_ptr_nonnull(m);
    ck_assert_str_eq(kK(m)[0]->s, ".u.end");
    ck_assert_int_eq(kK(m)[1]->i, d1->i);
    r0(m);
    ck_assert_int_eq(call_long(feed, ".u.i"), 0);
    ck_assert_int_eq(call_long(feed, "`long$.u.d"), d1->i + 1);
    ck_assert_ptr_null(tp_next(sub, T_QUIET_MS));   /* .u.end went once per handle */
    r0(d0); r0(d1); r0(L0); r0(L1);
    stop(&p);
}
END_TEST

START_TEST(more_than_one_day_stops_ingest)
{
    char clock[T_PATH_BYTES];
    snprintf(clock, sizeof clock, "%s/clock", dir);
    clock_write(clock, 0);
    const char *extra[] = { "--clock-file", clock, NULL };
    struct tp_proc p;
    start(&p, 1, extra);
    int feed = tp_open(&p), sub = tp_open(&p);
    r0(tp_call(sub, ".u.sub[`;`]"));
    K r = tp_call(feed, ".u.upd[`quote;(`A;1.0;2.0;3;4;\"x\";\"y\")]");
    ck_assert_int_ne(r->t, KERR);
    r0(r);
    r0(tp_next(sub, T_WAIT_MS));
    clock_write(clock, 3LL * 86400 * 1000);   /* the clock jumps three days */
    usleep(1500 * 1000);                      /* a timer tick (1 s) sees it */
    r = tp_call(feed, ".u.upd[`quote;(`A;1.0;2.0;3;4;\"x\";\"y\")]");
    ck_assert_int_eq(r->t, KERR);
    ck_assert_str_eq(r->s, "more than one day?");
    r0(r);
    ck_assert_int_eq(call_long(feed, ".u.i"), 1);
    ck_assert_ptr_null(tp_next(sub, T_QUIET_MS));   /* no .u.end, nothing published */
    stop(&p);
    ck_assert_msg(tp_file_has(errlog, "more than one day?"), "no log line");
}
END_TEST

START_TEST(slow_subscriber_cut_off)
{
    const char *extra[] = { "--max-sub-bytes", "200000", NULL };
    struct tp_proc p;
    start(&p, 0, extra);
    int feed = tp_open(&p), slow = tp_open(&p), fast = tp_open(&p);
    r0(tp_call(slow, ".u.sub[`trade;`]"));
    r0(tp_call(fast, ".u.sub[`trade;`]"));
    enum { ROWS = 1000, MSGS = 600 };
    static const char *syms[ROWS];
    for (int i = 0; i < ROWS; i++) syms[i] = "IBM";
    J rows = 0;
    for (int i = 0; i < MSGS; i++) {   /* lockstep: the fast one reads each message */
        send_trades(feed, ".u.upd", ROWS, syms, 1.0);
        K m = tp_next(fast, T_WAIT_MS);
        if (!m) break;
        rows += k_count(upd_table(m, "trade"));
        r0(m);
    }
    ck_assert_int_eq(rows, (J)ROWS * MSGS);
    ck_assert_int_eq(call_long(feed, ".u.stats[]`slowdrops"), 1);
    ck_assert_int_eq(call_long(feed, "count .u.w`trade"), 1);
    stop(&p);
    ck_assert_msg(tp_file_has(errlog, "slow subscriber handle"), "no cut-off log line");
}
END_TEST

START_TEST(sym_q_schema_and_help)
{
    char path[T_PATH_BYTES];
    snprintf(path, sizeof path, "%s/mine.q", dir);
    FILE *f = fopen(path, "w");
    fputs("trade:([]time:`timespan$();sym:`g#`symbol$();price:`float$();size:`int$())\n"
          "quote:([]time:`timespan$();sym:`g#`symbol$();bid:`float$())\n", f);
    fclose(f);
    const char *args[] = { path, dir, "-p", "0", NULL };
    struct tp_proc p;
    ck_assert_int_eq(tp_proc_start(&p, args, errlog, NULL), 0);
    int h = tp_open(&p);
    K r = tp_call(h, ".u.t");
    ck_assert_int_eq(r->t, KS);
    ck_assert_int_eq(r->n, 2);
    r0(r);
    r = tp_call(h, ".u.upd[`trade;(`IBM;1.5;10i)]");
    ck_assert_int_ne(r->t, KERR);
    r0(r);
    r = tp_call(h, ".u.L");
    ck_assert_msg(strstr(r->s, "/mine20") != NULL, "journal %s", r->s);
    r0(r);
    stop(&p);
    const char *help[] = { "--help", NULL };
    int status = -1;
    ck_assert_int_ne(tp_proc_start(&p, help, errlog, &status), 0);
    ck_assert_int_eq(status, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("tickerplant");
    TCase *t = tcase_create("tickerplant");
    tcase_add_checked_fixture(t, setup, NULL);
    tcase_set_timeout(t, 60);
    tcase_add_test(t, rq_subscribe_filter_publish);
    tcase_add_test(t, resubscribe_replaces_and_close_unsubscribes);
    tcase_add_test(t, journal_bytes_and_replay);
    tcase_add_test(t, single_row_fast_path_matches_general);
    tcase_add_test(t, batch_fast_path_matches_general);
    tcase_add_test(t, corrupt_tail_refused_then_truncated);
    tcase_add_test(t, bad_updates_zero_latency);
    tcase_add_test(t, bad_updates_batch);
    tcase_add_test(t, batch_mode_consistency);
    tcase_add_test(t, end_of_day_on_shifted_clock);
    tcase_add_test(t, more_than_one_day_stops_ingest);
    tcase_add_test(t, slow_subscriber_cut_off);
    tcase_add_test(t, sym_q_schema_and_help);
    suite_add_tcase(s, t);
    return tk_check_run(s);
}
