/* test_qsql_keyed.c: dictionary, table and keyed-table arithmetic with key alignment
 * (q-subset.md §3.3; the vwap client's kt+:select … by idiom), exec with no phrase, and
 * the `g# index: kept on append, used by where/by, equal to a scan on random tables;
 * the streamed aggregates on int columns and the vector temporal cast.
 * SPDX-License-Identifier: MIT */
#include "../check_run.h"
#include "k_int.h"
#include "q_check.h"
#include "qnative.h"

#include <stdio.h>
#include <stdlib.h>

/* Evaluate setup text, which must not fail. */
static void q_run(const char *src)
{
    K r = q_eval(src, (J)strlen(src));
    ck_assert_msg(r->t != KERR, "%s: '%s", src, r->t == KERR ? r->s : "");
    r0(r);
}

/* q text must evaluate to 1b. */
#define q_true(src) q_expect(src, kb(1))

#define GIDX_ROUNDS 30    /* random tables in the `g# property */
#define GIDX_STEPS 12     /* appends and queries per table */
#define GIDX_MAX_ROWS 40  /* rows per append */
#define GIDX_SYMS 6

/* The sym column of global table name (borrowed; the global keeps it). */
static K sym_column(const char *name)
{
    K t = q_global_get(name);
    ck_assert(t && t->t == XT);
    K col = kK(kK(t->k)[1])[0];
    r0(t);
    return col;
}

START_TEST(dict_arith_aligns_keys)
{
    q_true("((`a`b!1 2)+`b`c!10 20)~`a`b`c!1 12 20");
    q_true("((`a`b!1 2)-`b`c!10 20)~`a`b`c!1 -8 -20");
    q_true("((`a`b!1 2)*`b`c!10 20)~`a`b`c!1 20 20");
    q_true("((`a`b!1 2)+`a`b!10 20)~`a`b!11 22");
    q_true("((`a`b!1 2)+`b`a!10 20)~`a`b!21 12");
    q_true("((1 2!1 2)+2 3!10 20)~1 2 3!1 12 20");
    q_true("((`a`b!1 2)+`b`c!1.5 2.5)~`a`b`c!(1;3.5;2.5)");
    /* vector values (A060) */
    q_true("dv:`a`b!(10 -21 3;4 5 -6);(dv-`b`c!(10 20 30;1000*1 2 3))~`a`b`c!(10 -21 3;-6 -15 -36;-1000 -2000 -3000)");
    q_expect_err("(`a`b!1 2)+`b`c!(`x;`y)", "type");
    q_expect_err("(`a`b!1 2)+([]a:1)", "type");
}
END_TEST

START_TEST(table_arith_columnwise)
{
    q_true("(([]a:1 2;b:3 4)+([]a:10 20;b:30 40))~([]a:11 22;b:33 44)");
    q_true("(([]a:1 2;b:3 4)+([]b:30 40;a:10 20))~([]a:11 22;b:33 44)");
    q_true("(([]a:1 2)+10)~([]a:11 12)");
    q_expect_err("([]a:1 2)+([]a:1 2 3)", "length");
    q_expect_err("([]a:1 2)+([]b:1 2)", "mismatch");
}
END_TEST

START_TEST(keyed_arith_aligns_rows)
{
    q_true("(([k:`a`b]v:1 2)+([k:`b`c]v:10 20))~([k:`a`b`c]v:1 12 20)");
    q_true("(([k:`a`b]v:1 2)-([k:`b`c]v:10 20))~([k:`a`b`c]v:1 -8 -20)");
    q_true("w:([k:`a`b]v:1 2);w+:([k:`b`c]v:10 20);w~([k:`a`b`c]v:1 12 20)");
    /* two key columns given in another order, two value columns */
    q_true("(([k:`a`b;j:1 2]v:1 2;u:3 4)+([j:2 3;k:`b`c]u:10 20;v:5 6))"
           "~([k:`a`b`c;j:1 2 3]v:1 7 6;u:3 14 20)");
    /* same keys in another order */
    q_true("(([k:`a`b]v:1 2)+([k:`b`a]v:10 20))~([k:`a`b]v:21 12)");
    q_expect_err("([k:`a`b]v:1 2)+([k:`b`c]w:10 20)", "mismatch");
    q_expect_err("([k:`a`b]v:1 2)+([j:`b`c]v:10 20)", "mismatch");
}
END_TEST

/* examples/vwap.q's upd, applied to two updates by hand. */
START_TEST(vwap_client_idiom)
{
    q_run("vwap:([sym:`symbol$()]price:`float$();size:`long$())");
    q_run("upd:{[t;x] vwap+:select size wsum price,sum size by sym from x}");
    q_run("upd[`trade;([]sym:`A`B`A;price:10 20 30f;size:1 2 3)]");
    q_run("upd[`trade;([]sym:`C`A;price:5 40f;size:10 4)]");
    q_true("vwap~([sym:`A`B`C]price:260 40 50f;size:8 2 10)");
    q_true("(exec price%size from vwap)~32.5 20 5");
}
END_TEST

START_TEST(exec_without_phrase)
{
    q_run("t:([]a:1 2 3;b:`x`y`z)");
    q_true("(exec from t)~`a`b!(3;`z)");
    q_true("(exec from t where a<3)~`a`b!(2;`y)");
    q_true("(exec from t where a>5)~`a`b!(0N;`)");
    q_true("(?[t;();();()])~`a`b!(3;`z)");
    q_true("(exec from ([k:1 2]v:`x`y))~`k`v!(2;`y)");
}
END_TEST

START_TEST(select_limit_on_keyed_result)
{
    q_run("t:([]s:`a`b`c`a;v:1 2 3 4)");
    q_true("(select[2] sum v by s from t)~([s:`a`b]v:5 2)");
    q_true("(select[-1] sum v by s from t)~([s:(),`c]v:(),3)");
    q_true("(select[1 1] sum v by s from t)~([s:(),`b]v:(),2)");
}
END_TEST

START_TEST(gindex_where_and_by)
{
    q_run("t:([]sym:`g#`a`b`a`c`b`a;v:til 6)");
    ck_assert_ptr_null(k_aux_get(sym_column("t")));
    q_true("(exec v from t where sym=`a)~0 2 5");
    ck_assert_ptr_nonnull(k_aux_get(sym_column("t")));   /* the index was built and kept */
    q_true("(exec v from t where sym in `c`b`c)~1 3 4");
    q_true("(exec v from t where sym=`zz)~`long$()");
    q_true("(exec v from t where sym=`a,v>0)~2 5");
    /* appends in place keep the index (and the attribute) up to date */
    q_run("`t insert (`d`a;6 7)");
    q_true("(exec v from t where sym in `a`d)~0 2 5 6 7");
    q_true("(attr t`sym)~`g");
    q_run("`t upsert ([]sym:`b`e;v:8 9)");
    q_true("(exec v from t where sym in `e`b)~1 4 8 9");
    /* grouping from the index (the general path: a lambda is no streamed aggregate) */
    q_true("(select {x} v by sym from t)~([sym:`a`b`c`d`e]v:(0 2 5 7;1 4 8;(),3;(),6;(),9))");
    q_true("(select count i by sym from t)~([sym:`a`b`c`d`e]x:4 3 1 1 1)");
    /* grouping alone builds (and so uses) the index */
    q_run("g:([]sym:`g#`b`a`b;v:1 2 3)");
    q_true("(select {x} v by sym from g)~([sym:`a`b]v:((),2;1 3))");
    ck_assert_ptr_nonnull(k_aux_get(sym_column("g")));
    /* a copy is plain data: no index travels with it, answers agree */
    q_run("u:update sym:`#sym from t");
    q_true("(select from t where sym in `a`c)~select from u where sym in `a`c");
}
END_TEST

/* The RDB appends to its `g# sym column natively with jv (rdb/rdb_upd.c); the index must
 * see those rows at its next use. */
START_TEST(gindex_sees_native_appends)
{
    q_run("t:([]sym:`g#`a`b;v:1 2)");
    q_true("(exec v from t where sym=`b)~(),2");
    K t = q_global_get("t");
    K vals = kK(t->k)[1];
    K syms = ktn(KS, 3), longs = ktn(KJ, 3);
    kS(syms)[0] = ss("b"); kS(syms)[1] = ss("c"); kS(syms)[2] = ss("b");
    for (J i = 0; i < 3; i++) kJ(longs)[i] = 10 + i;
    ck_assert_ptr_nonnull(jv(&kK(vals)[0], syms));
    ck_assert_ptr_nonnull(jv(&kK(vals)[1], longs));
    r0(syms); r0(longs); r0(t);
    q_true("(exec v from t where sym=`b)~2 10 12");
    q_true("(exec v from t where sym in `c`a)~1 11");
    /* rewritten in place (amend drops `g#): the stale index is not used */
    q_run("t[`sym]:`a`a`a`a`a");
    q_true("(exec v from t where sym=`b)~`long$()");
}
END_TEST

/* Random tables with `g# sym grown by random appends: where and by through the index
 * agree with the same queries on an unattributed copy (a scan), after every append. */
START_TEST(property_gindex_matches_scan)
{
    srand(7);
    static const char *syms[GIDX_SYMS] = { "a", "b", "c", "d", "e", "f" };
    char src[512];
    for (int round = 0; round < GIDX_ROUNDS; round++) {
        q_run("t:([]sym:`g#`symbol$();v:`long$())");
        for (int step = 0; step < GIDX_STEPS; step++) {
            int n = rand() % GIDX_MAX_ROWS;
            int len = snprintf(src, sizeof src, "`t insert (`symbol$(");
            for (int i = 0; i < n; i++) len += snprintf(src + len, sizeof src - (size_t)len, "`%s", syms[rand() % GIDX_SYMS]);
            snprintf(src + len, sizeof src - (size_t)len, ");%d+til %d)", step * GIDX_MAX_ROWS, n);
            q_run(src);
            q_run("u:update sym:`#sym from t");
            const char *x = syms[rand() % GIDX_SYMS], *y = syms[rand() % GIDX_SYMS];
            snprintf(src, sizeof src, "(select from t where sym=`%s)~select from u where sym=`%s", x, x);
            q_true(src);
            snprintf(src, sizeof src, "(select from t where sym in `%s`%s)~select from u where sym in `%s`%s", x, y, x, y);
            q_true(src);
            q_true("(select {x} v by sym from t)~select {x} v by sym from u");
            /* lists longer than the merge takes: marked and swept, duplicates and misses */
            q_true("(select from t where sym in `a`b`c`d`e`f`z`a`b`c`d`e`f`z`a`b`c`d)"
                   "~select from u where sym in `a`b`c`d`e`f`z`a`b`c`d`e`f`z`a`b`c`d");
            q_true("(exec v from t where sym in `b`z`y`x`w`v`u`s`r`q`p`o`n`m`l`k`j`e)"
                   "~exec v from u where sym in `b`z`y`x`w`v`u`s`r`q`p`o`n`m`l`k`j`e");
        }
        ck_assert_ptr_nonnull(k_aux_get(sym_column("t")));
    }
}
END_TEST

/* Streamed aggregates on int columns (and int weights) equal the general path's, which
 * applies q's own sum/min/max… to each group (lambdas are never streamed). Nulls
 * included, one group all null; with and without a where (the gather loops). */
START_TEST(stream_int_columns_match_general)
{
    q_run("n:500;t:([]s:n?`a`b`c`d;v:@[n?100i;where 0=n mod 7;:;0Ni];w:n?10i;f:n?1f;j:n?50)");
    q_run("t:update v:0Ni from t where s=`d");
    q_run("fast:{select a:sum v,b:min v,c:max v,d:first v,e:last v,g:avg v,h:count v,k:w wavg f,l:sum j by s from x}");
    q_run("slow:{select a:{sum x} v,b:{min x} v,c:{max x} v,d:{first x} v,e:{last x} v,g:{avg x} v,"
          "h:{count x} v,k:{x wavg y}[w;f],l:{sum x} j by s from x}");
    q_true("(fast t)~slow t");
    q_true("(fast select from t where j>10)~slow select from t where j>10");
    q_true("(exec a from fast t)~value exec {sum x} v by s from t");
    q_true("(type exec a from fast t)~6h");
    q_true("(exec c from fast t)[3]~-0Wi");
    q_true("(exec b from fast t)[3]~0Wi");
}
END_TEST

/* The vector temporal cast (one loop) equals the cast of each atom. */
START_TEST(temporal_vector_cast_matches_atoms)
{
    q_run("p:(2000.01.01D0+(-5+til 10)*7*3600000000000),0Np;n:`timespan$p;d:`date$p;m:`minute$n");
    q_true("(`minute$p)~{`minute$x} each p");
    q_true("(`minute$n)~{`minute$x} each n");
    q_true("(`second$n)~{`second$x} each n");
    q_true("(`time$p)~{`time$x} each p");
    q_true("(`date$p)~{`date$x} each p");
    q_true("(`timestamp$d)~{`timestamp$x} each d");
    q_true("(`timespan$m)~{`timespan$x} each m");
    q_true("(`second$m)~{`second$x} each m");
    q_true("(`minute$`time$p)~{`minute$`time$x} each p");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qsql_keyed");
    TCase *tc = tcase_create("qsql_keyed");
    tcase_add_checked_fixture(tc, q_setup, q_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, dict_arith_aligns_keys);
    tcase_add_test(tc, table_arith_columnwise);
    tcase_add_test(tc, keyed_arith_aligns_rows);
    tcase_add_test(tc, vwap_client_idiom);
    tcase_add_test(tc, exec_without_phrase);
    tcase_add_test(tc, select_limit_on_keyed_result);
    tcase_add_test(tc, gindex_where_and_by);
    tcase_add_test(tc, gindex_sees_native_appends);
    tcase_add_test(tc, property_gindex_matches_scan);
    tcase_add_test(tc, stream_int_columns_match_general);
    tcase_add_test(tc, temporal_vector_cast_matches_atoms);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
