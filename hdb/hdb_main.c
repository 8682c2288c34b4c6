/* hdb_main.c: the hdb process: `hdb DIR -p 5012` loads the partitioned database in DIR
 * (hdb_load.c), serves queries through the shared runtime, and reloads on "\l ." (the
 * RDB's end-of-day request, tick-architecture.md §10.2) or .hdb.reload[].
 * SPDX-License-Identifier: MIT */
#include <event2/event.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdb.h"
#include "log.h"
#include "q.h"
#include "qnative.h"
#include "runtime.h"

#define HDB_LOAD_CMD "\\l"
#define HDB_LOAD_CMD_CHARS 2

static char hdb_root[HDB_PATH_BYTES];   /* the loaded root, absolute */

static void hdb_usage(FILE *out)
{
    fprintf(out,
"usage: hdb DIR [-p PORT] [-u|-U PASSWORDFILE]\n"
"  DIR        partitioned database root (sym, YYYY.MM.DD/table/...)\n"
"  -p PORT    listen on PORT or HOST:PORT (default %s; 0 picks a free port)\n"
"  reload: send \"\\l .\" (as the RDB does at end of day) or call .hdb.reload[]\n"
"prints \"PORT n\" on stdout once loaded\n", HDB_DEFAULT_PORT);
}

/* .hdb.reload[]. Ownership: returns new (the number of tables loaded). */
static K hdb_q_reload(K *a, int n)
{
    (void)a; (void)n;
    int loaded = hdb_load(hdb_root);
    return loaded < 0 ? krr(hdb_root) : kj(loaded);
}

/* "\l ." reloads the root; "\l DIR" loads DIR instead; other messages may first need a
 * table's rows materialised (hdb_prepare). Ownership: msg borrowed. */
static K hdb_on_message(int handle, int msg_type, K msg)
{
    (void)handle; (void)msg_type;
    if (msg->t != KC || msg->n < HDB_LOAD_CMD_CHARS
        || memcmp(kC(msg), HDB_LOAD_CMD, HDB_LOAD_CMD_CHARS) != 0)
        return hdb_prepare(msg);   /* NULL: evaluate msg */
    char arg[HDB_PATH_BYTES];
    J n = msg->n - HDB_LOAD_CMD_CHARS;
    const char *p = (const char *)kC(msg) + HDB_LOAD_CMD_CHARS;
    while (n > 0 && *p == ' ') { p++; n--; }
    if (n >= (J)sizeof arg) return krr("path too long");
    memcpy(arg, p, (size_t)n);
    arg[n] = 0;
    if (n > 0 && strcmp(arg, ".") != 0) {
        char real[PATH_MAX];
        if (!realpath(arg, real)) return krr(arg);
        snprintf(hdb_root, sizeof hdb_root, "%s", real);
    }
    log_info("hdb: reload of %s requested", hdb_root);
    int loaded = hdb_load(hdb_root);
    return loaded < 0 ? krr(hdb_root) : k_identity();
}

static void hdb_on_signal(evutil_socket_t sig, short what, void *arg)
{
    (void)what; (void)arg;
    log_info("hdb: signal %d: stopping", (int)sig);
    rt_stop();
}

static int hdb_start(const char *port_spec)
{
    if (rt_init("hdb")) return -1;
    K f = q_native_new(".hdb.reload", 0, hdb_q_reload);
    if (!f || q_global_set(".hdb.reload", f) != 0) return -1;
    if (hdb_load(hdb_root) < 0) return -1;
    rt_message_fn_set(hdb_on_message);
    int port = rt_listen(port_spec);
    if (port < 0) return -1;
    printf("PORT %d\n", port);   /* for scripts and tests that pass -p 0 */
    fflush(stdout);
    return 0;
}

int main(int argc, char **argv)
{
    const char *dir = NULL, *port = HDB_DEFAULT_PORT;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { hdb_usage(stdout); return 0; }
        if (!strcmp(argv[i], "-p") && i + 1 < argc) port = argv[++i];
        else if ((!strcmp(argv[i], "-u") || !strcmp(argv[i], "-U")) && i + 1 < argc)
            rt_password_file_set(argv[++i]);
        else if (argv[i][0] != '-' && !dir) dir = argv[i];
        else { hdb_usage(stderr); return 2; }
    }
    if (!dir) { hdb_usage(stderr); return 2; }
    char real[PATH_MAX];
    if (!realpath(dir, real)) { fprintf(stderr, "hdb: %s: no such directory\n", dir); return 2; }
    snprintf(hdb_root, sizeof hdb_root, "%s", real);
    tk_mem_init();
    if (q_init() != 0) { fprintf(stderr, "hdb: out of memory\n"); return 1; }
    int rc = 1;
    struct event *sigterm = NULL, *sigint = NULL;
    if (hdb_start(port) == 0) {
        sigterm = evsignal_new(rt_base(), SIGTERM, hdb_on_signal, NULL);
        sigint = evsignal_new(rt_base(), SIGINT, hdb_on_signal, NULL);
        if (sigterm && sigint && !event_add(sigterm, NULL) && !event_add(sigint, NULL))
            rc = rt_run();
    }
    if (sigterm) event_free(sigterm);
    if (sigint) event_free(sigint);
    rt_fini();
    hdb_load_fini();
    q_fini();
    tk_sym_fini();
    return rc;
}
