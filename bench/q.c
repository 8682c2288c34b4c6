/* bench/q.c: interpreter figures against plain C in the same run: x+y on 10M longs and
 * sum x*y on 10M floats; per-call overhead of {x+1}/ and {x*2} each; parse+evaluate of a
 * 100-character query. Prints figures (best of several runs); asserts nothing.
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench_util.h"
#include "k.h"
#include "q.h"
#include "qnative.h"

#define BENCH_N 10000000
#define BENCH_REPEATS 7
#define BENCH_CALLS 1000000
#define BENCH_QUERY_REPEATS 20000
#define BENCH_NS_PER_S 1e9
#define BENCH_US_PER_S 1e6

/* Best time of BENCH_REPEATS evaluations of src. */
static double time_q(const char *src)
{
    double best = 1e30;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        double t0 = now_s();
        K v = q_eval(src, (J)strlen(src));
        double t = now_s() - t0;
        if (v->t == KERR) { printf("  %s: error '%s\n", src, v->s); r0(v); return -1; }
        r0(v);
        if (t < best) best = t;
    }
    return best;
}

static double time_c_add(K x, K y)
{
    double best = 1e30;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        double t0 = now_s();
        K z = ktn(KJ, x->n);
        const J *a = kJ(x), *b = kJ(y);
        J *p = kJ(z);
        for (J i = 0, n = x->n; i < n; i++) p[i] = a[i] + b[i];
        double t = now_s() - t0;
        r0(z);
        if (t < best) best = t;
    }
    return best;
}

static volatile double bench_sink;

static double time_c_dot(K x, K y)
{
    double best = 1e30;
    for (int r = 0; r < BENCH_REPEATS; r++) {
        double t0 = now_s();
        K z = ktn(KF, x->n);
        const F *a = kF(x), *b = kF(y);
        F *p = kF(z), s = 0;
        for (J i = 0, n = x->n; i < n; i++) p[i] = a[i] * b[i];
        for (J i = 0, n = x->n; i < n; i++) s += p[i];
        bench_sink = s;
        double t = now_s() - t0;
        r0(z);
        if (t < best) best = t;
    }
    return best;
}

int main(void)
{
    tk_mem_init();
    if (q_init()) return 1;
    K x = ktn(KJ, BENCH_N), y = ktn(KJ, BENCH_N), fx = ktn(KF, BENCH_N), fy = ktn(KF, BENCH_N);
    for (J i = 0; i < BENCH_N; i++) {
        kJ(x)[i] = i % 1000;
        kJ(y)[i] = i % 777;
        kF(fx)[i] = (F)(i % 1000) * 0.5;
        kF(fy)[i] = (F)(i % 777) * 0.25;
    }
    q_global_set("x", r1(x));
    q_global_set("y", r1(y));
    q_global_set("fx", r1(fx));
    q_global_set("fy", r1(fy));

    double qa = time_q("x+y"), ca = time_c_add(x, y);
    printf("x+y, 10M longs:        q %8.2f ms   C %8.2f ms   ratio %.2f\n", qa * 1e3, ca * 1e3, qa / ca);
    double qd = time_q("sum fx*fy"), cd = time_c_dot(fx, fy);
    printf("sum x*y, 10M floats:   q %8.2f ms   C %8.2f ms   ratio %.2f\n", qd * 1e3, cd * 1e3, qd / cd);

    double over = time_q("{x+1}/[1000000;0]");
    printf("{x+1}/[1000000;0]:     %8.1f ns/iteration\n", over * BENCH_NS_PER_S / BENCH_CALLS);
    double each = time_q("{x*2} each til 1000000");
    printf("{x*2} each til 1e6:    %8.1f ns/iteration\n", each * BENCH_NS_PER_S / BENCH_CALLS);

    const char *query = "{[a;b] s:a+b*2; m:max s; $[m>10;sum s where s>3;avg s]}[1 2 3 4 5 6 7 8;10 20 30 40 50 60 70 80]";
    double t0 = now_s();
    for (int i = 0; i < BENCH_QUERY_REPEATS; i++) {
        K v = q_eval(query, (J)strlen(query));
        r0(v);
    }
    double tq = (now_s() - t0) / BENCH_QUERY_REPEATS;
    printf("parse+eval %zu chars:  %8.2f us\n", strlen(query), tq * BENCH_US_PER_S);

    r0(x); r0(y); r0(fx); r0(fy);
    q_fini();
    return 0;
}
