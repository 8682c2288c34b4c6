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

/* ---- table sources (the HDB's partitioned tables; docs/design-notes.md) ---------------
 * A process may register one resolver, asked by every query before it opens its from
 * table: it recognises tables of its own (by the value, e.g. a global it set) and builds
 * the table the query runs on, e.g. from only the partitions a date constraint keeps. */
typedef struct qsql_source_req {
    K from;            /* the from value; a symbol's global value (borrowed) */
    K where;           /* the where list c as given (borrowed); NULL: no where (update,
                          delete, ?[t;i;p]) and the resolver must keep every row */
    K names;           /* KS: every name the by and select phrases mention (borrowed), a
                          superset of the columns they read (the where list's are
                          qsql_source_where_names'); NULL when it needs every column */
    eval_frame *frame; /* the caller's frame, for qsql_source_constraint */
} qsql_source_req;

/* A resolver returns NULL when req->from is not its table (the query then opens it as
 * usual), else a new table (or an error value, which the query returns), in *used how
 * many leading where constraints that table already satisfies (they are skipped), and
 * in *starts, when the table joins partitions, a KJ of the row each one starts at: the
 * virtual column i then counts from 0 in each partition, as in kdb+ (else NULL).
 * Ownership: req's values borrowed; returns new, *starts new. */
typedef K (*qsql_source_fn)(const qsql_source_req *req, J *used, K *starts);

/* Register fn (NULL: none). */
void qsql_source_set(qsql_source_fn fn);

/* A source may also hand its partitioned tables over one partition at a time, so a
 * select whose aggregates decompose runs per partition and combines the partial
 * results (qsql_parts.c) instead of reading one joined copy. open: the number of
 * partitions the leading where constraints keep (*used as qsql_source_fn), or -1 when
 * req->from is not its table; part(k): partition k's table as the source would give it
 * for that one partition (new; an error value for a bad one); close: the query is done.
 * Ownership: as qsql_source_fn. */
typedef struct qsql_parts_fns {
    J (*open)(const qsql_source_req *req, J *used);
    K (*part)(J k);
    void (*close)(void);
} qsql_parts_fns;

/* Register fns (NULL: none). fns must outlive the registration. */
void qsql_parts_set(const qsql_parts_fns *fns);
/* Selects answered partition by partition so far (tests and logs). */
J qsql_parts_answered(void);

/* Append to *names (KS) every name the where constraints from index from on mention:
 * with req->names, the columns a query reads after skipping the constraints a source
 * applied. Ownership: *names grown in place (unshared). */
void qsql_source_where_names(const qsql_source_req *req, J from, K *names);

/* Constraint k of req->where when it is (op;`col;x), op one of = < <= > >= within in, and
 * x a constant (it names no column of req->from): *op gets the operator's text, *col the
 * column, *value x evaluated in the query's frame. Returns 1, else 0 (nothing set; an
 * x that fails to evaluate is 0 too, left for the query to report).
 * Ownership: *value new. */
int qsql_source_constraint(const qsql_source_req *req, J k, const char **op, S *col,
                           K *value);

#endif
