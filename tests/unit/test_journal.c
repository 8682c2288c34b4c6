/* test_journal.c: the tickerplant log: kdb+'s byte format, counts, replay, limits,
 * corrupt and truncated tails, reopening.
 * SPDX-License-Identifier: MIT */
#include "check_run.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "kgen.h"
#include "ser.h"

static char dir[64];

static void make_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/tick_jnl_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void remove_dir(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* (`upd;`trade;(enlist time;enlist sym;enlist price;enlist size)) for row i */
static K upd_record(J i)
{
    K time = ktn(KN, 1), sym = ktn(KS, 1), price = ktn(KF, 1), size = ktn(KJ, 1);
    kJ(time)[0] = 34200000000000LL + i;
    kS(sym)[0] = ss(i % 2 ? "IBM" : "MSFT");
    kF(price)[0] = 100.25 + (double)i;
    kJ(size)[0] = 300 + i;
    return knk(3, ks("upd"), ks("trade"), knk(4, time, sym, price, size));
}

static K read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    K bytes = ktn(KG, 0);
    int c;
    while ((c = fgetc(f)) != EOF) { G b = (G)c; ja(&bytes, &b); }
    fclose(f);
    return bytes;
}

START_TEST(path_names_follow_tick)
{
    char path[128];
    ck_assert_int_eq(jnl_path(path, sizeof path, "/tmp/x", "sym", ymd(2024, 1, 15)), 0);
    ck_assert_str_eq(path, "/tmp/x/sym2024.01.15");
    ck_assert_int_eq(jnl_path(path, sizeof path, "", "sym", ymd(2026, 11, 27)), 0);
    ck_assert_str_eq(path, "sym2026.11.27");
    ck_assert_int_eq(jnl_path(path, 8, "/tmp/x", "sym", 0), -1);
}
END_TEST

START_TEST(bytes_match_kdb_format)
{
    make_dir();
    char path[128], err[JNL_ERR_BYTES];
    jnl_path(path, sizeof path, dir, "sym", ymd(2024, 1, 15));
    struct jnl *j = jnl_open(path, JNL_OPEN_STRICT, err);
    ck_assert_msg(j != NULL, "%s", err);
    K bytes = read_file(path);          /* a fresh log is exactly the empty header */
    K want = kgen_hex("ff01000000000000");
    ck_assert(k_match(bytes, want));
    r0(bytes); r0(want);
    /* the record for spec §9 #30's data is the IPC body with `upd in place of `.u.upd */
    K data = knk(4, ktn(KN, 1), ktn(KS, 1), ktn(KF, 1), ktn(KJ, 1));
    kJ(kK(data)[0])[0] = 34200000000000LL;
    kS(kK(data)[1])[0] = ss("IBM");
    kF(kK(data)[2])[0] = 100.25;
    kJ(kK(data)[3])[0] = 300;
    K rec = knk(3, ks("upd"), ks("trade"), data);
    ck_assert_int_eq(jnl_append(j, rec), 0);
    ck_assert_int_eq(jnl_count(j), 1);
    ck_assert_int_eq(jnl_flush(j, 1), 0);
    ck_assert_int_eq(jnl_close(j), 0);
    bytes = read_file(path);
    want = kgen_hex("ff01000001000000"
        "000003000000f5757064 00f574726164650000000400000010000100000000f0d9"
        "ce1a1f00000b000100000049424d0009000100000000000000001059400700010000002c01000000000000");
    ck_assert_msg(k_match(bytes, want), "journal bytes differ from the kdb+ layout");
    r0(bytes); r0(want); r0(rec);
    remove_dir();
}
END_TEST

struct replay { J seen; J stop_at; };

static int on_record(void *ctx, K record, J index)
{
    struct replay *r = ctx;
    K want = upd_record(index);
    ck_assert_msg(k_match(record, want), "record %lld differs", (long long)index);
    r0(want);
    r->seen++;
    return index + 1 == r->stop_at;
}

START_TEST(append_count_replay)
{
    make_dir();
    char path[128], err[JNL_ERR_BYTES];
    snprintf(path, sizeof path, "%s/sym2024.01.15", dir);
    struct jnl *j = jnl_open(path, JNL_OPEN_STRICT, err);
    ck_assert_ptr_nonnull(j);
    for (J i = 0; i < 5000; i++) {
        K rec = upd_record(i);
        ck_assert_int_eq(jnl_append(j, rec), 0);
        r0(rec);
        if (i % 1000 == 999) ck_assert_int_eq(jnl_flush(j, 0), 0);
    }
    ck_assert_int_eq(jnl_count(j), 5000);
    ck_assert_int_eq(jnl_close(j), 0);

    struct jnl_scan scan;
    struct replay r = { 0, -1 };
    ck_assert_int_eq(jnl_scan_file(path, -1, on_record, &r, &scan), 0);
    ck_assert_int_eq(scan.records, 5000);
    ck_assert_int_eq(scan.header_count, 5000);
    ck_assert_int_eq(r.seen, 5000);
    ck_assert(!scan.is_bad_tail);
    ck_assert_int_eq(scan.valid_bytes, scan.file_bytes);
    /* -11!(n;f): only the first n */
    r.seen = 0;
    ck_assert_int_eq(jnl_scan_file(path, 10, on_record, &r, &scan), 0);
    ck_assert_int_eq(scan.records, 10);
    ck_assert_int_eq(r.seen, 10);
    /* a handler that stops the replay */
    r.seen = 0;
    r.stop_at = 3;
    ck_assert_int_eq(jnl_scan_file(path, -1, on_record, &r, &scan), -1);
    ck_assert_int_eq(r.seen, 3);
    ck_assert_ptr_nonnull(strstr(scan.err, "stopped"));
    /* reopening continues the count */
    j = jnl_open(path, JNL_OPEN_STRICT, err);
    ck_assert_int_eq(jnl_count(j), 5000);
    K rec = upd_record(5000);
    jnl_append(j, rec);
    r0(rec);
    ck_assert_int_eq(jnl_close(j), 0);
    ck_assert_int_eq(jnl_scan_file(path, -1, NULL, NULL, &scan), 0);
    ck_assert_int_eq(scan.records, 5001);
    ck_assert_int_eq(scan.header_count, 5001);
    remove_dir();
}
END_TEST

START_TEST(truncated_tail_detected_and_cut)
{
    make_dir();
    char path[128], err[JNL_ERR_BYTES];
    snprintf(path, sizeof path, "%s/sym2024.01.16", dir);
    struct jnl *j = jnl_open(path, JNL_OPEN_STRICT, err);
    for (J i = 0; i < 30; i++) { K rec = upd_record(i); jnl_append(j, rec); r0(rec); }
    jnl_close(j);
    struct jnl_scan scan;
    ck_assert_int_eq(jnl_scan_file(path, 26, NULL, NULL, &scan), 0);
    J good_bytes = scan.valid_bytes;          /* where record 26 starts */
    /* cut in the middle of record 26 (a crash mid-write) */
    ck_assert_int_eq(truncate(path, (off_t)(good_bytes + 20)), 0);
    ck_assert_int_eq(jnl_scan_file(path, -1, NULL, NULL, &scan), 0);
    ck_assert(scan.is_bad_tail);
    ck_assert_int_eq(scan.records, 26);
    ck_assert_int_eq(scan.valid_bytes, good_bytes);
    ck_assert_int_eq(scan.header_count, 30);
    ck_assert_ptr_nonnull(strstr(scan.err, "bad record 26"));
    /* strict open refuses and says how to recover */
    ck_assert_ptr_null(jnl_open(path, JNL_OPEN_STRICT, err));
    ck_assert_msg(strstr(err, "26 good records") && strstr(err, "truncate"), "%s", err);
    /* truncating open cuts the tail and continues */
    j = jnl_open(path, JNL_OPEN_TRUNCATE, err);
    ck_assert_ptr_nonnull(j);
    ck_assert_ptr_nonnull(strstr(err, "cut a bad tail"));
    ck_assert_int_eq(jnl_count(j), 26);
    K rec = upd_record(26);
    jnl_append(j, rec);
    r0(rec);
    jnl_close(j);
    struct replay r = { 0, -1 };
    ck_assert_int_eq(jnl_scan_file(path, -1, on_record, &r, &scan), 0);
    ck_assert(!scan.is_bad_tail);
    ck_assert_int_eq(scan.records, 27);
    remove_dir();
}
END_TEST

START_TEST(garbage_and_non_journals)
{
    struct jnl_scan scan;
    K junk = kgen_hex("ff01000002000000 0000030000 00 f5 7570 64 00 0a 00");
    ck_assert_int_eq(jnl_scan_bytes(kG(junk), junk->n, -1, NULL, NULL, &scan), 0);
    ck_assert(scan.is_bad_tail);
    ck_assert_int_eq(scan.records, 0);
    ck_assert_int_eq(scan.valid_bytes, JNL_HDR_BYTES);
    r0(junk);
    K not_jnl = kgen_hex("0100000011000000f90100000000000000");
    ck_assert_int_eq(jnl_scan_bytes(kG(not_jnl), not_jnl->n, -1, NULL, NULL, &scan), -1);
    ck_assert_ptr_nonnull(strstr(scan.err, "not a journal"));
    r0(not_jnl);
    ck_assert_int_eq(jnl_scan_bytes((const G *)"", 0, -1, NULL, NULL, &scan), -1);
    ck_assert_int_eq(jnl_scan_file("/nonexistent/sym2024.01.01", -1, NULL, NULL, &scan), -1);
    ck_assert_ptr_nonnull(strstr(scan.err, "No such file"));
    char err[JNL_ERR_BYTES];
    ck_assert_ptr_null(jnl_open("/nonexistent/dir/sym2024.01.01", JNL_OPEN_STRICT, err));
    ck_assert_ptr_nonnull(strstr(err, "create"));
    /* random records, random corruption: never a crash, counts stay consistent */
    struct kgen g;
    kgen_seed(&g, 5);
    for (int i = 0; i < 2000; i++) {
        K buf = kgen_hex("ff01000000000000");
        int nrec = (int)(kgen_next(&g) % 5);
        for (int r = 0; r < nrec; r++) {
            K v = kgen_value(&g, kgen_types[kgen_next(&g) % 37], 2);
            K msg = ser_encode(v, SER_ASYNC, 3, 0);
            for (J b = SER_HDR_BYTES; b < msg->n; b++) ja(&buf, kG(msg) + b);
            r0(msg); r0(v);
        }
        if (buf->n > JNL_HDR_BYTES && kgen_next(&g) % 2)
            buf->n -= 1 + (J)(kgen_next(&g) % (uint64_t)(buf->n - JNL_HDR_BYTES));
        ck_assert_int_eq(jnl_scan_bytes(kG(buf), buf->n, -1, NULL, NULL, &scan), 0);
        ck_assert_int_le(scan.records, nrec);
        ck_assert_int_eq(scan.is_bad_tail, scan.valid_bytes != buf->n);
        r0(buf);
    }
}
END_TEST

START_TEST(unserialisable_record_refused)
{
    make_dir();
    char path[128], err[JNL_ERR_BYTES];
    snprintf(path, sizeof path, "%s/sym2024.01.17", dir);
    struct jnl *j = jnl_open(path, JNL_OPEN_STRICT, err);
    K bad = knk(3, ks("upd"), ks("trade"), k_prim(K_NATIVE, 1));
    ck_assert_int_eq(jnl_append(j, bad), -1);
    ck_assert_ptr_nonnull(strstr(jnl_errmsg(j), "cannot be serialised"));
    ck_assert_int_eq(jnl_count(j), 0);
    r0(bad);
    jnl_close(j);
    remove_dir();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journal");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, path_names_follow_tick);
    tcase_add_test(tc, bytes_match_kdb_format);
    tcase_add_test(tc, append_count_replay);
    tcase_add_test(tc, truncated_tail_detected_and_cut);
    tcase_add_test(tc, garbage_and_non_journals);
    tcase_add_test(tc, unserialisable_record_refused);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
