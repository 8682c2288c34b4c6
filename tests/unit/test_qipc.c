/* test_qipc.c: parsing hopen's handle symbols (q-subset.md §5.3).
 * The calls themselves are tested end to end by cli/test_tickq.sh.
 * SPDX-License-Identifier: MIT */
#include "check_run.h"

#include "qipc.h"

static int parse(const char *text, char *host, char *cred)
{
    return qipc_parse_target(text, host, 64, cred, 64);
}

START_TEST(handle_symbols)
{
    char host[64], cred[64];
    ck_assert_int_eq(parse(":localhost:5010", host, cred), 5010);
    ck_assert_str_eq(host, "localhost");
    ck_assert_str_eq(cred, "");
    ck_assert_int_eq(parse("::5011", host, cred), 5011);
    ck_assert_str_eq(host, QIPC_DEFAULT_HOST);
    ck_assert_int_eq(parse(":10.1.2.3:5012:user:pa:ss", host, cred), 5012);
    ck_assert_str_eq(host, "10.1.2.3");
    ck_assert_str_eq(cred, "user:pa:ss");
    ck_assert_int_eq(parse("host:1", host, cred), 1);
    ck_assert_int_eq(parse(":host", host, cred), -1);
    ck_assert_int_eq(parse(":host:", host, cred), -1);
    ck_assert_int_eq(parse(":host:0", host, cred), -1);
    ck_assert_int_eq(parse(":host:70000", host, cred), -1);
    ck_assert_int_eq(parse(":host:50x", host, cred), -1);
    char small[4];
    ck_assert_int_eq(qipc_parse_target(":longhostname:5010", small, sizeof small, cred, 64), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qipc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, handle_symbols);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
