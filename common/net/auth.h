/* auth.h: password files for -u/-U (ipc-protocol.md §7.2): one user:password line each,
 * the password stored plain, as MD5 hex (32) or SHA-1 hex (40). Compared in constant
 * time. The .z.pw hook and closing refused connections are net.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_AUTH_H
#define TICK_AUTH_H

#include <stddef.h>

struct auth_table;

/* Load path. Returns the table, or NULL with a message in err (err_bytes of room). */
struct auth_table *auth_load(const char *path, char *err, size_t err_bytes);
void auth_free(struct auth_table *t);

/* 1 when user is in t and password matches its entry in any of the three forms. */
int auth_check(const struct auth_table *t, const char *user, const char *password);

/* Decode standard base64 text[0..n) into out (out_bytes of room, NUL-terminated).
 * Returns the decoded length, or -1 on bad input or no room. For HTTP Basic auth. */
long auth_base64_decode(const char *text, size_t n, char *out, size_t out_bytes);

#endif
