/* prim_set.c: the list-building and searching operators , # _ ! ? ^ and the keywords
 * in within except inter union cut sublist bin tables and ?[c;a;b] (q-subset.md §3.11,
 * 3.12, 3.14, 3.19). Unary list keywords are prim_list.c's.
 * SPDX-License-Identifier: MIT */
#include "replay.h"
#include "ser.h"
#include "q_int.h"
#include "prim_int.h"
#include "prim_fns.h"
#include "table.h"
#include "prim_list.h"
#include "eval_int.h"

#include <stdio.h>
#include <stdlib.h>
#include "q.h"
#include "fmt.h"
#include <string.h>

#define SET_RAND_MULT 6364136223846793005ULL
#define SET_RAND_INC 1442695040888963407ULL
#define SET_RAND_SHIFT 11
#define SET_RAND_SCALE (1.0 / 9007199254740992.0)
#define SET_ALPHABET 26
#define SET_SYM_MAX_LETTERS 8   /* n?`8 at the most, as q */
#define SET_SYM_TRIES 64        /* redraws of a symbol a deal already holds */

static uint64_t set_seed = 42;

uint64_t prim_rand_next(void)
{
    set_seed = set_seed * SET_RAND_MULT + SET_RAND_INC;
    return set_seed >> SET_RAND_SHIFT;
}

void prim_rand_seed(J seed) { set_seed = (uint64_t)seed; }

static K set_as_list(K x) { return x->t < 0 ? prim_enlist(x) : r1(x); }

K prim_join(K x, K y)
{
    if (table_is_keyed(x) && table_is_keyed(y)) return table_upsert(x, y);
    if (x->t == XD && y->t == XD) {
        K r = r1(x);
        K keys = kK(y)[0];
        for (J i = 0; i < keys->n && !IS_ERR(r); i++) {
            K k = prim_item(keys, i), v = prim_item(kK(y)[1], i);
            r = eval_amend(r, &k, 1, NULL, v);
            r0(k); r0(v);
        }
        return r;
    }
    if (x->t == XT && y->t == XT) {
        K kx = kK(x->k)[0], ky = kK(y->k)[0];
        if (!k_match(kx, ky)) return krr("mismatch");
        K cols = ktn(0, kx->n);
        if (!cols) return krr("wsfull");
        for (J c = 0; c < kx->n; c++) kK(cols)[c] = prim_join(kK(kK(x->k)[1])[c], kK(kK(y->k)[1])[c]);
        K t = xT(xD(r1(kx), cols));
        return t ? t : krr("length");
    }
    /* (),t and t,() give t: an upsert into a name not yet defined (§7 S140) */
    if (x->t == 0 && x->n == 0 && (y->t == XT || y->t == XD)) return r1(y);
    if (y->t == 0 && y->n == 0 && (x->t == XT || x->t == XD)) return r1(x);
    if (x->t == XT || y->t == XT || x->t == XD || y->t == XD) return krr("type");
    if (x->t > XD) { K l = knk(1, r1(x)); K r = l ? prim_join(l, y) : krr("wsfull"); r0(l); return r; }
    if (y->t > XD) { K l = knk(1, r1(y)); K r = l ? prim_join(x, l) : krr("wsfull"); r0(l); return r; }
    int tx = x->t < 0 ? -x->t : x->t, ty = y->t < 0 ? -y->t : y->t;
    J nx = x->t < 0 ? 1 : x->n, ny = y->t < 0 ? 1 : y->n;
    if (tx == ty && tx != 0) {
        K r = ktn(tx, nx + ny);
        if (!r) return krr("wsfull");
        int w = k_item_size(tx);
        memcpy(kG(r), x->t < 0 ? k_atom_bytes(x) : kG(x), (size_t)(nx * w));
        memcpy(kG(r) + nx * w, y->t < 0 ? k_atom_bytes(y) : kG(y), (size_t)(ny * w));
        return r;
    }
    if (x->t == 0 && nx == 0 && y->t != 0) return y->t > 0 ? r1(y) : prim_enlist(y);
    if (y->t == 0 && ny == 0 && x->t != 0) return x->t > 0 ? r1(x) : prim_enlist(x);
    K r = ktn(0, nx + ny);
    if (!r) return krr("wsfull");
    for (J i = 0; i < nx; i++) kK(r)[i] = x->t < 0 ? r1(x) : prim_item(x, i);
    for (J i = 0; i < ny; i++) kK(r)[nx + i] = y->t < 0 ? r1(y) : prim_item(y, i);
    return r;
}

static J set_int(K x, int *ok)
{
    *ok = 1;
    switch (x->t) {
    case -KJ: return x->j;
    case -KI: return x->i;
    case -KH: return x->h;
    case -KB: case -KG: return x->g;
    default: *ok = 0; return 0;
    }
}

static K set_attr(K x, K y)
{
    static const char *const names[] = { "", "s", "u", "p", "g" };
    for (int a = 0; a <= K_ATTR_GROUPED; a++) {
        if (strcmp(x->s, names[a])) continue;
        if (y->t == XD && a == K_ATTR_SORTED && kK(y)[0]->t > 0 && kK(y)[0]->t < XT) {
            /* `s#d: a step dictionary — keys checked ascending and marked (eval_dict_index) */
            K keys = set_attr(x, kK(y)[0]);
            if (IS_ERR(keys)) return keys;
            K d = xD(keys, r1(kK(y)[1]));
            return d ? d : krr("wsfull");
        }
        if (y->t <= 0 || y->t >= XT) return y->t == XT || y->t == XD ? r1(y) : krr("type");
        if (a == K_ATTR_SORTED) {
            for (J i = 1; i < y->n; i++) {
                K p = prim_item(y, i - 1), c = prim_item(y, i);
                K lt = prim_arith(PRIM_OP_LT, c, p);
                int bad = !IS_ERR(lt) && lt->g;
                r0(p); r0(c); r0(lt);
                if (bad) return krr("s-fail");
            }
        }
        if (a == K_ATTR_UNIQUE) {
            K d = prim_distinct(y);
            int bad = IS_ERR(d) || d->n != y->n;
            r0(d);
            if (bad) return krr("u-fail");
        }
        K r = k_unshare(r1(y));
        r->a = (signed char)a;
        return r;
    }
    return krr("domain");
}

K prim_take(K x, K y)
{
    if (x->t == -KS && y->t != XD && y->t != XT) return set_attr(x, y);
    if (x->t == -KS && y->t == XD && !strcmp(x->s, "s")) return set_attr(x, y);  /* step dict */
    if ((x->t == KS || x->t == -KS) && (y->t == XD || y->t == XT)) {
        if (y->t == XT) {
            K names = set_as_list(x);
            K cols = ktn(0, names->n);
            if (!cols) { r0(names); return krr("wsfull"); }
            for (J i = 0; i < names->n; i++) {
                K s = ks(kS(names)[i]);
                kK(cols)[i] = eval_index(y, s);
                r0(s);
                if (IS_ERR(kK(cols)[i])) { K e = r1(kK(cols)[i]); r0(cols); r0(names); return e; }
            }
            K t = xT(xD(names, cols));
            return t ? t : krr("length");
        }
        K keys = set_as_list(x);
        K vals = eval_index(y, keys);
        return IS_ERR(vals) ? (r0(keys), vals) : xD(keys, vals);
    }
    if ((x->t == KJ || x->t == KI) && x->n == 2) {  /* 2 5#y: a matrix, y taken cyclically */
        J rows = prim_get_j(x, 0), cols = prim_get_j(x, 1);
        if (rows < 0 || cols < 0 || rows == nj || cols == nj) return krr("nyi");
        if (rows > PRIM_MAX_ITEMS / (cols ? cols : 1)) return krr("limit");
        K total = kj(rows * cols), flat = prim_take(total, y);
        r0(total);
        if (IS_ERR(flat)) return flat;
        K r = ktn(0, rows);
        if (!r) { r0(flat); return krr("wsfull"); }
        for (J i = 0; i < rows; i++) kK(r)[i] = prim_list_range(flat, i * cols, cols);
        r0(flat);
        return r;
    }
    int ok;
    J n = set_int(x, &ok);
    if (!ok) return krr("type");
    if (n == nj) return krr("nyi");
    J an = n == nj ? wj : n < 0 ? -n : n;
    if (an > PRIM_MAX_ITEMS) return krr("limit");
    if (eval_work_charge(y->t == 0 ? an : an >> EVAL_WORK_VECTOR_SHIFT)) return krr("limit");
    if (y->t < 0 || y->t >= K_LAMBDA) {
        if (y->t >= K_LAMBDA) return krr("type");
        K r = ktn(-y->t, an);
        if (!r) return krr("wsfull");
        int w = k_item_size(-y->t);
        for (J i = 0; i < an; i++) memcpy(kG(r) + i * w, k_atom_bytes(y), (size_t)w);
        return r;
    }
    J cnt = prim_list_count(y);
    J *idx = malloc((size_t)(an ? an : 1) * sizeof(J));
    if (!idx) return krr("wsfull");
    if (cnt == 0 && an > 0) {
        free(idx);
        if (y->t == 0) {
            K r = ktn(0, an);
            if (!r) return krr("wsfull");
            for (J i = 0; i < an; i++) if (!(kK(r)[i] = ktn(0, 0))) { r0(r); return krr("wsfull"); }
            return r;
        }
        K r = ktn(y->t, an);
        if (!r) return krr("wsfull");
        K nul = prim_null_of(y->t);
        if (IS_ERR(nul)) { r0(r); return nul; }
        int w = k_item_size(y->t);
        for (J i = 0; i < an; i++) memcpy(kG(r) + i * w, k_atom_bytes(nul), (size_t)w);
        r0(nul);
        return r;
    }
    for (J i = 0; i < an; i++)
        idx[i] = n >= 0 ? i % cnt : ((cnt - an % cnt) % cnt + i) % cnt;
    K r = prim_list_select(y, idx, an);
    free(idx);
    return r;
}

K prim_drop(K x, K y)
{
    int ok;
    if (x->t == XD && y->t != XD) {
        K ks_ = set_as_list(y);
        K keys = kK(x)[0];
        J *idx = malloc((size_t)(keys->n ? keys->n : 1) * sizeof(J));
        if (!idx) { r0(ks_); return krr("wsfull"); }
        J k = 0;
        for (J i = 0; i < keys->n; i++) {
            if (prim_list_find_charge(ks_)) { free(idx); r0(ks_); return krr("limit"); }
            K item = prim_item(keys, i);
            if (prim_list_find(ks_, item) == ks_->n) idx[k++] = i;
            r0(item);
        }
        K r = prim_list_select(x, idx, k);
        free(idx);
        r0(ks_);
        return r;
    }
    if ((x->t == -KS || x->t == KS) && (y->t == XD || y->t == XT)) {
        if (y->t == XT) {
            K d = prim_drop(y->k, x);
            if (IS_ERR(d)) return d;
            K t = xT(d);
            return t ? t : krr("length");
        }
        return prim_drop(y, x);
    }
    J n = set_int(x, &ok);
    if (ok && y->t >= 0 && y->t != XD + 1) {
        J cnt = prim_list_count(y);
        J an = n == nj ? wj : n < 0 ? -n : n;
        if (an > cnt) an = cnt;
        return prim_list_range(y, n >= 0 ? an : 0, cnt - an);
    }
    if (x->t > 0 && x->t < XT) {
        J i = set_int(y, &ok);
        if (ok) {
            if (i < 0 || i >= x->n) return r1(x);
            K a = prim_list_range(x, 0, i), b = prim_list_range(x, i + 1, x->n - i - 1);
            K r = prim_join(a, b);
            r0(a); r0(b);
            return r;
        }
        if (x->t == KJ || x->t == KI) return prim_cut(x, y);
    }
    return krr("type");
}

K prim_cut(K x, K y)
{
    int ok;
    J n = set_int(x, &ok);
    J cnt = prim_list_count(y);
    K r = ktn(0, 0);
    if (!r) return krr("wsfull");
    if (ok) {
        if (n <= 0) { r0(r); return krr("domain"); }
        for (J i = 0; i < cnt; i += n) jk(&r, prim_list_range(y, i, i + n > cnt ? cnt - i : n));
        return r;
    }
    if (x->t != KJ && x->t != KI) { r0(r); return krr("type"); }
    for (J k = 0; k < x->n; k++) {
        J from = prim_get_j(x, k), to = k + 1 < x->n ? prim_get_j(x, k + 1) : cnt;
        if (from < 0 || to < from || to > cnt) { r0(r); return krr("domain"); }
        jk(&r, prim_list_range(y, from, to - from));
    }
    return r;
}

/* Internal functions -n!y (q-subset.md §3.18): serialise, deserialise, compress and
 * replay a journal. Ownership: y borrowed; returns new. */
static K prim_internal(J n, K y)
{
    switch (n) {
    case -8: return b9(-1, y);
    case -9: return y->t == KG ? d9(y) : krr("type");
    case -18: return b9(SER_MAX_CAPABILITY, y);
    case -11: return q_replay(y);
    case -3: return fmt_line(y);
    default: return krr("nyi");
    }
}

K prim_bang(K x, K y)
{
    int ok;
    J n = set_int(x, &ok);
    if (x->t == -KJ && x->j == nj) {
        /* 0N!y prints y in the single-line form and returns it (q-subset.md §3.18) */
        K s = fmt_line(y);
        if (s && s->t == KC) { fwrite(kC(s), 1, (size_t)s->n, stdout); fputc('\n', stdout); fflush(stdout); }
        r0(s);
        return r1(y);
    }
    if (ok && n < 0 && x->t < 0) return prim_internal(n, y);
    if (ok && n >= 0 && x->t < 0 && y->t == -KS) {
        /* n!`t keys (0: unkeys) the global in place and returns the name */
        K v = eval_global_get(y->s);
        if (!v) return krr(y->s);
        K r = v->t == -KS ? krr("type") : prim_bang(x, v);   /* not a name again: a:`a */
        r0(v);
        if (IS_ERR(r)) return r;
        if (eval_global_set(y->s, r)) return krr("wsfull");
        return r1(y);
    }
    if (ok && y->t == XT) {
        if (n == 0) return r1(y);
        if (n < 0) return krr("domain");
        K keyed = knt(n, r1(y));   /* NULL when n leaves no value column */
        return keyed ? keyed : krr("length");
    }
    if (ok && y->t == XD && n == 0) {
        K t = ktd(r1(y));
        return t ? t : krr("type");
    }
    /* keys and values must be lists (vectors, general lists or tables) of equal count */
    int x_ok = x->t < XT || x->t == XT, y_ok = y->t < XT || y->t == XT;
    if (!x_ok || !y_ok || x->t == KERR || y->t == KERR) return krr("type");
    K kx = set_as_list(x), vy = set_as_list(y);
    if (prim_list_count(kx) != prim_list_count(vy)) { r0(kx); r0(vy); return krr("length"); }
    return xD(kx, vy);
}

/* n?`L (L one digit, 1..8): n random symbols of L letters a..p; deal when distinct. */
static K set_roll_syms(J an, int deal, int len)
{
    K r = ktn(KS, an);
    if (!r) return krr("wsfull");
    for (J i = 0; i < an; i++) {
        char text[SET_SYM_MAX_LETTERS + 1];
        for (int tries = 0;; tries++) {
            uint64_t bits = prim_rand_next();
            for (int k = 0; k < len; k++, bits >>= 4) text[k] = (char)('a' + (bits & 15));
            text[len] = 0;
            S s = ss(text);
            int dup = 0;
            for (J j = 0; deal && j < i && !dup; j++) dup = kS(r)[j] == s;
            if (!dup || tries > SET_SYM_TRIES) { kS(r)[i] = s; break; }
        }
    }
    return r;
}

/* n?0Ng: n random guids (random bytes). */
static K set_roll_guids(J an)
{
    K r = ktn(UU, an);
    if (!r) return krr("wsfull");
    for (J i = 0; i < an; i++)  /* a draw has fewer than 64 random bits: 4 bytes each */
        for (int k = 0; k < 16; k += 4) {
            uint32_t v = (uint32_t)prim_rand_next();
            memcpy(kU(r)[i].g + k, &v, 4);
        }
    return r;
}

/* Roll and deal (§3.19); 0N?y is a permutation (deal of all). */
static K set_roll(J n, K y)
{
    if (n == nj) {
        int whole;
        J all = set_int(y, &whole);
        if (whole) n = -all;
        else if (y->t >= 0 && y->t < XT) n = -y->n;
        else return krr("type");
        if (n > 0) return krr("domain");
    }
    int deal = n < 0;
    J an = deal ? -n : n;
    if (an > PRIM_MAX_ITEMS) return krr("limit");
    int ok;
    J range = set_int(y, &ok);
    if (y->t == -KF) {
        K r = ktn(KF, an);
        if (!r) return krr("wsfull");
        for (J i = 0; i < an; i++) kF(r)[i] = (F)prim_rand_next() * SET_RAND_SCALE * y->f;
        return r;
    }
    if (y->t == -KB) {
        K r = ktn(KB, an);
        if (!r) return krr("wsfull");
        for (J i = 0; i < an; i++) kG(r)[i] = (G)(prim_rand_next() & 1);
        return r;
    }
    if (y->t < 0 && prim_is_temporal(-y->t) && y->t != -KZ) {
        K u = prim_to_long(y);
        K idx = set_roll(n, u);
        r0(u);
        return IS_ERR(idx) ? idx : prim_conv_result(idx, -y->t);
    }
    if (y->t == -KS && y->s[0] >= '1' && y->s[0] <= '0' + SET_SYM_MAX_LETTERS && !y->s[1])
        return set_roll_syms(an, deal, y->s[0] - '0');
    if (y->t == -UU) return set_roll_guids(an);
    if (y->t == -KC) {
        K r = ktn(KC, an);
        if (!r) return krr("wsfull");
        for (J i = 0; i < an; i++) kC(r)[i] = (G)('a' + prim_rand_next() % SET_ALPHABET);
        return r;
    }
    K src = NULL;
    if (!ok) {
        if (y->t < 0 || y->t >= XT) return krr("type");
        src = y;
        range = y->n;
    }
    if (range <= 0 && an) return krr("domain");
    if (deal && an > range) return krr("length");
    K idx = ktn(KJ, an);
    if (!idx) return krr("wsfull");
    if (deal) {
        J *perm = malloc((size_t)(range ? range : 1) * sizeof(J));
        if (!perm) { r0(idx); return krr("wsfull"); }
        for (J i = 0; i < range; i++) perm[i] = i;
        for (J i = 0; i < an; i++) {
            J j = i + (J)(prim_rand_next() % (uint64_t)(range - i));
            J t = perm[i]; perm[i] = perm[j]; perm[j] = t;
            kJ(idx)[i] = perm[i];
        }
        free(perm);
    } else {
        for (J i = 0; i < an; i++) kJ(idx)[i] = (J)(prim_rand_next() % (uint64_t)range);
    }
    if (!src) {
        if (y->t == -KJ) return idx;
        K r = prim_conv_result(idx, -y->t);
        return r;
    }
    K r = eval_index(src, idx);
    r0(idx);
    return r;
}

K prim_find(K x, K y)
{
    int ok;
    J n = set_int(x, &ok);
    if (ok && x->t != -KB) return set_roll(n, y);
    if (x->t == XD) {
        J i = prim_list_find(kK(x)[1], y);
        K keys = kK(x)[0];
        return i < keys->n ? prim_item(keys, i) : prim_null_of(keys->t > 0 ? keys->t : KS);
    }
    if (x->t == -KS && !x->u) return prim_enum_extend(x->s, y);  /* `sym?y */
    if (x->t < 0 || x->t >= XT) return krr("type");
    if (y->t >= 0 && y->t < XT && (x->t != 0 || y->t == 0) && !(x->t == 0 && y->t == 0 && 0)) {
        if (x->t != 0 || y->t == 0) {
            K hashed = prim_hash_find(x, y);
            if (hashed) return hashed;
            K r = ktn(KJ, y->n);
            if (!r) return krr("wsfull");
            for (J i = 0; i < y->n; i++) {
                if (prim_list_find_charge(x)) { r0(r); return krr("limit"); }
                K item = prim_item(y, i);
                kJ(r)[i] = prim_list_find(x, item);
                r0(item);
            }
            return r;
        }
    }
    return kj(prim_list_find(x, y));
}

K prim_fill(K x, K y)
{
    if (x->t == XD && y->t == XD && !table_is_keyed(x)) {
        /* d^e: e's non-null values over d, keys of both (q-subset.md §3.13) */
        K r = r1(x);
        K keys = kK(y)[0];
        for (J i = 0; i < keys->n && !IS_ERR(r); i++) {
            if (prim_is_null_item(kK(y)[1], i) && kK(y)[1]->t > 0) {
                K k = prim_item(keys, i);
                K have = prim_find(kK(x)[0], k);
                int known = !IS_ERR(have) && have->t == -KJ && have->j < kK(x)[0]->n;
                r0(have);
                if (known) { r0(k); continue; }
                r0(k);
            }
            K k = prim_item(keys, i), v = prim_item(kK(y)[1], i);
            K next = eval_amend(r, &k, 1, NULL, v);
            r0(k); r0(v);
            r = next;
        }
        return r;
    }
    if (y->t == 0 || y->t == XD) {
        K r = ktn(0, y->t == XD ? 0 : y->n);
        if (!r) return krr("wsfull");
        if (y->t == XD) {
            K v = prim_fill(x, kK(y)[1]);
            r0(r);
            return IS_ERR(v) ? v : xD(r1(kK(y)[0]), v);
        }
        for (J i = 0; i < y->n; i++) kK(r)[i] = prim_fill(x, kK(y)[i]);
        return prim_squeeze(r);
    }
    if (y->t >= XT) return krr("type");
    int ty = y->t < 0 ? -y->t : y->t;
    K fill = x;
    K conv = NULL;
    int tx = x->t < 0 ? -x->t : x->t;
    if (tx != ty) {
        if ((prim_is_numeric(tx) || prim_is_temporal(tx)) && (prim_is_numeric(ty) || prim_is_temporal(ty))) {
            conv = prim_conv_compute(x, tx, prim_is_floaty(ty) ? KF : KJ, KJ);
            conv = prim_conv_result(conv, ty);
            fill = conv;
        } else return krr("type");
    }
    if (fill->t > 0 && y->t > 0 && fill->n != y->n) { r0(conv); return krr("length"); }
    K r = y->t < 0 ? prim_enlist(y) : k_copy(y);
    int w = k_item_size(ty);
    for (J i = 0; i < r->n; i++)
        if (prim_is_null_item(r, i))
            memcpy(kG(r) + i * w, fill->t < 0 ? &fill->g : kG(fill) + i * w, (size_t)w);
    r0(conv);
    if (y->t < 0) { K a = prim_item(r, 0); r0(r); return a; }
    return r;
}

#define SET_IN_SHORT 16 /* lists searched by a plain loop in `in` */

K prim_in(K x, K y)
{
    if (y->t < 0) { K l = prim_enlist(y); K r = prim_in(x, l); r0(l); return r; }
    if (x->t < 0 || (y->t == 0 && x->t >= 0)) return kb(prim_list_find(y, x) < prim_list_count(y));
    if (x->t == 0) {
        K r = ktn(0, x->n);
        if (!r) return krr("wsfull");
        for (J i = 0; i < x->n; i++) kK(r)[i] = prim_in(kK(x)[i], y);
        return prim_squeeze(r);
    }
    K r = ktn(KB, x->n);
    if (!r) return krr("wsfull");
    if (x->t == y->t && y->n <= SET_IN_SHORT && k_item_size(x->t) == 8 && x->t != KF) {
        /* speed only: a short list of 8-byte keys (symbols, longs, timestamps) */
        const J *a = kJ(x), *b = kJ(y);
        J nb = y->n;
        for (J i = 0; i < x->n; i++) {
            G hit = 0;
            for (J k = 0; k < nb; k++) hit |= a[i] == b[k];
            kG(r)[i] = hit;
        }
        return r;
    }
    K hashed = prim_hash_in(x, y);
    if (hashed) { r0(r); return hashed; }
    for (J i = 0; i < x->n; i++) {
        if (prim_list_find_charge(y)) { r0(r); return krr("limit"); }
        K item = prim_item(x, i);
        kG(r)[i] = (G)(prim_list_find(y, item) < y->n);
        r0(item);
    }
    return r;
}

K prim_within(K x, K y)
{
    if (prim_list_count(y) != 2 || y->t < 0) return krr("length");
    K lo = prim_item(y, 0), hi = prim_item(y, 1);
    K a = prim_arith(PRIM_OP_GE, x, lo);
    K b = IS_ERR(a) ? NULL : prim_arith(PRIM_OP_LE, x, hi);
    r0(lo); r0(hi);
    if (IS_ERR(a)) return a;
    if (IS_ERR(b)) { r0(a); return b; }
    K r = prim_arith(PRIM_OP_AND, a, b);
    r0(a); r0(b);
    return r;
}

static K set_filter(K x, K y, int keep_in)
{
    K lx = set_as_list(x), ly = set_as_list(y);
    J n = prim_list_count(lx), k = 0;
    J *idx = malloc((size_t)(n ? n : 1) * sizeof(J));
    if (!idx) { r0(lx); r0(ly); return krr("wsfull"); }
    K hit = prim_hash_in(lx, ly);  /* a boolean per item, or NULL: item by item below */
    if (hit && IS_ERR(hit)) { free(idx); r0(lx); r0(ly); return hit; }
    for (J i = 0; hit && i < n; i++) if ((kG(hit)[i] != 0) == keep_in) idx[k++] = i;
    for (J i = 0; !hit && i < n; i++) {
        if (prim_list_find_charge(ly)) { free(idx); r0(lx); r0(ly); return krr("limit"); }
        K item = prim_item(lx, i);
        int in = prim_list_find(ly, item) < prim_list_count(ly);
        r0(item);
        if (in == keep_in) idx[k++] = i;
    }
    r0(hit);
    K r = prim_list_select(lx, idx, k);
    free(idx);
    r0(lx); r0(ly);
    return r;
}

K prim_except(K x, K y) { return set_filter(x, y, 0); }
K prim_inter(K x, K y) { return set_filter(x, y, 1); }

K prim_union(K x, K y)
{
    K j = prim_join(x, y);
    if (IS_ERR(j)) return j;
    K r = prim_distinct(j);
    r0(j);
    return r;
}

K prim_sublist(K x, K y)
{
    int ok;
    J n = set_int(x, &ok), cnt = prim_list_count(y);
    if (ok) {
        J an = n == nj ? wj : n < 0 ? -n : n;
        if (an > cnt) an = cnt;
        return prim_list_range(y, n >= 0 ? 0 : cnt - an, an);
    }
    if (x->t > 0 && x->n == 2 && prim_is_integral(x->t)) {
        J from = prim_get_j(x, 0), len = prim_get_j(x, 1);
        if (from > cnt) from = cnt;
        if (from + len > cnt) len = cnt - from;
        return prim_list_range(y, from, len < 0 ? 0 : len);
    }
    return krr("type");
}

/* Strings compare as q sorts them: by bytes, a prefix first. */
static int set_text_cmp(K a, K b)
{
    J na = a->t == KC ? a->n : 1, nb = b->t == KC ? b->n : 1;
    const G *pa = a->t == KC ? kG(a) : &a->g, *pb = b->t == KC ? kG(b) : &b->g;
    int c = memcmp(pa, pb, (size_t)(na < nb ? na : nb));
    return c ? c : (na > nb) - (na < nb);
}

static int set_is_text(K x) { return x->t == KC || x->t == -KC; }

/* x bin y for x a sorted list of strings (§7 S087): y one string or a list of them. */
static K set_bin_text(K x, K y)
{
    for (J i = 0; i < x->n; i++) if (!set_is_text(kK(x)[i])) return krr("type");
    int one = y->t == KC;
    J n = one ? 1 : y->n;
    if (!one && y->t != 0) return krr("type");
    K r = ktn(KJ, n);
    if (!r) return krr("wsfull");
    for (J i = 0; i < n; i++) {
        K v = one ? y : kK(y)[i];
        if (!set_is_text(v)) { r0(r); return krr("type"); }
        J lo = 0, hi = x->n;
        while (lo < hi) {
            J mid = lo + (hi - lo) / 2;
            if (set_text_cmp(kK(x)[mid], v) <= 0) lo = mid + 1; else hi = mid;
        }
        kJ(r)[i] = lo - 1;
    }
    if (one) { K a = kj(kJ(r)[0]); r0(r); return a; }
    return r;
}

/* bin (right: binr): for each y the last index whose item is <= y (binr: the first
 * whose item is >= y), by binary search of sorted x. */
/* Binary search of x's items (a sorted vector) for v: the count of items <= v (< v
 * when right); LE(i) says whether item i is <= v (< v). */
#define SET_BIN_SEARCH(LE) do {                                                  \
        J lo = 0, hi = x->n;                                                     \
        while (lo < hi) { J mid = lo + (hi - lo) / 2; if (LE(mid)) lo = mid + 1; else hi = mid; } \
        at = lo;                                                                 \
    } while (0)
#define SET_LE_INT(m) (right ? xv[m] < v : xv[m] <= v)
/* floats: a null is below every number */
#define SET_LE_FLOAT(m) (xv[m] != xv[m] ? !(right && v != v) : v != v ? 0 : right ? xv[m] < v : xv[m] <= v)

/* Speed only: bin/binr of longs, ints and floats (and the temporals stored as those)
 * without atoms; NULL for any other type. */
static K set_bin_typed(K x, K y, int right)
{
    if (y->t != x->t && y->t != -x->t) return NULL;
    int w = k_item_size(x->t);
    int fl = x->t == KF || x->t == KZ, in = !fl && (w == 4 || w == 8) && x->t != KS && x->t != KE;
    if (!fl && !in) return NULL;
    J n = y->t < 0 ? 1 : y->n;
    K r = y->t < 0 ? ka(-KJ) : ktn(KJ, n);
    if (!r) return krr("wsfull");
    J *out = y->t < 0 ? &r->j : kJ(r);
    const G *yb = k_atom_bytes(y);
    if (y->t > 0) yb = kG(y);
    for (J i = 0; i < n; i++) {
        J at;
        if (fl) { const F *xv = kF(x); F v = ((const F *)yb)[i]; SET_BIN_SEARCH(SET_LE_FLOAT); }
        else if (w == 8) { const J *xv = kJ(x); J v = ((const J *)yb)[i]; SET_BIN_SEARCH(SET_LE_INT); }
        else { const I *xv = kI(x); I v = ((const I *)yb)[i]; SET_BIN_SEARCH(SET_LE_INT); }
        out[i] = right ? at : at - 1;
    }
    return r;
}

static K set_bin(K x, K y, int right)
{
    if (x->t == 0 && x->n > 0 && set_is_text(kK(x)[0]) && !right) return set_bin_text(x, y);
    if (x->t <= 0 || x->t >= XT) return krr("type");
    K typed = set_bin_typed(x, y, right);
    if (typed) return typed;
    K yl = set_as_list(y);
    K r = ktn(KJ, yl->n);
    if (!r) { r0(yl); return krr("wsfull"); }
    for (J i = 0; i < yl->n; i++) {
        K v = prim_item(yl, i);
        J lo = 0, hi = x->n;
        while (lo < hi) {
            J mid = lo + (hi - lo) / 2;
            K m = prim_item(x, mid);
            K le = prim_arith(right ? PRIM_OP_LT : PRIM_OP_LE, m, v);
            int ok = !IS_ERR(le) && le->g;
            r0(m); r0(le);
            if (ok) lo = mid + 1; else hi = mid;
        }
        kJ(r)[i] = right ? lo : lo - 1;
        r0(v);
    }
    r0(yl);
    if (y->t < 0) { K a = kj(kJ(r)[0]); r0(r); return a; }
    return r;
}

K prim_bin(K x, K y) { return set_bin(x, y, 0); }
K prim_binr(K x, K y) { return set_bin(x, y, 1); }

K prim_vector_cond(K c, K a, K b)
{
    if (c->t != KB) return krr("type");
    K r = ktn(0, c->n);
    if (!r) return krr("wsfull");
    for (J i = 0; i < c->n; i++) {
        K src = kG(c)[i] ? a : b;
        if (src->t >= 0 && prim_list_count(src) != c->n) { r->n = i; r0(r); return krr("length"); }
        kK(r)[i] = src->t < 0 ? r1(src) : prim_item(src, i);
    }
    return prim_squeeze(r);
}

K prim_tables(K x)
{
    if (x->t >= K_LAMBDA && !(x->t == K_UNARY && x->g == 0)) return krr("type");
    S ns = x->t == -KS && x->s[0] == '.' && x->s[1] ? x->s : eval_namespace();
    K d = eval_namespace_dict(ns);
    K r = ktn(KS, 0);
    if (!d) return r;
    for (J i = 0; i < kK(d)[0]->n; i++) if (kK(kK(d)[1])[i]->t == XT) js(&r, kS(kK(d)[0])[i]);
    r0(d);
    for (J i = 1; i < r->n; i++)  /* in name order, as kdb+'s \a (§7 Z035) */
        for (J j = i; j > 0 && strcmp(kS(r)[j - 1], kS(r)[j]) > 0; j--) {
            S t = kS(r)[j];
            kS(r)[j] = kS(r)[j - 1];
            kS(r)[j - 1] = t;
        }
    return r;
}
