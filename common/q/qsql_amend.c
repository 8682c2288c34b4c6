/* qsql_amend.c: ![t;c;b;a] (q-subset.md §4.6, §4.7): update (per row set or per group,
 * written back into the selected rows) and delete (rows or columns). A symbol t names
 * a global amended in place. Selection and phrase evaluation are qsql.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"
#include "prim_fns.h"
#include "table.h"

#include <string.h>

/* Write v (a vector of col's type, or an atom of it) into *colp at rows idx (NULL =
 * all). *colp is owned and unshared. Returns NULL or 'type/'length. */
static K amend_scatter(K *colp, K idx, K v)
{
    K col = *colp;
    J m = idx ? idx->n : col->n;
    int atom = v->t < 0;
    if (!atom && v->n != m) return krr("length");
    if (col->t == 0) {
        for (J k = 0; k < m; k++) {
            J row = idx ? kJ(idx)[k] : k;
            r0(kK(col)[row]);
            kK(col)[row] = atom ? r1(v) : prim_item(v, k);
        }
        return NULL;
    }
    if ((atom ? -v->t : v->t) != col->t) return krr("type");
    if (!prim_enum_fits(col, v)) return krr("cast");  /* an enumeration keeps its domain */
    int w = qsql_width(col->t);
    if (!w) return krr("type");
    for (J k = 0; k < m; k++) {
        J row = idx ? kJ(idx)[k] : k;
        const G *src = atom ? (const G *)k_atom_bytes(v) : kG(v) + k * w;
        memcpy(kG(col) + row * w, src, (size_t)w);
    }
    return NULL;
}

/* A new column of rows nulls of v's type (general list of :: for mixed values). */
static K amend_null_column(K v, J rows)
{
    int t = v->t < 0 ? -v->t : v->t;
    if (t <= 0 || t >= XT || !qsql_width(t)) {
        K r = ktn(0, rows);
        for (J k = 0; r && k < rows; k++) if (!(kK(r)[k] = ktn(0, 0))) { r0(r); r = NULL; }
        return r ? r : krr("wsfull");
    }
    K null = prim_null_of(t);
    K cnt = kj(rows);
    K r = cnt && !IS_ERR(null) ? prim_take(cnt, null) : krr("wsfull");
    r0(cnt);
    r0(null);
    return r;
}

/* Column name := value of tree over rows idx / each group. Updates names/cols. */
static K amend_column(qsql_table *tb, K idx, qsql_groups *g, S name, K tree, K *names, K *cols)
{
    J c = -1;
    for (J k = 0; k < (*names)->n; k++) if (kS(*names)[k] == name) c = k;
    J m = idx ? idx->n : tb->rows;
    J ngroups = g ? g->n : 1;
    K target = NULL, err = NULL;
    for (J gi = 0; gi < ngroups && !err; gi++) {
        K rows = g ? kK(g->lists)[gi] : idx;
        K v = qsql_eval_on(tb, rows, tree);
        if (IS_ERR(v)) { err = v; break; }
        J want = g ? rows->n : m;
        if (v->t >= 0 && v->t < XT && v->n != want) { r0(v); err = krr("length"); break; }
        if (!target) {
            if (c >= 0 && !idx && !g) {
                /* whole column replaced: the type may change */
                K cnt = kj(tb->rows);
                target = !cnt ? krr("wsfull") : v->t < 0 ? prim_take(cnt, v) : r1(v);
                r0(cnt);
                r0(v);
                if (IS_ERR(target)) { err = target; target = NULL; }
                continue;
            }
            target = c >= 0 ? k_copy(kK(*cols)[c]) : amend_null_column(v, tb->rows);
            if (!target || IS_ERR(target)) {
                err = target ? target : krr("wsfull");
                target = NULL;
                r0(v);
                break;
            }
            if (c >= 0 && target->t == 0 && kK(*cols)[c]->t != 0) {}
        }
        err = amend_scatter(&target, rows, v);
        r0(v);
    }
    if (err) { r0(target); return err; }
    if (!target) return NULL;
    if (target->t == 0) target = prim_squeeze(target);
    if (c >= 0) { r0(kK(*cols)[c]); kK(*cols)[c] = target; }
    else if (!js(names, name)) { r0(target); return krr("wsfull"); }
    else if (!jk(cols, target)) return krr("wsfull");
    return NULL;
}

static K amend_update(qsql_table *tb, K b, K a, K idx)
{
    if (a->t != XD) return krr("type");
    K names = k_copy(tb->names), cols = k_copy(tb->cols);
    qsql_groups g, *gp = NULL;
    J m = idx ? idx->n : tb->rows;
    K err = names && cols ? NULL : krr("wsfull");
    if (!err && b->t == XD) {
        J nb = kK(b)[0]->n;
        K bycols = ktn(0, nb);
        if (!bycols) { r0(names); r0(cols); return krr("wsfull"); }
        for (J k = 0; k < nb; k++) {
            K tree = qsql_phrase_item(b, k);
            K v = qsql_eval_on(tb, idx, tree);
            r0(tree);
            if (IS_ERR(v)) { for (J j = k; j < nb; j++) kK(bycols)[j] = k_identity(); err = v; break; }
            kK(bycols)[k] = v;
        }
        if (!err) err = qsql_group(bycols, m, &g);
        r0(bycols);
        if (!err) { gp = &g; err = qsql_group_lists(gp, idx, m); }
    }
    for (J k = 0; !err && k < kK(a)[0]->n; k++) {
        K tree = qsql_phrase_item(a, k);
        err = amend_column(tb, idx, gp, kS(kK(a)[0])[k], tree, &names, &cols);
        r0(tree);
    }
    if (gp) qsql_groups_free(gp);
    if (err) { r0(names); r0(cols); return err; }
    K t = xT(xD(names, cols));
    return t ? t : krr("length");
}

static K amend_delete(qsql_table *tb, K c, K a, K idx)
{
    K names = ktn(KS, 0), cols = ktn(0, 0);
    if (!names || !cols) { r0(names); r0(cols); return krr("wsfull"); }
    int ok = 1;
    if (a->n) {
        if (c->n) { r0(names); r0(cols); return krr("nyi"); }
        for (J k = 0; k < tb->names->n; k++) {
            S name = kS(tb->names)[k];
            int drop = 0;
            for (J j = 0; j < a->n; j++) drop |= kS(a)[j] == name;
            if (drop) continue;
            ok = ok && js(&names, name) && jk(&cols, r1(kK(tb->cols)[k]));
        }
    } else {
        J m = idx ? idx->n : tb->rows, kept = 0;
        K keep = ktn(KJ, tb->rows - m);
        if (!keep) { r0(names); r0(cols); return krr("wsfull"); }
        for (J r = 0, j = 0; r < tb->rows; r++) {
            if (j < m && (idx ? kJ(idx)[j] : r) == r) { j++; continue; }
            kJ(keep)[kept++] = r;
        }
        for (J k = 0; ok && k < tb->names->n; k++) {
            K col = qsql_gather(kK(tb->cols)[k], keep);
            if (!col) { ok = 0; break; }
            ok = js(&names, kS(tb->names)[k]) ? jk(&cols, col) != NULL : (r0(col), 0);
        }
        r0(keep);
    }
    if (!ok) { r0(names); r0(cols); return krr("wsfull"); }
    K t = xT(xD(names, cols));
    return t ? t : krr("length");
}

/* delete k from d (a dictionary, not a table): d without those keys. */
static K amend_dict_delete(K d, K keys)
{
    K kd = kK(d)[0], vd = kK(d)[1];
    K keep = ktn(KJ, 0);
    if (!keep) return krr("wsfull");
    for (J i = 0; i < kd->n; i++) {
        int drop = 0;
        for (J j = 0; j < keys->n && kd->t == KS; j++) drop |= kS(kd)[i] == kS(keys)[j];
        if (!drop && !ja(&keep, &i)) { r0(keep); return krr("wsfull"); }
    }
    K r = xD(qsql_gather(kd, keep), qsql_gather(vd, keep));
    r0(keep);
    return r ? r : krr("type");
}

K qsql_amend(eval_frame *frame, K *args, int n)
{
    if (n != 4) return krr("rank");
    if (args[3]->t == KS && args[1]->t == 0 && !args[1]->n) {
        K d = args[0]->t == -KS ? eval_global_get(args[0]->s) : r1(args[0]);
        if (d && d->t == XD && !table_is_keyed(d)) {
            K r = amend_dict_delete(d, args[3]);
            r0(d);
            if (IS_ERR(r) || args[0]->t != -KS) return r;
            if (eval_global_set(args[0]->s, r)) return krr("wsfull");
            return r1(args[0]);
        }
        if (d) r0(d);
    }
    K t = args[0], c = args[1], b = args[2], a = args[3];
    if ((a->t == XD && kK(a)[0]->t != KS) || (b->t == XD && kK(b)[0]->t != KS)) return krr("type");
    qsql_table tb;
    K err = qsql_open(&tb, t, frame);
    if (err) return err;
    K idx = NULL;
    err = qsql_where(&tb, c, &idx);
    if (err) { qsql_close(&tb); return err; }
    K r = a->t == KS ? amend_delete(&tb, c, a, idx) : amend_update(&tb, b, a, idx);
    if (idx) r0(idx);
    if (!IS_ERR(r) && tb.nkeys) {
        r = knt(tb.nkeys, r);  /* NULL when the key columns were deleted */
        if (!r) r = krr("type");
    }
    qsql_close(&tb);
    if (IS_ERR(r) || t->t != -KS) return r;
    if (eval_global_set(t->s, r)) return krr("wsfull");
    return r1(t);
}
