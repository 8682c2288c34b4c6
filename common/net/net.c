/* net.c: process-wide transport state, the handle table, the listener, accepting
 * connections, protocol sniffing and the IPC handshake with its password checks, and
 * closing. Framing and writes are net_io.c; HTTP is http.c; client handles client.c.
 * SPDX-License-Identifier: MIT */
#include "net_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define NET_LISTEN_BACKLOG 1024
#define NET_PORT_MAX 65535
#define NET_HOST_BYTES 256
#define NET_CONNS_MIN 64
#define NET_LOOPBACK_NET 0x7f000000u   /* 127.0.0.0/8 */
#define NET_LOOPBACK_MASK 0xff000000u

struct net_state_all net_all;

void net_err_set(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(net_all.errmsg, sizeof net_all.errmsg, fmt, ap);
    va_end(ap);
}

const char *net_errmsg(void) { return net_all.errmsg; }
void *net_ctx(void) { return net_all.handler.ctx; }
const struct net_config *net_cfg(void) { return &net_all.cfg; }

void net_config_init(struct net_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->max_msg_bytes = NET_DEFAULT_MAX_MSG_BYTES;
    cfg->throttle_out_bytes = NET_DEFAULT_THROTTLE_OUT_BYTES;
    cfg->max_out_bytes = NET_DEFAULT_MAX_OUT_BYTES;
    cfg->handshake_timeout_ms = NET_DEFAULT_HANDSHAKE_TIMEOUT_MS;
}

/* kdb+ serves one connection per descriptor; 1000+ peers need more than the usual
 * soft limit of 1024. */
static void net_raise_nofile(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim)) return;
    if (lim.rlim_cur >= lim.rlim_max) return;
    lim.rlim_cur = lim.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &lim)) log_warn("net: cannot raise RLIMIT_NOFILE: %s", strerror(errno));
}

int net_init(struct event_base *base, const struct net_handler *h, const struct net_config *cfg)
{
    net_all.base = base;
    if (h) net_all.handler = *h;
    else memset(&net_all.handler, 0, sizeof net_all.handler);
    if (cfg) net_all.cfg = *cfg;
    else net_config_init(&net_all.cfg);
    if (net_all.cfg.max_msg_bytes <= 0 || net_all.cfg.max_msg_bytes > SER_MAX_MSG_BYTES)
        net_all.cfg.max_msg_bytes = SER_MAX_MSG_BYTES;
    net_raise_nofile();
    free(net_all.password_file);
    net_all.password_file = NULL;
    auth_free(net_all.auth);
    net_all.auth = NULL;
    net_all.cfg.password_file = NULL;
    if (cfg && cfg->password_file) {
        char err[NET_ERR_BYTES];
        net_all.auth = auth_load(cfg->password_file, err, sizeof err);
        if (!net_all.auth) { net_err_set("%s", err); return -1; }
        net_all.password_file = strdup(cfg->password_file);
        net_all.cfg.password_file = net_all.password_file;
    }
    return 0;
}

void net_fini(void)
{
    net_unlisten();
    for (int fd = 0; fd < net_all.conns_cap; fd++)
        if (net_all.conns[fd]) net_conn_close(net_all.conns[fd], 1, NULL);
    free(net_all.conns);
    auth_free(net_all.auth);
    free(net_all.password_file);
    net_scratch_free();
    memset(&net_all, 0, sizeof net_all);
}

/* ---- handle table ------------------------------------------------------------- */

static int net_table_put(struct net_conn *c)
{
    if (c->fd >= net_all.conns_cap) {
        int cap = net_all.conns_cap ? net_all.conns_cap : NET_CONNS_MIN;
        while (cap <= c->fd) cap *= 2;
        struct net_conn **grown = realloc(net_all.conns, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        memset(grown + net_all.conns_cap, 0, (size_t)(cap - net_all.conns_cap) * sizeof *grown);
        net_all.conns = grown;
        net_all.conns_cap = cap;
    }
    net_all.conns[c->fd] = c;
    return 0;
}

struct net_conn *net_conn_get(int handle)
{
    if (handle <= 0 || handle >= net_all.conns_cap) return NULL;
    struct net_conn *c = net_all.conns[handle];
    return c && !c->is_dead ? c : NULL;
}

K net_handles(void)
{
    K v = ktn(KI, 0);
    for (int fd = 0; v && fd < net_all.conns_cap; fd++) {
        struct net_conn *c = net_all.conns[fd];
        if (c && !c->is_dead && c->state == NET_IPC) { I h = fd; ja(&v, &h); }
    }
    return v;
}

int net_conn_handle(const struct net_conn *c) { return c ? c->fd : 0; }
const char *net_conn_user(const struct net_conn *c) { return c ? c->user : ""; }
uint32_t net_conn_addr(const struct net_conn *c) { return c ? c->addr : 0; }
int net_conn_capability(const struct net_conn *c) { return c ? c->capability : SER_MAX_CAPABILITY; }
int net_conn_is_local(const struct net_conn *c) { return c ? c->is_local : 1; }
int net_conn_is_http(const struct net_conn *c) { return c && c->state == NET_HTTP; }
J net_conn_queued_bytes(const struct net_conn *c) { return c ? (J)evbuffer_get_length(c->out) : 0; }

/* ---- connection records --------------------------------------------------------- */

static void net_on_event(evutil_socket_t fd, short what, void *arg);
static void net_on_write(evutil_socket_t fd, short what, void *arg);

/* Fill c->peer, c->addr and c->is_local from the socket's two ends. */
static void net_conn_peer(struct net_conn *c)
{
    struct sockaddr_storage peer, self;
    socklen_t pn = sizeof peer, sn = sizeof self;
    snprintf(c->peer, sizeof c->peer, "fd %d", c->fd);
    if (getpeername(c->fd, (struct sockaddr *)&peer, &pn)) return;
    if (peer.ss_family == AF_UNIX) { c->is_local = 1; return; }
    char ip[INET6_ADDRSTRLEN] = "?";
    int port = 0;
    if (peer.ss_family == AF_INET) {
        struct sockaddr_in *p = (struct sockaddr_in *)&peer;
        inet_ntop(AF_INET, &p->sin_addr, ip, sizeof ip);
        port = ntohs(p->sin_port);
        c->addr = ntohl(p->sin_addr.s_addr);
        c->is_local = (c->addr & NET_LOOPBACK_MASK) == NET_LOOPBACK_NET;
        if (!getsockname(c->fd, (struct sockaddr *)&self, &sn) && self.ss_family == AF_INET)
            c->is_local |= ((struct sockaddr_in *)&self)->sin_addr.s_addr == p->sin_addr.s_addr;
    } else if (peer.ss_family == AF_INET6) {
        struct sockaddr_in6 *p = (struct sockaddr_in6 *)&peer;
        inet_ntop(AF_INET6, &p->sin6_addr, ip, sizeof ip);
        port = ntohs(p->sin6_port);
        c->is_local = IN6_IS_ADDR_LOOPBACK(&p->sin6_addr);
        if (!getsockname(c->fd, (struct sockaddr *)&self, &sn) && self.ss_family == AF_INET6)
            c->is_local |= !memcmp(&((struct sockaddr_in6 *)&self)->sin6_addr, &p->sin6_addr,
                                   sizeof p->sin6_addr);
    }
    snprintf(c->peer, sizeof c->peer, "%s:%d", ip, port);
}

/* Writes use writev(2), which raises SIGPIPE on a closed peer; that must cost only
 * the one connection (EPIPE), never the process. Left alone if the process set its own
 * handler. */
static void net_ignore_sigpipe(void)
{
    struct sigaction old;
    if (sigaction(SIGPIPE, NULL, &old) || old.sa_handler != SIG_DFL) return;
    signal(SIGPIPE, SIG_IGN);
}

struct net_conn *net_conn_new(int fd, int is_client)
{
    net_ignore_sigpipe();
    if (!net_all.cfg.max_msg_bytes) net_config_init(&net_all.cfg);   /* no net_init: client use */
    struct net_conn *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->fd = fd;
    c->is_client = is_client;
    c->state = is_client ? NET_IPC : NET_SNIFF;
    c->in = evbuffer_new();
    c->out = evbuffer_new();
    if (!c->in || !c->out) goto fail;
    net_conn_peer(c);
    if (net_all.base) {
        c->ev_read = event_new(net_all.base, fd, EV_READ | EV_PERSIST, net_on_event, c);
        c->ev_write = event_new(net_all.base, fd, EV_WRITE | EV_PERSIST, net_on_write, c);
        if (!c->ev_read || !c->ev_write || event_add(c->ev_read, NULL)) goto fail;
        if (!is_client) {
            struct timeval tv = { net_all.cfg.handshake_timeout_ms / NET_MS_PER_S,
                                  net_all.cfg.handshake_timeout_ms % NET_MS_PER_S * NET_MS_PER_S };
            c->ev_timer = evtimer_new(net_all.base, net_on_event, c);
            if (!c->ev_timer || evtimer_add(c->ev_timer, &tv)) goto fail;
        }
    }
    if (net_table_put(c)) goto fail;
    return c;
fail:
    if (c->ev_read) event_free(c->ev_read);
    if (c->ev_write) event_free(c->ev_write);
    if (c->ev_timer) event_free(c->ev_timer);
    if (c->in) evbuffer_free(c->in);
    if (c->out) evbuffer_free(c->out);
    free(c);
    return NULL;
}

static void net_conn_free(struct net_conn *c)
{
    net_conn_held_free(c);
    evbuffer_free(c->in);
    evbuffer_free(c->out);
    if (c->big_vec) r0(c->big_vec);
    else free(c->big);
    free(c);
}

void net_conn_release(struct net_conn *c)
{
    if (--c->busy == 0 && c->is_dead) net_conn_free(c);
}

void net_conn_close(struct net_conn *c, int run_hook, const char *why)
{
    if (c->is_dead) return;
    c->is_dead = 1;
    if (why) log_info("net: closing %s (handle %d): %s", c->peer, c->fd, why);
    if (c->ev_read) event_free(c->ev_read);
    if (c->ev_write) event_free(c->ev_write);
    if (c->ev_timer) event_free(c->ev_timer);
    c->ev_read = c->ev_write = c->ev_timer = NULL;
    close(c->fd);
    int was_open = c->state == NET_IPC;
    c->busy++;
    /* .z.pc runs after the socket closed; the handle is free for reuse only after it. */
    if (run_hook && was_open && net_all.handler.on_close) net_all.handler.on_close(c);
    if (c->fd < net_all.conns_cap && net_all.conns[c->fd] == c) net_all.conns[c->fd] = NULL;
    net_conn_release(c);
}

void net_conn_watch_write(struct net_conn *c)
{
    /* Once armed it stays so until the buffer drains: a publish per update must not
     * cost an event_add each (bench/tick (a)). */
    if (c->ev_write && !c->is_dead && !c->in_read_cb && !c->is_write_armed)
        c->is_write_armed = !event_add(c->ev_write, NULL);
}

void net_write_ready(void)
{
    for (int fd = 0; fd < net_all.conns_cap; fd++) {
        struct net_conn *c = net_all.conns[fd];
        if (!c || c->is_dead || !c->is_write_armed || c->in_read_cb) continue;
        c->busy++;
        (void)net_conn_write_now(c);  /* a failed socket is closed and logged there */
        net_conn_release(c);
    }
}

/* ---- listener ------------------------------------------------------------------- */

static void net_on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
                          int salen, void *arg)
{
    (void)l; (void)sa; (void)salen; (void)arg;
    int one = 1;
    /* Responses are small and latency matters more than packet count (kdb+ does too). */
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) && errno != EOPNOTSUPP)
        log_debug("net: TCP_NODELAY on fd %d: %s", (int)fd, strerror(errno));
    if (!net_conn_new(fd, 0)) {
        log_error("net: out of memory accepting fd %d", (int)fd);
        close(fd);
    }
}

#define NET_ACCEPT_PAUSE_MS 100   /* out of descriptors: stop accepting this long */

static void net_accept_resume(evutil_socket_t fd, short what, void *arg)
{
    (void)fd; (void)what;
    if (arg == net_all.listener) evconnlistener_enable(arg);   /* unless replaced since */
}

static void net_on_accept_error(struct evconnlistener *l, void *arg)
{
    (void)arg;
    int err = errno;
    /* EMFILE and friends: keep existing connections ('conn, §8.1). The listening socket
     * stays readable, so pause accepting instead of spinning on the error. */
    log_error("net: accept failed: %s", strerror(err));
    if (err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM) {
        struct timeval tv = { 0, NET_ACCEPT_PAUSE_MS * NET_MS_PER_S };
        evconnlistener_disable(l);
        if (event_base_once(net_all.base, -1, EV_TIMEOUT, net_accept_resume, l, &tv))
            evconnlistener_enable(l);
    }
}

/* Split "PORT", ":PORT" or "HOST:PORT" into host and port. Returns 0 or -1. */
static int net_spec_parse(const char *spec, char *host, size_t host_bytes, int *port)
{
    const char *colon = strrchr(spec, ':');
    const char *port_text = colon ? colon + 1 : spec;
    size_t host_len = colon ? (size_t)(colon - spec) : 0;
    if (host_len >= host_bytes) return -1;
    if (host_len) memcpy(host, spec, host_len);
    host[host_len] = 0;
    if (!host_len) snprintf(host, host_bytes, "%s", NET_DEFAULT_HOST);
    char *end;
    long p = strtol(port_text, &end, 10);
    if (!*port_text || *end || p < 0 || p > NET_PORT_MAX) return -1;
    *port = (int)p;
    return 0;
}

int net_listen(const char *spec)
{
    char host[NET_HOST_BYTES];
    int port;
    if (!net_all.base) { net_err_set("net_listen: no event base (net_init)"); return -1; }
    if (net_spec_parse(spec, host, sizeof host, &port)) {
        net_err_set("bad listen address '%s' (want PORT or HOST:PORT)", spec);
        return -1;
    }
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
        int rc = getaddrinfo(host, NULL, &hints, &res);
        if (rc) { net_err_set("listen host '%s': %s", host, gai_strerror(rc)); return -1; }
        sa.sin_addr = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
        freeaddrinfo(res);
    }
    struct evconnlistener *l = evconnlistener_new_bind(net_all.base, net_on_accept, NULL,
        LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC, NET_LISTEN_BACKLOG,
        (struct sockaddr *)&sa, sizeof sa);
    if (!l) { net_err_set("listen on %s:%d: %s", host, port, strerror(errno)); return -1; }
    evconnlistener_set_error_cb(l, net_on_accept_error);
    struct sockaddr_in bound;
    socklen_t len = sizeof bound;
    if (getsockname(evconnlistener_get_fd(l), (struct sockaddr *)&bound, &len)) {
        net_err_set("getsockname: %s", strerror(errno));
        evconnlistener_free(l);
        return -1;
    }
    net_unlisten();
    net_all.listener = l;
    net_all.port = ntohs(bound.sin_port);
    log_info("net: listening on %s:%d", host, net_all.port);
    return net_all.port;
}

void net_unlisten(void)
{
    if (net_all.listener) evconnlistener_free(net_all.listener);
    net_all.listener = NULL;
    net_all.port = 0;
}

int net_listen_port(void) { return net_all.port; }

/* ---- a new connection's first bytes --------------------------------------------- */

/* Password file, then .z.pw (§7.1). */
static int net_login_ok(struct net_conn *c, const struct net_handshake *hs)
{
    if (net_all.auth && !auth_check(net_all.auth, hs->user, hs->password)) return 0;
    if (net_all.handler.on_password && !net_all.handler.on_password(c, hs->user, hs->password))
        return 0;
    return 1;
}

/* Parse the handshake from c->in; reply the capability byte alone, or close. */
static int net_handshake_step(struct net_conn *c)
{
    size_t n = evbuffer_get_length(c->in);
    size_t look = n < NET_HANDSHAKE_MAX_BYTES ? n : NET_HANDSHAKE_MAX_BYTES;
    const G *bytes = evbuffer_pullup(c->in, (ev_ssize_t)look);
    struct net_handshake hs;
    int used = net_handshake_parse(bytes, look, &hs);
    if (used == 0) return 0;
    if (used < 0) {
        char hex[LOG_LINE_BYTES / 4];
        log_warn("net: %s sent no handshake NUL within %d bytes: %s", c->peer,
                 NET_HANDSHAKE_MAX_BYTES, log_hex_prefix(bytes, look, hex, sizeof hex));
        net_conn_close(c, 0, "bad handshake");
        return -1;
    }
    evbuffer_drain(c->in, (size_t)used);
    snprintf(c->user, sizeof c->user, "%s", hs.user);
    if (!net_login_ok(c, &hs)) {
        log_warn("net: login refused for user '%s' from %s", hs.user, c->peer);
        net_conn_close(c, 0, NULL);   /* send nothing: the client reports 'access (§7.3) */
        return -1;
    }
    c->capability = hs.capability < SER_MAX_CAPABILITY ? hs.capability : SER_MAX_CAPABILITY;
    G reply = (G)c->capability;
    /* Alone in its own write: node-q wants a first chunk of exactly one byte (§1.3). */
    if (evbuffer_add(c->out, &reply, 1) || net_conn_write_now(c)) return -1;
    c->state = NET_IPC;
    if (c->ev_timer) { event_free(c->ev_timer); c->ev_timer = NULL; }
    c->busy++;
    if (net_all.handler.on_open) net_all.handler.on_open(c);
    int closed = c->is_dead;
    net_conn_release(c);
    if (closed) return -1;
    return net_conn_process(c);
}

static int net_sniff_step(struct net_conn *c)
{
    size_t n = evbuffer_get_length(c->in);
    const G *bytes = evbuffer_pullup(c->in, -1);
    switch (net_sniff(bytes, n)) {
    case NET_PROTO_MORE:
        return 0;
    case NET_PROTO_TLS:
        log_warn("net: %s opened TLS (first byte 0x16); TLS is not supported, closing", c->peer);
        net_conn_close(c, 0, NULL);
        return -1;
    case NET_PROTO_HTTP:
        c->state = NET_HTTP;
        return http_conn_process(c);
    case NET_PROTO_IPC:
        c->state = NET_HANDSHAKE;
        return net_handshake_step(c);
    }
    return 0;
}

/* The read event, and the handshake deadline (EV_TIMEOUT). */
static void net_on_event(evutil_socket_t fd, short what, void *arg)
{
    struct net_conn *c = arg;
    (void)fd;
    if (what & EV_TIMEOUT) {
        /* The first HTTP request falls under the same deadline (slow-header peers). */
        if (c->state == NET_SNIFF || c->state == NET_HANDSHAKE)
            net_conn_close(c, 0, "handshake timed out");
        else if (c->state == NET_HTTP && !c->http_requests_n)
            net_conn_close(c, 0, "HTTP request timed out");
        return;
    }
    c->busy++;
    long got = net_conn_read(c);
    if (got == 0 || got == -1) {
        size_t left = evbuffer_get_length(c->in) + (size_t)c->big_have;
        if (left && c->state == NET_IPC) {
            char hex[LOG_LINE_BYTES / 4];
            const G *b = c->big ? c->big : evbuffer_pullup(c->in, -1);
            log_warn("net: %s closed inside a message (%zu bytes pending): %s", c->peer, left,
                     log_hex_prefix(b, left, hex, sizeof hex));
        }
        net_conn_close(c, 1, got < 0 ? strerror(errno) : NULL);
    } else if (got > 0) {
        int rc = 0;
        c->in_read_cb = 1;
        switch (c->state) {
        case NET_SNIFF: rc = net_sniff_step(c); break;
        case NET_HANDSHAKE: rc = net_handshake_step(c); break;
        case NET_IPC: rc = net_conn_process(c); break;
        case NET_HTTP: rc = http_conn_process(c); break;
        }
        c->in_read_cb = 0;
        if (!rc && !c->is_dead) net_conn_write_now(c);
    }
    net_conn_release(c);
}

static void net_on_write(evutil_socket_t fd, short what, void *arg)
{
    struct net_conn *c = arg;
    (void)fd; (void)what;
    c->busy++;
    net_conn_write_now(c);
    net_conn_release(c);
}
