/* prim_env.c: keywords that reach the evaluator or the process (q-subset.md §3.18, 3.19,
 * 2.17): system, eval, parse, show, set, rand, and the iterator covers each over scan
 * prior. The evaluator is eval*.c; display is fmt.c's (through q.h).
 * SPDX-License-Identifier: MIT */
#include "q.h"
#include "q_int.h"
#include "eval_int.h"
#include "prim_int.h"
#include "prim_fns.h"

#include <stdio.h>
#include <stdlib.h>

K prim_system(K x)
{
    if (x->t == -KC) { K s = kpn((S)&x->g, 1); K r = prim_system(s); r0(s); return r; }
    if (x->t != KC) return krr("type");
    if (x->n >= 1 && kC(x)[0] == 'S' && (x->n == 1 || kC(x)[1] == ' ')) {
        K v = x->n > 2 ? q_eval((const char *)kC(x) + 2, x->n - 2) : kj(0);
        if (IS_ERR(v)) return v;
        if (v->t == -KJ) prim_rand_seed(v->j);
        r0(v);
        return k_identity();
    }
    return eval_system(x);
}

K prim_rand(K x)
{
    K one = kj(1);
    K r = prim_find(one, x);
    r0(one);
    if (IS_ERR(r) || r->t < 0) return r;
    K a = prim_item(r, 0);
    r0(r);
    return a;
}

K prim_eval(K x) { return eval_tree_top(x); }

/* exit n: leave the process with status n (.z.exit runs first, q_exit). */
K prim_exit(K x)
{
    if (q_restricted()) return krr("access");
    J code;
    switch (x->t) {
    case -KB: case -KG: code = x->g; break;
    case -KH: code = x->h; break;
    case -KI: code = x->i; break;
    case -KJ: code = x->j; break;
    default: return krr("type");
    }
    q_exit((int)code);
}

/* getenv `NAME: the variable's value as a string ("" when unset). */
K prim_getenv(K x)
{
    if (x->t != -KS) return krr("type");
    const char *v = getenv(x->s);
    return kp((S)(v ? v : ""));
}

K prim_parse(K x)
{
    if (x->t != KC) return krr("type");
    return q_parse((const char *)kC(x), x->n);
}

K prim_show(K x)
{
    K s = fmt_display(x);
    if (s && s->t == KC) {
        fwrite(kC(s), 1, (size_t)s->n, stdout);
        fputc('\n', stdout);
    }
    r0(s);
    return k_identity();
}

static K prim_derive_apply(int type, K f, K *args, int n)
{
    K d = k_func(type, 1);
    if (!d) return krr("wsfull");
    kK(d)[0] = r1(f);
    K r = eval_apply(d, args, n);
    r0(d);
    return r;
}

K prim_each(K x, K y) { return prim_derive_apply(K_EACH, x, &y, 1); }
K prim_over(K x, K y) { return prim_derive_apply(K_OVER, x, &y, 1); }
K prim_scan(K x, K y) { return prim_derive_apply(K_SCAN, x, &y, 1); }
K prim_prior(K x, K y) { return prim_derive_apply(K_EACHPRIOR, x, &y, 1); }

K prim_set(K x, K y)
{
    if (x->t != -KS) return krr("type");
    if (x->s[0] == ':') return prim_file_set(x, y);
    if (eval_global_set(x->s, r1(y))) return krr("wsfull");
    return r1(x);
}
