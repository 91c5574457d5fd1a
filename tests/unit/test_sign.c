/*
 * test_sign.c - HMAC-SHA256 (RFC 4231 and a venue's documented example),
 * hex and base64 (RFC 4648) encoders.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xgate/sign.h"

static void
assert_hmac_hex(const void *key, size_t key_len, const void *msg,
                size_t msg_len, const char *want_hex)
{
    uint8_t mac[XG_SHA256_LEN];
    char hex[XG_HEX_SHA256_LEN + 1];
    xg_hmac *h = xg_hmac_new(key, key_len);

    assert_non_null(h);
    assert_int_equal(xg_hmac_sign(h, msg, msg_len, mac), XG_OK);
    assert_int_equal(xg_hex_encode(mac, sizeof(mac), hex, sizeof(hex)), XG_OK);
    /* RFC 4231 case 5 gives only the first 128 bits. */
    assert_memory_equal(hex, want_hex, strlen(want_hex));
    xg_hmac_destroy(&h);
    assert_null(h);
}

static void
test_hmac_rfc4231_cases(void **state)
{
    (void)state;
    uint8_t key[131];
    uint8_t data[50];

    memset(key, 0x0b, 20);
    assert_hmac_hex(key, 20, "Hi There", 8,
                    "b0344c61d8db38535ca8afceaf0bf12b"
                    "881dc200c9833da726e9376c2e32cff7");
    assert_hmac_hex("Jefe", 4, "what do ya want for nothing?", 28,
                    "5bdcc146bf60754e6a042426089575c7"
                    "5a003f089d2739839dec58b964ec3843");
    memset(key, 0xaa, 20);
    memset(data, 0xdd, 50);
    assert_hmac_hex(key, 20, data, 50,
                    "773ea91e36800e46854db8ebd09181a7"
                    "2959098b3ef8c122d9635514ced565fe");
    for (size_t i = 0; i < 25; i++) {
        key[i] = (uint8_t)(i + 1);
    }
    memset(data, 0xcd, 50);
    assert_hmac_hex(key, 25, data, 50,
                    "82558a389a443c0ea4cc819899f2083a"
                    "85f0faa3e578f8077a2e3ff46729665b");
    memset(key, 0x0c, 20);
    assert_hmac_hex(key, 20, "Test With Truncation", 20,
                    "a3b6167473100ee06e0c796c2955552b");
}

static void
test_hmac_hashes_key_longer_than_block(void **state)
{
    (void)state;
    static const char msg6[] =
        "Test Using Larger Than Block-Size Key - Hash Key First";
    static const char msg7[] =
        "This is a test using a larger than block-size key and a larger "
        "than block-size data. The key needs to be hashed before being "
        "used by the HMAC algorithm.";
    uint8_t key[131];

    memset(key, 0xaa, sizeof(key));
    assert_hmac_hex(key, sizeof(key), msg6, strlen(msg6),
                    "60e431591ee0b67f0d8a26aacbf5b77f"
                    "8e0bc6213728c5140546040f0ee37f54");
    assert_hmac_hex(key, sizeof(key), msg7, strlen(msg7),
                    "9b09ffa71b942fcb27635fbcd5b0e944"
                    "bfdc63644f0713938a7f51535c3a35e2");
    /* Either side of the 64-byte block boundary (values computed with
     * Python's hmac module). */
    assert_hmac_hex(key, 64, "abc", 3,
                    "2f8cff867f2668ca93d3c5b03ba9f816"
                    "746742eda349b3bc4bb35aa27816754c");
    assert_hmac_hex(key, 65, "abc", 3,
                    "102ebc7ceb9dff09e5a77413a3cd6738"
                    "2908ece255487006eb0e1e1b801f9ce6");
}

static void
test_hmac_empty_key_and_message(void **state)
{
    (void)state;
    assert_hmac_hex("", 0, "", 0,
                    "b613679a0814d9ec772f95d778c35fc5"
                    "ff1697c493715653c6c712144292c5ad");
}

/* Binance's documented SIGNED request example (Spot API docs,
 * "SIGNED Endpoint Examples for POST /api/v3/order"). */
static const char binance_secret[] =
    "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j";
static const char binance_query[] =
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1"
    "&recvWindow=5000&timestamp=1499827319559";
static const char binance_sig[] =
    "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71";

static void
test_hmac_binance_doc_example(void **state)
{
    (void)state;
    assert_hmac_hex(binance_secret, strlen(binance_secret), binance_query,
                    strlen(binance_query), binance_sig);
}

static void
test_hmac_keyed_state_reused_for_many_messages(void **state)
{
    (void)state;
    xg_hmac *h = xg_hmac_new(binance_secret, strlen(binance_secret));
    uint8_t first[XG_SHA256_LEN];
    uint8_t mac[XG_SHA256_LEN];
    char hex[XG_HEX_SHA256_LEN + 1];

    assert_non_null(h);
    assert_int_equal(
        xg_hmac_sign(h, binance_query, strlen(binance_query), first), XG_OK);
    for (int i = 0; i < 1000; i++) {
        /* Interleave other messages: they must not leak into the state. */
        assert_int_equal(xg_hmac_sign(h, "x", (size_t)(i % 2), mac), XG_OK);
        assert_int_equal(
            xg_hmac_sign(h, binance_query, strlen(binance_query), mac), XG_OK);
        assert_memory_equal(mac, first, sizeof(mac));
    }
    assert_int_equal(xg_hex_encode(mac, sizeof(mac), hex, sizeof(hex)), XG_OK);
    assert_string_equal(hex, binance_sig);
    /* Two different messages give different MACs from the same state. */
    assert_int_equal(xg_hmac_sign(h, "a", 1, first), XG_OK);
    assert_int_equal(xg_hmac_sign(h, "b", 1, mac), XG_OK);
    assert_memory_not_equal(mac, first, sizeof(mac));
    xg_hmac_destroy(&h);
    xg_hmac_destroy(&h); /* NULL-safe */
    xg_hmac_destroy(NULL);
}

static void
test_hmac_refuses_null_arguments(void **state)
{
    (void)state;
    uint8_t mac[XG_SHA256_LEN];
    xg_hmac *h = xg_hmac_new("k", 1);

    assert_null(xg_hmac_new(NULL, 5));
    assert_int_equal(xg_hmac_sign(NULL, "a", 1, mac), XG_ERR_INVALID);
    assert_int_equal(xg_hmac_sign(h, NULL, 1, mac), XG_ERR_INVALID);
    assert_int_equal(xg_hmac_sign(h, NULL, 0, mac), XG_OK);
    xg_hmac_destroy(&h);
}

static void
test_hex_encode_lower_case_and_bounds(void **state)
{
    (void)state;
    static const uint8_t in[] = {0x00, 0x7f, 0xab, 0xff};
    char out[9];

    assert_int_equal(xg_hex_encode(in, 4, out, sizeof(out)), XG_OK);
    assert_string_equal(out, "007fabff");
    assert_int_equal(xg_hex_encode(in, 4, out, 8), XG_ERR_TRUNCATED);
    assert_string_equal(out, "");
    assert_int_equal(xg_hex_encode(in, 0, out, 1), XG_OK);
    assert_string_equal(out, "");
}

static void
assert_b64(const char *in, const char *want)
{
    char out[64];
    assert_int_equal(
        xg_base64_encode((const uint8_t *)in, strlen(in), out, sizeof(out)),
        XG_OK);
    assert_string_equal(out, want);
}

static void
test_base64_rfc4648_vectors(void **state)
{
    (void)state;
    assert_b64("", "");
    assert_b64("f", "Zg==");
    assert_b64("fo", "Zm8=");
    assert_b64("foo", "Zm9v");
    assert_b64("foob", "Zm9vYg==");
    assert_b64("fooba", "Zm9vYmE=");
    assert_b64("foobar", "Zm9vYmFy");
}

static void
test_base64_binary_and_bounds(void **state)
{
    (void)state;
    static const uint8_t in[] = {0xfb, 0xff, 0xbf};
    uint8_t mac[XG_SHA256_LEN];
    char out[XG_B64_SHA256_LEN + 1];

    assert_int_equal(xg_base64_encode(in, 3, out, 5), XG_OK);
    assert_string_equal(out, "+/+/");
    assert_int_equal(xg_base64_encode(in, 3, out, 4), XG_ERR_TRUNCATED);
    assert_string_equal(out, "");
    /* A SHA-256 fills exactly XG_B64_SHA256_LEN characters. */
    memset(mac, 0x5a, sizeof(mac));
    assert_int_equal(xg_base64_encode(mac, sizeof(mac), out, sizeof(out)),
                     XG_OK);
    assert_int_equal(strlen(out), XG_B64_SHA256_LEN);
    assert_int_equal(xg_base64_encode(mac, sizeof(mac), out, sizeof(out) - 1),
                     XG_ERR_TRUNCATED);
}

static void
test_wipe_clears_memory(void **state)
{
    (void)state;
    uint8_t secret[16];
    static const uint8_t zero[16];
    memset(secret, 0x42, sizeof(secret));
    xg_wipe(secret, sizeof(secret));
    assert_memory_equal(secret, zero, sizeof(zero));
    xg_wipe(NULL, 0);
}

/* RFC 4231 case 2 as the text venues send, and too small an output. */
static void
test_hmac_sign_text_hex_and_base64(void **state)
{
    (void)state;
    xg_hmac *h = xg_hmac_new("Jefe", 4);
    char hex[XG_HEX_SHA256_LEN + 1];
    char b64[XG_B64_SHA256_LEN + 1];
    assert_non_null(h);
    assert_int_equal(xg_hmac_sign_hex(h, "what do ya want for nothing?", 28,
                                      hex, sizeof hex),
                     XG_OK);
    assert_string_equal(
        hex,
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assert_int_equal(xg_hmac_sign_base64(h, "what do ya want for nothing?", 28,
                                         b64, sizeof b64),
                     XG_OK);
    assert_string_equal(b64, "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
    assert_int_not_equal(xg_hmac_sign_hex(h, "x", 1, hex, XG_HEX_SHA256_LEN),
                         XG_OK);
    assert_int_not_equal(xg_hmac_sign_base64(h, "x", 1, b64, XG_B64_SHA256_LEN),
                         XG_OK);
    xg_hmac_destroy(&h);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hmac_rfc4231_cases),
        cmocka_unit_test(test_hmac_hashes_key_longer_than_block),
        cmocka_unit_test(test_hmac_empty_key_and_message),
        cmocka_unit_test(test_hmac_binance_doc_example),
        cmocka_unit_test(test_hmac_keyed_state_reused_for_many_messages),
        cmocka_unit_test(test_hmac_refuses_null_arguments),
        cmocka_unit_test(test_hex_encode_lower_case_and_bounds),
        cmocka_unit_test(test_base64_rfc4648_vectors),
        cmocka_unit_test(test_base64_binary_and_bounds),
        cmocka_unit_test(test_wipe_clears_memory),
        cmocka_unit_test(test_hmac_sign_text_hex_and_base64),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
