/* qsql_int.h: helpers shared by qsql.c, qsql_amend.c and qsql_group.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_QSQL_INT_H
#define TICK_QSQL_INT_H

#include "k.h"
#include "qsql.h"

#include <stdint.h>

#define QSQL_SCAN_KEYS 16 /* `in` lists matched by a plain loop (or the `g# index) in a where */

typedef struct qsql_table {
    K table;          /* the unkeyed source table (owned) */
    K names;          /* its column names (borrowed from table) */
    K cols;           /* its columns (borrowed from table) */
    J rows;           /* row count */
    J nkeys;          /* key columns when the source was a keyed table, else 0 */
    eval_frame *outer; /* resolves names that are not columns (NULL: globals) */
    K starts;         /* KJ: the first row of each partition when a table source joined
                         partitions (the virtual i counts from 0 in each), else NULL (owned) */
} qsql_table;

typedef struct qsql_groups {
    K ids;   /* I vector: raw group number of each selected row (first appearance) */
    K order; /* J vector: the raw group numbers in key order */
    K keys;  /* general list of key columns, one item per group, in key order */
    K lists; /* general list of J vectors of absolute row numbers, in key order (NULL
                until qsql_group_lists) */
    J n;     /* groups */
} qsql_groups;

/* Open-addressing table from a 64-bit key (an item's bit pattern) to its group number,
 * numbers given in order of first appearance. */
typedef struct qsql_hash {
    J *key;    /* slot keys */
    I *id;     /* slot group numbers, -1 empty */
    J cap;     /* slots, a power of two */
    int shift; /* 64 - log2(cap): the slot is the top bits of the mixed key */
    J n;       /* groups */
} qsql_hash;

int qsql_hash_init(qsql_hash *h, J cap);  /* 0, or -1 when memory runs out */
void qsql_hash_fini(qsql_hash *h);
/* Add key (new: its first row r is appended to *firsts); its group number, or -1 when
 * memory runs out. Out of line: only new keys take it. */
I qsql_hash_add(qsql_hash *h, J key, J r, K *firsts);

static inline J qsql_slot(J key, int shift)
{
    return (J)(((uint64_t)key * 0x9E3779B97F4A7C15ULL) >> shift);
}

/* The group number of key, adding it when new; -1 when memory runs out. */
static inline I qsql_hash_get(qsql_hash *h, J key, J r, K *firsts)
{
    const J *keys = h->key;
    const I *ids = h->id;
    J mask = h->cap - 1, s = qsql_slot(key, h->shift);
    for (;;) {
        I id = ids[s];
        if (id < 0) return qsql_hash_add(h, key, r, firsts);
        if (keys[s] == key) return id;
        s = (s + 1) & mask;
    }
}

/* Grade of group numbers by key columns (lexicographic, stable). New. */
K qsql_key_order(K keys);
/* select aggregates by one column, hashed and aggregated block by block in one pass
 * (speed only), or NULL when the query is not of that shape. New keyed table. */
K qsql_agg_stream(qsql_table *tb, K b, K a, K idx, J m);

/* The names the by and select phrases of ?[t;c;b;a] mention, for a table source; NULL
 * when it reads every column (no select phrase, or no source registered).
 * Ownership: args borrowed; returns new. */
K qsql_source_names(K *args);
/* The where list c without its first used constraints. Ownership: c borrowed; new. */
K qsql_where_rest(K c, J used);
/* ?[t;c;b;a] partition by partition when t is a registered partitioned source and the
 * query decomposes (qsql_parts.c); NULL: take the usual path. Ownership: args
 * borrowed; returns new. */
K qsql_parts_query(eval_frame *frame, K *args);

/* Bytes per item of vector type t (0 when not a fixed-width type). */
int qsql_width(int t);
/* col[idx] (idx a J vector of rows; NULL = all). Ownership: borrowed; returns new. */
K qsql_gather(K col, K idx);
/* Group m rows by bycols (columns of m items). Returns NULL, or an error value.
 * Ownership: out's fields new. */
K qsql_group(K bycols, J m, qsql_groups *out);
/* Build g->lists from idx (NULL = rows 0..m-1). Returns NULL or an error. */
K qsql_group_lists(qsql_groups *g, K idx, J m);
void qsql_groups_free(qsql_groups *g);

/* Open t (table, keyed table, or symbol naming one) into tb. Returns NULL or error. */
K qsql_open(qsql_table *tb, K t, eval_frame *outer);
void qsql_close(qsql_table *tb);
/* Evaluate tree on rows idx (NULL = all). Ownership: returns new. */
K qsql_eval_on(qsql_table *tb, K idx, K tree);
/* The rows passing where list c (NULL = all rows). Ownership: *idx new. */
K qsql_where(qsql_table *tb, K c, K *idx);
/* Column index of name in tb, or -1. */
J qsql_col_find(qsql_table *tb, S name);
/* Item i of a dictionary-valued phrase (its values may be a symbol vector). New. */
K qsql_phrase_item(K dict, J i);

/* The `g# index of a symbol vector (qsql_index.c): attached to the vector, freed with it,
 * brought up to date with rows appended since its last use. */
typedef struct qsql_index qsql_index;
/* col's index (borrowed: it lives with col), or NULL when col is not a `g# symbol heap
 * vector or memory runs out (callers then scan). */
qsql_index *qsql_index_get(K col);
/* Ascending rows of col holding any of want[0..nw) (any count: many are marked and swept), from the
 * index; NULL when col has none. Ownership: returns new. */
K qsql_index_rows(K col, const S *want, J nw);
/* Group ids of all m = count col rows by first appearance, and each group's first row,
 * from the index (as qsql_group's hashing gives them). 0, or -1 when col has none.
 * Ownership: *ids and *first new. */
int qsql_index_ids(K col, J m, K *ids, K *first);

/* Per-group aggregate of a simple tree (agg;`col) in one pass over the rows, by raw
 * group number, or NULL when the tree is not one the fast path knows (speed only).
 * Ownership: returns new. */
K qsql_agg_fast(qsql_table *tb, qsql_groups *g, K idx, J m, K tree);

#endif
