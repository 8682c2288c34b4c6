/* lex_num.c: numeric and temporal literal text (q-subset.md §2.3, 2.4, 2.6) to K atoms and
 * vectors, including type suffixes, nulls, infinities and juxtaposed runs.
 * Token boundaries are lex.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "lex_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LEX_NS_PER_SEC 1000000000LL
#define LEX_MS_PER_SEC 1000
#define LEX_SEC_PER_MIN 60
#define LEX_MIN_PER_HOUR 60
#define LEX_MONTHS_PER_YEAR 12
#define LEX_EPOCH_YEAR 2000
#define LEX_MAX_FRAC_DIGITS 9
#define LEX_MS_DIGITS 3
#define LEX_TEXT_MAX 64
#define LEX_HEX_BASE 16

static int num_is_digit(char c) { return c >= '0' && c <= '9'; }
static int num_is_alnum(char c)
{
    return num_is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

J lex_num_chunk(const char *src, J len, J pos)
{
    J i = pos;
    if (i < len && src[i] == '-') i++;
    int temporal = 0;
    while (i < len) {
        char c = src[i];
        if (c == ':' || c == 'D') temporal = 1;
        if (num_is_alnum(c) || c == '.' || c == ':') { i++; continue; }
        if ((c == '-' || c == '+') && !temporal && i > pos && src[i - 1] == 'e' && i > pos + 1
            && (num_is_digit(src[i - 2]) || src[i - 2] == '.') && i + 1 < len
            && num_is_digit(src[i + 1])) { i++; continue; }
        break;
    }
    return i;
}

int lex_num_is_vector_text(const char *t, J n)
{
    if (n > 2 && t[0] == '0' && t[1] == 'x') return n > 4;
    if (n > 2 && t[n - 1] == 'b') {
        for (J i = 0; i < n - 1; i++) if (t[i] != '0' && t[i] != '1') return 0;
        return 1;
    }
    return 0;
}

static int num_suffix_type(char c)
{
    switch (c) {
    case 'b': return KB;  case 'h': return KH;  case 'i': return KI;  case 'j': return KJ;
    case 'e': return KE;  case 'f': return KF;  case 'p': return KP;  case 'm': return KM;
    case 'd': return KD;  case 'z': return KZ;  case 'n': return KN;  case 'u': return KU;
    case 'v': return KV;  case 't': return KT;
    default: return 0;
    }
}

/* Parse exactly n digits at t into *v. */
static int num_digits(const char *t, J n, J *v)
{
    if (n <= 0) return -1;
    J r = 0;
    for (J i = 0; i < n; i++) {
        if (!num_is_digit(t[i])) return -1;
        /* more digits than a long holds: no literal (not a wrapped value) */
        if (__builtin_mul_overflow(r, 10, &r) || __builtin_add_overflow(r, t[i] - '0', &r)) return -1;
    }
    *v = r;
    return 0;
}

static int num_days_in_month(J year, J month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return days[month - 1] + (month == 2 && leap);
}

/* YYYY.MM.DD → days since 2000.01.01. */
static int num_date(const char *t, J n, J *days)
{
    J y, m, d;
    if (n != 10 || t[4] != '.' || t[7] != '.') return -1;
    if (num_digits(t, 4, &y) || num_digits(t + 5, 2, &m) || num_digits(t + 8, 2, &d)) return -1;
    if (m < 1 || m > LEX_MONTHS_PER_YEAR || d < 1 || d > num_days_in_month(y, m)) return -1;
    *days = ymd((I)y, (I)m, (I)d);
    return 0;
}

/* hh:mm[:ss[.fff…]] → ns since midnight; *parts = 2 or 3; *frac = fraction digits. */
static int num_time(const char *t, J n, J *ns, int *parts, int *frac)
{
    J h, m, s = 0, f = 0;
    J c1 = 0;
    while (c1 < n && t[c1] != ':') c1++;
    if (c1 == n || num_digits(t, c1, &h) || c1 + 3 > n || num_digits(t + c1 + 1, 2, &m))
        return -1;
    J i = c1 + 3;
    *parts = 2;
    *frac = 0;
    if (i < n) {
        if (t[i] != ':' || i + 3 > n || num_digits(t + i + 1, 2, &s)) return -1;
        *parts = 3;
        i += 3;
        if (i < n) {
            if (t[i] != '.') return -1;
            J fd = n - i - 1;
            if (fd > LEX_MAX_FRAC_DIGITS || (fd && num_digits(t + i + 1, fd, &f))) return -1;
            for (J k = fd; k < LEX_MAX_FRAC_DIGITS; k++) f *= 10;
            *frac = (int)fd;
        }
    }
    J total;  /* hours beyond any representable timespan are no literal */
    if (__builtin_mul_overflow(h, LEX_MIN_PER_HOUR * LEX_SEC_PER_MIN * LEX_NS_PER_SEC, &total)
        || __builtin_add_overflow(total, ((m * LEX_SEC_PER_MIN) + s) * LEX_NS_PER_SEC + f, &total))
        return -1;
    *ns = total;
    return 0;
}

/* A temporal or special literal; returns 0 when decoded, 1 when not temporal, -1 bad. */
static int num_temporal(const char *t, J n, int neg, lex_num_item *it)
{
    const char *d = memchr(t, 'D', (size_t)n);
    J ns = 0, days = 0;
    int parts = 0, frac = 0;
    if (d) {
        J dl = d - t, tl = n - dl - 1;
        if (tl && num_time(d + 1, tl, &ns, &parts, &frac)) {
            J hours;
            if (num_digits(d + 1, tl, &hours)
                || __builtin_mul_overflow(hours, LEX_MIN_PER_HOUR * LEX_SEC_PER_MIN * LEX_NS_PER_SEC, &ns))
                return -1;
        }
        J whole;
        if (dl == 10 && !num_date(t, dl, &days)) it->type = KP;
        else if (num_digits(t, dl, &days)) return -1;
        else it->type = KN;
        if (__builtin_mul_overflow(days, K_NS_PER_DAY, &whole) || __builtin_add_overflow(whole, ns, &whole))
            return -1;
        it->j = whole;
        if (neg) it->j = -it->j;
        return 0;
    }
    if (n > 11 && t[10] == 'T' && !num_date(t, 10, &days)) {  /* datetime 2026.11.27T12:00 */
        if (num_time(t + 11, n - 11, &ns, &parts, &frac)) return -1;
        it->type = KZ;
        it->is_float = 1;
        it->f = (F)days + (F)(ns / (LEX_NS_PER_SEC / LEX_MS_PER_SEC)) / (F)(K_NS_PER_DAY / (LEX_NS_PER_SEC / LEX_MS_PER_SEC));
        if (neg) it->f = -it->f;
        return 0;
    }
    if (memchr(t, ':', (size_t)n)) {
        if (num_time(t, n, &ns, &parts, &frac)) return -1;
        J sec = ns / LEX_NS_PER_SEC;
        if (parts == 2) { it->type = KU; it->j = sec / LEX_SEC_PER_MIN; }
        else if (frac == 0) { it->type = KV; it->j = sec; }
        else if (frac <= LEX_MS_DIGITS) { it->type = KT; it->j = ns / (LEX_NS_PER_SEC / LEX_MS_PER_SEC); }
        else { it->type = KN; it->j = ns; }
        if (neg) it->j = -it->j;
        return 0;
    }
    if (n == 10 && !num_date(t, n, &days)) { it->type = KD; it->j = days; return 0; }
    if (n == 8 && t[4] == '.' && t[7] == 'm') {
        J y, m;
        if (num_digits(t, 4, &y) || num_digits(t + 5, 2, &m) || m < 1 || m > LEX_MONTHS_PER_YEAR)
            return -1;
        it->type = KM;
        it->suffix = 1;
        it->j = (y - LEX_EPOCH_YEAR) * LEX_MONTHS_PER_YEAR + m - 1;
        return 0;
    }
    return 1;
}

/* Plain numbers, nulls and infinities, with an optional type letter. */
static int num_plain(const char *t, J n, int neg, lex_num_item *it)
{
    if (n >= 2 && t[0] == '0' && (t[1] == 'N' || t[1] == 'W' || t[1] == 'n' || t[1] == 'w')) {
        if (n > 3) return -1;
        it->nullinf = (t[1] == 'N' || t[1] == 'n') ? 1 : (neg ? 3 : 2);
        it->type = (t[1] == 'n' || t[1] == 'w') ? KF : KJ;
        if (n == 3) {
            it->type = num_suffix_type(t[2]);
            it->suffix = 1;
            if (!it->type || it->type == KB) return -1;
        }
        return 0;
    }
    char buf[LEX_TEXT_MAX];
    if (n >= LEX_TEXT_MAX) return -1;
    int type = 0;
    char last = t[n - 1];
    int has_exp_digits = 0;
    for (J i = 0; i < n; i++) if (t[i] == 'e' && i + 1 < n) has_exp_digits = 1;
    if (!num_is_digit(last) && last != '.' && !(last == 'e' && 0)) {
        type = num_suffix_type(last);
        if (!type) return -1;
        n--;
    }
    if (n == 0) return -1;
    memcpy(buf, t, (size_t)n);
    buf[n] = '\0';
    int floaty = strpbrk(buf, ".e") != NULL || has_exp_digits;
    char *end;
    errno = 0;
    if (floaty || type == KE || type == KF) {
        it->f = strtod(buf, &end);
        it->is_float = 1;
        if (neg) it->f = -it->f;
        it->type = KF;
    } else {
        it->j = strtoll(buf, &end, 10);
        if (errno == ERANGE) return -1;
        if (neg) it->j = -it->j;
        it->type = KJ;
    }
    if (*end) return -1;
    if (type) {
        if (type == KB && (it->is_float || it->j < 0 || it->j > 1)) return -1;
        if (it->is_float && type != KE && type != KF) return -1;
        it->type = type;
        it->suffix = 1;
    }
    return 0;
}

static K num_vector_text(const char *t, J n)
{
    if (t[0] == '0' && t[1] == 'x') {
        J digits = n - 2, bytes = (digits + 1) / 2;
        K v = ktn(KG, bytes);
        if (!v) return NULL;
        for (J i = 0; i < bytes; i++) {
            int hi = 0;
            for (int k = 0; k < 2; k++) {
                J at = 2 + i * 2 + k - (digits % 2);
                char c = at < 2 ? '0' : t[at];
                int h = num_is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                      : (c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
                if (h < 0) { r0(v); return NULL; }
                hi = hi * LEX_HEX_BASE + h;
            }
            kG(v)[i] = (G)hi;
        }
        return v;
    }
    K v = ktn(KB, n - 1);
    if (!v) return NULL;
    for (J i = 0; i < n - 1; i++) kG(v)[i] = (G)(t[i] == '1');
    return v;
}

/* hh:mm[:ss[.f…]] with a time-type letter (13:30t): the time of day in that type. */
static int num_time_suffixed(const char *t, J n, int neg, lex_num_item *it)
{
    int st = num_suffix_type(t[n - 1]);
    if (st != KU && st != KV && st != KT && st != KN) return 1;
    J ns;
    int parts, frac;
    if (num_time(t, n - 1, &ns, &parts, &frac)) return -1;
    J unit = st == KU ? LEX_SEC_PER_MIN * LEX_NS_PER_SEC : st == KV ? LEX_NS_PER_SEC
           : st == KT ? LEX_NS_PER_SEC / LEX_MS_PER_SEC : 1;
    it->type = st;
    it->j = neg ? -(ns / unit) : ns / unit;
    it->suffix = 1;
    return 0;
}

/* One literal's text (sign already taken off) into it. Returns 0 or -1. */
static int num_decode(const char *t, J n, int neg, lex_num_item *it)
{
    if (n > 1 && memchr(t, ':', (size_t)n) && !memchr(t, 'D', (size_t)n)
        && !num_is_digit(t[n - 1]) && t[n - 1] != '.') {
        int r = num_time_suffixed(t, n, neg, it);
        if (r <= 0) return r;
    }
    int r = num_temporal(t, n, neg, it);
    if (r < 0) return -1;
    if (r == 1) {
        J tn = n;
        int suffix = 0;
        if (tn > 1 && !num_is_digit(t[tn - 1]) && t[tn - 1] != '.' && !(t[0] == '0' && tn == 2)) {
            int st = num_suffix_type(t[tn - 1]);
            if (st >= KP && memchr(t, '.', (size_t)tn - 1)) {
                if (num_temporal(t, tn - 1, neg, it) != 0) return -1;
                suffix = st;
            }
        }
        if (!suffix && num_plain(t, n, neg, it)) return -1;
        if (suffix) { it->suffix = 1; (void)suffix; }
    }
    return 0;
}

void lex_num_run_init(lex_num_run *run) { memset(run, 0, sizeof *run); }

void lex_num_run_free(lex_num_run *run)
{
    free(run->items);
    r0(run->vec);
    memset(run, 0, sizeof *run);
}

int lex_num_run_add(lex_num_run *run, const char *text, J len)
{
    int neg = len > 0 && text[0] == '-';
    const char *t = text + neg;
    J n = len - neg;
    if (n <= 0) return -1;
    if (n == 3 && !neg && !memcmp(t, "0Ng", 3)) {  /* the null guid (§2.3, T2) */
        if (run->n) return -1;
        run->vec = ka(-UU);
        if (!run->vec) return -1;
        memset(kU(run->vec), 0, sizeof(U));
        run->is_vector_token = 1;
        return 0;
    }
    if (lex_num_is_vector_text(t, n) || (n > 2 && t[0] == '0' && t[1] == 'x')) {
        if (run->n || neg) return -1;
        run->vec = num_vector_text(t, n);
        if (!run->vec) return -1;
        if (run->vec->n == 1) { K a = kg(kG(run->vec)[0]); r0(run->vec); run->vec = a; }
        run->is_vector_token = 1;
        return 0;
    }
    lex_num_item it;
    memset(&it, 0, sizeof it);
    if (num_decode(t, n, neg, &it)) return -1;
    it.text = text;
    it.len = len;
    if (run->n == run->cap) {
        J cap = run->cap ? run->cap * 2 : 8;
        lex_num_item *p = realloc(run->items, (size_t)cap * sizeof *p);
        if (!p) return -1;
        run->items = p;
        run->cap = cap;
    }
    run->items[run->n++] = it;
    return 0;
}

/* The type of a run without a final suffix (§2.6). */
static int num_run_type(lex_num_run *run)
{
    lex_num_item *last = &run->items[run->n - 1];
    if (last->suffix) return last->type;
    int type = KJ;
    for (J i = 0; i < run->n; i++) {
        lex_num_item *it = &run->items[i];
        if (it->type == KJ) continue;
        if (it->type == KF && (type == KJ || type == KF)) { type = KF; continue; }
        if (it->nullinf && it->type == KF && type != KJ) return -1;
        if (type == KJ || type == KF) {
            if (type == KF && it->type != KF) return -1;
            type = it->type;
        } else if (type != it->type) {
            return -1;
        }
    }
    return type;
}

static int num_store(K v, J i, int type, lex_num_item *it)
{
    int width = k_item_size(type);
    if (type == KF || type == KE || type == KZ) {
        F f = it->nullinf == 1 ? nf : it->nullinf == 2 ? wf : it->nullinf == 3 ? -wf
            : it->is_float ? it->f : (F)it->j;
        if (type == KE) kE(v)[i] = (E)f; else kF(v)[i] = f;
        return 0;
    }
    if (it->is_float) return -1;
    J j = it->j;
    if (type == KB) { kG(v)[i] = (G)(j != 0); return 0; }
    if (width == 2) {
        kH(v)[i] = it->nullinf == 1 ? nh : it->nullinf == 2 ? wh : it->nullinf == 3 ? -wh : (H)j;
    } else if (width == 4) {
        kI(v)[i] = it->nullinf == 1 ? ni : it->nullinf == 2 ? wi : it->nullinf == 3 ? -wi : (I)j;
    } else if (width == 8) {
        kJ(v)[i] = it->nullinf == 1 ? nj : it->nullinf == 2 ? wj : it->nullinf == 3 ? -wj : j;
    } else if (width == 1) {
        kG(v)[i] = (G)j;
    } else {
        return -1;
    }
    return 0;
}

/* A final temporal type letter applies to the whole run (2026.11 2026.12m, 13:30 20:00t):
 * the items before it are decoded again as if each carried the letter. Returns 0 or -1. */
static int num_run_retype(lex_num_run *run)
{
    lex_num_item *last = &run->items[run->n - 1];
    int type = last->type;
    if (!last->suffix || run->n < 2 || !(type == KM || type == KU || type == KV || type == KT))
        return 0;
    char letter = last->text[last->len - 1];
    for (J i = 0; i < run->n - 1; i++) {
        lex_num_item *it = &run->items[i];
        if (it->suffix || it->nullinf || it->type == type) continue;
        char buf[LEX_TEXT_MAX];
        if (it->len + 1 >= LEX_TEXT_MAX) return -1;
        memcpy(buf, it->text, (size_t)it->len);
        buf[it->len] = letter;
        int neg = buf[0] == '-';
        lex_num_item re;
        memset(&re, 0, sizeof re);
        if (num_decode(buf + neg, it->len + 1 - neg, neg, &re) || re.type != type) return -1;
        re.suffix = 0;
        *it = re;
    }
    return 0;
}

K lex_num_run_take(lex_num_run *run)
{
    if (run->vec) { K v = run->vec; run->vec = NULL; lex_num_run_free(run); return v; }
    if (run->n && num_run_retype(run)) { lex_num_run_free(run); return krr("parse"); }
    int type = run->n ? num_run_type(run) : -1;
    if (type <= 0) { lex_num_run_free(run); return krr("parse"); }
    K v = ktn(type, run->n);
    if (!v) { lex_num_run_free(run); return krr("wsfull"); }
    for (J i = 0; i < run->n; i++)
        if (num_store(v, i, type, &run->items[i])) { r0(v); lex_num_run_free(run); return krr("parse"); }
    int n = (int)run->n;
    lex_num_run_free(run);
    if (n == 1) {
        K a = ka(-type);
        if (a) memcpy(k_atom_bytes(a), kG(v), (size_t)k_item_size(type));
        r0(v);
        return a ? a : krr("wsfull");
    }
    return v;
}

K lex_number(const char *text, J len)
{
    lex_num_run run;
    lex_num_run_init(&run);
    if (lex_num_run_add(&run, text, len)) { lex_num_run_free(&run); return NULL; }
    K v = lex_num_run_take(&run);
    if (IS_ERR(v)) { r0(v); return NULL; }
    return v;
}
