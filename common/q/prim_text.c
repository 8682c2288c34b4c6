/* prim_text.c: `0:` on text to values (q-subset.md §5.6): delimited records with
 * `(types;delimiter) 0: lines` — a one-item list delimiter means a header line naming
 * the columns (the result is a table), an atom means none (a list of columns) — and
 * key-value pairs with `"S=;" 0: text`. Lines come as strings, one string holding
 * newlines, or a file symbol (read as read0 does). Fields are cast as `"J"$` casts
 * strings; a type of '*' keeps the strings, ' ' skips the column. Writing `0:` to a
 * file is prim_file.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"

#include <string.h>

/* The lines of y: a list of strings, a string split at newlines, or a file's lines.
 * A trailing "\r" is dropped (CRLF files). Ownership: y borrowed; returns new. */
static K text_lines(K y)
{
    K src;
    if (y->t == -KS) src = prim_read0(y);
    else if (y->t == KC) {
        src = ktn(0, 0);
        J start = 0;
        for (J i = 0; src && i <= y->n; i++) {
            if (i < y->n && kC(y)[i] != '\n') continue;
            if (i == y->n && start == y->n && i) break;
            jk(&src, kpn((S)kC(y) + start, i - start));
            start = i + 1;
        }
        if (!src) return krr("wsfull");
    } else if (y->t == 0) {
        for (J i = 0; i < y->n; i++)
            if (kK(y)[i]->t != KC && kK(y)[i]->t != -KC) return krr("type");
        src = r1(y);
    } else return krr("type");
    if (IS_ERR(src)) return src;
    K lines = ktn(0, src->n);
    if (!lines) { r0(src); return krr("wsfull"); }
    for (J i = 0; i < src->n; i++) {
        K s = kK(src)[i];
        if (s->t == -KC) { kK(lines)[i] = kpn((S)&s->g, 1); continue; }
        J n = s->n;
        if (n && kC(s)[n - 1] == '\r') n--;
        kK(lines)[i] = kpn((S)kC(s), n);
    }
    r0(src);
    return lines;
}

/* Split line at delim into fields (strings); a field that starts with a double quote
 * runs to its closing quote, with "" standing for one quote. Ownership: returns new. */
static K text_fields(K line, char delim)
{
    const char *s = (const char *)kC(line);
    J n = line->n, i = 0;
    K out = ktn(0, 0);
    for (;;) {
        K f = ktn(KC, 0);
        if (i < n && s[i] == '"') {
            for (i++; i < n; i++) {
                if (s[i] == '"' && !(i + 1 < n && s[i + 1] == '"')) { i++; break; }
                if (s[i] == '"') i++;
                ja(&f, (void *)&s[i]);
            }
            while (i < n && s[i] != delim) i++;  /* text after the closing quote */
        } else {
            J start = i;
            while (i < n && s[i] != delim) i++;
            r0(f);
            f = kpn((S)s + start, i - start);
        }
        jk(&out, f);
        if (i >= n) break;
        i++;  /* past the delimiter: a field follows, even an empty last one */
    }
    return out;
}

/* Strings strs as type letter ty: themselves for '*', else their cast ("J"$ …); no
 * strings give the empty vector of the type. Ownership: consumes strs; returns new. */
static K text_cast(K strs, char ty)
{
    if (ty == '*') return strs;
    if (ty == 'C') {  /* one char a field: its first, a blank when empty */
        K c = ktn(KC, strs->n);
        for (J i = 0; c && i < strs->n; i++) {
            K f = kK(strs)[i];
            kC(c)[i] = f->t == -KC ? f->g : f->n ? kC(f)[0] : ' ';
        }
        r0(strs);
        return c ? c : krr("wsfull");
    }
    K letter = kc(ty);
    K v = prim_cast(letter, strs);
    r0(letter);
    if (!IS_ERR(v) && v->t == 0 && v->n == 0) {
        K none = ktn(KC, 0), one = knk(1, none), e = kc(ty);
        K a = prim_cast(e, one);
        r0(e); r0(one);
        if (!IS_ERR(a)) { r0(v); v = ktn(a->t > 0 ? a->t : 0, 0); }
        r0(a);
    }
    r0(strs);
    return v;
}

/* Field c of every record (empty when a record is short), as type letter ty.
 * Ownership: records borrowed; returns new. */
static K text_column(K records, J c, char ty)
{
    K strs = ktn(0, records->n);
    if (!strs) return krr("wsfull");
    for (J r = 0; r < records->n; r++) {
        K f = kK(records)[r];
        kK(strs)[r] = c < f->n ? r1(kK(f)[c]) : ktn(KC, 0);
    }
    return text_cast(strs, ty);
}

static int text_type_ok(char c)
{
    return c == ' ' || c == '*' || (c && strchr("BGXHIJEFCSPMDZNUVT", c) != NULL);
}

/* (types;delim) 0: lines. */
static K text_delimited(K types, K delim, K y)
{
    int header = delim->t == KC;
    if (!(delim->t == -KC || (header && delim->n == 1))) return krr("type");
    char d = header ? (char)kC(delim)[0] : (char)delim->g;
    J nt = types->t == KC ? types->n : 1;
    const char *ty = types->t == KC ? (const char *)kC(types) : (const char *)&types->g;
    for (J c = 0; c < nt; c++) if (!text_type_ok(ty[c])) return krr("type");
    K lines = text_lines(y);
    if (IS_ERR(lines)) return lines;
    K names = NULL;
    J first = 0;
    if (header) {
        if (lines->n == 0) { r0(lines); return krr("length"); }
        names = text_fields(kK(lines)[0], d);
        first = 1;
    }
    K records = ktn(0, 0);
    for (J r = first; r < lines->n; r++) {
        if (kK(lines)[r]->n == 0 && r == lines->n - 1) break;  /* a final empty line */
        jk(&records, text_fields(kK(lines)[r], d));
    }
    r0(lines);
    K cols = ktn(0, 0), keep = ktn(KS, 0);
    K err = NULL;
    for (J c = 0; c < nt && !err; c++) {
        if (ty[c] == ' ') continue;
        K v = text_column(records, c, ty[c]);
        if (IS_ERR(v)) { err = v; break; }
        jk(&cols, v);
        if (names) {
            K nm = c < names->n ? kK(names)[c] : NULL;
            S s = nm && nm->n ? sn((S)kC(nm), (I)nm->n) : ss("x");
            js(&keep, s);
        }
    }
    r0(records);
    r0(names);
    if (err) { r0(cols); r0(keep); return err; }
    if (!header) { r0(keep); return cols; }
    K t = xT(xD(keep, cols));
    return t ? t : krr("length");
}

/* "S=;" 0: text: keys (cast as the first letter) and their values as strings. */
static K text_pairs(K spec, K y)
{
    char ty = (char)kC(spec)[0], kv = (char)kC(spec)[1], pair = (char)kC(spec)[2];
    if (!text_type_ok(ty) || ty == ' ') return krr("type");
    K text = y;
    if (y->t == 0) {  /* several strings: joined by the pair separator */
        text = ktn(KC, 0);
        for (J i = 0; i < y->n; i++) {
            K s = kK(y)[i];
            if (s->t != KC) { r0(text); return krr("type"); }
            if (i) ja(&text, &pair);
            jv(&text, s);
        }
    } else if (y->t != KC) return krr("type");
    else r1(y);
    K items = text_fields(text, pair);
    r0(text);
    K keys = ktn(0, 0), vals = ktn(0, 0);
    for (J i = 0; i < items->n; i++) {
        K it = kK(items)[i];
        if (it->n == 0) continue;
        const char *s = (const char *)kC(it);
        const char *eq = memchr(s, kv, (size_t)it->n);
        J kn = eq ? (J)(eq - s) : it->n;
        jk(&keys, kpn((S)s, kn));
        jk(&vals, eq ? kpn((S)eq + 1, it->n - kn - 1) : ktn(KC, 0));
    }
    r0(items);
    K k = text_cast(keys, ty);
    if (IS_ERR(k)) { r0(vals); return k; }
    return knk(2, k, vals);
}

K prim_text_parse(K x, K y)
{
    if (x->t == KC && x->n == 3) return text_pairs(x, y);
    if (x->t != 0 || x->n != 2) return krr("type");
    K types = kK(x)[0], delim = kK(x)[1];
    if (types->t != KC && types->t != -KC) return krr("type");
    return text_delimited(types, delim, y);
}

/* Does pattern p (m bytes; '?' matches any one char) match s at its start? */
static int text_match_at(const char *s, const char *p, J m)
{
    for (J k = 0; k < m; k++) if (p[k] != '?' && p[k] != s[k]) return 0;
    return 1;
}

/* ssr[x;y;z]: x with each match of y replaced by z, a string, or by z applied to the
 * matched text; matches are found left to right and do not overlap. */
K prim_ssr(K x, K y, K z)
{
    if (x->t != KC && x->t != -KC) return krr("type");
    if (y->t != KC && y->t != -KC) return krr("type");
    int call = z->t >= K_LAMBDA;  /* any function: lambda, primitive, projection … */
    if (!call && z->t != KC && z->t != -KC) return krr("type");
    const char *s = x->t == KC ? (const char *)kC(x) : (const char *)&x->g;
    const char *p = y->t == KC ? (const char *)kC(y) : (const char *)&y->g;
    J n = x->t == KC ? x->n : 1, m = y->t == KC ? y->n : 1;
    K out = ktn(KC, 0);
    for (J i = 0; out && i < n;) {
        if (!m || i + m > n || !text_match_at(s + i, p, m)) { ja(&out, (void *)&s[i]); i++; continue; }
        K rep;
        if (call) {
            K hit = kpn((S)s + i, m);
            rep = eval_apply(z, &hit, 1);
            r0(hit);
            if (IS_ERR(rep)) { r0(out); return rep; }
            if (rep->t != KC && rep->t != -KC) { r0(rep); r0(out); return krr("type"); }
        } else rep = r1(z);
        if (rep->t == -KC) ja(&out, &rep->g);
        else if (!jv(&out, rep)) { r0(rep); r0(out); return krr("wsfull"); }
        r0(rep);
        i += m;
    }
    return out ? out : krr("wsfull");
}
