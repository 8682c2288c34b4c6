/* lex.c: q source text to tokens (q-subset.md §2.2–2.9): literals with their vector
 * juxtaposition, strings, symbols, names, glyphs, iterators, comments and script lines.
 * Numeric/temporal literal text is decoded by lex_num.c; the grammar is parse.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "lex_int.h"

#include <stdlib.h>
#include <string.h>

#define LEX_INITIAL_TOKENS 32
#define LEX_OCTAL_DIGITS 3
#define LEX_OCTAL_BASE 8

typedef struct lex_state {
    const char *src; /* source text */
    J len;           /* its bytes */
    J pos;           /* current offset */
    int depth;       /* bracket depth: newlines inside brackets are blanks */
    int spaced;      /* whitespace seen since the last token */
    lex_list *out;   /* tokens so far */
} lex_state;

void lex_list_free(lex_list *list)
{
    for (J i = 0; i < list->n; i++) r0(list->tok[i].value);
    free(list->tok);
    list->tok = NULL;
    list->n = list->cap = 0;
}

/* Append a token; its value is consumed. Returns 0 or -1 (no memory). */
static int lex_push(lex_state *ls, int kind, J start, K value)
{
    lex_list *l = ls->out;
    if (l->n == l->cap) {
        J cap = l->cap ? l->cap * 2 : LEX_INITIAL_TOKENS;
        lex_token *t = realloc(l->tok, (size_t)cap * sizeof *t);
        if (!t) { r0(value); return -1; }
        l->tok = t;
        l->cap = cap;
    }
    lex_token *t = &l->tok[l->n++];
    memset(t, 0, sizeof *t);
    t->kind = kind;
    t->spaced = ls->spaced;
    t->pos = start;
    t->end = ls->pos;
    t->value = value;
    ls->spaced = 0;
    return 0;
}

static lex_token *lex_last(lex_state *ls)
{
    return ls->out->n ? &ls->out->tok[ls->out->n - 1] : NULL;
}

/* Does the previous token end a noun (so '-' is Subtract and '\'' is Each)? */
static int lex_after_noun(lex_state *ls)
{
    lex_token *t = lex_last(ls);
    if (!t || ls->spaced) return 0;
    switch (t->kind) {
    case LEX_CONST: case LEX_SYMBOL: case LEX_NAME: case LEX_RPAREN: case LEX_RBRACKET:
    case LEX_RBRACE:
        return 1;
    default:
        return 0;
    }
}

static int lex_is_digit(char c) { return c >= '0' && c <= '9'; }
static int lex_is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int lex_is_namechar(char c) { return lex_is_alpha(c) || lex_is_digit(c) || c == '_'; }

static char lex_at(lex_state *ls, J i) { return i < ls->len ? ls->src[i] : '\0'; }

/* Does a numeric literal start at i (a '-' counts when negative is allowed)? */
static int lex_number_starts(lex_state *ls, J i, int allow_minus)
{
    char c = lex_at(ls, i);
    if (c == '-' && allow_minus) { i++; c = lex_at(ls, i); }
    if (lex_is_digit(c)) return 1;
    return c == '.' && lex_is_digit(lex_at(ls, i + 1));
}

/* A run of numeric literals separated by blanks: one vector token. */
static K lex_numbers(lex_state *ls)
{
    lex_num_run run;
    lex_num_run_init(&run);
    for (;;) {
        J end = lex_num_chunk(ls->src, ls->len, ls->pos);
        if (lex_num_run_add(&run, ls->src + ls->pos, end - ls->pos)) {
            lex_num_run_free(&run);
            return k_err_fmt("%.*s", (int)(end - ls->pos), ls->src + ls->pos);
        }
        ls->pos = end;
        J j = ls->pos;
        while (lex_at(ls, j) == ' ' || lex_at(ls, j) == '\t') j++;
        if (j == ls->pos || !lex_number_starts(ls, j, 1) || run.is_vector_token) break;
        J probe = lex_num_chunk(ls->src, ls->len, j);
        if (lex_num_is_vector_text(ls->src + j, probe - j)) break;
        ls->pos = j;
    }
    return lex_num_run_take(&run);
}

static K lex_string(lex_state *ls)
{
    J start = ls->pos++;
    K s = ktn(KC, 0);
    if (!s) return krr("wsfull");
    while (ls->pos < ls->len && ls->src[ls->pos] != '"') {
        char c = ls->src[ls->pos++];
        if (c == '\\') {
            char e = lex_at(ls, ls->pos++);
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case '"': c = '"'; break;
            case '\\': c = '\\'; break;
            default:
                if (e >= '0' && e <= '7') {
                    int v = e - '0';
                    for (int k = 1; k < LEX_OCTAL_DIGITS && lex_at(ls, ls->pos) >= '0'
                                    && lex_at(ls, ls->pos) <= '7'; k++)
                        v = v * LEX_OCTAL_BASE + (ls->src[ls->pos++] - '0');
                    c = (char)v;
                } else {
                    r0(s);
                    return krr("parse");
                }
            }
        }
        G g = (G)c;
        if (!ja(&s, &g)) { r0(s); return krr("wsfull"); }
    }
    if (ls->pos >= ls->len) { r0(s); (void)start; return krr("\""); }
    ls->pos++;
    if (s->n == 1) { K a = kc(kC(s)[0]); r0(s); return a ? a : krr("wsfull"); }
    return s;
}

static int lex_is_symchar(char c)
{
    return lex_is_namechar(c) || c == '.' || c == ':' || c == '/';
}

static K lex_symbols(lex_state *ls)
{
    K v = ktn(KS, 0);
    if (!v) return krr("wsfull");
    while (lex_at(ls, ls->pos) == '`') {
        J s = ++ls->pos;
        while (ls->pos < ls->len && lex_is_symchar(ls->src[ls->pos])) ls->pos++;
        S name = sn(ls->src + s, (I)(ls->pos - s));
        if (!name || !js(&v, name)) { r0(v); return krr("wsfull"); }
    }
    if (v->n == 1) { K a = ks(kS(v)[0]); r0(v); return a ? a : krr("wsfull"); }
    return v;
}

static J lex_name_end(lex_state *ls, J i)
{
    for (;;) {
        while (lex_is_namechar(lex_at(ls, i))) i++;
        if (lex_at(ls, i) == '.' && lex_is_alpha(lex_at(ls, i + 1))) { i++; continue; }
        return i;
    }
}

/* The line starting at i holds only c and blanks? */
static int lex_line_is(lex_state *ls, J i, char c)
{
    if (lex_at(ls, i) != c) return 0;
    for (i++; i < ls->len && ls->src[i] != '\n'; i++)
        if (ls->src[i] != ' ' && ls->src[i] != '\t' && ls->src[i] != '\r') return 0;
    return 1;
}

static J lex_line_end(lex_state *ls, J i)
{
    while (i < ls->len && ls->src[i] != '\n') i++;
    return i;
}

/* At a line start: comments, block comments, system commands, end of script.
 * Returns 1 when the line was consumed, 2 at end of script, 0 otherwise, -1 no memory. */
static int lex_line_start(lex_state *ls)
{
    J i = ls->pos;
    if (lex_line_is(ls, i, '/')) {
        J j = lex_line_end(ls, i);
        while (j < ls->len && !lex_line_is(ls, j + 1, '\\')) j = lex_line_end(ls, j + 1);
        ls->pos = j < ls->len ? lex_line_end(ls, j + 1) : ls->len;
        return 1;
    }
    if (lex_at(ls, i) == '/') { ls->pos = lex_line_end(ls, i); return 1; }
    if (lex_line_is(ls, i, '\\')) return 2;
    if (lex_at(ls, i) == '\\') {
        J e = lex_line_end(ls, i);
        J s = i + 1;
        ls->pos = e;
        lex_token *t = lex_last(ls);
        if (t && t->kind != LEX_SEMI && lex_push(ls, LEX_SEMI, i, NULL)) return -1;
        K cmd = kpn((S)ls->src + s, e - s);
        if (!cmd || lex_push(ls, LEX_SYSTEM, s, cmd)) return -1;
        return 1;
    }
    return 0;
}

static int lex_glyph_code(char c)
{
    const char *g = strchr(PRIM_OP_GLYPHS, c);
    return g && c ? (int)(g - PRIM_OP_GLYPHS) : -1;
}

/* Operators, iterators and punctuation. Returns 0, or an error. */
static K lex_punct(lex_state *ls)
{
    J start = ls->pos;
    char c = ls->src[ls->pos++], n = lex_at(ls, ls->pos);
    int kind = -1;
    switch (c) {
    case '(': kind = LEX_LPAREN; ls->depth++; break;
    case ')': kind = LEX_RPAREN; ls->depth--; break;
    case '[': kind = LEX_LBRACKET; ls->depth++; break;
    case ']': kind = LEX_RBRACKET; ls->depth--; break;
    case '{': kind = LEX_LBRACE; ls->depth++; break;
    case '}': kind = LEX_RBRACE; ls->depth--; break;
    case ';': kind = LEX_SEMI; break;
    default: break;
    }
    if (kind >= 0) return lex_push(ls, kind, start, NULL) ? krr("wsfull") : NULL;
    int iter = -1;
    if (c == '/' || c == '\\') {
        iter = c == '/' ? PRIM_IT_OVER : PRIM_IT_SCAN;
        if (n == ':') { iter = c == '/' ? PRIM_IT_RIGHT : PRIM_IT_LEFT; ls->pos++; }
    } else if (c == '\'') {
        lex_token *t = lex_last(ls);
        int attached = !ls->spaced && t && (lex_after_noun(ls) || t->kind == LEX_GLYPH
                                            || t->kind == LEX_ITER);
        if (!attached) return lex_push(ls, LEX_SIGNAL, start, NULL) ? krr("wsfull") : NULL;
        iter = PRIM_IT_EACH;
        if (n == ':') { iter = PRIM_IT_PRIOR; ls->pos++; }
    }
    if (iter >= 0) {
        if (lex_push(ls, LEX_ITER, start, NULL)) return krr("wsfull");
        lex_last(ls)->code = iter;
        return NULL;
    }
    int code = lex_glyph_code(c);
    if (code < 0) return k_err_fmt("%c", c);
    if (c == ':' && n == ':') { code = PRIM_OP_IDENT; ls->pos++; }
    else if (c == '<' && n == '=') { code = PRIM_OP_LE; ls->pos++; }
    else if (c == '>' && n == '=') { code = PRIM_OP_GE; ls->pos++; }
    else if (c == '<' && n == '>') { code = PRIM_OP_NE; ls->pos++; }
    int assign = 0;
    if (code != PRIM_OP_COLON && code != PRIM_OP_IDENT && lex_at(ls, ls->pos) == ':') {
        assign = 1;
        ls->pos++;
        if (lex_at(ls, ls->pos) == ':') { assign = 2; ls->pos++; }
    }
    if (lex_push(ls, LEX_GLYPH, start, NULL)) return krr("wsfull");
    lex_last(ls)->code = code;
    lex_last(ls)->assign = assign;
    return NULL;
}

/* One token (or skipped text) at ls->pos. Returns NULL to go on, an error, or the
 * identity to stop (end of script). */
static K lex_step(lex_state *ls)
{
    char c = ls->src[ls->pos];
    J start = ls->pos;
    if (c == ' ' || c == '\t' || c == '\r') { ls->pos++; ls->spaced = 1; return NULL; }
    if (c == '\n') {
        ls->pos++;
        ls->spaced = 1;
        char next = lex_at(ls, ls->pos);
        lex_token *t = lex_last(ls);
        if (ls->depth <= 0 && next != ' ' && next != '\t' && t && t->kind != LEX_SEMI)
            if (lex_push(ls, LEX_SEMI, start, NULL)) return krr("wsfull");
        if (ls->pos < ls->len) {
            int r = lex_line_start(ls);
            if (r < 0) return krr("wsfull");
            if (r == 2) return k_identity();
        }
        return NULL;
    }
    if (c == '/' && ls->spaced) { ls->pos = lex_line_end(ls, ls->pos); return NULL; }
    if (c == '0' && lex_at(ls, ls->pos + 1) == ':' && !lex_is_digit(lex_at(ls, ls->pos + 2))
        && lex_at(ls, ls->pos + 2) != ':') {
        /* the file verb 0: (q-subset.md §5.6), a keyword like `set` */
        ls->pos += 2;
        if (lex_push(ls, LEX_NAME, start, NULL)) return krr("wsfull");
        lex_last(ls)->name = ss("0:");
        return NULL;
    }
    if (lex_number_starts(ls, ls->pos, 0)
        || (c == '-' && lex_number_starts(ls, ls->pos, 1) && !lex_after_noun(ls))) {
        K v = lex_numbers(ls);
        if (IS_ERR(v)) return v;
        return lex_push(ls, LEX_CONST, start, v) ? krr("wsfull") : NULL;
    }
    if (c == '"') {
        K v = lex_string(ls);
        if (IS_ERR(v)) return v;
        return lex_push(ls, LEX_CONST, start, v) ? krr("wsfull") : NULL;
    }
    if (c == '`') {
        K v = lex_symbols(ls);
        if (IS_ERR(v)) return v;
        return lex_push(ls, LEX_SYMBOL, start, v) ? krr("wsfull") : NULL;
    }
    if (lex_is_alpha(c) || (c == '.' && lex_is_alpha(lex_at(ls, ls->pos + 1)))) {
        J e = lex_name_end(ls, ls->pos + 1);
        ls->pos = e;
        if (lex_push(ls, LEX_NAME, start, NULL)) return krr("wsfull");
        lex_last(ls)->name = sn(ls->src + start, (I)(e - start));
        return NULL;
    }
    return lex_punct(ls);
}

K lex_run(lex_list *out, const char *src, J len)
{
    lex_state ls = { .src = src, .len = len, .pos = 0, .depth = 0, .spaced = 1, .out = out };
    out->tok = NULL;
    out->n = out->cap = 0;
    K err = NULL;
    int r = len ? lex_line_start(&ls) : 0;
    if (r < 0) err = krr("wsfull");
    while (!err && r != 2 && ls.pos < len) {
        K e = lex_step(&ls);
        if (e == k_identity()) break;
        err = e;
    }
    if (!err && lex_push(&ls, LEX_END, len, NULL)) err = krr("wsfull");
    if (err) { lex_list_free(out); return err; }
    return NULL;
}
