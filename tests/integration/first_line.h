/* first_line.h: read a started daemon's first output line (its "PORT n") from a pipe,
 * with a time limit; shared by the integration tests' process starters.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_FIRST_LINE_H
#define TICK_FIRST_LINE_H

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

/* Read from fd into line (size bytes, NUL-terminated) until a newline arrives, the pipe
 * closes, or wait_ms passes with nothing to read. Returns the bytes read. */
static inline size_t first_line_read(int fd, char *line, size_t size, int wait_ms)
{
    size_t have = 0;
    line[0] = 0;
    while (have < size - 1 && !strchr(line, '\n')) {
        struct pollfd pf = { .fd = fd, .events = POLLIN };
        int ready = poll(&pf, 1, wait_ms);
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) break;
        ssize_t got = read(fd, line + have, size - 1 - have);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        have += (size_t)got;
        line[have] = 0;
    }
    return have;
}

#endif
