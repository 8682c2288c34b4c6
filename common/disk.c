/* disk.c: column files (docs/disk-format.md): the 64-byte header, the atomic writer
 * (temp name, fdatasync, rename), writing simple, symbol and nested columns, and mapping
 * them back as K vectors (m = K_MEM_MAPPED, released through k_mapped_release).
 * The sym file and symbol hashing are dsk_sym.c; tables and partitions dsk_table.c.
 * SPDX-License-Identifier: MIT */
#include "disk_int.h"
#include "k_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DSK_FILE_MODE 0644          /* column files are readable by the HDB's user */
#define DSK_NESTED_EMPTY_TYPE KC    /* item type recorded for an empty nested column */

int dsk_fail(char *err, const char *path, const char *fmt, ...)
{
    /* A message longer than the buffer is cut: the path and the start are what matter. */
    int used = snprintf(err, DSK_ERR_BYTES, "%s: ", path);
    if (used < 0 || used >= DSK_ERR_BYTES) return -1;
    va_list ap;
    va_start(ap, fmt);
    (void)vsnprintf(err + used, (size_t)(DSK_ERR_BYTES - used), fmt, ap);
    va_end(ap);
    return -1;
}

int dsk_item_bytes(int item_type)
{
    if (item_type < KB || item_type > KT || item_type == KS) return 0;
    return k_item_size(item_type);
}

void dsk_header_init(struct dsk_header *h, int kind, int item_type, int attr, J count, J names)
{
    memset(h, 0, sizeof *h);
    memcpy(h->magic, DSK_MAGIC, DSK_MAGIC_BYTES);
    h->version = DSK_VERSION;
    h->kind = (uint8_t)kind;
    h->item_type = (int8_t)item_type;
    h->attr = (int8_t)attr;
    h->count = count;
    h->data_offset = DSK_DATA_OFFSET;
    h->names = names;
    h->k.m = K_MEM_HEAP;
    h->k.a = (int8_t)attr;
    h->k.t = (int8_t)item_type;
    h->k.n = count;
}

/* Is item_type allowed for kind? */
static int dsk_kind_type_ok(int kind, int item_type)
{
    switch (kind) {
    case DSK_KIND_VECTOR: return dsk_item_bytes(item_type) > 0;
    case DSK_KIND_SYM: return item_type == KI || item_type == KJ;
    case DSK_KIND_NESTED: return item_type == KJ;
    case DSK_KIND_NAMES: return item_type == KC;
    default: return 0;
    }
}

int dsk_header_check(const char *path, const struct dsk_header *h, J file_bytes, char *err)
{
    if (memcmp(h->magic, DSK_MAGIC, DSK_MAGIC_BYTES))
        return dsk_fail(err, path, "bad magic: not a tick column file");
    if (h->version != DSK_VERSION)
        return dsk_fail(err, path, "unsupported format version %u (this build reads %d)",
                        (unsigned)h->version, DSK_VERSION);
    if (!dsk_kind_type_ok(h->kind, h->item_type))
        return dsk_fail(err, path, "corrupt header: kind %u with item type %d",
                        (unsigned)h->kind, (int)h->item_type);
    if (h->attr < K_ATTR_NONE || h->attr > K_ATTR_GROUPED)
        return dsk_fail(err, path, "corrupt header: attribute %d", (int)h->attr);
    if (h->data_offset != DSK_DATA_OFFSET)
        return dsk_fail(err, path, "corrupt header: data offset %lld (expected %d)",
                        (long long)h->data_offset, DSK_DATA_OFFSET);
    if (h->count < 0 || h->names < 0)
        return dsk_fail(err, path, "corrupt header: negative count %lld",
                        (long long)h->count);
    if (h->k.t != h->item_type || h->k.n != h->count || h->k.a != h->attr)
        return dsk_fail(err, path, "corrupt header: K header (type %d, count %lld) "
                        "disagrees with the file header (type %d, count %lld)",
                        (int)h->k.t, (long long)h->k.n, (int)h->item_type,
                        (long long)h->count);
    J width = dsk_item_bytes(h->item_type);
    J room = file_bytes - DSK_DATA_OFFSET;
    if (h->count > room / width)
        return dsk_fail(err, path, "truncated: header says %lld items of %lld bytes, "
                        "file has room for %lld (%lld bytes)", (long long)h->count,
                        (long long)width, (long long)(room > 0 ? room / width : 0),
                        (long long)file_bytes);
    return 0;
}

/* ---- atomic writer ---------------------------------------------------------- */

/* path's directory and base name into the hidden temp template dir/.base.XXXXXX */
static int dsk_temp_name(char *out, size_t size, const char *path)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    const char *base = slash ? slash + 1 : path;
    int n = snprintf(out, size, "%.*s.%s.XXXXXX", dirlen, path, base);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

int dsk_writer_open(struct dsk_writer *w, const char *path, char *err)
{
    w->fd = -1;
    w->has_temp = 0;
    w->is_finished = 0;
    w->used = 0;
    w->written = 0;
    w->buf = NULL;
    if (snprintf(w->path, sizeof w->path, "%s", path) >= (int)sizeof w->path
        || dsk_temp_name(w->tmp, sizeof w->tmp, path))
        return dsk_fail(err, path, "path too long");
    w->buf = malloc(DSK_WRITE_BUFFER_BYTES);
    if (!w->buf) return dsk_fail(err, path, "out of memory for the write buffer");
    w->fd = mkstemp(w->tmp);
    if (w->fd < 0) {
        int e = errno;
        dsk_writer_abort(w);
        return dsk_fail(err, path, "cannot create temp file %s: %s", w->tmp, strerror(e));
    }
    w->has_temp = 1;
    if (fchmod(w->fd, DSK_FILE_MODE)) {
        int e = errno;
        dsk_writer_abort(w);
        return dsk_fail(err, path, "cannot set mode: %s", strerror(e));
    }
    memset(w->buf, 0, DSK_DATA_OFFSET);       /* header placeholder, rewritten at commit */
    w->used = DSK_DATA_OFFSET;
    return 0;
}

/* write() all of n bytes, retrying short writes and EINTR. */
static int dsk_write_all(int fd, const G *p, size_t n)
{
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0) { if (errno == EINTR) continue; return -1; }
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

static int dsk_writer_flush(struct dsk_writer *w, char *err)
{
    if (!w->used) return 0;
    if (dsk_write_all(w->fd, w->buf, w->used)) {
        int e = errno;
        dsk_writer_abort(w);
        return dsk_fail(err, w->path, "write failed after %lld bytes: %s",
                        (long long)w->written, strerror(e));
    }
    w->written += (J)w->used;
    w->used = 0;
    return 0;
}

int dsk_writer_put(struct dsk_writer *w, const void *bytes, size_t n, char *err)
{
    if (w->used + n <= DSK_WRITE_BUFFER_BYTES) {
        memcpy(w->buf + w->used, bytes, n);
        w->used += n;
        return 0;
    }
    if (dsk_writer_flush(w, err)) return -1;
    if (n < DSK_WRITE_BUFFER_BYTES) return dsk_writer_put(w, bytes, n, err);
    if (dsk_write_all(w->fd, bytes, n)) {     /* large blocks go straight from the vector */
        int e = errno;
        dsk_writer_abort(w);
        return dsk_fail(err, w->path, "write failed after %lld bytes: %s",
                        (long long)w->written, strerror(e));
    }
    w->written += (J)n;
    return 0;
}

/* Gather loop for one item width; the body has no calls or type branches. */
#define DSK_GATHER(T) { \
    T *dst = (T *)(void *)(w->buf + w->used); const T *src = (const T *)(const void *)base; \
    for (J i = 0; i < take; i++) dst[i] = src[perm[done + i]]; }

int dsk_writer_gather(struct dsk_writer *w, const G *base, int width, const J *perm, J n,
                      char *err)
{
    if (!perm) return dsk_writer_put(w, base, (size_t)(n * width), err);
    J done = 0;
    while (done < n) {
        J room = (J)(DSK_WRITE_BUFFER_BYTES - w->used) / width;
        if (room == 0) { if (dsk_writer_flush(w, err)) return -1; continue; }
        J take = n - done < room ? n - done : room;
        switch (width) {
        case 1: DSK_GATHER(uint8_t); break;
        case 2: DSK_GATHER(uint16_t); break;
        case 4: DSK_GATHER(uint32_t); break;
        case 8: DSK_GATHER(uint64_t); break;
        default:
            for (J i = 0; i < take; i++)
                memcpy(w->buf + w->used + i * width, base + perm[done + i] * width,
                       (size_t)width);
            break;
        }
        w->used += (size_t)(take * width);
        done += take;
    }
    return 0;
}
#undef DSK_GATHER

int dsk_writer_finish(struct dsk_writer *w, const struct dsk_header *h, char *err)
{
    if (dsk_writer_flush(w, err)) return -1;
    if (pwrite(w->fd, h, sizeof *h, 0) != (ssize_t)sizeof *h) {
        int e = errno;
        dsk_writer_abort(w);
        return dsk_fail(err, w->path, "cannot write the header: %s", strerror(e));
    }
    /* Speed only: start writing back now; fdatasync at commit still waits for it all. */
    (void)sync_file_range(w->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
    free(w->buf);
    w->buf = NULL;
    w->is_finished = 1;
    return 0;
}

int dsk_writer_commit(struct dsk_writer *w, const struct dsk_header *h, char *err)
{
    if (!w->is_finished && dsk_writer_finish(w, h, err)) return -1;
    const char *step = "fdatasync";
    if (fdatasync(w->fd)) goto fail;
    step = "close";
    int fd = w->fd;
    w->fd = -1;
    if (close(fd)) goto fail;
    step = "rename the temp file";
    if (rename(w->tmp, w->path)) goto fail;
    w->has_temp = 0;
    return 0;
fail: {
        int e = errno;
        dsk_writer_abort(w);
        return dsk_fail(err, w->path, "cannot %s: %s", step, strerror(e));
    }
}

void dsk_writer_abort(struct dsk_writer *w)
{
    if (w->fd >= 0) { (void)close(w->fd); w->fd = -1; }  /* the file is discarded anyway */
    if (w->has_temp) {
        (void)unlink(w->tmp);   /* best effort: a leftover hidden temp is ignored by loads */
        w->has_temp = 0;
    }
    free(w->buf);
    w->buf = NULL;
}

int dsk_file_start(struct dsk_writer *w, const char *path, const struct dsk_header *h,
                   const G *base, const J *perm, char *err)
{
    if (dsk_writer_open(w, path, err)) return -1;
    int width = dsk_item_bytes(h->item_type);
    if (dsk_writer_gather(w, base, width, perm, h->count, err)) return -1;
    return dsk_writer_finish(w, h, err);
}

int dsk_file_write(const char *path, const struct dsk_header *h, const G *base,
                   const J *perm, char *err)
{
    struct dsk_writer w;
    if (dsk_file_start(&w, path, h, base, perm, err)) return -1;
    return dsk_writer_commit(&w, h, err);
}

/* ---- writing columns -------------------------------------------------------- */

/* The item type shared by every item of nested column col, or 0 if unmappable.
 * Ownership: col borrowed. */
static int dsk_nested_type(K col)
{
    if (col->n == 0) return DSK_NESTED_EMPTY_TYPE;
    int t = kK(col)[0] ? kK(col)[0]->t : 0;
    if (!dsk_item_bytes(t)) return 0;
    for (J i = 0; i < col->n; i++)
        if (!kK(col)[i] || kK(col)[i]->t != t) return 0;
    return t;
}

/* Nested column: items of the vectors into path#, then the end offsets into path.
 * Ownership: col borrowed. Returns 0/-1. */
static int dsk_nested_write(const char *path, K col, const J *perm, int attr, char *err)
{
    int t = dsk_nested_type(col);
    if (!t) return dsk_fail(err, path, "unmappable: a nested column must be a list of "
                            "simple vectors of one type (no symbols)");
    char data_path[DSK_PATH_BYTES];
    if (snprintf(data_path, sizeof data_path, "%s%s", path, DSK_NESTED_SUFFIX)
        >= (int)sizeof data_path) return dsk_fail(err, path, "path too long");
    J n = col->n, total = 0, width = dsk_item_bytes(t);
    K ends = ktn(KJ, n);
    if (!ends) return dsk_fail(err, path, "out of memory for %lld offsets", (long long)n);
    struct dsk_writer w;
    if (dsk_writer_open(&w, data_path, err)) { r0(ends); return -1; }
    for (J i = 0; i < n; i++) {
        K item = kK(col)[perm ? perm[i] : i];
        if (dsk_writer_put(&w, kG(item), (size_t)(item->n * width), err)) {
            r0(ends);
            return -1;
        }
        total += item->n;
        kJ(ends)[i] = total;
    }
    struct dsk_header h;
    dsk_header_init(&h, DSK_KIND_VECTOR, t, K_ATTR_NONE, total, 0);
    int rc = dsk_writer_commit(&w, &h, err);
    if (rc == 0) {
        dsk_header_init(&h, DSK_KIND_NESTED, KJ, attr, n, 0);
        rc = dsk_file_write(path, &h, kG(ends), NULL, err);
    }
    r0(ends);
    return rc;
}

int dsk_column_write_perm(const char *path, K col, const J *perm, int attr, char *err)
{
    if (!col || col->t < 0 || col->t > KT)
        return dsk_fail(err, path, "unmappable: type %d is not a column", col ? col->t : 0);
    if (col->t == 0) return dsk_nested_write(path, col, perm, attr, err);
    if (col->t == KS) return dsk_fail(err, path, "symbol column not enumerated");
    struct dsk_header h;
    dsk_header_init(&h, DSK_KIND_VECTOR, col->t, attr, col->n, 0);
    return dsk_file_write(path, &h, kG(col), perm, err);
}

int dsk_sym_column_write(const char *path, K indexes, int attr, char *err)
{
    if (!indexes || (indexes->t != KI && indexes->t != KJ))
        return dsk_fail(err, path, "symbol indexes must be an int or long vector");
    struct dsk_header h;
    dsk_header_init(&h, DSK_KIND_SYM, indexes->t, attr, indexes->n, 0);
    return dsk_file_write(path, &h, kG(indexes), NULL, err);
}

/* Indexes of the symbols of col in syms (KI). Ownership: returns new; NULL + err. */
static K dsk_indexes_in(const char *path, K col, K syms, char *err)
{
    if (!syms || syms->t != KS) {
        dsk_fail(err, path, "a symbol column needs the sym domain (a symbol vector)");
        return NULL;
    }
    struct dsk_symmap map;
    K idx = ktn(syms->n > INT32_MAX ? KJ : KI, col->n);
    if (!idx || dsk_symmap_init(&map, syms->n)) {
        r0(idx);
        dsk_fail(err, path, "out of memory enumerating %lld symbols", (long long)col->n);
        return NULL;
    }
    for (J i = 0; i < syms->n; i++)
        if (dsk_symmap_get(&map, kS(syms)[i]) < 0 && dsk_symmap_put(&map, kS(syms)[i], i))
            goto nomem;
    for (J i = 0; i < col->n; i++) {
        J v = dsk_symmap_get(&map, kS(col)[i]);
        if (v < 0) {
            dsk_fail(err, path, "symbol `%s (row %lld) is not in the sym domain",
                     kS(col)[i], (long long)i);
            goto out;
        }
        if (idx->t == KI) kI(idx)[i] = (I)v; else kJ(idx)[i] = v;
    }
    dsk_symmap_fini(&map);
    return idx;
nomem:
    dsk_fail(err, path, "out of memory hashing the sym domain");
out:
    dsk_symmap_fini(&map);
    r0(idx);
    return NULL;
}

int dsk_column_write(const char *path, K col, K syms, char *err)
{
    if (col && col->t == KS) {
        K idx = dsk_indexes_in(path, col, syms, err);
        if (!idx) return -1;
        int rc = dsk_sym_column_write(path, idx, col->a, err);
        r0(idx);
        return rc;
    }
    return dsk_column_write_perm(path, col, NULL, col ? col->a : 0, err);
}

/* ---- mapping ---------------------------------------------------------------- */

static void (*dsk_prev_release)(K x);   /* the hook we replaced, for others' mappings */

/* r0 of a mapped value: unmap it if it is ours (the header sits in front of it).
 * Ownership: consumes x (its last reference). */
static void dsk_mapped_release(K x)
{
    struct dsk_header *h = (struct dsk_header *)(void *)((char *)x - DSK_K_HEADER_OFFSET);
    if (memcmp(h->magic, DSK_MAGIC, DSK_MAGIC_BYTES) || h->map_bytes < DSK_DATA_OFFSET) {
        if (dsk_prev_release) dsk_prev_release(x);
        return;
    }
    (void)munmap(h, (size_t)h->map_bytes);  /* fails only for a bad address: a bug */
}

static void dsk_release_install(void)
{
    if (k_mapped_release == dsk_mapped_release) return;
    dsk_prev_release = k_mapped_release;
    k_mapped_release = dsk_mapped_release;
}

/* Open path read-only and read and check its header into h (dsk_header_check: the
 * file is as long as the header says). The descriptor, or -1 with err. */
static int dsk_open_checked(const char *path, struct dsk_header *h, char *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return dsk_fail(err, path, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fd, &st)) dsk_fail(err, path, "cannot stat: %s", strerror(errno));
    else if (st.st_size < DSK_DATA_OFFSET)
        dsk_fail(err, path, "short file: %lld bytes, the header needs %d",
                 (long long)st.st_size, DSK_DATA_OFFSET);
    else if (pread(fd, h, sizeof *h, 0) != (ssize_t)sizeof *h)
        dsk_fail(err, path, "cannot read the header: %s", strerror(errno));
    else if (!dsk_header_check(path, h, (J)st.st_size, err))
        return fd;
    (void)close(fd);          /* read-only: nothing to lose */
    return -1;
}

K dsk_map_kind(const char *path, int kind, char *err)
{
    struct dsk_header h;
    void *base = MAP_FAILED;
    int fd = dsk_open_checked(path, &h, err);
    if (fd < 0) return NULL;
    if (h.kind != kind) {
        dsk_fail(err, path, "wrong kind of file: %u, expected %d", (unsigned)h.kind, kind);
        goto out;
    }
    size_t bytes = (size_t)(DSK_DATA_OFFSET + h.count * dsk_item_bytes(h.item_type));
    /* Private and writable: only the header page is ever written (copy on write), so
     * the K header can live in front of the items without touching the file. */
    base = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    if (base == MAP_FAILED) { dsk_fail(err, path, "cannot map: %s", strerror(errno)); goto out; }
    struct dsk_header *mh = base;
    mh->map_bytes = (int64_t)bytes;
    K x = (K)(void *)((char *)base + DSK_K_HEADER_OFFSET);
    x->m = K_MEM_MAPPED;
    x->a = h.attr;
    x->t = h.item_type;
    x->u = 0;
    x->r = 0;
    x->n = h.count;
    dsk_release_install();
    (void)close(fd);          /* the mapping keeps the file; a read-only close cannot lose data */
    return x;
out:
    (void)close(fd);
    return NULL;
}

/* Symbol column: resolve the mapped indexes through syms into a new KS vector.
 * Ownership: idx and syms borrowed; returns new, or NULL with err. */
static K dsk_sym_resolve(const char *path, K idx, K syms, char *err)
{
    if ((!syms || syms->t != KS) && idx->n) {
        dsk_fail(err, path, "symbol column but no sym domain given");
        return NULL;
    }
    K out = ktn(KS, idx->n);
    if (!out) { dsk_fail(err, path, "out of memory for %lld symbols", (long long)idx->n); return NULL; }
    J limit = syms ? syms->n : 0;
    for (J i = 0; i < idx->n; i++) {
        J v = idx->t == KI ? (J)kI(idx)[i] : kJ(idx)[i];
        if (v < 0 || v >= limit) {
            dsk_fail(err, path, "corrupt: symbol index %lld at row %lld is outside the "
                     "sym domain of %lld", (long long)v, (long long)i, (long long)limit);
            r0(out);
            return NULL;
        }
        kS(out)[i] = kS(syms)[v];
    }
    out->a = idx->a;
    return out;
}

/* Nested column: path holds end offsets, path# the items; copy into a general list.
 * Ownership: ends (the mapped index) borrowed; returns new, or NULL with err. */
static K dsk_nested_load(const char *path, K ends, char *err)
{
    char data_path[DSK_PATH_BYTES];
    if (snprintf(data_path, sizeof data_path, "%s%s", path, DSK_NESTED_SUFFIX)
        >= (int)sizeof data_path) { dsk_fail(err, path, "path too long"); return NULL; }
    K data = dsk_map_kind(data_path, DSK_KIND_VECTOR, err);
    if (!data) return NULL;
    J n = ends->n, width = dsk_item_bytes(data->t), prev = 0;
    K out = ktn(0, n);
    if (!out) { dsk_fail(err, path, "out of memory for %lld items", (long long)n); goto fail; }
    for (J i = 0; i < n; i++) {
        J end = kJ(ends)[i];
        if (end < prev || end > data->n) {
            dsk_fail(err, path, "corrupt nested index: offset %lld at item %lld is outside "
                     "%lld..%lld (items in %s)", (long long)end, (long long)i,
                     (long long)prev, (long long)data->n, data_path);
            goto fail;
        }
        K item = ktn(data->t, end - prev);
        if (!item) { dsk_fail(err, path, "out of memory at item %lld", (long long)i); goto fail; }
        memcpy(kG(item), kG(data) + prev * width, (size_t)((end - prev) * width));
        kK(out)[i] = item;
        prev = end;
    }
    out->a = ends->a;
    r0(data);
    return out;
fail:
    r0(out);
    r0(data);
    return NULL;
}

K dsk_column_map(const char *path, K syms, char *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) { dsk_fail(err, path, "cannot open: %s", strerror(errno)); return NULL; }
    struct dsk_header h;
    ssize_t got = pread(fd, &h, sizeof h, 0);
    int e = errno;
    (void)close(fd);          /* read-only: nothing to lose */
    if (got < 0) { dsk_fail(err, path, "cannot read: %s", strerror(e)); return NULL; }
    if (got < (ssize_t)sizeof h) {
        dsk_fail(err, path, "short file: %lld bytes, the header needs %d", (long long)got,
                 DSK_DATA_OFFSET);
        return NULL;
    }
    int kind = h.kind;
    if (kind != DSK_KIND_SYM && kind != DSK_KIND_NESTED) kind = DSK_KIND_VECTOR;
    K x = dsk_map_kind(path, kind, err);
    if (!x || kind == DSK_KIND_VECTOR) return x;
    K out = kind == DSK_KIND_SYM ? dsk_sym_resolve(path, x, syms, err)
                                 : dsk_nested_load(path, x, err);
    r0(x);
    return out;
}

J dsk_column_copy_into(const char *path, K out, J at, K syms, char *err)
{
    int type;
    J count;
    if (dsk_column_stat(path, &type, &count, err)) return -1;
    if (type != out->t || count > out->n - at)
        return dsk_fail(err, path, "type %d, %lld items: does not fit %lld items of type %d",
                        type, (long long)count, (long long)(out->n - at), (int)out->t);
    if (type != KS) {   /* mapped and copied (a nested column's items shared) */
        K col = dsk_column_map(path, syms, err);
        if (!col) return -1;
        if (col->t != out->t || col->n != count) {
            r0(col);
            return dsk_fail(err, path, "changed while read");
        }
        if (type == 0) for (J i = 0; i < count; i++) kK(out)[at + i] = r1(kK(col)[i]);
        else memcpy(kG(out) + at * k_item_size(type), kG(col),
                    (size_t)(count * k_item_size(type)));
        r0(col);
        return count;
    }
    /* symbols: resolved straight into out, without a vector of their own */
    K idx = dsk_map_kind(path, DSK_KIND_SYM, err);
    if (!idx) return -1;
    J limit = syms ? syms->n : 0, rc = idx->n == count ? count : -1;
    if (rc < 0) dsk_fail(err, path, "changed while read");
    for (J i = 0; rc >= 0 && i < count; i++) {
        J v = idx->t == KI ? (J)kI(idx)[i] : kJ(idx)[i];
        if (v < 0 || v >= limit) {
            rc = dsk_fail(err, path, "corrupt: symbol index %lld at row %lld is outside the "
                          "sym domain of %lld", (long long)v, (long long)i, (long long)limit);
            break;
        }
        kS(out)[at + i] = kS(syms)[v];
    }
    r0(idx);
    return rc;
}

int dsk_column_stat(const char *path, int *type, J *count, char *err)
{
    struct dsk_header h;
    int rc = -1;
    int fd = dsk_open_checked(path, &h, err);
    if (fd < 0) return -1;
    if (h.kind == DSK_KIND_NAMES) { dsk_fail(err, path, "a name list, not a column"); goto out; }
    *type = h.kind == DSK_KIND_SYM ? KS : h.kind == DSK_KIND_NESTED ? 0 : h.item_type;
    *count = h.count;
    rc = 0;
out:
    (void)close(fd);          /* read-only: nothing to lose */
    return rc;
}

/* ---- name lists (.d, root sym) -------------------------------------------------- */

K dsk_names_read(const char *path, char *err)
{
    K text = dsk_map_kind(path, DSK_KIND_NAMES, err);
    if (!text) return NULL;
    K names = NULL;
    J n = text->n;
    if (n && kC(text)[n - 1] != 0) {
        dsk_fail(err, path, "corrupt: the last name is not NUL-terminated");
        goto out;
    }
    J nuls = 0;
    for (J i = 0; i < n; i++) nuls += kC(text)[i] == 0;
    const struct dsk_header *h =
        (const struct dsk_header *)(const void *)((char *)text - DSK_K_HEADER_OFFSET);
    if (nuls != h->names) {
        dsk_fail(err, path, "corrupt: header says %lld names, text holds %lld",
                 (long long)h->names, (long long)nuls);
        goto out;
    }
    names = ktn(KS, nuls);
    if (!names) { dsk_fail(err, path, "out of memory for %lld names", (long long)nuls); goto out; }
    for (J i = 0, start = 0, k = 0; i < n; i++) {
        if (kC(text)[i]) continue;
        S s = k_sym_intern((const char *)kC(text) + start, (size_t)(i - start));
        if (!s) { dsk_fail(err, path, "out of memory interning"); r0(names); names = NULL; goto out; }
        kS(names)[k++] = s;
        start = i + 1;
    }
out:
    r0(text);
    return names;
}

int dsk_names_write(const char *path, K names, char *err)
{
    J bytes = 0;
    for (J i = 0; i < names->n; i++) bytes += (J)strlen(kS(names)[i]) + 1;
    struct dsk_header h;
    dsk_header_init(&h, DSK_KIND_NAMES, KC, K_ATTR_NONE, bytes, names->n);
    struct dsk_writer w;
    if (dsk_writer_open(&w, path, err)) return -1;
    for (J i = 0; i < names->n; i++)
        if (dsk_writer_put(&w, kS(names)[i], strlen(kS(names)[i]) + 1, err)) return -1;
    return dsk_writer_commit(&w, &h, err);
}
