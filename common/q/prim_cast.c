/* prim_cast.c: Cast and Tok ($), string, type, attr, lower/upper, like, sv, vs, ss, hsym
 * (q-subset.md §3.15, 3.16). Console display is fmt.c's; string gives only the bare
 * text of each atom.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"
#include "prim_list.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define CAST_TEXT_BYTES 64
#define CAST_FLOAT_DIGITS 7
#define CAST_MONTHS 12
#define CAST_EPOCH_YEAR 2000
#define CAST_YMD_YEAR 10000
#define CAST_YMD_MONTH 100
#define CAST_NS_PER_MS 1000000LL
#define CAST_NS_PER_SEC 1000000000LL
#define CAST_NS_PER_MIN 60000000000LL

static const char cast_chars[] = " bg xhijefcspmdznuvt";
static const char *const cast_names[] = {
    "", "boolean", "guid", "", "byte", "short", "int", "long", "real", "float", "char",
    "symbol", "timestamp", "month", "date", "datetime", "timespan", "minute", "second", "time"
};
#define CAST_NTYPES ((int)(sizeof cast_names / sizeof cast_names[0]))

/* Target type of a cast's left argument; *tok set for upper-case/negative (Tok). */
static int cast_target(K x, int *tok)
{
    *tok = 0;
    if (x->t == -KH || x->t == -KI || x->t == -KJ) {
        J t = x->t == -KH ? x->h : x->t == -KI ? x->i : x->j;
        if (t < 0 && t > -CAST_NTYPES) { *tok = 1; t = -t; }
        return t < CAST_NTYPES ? (int)t : -1;
    }
    if (x->t == -KC) {
        char c = (char)x->g;
        if (c == '*') return 0;
        if (isupper((unsigned char)c)) { *tok = 1; c = (char)tolower((unsigned char)c); }
        const char *p = strchr(cast_chars, c);
        return p && c != ' ' ? (int)(p - cast_chars) : -1;
    }
    if (x->t == -KS) {
        if (!x->s[0]) return KS;
        for (int t = 1; t < CAST_NTYPES; t++) if (!strcmp(cast_names[t], x->s)) return t;
    }
    return -1;
}

static J cast_unit_ns(int t)
{
    switch (t) {
    case KP: case KN: return 1;
    case KD: return K_NS_PER_DAY;
    case KT: return CAST_NS_PER_MS;
    case KV: return CAST_NS_PER_SEC;
    case KU: return CAST_NS_PER_MIN;
    default: return 0;
    }
}

static J cast_floor_div(J a, J b) { J q = a / b; return (a % b && ((a < 0) != (b < 0))) ? q - 1 : q; }

/* Temporal to temporal on one underlying value (nulls handled by the caller). */
static J cast_temporal(J v, int from, int to)
{
    if (from == KM) {
        J days = ymd((I)(CAST_EPOCH_YEAR + cast_floor_div(v, CAST_MONTHS)), (I)(v - cast_floor_div(v, CAST_MONTHS) * CAST_MONTHS + 1), 1);
        return cast_temporal(days, KD, to);
    }
    if (to == KM) {
        J days = from == KD ? v : cast_floor_div(v * cast_unit_ns(from), K_NS_PER_DAY);
        J ymdv = dj((I)days);
        J y = ymdv / CAST_YMD_YEAR, m = ymdv / CAST_YMD_MONTH % CAST_YMD_MONTH;
        return (y - CAST_EPOCH_YEAR) * CAST_MONTHS + m - 1;
    }
    J ns = v * cast_unit_ns(from);
    if (to == KD) return from == KD ? v : from == KP ? cast_floor_div(ns, K_NS_PER_DAY) : 0;
    int point_from = from == KP || from == KD;
    if (to == KP) return point_from ? ns : ns;
    if (point_from) ns -= cast_floor_div(ns, K_NS_PER_DAY) * K_NS_PER_DAY;
    return cast_floor_div(ns, cast_unit_ns(to));
}

static K cast_atom(int t, K a)
{
    int from = -a->t;
    if (t == from) return r1(a);
    if (t == KS && a->t == KC) {
        J s = 0, e = a->n;
        while (s < e && kC(a)[s] == ' ') s++;
        while (e > s && kC(a)[e - 1] == ' ') e--;
        return ks(sn((const char *)kC(a) + s, (I)(e - s)));
    }
    if (t == KS && a->t == -KC) return ks(sn((const char *)&a->g, 1));
    if (a->t >= 0 || from == KS || t == KS || t == UU || from == UU) return krr("type");
    int fnum = prim_is_numeric(from) || from == KC, tnum = prim_is_numeric(t) || t == KC;
    int ftmp = prim_is_temporal(from), ttmp = prim_is_temporal(t);
    if (!(fnum || ftmp) || !(tnum || ttmp)) return krr("type");
    K v = ktn(from, 1);
    memcpy(kG(v), k_atom_bytes(a), (size_t)k_item_size(from));
    int is_null = prim_is_null_item(v, 0) && from != KC;
    K r;
    if (t == KF || t == KE) {
        F f = prim_get_f(v, 0);
        r = t == KF ? kf(f) : ke(f);
    } else if (t == KB) {
        r = kb(from == KF || from == KE ? prim_get_f(v, 0) != 0 : prim_get_j(v, 0) != 0);
    } else if (is_null) {
        r = prim_null_of(t);
    } else if (from == KZ && ttmp) {  /* datetime: float days; via its timestamp */
        F f = prim_get_f(v, 0);
        J ns = isinf(f) ? (f > 0 ? wj : -wj)
             : llround(f * (F)(K_NS_PER_DAY / CAST_NS_PER_MS)) * CAST_NS_PER_MS;  /* ms precision */
        r = isinf(f) ? prim_atom_j(t, ns) : prim_atom_j(t, cast_temporal(ns, KP, t));
    } else if (t == KZ && ftmp) {
        J ns = cast_temporal(prim_get_j(v, 0), from, KP);
        r = kz((F)ns / (F)K_NS_PER_DAY);
    } else {
        J j = prim_get_j(v, 0);
        if ((from == KF || from == KE) && isinf(prim_get_f(v, 0))) j = prim_get_f(v, 0) > 0 ? wj : -wj;
        if (ftmp && ttmp) j = cast_temporal(j, from, t);
        r = prim_atom_j(t, j);
    }
    r0(v);
    return r;
}

/* One temporal vector item to another type, as cast_temporal; NF/NT the nulls. */
#define CAST_TV_LOOP(TF, TT, NF, NT) do {                                             \
        const TF *src = (const TF *)kG(y);                                            \
        TT *dst = (TT *)kG(r);                                                        \
        for (J i = 0; i < n; i++) {                                                   \
            J v = src[i];                                                             \
            if (v == (NF)) { dst[i] = (NT); continue; }                               \
            J ns = v * uf;                                                            \
            if (point_from && t != KP && t != KD)                                     \
                ns -= cast_floor_div(ns, K_NS_PER_DAY) * K_NS_PER_DAY;                \
            dst[i] = (TT)(t == KP ? ns : cast_floor_div(ns, ut));                     \
        }                                                                             \
    } while (0)

/* Speed only: a vector of timestamps, timespans, dates, times, seconds or minutes cast
 * to another of those types in one loop, equal to cast_atom item by item (the general
 * path allocates an atom per item). NULL when not applicable. Ownership: returns new. */
static K cast_temporal_vector(int t, K y)
{
    int from = y->t;
    J uf = cast_unit_ns(from), ut = t == KD ? K_NS_PER_DAY : cast_unit_ns(t);
    if (!uf || !ut || (t == KD && from != KP)) return NULL;
    int point_from = from == KP || from == KD;
    J n = y->n;
    K r = ktn(t, n);
    if (!r) return NULL;
    int wide_from = k_item_size(from) == (int)sizeof(J), wide_to = k_item_size(t) == (int)sizeof(J);
    if (wide_from && wide_to) CAST_TV_LOOP(J, J, nj, nj);
    else if (wide_from) CAST_TV_LOOP(J, I, nj, ni);
    else if (wide_to) CAST_TV_LOOP(I, J, ni, nj);
    else CAST_TV_LOOP(I, I, ni, ni);
    return r;
}

#define CAST_TOK_MAX 64  /* longest text tok rewrites into a q literal */
#define CAST_HEX_BASE 16

static int cast_hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
         : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "X"$"42" → 0x42: one or two hex digits; anything else is 0x00. */
static K cast_tok_byte(const char *text, J n)
{
    if (n < 1 || n > 2) return kg(0);
    int v = 0;
    for (J i = 0; i < n; i++) {
        int d = cast_hex_digit(text[i]);
        if (d < 0) return kg(0);
        v = v * CAST_HEX_BASE + d;
    }
    return kg((G)v);
}

/* "G"$"8c680a01-5a49-5aab-5a65-d4bfddb6a661": 32 hex digits, dashes between groups
 * ignored; anything else is the null guid. */
static K cast_tok_guid(const char *text, J n)
{
    U u;
    memset(&u, 0, sizeof u);
    int got = 0;
    for (J i = 0; i < n; i++) {
        if (text[i] == '-') continue;
        int d = cast_hex_digit(text[i]);
        if (d < 0 || got == 2 * (int)sizeof u.g) { memset(&u, 0, sizeof u); return ku(u); }
        u.g[got / 2] = (G)(u.g[got / 2] << 4 | d);
        got++;
    }
    if (got != 2 * (int)sizeof u.g) memset(&u, 0, sizeof u);
    return ku(u);
}

static int cast_all_digits(const char *text, J n)
{
    for (J i = 0; i < n; i++) if (text[i] < '0' || text[i] > '9') return 0;
    return 1;
}

/* The forms tok accepts beyond q literals, rewritten into out as one: dates with dashes
 * (2000-12-12, also before a timestamp's D), dates as YYYYMMDD, times as digits
 * (HHMMSS[fff], HHMM for minutes) (q-subset.md §3.16). Returns the new length. */
static J cast_tok_text(int t, const char *text, J n, char *out)
{
    memcpy(out, text, (size_t)n);
    int dated = t == KD || t == KP || t == KZ || t == KM;
    if (dated && n >= 7 && out[4] == '-') {
        out[4] = '.';
        if (n >= 10 && out[7] == '-') out[7] = '.';
    }
    if (t == KD && n == 8 && cast_all_digits(text, n)) {
        J k = 0;
        for (J i = 0; i < n; i++) {
            if (i == 4 || i == 6) out[k++] = '.';
            out[k++] = text[i];
        }
        return k;
    }
    int timed = t == KT || t == KV || t == KU;
    if (timed && (n == 4 || n == 6 || n == 9) && cast_all_digits(text, n)) {
        J k = 0;
        for (J i = 0; i < n; i++) {
            if (i == 2 || i == 4) out[k++] = ':';
            if (i == 6) out[k++] = '.';
            out[k++] = text[i];
        }
        return k;
    }
    return n;
}

/* Tok: parse text as type t. */
static K cast_tok(int t, K s)
{
    if (s->t == 0) {
        K r = ktn(0, s->n);
        if (!r) return krr("wsfull");
        for (J i = 0; i < s->n; i++) kK(r)[i] = cast_tok(t, kK(s)[i]);
        return prim_squeeze(r);
    }
    if (s->t != KC && s->t != -KC) return krr("type");
    const char *text = s->t == KC ? (const char *)kC(s) : (const char *)&s->g;
    J n = s->t == KC ? s->n : 1;
    if (t == KS) return ks(sn(text, (I)n));
    if (t == KC) return r1(s);
    while (n && text[0] == ' ') { text++; n--; }
    while (n && text[n - 1] == ' ') n--;
    if (t == KB) return kb(n > 0 && strchr("1tTyY", text[0]) != NULL);
    if (t == KG) return cast_tok_byte(text, n);
    if (t == UU) return cast_tok_guid(text, n);
    char buf[CAST_TOK_MAX];
    if (n > 0 && n < CAST_TOK_MAX - 4) {
        n = cast_tok_text(t, text, n, buf);
        text = buf;
    }
    K v = n ? lex_number(text, n) : NULL;
    if (!v || v->t >= 0) { r0(v); return prim_null_of(t); }
    K r = cast_atom(t, v);
    r0(v);
    if (IS_ERR(r)) { r0(r); return prim_null_of(t); }
    return r;
}

/* `year$ `mm$ `dd$ `hh$ `uu$ `ss$ of temporal values: int fields (nulls stay null), or
 * NULL when name is no field. */
static K cast_field(const char *name, K y)
{
    static const char *const fields[] = { "year", "mm", "dd", "hh", "uu", "ss" };
    int f = -1;
    for (int i = 0; i < 6; i++) if (!strcmp(name, fields[i])) f = i;
    if (f < 0) return NULL;
    int ty = y->t < 0 ? -y->t : y->t;
    if (y->t == 0 || y->t >= XT || !(ty == KP || ty == KM || ty == KD || ty == KZ || ty == KN
                                    || ty == KU || ty == KV || ty == KT))
        return krr("type");
    if (f < 3 && (ty == KN || ty == KU || ty == KV || ty == KT)) return krr("type");
    if (f >= 3 && (ty == KM || ty == KD)) return krr("type");
    K to = ks(f < 3 ? "date" : "second");
    K v = prim_cast(to, y);  /* days since 2000.01.01, or seconds into the day */
    r0(to);
    if (IS_ERR(v)) return v;
    J n = v->t < 0 ? 1 : v->n;
    K r = v->t < 0 ? ka(-KI) : ktn(KI, n);
    if (!r) { r0(v); return krr("wsfull"); }
    I *out = v->t < 0 ? &r->i : kI(r);
    const I *in = v->t < 0 ? &v->i : kI(v);
    for (J i = 0; i < n; i++) {
        I d = in[i];
        if (d == ni) { out[i] = ni; continue; }
        J ymdv = f < 3 ? dj(d) : 0;
        switch (f) {
        case 0: out[i] = (I)(ymdv / CAST_YMD_YEAR); break;
        case 1: out[i] = (I)(ymdv / CAST_YMD_MONTH % CAST_YMD_MONTH); break;
        case 2: out[i] = (I)(ymdv % CAST_YMD_MONTH); break;
        case 3: out[i] = d / 3600; break;
        case 4: out[i] = d / 60 % 60; break;
        default: out[i] = d % 60; break;
        }
    }
    r0(v);
    return r;
}

K prim_cast(K x, K y)
{
    if (x->t == -KS) {
        K field = cast_field(x->s, y);
        if (field) return field;
    }
    int tok;
    int t = cast_target(x, &tok);
    if (t < 0 && x->t == -KS && !x->u && (y->t == KS || y->t == -KS || y->t == 0))
        return prim_enum_cast(x->s, y);  /* `sym$y */
    if ((x->t == 0 || (x->t > 0 && x->t != KC)) && x->t < XT && y->t < 0) {
        K r = ktn(0, prim_list_count(x));
        for (J i = 0; i < r->n; i++) {
            K a = prim_item(x, i);
            kK(r)[i] = prim_cast(a, y);
            r0(a);
            if (IS_ERR(kK(r)[i])) { K e = kK(r)[i]; kK(r)[i] = NULL; r0(r); return e; }
        }
        return prim_squeeze(r);
    }
    if (x->t > 0 && x->t < XT && y->t >= 0) {
        if (prim_list_count(x) != prim_list_count(y)) return krr("length");
        K r = ktn(0, y->n);
        for (J i = 0; i < y->n; i++) {
            K a = prim_item(x, i), b = prim_item(y, i);
            kK(r)[i] = prim_cast(a, b);
            r0(a); r0(b);
        }
        return prim_squeeze(r);
    }
    if (t < 0) return krr("type");
    if (t == 0) return r1(y);
    if (tok) return cast_tok(t, y);
    if (t == KS && (y->t == KC || y->t == -KC)) return cast_atom(KS, y);
    if (y->t == XD) {
        K v = prim_cast(x, kK(y)[1]);
        return IS_ERR(v) ? v : xD(r1(kK(y)[0]), v);
    }
    if (t == KS && (y->t == KS || y->t == -KS) && y->u) return prim_enum_value(y);  /* plain */
    if (y->t < 0) return cast_atom(t, y);
    if (y->t == t) return r1(y);
    if (y->t == 0 && y->n == 0) return ktn(t, 0);
    if (y->t >= XT) return krr("type");
    K fast = cast_temporal_vector(t, y);
    if (fast) return fast;
    K r = ktn(0, y->n);
    for (J i = 0; i < y->n; i++) {
        K a = prim_item(y, i);
        K c = y->t == 0 ? prim_cast(x, a) : cast_atom(t, a);
        r0(a);
        if (IS_ERR(c)) { r->n = i; r0(r); return c; }
        kK(r)[i] = c;
    }
    if (r->n == 0) { r0(r); return ktn(t, 0); }
    return prim_squeeze(r);
}

/* The bare text of an atom (no type suffix) into buf. */
static int cast_text(K a, char *buf, size_t cap)
{
    int t = -a->t;
    if (t == UU) {  /* 8-4-4-4-12 hex digits; the null guid too */
        const G *g = kG(a);
        int n = 0;
        for (int i = 0; i < 16; i++)
            n += snprintf(buf + n, cap - (size_t)n, "%s%02x", i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", g[i]);
        return n;
    }
    K v = ktn(t, 1);
    memcpy(kG(v), k_atom_bytes(a), (size_t)k_item_size(t));
    int null = prim_is_null_item(v, 0) && t != KC;
    J j = prim_get_j(v, 0);
    r0(v);
    if (null) return snprintf(buf, cap, "%s", "");
    J ns, days, ymdv;
    switch (t) {
    case KB: return snprintf(buf, cap, "%d", a->g != 0);
    case KG: return snprintf(buf, cap, "%02x", a->g);
    case KC: return snprintf(buf, cap, "%c", (char)a->g);
    case KE: case KF: {
        F f = t == KE ? a->e : a->f;
        if (isinf(f)) return snprintf(buf, cap, "%s", f > 0 ? "0w" : "-0w");
        int n = snprintf(buf, cap, "%.*g", CAST_FLOAT_DIGITS, f);
        return n;
    }
    case KD:
        ymdv = dj((I)j);
        return snprintf(buf, cap, "%04lld.%02lld.%02lld", (long long)(ymdv / CAST_YMD_YEAR),
                        (long long)(ymdv / CAST_YMD_MONTH % CAST_YMD_MONTH), (long long)(ymdv % CAST_YMD_MONTH));
    case KM:
        return snprintf(buf, cap, "%04lld.%02lld", (long long)(CAST_EPOCH_YEAR + cast_floor_div(j, CAST_MONTHS)),
                        (long long)(j - cast_floor_div(j, CAST_MONTHS) * CAST_MONTHS + 1));
    case KU: return snprintf(buf, cap, "%02lld:%02lld", (long long)(j / 60), (long long)(j % 60));
    case KV: return snprintf(buf, cap, "%02lld:%02lld:%02lld", (long long)(j / 3600), (long long)(j / 60 % 60), (long long)(j % 60));
    case KT: return snprintf(buf, cap, "%02lld:%02lld:%02lld.%03lld", (long long)(j / 3600000),
                             (long long)(j / 60000 % 60), (long long)(j / 1000 % 60), (long long)(j % 1000));
    case KN: case KP: {
        days = cast_floor_div(j, K_NS_PER_DAY);
        ns = j - days * K_NS_PER_DAY;
        int n = 0;
        if (t == KP) {
            ymdv = dj((I)days);
            n = snprintf(buf, cap, "%04lld.%02lld.%02lldD", (long long)(ymdv / CAST_YMD_YEAR),
                         (long long)(ymdv / CAST_YMD_MONTH % CAST_YMD_MONTH), (long long)(ymdv % CAST_YMD_MONTH));
        } else {
            n = snprintf(buf, cap, "%lldD", (long long)days);
        }
        J sec = ns / CAST_NS_PER_SEC;
        return n + snprintf(buf + n, cap - (size_t)n, "%02lld:%02lld:%02lld.%09lld", (long long)(sec / 3600),
                            (long long)(sec / 60 % 60), (long long)(sec % 60), (long long)(ns % CAST_NS_PER_SEC));
    }
    default: return snprintf(buf, cap, "%lld", (long long)j);
    }
}

K prim_string(K x)
{
    if (x->t == -KS) return kp(x->s);
    if (x->t == K_LAMBDA) return r1(kK(x)[0]);
    if (x->t == XD) {
        K v = prim_string(kK(x)[1]);
        return IS_ERR(v) ? v : xD(r1(kK(x)[0]), v);
    }
    if (x->t < 0 && x->t != KERR) {
        char buf[CAST_TEXT_BYTES];
        int n = cast_text(x, buf, sizeof buf);
        return kpn(buf, n);
    }
    if (x->t >= 0 && x->t < XT) {
        K r = ktn(0, prim_list_count(x));
        for (J i = 0; i < r->n; i++) {
            K a = prim_item(x, i);
            kK(r)[i] = prim_string(a);
            r0(a);
        }
        return r;
    }
    if (x->t >= K_UNARY && x->t <= K_BINARY) {
        const char *name = prim_name(x);
        return kp((S)(name ? name : ""));
    }
    return krr("type");
}

K prim_type(K x) { return kh(prim_enum_type(x)); }

K prim_attr(K x)
{
    static const char *const names[] = { "", "s", "u", "p", "g" };
    int a = x->t >= 0 && x->t <= XT ? x->a : 0;
    return ks((S)names[a >= 0 && a <= K_ATTR_GROUPED ? a : 0]);
}

static K cast_case(K x, int up)
{
    if (x->t == -KC) return kc(up ? toupper(x->g) : tolower(x->g));
    if (x->t == KC) {
        K r = k_copy(x);
        for (J i = 0; i < r->n; i++) kC(r)[i] = (G)(up ? toupper(kC(r)[i]) : tolower(kC(r)[i]));
        return r;
    }
    if (x->t == -KS) {
        K s = kp(x->s);
        K u = cast_case(s, up);
        K r = ks(sn((const char *)kC(u), (I)u->n));
        r0(s); r0(u);
        return r;
    }
    if (x->t == KS || x->t == 0) {
        K r = ktn(0, x->n);
        for (J i = 0; i < x->n; i++) { K a = prim_item(x, i); kK(r)[i] = cast_case(a, up); r0(a); }
        return prim_squeeze(r);
    }
    return krr("type");
}

/* trim ltrim rtrim: drop leading and/or trailing blanks of a string; a symbol or a list
 * of strings item-wise (q-subset.md §3.15, Tier 2). */
static K cast_trim(K x, int left, int right)
{
    if (x->t == 0) {
        K r = ktn(0, x->n);
        for (J i = 0; i < x->n; i++) {
            K v = cast_trim(kK(x)[i], left, right);
            if (IS_ERR(v)) { r->n = i; r0(r); return v; }
            kK(r)[i] = v;
        }
        return r;
    }
    if (x->t == -KC) return r1(x);
    if (x->t == -KS) {
        const char *s = x->s;
        J b = 0, e = (J)strlen(s);
        while (left && b < e && s[b] == ' ') b++;
        while (right && e > b && s[e - 1] == ' ') e--;
        return ks(sn(s + b, (I)(e - b)));
    }
    if (x->t != KC) return krr("type");
    J b = 0, e = x->n;
    while (left && b < e && kC(x)[b] == ' ') b++;
    while (right && e > b && kC(x)[e - 1] == ' ') e--;
    return kpn((S)kC(x) + b, e - b);
}

K prim_trim(K x) { return cast_trim(x, 1, 1); }
K prim_ltrim(K x) { return cast_trim(x, 1, 0); }
K prim_rtrim(K x) { return cast_trim(x, 0, 1); }

K prim_lower(K x) { return cast_case(x, 0); }
K prim_upper(K x) { return cast_case(x, 1); }

/* Glob match of text[0..n) against pattern p[0..m). */
static int cast_like(const char *s, J n, const char *p, J m)
{
    if (m == 0) return n == 0;
    if (p[0] == '*') {
        for (J k = 0; k <= n; k++) if (cast_like(s + k, n - k, p + 1, m - 1)) return 1;
        return 0;
    }
    if (n == 0) return 0;
    if (p[0] == '?') return cast_like(s + 1, n - 1, p + 1, m - 1);
    if (p[0] == '[') {
        J e = 1;
        int neg = e < m && p[e] == '^';
        if (neg) e++;
        int hit = 0;
        J start = e;
        for (; e < m && (p[e] != ']' || e == start); e++) {
            if (e + 2 < m && p[e + 1] == '-' && p[e + 2] != ']') {
                if (s[0] >= p[e] && s[0] <= p[e + 2]) hit = 1;
                e += 2;
            } else if (p[e] == s[0]) hit = 1;
        }
        if (e >= m) return 0;
        return hit != neg && cast_like(s + 1, n - 1, p + e + 1, m - e - 1);
    }
    return p[0] == s[0] && cast_like(s + 1, n - 1, p + 1, m - 1);
}

K prim_like(K x, K y)
{
    if (y->t != KC && y->t != -KC) return krr("type");
    const char *p = y->t == KC ? (const char *)kC(y) : (const char *)&y->g;
    J m = y->t == KC ? y->n : 1;
    if (x->t == -KS) return kb(cast_like(x->s, (J)strlen(x->s), p, m));
    if (x->t == KC) return kb(cast_like((const char *)kC(x), x->n, p, m));
    if (x->t == XD) {
        K v = prim_like(kK(x)[1], y);
        return IS_ERR(v) ? v : xD(r1(kK(x)[0]), v);
    }
    if (x->t == KS || x->t == 0) {
        K r = ktn(KB, x->n);
        for (J i = 0; i < x->n; i++) {
            K a = prim_item(x, i);
            K b = prim_like(a, y);
            r0(a);
            if (IS_ERR(b)) { r0(r); return b; }
            kG(r)[i] = b->g;
            r0(b);
        }
        return r;
    }
    return krr("type");
}

K prim_hsym(K x)
{
    if (x->t == -KS) {
        if (x->s[0] == ':') return r1(x);
        char buf[CAST_TEXT_BYTES * 4];
        snprintf(buf, sizeof buf, ":%s", x->s);
        return ks(buf);
    }
    if (x->t == KS) {
        K r = ktn(0, x->n);
        for (J i = 0; i < x->n; i++) { K a = ks(kS(x)[i]); kK(r)[i] = prim_hsym(a); r0(a); }
        return prim_squeeze(r);
    }
    return krr("type");
}

K prim_sv(K x, K y)
{
    if (x->t == KC || x->t == -KC) {
        if (y->t != 0 && y->t != KC) return krr("type");
        K r = ktn(KC, 0);
        for (J i = 0; i < y->n; i++) {
            if (i) { if (x->t == KC) jv(&r, x); else ja(&r, &x->g); }
            K item = prim_item(y, i);
            if (item->t == KC) jv(&r, item);
            else if (item->t == -KC) ja(&r, &item->g);
            r0(item);
        }
        return r;
    }
    if (x->t == -KS && y->t == KS) {
        K r = ktn(KC, 0);
        for (J i = 0; i < y->n; i++) {
            if (i) { G dot = '.'; ja(&r, &dot); }
            K s = kp(kS(y)[i]);
            jv(&r, s);
            r0(s);
        }
        K sym = ks(sn((const char *)kC(r), (I)r->n));
        r0(r);
        return sym;
    }
    if ((x->t == -KJ || x->t == -KI) && y->t > 0 && prim_is_integral(y->t)) {
        J base = x->t == -KJ ? x->j : x->i, acc = 0;
        for (J i = 0; i < y->n; i++) acc = acc * base + prim_get_j(y, i);
        return kj(acc);
    }
    return krr("type");
}

K prim_vs(K x, K y)
{
    if ((x->t == KC || x->t == -KC) && y->t == KC) {
        const char *sep = x->t == KC ? (const char *)kC(x) : (const char *)&x->g;
        J m = x->t == KC ? x->n : 1;
        K r = ktn(0, 0);
        J start = 0;
        for (J i = 0; m && i + m <= y->n; ) {
            if (!memcmp(kC(y) + i, sep, (size_t)m)) { jk(&r, kpn((S)kC(y) + start, i - start)); i += m; start = i; }
            else i++;
        }
        jk(&r, kpn((S)kC(y) + start, y->n - start));
        return r;
    }
    if (x->t == -KS && y->t == -KS) {
        K r = ktn(KS, 0);
        const char *s = y->s, *dot;
        while ((dot = strchr(s, '.'))) { js(&r, sn(s, (I)(dot - s))); s = dot + 1; }
        js(&r, ss(s));
        return r;
    }
    if ((x->t == -KJ || x->t == -KI) && (y->t == -KJ || y->t == -KI)) {
        J base = x->t == -KJ ? x->j : x->i, v = y->t == -KJ ? y->j : y->i;
        if (base < 2) return krr("domain");
        K r = ktn(KJ, 0);
        do { J d = v % base; ja(&r, &d); v /= base; } while (v > 0);
        K rev = prim_reverse(r);
        r0(r);
        return rev;
    }
    if ((x->t == KJ || x->t == KI) && (y->t == -KJ || y->t == -KI)) {
        /* mixed radix: 24 60 60 vs 3805 → 1 3 25 (T2) */
        J v = y->t == -KJ ? y->j : y->i;
        K r = ktn(KJ, x->n);
        for (J i = x->n - 1; i >= 0; i--) {
            J base = x->t == KJ ? kJ(x)[i] : kI(x)[i];
            if (base <= 0) { r0(r); return krr("domain"); }
            kJ(r)[i] = v % base;
            v /= base;
        }
        return r;
    }
    if (x->t == -KB && (y->t == -KH || y->t == -KI || y->t == -KJ)) {
        /* 0b vs n: the bits of n's two's complement, most significant first (T2) */
        int bits = CHAR_BIT * (y->t == -KH ? (int)sizeof(H) : y->t == -KI ? (int)sizeof(I) : (int)sizeof(J));
        uint64_t v = y->t == -KH ? (uint16_t)y->h : y->t == -KI ? (uint32_t)y->i : (uint64_t)y->j;
        K r = ktn(KB, bits);
        for (int i = 0; i < bits; i++) kG(r)[i] = (G)((v >> (bits - 1 - i)) & 1);
        return r;
    }
    return krr("type");
}

K prim_ss(K x, K y)
{
    if (x->t != KC || (y->t != KC && y->t != -KC)) return krr("type");
    const char *p = y->t == KC ? (const char *)kC(y) : (const char *)&y->g;
    J m = y->t == KC ? y->n : 1;
    K r = ktn(KJ, 0);
    for (J i = 0; m && i + m <= x->n; i++) if (!memcmp(kC(x) + i, p, (size_t)m)) ja(&r, &i);
    return r;
}
