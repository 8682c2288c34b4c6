/* k.h: the value model of libtick, a k.h-compatible C API for kdb+ values.
 * Layout, type codes, constructors and accessors follow KX's k.h so feed handlers
 * written against it compile here. Wire encoding is ser.h; interning is sym.c.
 * SPDX-License-Identifier: MIT */
#ifndef TICK_K_H
#define TICK_K_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Scalar types, spelled as KX spells them. */
typedef char *S;
typedef char C;
typedef unsigned char G;
typedef int16_t H;
typedef int32_t I;
typedef int64_t J;
typedef float E;
typedef double F;
typedef void V;
typedef struct { G g[16]; } U;

/* One struct for every value (ipc-protocol.md §3). Atoms hold their value inline;
 * vectors hold the count n then the items in the same allocation, starting at G0.
 * r counts references beyond the first, as in KX: 0 = one owner. */
typedef struct k0 {
    signed char m;  /* memory kind: K_MEM_HEAP, K_MEM_STATIC, K_MEM_MAPPED */
    signed char a;  /* attribute: 0 none, 1 `s#, 2 `u#, 3 `p#, 4 `g# */
    signed char t;  /* type: <0 atom, 0..19 vector, 98 table, 99 dict, 100+ function */
    C u;            /* 0; a symbol enumeration's domain id (q types 20–76), see k_int.h */
    I r;            /* extra references; K_REF_IMMORTAL for shared constants */
    union {
        G g; H h; I i; J j; E e; F f; S s;
        struct k0 *k;              /* table: its column dictionary */
        struct { J n; G G0[1]; };  /* vectors, lists, dicts, functions */
    };
} *K;

_Static_assert(sizeof(struct k0) == 24, "k0 layout drifted from KX k.h");
_Static_assert(offsetof(struct k0, n) == 8, "count must sit at offset 8");
_Static_assert(offsetof(struct k0, G0) == 16, "items must start at offset 16");

/* Type codes (ipc-protocol.md §3.2). */
#define KB 1    /* boolean */
#define UU 2    /* guid */
#define KG 4    /* byte */
#define KH 5    /* short */
#define KI 6    /* int */
#define KJ 7    /* long */
#define KE 8    /* real */
#define KF 9    /* float */
#define KC 10   /* char */
#define KS 11   /* symbol */
#define KP 12   /* timestamp */
#define KM 13   /* month */
#define KD 14   /* date */
#define KZ 15   /* datetime */
#define KN 16   /* timespan */
#define KU 17   /* minute */
#define KV 18   /* second */
#define KT 19   /* time */
#define XT 98   /* table */
#define XD 99   /* dictionary */
#define XSD 127 /* sorted dictionary */
#define KERR (-128)

/* Function types (§3.9). K_NATIVE is a C function value; it never goes on the wire. */
#define K_LAMBDA 100
#define K_UNARY 101
#define K_BINARY 102
#define K_ITERATOR 103
#define K_PROJECTION 104
#define K_COMPOSITION 105
#define K_EACH 106        /* f'  */
#define K_OVER 107        /* f/  */
#define K_SCAN 108        /* f\  */
#define K_EACHPRIOR 109   /* f': */
#define K_EACHRIGHT 110   /* f/: */
#define K_EACHLEFT 111    /* f\: */
#define K_NATIVE 112

/* Attributes (§3.4). */
#define K_ATTR_NONE 0
#define K_ATTR_SORTED 1
#define K_ATTR_UNIQUE 2
#define K_ATTR_PARTED 3
#define K_ATTR_GROUPED 4

/* Memory kinds (field m). */
#define K_MEM_HEAP 0
#define K_MEM_STATIC 1
#define K_MEM_MAPPED 2

#define K_REF_IMMORTAL INT32_MAX

/* Nulls and infinities (§3.10). */
#define nh ((H)INT16_MIN)
#define wh ((H)INT16_MAX)
#define ni ((I)INT32_MIN)
#define wi ((I)INT32_MAX)
#define nj ((J)INT64_MIN)
#define wj ((J)INT64_MAX)
#define nf (k_null_float())
#define wf (1.0 / 0.0)
#define ne ((E)k_null_float())
#define we ((E)(1.0 / 0.0))

/* Epochs (§3.11): q counts from 2000.01.01. */
#define K_EPOCH_DAYS 10957            /* 1970.01.01 to 2000.01.01 */
#define K_EPOCH_SECONDS 946684800LL
#define K_EPOCH_NS 946684800000000000LL
#define K_NS_PER_DAY 86400000000000LL
#define K_MS_PER_DAY 86400000

/* Accessors. */
#define kG(x) ((x)->G0)
#define kC(x) kG(x)
#define kU(x) ((U *)kG(x))
#define kH(x) ((H *)kG(x))
#define kI(x) ((I *)kG(x))
#define kJ(x) ((J *)kG(x))
#define kE(x) ((E *)kG(x))
#define kF(x) ((F *)kG(x))
#define kS(x) ((S *)kG(x))
#define kK(x) ((K *)kG(x))
/* The item bytes of atom x: at offset 8 (x->g …), except a guid's 16 bytes, which follow
 * the header as in KX's ku(). */
#define k_atom_bytes(x) ((x)->t == -UU ? kG(x) : &(x)->g)
#define xt x->t
#define xn x->n
#define xr x->r
#define xa x->a
#define xg x->g
#define xh x->h
#define xi x->i
#define xj x->j
#define xe x->e
#define xf x->f
#define xs x->s
#define xk x->k
#define xG x->G0
#define xH ((H *)xG)
#define xI ((I *)xG)
#define xJ ((J *)xG)
#define xE ((E *)xG)
#define xF ((F *)xG)
#define xS ((S *)xG)
#define xK ((K *)xG)
#define xC xG
#define xx xK[0]
#define xy xK[1]
#define DO(n, x) { J i = 0, _i = (n); for (; i < _i; ++i) { x; } }

/* Reference counting. Ownership: r1 returns x with one more reference; r0 drops one
 * and frees x (and, recursively, its items) when it was the last. Both accept NULL. */
K r1(K x);
V r0(K x);

/* Atom constructors; each returns a new reference. */
K ka(I type);       /* an atom of the given (negative) type, value unset */
K kb(I v);
K ku(U v);
K kg(I v);
K kh(I v);
K ki(I v);
K kj(J v);
K ke(F v);
K kf(F v);
K kc(I v);
K ks(S v);          /* interns v */
K kd(I v);          /* date: days since 2000.01.01 */
K kz(F v);          /* datetime: days since 2000.01.01 */
K kt(I v);          /* time: ms */
K ktj(I type, J v); /* timestamp (-KP) or timespan (-KN) */
K kp(S v);          /* char vector copied from a C string */
K kpn(S v, J n);    /* char vector from n bytes */

/* Vector and list constructors. */
K ktn(I type, J n);  /* vector of n items (type 0: general list of NULLs); new ref */
K knk(I n, ...);     /* general list; Ownership: consumes its n arguments */
K knt(J n, K x);     /* keyed table with the first n columns of table x as keys;
                        Ownership: consumes x */
K xD(K keys, K vals); /* dictionary; Ownership: consumes both (r0s them on error) */
K xT(K dict);         /* table from a column dictionary; Ownership: consumes dict.
                         Returns NULL after r0(dict) if dict is not a valid table. */
K ktd(K x);           /* keyed table to plain table; Ownership: consumes x */

/* Errors. krr builds an error value (type -128) with the given text; orr appends the
 * OS error (strerror(errno)). The text lives inside the value, reachable as x->s. */
K krr(const char *text);
K orr(const char *text);
K k_err_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Appending in place with amortised growth. Ownership: *xp must be unshared (r == 0);
 * it may be reallocated. ja copies one item from *v; js appends an interned symbol;
 * jk consumes y into a general list; jv appends the items of vector y (y borrowed). */
K ja(K *xp, V *v);
K js(K *xp, S s);
K jk(K *xp, K y);
K jv(K *xp, K y);

/* Symbols: ss interns a NUL-terminated string, sn the first n bytes; both return the
 * one pointer shared by every equal symbol, valid until tk_sym_fini. */
S ss(const char *s);
S sn(const char *s, I n);
void tk_sym_fini(void);  /* frees the intern table (tests and clean exit only) */
J tk_sym_count(void);    /* number of interned symbols */

/* Dates: ymd gives days since 2000.01.01; dj gives yyyymmdd for such a day count. */
I ymd(I year, I month, I day);
I dj(I days);

/* Memory policy for long-running processes: keep freed memory for reuse, as kdb+ does.
 * Daemons and benchmarks call it once at start; libraries never need to. */
void tk_mem_init(void);

/* Helpers beyond KX's API (prefix k_). */
F k_null_float(void);              /* the NaN bit pattern q sends, 0xfff8... */
K k_identity(void);                /* the generic null ::, immortal; no ref needed */
int k_item_size(int type);         /* bytes per item of vector type t; 0 if not a vector */
int k_type_valid(int type);        /* is t one of the codes above */
K k_lambda(K source, S context);   /* Ownership: consumes source (a char vector) */
K k_func(int type, J n);           /* projection/composition/derived with n slots */
K k_prim(int type, int code);      /* unary/binary primitive or iterator with a code */
K k_copy(K x);                     /* shallow copy: new vector, items r1'd */
K k_unshare(K x);                  /* Ownership: consumes x; returns it if r == 0, else
                                      a copy — the value may then be changed in place */
int k_match(K x, K y);             /* deep equality as q's ~ (NaN matches NaN) */
J k_count(K x);                    /* q's count: 1 for atoms, rows for tables */
int k_valid(K x);                  /* structural invariants, for asserts */
J k_capacity(K x);                 /* items the allocation holds (heap vectors) */

#ifdef __cplusplus
}
#endif
#endif
