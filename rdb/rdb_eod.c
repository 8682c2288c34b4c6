/* rdb_eod.c: the RDB's end of day (.u.end[d], tick-architecture.md §8.2 and §9): every
 * table written as partition d of the HDB root (dsk_partition_write: sym enumeration,
 * sort by sym, `p#, .d), empty tables too, then the tables emptied and the HDB told to
 * reload with an async "\l .". Storage itself is common/disk.c.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "disk.h"
#include "log.h"
#include "net.h"
#include "q.h"
#include "qnative.h"
#include "rdb.h"
#include "ser.h"

#define RDB_DIR_MODE 0755
#define RDB_RELOAD_REQUEST "\\l ."
#define RDB_MS_PER_S 1000
#define RDB_NS_PER_MS 1000000

static J rdb_eod_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (J)ts.tv_sec * RDB_MS_PER_S + ts.tv_nsec / RDB_NS_PER_MS;
}

/* Tell the HDB to reload; a missing HDB is only logged (r.q would fail). */
static void rdb_hdb_notify(void)
{
    const char *host = rdb.hdb.host[0] ? rdb.hdb.host : NET_DEFAULT_HOST;
    int h = net_hopen(host, rdb.hdb.port, rdb.hdb.cred[0] ? rdb.hdb.cred : NULL,
                      RDB_HDB_TIMEOUT_MS);
    if (h <= 0) {
        log_warn("rdb: end of day: no HDB at %s:%d (%d): it was not told to reload", host,
                 rdb.hdb.port, h);
        return;
    }
    K msg = kp(RDB_RELOAD_REQUEST), err = NULL;
    if (!msg || net_send(h, SER_ASYNC, msg, &err) != 0 || net_flush(h) != 0)
        log_warn("rdb: end of day: cannot send the reload to %s:%d: '%s", host,
                 rdb.hdb.port, err ? err->s : "send");
    else log_info("rdb: end of day: told the HDB at %s:%d to reload", host, rdb.hdb.port);
    r0(msg);
    r0(err);
    (void)net_hclose(h);   /* a one-shot handle; nothing to do if the close fails */
}

K rdb_end_of_day(I d)
{
    J t0 = rdb_eod_ms(), rows = 0;
    if (mkdir(rdb.hdb_root, RDB_DIR_MODE) != 0 && errno != EEXIST)
        log_error("rdb: end of day: %s: %s", rdb.hdb_root, strerror(errno));
    char err[DSK_ERR_BYTES], first_err[DSK_ERR_BYTES] = "";
    for (int i = 0; i < rdb.ntables; i++) {
        S name = rdb.tables[i].name;
        K t = q_global_get(name);
        if (!t || t->t != XT) {
            snprintf(first_err, sizeof first_err, "%s: not a table at end of day", name);
            log_error("rdb: end of day: %s", first_err);
            r0(t);
            continue;
        }
        rows += k_count(t);
        if (dsk_partition_write(rdb.hdb_root, d, name, t, err) != 0) {
            log_error("rdb: end of day: %s: %s", name, err);
            if (!first_err[0]) snprintf(first_err, sizeof first_err, "%s", err);
        }
        r0(t);
    }
    rdb_tables_clear();
    log_info("rdb: end of day %08d: %lld rows of %d tables written to %s in %lld ms",
             (int)dj(d), (long long)rows, rdb.ntables, rdb.hdb_root,
             (long long)(rdb_eod_ms() - t0));
    rdb_hdb_notify();
    return first_err[0] ? krr(first_err) : k_identity();
}
