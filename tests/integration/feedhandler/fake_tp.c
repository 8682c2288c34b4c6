/* fake_tp.c: stand-in tickerplant for the feed tests: counts and hashes (`.u.upd;t;data)
 * per schema table, answers "" and "counts", publishes (`upd;t;data) to .u.sub clients;
 * on SIGTERM closes each feed right after answering its next "", then prints its counts.
 * Usage: fake_tp PORT SCHEMA [HASH] (PORT 0 picks one; prints "PORT n" first).
 * SPDX-License-Identifier: MIT */
#include <event2/event.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "k.h"
#include "net.h"
#include "ser.h"

#define FAKE_MAX_TABLES 16
#define FAKE_MAX_SUBS 16
#define FAKE_GRACE_MS 3000                      /* after SIGTERM, close everything by then */
#define FAKE_FNV_OFFSET 0xcbf29ce484222325ULL   /* FNV-1a 64 */
#define FAKE_FNV_PRIME 0x100000001b3ULL
#define FAKE_COUNTS_BYTES 512
#define FAKE_MS_PER_S 1000

static struct fake {
    struct event_base *base;
    K schema;                         /* dictionary table name -> empty table */
    J rows[FAKE_MAX_TABLES];          /* rows received per schema table */
    J messages;                       /* .u.upd messages counted */
    J bad;                            /* messages that did not fit the schema */
    uint64_t hash;                    /* FNV-1a over table names and encoded data, in order */
    int is_stopping;                  /* SIGTERM seen */
    struct event *check;              /* while stopping: are all connections gone? */
    int n_subs;                       /* subscribers */
    struct { int handle; S table; } subs[FAKE_MAX_SUBS];   /* table "" = all */
} fake;

static void fake_hash(const void *bytes, size_t n)
{
    const G *p = bytes;
    for (size_t i = 0; i < n; i++) fake.hash = (fake.hash ^ p[i]) * FAKE_FNV_PRIME;
}

/* Is x the symbol or string name? Ownership: x borrowed. */
static int is_name(K x, const char *name)
{
    if (x->t == -KS) return !strcmp(x->s, name);
    return x->t == KC && x->n == (J)strlen(name) && !memcmp(kC(x), name, (size_t)x->n);
}

/* Does data (a list of columns) fit table t: same count and types, time optional?
 * Ownership: t and data borrowed. */
static int fits(K t, K data)
{
    K types = kK(t->k)[1];
    J skip = data->n == types->n - 1 ? 1 : 0;
    if (data->t != 0 || data->n != types->n - skip || data->n == 0) return 0;
    for (J c = 0; c < data->n; c++)
        if (kK(data)[c]->t != kK(types)[c + skip]->t || kK(data)[c]->n != kK(data)[0]->n) return 0;
    return 1;
}

/* Count, hash and publish one update. Ownership: table and data borrowed. */
static void on_upd(K table, K data)
{
    K names = kK(fake.schema)[0];
    J t = -1;
    for (J k = 0; k < names->n && k < FAKE_MAX_TABLES; k++)
        if (table->t == -KS && !strcmp(kS(names)[k], table->s)) t = k;
    if (t < 0 || !fits(kK(kK(fake.schema)[1])[t], data)) {
        fake.bad++;
        return;
    }
    fake.rows[t] += kK(data)[0]->n;
    K upd = knk(3, ks("upd"), ks(table->s), r1(data));
    for (int k = 0; k < fake.n_subs; k++)
        if (!*fake.subs[k].table || fake.subs[k].table == table->s)
            (void)net_send(fake.subs[k].handle, 0, upd, NULL);   /* a gone subscriber is dropped in on_close */
    r0(upd);
    fake.messages++;
    fake_hash(table->s, strlen(table->s));
    K bytes = b9(3, data);
    if (bytes->t == KG) fake_hash(kG(bytes), (size_t)bytes->n);
    r0(bytes);
}

/* .u.sub[t;syms]: remember the handle; answer (t; empty table), or all of them for `.
 * Ownership: table borrowed; returns new. */
static K on_sub(struct net_conn *c, K table)
{
    if (table->t != -KS || fake.n_subs == FAKE_MAX_SUBS) return krr("type");
    K names = kK(fake.schema)[0], tables = kK(fake.schema)[1], all = ktn(0, 0);
    for (J k = 0; k < names->n; k++)
        if (!*table->s || kS(names)[k] == table->s) jk(&all, knk(2, ks(kS(names)[k]), r1(kK(tables)[k])));
    if (!all->n) { r0(all); return krr(table->s); }
    fake.subs[fake.n_subs].handle = net_conn_handle(c);
    fake.subs[fake.n_subs++].table = table->s;
    if (!*table->s) return all;
    K one = r1(kK(all)[0]);
    r0(all);
    return one;
}

static void on_close(struct net_conn *c)
{
    for (int k = 0; k < fake.n_subs; k++)
        if (fake.subs[k].handle == net_conn_handle(c)) fake.subs[k--] = fake.subs[--fake.n_subs];
}

/* The counts line as a string. Ownership: returns new. */
static K counts_text(void)
{
    char text[FAKE_COUNTS_BYTES];
    int n = snprintf(text, sizeof text, "received");
    K names = kK(fake.schema)[0];
    for (J k = 0; k < names->n && k < FAKE_MAX_TABLES; k++)
        n += snprintf(text + n, sizeof text - (size_t)n, " %s=%lld", kS(names)[k], (long long)fake.rows[k]);
    snprintf(text + n, sizeof text - (size_t)n, " messages=%lld bad=%lld subs=%d hash=%016" PRIx64,
             (long long)fake.messages, (long long)fake.bad, fake.n_subs, fake.hash);
    return kp(text);
}

static void close_after_answer(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    int h = (int)(intptr_t)arg;
    if (net_respond(h, k_identity()) == 0) (void)net_flush(h);   /* a gone peer needs nothing */
    (void)net_hclose(h);
}

/* .z.ps/.z.pg: updates, "" confirmations, "counts", .u.sub.
 * Ownership: msg borrowed; returns new (or the deferred sentinel). */
static K on_message(struct net_conn *c, int msg_type, K msg)
{
    if (msg_type == 0 && msg->t == 0 && msg->n == 3 && is_name(kK(msg)[0], ".u.upd")) {
        on_upd(kK(msg)[1], kK(msg)[2]);
        return NULL;
    }
    if (msg_type == 0) { fake.bad++; return NULL; }
    if (is_name(msg, "counts")) return counts_text();
    if (msg->t == 0 && msg->n == 3 && is_name(kK(msg)[0], ".u.sub")) return on_sub(c, kK(msg)[1]);
    if (msg->t == KC && msg->n == 0) {
        if (!fake.is_stopping) return NULL;
        /* Stopping: answer this confirmation, then close, so nothing is half-counted. */
        int h = net_conn_handle(c);
        if (event_base_once(fake.base, -1, EV_TIMEOUT, close_after_answer, (void *)(intptr_t)h, NULL))
            return NULL;
        return net_deferred();
    }
    return krr("nyi");
}

static void on_grace_end(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    event_base_loopbreak(fake.base);
}

static void on_check_done(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    K hs = net_handles();
    if (hs->n == 0) event_base_loopbreak(fake.base);
    r0(hs);
}

static void on_term(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    if (fake.is_stopping) return;
    fake.is_stopping = 1;
    net_unlisten();
    struct timeval grace = { FAKE_GRACE_MS / FAKE_MS_PER_S, 0 }, tick = { 0, FAKE_MS_PER_S * 10 };
    (void)event_base_once(fake.base, -1, EV_TIMEOUT, on_grace_end, NULL, &grace);
    fake.check = event_new(fake.base, -1, EV_PERSIST, on_check_done, NULL);
    if (fake.check) (void)event_add(fake.check, &tick);   /* without it the grace timer ends us */
}

int main(int argc, char **argv)
{
    if (argc < 3) { fprintf(stderr, "usage: fake_tp PORT SCHEMA [HASH]\n"); return 2; }
    char err[CFG_ERR_BYTES];
    if (!(fake.schema = cfg_schema_load(argv[2], err))) { fprintf(stderr, "fake_tp: %s\n", err); return 2; }
    fake.hash = argc > 3 ? strtoull(argv[3], NULL, 16) : FAKE_FNV_OFFSET;
    fake.base = event_base_new();
    struct net_handler h = { .on_message = on_message, .on_close = on_close };
    if (!fake.base || net_init(fake.base, &h, NULL)) { fprintf(stderr, "fake_tp: init failed\n"); return 2; }
    int port = net_listen(argv[1]);
    if (port < 0) { fprintf(stderr, "fake_tp: %s\n", net_errmsg()); return 2; }
    printf("PORT %d\n", port);
    fflush(stdout);
    struct event *term = evsignal_new(fake.base, SIGTERM, on_term, NULL);
    struct event *intr = evsignal_new(fake.base, SIGINT, on_term, NULL);
    if (!term || !intr || event_add(term, NULL) || event_add(intr, NULL)) return 2;
    event_base_dispatch(fake.base);
    K text = counts_text();
    printf("%.*s\n", (int)text->n, (char *)kC(text));
    fflush(stdout);
    r0(text);
    net_fini();
    if (fake.check) event_free(fake.check);
    event_free(term);
    event_free(intr);
    event_base_free(fake.base);
    r0(fake.schema);
    tk_sym_fini();
    return 0;
}
