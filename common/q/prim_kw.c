/* prim_kw.c: the table of q's keywords and operator glyphs (q-subset.md §1.1, §3): names,
 * codes, rank, infix syntax and entry points; dispatch of primitive application.
 * The functions themselves live in prim_arith.c, prim_list.c, prim_agg.c, prim_cast.c.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"
#include "eval_int.h"
#include "table.h"

#include <string.h>

#define PRIM_CODES 256

typedef struct prim_entry {
    const char *name; /* keyword or glyph text */
    int type;         /* K_UNARY or K_BINARY */
    int code;         /* value code */
    prim_fn1 fn1;     /* unary entry, or NULL */
    prim_fn2 fn2;     /* binary entry, or NULL */
    int infix;        /* infix syntax */
} prim_entry;

static K prim_plus(K x, K y) { return prim_arith(PRIM_OP_PLUS, x, y); }
static K prim_minus(K x, K y) { return prim_arith(PRIM_OP_MINUS, x, y); }
static K prim_times(K x, K y) { return prim_arith(PRIM_OP_TIMES, x, y); }
static K prim_divide(K x, K y) { return prim_arith(PRIM_OP_DIVIDE, x, y); }
static K prim_and(K x, K y) { return prim_arith(PRIM_OP_AND, x, y); }
static K prim_or(K x, K y) { return prim_arith(PRIM_OP_OR, x, y); }
static K prim_eq(K x, K y) { return prim_arith(PRIM_OP_EQ, x, y); }
static K prim_lt(K x, K y) { return prim_arith(PRIM_OP_LT, x, y); }
static K prim_gt(K x, K y) { return prim_arith(PRIM_OP_GT, x, y); }
static K prim_le(K x, K y) { return prim_arith(PRIM_OP_LE, x, y); }
static K prim_ge(K x, K y) { return prim_arith(PRIM_OP_GE, x, y); }
static K prim_ne(K x, K y) { return prim_arith(PRIM_OP_NE, x, y); }
static K prim_colon(K x, K y) { (void)x; return r1(y); }
int prim_match_tolerant(K x, K y)
{
    if (x == y) return 1;
    if (!x || !y || x->t != y->t) return 0;
    if ((x->t == KS || x->t == -KS) && x->u != y->u) return 0;  /* enumerations: domain */
    switch (x->t) {
    case -KF: case -KZ: return prim_float_eq(x->f, y->f);
    case -KE: return prim_float_eq(x->e, y->e);
    case KF: case KZ: case KE:
        if (x->n != y->n) return 0;
        for (J i = 0; i < x->n; i++) {
            F a = x->t == KE ? kE(x)[i] : kF(x)[i], b = x->t == KE ? kE(y)[i] : kF(y)[i];
            if (!prim_float_eq(a, b)) return 0;
        }
        return 1;
    case XT: return prim_match_tolerant(x->k, y->k);
    case 0: case XD: case XSD:
        if (x->n != y->n) return 0;
        for (J i = 0; i < x->n; i++) if (!prim_match_tolerant(kK(x)[i], kK(y)[i])) return 0;
        return 1;
    default: return k_match(x, y);
    }
}

static K prim_match(K x, K y) { return kb(prim_match_tolerant(x, y)); }
static K prim_at(K x, K y) { return eval_apply(x, &y, 1); }
static K prim_dot(K x, K y) { return eval_apply_list(x, y); }

/* aj and aj0 take three arguments (eval_apply.c routes them); two are a rank error. */
static K prim_rank3(K x, K y) { (void)x; (void)y; return krr("rank"); }

static const prim_entry prim_table[] = {
    /* operator glyphs (K_BINARY, wire codes) */
    { ":", K_BINARY, PRIM_OP_COLON, NULL, prim_colon, 1 },
    { "+", K_BINARY, PRIM_OP_PLUS, NULL, prim_plus, 1 },
    { "-", K_BINARY, PRIM_OP_MINUS, NULL, prim_minus, 1 },
    { "*", K_BINARY, PRIM_OP_TIMES, NULL, prim_times, 1 },
    { "%", K_BINARY, PRIM_OP_DIVIDE, NULL, prim_divide, 1 },
    { "&", K_BINARY, PRIM_OP_AND, NULL, prim_and, 1 },
    { "|", K_BINARY, PRIM_OP_OR, NULL, prim_or, 1 },
    { "^", K_BINARY, PRIM_OP_FILL, NULL, prim_fill, 1 },
    { "=", K_BINARY, PRIM_OP_EQ, NULL, prim_eq, 1 },
    { "<", K_BINARY, PRIM_OP_LT, NULL, prim_lt, 1 },
    { ">", K_BINARY, PRIM_OP_GT, NULL, prim_gt, 1 },
    { "$", K_BINARY, PRIM_OP_CAST, NULL, prim_cast, 1 },
    { ",", K_BINARY, PRIM_OP_JOIN, NULL, prim_join, 1 },
    { "#", K_BINARY, PRIM_OP_TAKE, NULL, prim_take, 1 },
    { "_", K_BINARY, PRIM_OP_DROP, NULL, prim_drop, 1 },
    { "~", K_BINARY, PRIM_OP_MATCH, NULL, prim_match, 1 },
    { "!", K_BINARY, PRIM_OP_BANG, NULL, prim_bang, 1 },
    { "?", K_BINARY, PRIM_OP_FIND, NULL, prim_find, 1 },
    { "@", K_BINARY, PRIM_OP_AT, NULL, prim_at, 1 },
    { ".", K_BINARY, PRIM_OP_DOT, NULL, prim_dot, 1 },
    { "<=", K_BINARY, PRIM_OP_LE, NULL, prim_le, 1 },
    { ">=", K_BINARY, PRIM_OP_GE, NULL, prim_ge, 1 },
    { "<>", K_BINARY, PRIM_OP_NE, NULL, prim_ne, 1 },
    /* keywords with k's monadic glyph codes */
    { "flip", K_UNARY, 1, prim_flip, NULL, 0 },
    { "neg", K_UNARY, 2, prim_neg, NULL, 0 },
    { "first", K_UNARY, 3, prim_first, NULL, 0 },
    { "reciprocal", K_UNARY, 4, prim_reciprocal, NULL, 0 },
    { "where", K_UNARY, 5, prim_where, NULL, 0 },
    { "reverse", K_UNARY, 6, prim_reverse, NULL, 0 },
    { "null", K_UNARY, 7, prim_null, NULL, 0 },
    { "group", K_UNARY, 8, prim_group, NULL, 0 },
    { "iasc", K_UNARY, 9, prim_iasc, NULL, 0 },
    { "idesc", K_UNARY, 10, prim_idesc, NULL, 0 },
    { "string", K_UNARY, 11, prim_string, NULL, 0 },
    { "enlist", K_UNARY, 12, prim_enlist, NULL, 0 },
    { "count", K_UNARY, 13, prim_count, NULL, 0 },
    { "floor", K_UNARY, 14, prim_floor, NULL, 0 },
    { "not", K_UNARY, 15, prim_not, NULL, 0 },
    { "key", K_UNARY, 16, prim_key, NULL, 0 },
    { "distinct", K_UNARY, 17, prim_distinct, NULL, 0 },
    { "type", K_UNARY, 18, prim_type, NULL, 0 },
    { "value", K_UNARY, 19, prim_value, NULL, 0 },
    /* other unary keywords */
    { "til", K_UNARY, 40, prim_til, NULL, 0 },
    { "last", K_UNARY, 41, prim_last, NULL, 0 },
    { "sum", K_UNARY, 42, prim_sum, NULL, 0 },
    { "prd", K_UNARY, 43, prim_prd, NULL, 0 },
    { "max", K_UNARY, 44, prim_max, NULL, 0 },
    { "min", K_UNARY, 45, prim_min, NULL, 0 },
    { "avg", K_UNARY, 46, prim_avg, NULL, 0 },
    { "sums", K_UNARY, 47, prim_sums, NULL, 0 },
    { "prds", K_UNARY, 48, prim_prds, NULL, 0 },
    { "maxs", K_UNARY, 49, prim_maxs, NULL, 0 },
    { "mins", K_UNARY, 50, prim_mins, NULL, 0 },
    { "deltas", K_UNARY, 51, prim_deltas, NULL, 0 },
    { "abs", K_UNARY, 52, prim_abs, NULL, 0 },
    { "sqrt", K_UNARY, 53, prim_sqrt, NULL, 0 },
    { "exp", K_UNARY, 54, prim_exp, NULL, 0 },
    { "log", K_UNARY, 55, prim_log, NULL, 0 },
    { "ceiling", K_UNARY, 56, prim_ceiling, NULL, 0 },
    { "asc", K_UNARY, 57, prim_asc, NULL, 0 },
    { "desc", K_UNARY, 58, prim_desc, NULL, 0 },
    { "raze", K_UNARY, 59, prim_raze, NULL, 0 },
    { "cols", K_UNARY, 60, prim_cols, NULL, 0 },
    { "med", K_UNARY, 61, prim_med, NULL, 0 },
    { "var", K_UNARY, 62, prim_var, NULL, 0 },
    { "dev", K_UNARY, 63, prim_dev, NULL, 0 },
    { "fills", K_UNARY, 64, prim_fills, NULL, 0 },
    { "prev", K_UNARY, 65, prim_prev, NULL, 0 },
    { "next", K_UNARY, 66, prim_next, NULL, 0 },
    { "ratios", K_UNARY, 67, prim_ratios, NULL, 0 },
    { "differ", K_UNARY, 68, prim_differ, NULL, 0 },
    { "all", K_UNARY, 69, prim_all, NULL, 0 },
    { "any", K_UNARY, 70, prim_any, NULL, 0 },
    { "signum", K_UNARY, 71, prim_signum, NULL, 0 },
    { "lower", K_UNARY, 72, prim_lower, NULL, 0 },
    { "upper", K_UNARY, 73, prim_upper, NULL, 0 },
    { "attr", K_UNARY, 74, prim_attr, NULL, 0 },
    { "get", K_UNARY, 75, prim_value, NULL, 0 },
    { "system", K_UNARY, 76, prim_system, NULL, 0 },
    { "rand", K_UNARY, 77, prim_rand, NULL, 0 },
    { "eval", K_UNARY, 78, prim_eval, NULL, 0 },
    { "parse", K_UNARY, 79, prim_parse, NULL, 0 },
    { "avgs", K_UNARY, 80, prim_avgs, NULL, 0 },
    { "cos", K_UNARY, 81, prim_cos, NULL, 0 },
    { "acos", K_UNARY, 82, prim_acos, NULL, 0 },
    { "hsym", K_UNARY, 83, prim_hsym, NULL, 0 },
    { "show", K_UNARY, 84, prim_show, NULL, 0 },
    { "sin", K_UNARY, 85, prim_sin, NULL, 0 },
    { "tables", K_UNARY, 86, prim_tables, NULL, 0 },
    { "meta", K_UNARY, 87, table_meta, NULL, 0 },
    { "keys", K_UNARY, 88, table_keys, NULL, 0 },
    { "ungroup", K_UNARY, 89, table_ungroup, NULL, 0 },
    { "asin", K_UNARY, 90, prim_asin, NULL, 0 },
    { "tan", K_UNARY, 91, prim_tan, NULL, 0 },
    { "atan", K_UNARY, 92, prim_atan, NULL, 0 },
    { "svar", K_UNARY, 93, prim_svar, NULL, 0 },
    { "sdev", K_UNARY, 94, prim_sdev, NULL, 0 },
    { "trim", K_UNARY, 95, prim_trim, NULL, 0 },
    { "ltrim", K_UNARY, 96, prim_ltrim, NULL, 0 },
    { "rtrim", K_UNARY, 97, prim_rtrim, NULL, 0 },
    { "getenv", K_UNARY, 98, prim_getenv, NULL, 0 },
    { "reval", K_UNARY, 99, prim_eval, NULL, 0 },
    { "read0", K_UNARY, 100, prim_read0, NULL, 0 },
    { "read1", K_UNARY, 101, prim_read1, NULL, 0 },
    { "hcount", K_UNARY, 102, prim_hcount, NULL, 0 },
    { "hdel", K_UNARY, 103, prim_hdel, NULL, 0 },
    { "exit", K_UNARY, 104, prim_exit, NULL, 0 },
    { "save", K_UNARY, 105, prim_save, NULL, 0 },
    { "load", K_UNARY, 106, prim_load, NULL, 0 },
    /* binary keywords */
    { "and", K_BINARY, 100, NULL, prim_and, 1 },
    { "or", K_BINARY, 101, NULL, prim_or, 1 },
    { "div", K_BINARY, 102, NULL, prim_div, 1 },
    { "mod", K_BINARY, 103, NULL, prim_mod, 1 },
    { "in", K_BINARY, 104, NULL, prim_in, 1 },
    { "within", K_BINARY, 105, NULL, prim_within, 1 },
    { "like", K_BINARY, 106, NULL, prim_like, 1 },
    { "except", K_BINARY, 107, NULL, prim_except, 1 },
    { "inter", K_BINARY, 108, NULL, prim_inter, 1 },
    { "union", K_BINARY, 109, NULL, prim_union, 1 },
    { "cut", K_BINARY, 110, NULL, prim_cut, 1 },
    { "sublist", K_BINARY, 111, NULL, prim_sublist, 1 },
    { "xbar", K_BINARY, 112, NULL, prim_xbar, 1 },
    { "each", K_BINARY, 113, NULL, prim_each, 1 },
    { "over", K_BINARY, 114, NULL, prim_over, 1 },
    { "scan", K_BINARY, 115, NULL, prim_scan, 1 },
    { "prior", K_BINARY, 116, NULL, prim_prior, 1 },
    { "sv", K_BINARY, 117, NULL, prim_sv, 1 },
    { "vs", K_BINARY, 118, NULL, prim_vs, 1 },
    { "ss", K_BINARY, 119, NULL, prim_ss, 1 },
    { "set", K_BINARY, 120, NULL, prim_set, 1 },
    { "bin", K_BINARY, 121, NULL, prim_bin, 1 },
    { "mavg", K_BINARY, 122, NULL, prim_mavg, 1 },
    { "msum", K_BINARY, 123, NULL, prim_msum, 1 },
    { "wsum", K_BINARY, 124, NULL, prim_wsum, 1 },
    { "wavg", K_BINARY, 125, NULL, prim_wavg, 1 },
    { "peach", K_BINARY, 126, NULL, prim_each, 1 },
    { "mmax", K_BINARY, 127, NULL, prim_mmax, 1 },
    { "mmin", K_BINARY, 128, NULL, prim_mmin, 1 },
    { "xexp", K_BINARY, 129, NULL, prim_xexp, 1 },
    { "xcol", K_BINARY, 130, NULL, table_xcol, 1 },
    { "xcols", K_BINARY, 131, NULL, table_xcols, 1 },
    { "xkey", K_BINARY, 132, NULL, table_xkey, 1 },
    { "xasc", K_BINARY, 133, NULL, table_xasc, 1 },
    { "xdesc", K_BINARY, 134, NULL, table_xdesc, 1 },
    { "insert", K_BINARY, 135, NULL, table_insert, 1 },
    { "upsert", K_BINARY, 136, NULL, table_upsert, 1 },
    { "lj", K_BINARY, 137, NULL, join_lj, 1 },
    { "ij", K_BINARY, 138, NULL, join_ij, 1 },
    { "uj", K_BINARY, 139, NULL, join_uj, 1 },
    { "pj", K_BINARY, 140, NULL, join_pj, 1 },
    { "xgroup", K_BINARY, 141, NULL, table_xgroup, 1 },
    { "aj", K_BINARY, PRIM_KW_AJ, NULL, prim_rank3, 0 },
    { "aj0", K_BINARY, PRIM_KW_AJ0, NULL, prim_rank3, 0 },
    { "ej", K_BINARY, PRIM_KW_EJ, NULL, prim_rank3, 0 },
    { "fby", K_BINARY, 145, NULL, table_fby, 1 },
    { "cross", K_BINARY, 146, NULL, table_cross, 1 },
    { "asof", K_BINARY, 147, NULL, join_asof, 1 },
    { "0:", K_BINARY, PRIM_KW_FILE_TEXT, NULL, prim_file_text, 1 },
    { "xlog", K_BINARY, 149, NULL, prim_xlog, 1 },
    { "cov", K_BINARY, 150, NULL, prim_cov, 1 },
    { "scov", K_BINARY, 151, NULL, prim_scov, 1 },
    { "cor", K_BINARY, 152, NULL, prim_cor, 1 },
    { "mcount", K_BINARY, 153, NULL, prim_mcount, 1 },
    { "rotate", K_BINARY, 154, NULL, prim_rotate, 1 },
    { "xprev", K_BINARY, 155, NULL, prim_xprev, 1 },
    { "binr", K_BINARY, 156, NULL, prim_binr, 1 },
    { "ssr", K_BINARY, PRIM_KW_SSR, NULL, prim_rank3, 0 },
    { "ema", K_BINARY, 158, NULL, prim_ema, 0 },
};

#define PRIM_TABLE_N ((int)(sizeof prim_table / sizeof prim_table[0]))

static const prim_entry *prim_by_code[2][PRIM_CODES];
static S prim_interned[PRIM_TABLE_N];  /* names interned, compared by pointer */
static int prim_ready;

static void prim_index_build(void)
{
    for (int i = 0; i < PRIM_TABLE_N; i++) {
        const prim_entry *e = &prim_table[i];
        prim_by_code[e->type == K_BINARY][e->code] = e;
        prim_interned[i] = ss(e->name);
    }
    prim_ready = 1;
}

/* The symbol table is freed between test runs: names must be re-interned. */
void prim_fini(void) { prim_ready = 0; }

static const prim_entry *prim_entry_of(int type, int code)
{
    if (!prim_ready) prim_index_build();
    if (code < 0 || code >= PRIM_CODES || (type != K_UNARY && type != K_BINARY)) return NULL;
    return prim_by_code[type == K_BINARY][code];
}

const char *prim_name(K x)
{
    static const char *const iter[] = { "'", "/", "\\", "':", "/:", "\\:" };
    if (x->t == K_ITERATOR) return x->g < sizeof iter / sizeof iter[0] ? iter[x->g] : NULL;
    if (x->t == K_UNARY && x->g == 0) return "::";
    const prim_entry *e = prim_entry_of(x->t, x->g);
    return e ? e->name : NULL;
}

K prim_keyword(S name)
{
    if (!prim_ready) prim_index_build();
    char c = name[0];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) && strcmp(name, "0:")) return NULL;
    for (int i = 0; i < PRIM_TABLE_N; i++)
        if (prim_interned[i] == name) return k_prim(prim_table[i].type, prim_table[i].code);
    return NULL;
}

int prim_is_infix(K f)
{
    const prim_entry *e = prim_entry_of(f->t, f->g);
    return e && e->infix;
}

int prim_is_variadic(K f) { return f->t == K_UNARY && f->g == PRIM_ENLIST_CODE; }

/* Primitives that accept function values as arguments; every other one gives 'type
 * for them, so the list code never sees a function where it expects items. */
static int prim_takes_functions(int type, int code)
{
    if (type == K_UNARY) return code == 3 || code == 7 || code == 11 || code == 12 || code == 13
        || code == 18 || code == 19 || code == 74 || code == 75 || code == 84
        || code == 86;  /* tables[] passes :: */
    return code == PRIM_OP_COLON || code == PRIM_OP_MATCH || code == PRIM_OP_AT
        || code == PRIM_OP_DOT || code == PRIM_OP_JOIN || code == PRIM_OP_BANG
        || (code >= 113 && code <= 116) || code == 120 || code == 126;
}

static int prim_is_function(K x) { return x->t >= K_LAMBDA && x->t != KERR; }

K prim_apply1(int code, K x)
{
    const prim_entry *e = prim_entry_of(K_UNARY, code);
    if (!e || !e->fn1) return krr("nyi");
    if (prim_is_function(x) && !prim_takes_functions(K_UNARY, code)) return krr("type");
    K r = e->fn1(x);
    if (r && (x->t == KS || x->t == -KS) && x->u) r = prim_enum_keep(K_UNARY, code, x, NULL, r);
    return r ? r : krr("wsfull");  /* a primitive returns NULL only when out of memory */
}

K prim_apply2(int code, K x, K y)
{
    const prim_entry *e = prim_entry_of(K_BINARY, code);
    if (!e || !e->fn2) return krr("nyi");
    if ((prim_is_function(x) || prim_is_function(y)) && !prim_takes_functions(K_BINARY, code))
        return krr("type");
    K r = e->fn2(x, y);
    if (r && (x->u || y->u)) r = prim_enum_keep(K_BINARY, code, x, y, r);  /* enumerations */
    return r ? r : krr("wsfull");  /* a primitive returns NULL only when out of memory */
}
