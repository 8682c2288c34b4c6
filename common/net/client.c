/* client.c: connections this process opens (q's hopen/hclose, h x, neg[h] x,
 * neg[h][], h[]) and the KX C API on top (khpun khpu khp kclose k). Blocking waits use
 * poll on the one socket; messages that arrive meanwhile go to the handler, as in q
 * (ipc-protocol.md §5.6). Framing and writes are net_io.c. SPDX-License-Identifier: MIT */
#include "net_int.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NET_CLIENT_CAPABILITY SER_MAX_CAPABILITY  /* what our clients offer */
#define NET_ASYNC_FLUSH_BYTES (1 << 20)  /* without a loop, write once this much is queued */
#define NET_PORT_TEXT_BYTES 16
#define NET_K_MAX_ARGS 8                 /* k(h, "f", a, b, ...): KX allows up to 8 */
#define CLIENT_REFUSED (-10)             /* client_handshake: the server closed on us */

static long client_ms_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(now.tv_sec - start->tv_sec) * NET_MS_PER_S +
           (now.tv_nsec - start->tv_nsec) / (NET_MS_PER_S * NET_MS_PER_S);
}

/* poll one fd for events with what remains of timeout_ms (<= 0: forever). Returns
 * 1 ready, 0 timed out, -1 error. */
static int client_wait(int fd, short events, int timeout_ms, const struct timespec *start)
{
    for (;;) {
        long left = -1;
        if (timeout_ms > 0) {
            left = timeout_ms - client_ms_since(start);
            if (left <= 0) return 0;
        }
        struct pollfd p = { .fd = fd, .events = events };
        int rc = poll(&p, 1, (int)left);
        if (rc < 0 && errno == EINTR) continue;
        return rc < 0 ? -1 : rc > 0;
    }
}

/* A non-blocking socket connected to host:port. Returns fd, or NET_HOPEN_ERROR /
 * NET_HOPEN_TIMEOUT. */
static int client_connect(const char *host, int port, int timeout_ms, const struct timespec *start)
{
    char port_text[NET_PORT_TEXT_BYTES];
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res, *ai;
    snprintf(port_text, sizeof port_text, "%d", port);
    int rc = getaddrinfo(host && *host ? host : "localhost", port_text, &hints, &res);
    if (rc) { net_err_set("hopen %s:%d: %s", host, port, gai_strerror(rc)); return NET_HOPEN_ERROR; }
    int fd = NET_HOPEN_ERROR;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        if (!connect(fd, ai->ai_addr, ai->ai_addrlen) || errno == EINPROGRESS) {
            int ready = client_wait(fd, POLLOUT, timeout_ms, start), soerr = 0;
            socklen_t len = sizeof soerr;
            if (ready == 0) { close(fd); fd = NET_HOPEN_TIMEOUT; break; }
            if (ready > 0 && !getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) && !soerr) break;
            errno = soerr ? soerr : errno;
        }
        net_err_set("hopen %s:%d: %s", host, port, strerror(errno));
        close(fd);
        fd = NET_HOPEN_ERROR;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        int one = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* best effort */
    } else if (fd == NET_HOPEN_TIMEOUT) {
        net_err_set("hopen %s:%d: timeout", host, port);
    }
    return fd;
}

/* Send the handshake and read the capability byte. Returns it (0..255), or
 * CLIENT_REFUSED (closed without a reply: access, §7.3), NET_HOPEN_ERROR or
 * NET_HOPEN_TIMEOUT. */
static int client_handshake(int fd, const char *credentials, int timeout_ms, const struct timespec *start)
{
    char buf[NET_HANDSHAKE_MAX_BYTES + 2];
    const char *who = credentials ? credentials : getenv("USER");
    int len = snprintf(buf, sizeof buf - 1, "%s%c", who ? who : "", NET_CLIENT_CAPABILITY);
    if (len < 0 || len >= (int)sizeof buf - 1) { net_err_set("hopen: credentials too long"); return NET_HOPEN_ERROR; }
    buf[len++] = 0;
    for (int sent = 0; sent < len;) {
        ssize_t n = send(fd, buf + sent, (size_t)(len - sent), MSG_NOSIGNAL);
        if (n > 0) { sent += (int)n; continue; }
        if (n < 0 && errno != EAGAIN && errno != EINTR) { net_err_set("hopen: send: %s", strerror(errno)); return NET_HOPEN_ERROR; }
        int ready = client_wait(fd, POLLOUT, timeout_ms, start);
        if (ready <= 0) return ready == 0 ? NET_HOPEN_TIMEOUT : NET_HOPEN_ERROR;
    }
    for (;;) {
        G cap;
        ssize_t n = recv(fd, &cap, 1, 0);
        if (n == 1) return cap;
        if (n == 0 || (n < 0 && errno == ECONNRESET)) { net_err_set("hopen: access"); return CLIENT_REFUSED; }
        if (errno != EAGAIN && errno != EINTR) { net_err_set("hopen: recv: %s", strerror(errno)); return NET_HOPEN_ERROR; }
        int ready = client_wait(fd, POLLIN, timeout_ms, start);
        if (ready == 0) { net_err_set("hopen: timeout"); return NET_HOPEN_TIMEOUT; }
        if (ready < 0) return NET_HOPEN_ERROR;
    }
}

int net_hopen(const char *host, int port, const char *credentials, int timeout_ms)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    int fd = client_connect(host, port, timeout_ms, &start);
    if (fd < 0) return fd;
    int cap = client_handshake(fd, credentials, timeout_ms, &start);
    if (cap < 0) { close(fd); return cap == CLIENT_REFUSED ? NET_HOPEN_ACCESS : cap; }
    struct net_conn *c = net_conn_new(fd, 1);
    if (!c) { close(fd); net_err_set("hopen: out of memory"); return NET_HOPEN_ERROR; }
    c->capability = cap < SER_MAX_CAPABILITY ? cap : SER_MAX_CAPABILITY;
    if (!net_all.base) {
        /* No loop: a waiting call blocks in read(2) itself, saving a poll(2) per round
         * trip (bench/net (a)). Timed waits still poll first. */
        int flags = fcntl(fd, F_GETFL);
        c->is_blocking = flags >= 0 && !fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    }
    snprintf(c->user, sizeof c->user, "%s", credentials ? credentials : "");
    *strchrnul(c->user, ':') = 0;
    return fd;
}

int net_hclose(int h)
{
    struct net_conn *c = net_conn_get(h);
    if (!c) return -1;
    /* Best effort: what is queued goes out if the kernel takes it now. */
    if (evbuffer_get_length(c->out)) (void)net_conn_write_now(c);
    if (!c->is_dead) net_conn_close(c, 0, NULL);
    return 0;
}

int net_send(int h, int msg_type, K x, K *err)
{
    struct net_conn *c = net_conn_get(h);
    if (!c || c->state != NET_IPC) {
        if (err) *err = krr("close");
        return -1;
    }
    c->busy++;
    int rc = net_conn_queue(c, msg_type, x, err);
    if (!rc && !c->is_dead && !net_all.base && net_conn_queued_bytes(c) >= NET_ASYNC_FLUSH_BYTES)
        rc = net_conn_flush_blocking(c, 0);
    if (c->is_dead) rc = -1;
    net_conn_release(c);
    return rc;
}

int net_flush(int h)
{
    struct net_conn *c = net_conn_get(h);
    return c ? net_conn_flush_blocking(c, 0) : -1;
}

/* Wait on c for the next message; when want_response, serve everything else through
 * the handler until a response comes. Returns the message (new), or NULL with *why
 * set to "close" or "timeout" (c closed then). */
static K client_wait_msg(struct net_conn *c, int want_response, int *msg_type, int timeout_ms,
                         const char **why)
{
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    c->busy++;
    c->in_call++;
    K result = NULL;
    *why = "close";
    while (!c->is_dead) {
        K x;
        int got = net_conn_take(c, &x, msg_type);
        if (got < 0) { net_conn_close(c, 1, "malformed message"); break; }
        if (got == 2) continue;   /* the bytes fast path (not while in_call; defensive) */
        if (got > 0) {
            if (!want_response || *msg_type == SER_RESPONSE) { result = x; break; }
            net_conn_dispatch(c, *msg_type, x);
            if (evbuffer_get_length(c->out) && net_conn_flush_blocking(c, 0)) break;
            continue;
        }
        int ready = c->is_blocking && timeout_ms <= 0 ? 1 : client_wait(c->fd, POLLIN, timeout_ms, &start);
        if (ready == 0) { *why = "timeout"; net_conn_close(c, 1, "timeout waiting for a response"); break; }
        long n = ready < 0 ? -1 : net_conn_read(c);
        if (n == 0 || n == -1) { net_conn_close(c, 1, NULL); break; }
    }
    c->in_call--;
    net_conn_release(c);
    return result;
}

/* Handle 0: the handler, as the local console (.z.w 0). Ownership: x borrowed. */
static K client_local(int msg_type, K x)
{
    if (!net_all.handler.on_message) return krr("nyi");
    K r = net_all.handler.on_message(NULL, msg_type, x);
    return r ? r : k_identity();
}

/* Ownership: x borrowed; returns new; *is_net_error set when the connection failed. */
static K client_call(int h, K x, int timeout_ms, int *is_net_error)
{
    *is_net_error = 0;
    if (h == 0) return client_local(SER_SYNC, x);
    struct net_conn *c = net_conn_get(h);
    K err = NULL, r = NULL;
    *is_net_error = 1;
    if (!c || c->state != NET_IPC) return krr("close");
    c->busy++;
    if (net_conn_queue(c, SER_SYNC, x, &err)) {
        *is_net_error = 0;
        r = err;
    } else if (c->is_dead || net_conn_flush_blocking(c, timeout_ms)) {
        if (!c->is_dead) net_conn_close(c, 1, "write failed");
        r = krr("close");
    } else {
        int msg_type;
        const char *why;
        r = client_wait_msg(c, 1, &msg_type, timeout_ms, &why);
        if (r) *is_net_error = 0;
        else r = krr(why);
    }
    net_conn_release(c);
    return r;
}

K net_call(int h, K x, int timeout_ms)
{
    int is_net_error;
    return client_call(h, x, timeout_ms, &is_net_error);
}

K net_receive(int h, int *msg_type, int timeout_ms)
{
    struct net_conn *c = net_conn_get(h);
    if (!c || c->state != NET_IPC) return krr("close");
    const char *why;
    K r = client_wait_msg(c, 0, msg_type, timeout_ms, &why);
    return r ? r : krr(why);
}

/* ---- KX C API -------------------------------------------------------------------- */

I khpun(const S host, I port, const S credentials, I timeout_ms)
{
    return net_hopen(host, port, credentials, timeout_ms);
}

I khpu(const S host, I port, const S credentials) { return khpun(host, port, credentials, 0); }
I khp(const S host, I port) { return khpun(host, port, "", 0); }
V kclose(I h) { (void)net_hclose(h); }

/* k(h, expr, args..., (K)0). See net.h for the three handle cases. */
K k(I h, const S expr, ...)
{
    if (!expr) {
        int msg_type;
        K r = net_receive(h, &msg_type, 0);
        if (r->t == KERR && !strcmp(r->s, "close")) { r0(r); return NULL; }
        return r;
    }
    K args[NET_K_MAX_ARGS];
    int n = 0;
    va_list ap;
    va_start(ap, expr);
    for (K a; (a = va_arg(ap, K)) != NULL && n < NET_K_MAX_ARGS;) args[n++] = a;
    va_end(ap);
    K msg = kp(expr);
    if (n > 0) {
        K list = ktn(0, n + 1);
        kK(list)[0] = msg;
        for (int i = 0; i < n; i++) kK(list)[i + 1] = args[i];
        msg = list;
    }
    K r;
    if (h < 0) {
        r = net_send(-h, SER_ASYNC, msg, NULL) || net_flush(-h) ? NULL : k_identity();
    } else {
        int is_net_error;
        r = client_call(h, msg, 0, &is_net_error);
        if (is_net_error) { r0(r); r = NULL; }
    }
    r0(msg);
    return r;
}
