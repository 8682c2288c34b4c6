/* fuzz_replay.c: libFuzzer target for the RDB's replay of hostile journal bytes. The
 * fast path (rdb_upd.c's rdb_wire_*: bytes straight onto the columns) must leave the
 * tables exactly as decoding each record and applying it does, and neither may crash.
 * Tables: trade (the journal seeds' shape) and u, which ends in a symbol column so a
 * record's last symbols sit near the end of the bytes.
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "log.h"
#include "q.h"
#include "qnative.h"
#include "rdb.h"

#define FUZZ_REPLAY_MAX_BYTES (1 << 16)   /* longer inputs only slow the search down */
#define FUZZ_COUNT(a) ((int)(sizeof (a) / sizeof *(a)))

/* (name; empty table) for each table. Ownership: returns new. */
static K fuzz_table(const char *name, int ncols, const char *const *cols, const int *types)
{
    K names = ktn(KS, ncols), vals = ktn(0, ncols);
    for (int c = 0; c < ncols; c++) {
        kS(names)[c] = ss(cols[c]);
        kK(vals)[c] = ktn(types[c], 0);
    }
    return knk(2, ks((S)name), xT(xD(names, vals)));
}

static K fuzz_schema(void)
{
    static const char *const trade[] = { "time", "sym", "price", "size" };
    static const int trade_t[] = { KN, KS, KF, KJ };
    static const char *const u[] = { "px", "note", "ex", "sym" };
    static const int u_t[] = { KF, KS, KC, KS };
    return knk(2, fuzz_table("trade", FUZZ_COUNT(trade), trade, trade_t),
               fuzz_table("u", FUZZ_COUNT(u), u, u_t));
}

static int fuzz_apply(void *ctx, K record, J index)
{
    (void)ctx; (void)index;
    if (rdb_is_upd(record)) r0(rdb_apply(record, 0));   /* as rdb_tp.c: others skipped */
    return 0;
}

/* A copy of every table, in schema order. Ownership: returns new. */
static K fuzz_tables(void)
{
    return knk(2, q_global_get("trade"), q_global_get("u"));
}

static char path[] = "/tmp/fuzz_replay.XXXXXX";   /* the journal, rewritten per input */

static void fuzz_remove_journal(void)
{
    unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_REPLAY_MAX_BYTES) return 0;
    log_level_set(LOG_ERROR + 1);   /* a replay logs a line per input: quiet */
    if (q_init() || rdb_upd_register()) abort();
    K schema = fuzz_schema();
    if (rdb_tables_set(schema)) abort();
    r0(schema);

    struct jnl_scan scan;
    int generic_rc = jnl_scan_bytes(data, (J)size, -1, fuzz_apply, NULL, &scan);
    K want = fuzz_tables();
    rdb_tables_clear();

    if (path[strlen(path) - 1] == 'X') {   /* one file per process */
        int fd = mkstemp(path);
        if (fd < 0 || atexit(fuzz_remove_journal) != 0) abort();
        close(fd);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, size, f) != size || fclose(f) != 0) abort();
    snprintf(rdb.jnl_path, sizeof rdb.jnl_path, "%s", path);
    int fast_rc = rdb_replay(-1);
    K got = fuzz_tables();
    if ((generic_rc == 0) != (fast_rc == 0) || (fast_rc == 0 && !k_match(want, got))) {
        fprintf(stderr, "replay and record-by-record apply disagree (rc %d, %d)\n",
                generic_rc, fast_rc);
        abort();
    }
    r0(want);
    r0(got);
    rdb_upd_fini();
    q_fini();
    return 0;
}
