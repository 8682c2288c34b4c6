/* qsql_stream.c: one-pass `select agg … by c from t` (q-subset.md §4.9, speed only):
 * rows are hashed to group numbers a block at a time (the numbers stay in cache) and
 * each aggregate runs over the block before the next, so no per-row group vector is
 * written to memory. Aggregates: count sum avg min max first last wavg on long, int and
 * float columns. Results equal qsql.c's general path.
 * SPDX-License-Identifier: MIT */
#include "q_int.h"
#include "qsql_int.h"
#include "prim_fns.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define STREAM_BLOCK 2048     /* rows per block: group numbers fit in L1 */
#define STREAM_START_GROUPS 64
#define STREAM_HASH_START 1024
#define STREAM_MAX_ITEMS 16

enum { SA_COUNT, SA_SUM, SA_AVG, SA_MIN, SA_MAX, SA_FIRST, SA_LAST, SA_WAVG };

typedef struct stream_item {
    int code;     /* SA_* */
    K x;          /* the aggregated column (borrowed), NULL for count */
    K w;          /* wavg weights (borrowed) */
    int is_float; /* x holds floats (else longs) */
    J *acc_j;     /* per-group long accumulator */
    F *acc_f;     /* per-group float accumulator */
    F *aux_f;     /* avg counts / wavg weight sums */
    char *seen;   /* first: group already has its value */
} stream_item;

static int stream_code(K head)
{
    static const char *const names[] = { "count", "sum", "avg", "min", "max", "first", "last", "wavg" };
    const char *name = prim_name(head);
    if (!name) return -1;
    for (int k = 0; k < 8; k++) if (!strcmp(name, names[k])) return k;
    return -1;
}

static K stream_col(qsql_table *tb, K arg)
{
    if (arg->t != -KS) return NULL;
    J c = qsql_col_find(tb, arg->s);
    if (c < 0) return NULL;
    K col = kK(tb->cols)[c];
    return col->t == KJ || col->t == KI || col->t == KF ? col : NULL;
}

/* Fill item from tree, or return -1 when the tree is no streamable aggregate. */
static int stream_plan(qsql_table *tb, K tree, stream_item *it)
{
    memset(it, 0, sizeof *it);
    if (tree->t != 0 || tree->n < 2 || tree->n > 3) return -1;
    it->code = stream_code(kK(tree)[0]);
    if (it->code < 0 || (it->code == SA_WAVG) != (tree->n == 3)) return -1;
    if (it->code == SA_COUNT) {
        K arg = kK(tree)[1];
        return arg->t == -KS && (qsql_col_find(tb, arg->s) >= 0 || !strcmp(arg->s, "i")) ? 0 : -1;
    }
    if (it->code == SA_WAVG) {
        it->w = stream_col(tb, kK(tree)[1]);
        it->x = stream_col(tb, kK(tree)[2]);
        if (!it->w || !it->x || it->w->t == KF || it->x->t != KF) return -1;
        it->is_float = 1;
        return 0;
    }
    it->x = stream_col(tb, kK(tree)[1]);
    if (!it->x) return -1;
    it->is_float = it->x->t == KF;
    return 0;
}

static int stream_out_float(const stream_item *it)
{
    return it->code == SA_AVG || it->code == SA_WAVG || (it->is_float && it->code != SA_COUNT);
}

/* Grow item arrays from old to cap groups, initialising the new slots. */
static int stream_grow(stream_item *it, J old, J cap)
{
    J *j = realloc(it->acc_j, (size_t)cap * sizeof(J));
    F *f = realloc(it->acc_f, (size_t)cap * sizeof(F));
    F *a = realloc(it->aux_f, (size_t)cap * sizeof(F));
    char *s = realloc(it->seen, (size_t)cap);
    if (j) it->acc_j = j;
    if (f) it->acc_f = f;
    if (a) it->aux_f = a;
    if (s) it->seen = s;
    if (!j || !f || !a || !s) return -1;
    J ji = it->code == SA_MIN ? wj : it->code == SA_MAX ? -wj : 0;
    F fi = it->code == SA_MIN ? INFINITY : it->code == SA_MAX ? -INFINITY : 0;
    for (J g = old; g < cap; g++) { j[g] = ji; f[g] = fi; a[g] = 0; s[g] = 0; }
    return 0;
}

/* One aggregate over one block on an integral column of C type T with null NV; ROW(k)
 * is the row of block item k, c the column and wv the wavg weights, both already
 * offset by base when the block is all rows. Nulls are skipped (min/max of only nulls
 * keep the ±infinity start, as q gives). */
#define STREAM_INT_BODY(T, NV, ROW) do {                                                    \
        const T *c = (const T *)cx;                                                         \
        switch (it->code) {                                                                 \
        case SA_SUM: for (J k = 0; k < len; k++) { T v = c[ROW(k)]; aj[ids[k]] += v != (NV) ? v : 0; } break; \
        case SA_AVG: for (J k = 0; k < len; k++) {                                          \
                T v = c[ROW(k)]; int ok = v != (NV);                                        \
                af[ids[k]] += ok ? (F)v : 0; ax[ids[k]] += ok; } break;                     \
        case SA_MIN: for (J k = 0; k < len; k++) { T v = c[ROW(k)]; I g = ids[k]; if (v != (NV) && v < aj[g]) aj[g] = v; } break; \
        case SA_MAX: for (J k = 0; k < len; k++) { T v = c[ROW(k)]; I g = ids[k]; if (v != (NV) && v > aj[g]) aj[g] = v; } break; \
        case SA_FIRST: for (J k = 0; k < len; k++) { I g = ids[k]; if (!seen[g]) { seen[g] = 1; aj[g] = c[ROW(k)]; } } break; \
        case SA_LAST: for (J k = 0; k < len; k++) aj[ids[k]] = c[ROW(k)]; break;           \
        default: break;                                                                     \
        }                                                                                   \
    } while (0)

/* The same on a float column, and wavg (weights of type W, null WN; float values). */
#define STREAM_FLOAT_BODY(ROW) do {                                                         \
        const F *c = (const F *)cx;                                                         \
        switch (it->code) {                                                                 \
        case SA_SUM: for (J k = 0; k < len; k++) { F v = c[ROW(k)]; af[ids[k]] += v == v ? v : 0; } break; \
        case SA_AVG: for (J k = 0; k < len; k++) {                                          \
                F v = c[ROW(k)]; int ok = v == v;                                           \
                af[ids[k]] += ok ? v : 0; ax[ids[k]] += ok; } break;                        \
        case SA_MIN: for (J k = 0; k < len; k++) { F v = c[ROW(k)]; I g = ids[k]; af[g] = v < af[g] ? v : af[g]; } break; \
        case SA_MAX: for (J k = 0; k < len; k++) { F v = c[ROW(k)]; I g = ids[k]; af[g] = v > af[g] ? v : af[g]; } break; \
        case SA_FIRST: for (J k = 0; k < len; k++) { I g = ids[k]; if (!seen[g]) { seen[g] = 1; af[g] = c[ROW(k)]; } } break; \
        case SA_LAST: for (J k = 0; k < len; k++) af[ids[k]] = c[ROW(k)]; break;           \
        default: break;                                                                     \
        }                                                                                   \
    } while (0)
#define STREAM_WAVG_BODY(W, WN, ROW) do {                                                   \
        const W *wt = (const W *)cw;                                                        \
        const F *c = (const F *)cx;                                                         \
        for (J k = 0; k < len; k++) {                                                       \
            W a = wt[ROW(k)]; F b = c[ROW(k)];                                              \
            int ok = (a != (WN)) & (b == b);  /* no branch */                               \
            F fa = ok ? (F)a : 0;                                                           \
            af[ids[k]] += ok ? fa * b : 0;                                                  \
            ax[ids[k]] += fa;                                                               \
        }                                                                                   \
    } while (0)

#define STREAM_ROW_GATHER(k) ix[k]
#define STREAM_ROW_RUN(k) (k)

/* Each body twice: rows from ix, or the run base.. (pointers offset, no gather). */
#define STREAM_DISPATCH(BODY, ...) do {                                                     \
        if (ix) BODY(__VA_ARGS__, STREAM_ROW_GATHER);                                       \
        else { cx += base * xw; cw += base * ww; BODY(__VA_ARGS__, STREAM_ROW_RUN); }       \
    } while (0)

static void stream_block(stream_item *it, const I *ids, const J *ix, J base, J len)
{
    J *aj = it->acc_j;
    F *af = it->acc_f, *ax = it->aux_f;
    char *seen = it->seen;
    if (it->code == SA_COUNT) { for (J k = 0; k < len; k++) aj[ids[k]]++; return; }
    const G *cx = kG(it->x), *cw = it->w ? kG(it->w) : cx;
    J xw = k_item_size(it->x->t), ww = it->w ? k_item_size(it->w->t) : 0;
    if (it->code == SA_WAVG) {
        if (it->w->t == KJ) STREAM_DISPATCH(STREAM_WAVG_BODY, J, nj);
        else STREAM_DISPATCH(STREAM_WAVG_BODY, I, ni);
        return;
    }
    switch (it->x->t) {
    case KJ: STREAM_DISPATCH(STREAM_INT_BODY, J, nj); break;
    case KI: STREAM_DISPATCH(STREAM_INT_BODY, I, ni); break;
    default: if (ix) STREAM_FLOAT_BODY(STREAM_ROW_GATHER); else { cx += base * xw; STREAM_FLOAT_BODY(STREAM_ROW_RUN); } break;
    }
}

/* The finished column of item over ng groups, in key order; NULL when out of memory. */
static K stream_result(stream_item *it, J ng, K order)
{
    int fl = stream_out_float(it);
    if (!fl && it->code != SA_COUNT && it->x->t == KI) {
        /* int aggregates stay int (sum wraps as q's does); ±infinity starts are ±0Wi */
        K r = ktn(KI, ng);
        if (!r) return NULL;
        for (J k = 0; k < ng; k++) {
            J v = it->acc_j[kJ(order)[k]];
            kI(r)[k] = v == wj ? wi : v == -wj ? -wi : (I)(uint32_t)v;
        }
        return r;
    }
    K r = ktn(fl ? KF : KJ, ng);
    if (!r) return NULL;
    for (J k = 0; k < ng; k++) {
        J g = kJ(order)[k];
        if (!fl) kJ(r)[k] = it->acc_j[g];
        else if (it->code == SA_AVG || it->code == SA_WAVG) kF(r)[k] = it->aux_f[g] ? it->acc_f[g] / it->aux_f[g] : nf;
        else kF(r)[k] = it->acc_f[g];
    }
    return r;
}

static void stream_free(stream_item *items, int n)
{
    for (int i = 0; i < n; i++) {
        free(items[i].acc_j); free(items[i].acc_f); free(items[i].aux_f); free(items[i].seen);
    }
}

/* Hash one block's keys to group numbers. Returns -1 when memory runs out. */
static int stream_ids(K col, const J *ix, J base, J len, qsql_hash *h, K *firsts, I *ids,
                      J *last_key, I *last_id)
{
    const J *v = kJ(col);
    J lk = *last_key;
    I li = *last_id;
    const J *keys = h->key;
    const I *slots = h->id;
    J mask = h->cap - 1;
    int shift = h->shift;
    for (J k = 0; k < len; k++) {
        J row = ix ? ix[k] : base + k;
        J key = v[row];
        if (key != lk || li < 0) {  /* runs of one key skip the hash */
            J s = qsql_slot(key, shift);
            for (;;) {
                I id = slots[s];
                if (id >= 0 && keys[s] == key) { li = id; break; }
                if (id < 0) {
                    li = qsql_hash_add(h, key, row, firsts);
                    if (li < 0) return -1;
                    keys = h->key; slots = h->id; mask = h->cap - 1; shift = h->shift;
                    break;
                }
                s = (s + 1) & mask;
            }
            lk = key;
        }
        ids[k] = li;
    }
    *last_key = lk;
    *last_id = li;
    return 0;
}

/* Zero the sums of item's cap groups (a rerun of a fused loop). */
static void stream_reset(stream_item *it, J cap)
{
    memset(it->acc_j, 0, (size_t)cap * sizeof(J));
    memset(it->acc_f, 0, (size_t)cap * sizeof(F));
    memset(it->aux_f, 0, (size_t)cap * sizeof(F));
}

/* A new key met by the fused loops: its group number, with the item's arrays grown to
 * hold it; -1 when memory runs out. */
static I fused_new(stream_item *it, qsql_hash *h, J key, J row, K *firsts, J *cap)
{
    I id = qsql_hash_add(h, key, row, firsts);
    if (id < 0) return -1;
    if (h->n > *cap) {
        J ncap = *cap ? *cap * 2 : STREAM_START_GROUPS;
        if (stream_grow(it, *cap, ncap)) return -1;
        *cap = ncap;
    }
    return id;
}

/* Speed only: one count, sum, avg or wavg is folded in as each row's group is found,
 * with no block of group numbers in between, so the adds overlap the hash lookups as
 * in a hand-written loop. BODY reads row g (group) and row. Same results as the block
 * path: rows are added in the same order. */
#define FUSED_FN(NAME, DECL, BODY)                                                         \
    FUSED_LOOP(NAME##_all, DECL, BODY, k)                                                 \
    FUSED_LOOP(NAME##_some, DECL, BODY, all[k])                                           \
    static int NAME(stream_item *it, const J *v, const J *all, J m, qsql_hash *h,         \
                    K *firsts, J *cap)                                                    \
    {   /* two loops, so the common one (every row) carries no row list */              \
        return all ? NAME##_some(it, v, all, m, h, firsts, cap)                           \
                   : NAME##_all(it, v, all, m, h, firsts, cap);                           \
    }
/* The known-key loop is out of line and returns at a new key, so its registers hold only
 * its own values: inlined with the new-key path it reloaded columns and row count from
 * the stack every row and took a third longer. */
#define FUSED_LOOP(NAME, DECL, BODY, ROW)                                                  \
    static __attribute__((noinline)) J NAME##_known(stream_item *it, const J *restrict v, \
        const J *restrict all, J k, J m, const qsql_hash *h)                             \
    {   /* restrict: the sums never alias the columns or the table (we build with        \
           -fno-strict-aliasing, so without it every store reloads them) */              \
        DECL;                                                                             \
        J *restrict aj = it->acc_j;                                                       \
        F *restrict af = it->acc_f, *restrict ax = it->aux_f;                             \
        const J *restrict keys = h->key;                                                  \
        const I *restrict slots = h->id;                                                  \
        J mask = h->cap - 1;                                                              \
        int shift = h->shift;                                                             \
        (void)all; (void)aj; (void)af; (void)ax;                                          \
        for (; k < m; k++) {                                                              \
            J row = ROW, key = v[row], s = qsql_slot(key, shift);                         \
            I g;                                                                          \
            while ((g = slots[s]) >= 0 && keys[s] != key) s = (s + 1) & mask;             \
            if (g < 0) break;                                                             \
            BODY;                                                                         \
        }                                                                                 \
        return k;                                                                         \
    }                                                                                     \
    static int NAME(stream_item *it, const J *v, const J *all, J m, qsql_hash *h,         \
                    K *firsts, J *cap)                                                    \
    {   /* a new key is added, then the loop resumes on its row and now finds it */      \
        for (J k = 0; (k = NAME##_known(it, v, all, k, m, h)) < m;) {                     \
            J row = ROW;                                                                  \
            if (fused_new(it, h, v[row], row, firsts, cap) < 0) return -1;                \
        }                                                                                 \
        return 0;                                                                         \
    }

FUSED_FN(fused_count, (void)0, aj[g]++)
FUSED_FN(fused_sum_j, const J *restrict c = kJ(it->x), J x = c[row]; aj[g] += x != nj ? x : 0)
FUSED_FN(fused_sum_i, const I *restrict c = kI(it->x), I x = c[row]; aj[g] += x != ni ? x : 0)
FUSED_FN(fused_sum_f, const F *restrict c = kF(it->x), F x = c[row]; af[g] += x == x ? x : 0)
FUSED_FN(fused_avg_j, const J *restrict c = kJ(it->x),
         J x = c[row]; int ok = x != nj; af[g] += ok ? (F)x : 0; ax[g] += ok)
FUSED_FN(fused_avg_i, const I *restrict c = kI(it->x),
         I x = c[row]; int ok = x != ni; af[g] += ok ? (F)x : 0; ax[g] += ok)
FUSED_FN(fused_avg_f, const F *restrict c = kF(it->x),
         F x = c[row]; int ok = x == x; af[g] += ok ? x : 0; ax[g] += ok)
/* wavg without null tests, which cost half the loop: a null weight becomes NaN and a
 * null value is NaN, so either leaves a NaN sum (fused_nan), and the caller then starts
 * again with the careful loop (nulls are rare in ticks). No flag is carried from row to
 * row: a flag in a register spilled to the stack made every row wait for the last. */
FUSED_FN(fused_wavg_j_fast, const J *restrict wt = kJ(it->w); const F *restrict c = kF(it->x),
         J a = wt[row]; F fa = a != nj ? (F)a : (F)NAN; af[g] += fa * c[row]; ax[g] += fa)
FUSED_FN(fused_wavg_i_fast, const I *restrict wt = kI(it->w); const F *restrict c = kF(it->x),
         I a = wt[row]; F fa = a != ni ? (F)a : (F)NAN; af[g] += fa * c[row]; ax[g] += fa)

/* Did a fast loop leave a NaN sum (a null value) in the first ng groups? */
static int fused_nan(const stream_item *it, J ng)
{
    for (J g = 0; g < ng; g++) if (it->acc_f[g] != it->acc_f[g]) return 1;
    return 0;
}
FUSED_FN(fused_wavg_j, const J *restrict wt = kJ(it->w); const F *restrict c = kF(it->x),
         J a = wt[row]; F b = c[row]; int ok = (a != nj) & (b == b);
         F fa = ok ? (F)a : 0; af[g] += ok ? fa * b : 0; ax[g] += fa)
FUSED_FN(fused_wavg_i, const I *restrict wt = kI(it->w); const F *restrict c = kF(it->x),
         I a = wt[row]; F b = c[row]; int ok = (a != ni) & (b == b);
         F fa = ok ? (F)a : 0; af[g] += ok ? fa * b : 0; ax[g] += fa)

typedef int (*fused_fn)(stream_item *, const J *, const J *, J, qsql_hash *, K *, J *);

/* The loop to try first for item, when it has one that skips null tests. */
static fused_fn fused_pick_fast(const stream_item *it)
{
    if (it->code != SA_WAVG) return NULL;
    return it->w->t == KJ ? fused_wavg_j_fast : fused_wavg_i_fast;
}

/* The fused loop for item, or NULL when it takes the block path. */
static fused_fn fused_pick(const stream_item *it)
{
    switch (it->code) {
    case SA_COUNT: return fused_count;
    case SA_SUM: return it->x->t == KJ ? fused_sum_j : it->x->t == KI ? fused_sum_i : fused_sum_f;
    case SA_AVG: return it->x->t == KJ ? fused_avg_j : it->x->t == KI ? fused_avg_i : fused_avg_f;
    case SA_WAVG: return it->w->t == KJ ? fused_wavg_j : fused_wavg_i;
    default: return NULL;
    }
}

K qsql_agg_stream(qsql_table *tb, K b, K a, K idx, J m)
{
    if (b->t != XD || a->t != XD || kK(b)[0]->n != 1 || kK(a)[0]->n > STREAM_MAX_ITEMS) return NULL;
    K btree = qsql_phrase_item(b, 0);
    J bc = btree->t == -KS ? qsql_col_find(tb, btree->s) : -1;
    r0(btree);
    if (bc < 0 || m > INT32_MAX) return NULL;
    K col = kK(tb->cols)[bc];
    if (qsql_width(col->t) != 8) return NULL;
    stream_item items[STREAM_MAX_ITEMS];
    int n = (int)kK(a)[0]->n;
    for (int i = 0; i < n; i++) {
        K tree = qsql_phrase_item(a, i);
        int bad = stream_plan(tb, tree, &items[i]);
        r0(tree);
        if (bad) return NULL;
    }
    qsql_hash h;
    if (qsql_hash_init(&h, STREAM_HASH_START)) return krr("wsfull");
    K firsts = ktn(KJ, 0);
    if (!firsts) { qsql_hash_fini(&h); return krr("wsfull"); }
    J cap = 0, last_key = 0;
    I last_id = -1, ids[STREAM_BLOCK];
    const J *all = idx ? kJ(idx) : NULL;
    K err = NULL;
    fused_fn fused = n == 1 ? fused_pick(&items[0]) : NULL;
    fused_fn fast = fused ? fused_pick_fast(&items[0]) : NULL;
    int rc = fast ? fast(&items[0], kJ(col), all, m, &h, &firsts, &cap) : 1;
    if (rc == 0 && fused_nan(&items[0], h.n)) rc = 1;
    if (rc == 1 && fused) {  /* no fast loop, or it met a null: the sums start again */
        if (cap) stream_reset(&items[0], cap);
        rc = fused(&items[0], kJ(col), all, m, &h, &firsts, &cap);
    }
    if (fused && rc < 0) err = krr("wsfull");
    for (J base = 0; !fused && base < m && !err; base += STREAM_BLOCK) {
        J len = m - base < STREAM_BLOCK ? m - base : STREAM_BLOCK;
        const J *ix = all ? all + base : NULL;
        if (stream_ids(col, ix, base, len, &h, &firsts, ids, &last_key, &last_id)) { err = krr("wsfull"); break; }
        if (h.n > cap) {
            J ncap = cap ? cap : STREAM_START_GROUPS;
            while (ncap < h.n) ncap *= 2;
            for (int i = 0; i < n && !err; i++) if (stream_grow(&items[i], cap, ncap)) err = krr("wsfull");
            cap = ncap;
        }
        for (int i = 0; i < n && !err; i++) stream_block(&items[i], ids, ix, base, len);
    }
    qsql_hash_fini(&h);
    if (err) { stream_free(items, n); r0(firsts); return err; }
    J ng = firsts->n;
    K first_keys = qsql_gather(col, firsts);
    r0(firsts);
    if (IS_ERR(first_keys)) { stream_free(items, n); return first_keys; }
    K keys = knk(1, first_keys);
    if (!keys) { stream_free(items, n); return krr("wsfull"); }
    K order = qsql_key_order(keys);
    if (IS_ERR(order)) { stream_free(items, n); r0(keys); return order; }
    K sorted = qsql_gather(kK(keys)[0], order);
    r0(keys);
    K vals = IS_ERR(sorted) ? NULL : ktn(0, n);
    for (int i = 0; vals && i < n; i++)
        if (!(kK(vals)[i] = stream_result(&items[i], ng, order))) { vals->n = i; r0(vals); vals = NULL; }
    stream_free(items, n);
    r0(order);
    if (!vals) { if (IS_ERR(sorted)) return sorted; r0(sorted); return krr("wsfull"); }
    K keyt = xT(xD(r1(kK(b)[0]), knk(1, sorted)));
    K valt = xT(xD(r1(kK(a)[0]), vals));
    if (!keyt || !valt) { if (keyt) r0(keyt); if (valt) r0(valt); return krr("length"); }
    return xD(keyt, valt);
}
