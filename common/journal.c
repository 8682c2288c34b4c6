/* journal.c: kdb+-format tickerplant log: scanning/replay (-11! semantics) and a
 * buffered appender that keeps the header count (tick-architecture.md §5).
 * Record encoding is ser.c; deciding when to flush is the tickerplant's.
 * SPDX-License-Identifier: MIT */
#include "journal.h"
#include "ser.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define JNL_MAGIC0 0xff            /* a kdb+ binary file */
#define JNL_MAGIC1 0x01
#define JNL_FLUSH_BYTES (1 << 20)  /* a buffer this full is written at once */
#define JNL_HEADER_MS 100          /* an unsynced flush rewrites the header count at most
                                      this often (a pwrite per loop iteration otherwise) */

static const G jnl_empty_header[JNL_HDR_BYTES] = { JNL_MAGIC0, JNL_MAGIC1, 0, 0, 0, 0, 0, 0 };

/* ---- scanning ----------------------------------------------------------------- */

/* The scan of every reader: the header check, then each record offered to fns->on_bytes,
 * else measured and (with on_record) decoded and handed over. */
static int jnl_scan_bytes_fns(const G *bytes, J n, J max_records,
                              const struct jnl_scan_fns *fns, struct jnl_scan *out)
{
    memset(out, 0, sizeof *out);
    out->file_bytes = n;
    if (n < JNL_HDR_BYTES || bytes[0] != JNL_MAGIC0 || bytes[1] != JNL_MAGIC1
        || bytes[2] != 0 || bytes[3] != 0) {
        snprintf(out->err, JNL_ERR_BYTES, "not a journal: the file does not start ff 01 00 00");
        return -1;
    }
    int32_t claimed;
    memcpy(&claimed, bytes + 4, 4);
    out->header_count = claimed;
    J at = JNL_HDR_BYTES;
    char why[SER_ERR_BYTES];
    while (at < n && (max_records < 0 || out->records < max_records)) {
        J len = fns->on_bytes ? fns->on_bytes(fns->ctx, bytes + at, n - at, out->records) : 0;
        int stop = len < 0;
        if (len == 0) {
            len = ser_measure(bytes + at, n - at, 1, why);
            if (len < 0) {
                out->is_bad_tail = 1;
                snprintf(out->err, JNL_ERR_BYTES, "bad record %lld at byte %lld: %s",
                         (long long)out->records, (long long)at, why);
                break;
            }
            if (fns->on_record) {
                K rec = ser_decode(bytes + at, len, 1, 0, why);
                if (!rec) {
                    snprintf(out->err, JNL_ERR_BYTES, "record %lld at byte %lld: %s",
                             (long long)out->records, (long long)at, why);
                    return -1;
                }
                stop = fns->on_record(fns->ctx, rec, out->records);
                r0(rec);
            }
        }
        if (stop) {
            snprintf(out->err, JNL_ERR_BYTES, "replay stopped at record %lld",
                     (long long)out->records);
            return -1;
        }
        at += len;
        out->records++;
    }
    out->valid_bytes = at;
    return 0;
}

int jnl_scan_bytes(const G *bytes, J n, J max_records, jnl_record_fn on_record, void *ctx,
                   struct jnl_scan *out)
{
    struct jnl_scan_fns fns = { .on_record = on_record, .ctx = ctx };
    return jnl_scan_bytes_fns(bytes, n, max_records, &fns, out);
}

int jnl_scan_file_fns(const char *path, J max_records, const struct jnl_scan_fns *fns,
                      struct jnl_scan *out)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(out->err, JNL_ERR_BYTES, "%s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st)) {
        snprintf(out->err, JNL_ERR_BYTES, "%s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    J n = (J)st.st_size;
    const G *bytes = jnl_empty_header;    /* an empty file fails the header check */
    void *map = NULL;
    if (n > 0) {
        map = mmap(NULL, (size_t)n, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map == MAP_FAILED) {
            snprintf(out->err, JNL_ERR_BYTES, "%s: mmap: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        (void)madvise(map, (size_t)n, MADV_SEQUENTIAL); /* a hint only */
        bytes = map;
    }
    close(fd);
    int rc = jnl_scan_bytes_fns(bytes, n, max_records, fns, out);
    if (map) munmap(map, (size_t)n);
    if (rc || out->is_bad_tail) {
        char tail[JNL_ERR_BYTES];
        memcpy(tail, out->err, sizeof tail);
        snprintf(out->err, JNL_ERR_BYTES, "%s: %.200s", path, tail);
    }
    return rc;
}

int jnl_scan_file(const char *path, J max_records, jnl_record_fn on_record, void *ctx,
                  struct jnl_scan *out)
{
    struct jnl_scan_fns fns = { .on_record = on_record, .ctx = ctx };
    return jnl_scan_file_fns(path, max_records, &fns, out);
}

static int write_header_count(int fd, J records)
{
    int32_t count = records > INT32_MAX ? INT32_MAX : (int32_t)records;
    return pwrite(fd, &count, 4, 4) == 4 ? 0 : -1;
}

int jnl_truncate(const char *path, J valid_bytes, J records, char *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ftruncate(fd, (off_t)valid_bytes) || write_header_count(fd, records)
        || fdatasync(fd)) {
        snprintf(err, JNL_ERR_BYTES, "%s: truncate to %lld bytes: %s", path,
                 (long long)valid_bytes, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

int jnl_path(char *out, size_t size, const char *dir, const char *schema, I date)
{
    I ymd_value = dj(date);
    int len = snprintf(out, size, "%s%s%s%04d.%02d.%02d", dir && *dir ? dir : "",
                       dir && *dir ? "/" : "", schema, ymd_value / 10000,
                       ymd_value / 100 % 100, ymd_value % 100);
    return len < 0 || (size_t)len >= size ? -1 : 0;
}

/* ---- writing ------------------------------------------------------------------ */

struct jnl {
    int fd;              /* open for writing, positioned by pwrite only */
    char *path;          /* for messages */
    J records;           /* records written or buffered */
    J written_bytes;     /* bytes on disk (header included) */
    J header_records;    /* the count the header on disk holds */
    J header_ms;         /* monotonic ms of its last rewrite */
    G *buf;              /* records not yet written */
    J buf_bytes;         /* used bytes of buf */
    J buf_cap;           /* allocated bytes of buf */
    char err[JNL_ERR_BYTES]; /* the last failure */
};

static struct jnl *jnl_alloc(const char *path, int fd)
{
    struct jnl *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    j->path = strdup(path);
    if (!j->path) { free(j); return NULL; }
    j->fd = fd;
    return j;
}

static void jnl_free(struct jnl *j)
{
    if (j->fd >= 0) close(j->fd);
    free(j->buf);
    free(j->path);
    free(j);
}

/* Create an empty log; refuses to overwrite one that appeared meanwhile. */
static int jnl_create(const char *path, char *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
        if (errno == EEXIST) return 0;
        snprintf(err, JNL_ERR_BYTES, "%s: create: %s", path, strerror(errno));
        return -1;
    }
    int ok = write(fd, jnl_empty_header, JNL_HDR_BYTES) == JNL_HDR_BYTES && !fdatasync(fd);
    if (!ok) snprintf(err, JNL_ERR_BYTES, "%s: write header: %s", path, strerror(errno));
    close(fd);
    return ok ? 0 : -1;
}

struct jnl *jnl_open(const char *path, enum jnl_open_mode mode, char *err)
{
    err[0] = 0;
    if (jnl_create(path, err)) return NULL;
    struct jnl_scan scan;
    if (jnl_scan_file(path, -1, NULL, NULL, &scan)) {
        snprintf(err, JNL_ERR_BYTES, "%s", scan.err);
        return NULL;
    }
    if (scan.is_bad_tail) {
        if (mode != JNL_OPEN_TRUNCATE) {
            snprintf(err, JNL_ERR_BYTES, "%s: corrupt log: %lld good records in %lld of %lld "
                     "bytes; truncate to %lld bytes to start", path, (long long)scan.records,
                     (long long)scan.valid_bytes, (long long)scan.file_bytes,
                     (long long)scan.valid_bytes);
            return NULL;
        }
        if (jnl_truncate(path, scan.valid_bytes, scan.records, err)) return NULL;
        snprintf(err, JNL_ERR_BYTES, "%s: cut a bad tail of %lld bytes after %lld good records",
                 path, (long long)(scan.file_bytes - scan.valid_bytes), (long long)scan.records);
    }
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, JNL_ERR_BYTES, "%s: open: %s", path, strerror(errno));
        return NULL;
    }
    struct jnl *j = jnl_alloc(path, fd);
    if (!j) {
        close(fd);
        snprintf(err, JNL_ERR_BYTES, "%s: out of memory", path);
        return NULL;
    }
    j->records = scan.records;
    j->written_bytes = scan.valid_bytes;
    j->header_records = scan.records;
    if (scan.header_count != scan.records && write_header_count(fd, scan.records)) {
        snprintf(err, JNL_ERR_BYTES, "%s: write header count: %s", path, strerror(errno));
        jnl_free(j);
        return NULL;
    }
    return j;
}

/* Make room for n more buffered bytes. */
static int jnl_reserve(struct jnl *j, J n)
{
    if (j->buf_bytes + n <= j->buf_cap) return 0;
    J cap = j->buf_cap ? j->buf_cap : 64 * 1024;
    while (cap < j->buf_bytes + n) cap *= 2;
    G *buf = realloc(j->buf, (size_t)cap);
    if (!buf) {
        snprintf(j->err, JNL_ERR_BYTES, "%s: out of memory buffering %lld bytes", j->path,
                 (long long)n);
        return -1;
    }
    j->buf = buf;
    j->buf_cap = cap;
    return 0;
}

int jnl_append_bytes(struct jnl *j, const G *body, J n)
{
    if (jnl_reserve(j, n)) return -1;
    memcpy(j->buf + j->buf_bytes, body, (size_t)n);
    j->buf_bytes += n;
    j->records++;
    return j->buf_bytes >= JNL_FLUSH_BYTES ? jnl_flush(j, 0) : 0;
}

int jnl_append_parts(struct jnl *j, const G *const *parts, const J *lens, int n)
{
    J total = 0;
    for (int i = 0; i < n; i++) total += lens[i];
    if (jnl_reserve(j, total)) return -1;
    for (int i = 0; i < n; i++) {
        if (lens[i]) memcpy(j->buf + j->buf_bytes, parts[i], (size_t)lens[i]);
        j->buf_bytes += lens[i];
    }
    j->records++;
    return j->buf_bytes >= JNL_FLUSH_BYTES ? jnl_flush(j, 0) : 0;
}

int jnl_append(struct jnl *j, K record)
{
    K err = NULL;
    J n = ser_body_size(record, SER_MAX_CAPABILITY, &err);
    if (n < 0) {
        snprintf(j->err, JNL_ERR_BYTES, "%s: record cannot be serialised: '%s", j->path, err->s);
        r0(err);
        return -1;
    }
    if (jnl_reserve(j, n)) return -1;
    ser_body_write(record, j->buf + j->buf_bytes);
    j->buf_bytes += n;
    j->records++;
    return j->buf_bytes >= JNL_FLUSH_BYTES ? jnl_flush(j, 0) : 0;
}

static J jnl_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (J)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Bring the header count up to the records written: always when is_forced (sync,
 * close), else at most every JNL_HEADER_MS. Readers count records (jnl_scan); the
 * header only has to be right once the file is synced or closed. */
static int jnl_header_update(struct jnl *j, int is_forced)
{
    if (j->header_records == j->records || j->buf_bytes) return 0;
    J now = jnl_mono_ms();
    if (!is_forced && now - j->header_ms < JNL_HEADER_MS) return 0;
    if (write_header_count(j->fd, j->records)) {
        snprintf(j->err, JNL_ERR_BYTES, "%s: write header count: %s", j->path, strerror(errno));
        return -1;
    }
    j->header_records = j->records;
    j->header_ms = now;
    return 0;
}

int jnl_flush(struct jnl *j, int sync)
{
    J done = 0;
    while (done < j->buf_bytes) {
        ssize_t w = pwrite(j->fd, j->buf + done, (size_t)(j->buf_bytes - done),
                           (off_t)(j->written_bytes + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            /* Keep what was not written for a retry; what was written stays counted. */
            memmove(j->buf, j->buf + done, (size_t)(j->buf_bytes - done));
            j->buf_bytes -= done;
            j->written_bytes += done;
            snprintf(j->err, JNL_ERR_BYTES, "%s: write at byte %lld: %s", j->path,
                     (long long)j->written_bytes, w < 0 ? strerror(errno) : "no progress");
            return -1;
        }
        done += w;
    }
    j->written_bytes += done;
    j->buf_bytes = 0;
    if (jnl_header_update(j, sync)) return -1;
    if (sync && fdatasync(j->fd)) {
        snprintf(j->err, JNL_ERR_BYTES, "%s: fdatasync: %s", j->path, strerror(errno));
        return -1;
    }
    return 0;
}

J jnl_count(const struct jnl *j) { return j->records; }
J jnl_bytes(const struct jnl *j) { return j->written_bytes + j->buf_bytes; }
J jnl_buffered_bytes(const struct jnl *j) { return j->buf_bytes; }
const char *jnl_errmsg(const struct jnl *j) { return j->err; }
const char *jnl_file(const struct jnl *j) { return j->path; }

int jnl_close(struct jnl *j)
{
    int rc = jnl_flush(j, 0);
    if (!rc) rc = jnl_header_update(j, 1);
    if (rc) fprintf(stderr, "journal: %s\n", j->err);
    jnl_free(j);
    return rc;
}
