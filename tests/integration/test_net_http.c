/* test_net_http.c: HTTP on the IPC port of a real netd (ipc-protocol.md §6): GET /,
 * /?expr, /.json, /.csv, /.txt, errors, 404, keep-alive, the 400/413/414 limits and
 * Basic auth with a password file. SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "netd_run.h"

#define T_WAIT_MS 5000
#define T_RESPONSE_BYTES 65536

static struct netd_proc shared;

/* Read one response (headers and Content-Length body) into out. Returns its length. */
static long http_read(int fd, char *out, size_t room)
{
    size_t have = 0;
    char *end = NULL;
    while (!end && have < room - 1) {
        long got = recv_full(fd, out + have, 1, T_WAIT_MS);
        if (got <= 0) break;
        have += (size_t)got;
        out[have] = 0;
        end = strstr(out, "\r\n\r\n");
    }
    ck_assert_msg(end != NULL, "no header block in: %s", out);
    const char *cl = strstr(out, "Content-Length: ");
    ck_assert_ptr_nonnull(cl);
    size_t body = (size_t)atol(cl + strlen("Content-Length: "));
    size_t head = (size_t)(end - out) + 4;
    ck_assert_uint_lt(head + body, room);
    if (body) ck_assert_int_eq(recv_full(fd, out + head, body, T_WAIT_MS), (long)body);
    out[head + body] = 0;
    return (long)(head + body);
}

static char *http_get(int port, const char *request)
{
    static char buf[T_RESPONSE_BYTES];
    int fd = tcp_connect(port);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(send_all(fd, request, strlen(request)), 0);
    http_read(fd, buf, sizeof buf);
    close(fd);
    return buf;
}

static const char *body_of(const char *response) { return strstr(response, "\r\n\r\n") + 4; }

START_TEST(get_root_lists_names)
{
    char *r = http_get(shared.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 200 OK\r\n", 17), "%s", r);
    ck_assert_ptr_nonnull(strstr(r, "Content-Type: text/html\r\n"));
    ck_assert_ptr_nonnull(strstr(r, "<a href=\"?t\">t</a> 2 rows"));
    ck_assert_ptr_nonnull(strstr(r, "<a href=\"?x\">x</a>\n"));
}
END_TEST

START_TEST(get_expr_html)
{
    char *r = http_get(shared.port, "GET /?x HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(r, "200 OK"));
    ck_assert_ptr_nonnull(strstr(r, "<pre>1 2 3</pre>"));
    r = http_get(shared.port, "GET /?t HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(r, "sym price\n"));
    ck_assert_ptr_nonnull(strstr(r, "IBM 100.25\n"));
}
END_TEST

START_TEST(get_json_csv_txt)
{
    char *r = http_get(shared.port, "GET /.json?x HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(r, "Content-Type: application/json\r\n"));
    ck_assert_str_eq(body_of(r), "[1,2,3]");
    r = http_get(shared.port, "GET /.json?t HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(body_of(r), "[{\"sym\":\"IBM\",\"price\":100.25},{\"sym\":\"MSFT\",\"price\":41.5}]");
    r = http_get(shared.port, "GET /t.csv?t HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(r, "Content-Type: text/comma-separated-values\r\n"));
    ck_assert_str_eq(body_of(r), "sym,price\nIBM,100.25\nMSFT,41.5\n");
    r = http_get(shared.port, "GET /.txt?x HTTP/1.1\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(r, "Content-Type: text/plain\r\n"));
    ck_assert_str_eq(body_of(r), "1 2 3");
}
END_TEST

START_TEST(errors_and_not_found)
{
    char *r = http_get(shared.port, "GET /?err HTTP/1.1\r\n\r\n");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 400 Bad Request", 24), "%s", r);
    ck_assert_str_eq(body_of(r), "'boom");
    r = http_get(shared.port, "GET /nofile.html HTTP/1.1\r\n\r\n");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 404", 12), "%s", r);
    ck_assert_str_eq(body_of(r), "nofile.html: not found");
    r = http_get(shared.port, "GET /%3Fx HTTP/1.1\r\n\r\n");   /* %xx decoded: "?x" */
    ck_assert_ptr_nonnull(strstr(r, "<pre>1 2 3</pre>"));
}
END_TEST

START_TEST(keep_alive_serves_several_requests)
{
    static char buf[T_RESPONSE_BYTES];
    int fd = tcp_connect(shared.port);
    const char *req = "GET /.txt?x HTTP/1.1\r\n\r\nGET /.json?x HTTP/1.1\r\n\r\n";
    ck_assert_int_eq(send_all(fd, req, strlen(req)), 0);
    http_read(fd, buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "Connection: keep-alive"));
    ck_assert_str_eq(body_of(buf), "1 2 3");
    http_read(fd, buf, sizeof buf);
    ck_assert_str_eq(body_of(buf), "[1,2,3]");
    const char *last = "GET /.txt?x HTTP/1.1\r\nConnection: close\r\n\r\n";
    ck_assert_int_eq(send_all(fd, last, strlen(last)), 0);
    http_read(fd, buf, sizeof buf);
    ck_assert_ptr_nonnull(strstr(buf, "Connection: close"));
    ck_assert_int_eq(wait_closed(fd, T_WAIT_MS), 1);
    close(fd);
    /* HTTP/1.0 closes by default. */
    char *r = http_get(shared.port, "GET /.txt?x HTTP/1.0\r\n\r\n");
    ck_assert_ptr_nonnull(strstr(r, "Connection: close"));
}
END_TEST

START_TEST(limits_400_413_414)
{
    static char req[NET_HTTP_MAX_HEADER_BYTES * 2];
    char *r = http_get(shared.port, "GET nonsense\r\n\r\n");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 400", 12), "%s", r);
    snprintf(req, sizeof req, "GET /?%0*d HTTP/1.1\r\n\r\n", NET_HTTP_MAX_LINE_BYTES + 10, 0);
    r = http_get(shared.port, req);
    ck_assert_msg(!strncmp(r, "HTTP/1.1 414", 12), "%s", r);
    int at = snprintf(req, sizeof req, "GET /?x HTTP/1.1\r\n");
    while (at < NET_HTTP_MAX_HEADER_BYTES + 100) at += snprintf(req + at, sizeof req - (size_t)at, "X-Pad: %0100d\r\n", 0);
    snprintf(req + at, sizeof req - (size_t)at, "\r\n");
    r = http_get(shared.port, req);
    ck_assert_msg(!strncmp(r, "HTTP/1.1 413", 12), "%s", r);
    r = http_get(shared.port, "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 501", 12), "%s", r);
    r = http_get(shared.port, "POST /?x HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 400", 12), "%s", r);
    ck_assert_str_eq(body_of(r), "'nyi");
}
END_TEST

START_TEST(basic_auth_with_password_file)
{
    char path[] = "/tmp/tick_netd_http_pw_XXXXXX";
    int pfd = mkstemp(path);
    const char *text = "alice:secret\n";
    ck_assert_int_eq(write(pfd, text, strlen(text)), (long)strlen(text));
    close(pfd);
    struct netd_proc p;
    const char *args[] = { "-U", path, NULL };
    ck_assert_int_eq(netd_start(&p, args), 0);
    char *r = http_get(p.port, "GET /.txt?x HTTP/1.1\r\n\r\n");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 401", 12), "%s", r);
    ck_assert_ptr_nonnull(strstr(r, "WWW-Authenticate: Basic"));
    /* alice:wrong */
    r = http_get(p.port, "GET /.txt?x HTTP/1.1\r\nAuthorization: Basic YWxpY2U6d3Jvbmc=\r\n\r\n");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 401", 12), "%s", r);
    /* alice:secret */
    r = http_get(p.port, "GET /.txt?x HTTP/1.1\r\nAuthorization: Basic YWxpY2U6c2VjcmV0\r\n\r\n");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 200", 12), "%s", r);
    ck_assert_str_eq(body_of(r), "1 2 3");
    ck_assert_int_eq(netd_stop(&p), 0);
    unlink(path);
}
END_TEST

START_TEST(http_and_ipc_share_the_port)
{
    int h = net_hopen("127.0.0.1", shared.port, "", T_WAIT_MS);
    ck_assert_int_gt(h, 0);
    char *r = http_get(shared.port, "GET /.txt?x HTTP/1.1\r\n\r\n");
    ck_assert_str_eq(body_of(r), "1 2 3");
    K q = kp("x");
    K v = net_call(h, q, T_WAIT_MS);
    r0(q);
    ck_assert_int_eq(v->n, 3);
    r0(v);
    net_hclose(h);
}
END_TEST

START_TEST(request_hook_answers_raw)
{
    char *r = http_get(shared.port, "POST /hook HTTP/1.1\r\nX-Test:  hello there\r\nContent-Length: 2\r\n\r\nab");
    ck_assert_msg(!strncmp(r, "HTTP/1.1 200 OK", 15), "%s", r);
    ck_assert_str_eq(body_of(r), "POST hello there");
    r = http_get(shared.port, "GET /.txt?x HTTP/1.1\r\n\r\n");   /* others fall through */
    ck_assert_str_eq(body_of(r), "1 2 3");
}
END_TEST

START_TEST(slow_request_header_times_out)
{
    struct netd_proc p;
    const char *args[] = { "-t", "300", "-p", "localhost:0", NULL };   /* a host name */
    ck_assert_int_eq(netd_start(&p, args), 0);
    int fd = tcp_connect(p.port);
    ck_assert_int_eq(send_all(fd, "GET /?x HT", 10), 0);
    ck_assert_int_eq(wait_closed(fd, T_WAIT_MS), 1);
    close(fd);
    /* A connection that finished its first request is not cut by the deadline. */
    fd = tcp_connect(p.port);
    const char *req = "GET /.txt?x HTTP/1.1\r\n\r\n";
    static char buf[T_RESPONSE_BYTES];
    ck_assert_int_eq(send_all(fd, req, strlen(req)), 0);
    http_read(fd, buf, sizeof buf);
    usleep(500000);
    ck_assert_int_eq(send_all(fd, req, strlen(req)), 0);
    http_read(fd, buf, sizeof buf);
    ck_assert_str_eq(body_of(buf), "1 2 3");
    close(fd);
    ck_assert_int_eq(netd_stop(&p), 0);
}
END_TEST

int main(void)
{
    if (netd_start(&shared, NULL)) { fprintf(stderr, "cannot start netd\n"); return 1; }
    Suite *s = suite_create("net_http");
    TCase *t = tcase_create("http");
    tcase_set_timeout(t, 60);
    tcase_add_test(t, get_root_lists_names);
    tcase_add_test(t, get_expr_html);
    tcase_add_test(t, get_json_csv_txt);
    tcase_add_test(t, errors_and_not_found);
    tcase_add_test(t, keep_alive_serves_several_requests);
    tcase_add_test(t, limits_400_413_414);
    tcase_add_test(t, basic_auth_with_password_file);
    tcase_add_test(t, http_and_ipc_share_the_port);
    tcase_add_test(t, slow_request_header_times_out);
    tcase_add_test(t, request_hook_answers_raw);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    int status = netd_stop(&shared);
    if (status) fprintf(stderr, "netd exited with status %d (sanitizer report above?)\n", status);
    return failed || status ? 1 : 0;
}
