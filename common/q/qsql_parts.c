/* qsql_parts.c: a select over a partitioned table source, partition by partition
 * (map-reduce, as kdb+ runs one on a partitioned HDB): when every aggregate decomposes
 * (count sum min max first last avg of a column), the by phrase names columns and the
 * where constraints are simple, each partition's own view answers a partial select and
 * one more select combines the partials. No partition is copied into a joined table,
 * so memory stays at one partition. Anything else takes the joined table (qsql.c).
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"
#include "prim.h"

#include <stdio.h>
#include <string.h>

#define PARTS_NAME_BYTES 256   /* a hidden partial column's name */

static const qsql_parts_fns *qsql_parts;   /* the registered partition source, or NULL */
static int parts_busy;   /* a partition's own select runs the usual way (one at a time) */
static J parts_answered; /* selects answered here (qsql_parts_answered) */

J qsql_parts_answered(void) { return parts_answered; }

void qsql_parts_set(const qsql_parts_fns *fns) { qsql_parts = fns; }

/* avg is a sum and a count per partition, which is exact while the column has no null
 * (each partition is checked): the count of non-nulls (sum not null x) is no fused
 * aggregate and cost more than reading the joined copy (bench/rdb.c: 1.3 s against
 * 0.64 s for 5 dates of 10M rows), so a partition with a null takes the joined table. */
enum { PARTS_COUNT, PARTS_SUM, PARTS_MIN, PARTS_MAX, PARTS_FIRST, PARTS_LAST, PARTS_AVG };

/* The decomposable aggregate tree's code, or -1: (agg; `column). */
static int parts_code(K tree)
{
    static const char *const names[] = { "count", "sum", "min", "max", "first", "last", "avg" };
    if (tree->t != 0 || tree->n != 2 || kK(tree)[1]->t != -KS) return -1;
    const char *name = prim_name(kK(tree)[0]);
    for (int k = 0; name && k < (int)(sizeof names / sizeof *names); k++)
        if (!strcmp(name, names[k])) return k;
    return -1;
}

/* The parse tree (f; x), or NULL. Ownership: consumes its arguments. */
static K parts_tree1(K f, K x)
{
    if (f && x) return knk(2, f, x);
    if (f) r0(f);
    if (x) r0(x);
    return NULL;
}

/* (kw; x) for keyword kw. Ownership: consumes x. */
static K parts_kw(const char *kw, K x) { return parts_tree1(prim_keyword(ss(kw)), x); }

/* The parse tree (f; x; y), or NULL. Ownership: consumes its arguments. */
static K parts_tree2(K f, K x, K y)
{
    if (f && x && y) return knk(3, f, x, y);
    if (f) r0(f);
    if (x) r0(x);
    if (y) r0(y);
    return NULL;
}

/* name with a suffix no q name has (a backquote): avg's partial sum and count. */
static S parts_hidden(S name, char tag)
{
    char buf[PARTS_NAME_BYTES];
    int n = snprintf(buf, sizeof buf, "%s`%c", name, tag);
    return n > 0 && n < (int)sizeof buf ? sn(buf, n) : NULL;
}

/* Append name and tree to the phrase (names; trees). Returns 0 or -1 (tree released). */
static int parts_add(K *names, K *trees, S name, K tree)
{
    if (!tree) return -1;
    if (!js(names, name)) { r0(tree); return -1; }
    return jk(trees, tree) ? 0 : -1;
}

/* The partial select phrase (*part) and the combining one (*combine) for select phrase
 * a, and the columns avg reads (*avgs, KS), or -1 when an item does not decompose.
 * count, sum, min, max, first and last combine with sum, sum, min, max, first and last
 * (the partials come in partition order); avg with the sum of its sums over the sum of
 * its counts. Ownership: a borrowed; *part, *combine and *avgs new on success. */
static int parts_phrases(K a, K *part, K *combine, K *avgs)
{
    if (a->t != XD || kK(a)[0]->t != KS || kK(a)[0]->n == 0) return -1;
    static const char *const combiners[] = { "sum", "sum", "min", "max", "first", "last" };
    K pn = ktn(KS, 0), pv = ktn(0, 0), cn = ktn(KS, 0), cv = ktn(0, 0);
    *avgs = ktn(KS, 0);
    int bad = !pn || !pv || !cn || !cv || !*avgs;
    for (J i = 0; !bad && i < kK(a)[0]->n; i++) {
        S name = kS(kK(a)[0])[i];
        K tree = qsql_phrase_item(a, i);
        int code = parts_code(tree);
        if (code < 0) { r0(tree); bad = 1; break; }
        K col = kK(tree)[1];
        if (code == PARTS_AVG) {
            S s = parts_hidden(name, 's'), c = parts_hidden(name, 'c');
            bad = !s || !c || !js(avgs, col->s)
                || parts_add(&pn, &pv, s, parts_kw("sum", r1(col)))
                || parts_add(&pn, &pv, c, parts_kw("count", r1(col)))
                || parts_add(&cn, &cv, name,
                             parts_tree2(k_prim(K_BINARY, PRIM_OP_DIVIDE),
                                         parts_kw("sum", ks(s)), parts_kw("sum", ks(c))));
        } else {
            bad = parts_add(&pn, &pv, name, r1(tree))
                || parts_add(&cn, &cv, name, parts_kw(combiners[code], ks(name)));
        }
        r0(tree);
    }
    if (bad) {
        if (pn) r0(pn);
        if (pv) r0(pv);
        if (cn) r0(cn);
        if (cv) r0(cv);
        if (*avgs) r0(*avgs);
        *avgs = NULL;
        return -1;
    }
    *part = xD(pn, pv);
    *combine = xD(cn, cv);
    if (*part && *combine) return 0;
    if (*part) r0(*part);
    if (*combine) r0(*combine);
    r0(*avgs);
    *avgs = NULL;
    return -1;
}

/* Does column name of partition table t hold a null (or is it missing)? */
static int parts_has_null(K t, S name)
{
    K names = kK(t->k)[0], cols = kK(t->k)[1];
    for (J c = 0; c < names->n; c++) {
        if (kS(names)[c] != name) continue;
        K x = kK(cols)[c];
        if (x->t <= 0 || x->t >= XT) return 1;
        J i = 0;   /* typed loops for the usual price and size columns */
        if (x->t == KF) while (i < x->n && kF(x)[i] == kF(x)[i]) i++;
        else if (x->t == KJ) while (i < x->n && kJ(x)[i] != nj) i++;
        else while (i < x->n && !prim_is_null_item(x, i)) i++;
        return i < x->n;
    }
    return 1;
}

/* Is b no by phrase (0b), or one that names columns only? */
static int parts_by_ok(K b)
{
    if (b->t == -KB) return !b->g;
    if (b->t != XD || kK(b)[0]->t != KS || kK(b)[0]->n == 0) return 0;
    for (J i = 0; i < kK(b)[0]->n; i++) {
        K tree = qsql_phrase_item(b, i);
        int ok = tree->t == -KS;
        r0(tree);
        if (!ok) return 0;
    }
    return 1;
}

/* The by phrase of the combining select: each key by its own name. Ownership: new. */
static K parts_by_combine(K b)
{
    if (b->t == -KB) return r1(b);
    K names = r1(kK(b)[0]), vals = ktn(0, names->n);
    for (J i = 0; vals && i < names->n; i++) kK(vals)[i] = ks(kS(names)[i]);
    return vals ? xD(names, vals) : NULL;
}

/* A select result as one unkeyed table's (names; columns). Ownership: r borrowed;
 * returns new, or NULL when r is not a table. */
static K parts_flat(K r)
{
    int keyed = r->t == XD && kK(r)[0]->t == XT && kK(r)[1]->t == XT;
    if (r->t != XT && !keyed) return NULL;
    K kt = keyed ? kK(r)[0] : r;
    K names = k_copy(kK(kt->k)[0]), cols = k_copy(kK(kt->k)[1]);   /* lists of our own */
    int bad = !names || !cols;
    if (keyed && !bad) {
        K vt = kK(r)[1];
        bad = !jv(&names, kK(vt->k)[0]);
        for (J c = 0; !bad && c < kK(vt->k)[1]->n; c++)
            bad = !jk(&cols, r1(kK(kK(vt->k)[1])[c]));
    }
    if (!bad) return knk(2, names, cols);
    if (names) r0(names);
    if (cols) r0(cols);
    return NULL;
}

/* Append partial table r's rows to *acc ((names; columns)). Returns 0, or -1 when its
 * columns do not line up (the query then takes the joined table). */
static int parts_append(K *acc, K r)
{
    K flat = parts_flat(r);
    if (!flat) return -1;
    K cols = kK(flat)[1];
    J rows = cols->n ? k_count(kK(cols)[0]) : 0;
    for (J c = 0; !*acc && c < cols->n; c++) {   /* own copies: they grow in place */
        K mine = k_copy(kK(cols)[c]);
        if (!mine) { r0(flat); return -1; }
        r0(kK(cols)[c]);
        kK(cols)[c] = mine;
    }
    if (!*acc) { *acc = flat; return 0; }
    int bad = !k_match(kK(*acc)[0], kK(flat)[0]);
    for (J c = 0; !bad && rows && c < cols->n; c++) {
        K *into = &kK(kK(*acc)[1])[c];
        if (k_count(*into) == 0 && (*into)->t != kK(cols)[c]->t) {   /* an empty first */
            K copy = k_copy(kK(cols)[c]);
            if (!copy) { bad = 1; break; }
            r0(*into);
            *into = copy;
            continue;
        }
        bad = (*into)->t != kK(cols)[c]->t || (*into)->t == 0 || !jv(into, kK(cols)[c]);
    }
    r0(flat);
    return bad ? -1 : 0;
}

K qsql_parts_query(eval_frame *frame, K *args)
{
    K b = args[2], a = args[3];
    if (!qsql_parts || parts_busy || !parts_by_ok(b) || a->t != XD) return NULL;
    qsql_source_req req = { .frame = frame, .where = args[1] };
    K v = args[0]->t == -KS ? eval_global_get(args[0]->s) : r1(args[0]);
    if (!v) return NULL;
    req.from = v;
    req.names = qsql_source_names(args);
    J used = 0, parts = qsql_parts->open(&req, &used);
    K part = NULL, combine = NULL, avgs = NULL, acc = NULL, r = NULL;
    int take = parts > 1 && args[1]->t == 0 && parts_phrases(a, &part, &combine, &avgs) == 0;
    for (J k = used; take && k < args[1]->n; k++) {   /* only (op; `col; constant) left */
        const char *op;
        S col;
        K x;
        take = qsql_source_constraint(&req, k, &op, &col, &x);
        if (take) r0(x);
    }
    K rest = take ? qsql_where_rest(args[1], used) : NULL;
    parts_busy = 1;
    for (J p = 0; take && p < parts && !r; p++) {
        K t = qsql_parts->part(p);
        if (!t || t->t == KERR) { r = t ? t : krr("wsfull"); break; }
        for (J k = 0; take && t->t == XT && k < avgs->n; k++)
            take = !parts_has_null(t, kS(avgs)[k]);
        if (!take || t->t != XT) { r0(t); take = 0; break; }
        K pargs[4] = { t, rest, b, part };
        K pr = qsql_query(frame, pargs, 4);
        r0(t);
        if (!pr || pr->t == KERR) { r = pr ? pr : krr("wsfull"); break; }
        if (parts_append(&acc, pr)) take = 0;
        r0(pr);
    }
    parts_busy = 0;
    qsql_parts->close();
    if (take && !r && acc) {
        K by = parts_by_combine(b), table = xT(xD(r1(kK(acc)[0]), r1(kK(acc)[1])));
        K none = ktn(0, 0), cargs[4] = { table, none, by, combine };
        r = by && table && none ? qsql_query(frame, cargs, 4) : krr("wsfull");
        if (r && r->t != KERR) parts_answered++;
        if (by) r0(by);
        if (table) r0(table);
        if (none) r0(none);
    }
    if (rest) r0(rest);
    if (acc) r0(acc);
    if (part) r0(part);
    if (combine) r0(combine);
    if (avgs) r0(avgs);
    if (req.names) r0(req.names);
    r0(v);
    return r;
}
