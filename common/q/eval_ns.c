/* eval_ns.c: namespaces (q-subset.md §2.15, §5.1): the root, .z, .q, .u … each a table of
 * names to values, the current namespace (\d), and absolute/relative name resolution.
 * Evaluation is eval.c's.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "eval_int.h"

#include <stdlib.h>
#include <string.h>

typedef struct eval_ns {
    S name;  /* "" for root, ".u" … */
    K keys;  /* symbol vector of names */
    K vals;  /* general list of values, parallel to keys */
} eval_ns;

static struct {
    eval_ns *ns;  /* all namespaces */
    int n;        /* how many */
    int cap;      /* allocated */
    int current;  /* index of the current namespace */
} eval_dir;

static int eval_ns_index(S name, int create)
{
    for (int i = 0; i < eval_dir.n; i++) if (eval_dir.ns[i].name == name) return i;
    if (!create) return -1;
    if (eval_dir.n == eval_dir.cap) {
        int cap = eval_dir.cap ? eval_dir.cap * 2 : 8;
        eval_ns *p = realloc(eval_dir.ns, (size_t)cap * sizeof *p);
        if (!p) return -1;
        eval_dir.ns = p;
        eval_dir.cap = cap;
    }
    eval_ns *e = &eval_dir.ns[eval_dir.n];
    e->name = name;
    e->keys = ktn(KS, 0);
    e->vals = ktn(0, 0);
    if (!e->keys || !e->vals) { r0(e->keys); r0(e->vals); return -1; }
    return eval_dir.n++;
}

int eval_ns_init(void)
{
    memset(&eval_dir, 0, sizeof eval_dir);
    if (eval_ns_index(ss(""), 1) < 0) return -1;
    eval_dir.current = 0;
    return 0;
}

void eval_ns_fini(void)
{
    for (int i = 0; i < eval_dir.n; i++) { r0(eval_dir.ns[i].keys); r0(eval_dir.ns[i].vals); }
    free(eval_dir.ns);
    memset(&eval_dir, 0, sizeof eval_dir);
}

S eval_namespace(void) { return eval_dir.ns[eval_dir.current].name; }

int eval_namespace_set(S name)
{
    int i = eval_ns_index(name[0] == '.' && name[1] == '\0' ? ss("") : name, 1);
    if (i < 0) return -1;
    eval_dir.current = i;
    return 0;
}

/* Split a name into namespace and key: ".u.w" → (".u","w"); "w" in ctx → (ctx,"w"). */
static void eval_split(S ctx, S name, S *ns, S *key)
{
    if (name[0] == '.') {
        const char *dot = strrchr(name + 1, '.');
        if (dot) { *ns = sn(name, (I)(dot - name)); *key = ss(dot + 1); return; }
        *ns = ss("");
        *key = name;
        return;
    }
    *ns = ctx;
    *key = name;
}

static J eval_ns_find(eval_ns *e, S key)
{
    S *k = kS(e->keys);
    for (J i = 0, n = e->keys->n; i < n; i++) if (k[i] == key) return i;
    return -1;
}

K eval_global_peek(S ctx, S name)
{
    S ns, key;
    eval_split(ctx, name, &ns, &key);
    int i = eval_ns_index(ns, 0);
    if (i < 0) {
        int sub = eval_ns_index(name, 0);
        if (sub >= 0) return NULL;
        return NULL;
    }
    J at = eval_ns_find(&eval_dir.ns[i], key);
    return at < 0 ? NULL : kK(eval_dir.ns[i].vals)[at];
}

K eval_namespace_dict(S name)
{
    int i = eval_ns_index(name, 0);
    if (i < 0) return NULL;
    K keys = ktn(KS, 1), vals = ktn(0, 1);
    if (!keys || !vals) { r0(keys); r0(vals); return NULL; }
    kS(keys)[0] = ss("");
    kK(vals)[0] = k_identity();
    int ok = jv(&keys, eval_dir.ns[i].keys) != NULL;
    for (J j = 0; ok && j < eval_dir.ns[i].vals->n; j++) ok = jk(&vals, r1(kK(eval_dir.ns[i].vals)[j])) != NULL;
    if (!ok) { r0(keys); r0(vals); return NULL; }
    return xD(keys, vals);
}

int eval_global_store(S ctx, S name, K value)
{
    S ns, key;
    eval_split(ctx, name, &ns, &key);
    int i = eval_ns_index(ns, 1);
    if (i < 0) { r0(value); return -1; }
    eval_ns *e = &eval_dir.ns[i];
    J at = eval_ns_find(e, key);
    if (at >= 0) {
        r0(kK(e->vals)[at]);
        kK(e->vals)[at] = value;
        return 0;
    }
    /* keys and vals stay the same length: a key whose value cannot be added goes again */
    if (!js(&e->keys, key)) { r0(value); return -1; }
    if (!jk(&e->vals, value)) { e->keys->n--; return -1; }
    return 0;
}

int eval_global_delete(S ctx, S name)
{
    S ns, key;
    eval_split(ctx, name, &ns, &key);
    int i = eval_ns_index(ns, 0);
    if (i < 0) return 0;
    eval_ns *e = &eval_dir.ns[i];
    J at = eval_ns_find(e, key);
    if (at < 0) return 0;
    r0(kK(e->vals)[at]);
    J n = e->keys->n;
    memmove(kS(e->keys) + at, kS(e->keys) + at + 1, (size_t)(n - at - 1) * sizeof(S));
    memmove(kK(e->vals) + at, kK(e->vals) + at + 1, (size_t)(n - at - 1) * sizeof(K));
    e->keys->n = n - 1;
    e->vals->n = n - 1;
    return 1;
}

K eval_global_get(S name)
{
    K v = eval_global_peek(eval_namespace(), name);
    return v ? r1(v) : NULL;
}

int eval_global_set(S name, K value) { return eval_global_store(eval_namespace(), name, value); }
