/* ser.c: kdb+ IPC wire format; encodes K values to bytes and decodes them back,
 * checking every count against the bytes left (ipc-protocol.md §3, §3.13).
 * Sockets live in net, compression in compress.c.
 * SPDX-License-Identifier: MIT */
#include "ser.h"
#include "compress.h"
#include "k_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "ser.c writes host order as little-endian");

#define SER_ATTR_MAX K_ATTR_GROUPED
#define SER_VECTOR_HDR_BYTES 6      /* type, attribute, int32 count */
#define SER_MAX_COUNT ((J)INT32_MAX)

/* ---- headers ---------------------------------------------------------------- */

static uint32_t load_u32(const G *p, int is_little)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return is_little ? v : __builtin_bswap32(v);
}

int ser_header_parse(const G *b, J max_bytes, struct ser_header *out, const char **err_text)
{
    if (b[0] > 1) { *err_text = "bad byte order (header byte 0 must be 0 or 1)"; return -1; }
    if (b[1] > SER_RESPONSE) { *err_text = "bad message type (header byte 1 must be 0, 1 or 2)"; return -1; }
    if (b[2] > 1) { *err_text = "bad compression flag (header byte 2 must be 0 or 1)"; return -1; }
    if (b[3] != 0) { *err_text = "reserved header byte 3 is not zero"; return -1; }
    out->is_little = b[0];
    out->msg_type = b[1];
    out->is_compressed = b[2];
    out->total_bytes = (J)load_u32(b + 4, b[0]);
    J min = out->is_compressed ? SER_HDR_BYTES + 4 + 1 : SER_MIN_MSG_BYTES;
    if (out->total_bytes < min) { *err_text = "message length too small"; return -1; }
    if (max_bytes > SER_MAX_MSG_BYTES) max_bytes = SER_MAX_MSG_BYTES;
    if (out->total_bytes > max_bytes) { *err_text = "message length over the limit"; return -1; }
    return 0;
}

void ser_header_write(G *b, int msg_type, int is_compressed, J total_bytes)
{
    uint32_t len = (uint32_t)total_bytes;
    b[0] = 1;
    b[1] = (G)msg_type;
    b[2] = (G)is_compressed;
    b[3] = 0;
    memcpy(b + 4, &len, 4);
}

/* ---- encoding ----------------------------------------------------------------- */

/* Can a peer of capability cap receive type t (§3.12)? */
static int cap_allows(int type, int cap)
{
    int t = type < 0 ? -type : type;
    if ((t == KP || t == KN) && cap < 1) return 0;
    if (t == UU && cap < 3) return 0;
    return 1;
}

static J sym_vector_bytes(K x)
{
    J bytes = 0;
    for (J i = 0; i < x->n; i++) bytes += (J)strlen(kS(x)[i]) + 1;
    return bytes;
}

static J body_size(K x, int cap, K *err, int depth)
{
    if (!x) { *err = krr("type"); return -1; }   /* an elided projection argument */
    if (depth > SER_MAX_DEPTH) { *err = krr("limit"); return -1; }
    int t = x->t;
    if (!cap_allows(t, cap)) { *err = krr("type"); return -1; }
    if (t == -KS || t == KERR) return 2 + (J)strlen(x->s);
    if (t == -UU) return 17;
    if (t < 0 && t >= -KT) return 1 + k_item_size(-t);
    if (t >= 0 && t <= KT && t != 3 && t != 0) {
        if (x->n > SER_MAX_COUNT) { *err = krr("limit"); return -1; }
        return SER_VECTOR_HDR_BYTES + (t == KS ? sym_vector_bytes(x) : x->n * k_item_size(t));
    }
    J bytes;
    switch (t) {
    case 0:
        if (x->n > SER_MAX_COUNT) { *err = krr("limit"); return -1; }
        bytes = SER_VECTOR_HDR_BYTES;
        for (J i = 0; i < x->n; i++) {
            J item = body_size(kK(x)[i], cap, err, depth + 1);
            if (item < 0) return -1;
            bytes += item;
        }
        return bytes;
    case XT:
        bytes = body_size(x->k, cap, err, depth + 1);
        return bytes < 0 ? -1 : 2 + bytes;
    case XD: case XSD: {
        J keys = body_size(kK(x)[0], cap, err, depth + 1);
        if (keys < 0) return -1;
        J vals = body_size(kK(x)[1], cap, err, depth + 1);
        return vals < 0 ? -1 : 1 + keys + vals;
    }
    case K_LAMBDA: {
        J src = body_size(kK(x)[0], cap, err, depth + 1);
        return src < 0 ? -1 : 1 + (J)strlen(kK(x)[1]->s) + 1 + src;
    }
    case K_UNARY: case K_BINARY: case K_ITERATOR:
        return 2;
    case K_PROJECTION: case K_COMPOSITION:
        bytes = 5;
        for (J i = 0; i < x->n; i++) {
            J item = body_size(kK(x)[i], cap, err, depth + 1);
            if (item < 0) return -1;
            bytes += item;
        }
        return bytes;
    case K_EACH: case K_OVER: case K_SCAN: case K_EACHPRIOR: case K_EACHRIGHT: case K_EACHLEFT:
        bytes = body_size(kK(x)[0], cap, err, depth + 1);
        return bytes < 0 ? -1 : 1 + bytes;
    default:                      /* native functions, enumerations: no wire form */
        *err = krr("type");
        return -1;
    }
}

J ser_body_size(K x, int cap, K *err)
{
    J bytes = body_size(x, cap, err, 0);
    if (bytes >= 0 && bytes > SER_MAX_MSG_BYTES - SER_HDR_BYTES) {
        *err = krr("limit");
        return -1;
    }
    return bytes;
}

static G *put_i32(G *p, J v) { int32_t w = (int32_t)v; memcpy(p, &w, 4); return p + 4; }

static G *put_text(G *p, const char *s)
{
    size_t len = strlen(s) + 1;
    memcpy(p, s, len);
    return p + len;
}

static G *write_obj(K x, G *p)
{
    int t = x->t;
    *p++ = (G)(signed char)t;
    if (t == -KS || t == KERR) return put_text(p, x->s);
    if (t == -UU) { memcpy(p, kU(x), 16); return p + 16; }
    if (t < 0) {
        int w = k_item_size(-t);
        memcpy(p, &x->g, (size_t)w);   /* atoms sit at offset 8 whatever their width */
        return p + w;
    }
    switch (t) {
    case XT:
        *p++ = (G)x->a;
        return write_obj(x->k, p);
    case XD: case XSD:
        p = write_obj(kK(x)[0], p);
        return write_obj(kK(x)[1], p);
    case K_LAMBDA:
        p = put_text(p, kK(x)[1]->s);
        return write_obj(kK(x)[0], p);
    case K_UNARY: case K_BINARY: case K_ITERATOR:
        *p++ = x->g;
        return p;
    case K_PROJECTION: case K_COMPOSITION:
        p = put_i32(p, x->n);
        for (J i = 0; i < x->n; i++) p = write_obj(kK(x)[i], p);
        return p;
    case K_EACH: case K_OVER: case K_SCAN: case K_EACHPRIOR: case K_EACHRIGHT: case K_EACHLEFT:
        return write_obj(kK(x)[0], p);
    default:
        break;
    }
    *p++ = (G)x->a;
    p = put_i32(p, x->n);
    if (t == 0) {
        for (J i = 0; i < x->n; i++) p = write_obj(kK(x)[i], p);
    } else if (t == KS) {
        for (J i = 0; i < x->n; i++) p = put_text(p, kS(x)[i]);
    } else {
        size_t bytes = (size_t)(x->n * k_item_size(t));
        memcpy(p, kG(x), bytes);
        p += bytes;
    }
    return p;
}

J ser_body_write(K x, G *out) { return (J)(write_obj(x, out) - out); }

K ser_encode(K x, int msg_type, int cap, int may_compress)
{
    K err = NULL;
    J body = ser_body_size(x, cap, &err);
    if (body < 0) return err;
    J total = SER_HDR_BYTES + body;
    K msg = ktn(KG, total);
    if (!msg) return krr("wsfull");
    ser_header_write(kG(msg), msg_type, 0, total);
    ser_body_write(x, kG(msg) + SER_HDR_BYTES);
    if (!may_compress || cap < 1 || total <= COMPRESS_MIN_BYTES) return msg;
    K packed = ktn(KG, total / 2);
    if (!packed) return msg;   /* no memory for the smaller form: send it plain */
    size_t packed_bytes = compress_msg(kG(msg), (size_t)total, kG(packed));
    if (!packed_bytes) { r0(packed); return msg; }
    r0(msg);
    packed->n = (J)packed_bytes;
    return packed;
}

/* ---- decoding ----------------------------------------------------------------- */

struct reader {
    const G *p;        /* next byte */
    const G *end;      /* one past the last byte of the body */
    const G *base;     /* body start, for offsets in error texts */
    int swap;          /* 1 when the message is big-endian */
    char *err;         /* SER_ERR_BYTES of room for the failure text */
};

static K fail(struct reader *r, const char *what)
{
    snprintf(r->err, SER_ERR_BYTES, "%s at byte %lld of the body", what,
             (long long)(r->p - r->base));
    return NULL;
}

static J left(struct reader *r) { return (J)(r->end - r->p); }

static int read_i32(struct reader *r, J *out)
{
    if (left(r) < 4) return -1;
    uint32_t v = load_u32(r->p, !r->swap);
    r->p += 4;
    *out = (J)(int32_t)v;
    return 0;
}

/* Swap n items of width w in place (big-endian input; guids are never swapped). */
static void swap_items(G *p, J n, int w)
{
    if (w == 2) for (J i = 0; i < n; i++) { uint16_t v; memcpy(&v, p + 2 * i, 2); v = __builtin_bswap16(v); memcpy(p + 2 * i, &v, 2); }
    if (w == 4) for (J i = 0; i < n; i++) { uint32_t v; memcpy(&v, p + 4 * i, 4); v = __builtin_bswap32(v); memcpy(p + 4 * i, &v, 4); }
    if (w == 8) for (J i = 0; i < n; i++) { uint64_t v; memcpy(&v, p + 8 * i, 8); v = __builtin_bswap64(v); memcpy(p + 8 * i, &v, 8); }
}

/* Length of the NUL-terminated text at r->p, or -1 when no NUL comes before the end. */
static J text_len(struct reader *r)
{
    const G *nul = memchr(r->p, 0, (size_t)left(r));
    return nul ? (J)(nul - r->p) : -1;
}

static K read_obj(struct reader *r, int depth);

static K read_atom(struct reader *r, int t)
{
    if (t == -KS) {
        J len = text_len(r);
        if (len < 0) return fail(r, "symbol without terminating NUL");
        K x = ka(-KS);
        if (!x) return fail(r, "out of memory");
        x->s = k_sym_intern((const char *)r->p, (size_t)len);
        r->p += len + 1;
        return x;
    }
    if (t == -UU) {
        if (left(r) < 16) return fail(r, "guid atom truncated");
        U g;
        memcpy(g.g, r->p, 16);
        r->p += 16;
        return ku(g);
    }
    int w = k_item_size(-t);
    if (left(r) < w) return fail(r, "atom truncated");
    K x = ka(t);
    if (!x) return fail(r, "out of memory");
    memcpy(&x->g, r->p, (size_t)w);
    if (r->swap) swap_items(&x->g, 1, w);
    r->p += w;
    return x;
}

/* Symbols of up to 8 bytes are looked up in a small cache before the intern table:
 * a column of a few hundred distinct tickers then costs one compare per item.
 * OPTIMIZATION: the result is the same without the cache. */
#define SYM_CACHE_SLOTS 512
#define SYM_CACHE_MIN_COUNT 64      /* below this the cache's set-up costs more */

struct sym_cache_slot { uint64_t key; S sym; };

static S intern_cached(struct sym_cache_slot *cache, const G *p, J len)
{
    if (len > 8) return k_sym_intern((const char *)p, (size_t)len);
    uint64_t key = 0;
    memcpy(&key, p, (size_t)len);
    /* The length is implied: the bytes after the text are zero and no symbol holds NUL. */
    size_t slot = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 55) & (SYM_CACHE_SLOTS - 1);
    if (cache[slot].sym && cache[slot].key == key) return cache[slot].sym;
    S s = k_sym_intern((const char *)p, (size_t)len);
    cache[slot].key = key;
    cache[slot].sym = s;
    return s;
}

/* Read n NUL-terminated symbols into out. Returns 0, or -1 when one has no NUL. */
static int read_symbols(struct reader *r, S *out, J n)
{
    struct sym_cache_slot cache[SYM_CACHE_SLOTS];
    int use_cache = n >= SYM_CACHE_MIN_COUNT;
    if (use_cache) memset(cache, 0, sizeof cache);
    for (J i = 0; i < n; i++) {
        J len = text_len(r);
        if (len < 0) return -1;
        out[i] = use_cache ? intern_cached(cache, r->p, len)
                           : k_sym_intern((const char *)r->p, (size_t)len);
        r->p += len + 1;
    }
    return 0;
}

static K read_vector(struct reader *r, int t, int depth)
{
    if (left(r) < 1) return fail(r, "vector attribute missing");
    int attr = *r->p++;
    if (attr > SER_ATTR_MAX) return fail(r, "bad attribute byte");
    J n;
    if (read_i32(r, &n)) return fail(r, "vector count truncated");
    if (n < 0) return fail(r, "negative count");
    /* Reject impossible counts before allocating: each item takes at least this much. */
    J min_item = t == 0 ? 2 : t == KS ? 1 : k_item_size(t);
    if (n > left(r) / min_item) return fail(r, "count exceeds the bytes left");
    K x = ktn(t, n);
    if (!x) return fail(r, "out of memory");
    x->a = (signed char)attr;
    if (t == 0) {
        for (J i = 0; i < n; i++) {
            K item = read_obj(r, depth + 1);
            if (!item) { r0(x); return NULL; }
            kK(x)[i] = item;
        }
    } else if (t == KS) {
        if (read_symbols(r, kS(x), n)) { r0(x); return fail(r, "symbol without terminating NUL"); }
    } else {
        size_t bytes = (size_t)(n * k_item_size(t));
        memcpy(kG(x), r->p, bytes);
        if (r->swap && t != UU) swap_items(kG(x), n, k_item_size(t));
        r->p += bytes;
    }
    return x;
}

/* Dictionary keys and values are vectors, general lists or (keyed tables) tables. */
static int is_list_like(K x) { return (x->t >= 0 && x->t <= KT) || x->t == XT; }

static K read_dict(struct reader *r, int t, int depth)
{
    K keys = read_obj(r, depth + 1);
    if (!keys) return NULL;
    K vals = read_obj(r, depth + 1);
    if (!vals) { r0(keys); return NULL; }
    if (!is_list_like(keys) || !is_list_like(vals) || k_count(keys) != k_count(vals)) {
        r0(keys); r0(vals);
        return fail(r, "dictionary keys and values differ in length or are not lists");
    }
    K x = xD(keys, vals);
    if (!x) return fail(r, "out of memory");
    x->t = (signed char)t;
    return x;
}

static K read_table(struct reader *r, int depth)
{
    if (left(r) < 2) return fail(r, "table truncated");
    int attr = *r->p++;
    if (attr > SER_ATTR_MAX) return fail(r, "bad attribute byte");
    if (*r->p != XD) return fail(r, "table without a column dictionary");
    r->p++;
    K dict = read_dict(r, XD, depth + 1);
    if (!dict) return NULL;
    K x = xT(dict);  /* checks symbol names, a general list, equal column lengths */
    if (!x) return fail(r, "table columns are not equal-length lists named by symbols");
    x->a = (signed char)attr;
    return x;
}

static K read_function(struct reader *r, int t, int depth)
{
    if (t == K_LAMBDA) {
        J len = text_len(r);
        if (len < 0) return fail(r, "lambda context without terminating NUL");
        S context = k_sym_intern((const char *)r->p, (size_t)len);
        r->p += len + 1;
        K source = read_obj(r, depth + 1);
        if (!source) return NULL;
        if (source->t != KC) { r0(source); return fail(r, "lambda source is not a string"); }
        K x = k_lambda(source, context);
        return x ? x : fail(r, "out of memory");
    }
    if (t == K_UNARY || t == K_BINARY || t == K_ITERATOR) {
        if (left(r) < 1) return fail(r, "primitive code missing");
        int code = *r->p++;
        K x = k_prim(t, code);
        return x ? x : fail(r, "out of memory");
    }
    J n = 1;
    if (t == K_PROJECTION || t == K_COMPOSITION) {
        if (read_i32(r, &n)) return fail(r, "function count truncated");
        if (n < 1 || n > left(r) / 2) return fail(r, "bad function count");
    }
    K x = k_func(t, n);
    if (!x) return fail(r, "out of memory");
    for (J i = 0; i < n; i++) {
        K item = read_obj(r, depth + 1);
        if (!item) { r0(x); return NULL; }
        kK(x)[i] = item;
    }
    return x;
}

static K read_obj(struct reader *r, int depth)
{
    if (depth > SER_MAX_DEPTH) return fail(r, "nesting too deep");
    if (left(r) < 1) return fail(r, "object truncated");
    int t = (signed char)*r->p++;
    if (t < 0 && t >= -KT && t != -3) return read_atom(r, t);
    if (t >= 0 && t <= KT && t != 3) return read_vector(r, t, depth);
    if (t == XT) return read_table(r, depth);
    if (t == XD || t == XSD) return read_dict(r, t, depth);
    if (t >= K_LAMBDA && t <= K_EACHLEFT) return read_function(r, t, depth);
    r->p--;
    return fail(r, t == KERR ? "error object inside a value" : "unknown type byte");
}

K ser_decode(const G *body, J n, int is_little, int allow_error, char *err)
{
    struct reader r = { body, body + n, body, !is_little, err };
    K x;
    if (allow_error && n > 0 && (signed char)body[0] == KERR) {
        r.p++;
        J len = text_len(&r);
        if (len < 0) return fail(&r, "error text without terminating NUL");
        x = k_err_from_bytes((const char *)r.p, (size_t)len);
        if (!x) return fail(&r, "out of memory");
        r.p += len + 1;
    } else {
        x = read_obj(&r, 0);
        if (!x) return NULL;
    }
    if (r.p != r.end) {
        r0(x);
        return fail(&r, "bytes left over after the object");
    }
    return x;
}

K ser_decode_msg(const G *msg, J n, J max_bytes, int *msg_type, char *err)
{
    struct ser_header h;
    const char *why = NULL;
    if (n < SER_HDR_BYTES) { snprintf(err, SER_ERR_BYTES, "message shorter than its header"); return NULL; }
    if (ser_header_parse(msg, max_bytes, &h, &why)) { snprintf(err, SER_ERR_BYTES, "%s", why); return NULL; }
    if (h.total_bytes != n) {
        snprintf(err, SER_ERR_BYTES, "header says %lld bytes, message has %lld",
                 (long long)h.total_bytes, (long long)n);
        return NULL;
    }
    if (msg_type) *msg_type = h.msg_type;
    int allow_error = h.msg_type == SER_RESPONSE;
    if (!h.is_compressed)
        return ser_decode(msg + SER_HDR_BYTES, n - SER_HDR_BYTES, h.is_little, allow_error, err);
    int64_t plain = compress_peek_size(msg, (size_t)n, max_bytes);
    if (plain < SER_MIN_MSG_BYTES) { snprintf(err, SER_ERR_BYTES, "bad uncompressed size"); return NULL; }
    G *buf = malloc((size_t)plain);
    if (!buf) { snprintf(err, SER_ERR_BYTES, "out of memory for %lld bytes", (long long)plain); return NULL; }
    K x = NULL;
    if (decompress_msg(msg, (size_t)n, buf, plain, &why))
        snprintf(err, SER_ERR_BYTES, "decompression failed: %s", why);
    else
        x = ser_decode(buf + SER_HDR_BYTES, plain - SER_HDR_BYTES, h.is_little, allow_error, err);
    free(buf);
    return x;
}

/* ---- measuring ------------------------------------------------------------------ */

/* Skip one object at r->p without building it; the same checks as read_obj, so a
 * measured object also decodes (barring memory). Returns 0, or -1 via fail(). */
static int skip_obj(struct reader *r, int depth)
{
    if (depth > SER_MAX_DEPTH) return fail(r, "nesting too deep"), -1;
    if (left(r) < 1) return fail(r, "object truncated"), -1;
    int t = (signed char)*r->p++;
    J n, len;
    if (t == -KS) {
        if ((len = text_len(r)) < 0) return fail(r, "symbol without terminating NUL"), -1;
        r->p += len + 1;
        return 0;
    }
    if (t < 0 && t >= -KT && t != -3) {
        int w = k_item_size(-t);
        if (left(r) < w) return fail(r, "atom truncated"), -1;
        r->p += w;
        return 0;
    }
    if (t >= 0 && t <= KT && t != 3) {
        if (left(r) < 1) return fail(r, "vector attribute missing"), -1;
        if (*r->p++ > SER_ATTR_MAX) return fail(r, "bad attribute byte"), -1;
        if (read_i32(r, &n)) return fail(r, "vector count truncated"), -1;
        if (n < 0) return fail(r, "negative count"), -1;
        J min_item = t == 0 ? 2 : t == KS ? 1 : k_item_size(t);
        if (n > left(r) / min_item) return fail(r, "count exceeds the bytes left"), -1;
        if (t == 0) {
            for (J i = 0; i < n; i++) if (skip_obj(r, depth + 1)) return -1;
        } else if (t == KS) {
            for (J i = 0; i < n; i++) {
                if ((len = text_len(r)) < 0) return fail(r, "symbol without terminating NUL"), -1;
                r->p += len + 1;
            }
        } else {
            r->p += n * k_item_size(t);
        }
        return 0;
    }
    /* Tables, dictionaries and functions are rare in journals: measure them by decoding,
     * which also applies their structural checks. */
    r->p--;
    K x = read_obj(r, depth);
    if (!x) return -1;
    r0(x);
    return 0;
}

J ser_measure(const G *body, J n, int is_little, char *err)
{
    struct reader r = { body, body + n, body, !is_little, err };
    return skip_obj(&r, 0) ? -1 : (J)(r.p - body);
}

/* ---- KX C API ----------------------------------------------------------------- */

K b9(I mode, K x)
{
    if (mode < -1 || mode > SER_MAX_CAPABILITY) return krr("domain");
    return mode < 0 ? ser_encode(x, SER_ASYNC, SER_MAX_CAPABILITY, 0)
                    : ser_encode(x, SER_ASYNC, mode, 1);
}

K d9(K x)
{
    char err[SER_ERR_BYTES];
    if (!x || x->t != KG) return krr("type");
    K v = ser_decode_msg(kG(x), x->n, SER_MAX_MSG_BYTES, NULL, err);
    return v ? v : krr(err);
}

I okx(K x)
{
    char err[SER_ERR_BYTES];
    if (!x || x->t != KG) return 0;
    K v = ser_decode_msg(kG(x), x->n, SER_MAX_MSG_BYTES, NULL, err);
    if (!v) return 0;
    r0(v);
    return 1;
}
