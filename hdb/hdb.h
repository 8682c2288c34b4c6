/* hdb.h: the historical database role (tick-architecture.md §10): hdb_load.c loads a
 * partitioned root (common/disk.h) into q globals with the virtual date column;
 * hdb_main.c is the process (command line, runtime, reload requests).
 * SPDX-License-Identifier: MIT */
#ifndef TICK_HDB_H
#define TICK_HDB_H

#include "k.h"
#include "qsql.h"

#define HDB_DEFAULT_PORT "5012"
#define HDB_PATH_BYTES 4096

/* (Re)load the database at root: the global `date` (ascending partitions) and one
 * global per table of the latest partition. Nothing is mapped or copied: each
 * partition's files are checked (headers and sizes, dsk_table_stat) and recorded, and
 * the table's global is an empty table with its columns (date first), which qSQL's
 * table source (hdb_source) recognises. A bad partition (missing, short, truncated,
 * corrupt file, length mismatch, other columns) is logged and recorded: queries that
 * read it fail with the message naming the path, the others are served. A table with
 * no usable partition becomes an error value holding that message. Tables gone since
 * the last load are set to the generic null. Returns the number of tables loaded, or
 * -1 when root itself cannot be read. */
int hdb_load(const char *root);

/* qSQL's table source (qsql.h) for the loaded tables: the leading where constraints on
 * date (= < <= > >= within in, with date constants) choose the partitions; the result
 * holds the date column and only the columns the query names (every column for update,
 * delete, or a select without a phrase). One partition: its mapped columns (copied:
 * date, and symbols resolved through sym); several: one copy per column, kept until a
 * query over other dates, so a repeated query copies nothing. Several partitions also
 * give their first rows in *starts (the virtual i counts from 0 in each). Tables that
 * are not the loaded globals give NULL. Ownership: as qsql_source_fn. */
K hdb_source(const qsql_source_req *req, J *used, K *starts);

/* Before message msg is evaluated: the text "count t" of a loaded table t is answered
 * from the row counts the load recorded (no column read), "cols t" and "meta t" from the
 * empty table the global holds. Else a loaded table that msg
 * names other than as a query's table (`trade`, `` `sym xasc trade``, `1+count trade`)
 * is materialised: every partition's columns copied into its global, kept until the
 * next load. A lambda's text names it when the lambda is defined, so that message
 * materialises it. Limit: a name built at run time (value "tr","ade") sees the empty
 * table until a message names the table. Returns NULL to evaluate msg, or the answer
 * (a count, or an error value naming a bad partition's path). Ownership: msg borrowed;
 * returns new. */
K hdb_prepare(K msg);

/* Free what hdb_load keeps and unregister the table source. */
void hdb_load_fini(void);

#endif
