/* test_k.c: the value model: constructors, reference counts, appends, tables,
 * symbols, errors, dates, equality and invariants.
 * SPDX-License-Identifier: MIT */
#include "check_run.h"
#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "k.h"

START_TEST(layout_matches_kx)
{
    K x = ktn(KJ, 3);
    ck_assert_ptr_eq((void *)kJ(x), (void *)((char *)x + 16));
    ck_assert_int_eq(x->n, 3);
    ck_assert_int_eq(x->t, KJ);
    r0(x);
}
END_TEST

START_TEST(atoms_hold_values)
{
    K x = kj(-5);    ck_assert_int_eq(x->t, -KJ); ck_assert_int_eq(x->j, -5); r0(x);
    x = ki(7);       ck_assert_int_eq(x->t, -KI); ck_assert_int_eq(x->i, 7); r0(x);
    x = kh(-2);      ck_assert_int_eq(x->t, -KH); ck_assert_int_eq(x->h, -2); r0(x);
    x = kb(1);       ck_assert_int_eq(x->t, -KB); ck_assert_int_eq(x->g, 1); r0(x);
    x = kg(200);     ck_assert_int_eq(x->t, -KG); ck_assert_int_eq(x->g, 200); r0(x);
    x = kc('a');     ck_assert_int_eq(x->t, -KC); ck_assert_int_eq(x->g, 'a'); r0(x);
    x = ke(1.5);     ck_assert_int_eq(x->t, -KE); ck_assert(x->e == 1.5f); r0(x);
    x = kf(2.25);    ck_assert_int_eq(x->t, -KF); ck_assert(x->f == 2.25); r0(x);
    x = kd(10);      ck_assert_int_eq(x->t, -KD); ck_assert_int_eq(x->i, 10); r0(x);
    x = kz(1.5);     ck_assert_int_eq(x->t, -KZ); ck_assert(x->f == 1.5); r0(x);
    x = kt(1000);    ck_assert_int_eq(x->t, -KT); ck_assert_int_eq(x->i, 1000); r0(x);
    x = ktj(-KP, 9); ck_assert_int_eq(x->t, -KP); ck_assert_int_eq(x->j, 9); r0(x);
    x = ktj(-KN, 9); ck_assert_int_eq(x->t, -KN); ck_assert_int_eq(x->j, 9); r0(x);
    x = ks("abc");   ck_assert_int_eq(x->t, -KS); ck_assert_ptr_eq(x->s, ss("abc")); r0(x);
    U g = {{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}};
    x = ku(g);       ck_assert_int_eq(x->t, -UU); ck_assert(!memcmp(kU(x), &g, 16)); r0(x);
    ck_assert_ptr_null(ka(KJ));      /* ka takes atom (negative) types only */
    ck_assert_ptr_null(ka(-3));
}
END_TEST

START_TEST(nulls_match_spec)
{
    ck_assert_int_eq(ni, INT32_MIN);
    ck_assert_int_eq(wi, INT32_MAX);
    ck_assert_int_eq(nj, INT64_MIN);
    ck_assert_int_eq(nh, INT16_MIN);
    F f = nf;
    uint64_t bits;
    memcpy(&bits, &f, 8);
    ck_assert_uint_eq(bits, 0xfff8000000000000ULL);
    ck_assert(isinf(wf) && wf > 0);
    ck_assert(isnan(ne));
}
END_TEST

START_TEST(refcounts)
{
    K x = ktn(KJ, 1);
    ck_assert_int_eq(x->r, 0);
    ck_assert_ptr_eq(r1(x), x);
    ck_assert_int_eq(x->r, 1);
    K l = knk(2, r1(x), r1(x));
    ck_assert_int_eq(x->r, 3);
    r0(l);
    ck_assert_int_eq(x->r, 1);
    r0(x);
    r0(x);
    /* the generic null is immortal */
    K id = k_identity();
    ck_assert_int_eq(id->t, K_UNARY);
    ck_assert_int_eq(id->g, 0);
    r1(id); r0(id); r0(id); r0(id);
    ck_assert_int_eq(id->r, K_REF_IMMORTAL);
    ck_assert_ptr_eq(k_prim(K_UNARY, 0), id);
    r0(NULL);
    ck_assert_ptr_null(r1(NULL));
}
END_TEST

START_TEST(symbols_interned)
{
    J before = tk_sym_count();
    S a = ss("hello");
    ck_assert_ptr_eq(a, ss("hello"));
    ck_assert_ptr_eq(sn("hello world", 5), a);
    ck_assert_ptr_eq(sn("hel\0lo", 6), ss("hel"));
    ck_assert_str_eq(a, "hello");
    ck_assert_ptr_ne(ss("hellO"), a);
    ck_assert_ptr_eq(ss(""), ss(""));
    /* many symbols force table growth; pointers stay stable */
    char buf[32];
    for (int i = 0; i < 100000; i++) { snprintf(buf, sizeof buf, "s%d", i); ss(buf); }
    ck_assert_ptr_eq(ss("hello"), a);
    ck_assert_int_ge(tk_sym_count(), before + 100000);
    char *big = malloc(20000);
    memset(big, 'x', 19999);
    big[19999] = 0;
    S b1 = ss(big);
    ck_assert_ptr_eq(ss(big), b1);
    ck_assert_uint_eq(strlen(b1), 19999);
    free(big);
}
END_TEST

START_TEST(appends_grow)
{
    K x = ktn(KJ, 0);
    for (J i = 0; i < 100000; i++) ck_assert_ptr_nonnull(ja(&x, &i));
    ck_assert_int_eq(x->n, 100000);
    ck_assert_int_ge(k_capacity(x), 100000);
    for (J i = 0; i < 100000; i++) ck_assert_int_eq(kJ(x)[i], i);
    K more = ktn(KJ, 3);
    kJ(more)[0] = 1; kJ(more)[1] = 2; kJ(more)[2] = 3;
    ck_assert_ptr_nonnull(jv(&x, more));
    ck_assert_int_eq(x->n, 100003);
    ck_assert_int_eq(kJ(x)[100002], 3);
    K wrong = ktn(KF, 1);
    ck_assert_ptr_null(jv(&x, wrong));
    r0(wrong); r0(more); r0(x);

    K s = ktn(KS, 0);
    js(&s, ss("a")); js(&s, ss("b"));
    ck_assert_int_eq(s->n, 2);
    ck_assert_ptr_eq(kS(s)[1], ss("b"));
    r0(s);

    K l = ktn(0, 0);
    for (int i = 0; i < 50; i++) jk(&l, kj(i));
    ck_assert_int_eq(l->n, 50);
    ck_assert_int_eq(kK(l)[49]->j, 49);
    K l2 = ktn(0, 0);
    jv(&l2, l);
    ck_assert_int_eq(kK(l)[0]->r, 1);
    r0(l); r0(l2);

    K c = ktn(KC, 0);
    for (int i = 0; i < 20; i++) { C ch = (C)('a' + i); ja(&c, &ch); }
    ck_assert_int_eq(c->n, 20);
    ck_assert(!memcmp(kC(c), "abcdefghijklmnopqrst", 20));
    r0(c);
}
END_TEST

START_TEST(strings_and_errors)
{
    K s = kp("hello");
    ck_assert_int_eq(s->t, KC);
    ck_assert_int_eq(s->n, 5);
    ck_assert(!memcmp(kC(s), "hello", 5));
    r0(s);
    s = kpn("ab\0cd", 5);
    ck_assert_int_eq(s->n, 5);
    r0(s);
    K e = krr("type");
    ck_assert_int_eq(e->t, KERR);
    ck_assert_str_eq(e->s, "type");
    r0(e);
    e = k_err_fmt("%s: %d", "limit", 42);
    ck_assert_str_eq(e->s, "limit: 42");
    r0(e);
    char longtext[2000];
    memset(longtext, 'y', sizeof longtext - 1);
    longtext[sizeof longtext - 1] = 0;
    e = krr(longtext);
    ck_assert_str_eq(e->s, longtext);
    K copy = k_copy(e);
    ck_assert(k_match(e, copy));
    r0(copy); r0(e);
    errno = 2;
    e = orr("open");
    ck_assert(strstr(e->s, "open: ") == e->s);
    r0(e);
}
END_TEST

static K two_col_table(void)
{
    K names = ktn(KS, 2);
    kS(names)[0] = ss("sym"); kS(names)[1] = ss("price");
    K syms = ktn(KS, 2);
    kS(syms)[0] = ss("A"); kS(syms)[1] = ss("B");
    K prices = ktn(KF, 2);
    kF(prices)[0] = 1.5; kF(prices)[1] = 2.5;
    return xT(xD(names, knk(2, syms, prices)));
}

START_TEST(tables_and_dicts)
{
    K t = two_col_table();
    ck_assert_ptr_nonnull(t);
    ck_assert_int_eq(t->t, XT);
    ck_assert_int_eq(k_count(t), 2);
    ck_assert(k_valid(t));
    K keyed = knt(1, r1(t));
    ck_assert_int_eq(keyed->t, XD);
    ck_assert_int_eq(kK(keyed)[0]->t, XT);
    ck_assert_int_eq(k_count(keyed), 2);
    K flat = ktd(keyed);
    ck_assert(k_match(flat, t));
    r0(flat);
    ck_assert_ptr_null(knt(2, r1(t)));   /* no value columns left */
    r0(t);

    /* unequal columns are refused, and nothing leaks */
    K names = ktn(KS, 2);
    kS(names)[0] = ss("a"); kS(names)[1] = ss("b");
    ck_assert_ptr_null(xT(xD(names, knk(2, ktn(KJ, 1), ktn(KJ, 2)))));
    K names2 = ktn(KS, 1);
    kS(names2)[0] = ss("a");
    ck_assert_ptr_null(xT(xD(names2, knk(1, kj(1)))));
    ck_assert_ptr_null(xT(xD(ktn(KJ, 1), knk(1, ktn(KJ, 1)))));
    ck_assert_ptr_null(xD(NULL, ktn(KJ, 1)));

    K d = xD(ktn(KS, 0), ktn(KJ, 0));
    ck_assert_int_eq(k_count(d), 0);
    ck_assert(k_valid(d));
    r0(d);
}
END_TEST

START_TEST(dates)
{
    ck_assert_int_eq(ymd(2000, 1, 1), 0);
    ck_assert_int_eq(ymd(2001, 1, 1), 366);
    ck_assert_int_eq(ymd(1999, 12, 31), -1);
    ck_assert_int_eq(ymd(1970, 1, 1), -K_EPOCH_DAYS);
    ck_assert_int_eq(dj(0), 20000101);
    ck_assert_int_eq(dj(366), 20010101);
    ck_assert_int_eq(dj(-1), 19991231);
    ck_assert_int_eq(dj(ymd(2024, 2, 29)), 20240229);
    for (I d = -700000; d < 2900000; d += 37) {
        I v = dj(d);
        ck_assert_int_eq(ymd(v / 10000, v / 100 % 100, v % 100), d);
    }
}
END_TEST

START_TEST(match_and_copy)
{
    K n1 = kf(nf), n2 = kf(nf);
    ck_assert(k_match(n1, n2));
    r0(n1); r0(n2);
    K a = two_col_table(), b = two_col_table();
    ck_assert(k_match(a, b));
    kF(kK(kK(b->k)[1])[1])[0] = 9;
    ck_assert(!k_match(a, b));
    r0(b);
    r1(a);
    K c = k_unshare(a);          /* shared: gives a copy */
    ck_assert_ptr_ne(c, a);
    ck_assert(k_match(c, a));
    ck_assert_int_eq(a->r, 0);
    K d = k_unshare(c);          /* unshared: itself */
    ck_assert_ptr_eq(d, c);
    r0(d); r0(a);
    K lam = k_lambda(kp("{x}"), "d");
    K lam2 = k_copy(lam);
    ck_assert(k_match(lam, lam2));
    ck_assert_str_eq(kK(lam2)[1]->s, "d");
    r0(lam); r0(lam2);
    K p = k_prim(K_BINARY, 5), q = k_copy(p);
    ck_assert(k_match(p, q));
    ck_assert_int_eq(q->g, 5);
    r0(p); r0(q);
    K j1 = kj(1), i1 = ki(1);
    ck_assert(!k_match(j1, i1));
    r0(j1); r0(i1);
}
END_TEST

START_TEST(invariants)
{
    K x = ktn(KJ, 2);
    ck_assert(k_valid(x));
    x->a = 9;
    ck_assert(!k_valid(x));
    x->a = 0;
    ck_assert(!k_valid(NULL));
    K l = ktn(0, 1);                /* an unfilled general list slot is invalid */
    ck_assert(!k_valid(l));
    kK(l)[0] = x;
    ck_assert(k_valid(l));
    r0(l);
    ck_assert_int_eq(k_item_size(KJ), 8);
    ck_assert_int_eq(k_item_size(UU), 16);
    ck_assert_int_eq(k_item_size(XT), 0);
    ck_assert(k_type_valid(-KT) && !k_type_valid(3) && !k_type_valid(20) && k_type_valid(XSD));
    ck_assert_ptr_null(ktn(KJ, -1));
    ck_assert_ptr_null(ktn(KJ, (J)1 << 60));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("k");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, layout_matches_kx);
    tcase_add_test(tc, atoms_hold_values);
    tcase_add_test(tc, nulls_match_spec);
    tcase_add_test(tc, refcounts);
    tcase_add_test(tc, symbols_interned);
    tcase_add_test(tc, appends_grow);
    tcase_add_test(tc, strings_and_errors);
    tcase_add_test(tc, tables_and_dicts);
    tcase_add_test(tc, dates);
    tcase_add_test(tc, match_and_copy);
    tcase_add_test(tc, invariants);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
