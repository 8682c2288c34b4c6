/* feedhandler.c: the feed handler program: the cookbook demo feed or CSV replay, paced
 * by a timer or a rate, sent to a tickerplant through feed_link.c, with an exact final
 * count line. Generation is feed_gen.c, replay feed_csv.c, options feed_opts.c.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "feed_csv.h"
#include "feed_gen.h"
#include "feed_link.h"
#include "feed_opts.h"
#include "feed_parse.h"
#include "log.h"
#include "net.h"

#define FEED_EXIT_OK 0
#define FEED_EXIT_DATA 1          /* bad CSV lines, or rows dropped */
#define FEED_EXIT_USAGE 2         /* bad arguments, schema or CSV header */
#define FEED_MS_PER_S 1000.0
#define FEED_UNPACED_BURST 64     /* messages made per loop when unpaced */
#define FEED_MAX_DUE 10000        /* messages made per loop when paced and behind */
#define FEED_SLEEP_MAX_MS 100     /* longest sleep, so stop conditions are seen soon */
#define FEED_NS_PER_MS 1000000L
#define FEED_BACKFILL_BACK_MS 3600000LL     /* feed.q init: from an hour ago, */
#define FEED_BACKFILL_ROUND_MS 900000LL     /* rounded down to a quarter hour, */
#define FEED_BACKFILL_SPACING_MS 113        /* one message per 113 ms until now */
#define FEED_S_PER_DAY_HOUR 3600
#define FEED_S_PER_MIN 60
#define FEED_TM_YEAR_BASE 1900

static volatile sig_atomic_t feed_stop_signal;   /* set by SIGINT/SIGTERM */

static void on_signal(int sig) { feed_stop_signal = sig; }

/* Everything one run holds. */
struct feed_run {
    struct feed_opts opts;
    K schema;                     /* dictionary table name -> empty table */
    int n_tables;
    S tables[FEED_LINK_MAX_TABLES];
    struct feed_link link;
    struct feed_gen gen;          /* demo mode */
    int is_gen;                   /* gen is set up */
    struct feed_csv *csv;         /* replay mode: opts.n_csv readers */
    int csv_at;                   /* the reader in use */
    long long made;               /* messages made (queued or dropped) */
    int is_paced;                 /* timer or rate: drop when full; else wait for room */
};

static int table_index(const struct feed_run *r, const char *name)
{
    for (int t = 0; t < r->n_tables; t++)
        if (!strcmp(r->tables[t], name)) return t;
    return -1;
}

/* Schema, tables, and the generator or the CSV readers. Returns 0 or -1 (printed). */
static int run_setup(struct feed_run *r)
{
    char err[FEED_CSV_ERR_BYTES];
    if (!(r->schema = cfg_schema_load(r->opts.schema, err))) {
        fprintf(stderr, "feedhandler: %s\n", err);
        return -1;
    }
    K names = kK(r->schema)[0];
    r->n_tables = names->n < FEED_LINK_MAX_TABLES ? (int)names->n : FEED_LINK_MAX_TABLES;
    for (int t = 0; t < r->n_tables; t++) r->tables[t] = kS(names)[t];
    if (!r->opts.n_csv) {
        if (feed_gen_init(&r->gen, r->schema, r->opts.syms, r->opts.seed, r->opts.batch_rows, err)) {
            fprintf(stderr, "feedhandler: %s\n", err);
            return -1;
        }
        r->is_gen = 1;
        return 0;
    }
    if (!(r->csv = calloc((size_t)r->opts.n_csv, sizeof *r->csv))) { fprintf(stderr, "feedhandler: out of memory\n"); return -1; }
    for (int k = 0; k < r->opts.n_csv; k++) {
        int t = table_index(r, r->opts.csv[k].table);
        if (t < 0) {
            fprintf(stderr, "feedhandler: --csv %s=%s: no table %s in %s\n", r->opts.csv[k].table,
                    r->opts.csv[k].path, r->opts.csv[k].table, r->opts.schema);
            return -1;
        }
        if (feed_csv_open(&r->csv[k], r->opts.csv[k].path, r->tables[t], t, kK(kK(r->schema)[1])[t], err)) {
            fprintf(stderr, "feedhandler: %s\n", err);
            return -1;
        }
    }
    return 0;
}

static void run_teardown(struct feed_run *r)
{
    feed_link_fini(&r->link);
    if (r->is_gen) feed_gen_fini(&r->gen);
    for (int k = 0; r->csv && k < r->opts.n_csv; k++) feed_csv_close(&r->csv[k]);
    free(r->csv);
    r0(r->schema);
}

static J run_bad_lines(const struct feed_run *r)
{
    J bad = 0;
    for (int k = 0; r->csv && k < r->opts.n_csv; k++) bad += r->csv[k].bad_lines;
    return bad;
}

/* The link's index of a demo table (the schema's order may differ from feed_gen's). */
static int gen_table(const struct feed_run *r, int gen_table_id)
{
    return table_index(r, r->gen.tables[gen_table_id].name);
}

/* Make one message and queue it. Returns 1 made, 0 waiting for room, -1 nothing left. */
static int run_make_one(struct feed_run *r)
{
    J rows;
    int table;
    K data;
    if (r->is_gen) {
        data = feed_gen_next(&r->gen, &table, &rows);
        table = gen_table(r, table);
    } else {
        J batch = r->opts.batch_rows ? r->opts.batch_rows : FEED_OPTS_DEFAULT_CSV_BATCH;
        if (!feed_link_has_room(&r->link, batch)) return 0;   /* replay never drops */
        for (data = NULL; !data && r->csv_at < r->opts.n_csv; ) {
            data = feed_csv_read(&r->csv[r->csv_at], batch, &rows);
            if (!data) r->csv_at++;
        }
        if (!data) return -1;
        table = r->csv[r->csv_at].table;
    }
    if (feed_link_push(&r->link, table, data, rows) < 0) {
        fprintf(stderr, "feedhandler: out of memory queueing a message\n");
        return -1;
    }
    r->made++;
    return 1;
}

static void sleep_ms(long ms)
{
    if (ms <= 0) return;
    if (ms > FEED_SLEEP_MAX_MS) ms = FEED_SLEEP_MAX_MS;
    struct timespec ts = { ms / (long)FEED_MS_PER_S, (ms % (long)FEED_MS_PER_S) * FEED_NS_PER_MS };
    (void)nanosleep(&ts, NULL);   /* EINTR is how a signal wakes us: the loop checks it */
}

static int cmp_long(const void *a, const void *b)
{
    J x = *(const J *)a, y = *(const J *)b;
    return (x > y) - (x < y);
}

/* Today's local date (days since 2000.01.01) and the local time of day in ms, as the
 * tickerplant stamps (local time, tick-architecture.md §4.3). */
static void local_now(I *days, J *ms_of_day)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    *days = ymd(tm.tm_year + FEED_TM_YEAR_BASE, tm.tm_mon + 1, tm.tm_mday);
    *ms_of_day = ((J)tm.tm_hour * FEED_S_PER_DAY_HOUR + tm.tm_min * FEED_S_PER_MIN + tm.tm_sec) *
                 (J)FEED_MS_PER_S + ts.tv_nsec / FEED_NS_PER_MS;
}

/* data with a time column in front: rows copies of ms_of_day, typed as table's first
 * schema column. Ownership: data consumed; returns new. */
static K with_time(const struct feed_run *r, int table, K data, J rows, I days, J ms_of_day)
{
    K empty = kK(kK(r->schema)[1])[table];
    K time = ktn(kK(kK(empty->k)[1])[0]->t, rows), cols = ktn(0, data->n + 1);
    J ns = ms_of_day * FEED_NS_PER_MS;
    for (J i = 0; i < rows; i++) {
        if (time->t == KN) kJ(time)[i] = ns;
        else if (time->t == KP) kJ(time)[i] = days * K_NS_PER_DAY + ns;
        else if (time->t == KT) kI(time)[i] = (I)ms_of_day;
        else feed_col_null(time, i);
    }
    kK(cols)[0] = time;
    for (J c = 0; c < data->n; c++) kK(cols)[c + 1] = r1(kK(data)[c]);
    r0(data);
    return cols;
}

/* feed.q's init: before the live feed, ⌊d/113⌋ messages at sorted random times of the
 * window from the last quarter hour an hour ago until now (d ms long), each with its
 * own time column. Waits for room, so nothing is dropped while connected. */
static void run_backfill(struct feed_run *r, J max_rows)
{
    I days;
    J now_ms, table_rows;
    local_now(&days, &now_ms);
    J from = now_ms > FEED_BACKFILL_BACK_MS ? now_ms - FEED_BACKFILL_BACK_MS : 0;
    from -= from % FEED_BACKFILL_ROUND_MS;
    J span = now_ms - from, n = span / FEED_BACKFILL_SPACING_MS;
    J *times = malloc((size_t)(n > 0 ? n : 1) * sizeof *times);
    if (!times) { log_error("feedhandler: out of memory for the backfill"); return; }
    for (J k = 0; k < n; k++) times[k] = from + (J)(feed_gen_uniform(&r->gen) * (F)span);
    qsort(times, (size_t)n, sizeof *times, cmp_long);
    J k = 0;
    for (; k < n && !feed_stop_signal; k++) {
        while (!feed_link_has_room(&r->link, max_rows) && !feed_stop_signal)
            if (!feed_link_pump(&r->link)) sleep_ms(r->link.next_try_ms - feed_link_now_ms());
        int table;
        K data = feed_gen_next(&r->gen, &table, &table_rows);
        table = gen_table(r, table);
        if (feed_link_push(&r->link, table, with_time(r, table, data, table_rows, days, times[k]), table_rows) < 0) break;
    }
    free(times);
    log_info("feedhandler: backfill queued %lld messages stamped from %lld ms after midnight", (long long)k, (long long)from);
}

/* The main loop: make messages as paced, pump the link, stop at the limits, then keep
 * delivering for --drain seconds. */
static void run_loop(struct feed_run *r)
{
    const struct feed_opts *o = &r->opts;
    double interval_ms = o->rate > 0 ? FEED_MS_PER_S / o->rate : o->timer_ms;
    J max_rows = o->batch_rows ? o->batch_rows : FEED_GEN_QUOTES_PER_TRADE * FEED_GEN_MAX_TRADES;
    if (o->is_backfill && r->is_gen) run_backfill(r, max_rows);   /* --count and --duration are the live part's */
    long start = feed_link_now_ms(), drain_end = 0;
    double next_due = start + interval_ms;
    int producing = 1;
    while (!feed_stop_signal) {
        long now = feed_link_now_ms();
        if (producing && ((o->count && r->made >= o->count) ||
                          (o->duration_s > 0 && now - start >= o->duration_s * FEED_MS_PER_S)))
            producing = 0;
        int blocked = 0;
        for (int k = 0; producing && !blocked && k < (r->is_paced ? FEED_MAX_DUE : FEED_UNPACED_BURST); k++) {
            if (r->is_paced && next_due > now) break;
            if (r->is_gen && !r->is_paced && !feed_link_has_room(&r->link, max_rows)) { blocked = 1; break; }
            int made = run_make_one(r);
            if (made < 0) producing = 0;
            else if (made == 0) blocked = 1;
            else next_due += interval_ms;
            if (o->count && r->made >= o->count) producing = 0;
        }
        if (r->is_paced && next_due < now) next_due = now;   /* far behind: do not burst forever */
        int is_up = feed_link_pump(&r->link);
        now = feed_link_now_ms();
        if (!producing) {
            if (!r->link.queue_n) break;
            if (!drain_end) drain_end = now + (long)(o->drain_s * FEED_MS_PER_S);
            if (now >= drain_end) break;
        }
        long wake = now + FEED_SLEEP_MAX_MS;
        if (producing && r->is_paced && next_due < wake) wake = (long)next_due;
        if (!is_up && r->link.next_try_ms < wake) wake = r->link.next_try_ms;
        if (is_up && producing && !r->is_paced && !blocked) wake = now;
        sleep_ms(wake - now);
    }
    if (feed_stop_signal) {
        log_info("feedhandler: stopping on signal %d; delivering what is queued", (int)feed_stop_signal);
        if (r->link.handle) (void)feed_link_pump(&r->link);
    }
}

static void run_report(const struct feed_run *r)
{
    printf("sent");
    for (int t = 0; t < r->n_tables; t++) printf(" %s=%lld", r->tables[t], (long long)r->link.sent_rows[t]);
    printf(" messages=%lld dropped=%lld bad=%lld\n", (long long)r->link.sent_msgs,
           (long long)r->link.dropped_rows, (long long)run_bad_lines(r));
    fflush(stdout);
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;   /* reads inside net calls resume; their timeouts bound them */
    sigemptyset(&sa.sa_mask);
    (void)sigaction(SIGINT, &sa, NULL);    /* cannot fail for these signals */
    (void)sigaction(SIGTERM, &sa, NULL);
}

int main(int argc, char **argv)
{
    static struct feed_run run;   /* large (options, link counters): not on the stack */
    char err[FEED_OPTS_ERR_BYTES];
    if (feed_opts_parse(&run.opts, argc, argv, err)) {
        fprintf(stderr, "feedhandler: %s\n%s", err, feed_opts_usage());
        return FEED_EXIT_USAGE;
    }
    if (run.opts.is_help) { fputs(feed_opts_usage(), stdout); return FEED_EXIT_OK; }
    run.is_paced = run.opts.rate > 0 || (run.opts.timer_ms > 0 && (!run.opts.n_csv || run.opts.is_timer_set));
    int setup_failed = run_setup(&run);   /* prints its reason */
    if (!setup_failed && net_init(NULL, NULL, NULL)) {
        fprintf(stderr, "feedhandler: %s\n", net_errmsg());
        setup_failed = 1;
    }
    if (setup_failed) {
        run_teardown(&run);
        tk_sym_fini();
        return FEED_EXIT_USAGE;
    }
    if (feed_link_init(&run.link, run.opts.host, run.opts.port, run.tables, run.n_tables)) {
        fprintf(stderr, "feedhandler: out of memory\n");
        return FEED_EXIT_USAGE;
    }
    run.link.credentials = run.opts.credentials;
    run.link.buffer_rows = run.opts.buffer_rows;
    run.link.ack_timeout_ms = run.opts.ack_timeout_ms;
    run.link.connect_timeout_ms = FEED_OPTS_DEFAULT_CONNECT_TIMEOUT_MS;
    run.link.backoff_max_ms = run.opts.backoff_max_ms;
    install_signals();
    log_info("feedhandler: %s to %s:%d, %s", run.is_gen ? "demo feed" : "CSV replay", run.link.host,
             run.link.port, run.is_paced ? "paced" : "unpaced");
    run_loop(&run);
    feed_link_drop_all(&run.link);
    run_report(&run);
    int status = run.link.dropped_rows || run_bad_lines(&run) ? FEED_EXIT_DATA : FEED_EXIT_OK;
    run_teardown(&run);
    net_fini();
    tk_sym_fini();
    return status;
}
