/* fuzz_tp_bytes.c: libFuzzer target for the tickerplant's ingest of hostile message
 * bodies: the bytes fast path (tp_upd.c's tp_upd_bytes, which journals and buffers an
 * update's own bytes without decoding it), and the decode + tp_upd path it leaves the
 * rest to, as tp_main.c does. Whatever the bytes, nothing crashes and the journal stays
 * whole: every record the TP counted (.u.i) is in it and decodes, with no bad tail.
 * The first byte picks zero-latency or batch mode (-t), which take different paths.
 * SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"
#include "q.h"
#include "ser.h"
#include "tp.h"

#define FUZZ_TP_MAX_BYTES (1 << 16)   /* longer inputs only slow the search down */
#define FUZZ_TP_BATCH_MS 100           /* -t in batch mode (no timer runs here) */
#define FUZZ_TP_NTABLES 2
#define FUZZ_COUNT(a) ((int)(sizeof (a) / sizeof *(a)))

static char dir[] = "/tmp/fuzz_tp_bytes.XXXXXX";   /* the journal's directory */

static void fuzz_remove_journal(void)
{
    if (tp.jnl) (void)jnl_close(tp.jnl);
    tp.jnl = NULL;
    unlink(tp.jnl_path);
    rmdir(dir);
}

/* An empty table of the given columns. Ownership: returns new. */
static K fuzz_table(int ncols, const char *const *cols, const int *types)
{
    K names = ktn(KS, ncols), vals = ktn(0, ncols);
    for (int c = 0; c < ncols; c++) {
        kS(names)[c] = ss((S)cols[c]);
        kK(vals)[c] = ktn(types[c], 0);
    }
    return xT(xD(names, vals));
}

/* The TP's state as tp_main.c's start-up leaves it, without sockets: trade (as
 * config/sym.json) and quote (long and float columns), a journal for today. */
static void fuzz_setup(void)
{
    static const char *const trade[] = { "time", "sym", "price", "size", "stop", "cond", "ex" };
    static const int trade_t[] = { KN, KS, KF, KI, KB, KC, KC };
    static const char *const quote[] = { "time", "sym", "bid", "ask", "bsize", "asize" };
    static const int quote_t[] = { KN, KS, KF, KF, KJ, KJ };
    log_level_set(LOG_ERROR + 1);   /* rejected updates are logged: quiet */
    if (q_init() || !mkdtemp(dir) || atexit(fuzz_remove_journal) != 0) abort();
    tp.opt.utc_offset_min = 0;
    tp.opt.logdir = dir;
    snprintf(tp.schema_name, sizeof tp.schema_name, "sym");
    tp.tables = calloc(FUZZ_TP_NTABLES, sizeof *tp.tables);
    if (!tp.tables) abort();
    K t = fuzz_table(FUZZ_COUNT(trade), trade, trade_t);
    K q = fuzz_table(FUZZ_COUNT(quote), quote, quote_t);
    if (tp_table_init(&tp.tables[0], ss("trade"), t)
        || tp_table_init(&tp.tables[1], ss("quote"), q)) abort();
    r0(t);
    r0(q);
    tp.ntables = FUZZ_TP_NTABLES;
    tp.d = tp_today();
}

/* A fresh, empty journal for today. */
static void fuzz_journal_reset(void)
{
    if (tp.jnl) (void)jnl_close(tp.jnl);
    tp.jnl = NULL;
    unlink(tp.jnl_path);
    tp.d = tp_today();
    if (tp_journal_open(tp.d) != 0) abort();
}

/* What tp_main.c does with a message the bytes path left: decode it and, when it is
 * (`.u.upd;`t;x), call tp_upd. */
static void fuzz_general(const G *body, J n)
{
    char why[SER_ERR_BYTES];
    K x = ser_decode(body, n, 1, 0, why);
    if (!x) return;
    if (x->t == 0 && x->n == 3 && kK(x)[0]->t == -KS && kK(x)[0]->s == ss(".u.upd"))
        r0(tp_upd(-1, kK(x)[1], kK(x)[2]));
    r0(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (size < 1 || size > FUZZ_TP_MAX_BYTES) return 0;
    if (!ready) { fuzz_setup(); ready = 1; }
    fuzz_journal_reset();
    tp.is_stopped = 0;
    tp.opt.timer_ms = data[0] & 1 ? FUZZ_TP_BATCH_MS : 0;
    /* an async, uncompressed message as net_io.c hands it over: header, then the body */
    static G msg[SER_HDR_BYTES + FUZZ_TP_MAX_BYTES];
    J n = (J)size - 1, total = SER_HDR_BYTES + n;
    int32_t len = (int32_t)total;
    memset(msg, 0, SER_HDR_BYTES);
    msg[0] = 1;   /* little-endian */
    memcpy(msg + SER_HDR_BYTES - sizeof len, &len, sizeof len);
    memcpy(msg + SER_HDR_BYTES, data + 1, (size_t)n);
    if (!tp_upd_bytes(-1, msg, total)) fuzz_general(msg + SER_HDR_BYTES, n);
    if (tp.opt.timer_ms > 0) tp_batch_flush();
    if (jnl_flush(tp.jnl, 0) != 0) abort();
    struct jnl_scan scan;
    if (jnl_scan_file(tp.jnl_path, -1, NULL, NULL, &scan) != 0 || scan.is_bad_tail
        || scan.records != tp.i) {
        fprintf(stderr, "journal broken: %lld records, .u.i %lld, %s\n",
                (long long)scan.records, (long long)tp.i, scan.err);
        abort();
    }
    return 0;
}
