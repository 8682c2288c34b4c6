/* examples/k_api.c: build a trade update with the KX-style C API, serialise it as the
 * async message a feed handler sends (`.u.upd;`trade;data), and decode it back.
 * Built and run by the test suite, so the README's example stays true.
 * SPDX-License-Identifier: MIT */
#include <stdio.h>
#include <string.h>

#include "k.h"
#include "ser.h"

int main(void)
{
    /* one row of trade: time sym price size, in column form */
    K time = ktn(KN, 1), sym = ktn(KS, 1), price = ktn(KF, 1), size = ktn(KJ, 1);
    kJ(time)[0] = 34200000000000LL;          /* 0D09:30:00.000000000 */
    kS(sym)[0] = ss("IBM");
    kF(price)[0] = 100.25;
    kJ(size)[0] = 300;
    K msg = knk(3, ks(".u.upd"), ks("trade"), knk(4, time, sym, price, size));

    K bytes = b9(-1, msg);                   /* header + body, as -8! gives */
    if (bytes->t == KERR) { fprintf(stderr, "'%s\n", bytes->s); return 1; }
    printf("%lld bytes:", (long long)bytes->n);
    for (J i = 0; i < bytes->n; i++) printf("%s%02x", i % 16 ? "" : "\n  ", kG(bytes)[i]);
    printf("\n");

    K back = d9(bytes);                      /* and back again */
    int same = k_match(back, msg);
    printf("round trip %s; table %s, %lld columns\n", same ? "ok" : "DIFFERS",
           kK(back)[1]->s, (long long)kK(back)[2]->n);
    r0(back);
    r0(bytes);
    r0(msg);
    return same ? 0 : 1;
}
