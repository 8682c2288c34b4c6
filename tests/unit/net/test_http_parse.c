/* test_http_parse.c: net_http_parse as a pure function (ipc-protocol.md §6.1):
 * complete and partial heads, keep-alive rules, credentials, bodies, and the
 * 400/413/414 answers for hostile heads. SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

static struct net_http_request rq;

static int parse(const char *text) { return net_http_parse(text, strlen(text), &rq); }

START_TEST(complete_get)
{
    const char *req = "GET /.json?x HTTP/1.1\r\nHost: a\r\nAuthorization: Basic YQ==\r\n\r\nGET";
    ck_assert_int_eq(parse(req), (int)strlen(req) - 3);
    ck_assert_str_eq(rq.method, "GET");
    ck_assert_str_eq(rq.target, "/.json?x");
    ck_assert_str_eq(rq.auth, "Basic YQ==");
    ck_assert_int_eq(rq.keep_alive, 1);
    ck_assert_int_eq(rq.is_head, 0);
    ck_assert_int_eq(rq.body_bytes, 0);
}
END_TEST

START_TEST(keep_alive_rules)
{
    ck_assert_int_gt(parse("GET / HTTP/1.0\r\n\r\n"), 0);
    ck_assert_int_eq(rq.keep_alive, 0);
    ck_assert_int_gt(parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 0);
    ck_assert_int_eq(rq.keep_alive, 1);
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nconnection: Close\r\n\r\n"), 0);
    ck_assert_int_eq(rq.keep_alive, 0);
    ck_assert_int_gt(parse("HEAD / HTTP/1.1\r\n\r\n"), 0);
    ck_assert_int_eq(rq.is_head, 1);
    ck_assert_int_eq(rq.is_websocket, 0);
    ck_assert_int_gt(parse("GET / HTTP/1.1\r\nUpgrade: WebSocket\r\n\r\n"), 0);
    ck_assert_int_eq(rq.is_websocket, 1);
}
END_TEST

START_TEST(partial_heads_wait)
{
    ck_assert_int_eq(parse(""), 0);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\n"), 0);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nHost: a\r\n\r"), 0);
}
END_TEST

START_TEST(bodies)
{
    ck_assert_int_eq(parse("POST / HTTP/1.1\r\nContent-Length: 3\r\n\r\n"), 38);
    ck_assert_int_eq(rq.body_bytes, 3);
    ck_assert_int_eq(parse("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"), -400);
    ck_assert_int_eq(parse("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), -400);
    ck_assert_int_eq(parse("POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n"), -400);
    ck_assert_int_eq(parse("POST / HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n"), -413);
}
END_TEST

START_TEST(malformed_heads)
{
    ck_assert_int_eq(parse("GET nonsense\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET noslash HTTP/1.1\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / SPDY/3\r\n\r\n"), -400);
    ck_assert_int_eq(parse("GET / HTTP/1.1\r\nno colon here\r\n\r\n"), -400);
    ck_assert_int_eq(parse("VERYLONGMETHODNAMEXXXXXXXX / HTTP/1.1\r\n\r\n"), -400);
    static const char with_nul[] = "GET /\0x HTTP/1.1\r\n\r\n";
    ck_assert_int_eq(net_http_parse(with_nul, sizeof with_nul - 1, &rq), -400);
}
END_TEST

START_TEST(limits)
{
    size_t n = NET_HTTP_MAX_LINE_BYTES + 64;
    char *big = malloc(n + 1);
    memset(big, 'a', n);
    big[n] = 0;
    memcpy(big, "GET /?", 6);
    ck_assert_int_eq(parse(big), -414);   /* no CRLF yet, already too long */
    n = NET_HTTP_MAX_HEADER_BYTES + 64;
    big = realloc(big, n + 64);
    strcpy(big, "GET / HTTP/1.1\r\n");
    for (size_t at = strlen(big); at + 12 < n; at = strlen(big)) strcat(big, "X-Pad: 1234\r\n");
    ck_assert_int_eq(parse(big), -413);   /* no blank line yet, already too large */
    strcat(big, "\r\n");
    ck_assert_int_eq(parse(big), -413);
    free(big);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("net_http_parse");
    TCase *t = tcase_create("http_parse");
    tcase_add_test(t, complete_get);
    tcase_add_test(t, keep_alive_rules);
    tcase_add_test(t, partial_heads_wait);
    tcase_add_test(t, bodies);
    tcase_add_test(t, malformed_heads);
    tcase_add_test(t, limits);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
