/* tp_pub.c: the tickerplant's subscribers (tick-architecture.md §6–7): .u.sub/.u.add/
 * .u.del, publishing each (table, filter) message once to every handle sharing it, the
 * slow-subscriber cut-off, .u.end, and the .u.w/.u.stats views. Ingest is tp_upd.c.
 * SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "net.h"
#include "ser.h"
#include "tp.h"

#define TP_SUBS_MIN_CAP 8
#define TP_SHARE_MIN_BYTES 65536   /* a publish this large is shared, not copied */
#define TP_VECTOR_HDR 6   /* a vector's type, attribute and int32 count (§3.4) */

static G *tp_pub_reserve(J n);

/* Room for n handles in the scratch arrays. Returns 0 or -1. */
static int tp_scratch_reserve(int n)
{
    if (n <= tp.scratch_cap) return 0;
    int cap = n < TP_SUBS_MIN_CAP ? TP_SUBS_MIN_CAP : n * 2;
    int *hs = realloc(tp.scratch_handles, (size_t)cap * sizeof *hs);
    if (!hs) return -1;
    tp.scratch_handles = hs;
    char *done = realloc(tp.scratch_done, (size_t)cap);
    if (!done) return -1;
    tp.scratch_done = done;
    tp.scratch_cap = cap;
    return 0;
}

int tp_pub_init(struct tp_table *t)
{
    K err = NULL;
    J whole = ser_body_size(t->pub_msg, SER_MAX_CAPABILITY, &err), cols = 0;
    for (int c = 0; whole >= 0 && c < t->ncols; c++) {
        J b = ser_body_size(kK(t->pub_vals)[c], SER_MAX_CAPABILITY, &err);
        if (b < 0) whole = -1;
        cols += b;
    }
    if (whole < 0) { r0(err); return -1; }
    G *all = malloc((size_t)whole);
    if (!all) return -1;
    ser_body_write(t->pub_msg, all);
    t->pub_prefix_n = whole - cols;
    t->pub_prefix = realloc(all, (size_t)t->pub_prefix_n);
    if (!t->pub_prefix) { free(all); return -1; }
    return 0;
}

void tp_pub_fini(void)
{
    for (int i = 0; i < TP_PUB_BIG_KEPT; i++) { r0(tp.pub_big[i]); tp.pub_big[i] = NULL; }
    free(tp.pub_buf);
    tp.pub_buf = NULL;
    tp.pub_buf_cap = 0;
}

/* Can hs[0..n) all take the bytes composed at SER_MAX_CAPABILITY? */
static int tp_caps_max(const int *hs, int n)
{
    for (int i = 0; i < n; i++) {
        struct net_conn *c = net_conn_get(hs[i]);
        if (c && net_conn_capability(c) < SER_MAX_CAPABILITY) return 0;
    }
    return 1;
}

/* Room for n bytes in tp.pub_buf. Returns it, or NULL. */
static G *tp_pub_reserve(J n)
{
    if (n <= tp.pub_buf_cap) return tp.pub_buf;
    J cap = tp.pub_buf_cap ? tp.pub_buf_cap : 4096;
    while (cap < n) cap *= 2;
    G *p = realloc(tp.pub_buf, (size_t)cap);
    if (!p) return NULL;
    tp.pub_buf = p;
    tp.pub_buf_cap = cap;
    return p;
}

/* Compose (`upd;`t;cols as a table): the cached prefix, then each column's encoding
 * (no K built). A small message goes into tp.pub_buf (kept: nothing allocated once it
 * has grown), a large one into a new byte vector (*big) that net shares by reference
 * instead of copying. Returns the message bytes, or -1 when a column has no wire form
 * (the caller takes the general path, which reports it) or memory ran out.
 * Ownership: cols borrowed; *big new when set. */
static J tp_compose(const struct tp_table *t, K cols, K *big)
{
    *big = NULL;
    J total = SER_HDR_BYTES + t->pub_prefix_n;
    for (int c = 0; c < t->ncols; c++) {
        K err = NULL;
        J b = ser_body_size(kK(cols)[c], SER_MAX_CAPABILITY, &err);
        if (b < 0) { r0(err); return -1; }
        total += b;
    }
    if (total > INT32_MAX) return -1;
    G *p;
    if (total >= TP_SHARE_MIN_BYTES) {
        *big = ktn(KG, total);
        if (!*big) return -1;
        p = kG(*big);
    } else if (!(p = tp_pub_reserve(total))) {
        return -1;
    }
    ser_header_write(p, SER_ASYNC, 0, total);
    p += SER_HDR_BYTES;
    memcpy(p, t->pub_prefix, (size_t)t->pub_prefix_n);
    p += t->pub_prefix_n;
    for (int c = 0; c < t->ncols; c++) p += ser_body_write(kK(cols)[c], p);
    return total;
}

int tp_pub_plain(const struct tp_table *t)
{
    for (int i = 0; i < t->nsubs; i++) {
        if (t->subs[i].syms) return 0;
        struct net_conn *c = net_conn_get(t->subs[i].handle);
        if (c && net_conn_capability(c) < SER_MAX_CAPABILITY) return 0;
    }
    return 1;
}

static void tp_check_slow(struct tp_table *t);

void tp_publish_row_bytes(struct tp_table *t, const G *time_atom, const G *items, J n)
{
    if (t->nsubs == 0 || tp_scratch_reserve(t->nsubs)) return;
    /* each atom becomes a one-item vector: 6 bytes of vector header for 1 of type */
    J total = SER_HDR_BYTES + t->pub_prefix_n + n + (time_atom ? 1 + (J)sizeof(J) : 0)
              + (J)t->ncols * (TP_VECTOR_HDR - 1);
    G *p = tp_pub_reserve(total);
    if (!p) { log_error("tp: no memory to publish %s", t->name); return; }
    ser_header_write(p, SER_ASYNC, 0, total);
    G *q = p + SER_HDR_BYTES;
    memcpy(q, t->pub_prefix, (size_t)t->pub_prefix_n);
    q += t->pub_prefix_n;
    static const int32_t one = 1;
    for (int c = 0; c < t->ncols; c++) {
        const G *a = c == 0 && time_atom ? time_atom : items;
        int ct = -(signed char)a[0];
        J w = ct == KS ? (J)strlen((const char *)a + 1) + 1 : k_item_size(ct);
        q[0] = (G)ct;
        q[1] = 0;
        memcpy(q + 2, &one, sizeof one);
        memcpy(q + TP_VECTOR_HDR, a + 1, (size_t)w);
        q += TP_VECTOR_HDR + w;
        if (a == items) items += 1 + w;
    }
    int *hs = tp.scratch_handles;
    for (int i = 0; i < t->nsubs; i++) hs[i] = t->subs[i].handle;
    int sent = net_send_bytes_many(hs, t->nsubs, p, total);
    if (sent < 0) log_error("tp: cannot publish %s: 'wsfull", t->name);
    else t->pub_msgs += sent;
    tp_check_slow(t);
}

/* A byte vector of n bytes for a large publish: a kept one that net has let go of (no
 * other reference) and that has room, else a new one in the next slot (released by
 * us; net may still hold it). Ownership: returns borrowed (owned by tp), or NULL when
 * memory runs out. */
static K tp_pub_big(J n)
{
    for (int i = 0; i < TP_PUB_BIG_KEPT; i++) {
        K b = tp.pub_big[i];
        if (b && b->r == 0 && k_capacity(b) >= n) { b->n = n; return b; }
    }
    int slot = tp.pub_big_next;
    for (int i = 0; i < TP_PUB_BIG_KEPT; i++)   /* rather a free slot than a busy one */
        if (!tp.pub_big[i] || tp.pub_big[i]->r == 0) { slot = i; break; }
    tp.pub_big_next = (slot + 1) % TP_PUB_BIG_KEPT;
    r0(tp.pub_big[slot]);
    K b = tp.pub_big[slot] = ktn(KG, 2 * n);   /* headroom: ticks vary; fresh pages cost */
    if (b) b->n = n;
    return b;
}

int tp_publish_raw(struct tp_table *t)
{
    if (t->nsubs == 0) return 0;
    if (tp_scratch_reserve(t->nsubs) || t->raw_rows > INT32_MAX) return -1;
    J total = SER_HDR_BYTES + t->pub_prefix_n;
    for (int c = 0; c < t->ncols; c++) total += TP_VECTOR_HDR + t->raw[c].n;
    if (total > INT32_MAX) return -1;
    K big = total >= TP_SHARE_MIN_BYTES ? tp_pub_big(total) : NULL;
    G *p = big ? kG(big) : total < TP_SHARE_MIN_BYTES ? tp_pub_reserve(total) : NULL;
    if (!p) return -1;
    ser_header_write(p, SER_ASYNC, 0, total);
    G *q = p + SER_HDR_BYTES;
    memcpy(q, t->pub_prefix, (size_t)t->pub_prefix_n);
    q += t->pub_prefix_n;
    int32_t rows = (int32_t)t->raw_rows;
    for (int c = 0; c < t->ncols; c++) {   /* attribute none, as the general path's buffer */
        q[0] = (G)kK(t->pub_empty)[c]->t;
        q[1] = 0;
        memcpy(q + 2, &rows, sizeof rows);
        memcpy(q + TP_VECTOR_HDR, t->raw[c].p, (size_t)t->raw[c].n);
        q += TP_VECTOR_HDR + t->raw[c].n;
    }
    int *hs = tp.scratch_handles;
    for (int i = 0; i < t->nsubs; i++) hs[i] = t->subs[i].handle;
    int sent = big ? net_send_shared_many(hs, t->nsubs, big)
                   : net_send_bytes_many(hs, t->nsubs, p, total);
    if (sent < 0) log_error("tp: cannot publish %s: 'wsfull", t->name);
    else t->pub_msgs += sent;
    tp_check_slow(t);
    return 0;
}

/* Send (`upd;t;cols as a table) once to hs[0..n): composed from cached parts, or
 * (a peer of a lower capability, a column with no wire form) cols are slotted into
 * the table's skeleton for net's encode and the empty columns put back.
 * Ownership: cols borrowed. */
static void tp_send(struct tp_table *t, K cols, const int *hs, int n)
{
    K big = NULL;
    J len = tp_caps_max(hs, n) ? tp_compose(t, cols, &big) : -1;
    if (len > 0) {
        int sent = big ? net_send_shared_many(hs, n, big) : net_send_bytes_many(hs, n, tp.pub_buf, len);
        r0(big);
        if (sent < 0) log_error("tp: cannot publish %s: 'wsfull", t->name);
        else t->pub_msgs += sent;
        return;
    }
    for (int c = 0; c < t->ncols; c++) kK(t->pub_vals)[c] = kK(cols)[c];
    K err = NULL;
    int sent = net_send_many(hs, n, SER_ASYNC, t->pub_msg, &err);
    for (int c = 0; c < t->ncols; c++) kK(t->pub_vals)[c] = kK(t->pub_empty)[c];
    if (sent < 0) {
        log_error("tp: cannot publish %s: '%s", t->name, err ? err->s : "wsfull");
        r0(err);
        return;
    }
    t->pub_msgs += sent;
}

/* Is s in the symbol vector syms? Ownership: syms borrowed. */
static int tp_sym_in(S s, K syms)
{
    for (J i = 0; i < syms->n; i++) if (kS(syms)[i] == s) return 1;
    return 0;
}

/* The rows of cols whose sym is in syms, into t->filt_cols. Returns the row count, or
 * -1 when memory ran out. Ownership: cols and syms borrowed. */
static J tp_filter(struct tp_table *t, K cols, J rows, K syms)
{
    K symcol = kK(cols)[t->sym_col];
    J kept = 0;
    for (J r = 0; r < rows; r++) {
        if (!tp_sym_in(kS(symcol)[r], syms)) continue;
        for (int c = 0; c < t->ncols; c++) {
            K src = kK(cols)[c];
            K *dst = &kK(t->filt_cols)[c];
            if (src->t == 0) (void)jk(dst, r1(kK(src)[r]));  /* no memory: row short, */
            else (void)ja(dst, kG(src) + r * k_item_size(src->t)); /* caught below */
        }
        kept++;
    }
    for (int c = 0; c < t->ncols; c++) if (kK(t->filt_cols)[c]->n != kept) return -1;
    return kept;
}

static void tp_filter_clear(struct tp_table *t)
{
    for (int c = 0; c < t->ncols; c++) {
        K v = kK(t->filt_cols)[c];
        if (v->t == 0) for (J i = 0; i < v->n; i++) r0(kK(v)[i]);
        v->n = 0;
    }
}

/* Disconnect a subscriber whose output queue passed the limit (§7). */
static void tp_cut_off(int h, J queued)
{
    struct net_conn *c = net_conn_get(h);
    uint32_t a = c ? net_conn_addr(c) : 0;
    log_warn("tp: slow subscriber handle %d (%u.%u.%u.%u) has %lld bytes queued, over the "
             "limit %lld; disconnecting", h, a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff,
             a & 0xff, (long long)queued, (long long)tp.opt.max_sub_bytes);
    tp.slow_drops++;
    tp_on_close(h);
    if (net_hclose(h) != 0) log_warn("tp: cannot close handle %d", h);
}

/* Cut off t's subscribers over the output limit. */
static void tp_check_slow(struct tp_table *t)
{
    for (int i = 0; i < t->nsubs; i++) {
        int h = t->subs[i].handle;
        J queued = net_conn_queued_bytes(net_conn_get(h));
        if (queued > tp.opt.max_sub_bytes) { tp_cut_off(h, queued); i = -1; }
    }
}

void tp_publish(struct tp_table *t, K cols, J rows)
{
    if (t->nsubs == 0 || tp_scratch_reserve(t->nsubs)) return;
    int *hs = tp.scratch_handles, n = 0;
    for (int i = 0; i < t->nsubs; i++) if (!t->subs[i].syms) hs[n++] = t->subs[i].handle;
    if (n) tp_send(t, cols, hs, n);
    int is_symbol = kK(cols)[t->sym_col]->t == KS;
    memset(tp.scratch_done, 0, (size_t)t->nsubs);
    for (int i = 0; i < t->nsubs; i++) {
        K syms = t->subs[i].syms;
        if (!syms || tp.scratch_done[i]) continue;
        n = 0;
        for (int k = i; k < t->nsubs; k++) {
            if (!t->subs[k].syms || !k_match(t->subs[k].syms, syms)) continue;
            tp.scratch_done[k] = 1;
            hs[n++] = t->subs[k].handle;
        }
        if (!is_symbol) { tp_send(t, cols, hs, n); continue; }  /* filter only on symbols */
        J kept = tp_filter(t, cols, rows, syms);
        if (kept < 0) log_error("tp: no memory to filter %s", t->name);
        else if (kept > 0) tp_send(t, t->filt_cols, hs, n);  /* none kept: no message */
        tp_filter_clear(t);
    }
    tp_check_slow(t);
}

/* The filter for syms: NULL for ` (all), else a symbol vector. *err set on a bad type.
 * Ownership: syms borrowed; returns new. */
static K tp_filter_new(K syms, K *err)
{
    *err = NULL;
    if (syms->t == -KS) {
        if (!syms->s[0]) return NULL;
        K v = ktn(KS, 1);
        if (v) kS(v)[0] = syms->s;
        return v;
    }
    if (syms->t == KS) {
        K v = ktn(KS, 0);
        for (J i = 0; v && i < syms->n; i++) if (!tp_sym_in(kS(syms)[i], v)) js(&v, kS(syms)[i]);
        return v;
    }
    if (syms->t == 0 && syms->n == 0) return ktn(KS, 0);
    *err = krr("type");
    return NULL;
}

static struct tp_sub *tp_sub_find(struct tp_table *t, int h)
{
    for (int i = 0; i < t->nsubs; i++) if (t->subs[i].handle == h) return &t->subs[i];
    return NULL;
}

/* .u.add for one table. Ownership: filter consumed (NULL = all); returns new. */
static K tp_add_one(struct tp_table *t, int h, K filter)
{
    struct tp_sub *s = tp_sub_find(t, h);
    if (s) {
        /* union; "all" stays all (§6 quirk, divergence documented) */
        if (!s->syms || !filter) { r0(s->syms); r0(filter); s->syms = NULL; }
        else {
            s->syms = k_unshare(s->syms);   /* .u.w may share it */
            if (!s->syms) { r0(filter); return krr("wsfull"); }
            for (J i = 0; i < filter->n; i++)
                if (!tp_sym_in(kS(filter)[i], s->syms)) js(&s->syms, kS(filter)[i]);
            r0(filter);
        }
    } else {
        if (t->nsubs == t->subs_cap) {
            int cap = t->subs_cap ? t->subs_cap * 2 : TP_SUBS_MIN_CAP;
            struct tp_sub *subs = realloc(t->subs, (size_t)cap * sizeof *subs);
            if (!subs) { r0(filter); return krr("wsfull"); }
            t->subs = subs;
            t->subs_cap = cap;
        }
        t->subs[t->nsubs++] = (struct tp_sub){ .handle = h, .syms = filter };
    }
    tp.is_globals_dirty = 1;
    return knk(2, ks(t->name), r1(t->schema));
}

K tp_sub(int h, K table, K syms, int is_add)
{
    if (table->t != -KS) return krr("type");
    K err;
    if (!table->s[0]) {  /* ` : every table, a list of results */
        K all;
        all = ktn(0, tp.ntables);
        for (int i = 0; all && i < tp.ntables; i++) {
            K f = tp_filter_new(syms, &err);
            if (err) { r0(all); return err; }
            if (!is_add) tp_del(&tp.tables[i], h);
            kK(all)[i] = tp_add_one(&tp.tables[i], h, f);
        }
        return all ? all : krr("wsfull");
    }
    struct tp_table *t = tp_table_find(table->s);
    if (!t) return krr(table->s);
    K f = tp_filter_new(syms, &err);
    if (err) return err;
    if (!is_add) tp_del(t, h);
    return tp_add_one(t, h, f);
}

void tp_del(struct tp_table *t, int h)
{
    int k = 0;
    for (int i = 0; i < t->nsubs; i++) {
        if (t->subs[i].handle == h) { r0(t->subs[i].syms); tp.is_globals_dirty = 1; }
        else t->subs[k++] = t->subs[i];
    }
    t->nsubs = k;
}

void tp_on_close(int h)
{
    for (int i = 0; i < tp.ntables; i++) tp_del(&tp.tables[i], h);
}

/* Distinct subscriber handles into the scratch array; returns the count. */
static int tp_all_handles(void)
{
    int total = 0, n = 0;
    for (int i = 0; i < tp.ntables; i++) total += tp.tables[i].nsubs;
    if (tp_scratch_reserve(total)) return 0;
    for (int i = 0; i < tp.ntables; i++)
        for (int k = 0; k < tp.tables[i].nsubs; k++) {
            int h = tp.tables[i].subs[k].handle, seen = 0;
            for (int m = 0; m < n && !seen; m++) seen = tp.scratch_handles[m] == h;
            if (!seen) tp.scratch_handles[n++] = h;
        }
    return n;
}

void tp_send_end(I date)
{
    int n = tp_all_handles();
    K msg = knk(2, ks(".u.end"), kd(date));
    K err = NULL;
    if (!msg || (n && net_send_many(tp.scratch_handles, n, SER_ASYNC, msg, &err) < 0))
        log_error("tp: cannot send .u.end: '%s", err ? err->s : "wsfull");
    r0(err);
    r0(msg);
}

K tp_w_dict(void)
{
    K keys = ktn(KS, tp.ntables), vals = ktn(0, tp.ntables);
    for (int i = 0; keys && vals && i < tp.ntables; i++) {
        struct tp_table *t = &tp.tables[i];
        kS(keys)[i] = t->name;
        K subs = kK(vals)[i] = ktn(0, t->nsubs);
        for (int k = 0; subs && k < t->nsubs; k++)
            kK(subs)[k] = knk(2, ki(t->subs[k].handle),
                              t->subs[k].syms ? r1(t->subs[k].syms) : ks(""));
    }
    return keys && vals ? xD(keys, vals) : (r0(keys), r0(vals), krr("wsfull"));
}

/* A table from names (space separated) and columns. Ownership: consumes cols. */
static K tp_table_of(const char *names, K cols)
{
    K keys = ktn(KS, 0);
    char word[TP_NAME_BYTES];
    for (const char *p = names; keys && *p;) {
        size_t n = strcspn(p, " ");
        snprintf(word, sizeof word, "%.*s", (int)n, p);
        js(&keys, ss(word));
        p += n + (p[n] == ' ');
    }
    return keys && cols ? xT(xD(keys, cols)) : (r0(keys), r0(cols), krr("wsfull"));
}

K tp_stats(void)
{
    K name = ktn(KS, tp.ntables), msgs = ktn(KJ, tp.ntables), rows = ktn(KJ, tp.ntables);
    K pubs = ktn(KJ, tp.ntables), subs = ktn(KJ, tp.ntables), buf = ktn(KJ, tp.ntables);
    for (int i = 0; name && msgs && rows && pubs && subs && buf && i < tp.ntables; i++) {
        struct tp_table *t = &tp.tables[i];
        kS(name)[i] = t->name;
        kJ(msgs)[i] = t->msgs;
        kJ(rows)[i] = t->rows;
        kJ(pubs)[i] = t->pub_msgs;
        kJ(subs)[i] = t->nsubs;
        kJ(buf)[i] = t->buf_rows;
    }
    K tables = tp_table_of("table msgs rows published subscribers buffered",
                           knk(6, name, msgs, rows, pubs, subs, buf));
    int n = tp_all_handles();
    K hs = ktn(KI, n), queued = ktn(KJ, n);
    for (int i = 0; hs && queued && i < n; i++) {
        kI(hs)[i] = tp.scratch_handles[i];
        kJ(queued)[i] = net_conn_queued_bytes(net_conn_get(tp.scratch_handles[i]));
    }
    K subscribers = tp_table_of("handle queued", knk(2, hs, queued));
    K keys = ktn(KS, 0);
    const char *names[] = { "tables", "subscribers", "journal", "journalbytes", "i", "j",
                            "rejected", "slowdrops", "maxsubbytes" };
    for (size_t i = 0; keys && i < sizeof names / sizeof *names; i++) js(&keys, ss(names[i]));
    K vals = knk(9, tables, subscribers, ks(tp.jnl ? tp.jnl_path : ""),
                 kj(tp.jnl ? jnl_bytes(tp.jnl) : 0), kj(tp.i), kj(tp.j), kj(tp.rejected),
                 kj(tp.slow_drops), kj(tp.opt.max_sub_bytes));
    return keys && vals ? xD(keys, vals) : (r0(keys), r0(vals), krr("wsfull"));
}
