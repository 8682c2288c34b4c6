/* fuzz_q.c: libFuzzer target for the q interpreter: parse and evaluate hostile text in
 * restricted mode (no shell, files or sockets). Any input must give a value or an error
 * value, never a crash, a leak or a sanitizer report. Each input starts from a fresh
 * interpreter (q_init/q_fini), so globals never leak from one input to the next.
 * SPDX-License-Identifier: MIT */
#include <stdlib.h>
#include <stdint.h>

#include "q.h"

#define FUZZ_Q_MAX_BYTES 4096 /* longer inputs only slow the search down */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > FUZZ_Q_MAX_BYTES) return 0;
    /* a fresh interpreter per input, so a finding reproduces from its one file */
    if (q_init()) abort();
    q_restrict_set(1);
    K tree = q_parse((const char *)data, (J)size);
    if (!tree) abort();
    r0(tree);
    K r = q_eval((const char *)data, (J)size);
    if (!r) abort();
    r0(r);
    q_fini();
    return 0;
}
