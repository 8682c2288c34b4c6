/* net_int.h: declarations shared by the files of common/net/ only: the connection
 * record, the process-wide transport state, and the internal steps (read, frame,
 * queue, write, dispatch, HTTP). Public API is net.h. SPDX-License-Identifier: MIT */
#ifndef TICK_NET_INT_H
#define TICK_NET_INT_H

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "auth.h"
#include "log.h"
#include "net.h"
#include "compress.h"
#include "ser.h"

#define NET_READ_BYTES 65536          /* one read(2) into the input buffer */
#define NET_BIG_MSG_BYTES (1 << 20)   /* messages above this are read into their own buffer */
#define NET_REF_MIN_BYTES 65536       /* plain vectors above this are sent by reference */
#define NET_VECTOR_HDR_BYTES 6       /* type, attribute, int32 count (§3.4) */
#define NET_PEER_BYTES 64             /* "address:port" text for logs */
#define NET_ERR_BYTES 256
#define NET_MS_PER_S 1000

enum net_state {
    NET_SNIFF,      /* accepted; deciding IPC / HTTP / TLS from the first bytes */
    NET_HANDSHAKE,  /* IPC; waiting for the handshake's NUL */
    NET_IPC,        /* framed messages both ways */
    NET_HTTP,       /* HTTP/1.1 requests */
};

struct net_conn {
    int fd;                  /* socket; also the handle (.z.w), as in kdb+ */
    enum net_state state;    /* protocol stage */
    int is_client;           /* opened by net_hopen (not accepted) */
    int is_local;            /* peer on this host: never compress (§4.1) */
    int capability;          /* negotiated, 0..SER_MAX_CAPABILITY */
    int is_dead;             /* closed; freed once busy drops to 0 */
    int busy;                /* callbacks on the stack that still use this record */
    int is_read_paused;      /* reading stopped: output queue over the throttle */
    J throttle_n;            /* times reading was paused (only the first is logged) */
    int close_after_write;   /* HTTP Connection: close — close once output drains */
    int in_call;             /* a net_call/net_receive is waiting on this handle */
    int is_blocking;         /* client socket in blocking mode (no event loop) */
    int in_read_cb;          /* inside the read callback, which writes once at its end:
                                no write event needed (saves two epoll_ctl per reply) */
    int is_write_armed;      /* ev_write is added (cleared when out drains) */
    J http_requests_n;       /* HTTP requests answered on this connection */
    K *held;                 /* responses waiting behind a deferred one, in request
                                order; NULL slots await net_respond (§5.6) */
    J held_n;                /* slots in use */
    J held_cap;              /* slots allocated */
    uint32_t addr;           /* peer IPv4, host order; 0 for others */
    char user[NET_HANDSHAKE_MAX_BYTES + 1]; /* handshake user name (.z.u) */
    char peer[NET_PEER_BYTES];              /* "ip:port" for log lines */
    struct evbuffer *in;     /* bytes read, not yet framed */
    struct evbuffer *out;    /* bytes queued, not yet written */
    G *big;                  /* a large message being read straight into place: a
                                malloc'd whole message, or the items of big_vec */
    J big_have;              /* bytes of big filled */
    J big_need;              /* bytes big must hold */
    K big_vec;               /* a large flat vector being read into its own items */
    int big_msg_type;        /* message type of big_vec's message */
    int big_is_little;       /* byte order of big_vec's message */
    struct event *ev_read;   /* persistent read event (loop mode only) */
    struct event *ev_write;  /* write event, added while out is not empty */
    struct event *ev_timer;  /* handshake deadline (server side only) */
};

/* Process-wide transport state. Handles are process-wide in kdb+ (one table for
 * accepted and opened connections), so this is the one place they live; set up by
 * net_init and torn down by net_fini. */
struct net_state_all {
    struct event_base *base;       /* NULL: blocking client use only */
    struct net_handler handler;    /* the process's callbacks */
    struct net_config cfg;         /* limits */
    struct evconnlistener *listener;
    int port;                      /* bound port; 0 when not listening */
    struct net_conn **conns;       /* indexed by fd; conns_cap slots */
    int conns_cap;
    struct auth_table *auth;       /* -u/-U file, or NULL */
    char *password_file;           /* cfg.password_file, copied */
    net_text_fn text_fn;           /* HTTP txt/html renderer */
    net_bytes_fn bytes_fn;         /* fast path ahead of decoding, or NULL */
    struct evbuffer *http_capture; /* while net_http_builtin composes an answer for q,
                                      responses go here instead of to a socket */
    const struct net_http_request *http_current; /* the request whose hook runs, if any */
    char errmsg[NET_ERR_BYTES];    /* last system error text */
};
extern struct net_state_all net_all;

/* net.c */
void net_err_set(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
struct net_conn *net_conn_new(int fd, int is_client);
/* Close c: unregister, close the socket, run on_close for server IPC connections when
 * run_hook; free when nobody is using it. */
void net_conn_close(struct net_conn *c, int run_hook, const char *why);
void net_conn_release(struct net_conn *c);   /* busy--, free if dead and unused */
void net_conn_watch_write(struct net_conn *c);
const struct net_config *net_cfg(void);

/* net_io.c */
/* Read what the socket has into c (input buffer or big buffer). Returns bytes read,
 * 0 at end of file, -1 on error, -2 when nothing is available now. */
long net_conn_read(struct net_conn *c);
/* Take the next complete message: 1 and *x (new), *msg_type; 2 when bytes_fn took it;
 * 0 when more bytes are needed; -1 when malformed (logged; caller closes). */
int net_conn_take(struct net_conn *c, K *x, int *msg_type);
/* Decode and dispatch every complete message; returns -1 when c was closed. */
int net_conn_process(struct net_conn *c);
/* Dispatch one message through the handler; a sync one gets its response queued.
 * Ownership: x consumed. */
void net_conn_dispatch(struct net_conn *c, int msg_type, K x);
/* Queue the response r to the oldest sync request, honouring deferred ones.
 * Ownership: r consumed (NULL means generic null). */
void net_conn_respond(struct net_conn *c, K r);
/* Drop held responses (connection closing). */
void net_conn_held_free(struct net_conn *c);
/* Encode x as a message and queue it. Returns 0, or -1 with *err (new) when x has no
 * wire form for the peer. Ownership: x borrowed. */
int net_conn_queue(struct net_conn *c, int msg_type, K x, K *err);
/* Write what the kernel takes now; returns -1 on a socket error (c closed). */
int net_conn_write_now(struct net_conn *c);
/* Block (poll) until out is empty or timeout_ms passes (<= 0: forever). 0 or -1. */
int net_conn_flush_blocking(struct net_conn *c, int timeout_ms);
/* Free net_send_many's encode buffer (net_fini). */
void net_scratch_free(void);
/* Apply the output limits after queueing: pause reading, or close a slow peer. */
int net_conn_check_out(struct net_conn *c);

/* http.c */
/* Handle the HTTP bytes in c->in: parse complete requests and queue responses.
 * Returns -1 when c was closed. */
int http_conn_process(struct net_conn *c);

/* http_fmt.c: renderers. Ownership: x borrowed; returns a new char vector, or NULL
 * when out of memory. */
K http_fmt_text(K x);
K http_fmt_csv(K x);
K http_fmt_json(K x);
K http_fmt_html_escape(const char *text, J n);

#endif
