/* bench_util.h: the clock and the random numbers every benchmark program uses, so
 * their figures come from the same measurement. Header-only: each bench is one file.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_BENCH_UTIL_H
#define TICK_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

/* Seconds on the monotonic clock. */
static inline double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64: fast, fixed seed, so every run measures the same data. */
static uint64_t bench_rng_state = 0x9e3779b97f4a7c15ULL;
static inline uint64_t rng(void)
{
    bench_rng_state ^= bench_rng_state << 13;
    bench_rng_state ^= bench_rng_state >> 7;
    bench_rng_state ^= bench_rng_state << 17;
    return bench_rng_state;
}

#endif
