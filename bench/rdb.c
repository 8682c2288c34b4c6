/* bench/rdb.c: the RDB's two heavy paths, each against a same-run baseline:
 * (1) replay of a 10M-row journal through the native upd (rdb_tp.c's rdb_replay) in
 *     rows/s, vs the sequential read rate of the same file and vs the floor of any
 *     replay (the file's bytes copied into as much fresh memory as the columns take, no
 *     parsing); (2) end-of-day write-down of those 10M rows (dsk_partition_write, as
 *     rdb_eod.c calls it) in seconds and MB/s, vs a plain sequential write (+ fdatasync)
 *     of the same byte count; (3) the same select on the RDB's 10M rows and on an HDB
 *     of 5 such dates (hdb_load.c: load time, and queries with and without a date
 *     constraint that prunes partitions). Prints figures; asserts nothing.
 *     Usage: bench_rdb [rows_per_record [replay]] (default 1000; "replay" stops after
 *     the cold replay).
 * SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "disk.h"
#include "hdb.h"
#include "journal.h"
#include "q.h"
#include "qnative.h"
#include "rdb.h"

#define BENCH_ROWS 10000000
#define BENCH_SYMS 100
#define BENCH_DEFAULT_BATCH 1000          /* rows per journal record */
#define BENCH_BLOCK_BYTES (1 << 20)       /* read/write block size of the baselines */
#define BENCH_MB (1024.0 * 1024.0)
#define BENCH_DAY 8780                    /* 2024.01.15 */
#define BENCH_PATH_BYTES 4096
#define BENCH_NCOLS 7
#define BENCH_DATES 5                     /* partitions of the HDB query comparison */

static const int bench_types[BENCH_NCOLS] = { KN, KS, KF, KI, KB, KC, KC };
static const char *bench_names[BENCH_NCOLS] = { "time", "sym", "price", "size", "stop", "cond", "ex" };

/* The (name; empty trade table) list the TP's subscription reply holds. */
static K bench_schema(void)
{
    K names = ktn(KS, BENCH_NCOLS), vals = ktn(0, BENCH_NCOLS);
    for (int c = 0; c < BENCH_NCOLS; c++) {
        kS(names)[c] = ss(bench_names[c]);
        kK(vals)[c] = ktn(bench_types[c], 0);
    }
    return knk(1, knk(2, ks("trade"), xT(xD(names, vals))));
}

/* One record's columns, n rows from row t0 on. Ownership: returns new. */
static K bench_cols(J n, J *clock, S *universe)
{
    K cols = ktn(0, BENCH_NCOLS);
    for (int c = 0; c < BENCH_NCOLS; c++) kK(cols)[c] = ktn(bench_types[c], n);
    for (J i = 0; i < n; i++) {
        *clock += (J)(rng() % 4096);
        kJ(kK(cols)[0])[i] = *clock;
        kS(kK(cols)[1])[i] = universe[rng() % BENCH_SYMS];
        kF(kK(cols)[2])[i] = 100.0 + (double)(rng() % 10000) / 100;
        kI(kK(cols)[3])[i] = (I)(rng() % 100 + 1) * 100;
        kG(kK(cols)[4])[i] = (G)(rng() % 50 == 0);
        kC(kK(cols)[5])[i] = (G)(" ABC"[rng() % 4]);
        kC(kK(cols)[6])[i] = (G)("NOQ"[rng() % 3]);
    }
    return cols;
}

/* Write the journal: BENCH_ROWS rows in records of batch rows. Returns 0 or -1. */
static int bench_journal(const char *path, J batch)
{
    S universe[BENCH_SYMS];
    for (int i = 0; i < BENCH_SYMS; i++) {
        char name[8];
        snprintf(name, sizeof name, "S%03d", i);
        universe[i] = ss(name);
    }
    char err[JNL_ERR_BYTES];
    struct jnl *j = jnl_open(path, JNL_OPEN_STRICT, err);
    if (!j) { fprintf(stderr, "bench_rdb: %s\n", err); return -1; }
    J clock = 34200000000000LL;
    for (J done = 0; done < BENCH_ROWS; done += batch) {
        J n = BENCH_ROWS - done < batch ? BENCH_ROWS - done : batch;
        K rec = knk(3, ks("upd"), ks("trade"), bench_cols(n, &clock, universe));
        int rc = jnl_append(j, rec);
        r0(rec);
        if (rc) { fprintf(stderr, "bench_rdb: %s\n", jnl_errmsg(j)); jnl_close(j); return -1; }
    }
    return jnl_close(j);
}

/* read(2) the whole file in blocks; returns bytes read (the sum keeps it honest). */
static J bench_read(const char *path, unsigned *sum)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    static G buf[BENCH_BLOCK_BYTES];
    J total = 0;
    ssize_t got;
    while ((got = read(fd, buf, sizeof buf)) > 0) { total += got; *sum += buf[got - 1]; }
    close(fd);
    return total;
}

static G *volatile bench_copy_seen;   /* the copies escape: nothing optimises them away */

/* The floor of any replay of the file into column memory, parsing nothing: map it and
 * copy its bytes into out_bytes of fresh memory, the rest zeroed, so every page is
 * faulted and written as the columns' are. *again: the same copy into the same memory,
 * now faulted. Returns seconds (cold), or -1. */
static double bench_copy_floor(const char *path, J out_bytes, double *again)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    if (fd < 0) return -1;
    if (fstat(fd, &st) != 0 || st.st_size > out_bytes) { close(fd); return -1; }
    size_t n = (size_t)st.st_size;
    G *map = mmap(NULL, n, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    G *out = map == MAP_FAILED ? NULL : malloc((size_t)out_bytes);
    if (!out) { if (map != MAP_FAILED) munmap(map, n); return -1; }
    (void)madvise(map, n, MADV_SEQUENTIAL);
    double t0 = now_s();
    memcpy(out, map, n);
    memset(out + n, 0, (size_t)out_bytes - n);
    double cold = now_s() - t0;
    t0 = now_s();
    memcpy(out, map, n);
    memset(out + n, 0, (size_t)out_bytes - n);
    *again = now_s() - t0;
    bench_copy_seen = out;
    free(out);
    munmap(map, n);
    return cold;
}

static int bench_on_record_noop(void *ctx, K record, J index)
{
    (void)ctx; (void)record; (void)index;
    return 0;
}

/* Bytes of the files under dir (recursively). */
static J bench_du(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return 0;
    J total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char path[BENCH_PATH_BYTES];
        struct stat st;
        snprintf(path, sizeof path, "%.3000s/%.255s", dir, e->d_name);
        if (stat(path, &st) != 0) continue;
        total += S_ISDIR(st.st_mode) ? bench_du(path) : (J)st.st_size;
    }
    closedir(d);
    return total;
}

/* Plain sequential write of n bytes (1 MB blocks) and fdatasync. Returns seconds. */
static double bench_write(const char *path, J n)
{
    static G buf[BENCH_BLOCK_BYTES];
    memset(buf, 'x', sizeof buf);
    double t0 = now_s();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return -1;
    for (J left = n; left > 0;) {
        size_t k = left < (J)sizeof buf ? (size_t)left : sizeof buf;
        ssize_t w = write(fd, buf, k);
        if (w <= 0) { close(fd); return -1; }
        left -= w;
    }
    if (fdatasync(fd) != 0) { close(fd); return -1; }
    close(fd);
    return now_s() - t0;
}

/* Remove the bench's directory and stop what it started; main's exit status. */
static int bench_finish(const char *dir)
{
    char cmd[BENCH_PATH_BYTES + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%.4000s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_rdb: cannot remove %s\n", dir);
    rdb_upd_fini();
    q_fini();
    return 0;
}

int main(int argc, char **argv)
{
    tk_mem_init();
    J batch = argc > 1 ? atoll(argv[1]) : BENCH_DEFAULT_BATCH;
    if (batch <= 0 || q_init() != 0 || rdb_upd_register() != 0) return 1;
    char dir[] = "/tmp/bench_rdb.XXXXXX", jpath[BENCH_PATH_BYTES], root[BENCH_PATH_BYTES];
    if (!mkdtemp(dir)) return 1;
    snprintf(jpath, sizeof jpath, "%s/sym2024.01.15", dir);
    snprintf(root, sizeof root, "%s/hdb", dir);
    K schema = bench_schema();
    if (rdb_tables_set(schema) != 0 || bench_journal(jpath, batch) != 0) return 1;
    r0(schema);

    unsigned sum = 0;
    double t0 = now_s();
    J bytes = bench_read(jpath, &sum);
    double read_s = now_s() - t0;
    struct jnl_scan scan;
    t0 = now_s();
    (void)jnl_scan_file(jpath, -1, bench_on_record_noop, NULL, &scan);
    double decode_s = now_s() - t0;
    t0 = now_s();
    snprintf(rdb.jnl_path, sizeof rdb.jnl_path, "%s", jpath);
    int rc = rdb_replay(-1);   /* the rdb's own replay: reserve, scan, native upd */
    double replay_s = now_s() - t0;
    K n = q_eval("count trade", 11);
    double read_rows = (double)BENCH_ROWS / read_s, replay_rows = (double)BENCH_ROWS / replay_s;
    printf("journal: %d rows in %lld records of %lld rows, %.1f MB (checksum %u)\n",
           BENCH_ROWS, (long long)scan.records, (long long)batch, (double)bytes / BENCH_MB, sum);
    printf("sequential read:  %.3f s  %.0f MB/s  (%.1fM rows/s equivalent)\n", read_s,
           (double)bytes / BENCH_MB / read_s, read_rows / 1e6);
    printf("replay via upd:   %.3f s  %.0f MB/s  %.1fM rows/s  (%.2fx read rate; target "
           ">= 20M rows/s and >= 0.5x)  rc=%d count=%lld\n", replay_s,
           (double)bytes / BENCH_MB / replay_s, replay_rows / 1e6, read_s / replay_s, rc,
           n && n->t == -KJ ? (long long)n->j : -1LL);
    r0(n);
    printf("  of which decode: %.3f s (jnl_scan_file with a no-op callback: %.1fM rows/s); "
           "upd appends: %.3f s\n", decode_s, (double)BENCH_ROWS / decode_s / 1e6,
           replay_s - decode_s);

    J mem_bytes = 0;   /* the columns' items: a symbol is a pointer in memory */
    for (int c = 0; c < BENCH_NCOLS; c++)
        mem_bytes += bench_types[c] == KS ? (J)sizeof(S) : k_item_size(bench_types[c]);
    double floor_warm = 0, floor_s = bench_copy_floor(jpath, mem_bytes * BENCH_ROWS, &floor_warm);
    printf("  floor, no parsing: %.3f s into fresh memory (%.2fx read rate), %.3f s into "
           "faulted memory (%.2fx): the file's bytes copied into the columns' %.0f MB\n",
           floor_s, read_s / floor_s, floor_warm, read_s / floor_warm,
           (double)(mem_bytes * BENCH_ROWS) / BENCH_MB);

    if (argc > 2 && !strcmp(argv[2], "replay"))   /* experiments: the replay only */
        return bench_finish(dir);
    /* a second replay into memory the first one freed (a long-running rdb's later days) */
    rdb_tables_clear();
    t0 = now_s();
    int rc2 = rdb_replay(-1);
    double warm_s = now_s() - t0;
    printf("replay, warm heap: %.3f s  %.1fM rows/s  (after an end of day freed the first "
           "day's columns) rc=%d\n", warm_s, (double)BENCH_ROWS / warm_s / 1e6, rc2);

    K t = q_global_get("trade");
    char err[DSK_ERR_BYTES];
    if (mkdir(root, 0755) != 0) return 1;
    t0 = now_s();
    rc = dsk_partition_write(root, BENCH_DAY, "trade", t, err);
    double eod_s = now_s() - t0;
    r0(t);
    J eod_bytes = bench_du(root);
    char plain[BENCH_PATH_BYTES];
    snprintf(plain, sizeof plain, "%s/plain", dir);
    double plain_s = bench_write(plain, eod_bytes);
    printf("eod write-down:   %.3f s  %.0f MB/s  (%d rows, %.1f MB; target <= 2 s)%s%s\n",
           eod_s, (double)eod_bytes / BENCH_MB / eod_s, BENCH_ROWS,
           (double)eod_bytes / BENCH_MB, rc ? "  FAILED: " : "", rc ? err : "");
    printf("plain write:      %.3f s  %.0f MB/s  (same bytes, 1 MB blocks + fdatasync; "
           "eod is %.2fx its time)\n", plain_s, (double)eod_bytes / BENCH_MB / plain_s,
           eod_s / plain_s);

    /* (3) the same select on the RDB and on an HDB of BENCH_DATES dates */
    static const char query[] = "select n:count i, p:avg price, v:sum size by sym from trade";
    static const char query1[] = "select n:count i, p:avg price, v:sum size by sym from trade "
                                 "where date=2024.01.15";
    t0 = now_s();
    K a = q_eval(query, (J)strlen(query));
    double rdb_q_s = now_s() - t0;
    printf("select on rdb:    %.3f s  (%d rows)%s%s\n", rdb_q_s, BENCH_ROWS,
           a && a->t == KERR ? "  error: " : "", a && a->t == KERR ? a->s : "");
    r0(a);
    /* an HDB of that one date: its columns are presented on their mappings. The load
     * replaces the global trade, so keep the rdb's table for the other dates first. */
    t = q_global_get("trade");
    t0 = now_s();
    int loaded1 = rc ? -1 : hdb_load(root);
    double load1_s = now_s() - t0;
    t0 = now_s();
    a = q_eval(query, (J)strlen(query));
    double hdb1_q_s = now_s() - t0;
    printf("hdb load, 1 date: %.4f s  (%d tables; files checked, nothing mapped)\n", load1_s,
           loaded1);
    printf("select on hdb:    %.3f s  (%d rows, 1 date)%s%s\n", hdb1_q_s, BENCH_ROWS,
           a && a->t == KERR ? "  error: " : "", a && a->t == KERR ? a->s : "");
    r0(a);
    for (int d = 1; d < BENCH_DATES && rc == 0; d++)
        rc = dsk_partition_write(root, BENCH_DAY - d, "trade", t, err);
    r0(t);
    t0 = now_s();
    int loaded = rc ? -1 : hdb_load(root);
    double load_s = now_s() - t0;
    printf("hdb load:         %.4f s  (%d dates, %d tables; files checked and recorded, "
           "nothing mapped)\n", load_s, BENCH_DATES, loaded);
    /* each query maps the partitions its date constraints keep, and only the columns it
     * names; several partitions are copied into one vector per column */
    static const struct { const char *label, *text; } hq[] = {
        { "no date constraint (5 dates)", query },
        { "no date constraint, again", query },
        { "no date constraint, count and sum only (5 dates)",
          "select n:count i, v:sum size by sym from trade" },
        { "where date=d (1 date)", query1 },
        { "where date=d, again (mapped columns cached)", query1 },
        { "where date within (2 dates)", "select n:count i, p:avg price, v:sum size by sym "
                                         "from trade where date within 2024.01.14 2024.01.15" },
        { "sym filter first: no pruning (5 dates)", "select n:count i, v:sum size by sym "
                                         "from trade where sym=`S001, date=2024.01.15" },
        { "date first, then sym (1 date)", "select n:count i, v:sum size by sym "
                                         "from trade where date=2024.01.15, sym=`S001" },
    };
    for (size_t i = 0; i < sizeof hq / sizeof hq[0]; i++) {
        t0 = now_s();
        a = q_eval(hq[i].text, (J)strlen(hq[i].text));
        double q_s = now_s() - t0;
        printf("select on hdb:    %.3f s  %s%s%s\n", q_s, hq[i].label,
               a && a->t == KERR ? "  error: " : "", a && a->t == KERR ? a->s : "");
        r0(a);
    }
    hdb_load_fini();
    return bench_finish(dir);
}
