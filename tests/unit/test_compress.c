/* test_compress.c: unit tests for compress.c, IPC compression (ipc-protocol.md §4).
 * q's own vectors (§4.5, §9 #32-33) both ways, round trips, the abandon rule, both byte
 * orders and every decoder error path; meant to run under ASan/UBSan.
 * SPDX-License-Identifier: MIT */
#include "check_run.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"

#define HDR_BYTES 8            /* plain IPC header */
#define ZHDR_BYTES 12          /* compressed header: IPC header + uncompressed size */
#define SYM_COUNT 1000         /* 1000#`q */
#define SYM_VEC_HDR_BYTES 6    /* type, attribute, int32 count */
#define Q_SYM_MSG_BYTES 2014   /* §4.5: 1000#`q uncompressed */
#define Q_TABLE_MSG_BYTES 2031 /* §4.5: ([] q:1000#`q) uncompressed */
#define MAX_TEST_BYTES 100000  /* largest generated message */
#define PEEK_MAX (1 << 24)     /* size cap used when peeking in tests */
#define ORDER_LITTLE 1
#define ORDER_BIG 0

/* §4.5 / §9 #32: q's -18! of 1000#`q. */
static const char Q_SYM_HEX[] =
    "010001002d000000de070000800b00e80300007171ffaa7171ff7171ff7171ff7171ff2a7171ff7171ff"
    "7171bf";
/* §4.5 / §9 #33: q's -18! of ([] q:1000#`q). */
static const char Q_TABLE_HEX[] =
    "010001003f000000ef070000006200630b0001000034007100000001020b00e803570000710071ff0071ff"
    "0071ff005571ff0071ff0071ff0071ff000171be";

/* Deterministic xorshift64 so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint32_t rng_next(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

static size_t hex_decode(const char *hex, uint8_t *out)
{
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned v = 0;
        for (int j = 0; j < 2; j++) {
            char c = hex[2 * i + (size_t)j];
            v = v * 16 + (unsigned)(c <= '9' ? c - '0' : c - 'a' + 10);
        }
        out[i] = (uint8_t)v;
    }
    return n;
}

static void put32(uint8_t *p, uint32_t v, int order)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (order == ORDER_BIG ? (3 - i) * 8 : i * 8));
}

/* Header of an uncompressed message of n bytes: order, async, flag 0, reserved 0. */
static void put_header(uint8_t *msg, size_t n, int order)
{
    msg[0] = (uint8_t)order;
    msg[1] = 0;
    msg[2] = 0;
    msg[3] = 0;
    put32(msg + 4, (uint32_t)n, order);
}

/* 1000 symbols `q from position at: "q\0" each. Returns the end position. */
static size_t put_syms(uint8_t *msg, size_t at)
{
    for (size_t i = 0; i < SYM_COUNT; i++) {
        msg[at++] = 'q';
        msg[at++] = 0;
    }
    return at;
}

/* §4.5: 1000#`q = 0b 00 e8030000 then 1000 x "q\0". */
static size_t build_q_sym(uint8_t *msg, int order)
{
    put_header(msg, Q_SYM_MSG_BYTES, order);
    msg[8] = 11;   /* KS */
    msg[9] = 0;
    put32(msg + 10, SYM_COUNT, order);
    return put_syms(msg, HDR_BYTES + SYM_VEC_HDR_BYTES);
}

/* §4.5: ([] q:1000#`q) = 62 00 63 | 0b 00 01000000 7100 | 00 00 01000000 | 0b 00 e8030000 .. */
static size_t build_q_table(uint8_t *msg)
{
    static const uint8_t body[] = {0x62, 0x00, 0x63, 0x0b, 0x00, 0x01, 0x00, 0x00, 0x00,
                                   0x71, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0b,
                                   0x00, 0xe8, 0x03, 0x00, 0x00};
    put_header(msg, Q_TABLE_MSG_BYTES, ORDER_LITTLE);
    memcpy(msg + HDR_BYTES, body, sizeof body);
    return put_syms(msg, HDR_BYTES + sizeof body);
}

/* Copy src[0..n) into a fresh allocation of exactly n bytes, so ASan sees over-reads. */
static uint8_t *dup_exact(const uint8_t *src, size_t n)
{
    uint8_t *p = malloc(n ? n : 1);
    ck_assert_ptr_nonnull(p);
    memcpy(p, src, n);
    return p;
}

/* Compress msg[0..n) into a buffer of exactly n/2 bytes; when that succeeds, check the
 * header and that decompression gives msg back. Returns the compressed length or 0. */
static size_t round_trip(const uint8_t *msg, size_t n)
{
    uint8_t *z = malloc(n / 2);
    ck_assert_ptr_nonnull(z);
    size_t zn = compress_msg(msg, n, z);
    if (zn != 0) {
        ck_assert_uint_le(zn, n / 2);
        ck_assert_uint_ge(zn, ZHDR_BYTES + 1);
        ck_assert_uint_eq(z[0], msg[0]);
        ck_assert_uint_eq(z[1], msg[1]);
        ck_assert_uint_eq(z[2], 1);
        uint8_t *zexact = dup_exact(z, zn);
        ck_assert_int_eq(compress_peek_size(zexact, zn, PEEK_MAX), (int64_t)n);
        uint8_t *back = malloc(n);
        ck_assert_ptr_nonnull(back);
        const char *err = NULL;
        ck_assert_int_eq(decompress_msg(zexact, zn, back, (int64_t)n, &err), 0);
        ck_assert_mem_eq(back, msg, n);
        free(back);
        free(zexact);
    }
    free(z);
    return zn;
}

START_TEST(test_q_sym_decompress)
{
    uint8_t z[64], want[Q_SYM_MSG_BYTES], got[Q_SYM_MSG_BYTES];
    size_t zn = hex_decode(Q_SYM_HEX, z);
    ck_assert_uint_eq(zn, 45);
    ck_assert_uint_eq(build_q_sym(want, ORDER_LITTLE), Q_SYM_MSG_BYTES);
    ck_assert_int_eq(compress_peek_size(z, zn, PEEK_MAX), Q_SYM_MSG_BYTES);
    ck_assert_int_eq(decompress_msg(z, zn, got, Q_SYM_MSG_BYTES, NULL), 0);
    ck_assert_mem_eq(got, want, Q_SYM_MSG_BYTES);
}
END_TEST

START_TEST(test_q_sym_compress)
{
    uint8_t msg[Q_SYM_MSG_BYTES], want[64], got[Q_SYM_MSG_BYTES / 2];
    build_q_sym(msg, ORDER_LITTLE);
    size_t want_n = hex_decode(Q_SYM_HEX, want);
    ck_assert_uint_eq(compress_msg(msg, sizeof msg, got), want_n);
    ck_assert_mem_eq(got, want, want_n);
}
END_TEST

START_TEST(test_q_table_both_ways)
{
    uint8_t msg[Q_TABLE_MSG_BYTES], z[80], got[Q_TABLE_MSG_BYTES];
    ck_assert_uint_eq(build_q_table(msg), Q_TABLE_MSG_BYTES);
    size_t zn = hex_decode(Q_TABLE_HEX, z);
    ck_assert_uint_eq(zn, 63);
    ck_assert_int_eq(compress_peek_size(z, zn, PEEK_MAX), Q_TABLE_MSG_BYTES);
    ck_assert_int_eq(decompress_msg(z, zn, got, Q_TABLE_MSG_BYTES, NULL), 0);
    ck_assert_mem_eq(got, msg, Q_TABLE_MSG_BYTES);
    uint8_t *zz = malloc(Q_TABLE_MSG_BYTES / 2);
    ck_assert_ptr_nonnull(zz);
    ck_assert_uint_eq(compress_msg(msg, Q_TABLE_MSG_BYTES, zz), zn);
    ck_assert_mem_eq(zz, z, zn);
    free(zz);
}
END_TEST

/* Big-endian header: the same body gives q's stream, with the header sizes swapped
 * (§2.2). The body is kept little-endian so that the stream can be compared with q's. */
START_TEST(test_big_endian_header)
{
    uint8_t msg[Q_SYM_MSG_BYTES], z[Q_SYM_MSG_BYTES / 2], want[64], back[Q_SYM_MSG_BYTES];
    build_q_sym(msg, ORDER_LITTLE);
    put_header(msg, Q_SYM_MSG_BYTES, ORDER_BIG);
    size_t want_n = hex_decode(Q_SYM_HEX, want);
    want[0] = ORDER_BIG;
    put32(want + 4, (uint32_t)want_n, ORDER_BIG);
    put32(want + 8, Q_SYM_MSG_BYTES, ORDER_BIG);
    ck_assert_uint_eq(compress_msg(msg, sizeof msg, z), want_n);
    ck_assert_mem_eq(z, want, want_n);
    ck_assert_int_eq(compress_peek_size(z, want_n, PEEK_MAX), Q_SYM_MSG_BYTES);
    ck_assert_int_eq(decompress_msg(z, want_n, back, Q_SYM_MSG_BYTES, NULL), 0);
    ck_assert_mem_eq(back, msg, Q_SYM_MSG_BYTES);
    /* A genuine big-endian message (count swapped too) round-trips. */
    build_q_sym(msg, ORDER_BIG);
    ck_assert_uint_gt(round_trip(msg, Q_SYM_MSG_BYTES), 0);
}
END_TEST

/* Random bytes never halve, so the abandon rule fires; nothing past out[n/2-1] is touched. */
START_TEST(test_random_abandons)
{
    static const size_t sizes[] = {58, 100, COMPRESS_MIN_BYTES + 1, 10000, MAX_TEST_BYTES};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t n = sizes[k];
        uint8_t *msg = malloc(n), *out = malloc(n);
        ck_assert(msg && out);
        put_header(msg, n, ORDER_LITTLE);
        for (size_t i = HDR_BYTES; i < n; i++)
            msg[i] = (uint8_t)rng_next();
        memset(out, 0xa5, n);
        ck_assert_uint_eq(compress_msg(msg, n, out), 0);
        for (size_t i = n / 2; i < n; i++)
            ck_assert_uint_eq(out[i], 0xa5);
        free(msg);
        free(out);
    }
}
END_TEST

/* Below 58 bytes the first group already breaks the abandon rule: 0, nothing written. */
START_TEST(test_short_messages)
{
    uint8_t msg[64] = {0}, out[64];
    for (size_t n = HDR_BYTES; n < 58; n++) {
        put_header(msg, n, ORDER_LITTLE);
        memset(out, 0xa5, sizeof out);
        ck_assert_uint_eq(compress_msg(msg, n, out), 0);
        for (size_t i = 0; i < sizeof out; i++)
            ck_assert_uint_eq(out[i], 0xa5);
    }
    put_header(msg, 58, ORDER_LITTLE);
    ck_assert_uint_eq(round_trip(msg, 58), 17); /* ctrl, 2 literals, one 48-byte copy */
}
END_TEST

/* Fill msg[8..n) with pattern kind; every kind is compressible at most sizes. */
static void fill_pattern(uint8_t *msg, size_t n, int kind)
{
    size_t run = 0;
    uint8_t value = 0;
    for (size_t i = HDR_BYTES; i < n; i++) {
        size_t j = i - HDR_BYTES;
        switch (kind) {
        case 0: msg[i] = 0; break;                                /* one long run */
        case 1: msg[i] = (uint8_t)(j % 2 ? 0 : 'q'); break;        /* symbols `q */
        case 2: msg[i] = (uint8_t)(j % 3 * 7); break;              /* period 3 */
        case 3: msg[i] = (uint8_t)(j % 8 == 0 ? j / 8 : 0); break; /* counting longs */
        case 4: msg[i] = (uint8_t)(j % 257); break;                /* period > max copy */
        case 5: msg[i] = (uint8_t)(j % 1000 * 13); break;          /* long period */
        case 6:                                                    /* 4 random 8-byte words */
            if (j % 8 == 0)
                value = (uint8_t)(rng_next() % 4);
            msg[i] = (uint8_t)(j % 8 * 31 + value);
            break;
        case 7: msg[i] = (uint8_t)(rng_next() % 4 + 'a'); break;   /* 4-letter alphabet */
        default:                                                   /* random-length runs */
            if (run == 0) {
                run = rng_next() % 40 + 1;
                value = (uint8_t)rng_next();
            }
            msg[i] = value;
            run--;
            break;
        }
    }
}
#define PATTERN_KINDS 9
/* Kinds that must compress once past COMPRESS_MIN_BYTES. The others may abandon: q's
 * 256-slot dictionary loses long periods, and random letters give no 2-byte matches. */
static const int pattern_halves[PATTERN_KINDS] = {1, 1, 1, 1, 1, 0, 0, 0, 1};

START_TEST(test_repetitive_round_trips)
{
    uint8_t *msg = malloc(MAX_TEST_BYTES);
    ck_assert_ptr_nonnull(msg);
    size_t compressed = 0;
    /* Every size up to 400, then steps of 1/7 up to MAX_TEST_BYTES; both byte orders. */
    for (size_t n = HDR_BYTES + 1; n <= MAX_TEST_BYTES; n += n < 400 ? 1 : n / 7) {
        for (int kind = 0; kind < PATTERN_KINDS; kind++) {
            fill_pattern(msg, n, kind);
            put_header(msg, n, (int)(n % 2));
            size_t zn = round_trip(msg, n);
            if (n > COMPRESS_MIN_BYTES && pattern_halves[kind])
                ck_assert_msg(zn != 0, "kind %d, %zu bytes: abandoned", kind, n);
            compressed += zn != 0;
        }
    }
    ck_assert_uint_gt(compressed, 1000);
    /* Exact sizes at the abandon boundary and the 2000-byte threshold. */
    static const size_t edges[] = {57, 58, 59, 60, 2000, 2001, 65536, 65537};
    for (size_t k = 0; k < sizeof edges / sizeof edges[0]; k++) {
        fill_pattern(msg, edges[k], 0);
        put_header(msg, edges[k], ORDER_LITTLE);
        ck_assert_uint_eq(round_trip(msg, edges[k]) != 0, edges[k] >= 58);
    }
    free(msg);
}
END_TEST

/* §4.4 point 3: the last two bytes are literals even though their pair matched earlier. */
START_TEST(test_last_two_bytes_literal)
{
    enum { RUN = 1000, N = HDR_BYTES + 2 + RUN + 2 };
    uint8_t msg[N] = {0}, z[N / 2];
    put_header(msg, N, ORDER_LITTLE);
    msg[HDR_BYTES] = msg[N - 2] = 'A';
    msg[HDR_BYTES + 1] = msg[N - 1] = 'B';
    size_t zn = compress_msg(msg, N, z);
    ck_assert_uint_gt(zn, 0);
    ck_assert_uint_eq(z[zn - 2], 'A');
    ck_assert_uint_eq(z[zn - 1], 'B');
    ck_assert_uint_eq(round_trip(msg, N), zn);
}
END_TEST

/* Every proper prefix of a valid message is truncated; read with exact-size buffers. */
static void check_all_truncations(const uint8_t *z, size_t zn)
{
    int64_t size = compress_peek_size(z, zn, PEEK_MAX);
    ck_assert_int_gt(size, 0);
    uint8_t *out = malloc((size_t)size);
    ck_assert_ptr_nonnull(out);
    for (size_t len = 0; len < zn; len++) {
        uint8_t *part = dup_exact(z, len);
        const char *err = NULL;
        ck_assert_int_eq(decompress_msg(part, len, out, size, &err), -1);
        ck_assert_ptr_nonnull(err);
        if (len >= ZHDR_BYTES)
            ck_assert_str_eq(err, "compressed stream truncated");
        else
            ck_assert_int_eq(compress_peek_size(part, len, PEEK_MAX), -1);
        free(part);
    }
    free(out);
}

START_TEST(test_truncated_every_length)
{
    uint8_t z[80];
    check_all_truncations(z, hex_decode(Q_SYM_HEX, z));
    check_all_truncations(z, hex_decode(Q_TABLE_HEX, z));
    enum { N = 20000 };
    uint8_t *msg = malloc(N), *zz = malloc(N / 2);
    ck_assert(msg && zz);
    fill_pattern(msg, N, PATTERN_KINDS - 1);
    put_header(msg, N, ORDER_LITTLE);
    size_t zn = compress_msg(msg, N, zz);
    ck_assert_uint_gt(zn, 0);
    check_all_truncations(zz, zn);
    free(msg);
    free(zz);
}
END_TEST

/* Build "01 00 01 00 len size" + stream into z; returns the total length. */
static size_t build_stream(uint8_t *z, uint32_t size, const uint8_t *stream, size_t n)
{
    z[0] = ORDER_LITTLE;
    z[1] = 0;
    z[2] = 1;
    z[3] = 0;
    put32(z + 4, (uint32_t)(ZHDR_BYTES + n), ORDER_LITTLE);
    put32(z + 8, size, ORDER_LITTLE);
    memcpy(z + ZHDR_BYTES, stream, n);
    return ZHDR_BYTES + n;
}

static void expect_error(const uint8_t *z, size_t zn, int64_t size, const char *want)
{
    uint8_t *in = dup_exact(z, zn), *out = malloc(size > 0 ? (size_t)size : 1);
    ck_assert_ptr_nonnull(out);
    const char *err = NULL;
    ck_assert_int_eq(decompress_msg(in, zn, out, size, &err), -1);
    ck_assert_str_eq(err, want);
    ck_assert_int_eq(decompress_msg(in, zn, out, size, NULL), -1);
    free(in);
    free(out);
}

START_TEST(test_copy_source_out_of_range)
{
    uint8_t z[32];
    static const uint8_t first_copy[] = {0x01, 0x00, 0x00};          /* empty slot 0 */
    expect_error(z, build_stream(z, 20, first_copy, sizeof first_copy), 20,
                 "copy source out of range");
    static const uint8_t unknown_slot[] = {0x04, 'a', 'b', 0x7f, 0x00}; /* a^b = 3, not 0x7f */
    expect_error(z, build_stream(z, 20, unknown_slot, sizeof unknown_slot), 20,
                 "copy source out of range");
    /* Late recording: the literal just before a copy (position 10) is not yet in the
     * dictionary, even if the copy would go on with 'd'; only 8 (a^b) and 9 (b^c) are. */
    static const uint8_t too_early[] = {0x08, 'a', 'b', 'c', 'c' ^ 'd', 0x00};
    expect_error(z, build_stream(z, 20, too_early, sizeof too_early), 20,
                 "copy source out of range");
}
END_TEST

START_TEST(test_copy_past_size)
{
    uint8_t z[80];
    size_t zn = hex_decode(Q_SYM_HEX, z);
    z[zn - 1] = 0xc0;                  /* last copy one byte longer than the message */
    expect_error(z, zn, Q_SYM_MSG_BYTES, "copy past declared size");
    zn = hex_decode(Q_SYM_HEX, z);
    put32(z + 8, Q_SYM_MSG_BYTES - 1, ORDER_LITTLE);
    expect_error(z, zn, Q_SYM_MSG_BYTES - 1, "copy past declared size");
    static const uint8_t run[] = {0x04, 'a', 'b', 'a' ^ 'b', 0x09}; /* 11 bytes into 10 */
    expect_error(z, build_stream(z, 20, run, sizeof run), 20, "copy past declared size");
}
END_TEST

START_TEST(test_bad_sizes)
{
    uint8_t z[80];
    size_t zn = hex_decode(Q_SYM_HEX, z);
    ck_assert_int_eq(compress_peek_size(z, zn, Q_SYM_MSG_BYTES), Q_SYM_MSG_BYTES);
    ck_assert_int_eq(compress_peek_size(z, zn, Q_SYM_MSG_BYTES - 1), -1);
    ck_assert_int_eq(compress_peek_size(z, ZHDR_BYTES - 1, PEEK_MAX), -1);
    static const uint32_t bad[] = {0, 1, 8, 0x7fffffffu + 1u, 0xffffffffu};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        put32(z + 8, bad[k], ORDER_LITTLE);
        ck_assert_int_eq(compress_peek_size(z, zn, INT64_MAX), -1);
        expect_error(z, zn, 9, "uncompressed size mismatch");
    }
    put32(z + 8, 9, ORDER_LITTLE);
    ck_assert_int_eq(compress_peek_size(z, zn, 9), 9);
    put32(z + 8, Q_SYM_MSG_BYTES, ORDER_BIG);
    ck_assert_int_eq(compress_peek_size(z, zn, INT64_MAX), -1); /* read as little: < 0 */
    z[0] = ORDER_BIG;
    ck_assert_int_eq(compress_peek_size(z, zn, PEEK_MAX), Q_SYM_MSG_BYTES);
    /* out_n must be the declared size. */
    zn = hex_decode(Q_SYM_HEX, z);
    expect_error(z, zn, Q_SYM_MSG_BYTES + 1, "uncompressed size mismatch");
    expect_error(z, zn, -1, "uncompressed size mismatch");
    expect_error(z, 5, Q_SYM_MSG_BYTES, "compressed header truncated");
}
END_TEST

/* Garbage streams only ever succeed or fail cleanly; ASan checks the bounds. */
START_TEST(test_random_streams)
{
    enum { STREAM_MAX = 64, SIZE_MAX_TEST = 600, ROUNDS = 20000 };
    uint8_t stream[STREAM_MAX], z[ZHDR_BYTES + STREAM_MAX];
    for (int round = 0; round < ROUNDS; round++) {
        size_t len = rng_next() % STREAM_MAX;
        uint32_t size = rng_next() % SIZE_MAX_TEST + 9;
        for (size_t i = 0; i < len; i++)
            stream[i] = (uint8_t)(round % 2 ? rng_next() : rng_next() % 4);
        size_t zn = build_stream(z, size, stream, len);
        uint8_t *in = dup_exact(z, zn), *out = malloc(size);
        ck_assert_ptr_nonnull(out);
        const char *err = NULL;
        int rc = decompress_msg(in, zn, out, size, &err);
        ck_assert(rc == 0 || (rc == -1 && err != NULL));
        free(in);
        free(out);
    }
}
END_TEST

static Suite *compress_suite(void)
{
    Suite *s = suite_create("compress");
    TCase *q = tcase_create("q_vectors");
    tcase_add_test(q, test_q_sym_decompress);
    tcase_add_test(q, test_q_sym_compress);
    tcase_add_test(q, test_q_table_both_ways);
    tcase_add_test(q, test_big_endian_header);
    suite_add_tcase(s, q);
    TCase *c = tcase_create("compressor");
    tcase_add_test(c, test_random_abandons);
    tcase_add_test(c, test_short_messages);
    tcase_add_test(c, test_repetitive_round_trips);
    tcase_add_test(c, test_last_two_bytes_literal);
    suite_add_tcase(s, c);
    TCase *d = tcase_create("decoder_errors");
    tcase_add_test(d, test_truncated_every_length);
    tcase_add_test(d, test_copy_source_out_of_range);
    tcase_add_test(d, test_copy_past_size);
    tcase_add_test(d, test_bad_sizes);
    tcase_add_test(d, test_random_streams);
    suite_add_tcase(s, d);
    return s;
}

int main(void)
{
    return tk_check_run(compress_suite());
}
