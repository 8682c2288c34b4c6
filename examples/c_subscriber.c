/* examples/c_subscriber.c: a tickerplant subscriber in C with the KX-style C API (k.h,
 * net.h): connect, subscribe with .u.sub, receive (`upd;table;data) messages and print
 * per-table row counts. Tested against fake_tp in tests/integration/feedhandler/.
 *
 *   c_subscriber [host]:port [table ...] [--messages N]
 *
 * With no tables it subscribes to all (.u.sub[`;`]). Each table is subscribed with
 *   k(h, ".u.sub", ks(table), ks(""), (K)0)      (q: h(".u.sub";`trade;`))
 * which answers (table; empty schema table). Then k(h, (S)0) waits for the next message
 * the tickerplant publishes: (`upd; `trade; data), data a table or a list of columns.
 * A line "received <table>=<rows>… messages=<n>" goes to stdout at most once a second
 * and at the end: after N messages, or when the tickerplant closes the connection.
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "k.h"
#include "net.h"

#define SUB_MAX_TABLES 64
#define SUB_HOST_BYTES 256
#define SUB_PRINT_EVERY_S 1
#define SUB_PORT_MAX 65535

struct sub_counts {
    int n;                        /* tables seen */
    S names[SUB_MAX_TABLES];      /* interned table names */
    J rows[SUB_MAX_TABLES];       /* rows received per table */
    J messages;                   /* upd messages received */
};

static void print_counts(const struct sub_counts *c)
{
    printf("received");
    for (int t = 0; t < c->n; t++) printf(" %s=%lld", c->names[t], (long long)c->rows[t]);
    printf(" messages=%lld\n", (long long)c->messages);
    fflush(stdout);
}

/* Rows in an update's data: a table, or a list of columns (count of the first).
 * Ownership: data borrowed. */
static J data_rows(K data)
{
    if (data->t == XT) return k_count(data);
    if (data->t == 0 && data->n > 0) return k_count(kK(data)[0]);
    return 1;   /* a single row of atoms */
}

/* Count one message if it is (`upd; `table; data). Ownership: msg borrowed. */
static void count_update(struct sub_counts *c, K msg)
{
    if (msg->t != 0 || msg->n != 3 || kK(msg)[1]->t != -KS) return;
    K fn = kK(msg)[0];
    int is_upd = (fn->t == -KS && !strcmp(fn->s, "upd")) ||
                 (fn->t == KC && fn->n == 3 && !memcmp(kC(fn), "upd", 3));
    if (!is_upd) return;
    S table = kK(msg)[1]->s;
    int t = 0;
    while (t < c->n && c->names[t] != table) t++;   /* interned: compare pointers */
    if (t == c->n) {
        if (c->n == SUB_MAX_TABLES) return;
        c->names[c->n++] = table;
    }
    c->rows[t] += data_rows(kK(msg)[2]);
    c->messages++;
}

/* Subscribe to one table ("" = all). Returns 0, or -1 after printing why. */
static int subscribe(I h, const char *table)
{
    K r = k(h, ".u.sub", ks((S)table), ks(""), (K)0);   /* k consumes its arguments */
    if (!r) { fprintf(stderr, "c_subscriber: connection lost subscribing to '%s'\n", table); return -1; }
    int rc = 0;
    if (r->t == KERR) { fprintf(stderr, "c_subscriber: .u.sub[`%s;`] failed: '%s\n", table, r->s); rc = -1; }
    r0(r);
    return rc;
}

int main(int argc, char **argv)
{
    char host[SUB_HOST_BYTES] = "localhost";
    int port = 0;
    long long max_messages = 0;
    const char *tables[SUB_MAX_TABLES];
    int n_tables = 0;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (!strcmp(argv[i], "--messages") && i + 1 < argc) {
            max_messages = strtoll(argv[++i], &end, 10);
            if (*end || max_messages < 0) port = -1;
        } else if (!port && strchr(argv[i], ':')) {
            const char *colon = strchr(argv[i], ':');
            if (colon > argv[i]) snprintf(host, sizeof host, "%.*s", (int)(colon - argv[i]), argv[i]);
            long p = strtol(colon + 1, &end, 10);
            port = *end || p <= 0 || p > SUB_PORT_MAX ? -1 : (int)p;
        } else if (n_tables < SUB_MAX_TABLES) {
            tables[n_tables++] = argv[i];
        }
    }
    if (port <= 0) {
        fprintf(stderr, "usage: c_subscriber [host]:port [table ...] [--messages N]\n");
        return 2;
    }
    if (net_init(NULL, NULL, NULL)) { fprintf(stderr, "c_subscriber: %s\n", net_errmsg()); return 1; }
    I h = khp(host, port);
    if (h <= 0) { fprintf(stderr, "c_subscriber: cannot connect to %s:%d: %s\n", host, port, net_errmsg()); return 1; }
    int rc = n_tables ? 0 : subscribe(h, "");
    for (int t = 0; t < n_tables && !rc; t++) rc = subscribe(h, tables[t]);
    struct sub_counts counts = { 0 };
    time_t last_print = time(NULL);
    while (!rc && (!max_messages || counts.messages < max_messages)) {
        K msg = k(h, (S)0);          /* blocks for the next message; NULL when closed */
        if (!msg) break;
        count_update(&counts, msg);
        r0(msg);
        if (time(NULL) - last_print >= SUB_PRINT_EVERY_S) { print_counts(&counts); last_print = time(NULL); }
    }
    print_counts(&counts);
    kclose(h);
    net_fini();
    tk_sym_fini();
    return rc ? 1 : 0;
}
