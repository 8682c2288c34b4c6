/* rdb_upd.c: the RDB's tables and its native upd: an insert that appends the columns
 * of each update in place (the hot path: no copy of held data, amortised growth), and
 * the dispatch to a q upd when the user defined one. Connection and replay: rdb_tp.c.
 * SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "q.h"
#include "qnative.h"
#include "rdb.h"

#define RDB_UPD_ITEMS 3          /* (`upd;t;data) */
#define RDB_PAIR_ITEMS 2         /* (name;table) in the subscription reply */
#define RDB_UPD_NAME "upd"
#define RDB_REFS_GLOBAL_AND_US 1 /* r of a table held by its global and our lookup */
#define RDB_SYM_WIRE_MIN_BYTES 2 /* shortest symbol in a journal: one char and its NUL */
#define RDB_RESERVE_RAM_SHARE 2  /* replay reservations stay under RAM / this */

struct rdb_state rdb;

struct rdb_table *rdb_table_find(S name)
{
    for (int i = 0; i < rdb.ntables; i++) if (rdb.tables[i].name == name) return &rdb.tables[i];
    return NULL;
}

/* An empty table shaped as schema, `g# on sym. Ownership: schema borrowed; returns new. */
static K rdb_empty_table(K schema)
{
    K names = kK(schema->k)[0], cols = kK(schema->k)[1];
    K vals = ktn(0, cols->n);
    if (!vals) return NULL;
    for (J c = 0; c < cols->n; c++) {
        K col = ktn(kK(cols)[c]->t, 0);
        if (!col) { r0(vals); return NULL; }
        if (kS(names)[c] == ss("sym") && col->t == KS) col->a = K_ATTR_GROUPED;
        kK(vals)[c] = col;
    }
    return xT(xD(r1(names), vals));
}

int rdb_tables_set(K schemas)
{
    for (int i = 0; i < rdb.ntables; i++) r0(rdb.tables[i].schema);
    free(rdb.tables);
    rdb.tables = NULL;
    rdb.ntables = 0;
    if (schemas->t != 0) return -1;
    rdb.tables = calloc((size_t)schemas->n + 1, sizeof *rdb.tables);
    if (!rdb.tables) return -1;
    for (J i = 0; i < schemas->n; i++) {
        K pair = kK(schemas)[i];
        if (pair->t != 0 || pair->n != RDB_PAIR_ITEMS || kK(pair)[0]->t != -KS || kK(pair)[1]->t != XT) {
            log_error("rdb: subscription reply item %lld is not (name;table)", (long long)i);
            return -1;
        }
        struct rdb_table *t = &rdb.tables[rdb.ntables++];
        t->name = kK(pair)[0]->s;
        t->schema = r1(kK(pair)[1]);
        t->ncols = (int)kK(t->schema->k)[0]->n;
        t->rows = 0;
        K empty = rdb_empty_table(t->schema);
        if (!empty || q_global_set(t->name, empty) != 0) return -1;
    }
    return 0;
}

void rdb_tables_clear(void)
{
    for (int i = 0; i < rdb.ntables; i++) {
        struct rdb_table *t = &rdb.tables[i];
        K empty = rdb_empty_table(t->schema);
        if (!empty || q_global_set(t->name, empty) != 0)
            log_error("rdb: cannot empty table %s", t->name);
        t->rows = 0;
    }
}

/* Bytes of memory one row of vals takes. */
static J rdb_row_mem_bytes(K vals)
{
    J n = 0;
    for (J c = 0; c < vals->n; c++) n += kK(vals)[c]->t ? k_item_size(kK(vals)[c]->t) : (J)sizeof(K);
    return n;
}

void rdb_tables_reserve(J journal_bytes)
{
    /* address space is cheap but not free: all reservations together stay under half
     * of physical memory, else later tables simply grow as usual */
    J budget = (J)sysconf(_SC_PHYS_PAGES) * (J)sysconf(_SC_PAGESIZE) / RDB_RESERVE_RAM_SHARE;
    for (int i = 0; i < rdb.ntables; i++) {
        struct rdb_table *t = &rdb.tables[i];
        K g = q_global_get(t->name);
        if (!g || g->t != XT || k_count(g) != 0 || g->r != RDB_REFS_GLOBAL_AND_US
            || g->k->r != 0 || kK(g->k)[1]->r != 0) { r0(g); continue; }
        K vals = kK(g->k)[1];
        J row_bytes = 0;
        for (J c = 0; c < vals->n; c++) {
            int type = kK(vals)[c]->t;
            row_bytes += type == KS ? RDB_SYM_WIRE_MIN_BYTES : k_item_size(type);
        }
        J rows = row_bytes ? journal_bytes / row_bytes : 0;
        J mem = rows * rdb_row_mem_bytes(vals);
        if (mem > budget) rows = 0;
        else budget -= mem;
        for (J c = 0; rows > 0 && c < vals->n; c++) {
            K old = kK(vals)[c];
            if (old->t == 0 || old->r != 0) continue;
            K col = ktn(old->t, rows);   /* not zeroed: untouched pages cost nothing */
            if (!col) break;             /* no room to reserve: growth as usual */
            col->n = 0;
            col->a = old->a;
            kK(vals)[c] = col;
            r0(old);
        }
        r0(g);
    }
}

/* The columns of data as a list and whether they are a row of atoms, or NULL when data
 * is neither. Ownership: data borrowed; returns a borrowed part of data. */
static K rdb_data_cols(K data, int *is_row)
{
    *is_row = 0;
    if (data->t == XT) return kK(data->k)[1];
    if (data->t != 0) return NULL;
    if (data->n > 0 && kK(data)[0]->t < 0) *is_row = 1;
    return data;
}

J rdb_data_rows(K data)
{
    int is_row;
    K cols = rdb_data_cols(data, &is_row);
    if (!cols) return 0;
    if (is_row) return 1;
    return cols->n ? k_count(kK(cols)[0]) : 0;
}

/* Check the columns against schema: count, types and equal lengths. Returns NULL when
 * they fit, else an error value. Ownership: borrowed; returns new. */
static K rdb_check(struct rdb_table *t, K cols, int is_row, J rows)
{
    K types = kK(t->schema->k)[1];
    if (cols->n != t->ncols) return krr("length");
    for (int c = 0; c < t->ncols; c++) {
        K col = kK(cols)[c];
        int want = kK(types)[c]->t;
        if (is_row) {
            if (want != 0 && col->t != -want) return krr("type");
            continue;
        }
        if (col->t != want) return krr("type");
        if (col->n != rows) return krr("length");
    }
    return NULL;
}

/* A private copy of vector x. Ownership: x borrowed; returns new. */
static K rdb_vec_copy(K x)
{
    K y = ktn(x->t, x->n);
    if (!y) return NULL;
    if (x->t == 0) for (J i = 0; i < x->n; i++) kK(y)[i] = r1(kK(x)[i]);
    else memcpy(kG(y), kG(x), (size_t)(x->n * k_item_size(x->t)));
    y->a = x->a;
    return y;
}

/* Make table g's columns safe to append to in place. When the table itself is shared
 * beyond its global (a query kept it), the global gets a fresh copy. Returns the value
 * to append to (borrowed from the global, g's reference moved into it), or NULL.
 * Ownership: g consumed. */
static K rdb_unshare(S name, K g)
{
    K vals = kK(g->k)[1];
    if (g->r == RDB_REFS_GLOBAL_AND_US && g->k->r == 0 && vals->r == 0) {
        for (J c = 0; c < vals->n; c++) {
            K col = kK(vals)[c];
            if (col->r == 0 && col->m == K_MEM_HEAP) continue;
            K copy = rdb_vec_copy(col);   /* a query holds this column: copy on write */
            if (!copy) { r0(g); return NULL; }
            kK(vals)[c] = copy;
            r0(col);
        }
        r0(g);
        return g;
    }
    K nv = ktn(0, vals->n);
    for (J c = 0; nv && c < vals->n; c++)
        if (!(kK(nv)[c] = rdb_vec_copy(kK(vals)[c]))) { r0(nv); nv = NULL; }
    K copy = nv ? xT(xD(r1(kK(g->k)[0]), nv)) : NULL;
    r0(g);
    if (!copy || q_global_set(name, copy) != 0) return NULL;
    return copy;
}

/* Append rows [skip, rows) of src onto *slot. Returns 0, or -1 when memory runs out.
 * Ownership: *slot unshared, may be reallocated; src borrowed. */
static int rdb_append(K *slot, K src, int is_row, J skip, J rows)
{
    if (is_row) {
        if (src->t < 0) return ja(slot, &src->g) ? 0 : -1;
        return jk(slot, r1(src)) ? 0 : -1;
    }
    if (skip == 0 && src->t != 0) return jv(slot, src) ? 0 : -1;
    for (J i = skip; i < rows; i++) {
        K r = src->t == 0 ? jk(slot, r1(kK(src)[i]))
                          : ja(slot, kG(src) + i * k_item_size(src->t));
        if (!r) return -1;
    }
    return 0;
}

K rdb_insert(S name, K data, J skip)
{
    struct rdb_table *t = rdb_table_find(name);
    if (!t) return krr(name);
    int is_row;
    K cols = rdb_data_cols(data, &is_row);
    if (!cols) return krr("type");
    J rows = rdb_data_rows(data);
    K e = rdb_check(t, cols, is_row, rows);
    if (e) return e;
    if (skip >= rows) return k_identity();
    K g = q_global_get(name);
    if (!g || g->t != XT || kK(g->k)[1]->n != t->ncols) { r0(g); return krr("type"); }
    K tbl = rdb_unshare(name, g);
    if (!tbl) return krr("wsfull");
    K vals = kK(tbl->k)[1];
    for (int c = 0; c < t->ncols; c++)
        if (rdb_append(&kK(vals)[c], kK(cols)[c], is_row, skip, rows)) return krr("wsfull");
    return k_identity();
}

int rdb_is_upd(K msg)
{
    if (msg->t != 0 || msg->n != RDB_UPD_ITEMS || kK(msg)[1]->t != -KS) return 0;
    K f = kK(msg)[0];
    size_t n = strlen(RDB_UPD_NAME);
    if (f->t == -KS) return f->s == ss(RDB_UPD_NAME);
    return f->t == KC && f->n == (J)n && memcmp(kC(f), RDB_UPD_NAME, n) == 0;
}

/* Is the global upd still our native one? */
static int rdb_upd_is_native(void)
{
    K u = q_global_get(RDB_UPD_NAME);
    int is = u == rdb.upd_native;
    r0(u);
    return is;
}

K rdb_apply(K msg, J skip)
{
    S name = kK(msg)[1]->s;
    K data = kK(msg)[2];
    K r = rdb_upd_is_native() ? rdb_insert(name, data, skip) : q_value(msg);
    if (r && r->t != KERR) {
        struct rdb_table *t = rdb_table_find(name);
        J rows = rdb_data_rows(data);
        if (t && rows > skip) t->rows += rows - skip;
    }
    return r;
}

/* upd[t;x]. Ownership: args borrowed; returns new. */
static K rdb_q_upd(K *a, int n)
{
    (void)n;
    if (a[0]->t != -KS) return krr("type");
    K r = rdb_insert(a[0]->s, a[1], 0);
    struct rdb_table *t = rdb_table_find(a[0]->s);
    if (r && r->t != KERR && t) t->rows += rdb_data_rows(a[1]);
    return r;
}

/* .u.end[d]. Ownership: args borrowed; returns new. */
static K rdb_q_end(K *a, int n)
{
    (void)n;
    if (a[0]->t != -KD) return krr("type");
    return rdb_end_of_day(a[0]->i);
}

int rdb_upd_register(void)
{
    rdb.upd_native = q_native_new(RDB_UPD_NAME, 2, rdb_q_upd);
    if (!rdb.upd_native || q_global_set(RDB_UPD_NAME, r1(rdb.upd_native)) != 0) return -1;
    K end = q_native_new(".u.end", 1, rdb_q_end);
    return end && q_global_set(".u.end", end) == 0 ? 0 : -1;
}

void rdb_upd_fini(void)
{
    for (int i = 0; i < rdb.ntables; i++) r0(rdb.tables[i].schema);
    free(rdb.tables);
    rdb.tables = NULL;
    rdb.ntables = 0;
    r0(rdb.upd_native);
    rdb.upd_native = NULL;
}
