/* test_q_lex.c: the lexer and parser through q_eval/q_parse: literal forms (suffixes,
 * nulls, temporals, strings, symbols, juxtaposition), comments, and syntax errors.
 * SPDX-License-Identifier: MIT */
#include "../check_run.h"
#include "q_check.h"

#include <math.h>

START_TEST(numeric_literals)
{
    q_expect("42", kj(42));
    q_expect("-7", kj(-7));
    q_expect("42j", kj(42));
    q_expect("42i", ki(42));
    q_expect("42h", kh(42));
    q_expect("4.2", kf(4.2));
    q_expect(".5", kf(0.5));
    q_expect("1.", kf(1));
    q_expect("1e3", kf(1000));
    q_expect("1.5e-3", kf(0.0015));
    q_expect("42f", kf(42));
    q_expect("4.2e", ke(4.2));
    q_expect("1e", ke(1));
    q_expect("1b", kb(1));
    q_expect("1011b", q_bools("1011"));
    q_expect("0x2a", kg(0x2a));
    K bytes = ktn(KG, 3);
    kG(bytes)[0] = 1; kG(bytes)[1] = 2; kG(bytes)[2] = 0xff;
    q_expect("0x0102ff", bytes);
}
END_TEST

START_TEST(nulls_and_infinities)
{
    q_expect("0N", kj(nj));
    q_expect("0W", kj(wj));
    q_expect("-0W", kj(-wj));
    q_expect("0Ni", ki(ni));
    q_expect("0Wh", kh(wh));
    K n = q_eval("0n", 2);
    ck_assert(n->t == -KF && isnan(n->f));
    r0(n);
    q_expect("0w", kf(wf));
    q_expect("-0w", kf(-wf));
    q_expect("0Nd", q_typed(KD, ni));
    q_expect("0Np", ktj(-KP, nj));
    q_expect("`", ks(""));
}
END_TEST

START_TEST(vectors_by_juxtaposition)
{
    q_expect("1 2 3", q_longs(3, 1LL, 2LL, 3LL));
    q_expect("1 2.5", q_floats(2, 1.0, 2.5));
    q_expect("1 2 3i", q_ints(3, 1, 2, 3));
    q_expect("1 2 3f", q_floats(3, 1.0, 2.0, 3.0));
    q_expect("1 0N 3", q_longs(3, 1LL, nj, 3LL));
    q_expect("3.5 -1", q_floats(2, 3.5, -1.0));
    q_expect("{x-2} 5 6", q_longs(2, 3LL, 4LL));
    q_expect("x:10 20 30; x -1", kj(nj));  /* x applied to -1: out of range */
    q_expect("x:10 20 30; x-1", q_longs(3, 9LL, 19LL, 29LL));
    q_expect("2- -1", kj(3));
}
END_TEST

START_TEST(temporal_literals)
{
    q_expect("2026.11.27", kd(ymd(2026, 11, 27)));
    q_expect("2026.11m", q_typed(KM, (2026 - 2000) * 12 + 10));
    q_expect("2026.11.27D12:00", ktj(-KP, (J)ymd(2026, 11, 27) * K_NS_PER_DAY + 12LL * 3600000000000LL));
    q_expect("0D00:00:01", ktj(-KN, 1000000000LL));
    q_expect("1D", ktj(-KN, K_NS_PER_DAY));
    q_expect("12:00:00.000000001", ktj(-KN, 12LL * 3600000000000LL + 1));
    q_expect("12:34:56.789", kt(((12 * 60 + 34) * 60 + 56) * 1000 + 789));
    q_expect("12:34:56", q_typed(KV, (12 * 60 + 34) * 60 + 56));
    q_expect("09:30", q_typed(KU, 9 * 60 + 30));
    q_expect_err("2026.02.30", "2026.02.30");
}
END_TEST

/* A final temporal type letter retypes the whole run; a time letter on hh:mm (§2.6, §7
 * L062 L064). */
START_TEST(temporal_suffix_runs)
{
    K months = ktn(KM, 2);
    kI(months)[0] = 26 * 12 + 10;
    kI(months)[1] = 26 * 12 + 11;
    q_expect("2026.11 2026.12m", months);
    K times = ktn(KT, 2);
    kI(times)[0] = (13 * 60 + 30) * 60000;
    kI(times)[1] = 20 * 3600000;
    q_expect("13:30 20:00t", times);
    q_expect("20:00t", kt(20 * 3600000));
    q_expect("-13:30t", kt(-(13 * 60 + 30) * 60000));
    q_expect("12:00v", q_typed(KV, 12 * 3600));
    K reals = ktn(KE, 3);
    kE(reals)[0] = 1;
    kE(reals)[1] = 2.5f;
    kE(reals)[2] = 3;
    q_expect("1 2.5 3e", reals);
    q_expect_err("2026.13 2026.12m", "parse");
}
END_TEST

START_TEST(strings_and_symbols)
{
    q_expect("\"a\"", kc('a'));
    q_expect("\"ab\"", kp("ab"));
    q_expect("\"\"", ktn(KC, 0));
    q_expect("\"a\\nb\\\"\\\\\"", kp("a\nb\"\\"));
    q_expect("\"\\101\"", kc('A'));
    q_expect("count \"2/3\"", kj(3));
    q_expect("`a`b`c", q_syms(3, "a", "b", "c"));
    q_expect("`a``b", q_syms(3, "a", "", "b"));
    q_expect("`:host:5010", ks(":host:5010"));
    q_expect("`:db/2026.11.27/trade", ks(":db/2026.11.27/trade"));
    q_expect_err("\"abc", "\"");
}
END_TEST

START_TEST(comments_and_layout)
{
    q_expect("2+2 / four", kj(4));
    q_expect("/ a comment\n3", kj(3));
    q_expect("a:1\nb:2\na+b", kj(3));
    q_expect("f:{x+\n  y}\nf[1;2]", kj(3));
    q_expect("1+1\n/\nblock\n\\\n5", kj(5));
    q_expect("+/[1 2 3]", kj(6));
}
END_TEST

START_TEST(syntax_errors)
{
    const char *bad[] = { "(1;2", "f[1", "{x+1", ")", "1+]" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        K r = q_eval(bad[i], (J)strlen(bad[i]));
        ck_assert_msg(r->t == KERR, "%s should fail", bad[i]);
        r0(r);
    }
    K deep = ktn(KC, 0);
    for (int i = 0; i < 10000; i++) { G c = '('; ja(&deep, &c); }
    K r = q_eval((const char *)kC(deep), deep->n);
    ck_assert_int_eq(r->t, KERR);
    r0(r);
    r0(deep);
}
END_TEST

START_TEST(parse_trees)
{
    K t = q_parse("1+2", 3);
    ck_assert_int_eq(t->t, 0);
    ck_assert_int_eq(t->n, 3);
    ck_assert_int_eq(kK(t)[0]->t, K_BINARY);
    ck_assert(k_match(kK(t)[1], kK(t)[1]));
    K one = kj(1), two = kj(2);
    ck_assert(k_match(kK(t)[1], one) && k_match(kK(t)[2], two));
    r0(one); r0(two); r0(t);
    t = q_parse("x", 1);
    ck_assert_int_eq(t->t, -KS);
    r0(t);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("q_lex");
    TCase *tc = tcase_create("lex");
    tcase_add_checked_fixture(tc, q_setup, q_teardown);
    tcase_add_test(tc, numeric_literals);
    tcase_add_test(tc, nulls_and_infinities);
    tcase_add_test(tc, vectors_by_juxtaposition);
    tcase_add_test(tc, temporal_literals);
    tcase_add_test(tc, temporal_suffix_runs);
    tcase_add_test(tc, strings_and_symbols);
    tcase_add_test(tc, comments_and_layout);
    tcase_add_test(tc, syntax_errors);
    tcase_add_test(tc, parse_trees);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
