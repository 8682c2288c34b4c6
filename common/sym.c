/* sym.c: the symbol intern table. Equal symbols share one pointer, so comparing
 * symbols is comparing pointers. It also numbers enumeration domains (the names of the
 * symbol lists that `d$ / `d? enumerate against), which live exactly as long as the
 * symbols. One of the three allowed globals (style.md §12).
 * SPDX-License-Identifier: MIT */
#include "k.h"
#include "k_int.h"

#include <stdlib.h>
#include <string.h>

#define SYM_ARENA_BYTES (64 * 1024)   /* text for short symbols is carved from arenas */
#define SYM_MIN_SLOTS 4096            /* initial hash slots (power of two) */

struct sym_arena {
    struct sym_arena *next;           /* older arena */
    size_t used;                      /* bytes of text[] handed out */
    char text[SYM_ARENA_BYTES];
};

static struct {
    S *slots;                         /* open addressing, NULL = empty */
    size_t nslots;                    /* power of two */
    size_t count;                     /* symbols interned */
    struct sym_arena *arena;          /* newest arena */
    S *big;                           /* symbols too long for an arena */
    size_t nbig, capbig;
    S enum_domains[K_ENUM_MAX];       /* domain name of enumeration id i+1 */
    int nenum;                        /* ids handed out */
} sym_table;

static uint64_t sym_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;  /* FNV-1a */
    for (size_t i = 0; i < n; i++) { h ^= (unsigned char)s[i]; h *= 1099511628211ULL; }
    return h ^ (h >> 29);
}

static int sym_grow(void)
{
    size_t n = sym_table.nslots ? sym_table.nslots * 2 : SYM_MIN_SLOTS;
    S *slots = calloc(n, sizeof(S));
    if (!slots) return -1;
    for (size_t i = 0; i < sym_table.nslots; i++) {
        S s = sym_table.slots[i];
        if (!s) continue;
        size_t j = sym_hash(s, strlen(s)) & (n - 1);
        while (slots[j]) j = (j + 1) & (n - 1);
        slots[j] = s;
    }
    free(sym_table.slots);
    sym_table.slots = slots;
    sym_table.nslots = n;
    return 0;
}

/* Copy n bytes plus a NUL into stable storage. */
static S sym_store(const char *s, size_t n)
{
    char *dst;
    if (n + 1 > SYM_ARENA_BYTES / 8) {
        if (sym_table.nbig == sym_table.capbig) {
            size_t cap = sym_table.capbig ? sym_table.capbig * 2 : 64;
            S *big = realloc(sym_table.big, cap * sizeof(S));
            if (!big) return NULL;
            sym_table.big = big;
            sym_table.capbig = cap;
        }
        dst = malloc(n + 1);
        if (!dst) return NULL;
        sym_table.big[sym_table.nbig++] = dst;
    } else {
        struct sym_arena *a = sym_table.arena;
        if (!a || a->used + n + 1 > SYM_ARENA_BYTES) {
            a = malloc(sizeof *a);
            if (!a) return NULL;
            a->next = sym_table.arena;
            a->used = 0;
            sym_table.arena = a;
        }
        dst = a->text + a->used;
        a->used += n + 1;
    }
    memcpy(dst, s, n);
    dst[n] = 0;
    return dst;
}

S sn(const char *s, I n)
{
    if (n < 0) n = 0;
    size_t len = (size_t)n;
    /* A symbol ends at its first NUL, as on the wire. */
    const char *nul = memchr(s, 0, len);
    return k_sym_intern(s, nul ? (size_t)(nul - s) : len);
}

S k_sym_intern(const char *s, size_t len)
{
    if (sym_table.count * 2 >= sym_table.nslots && sym_grow()) return NULL;
    size_t mask = sym_table.nslots - 1;
    size_t j = sym_hash(s, len) & mask;
    for (S e; (e = sym_table.slots[j]); j = (j + 1) & mask)
        if (!strncmp(e, s, len) && e[len] == 0) return e;
    S stored = sym_store(s, len);
    if (!stored) return NULL;
    sym_table.slots[j] = stored;
    sym_table.count++;
    return stored;
}

S ss(const char *s) { return sn(s, (I)strnlen(s, INT32_MAX)); }

J tk_sym_count(void) { return (J)sym_table.count; }

int k_enum_id(S domain)
{
    for (int i = 0; i < sym_table.nenum; i++) if (sym_table.enum_domains[i] == domain) return i + 1;
    if (sym_table.nenum == K_ENUM_MAX) return 0;
    sym_table.enum_domains[sym_table.nenum++] = domain;
    return sym_table.nenum;
}

void k_enum_fini(void) { sym_table.nenum = 0; }

S k_enum_domain(int id)
{
    return id >= 1 && id <= sym_table.nenum ? sym_table.enum_domains[id - 1] : NULL;
}

void tk_sym_fini(void)
{
    while (sym_table.arena) {
        struct sym_arena *next = sym_table.arena->next;
        free(sym_table.arena);
        sym_table.arena = next;
    }
    for (size_t i = 0; i < sym_table.nbig; i++) free(sym_table.big[i]);
    free(sym_table.big);
    free(sym_table.slots);
    memset(&sym_table, 0, sizeof sym_table);
}
