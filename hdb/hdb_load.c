/* hdb_load.c: load a partitioned database into the interpreter: for each table of the
 * latest partition, every partition's splayed columns (mapped by common/disk.c) joined
 * into one table under a leading virtual `date` column. A table held by one partition
 * is presented on its mapped columns without copying them; one held by several is
 * joined into one copy per column (limits: hdb.h).
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

#define HDB_MS_PER_S 1000
#define HDB_NS_PER_MS 1000000

static K hdb_names;   /* KS: the tables of the last load (owned) */
static K hdb_parts;   /* per hdb_names item: (date KD; its table of mapped columns) when
                         one partition holds it, else :: (owned) */

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

/* Do part's names and types match first's (the first partition holding the table)?
 * Returns 0, or -1 with err naming the path. Ownership: borrowed. */
static int hdb_part_check(K first, K part, const char *path, char *err)
{
    K fn = kK(first->k)[0], fv = kK(first->k)[1], pn = kK(part->k)[0], pv = kK(part->k)[1];
    if (pn->n != fn->n) {
        snprintf(err, DSK_ERR_BYTES, "%.300s: %lld columns, other partitions have %lld", path,
                 (long long)pn->n, (long long)fn->n);
        return -1;
    }
    for (J c = 0; c < pn->n; c++)
        if (kS(pn)[c] != kS(fn)[c] || kK(pv)[c]->t != kK(fv)[c]->t) {
            snprintf(err, DSK_ERR_BYTES, "%.300s/%.100s: name or type differs from other "
                     "partitions", path, kS(pn)[c]);
            return -1;
        }
    return 0;
}

/* Column c of every partition table in parts, joined into one new vector of rows items.
 * A general (nested) column shares its items. Ownership: parts borrowed; returns new. */
static K hdb_column_join(K parts, J c, J rows)
{
    int type = kK(kK(kK(parts)[0]->k)[1])[c]->t;
    K out = ktn(type, rows);
    if (!out) return NULL;
    J at = 0;
    for (J p = 0; p < parts->n; p++) {
        K src = kK(kK(kK(parts)[p]->k)[1])[c];
        if (type == 0) for (J i = 0; i < src->n; i++) kK(out)[at + i] = r1(kK(src)[i]);
        else memcpy(kG(out) + at * k_item_size(type), kG(src), (size_t)(src->n * k_item_size(type)));
        at += src->n;
    }
    return out;
}

/* The presented table: a leading date column, then each column of the partitions. One
 * partition: its columns as they are (mapped vectors stay mapped, no copy). Several: one
 * vector per column, each sized once and filled by memcpy (a copy: a K vector is one
 * contiguous block, and partitions' files are not). Ownership: parts (per-partition
 * tables) and held (their dates) borrowed; returns new, or NULL when memory runs out. */
static K hdb_table_present(K parts, K held)
{
    K first = kK(parts)[0], fn = kK(first->k)[0];
    J rows = 0;
    for (J p = 0; p < parts->n; p++) rows += k_count(kK(parts)[p]);
    K names = ktn(KS, fn->n + 1), cols = ktn(0, fn->n + 1), date = ktn(KD, rows);
    if (!names || !cols || !date) { r0(names); r0(cols); r0(date); return NULL; }
    for (J c = 0; c <= fn->n; c++) kK(cols)[c] = NULL;
    kS(names)[0] = ss("date");
    kK(cols)[0] = date;
    J at = 0;
    for (J p = 0; p < parts->n; p++)
        for (J r = 0, n = k_count(kK(parts)[p]); r < n; r++) kI(date)[at++] = kI(held)[p];
    for (J c = 0; c < fn->n; c++) {
        kS(names)[c + 1] = kS(fn)[c];
        /* The single partition's columns are shared with hdb_parts, so r > 0: q's insert
         * and amend copy them instead of growing a mapping in place. */
        kK(cols)[c + 1] = parts->n == 1 ? r1(kK(kK(first->k)[1])[c]) : hdb_column_join(parts, c, rows);
        if (!kK(cols)[c + 1]) {
            for (J d = c + 1; d <= fn->n; d++) kK(cols)[d] = k_identity();
            r0(names);
            r0(cols);
            return NULL;
        }
    }
    return xT(xD(names, cols));
}

/* One table over all partitions. When one partition holds it, *parts_out receives
 * (its date; its table), whose mapped columns the presented table shares. Ownership:
 * dates and syms borrowed; returns new (a table, or an error value with the message
 * naming the bad path); *parts_out new or NULL. */
static K hdb_table_build(const char *root, S name, K dates, K syms, K *parts_out)
{
    char err[DSK_ERR_BYTES] = "", path[HDB_PATH_BYTES];
    K parts = ktn(0, 0), held = ktn(KD, 0);
    *parts_out = NULL;
    if (!parts || !held) { r0(parts); r0(held); return krr("wsfull"); }
    for (J p = 0; p < dates->n; p++) {
        I d = kI(dates)[p];
        struct stat st;
        if (dsk_partition_path(path, sizeof path, root, d, name)) {
            snprintf(err, sizeof err, "%.300s: path too long", root);
            break;
        }
        if (stat(path, &st) != 0) {  /* table absent that day: no rows (.Q.chk would fill) */
            log_warn("hdb: %s: missing; the partition contributes no %s rows", path, name);
            continue;
        }
        K part = dsk_table_load(path, syms, err);
        if (!part) break;
        if (parts->n && hdb_part_check(kK(parts)[0], part, path, err)) { r0(part); break; }
        if (!jk(&parts, part) || !ja(&held, &d)) {
            snprintf(err, sizeof err, "%.300s: wsfull", path);
            break;
        }
    }
    K t = err[0] ? krr(err) : !parts->n ? krr("no partition holds the table")
                                         : hdb_table_present(parts, held);
    if (!t) t = krr("wsfull");
    /* Several partitions: the join holds copies, so their tables go now (bench/rdb.c:
     * keeping five days' resolved symbol columns too made later queries 2x slower). */
    if (t->t == KERR || parts->n > 1) { r0(parts); r0(held); return t; }
    *parts_out = knk(2, held, parts);
    return t;
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
    int loaded = 0;
    K parts = ktn(0, names->n);   /* per table: (dates; partition tables), or :: */
    for (J i = 0; parts && i < names->n; i++) kK(parts)[i] = k_identity();
    for (J i = 0; i < names->n; i++) {
        K part = NULL;
        K t = hdb_table_build(root, kS(names)[i], dates, syms, &part);
        if (t && t->t == KERR) log_error("hdb: table %s: %s", kS(names)[i], t->s);
        else loaded++;
        if (parts && part) { r0(kK(parts)[i]); kK(parts)[i] = part; }
        else r0(part);
        if (!t || q_global_set(kS(names)[i], t) != 0)
            log_error("hdb: cannot set %s", kS(names)[i]);
    }
    for (J i = 0; hdb_names && i < hdb_names->n; i++) {
        int kept = 0;
        for (J j = 0; j < names->n; j++) kept |= kS(names)[j] == kS(hdb_names)[i];
        if (!kept && q_global_set(kS(hdb_names)[i], k_identity()) != 0)
            log_error("hdb: cannot drop %s", kS(hdb_names)[i]);
    }
    r0(hdb_names);
    hdb_names = names;
    r0(hdb_parts);   /* mappings live on while a query still holds an old table */
    hdb_parts = parts;
    log_info("hdb: loaded %s: %lld partitions, %d of %lld tables, %lld symbols, in %lld ms",
             root, (long long)dates->n, loaded, (long long)names->n, (long long)syms->n,
             (long long)(hdb_now_ms() - t0));
    if (q_global_set("date", dates) != 0) log_error("hdb: cannot set date");
    r0(syms);
    return loaded;
}

void hdb_load_fini(void)
{
    r0(hdb_names);
    hdb_names = NULL;
    r0(hdb_parts);
    hdb_parts = NULL;
}
