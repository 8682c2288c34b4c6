/* feed_gen.c: the cookbook demo feed's random walks and messages (feed_gen.h).
 * Follows start/tick/feed.q (tick-architecture.md §12); ticks are drawn one at a time
 * rather than in feed.q's 10,000-tick batches, which changes nothing observable but the
 * exact random numbers. Column typing is feed_parse.c. SPDX-License-Identifier: MIT */
#include "feed_gen.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "feed_parse.h"

#define FEED_GEN_WALK_VOL 0.001      /* feed.q gen: exp 0.001 * normal */
#define FEED_GEN_CENTS 100.0         /* prices round to cents */
#define FEED_GEN_SIZE_MAX 99         /* trade size: `int$x?99, 0..98 */
#define FEED_GEN_STOP_ODDS 20        /* stop flag: 1=x?20 */
#define FEED_GEN_VOL_MIN 10          /* quote sizes: 10+`int$x?90, 10..99 */
#define FEED_GEN_VOL_SPAN 90
#define FEED_GEN_NEW_PRICE_MIN 10    /* start price of a symbol not in the cookbook list */
#define FEED_GEN_NEW_PRICE_SPAN 90
#define FEED_GEN_DEFAULT_EX 'N'
#define FEED_GEN_SIDES 2             /* $[rand 2;trade;quote]: an even coin */
#define FEED_GEN_MAX_SYMS 100000
#define FEED_GEN_SYM_BYTES 64
#define FEED_GEN_UNIFORM_SCALE (1.0 / 9007199254740992.0)   /* 2^-53 */
#define FEED_GEN_TWO_PI 6.283185307179586

static const char FEED_GEN_MODES[] = " ABHILNORYZ";          /* quote mode alphabet */
static const char FEED_GEN_CONDS[] = " 89ABCEGJKLNOPRTWZ";   /* trade cond alphabet */

static const struct { const char *name; F price; C ex; } cookbook_syms[] = {
    { "AMD", 33, 'N' }, { "AIG", 27, 'O' }, { "AAPL", 84, 'N' }, { "DELL", 12, 'N' },
    { "DOW", 20, 'O' }, { "GOOG", 72, 'N' }, { "HPQ", 36, 'O' }, { "INTC", 51, 'N' },
    { "IBM", 42, 'N' }, { "MSFT", 29, 'N' },
};
#define FEED_GEN_COOKBOOK_N ((int)(sizeof cookbook_syms / sizeof cookbook_syms[0]))

enum role {
    ROLE_NONE = 0, ROLE_SYM, ROLE_PRICE, ROLE_SIZE, ROLE_STOP, ROLE_COND, ROLE_EX,
    ROLE_BID, ROLE_ASK, ROLE_BSIZE, ROLE_ASIZE, ROLE_MODE,
};
enum kind { KIND_SYM, KIND_FLOAT, KIND_COUNT, KIND_BOOL, KIND_CHAR };

static const struct { int table; const char *column; int role; int kind; } roles[] = {
    { FEED_GEN_TRADE, "sym", ROLE_SYM, KIND_SYM }, { FEED_GEN_TRADE, "price", ROLE_PRICE, KIND_FLOAT },
    { FEED_GEN_TRADE, "size", ROLE_SIZE, KIND_COUNT }, { FEED_GEN_TRADE, "stop", ROLE_STOP, KIND_BOOL },
    { FEED_GEN_TRADE, "cond", ROLE_COND, KIND_CHAR }, { FEED_GEN_TRADE, "ex", ROLE_EX, KIND_CHAR },
    { FEED_GEN_QUOTE, "sym", ROLE_SYM, KIND_SYM }, { FEED_GEN_QUOTE, "bid", ROLE_BID, KIND_FLOAT },
    { FEED_GEN_QUOTE, "ask", ROLE_ASK, KIND_FLOAT }, { FEED_GEN_QUOTE, "bsize", ROLE_BSIZE, KIND_COUNT },
    { FEED_GEN_QUOTE, "asize", ROLE_ASIZE, KIND_COUNT }, { FEED_GEN_QUOTE, "mode", ROLE_MODE, KIND_CHAR },
    { FEED_GEN_QUOTE, "ex", ROLE_EX, KIND_CHAR },
};

static const char *const table_names[FEED_GEN_TABLES] = { "trade", "quote" };

static int kind_accepts(int kind, int type)
{
    switch (kind) {
    case KIND_SYM: return type == KS;
    case KIND_FLOAT: return type == KF || type == KE;
    case KIND_COUNT: return type == KH || type == KI || type == KJ || type == KF || type == KE;
    case KIND_BOOL: return type == KB;
    default: return type == KC || type == KS;
    }
}

static const char *kind_text(int kind)
{
    static const char *const text[] = { "symbol", "float or real", "short, int, long, float or real",
                                        "boolean", "char or symbol" };
    return text[kind];
}

/* splitmix64: small, fast, and the same on every platform. */
static uint64_t rng_next(struct feed_gen *g)
{
    uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

F feed_gen_uniform(struct feed_gen *g) { return (F)(rng_next(g) >> 11) * FEED_GEN_UNIFORM_SCALE; }

J feed_gen_below(struct feed_gen *g, J n) { return (J)(feed_gen_uniform(g) * (F)n); }

/* Standard normal by Box–Muller, as feed.q's normalrand. */
static F normal(struct feed_gen *g)
{
    F u1 = feed_gen_uniform(g), u2 = 1.0 - feed_gen_uniform(g);   /* u2 in (0,1] for log */
    return cos(FEED_GEN_TWO_PI * u1) * sqrt(-2.0 * log(u2));
}

static F cents(F x) { return floor(0.5 + x * FEED_GEN_CENTS) / FEED_GEN_CENTS; }

/* One symbol entry "SYM[:PRICE[:EX]]" of length n. Returns 0 or -1 (err set). */
static int sym_add(struct feed_gen *g, const char *text, size_t n, char *err)
{
    char buf[FEED_GEN_SYM_BYTES], *price_text, *ex_text;
    if (n >= sizeof buf) { snprintf(err, FEED_GEN_ERR_BYTES, "--syms: entry too long: %.*s", (int)n, text); return -1; }
    if (g->n_syms >= FEED_GEN_MAX_SYMS) { snprintf(err, FEED_GEN_ERR_BYTES, "--syms: more than %d symbols", FEED_GEN_MAX_SYMS); return -1; }
    memcpy(buf, text, n);
    buf[n] = 0;
    if ((price_text = strchr(buf, ':'))) *price_text++ = 0;
    if (price_text && (ex_text = strchr(price_text, ':'))) *ex_text++ = 0;
    else ex_text = NULL;
    if (!*buf) { snprintf(err, FEED_GEN_ERR_BYTES, "--syms: empty symbol in '%.*s'", (int)n, text); return -1; }
    struct feed_gen_sym *s = &g->syms[g->n_syms];
    s->name = ss(buf);
    s->price = FEED_GEN_NEW_PRICE_MIN + (F)feed_gen_below(g, FEED_GEN_NEW_PRICE_SPAN);
    s->ex = FEED_GEN_DEFAULT_EX;
    for (int k = 0; k < FEED_GEN_COOKBOOK_N; k++)
        if (!strcmp(buf, cookbook_syms[k].name)) s->price = cookbook_syms[k].price, s->ex = cookbook_syms[k].ex;
    if (price_text && *price_text) {
        char *end;
        s->price = strtod(price_text, &end);
        if (*end || !(s->price > 0) || !isfinite(s->price)) {
            snprintf(err, FEED_GEN_ERR_BYTES, "--syms: bad start price '%s' for %s (a positive number)", price_text, buf);
            return -1;
        }
    }
    if (ex_text) {
        if (strlen(ex_text) != 1) { snprintf(err, FEED_GEN_ERR_BYTES, "--syms: exchange of %s must be one letter, got '%s'", buf, ex_text); return -1; }
        s->ex = ex_text[0];
    }
    g->n_syms++;
    return 0;
}

/* Entries separated by commas, blanks or newlines; '#' starts a comment line. */
static int syms_parse(struct feed_gen *g, const char *text, char *err)
{
    size_t len = strlen(text), max = len / 2 + 1;
    g->syms = calloc(max < FEED_GEN_MAX_SYMS ? max : FEED_GEN_MAX_SYMS, sizeof *g->syms);
    if (!g->syms) { snprintf(err, FEED_GEN_ERR_BYTES, "--syms: out of memory"); return -1; }
    for (const char *p = text; *p;) {
        if (*p == '#') { p += strcspn(p, "\n"); continue; }
        size_t skip = strspn(p, ", \t\r\n"), n;
        p += skip;
        if ((n = strcspn(p, ", \t\r\n")) == 0) continue;
        if (sym_add(g, p, n, err)) return -1;
        p += n;
    }
    if (!g->n_syms) { snprintf(err, FEED_GEN_ERR_BYTES, "--syms: no symbols in '%s'", text); return -1; }
    return 0;
}

/* --syms: a readable regular file holds the list; otherwise the text is the list. */
static int syms_load(struct feed_gen *g, const char *spec, char *err)
{
    struct stat st;
    if (stat(spec, &st) || !S_ISREG(st.st_mode)) {
        if (strchr(spec, '/')) {   /* a path, not a list: symbols do not hold '/' here */
            snprintf(err, FEED_GEN_ERR_BYTES, "--syms %s: no such file", spec);
            return -1;
        }
        return syms_parse(g, spec, err);
    }
    FILE *f = fopen(spec, "r");
    if (!f) { snprintf(err, FEED_GEN_ERR_BYTES, "--syms %s: cannot open", spec); return -1; }
    char *text = calloc(1, (size_t)st.st_size + 1);
    size_t got = text ? fread(text, 1, (size_t)st.st_size, f) : 0;
    fclose(f);
    if (!text || got != (size_t)st.st_size) {
        free(text);
        snprintf(err, FEED_GEN_ERR_BYTES, "--syms %s: cannot read", spec);
        return -1;
    }
    int rc = syms_parse(g, text, err);
    if (rc && !strncmp(err, "--syms: no symbols", strlen("--syms: no symbols")))
        snprintf(err, FEED_GEN_ERR_BYTES, "--syms %s: no symbols in the file", spec);
    free(text);
    return rc;
}

static int default_syms(struct feed_gen *g, char *err)
{
    g->syms = calloc(FEED_GEN_COOKBOOK_N, sizeof *g->syms);
    if (!g->syms) { snprintf(err, FEED_GEN_ERR_BYTES, "out of memory"); return -1; }
    for (int k = 0; k < FEED_GEN_COOKBOOK_N; k++)
        g->syms[k] = (struct feed_gen_sym){ ss(cookbook_syms[k].name), cookbook_syms[k].price, cookbook_syms[k].ex };
    g->n_syms = FEED_GEN_COOKBOOK_N;
    return 0;
}

/* The sent columns of one table: the schema's after time, each with its role.
 * Ownership: schema borrowed. */
static int layout_init(struct feed_gen_layout *l, int table, K schema, char *err)
{
    K names = kK(schema)[0], tables = kK(schema)[1];
    K t = NULL;
    for (J k = 0; k < names->n; k++)
        if (!strcmp(kS(names)[k], table_names[table])) t = kK(tables)[k];
    if (!t || t->t != XT) { snprintf(err, FEED_GEN_ERR_BYTES, "the schema has no table %s (the demo feed needs trade and quote)", table_names[table]); return -1; }
    K cols = kK(t->k)[0], vecs = kK(t->k)[1];
    l->name = ss(table_names[table]);
    l->n = (int)cols->n - 1;
    l->cols = calloc((size_t)(l->n > 0 ? l->n : 1), sizeof *l->cols);
    if (!l->cols) { snprintf(err, FEED_GEN_ERR_BYTES, "out of memory"); return -1; }
    for (int c = 0; c < l->n; c++) {
        S col = kS(cols)[c + 1];
        int type = kK(vecs)[c + 1]->t;
        l->cols[c].type = type;
        for (size_t r = 0; r < sizeof roles / sizeof roles[0]; r++) {
            if (roles[r].table != table || strcmp(roles[r].column, col)) continue;
            if (!kind_accepts(roles[r].kind, type)) {
                snprintf(err, FEED_GEN_ERR_BYTES, "schema: %s.%s has type %d; the demo feed needs %s",
                         table_names[table], col, type, kind_text(roles[r].kind));
                return -1;
            }
            l->cols[c].role = roles[r].role;
        }
        if (!l->cols[c].role && !feed_parse_type_ok(type) && type != KZ && type != UU) {
            snprintf(err, FEED_GEN_ERR_BYTES, "schema: %s.%s has type %d, which the feed cannot fill",
                     table_names[table], col, type);
            return -1;
        }
    }
    return 0;
}

int feed_gen_init(struct feed_gen *g, K schema, const char *syms_spec, uint64_t seed,
                  int fixed_rows, char *err)
{
    memset(g, 0, sizeof *g);
    g->rng = seed;
    g->fixed_rows = fixed_rows;
    if (schema->t != XD || kK(schema)[0]->t != KS || kK(schema)[1]->t != 0) {
        snprintf(err, FEED_GEN_ERR_BYTES, "schema is not a dictionary of tables");
        return -1;
    }
    int rc = syms_spec ? syms_load(g, syms_spec, err) : default_syms(g, err);
    for (int t = 0; !rc && t < FEED_GEN_TABLES; t++) rc = layout_init(&g->tables[t], t, schema, err);
    if (rc) feed_gen_fini(g);
    return rc;
}

void feed_gen_fini(struct feed_gen *g)
{
    free(g->syms);
    for (int t = 0; t < FEED_GEN_TABLES; t++) free(g->tables[t].cols);
    memset(g, 0, sizeof *g);
}

/* One row's generated values, indexed by role. */
struct row {
    S sym;
    F num[ROLE_MODE + 1];   /* numeric roles */
    C chr[ROLE_MODE + 1];   /* char roles */
};

/* Draw one tick and the row's other values (always all of them, so the stream does not
 * depend on the schema's optional columns). */
static void row_draw(struct feed_gen *g, int table, struct row *r)
{
    struct feed_gen_sym *s = &g->syms[feed_gen_below(g, g->n_syms)];
    s->price *= exp(FEED_GEN_WALK_VOL * normal(g));
    F price = cents(s->price), bid_margin = cents(feed_gen_uniform(g)), ask_margin = cents(feed_gen_uniform(g));
    r->sym = s->name;
    r->chr[ROLE_EX] = s->ex;
    if (table == FEED_GEN_TRADE) {
        r->num[ROLE_PRICE] = price;
        r->num[ROLE_SIZE] = (F)feed_gen_below(g, FEED_GEN_SIZE_MAX);
        r->num[ROLE_STOP] = feed_gen_below(g, FEED_GEN_STOP_ODDS) == 0;
        r->chr[ROLE_COND] = FEED_GEN_CONDS[feed_gen_below(g, (J)strlen(FEED_GEN_CONDS))];
    } else {
        r->num[ROLE_BID] = cents(price - bid_margin);
        r->num[ROLE_ASK] = cents(price + ask_margin);
        r->num[ROLE_BSIZE] = (F)(FEED_GEN_VOL_MIN + feed_gen_below(g, FEED_GEN_VOL_SPAN));
        r->num[ROLE_ASIZE] = (F)(FEED_GEN_VOL_MIN + feed_gen_below(g, FEED_GEN_VOL_SPAN));
        r->chr[ROLE_MODE] = FEED_GEN_MODES[feed_gen_below(g, (J)strlen(FEED_GEN_MODES))];
    }
}

/* Store row r at index i of the columns in data. Ownership: data borrowed. */
static void row_store(const struct feed_gen_layout *l, const struct row *r, K data, J i)
{
    for (int c = 0; c < l->n; c++) {
        K col = kK(data)[c];
        int role = l->cols[c].role;
        switch (role) {
        case ROLE_NONE: feed_col_null(col, i); break;
        case ROLE_SYM: feed_col_put_sym(col, i, r->sym); break;
        case ROLE_STOP: kG(col)[i] = r->num[role] != 0; break;
        case ROLE_COND: case ROLE_EX: case ROLE_MODE: feed_col_put_char(col, i, r->chr[role]); break;
        default: feed_col_put_float(col, i, r->num[role]); break;
        }
    }
}

K feed_gen_next(struct feed_gen *g, int *table, J *rows)
{
    int t = feed_gen_below(g, FEED_GEN_SIDES) ? FEED_GEN_TRADE : FEED_GEN_QUOTE;   /* $[rand 2;t;q] */
    J max = t == FEED_GEN_TRADE ? FEED_GEN_MAX_TRADES : FEED_GEN_QUOTES_PER_TRADE * FEED_GEN_MAX_TRADES;
    J n = g->fixed_rows > 0 ? g->fixed_rows : 1 + feed_gen_below(g, max);
    const struct feed_gen_layout *l = &g->tables[t];
    K data = ktn(0, l->n);
    for (int c = 0; c < l->n; c++) kK(data)[c] = ktn(l->cols[c].type, n);
    for (J i = 0; i < n; i++) {
        struct row r;
        row_draw(g, t, &r);
        row_store(l, &r, data, i);
    }
    *table = t;
    *rows = n;
    return data;
}
