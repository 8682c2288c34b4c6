/* disk_int.h: declarations shared by the dsk_ modules (disk.c: file format, atomic
 * writer, mapping; dsk_sym.c: sym file and symbol hashing; dsk_table.c: tables and
 * partitions) and not part of disk.h. Byte layout: docs/disk-format.md.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_DISK_INT_H
#define TICK_DISK_INT_H

#include <stddef.h>
#include <stdint.h>
#include <limits.h>

#include "disk.h"

#define DSK_MAGIC "TKDSKCOL"          /* 8 bytes, no NUL stored */
#define DSK_MAGIC_BYTES 8
#define DSK_VERSION 1
#define DSK_DATA_OFFSET 64            /* items start here: 16-byte (and cache-line) aligned */
#define DSK_K_HEADER_OFFSET (DSK_DATA_OFFSET - (int)offsetof(struct k0, G0))
#define DSK_NESTED_SUFFIX "#"         /* nested column: path holds offsets, path# items */
#define DSK_ORDER_FILE ".d"           /* column order of a splayed table */
#define DSK_SYM_FILE "sym"            /* enumeration domain at the root */
#define DSK_PATH_BYTES PATH_MAX

/* What a file holds (header byte `kind`). */
enum dsk_kind {
    DSK_KIND_VECTOR = 1,  /* a simple vector; item_type is its type (never KS) */
    DSK_KIND_SYM = 2,     /* symbol column: KI or KJ indexes into root/sym */
    DSK_KIND_NESTED = 3,  /* nested column index: KJ end offsets into the items of path# */
    DSK_KIND_NAMES = 4,   /* KC text of NUL-terminated names (.d, root sym) */
};

/* The 64-byte header of every file. Little-endian. The last 16 bytes are a K header
 * (m a t u r n) that agrees with the fields above, so a MAP_PRIVATE mapping of the file
 * is a K vector at offset DSK_K_HEADER_OFFSET once m is set to K_MEM_MAPPED. */
struct dsk_header {
    char magic[DSK_MAGIC_BYTES]; /* DSK_MAGIC */
    uint16_t version;            /* DSK_VERSION */
    uint8_t kind;                /* enum dsk_kind */
    int8_t item_type;            /* K type of the items stored (KI/KJ for symbols) */
    int8_t attr;                 /* K_ATTR_*: attribute of the column */
    uint8_t pad[3];              /* zero */
    int64_t count;               /* items in the file (bytes for DSK_KIND_NAMES) */
    int64_t data_offset;         /* DSK_DATA_OFFSET */
    int64_t names;               /* DSK_KIND_NAMES: NUL-terminated names; else 0 */
    int64_t map_bytes;           /* 0 on disk; a private mapping stores its length here */
    struct {
        int8_t m, a, t, u;       /* K_MEM_HEAP on disk, attr, item_type, 0 */
        int32_t r;               /* 0 */
        int64_t n;               /* count */
    } k;                         /* the K header of the mapped vector */
};

_Static_assert(sizeof(struct dsk_header) == DSK_DATA_OFFSET, "dsk header must be 64 bytes");
_Static_assert(offsetof(struct dsk_header, k) == DSK_K_HEADER_OFFSET,
               "K header must sit right before the items");
_Static_assert(DSK_DATA_OFFSET % 16 == 0, "items must be 16-byte aligned in the mapping");
_Static_assert(offsetof(struct dsk_header, count) == 16, "count at offset 16");
_Static_assert(offsetof(struct dsk_header, map_bytes) == 40, "map_bytes at offset 40");
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the format is little-endian");

/* Format err (DSK_ERR_BYTES) as "path: text". Always returns -1. */
int dsk_fail(char *err, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Fill h for kind/item_type/attr/count (names for DSK_KIND_NAMES). */
void dsk_header_init(struct dsk_header *h, int kind, int item_type, int attr, J count, J names);

/* Bytes per stored item for a header's item_type (0 if not storable). */
int dsk_item_bytes(int item_type);

/* Check a header read from path (file_bytes long). Returns 0, or -1 with err. */
int dsk_header_check(const char *path, const struct dsk_header *h, J file_bytes, char *err);

/* ---- atomic writer ---------------------------------------------------------- */

#define DSK_WRITE_BUFFER_BYTES (1 << 20)  /* items are gathered in 1 MB blocks */

struct dsk_writer {
    int fd;                          /* the temp file; -1 when closed */
    int has_temp;                    /* the temp file exists and is ours to remove */
    int is_finished;                 /* items and header written, writeback started */
    char path[DSK_PATH_BYTES];       /* the final name */
    char tmp[DSK_PATH_BYTES];        /* the hidden temp name */
    G *buf;                          /* DSK_WRITE_BUFFER_BYTES; NULL once finished */
    size_t used;                     /* bytes buffered */
    J written;                       /* bytes written to fd, header placeholder included */
};

/* Create a hidden temp file next to path and reserve the header. Returns 0 or -1. */
int dsk_writer_open(struct dsk_writer *w, const char *path, char *err);
/* Append n bytes. Returns 0 or -1 (the writer is then aborted). */
int dsk_writer_put(struct dsk_writer *w, const void *bytes, size_t n, char *err);
/* Append items base[perm[i]] for i < n (perm NULL: in order), width bytes each. */
int dsk_writer_gather(struct dsk_writer *w, const G *base, int width, const J *perm, J n,
                      char *err);
/* Write the buffered bytes and h at offset 0, and start writeback without waiting, so
 * the disk works while the caller prepares the next file. Returns 0 or -1 (aborted). */
int dsk_writer_finish(struct dsk_writer *w, const struct dsk_header *h, char *err);
/* Finish (if not yet), fdatasync, close, rename to the final name. Returns 0 or -1. */
int dsk_writer_commit(struct dsk_writer *w, const struct dsk_header *h, char *err);
/* Close and remove the temp file (safe to call twice). */
void dsk_writer_abort(struct dsk_writer *w);

/* Open w on path and write h then the items of base (through perm when set), finished
 * but not committed. Returns 0/-1. */
int dsk_file_start(struct dsk_writer *w, const char *path, const struct dsk_header *h,
                   const G *base, const J *perm, char *err);

/* Write a whole file: h then n items of base (through perm when set). Returns 0/-1. */
int dsk_file_write(const char *path, const struct dsk_header *h, const G *base,
                   const J *perm, char *err);

/* Write col (simple or nested; not KS) to path with items in perm order (NULL: as is)
 * and attribute attr. Ownership: col borrowed. Returns 0/-1. */
int dsk_column_write_perm(const char *path, K col, const J *perm, int attr, char *err);

/* Map path and check its header is kind. Ownership: returns new (K_MEM_MAPPED). */
K dsk_map_kind(const char *path, int kind, char *err);

/* Read a DSK_KIND_NAMES file into a KS vector. Ownership: returns new; NULL + err. */
K dsk_names_read(const char *path, char *err);
/* Write names (KS) as a DSK_KIND_NAMES file. Ownership: borrowed. Returns 0/-1. */
int dsk_names_write(const char *path, K names, char *err);

/* ---- symbol pointer hash (dsk_sym.c) ----------------------------------------- */

/* Open-addressing map from interned symbol pointer to index. */
struct dsk_symmap {
    S *keys;          /* NULL = empty slot */
    J *vals;          /* index of keys[i] */
    size_t mask;      /* slots - 1 (slots a power of two) */
    J count;          /* keys held */
};

int dsk_symmap_init(struct dsk_symmap *m, J expected);
void dsk_symmap_fini(struct dsk_symmap *m);
/* The index of s, or -1. */
J dsk_symmap_get(const struct dsk_symmap *m, S s);
/* Insert s -> v (s not present). Returns 0, or -1 when memory runs out. */
int dsk_symmap_put(struct dsk_symmap *m, S s, J v);

#endif
