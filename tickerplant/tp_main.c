/* tp_main.c: the tickerplant process, as tick.q: command line and config/stack.json,
 * the schema (config/sym.json or a sym.q), the journal for today, then the shared
 * runtime's loop (common/runtime.c). The role's work is in the other tp_*.c files.
 * SPDX-License-Identifier: MIT */
#include <errno.h>
#include <event2/event.h>
#include <jansson.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "log.h"
#include "net.h"
#include "q.h"
#include "qnative.h"
#include "runtime.h"
#include "tp.h"

#define TP_DEFAULT_SCHEMA "config/sym.json"
#define TP_DEFAULT_FLUSH_MS 1000
#define TP_MIN_PER_HOUR 60
#define TP_DIR_MODE 0755
#define TP_READ_CHUNK 8192

static void tp_usage(FILE *out)
{
    fprintf(out,
"usage: tickerplant [SCHEMA] [LOGDIR] [options]      (as tick.q [SRC] [DST])\n"
"  SCHEMA                 config/sym.json-style JSON or a sym.q script (default %s);\n"
"                         its base name (sym) prefixes the journal: LOGDIR/sym2026.11.27\n"
"  LOGDIR                 journal directory; none = no journal (subscribers cannot replay)\n"
"  -p PORT                listen on PORT or HOST:PORT (default %s; 0 picks a free port)\n"
"  -t MS                  batch mode: publish every MS ms (default 0 = zero latency)\n"
"  -u FILE, -U FILE       password file of user:password lines (plain, MD5 or SHA-1)\n"
"  -o HOURS               clock offset from UTC (default: the local time zone)\n"
"  --config FILE          read the \"tickerplant\" object of a stack.json (flags override):\n"
"                         schema logdir port timer_ms flush flush_ms max_sub_bytes\n"
"                         truncate_bad_tail roll\n"
"  --flush none|batch|timed  journal durability: none = write(2) once per loop\n"
"                         iteration, no fsync (default, as kdb+); batch = fdatasync once\n"
"                         per publish cycle; timed = fdatasync every --flush-ms\n"
"  --flush-ms MS          period of --flush timed (default %d)\n"
"  --truncate-bad-tail    cut a corrupt journal tail instead of refusing to start\n"
"  --max-sub-bytes N      disconnect a subscriber with more than N bytes queued\n"
"                         (default %lld)\n"
"  --roll HH:MM           day roll time (default 00:00)\n"
"  --clock-offset-ms MS   shift the clock (tests of end of day)\n"
"  --clock-file FILE      read the clock shift (ms) from FILE on every timer tick\n"
"  --help                 this text\n",
            TP_DEFAULT_SCHEMA, TP_DEFAULT_PORT, TP_DEFAULT_FLUSH_MS,
            (long long)TP_DEFAULT_MAX_SUB_BYTES);
}

static int tp_flush_parse(const char *s, enum tp_flush *out)
{
    if (strcmp(s, "none") == 0) *out = TP_FLUSH_NONE;
    else if (strcmp(s, "batch") == 0) *out = TP_FLUSH_BATCH;
    else if (strcmp(s, "timed") == 0) *out = TP_FLUSH_TIMED;
    else return -1;
    return 0;
}

static int tp_roll_parse(const char *s, int *out)
{
    int h, m;
    if (sscanf(s, "%d:%d", &h, &m) != 2 || h < 0 || h > 23 || m < 0 || m > 59) return -1;
    *out = h * TP_MIN_PER_HOUR + m;
    return 0;
}

/* The string at key of obj, or NULL. Borrowed from obj. */
static const char *tp_json_str(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Set *out from the integer at key of obj, when there is one. */
static void tp_json_int(json_t *obj, const char *key, J *out)
{
    json_t *v = json_object_get(obj, key);
    if (json_is_integer(v)) *out = (J)json_integer_value(v);
}

/* Settings from the "tickerplant" object of a stack.json. root keeps the strings alive.
 * Returns 0 or -1 (printed). */
static int tp_config_load(const char *path, json_t **root, struct tp_options *o)
{
    json_error_t jerr;
    *root = json_load_file(path, 0, &jerr);
    if (!*root) {
        fprintf(stderr, "tickerplant: %s:%d: %s\n", path, jerr.line, jerr.text);
        return -1;
    }
    json_t *tpo = json_object_get(*root, "tickerplant");
    if (!tpo) return 0;
    static char port[TP_NAME_BYTES];
    const char *s;
    J port_n = -1, timer_ms = o->timer_ms, flush_ms = o->flush_ms;
    if ((s = tp_json_str(tpo, "schema"))) o->schema_path = s;
    if ((s = tp_json_str(tpo, "logdir"))) o->logdir = s;
    tp_json_int(tpo, "port", &port_n);
    if (port_n >= 0) { snprintf(port, sizeof port, "%lld", (long long)port_n); o->port = port; }
    tp_json_int(tpo, "timer_ms", &timer_ms);
    tp_json_int(tpo, "flush_ms", &flush_ms);
    o->timer_ms = (int)timer_ms;
    o->flush_ms = (int)flush_ms;
    tp_json_int(tpo, "max_sub_bytes", &o->max_sub_bytes);
    json_t *v = json_object_get(tpo, "truncate_bad_tail");
    if (json_is_boolean(v)) o->truncate_bad_tail = json_is_true(v);
    if (json_object_get(tpo, "flush")
        && (!(s = tp_json_str(tpo, "flush")) || tp_flush_parse(s, &o->flush))) {
        fprintf(stderr, "tickerplant: %s: flush must be none, batch or timed\n", path);
        return -1;
    }
    if (json_object_get(tpo, "roll")
        && (!(s = tp_json_str(tpo, "roll")) || tp_roll_parse(s, &o->roll_min))) {
        fprintf(stderr, "tickerplant: %s: roll must be HH:MM\n", path);
        return -1;
    }
    return 0;
}

/* Parse argv into o (after the config file). Returns 0, 1 for --help, -1 on an error. */
static int tp_args(int argc, char **argv, struct tp_options *o)
{
    int positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = strcmp(a, "-p") == 0 || strcmp(a, "-t") == 0 || strcmp(a, "-o") == 0
            || strcmp(a, "--config") == 0 || strcmp(a, "--flush") == 0
            || strcmp(a, "--flush-ms") == 0 || strcmp(a, "--max-sub-bytes") == 0
            || strcmp(a, "--roll") == 0 || strcmp(a, "--clock-offset-ms") == 0
            || strcmp(a, "--clock-file") == 0 || strcmp(a, "-u") == 0 || strcmp(a, "-U") == 0;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) return 1;
        if (takes && !val) { fprintf(stderr, "tickerplant: %s needs a value\n", a); return -1; }
        if (takes) i++;
        if (strcmp(a, "-p") == 0) o->port = val;
        else if (strcmp(a, "-u") == 0 || strcmp(a, "-U") == 0) rt_password_file_set(val);
        else if (strcmp(a, "-t") == 0) o->timer_ms = atoi(val);
        else if (strcmp(a, "-o") == 0) o->utc_offset_min = atoi(val) * TP_MIN_PER_HOUR;
        else if (strcmp(a, "--config") == 0) continue;  /* read before */
        else if (strcmp(a, "--flush") == 0) {
            if (tp_flush_parse(val, &o->flush)) {
                fprintf(stderr, "tickerplant: --flush %s?\n", val);
                return -1;
            }
        } else if (strcmp(a, "--flush-ms") == 0) o->flush_ms = atoi(val);
        else if (strcmp(a, "--max-sub-bytes") == 0) o->max_sub_bytes = atoll(val);
        else if (strcmp(a, "--clock-offset-ms") == 0) o->clock_offset_ms = atoll(val);
        else if (strcmp(a, "--clock-file") == 0) o->clock_file = val;
        else if (strcmp(a, "--roll") == 0) {
            if (tp_roll_parse(val, &o->roll_min)) {
                fprintf(stderr, "tickerplant: --roll %s?\n", val);
                return -1;
            }
        } else if (strcmp(a, "--truncate-bad-tail") == 0) o->truncate_bad_tail = 1;
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "tickerplant: unknown option %s\n", a);
            return -1;
        }
        else if (positional == 0) { o->schema_path = a; positional++; }
        else if (positional == 1) { o->logdir = a; positional++; }
        else { fprintf(stderr, "tickerplant: unexpected argument %s\n", a); return -1; }
    }
    if (o->timer_ms < 0) { fprintf(stderr, "tickerplant: -t must be >= 0\n"); return -1; }
    return 0;
}

/* Read a whole file as a char vector. Ownership: returns new, or NULL (errno). */
static K tp_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    K text = ktn(KC, 0);
    char chunk[TP_READ_CHUNK];
    size_t n;
    while (text && (n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        K part = kpn(chunk, (J)n);
        if (!part || !jv(&text, part)) { r0(part); r0(text); text = NULL; }
        else r0(part);
    }
    fclose(f);
    return text;
}

/* A sym.q: evaluate it and take the root tables it defines. Ownership: returns new. */
static K tp_schema_q(const char *path, char *err)
{
    K text = tp_read_file(path);
    if (!text) { snprintf(err, CFG_ERR_BYTES, "%s: %s", path, strerror(errno)); return NULL; }
    K r = q_eval((const char *)kC(text), text->n);
    r0(text);
    if (!r || r->t == KERR) {
        snprintf(err, CFG_ERR_BYTES, "%s: '%s", path, r ? r->s : "wsfull");
        r0(r);
        return NULL;
    }
    r0(r);
    static const char list[] = "tables`.";
    K names = q_eval(list, (J)strlen(list));
    if (!names || names->t != KS || names->n == 0) {
        snprintf(err, CFG_ERR_BYTES, "%s: defines no tables", path);
        r0(names);
        return NULL;
    }
    K vals = ktn(0, names->n);
    for (J i = 0; vals && i < names->n; i++) kK(vals)[i] = q_global_get(kS(names)[i]);
    return vals ? xD(names, vals) : (r0(names), NULL);
}

/* Load the schema into tp.tables. Returns 0 or -1 (printed). */
static int tp_schema_load(const char *path)
{
    char err[CFG_ERR_BYTES];
    size_t len = strlen(path);
    int is_json = len > strlen(".json") && strcmp(path + len - strlen(".json"), ".json") == 0;
    K schema = is_json ? cfg_schema_load(path, err) : tp_schema_q(path, err);
    if (!schema) { fprintf(stderr, "tickerplant: %s\n", err); return -1; }
    if (cfg_schema_check(schema, err) != 0) {
        fprintf(stderr, "tickerplant: %s: %s\n", path, err);
        r0(schema);
        return -1;
    }
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(tp.schema_name, sizeof tp.schema_name, "%.*s", (int)strcspn(base, "."), base);
    K names = kK(schema)[0], tables = kK(schema)[1];
    tp.tables = calloc((size_t)names->n, sizeof *tp.tables);
    int rc = tp.tables ? 0 : -1;
    for (J i = 0; rc == 0 && i < names->n; i++, tp.ntables++)
        rc = tp_table_init(&tp.tables[i], kS(names)[i], kK(tables)[i]);
    r0(schema);
    if (rc) fprintf(stderr, "tickerplant: %s: cannot set up the tables\n", path);
    return rc;
}

/* The timer: batch publish (§4.4) and the day-roll check (§4.5). */
static void tp_on_timer(void *ctx)
{
    (void)ctx;
    if (tp.opt.timer_ms > 0) {
        /* before publishing: the tick's records are written (and with --flush batch,
         * on disk) before any subscriber sees them */
        int sync = tp.opt.flush == TP_FLUSH_BATCH && tp.is_jnl_unsynced;
        if (tp.jnl && (tp.is_jnl_dirty || sync)) {
            if (jnl_flush(tp.jnl, sync) != 0)
                log_error("tp: journal flush: %s", jnl_errmsg(tp.jnl));
            else {
                tp.is_jnl_dirty = 0;
                if (sync) tp.is_jnl_unsynced = 0;
            }
        }
        tp_batch_flush();
    }
    /* An unsynced flush may leave the header count behind (journal.c): it catches up
     * within a tick of the last append. */
    if (tp.jnl && !tp.is_jnl_dirty && jnl_flush(tp.jnl, 0) != 0)
        log_error("tp: journal header: %s", jnl_errmsg(tp.jnl));
    tp_day_check();
    tp_q_sync();
}

static void tp_on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)what; (void)arg;
    log_info("tp: signal %d: stopping", (int)sig);
    rt_stop();
}

/* Start-up after the options: schema, runtime, journal, listener. Returns 0 or -1. */
static int tp_start(void)
{
    if (tp_schema_load(tp.opt.schema_path) || rt_init("tickerplant") || tp_q_register())
        return -1;
    tp_clock_refresh();
    tp.d = tp_today();
    if (tp.opt.logdir) {
        if (mkdir(tp.opt.logdir, TP_DIR_MODE) != 0 && errno != EEXIST) {
            fprintf(stderr, "tickerplant: %s: %s\n", tp.opt.logdir, strerror(errno));
            return -1;
        }
        if (tp_journal_open(tp.d)) return -1;
    } else {
        log_warn("tp: no LOGDIR: no journal is written; subscribers cannot replay");
    }
    tp_q_sync();
    rt_message_fn_set(tp_on_message);
    net_bytes_fn_set(tp_upd_bytes);   /* single-row .u.upd without decoding */
    rt_close_fn_set(tp_on_close);
    int port = rt_listen(tp.opt.port);
    if (port < 0) return -1;
    printf("PORT %d\n", port);   /* for scripts and tests that pass -p 0 */
    fflush(stdout);
    int period = tp.opt.timer_ms > 0 ? tp.opt.timer_ms : TP_EOD_CHECK_MS;
    if (rt_timer_start(period, tp_on_timer, NULL) || tp_flush_init()) return -1;
    log_info("tp: %d tables, %s mode, journal %s", tp.ntables,
             tp.opt.timer_ms > 0 ? "batch" : "zero-latency", tp.jnl ? tp.jnl_path : "off");
    return 0;
}

static void tp_shutdown(void)
{
    if (tp.jnl) {
        tp_journal_flush();
        if (jnl_close(tp.jnl) != 0) log_error("tp: closing the journal failed");
        tp.jnl = NULL;
    }
    tp_flush_fini();
    rt_fini();
    for (int i = 0; i < tp.ntables; i++) tp_table_fini(&tp.tables[i]);
    free(tp.tables);
    free(tp.scratch_handles);
    free(tp.scratch_done);
    tp_pub_fini();
    tp_upd_fini();
}

int main(int argc, char **argv)
{
    json_t *root = NULL;
    tp.opt = (struct tp_options){ .schema_path = TP_DEFAULT_SCHEMA, .port = TP_DEFAULT_PORT,
        .flush = TP_FLUSH_NONE, .flush_ms = TP_DEFAULT_FLUSH_MS,
        .max_sub_bytes = TP_DEFAULT_MAX_SUB_BYTES, .utc_offset_min = INT32_MIN };
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--config") == 0 && tp_config_load(argv[i + 1], &root, &tp.opt)) {
            json_decref(root);
            return 2;
        }
    int a = tp_args(argc, argv, &tp.opt);
    if (a) { tp_usage(a > 0 ? stdout : stderr); json_decref(root); return a > 0 ? 0 : 2; }
    tk_mem_init();
    if (q_init() != 0) { fprintf(stderr, "tickerplant: out of memory\n"); return 1; }
    int rc = 1;
    struct event *sigterm = NULL, *sigint = NULL;
    if (tp_start() == 0) {
        sigterm = evsignal_new(rt_base(), SIGTERM, tp_on_signal, NULL);
        sigint = evsignal_new(rt_base(), SIGINT, tp_on_signal, NULL);
        if (sigterm && sigint && !event_add(sigterm, NULL) && !event_add(sigint, NULL))
            rc = rt_run();
    }
    if (sigterm) event_free(sigterm);
    if (sigint) event_free(sigint);
    tp_shutdown();
    q_fini();
    tk_sym_fini();
    json_decref(root);
    return rc;
}
