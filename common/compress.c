/* compress.c: kdb+ IPC compression and decompression (ipc-protocol.md §4.2–4.4).
 * Output is byte-identical to q's; the decoder applies every check of §4.3 because
 * peers send us untrusted bytes. Framing and when to compress are net.c's business.
 * SPDX-License-Identifier: MIT */
#include "compress.h"

#include <string.h>

#define COMPRESS_IPC_HDR_BYTES 8     /* plain IPC header; first payload byte position */
#define COMPRESS_HDR_BYTES 12        /* IPC header + int32 uncompressed length (§4.2) */
#define COMPRESS_ORDER_OFFSET 0      /* header byte: 1 little-endian, 0 big-endian */
#define COMPRESS_TYPE_OFFSET 1       /* header byte: message type, copied both ways */
#define COMPRESS_FLAG_OFFSET 2       /* header byte: 1 when compressed */
#define COMPRESS_RESERVED_OFFSET 3   /* header byte: 0 up to capability 4 */
#define COMPRESS_LEN_OFFSET 4        /* int32 total length of this message */
#define COMPRESS_RAW_LEN_OFFSET 8    /* int32 uncompressed length, compressed form only */
#define COMPRESS_ORDER_BIG 0         /* byte-order value meaning big-endian */
#define COMPRESS_FLAG_ON 1
#define COMPRESS_SLOTS 256           /* dictionary slots, indexed by a XOR of two bytes */
#define COMPRESS_GROUP_LAST_BIT 0x80u /* control bit of the 8th item of a group */
#define COMPRESS_GROUP_ITEMS 8
#define COMPRESS_GROUP_MAX_BYTES 17  /* control byte + 8 two-byte copy items */
#define COMPRESS_COPY_MIN 2          /* a copy item covers 2 + extra bytes */
#define COMPRESS_EXTRA_MAX 255       /* so at most 257 bytes (§4.4 point 4) */
#define COMPRESS_COPY_ITEM_BYTES 2   /* slot byte, extra byte */
#define COMPRESS_RAW_MIN_BYTES 9     /* §4.3: require 8 < U */
#define COMPRESS_RAW_MAX_BYTES INT32_MAX /* sizes are int32 on the wire (§8.1) */
#define COMPRESS_WORD_BYTES 8        /* match extension compares this many bytes at once */
#define COMPRESS_BYTE_BITS 8

/* OPTIMIZATION: force inlining where a constant argument must select a loop body. */
#if defined(__GNUC__)
#define COMPRESS_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define COMPRESS_ALWAYS_INLINE inline
#endif

/* Whether the size fields of message p are big-endian (§2.2). Any byte-order value other
 * than 0 is read as little-endian; net.c rejects values other than 0 and 1 earlier. */
static inline int compress_is_big(const uint8_t *p)
{
    return p[COMPRESS_ORDER_OFFSET] == COMPRESS_ORDER_BIG;
}

static inline uint32_t compress_load32(const uint8_t *p, int is_big)
{
    if (is_big)
        return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline void compress_store32(uint8_t *p, uint32_t v, int is_big)
{
    for (int i = 0; i < 4; i++) {
        int shift = is_big ? (3 - i) * COMPRESS_BYTE_BITS : i * COMPRESS_BYTE_BITS;
        p[i] = (uint8_t)(v >> shift);
    }
}

/* Length of the common prefix of a[] and b[], at most limit bytes. Both ranges lie in
 * the (read-only) input, so word compares are safe even when they overlap.
 * OPTIMIZATION: 8 bytes per step on little-endian GCC/Clang hosts. */
static inline size_t compress_match_len(const uint8_t *a, const uint8_t *b, size_t limit)
{
    size_t e = 0;
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    while (e + COMPRESS_WORD_BYTES <= limit) {
        uint64_t x, y;
        memcpy(&x, a + e, COMPRESS_WORD_BYTES);
        memcpy(&y, b + e, COMPRESS_WORD_BYTES);
        if (x != y)
            return e + (size_t)__builtin_ctzll(x ^ y) / COMPRESS_BYTE_BITS;
        e += COMPRESS_WORD_BYTES;
    }
#endif
    while (e < limit && a[e] == b[e])
        e++;
    return e;
}

/* Header of compressed message out (§4.2): in's first 4 bytes with the flag set, then
 * the compressed and uncompressed lengths in in's byte order. */
static void compress_put_header(uint8_t *out, const uint8_t *in, size_t out_bytes,
                                size_t in_bytes)
{
    int is_big = compress_is_big(in);
    memcpy(out, in, COMPRESS_LEN_OFFSET);
    out[COMPRESS_FLAG_OFFSET] = COMPRESS_FLAG_ON;
    compress_store32(out + COMPRESS_LEN_OFFSET, (uint32_t)out_bytes, is_big);
    compress_store32(out + COMPRESS_RAW_LEN_OFFSET, (uint32_t)in_bytes, is_big);
}

/* §4.4, step for step. Positions are offsets into in[], header included; slot value 0
 * means empty because real positions start at 8. pending holds the last literal, which
 * enters the dictionary only after the next item's lookup (late recording, §4.4 point 1). */
size_t compress_msg(const uint8_t *in, size_t n, uint8_t *out)
{
    if (n > (size_t)COMPRESS_RAW_MAX_BYTES)
        return 0;
    size_t cap = n / 2;
    /* The first group would already fail the abandon check; return before writing. */
    if (cap < COMPRESS_HDR_BYTES + COMPRESS_GROUP_MAX_BYTES)
        return 0;
    size_t last_group_at = cap - COMPRESS_GROUP_MAX_BYTES; /* abandon rule, §4.4 point 5 */
    size_t copy_before = n - COMPRESS_COPY_MIN;  /* last two bytes are literals (point 3) */
    uint32_t slot[COMPRESS_SLOTS];
    memset(slot, 0, sizeof slot);
    size_t s = COMPRESS_IPC_HDR_BYTES, w = COMPRESS_HDR_BYTES, pending = 0;
    while (s < n) {
        if (w > last_group_at)
            return 0;
        size_t ctrl_at = w++;
        unsigned ctrl = 0;
        for (unsigned bit = 1; bit <= COMPRESS_GROUP_LAST_BIT && s < n; bit <<= 1) {
            unsigned key = 0;
            uint32_t cand = 0;
            if (s < copy_before) {
                key = in[s] ^ in[s + 1];
                cand = slot[key];
            }
            if (pending) {
                slot[in[pending] ^ in[pending + 1]] = (uint32_t)pending;
                pending = 0;
            }
            /* Same XOR and same first byte imply the same pair (§4.4 point 2). */
            if (cand == 0 || in[cand] != in[s]) {
                out[w++] = in[s];
                if (s + 1 < n)
                    pending = s;
                s++;
                continue;
            }
            slot[key] = (uint32_t)s;
            ctrl |= bit;
            size_t limit = n - s - COMPRESS_COPY_MIN;
            if (limit > COMPRESS_EXTRA_MAX)
                limit = COMPRESS_EXTRA_MAX;
            size_t extra = compress_match_len(in + cand + COMPRESS_COPY_MIN,
                                              in + s + COMPRESS_COPY_MIN, limit);
            out[w] = (uint8_t)key;
            out[w + 1] = (uint8_t)extra;
            w += COMPRESS_COPY_ITEM_BYTES;
            s += COMPRESS_COPY_MIN + extra;
        }
        out[ctrl_at] = (uint8_t)ctrl;
    }
    compress_put_header(out, in, w, n);
    return w;
}

int64_t compress_peek_size(const uint8_t *in, size_t n, int64_t max_bytes)
{
    if (n < COMPRESS_HDR_BYTES)
        return -1;
    /* int32 on the wire: a value with the top bit set is negative, hence too small. */
    uint32_t size = compress_load32(in + COMPRESS_RAW_LEN_OFFSET, compress_is_big(in));
    if (size < COMPRESS_RAW_MIN_BYTES || size > COMPRESS_RAW_MAX_BYTES || size > max_bytes)
        return -1;
    return size;
}

/* One message being decoded (§4.3). Positions are offsets into out, header included. */
struct compress_decoder {
    const uint8_t *in;              /* compressed message */
    size_t in_bytes;                /* its length */
    uint8_t *out;                   /* uncompressed message being built */
    size_t out_bytes;               /* its declared length U */
    size_t r;                       /* next input byte to read */
    size_t w;                       /* next output byte to write */
    size_t h;                       /* first item start not yet in the dictionary */
    uint32_t slot[COMPRESS_SLOTS];  /* dictionary: item start positions, 0 = empty */
};

#define COMPRESS_COPY_MAX (COMPRESS_COPY_MIN + COMPRESS_EXTRA_MAX)
/* Input a group can use after its control byte: eight copy items. */
#define COMPRESS_GROUP_ITEM_BYTES (COMPRESS_GROUP_ITEMS * COMPRESS_COPY_ITEM_BYTES)
/* Output room that lets a group skip its size checks: eight longest copies plus the
 * slack of compress_copy_forward's last 8-byte step. */
#define COMPRESS_GROUP_ROOM_BYTES (COMPRESS_GROUP_ITEMS * COMPRESS_COPY_MAX + COMPRESS_WORD_BYTES - 1)

/* dst[0..len) := src[0..len) for 2 <= len <= 16, ranges not overlapping. Two moves of
 * the largest power of two <= len, overlapping each other; nothing outside is touched.
 * OPTIMIZATION: fixed-size moves compile to plain loads and stores, no memcpy call. */
static inline void compress_copy_short(uint8_t *dst, const uint8_t *src, size_t len)
{
    if (len >= sizeof(uint64_t)) {
        uint64_t a, b;
        memcpy(&a, src, sizeof a);
        memcpy(&b, src + len - sizeof b, sizeof b);
        memcpy(dst, &a, sizeof a);
        memcpy(dst + len - sizeof b, &b, sizeof b);
    } else if (len >= sizeof(uint32_t)) {
        uint32_t a, b;
        memcpy(&a, src, sizeof a);
        memcpy(&b, src + len - sizeof b, sizeof b);
        memcpy(dst, &a, sizeof a);
        memcpy(dst + len - sizeof b, &b, sizeof b);
    } else {
        uint16_t a, b;
        memcpy(&a, src, sizeof a);
        memcpy(&b, src + len - sizeof b, sizeof b);
        memcpy(dst, &a, sizeof a);
        memcpy(dst + len - sizeof b, &b, sizeof b);
    }
}

/* out[w..w+len) := out[src..src+len) forward, byte by byte as §4.3 demands: when the
 * ranges overlap the copy repeats the last w-src bytes (a run), so no plain memcpy.
 * has_slack: at least 7 writable bytes follow w+len.
 * OPTIMIZATION: an overlapping copy from 8 or more back goes in 8-byte steps; each step
 * reads only bytes already final, so the result is the same. The last step may write
 * up to 7 bytes past w+len, which later items overwrite; hence has_slack. */
static inline void compress_copy_forward(uint8_t *out, size_t w, size_t src, size_t len,
                                         int has_slack)
{
    size_t distance = w - src;
    if (distance >= len) {
        if (len <= 2 * COMPRESS_WORD_BYTES)
            compress_copy_short(out + w, out + src, len);
        else
            memcpy(out + w, out + src, len);
    } else if (distance >= COMPRESS_WORD_BYTES && has_slack) {
        for (size_t i = 0; i < len; i += COMPRESS_WORD_BYTES) {
            uint64_t word;
            memcpy(&word, out + src + i, sizeof word);
            memcpy(out + w + i, &word, sizeof word);
        }
    } else {
        for (size_t i = 0; i < len; i++)
            out[w + i] = out[src + i];
    }
}

/* Bring the dictionary up to date for a copy at w and return slot[key]. Literal starts
 * are entered only here, because only copies read the dictionary; entering positions in
 * increasing order gives the same slots as entering each as soon as its next byte is
 * known. Starts up to w-2 have their next byte; w-1 must wait (late recording, §4.4).
 * *h is the first start not yet entered. */
static inline size_t compress_lookup(uint32_t *slot, const uint8_t *out, size_t *h, size_t w,
                                     unsigned key)
{
    size_t at = *h;
    for (; at + 1 < w; at++)
        slot[out[at] ^ out[at + 1]] = (uint32_t)at;
    *h = at;
    return slot[key];
}

/* Enter, after a copy at w was written, the literal at w-1 if still pending (h < w) and
 * the copy's own start, whose pair out[w..w+1] equals out[src..src+1], of XOR key. */
static inline void compress_record_copy(uint32_t *slot, const uint8_t *out, size_t h,
                                        size_t w, unsigned key)
{
    if (h < w)
        slot[out[w - 1] ^ out[w]] = (uint32_t)(w - 1);
    slot[key] = (uint32_t)w;
}

/* Decode the items of one group whose control byte is ctrl. is_roomy: the whole group's
 * input is present and it cannot reach the declared size, so only the copy source needs
 * checking. Constant at each call site, so each gets its own tight loop. The cursor is
 * kept in locals, which byte stores to out cannot alias. Returns NULL or the error. */
static COMPRESS_ALWAYS_INLINE const char *compress_decode_group(struct compress_decoder *dec,
                                                                unsigned ctrl, int is_roomy)
{
    const uint8_t *in = dec->in;
    uint8_t *out = dec->out;
    size_t r = dec->r, w = dec->w, h = dec->h, in_bytes = dec->in_bytes;
    size_t out_bytes = dec->out_bytes;
    const char *err = NULL;
    for (unsigned bit = 1; bit <= COMPRESS_GROUP_LAST_BIT; bit <<= 1) {
        if (!is_roomy && w >= out_bytes)
            break;   /* the stream stops as soon as the message is complete */
        if (!(ctrl & bit)) {
            if (!is_roomy && r >= in_bytes) {
                err = "compressed stream truncated";
                break;
            }
            out[w++] = in[r++];
            continue;
        }
        if (!is_roomy && in_bytes - r < COMPRESS_COPY_ITEM_BYTES) {
            err = "compressed stream truncated";
            break;
        }
        unsigned key = in[r];
        size_t len = COMPRESS_COPY_MIN + (size_t)in[r + 1];
        r += COMPRESS_COPY_ITEM_BYTES;
        size_t src = compress_lookup(dec->slot, out, &h, w, key);
        /* Filled slots hold starts <= w-2, so src >= w cannot happen; checked anyway. */
        if (src < COMPRESS_IPC_HDR_BYTES || src >= w) {
            err = "copy source out of range";
            break;
        }
        if (!is_roomy && len > out_bytes - w) {
            err = "copy past declared size";
            break;
        }
        compress_copy_forward(out, w, src, len,
                              is_roomy || out_bytes - w - len >= COMPRESS_WORD_BYTES - 1);
        compress_record_copy(dec->slot, out, h, w, key);
        w += len;
        h = w;
    }
    dec->r = r;
    dec->w = w;
    dec->h = h;
    return err;
}

/* Decode all groups of dec's stream into dec->out (header excluded). */
static const char *compress_decode_stream(struct compress_decoder *dec)
{
    while (dec->w < dec->out_bytes) {
        if (dec->r >= dec->in_bytes)
            return "compressed stream truncated";
        unsigned ctrl = dec->in[dec->r++];
        int is_roomy = dec->in_bytes - dec->r >= COMPRESS_GROUP_ITEM_BYTES &&
                       dec->out_bytes - dec->w >= COMPRESS_GROUP_ROOM_BYTES;
        const char *err = is_roomy ? compress_decode_group(dec, ctrl, 1)
                                   : compress_decode_group(dec, ctrl, 0);
        if (err)
            return err;
    }
    return NULL;
}

int decompress_msg(const uint8_t *in, size_t n, uint8_t *out, int64_t out_n,
                   const char **err_text)
{
    const char *unused;
    if (err_text == NULL)
        err_text = &unused;
    if (n < COMPRESS_HDR_BYTES) {
        *err_text = "compressed header truncated";
        return -1;
    }
    int64_t declared = compress_peek_size(in, n, out_n);
    if (declared < 0 || declared != out_n) {
        *err_text = "uncompressed size mismatch";
        return -1;
    }
    struct compress_decoder dec = {
        .in = in, .in_bytes = n, .out = out, .out_bytes = (size_t)out_n,
        .r = COMPRESS_HDR_BYTES, .w = COMPRESS_IPC_HDR_BYTES, .h = COMPRESS_IPC_HDR_BYTES,
    };
    const char *err = compress_decode_stream(&dec);
    if (err) {
        *err_text = err;
        return -1;
    }
    out[COMPRESS_ORDER_OFFSET] = in[COMPRESS_ORDER_OFFSET];
    out[COMPRESS_TYPE_OFFSET] = in[COMPRESS_TYPE_OFFSET];
    out[COMPRESS_FLAG_OFFSET] = 0;
    out[COMPRESS_RESERVED_OFFSET] = 0;
    compress_store32(out + COMPRESS_LEN_OFFSET, (uint32_t)out_n, compress_is_big(in));
    return 0;
}
