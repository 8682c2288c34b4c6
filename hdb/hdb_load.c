/* hdb_load.c: the partitioned database as the interpreter sees it: a load records each
 * table's partitions and checks their files (nothing is mapped); queries get, through
 * qSQL's table-source hook (qsql.h), a table built from the partitions their leading
 * date constraints keep; a message that uses a table outside a from clause gets the
 * whole history materialised into its global (hdb_prepare). Limits: hdb.h.
 * SPDX-License-Identifier: MIT */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "disk.h"
#include "hdb.h"
#include "log.h"
#include "qnative.h"
#include "qsql.h"

#define HDB_MS_PER_S 1000
#define HDB_NS_PER_MS 1000000
#define HDB_DATE_COLUMN "date"

/* One table of the last load. */
struct hdb_table {
    S name;      /* the table (and its global) */
    K stub;      /* the global set at load: date and the columns, no rows (owned) */
    K full;      /* the whole history, set as the global when a message needed it; else
                    NULL (owned) */
    K names;     /* KS: the columns in .d order, date excluded (owned) */
    K types;     /* KH: their types as loaded (KS for symbols, 0 nested) (owned) */
    K dates;     /* KD: the partitions holding the table, ascending (owned) */
    K rows;      /* KJ: each one's rows at load, -1 when its files were bad (owned) */
    K cache;     /* the last single-partition view's partition: (index; its columns,
                    :: where not loaded), or NULL. It keeps r > 0 on the mapped
                    columns, so q copies them instead of growing a mapping (owned) */
    K joined;    /* the last several-partition view: (KJ partitions; per column its join,
                    :: where not made), or NULL: a repeated query over the same dates
                    copies nothing (owned) */
};

static struct hdb_table *hdb_tabs;   /* the tables of the last load */
static J hdb_ntabs;                  /* how many */
static K hdb_syms;                   /* KS: the root sym domain of the last load (owned) */
static char hdb_root_dir[HDB_PATH_BYTES];   /* the root of the last load */

static J hdb_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (J)ts.tv_sec * HDB_MS_PER_S + ts.tv_nsec / HDB_NS_PER_MS;
}

/* The table directories of partition date (sorted names). Ownership: returns new KS. */
static K hdb_tables_of(const char *root, I date, char *err)
{
    char dir[HDB_PATH_BYTES];
    if (dsk_partition_path(dir, sizeof dir, root, date, NULL)) {
        snprintf(err, DSK_ERR_BYTES, "%.300s: path too long", root);
        return NULL;
    }
    struct dirent **ents;
    int n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) { snprintf(err, DSK_ERR_BYTES, "%.300s: cannot list", dir); return NULL; }
    K names = ktn(KS, 0);
    for (int i = 0; i < n; i++) {
        char path[HDB_PATH_BYTES];
        struct stat st;
        const char *e = ents[i]->d_name;
        int is_dir = e[0] != '.' && snprintf(path, sizeof path, "%s/%s", dir, e) < (int)sizeof path
            && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        if (names && is_dir && !js(&names, ss(e))) { r0(names); names = NULL; }
        free(ents[i]);
    }
    free(ents);
    if (!names) snprintf(err, DSK_ERR_BYTES, "%.300s: out of memory", dir);
    return names;
}

static void hdb_table_fini(struct hdb_table *t)
{
    r0(t->stub); r0(t->full); r0(t->names); r0(t->types); r0(t->dates); r0(t->rows);
    r0(t->cache); r0(t->joined);
    memset(t, 0, sizeof *t);
}

static void hdb_tables_free(void)
{
    for (J i = 0; i < hdb_ntabs; i++) hdb_table_fini(&hdb_tabs[i]);
    free(hdb_tabs);
    hdb_tabs = NULL;
    hdb_ntabs = 0;
}

/* The empty table the global holds until a message needs the rows: a date column, then
 * t's columns with their types. Ownership: returns new. */
static K hdb_stub_new(const struct hdb_table *t)
{
    K names = ktn(KS, t->names->n + 1), cols = ktn(0, t->names->n + 1);
    kS(names)[0] = ss(HDB_DATE_COLUMN);
    kK(cols)[0] = ktn(KD, 0);
    for (J c = 0; c < t->names->n; c++) {
        kS(names)[c + 1] = kS(t->names)[c];
        kK(cols)[c + 1] = ktn(kH(t->types)[c], 0);
    }
    return xT(xD(names, cols));
}

/* The columns of table t->name as its latest good partition holds them (kdb+ takes the
 * tables from the latest partition too): t->names and t->types, or both NULL. */
static void hdb_table_schema(struct hdb_table *t, const char *root, K dates)
{
    char path[HDB_PATH_BYTES], why[DSK_ERR_BYTES];
    for (J p = dates->n - 1; p >= 0 && !t->names; p--) {
        J rows;
        if (dsk_partition_path(path, sizeof path, root, kI(dates)[p], t->name) == 0
            && dsk_table_stat(path, &t->names, &t->types, &rows, why) != 0)
            t->names = t->types = NULL;
    }
}

/* Record table t->name: the partitions of dates holding it, each checked without
 * mapping (dsk_table_stat); the latest good one gives the columns. A bad partition is
 * logged and kept, so that the queries reading it fail with its path while the others
 * are served; one whose columns differ from the latest's too. Returns 0, or -1 with err
 * when no partition is usable (err: the first failure). Ownership: dates borrowed. */
static int hdb_table_record(struct hdb_table *t, const char *root, K dates, char *err)
{
    t->dates = ktn(KD, 0);
    t->rows = ktn(KJ, 0);
    hdb_table_schema(t, root, dates);
    char path[HDB_PATH_BYTES], why[DSK_ERR_BYTES];
    for (J p = 0; p < dates->n; p++) {
        I d = kI(dates)[p];
        struct stat st;
        if (dsk_partition_path(path, sizeof path, root, d, t->name)) {
            snprintf(err, DSK_ERR_BYTES, "%.300s: path too long", root);
            return -1;
        }
        if (stat(path, &st) != 0) {  /* absent that day: no rows (.Q.chk would fill) */
            log_warn("hdb: %s: missing; the partition contributes no %s rows", path, t->name);
            continue;
        }
        K names, types;
        J rows;
        if (dsk_table_stat(path, &names, &types, &rows, why) != 0) rows = -1;
        else {
            if (!t->names || !k_match(names, t->names) || !k_match(types, t->types)) {
                snprintf(why, sizeof why, "%.300s: columns (names or types) differ from "
                         "the latest partition's", path);
                rows = -1;
            }
            r0(names);
            r0(types);
        }
        if (rows < 0) {
            log_error("hdb: table %s: %s", t->name, why);
            if (!err[0]) snprintf(err, DSK_ERR_BYTES, "%s", why);
        }
        if (!ja(&t->dates, &d) || !ja(&t->rows, &rows)) {
            snprintf(err, DSK_ERR_BYTES, "%.300s: wsfull", path);
            return -1;
        }
    }
    if (!t->names) {
        if (!err[0]) snprintf(err, DSK_ERR_BYTES, "no partition holds the table");
        return -1;
    }
    err[0] = 0;
    t->stub = hdb_stub_new(t);
    return t->stub ? 0 : -1;
}


/* ---- views: the table a query runs on ----------------------------------------------- */

/* The path of column c of partition p of t into path (HDB_PATH_BYTES). 0, or -1 with err. */
static int hdb_column_path(const struct hdb_table *t, J p, J c, char *path, char *err)
{
    char dir[HDB_PATH_BYTES];
    if (dsk_partition_path(dir, sizeof dir, hdb_root_dir, kI(t->dates)[p], t->name)
        || snprintf(path, HDB_PATH_BYTES, "%s/%s", dir, kS(t->names)[c]) >= HDB_PATH_BYTES) {
        snprintf(err, DSK_ERR_BYTES, "%.300s: path too long", hdb_root_dir);
        return -1;
    }
    return 0;
}

/* Is the cached column c of partition p still what its file holds (a file cut short
 * under a mapping faults when read)? A header read per column and query: microseconds.
 * 0, or -1 with err naming the path. */
static int hdb_column_check(const struct hdb_table *t, J p, J c, char *err)
{
    char path[HDB_PATH_BYTES];
    int type;
    J count;
    if (hdb_column_path(t, p, c, path, err) || dsk_column_stat(path, &type, &count, err))
        return -1;
    if (type == kH(t->types)[c] && count == kJ(t->rows)[p]) return 0;
    snprintf(err, DSK_ERR_BYTES, "%.300s: type %d, %lld rows; the load saw type %d, %lld "
             "rows (reload after changing files)", path, type, (long long)count,
             (int)kH(t->types)[c], (long long)kJ(t->rows)[p]);
    return -1;
}

/* Column c of partition p of t, mapped (symbols resolved), from the cache or the file;
 * checked against the rows the load saw. Ownership: returns new, or NULL with err. */
static K hdb_column_load(struct hdb_table *t, J p, J c, char *err)
{
    char path[HDB_PATH_BYTES];
    if (hdb_column_path(t, p, c, path, err)) return NULL;
    K col = dsk_column_map(path, hdb_syms, err);
    if (!col) return NULL;
    if (col->t != kH(t->types)[c] || col->n != kJ(t->rows)[p]) {
        snprintf(err, DSK_ERR_BYTES, "%.300s: type %d, %lld rows; the load saw type %d, "
                 "%lld rows (reload after changing files)", path, (int)col->t,
                 (long long)col->n, (int)kH(t->types)[c], (long long)kJ(t->rows)[p]);
        r0(col);
        return NULL;
    }
    return col;
}

/* A partition whose files were bad at load: checked again, so that the error names the
 * path as it is now. Returns NULL with err. */
static K hdb_part_bad(struct hdb_table *t, J p, char *err)
{
    char path[HDB_PATH_BYTES];
    K names, types;
    J rows;
    if (dsk_partition_path(path, sizeof path, hdb_root_dir, kI(t->dates)[p], t->name)) {
        snprintf(err, DSK_ERR_BYTES, "%.300s: path too long", hdb_root_dir);
        return NULL;
    }
    if (dsk_table_stat(path, &names, &types, &rows, err) != 0) return NULL;
    r0(names);
    r0(types);
    snprintf(err, DSK_ERR_BYTES, "%.300s: its columns differ from the latest partition's "
             "or it was fixed since the load (reload)", path);
    return NULL;
}

/* The columns sel of partition p as a general list (borrowed from the cache, which now
 * holds p only), or NULL with err. A partition whose files were bad at load is read
 * again, so its error names the path as it is now. */
static K hdb_part_columns(struct hdb_table *t, J p, K sel, char *err)
{
    if (t->cache && kJ(kK(t->cache)[0])[0] != p) { r0(t->cache); t->cache = NULL; }
    if (!t->cache) {
        K cols = ktn(0, t->names->n);
        for (J c = 0; c < cols->n; c++) kK(cols)[c] = k_identity();
        K at = ktn(KJ, 1);
        kJ(at)[0] = p;
        t->cache = knk(2, at, cols);
    }
    K cols = kK(t->cache)[1];
    if (kJ(t->rows)[p] < 0) return hdb_part_bad(t, p, err);
    for (J k = 0; k < sel->n; k++) {
        J c = kJ(sel)[k];
        if (kK(cols)[c] != k_identity() && hdb_column_check(t, p, c, err) == 0) continue;
        if (err[0]) return NULL;   /* changed since it was mapped: reading it could fault */
        K col = hdb_column_load(t, p, c, err);
        if (!col) return NULL;
        r0(kK(cols)[c]);
        kK(cols)[c] = col;
    }
    return cols;
}

/* Column c over the partitions keep (KJ indexes), copied into one vector (a K vector is
 * one block and the partitions' files are not adjacent in memory; symbols are resolved
 * straight into it), or NULL with err. */
static K hdb_column_join(struct hdb_table *t, K keep, J c, J rows, char *err)
{
    int type = kH(t->types)[c];
    K out = ktn(type, rows);
    if (!out) { snprintf(err, DSK_ERR_BYTES, "wsfull"); return NULL; }
    char path[HDB_PATH_BYTES];
    J at = 0;
    for (J k = 0; k < keep->n; k++) {
        J p = kJ(keep)[k], got = -1;
        if (hdb_column_path(t, p, c, path, err) == 0) {
            got = dsk_column_copy_into(path, out, at, hdb_syms, err);
            if (got >= 0 && got != kJ(t->rows)[p]) {
                snprintf(err, DSK_ERR_BYTES, "%.300s: %lld rows; the load saw %lld (reload "
                         "after changing files)", path, (long long)got, (long long)kJ(t->rows)[p]);
                got = -1;
            }
        }
        if (got < 0) {
            if (type == 0) for (J i = at; i < rows; i++) kK(out)[i] = k_identity();
            r0(out);
            return NULL;
        }
        at += got;
    }
    return out;
}

/* The joins of the partitions keep: t->joined's columns (borrowed), emptied first when
 * it was made for other partitions. Keeping them costs what the last query over several
 * dates read, until a query over other dates or a reload; a repeated query copies
 * nothing, and the joins' r > 0 makes q copy before it grows one. */
static K hdb_joins(struct hdb_table *t, K keep)
{
    if (t->joined && !k_match(kK(t->joined)[0], keep)) { r0(t->joined); t->joined = NULL; }
    if (!t->joined) {
        K cols = ktn(0, t->names->n);
        for (J c = 0; c < cols->n; c++) kK(cols)[c] = k_identity();
        t->joined = knk(2, r1(keep), cols);
    }
    return kK(t->joined)[1];
}

/* The table over partitions keep (KJ indexes into t->dates) with the columns sel (KJ
 * indexes into t->names), after the date column when with_date (sel empty needs it: a
 * table's row count is its first column's). One partition: its mapped columns, shared
 * with the cache (no copy but date and resolved symbols); several: one copy per column.
 * Ownership: returns new (an error value naming the path when a file is bad). */
static K hdb_view(struct hdb_table *t, K keep, K sel, int with_date)
{
    char err[DSK_ERR_BYTES] = "";
    J rows = 0, d0 = with_date ? 1 : 0;
    for (J k = 0; k < keep->n; k++) {
        J n = kJ(t->rows)[kJ(keep)[k]];
        rows += n > 0 ? n : 0;
    }
    K names = ktn(KS, sel->n + d0), cols = ktn(0, sel->n + d0);
    for (J k = 0; k < sel->n; k++) {
        kS(names)[k + d0] = kS(t->names)[kJ(sel)[k]];
        kK(cols)[k + d0] = k_identity();
    }
    if (with_date) {   /* 4 bytes a row written per query: only when the query names it */
        K date = ktn(KD, rows);
        kS(names)[0] = ss(HDB_DATE_COLUMN);
        kK(cols)[0] = date;
        J at = 0;
        for (J k = 0; k < keep->n; k++) {
            I d = kI(t->dates)[kJ(keep)[k]];
            for (J r = 0, n = kJ(t->rows)[kJ(keep)[k]]; r < n; r++) kI(date)[at++] = d;
        }
    }
    for (J k = 0; k < keep->n && !err[0]; k++)   /* even when no column of it is read */
        if (kJ(t->rows)[kJ(keep)[k]] < 0) hdb_part_bad(t, kJ(keep)[k], err);
    K one = keep->n == 1 && !err[0] ? hdb_part_columns(t, kJ(keep)[0], sel, err) : NULL;
    if (keep->n == 1) { r0(t->joined); t->joined = NULL; }   /* other dates: free them */
    K joins = keep->n != 1 && !err[0] ? hdb_joins(t, keep) : NULL;
    for (J k = 0; k < sel->n && !err[0]; k++) {
        J c = kJ(sel)[k];
        if (joins && kK(joins)[c] == k_identity()) {
            K col = hdb_column_join(t, keep, c, rows, err);
            if (col) { r0(kK(joins)[c]); kK(joins)[c] = col; }
        }
        K col = one ? r1(kK(one)[c]) : joins && !err[0] ? r1(kK(joins)[c]) : NULL;
        if (col) { r0(kK(cols)[k + d0]); kK(cols)[k + d0] = col; }
    }
    if (err[0]) {
        log_error("hdb: query on %s: %s", t->name, err);
        r0(names);
        r0(cols);
        return krr(err);
    }
    K r = xT(xD(names, cols));
    return r ? r : krr("length");
}

/* Keep only the partitions whose date d satisfies (op; value); 0, or -1 when value's
 * type does not fit op (the constraint is then left to the query). Ownership: borrowed. */
static int hdb_prune_one(struct hdb_table *t, G *mask, const char *op, K v)
{
    int atom = v->t == -KD, pair = v->t == KD && v->n == 2, list = v->t == KD;
    if (!strcmp(op, "within") ? !pair : !strcmp(op, "in") ? !(atom || list) : !atom) return -1;
    for (J p = 0; p < t->dates->n; p++) {
        I d = kI(t->dates)[p];
        int hit = 0;
        if (!strcmp(op, "=")) hit = d == v->i;
        else if (!strcmp(op, "<")) hit = d < v->i;
        else if (!strcmp(op, "<=")) hit = d <= v->i;
        else if (!strcmp(op, ">")) hit = d > v->i;
        else if (!strcmp(op, ">=")) hit = d >= v->i;
        else if (!strcmp(op, "within")) hit = kI(v)[0] <= d && d <= kI(v)[1];
        else if (atom) hit = d == v->i;
        else for (J i = 0; i < v->n && !hit; i++) hit = d == kI(v)[i];
        mask[p] &= (G)hit;
    }
    return 0;
}

/* The first row of each kept partition in a view that joins them (the virtual i
 * counts from 0 in each), or NULL for one partition. Ownership: keep borrowed; new. */
static K hdb_starts(const struct hdb_table *t, K keep)
{
    if (keep->n < 2) return NULL;
    K starts = ktn(KJ, keep->n);
    J at = 0;
    for (J k = 0; starts && k < keep->n; k++) {
        J n = kJ(t->rows)[kJ(keep)[k]];
        kJ(starts)[k] = at;
        at += n > 0 ? n : 0;
    }
    return starts;
}

/* What a query on a loaded table reads: the table (NULL: req->from is not one), the
 * partitions its leading date constraints keep (*keep, counted in *used), the columns
 * the phrases and the remaining constraints name (*sel), and whether the date column
 * is named. Ownership: *keep and *sel new when a table is returned. */
static struct hdb_table *hdb_plan(const qsql_source_req *req, J *used, K *keep, K *sel,
                                  int *with_date)
{
    struct hdb_table *t = NULL;
    for (J i = 0; i < hdb_ntabs && !t; i++)
        if (hdb_tabs[i].stub == req->from || (hdb_tabs[i].full && hdb_tabs[i].full == req->from))
            t = &hdb_tabs[i];
    if (!t) return NULL;
    /* leading constraints on the virtual date column choose the partitions */
    K mask = ktn(KB, t->dates->n);
    memset(kG(mask), 1, (size_t)mask->n);
    const char *op;
    S col;
    K v;
    *used = 0;
    while (qsql_source_constraint(req, *used, &op, &col, &v)) {
        int fits = col == ss(HDB_DATE_COLUMN) && hdb_prune_one(t, kG(mask), op, v) == 0;
        r0(v);
        if (!fits) break;
        (*used)++;
    }
    *keep = ktn(KJ, 0);
    *sel = ktn(KJ, 0);
    for (J p = 0; p < mask->n; p++) if (kG(mask)[p]) ja(keep, &p);
    r0(mask);
    /* the columns the phrases and the constraints still to apply name; the date column
     * (4 bytes a row written per query) only when one of them names it */
    K names = req->names ? k_copy(req->names) : NULL;
    if (names) qsql_source_where_names(req, *used, &names);
    for (J c = 0; c < t->names->n; c++) {
        int wanted = !names;
        for (J k = 0; names && k < names->n && !wanted; k++)
            wanted = kS(names)[k] == kS(t->names)[c];
        if (wanted) ja(sel, &c);
    }
    *with_date = !names || !(*sel)->n;
    for (J k = 0; names && k < names->n; k++) *with_date |= kS(names)[k] == ss(HDB_DATE_COLUMN);
    r0(names);
    return t;
}

K hdb_source(const qsql_source_req *req, J *used, K *starts)
{
    K keep, sel;
    int with_date;
    struct hdb_table *t = hdb_plan(req, used, &keep, &sel, &with_date);
    if (!t) return NULL;
    K r = hdb_view(t, keep, sel, with_date);
    if (r->t != KERR) *starts = hdb_starts(t, keep);
    r0(keep);
    r0(sel);
    return r;
}

/* ---- partition by partition (qsql_parts.c's map-reduce) ------------------------------ */

/* The query whose partitions are being read one at a time (one at once: qSQL runs
 * each partition's query to its end before asking for the next). */
static struct {
    struct hdb_table *t;
    K keep, sel;    /* as hdb_plan (owned) */
    int with_date;
} hdb_parts;

static void hdb_parts_close(void)
{
    if (hdb_parts.keep) r0(hdb_parts.keep);
    if (hdb_parts.sel) r0(hdb_parts.sel);
    memset(&hdb_parts, 0, sizeof hdb_parts);
}

static J hdb_parts_open(const qsql_source_req *req, J *used)
{
    hdb_parts_close();
    hdb_parts.t = hdb_plan(req, used, &hdb_parts.keep, &hdb_parts.sel, &hdb_parts.with_date);
    return hdb_parts.t ? hdb_parts.keep->n : -1;
}

/* Partition k of the open query: its mapped view (the single-partition cache). */
static K hdb_parts_part(J k)
{
    if (!hdb_parts.t || k < 0 || k >= hdb_parts.keep->n) return krr("part");
    K one = ktn(KJ, 1);
    if (!one) return krr("wsfull");
    kJ(one)[0] = kJ(hdb_parts.keep)[k];
    K r = hdb_view(hdb_parts.t, one, hdb_parts.sel, hdb_parts.with_date);
    r0(one);
    return r;
}

static const qsql_parts_fns hdb_parts_fns = { hdb_parts_open, hdb_parts_part, hdb_parts_close };

/* ---- whole tables for messages that use them as values ----------------------------- */

static int hdb_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '_' || c == '.';
}

/* Does q text s name table `name` other than as a query's table (after `from`, or as
 * the first argument of ?[ or ![)? Conservative: quoted text counts too. */
static int hdb_text_uses(const char *s, J n, S name)
{
    J len = (J)strlen(name);
    for (J i = 0; i + len <= n; i++) {
        if (memcmp(s + i, name, (size_t)len)) continue;
        if ((i > 0 && hdb_ident_char(s[i - 1])) || (i + len < n && hdb_ident_char(s[i + len])))
            continue;
        J j = i > 0 && s[i - 1] == '`' ? i - 1 : i;
        while (j > 0 && s[j - 1] == ' ') j--;
        if (j >= 4 && !memcmp(s + j - 4, "from", 4) && (j == 4 || !hdb_ident_char(s[j - 5])))
            continue;
        if (j >= 2 && s[j - 1] == '[' && (s[j - 2] == '?' || s[j - 2] == '!')) continue;
        return 1;
    }
    return 0;
}

/* Does message x (text, or a list such as (`f;args) or (?;`t;c;b;a)) use `name` as a
 * value? in_from: x is the table argument of a functional query. */
static int hdb_msg_uses(K x, S name, int in_from)
{
    switch (x->t) {
    case KC: return hdb_text_uses((const char *)kC(x), x->n, name);
    case -KS: return !in_from && x->s == name;
    case KS:
        for (J i = 0; i < x->n; i++) if (kS(x)[i] == name) return 1;
        return 0;
    case K_LAMBDA: return x->n > 0 && hdb_msg_uses(kK(x)[0], name, 0);
    case 0:
        for (J i = 0; i < x->n; i++)
            if (hdb_msg_uses(kK(x)[i], name, i == 1 && x->n >= 4)) return 1;
        return 0;
    default: return 0;
    }
}

/* The loaded table t when msg is the whole text "count t", "cols t" or "meta t" (spaces
 * around allowed) and t's global is still ours; *word gets the function's name. */
static struct hdb_table *hdb_schema_query(K msg, const char **word)
{
    static const char *const words[] = { "count", "cols", "meta" };
    if (msg->t != KC) return NULL;
    const char *s = (const char *)kC(msg), *end = s + msg->n;
    while (s < end && *s == ' ') s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\n')) end--;
    *word = NULL;
    for (size_t w = 0; w < sizeof words / sizeof words[0] && !*word; w++) {
        size_t n = strlen(words[w]);
        if ((size_t)(end - s) > n && !memcmp(s, words[w], n) && s[n] == ' ') {
            *word = words[w];
            s += n;
        }
    }
    while (s < end && *s == ' ') s++;
    for (J i = 0; *word && i < hdb_ntabs; i++) {
        struct hdb_table *t = &hdb_tabs[i];
        size_t len = (size_t)(end - s);
        if (!t->stub || strlen(t->name) != len || memcmp(s, t->name, len)) continue;
        K cur = q_global_get(t->name);   /* reassigned by a client: not ours any more */
        int ours = cur == t->stub || (cur && cur == t->full);
        r0(cur);
        return ours ? t : NULL;
    }
    return NULL;
}

/* count t from the rows the load counted (tick-architecture.md §10.2: row counts are
 * cached per partition), without reading a column. Ownership: returns new. */
static K hdb_count(struct hdb_table *t)
{
    J rows = 0;
    char err[DSK_ERR_BYTES] = "";
    for (J p = 0; p < t->rows->n && !err[0]; p++) {
        if (kJ(t->rows)[p] < 0) hdb_part_bad(t, p, err);
        rows += kJ(t->rows)[p];
    }
    return err[0] ? krr(err) : kj(rows);
}

K hdb_prepare(K msg)
{
    const char *word;
    struct hdb_table *whole = hdb_schema_query(msg, &word);
    if (whole && !strcmp(word, "count")) return hdb_count(whole);
    if (whole) return NULL;   /* cols, meta: the empty table has every column */
    for (J i = 0; i < hdb_ntabs; i++) {
        struct hdb_table *t = &hdb_tabs[i];
        if (!t->stub || t->full || !hdb_msg_uses(msg, t->name, 0)) continue;
        K cur = q_global_get(t->name);   /* reassigned by a client: not ours any more */
        int ours = cur == t->stub;
        r0(cur);
        if (!ours) continue;
        K keep = ktn(KJ, t->dates->n), sel = ktn(KJ, t->names->n);
        for (J p = 0; p < keep->n; p++) kJ(keep)[p] = p;
        for (J c = 0; c < sel->n; c++) kJ(sel)[c] = c;
        K full = hdb_view(t, keep, sel, 1);
        r0(keep);
        r0(sel);
        if (full->t == KERR) return full;
        if (q_global_set(t->name, r1(full)) != 0) { r0(full); return krr("wsfull"); }
        t->full = full;
    }
    return NULL;
}

int hdb_load(const char *root)
{
    J t0 = hdb_now_ms();
    char err[DSK_ERR_BYTES];
    K dates = dsk_partitions(root, err);
    if (!dates) { log_error("hdb: %s", err); return -1; }
    K syms = dsk_sym_load(root, err);
    if (!syms) {
        log_error("hdb: %s", err);
        r0(dates);
        return -1;
    }
    K names = dates->n ? hdb_tables_of(root, kI(dates)[dates->n - 1], err) : ktn(KS, 0);
    if (!names) { log_error("hdb: %s", err); r0(dates); r0(syms); return -1; }
    struct hdb_table *tabs = calloc((size_t)(names->n ? names->n : 1), sizeof *tabs);
    if (!tabs) { log_error("hdb: out of memory"); r0(dates); r0(syms); r0(names); return -1; }
    int loaded = 0;
    for (J i = 0; i < names->n; i++) {
        struct hdb_table *t = &tabs[i];
        t->name = kS(names)[i];
        err[0] = 0;
        K global;
        if (hdb_table_record(t, root, dates, err) == 0) {
            global = r1(t->stub);
            loaded++;
        } else {
            /* every query that touches it fails with the text naming the path */
            log_error("hdb: table %s: %s", t->name, err);
            global = krr(err);
        }
        if (q_global_set(t->name, global) != 0) log_error("hdb: cannot set %s", t->name);
    }
    for (J i = 0; i < hdb_ntabs; i++) {   /* tables gone since the last load */
        int kept = 0;
        for (J j = 0; j < names->n; j++) kept |= kS(names)[j] == hdb_tabs[i].name;
        if (!kept && q_global_set(hdb_tabs[i].name, k_identity()) != 0)
            log_error("hdb: cannot drop %s", hdb_tabs[i].name);
    }
    hdb_parts_close();   /* a reload from inside a query: its partitions are gone */
    hdb_tables_free();   /* mappings live on while a query still holds an old view */
    hdb_tabs = tabs;
    hdb_ntabs = names->n;
    r0(hdb_syms);
    hdb_syms = syms;
    snprintf(hdb_root_dir, sizeof hdb_root_dir, "%s", root);
    qsql_source_set(hdb_source);
    qsql_parts_set(&hdb_parts_fns);
    log_info("hdb: loaded %s: %lld partitions, %d of %lld tables, %lld symbols, in %lld ms",
             root, (long long)dates->n, loaded, (long long)names->n, (long long)syms->n,
             (long long)(hdb_now_ms() - t0));
    r0(names);
    if (q_global_set("date", dates) != 0) log_error("hdb: cannot set date");
    return loaded;
}

void hdb_load_fini(void)
{
    qsql_source_set(NULL);
    qsql_parts_set(NULL);
    hdb_parts_close();
    hdb_tables_free();
    r0(hdb_syms);
    hdb_syms = NULL;
}
