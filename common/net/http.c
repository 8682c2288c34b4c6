/* http.c: HTTP/1.1 on the IPC port (ipc-protocol.md §6): request framing with limits
 * (400/413/414), keep-alive, Basic auth (§6.4), and the default GET routes: / (names),
 * /?expr (html), /.json?expr, /.csv?expr, /.txt?expr. libevent 2.1 does not export a
 * way to hand an accepted socket to evhttp, so requests are framed here on the
 * connection's evbuffer; URL decoding is libevent's. Renderers are http_fmt.c.
 * SPDX-License-Identifier: MIT */
#include "net_int.h"

#include <errno.h>
#include <event2/http.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define HTTP_MAX_BODY_BYTES (1 << 20)   /* POST bodies are read and ignored */
#define HTTP_AUTH_BYTES 1024
#define HTTP_OK 200
#define HTTP_BAD_REQUEST 400
#define HTTP_UNAUTHORIZED 401
#define HTTP_NOT_FOUND 404
#define HTTP_TOO_LARGE 413
#define HTTP_URI_TOO_LONG 414
#define HTTP_NOT_IMPLEMENTED 501
#define HTTP_MIME_TEXT "text/plain"
#define HTTP_MIME_HTML "text/html"

static net_text_fn http_text_fn = http_fmt_text;

void net_text_fn_set(net_text_fn fn) { http_text_fn = fn ? fn : http_fmt_text; }

static const char *http_reason(int status)
{
    switch (status) {
    case HTTP_OK: return "OK";
    case HTTP_BAD_REQUEST: return "Bad Request";
    case HTTP_UNAUTHORIZED: return "Unauthorized";
    case HTTP_NOT_FOUND: return "Not Found";
    case HTTP_TOO_LARGE: return "Payload Too Large";
    case HTTP_URI_TOO_LONG: return "URI Too Long";
    case HTTP_NOT_IMPLEMENTED: return "Not Implemented";
    default: return "Error";
    }
}

/* Queue one response. Ownership: body borrowed (bytes). */
static void http_respond(struct net_conn *c, const struct net_http_request *rq, int status,
                         const char *mime, const char *body, size_t n)
{
    int keep = rq && rq->keep_alive && status != HTTP_TOO_LARGE && status != HTTP_URI_TOO_LONG;
    struct evbuffer *out = net_all.http_capture ? net_all.http_capture : c->out;
    evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nConnection: %s\r\n"
                        "Content-Length: %zu\r\n%s\r\n", status, http_reason(status), mime,
                        keep ? "keep-alive" : "close", n,
                        status == HTTP_UNAUTHORIZED ? "WWW-Authenticate: Basic realm=\"tick\"\r\n" : "");
    if (!(rq && rq->is_head)) evbuffer_add(out, body, n);
    if (net_all.http_capture) return;
    if (!keep) c->close_after_write = 1;
    net_conn_watch_write(c);
}

static void http_respond_text(struct net_conn *c, const struct net_http_request *rq, int status,
                              const char *text)
{
    http_respond(c, rq, status, HTTP_MIME_TEXT, text, strlen(text));
}

/* Respond with a K char vector. Ownership: body consumed. */
static void http_respond_k(struct net_conn *c, const struct net_http_request *rq, const char *mime, K body)
{
    if (!body) { http_respond_text(c, rq, HTTP_BAD_REQUEST, "'wsfull"); return; }
    http_respond(c, rq, HTTP_OK, mime, (const char *)kC(body), (size_t)body->n);
    r0(body);
}

/* GET / and GET /?: the names, each linking to ?name, tables with row counts. */
static void http_names_page(struct net_conn *c, const struct net_http_request *rq)
{
    K names = net_all.handler.http_names ? net_all.handler.http_names(c) : NULL;
    struct evbuffer *b = evbuffer_new();
    evbuffer_add_printf(b, "<html><head><title>tick</title></head><body><pre>\n");
    if (names && (names->t == XD || names->t == KS)) {
        K keys = names->t == XD ? kK(names)[0] : names;
        K counts = names->t == XD ? kK(names)[1] : NULL;
        for (J i = 0; keys->t == KS && i < keys->n; i++) {
            K esc = http_fmt_html_escape(kS(keys)[i], (J)strlen(kS(keys)[i]));
            evbuffer_add_printf(b, "<a href=\"?%.*s\">%.*s</a>", (int)esc->n, kC(esc), (int)esc->n, kC(esc));
            if (counts && counts->t == KJ && kJ(counts)[i] != nj)
                evbuffer_add_printf(b, " %lld rows", (long long)kJ(counts)[i]);
            evbuffer_add(b, "\n", 1);
            r0(esc);
        }
    }
    r0(names);
    evbuffer_add_printf(b, "</pre></body></html>\n");
    size_t n = evbuffer_get_length(b);
    K body = ktn(KC, (J)n);
    evbuffer_remove(b, kC(body), n);
    evbuffer_free(b);
    http_respond_k(c, rq, HTTP_MIME_HTML, body);
}

/* Evaluate expr and answer in the form named by ext ("" html, json, csv, txt). */
static void http_eval(struct net_conn *c, const struct net_http_request *rq, const char *ext, const char *expr)
{
    if (!net_all.handler.http_eval) { http_respond_text(c, rq, HTTP_BAD_REQUEST, "'nyi"); return; }
    K r = net_all.handler.http_eval(c, expr);
    if (!r) r = r1(k_identity());
    if (r->t == KERR) {
        char text[NET_ERR_BYTES];
        snprintf(text, sizeof text, "'%s", r->s);
        http_respond_text(c, rq, HTTP_BAD_REQUEST, text);
    } else if (!*ext || !strcmp(ext, "htm") || !strcmp(ext, "html")) {
        K text = http_text_fn(r);
        K esc = text ? http_fmt_html_escape((const char *)kC(text), text->n) : NULL;
        K page = esc ? kp("<html><body><pre>") : NULL;
        if (page) { jv(&page, esc); K tail = kp("</pre></body></html>\n"); jv(&page, tail); r0(tail); }
        http_respond_k(c, rq, HTTP_MIME_HTML, page);
        r0(text); r0(esc);
    } else if (!strcmp(ext, "json")) {
        http_respond_k(c, rq, "application/json", http_fmt_json(r));
    } else if (!strcmp(ext, "csv")) {
        http_respond_k(c, rq, "text/comma-separated-values", http_fmt_csv(r));
    } else if (!strcmp(ext, "txt")) {
        http_respond_k(c, rq, HTTP_MIME_TEXT, http_text_fn(r));
    } else {
        http_respond_text(c, rq, HTTP_BAD_REQUEST, "'nyi");
    }
    r0(r);
}

/* Basic credentials through the password file and .z.pw (§6.4). A request without
 * credentials is checked as user "" with password "", so with no password file the
 * on_password hook alone decides, as for an IPC login with empty credentials. */
static int http_auth_ok(struct net_conn *c, const struct net_http_request *rq)
{
    if (!net_all.auth && !net_all.handler.on_password) return 1;
    const char *prefix = "Basic ";
    char plain[HTTP_AUTH_BYTES] = "";
    if (rq->auth[0]) {
        if (strncasecmp(rq->auth, prefix, strlen(prefix))) return 0;
        const char *b64 = rq->auth + strlen(prefix);
        if (auth_base64_decode(b64, strcspn(b64, " \r\n"), plain, sizeof plain) < 0) return 0;
    }
    char *colon = strchr(plain, ':');
    const char *password = colon ? colon + 1 : "";
    if (colon) *colon = 0;
    snprintf(c->user, sizeof c->user, "%s", plain);
    if (net_all.auth && !auth_check(net_all.auth, plain, password)) return 0;
    return !net_all.handler.on_password || net_all.handler.on_password(c, plain, password);
}

/* The header lines of head[0..n) as a dictionary name -> string (.z.ph's second
 * argument). Ownership: returns new. */
static K http_headers_dict(const char *head, size_t n)
{
    K keys = ktn(KS, 0), vals = ktn(0, 0);
    const char *p = memchr(head, '\n', n), *end = head + n;
    for (p = p ? p + 1 : end; p < end;) {
        const char *eol = memchr(p, '\r', (size_t)(end - p));
        if (!eol || eol == p) break;
        const char *colon = memchr(p, ':', (size_t)(eol - p));
        if (colon) {
            const char *v = colon + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            js(&keys, sn(p, (I)(colon - p)));
            jk(&vals, kpn((S)v, (J)(eol - v)));
        }
        p = eol + 2;
    }
    return xD(keys, vals);
}

/* The process's own HTTP hook, when it answers. Returns 1 when it did. */
static int http_hook(struct net_conn *c, const struct net_http_request *rq, const char *head)
{
    if (!net_all.handler.http_request) return 0;
    K headers = http_headers_dict(head, rq->header_bytes);
    const struct net_http_request *outer = net_all.http_current;
    net_all.http_current = rq;
    K r = net_all.handler.http_request(c, rq->method, rq->target + 1, headers);
    net_all.http_current = outer;
    r0(headers);
    if (!r) return 0;
    if (r->t == KC) {
        evbuffer_add(c->out, kC(r), (size_t)r->n);
        if (!rq->keep_alive) c->close_after_write = 1;
        net_conn_watch_write(c);
    } else {
        char text[NET_ERR_BYTES];
        snprintf(text, sizeof text, "'%s", r->t == KERR ? r->s : "type");
        http_respond_text(c, rq, HTTP_BAD_REQUEST, text);
    }
    r0(r);
    return 1;
}

/* The built-in GET routes: / (names), /?expr and its .json .csv .txt forms, else 404. */
static void http_builtin(struct net_conn *c, const struct net_http_request *rq)
{
    size_t n = 0;
    char *x = evhttp_uridecode(rq->target + 1, 0, &n);   /* '+' stays '+': a q operator */
    if (!x) { http_respond_text(c, rq, HTTP_BAD_REQUEST, "'wsfull"); return; }
    char *q = strchr(x, '?');
    if (!*x || !strcmp(x, "?")) {
        http_names_page(c, rq);
    } else if (q) {
        *q = 0;
        char *dot = strrchr(x, '.');
        http_eval(c, rq, dot ? dot + 1 : x, q + 1);
    } else {
        char text[NET_ERR_BYTES];
        snprintf(text, sizeof text, "%s: not found", x);
        http_respond_text(c, rq, HTTP_NOT_FOUND, text);
    }
    free(x);
}

static void http_route(struct net_conn *c, const struct net_http_request *rq, const char *head)
{
    if (!http_auth_ok(c, rq)) {
        log_warn("net: HTTP login refused for '%s' from %s", c->user, c->peer);
        http_respond_text(c, rq, HTTP_UNAUTHORIZED, "'access");
        return;
    }
    if (rq->is_websocket) {   /* kdb+ without .z.ws refuses the upgrade with 501 (§6.5) */
        struct net_http_request closing = *rq;
        closing.keep_alive = 0;
        http_respond_text(c, &closing, HTTP_NOT_IMPLEMENTED, "'nyi");
        return;
    }
    if (http_hook(c, rq, head)) return;
    if (strcmp(rq->method, "GET") && strcmp(rq->method, "HEAD")) {
        http_respond_text(c, rq, HTTP_BAD_REQUEST, "'nyi");
        return;
    }
    http_builtin(c, rq);
}

K net_http_builtin(struct net_conn *c, const char *target)
{
    struct net_http_request rq = { .method = "GET", .keep_alive = 1 };
    if (net_all.http_current) {
        rq.keep_alive = net_all.http_current->keep_alive;
        rq.is_head = net_all.http_current->is_head;
    }
    snprintf(rq.target, sizeof rq.target, "/%s", target);
    struct evbuffer *b = evbuffer_new(), *outer = net_all.http_capture;
    if (!b) return NULL;
    net_all.http_capture = b;   /* q code run by a route may call .z.ph again: restored after */
    http_builtin(c, &rq);
    net_all.http_capture = outer;
    size_t n = evbuffer_get_length(b);
    K r = ktn(KC, (J)n);
    if (r) evbuffer_remove(b, kC(r), n);
    evbuffer_free(b);
    return r;
}

/* Parse header lines hdr[0..n) (NUL-terminated copy, request line removed). */
static int http_parse_headers(char *line, struct net_http_request *rq)
{
    while (*line) {
        char *end = strstr(line, "\r\n");
        if (!end) break;
        *end = 0;
        char *colon = strchr(line, ':');
        if (!colon) return HTTP_BAD_REQUEST;
        *colon = 0;
        char *value = colon + 1 + strspn(colon + 1, " \t");
        if (!strcasecmp(line, "Connection"))
            rq->keep_alive = !strcasecmp(value, "close") ? 0 : !strcasecmp(value, "keep-alive") ? 1 : rq->keep_alive;
        else if (!strcasecmp(line, "Upgrade")) rq->is_websocket = !strcasecmp(value, "websocket");
        else if (!strcasecmp(line, "Authorization"))
            snprintf(rq->auth, sizeof rq->auth, "%s", value);
        else if (!strcasecmp(line, "Content-Length")) {
            char *e;
            errno = 0;
            rq->body_bytes = strtol(value, &e, 10);
            if (*e || e == value || errno || rq->body_bytes < 0) return HTTP_BAD_REQUEST;
            if (rq->body_bytes > HTTP_MAX_BODY_BYTES) return HTTP_TOO_LARGE;
        }
        line = end + 2;
    }
    return 0;
}

/* Request line "METHOD /target HTTP/1.x" in line (NUL-terminated). */
static int http_parse_line(char *line, struct net_http_request *rq)
{
    char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    if (!sp1 || !sp2 || sp1[1] != '/' || strncmp(sp2 + 1, "HTTP/1.", strlen("HTTP/1."))) return HTTP_BAD_REQUEST;
    if ((size_t)(sp1 - line) >= sizeof rq->method) return HTTP_BAD_REQUEST;
    *sp1 = *sp2 = 0;
    snprintf(rq->method, sizeof rq->method, "%s", line);
    snprintf(rq->target, sizeof rq->target, "%s", sp1 + 1);
    rq->keep_alive = !strcmp(sp2 + 1, "HTTP/1.1");
    rq->is_head = !strcmp(line, "HEAD");
    return 0;
}

int net_http_parse(const char *bytes, size_t n, struct net_http_request *out)
{
    size_t look = n < NET_HTTP_MAX_HEADER_BYTES + 4 ? n : NET_HTTP_MAX_HEADER_BYTES + 4;
    const char *end = memmem(bytes, look, "\r\n\r\n", 4);
    const char *eol = memmem(bytes, look, "\r\n", 2);
    size_t line_len = eol ? (size_t)(eol - bytes) : look;
    if (line_len > NET_HTTP_MAX_LINE_BYTES) return -HTTP_URI_TOO_LONG;
    if (!end) return n > NET_HTTP_MAX_HEADER_BYTES ? -HTTP_TOO_LARGE : 0;
    size_t hdr_len = (size_t)(end - bytes) + 2;   /* keep the last header's CRLF */
    if (hdr_len > NET_HTTP_MAX_HEADER_BYTES) return -HTTP_TOO_LARGE;
    if (memchr(bytes, 0, hdr_len)) return -HTTP_BAD_REQUEST;
    char *hdr = malloc(hdr_len + 1);
    if (!hdr) return -HTTP_TOO_LARGE;
    memcpy(hdr, bytes, hdr_len);
    hdr[hdr_len] = 0;
    memset(out, 0, sizeof *out);
    hdr[line_len] = 0;
    int status = http_parse_line(hdr, out);
    if (!status) status = http_parse_headers(hdr + line_len + 2, out);
    free(hdr);
    if (status) return -status;
    out->header_bytes = hdr_len + 2;
    return (int)out->header_bytes;
}

/* One request from c->in: 1 handled, 0 need more bytes, -1 answered with an error. */
static int http_one(struct net_conn *c)
{
    size_t have = evbuffer_get_length(c->in);
    if (have == 0) return 0;
    size_t look = have < NET_HTTP_MAX_HEADER_BYTES + 4 ? have : NET_HTTP_MAX_HEADER_BYTES + 4;
    const char *bytes = (const char *)evbuffer_pullup(c->in, (ev_ssize_t)look);
    struct net_http_request *rq = malloc(sizeof *rq);
    if (!bytes || !rq) { free(rq); net_conn_close(c, 1, "out of memory"); return -1; }
    int got = net_http_parse(bytes, have, rq);
    if (got < 0) {
        int status = -got;
        char hex[LOG_LINE_BYTES / 4];
        log_warn("net: bad HTTP request from %s (answered %d): %s", c->peer, status,
                 log_hex_prefix(bytes, look, hex, sizeof hex));
        http_respond_text(c, NULL, status, status == HTTP_BAD_REQUEST ? "'parse" : "'limit");
        free(rq);
        return -1;
    }
    if (got == 0 || have < rq->header_bytes + (size_t)rq->body_bytes) { free(rq); return 0; }
    http_route(c, rq, bytes);
    evbuffer_drain(c->in, rq->header_bytes + (size_t)rq->body_bytes);
    c->http_requests_n++;
    free(rq);
    return 1;
}

int http_conn_process(struct net_conn *c)
{
    c->busy++;
    while (!c->is_dead && !c->close_after_write && !c->is_read_paused) {
        int rc = http_one(c);
        if (rc <= 0) break;
    }
    int rc = c->is_dead ? -1 : 0;
    net_conn_release(c);
    return rc;
}
