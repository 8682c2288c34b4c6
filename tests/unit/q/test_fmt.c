/* test_fmt.c: the console display (q-subset.md §3.20) of values built in C: atoms of
 * every type, nulls and infinities, vectors, lists, dictionaries, tables, keyed tables,
 * functions and errors; also the single-line form and `string`.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

/* Compare the display of x with want. Ownership: consumes x. */
#define DISP(x, want) check_text(fmt_display, (x), (want), __LINE__)
#define LINE(x, want) check_text(fmt_line, (x), (want), __LINE__)

static void check_text(K (*f)(K), K x, const char *want, int line)
{
    ck_assert_msg(x != NULL, "line %d: value not built", line);
    K s = f(x);
    ck_assert_int_eq(s->t, KC);
    ck_assert_msg((size_t)s->n == strlen(want) && memcmp(kC(s), want, (size_t)s->n) == 0,
                  "line %d: got [%.*s] want [%s]", line, (int)s->n, (char *)kC(s), want);
    r0(s);
    r0(x);
}

/* Vectors from C arguments. */
/* The single-line form of `string x`. Ownership: consumes x. */
static K string_of(K x)
{
    K s = fmt_string(x);
    r0(x);
    return s;
}

static K vj(int n, ...)
{
    K x = ktn(KJ, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) kJ(x)[i] = va_arg(ap, J);
    va_end(ap);
    return x;
}

static K vt(int type, int n, ...)  /* 4-byte types */
{
    K x = ktn(type, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) kI(x)[i] = va_arg(ap, I);
    va_end(ap);
    return x;
}

static K vf(int n, ...)
{
    K x = ktn(KF, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) kF(x)[i] = va_arg(ap, F);
    va_end(ap);
    return x;
}

static K vs(int n, ...)
{
    K x = ktn(KS, n);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) kS(x)[i] = ss(va_arg(ap, const char *));
    va_end(ap);
    return x;
}

static K table2(const char *a, K ca, const char *b, K cb)
{
    return xT(xD(vs(2, a, b), knk(2, ca, cb)));
}

START_TEST(integral_atoms)
{
    DISP(kj(42), "42");
    DISP(kj(-7), "-7");
    DISP(ki(42), "42i");
    DISP(kh(42), "42h");
    DISP(kb(1), "1b");
    DISP(kg(0x2a), "0x2a");
    DISP(kj(nj), "0N");
    DISP(kj(wj), "0W");
    DISP(kj(-wj), "-0W");
    DISP(ki(ni), "0Ni");
    DISP(ki(wi), "0Wi");
    DISP(ki(-wi), "-0Wi");
    DISP(kh(nh), "0Nh");
    DISP(kh(wh), "32767h");  /* §7 N008: short infinity has no display of its own */
}
END_TEST

START_TEST(float_atoms)
{
    DISP(kf(4.2), "4.2");
    DISP(kf(1.0), "1f");
    DISP(kf(1000), "1000f");
    DISP(kf(1.0 / 3), "0.3333333");
    DISP(kf(2.0 / 3), "0.6666667");
    DISP(kf(100.0 / 3), "33.33333");
    DISP(kf(1e10), "1e+10");
    DISP(kf(123456789), "1.234568e+08");
    DISP(kf(0.0001), "0.0001");
    DISP(kf(0.00001), "1e-05");
    DISP(kf(nf), "0n");
    DISP(kf(wf), "0w");
    DISP(kf(-wf), "-0w");
    DISP(ke(3.14), "3.14e");
    DISP(ke(1), "1e");
    DISP(ke(nf), "0Ne");
    int old = fmt_precision_set(3);
    DISP(kf(1.0 / 3), "0.333");
    ck_assert_int_eq(fmt_precision_set(old), 3);
}
END_TEST

START_TEST(text_atoms)
{
    DISP(kc('a'), "\"a\"");
    DISP(kc('"'), "\"\\\"\"");
    DISP(ks("abc"), "`abc");
    DISP(ks(""), "`");
    DISP(kp("abc"), "\"abc\"");
    DISP(kp(""), "\"\"");
    DISP(kp("a\"b\\\n\t\r\001"), "\"a\\\"b\\\\\\n\\t\\r\\001\"");
    DISP(kp("Z\xc3\xbcrich"), "\"Z\xc3\xbcrich\"");
    U g = {{0}};
    DISP(ku(g), "00000000-0000-0000-0000-000000000000");
    for (int i = 0; i < 16; i++) g.g[i] = (G)(0x10 * (i % 16) + i);
    DISP(ku(g), "00112233-4455-6677-8899-aabbccddeeff");
}
END_TEST

START_TEST(temporal_atoms)
{
    DISP(kd(ymd(2026, 11, 27)), "2026.11.27");
    DISP(kd(ymd(1999, 12, 31)), "1999.12.31");
    DISP(kd(ni), "0Nd");
    DISP(kd(wi), "0Wd");
    K m = ka(-KM); m->i = 26 * 12 + 10; DISP(m, "2026.11m");
    m = ka(-KM); m->i = -1; DISP(m, "1999.12m");
    m = ka(-KM); m->i = ni; DISP(m, "0Nm");
    J noon = 12LL * 3600 * 1000000000LL;
    DISP(ktj(-KP, ymd(2026, 11, 27) * K_NS_PER_DAY + noon), "2026.11.27D12:00:00.000000000");
    DISP(ktj(-KP, -1), "1999.12.31D23:59:59.999999999");
    DISP(ktj(-KP, nj), "0Np");
    DISP(ktj(-KN, noon), "0D12:00:00.000000000");
    DISP(ktj(-KN, -1000000000LL), "-0D00:00:01.000000000");
    DISP(ktj(-KN, K_NS_PER_DAY + 2 * 3600 * 1000000000LL), "1D02:00:00.000000000");
    DISP(ktj(-KN, nj), "0Nn");
    DISP(kt(9 * 3600000 + 30 * 60000), "09:30:00.000");
    DISP(kt(ni), "0Nt");
    K u = ka(-KU); u->i = 9 * 60 + 30; DISP(u, "09:30");
    u = ka(-KU); u->i = ni; DISP(u, "0Nu");
    K v = ka(-KV); v->i = 12 * 3600 + 34 * 60 + 56; DISP(v, "12:34:56");
    v = ka(-KV); v->i = ni; DISP(v, "0Nv");
    DISP(kz(ymd(2026, 11, 27) + 0.5), "2026.11.27T12:00:00.000");
    DISP(kz(nf), "0Nz");
    DISP(kz(wf), "0wz");
}
END_TEST

START_TEST(vectors)
{
    DISP(vj(3, 1LL, 2LL, 3LL), "1 2 3");
    DISP(vj(3, 1LL, nj, -wj), "1 0N -0W");
    DISP(vt(KI, 3, 1, 2, 3), "1 2 3i");
    DISP(vt(KI, 2, ni, wi), "0N 0Wi");
    K h = ktn(KH, 3); kH(h)[0] = 1; kH(h)[1] = nh; kH(h)[2] = 3; DISP(h, "1 0N 3h");
    K b = ktn(KB, 3); kG(b)[0] = 1; kG(b)[1] = 0; kG(b)[2] = 1; DISP(b, "101b");
    K x = ktn(KG, 3); kG(x)[0] = 1; kG(x)[1] = 2; kG(x)[2] = 0xff; DISP(x, "0x0102ff");
    DISP(vf(3, 1.0, 2.0, 3.0), "1 2 3f");
    DISP(vf(2, 1.0, 2.5), "1 2.5");
    DISP(vf(2, 1.0, nf), "1 0n");
    DISP(vf(2, 1.0, -wf), "1 -0w");
    K e = ktn(KE, 2); kE(e)[0] = 1; kE(e)[1] = 2.5f; DISP(e, "1 2.5e");
    DISP(vs(3, "a", "b", "c"), "`a`b`c");
    DISP(vs(3, "a", "", "c"), "`a``c");
    DISP(vt(KD, 2, ymd(2026, 1, 1), ymd(2026, 1, 2)), "2026.01.01 2026.01.02");
    DISP(vt(KM, 2, 26 * 12 + 10, 26 * 12 + 11), "2026.11 2026.12m");
    DISP(vt(KU, 2, 9 * 60 + 30, 10 * 60), "09:30 10:00");
    DISP(vt(KD, 2, ymd(2026, 1, 1), ni), "2026.01.01 0N");
    DISP(vt(KD, 2, ni, ni), "0N 0Nd");
}
END_TEST

START_TEST(short_and_empty_vectors)
{
    DISP(vj(1, 1LL), ",1");
    DISP(kp("a"), ",\"a\"");
    DISP(vs(1, "a"), ",`a");
    K b = ktn(KB, 1); kG(b)[0] = 1; DISP(b, ",1b");
    DISP(vf(1, 1.0), ",1f");
    DISP(ktn(KJ, 0), "`long$()");
    DISP(ktn(KS, 0), "`symbol$()");
    DISP(ktn(KF, 0), "`float$()");
    DISP(ktn(KB, 0), "`boolean$()");
    DISP(ktn(KN, 0), "`timespan$()");
    DISP(ktn(KP, 0), "`timestamp$()");
    DISP(ktn(KC, 0), "\"\"");
    DISP(ktn(0, 0), "()");
    K s = vj(3, 1LL, 2LL, 3LL); s->a = K_ATTR_SORTED; DISP(s, "`s#1 2 3");
    K g = ktn(KS, 0); g->a = K_ATTR_GROUPED; DISP(g, "`g#`symbol$()");
}
END_TEST

START_TEST(general_lists)
{
    DISP(knk(3, kj(1), ks("a"), kp("abc")), "1\n`a\n\"abc\"");
    DISP(knk(2, vj(2, 1LL, 2LL), vj(2, 3LL, 4LL)), "1 2\n3 4");
    DISP(knk(2, vj(2, 1LL, 10LL), vj(2, 100LL, 4LL)), "1   10\n100 4 ");
    DISP(knk(2, kp("ab"), kp("cd")), "\"ab\"\n\"cd\"");
    DISP(knk(2, vs(2, "a", "b"), vs(2, "c", "d")), "a b\nc d");
    DISP(knk(2, vj(1, 1LL), vj(2, 2LL, 3LL)), ",1\n2 3");
    DISP(knk(1, vj(2, 1LL, 2LL)), ",1 2");
    DISP(knk(1, knk(1, kj(1))), ",,1");
    DISP(knk(2, knk(2, kj(1), vs(2, "x", "z")), knk(2, kj(2), vs(1, "y"))),
         "(1;`x`z)\n(2;,`y)");  /* §7 S138: general-list items are not a matrix */
    DISP(knk(2, vj(2, 1LL, 2LL), vs(2, "a", "b")), "1 2\na b");
    DISP(knk(3, kp("abc"), ks("ibm"), ktn(KJ, 0)), "\"abc\"\n`ibm\n`long$()");
    LINE(knk(3, kj(1), ks("a"), kp("abc")), "(1;`a;\"abc\")");
    LINE(knk(2, knk(0), k_identity()), "(();::)");
}
END_TEST

START_TEST(dictionaries)
{
    DISP(xD(vs(2, "a", "bb"), vj(2, 1LL, 2LL)), "a | 1\nbb| 2");
    DISP(xD(vs(2, "a", "b"), knk(2, vj(2, 1LL, 2LL), kp("xy"))), "a| 1 2\nb| x y");
    DISP(xD(vs(2, "a", "b"), knk(2, kj(1), ks("x"))), "a| 1\nb| `x");
    DISP(xD(vs(3, "sym", "price", "size"), knk(3, ks("b"), kf(20), kj(3))),
         "sym  | `b\nprice| 20f\nsize | 3");
    DISP(xD(vs(2, "a", "b"), vf(2, 1.5, nf)), "a| 1.5\nb| ");
    LINE(xD(vs(2, "a", "b"), vj(2, 1LL, 2LL)), "`a`b!1 2");
    LINE(xD(vs(1, "a"), vj(1, 1LL)), "(,`a)!,1");
}
END_TEST

START_TEST(tables)
{
    K t = xT(xD(vs(3, "sym", "px", "n"),
                knk(3, vs(2, "a", "bb"), vf(2, 1.5, 2.0), vj(2, 1LL, nj))));
    DISP(t, "sym px  n\n---------\na   1.5 1\nbb  2    ");
    DISP(table2("sym", vs(1, "aapl"), "price", vj(1, 100LL)),
         "sym  price\n----------\naapl 100  ");
    DISP(table2("a", ktn(KJ, 0), "b", ktn(KS, 0)), "a b\n---");
    DISP(table2("s", knk(2, kp("ab"), vj(1, 2LL)), "c", kp("xy")),
         "s    c\n------\n\"ab\" x\n,2   y");
    LINE(table2("a", vj(2, 1LL, 2LL), "b", vs(2, "x", "y")), "+`a`b!(1 2;`x`y)");
}
END_TEST

START_TEST(keyed_tables)
{
    K k = xT(xD(vs(1, "sym"), knk(1, vs(2, "a", "b"))));
    K v = xT(xD(vs(1, "px"), knk(1, vf(2, 1.5, 2.0))));
    DISP(xD(k, v), "sym| px \n---| ---\na  | 1.5\nb  | 2  ");
}
END_TEST

START_TEST(functions_and_errors)
{
    DISP(k_lambda(kp("{x+y}"), ""), "{x+y}");
    DISP(k_lambda(kp("{[a;b] a+b}"), "d"), "{[a;b] a+b}");
    DISP(k_prim(K_BINARY, 1), "+");
    DISP(k_prim(K_BINARY, 0), ":");
    DISP(k_prim(K_ITERATOR, 4), "/:");
    DISP(k_identity(), "");
    LINE(k_identity(), "::");
    K p = k_func(K_PROJECTION, 2);
    kK(p)[0] = k_lambda(kp("{x+y}"), "");
    kK(p)[1] = kj(1);
    DISP(p, "{x+y}[1]");
    p = k_func(K_PROJECTION, 4);
    kK(p)[0] = k_lambda(kp("{x+y+z}"), "");
    kK(p)[1] = kj(1);
    kK(p)[2] = k_prim(K_UNARY, 255);  /* the evaluator's elided-argument marker */
    kK(p)[3] = kj(3);
    DISP(p, "{x+y+z}[1;;3]");
    K d = k_func(K_OVER, 1);
    kK(d)[0] = k_prim(K_BINARY, 1);
    DISP(d, "+/");
    DISP(krr("type"), "'type");
    DISP(krr("foo"), "'foo");
}
END_TEST

START_TEST(string_keyword)
{
    LINE(string_of(ki(42)), "\"42\"");
    LINE(string_of(kj(nj)), "\"\"");
    LINE(string_of(ks("abc")), "\"abc\"");
    LINE(string_of(kd(ymd(2026, 11, 27))), "\"2026.11.27\"");
    LINE(string_of(kf(2)), ",\"2\"");
    LINE(string_of(vs(2, "ab", "c")), "(\"ab\";,\"c\")");
    LINE(string_of(kp("ab")), "(,\"a\";,\"b\")");
    LINE(string_of(k_lambda(kp("{x*x}"), "")), "\"{x*x}\"");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fmt");
    TCase *tc = tcase_create("display");
    tcase_add_test(tc, integral_atoms);
    tcase_add_test(tc, float_atoms);
    tcase_add_test(tc, text_atoms);
    tcase_add_test(tc, temporal_atoms);
    tcase_add_test(tc, vectors);
    tcase_add_test(tc, short_and_empty_vectors);
    tcase_add_test(tc, general_lists);
    tcase_add_test(tc, dictionaries);
    tcase_add_test(tc, tables);
    tcase_add_test(tc, keyed_tables);
    tcase_add_test(tc, functions_and_errors);
    tcase_add_test(tc, string_keyword);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    tk_sym_fini();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
