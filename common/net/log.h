/* log.h: timestamped log lines on stderr for the runtime (net, roles).
 * One line per call, written with a single write(2) so lines from one process never mix.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_LOG_H
#define TICK_LOG_H

#include <stddef.h>

#define LOG_LINE_BYTES 1024   /* longest line; longer text is cut */
#define LOG_HEX_BYTES 32      /* bytes shown by log_hex_prefix */

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

/* Write "2026-11-27T12:00:00.123Z LEVEL text" to stderr when level >= the threshold. */
void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Lines below this level are dropped (default LOG_INFO; env TICK_LOG=debug lowers it). */
void log_level_set(enum log_level level);

/* Format up to LOG_HEX_BYTES of bytes[0..n) as hex ("01 00 ff …") into out (out_bytes of
 * room, at least 4). Returns out. */
char *log_hex_prefix(const void *bytes, size_t n, char *out, size_t out_bytes);

#define log_info(...) log_write(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_write(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_write(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_write(LOG_DEBUG, __VA_ARGS__)

#endif
