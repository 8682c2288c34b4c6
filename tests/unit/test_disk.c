/* test_disk.c: the on-disk storage layer: column round trips of every vector type,
 * nested columns, the sym file, splayed tables, date partitions, corrupt files with
 * clear errors, atomic writes and lazy mapping.
 * SPDX-License-Identifier: MIT */
#include "check_run.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>

#include "disk.h"

#define TEST_HEADER_BYTES 64      /* docs/disk-format.md: items start at offset 64 */

static char base_dir[64];     /* made and removed by the parent, so a failed test cleans up */
static char dir[128];         /* one per test, inside base_dir */
static char err[DSK_ERR_BYTES];

static void make_base_dir(void)
{
    snprintf(base_dir, sizeof base_dir, "/tmp/tick_dsk_XXXXXX");
    if (!mkdtemp(base_dir)) abort();
}

static void remove_base_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", base_dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", base_dir);
}

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "%s/t_XXXXXX", base_dir);
    ck_assert_ptr_nonnull(mkdtemp(dir));
    err[0] = 0;
}

static void remove_dir(void)
{
    char cmd[192];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const char *in_dir(const char *name)
{
    static char path[4][256];
    static int next;
    char *p = path[next++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_random(void)
{
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return rng;
}

/* A vector of type t and n items: random bits, item 0 the type's null, item 1 its
 * infinity (or largest value). */
static K sample_vector(int t, J n)
{
    K x = ktn(t, n);
    int w = k_item_size(t);
    for (J i = 0; i < n * w; i++) kG(x)[i] = (G)next_random();
    if (t == KB) for (J i = 0; i < n; i++) kG(x)[i] &= 1;
    if (n < 2) return x;
    switch (w) {
    case 2: kH(x)[0] = nh; kH(x)[1] = wh; break;
    case 4: if (t == KE) { kE(x)[0] = ne; kE(x)[1] = we; } else { kI(x)[0] = ni; kI(x)[1] = wi; } break;
    case 8: if (t == KF || t == KZ) { kF(x)[0] = nf; kF(x)[1] = wf; } else { kJ(x)[0] = nj; kJ(x)[1] = wj; } break;
    case 16: memset(kU(x), 0, sizeof(U)); break;
    default: kG(x)[0] = t == KC ? ' ' : 0; break;
    }
    return x;
}

static K sym_vector(J n, const char **names, int nnames)
{
    K x = ktn(KS, n);
    for (J i = 0; i < n; i++) kS(x)[i] = ss(names[next_random() % (uint64_t)nnames]);
    return x;
}

static J file_size(const char *path);
static void patch(const char *path, long offset, const void *bytes, size_t n);

static const int vector_types[] = { KB, UU, KG, KH, KI, KJ, KE, KF, KC, KP, KM, KD, KZ, KN,
                                    KU, KV, KT };

START_TEST(every_vector_type_round_trips_mapped)
{
    make_dir();
    for (size_t k = 0; k < sizeof vector_types / sizeof vector_types[0]; k++) {
        int t = vector_types[k];
        const J counts[] = { 0, 1, 2, 1001 };
        for (int c = 0; c < 4; c++) {
            K x = sample_vector(t, counts[c]);
            x->a = counts[c] == 1 ? K_ATTR_SORTED : K_ATTR_NONE;
            const char *path = in_dir("col");
            ck_assert_msg(dsk_column_write(path, x, NULL, err) == 0, "%s", err);
            K y = dsk_column_map(path, NULL, err);
            ck_assert_msg(y != NULL, "%s", err);
            ck_assert_int_eq(y->m, K_MEM_MAPPED);
            ck_assert_int_eq(y->t, t);
            ck_assert_int_eq(y->n, x->n);
            ck_assert_int_eq(y->a, x->a);
            ck_assert_int_eq(y->r, 0);
            ck_assert_int_eq((uintptr_t)kG(y) % 16, 0);
            ck_assert_msg(k_match(x, y), "type %d count %lld", t, (long long)x->n);
            r0(y);
            r0(x);
        }
    }
    remove_dir();
}
END_TEST

START_TEST(symbol_column_round_trips_through_domain)
{
    make_dir();
    const char *names[] = { "IBM", "MSFT", "", "a.b_c", "GOOG" };
    K domain = ktn(KS, 5);
    for (int i = 0; i < 5; i++) kS(domain)[i] = ss(names[4 - i]);
    K x = sym_vector(500, names, 5);
    x->a = K_ATTR_GROUPED;
    const char *path = in_dir("s");
    ck_assert_msg(dsk_column_write(path, x, domain, err) == 0, "%s", err);
    K y = dsk_column_map(path, domain, err);
    ck_assert_msg(y != NULL, "%s", err);
    ck_assert_int_eq(y->t, KS);
    ck_assert_int_eq(y->a, K_ATTR_GROUPED);
    ck_assert(k_match(x, y));
    r0(y);
    /* without the domain: a clear error, not a crash */
    ck_assert_ptr_null(dsk_column_map(path, NULL, err));
    ck_assert_ptr_nonnull(strstr(err, path));
    /* a symbol outside the domain cannot be written */
    K extra = ktn(KS, 1);
    kS(extra)[0] = ss("NOTTHERE");
    ck_assert_int_eq(dsk_column_write(in_dir("t"), extra, domain, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "NOTTHERE"));
    ck_assert_int_eq(access(in_dir("t"), F_OK), -1);
    /* an index outside a shorter domain is corrupt, not a crash */
    K small = ktn(KS, 1);
    kS(small)[0] = ss("GOOG");
    ck_assert_ptr_null(dsk_column_map(path, small, err));
    ck_assert_ptr_nonnull(strstr(err, "outside the sym domain"));
    r0(small);
    r0(extra);
    r0(x);
    r0(domain);
    remove_dir();
}
END_TEST

static K string_list(J n)
{
    K x = ktn(0, n);
    for (J i = 0; i < n; i++) {
        J len = (J)(next_random() % 9);
        K s = ktn(KC, len);
        for (J j = 0; j < len; j++) kC(s)[j] = (G)('a' + next_random() % 26);
        kK(x)[i] = s;
    }
    return x;
}

START_TEST(nested_columns_round_trip)
{
    make_dir();
    K strings = string_list(300);
    const char *path = in_dir("cond");
    ck_assert_msg(dsk_column_write(path, strings, NULL, err) == 0, "%s", err);
    ck_assert_int_eq(access(in_dir("cond#"), F_OK), 0);
    K y = dsk_column_map(path, NULL, err);
    ck_assert_msg(y != NULL, "%s", err);
    ck_assert_int_eq(y->t, 0);
    ck_assert(k_match(strings, y));
    r0(y);
    /* lists of long vectors, and the empty nested column */
    K longs = knk(3, sample_vector(KJ, 5), sample_vector(KJ, 0), sample_vector(KJ, 2));
    ck_assert_msg(dsk_column_write(path, longs, NULL, err) == 0, "%s", err);
    y = dsk_column_map(path, NULL, err);
    ck_assert_msg(y && k_match(longs, y), "%s", err);
    r0(y);
    K empty = ktn(0, 0);
    ck_assert_msg(dsk_column_write(path, empty, NULL, err) == 0, "%s", err);
    y = dsk_column_map(path, NULL, err);
    ck_assert_msg(y && y->t == 0 && y->n == 0, "%s", err);
    r0(y);
    /* mixed item types and atoms are unmappable */
    K mixed = knk(2, kp("ab"), sample_vector(KJ, 2));
    ck_assert_int_eq(dsk_column_write(in_dir("m"), mixed, NULL, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unmappable"));
    K atoms = knk(2, kj(1), kj(2));
    ck_assert_int_eq(dsk_column_write(in_dir("m"), atoms, NULL, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "unmappable"));
    ck_assert_int_eq(access(in_dir("m"), F_OK), -1);
    r0(atoms);
    r0(mixed);
    r0(empty);
    r0(longs);
    r0(strings);
    remove_dir();
}
END_TEST

static K enumerate(const char *root, K col)
{
    K idx = NULL;
    ck_assert_msg(dsk_sym_enumerate(root, col, &idx, err) == 0, "%s", err);
    ck_assert_ptr_nonnull(idx);
    ck_assert_int_eq(idx->t, KI);
    ck_assert_int_eq(idx->n, col->n);
    return idx;
}

START_TEST(sym_file_appends_and_never_reorders)
{
    make_dir();
    K empty = dsk_sym_load(dir, err);
    ck_assert_msg(empty && empty->t == KS && empty->n == 0, "%s", err);
    r0(empty);
    const char *first[] = { "MSFT", "IBM", "MSFT", "" };
    K a = ktn(KS, 4);
    for (int i = 0; i < 4; i++) kS(a)[i] = ss(first[i]);
    K ia = enumerate(dir, a);
    ck_assert_int_eq(kI(ia)[0], 0);
    ck_assert_int_eq(kI(ia)[1], 1);
    ck_assert_int_eq(kI(ia)[2], 0);
    ck_assert_int_eq(kI(ia)[3], 2);
    const char *second[] = { "AAPL", "IBM", "ZZ", "AAPL" };
    K b = ktn(KS, 4);
    for (int i = 0; i < 4; i++) kS(b)[i] = ss(second[i]);
    K ib = enumerate(dir, b);
    ck_assert_int_eq(kI(ib)[0], 3);
    ck_assert_int_eq(kI(ib)[1], 1);
    ck_assert_int_eq(kI(ib)[2], 4);
    ck_assert_int_eq(kI(ib)[3], 3);
    K syms = dsk_sym_load(dir, err);
    ck_assert_msg(syms != NULL, "%s", err);
    const char *expect[] = { "MSFT", "IBM", "", "AAPL", "ZZ" };
    ck_assert_int_eq(syms->n, 5);
    for (int i = 0; i < 5; i++) ck_assert_ptr_eq(kS(syms)[i], ss(expect[i]));
    /* enumerating known symbols changes nothing */
    struct stat before, after;
    ck_assert_int_eq(stat(in_dir("sym"), &before), 0);
    K ic = enumerate(dir, a);
    ck_assert_int_eq(stat(in_dir("sym"), &after), 0);
    ck_assert_int_eq(before.st_size, after.st_size);
    ck_assert(k_match(ia, ic));
    r0(ic); r0(syms); r0(ib); r0(b); r0(ia); r0(a);
    remove_dir();
}
END_TEST

START_TEST(sym_file_survives_a_torn_append_and_reports_corruption)
{
    make_dir();
    const char *names[] = { "IBM", "MSFT" };
    K a = sym_vector(10, names, 2);
    K ia = enumerate(dir, a);
    K before = dsk_sym_load(dir, err);
    ck_assert_msg(before != NULL, "%s", err);
    /* a crash after the text was written but before the header commit leaves junk */
    const char *path = in_dir("sym");
    J committed = file_size(path);
    patch(path, (long)committed, "JUNK\0MORE", 9);
    K after = dsk_sym_load(dir, err);
    ck_assert_msg(after && k_match(before, after), "%s", err);
    K b = ktn(KS, 1);
    kS(b)[0] = ss("NEW");
    K ib = enumerate(dir, b);
    ck_assert_int_eq(kI(ib)[0], before->n);
    K grown = dsk_sym_load(dir, err);
    ck_assert_msg(grown && grown->n == before->n + 1, "%s", err);
    ck_assert_ptr_eq(kS(grown)[before->n], ss("NEW"));
    /* a corrupt header is reported by both load and enumerate, with the path */
    patch(path, 0, "NOTMAGIC", 8);
    ck_assert_ptr_null(dsk_sym_load(dir, err));
    ck_assert_msg(strstr(err, path) && strstr(err, "bad magic"), "%s", err);
    K idx = NULL;
    ck_assert_int_eq(dsk_sym_enumerate(dir, b, &idx, err), -1);
    ck_assert_ptr_null(idx);
    ck_assert_msg(strstr(err, path) && strstr(err, "bad magic"), "%s", err);
    /* text cut short of the committed count, then a file cut inside its header */
    ck_assert_int_eq(dsk_sym_enumerate(in_dir("fresh"), a, &idx, err), -1);  /* no dir */
    ck_assert_msg(strstr(err, "fresh/sym") != NULL, "%s", err);
    patch(path, 0, "TKDSKCOL", 8);
    ck_assert_int_eq(truncate(path, TEST_HEADER_BYTES + 2), 0);
    ck_assert_ptr_null(dsk_sym_load(dir, err));
    ck_assert_msg(strstr(err, path) && strstr(err, "truncated"), "%s", err);
    ck_assert_int_eq(truncate(path, 20), 0);
    ck_assert_ptr_null(dsk_sym_load(dir, err));
    ck_assert_msg(strstr(err, path) && strstr(err, "short file"), "%s", err);
    r0(grown); r0(ib); r0(b); r0(after); r0(before); r0(ia); r0(a);
    remove_dir();
}
END_TEST

#define WRITERS 4
#define ROUNDS 25

START_TEST(concurrent_writers_keep_the_sym_file_whole)
{
    make_dir();
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        ck_assert_int_ge(pids[w], 0);
        if (pids[w] == 0) {
            for (int r = 0; r < ROUNDS; r++) {
                char name[32];
                K col = ktn(KS, 3);
                snprintf(name, sizeof name, "w%d_%d", w, r);
                kS(col)[0] = ss(name);
                kS(col)[1] = ss("shared");
                snprintf(name, sizeof name, "r%d", r);
                kS(col)[2] = ss(name);
                K idx = NULL;
                if (dsk_sym_enumerate(dir, col, &idx, err)) _exit(1);
                r0(idx);
                r0(col);
            }
            tk_sym_fini();
            _exit(0);
        }
    }
    for (int w = 0; w < WRITERS; w++) {
        int status;
        ck_assert_int_eq(waitpid(pids[w], &status, 0), pids[w]);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    K syms = dsk_sym_load(dir, err);
    ck_assert_msg(syms != NULL, "%s", err);
    ck_assert_int_eq(syms->n, WRITERS * ROUNDS + 1 + ROUNDS);
    for (J i = 0; i < syms->n; i++)
        for (J j = i + 1; j < syms->n; j++) ck_assert_ptr_ne(kS(syms)[i], kS(syms)[j]);
    r0(syms);
    remove_dir();
}
END_TEST

/* The cookbook trade table with a string column: time sym price size stop cond ex note */
static K trade_table(J n)
{
    const char *tickers[] = { "MSFT", "IBM", "AAPL", "GOOG", "A" };
    K time = ktn(KN, n), price = ktn(KF, n), size = ktn(KJ, n), stop = ktn(KB, n);
    K cond = ktn(KC, n), ex = ktn(KS, n);           /* ex: a second symbol column */
    for (J i = 0; i < n; i++) {
        kJ(time)[i] = 34200000000000LL + i * 1000;
        kF(price)[i] = i % 7 ? 100.0 + (double)(i % 50) / 4 : nf;
        kJ(size)[i] = i % 11 ? 100 * (i % 9) : nj;
        kG(stop)[i] = (G)(i % 3 == 0);
        kC(cond)[i] = (G)('A' + i % 3);
        kS(ex)[i] = ss(i % 2 ? "N" : "O");
    }
    K sym = sym_vector(n, tickers, 5);
    sym->a = K_ATTR_GROUPED;
    time->a = K_ATTR_SORTED;
    K names = ktn(KS, 8);
    const char *cols[] = { "time", "sym", "price", "size", "stop", "cond", "ex", "note" };
    for (int i = 0; i < 8; i++) kS(names)[i] = ss(cols[i]);
    return xT(xD(names, knk(8, time, sym, price, size, stop, cond, ex, string_list(n))));
}

/* The expected on-disk view of t: rows stably sorted by sym text, sym first, sym p#,
 * other attributes cleared. */
static K sorted_by_sym(K t)
{
    K names = kK(t->k)[0], cols = kK(t->k)[1];
    K sym = kK(cols)[1];
    J n = sym->n, *perm = malloc((size_t)(n + 1) * sizeof(J)), k = 0;
    for (J i = 0; i < n; i++) perm[i] = i;
    for (J i = 1; i < n; i++) {              /* insertion sort: stable */
        J p = perm[i], j = i;
        while (j > 0 && strcmp(kS(sym)[perm[j - 1]], kS(sym)[p]) > 0) { perm[j] = perm[j - 1]; j--; }
        perm[j] = p;
    }
    K onames = ktn(KS, names->n), ocols = ktn(0, names->n);
    const J order[] = { 1, 0, 2, 3, 4, 5, 6, 7 };
    for (J c = 0; c < names->n; c++) {
        K src = kK(cols)[order[c]];
        kS(onames)[k] = kS(names)[order[c]];
        K dst = ktn(src->t, n);
        int w = k_item_size(src->t);
        for (J i = 0; i < n; i++) {
            if (src->t == 0) kK(dst)[i] = r1(kK(src)[perm[i]]);
            else memcpy(kG(dst) + i * w, kG(src) + perm[i] * w, (size_t)w);
        }
        kK(ocols)[k++] = dst;
    }
    kK(ocols)[0]->a = K_ATTR_PARTED;
    free(perm);
    return xT(xD(onames, ocols));
}

static void assert_same_table(K expect, K got)
{
    ck_assert_int_eq(got->t, XT);
    ck_assert(k_match(kK(expect->k)[0], kK(got->k)[0]));
    K ec = kK(expect->k)[1], gc = kK(got->k)[1];
    ck_assert_int_eq(ec->n, gc->n);
    for (J i = 0; i < ec->n; i++) {
        ck_assert_msg(k_match(kK(ec)[i], kK(gc)[i]), "column %s", kS(kK(expect->k)[0])[i]);
        ck_assert_int_eq(kK(ec)[i]->a, kK(gc)[i]->a);
    }
}

static const I day1 = 8780;   /* 2024.01.15 */

START_TEST(partition_write_loads_sorted_by_sym)
{
    make_dir();
    K t = trade_table(1000);
    ck_assert_msg(dsk_partition_write(dir, day1, "trade", t, err) == 0, "%s", err);
    char tdir[256];
    ck_assert_int_eq(dsk_partition_path(tdir, sizeof tdir, dir, day1, "trade"), 0);
    ck_assert_str_eq(tdir + strlen(dir), "/2024.01.15/trade");
    K syms = dsk_sym_load(dir, err);
    K got = dsk_table_load(tdir, syms, err);
    ck_assert_msg(got != NULL, "%s", err);
    K expect = sorted_by_sym(t);
    assert_same_table(expect, got);
    ck_assert_int_eq(kK(kK(got->k)[1])[1]->m, K_MEM_MAPPED);   /* time column mapped */
    r0(expect); r0(got); r0(syms); r0(t);
    remove_dir();
}
END_TEST

START_TEST(two_partitions_share_one_growing_sym_file)
{
    make_dir();
    K t1 = trade_table(200);
    ck_assert_msg(dsk_partition_write(dir, day1, "trade", t1, err) == 0, "%s", err);
    K syms1 = dsk_sym_load(dir, err);
    K t2 = trade_table(300);
    kS(kK(kK(t2->k)[1])[1])[7] = ss("NEWSYM");
    kS(kK(kK(t2->k)[1])[1])[9] = ss("ANOTHER");
    ck_assert_msg(dsk_partition_write(dir, day1 + 1, "trade", t2, err) == 0, "%s", err);
    K syms2 = dsk_sym_load(dir, err);
    ck_assert_int_eq(syms2->n, syms1->n + 2);
    for (J i = 0; i < syms1->n; i++) ck_assert_ptr_eq(kS(syms1)[i], kS(syms2)[i]);
    ck_assert_ptr_eq(kS(syms2)[syms1->n], ss("NEWSYM"));
    ck_assert_ptr_eq(kS(syms2)[syms1->n + 1], ss("ANOTHER"));
    char tdir[256];
    K ts[] = { t1, t2 };
    for (int p = 0; p < 2; p++) {
        ck_assert_int_eq(dsk_partition_path(tdir, sizeof tdir, dir, day1 + p, "trade"), 0);
        K got = dsk_table_load(tdir, syms2, err);
        ck_assert_msg(got != NULL, "%s", err);
        K expect = sorted_by_sym(ts[p]);
        assert_same_table(expect, got);
        r0(expect);
        r0(got);
    }
    r0(syms2); r0(t2); r0(syms1); r0(t1);
    remove_dir();
}
END_TEST

START_TEST(empty_tables_are_written_too)
{
    make_dir();
    K t = trade_table(0);
    ck_assert_msg(dsk_partition_write(dir, day1, "quote", t, err) == 0, "%s", err);
    char tdir[256];
    ck_assert_int_eq(dsk_partition_path(tdir, sizeof tdir, dir, day1, "quote"), 0);
    K got = dsk_table_load(tdir, NULL, err);
    ck_assert_msg(got != NULL, "%s", err);
    K expect = sorted_by_sym(t);
    assert_same_table(expect, got);
    ck_assert_int_eq(k_count(got), 0);
    r0(expect); r0(got); r0(t);
    remove_dir();
}
END_TEST

START_TEST(splayed_table_keeps_order_and_attributes)
{
    make_dir();
    K t = trade_table(100);
    ck_assert_msg(dsk_table_write(in_dir("db/t"), t, dir, err) == 0, "%s", err);
    K syms = dsk_sym_load(dir, err);
    K got = dsk_table_load(in_dir("db/t"), syms, err);
    ck_assert_msg(got != NULL, "%s", err);
    assert_same_table(t, got);
    /* keyed tables and tables without a sym column are refused with the path */
    K keyed = knt(1, r1(t));
    ck_assert_int_eq(dsk_table_write(in_dir("k"), keyed, dir, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "keyed"));
    K nosym = ktd(r1(keyed));
    kS(kK(nosym->k)[0])[1] = ss("ticker");
    ck_assert_int_eq(dsk_partition_write(dir, day1, "x", nosym, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "2024.01.15/x"));
    /* a bad column after good ones: no .d, no temp files, and the good ones are
     * either committed or gone */
    K bad = ktd(r1(keyed));
    r0(kK(kK(bad->k)[1])[7]);
    K atoms = ktn(0, 100);                        /* a list of atoms is unmappable */
    for (J i = 0; i < 100; i++) kK(atoms)[i] = kj(i);
    kK(kK(bad->k)[1])[7] = atoms;
    ck_assert_int_eq(dsk_table_write(in_dir("bad"), bad, dir, err), -1);
    ck_assert_msg(strstr(err, "bad/note") && strstr(err, "unmappable"), "%s", err);
    ck_assert_int_eq(access(in_dir("bad/.d"), F_OK), -1);
    DIR *d = opendir(in_dir("bad"));
    ck_assert_ptr_nonnull(d);
    for (struct dirent *e; (e = readdir(d));)
        ck_assert_msg(!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || e->d_name[0] != '.',
                      "temp file %s left behind", e->d_name);
    closedir(d);
    r0(bad); r0(nosym); r0(keyed); r0(got); r0(syms); r0(t);
    remove_dir();
}
END_TEST

START_TEST(partitions_lists_only_date_directories)
{
    make_dir();
    const char *dirs[] = { "2024.01.16", "2024.01.15", ".hidden", "notadate", "2024.02.30",
                           "1999.12.31" };
    for (int i = 0; i < 6; i++) ck_assert_int_eq(mkdir(in_dir(dirs[i]), 0755), 0);
    FILE *f = fopen(in_dir("2024.01.17"), "w");   /* a file, not a directory */
    ck_assert_ptr_nonnull(f);
    fclose(f);
    f = fopen(in_dir("sym"), "w");
    fclose(f);
    K dates = dsk_partitions(dir, err);
    ck_assert_msg(dates != NULL, "%s", err);
    ck_assert_int_eq(dates->t, KD);
    ck_assert_int_eq(dates->n, 3);
    ck_assert_int_eq(kI(dates)[0], -1);
    ck_assert_int_eq(kI(dates)[1], day1);
    ck_assert_int_eq(kI(dates)[2], day1 + 1);
    r0(dates);
    ck_assert_ptr_null(dsk_partitions(in_dir("missing"), err));
    ck_assert_ptr_nonnull(strstr(err, "missing"));
    remove_dir();
}
END_TEST

/* Bytes of the file at path. */
static J file_size(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return (J)st.st_size;
}

static void patch(const char *path, long offset, const void *bytes, size_t n)
{
    int fd = open(path, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(pwrite(fd, bytes, n, offset), (ssize_t)n);
    close(fd);
}

static void assert_map_fails(const char *path, const char *what)
{
    err[0] = 0;
    ck_assert_ptr_null(dsk_column_map(path, NULL, err));
    ck_assert_msg(strstr(err, path) && strstr(err, what), "got \"%s\", wanted %s", err, what);
}

START_TEST(corrupt_files_give_clear_errors)
{
    make_dir();
    assert_map_fails(in_dir("missing"), "No such file");
    const char *path = in_dir("price");
    FILE *f = fopen(path, "w");
    fputs("0123456789", f);
    fclose(f);
    assert_map_fails(path, "short file");
    K x = sample_vector(KF, 100);
    ck_assert_int_eq(dsk_column_write(path, x, NULL, err), 0);
    patch(path, 0, "XXXX", 4);
    assert_map_fails(path, "bad magic");
    ck_assert_int_eq(dsk_column_write(path, x, NULL, err), 0);
    ck_assert_int_eq(truncate(path, TEST_HEADER_BYTES + 99 * 8 + 3), 0);
    assert_map_fails(path, "truncated");
    ck_assert_int_eq(dsk_column_write(path, x, NULL, err), 0);
    J huge = (J)1 << 60;
    patch(path, 16, &huge, sizeof huge);
    assert_map_fails(path, "disagrees");
    patch(path, 56, &huge, sizeof huge);            /* K header agrees: still too long */
    assert_map_fails(path, "truncated");
    ck_assert_int_eq(dsk_column_write(path, x, NULL, err), 0);
    G bad_type = 3;
    patch(path, 11, &bad_type, 1);
    assert_map_fails(path, "corrupt header");
    ck_assert_int_eq(dsk_column_write(path, x, NULL, err), 0);
    J other = 7;
    patch(path, 56, &other, sizeof other);           /* K header's count disagrees */
    assert_map_fails(path, "disagrees");
    /* nested: truncated index, index past the data, missing data file */
    K strings = string_list(50);
    const char *npath = in_dir("note");
    ck_assert_int_eq(dsk_column_write(npath, strings, NULL, err), 0);
    ck_assert_int_eq(truncate(npath, TEST_HEADER_BYTES + 20 * 8), 0);
    assert_map_fails(npath, "truncated");
    ck_assert_int_eq(dsk_column_write(npath, strings, NULL, err), 0);
    J beyond = 1000000;
    patch(npath, TEST_HEADER_BYTES + 10 * 8, &beyond, sizeof beyond);
    assert_map_fails(npath, "corrupt nested index");
    ck_assert_int_eq(dsk_column_write(npath, strings, NULL, err), 0);
    ck_assert_int_eq(truncate(in_dir("note#"), file_size(in_dir("note#")) - 1), 0);
    err[0] = 0;
    ck_assert_ptr_null(dsk_column_map(npath, NULL, err));
    ck_assert_msg(strstr(err, "note#") && strstr(err, "truncated"), "%s", err);
    ck_assert_int_eq(unlink(in_dir("note#")), 0);
    err[0] = 0;
    ck_assert_ptr_null(dsk_column_map(npath, NULL, err));
    ck_assert_msg(strstr(err, "note#") && strstr(err, "No such file"), "%s", err);
    r0(strings);
    r0(x);
    remove_dir();
}
END_TEST

START_TEST(table_with_a_bad_column_fails_with_its_path)
{
    make_dir();
    K t = trade_table(50);
    ck_assert_msg(dsk_partition_write(dir, day1, "trade", t, err) == 0, "%s", err);
    char tdir[256], col[300];
    ck_assert_int_eq(dsk_partition_path(tdir, sizeof tdir, dir, day1, "trade"), 0);
    K syms = dsk_sym_load(dir, err);
    /* a column of another length (dbmaint's `length` failure) */
    snprintf(col, sizeof col, "%s/size", tdir);
    K shorter = sample_vector(KJ, 49);
    ck_assert_int_eq(dsk_column_write(col, shorter, NULL, err), 0);
    ck_assert_ptr_null(dsk_table_load(tdir, syms, err));
    ck_assert_msg(strstr(err, col) && strstr(err, "length"), "%s", err);
    /* a missing column file */
    ck_assert_int_eq(unlink(col), 0);
    ck_assert_ptr_null(dsk_table_load(tdir, syms, err));
    ck_assert_msg(strstr(err, col) && strstr(err, "No such file"), "%s", err);
    /* a .d naming a file outside the table, then a missing .d */
    snprintf(col, sizeof col, "%s/.d", tdir);
    patch(col, TEST_HEADER_BYTES + 4, "../x", 4);          /* "sym\0time\0" -> "sym\0../x\0" */
    ck_assert_ptr_null(dsk_table_load(tdir, syms, err));
    ck_assert_msg(strstr(err, tdir) && strstr(err, "`../x"), "%s", err);
    ck_assert_int_eq(unlink(col), 0);
    ck_assert_ptr_null(dsk_table_load(tdir, syms, err));
    ck_assert_msg(strstr(err, col) != NULL, "%s", err);
    r0(shorter); r0(syms); r0(t);
    remove_dir();
}
END_TEST

/* Names in dir (one level), dot-files included, as a count. */
static int entries_in(const char *path)
{
    DIR *d = opendir(path);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) n++;
    closedir(d);
    return n;
}

START_TEST(writes_are_atomic_and_leave_no_temp_files)
{
    make_dir();
    const char *path = in_dir("c");
    K old = sample_vector(KJ, 1000), new = sample_vector(KJ, 2000);
    ck_assert_int_eq(dsk_column_write(path, old, NULL, err), 0);
    K mapped = dsk_column_map(path, NULL, err);
    ck_assert_ptr_nonnull(mapped);
    ck_assert_int_eq(dsk_column_write(path, new, NULL, err), 0);
    ck_assert(k_match(mapped, old));               /* the old mapping is untouched */
    K again = dsk_column_map(path, NULL, err);
    ck_assert(k_match(again, new));
    ck_assert_int_eq(entries_in(dir), 1);          /* no temp file left behind */
    /* a write that fails leaves neither the real name nor a temp file */
    ck_assert_int_eq(dsk_column_write(in_dir("nodir/c"), new, NULL, err), -1);
    ck_assert_ptr_nonnull(strstr(err, "nodir/c"));
    K bad = knk(1, kj(1));
    ck_assert_int_eq(dsk_column_write(in_dir("bad"), bad, NULL, err), -1);
    ck_assert_int_eq(entries_in(dir), 1);
    r0(bad); r0(again); r0(mapped); r0(new); r0(old);
    remove_dir();
}
END_TEST

/* Is address inside a mapping of path (per /proc/self/maps)? */
static int mapped_from(const void *address, const char *path)
{
    FILE *f = fopen("/proc/self/maps", "r");
    ck_assert_ptr_nonnull(f);
    char line[1024];
    int found = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx", &lo, &hi) != 2) continue;
        if ((uintptr_t)address >= lo && (uintptr_t)address < hi && strstr(line, path)) found = 1;
    }
    fclose(f);
    return found;
}

static long resident_pages(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    ck_assert_int_eq(fscanf(f, "%ld %ld", &size, &resident), 2);
    fclose(f);
    return resident;
}

#define LAZY_ITEMS (100LL * 1024 * 1024 / 8)     /* 100 MB of longs */

START_TEST(mapping_is_lazy_and_released)
{
    make_dir();
    const char *path = in_dir("big");
    K x = ktn(KJ, LAZY_ITEMS);
    for (J i = 0; i < LAZY_ITEMS; i++) kJ(x)[i] = i;
    ck_assert_int_eq(dsk_column_write(path, x, NULL, err), 0);
    r0(x);
    long before = resident_pages();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    K y = dsk_column_map(path, NULL, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ck_assert_msg(y != NULL, "%s", err);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    long grown_kb = (resident_pages() - before) * (sysconf(_SC_PAGESIZE) / 1024);
    ck_assert_msg(ms < 50, "mapping 100 MB took %.1f ms", ms);
    ck_assert_msg(grown_kb < 1024, "mapping made %ld KB resident", grown_kb);
    ck_assert(mapped_from(kG(y), path));           /* items are the file's, not heap */
    ck_assert(mapped_from(kJ(y) + LAZY_ITEMS - 1, path));
    ck_assert_int_eq(y->n, LAZY_ITEMS);
    ck_assert_int_eq(kJ(y)[12345], 12345);
    ck_assert_int_eq(kJ(y)[LAZY_ITEMS - 1], LAZY_ITEMS - 1);
    const void *items = kG(y);
    r1(y);
    r0(y);
    ck_assert(mapped_from(items, path));           /* still one reference */
    r0(y);
    ck_assert(!mapped_from(items, path));          /* the last r0 unmapped it */
    remove_dir();
}
END_TEST

static Suite *disk_suite(void)
{
    Suite *s = suite_create("disk");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_unchecked_fixture(tc, make_base_dir, remove_base_dir);
    tcase_add_test(tc, every_vector_type_round_trips_mapped);
    tcase_add_test(tc, symbol_column_round_trips_through_domain);
    tcase_add_test(tc, nested_columns_round_trip);
    tcase_add_test(tc, sym_file_appends_and_never_reorders);
    tcase_add_test(tc, sym_file_survives_a_torn_append_and_reports_corruption);
    tcase_add_test(tc, concurrent_writers_keep_the_sym_file_whole);
    tcase_add_test(tc, partition_write_loads_sorted_by_sym);
    tcase_add_test(tc, two_partitions_share_one_growing_sym_file);
    tcase_add_test(tc, empty_tables_are_written_too);
    tcase_add_test(tc, splayed_table_keeps_order_and_attributes);
    tcase_add_test(tc, partitions_lists_only_date_directories);
    tcase_add_test(tc, corrupt_files_give_clear_errors);
    tcase_add_test(tc, table_with_a_bad_column_fails_with_its_path);
    tcase_add_test(tc, writes_are_atomic_and_leave_no_temp_files);
    tcase_add_test(tc, mapping_is_lazy_and_released);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return tk_check_run(disk_suite());
}
