/* dsk_table.c: splayed tables (one column file each plus `.d`), the end-of-day partition
 * write (.Q.dpft: enumerate, stable sort by sym, `p#`, sym first) and the list of date
 * partitions. Column files are disk.c; the sym file dsk_sym.c.
 * SPDX-License-Identifier: MIT */
#include "disk_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DSK_DIR_MODE 0755
#define DSK_DATE_CHARS 10            /* YYYY.MM.DD */
#define DSK_DATE_DOT1 4              /* offsets of its two dots */
#define DSK_DATE_DOT2 7
#define DSK_YYYYMMDD_YEAR 10000      /* dj() gives year*10000 + month*100 + day */
#define DSK_YYYYMMDD_MONTH 100
#define DSK_SORT_KEY "sym"           /* the parted column, as .Q.dpft's f */
#define DSK_BATCH_FILES 32           /* column files written before their fdatasyncs */

int dsk_partition_path(char *out, size_t size, const char *root, I date, const char *name)
{
    I ymd_value = dj(date);
    int y = ymd_value / DSK_YYYYMMDD_YEAR;
    int m = ymd_value / DSK_YYYYMMDD_MONTH % DSK_YYYYMMDD_MONTH;
    int d = ymd_value % DSK_YYYYMMDD_MONTH;
    int n = name ? snprintf(out, size, "%s/%04d.%02d.%02d/%s", root, y, m, d, name)
                 : snprintf(out, size, "%s/%04d.%02d.%02d", root, y, m, d);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* mkdir -p path. Returns 0 or -1 with err. */
static int dsk_mkdirs(const char *path, char *err)
{
    char buf[DSK_PATH_BYTES];
    size_t len = strlen(path);
    if (len >= sizeof buf) return dsk_fail(err, path, "path too long");
    memcpy(buf, path, len + 1);
    for (size_t i = 1; i <= len; i++) {
        if (buf[i] != '/' && buf[i] != 0) continue;
        char c = buf[i];
        buf[i] = 0;
        if (mkdir(buf, DSK_DIR_MODE) && errno != EEXIST)
            return dsk_fail(err, path, "cannot create directory %s: %s", buf, strerror(errno));
        buf[i] = c;
    }
    return 0;
}

/* fsync a directory so the renames in it survive a power cut. */
static int dsk_sync_dir(const char *dir, char *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return dsk_fail(err, dir, "cannot open directory: %s", strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    (void)close(fd);          /* read-only directory handle */
    return rc ? dsk_fail(err, dir, "cannot fsync directory: %s", strerror(e)) : 0;
}

/* A table's names and its list of columns. Ownership: t borrowed; returns borrowed. */
static K dsk_table_names(K t) { return kK(t->k)[0]; }
static K dsk_table_columns(K t) { return kK(t->k)[1]; }

/* Can name be a column file's name: not empty, no '/', no leading '.' (hidden: .d and
 * temp files), no trailing '#' (a nested column's items file). */
static int dsk_name_ok(S name)
{
    size_t len = strlen(name);
    return len && name[0] != '.' && !strchr(name, '/') && name[len - 1] != DSK_NESTED_SUFFIX[0];
}

/* Can table be splayed: a table whose names are plain file names and whose columns are
 * vectors or lists. Ownership: table borrowed. Returns 0 or -1 with err naming dir. */
static int dsk_table_check(const char *dir, K table, char *err)
{
    if (!table || table->t != XT)
        return dsk_fail(err, dir, table && table->t == XD
                        ? "keyed tables cannot be splayed: unkey first"
                        : "not a table (type %d)", table ? table->t : 0);
    K names = dsk_table_names(table), cols = dsk_table_columns(table);
    for (J i = 0; i < names->n; i++) {
        S name = kS(names)[i];
        if (!dsk_name_ok(name))
            return dsk_fail(err, dir, "column name `%s cannot be a file name", name);
        K col = kK(cols)[i];
        if (col->t < 0 || col->t > KT)
            return dsk_fail(err, dir, "unmappable: column %s has type %d", name, col->t);
    }
    return 0;
}

/* How dsk_splay writes a table; all fields optional (0/NULL: as the table is). */
struct dsk_splay_plan {
    const J *perm;      /* row order for nested columns: items perm[0], perm[1], ... */
    const J *pos;       /* row order for vectors: row i goes to pos[i] (perm inverted) */
    G *scratch;         /* rows * widest item bytes, for scattering through pos */
    const J *order;     /* column order: indexes into the table's columns */
    const int *attrs;   /* attribute per column (table order) */
    J key;              /* column already enumerated (-1: none) */
    K key_idx;          /* its enumeration indexes, borrowed */
};

/* Scatter loop for one item width; reads run in row order and the writes form one
 * sequential stream per symbol, which is far kinder to caches than a gather. */
#define DSK_SCATTER(T) { \
    T *d = (T *)(void *)dst; const T *s = (const T *)(const void *)src; \
    for (J i = 0; i < n; i++) d[pos[i]] = s[i]; }

/* dst[pos[i]] = src[i] for n items of width bytes. */
static void dsk_scatter(G *dst, const G *src, int width, const J *pos, J n)
{
    switch (width) {
    case 1: DSK_SCATTER(uint8_t); break;
    case 2: DSK_SCATTER(uint16_t); break;
    case 4: DSK_SCATTER(uint32_t); break;
    case 8: DSK_SCATTER(uint64_t); break;
    default:
        for (J i = 0; i < n; i++) memcpy(dst + pos[i] * width, src + i * width, (size_t)width);
        break;
    }
}
#undef DSK_SCATTER

/* Start writing a vector or symbol-index file of n items into w, reordered as plan
 * says; the caller commits it. Returns 0/-1. */
static int dsk_write_rows(struct dsk_writer *w, const char *path, int kind, int item_type,
                          int attr, const G *items, J n, const struct dsk_splay_plan *plan,
                          char *err)
{
    struct dsk_header h;
    dsk_header_init(&h, kind, item_type, attr, n, 0);
    if (plan->pos) {
        dsk_scatter(plan->scratch, items, dsk_item_bytes(item_type), plan->pos, n);
        items = plan->scratch;
    }
    return dsk_file_start(w, path, &h, items, NULL, err);
}

/* Write one column of a splayed table: symbols enumerated against root/sym (or given as
 * idx), rows reordered as plan says. A vector or symbol column is left in w, finished
 * but not committed (*is_pending set); a nested one is committed at once.
 * Ownership: col and idx borrowed. Returns 0/-1. */
static int dsk_splay_column(struct dsk_writer *w, int *is_pending, const char *path, K col,
                            K idx, const char *root, const struct dsk_splay_plan *plan,
                            int attr, char *err)
{
    *is_pending = 0;
    if (col->t == 0) return dsk_column_write_perm(path, col, plan->perm, attr, err);
    int rc;
    if (col->t != KS) {
        rc = dsk_write_rows(w, path, DSK_KIND_VECTOR, col->t, attr, kG(col), col->n, plan, err);
    } else {
        if (!root) return dsk_fail(err, path, "symbol column but no root for the sym file");
        K own = NULL;
        if (!idx && dsk_sym_enumerate(root, col, &own, err)) return -1;
        if (!idx) idx = own;
        rc = dsk_write_rows(w, path, DSK_KIND_SYM, idx->t, attr, kG(idx), idx->n, plan, err);
        r0(own);
    }
    *is_pending = rc == 0;
    return rc;
}

/* Commit the pending writers (fdatasync each, then rename), or abort them all when
 * failed is set or a commit fails. Returns 0/-1. */
static int dsk_commit_pending(struct dsk_writer *pending, int n, int failed, char *err)
{
    for (int i = 0; i < n; i++) {
        if (failed) { dsk_writer_abort(&pending[i]); continue; }
        if (dsk_writer_commit(&pending[i], NULL, err)) failed = 1;
    }
    return failed ? -1 : 0;
}

/* Write table's columns into dir as plan says, then .d, then fsync dir. Columns are
 * written in batches whose fdatasyncs come after the whole batch is written, so the
 * disk writes one column back while the next is being prepared.
 * Ownership: table borrowed. Returns 0/-1. */
static int dsk_splay(const char *dir, K table, const char *root,
                     const struct dsk_splay_plan *plan, char *err)
{
    if (dsk_mkdirs(dir, err)) return -1;
    K names = dsk_table_names(table), cols = dsk_table_columns(table);
    K ordered = ktn(KS, names->n);
    struct dsk_writer *pending = malloc(DSK_BATCH_FILES * sizeof *pending);
    if (!ordered || !pending) { r0(ordered); free(pending); return dsk_fail(err, dir, "out of memory"); }
    char path[DSK_PATH_BYTES];
    int npending = 0, rc = 0;
    for (J k = 0; k < names->n && rc == 0; k++) {
        J i = plan->order ? plan->order[k] : k;
        kS(ordered)[k] = kS(names)[i];
        K col = kK(cols)[i];
        K idx = i == plan->key ? plan->key_idx : NULL;
        int attr = plan->attrs ? plan->attrs[i] : col->a, is_pending = 0;
        if (snprintf(path, sizeof path, "%s/%s", dir, kS(names)[i]) >= (int)sizeof path)
            rc = dsk_fail(err, dir, "path too long");
        else rc = dsk_splay_column(&pending[npending], &is_pending, path, col, idx, root, plan,
                                   attr, err);
        npending += is_pending;
        if (rc == 0 && npending == DSK_BATCH_FILES) {
            rc = dsk_commit_pending(pending, npending, 0, err);
            npending = 0;
        }
    }
    rc = dsk_commit_pending(pending, npending, rc, err);
    free(pending);
    if (rc == 0)
        rc = snprintf(path, sizeof path, "%s/%s", dir, DSK_ORDER_FILE) >= (int)sizeof path
             ? dsk_fail(err, dir, "path too long") : dsk_names_write(path, ordered, err);
    r0(ordered);
    return rc ? rc : dsk_sync_dir(dir, err);
}

int dsk_table_write(const char *dir, K table, const char *root, char *err)
{
    if (dsk_table_check(dir, table, err)) return -1;
    err[0] = 0;
    struct dsk_splay_plan plan = { .key = -1 };
    return dsk_splay(dir, table, root, &plan, err);
}

K dsk_table_load(const char *dir, K syms, char *err)
{
    char path[DSK_PATH_BYTES];
    if (snprintf(path, sizeof path, "%s/%s", dir, DSK_ORDER_FILE) >= (int)sizeof path) {
        dsk_fail(err, dir, "path too long");
        return NULL;
    }
    K names = dsk_names_read(path, err);
    if (!names) return NULL;
    K cols = ktn(0, names->n);
    if (!cols) { r0(names); dsk_fail(err, dir, "out of memory"); return NULL; }
    for (J i = 0; i < names->n; i++) {
        if (!dsk_name_ok(kS(names)[i])) {   /* e.g. "../x": never open outside dir */
            dsk_fail(err, dir, "corrupt %s: column name `%s is not a file name",
                     DSK_ORDER_FILE, kS(names)[i]);
            goto fail;
        }
        if (snprintf(path, sizeof path, "%s/%s", dir, kS(names)[i]) >= (int)sizeof path) {
            dsk_fail(err, dir, "path too long");
            goto fail;
        }
        K col = dsk_column_map(path, syms, err);
        if (!col) goto fail;
        kK(cols)[i] = col;
        if (col->n != kK(cols)[0]->n) {
            dsk_fail(err, path, "length: %lld rows, but column %s has %lld",
                     (long long)col->n, kS(names)[0], (long long)kK(cols)[0]->n);
            goto fail;
        }
    }
    K table = xT(xD(names, cols));
    if (!table) dsk_fail(err, dir, "cannot build the table");
    return table;
fail:
    r0(names);
    r0(cols);
    return NULL;
}

int dsk_table_stat(const char *dir, K *names, K *types, J *rows, char *err)
{
    char path[DSK_PATH_BYTES];
    *names = *types = NULL;
    *rows = 0;
    if (snprintf(path, sizeof path, "%s/%s", dir, DSK_ORDER_FILE) >= (int)sizeof path)
        return dsk_fail(err, dir, "path too long");
    K n = dsk_names_read(path, err);
    if (!n) return -1;
    K t = ktn(KH, n->n);
    if (!t) { r0(n); return dsk_fail(err, dir, "out of memory"); }
    for (J i = 0; i < n->n; i++) {
        int type;
        J count;
        if (!dsk_name_ok(kS(n)[i])) {
            dsk_fail(err, dir, "corrupt %s: column name `%s is not a file name",
                     DSK_ORDER_FILE, kS(n)[i]);
            goto fail;
        }
        if (snprintf(path, sizeof path, "%s/%s", dir, kS(n)[i]) >= (int)sizeof path) {
            dsk_fail(err, dir, "path too long");
            goto fail;
        }
        if (dsk_column_stat(path, &type, &count, err)) goto fail;
        if (i && count != *rows) {
            dsk_fail(err, path, "length: %lld rows, but column %s has %lld",
                     (long long)count, kS(n)[0], (long long)*rows);
            goto fail;
        }
        kH(t)[i] = (H)type;
        *rows = count;
    }
    *names = n;
    *types = t;
    return 0;
fail:
    r0(n);
    r0(t);
    return -1;
}

/* ---- partitions ------------------------------------------------------------------ */

struct dsk_rank_entry {
    S sym;       /* the symbol's text */
    J index;     /* its enumeration index */
};

static int dsk_rank_cmp(const void *a, const void *b)
{
    return strcmp(((const struct dsk_rank_entry *)a)->sym,
                  ((const struct dsk_rank_entry *)b)->sym);
}

/* Where each row goes when the rows are stably sorted by symbol text (as `sym xasc`),
 * from the enumeration indexes idx (KI or KJ) of symcol: the distinct symbols are
 * sorted, then one counting pass places the rows. Ownership: symcol and idx borrowed.
 * Returns a malloc'd array of n, or NULL when memory runs out. */
static J *dsk_sort_by_sym(K symcol, K idx)
{
    J n = idx->n, top = 0;
    for (J i = 0; i < n; i++) {
        J v = idx->t == KI ? kI(idx)[i] : kJ(idx)[i];
        if (v + 1 > top) top = v + 1;
    }
    J *rank = malloc((size_t)(top + 1) * sizeof(J));   /* index -> rank, then counts */
    J *start = malloc((size_t)(top + 2) * sizeof(J));  /* rank -> first row position */
    J *pos = malloc((size_t)(n + 1) * sizeof(J));
    struct dsk_rank_entry *distinct = malloc((size_t)(top + 1) * sizeof *distinct);
    if (!rank || !start || !pos || !distinct) goto fail;
    for (J v = 0; v < top; v++) rank[v] = -1;
    J nd = 0;
    for (J i = 0; i < n; i++) {
        J v = idx->t == KI ? kI(idx)[i] : kJ(idx)[i];
        if (rank[v] < 0) { rank[v] = 0; distinct[nd++] = (struct dsk_rank_entry){ kS(symcol)[i], v }; }
    }
    qsort(distinct, (size_t)nd, sizeof *distinct, dsk_rank_cmp);
    for (J r = 0; r <= nd; r++) start[r] = 0;
    for (J r = 0; r < nd; r++) rank[distinct[r].index] = r;
    for (J i = 0; i < n; i++) start[rank[idx->t == KI ? kI(idx)[i] : kJ(idx)[i]] + 1]++;
    for (J r = 0; r < nd; r++) start[r + 1] += start[r];
    for (J i = 0; i < n; i++) pos[i] = start[rank[idx->t == KI ? kI(idx)[i] : kJ(idx)[i]]]++;
    free(rank);
    free(start);
    free(distinct);
    return pos;
fail:
    free(rank);
    free(start);
    free(pos);
    free(distinct);
    return NULL;
}

/* Column order with key first, the others in table order (.Q.dpft's .d). */
static void dsk_key_first(J *order, J ncols, J key)
{
    order[0] = key;
    for (J i = 0, k = 1; i < ncols; i++) if (i != key) order[k++] = i;
}

/* The plan for writing table's rows in pos order: perm (for nested columns only) and a
 * scratch buffer as wide as the widest vector column. Returns 0, or -1 (no memory). */
static int dsk_plan_rows(struct dsk_splay_plan *plan, K table, K idx, J *pos)
{
    K cols = dsk_table_columns(table);
    J n = idx->n, width = dsk_item_bytes(idx->t);
    int nested = 0;
    for (J i = 0; i < cols->n; i++) {
        K col = kK(cols)[i];
        J w = col->t == KS ? (J)sizeof(J) : dsk_item_bytes(col->t);  /* KS: widest index */
        if (col->t == 0) nested = 1;
        else if (w > width) width = w;
    }
    plan->pos = pos;
    plan->scratch = malloc((size_t)(n * width) + 1);
    J *perm = nested ? malloc((size_t)(n + 1) * sizeof(J)) : NULL;
    plan->perm = perm;
    if (!plan->scratch || (nested && !perm)) return -1;
    if (perm) for (J i = 0; i < n; i++) perm[pos[i]] = i;
    return 0;
}

int dsk_partition_write(const char *root, I date, const char *name, K table, char *err)
{
    char dir[DSK_PATH_BYTES];
    if (dsk_partition_path(dir, sizeof dir, root, date, name))
        return dsk_fail(err, root, "partition path too long");
    if (dsk_table_check(dir, table, err)) return -1;
    K names = dsk_table_names(table), cols = dsk_table_columns(table);
    J key = -1;
    for (J i = 0; i < names->n; i++) if (!strcmp(kS(names)[i], DSK_SORT_KEY)) key = i;
    if (key < 0 || kK(cols)[key]->t != KS)
        return dsk_fail(err, dir, "no symbol column `%s to part on", DSK_SORT_KEY);
    K symcol = kK(cols)[key], idx = NULL;
    if (dsk_sym_enumerate(root, symcol, &idx, err)) return -1;
    J *pos = dsk_sort_by_sym(symcol, idx);
    J *order = malloc((size_t)names->n * sizeof(J));
    int *attrs = calloc((size_t)names->n, sizeof(int));   /* the reorder breaks attributes */
    struct dsk_splay_plan plan = { .order = order, .attrs = attrs, .key = key, .key_idx = idx };
    int rc = -1;
    err[0] = 0;
    if (!pos || !order || !attrs || dsk_plan_rows(&plan, table, idx, pos)) {
        dsk_fail(err, dir, "out of memory sorting %lld rows by sym", (long long)idx->n);
        goto out;
    }
    dsk_key_first(order, names->n, key);
    attrs[key] = K_ATTR_PARTED;
    rc = dsk_splay(dir, table, root, &plan, err);
out:
    r0(idx);
    free(pos);
    free((void *)plan.perm);
    free(plan.scratch);
    free(order);
    free(attrs);
    return rc;
}

/* Parse a YYYY.MM.DD directory name into days since 2000.01.01; -1 if it is not one. */
static int dsk_parse_date(const char *s, I *days)
{
    if (strlen(s) != DSK_DATE_CHARS || s[DSK_DATE_DOT1] != '.' || s[DSK_DATE_DOT2] != '.')
        return -1;
    for (int i = 0; i < DSK_DATE_CHARS; i++)
        if (i != DSK_DATE_DOT1 && i != DSK_DATE_DOT2 && (s[i] < '0' || s[i] > '9')) return -1;
    int y = atoi(s), m = atoi(s + DSK_DATE_DOT1 + 1), d = atoi(s + DSK_DATE_DOT2 + 1);
    I v = ymd(y, m, d);
    if (dj(v) != y * DSK_YYYYMMDD_YEAR + m * DSK_YYYYMMDD_MONTH + d) return -1;  /* 2024.02.30 */
    *days = v;
    return 0;
}

static int dsk_int_cmp(const void *a, const void *b)
{
    I x = *(const I *)a, y = *(const I *)b;
    return (x > y) - (x < y);
}

K dsk_partitions(const char *root, char *err)
{
    DIR *d = opendir(root);
    if (!d) { dsk_fail(err, root, "cannot read the database root: %s", strerror(errno)); return NULL; }
    K dates = ktn(KD, 0);
    struct dirent *e;
    char path[DSK_PATH_BYTES];
    struct stat st;
    while (dates && (e = readdir(d))) {
        I v;
        if (e->d_name[0] == '.' || dsk_parse_date(e->d_name, &v)) continue;
        if (snprintf(path, sizeof path, "%s/%s", root, e->d_name) >= (int)sizeof path) continue;
        if (stat(path, &st) || !S_ISDIR(st.st_mode)) continue;
        if (!ja(&dates, &v)) { r0(dates); dates = NULL; }
    }
    (void)closedir(d);        /* read-only handle */
    if (!dates) { dsk_fail(err, root, "out of memory listing partitions"); return NULL; }
    qsort(kI(dates), (size_t)dates->n, sizeof(I), dsk_int_cmp);
    return dates;
}
