/* test_q_enum.c: enumerations (q-subset.md types 20–76, rows S189–S192, E028): `d$ and
 * `d? against a global symbol list, type, value, display, ~, the primitives and qSQL
 * that treat them as their symbols, the wire form (plain symbols) and bad input.
 * SPDX-License-Identifier: MIT */
#include "../check_run.h"
#include "q_check.h"
#include "fmt.h"

/* The console display (or single-line form) of src's value must be want. */
static void q_display_at(int line, K (*show)(K), const char *src, const char *want)
{
    K v = q_eval(src, (J)strlen(src));
    ck_assert_msg(v->t != KERR, "line %d: %s gave error '%s", line, src, v->t == KERR ? v->s : "");
    K s = show(v);
    ck_assert_msg((size_t)s->n == strlen(want) && !memcmp(kC(s), want, (size_t)s->n),
                  "line %d: %s: got [%.*s] want [%s]", line, src, (int)s->n, (char *)kC(s), want);
    r0(s);
    r0(v);
}
#define q_display(src, want) q_display_at(__LINE__, fmt_display, src, want)
#define q_line(src, want) q_display_at(__LINE__, fmt_line, src, want)

static K q_hs(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    K v = ktn(KH, n);
    for (int i = 0; i < n; i++) kH(v)[i] = (H)va_arg(ap, int);
    va_end(ap);
    return v;
}

#define SETUP "sy:`a`b`c;e:`sy$`a`c`a;"

START_TEST(cast_type_value_display)
{
    q_display(SETUP "e", "`sy$`a`c`a");                           /* S189 */
    q_expect(SETUP "type e", kh(20));                             /* S190 */
    q_expect(SETUP "value e", q_syms(3, "a", "c", "a"));          /* S191 */
    q_expect(SETUP "type value e", kh(KS));
    q_expect(SETUP "get e", q_syms(3, "a", "c", "a"));
    q_display(SETUP "first e", "`sy$`a");
    q_expect(SETUP "type first e", kh(-20));
    q_expect(SETUP "value first e", ks("a"));
    q_display(SETUP "e 1", "`sy$`c");
    q_display(SETUP "e 2 0", "`sy$`a`a");
    q_display(SETUP "`sy$enlist`b", ",`sy$`b");
    q_display(SETUP "`sy$`symbol$()", "`sy$`symbol$()");
    q_display(SETUP "`sy$(`a;`b)", "`sy$`a`b");
    q_expect(SETUP "count e", kj(3));
    q_expect(SETUP "type each (`symbol$e;`$e;`$first e)", q_hs(3, KS, KS, -KS));
    q_display(SETUP "([]s:e;v:1 2 3)", "s v\n---\na 1\nc 2\na 3");  /* cells show symbols */
    q_expect(SETUP "type `sy$`b", kh(-20));
    /* each domain gets the next type, as kdb+ numbers them */
    q_expect("d1:`x`z;d2:`y`z;(type `d2$`y)-type `d1$`x", ki(-1));
    q_expect("d1:`x`z;(type `d1$`x)=neg type `d1$`x`z", kb(1));
    q_line(SETUP "(e;1)", "(`sy$`a`c`a;1)");
}
END_TEST

START_TEST(extend_with_find)
{
    q_expect("sy:`a`b;`sy?`a`c;sy", q_syms(3, "a", "b", "c"));    /* S192 */
    q_display("sy:`a`b;`sy?`c`a`c", "`sy$`c`a`c");
    q_expect("sy:`a`b;`sy?`c`d`c`e;sy", q_syms(5, "a", "b", "c", "d", "e"));
    q_expect("sy:`a`b;`sy?`a`b;sy", q_syms(2, "a", "b"));         /* nothing new */
    q_expect("`fresh?`x`y`x;fresh", q_syms(2, "x", "y"));          /* created when undefined */
    q_expect("(type `fresh2?`x)=neg type `fresh2?`y`x", kb(1));
    q_expect("sy:enlist`a;s2:sy;`sy?`b;s2", q_syms(1, "a"));             /* a copy is not changed */
    q_expect("sy:enlist`a;`sy?`b`c;value`sy$`c`b`a", q_syms(3, "c", "b", "a"));
    /* a long domain and many items go through the hash set */
    q_expect("sy:`$string til 1000;e:`sy?`$string 500+til 1000;(count sy;count e;e~`sy$`$string 500+til 1000)",
             knk(3, kj(1500), kj(1000), kb(1)));
}
END_TEST

START_TEST(behaves_as_symbols)
{
    q_expect(SETUP "e=`a", q_bools("101"));
    q_expect(SETUP "e<>`c", q_bools("101"));
    q_expect(SETUP "e in `c`b", q_bools("010"));
    q_expect(SETUP "where e=`a", q_longs(2, 0LL, 2LL));
    q_expect(SETUP "group e", xD(q_syms(2, "a", "c"), knk(2, q_longs(2, 0LL, 2LL), q_longs(1, 1LL))));
    q_expect(SETUP "all (asc e)=`a`a`c", kb(1));
    q_expect(SETUP "all (desc e)=`c`a`a", kb(1));
    q_expect(SETUP "iasc e", q_longs(3, 0LL, 2LL, 1LL));
    q_expect(SETUP "all (distinct e)=`a`c", kb(1));
    q_expect(SETUP "e?`c", kj(1));
    q_expect(SETUP "string e", knk(3, kp("a"), kp("c"), kp("a")));
    q_expect(SETUP "string first e", kp("a"));
    q_expect(SETUP "(first e)=`a", kb(1));
    q_expect(SETUP "e~`a`c`a", kb(0));                           /* ~ knows the domain */
    q_expect(SETUP "e~`sy$`a`c`a", kb(1));
    q_expect(SETUP "(`a`b!1 2) first e", kj(1));
    q_expect(SETUP "all (2#e)=`a`c", kb(1));
    q_expect(SETUP "all (reverse e)=`a`c`a", kb(1));
    /* results drawn from an enumeration keep it, as in kdb+; fresh ones are symbols */
    q_display(SETUP "asc e", "`s#`sy$`a`a`c");
    q_line(SETUP "(last e;2#e;1_e;distinct e;e,e;e except `c)", "(`sy$`a;`sy$`a`c;`sy$`c`a;`sy$`a`c;`sy$`a`c`a`a`c`a;`sy$`a`a)");
    q_expect(SETUP "type each (e,`b;`b,e;0#e;string e;e=`a)", q_hs(5, KS, KS, 20, 0, KB));
    q_expect(SETUP "type each (reverse e;desc e;e union e;e inter `a;2 sublist e;1 rotate e;e _ 0)",
             q_hs(7, 20, 20, 20, 20, 20, 20, 20));
    q_expect(SETUP "e[1]:`b;e", q_syms(3, "a", "b", "a"));       /* k_match ignores the tag */
    q_expect(SETUP "e[1]:`b;type e", kh(20));
}
END_TEST

START_TEST(table_columns)
{
#define T(x) SETUP "t:([]s:`sy$`a`b`a`c;v:1 2 3 4);" x
    q_expect(T("exec v from t where s=`a"), q_longs(2, 1LL, 3LL));
    q_expect(T("exec v from t where s in `b`c"), q_longs(2, 2LL, 4LL));
    q_expect(T("type exec s from t"), kh(20));
    q_expect(T("(select sum v by s from t)~([s:`a`b`c] v:4 2 4)"), kb(1));
    q_expect(T("exec sum v by s from t"), xD(q_syms(3, "a", "b", "c"), q_longs(3, 4LL, 2LL, 4LL)));
    q_expect(T("exec v from `s xasc t"), q_longs(4, 1LL, 3LL, 2LL, 4LL));
    q_expect(T("exec t from meta t"), kp("sj"));
    q_expect(T("count select from t where s=`a"), kj(2));
    q_expect(T("exec s from select from t where v>2"), q_syms(2, "a", "c"));
#undef T
}
END_TEST

START_TEST(wire_form)
{
    q_expect(SETUP "(-8!e)~-8!`a`c`a", kb(1));
    q_expect(SETUP "(-8!first e)~-8!`a", kb(1));
    q_expect(SETUP "-9!-8!e", q_syms(3, "a", "c", "a"));
    q_expect(SETUP "type -9!-8!e", kh(KS));
    q_expect(SETUP "(-8!([]s:e))~-8!([]s:`a`c`a)", kb(1));
}
END_TEST

START_TEST(bad_input)
{
    q_expect_err("sy:`a`b;`sy$`z", "cast");                     /* E028 */
    q_expect_err("sy:`a`b;`sy$`a`z`b", "cast");
    q_expect_err("sy:`a`b;`sy$(`a;1)", "type");                 /* not all symbols */
    q_expect_err("x:1 2;`x$`a", "type");                        /* domain not symbols */
    q_expect_err("x:`a;`x$`a", "type");                         /* domain an atom */
    q_expect_err("x:1 2;`x?`a", "type");
    q_expect_err("sy:`a`b;`sy?(1;`a)", "type");
    q_expect_err("`nosuchdomain$`a", "nosuchdomain");
    q_expect_err("`?`a", "type");                               /* no name */
    q_expect_err("`:sym?`a", "type");                           /* file domains: not here */
    q_expect_err("`:sym$`a", "type");
    q_expect_err(SETUP "e[0]:`z", "cast");                      /* amend stays in domain */
    q_expect_err(SETUP "t:([]s:e;v:1 2 3);`t insert (`z;4)", "cast");
    q_expect(SETUP "t:([]s:e;v:1 2 3);`t insert (`b;4);exec s from t", q_syms(4, "a", "c", "a", "b"));
    q_expect_err(SETUP "t:([]s:e;v:1 2 3);update s:`z from t where v=1", "cast");
    q_expect(SETUP "t:([]s:e;v:1 2 3);exec s from update s:`b from t where v=1", q_syms(3, "b", "c", "a"));
    q_expect(SETUP "t:([]s:e;v:1 2 3);type exec s from update s:`z from t", kh(KS));  /* replaced */
    q_expect(SETUP "(`sy$`a`b) like \"a\"", q_bools("10"));
}
END_TEST

/* kdb+ numbers 57 domains, 20h to 76h; one more is 'limit. */
START_TEST(domain_limit)
{
    q_expect("r:{(`$\"d\",string x) set `a`b;type (`$\"d\",string x)$`a} each til 57;(first r;last r)",
             q_hs(2, -20, -76));
    q_expect_err("r:{(`$\"d\",string x) set `a`b;(`$\"d\",string x)$`a} each til 58", "limit");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("q_enum");
    TCase *tc = tcase_create("enum");
    tcase_add_checked_fixture(tc, q_setup, q_teardown);
    tcase_add_test(tc, cast_type_value_display);
    tcase_add_test(tc, extend_with_find);
    tcase_add_test(tc, behaves_as_symbols);
    tcase_add_test(tc, table_columns);
    tcase_add_test(tc, wire_form);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, domain_limit);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
