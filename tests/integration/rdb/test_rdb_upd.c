/* test_rdb_upd.c: the rdb's native upd and journal replay in-process (rdb_upd.c,
 * rdb_tp.c): the three data forms, whole refusal of bad data, copy on write, the q upd
 * override, resynchronisation that skips exactly the rows already held, and the replay
 * fast path giving what the generic path gives.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* (`t;([] sym; px)) and (`u;([] px; note:`symbol$(); ex:"c"; sym)): u ends with a symbol
 * column, so a record's last symbols sit within 8 bytes of the journal's end. */
static K schema2(void)
{
    K s = schema();
    K names = ktn(KS, 4);
    kS(names)[0] = ss("px");
    kS(names)[1] = ss("note");
    kS(names)[2] = ss("ex");
    kS(names)[3] = ss("sym");
    K u = xT(xD(names, knk(4, ktn(KF, 0), ktn(KS, 0), ktn(KC, 0), ktn(KS, 0))));
    K pair = knk(2, ks("u"), u);
    ck_assert(jk(&s, pair) != NULL);
    return s;
}

/* n rows of u from k: symbols of 0, 1..7 and 8+ bytes (the fast path's three cases). */
static K ucols(J k, J n)
{
    static const char *names[] = { "", "a", "IBM", "MSFT.O", "ABCDEFG", "LONGNAME.N", "xyz" };
    K px = ktn(KF, n), note = ktn(KS, n), ex = ktn(KC, n), sym = ktn(KS, n);
    for (J i = 0; i < n; i++) {
        kF(px)[i] = (F)(k + i);
        kS(note)[i] = ss(names[(k + i) % 7]);
        kC(ex)[i] = (G)('A' + (k + i) % 3);
        kS(sym)[i] = ss(names[(k + 2 * i) % 7]);
    }
    return knk(4, px, note, ex, sym);
}

/* The records of replay_fast_matches_generic: fast-path records mixed with every shape
 * the fast path must leave to the generic one. Ownership: returns new. */
static K mixed_records(void)
{
    K recs = ktn(0, 0);
    K bad_type = knk(2, ktn(KS, 1), ktn(KJ, 1));            /* px as long: 'type */
    kS(kK(bad_type)[0])[0] = ss("x");
    kJ(kK(bad_type)[1])[0] = 1;
    K bad_len = cols(0, 2);                                    /* 2 syms, 1 price: 'length */
    kK(bad_len)[1]->n = 1;
    K items[] = {
        knk(3, ks("upd"), ks("t"), cols(0, 100)),
        knk(3, ks("upd"), ks("u"), ucols(0, 70)),
        knk(3, ks("upd"), ks("t"), knk(2, ks("one"), kf(0.5))),   /* a single row of atoms */
        knk(3, ks("upd"), ks("t"), bad_type),
        knk(3, ks("upd"), ks("t"), bad_len),
        knk(3, ks("upd"), ks("zz"), cols(0, 3)),                   /* unknown table */
        knk(3, ks("upd"), ks("t"), knk(1, ktn(KS, 0))),            /* 1 column: 'length */
        knk(3, ks("upd"), ks("t"), cols(100, 0)),                  /* no rows */
        knk(3, ks("upd"), ks("t"), cols(100, 900)),
        knk(3, kp("upd"), ks("u"), ucols(70, 5)),                  /* "upd" as a string */
        knk(3, ks("upd"), ks("u"), ucols(75, 64)),
        /* more symbols than the fast path's cache holds (RDB_SYM_CACHE_SLOTS): slots are
         * taken over, and the second record finds some cached and some not */
        knk(3, ks("upd"), ks("t"), cols(1000, 9000)),
        knk(3, ks("upd"), ks("t"), cols(1000, 9000)),
    };
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) ck_assert(jk(&recs, items[i]));
    return recs;
}

/* The fast path (bytes straight into the columns) gives exactly what decoding each record
 * and applying it gives, refusals and a bad tail included. */
START_TEST(replay_fast_matches_generic)
{
    K s = schema2();
    ck_assert(rdb_tables_set(s) == 0);
    r0(s);
    K recs = mixed_records();
    for (J i = 0; i < recs->n; i++) r0(rdb_apply(kK(recs)[i], 0));
    K want_t = q_global_get("t"), want_u = q_global_get("u");
    J want_rows_t = rdb_table_find(ss("t"))->rows, want_rows_u = rdb_table_find(ss("u"))->rows;
    ck_assert_int_eq(want_rows_t, 19001);
    ck_assert_int_eq(want_rows_u, 139);
    rdb_tables_clear();

    char path[] = "/tmp/rdb_upd_fast.XXXXXX";
    int fd = mkstemp(path);
    ck_assert(fd >= 0);
    close(fd);
    unlink(path);
    char err[JNL_ERR_BYTES];
    struct jnl *j = jnl_open(path, JNL_OPEN_STRICT, err);
    ck_assert_msg(j != NULL, "%s", err);
    for (J i = 0; i < recs->n; i++) ck_assert(jnl_append(j, kK(recs)[i]) == 0);
    K extra = knk(3, ks("upd"), ks("t"), cols(5000, 10));   /* cut short below: a bad tail */
    ck_assert(jnl_append(j, extra) == 0);
    r0(extra);
    ck_assert(jnl_close(j) == 0);
    struct stat st;
    ck_assert(stat(path, &st) == 0);
    ck_assert(truncate(path, st.st_size - 3) == 0);

    snprintf(rdb.jnl_path, sizeof rdb.jnl_path, "%s", path);
    ck_assert(rdb_replay(-1) == 0);
    ck_assert_int_eq(rdb.replayed, recs->n);
    K got_t = q_global_get("t"), got_u = q_global_get("u");
    ck_assert(k_match(want_t, got_t));
    ck_assert(k_match(want_u, got_u));
    ck_assert_int_eq(kK(kK(got_t->k)[1])[0]->a, K_ATTR_GROUPED);   /* `g# on sym kept */
    ck_assert_int_eq(rdb_table_find(ss("t"))->rows, want_rows_t);
    ck_assert_int_eq(rdb_table_find(ss("u"))->rows, want_rows_u);
    r0(got_t);
    r0(got_u);
    ck_assert(rdb_replay(-1) == 0);   /* again: everything is held, nothing doubles */
    got_t = q_global_get("t");
    ck_assert(k_match(want_t, got_t));
    r0(got_t);
    r0(want_t);
    r0(want_u);
    r0(recs);
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
    tcase_add_test(t, replay_fast_matches_generic);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
