/* tp_q.c: the tickerplant as the interpreter sees it: native .u.upd .u.sub .u.add .u.del
 * .u.pub .u.end .u.endofday .u.stats, the .u.t .u.i .u.j .u.L .u.d .u.w globals, the
 * IPC fast path for (`.u.upd;t;x) and the timer. The work is tp_upd.c / tp_pub.c.
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "qnative.h"
#include "runtime.h"
#include "ser.h"
#include "tp.h"

#define TP_CALL_ITEMS 3   /* (f;t;x) */

/* Ownership (every native below): args borrowed; returns new. */
static K tp_q_upd(K *a, int n) { (void)n; return tp_upd(rt_handle(), a[0], a[1]); }
static K tp_q_sub(K *a, int n) { (void)n; return tp_sub(rt_handle(), a[0], a[1], 0); }
static K tp_q_add(K *a, int n) { (void)n; return tp_sub(rt_handle(), a[0], a[1], 1); }
static K tp_q_stats(K *a, int n) { (void)a; (void)n; return tp_stats(); }
static K tp_q_endofday(K *a, int n) { (void)a; (void)n; return tp_endofday(); }

static K tp_q_del(K *a, int n)
{
    (void)n;
    if (a[0]->t != -KS || (a[1]->t != -KI && a[1]->t != -KJ)) return krr("type");
    struct tp_table *t = tp_table_find(a[0]->s);
    if (!t) return krr(a[0]->s);
    tp_del(t, a[1]->t == -KI ? a[1]->i : (int)a[1]->j);
    return k_identity();
}

static K tp_q_end(K *a, int n)
{
    (void)n;
    if (a[0]->t != -KD) return krr("type");
    tp_send_end(a[0]->i);
    return k_identity();
}

/* .u.pub[t;x]: publish table x as t's rows (no journal, as u.q). */
static K tp_q_pub(K *a, int n)
{
    (void)n;
    if (a[0]->t != -KS || a[1]->t != XT) return krr("type");
    struct tp_table *t = tp_table_find(a[0]->s);
    if (!t) return krr(a[0]->s);
    K cols = kK(a[1]->k)[1];
    if (cols->n != t->ncols) return krr("length");
    for (int c = 0; c < t->ncols; c++)
        if (kK(cols)[c]->t != kK(kK(t->schema->k)[1])[c]->t) return krr("type");
    J rows = k_count(a[1]);
    if (rows > 0) tp_publish(t, cols, rows);
    return k_identity();
}

/* Set a global, reporting a failure. Ownership: v consumed. */
static void tp_set(const char *name, K v)
{
    if (!v || q_global_set(name, v) != 0) log_error("tp: cannot set %s", name);
}

void tp_q_sync(void)
{
    /* no journal: .u.i and .u.L are null so that r.q skips the replay (§11) */
    tp_set(".u.i", kj(tp.jnl ? tp.i : nj));
    tp_set(".u.j", kj(tp.jnl ? tp.j : nj));
    if (!tp.is_globals_dirty) return;
    char path[TP_PATH_BYTES + 2];
    snprintf(path, sizeof path, ":%s", tp.jnl ? tp.jnl_path : "");
    tp_set(".u.L", ks(tp.jnl ? path : ""));
    tp_set(".u.d", kd(tp.d));
    tp_set(".u.w", tp_w_dict());
    tp.is_globals_dirty = 0;
}

int tp_q_register(void)
{
    static const struct { const char *name; int rank; q_native_fn fn; } natives[] = {
        { TP_UPD_NAME, 2, tp_q_upd }, { ".u.sub", 2, tp_q_sub }, { ".u.add", 2, tp_q_add },
        { ".u.del", 2, tp_q_del }, { ".u.pub", 2, tp_q_pub }, { ".u.end", 1, tp_q_end },
        { ".u.endofday", 0, tp_q_endofday }, { ".u.stats", 0, tp_q_stats },
    };
    for (size_t i = 0; i < sizeof natives / sizeof *natives; i++) {
        K f = q_native_new(natives[i].name, natives[i].rank, natives[i].fn);
        if (!f || q_global_set(natives[i].name, f) != 0) return -1;
    }
    K names = ktn(KS, tp.ntables);
    if (!names) return -1;
    for (int i = 0; i < tp.ntables; i++) {
        kS(names)[i] = tp.tables[i].name;
        if (q_global_set(tp.tables[i].name, r1(tp.tables[i].schema)) != 0) { r0(names); return -1; }
    }
    if (q_global_set(".u.t", names) != 0) return -1;
    tp.is_globals_dirty = 1;
    tp_q_sync();
    return 0;
}

/* Is f the name .u.upd, as a symbol or a string (feeds send both, §2.3)?
 * Ownership: f borrowed. */
static int tp_is_upd_name(K f)
{
    static const char name[] = TP_UPD_NAME;
    if (f->t == -KS) return strcmp(f->s, name) == 0;
    return f->t == KC && f->n == (J)strlen(name) && memcmp(kC(f), name, strlen(name)) == 0;
}

K tp_on_message(int handle, int msg_type, K msg)
{
    (void)msg_type;   /* async results are dropped by net; sync ones are the answer */
    if (msg->t == 0 && msg->n == TP_CALL_ITEMS && tp_is_upd_name(kK(msg)[0]))
        return tp_upd(handle, kK(msg)[1], kK(msg)[2]);
    /* Anything else may read .u.i (a subscriber's "(.u.sub[`;`];`.u `i`L)"): every record
     * it counts must already be in the journal file for the subscriber's replay (§4.4). */
    tp_journal_flush();
    tp_q_sync();
    return NULL;
}
