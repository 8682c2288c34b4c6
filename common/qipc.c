/* qipc.c: hopen/hclose and handle application for q code (qipc.h). Sockets, framing
 * and the wait for a response are net.c's; this file maps q's forms onto them.
 * SPDX-License-Identifier: MIT */
#include "qipc.h"
#include "net.h"
#include "q.h"
#include "qnative.h"
#include "ser.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QIPC_TARGET_BYTES 512    /* longest handle symbol we accept */
#define QIPC_MAX_PORT 65535

int qipc_parse_target(const char *text, char *host, size_t host_size, char *credentials,
                      size_t cred_size)
{
    if (*text == ':') text++;
    const char *colon = strchr(text, ':');
    if (!colon) return -1;                       /* need host:port (host may be empty) */
    size_t host_len = (size_t)(colon - text);
    if (host_len >= host_size) return -1;
    memcpy(host, text, host_len);
    host[host_len] = 0;
    if (!host_len) snprintf(host, host_size, "%s", QIPC_DEFAULT_HOST);
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || port <= 0 || port > QIPC_MAX_PORT || (*end && *end != ':')) return -1;
    if (snprintf(credentials, cred_size, "%s", *end ? end + 1 : "") >= (int)cred_size) return -1;
    return (int)port;
}

/* hopen x: x is a handle symbol `:host:port[:user:pass], its string, or
 * (handle symbol; timeout ms). Returns the handle as an int. */
static K qipc_hopen(K *args, int n)
{
    (void)n;
    K x = args[0];
    int timeout_ms = 0;
    if (x->t == 0 && x->n == 2) {
        K t = kK(x)[1];
        if (t->t != -KJ && t->t != -KI) return krr("type");
        timeout_ms = (int)(t->t == -KJ ? t->j : t->i);
        x = kK(x)[0];
    }
    char text[QIPC_TARGET_BYTES];
    if (x->t == -KS) snprintf(text, sizeof text, "%s", x->s);
    else if (x->t == KC && x->n < (J)sizeof text) { memcpy(text, kC(x), (size_t)x->n); text[x->n] = 0; }
    else if (x->t == -KJ || x->t == -KI) snprintf(text, sizeof text, ":%lld", (long long)(x->t == -KJ ? x->j : x->i));
    else return krr("type");
    if (text[0] == ':' && text[1] && text[1] != ':' && !strchr(text + 1, ':')
        && strspn(text + 1, "0123456789") != strlen(text + 1)) {
        /* `:path/file: a log opened for appending (q-subset.md §5.3) */
        int fh = q_file_hopen(text + 1);
        return fh < 0 ? k_err_fmt("%s", text + 1) : ki(fh);
    }
    char host[QIPC_TARGET_BYTES], credentials[QIPC_TARGET_BYTES];
    /* `:5010 means localhost:5010: give it the empty host */
    const char *target = text;
    char full[QIPC_TARGET_BYTES + 2];
    if (text[0] == ':' && !strchr(text + 1, ':')) {
        snprintf(full, sizeof full, "::%s", text + 1);
        target = full;
    }
    int port = qipc_parse_target(target, host, sizeof host, credentials, sizeof credentials);
    if (port < 0) return krr("hop");
    int h = net_hopen(host, port, *credentials ? credentials : NULL, timeout_ms);
    if (h == NET_HOPEN_ACCESS) return krr("access");
    if (h == NET_HOPEN_TIMEOUT) return krr("timeout");
    if (h < 0) return k_err_fmt("hop. %s", net_errmsg());
    return ki(h);
}

static K qipc_hclose(K *args, int n)
{
    (void)n;
    K h = args[0];
    if (h->t != -KI && h->t != -KJ) return krr("type");
    J handle = h->t == -KI ? h->i : h->j;
    if (handle < 0) handle = -handle;
    if (q_file_hclose((int)handle) == 0) return k_identity();
    if (net_hclose((int)handle)) return krr("domain");
    return k_identity();
}

/* h x: sync call; neg[h] x: async send, flushed by the loop; neg[h][] or neg[h](::):
 * flush and wait until written. */
static int qipc_apply(I handle, K msg, K *result)
{
    int h = handle < 0 ? -handle : handle;
    if (!net_conn_get(h)) return 0;
    if (handle > 0) {
        *result = net_call(h, msg, 0);
        return 1;
    }
    if (msg->t == K_UNARY && msg->g == 0) {
        *result = net_flush(h) ? krr("close") : k_identity();
        return 1;
    }
    K err = NULL;
    if (net_send(h, SER_ASYNC, msg, &err)) *result = err ? err : krr("close");
    else *result = k_identity();
    return 1;
}

int qipc_init(void)
{
    K open_fn = q_native_new("hopen", 1, qipc_hopen);
    K close_fn = q_native_new("hclose", 1, qipc_hclose);
    if (!open_fn || !close_fn || q_global_set("hopen", open_fn) || q_global_set("hclose", close_fn)) {
        return -1;
    }
    q_handle_hook_set(qipc_apply);
    return 0;
}
