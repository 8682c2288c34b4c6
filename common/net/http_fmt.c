/* http_fmt.c: the built-in renderers for HTTP answers (ipc-protocol.md §6.3): a plain
 * console-like text form (for html <pre> and .txt; replaceable by the interpreter's
 * display through net_text_fn_set), CSV, JSON (jansson) and HTML escaping.
 * Request parsing and routing are http.c. SPDX-License-Identifier: MIT */
#include "net_int.h"

#include <event2/buffer.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define FMT_ITEM_BYTES 64          /* room for any one formatted atom */
#define FMT_NS_PER_S 1000000000LL
#define FMT_S_PER_DAY 86400LL
#define FMT_MS_PER_S 1000
#define FMT_S_PER_MIN 60
#define FMT_MIN_PER_H 60
#define FMT_S_PER_H 3600
#define FMT_H_PER_DAY 24
#define FMT_YMD_YEAR 10000     /* dj() gives yyyymmdd */
#define FMT_YMD_MONTH 100
#define FMT_MONTHS 12
#define FMT_BASE_YEAR 2000
#define FMT_GUID_BYTES 16

enum fmt_style { FMT_TEXT, FMT_CSV };

/* Pointer to item i of vector x, or to the value of atom x. */
static const G *fmt_at(K x, J i)
{
    return x->t < 0 ? (const G *)&x->g : kG(x) + i * k_item_size(x->t);
}

static void fmt_date(char *out, size_t n, I days)
{
    I ymd_v = dj(days);
    snprintf(out, n, "%04d.%02d.%02d", ymd_v / FMT_YMD_YEAR, ymd_v / FMT_YMD_MONTH % FMT_YMD_MONTH,
             ymd_v % FMT_YMD_MONTH);
}

static void fmt_span(char *out, size_t n, J ns)
{
    const char *sign = ns < 0 ? "-" : "";
    J a = ns < 0 ? -ns : ns, s = a / FMT_NS_PER_S;
    snprintf(out, n, "%s%lldD%02lld:%02lld:%02lld.%09lld", sign, (long long)(s / FMT_S_PER_DAY),
             (long long)(s / FMT_S_PER_H % FMT_H_PER_DAY), (long long)(s / FMT_S_PER_MIN % FMT_MIN_PER_H),
             (long long)(s % FMT_S_PER_MIN),
             (long long)(a % FMT_NS_PER_S));
}

/* Format one item of type t (the absolute type code) at p into out. */
static void fmt_item(char *out, size_t n, int t, const G *p)
{
    J j; I i; H h; F f; E e; S s;
    switch (t) {
    case KB: snprintf(out, n, "%d", *p); break;
    case UU:
        for (int b = 0, at = 0; b < FMT_GUID_BYTES; b++)
            at += snprintf(out + at, n - (size_t)at, (b == 4 || b == 6 || b == 8 || b == 10) ? "-%02x" : "%02x", p[b]);
        break;
    case KG: snprintf(out, n, "0x%02x", *p); break;
    case KH: memcpy(&h, p, sizeof h); if (h == nh) snprintf(out, n, "0N"); else snprintf(out, n, "%d", h); break;
    case KI: case KM: case KD: case KU: case KV: case KT:
        memcpy(&i, p, sizeof i);
        if (i == ni) { snprintf(out, n, "0N"); break; }
        if (t == KD) fmt_date(out, n, i);
        else if (t == KM) snprintf(out, n, "%04d.%02d", FMT_BASE_YEAR + i / FMT_MONTHS - (i % FMT_MONTHS < 0), (i % FMT_MONTHS + FMT_MONTHS) % FMT_MONTHS + 1);
        else if (t == KU) snprintf(out, n, "%02d:%02d", i / FMT_MIN_PER_H, i % FMT_MIN_PER_H);
        else if (t == KV) snprintf(out, n, "%02d:%02d:%02d", i / FMT_S_PER_H,
                                   i / FMT_S_PER_MIN % FMT_MIN_PER_H, i % FMT_S_PER_MIN);
        else if (t == KT) {
            I secs = i / FMT_MS_PER_S;
            snprintf(out, n, "%02d:%02d:%02d.%03d", secs / FMT_S_PER_H, secs / FMT_S_PER_MIN % FMT_MIN_PER_H,
                     secs % FMT_S_PER_MIN, i % FMT_MS_PER_S);
        }
        else snprintf(out, n, "%d", i);
        break;
    case KJ: case KP: case KN:
        memcpy(&j, p, sizeof j);
        if (j == nj) { snprintf(out, n, "0N"); break; }
        if (t == KN) fmt_span(out, n, j);
        else if (t == KP) {
            J d = j / (FMT_NS_PER_S * FMT_S_PER_DAY) - (j % (FMT_NS_PER_S * FMT_S_PER_DAY) < 0);
            char day[FMT_ITEM_BYTES], span[FMT_ITEM_BYTES];
            fmt_date(day, sizeof day, (I)d);
            fmt_span(span, sizeof span, j - d * FMT_NS_PER_S * FMT_S_PER_DAY);
            snprintf(out, n, "%s%s", day, strchr(span, 'D'));
        } else snprintf(out, n, "%lld", (long long)j);
        break;
    case KE: memcpy(&e, p, sizeof e); f = e; goto flt;
    case KF: case KZ: memcpy(&f, p, sizeof f);
    flt:
        if (isnan(f)) snprintf(out, n, "0n");
        else if (isinf(f)) snprintf(out, n, f > 0 ? "0w" : "-0w");
        else snprintf(out, n, "%.7g", f);
        break;
    case KC: snprintf(out, n, "%c", *p); break;
    case KS: memcpy(&s, p, sizeof s); snprintf(out, n, "%s", s ? s : ""); break;
    default: snprintf(out, n, "?"); break;
    }
}

static void fmt_value(struct evbuffer *b, K x, enum fmt_style style);

/* One cell of a table or list: atoms and strings inline, others recursively. */
static void fmt_cell(struct evbuffer *b, K col, J row, enum fmt_style style)
{
    char item[FMT_ITEM_BYTES];
    if (col->t > 0 && col->t <= KT) {
        fmt_item(item, sizeof item, col->t, fmt_at(col, row));
        evbuffer_add_printf(b, "%s", item);
        return;
    }
    if (col->t != 0) { evbuffer_add_printf(b, "?"); return; }
    K x = kK(col)[row];
    if (style == FMT_CSV && x->t == KC) {
        evbuffer_add(b, "\"", 1);
        for (J i = 0; i < x->n; i++) evbuffer_add(b, kC(x)[i] == '"' ? "\"\"" : (char *)&kC(x)[i], kC(x)[i] == '"' ? 2 : 1);
        evbuffer_add(b, "\"", 1);
    } else {
        fmt_value(b, x, style);
    }
}

static void fmt_table(struct evbuffer *b, K t, enum fmt_style style)
{
    K names = kK(t->k)[0], cols = kK(t->k)[1];
    const char *sep = style == FMT_CSV ? "," : " ";
    for (J c = 0; c < names->n; c++) evbuffer_add_printf(b, "%s%s", c ? sep : "", kS(names)[c]);
    evbuffer_add(b, "\n", 1);
    if (style == FMT_TEXT) evbuffer_add_printf(b, "%s\n", "----------------");
    J rows = names->n ? k_count(kK(cols)[0]) : 0;
    for (J r = 0; r < rows; r++) {
        for (J c = 0; c < names->n; c++) {
            if (c) evbuffer_add_printf(b, "%s", sep);
            fmt_cell(b, kK(cols)[c], r, style);
        }
        evbuffer_add(b, "\n", 1);
    }
}

static void fmt_value(struct evbuffer *b, K x, enum fmt_style style)
{
    char item[FMT_ITEM_BYTES];
    if (x->t == KERR) { evbuffer_add_printf(b, "'%s", x->s); return; }
    if (x->t == XT) { fmt_table(b, x, style); return; }
    if (x->t == XD || x->t == XSD) {
        K keys = kK(x)[0], vals = kK(x)[1];
        if (keys->t == XT || vals->t == XT) { fmt_value(b, keys, style); fmt_value(b, vals, style); return; }
        for (J i = 0; i < k_count(keys); i++) {
            fmt_cell(b, keys, i, style);
            evbuffer_add_printf(b, "%s", style == FMT_CSV ? "," : "| ");
            fmt_cell(b, vals, i, style);
            evbuffer_add(b, "\n", 1);
        }
        return;
    }
    if (x->t < 0 && -x->t <= KT) {
        fmt_item(item, sizeof item, -x->t, fmt_at(x, 0));
        evbuffer_add_printf(b, "%s%s", x->t == -KS && style == FMT_TEXT ? "`" : "", item);
        return;
    }
    if (x->t == KC) { evbuffer_add(b, kC(x), (size_t)x->n); return; }
    if (x->t > 0 && x->t <= KT) {
        const char *sep = style == FMT_CSV ? "\n" : x->t == KS ? "`" : " ";
        if (style == FMT_TEXT && x->t == KS) evbuffer_add(b, "`", 1);
        for (J i = 0; i < x->n; i++) {
            fmt_item(item, sizeof item, x->t, fmt_at(x, i));
            evbuffer_add_printf(b, "%s%s", i ? sep : "", item);
        }
        return;
    }
    if (x->t == 0) {
        for (J i = 0; i < x->n; i++) { fmt_cell(b, x, i, style); evbuffer_add(b, "\n", 1); }
        return;
    }
    if (x == k_identity()) return;   /* the generic null :: prints nothing */
    evbuffer_add_printf(b, "<function of type %d>", x->t);
}

static K fmt_take(struct evbuffer *b)
{
    size_t n = evbuffer_get_length(b);
    K out = ktn(KC, (J)n);
    if (out) evbuffer_remove(b, kC(out), n);
    evbuffer_free(b);
    return out;
}

static K fmt_run(K x, enum fmt_style style)
{
    struct evbuffer *b = evbuffer_new();
    if (!b) return NULL;
    fmt_value(b, x, style);
    return fmt_take(b);
}

K http_fmt_text(K x) { return fmt_run(x, FMT_TEXT); }
K http_fmt_csv(K x) { return fmt_run(x, FMT_CSV); }

K http_fmt_html_escape(const char *text, J n)
{
    struct evbuffer *b = evbuffer_new();
    if (!b) return NULL;
    for (J i = 0; i < n; i++) {
        switch (text[i]) {
        case '<': evbuffer_add(b, "&lt;", 4); break;
        case '>': evbuffer_add(b, "&gt;", 4); break;
        case '&': evbuffer_add(b, "&amp;", 5); break;
        case '"': evbuffer_add(b, "&quot;", 6); break;
        default: evbuffer_add(b, text + i, 1); break;
        }
    }
    return fmt_take(b);
}

/* ---- JSON ---------------------------------------------------------------------- */

static json_t *json_of(K x);

static json_t *json_item(int t, const G *p)
{
    char item[FMT_ITEM_BYTES];
    J j; I i; H h; F f; E e;
    switch (t) {
    case KB: return json_boolean(*p);
    case KG: return json_integer(*p);
    case KH: memcpy(&h, p, sizeof h); return h == nh ? json_null() : json_integer(h);
    case KI: memcpy(&i, p, sizeof i); return i == ni ? json_null() : json_integer(i);
    case KJ: memcpy(&j, p, sizeof j); return j == nj ? json_null() : json_integer(j);
    case KE: memcpy(&e, p, sizeof e); return isfinite(e) ? json_real(e) : json_null();
    case KF: memcpy(&f, p, sizeof f); return isfinite(f) ? json_real(f) : json_null();
    default:
        fmt_item(item, sizeof item, t, p);
        return json_string(item);
    }
}

static json_t *json_table(K t)
{
    K names = kK(t->k)[0], cols = kK(t->k)[1];
    json_t *rows = json_array();
    J n = names->n ? k_count(kK(cols)[0]) : 0;
    for (J r = 0; r < n; r++) {
        json_t *row = json_object();
        for (J c = 0; c < names->n; c++) {
            K col = kK(cols)[c];
            json_t *v = col->t == 0 ? json_of(kK(col)[r]) : json_item(col->t, fmt_at(col, r));
            json_object_set_new(row, kS(names)[c], v);
        }
        json_array_append_new(rows, row);
    }
    return rows;
}

static json_t *json_of(K x)
{
    if (x->t < 0 && -x->t <= KT) return json_item(-x->t, fmt_at(x, 0));
    if (x->t == KC) return json_stringn((const char *)kC(x), (size_t)x->n);
    if (x->t == XT) return json_table(x);
    if (x->t == KERR) return json_pack("{s:s}", "error", x->s);
    if ((x->t == XD || x->t == XSD) && kK(x)[0]->t == KS) {
        json_t *o = json_object();
        K keys = kK(x)[0], vals = kK(x)[1];
        for (J i = 0; i < keys->n; i++) {
            json_t *v = vals->t == 0 ? json_of(kK(vals)[i]) : json_item(vals->t, fmt_at(vals, i));
            json_object_set_new(o, kS(keys)[i], v);
        }
        return o;
    }
    if (x->t == XD || x->t == XSD) return json_pack("[o,o]", json_of(kK(x)[0]), json_of(kK(x)[1]));
    json_t *a = json_array();
    if (x->t >= 0 && x->t <= KT)
        for (J i = 0; i < x->n; i++)
            json_array_append_new(a, x->t == 0 ? json_of(kK(x)[i]) : json_item(x->t, fmt_at(x, i)));
    return a;
}

K http_fmt_json(K x)
{
    json_t *j = json_of(x);
    if (!j) return NULL;
    /* 15 significant digits: 86.35 prints as 86.35, not 86.349999999999994 */
    char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY | JSON_REAL_PRECISION(15));
    json_decref(j);
    if (!text) return NULL;
    K out = kp(text);
    free(text);
    return out;
}
