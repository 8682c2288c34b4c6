/* test_net_ipc.c: the IPC side of common/net/ against a real netd process on 127.0.0.1:
 * handshake variants and capability replies, hostile input (garbage, TLS, truncated,
 * 2 GB headers, no NUL, slow handshakes, peers that never read), sync/async ordering,
 * errors, large and compressed messages, password files and .z.pw, hooks, 1000
 * connections, our client (net_hopen/net_call) and the KX C API. SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hash.h"
#include "net.h"
#include "netd_run.h"
#include "ser.h"

#define T_WAIT_MS 5000
#define T_QUIET_MS 200
#define T_MANY_CONNS 1000
#define T_ASYNC_N 1000

static struct netd_proc shared;   /* one netd for the tests that need no options */

static K sym_call2(const char *f, K a) { return knk(2, ks((S)f), a); }

/* Send x as a sync message on raw socket fd and read one response. *zflag receives
 * header byte 2. Ownership: x consumed; returns new (NULL on failure). */
static K raw_sync(int fd, K x, int *zflag)
{
    K msg = ser_encode(x, SER_SYNC, SER_MAX_CAPABILITY, 0);
    r0(x);
    ck_assert_int_eq(msg->t, KG);
    ck_assert_int_eq(send_all(fd, kG(msg), (size_t)msg->n), 0);
    r0(msg);
    G hdr[SER_HDR_BYTES];
    if (recv_full(fd, hdr, sizeof hdr, T_WAIT_MS) != SER_HDR_BYTES) return NULL;
    struct ser_header h;
    const char *why;
    ck_assert_int_eq(ser_header_parse(hdr, SER_MAX_MSG_BYTES, &h, &why), 0);
    ck_assert_int_eq(h.msg_type, SER_RESPONSE);
    if (zflag) *zflag = h.is_compressed;
    G *buf = malloc((size_t)h.total_bytes);
    memcpy(buf, hdr, sizeof hdr);
    ck_assert_int_eq(recv_full(fd, buf + SER_HDR_BYTES, (size_t)h.total_bytes - SER_HDR_BYTES, T_WAIT_MS),
                     h.total_bytes - SER_HDR_BYTES);
    char err[SER_ERR_BYTES];
    K r = ser_decode_msg(buf, h.total_bytes, SER_MAX_MSG_BYTES, NULL, err);
    ck_assert_msg(r != NULL, "decode: %s", err);
    free(buf);
    return r;
}

static int raw_open(int port) { int cap; return ipc_raw_open(port, "t:t\3", 5, &cap); }

static void assert_serving(int port)
{
    int fd = raw_open(port);
    ck_assert_int_ge(fd, 0);
    K r = raw_sync(fd, kp("ping"), NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(r->t, -KS);
    ck_assert_str_eq(r->s, "pong");
    r0(r);
    close(fd);
}

/* ---- handshake ---------------------------------------------------------------------- */

START_TEST(handshake_capability_replies)
{
    static const struct { const char *bytes; size_t n; int want; } cases[] = {
        { "user:pwd\3", 10, 3 }, { "u\6", 3, 3 }, { "u\4", 3, 3 }, { "u\1", 3, 1 },
        { "u\0", 2, 0 }, { "user", 5, 0 }, { "", 1, 0 }, { ":\3", 3, 3 }, { "a:b:c\2", 7, 2 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int cap = -1;
        int fd = ipc_raw_open(shared.port, cases[i].bytes, cases[i].n, &cap);
        ck_assert_msg(fd >= 0, "case %zu: no reply", i);
        ck_assert_msg(cap == cases[i].want, "case %zu: cap %d, want %d", i, cap, cases[i].want);
        /* The byte comes alone: nothing else follows it. */
        G extra;
        ck_assert_int_eq(recv_full(fd, &extra, 1, T_QUIET_MS), -1);
        close(fd);
    }
}
END_TEST

START_TEST(handshake_split_across_writes)
{
    int fd = tcp_connect(shared.port);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(send_all(fd, "GE", 2), 0);   /* could still become "GET " */
    usleep(50000);
    ck_assert_int_eq(send_all(fd, "ORGE:pw\3", 9), 0);
    G cap;
    ck_assert_int_eq(recv_full(fd, &cap, 1, T_WAIT_MS), 1);
    ck_assert_int_eq(cap, 3);
    K r = raw_sync(fd, kp("user"), NULL);
    ck_assert_str_eq(r->s, "GEORGE");
    r0(r);
    close(fd);
}
END_TEST

START_TEST(handshake_without_nul_is_closed)
{
    int fd = tcp_connect(shared.port);
    char junk[NET_HANDSHAKE_MAX_BYTES + 100];
    memset(junk, 'a', sizeof junk);
    ck_assert_int_eq(send_all(fd, junk, sizeof junk), 0);
    ck_assert_int_eq(wait_closed(fd, T_WAIT_MS), 1);
    close(fd);
    assert_serving(shared.port);
}
END_TEST

START_TEST(handshake_timeout_closes)
{
    struct netd_proc p;
    const char *args[] = { "-t", "300", NULL };
    ck_assert_int_eq(netd_start(&p, args), 0);
    int silent = tcp_connect(p.port), slow = tcp_connect(p.port);
    ck_assert_int_eq(send_all(slow, "abc", 3), 0);
    ck_assert_int_eq(wait_closed(silent, T_WAIT_MS), 1);
    ck_assert_int_eq(wait_closed(slow, T_WAIT_MS), 1);
    close(silent);
    close(slow);
    assert_serving(p.port);
    ck_assert_int_eq(netd_stop(&p), 0);
}
END_TEST

START_TEST(tls_client_hello_is_closed)
{
    int fd = tcp_connect(shared.port);
    static const G hello[] = { 0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x00 };
    ck_assert_int_eq(send_all(fd, hello, sizeof hello), 0);
    ck_assert_int_eq(wait_closed(fd, T_WAIT_MS), 1);
    close(fd);
    assert_serving(shared.port);
}
END_TEST

/* ---- hostile framing -------------------------------------------------------------- */

static void assert_closes_after(const G *bytes, size_t n)
{
    int fd = raw_open(shared.port);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(send_all(fd, bytes, n), 0);
    ck_assert_int_eq(wait_closed(fd, T_WAIT_MS), 1);
    close(fd);
    assert_serving(shared.port);
}

START_TEST(garbage_header_is_closed)
{
    static const G bad[] = { 0x05, 0x01, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x65, 0x00 };
    assert_closes_after(bad, sizeof bad);
}
END_TEST

START_TEST(header_claiming_2gb_is_closed)
{
    static const G big[] = { 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0xff, 0x7f, 0x0a, 0x00 };
    assert_closes_after(big, sizeof big);
}
END_TEST

START_TEST(bad_body_is_closed)
{
    static const G bad[] = { 0x01, 0x01, 0x00, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x7e, 0x00, 0x01, 0x02 };
    assert_closes_after(bad, sizeof bad);
}
END_TEST

START_TEST(bad_compressed_body_is_closed)
{
    static const G bad[] = { 0x01, 0x01, 0x01, 0x00, 0x10, 0x00, 0x00, 0x00,
                             0x00, 0x10, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff };
    assert_closes_after(bad, sizeof bad);
}
END_TEST

START_TEST(truncated_message_then_close)
{
    int fd = raw_open(shared.port);
    static const G part[] = { 0x01, 0x01, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x07, 0x00 };
    ck_assert_int_eq(send_all(fd, part, sizeof part), 0);
    usleep(50000);
    close(fd);
    assert_serving(shared.port);
}
END_TEST

/* ---- messages ------------------------------------------------------------------------ */

START_TEST(sync_calls_and_errors)
{
    int h = net_hopen("127.0.0.1", shared.port, "me:pw", T_WAIT_MS);
    ck_assert_int_gt(h, 0);
    K q = kp("ping");
    K r = net_call(h, q, T_WAIT_MS);   /* the argument is borrowed */
    r0(q);
    ck_assert_str_eq(r->s, "pong");
    r0(r);
    q = knk(3, ks("add"), kj(2), kj(3));
    r = net_call(h, q, T_WAIT_MS);
    r0(q);
    ck_assert_int_eq(r->t, -KJ);
    ck_assert_int_eq(r->j, 5);
    r0(r);
    q = kp("err");
    r = net_call(h, q, T_WAIT_MS);
    r0(q);
    ck_assert_int_eq(r->t, KERR);
    ck_assert_str_eq(r->s, "boom");
    r0(r);
    q = sym_call2("nosuch", kj(1));
    r = net_call(h, q, T_WAIT_MS);
    r0(q);
    ck_assert_int_eq(r->t, KERR);
    ck_assert_str_eq(r->s, "nosuch");
    r0(r);
    q = kp("");
    r = net_call(h, q, T_WAIT_MS);
    r0(q);
    ck_assert_ptr_eq(r, k_identity());
    ck_assert_int_eq(net_hclose(h), 0);
}
END_TEST

START_TEST(pipelined_sync_answered_in_order)
{
    int fd = raw_open(shared.port);
    K all = ktn(KG, 0);
    for (J i = 0; i < 3; i++) {
        K x = sym_call2("echo", kj(i + 10));
        K m = ser_encode(x, SER_SYNC, SER_MAX_CAPABILITY, 0);
        jv(&all, m);
        r0(m); r0(x);
    }
    ck_assert_int_eq(send_all(fd, kG(all), (size_t)all->n), 0);   /* one write, three requests */
    r0(all);
    for (J i = 0; i < 3; i++) {
        G hdr[SER_HDR_BYTES], body[SER_HDR_BYTES + 1];
        ck_assert_int_eq(recv_full(fd, hdr, sizeof hdr, T_WAIT_MS), SER_HDR_BYTES);
        ck_assert_int_eq(hdr[1], SER_RESPONSE);
        ck_assert_int_eq(recv_full(fd, body, 9, T_WAIT_MS), 9);   /* long atom: type + 8 */
        J v;
        memcpy(&v, body + 1, sizeof v);
        ck_assert_int_eq(v, i + 10);
    }
    close(fd);
}
END_TEST

START_TEST(async_in_order_and_without_reply)
{
    struct netd_proc p;
    ck_assert_int_eq(netd_start(&p, NULL), 0);
    int h = net_hopen("127.0.0.1", p.port, NULL, T_WAIT_MS);
    ck_assert_int_gt(h, 0);
    K e = kp("err");
    ck_assert_int_eq(net_send(h, SER_ASYNC, e, NULL), 0);   /* no reply, even for an error */
    r0(e);
    for (J i = 0; i < T_ASYNC_N; i++) {
        K x = sym_call2("log", kj(i));
        ck_assert_int_eq(net_send(h, SER_ASYNC, x, NULL), 0);
        r0(x);
    }
    ck_assert_int_eq(net_flush(h), 0);
    K g = kp("get");
    K r = net_call(h, g, T_WAIT_MS);   /* the chaser: proves all were processed */
    r0(g);
    ck_assert_int_eq(r->t, 0);
    ck_assert_int_eq(r->n, T_ASYNC_N);
    for (J i = 0; i < T_ASYNC_N; i++) ck_assert_int_eq(kK(r)[i]->j, i);
    r0(r);
    net_hclose(h);
    ck_assert_int_eq(netd_stop(&p), 0);
}
END_TEST

START_TEST(unsolicited_response_is_dropped)
{
    int fd = raw_open(shared.port);
    K x = kj(1);
    K m = ser_encode(x, SER_RESPONSE, SER_MAX_CAPABILITY, 0);
    ck_assert_int_eq(send_all(fd, kG(m), (size_t)m->n), 0);
    r0(m); r0(x);
    K r = raw_sync(fd, kp("ping"), NULL);
    ck_assert_str_eq(r->s, "pong");
    r0(r);
    close(fd);
}
END_TEST

START_TEST(large_message_round_trip)
{
    int h = net_hopen("127.0.0.1", shared.port, "", T_WAIT_MS);
    const J n = 4000000;   /* 32 MB: the big-buffer path on both sides */
    K q = sym_call2("big", kj(n));
    K r = net_call(h, q, 30000);
    r0(q);
    ck_assert_int_eq(r->t, KJ);
    ck_assert_int_eq(r->n, n);
    for (J i = 0; i < n; i++) if (kJ(r)[i] != i) ck_abort_msg("item %lld", (long long)i);
    q = sym_call2("echo", r);   /* consumes r */
    K back = net_call(h, q, 30000);
    ck_assert(k_match(back, kK(q)[1]));
    r0(back); r0(q);
    net_hclose(h);
}
END_TEST

/* A large flat vector as the whole message, in both byte orders, sent in pieces. */
START_TEST(large_flat_vector_both_byte_orders)
{
    const J n = 200000;   /* 1.6 MB: read straight into the vector */
    const J total = SER_HDR_BYTES + 6 + 8 * n;
    G *msg = malloc((size_t)total);
    for (int is_little = 0; is_little < 2; is_little++) {
        uint32_t len = (uint32_t)total, count = (uint32_t)n;
        if (!is_little) { len = __builtin_bswap32(len); count = __builtin_bswap32(count); }
        msg[0] = (G)is_little; msg[1] = SER_SYNC; msg[2] = 0; msg[3] = 0;
        memcpy(msg + 4, &len, 4);
        msg[8] = KJ; msg[9] = 0;
        memcpy(msg + 10, &count, 4);
        for (J i = 0; i < n; i++) {
            uint64_t v = (uint64_t)i;
            if (!is_little) v = __builtin_bswap64(v);
            memcpy(msg + 14 + 8 * i, &v, 8);
        }
        int fd = raw_open(shared.port);
        ck_assert_int_eq(send_all(fd, msg, 11), 0);   /* split inside the vector header */
        usleep(20000);
        ck_assert_int_eq(send_all(fd, msg + 11, (size_t)total - 11), 0);
        G hdr[SER_HDR_BYTES], body[9];
        ck_assert_int_eq(recv_full(fd, hdr, sizeof hdr, T_WAIT_MS), SER_HDR_BYTES);
        ck_assert_int_eq(recv_full(fd, body, sizeof body, T_WAIT_MS), 9);
        J sum;
        memcpy(&sum, body + 1, sizeof sum);
        ck_assert_int_eq(sum, n * (n - 1) / 2);
        close(fd);
    }
    /* Cut off inside the vector: logged, closed, the half-read vector freed (LSan). */
    int fd = raw_open(shared.port);
    ck_assert_int_eq(send_all(fd, msg, 100000), 0);
    usleep(20000);
    close(fd);
    assert_serving(shared.port);
    free(msg);
}
END_TEST

START_TEST(compression_to_remote_like_peers)
{
    struct netd_proc p;
    const char *args[] = { "-z", NULL };   /* treat loopback as remote (§4.1) */
    ck_assert_int_eq(netd_start(&p, args), 0);
    int cap, z = -1;
    int fd = ipc_raw_open(p.port, "u\3", 3, &cap);
    K r = raw_sync(fd, sym_call2("rep", kj(100000)), &z);
    ck_assert_int_eq(z, 1);
    ck_assert_int_eq(r->n, 100000);
    ck_assert_int_eq(kJ(r)[99999], 42);
    r0(r);
    /* Small answers are never compressed. */
    r = raw_sync(fd, kp("x"), &z);
    ck_assert_int_eq(z, 0);
    r0(r);
    /* A compressed request is decompressed. */
    K v = ktn(KJ, 50000);
    for (J i = 0; i < v->n; i++) kJ(v)[i] = 7;
    K x = sym_call2("echo", v);
    K m = ser_encode(x, SER_SYNC, SER_MAX_CAPABILITY, 1);
    ck_assert_int_eq(kG(m)[2], 1);
    ck_assert_int_eq(send_all(fd, kG(m), (size_t)m->n), 0);
    r0(m);
    G hdr[SER_HDR_BYTES];
    ck_assert_int_eq(recv_full(fd, hdr, sizeof hdr, T_WAIT_MS), SER_HDR_BYTES);
    ck_assert_int_eq(hdr[2], 1);
    close(fd);
    r0(x);
    /* Capability 0 peers never get compressed messages. */
    fd = ipc_raw_open(p.port, "u", 2, &cap);
    ck_assert_int_eq(cap, 0);
    r = raw_sync(fd, sym_call2("rep", kj(100000)), &z);
    ck_assert_int_eq(z, 0);
    r0(r);
    close(fd);
    /* Our client decodes a compressed response. */
    int h = net_hopen("127.0.0.1", p.port, "", T_WAIT_MS);
    K q = sym_call2("rep", kj(300000));
    r = net_call(h, q, T_WAIT_MS);
    r0(q);
    ck_assert_int_eq(r->n, 300000);
    r0(r);
    net_hclose(h);
    ck_assert_int_eq(netd_stop(&p), 0);
}
END_TEST

START_TEST(deferred_response_keeps_order)
{
    int fd = raw_open(shared.port);
    K both = ktn(KG, 0);
    const char *reqs[] = { "defer", "ping" };
    for (int i = 0; i < 2; i++) {
        K x = kp((S)reqs[i]);
        K m = ser_encode(x, SER_SYNC, SER_MAX_CAPABILITY, 0);
        jv(&both, m);
        r0(m); r0(x);
    }
    ck_assert_int_eq(send_all(fd, kG(both), (size_t)both->n), 0);
    r0(both);
    G hdr[SER_HDR_BYTES];
    ck_assert_int_eq(recv_full(fd, hdr, sizeof hdr, T_QUIET_MS), -1);   /* "ping" waits too */
    int h = net_hopen("127.0.0.1", shared.port, "", T_WAIT_MS);
    K q = sym_call2("answer", kj(42));
    K rc = net_call(h, q, T_WAIT_MS);
    ck_assert_int_eq(rc->j, 0);
    r0(rc);
    rc = net_call(h, q, T_WAIT_MS);   /* nothing deferred any more */
    ck_assert_int_eq(rc->j, -1);
    r0(rc); r0(q);
    net_hclose(h);
    K r = raw_sync(fd, kp(""), NULL);   /* reads the first queued response: 42 */
    ck_assert_int_eq(r->t, -KJ);
    ck_assert_int_eq(r->j, 42);
    r0(r);
    close(fd);
}
END_TEST

START_TEST(send_many_encodes_once_for_all)
{
    struct netd_proc p;
    ck_assert_int_eq(netd_start(&p, NULL), 0);
    int hs[3];
    for (int i = 0; i < 3; i++) hs[i] = net_hopen("127.0.0.1", p.port, "", T_WAIT_MS);
    K x = sym_call2("log", kj(99));
    ck_assert_int_eq(net_send_many(hs, 3, SER_ASYNC, x, NULL), 3);
    r0(x);
    for (int i = 0; i < 3; i++) ck_assert_int_eq(net_flush(hs[i]), 0);
    K q = kp("get");
    K r = NULL;
    for (int i = 0; i < 3; i++) { r0(r); r = net_call(hs[i], q, T_WAIT_MS); }   /* chasers */
    r0(q);
    ck_assert_int_eq(r->n, 3);
    for (J i = 0; i < 3; i++) ck_assert_int_eq(kK(r)[i]->j, 99);
    r0(r);
    for (int i = 0; i < 3; i++) net_hclose(hs[i]);
    ck_assert_int_eq(netd_stop(&p), 0);
}
END_TEST

/* ---- authentication ------------------------------------------------------------------ */

START_TEST(password_file_and_zpw)
{
    char path[] = "/tmp/tick_netd_pw_XXXXXX";
    int pfd = mkstemp(path);
    uint8_t d5[HASH_MD5_BYTES], d1[HASH_SHA1_BYTES];
    char h5[2 * HASH_MD5_BYTES + 1], h1[2 * HASH_SHA1_BYTES + 1];
    hash_md5("password", 8, d5);
    hash_hex(d5, sizeof d5, h5);
    hash_sha1("pw3", 3, d1);
    hash_hex(d1, sizeof d1, h1);
    char text[512];
    int len = snprintf(text, sizeof text, "alice:secret\nbob:%s\ncarol:%s\nevil:x\n", h5, h1);
    ck_assert_int_eq(write(pfd, text, (size_t)len), len);
    close(pfd);
    struct netd_proc p;
    const char *args[] = { "-U", path, "-w", NULL };
    ck_assert_int_eq(netd_start(&p, args), 0);
    static const struct { const char *cred; int ok; } cases[] = {
        { "alice:secret", 1 }, { "alice:wrong", 0 }, { "alice:", 0 }, { "bob:password", 1 },
        /* §7.2: a stored value equal to the supplied text matches, so the hash itself
         * works as a password; that is the documented rule. */
        { "bob:5f4dcc3b5aa765d61d8327deb882cf99", 1 }, { "bob:wrong", 0 },
        { "carol:pw3", 1 }, { "carol:pw4", 0 }, { "nobody:x", 0 },
        { "evil:x", 0 },   /* in the file, refused by .z.pw */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int h = net_hopen("127.0.0.1", p.port, cases[i].cred, T_WAIT_MS);
        if (cases[i].ok) {
            ck_assert_msg(h > 0, "%s refused", cases[i].cred);
            K q = kp("user");
            K r = net_call(h, q, T_WAIT_MS);
            r0(q);
            ck_assert_int_eq(strncmp(r->s, cases[i].cred, strlen(r->s)), 0);
            r0(r);
            net_hclose(h);
        } else {
            ck_assert_msg(h == NET_HOPEN_ACCESS, "%s: got %d", cases[i].cred, h);
        }
    }
    /* A refused client gets no byte, just the close. */
    int cap = -1;
    ck_assert_int_eq(ipc_raw_open(p.port, "alice:no\3", 10, &cap), -1);
    ck_assert_int_eq(netd_stop(&p), 0);
    unlink(path);
}
END_TEST

START_TEST(open_and_close_hooks)
{
    struct netd_proc p;
    ck_assert_int_eq(netd_start(&p, NULL), 0);
    int a = net_hopen("127.0.0.1", p.port, "", T_WAIT_MS);
    int b = net_hopen("127.0.0.1", p.port, "", T_WAIT_MS);
    net_hclose(a);
    usleep(100000);
    K q = kp("stats");
    K r = net_call(b, q, T_WAIT_MS);
    r0(q);
    ck_assert_int_eq(kJ(r)[0], 2);
    ck_assert_int_eq(kJ(r)[1], 1);
    r0(r);
    net_hclose(b);
    ck_assert_int_eq(netd_stop(&p), 0);
}
END_TEST

START_TEST(thousand_connections)
{
    static int h[T_MANY_CONNS];
    for (int i = 0; i < T_MANY_CONNS; i++) {
        h[i] = net_hopen("127.0.0.1", shared.port, "", T_WAIT_MS);
        ck_assert_msg(h[i] > 0, "connection %d: %s", i, net_errmsg());
    }
    K q = kp("ping");
    for (int i = 0; i < T_MANY_CONNS; i++) {
        K r = net_call(h[i], q, T_WAIT_MS);
        ck_assert_msg(r->t == -KS, "connection %d", i);
        r0(r);
    }
    r0(q);
    for (int i = 0; i < T_MANY_CONNS; i++) net_hclose(h[i]);
}
END_TEST

START_TEST(peer_that_never_reads)
{
    struct netd_proc p;
    const char *args[] = { "-o", "1000000", "-O", "100000000", NULL };
    ck_assert_int_eq(netd_start(&p, args), 0);
    int fd = raw_open(p.port);
    K x = sym_call2("rep", kj(100000));   /* 800 KB answers */
    K m = ser_encode(x, SER_SYNC, SER_MAX_CAPABILITY, 0);
    r0(x);
    for (int i = 0; i < 200; i++) ck_assert_int_eq(send_all(fd, kG(m), (size_t)m->n), 0);
    r0(m);
    /* Throttled, not blocked: everyone else is still served. */
    assert_serving(p.port);
    close(fd);
    assert_serving(p.port);
    ck_assert_int_eq(netd_stop(&p), 0);
}
END_TEST

START_TEST(slow_peer_over_output_limit_is_closed)
{
    struct netd_proc p;
    const char *args[] = { "-o", "1000000000", "-O", "20000000", NULL };
    ck_assert_int_eq(netd_start(&p, args), 0);
    int fd = raw_open(p.port);
    K x = sym_call2("rep", kj(1000000));   /* 8 MB answers */
    K m = ser_encode(x, SER_SYNC, SER_MAX_CAPABILITY, 0);
    r0(x);
    for (int i = 0; i < 20; i++) if (send_all(fd, kG(m), (size_t)m->n)) break;
    r0(m);
    ck_assert_int_eq(wait_closed(fd, 30000), 1);
    close(fd);
    assert_serving(p.port);
    ck_assert_int_eq(netd_stop(&p), 0);
}
END_TEST

START_TEST(out_of_descriptors_pauses_accepting)
{
    enum { FDS = 48, CONNS = 64 };
    struct netd_proc p;
    const char *args[] = { "-n", "48", NULL };
    ck_assert_int_eq(netd_start(&p, args), 0);
    int fds[CONNS], served = 0;
    for (int i = 0; i < CONNS; i++) {
        fds[i] = tcp_connect(p.port);   /* the kernel accepts into the backlog */
        ck_assert_int_ge(fds[i], 0);
        ck_assert_int_eq(send_all(fds[i], "u\3", 3), 0);
    }
    G cap;
    for (int i = 0; i < CONNS; i++) {
        if (recv_full(fds[i], &cap, 1, T_QUIET_MS) == 1) served++;
        else { close(fds[i]); fds[i] = -1; }
    }
    ck_assert_int_gt(served, 0);
    ck_assert_int_lt(served, FDS);   /* some could not be accepted */
    for (int i = 0; i < CONNS; i++) if (fds[i] >= 0) close(fds[i]);
    usleep(300000);   /* the pause passes; accepting resumes */
    assert_serving(p.port);
    ck_assert_int_eq(netd_stop(&p), 0);
}
END_TEST

static J client_async_seen;

/* The test process's own handler, for messages the server sends while we wait. */
static K client_handler(struct net_conn *c, int msg_type, K x)
{
    ck_assert_ptr_nonnull(c);
    if (msg_type == SER_ASYNC) { client_async_seen += x->t == -KJ ? x->j : 0; return NULL; }
    return x->t == -KJ ? kj(x->j * 10) : krr("type");
}

START_TEST(server_calls_back_while_client_waits)
{
    struct net_handler ch = { .on_message = client_handler };
    ck_assert_int_eq(net_init(NULL, &ch, NULL), 0);
    int h = net_hopen("127.0.0.1", shared.port, "", T_WAIT_MS);
    K q = sym_call2("push", kj(5));
    K r = net_call(h, q, T_WAIT_MS);   /* the async push is handled before our answer */
    r0(q);
    ck_assert_str_eq(r->s, "pushed");
    ck_assert_int_eq(client_async_seen, 5);
    r0(r);
    q = sym_call2("callback", kj(7));
    r = net_call(h, q, 0);            /* the server's sync call to us is answered */
    r0(q);
    ck_assert_int_eq(r->t, -KJ);
    ck_assert_int_eq(r->j, 70);
    r0(r);
    q = sym_call2("callback", kp("x"));
    r = net_call(h, q, 0);
    r0(q);
    ck_assert_int_eq(r->t, KERR);     /* our error travels back through the server */
    ck_assert_str_eq(r->s, "type");
    r0(r);
    net_hclose(h);
    net_fini();
}
END_TEST

/* ---- KX C API ------------------------------------------------------------------------ */

static K local_handler(struct net_conn *c, int msg_type, K x)
{
    ck_assert_ptr_null(c);   /* handle 0 has no connection */
    ck_assert_int_eq(msg_type, SER_SYNC);
    return x->t == KC ? kj(x->n) : krr("type");
}

START_TEST(kx_c_api)
{
    I h = khpu("127.0.0.1", shared.port, "kx:api");
    ck_assert_int_gt(h, 0);
    K r = k(h, "ping", (K)0);
    ck_assert_str_eq(r->s, "pong");
    r0(r);
    r = k(h, "add", kj(40), kj(2), (K)0);   /* ("add";40;2): a string naming the function */
    ck_assert_int_eq(r->j, 42);
    r0(r);
    ck_assert_ptr_nonnull(k(-h, "log", kj(7), (K)0));
    r = k(h, "get", (K)0);
    ck_assert_int_ge(r->n, 1);
    ck_assert_int_eq(kK(r)[r->n - 1]->j, 7);
    r0(r);
    ck_assert_ptr_nonnull(k(-h, "push", kj(5), (K)0));   /* the server pushes 5 back */
    r = k(h, (S)0);                                      /* read the next message */
    ck_assert_int_eq(r->t, -KJ);
    ck_assert_int_eq(r->j, 5);
    r0(r);
    kclose(h);
    ck_assert_ptr_null(k(h, "ping", (K)0));
    /* A listener that never answers the handshake: khpun times out (-2). */
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    ck_assert_int_eq(listen(lfd, 4), 0);
    ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&sa, &len), 0);
    ck_assert_int_eq(khpun("127.0.0.1", ntohs(sa.sin_port), "a:b", 200), NET_HOPEN_TIMEOUT);
    close(lfd);
    ck_assert_int_eq(khp("127.0.0.1", 1), NET_HOPEN_ERROR);   /* nothing listens on port 1 */
    struct net_handler lh = { .on_message = local_handler };
    ck_assert_int_eq(net_init(NULL, &lh, NULL), 0);
    r = k(0, "abcd", (K)0);
    ck_assert_int_eq(r->j, 4);
    r0(r);
    net_fini();
}
END_TEST

static Suite *ipc_suite(void)
{
    Suite *s = suite_create("net_ipc");
    TCase *t = tcase_create("ipc");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, handshake_capability_replies);
    tcase_add_test(t, handshake_split_across_writes);
    tcase_add_test(t, handshake_without_nul_is_closed);
    tcase_add_test(t, handshake_timeout_closes);
    tcase_add_test(t, tls_client_hello_is_closed);
    tcase_add_test(t, garbage_header_is_closed);
    tcase_add_test(t, header_claiming_2gb_is_closed);
    tcase_add_test(t, bad_body_is_closed);
    tcase_add_test(t, bad_compressed_body_is_closed);
    tcase_add_test(t, truncated_message_then_close);
    tcase_add_test(t, sync_calls_and_errors);
    tcase_add_test(t, pipelined_sync_answered_in_order);
    tcase_add_test(t, async_in_order_and_without_reply);
    tcase_add_test(t, unsolicited_response_is_dropped);
    tcase_add_test(t, large_message_round_trip);
    tcase_add_test(t, large_flat_vector_both_byte_orders);
    tcase_add_test(t, deferred_response_keeps_order);
    tcase_add_test(t, send_many_encodes_once_for_all);
    tcase_add_test(t, compression_to_remote_like_peers);
    tcase_add_test(t, password_file_and_zpw);
    tcase_add_test(t, open_and_close_hooks);
    tcase_add_test(t, thousand_connections);
    tcase_add_test(t, peer_that_never_reads);
    tcase_add_test(t, slow_peer_over_output_limit_is_closed);
    tcase_add_test(t, out_of_descriptors_pauses_accepting);
    tcase_add_test(t, server_calls_back_while_client_waits);
    tcase_add_test(t, kx_c_api);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    if (netd_start(&shared, NULL)) { fprintf(stderr, "cannot start netd\n"); return 1; }
    SRunner *sr = srunner_create(ipc_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    int status = netd_stop(&shared);
    if (status) fprintf(stderr, "netd exited with status %d (sanitizer report above?)\n", status);
    return failed || status ? 1 : 0;
}
