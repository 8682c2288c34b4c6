/* test_hdb_load.c: the hdb's loader and table source in-process (hdb_load.c): a load
 * maps nothing; a query on one date runs on that partition's mapped columns (q's insert
 * copies instead of growing a mapping); "count t" comes from the load's row counts, a
 * value use reads every partition; several partitions join in date order; leading
 * date constraints prune partitions with the same rows as a scan; a bad partition fails
 * only the queries that read it, with its path. SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"
#include "hdb.h"
#include "q.h"
#include "qnative.h"

#define T_DAY 8780                /* 2024.01.15 */
#define T_PATH 4096

static char root[] = "/tmp/hdb_load.XXXXXX";

/* ([] sym; price; size) of n rows whose prices start at base. Ownership: returns new. */
static K trade(J n, F base)
{
    K names = ktn(KS, 3), sym = ktn(KS, n), price = ktn(KF, n), size = ktn(KJ, n);
    kS(names)[0] = ss("sym");
    kS(names)[1] = ss("price");
    kS(names)[2] = ss("size");
    for (J i = 0; i < n; i++) {
        kS(sym)[i] = ss(i % 3 == 0 ? "IBM" : i % 3 == 1 ? "MSFT" : "AAPL");
        kF(price)[i] = base + (F)i;
        kJ(size)[i] = i;
    }
    return xT(xD(names, knk(3, sym, price, size)));
}

static void write_day(I day, J n, F base)
{
    char err[DSK_ERR_BYTES];
    K t = trade(n, base);
    ck_assert_msg(dsk_partition_write(root, day, "trade", t, err) == 0, "%s", err);
    r0(t);
}

/* As write_day with a null price in its first row. */
static void write_day_null_price(I day, J n, F base)
{
    char err[DSK_ERR_BYTES];
    K t = trade(n, base);
    kF(kK(kK(t->k)[1])[1])[0] = nf;
    ck_assert_msg(dsk_partition_write(root, day, "trade", t, err) == 0, "%s", err);
    r0(t);
}

/* As write_day with a nested column too: cond, a string per row ("c<i>"). */
static void write_day_nested(I day, J n, F base)
{
    char err[DSK_ERR_BYTES], text[32];
    K t = trade(n, base), cond = ktn(0, n);
    for (J i = 0; i < n; i++) {
        snprintf(text, sizeof text, "c%lld", (long long)i);
        kK(cond)[i] = kp(text);
    }
    ck_assert(js(&kK(t->k)[0], ss("cond")) && jk(&kK(t->k)[1], cond));
    ck_assert_msg(dsk_partition_write(root, day, "trade", t, err) == 0, "%s", err);
    r0(t);
}

/* text evaluated as the hdb process does with a client's message: hdb_prepare first.
 * Ownership: returns new. */
static K q_run(const char *text)
{
    K msg = kp((S)text);
    K r = hdb_prepare(msg);
    r0(msg);
    return r ? r : q_eval(text, (J)strlen(text));
}

static J q_long(const char *text)
{
    K r = q_run(text);
    J v = r && r->t == -KJ ? r->j : -1;
    r0(r);
    return v;
}

/* text gives an error whose message holds each of needles. */
static void q_fails_with(const char *text, const char *needle1, const char *needle2)
{
    K r = q_run(text);
    ck_assert_msg(r && r->t == KERR, "%s: not an error", text);
    ck_assert_msg(strstr(r->s, needle1) && (!needle2 || strstr(r->s, needle2)),
                  "%s: error %s", text, r->s);
    r0(r);
}

/* Whether a and b evaluate to the same value (neither an error). */
static void q_same(const char *a, const char *b)
{
    K x = q_run(a), y = q_run(b);
    ck_assert_msg(x && x->t != KERR, "%s: %s", a, x && x->t == KERR ? x->s : "NULL");
    ck_assert_msg(y && y->t != KERR, "%s: %s", b, y && y->t == KERR ? y->s : "NULL");
    ck_assert_msg(k_match(x, y), "%s differs from %s", a, b);
    r0(x);
    r0(y);
}

static void setup(void)
{
    ck_assert(mkdtemp(root) != NULL);
    ck_assert(q_init() == 0);
}

static void teardown(void)
{
    hdb_load_fini();
    q_fini();
    char cmd[T_PATH];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    ck_assert(system(cmd) == 0);
    strcpy(root, "/tmp/hdb_load.XXXXXX");
}

/* The load maps nothing (the global is an empty table with the columns); a query on one
 * date runs on the partition's mapped columns, which the loader shares (r > 0). */
START_TEST(one_partition_is_mapped)
{
    write_day(T_DAY, 1000, 100);
    ck_assert_int_eq(hdb_load(root), 1);
    K t = q_global_get("trade");
    ck_assert(t && t->t == XT);
    ck_assert_str_eq(kS(kK(t->k)[0])[0], "date");
    ck_assert_int_eq(kK(kK(t->k)[1])[0]->t, KD);
    ck_assert_int_eq(kK(kK(t->k)[1])[2]->n, 0);     /* nothing read at load */
    r0(t);
    static const char ex[] = "exec price from trade where date=2024.01.15";
    K p = q_eval(ex, (J)strlen(ex));
    ck_assert(p && p->t == KF && p->n == 1000);
    ck_assert_int_eq(p->m, K_MEM_MAPPED);
    ck_assert(p->r > 0);                              /* shared with the loader's cache */
    r0(p);
    ck_assert_int_eq(q_long("exec sum size from trade where sym=`IBM"), 166833);
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.15"), 1000);
    ck_assert_int_eq(q_long("count trade"), 1000);    /* from the load's row counts */
    t = q_global_get("trade");
    ck_assert_int_eq(k_count(t), 0);                  /* ... so nothing was read */
    r0(t);
    K m = q_run("cols trade");
    ck_assert(m && m->t == KS && m->n == 4 && !strcmp(kS(m)[0], "date"));
    r0(m);
    m = q_run("meta trade");
    ck_assert(m && m->t == XD);
    r0(m);
    t = q_global_get("trade");
    ck_assert_int_eq(k_count(t), 0);                  /* nor for cols and meta */
    r0(t);
    ck_assert_int_eq(q_long("1+count trade"), 1001);  /* a value use: materialised */
    t = q_global_get("trade");
    ck_assert_int_eq(k_count(t), 1000);
    r0(t);
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.15"), 1000);
    /* q's insert must copy a mapped column, never grow it in place */
    ck_assert_int_eq(q_long("count t:select from trade where date=2024.01.15"), 1000);
    static const char ins[] = "`t insert (2024.01.15;`X;1.5;7)";
    K r = q_eval(ins, (J)strlen(ins));
    ck_assert_msg(r && r->t != KERR, "insert: %s", r && r->t == KERR ? r->s : "NULL");
    r0(r);
    ck_assert_int_eq(q_long("count t"), 1001);
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.15"), 1000);
    ck_assert_int_eq(hdb_load(root), 1);   /* reload: back to the stub */
    ck_assert_int_eq(q_long("count trade"), 1000);
}
END_TEST

/* Several partitions: joined in date order under the date column. */
START_TEST(partitions_join_in_date_order)
{
    write_day(T_DAY, 10, 1000);
    write_day(T_DAY - 1, 5, 0);
    write_day(T_DAY + 1, 0, 0);                       /* an empty day */
    ck_assert_int_eq(hdb_load(root), 1);
    ck_assert_int_eq(q_long("count select from trade"), 15);
    ck_assert_int_eq(q_long("count date"), 3);
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.14"), 5);
    K p = q_run("exec price from trade");
    ck_assert(p && p->t == KF && p->n == 15);
    for (J i = 0; i < 5; i++) ck_assert(kF(p)[i] < 1000);     /* 2024.01.14 first */
    for (J i = 5; i < 15; i++) ck_assert(kF(p)[i] >= 1000);
    r0(p);
    ck_assert_int_eq(q_long("exec sum size from trade"), 45 + 10);
    ck_assert_int_eq(q_long("count trade"), 15);
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.16"), 0);
    q_same("`sym xasc trade", "`sym xasc select from trade");
    /* the virtual i counts from 0 in each partition, as in kdb+ */
    q_same("exec i from trade", "(til 5),til 10");
    q_same("exec i from trade where date=2024.01.15", "til 10");
    q_same("exec i from trade where date>2024.01.13, size>2",
           "raze {exec i from trade where date=x, size>2} each 2024.01.14 2024.01.15 2024.01.16");
    q_same("exec price from trade where date in 2024.01.14 2024.01.15, i=1",
           "raze {exec price from trade where date=x, i=1} each 2024.01.14 2024.01.15");
    ck_assert_int_eq(q_long("count select from trade where date within 2024.01.14 2024.01.16,"
                            " i<3"), 6);
    ck_assert_int_eq(q_long("count select from trade where i=0"), 2);
}
END_TEST

/* Pruned queries give the rows of a scan of every partition (the reference: the same
 * where clause on the whole table as a plain value). */
START_TEST(pruning_matches_scan)
{
    for (I d = 0; d < 5; d++) write_day_nested(T_DAY + d, 30 + d, 100 * d);
    ck_assert_int_eq(hdb_load(root), 1);
    static const char *const wheres[] = {
        "date=2024.01.16", "date within 2024.01.16 2024.01.18", "date in 2024.01.15 2024.01.19",
        "date<2024.01.17", "date<=2024.01.17", "date>2024.01.17", "date>=2024.01.17",
        "date=2024.01.16,sym=`IBM", "date within (2024.01.16;2024.01.18),sym in `IBM`AAPL",
        "date=2024.01.16,price>150",
        "date>2024.01.15,date<2024.01.19,date in 2024.01.16 2024.01.18",
        "date>=2024.01.16,date<2024.01.18,size>5", "sym=`MSFT,date=2024.01.16",
        "date=2023.01.01", "date in 2024.01.17", "date=1", "date in `a`b",
    };
    char a[T_PATH], b[T_PATH];
    for (size_t i = 0; i < sizeof wheres / sizeof wheres[0]; i++) {
        snprintf(a, sizeof a, "select from trade where %s", wheres[i]);
        snprintf(b, sizeof b, "select from (select from trade) where %s", wheres[i]);
        q_same(a, b);
        snprintf(a, sizeof a, "select sum size, n:count i by sym from trade where %s", wheres[i]);
        snprintf(b, sizeof b, "select sum size, n:count i by sym from (select from trade) where %s",
                 wheres[i]);
        q_same(a, b);
    }
    /* a constant from the caller's frame, and the functional form */
    q_same("{[d] select from trade where date=d} 2024.01.17",
           "select from trade where date=2024.01.17");
    q_same("?[`trade;enlist(=;`date;2024.01.17);0b;()]",
           "select from trade where date=2024.01.17");
    q_same("?[trade;((within;`date;2024.01.16 2024.01.17);(=;`sym;enlist`IBM));0b;`s`p!`sym`price]",
           "select s:sym,p:price from trade where date within 2024.01.16 2024.01.17,sym=`IBM");
    ck_assert_int_eq(q_long("exec count i from trade where date=2024.01.17"), 32);
    ck_assert_int_eq(q_long("exec count raze cond from trade where date within "
                            "2024.01.15 2024.01.16"), (20 + 20 * 3) + (20 + 21 * 3));
    /* a date constant of the wrong type is left to the query, which reports it */
    K r = q_run("select from trade where date within 2024.01.16");
    K s = q_run("select from (select from trade) where date within 2024.01.16");
    ck_assert(r && s && r->t == s->t);
    r0(r);
    r0(s);
    ck_assert_int_eq(q_long("count delete from trade where date=2024.01.16"), 32 + 33 + 34 + 30);
}
END_TEST

/* Aggregates over several partitions are answered partition by partition and combined
 * (qsql_parts.c), with the rows of the same select on one in-memory copy; the rest
 * (a where on an aggregate, wavg, an expression) takes the joined table, same rows. */
START_TEST(partitions_map_reduce)
{
    for (I d = 0; d < 4; d++) write_day(T_DAY + d, 20 + 7 * d, 10 * d);
    write_day(T_DAY + 4, 0, 0);                                   /* an empty day */
    ck_assert_int_eq(hdb_load(root), 1);
    static const char *const queries[] = {
        ("select n:count i, s:sum size, lo:min price, hi:max price, f:first price, "
         "l:last price by sym from trade where date within 2024.01.15 2024.01.19"),
        "select count i, sum size by sym from trade where date>2024.01.15",
        "select m:max size, lo:min price from trade where date in 2024.01.16 2024.01.18",
        "select n:count i by date, sym from trade where date<=2024.01.17, price>12",
        "select s:sum size by sym from trade where date>2024.01.15, sym in `IBM`AAPL",
        "select a:avg price, n:count i, b:avg size by sym from trade where date>2024.01.15",
        "select a:avg price from trade where date within 2024.01.15 2024.01.17",
        "select n:count i by sym from trade where date>2024.01.20",   /* no partition left */
        "select s:sum size, l:last price by sym from trade where date>2024.01.15, price>1e9",
        "select n:count i from trade where date>2024.01.15, price>1e9",
    };
    static const char *const joined[] = {   /* not decomposable: the joined table */
        "select w:size wavg price by sym from trade where date>2024.01.15",
        "select s:sum 2*size by sym from trade where date>2024.01.15",
        "select s:sum size by sym from trade where date>2024.01.15, price>avg price",
    };
    char a[T_PATH], b[T_PATH];
    J before = qsql_parts_answered();
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++) {
        const char *from = strstr(queries[i], "from trade");
        snprintf(a, sizeof a, "%s", queries[i]);
        snprintf(b, sizeof b, "%.*sfrom (select from trade)%s", (int)(from - queries[i]),
                 queries[i], from + strlen("from trade"));
        q_same(a, b);
    }
    ck_assert_int_eq(qsql_parts_answered() - before, 9);   /* all but the empty range */
    /* i counts within each partition on both paths */
    ck_assert_int_eq(q_long("exec \"j\"$sum (f=0)&l=c-1 from 0!(select f:first i, "
                            "l:last i, c:count i by date from trade "
                            "where date within 2024.01.15 2024.01.18)"), 4);
    before = qsql_parts_answered();
    for (size_t i = 0; i < sizeof joined / sizeof joined[0]; i++) {
        const char *from = strstr(joined[i], "from trade");
        snprintf(b, sizeof b, "%.*sfrom (select from trade)%s", (int)(from - joined[i]),
                 joined[i], from + strlen("from trade"));
        q_same(joined[i], b);
    }
    ck_assert_int_eq(qsql_parts_answered(), before);
    /* a null in a column avg reads: the sums and counts would not be exact */
    write_day_null_price(T_DAY + 5, 10, 500);
    ck_assert_int_eq(hdb_load(root), 1);
    before = qsql_parts_answered();
    q_same("select a:avg price, n:count i by sym from trade where date>2024.01.15",
           "select a:avg price, n:count i by sym from (select from trade) where date>2024.01.15");
    ck_assert_int_eq(qsql_parts_answered(), before);
    q_same("select n:count i, s:sum price by sym from trade where date>2024.01.15",
           "select n:count i, s:sum price by sym from (select from trade) where date>2024.01.15");
    ck_assert_int_eq(qsql_parts_answered(), before + 1);   /* sum skips nulls either way */
}
END_TEST

/* A query on one date reads only that partition: a short column file in another date
 * fails only the queries that read it (and value uses of the table), naming the path. */
START_TEST(pruning_skips_bad_partition)
{
    write_day(T_DAY, 10, 0);
    write_day(T_DAY + 1, 12, 0);
    char path[T_PATH];
    ck_assert(dsk_partition_path(path, sizeof path, root, T_DAY, "trade") == 0);
    strcat(path, "/price");
    ck_assert(truncate(path, 70) == 0);
    ck_assert_int_eq(hdb_load(root), 1);
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.16"), 12);
    ck_assert_int_eq(q_long("exec sum size from trade where date>2024.01.15"), 66);
    q_fails_with("select from trade where date=2024.01.15", path, "truncated");
    q_fails_with("select from trade", path, "truncated");
    q_fails_with("count trade", path, "truncated");
    q_fails_with("0+count trade", path, "truncated");
    q_fails_with("exec count i from trade", path, "truncated");   /* reads no column */
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.16"), 12);
    /* cut short after the load: the query that reads it reports it */
    ck_assert(dsk_partition_path(path, sizeof path, root, T_DAY + 1, "trade") == 0);
    strcat(path, "/size");
    ck_assert(truncate(path, 70) == 0);
    q_fails_with("select size from trade where date=2024.01.16", path, "truncated");
}
END_TEST

/* Columns come from the latest partition (kdb+ takes its tables from there too): an
 * older partition without a new column fails only the queries that read it. */
START_TEST(latest_partition_gives_columns)
{
    write_day(T_DAY, 4, 0);
    char err[DSK_ERR_BYTES], path[T_PATH];
    K t = trade(5, 0), ex = ktn(KC, 5);   /* a column added on the latest day */
    memset(kG(ex), 'N', 5);
    ck_assert(js(&kK(t->k)[0], ss("ex")) && jk(&kK(t->k)[1], ex));
    ck_assert_msg(dsk_partition_write(root, T_DAY + 1, "trade", t, err) == 0, "%s", err);
    r0(t);
    ck_assert_int_eq(hdb_load(root), 1);
    K c = q_run("cols trade");
    ck_assert(c && c->t == KS && c->n == 5);
    r0(c);
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.16"), 5);
    ck_assert(dsk_partition_path(path, sizeof path, root, T_DAY, "trade") == 0);
    q_fails_with("select from trade where date=2024.01.15", path, "differ");
}
END_TEST

/* A table whose only partition is bad is an error value naming the path. */
START_TEST(bad_file_names_its_path)
{
    write_day(T_DAY, 10, 0);
    char path[T_PATH];
    ck_assert(dsk_partition_path(path, sizeof path, root, T_DAY, "trade") == 0);
    strcat(path, "/price");
    ck_assert(truncate(path, 70) == 0);
    ck_assert_int_eq(hdb_load(root), 0);
    q_fails_with("count trade", path, "truncated");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hdb_load");
    TCase *t = tcase_create("load");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, one_partition_is_mapped);
    tcase_add_test(t, partitions_join_in_date_order);
    tcase_add_test(t, pruning_matches_scan);
    tcase_add_test(t, partitions_map_reduce);
    tcase_add_test(t, pruning_skips_bad_partition);
    tcase_add_test(t, latest_partition_gives_columns);
    tcase_add_test(t, bad_file_names_its_path);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
