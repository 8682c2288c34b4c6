/* fmt.c: the q console display of K values (q-subset.md §3.20): atoms, vectors, general
 * lists, dictionaries, tables, keyed tables, functions and errors, in single-line and
 * multi-line form. Evaluation lives in the other common/q/ files; calendar maths in ktime.c.
 * SPDX-License-Identifier: MIT */
#include "fmt.h"
#include "prim.h"
#include "k_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Process-wide display setting \P, set by the interpreter's system command. */
static int fmt_digits = 7;  /* significant digits of floats */

/* prim.c names keywords ("count") and extra operators ("<="). The reference is weak so
 * the formatter links (and its unit test runs) without the evaluator: then the glyph
 * table below is used. */
extern const char *prim_name(K x) __attribute__((weak));
extern const char *q_native_name(K x) __attribute__((weak));  /* qnative.h, same reason */

/* Cells (table columns, dictionary values, matrix entries) drop suffixes and show nulls
 * as empty text; items are the text of one item of a vector in q source form. */
enum { FMT_ITEM = 0, FMT_CELL = 1 };

/* Type letters by vector type (q-subset.md §3.1), used as display suffixes. */
static const char fmt_type_chars[] = " bg xhijefcspmdznuvt";

/* Type names as `name$() shows an empty vector. */
static const char *const fmt_type_names[] = {
    "", "boolean", "guid", "", "byte", "short", "int", "long", "real", "float", "char",
    "symbol", "timestamp", "month", "date", "datetime", "timespan", "minute", "second", "time"
};

/* Glyphs of primitive codes 0–19 and of iterators 0–5 (ipc-protocol.md §3.9). */
static const char fmt_glyphs[] = ":+-*%&|^=<>$,#_~!?@.";
static const char *const fmt_iterators[] = { "'", "/", "\\", "':", "/:", "\\:" };

/* A growing text buffer; oom records a failed allocation, reported once at the end. */
typedef struct {
    char *p;     /* text, not NUL-terminated until fb_take */
    size_t n;    /* bytes used */
    size_t cap;  /* bytes allocated */
    int oom;     /* an allocation failed; the text is incomplete */
} fbuf;

/* One string per row or item, each malloc'd; used to align columns. */
typedef struct {
    char **v;  /* n strings (NULL entries only after a failed allocation) */
    J n;       /* count */
} ftexts;

static void fb_putn(fbuf *b, const char *s, size_t n)
{
    if (b->oom) return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) { b->oom = 1; return; }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}

static void fb_puts(fbuf *b, const char *s) { fb_putn(b, s, strlen(s)); }
static void fb_putc(fbuf *b, char c) { fb_putn(b, &c, 1); }

static void fb_printf(fbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fb_printf(fbuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (len < 0) { b->oom = 1; return; }
    fb_putn(b, tmp, (size_t)len < sizeof tmp ? (size_t)len : sizeof tmp - 1);
}

static void fb_pad(fbuf *b, size_t n) { while (n--) fb_putc(b, ' '); }

/* Hand the text over as a malloc'd C string and reset b. NULL when memory ran out. */
static char *fb_take(fbuf *b)
{
    fb_putn(b, "", 0);
    char *p = b->oom ? NULL : b->p;
    if (p) p[b->n] = 0;
    else free(b->p);
    *b = (fbuf){0};
    return p;
}

/* Turn the buffer into a char vector, or 'wsfull if an allocation failed.
 * Ownership: empties b; returns new. */
static K fb_k(fbuf *b)
{
    K r = b->oom ? krr("wsfull") : kpn(b->p ? b->p : (S)"", (J)b->n);
    free(b->p);
    *b = (fbuf){0};
    return r ? r : krr("wsfull");
}

static int texts_new(ftexts *t, J n)
{
    t->n = n;
    t->v = calloc(n > 0 ? (size_t)n : 1, sizeof(char *));
    return t->v ? 0 : -1;
}

static void texts_free(ftexts *t)
{
    for (J i = 0; t->v && i < t->n; i++) free(t->v[i]);
    free(t->v);
    *t = (ftexts){0};
}

static size_t texts_width(const ftexts *t)
{
    size_t w = 0;
    for (J i = 0; i < t->n; i++) {
        size_t len = t->v[i] ? strlen(t->v[i]) : 0;
        if (len > w) w = len;
    }
    return w;
}

/* ---- items of every vector type ---------------------------------------------------- */

/* Integral null and infinities: 0N (item only), 0W, -0W. Returns 1 if v was one. */
static int put_special(fbuf *b, J v, J null, J inf, int mode)
{
    if (v == null) { if (mode == FMT_ITEM) fb_puts(b, "0N"); return 1; }
    if (v == inf) { fb_puts(b, "0W"); return 1; }
    if (v == -inf) { fb_puts(b, "-0W"); return 1; }
    return 0;
}

/* Floats as %.{P}g; NaN shows as null_text (cells: nothing), infinities as inf_text. */
static int put_float(fbuf *b, F v, const char *null_text, const char *inf_text, int mode)
{
    if (isnan(v)) { if (mode == FMT_ITEM) fb_puts(b, null_text); return 1; }
    if (isinf(v)) { if (v < 0) fb_putc(b, '-'); fb_puts(b, inf_text); return 1; }
    fb_printf(b, "%.*g", fmt_digits ? fmt_digits : 17, v);
    return 0;
}

static void put_date(fbuf *b, J days)
{
    I ymd_value = dj((I)days);
    fb_printf(b, "%04d.%02d.%02d", ymd_value / 10000, ymd_value / 100 % 100, ymd_value % 100);
}

/* Split a non-negative count of unit into h:m:s and a fraction of frac_digits. */
static void put_clock(fbuf *b, J v, J per_second, int frac_digits)
{
    J secs = v / per_second;
    fb_printf(b, "%02lld:%02lld:%02lld", (long long)(secs / 3600), (long long)(secs / 60 % 60),
              (long long)(secs % 60));
    if (frac_digits) fb_printf(b, ".%0*lld", frac_digits, (long long)(v % per_second));
}

static void put_timestamp(fbuf *b, J ns)
{
    J days = ns / K_NS_PER_DAY, rest = ns % K_NS_PER_DAY;
    if (rest < 0) { rest += K_NS_PER_DAY; days--; }
    put_date(b, days);
    fb_putc(b, 'D');
    put_clock(b, rest, 1000000000LL, 9);
}

static void put_datetime(fbuf *b, F days_f)
{
    J ms = llround(days_f * K_MS_PER_DAY);
    J days = ms / K_MS_PER_DAY, rest = ms % K_MS_PER_DAY;
    if (rest < 0) { rest += K_MS_PER_DAY; days--; }
    put_date(b, days);
    fb_putc(b, 'T');
    put_clock(b, rest, 1000, 3);
}

static void put_month(fbuf *b, J months)
{
    J year = months >= 0 ? months / 12 : -((11 - months) / 12);
    fb_printf(b, "%04lld.%02lld", (long long)(2000 + year), (long long)(months - year * 12 + 1));
}

static void put_timespan(fbuf *b, J ns)
{
    if (ns < 0) { fb_putc(b, '-'); ns = -ns; }
    fb_printf(b, "%lldD", (long long)(ns / K_NS_PER_DAY));
    put_clock(b, ns % K_NS_PER_DAY, 1000000000LL, 9);
}

/* minute, second, time: signed clock counts. */
static void put_time_of_day(fbuf *b, J v, J per_second, int frac_digits)
{
    if (v < 0) { fb_putc(b, '-'); v = -v; }
    if (per_second == 0) {  /* minutes */
        fb_printf(b, "%02lld:%02lld", (long long)(v / 60), (long long)(v % 60));
        return;
    }
    put_clock(b, v, per_second, frac_digits);
}

/* A char inside quotes: \" \\ \n \t \r, \NNN for other control bytes (q-subset.md §3.20). */
static void put_char_escaped(fbuf *b, unsigned char c)
{
    switch (c) {
    case '"': fb_puts(b, "\\\""); return;
    case '\\': fb_puts(b, "\\\\"); return;
    case '\n': fb_puts(b, "\\n"); return;
    case '\t': fb_puts(b, "\\t"); return;
    case '\r': fb_puts(b, "\\r"); return;
    default: break;
    }
    if (c < 0x20 || c == 0x7f) fb_printf(b, "\\%03o", c);
    else fb_putc(b, (char)c);
}

static void put_guid(fbuf *b, const G *g)
{
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) fb_putc(b, '-');
        fb_printf(b, "%02x", g[i]);
    }
}

/* One item of type t (1..19) at p. Returns 1 when it is a null or an infinity. */
static int put_item(fbuf *b, int t, const void *p, int mode)
{
    switch (t) {
    case KB: fb_putc(b, *(const G *)p ? '1' : '0'); return 0;
    case UU: put_guid(b, (const G *)p); return 0;
    case KG: fb_printf(b, "%02x", *(const G *)p); return 0;
    case KH: {
        H v = *(const H *)p;  /* 0Wh has no display of its own: 32767h (§7 N008) */
        if (v == nh) { if (mode == FMT_ITEM) fb_puts(b, "0N"); return 1; }
        fb_printf(b, "%d", v);
        return 0;
    }
    case KI: { I v = *(const I *)p; if (put_special(b, v, ni, wi, mode)) return 1;
               fb_printf(b, "%d", v); return 0; }
    case KJ: { J v = *(const J *)p; if (put_special(b, v, nj, wj, mode)) return 1;
               fb_printf(b, "%lld", (long long)v); return 0; }
    case KE: return put_float(b, *(const E *)p, "0N", "0W", mode);
    case KF: return put_float(b, *(const F *)p, "0n", "0w", mode);
    case KC:
        if (mode == FMT_CELL) fb_putc(b, *(const char *)p);
        else put_char_escaped(b, *(const unsigned char *)p);
        return 0;
    case KS: {
        S s = *(S const *)p;
        if (mode == FMT_ITEM) fb_putc(b, '`');
        fb_puts(b, s ? s : "");
        return 0;
    }
    case KP: { J v = *(const J *)p; if (put_special(b, v, nj, wj, mode)) return 1;
               put_timestamp(b, v); return 0; }
    case KN: { J v = *(const J *)p; if (put_special(b, v, nj, wj, mode)) return 1;
               put_timespan(b, v); return 0; }
    case KZ: { F v = *(const F *)p;
               if (isnan(v) || isinf(v)) return put_float(b, v, "0N", "0w", mode);
               put_datetime(b, v); return 0; }
    default: break;
    }
    I v = *(const I *)p;  /* the 4-byte temporal types */
    if (put_special(b, v, ni, wi, mode)) return 1;
    switch (t) {
    case KM: put_month(b, v); break;
    case KD: put_date(b, v); break;
    case KU: put_time_of_day(b, v, 0, 0); break;
    case KV: put_time_of_day(b, v, 1, 0); break;
    default: put_time_of_day(b, v, 1000, 3); break;  /* KT */
    }
    return 0;
}

/* Does the text since offset look like a float (has . e n or w)? Else it needs an f. */
static int looks_float(const fbuf *b, size_t from)
{
    for (size_t i = from; !b->oom && i < b->n; i++)
        if (strchr(".enw", b->p[i])) return 1;
    return 0;
}

/* An atom of type t (1..19) at p in q source form: 42i, 0x2a, "a", `a, 2f, 0Nd. */
static void put_atom_value(fbuf *b, int t, const void *p)
{
    size_t from = b->n;
    if (t == KG) fb_puts(b, "0x");
    if (t == KC) fb_putc(b, '"');
    int special = put_item(b, t, p, FMT_ITEM);
    switch (t) {
    case KC: fb_putc(b, '"'); break;
    case KF: if (!looks_float(b, from)) fb_putc(b, 'f'); break;
    case KB: case KH: case KI: case KE: case KM: fb_putc(b, fmt_type_chars[t]); break;
    case KP: case KD: case KZ: case KN: case KU: case KV: case KT:
        if (special) fb_putc(b, fmt_type_chars[t]);
        break;
    default: break;
    }
}

/* An enumeration's domain as the prefix `sym$ (k_int.h); nothing for plain symbols or
 * other types. Ownership: x borrowed. */
static void put_enum_domain(fbuf *b, K x)
{
    S dom = (x->t == KS || x->t == -KS) && x->u ? k_enum_domain((unsigned char)x->u) : NULL;
    if (dom) fb_printf(b, "`%s$", dom);
}

/* Address of item i of vector x. Ownership: x borrowed. */
static const void *item_ptr(K x, J i) { return kG(x) + i * k_item_size(x->t); }

/* A simple vector on one line: `s#1 2 3, ,1, `long$(), 101b, 0x0102, "ab", `a`b, 1 2.5.
 * Ownership: x borrowed. */
static void put_vector(fbuf *b, K x)
{
    int t = x->t;
    static const char *const attrs[] = { "", "`s#", "`u#", "`p#", "`g#" };
    if (x->a > 0 && x->a <= K_ATTR_GROUPED) fb_puts(b, attrs[(int)x->a]);
    if (x->n == 1) { fb_putc(b, ','); put_enum_domain(b, x); put_atom_value(b, t, kG(x)); return; }
    put_enum_domain(b, x);
    if (x->n == 0) {
        if (t == KC) fb_puts(b, "\"\"");
        else fb_printf(b, "`%s$()", fmt_type_names[t]);
        return;
    }
    size_t from = b->n;
    int all_special = 1;
    if (t == KG) fb_puts(b, "0x");
    if (t == KC) fb_putc(b, '"');
    for (J i = 0; i < x->n; i++) {
        if (i && t != KB && t != KG && t != KC && t != KS) fb_putc(b, ' ');
        all_special &= put_item(b, t, item_ptr(x, i), FMT_ITEM);
    }
    switch (t) {
    case KC: fb_putc(b, '"'); break;
    case KF: if (!looks_float(b, from)) fb_putc(b, 'f'); break;
    case KB: case KH: case KI: case KE: case KM: fb_putc(b, fmt_type_chars[t]); break;
    case KP: case KD: case KZ: case KN: case KU: case KV: case KT:
        if (all_special) fb_putc(b, fmt_type_chars[t]);  /* 0N 0Nd would read as longs */
        break;
    default: break;
    }
}

/* ---- functions ------------------------------------------------------------------- */

static void put_line(fbuf *b, K x);

/* Is x the generic null ::? Ownership: x borrowed. */
static int is_identity(K x) { return x && x->t == K_UNARY && x->g == 0; }

/* An elided argument of a projection f[;y]: the identity, NULL, or the evaluator's hole
 * (K_UNARY code 255, EVAL_HOLE in q_int.h). All display as nothing. Ownership: borrowed. */
#define FMT_HOLE_CODE 255
static int is_elided(K x)
{
    return !x || is_identity(x) || (x->t == K_UNARY && x->g == FMT_HOLE_CODE);
}

/* Unary/binary primitive, iterator or native function by name or glyph.
 * Ownership: x borrowed. */
static void put_primitive(fbuf *b, K x)
{
    const char *name = prim_name ? prim_name(x) : NULL;
    int code = x->g;
    if (name) fb_puts(b, name);
    else if (x->t == K_ITERATOR && code < 6) fb_puts(b, fmt_iterators[code]);
    else if (x->t == K_NATIVE) {  /* kdb+ shows a C function as `code`; we show its name */
        const char *native = q_native_name ? q_native_name(x) : NULL;
        fb_puts(b, native ? native : "code");
    }
    else if (code < 20) {
        fb_putc(b, fmt_glyphs[code]);
        if (x->t == K_UNARY && code) fb_putc(b, ':');  /* k's unary form, e.g. -: for neg */
    } else fb_printf(b, "%s%d", x->t == K_UNARY ? "unary" : "binary", code);
}

/* Lambdas show their source; projections f[a;;c] (elided arguments as nothing);
 * derived functions f/ f' …; compositions their parts in order. Ownership: x borrowed. */
static void put_function(fbuf *b, K x)
{
    switch (x->t) {
    case K_LAMBDA: {
        K src = x->n > 0 ? kK(x)[0] : NULL;
        if (src && src->t == KC) fb_putn(b, (const char *)kC(src), (size_t)src->n);
        return;
    }
    case K_PROJECTION:
        if (x->n > 0) put_line(b, kK(x)[0]);
        fb_putc(b, '[');
        for (J i = 1; i < x->n; i++) {
            if (i > 1) fb_putc(b, ';');
            if (!is_elided(kK(x)[i])) put_line(b, kK(x)[i]);
        }
        fb_putc(b, ']');
        return;
    case K_COMPOSITION:
        for (J i = 0; i < x->n; i++) {
            K f = kK(x)[i];
            /* a left-projected operator (0|) reads as the operator's left argument */
            if (f && f->t == K_PROJECTION && f->n == 3 && kK(f)[0] && kK(f)[0]->t == K_BINARY
                && is_elided(kK(f)[2])) {
                put_line(b, kK(f)[1]);
                put_primitive(b, kK(f)[0]);
            } else put_line(b, f);
        }
        return;
    case K_UNARY: case K_BINARY: case K_ITERATOR: case K_NATIVE:
        put_primitive(b, x);
        return;
    default: break;
    }
    if (x->t >= K_EACH && x->t <= K_EACHLEFT) {
        if (x->n > 0) put_line(b, kK(x)[0]);
        fb_puts(b, fmt_iterators[x->t - K_EACH]);
    }
}

/* ---- single-line form --------------------------------------------------------------- */

/* Keys of a single-line dictionary need parentheses unless they are a plain vector.
 * Ownership: keys and vals borrowed. */
static void put_dict_line(fbuf *b, K keys, K vals)
{
    int wrap = keys->t < 0 || keys->t >= XT || keys->n == 1 || (keys->t == 0 && keys->n == 0);
    if (wrap) fb_putc(b, '(');
    put_line(b, keys);
    if (wrap) fb_putc(b, ')');
    fb_putc(b, '!');
    put_line(b, vals);
}

/* q-subset.md §3.20 "Single-line form"; tables use kdb+'s k form +`a`b!(..).
 * Ownership: x borrowed. */
static void put_line(fbuf *b, K x)
{
    if (!x) return;
    if (x->t == KERR) { fb_putc(b, '\''); fb_puts(b, x->s); return; }
    if (x->t == -UU) { put_guid(b, (const G *)kU(x)); return; }
    if (x->t < 0 && x->t >= -KT) { put_enum_domain(b, x); put_atom_value(b, -x->t, &x->j); return; }
    if (x->t > 0 && x->t <= KT) { put_vector(b, x); return; }
    if (is_identity(x)) { fb_puts(b, "::"); return; }
    switch (x->t) {
    case 0:
        if (x->n == 1) { fb_putc(b, ','); put_line(b, kK(x)[0]); return; }
        fb_putc(b, '(');
        for (J i = 0; i < x->n; i++) {
            if (i) fb_putc(b, ';');
            put_line(b, kK(x)[i]);
        }
        fb_putc(b, ')');
        return;
    case XT: fb_putc(b, '+'); put_line(b, x->k); return;
    case XD: case XSD: put_dict_line(b, kK(x)[0], kK(x)[1]); return;
    default: break;
    }
    if (x->t >= K_LAMBDA) put_function(b, x);
    else fb_printf(b, "<type %d>", x->t);  /* enumerations (T2) are not displayed yet */
}

/* ---- rows: one text per item, for alignment ------------------------------------------ */

static int rows_of(K x, int allow_matrix, ftexts *out);

/* The single-line form as a malloc'd C string (NULL on no memory). Ownership: borrowed. */
static char *line_text(K x)
{
    fbuf b = {0};
    put_line(&b, x);
    return fb_take(&b);
}

/* Cells of a simple vector: bare text, nulls empty. Ownership: x borrowed. */
static int cells_of(K x, ftexts *out)
{
    if (texts_new(out, x->n)) return -1;
    for (J i = 0; i < x->n; i++) {
        fbuf b = {0};
        if (x->t == UU) put_guid(&b, (const G *)item_ptr(x, i));
        else put_item(&b, x->t, item_ptr(x, i), FMT_CELL);
        if (!(out->v[i] = fb_take(&b))) return -1;
    }
    return 0;
}

/* A general list shows as a matrix when its items are simple vectors of one common count
 * and not all of them are boolean, byte or char vectors (q-subset.md §3.20 "General
 * list"); items that are general lists keep their single-line form (§7 S138).
 * Ownership: x borrowed. */
static int is_matrix(K x)
{
    if (x->t != 0 || x->n < 1) return 0;
    J count = -1;
    int all_bytes = 1;
    for (J i = 0; i < x->n; i++) {
        K item = kK(x)[i];
        if (!item || item->t <= 0 || item->t > KT) return 0;
        if (count >= 0 && item->n != count) return 0;
        count = item->n;
        if (item->t != KB && item->t != KG && item->t != KC) all_bytes = 0;
    }
    return count > 0 && !all_bytes;
}

/* Padded rows of matrix x, one per item, its columns aligned. Ownership: x borrowed. */
static int matrix_rows(K x, ftexts *out)
{
    J ncols = kK(x)[0]->n;
    ftexts *rows = calloc((size_t)x->n, sizeof *rows);
    size_t *width = calloc((size_t)ncols, sizeof *width);
    int rc = rows && width && !texts_new(out, x->n) ? 0 : -1;
    for (J i = 0; rc == 0 && i < x->n; i++) {
        rc = rows_of(kK(x)[i], 0, &rows[i]);
        for (J j = 0; rc == 0 && j < ncols; j++) {
            size_t len = strlen(rows[i].v[j]);
            if (len > width[j]) width[j] = len;
        }
    }
    for (J i = 0; rc == 0 && i < x->n; i++) {
        fbuf b = {0};
        for (J j = 0; j < ncols; j++) {
            if (j) fb_putc(&b, ' ');
            fb_puts(&b, rows[i].v[j]);
            fb_pad(&b, width[j] - strlen(rows[i].v[j]));
        }
        if (!(out->v[i] = fb_take(&b))) rc = -1;
    }
    for (J i = 0; rows && i < x->n; i++) texts_free(&rows[i]);
    free(rows);
    free(width);
    return rc;
}

/* One text per item of list x: cells for a vector, matrix rows or single-line items for
 * a general list. Returns 0, or -1 when memory ran out (out is then partly filled).
 * Ownership: x borrowed; the caller frees out with texts_free. */
static int rows_of(K x, int allow_matrix, ftexts *out)
{
    if (x->t > 0 && x->t <= KT) return cells_of(x, out);
    if (x->t == 0 && allow_matrix && is_matrix(x)) return matrix_rows(x, out);
    if (x->t != 0) {  /* an atom or other value standing for one row */
        if (texts_new(out, 1)) return -1;
        return (out->v[0] = line_text(x)) ? 0 : -1;
    }
    if (texts_new(out, x->n)) return -1;
    for (J i = 0; i < x->n; i++)
        if (!(out->v[i] = line_text(kK(x)[i]))) return -1;
    return 0;
}

/* ---- multi-line forms ---------------------------------------------------------------- */

/* Table lines: header, dashes, one line per row; every cell padded to its column width.
 * Ownership: table borrowed; the caller frees out with texts_free. */
static int table_lines(K table, ftexts *out)
{
    K names = kK(table->k)[0], cols = kK(table->k)[1];
    J ncols = names->n, nrows = ncols ? k_count(kK(cols)[0]) : 0;
    ftexts *cells = calloc(ncols > 0 ? (size_t)ncols : 1, sizeof *cells);
    size_t *width = calloc(ncols > 0 ? (size_t)ncols : 1, sizeof *width);
    int rc = cells && width && !texts_new(out, nrows + 2) ? 0 : -1;
    for (J j = 0; rc == 0 && j < ncols; j++) {
        rc = rows_of(kK(cols)[j], 0, &cells[j]);
        width[j] = strlen(kS(names)[j]);
        if (rc == 0 && texts_width(&cells[j]) > width[j]) width[j] = texts_width(&cells[j]);
        if (rc == 0 && cells[j].n < nrows) rc = -1;  /* ragged columns: not a table */
    }
    for (J i = -1; rc == 0 && i < nrows; i++) {
        fbuf b = {0};
        for (J j = 0; j < ncols; j++) {
            const char *text = i < 0 ? kS(names)[j] : cells[j].v[i];
            if (j) fb_putc(&b, ' ');
            fb_puts(&b, text);
            fb_pad(&b, width[j] - strlen(text));
        }
        if (i < 0) {
            size_t len = b.n;
            if (!(out->v[0] = fb_take(&b))) rc = -1;
            fb_pad(&b, len);
            for (size_t k = 0; k < b.n; k++) b.p[k] = '-';
            if (!(out->v[1] = fb_take(&b))) rc = -1;
        } else if (!(out->v[i + 2] = fb_take(&b))) rc = -1;
    }
    for (J j = 0; cells && j < ncols; j++) texts_free(&cells[j]);
    free(cells);
    free(width);
    return rc;
}

static void put_texts(fbuf *b, const ftexts *t)
{
    for (J i = 0; i < t->n; i++) {
        if (i) fb_putc(b, '\n');
        fb_puts(b, t->v[i] ? t->v[i] : "");
    }
}

/* Keyed table: key table and value table side by side, joined by "| ".
 * Ownership: keys and vals borrowed. */
static void put_keyed(fbuf *b, K keys, K vals)
{
    ftexts left = {0}, right = {0};
    if (table_lines(keys, &left) || table_lines(vals, &right)) b->oom = 1;
    for (J i = 0; !b->oom && i < left.n && i < right.n; i++) {
        if (i) fb_putc(b, '\n');
        fb_puts(b, left.v[i]);
        fb_puts(b, "| ");
        fb_puts(b, right.v[i]);
    }
    texts_free(&left);
    texts_free(&right);
}

/* Dictionary: key cell padded to the widest key, "| ", then the value's row text.
 * Ownership: keys and vals borrowed. */
static void put_dict(fbuf *b, K keys, K vals)
{
    if (keys->t == XT && vals->t == XT) { put_keyed(b, keys, vals); return; }
    if (keys->n == 0 || keys->t < 0 || keys->t > KT || vals->t < 0 || vals->t > KT
        || k_count(vals) != keys->n) {
        put_dict_line(b, keys, vals);  /* empty or unusual dictionaries: one line */
        return;
    }
    ftexts ktext = {0}, vtext = {0};
    if (rows_of(keys, 1, &ktext) || rows_of(vals, 1, &vtext)) b->oom = 1;
    size_t width = texts_width(&ktext);
    for (J i = 0; !b->oom && i < ktext.n && i < vtext.n; i++) {
        if (i) fb_putc(b, '\n');
        fb_puts(b, ktext.v[i]);
        fb_pad(b, width - strlen(ktext.v[i]));
        fb_puts(b, "| ");
        fb_puts(b, vtext.v[i]);
    }
    texts_free(&ktext);
    texts_free(&vtext);
}

/* The multi-line console form of x into b. Ownership: x borrowed. */
static void put_display(fbuf *b, K x)
{
    if (!x || is_identity(x)) return;
    if (x->t == 0 && x->n > 1) {
        ftexts rows = {0};
        if (rows_of(x, 1, &rows)) b->oom = 1;
        else put_texts(b, &rows);
        texts_free(&rows);
        return;
    }
    if (x->t == XT) {
        ftexts lines = {0};
        if (table_lines(x, &lines)) b->oom = 1;
        else put_texts(b, &lines);
        texts_free(&lines);
        return;
    }
    if (x->t == XD || x->t == XSD) { put_dict(b, kK(x)[0], kK(x)[1]); return; }
    put_line(b, x);
}

/* ---- public ---------------------------------------------------------------------- */

/* Ownership: x borrowed; returns new (q.h). */
K fmt_display(K x)
{
    fbuf b = {0};
    put_display(&b, x);
    return fb_k(&b);
}

/* Ownership: x borrowed; returns new (fmt.h). */
K fmt_line(K x)
{
    fbuf b = {0};
    put_line(&b, x);
    return fb_k(&b);
}

/* Ownership: x borrowed; returns new (fmt.h). */
K fmt_string(K x)
{
    if (x->t < 0 && x->t >= -KT) {
        fbuf b = {0};
        if (x->t == -UU) put_guid(&b, (const G *)kU(x));
        else put_item(&b, -x->t, &x->j, FMT_CELL);
        return fb_k(&b);
    }
    if (x->t >= K_LAMBDA || x->t == KERR) return fmt_line(x);
    if (x->t != 0 && (x->t < 0 || x->t > KT)) return krr("type");
    K r = ktn(0, x->n);
    if (!r) return krr("wsfull");
    for (J i = 0; i < x->n; i++) {
        K item = x->t == 0 ? r1(kK(x)[i]) : NULL;
        if (x->t != 0) {
            fbuf b = {0};
            if (x->t == UU) put_guid(&b, (const G *)item_ptr(x, i));
            else put_item(&b, x->t, item_ptr(x, i), FMT_CELL);
            kK(r)[i] = fb_k(&b);
        } else {
            kK(r)[i] = fmt_string(item);
            r0(item);
        }
        if (kK(r)[i]->t == KERR) { K e = r1(kK(r)[i]); r0(r); return e; }
    }
    return r;
}

int fmt_precision_set(int digits)
{
    int old = fmt_digits;
    if (digits >= 0 && digits <= 17) fmt_digits = digits;
    return old;
}
