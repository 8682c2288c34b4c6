/* compress.h: kdb+ IPC compression (ipc-protocol.md §4), byte-identical to q's -18!/-9!.
 * Works on whole messages, 8-byte header included; framing and the decision to compress
 * (capability, local peer, §4.1) belong to net.c. Knows nothing of K values (no k.h).
 * SPDX-License-Identifier: MIT */
#ifndef TICK_COMPRESS_H
#define TICK_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define COMPRESS_MIN_BYTES 2000   /* q compresses only messages longer than this (§4.1) */

/* Compress whole message in[0..n) (header included, n >= 8) into out, which must hold
 * at least n/2 bytes. Returns the compressed message length (header byte 2 set to 1,
 * bytes 4..7 = compressed length, 8..11 = n), or 0 when the abandon rule fires
 * (send the message uncompressed). Never writes past out[n/2 - 1].
 * Byte 0 of in gives the byte order of the size fields: 0 big-endian, otherwise
 * little-endian. Messages shorter than 58 bytes or longer than INT32_MAX always give 0.
 * Ownership: in borrowed; out is caller memory, written in place. */
size_t compress_msg(const uint8_t *in, size_t n, uint8_t *out);

/* Read the declared uncompressed length (header included) of compressed message in[0..n).
 * Returns it, or -1 when n < 12 or the value is < 9 or > max_bytes.
 * Looks only at the header; the stream itself is checked by decompress_msg. */
int64_t compress_peek_size(const uint8_t *in, size_t n, int64_t max_bytes);

/* Decompress compressed message in[0..n) into out[0..out_n), out_n being exactly the value
 * compress_peek_size returned. Writes the 8-byte header (order, type copied; flag 0;
 * reserved 0; length = out_n in the message's byte order). Returns 0 on success, -1 on
 * malformed input (any failed require of §4.3, stream ends early), with a short static
 * text in *err_text when err_text != NULL (e.g. "compressed stream truncated",
 * "copy source out of range", "copy past declared size"). Never reads past in[n-1] nor
 * writes past out[out_n-1]. Bytes after the end of the stream are ignored, as q does.
 * Ownership: in borrowed; out is caller memory; *err_text is static, never freed. */
int decompress_msg(const uint8_t *in, size_t n, uint8_t *out, int64_t out_n,
                   const char **err_text);

#ifdef __cplusplus
}
#endif

#endif /* TICK_COMPRESS_H */
