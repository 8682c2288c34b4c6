/* ktime.c: calendar arithmetic on q's day counts (days since 2000.01.01).
 * Display of temporal values is the interpreter's; this is arithmetic only.
 * SPDX-License-Identifier: MIT */
#include "k.h"

/* Days from 1970.01.01 to y.m.d in the proleptic Gregorian calendar
 * (the civil-from-days inverse, after Howard Hinnant's public algorithm). */
static J days_from_civil(J y, J m, J d)
{
    y -= m <= 2;
    J era = (y >= 0 ? y : y - 399) / 400;
    J yoe = y - era * 400;
    J doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    J doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

I ymd(I year, I month, I day)
{
    return (I)(days_from_civil(year, month, day) - K_EPOCH_DAYS);
}

I dj(I days)
{
    J z = (J)days + K_EPOCH_DAYS + 719468;
    J era = (z >= 0 ? z : z - 146096) / 146097;
    J doe = z - era * 146097;
    J yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    J y = yoe + era * 400;
    J doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    J mp = (5 * doy + 2) / 153;
    J d = doy - (153 * mp + 2) / 5 + 1;
    J m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    return (I)(y * 10000 + m * 100 + d);
}
