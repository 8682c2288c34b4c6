/* parse.c: tokens to parse trees (q-subset.md §2.10–2.19): right-to-left expressions
 * without precedence, brackets and juxtaposition, lists, lambdas (params, locals),
 * assignment forms, control words, iterators and signal. Trees are K lists; eval.c
 * walks them. Tokens come from lex.c.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql.h"

#include <stdlib.h>
#include <string.h>

#define PARSE_MAX_DEPTH 256
#define PARSE_MAX_TERMS 4096  /* terms in one expression: each nests the tree one level, so
                               * more would overflow the C stack building or freeing it */
#define PARSE_MAX_PARAMS 8
#define PARSE_WORK_SHIFT 4  /* a source byte costs 1/16 of the restricted work unit */
#define PARSE_IMPLICIT_PARAMS 3

typedef struct parse_lambda {
    int implicit_rank; /* highest of x=1, y=2, z=3 referenced */
    int explicit;      /* a [params] signature was written */
    K params;          /* symbol vector */
    K locals;          /* symbol vector of assigned names */
    int oom;           /* a name could not be recorded: the lambda fails with 'wsfull */
} parse_lambda;

typedef struct parse_state {
    lex_list toks;      /* all tokens */
    J at;               /* next token */
    const char *src;    /* the text (for lambda sources) */
    int depth;          /* recursion depth */
    parse_lambda *lam;  /* innermost lambda being parsed, or NULL */
    int phrase;         /* PARSE_STOP_* bits: qSQL words that end an expression here */
} parse_state;

#define PARSE_STOP_COMMA 1 /* a bare ',' splits subphrases */
#define PARSE_STOP_WORDS 2 /* by / from / where end a phrase */
#define PARSE_STOP_WHERE 4 /* where ends a table expression */

typedef struct parse_item {
    K node;     /* tree */
    int verb;   /* takes infix syntax */
} parse_item;

static K parse_expr(parse_state *ps);
static K parse_table(parse_state *ps);
static K parse_table_body(parse_state *ps);
static K parse_template(parse_state *ps, S word);
static int parse_phrase_stop(parse_state *ps, lex_token *t);

/* x as built by knk from freshly made parts, or 'wsfull when x or any part could not be
 * allocated. Ownership: consumes x; returns new. */
static K parse_built(K x)
{
    for (J i = 0; x && i < x->n; i++)
        if (!kK(x)[i]) { r0(x); x = NULL; }
    return x ? x : krr("wsfull");
}


static lex_token *parse_peek(parse_state *ps) { return &ps->toks.tok[ps->at]; }

static int parse_ends_expr(int kind)
{
    return kind == LEX_SEMI || kind == LEX_RPAREN || kind == LEX_RBRACKET
        || kind == LEX_RBRACE || kind == LEX_END;
}

static K parse_closing_error(int kind)
{
    switch (kind) {
    case LEX_RPAREN: return krr(")");
    case LEX_RBRACKET: return krr("]");
    case LEX_RBRACE: return krr("}");
    default: return krr("parse");
    }
}

/* Statements separated by ';' up to a closing token of kind close; each empty statement
 * is NULL in the returned general list. Consumes the closer. Ownership: returns new. */
static K parse_stmts(parse_state *ps, int close)
{
    K list = ktn(0, 0);
    if (!list) return krr("wsfull");
    int phrase = ps->phrase;
    ps->phrase = 0;  /* qSQL words and commas are ordinary inside brackets */
    for (;;) {
        K e = parse_expr(ps);
        if (e && IS_ERR(e)) { r0(list); ps->phrase = phrase; return e; }
        if (!jk(&list, e)) { r0(list); ps->phrase = phrase; return krr("wsfull"); }
        lex_token *t = parse_peek(ps);
        if (t->kind == LEX_SEMI) { ps->at++; continue; }
        ps->phrase = phrase;
        if (t->kind == close) { ps->at++; return list; }
        r0(list);
        return t->kind == LEX_END ? parse_closing_error(close) : krr("parse");
    }
}

static void parse_note_name(parse_state *ps, S name)
{
    if (!ps->lam || ps->lam->explicit || name[1]) return;
    int rank = name[0] == 'x' ? 1 : name[0] == 'y' ? 2 : name[0] == 'z' ? 3 : 0;
    if (rank > ps->lam->implicit_rank) ps->lam->implicit_rank = rank;
}

static int parse_has_sym(K v, S s)
{
    for (J i = 0; i < v->n; i++) if (kS(v)[i] == s) return 1;
    return 0;
}

static void parse_note_local(parse_state *ps, S name)
{
    if (!ps->lam || strchr(name, '.')) return;
    if (parse_has_sym(ps->lam->params, name) || parse_has_sym(ps->lam->locals, name)) return;
    if (!js(&ps->lam->locals, name)) ps->lam->oom = 1;
}

/* A lambda: '{' [params] stmts '}'. */
static K parse_lambda_term(parse_state *ps)
{
    J start = parse_peek(ps)->pos;
    ps->at++;
    parse_lambda lam = { .implicit_rank = 1, .explicit = 0, .params = ktn(KS, 0),
                         .locals = ktn(KS, 0), .oom = 0 };
    lex_token *t = parse_peek(ps);
    K err = lam.params && lam.locals ? NULL : krr("wsfull");
    if (!err && t->kind == LEX_LBRACKET) {
        lam.explicit = 1;
        ps->at++;
        for (;;) {
            t = parse_peek(ps);
            if (t->kind == LEX_NAME) {
                if (!js(&lam.params, t->name)) { err = krr("wsfull"); break; }
                ps->at++;
                t = parse_peek(ps);
            }
            if (t->kind == LEX_SEMI) { ps->at++; continue; }
            if (t->kind == LEX_RBRACKET) { ps->at++; break; }
            err = krr("parse");
            break;
        }
        if (!err && lam.params->n > PARSE_MAX_PARAMS) err = krr("params");
    }
    parse_lambda *outer = ps->lam;
    ps->lam = &lam;
    K body = err ? NULL : parse_stmts(ps, LEX_RBRACE);
    ps->lam = outer;
    if (!err && IS_ERR(body)) { err = body; body = NULL; }
    if (!err && lam.oom) err = krr("wsfull");
    if (err) { r0(lam.params); r0(lam.locals); r0(body); return err; }
    if (!lam.explicit) {
        static const char *const implicit[PARSE_IMPLICIT_PARAMS] = { "x", "y", "z" };
        for (int i = 0; i < lam.implicit_rank && !lam.oom; i++)
            lam.oom = !js(&lam.params, ss(implicit[i]));
    }
    J end = ps->toks.tok[ps->at - 1].end;
    K src = kpn((S)ps->src + start, end - start);
    K f = k_func(K_LAMBDA, PARSE_LAMBDA_SLOTS);
    /* locals exclude params (a param assigned stays a param) */
    K locals = ktn(KS, 0);
    for (J i = 0; locals && i < lam.locals->n; i++)
        if (!parse_has_sym(lam.params, kS(lam.locals)[i]) && !js(&locals, kS(lam.locals)[i]))
            lam.oom = 1;
    r0(lam.locals);
    K seq = ktn(0, body->n + 1);
    K context = ks(eval_namespace());
    if (lam.oom || !src || !f || !locals || !seq || !context) {
        r0(lam.params); r0(body); r0(src); r0(f); r0(locals); r0(seq); r0(context);
        return krr("wsfull");
    }
    kK(f)[0] = src;
    kK(f)[1] = context;
    kK(f)[PARSE_LAMBDA_PARAMS] = lam.params;
    kK(f)[PARSE_LAMBDA_LOCALS] = locals;
    kK(seq)[0] = eval_special(EVAL_SEQ);
    for (J i = 0; i < body->n; i++) {
        K s = kK(body)[i];
        kK(seq)[i + 1] = s ? r1(s) : k_identity();
    }
    r0(body);
    kK(f)[PARSE_LAMBDA_BODY] = seq;
    return f;
}

/* Bracket arguments after a term: (head; a1; ...); empty slots are holes, f[] is f[::]. */
static K parse_brackets(parse_state *ps, K head)
{
    ps->at++;
    K args = parse_stmts(ps, LEX_RBRACKET);
    if (IS_ERR(args)) { r0(head); return args; }
    K app = ktn(0, args->n + 1);
    if (!app) { r0(head); r0(args); return krr("wsfull"); }
    kK(app)[0] = head;
    for (J i = 0; i < args->n; i++) {
        K a = kK(args)[i];
        kK(app)[i + 1] = a ? r1(a) : (args->n == 1 ? k_identity() : eval_hole());
    }
    r0(args);
    return app;
}

/* Control words and Cond: (SPECIAL; args...). */
static K parse_control(parse_state *ps, int code)
{
    ps->at++;
    K args = parse_stmts(ps, LEX_RBRACKET);
    if (IS_ERR(args)) return args;
    K node = ktn(0, args->n + 1);
    if (!node) { r0(args); return krr("wsfull"); }
    kK(node)[0] = eval_special(code);
    for (J i = 0; i < args->n; i++) {
        K a = kK(args)[i];
        kK(node)[i + 1] = a ? r1(a) : k_identity();
    }
    r0(args);
    return node;
}

/* '(' ... ')': grouping, list notation, '()', and table literals. */
static K parse_paren(parse_state *ps, int *verb)
{
    ps->at++;
    if (parse_peek(ps)->kind == LEX_LBRACKET) return parse_table(ps);
    K items = parse_stmts(ps, LEX_RPAREN);
    if (IS_ERR(items)) return items;
    if (items->n == 1) {
        K e = kK(items)[0];
        K node = e ? r1(e) : ktn(0, 0);
        r0(items);
        *verb = 0;
        return node ? node : krr("wsfull");
    }
    K node = ktn(0, items->n + 1);
    if (!node) { r0(items); return krr("wsfull"); }
    kK(node)[0] = prim_keyword(ss("enlist"));
    for (J i = 0; i < items->n; i++) {
        K a = kK(items)[i];
        kK(node)[i + 1] = a ? r1(a) : k_identity();
    }
    r0(items);
    return parse_built(node);
}

static int parse_control_code(S name)
{
    if (!strcmp(name, "if")) return EVAL_IF;
    if (!strcmp(name, "do")) return EVAL_DO;
    if (!strcmp(name, "while")) return EVAL_WHILE;
    return 0;
}

/* One term with its postfix brackets and iterators. Sets *verb for infix verbs. */
/* '[f;g;…] (q-subset.md §2.10): composition, not a signal, when a bracket follows the
 * quote at once. */
static int parse_is_compose(parse_state *ps)
{
    lex_token *t = parse_peek(ps), *next = &ps->toks.tok[ps->at + 1];
    return t->kind == LEX_SIGNAL && next->kind == LEX_LBRACKET && !next->spaced;
}

static K parse_term(parse_state *ps, int *verb)
{
    lex_token *t = parse_peek(ps);
    K node = NULL;
    *verb = 0;
    switch (t->kind) {
    case LEX_CONST: node = r1(t->value); ps->at++; break;
    case LEX_SYMBOL: node = parse_built(knk(1, r1(t->value))); ps->at++; break;
    case LEX_NAME: {
        int code = parse_control_code(t->name);
        ps->at++;
        if (code && parse_peek(ps)->kind == LEX_LBRACKET) return parse_control(ps, code);
        if (qsql_template_kind(t->name)) { node = parse_template(ps, t->name); break; }
        K kw = prim_keyword(t->name);
        if (kw) { node = kw; *verb = prim_is_infix(kw); }
        else { parse_note_name(ps, t->name); node = ks(t->name); }
        break;
    }
    case LEX_GLYPH:
        ps->at++;
        if (t->code == PRIM_OP_CAST && parse_peek(ps)->kind == LEX_LBRACKET && !parse_peek(ps)->spaced)
            return parse_control(ps, EVAL_COND);
        if (t->code == PRIM_OP_IDENT) { node = k_identity(); break; }
        node = k_prim(K_BINARY, t->code);
        *verb = 1;
        break;
    case LEX_LPAREN: node = parse_paren(ps, verb); break;
    case LEX_LBRACE: node = parse_lambda_term(ps); break;
    case LEX_SIGNAL:
        if (!parse_is_compose(ps)) { ps->at++; return krr("parse"); }
        ps->at++;
        node = parse_control(ps, EVAL_COMPOSE);  /* (COMPOSE;f;g): g is applied first */
        if (!IS_ERR(node) && node->n < 3) { r0(node); return krr("rank"); }
        break;
    default:
        ps->at++;
        return krr("parse");
    }
    if (!node) return krr("wsfull");
    if (IS_ERR(node)) return node;
    for (;;) {
        t = parse_peek(ps);
        if (t->kind == LEX_LBRACKET) {
            node = parse_brackets(ps, node);
            if (IS_ERR(node)) return node;
            *verb = 0;
        } else if (t->kind == LEX_ITER && !t->spaced) {
            node = knk(2, k_prim(K_ITERATOR, t->code), node);
            if (!node || !kK(node)[0]) { r0(node); return krr("wsfull"); }
            ps->at++;
            *verb = 1;
        } else {
            return node;
        }
    }
}

/* Is node an assignment target: a name, or a name with bracket indexes? */
static int parse_is_target(K node)
{
    if (node->t == -KS) return 1;
    return node->t == 0 && node->n > 1 && kK(node)[0]->t == -KS;
}


static void parse_items_free(parse_item *items, J n)
{
    for (J i = 0; i < n; i++) r0(items[i].node);
    free(items);
}

/* Fold items[lo..hi) right to left (§2.10); nodes are taken (set to NULL). */
static K parse_build(parse_item *items, J lo, J hi)
{
    if (lo >= hi) return NULL;
    K node = items[lo].node;
    items[lo].node = NULL;
    if (lo + 1 == hi) return node;
    if (!items[lo].verb && items[lo + 1].verb) {
        K op = items[lo + 1].node;
        items[lo + 1].node = NULL;
        K right = parse_build(items, lo + 2, hi);
        if (right && IS_ERR(right)) { r0(node); r0(op); return right; }
        return parse_built(knk(3, op, node, right ? right : eval_hole()));
    }
    K right = parse_build(items, lo + 1, hi);
    if (right && IS_ERR(right)) { r0(node); return right; }
    return parse_built(knk(2, node, right));
}

/* Implicit composition (§2.10 rule 5): items end with a dangling verb and more than a
 * left projection precedes it. The last part is the verb, or its left projection when
 * a noun is to its left; the prefix becomes a chain of unary parts (a noun followed by
 * a verb is that verb's left projection). Returns NULL when the items are no composition. */
static K parse_composition(parse_item *items, J n)
{
    if (n < 2 || !items[n - 1].verb) return NULL;
    J end = items[n - 2].verb ? n - 1 : n - 2;
    if (end <= 0) return NULL;
    K node = ktn(0, 1);
    if (!node) return krr("wsfull");
    kK(node)[0] = eval_special(EVAL_COMPOSE);
    int oom = 0;  /* keep taking the items, so none is freed twice */
    for (J i = 0; i < end;) {
        if (!items[i].verb && i + 1 < end && items[i + 1].verb) {
            K part = knk(3, items[i + 1].node, items[i].node, eval_hole());
            oom |= !part || !jk(&node, part);
            items[i].node = items[i + 1].node = NULL;
            i += 2;
        } else {
            oom |= !jk(&node, items[i].node);
            items[i].node = NULL;
            i++;
        }
    }
    K last = end == n - 1 ? items[n - 1].node
           : knk(3, items[n - 1].node, items[n - 2].node, eval_hole());
    oom |= !last || !jk(&node, last);
    items[n - 1].node = items[n - 2].node = NULL;
    if (oom) { r0(node); return krr("wsfull"); }
    return node;
}

/* An assignment whose target is node: rest of the expression is the value. */
static K parse_assign(parse_state *ps, K node, lex_token *g)
{
    ps->at++;
    K rhs = parse_expr(ps);
    if (!rhs) rhs = k_identity();
    if (IS_ERR(rhs)) { r0(node); return rhs; }
    if (g->code == PRIM_OP_COLON) {
        if (node->t == -KS) parse_note_local(ps, node->s);
        return parse_built(knk(3, k_prim(K_BINARY, PRIM_OP_COLON), node, rhs));
    }
    if (g->code == PRIM_OP_IDENT) return parse_built(knk(3, eval_special(EVAL_GASSIGN), node, rhs));
    return parse_built(knk(4, eval_special(EVAL_OPASSIGN), node, k_prim(K_BINARY, g->code), rhs));
}

static K parse_expr(parse_state *ps)
{
    if (++ps->depth > PARSE_MAX_DEPTH) { ps->depth--; return krr("stack"); }
    J n = 0, cap = 8;
    parse_item *items = malloc((size_t)cap * sizeof *items);
    if (!items) { ps->depth--; return krr("wsfull"); }
    K result = NULL;
    for (;;) {
        lex_token *t = parse_peek(ps);
        if (parse_ends_expr(t->kind) || (ps->phrase && parse_phrase_stop(ps, t))) break;
        if (n == 0 && t->kind == LEX_GLYPH && t->code == PRIM_OP_COLON && !t->assign
            && !parse_ends_expr(ps->toks.tok[ps->at + 1].kind)) {
            ps->at++;
            K e = parse_expr(ps);
            if (e && IS_ERR(e)) { result = e; break; }
            result = parse_built(knk(2, eval_special(EVAL_RETURN), e ? e : k_identity()));
            break;
        }
        if ((t->kind == LEX_SIGNAL && !parse_is_compose(ps)) || t->kind == LEX_SYSTEM) {
            int code = t->kind == LEX_SIGNAL ? EVAL_SIGNAL : EVAL_SYSTEM;
            K arg = t->kind == LEX_SYSTEM ? r1(t->value) : NULL;
            ps->at++;
            if (!arg) arg = parse_expr(ps);
            if (!arg) arg = k_identity();
            if (IS_ERR(arg)) { result = arg; break; }
            result = parse_built(knk(2, eval_special(code), arg));
            break;
        }
        int verb = 0;
        K node = parse_term(ps, &verb);
        if (IS_ERR(node)) { result = node; break; }
        lex_token *g = parse_peek(ps);
        if (g->kind == LEX_GLYPH && node->t >= K_UNARY && node->t <= K_BINARY
            && (g->code == PRIM_OP_IDENT || g->assign
                || (g->code == PRIM_OP_COLON && !parse_ends_expr(ps->toks.tok[ps->at + 1].kind)))
            && t->kind == LEX_NAME) {
            r0(node);
            result = krr("assign");
            break;
        }
        if (!verb && g->kind == LEX_GLYPH && parse_is_target(node)
            && (g->code == PRIM_OP_COLON || g->code == PRIM_OP_IDENT || g->assign)) {
            K a = parse_assign(ps, node, g);
            if (IS_ERR(a)) { result = a; break; }
            node = a;
        }
        if (n == PARSE_MAX_TERMS) { r0(node); result = krr("stack"); break; }
        if (n == cap) {
            cap *= 2;
            parse_item *p = realloc(items, (size_t)cap * sizeof *p);
            if (!p) { r0(node); result = krr("wsfull"); break; }
            items = p;
        }
        items[n].node = node;
        items[n].verb = verb;
        n++;
    }
    ps->depth--;
    if (result && IS_ERR(result)) { parse_items_free(items, n); return result; }
    if (result) {
        if (n == 0) { free(items); return result; }
        /* a return/signal after terms: fold it as the rightmost noun */
        parse_item *p = realloc(items, (size_t)(n + 1) * sizeof *p);
        if (!p) { r0(result); parse_items_free(items, n); return krr("wsfull"); }
        items = p;
        items[n].node = result;
        items[n].verb = 0;
        n++;
    }
    K tree = parse_composition(items, n);
    if (!tree) tree = parse_build(items, 0, n);  /* NULL: an empty statement */
    parse_items_free(items, n);
    return tree;
}

/* Table literal ([k:e;...] c:e; ...) → (TABLE; nkeys; names; e1; ...). */
static K parse_table(parse_state *ps)
{
    int phrase = ps->phrase;
    ps->phrase = 0;
    K node = parse_table_body(ps);
    ps->phrase = phrase;
    return node;
}

static K parse_table_body(parse_state *ps)
{
    J nkeys = -1;
    K names = ktn(KS, 0), exprs = ktn(0, 0);
    if (!names || !exprs) { r0(names); r0(exprs); return krr("wsfull"); }
    int close = LEX_RBRACKET;
    ps->at++;
    for (;;) {
        lex_token *t = parse_peek(ps);
        if (t->kind == close) {
            ps->at++;
            if (close == LEX_RPAREN) break;
            nkeys = names->n;
            close = LEX_RPAREN;
            continue;
        }
        if (t->kind == LEX_SEMI) { ps->at++; continue; }
        S name = NULL;
        if (t->kind == LEX_NAME && ps->toks.tok[ps->at + 1].kind == LEX_GLYPH
            && ps->toks.tok[ps->at + 1].code == PRIM_OP_COLON && !ps->toks.tok[ps->at + 1].assign) {
            name = t->name;
            ps->at += 2;
        } else if (t->kind == LEX_NAME) {
            name = t->name;
        }
        K e = parse_expr(ps);
        if (!e || IS_ERR(e) || !name) {
            r0(names); r0(exprs);
            return e && IS_ERR(e) ? e : (r0(e), krr("parse"));
        }
        if (!js(&names, name)) { r0(e); r0(names); r0(exprs); return krr("wsfull"); }
        if (!jk(&exprs, e)) { r0(names); r0(exprs); return krr("wsfull"); }
    }
    K node = ktn(0, exprs->n + 3);
    if (!node) { r0(names); r0(exprs); return krr("wsfull"); }
    kK(node)[0] = eval_special(EVAL_TABLE);
    kK(node)[1] = kj(nkeys);
    kK(node)[2] = knk(1, names);
    for (J i = 0; i < exprs->n; i++) kK(node)[i + 3] = r1(kK(exprs)[i]);
    r0(exprs);
    return parse_built(node);
}

K parse_source(const char *src, J len)
{
    /* restricted: text built at run time (parse 9999999#"1+") costs its lexing */
    if (eval_work_charge(len >> PARSE_WORK_SHIFT)) return krr("limit");
    parse_state ps = { .at = 0, .src = src, .depth = 0, .lam = NULL };
    K err = lex_run(&ps.toks, src, len);
    if (err) return err;
    K stmts = parse_stmts(&ps, LEX_END);
    lex_list_free(&ps.toks);
    if (IS_ERR(stmts)) return stmts;
    if (stmts->n == 1) {
        K s = kK(stmts)[0];
        K tree = s ? r1(s) : k_identity();
        r0(stmts);
        return tree;
    }
    K seq = ktn(0, stmts->n + 1);
    if (!seq) { r0(stmts); return krr("wsfull"); }
    kK(seq)[0] = eval_special(EVAL_SEQ);
    for (J i = 0; i < stmts->n; i++) {
        K s = kK(stmts)[i];
        kK(seq)[i + 1] = s ? r1(s) : k_identity();
    }
    r0(stmts);
    return seq;
}

K parse_lambda_compile(K lambda)
{
    K src = kK(lambda)[0];
    K tree = parse_source((const char *)kC(src), src->n);
    if (IS_ERR(tree)) return tree;
    K f = tree;
    if (f->t != K_LAMBDA) { r0(tree); return krr("type"); }
    r0(kK(f)[1]);
    kK(f)[1] = r1(kK(lambda)[1]);
    return f;
}

/* ---- qSQL templates (q-subset.md §4.1, §4.7): compiled to the functional forms ---- */

static int parse_is_word(lex_token *t, const char *word)
{
    return t->kind == LEX_NAME && !strcmp(t->name, word);
}

/* Does token t end the current phrase (a bare comma, or by/from/where)? */
static int parse_phrase_stop(parse_state *ps, lex_token *t)
{
    if ((ps->phrase & PARSE_STOP_COMMA) && t->kind == LEX_GLYPH && t->code == PRIM_OP_JOIN
        && !t->assign) {
        lex_token *next = t + 1;
        if (!(next->kind == LEX_ITER && !next->spaced)) return 1;
    }
    if ((ps->phrase & PARSE_STOP_WORDS)
        && (parse_is_word(t, "by") || parse_is_word(t, "from") || parse_is_word(t, "where")))
        return 1;
    return (ps->phrase & PARSE_STOP_WHERE) && parse_is_word(t, "where");
}

/* A phrase: subphrases `name:e` or `e` split by bare commas, up to a stop word.
 * Fills names (symbols, NULL-named entries derived per §4.4) and trees. */
static K parse_phrase(parse_state *ps, int stop, K *names, K *trees)
{
    int outer = ps->phrase;
    *names = ktn(KS, 0);
    *trees = ktn(0, 0);
    ps->phrase = stop;
    K err = *names && *trees ? NULL : krr("wsfull");
    while (!err) {
        lex_token *t = parse_peek(ps);
        S name = NULL;
        if (t->kind == LEX_NAME && t[1].kind == LEX_GLYPH && t[1].code == PRIM_OP_COLON
            && !t[1].assign) {
            name = t->name;
            ps->at += 2;
        }
        K e = parse_expr(ps);
        if (!e) { err = krr("parse"); break; }
        if (IS_ERR(e)) { err = e; break; }
        if (!js(names, name ? name : qsql_column_name(e))) { r0(e); err = krr("wsfull"); break; }
        if (!jk(trees, e)) { err = krr("wsfull"); break; }
        t = parse_peek(ps);
        if (t->kind == LEX_GLYPH && t->code == PRIM_OP_JOIN && (stop & PARSE_STOP_COMMA)) {
            ps->at++;
            continue;
        }
        break;
    }
    ps->phrase = outer;
    if (err) { r0(*names); r0(*trees); *names = *trees = NULL; }
    return err;
}

static K parse_template_fail(K err, K *parts, int n)
{
    for (int i = 0; i < n; i++) r0(parts[i]);
    return err;
}

/* select/exec/update/delete … from texp [where …] → (?;t;c;b;a[;n]) or (!;t;c;b;a). */
static K parse_template(parse_state *ps, S word)
{
    int kind = qsql_template_kind(word);
    K limit = NULL, sel_names = NULL, sel_trees = NULL, by_names = NULL, by_trees = NULL;
    K parts[5] = { NULL, NULL, NULL, NULL, NULL };
    int distinct = 0;
    if (kind == QSQL_SELECT && parse_peek(ps)->kind == LEX_LBRACKET && !parse_peek(ps)->spaced) {
        ps->at++;
        K args = parse_stmts(ps, LEX_RBRACKET);
        if (IS_ERR(args)) return args;
        K order = args->n == 2 ? kK(args)[1] : NULL;
        if (args->n > 2 || !kK(args)[0] || (args->n == 2 && !order)) { r0(args); return krr("nyi"); }
        limit = r1(kK(args)[0]);
        if (order) {
            /* [n;>col] → the functional form's (idesc;`col), quoted */
            K op = order->t == 0 && order->n == 2 ? kK(order)[0] : NULL;
            if (!op || op->t != K_BINARY || (op->g != PRIM_OP_LT && op->g != PRIM_OP_GT)) {
                r0(args); r0(limit); return krr("nyi");
            }
            K grade = prim_keyword(ss(op->g == PRIM_OP_GT ? "idesc" : "iasc"));
            K by = knk(1, knk(2, grade, r1(kK(order)[1])));
            limit = knk(2, limit, by);
            if (!limit || !by || !kK(by)[0] || !kK(kK(by)[0])[0]) {
                r0(args); r0(limit); return krr("wsfull");
            }
        }
        r0(args);
    }
    if ((kind == QSQL_SELECT || kind == QSQL_EXEC) && parse_is_word(parse_peek(ps), "distinct")) {
        distinct = 1;
        ps->at++;
    }
    K err = NULL;
    parts[0] = limit;
    if (!parse_is_word(parse_peek(ps), "by") && !parse_is_word(parse_peek(ps), "from")) {
        err = parse_phrase(ps, PARSE_STOP_COMMA | PARSE_STOP_WORDS, &sel_names, &sel_trees);
        if (err) return parse_template_fail(err, parts, 1);
    }
    parts[1] = sel_names;
    parts[2] = sel_trees;
    if (kind != QSQL_DELETE && parse_is_word(parse_peek(ps), "by")) {
        ps->at++;
        err = parse_phrase(ps, PARSE_STOP_COMMA | PARSE_STOP_WORDS, &by_names, &by_trees);
        if (err) return parse_template_fail(err, parts, 3);
    }
    parts[3] = by_names;
    parts[4] = by_trees;
    if (!parse_is_word(parse_peek(ps), "from")) return parse_template_fail(krr("from"), parts, 5);
    ps->at++;
    int outer = ps->phrase;
    ps->phrase = PARSE_STOP_WHERE;
    K texp = parse_expr(ps);
    ps->phrase = outer;
    if (!texp) texp = krr("parse");
    if (IS_ERR(texp)) return parse_template_fail(texp, parts, 5);
    K where = ktn(0, 0);
    if (where && parse_is_word(parse_peek(ps), "where")) {
        ps->at++;
        K wn, wt;
        err = parse_phrase(ps, PARSE_STOP_COMMA | (outer & PARSE_STOP_WORDS), &wn, &wt);
        if (err) { r0(where); r0(texp); return parse_template_fail(err, parts, 5); }
        r0(wn);
        r0(where);
        where = knk(1, wt);
    }
    if (!where) { r0(texp); return parse_template_fail(krr("wsfull"), parts, 5); }
    K spec = qsql_template_build(kind, distinct, texp, where, parts);
    return spec;
}
