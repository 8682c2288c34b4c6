/* bench/tick.c: feed -> tickerplant (journal on, temp dir) -> one subscriber process that
 * counts rows, with a raw-TCP baseline over the same path in the same run (issue 6 §10):
 * (a) single-row updates, zero latency, msgs/s; (b) 100-row updates with -t 100, rows/s;
 * (c) feed->subscriber latency p50/p99 at 10,000 msgs/s vs a raw TCP round trip;
 * (d) each again with --flush batch. Prints figures; asserts nothing.
 * Usage: bench_tick [path/to/tickerplant] (default: ../tickerplant/tickerplant beside
 * this binary). SPDX-License-Identifier: MIT */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "net.h"
#include "ser.h"

#define B_SINGLE_MSGS 500000     /* (a) */
#define B_BATCH_MSGS 50000       /* (b) messages of B_BATCH_ROWS rows */
#define B_BATCH_ROWS 100
#define B_BATCH_TIMER "100"
#define B_LAT_MSGS 10000         /* (c) at B_LAT_RATE msgs/s */
#define B_LAT_RATE 10000
#define B_RTT_PINGS 10000
#define B_PING_BYTES 64
#define B_WAIT_MS 120000         /* bound on any one wait */
#define B_START_MS 5000
#define B_NS_PER_SEC 1e9
#define B_NS_PER_US 1000.0
#define B_P50 50
#define B_P99 99
#define B_PERCENT 100
#define B_RAW_CHUNK (64 * 1024)  /* the raw feed writes this much at a time, as net does */
#define B_LINE 64

static const char *tp_path;

/* CPU seconds of the last tp_throughput run per process, over its wall time. */
struct cpu_use { double feed, tp, sub, wall; };
static struct cpu_use last_cpu;

static double tv_s(struct timeval t) { return (double)t.tv_sec + (double)t.tv_usec / 1e6; }
static double ru_s(const struct rusage *r) { return tv_s(r->ru_utime) + tv_s(r->ru_stime); }

static J mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (J)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_j(const void *a, const void *b)
{
    J x = *(const J *)a, y = *(const J *)b;
    return (x > y) - (x < y);
}

static double pct_us(J *v, J n, int p)
{
    qsort(v, (size_t)n, sizeof *v, cmp_j);
    return (double)v[n * p / B_PERCENT] / B_NS_PER_US;
}

/* ---- processes ------------------------------------------------------------------ */

/* Start the tickerplant with a journal in dir; returns its pid and sets *port. */
static pid_t tp_start(const char *dir, const char *timer, const char *flush, int *port)
{
    static int run;
    char logdir[PATH_MAX];
    snprintf(logdir, sizeof logdir, "%s/run%d", dir, run++);   /* a fresh journal each run */
    int fds[2];
    if (pipe(fds)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (!freopen("/dev/null", "w", stderr)) _exit(127);
        const char *argv[12] = { tp_path, "", logdir, "-p", "0", "--flush", flush, NULL };
        char schema[PATH_MAX];
        snprintf(schema, sizeof schema, "%s", getenv("TP_SCHEMA") ? getenv("TP_SCHEMA")
                                                               : "config/sym.json");
        argv[1] = schema;
        if (timer) { argv[7] = "-t"; argv[8] = timer; argv[9] = NULL; }
        execv(tp_path, (char *const *)argv);
        _exit(127);
    }
    close(fds[1]);
    char line[B_LINE] = "";
    struct pollfd pf = { .fd = fds[0], .events = POLLIN };
    ssize_t got = poll(&pf, 1, B_START_MS) > 0 ? read(fds[0], line, sizeof line - 1) : -1;
    close(fds[0]);
    if (got <= 0 || sscanf(line, "PORT %d", port) != 1) { kill(pid, SIGKILL); return -1; }
    return pid;
}

/* Stop a child; returns its CPU seconds. */
static double stop(pid_t pid)
{
    if (pid <= 0) return 0;
    kill(pid, SIGTERM);
    struct rusage ru = { 0 };
    if (wait4(pid, NULL, 0, &ru) != pid) return 0;
    return ru_s(&ru);
}

/* What the subscriber reports: when the last row came, and latencies when measured. */
struct sub_report {
    J end_ns;    /* monotonic time the target row count was reached (0: failed) */
    J rows;      /* rows received */
    double cpu_s;           /* the subscriber's CPU seconds */
    double p50_us, p99_us;  /* latency mode */
};

/* Rows of one published message (`upd;`t;table), read from its bytes the way a
 * counting subscriber needs: the count of the table's first column, and (first_item)
 * that column's first item. Returns -1 when the bytes are not such a message. */
#define B_SUB_BUF (1 << 20)
static J msg_rows(const G *m, J n, J *first_item)
{
    const G *p = m + SER_HDR_BYTES, *end = m + n;
    if (n < SER_HDR_BYTES + 6 || m[2] || p[0] != 0) return -1;   /* plain general list */
    p += 6;
    for (int i = 0; i < 2; i++) {                                /* `upd and `t */
        if (*p++ != (G)-KS) return -1;
        const G *z = memchr(p, 0, (size_t)(end - p));
        if (!z) return -1;
        p = z + 1;
    }
    if (end - p < 9 || p[0] != XT || p[2] != XD || p[3] != KS) return -1;
    int32_t ncols;
    memcpy(&ncols, p + 5, 4);
    p += 9;
    for (int32_t i = 0; i < ncols; i++) {                        /* column names */
        const G *z = memchr(p, 0, (size_t)(end - p));
        if (!z) return -1;
        p = z + 1;
    }
    if (end - p < 12 || p[0] != 0) return -1;                    /* the column list */
    p += 6;
    int32_t rows;
    memcpy(&rows, p + 2, 4);
    if (first_item && rows > 0 && end - p >= 14) memcpy(first_item, p + 6, 8);
    return rows;
}

/* Subscriber child: subscribe to trade, then count rows up to want straight from the
 * socket's bytes (a decode per message would make it the bottleneck); with lat set,
 * measure receipt minus the time column (feed's monotonic send time). */
static void sub_main(int port, J want, int lat, int out)
{
    net_fini();
    struct sub_report rep = { 0 };
    J *lats = lat ? calloc((size_t)want, sizeof *lats) : NULL;
    int h = net_init(NULL, NULL, NULL) ? -1 : net_hopen("127.0.0.1", port, "", B_START_MS);
    K q = kp(".u.sub[`trade;`]");
    K r = h > 0 ? net_call(h, q, B_START_MS) : NULL;
    r0(q);
    r0(r);
    char ready = 1;
    if (write(out, &ready, 1) != 1) _exit(1);
    J cap = B_SUB_BUF, have = 0, msgs = 0;
    G *buf = malloc((size_t)cap);
    int bad = !buf;
    while (h > 0 && !bad && rep.rows < want) {   /* the handle is the socket (as kdb+) */
        struct pollfd pf = { .fd = h, .events = POLLIN };
        if (poll(&pf, 1, B_WAIT_MS) <= 0) break;
        ssize_t got = read(h, buf + have, (size_t)(cap - have));
        if (got <= 0) break;
        have += got;
        J now = mono_ns(), at = 0;
        while (have - at >= SER_HDR_BYTES) {
            uint32_t len;
            memcpy(&len, buf + at + 4, 4);
            if (len < SER_HDR_BYTES) { bad = 1; break; }
            if (have - at < (J)len) {    /* a batch larger than the buffer: grow it */
                if ((J)len > cap) {
                    G *grown = realloc(buf, (size_t)len);
                    if (!grown) bad = 1;
                    else { buf = grown; cap = len; }
                }
                break;
            }
            J first = 0, n = msg_rows(buf + at, len, lats ? &first : NULL);
            if (n < 0) { bad = 1; break; }
            if (lats && msgs < want) lats[msgs] = now - first;
            msgs++;
            rep.rows += n;
            at += len;
        }
        memmove(buf, buf + at, (size_t)(have - at));
        have -= at;
    }
    free(buf);
    if (rep.rows >= want) rep.end_ns = mono_ns();
    struct rusage ru;
    if (!getrusage(RUSAGE_SELF, &ru)) rep.cpu_s = ru_s(&ru);
    if (lats && msgs > 0) { rep.p50_us = pct_us(lats, msgs, B_P50); rep.p99_us = pct_us(lats, msgs, B_P99); }
    if (write(out, &rep, sizeof rep) != sizeof rep) _exit(1);
    free(lats);
    _exit(0);
}

static pid_t sub_start(int port, J want, int lat, int *rfd)
{
    int fds[2];
    if (pipe(fds)) return -1;
    pid_t pid = fork();
    if (pid == 0) { close(fds[0]); sub_main(port, want, lat, fds[1]); }
    close(fds[1]);
    char ready;
    struct pollfd pf = { .fd = fds[0], .events = POLLIN };
    if (poll(&pf, 1, B_START_MS) <= 0 || read(fds[0], &ready, 1) != 1) { close(fds[0]); return -1; }
    *rfd = fds[0];
    return pid;
}

static int sub_wait(pid_t pid, int rfd, struct sub_report *rep)
{
    memset(rep, 0, sizeof *rep);
    struct pollfd pf = { .fd = rfd, .events = POLLIN };
    int ok = poll(&pf, 1, B_WAIT_MS) > 0 && read(rfd, rep, sizeof *rep) == sizeof *rep;
    close(rfd);
    if (!ok) kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return ok && rep->end_ns ? 0 : -1;
}

/* ---- messages ------------------------------------------------------------------- */

/* (`.u.upd;`trade;data): rows rows; with_time prepends a timespan column. */
static K upd_msg(int rows, int with_time)
{
    K s = ktn(KS, rows), p = ktn(KF, rows), z = ktn(KI, rows), b = ktn(KB, rows);
    K c = ktn(KC, rows), e = ktn(KC, rows), tm = ktn(KN, rows);
    static const char *syms[] = { "IBM", "MSFT", "GOOG", "AAPL" };
    for (int i = 0; i < rows; i++) {
        kS(s)[i] = ss(syms[i % 4]); kF(p)[i] = 100.0 + i; kI(z)[i] = i;
        kG(b)[i] = 0; kC(c)[i] = 'A'; kC(e)[i] = 'N'; kJ(tm)[i] = 0;
    }
    K data;
    if (rows == 1) {  /* single-row form: atoms */
        K row = with_time ? knk(7, ktj(-KN, 0), ks(kS(s)[0]), kf(kF(p)[0]), ki(kI(z)[0]),
                                kb(0), kc('A'), kc('N'))
                          : knk(6, ks(kS(s)[0]), kf(kF(p)[0]), ki(kI(z)[0]), kb(0), kc('A'), kc('N'));
        r0(s); r0(p); r0(z); r0(b); r0(c); r0(e); r0(tm);
        data = row;
    } else if (with_time) {
        data = knk(7, tm, s, p, z, b, c, e);
    } else {
        r0(tm);
        data = knk(6, s, p, z, b, c, e);
    }
    return knk(3, ks(".u.upd"), ks("trade"), data);
}

/* ---- raw TCP baseline ------------------------------------------------------------- */

static int listen_any(int *port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof sa;
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 4)
        || getsockname(fd, (struct sockaddr *)&sa, &len)) return -1;
    *port = ntohs(sa.sin_port);
    return fd;
}

static int raw_connect(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa)) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

static int write_full(int fd, const void *p, size_t n)
{
    for (size_t done = 0; done < n;) {
        ssize_t w = write(fd, (const char *)p + done, n - done);
        if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
            struct pollfd pf = { .fd = fd, .events = POLLOUT };
            (void)poll(&pf, 1, B_WAIT_MS);
            continue;
        }
        if (w <= 0) return -1;
        done += (size_t)w;
    }
    return 0;
}

/* Relay child: accept the subscriber, then the feed; copy feed bytes to the subscriber
 * (the TP's path without decoding, journaling or encoding). */
static void relay_main(int lfd)
{
    int sub = accept(lfd, NULL, NULL), feed = accept(lfd, NULL, NULL);
    static char buf[B_RAW_CHUNK];
    ssize_t got;
    while ((got = read(feed, buf, sizeof buf)) > 0) if (write_full(sub, buf, (size_t)got)) break;
    _exit(0);
}

/* Raw (a)/(b): msg's bytes n times feed -> relay -> reader. Returns msgs/s, or -1. */
static double raw_throughput(K msg, J n)
{
    int port, lfd = listen_any(&port);
    if (lfd < 0) return -1;
    pid_t relay = fork();
    if (relay == 0) relay_main(lfd);
    close(lfd);
    K bytes = ser_encode(msg, SER_ASYNC, SER_MAX_CAPABILITY, 0);
    J total = bytes->n * n;
    int sub = raw_connect(port), feed = raw_connect(port);
    pid_t reader = fork();
    if (reader == 0) {
        static char buf[B_RAW_CHUNK];
        J have = 0;
        ssize_t got;
        while (have < total && (got = read(sub, buf, sizeof buf)) > 0) have += got;
        _exit(have == total ? 0 : 1);
    }
    close(sub);
    static char chunk[B_RAW_CHUNK];
    J per = (J)sizeof chunk / bytes->n;
    for (J i = 0; i < per; i++) memcpy(chunk + i * bytes->n, kG(bytes), (size_t)bytes->n);
    J t0 = mono_ns();
    for (J sent = 0; sent < n; sent += per) {
        J k = n - sent < per ? n - sent : per;
        if (write_full(feed, chunk, (size_t)(k * bytes->n))) break;
    }
    int status;
    waitpid(reader, &status, 0);
    J t1 = mono_ns();
    close(feed);
    waitpid(relay, NULL, 0);
    r0(bytes);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? n * B_NS_PER_SEC / (double)(t1 - t0) : -1;
}

/* Raw TCP round trip of B_PING_BYTES, p50/p99 in us. */
static void raw_rtt(double *p50, double *p99)
{
    int port, lfd = listen_any(&port);
    pid_t echo = fork();
    if (echo == 0) {
        int fd = accept(lfd, NULL, NULL), one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char b[B_PING_BYTES];
        ssize_t got;
        while ((got = read(fd, b, sizeof b)) > 0) if (write_full(fd, b, (size_t)got)) break;
        _exit(0);
    }
    close(lfd);
    int fd = raw_connect(port);
    J *v = calloc(B_RTT_PINGS, sizeof *v);
    char b[B_PING_BYTES] = { 0 };
    for (int i = 0; i < B_RTT_PINGS; i++) {
        J t0 = mono_ns();
        size_t have = 0;
        if (write_full(fd, b, sizeof b)) break;
        while (have < sizeof b) { ssize_t g = read(fd, b + have, sizeof b - have); if (g <= 0) break; have += (size_t)g; }
        v[i] = mono_ns() - t0;
    }
    close(fd);
    waitpid(echo, NULL, 0);
    *p50 = pct_us(v, B_RTT_PINGS, B_P50);
    *p99 = pct_us(v, B_RTT_PINGS, B_P99);
    free(v);
}

/* ---- the runs ------------------------------------------------------------------- */

/* Feed n copies of msg (async, buffered by net) through a TP; returns rows/s or -1. */
static double tp_throughput(const char *dir, const char *timer, const char *flush, K msg,
                            J n, J rows_per)
{
    int port, rfd;
    pid_t tp = tp_start(dir, timer, flush, &port);
    if (tp < 0) { fprintf(stderr, "bench_tick: tickerplant did not start\n"); return -1; }
    pid_t sub = sub_start(port, n * rows_per, 0, &rfd);
    int h = net_hopen("127.0.0.1", port, "", B_START_MS);
    double rate = -1;
    memset(&last_cpu, 0, sizeof last_cpu);
    if (sub > 0 && h > 0) {
        struct rusage r0u, r1u;
        getrusage(RUSAGE_SELF, &r0u);
        /* The feed writes pre-encoded copies of msg in 64 KiB chunks (as the raw
         * baseline does) so that it costs next to nothing beside the TP. */
        K bytes = ser_encode(msg, SER_ASYNC, SER_MAX_CAPABILITY, 0);
        static G chunk[B_RAW_CHUNK];
        J per = (J)sizeof chunk / bytes->n;
        for (J i = 0; i < per; i++) memcpy(chunk + i * bytes->n, kG(bytes), (size_t)bytes->n);
        J t0 = mono_ns();
        for (J sent = 0; sent < n; sent += per) {
            J k = n - sent < per ? n - sent : per;
            if (write_full(h, chunk, (size_t)(k * bytes->n))) break;
        }
        r0(bytes);
        getrusage(RUSAGE_SELF, &r1u);
        struct sub_report rep;
        if (sub_wait(sub, rfd, &rep) == 0) {
            rate = (double)rep.rows * B_NS_PER_SEC / (double)(rep.end_ns - t0);
            last_cpu.wall = (double)(rep.end_ns - t0) / B_NS_PER_SEC;
            last_cpu.feed = ru_s(&r1u) - ru_s(&r0u);
            last_cpu.sub = rep.cpu_s;
        }
        else fprintf(stderr, "bench_tick: subscriber got %lld of %lld rows\n", (long long)rep.rows,
                     (long long)(n * rows_per));
    }
    if (h > 0) (void)net_hclose(h);
    last_cpu.tp = stop(tp);
    return rate;
}

/* (c): B_LAT_MSGS single-row updates paced at B_LAT_RATE, time column = send time. */
static int tp_latency(const char *dir, const char *flush, double *p50, double *p99)
{
    int port, rfd;
    pid_t tp = tp_start(dir, NULL, flush, &port);
    if (tp < 0) return -1;
    pid_t sub = sub_start(port, B_LAT_MSGS, 1, &rfd);
    int h = net_hopen("127.0.0.1", port, "", B_START_MS);
    K msg = upd_msg(1, 1);
    K time_atom = kK(kK(msg)[2])[0];
    int rc = -1;
    if (sub > 0 && h > 0) {
        J gap = (J)(B_NS_PER_SEC / B_LAT_RATE), next = mono_ns();
        for (J i = 0; i < B_LAT_MSGS; i++) {
            struct timespec at = { .tv_sec = next / 1000000000LL, .tv_nsec = next % 1000000000LL };
            (void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, NULL);  /* no spinning: */
            next += gap;                                    /* the TP needs the CPU */
            time_atom->j = mono_ns();
            if (net_send(h, SER_ASYNC, msg, NULL) || net_flush(h)) break;
        }
        struct sub_report rep;
        if (sub_wait(sub, rfd, &rep) == 0) { *p50 = rep.p50_us; *p99 = rep.p99_us; rc = 0; }
    }
    r0(msg);
    if (h > 0) (void)net_hclose(h);
    stop(tp);
    return rc;
}

int main(int argc, char **argv)
{
    static char self[PATH_MAX], def[PATH_MAX];
    if (argc > 1) tp_path = argv[1];
    else {
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) return 1;
        self[n] = 0;
        snprintf(def, sizeof def, "%s/../tickerplant/tickerplant", dirname(self));
        tp_path = def;
    }
    char dir[] = "/tmp/bench_tick.XXXXXX";
    if (!mkdtemp(dir) || net_init(NULL, NULL, NULL)) return 1;
    signal(SIGPIPE, SIG_IGN);
    printf("bench_tick: feed -> tickerplant (journal in %s) -> subscriber; raw TCP in the same run\n", dir);
    K one = upd_msg(1, 0), hundred = upd_msg(B_BATCH_ROWS, 0);
    double raw_a = raw_throughput(one, B_SINGLE_MSGS);
    double raw_b = raw_throughput(hundred, B_BATCH_MSGS) * B_BATCH_ROWS;
    static const char *flushes[] = { "none", "batch" };
    const char *only = getenv("BENCH_TICK_ONLY");   /* e.g. "a": one part, for profiling */
    for (int f = 0; f < 2; f++) {
        const char *fl = flushes[f];
        double a = -1, b = -1, p50 = -1, p99 = -1, rtt50 = 0, rtt99 = 0;
        struct cpu_use ca = { 0 }, cb = { 0 };
        if (!only || strchr(only, 'a')) { a = tp_throughput(dir, NULL, fl, one, B_SINGLE_MSGS, 1); ca = last_cpu; }
        if (!only || strchr(only, 'b')) {
            b = tp_throughput(dir, B_BATCH_TIMER, fl, hundred, B_BATCH_MSGS, B_BATCH_ROWS);
            cb = last_cpu;
        }
        if (!only || strchr(only, 'c')) {
            raw_rtt(&rtt50, &rtt99);   /* just before, so machine load hits both alike */
            (void)tp_latency(dir, fl, &p50, &p99);
        }
        printf("--flush %s\n", fl);
        printf("  (a) single-row, zero latency: %10.0f msgs/s   (raw TCP relay %10.0f msgs/s; x%.2f)\n",
               a, raw_a, raw_a > 0 ? a / raw_a : 0);
        printf("  (b) 100-row, -t %s:        %10.0f rows/s   (raw TCP relay %10.0f rows/s; x%.2f)\n",
               B_BATCH_TIMER, b, raw_b, raw_b > 0 ? b / raw_b : 0);
        printf("  (c) latency at %d msgs/s: p50 %.1f us, p99 %.1f us   (raw TCP RTT p50 %.1f us, "
               "p99 %.1f us; x%.2f / x%.2f)\n", B_LAT_RATE, p50, p99, rtt50, rtt99,
               rtt50 > 0 ? p50 / rtt50 : 0, rtt99 > 0 ? p99 / rtt99 : 0);
        /* CPU per process over the run's wall time: one near 100% is the bottleneck
         * (the TP's figure includes its start-up and the subscription). */
        /* The TP's CPU per message / row is the figure that a loaded machine disturbs least. */
        printf("  CPU/wall (a): feed %3.0f%%, tickerplant %3.0f%%, subscriber %3.0f%%; "
               "tickerplant CPU %.0f ns/msg\n"
               "  CPU/wall (b): feed %3.0f%%, tickerplant %3.0f%%, subscriber %3.0f%%; "
               "tickerplant CPU %.1f ns/row\n",
               ca.wall > 0 ? 100 * ca.feed / ca.wall : 0, ca.wall > 0 ? 100 * ca.tp / ca.wall : 0,
               ca.wall > 0 ? 100 * ca.sub / ca.wall : 0, ca.tp * B_NS_PER_SEC / B_SINGLE_MSGS,
               cb.wall > 0 ? 100 * cb.feed / cb.wall : 0,
               cb.wall > 0 ? 100 * cb.tp / cb.wall : 0, cb.wall > 0 ? 100 * cb.sub / cb.wall : 0,
               cb.tp * B_NS_PER_SEC / ((double)B_BATCH_MSGS * B_BATCH_ROWS));
        fflush(stdout);
    }
    r0(one);
    r0(hundred);
    char cmd[sizeof dir + 16];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0) fprintf(stderr, "bench_tick: cannot remove %s\n", dir);
    net_fini();
    return 0;
}
