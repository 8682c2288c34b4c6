/* qsql.c: evaluation of qSQL queries ?[t;c;b;a] (q-subset.md §4.2–4.7): phrase trees
 * evaluated on the column vectors of the selected rows, where constraints applied in
 * order, select/exec results. Grouping is qsql_group.c's, update/delete qsql_amend.c's,
 * aggregate fast paths qsql_agg.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"
#include "prim_fns.h"
#include "table.h"

#include <stdlib.h>
#include <string.h>


static qsql_source_fn qsql_source;   /* the registered table source, or NULL */

void qsql_source_set(qsql_source_fn fn) { qsql_source = fn; }

/* Open t into tb; a registered source may replace it (req: the query's where list and
 * names, from filled in here), reporting in *used the where constraints it applied. */
static K qsql_open_source(qsql_table *tb, K t, qsql_source_req *req, J *used)
{
    memset(tb, 0, sizeof *tb);
    tb->outer = req->frame;
    *used = 0;
    K v = t->t == -KS ? eval_global_get(t->s) : r1(t);
    if (!v) return krr(t->s);
    if (qsql_source) {
        req->from = v;
        K own = qsql_source(req, used, &tb->starts);
        if (own) {
            r0(v);
            if (IS_ERR(own)) { if (tb->starts) r0(tb->starts); tb->starts = NULL; return own; }
            v = own;
        }
    }
    if (v->t == XD && kK(v)[0]->t == XT && kK(v)[1]->t == XT) {
        tb->nkeys = kK(kK(v)[0]->k)[0]->n;
        v = ktd(v);
        if (!v) return krr("type");
    }
    if (v->t != XT) {
        r0(v);
        if (tb->starts) r0(tb->starts);
        tb->starts = NULL;
        return krr("type");
    }
    tb->table = v;
    tb->names = kK(v->k)[0];
    tb->cols = kK(v->k)[1];
    tb->rows = tb->cols->n ? k_count(kK(tb->cols)[0]) : 0;
    return NULL;
}

K qsql_open(qsql_table *tb, K t, eval_frame *outer)
{
    qsql_source_req req = { .frame = outer };
    J used;
    return qsql_open_source(tb, t, &req, &used);
}

void qsql_close(qsql_table *tb)
{
    r0(tb->table);
    tb->table = NULL;
    if (tb->starts) r0(tb->starts);
    tb->starts = NULL;
}

J qsql_col_find(qsql_table *tb, S name)
{
    for (J c = 0; c < tb->names->n; c++) if (kS(tb->names)[c] == name) return c;
    return -1;
}

K qsql_phrase_item(K dict, J i)
{
    return prim_item(kK(dict)[1], i);
}

/* Names a tree mentions (not inside quoted constants or lambdas). */
static void qsql_refs(K tree, K *refs)
{
    if (tree->t == -KS) {
        for (J i = 0; i < (*refs)->n; i++) if (kS(*refs)[i] == tree->s) return;
        js(refs, tree->s);
        return;
    }
    if (tree->t != 0 || tree->n < 2) return;
    for (J i = 0; i < tree->n; i++) qsql_refs(kK(tree)[i], refs);
}

/* Every name in x (trees, lists of trees, symbol vectors), and for col.field names also
 * col: a superset of the columns a phrase reads. */
static void qsql_refs_all(K x, K *refs)
{
    if (x->t == -KS || x->t == KS) {
        for (J i = 0; i < (x->t == KS ? x->n : 1); i++) {
            S name = x->t == KS ? kS(x)[i] : x->s;
            K atom = ks(name);
            qsql_refs(atom, refs);
            r0(atom);
            const char *dot = strchr(name, '.');
            if (dot && dot != name) {
                atom = ks(sn(name, (I)(dot - name)));
                qsql_refs(atom, refs);
                r0(atom);
            }
        }
        return;
    }
    if (x->t == XD) { qsql_refs_all(kK(x)[1], refs); return; }
    if (x->t == 0) for (J i = 0; i < x->n; i++) qsql_refs_all(kK(x)[i], refs);
}

K qsql_source_names(K *args)
{
    K a = args[3];
    if (!qsql_source || (a->t == 0 && a->n == 0)) return NULL;
    K refs = ktn(KS, 0);
    qsql_refs_all(args[2], &refs);
    qsql_refs_all(a, &refs);
    return refs;
}

void qsql_source_where_names(const qsql_source_req *req, J from, K *names)
{
    K c = req->where;
    for (J k = from; c && c->t == 0 && k < c->n; k++) qsql_refs_all(kK(c)[k], names);
}

int qsql_source_constraint(const qsql_source_req *req, J k, const char **op, S *col,
                           K *value)
{
    static const struct { int code; const char *text; } ops[] = {
        { PRIM_OP_EQ, "=" }, { PRIM_OP_LT, "<" }, { PRIM_OP_LE, "<=" },
        { PRIM_OP_GT, ">" }, { PRIM_OP_GE, ">=" },
    };
    K c = req->where;
    if (!c || c->t != 0 || k >= c->n || req->from->t != XT) return 0;
    K tree = kK(c)[k];
    if (tree->t != 0 || tree->n != 3 || kK(tree)[1]->t != -KS) return 0;
    K f = kK(tree)[0];
    const char *name = prim_name(f), *found = NULL;
    for (size_t i = 0; f->t == K_BINARY && i < sizeof ops / sizeof ops[0]; i++)
        if (f->g == ops[i].code) found = ops[i].text;
    if (!found && name && (!strcmp(name, "within") || !strcmp(name, "in"))) found = name;
    if (!found) return 0;
    qsql_table tb = { .table = req->from, .names = kK(req->from->k)[0] };
    K refs = ktn(KS, 0);
    qsql_refs(kK(tree)[2], &refs);
    int uses_cols = 0;
    for (J i = 0; i < refs->n; i++)
        uses_cols |= qsql_col_find(&tb, kS(refs)[i]) >= 0 || !strcmp(kS(refs)[i], "i");
    r0(refs);
    if (uses_cols) return 0;
    K v = eval_tree(req->frame, kK(tree)[2]);
    if (IS_ERR(v)) { r0(v); return 0; }
    *op = found;
    *col = kK(tree)[1]->s;
    *value = v;
    return 1;
}

/* col.field (§4.8): the field of a temporal column, or NULL when name is no such. */
static K qsql_field(qsql_table *tb, K idx, S name)
{
    const char *dot = strchr(name, '.');
    if (!dot || dot == name) return NULL;
    J c = -1;
    for (J k = 0; k < tb->names->n; k++) {
        S col = kS(tb->names)[k];
        if (strlen(col) == (size_t)(dot - name) && !strncmp(col, name, (size_t)(dot - name))) c = k;
    }
    if (c < 0) return NULL;
    K v = qsql_gather(kK(tb->cols)[c], idx);
    K type = ks(ss(dot + 1));
    K r = prim_cast(type, v);
    r0(type);
    r0(v);
    return r;
}

static K qsql_til(J n)
{
    K r = ktn(KJ, n);
    for (J i = 0; i < n; i++) kJ(r)[i] = i;
    return r;
}

/* The virtual i of rows idx (NULL: every row): the row number, or in a table joined
 * from partitions the row within its partition. Ownership: idx borrowed; returns new. */
static K qsql_row_i(const qsql_table *tb, K idx)
{
    if (!tb->starts) return idx ? r1(idx) : qsql_til(tb->rows);
    J m = idx ? idx->n : tb->rows, parts = tb->starts->n;
    const J *start = kJ(tb->starts);
    K r = ktn(KJ, m);
    if (!r) return krr("wsfull");
    for (J k = 0; k < m; k++) {
        J row = idx ? kJ(idx)[k] : k, lo = 0, hi = parts;
        while (hi - lo > 1) {   /* the last partition starting at or before row */
            J mid = lo + (hi - lo) / 2;
            if (start[mid] <= row) lo = mid;
            else hi = mid;
        }
        kJ(r)[k] = row - start[lo];
    }
    return r;
}

K qsql_eval_on(qsql_table *tb, K idx, K tree)
{
    if (tree->t == -KS) {
        J c = qsql_col_find(tb, tree->s);
        if (c >= 0) return qsql_gather(kK(tb->cols)[c], idx);
    }
    K refs = ktn(KS, 0);
    if (!refs) return krr("wsfull");
    qsql_refs(tree, &refs);
    eval_frame *outer = tb->outer;
    J nout = outer ? outer->n : 0, cap = refs->n + nout;
    eval_frame fr = { .lambda = outer ? outer->lambda : NULL, .n = 0,
                      .ctx = outer ? outer->ctx : eval_namespace(), .returned = 0 };
    fr.names = malloc((size_t)(cap ? cap : 1) * sizeof(S));
    fr.vals = malloc((size_t)(cap ? cap : 1) * sizeof(K));
    K err = fr.names && fr.vals ? NULL : krr("wsfull");
    for (J k = 0; k < refs->n && !err; k++) {
        S name = kS(refs)[k];
        J c = qsql_col_find(tb, name);
        K v = NULL;
        if (c >= 0) v = qsql_gather(kK(tb->cols)[c], idx);
        else if (!strcmp(name, "i")) v = qsql_row_i(tb, idx);
        else v = qsql_field(tb, idx, name);
        if (!v) continue;
        if (IS_ERR(v)) { err = v; break; }
        fr.names[fr.n] = name;
        fr.vals[fr.n++] = v;
    }
    for (J k = 0; k < nout && !err; k++) {
        fr.names[fr.n] = outer->names[k];
        fr.vals[fr.n++] = outer->vals[k] ? r1(outer->vals[k]) : NULL;
    }
    K r = err ? err : eval_tree(&fr, tree);
    for (J k = 0; k < fr.n; k++) if (fr.vals[k]) r0(fr.vals[k]);
    free(fr.names);
    free(fr.vals);
    r0(refs);
    return r;
}

/* Rows with lo <= col[i] <= hi in a column of integral/temporal type w bytes wide that
 * carries `s#: two binary searches instead of a scan (q-subset.md §3.16). */
static K qsql_sorted_range(K col, J lo, J hi)
{
    int w = qsql_width(col->t);
    J n = col->n, a = 0, b = n;
    while (a < b) { J mid = a + (b - a) / 2; J v = w == 4 ? kI(col)[mid] : kJ(col)[mid]; if (v < lo) a = mid + 1; else b = mid; }
    J first = a;
    b = n;
    while (a < b) { J mid = a + (b - a) / 2; J v = w == 4 ? kI(col)[mid] : kJ(col)[mid]; if (v <= hi) a = mid + 1; else b = mid; }
    K idx = ktn(KJ, a - first);
    for (J i = first; i < a; i++) kJ(idx)[i - first] = i;
    return idx;
}

/* Speed only: a first constraint (=;`c;x) or (within;`c;(lo;hi)) on a `s# column of
 * long/int-based type. Returns the row list, or NULL to take the general path. */
/* A constraint (op;`c;x) whose op is = or the keyword alt, and whose x refers to no
 * column (so it is one constant for every row): returns c's index and sets *is_eq;
 * -1 when the constraint is not of that shape. */
static J qsql_constant_constraint(qsql_table *tb, K tree, const char *alt, int *is_eq)
{
    if (tree->t != 0 || tree->n != 3 || kK(tree)[1]->t != -KS) return -1;
    K f = kK(tree)[0];
    const char *name = prim_name(f);
    *is_eq = f->t == K_BINARY && f->g == PRIM_OP_EQ;
    if (!*is_eq && !(name && !strcmp(name, alt))) return -1;
    J c = qsql_col_find(tb, kK(tree)[1]->s);
    if (c < 0) return -1;
    K refs = ktn(KS, 0);
    qsql_refs(kK(tree)[2], &refs);
    int uses_cols = 0;
    for (J k = 0; k < refs->n; k++)
        uses_cols |= qsql_col_find(tb, kS(refs)[k]) >= 0 || !strcmp(kS(refs)[k], "i") || strchr(kS(refs)[k], '.');
    r0(refs);
    return uses_cols ? -1 : c;
}

static K qsql_where_sorted(qsql_table *tb, K tree)
{
    int is_eq;
    J c = qsql_constant_constraint(tb, tree, "within", &is_eq);
    if (c < 0) return NULL;
    K col = kK(tb->cols)[c];
    int w = qsql_width(col->t);
    if (col->a != K_ATTR_SORTED || col->t == KF || col->t == KE || col->t == KS || (w != 4 && w != 8))
        return NULL;
    K v = eval_tree(tb->outer, kK(tree)[2]);
    K r = NULL;
    if (is_eq && v->t == -col->t) r = qsql_sorted_range(col, w == 4 ? v->i : v->j, w == 4 ? v->i : v->j);
    else if (!is_eq && v->t == col->t && v->n == 2)
        r = qsql_sorted_range(col, w == 4 ? kI(v)[0] : kJ(v)[0], w == 4 ? kI(v)[1] : kJ(v)[1]);
    r0(v);
    return r;
}

/* Speed only: a first constraint (=;`c;x) or (in;`c;xs) on an 8-byte column (symbols,
 * longs, timestamps) with a constant atom / short list: one scan straight to row
 * numbers, without the boolean vector, or the `g# index's row lists without a scan.
 * NULL to take the general path. */
static K qsql_where_scan(qsql_table *tb, K tree)
{
    int is_eq;
    J c = qsql_constant_constraint(tb, tree, "in", &is_eq);
    if (c < 0) return NULL;
    K col = kK(tb->cols)[c];
    if (qsql_width(col->t) != 8 || col->t == KF || col->t == KZ) return NULL;
    K v = eval_tree(tb->outer, kK(tree)[2]);
    J want[QSQL_SCAN_KEYS], nw = 0;
    if (!IS_ERR(v) && v->t == -col->t) want[nw++] = v->j;
    else if (!IS_ERR(v) && !is_eq && v->t == col->t && v->n <= QSQL_SCAN_KEYS)
        for (J k = 0; k < v->n; k++) want[nw++] = kJ(v)[k];
    else if (!IS_ERR(v) && !is_eq && v->t == KS && col->t == KS && col->a == K_ATTR_GROUPED) {
        K hit = qsql_index_rows(col, kS(v), v->n);  /* a long list: `g# rows, no scan */
        r0(v);
        return hit;
    }
    else { r0(v); return NULL; }
    r0(v);
    if (col->a == K_ATTR_GROUPED && col->t == KS) {
        K hit = qsql_index_rows(col, (const S *)want, nw);  /* `g#: no scan */
        if (hit) return hit;
    }
    const J *x = kJ(col);
    J n = col->n, cap = n / 16 + 16, got = 0;
    J *rows = malloc((size_t)cap * sizeof(J));
    if (!rows) return NULL;
    for (J i = 0; i < n; i++) {
        int hit = 0;
        for (J k = 0; k < nw; k++) hit |= x[i] == want[k];
        if (!hit) continue;
        if (got == cap) {
            J *more = realloc(rows, (size_t)(cap *= 2) * sizeof(J));
            if (!more) { free(rows); return NULL; }
            rows = more;
        }
        rows[got++] = i;
    }
    K idx = ktn(KJ, got);
    memcpy(kJ(idx), rows, (size_t)got * sizeof(J));
    free(rows);
    return idx;
}

K qsql_where(qsql_table *tb, K c, K *idx)
{
    *idx = NULL;
    if (c->t == 0 && c->n) {
        K first = prim_item(c, 0);
        *idx = qsql_where_sorted(tb, first);
        if (!*idx) *idx = qsql_where_scan(tb, first);
        r0(first);
    }
    if (c->t != 0 && !(c->t == KS && c->n == 0)) return krr("type");
    for (J k = *idx ? 1 : 0; k < c->n; k++) {
        K tree = prim_item(c, k);
        K v = qsql_eval_on(tb, *idx, tree);
        r0(tree);
        if (IS_ERR(v)) { r0(*idx); *idx = NULL; return v; }
        J m = *idx ? (*idx)->n : tb->rows;
        if (v->t != KB) { r0(v); r0(*idx); *idx = NULL; return krr("type"); }
        if (v->n != m) { r0(v); r0(*idx); *idx = NULL; return krr("length"); }
        J kept = 0;
        for (J r = 0; r < m; r++) kept += kG(v)[r] != 0;
        K next = ktn(KJ, kept);
        if (!next) { r0(v); r0(*idx); *idx = NULL; return krr("wsfull"); }
        J *o = kJ(next);
        const J *ix = *idx ? kJ(*idx) : NULL;
        for (J r = 0, j = 0; r < m; r++) if (kG(v)[r]) o[j++] = ix ? ix[r] : r;
        r0(v);
        r0(*idx);
        *idx = next;
    }
    return NULL;
}

/* Columns of a phrase result: atoms repeated to the common list length (§4.4).
 * Ownership: vals consumed (a general list); returns new general list or error. */
static K qsql_conform(K vals)
{
    J len = -1;
    for (J k = 0; k < vals->n; k++) {
        K v = kK(vals)[k];
        if (v->t >= 0 && v->t < XT) {
            if (len >= 0 && v->n != len) { r0(vals); return krr("length"); }
            len = v->n;
        }
    }
    for (J k = 0; k < vals->n; k++) {
        K v = kK(vals)[k];
        if (v->t < 0 || v->t >= XT) {
            K cnt = kj(len);
            K e = len < 0 ? prim_enlist(v) : prim_take(cnt, v);
            r0(cnt);
            r0(v);
            kK(vals)[k] = e;
        }
    }
    return vals;
}

/* A table from names and a list of columns. Ownership: consumes both. */
static K qsql_make_table(K names, K cols)
{
    K t = xT(xD(names, cols));
    return t ? t : krr("length");
}

static K qsql_distinct(K r);

/* Evaluate each phrase item on every group: a column of cells per item. */
static K qsql_by_cells(qsql_table *tb, qsql_groups *g, K a, K idx, J m, K *outcols)
{
    J na = kK(a)[0]->n;
    K cols = ktn(0, na);
    for (J k = 0; k < na; k++) {
        K tree = qsql_phrase_item(a, k);
        K col = qsql_agg_fast(tb, g, idx, m, tree);
        if (col && !IS_ERR(col)) { K sorted = qsql_gather(col, g->order); r0(col); col = sorted; }
        if (!col) {
            K err = qsql_group_lists(g, idx, m);
            if (err) { r0(tree); r0(cols); return err; }
            K cells = ktn(0, g->n);
            for (J i = 0; i < g->n; i++) kK(cells)[i] = NULL;
            for (J i = 0; i < g->n; i++) {
                K v = qsql_eval_on(tb, kK(g->lists)[i], tree);
                if (IS_ERR(v)) {
                    for (J j = i; j < g->n; j++) kK(cells)[j] = k_identity();
                    r0(cells); r0(tree); r0(cols);
                    return v;
                }
                kK(cells)[i] = v;
            }
            col = prim_squeeze(cells);
        }
        r0(tree);
        if (IS_ERR(col)) { r0(cols); return col; }
        kK(cols)[k] = col;
    }
    *outcols = cols;
    return NULL;
}

/* Evaluate the by phrase on the selected rows and group them. */
static K qsql_by(qsql_table *tb, K b, K idx, J m, qsql_groups *g, K *bynames)
{
    K trees = b->t == XD ? b : NULL;
    K names;
    if (trees) names = r1(kK(b)[0]);
    else if (b->t == -KS) { names = ktn(KS, 1); kS(names)[0] = b->s; }
    else names = r1(b);
    if (names->t != KS) { r0(names); return krr("type"); }
    K bycols = ktn(0, names->n);
    for (J k = 0; k < names->n; k++) {
        K tree = trees ? qsql_phrase_item(trees, k) : ks(kS(names)[k]);
        K v = qsql_eval_on(tb, idx, tree);
        r0(tree);
        if (!IS_ERR(v) && (v->t < 0 || v->t >= XT)) { r0(v); v = krr("type"); }
        if (!IS_ERR(v) && v->n != m) { r0(v); v = krr("length"); }
        if (IS_ERR(v)) { for (J j = k; j < names->n; j++) kK(bycols)[j] = k_identity(); r0(bycols); r0(names); return v; }
        kK(bycols)[k] = v;
    }
    K err = qsql_group(bycols, m, g);
    r0(bycols);
    if (err) { r0(names); return err; }
    *bynames = names;
    return NULL;
}

/* select … by …: keyed table of key columns and per-group value columns. */
static K qsql_select_by(qsql_table *tb, K b, K a, K idx, J m)
{
    K fast = qsql_agg_stream(tb, b, a, idx, m);
    if (fast) return fast;
    qsql_groups g;
    K bynames;
    K err = qsql_by(tb, b, idx, m, &g, &bynames);
    if (err) return err;
    K vnames, vcols;
    if (a->t == XD) {
        err = qsql_by_cells(tb, &g, a, idx, m, &vcols);
        vnames = r1(kK(a)[0]);
    } else {
        /* no select phrase: the last row of each group for the other columns */
        err = qsql_group_lists(&g, idx, m);
        vnames = ktn(KS, 0);
        vcols = ktn(0, 0);
        K last = err ? NULL : ktn(KJ, g.n);
        for (J i = 0; !err && i < g.n; i++) {
            K l = kK(g.lists)[i];
            kJ(last)[i] = kJ(l)[l->n - 1];
        }
        for (J c = 0; !err && c < tb->names->n; c++) {
            S name = kS(tb->names)[c];
            int is_key = 0;
            for (J k = 0; k < bynames->n; k++) is_key |= kS(bynames)[k] == name;
            if (is_key) continue;
            js(&vnames, name);
            jk(&vcols, qsql_gather(kK(tb->cols)[c], last));
        }
        if (last) r0(last);
    }
    if (err) { qsql_groups_free(&g); r0(bynames); r0(vnames); return err; }
    K keyt = qsql_make_table(bynames, r1(g.keys));
    qsql_groups_free(&g);
    K valt = qsql_make_table(vnames, vcols);
    if (IS_ERR(keyt) || IS_ERR(valt)) { r0(keyt); r0(valt); return krr("length"); }
    return xD(keyt, valt);
}

static K qsql_select(qsql_table *tb, K b, K a, K idx)
{
    J m = idx ? idx->n : tb->rows;
    if (b->t == XD) return qsql_select_by(tb, b, a, idx, m);
    if (b->t == -KB && b->g) {
        K plain = kb(0);
        K r = qsql_select(tb, plain, a, idx);
        r0(plain);
        return qsql_distinct(r);
    }
    if (a->t == 0 && a->n == 0) {
        K cols = ktn(0, tb->cols->n);
        for (J c = 0; c < tb->cols->n; c++) kK(cols)[c] = qsql_gather(kK(tb->cols)[c], idx);
        K t = qsql_make_table(r1(tb->names), cols);
        return tb->nkeys && !IS_ERR(t) ? knt(tb->nkeys, t) : t;
    }
    if (a->t != XD) return krr("type");
    J na = kK(a)[0]->n;
    K vals = ktn(0, na);
    for (J k = 0; k < na; k++) {
        K tree = qsql_phrase_item(a, k);
        K v = qsql_eval_on(tb, idx, tree);
        r0(tree);
        if (IS_ERR(v)) { for (J j = k; j < na; j++) kK(vals)[j] = k_identity(); r0(vals); return v; }
        kK(vals)[k] = v;
    }
    vals = qsql_conform(vals);
    if (IS_ERR(vals)) return vals;
    return qsql_make_table(r1(kK(a)[0]), vals);
}

/* exec from t (no phrase): the last selected row as a dictionary of columns, nulls when
 * no row is selected (q indexes past the end). */
static K qsql_exec_last(qsql_table *tb, K idx)
{
    J m = idx ? idx->n : tb->rows;
    J row = !m ? -1 : idx ? kJ(idx)[m - 1] : m - 1;
    K vals = ktn(0, tb->cols->n);
    for (J c = 0; c < tb->cols->n; c++) {
        K col = kK(tb->cols)[c];
        kK(vals)[c] = row < 0 ? (col->t > 0 ? prim_null_of(col->t) : k_identity()) : prim_item(col, row);
    }
    return xD(r1(tb->names), vals);
}

/* exec (§4.6): vector, dictionary of columns, or dictionary of group results. */
static K qsql_exec(qsql_table *tb, K b, K a, K idx)
{
    J m = idx ? idx->n : tb->rows;
    if (b->t == 0 && b->n == 0) {
        if (a->t == XD) {
            J na = kK(a)[0]->n;
            K vals = ktn(0, na);
            for (J k = 0; k < na; k++) {
                K tree = qsql_phrase_item(a, k);
                K v = qsql_eval_on(tb, idx, tree);
                r0(tree);
                if (IS_ERR(v)) { for (J j = k; j < na; j++) kK(vals)[j] = k_identity(); r0(vals); return v; }
                kK(vals)[k] = v;
            }
            return xD(r1(kK(a)[0]), vals);
        }
        if (a->t == 0 && a->n == 0) return qsql_exec_last(tb, idx);
        return qsql_eval_on(tb, idx, a);
    }
    if (a->t == XD) return qsql_select_by(tb, b, a, idx, m);
    qsql_groups g;
    K bynames;
    K err = qsql_by(tb, b, idx, m, &g, &bynames);
    if (err) return err;
    K wrap = xD(ktn(KS, 1), knk(1, r1(a)));
    kS(kK(wrap)[0])[0] = ss("x");
    K cols;
    err = qsql_by_cells(tb, &g, wrap, idx, m, &cols);
    r0(wrap);
    if (err) { qsql_groups_free(&g); r0(bynames); return err; }
    K keys = bynames->n == 1 ? r1(kK(g.keys)[0]) : qsql_make_table(r1(bynames), r1(g.keys));
    qsql_groups_free(&g);
    r0(bynames);
    K vals = r1(kK(cols)[0]);
    r0(cols);
    return xD(keys, vals);
}

/* Rows lim of a select result: n>0 first n, n<0 last n. */
static K qsql_limit(K r, K lim)
{
    if (IS_ERR(r)) return r;
    if (table_is_keyed(r)) {  /* select[n] … by …: the same rows of keys and values */
        K keys = qsql_limit(r1(kK(r)[0]), lim);
        K vals = IS_ERR(keys) ? NULL : qsql_limit(r1(kK(r)[1]), lim);
        r0(r);
        if (IS_ERR(keys)) return keys;
        if (IS_ERR(vals)) { r0(keys); return vals; }
        return xD(keys, vals);
    }
    K t = r->t == XT ? r : NULL;
    if (!t) { r0(r); return krr("type"); }
    J rows = k_count(t), from, take;
    if (lim->t == -KJ || lim->t == -KI) {
        J n = lim->t == -KJ ? lim->j : lim->i;
        take = n < 0 ? -n : n;
        if (take > rows) take = rows;
        from = n < 0 ? rows - take : 0;
    } else if ((lim->t == KJ || lim->t == KI) && lim->n == 2) {
        /* [m n]: n rows from row m */
        from = lim->t == KJ ? kJ(lim)[0] : kI(lim)[0];
        take = lim->t == KJ ? kJ(lim)[1] : kI(lim)[1];
        if (from < 0 || take < 0) { r0(r); return krr("domain"); }
        if (from > rows) from = rows;
        if (take > rows - from) take = rows - from;
    } else {
        r0(r);
        return krr("type");
    }
    K idx = ktn(KJ, take);
    for (J i = 0; i < take; i++) kJ(idx)[i] = from + i;
    K cols = kK(t->k)[1], out = ktn(0, cols->n);
    for (J c = 0; c < cols->n; c++) kK(out)[c] = qsql_gather(kK(cols)[c], idx);
    r0(idx);
    K res = qsql_make_table(r1(kK(t->k)[0]), out);
    r0(r);
    return res;
}

/* select[n;>col]: the result's rows in the order of grade tree g (idesc;`col). */
static K qsql_order(K r, K g)
{
    if (IS_ERR(r) || r->t != XT) return r;
    qsql_table tb;
    K err = qsql_open(&tb, r, NULL);
    if (err) { r0(r); return err; }
    K order = qsql_eval_on(&tb, NULL, g);
    qsql_close(&tb);
    if (!IS_ERR(order) && (order->t != KJ || order->n != k_count(r))) { r0(order); order = krr("type"); }
    if (IS_ERR(order)) { r0(r); return order; }
    K sorted = table_rows(r, order);
    r0(order);
    r0(r);
    return sorted;
}

/* select distinct: the rows of r at their first appearance. */
static K qsql_distinct(K r)
{
    if (IS_ERR(r) || r->t != XT) return r;
    K cols = kK(r->k)[1];
    J m = k_count(r);
    qsql_groups g;
    K err = qsql_group(cols, m, &g);
    if (err) { r0(r); return err; }
    K keep = ktn(KJ, 0);
    I seen = 0;
    for (J i = 0; i < m; i++) if (kI(g.ids)[i] == seen) { ja(&keep, &i); seen++; }
    qsql_groups_free(&g);
    K d = table_rows(r, keep);
    r0(keep);
    r0(r);
    return d;
}

K qsql_where_rest(K c, J used)
{
    if (!used) return r1(c);
    K rest = ktn(0, c->n - used);
    for (J k = used; k < c->n; k++) kK(rest)[k - used] = r1(kK(c)[k]);
    return rest;
}

K qsql_query(eval_frame *frame, K *args, int n)
{
    K parted = n == 4 ? qsql_parts_query(frame, args) : NULL;
    if (parted) return parted;
    qsql_table tb;
    qsql_source_req req = { .frame = frame };
    J used = 0;
    if (n >= 4) {
        req.where = args[1];
        req.names = qsql_source_names(args);
    }
    K err = qsql_open_source(&tb, args[0], &req, &used);
    if (req.names) r0(req.names);
    if (err) return err;
    K r;
    if (n == 3) {
        K idx = args[1]->t == KJ ? args[1] : NULL;
        r = idx ? qsql_eval_on(&tb, idx, args[2]) : krr("type");
        qsql_close(&tb);
        return r;
    }
    K b = args[2], a = args[3], idx = NULL;
    if ((a->t == XD && kK(a)[0]->t != KS) || (b->t == XD && kK(b)[0]->t != KS)) {
        qsql_close(&tb);
        return krr("type");
    }
    K c = qsql_where_rest(args[1], used);
    err = qsql_where(&tb, c, &idx);
    r0(c);
    if (err) { qsql_close(&tb); return err; }
    int is_select = b->t == -KB || (b->t == XD && (a->t == XD || (a->t == 0 && a->n == 0)));
    r = is_select ? qsql_select(&tb, b, a, idx) : qsql_exec(&tb, b, a, idx);
    if (idx) r0(idx);
    qsql_close(&tb);
    if (n >= 6 && is_select) r = qsql_order(r, args[5]);
    if (n >= 5 && is_select) r = qsql_limit(r, args[4]);
    return r;
}
