/* prim_file.c: files from q (q-subset.md §5.3, §5.6): set/get/value/key of a file
 * symbol, hopen of a file and appends through its handle, `0:` text files, .Q.en and
 * .Q.dpft. A general list is stored as a log (journal.c's format, so hopen appends to it
 * and -11! replays it); any other value as its serialised bytes (ser.c); splayed tables
 * and their columns as disk.c writes them. Sockets are qipc.c's.
 * SPDX-License-Identifier: MIT */
#include "q.h"
#include "q_int.h"
#include "eval_int.h"
#include "prim_int.h"
#include "prim_fns.h"
#include "prim_list.h"
#include "qnative.h"
#include "disk.h"
#include "disk_int.h"
#include "journal.h"
#include "ser.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAX_HANDLES 64      /* files open through hopen at once */
#define FILE_LOG_MAGIC 0xff      /* first byte of a log (journal.h header) */
#define FILE_COL_MAGIC "TKDSKCOL" /* first bytes of a disk.c file */
#define FILE_COL_KIND_AT 10      /* offset of the kind byte in a disk.c header */
#define FILE_COL_HDR 64          /* bytes of a disk.c header */
#define FILE_KIND_NAMES 4        /* disk.c kind of .d and sym */
#define FILE_READ_CHUNK 4096     /* bytes read at a time by read0/read1 */

/* Files open for appending: handle (a descriptor held open so the number is unique
 * among sockets and files) → log. */
static struct { int handle; struct jnl *log; } file_open[FILE_MAX_HANDLES];

/* The path of a file symbol `:path. Returns NULL when x is no file symbol. */
static const char *file_path(K x)
{
    if (!x || x->t != -KS || x->s[0] != ':') return NULL;
    return x->s + 1;
}

/* mkdir -p of the directory part of path (dir_only: of path itself). 0 or -1. */
static int file_mkdirs(const char *path, int dir_only)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf) return -1;
    if (!dir_only) {
        char *slash = strrchr(buf, '/');
        if (!slash) return 0;
        *slash = 0;
    }
    for (char *p = buf + 1; ; p++) {
        if (*p == '/' || *p == 0) {
            char c = *p;
            *p = 0;
            if (buf[0] && mkdir(buf, 0755) != 0 && errno != EEXIST) return -1;
            *p = c;
            if (!c) break;
        }
    }
    return 0;
}

/* Write bytes to path through a temp name and rename: no half-written file. */
static int file_write_bytes(const char *path, const G *bytes, J n)
{
    char tmp[PATH_MAX];
    if (snprintf(tmp, sizeof tmp, "%s.tmpXXXXXX", path) >= (int)sizeof tmp) return -1;
    int fd = mkstemp(tmp);
    if (fd < 0) return -1;
    J done = 0;
    while (done < n) {
        ssize_t w = write(fd, bytes + done, (size_t)(n - done));
        if (w <= 0) { close(fd); unlink(tmp); return -1; }
        done += w;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) { unlink(tmp); return -1; }
    return 0;
}

/* A general list as a log: header, then one record per item. */
static K file_set_log(const char *path, K v)
{
    char err[JNL_ERR_BYTES];
    if (unlink(path) != 0 && errno != ENOENT) return k_err_fmt("%s", path);
    struct jnl *j = jnl_open(path, JNL_OPEN_STRICT, err);
    if (!j) return k_err_fmt("%s", path);
    for (J i = 0; i < v->n; i++)
        if (jnl_append(j, kK(v)[i])) { jnl_close(j); return krr("type"); }
    if (jnl_flush(j, 1) || jnl_close(j)) return k_err_fmt("%s", path);
    return NULL;
}

K prim_file_set(K x, K y)
{
    const char *path = file_path(x);
    if (!path) return krr("type");
    if (q_restricted()) return krr("access");
    if (!*path || file_mkdirs(path, 0)) return k_err_fmt("%s", path);
    size_t len = strlen(path);
    if (path[len - 1] == '/' && y->t == XT) {  /* `:dir/ set t: splayed, syms against .. */
        char root[PATH_MAX], err[DSK_ERR_BYTES];
        snprintf(root, sizeof root, "%.*s", (int)len - 1, path);
        char *slash = strrchr(root, '/');
        if (slash) *slash = 0; else snprintf(root, sizeof root, ".");
        if (dsk_table_write(path, y, root, err)) return krr(strstr(err, "unmappable") ? "unmappable" : "type");
        return r1(x);
    }
    if (y->t == 0) {
        K e = file_set_log(path, y);
        return e ? e : r1(x);
    }
    K bytes = b9(-1, y);
    if (IS_ERR(bytes)) return bytes;
    int rc = file_write_bytes(path, kG(bytes), bytes->n);
    r0(bytes);
    return rc ? k_err_fmt("%s", path) : r1(x);
}

/* Collect a log's records (jnl_record_fn). */
static int file_collect(void *ctx, K record, J index)
{
    (void)index;
    jk((K *)ctx, r1(record));
    return 0;
}

/* The root of a disk.c column's database: up levels directories from path. */
static K file_syms_above(const char *path, int levels)
{
    char root[PATH_MAX], err[DSK_ERR_BYTES];
    snprintf(root, sizeof root, "%s", path);
    for (int i = 0; i < levels; i++) {
        char *slash = strrchr(root, '/');
        if (slash) *slash = 0; else { snprintf(root, sizeof root, "."); break; }
    }
    char sym[PATH_MAX];
    if (snprintf(sym, sizeof sym, "%s/sym", root) >= (int)sizeof sym) return NULL;
    if (access(sym, R_OK) != 0) return NULL;
    return dsk_sym_load(root, err);
}

static K file_get_column(const char *path, int kind)
{
    char err[DSK_ERR_BYTES];
    if (kind == FILE_KIND_NAMES) {
        K names = dsk_names_read(path, err);
        return names ? names : k_err_fmt("%s", path);
    }
    K syms = NULL;
    for (int up = 1; !syms && up <= 3; up++) syms = file_syms_above(path, up);
    K v = dsk_column_map(path, syms, err);
    r0(syms);
    return v ? v : k_err_fmt("%s", path);
}

static K file_get_table(const char *dir)
{
    char err[DSK_ERR_BYTES];
    K syms = NULL;
    for (int up = 1; !syms && up <= 2; up++) syms = file_syms_above(dir, up);
    K t = dsk_table_load(dir, syms, err);
    r0(syms);
    return t ? t : k_err_fmt("%s", dir);
}

K prim_file_get(K x)
{
    const char *path = file_path(x);
    if (!path) return krr("type");
    if (q_restricted()) return krr("access");
    struct stat st;
    if (stat(path, &st) != 0) return k_err_fmt("%s", path);
    if (S_ISDIR(st.st_mode)) return file_get_table(path);
    int fd = open(path, O_RDONLY);
    if (fd < 0) return k_err_fmt("%s", path);
    G head[FILE_COL_HDR];
    ssize_t got = read(fd, head, sizeof head);
    if (got > 0 && head[0] == FILE_LOG_MAGIC) {
        close(fd);
        K list = ktn(0, 0);
        struct jnl_scan scan;
        if (jnl_scan_file(path, -1, file_collect, &list, &scan) || scan.is_bad_tail) {
            r0(list);
            return krr("badtail");
        }
        return list;
    }
    if (got == (ssize_t)sizeof head && !memcmp(head, FILE_COL_MAGIC, strlen(FILE_COL_MAGIC))) {
        close(fd);
        return file_get_column(path, head[FILE_COL_KIND_AT]);
    }
    K bytes = ktn(KG, st.st_size);
    J done = got > 0 ? got : 0;
    if (done) memcpy(kG(bytes), head, (size_t)done);
    while (done < st.st_size) {
        ssize_t r = read(fd, kG(bytes) + done, (size_t)(st.st_size - done));
        if (r <= 0) break;
        done += r;
    }
    close(fd);
    if (done != st.st_size) { r0(bytes); return k_err_fmt("%s", path); }
    K v = d9(bytes);
    r0(bytes);
    return v;
}

static int file_name_cmp(const void *a, const void *b)
{
    return strcmp(*(const S *)a, *(const S *)b);
}

K prim_file_key(K x)
{
    const char *path = file_path(x);
    if (!path) return krr("type");
    if (q_restricted()) return krr("access");
    struct stat st;
    if (stat(path, &st) != 0) return ktn(0, 0);
    if (!S_ISDIR(st.st_mode)) return r1(x);
    DIR *d = opendir(path);
    if (!d) return k_err_fmt("%s", path);
    K names = ktn(KS, 0);
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) js(&names, ss(e->d_name));
    closedir(d);
    qsort(kS(names), (size_t)names->n, sizeof(S), file_name_cmp);
    return names;
}

/* `:f 0: strings: the strings as lines of text file f. */
K prim_file_text(K x, K y)
{
    if (x->t == 0 || x->t == KC) return prim_text_parse(x, y);  /* text to values */
    const char *path = file_path(x);
    if (!path) return krr(x->t == -KS ? "type" : "nyi");
    if (q_restricted()) return krr("access");
    if (y->t != 0 && y->t != KC) return krr("type");
    K text = ktn(KC, 0);
    J n = y->t == KC ? 1 : y->n;
    for (J i = 0; i < n; i++) {
        K line = y->t == KC ? y : kK(y)[i];
        if (line->t != KC && line->t != -KC) { r0(text); return krr("type"); }
        for (J k = 0; k < (line->t == KC ? line->n : 1); k++) {
            G c = line->t == KC ? kC(line)[k] : line->g;
            ja(&text, &c);
        }
        G nl = '\n';
        ja(&text, &nl);
    }
    if (file_mkdirs(path, 0) || file_write_bytes(path, kG(text), text->n)) {
        r0(text);
        return k_err_fmt("%s", path);
    }
    r0(text);
    return r1(x);
}

/* The bytes of file `:f as a KG vector, or an error naming it. */
static K file_bytes(K x)
{
    const char *path = file_path(x);
    if (!path) return krr("type");
    if (q_restricted()) return krr("access");
    FILE *f = fopen(path, "rb");
    if (!f) return k_err_fmt("%s", path);
    K b = ktn(KG, 0);
    G buf[FILE_READ_CHUNK];
    for (size_t n; b && (n = fread(buf, 1, sizeof buf, f)) > 0;) {
        K part = ktn(KG, (J)n);  /* a chunk at a time: files of any size, no stat */
        if (part) memcpy(kG(part), buf, n);
        if (!part || !jv(&b, part)) { r0(b); b = NULL; }
        r0(part);
    }
    fclose(f);
    return b ? b : krr("wsfull");
}

K prim_read1(K x) { return file_bytes(x); }

/* read0 `:f: the text file's lines as strings (without their newlines). */
K prim_read0(K x)
{
    K b = file_bytes(x);
    if (IS_ERR(b)) return b;
    K lines = ktn(0, 0);
    J start = 0;
    for (J i = 0; i <= b->n; i++) {
        if (i < b->n && kG(b)[i] != '\n') continue;
        if (i == b->n && start == b->n) break;
        jk(&lines, kpn((S)kG(b) + start, i - start));
        start = i + 1;
    }
    r0(b);
    return lines;
}

K prim_hcount(K x)
{
    const char *path = file_path(x);
    if (!path) return krr("type");
    if (q_restricted()) return krr("access");
    struct stat st;
    return stat(path, &st) == 0 ? kj((J)st.st_size) : k_err_fmt("%s", path);
}

K prim_hdel(K x)
{
    const char *path = file_path(x);
    if (!path) return krr("type");
    if (q_restricted()) return krr("access");
    return remove(path) == 0 ? r1(x) : k_err_fmt("%s", path);
}

/* The file and global names of save/load's argument: `name or `:dir/name (the global
 * is the last part); buf holds ":path". 0, or -1 when x is no such symbol. */
static int file_save_names(K x, char *buf, size_t cap, const char **global)
{
    if (x->t != -KS || !x->s[0]) return -1;
    const char *p = x->s[0] == ':' ? x->s + 1 : x->s;
    const char *slash = strrchr(p, '/');
    *global = slash ? slash + 1 : p;
    if (!**global) return -1;
    return snprintf(buf, cap, ":%s", p) >= (int)cap ? -1 : 0;
}

/* save `name: the global's value to file name (as `:name set name); the file symbol. */
K prim_save(K x)
{
    char buf[PATH_MAX];
    const char *global;
    if (file_save_names(x, buf, sizeof buf, &global)) return krr("type");
    if (q_restricted()) return krr("access");
    K v = q_global_get(global);
    if (!v) return krr(global);
    K f = ks(buf);
    K r = prim_file_set(f, v);
    r0(f);
    r0(v);
    return r;
}

/* load `name: the file's value into the global of that name; the name. */
K prim_load(K x)
{
    char buf[PATH_MAX];
    const char *global;
    if (file_save_names(x, buf, sizeof buf, &global)) return krr("type");
    if (q_restricted()) return krr("access");
    K f = ks(buf);
    K v = prim_file_get(f);
    r0(f);
    if (IS_ERR(v)) return v;
    if (q_global_set(global, v)) return krr("wsfull");
    return ks((S)global);
}

/* ---- file handles ------------------------------------------------------------------ */

int q_file_hopen(const char *path)
{
    if (q_restricted()) return -1;
    int slot = -1;
    for (int i = 0; i < FILE_MAX_HANDLES; i++) if (!file_open[i].log) { slot = i; break; }
    if (slot < 0 || file_mkdirs(path, 0)) return -1;
    char err[JNL_ERR_BYTES];
    struct jnl *j = jnl_open(path, JNL_OPEN_STRICT, err);
    if (!j) return -1;
    int h = open(path, O_RDONLY | O_CLOEXEC);
    if (h < 0) { jnl_close(j); return -1; }
    file_open[slot].handle = h;
    file_open[slot].log = j;
    return h;
}

static int file_slot(int h)
{
    for (int i = 0; i < FILE_MAX_HANDLES; i++) if (file_open[i].log && file_open[i].handle == h) return i;
    return -1;
}

int q_file_hclose(int h)
{
    int i = file_slot(h < 0 ? -h : h);
    if (i < 0) return -1;
    jnl_close(file_open[i].log);
    close(file_open[i].handle);
    file_open[i].log = NULL;
    return 0;
}

int eval_file_apply(I handle, K msg, K *result)
{
    int i = file_slot(handle < 0 ? -handle : handle);
    if (i < 0) return 0;
    struct jnl *j = file_open[i].log;
    int rc = 0;
    if (msg->t == 0) for (J k = 0; k < msg->n && !rc; k++) rc = jnl_append(j, kK(msg)[k]);
    else rc = jnl_append(j, msg);
    if (!rc) rc = jnl_flush(j, 0);
    *result = rc ? krr("type") : ki(handle);
    return 1;
}

void prim_file_fini(void)
{
    for (int i = 0; i < FILE_MAX_HANDLES; i++) if (file_open[i].log) q_file_hclose(file_open[i].handle);
}

/* ---- .Q.en and .Q.dpft ------------------------------------------------------------- */

/* The root directory of a file symbol into out. */
static int file_root(K dir, char *out, size_t size)
{
    const char *path = file_path(dir);
    if (!path || !*path || snprintf(out, size, "%s", path) >= (int)size) return -1;
    return 0;
}

/* Enumerate table t's symbol columns against root/sym and set the global sym. */
static K file_enumerate(const char *root, K t)
{
    char err[DSK_ERR_BYTES];
    if (file_mkdirs(root, 1)) return k_err_fmt("%s", root);
    K cols = kK(t->k)[1];
    for (J c = 0; c < cols->n; c++) {
        K col = kK(cols)[c];
        if (col->t != KS) continue;
        K idx = NULL;
        if (dsk_sym_enumerate(root, col, &idx, err)) return k_err_fmt("%s", root);
        r0(idx);
    }
    K syms = dsk_sym_load(root, err);
    if (!syms) return k_err_fmt("%s", root);
    if (eval_global_set(ss("sym"), syms)) return krr("wsfull");
    return NULL;
}

static K file_q_en(K *args, int n)
{
    (void)n;
    char root[PATH_MAX];
    if (file_root(args[0], root, sizeof root)) return krr("type");
    if (args[1]->t != XT) return krr("type");
    if (q_restricted()) return krr("access");
    K e = file_enumerate(root, args[1]);
    return e ? e : prim_enum_columns(args[1], ss("sym"));
}

/* t's rows in the order of column field (stable), field first, parted. */
static K file_dpft_order(K t, S field)
{
    K names = kK(t->k)[0], cols = kK(t->k)[1];
    J at = -1;
    for (J c = 0; c < names->n; c++) if (kS(names)[c] == field) at = c;
    if (at < 0) return krr(field);
    K order = prim_iasc(kK(cols)[at]);
    if (IS_ERR(order)) return order;
    K nnames = ktn(KS, names->n), ncols = ktn(0, cols->n);
    for (J c = 0, k = 1; c < names->n; c++) {
        J to = c == at ? 0 : k++;
        kS(nnames)[to] = kS(names)[c];
        K col = prim_list_select(kK(cols)[c], kJ(order), order->n);
        if (IS_ERR(col)) { r0(order); r0(nnames); ncols->n = 0; r0(ncols); return col; }
        if (col->t > 0 && col->t < XT) col->a = c == at ? K_ATTR_PARTED : 0;
        kK(ncols)[to] = col;
    }
    r0(order);
    return xT(xD(nnames, ncols));
}

static K file_q_dpft(K *args, int n)
{
    (void)n;
    char root[PATH_MAX], dir[PATH_MAX], err[DSK_ERR_BYTES];
    if (file_root(args[0], root, sizeof root)) return krr("type");
    K part = args[1], field = args[2], name = args[3];
    if (part->t != -KD || field->t != -KS || name->t != -KS) return krr("type");
    if (q_restricted()) return krr("access");
    K t = eval_global_get(name->s);
    if (!t) return krr(name->s);
    if (t->t != XT) { r0(t); return krr("type"); }
    K sorted = file_dpft_order(t, field->s);
    r0(t);
    if (IS_ERR(sorted)) return sorted;
    K e = file_enumerate(root, sorted);
    if (!e && dsk_partition_path(dir, sizeof dir, root, part->i, name->s)) e = krr("limit");
    if (!e && file_mkdirs(dir, 1)) e = k_err_fmt("%s", dir);
    if (!e && dsk_table_write(dir, sorted, root, err))
        e = strstr(err, "unmappable") ? krr("unmappable") : k_err_fmt("%s", dir);
    r0(sorted);
    return e ? e : r1(name);
}

int prim_file_init(void)
{
    K en = q_native_new(".Q.en", 2, file_q_en), dpft = q_native_new(".Q.dpft", 4, file_q_dpft);
    if (!en || !dpft) { r0(en); r0(dpft); return -1; }
    return q_global_set(".Q.en", en) || q_global_set(".Q.dpft", dpft) ? -1 : 0;
}
