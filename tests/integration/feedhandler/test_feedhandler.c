/* test_feedhandler.c: the feedhandler program as a real process against fake_tp on
 * 127.0.0.1 (ports picked per run): demo counts, determinism, CSV replay (good and bad
 * lines), reconnect with buffered resend, drops past the buffer, signals, usage errors,
 * and the C subscriber example. Paths come from the environment: FEEDHANDLER, FAKE_TP,
 * C_SUBSCRIBER, SCHEMA.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "feed_proc.h"

#define LINE_BYTES 2048
#define FILE_BYTES (FEED_PROC_PATH_BYTES + 64)   /* dir + a file name */
#define PAIR_BYTES (FILE_BYTES + 16)             /* TABLE=FILE */
#define ARG_BYTES 64
#define TP_WAIT_MS 5000
#define POLL_MS 20
#define NS_PER_MS 1000000L

static char dir[FEED_PROC_PATH_BYTES];

static void teardown(void) { feed_proc_kill_all(); feed_proc_rmdir(dir); }

/* Each test's directory lies in one made by main (TMPDIR), which main removes at the
 * end: a failed assertion ends a test's process without the checked teardown. Started
 * processes die with the test's process (feed_proc_start). */
static void setup(void) { ck_assert_int_eq(feed_proc_tmpdir(dir, sizeof dir), 0); }

static const char *env(const char *name)
{
    const char *v = getenv(name);
    ck_assert_msg(v && *v, "%s is not set", name);
    return v;
}

static void nap(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * NS_PER_MS };
    nanosleep(&ts, NULL);
}

/* Start fake_tp on port (0 = any) with an initial hash (NULL = fresh); returns its port. */
static int tp_start(struct feed_proc *tp, const char *name, int port, const char *hash)
{
    char port_text[ARG_BYTES];
    snprintf(port_text, sizeof port_text, "%d", port);
    const char *argv[] = { env("FAKE_TP"), port_text, env("SCHEMA"), hash, NULL };
    ck_assert_int_eq(feed_proc_start(tp, dir, name, argv), 0);
    int bound = feed_proc_port(tp->out, TP_WAIT_MS);
    if (bound <= 0) {
        char *err = feed_proc_slurp(tp->err);
        ck_assert_msg(0, "fake_tp %s did not report a port; its stderr:\n%s", name, err ? err : "");
    }
    return bound;
}

/* SIGTERM the fake TP, check it exits cleanly, and return its final counts line. */
static void tp_stop(struct feed_proc *tp, char *line)
{
    feed_proc_signal(tp, SIGTERM);
    ck_assert_int_eq(feed_proc_wait(tp, FEED_PROC_WAIT_MS), 0);
    char *out = feed_proc_slurp(tp->out);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(feed_proc_line(out, "received", line, LINE_BYTES), 0);
    free(out);
}

static unsigned long long num(const char *line, const char *key)
{
    unsigned long long v;
    ck_assert_msg(!feed_proc_value(line, key, 0, &v), "no %s= in '%s'", key, line);
    return v;
}

static unsigned long long hex(const char *line, const char *key)
{
    unsigned long long v;
    ck_assert_msg(!feed_proc_value(line, key, 1, &v), "no %s= in '%s'", key, line);
    return v;
}

/* Run the feed to the end with extra args (and --schema SCHEMA unless given); returns its exit status; its "sent" line
 * goes to line and its stderr (malloc'ed) to *err_text when not NULL. */
static int feed_run(const char *name, const char *const *args, char *line, char **err_text)
{
    const char *argv[32] = { env("FEEDHANDLER") };
    int n = 1;
    int has_schema = 0;
    for (int k = 0; args[k] && n < 30; k++) has_schema |= !strcmp(args[k], "--schema"), argv[n++] = args[k];
    if (!has_schema) {
        argv[n++] = "--schema";
        argv[n++] = env("SCHEMA");
    }
    argv[n] = NULL;
    struct feed_proc fp;
    ck_assert_int_eq(feed_proc_start(&fp, dir, name, argv), 0);
    int status = feed_proc_wait(&fp, FEED_PROC_WAIT_MS);
    char *out = feed_proc_slurp(fp.out), *err = feed_proc_slurp(fp.err);
    ck_assert_ptr_nonnull(out);
    ck_assert_ptr_nonnull(err);
    if (line && feed_proc_line(out, "sent", line, LINE_BYTES)) line[0] = 0;
    free(out);
    /* 127: the exec failed, e.g. while a concurrent build relinks the binary */
    ck_assert_msg(status != 127, "%s did not start: %s", argv[0], err);
    if (err_text) *err_text = err;
    else free(err);
    return status;
}

/* The feed's counts equal the fake TP's, per table, in messages, and with no bad message. */
static void assert_same_counts(const char *sent, const char *received)
{
    ck_assert_msg(num(sent, "trade") == num(received, "trade"), "%s vs %s", sent, received);
    ck_assert_msg(num(sent, "quote") == num(received, "quote"), "%s vs %s", sent, received);
    ck_assert_msg(num(sent, "messages") == num(received, "messages"), "%s vs %s", sent, received);
    ck_assert_uint_eq(num(received, "bad"), 0);
}

START_TEST(demo_counts_match)
{
    struct feed_proc tp;
    char target[ARG_BYTES], sent[LINE_BYTES], received[LINE_BYTES];
    snprintf(target, sizeof target, "127.0.0.1:%d", tp_start(&tp, "tp", 0, NULL));
    const char *args[] = { target, "--count", "60", "--rate", "1000", NULL };
    ck_assert_int_eq(feed_run("feed", args, sent, NULL), 0);
    ck_assert_int_eq(feed_proc_tp_counts(feed_proc_port(tp.out, TP_WAIT_MS), received, sizeof received), 0);
    assert_same_counts(sent, received);
    ck_assert_uint_eq(num(sent, "messages"), 60);
    ck_assert_uint_eq(num(sent, "dropped"), 0);
    ck_assert_uint_gt(num(sent, "trade"), 0);
    ck_assert_uint_gt(num(sent, "quote"), 0);
    /* at most 15 trades and 75 quotes per message */
    ck_assert_uint_le(num(sent, "trade") + num(sent, "quote"), 60 * 75);
    tp_stop(&tp, received);
}
END_TEST

START_TEST(timer_and_rate_pace_messages)
{
    struct feed_proc tp;
    char target[ARG_BYTES], sent[LINE_BYTES], received[LINE_BYTES];
    snprintf(target, sizeof target, "127.0.0.1:%d", tp_start(&tp, "tp", 0, NULL));
    const char *timer[] = { target, "-t", "50", "--duration", "1", NULL };   /* 20 ticks */
    ck_assert_int_eq(feed_run("feed1", timer, sent, NULL), 0);
    ck_assert_msg(num(sent, "messages") >= 15 && num(sent, "messages") <= 20, "%s", sent);
    const char *rate[] = { target, "--rate", "40", "--duration", "0.5", "-t", "1000", NULL };
    ck_assert_int_eq(feed_run("feed2", rate, sent, NULL), 0);   /* --rate wins over -t */
    ck_assert_msg(num(sent, "messages") >= 15 && num(sent, "messages") <= 20, "%s", sent);
    tp_stop(&tp, received);
    ck_assert_uint_ge(num(received, "messages"), 30);
}
END_TEST

START_TEST(demo_is_deterministic_and_batches)
{
    struct feed_proc tp1, tp2, tp3;
    char target[ARG_BYTES], sent[LINE_BYTES], r1[LINE_BYTES], r2[LINE_BYTES], r3[LINE_BYTES];
    snprintf(target, sizeof target, ":%d", tp_start(&tp1, "tp1", 0, NULL));
    const char *args1[] = { target, "-t", "0", "--count", "40", NULL };
    ck_assert_int_eq(feed_run("feed1", args1, sent, NULL), 0);
    tp_stop(&tp1, r1);
    assert_same_counts(sent, r1);

    snprintf(target, sizeof target, ":%d", tp_start(&tp2, "tp2", 0, NULL));
    const char *args2[] = { target, "-t", "0", "--count", "40", "--seed", "235721", NULL };
    ck_assert_int_eq(feed_run("feed2", args2, sent, NULL), 0);
    tp_stop(&tp2, r2);
    ck_assert_uint_eq(hex(r1, "hash"), hex(r2, "hash"));   /* the same stream */

    snprintf(target, sizeof target, ":%d", tp_start(&tp3, "tp3", 0, NULL));
    const char *args3[] = { target, "-t", "0", "--count", "40", "--seed", "7", "--batch", "9",
                            "--syms", "IBM,XYZ:12.5:O", NULL };
    ck_assert_int_eq(feed_run("feed3", args3, sent, NULL), 0);
    tp_stop(&tp3, r3);
    assert_same_counts(sent, r3);
    ck_assert_uint_ne(hex(r1, "hash"), hex(r3, "hash"));
    ck_assert_uint_eq(num(sent, "trade") + num(sent, "quote"), 40 * 9);
}
END_TEST

START_TEST(demo_backfill_is_stamped)
{
    struct feed_proc tp;
    char target[ARG_BYTES], sent[LINE_BYTES], received[LINE_BYTES];
    snprintf(target, sizeof target, "127.0.0.1:%d", tp_start(&tp, "tp", 0, NULL));
    const char *args[] = { target, "--backfill", "-t", "0", "--count", "1", NULL };
    ck_assert_int_eq(feed_run("feed", args, sent, NULL), 0);
    tp_stop(&tp, received);
    assert_same_counts(sent, received);   /* bad=0: the time column has the schema's type */
    /* after 01:00, at least the window's hour at one message per 113 ms, plus the live one */
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    ck_assert_uint_ge(num(sent, "messages"), tm.tm_hour >= 1 ? 3600000 / 113 + 1 : 1);
}
END_TEST

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

START_TEST(csv_replay_good)
{
    struct feed_proc tp;
    char target[ARG_BYTES], sent[LINE_BYTES], received[LINE_BYTES], trades[FILE_BYTES],
         quotes[FILE_BYTES], trade_arg[PAIR_BYTES], quote_arg[PAIR_BYTES];
    snprintf(trades, sizeof trades, "%s/trade.csv", dir);
    snprintf(quotes, sizeof quotes, "%s/quote.csv", dir);
    write_file(trades, "sym,price,size,stop,cond,ex\n"
                       "IBM,101.25,100,0,A,N\n"
                       "MSFT,29.5,200,true,,O\n"
                       "\"A,B\",1e2,0N,false,\"\"\"\",N\r\n"
                       "\n"
                       "GOOG,0n,7i,1b,Z,N\n"
                       "AAPL,84,8,FALSE,B,N\n");
    write_file(quotes, "time,sym,bid,ask,bsize,asize,mode,ex\n"
                       "09:30:00.000,IBM,1,2,3,4,A,N\n"
                       "0D09:30:00.000000001,IBM,1.5,2.5,30,40,,N\n"
                       "10:00,DELL,11,12,5,6,R,N\n");
    snprintf(trade_arg, sizeof trade_arg, "trade=%s", trades);
    snprintf(quote_arg, sizeof quote_arg, "quote=%s", quotes);
    snprintf(target, sizeof target, "127.0.0.1:%d", tp_start(&tp, "tp", 0, NULL));
    const char *args[] = { target, "--csv", trade_arg, quote_arg, "--batch", "2", NULL };
    char *err;
    ck_assert_int_eq(feed_run("feed", args, sent, &err), 0);
    ck_assert_msg(!strstr(err, ".csv:"), "unexpected bad line report: %s", err);
    free(err);
    ck_assert_int_eq(feed_proc_tp_counts(feed_proc_port(tp.out, TP_WAIT_MS), received, sizeof received), 0);
    assert_same_counts(sent, received);
    ck_assert_uint_eq(num(sent, "trade"), 5);
    ck_assert_uint_eq(num(sent, "quote"), 3);
    ck_assert_uint_eq(num(sent, "messages"), 5);   /* 2+2+1 trades, 2+1 quotes */
    ck_assert_uint_eq(num(sent, "bad"), 0);
    tp_stop(&tp, received);
}
END_TEST

START_TEST(csv_replay_bad_lines)
{
    struct feed_proc tp;
    char target[ARG_BYTES], sent[LINE_BYTES], received[LINE_BYTES], trades[FILE_BYTES],
         trade_arg[PAIR_BYTES], expect[LINE_BYTES];
    snprintf(trades, sizeof trades, "%s/bad.csv", dir);
    write_file(trades, "sym,price,size,stop,cond,ex\n"
                       "IBM,101.25,100,0,A,N\n"
                       "IBM,abc,100,0,A,N\n"
                       "IBM,1,100,0,A\n"
                       "IBM,1,100,maybe,A,N\n"
                       "IBM,1,99999999999,0,A,N\n"
                       "IBM,1,1,0,AB,N\n"
                       "\"IBM,1,1,0,A,N\n"
                       "MSFT,2,2,1,B,O\n");
    snprintf(trade_arg, sizeof trade_arg, "trade=%s", trades);
    snprintf(target, sizeof target, "127.0.0.1:%d", tp_start(&tp, "tp", 0, NULL));
    const char *args[] = { target, "--csv", trade_arg, NULL };
    char *err;
    ck_assert_int_eq(feed_run("feed", args, sent, &err), 1);
    const char *reasons[] = {
        "3: column price: bad float 'abc'",
        "4: 5 fields, the header has 6",
        "5: column stop: bad boolean 'maybe'",
        "6: column size: bad int '99999999999'",
        "7: column cond: bad char 'AB' (one character expected)",
        "8: field 1: unterminated quote",
    };
    for (size_t k = 0; k < sizeof reasons / sizeof reasons[0]; k++) {
        snprintf(expect, sizeof expect, "%s:%s\n", trades, reasons[k]);
        ck_assert_msg(strstr(err, expect), "missing '%s' in stderr:\n%s", expect, err);
    }
    free(err);
    ck_assert_uint_eq(num(sent, "trade"), 2);
    ck_assert_uint_eq(num(sent, "bad"), 6);
    ck_assert_int_eq(feed_proc_tp_counts(feed_proc_port(tp.out, TP_WAIT_MS), received, sizeof received), 0);
    assert_same_counts(sent, received);
    tp_stop(&tp, received);
}
END_TEST

START_TEST(reconnect_resends_in_order)
{
    struct feed_proc ref, tp1, tp2, feed;
    char target[ARG_BYTES], sent[LINE_BYTES], r_ref[LINE_BYTES], r1[LINE_BYTES], r2[LINE_BYTES], h1[ARG_BYTES];
    /* the uninterrupted stream, for its hash */
    snprintf(target, sizeof target, ":%d", tp_start(&ref, "ref", 0, NULL));
    const char *ref_args[] = { target, "-t", "0", "--count", "300", NULL };
    ck_assert_int_eq(feed_run("feed_ref", ref_args, sent, NULL), 0);
    tp_stop(&ref, r_ref);

    int port = tp_start(&tp1, "tp1", 0, NULL);
    snprintf(target, sizeof target, "127.0.0.1:%d", port);
    const char *argv[] = { env("FEEDHANDLER"), target, "--count", "300", "--rate", "150",
                           "--backoff-max", "200", "--schema", env("SCHEMA"), NULL };
    ck_assert_int_eq(feed_proc_start(&feed, dir, "feed", argv), 0);
    unsigned long long got = 0;
    for (int waited = 0; got < 20 && waited < TP_WAIT_MS; waited += POLL_MS) {
        nap(POLL_MS);
        if (!feed_proc_tp_counts(port, r1, sizeof r1)) got = num(r1, "messages");
    }
    ck_assert_uint_ge(got, 20);
    tp_stop(&tp1, r1);
    nap(400);   /* the feed buffers and retries meanwhile */
    snprintf(h1, sizeof h1, "%016llx", hex(r1, "hash"));
    ck_assert_int_eq(tp_start(&tp2, "tp2", port, h1), port);
    ck_assert_int_eq(feed_proc_wait(&feed, FEED_PROC_WAIT_MS), 0);
    tp_stop(&tp2, r2);
    char *out = feed_proc_slurp(feed.out), *err = feed_proc_slurp(feed.err);
    ck_assert_int_eq(feed_proc_line(out, "sent", sent, sizeof sent), 0);
    ck_assert_msg(strstr(err, "lost the tickerplant"), "no loss logged:\n%s", err);
    ck_assert_msg(strstr(err, "connection attempt 1 to"), "no reconnect attempt logged:\n%s", err);
    ck_assert_msg(strstr(err, "after"), "no reconnect logged:\n%s", err);
    free(out);
    free(err);
    ck_assert_uint_eq(num(sent, "messages"), 300);
    ck_assert_uint_eq(num(sent, "dropped"), 0);
    ck_assert_uint_eq(num(r1, "messages") + num(r2, "messages"), 300);
    ck_assert_uint_eq(num(r1, "trade") + num(r2, "trade"), num(sent, "trade"));
    ck_assert_uint_eq(num(r1, "quote") + num(r2, "quote"), num(sent, "quote"));
    ck_assert_uint_eq(num(r2, "bad"), 0);
    /* the same bytes in the same order as without the outage: nothing lost, nothing twice */
    ck_assert_uint_eq(hex(r2, "hash"), hex(r_ref, "hash"));
}
END_TEST

START_TEST(drops_past_the_buffer_are_counted)
{
    struct feed_proc ref;
    char target[ARG_BYTES], sent[LINE_BYTES], r_ref[LINE_BYTES];
    int port = tp_start(&ref, "ref", 0, NULL);
    snprintf(target, sizeof target, "127.0.0.1:%d", port);
    const char *ref_args[] = { target, "-t", "0", "--count", "30", NULL };
    ck_assert_int_eq(feed_run("feed_ref", ref_args, sent, NULL), 0);
    tp_stop(&ref, r_ref);   /* now nothing listens on port */
    const char *args[] = { target, "--count", "30", "--rate", "500", "--buffer-rows", "100",
                           "--drain", "0.3", "--backoff-max", "50", NULL };
    char *err;
    ck_assert_int_eq(feed_run("feed", args, sent, &err), 1);
    ck_assert_msg(strstr(err, "connection attempt 1 to"), "no attempt logged:\n%s", err);
    ck_assert_msg(strstr(err, "buffer full"), "no drop logged:\n%s", err);
    free(err);
    ck_assert_uint_eq(num(sent, "messages"), 0);
    ck_assert_uint_eq(num(sent, "dropped"), num(r_ref, "trade") + num(r_ref, "quote"));
}
END_TEST

START_TEST(sigint_reports_exact_counts)
{
    struct feed_proc tp, feed;
    char target[ARG_BYTES], sent[LINE_BYTES], received[LINE_BYTES];
    int port = tp_start(&tp, "tp", 0, NULL);
    snprintf(target, sizeof target, "127.0.0.1:%d", port);
    const char *argv[] = { env("FEEDHANDLER"), target, "-t", "5", "--schema", env("SCHEMA"), NULL };
    ck_assert_int_eq(feed_proc_start(&feed, dir, "feed", argv), 0);
    nap(500);
    feed_proc_signal(&feed, SIGINT);
    ck_assert_int_eq(feed_proc_wait(&feed, FEED_PROC_WAIT_MS), 0);
    char *out = feed_proc_slurp(feed.out);
    ck_assert_int_eq(feed_proc_line(out, "sent", sent, sizeof sent), 0);
    free(out);
    ck_assert_int_eq(feed_proc_tp_counts(port, received, sizeof received), 0);
    assert_same_counts(sent, received);
    ck_assert_uint_gt(num(sent, "messages"), 0);
    tp_stop(&tp, received);
}
END_TEST

START_TEST(c_subscriber_example_counts)
{
    struct feed_proc tp, sub;
    char target[ARG_BYTES], sent[LINE_BYTES], received[LINE_BYTES], got[LINE_BYTES];
    int port = tp_start(&tp, "tp", 0, NULL);
    snprintf(target, sizeof target, "127.0.0.1:%d", port);
    const char *sub_argv[] = { env("C_SUBSCRIBER"), target, "trade", "quote", "--messages", "50", NULL };
    ck_assert_int_eq(feed_proc_start(&sub, dir, "sub", sub_argv), 0);
    unsigned long long subs = 0;
    for (int waited = 0; subs < 2 && waited < TP_WAIT_MS; waited += POLL_MS) {
        nap(POLL_MS);
        if (!feed_proc_tp_counts(port, received, sizeof received)) subs = num(received, "subs");
    }
    ck_assert_uint_eq(subs, 2);   /* one .u.sub per table */
    const char *args[] = { target, "-t", "0", "--count", "50", NULL };
    ck_assert_int_eq(feed_run("feed", args, sent, NULL), 0);
    ck_assert_int_eq(feed_proc_wait(&sub, FEED_PROC_WAIT_MS), 0);
    char *out = feed_proc_slurp(sub.out);
    ck_assert_int_eq(feed_proc_line(out, "received", got, sizeof got), 0);
    free(out);
    ck_assert_msg(num(got, "trade") == num(sent, "trade") && num(got, "quote") == num(sent, "quote") &&
                  num(got, "messages") == 50, "subscriber '%s' vs feed '%s'", got, sent);
    tp_stop(&tp, received);
}
END_TEST

/* Bad arguments: exit status 2, the reason, and the usage text. */
static void usage_error(const char *const *args, const char *reason)
{
    char *err;
    ck_assert_int_eq(feed_run("feed", args, NULL, &err), 2);
    ck_assert_msg(strstr(err, reason), "missing '%s' in:\n%s", reason, err);
    free(err);
}

START_TEST(bad_arguments)
{
    const char *rate[] = { ":5010", "--rate", "abc", NULL };
    usage_error(rate, "--rate: 'abc' is not a positive number\nusage: feedhandler");
    const char *opt[] = { ":5010", "--bogus", "1", NULL };
    usage_error(opt, "unknown option --bogus");
    const char *port[] = { "localhost:99999", NULL };
    usage_error(port, "port: '99999' is not an integer from 1 to 65535");
    const char *missing[] = { ":5010", "--schema", env("SCHEMA"), "--count", NULL };
    usage_error(missing, "--count needs a value");
    const char *csv[] = { ":5010", "--csv", "nosuch=x.csv", NULL };
    usage_error(csv, "no table nosuch in");
    const char *file[] = { ":5010", "--csv", "trade=/nonexistent/t.csv", NULL };
    usage_error(file, "/nonexistent/t.csv: cannot open");
    const char *syms[] = { ":5010", "--syms", "IBM:abc", NULL };
    usage_error(syms, "--syms: bad start price 'abc' for IBM");
    const char *sym_file[] = { ":5010", "--syms", "/nonexistent/syms.txt", NULL };
    usage_error(sym_file, "--syms /nonexistent/syms.txt: no such file");
    char header_file[FILE_BYTES], arg[PAIR_BYTES], expect[LINE_BYTES];
    snprintf(header_file, sizeof header_file, "%s/h.csv", dir);
    write_file(header_file, "sym,price,size,stop,cond,exchange\n");
    snprintf(arg, sizeof arg, "trade=%s", header_file);
    const char *header[] = { ":5010", "--csv", arg, NULL };
    snprintf(expect, sizeof expect, "%s:1: unknown column 'exchange'", header_file);
    usage_error(header, expect);
}
END_TEST

int main(void)
{
    char base[FEED_PROC_PATH_BYTES];
    if (feed_proc_tmpdir(base, sizeof base) || setenv("TMPDIR", base, 1)) {
        perror("test_feedhandler: temporary directory");
        return 1;
    }
    Suite *s = suite_create("feedhandler");
    TCase *tc = tcase_create("process");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, demo_counts_match);
    tcase_add_test(tc, timer_and_rate_pace_messages);
    tcase_add_test(tc, demo_is_deterministic_and_batches);
    tcase_add_test(tc, demo_backfill_is_stamped);
    tcase_add_test(tc, csv_replay_good);
    tcase_add_test(tc, csv_replay_bad_lines);
    tcase_add_test(tc, reconnect_resends_in_order);
    tcase_add_test(tc, drops_past_the_buffer_are_counted);
    tcase_add_test(tc, sigint_reports_exact_counts);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, c_subscriber_example_counts);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    feed_proc_rmdir(base);
    return failed ? 1 : 0;
}
