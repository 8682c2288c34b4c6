/* feed_gen.h: the cookbook demo feed (tick-architecture.md §12): per-symbol geometric
 * random walks giving trade and quote messages in column form, typed per the schema.
 * A fixed seed gives the same stream on every run. Sending is feed_link.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_FEED_GEN_H
#define TICK_FEED_GEN_H

#include <stdint.h>

#include "k.h"

#define FEED_GEN_ERR_BYTES 256
#define FEED_GEN_DEFAULT_SEED 235721ULL   /* feed.q's \S 235721 */
#define FEED_GEN_MAX_TRADES 15            /* feed.q maxn: trades per message */
#define FEED_GEN_QUOTES_PER_TRADE 5       /* feed.q qpt: so up to 75 quotes per message */

enum feed_gen_table { FEED_GEN_TRADE = 0, FEED_GEN_QUOTE = 1, FEED_GEN_TABLES = 2 };

struct feed_gen_sym {
    S name;     /* interned symbol */
    F price;    /* last price of its walk, unrounded (feed.q's p) */
    C ex;       /* its exchange letter */
};

struct feed_gen_col {
    int role;   /* which generated value goes here (feed_gen.c's enum), 0 = null-filled */
    int type;   /* the schema's vector type */
};

struct feed_gen_layout {
    S name;                       /* table name, interned */
    int n;                        /* columns sent: the schema's, without time */
    struct feed_gen_col *cols;    /* n of them, in schema order after time */
};

struct feed_gen {
    uint64_t rng;                 /* generator state (splitmix64) */
    struct feed_gen_sym *syms;    /* the symbols' walks */
    int n_syms;
    int fixed_rows;               /* rows per message (--batch), 0 = feed.q's random sizes */
    struct feed_gen_layout tables[FEED_GEN_TABLES];
};

/* Set up g for schema (dictionary table name -> empty table, with trade and quote).
 * syms_spec: NULL for the cookbook's ten symbols, a file name, or a list
 * "SYM[:PRICE[:EX]],…"; unknown symbols start at a random price on exchange N.
 * Returns 0, or -1 with the reason in err (FEED_GEN_ERR_BYTES).
 * Ownership: schema borrowed (only names and types are kept). */
int feed_gen_init(struct feed_gen *g, K schema, const char *syms_spec, uint64_t seed,
                  int fixed_rows, char *err);

/* Free what feed_gen_init allocated. */
void feed_gen_fini(struct feed_gen *g);

/* The next message: *table gets FEED_GEN_TRADE or FEED_GEN_QUOTE, *rows its row count.
 * Returns the column list (one vector per sent column). Ownership: returns new. */
K feed_gen_next(struct feed_gen *g, int *table, J *rows);

/* Uniform double in [0,1) and integer in [0,n) from g's stream (also for tests). */
F feed_gen_uniform(struct feed_gen *g);
J feed_gen_below(struct feed_gen *g, J n);

#endif
