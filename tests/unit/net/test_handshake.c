/* test_handshake.c: net_sniff and net_handshake_parse (ipc-protocol.md §1.2–1.3) as
 * pure functions: capability byte rules, user/password split, limits, HTTP/TLS sniffing.
 * SPDX-License-Identifier: MIT */
#include <check.h>
#include <string.h>

#include "net.h"

static int parse(const char *bytes, size_t n, struct net_handshake *hs)
{
    return net_handshake_parse((const G *)bytes, n, hs);
}

START_TEST(user_password_capability)
{
    struct net_handshake hs;
    ck_assert_int_eq(parse("user:pwd\3", 10, &hs), 10);
    ck_assert_str_eq(hs.user, "user");
    ck_assert_str_eq(hs.password, "pwd");
    ck_assert_int_eq(hs.capability, 3);
}
END_TEST

START_TEST(no_capability_byte)
{
    struct net_handshake hs;
    ck_assert_int_eq(parse("user:pwd", 9, &hs), 9);
    ck_assert_int_eq(hs.capability, 0);
    ck_assert_str_eq(hs.password, "pwd");
}
END_TEST

START_TEST(password_keeps_later_colons)
{
    struct net_handshake hs;
    ck_assert_int_eq(parse("u:a:b\6", 7, &hs), 7);
    ck_assert_str_eq(hs.user, "u");
    ck_assert_str_eq(hs.password, "a:b");
    ck_assert_int_eq(hs.capability, 6);
}
END_TEST

START_TEST(empty_and_user_only)
{
    struct net_handshake hs;
    ck_assert_int_eq(parse("", 1, &hs), 1);
    ck_assert_str_eq(hs.user, "");
    ck_assert_int_eq(hs.capability, 0);
    ck_assert_int_eq(parse("\3", 2, &hs), 2);
    ck_assert_int_eq(hs.capability, 3);
    ck_assert_int_eq(parse("bob\1", 5, &hs), 5);
    ck_assert_str_eq(hs.user, "bob");
    ck_assert_str_eq(hs.password, "");
    ck_assert_int_eq(parse(":\3", 3, &hs), 3);
    ck_assert_str_eq(hs.user, "");
}
END_TEST

START_TEST(waits_then_rejects_without_nul)
{
    struct net_handshake hs;
    static G junk[NET_HANDSHAKE_MAX_BYTES + 8];
    memset(junk, 'a', sizeof junk);
    ck_assert_int_eq(net_handshake_parse(junk, 0, &hs), 0);
    ck_assert_int_eq(net_handshake_parse(junk, NET_HANDSHAKE_MAX_BYTES - 1, &hs), 0);
    ck_assert_int_eq(net_handshake_parse(junk, NET_HANDSHAKE_MAX_BYTES, &hs), -1);
    ck_assert_int_eq(net_handshake_parse(junk, sizeof junk, &hs), -1);
    junk[NET_HANDSHAKE_MAX_BYTES - 1] = 0;   /* the last allowed position */
    ck_assert_int_eq(net_handshake_parse(junk, sizeof junk, &hs), NET_HANDSHAKE_MAX_BYTES);
    ck_assert_uint_eq(strlen(hs.user), NET_HANDSHAKE_MAX_BYTES - 1);
}
END_TEST

START_TEST(bytes_after_nul_are_not_taken)
{
    struct net_handshake hs;
    ck_assert_int_eq(parse("u\3\0\1\2\0\0", 7, &hs), 3);
}
END_TEST

START_TEST(sniffing)
{
    ck_assert_int_eq(net_sniff((const G *)"GET / HTTP/1.1", 14), NET_PROTO_HTTP);
    ck_assert_int_eq(net_sniff((const G *)"OPTIONS ", 8), NET_PROTO_HTTP);
    ck_assert_int_eq(net_sniff((const G *)"HEAD ", 5), NET_PROTO_HTTP);
    ck_assert_int_eq(net_sniff((const G *)"GE", 2), NET_PROTO_MORE);
    ck_assert_int_eq(net_sniff((const G *)"P", 1), NET_PROTO_MORE);
    ck_assert_int_eq(net_sniff((const G *)"GEORGE", 6), NET_PROTO_IPC);
    ck_assert_int_eq(net_sniff((const G *)"GE\3", 4), NET_PROTO_IPC);   /* NUL settles it */
    ck_assert_int_eq(net_sniff((const G *)"get / ", 6), NET_PROTO_IPC);  /* case-sensitive */
    ck_assert_int_eq(net_sniff((const G *)"\x16\x03\x01", 3), NET_PROTO_TLS);
    ck_assert_int_eq(net_sniff((const G *)"u:p\3", 5), NET_PROTO_IPC);
    ck_assert_int_eq(net_sniff((const G *)"", 0), NET_PROTO_MORE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_handshake");
    TCase *t = tcase_create("handshake");
    tcase_add_test(t, user_password_capability);
    tcase_add_test(t, no_capability_byte);
    tcase_add_test(t, password_keeps_later_colons);
    tcase_add_test(t, empty_and_user_only);
    tcase_add_test(t, waits_then_rejects_without_nul);
    tcase_add_test(t, bytes_after_nul_are_not_taken);
    tcase_add_test(t, sniffing);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
