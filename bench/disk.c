/* bench/disk.c: end-of-day write-down of a 10M-row trade table as one date partition
 * (enumerate, sort by sym, write columns) against a plain sequential write of the same
 * byte count in the same run and directory; then map+sum of the price column against
 * read()+sum of the same file. Prints figures; asserts nothing.
 * Usage: bench_disk [dir] (default: a temp directory under /tmp, removed afterwards).
 * SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "disk.h"

#define BENCH_ROWS 10000000
#define BENCH_SYMS 100
#define BENCH_REPEATS 5
#define BENCH_BLOCK_BYTES (1 << 20)       /* the plain write's block size */
#define BENCH_HEADER_BYTES 64             /* docs/disk-format.md: items start at 64 */
#define BENCH_MB (1024.0 * 1024.0)
#define BENCH_DAY 8780                    /* 2024.01.15 */

/* trade:([]time:`timespan$();sym:`symbol$();price:`float$();size:`int$();
 *         stop:`boolean$();cond:`char$();ex:`char$()) with n rows in time order. */
static K make_trade(J n)
{
    S universe[BENCH_SYMS];
    for (int i = 0; i < BENCH_SYMS; i++) {
        char name[8];
        snprintf(name, sizeof name, "S%03d", i);
        universe[i] = ss(name);
    }
    K time = ktn(KN, n), sym = ktn(KS, n), price = ktn(KF, n), size = ktn(KI, n);
    K stop = ktn(KB, n), cond = ktn(KC, n), ex = ktn(KC, n);
    J t = 34200000000000LL;
    for (J i = 0; i < n; i++) {
        t += (J)(rng() % 4096);
        kJ(time)[i] = t;
        kS(sym)[i] = universe[rng() % BENCH_SYMS];
        kF(price)[i] = 100.0 + (double)(rng() % 10000) / 100;
        kI(size)[i] = (I)(rng() % 100 + 1) * 100;
        kG(stop)[i] = (G)(rng() % 50 == 0);
        kC(cond)[i] = (G)(" ABC"[rng() % 4]);
        kC(ex)[i] = (G)("NOQ"[rng() % 3]);
    }
    const char *names[] = { "time", "sym", "price", "size", "stop", "cond", "ex" };
    K cols = ktn(KS, 7);
    for (int i = 0; i < 7; i++) kS(cols)[i] = ss(names[i]);
    return xT(xD(cols, knk(7, time, sym, price, size, stop, cond, ex)));
}

/* Bytes of the regular files in path (one level). */
static J dir_bytes(const char *path)
{
    DIR *d = opendir(path);
    if (!d) return 0;
    J total = 0;
    struct dirent *e;
    char file[4096];
    struct stat st;
    while ((e = readdir(d))) {
        snprintf(file, sizeof file, "%s/%s", path, e->d_name);
        if (!stat(file, &st) && S_ISREG(st.st_mode)) total += (J)st.st_size;
    }
    closedir(d);
    return total;
}

/* The baseline: write bytes to path in 1 MB blocks, fdatasync, close (as each of our
 * column files is). Returns seconds, or -1 on a failure. */
static double plain_write(const char *path, J bytes)
{
    G *block = malloc(BENCH_BLOCK_BYTES);
    if (!block) return -1;
    for (int i = 0; i < BENCH_BLOCK_BYTES; i++) block[i] = (G)rng();
    double t0 = now_s();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int ok = fd >= 0;
    for (J left = bytes; ok && left > 0; left -= BENCH_BLOCK_BYTES) {
        size_t n = left < BENCH_BLOCK_BYTES ? (size_t)left : BENCH_BLOCK_BYTES;
        ok = write(fd, block, n) == (ssize_t)n;
    }
    ok = ok && fdatasync(fd) == 0;
    if (fd >= 0) close(fd);
    double s = now_s() - t0;
    free(block);
    unlink(path);
    return ok ? s : -1;
}

static double sum_floats(const F *p, J n)
{
    double s = 0;
    for (J i = 0; i < n; i++) s += p[i];
    return s;
}

/* Sum of the price column through a mapping, and through read() into a heap buffer. */
static void bench_price(const char *tdir)
{
    char path[4096], err[DSK_ERR_BYTES];
    snprintf(path, sizeof path, "%s/price", tdir);
    double best_map = 1e9, best_read = 1e9, sum_map = 0, sum_read = 0;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        double t0 = now_s();
        K price = dsk_column_map(path, NULL, err);
        if (!price) { printf("map failed: %s\n", err); return; }
        sum_map = sum_floats(kF(price), price->n);
        r0(price);
        double t1 = now_s();
        if (t1 - t0 < best_map) best_map = t1 - t0;
        int fd = open(path, O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st)) { printf("open failed\n"); return; }
        G *buf = malloc((size_t)st.st_size);
        J got = 0;
        while (buf && got < st.st_size) {
            ssize_t k = read(fd, buf + got, (size_t)(st.st_size - got));
            if (k <= 0) break;
            got += k;
        }
        close(fd);
        J n = (got - BENCH_HEADER_BYTES) / (J)sizeof(F);
        sum_read = buf ? sum_floats((const F *)(void *)(buf + BENCH_HEADER_BYTES), n) : 0;
        free(buf);
        double t2 = now_s();
        if (t2 - t1 < best_read) best_read = t2 - t1;
    }
    double mb = (double)(BENCH_ROWS * (J)sizeof(F)) / BENCH_MB;
    printf("price column (%.0f MB, warm page cache), best of %d:\n", mb, BENCH_REPEATS);
    printf("  map+sum  %7.1f ms  %7.0f MB/s  (sum %.6g)\n", best_map * 1e3, mb / best_map, sum_map);
    printf("  read+sum %7.1f ms  %7.0f MB/s  (sum %.6g)\n", best_read * 1e3, mb / best_read, sum_read);
    printf("  map / read time: %.2f\n", best_map / best_read);
}

int main(int argc, char **argv)
{
    tk_mem_init();
    char root[256], err[DSK_ERR_BYTES], tdir[512], plain[512];
    int own_root = argc < 2;
    if (own_root) {
        snprintf(root, sizeof root, "/tmp/bench_disk_XXXXXX");
        if (!mkdtemp(root)) { perror("mkdtemp"); return 1; }
    } else {
        snprintf(root, sizeof root, "%s", argv[1]);
    }
    printf("building a %d-row trade table (time sym price size stop cond ex)...\n", BENCH_ROWS);
    K trade = make_trade(BENCH_ROWS);
    double best_eod = 1e9, best_plain = 1e9, first_eod = 0;
    J bytes = 0;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        double t0 = now_s();
        if (dsk_partition_write(root, BENCH_DAY + r, "trade", trade, err)) {
            printf("write-down failed: %s\n", err);
            break;
        }
        double s = now_s() - t0;
        if (s < best_eod) best_eod = s;
        if (r == 0) first_eod = s;
        dsk_partition_path(tdir, sizeof tdir, root, BENCH_DAY + r, "trade");
        bytes = dir_bytes(tdir);
        snprintf(plain, sizeof plain, "%s/plain", root);
        double p = plain_write(plain, bytes);
        if (p >= 0 && p < best_plain) best_plain = p;
        if (r > 0) {                  /* keep only the first partition for the reads below */
            char cmd[1024];
            dsk_partition_path(tdir, sizeof tdir, root, BENCH_DAY + r, NULL);
            snprintf(cmd, sizeof cmd, "rm -rf %s", tdir);
            if (system(cmd)) printf("could not remove %s\n", tdir);
        }
    }
    double mb = (double)bytes / BENCH_MB;
    printf("end-of-day write-down, one partition of %d rows (%.0f MB), best of %d, root %s:\n",
           BENCH_ROWS, mb, BENCH_REPEATS, root);
    printf("  dsk_partition_write %6.3f s  %7.0f MB/s  (target <= 2 s)\n", best_eod, mb / best_eod);
    printf("  plain write+fdatasync %4.3f s  %7.0f MB/s\n", best_plain, mb / best_plain);
    printf("  write-down / plain time: %.2f (first run, cold heap and new sym file: %.3f s)\n",
           best_eod / best_plain, first_eod);
    dsk_partition_path(tdir, sizeof tdir, root, BENCH_DAY, "trade");
    K syms = dsk_sym_load(root, err);
    double t0 = now_s();
    K loaded = syms ? dsk_table_load(tdir, syms, err) : NULL;
    double load_s = now_s() - t0;
    if (loaded) printf("dsk_table_load of the partition (map; sym resolved): %.1f ms\n", load_s * 1e3);
    else printf("load failed: %s\n", err);
    r0(loaded);
    r0(syms);
    bench_price(tdir);
    r0(trade);
    if (own_root) {
        char cmd[512];
        snprintf(cmd, sizeof cmd, "rm -rf %s", root);
        if (system(cmd)) printf("could not remove %s\n", root);
    }
    return 0;
}
