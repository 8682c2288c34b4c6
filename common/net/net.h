/* net.h: kdb+ IPC transport on libevent: listener, handshake, framing, handle table,
 * sync/async/response, HTTP on the same port, password checks, client handles (hopen)
 * and the KX C API (khpu khpun khp kclose k). Knows nothing of q: a process registers
 * a struct net_handler whose callbacks evaluate what arrives. Wire format is ser.h.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_NET_H
#define TICK_NET_H

#include <stddef.h>
#include <stdint.h>

#include "k.h"

struct event_base;
struct net_conn;   /* one connection (accepted IPC or HTTP, or opened by net_hopen) */

#define NET_DEFAULT_HOST "127.0.0.1"                 /* bind address when none given */
#define NET_DEFAULT_MAX_MSG_BYTES ((J)1 << 30)       /* largest accepted message */
#define NET_DEFAULT_THROTTLE_OUT_BYTES ((J)64 << 20) /* stop reading a peer above this */
#define NET_DEFAULT_MAX_OUT_BYTES ((J)1 << 31)       /* close a peer queued above this */
#define NET_HANDSHAKE_MAX_BYTES 1024                 /* NUL must come within this (§1.3) */
#define NET_DEFAULT_HANDSHAKE_TIMEOUT_MS 5000        /* ... and within this time */
#define NET_HTTP_MAX_LINE_BYTES 8192                 /* longer request line: 414 */
#define NET_HTTP_MAX_HEADER_BYTES 16384              /* larger header block: 413 */
#define NET_HOPEN_ACCESS 0     /* net_hopen: credentials refused (khpun's 0) */
#define NET_HOPEN_ERROR (-1)   /* connection error */
#define NET_HOPEN_TIMEOUT (-2) /* timed out */

/* The process's callbacks; any may be NULL. c is NULL for handle 0 (local calls). */
struct net_handler {
    /* A decoded sync (SER_SYNC) or async (SER_ASYNC) message: .z.pg / .z.ps.
     * Returns the response value or an error value (-128); NULL means generic null.
     * For async the result is dropped (errors logged at debug level).
     * Ownership: msg borrowed; returns new. With no callback, sync gets 'nyi. */
    K (*on_message)(struct net_conn *c, int msg_type, K msg);
    /* .z.pw: after the password file check; return 1 to accept, 0 to refuse. */
    int (*on_password)(struct net_conn *c, const char *user, const char *password);
    /* .z.po after the capability byte went out; .z.pc after the socket closed
     * (the handle and user are still readable during the call). */
    void (*on_open)(struct net_conn *c);
    void (*on_close)(struct net_conn *c);
    /* HTTP: evaluate the URL-decoded expression of GET /?expr (and .json/.csv/.txt).
     * Returns the value or an error value. Ownership: returns new. NULL: 400 'nyi. */
    K (*http_eval)(struct net_conn *c, const char *expr);
    /* HTTP GET /: the names to list, a dictionary name -> row count (a long, or null
     * for non-tables) or a symbol vector. Ownership: returns new. NULL: empty page. */
    K (*http_names)(struct net_conn *c);
    /* .z.ph / .z.pp / .z.pm: every HTTP request after authentication. target has no
     * leading '/' and is not URL-decoded; headers is a dictionary name (symbol) ->
     * value (string). Return a char vector holding the complete HTTP response, sent as
     * it is, or NULL for the built-in routes. Ownership: headers borrowed; returns new. */
    K (*http_request)(struct net_conn *c, const char *method, const char *target, K headers);
    void *ctx;   /* for the callbacks: net_ctx() returns it */
};

struct net_config {
    J max_msg_bytes;          /* largest message accepted (compressed and plain) */
    J throttle_out_bytes;     /* stop reading a peer while its output queue exceeds this */
    J max_out_bytes;          /* close a peer whose output queue exceeds this */
    int handshake_timeout_ms; /* IPC handshake or HTTP request line must arrive in this */
    int compress_local;       /* test knob: compress (§4.1) to loopback peers too */
    const char *password_file;/* -U / -u file, or NULL for none (copied by net_init) */
};

/* Fill cfg with the NET_DEFAULT_* values and no password file. */
void net_config_init(struct net_config *cfg);

/* Note: the first connection sets SIGPIPE to ignored when it has its default action,
 * so a peer closing mid-write costs only that connection (EPIPE).
 *
 * Set up the process-wide transport on base (may be NULL for a client-only program that
 * uses blocking calls). Raises RLIMIT_NOFILE's soft limit to the hard limit. h and cfg
 * are copied; either may be NULL for defaults. Returns 0, or -1 (net_errmsg()). */
int net_init(struct event_base *base, const struct net_handler *h, const struct net_config *cfg);

/* Close every connection (running on_close) and the listener; free everything. */
void net_fini(void);

/* Last system error text of net_init/net_listen/net_hopen. Borrowed, static. */
const char *net_errmsg(void);

/* The handler's ctx pointer. */
void *net_ctx(void);

/* Listen on "PORT", ":PORT" or "HOST:PORT" (default host 127.0.0.1; "0.0.0.0:PORT" for
 * all interfaces). PORT 0 picks a free port. Replaces an existing listener (\p).
 * Returns the bound port, or -1 (net_errmsg()). */
int net_listen(const char *spec);
/* Stop listening (\p 0); open connections stay. */
void net_unlisten(void);
/* The bound port, 0 when not listening. */
int net_listen_port(void);

/* Connection facts (.z.w .z.u .z.a .z.W and §5.5's record). c may be NULL (handle 0). */
int net_conn_handle(const struct net_conn *c);
const char *net_conn_user(const struct net_conn *c);      /* borrowed; "" when none */
uint32_t net_conn_addr(const struct net_conn *c);        /* IPv4, host order; 0 if none */
int net_conn_capability(const struct net_conn *c);
int net_conn_is_local(const struct net_conn *c);
int net_conn_is_http(const struct net_conn *c);
J net_conn_queued_bytes(const struct net_conn *c);       /* output bytes not yet written */
/* The connection with this handle, or NULL. Borrowed. */
struct net_conn *net_conn_get(int handle);
/* Handles of all open IPC connections, ascending, as an int vector. Returns new. */
K net_handles(void);

/* Queue x as one message of msg_type (SER_ASYNC, SER_SYNC, SER_RESPONSE) on handle h,
 * compressed per §4.1. The loop writes it (or net_flush). Returns 0, or -1 when h is
 * not an open IPC handle or x cannot be encoded for the peer (*err, if not NULL, gets
 * a new error value). Ownership: x borrowed. */
int net_send(int h, int msg_type, K x, K *err);

/* Deferred responses (q's -30!, §5.6). on_message returns net_deferred() for a sync
 * request to answer it later with net_respond(h, x) (x may be an error value).
 * Responses still go out in request order: later answers wait behind a deferred one.
 * net_respond returns 0, or -1 when h has no deferred request waiting.
 * Ownership: net_deferred returns an immortal sentinel; x borrowed. */
K net_deferred(void);
int net_respond(int h, K x);

/* Queue x once for every handle in hs[0..n) (q's -25!): encoded a single time for the
 * lowest capability among them — a small message into a kept scratch buffer (or
 * straight into the output buffer of a single handle) and copied, a large one into a
 * vector shared by reference; compressed once for remote peers. Returns how many handles it was queued on, or -1 when x cannot be encoded
 * (*err new). Ownership: x borrowed. */
int net_send_many(const int *hs, int n, int msg_type, K x, K *err);
/* A fast path ahead of decoding (the tickerplant's .u.upd): called with each complete
 * async message's bytes msg[0..n) (8-byte header included, uncompressed, either byte
 * order) from handle h. Returns 1 when it handled the message (which is then neither
 * decoded nor given to on_message), 0 for the ordinary path. NULL (the default): none.
 * Process-wide; net_fini clears it. Ownership: msg borrowed for the call. */
typedef int (*net_bytes_fn)(int h, const G *msg, J n);
void net_bytes_fn_set(net_bytes_fn fn);

/* Queue an already encoded message msg[0..len) (8-byte header included, uncompressed,
 * little-endian, valid for the handles' capability) on every handle in hs[0..n): copied
 * into each output buffer (one copy shared by reference when large), compressed once
 * for remote peers. For a publisher that composes messages from cached parts. Returns
 * how many handles it was queued on, or -1 when memory ran out. Ownership: msg borrowed. */
int net_send_bytes_many(const int *hs, int n, const G *msg, J len);
/* As net_send_bytes_many for a message already in a byte vector (KG), which every
 * output buffer references: a large publish is never copied. Ownership: msg borrowed
 * (the buffers keep references until written). */
int net_send_shared_many(const int *hs, int n, K msg);

/* Write, without blocking, what every connection with queued output can take now,
 * instead of waiting for the next poll to report the sockets writable: a process that
 * must do something between queuing and sending (the tickerplant journals first) calls
 * it once that is done, saving a poll round per message. */
void net_write_ready(void);

/* Block until everything queued on h is written (neg[h][]). Returns 0 or -1. */
int net_flush(int h);

/* Open a client handle to host:port, sending credentials ("user:pass", or NULL for the
 * login name) with capability 3. timeout_ms <= 0 waits forever. Returns the handle
 * (> 0), NET_HOPEN_ACCESS, NET_HOPEN_ERROR or NET_HOPEN_TIMEOUT. */
int net_hopen(const char *host, int port, const char *credentials, int timeout_ms);

/* Close handle h without running on_close (like q's hclose). Returns 0 or -1. */
int net_hclose(int h);

/* Sync call: flush h, send x, and wait for the response, serving async and sync
 * messages that arrive on h meanwhile through the handler. Handle 0 calls the handler
 * locally. Returns the response (possibly an error value: 'close when the peer went
 * away, 'timeout). Ownership: x borrowed; returns new. */
K net_call(int h, K x, int timeout_ms);

/* Wait for the next message on h (q's h[], KX's k(h,(S)0)); *msg_type receives its
 * type. Returns it, or an error value ('close). Ownership: returns new. */
K net_receive(int h, int *msg_type, int timeout_ms);

/* Pure protocol pieces, exposed for unit tests and fuzzing. */
enum net_proto { NET_PROTO_MORE = 0, NET_PROTO_IPC, NET_PROTO_HTTP, NET_PROTO_TLS };

/* Classify a new connection's first n bytes (§1.2). NET_PROTO_MORE: a proper prefix of
 * an HTTP method token, wait for more bytes. */
enum net_proto net_sniff(const G *bytes, size_t n);

struct net_handshake {
    char user[NET_HANDSHAKE_MAX_BYTES + 1];     /* text before the first ':' */
    char password[NET_HANDSHAKE_MAX_BYTES + 1]; /* text after it ("" when no colon) */
    int capability;                             /* client's byte; 0 when absent */
};

/* Parse an IPC handshake from bytes[0..n) (§1.3). Returns the bytes it takes, NUL
 * included (> 0), 0 when no NUL has arrived yet and n < NET_HANDSHAKE_MAX_BYTES, or -1
 * when it is invalid (no NUL within NET_HANDSHAKE_MAX_BYTES). out is written only on
 * success. */
int net_handshake_parse(const G *bytes, size_t n, struct net_handshake *out);

#define NET_HTTP_METHOD_BYTES 16
#define NET_HTTP_AUTH_BYTES 1024

struct net_http_request {
    char method[NET_HTTP_METHOD_BYTES];       /* "GET", "HEAD", "POST" ... */
    char target[NET_HTTP_MAX_LINE_BYTES + 1]; /* as sent, starting with '/' */
    char auth[NET_HTTP_AUTH_BYTES];           /* Authorization value; "" when absent */
    int keep_alive;                           /* 1.1 default, or the Connection header */
    int is_head;                              /* answer without a body */
    int is_websocket;                         /* Upgrade: websocket (answered 501) */
    long body_bytes;                          /* Content-Length (0 when absent) */
    size_t header_bytes;                      /* request line + headers + blank line */
};

/* Parse an HTTP/1.x request head from bytes[0..n) (§6.1). Returns header_bytes (> 0)
 * when the head is complete (body_bytes of body follow it), 0 when more bytes are
 * needed, or a negated status: -400 malformed (a NUL byte, no HTTP/1.x, a header line
 * without ':'), -413 head or body over the limits, -414 request line too long. */
int net_http_parse(const char *bytes, size_t n, struct net_http_request *out);

/* The whole HTTP response the built-in GET routes give target (the request target
 * without its leading '/', as .z.ph receives it): the names page, ?expr, or 404. c (may
 * be NULL) is handed to the handler's http_names/http_eval. Inside a request's
 * http_request hook, that request's keep-alive and HEAD apply. Backs the default .z.ph.
 * Returns a char vector, or NULL when memory runs out. Ownership: returns new. */
K net_http_builtin(struct net_conn *c, const char *target);

/* The HTTP text renderer for GET /?expr (html <pre>) and .txt: returns a char vector.
 * Replaceable (e.g. by the interpreter's display formatter); NULL restores the built-in
 * one. Ownership: x borrowed; returns new. */
typedef K (*net_text_fn)(K x);
void net_text_fn_set(net_text_fn fn);

/* KX C API (k.h semantics). khpun: handle > 0, 0 access refused, -1 connection error,
 * -2 timeout. khpu: no timeout; khp: empty credentials. kclose closes the handle.
 * k(h, "expr", args..., (K)0): h > 0 sync (returns the result, an error value, or
 * NULL on a network error), h < 0 async to -h (returns (K)0 on failure or a non-NULL
 * placeholder — KX returns (K)1 — here the generic null), h == 0 local through the
 * handler. k(h, (S)0) waits for the next incoming message.
 * Ownership: k consumes its K arguments; returns new (except the async placeholder,
 * which is immortal). */
I khpun(const S host, I port, const S credentials, I timeout_ms);
I khpu(const S host, I port, const S credentials);
I khp(const S host, I port);
V kclose(I h);
K k(I h, const S expr, ...);

#endif
