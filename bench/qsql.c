/* bench/qsql.c: qSQL through the interpreter against hand-written C loops over the same
 * columns, in the same run: a 10M-row in-memory trade table with 100 syms, the queries
 * of issue 5, and aj of 1M trades against 10M quotes. Also the table's bytes per row
 * against its raw column bytes. Prints figures; asserts nothing.
 * Usage: bench_qsql [rows] (default 10M).
 * SPDX-License-Identifier: MIT */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "q.h"
#include "qnative.h"

#define BENCH_ROWS 10000000
#define BENCH_SYMS 100
#define BENCH_REPEATS 3
#define BENCH_NS_PER_MIN 60000000000LL
#define BENCH_MINUTES_PER_DAY 1440
#define BENCH_K_HEADER_BYTES 16   /* k0 fields before the items */
#define BENCH_BOX_BYTES 16        /* the hidden capacity box (design-notes.md) */

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec * 1e-6;
}

static S universe[BENCH_SYMS];

/* ([]time:`timespan$();sym:`symbol$();price:`float$();size:`long$()) in time order. */
static K make_trades(J n, J step)
{
    K time = ktn(KN, n), sym = ktn(KS, n), price = ktn(KF, n), size = ktn(KJ, n);
    J t = 34200000000000LL;
    for (J i = 0; i < n; i++) {
        t += (J)(rng() % (uint64_t)step);
        kJ(time)[i] = t;
        kS(sym)[i] = universe[rng() % BENCH_SYMS];
        kF(price)[i] = 100.0 + (double)(rng() % 10000) / 100;
        kJ(size)[i] = (J)(rng() % 100 + 1) * 100;
    }
    K cols = ktn(KS, 4);
    kS(cols)[0] = ss("time"); kS(cols)[1] = ss("sym"); kS(cols)[2] = ss("price"); kS(cols)[3] = ss("size");
    return xT(xD(cols, knk(4, time, sym, price, size)));
}

static K col(K t, int i) { return kK(kK(t->k)[1])[i]; }

/* Sym → 0..99 for the C loops: the same job (a hash of the symbol pointer) that the
 * interpreter's grouping does, with a table sized for 100 keys. */
#define SYMTAB 256
static S symtab_key[SYMTAB];
static int symtab_val[SYMTAB];
static inline int sym_id(S s)
{
    unsigned h = (unsigned)(((uintptr_t)s * 0x9E3779B97F4A7C15ULL) >> 56);
    while (symtab_key[h] != s) {
        if (!symtab_key[h]) return -1;
        h = (h + 1) & (SYMTAB - 1);
    }
    return symtab_val[h];
}
static void symtab_init(void)
{
    for (int i = 0; i < BENCH_SYMS; i++) {
        unsigned h = (unsigned)(((uintptr_t)universe[i] * 0x9E3779B97F4A7C15ULL) >> 56);
        while (symtab_key[h]) h = (h + 1) & (SYMTAB - 1);
        symtab_key[h] = universe[i];
        symtab_val[h] = i;
    }
}

static volatile double sink;

static double time_q(const char *src)
{
    double best = 1e30;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        double t0 = now_ms();
        K v = q_eval(src, (J)strlen(src));
        double ms = now_ms() - t0;
        if (v->t == KERR) { printf("  error '%s in %s\n", v->s, src); r0(v); return -1; }
        r0(v);
        if (ms < best) best = ms;
    }
    return best;
}

typedef void (*c_query)(K t);

static double time_c(c_query f, K t)
{
    double best = 1e30;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        double t0 = now_ms();
        f(t);
        double ms = now_ms() - t0;
        if (ms < best) best = ms;
    }
    return best;
}

static void c_count_by_sym(K t)
{
    J n = col(t, 1)->n, count[BENCH_SYMS] = { 0 };
    const S *s = kS(col(t, 1));
    for (J i = 0; i < n; i++) count[sym_id(s[i])]++;
    sink = (double)count[0];
}

static void c_sum_by_sym(K t)
{
    J n = col(t, 1)->n, sum[BENCH_SYMS] = { 0 };
    const S *s = kS(col(t, 1));
    const J *z = kJ(col(t, 3));
    for (J i = 0; i < n; i++) sum[sym_id(s[i])] += z[i];
    sink = (double)sum[0];
}

static void c_avg_where_in(K t)
{
    J n = col(t, 1)->n, cnt[3] = { 0 };
    double sum[3] = { 0 };
    const S *s = kS(col(t, 1));
    const F *p = kF(col(t, 2));
    for (J i = 0; i < n; i++) {
        int k = s[i] == universe[0] ? 0 : s[i] == universe[1] ? 1 : s[i] == universe[2] ? 2 : -1;
        if (k >= 0) { sum[k] += p[i]; cnt[k]++; }
    }
    sink = sum[0] / (double)cnt[0];
}

static void c_max_price(K t)
{
    J n = col(t, 2)->n;
    const F *p = kF(col(t, 2));
    double m = -INFINITY;
    for (J i = 0; i < n; i++) if (p[i] > m) m = p[i];
    sink = m;
}

static void c_vwap(K t)
{
    J n = col(t, 1)->n;
    double num[BENCH_SYMS] = { 0 }, den[BENCH_SYMS] = { 0 };
    const S *s = kS(col(t, 1));
    const F *p = kF(col(t, 2));
    const J *z = kJ(col(t, 3));
    for (J i = 0; i < n; i++) {
        int k = sym_id(s[i]);
        num[k] += (double)z[i] * p[i];
        den[k] += (double)z[i];
    }
    sink = num[0] / den[0];
}

static void c_bars(K t)
{
    J n = col(t, 1)->n;
    static double first[BENCH_MINUTES_PER_DAY], hi[BENCH_MINUTES_PER_DAY], lo[BENCH_MINUTES_PER_DAY],
        last[BENCH_MINUTES_PER_DAY];
    static J vol[BENCH_MINUTES_PER_DAY];
    static char seen[BENCH_MINUTES_PER_DAY];
    memset(seen, 0, sizeof seen);
    const J *tm = kJ(col(t, 0));
    const S *s = kS(col(t, 1));
    const F *p = kF(col(t, 2));
    const J *z = kJ(col(t, 3));
    for (J i = 0; i < n; i++) {
        if (s[i] != universe[0]) continue;
        J m = (tm[i] / BENCH_NS_PER_MIN) % BENCH_MINUTES_PER_DAY;
        if (!seen[m]) { seen[m] = 1; first[m] = hi[m] = lo[m] = p[i]; vol[m] = 0; }
        if (p[i] > hi[m]) hi[m] = p[i];
        if (p[i] < lo[m]) lo[m] = p[i];
        last[m] = p[i];
        vol[m] += z[i];
    }
    sink = first[0] + hi[0] + lo[0] + last[0] + (double)vol[0];
}

static K aj_trades, aj_quotes;

/* aj by hand: quotes bucketed by sym (counting sort, time order kept), then a binary
 * search per trade. */
static void c_aj(K t)
{
    (void)t;
    J nq = col(aj_quotes, 1)->n, nt = col(aj_trades, 1)->n;
    const S *qs = kS(col(aj_quotes, 1)), *ts = kS(col(aj_trades, 1));
    const J *qt = kJ(col(aj_quotes, 0)), *tt = kJ(col(aj_trades, 0));
    const F *qp = kF(col(aj_quotes, 2));
    J start[BENCH_SYMS + 1] = { 0 }, fill[BENCH_SYMS];
    J *perm = malloc((size_t)nq * sizeof(J)), *times = malloc((size_t)nq * sizeof(J));
    int *ids = malloc((size_t)nq * sizeof(int));
    for (J i = 0; i < nq; i++) { ids[i] = sym_id(qs[i]); start[ids[i] + 1]++; }
    for (int k = 0; k < BENCH_SYMS; k++) start[k + 1] += start[k];
    memcpy(fill, start, sizeof fill);
    for (J i = 0; i < nq; i++) { J at = fill[ids[i]]++; perm[at] = i; times[at] = qt[i]; }
    F *out = malloc((size_t)nt * sizeof(F));
    for (J i = 0; i < nt; i++) {
        int k = sym_id(ts[i]);
        J lo = start[k], hi = start[k + 1];
        while (lo < hi) { J mid = lo + (hi - lo) / 2; if (times[mid] <= tt[i]) lo = mid + 1; else hi = mid; }
        out[i] = lo > start[k] ? qp[perm[lo - 1]] : NAN;
    }
    sink = out[nt - 1];
    free(perm); free(times); free(ids); free(out);
}

/* Bytes the table's column vectors occupy (header, box and capacity) per row. */
static void report_bytes(K t, J rows)
{
    K cols = kK(t->k)[1];
    double held = 0, raw = 0;
    for (J c = 0; c < cols->n; c++) {
        K v = kK(cols)[c];
        held += (double)(k_capacity(v) * 8 + BENCH_K_HEADER_BYTES + BENCH_BOX_BYTES);
        raw += (double)(v->n * 8);
    }
    printf("table bytes/row %.2f, raw column bytes/row %.2f, ratio %.4f\n", held / (double)rows,
           raw / (double)rows, held / raw);
}

int main(int argc, char **argv)
{
    tk_mem_init();
    J rows = argc > 1 ? atoll(argv[1]) : BENCH_ROWS;
    if (q_init()) return 1;
    for (int i = 0; i < BENCH_SYMS; i++) {
        char name[8];
        if (i < 3) snprintf(name, sizeof name, "%c", 'A' + i);
        else snprintf(name, sizeof name, "S%03d", i);
        universe[i] = ss(name);
    }
    symtab_init();
    K trade = make_trades(rows, 2048);
    q_global_set("trade", r1(trade));
    aj_trades = make_trades(rows / 10, 20480);
    aj_quotes = make_trades(rows, 2048);
    q_global_set("ajt", r1(aj_trades));
    q_global_set("ajq", r1(aj_quotes));
    report_bytes(trade, rows);
    struct { const char *q; c_query c; } queries[] = {
        { "select count i by sym from trade", c_count_by_sym },
        { "select sum size by sym from trade", c_sum_by_sym },
        { "select avg price by sym from trade where sym in `A`B`C", c_avg_where_in },
        { "exec max price from trade", c_max_price },
        { "select vwap:size wavg price by sym from trade", c_vwap },
        { "select first price, max price, min price, last price, sum size by 1 xbar time.minute "
          "from trade where sym=`A", c_bars },
        { "aj[`sym`time;ajt;ajq]", c_aj },
    };
    printf("%-100s %10s %10s %7s\n", "query", "q ms", "C ms", "ratio");
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        double qms = time_q(queries[i].q);
        double cms = time_c(queries[i].c, trade);
        printf("%-100s %10.1f %10.1f %7.2f\n", queries[i].q, qms, cms, qms / cms);
    }
    r0(trade); r0(aj_trades); r0(aj_quotes);
    q_fini();
    return 0;
}
