/* test_ser.c: the wire format against every hex vector of ipc-protocol.md §3, §4.5 and
 * §9 in both directions, random round trips of every type, and each decoder error path.
 * SPDX-License-Identifier: MIT */
#include "check_run.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compress.h"
#include "kgen.h"
#include "ser.h"

/* Encode x as a message of type mt and compare with the hex; then decode the hex and
 * compare with x. Ownership: x consumed. */
static void check_both_ways(K x, int mt, const char *hex)
{
    K want = kgen_hex(hex);
    K got = ser_encode(x, mt, SER_MAX_CAPABILITY, 1);
    ck_assert_int_eq(got->t, KG);
    ck_assert_msg(got->n == want->n && !memcmp(kG(got), kG(want), (size_t)want->n),
                  "encoding differs from %s", hex);
    char err[SER_ERR_BYTES] = "";
    int got_type = -1;
    K back = ser_decode_msg(kG(want), want->n, SER_MAX_MSG_BYTES, &got_type, err);
    ck_assert_msg(back != NULL, "decode of %s failed: %s", hex, err);
    ck_assert_int_eq(got_type, mt);
    ck_assert_msg(k_match(back, x), "decode of %s gave another value", hex);
    r0(back); r0(got); r0(want); r0(x);
}

/* Body-only check: the object's bytes after the header. */
static void check_body(K x, const char *hex)
{
    K want = kgen_hex(hex);
    K err = NULL;
    J n = ser_body_size(x, SER_MAX_CAPABILITY, &err);
    ck_assert_int_eq(n, want->n);
    G *buf = malloc((size_t)n);
    ck_assert_int_eq(ser_body_write(x, buf), n);
    ck_assert_msg(!memcmp(buf, kG(want), (size_t)n), "body differs from %s", hex);
    char text[SER_ERR_BYTES];
    K back = ser_decode(kG(want), want->n, 1, 0, text);
    ck_assert_msg(back && k_match(back, x), "body %s did not decode back", hex);
    r0(back); free(buf); r0(want); r0(x);
}

static K syms(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    K x = ktn(KS, n);
    for (int i = 0; i < n; i++) kS(x)[i] = ss(va_arg(ap, char *));
    va_end(ap);
    return x;
}

static K longs(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    K x = ktn(KJ, n);
    for (int i = 0; i < n; i++) kJ(x)[i] = va_arg(ap, J);
    va_end(ap);
    return x;
}

static K ints(int n, ...)
{
    va_list ap;
    va_start(ap, n);
    K x = ktn(KI, n);
    for (int i = 0; i < n; i++) kI(x)[i] = va_arg(ap, I);
    va_end(ap);
    return x;
}

START_TEST(spec_vectors_section9)
{
    check_both_ways(ki(1), SER_ASYNC, "010000000d000000fa01000000");
    check_both_ways(ints(1, 1), SER_ASYNC, "010000001200000006000100000001000000");
    check_both_ways(kj(1), SER_ASYNC, "0100000011000000f90100000000000000");
    check_both_ways(longs(3, (J)2, (J)3, (J)5), SER_ASYNC,
        "0100000026000000070003000000020000000000000003000000000000000500000000000000");
    check_both_ways(ks("abc"), SER_ASYNC, "010000000d000000f561626300");
    check_both_ways(kp("hello"), SER_ASYNC, "01000000130000000a000500000068656c6c6f");
    check_both_ways(syms(3, "a", "b", "c"), SER_ASYNC, "01000000140000000b0003000000610062006300");
    K bytes = ktn(KG, 5);
    for (int i = 0; i < 5; i++) kG(bytes)[i] = (G)i;
    check_both_ways(bytes, SER_ASYNC, "01000000130000000400050000000001020304");
    check_both_ways(xD(syms(2, "a", "b"), ints(2, 2, 3)), SER_ASYNC,
        "0100000021000000630b0002000000610062000600020000000200000003000000");
    K sorted = xD(syms(2, "a", "b"), ints(2, 2, 3));
    sorted->t = XSD;
    kK(sorted)[0]->a = K_ATTR_SORTED;
    check_both_ways(sorted, SER_ASYNC,
        "01000000210000007f0b0102000000610062000600020000000200000003000000");
    check_both_ways(xD(syms(2, "a", "b"), longs(2, (J)1, (J)2)), SER_ASYNC,
        "0100000029000000630b00020000006100620007000200000001000000000000000200000000000000");
    check_both_ways(xT(xD(syms(2, "a", "b"), knk(2, longs(2, (J)1, (J)2), syms(2, "x", "y")))),
        SER_ASYNC, "010000003b0000006200630b000200000061006200000002000000070002000000010000000000"
                   "000002000000000000000b000200000078007900");
    check_both_ways(xT(xD(syms(2, "a", "b"), knk(2, ints(1, 2), ints(1, 3)))), SER_ASYNC,
        "010000002f0000006200630b0002000000610062000000020000000600010000000200000006000100000003000000");
    K keyed = knt(1, xT(xD(syms(2, "a", "b"), knk(2, ints(1, 2), ints(1, 3)))));
    check_both_ways(keyed, SER_ASYNC,
        "010000003f000000636200630b00010000006100000001000000060001000000020000006200630b0001"
        "000000620000000100000006000100000003000000");
    check_both_ways(krr("type"), SER_RESPONSE, "010200000e000000807479706500");
    check_both_ways(kp("1+1"), SER_SYNC, "01010000110000000a0003000000312b31");
    check_both_ways(kj(2), SER_RESPONSE, "0102000011000000f90200000000000000");
    check_both_ways(k_identity(), SER_ASYNC, "010000000a0000006500");
    check_both_ways(ktj(-KP, 279417600000000LL), SER_ASYNC, "0100000011000000f400c0cafa20fe0000");
    J ts = (J)ymd(2024, 1, 2) * K_NS_PER_DAY + 34200000000000LL + 123456789LL;
    check_both_ways(ktj(-KP, ts), SER_ASYNC, "0100000011000000f415bda616f730830a");
    check_both_ways(kd(ymd(2024, 1, 2)), SER_ASYNC, "010000000d000000f23f220000");
    check_both_ways(kt(34200000), SER_ASYNC, "010000000d000000edc0d90902");
    check_both_ways(ktj(-KN, 34200000000000LL), SER_ASYNC, "0100000011000000f000f0d9ce1a1f0000");
    U guid = {{0x8c, 0x68, 0x0a, 0x01, 0x5a, 0x49, 0x5a, 0xab, 0x5a, 0x65, 0xd4, 0xbf, 0xdd, 0xb6, 0xa6, 0x61}};
    check_both_ways(ku(guid), SER_ASYNC, "0100000019000000fe8c680a015a495aab5a65d4bfddb6a661");
    check_both_ways(k_lambda(kp("{x+y}"), ""), SER_ASYNC, "010000001500000064000a00050000007b782b797d");
    K proj = k_func(K_PROJECTION, 2);
    kK(proj)[0] = k_lambda(kp("{x+y}"), "");
    kK(proj)[1] = kj(3);
    check_both_ways(proj, SER_ASYNC,
        "0100000023000000680200000064000a00050000007b782b797df90300000000000000");
    K bools = ktn(KB, 3);
    kG(bools)[0] = 1; kG(bools)[1] = 0; kG(bools)[2] = 1;
    check_both_ways(bools, SER_ASYNC, "0100000011000000010003000000010001");
    K data = knk(4, ktn(KN, 1), syms(1, "IBM"), ktn(KF, 1), longs(1, (J)300));
    kJ(kK(data)[0])[0] = 34200000000000LL;
    kF(kK(data)[2])[0] = 100.25;
    check_both_ways(knk(3, ks(".u.upd"), ks("trade"), data), SER_ASYNC,
        "0100000057000000000003000000f52e752e75706400f574726164650000000400000010000100000000f0d9"
        "ce1a1f00000b000100000049424d0009000100000000000000001059400700010000002c01000000000000");
}
END_TEST

START_TEST(spec_nulls_and_atoms)
{
    check_body(ki(ni), "fa00000080");
    check_body(kj(nj), "f90000000000000080");
    check_body(kh(nh), "fb0080");
    check_body(kh(-234), "fb16ff");
    check_body(kb(1), "ff01");
    check_body(kg(0x2a), "fc2a");
    check_body(ke(5.5), "f80000b040");
    check_body(kf(3.234), "f7ac1c5a643bdf0940");
    check_body(kc('0'), "f630");
    check_body(ks(""), "f500");
    check_body(kf(nf), "f7000000000000f8ff");
    check_body(ke(nf), "f80000c0ff");
    check_body(ka(-KM), "f300000000");
    K month = ka(-KM);
    month->i = 12;
    check_body(month, "f30c000000");
    check_body(kd(ymd(2001, 1, 1)), "f26e010000");
    check_body(kt(12 * 3600000 + 4 * 60000 + 59123), "ed73be9702");
    check_body(kp(""), "0a0000000000");
    check_body(k_lambda(kp("{x+y}"), "d"), "6464000a00050000007b782b797d");
    check_body(k_prim(K_UNARY, 0x0f), "650f");
    check_body(k_prim(K_BINARY, 5), "6605");
    K insert1 = k_func(K_PROJECTION, 2);
    kK(insert1)[0] = k_prim(K_BINARY, 0x1c);
    kK(insert1)[1] = kj(1);
    check_body(insert1, "68020000006 61cf90100000000000000");
    K raze = k_func(K_OVER, 1);
    kK(raze)[0] = k_prim(K_BINARY, 12);
    check_body(raze, "6b660c");
    K sums = k_func(K_SCAN, 1);
    kK(sums)[0] = k_prim(K_BINARY, 1);
    check_body(sums, "6c6601");
    K prev = k_func(K_EACHPRIOR, 1);
    kK(prev)[0] = k_prim(K_BINARY, 0);
    check_body(prev, "6d6600");
    K nested = knk(1, ktn(KG, 5));
    for (int i = 0; i < 5; i++) kG(kK(nested)[0])[i] = (G)i;
    check_body(nested, "000001000000040005000000 0001020304");
}
END_TEST

START_TEST(big_endian_input)
{
    K be = kgen_hex("000000000000000dfa00000001");
    char err[SER_ERR_BYTES];
    K x = ser_decode_msg(kG(be), be->n, SER_MAX_MSG_BYTES, NULL, err);
    ck_assert_ptr_nonnull(x);
    ck_assert_int_eq(x->t, -KI);
    ck_assert_int_eq(x->i, 1);
    r0(x); r0(be);
    /* a big-endian long vector and symbol list */
    be = kgen_hex("000000000000001e 07 00 00000002 0000000000000002 0000000000000003");
    x = ser_decode_msg(kG(be), be->n, SER_MAX_MSG_BYTES, NULL, err);
    ck_assert_msg(x != NULL, "%s", err);
    ck_assert_int_eq(x->n, 2);
    ck_assert_int_eq(kJ(x)[1], 3);
    r0(x); r0(be);
}
END_TEST

START_TEST(compressed_vectors)
{
    K sym1000 = ktn(KS, 1000);
    for (int i = 0; i < 1000; i++) kS(sym1000)[i] = ss("q");
    check_both_ways(sym1000, SER_ASYNC,
        "010001002d000000de070000800b00e80300007171ffaa7171ff7171ff7171ff7171ff2a7171ff7171ff7171bf");
    K col = ktn(KS, 1000);
    for (int i = 0; i < 1000; i++) kS(col)[i] = ss("q");
    K table = xT(xD(syms(1, "q"), knk(1, col)));
    check_both_ways(table, SER_ASYNC,
        "01000100 3f000000 ef070000 006200630b0001000034007100000001020b00e8035700"
        "00710071ff0071ff0071ff005571ff0071ff0071ff0071ff000171be");
    /* uncompressed when asked not to, or for capability 0 */
    K again = ktn(KS, 1000);
    for (int i = 0; i < 1000; i++) kS(again)[i] = ss("q");
    K plain = ser_encode(again, SER_ASYNC, 0, 1);
    ck_assert_int_eq(plain->n, 2014);
    r0(plain);
    plain = ser_encode(again, SER_ASYNC, 3, 0);
    ck_assert_int_eq(plain->n, 2014);
    r0(plain); r0(again);
}
END_TEST

/* 10,000 random values of every wire type through encode, decode and deep-equal. */
START_TEST(random_round_trips)
{
    struct kgen g;
    kgen_seed(&g, 12345);
    char err[SER_ERR_BYTES];
    for (int ti = 0; ti < kgen_ntypes; ti++) {
        int t = kgen_types[ti];
        for (int i = 0; i < 10000; i++) {
            K x = kgen_value(&g, t, 3);
            ck_assert_msg(k_valid(x), "generator made an invalid value of type %d", t);
            int mt = t == KERR ? SER_RESPONSE : SER_ASYNC;
            K msg = ser_encode(x, mt, SER_MAX_CAPABILITY, i % 2);
            ck_assert_msg(msg->t == KG, "encode of type %d failed: %s", t,
                          msg->t == KERR ? msg->s : "");
            K back = ser_decode_msg(kG(msg), msg->n, SER_MAX_MSG_BYTES, NULL, err);
            ck_assert_msg(back != NULL, "type %d item %d: %s", t, i, err);
            ck_assert_msg(k_match(x, back), "type %d item %d differs after a round trip", t, i);
            r0(back); r0(msg); r0(x);
        }
    }
}
END_TEST

START_TEST(capability_limits)
{
    K err = NULL;
    K ts = ktj(-KP, 0);
    ck_assert_int_eq(ser_body_size(ts, 0, &err), -1);
    ck_assert_str_eq(err->s, "type");
    r0(err);
    ck_assert_int_eq(ser_body_size(ts, 1, &err), 9);
    K guids = ktn(UU, 2);
    memset(kU(guids), 0, 32);
    K list = knk(2, kj(1), guids);
    ck_assert_int_eq(ser_body_size(list, 2, &err), -1);
    r0(err);
    ck_assert_int_eq(ser_body_size(list, 3, &err), 6 + 9 + 6 + 32);
    K native = k_prim(K_NATIVE, 1);
    ck_assert_int_eq(ser_body_size(native, 3, &err), -1);
    ck_assert_str_eq(err->s, "type");
    r0(err);
    K msg = ser_encode(native, SER_RESPONSE, 3, 0);
    ck_assert_int_eq(msg->t, KERR);
    r0(msg); r0(native); r0(list); r0(ts);
}
END_TEST

/* Every truncation of every valid message is rejected cleanly. */
START_TEST(truncations_rejected)
{
    struct kgen g;
    kgen_seed(&g, 99);
    char err[SER_ERR_BYTES];
    for (int ti = 0; ti < kgen_ntypes; ti++) {
        for (int rep = 0; rep < 20; rep++) {
            K x = kgen_value(&g, kgen_types[ti], 2);
            K msg = ser_encode(x, kgen_types[ti] == KERR ? SER_RESPONSE : SER_ASYNC, 3, 0);
            J body = msg->n - SER_HDR_BYTES;
            for (J cut = 0; cut < body; cut++) {
                K y = ser_decode(kG(msg) + SER_HDR_BYTES, cut, 1, 1, err);
                ck_assert_msg(y == NULL, "a body cut to %lld of %lld bytes decoded",
                              (long long)cut, (long long)body);
            }
            r0(msg); r0(x);
        }
    }
}
END_TEST

/* Random corruption never crashes, leaks or yields an invalid value. */
START_TEST(corruptions_survive)
{
    struct kgen g;
    kgen_seed(&g, 7);
    char err[SER_ERR_BYTES];
    for (int i = 0; i < 20000; i++) {
        K x = kgen_value(&g, kgen_types[kgen_next(&g) % (uint64_t)kgen_ntypes], 2);
        K msg = ser_encode(x, SER_RESPONSE, 3, 0);
        int flips = 1 + (int)(kgen_next(&g) % 3);
        for (int f = 0; f < flips && msg->n > SER_HDR_BYTES; f++)
            kG(msg)[SER_HDR_BYTES + kgen_next(&g) % (uint64_t)(msg->n - SER_HDR_BYTES)] = (G)kgen_next(&g);
        K y = ser_decode_msg(kG(msg), msg->n, SER_MAX_MSG_BYTES, NULL, err);
        if (y) ck_assert(k_valid(y));
        r0(y); r0(msg); r0(x);
    }
}
END_TEST

static void expect_reject(const char *hex, const char *fragment)
{
    K msg = kgen_hex(hex);
    char err[SER_ERR_BYTES] = "";
    K y = ser_decode_msg(kG(msg), msg->n, 1 << 20, NULL, err);
    ck_assert_msg(y == NULL, "%s decoded", hex);
    ck_assert_msg(strstr(err, fragment) != NULL, "%s: error '%s' lacks '%s'", hex, err, fragment);
    r0(msg);
}

/* As expect_reject, with a correct little-endian async header put before body_hex. */
static void expect_reject_body(const char *body_hex, const char *fragment)
{
    K body = kgen_hex(body_hex);
    char hex[4096];
    int at = snprintf(hex, sizeof hex, "01000000 %02x%02x%02x%02x ", (int)((body->n + 8) & 255),
                      (int)((body->n + 8) >> 8 & 255), 0, 0);
    for (J i = 0; i < body->n && at < (int)sizeof hex - 3; i++)
        at += snprintf(hex + at, sizeof hex - (size_t)at, "%02x", kG(body)[i]);
    r0(body);
    expect_reject(hex, fragment);
}

START_TEST(decoder_error_paths)
{
    expect_reject("02000000 0a000000 6500", "byte order");
    expect_reject("01030000 0a000000 6500", "message type");
    expect_reject("01000200 0a000000 6500", "compression flag");
    expect_reject("01000001 0a000000 6500", "reserved");
    expect_reject("01000000 09000000 65", "too small");
    expect_reject("01000000 00002000 6500", "over the limit");
    expect_reject("01000000 0b000000 6500", "header says");
    expect_reject_body("650000", "left over");
    expect_reject_body("07 00 ffffffff", "negative count");
    expect_reject_body("07 00 05000000", "exceeds");
    expect_reject_body("00 00 ffffff7f", "exceeds");
    expect_reject_body("f5 61 62", "NUL");
    expect_reject_body("0b 00 01000000", "exceeds");
    expect_reject_body("0b 00 01000000 61", "NUL");
    expect_reject_body("03 00", "unknown type");
    expect_reject_body("14 00", "unknown type");
    expect_reject_body("fd 00", "unknown type");
    expect_reject_body("70 00", "unknown type");
    expect_reject_body("80 61 00", "error object");
    expect_reject_body("07 07 00000000", "attribute");
    expect_reject_body("63 0b00 01000000 6100 07 00 02000000", "exceeds");
    expect_reject_body("63 0b00 01000000 6100 07 00 02000000 0100000000000000 02000000", "exceeds");
    expect_reject_body("63 0b00 01000000 6100 0700 00000000 0000000000", "differ");
    expect_reject_body("63 0b00 01000000 6100 f9 0100000000000000", "differ");
    expect_reject_body("62 00 63 0b00 01000000 6100 07 00 01000000 01", "exceeds");
    expect_reject_body("62 00 63 0b00 01000000 6100 00 00 01000000 f9 0100000000000000", "equal-length");
    expect_reject_body("62 00 65", "column dictionary");
    expect_reject_body("64 00 07 00 00000000", "not a string");
    expect_reject_body("64 61 62", "NUL");
    expect_reject_body("68 00000000", "function count");
    expect_reject("01000000 09000000 65", "too small");
    expect_reject_body("ff 01 00 00 00", "left over");
    expect_reject_body("f9 0100000000", "truncated");
    expect_reject_body("fe 0100000000000000", "guid atom truncated");
    /* compressed: bad declared size and truncated stream */
    expect_reject("01000100 0d000000 01000000 00", "uncompressed size");
    expect_reject("01000100 0d000000 de070000 00", "decompression failed");
}
END_TEST

/* Nesting past SER_MAX_DEPTH is refused without exhausting the stack. */
START_TEST(depth_limit)
{
    int depth = SER_MAX_DEPTH + 10;
    J n = SER_HDR_BYTES + (J)depth * 6 + 2;
    K msg = ktn(KG, n);
    ser_header_write(kG(msg), SER_ASYNC, 0, n);
    G *p = kG(msg) + SER_HDR_BYTES;
    for (int i = 0; i < depth; i++) { p[0] = 0; p[1] = 0; p[2] = 1; p[3] = p[4] = p[5] = 0; p += 6; }
    p[0] = 0x65; p[1] = 0;
    char err[SER_ERR_BYTES];
    K y = ser_decode_msg(kG(msg), n, SER_MAX_MSG_BYTES, NULL, err);
    ck_assert_ptr_null(y);
    ck_assert_msg(strstr(err, "deep") != NULL, "%s", err);
    r0(msg);
}
END_TEST

START_TEST(kx_api_b9_d9_okx)
{
    K x = knk(2, kj(7), kp("seven"));
    K bytes = b9(-1, x);
    ck_assert_int_eq(bytes->t, KG);
    ck_assert_int_eq(okx(bytes), 1);
    K back = d9(bytes);
    ck_assert(k_match(x, back));
    kG(bytes)[bytes->n - 1] = 0;
    bytes->n--;
    ck_assert_int_eq(okx(bytes), 0);
    K bad = d9(bytes);
    ck_assert_int_eq(bad->t, KERR);
    r0(bad); r0(back); r0(bytes); r0(x);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ser");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, spec_vectors_section9);
    tcase_add_test(tc, spec_nulls_and_atoms);
    tcase_add_test(tc, big_endian_input);
    tcase_add_test(tc, compressed_vectors);
    tcase_add_test(tc, random_round_trips);
    tcase_add_test(tc, capability_limits);
    tcase_add_test(tc, truncations_rejected);
    tcase_add_test(tc, corruptions_survive);
    tcase_add_test(tc, decoder_error_paths);
    tcase_add_test(tc, depth_limit);
    tcase_add_test(tc, kx_api_b9_d9_okx);
    suite_add_tcase(s, tc);
    return tk_check_run(s);
}
