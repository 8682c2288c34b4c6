/* k.c: allocation, reference counting, constructors and in-place appends of K values.
 * Interning is sym.c, equality and counts kmatch.c, dates ktime.c, wire format ser.c.
 * SPDX-License-Identifier: MIT */
#include "k.h"
#include "k_int.h"

#include <errno.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <assert.h>

/* Every heap value is preceded by a hidden box holding the capacity of its items, so
 * appends can grow geometrically while K keeps KX's layout. The box is 16 bytes, which
 * keeps the items 16-byte aligned. */
struct kbox {
    J cap;             /* items the allocation holds (vectors, lists); 0 for atoms */
    void *aux;         /* data a module attached to this vector (the `g# index), or NULL;
                          released through k_aux_release when the value is freed */
    struct k0 k;       /* the value itself */
};
_Static_assert(offsetof(struct kbox, k) == 16, "the box keeps items 16-byte aligned");

#define K_BOX(x) ((struct kbox *)((char *)(x) - offsetof(struct kbox, k)))
#define K_HEADER_BYTES ((J)offsetof(struct k0, G0))
#define K_MAX_BYTES ((J)1 << 46) /* beyond this an allocation is certainly a bad count */

static struct k0 k_identity_value = {
    .m = K_MEM_STATIC, .t = K_UNARY, .r = K_REF_IMMORTAL, .g = 0
};

K k_identity(void) { return &k_identity_value; }

void tk_mem_init(void)
{
    /* Serve every size from the heap and never trim it: freed vectors are reused warm,
     * as kdb+'s own pools do, instead of each large vector costing fresh page faults.
     * A failure only costs speed, so the results are not checked. */
    (void)mallopt(M_MMAP_MAX, 0);
    (void)mallopt(M_TRIM_THRESHOLD, INT32_MAX);
}

F k_null_float(void)
{
    union { uint64_t u; F f; } v = { .u = 0xfff8000000000000ULL };
    return v.f;
}

int k_item_size(int type)
{
    switch (type) {
    case 0: return (int)sizeof(K);
    case KB: case KG: case KC: return 1;
    case UU: return 16;
    case KH: return 2;
    case KI: case KE: case KM: case KD: case KU: case KV: case KT: return 4;
    case KJ: case KF: case KP: case KZ: case KN: return 8;
    case KS: return (int)sizeof(S);
    default: return 0;
    }
}

int k_type_valid(int type)
{
    if (type == KERR || type == XT || type == XD || type == XSD) return 1;
    if (type >= K_LAMBDA && type <= K_NATIVE) return 1;
    if (type < 0) type = -type;
    return type <= KT && type != 3;
}

/* Bytes of items after the count for n items of a vector, list, dict or function. */
static J k_payload_bytes(int type, J n)
{
    int w = k_item_size(type);
    if (w == 0) w = (int)sizeof(K);                 /* dicts and functions hold K slots */
    return n * w;
}

/* Allocate a value with room for cap items. Returns NULL when memory runs out. */
static K k_alloc(int type, J n, J cap)
{
    if (cap < 0 || cap > K_MAX_BYTES) return NULL;
    /* Atoms use the 8 bytes at offset 8 (a guid: 24, spilling into G0); the others hold
     * the count there and their items from offset 16. */
    J bytes = k_is_atomlike(type) ? (type == -UU ? 32 : (J)sizeof(struct k0))
                                  : K_HEADER_BYTES + k_payload_bytes(type, cap);
    if (bytes > K_MAX_BYTES) return NULL;
    struct kbox *b = malloc(offsetof(struct kbox, k) + (size_t)bytes);
    if (!b) return NULL;
    b->cap = k_is_atomlike(type) ? 0 : cap;
    b->aux = NULL;
    K x = &b->k;
    x->m = K_MEM_HEAP;
    x->a = 0;
    x->t = (signed char)type;
    x->u = 0;
    x->r = 0;
    x->n = n;
    return x;
}

J k_capacity(K x)
{
    if (!x || x->m != K_MEM_HEAP || x->t < 0 || x->t == XT) return 0;
    return K_BOX(x)->cap;
}

K r1(K x)
{
    if (x && x->r != K_REF_IMMORTAL) x->r++;
    return x;
}

static void k_free_items(K x)
{
    switch (x->t) {
    case XT:
        r0(x->k);
        break;
    case 0: case XD: case XSD:
    case K_LAMBDA: case K_PROJECTION: case K_COMPOSITION:
    case K_EACH: case K_OVER: case K_SCAN: case K_EACHPRIOR: case K_EACHRIGHT: case K_EACHLEFT:
        for (J i = 0; i < x->n; i++) r0(kK(x)[i]);
        break;
    default:
        break;
    }
}

V r0(K x)
{
    if (!x || x->r == K_REF_IMMORTAL) return;
    assert(x->r >= 0 && "r0 on a freed or corrupt value");
    if (x->r > 0) { x->r--; return; }
    k_free_items(x);
    if (x->m == K_MEM_HEAP) {
        if (K_BOX(x)->aux) k_aux_release(K_BOX(x)->aux);
        x->t = 77; /* poison: a use after free shows an impossible type */
        free(K_BOX(x));
    } else if (x->m == K_MEM_MAPPED) {
        k_mapped_release(x);
    }
}

/* Default releaser of attached data: nothing is attached unless a module installs one. */
static void k_aux_noop(void *aux) { (void)aux; }
void (*k_aux_release)(void *aux) = k_aux_noop;

void *k_aux_get(K x)
{
    if (!x || x->m != K_MEM_HEAP || k_is_atomlike(x->t)) return NULL;
    return K_BOX(x)->aux;
}

int k_aux_set(K x, void *aux)
{
    if (!x || x->m != K_MEM_HEAP || k_is_atomlike(x->t)) return -1;
    K_BOX(x)->aux = aux;
    return 0;
}

/* Default releaser for mapped values; the storage layer (disk.c) installs its own. */
static void k_mapped_noop(K x) { (void)x; }
void (*k_mapped_release)(K x) = k_mapped_noop;

K ka(I type)
{
    if (type >= 0 || !k_type_valid(type)) return NULL;
    K x = k_alloc(type, 0, 0);
    if (x) x->j = 0;
    return x;
}

#define K_ATOM(name, argtype, type, field) \
    K name(argtype v) { K x = ka(type); if (x) x->field = v; return x; }
K_ATOM(kb, I, -KB, g)
K_ATOM(kg, I, -KG, g)
K_ATOM(kh, I, -KH, h)
K_ATOM(ki, I, -KI, i)
K_ATOM(kj, J, -KJ, j)
K_ATOM(ke, F, -KE, e)
K_ATOM(kf, F, -KF, f)
K_ATOM(kc, I, -KC, g)
K_ATOM(kd, I, -KD, i)
K_ATOM(kz, F, -KZ, f)
K_ATOM(kt, I, -KT, i)
#undef K_ATOM

K ku(U v)
{
    K x = ka(-UU);
    if (x) { x->n = 1; memcpy(kU(x), &v, sizeof v); }
    return x;
}

K ks(S v)
{
    K x = ka(-KS);
    if (x) x->s = ss(v);
    return x;
}

K ktj(I type, J v)
{
    K x = ka(type);
    if (x) x->j = v;
    return x;
}

K ktn(I type, J n)
{
    if (n < 0) return NULL;
    K x = k_alloc(type, n, n);
    if (x && type == 0) memset(kK(x), 0, (size_t)n * sizeof(K));
    return x;
}

K kpn(S v, J n)
{
    K x = ktn(KC, n);
    if (x && n) memcpy(kC(x), v, (size_t)n);
    return x;
}

K kp(S v) { return kpn(v, (J)strlen(v)); }

K knk(I n, ...)
{
    K x = ktn(0, n);
    va_list ap;
    va_start(ap, n);
    for (I i = 0; i < n; i++) {
        K item = va_arg(ap, K);
        if (x) kK(x)[i] = item; else r0(item);
    }
    va_end(ap);
    return x;
}

K xD(K keys, K vals)
{
    if (!keys || !vals) { r0(keys); r0(vals); return NULL; }
    K x = k_alloc(XD, 2, 2);
    if (!x) { r0(keys); r0(vals); return NULL; }
    kK(x)[0] = keys;
    kK(x)[1] = vals;
    return x;
}

K xT(K dict)
{
    if (!dict || dict->t != XD || kK(dict)[0]->t != KS || kK(dict)[1]->t != 0) {
        r0(dict);
        return NULL;
    }
    K vals = kK(dict)[1];
    J rows = -1;
    for (J i = 0; i < vals->n; i++) {
        K col = kK(vals)[i];
        if (col->t < 0 || col->t > KT) { r0(dict); return NULL; }
        if (rows >= 0 && col->n != rows) { r0(dict); return NULL; }
        rows = col->n;
    }
    K x = k_alloc(XT, 0, 0);
    if (!x) { r0(dict); return NULL; }
    x->k = dict;
    return x;
}

/* Column i of a table's dictionary, borrowed. */
static K k_table_values(K t) { return kK(t->k)[1]; }
static K k_table_names(K t) { return kK(t->k)[0]; }

/* Table made of columns [from, from+count) of table t; items r1'd. */
static K k_table_slice(K t, J from, J count)
{
    K names = ktn(KS, count), cols = ktn(0, count);
    if (!names || !cols) { r0(names); r0(cols); return NULL; }
    for (J i = 0; i < count; i++) {
        kS(names)[i] = kS(k_table_names(t))[from + i];
        kK(cols)[i] = r1(kK(k_table_values(t))[from + i]);
    }
    return xT(xD(names, cols));
}

K knt(J n, K x)
{
    if (!x || x->t != XT || n < 1 || n >= k_table_names(x)->n) { r0(x); return NULL; }
    J width = k_table_names(x)->n;
    K keys = k_table_slice(x, 0, n);
    K vals = k_table_slice(x, n, width - n);
    r0(x);
    return xD(keys, vals);
}

K ktd(K x)
{
    if (!x || x->t != XD || kK(x)[0]->t != XT || kK(x)[1]->t != XT) return x;
    K keys = kK(x)[0], vals = kK(x)[1];
    J nk = k_table_names(keys)->n, nv = k_table_names(vals)->n;
    K names = ktn(KS, nk + nv), cols = ktn(0, nk + nv);
    if (!names || !cols) { r0(names); r0(cols); r0(x); return NULL; }
    for (J i = 0; i < nk; i++) {
        kS(names)[i] = kS(k_table_names(keys))[i];
        kK(cols)[i] = r1(kK(k_table_values(keys))[i]);
    }
    for (J i = 0; i < nv; i++) {
        kS(names)[nk + i] = kS(k_table_names(vals))[i];
        kK(cols)[nk + i] = r1(kK(k_table_values(vals))[i]);
    }
    r0(x);
    return xT(xD(names, cols));
}

/* Errors keep their text inline after the header; x->s points at it. */
K k_err_from_bytes(const char *text, size_t len)
{
    struct kbox *b = malloc(sizeof(struct kbox) + len + 1);
    if (!b) return NULL;
    b->cap = 0;
    b->aux = NULL;
    K x = &b->k;
    x->m = K_MEM_HEAP; x->a = 0; x->t = KERR; x->u = 0; x->r = 0;
    char *dst = (char *)x->G0;
    memcpy(dst, text, len);
    dst[len] = 0;
    x->s = dst;
    return x;
}

/* krr's answer when not even the error fits in memory: immortal, so callers that check
 * IS_ERR and r0 it need no NULL case. */
static struct k0 k_wsfull_value = {
    .m = K_MEM_STATIC, .t = KERR, .r = K_REF_IMMORTAL, .s = (S)"wsfull"
};

K krr(const char *text)
{
    K x = k_err_from_bytes(text, strlen(text));
    return x ? x : &k_wsfull_value;
}

K k_err_fmt(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (len < 0) return krr("format");
    if ((size_t)len >= sizeof buf) len = (int)sizeof buf - 1;
    K x = k_err_from_bytes(buf, (size_t)len);
    return x ? x : &k_wsfull_value;
}

K orr(const char *text)
{
    return k_err_fmt("%s: %s", text, strerror(errno));
}

/* Grow *xp so it can hold need items; doubles capacity. Returns 0, or -1 on no memory. */
static int k_reserve(K *xp, J need)
{
    K x = *xp;
    assert(x->m == K_MEM_HEAP && x->r == 0 && "append to shared or static value");
    struct kbox *b = K_BOX(x);
    if (need <= b->cap) return 0;
    J cap = b->cap < 8 ? 8 : b->cap;
    while (cap < need) cap += cap / 2 + 8;
    J payload = k_payload_bytes(x->t, cap);
    if (payload > K_MAX_BYTES) return -1;
    struct kbox *nb = realloc(b, offsetof(struct kbox, k) + (size_t)K_HEADER_BYTES + (size_t)payload);
    if (!nb) return -1;
    nb->cap = cap;
    *xp = &nb->k;
    return 0;
}

K ja(K *xp, V *v)
{
    int w = k_item_size((*xp)->t);
    if (k_reserve(xp, (*xp)->n + 1)) return NULL;
    K x = *xp;
    memcpy(kG(x) + x->n * w, v, (size_t)w);
    x->n++;
    return x;
}

K js(K *xp, S s)
{
    if (k_reserve(xp, (*xp)->n + 1)) return NULL;
    K x = *xp;
    kS(x)[x->n++] = s;
    return x;
}

K jk(K *xp, K y)
{
    if (k_reserve(xp, (*xp)->n + 1)) { r0(y); return NULL; }
    K x = *xp;
    kK(x)[x->n++] = y;
    return x;
}

K jv(K *xp, K y)
{
    K x = *xp;
    if (x->t != y->t) return NULL;
    if (k_reserve(xp, x->n + y->n)) return NULL;
    x = *xp;
    if (x->t == 0) {
        for (J i = 0; i < y->n; i++) kK(x)[x->n + i] = r1(kK(y)[i]);
    } else {
        int w = k_item_size(x->t);
        memcpy(kG(x) + x->n * w, kG(y), (size_t)(y->n * w));
    }
    x->n += y->n;
    return x;
}

K k_lambda(K source, S context)
{
    K x = k_alloc(K_LAMBDA, 2, 2);
    if (!x) { r0(source); return NULL; }
    kK(x)[0] = source;
    kK(x)[1] = ks(context ? context : "");
    return x;
}

K k_func(int type, J n)
{
    K x = k_alloc(type, n, n);
    if (x) memset(kK(x), 0, (size_t)n * sizeof(K));
    return x;
}

K k_prim(int type, int code)
{
    if (type == K_UNARY && code == 0) return k_identity();
    K x = k_alloc(type, 0, 0);
    if (x) { x->j = 0; x->g = (G)code; }
    return x;
}

int k_is_atomlike(int type)
{
    return type < 0 || type == XT || type == K_UNARY || type == K_BINARY
        || type == K_ITERATOR || type == K_NATIVE;
}

K k_copy(K x)
{
    if (x->t == XT) {
        K d = k_copy(x->k);
        return d ? xT(d) : NULL;
    }
    if (x->t == KERR) return krr(x->s);
    if (k_is_atomlike(x->t)) {
        K y = k_alloc(x->t, 0, 0);
        if (y) { y->a = x->a; y->u = x->u; memcpy(&y->n, &x->n, x->t == -UU ? 24 : 8); }
        return y;
    }
    K y = k_alloc(x->t, x->n, x->n);
    if (!y) return NULL;
    y->a = x->a;
    y->u = x->u;  /* an enumeration's domain (k_int.h) */
    if (x->t > 0 && x->t <= KT) {
        memcpy(kG(y), kG(x), (size_t)(x->n * k_item_size(x->t)));
    } else {
        for (J i = 0; i < x->n; i++) kK(y)[i] = r1(kK(x)[i]);
    }
    return y;
}

K k_unshare(K x)
{
    if (!x || (x->r == 0 && x->m == K_MEM_HEAP)) return x;
    K y = k_copy(x);
    r0(x);
    return y;
}
