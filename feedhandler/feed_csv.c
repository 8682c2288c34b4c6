/* feed_csv.c: CSV replay (feed_csv.h): RFC 4180 quoting (a quoted field may hold
 * commas and "" for a quote, not newlines), header-to-schema mapping, bad-line reports.
 * Cells are parsed by feed_parse.c. SPDX-License-Identifier: MIT */
#include "feed_csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "feed_parse.h"

#define FEED_CSV_TIME_COLUMN "time"
#define FEED_CSV_BOM "\xef\xbb\xbf"   /* UTF-8 byte order mark some tools write first */
#define FEED_CSV_NAME_SHOWN 48         /* how much of a bad header name an error quotes */

/* Split line[0..n) at commas into c->fields, unquoting in place. Returns the number of
 * fields (counting past n_fields + 1 without storing), or -1 with a reason in why. */
static int split(struct feed_csv *c, char *line, size_t n, char *why)
{
    char *p = line, *end = line + n;
    int k = 0;
    for (;;) {
        char *start = p, *out = p;
        if (p < end && *p == '"') {
            for (p++;; ) {
                if (p == end) { snprintf(why, FEED_WHY_BYTES, "field %d: unterminated quote", k + 1); return -1; }
                if (*p == '"' && p + 1 < end && p[1] == '"') { *out++ = '"'; p += 2; continue; }
                if (*p == '"') { p++; break; }
                *out++ = *p++;
            }
            if (p < end && *p != ',') { snprintf(why, FEED_WHY_BYTES, "field %d: text after the closing quote", k + 1); return -1; }
        } else {
            while (p < end && *p != ',') p++;
            out = p;
        }
        if (k <= c->n_fields) c->fields[k] = (struct feed_csv_field){ start, (size_t)(out - start) };
        k++;
        if (p == end) return k;
        p++;   /* the comma: a field follows, even if empty */
    }
}

/* Read the next line into c->line without its line end. Returns its length, or -1 at
 * the end of the file or on a read error. */
static long read_line(struct feed_csv *c)
{
    ssize_t got = getline(&c->line, &c->line_bytes, c->file);
    if (got < 0) return -1;
    c->line_no++;
    while (got > 0 && (c->line[got - 1] == '\n' || c->line[got - 1] == '\r')) c->line[--got] = 0;
    return (long)got;
}

static void trim(struct feed_csv_field *f)
{
    while (f->n && (f->text[0] == ' ' || f->text[0] == '\t')) f->text++, f->n--;
    while (f->n && (f->text[f->n - 1] == ' ' || f->text[f->n - 1] == '\t')) f->n--;
}

/* Map header fields to schema columns. Returns 0 or -1 (err set).
 * Ownership: names and vecs borrowed. */
static int map_header(struct feed_csv *c, K names, K vecs, char *err)
{
    int n_schema = (int)names->n, *seen = calloc((size_t)n_schema, sizeof *seen);
    if (!seen) { snprintf(err, FEED_CSV_ERR_BYTES, "%s: out of memory", c->path); return -1; }
    int rc = 0;
    for (int k = 0; k < c->n_fields && !rc; k++) {
        struct feed_csv_field *f = &c->fields[k];
        trim(f);
        int col = -1;
        for (int s = 0; s < n_schema; s++)
            if (strlen(kS(names)[s]) == f->n && !memcmp(kS(names)[s], f->text, f->n)) col = s;
        if (col < 0 || seen[col]) {
            snprintf(err, FEED_CSV_ERR_BYTES, "%s:1: %s column '%.*s' (table %s has:", c->path,
                     col < 0 ? "unknown" : "repeated", (int)(f->n < FEED_CSV_NAME_SHOWN ? f->n : FEED_CSV_NAME_SHOWN),
                     f->text, c->table_name);
            for (int s = 0; s < n_schema; s++)
                snprintf(err + strlen(err), FEED_CSV_ERR_BYTES - strlen(err), " %s", kS(names)[s]);
            snprintf(err + strlen(err), FEED_CSV_ERR_BYTES - strlen(err), ")");
            rc = -1;
        } else {
            seen[col] = k + 1;
        }
    }
    for (int s = 1; s < n_schema && !rc; s++)
        if (!seen[s]) {
            snprintf(err, FEED_CSV_ERR_BYTES, "%s:1: missing column %s of table %s", c->path, kS(names)[s], c->table_name);
            rc = -1;
        }
    /* Sent columns: the schema's order, time first when the file has it. */
    int first = seen[0] ? 0 : 1;
    c->n_cols = n_schema - first;
    c->col_types = calloc((size_t)n_schema, sizeof *c->col_types);
    c->col_names = calloc((size_t)n_schema, sizeof *c->col_names);
    c->field_col = calloc((size_t)c->n_fields, sizeof *c->field_col);
    if (!rc && (!c->col_types || !c->col_names || !c->field_col)) {
        snprintf(err, FEED_CSV_ERR_BYTES, "%s: out of memory", c->path);
        rc = -1;
    }
    for (int s = first; s < n_schema && !rc; s++) {
        int type = kK(vecs)[s]->t;
        if (!feed_parse_type_ok(type)) {
            snprintf(err, FEED_CSV_ERR_BYTES, "%s:1: column %s has type %d, which CSV replay cannot parse",
                     c->path, kS(names)[s], type);
            rc = -1;
        }
        c->col_types[s - first] = type;
        c->col_names[s - first] = kS(names)[s];
        c->field_col[seen[s] - 1] = s - first;
    }
    free(seen);
    return rc;
}

int feed_csv_open(struct feed_csv *c, const char *path, S table_name, int table, K empty_table, char *err)
{
    memset(c, 0, sizeof *c);
    c->path = path;
    c->table = table;
    c->table_name = table_name;
    if (!(c->file = fopen(path, "r"))) {
        snprintf(err, FEED_CSV_ERR_BYTES, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    long n = read_line(c);
    if (n < 0) {
        snprintf(err, FEED_CSV_ERR_BYTES, "%s:1: no header line (empty file)", path);
        feed_csv_close(c);
        return -1;
    }
    char *line = c->line;
    if (!strncmp(line, FEED_CSV_BOM, strlen(FEED_CSV_BOM))) line += strlen(FEED_CSV_BOM), n -= (long)strlen(FEED_CSV_BOM);
    K names = kK(empty_table->k)[0], vecs = kK(empty_table->k)[1];
    char why[FEED_WHY_BYTES];
    c->n_fields = (int)names->n;   /* room while counting; set to the real count below */
    c->fields = calloc((size_t)names->n + 2, sizeof *c->fields);
    int got = c->fields ? split(c, line, (size_t)n, why) : -1;
    if (got < 0 || got > names->n) {
        if (got > names->n) snprintf(why, sizeof why, "%d columns, table %s has %lld", got, table_name, (long long)names->n);
        snprintf(err, FEED_CSV_ERR_BYTES, "%s:1: bad header: %s", path, c->fields ? why : "out of memory");
        feed_csv_close(c);
        return -1;
    }
    c->n_fields = got;
    if (map_header(c, names, vecs, err)) { feed_csv_close(c); return -1; }
    return 0;
}

void feed_csv_close(struct feed_csv *c)
{
    if (c->file) fclose(c->file);
    free(c->field_col);
    free(c->col_types);
    free(c->col_names);
    free(c->fields);
    free(c->line);
    c->file = NULL;
    c->field_col = c->col_types = NULL;
    c->col_names = NULL;
    c->fields = NULL;
    c->line = NULL;
}

/* Parse the fields of one split line into row i of cols. Returns 0, or -1 (reported).
 * Ownership: cols borrowed. */
static int parse_row(struct feed_csv *c, K cols, J i)
{
    char why[FEED_WHY_BYTES];
    for (int k = 0; k < c->n_fields; k++) {
        int col = c->field_col[k];
        if (feed_parse_cell(kK(cols)[col], i, c->fields[k].text, c->fields[k].n, why)) {
            fprintf(stderr, "%s:%lld: column %s: %s\n", c->path, (long long)c->line_no, c->col_names[col], why);
            return -1;
        }
    }
    return 0;
}

K feed_csv_read(struct feed_csv *c, J max_rows, J *rows)
{
    *rows = 0;
    if (!c->file) return NULL;
    K cols = ktn(0, c->n_cols);
    for (int k = 0; k < c->n_cols; k++) kK(cols)[k] = ktn(c->col_types[k], max_rows);
    J n = 0;
    char why[FEED_WHY_BYTES];
    while (n < max_rows) {
        long len = read_line(c);
        if (len < 0) {
            if (ferror(c->file)) {
                fprintf(stderr, "%s:%lld: read error: %s\n", c->path, (long long)c->line_no + 1, strerror(errno));
                c->bad_lines++;
            }
            fclose(c->file);
            c->file = NULL;
            break;
        }
        if (len == 0) continue;   /* a blank line holds no row */
        int got = split(c, c->line, (size_t)len, why);
        if (got >= 0 && got != c->n_fields)
            snprintf(why, sizeof why, "%d fields, the header has %d", got, c->n_fields);
        if (got != c->n_fields) {
            fprintf(stderr, "%s:%lld: %s\n", c->path, (long long)c->line_no, why);
            c->bad_lines++;
            continue;
        }
        if (parse_row(c, cols, n)) { c->bad_lines++; continue; }
        n++;
    }
    c->good_rows += n;
    for (int k = 0; k < c->n_cols; k++) kK(cols)[k]->n = n;
    if (!n) { r0(cols); return NULL; }
    *rows = n;
    return cols;
}
