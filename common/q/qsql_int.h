/* qsql_int.h: helpers shared by qsql.c, qsql_amend.c and qsql_group.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_QSQL_INT_H
#define TICK_QSQL_INT_H

#include "k.h"
#include "qsql.h"

typedef struct qsql_table {
    K table;          /* the unkeyed source table (owned) */
    K names;          /* its column names (borrowed from table) */
    K cols;           /* its columns (borrowed from table) */
    J rows;           /* row count */
    J nkeys;          /* key columns when the source was a keyed table, else 0 */
    eval_frame *outer; /* resolves names that are not columns (NULL: globals) */
} qsql_table;

typedef struct qsql_groups {
    K ids;   /* J vector: group number of each selected row, groups in key order */
    K keys;  /* general list of key columns, one item per group, sorted */
    K lists; /* general list of J vectors of absolute row numbers (NULL until needed) */
    J n;     /* groups */
} qsql_groups;

/* Bytes per item of vector type t (0 when not a fixed-width type). */
int qsql_width(int t);
/* col[idx] (idx a J vector of rows; NULL = all). Ownership: borrowed; returns new. */
K qsql_gather(K col, K idx);
/* Group the selected rows (m of them, columns already gathered to those rows) by
 * bycols. Returns NULL, or an error value. Ownership: out's fields new. */
K qsql_group(K bycols, K idx, J m, qsql_groups *out);
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

/* Per-group aggregate of a simple tree (agg;`col) in one pass over the rows, or NULL
 * when the tree is not one the fast path knows (speed only; same results).
 * Ownership: returns new. */
K qsql_agg_fast(qsql_table *tb, qsql_groups *g, K idx, J m, K tree);

#endif
