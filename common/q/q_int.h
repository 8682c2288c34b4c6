/* q_int.h: declarations shared by the interpreter's own files (lex, parse, eval, prim);
 * net/, the roles and the formatter use q.h and prim.h instead.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_Q_INT_H
#define TICK_Q_INT_H

#include "k.h"
#include "prim.h"

/* ---- lexer (lex.c) ---- */
enum lex_kind {
    LEX_END, LEX_CONST, LEX_SYMBOL, LEX_NAME, LEX_GLYPH, LEX_ITER, LEX_LPAREN, LEX_RPAREN,
    LEX_LBRACKET, LEX_RBRACKET, LEX_LBRACE, LEX_RBRACE, LEX_SEMI, LEX_SIGNAL, LEX_SYSTEM
};

typedef struct lex_token {
    int kind;    /* enum lex_kind */
    int code;    /* glyph code (PRIM_OP_*) or iterator code (PRIM_IT_*) */
    int assign;  /* glyph followed by ':' (1) or '::' (2) */
    int spaced;  /* whitespace (or line start) precedes the token */
    J pos;       /* byte offset of the token in the source */
    J end;       /* byte offset just past the token */
    K value;     /* LEX_CONST/LEX_SYMBOL/LEX_SYSTEM: the literal (owned by the token list) */
    S name;      /* LEX_NAME: interned name */
} lex_token;

typedef struct lex_list {
    lex_token *tok; /* tokens, ending with LEX_END */
    J n;            /* tokens including the LEX_END */
    J cap;          /* allocated slots */
} lex_list;

/* Tokenise src. Returns NULL on success, else an error value (new ref); on error the
 * list is already released. */
K lex_run(lex_list *out, const char *src, J len);
void lex_list_free(lex_list *list);

/* Parse one numeric/temporal literal text as the console would (used by Tok "J"$).
 * Ownership: returns new atom, or NULL when text is not a literal of that kind. */
K lex_number(const char *text, J len);

/* ---- parser (parse.c) ---- */
/* Parse src into a tree. Ownership: returns new (error value on bad syntax). */
K parse_source(const char *src, J len);
/* Build a compiled lambda (extra slots) from a 2-slot lambda. Ownership: returns new. */
K parse_lambda_compile(K lambda);

/* Lambda slots beyond k_lambda's source [0] and context [1]. */
#define PARSE_LAMBDA_PARAMS 2  /* symbol vector of parameters */
#define PARSE_LAMBDA_LOCALS 3  /* symbol vector of locals (params excluded) */
#define PARSE_LAMBDA_BODY 4    /* tree */
#define PARSE_LAMBDA_SLOTS 5

/* ---- special tree heads (internal K_UNARY codes, never on the wire) ---- */
#define EVAL_SEQ 200      /* (SEQ;s1;s2;...) statements left to right */
#define EVAL_COND 201     /* $[c;t;f;...] */
#define EVAL_IF 202
#define EVAL_DO 203
#define EVAL_WHILE 204
#define EVAL_RETURN 205   /* (RETURN;e) */
#define EVAL_SIGNAL 206   /* (SIGNAL;e) */
#define EVAL_GASSIGN 207  /* (GASSIGN;target;e) a::e */
#define EVAL_OPASSIGN 208 /* (OPASSIGN;target;op;e) a op:e, target a name or (name;i..) */
#define EVAL_SYSTEM 209   /* (SYSTEM;"cmd") */
#define EVAL_TABLE 210    /* (TABLE;nkeys;names;exprs...) */
#define EVAL_COMPOSE 211  /* (COMPOSE;f1;...;fn) implicit composition, fn applied first */
#define EVAL_HOLE 255     /* elided argument */

K eval_special(int code); /* immortal head value; no ref needed */
K eval_hole(void);        /* immortal elided-argument value */
int eval_is_hole(K x);

/* ---- evaluator (eval.c) ---- */
/* Apply f to n arguments. Ownership: f and args borrowed; returns new. */
K eval_apply(K f, K *args, int n);
/* Evaluate a parse tree in the root context. Ownership: t borrowed; returns new. */
K eval_tree_top(K t);
/* Global lookup/assign relative to the current namespace. Ownership: get returns new
 * (NULL when undefined); set consumes value and returns 0 or -1. */
K eval_global_get(S name);
int eval_global_set(S name, K value);
/* The current namespace as a symbol ("" for root, ".u"). */
S eval_namespace(void);
/* Index data x by one index i (atomic extension over i). Ownership: borrowed; new. */
K eval_index(K x, K i);

/* ---- restricted work budget (eval_sys.c) ----
 * Step and size caps alone let a few short loops build nested lists that double each
 * step, or index a growing list, for minutes. Restricted evaluation therefore also
 * counts the items its generic (per-item) paths touch and stops with 'limit past the
 * budget. Unrestricted evaluation is never charged, so q's behaviour is unchanged. */
#define EVAL_RESTRICTED_WORK ((J)1 << 18)  /* boxed items per outermost evaluation: a
                                               * fraction of a second in the fuzz build */
#define EVAL_WORK_VECTOR_SHIFT 6  /* a vector kernel's item costs 1/64 of a boxed one */
/* Charge n items (at least 1): 0 within budget (or unrestricted), -1 once restricted
 * evaluation has used it up; the caller then returns krr("limit"). */
int eval_work_charge(J n);
void eval_work_reset(void);  /* q_eval/q_value at depth 0: a fresh budget */

/* ---- iterators (eval_iter.c) ---- */
K eval_iter_apply(K f, K *args, int n); /* f is K_EACH..K_EACHLEFT */

#define IS_ERR(x) ((x)->t == KERR)

#endif
