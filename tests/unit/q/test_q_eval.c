/* test_q_eval.c: the evaluator: right-to-left evaluation, assignment forms, lambdas
 * (locals, globals, return, projections), control words, iterators, namespaces, errors
 * ('stack, names, 'rank), and q_value on IPC-style messages.
 * SPDX-License-Identifier: MIT */
#include "../check_run.h"
#include "q_check.h"
#include "qnative.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

START_TEST(right_to_left)
{
    q_expect("2*3+4", kj(14));
    q_expect("2 3*4 5-6 7", q_longs(2, -4LL, -6LL));
    q_expect("10-2-3", kj(11));
    q_expect("count first (2 3 4;5 6)", kj(3));
    q_expect("x:10; (x+5;x:20;x-5)", q_longs(3, 25LL, 20LL, 5LL));
    q_expect("3+a:til 5", q_longs(5, 3LL, 4LL, 5LL, 6LL, 7LL));
}
END_TEST

START_TEST(assignment_forms)
{
    q_expect("a:1 2 3; a[1]:20; a", q_longs(3, 1LL, 20LL, 3LL));
    q_expect("b,:3; b", q_longs(1, 3LL));
    q_expect("bar+:1; bar", kj(1));
    q_expect("c:1; c+:5; c", kj(6));
    q_expect("d:`a`b!1 2; d[`c]:3; d`c", kj(3));
    q_expect("d:`a`b!1 2; d[`a]+:10; d`a", kj(11));
    q_expect("m:(1 2;3 4); m[1;0]:9; m 1", q_longs(2, 9LL, 4LL));
    q_expect("a:b:5; a+b", kj(10));
    q_expect_err("v:1 2 3; v[1]:`x", "type");
    /* a symbol naming a namespace applies its dictionary: r.q's `.u `i`L */
    q_expect(".u.i:7; .u.j:8; `.u `i`j", q_longs(2, 7LL, 8LL));
    q_expect_err("`.nosuchns `i", ".nosuchns");
}
END_TEST

/* Inputs the fuzzer found (tests/fuzz/corpus/q/regress_*): each gives an error, never a
 * crash or a runaway loop. */
START_TEST(fuzz_regressions)
{
    q_expect_err("aa:`aa; aa[]", "stack");                     /* a name naming itself */
    q_expect_err("2!([]a:1 3;c:`x`y)", "length");              /* no value column left */
    q_expect_err("x:(0! 02! !:02!!:) 2!1", "type");            /* dict of a dict */
    q_expect_err("2!{x}", "type");
    q_expect_err("delete a from t where a>1", "nyi");         /* a template that fails */
    q_expect_err("parse 20000#\"1+\"", "stack");                /* too long to nest */
    q_restrict_set(1);
    q_expect_err("a:`i; ,[]/a", "limit");                      /* converge that only grows */
    q_expect_err("{(x;x)+1}/[25;0]", "limit");  /* work doubles each step: the budget ends it */
    q_expect_err("*\\\\?\\7 3?\"abcdefghijklmnopqrstuvwxyzabcdefghijklmnop\"", "limit");
    q_restrict_set(0);
    q_expect("count raze raze {(x;x)+1}/[3;0]", kj(8));       /* unrestricted: q's answer */
    q_expect_err("enlist/[1]", "stack");                       /* converge that only nests */
    /* a dictionary indexed by a dictionary read past its values (one item, count 2) */
    q_expect("count (0!02) 02!(1)", kj(1));
    q_expect("d:`a`b!1 2; value d `x`y!`b`a", q_longs(2, 2LL, 1LL));
    q_expect("d:`a`b!1 2; key d `x`y!`b`a", q_syms(2, "x", "y"));
    q_expect_err("2h!a:`a", "type");                           /* n!`t where t names itself */
}
END_TEST

START_TEST(lambdas)
{
    q_expect("{x+y}[3;4]", kj(7));
    q_expect("{[a;b] a*b}[3;4]", kj(12));
    q_expect("{x+z}[1;2;3]", kj(4));
    q_expect("f:{a:10; :x+a; a:20}; f 5", kj(15));
    q_expect("g:5; {g+x} 1", kj(6));
    q_expect("{g::x} 7; g", kj(7));
    q_expect("n:0; {n+:x} 4; n", kj(4));
    q_expect("{a:1; a} 0; `a in key `.", kb(0));
    q_expect("{}[]", k_identity());
    q_expect("f:{x*y}; g:f[;3]; g 5", kj(15));
    q_expect("+[2] 3", kj(5));
    q_expect("{x}[]", k_identity());
    q_expect("fact:{$[x<2;1;x*fact x-1]}; fact 10", kj(3628800));
    q_expect_err("{x+y}[1;2;3]", "rank");
    q_expect_err("{[a;b;c;d;e;f;g;h;i] 1}", "params");
}
END_TEST

START_TEST(control)
{
    q_expect("$[1b;`yes;`no]", ks("yes"));
    q_expect("$[0b;1;0b;2;3]", kj(3));
    q_expect("$[0b;1]", k_identity());
    q_expect("r:0; if[1b; r:5]; r", kj(5));
    q_expect("r:0; do[4; r+:2]; r", kj(8));
    q_expect("i:0; while[i<10; i+:3]; i", kj(12));
    q_expect("{if[x>0; :`pos]; `neg} 3", ks("pos"));
    q_expect("{if[x>0; :`pos]; `neg} -3", ks("neg"));
    q_expect("{do[3; :42]; 0} 0", kj(42));
    q_expect_err("$[1 2;3;4]", "type");
}
END_TEST

START_TEST(iterators)
{
    q_expect("{x*2} each 1 2 3", q_longs(3, 2LL, 4LL, 6LL));
    q_expect("count each (1 2;3 4 5)", q_longs(2, 2LL, 3LL));
    q_expect("1 2 3 +' 10 20 30", q_longs(3, 11LL, 22LL, 33LL));
    q_expect_err("1 2 +' 10 20 30", "length");
    q_expect("(+/)1 2 3", kj(6));
    q_expect("10 +/ 1 2 3", kj(16));
    q_expect("(+\\)1 2 3", q_longs(3, 1LL, 3LL, 6LL));
    q_expect("{x+y}/[1 2 3 4]", kj(10));
    q_expect("{x+y+z}/[0;1 2;10 20]", kj(33));
    q_expect("{x+1}/[5;0]", kj(5));
    q_expect("{x+1}\\[3;0]", q_longs(4, 0LL, 1LL, 2LL, 3LL));
    q_expect("{x%2}/[{x>1};100]", kf(0.78125));
    q_expect("{floor x%2}/[100]", kj(0));
    q_expect("(-':)1 4 9 16", q_longs(4, 1LL, 3LL, 5LL, 7LL));
    q_expect("1 2 ,/: 3 4", knk(2, q_longs(3, 1LL, 2LL, 3LL), q_longs(3, 1LL, 2LL, 4LL)));
    q_expect("1 2 ,\\: 3", knk(2, q_longs(2, 1LL, 3LL), q_longs(2, 2LL, 3LL)));
    q_expect("(+/) ()", kj(0));
    q_expect("sum each (1 2;3 4)", q_longs(2, 3LL, 7LL));
    q_expect("(count') `a`b!(1 2;3)", xD(q_syms(2, "a", "b"), q_longs(2, 2LL, 1LL)));
}
END_TEST

START_TEST(errors_and_traps)
{
    q_expect_err("foo", "foo");
    q_expect_err("1+`a", "type");
    q_expect_err("1 2 3+4 5", "length");
    q_expect_err("til -1", "domain");
    q_expect_err("'`oops", "oops");
    q_expect_err("'\"custom error\"", "custom error");
    q_expect_err("'42", "stype");
    q_expect("@[{'`oops};0;{x}]", kp("oops"));
    q_expect(".[+;(1;`a);{\"Wrong \",x}]", kp("Wrong type"));
    q_expect(".[+;2 3;{\"Wrong \",x}]", kj(5));
    q_expect("@[{1+x};`a;-1]", kj(-1));
    q_expect_err("@[1 2 3;5;:;0]", "index");
}
END_TEST

START_TEST(deep_recursion_is_stack)
{
    q_expect_err("f:{f x}; f 1", "stack");
    q_expect_err("g:{1+g x}; g 1", "stack");
}
END_TEST

START_TEST(namespaces)
{
    q_expect(".u.w:5; .u.w", kj(5));
    q_expect("system \"d .u\"; x1:7; system \"d .\"; .u.x1", kj(7));
    q_expect("system \"d .u\"; f:{w}; w:3; system \"d .\"; .u.f[]", kj(3));
    q_expect("system \"d\"", ks("."));
    q_expect("a.b:1; 1", kj(1));
}
END_TEST

START_TEST(value_messages)
{
    K r;
    K s = kp("2 3 5 + 10 20 30");
    r = q_value(s);
    K want = q_longs(3, 12LL, 23LL, 35LL);
    ck_assert(k_match(r, want));
    r0(r); r0(s);
    K plus = k_prim(K_BINARY, 1);
    K msg = knk(3, plus, q_longs(3, 2LL, 3LL, 5LL), q_longs(3, 10LL, 20LL, 30LL));
    r = q_value(msg);
    ck_assert(k_match(r, want));
    r0(r); r0(msg);
    K d = q_eval("mydef:{x+y}", 11);
    r0(d);
    msg = knk(3, kp("mydef"), q_longs(3, 2LL, 3LL, 5LL), q_longs(3, 10LL, 20LL, 30LL));
    r = q_value(msg);
    ck_assert(k_match(r, want));
    r0(r); r0(msg);
    msg = knk(3, ks("mydef"), kj(1), kj(2));
    r = q_value(msg);
    ck_assert_int_eq(r->j, 3);
    r0(r); r0(msg);
    msg = knk(3, kp("nosuchfn"), kj(1), kj(2));
    r = q_value(msg);
    ck_assert(r->t == KERR && !strcmp(r->s, "nosuchfn"));
    r0(r); r0(msg);
    s = ktn(KC, 0);
    r = q_value(s);
    ck_assert_ptr_eq(r, k_identity());
    r0(s);
    r0(want);
}
END_TEST

static K native_add(K *args, int n)
{
    (void)n;
    return kj(args[0]->j + args[1]->j);
}

START_TEST(native_functions)
{
    ck_assert_int_eq(q_global_set(".u.add", q_native_new("add", 2, native_add)), 0);
    q_expect(".u.add[2;3]", kj(5));
    q_expect("f:.u.add[10]; f 5", kj(15));
    q_expect(".u.add . 1 2", kj(3));
}
END_TEST

START_TEST(compositions_and_environment)
{
    q_expect("f:(0|+); f[-3;1]", kj(0));
    q_expect("tc:til count@; tc \"abc\"", q_longs(3, 0LL, 1LL, 2LL));
    q_expect("di:reciprocal(%).; di 2 3", kf(1.5));
    q_expect("0 (0|+)\\-100 2 3 4 -100 6", q_longs(6, 0LL, 2LL, 5LL, 9LL, 0LL, 6LL));
    q_expect("type (0|+)", kh(K_COMPOSITION));
    /* '[f;g]: explicit composition, g applied first; a quote before a noun signals */
    q_expect("f:{2*x};ff:{[w;x;y;z]w+x+y+z};'[f;ff][1;2;3;4]", kj(20));
    q_expect("'[neg;sum;til] 4", kj(-6));
    q_expect("type '[neg;+]", kh(K_COMPOSITION));
    q_expect_err("'[neg]", "rank");
    q_expect_err("'`boom", "boom");
    q_expect("type .z.p", kh(-KP));
    q_expect("type .z.D", kh(-KD));
    q_expect(".z.p>2020.01.01D00:00:00.000000000", kb(1));
    q_expect("{.z.s} 1", q_eval("{.z.s}", 6));
    q_expect_err("{.z.s[]}[]", "stack");
    q_expect("0 \"2+3\"", kj(5));
    q_expect("0 (+;2;3)", kj(5));
    q_expect("system \"t\"", kj(0));
    q_expect("type system \"t til 10\"", kh(-KJ));
    q_expect("`f`g~system \"f .cfw\"", kb(0));
    q_expect(".cfw.f:{x};.cfw.g:{y};.cfw.v:1;`f`g~system \"f .cfw\"", kb(1));
    q_expect_err("cos:12", "assign");
    q_expect("r:1 1;x:10;while[x-:1;r,:sum -2#r];count r", kj(11));
    q_expect("f:{x+y*3};`f[5;3]", kj(14));
    q_expect("avg ([]a:3 5; b:6 8f)", xD(q_syms(2, "a", "b"), q_floats(2, 4.0, 7.0)));
}
END_TEST

/* §7 rows E049 Z035 Z037 Z014 Z015 and users' reports: tables[] in name order, \x
 * undefines a handler, .z.z, protected apply on a handle, 0N! in single-line form. */
START_TEST(process_names_and_handles)
{
    q_expect(".cfn5.t2:([]a:1 2);.cfn5.t1:([]b:1);tables `.cfn5", q_syms(2, "t1", "t2"));
    q_expect("u:([]a:1);t:([]a:1);a:1;tables[]", q_syms(2, "t", "u"));
    q_expect_err("tables{x}", "type");
    q_expect(".z.pg:{x};system \"x .z.pg\";@[value;\".z.pg\";{x}]", kp(".z.pg"));
    q_expect("type .z.z", kh(-KZ));
    q_expect("(`date$.z.Z)=.z.D", kb(1));
    q_expect("`timestamp$2026.11.27T12:00:00.123",
             ktj(-KP, (J)ymd(2026, 11, 27) * K_NS_PER_DAY + 12LL * 3600000000000LL + 123000000LL));
    q_expect("@[0;\"1+1\";{x}]", kj(2));
    q_expect("@[0;\"1+`a\";{x}]", kp("type"));
    q_expect(".[0;enlist \"1+`a\";{`trapped}]", ks("trapped"));
    q_expect("0N!(1;`a)", knk(2, kj(1), ks("a")));
    K types = ktn(KH, 2);
    kH(types)[0] = kH(types)[1] = -KS;
    q_expect("(type .z.h;type .z.u)", types);
}
END_TEST

/* Files (q-subset.md §5.6, §7 Z067-Z083): set/get/key, logs through a file handle and
 * -11!, 0: text files, .Q.en and .Q.dpft. Runs in a scratch directory. */
START_TEST(files_and_logs)
{
    char dir[] = "/tmp/test_q_files_XXXXXX", cwd[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(chdir(dir), 0);
    q_expect("`:f1 set 1 2 3", ks(":f1"));
    q_expect("get `:f1", q_longs(3, 1LL, 2LL, 3LL));
    q_expect("`:f2 set `a`b;value `:f2", q_syms(2, "a", "b"));
    q_expect("t:([]a:1 2;b:`x`y);`:f3 set t;t~get `:f3", kb(1));
    q_expect("key `:f1", ks(":f1"));
    q_expect("key `:nofile", ktn(0, 0));
    q_expect("`:sub/g set 1;key `:sub", q_syms(1, "g"));
    q_expect("`:log set ()", ks(":log"));
    int h = q_file_hopen("log");
    ck_assert_int_gt(h, 0);
    char src[128];
    snprintf(src, sizeof src, "h:%d;h enlist (`lf;1);h enlist (`lf;2)", h);
    q_expect(src, kj(h));
    ck_assert_int_eq(q_file_hclose(h), 0);
    ck_assert_int_eq(q_file_hclose(h), -1);
    q_expect("acc:();lf:{acc,:x};n:-11!`:log;(n;acc)", knk(2, kj(2), q_longs(2, 1LL, 2LL)));
    q_expect("-11!(-2;`:log)", kj(2));
    q_expect("get `:log", knk(2, knk(2, ks("lf"), kj(1)), knk(2, ks("lf"), kj(2))));
    q_expect("`:s.q 0: enlist \"v9:99\";system \"l s.q\";v9", kj(99));
    q_expect("r:.Q.en[`:db;([]s:`b`a`b;v:1 2 3)];(sym;r`v)", knk(2, q_syms(2, "b", "a"), q_longs(3, 1LL, 2LL, 3LL)));
    q_expect("(type r`s;r[`s]~`sym$`b`a`b;type r`v)", knk(3, kh(20), kb(1), kh(KJ)));  /* enumerated */
    q_expect("ct:([]v:1 2 3;s:`b`a`b);.Q.dpft[`:db;2026.11.27;`s;`ct]", ks("ct"));
    q_expect("get `:db/2026.11.27/ct/v", q_longs(3, 2LL, 1LL, 3LL));
    q_expect("get `:db/2026.11.27/ct/.d", q_syms(2, "s", "v"));
    q_expect("get `:db/2026.11.27/ct/s", q_syms(3, "a", "b", "b"));
    q_expect_err(".Q.dpft[`:db;2026.11.27;`nosuch;`ct]", "nosuch");
    q_expect("`:t.txt 0: (\"ab\";\"c\");(read0 `:t.txt;hcount `:t.txt)",
             knk(2, knk(2, kp("ab"), kp("c")), kj(5)));
    K bytes = ktn(KG, 5);
    memcpy(kG(bytes), "ab\nc\n", 5);
    q_expect("read1 `:t.txt", bytes);
    q_expect("hdel `:t.txt", ks(":t.txt"));
    q_expect("key `:t.txt", ktn(0, 0));
    q_restrict_set(1);
    q_expect_err("`:f4 set 1", "access");
    q_restrict_set(0);
    ck_assert_int_eq(system("rm -rf sub db f1 f2 f3 log s.q"), 0);
    ck_assert_int_eq(chdir(cwd), 0);
    ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("q_eval");
    TCase *tc = tcase_create("eval");
    tcase_add_checked_fixture(tc, q_setup, q_teardown);
    tcase_add_test(tc, right_to_left);
    tcase_add_test(tc, assignment_forms);
    tcase_add_test(tc, fuzz_regressions);
    tcase_add_test(tc, lambdas);
    tcase_add_test(tc, control);
    tcase_add_test(tc, iterators);
    tcase_add_test(tc, errors_and_traps);
    tcase_add_test(tc, deep_recursion_is_stack);
    tcase_add_test(tc, namespaces);
    tcase_add_test(tc, value_messages);
    tcase_add_test(tc, native_functions);
    tcase_add_test(tc, compositions_and_environment);
    tcase_add_test(tc, process_names_and_handles);
    tcase_add_test(tc, files_and_logs);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
