/* qipc.h: IPC from q code: hopen, hclose and applying a handle (h x sync, neg[h] x
 * async, neg[h][] flush, h"" chaser), on top of net.h (q-subset.md §5.3).
 * The process runtime (runtime.c) installs it; the transport itself is net.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_QIPC_H
#define TICK_QIPC_H

#include "k.h"

#define QIPC_DEFAULT_HOST "localhost"

/* Register hopen and hclose in the root namespace and route handle application to net.
 * The interpreter and net must be initialised. Returns 0, or -1 when memory runs out. */
int qipc_init(void);

/* Parse a handle symbol's text ":host:port[:user:pass]" (leading colon optional, host
 * may be empty for localhost). Writes host (host_size bytes) and credentials
 * (cred_size bytes, "" when none) and returns the port, or -1 when the text has no
 * valid port. */
int qipc_parse_target(const char *text, char *host, size_t host_size, char *credentials,
                      size_t cred_size);

#endif
