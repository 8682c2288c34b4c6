/* feed_opts.h: the feed handler's command line: options, defaults and the usage text.
 * What each option does is feedhandler.c. SPDX-License-Identifier: MIT */
#ifndef TICK_FEED_OPTS_H
#define TICK_FEED_OPTS_H

#include <stdint.h>

#include "feed_link.h"

#define FEED_OPTS_ERR_BYTES 512
#define FEED_OPTS_MAX_CSV 64
#define FEED_OPTS_DEFAULT_PORT 5010            /* the tickerplant's (tick.q) */
#define FEED_OPTS_DEFAULT_TIMER_MS 107         /* cookbook README: q feed.q -t 107 */
#define FEED_OPTS_DEFAULT_SCHEMA "config/sym.json"
#define FEED_OPTS_DEFAULT_BUFFER_ROWS 1000000  /* rows held while the TP is away */
#define FEED_OPTS_DEFAULT_CSV_BATCH 1000       /* rows per replayed message */
#define FEED_OPTS_DEFAULT_BACKOFF_MAX_MS 5000
#define FEED_OPTS_DEFAULT_ACK_TIMEOUT_MS 10000
#define FEED_OPTS_DEFAULT_CONNECT_TIMEOUT_MS 2000
#define FEED_OPTS_DEFAULT_DRAIN_S 10.0         /* at the end, keep delivering this long */

struct feed_opts_csv {
    const char *table;   /* table name (points into argv) */
    const char *path;    /* file name (points into argv) */
};

struct feed_opts {
    char host[FEED_LINK_HOST_BYTES];   /* TP host; "" = localhost */
    int port;                          /* TP port */
    const char *credentials;           /* "user:pass" after the port, or NULL */
    int timer_ms;                      /* -t: one message per tick; 0 = unpaced */
    int is_timer_set;                  /* -t given */
    double rate;                       /* --rate messages per second; 0 = use the timer */
    int batch_rows;                    /* --batch: rows per message; 0 = default */
    const char *syms;                  /* --syms FILE|LIST, or NULL */
    const char *schema;                /* --schema file */
    uint64_t seed;                     /* --seed */
    long long count;                   /* --count: stop after this many messages; 0 = no limit */
    double duration_s;                 /* --duration: stop generating after this; 0 = none */
    long long buffer_rows;             /* --buffer-rows */
    long backoff_max_ms;               /* --backoff-max */
    int ack_timeout_ms;                /* --ack-timeout */
    double drain_s;                    /* --drain */
    int n_csv;                         /* --csv TABLE=FILE items */
    struct feed_opts_csv csv[FEED_OPTS_MAX_CSV];
    int is_backfill;                   /* --backfill: feed.q's start-up history first */
    int is_help;                       /* -h / --help */
};

/* Parse argv into o (defaults first). Returns 0, or -1 with a one-line reason in err
 * (FEED_OPTS_ERR_BYTES). Strings in o point into argv. */
int feed_opts_parse(struct feed_opts *o, int argc, char **argv, char *err);

/* The usage text, for --help and after an error. */
const char *feed_opts_usage(void);

#endif
