/* tp_upd.c: the tickerplant's ingest path, .u.upd (tick-architecture.md §4.3): check an
 * update against the schema, stamp the time, journal it, then publish it (zero latency)
 * or buffer it (batch). Per-table skeletons keep the hot path free of allocation.
 * Subscribers and sending are tp_pub.c; the clock and the log file are tp_eod.c.
 * SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "log.h"
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
    t->row_cols = tp_cols_new(t, 1);
    t->filt_cols = tp_cols_new(t, 0);
    t->buf = tp_cols_new(t, 0);
    t->log_data = ktn(0, t->ncols);
    t->log_rec = knk(3, ks("upd"), ks(name), (K)NULL);
    t->time_atom = ktj(-t->time_type, 0);
    t->time_vec = ktn(t->time_type, 0);
    if (!t->row_cols || !t->filt_cols || !t->buf || !t->log_data || !t->log_rec
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
    if (t->buf) tp_cols_clear(t->buf, 1);
    if (t->filt_cols) tp_cols_clear(t->filt_cols, 0);
    if (t->row_cols) tp_cols_clear(t->row_cols, 0);
    r0(t->buf); r0(t->filt_cols); r0(t->row_cols);
    r0(t->log_rec); r0(t->log_data); r0(t->time_atom); r0(t->time_vec);
    r0(t->pub_msg); r0(t->pub_empty);
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

/* Append rows to the batch buffer. Returns 0, or -1 when memory runs out.
 * Ownership: cols borrowed. */
static int tp_buffer(struct tp_table *t, K cols, J rows)
{
    for (int c = 0; c < t->ncols; c++)
        if (!jv(&kK(t->buf)[c], kK(cols)[c])) return -1;
    t->buf_rows += rows;
    return 0;
}

/* Journal then publish (or buffer) a checked update. data is the column list or the row
 * of atoms with the time in place. Ownership: data borrowed. */
static K tp_accept(struct tp_table *t, K data, const tp_shape *s)
{
    if (tp.jnl) {
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
    if (s.has_time) return tp_accept(t, x, &s);
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
    K r = tp_accept(t, data, &s);
    for (int c = 0; c < t->ncols; c++) kK(data)[c] = NULL;
    return r;
}

void tp_batch_flush(void)
{
    for (int i = 0; i < tp.ntables; i++) {
        struct tp_table *t = &tp.tables[i];
        if (t->buf_rows == 0) continue;
        tp_publish(t, t->buf, t->buf_rows);
        tp_cols_clear(t->buf, 1);
        t->buf_rows = 0;
    }
    tp.i = tp.j;
}
