/* eval_native.c: native C function values (K_NATIVE) and the qnative.h entry points that
 * roles use to register them. Application of other values is eval_apply.c's.
 * SPDX-License-Identifier: MIT */
#include "qnative.h"
#include "q_int.h"
#include "eval_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct eval_native {
    q_native_fn fn;            /* the C function */
    int rank;                  /* arguments it takes */
    char *name;                /* display name (owned) */
    struct eval_native *next;  /* registry chain, freed by eval_native_fini */
} eval_native;

static eval_native *eval_natives;

K q_native_new(const char *name, int rank, q_native_fn fn)
{
    eval_native *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    d->fn = fn;
    d->rank = rank;
    d->name = strdup(name ? name : "");
    d->next = eval_natives;
    eval_natives = d;
    K x = k_prim(K_NATIVE, 0);
    if (!x) return NULL;
    x->j = (J)(intptr_t)d;
    return x;
}

static eval_native *eval_native_get(K x)
{
    return x && x->t == K_NATIVE ? (eval_native *)(intptr_t)x->j : NULL;
}

const char *q_native_name(K x)
{
    eval_native *d = eval_native_get(x);
    return d ? d->name : NULL;
}

J eval_native_rank(K f)
{
    eval_native *d = eval_native_get(f);
    return d ? d->rank : 1;
}

K eval_native_call(K f, K *args, int n)
{
    eval_native *d = eval_native_get(f);
    int holes = 0;
    for (int i = 0; i < n; i++) holes |= eval_is_hole(args[i]);
    if (n > d->rank && !(d->rank == 0 && n == 1)) return krr("rank");
    if (n < d->rank || holes) return eval_project(f, args, n);
    return d->fn(args, n);
}

void eval_native_fini(void)
{
    while (eval_natives) {
        eval_native *d = eval_natives;
        eval_natives = d->next;
        free(d->name);
        free(d);
    }
}

int q_global_set(const char *name, K value) { return eval_global_set(ss(name), value); }

K q_global_get(const char *name) { return eval_global_get(ss(name)); }
