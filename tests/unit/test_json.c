/*
 * test_json.c - the strict JSON reader: what it accepts, what it refuses
 * and why, navigation, decoding and integer limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xgate/error.h"
#include "xgate/json.h"

enum { CAP = 64 };

static xg_json_tok toks[CAP];

static xg_err
parse(xg_json *j, const char *text)
{
    return xg_json_parse(j, text, strlen(text), toks, CAP);
}

static void
test_json_accepts_every_kind_of_value(void **state)
{
    (void)state;
    xg_json j;
    const char *ok[] = {"{}", "[]", "\"\"", "0", "-0", "12.5e-3", "1E+9",
                        "true", "false", "null", " \t\r\n{ \"a\" : [ 1 , 2 ] } ",
                        "[[[]],{},\"x\"]", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\""};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(parse(&j, ok[i]), XG_OK);
    }
}

static void
test_json_refuses_malformed_text_and_says_where(void **state)
{
    (void)state;
    xg_json j;
    const char *bad[] = {
        "",          "   ",        "{",          "[1,]",       "{\"a\":1,}",
        "{\"a\" 1}", "{a:1}",      "{'a':1}",    "01",         "-",
        "1.",        ".5",         "1e",         "+1",         "tru",
        "nul",       "\"abc",      "{} {}",      "[1 2]",      "\"\\x\"",
        "\"\\u12\"", "\"\\uD800\"", "\"\\uDC00x\"", "\"\\uD800\\u0041\"",
        "\"\\u0000\"", "\"\x01\"",  "\"\xc0\x80\"", "\"\xed\xa0\x80\"",
        "\"\xf5\x80\x80\x80\"",   "\"\xe2\x82\"", "NaN",        "Infinity"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(&j, bad[i]), XG_ERR_INVALID);
        assert_true(j.err_what[0] != '\0');
        assert_true(j.err_pos <= strlen(bad[i]));
    }
    /* Bytes past len are not read, and a NUL inside is just a bad byte. */
    assert_int_equal(xg_json_parse(&j, "{}xyz", 2, toks, CAP), XG_OK);
    assert_int_equal(xg_json_parse(&j, "{\0}", 3, toks, CAP), XG_ERR_INVALID);
}

static void
test_json_bounds_nesting_and_token_count(void **state)
{
    (void)state;
    xg_json j;
    char deep[2 * XG_JSON_DEPTH_MAX + 3];
    size_t n = 0;
    for (int i = 0; i < XG_JSON_DEPTH_MAX; i++) {
        deep[n++] = '[';
    }
    for (int i = 0; i < XG_JSON_DEPTH_MAX; i++) {
        deep[n++] = ']';
    }
    assert_int_equal(xg_json_parse(&j, deep, n, toks, CAP), XG_OK);
    char deeper[2 * XG_JSON_DEPTH_MAX + 3];
    deeper[0] = '[';
    memcpy(deeper + 1, deep, n);
    deeper[n + 1] = ']';
    assert_int_equal(xg_json_parse(&j, deeper, n + 2, toks, CAP),
                     XG_ERR_OVERFLOW);
    /* Three values need three tokens. */
    assert_int_equal(xg_json_parse(&j, "[1,2]", 5, toks, 2), XG_ERR_OVERFLOW);
    assert_int_equal(xg_json_parse(&j, "[1,2]", 5, toks, 3), XG_OK);
}

static void
test_json_navigates_objects_and_arrays(void **state)
{
    (void)state;
    xg_json j;
    assert_int_equal(parse(&j, "{\"a\":{\"x\":[1,{\"y\":2}]},\"b\":\"hi\","
                               "\"c\":null}"),
                     XG_OK);
    assert_int_equal(xg_json_type_of(&j, 0), XG_JSON_OBJECT);
    assert_int_equal(j.tok[0].count, 3);
    size_t a, b, c, x, y;
    assert_int_equal(xg_json_get(&j, 0, "a", &a), XG_OK);
    assert_int_equal(xg_json_get(&j, 0, "b", &b), XG_OK);
    assert_int_equal(xg_json_get(&j, 0, "c", &c), XG_OK);
    assert_int_equal(xg_json_type_of(&j, c), XG_JSON_NULL);
    assert_true(xg_json_is_string_eq(&j, b, "hi"));
    assert_int_equal(xg_json_get(&j, a, "x", &x), XG_OK);
    assert_int_equal(xg_json_type_of(&j, x), XG_JSON_ARRAY);
    assert_int_equal(j.tok[x].count, 2);
    size_t second = j.tok[x + 1].next;
    assert_int_equal(xg_json_get(&j, second, "y", &y), XG_OK);
    int64_t v;
    assert_int_equal(xg_json_int64(&j, y, &v), XG_OK);
    assert_int_equal(v, 2);
    assert_int_equal(xg_json_get(&j, 0, "y", &y), XG_ERR_NOT_FOUND);
    assert_int_equal(xg_json_get(&j, x, "y", &y), XG_ERR_INVALID);
}

static void
test_json_reports_a_repeated_key(void **state)
{
    (void)state;
    xg_json j;
    size_t v;
    assert_int_equal(parse(&j, "{\"status\":\"NEW\",\"status\":\"FILLED\"}"),
                     XG_OK);
    assert_int_equal(xg_json_get(&j, 0, "status", &v), XG_ERR_EXISTS);
    /* An escaped spelling is the same key. */
    assert_int_equal(parse(&j, "{\"status\":1,\"\\u0073tatus\":2}"), XG_OK);
    assert_int_equal(xg_json_get(&j, 0, "status", &v), XG_ERR_EXISTS);
}

static void
test_json_decodes_escapes_and_cuts_safely(void **state)
{
    (void)state;
    xg_json j;
    char out[32];
    size_t n;
    assert_int_equal(parse(&j, "\"a\\\"b\\\\c\\/\\n\\u00e9\\uD83D\\uDE00\""),
                     XG_OK);
    assert_int_equal(xg_json_string(&j, 0, out, sizeof out, &n), XG_OK);
    assert_string_equal(out, "a\"b\\c/\n\xc3\xa9\xf0\x9f\x98\x80");
    assert_int_equal(n, strlen(out));
    assert_int_equal(xg_json_string(&j, 0, out, 4, &n), XG_ERR_TRUNCATED);
    assert_string_equal(out, "a\"b");
    /* A multi-byte character that does not fit is left out whole. */
    assert_int_equal(parse(&j, "\"ab\\u00e9\""), XG_OK);
    assert_int_equal(xg_json_string(&j, 0, out, 4, &n), XG_ERR_TRUNCATED);
    assert_string_equal(out, "ab");
    assert_true(xg_json_is_string_eq(&j, 0, "ab\xc3\xa9"));
    assert_false(xg_json_is_string_eq(&j, 0, "ab"));
    assert_false(xg_json_is_string_eq(&j, 0, "ab\xc3\xa9x"));
    assert_int_equal(parse(&j, "1"), XG_OK);
    assert_int_equal(xg_json_string(&j, 0, out, sizeof out, &n),
                     XG_ERR_INVALID);
    assert_false(xg_json_is_string_eq(&j, 0, "1"));
}

static void
test_json_integers_are_exact_to_their_limits(void **state)
{
    (void)state;
    xg_json j;
    int64_t v;
    assert_int_equal(parse(&j, "9223372036854775807"), XG_OK);
    assert_int_equal(xg_json_int64(&j, 0, &v), XG_OK);
    assert_true(v == INT64_MAX);
    assert_int_equal(parse(&j, "-9223372036854775808"), XG_OK);
    assert_int_equal(xg_json_int64(&j, 0, &v), XG_OK);
    assert_true(v == INT64_MIN);
    assert_int_equal(parse(&j, "9223372036854775808"), XG_OK);
    assert_int_equal(xg_json_int64(&j, 0, &v), XG_ERR_OVERFLOW);
    assert_int_equal(parse(&j, "-9223372036854775809"), XG_OK);
    assert_int_equal(xg_json_int64(&j, 0, &v), XG_ERR_OVERFLOW);
    assert_int_equal(parse(&j, "1.5"), XG_OK);
    assert_int_equal(xg_json_int64(&j, 0, &v), XG_ERR_INVALID);
    assert_int_equal(parse(&j, "1e3"), XG_OK);
    assert_int_equal(xg_json_int64(&j, 0, &v), XG_ERR_INVALID);
    assert_int_equal(parse(&j, "\"7\""), XG_OK);
    assert_int_equal(xg_json_int64(&j, 0, &v), XG_ERR_INVALID);
}

static void
test_json_grows_its_tokens_only_as_far_as_allowed(void **state)
{
    (void)state;
    char text[4096];
    size_t n = 0;
    text[n++] = '[';
    for (int i = 0; i < 1000; i++) {
        text[n++] = '0';
        text[n++] = ',';
    }
    text[n - 1] = ']';
    xg_json j;
    xg_json_store store = {NULL, NULL, 0};
    assert_int_equal(xg_json_parse_grow(&j, text, n, &store, 1000),
                     XG_ERR_OVERFLOW);
    assert_int_equal(store.cap, 1000);
    assert_int_equal(xg_json_parse_grow(&j, text, n, &store, 4096),
                     XG_OK);
    assert_int_equal(j.n_tok, 1001);
    /* Kept: the next parse of the same size allocates nothing. */
    xg_json_tok *kept = store.toks;
    assert_int_equal(xg_json_parse_grow(&j, text, n, &store, 4096),
                     XG_OK);
    assert_ptr_equal(store.toks, kept);
    /* Too deep is not a reason to grow. */
    size_t before = store.cap;
    assert_int_equal(xg_json_parse_grow(&j, "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                                            "[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]"
                                            "]]]]]]]]]]]]]]",
                                        76, &store, 1u << 20),
                     XG_ERR_OVERFLOW);
    assert_int_equal(store.cap, before);
    /* Trimmed only when grown past what a store keeps. */
    xg_json_store_trim(&store);
    assert_ptr_equal(store.toks, kept);
    xg_json_store_free(&store);
    assert_null(store.toks);
}

/* An object of XG_JSON_INDEX_MIN names or more is indexed: every name is
 * found, an absent one is not, a repeated one is refused, as in the pass
 * over every name made in an object left without an index (here one with
 * an escaped name). */
static void
test_json_indexed_lookups_answer_as_a_pass_does(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "{\"instId\":\"BTC-USDT\",\"ordId\":\"1\",\"clOrdId\":\"a\","
        "\"px\":\"1\",\"sz\":\"2\",\"state\":\"live\",\"fee\":\"0\","
        "\"feeCcy\":\"BTC\",\"nested\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4,"
        "\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"px\":9},\"tradeId\":\"7\"}",
        "{\"instId\":\"BTC-USDT\",\"ordId\":\"1\",\"clOrdId\":\"a\","
        "\"px\":\"1\",\"sz\":\"2\",\"st\\u0061te\":\"live\",\"fee\":\"0\","
        "\"feeCcy\":\"BTC\",\"nested\":{\"a\":1,\"b\":2,\"c\":3,\"d\":4,"
        "\"e\":5,\"f\":6,\"g\":7,\"h\":8,\"px\":9},\"tradeId\":\"7\"}",
    };
    for (size_t t = 0; t < 2; t++) {
        xg_json_tok tok[64];
        uint64_t index[64];
        xg_json j;
        assert_int_equal(xg_json_parse_indexed(&j, texts[t], strlen(texts[t]),
                                               tok, index, 64),
                         XG_OK);
        /* The first has both objects indexed; the second only the nested
         * one (its own names hold an escape). */
        assert_int_equal(tok[0].aux != 0, t == 0);
        size_t v = 0, nested = 0;
        assert_int_equal(xg_json_get(&j, 0, "nested", &nested), XG_OK);
        assert_true(tok[nested].aux != 0);
        static const char *const keys[] = {"instId", "ordId", "clOrdId",
                                           "px",     "sz",    "fee",
                                           "feeCcy", "tradeId", "state"};
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            assert_int_equal(xg_json_get(&j, 0, keys[k], &v), XG_OK);
            assert_int_equal(xg_json_type_of(&j, v), XG_JSON_STRING);
        }
        assert_true(xg_json_is_string_eq(&j, v, "live"));
        assert_int_equal(xg_json_get(&j, 0, "absent", &v), XG_ERR_NOT_FOUND);
        assert_int_equal(xg_json_get(&j, 0, "", &v), XG_ERR_NOT_FOUND);
        assert_int_equal(xg_json_get(&j, nested, "px", &v), XG_OK);
        assert_int_equal(xg_json_type_of(&j, v), XG_JSON_NUMBER);
        assert_int_equal(xg_json_get(&j, nested, "instId", &v),
                         XG_ERR_NOT_FOUND);
    }
    /* A repeated name in an indexed object. */
    const char *dup = "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5,\"f\":6,"
                      "\"g\":7,\"a\":8}";
    xg_json_tok tok[32];
    uint64_t index[32];
    xg_json j;
    size_t v = 0;
    assert_int_equal(
        xg_json_parse_indexed(&j, dup, strlen(dup), tok, index, 32), XG_OK);
    assert_true(tok[0].aux != 0);
    assert_int_equal(xg_json_get(&j, 0, "a", &v), XG_ERR_EXISTS);
    assert_int_equal(xg_json_get(&j, 0, "g", &v), XG_OK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_indexed_lookups_answer_as_a_pass_does),
        cmocka_unit_test(test_json_accepts_every_kind_of_value),
        cmocka_unit_test(test_json_refuses_malformed_text_and_says_where),
        cmocka_unit_test(test_json_bounds_nesting_and_token_count),
        cmocka_unit_test(test_json_navigates_objects_and_arrays),
        cmocka_unit_test(test_json_reports_a_repeated_key),
        cmocka_unit_test(test_json_decodes_escapes_and_cuts_safely),
        cmocka_unit_test(test_json_integers_are_exact_to_their_limits),
        cmocka_unit_test(test_json_grows_its_tokens_only_as_far_as_allowed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
