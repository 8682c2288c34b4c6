/* feed_parse.c: q text forms to typed column cells, nulls and typed setters (feed_parse.h).
 * Temporal forms follow q's display: 2026.11.27, 09:30:00.123, 0D09:30:00.000000001,
 * 2026.11.27D09:30:00.000000000. Line splitting is feed_csv.c.
 * SPDX-License-Identifier: MIT */
#include "feed_parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FEED_NUM_TEXT_BYTES 64        /* longest numeric or temporal field we accept */
#define FEED_WHY_TEXT_BYTES 48        /* how much of a bad field a reason quotes */
#define FEED_NS_PER_S 1000000000LL
#define FEED_NS_PER_MS 1000000LL
#define FEED_NS_PER_MIN (60 * FEED_NS_PER_S)
#define FEED_NS_PER_HOUR (60 * FEED_NS_PER_MIN)
#define FEED_FRAC_DIGITS 9            /* nanosecond digits after the seconds' point */
#define FEED_MAX_HOUR_DIGITS 6        /* time of day or span: hours take at most this */
#define FEED_MONTHS_PER_YEAR 12
#define FEED_EPOCH_YEAR 2000          /* q months count from 2000.01 */
#define FEED_BYTE_MAX 255
#define FEED_FIELD_DIGITS 2           /* minutes, seconds, months and days: two digits */
#define FEED_YEAR_DIGITS 4
#define FEED_MIN_PER_HOUR 60
#define FEED_S_PER_MIN 60
#define FEED_DECIMAL 10
#define FEED_HEX 16

int feed_parse_type_ok(int type)
{
    switch (type) {
    case KB: case KG: case KH: case KI: case KJ: case KE: case KF: case KC: case KS:
    case KP: case KM: case KD: case KN: case KU: case KV: case KT:
        return 1;
    default:
        return 0;
    }
}

static const char *type_name(int type)
{
    switch (type) {
    case KB: return "boolean"; case KG: return "byte"; case KH: return "short";
    case KI: return "int"; case KJ: return "long"; case KE: return "real";
    case KF: return "float"; case KC: return "char"; case KS: return "symbol";
    case KP: return "timestamp"; case KM: return "month"; case KD: return "date";
    case KN: return "timespan"; case KU: return "minute"; case KV: return "second";
    case KT: return "time";
    default: return "unsupported type";
    }
}

static int fail(char *why, int type, const char *text)
{
    snprintf(why, FEED_WHY_BYTES, "bad %s '%.*s'", type_name(type), FEED_WHY_TEXT_BYTES, text);
    return -1;
}

void feed_col_null(K col, J i)
{
    switch (col->t) {
    case KB: case KG: kG(col)[i] = 0; break;
    case KH: kH(col)[i] = nh; break;
    case KI: case KM: case KD: case KU: case KV: case KT: kI(col)[i] = ni; break;
    case KJ: case KP: case KN: kJ(col)[i] = nj; break;
    case KE: kE(col)[i] = ne; break;
    case KF: case KZ: kF(col)[i] = nf; break;
    case KC: kC(col)[i] = ' '; break;
    case KS: kS(col)[i] = ss(""); break;
    case UU: memset(kU(col)[i].g, 0, sizeof kU(col)[i].g); break;
    default: break;   /* general lists are not feed columns */
    }
}

void feed_col_put_long(K col, J i, J value)
{
    switch (col->t) {
    case KB: kG(col)[i] = value != 0; break;
    case KG: kG(col)[i] = (G)value; break;
    case KH: kH(col)[i] = (H)value; break;
    case KI: case KM: case KD: case KU: case KV: case KT: kI(col)[i] = (I)value; break;
    case KJ: case KP: case KN: kJ(col)[i] = value; break;
    case KE: kE(col)[i] = (E)value; break;
    case KF: kF(col)[i] = (F)value; break;
    default: feed_col_null(col, i); break;
    }
}

void feed_col_put_float(K col, J i, F value)
{
    if (col->t == KF) kF(col)[i] = value;
    else if (col->t == KE) kE(col)[i] = (E)value;
    else feed_col_put_long(col, i, (J)llround(value));
}

void feed_col_put_char(K col, J i, C value)
{
    if (col->t == KC) kC(col)[i] = value;
    else if (col->t == KS) kS(col)[i] = value == ' ' ? ss("") : sn(&value, 1);
    else feed_col_null(col, i);
}

void feed_col_put_sym(K col, J i, S s)
{
    if (col->t == KS) kS(col)[i] = s;
    else if (col->t == KC) kC(col)[i] = *s ? *s : ' ';
    else feed_col_null(col, i);
}

/* q's null spellings: 0N or 0n, optionally followed by one type letter. */
static int is_null_text(const char *s)
{
    return s[0] == '0' && (s[1] == 'N' || s[1] == 'n') && (!s[2] || (isalpha((unsigned char)s[2]) && !s[3]));
}

/* Fixed-width decimal digits at *p; advances *p. Returns -1 unless exactly width digits. */
static J digits(const char **p, int width)
{
    J v = 0;
    for (int k = 0; k < width; k++, (*p)++) {
        if (!isdigit((unsigned char)**p)) return -1;
        v = v * FEED_DECIMAL + (**p - '0');
    }
    return v;
}

/* Clock text [H]H…:MM[:SS[.f…]] at *p to nanoseconds; advances *p. Returns 0 or -1. */
static int parse_clock(const char **p, J *ns)
{
    J hours = 0;
    int nd = 0;
    while (isdigit((unsigned char)**p) && nd < FEED_MAX_HOUR_DIGITS) hours = hours * FEED_DECIMAL + (*(*p)++ - '0'), nd++;
    if (!nd || **p != ':') return -1;
    (*p)++;
    J minutes = digits(p, FEED_FIELD_DIGITS), seconds = 0, frac = 0;
    if (minutes < 0 || minutes >= FEED_MIN_PER_HOUR) return -1;
    if (**p == ':') {
        (*p)++;
        if ((seconds = digits(p, FEED_FIELD_DIGITS)) < 0 || seconds >= FEED_S_PER_MIN) return -1;
        if (**p == '.') {
            (*p)++;
            int nf_digits = 0;
            while (isdigit((unsigned char)**p) && nf_digits < FEED_FRAC_DIGITS) frac = frac * FEED_DECIMAL + (*(*p)++ - '0'), nf_digits++;
            if (!nf_digits) return -1;
            for (; nf_digits < FEED_FRAC_DIGITS; nf_digits++) frac *= FEED_DECIMAL;
        }
    }
    *ns = hours * FEED_NS_PER_HOUR + minutes * FEED_NS_PER_MIN + seconds * FEED_NS_PER_S + frac;
    return 0;
}

/* Gregorian month lengths; February gains a day in leap years. */
static int days_in_month(J year, J month)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;   /* the leap rule itself */
    return days[month - 1] + (month == 2 && leap);
}

/* YYYY.MM[.DD] (or with '-') at *p; day 0 when want_day is 0. Advances *p. */
static int parse_ymd(const char **p, int want_day, J *year, J *month, J *day)
{
    if ((*year = digits(p, FEED_YEAR_DIGITS)) < 0) return -1;
    char sep = **p;
    if (sep != '.' && sep != '-') return -1;
    (*p)++;
    if ((*month = digits(p, FEED_FIELD_DIGITS)) < 1 || *month > FEED_MONTHS_PER_YEAR) return -1;
    *day = 0;
    if (!want_day) return 0;
    if (**p != sep) return -1;
    (*p)++;
    if ((*day = digits(p, FEED_FIELD_DIGITS)) < 1 || *day > days_in_month(*year, *month)) return -1;
    return 0;
}

/* Temporal text to the column's unit. Returns 0 or -1. */
static int parse_temporal(int type, const char *s, J *out)
{
    const char *p = s;
    J year, month, day, ns = 0;
    int negative = 0;
    switch (type) {
    case KD:
        if (parse_ymd(&p, 1, &year, &month, &day)) return -1;
        *out = ymd((I)year, (I)month, (I)day);
        break;
    case KM:
        if (parse_ymd(&p, 0, &year, &month, &day)) return -1;
        if (*p == 'm') p++;
        *out = (year - FEED_EPOCH_YEAR) * FEED_MONTHS_PER_YEAR + month - 1;
        break;
    case KP:
        if (parse_ymd(&p, 1, &year, &month, &day)) return -1;
        if (*p == 'D' || *p == 'T' || *p == ' ') {
            p++;
            if (parse_clock(&p, &ns)) return -1;
        }
        *out = (J)ymd((I)year, (I)month, (I)day) * K_NS_PER_DAY + ns;
        break;
    default:   /* KN KU KV KT: a clock, spans also with a day count and sign */
        if (*p == '-') negative = 1, p++;
        if (type == KN && strchr(p, 'D')) {
            J days = 0;
            while (isdigit((unsigned char)*p)) days = days * FEED_DECIMAL + (*p++ - '0');
            if (*p++ != 'D') return -1;
            ns = days * K_NS_PER_DAY;
        }
        J clock;
        if (parse_clock(&p, &clock)) return -1;
        ns += clock;
        if (negative) ns = -ns;
        *out = type == KN ? ns : type == KT ? ns / FEED_NS_PER_MS
             : type == KV ? ns / FEED_NS_PER_S : ns / FEED_NS_PER_MIN;
        break;
    }
    return *p ? -1 : 0;
}

/* Signed decimal integer with an optional trailing type letter; range-checked. */
static int parse_integer(const char *s, J lo, J hi, J *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, FEED_DECIMAL);
    if (end == s || errno == ERANGE || !isdigit((unsigned char)end[-1])) return -1;
    if (*end && (!strchr("hij", *end) || end[1])) return -1;
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

static int parse_float(const char *s, F *out)
{
    if (!strcmp(s, "0w")) { *out = wf; return 0; }
    if (!strcmp(s, "-0w")) { *out = -wf; return 0; }
    for (const char *c = s; *c; c++)   /* strtod also takes nan, inf and hex: q does not */
        if (!isdigit((unsigned char)*c) && !strchr("+-.eEf", *c)) return -1;
    char *end;
    *out = strtod(s, &end);
    if (end == s || (*end && (*end != 'f' || end[1]))) return -1;
    return 0;
}

static int parse_boolean(const char *s, G *out)
{
    if (!strcmp(s, "1") || !strcmp(s, "1b") || !strcasecmp(s, "true")) { *out = 1; return 0; }
    if (!strcmp(s, "0") || !strcmp(s, "0b") || !strcasecmp(s, "false")) { *out = 0; return 0; }
    return -1;
}

/* Integer-like types: bounds of each. */
static void int_bounds(int type, J *lo, J *hi)
{
    switch (type) {
    case KG: *lo = 0; *hi = FEED_BYTE_MAX; break;
    case KH: *lo = -(J)wh; *hi = wh; break;
    case KI: *lo = -(J)wi; *hi = wi; break;
    default: *lo = -wj; *hi = wj; break;
    }
}

/* Numbers and temporals from NUL-terminated s into slot i of col. Returns 0 or -1 (why).
 * Ownership: col borrowed. */
static int parse_number(K col, J i, const char *s, char *why)
{
    int type = col->t;
    if (is_null_text(s)) { feed_col_null(col, i); return 0; }
    if (type == KF || type == KE) {
        F v;
        if (parse_float(s, &v)) return fail(why, type, s);
        feed_col_put_float(col, i, v);
        return 0;
    }
    if (type == KB) {
        G v;
        if (parse_boolean(s, &v)) return fail(why, type, s);
        kG(col)[i] = v;
        return 0;
    }
    J v, lo, hi;
    if (type == KG && s[0] == '0' && s[1] == 'x') {
        char *end;
        unsigned long b = strtoul(s + strlen("0x"), &end, FEED_HEX);
        if (end == s + strlen("0x") || *end || b > FEED_BYTE_MAX) return fail(why, type, s);
        kG(col)[i] = (G)b;
        return 0;
    }
    if (type == KG || type == KH || type == KI || type == KJ) {
        int_bounds(type, &lo, &hi);
        if (!strcmp(s, "0W")) v = hi;
        else if (!strcmp(s, "-0W")) v = lo;
        else if (parse_integer(s, lo, hi, &v)) return fail(why, type, s);
        feed_col_put_long(col, i, v);
        return 0;
    }
    if (parse_temporal(type, s, &v)) return fail(why, type, s);
    feed_col_put_long(col, i, v);
    return 0;
}

int feed_parse_cell(K col, J i, const char *text, size_t n, char *why)
{
    int type = col->t;
    if (type == KS) { kS(col)[i] = sn(text, (I)n); return 0; }
    if (type == KC) {
        if (n > 1) {
            snprintf(why, FEED_WHY_BYTES, "bad char '%.*s' (one character expected)",
                     (int)(n < FEED_WHY_TEXT_BYTES ? n : FEED_WHY_TEXT_BYTES), text);
            return -1;
        }
        kC(col)[i] = n ? text[0] : ' ';
        return 0;
    }
    if (n == 0) { feed_col_null(col, i); return 0; }
    if (!feed_parse_type_ok(type)) {
        snprintf(why, FEED_WHY_BYTES, "%s columns cannot be parsed", type_name(type));
        return -1;
    }
    char buf[FEED_NUM_TEXT_BYTES];
    if (n >= sizeof buf || memchr(text, 0, n)) {
        snprintf(why, FEED_WHY_BYTES, "bad %s '%.*s…' (too long)", type_name(type),
                 FEED_WHY_TEXT_BYTES, text);
        return -1;
    }
    memcpy(buf, text, n);
    buf[n] = 0;
    return parse_number(col, i, buf, why);
}
