/* test_config.c: JSON schemas: the shipped config/sym.json, type names, attributes,
 * tick.q's time/sym rule and every error text.
 * SPDX-License-Identifier: MIT */
#include "check_run.h"

#include <string.h>

#include "config.h"

static K col_of(K schema, const char *table, J i)
{
    K names = kK(schema)[0];
    for (J t = 0; t < names->n; t++)
        if (kS(names)[t] == ss(table)) return kK(kK(kK(kK(schema)[1])[t]->k)[1])[i];
    return NULL;
}

START_TEST(shipped_schema_loads)
{
    char err[CFG_ERR_BYTES] = "";
    K schema = cfg_schema_load(TICK_SOURCE_DIR "/config/sym.json", err);
    ck_assert_msg(schema != NULL, "%s", err);
    K names = kK(schema)[0];
    ck_assert_int_eq(names->n, 2);
    ck_assert_ptr_eq(kS(names)[0], ss("trade"));    /* file order is kept */
    ck_assert_ptr_eq(kS(names)[1], ss("quote"));
    K trade = kK(kK(schema)[1])[0];
    ck_assert_int_eq(trade->t, XT);
    ck_assert_int_eq(k_count(trade), 0);
    ck_assert_int_eq(kK(trade->k)[0]->n, 7);
    int want[] = { KN, KS, KF, KI, KB, KC, KC };
    for (int i = 0; i < 7; i++) ck_assert_int_eq(col_of(schema, "trade", i)->t, want[i]);
    ck_assert_int_eq(col_of(schema, "trade", 1)->a, K_ATTR_GROUPED);
    ck_assert_int_eq(col_of(schema, "quote", 4)->t, KJ);
    r0(schema);
}
END_TEST

START_TEST(type_names_and_letters)
{
    ck_assert_int_eq(cfg_type_code("float"), KF);
    ck_assert_int_eq(cfg_type_code("f"), KF);
    ck_assert_int_eq(cfg_type_code("timespan"), KN);
    ck_assert_int_eq(cfg_type_code("n"), KN);
    ck_assert_int_eq(cfg_type_code("guid"), UU);
    ck_assert_int_eq(cfg_type_code("time"), KT);
    ck_assert_int_eq(cfg_type_code("decimal"), -1);
    ck_assert_int_eq(cfg_type_code(""), -1);
}
END_TEST

static void expect_error(const char *json, const char *fragment)
{
    char err[CFG_ERR_BYTES] = "";
    K schema = cfg_schema_parse(json, err);
    ck_assert_msg(schema == NULL, "%s parsed", json);
    ck_assert_msg(strstr(err, fragment) != NULL, "%s: '%s' lacks '%s'", json, err, fragment);
}

START_TEST(bad_schemas_explained)
{
    expect_error("{", "line 1");
    expect_error("[]", "object of tables");
    expect_error("{}", "object of tables");
    expect_error("{\"t\": 3}", "table t: columns must be a non-empty array");
    expect_error("{\"t\": []}", "non-empty array");
    expect_error("{\"t\": [1]}", "column 0 is not an object");
    expect_error("{\"t\": [{\"type\": \"float\"}]}", "column 0 has no \"name\"");
    expect_error("{\"t\": [{\"name\": \"time\", \"type\": \"decimal\"}]}", "column 0 has no known \"type\"");
    expect_error("{\"t\": [{\"name\": \"time\", \"type\": \"timespan\", \"attr\": \"x\"}]}", "\"attr\"");
    expect_error("{\"t\": [{\"name\": \"time\", \"type\": \"timespan\"},"
                 " {\"name\": \"px\", \"type\": \"float\"}]}", "'timesym");
    expect_error("{\"t\": [{\"name\": \"time\", \"type\": \"n\"}, {\"name\": \"sym\", \"type\": \"s\"}],"
                 " \"t\": [{\"name\": \"time\", \"type\": \"n\"}]}", "duplicate");
    char err[CFG_ERR_BYTES];
    ck_assert_ptr_null(cfg_schema_load("/nonexistent/sym.json", err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/sym.json"));
    K notdict = ktn(KJ, 1);
    ck_assert_int_eq(cfg_schema_check(notdict, err), -1);
    r0(notdict);
}
END_TEST

START_TEST(minimal_schema)
{
    char err[CFG_ERR_BYTES];
    K schema = cfg_schema_parse("{\"t\": [{\"name\": \"time\", \"type\": \"p\"},"
                                " {\"name\": \"sym\", \"type\": \"s\", \"attr\": \"p\"}]}", err);
    ck_assert_ptr_nonnull(schema);
    ck_assert_int_eq(col_of(schema, "t", 0)->t, KP);
    ck_assert_int_eq(col_of(schema, "t", 1)->a, K_ATTR_PARTED);
    ck_assert_int_eq(cfg_schema_check(schema, err), 0);
    r0(schema);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, shipped_schema_loads);
    tcase_add_test(tc, type_names_and_letters);
    tcase_add_test(tc, bad_schemas_explained);
    tcase_add_test(tc, minimal_schema);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
