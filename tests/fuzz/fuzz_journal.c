/* fuzz_journal.c: libFuzzer target for the journal scanner (-11! over hostile bytes).
 * Whatever the bytes, a scan ends cleanly and its counts agree with a replay's.
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

#include "journal.h"

static int count_record(void *ctx, K record, J index)
{
    (void)index;
    if (!k_valid(record)) abort();
    (*(J *)ctx)++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct jnl_scan measured, replayed;
    J seen = 0;
    int a = jnl_scan_bytes(data, (J)size, -1, NULL, NULL, &measured);
    int b = jnl_scan_bytes(data, (J)size, -1, count_record, &seen, &replayed);
    if (a != b || (a == 0 && (measured.records != replayed.records || seen != measured.records
                              || measured.valid_bytes != replayed.valid_bytes))) {
        fprintf(stderr, "scan and replay disagree\n");
        abort();
    }
    return 0;
}
