/* test_net_q.c: the transport wired to the interpreter (netd -q: q_value for IPC,
 * q_eval + fmt_display for HTTP), driven over 127.0.0.1 with the seed's examples
 * from issue 3: "2 3 5 + 10 20 30", neg[h]"a:3?20" then h"a", ("mydef";2 3 5;10 20 30),
 * errors, and GET / and /?expr. SPDX-License-Identifier: MIT */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net.h"
#include "netd_run.h"
#include "ser.h"

#define T_WAIT_MS 5000
#define T_RESPONSE_BYTES 8192

static struct netd_proc qd;

static K call_text(int h, const char *src)
{
    K q = kp((S)src);
    K r = net_call(h, q, T_WAIT_MS);
    r0(q);
    return r;
}

static K long_vector(J n, const J *items)
{
    K v = ktn(KJ, n);
    memcpy(kJ(v), items, (size_t)n * sizeof *items);
    return v;
}

START_TEST(seed_examples_over_ipc)
{
    int h = net_hopen("127.0.0.1", qd.port, "", T_WAIT_MS);
    ck_assert_int_gt(h, 0);
    static const J want[] = { 12, 23, 35 };
    K r = call_text(h, "2 3 5 + 10 20 30");
    K w = long_vector(3, want);
    ck_assert_msg(k_match(r, w), "2 3 5 + 10 20 30 gave type %d", r->t);
    r0(r);
    K a = kp("a:3?20");
    ck_assert_int_eq(net_send(h, SER_ASYNC, a, NULL), 0);   /* neg[h] "a:3?20" */
    r0(a);
    r = call_text(h, "a");
    ck_assert_int_eq(r->t, KJ);
    ck_assert_int_eq(r->n, 3);
    for (J i = 0; i < 3; i++) ck_assert(kJ(r)[i] >= 0 && kJ(r)[i] < 20);
    r0(r);
    r0(call_text(h, "mydef:{x+y}"));
    static const J x[] = { 2, 3, 5 }, y[] = { 10, 20, 30 };
    K q = knk(3, kp("mydef"), long_vector(3, x), long_vector(3, y));
    r = net_call(h, q, T_WAIT_MS);
    r0(q);
    ck_assert(k_match(r, w));
    r0(r); r0(w);
    r = call_text(h, "1+`a");
    ck_assert_int_eq(r->t, KERR);
    ck_assert_str_eq(r->s, "type");
    r0(r);
    r = call_text(h, "");
    ck_assert_ptr_eq(r, k_identity());
    net_hclose(h);
}
END_TEST

static void http_body(const char *req, char *out, size_t room)
{
    int fd = tcp_connect(qd.port);
    ck_assert_int_eq(send_all(fd, req, strlen(req)), 0);
    long n = recv_full(fd, out, room - 1, T_WAIT_MS);   /* Connection: close ends it */
    ck_assert_int_gt(n, 0);
    out[n] = 0;
    close(fd);
}

START_TEST(seed_examples_over_http)
{
    static char buf[T_RESPONSE_BYTES];
    http_body("GET /?2+3 HTTP/1.0\r\n\r\n", buf, sizeof buf);
    ck_assert_msg(strstr(buf, "<pre>5</pre>") != NULL, "%s", buf);
    http_body("GET /?tt:([]a:1%202%203) HTTP/1.0\r\n\r\n", buf, sizeof buf);
    http_body("GET / HTTP/1.0\r\n\r\n", buf, sizeof buf);
    ck_assert_msg(strstr(buf, "<a href=\"?tt\">tt</a> 3 rows") != NULL, "%s", buf);
    http_body("GET /.json?tt HTTP/1.0\r\n\r\n", buf, sizeof buf);
    ck_assert_msg(strstr(buf, "[{\"a\":1},{\"a\":2},{\"a\":3}]") != NULL, "%s", buf);
    http_body("GET /?1+%60a HTTP/1.0\r\n\r\n", buf, sizeof buf);
    ck_assert_msg(strstr(buf, "400 Bad Request") && strstr(buf, "'type"), "%s", buf);
}
END_TEST

int main(void)
{
    const char *args[] = { "-q", NULL };
    if (netd_start(&qd, args)) { fprintf(stderr, "cannot start netd -q\n"); return 1; }
    Suite *s = suite_create("net_q");
    TCase *t = tcase_create("q");
    tcase_add_test(t, seed_examples_over_ipc);
    tcase_add_test(t, seed_examples_over_http);
    suite_add_tcase(s, t);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    int status = netd_stop(&qd);
    if (status) fprintf(stderr, "netd exited with status %d (sanitizer report above?)\n", status);
    return failed || status ? 1 : 0;
}
