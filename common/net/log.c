/* log.c: timestamped log lines on stderr (log.h). No allocation; one write(2) per line.
 * SPDX-License-Identifier: MIT */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LOG_NS_PER_MS 1000000L
#define LOG_UNSET (-1)

/* The threshold; LOG_UNSET until first use reads TICK_LOG. Process-wide by design:
 * one stderr per process. */
static int log_threshold = LOG_UNSET;

static const char *const log_names[] = { "DEBUG", "INFO", "WARN", "ERROR" };

void log_level_set(enum log_level level) { log_threshold = (int)level; }

static int log_threshold_get(void)
{
    if (log_threshold == LOG_UNSET) {
        const char *env = getenv("TICK_LOG");
        log_threshold = env && !strcmp(env, "debug") ? LOG_DEBUG
                      : env && !strcmp(env, "warn") ? LOG_WARN
                      : env && !strcmp(env, "error") ? LOG_ERROR : LOG_INFO;
    }
    return log_threshold;
}

void log_write(enum log_level level, const char *fmt, ...)
{
    if ((int)level < log_threshold_get()) return;
    char line[LOG_LINE_BYTES];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    int used = snprintf(line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %-5s ",
                        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                        tm.tm_min, tm.tm_sec, ts.tv_nsec / LOG_NS_PER_MS,
                        log_names[level]);
    va_list ap;
    va_start(ap, fmt);
    int more = vsnprintf(line + used, sizeof line - (size_t)used, fmt, ap);
    va_end(ap);
    size_t len = more < 0 ? (size_t)used : (size_t)used + (size_t)more;
    if (len > sizeof line - 2) len = sizeof line - 2;
    line[len++] = '\n';
    /* A failed write to stderr has nowhere to be reported. */
    (void)!write(STDERR_FILENO, line, len);
}

char *log_hex_prefix(const void *bytes, size_t n, char *out, size_t out_bytes)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *b = bytes;
    size_t shown = n < LOG_HEX_BYTES ? n : LOG_HEX_BYTES, at = 0;
    for (size_t i = 0; i < shown && at + 4 < out_bytes; i++) {
        out[at++] = digits[b[i] >> 4];
        out[at++] = digits[b[i] & 0xf];
        out[at++] = ' ';
    }
    if (shown < n && at + 4 < out_bytes) { out[at++] = '.'; out[at++] = '.'; out[at++] = '.'; }
    else if (at > 0) at--;
    out[at] = 0;
    return out;
}
