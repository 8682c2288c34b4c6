/* hdb_load.c: load a partitioned database into the interpreter: for each table of the
 * latest partition, every partition's splayed columns (mapped by common/disk.c) joined
 * into one table under a leading virtual `date` column. Version 1 copies the mapped
 * columns into one in-memory table per name; lazy per-partition mapping is future work.
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

/* Append the items of src onto *dst (same type). Returns 0 or -1.
 * Ownership: *dst unshared, may be reallocated; src borrowed. */
static int hdb_append(K *dst, K src)
{
    if (src->t == 0) {
        for (J i = 0; i < src->n; i++) if (!jk(dst, r1(kK(src)[i]))) return -1;
        return 0;
    }
    return jv(dst, src) ? 0 : -1;
}

/* Add partition table part (date d) to the columns being built. *cols is NULL for the
 * first partition: *names and *cols are created from part's names. Returns 0 or -1
 * with err. Ownership: part borrowed; *names and *cols owned by the caller. */
static int hdb_add_part(K *names, K *cols, K part, I d, const char *path, char *err)
{
    K pn = kK(part->k)[0], pv = kK(part->k)[1];
    J rows = k_count(part);
    if (!*cols) {
        K nn = ktn(KS, pn->n + 1), nc = ktn(0, pn->n + 1);
        if (!nn || !nc) { r0(nn); r0(nc); snprintf(err, DSK_ERR_BYTES, "%.300s: wsfull", path); return -1; }
        kS(nn)[0] = ss("date");
        kK(nc)[0] = ktn(KD, 0);
        for (J c = 0; c < pn->n; c++) {
            kS(nn)[c + 1] = kS(pn)[c];
            kK(nc)[c + 1] = ktn(kK(pv)[c]->t, 0);
        }
        *names = nn;
        *cols = nc;
    }
    if ((*names)->n != pn->n + 1) {
        snprintf(err, DSK_ERR_BYTES, "%.300s: %lld columns, other partitions have %lld", path,
                 (long long)pn->n, (long long)(*names)->n - 1);
        return -1;
    }
    for (J c = 0; c < pn->n; c++) {
        K *dst = &kK(*cols)[c + 1], src = kK(pv)[c];
        if (kS(*names)[c + 1] != kS(pn)[c] || (*dst)->t != src->t) {
            snprintf(err, DSK_ERR_BYTES, "%.300s/%.100s: name or type differs from other partitions",
                     path, kS(pn)[c]);
            return -1;
        }
        if (hdb_append(dst, src)) { snprintf(err, DSK_ERR_BYTES, "%.300s: wsfull", path); return -1; }
    }
    for (J r = 0; r < rows; r++)
        if (!ja(&kK(*cols)[0], &d)) { snprintf(err, DSK_ERR_BYTES, "%.300s: wsfull", path); return -1; }
    return 0;
}

/* One table over all partitions. Ownership: dates and syms borrowed; returns new (a
 * table, or an error value with the message naming the bad path). */
static K hdb_table_build(const char *root, S name, K dates, K syms)
{
    char err[DSK_ERR_BYTES] = "", path[HDB_PATH_BYTES];
    K names = NULL, cols = NULL;
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
        int rc = hdb_add_part(&names, &cols, part, d, path, err);
        r0(part);
        if (rc) break;
    }
    if (err[0]) { r0(names); r0(cols); return krr(err); }
    if (!names) return krr("no partition holds the table");
    return xT(xD(names, cols));
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
    for (J i = 0; i < names->n; i++) {
        K t = hdb_table_build(root, kS(names)[i], dates, syms);
        if (t && t->t == KERR) log_error("hdb: table %s: %s", kS(names)[i], t->s);
        else loaded++;
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
}
