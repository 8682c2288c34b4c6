/* hdb.h: the historical database role (tick-architecture.md §10): hdb_load.c loads a
 * partitioned root (common/disk.h) into q globals with the virtual date column;
 * hdb_main.c is the process (command line, runtime, reload requests).
 * SPDX-License-Identifier: MIT */
#ifndef TICK_HDB_H
#define TICK_HDB_H

#include "k.h"

#define HDB_DEFAULT_PORT "5012"
#define HDB_PATH_BYTES 4096

/* (Re)load the database at root: the global `date` (ascending partitions) and one
 * global per table of the latest partition, each a table with a leading date column and
 * the rows of every partition that has it. Every partition's columns are mapped
 * (dsk_table_load). A table that one partition holds is presented on those mappings:
 * no copy except the date column (4 bytes a row) and symbol columns (resolved through
 * sym at load, 8 bytes a row, as disk.h does); the loader keeps a second reference to
 * the columns (r > 0), so q's insert and amend copy instead of growing a mapping in
 * place. A table that several partitions hold is joined into one heap vector per
 * column (a K vector is one block; partitions' files are not), read once at load, and
 * the partitions' mappings are released. Limits: no partition pruning (qSQL sees one
 * table, so `where date=d` scans every row), and a join's memory and time grow with
 * the whole history (peak: every partition's symbol columns plus the join). A table whose files are bad (missing, short,
 * corrupt, length mismatch) becomes an error value holding the message with the path,
 * so every query that touches it fails with that text; the error is also logged.
 * Tables gone since the last load are set to the generic null.
 * Returns the number of tables loaded, or -1 when root itself cannot be read. */
int hdb_load(const char *root);

/* Free what hdb_load keeps (the list of table names). */
void hdb_load_fini(void);

#endif
