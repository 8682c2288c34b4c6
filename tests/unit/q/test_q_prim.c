/* test_q_prim.c: the primitives: arithmetic with type promotion, nulls and temporal
 * rules, comparison, list and set operations, aggregates, casts and text keywords.
 * SPDX-License-Identifier: MIT */
#include "../check_run.h"
#include "q_check.h"

#include <math.h>

START_TEST(arithmetic_promotion)
{
    q_expect("2+3 4 5", q_longs(3, 5LL, 6LL, 7LL));
    q_expect("1i+55", kj(56));
    q_expect("1h+1h", ki(2));
    q_expect("1b+1b", ki(2));
    q_expect("1i+2i", ki(3));
    q_expect("1.5+1", kf(2.5));
    q_expect("1e + 1", ke(2));
    q_expect("2%3", kf(2.0 / 3));
    q_expect("1 2 3%2", q_floats(3, 0.5, 1.0, 1.5));
    q_expect("1%0", kf(wf));
    q_expect("2+0N 1", q_longs(2, nj, 3LL));
    q_expect("10+0N", kj(nj));
    q_expect("0Wi+5i", ki(-2147483644));
    q_expect("(10;20 30)+(2;3 4)", knk(2, kj(12), q_longs(2, 23LL, 34LL)));
    q_expect("1.1*`a`b`c!5 10 20", xD(q_syms(3, "a", "b", "c"), q_floats(3, 5.5, 11.0, 22.0)));
    q_expect("2&3", kj(2));
    q_expect("101b&110b", q_bools("100"));
    q_expect("2h|3h", kh(3));
    q_expect("neg 01001b", q_ints(5, 0, -1, 0, 0, -1));
    q_expect("abs 10 -43 0N", q_longs(3, 10LL, 43LL, nj));
    q_expect("7 div 2 3 4", q_longs(3, 3LL, 2LL, 1LL));
    q_expect("-7 div 2", kj(-4));
    q_expect("-3 -2 -1 0 1 2 3 4 mod 3", q_longs(8, 0LL, 1LL, 2LL, 0LL, 1LL, 2LL, 0LL, 1LL));
    q_expect("floor -2.1 0 2.1", q_longs(3, -3LL, 0LL, 2LL));
    q_expect("ceiling -2.1 0 2.1", q_longs(3, -2LL, 0LL, 3LL));
    q_expect("3 xbar til 10", q_longs(10, 0LL, 0LL, 0LL, 3LL, 3LL, 3LL, 6LL, 6LL, 6LL, 9LL));
    q_expect("2.5 xbar 1 4 6", q_floats(3, 0.0, 2.5, 5.0));
    K r = q_eval("sqrt -1 0n 0 25", 15);
    ck_assert(r->t == KF && isnan(kF(r)[0]) && isnan(kF(r)[1]) && kF(r)[2] == 0 && kF(r)[3] == 5);
    r0(r);
    q_expect_err("1+`a", "type");
    q_expect_err("\"a\"+1", "type");
}
END_TEST

START_TEST(temporal_arithmetic)
{
    q_expect("2026.11.27+1", kd(ymd(2026, 11, 28)));
    q_expect("2026.11.27-2026.11.20", ki(7));
    q_expect("2000.11.22+03:44:55.666",
             ktj(-KP, (J)ymd(2000, 11, 22) * K_NS_PER_DAY + ((3 * 60 + 44) * 60 + 55) * 1000000000LL + 666000000LL));
    q_expect("12:00:00.000+1000", kt(12 * 3600000 + 1000));
    q_expect("09:30+15", q_typed(KU, 9 * 60 + 45));
    q_expect("2026.11.27D12:00:00.000000000-2026.11.27D11:30:00.000000000", ktj(-KN, 1800000000000LL));
    K months = ktn(KM, 3);
    kI(months)[0] = 17 * 12 + 11; kI(months)[1] = 17 * 12 + 10; kI(months)[2] = 17 * 12 + 9;
    q_expect("2017.12m-0 1 2", months);
    q_expect_err("2026.11.27+2026.11.27", "type");
}
END_TEST

START_TEST(comparison)
{
    q_expect("1 2 3<2", q_bools("100"));
    q_expect("`a`b`c=`b", q_bools("010"));
    q_expect("0N<1", kb(1));
    q_expect("1=1h", kb(1));
    q_expect("1~1h", kb(0));
    q_expect("1 2 3~1 2 3", kb(1));
    q_expect("(`a;1)~(`a;1)", kb(1));
    q_expect("\"sat\"&\"cow\"", kp("cat"));
    q_expect("not -1 0 1 2", q_bools("0100"));
    q_expect("null 0 0n 0w 1 0n", q_bools("01001"));
    q_expect("3<>4", kb(1));
    q_expect("3>=3", kb(1));
    q_expect("all 110b", kb(0));
    q_expect("any 110b", kb(1));
    q_expect_err("`a<1", "type");
}
END_TEST

START_TEST(lists)
{
    q_expect("1 2 3,4", q_longs(4, 1LL, 2LL, 3LL, 4LL));
    q_expect("\"ab\",\"cd\"", kp("abcd"));
    q_expect("`a,`b", q_syms(2, "a", "b"));
    q_expect("1,`a", knk(2, kj(1), ks("a")));
    q_expect("(`a`b!1 2),`b`c!20 30", xD(q_syms(3, "a", "b", "c"), q_longs(3, 1LL, 20LL, 30LL)));
    q_expect("5#`Arthur`Steve`Dennis", q_syms(5, "Arthur", "Steve", "Dennis", "Arthur", "Steve"));
    q_expect("-5#0 1 2 3 4 5 6 7 8", q_longs(5, 4LL, 5LL, 6LL, 7LL, 8LL));
    q_expect("3#9", q_longs(3, 9LL, 9LL, 9LL));
    q_expect("count each 3#()", q_longs(3, 0LL, 0LL, 0LL));
    q_expect("5_0 1 2 3 4 5 6 7 8", q_longs(4, 5LL, 6LL, 7LL, 8LL));
    q_expect("-10_\"sym2026.11.27\"", kp("sym"));
    q_expect("0 1 2 3 _ 2", q_longs(3, 0LL, 1LL, 3LL));
    q_expect("(`a`b`c!1 2 3)_`a", xD(q_syms(2, "b", "c"), q_longs(2, 2LL, 3LL)));
    q_expect("2 4 9 _ til 10", knk(3, q_longs(2, 2LL, 3LL), q_longs(5, 4LL, 5LL, 6LL, 7LL, 8LL), q_longs(1, 9LL)));
    q_expect("10 -8 3 5 -1 2 3?3", kj(2));
    q_expect("10 -8 3 5 -1 2 3?17", kj(7));
    q_expect("\"abcde\"?\"dz\"", q_longs(2, 3LL, 5LL));
    q_expect("(`a`b`c!1 2 3)?2", ks("b"));
    q_expect("til 0", ktn(KJ, 0));
    q_expect("first \"abc\"", kc('a'));
    q_expect("last `a`b`c!1 2 3", kj(3));
    q_expect("first ()", k_identity());
    q_expect("(til 5) 99", kj(nj));
    q_expect("(\"sym\";\"x\") 5", ktn(KC, 0));
    q_expect("reverse 1 2 3", q_longs(3, 3LL, 2LL, 1LL));
    q_expect("raze (1 2;3 4 5)", q_longs(5, 1LL, 2LL, 3LL, 4LL, 5LL));
    q_expect("raze 42", q_longs(1, 42LL));
    q_expect("flip (1 2 3;4 5 6)", knk(3, q_longs(2, 1LL, 4LL), q_longs(2, 2LL, 5LL), q_longs(2, 3LL, 6LL)));
    q_expect("where 2 3 0 1", q_longs(6, 0LL, 0LL, 1LL, 1LL, 1LL, 3LL));
    q_expect("distinct 2 3 7 3 5 3", q_longs(4, 2LL, 3LL, 7LL, 5LL));
    q_expect("group \"abca\"", xD(kp("abc"), knk(3, q_longs(2, 0LL, 3LL), q_longs(1, 1LL), q_longs(1, 2LL))));
    q_expect("enlist 1", q_longs(1, 1LL));
    q_expect("enlist[1;`a]", knk(2, kj(1), ks("a")));
    q_expect("next 2 3 5 7 11", q_longs(5, 3LL, 5LL, 7LL, 11LL, nj));
    q_expect("prev 2 3 5 7 11", q_longs(5, nj, 2LL, 3LL, 5LL, 7LL));
    q_expect("fills 0N 2 3 0N 0N 7 0N", q_longs(7, nj, 2LL, 3LL, 3LL, 3LL, 7LL, 7LL));
    q_expect("0^1 2 3 0N", q_longs(4, 1LL, 2LL, 3LL, 0LL));
    q_expect("?[11001b;1 2 3 4 5;10 20 30 40 50]", q_longs(5, 1LL, 2LL, 30LL, 40LL, 5LL));
    q_expect("@[1 2 3;1;neg]", q_longs(3, 1LL, -2LL, 3LL));
    q_expect("@[1 2 3;0 2;+;10 20]", q_longs(3, 11LL, 2LL, 23LL));
    q_expect(".[(1 2;3 4);1 0;:;9]", knk(2, q_longs(2, 1LL, 2LL), q_longs(2, 9LL, 4LL)));
    q_expect_err("til 2.2", "type");
}
END_TEST

START_TEST(sets_and_search)
{
    q_expect("1 3 7 6 4 in 5 4 1 6", q_bools("10011"));
    q_expect("`a in `a`b", kb(1));
    q_expect("1 3 10 6 4 within 2 6", q_bools("01011"));
    q_expect("1 2 3 4 1 3 except 2 3", q_longs(3, 1LL, 4LL, 1LL));
    q_expect("1 3 4 2 inter 2 3 5 7 11", q_longs(2, 3LL, 2LL));
    q_expect("1 2 3 3 6 union 2 4 6 8", q_longs(6, 1LL, 2LL, 3LL, 6LL, 4LL, 8LL));
    q_expect("0 2 4 6 8 10 bin -10 0 4 5 6 20", q_longs(6, -1LL, 0LL, 2LL, 2LL, 3LL, 5LL));
    q_expect("10 sublist 2 3 5", q_longs(3, 2LL, 3LL, 5LL));
    q_expect("1 2 sublist 2 3 5 7 11", q_longs(2, 3LL, 5LL));
    q_expect("2 cut `a`b`c`d`e", knk(3, q_syms(2, "a", "b"), q_syms(2, "c", "d"), q_syms(1, "e")));
    q_expect("asc 2 1 3 4 2 1 2", q_longs(7, 1LL, 1LL, 2LL, 2LL, 2LL, 3LL, 4LL));
    q_expect("desc 2 1 3 4 2 1 2", q_longs(7, 4LL, 3LL, 2LL, 2LL, 2LL, 1LL, 1LL));
    q_expect("iasc 2 1 3 4 2 1 2", q_longs(7, 1LL, 5LL, 0LL, 4LL, 6LL, 2LL, 3LL));
    q_expect("idesc 2 1 3 4 2 1 2", q_longs(7, 3LL, 2LL, 0LL, 4LL, 6LL, 1LL, 5LL));
    q_expect("asc `c`a`b", q_syms(3, "a", "b", "c"));
    q_expect("attr asc 3 1 2", ks("s"));
    q_expect("count 3?20", kj(3));
    q_expect("all (10?20) within 0 19", kb(1));
    q_expect("asc -10?10", q_longs(10, 0LL, 1LL, 2LL, 3LL, 4LL, 5LL, 6LL, 7LL, 8LL, 9LL));
    q_expect("type 5?1.0", kh(KF));
    q_expect_err("`s#3 2 1", "s-fail");
    q_expect_err("iasc 3", "rank");
}
END_TEST

START_TEST(aggregates)
{
    q_expect("sum 2 3 0N 7", kj(12));
    q_expect("sum 1 2 3i", ki(6));
    q_expect("sum `a`b`c!1 2 3", kj(6));
    q_expect("sum (1 2;0N 4)", q_longs(2, nj, 6LL));
    q_expect("avg 1 2 3", kf(2));
    q_expect("avg 1 0n 2 3", kf(2));
    q_expect("max 0N 5 0N 1 3", kj(5));
    q_expect("min 0N 0N", kj(wj));
    q_expect("2 3 4 wavg 1 2 4", kf(24.0 / 9));
    q_expect("2 0N 4 5 wavg 1 2 0N 8", kf(6));
    q_expect("1 2 3 wsum 10 20 30f", kf(140));
    q_expect("sums 2 3 5 7", q_longs(4, 2LL, 5LL, 10LL, 17LL));
    q_expect("deltas 1 4 9 16", q_longs(4, 1LL, 3LL, 5LL, 7LL));
    q_expect("maxs 2 5 7 1 3", q_longs(5, 2LL, 5LL, 7LL, 7LL, 7LL));
    q_expect("med 1 3 2 4", kf(2.5));
    q_expect("prd 1 2 3 4", kj(24));
    q_expect("count `a`b!1 2", kj(2));
}
END_TEST

START_TEST(casts_and_text)
{
    q_expect("\"i\"$10", ki(10));
    q_expect("`float$1 2", q_floats(2, 1.0, 2.0));
    q_expect("\"b\"$0 1 2", q_bools("011"));
    q_expect("\"i\"$1.6", ki(2));
    q_expect("`int$-6.6", ki(-7));
    q_expect("\"i\"$\"a\"", ki(97));
    q_expect("\"c\"$97", kc('a'));
    q_expect("`date$42", kd(42));
    q_expect("`minute$42", q_typed(KU, 42));
    q_expect("\"j\"$2026.01.01", kj(ymd(2026, 1, 1)));
    q_expect("\"d\"$2026.11.27D23:59:59.999999999", kd(ymd(2026, 11, 27)));
    q_expect("\"n\"$2026.11.27D12:00:00.000000000", ktj(-KN, 12LL * 3600000000000LL));
    q_expect("`timespan$09:30:00.000", ktj(-KN, (9LL * 60 + 30) * 60000000000LL));
    q_expect("\"p\"$2026.11.27", ktj(-KP, (J)ymd(2026, 11, 27) * K_NS_PER_DAY));
    q_expect("`minute$12:34:56.789", q_typed(KU, 12 * 60 + 34));
    q_expect("`$\"hello world\"", ks("hello world"));
    q_expect("`float$()", ktn(KF, 0));
    q_expect("\"I\"$\"42\"", ki(42));
    q_expect("\"J\"$(\"1\";\"22\";\"x\")", q_longs(3, 1LL, 22LL, nj));
    q_expect("\"F\"$\"2.5\"", kf(2.5));
    q_expect("\"D\"$\"2026.11.27\"", kd(ymd(2026, 11, 27)));
    q_expect("\"S\"$\"ibm\"", ks("ibm"));
    q_expect("string 42", kp("42"));
    q_expect("string `ibm", kp("ibm"));
    q_expect("string 2026.11.27", kp("2026.11.27"));
    q_expect("string 1.5 2", knk(2, kp("1.5"), kp("2")));
    q_expect("lower \"IBM\"", kp("ibm"));
    q_expect("upper `ibm`msft", q_syms(2, "IBM", "MSFT"));
    q_expect("`quick like \"qu?ck\"", kb(1));
    q_expect("`brown like \"br[ao]wn\"", kb(1));
    q_expect("`brawn`brown like \"br[^o]wn\"", q_bools("10"));
    q_expect("(\"IBM\";\"MSFT\") like \"I*\"", q_bools("10"));
    q_expect("\",\" vs \"a,b\"", knk(2, kp("a"), kp("b")));
    q_expect("\",\" sv (\"a\";\"bc\")", kp("a,bc"));
    q_expect("` sv `a`b", ks("a.b"));
    q_expect("hsym `data/x", ks(":data/x"));
    q_expect("type 5", kh(-KJ));
    q_expect_err("`long$`a", "type");
    q_expect("(`int;\"i\";6h)$10", q_ints(3, 10, 10, 10));
    q_expect("\"d\"$2026.11m", kd(ymd(2026, 11, 1)));
    q_expect("(1+1e-13)=1", kb(1));
    q_expect("(0.1+0.2)=0.3", kb(1));
    q_expect("type 3?0b", kh(KB));
    q_expect("type 4?2012.09m", kh(KM));
    q_expect_err("0W#1.5", "limit");
    q_expect_err("til 0W", "limit");
    q_expect_err("distinct (+)", "type");
    q_expect_err("(`a`b!1 2)[+]", "type");
}
END_TEST

/* §7 rows A093 C022 I016 T059 T061 T066 T070 T093. */
START_TEST(conformance_fixes)
{
    q_expect("maxs 0N 5 0N 1 3", q_longs(5, -wj, 5LL, 5LL, 5LL, 5LL));
    q_expect("mins 0N 5 0N 1 3", q_longs(5, wj, 5LL, 5LL, 1LL, 1LL));
    q_expect("maxs 2 5 7 1 3", q_longs(5, 2LL, 5LL, 7LL, 7LL, 7LL));
    q_expect("0.3~0.1+0.2", kb(1));
    q_expect("(1;0.3 1.0)~(1;(0.1+0.2),1.0)", kb(1));
    q_expect("0.3~0.31", kb(0));
    q_expect("1~1.0", kb(0));
    q_expect("(,\\)2 3 4", knk(3, q_longs(1, 2LL), q_longs(2, 2LL, 3LL), q_longs(3, 2LL, 3LL, 4LL)));
    q_expect("(+\\)2 3 4", q_longs(3, 2LL, 5LL, 9LL));
    q_expect("\"D\"$\"2000-12-12\"", kd(ymd(2000, 12, 12)));
    q_expect("\"D\"$\"20001212\"", kd(ymd(2000, 12, 12)));
    q_expect("\"T\"$\"123456789\"", kt(((12 * 60 + 34) * 60 + 56) * 1000 + 789));
    q_expect("\"P\"$\"2015-10-28D03:55:58.6542\"",
             ktj(-KP, (J)ymd(2015, 10, 28) * K_NS_PER_DAY + ((3 * 60 + 55) * 60 + 58) * 1000000000LL + 654200000LL));
    q_expect("\"BXH\"$(\"42\";\"42\";\"42\")", knk(3, kb(0), kg(0x42), kh(42)));
    q_expect("\"B\"$\"1\"", kb(1));
    q_expect("(`a`b`c!`quick`brown`fox) like \"brown\"", xD(q_syms(3, "a", "b", "c"), q_bools("010")));
}
END_TEST

/* The value of q text, as a want for q_expect. Ownership: returns new. */
static K q_text(const char *src) { return q_eval(src, (J)strlen(src)); }

/* §7 S068 S087 S140 S141: distinct rows, bin on strings, upsert into an undefined name,
 * amending root globals by name. */
START_TEST(tables_strings_and_names)
{
    q_expect("distinct flip `a`b`c!(1 2 1;2 3 2;\"aba\")",
             q_text("flip `a`b`c!(1 2;2 3;\"ab\")"));
    q_expect("count distinct ([]a:0#0)", kj(0));
    q_expect("(\"apple\";\"banana\";\"coffee\") bin (\"anise\";\"berry\";\"curry\")",
             q_longs(3, -1LL, 1LL, 2LL));
    q_expect("(\"apple\";\"banana\") bin \"banana\"", kj(1));
    q_expect_err("(\"apple\";`b) bin \"banana\"", "type");
    q_expect(".[`cfundef1;();,;([k:`a`b]v:10 20)];cfundef1", q_text("([k:`a`b]v:10 20)"));
    q_expect("(),([]a:1 2)", q_text("([]a:1 2)"));
    q_expect("@[`.;`cfq1`cfq2;:;1 2];cfq1+cfq2", kj(3));
    q_expect("a:1;b:2;@[`.;`a`b;+;10];(a;b)", q_longs(2, 11LL, 12LL));
    q_expect(".u.x:1;@[`.u;`x`y;:;7 8];(.u.x;.u.y)", q_longs(2, 7LL, 8LL));
}
END_TEST

/* Tier 2 keywords (§7 A041-A111, S095 S172-S186, T102, Z089): trigonometry, sample
 * statistics, xlog, mcount, rotate, xprev, trim, getenv, -3!. */
START_TEST(tier2_keywords)
{
    K r = q_text("(asin 0.8;tan 0.5;atan 0.5;2 xlog 8;svar 2 3 5 7;sdev 2 3 5 7)");
    ck_assert_int_eq(r->t, KF);
    ck_assert(fabs(kF(r)[0] - asin(0.8)) < 1e-12 && fabs(kF(r)[1] - tan(0.5)) < 1e-12);
    ck_assert(fabs(kF(r)[2] - atan(0.5)) < 1e-12 && fabs(kF(r)[3] - 3) < 1e-12);
    ck_assert(fabs(kF(r)[4] - 59.0 / 12) < 1e-12 && fabs(kF(r)[5] - sqrt(59.0 / 12)) < 1e-12);
    r0(r);
    q_expect("2 3 5 7 cov 3 3 5 9", kf(4.5));
    q_expect("2 3 5 7 scov 3 3 5 9", kf(6));
    q_expect("1 2 3 cor 2 4 6", kf(1));
    q_expect_err("1 2 cov 1 2 3", "length");
    q_expect("3 mcount 0 1 0N 3 4 5", q_longs(6, 1LL, 2LL, 2LL, 2LL, 2LL, 3LL));
    q_expect("2 rotate 2 3 5 7 11", q_longs(5, 5LL, 7LL, 11LL, 2LL, 3LL));
    q_expect("-2 rotate 2 3 5 7 11", q_longs(5, 7LL, 11LL, 2LL, 3LL, 5LL));
    q_expect("7 rotate 1 2 3", q_longs(3, 2LL, 3LL, 1LL));
    q_expect("2 xprev 2 7 5 3 11", q_longs(5, nj, nj, 2LL, 7LL, 5LL));
    q_expect("trim \"  IBM  \"", kp("IBM"));
    q_expect("ltrim \"  IBM  \"", kp("IBM  "));
    q_expect("rtrim (\"  IBM  \";\" x\")", knk(2, kp("  IBM"), kp(" x")));
    q_expect("trim \"   \"", ktn(KC, 0));
    q_expect("type getenv `PATH", kh(KC));
    q_expect("-3!(1;`a)", kp("(1;`a)"));
    q_expect("0 1 1 2 binr 0 1 2", q_longs(3, 0LL, 1LL, 3LL));
    q_expect("(null 0Ng;type 0Ng)", knk(2, kb(1), kh(-UU)));
    q_expect("24 60 60 vs 3805", q_longs(3, 1LL, 3LL, 25LL));
    q_expect("0b vs 23173h", q_bools("0101101010000101"));
    q_expect("2 3#til 4", knk(2, q_longs(3, 0LL, 1LL, 2LL), q_longs(3, 3LL, 0LL, 1LL)));
    q_expect("2 5#\"!\"", knk(2, kp("!!!!!"), kp("!!!!!")));
    q_expect("0 1 1 2 bin 0 1 2", q_longs(3, 0LL, 2LL, 3LL));
    q_expect("reval (+;1;2)", kj(3));
    q_expect(".Q.s 1 2 3", kp("1 2 3\n"));
    q_expect(".Q.dd[`:dir]`file", ks(":dir/file"));
    q_expect(".Q.dd[`AAPL]\"O\"", ks("AAPL.O"));
    q_expect(".Q.f[2;34.3445]", kp("34.34"));
    q_expect(".Q.fmt[6;2]each 1 234", knk(2, kp("  1.00"), kp("234.00")));
    q_expect(".Q.fmt[3;2;1234.5]", kp("***"));
    q_expect("key .Q.opt (\"-a\";\"1\";\"-b\";\"x\";\"yz\")", q_syms(2, "a", "b"));
    q_expect("type .Q.gc[]", kh(-KJ));
    q_expect("type .Q.w[]", kh(XD));
    q_expect("system \"P\"", ki(7));
    q_expect("system \"P 3\";r:system \"P\";system \"P 7\";r", ki(3));
}
END_TEST

/* Different temporal types compare in the common type of §3.5's table (§7 C023 C024). */
START_TEST(temporal_comparison)
{
    q_expect("2024.10.07D20:00:00.000603286 within 13:30 20:00t", kb(1));
    q_expect("20:00:00.000603286 within 13:30 20:00t", kb(0));
    q_expect("2024.10.07D09:31:59 = 09:31", kb(1));
    q_expect("2024.10.07D00:00:00.000000001 > 2024.10.07", kb(1));
    q_expect("12:00 < 12:00:01", kb(1));
    q_expect("(0Np;2024.10.07D09:31) < 09:31 09:32", q_bools("11"));
    q_expect_err("2024.10.07 < 12:00", "type");
}
END_TEST

START_TEST(tables_and_dicts)
{
    q_expect("t:([]a:1 2;b:`x`y); t`a", q_longs(2, 1LL, 2LL));
    q_expect("t:([]a:1 2;b:`x`y); count t", kj(2));
    q_expect("t:([]a:1 2;b:`x`y); (t 1)`b", ks("y"));
    q_expect("t:([]a:1 2;b:`x`y); cols t", q_syms(2, "a", "b"));
    q_expect("t:flip `a`b!(1 2;3 4); t[`b]", q_longs(2, 3LL, 4LL));
    q_expect("([]a:1 2),([]a:enlist 3)", xT(xD(q_syms(1, "a"), knk(1, q_longs(3, 1LL, 2LL, 3LL)))));
    q_expect_err("([]a:til 4),([]b:til 3)", "mismatch");
    q_expect("d:`a`b!1 2; key d", q_syms(2, "a", "b"));
    q_expect("d:`a`b!1 2; value d", q_longs(2, 1LL, 2LL));
    q_expect("d:`a`b!1 2; d`z", kj(nj));
    q_expect_err("`a`b!1 2 3", "length");
}
END_TEST

/* avgs skips nulls in its count; ema against its definition r0=x0, ri=a*xi+(1-a)*r(i-1). */
START_TEST(moving_averages)
{
    q_expect("avgs 1 2 3 0n 4", q_floats(5, 1.0, 1.5, 2.0, 2.0, 2.5));
    q_expect("avgs 1 0N 3", q_floats(3, 1.0, 1.0, 2.0));
    q_expect("ema[0.5;1 3 5]", q_floats(3, 1.0, 2.0, 3.5));
    q_expect("ema[0.5 0.25 1;1 3 5]", q_floats(3, 1.0, 1.5, 5.0));
    q_expect("ema[0.1;10 0N 10]~10 0n 0n", kb(1));  /* a null carries through */
    q_expect_err("ema[0.5;`a`b]", "type");
    q_expect_err("ema[0.5 0.1;1 2 3]", "length");
    q_expect_err("ema[0.5;1]", "type");
}
END_TEST

/* 0N?y permutes; n?`L rolls symbols of L letters; n?0Ng rolls guids. */
START_TEST(roll_forms)
{
    q_expect("(asc 0N?5)~til 5", kb(1));
    q_expect("(asc 0N?`c`a`b)~`a`b`c", kb(1));
    q_expect("(count each string 3?`4)~4 4 4", kb(1));
    q_expect("10=count distinct -10?`1", kb(1));
    q_expect("all (string 20?`2) like \"[a-p][a-p]\"", kb(1));
    q_expect("(2h;5)~(type;count distinct@)@\\:5?0Ng", kb(1));
    q_expect("0=count 0N?0", kb(1));
    q_expect_err("0N?1.5", "type");
    q_expect_err("0N?-3", "domain");
}
END_TEST

/* Fields of temporal values: `year`mm`dd`hh`uu`ss$, and v.field on variables. */
START_TEST(temporal_fields)
{
    q_expect("(`year`dd`mm`hh`uu`ss$2015.10.28D03:55:58)~2015 28 10 3 55 58i", kb(1));
    q_expect("(`year$1999.12.31 0Nd)~1999 0Ni", kb(1));
    q_expect("(`hh$10:30 0N)~10 0Ni", kb(1));
    q_expect("dt:2026.11.27;(dt.month;dt.year;dt.dd)~(2026.11m;2026i;27i)", kb(1));
    q_expect("{t:x;t.minute}[10:30:15]~10:30", kb(1));
    q_expect_err("`year$10:30", "type");
    q_expect_err("`year$`a", "type");
    q_expect_err("dt:2026.11.27;dt.foo", "dt.foo");
    q_expect_err("s:`a;s.year", "s.year");
}
END_TEST

/* `s#d: a step dictionary answers a missing key with the value of the last key below it. */
START_TEST(step_dictionaries)
{
    q_expect("ds:`s#`cat`cow`dog`sheep!`chat`vache`chien`mouton;(ds `sheep`snake`cat`ant)~`mouton`mouton`chat`", kb(1));
    q_expect("es:`s#(10*til 10)!til 10;(es 80 35 20 -10 95)~8 3 2 0N 9", kb(1));
    q_expect("(attr key es)~`s", kb(1));
    q_expect("d:`a`b!1 2;(d`c)~0N", kb(1));  /* no `s#: no steps */
    q_expect_err("`s#`b`a!1 2", "s-fail");
}
END_TEST

/* \c: console rows and columns, settable. */
START_TEST(console_size)
{
    q_expect("(system \"c\")~25 80i", kb(1));
    q_expect("system \"c 40 200\";(system \"c\")~40 200i", kb(1));
    q_expect_err("system \"c 1\"", "domain");
}
END_TEST

/* Indexing at depth reaches a function: the rest of the indices are its arguments. */
START_TEST(index_into_functions)
{
    q_expect("(sum;dev;var)[0;til 5]", kj(10));
    q_expect("(sum;{x+y})[1;2;3]", kj(5));
    q_expect("(1 2;3 4)[1;0]", kj(3));
    q_expect_err("(sum;{x+y})[1;2;3;4]", "rank");
}
END_TEST

/* Guid atoms keep their 16 bytes after the header (KX's ku): items, joins, squeezes,
 * comparisons, sorting, text both ways. */
START_TEST(guids)
{
    q_expect("g:\"G\"$\"8c680a01-5a49-5aab-5a65-d4bfddb6a661\";\"8c680a01-5a49-5aab-5a65-d4bfddb6a661\"~string g", kb(1));
    q_expect("(\"G\"$(\"x\";\"8c680a015a495aab5a65d4bfddb6a661\"))~(0Ng;g)", kb(1));
    q_expect("a:first 1?0Ng;b:first 1?0Ng;((a;b)~a,b)&(a~first 1#a)&(1=(a,b)?b)&(a=a)&(a<>b)", kb(1));
    q_expect("((a,b)=a)~10b", kb(1));
    q_expect("v:20?0Ng;(asc v)~v iasc v", kb(1));
    q_expect("all 1_(>=)prior asc v", kb(1));
    q_expect("(count distinct 5#a)=1", kb(1));
    q_expect("(string 0Ng)~\"00000000-0000-0000-0000-000000000000\"", kb(1));
    q_expect_err("a+1", "type");
}
END_TEST

/* iasc/idesc of long vectors (the radix path) equal the item-by-item grade of the same
 * atoms in a general list, for every type with keys: ties stable, nulls first, floats
 * with nulls, infinities and -0. */
START_TEST(radix_grades)
{
    const char *setup =
        "ref:{[x;d] g:$[d;idesc;iasc] x,enlist`a; g where g<count x};"
        "chk:{[x] ((iasc x)~ref[x;0b]),((idesc x)~ref[x;1b])};"
        "n:500;"
        "gens:({n?0b};{`byte$n?20};{`short$-20+n?40};{`int$-20+n?40};{-20+n?40};{n?\"abcdefg\"};"
        "{n?`a`b`ab`ba`c`};{`month$n?40};{`date$-20+n?40};{`minute$n?40};{`second$n?40};"
        "{`time$n?40};{`timestamp$-20+n?40};{`timespan$n?40};{@[`int$n?40;where 0=n mod 7;:;0Ni]};"
        "{@[-20+n?40;where 0=n mod 5;:;0N]};{n?0n -0w 0w -0 0 1.5 -2.5 3};{`real$n?0n -0w 0w -0 0 1.5 -2.5 3})";
    K r = q_eval(setup, (J)strlen(setup));
    ck_assert_msg(r->t != KERR, "setup: '%s", r->t == KERR ? r->s : "");
    r0(r);
    for (int round = 0; round < 3; round++) q_expect("all {all chk x[]} each gens", kb(1));
    q_expect("(asc 100#3 1 2)~`s#(33#1),(33#2),34#3", kb(1));
    q_expect("(desc 100#3 1 2)~(34#3),(33#2),33#1", kb(1));
}
END_TEST

/* bin/binr, deltas and differ on typed vectors against their definitions. */
START_TEST(typed_search_and_shifts)
{
    for (int round = 0; round < 5; round++) {
        q_expect("x:asc 200?50;y:100?60;(x bin y)~{[x;v] -1+sum x<=v}[x] each y", kb(1));
        q_expect("(x binr y)~{[x;v] 0+sum x<v}[x] each y", kb(1));
        q_expect("((`int$x) bin `int$y)~x bin y", kb(1));
        q_expect("((`date$x) binr `date$y)~x binr y", kb(1));
        q_expect("xf:asc 0n,200?50f;yf:0n,100?60f;(xf bin yf)~{[x;v] -1+sum x<=v}[xf] each yf", kb(1));
        q_expect("(xf binr yf)~{[x;v] 0+sum x<v}[xf] each yf", kb(1));
        q_expect("(x bin 7)~-1+sum x<=7", kb(1));
        q_expect("z:200?100;((deltas z)~z-0,-1_z)&(deltas zf)~zf-0,-1_zf:200?10f", kb(1));
        q_expect("((differ z)~1b,(1_z)<>-1_z)&(differ s)~1b,(1_s)<>-1_s:200?`a`b", kb(1));
    }
}
END_TEST

/* find, in, distinct and group through prim_hash.c agree with item-by-item
 * definitions, for every type hashed (random vectors with repeats and nulls). */
START_TEST(hashed_search)
{
    const char *setup =
        "chk:{[x;y] ((x?y)~{[x;v] first (where x=v),count x}[x] each y;"
        "(y in x)~{[x;v] any x=v}[x] each y;"
        "(distinct x)~x where {[x;i] i=first where x=x i}[x] each til count x;"
        "(group x)~(distinct x)!{where x=y}[x] each distinct x)};"
        "n:300;"
        "gens:({n?0b};{`byte$n?20};{`short$n?40};{`int$n?40};{n?40};{n?\"abcdefg\"};{n?`a`b`c`d`e`f};"
        "{`month$n?40};{`date$n?40};{`minute$n?40};{`second$n?40};{`time$n?40};"
        "{`timestamp$n?40};{`timespan$n?40};{@[`int$n?40;where 0=n mod 7;:;0Ni]};"
        "{@[n?40;where 0=n mod 5;:;0N]};{@[n?`a`b;where 0=n mod 3;:;`]})";
    K r = q_eval(setup, (J)strlen(setup));
    ck_assert_msg(r->t != KERR, "setup: '%s", r->t == KERR ? r->s : "");
    r0(r);
    for (int round = 0; round < 5; round++)
        q_expect("all {all chk[x[];x[]]} each gens", kb(1));
    q_expect("(`a`b`c?`c`z)~2 3", kb(1));           /* fewer than the hashed minimum */
    q_expect("((til 10)?10 3 0N)~10 3 10", kb(1));
    q_expect("v:10?`x`y;(v in `y)~v=`y", kb(1));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("q_prim");
    TCase *tc = tcase_create("prim");
    tcase_add_checked_fixture(tc, q_setup, q_teardown);
    tcase_add_test(tc, arithmetic_promotion);
    tcase_add_test(tc, moving_averages);
    tcase_add_test(tc, roll_forms);
    tcase_add_test(tc, hashed_search);
    tcase_add_test(tc, typed_search_and_shifts);
    tcase_add_test(tc, radix_grades);
    tcase_add_test(tc, guids);
    tcase_add_test(tc, console_size);
    tcase_add_test(tc, index_into_functions);
    tcase_add_test(tc, step_dictionaries);
    tcase_add_test(tc, temporal_fields);
    tcase_add_test(tc, temporal_arithmetic);
    tcase_add_test(tc, comparison);
    tcase_add_test(tc, lists);
    tcase_add_test(tc, sets_and_search);
    tcase_add_test(tc, aggregates);
    tcase_add_test(tc, casts_and_text);
    tcase_add_test(tc, tables_and_dicts);
    tcase_add_test(tc, conformance_fixes);
    tcase_add_test(tc, temporal_comparison);
    tcase_add_test(tc, tables_strings_and_names);
    tcase_add_test(tc, tier2_keywords);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
