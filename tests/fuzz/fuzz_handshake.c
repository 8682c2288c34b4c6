/* fuzz_handshake.c: libFuzzer target for a new connection's first bytes: protocol
 * sniffing and the IPC handshake parser (ipc-protocol.md §1.2–1.3).
 * SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum net_proto proto = net_sniff(data, size);
    if (proto > NET_PROTO_TLS) abort();
    struct net_handshake hs;
    int taken = net_handshake_parse(data, size, &hs);
    if (taken > 0) {
        /* what was taken ends with the NUL, and the parts fit what was taken */
        if ((size_t)taken > size || data[taken - 1] != 0) abort();
        if (strlen(hs.user) + strlen(hs.password) >= (size_t)taken + 1) abort();
        if (hs.capability < 0 || hs.capability > 255) abort();
    } else if (taken < -1 || (taken == 0 && size >= NET_HANDSHAKE_MAX_BYTES)) {
        abort();
    }
    return 0;
}
