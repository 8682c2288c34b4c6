/* qsql.h: qSQL inside the interpreter (q-subset.md §4): templates compiled to the
 * functional forms ?[t;c;b;a] and ![t;c;b;a] (qsql_tree.c) and their evaluation
 * (qsql.c, qsql_group.c). Private to common/q/.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_QSQL_H
#define TICK_QSQL_H

#include "k.h"
#include "eval_int.h"

enum qsql_kind { QSQL_NONE, QSQL_SELECT, QSQL_EXEC, QSQL_UPDATE, QSQL_DELETE };

/* Which template word name is (QSQL_NONE for other names). */
int qsql_template_kind(S name);

/* The result-column name of a phrase tree (§4.4 rule 2). */
S qsql_column_name(K tree);

/* Make later duplicates unique by appending 1, 2, … (§4.4 rule 3); names is modified. */
void qsql_names_unique(K names);

/* The functional-form tree of a template. parts: [0] limit tree or NULL, [1]/[2] select
 * names/trees, [3]/[4] by names/trees (NULL when absent). Ownership: consumes texp,
 * where (a quoted constraint list or ()) and parts; returns new. */
K qsql_template_build(int kind, int distinct, K texp, K where, K *parts);

/* ?[t;c;b;a] (n = 4), ?[t;c;b;a;lim] (5), ?[t;i;p] (3); frame resolves names that are not
 * columns (NULL: globals only). Ownership: args borrowed; returns new. */
K qsql_query(eval_frame *frame, K *args, int n);

/* ![t;c;b;a]: update and delete. A symbol t is amended in place. Ownership: as above. */
K qsql_amend(eval_frame *frame, K *args, int n);

#endif
