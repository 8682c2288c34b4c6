/* bench/ser.c: wire-format throughput against memcpy of the same bytes, same run.
 * Serialises and deserialises a 1M-row trade table and a 10M long vector, and compresses
 * and decompresses the serialised table. Prints figures; asserts nothing.
 * SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "compress.h"
#include "ser.h"

#define BENCH_ROWS 1000000
#define BENCH_LONGS 10000000
#define BENCH_SYMS 100
#define BENCH_REPEATS 7

/* A quieter feed: 8 tickers, one price walk in cents, stamps <= 256 us apart, round
 * lot sizes; the kind of table kdb+'s compression does halve. */
static K make_quiet_trade(J n)
{
    static const char *tickers[] = { "AAPL", "MSFT", "IBM", "GOOG", "AMZN", "TSLA", "NVDA", "META" };
    K time = ktn(KN, n), sym = ktn(KS, n), price = ktn(KF, n), size = ktn(KJ, n);
    J t = 34200000000000LL;
    double level = 100;
    for (J i = 0; i < n; i++) {
        t += (J)(rng() % 256) * 1000;
        kJ(time)[i] = t;
        kS(sym)[i] = ss(tickers[rng() % 8]);
        level += ((double)(rng() % 5) - 2.0) * 0.01;
        kF(price)[i] = (double)(J)(level * 100 + 0.5) / 100;
        kJ(size)[i] = (J)(rng() % 10 + 1) * 100;
    }
    K cols = ktn(KS, 4);
    kS(cols)[0] = ss("time"); kS(cols)[1] = ss("sym"); kS(cols)[2] = ss("price"); kS(cols)[3] = ss("size");
    return xT(xD(cols, knk(4, time, sym, price, size)));
}

/* trade:([]time:`timespan$();sym:`symbol$();price:`float$();size:`int$();
 *         stop:`boolean$();cond:`char$();ex:`char$()) with n random-walk rows. */
static K make_trade(J n)
{
    S universe[BENCH_SYMS];
    for (int i = 0; i < BENCH_SYMS; i++) {
        char name[8];
        snprintf(name, sizeof name, "S%02d", i);
        universe[i] = ss(name);
    }
    K time = ktn(KN, n), sym = ktn(KS, n), price = ktn(KF, n), size = ktn(KI, n);
    K stop = ktn(KB, n), cond = ktn(KC, n), ex = ktn(KC, n);
    double level[BENCH_SYMS];
    for (int i = 0; i < BENCH_SYMS; i++) level[i] = 20.0 + (double)(rng() % 50000) / 100.0;
    J t = 9LL * 3600 * 1000000000LL;
    for (J i = 0; i < n; i++) {
        t += (J)(rng() % 20000) * 1000;              /* microsecond stamps, sorted */
        kJ(time)[i] = t;
        int s = (int)(rng() % BENCH_SYMS);
        kS(sym)[i] = universe[s];
        level[s] += ((double)(rng() % 5) - 2.0) * 0.01; /* random walk on a cent grid */
        kF(price)[i] = (double)(J)(level[s] * 100 + 0.5) / 100;  /* quoted in cents */
        kI(size)[i] = (I)(100 * (1 + rng() % 50));
        kG(stop)[i] = rng() % 20 == 0;
        kC(cond)[i] = "ABCN"[rng() % 4];
        kC(ex)[i] = "NOQ"[rng() % 3];
    }
    const char *names[] = { "time", "sym", "price", "size", "stop", "cond", "ex" };
    K cols = ktn(KS, 7);
    for (int i = 0; i < 7; i++) kS(cols)[i] = ss(names[i]);
    return xT(xD(cols, knk(7, time, sym, price, size, stop, cond, ex)));
}

static S *sort_syms;
static int cmp_rows(const void *a, const void *b)
{
    J x = *(const J *)a, y = *(const J *)b;
    int c = strcmp(sort_syms[x], sort_syms[y]);
    return c ? c : (x > y) - (x < y);
}

/* A copy of trade with rows ordered by sym, then arrival. */
static K sort_by_sym(K trade)
{
    K cols = kK(trade->k)[1];
    J n = k_count(trade);
    J *order = malloc((size_t)n * sizeof(J));
    for (J i = 0; i < n; i++) order[i] = i;
    sort_syms = kS(kK(cols)[1]);
    qsort(order, (size_t)n, sizeof(J), cmp_rows);
    K out = ktn(0, cols->n);
    for (J c = 0; c < cols->n; c++) {
        K src = kK(cols)[c];
        int w = k_item_size(src->t);
        K dst = ktn(src->t, n);
        for (J i = 0; i < n; i++) memcpy(kG(dst) + i * w, kG(src) + order[i] * w, (size_t)w);
        kK(out)[c] = dst;
    }
    free(order);
    return xT(xD(r1(kK(trade->k)[0]), out));
}

/* Best-of-N seconds of one operation. */
#define BEST_OF(seconds, body) do {                                  \
        seconds = 1e9;                                               \
        for (int rep_ = 0; rep_ < BENCH_REPEATS; rep_++) {           \
            double t0_ = now_s();                                    \
            body;                                                    \
            double dt_ = now_s() - t0_;                              \
            if (dt_ < seconds) seconds = dt_;                        \
        }                                                            \
    } while (0)

static void report(const char *what, double bytes, double seconds, double memcpy_seconds)
{
    double mbs = bytes / seconds / 1e6;
    printf("  %-34s %9.1f MB/s  %8.2f ms", what, mbs, seconds * 1e3);
    if (memcpy_seconds > 0) printf("  %5.2fx memcpy", memcpy_seconds / seconds);
    printf("\n");
}

static void bench_value(const char *label, K x)
{
    K err = NULL;
    J body = ser_body_size(x, SER_MAX_CAPABILITY, &err);
    G *out = malloc((size_t)body), *copy = malloc((size_t)body);
    memset(out, 1, (size_t)body);
    memset(copy, 1, (size_t)body);
    double t_memcpy, t_ser, t_de;
    BEST_OF(t_memcpy, memcpy(copy, out, (size_t)body));
    BEST_OF(t_ser, ser_body_write(x, out));
    char text[SER_ERR_BYTES];
    K back = NULL;
    BEST_OF(t_de, { r0(back); back = ser_decode(out, body, 1, 0, text); });
    printf("%s: %.1f MB serialised\n", label, (double)body / 1e6);
    report("memcpy (baseline)", (double)body, t_memcpy, 0);
    report("serialise", (double)body, t_ser, t_memcpy);
    report("deserialise", (double)body, t_de, t_memcpy);
    if (!back || !k_match(back, x)) printf("  ERROR: round trip differs\n");
    r0(back);
    free(out);
    free(copy);
}

static void bench_compression(const char *label, K trade)
{
    K msg = ser_encode(trade, SER_ASYNC, SER_MAX_CAPABILITY, 0);
    size_t n = (size_t)msg->n;
    G *packed = malloc(n / 2 + 16);
    size_t packed_n = 0;
    double t_c, t_d;
    BEST_OF(t_c, packed_n = compress_msg(kG(msg), n, packed));
    printf("compression of %s (%.1f MB):\n", label, (double)n / 1e6);
    if (!packed_n) {
        printf("  abandoned: does not halve, so it is sent plain (decided in %.2f ms)\n", t_c * 1e3);
        free(packed);
        r0(msg);
        return;
    }
    G *plain = malloc(n);
    const char *why = NULL;
    int rc = 0;
    BEST_OF(t_d, rc = decompress_msg(packed, packed_n, plain, (int64_t)n, &why));
    report("compress (input bytes)", (double)n, t_c, 0);
    report("decompress (output bytes)", (double)n, t_d, 0);
    printf("  ratio %.2f (%zu -> %zu bytes)%s\n", (double)n / (double)packed_n, n, packed_n,
           rc || memcmp(plain, kG(msg), n) ? "  ERROR: decompression differs" : "");
    free(plain);
    free(packed);
    r0(msg);
}

int main(void)
{
    tk_mem_init();   /* as every daemon does: freed memory is reused warm */
    printf("bench/ser: best of %d runs each\n", BENCH_REPEATS);
    K trade = make_trade(BENCH_ROWS);
    bench_value("trade table, 1M rows (time sym price size stop cond ex)", trade);
    K longs = ktn(KJ, BENCH_LONGS);
    for (J i = 0; i < BENCH_LONGS; i++) kJ(longs)[i] = (J)rng();
    bench_value("long vector, 10M items", longs);
    bench_compression("the serialised trade table, arrival order", trade);
    K by_sym = sort_by_sym(trade);
    bench_compression("the same table sorted by sym (an HDB partition's order)", by_sym);
    r0(by_sym);
    K quiet = make_quiet_trade(BENCH_ROWS);
    bench_compression("a quiet 1M-row feed (time sym price size, 8 tickers)", quiet);
    r0(quiet);
    /* Per column: which parts of a trade table halve, and how fast when they do. */
    K names = kK(trade->k)[0], cols = kK(trade->k)[1];
    for (J c = 0; c < cols->n; c++) {
        char label[64];
        snprintf(label, sizeof label, "the %s column alone", kS(names)[c]);
        bench_compression(label, kK(cols)[c]);
    }
    r0(longs);
    r0(trade);
    tk_sym_fini();
    return 0;
}
