/* test_console.c: when the q console prints a result (q-subset.md §7.2): not after a
 * trailing ';' or an assignment as the last statement, and what console_eval prints.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

static int silent(const char *src) { return console_is_silent(src, (J)strlen(src)); }

START_TEST(silent_lines)
{
    ck_assert(silent("a:1"));
    ck_assert(silent("a::1"));
    ck_assert(silent("a+:1"));
    ck_assert(silent("a,:1 2"));
    ck_assert(silent("a[1]:2"));
    ck_assert(silent(".u.w[`t]:()"));
    ck_assert(silent("f:{x:1;x+y}"));
    ck_assert(silent("b:2;a:1"));
    ck_assert(silent("0N!enlist 1;"));
    ck_assert(silent("x ; "));
    ck_assert(silent("a:1 / set a"));
}
END_TEST

START_TEST(printing_lines)
{
    ck_assert(!silent("42"));
    ck_assert(!silent("a:1;a"));
    ck_assert(!silent("(a:1)"));
    ck_assert(!silent("1+a:1"));
    ck_assert(!silent("show a:1"));
    ck_assert(!silent("{a:1}[]"));
    ck_assert(!silent("\"a;b:1\""));
    ck_assert(!silent("a=1"));
    ck_assert(!silent("f[a:1;2]"));
    ck_assert(!silent("/ just a comment"));  /* q_eval gives ::, which prints nothing */
}
END_TEST

START_TEST(eval_text)
{
    ck_assert_int_eq(q_init(), 0);
    int is_error = -1;
    K r = console_eval("1+1", 3, &is_error);
    ck_assert_int_eq(is_error, 0);
    ck_assert_int_eq(r->n, 1);
    ck_assert_int_eq(kC(r)[0], '2');
    r0(r);
    r = console_eval("cfa:1", 5, &is_error);
    ck_assert_int_eq(is_error, 0);
    ck_assert_int_eq(r->n, 0);
    r0(r);
    r = console_eval("1+`a", 4, &is_error);
    ck_assert_int_eq(is_error, 1);
    ck_assert(r->n == 5 && memcmp(kC(r), "'type", 5) == 0);
    r0(r);
    q_fini();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("console");
    TCase *tc = tcase_create("console");
    tcase_add_test(tc, silent_lines);
    tcase_add_test(tc, printing_lines);
    tcase_add_test(tc, eval_text);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    tk_sym_fini();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
