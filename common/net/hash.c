/* hash.c: MD5 (RFC 1321) and SHA-1 (RFC 3174), one-shot, for password files (hash.h).
 * Checked against the RFC test vectors in tests/unit/net/test_auth.c.
 * SPDX-License-Identifier: MIT */
#include "hash.h"

#include <string.h>

#define HASH_BLOCK_BYTES 64
#define HASH_LEN_BYTES 8       /* message bit length at the end of the last block */
#define HASH_PAD_BYTE 0x80

static uint32_t rotl(uint32_t x, int c) { return (x << c) | (x >> (32 - c)); }

/* ---- MD5 ---------------------------------------------------------------------- */

static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
};
static const int md5_r[64] = {
    7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
    5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
    4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
    6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
};

static void md5_block(uint32_t h[4], const uint8_t *p)
{
    uint32_t w[16], a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
               (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) % 16; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) % 16; }
        else { f = c ^ (b | ~d); g = (7 * i) % 16; }
        uint32_t t = d;
        d = c;
        c = b;
        b = b + rotl(a + f + md5_k[i] + w[g], md5_r[i]);
        a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d;
}

/* Feed data then the padding and the 64-bit bit length to block(); big_endian selects
 * SHA-1's length order. */
static void hash_run(uint32_t *h, const uint8_t *data, size_t n, int big_endian,
                     void (*block)(uint32_t *, const uint8_t *))
{
    size_t full = n / HASH_BLOCK_BYTES * HASH_BLOCK_BYTES;
    for (size_t i = 0; i < full; i += HASH_BLOCK_BYTES) block(h, data + i);
    uint8_t tail[2 * HASH_BLOCK_BYTES] = { 0 };
    size_t rest = n - full;
    memcpy(tail, data + full, rest);
    tail[rest] = HASH_PAD_BYTE;
    size_t tail_len = rest + 1 + HASH_LEN_BYTES <= HASH_BLOCK_BYTES ? HASH_BLOCK_BYTES
                                                                   : 2 * HASH_BLOCK_BYTES;
    uint64_t bits = (uint64_t)n * 8;
    for (int i = 0; i < HASH_LEN_BYTES; i++) {
        int shift = big_endian ? 8 * (HASH_LEN_BYTES - 1 - i) : 8 * i;
        tail[tail_len - HASH_LEN_BYTES + (size_t)i] = (uint8_t)(bits >> shift);
    }
    for (size_t i = 0; i < tail_len; i += HASH_BLOCK_BYTES) block(h, tail + i);
}

static void md5_block_any(uint32_t *h, const uint8_t *p) { md5_block(h, p); }

void hash_md5(const void *data, size_t n, uint8_t out[HASH_MD5_BYTES])
{
    uint32_t h[4] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476 };
    hash_run(h, data, n, 0, md5_block_any);
    for (int i = 0; i < HASH_MD5_BYTES; i++) out[i] = (uint8_t)(h[i / 4] >> (8 * (i % 4)));
}

/* ---- SHA-1 -------------------------------------------------------------------- */

static void sha1_block(uint32_t *h, const uint8_t *p)
{
    uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
    for (int i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
        else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
        else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
        else { f = b ^ c ^ d; k = 0xca62c1d6; }
        uint32_t t = rotl(a, 5) + f + e + k + w[i];
        e = d; d = c; c = rotl(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

void hash_sha1(const void *data, size_t n, uint8_t out[HASH_SHA1_BYTES])
{
    uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    hash_run(h, data, n, 1, sha1_block);
    for (int i = 0; i < HASH_SHA1_BYTES; i++) out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

void hash_hex(const uint8_t *digest, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[digest[i] >> 4];
        out[2 * i + 1] = digits[digest[i] & 0xf];
    }
    out[2 * n] = 0;
}
