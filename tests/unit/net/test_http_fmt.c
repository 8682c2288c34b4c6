/* test_http_fmt.c: the built-in HTTP renderers (http_fmt.c, internal to common/net):
 * text forms of every atom type and of nulls, CSV of tables with quoted strings, JSON
 * of atoms, nulls, dictionaries and tables, and HTML escaping. SPDX-License-Identifier: MIT */
#include <check.h>
#include <string.h>

#include "net_int.h"

/* Render x with fn and compare with want. Ownership: x consumed. */
static void check_fmt(K (*fn)(K), K x, const char *want)
{
    K out = fn(x);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(out->t, KC);
    ck_assert_msg(out->n == (J)strlen(want) && !memcmp(kC(out), want, (size_t)out->n),
                  "got '%.*s', want '%s'", (int)out->n, (char *)kC(out), want);
    r0(out);
    r0(x);
}

START_TEST(text_atoms_and_temporals)
{
    check_fmt(http_fmt_text, kj(42), "42");
    check_fmt(http_fmt_text, kj(nj), "0N");
    check_fmt(http_fmt_text, kf(nf), "0n");
    check_fmt(http_fmt_text, kf(2.5), "2.5");
    check_fmt(http_fmt_text, ks("abc"), "`abc");
    check_fmt(http_fmt_text, kd(0), "2000.01.01");
    check_fmt(http_fmt_text, kd(-1), "1999.12.31");
    check_fmt(http_fmt_text, kt(34200000), "09:30:00.000");
    check_fmt(http_fmt_text, ktj(-KN, 34200000000000LL), "0D09:30:00.000000000");
    check_fmt(http_fmt_text, ktj(-KP, K_NS_PER_DAY + 1), "2000.01.02D00:00:00.000000001");
    K m = ka(-KM); m->i = 13;
    check_fmt(http_fmt_text, m, "2001.02");
    K u = ka(-KU); u->i = 61;
    check_fmt(http_fmt_text, u, "01:01");
    K v = ka(-KV); v->i = 3661;
    check_fmt(http_fmt_text, v, "01:01:01");
    check_fmt(http_fmt_text, kp("hi"), "hi");
    K syms = ktn(KS, 2); kS(syms)[0] = ss("a"); kS(syms)[1] = ss("b");
    check_fmt(http_fmt_text, syms, "`a`b");
    check_fmt(http_fmt_text, krr("oops"), "'oops");
}
END_TEST

static K small_table(void)
{
    K names = ktn(KS, 2); kS(names)[0] = ss("s"); kS(names)[1] = ss("n");
    K strs = knk(2, kp("a,b"), kp("say \"hi\""));
    K ns = ktn(KJ, 2); kJ(ns)[0] = 1; kJ(ns)[1] = nj;
    return xT(xD(names, knk(2, strs, ns)));
}

START_TEST(csv_quotes_strings)
{
    check_fmt(http_fmt_csv, small_table(), "s,n\n\"a,b\",1\n\"say \"\"hi\"\"\",0N\n");
}
END_TEST

START_TEST(json_forms)
{
    check_fmt(http_fmt_json, small_table(), "[{\"s\":\"a,b\",\"n\":1},{\"s\":\"say \\\"hi\\\"\",\"n\":null}]");
    check_fmt(http_fmt_json, kf(nf), "null");
    check_fmt(http_fmt_json, kb(1), "true");
    K keys = ktn(KS, 1); kS(keys)[0] = ss("k");
    check_fmt(http_fmt_json, xD(keys, knk(1, kp("v"))), "{\"k\":\"v\"}");
    check_fmt(http_fmt_json, kd(0), "\"2000.01.01\"");
}
END_TEST

START_TEST(html_escaping)
{
    const char *text = "<a href=\"x\">&</a>";
    K out = http_fmt_html_escape(text, (J)strlen(text));
    const char *want = "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;";
    ck_assert_int_eq(out->n, (J)strlen(want));
    ck_assert(!memcmp(kC(out), want, strlen(want)));
    r0(out);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_http_fmt");
    TCase *t = tcase_create("http_fmt");
    tcase_add_test(t, text_atoms_and_temporals);
    tcase_add_test(t, csv_quotes_strings);
    tcase_add_test(t, json_forms);
    tcase_add_test(t, html_escaping);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
