/* net_io.c: bytes in and out of one IPC connection: reading, framing (ipc-protocol.md
 * §2.6), dispatch to the handler (§5.1–5.4), encoding into the output buffer with
 * compression for remote peers (§4.1), writing, and the output limits.
 * Handshake and connection lifetime are net.c. SPDX-License-Identifier: MIT */
#include "net_int.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define NET_READ_VECS 2
#define NET_HEX_TEXT_BYTES (LOG_HEX_BYTES * 3 + 8)

long net_conn_read(struct net_conn *c)
{
    ssize_t got;
    if (c->big && c->big_have == c->big_need) return -2;   /* complete: framing takes it next */
    if (c->big) {
        got = read(c->fd, c->big + c->big_have, (size_t)(c->big_need - c->big_have));
        if (got > 0) c->big_have += got;
    } else {
        struct evbuffer_iovec vec[NET_READ_VECS];
        int nvec = evbuffer_reserve_space(c->in, NET_READ_BYTES, vec, NET_READ_VECS);
        if (nvec < 0) { errno = ENOMEM; return -1; }
        struct iovec iov[NET_READ_VECS];
        for (int i = 0; i < nvec; i++) { iov[i].iov_base = vec[i].iov_base; iov[i].iov_len = vec[i].iov_len; }
        got = readv(c->fd, iov, nvec);
        size_t left = got > 0 ? (size_t)got : 0;
        for (int i = 0; i < nvec; i++) {
            size_t used = left < vec[i].iov_len ? left : vec[i].iov_len;
            vec[i].iov_len = used;
            left -= used;
        }
        evbuffer_commit_space(c->in, vec, nvec);
    }
    if (got < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? -2 : -1;
    return (long)got;
}

static void net_log_malformed(struct net_conn *c, const G *bytes, size_t n, const char *why)
{
    char hex[NET_HEX_TEXT_BYTES];
    log_warn("net: malformed message from %s (handle %d): %s; bytes: %s", c->peer, c->fd, why,
             log_hex_prefix(bytes, n, hex, sizeof hex));
}

/* Decode a whole message of n bytes at msg. Returns 1, or -1 (logged). */
static int net_decode(struct net_conn *c, const G *msg, J n, K *x, int *msg_type)
{
    char err[SER_ERR_BYTES];
    *x = ser_decode_msg(msg, n, net_all.cfg.max_msg_bytes, msg_type, err);
    if (*x) return 1;
    net_log_malformed(c, msg, (size_t)n, err);
    return -1;
}

/* Reverse the bytes of each of n items of w bytes (a big-endian message). */
static void net_swap_items(G *p, J n, int w)
{
    for (J i = 0; i < n; i++, p += w)
        for (int a = 0, b = w - 1; a < b; a++, b--) { G t = p[a]; p[a] = p[b]; p[b] = t; }
}

/* A large uncompressed message whose body is one flat vector (not symbols, not a
 * list) is read straight into a vector allocated for it: no staging buffer and no
 * decode copy (bench/net (c)). Checks what ser_decode would (§3.4, §3.13).
 * Returns 1 when set up, 0 when the message takes the ordinary path. */
static int net_big_vector_start(struct net_conn *c, const struct ser_header *h, size_t have)
{
    G head[SER_HDR_BYTES + NET_VECTOR_HDR_BYTES];
    if (h->is_compressed || have < sizeof head) return 0;
    evbuffer_copyout(c->in, head, sizeof head);
    int t = (signed char)head[SER_HDR_BYTES], attr = head[SER_HDR_BYTES + 1];
    uint32_t raw;
    memcpy(&raw, head + SER_HDR_BYTES + 2, sizeof raw);
    J n = (J)(h->is_little ? raw : __builtin_bswap32(raw));
    int w = t > 0 && t <= KT && t != KS ? k_item_size(t) : 0;
    if (!w || attr > K_ATTR_GROUPED || raw > INT32_MAX || n * w != h->total_bytes - (J)sizeof head)
        return 0;
    K v = ktn(t, n);
    if (!v) return 0;
    v->a = (signed char)attr;
    evbuffer_drain(c->in, sizeof head);
    c->big_vec = v;
    c->big = kG(v);
    c->big_need = n * w;
    c->big_have = (J)evbuffer_remove(c->in, c->big, (size_t)c->big_need);
    c->big_msg_type = h->msg_type;
    c->big_is_little = h->is_little;
    return 1;
}

/* Take the finished big message. Returns as net_conn_take. */
static int net_big_take(struct net_conn *c, K *x, int *msg_type)
{
    int rc;
    if (c->big_vec) {
        *x = c->big_vec;
        *msg_type = c->big_msg_type;
        if (!c->big_is_little && (*x)->t != UU)
            net_swap_items(kG(*x), (*x)->n, k_item_size((*x)->t));
        rc = 1;
    } else {
        rc = net_decode(c, c->big, c->big_need, x, msg_type);
        free(c->big);
    }
    c->big = NULL;
    c->big_vec = NULL;
    c->big_have = c->big_need = 0;
    return rc;
}

int net_conn_take(struct net_conn *c, K *x, int *msg_type)
{
    if (c->big) return c->big_have < c->big_need ? 0 : net_big_take(c, x, msg_type);
    size_t have = evbuffer_get_length(c->in);
    if (have < SER_HDR_BYTES) return 0;
    G hdr[SER_HDR_BYTES];
    struct ser_header h;
    const char *why = NULL;
    evbuffer_copyout(c->in, hdr, SER_HDR_BYTES);
    if (ser_header_parse(hdr, net_all.cfg.max_msg_bytes, &h, &why)) {
        net_log_malformed(c, hdr, SER_HDR_BYTES, why);
        return -1;
    }
    if ((J)have < h.total_bytes && h.total_bytes > NET_BIG_MSG_BYTES) {
        if (net_big_vector_start(c, &h, have)) return net_conn_take(c, x, msg_type);
        if (have < SER_HDR_BYTES + NET_VECTOR_HDR_BYTES && !h.is_compressed) return 0;
        /* Read the rest straight into one buffer: no pullup copy of a large message. */
        c->big = malloc((size_t)h.total_bytes);
        if (!c->big) { log_error("net: no memory for %lld bytes from %s", (long long)h.total_bytes, c->peer); return -1; }
        c->big_need = h.total_bytes;
        c->big_have = (J)evbuffer_remove(c->in, c->big, have);
        return 0;
    }
    if ((J)have < h.total_bytes) return 0;
    const G *msg = evbuffer_pullup(c->in, (ev_ssize_t)h.total_bytes);
    if (!msg) { log_error("net: no memory framing %s", c->peer); return -1; }
    if (net_all.bytes_fn && !c->in_call && h.msg_type == SER_ASYNC && !h.is_compressed
        && net_all.bytes_fn(c->fd, msg, h.total_bytes)) {   /* c stays alive: busy */
        evbuffer_drain(c->in, (size_t)h.total_bytes);
        return 2;
    }
    int rc = net_decode(c, msg, h.total_bytes, x, msg_type);
    evbuffer_drain(c->in, (size_t)h.total_bytes);
    return rc;
}

void net_bytes_fn_set(net_bytes_fn fn) { net_all.bytes_fn = fn; }

void net_conn_dispatch(struct net_conn *c, int msg_type, K x)
{
    if (msg_type == SER_RESPONSE) {
        log_warn("net: response from %s (handle %d) with no request outstanding; dropped",
                 c->peer, c->fd);
        r0(x);
        return;
    }
    K r = net_all.handler.on_message ? net_all.handler.on_message(c, msg_type, x) : krr("nyi");
    r0(x);
    if (msg_type == SER_SYNC && !c->is_dead) {
        net_conn_respond(c, r);
        return;
    }
    if (r && r->t == KERR) log_debug("net: async message from %s failed: '%s", c->peer, r->s);
    if (r != net_deferred()) r0(r);
}

/* Queue one response now. Ownership: r borrowed. */
static void net_conn_respond_now(struct net_conn *c, K r)
{
    K err = NULL;
    /* A result the peer cannot receive still gets exactly one response (§5.3). */
    if (net_conn_queue(c, SER_RESPONSE, r ? r : k_identity(), &err)) {
        if (err && !c->is_dead && net_conn_queue(c, SER_RESPONSE, err, NULL))
            log_error("net: cannot send error response to %s", c->peer);
        r0(err);
    }
}

static int net_conn_hold(struct net_conn *c, K r)
{
    if (c->held_n == c->held_cap) {
        J cap = c->held_cap ? 2 * c->held_cap : 4;
        K *grown = realloc(c->held, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        c->held = grown;
        c->held_cap = cap;
    }
    c->held[c->held_n++] = r;
    return 0;
}

/* Send the answered prefix of the held responses. */
static void net_conn_release_held(struct net_conn *c)
{
    J done = 0;
    while (done < c->held_n && c->held[done] && !c->is_dead) {
        net_conn_respond_now(c, c->held[done]);
        r0(c->held[done]);
        done++;
    }
    if (c->is_dead) return;
    memmove(c->held, c->held + done, (size_t)(c->held_n - done) * sizeof *c->held);
    c->held_n -= done;
}

void net_conn_respond(struct net_conn *c, K r)
{
    if (r == net_deferred()) r = NULL;
    else if (!r) r = r1(k_identity());
    if (!r || c->held_n) {
        /* Deferred, or behind a deferred one: keep request order (§2.3). */
        if (net_conn_hold(c, r)) {
            log_error("net: out of memory holding a response for %s", c->peer);
            r0(r);
            net_conn_close(c, 1, "out of memory");
        }
        return;
    }
    net_conn_respond_now(c, r);
    r0(r);
}

void net_conn_held_free(struct net_conn *c)
{
    for (J i = 0; i < c->held_n; i++) r0(c->held[i]);
    free(c->held);
    c->held = NULL;
    c->held_n = c->held_cap = 0;
}

/* The sentinel: a unique immortal value that is never sent. */
static struct k0 net_deferred_value = { .m = K_MEM_STATIC, .t = K_UNARY, .r = K_REF_IMMORTAL };

K net_deferred(void) { return &net_deferred_value; }

int net_respond(int h, K x)
{
    struct net_conn *c = net_conn_get(h);
    if (!c || c->state != NET_IPC) return -1;
    J slot = 0;
    while (slot < c->held_n && c->held[slot]) slot++;
    if (slot == c->held_n) return -1;   /* no deferred request waiting */
    c->held[slot] = r1(x);
    c->busy++;
    if (slot == 0) net_conn_release_held(c);
    int rc = c->is_dead ? -1 : 0;
    net_conn_release(c);
    return rc;
}

int net_conn_process(struct net_conn *c)
{
    c->busy++;
    int rc = 0;
    while (!c->is_dead && !c->in_call) {
        K x;
        int msg_type;
        int got = net_conn_take(c, &x, &msg_type);
        if (got == 0) break;
        if (got < 0) { net_conn_close(c, 1, "malformed message"); break; }
        if (got == 2) continue;   /* taken by the bytes fast path */
        net_conn_dispatch(c, msg_type, x);
        if (!c->is_dead && c->is_read_paused) break;
    }
    if (c->is_dead) rc = -1;
    net_conn_release(c);
    return rc;
}

/* ---- output ------------------------------------------------------------------------ */

static void net_ref_cleanup(const void *data, size_t len, void *arg)
{
    (void)data; (void)len;
    r0(arg);
}

/* A large plain vector goes out as header + 6 bytes + a reference to its items, so
 * the items are never copied (bench/net (c)). Symbols and lists are not flat. */
static int net_is_flat_vector(K x)
{
    return x->t > 0 && x->t <= KT && x->t != KS && x->m == K_MEM_HEAP;
}

static int net_queue_by_ref(struct net_conn *c, int msg_type, K x, J body)
{
    G head[SER_HDR_BYTES + NET_VECTOR_HDR_BYTES];
    int32_t count = (int32_t)x->n;
    ser_header_write(head, msg_type, 0, SER_HDR_BYTES + body);
    head[SER_HDR_BYTES] = (G)x->t;
    head[SER_HDR_BYTES + 1] = (G)x->a;
    memcpy(head + SER_HDR_BYTES + 2, &count, sizeof count);
    if (evbuffer_add(c->out, head, sizeof head)) return -1;
    size_t items = (size_t)(body - NET_VECTOR_HDR_BYTES);
    if (evbuffer_add_reference(c->out, kG(x), items, net_ref_cleanup, r1(x))) { r0(x); return -1; }
    return 0;
}

/* Encode straight into reserved space of the output buffer. */
static int net_queue_plain(struct net_conn *c, int msg_type, K x, J body)
{
    J total = SER_HDR_BYTES + body;
    struct evbuffer_iovec vec;
    if (evbuffer_reserve_space(c->out, (ev_ssize_t)total, &vec, 1) != 1) return -1;
    G *p = vec.iov_base;
    ser_header_write(p, msg_type, 0, total);
    ser_body_write(x, p + SER_HDR_BYTES);
    vec.iov_len = (size_t)total;
    return evbuffer_commit_space(c->out, &vec, 1);
}

int net_conn_queue(struct net_conn *c, int msg_type, K x, K *err)
{
    K fail = NULL;
    J body = ser_body_size(x, c->capability, &fail);
    if (body < 0) {
        if (err) *err = fail;
        else r0(fail);
        return -1;
    }
    J total = SER_HDR_BYTES + body;
    int may_compress = c->capability >= 1 && total > COMPRESS_MIN_BYTES &&
                       (!c->is_local || net_all.cfg.compress_local);
    int rc;
    if (may_compress) {
        K msg = ser_encode(x, msg_type, c->capability, 1);
        if (msg->t != KG) {
            if (err) *err = msg;
            else r0(msg);
            return -1;
        }
        rc = evbuffer_add_reference(c->out, kG(msg), (size_t)msg->n, net_ref_cleanup, msg);
        if (rc) r0(msg);
    } else if (total >= NET_REF_MIN_BYTES && net_is_flat_vector(x)) {
        rc = net_queue_by_ref(c, msg_type, x, body);
    } else {
        rc = net_queue_plain(c, msg_type, x, body);
    }
    if (rc) {
        if (err) *err = krr("wsfull");
        return -1;
    }
    return net_conn_check_out(c);
}

int net_conn_check_out(struct net_conn *c)
{
    J queued = (J)evbuffer_get_length(c->out);
    if (queued > net_all.cfg.max_out_bytes) {
        log_warn("net: %s (handle %d) has %lld bytes queued, over the limit %lld; closing",
                 c->peer, c->fd, (long long)queued, (long long)net_all.cfg.max_out_bytes);
        net_conn_close(c, 1, "output queue over the limit");
        return 0;   /* the message was accepted; the peer is what failed */
    }
    if (queued > net_all.cfg.throttle_out_bytes && !c->is_read_paused && c->ev_read) {
        /* A peer that sends requests but never reads responses: stop reading it. */
        /* One line per connection: a client of large results would repeat it per query. */
        log_write(c->throttle_n++ ? LOG_DEBUG : LOG_INFO,
                  "net: throttling %s (handle %d): %lld bytes queued; not reading it until they drain",
                  c->peer, c->fd, (long long)queued);
        event_del(c->ev_read);
        c->is_read_paused = 1;
    }
    if (queued) net_conn_watch_write(c);
    return 0;
}

int net_conn_write_now(struct net_conn *c)
{
    while (evbuffer_get_length(c->out) > 0) {
        int wrote = evbuffer_write(c->out, c->fd);
        if (wrote < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
            net_conn_close(c, 1, strerror(errno));
            return -1;
        }
        if (wrote == 0) break;
    }
    J queued = (J)evbuffer_get_length(c->out);
    if (queued == 0) {
        if (c->ev_write) event_del(c->ev_write);
        c->is_write_armed = 0;
        if (c->close_after_write) { net_conn_close(c, 1, NULL); return -1; }
    } else {
        net_conn_watch_write(c);
    }
    if (c->is_read_paused && queued <= net_all.cfg.throttle_out_bytes / 2 && c->ev_read) {
        c->is_read_paused = 0;
        event_add(c->ev_read, NULL);
        /* Requests that arrived before the pause are still buffered. */
        if (c->state == NET_IPC && net_conn_process(c)) return -1;
        if (c->state == NET_HTTP && http_conn_process(c)) return -1;
    }
    return 0;
}

static long net_ms_left(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long)(deadline->tv_sec - now.tv_sec) * NET_MS_PER_S +
           (deadline->tv_nsec - now.tv_nsec) / (NET_MS_PER_S * NET_MS_PER_S);
}

int net_conn_flush_blocking(struct net_conn *c, int timeout_ms)
{
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / NET_MS_PER_S;
    deadline.tv_nsec += (long)(timeout_ms % NET_MS_PER_S) * NET_MS_PER_S * NET_MS_PER_S;
    while (!c->is_dead && evbuffer_get_length(c->out) > 0) {
        if (net_conn_write_now(c)) return -1;
        if (!evbuffer_get_length(c->out)) break;
        long wait_ms = timeout_ms > 0 ? net_ms_left(&deadline) : -1;
        if (timeout_ms > 0 && wait_ms <= 0) { errno = ETIMEDOUT; return -1; }
        struct pollfd p = { .fd = c->fd, .events = POLLOUT };
        if (poll(&p, 1, (int)wait_ms) < 0 && errno != EINTR) return -1;
    }
    return c->is_dead ? -1 : 0;
}

/* Queue an encoded message shared by reference. Ownership: msg borrowed (r1'd). */
static int net_conn_queue_shared(struct net_conn *c, K msg)
{
    if (evbuffer_add_reference(c->out, kG(msg), (size_t)msg->n, net_ref_cleanup, r1(msg))) {
        r0(msg);
        return -1;
    }
    return net_conn_check_out(c);
}

/* One encode for a publish to many handles: a scratch buffer that grows geometrically
 * and is kept, so a small message costs no allocation (style.md §9). */
static G *net_scratch;
static J net_scratch_cap;

static G *net_scratch_reserve(J n)
{
    if (n <= net_scratch_cap) return net_scratch;
    J cap = net_scratch_cap ? net_scratch_cap : 4096;
    while (cap < n) cap *= 2;
    G *p = realloc(net_scratch, (size_t)cap);
    if (!p) return NULL;
    net_scratch = p;
    net_scratch_cap = cap;
    return p;
}

void net_scratch_free(void)
{
    free(net_scratch);
    net_scratch = NULL;
    net_scratch_cap = 0;
}

/* The live IPC connection of h that a publish goes to, or NULL. */
static struct net_conn *net_send_target(int h)
{
    struct net_conn *c = net_conn_get(h);
    return c && c->state == NET_IPC ? c : NULL;
}

/* Queue bytes already encoded (copied: small messages ride in the output buffer's
 * chains with no allocation of their own). */
static int net_conn_queue_copy(struct net_conn *c, const G *msg, J n)
{
    if (evbuffer_add(c->out, msg, (size_t)n)) return -1;
    return net_conn_check_out(c);
}

/* After queueing to c: write at once when there is no loop. Returns 1 when sent. */
static int net_send_one_done(struct net_conn *c, int rc)
{
    int sent = !rc && !c->is_dead;
    if (!net_all.base && !c->is_dead) (void)net_conn_write_now(c);   /* no loop: write now */
    return sent;
}

int net_send_many(const int *hs, int n, int msg_type, K x, K *err)
{
    int cap = SER_MAX_CAPABILITY, any_remote = 0, live = 0;
    struct net_conn *only = NULL;
    for (int i = 0; i < n; i++) {
        struct net_conn *c = net_send_target(hs[i]);
        if (!c) continue;
        if (c->capability < cap) cap = c->capability;
        any_remote |= !c->is_local || net_all.cfg.compress_local;
        live++;
        only = c;
    }
    if (!live) return 0;
    K fail = NULL;
    J body = ser_body_size(x, cap, &fail);
    if (body < 0) {
        if (err) *err = fail;
        else r0(fail);
        return -1;
    }
    J total = SER_HDR_BYTES + body;
    int may_compress = any_remote && cap >= 1 && total > COMPRESS_MIN_BYTES;
    if (!may_compress && total < NET_REF_MIN_BYTES) {
        /* Small and plain: one subscriber gets it encoded straight into its output
         * buffer; several share one encode in the scratch buffer, copied to each. */
        if (live == 1) {
            only->busy++;
            int sent = net_send_one_done(only, net_conn_queue(only, msg_type, x, NULL));
            net_conn_release(only);
            return sent;
        }
        G *p = net_scratch_reserve(total);
        if (!p) {
            if (err) *err = krr("wsfull");
            return -1;
        }
        ser_header_write(p, msg_type, 0, total);
        ser_body_write(x, p + SER_HDR_BYTES);
        int sent = 0;
        for (int i = 0; i < n; i++) {
            struct net_conn *c = net_send_target(hs[i]);
            if (!c) continue;
            c->busy++;
            sent += net_send_one_done(c, net_conn_queue_copy(c, p, total));
            net_conn_release(c);
        }
        return sent;
    }
    /* Large, or compressed for remote peers: encoded once into a vector that every
     * output buffer references (evbuffer_add_reference), never copied. */
    K plain = ser_encode(x, msg_type, cap, 0);
    if (plain->t != KG) {
        if (err) *err = plain;
        else r0(plain);
        return -1;
    }
    K packed = may_compress ? ser_encode(x, msg_type, cap, 1) : r1(plain);
    if (packed->t != KG) { r0(packed); packed = r1(plain); }
    int sent = 0;
    for (int i = 0; i < n; i++) {
        struct net_conn *c = net_send_target(hs[i]);
        if (!c) continue;
        int wants_packed = c->capability >= 1 && (!c->is_local || net_all.cfg.compress_local);
        c->busy++;
        sent += net_send_one_done(c, net_conn_queue_shared(c, wants_packed ? packed : plain));
        net_conn_release(c);
    }
    r0(plain);
    r0(packed);
    return sent;
}

/* Queue msg (or, for remote peers, packed when not NULL) on every handle in hs: by
 * reference when shared is set, else copied. Returns handles queued on. */
static int net_send_prepared(const int *hs, int n, const G *msg, J len, K shared, K packed)
{
    int sent = 0;
    for (int i = 0; i < n; i++) {
        struct net_conn *c = net_send_target(hs[i]);
        if (!c) continue;
        int wants_packed = packed && c->capability >= 1 && (!c->is_local || net_all.cfg.compress_local);
        c->busy++;
        int rc = wants_packed ? net_conn_queue_shared(c, packed)
               : shared ? net_conn_queue_shared(c, shared) : net_conn_queue_copy(c, msg, len);
        sent += net_send_one_done(c, rc);
        net_conn_release(c);
    }
    return sent;
}

/* The compressed form of msg when some target is remote and it is worth it, or NULL. */
static K net_pack_for(const int *hs, int n, const G *msg, J len)
{
    int any_remote = 0;
    for (int i = 0; i < n; i++) {
        struct net_conn *c = net_send_target(hs[i]);
        if (c) any_remote |= c->capability >= 1 && (!c->is_local || net_all.cfg.compress_local);
    }
    if (!any_remote || len <= COMPRESS_MIN_BYTES) return NULL;
    K packed = ktn(KG, len / 2);
    size_t got = packed ? compress_msg(msg, (size_t)len, kG(packed)) : 0;
    if (got) packed->n = (J)got;
    else { r0(packed); packed = NULL; }
    return packed;
}

int net_send_bytes_many(const int *hs, int n, const G *msg, J len)
{
    K shared = NULL;
    if (len >= NET_REF_MIN_BYTES) {   /* large: one copy, referenced by every buffer */
        shared = ktn(KG, len);
        if (!shared) return -1;
        memcpy(kG(shared), msg, (size_t)len);
    }
    K packed = net_pack_for(hs, n, msg, len);
    int sent = net_send_prepared(hs, n, msg, len, shared, packed);
    r0(packed);
    r0(shared);
    return sent;
}

int net_send_shared_many(const int *hs, int n, K msg)
{
    K packed = net_pack_for(hs, n, kG(msg), msg->n);
    int sent = net_send_prepared(hs, n, kG(msg), msg->n, msg, packed);
    r0(packed);
    return sent;
}
