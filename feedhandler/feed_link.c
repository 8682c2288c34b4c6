/* feed_link.c: the tickerplant link of the feed handler (feed_link.h): ring of
 * messages, async sends, `h""` confirmations, reconnect with backoff, drop counting.
 * The wire is common/net (net_hopen, net_send, net_call). SPDX-License-Identifier: MIT */
#include "feed_link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "net.h"
#include "ser.h"

#define FEED_LINK_FIRST_CAP 64                 /* ring slots allocated at first */
#define FEED_LINK_BACKOFF_FIRST_MS 100         /* first reconnect delay; doubles each time */
#define FEED_LINK_ACK_BYTES (256 * 1024)       /* confirm at least every this many bytes:
                                                  below client.c's 1 MiB automatic flush,
                                                  which would block without a timeout */
#define FEED_LINK_MS_PER_S 1000L
#define FEED_LINK_NS_PER_MS 1000000L

long feed_link_now_ms(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return now.tv_sec * FEED_LINK_MS_PER_S + now.tv_nsec / FEED_LINK_NS_PER_MS;
}

int feed_link_init(struct feed_link *l, const char *host, int port, const S *tables, int n_tables)
{
    memset(l, 0, sizeof *l);
    snprintf(l->host, sizeof l->host, "%s", host && *host ? host : "localhost");
    l->port = port;
    l->n_tables = n_tables < FEED_LINK_MAX_TABLES ? n_tables : FEED_LINK_MAX_TABLES;
    for (int t = 0; t < l->n_tables; t++) l->tables[t] = tables[t];
    l->backoff_ms = FEED_LINK_BACKOFF_FIRST_MS;
    l->next_try_ms = feed_link_now_ms();
    l->queue = calloc(FEED_LINK_FIRST_CAP, sizeof *l->queue);
    l->queue_cap = FEED_LINK_FIRST_CAP;
    return l->queue ? 0 : -1;
}

static struct feed_link_msg *slot(const struct feed_link *l, J k)
{
    return &l->queue[(l->queue_head + k) % l->queue_cap];
}

void feed_link_fini(struct feed_link *l)
{
    for (J k = 0; k < l->queue_n; k++) r0(slot(l, k)->msg);
    free(l->queue);
    if (l->handle) (void)net_hclose(l->handle);   /* nothing queued on it: all confirmed or dropped */
    memset(l, 0, sizeof *l);
}

int feed_link_has_room(const struct feed_link *l, J rows)
{
    return l->queue_n == 0 || l->queue_rows + rows <= l->buffer_rows;
}

static int grow(struct feed_link *l)
{
    J cap = l->queue_cap * 2;
    struct feed_link_msg *q = malloc((size_t)cap * sizeof *q);
    if (!q) return -1;
    for (J k = 0; k < l->queue_n; k++) q[k] = *slot(l, k);
    free(l->queue);
    l->queue = q;
    l->queue_cap = cap;
    l->queue_head = 0;
    return 0;
}

int feed_link_push(struct feed_link *l, int table, K data, J rows)
{
    if (!feed_link_has_room(l, rows)) {
        if (!l->dropped_rows)
            log_warn("feedhandler: buffer full (%lld rows, --buffer-rows %lld); dropping rows (counted)",
                     (long long)l->queue_rows, (long long)l->buffer_rows);
        l->dropped_rows += rows;
        r0(data);
        return 0;
    }
    if (l->queue_n == l->queue_cap && grow(l)) { r0(data); return -1; }
    *slot(l, l->queue_n) = (struct feed_link_msg){ knk(3, ks(".u.upd"), ks(l->tables[table]), data), table, rows };
    l->queue_n++;
    l->queue_rows += rows;
    return 1;
}

J feed_link_pending_rows(const struct feed_link *l) { return l->queue_rows; }

void feed_link_drop_all(struct feed_link *l)
{
    for (J k = 0; k < l->queue_n; k++) {
        l->dropped_rows += slot(l, k)->rows;
        r0(slot(l, k)->msg);
    }
    l->queue_n = l->queue_sent = l->queue_rows = l->queue_head = 0;
}

/* The connection failed: everything sent but unconfirmed goes again after reconnect. */
static void link_lost(struct feed_link *l, const char *why)
{
    J rows = 0;
    for (J k = 0; k < l->queue_sent; k++) rows += slot(l, k)->rows;
    log_warn("feedhandler: lost the tickerplant %s:%d (%s); %lld unconfirmed messages (%lld rows) will be resent",
             l->host, l->port, why, (long long)l->queue_sent, (long long)rows);
    if (net_conn_get(l->handle)) (void)net_hclose(l->handle);   /* already failed: nothing to flush */
    l->resent_msgs += l->queue_sent;
    l->handle = 0;
    l->queue_sent = 0;
    l->attempts = 0;
    l->backoff_ms = FEED_LINK_BACKOFF_FIRST_MS;
    l->next_try_ms = feed_link_now_ms() + l->backoff_ms;
}

/* Try once to connect. Returns 1 connected, 0 not (next attempt scheduled, logged). */
static int link_connect(struct feed_link *l)
{
    int h = net_hopen(l->host, l->port, l->credentials, l->connect_timeout_ms);
    if (h > 0) {
        if (l->connects || l->attempts)
            log_info("feedhandler: connected to %s:%d after %lld failed attempts; sending %lld queued messages "
                     "(%lld rows); %lld rows dropped so far", l->host, l->port, (long long)l->attempts,
                     (long long)l->queue_n, (long long)l->queue_rows, (long long)l->dropped_rows);
        else
            log_info("feedhandler: connected to %s:%d", l->host, l->port);
        l->handle = h;
        l->connects++;
        l->attempts = 0;
        l->backoff_ms = FEED_LINK_BACKOFF_FIRST_MS;
        return 1;
    }
    l->attempts++;
    const char *why = h == NET_HOPEN_ACCESS ? "access refused" : net_errmsg();
    log_warn("feedhandler: connection attempt %lld to %s:%d failed (%s); next in %ld ms",
             (long long)l->attempts, l->host, l->port, why, l->backoff_ms);
    l->next_try_ms = feed_link_now_ms() + l->backoff_ms;
    l->backoff_ms = l->backoff_ms * 2 < l->backoff_max_ms ? l->backoff_ms * 2 : l->backoff_max_ms;
    return 0;
}

/* Ask the TP to confirm everything sent (sync ""); on an answer, count and free the
 * confirmed messages. Returns 0, or -1 when the link was lost. */
static int link_ack(struct feed_link *l)
{
    K ping = ktn(KC, 0);
    K r = net_call(l->handle, ping, l->ack_timeout_ms);
    r0(ping);
    if (!net_conn_get(l->handle)) {
        /* net_call closes the handle on every network failure ('close, 'timeout). */
        char why[FEED_LINK_HOST_BYTES];
        snprintf(why, sizeof why, "no answer to the confirming \"\": '%s", r->t == KERR ? r->s : "?");
        r0(r);
        link_lost(l, why);
        return -1;
    }
    if (r->t == KERR) log_warn("feedhandler: the tickerplant answered the confirming \"\" with '%s", r->s);
    r0(r);
    for (J k = 0; k < l->queue_sent; k++) {
        struct feed_link_msg *m = slot(l, k);
        l->sent_rows[m->table] += m->rows;
        l->sent_msgs++;
        l->queue_rows -= m->rows;
        r0(m->msg);
    }
    l->queue_head = (l->queue_head + l->queue_sent) % l->queue_cap;
    l->queue_n -= l->queue_sent;
    l->queue_sent = 0;
    return 0;
}

int feed_link_pump(struct feed_link *l)
{
    if (!l->handle && (feed_link_now_ms() < l->next_try_ms || !link_connect(l))) return 0;
    while (l->queue_sent < l->queue_n) {
        J bytes = 0;
        while (l->queue_sent < l->queue_n && bytes < FEED_LINK_ACK_BYTES) {
            K msg = slot(l, l->queue_sent)->msg, err = NULL;
            J size = ser_body_size(msg, SER_MAX_CAPABILITY, &err);
            if (net_send(l->handle, SER_ASYNC, msg, &err)) {
                char why[FEED_LINK_HOST_BYTES];
                snprintf(why, sizeof why, "send failed: '%s", err && err->t == KERR ? err->s : "close");
                r0(err);
                link_lost(l, why);
                return 0;
            }
            r0(err);
            bytes += size > 0 ? size : 0;
            l->queue_sent++;
        }
        if (link_ack(l)) return 0;
    }
    return 1;
}
