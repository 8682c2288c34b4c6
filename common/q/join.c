/* join.c: table joins (q-subset.md §3.14): lj ij pj uj by the keys of a keyed table, and
 * the as-of joins aj/aj0: rows of the quote table grouped by the equality columns, then
 * a binary search on time within each group. Table keywords are table.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"
#include "prim_fns.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>

/* col at idx, where a negative index gives the column's null. Ownership: new. */
static K join_gather_null(K col, K idx)
{
    J n = idx->n;
    const J *ix = kJ(idx);
    int w = qsql_width(col->t);
    if (!w || w > 8) {
        K safe = ktn(KJ, n);
        if (!safe) return krr("wsfull");
        for (J i = 0; i < n; i++) kJ(safe)[i] = ix[i] < 0 ? col->n : ix[i];
        K r = eval_index(col, safe);
        r0(safe);
        return r;
    }
    K null = prim_null_of(col->t);
    K r = IS_ERR(null) ? NULL : ktn(col->t, n);
    if (!r) { r0(null); return krr("wsfull"); }
    const G *nb = (const G *)&null->g;
    for (J i = 0; i < n; i++)
        memcpy(kG(r) + i * w, ix[i] < 0 ? nb : kG(col) + ix[i] * w, (size_t)w);
    r0(null);
    return r;
}

/* For each row of the probe columns, the row of keys (columns, same count) holding the
 * same values, or -1. Grouping the concatenation gives both sides the same group ids. */
K join_find_rows(K keys, K probe)
{
    J nk = keys->n ? k_count(kK(keys)[0]) : 0, np = probe->n ? k_count(kK(probe)[0]) : 0;
    K both = ktn(0, keys->n);
    if (!both) return krr("wsfull");
    for (J c = 0; c < keys->n; c++) {
        K j = prim_join(kK(keys)[c], kK(probe)[c]);
        if (IS_ERR(j)) { for (J d = c; d < keys->n; d++) kK(both)[d] = k_identity(); r0(both); return j; }
        kK(both)[c] = j;
    }
    qsql_groups g;
    K err = qsql_group(both, nk + np, &g);
    r0(both);
    if (err) return err;
    J *row_of = malloc((size_t)(g.n ? g.n : 1) * sizeof(J));
    K out = row_of ? ktn(KJ, np) : NULL;
    if (!out) { free(row_of); qsql_groups_free(&g); return krr("wsfull"); }
    for (J k = 0; k < g.n; k++) row_of[k] = -1;
    const I *ids = kI(g.ids);
    for (J r = nk - 1; r >= 0; r--) row_of[ids[r]] = r;  /* first occurrence wins */
    for (J r = 0; r < np; r++) kJ(out)[r] = row_of[ids[nk + r]];
    free(row_of);
    qsql_groups_free(&g);
    return out;
}

/* The columns of t named by names (general list), or NULL when one is missing. */
static K join_columns(K t, K names)
{
    K out = ktn(0, names->n);
    if (!out) return NULL;
    for (J c = 0; c < names->n; c++) {
        K col = table_column(t, kS(names)[c]);
        if (!col) { for (J d = c; d < names->n; d++) kK(out)[d] = k_identity(); r0(out); return NULL; }
        kK(out)[c] = r1(col);
    }
    return out;
}

enum { JOIN_LEFT, JOIN_INNER, JOIN_PLUS };

/* x lj/ij/pj y: y keyed; x a table or keyed table. */
static K join_keyed(K x, K y, int kind)
{
    if (!table_is_keyed(y)) return krr("type");
    J nkeys = 0;
    K t = r1(x);
    if (table_is_keyed(t)) { nkeys = kK(kK(t)[0]->k)[0]->n; t = ktd(t); }
    if (t->t != XT) { r0(t); return krr("type"); }
    K keyt = kK(y)[0], valt = kK(y)[1];
    K probe = join_columns(t, kK(keyt->k)[0]);
    if (!probe) { r0(t); return krr("mismatch"); }
    K at = join_find_rows(kK(keyt->k)[1], probe);
    r0(probe);
    if (IS_ERR(at)) { r0(t); return at; }
    if (kind == JOIN_INNER) {
        K keep = ktn(KJ, 0), rows = ktn(KJ, 0);
        for (J r = 0; r < at->n; r++) if (kJ(at)[r] >= 0) { ja(&keep, &r); ja(&rows, &kJ(at)[r]); }
        K sub = table_rows(t, keep);
        r0(t); r0(at); r0(keep);
        t = sub;
        at = rows;
    }
    K names = k_copy(kK(t->k)[0]), cols = k_copy(kK(t->k)[1]);
    K vnames = kK(valt->k)[0], vcols = kK(valt->k)[1];
    K err = names && cols ? NULL : krr("wsfull");
    for (J v = 0; v < vnames->n && !err; v++) {
        K got = join_gather_null(kK(vcols)[v], at);
        if (IS_ERR(got)) { err = got; break; }
        J c = -1;
        for (J k = 0; k < names->n; k++) if (kS(names)[k] == kS(vnames)[v]) c = k;
        if (kind == JOIN_PLUS) {
            K zero = kj(0);
            K filled = prim_fill(zero, got);
            r0(zero); r0(got);
            got = c >= 0 ? prim_arith(PRIM_OP_PLUS, kK(cols)[c], filled) : r1(filled);
            r0(filled);
        } else if (c >= 0 && kind == JOIN_LEFT) {
            /* unmatched rows keep x's value */
            K mix = ktn(0, at->n);
            if (!mix) { r0(got); err = krr("wsfull"); break; }
            for (J r = 0; r < at->n; r++)
                kK(mix)[r] = kJ(at)[r] >= 0 ? prim_item(got, r) : prim_item(kK(cols)[c], r);
            r0(got);
            got = prim_squeeze(mix);
        }
        if (IS_ERR(got)) { err = got; break; }
        if (c >= 0) { r0(kK(cols)[c]); kK(cols)[c] = got; }
        else if (!js(&names, kS(vnames)[v])) { r0(got); err = krr("wsfull"); }
        else if (!jk(&cols, got)) err = krr("wsfull");
    }
    r0(at);
    r0(t);
    if (err) { r0(names); r0(cols); return err; }
    K r = xT(xD(names, cols));
    if (!r) return krr("length");
    return nkeys ? knt(nkeys, r) : r;
}

K join_lj(K x, K y) { return join_keyed(x, y, JOIN_LEFT); }
K join_ij(K x, K y) { return join_keyed(x, y, JOIN_INNER); }
K join_pj(K x, K y) { return join_keyed(x, y, JOIN_PLUS); }

/* n nulls of col's type. */
static K join_nulls(K col, J n)
{
    K cnt = kj(n);
    K null = col->t > 0 ? prim_null_of(col->t) : ktn(0, 0);
    K r = prim_take(cnt, null);
    r0(cnt); r0(null);
    return r;
}

/* x extended with y's columns it lacks (nulls). Ownership: x borrowed; new. */
static K join_widen(K x, K y)
{
    K names = k_copy(kK(x->k)[0]), cols = k_copy(kK(x->k)[1]);
    J rows = k_count(x);
    K yn = kK(y->k)[0];
    for (J c = 0; c < yn->n; c++) {
        if (table_column(x, kS(yn)[c])) continue;
        js(&names, kS(yn)[c]);
        jk(&cols, join_nulls(kK(kK(y->k)[1])[c], rows));
    }
    K r = xT(xD(names, cols));
    return r ? r : krr("length");
}

K join_uj(K x, K y)
{
    if (table_is_keyed(x) && table_is_keyed(y)) {
        K keyt = kK(x)[0];
        K wide = join_widen(kK(x)[1], kK(y)[1]);
        if (IS_ERR(wide)) return wide;
        K kx = xD(r1(keyt), wide);
        K r = table_upsert(kx, y);
        r0(kx);
        return r;
    }
    if (x->t != XT || y->t != XT) return krr("type");
    K wx = join_widen(x, y);
    if (IS_ERR(wx)) return wx;
    J ny = k_count(y);
    K names = kK(wx->k)[0], cols = ktn(0, names->n);
    for (J c = 0; c < names->n; c++) {
        K xc = kK(kK(wx->k)[1])[c], yc = table_column(y, kS(names)[c]);
        K part = yc ? r1(yc) : join_nulls(xc, ny);
        kK(cols)[c] = prim_join(xc, part);
        r0(part);
    }
    K r = xT(xD(r1(names), cols));
    r0(wx);
    return r ? r : krr("length");
}

/* Item i of a temporal/integral column as a long for ordering. */
static inline J join_time(const G *base, int w, J i)
{
    return w == 4 ? ((const I *)base)[i] : w == 2 ? ((const H *)base)[i] : ((const J *)base)[i];
}

K join_aj(K c, K t, K q, int zero)
{
    if (c->t != KS || !c->n || t->t != XT || q->t != XT) return krr("type");
    J neq = c->n - 1, nt = k_count(t), nq = k_count(q);
    S tname = kS(c)[neq];
    K tt = table_column(t, tname), tq = table_column(q, tname);
    if (!tt || !tq) return krr(tname);
    int w = qsql_width(tt->t);
    if (tt->t != tq->t || !w || w > 8 || w == 1) return krr("type");
    /* group ids shared by both sides: quotes first, then trades */
    K both = ktn(0, neq);
    if (!both) return krr("wsfull");
    for (J k = 0; k < neq; k++) {
        K a = table_column(q, kS(c)[k]), b = table_column(t, kS(c)[k]);
        kK(both)[k] = a && b ? prim_join(a, b) : krr(kS(c)[k]);
        if (IS_ERR(kK(both)[k])) { K e = r1(kK(both)[k]); r0(both); return e; }
    }
    qsql_groups g = { .ids = NULL, .keys = NULL, .lists = NULL, .order = NULL, .n = 1 };
    if (neq) {
        K err = qsql_group(both, nq + nt, &g);
        if (err) { r0(both); return err; }
    }
    r0(both);
    /* quotes ordered by group (stable): start[g]..start[g+1] */
    J *start = calloc((size_t)g.n + 1, sizeof(J));
    J *perm = malloc((size_t)(nq ? nq : 1) * sizeof(J));
    J *times = malloc((size_t)(nq ? nq : 1) * sizeof(J));
    J *fill = malloc((size_t)(g.n ? g.n : 1) * sizeof(J));
    K match = ktn(KJ, nt);
    if (!start || !perm || !times || !fill || !match) {
        free(start); free(perm); free(times); free(fill); r0(match);
        if (neq) qsql_groups_free(&g);
        return krr("wsfull");
    }
    const I *ids = g.ids ? kI(g.ids) : NULL;
    for (J r = 0; r < nq; r++) start[(ids ? ids[r] : 0) + 1]++;
    for (J k = 0; k < g.n; k++) start[k + 1] += start[k];
    memcpy(fill, start, (size_t)g.n * sizeof(J));
    for (J r = 0; r < nq; r++) {
        J at = fill[ids ? ids[r] : 0]++;
        perm[at] = r;
        times[at] = join_time(kG(tq), w, r);
    }
    free(fill);
    for (J r = 0; r < nt; r++) {
        J grp = ids ? ids[nq + r] : 0;
        J lo = start[grp], hi = start[grp + 1], x = join_time(kG(tt), w, r);
        while (lo < hi) {  /* first quote later than x */
            J mid = lo + (hi - lo) / 2;
            if (times[mid] <= x) lo = mid + 1; else hi = mid;
        }
        kJ(match)[r] = lo > start[grp] ? perm[lo - 1] : -1;
    }
    free(start); free(perm); free(times);
    if (neq) qsql_groups_free(&g);
    K names = k_copy(kK(t->k)[0]), cols = k_copy(kK(t->k)[1]);
    K qn = kK(q->k)[0];
    int ok = names && cols;
    for (J k = 0; ok && k < qn->n; k++) {
        S name = kS(qn)[k];
        int is_key = 0;
        for (J j = 0; j < neq; j++) is_key |= kS(c)[j] == name;
        if (is_key || (name == tname && !zero)) continue;
        K got = join_gather_null(kK(kK(q->k)[1])[k], match);
        if (IS_ERR(got)) { r0(match); r0(names); r0(cols); return got; }
        J at = -1;
        for (J j = 0; j < names->n; j++) if (kS(names)[j] == name) at = j;
        if (at >= 0) { r0(kK(cols)[at]); kK(cols)[at] = got; }
        else if (!js(&names, name)) { r0(got); ok = 0; }
        else ok = jk(&cols, got) != NULL;
    }
    r0(match);
    if (!ok) { r0(names); r0(cols); return krr("wsfull"); }
    K r = xT(xD(names, cols));
    return r ? r : krr("length");
}

K join_each(K x, K y)
{
    if (k_count(x) != k_count(y)) return krr("length");
    K names = k_copy(kK(x->k)[0]), cols = k_copy(kK(x->k)[1]);
    K yn = kK(y->k)[0], yc = kK(y->k)[1];
    for (J c = 0; c < yn->n; c++) {
        J at = -1;
        for (J k = 0; k < names->n; k++) if (kS(names)[k] == kS(yn)[c]) at = k;
        if (at >= 0) { r0(kK(cols)[at]); kK(cols)[at] = r1(kK(yc)[c]); }
        else { js(&names, kS(yn)[c]); jk(&cols, r1(kK(yc)[c])); }
    }
    K r = xT(xD(names, cols));
    return r ? r : krr("length");
}

K join_ej(K c, K t, K q)
{
    K names = c->t == -KS ? NULL : r1(c);
    if (c->t == -KS) { names = ktn(KS, 1); kS(names)[0] = c->s; }
    if (names->t != KS || t->t != XT || q->t != XT) { r0(names); return krr("type"); }
    K tc = join_columns(t, names), qc = join_columns(q, names);
    r0(names);
    if (!tc || !qc) { if (tc) r0(tc); if (qc) r0(qc); return krr("mismatch"); }
    J nt = k_count(t), nq = k_count(q);
    K both = ktn(0, tc->n);
    for (J k = 0; k < tc->n; k++) kK(both)[k] = prim_join(kK(qc)[k], kK(tc)[k]);
    r0(tc); r0(qc);
    for (J k = 0; k < both->n; k++)
        if (IS_ERR(kK(both)[k])) { K e = r1(kK(both)[k]); r0(both); return e; }
    qsql_groups g;
    K err = qsql_group(both, nq + nt, &g);
    r0(both);
    if (err) return err;
    const I *ids = kI(g.ids);
    K ti = ktn(KJ, 0), qi = ktn(KJ, 0);
    for (J r = 0; r < nt; r++)
        for (J j = 0; j < nq; j++)
            if (ids[j] == ids[nq + r]) { ja(&ti, &r); ja(&qi, &j); }
    qsql_groups_free(&g);
    K a = table_rows(t, ti), b = table_rows(q, qi);
    r0(ti); r0(qi);
    K res = IS_ERR(a) || IS_ERR(b) ? krr("length") : join_each(a, b);
    r0(a); r0(b);
    return res;
}

K join_asof(K x, K y)
{
    if (x->t != XT || y->t != XD || kK(y)[0]->t != KS) return krr("type");
    K keys = kK(y)[0];
    K cols = ktn(0, keys->n);
    for (J k = 0; k < keys->n; k++) {
        K v = prim_item(kK(y)[1], k);
        kK(cols)[k] = prim_enlist(v);
        r0(v);
    }
    K probe = xT(xD(r1(keys), cols));
    if (!probe) return krr("type");
    K r = join_aj(keys, probe, x, 0);
    r0(probe);
    if (IS_ERR(r)) return r;
    K names = ktn(KS, 0), vals = ktn(0, 0);
    K rn = kK(r->k)[0], rc = kK(r->k)[1];
    for (J c = 0; c < rn->n; c++) {
        int is_key = 0;
        for (J k = 0; k < keys->n; k++) is_key |= kS(keys)[k] == kS(rn)[c];
        if (is_key) continue;
        js(&names, kS(rn)[c]);
        jk(&vals, prim_item(kK(rc)[c], 0));
    }
    r0(r);
    return xD(names, prim_squeeze(vals));
}
