/* conform.c: the q conformance test (q-subset.md §7): loads the §7.1 fixture, runs every
 * row of rows.txt through q_eval + fmt_display in its own forked child (a crash or hang
 * fails one row only) and compares with the expected display as §7.3 says. Rows listed in
 * known_failures.txt are reported with their reason; any other failure fails the test.
 * Usage: conform ROWS KNOWN FIXTURE [--update] [ID…]
 *   --update rewrites KNOWN from this run (reasons of rows already listed are kept);
 *   ID… runs only those rows and prints each one.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "console.h"
#include "runtime.h"

#define CONFORM_ROW_TIMEOUT_S 20   /* a row taking longer is reported as a hang */
#define CONFORM_MAX_ROWS 4096

/* One checklist row; the strings point into the loaded rows file. */
typedef struct {
    char *id;        /* L001 … */
    char *tier;      /* T1 or T2 */
    char *feature;   /* what the row checks */
    char *expr;      /* q text as typed */
    char *want;      /* expected display, §7.3 encoding (\n, \\) */
    char *known;     /* reason from known_failures.txt, or NULL */
    char *got;       /* text this run printed (malloc'd) */
    int crashed;     /* 0, or the signal that ended the child */
    int passed;      /* the display matched */
} conform_row;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st; (void)flag; (void)ftw;
    return remove(path);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "conform: cannot open %s: %s\n", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (cap - n < 2) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) { free(buf); buf = NULL; break; }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf) buf[n] = 0;
    return buf;
}

/* Split text into lines in place; returns the count stored in lines (at most max). */
static int split_lines(char *text, char **lines, int max)
{
    int n = 0;
    for (char *p = text; *p && n < max;) {
        char *nl = strchr(p, '\n');
        if (nl) *nl = 0;
        lines[n++] = p;
        if (!nl) break;
        p = nl + 1;
    }
    return n;
}

/* Decode §7.3's expected text: \n is a line break, \\ one backslash; other escapes stay. */
static char *decode_expected(const char *s)
{
    char *out = malloc(strlen(s) + 1), *o = out;
    if (!out) return NULL;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == 'n') { *o++ = '\n'; s++; }
        else if (s[0] == '\\' && s[1] == '\\') { *o++ = '\\'; s++; }
        else *o++ = *s;
    }
    *o = 0;
    return out;
}

/* Normalise for comparison: drop trailing blanks on every line and trailing empty lines. */
static void normalise(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '\n') while (w > s && (w[-1] == ' ' || w[-1] == '\t')) w--;
        *w++ = *r;
    }
    *w = 0;
    while (w > s && (w[-1] == ' ' || w[-1] == '\t' || w[-1] == '\n')) *--w = 0;
}

/* Evaluate one row in a child with stdout captured in out_fd: the output the row writes
 * (0N!, show, -1) followed by its display. Returns 0, or the signal that ended it. */
static int run_row(conform_row *row, int out_fd)
{
    if (ftruncate(out_fd, 0) != 0 || lseek(out_fd, 0, SEEK_SET) != 0) return SIGABRT;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) return SIGABRT;
    if (pid == 0) {
        alarm(CONFORM_ROW_TIMEOUT_S);
        if (dup2(out_fd, STDOUT_FILENO) < 0) _exit(2);
        int is_error;
        K text = console_eval(row->expr, (J)strlen(row->expr), &is_error);
        fflush(stdout);
        if (text && text->n > 0) {  /* the display starts on a line of its own */
            off_t size = lseek(STDOUT_FILENO, 0, SEEK_END);
            char last = '\n';
            if (size > 0 && pread(STDOUT_FILENO, &last, 1, size - 1) != 1) last = '\n';
            ssize_t put = last == '\n' ? 0 : write(STDOUT_FILENO, "\n", 1);
            put += write(STDOUT_FILENO, kC(text), (size_t)text->n);
            (void)put;  /* a short write shows up as a wrong display */
        }
        _exit(0);  /* skip atexit/LSan: the parent owns the process state */
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (WIFSIGNALED(status)) return WTERMSIG(status);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return SIGABRT;
    struct stat st;
    if (fstat(out_fd, &st) != 0) return SIGABRT;
    row->got = calloc((size_t)st.st_size + 1, 1);
    if (!row->got || pread(out_fd, row->got, (size_t)st.st_size, 0) != st.st_size) return SIGABRT;
    return 0;
}

static int load_rows(char *text, conform_row *rows)
{
    char *lines[CONFORM_MAX_ROWS];
    int nlines = split_lines(text, lines, CONFORM_MAX_ROWS), n = 0;
    for (int i = 0; i < nlines; i++) {
        char *f[5], *p = lines[i];
        if (!*p || *p == '#') continue;
        int k = 0;
        for (; k < 5 && p; k++) {
            f[k] = p;
            p = strchr(p, '\t');
            if (p) *p++ = 0;
        }
        if (k < 5) { fprintf(stderr, "conform: rows line %d malformed\n", i + 1); continue; }
        rows[n] = (conform_row){ .id = f[0], .tier = f[1], .feature = f[2], .expr = f[3],
                                 .want = f[4] };
        n++;
    }
    return n;
}

static void load_known(char *text, conform_row *rows, int nrows)
{
    char *lines[CONFORM_MAX_ROWS];
    int n = text ? split_lines(text, lines, CONFORM_MAX_ROWS) : 0;
    for (int i = 0; i < n; i++) {
        char *id = lines[i], *reason = strchr(id, '\t');
        if (*id == '#' || !reason) continue;
        *reason++ = 0;
        int found = 0;
        for (int r = 0; r < nrows; r++)
            if (strcmp(rows[r].id, id) == 0) { rows[r].known = reason; found = 1; }
        if (!found) fprintf(stderr, "conform: known failure %s is not a row\n", id);
    }
}

/* Evaluate the fixture's lines (read before the runner changes directory). */
static void load_fixture(char *text)
{
    char *lines[256];
    int n = text ? split_lines(text, lines, 256) : 0;
    for (int i = 0; i < n; i++) {
        if (!*lines[i]) continue;
        K r = q_eval(lines[i], (J)strlen(lines[i]));
        if (!r || r->t == KERR)
            printf("fixture line %d fails: '%s\n", i + 1, r ? r->s : "wsfull");
        r0(r);
    }
}

/* A reason for a new known failure, from what the row printed. */
static void auto_reason(const conform_row *row, char *buf, size_t n)
{
    const char *got = row->got ? row->got : "";
    if (row->crashed == SIGALRM)
        snprintf(buf, n, "interpreter: hangs (over %d s)", CONFORM_ROW_TIMEOUT_S);
    else if (row->crashed) snprintf(buf, n, "interpreter: crashes (signal %d)", row->crashed);
    else if (got[0] == '\'' && row->want[0] != '\'')
        snprintf(buf, n, "interpreter: signals %.40s (feature not yet implemented)", got);
    else snprintf(buf, n, "interpreter: wrong result (not yet implemented correctly)");
    for (char *p = buf; *p; p++) if (*p == '\n' || *p == '\t') *p = ' ';
}

static void write_known(const char *path, conform_row *rows, int nrows)
{
    FILE *f = fopen(path, "w");
    if (!f) { fprintf(stderr, "conform: cannot write %s: %s\n", path, strerror(errno)); return; }
    fprintf(f, "# Conformance rows (rows.txt) that fail today: id TAB reason. Generated by\n"
               "# `conform ... --update` from a real run, then edited by hand. Remove a row\n"
               "# when it passes (the test prints those).\n");
    for (int i = 0; i < nrows; i++) {
        if (rows[i].passed) continue;
        char reason[160];
        if (rows[i].known) {
            fprintf(f, "%s\t%s\n", rows[i].id, rows[i].known);
            continue;
        }
        auto_reason(&rows[i], reason, sizeof reason);
        fprintf(f, "%s\t%s %s\n", rows[i].id, rows[i].tier, reason);
    }
    fclose(f);
}

static void print_row(const conform_row *row, const char *label)
{
    printf("%s %s [%s] %s\n  expr: %s\n  want: %s\n", label, row->id, row->tier, row->feature,
           row->expr, row->want);
    if (row->crashed) printf("  got:  (child ended by signal %d)\n", row->crashed);
    else printf("  got:  %s\n", row->got ? row->got : "");
}

static int selected(const char *id, char **only, int nonly)
{
    if (nonly == 0) return 1;
    for (int i = 0; i < nonly; i++) if (strcmp(only[i], id) == 0) return 1;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: conform ROWS KNOWN FIXTURE [--update] [ID...]\n");
        return 2;
    }
    int update = 0, nonly = 0;
    char **only = argv + 4;
    for (int i = 4; i < argc; i++) {
        if (strcmp(argv[i], "--update") == 0) update = 1;
        else only[nonly++] = argv[i];
    }
    char *rows_text = read_file(argv[1]), *known_text = read_file(argv[2]);
    char *fixture_text = read_file(argv[3]);
    char *known_path = realpath(argv[2], NULL);  /* --update writes it after the chdir */
    static conform_row rows[CONFORM_MAX_ROWS];
    if (!rows_text || !fixture_text) return 2;
    int nrows = load_rows(rows_text, rows);
    load_known(known_text, rows, nrows);
    char dir[] = "/tmp/tick_conform_XXXXXX", out_path[] = "/tmp/tick_conform_out_XXXXXX";
    int out_fd = mkstemp(out_path);
    if (!mkdtemp(dir) || out_fd < 0 || chdir(dir) != 0 || q_init() != 0) {
        fprintf(stderr, "conform: cannot set up: %s\n", strerror(errno));
        return 2;
    }
    /* the process runtime as tickq has it: hopen, hclose and handles (§5.3) */
    if (rt_init("conform") != 0) return 2;
    (void)unlink(out_path);  /* the open descriptor keeps it; nothing to clean up later */
    load_fixture(fixture_text);

    int pass = 0, fail = 0, known = 0, unexpected = 0, now_pass = 0, t1 = 0, t1_pass = 0;
    for (int i = 0; i < nrows; i++) {
        conform_row *row = &rows[i];
        if (!selected(row->id, only, nonly)) continue;
        row->crashed = run_row(row, out_fd);
        char *want = decode_expected(row->want);
        if (want && row->got) {
            normalise(want);
            normalise(row->got);
            row->passed = !row->crashed && strcmp(want, row->got) == 0;
        }
        free(want);
        int is_t1 = strcmp(row->tier, "T1") == 0;
        t1 += is_t1;
        if (row->passed) { pass++; t1_pass += is_t1; }
        else fail++;
        if (nonly) print_row(row, row->passed ? "PASS" : "FAIL");
        else if (!row->passed && !row->known) print_row(row, "FAIL");
        if (!row->passed && !row->known) unexpected++;
        if (!row->passed && row->known) known++;
        if (row->passed && row->known) now_pass++;
    }
    if (known && !nonly) {
        printf("\nknown failures (%d):\n", known);
        for (int i = 0; i < nrows; i++)
            if (!rows[i].passed && rows[i].known) printf("  %s %s\n", rows[i].id, rows[i].known);
    }
    if (now_pass) {
        printf("\nknown failures that now pass (remove them from %s):\n ", argv[2]);
        for (int i = 0; i < nrows; i++)
            if (rows[i].passed && rows[i].known) printf(" %s", rows[i].id);
        printf("\n");
    }
    printf("\n%d passed, %d failed (%d known, %d unexpected); T1: %d of %d passed\n",
           pass, fail, known, unexpected, t1_pass, t1);
    if (update) write_known(known_path ? known_path : argv[2], rows, nrows);
    for (int i = 0; i < nrows; i++) free(rows[i].got);
    free(rows_text);
    free(known_text);
    free(fixture_text);
    free(known_path);
    close(out_fd);
    if (chdir("/") != 0 || nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "conform: could not remove %s\n", dir);
    rt_fini();
    q_fini();
    tk_sym_fini();
    return unexpected && !update ? 1 : 0;
}
