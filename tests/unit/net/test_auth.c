/* test_auth.c: MD5 (RFC 1321 §A.5) and SHA-1 (RFC 3174 §7.3) test vectors, password
 * files in the three forms (ipc-protocol.md §7.2), and base64 for Basic auth.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "hash.h"

static const char *md5_of(const char *s)
{
    static char hex[2 * HASH_MD5_BYTES + 1];
    uint8_t d[HASH_MD5_BYTES];
    hash_md5(s, strlen(s), d);
    hash_hex(d, sizeof d, hex);
    return hex;
}

static const char *sha1_of(const void *s, size_t n)
{
    static char hex[2 * HASH_SHA1_BYTES + 1];
    uint8_t d[HASH_SHA1_BYTES];
    hash_sha1(s, n, d);
    hash_hex(d, sizeof d, hex);
    return hex;
}

START_TEST(md5_rfc1321_vectors)
{
    ck_assert_str_eq(md5_of(""), "d41d8cd98f00b204e9800998ecf8427e");
    ck_assert_str_eq(md5_of("a"), "0cc175b9c0f1b6a831c399e269772661");
    ck_assert_str_eq(md5_of("abc"), "900150983cd24fb0d6963f7d28e17f72");
    ck_assert_str_eq(md5_of("message digest"), "f96b697d7cb7938d525a2f31aaf161d0");
    ck_assert_str_eq(md5_of("abcdefghijklmnopqrstuvwxyz"), "c3fcd3d76192e4007dfb496cca67e13b");
    ck_assert_str_eq(md5_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
                     "d174ab98d277d9f5a5611c2c9f419d9f");
    ck_assert_str_eq(md5_of("1234567890123456789012345678901234567890"
                            "1234567890123456789012345678901234567890"),
                     "57edf4a22be3c955ac49da2e2107b67a");
    ck_assert_str_eq(md5_of("password"), "5f4dcc3b5aa765d61d8327deb882cf99");   /* §7.2 */
}
END_TEST

START_TEST(sha1_rfc3174_vectors)
{
    ck_assert_str_eq(sha1_of("abc", 3), "a9993e364706816aba3e25717850c26c9cd0d89d");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    ck_assert_str_eq(sha1_of(two, strlen(two)), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    size_t n = 1000000;
    char *a = malloc(n);
    memset(a, 'a', n);
    ck_assert_str_eq(sha1_of(a, n), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    free(a);
    const char *four = "0123456701234567012345670123456701234567012345670123456701234567";
    char *rep = malloc(strlen(four) * 10);
    for (int i = 0; i < 10; i++) memcpy(rep + i * strlen(four), four, strlen(four));
    ck_assert_str_eq(sha1_of(rep, strlen(four) * 10), "dea356a2cddd90c7a7ecedc5ebb563934f460452");
    free(rep);
    ck_assert_str_eq(sha1_of("", 0), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
END_TEST

START_TEST(password_file_forms)
{
    char path[] = "/tmp/tick_auth_XXXXXX";
    int fd = mkstemp(path);
    char text[256];
    int len = snprintf(text, sizeof text, "plain:pw\r\nmd:%s\nsha:%s\nnopass\n\n", md5_of("m5"),
                       sha1_of("s1", 2));
    ck_assert_int_eq(write(fd, text, (size_t)len), len);
    close(fd);
    char err[128];
    struct auth_table *t = auth_load(path, err, sizeof err);
    ck_assert_msg(t != NULL, "%s", err);
    ck_assert(auth_check(t, "plain", "pw"));
    ck_assert(!auth_check(t, "plain", "pW"));
    ck_assert(!auth_check(t, "plain", "pw "));
    ck_assert(!auth_check(t, "plain", ""));
    ck_assert(auth_check(t, "md", "m5"));
    ck_assert(!auth_check(t, "md", "m6"));
    ck_assert(auth_check(t, "sha", "s1"));
    ck_assert(!auth_check(t, "sha", "s2"));
    ck_assert(!auth_check(t, "nopass", ""));
    ck_assert(!auth_check(t, "nobody", "pw"));
    auth_free(t);
    unlink(path);
    ck_assert_ptr_null(auth_load("/nonexistent/pw", err, sizeof err));
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/pw"));
}
END_TEST

START_TEST(base64)
{
    char out[64];
    ck_assert_int_eq(auth_base64_decode("YWxpY2U6c2VjcmV0", 16, out, sizeof out), 12);
    ck_assert_str_eq(out, "alice:secret");
    ck_assert_int_eq(auth_base64_decode("YQ==", 4, out, sizeof out), 1);
    ck_assert_str_eq(out, "a");
    ck_assert_int_eq(auth_base64_decode("", 0, out, sizeof out), 0);
    ck_assert_int_eq(auth_base64_decode("Y!==", 4, out, sizeof out), -1);
    ck_assert_int_eq(auth_base64_decode("YWxpY2U6c2VjcmV0", 16, out, 4), -1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_auth");
    TCase *t = tcase_create("auth");
    tcase_add_test(t, md5_rfc1321_vectors);
    tcase_add_test(t, sha1_rfc3174_vectors);
    tcase_add_test(t, password_file_forms);
    tcase_add_test(t, base64);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
