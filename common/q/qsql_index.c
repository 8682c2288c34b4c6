/* qsql_index.c: the `g# index of a symbol vector (q-subset.md §3.16): symbol → ascending
 * row list, attached to the vector through k.c's aux word and freed with it. It is brought
 * up to date incrementally (only rows appended since the last use are read), so appends
 * in place (insert, upsert, the RDB's jv) keep it without a rebuild. Used by where
 * (qsql.c) and grouping (qsql_group.c).
 * SPDX-License-Identifier: MIT */
#include "k_int.h"
#include "q_int.h"
#include "qsql_int.h"

#include <stdlib.h>
#include <string.h>

#define QSQL_INDEX_SLOTS 64       /* first hash size: a power of two */
#define QSQL_INDEX_LIST_MIN 16    /* first capacity of a row list */

typedef struct qsql_index_list {
    J *row; /* ascending row numbers holding the symbol */
    J n;    /* rows held */
    J cap;  /* rows allocated */
} qsql_index_list;

struct qsql_index {
    J rows;                 /* items of the vector indexed so far */
    S last;                 /* item rows-1 when indexed: rows rewritten in place show */
    J ngroups;              /* distinct symbols seen */
    J cap_groups;           /* entries allocated in keys and lists */
    S *keys;                /* each group's symbol, by first appearance */
    qsql_index_list *lists; /* each group's rows */
    S *slot_key;            /* open-addressing table: symbol per slot (NULL: empty) */
    I *slot_id;             /* group number per slot */
    J slots;                /* a power of two */
    int shift;              /* 64 - log2(slots): the slot is the top bits of the mixed key */
};

static void qsql_index_clear(qsql_index *ix)
{
    for (J g = 0; g < ix->ngroups; g++) free(ix->lists[g].row);
    free(ix->keys);
    free(ix->lists);
    free(ix->slot_key);
    free(ix->slot_id);
    memset(ix, 0, sizeof *ix);
}

/* k_aux_release for the vectors that carry an index. */
static void qsql_index_release(void *aux)
{
    qsql_index_clear(aux);
    free(aux);
}

static int qsql_index_rehash(qsql_index *ix, J slots)
{
    S *keys = calloc((size_t)slots, sizeof(S));
    I *ids = malloc((size_t)slots * sizeof(I));
    if (!keys || !ids) { free(keys); free(ids); return -1; }
    int shift = 64;
    for (J s = slots; s > 1; s >>= 1) shift--;
    for (J g = 0; g < ix->ngroups; g++) {
        J s = qsql_slot((J)(intptr_t)ix->keys[g], shift);
        while (keys[s]) s = (s + 1) & (slots - 1);
        keys[s] = ix->keys[g];
        ids[s] = (I)g;
    }
    free(ix->slot_key);
    free(ix->slot_id);
    ix->slot_key = keys;
    ix->slot_id = ids;
    ix->slots = slots;
    ix->shift = shift;
    return 0;
}

/* A new group for sym (not yet present). Its number, or -1 when memory runs out. */
static I qsql_index_add_group(qsql_index *ix, S sym)
{
    if (ix->ngroups == ix->cap_groups) {
        J cap = ix->cap_groups ? ix->cap_groups * 2 : QSQL_INDEX_SLOTS;
        S *keys = realloc(ix->keys, (size_t)cap * sizeof(S));
        if (!keys) return -1;
        ix->keys = keys;
        qsql_index_list *lists = realloc(ix->lists, (size_t)cap * sizeof *lists);
        if (!lists) return -1;
        ix->lists = lists;
        ix->cap_groups = cap;
    }
    /* keep the table at most half full */
    if ((ix->ngroups + 1) * 2 > ix->slots && qsql_index_rehash(ix, ix->slots * 2)) return -1;
    J g = ix->ngroups++;
    ix->keys[g] = sym;
    ix->lists[g] = (qsql_index_list){ NULL, 0, 0 };
    J s = qsql_slot((J)(intptr_t)sym, ix->shift);
    while (ix->slot_key[s]) s = (s + 1) & (ix->slots - 1);
    ix->slot_key[s] = sym;
    ix->slot_id[s] = (I)g;
    return (I)g;
}

/* sym's group number, or -1 when absent. */
static I qsql_index_find(const qsql_index *ix, S sym)
{
    if (!ix->slots) return -1;
    J s = qsql_slot((J)(intptr_t)sym, ix->shift);
    for (;;) {
        S k = ix->slot_key[s];
        if (!k) return -1;
        if (k == sym) return ix->slot_id[s];
        s = (s + 1) & (ix->slots - 1);
    }
}

static int qsql_index_push(qsql_index_list *l, J row)
{
    if (l->n == l->cap) {
        J cap = l->cap ? l->cap + l->cap / 2 : QSQL_INDEX_LIST_MIN;
        J *more = realloc(l->row, (size_t)cap * sizeof(J));
        if (!more) return -1;
        l->row = more;
        l->cap = cap;
    }
    l->row[l->n++] = row;
    return 0;
}

/* Index items [ix->rows, col->n). Returns 0, or -1 when memory runs out. */
static int qsql_index_extend(qsql_index *ix, K col)
{
    if (!ix->slots && qsql_index_rehash(ix, QSQL_INDEX_SLOTS)) return -1;
    const S *v = kS(col);
    J n = col->n;
    S run = NULL;
    I id = -1;
    for (J r = ix->rows; r < n; r++) {
        /* speed only: a run of one symbol skips the hash */
        if (v[r] != run || id < 0) {
            run = v[r];
            id = qsql_index_find(ix, run);
            if (id < 0 && (id = qsql_index_add_group(ix, run)) < 0) { ix->rows = r; return -1; }
        }
        if (qsql_index_push(&ix->lists[id], r)) { ix->rows = r; return -1; }
    }
    ix->rows = n;
    ix->last = n ? v[n - 1] : NULL;
    return 0;
}

qsql_index *qsql_index_get(K col)
{
    if (!col || col->t != KS || col->a != K_ATTR_GROUPED || col->m != K_MEM_HEAP) return NULL;
    qsql_index *ix = k_aux_get(col);
    if (!ix) {
        ix = calloc(1, sizeof *ix);
        if (!ix) return NULL;
        k_aux_release = qsql_index_release;
        if (k_aux_set(col, ix)) { free(ix); return NULL; }
    }
    /* shrunk or rewritten in place (which drops `g# in q, so should not happen): rebuild */
    if (col->n < ix->rows || (ix->rows && kS(col)[ix->rows - 1] != ix->last)) qsql_index_clear(ix);
    if (ix->rows < col->n && qsql_index_extend(ix, col)) {
        qsql_index_clear(ix);   /* no memory: answer by scanning, try again next time */
        return NULL;
    }
    return ix;
}

/* Rows of many symbols: each hit list marks its rows in a byte per row, then one sweep
 * collects them in order (a merge of many lists would cost more than the sweep). */
static K qsql_index_rows_marked(qsql_index *ix, K col, const S *want, J nw)
{
    J n = col->n, total = 0;
    G *mark = calloc((size_t)n + 1, 1);
    if (!mark) return NULL;
    for (J k = 0; k < nw; k++) {
        I g = qsql_index_find(ix, want[k]);
        if (g < 0) continue;
        const qsql_index_list *l = &ix->lists[g];
        for (J j = 0; j < l->n; j++) { total += !mark[l->row[j]]; mark[l->row[j]] = 1; }
    }
    K out = ktn(KJ, total);
    if (!out) { free(mark); return NULL; }
    J *o = kJ(out), at = 0;
    for (J r = 0; r < n && at < total; r++) if (mark[r]) o[at++] = r;
    free(mark);
    return out;
}

K qsql_index_rows(K col, const S *want, J nw)
{
    qsql_index *ix = qsql_index_get(col);
    if (!ix) return NULL;
    if (nw > QSQL_SCAN_KEYS) return qsql_index_rows_marked(ix, col, want, nw);
    const qsql_index_list *hit[QSQL_SCAN_KEYS];
    J nhit = 0, total = 0;
    for (J k = 0; k < nw; k++) {
        I g = qsql_index_find(ix, want[k]);
        if (g < 0) continue;
        int dup = 0;
        for (J j = 0; j < nhit; j++) dup |= hit[j] == &ix->lists[g];
        if (dup) continue;
        hit[nhit++] = &ix->lists[g];
        total += ix->lists[g].n;
    }
    K out = ktn(KJ, total);
    J *o = kJ(out);
    if (nhit == 1) { memcpy(o, hit[0]->row, (size_t)total * sizeof(J)); return out; }
    /* merge the ascending lists: few of them, so a linear pick of the least head */
    J at[QSQL_SCAN_KEYS] = { 0 };
    for (J k = 0; k < total; k++) {
        J best = -1, bv = 0;
        for (J j = 0; j < nhit; j++)
            if (at[j] < hit[j]->n && (best < 0 || hit[j]->row[at[j]] < bv)) { best = j; bv = hit[j]->row[at[j]]; }
        o[k] = bv;
        at[best]++;
    }
    return out;
}

int qsql_index_ids(K col, J m, K *ids, K *first)
{
    if (m != col->n || m > INT32_MAX) return -1;
    qsql_index *ix = qsql_index_get(col);
    if (!ix) return -1;
    K out = ktn(KI, m), firsts = ktn(KJ, ix->ngroups);
    I *o = kI(out);
    for (J g = 0; g < ix->ngroups; g++) {
        const qsql_index_list *l = &ix->lists[g];
        for (J k = 0; k < l->n; k++) o[l->row[k]] = (I)g;
        kJ(firsts)[g] = l->row[0];
    }
    /* groups are numbered by first appearance, as qsql_hash_ids numbers them */
    *ids = out;
    *first = firsts;
    return 0;
}
