/* feed_csv.h: CSV replay for the feed handler: a header line mapped to a schema table's
 * columns (time optional), then rows parsed by column type into column batches. Each
 * bad line is reported as FILE:LINE: reason on stderr and counted, never sent.
 * Cell parsing is feed_parse.c; sending is feed_link.c. SPDX-License-Identifier: MIT */
#ifndef TICK_FEED_CSV_H
#define TICK_FEED_CSV_H

#include <stdio.h>

#include "k.h"

#define FEED_CSV_ERR_BYTES 512

struct feed_csv_field {
    char *text;    /* start of the (unquoted) field inside the line buffer */
    size_t n;      /* its length in bytes */
};

struct feed_csv {
    const char *path;              /* file name as given; borrowed */
    FILE *file;                    /* open while rows remain */
    int table;                     /* index of the table in the caller's list */
    S table_name;                  /* interned */
    int n_fields;                  /* fields per line (the header's) */
    int *field_col;                /* header field k -> sent column index */
    int n_cols;                    /* columns sent: the schema's, time only when given */
    int *col_types;                /* vector type of each sent column */
    S *col_names;                  /* name of each sent column (interned) */
    struct feed_csv_field *fields; /* n_fields + 1 slots for splitting a line */
    char *line;                    /* getline buffer */
    size_t line_bytes;             /* its allocation */
    J line_no;                     /* last line read, 1 = the header */
    J bad_lines;                   /* lines reported and not sent */
    J good_rows;                   /* rows parsed */
};

/* Open path and map its header to empty_table's columns (the schema's table). Every
 * column but time must appear once; unknown or repeated names are errors.
 * Returns 0, or -1 with "FILE:LINE: reason" in err (FEED_CSV_ERR_BYTES).
 * Ownership: empty_table borrowed; path and table_name must outlive c. */
int feed_csv_open(struct feed_csv *c, const char *path, S table_name, int table, K empty_table, char *err);

/* Read lines until max_rows good rows or end of file; bad lines go to stderr and
 * bad_lines. Returns the column list of the rows read (n_cols vectors), or NULL with
 * *rows 0 at the end of the file (a read error is reported and counted as a bad line).
 * Ownership: returns new. */
K feed_csv_read(struct feed_csv *c, J max_rows, J *rows);

/* Close the file and free what feed_csv_open allocated. */
void feed_csv_close(struct feed_csv *c);

#endif
