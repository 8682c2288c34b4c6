/* fuzz_deserialize.c: libFuzzer target for the IPC decoder (ser_decode_msg, ser_decode).
 * Any input must give a value or a clean error; a value must be valid and survive
 * encode → decode unchanged.
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <stdlib.h>

#include "ser.h"

#define FUZZ_MAX_BYTES (1 << 24)

static void check_round_trip(K x)
{
    if (!k_valid(x)) { fprintf(stderr, "decoder returned an invalid value\n"); abort(); }
    K msg = ser_encode(x, x->t == KERR ? SER_RESPONSE : SER_ASYNC, SER_MAX_CAPABILITY, 1);
    if (msg->t != KG) { fprintf(stderr, "decoded value does not encode: %s\n", msg->s); abort(); }
    char err[SER_ERR_BYTES];
    K back = ser_decode_msg(kG(msg), msg->n, SER_MAX_MSG_BYTES, NULL, err);
    if (!back || !k_match(x, back)) { fprintf(stderr, "round trip differs: %s\n", back ? "" : err); abort(); }
    r0(back);
    r0(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[SER_ERR_BYTES];
    /* as a whole message, header included */
    K x = ser_decode_msg(data, (J)size, FUZZ_MAX_BYTES, NULL, err);
    if (x) { check_round_trip(x); r0(x); }
    /* as a bare body, in both byte orders, errors allowed at the top */
    for (int little = 0; little < 2; little++) {
        x = ser_decode(data, (J)size, little, 1, err);
        if (x) { check_round_trip(x); r0(x); }
    }
    return 0;
}
