/* qsql_tree.c: qSQL templates as parse trees (q-subset.md §4.1, §4.4, §4.7): template
 * words, result-column naming, and the functional form a template compiles to. The
 * tokens are parse.c's; evaluation is qsql.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql.h"

#include <stdio.h>
#include <string.h>

int qsql_template_kind(S name)
{
    if (!strcmp(name, "select")) return QSQL_SELECT;
    if (!strcmp(name, "exec")) return QSQL_EXEC;
    if (!strcmp(name, "update")) return QSQL_UPDATE;
    if (!strcmp(name, "delete")) return QSQL_DELETE;
    return QSQL_NONE;
}

/* Is f an operator glyph or one of its keyword aliases (and, or)? Those name a column
 * after their first argument (§4.4). */
static int qsql_is_glyph(K f)
{
    if (f->t != K_BINARY && f->t != K_UNARY) return 0;
    if (f->t == K_BINARY && (f->g < PRIM_KW_BASE)) return 1;
    const char *name = prim_name(f);
    return name && (!strcmp(name, "and") || !strcmp(name, "or"));
}

S qsql_column_name(K tree)
{
    if (tree->t == -KS) {
        if (!strcmp(tree->s, "i")) return ss("x");
        const char *dot = strrchr(tree->s, '.');
        return dot && dot != tree->s && dot[1] ? ss(dot + 1) : tree->s;
    }
    if (tree->t != 0 || tree->n < 2) return ss("x");
    K head = kK(tree)[0];
    if (head->t == K_UNARY && head->g >= EVAL_SEQ) return ss("x");
    J arg = qsql_is_glyph(head) ? 1 : tree->n - 1;
    for (; arg > 0 && eval_is_hole(kK(tree)[arg]); arg--) {}
    return arg > 0 ? qsql_column_name(kK(tree)[arg]) : ss("x");
}

void qsql_names_unique(K names)
{
    for (J i = 1; i < names->n; i++) {
        S base = kS(names)[i];
        int dup = 0;
        for (J j = 0; j < i; j++) dup |= kS(names)[j] == base;
        for (int k = 1; dup; k++) {
            char buf[256];
            snprintf(buf, sizeof buf, "%.200s%d", base, k);
            S cand = ss(buf);
            dup = 0;
            for (J j = 0; j < names->n; j++) dup |= j != i && kS(names)[j] == cand;
            if (!dup) kS(names)[i] = cand;
        }
    }
}

/* names!trees as a dictionary constant. Ownership: consumes both. */
static K qsql_dict(K names, K trees)
{
    if (!names || !trees) { r0(names); r0(trees); return NULL; }
    qsql_names_unique(names);
    return xD(names, prim_squeeze(trees));  /* `sym`price as q's parse shows them */
}

/* Is the by phrase a single unnamed column (exec … by c compiles b to `c)? */
static int qsql_single_by(K names, K trees)
{
    return names->n == 1 && kK(trees)[0]->t == -KS && kK(trees)[0]->s == kS(names)[0];
}

static K qsql_delete_tree(K texp, K where, K *parts)
{
    K head = k_prim(K_BINARY, PRIM_OP_BANG);
    if (parts[2]) {
        K cols = ktn(KS, 0);
        for (J i = 0; i < parts[2]->n; i++) {
            K c = kK(parts[2])[i];
            if (c->t != -KS) { r0(cols); r0(head); r0(texp); r0(where); return krr("nyi"); }
            if (!cols || !js(&cols, c->s)) { r0(cols); cols = NULL; break; }
        }
        if (where->n) { r0(cols); r0(head); r0(texp); r0(where); return krr("nyi"); }
        return knk(5, head, texp, where, kb(0), knk(1, cols));
    }
    return knk(5, head, texp, where, kb(0), ktn(KS, 0));
}

K qsql_template_build(int kind, int distinct, K texp, K where, K *parts)
{
    K r;
    if (kind == QSQL_DELETE) {
        r = qsql_delete_tree(texp, where, parts);
    } else if (kind == QSQL_EXEC) {
        K b = !parts[3] ? ktn(0, 0)
            : qsql_single_by(parts[3], parts[4]) ? knk(1, ks(kS(parts[3])[0]))
            : qsql_dict(r1(parts[3]), r1(parts[4]));
        K a;
        if (!parts[2]) a = ktn(0, 0);
        else if (parts[2]->n == 1 && kS(parts[1])[0] == qsql_column_name(kK(parts[2])[0])) {
            K tree = r1(kK(parts[2])[0]);
            if (distinct) tree = knk(2, prim_keyword(ss("distinct")), tree);
            a = knk(1, tree);
        } else {
            a = qsql_dict(r1(parts[1]), r1(parts[2]));
        }
        r = knk(5, k_prim(K_BINARY, PRIM_OP_FIND), texp, where, b, a);
    } else {
        K b = parts[3] ? qsql_dict(r1(parts[3]), r1(parts[4])) : kb(distinct);
        K a = parts[2] ? qsql_dict(r1(parts[1]), r1(parts[2])) : ktn(0, 0);
        K head = k_prim(K_BINARY, kind == QSQL_SELECT ? PRIM_OP_FIND : PRIM_OP_BANG);
        K lim = parts[0];
        int ordered = lim && lim->t == 0 && lim->n == 2 && kK(lim)[1]->t == 0 && kK(lim)[1]->n == 1;
        if (!lim || kind != QSQL_SELECT) r = knk(5, head, texp, where, b, a);
        else if (ordered) r = knk(7, head, texp, where, b, a, r1(kK(lim)[0]), r1(kK(lim)[1]));
        else r = knk(6, head, texp, where, b, a, r1(lim));
    }
    for (int i = 0; i < 5; i++) if (parts[i]) r0(parts[i]);
    /* any part that could not be allocated is a NULL in r or in one of its lists */
    for (J i = 0; r && r->t == 0 && i < r->n; i++) {
        K part = kK(r)[i];
        int bad = !part;
        for (J j = 0; !bad && part->t == 0 && j < part->n; j++) bad = !kK(part)[j];
        if (bad) { r0(r); r = NULL; }
    }
    return r ? r : krr("wsfull");
}
