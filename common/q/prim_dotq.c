/* prim_dotq.c: the .Q utilities of q-subset.md §5 beyond files (Tier 2): .Q.s (console
 * text), .Q.dd (join a name), .Q.f and .Q.fmt (fixed-point text), .Q.opt (command-line
 * options), .Q.gc and .Q.w (memory). .Q.en/.Q.dpft are prim_file.c's; display fmt.c's.
 * SPDX-License-Identifier: MIT */
#include "q.h"
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"
#include "qnative.h"

#include <stdio.h>
#include <string.h>

#define DOTQ_TEXT_BYTES 512  /* longest number text .Q.f/.Q.fmt build */

/* .Q.s x: the console display of x with a final newline. */
static K dotq_s(K *args, int n)
{
    (void)n;
    K s = fmt_display(args[0]);
    if (IS_ERR(s)) return s;
    G nl = '\n';
    ja(&s, &nl);
    return s;
}

/* The text of a symbol or string argument into out. 0, or -1 on 'type. */
static int dotq_text(K x, char *out, size_t size)
{
    if (x->t == -KS) return snprintf(out, size, "%s", x->s) >= (int)size ? -1 : 0;
    if (x->t == KC && (size_t)x->n < size) { memcpy(out, kC(x), (size_t)x->n); out[x->n] = 0; return 0; }
    if (x->t == -KC && size > 1) { out[0] = (char)x->g; out[1] = 0; return 0; }
    return -1;
}

/* .Q.dd[x;y]: `:dir/file for a file handle x, else `x.y. */
static K dotq_dd(K *args, int n)
{
    (void)n;
    char a[DOTQ_TEXT_BYTES], b[DOTQ_TEXT_BYTES], r[2 * DOTQ_TEXT_BYTES + 1];
    if (args[0]->t != -KS || dotq_text(args[1], b, sizeof b) || dotq_text(args[0], a, sizeof a))
        return krr("type");
    snprintf(r, sizeof r, "%s%c%s", a, a[0] == ':' ? '/' : '.', b);
    return ks(r);
}

/* x as a float, or NaN with *ok 0. */
static F dotq_float(K x, int *ok)
{
    K f = prim_to_float(x);
    *ok = f && f->t == -KF;
    F v = *ok ? f->f : 0;
    r0(f);
    return v;
}

static int dotq_int(K x, int *ok)
{
    *ok = x->t == -KJ || x->t == -KI;
    return x->t == -KJ ? (int)x->j : x->t == -KI ? x->i : 0;
}

/* .Q.f[d;x]: x with d decimals. */
static K dotq_f(K *args, int n)
{
    (void)n;
    int ok1, ok2;
    int d = dotq_int(args[0], &ok1);
    F v = dotq_float(args[1], &ok2);
    if (!ok1 || !ok2 || d < 0 || d > 17) return krr("type");
    char buf[DOTQ_TEXT_BYTES];
    snprintf(buf, sizeof buf, "%.*f", d, v);
    return kp(buf);
}

/* .Q.fmt[w;d;x]: x with d decimals right-aligned in w characters (w stars if longer). */
static K dotq_fmt(K *args, int n)
{
    (void)n;
    int ok1, ok2, ok3;
    int w = dotq_int(args[0], &ok1), d = dotq_int(args[1], &ok2);
    F v = dotq_float(args[2], &ok3);
    if (!ok1 || !ok2 || !ok3 || w < 0 || w >= DOTQ_TEXT_BYTES || d < 0 || d > 17) return krr("type");
    char buf[DOTQ_TEXT_BYTES];
    int len = snprintf(buf, sizeof buf, "%*.*f", w, d, v);
    if (len > w) { memset(buf, '*', (size_t)w); buf[w] = 0; }
    return kp(buf);
}

/* .Q.opt args: `opt!values of "-opt v1 v2 …" command-line strings. */
static K dotq_opt(K *args, int n)
{
    (void)n;
    K x = args[0];
    if (x->t != 0 && !(x->t == KS && x->n == 0)) return krr("type");
    K keys = ktn(KS, 0), vals = ktn(0, 0);
    for (J i = 0; i < x->n; i++) {
        K a = kK(x)[i];
        if (a->t != KC && a->t != -KC) { r0(keys); r0(vals); return krr("type"); }
        if (a->t == KC && a->n > 1 && kC(a)[0] == '-') {
            js(&keys, sn((S)kC(a) + 1, (I)(a->n - 1)));
            jk(&vals, ktn(0, 0));
        } else if (vals->n) {
            jk(&kK(vals)[vals->n - 1], a->t == KC ? r1(a) : kpn((S)&a->g, 1));
        }
    }
    return xD(keys, vals);
}

static K dotq_gc(K *args, int n) { (void)args; (void)n; return kj(0); }

/* .Q.w[]: memory statistics; this process does not track them, so zeros. */
static K dotq_w(K *args, int n)
{
    (void)args; (void)n;
    static const char *const names[] = { "used", "heap", "peak", "wmax", "mmap", "mphy", "syms", "symw" };
    J count = (J)(sizeof names / sizeof names[0]);
    K keys = ktn(KS, count), vals = ktn(KJ, count);
    for (J i = 0; i < count; i++) { kS(keys)[i] = ss((S)names[i]); kJ(vals)[i] = 0; }
    return xD(keys, vals);
}

int prim_dotq_init(void)
{
    static const struct { const char *name; int rank; q_native_fn fn; } fns[] = {
        { ".Q.s", 1, dotq_s }, { ".Q.dd", 2, dotq_dd }, { ".Q.f", 2, dotq_f },
        { ".Q.fmt", 3, dotq_fmt }, { ".Q.opt", 1, dotq_opt }, { ".Q.gc", 1, dotq_gc },
        { ".Q.w", 1, dotq_w },
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        K f = q_native_new(fns[i].name, fns[i].rank, fns[i].fn);
        if (!f || q_global_set(fns[i].name, f)) return -1;
    }
    return 0;
}
