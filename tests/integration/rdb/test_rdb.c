/* test_rdb.c: integration tests of the rdb and hdb roles with real processes on
 * 127.0.0.1: tickerplant + rdb + feedhandler counts, an rdb killed and restarted, a
 * tickerplant killed and restarted (the rdb resynchronises), end of day into an hdb,
 * a corrupt partition, and a q upd replacing the native one.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "disk.h"
#include "net.h"
#include "rdb_run.h"

#define T_PATH 512
#define T_DIR 128       /* mkdtemp names under /tmp */
#define T_SUBDIR 256
#define T_SETTLE_MS 15000      /* how long the rdb gets to catch up */
#define T_FEED_MS 60000        /* how long a feed may run */

/* Parse "sent trade=N quote=M" from a finished feed's stdout. */
static void feed_sent(const struct run_proc *f, J *trade, J *quote)
{
    char *t = run_slurp(f->out);
    ck_assert_msg(t != NULL, "no feed output in %s", f->out);
    char *at = strstr(t, "sent ");
    long long a = -1, b = -1;
    ck_assert_msg(at && sscanf(at, "sent trade=%lld quote=%lld", &a, &b) == 2,
                  "feed output: %s", t);
    free(t);
    *trade = a;
    *quote = b;
}

static void start_tp(struct run_proc *tp, const char *dir, const char *port, const char *clock)
{
    char logdir[T_PATH];
    snprintf(logdir, sizeof logdir, "%s/log", dir);
    const char *args[] = { getenv("SCHEMA"), logdir, "-p", port,
                           clock ? "--clock-file" : NULL, clock, NULL };
    ck_assert_msg(run_start(tp, "TICKERPLANT", dir, "tp", args, 1) == 0, "tickerplant did not start");
}

static void start_rdb(struct run_proc *rdb, const char *dir, int tp_port, int hdb_port,
                      const char *extra1, const char *extra2)
{
    char tp[32], hdb[32], hdbdir[T_PATH];
    snprintf(tp, sizeof tp, ":%d", tp_port);
    snprintf(hdb, sizeof hdb, ":%d", hdb_port);
    snprintf(hdbdir, sizeof hdbdir, "%s/hdb", dir);
    const char *args[] = { tp, hdb, "-p", "0", "--hdb-dir", hdbdir, extra1, extra2, NULL };
    ck_assert_msg(run_start(rdb, "RDB", dir, "rdb", args, 1) == 0, "rdb did not start");
}

static void start_feed(struct run_proc *f, const char *dir, const char *name, int tp_port,
                       const char *count, const char *rate)
{
    char tp[32];
    snprintf(tp, sizeof tp, ":%d", tp_port);
    const char *args[] = { tp, "--schema", getenv("SCHEMA"), "--count", count,
                           rate ? "--rate" : "-t", rate ? rate : "0", NULL };
    ck_assert(run_start(f, "FEEDHANDLER", dir, name, args, 0) == 0);
}

/* The journal's path: the only file in dir/log. */
static void journal_path(const char *dir, char *out, size_t bytes)
{
    char cmd[T_PATH + 32];
    snprintf(cmd, sizeof cmd, "ls %s/log", dir);
    FILE *p = popen(cmd, "r");
    char name[T_PATH] = "";
    ck_assert(p && fgets(name, sizeof name, p));
    pclose(p);
    name[strcspn(name, "\n")] = 0;
    snprintf(out, bytes, "%s/log/%s", dir, name);
}

/* The rdb's tables equal what the journal holds, table by table. */
static void assert_rdb_equals_journal(int rdb_port, const char *dir)
{
    char jpath[T_PATH];
    journal_path(dir, jpath, sizeof jpath);
    K mine = run_q(rdb_port, "(`trade`quote)!(trade;quote)");
    ck_assert_msg(mine && mine->t == XD, "rdb did not answer with its tables");
    K want = run_journal_tables(jpath, mine);
    ck_assert_msg(want != NULL, "cannot read %s", jpath);
    for (int i = 0; i < 2; i++) {
        K a = kK(kK(mine)[1])[i], b = kK(kK(want)[1])[i];
        ck_assert_msg(run_table_same(a, b), "%s: rdb has %lld rows, journal %lld rows",
                      kS(kK(mine)[0])[i], (long long)k_count(a), (long long)k_count(b));
    }
    r0(mine);
    r0(want);
}

static void setup(void) { ck_assert(net_init(NULL, NULL, NULL) == 0); }
static void teardown(void) { net_fini(); }

START_TEST(live_counts_match_feed)
{
    char dir[T_DIR];
    ck_assert(run_tmpdir(dir, sizeof dir) == 0);
    struct run_proc tp, rdb, feed;
    start_tp(&tp, dir, "0", NULL);
    start_rdb(&rdb, dir, tp.port, 1, NULL, NULL);
    start_feed(&feed, dir, "feed", tp.port, "400", NULL);
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    J trade, quote;
    feed_sent(&feed, &trade, &quote);
    ck_assert(trade > 0 && quote > 0);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", trade, T_SETTLE_MS), trade);
    ck_assert_int_eq(run_poll_long(rdb.port, "count quote", quote, T_SETTLE_MS), quote);
    K a = run_q(rdb.port, "attr trade`sym");
    ck_assert_msg(a && a->t == -KS && strcmp(a->s, "g") == 0, "sym lost `g#");
    r0(a);
    assert_rdb_equals_journal(rdb.port, dir);
    ck_assert_int_eq(run_stop(&rdb, SIGTERM), 0);
    ck_assert_int_eq(run_stop(&tp, SIGTERM), 0);
}
END_TEST

START_TEST(rdb_killed_and_restarted)
{
    char dir[T_DIR];
    ck_assert(run_tmpdir(dir, sizeof dir) == 0);
    struct run_proc tp, rdb, feed;
    start_tp(&tp, dir, "0", NULL);
    start_rdb(&rdb, dir, tp.port, 1, NULL, NULL);
    start_feed(&feed, dir, "feed", tp.port, "3000", "2000");
    usleep(500 * 1000);
    K n = run_q(rdb.port, "count quote");
    ck_assert_msg(n && n->t == -KJ && n->j > 0, "rdb had nothing before the kill");
    r0(n);
    ck_assert_int_eq(run_stop(&rdb, SIGKILL), 128 + SIGKILL);
    start_rdb(&rdb, dir, tp.port, 1, NULL, NULL);   /* mid-stream: replay + live */
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    J trade, quote;
    feed_sent(&feed, &trade, &quote);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", trade, T_SETTLE_MS), trade);
    ck_assert_int_eq(run_poll_long(rdb.port, "count quote", quote, T_SETTLE_MS), quote);
    assert_rdb_equals_journal(rdb.port, dir);
    ck_assert_int_eq(run_stop(&rdb, SIGTERM), 0);
    ck_assert_int_eq(run_stop(&tp, SIGTERM), 0);
}
END_TEST

START_TEST(tp_killed_and_restarted)
{
    char dir[T_DIR], port[16];
    ck_assert(run_tmpdir(dir, sizeof dir) == 0);
    struct run_proc tp, rdb, feed;
    start_tp(&tp, dir, "0", NULL);
    snprintf(port, sizeof port, "%d", tp.port);
    start_rdb(&rdb, dir, tp.port, 1, NULL, NULL);
    start_feed(&feed, dir, "feed", tp.port, "3000", "2000");
    usleep(500 * 1000);
    ck_assert_int_eq(run_stop(&tp, SIGKILL), 128 + SIGKILL);
    usleep(300 * 1000);
    start_tp(&tp, dir, port, NULL);    /* same port, same journal: the rdb comes back */
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    /* everything journalled reaches the rdb; settle on the journal's own content */
    for (int i = 0; i < T_SETTLE_MS / 100; i++) {
        if (run_err_has(&rdb, "resynchronised")) break;
        usleep(100 * 1000);
    }
    ck_assert_msg(run_err_has(&rdb, "resynchronised"), "rdb log says nothing of a resync");
    ck_assert_msg(run_err_has(&rdb, "went away"), "rdb log says nothing of the disconnect");
    usleep(500 * 1000);
    assert_rdb_equals_journal(rdb.port, dir);
    ck_assert_int_eq(run_stop(&rdb, SIGTERM), 0);
    ck_assert_int_eq(run_stop(&tp, SIGTERM), 0);
}
END_TEST

/* Write the tickerplant's clock shift (ms). */
static void clock_write(const char *path, long long ms)
{
    FILE *f = fopen(path, "w");
    ck_assert(f);
    fprintf(f, "%lld\n", ms);
    fclose(f);
}

/* Whether every column of x equals the column of the same name in y (attributes
 * ignored): the hdb has a leading date and sym first, as .d orders it (§9.5). */
static int same_by_name(K x, K y)
{
    K xnames = kK(x->k)[0], xvals = kK(x->k)[1], ynames = kK(y->k)[0], yvals = kK(y->k)[1];
    for (J c = 0; c < xnames->n; c++) {
        J at = -1;
        for (J d = 0; d < ynames->n; d++) if (kS(ynames)[d] == kS(xnames)[c]) at = d;
        if (at < 0) return 0;
        K a = kK(xvals)[c], b = kK(yvals)[at];
        int aa = a->a, ba = b->a;
        a->a = b->a = 0;
        int same = k_match(a, b);
        a->a = (signed char)aa;
        b->a = (signed char)ba;
        if (!same) { fprintf(stderr, "column %s differs\n", kS(xnames)[c]); return 0; }
    }
    return 1;
}

START_TEST(end_of_day_to_hdb)
{
    char dir[T_DIR], hdbdir[T_SUBDIR], clock[T_SUBDIR];
    ck_assert(run_tmpdir(dir, sizeof dir) == 0);
    snprintf(hdbdir, sizeof hdbdir, "%s/hdb", dir);
    snprintf(clock, sizeof clock, "%s/clock", dir);
    ck_assert(mkdir(hdbdir, 0755) == 0);
    clock_write(clock, 0);
    struct run_proc tp, rdb, hdb, feed;
    const char *hargs[] = { hdbdir, "-p", "0", NULL };
    ck_assert(run_start(&hdb, "HDB", dir, "hdb", hargs, 1) == 0);
    start_tp(&tp, dir, "0", clock);
    start_rdb(&rdb, dir, tp.port, hdb.port, NULL, NULL);
    start_feed(&feed, dir, "feed", tp.port, "300", NULL);
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    J trade, quote;
    feed_sent(&feed, &trade, &quote);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", trade, T_SETTLE_MS), trade);
    ck_assert_int_eq(run_poll_long(rdb.port, "count quote", quote, T_SETTLE_MS), quote);
    const char *by_sym = "select n:count i, p:sum price, s:sum size by sym from trade";
    K before = run_q(rdb.port, by_sym);
    K sorted = run_q(rdb.port, "`sym xasc trade");
    ck_assert_msg(before && before->t != KERR, "rdb select: '%s", before ? before->s : "close");
    ck_assert_msg(sorted && sorted->t == XT, "rdb xasc failed");
    clock_write(clock, 86400LL * 1000);   /* the TP rolls the day and sends .u.end */
    ck_assert_int_eq(run_poll_long(hdb.port, "count trade", trade, T_SETTLE_MS), trade);
    ck_assert_int_eq(run_poll_long(hdb.port, "count quote", quote, T_SETTLE_MS), quote);
    /* a browser's query sees the history too (the HDB's hook runs for HTTP as for IPC),
     * before any IPC message has read trade as a value */
    char want[64], *page = run_http_get(hdb.port, ".txt?count%20trade");
    snprintf(want, sizeof want, "\r\n\r\n%lld", (long long)trade);
    ck_assert_msg(page && strstr(page, want), "GET /.txt?count trade: %s", page ? page : "none");
    free(page);
    page = run_http_get(hdb.port, ".txt?count%20value%20`trade");
    ck_assert_msg(page && strstr(page, want), "GET select: %s", page ? page : "none");
    free(page);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", 0, T_SETTLE_MS), 0);
    K after = run_q(hdb.port, by_sym);
    ck_assert_msg(after && k_match(before, after), "hdb answers the select differently");
    K hsorted = run_q(hdb.port, "`sym xasc trade");
    ck_assert_msg(hsorted && hsorted->t == XT, "hdb xasc failed");
    ck_assert_msg(same_by_name(sorted, hsorted), "hdb rows differ from the rdb's");
    K first = run_q(hdb.port, "2#cols trade");
    ck_assert_msg(first && first->t == KS && first->n == 2 && !strcmp(kS(first)[0], "date")
                  && !strcmp(kS(first)[1], "sym"), "hdb columns are not date, sym, ...");
    r0(first);
    K dates = run_q(hdb.port, "count date");
    ck_assert(dates && dates->t == -KJ && dates->j == 1);
    K a = run_q(rdb.port, "attr trade`sym");
    ck_assert_msg(a && a->t == -KS && strcmp(a->s, "g") == 0, "sym lost `g# after eod");
    r0(a); r0(dates); r0(hsorted); r0(after); r0(sorted); r0(before);
    ck_assert(run_err_has(&rdb, "told the HDB"));
    ck_assert_int_eq(run_stop(&rdb, SIGTERM), 0);
    ck_assert_int_eq(run_stop(&tp, SIGTERM), 0);
    ck_assert_int_eq(run_stop(&hdb, SIGTERM), 0);
}
END_TEST

START_TEST(hdb_corrupt_partition)
{
    char dir[T_DIR], hdbdir[T_SUBDIR], err[DSK_ERR_BYTES], path[T_PATH];
    ck_assert(run_tmpdir(dir, sizeof dir) == 0);
    snprintf(hdbdir, sizeof hdbdir, "%s/hdb", dir);
    ck_assert(mkdir(hdbdir, 0755) == 0);
    /* two dates of a small table, written by the storage layer the rdb uses */
    K names = ktn(KS, 3);
    kS(names)[0] = ss("sym"); kS(names)[1] = ss("price"); kS(names)[2] = ss("size");
    K sym = ktn(KS, 3), price = ktn(KF, 3), size = ktn(KJ, 3);
    S s[] = { ss("b"), ss("a"), ss("b") };
    for (int i = 0; i < 3; i++) { kS(sym)[i] = s[i]; kF(price)[i] = i + 0.5; kJ(size)[i] = 10 * i; }
    K t = xT(xD(names, knk(3, sym, price, size)));
    I d1 = ymd(2024, 1, 15), d2 = ymd(2024, 1, 16);
    ck_assert_msg(dsk_partition_write(hdbdir, d1, "trade", t, err) == 0, "%s", err);
    ck_assert_msg(dsk_partition_write(hdbdir, d2, "trade", t, err) == 0, "%s", err);
    ck_assert_msg(dsk_partition_write(hdbdir, d2, "quote", t, err) == 0, "%s", err);
    r0(t);
    /* junk the hdb must ignore */
    snprintf(path, sizeof path, "%s/notadate", hdbdir);
    ck_assert(mkdir(path, 0755) == 0);
    snprintf(path, sizeof path, "%s/README", hdbdir);
    FILE *f = fopen(path, "w"); ck_assert(f); fputs("junk\n", f); fclose(f);
    struct run_proc hdb;
    const char *hargs[] = { hdbdir, "-p", "0", NULL };
    ck_assert(run_start(&hdb, "HDB", dir, "hdb", hargs, 1) == 0);
    ck_assert_int_eq(run_poll_long(hdb.port, "count trade", 6, 1000), 6);
    K dates = run_q(hdb.port, "date");
    ck_assert(dates && dates->t == KD && dates->n == 2 && kI(dates)[0] == d1);
    r0(dates);
    /* cut a column file short, then reload */
    snprintf(path, sizeof path, "%s/2024.01.15/trade/price", hdbdir);
    ck_assert(truncate(path, 70) == 0);
    K r = run_q(hdb.port, ".hdb.reload[]");
    ck_assert(r && r->t != KERR);
    r0(r);
    r = run_q(hdb.port, "count trade");
    ck_assert_msg(r && r->t == KERR && strstr(r->s, path), "no error naming %s: %s", path,
                  r && r->t == KERR ? r->s : "not an error");
    r0(r);
    ck_assert_int_eq(run_poll_long(hdb.port, "count quote", 3, 1000), 3);  /* still served */
    ck_assert(run_err_has(&hdb, path));
    /* a date constraint reads only its partition: the good date is still served, over
     * IPC as a template and as a functional query */
    ck_assert_int_eq(run_poll_long(hdb.port, "count select from trade where date=2024.01.16",
                                   3, 1000), 3);
    ck_assert_int_eq(run_poll_long(hdb.port, "exec sum size from trade where date>2024.01.15,"
                                   "sym=`b", 20, 1000), 20);
    ck_assert_int_eq(run_poll_long(hdb.port, "count ?[`trade;enlist(=;`date;2024.01.16);0b;()]",
                                   3, 1000), 3);
    r = run_q(hdb.port, "select from trade where date=2024.01.15");
    ck_assert_msg(r && r->t == KERR && strstr(r->s, path), "no error naming %s", path);
    r0(r);
    /* a missing column file */
    snprintf(path, sizeof path, "%s/2024.01.16/quote/size", hdbdir);
    ck_assert(unlink(path) == 0);
    r = run_q(hdb.port, "\\l .");
    r0(r);
    r = run_q(hdb.port, "count quote");
    ck_assert_msg(r && r->t == KERR && strstr(r->s, path), "no error naming %s", path);
    r0(r);
    ck_assert_int_eq(run_stop(&hdb, SIGTERM), 0);
}
END_TEST

START_TEST(q_upd_replaces_native)
{
    char dir[T_DIR];
    ck_assert(run_tmpdir(dir, sizeof dir) == 0);
    struct run_proc tp, rdb, feed;
    start_tp(&tp, dir, "0", NULL);
    start_feed(&feed, dir, "feed1", tp.port, "50", NULL);
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    start_rdb(&rdb, dir, tp.port, 1, "-e", "calls:0; upd:{[t;x] calls+::1}");
    start_feed(&feed, dir, "feed2", tp.port, "70", NULL);
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    /* 50 replayed records and 70 live messages: all through the q upd */
    ck_assert_int_eq(run_poll_long(rdb.port, "calls", 120, T_SETTLE_MS), 120);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", 0, 100), 0);
    ck_assert_int_eq(run_stop(&rdb, SIGTERM), 0);
    ck_assert_int_eq(run_stop(&tp, SIGTERM), 0);
}
END_TEST

/* The TP dies and comes back on the next day (new journal): the rdb notices the missed
 * end of day, writes the old day's tables, then replays the new journal. */
START_TEST(missed_end_of_day_on_reconnect)
{
    char dir[T_DIR], hdbdir[T_SUBDIR], clock[T_SUBDIR], port[16];
    ck_assert(run_tmpdir(dir, sizeof dir) == 0);
    snprintf(hdbdir, sizeof hdbdir, "%s/hdb", dir);
    snprintf(clock, sizeof clock, "%s/clock", dir);
    clock_write(clock, 0);
    struct run_proc tp, rdb, hdb, feed;
    start_tp(&tp, dir, "0", clock);
    snprintf(port, sizeof port, "%d", tp.port);
    start_rdb(&rdb, dir, tp.port, 1, NULL, NULL);
    start_feed(&feed, dir, "feed1", tp.port, "100", NULL);
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    J trade1, quote1, trade2, quote2;
    feed_sent(&feed, &trade1, &quote1);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", trade1, T_SETTLE_MS), trade1);
    ck_assert_int_eq(run_stop(&tp, SIGKILL), 128 + SIGKILL);
    clock_write(clock, 86400LL * 1000);
    start_tp(&tp, dir, port, clock);
    start_feed(&feed, dir, "feed2", tp.port, "60", NULL);
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    feed_sent(&feed, &trade2, &quote2);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", trade2, T_SETTLE_MS), trade2);
    ck_assert_int_eq(run_poll_long(rdb.port, "count quote", quote2, T_SETTLE_MS), quote2);
    ck_assert(run_err_has(&rdb, "end of day was missed"));
    const char *hargs[] = { hdbdir, "-p", "0", NULL };
    ck_assert(run_start(&hdb, "HDB", dir, "hdb", hargs, 1) == 0);
    ck_assert_int_eq(run_poll_long(hdb.port, "count trade", trade1, 1000), trade1);
    ck_assert_int_eq(run_poll_long(hdb.port, "count quote", quote1, 1000), quote1);
    ck_assert_int_eq(run_stop(&hdb, SIGTERM), 0);
    ck_assert_int_eq(run_stop(&rdb, SIGTERM), 0);
    ck_assert_int_eq(run_stop(&tp, SIGTERM), 0);
}
END_TEST

/* The native upd refuses bad data whole, and a table a query kept is not changed by
 * later appends (copy on write). */
START_TEST(native_upd_checks_and_copy_on_write)
{
    char dir[T_DIR];
    ck_assert(run_tmpdir(dir, sizeof dir) == 0);
    struct run_proc tp, rdb, feed;
    start_tp(&tp, dir, "0", NULL);
    start_rdb(&rdb, dir, tp.port, 1, NULL, NULL);
    start_feed(&feed, dir, "feed1", tp.port, "40", NULL);
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    J trade, quote;
    feed_sent(&feed, &trade, &quote);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", trade, T_SETTLE_MS), trade);
    K r = run_q(rdb.port, "keep:trade; keepsym:trade`sym; count keep");
    ck_assert(r && r->t == -KJ && r->j == trade);
    r0(r);
    r = run_q(rdb.port, "upd[`trade;(1;`a)]");
    ck_assert_msg(r && r->t == KERR && !strcmp(r->s, "length"), "short row accepted");
    r0(r);
    r = run_q(rdb.port, "upd[`trade;(enlist 0D00:00:01;enlist `X;enlist 1.0;enlist 1;"
                        "enlist 0b;enlist \"A\";enlist 1.5)]");
    ck_assert_msg(r && r->t == KERR && !strcmp(r->s, "type"), "a float ex column accepted");
    r0(r);
    r = run_q(rdb.port, "upd[`nosuch;()]");
    ck_assert(r && r->t == KERR);
    r0(r);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", trade, 100), trade);
    start_feed(&feed, dir, "feed2", tp.port, "40", NULL);
    ck_assert_int_eq(run_wait(&feed, T_FEED_MS), 0);
    J trade2, quote2;
    feed_sent(&feed, &trade2, &quote2);
    ck_assert_int_eq(run_poll_long(rdb.port, "count trade", trade + trade2, T_SETTLE_MS),
                     trade + trade2);
    ck_assert_int_eq(run_poll_long(rdb.port, "count keep", trade, 100), trade);
    ck_assert_int_eq(run_poll_long(rdb.port, "count keepsym", trade, 100), trade);
    assert_rdb_equals_journal(rdb.port, dir);
    ck_assert_int_eq(run_stop(&rdb, SIGTERM), 0);
    ck_assert_int_eq(run_stop(&tp, SIGTERM), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rdb");
    TCase *t = tcase_create("stack");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_set_timeout(t, 120);
    tcase_add_test(t, live_counts_match_feed);
    tcase_add_test(t, rdb_killed_and_restarted);
    tcase_add_test(t, tp_killed_and_restarted);
    tcase_add_test(t, end_of_day_to_hdb);
    tcase_add_test(t, hdb_corrupt_partition);
    tcase_add_test(t, q_upd_replaces_native);
    tcase_add_test(t, native_upd_checks_and_copy_on_write);
    tcase_add_test(t, missed_end_of_day_on_reconnect);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
