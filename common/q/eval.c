/* eval.c: walks parse trees (q-subset.md §2.10–2.19): names, locals and globals,
 * assignment forms, control words, signal and return, and the q.h entry points.
 * Application is eval_apply.c's, iterators eval_iter.c's, namespaces eval_ns.c's.
 * SPDX-License-Identifier: MIT */
#include "q.h"
#include "q_int.h"
#include "k_int.h"
#include "eval_int.h"
#include "qsql.h"
#include "prim_fns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EVAL_ARGS_INLINE 8
#define EVAL_SPECIAL_CODES 256
#define EVAL_SHELL_LINE_BYTES 4096
#define EVAL_NS_PER_SEC 1000000000LL
#define EVAL_NS_PER_MS 1000000LL
#define EVAL_Z_VERSION 4.0
#define EVAL_Z_NAME_BYTES 256  /* longest .z.h host or .z.u user name */
#define EVAL_Z_RELEASE_YEAR 2020

static struct k0 eval_specials[EVAL_SPECIAL_CODES];
static int eval_depth;

K eval_special(int code)
{
    K x = &eval_specials[code];
    if (x->t != K_UNARY) {
        x->m = K_MEM_STATIC;
        x->t = K_UNARY;
        x->r = K_REF_IMMORTAL;
        x->g = (G)code;
    }
    return x;
}

K eval_hole(void) { return eval_special(EVAL_HOLE); }
int eval_is_hole(K x) { return x == &eval_specials[EVAL_HOLE]; }

int eval_depth_enter(void) { return ++eval_depth > EVAL_MAX_DEPTH ? (eval_depth--, -1) : 0; }
void eval_depth_leave(void) { eval_depth--; }

static K *eval_local_slot(eval_frame *frame, S name)
{
    if (!frame) return NULL;
    for (J i = 0; i < frame->n; i++) if (frame->names[i] == name) return &frame->vals[i];
    return NULL;
}

static S eval_ctx(eval_frame *frame) { return frame ? frame->ctx : eval_namespace(); }

/* .z.p .z.P .z.d .z.D .z.t .z.T .z.n .z.N .z.z .z.Z .z.s .z.w .z.o .z.x .z.K .z.k (q-subset.md
 * §5.4): computed when read; NULL for other names. */
static K eval_z_name(eval_frame *frame, const char *field)
{
    if (field[0] == '\0' || field[1] != '\0') return NULL;
    struct timespec ts;
    char c = field[0];
    if (c == 's') return frame && frame->lambda ? r1(frame->lambda) : krr(".z.s");
    if (c == 'w') return ki(0);
    if (c == 'o') return ks("l64");
    if (c == 'h' || c == 'u') {  /* host and user names as symbols (§5.4, T2) */
        char name[EVAL_Z_NAME_BYTES] = "";
        const char *user = getenv("USER");
        if (c == 'h' && gethostname(name, sizeof name) != 0) name[0] = 0;
        if (c == 'u') snprintf(name, sizeof name, "%s", user ? user : "");
        name[sizeof name - 1] = 0;
        return ks(name);
    }
    if (c == 'x') return ktn(0, 0);
    if (c == 'K') return kf(EVAL_Z_VERSION);
    if (c == 'k') return kd(ymd(EVAL_Z_RELEASE_YEAR, 1, 1));
    if (clock_gettime(CLOCK_REALTIME, &ts)) return krr("os");
    J ns = (J)ts.tv_sec * EVAL_NS_PER_SEC + ts.tv_nsec - K_EPOCH_NS;
    if (c >= 'A' && c <= 'Z') {
        /* upper case is local time, lower case UTC (q-subset.md §5.4) */
        struct tm lt;
        time_t secs = ts.tv_sec;
        if (localtime_r(&secs, &lt)) ns += (J)lt.tm_gmtoff * EVAL_NS_PER_SEC;
        c = (char)(c - 'A' + 'a');
    }
    J day = ns / K_NS_PER_DAY, tod = ns % K_NS_PER_DAY;
    switch (c) {
    case 'p': return ktj(-KP, ns);
    case 'd': return kd((I)day);
    case 't': return kt((I)(tod / EVAL_NS_PER_MS));
    case 'n': return ktj(-KN, tod);
    case 'z': return kz((F)(ns / EVAL_NS_PER_MS) / (F)(K_NS_PER_DAY / EVAL_NS_PER_MS));
    default: return NULL;
    }
}

/* v.field for a variable v holding temporal values (dt.month, t.year, p.minute): the
 * cast `field$v; NULL when name is not of that form. */
static K eval_field(eval_frame *frame, S name)
{
    const char *dot = strrchr(name, '.');
    if (name[0] == '.' || !dot || dot == name || !dot[1]) return NULL;
    S var = sn(name, (I)(dot - name));
    if (!var) return NULL;
    K *slot = eval_local_slot(frame, var);
    K v = slot ? *slot : eval_global_peek(eval_ctx(frame), var);
    if (!v || v->t == 0 || v->t >= XT) return NULL;
    int t = v->t < 0 ? -v->t : v->t;
    if (t != KP && t != KM && t != KD && t != KZ && t != KN && t != KU && t != KV && t != KT) return NULL;
    K f = ks(ss(dot + 1));
    K r = f ? prim_cast(f, v) : krr("wsfull");
    r0(f);
    if (IS_ERR(r) && !strcmp(r->s, "type")) { r0(r); return NULL; }  /* no such field */
    return r;
}

static K eval_name(eval_frame *frame, S name)
{
    K *slot = eval_local_slot(frame, name);
    if (slot) return *slot ? r1(*slot) : ktn(0, 0);
    K v = eval_global_peek(eval_ctx(frame), name);
    if (v) return r1(v);
    if (name[0] == '.' && name[1] == 'z' && name[2] == '.') {
        K z = eval_z_name(frame, name + 3);
        if (z) return z;
    }
    if (name[0] == '.') {
        K d = eval_namespace_dict(name);
        if (d) return d;
    }
    K field = eval_field(frame, name);
    return field ? field : krr(name);
}

/* Set name (local when it is one) to v. Ownership: v consumed. */
static K eval_set(eval_frame *frame, S name, K v, int global)
{
    K *slot = eval_local_slot(frame, name);
    if (slot && (!global || slot)) {
        r0(*slot);
        *slot = r1(v);
        return v;
    }
    if (eval_global_store(eval_ctx(frame), name, r1(v))) { r0(v); return krr("wsfull"); }
    return v;
}

/* The current value of name, or NULL when undefined. Ownership: returns new. */
static K eval_get_opt(eval_frame *frame, S name)
{
    K *slot = eval_local_slot(frame, name);
    if (slot) return *slot ? r1(*slot) : NULL;
    K v = eval_global_peek(eval_ctx(frame), name);
    return v ? r1(v) : NULL;
}

/* Evaluate index trees of an assignment target (name; i1; …). */
static int eval_indexes(eval_frame *frame, K target, K *idx)
{
    int n = (int)target->n - 1;
    for (int i = n; i >= 1; i--) {
        K a = kK(target)[i];
        idx[i - 1] = eval_is_hole(a) ? k_identity() : eval_tree(frame, a);
        if (IS_ERR(idx[i - 1])) {
            K e = idx[i - 1];
            for (int j = i; j < n; j++) r0(idx[j]);
            return (idx[0] = e, -1);
        }
    }
    return 0;
}

/* a:e, a::e, a op:e, a[i]:e, a[i] op:e. */
static K eval_assign(eval_frame *frame, K target, K op, K rhs_tree, int global)
{
    if (target->t != -KS && !(target->t == 0 && target->n > 1 && kK(target)[0]->t == -KS))
        return krr("assign");
    K v = eval_tree(frame, rhs_tree);
    if (IS_ERR(v)) return v;
    S name = target->t == -KS ? target->s : kK(target)[0]->s;
    if (target->t == -KS && !op) return eval_set(frame, name, v, global);
    K old = eval_get_opt(frame, name);
    K nv;
    if (target->t == -KS) {
        if (!old && op->g == PRIM_OP_JOIN && !(old = ktn(0, 0))) { r0(v); return krr("wsfull"); }
        nv = old ? eval_apply2(op, old, v) : r1(v);
        r0(old);
    } else {
        K idx[EVAL_ARGS_INLINE];
        if (target->n - 1 > EVAL_ARGS_INLINE) { r0(old); r0(v); return krr("rank"); }
        if (eval_indexes(frame, target, idx)) { r0(old); r0(v); return idx[0]; }
        if (!old && !(old = ktn(0, 0))) {
            for (J i = 0; i < target->n - 1; i++) r0(idx[i]);
            r0(v);
            return krr("wsfull");
        }
        nv = eval_amend(old, idx, (int)target->n - 1, op, v);
        if (!IS_ERR(nv) && nv->t == 0) nv = prim_squeeze(nv);
        for (J i = 0; i < target->n - 1; i++) r0(idx[i]);
    }
    if (IS_ERR(nv)) { r0(v); return nv; }
    K r = eval_set(frame, name, nv, global);
    if (IS_ERR(r)) { r0(v); return r; }
    if (target->t == -KS) { r0(v); return r; }
    r0(r);
    return v;
}

/* A Cond/if/while test: an atom, non-zero (nulls count as non-zero). */
static int eval_truth(K c, K *err)
{
    if (c->t >= 0 || c->t == KERR) { *err = krr("type"); return 0; }
    switch (-c->t) {
    case KB: case KG: case KC: return c->g != 0;
    case KH: return c->h != 0;
    case KI: case KM: case KD: case KU: case KV: case KT: return c->i != 0;
    case KJ: case KP: case KN: return c->j != 0;
    case KE: return c->e != 0;
    case KF: case KZ: return c->f != 0;
    default: *err = krr("type"); return 0;
    }
}

/* Evaluate stmts t[from..n) left to right; returns the last value. */
static K eval_stmts(eval_frame *frame, K t, J from)
{
    K r = k_identity();
    for (J i = from; i < t->n; i++) {
        r0(r);
        r = eval_tree(frame, kK(t)[i]);
        if (IS_ERR(r) || (frame && frame->returned)) return r;
    }
    return r;
}

static K eval_cond(eval_frame *frame, K t)
{
    J i = 1;
    for (; i + 1 < t->n; i += 2) {
        K c = eval_tree(frame, kK(t)[i]);
        if (IS_ERR(c)) return c;
        K err = NULL;
        int yes = eval_truth(c, &err);
        r0(c);
        if (err) return err;
        if (yes) return eval_tree(frame, kK(t)[i + 1]);
    }
    return i < t->n ? eval_tree(frame, kK(t)[i]) : k_identity();
}

static K eval_loop(eval_frame *frame, K t, int code)
{
    if (t->n < 2) return krr("rank");
    K c = eval_tree(frame, kK(t)[1]);
    if (IS_ERR(c)) return c;
    K err = NULL;
    if (code == EVAL_DO) {
        J times = c->t == -KJ ? c->j : c->t == -KI ? c->i : c->t == -KH ? c->h : -1;
        r0(c);
        if (times < 0) return krr("type");
        for (J k = 0; k < times; k++) {
            if (q_restricted() && k >= EVAL_RESTRICTED_STEPS) return krr("limit");
            K r = eval_stmts(frame, t, 2);
            if (IS_ERR(r) || (frame && frame->returned)) return r;
            r0(r);
        }
        return k_identity();
    }
    for (J step = 0;; step++) {
        int yes = eval_truth(c, &err);
        r0(c);
        if (err) return err;
        if (!yes) return k_identity();
        if (q_restricted() && step >= EVAL_RESTRICTED_STEPS) return krr("limit");
        K r = eval_stmts(frame, t, 2);
        if (IS_ERR(r) || (frame && frame->returned)) return r;
        r0(r);
        if (code == EVAL_IF) return k_identity();
        c = eval_tree(frame, kK(t)[1]);
        if (IS_ERR(c)) return c;
    }
}

static K eval_signal(K v)
{
    K e;
    if (v->t == -KS) e = krr(v->s);
    else if (v->t == KC) e = k_err_fmt("%.*s", (int)v->n, (const char *)kC(v));
    else if (v->t == -KC) e = k_err_fmt("%c", (char)v->g);
    else e = krr("stype");
    r0(v);
    return e;
}

static K eval_special_form(eval_frame *frame, K t, int code)
{
    switch (code) {
    case EVAL_SEQ: return eval_stmts(frame, t, 1);
    case EVAL_COND: return eval_cond(frame, t);
    case EVAL_IF: case EVAL_DO: case EVAL_WHILE: return eval_loop(frame, t, code);
    case EVAL_RETURN: {
        K v = eval_tree(frame, kK(t)[1]);
        if (!IS_ERR(v) && frame) frame->returned = 1;
        return v;
    }
    case EVAL_SIGNAL: {
        K v = eval_tree(frame, kK(t)[1]);
        return IS_ERR(v) ? v : eval_signal(v);
    }
    case EVAL_GASSIGN: return eval_assign(frame, kK(t)[1], NULL, kK(t)[2], 1);
    case EVAL_OPASSIGN: return eval_assign(frame, kK(t)[1], kK(t)[2], kK(t)[3], 0);
    case EVAL_SYSTEM: return eval_system(kK(t)[1]);
    case EVAL_TABLE: return eval_table(frame, t);
    case EVAL_COMPOSE: {
        K f = k_func(K_COMPOSITION, t->n - 1);
        if (!f) return krr("wsfull");
        for (J i = t->n - 1; i >= 1; i--) {
            K v = eval_tree(frame, kK(t)[i]);
            if (IS_ERR(v)) { r0(f); return v; }
            kK(f)[i - 1] = v;
        }
        return f;
    }
    default: return krr("nyi");
    }
}

/* A table, keyed table or symbol: the first argument of ?[t;i;p] (not ?[c;a;b]). */
int eval_is_table(K x)
{
    return x->t == XT || x->t == -KS || (x->t == XD && kK(x)[0]->t == XT);
}

/* Application node: evaluate arguments right to left, then the head, then apply. */
static K eval_application(eval_frame *frame, K t)
{
    int n = (int)t->n - 1;
    K inline_args[EVAL_ARGS_INLINE];
    K *args = n <= EVAL_ARGS_INLINE ? inline_args : malloc((size_t)n * sizeof(K));
    if (!args) return krr("wsfull");
    K r = NULL;
    int done = n;
    for (int i = n; i >= 1; i--) {
        K a = kK(t)[i];
        K v = eval_is_hole(a) ? a : eval_tree(frame, a);
        if (IS_ERR(v)) { r = v; done = i; break; }
        args[i - 1] = v;
        done = i - 1;
    }
    if (!r) {
        K h = kK(t)[0];
        K f = h->t == -KS ? eval_name(frame, h->s) : eval_tree(frame, h);
        if (IS_ERR(f)) r = f;
        else if (f->t == K_BINARY && f->g == PRIM_OP_FIND && (n >= 4 || (n == 3 && eval_is_table(args[0]))))
            { r = qsql_query(frame, args, n); r0(f); }  /* qSQL sees the lambda's locals */
        else if (f->t == K_BINARY && f->g == PRIM_OP_BANG && n == 4)
            { r = qsql_amend(frame, args, n); r0(f); }
        else { r = eval_apply(f, args, n); r0(f); }
    }
    for (int i = done; i < n; i++) r0(args[i]);
    if (args != inline_args) free(args);
    return r;
}

/* A lambda value takes the namespace current where it is evaluated (§2.14). */
static K eval_bind_lambda(eval_frame *frame, K t)
{
    S ctx = eval_ctx(frame);
    if (t->n < PARSE_LAMBDA_SLOTS || kK(t)[1]->s == ctx) return r1(t);
    K f = k_copy(t), c = ks(ctx);
    if (!f || !c) { r0(f); r0(c); return krr("wsfull"); }
    r0(kK(f)[1]);
    kK(f)[1] = c;
    return f;
}

K eval_tree(eval_frame *frame, K t)
{
    switch (t->t) {
    case -KS: return eval_name(frame, t->s);
    case KS: {
        K v = t->n == 1 ? ks(kS(t)[0]) : r1(t);
        return v ? v : krr("wsfull");
    }
    case 0: break;
    case K_LAMBDA: return eval_bind_lambda(frame, t);
    default: return r1(t);
    }
    if (t->n == 0) return r1(t);
    if (t->n == 1) return r1(kK(t)[0]);
    if (eval_work_charge(1)) return krr("limit");  /* nested loops multiply their steps */
    if (eval_depth_enter()) return krr("stack");
    K h = kK(t)[0], r;
    if (h->t == K_UNARY && h->g >= EVAL_SEQ && h >= eval_specials
        && h < eval_specials + EVAL_SPECIAL_CODES)
        r = eval_special_form(frame, t, h->g);
    else if (h->t == K_BINARY && h->g == PRIM_OP_COLON && t->n == 3)
        r = eval_assign(frame, kK(t)[1], NULL, kK(t)[2], 0);
    else
        r = eval_application(frame, t);
    eval_depth_leave();
    return r;
}

K eval_tree_top(K t) { return eval_tree(NULL, t); }

/* ---- q.h ---- */

int q_init(void)
{
    eval_depth = 0;
    if (eval_ns_init()) return -1;
    return prim_file_init() || prim_dotq_init() ? -1 : 0;
}

void q_fini(void)
{
    prim_file_fini();
    eval_ns_fini();
    eval_native_fini();
    prim_fini();
    k_enum_fini();  /* enumeration ids: the next interpreter numbers domains afresh */
}

K q_parse(const char *src, J len) { return parse_source(src, len); }

K q_eval(const char *src, J len)
{
    if (!eval_depth) eval_work_reset();
    K tree = parse_source(src, len);
    if (IS_ERR(tree)) return tree;
    K r = eval_tree(NULL, tree);
    r0(tree);
    return r;
}

K q_value(K msg)
{
    if (!eval_depth) eval_work_reset();
    switch (msg->t) {
    case KC: return q_eval((const char *)kC(msg), msg->n);
    case -KS: {
        K v = eval_global_get(msg->s);
        return v ? v : krr(msg->s);
    }
    case XD: return r1(kK(msg)[1]);
    case 0: case KS: {
        if (msg->n == 0) return r1(msg);
        K f = prim_item(msg, 0);
        if (f->t == KC) { K g = q_eval((const char *)kC(f), f->n); r0(f); f = g; }
        else if (f->t == -KS) { K g = eval_global_get(f->s); K e = g ? g : krr(f->s); r0(f); f = e; }
        if (IS_ERR(f)) return f;
        int n = (int)msg->n - 1;
        K *args = malloc((size_t)(n ? n : 1) * sizeof(K));
        if (!args) { r0(f); return krr("wsfull"); }
        for (int i = 0; i < n; i++) args[i] = prim_item(msg, i + 1);
        K r = eval_apply(f, args, n);
        for (int i = 0; i < n; i++) r0(args[i]);
        free(args);
        r0(f);
        return r;
    }
    default: return r1(msg);
    }
}
