/* feed_link.h: the feed handler's tickerplant link: a FIFO of (`.u.upd;t;data) sent async
 * and confirmed with q's `h""` idiom (answered only after all before it was processed);
 * on loss, reconnect with backoff and resend the unconfirmed in order; rows past the
 * limit are dropped and counted. Generation is feed_gen.c / feed_csv.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_FEED_LINK_H
#define TICK_FEED_LINK_H

#include "k.h"

#define FEED_LINK_HOST_BYTES 256
#define FEED_LINK_MAX_TABLES 64

struct feed_link_msg {
    K msg;      /* (`.u.upd; `table; columns), owned */
    int table;  /* index into the link's table names */
    J rows;     /* rows it carries */
};

struct feed_link {
    char host[FEED_LINK_HOST_BYTES];  /* TP host ("" = localhost) */
    int port;                         /* TP port */
    const char *credentials;          /* "user:pass" or NULL; borrowed */
    int handle;                       /* open IPC handle, 0 while disconnected */
    struct feed_link_msg *queue;      /* ring of unconfirmed then unsent messages */
    J queue_cap, queue_head, queue_n; /* ring storage, first item, items held */
    J queue_sent;                     /* the first queue_sent items went out, unconfirmed */
    J queue_rows;                     /* rows held in the ring */
    J buffer_rows;                    /* most rows the ring may hold (--buffer-rows) */
    int ack_timeout_ms;               /* wait this long for the TP to confirm */
    int connect_timeout_ms;           /* and this long for a connection */
    long backoff_ms;                  /* the next reconnect's delay */
    long backoff_max_ms;              /* delays double up to this (--backoff-max) */
    long next_try_ms;                 /* monotonic ms of the next connection attempt */
    J attempts;                       /* failed attempts since the last success */
    int n_tables;                     /* names of the tables counted */
    S tables[FEED_LINK_MAX_TABLES];   /* interned table names */
    J sent_rows[FEED_LINK_MAX_TABLES];/* rows the TP confirmed, per table */
    J sent_msgs;                      /* messages the TP confirmed */
    J dropped_rows;                   /* rows dropped: no room, or undelivered at exit */
    J resent_msgs;                    /* messages sent again after a reconnect */
    J connects;                       /* successful connections */
};

/* Monotonic clock in ms. */
long feed_link_now_ms(void);

/* Set up l for host:port with the given table names (interned; at most
 * FEED_LINK_MAX_TABLES). Does not connect. Returns 0, or -1 when out of memory. */
int feed_link_init(struct feed_link *l, const char *host, int port, const S *tables, int n_tables);

/* Free every queued message (not counted as dropped) and close the handle. */
void feed_link_fini(struct feed_link *l);

/* Is there room for rows more rows (always true for an empty ring)? */
int feed_link_has_room(const struct feed_link *l, J rows);

/* Queue columns data for table as one (`.u.upd;`name;data) message, or drop and count
 * it when the ring has no room. Returns 1 queued, 0 dropped, -1 out of memory.
 * Ownership: data consumed. */
int feed_link_push(struct feed_link *l, int table, K data, J rows);

/* Do the link's work due now: connect when down and the backoff delay passed, send
 * the unsent messages, and confirm them with one sync "" (the ack). Returns 1 when
 * connected afterwards, 0 when down. */
int feed_link_pump(struct feed_link *l);

/* Rows queued but not yet confirmed by the TP. */
J feed_link_pending_rows(const struct feed_link *l);

/* Count everything still queued as dropped and free it (at exit). */
void feed_link_drop_all(struct feed_link *l);

#endif
