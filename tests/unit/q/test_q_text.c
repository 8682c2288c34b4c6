/* test_q_text.c: `0:` from text to values (prim_text.c): delimited records with and
 * without a header line, skipped and string columns, quoted fields, short records,
 * CRLF lines, key-value pairs, files, save/load, ssr, and the errors; restricted mode
 * reads and writes no files.
 * SPDX-License-Identifier: MIT */
#include "../check_run.h"
#include "q_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define q_true(src) q_expect(src, kb(1))

START_TEST(delimited_records)
{
    q_true("(([]a:1 2;b:`x`y))~(\"JS\";enlist \",\")0:(\"a,b\";\"1,x\";\"2,y\")");
    q_true("(1 2;`x`y)~(\"JS\";\",\")0:(\"1,x\";\"2,y\")");
    q_true("(([]b:`x`y))~(\" S\";enlist \",\")0:(\"a,b\";\"1,x\";\"2,y\")");
    q_true("(enlist(\"ab\";enlist\"c\"))~(enlist \"*\";\"|\")0:(\"ab|1\";\"c|2\")");
    q_true("(1.5 0n;\"ab\")~(\"FC\";\"\\t\")0:(\"1.5\\ta\";\"\\tb\")");
    q_true("(([]a:0N 1;b:``x))~(\"JS\";enlist \",\")0:(\"a,b\";\"\";\"1,x\")");
}
END_TEST

START_TEST(quoting_and_lines)
{
    q_true("(enlist(\"a, b\";\"say \\\"hi\\\"\"))~(enlist\"*\";\",\")0:(\"\\\"a, b\\\"\";\"\\\"say \\\"\\\"hi\\\"\\\"\\\"\")");
    q_true("(([]a:1 2;b:`x`y))~(\"JS\";enlist \",\")0:\"a,b\\r\\n1,x\\r\\n2,y\\r\\n\"");
    q_true("\"js\"~exec t from meta(\"JS\";enlist \",\")0:enlist\"a,b\"");
    q_true("0=count(\"JS\";enlist \",\")0:enlist\"a,b\"");
}
END_TEST

START_TEST(key_value_pairs)
{
    q_true("(`one`two`three;(enlist\"1\";enlist\"3\";enlist\"x\"))~\"S=;\"0:\"one=1;two=3;three=x\"");
    q_true("(1 2;(enlist\"a\";\"bc\"))~\"J:|\"0:(\"1:a\";\"2:bc\")");
}
END_TEST

START_TEST(files)
{
    char dir[] = "/tmp/test_q_text.XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[256], src[512];
    snprintf(path, sizeof path, "%s/t.csv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("sym,price,size\nIBM,101.5,100\nMSFT,40.25,200\n", f);
    fclose(f);
    snprintf(src, sizeof src, "(([]sym:`IBM`MSFT;price:101.5 40.25;size:100 200))~(\"SFJ\";enlist\",\")0:`:%s", path);
    q_expect(src, kb(1));
    snprintf(src, sizeof src, "(\"SFJ\";enlist\",\")0:`:%s/none.csv", dir);
    K r = q_eval(src, (J)strlen(src));
    ck_assert_int_eq(r->t, KERR);  /* names the missing file */
    ck_assert_ptr_nonnull(strstr(r->s, "none.csv"));
    r0(r);
    /* save and load: a global to a file of its name and back */
    snprintf(src, sizeof src, "sv1:([]a:1 2;b:`x`y);save `:%s/sv1;sv1:0;load `:%s/sv1;sv1~([]a:1 2;b:`x`y)", dir, dir);
    q_expect(src, kb(1));
    q_expect_err("save `nosuchglobal", "nosuchglobal");
    q_expect_err("save 1", "type");
    snprintf(src, sizeof src, "load `:%s/none", dir);
    r = q_eval(src, (J)strlen(src));
    ck_assert_int_eq(r->t, KERR);
    r0(r);
    q_restrict_set(1);
    snprintf(src, sizeof src, "load `:%s/sv1", dir);
    q_expect_err(src, "access");
    snprintf(src, sizeof src, "get `:%s/sv1", dir);
    q_expect_err(src, "access");
    snprintf(src, sizeof src, "key `:%s", dir);
    q_expect_err(src, "access");
    snprintf(src, sizeof src, "hcount `:%s/sv1", dir);
    q_expect_err(src, "access");
    q_expect_err("save `sv1", "access");
    snprintf(src, sizeof src, "(\"SFJ\";enlist\",\")0:`:%s", path);
    q_expect_err(src, "access");
    snprintf(src, sizeof src, "read0`:%s", path);
    q_expect_err(src, "access");
    q_restrict_set(0);
    unlink(path);
    snprintf(src, sizeof src, "%s/sv1", dir);
    unlink(src);
    rmdir(dir);
}
END_TEST

START_TEST(string_search_replace)
{
    q_true("\"Hello world!\"~ssr[\"Hello word!\";\"rd\";\"rld\"]");
    q_true("\"bbbbbb\"~ssr[\"aaa\";\"a\";\"bb\"]");  /* no rescanning of replacements */
    q_true("\"A1B2\"~ssr[\"a1b2\";\"?\";{upper x}]");
    q_true("\"abc\"~ssr[\"abc\";\"\";\"x\"]");
    q_true("\"xx\"~ssr[\"aaaa\";\"aa\";\"x\"]");   /* matches do not overlap */
    q_expect_err("ssr[\"abc\";`b;\"x\"]", "type");
    q_expect_err("ssr[\"abcb\";\"b\";{1}]", "type");
    q_expect_err("ssr[\"abcb\";\"b\";{'`boom}]", "boom");
}
END_TEST

START_TEST(errors)
{
    q_expect_err("(\"JQ\";enlist \",\")0:(\"a,b\";\"1,x\")", "type");
    q_expect_err("(\"JS\";\",,\")0:(\"a,b\";\"1,x\")", "type");
    q_expect_err("(\"JS\";enlist \",\")0:()", "length");
    q_expect_err("(\"JS\";enlist \",\")0:(1 2)", "type");
    q_expect_err("(\"JS\";enlist \",\")0:(\"a\";1)", "type");
    q_expect_err("\" =;\"0:\"a=1\"", "type");
    q_expect_err("(1;\",\")0:enlist\"a\"", "type");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("q_text");
    TCase *tc = tcase_create("q_text");
    tcase_add_checked_fixture(tc, q_setup, q_teardown);
    tcase_add_test(tc, delimited_records);
    tcase_add_test(tc, quoting_and_lines);
    tcase_add_test(tc, key_value_pairs);
    tcase_add_test(tc, files);
    tcase_add_test(tc, string_search_replace);
    tcase_add_test(tc, errors);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
