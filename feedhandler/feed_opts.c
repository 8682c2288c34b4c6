/* feed_opts.c: command-line parsing for the feed handler (feed_opts.h).
 * Every number is checked whole and in range; errors name the option and the text.
 * SPDX-License-Identifier: MIT */
#include "feed_opts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feed_gen.h"

#define FEED_OPTS_PORT_MAX 65535
#define FEED_OPTS_INT_MAX 2147483647LL
#define FEED_OPTS_MAX_BATCH 100000000LL

static const char usage_text[] =
    "usage: feedhandler [host]:port[:user:pass] [options]\n"
    "  demo feed (cookbook feed.q): random trades and quotes sent as (`.u.upd;t;data)\n"
    "  -t MS              timer: one message every MS ms (default 107; 0 = as fast as the TP takes)\n"
    "  --rate N           N messages per second instead of the timer\n"
    "  --batch N          rows per message (demo default: 1-15 trades, 1-75 quotes; csv: 1000)\n"
    "  --syms FILE|LIST   symbols: SYM[:PRICE[:EX]] separated by commas, or a file of them\n"
    "  --schema FILE      table schemas (default config/sym.json)\n"
    "  --seed N           random seed (default 235721: the same stream every run)\n"
    "  --count N          stop after N messages\n"
    "  --duration S       stop after S seconds\n"
    "  --backfill         first send feed.q's history: messages stamped from the last quarter hour\n"
    "                     an hour ago until now, one per 113 ms\n"
    "  --csv TABLE=FILE…  replay CSV files (header line names the columns) instead of the demo\n"
    "  --buffer-rows N    rows held while the tickerplant is away (default 1000000)\n"
    "  --backoff-max MS   longest delay between reconnection attempts (default 5000)\n"
    "  --ack-timeout MS   how long to wait for the tickerplant to confirm (default 10000)\n"
    "  --drain S          at the end, keep trying to deliver for S seconds (default 10)\n"
    "  on exit (and on SIGINT/SIGTERM) prints: sent <table>=<rows>… messages=<n> dropped=<rows> bad=<lines>\n";

const char *feed_opts_usage(void) { return usage_text; }

static int bad(char *err, const char *opt, const char *text, const char *want)
{
    snprintf(err, FEED_OPTS_ERR_BYTES, "%s: '%s' is not %s", opt, text ? text : "", want);
    return -1;
}

/* A whole integer in [lo, hi]. */
static int int_arg(const char *opt, const char *text, long long lo, long long hi, long long *out, char *err)
{
    char *end;
    errno = 0;
    long long v = text ? strtoll(text, &end, 10) : 0;
    if (!text || !*text || *end || errno || v < lo || v > hi) {
        char want[FEED_OPTS_ERR_BYTES / 4];
        snprintf(want, sizeof want, "an integer from %lld to %lld", lo, hi);
        return bad(err, opt, text, want);
    }
    *out = v;
    return 0;
}

static int real_arg(const char *opt, const char *text, double *out, char *err)
{
    char *end;
    double v = text ? strtod(text, &end) : 0;
    if (!text || !*text || *end || !isfinite(v) || v <= 0) return bad(err, opt, text, "a positive number");
    *out = v;
    return 0;
}

/* [host]:port[:user:pass], or a bare port. */
static int target_arg(struct feed_opts *o, char *text, char *err)
{
    char *colon = strchr(text, ':'), *port_text = text;
    if (colon) {
        size_t n = (size_t)(colon - text);
        if (n >= sizeof o->host) return bad(err, "host", text, "a host name of reasonable length");
        memcpy(o->host, text, n);
        o->host[n] = 0;
        port_text = colon + 1;
    }
    char *creds = strchr(port_text, ':');
    if (creds) *creds++ = 0;
    o->credentials = creds;
    long long port;
    if (int_arg("port", port_text, 1, FEED_OPTS_PORT_MAX, &port, err)) return -1;
    o->port = (int)port;
    return 0;
}

static int csv_arg(struct feed_opts *o, const char *text, char *err)
{
    const char *eq = strchr(text, '=');
    if (!eq || eq == text || !eq[1]) return bad(err, "--csv", text, "TABLE=FILE");
    if (o->n_csv == FEED_OPTS_MAX_CSV) { snprintf(err, FEED_OPTS_ERR_BYTES, "--csv: more than %d files", FEED_OPTS_MAX_CSV); return -1; }
    /* The table name ends at '='; argv is writable, so cut it there. */
    ((char *)eq)[0] = 0;
    o->csv[o->n_csv++] = (struct feed_opts_csv){ text, eq + 1 };
    return 0;
}

static void defaults(struct feed_opts *o)
{
    memset(o, 0, sizeof *o);
    o->port = FEED_OPTS_DEFAULT_PORT;
    o->timer_ms = FEED_OPTS_DEFAULT_TIMER_MS;
    o->schema = FEED_OPTS_DEFAULT_SCHEMA;
    o->seed = FEED_GEN_DEFAULT_SEED;
    o->buffer_rows = FEED_OPTS_DEFAULT_BUFFER_ROWS;
    o->backoff_max_ms = FEED_OPTS_DEFAULT_BACKOFF_MAX_MS;
    o->ack_timeout_ms = FEED_OPTS_DEFAULT_ACK_TIMEOUT_MS;
    o->drain_s = FEED_OPTS_DEFAULT_DRAIN_S;
}

/* One option with its value at argv[*i + 1]. Returns 0, or -1 (err set). */
static int option(struct feed_opts *o, int argc, char **argv, int *i, char *err)
{
    const char *opt = argv[*i];
    long long v;
    if (!strcmp(opt, "-h") || !strcmp(opt, "--help")) { o->is_help = 1; return 0; }
    if (!strcmp(opt, "--backfill")) { o->is_backfill = 1; return 0; }
    if (*i + 1 >= argc) { snprintf(err, FEED_OPTS_ERR_BYTES, "%s needs a value", opt); return -1; }
    char *val = argv[++*i];
    if (!strcmp(opt, "-t")) {
        if (int_arg(opt, val, 0, FEED_OPTS_INT_MAX, &v, err)) return -1;
        o->timer_ms = (int)v;
        o->is_timer_set = 1;
    } else if (!strcmp(opt, "--rate")) {
        return real_arg(opt, val, &o->rate, err);
    } else if (!strcmp(opt, "--batch")) {
        if (int_arg(opt, val, 1, FEED_OPTS_MAX_BATCH, &v, err)) return -1;
        o->batch_rows = (int)v;
    } else if (!strcmp(opt, "--syms")) {
        o->syms = val;
    } else if (!strcmp(opt, "--schema")) {
        o->schema = val;
    } else if (!strcmp(opt, "--seed")) {
        if (int_arg(opt, val, 0, INT64_MAX, &v, err)) return -1;
        o->seed = (uint64_t)v;
    } else if (!strcmp(opt, "--count")) {
        return int_arg(opt, val, 1, INT64_MAX, &o->count, err);
    } else if (!strcmp(opt, "--duration")) {
        return real_arg(opt, val, &o->duration_s, err);
    } else if (!strcmp(opt, "--buffer-rows")) {
        return int_arg(opt, val, 1, INT64_MAX, &o->buffer_rows, err);
    } else if (!strcmp(opt, "--backoff-max")) {
        if (int_arg(opt, val, 1, FEED_OPTS_INT_MAX, &v, err)) return -1;
        o->backoff_max_ms = (long)v;
    } else if (!strcmp(opt, "--ack-timeout")) {
        if (int_arg(opt, val, 1, FEED_OPTS_INT_MAX, &v, err)) return -1;
        o->ack_timeout_ms = (int)v;
    } else if (!strcmp(opt, "--drain")) {
        return real_arg(opt, val, &o->drain_s, err);
    } else if (!strcmp(opt, "--csv")) {
        if (csv_arg(o, val, err)) return -1;
        /* --csv TABLE=FILE TABLE=FILE …: take following words that look like pairs */
        while (*i + 1 < argc && argv[*i + 1][0] != '-' && strchr(argv[*i + 1], '='))
            if (csv_arg(o, argv[++*i], err)) return -1;
    } else {
        --*i;
        snprintf(err, FEED_OPTS_ERR_BYTES, "unknown option %s", opt);
        return -1;
    }
    return 0;
}

int feed_opts_parse(struct feed_opts *o, int argc, char **argv, char *err)
{
    defaults(o);
    int have_target = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1]) {
            if (option(o, argc, argv, &i, err)) return -1;
            if (o->is_help) return 0;
        } else if (have_target++) {
            snprintf(err, FEED_OPTS_ERR_BYTES, "unexpected argument '%s' (the tickerplant is already %s:%d)",
                     argv[i], o->host, o->port);
            return -1;
        } else if (target_arg(o, argv[i], err)) {
            return -1;
        }
    }
    if (o->buffer_rows < o->batch_rows) {
        snprintf(err, FEED_OPTS_ERR_BYTES, "--buffer-rows %lld is smaller than --batch %d", o->buffer_rows, o->batch_rows);
        return -1;
    }
    return 0;
}
