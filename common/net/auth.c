/* auth.c: password files (-u/-U) and their constant-time check (auth.h); base64 for
 * HTTP Basic credentials. Digests come from hash.c; sockets and hooks are net.c.
 * SPDX-License-Identifier: MIT */
#include "auth.h"
#include "hash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUTH_LINE_BYTES 4096
#define AUTH_MD5_HEX (2 * HASH_MD5_BYTES)
#define AUTH_SHA1_HEX (2 * HASH_SHA1_BYTES)
#define AUTH_B64_BITS 6
#define AUTH_B64_LOWER 26   /* RFC 4648 alphabet: A-Z, a-z, 0-9, +, / */
#define AUTH_B64_DIGIT 52
#define AUTH_B64_PLUS 62
#define AUTH_B64_SLASH 63

struct auth_entry {
    char *user;       /* malloc'd */
    char *stored;     /* malloc'd: plain, md5 hex or sha1 hex */
};

struct auth_table {
    struct auth_entry *entries;  /* n of them */
    size_t n;
};

void auth_free(struct auth_table *t)
{
    if (!t) return;
    for (size_t i = 0; i < t->n; i++) { free(t->entries[i].user); free(t->entries[i].stored); }
    free(t->entries);
    free(t);
}

static int auth_add(struct auth_table *t, const char *line)
{
    const char *colon = strchr(line, ':');
    if (!colon) return 0;   /* a user with no password entry can never log in */
    struct auth_entry *grown = realloc(t->entries, (t->n + 1) * sizeof *grown);
    if (!grown) return -1;
    t->entries = grown;
    grown[t->n].user = strndup(line, (size_t)(colon - line));
    grown[t->n].stored = strdup(colon + 1);
    if (!grown[t->n].user || !grown[t->n].stored) {
        free(grown[t->n].user);
        free(grown[t->n].stored);
        return -1;
    }
    t->n++;
    return 0;
}

struct auth_table *auth_load(const char *path, char *err, size_t err_bytes)
{
    FILE *f = fopen(path, "r");
    if (!f) { snprintf(err, err_bytes, "%s: %s", path, strerror(errno)); return NULL; }
    struct auth_table *t = calloc(1, sizeof *t);
    char line[AUTH_LINE_BYTES];
    while (t && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!line[0]) continue;
        if (auth_add(t, line)) { auth_free(t); t = NULL; }
    }
    if (!t) snprintf(err, err_bytes, "%s: out of memory", path);
    else if (ferror(f)) { snprintf(err, err_bytes, "%s: read error", path); auth_free(t); t = NULL; }
    fclose(f);
    return t;
}

/* Equal strings, in time that depends only on the lengths. */
static int auth_equal(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    unsigned diff = na != nb;
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++) diff |= (unsigned char)(a[i] ^ b[i]);
    return diff == 0;
}

static int auth_entry_matches(const char *stored, const char *password)
{
    uint8_t md5[HASH_MD5_BYTES], sha1[HASH_SHA1_BYTES];
    char md5_hex[AUTH_MD5_HEX + 1], sha1_hex[AUTH_SHA1_HEX + 1];
    hash_md5(password, strlen(password), md5);
    hash_sha1(password, strlen(password), sha1);
    hash_hex(md5, sizeof md5, md5_hex);
    hash_hex(sha1, sizeof sha1, sha1_hex);
    size_t len = strlen(stored);
    /* Every form is computed and compared so timing does not reveal which matched. */
    int plain = auth_equal(stored, password);
    int is_md5 = auth_equal(stored, md5_hex) & (len == AUTH_MD5_HEX);
    int is_sha1 = auth_equal(stored, sha1_hex) & (len == AUTH_SHA1_HEX);
    return plain | is_md5 | is_sha1;
}

int auth_check(const struct auth_table *t, const char *user, const char *password)
{
    int ok = 0;
    for (size_t i = 0; t && i < t->n; i++)
        if (!strcmp(t->entries[i].user, user)) ok |= auth_entry_matches(t->entries[i].stored, password);
    return ok;
}

static int auth_b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + AUTH_B64_LOWER;
    if (c >= '0' && c <= '9') return c - '0' + AUTH_B64_DIGIT;
    if (c == '+') return AUTH_B64_PLUS;
    if (c == '/') return AUTH_B64_SLASH;
    return -1;
}

long auth_base64_decode(const char *text, size_t n, char *out, size_t out_bytes)
{
    while (n > 0 && text[n - 1] == '=') n--;
    size_t len = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = auth_b64_value(text[i]);
        if (v < 0) return -1;
        acc = (acc << AUTH_B64_BITS) | (uint32_t)v;
        bits += AUTH_B64_BITS;
        if (bits >= 8) {
            bits -= 8;
            if (len + 1 >= out_bytes) return -1;
            out[len++] = (char)((acc >> bits) & 0xff);
        }
    }
    if (out_bytes == 0) return -1;
    out[len] = 0;
    return (long)len;
}
