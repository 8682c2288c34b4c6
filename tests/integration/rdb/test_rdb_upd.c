/* test_rdb_upd.c: the rdb's native upd and journal replay in-process (rdb_upd.c,
 * rdb_tp.c): the three data forms, whole refusal of bad data, copy on write, the q upd
 * override, and resynchronisation that skips exactly the rows already held.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "q.h"
#include "qnative.h"
#include "rdb.h"

#define T_ROWS 5

/* (`t; ([] sym:`symbol$(); px:`float$())) as the TP's subscription reply holds it. */
static K schema(void)
{
    K names = ktn(KS, 2);
    kS(names)[0] = ss("sym");
    kS(names)[1] = ss("px");
    K t = xT(xD(names, knk(2, ktn(KS, 0), ktn(KF, 0))));
    return knk(1, knk(2, ks("t"), t));
}

/* Columns (syms s0.., prices p0..) for n rows starting at k. Ownership: returns new. */
static K cols(J k, J n)
{
    K s = ktn(KS, n), p = ktn(KF, n);
    for (J i = 0; i < n; i++) {
        char name[16];
        snprintf(name, sizeof name, "s%lld", (long long)(k + i));
        kS(s)[i] = ss(name);
        kF(p)[i] = (F)(k + i);
    }
    return knk(2, s, p);
}

static J count_t(void)
{
    K n = q_eval("count t", 7);
    J v = n && n->t == -KJ ? n->j : -1;
    r0(n);
    return v;
}

static void setup(void)
{
    ck_assert(q_init() == 0);
    ck_assert(rdb_upd_register() == 0);
    K s = schema();
    ck_assert(rdb_tables_set(s) == 0);
    r0(s);
}

static void teardown(void)
{
    rdb_upd_fini();
    q_fini();
}

START_TEST(forms_and_skip)
{
    K c = cols(0, T_ROWS);
    K r = rdb_insert(ss("t"), c, 0);           /* a list of columns (journal records) */
    ck_assert(r && r->t != KERR);
    r0(r);
    ck_assert_int_eq(count_t(), T_ROWS);
    K g = q_global_get("t");
    K tbl = xT(xD(r1(kK(g->k)[0]), r1(c)));   /* a table (live messages) */
    r0(g);
    r = rdb_insert(ss("t"), tbl, 0);
    ck_assert(r && r->t != KERR);
    r0(r);
    r0(tbl);
    ck_assert_int_eq(count_t(), 2 * T_ROWS);
    K row = knk(2, ks("z"), kf(9.5));          /* one row of atoms */
    r = rdb_insert(ss("t"), row, 0);
    ck_assert(r && r->t != KERR);
    r0(r);
    ck_assert_int_eq(count_t(), 2 * T_ROWS + 1);
    r0(rdb_insert(ss("t"), c, 3));             /* only rows 3 and 4 */
    ck_assert_int_eq(count_t(), 2 * T_ROWS + 3);
    K last = q_eval("last t`px", 9);
    ck_assert(last && last->t == -KF && last->f == 4.0);
    r0(last);
    r0(rdb_insert(ss("t"), c, T_ROWS));        /* everything held: nothing */
    ck_assert_int_eq(count_t(), 2 * T_ROWS + 3);
    K a = q_eval("attr t`sym", 10);
    ck_assert(a && a->t == -KS && !strcmp(a->s, "g"));
    r0(a);
    r0(row);
    r0(c);
}
END_TEST

START_TEST(bad_data_refused_whole)
{
    K bad = knk(2, ktn(KS, 2), ktn(KF, 3));   /* lengths differ */
    K r = rdb_insert(ss("t"), bad, 0);
    ck_assert(r && r->t == KERR && !strcmp(r->s, "length"));
    r0(r);
    r0(bad);
    bad = knk(2, ktn(KS, 1), ktn(KJ, 1));     /* px is float */
    r = rdb_insert(ss("t"), bad, 0);
    ck_assert(r && r->t == KERR && !strcmp(r->s, "type"));
    r0(r);
    r0(bad);
    r = rdb_insert(ss("nosuch"), bad = cols(0, 1), 0);
    ck_assert(r && r->t == KERR);
    r0(r);
    r0(bad);
    ck_assert_int_eq(count_t(), 0);
}
END_TEST

START_TEST(copy_on_write)
{
    K c = cols(0, T_ROWS);
    r0(rdb_insert(ss("t"), c, 0));
    K held = q_global_get("t");             /* a query keeps the table */
    K col = r1(kK(kK(held->k)[1])[1]);       /* and one column */
    r0(rdb_insert(ss("t"), c, 0));
    ck_assert_int_eq(count_t(), 2 * T_ROWS);
    ck_assert_int_eq(k_count(held), T_ROWS);
    ck_assert_int_eq(col->n, T_ROWS);
    r0(held);
    K held2 = q_global_get("t");
    r0(rdb_insert(ss("t"), c, 0));
    ck_assert_int_eq(k_count(held2), 2 * T_ROWS);   /* appended copy, not the kept one */
    ck_assert_int_eq(count_t(), 3 * T_ROWS);
    r0(held2);
    r0(col);
    r0(c);
}
END_TEST

START_TEST(q_upd_replaces_native)
{
    K r = q_eval("n:0; upd:{[t;x] n+::1}", 22);
    ck_assert(r && r->t != KERR);
    r0(r);
    K msg = knk(3, ks("upd"), ks("t"), cols(0, 2));
    r = rdb_apply(msg, 0);
    ck_assert(r && r->t != KERR);
    r0(r);
    r0(msg);
    ck_assert_int_eq(count_t(), 0);
    K n = q_eval("n", 1);
    ck_assert(n && n->t == -KJ && n->j == 1);
    r0(n);
}
END_TEST

/* A journal of 4 records of 3 rows; the tables already hold 5 rows (mid-record 2): the
 * replay adds exactly rows 5..11. */
START_TEST(replay_skips_what_is_held)
{
    char path[] = "/tmp/rdb_upd_jnl.XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    close(fd);
    unlink(path);
    char err[JNL_ERR_BYTES];
    struct jnl *j = jnl_open(path, JNL_OPEN_STRICT, err);
    ck_assert_msg(j != NULL, "%s", err);
    for (J k = 0; k < 4; k++) {
        K rec = knk(3, ks("upd"), ks("t"), cols(3 * k, 3));
        ck_assert(jnl_append(j, rec) == 0);
        r0(rec);
    }
    ck_assert(jnl_close(j) == 0);
    for (J k = 0; k < 5; k++) {
        K msg = knk(3, ks("upd"), ks("t"), cols(k, 1));
        r0(rdb_apply(msg, 0));
        r0(msg);
    }
    snprintf(rdb.jnl_path, sizeof rdb.jnl_path, "%s", path);
    ck_assert(rdb_replay(4) == 0);
    ck_assert_int_eq(count_t(), 12);
    K px = q_eval("t`px", 4);
    ck_assert(px && px->t == KF && px->n == 12);
    for (J i = 0; i < 12; i++) ck_assert(kF(px)[i] == (F)i);
    r0(px);
    ck_assert(rdb_replay(-1) == 0);   /* again: nothing new */
    ck_assert_int_eq(count_t(), 12);
    unlink(path);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("rdb_upd");
    TCase *t = tcase_create("upd");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, forms_and_skip);
    tcase_add_test(t, bad_data_refused_whole);
    tcase_add_test(t, copy_on_write);
    tcase_add_test(t, q_upd_replaces_native);
    tcase_add_test(t, replay_skips_what_is_held);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
