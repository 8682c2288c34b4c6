/* fuzz_q.c: libFuzzer target for the q interpreter: parse and evaluate hostile text in
 * restricted mode (no shell, files or sockets). Any input must give a value or an error
 * value, never a crash, a leak or a sanitizer report.
 * SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <stdint.h>

#include "q.h"

#define FUZZ_Q_MAX_BYTES 4096 /* longer inputs only slow the search down */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        if (q_init()) abort();
        q_restrict_set(1);
        ready = 1;
    }
    if (size > FUZZ_Q_MAX_BYTES) return 0;
    K tree = q_parse((const char *)data, (J)size);
    if (!tree) abort();
    r0(tree);
    K r = q_eval((const char *)data, (J)size);
    if (!r) abort();
    r0(r);
    return 0;
}
