/* disk.h: the on-disk storage layer shared by the RDB's end-of-day write and the HDB:
 * column files (mmap-able in place as K vectors), the root `sym` enumeration file,
 * splayed tables and date partitions. Byte layout: docs/disk-format.md.
 * Queries, reload and the virtual date column belong to hdb/; sockets to net/.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_DISK_H
#define TICK_DISK_H

#include "k.h"

#define DSK_ERR_BYTES 512          /* size of every err buffer passed to dsk_ functions */

/* Every dsk_ function that can fail returns 0/-1 (or a value/NULL) and leaves in err
 * (DSK_ERR_BYTES) a message naming the file path and what is wrong with it, e.g.
 * "/hdb/2024.01.15/trade/price: truncated: header says 1000 items of 8 bytes, file
 * has room for 503 (4096 bytes)". On success err holds nothing of interest. */

/* ---- column files ----------------------------------------------------------- */

/* Write col to path atomically (a hidden temp name in the same directory, fdatasync,
 * then rename): a crash never leaves a half-written file under the real name.
 * col is a simple vector (types 1..19) or a general list of simple vectors of one type
 * (a nested column: path holds the index, path# the items, as kdb+'s col and col#).
 * A symbol vector is written as indexes into syms (the whole domain, e.g. from
 * dsk_sym_load); every symbol of col must be in syms. col's attribute is kept.
 * Ownership: col and syms borrowed. Returns 0, or -1 with err set ("unmappable" for a
 * column that is neither; "not in the sym domain" for an unknown symbol). */
int dsk_column_write(const char *path, K col, K syms, char *err);

/* Write an enumerated symbol column: indexes (KI or KJ) into the root sym file, with
 * attribute attr (e.g. K_ATTR_PARTED). Ownership: indexes borrowed. Returns 0 or -1. */
int dsk_sym_column_write(const char *path, K indexes, int attr, char *err);

/* Load the column at path. A simple column is mapped (MAP_PRIVATE, lazily: no item is
 * read until used) and returned as a K vector with m = K_MEM_MAPPED whose items are
 * the file's; r0 unmaps it. A symbol column is resolved through syms (the domain from
 * dsk_sym_load) into a new KS vector; a nested column (path + path#) is copied into a
 * new general list. Never crashes on bad bytes: a missing, short, truncated or corrupt
 * file, or a symbol index outside syms, gives NULL and err naming the path.
 * Ownership: syms borrowed (may be NULL when the column is not a symbol column);
 * returns new. */
K dsk_column_map(const char *path, K syms, char *err);

/* The type the column at path loads as (KS for a symbol column, 0 for a nested one) and
 * its item count, from its header, checked as dsk_column_map checks it (missing, short,
 * truncated, corrupt header) but without mapping or reading the items. Returns 0, or -1
 * with err naming the path. */
int dsk_column_stat(const char *path, int *type, J *count, char *err);

/* Copy the column at path into items at.. of out (a vector of the column's load type,
 * its count already set to hold them), as dsk_column_map then a copy would, but a symbol
 * column is resolved straight into out (no vector of its own). Returns the items copied,
 * or -1 with err (the same checks and texts as dsk_column_map; a column that does not
 * fit out is an error). A failure may leave out partly written.
 * Ownership: out borrowed (written in place), syms borrowed. */
J dsk_column_copy_into(const char *path, K out, J at, K syms, char *err);

/* ---- the root sym file -------------------------------------------------------- */

/* The enumeration domain root/sym as a KS vector in file order (empty if the file does
 * not exist yet). Ownership: returns new; NULL with err on a corrupt file. */
K dsk_sym_load(const char *root, char *err);

/* Enumerate symcol (KS) against root/sym: symbols not yet in the file are appended in
 * order of first appearance; existing ones never move. The file is locked (flock) for
 * the whole read-append-commit, so concurrent writers cannot corrupt it, and the
 * header's count is committed after the text is durable, so a crash leaves the old
 * domain. *indexes_out receives a new KI vector of indexes (KJ if the domain could
 * pass 2^31 symbols). Ownership: symcol borrowed; *indexes_out new. Returns 0/-1. */
int dsk_sym_enumerate(const char *root, K symcol, K *indexes_out, char *err);

/* ---- splayed tables and partitions ------------------------------------------ */

/* Write table (98, not keyed) splayed into dir (created if missing): one file per
 * column, symbol columns enumerated against root/sym, then the `.d` column-order file
 * last (a table directory without .d is incomplete). Rows keep their order.
 * Ownership: table borrowed. Returns 0/-1 ("unmappable" for a bad column). */
int dsk_table_write(const char *dir, K table, const char *root, char *err);

/* Load the splayed table in dir in `.d` order, columns as dsk_column_map gives them.
 * All columns must have the same count ("length" error naming the odd file).
 * Ownership: syms borrowed; returns new table or NULL with err. */
K dsk_table_load(const char *dir, K syms, char *err);

/* The shape of the splayed table in dir without loading it: its `.d` column names
 * (*names, KS), each column's load type (*types, KH) and the row count (*rows), every
 * column file checked by dsk_column_stat and against the first column's count
 * ("length" error naming the odd file). Nothing is mapped. Ownership: *names and *types
 * new. Returns 0, or -1 with err. */
int dsk_table_stat(const char *dir, K *names, K *types, J *rows, char *err);

/* End-of-day write of one table into root/YYYY.MM.DD/name (.Q.dpft): enumerate every
 * symbol column against root/sym, stably sort rows by sym (rows of one sym keep their
 * arrival order), mark sym parted (`p#), put sym first in .d, clear the other
 * attributes (the reorder breaks them). Empty tables are written too.
 * date: days since 2000.01.01. Ownership: table borrowed. Returns 0/-1 (a table with no
 * KS column called sym is an error). */
int dsk_partition_write(const char *root, I date, const char *name, K table, char *err);

/* The date partitions under root as an ascending KD vector. Entries that are not
 * directories named YYYY.MM.DD (sym, par.txt, dot-files) are ignored, as the HDB must.
 * Ownership: returns new; NULL with err if root cannot be read. */
K dsk_partitions(const char *root, char *err);

/* root/YYYY.MM.DD[/name] into out (size bytes); name may be NULL. Returns 0, or -1
 * when it does not fit. */
int dsk_partition_path(char *out, size_t size, const char *root, I date, const char *name);

#endif
