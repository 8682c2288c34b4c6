/* test_qsql.c: tables and qSQL (q-subset.md §3.14, §4): select/exec/update/delete
 * results, functional forms and parse trees, joins, insert in place, restricted mode,
 * error cases, and property tests: `select … by` and aj on random tables agree with a
 * brute-force evaluation in C.
 * SPDX-License-Identifier: MIT */
#include "../check_run.h"
#include "q_check.h"
#include "qnative.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PROP_ROUNDS 40   /* random tables per property */
#define PROP_MAX_ROWS 300
#define PROP_SYMS 7

/* Evaluate setup text, which must not fail. */
static void q_run(const char *src)
{
    K r = q_eval(src, (J)strlen(src));
    ck_assert_msg(r->t != KERR, "%s: '%s", src, r->t == KERR ? r->s : "");
    r0(r);
}

/* q text must evaluate to 1b. */
#define q_true(src) q_expect(src, kb(1))

START_TEST(select_results)
{
    q_run("t:([]sym:`a`b`a`c`b;price:10 20 30 40 50f;size:1 3 2 4 5)");
    q_true("(select from t where price>25)~([]sym:`a`c`b;price:30 40 50f;size:2 4 5)");
    q_true("(select sum size by sym from t)~([sym:`a`b`c]size:3 8 4)");
    q_true("(select by sym from t)~([sym:`a`b`c]price:30 50 40f;size:2 5 4)");
    q_true("(select n:count i, hi:max price by sym from t where size>1)~([sym:`a`b`c]n:1 2 1;hi:30 50 40f)");
    q_true("(exec price from t where sym=`a)~10 30f");
    q_true("(exec sum size by sym from t)~`a`b`c!3 8 4");
    q_true("(select[2] from t)~2#t");
    q_true("(select[-1] price from t)~([]price:enlist 50f)");
    q_true("(select i from t where sym=`b)~([]x:1 4)");
    q_true("(select from t where sym in `a`c, price<35)~([]sym:`a`a;price:10 30f;size:1 2)");
    q_true("cols[select price%size, c2:size*2 from t]~`price`c2");
    q_true("(update size:0 from t where sym=`b)[`size]~1 0 2 4 0");
    q_true("(update tot:sum size by sym from t)[`tot]~3 8 3 4 8");
    q_true("(delete from t where price>20)~2#t");
    q_true("cols[delete size from t]~`sym`price");
    q_true("f:{[s;p] select from t where sym=s, price>p}; (f[`b;30])~([]sym:enlist`b;price:enlist 50f;size:enlist 5)");
    q_true("(?[t;enlist(=;`sym;enlist`a);0b;()])~select from t where sym=`a");
    q_true("(?[t;();();(sum;`size)])~15");
    q_true("(parse \"select sum size by sym from t\")~(?;`t;();(enlist`sym)!enlist`sym;(enlist`size)!enlist(sum;`size))");
    q_true("(parse \"delete from t where size>1\")~(!;`t;enlist enlist(>;`size;1);0b;`symbol$())");
    q_true("w:t; update size:size*10 from `w; (w`size)~10 30 20 40 50");
    /* `s# columns are searched, not scanned: same rows as without the attribute */
    q_true("u:([]a:`s#1 2 2 3 5;b:til 5); (select from u where a=2)~([]a:2 2;b:1 2)");
    q_true("(select b from u where a within 2 4, b>1)~([]b:2 3)");
    q_true("(select b from u where a=4)~([]b:`long$())");
    q_true("v:([]a:1 2 2 3 5;b:til 5); (select from v where a within 2 3)~select from u where a within 2 3");
}
END_TEST

START_TEST(table_keywords)
{
    q_run("t:([]sym:`a`b`a;p:3 1 2)");
    q_true("(`p xasc t)[`p]~1 2 3");
    q_true("(1 2 3 cross 10 20)~(1 10;1 20;2 10;2 20;3 10;3 20)");
    q_true("((`a`b cross `c)~(`a`c;`b`c))&(1 cross 2)~enlist 1 2");
    q_true("(([]a:1 2) cross ([]b:`x`y))~([]a:1 1 2 2;b:`x`y`x`y)");
    q_expect_err("([]a:1 2) cross 1 2", "type");
    q_true("(`sym xdesc t)[`sym]~`b`a`a");
    q_true("(keys `sym xkey t)~enlist`sym");
    q_true("(cols `p xcols t)~`p`sym");
    q_true("(cols `s xcol t)~`s`p");
    q_true("(exec t from meta t)~\"sj\"");
    q_true("w:([]a:`int$();b:`symbol$()); (`w insert (1i;`x))~enlist 0");
    q_expect_err("w:([]a:`int$();b:`symbol$()); `w insert (4;`w)", "type");
    q_true("(([k:`a`b]v:1 2) upsert (`b;20))~([k:`a`b]v:1 20)");
    q_true("(([]a:1 2 3;b:10 20 30) lj 1!([]a:1 3;c:`x`y))[`c]~`x``y");
    q_true("(([]k:1 2 3) ij ([k:2 3 4]v:20 30 40))~([]k:2 3;v:20 30)");
    q_true("(([]a:1 2) uj ([]a:3;b:4))[`b]~0N 0N 4");
    q_true("(ungroup ([]s:`a`b;p:(enlist 2;5 7)))~([]s:`a`b`b;p:2 5 7)");
    q_true("(select distinct sym from t)~([]sym:`a`b)");
    q_true("(select[1 1] from t)~1_2#t");
    q_true("(select[2;>p] from t)[`p]~3 2");
    q_true("((sum;1 2 3) fby `a`b`a)~4 2 4");
    q_true("(count ([]a:1 2) cross ([]b:`x`y`z))~6");
    q_true("(ej[`k;([]k:1 2);([]k:2 2 3;v:5 6 7)])~([]k:2 2;v:5 6)");
    q_true("(([]s:`a`a;time:1 5;p:10 50) asof `s`time!(`a;3))~(enlist`p)!enlist 10");
    q_true("(delete b from `a`b`c!1 2 3)~`a`c!1 3");
}
END_TEST

/* Inserting into a global appends in place: once capacity has grown, the column keeps
 * its address (no copy of existing rows). */
START_TEST(insert_in_place)
{
    q_run("w:([]a:til 1000;b:1000#1.5)");
    q_run("`w insert (5;2.5)");
    K t = q_global_get("w");
    K col = kK(kK(t->k)[1])[0];
    r0(t);
    q_run("`w insert (6;3.5)");
    t = q_global_get("w");
    ck_assert_ptr_eq(kK(kK(t->k)[1])[0], col);
    ck_assert_int_eq(k_count(t), 1002);
    r0(t);
    q_true("w:([]s:`g#`symbol$();v:`long$()); `w insert (`a`b;1 2); `g~attr w`s");
    q_true("w:([]s:`s#1 2;v:1 2); `w insert (0;3); `~attr w`s");
}
END_TEST

START_TEST(errors)
{
    q_run("t:([]a:1 2 3;b:`x`y`z)");
    q_expect_err("select from t where a", "type");
    q_expect_err("select from t where 10b", "length");
    q_expect_err("select a t", "from");
    q_expect_err("([]a:1 2) lj 1!([]b:1 2;c:3 4)", "mismatch");
    q_expect_err("([]a:1 2) lj ([]a:1 2;b:3 4)", "type");
    q_expect_err("select from nosuch", "nosuch");
    q_expect_err("select c from t", "c");
    q_expect_err("update a:1 2 from t", "length");
    q_expect_err("update a:`q from t where b=`x", "type");
}
END_TEST

START_TEST(restricted_mode)
{
    q_restrict_set(1);
    q_expect_err("system \"echo hi\"", "access");
    q_expect_err("\\cd /", "access");
    q_expect_err("`:nofile set 1", "access");
    q_expect_err("3 \"x\"", "access");
    q_expect("1+1", kj(2));
    q_expect("system \"d\"", ks("."));
    q_restrict_set(0);
    ck_assert_int_eq(q_restricted(), 0);
}
END_TEST

static K make_table(int rows, unsigned seed, const char **syms)
{
    srand(seed);
    K s = ktn(KS, rows), sz = ktn(KJ, rows), px = ktn(KF, rows), tm = ktn(KJ, rows);
    J clock = 0;
    for (int i = 0; i < rows; i++) {
        kS(s)[i] = ss(syms[rand() % PROP_SYMS]);
        kJ(sz)[i] = rand() % 5 == 0 ? nj : rand() % 100;
        kF(px)[i] = (rand() % 1000) / 10.0;
        clock += rand() % 3;
        kJ(tm)[i] = clock;
    }
    K names = q_syms(4, "sym", "size", "price", "time");
    return xT(xD(names, knk(4, s, sz, px, tm)));
}

/* select … by sym (and where) against a brute-force loop over the same columns. */
START_TEST(property_select_by)
{
    static const char *syms[PROP_SYMS] = { "a", "b", "c", "d", "e", "f", "g" };
    for (int round = 0; round < PROP_ROUNDS; round++) {
        int rows = 1 + rand() % PROP_MAX_ROWS;
        K t = make_table(rows, (unsigned)round + 1, syms);
        ck_assert_int_eq(q_global_set("t", t), 0);
        const char *q = "select n:count i, s:sum size, hi:max price, lo:min size, a:avg price, "
                        "f:first size, l:last price, g:{sum x} size by sym from t where price>20";
        K r = q_eval(q, (J)strlen(q));
        ck_assert_msg(r->t == XD, "round %d: %s", round, r->t == KERR ? r->s : "not keyed");
        K keys = kK(kK(kK(r)[0]->k)[1])[0], vals = kK(kK(r)[1]->k)[1];
        K tt = q_global_get("t");
        K cs = kK(kK(tt->k)[1])[0], cz = kK(kK(tt->k)[1])[1], cp = kK(kK(tt->k)[1])[2];
        J expect_groups = 0;
        for (int g = 0; g < PROP_SYMS; g++) {
            S sym = ss(syms[g]);
            J n = 0, sum = 0, lo = wj, first = 0, last_row = -1;
            F hi = -INFINITY, total = 0;
            for (J i = 0; i < rows; i++) {
                if (kS(cs)[i] != sym || !(kF(cp)[i] > 20)) continue;
                J z = kJ(cz)[i];
                if (!n) first = z;
                n++;
                if (z != nj) { sum += z; if (z < lo) lo = z; }
                if (kF(cp)[i] > hi) hi = kF(cp)[i];
                total += kF(cp)[i];
                last_row = i;
            }
            if (!n) continue;
            J at = expect_groups++;
            ck_assert_msg(kS(keys)[at] == sym, "round %d: group %lld is %s, want %s", round, (long long)at, kS(keys)[at], sym);
            ck_assert_int_eq(kJ(kK(vals)[0])[at], n);
            ck_assert_int_eq(kJ(kK(vals)[1])[at], sum);
            ck_assert(kF(kK(vals)[2])[at] == hi);
            ck_assert_int_eq(kJ(kK(vals)[3])[at], lo);
            ck_assert(fabs(kF(kK(vals)[4])[at] - total / (F)n) < 1e-9);
            ck_assert_int_eq(kJ(kK(vals)[5])[at], first);
            ck_assert(kF(kK(vals)[6])[at] == kF(cp)[last_row]);
            ck_assert_int_eq(kJ(kK(vals)[7])[at], sum);  /* general path agrees */
        }
        ck_assert_int_eq(keys->n, expect_groups);
        /* the one-pass aggregation (no lambda item) agrees with the general path */
        const char *fast = "(select n:count i, s:sum size, hi:max price, lo:min size, a:avg price, "
                           "f:first size, l:last price, w:size wavg price by sym from t where price>20)"
                           "~select n:count i, s:sum size, hi:max price, lo:min size, a:avg price, "
                           "f:first size, l:last price, w:{x wavg y}[size;price] by sym from t where price>20";
        K same = q_eval(fast, (J)strlen(fast));
        ck_assert_msg(same->t == -KB && same->g, "round %d: fast and general paths differ", round);
        r0(same);
        /* where scans on symbols agree with the boolean path */
        const char *scan = "((select from t where sym in `a`c, size>10)~select from t where (sym in `a`c)&size>10)"
                           "&(select from t where sym=`b)~select from t where (sym=`b)&1b";
        same = q_eval(scan, (J)strlen(scan));
        ck_assert_msg(same->t == -KB && same->g, "round %d: where scan differs", round);
        r0(same);
        const char *all = "(select s:sum size, hi:max size, f:first price by sym from t)"
                          "~select s:{sum x} size, hi:{max x} size, f:{first x} price by sym from t";
        same = q_eval(all, (J)strlen(all));
        ck_assert_msg(same->t == -KB && same->g, "round %d: all-rows fast path differs", round);
        r0(same);
        /* one aggregate alone takes the fused loops: each against the general path */
        const char *one = "u:update isz:`int$size from t;n:update size:100,isz:100i from u;"
            "v:update price:0n from n where 0=i mod 5;"  /* null values, no null weights */
            "all((select c:count i by sym from u where price>20)~select c:{count x} i by sym from u where price>20;"
            "(select s:sum size by sym from u)~select s:{sum x} size by sym from u;"
            "(select s:sum isz by sym from u where price>20)~select s:{sum x} isz by sym from u where price>20;"
            "(select s:sum price by sym from u)~select s:{sum x} price by sym from u;"
            "(select a:avg size by sym from u)~select a:{avg x} size by sym from u;"
            "(select a:avg isz by sym from u)~select a:{avg x} isz by sym from u;"
            "(select a:avg price by sym from u where size>10)~select a:{avg x} price by sym from u where size>10;"
            "(select w:size wavg price by sym from u)~select w:{x wavg y}[size;price] by sym from u;"
            "(select w:isz wavg price by sym from u where price>20)~select w:{x wavg y}[isz;price] by sym from u where price>20;"
            "(select w:size wavg price by sym from v)~select w:{x wavg y}[size;price] by sym from v;"
            "(select w:isz wavg price by sym from v)~select w:{x wavg y}[isz;price] by sym from v;"
            "(select w:size wavg price by sym from n)~select w:{x wavg y}[size;price] by sym from n)";
        same = q_eval(one, (J)strlen(one));
        ck_assert_msg(same->t == -KB && same->g, "round %d: fused path differs: %s", round,
                      same->t == KERR ? same->s : "");
        r0(same);
        r0(tt);
        r0(r);
    }
}
END_TEST

/* aj against a linear scan: the last quote of the sym at or before each trade's time. */
START_TEST(property_aj)
{
    static const char *syms[PROP_SYMS] = { "a", "b", "c", "d", "e", "f", "g" };
    for (int round = 0; round < PROP_ROUNDS; round++) {
        int nq = 1 + rand() % PROP_MAX_ROWS, nt = 1 + rand() % 50;
        ck_assert_int_eq(q_global_set("q", make_table(nq, (unsigned)round + 100, syms)), 0);
        ck_assert_int_eq(q_global_set("tr", make_table(nt, (unsigned)round + 200, syms)), 0);
        const char *src = "aj[`sym`time;select sym,time from tr;select sym,time,price from q]";
        K r = q_eval(src, (J)strlen(src));
        ck_assert_msg(r->t == XT, "round %d: %s", round, r->t == KERR ? r->s : "not a table");
        K q = q_global_get("q"), tr = q_global_get("tr");
        K qs = kK(kK(q->k)[1])[0], qt = kK(kK(q->k)[1])[3], qp = kK(kK(q->k)[1])[2];
        K ts = kK(kK(tr->k)[1])[0], tt = kK(kK(tr->k)[1])[3];
        K got = kK(kK(r->k)[1])[2];
        for (J i = 0; i < nt; i++) {
            J best = -1;
            for (J j = 0; j < nq; j++)
                if (kS(qs)[j] == kS(ts)[i] && kJ(qt)[j] <= kJ(tt)[i]) best = j;
            if (best < 0) ck_assert(isnan(kF(got)[i]));
            else ck_assert(kF(got)[i] == kF(qp)[best]);
        }
        r0(q); r0(tr); r0(r);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("qsql");
    TCase *tc = tcase_create("qsql");
    tcase_add_checked_fixture(tc, q_setup, q_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, select_results);
    tcase_add_test(tc, table_keywords);
    tcase_add_test(tc, insert_in_place);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, restricted_mode);
    tcase_add_test(tc, property_select_by);
    tcase_add_test(tc, property_aj);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
