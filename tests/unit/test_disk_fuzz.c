/* test_disk_fuzz.c: damaged files never crash the storage layer: every header byte of
 * every kind of file flipped, and every file cut at many lengths, must load cleanly or
 * fail with an error naming the file. Runs under ASan/UBSan with the unit tests.
 * SPDX-License-Identifier: MIT */
#include "check_run.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk.h"

#define FUZZ_HEADER_BYTES 64     /* docs/disk-format.md: the header every file starts with */
#define FUZZ_ROWS 40
#define FUZZ_CUTS 97             /* truncation lengths tried per file */

static char dir[64];
static char err[DSK_ERR_BYTES];
static char path[256], saved[128];

/* A two-column table with a symbol, a float and a nested string column, as a
 * partition: every kind of file (vector, symbol, nested index + items, .d, sym). */
static K sample_table(void)
{
    const char *syms[] = { "IBM", "MSFT", "A" };
    K sym = ktn(KS, FUZZ_ROWS), price = ktn(KF, FUZZ_ROWS), note = ktn(0, FUZZ_ROWS);
    for (J i = 0; i < FUZZ_ROWS; i++) {
        kS(sym)[i] = ss(syms[i % 3]);
        kF(price)[i] = (double)i / 3;
        kK(note)[i] = kp(i % 2 ? "odd" : "");
    }
    K names = ktn(KS, 3);
    kS(names)[0] = ss("sym"); kS(names)[1] = ss("price"); kS(names)[2] = ss("note");
    return xT(xD(names, knk(3, sym, price, note)));
}

static void copy_file(const char *from, const char *to)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", from, to);
    ck_assert_int_eq(system(cmd), 0);
}

/* Load the table (and the sym file) after damage: a table or an error, never a crash. */
static void load_survives(const char *tdir, const char *damaged)
{
    K syms = dsk_sym_load(dir, err);
    if (!syms) {
        ck_assert_msg(strstr(err, damaged) != NULL, "error does not name %s: %s", damaged, err);
        return;
    }
    err[0] = 0;
    K t = dsk_table_load(tdir, syms, err);
    if (!t) ck_assert_msg(strstr(err, tdir) != NULL, "error names no file: %s", err);
    r0(t);
    r0(syms);
}

START_TEST(damaged_files_fail_cleanly)
{
    snprintf(dir, sizeof dir, "/tmp/tick_dskfuzz_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    K t = sample_table();
    ck_assert_msg(dsk_partition_write(dir, 0, "t", t, err) == 0, "%s", err);
    char tdir[128];
    ck_assert_int_eq(dsk_partition_path(tdir, sizeof tdir, dir, 0, "t"), 0);
    const char *files[] = { "sym", "price", "note", "note#", ".d" };
    for (int f = 0; f < 5; f++) {
        snprintf(path, sizeof path, "%s/%s", f == 0 ? dir : tdir, files[f]);
        snprintf(saved, sizeof saved, "%s/original", dir);  /* ignored by loads */
        copy_file(path, saved);
        struct stat st;
        ck_assert_int_eq(stat(path, &st), 0);
        for (int byte = 0; byte < FUZZ_HEADER_BYTES; byte++) {
            for (int bit = 0; bit < 8; bit += 3) {
                copy_file(saved, path);
                int fd = open(path, O_RDWR);
                G b;
                ck_assert_int_eq(pread(fd, &b, 1, byte), 1);
                b ^= (G)(1 << bit);
                ck_assert_int_eq(pwrite(fd, &b, 1, byte), 1);
                close(fd);
                load_survives(tdir, path);
            }
        }
        for (int cut = 0; cut < FUZZ_CUTS; cut++) {
            copy_file(saved, path);
            ck_assert_int_eq(truncate(path, (off_t)(st.st_size * cut / FUZZ_CUTS)), 0);
            load_survives(tdir, path);
        }
        copy_file(saved, path);
        ck_assert_int_eq(unlink(saved), 0);
    }
    r0(t);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("disk_fuzz");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, damaged_files_fail_cleanly);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
