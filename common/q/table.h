/* table.h: table and keyed-table keywords (q-subset.md §3.14): meta keys xcol xcols xkey
 * xasc xdesc insert upsert ungroup xgroup, keyed-table indexing (table.c), and the joins
 * lj ij uj pj aj aj0 (join.c), dictionary/table arithmetic (table_arith.c). Private to common/q/.
 * Each: Ownership: arguments borrowed; returns new (an error value on failure).
 * SPDX-License-Identifier: MIT */
#ifndef TICK_TABLE_H
#define TICK_TABLE_H

#include "k.h"

K table_meta(K x);       K table_keys(K x);        K table_ungroup(K x);
K table_xcol(K x, K y);  K table_xcols(K x, K y);  K table_xkey(K x, K y);
K table_xasc(K x, K y);  K table_xdesc(K x, K y);  K table_insert(K x, K y);
K table_upsert(K x, K y); K table_xgroup(K x, K y);
/* (f;data) fby group: f of data per group, back on each row. */
K table_fby(K x, K y);
/* x cross y on tables: every row of x with every row of y. */
K table_cross(K x, K y);
/* kt[k]: a keyed table indexed by key value(s) or a table of keys. */
K table_keyed_index(K kt, K key);
/* Is x a keyed table (a dictionary from a table to a table)? */
int table_is_keyed(K x);
/* Column c of table t (borrowed), or NULL. */
K table_column(K t, S name);
/* The rows of table t at idx (a J vector). */
K table_rows(K t, K idx);

K join_lj(K x, K y);     K join_ij(K x, K y);      K join_uj(K x, K y);
K join_pj(K x, K y);
/* x,'y on two tables of one length: their columns side by side, y's winning. */
K join_each(K x, K y);
/* aj[c;t;q] (aj0 when zero is set: q's time column replaces t's). */
K join_aj(K c, K t, K q, int zero);
/* t asof d: the last row of t at or before d's values (last key the time). */
K join_asof(K x, K y);
/* For each row of probe (a general list of columns), the first row of keys (columns of
 * one length, same order) holding equal values, or -1: a J vector. */
K join_find_rows(K keys, K probe);
/* x op y where either is a dictionary, table or keyed table (table_arith.c): keys
 * aligned as q aligns them (union of keys; right-only keys negated for '-'). */
K table_arith(int op, K x, K y);
/* ej[c;t;q]: each row of t with every row of q that matches it on columns c. */
K join_ej(K c, K t, K q);

#endif
