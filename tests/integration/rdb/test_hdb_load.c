/* test_hdb_load.c: the hdb's loader in-process (hdb_load.c): a table held by one
 * partition is presented on its mapped columns without a copy (and q's insert copies
 * instead of growing a mapping), several partitions join in date order, and a reload
 * drops what the first load kept. SPDX-License-Identifier: MIT */
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
        kS(sym)[i] = ss(i % 2 ? "IBM" : "MSFT");
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

static J q_long(const char *text)
{
    K r = q_eval(text, (J)strlen(text));
    J v = r && r->t == -KJ ? r->j : -1;
    r0(r);
    return v;
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

/* One partition: price and size are the files' mappings; date and sym are in memory. */
START_TEST(one_partition_is_mapped)
{
    write_day(T_DAY, 1000, 100);
    ck_assert_int_eq(hdb_load(root), 1);
    K t = q_global_get("trade");
    ck_assert(t && t->t == XT);
    K cols = kK(t->k)[1];
    ck_assert_str_eq(kS(kK(t->k)[0])[0], "date");
    ck_assert_int_eq(kK(cols)[0]->t, KD);
    ck_assert_int_eq(kK(cols)[2]->m, K_MEM_MAPPED);   /* price */
    ck_assert_int_eq(kK(cols)[3]->m, K_MEM_MAPPED);   /* size */
    ck_assert(kK(cols)[2]->r > 0);                     /* shared with the loader's copy */
    r0(t);
    ck_assert_int_eq(q_long("count trade"), 1000);
    ck_assert_int_eq(q_long("exec sum size from trade where sym=`IBM"), 250000);
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.15"), 1000);
    /* q's insert must copy a mapped column, never grow it in place */
    static const char ins[] = "`trade insert (2024.01.15;`X;1.5;7)";
    K r = q_eval(ins, (J)strlen(ins));
    ck_assert_msg(r && r->t != KERR, "insert: %s", r && r->t == KERR ? r->s : "NULL");
    r0(r);
    ck_assert_int_eq(q_long("count trade"), 1001);
    ck_assert_int_eq(hdb_load(root), 1);   /* reload: back to the files */
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
    ck_assert_int_eq(q_long("count trade"), 15);
    ck_assert_int_eq(q_long("count date"), 3);
    ck_assert_int_eq(q_long("count select from trade where date=2024.01.14"), 5);
    K p = q_eval("exec price from trade", (J)strlen("exec price from trade"));
    ck_assert(p && p->t == KF && p->n == 15);
    for (J i = 0; i < 5; i++) ck_assert(kF(p)[i] < 1000);     /* 2024.01.14 first */
    for (J i = 5; i < 15; i++) ck_assert(kF(p)[i] >= 1000);
    r0(p);
    ck_assert_int_eq(q_long("exec sum size from trade"), 45 + 10);
}
END_TEST

/* A short column file fails the load of its table with the path, not the process. */
START_TEST(bad_file_names_its_path)
{
    write_day(T_DAY, 10, 0);
    char path[T_PATH];
    ck_assert(dsk_partition_path(path, sizeof path, root, T_DAY, "trade") == 0);
    strcat(path, "/price");
    ck_assert(truncate(path, 70) == 0);
    ck_assert_int_eq(hdb_load(root), 0);
    K r = q_eval("count trade", (J)strlen("count trade"));
    ck_assert(r && r->t == KERR && strstr(r->s, path) && strstr(r->s, "truncated"));
    r0(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hdb_load");
    TCase *t = tcase_create("load");
    tcase_add_checked_fixture(t, setup, teardown);
    tcase_add_test(t, one_partition_is_mapped);
    tcase_add_test(t, partitions_join_in_date_order);
    tcase_add_test(t, bad_file_names_its_path);
    suite_add_tcase(s, t);
    SRunner *r = srunner_create(s);
    srunner_run_all(r, CK_NORMAL);
    int failed = srunner_ntests_failed(r);
    srunner_free(r);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
