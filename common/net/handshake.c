/* handshake.c: pure functions for a new connection's first bytes: protocol sniffing
 * (ipc-protocol.md §1.2) and the IPC handshake parser (§1.3). No sockets, no state,
 * so tests and fuzzers call them directly; net.c feeds them.
 * SPDX-License-Identifier: MIT */
#include "net.h"

#include <string.h>

#define NET_TLS_HANDSHAKE_BYTE 0x16   /* TLS record type "handshake" (ClientHello) */
#define NET_CAPABILITY_BELOW 0x20     /* a byte below this before the NUL is the capability */

/* Method tokens with their trailing space; case-sensitive (§1.2). */
static const char *const net_http_methods[] = {
    "GET ", "POST ", "PUT ", "PATCH ", "DELETE ", "OPTIONS ", "HEAD ",
};

enum net_proto net_sniff(const G *bytes, size_t n)
{
    if (n == 0) return NET_PROTO_MORE;
    if (bytes[0] == NET_TLS_HANDSHAKE_BYTE) return NET_PROTO_TLS;
    int is_prefix = 0;
    for (size_t i = 0; i < sizeof net_http_methods / sizeof *net_http_methods; i++) {
        size_t len = strlen(net_http_methods[i]);
        size_t cmp = n < len ? n : len;
        if (memcmp(bytes, net_http_methods[i], cmp)) continue;
        if (n >= len) return NET_PROTO_HTTP;
        is_prefix = 1;
    }
    /* "GE" may become "GET " or the user name "GEORGE"; a NUL settles it as IPC. */
    if (is_prefix && !memchr(bytes, 0, n)) return NET_PROTO_MORE;
    return NET_PROTO_IPC;
}

int net_handshake_parse(const G *bytes, size_t n, struct net_handshake *out)
{
    size_t limit = n < NET_HANDSHAKE_MAX_BYTES ? n : NET_HANDSHAKE_MAX_BYTES;
    const G *nul = memchr(bytes, 0, limit);
    if (!nul) return n >= NET_HANDSHAKE_MAX_BYTES ? -1 : 0;
    size_t cred_len = (size_t)(nul - bytes);
    int capability = 0;
    if (cred_len > 0 && bytes[cred_len - 1] < NET_CAPABILITY_BELOW) {
        capability = bytes[cred_len - 1];
        cred_len--;
    }
    const G *colon = memchr(bytes, ':', cred_len);
    size_t user_len = colon ? (size_t)(colon - bytes) : cred_len;
    size_t pass_len = colon ? cred_len - user_len - 1 : 0;
    memcpy(out->user, bytes, user_len);
    out->user[user_len] = 0;
    if (pass_len) memcpy(out->password, colon + 1, pass_len);
    out->password[pass_len] = 0;
    out->capability = capability;
    return (int)(nul - bytes) + 1;
}
