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
#define COMPRESS_RAW_MAX_BYTES 0x7fffffffu /* sizes are int32 on the wire (§8.1) */
#define COMPRESS_WORD_BYTES 8        /* match extension compares this many bytes at once */
#define COMPRESS_BYTE_BITS 8

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

/* §4.4, step for step. Positions are offsets into in[], header included; slot value 0
 * means empty because real positions start at 8. pending holds the last literal, which
 * enters the dictionary only after the next item's lookup (late recording, §4.4 point 1). */
size_t compress_msg(const uint8_t *in, size_t n, uint8_t *out)
{
    if (n > COMPRESS_RAW_MAX_BYTES)
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
    int is_big = compress_is_big(in);
    memcpy(out, in, COMPRESS_LEN_OFFSET);
    out[COMPRESS_FLAG_OFFSET] = COMPRESS_FLAG_ON;
    compress_store32(out + COMPRESS_LEN_OFFSET, (uint32_t)w, is_big);
    compress_store32(out + COMPRESS_RAW_LEN_OFFSET, (uint32_t)n, is_big);
    return w;
}

int64_t compress_peek_size(const uint8_t *in, size_t n, int64_t max_bytes)
{
    if (n < COMPRESS_HDR_BYTES)
        return -1;
    /* int32 on the wire: a value with the top bit set is negative, hence too small. */
    int64_t size = (int32_t)compress_load32(in + COMPRESS_RAW_LEN_OFFSET, compress_is_big(in));
    if (size < COMPRESS_RAW_MIN_BYTES || size > max_bytes)
        return -1;
    return size;
}

/* Enter item starts h..end-1 into the dictionary (§4.3 dictionary rule); each needs the
 * byte after it, so out[end] must be written. Returns end, the new first unrecorded. */
static inline size_t compress_record(uint32_t *slot, const uint8_t *out, size_t h, size_t end)
{
    for (; h < end; h++)
        slot[out[h] ^ out[h + 1]] = (uint32_t)h;
    return h;
}

/* out[w..w+len) := out[src..src+len), byte by byte forward as §4.3 demands: when the
 * ranges overlap the copy repeats the last w-src bytes (a run). Needs w + len <= size.
 * OPTIMIZATION: with src at least 8 back, 8-byte steps read only bytes already written,
 * which gives the same result; the last step may write up to 7 bytes past w + len, so
 * it is taken only with that much room before size. Those bytes are overwritten later. */
static inline void compress_copy_forward(uint8_t *out, size_t w, size_t src, size_t len,
                                         size_t size)
{
    size_t distance = w - src;
    if (distance >= COMPRESS_WORD_BYTES && size - w >= len + COMPRESS_WORD_BYTES - 1) {
        for (size_t i = 0; i < len; i += COMPRESS_WORD_BYTES) {
            uint64_t word;
            memcpy(&word, out + src + i, COMPRESS_WORD_BYTES);
            memcpy(out + w + i, &word, COMPRESS_WORD_BYTES);
        }
    } else if (distance >= len) {
        memcpy(out + w, out + src, len);
    } else {
        for (size_t i = 0; i < len; i++)
            out[w + i] = out[src + i];
    }
}

/* Decoder of §4.3. Literal starts are entered into the dictionary in batches, just
 * before the next copy looks a slot up: only a copy reads the dictionary, and entering
 * positions in increasing order gives the same slots as entering them one by one.
 * h is the first output position not yet entered. */
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
    size_t size = (size_t)out_n, w = COMPRESS_IPC_HDR_BYTES, r = COMPRESS_HDR_BYTES;
    size_t h = COMPRESS_IPC_HDR_BYTES;
    uint32_t slot[COMPRESS_SLOTS];
    memset(slot, 0, sizeof slot);
    while (w < size) {
        if (r >= n)
            goto truncated;
        unsigned ctrl = in[r++];
        /* OPTIMIZATION: a group of eight literals with room on both sides. */
        if (ctrl == 0 && n - r >= COMPRESS_GROUP_ITEMS && size - w >= COMPRESS_GROUP_ITEMS) {
            memcpy(out + w, in + r, COMPRESS_GROUP_ITEMS);
            w += COMPRESS_GROUP_ITEMS;
            r += COMPRESS_GROUP_ITEMS;
            continue;
        }
        for (unsigned bit = 1; bit <= COMPRESS_GROUP_LAST_BIT && w < size; bit <<= 1) {
            if (!(ctrl & bit)) {
                if (r >= n)
                    goto truncated;
                out[w++] = in[r++];
                continue;
            }
            if (n - r < COMPRESS_COPY_ITEM_BYTES)
                goto truncated;
            size_t len = COMPRESS_COPY_MIN + (size_t)in[r + 1];
            /* Starts up to w-2 have their next byte; w-1 must wait (late recording). */
            if (h + 1 < w)
                h = compress_record(slot, out, h, w - 1);
            size_t src = slot[in[r]];
            r += COMPRESS_COPY_ITEM_BYTES;
            if (src < COMPRESS_IPC_HDR_BYTES || src >= w) {
                *err_text = "copy source out of range";
                return -1;
            }
            if (len > size - w) {
                *err_text = "copy past declared size";
                return -1;
            }
            compress_copy_forward(out, w, src, len, size);
            compress_record(slot, out, h, w + 1);   /* w-1 if pending, and this copy's start */
            w += len;
            h = w;
        }
    }
    out[COMPRESS_ORDER_OFFSET] = in[COMPRESS_ORDER_OFFSET];
    out[COMPRESS_TYPE_OFFSET] = in[COMPRESS_TYPE_OFFSET];
    out[COMPRESS_FLAG_OFFSET] = 0;
    out[COMPRESS_RESERVED_OFFSET] = 0;
    compress_store32(out + COMPRESS_LEN_OFFSET, (uint32_t)size, compress_is_big(in));
    return 0;
truncated:
    *err_text = "compressed stream truncated";
    return -1;
}
