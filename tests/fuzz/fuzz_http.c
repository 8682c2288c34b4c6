/* fuzz_http.c: libFuzzer target for the HTTP request-head parser (ipc-protocol.md §6):
 * any bytes give a complete head, a request for more, or a 400/413/414 status.
 * SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <string.h>

#include "net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct net_http_request req;   /* large: keep it off the stack */
    int rc = net_http_parse((const char *)data, size, &req);
    if (rc > 0) {
        if ((size_t)rc > size || req.body_bytes < 0) abort();
        if (memchr(req.target, 0, sizeof req.target) == NULL) abort();
        if (memchr(req.method, 0, sizeof req.method) == NULL) abort();
    } else if (rc != 0 && rc != -400 && rc != -413 && rc != -414) {
        abort();
    }
    return 0;
}
