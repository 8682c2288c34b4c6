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
 * the rows of every partition that has it. A table whose files are bad (missing, short,
 * corrupt, length mismatch) becomes an error value holding the message with the path,
 * so every query that touches it fails with that text; the error is also logged.
 * Tables gone since the last load are set to the generic null.
 * Returns the number of tables loaded, or -1 when root itself cannot be read. */
int hdb_load(const char *root);

/* Free what hdb_load keeps (the list of table names). */
void hdb_load_fini(void);

#endif
