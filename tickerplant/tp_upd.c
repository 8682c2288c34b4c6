/* tp_upd.c: the tickerplant's ingest path, .u.upd (tick-architecture.md §4.3): check an
 * update against the schema, stamp the time, journal it, then publish it (zero latency)
 * or buffer it (batch). Per-table skeletons keep the hot path free of allocation.
 * Subscribers and sending are tp_pub.c; the clock and the log file are tp_eod.c.
 * SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "ser.h"
#include "tp.h"

struct tp tp;

/* Columns of the table t's schema. Borrowed. */
static K tp_schema_cols(const struct tp_table *t) { return kK(t->schema->k)[1]; }
static int tp_col_type(const struct tp_table *t, int c) { return kK(tp_schema_cols(t))[c]->t; }

/* A general list of n vectors shaped like the schema's columns, each empty (or one row
 * when rows is 1). Ownership: returns new. */
static K tp_cols_new(const struct tp_table *t, J rows)
{
    K cols = ktn(0, t->ncols);
    if (!cols) return NULL;
    for (int c = 0; c < t->ncols; c++) {
        kK(cols)[c] = ktn(tp_col_type(t, c), rows);
        if (!kK(cols)[c]) { r0(cols); return NULL; }
    }
    return cols;
}

int tp_table_init(struct tp_table *t, S name, K schema)
{
    memset(t, 0, sizeof *t);
    t->name = name;
    t->schema = r1(schema);
    t->colnames = r1(kK(schema->k)[0]);
    t->ncols = (int)t->colnames->n;
    t->sym_col = 1;
    t->time_type = tp_col_type(t, 0);
    if (t->time_type != KN && t->time_type != KP) {
        log_error("tp: table %s: time column must be a timespan or a timestamp", name);
        return -1;
    }
    t->pub_empty = k_copy(tp_schema_cols(t));
    K vals = k_copy(tp_schema_cols(t));
    K table = vals ? xT(xD(r1(t->colnames), vals)) : NULL;
    t->pub_msg = table ? knk(3, ks("upd"), ks(name), table) : NULL;
    if (!t->pub_msg || !t->pub_empty) return -1;
    t->pub_vals = kK(kK(t->pub_msg)[2]->k)[1];
    if (tp_pub_init(t)) return -1;
    t->row_cols = tp_cols_new(t, 1);
    t->filt_cols = tp_cols_new(t, 0);
    t->buf = tp_cols_new(t, 0);
    t->log_data = ktn(0, t->ncols);
    t->log_rec = knk(3, ks("upd"), ks(name), (K)NULL);
    t->time_atom = ktj(-t->time_type, 0);
    t->time_vec = ktn(t->time_type, 0);
    t->raw = calloc((size_t)t->ncols, sizeof *t->raw);
    if (!t->raw || !t->row_cols || !t->filt_cols || !t->buf || !t->log_data || !t->log_rec
        || !t->time_atom || !t->time_vec)
        return -1;
    /* general-list columns of the one-row skeleton hold borrowed items: start empty */
    for (int c = 0; c < t->ncols; c++) if (tp_col_type(t, c) == 0) kK(t->row_cols)[c]->n = 0;
    return 0;
}

/* Empty every column, dropping the items of general-list columns when is_owning.
 * Ownership: cols borrowed (changed in place; unshared). */
static void tp_cols_clear(K cols, int is_owning)
{
    for (J c = 0; c < cols->n; c++) {
        K v = kK(cols)[c];
        if (v->t == 0 && is_owning) for (J i = 0; i < v->n; i++) r0(kK(v)[i]);
        v->n = 0;
    }
}

void tp_table_fini(struct tp_table *t)
{
    for (int i = 0; i < t->nsubs; i++) r0(t->subs[i].syms);
    free(t->subs);
    for (int c = 0; t->raw && c < t->ncols; c++) free(t->raw[c].p);
    free(t->raw);
    if (t->buf) tp_cols_clear(t->buf, 1);
    if (t->filt_cols) tp_cols_clear(t->filt_cols, 0);
    if (t->row_cols) tp_cols_clear(t->row_cols, 0);
    r0(t->buf); r0(t->filt_cols); r0(t->row_cols);
    r0(t->log_rec); r0(t->log_data); r0(t->time_atom); r0(t->time_vec);
    r0(t->pub_msg); r0(t->pub_empty);
    free(t->pub_prefix);
    r0(t->colnames); r0(t->schema);
    memset(t, 0, sizeof *t);
}

struct tp_table *tp_table_find(S name)
{
    for (int i = 0; i < tp.ntables; i++) if (tp.tables[i].name == name) return &tp.tables[i];
    return NULL;
}

/* The shape of one update after checking it (§4.3). */
typedef struct {
    int has_time;  /* the data carries the time column */
    int is_row;    /* single-row form (atoms) */
    J rows;        /* rows in the update */
    const char *why; /* what was wrong, for the log line */
    int bad_col;   /* schema column at fault, or -1 */
} tp_shape;

/* Check x against t's schema: count and types, in both forms. Returns NULL, or an error
 * value ('length or 'type) with shape->why set. Ownership: returns new. */
static K tp_check(const struct tp_table *t, K x, tp_shape *s)
{
    s->bad_col = -1;
    if (x->t != 0) { s->why = "data is not a general list"; return krr("type"); }
    if (x->n == t->ncols) s->has_time = 1;
    else if (x->n == t->ncols - 1) s->has_time = 0;
    else { s->why = "column count"; return krr("length"); }
    int off = s->has_time ? 0 : 1;
    K first = kK(x)[t->sym_col - off];
    int sym_type = tp_col_type(t, t->sym_col);
    s->is_row = sym_type == 0 ? first->t != 0 : first->t < 0;
    s->rows = s->is_row ? 1 : first->t >= 0 ? first->n : 0;
    for (J k = 0; k < x->n; k++) {
        K item = kK(x)[k];
        int ct = tp_col_type(t, (int)k + off);
        int ok = s->is_row ? (ct == 0 || item->t == -ct)
                           : item->t == ct && item->n == s->rows;
        if (!ok) {
            s->bad_col = (int)k + off;
            s->why = s->is_row ? "atom type" : item->t == ct ? "column length" : "column type";
            return krr(s->is_row || item->t != ct ? "type" : "length");
        }
    }
    return NULL;
}

/* The stamp for now in t's time type: time of day as a timespan, or the timestamp. */
static J tp_stamp(const struct tp_table *t, J now_ns)
{
    if (t->time_type == KP) return now_ns;
    J tod = now_ns % K_NS_PER_DAY;
    return tod < 0 ? tod + K_NS_PER_DAY : tod;
}

/* A vector of rows copies of stamp in t->time_vec (grown geometrically, kept).
 * Ownership: returns borrowed (owned by t), or NULL when memory runs out. */
static K tp_time_vec(struct tp_table *t, J rows, J stamp)
{
    if (k_capacity(t->time_vec) < rows) {
        K v = ktn(t->time_type, rows * 2);
        if (!v) return NULL;
        r0(t->time_vec);
        t->time_vec = v;
    }
    t->time_vec->n = rows;
    for (J i = 0; i < rows; i++) kJ(t->time_vec)[i] = stamp;
    return t->time_vec;
}

/* Copy single-row atoms into t->row_cols (general columns borrow the item).
 * Ownership: data borrowed; returns borrowed (owned by t). */
static K tp_row_cols(struct tp_table *t, K data)
{
    for (int c = 0; c < t->ncols; c++) {
        K dst = kK(t->row_cols)[c], src = kK(data)[c];
        if (dst->t == 0) { kK(dst)[0] = src; dst->n = 1; }
        else memcpy(kG(dst), &src->g, (size_t)k_item_size(dst->t));
    }
    return t->row_cols;
}

/* Forget t's raw rows (their room is kept). */
static void tp_raw_clear(struct tp_table *t)
{
    for (int c = 0; c < t->ncols; c++) t->raw[c].n = 0;
    t->raw_rows = 0;
}

/* Move t's raw rows into the K buffer (empty while raw holds rows), for a filtered
 * subscriber or a general-path update: the same vectors that decoding the updates and
 * appending them would give. Returns 0, or -1 when memory runs out (raw kept).
 * Ownership: t->buf's columns replaced (the old empty ones released). */
static int tp_raw_unpack(struct tp_table *t)
{
    J rows = t->raw_rows;
    K cols = ktn(0, t->ncols);
    for (int c = 0; cols && c < t->ncols; c++) {
        int ct = tp_col_type(t, c);
        K v = kK(cols)[c] = ktn(ct, rows);
        if (!v) { cols->n = c; r0(cols); return -1; }   /* only the columns made */
        if (ct != KS) { memcpy(kG(v), t->raw[c].p, (size_t)t->raw[c].n); continue; }
        const G *p = t->raw[c].p;          /* NUL-terminated, checked on the way in */
        for (J r = 0; r < rows; r++) {
            kS(v)[r] = ss((const char *)p);
            p += strlen((const char *)p) + 1;
        }
    }
    if (!cols) return -1;
    for (int c = 0; c < t->ncols; c++) {
        r0(kK(t->buf)[c]);
        kK(t->buf)[c] = kK(cols)[c];
        kK(cols)[c] = NULL;
    }
    cols->n = 0;
    r0(cols);
    tp_raw_clear(t);
    return 0;
}

/* Append rows to the batch buffer. Returns 0, or -1 when memory runs out.
 * Ownership: cols borrowed. */
static int tp_buffer(struct tp_table *t, K cols, J rows)
{
    if (t->raw_rows && tp_raw_unpack(t)) return -1;   /* raw rows came first */
    for (int c = 0; c < t->ncols; c++)
        if (!jv(&kK(t->buf)[c], kK(cols)[c])) return -1;
    t->buf_rows += rows;
    return 0;
}

/* Journal then publish (or buffer) a checked update. data is the column list or the row
 * of atoms with the time in place. Ownership: data borrowed. */
static K tp_accept(struct tp_table *t, K data, const tp_shape *s, int is_journaled)
{
    if (tp.jnl && !is_journaled) {
        kK(t->log_rec)[2] = data;
        int rc = jnl_append(tp.jnl, t->log_rec);
        kK(t->log_rec)[2] = NULL;
        if (rc) {
            log_error("tp: journal write failed: %s", jnl_errmsg(tp.jnl));
            return krr("journal");
        }
        tp_journal_mark();
    }
    K cols = s->is_row ? tp_row_cols(t, data) : data;
    t->msgs++;
    t->rows += s->rows;
    if (tp.opt.timer_ms > 0) {
        tp.j++;
        if (tp_buffer(t, cols, s->rows)) return krr("wsfull");
    } else {
        tp.i++;
        tp.j = tp.i;
        tp_publish(t, cols, s->rows);
    }
    if (s->is_row) for (int c = 0; c < t->ncols; c++)
        if (kK(t->row_cols)[c]->t == 0) kK(t->row_cols)[c]->n = 0;
    return k_identity();
}

/* Log a rejected update with its sender. Ownership: err borrowed. */
static void tp_reject_log(int h, const struct tp_table *t, S name, K err, const tp_shape *s)
{
    tp.rejected++;
    if (!t) { log_warn("tp: rejected update from handle %d: unknown table '%s'", h, name); return; }
    log_warn("tp: rejected update for %s from handle %d: '%s (%s%s%s)", t->name, h, err->s,
             s->why ? s->why : "", s->bad_col >= 0 ? " at column " : "",
             s->bad_col >= 0 ? kS(t->colnames)[s->bad_col] : "");
}

K tp_upd(int handle, K table, K x)
{
    tp_shape s = { 0 };
    if (table->t != -KS) {
        tp.rejected++;
        log_warn("tp: rejected update from handle %d: table name is not a symbol", handle);
        return krr("type");
    }
    struct tp_table *t = tp_table_find(table->s);
    if (!t) { K e = krr(table->s); tp_reject_log(handle, NULL, table->s, e, &s); return e; }
    K err = tp_check(t, x, &s);
    if (err) { tp_reject_log(handle, t, t->name, err, &s); return err; }
    J now = tp_now_ns();
    if (tp_date_of(now) != tp.d) tp_day_check();
    if (tp.is_stopped) return krr("more than one day?");
    if (s.rows == 0) return k_identity();
    if (s.has_time) return tp_accept(t, x, &s, 0);
    J stamp = tp_stamp(t, now);
    K data = t->log_data;
    if (s.is_row) {
        t->time_atom->j = stamp;
        kK(data)[0] = t->time_atom;
    } else {
        kK(data)[0] = tp_time_vec(t, s.rows, stamp);
        if (!kK(data)[0]) return krr("wsfull");
    }
    for (J k = 0; k < x->n; k++) kK(data)[k + 1] = kK(x)[k];
    K r = tp_accept(t, data, &s, 0);
    for (int c = 0; c < t->ncols; c++) kK(data)[c] = NULL;
    return r;
}

void tp_batch_flush(void)
{
    for (int i = 0; i < tp.ntables; i++) {
        struct tp_table *t = &tp.tables[i];
        if (t->buf_rows == 0) continue;
        if (t->raw_rows) {   /* the subscribers now decide: composed bytes, or K columns */
            if (tp_pub_plain(t) && tp_publish_raw(t) == 0) {
                tp_raw_clear(t);
                t->buf_rows = 0;
                continue;
            }
            if (tp_raw_unpack(t)) {
                log_error("tp: no memory to publish %s: %lld rows dropped", t->name,
                          (long long)t->raw_rows);
                tp_raw_clear(t);
                t->buf_rows = 0;
                continue;
            }
        }
        tp_publish(t, t->buf, t->buf_rows);
        tp_cols_clear(t->buf, 1);
        t->buf_rows = 0;
    }
    tp.i = tp.j;
}

/* ---- the bytes fast path ------------------------------------------------------------ */

#define TP_LIST_HDR 6   /* type, attribute, int32 count */

static int32_t tp_rd32(const G *p)
{
    int32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* Room for n bytes in a kept scratch buffer. Returns it, or NULL. */
static G *tp_scratch(G **buf, J *cap, J n)
{
    if (n <= *cap) return *buf;
    J c = *cap ? *cap : 4096;
    while (c < n) c *= 2;
    G *p = realloc(*buf, (size_t)c);
    if (!p) return NULL;
    *buf = p;
    *cap = c;
    return p;
}

static G *tp_time_buf;  /* a time column's bytes */
static J tp_time_cap;

void tp_upd_fini(void)
{
    free(tp_time_buf);
    tp_time_buf = NULL;
    tp_time_cap = 0;
}

/* The atoms of a single-row update: where each item's bytes start and how long they
 * are (type byte included). Returns the table, or NULL when the message is not a
 * single-row (`.u.upd;`t;(atoms…)) whose every atom has its column's type: that goes
 * the general path, which also rejects and logs what is wrong. */
/* The table of a (`.u.upd;`t;data) message and where data's bytes start, or NULL. */
static struct tp_table *tp_msg_parse(const G *msg, J n, const G **data)
{
    const G *p = msg + SER_HDR_BYTES, *end = msg + n;
    static const char upd[] = TP_UPD_NAME;
    if (msg[0] != 1 || end - p < TP_LIST_HDR || p[0] != 0 || tp_rd32(p + 2) != 3) return NULL;
    p += TP_LIST_HDR;
    if (end - p > (J)sizeof upd && p[0] == (G)-KS && !memcmp(p + 1, upd, sizeof upd))
        p += 1 + sizeof upd;
    else if (end - p > TP_LIST_HDR + (J)sizeof upd - 1 && p[0] == KC
             && tp_rd32(p + 2) == (int32_t)sizeof upd - 1 && !memcmp(p + TP_LIST_HDR, upd, sizeof upd - 1))
        p += TP_LIST_HDR + sizeof upd - 1;
    else return NULL;
    if (end - p < 2 || p[0] != (G)-KS) return NULL;
    const G *z = memchr(p + 1, 0, (size_t)(end - p - 1));
    if (!z) return NULL;
    struct tp_table *t = NULL;
    for (int i = 0; i < tp.ntables && !t; i++)
        if (!strcmp(tp.tables[i].name, (const char *)p + 1)) t = &tp.tables[i];
    if (!t) return NULL;
    *data = z + 1;
    return t;
}

static struct tp_table *tp_row_parse(const G *msg, J n, const G **items, J *items_n,
                                     int *has_time)
{
    const G *p, *end = msg + n, *z;
    struct tp_table *t = tp_msg_parse(msg, n, &p);
    if (!t || end - p < TP_LIST_HDR || p[0] != 0) return NULL;
    int32_t cnt = tp_rd32(p + 2);
    if (cnt == t->ncols) *has_time = 1;
    else if (cnt == t->ncols - 1) *has_time = 0;
    else return NULL;
    p += TP_LIST_HDR;
    *items = p;
    for (int32_t k = 0; k < cnt; k++) {
        int ct = tp_col_type(t, (int)k + !*has_time);
        if (ct < 1 || ct > KT || end - p < 1 || p[0] != (G)-ct) return NULL;
        if (ct == KS) {
            z = memchr(p + 1, 0, (size_t)(end - p - 1));
            if (!z) return NULL;
            p = z + 1;
        } else {
            J w = k_item_size(ct);
            if (end - p < 1 + w) return NULL;
            p += 1 + w;
        }
    }
    if (p != end) return NULL;
    *items_n = end - *items;
    return t;
}

/* Append (`upd;`t;data) to the journal: data is time_n bytes (a list header and the
 * time item, or nothing) then the update's own bytes, gathered straight into the
 * journal's buffer. Returns 0 or -1 (logged). */
static int tp_journal_bytes(const struct tp_table *t, const G *time, J time_n,
                            const G *data, J data_n)
{
    static const G head[] = { 0, 0, 3, 0, 0, 0, (G)-KS, 'u', 'p', 'd', 0, (G)-KS };
    const G *parts[] = { head, (const G *)t->name, time, data };
    J lens[] = { (J)sizeof head, (J)strlen(t->name) + 1, time_n, data_n };
    if (jnl_append_parts(tp.jnl, parts, lens, 4)) {
        log_error("tp: journal write failed: %s", jnl_errmsg(tp.jnl));
        return -1;
    }
    tp_journal_mark();
    return 0;
}

/* Journal a column-form update from its bytes: data[0..n) as sent when has_time, else
 * re-framed with one more column, rows copies of stamp first. Returns 0 or -1 (logged). */
static int tp_journal_cols(const struct tp_table *t, const G *data, J n, int has_time,
                           J rows, J stamp)
{
    if (has_time) return tp_journal_bytes(t, NULL, 0, data, n);
    J tn = TP_LIST_HDR * 2 + rows * (J)sizeof(J);   /* list header, time vector */
    G *tb = tp_scratch(&tp_time_buf, &tp_time_cap, tn);
    if (!tb) { log_error("tp: no memory for a journal record"); return -1; }
    int32_t cnt = t->ncols, rn = (int32_t)rows;
    tb[0] = 0; tb[1] = 0; memcpy(tb + 2, &cnt, sizeof cnt);
    tb[6] = (G)t->time_type; tb[7] = 0; memcpy(tb + 8, &rn, sizeof rn);
    for (J r = 0; r < rows; r++) memcpy(tb + TP_LIST_HDR * 2 + r * (J)sizeof(J), &stamp, sizeof stamp);
    return tp_journal_bytes(t, tb, tn, data + TP_LIST_HDR, n - TP_LIST_HDR);
}

/* Past the n-th NUL from p (n NUL-terminated symbols), or NULL when end comes first.
 * Eight bytes at a time: a call to memchr per short ticker cost more than the rest of
 * the check. */
static const G *tp_syms_end(const G *p, const G *end, J n)
{
    const uint64_t lo7 = 0x7f7f7f7f7f7f7f7fULL;
    while (n > 0 && end - p >= 8) {
        uint64_t v;
        memcpy(&v, p, sizeof v);
        uint64_t zero = ~(((v & lo7) + lo7) | v | lo7);   /* 0x80 in each zero byte, exactly */
        J k = (J)(((zero >> 7) * 0x0101010101010101ULL) >> 56);   /* their count */
        if (k >= n) break;   /* the n-th NUL is in this word: find it bytewise */
        n -= k;
        p += 8;
    }
    for (; n > 0 && p < end; p++) n -= *p == 0;
    return n > 0 ? NULL : p;
}

/* Check data[0..end) as a column-form update of t without decoding: a general list of
 * ncols or ncols-1 vectors, the list and each vector (of its column's type) with a valid
 * attribute, all of one count, every symbol's NUL inside the message, nothing left over. Points
 * each t->raw[c].in at column c's items (the time column's only when sent). Returns the
 * rows, or -1 for anything else (the decoding path decides, and rejects what is wrong). */
static J tp_cols_scan(struct tp_table *t, const G *p, const G *end, int *has_time)
{
    /* the list's own attribute too: with the time column sent, these bytes are journaled
     * as they came, and a reader refuses a bad one (found by fuzz_tp_bytes) */
    if (end - p < TP_LIST_HDR || p[0] != 0 || p[1] > K_ATTR_GROUPED) return -1;
    int32_t cnt = tp_rd32(p + 2);
    if (cnt == t->ncols) *has_time = 1;
    else if (cnt == t->ncols - 1) *has_time = 0;
    else return -1;
    p += TP_LIST_HDR;
    J rows = -1;
    for (int c = !*has_time; c < t->ncols; c++) {
        int ct = tp_col_type(t, c);
        if (ct < 1 || ct > KT || end - p < TP_LIST_HDR || p[0] != ct || p[1] > K_ATTR_GROUPED)
            return -1;
        int32_t n = tp_rd32(p + 2);
        if (n < 0 || (rows >= 0 && n != rows)) return -1;
        rows = n;
        p += TP_LIST_HDR;
        const G *items = p;
        if (ct == KS) {
            if (!(p = tp_syms_end(p, end, n))) return -1;
        } else {
            J w = k_item_size(ct);
            if ((end - p) / w < n) return -1;
            p += n * w;
        }
        t->raw[c].in = items;
        t->raw[c].in_n = p - items;
    }
    return p == end ? rows : -1;
}

/* Batch mode, no K rows buffered for t: a column-form update checked and journaled
 * from its bytes, and its columns' bytes appended to t->raw (time stamped when absent),
 * so the tick composes the publish without K values. Returns 1 when taken, 0 for the
 * general path (day change, no memory), -1 when not such an update (the decoding path). */
static int tp_upd_raw(struct tp_table *t, const G *data, const G *end)
{
    int has_time;
    J rows = tp_cols_scan(t, data, end, &has_time);
    if (rows <= 0) return -1;   /* no rows: the general path ignores it as before */
    J now = tp_now_ns();
    if (tp_date_of(now) != tp.d) return 0;   /* the general path rolls the day */
    J stamp = tp_stamp(t, now);
    for (int c = 0; c < t->ncols; c++) {   /* room first: an update goes in whole or not */
        struct tp_raw *r = &t->raw[c];
        J need = r->n + (c == 0 && !has_time ? rows * (J)sizeof(J) : r->in_n);
        if (!tp_scratch(&r->p, &r->cap, need)) return 0;
    }
    if (tp.jnl && tp_journal_cols(t, data, end - data, has_time, rows, stamp))
        return 1;   /* async: nothing to answer; not buffered, as tp_accept */
    for (int c = 0; c < t->ncols; c++) {
        struct tp_raw *r = &t->raw[c];
        if (c == 0 && !has_time) {
            for (J k = 0; k < rows; k++) memcpy(r->p + r->n + k * (J)sizeof(J), &stamp, sizeof stamp);
            r->n += rows * (J)sizeof(J);
        } else {
            memcpy(r->p + r->n, r->in, (size_t)r->in_n);
            r->n += r->in_n;
        }
    }
    t->raw_rows += rows;
    t->buf_rows += rows;
    t->msgs++;
    t->rows += rows;
    tp.j++;
    return 1;
}

/* The column form: in batch mode with nothing decoded buffered, tp_upd_raw; else
 * decoded (the K buffer and zero-latency publishing need K vectors) and checked as
 * tp_upd does, but journaled from the message's own bytes rather than re-encoded.
 * Returns as tp_upd_bytes. */
static int tp_upd_cols_bytes(const G *msg, J n)
{
    const G *data, *end = msg + n;
    struct tp_table *t = tp_msg_parse(msg, n, &data);
    if (!t || end - data < TP_LIST_HDR || data[0] != 0) return 0;
    if (tp.opt.timer_ms > 0 && t->buf_rows == t->raw_rows) {
        int rc = tp_upd_raw(t, data, end);
        if (rc >= 0) return rc;
    }
    char why[SER_ERR_BYTES];
    K x = ser_decode(data, end - data, 1, 0, why);
    if (!x) return 0;
    tp_shape s = { 0 };
    K err = tp_check(t, x, &s);
    J now = err ? 0 : tp_now_ns();
    if (err || s.is_row || s.rows == 0 || tp_date_of(now) != tp.d) {
        r0(err);   /* the general path decides, rolls the day and logs */
        r0(x);
        return 0;
    }
    K cols = x;
    J stamp = tp_stamp(t, now);
    if (!s.has_time) {
        cols = t->log_data;
        kK(cols)[0] = tp_time_vec(t, s.rows, stamp);
        if (!kK(cols)[0]) { r0(x); return 0; }
        for (J k = 0; k < x->n; k++) kK(cols)[k + 1] = kK(x)[k];
    }
    int bad = tp.jnl ? tp_journal_cols(t, data, end - data, s.has_time, s.rows, stamp) : 0;
    if (!bad) r0(tp_accept(t, cols, &s, 1));
    if (cols != x) for (int c = 0; c < t->ncols; c++) kK(cols)[c] = NULL;
    r0(x);
    return 1;
}

int tp_upd_bytes(int handle, const G *msg, J n)
{
    (void)handle;
    if (tp.is_stopped) return 0;
    const G *items;
    J items_n;
    int has_time;
    struct tp_table *t = tp_row_parse(msg, n, &items, &items_n, &has_time);
    if (!t) return tp_upd_cols_bytes(msg, n);
    if (tp.opt.timer_ms > 0 || !tp_pub_plain(t)) return 0;   /* batch: K rows buffered */
    J now = tp_now_ns();
    if (tp_date_of(now) != tp.d) return 0;      /* the general path rolls the day */
    J stamp = tp_stamp(t, now);
    G time_atom[1 + sizeof(J)];
    time_atom[0] = (G)-t->time_type;
    memcpy(time_atom + 1, &stamp, sizeof stamp);
    J time_n = has_time ? 0 : (J)sizeof time_atom;
    if (tp.jnl) {   /* (`upd;`t;row): as jnl_append would encode it */
        G head[TP_LIST_HDR + sizeof time_atom];
        int32_t cnt = t->ncols;
        head[0] = 0; head[1] = 0; memcpy(head + 2, &cnt, sizeof cnt);
        memcpy(head + TP_LIST_HDR, time_atom, (size_t)time_n);
        if (tp_journal_bytes(t, head, TP_LIST_HDR + time_n, items, items_n))
            return 1;   /* async: nothing to answer; not published, as tp_accept */
    }
    t->msgs++;
    t->rows++;
    tp.i++;
    tp.j = tp.i;
    tp_publish_row_bytes(t, has_time ? NULL : time_atom, items, items_n);
    return 1;
}
