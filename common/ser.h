/* ser.h: the kdb+ IPC wire format (ipc-protocol.md §2–§3): message headers, and
 * encoding K values to bytes and back. Compression is compress.h; sockets are net.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_SER_H
#define TICK_SER_H

#include "k.h"

#define SER_HDR_BYTES 8           /* message header (§2.1) */
#define SER_MIN_MSG_BYTES 10      /* header + the smallest object, `65 00` (§2.6) */
#define SER_MAX_DEPTH 1024        /* nesting limit of the decoder (§3.13) */
#define SER_MAX_CAPABILITY 3      /* what we offer and accept (§1.3) */
#define SER_MAX_MSG_BYTES ((J)INT32_MAX) /* capability <= 4: lengths are int32 (§8.1) */
#define SER_ERR_BYTES 160         /* room for a decoder error text */

enum ser_msg_type { SER_ASYNC = 0, SER_SYNC = 1, SER_RESPONSE = 2 };

struct ser_header {
    int is_little;        /* byte 0: 1 little-endian, 0 big-endian */
    int msg_type;         /* byte 1: enum ser_msg_type */
    int is_compressed;    /* byte 2 */
    J total_bytes;        /* bytes 4..7: whole message, header included (compressed size) */
};

/* Parse and validate an 8-byte header against max_bytes (at most SER_MAX_MSG_BYTES).
 * Returns 0, or -1 with a static reason in *err_text ("bad byte order", …). */
int ser_header_parse(const G *bytes, J max_bytes, struct ser_header *out,
                     const char **err_text);

/* Write a little-endian header. */
void ser_header_write(G *bytes, int msg_type, int is_compressed, J total_bytes);

/* Bytes the body of x takes when sent to a peer with capability cap.
 * Returns -1 and sets *err (a new error value: 'type for a type the capability cannot
 * carry or a value with no wire form, 'limit for a message of 2 GiB or more).
 * Ownership: x borrowed; *err new. */
J ser_body_size(K x, int cap, K *err);

/* Encode the body of x into out, which holds at least ser_body_size(x) bytes; returns
 * the bytes written. Ownership: x borrowed. */
J ser_body_write(K x, G *out);

/* A whole message (header + body) as a byte vector, compressed when allowed and it pays
 * (cap >= 1, more than COMPRESS_MIN_BYTES, result under half). Returns the byte vector or
 * an error value as ser_body_size. Ownership: x borrowed; returns new. */
K ser_encode(K x, int msg_type, int cap, int may_compress);

/* Decode one object filling body[0..n) exactly, in the given byte order. A top-level
 * error object (-128) is accepted only when allow_error is set (responses).
 * Returns the value, or NULL with a text naming the failure and its offset in err
 * (SER_ERR_BYTES). Ownership: returns new. */
K ser_decode(const G *body, J n, int is_little, int allow_error, char *err);

/* Length of the first object in body[0..n) without building it (journal records have
 * no length prefix). Returns the length, or -1 with a text in err when the bytes do not
 * hold one complete, well-formed object (truncated, bad type, bad count …). */
J ser_measure(const G *body, J n, int is_little, char *err);

/* Decode a whole message (header included, decompressing when flagged), checking its
 * length field against n and max_bytes. Returns as ser_decode; *msg_type (if not NULL)
 * receives the header's message type. */
K ser_decode_msg(const G *msg, J n, J max_bytes, int *msg_type, char *err);

/* KX C API. b9: serialise x as a message (mode -1: capability 3, no compression;
 * 0..3: that capability, compressed when it pays). d9: deserialise a message byte vector;
 * errors come back as error values. okx: 1 when byte vector x holds one valid message.
 * Ownership: x borrowed; returns new. */
K b9(I mode, K x);
K d9(K x);
I okx(K x);

#endif
