/* q_check.h: helpers for the interpreter's unit tests: evaluate text and compare with a
 * value built in C (k_match), or with an error name. Display is not used.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_Q_CHECK_H
#define TICK_Q_CHECK_H

#include <check.h>
#include <stdarg.h>
#include <string.h>

#include "k.h"
#include "q.h"

static void q_setup(void) { ck_assert_int_eq(q_init(), 0); }
static void q_teardown(void) { q_fini(); }

/* src must evaluate to want. Ownership: want consumed. */
static void q_expect_at(const char *file, int line, const char *src, K want)
{
    K got = q_eval(src, (J)strlen(src));
    ck_assert_msg(got->t != KERR, "%s:%d: %s gave error '%s", file, line, src,
                  got->t == KERR ? got->s : "");
    ck_assert_msg(k_match(got, want), "%s:%d: %s: got type %d count %lld, want type %d count %lld",
                  file, line, src, got->t, (long long)k_count(got), want->t, (long long)k_count(want));
    r0(got);
    r0(want);
}
#define q_expect(src, want) q_expect_at(__FILE__, __LINE__, src, want)

/* src must fail with error text err. */
static void q_expect_err_at(const char *file, int line, const char *src, const char *err)
{
    K got = q_eval(src, (J)strlen(src));
    ck_assert_msg(got->t == KERR, "%s:%d: %s: expected '%s, got type %d", file, line, src, err, got->t);
    ck_assert_msg(!strcmp(got->s, err), "%s:%d: %s: expected '%s, got '%s", file, line, src, err, got->s);
    r0(got);
}
#define q_expect_err(src, err) q_expect_err_at(__FILE__, __LINE__, src, err)

/* Vectors built from C varargs. */
static inline K q_longs(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    K v = ktn(KJ, n);
    for (int i = 0; i < n; i++) kJ(v)[i] = va_arg(ap, J);
    va_end(ap);
    return v;
}

static inline K q_floats(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    K v = ktn(KF, n);
    for (int i = 0; i < n; i++) kF(v)[i] = va_arg(ap, F);
    va_end(ap);
    return v;
}

static inline K q_ints(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    K v = ktn(KI, n);
    for (int i = 0; i < n; i++) kI(v)[i] = va_arg(ap, I);
    va_end(ap);
    return v;
}

static inline K q_syms(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    K v = ktn(KS, n);
    for (int i = 0; i < n; i++) kS(v)[i] = ss(va_arg(ap, const char *));
    va_end(ap);
    return v;
}

/* Boolean vector from "0110". */
static inline K q_bools(const char *bits)
{
    J n = (J)strlen(bits);
    K v = ktn(KB, n);
    for (J i = 0; i < n; i++) kG(v)[i] = (G)(bits[i] == '1');
    return v;
}

static inline K q_typed(int type, J value)
{
    K a = ka(-type);
    if (type == KD || type == KM || type == KU || type == KV || type == KT || type == KI) a->i = (I)value;
    else if (type == KH) a->h = (H)value;
    else a->j = value;
    return a;
}

#endif
