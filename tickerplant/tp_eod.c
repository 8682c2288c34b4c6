/* tp_eod.c: the tickerplant's clock (shiftable for tests), the day roll and .u.end
 * (tick-architecture.md §4.5), the day's journal file (§5.3) and when it is flushed.
 * Ingest is tp_upd.c, sending tp_pub.c; the log format is common/journal.c.
 * SPDX-License-Identifier: MIT */
#include <event2/event.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "log.h"
#include "net.h"
#include "runtime.h"
#include "tp.h"

#define TP_NS_PER_SEC 1000000000LL
#define TP_NS_PER_MS 1000000LL
#define TP_NS_PER_MIN 60000000000LL
#define TP_MS_PER_SEC 1000
#define TP_US_PER_MS 1000

static struct {
    J zone_ns;              /* local (or -o) offset from UTC, refreshed by tp_day_check */
    int has_zone;           /* zone_ns computed */
    struct event *flush_ev; /* activated when records are appended: flush before polling */
    struct event *sync_ev;  /* --flush timed: fdatasync every flush_ms */
} eod;

static void tp_zone_refresh(void)
{
    if (tp.opt.utc_offset_min != INT32_MIN) {
        eod.zone_ns = (J)tp.opt.utc_offset_min * TP_NS_PER_MIN;
    } else {
        time_t now = time(NULL);
        struct tm lt;
        eod.zone_ns = localtime_r(&now, &lt) ? (J)lt.tm_gmtoff * TP_NS_PER_SEC : 0;
    }
    eod.has_zone = 1;
}

J tp_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (!eod.has_zone) tp_zone_refresh();
    return (J)ts.tv_sec * TP_NS_PER_SEC + ts.tv_nsec - K_EPOCH_NS + eod.zone_ns
         + tp.opt.clock_offset_ms * TP_NS_PER_MS;
}

I tp_date_of(J now_ns)
{
    J t = now_ns - (J)tp.opt.roll_min * TP_NS_PER_MIN;
    J d = t / K_NS_PER_DAY;
    if (t < 0 && t % K_NS_PER_DAY) d--;
    return (I)d;
}

I tp_today(void) { return tp_date_of(tp_now_ns()); }

int tp_journal_open(I date)
{
    char err[JNL_ERR_BYTES];
    if (jnl_path(tp.jnl_path, sizeof tp.jnl_path, tp.opt.logdir, tp.schema_name, date)) {
        fprintf(stderr, "tickerplant: journal path too long\n");
        return -1;
    }
    struct stat st;
    if (stat(tp.jnl_path, &st) == 0) {
        struct jnl_scan scan;
        if (jnl_scan_file(tp.jnl_path, -1, NULL, NULL, &scan) != 0) {
            fprintf(stderr, "tickerplant: %s: %s\n", tp.jnl_path, scan.err);
            return -1;
        }
        if (scan.is_bad_tail && !tp.opt.truncate_bad_tail) {
            /* the stock message (§5.3), with the counts */
            fprintf(stderr, "tickerplant: %s is a corrupt log: %lld good records in %lld of "
                    "%lld bytes (%s). Truncate to length %lld and restart, or start with "
                    "--truncate-bad-tail\n", tp.jnl_path, (long long)scan.records,
                    (long long)scan.valid_bytes, (long long)scan.file_bytes, scan.err,
                    (long long)scan.valid_bytes);
            return -1;
        }
        if (scan.is_bad_tail)
            log_warn("tp: %s: truncating a bad tail: keeping %lld records, %lld of %lld bytes",
                     tp.jnl_path, (long long)scan.records, (long long)scan.valid_bytes,
                     (long long)scan.file_bytes);
    }
    tp.jnl = jnl_open(tp.jnl_path, tp.opt.truncate_bad_tail ? JNL_OPEN_TRUNCATE
                                                          : JNL_OPEN_STRICT, err);
    if (!tp.jnl) { fprintf(stderr, "tickerplant: %s\n", err); return -1; }
    tp.i = tp.j = jnl_count(tp.jnl);
    log_info("tp: journal %s: %lld records", tp.jnl_path, (long long)tp.i);
    tp.is_globals_dirty = 1;
    return 0;
}

K tp_endofday(void)
{
    if (tp.opt.timer_ms > 0) tp_batch_flush();
    I ending = tp.d;
    tp_send_end(ending);
    tp.d++;
    log_info("tp: end of day %d: .u.end sent; new date %d", dj(ending), dj(tp.d));
    if (tp.jnl) {
        if (jnl_close(tp.jnl) != 0) log_error("tp: closing the journal failed");
        tp.jnl = NULL;
        if (tp_journal_open(tp.d) != 0) {
            log_error("tp: cannot open the journal for the new day: ingest stopped");
            tp.is_stopped = 1;
            return krr("journal");
        }
    } else {
        tp.i = tp.j = 0;
    }
    tp.is_globals_dirty = 1;
    return k_identity();
}

/* The injectable clock: --clock-file holds an offset in ms, read again on every tick so
 * a test can move the TP's time forward while it runs. A missing file keeps the offset. */
void tp_clock_refresh(void)
{
    tp_zone_refresh();
    if (!tp.opt.clock_file) return;
    FILE *f = fopen(tp.opt.clock_file, "r");
    long long ms;
    if (f && fscanf(f, "%lld", &ms) == 1) tp.opt.clock_offset_ms = ms;
    if (f) fclose(f);
}

void tp_day_check(void)
{
    tp_clock_refresh();
    if (tp.is_stopped) return;
    I today = tp_today();
    if (today <= tp.d) return;
    if (today == tp.d + 1) { r0(tp_endofday()); return; }
    log_error("tp: more than one day? date %d after %d: ingest stopped", dj(today), dj(tp.d));
    tp.is_stopped = 1;
}

void tp_journal_flush(void)
{
    if (!tp.jnl || !tp.is_jnl_dirty) return;
    int sync = tp.opt.flush == TP_FLUSH_BATCH && tp.opt.timer_ms == 0;
    if (jnl_flush(tp.jnl, sync) != 0) {
        log_error("tp: journal flush: %s", jnl_errmsg(tp.jnl));
        return;
    }
    tp.is_jnl_dirty = 0;
    if (sync) tp.is_jnl_unsynced = 0;
}

/* Runs after the callbacks of this loop iteration, before the next poll: the journal
 * reaches the file before the queued publishes reach the sockets. */
static void tp_on_flush(evutil_socket_t fd, short what, void *arg)
{
    (void)fd; (void)what; (void)arg;
    tp_journal_flush();
    net_write_ready();  /* the journal is written: publishes may go now, not a poll later */
}

static void tp_on_sync(evutil_socket_t fd, short what, void *arg)
{
    (void)fd; (void)what; (void)arg;
    if (!tp.jnl || !tp.is_jnl_unsynced) return;
    if (jnl_flush(tp.jnl, 1) != 0) log_error("tp: fdatasync: %s", jnl_errmsg(tp.jnl));
    else tp.is_jnl_dirty = tp.is_jnl_unsynced = 0;
}

void tp_journal_mark(void)
{
    tp.is_jnl_unsynced = 1;
    if (tp.is_jnl_dirty) return;
    tp.is_jnl_dirty = 1;
    if (eod.flush_ev) event_active(eod.flush_ev, 0, 0);
}

int tp_flush_init(void)
{
    eod.flush_ev = event_new(rt_base(), -1, 0, tp_on_flush, NULL);
    if (!eod.flush_ev) return -1;
    if (tp.opt.flush == TP_FLUSH_TIMED && tp.opt.flush_ms > 0) {
        struct timeval every = { .tv_sec = tp.opt.flush_ms / TP_MS_PER_SEC,
                                 .tv_usec = tp.opt.flush_ms % TP_MS_PER_SEC * TP_US_PER_MS };
        eod.sync_ev = event_new(rt_base(), -1, EV_PERSIST, tp_on_sync, NULL);
        if (!eod.sync_ev || event_add(eod.sync_ev, &every) != 0) return -1;
    }
    return 0;
}

void tp_flush_fini(void)
{
    if (eod.flush_ev) event_free(eod.flush_ev);
    if (eod.sync_ev) event_free(eod.sync_ev);
    eod.flush_ev = eod.sync_ev = NULL;
}
