/* dsk_sym.c: the root `sym` enumeration file (an append-only DSK_KIND_NAMES file, see
 * docs/disk-format.md §4) and the symbol-pointer hash used to enumerate columns.
 * Column files are disk.c; tables and partitions dsk_table.c.
 * SPDX-License-Identifier: MIT */
#include "disk_int.h"
#include "k_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define DSK_SYMMAP_MIN_SLOTS 64      /* power of two */
#define DSK_SYMTEXT_MIN_BYTES 256    /* first buffer for new symbols' text */
#define DSK_SYM_FILE_MODE 0644
#define DSK_PTR_HASH_MUL 0x9E3779B97F4A7C15ULL   /* Fibonacci hashing of pointers */

/* ---- symbol pointer hash ------------------------------------------------------ */

static size_t dsk_ptr_slot(const struct dsk_symmap *m, S s)
{
    uint64_t h = (uint64_t)(uintptr_t)s * DSK_PTR_HASH_MUL;
    return (size_t)(h >> 17) & m->mask;
}

int dsk_symmap_init(struct dsk_symmap *m, J expected)
{
    size_t slots = DSK_SYMMAP_MIN_SLOTS;
    while ((J)slots < expected * 2) slots *= 2;
    m->keys = calloc(slots, sizeof(S));
    m->vals = malloc(slots * sizeof(J));
    m->mask = slots - 1;
    m->count = 0;
    if (!m->keys || !m->vals) { dsk_symmap_fini(m); return -1; }
    return 0;
}

void dsk_symmap_fini(struct dsk_symmap *m)
{
    free(m->keys);
    free(m->vals);
    m->keys = NULL;
    m->vals = NULL;
}

J dsk_symmap_get(const struct dsk_symmap *m, S s)
{
    for (size_t j = dsk_ptr_slot(m, s); m->keys[j]; j = (j + 1) & m->mask)
        if (m->keys[j] == s) return m->vals[j];
    return -1;
}

static int dsk_symmap_grow(struct dsk_symmap *m)
{
    struct dsk_symmap bigger;
    if (dsk_symmap_init(&bigger, (J)(m->mask + 1))) return -1;
    for (size_t j = 0; j <= m->mask; j++)
        if (m->keys[j] && dsk_symmap_put(&bigger, m->keys[j], m->vals[j])) {
            dsk_symmap_fini(&bigger);
            return -1;
        }
    dsk_symmap_fini(m);
    *m = bigger;
    return 0;
}

int dsk_symmap_put(struct dsk_symmap *m, S s, J v)
{
    if ((size_t)(m->count + 1) * 2 > m->mask + 1 && dsk_symmap_grow(m)) return -1;
    size_t j = dsk_ptr_slot(m, s);
    while (m->keys[j]) j = (j + 1) & m->mask;
    m->keys[j] = s;
    m->vals[j] = v;
    m->count++;
    return 0;
}

/* ---- the sym file ------------------------------------------------------------- */

static int dsk_sym_path(char *out, size_t size, const char *root, char *err)
{
    int n = snprintf(out, size, "%s/%s", root, DSK_SYM_FILE);
    if (n < 0 || (size_t)n >= size) return dsk_fail(err, root, "path too long");
    return 0;
}

K dsk_sym_load(const char *root, char *err)
{
    char path[DSK_PATH_BYTES];
    if (dsk_sym_path(path, sizeof path, root, err)) return NULL;
    struct stat st;
    /* Missing, or created by an enumerate that died before its first commit: empty. */
    if (stat(path, &st) ? errno == ENOENT : st.st_size == 0) return ktn(KS, 0);
    return dsk_names_read(path, err);
}

/* Text of new symbols being appended (NUL-terminated, in order). */
struct dsk_symtext {
    char *bytes;      /* malloc'd */
    size_t used;      /* bytes filled */
    size_t cap;       /* bytes allocated */
};

static int dsk_symtext_add(struct dsk_symtext *t, S s)
{
    size_t n = strlen(s) + 1;
    if (t->used + n > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : DSK_SYMTEXT_MIN_BYTES;
        while (cap < t->used + n) cap *= 2;
        char *bytes = realloc(t->bytes, cap);
        if (!bytes) return -1;
        t->bytes = bytes;
        t->cap = cap;
    }
    memcpy(t->bytes + t->used, s, n);
    t->used += n;
    return 0;
}

/* pwrite all n bytes at off. */
static int dsk_pwrite_all(int fd, const void *p, size_t n, off_t off)
{
    const char *c = p;
    while (n) {
        ssize_t k = pwrite(fd, c, n, off);
        if (k < 0) { if (errno == EINTR) continue; return -1; }
        c += k;
        n -= (size_t)k;
        off += k;
    }
    return 0;
}

/* Append text (names new symbols) to the locked sym file fd whose committed header is
 * h (count 0 for a new file): text first, made durable, then the header. A crash
 * before the header write leaves the old domain; the next append overwrites the tail. */
static int dsk_sym_append(const char *path, int fd, struct dsk_header *h,
                          const struct dsk_symtext *text, J names, char *err)
{
    if (dsk_pwrite_all(fd, text->bytes, text->used, (off_t)(DSK_DATA_OFFSET + h->count))
        || fdatasync(fd))
        return dsk_fail(err, path, "cannot append %lld symbols: %s", (long long)names,
                        strerror(errno));
    dsk_header_init(h, DSK_KIND_NAMES, KC, K_ATTR_NONE, h->count + (J)text->used,
                    h->names + names);
    if (dsk_pwrite_all(fd, h, sizeof *h, 0) || fdatasync(fd))
        return dsk_fail(err, path, "cannot commit the header: %s", strerror(errno));
    return 0;
}

/* Read the committed header of the locked file fd (a fresh one for an empty file). */
static int dsk_sym_header(const char *path, int fd, struct dsk_header *h, char *err)
{
    struct stat st;
    if (fstat(fd, &st)) return dsk_fail(err, path, "cannot stat: %s", strerror(errno));
    if (st.st_size == 0) {
        dsk_header_init(h, DSK_KIND_NAMES, KC, K_ATTR_NONE, 0, 0);
        return 0;
    }
    if (st.st_size < DSK_DATA_OFFSET)
        return dsk_fail(err, path, "short file: %lld bytes, the header needs %d",
                        (long long)st.st_size, DSK_DATA_OFFSET);
    if (pread(fd, h, sizeof *h, 0) != (ssize_t)sizeof *h)
        return dsk_fail(err, path, "cannot read the header: %s", strerror(errno));
    if (dsk_header_check(path, h, (J)st.st_size, err)) return -1;
    if (h->kind != DSK_KIND_NAMES)
        return dsk_fail(err, path, "not a sym file (kind %u)", (unsigned)h->kind);
    return 0;
}

/* Index every symbol of symcol through map, numbering unknown ones from domain_n on
 * and adding them to map and text. Ownership: symcol borrowed; returns a new KI
 * vector (KJ when the domain could pass 2^31 symbols). */
static K dsk_sym_index(const char *path, K symcol, J domain_n, struct dsk_symmap *map,
                       struct dsk_symtext *text, J *added, char *err)
{
    J n = symcol->n;
    int wide = domain_n + n > INT32_MAX;
    K idx = ktn(wide ? KJ : KI, n);
    if (!idx) { dsk_fail(err, path, "out of memory for %lld indexes", (long long)n); return NULL; }
    S last = NULL;
    J v = -1;
    for (J i = 0; i < n; i++) {
        S s = kS(symcol)[i];
        if (s != last) {        /* speed only: a run of one symbol is looked up once */
            v = dsk_symmap_get(map, s);
            if (v < 0) {
                v = domain_n + *added;
                if (dsk_symmap_put(map, s, v) || dsk_symtext_add(text, s)) {
                    dsk_fail(err, path, "out of memory adding symbols");
                    r0(idx);
                    return NULL;
                }
                (*added)++;
            }
            last = s;
        }
        if (wide) kJ(idx)[i] = v; else kI(idx)[i] = (I)v;
    }
    return idx;
}

int dsk_sym_enumerate(const char *root, K symcol, K *indexes_out, char *err)
{
    char path[DSK_PATH_BYTES];
    *indexes_out = NULL;
    if (dsk_sym_path(path, sizeof path, root, err)) return -1;
    if (!symcol || symcol->t != KS) return dsk_fail(err, path, "enumerate needs a symbol vector");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, DSK_SYM_FILE_MODE);
    if (fd < 0) return dsk_fail(err, path, "cannot open: %s", strerror(errno));
    int rc = -1;
    K domain = NULL, idx = NULL;
    struct dsk_symmap map = { 0 };
    struct dsk_symtext text = { 0 };
    struct dsk_header h;
    while (flock(fd, LOCK_EX)) {
        if (errno != EINTR) { dsk_fail(err, path, "cannot lock: %s", strerror(errno)); goto out; }
    }
    if (dsk_sym_header(path, fd, &h, err)) goto out;
    domain = h.count ? dsk_names_read(path, err) : ktn(KS, 0);
    if (!domain) goto out;
    if (dsk_symmap_init(&map, domain->n + DSK_SYMMAP_MIN_SLOTS)) {
        dsk_fail(err, path, "out of memory hashing %lld symbols", (long long)domain->n);
        goto out;
    }
    for (J i = 0; i < domain->n; i++) {
        /* a repeated name keeps its first index, as q's ? does */
        if (dsk_symmap_get(&map, kS(domain)[i]) >= 0) continue;
        if (dsk_symmap_put(&map, kS(domain)[i], i)) { dsk_fail(err, path, "out of memory"); goto out; }
    }
    J added = 0;   /* new symbols are numbered after every committed name */
    idx = dsk_sym_index(path, symcol, domain->n, &map, &text, &added, err);
    if (!idx) goto out;
    if (added && dsk_sym_append(path, fd, &h, &text, added, err)) goto out;
    *indexes_out = idx;
    idx = NULL;
    rc = 0;
out:
    (void)close(fd);          /* releases the lock; the data is already synced */
    r0(idx);
    r0(domain);
    dsk_symmap_fini(&map);
    free(text.bytes);
    return rc;
}
