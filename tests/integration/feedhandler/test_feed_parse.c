/* test_feed_parse.c: the feed handler's CSV cell parsing (feedhandler/feed_parse.h)
 * through its header: every supported type's q text forms, nulls, ranges and the
 * reasons given for bad text. SPDX-License-Identifier: MIT */
#include <check.h>
#include <math.h>
#include <string.h>

#include "feed_parse.h"

#define NS_PER_S 1000000000LL

/* Parse text into a fresh one-item vector of type; returns it (or NULL on failure, with
 * the reason in why). Ownership: returns new. */
static K cell(int type, const char *text, char *why)
{
    K col = ktn(type, 1);
    if (feed_parse_cell(col, 0, text, strlen(text), why)) { r0(col); return NULL; }
    return col;
}

static J as_long(int type, const char *text)
{
    char why[FEED_WHY_BYTES] = "";
    K col = cell(type, text, why);
    ck_assert_msg(col != NULL, "'%s' as type %d: %s", text, type, why);
    J v = type == KJ || type == KP || type == KN ? kJ(col)[0]
        : type == KH ? kH(col)[0] : type == KB || type == KG ? kG(col)[0] : kI(col)[0];
    r0(col);
    return v;
}

static void assert_bad(int type, const char *text, const char *reason)
{
    char why[FEED_WHY_BYTES] = "";
    K col = cell(type, text, why);
    ck_assert_msg(col == NULL, "'%s' as type %d was accepted", text, type);
    ck_assert_msg(strstr(why, reason), "'%s': reason '%s' lacks '%s'", text, why, reason);
}

START_TEST(integers_and_booleans)
{
    ck_assert_int_eq(as_long(KJ, "-42"), -42);
    ck_assert_int_eq(as_long(KI, "7i"), 7);
    ck_assert_int_eq(as_long(KI, ""), ni);
    ck_assert_int_eq(as_long(KI, "0N"), ni);
    ck_assert_int_eq(as_long(KJ, "0W"), wj);
    ck_assert_int_eq(as_long(KH, "32767"), 32767);
    ck_assert_int_eq(as_long(KG, "0xff"), 255);
    ck_assert_int_eq(as_long(KG, "12"), 12);
    ck_assert_int_eq(as_long(KB, "true"), 1);
    ck_assert_int_eq(as_long(KB, "FALSE"), 0);
    ck_assert_int_eq(as_long(KB, "1b"), 1);
    ck_assert_int_eq(as_long(KB, "0"), 0);
    assert_bad(KH, "32768", "bad short '32768'");
    assert_bad(KI, "2147483648", "bad int");
    assert_bad(KJ, "12x", "bad long '12x'");
    assert_bad(KJ, "99999999999999999999", "bad long");
    assert_bad(KB, "2", "bad boolean '2'");
    assert_bad(KG, "256", "bad byte");
}
END_TEST

START_TEST(floats_chars_symbols)
{
    char why[FEED_WHY_BYTES];
    K f = cell(KF, "1.5e2", why);
    ck_assert_double_eq(kF(f)[0], 150.0);
    r0(f);
    f = cell(KF, "0n", why);
    ck_assert(isnan(kF(f)[0]));
    r0(f);
    f = cell(KF, "-0w", why);
    ck_assert(isinf(kF(f)[0]) && kF(f)[0] < 0);
    r0(f);
    f = cell(KE, "2.25", why);
    ck_assert_float_eq(kE(f)[0], 2.25f);
    r0(f);
    assert_bad(KF, "nan", "bad float 'nan'");
    assert_bad(KF, "0x10", "bad float");
    assert_bad(KF, "1.2.3", "bad float");
    K c = cell(KC, "", why);
    ck_assert_int_eq(kC(c)[0], ' ');
    r0(c);
    assert_bad(KC, "AB", "one character expected");
    K s = cell(KS, "IBM.N", why);
    ck_assert_ptr_eq(kS(s)[0], ss("IBM.N"));   /* interned */
    r0(s);
}
END_TEST

START_TEST(temporals)
{
    ck_assert_int_eq(as_long(KD, "2000.01.02"), 1);
    ck_assert_int_eq(as_long(KD, "2024-02-29"), ymd(2024, 2, 29));
    ck_assert_int_eq(as_long(KM, "2001.02"), 13);
    ck_assert_int_eq(as_long(KM, "2001.02m"), 13);
    ck_assert_int_eq(as_long(KT, "09:30:00.123"), (9 * 3600 + 30 * 60) * 1000 + 123);
    ck_assert_int_eq(as_long(KV, "00:01:05"), 65);
    ck_assert_int_eq(as_long(KU, "01:02"), 62);
    ck_assert_int_eq(as_long(KN, "0D00:00:01.000000001"), NS_PER_S + 1);
    ck_assert_int_eq(as_long(KN, "09:30"), (J)(9 * 3600 + 30 * 60) * NS_PER_S);
    ck_assert_int_eq(as_long(KN, "-1D00:00:00"), -K_NS_PER_DAY);
    ck_assert_int_eq(as_long(KN, "0Nn"), nj);
    ck_assert_int_eq(as_long(KP, "2000.01.01D00:00:00.5"), NS_PER_S / 2);
    ck_assert_int_eq(as_long(KP, "2000.01.02T00:00:01"), K_NS_PER_DAY + NS_PER_S);
    ck_assert_int_eq(as_long(KP, "2000.01.02"), K_NS_PER_DAY);
    assert_bad(KD, "2023.02.29", "bad date '2023.02.29'");
    assert_bad(KD, "2023.13.01", "bad date");
    assert_bad(KT, "09:60:00", "bad time");
    assert_bad(KN, "09:30:00.", "bad timespan");
    assert_bad(KP, "2000.01.01X00:00", "bad timestamp");
    assert_bad(KU, "1:2", "bad minute");
}
END_TEST

START_TEST(typed_setters_and_nulls)
{
    K i = ktn(KI, 2), s = ktn(KS, 1), c = ktn(KC, 1);
    feed_col_put_float(i, 0, 2.6);
    feed_col_null(i, 1);
    ck_assert_int_eq(kI(i)[0], 3);   /* rounds to nearest */
    ck_assert_int_eq(kI(i)[1], ni);
    feed_col_put_char(s, 0, 'N');
    ck_assert_ptr_eq(kS(s)[0], ss("N"));
    feed_col_put_sym(c, 0, ss("OX"));
    ck_assert_int_eq(kC(c)[0], 'O');
    ck_assert(feed_parse_type_ok(KP) && !feed_parse_type_ok(UU) && !feed_parse_type_ok(0));
    r0(i);
    r0(s);
    r0(c);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("feed_parse");
    TCase *tc = tcase_create("cells");
    tcase_add_test(tc, integers_and_booleans);
    tcase_add_test(tc, floats_chars_symbols);
    tcase_add_test(tc, temporals);
    tcase_add_test(tc, typed_setters_and_nulls);
    suite_add_tcase(suite, tc);
    SRunner *sr = srunner_create(suite);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
