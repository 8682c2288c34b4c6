/* fuzz_decompress.c: libFuzzer target for decompress_msg on untrusted bytes (§4.3).
 * Whatever decodes must survive compress_msg and decode again to the same bytes; the
 * input is also compressed as a plain message. Seeds: tests/fuzz/corpus/decompress/.
 * SPDX-License-Identifier: MIT */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"

#define FUZZ_MAX_BYTES (1 << 24)  /* largest uncompressed size we allocate */
#define FUZZ_HDR_BYTES 8          /* plain IPC header */
#define FUZZ_ORDER_BYTES 2        /* header bytes a round trip keeps: order, type */

/* Compress msg[0..n) and check that decompression restores it. The header comes back
 * with flag 0, reserved 0 and length n, so unless is_canonical (msg came from
 * decompress_msg, whose header is already so) only its first two bytes are compared. */
static void fuzz_round_trip(const uint8_t *msg, size_t n, int is_canonical)
{
    uint8_t *packed = malloc(n / 2);
    if (packed == NULL)
        return;
    size_t packed_n = compress_msg(msg, n, packed);
    if (packed_n == 0) {
        free(packed);
        return;
    }
    if (packed_n > n / 2 || compress_peek_size(packed, packed_n, FUZZ_MAX_BYTES) != (int64_t)n)
        abort();
    uint8_t *again = malloc(n);
    if (again == NULL)
        abort();
    if (decompress_msg(packed, packed_n, again, (int64_t)n, NULL) != 0)
        abort();
    if (memcmp(again, msg, is_canonical ? FUZZ_HDR_BYTES : FUZZ_ORDER_BYTES) != 0 ||
        memcmp(again + FUZZ_HDR_BYTES, msg + FUZZ_HDR_BYTES, n - FUZZ_HDR_BYTES) != 0)
        abort();
    free(again);
    free(packed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t out_n = compress_peek_size(data, size, FUZZ_MAX_BYTES);
    if (out_n > 0) {
        uint8_t *out = malloc((size_t)out_n);
        if (out == NULL)
            return 0;
        const char *err = NULL;
        if (decompress_msg(data, size, out, out_n, &err) == 0)
            fuzz_round_trip(out, (size_t)out_n, 1);
        else if (err == NULL)
            abort();   /* every failure must say why */
        free(out);
    }
    if (size >= FUZZ_HDR_BYTES && size <= FUZZ_MAX_BYTES)
        fuzz_round_trip(data, size, 0);
    return 0;
}
