/* test_feed_gen.c: the demo generator (feedhandler/feed_gen.h) against
 * tick-architecture.md §12: column types from the schema, value ranges, alphabets,
 * exchanges, cents, message sizes, and the same stream for the same seed.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "feed_gen.h"

#define MESSAGES 2000
#define CENTS 100.0
#define CENT_TOLERANCE 1e-6

static K schema;

static void setup(void)
{
    char err[CFG_ERR_BYTES];
    schema = cfg_schema_load(getenv("SCHEMA"), err);
    ck_assert_msg(schema != NULL, "%s", err);
}

static void teardown(void) { r0(schema); }

static int is_cents(F x) { return fabs(x * CENTS - round(x * CENTS)) < CENT_TOLERANCE; }

/* The cookbook's exchange for a symbol. */
static C exchange_of(S sym)
{
    static const char *names[] = { "AMD", "AIG", "AAPL", "DELL", "DOW", "GOOG", "HPQ", "INTC", "IBM", "MSFT" };
    static const char ex[] = "NONNONONNN";
    for (int k = 0; k < 10; k++) if (!strcmp(sym, names[k])) return ex[k];
    return 0;
}

/* Check one trade message (sym price size stop cond ex). Ownership: d borrowed. */
static void check_trade(K d, J rows)
{
    ck_assert_int_eq(d->n, 6);
    ck_assert(rows >= 1 && rows <= FEED_GEN_MAX_TRADES);
    int types[] = { KS, KF, KI, KB, KC, KC };
    for (int c = 0; c < 6; c++) ck_assert_int_eq(kK(d)[c]->t, types[c]);
    for (J i = 0; i < rows; i++) {
        ck_assert(kF(kK(d)[1])[i] > 0 && is_cents(kF(kK(d)[1])[i]));
        ck_assert(kI(kK(d)[2])[i] >= 0 && kI(kK(d)[2])[i] <= 98);
        ck_assert(kG(kK(d)[3])[i] <= 1);
        ck_assert_ptr_nonnull(strchr(" 89ABCEGJKLNOPRTWZ", kC(kK(d)[4])[i]));
        ck_assert_int_eq(kC(kK(d)[5])[i], exchange_of(kS(kK(d)[0])[i]));
    }
}

/* Check one quote message (sym bid ask bsize asize mode ex). Ownership: d borrowed. */
static void check_quote(K d, J rows)
{
    ck_assert_int_eq(d->n, 7);
    ck_assert(rows >= 1 && rows <= FEED_GEN_QUOTES_PER_TRADE * FEED_GEN_MAX_TRADES);
    int types[] = { KS, KF, KF, KJ, KJ, KC, KC };
    for (int c = 0; c < 7; c++) ck_assert_int_eq(kK(d)[c]->t, types[c]);
    for (J i = 0; i < rows; i++) {
        F bid = kF(kK(d)[1])[i], ask = kF(kK(d)[2])[i];
        ck_assert(is_cents(bid) && is_cents(ask) && bid <= ask && ask - bid < 2.0);
        ck_assert(kJ(kK(d)[3])[i] >= 10 && kJ(kK(d)[3])[i] <= 99);
        ck_assert(kJ(kK(d)[4])[i] >= 10 && kJ(kK(d)[4])[i] <= 99);
        ck_assert_ptr_nonnull(strchr(" ABHILNORYZ", kC(kK(d)[5])[i]));
        ck_assert_int_eq(kC(kK(d)[6])[i], exchange_of(kS(kK(d)[0])[i]));
    }
}

START_TEST(messages_follow_the_cookbook)
{
    struct feed_gen g;
    char err[FEED_GEN_ERR_BYTES];
    ck_assert_int_eq(feed_gen_init(&g, schema, NULL, FEED_GEN_DEFAULT_SEED, 0, err), 0);
    J n[FEED_GEN_TABLES] = { 0 }, max_rows[FEED_GEN_TABLES] = { 0 };
    for (int m = 0; m < MESSAGES; m++) {
        int t;
        J rows;
        K d = feed_gen_next(&g, &t, &rows);
        if (t == FEED_GEN_TRADE) check_trade(d, rows); else check_quote(d, rows);
        n[t]++;
        if (rows > max_rows[t]) max_rows[t] = rows;
        r0(d);
    }
    /* an even coin, and sizes that reach their maxima */
    ck_assert(n[FEED_GEN_TRADE] > MESSAGES / 3 && n[FEED_GEN_QUOTE] > MESSAGES / 3);
    ck_assert_int_eq(max_rows[FEED_GEN_TRADE], FEED_GEN_MAX_TRADES);
    ck_assert_int_eq(max_rows[FEED_GEN_QUOTE], FEED_GEN_QUOTES_PER_TRADE * FEED_GEN_MAX_TRADES);
    /* the walks stay near their start prices over a short run */
    ck_assert(g.syms[2].price > 84 * 0.5 && g.syms[2].price < 84 * 2.0);
    feed_gen_fini(&g);
}
END_TEST

START_TEST(same_seed_same_stream)
{
    struct feed_gen a, b, c;
    char err[FEED_GEN_ERR_BYTES];
    ck_assert_int_eq(feed_gen_init(&a, schema, "IBM,XYZ:5:Q", 42, 3, err), 0);
    ck_assert_int_eq(feed_gen_init(&b, schema, "IBM,XYZ:5:Q", 42, 3, err), 0);
    ck_assert_int_eq(feed_gen_init(&c, schema, "IBM,XYZ:5:Q", 43, 3, err), 0);
    int differs = 0;
    for (int m = 0; m < 50; m++) {
        int ta, tb, tc;
        J ra, rb, rc;
        K x = feed_gen_next(&a, &ta, &ra), y = feed_gen_next(&b, &tb, &rb), z = feed_gen_next(&c, &tc, &rc);
        ck_assert(ta == tb && ra == 3 && rb == 3 && rc == 3 && k_match(x, y));
        differs |= !k_match(x, z);
        for (J i = 0; i < ra; i++) {
            S sym = kS(kK(x)[0])[i];
            ck_assert(sym == ss("IBM") || sym == ss("XYZ"));
            if (sym == ss("XYZ")) ck_assert_int_eq(kC(kK(x)[ta == FEED_GEN_TRADE ? 5 : 6])[i], 'Q');
        }
        r0(x);
        r0(y);
        r0(z);
    }
    ck_assert(differs);
    feed_gen_fini(&a);
    feed_gen_fini(&b);
    feed_gen_fini(&c);
}
END_TEST

START_TEST(schema_type_mismatch_is_reported)
{
    char err[FEED_GEN_ERR_BYTES];
    K bad = cfg_schema_parse("{\"trade\":[{\"name\":\"time\",\"type\":\"timespan\"},{\"name\":\"sym\",\"type\":\"symbol\"},"
                             "{\"name\":\"price\",\"type\":\"symbol\"}],"
                             "\"quote\":[{\"name\":\"time\",\"type\":\"timespan\"},{\"name\":\"sym\",\"type\":\"symbol\"}]}", err);
    ck_assert_msg(bad != NULL, "%s", err);
    struct feed_gen g;
    ck_assert_int_eq(feed_gen_init(&g, bad, NULL, 1, 0, err), -1);
    ck_assert_msg(strstr(err, "trade.price") && strstr(err, "float or real"), "%s", err);
    r0(bad);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("feed_gen");
    TCase *tc = tcase_create("demo");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, messages_follow_the_cookbook);
    tcase_add_test(tc, same_seed_same_stream);
    tcase_add_test(tc, schema_type_mismatch_is_reported);
    suite_add_tcase(suite, tc);
    SRunner *sr = srunner_create(suite);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
