/* rdb_upd.c: the RDB's tables and its native upd: an insert that appends the columns
 * of each update in place (the hot path: no copy of held data, amortised growth), the
 * same append straight from a journal record's bytes for replay (rdb_wire_*), and the
 * dispatch to a q upd when the user defined one. Connection and replay: rdb_tp.c.
 * SPDX-License-Identifier: MIT */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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
#define RDB_WIRE_HDR_BYTES 6     /* vector header: type, attribute, int32 count */
#define RDB_WIRE_ATTR_MAX K_ATTR_GROUPED  /* attribute bytes above are malformed (ser.c) */
#define RDB_WORD_LOWS 0x7f7f7f7f7f7f7f7fULL
#define RDB_WORD_BYTES ((J)sizeof(uint64_t))
#define RDB_HASH_MUL 0x9e3779b97f4a7c15ULL  /* Fibonacci hashing of a cache key */

static const G rdb_wire_upd[] = { (G)-KS, 'u', 'p', 'd', 0 };  /* `upd on the wire */

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
            /* Not zeroed: untouched pages cost nothing. MADV_POPULATE_WRITE, whole or
             * per 4 MB ahead of the writes, gained nothing. No MADV_HUGEPAGE: on a VM whose
             * host takes back free memory (free page reporting works on huge-page
             * blocks) a huge page fault waits on the host: bench/rdb.c's cold replay
             * took 0.10 s with huge pages on a busy machine, 0.6-1.4 s after it idled,
             * 0.26-0.29 s with 4 KB pages either way. KX also advises THP off. */
            K col = ktn(old->t, rows);
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

/* The column list of t's global, unshared (see rdb_unshare), or NULL when the global no
 * longer has t's shape. Ownership: returns a borrowed part of the global. */
static K rdb_table_vals_get(struct rdb_table *t)
{
    K g = q_global_get(t->name);
    if (!g || g->t != XT || kK(g->k)[1]->n != t->ncols) { r0(g); return NULL; }
    K tbl = rdb_unshare(t->name, g);
    return tbl ? kK(tbl->k)[1] : NULL;
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

/* ---- the replay fast path: journal bytes straight onto the columns ---- */

static J rdb_wire_i32(const G *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* The count of the vector or list header at p (type, attribute, int32 count) when its
 * type is type and its attribute valid, else -1 (also for a negative count). */
static J rdb_wire_count(const G *p, const G *end, int type)
{
    if (end - p < RDB_WIRE_HDR_BYTES || (signed char)p[0] != type || p[1] > RDB_WIRE_ATTR_MAX)
        return -1;
    J n = rdb_wire_i32(p + 2);
    return n < 0 ? -1 : n;
}

/* Is type a simple vector type the fast path copies (not a general list)? */
static int rdb_wire_type_ok(int type)
{
    return type > 0 && type <= KT && k_item_size(type) > 0;
}

int rdb_wire_peek(const G *body, J n, struct rdb_wire *w)
{
    const G *end = body + n, *p = body;
    if (rdb_wire_count(p, end, 0) != RDB_UPD_ITEMS) return 0;
    p += RDB_WIRE_HDR_BYTES;
    if (end - p < (J)sizeof rdb_wire_upd || memcmp(p, rdb_wire_upd, sizeof rdb_wire_upd))
        return 0;
    p += sizeof rdb_wire_upd;
    if (p >= end || (signed char)*p++ != -KS) return 0;
    const G *nul = memchr(p, 0, (size_t)(end - p));
    if (!nul) return 0;
    size_t len = (size_t)(nul - p);
    w->t = NULL;
    for (int i = 0; i < rdb.ntables && !w->t; i++)
        if (strlen(rdb.tables[i].name) == len && !memcmp(rdb.tables[i].name, p, len))
            w->t = &rdb.tables[i];
    if (!w->t || w->t->ncols == 0) return 0;
    p = nul + 1;
    if (rdb_wire_count(p, end, 0) != w->t->ncols) return 0;
    p += RDB_WIRE_HDR_BYTES;
    int type = kK(kK(w->t->schema->k)[1])[0]->t;
    if (!rdb_wire_type_ok(type) || (w->rows = rdb_wire_count(p, end, type)) < 0) return 0;
    w->body = body;
    w->cols = p;
    return 1;
}

/* Make room for more items after the end of *slot, growing geometrically as ja does.
 * Returns 0 or -1. Ownership: *slot unshared; it may be replaced (attribute kept). */
static int rdb_column_room(K *slot, J more)
{
    K col = *slot;
    J need = col->n + more;
    if (need <= k_capacity(col)) return 0;
    J cap = col->n + col->n / 2;
    K grown = ktn(col->t, cap > need ? cap : need);
    if (!grown) return -1;
    memcpy(kG(grown), kG(col), (size_t)(col->n * k_item_size(col->t)));
    grown->n = col->n;
    grown->a = col->a;
    *slot = grown;
    r0(col);
    return 0;
}

/* The NUL bytes of word, each as its byte's high bit. Exact for every byte (no carry
 * crosses a byte), unlike the usual first-zero test. */
static inline uint64_t rdb_word_nuls(uint64_t word)
{
    return ~(((word & RDB_WORD_LOWS) + RDB_WORD_LOWS) | word | RDB_WORD_LOWS);
}

/* rdb_wire_sym when the first probe missed: a few more probes, then the intern table
 * (the home slot is taken over when the probes find no room). NULL: out of memory. */
static S rdb_wire_sym_miss(const G *p, J len, uint64_t key, int cached,
                           struct rdb_sym_slot *cache)
{
    if (len > INT32_MAX) return NULL;
    if (!cached) return sn((const char *)p, (I)len);
    uint64_t home = (key * RDB_HASH_MUL) >> (64 - RDB_SYM_CACHE_BITS);
    struct rdb_sym_slot *slot = NULL;
    for (uint64_t probe = 0; probe < RDB_SYM_CACHE_PROBES; probe++) {
        slot = &cache[(home + probe) & (RDB_SYM_CACHE_SLOTS - 1)];
        if (!slot->sym) break;
        if (slot->key == key) return slot->sym;
    }
    if (slot->sym) slot = &cache[home];
    slot->key = key;
    return slot->sym = sn((const char *)p, (I)len);
}

/* The interned symbol of the len bytes at p, or NULL (out of memory). A symbol of up to
 * 7 bytes is its own cache key (one 8-byte load, zero-padded); the usual case is a hit
 * on the first probe. */
static inline S rdb_wire_sym(const G *p, J len, const G *end, struct rdb_sym_slot *cache)
{
    uint64_t key = 0;
    int cached = len < RDB_WORD_BYTES && end - p >= RDB_WORD_BYTES;
    if (cached) {
        memcpy(&key, p, sizeof key);
        key &= (1ULL << (CHAR_BIT * len)) - 1;
        const struct rdb_sym_slot *slot = &cache[(key * RDB_HASH_MUL) >> (64 - RDB_SYM_CACHE_BITS)];
        if (slot->key == key && slot->sym) return slot->sym;
    }
    return rdb_wire_sym_miss(p, len, key, cached, cache);
}

/* Intern the n NUL-terminated symbols at p into out. The NULs are found 8 bytes at a
 * time, so where a symbol starts does not wait on measuring the one before it. Returns
 * the byte after the last symbol, or NULL when one has no NUL before end. */
static const G *rdb_wire_syms(const G *p, const G *end, S *out, J n, struct rdb_sym_slot *cache)
{
    const G *start = p, *at = p;
    J i = 0;
    for (; i < n && end - at >= RDB_WORD_BYTES; at += RDB_WORD_BYTES) {
        uint64_t word;
        memcpy(&word, at, sizeof word);
        for (uint64_t nuls = rdb_word_nuls(word); nuls && i < n; nuls &= nuls - 1) {
            const G *nul = at + __builtin_ctzll(nuls) / CHAR_BIT;
            if (!(out[i++] = rdb_wire_sym(start, nul - start, end, cache))) return NULL;
            start = nul + 1;
        }
    }
    for (; i < n; i++) {   /* the last bytes before end: no 8-byte reads past it */
        const G *nul = memchr(start, 0, (size_t)(end - start));
        if (!nul || !(out[i] = rdb_wire_sym(start, nul - start, end, cache))) return NULL;
        start = nul + 1;
    }
    return start;
}

J rdb_wire_check(const struct rdb_wire *w, const G *end)
{
    K types = kK(w->t->schema->k)[1];
    const G *p = w->cols;
    for (int c = 0; c < w->t->ncols; c++) {
        int type = kK(types)[c]->t;
        if (!rdb_wire_type_ok(type) || rdb_wire_count(p, end, type) != w->rows) return -1;
        p += RDB_WIRE_HDR_BYTES;
        if (type == KS) {
            for (J i = 0; i < w->rows; i++) {
                const G *nul = memchr(p, 0, (size_t)(end - p));
                if (!nul) return -1;
                p = nul + 1;
            }
            continue;
        }
        int width = k_item_size(type);
        if (w->rows > (end - p) / width) return -1;
        p += w->rows * width;
    }
    return p - w->body;
}

J rdb_wire_append(const struct rdb_wire *w, const G *end, struct rdb_sym_slot *cache)
{
    struct rdb_table *t = w->t;
    K vals = rdb_table_vals_get(t);
    if (!vals) return -1;
    K types = kK(t->schema->k)[1];
    const G *p = w->cols;
    /* Items go past each column's end first; counts move only when every column fits,
     * so a record the generic path must judge leaves the tables as they were. */
    for (int c = 0; c < t->ncols; c++) {
        int type = kK(types)[c]->t;
        K *slot = &kK(vals)[c];
        if (!rdb_wire_type_ok(type) || (*slot)->t != type
            || rdb_wire_count(p, end, type) != w->rows) return -1;
        p += RDB_WIRE_HDR_BYTES;
        /* a count the bytes cannot hold (a symbol takes one at least) is refused before
         * any room is made: a corrupt count must not allocate gigabytes */
        int width = type == KS ? 1 : k_item_size(type);
        if (w->rows > (end - p) / width || rdb_column_room(slot, w->rows)) return -1;
        K col = *slot;
        if (type == KS) {
            if (!(p = rdb_wire_syms(p, end, kS(col) + col->n, w->rows, cache))) return -1;
            continue;
        }
        memcpy(kG(col) + col->n * width, p, (size_t)(w->rows * width));
        p += w->rows * width;
    }
    for (int c = 0; c < t->ncols; c++) kK(vals)[c]->n += w->rows;
    return p - w->body;
}

int rdb_is_upd(K msg)
{
    if (msg->t != 0 || msg->n != RDB_UPD_ITEMS || kK(msg)[1]->t != -KS) return 0;
    K f = kK(msg)[0];
    size_t n = strlen(RDB_UPD_NAME);
    if (f->t == -KS) return f->s == ss(RDB_UPD_NAME);
    return f->t == KC && f->n == (J)n && memcmp(kC(f), RDB_UPD_NAME, n) == 0;
}

int rdb_upd_is_native(void)
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
