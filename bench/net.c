/* bench/net.c: the IPC transport against raw TCP on 127.0.0.1, same run (issue 3 §9):
 * (a) 64-byte ping-pong with TCP_NODELAY vs a sync round trip of a tiny message, p50/p99;
 * (b) async small messages from one client to a server, msgs/s;
 * (c) a 100 MB long vector returned by a sync call vs the same bytes over raw TCP.
 * Servers run in forked processes. Prints figures and ratios; asserts nothing.
 * SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "ser.h"

#define BENCH_PING_BYTES 64
#define BENCH_PINGS 20000
#define BENCH_WARMUP 1000
#define BENCH_BLOCK 500   /* BENCH_PINGS is a multiple of it */
#define BENCH_ASYNC_MSGS 4000000
#define BENCH_BIG_LONGS (100000000 / 8)          /* 100 MB of longs */
#define BENCH_BIG_BYTES ((size_t)BENCH_BIG_LONGS * 8)
#define BENCH_BIG_REPEATS 9
#define BENCH_TIMEOUT_MS 60000
#define BENCH_P50 50
#define BENCH_P99 99
#define BENCH_PERCENT 100
#define BENCH_NS_PER_US 1000.0
#define BENCH_MB 1e6

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(double *v, int n, int p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return v[(size_t)n * (size_t)p / BENCH_PERCENT];
}

/* ---- raw TCP server --------------------------------------------------------------- */

static int read_full(int fd, void *p, size_t n)
{
    for (size_t have = 0; have < n;) {
        ssize_t got = read(fd, (char *)p + have, n - have);
        if (got <= 0) return -1;
        have += (size_t)got;
    }
    return 0;
}

static int write_full(int fd, const void *p, size_t n)
{
    for (size_t done = 0; done < n;) {
        ssize_t w = write(fd, (const char *)p + done, n - done);
        if (w <= 0) return -1;
        done += (size_t)w;
    }
    return 0;
}

/* Serve one connection at a time: 'p'+63 bytes -> echo 64; 'b'+63 -> 100 MB. */
static void raw_serve(int lfd)
{
    char *big = malloc(BENCH_BIG_BYTES);
    memset(big, 7, BENCH_BIG_BYTES);
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) break;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char req[BENCH_PING_BYTES];
        while (!read_full(fd, req, sizeof req)) {
            if (req[0] == 'b' ? write_full(fd, big, BENCH_BIG_BYTES) : write_full(fd, req, sizeof req)) break;
        }
        close(fd);
    }
    free(big);
}

static int listen_any(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 16) ||
        getsockname(fd, (struct sockaddr *)&sa, &len)) return -1;
    *port = ntohs(sa.sin_port);
    return fd;
}

static int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/* ---- our server --------------------------------------------------------------------- */

static J served_async;   /* async messages the server handled */
static K big_vector;     /* the 100 MB answer, built once */

static K bench_on_message(struct net_conn *c, int msg_type, K x)
{
    (void)c;
    if (msg_type == SER_ASYNC) { served_async++; return NULL; }
    if (x->t == KC && x->n == 3 && !memcmp(kC(x), "big", 3)) return r1(big_vector);
    if (x->t == KC && x->n == 5 && !memcmp(kC(x), "count", 5)) return kj(served_async);
    return r1(x);
}

static void bench_on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)sig; (void)what;
    event_base_loopbreak(arg);
}

static void net_serve(int port_pipe)
{
    big_vector = ktn(KJ, BENCH_BIG_LONGS);
    for (J i = 0; i < BENCH_BIG_LONGS; i++) kJ(big_vector)[i] = i;
    struct event_base *base = event_base_new();
    struct net_handler h = { .on_message = bench_on_message };
    if (net_init(base, &h, NULL)) _exit(1);
    int port = net_listen("127.0.0.1:0");
    if (write(port_pipe, &port, sizeof port) != sizeof port) _exit(1);
    struct event *term = evsignal_new(base, SIGTERM, bench_on_signal, base);
    event_add(term, NULL);
    event_base_dispatch(base);
    event_free(term);
    net_fini();
    event_base_free(base);
    r0(big_vector);
}

/* Fork a server; returns its pid and port. */
static pid_t spawn(int is_raw, int *port)
{
    int fds[2];
    if (pipe(fds)) return -1;
    int lfd = is_raw ? listen_any(port) : -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (is_raw) raw_serve(lfd);
        else net_serve(fds[1]);
        _exit(0);
    }
    close(fds[1]);
    if (is_raw) close(lfd);
    else if (read(fds[0], port, sizeof *port) != sizeof *port) *port = -1;
    close(fds[0]);
    return pid;
}

/* ---- the three measurements ------------------------------------------------------------ */

/* Raw and ours alternate in blocks of BENCH_BLOCK so load changes hit both alike. */
static void bench_latency(int raw_port, int h)
{
    static double raw_ns[BENCH_PINGS], our_ns[BENCH_PINGS];
    int fd = raw_connect(raw_port);
    char buf[BENCH_PING_BYTES] = "p";
    K tiny = kj(42);
    for (int i = 0; i < BENCH_WARMUP; i++) {
        if (write_full(fd, buf, sizeof buf) || read_full(fd, buf, sizeof buf)) break;
        r0(net_call(h, tiny, 0));
    }
    for (int block = 0; block < BENCH_PINGS; block += BENCH_BLOCK) {
        for (int i = block; i < block + BENCH_BLOCK; i++) {
            double t0 = now_ns();
            if (write_full(fd, buf, sizeof buf) || read_full(fd, buf, sizeof buf)) { puts("raw ping failed"); break; }
            raw_ns[i] = now_ns() - t0;
        }
        for (int i = block; i < block + BENCH_BLOCK; i++) {
            double t0 = now_ns();
            K r = net_call(h, tiny, 0);   /* no timeout, as q's h x */
            our_ns[i] = now_ns() - t0;
            r0(r);
        }
    }
    close(fd);
    r0(tiny);
    double rp50 = percentile(raw_ns, BENCH_PINGS, BENCH_P50) / BENCH_NS_PER_US;
    double rp99 = percentile(raw_ns, BENCH_PINGS, BENCH_P99) / BENCH_NS_PER_US;
    double op50 = percentile(our_ns, BENCH_PINGS, BENCH_P50) / BENCH_NS_PER_US;
    double op99 = percentile(our_ns, BENCH_PINGS, BENCH_P99) / BENCH_NS_PER_US;
    printf("(a) round trip      raw 64 B: p50 %7.2f us  p99 %7.2f us\n", rp50, rp99);
    printf("    sync kj(42)      ours:    p50 %7.2f us  p99 %7.2f us   p50 ratio ours/raw %.2fx (target <= 1.3x)\n",
           op50, op99, op50 / rp50);
}

static void bench_async(int h)
{
    K count_q = kp("count");
    K before = net_call(h, count_q, BENCH_TIMEOUT_MS);
    K msg = knk(2, ks("upd"), kj(1));
    double t0 = now_ns();
    for (int i = 0; i < BENCH_ASYNC_MSGS; i++)
        if (net_send(h, SER_ASYNC, msg, NULL)) { puts("async send failed"); break; }
    net_flush(h);
    K after = net_call(h, count_q, BENCH_TIMEOUT_MS);   /* chaser: all were processed */
    double secs = (now_ns() - t0) / 1e9;
    J handled = after->j - before->j;
    printf("(b) async (`upd;1)  %lld msgs in %.3f s: %.2f M msgs/s (target >= 2 M/s)\n",
           (long long)handled, secs, (double)handled / secs / BENCH_MB);
    r0(before); r0(after); r0(msg); r0(count_q);
}

/* Raw and ours alternate, best of BENCH_BIG_REPEATS each, so machine noise hits both. */
static void bench_big(int raw_port, int h)
{
    double raw_best = 1e300, our_best = 1e300;
    char *buf = malloc(BENCH_BIG_BYTES);
    memset(buf, 0, BENCH_BIG_BYTES);   /* fault the pages in, as our reused heap is */
    int fd = raw_connect(raw_port);
    char req[BENCH_PING_BYTES] = "b";
    K q = kp("big");
    for (int i = 0; i < BENCH_BIG_REPEATS; i++) {
        double t0 = now_ns();
        if (write_full(fd, req, sizeof req) || read_full(fd, buf, BENCH_BIG_BYTES)) { puts("raw big failed"); break; }
        double t = now_ns() - t0;
        if (t < raw_best) raw_best = t;
        t0 = now_ns();
        K r = net_call(h, q, 0);
        t = now_ns() - t0;
        if (r->t != KJ || r->n != BENCH_BIG_LONGS) puts("big call returned the wrong value");
        r0(r);
        if (t < our_best) our_best = t;
    }
    r0(q);
    close(fd);
    free(buf);
    double raw_mbs = (double)BENCH_BIG_BYTES / BENCH_MB / (raw_best / 1e9);
    double our_mbs = (double)BENCH_BIG_BYTES / BENCH_MB / (our_best / 1e9);
    printf("(c) 100 MB          raw: %.1f ms (%.0f MB/s)   ours: %.1f ms (%.0f MB/s)   ours/raw throughput %.2fx (target >= 0.7x)\n",
           raw_best / 1e6, raw_mbs, our_best / 1e6, our_mbs, our_mbs / raw_mbs);
}

int main(void)
{
    tk_mem_init();
    signal(SIGPIPE, SIG_IGN);
    int raw_port = 0, net_port = 0;
    pid_t raw_pid = spawn(1, &raw_port);
    pid_t net_pid = spawn(0, &net_port);
    int h = net_port > 0 ? net_hopen("127.0.0.1", net_port, "bench:", BENCH_TIMEOUT_MS) : -1;
    if (h <= 0) { fprintf(stderr, "bench_net: cannot connect: %s\n", net_errmsg()); return 1; }
    printf("bench/net: 127.0.0.1, servers in separate processes\n");
    bench_latency(raw_port, h);
    bench_async(h);
    bench_big(raw_port, h);
    net_hclose(h);
    kill(raw_pid, SIGTERM);
    kill(net_pid, SIGTERM);
    waitpid(raw_pid, NULL, 0);
    waitpid(net_pid, NULL, 0);
    net_fini();
    return 0;
}
