/* hash.h: MD5 (RFC 1321) and SHA-1 (RFC 3174) digests and lowercase hex, for password
 * files (ipc-protocol.md §7.2). Not for anything needing collision resistance.
 * Password checking itself is auth.c. SPDX-License-Identifier: MIT */
#ifndef TICK_HASH_H
#define TICK_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_MD5_BYTES 16
#define HASH_SHA1_BYTES 20

void hash_md5(const void *data, size_t n, uint8_t out[HASH_MD5_BYTES]);
void hash_sha1(const void *data, size_t n, uint8_t out[HASH_SHA1_BYTES]);
/* Write 2*n lowercase hex digits and a NUL into out. */
void hash_hex(const uint8_t *digest, size_t n, char *out);

#endif
