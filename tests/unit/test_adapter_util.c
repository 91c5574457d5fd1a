/*
 * test_adapter_util.c - the shared adapter helpers: printable venue text,
 * padded decimals, digit strings, option values, header-safe credentials
 * and the classification of malformed bodies.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xgate/adapter_util.h"

static void
test_copy_printable_replaces_control_and_high_bytes(void **state)
{
    char dst[16];

    (void)state;
    xg_copy_printable(dst, sizeof(dst), "a\nb\x01\xff~ z", 8);
    assert_string_equal(dst, "a?b??~ z");
    /* len, not the NUL, bounds the source */
    xg_copy_printable(dst, sizeof(dst), "a\0b", 3);
    assert_string_equal(dst, "a?b");
}

static void
test_copy_printable_truncates_to_capacity(void **state)
{
    char dst[4];

    (void)state;
    memset(dst, 'x', sizeof(dst));
    xg_copy_printable(dst, sizeof(dst), "abcdef", 6);
    assert_string_equal(dst, "abc");
    xg_copy_printable(dst, 1, "abcdef", 6);
    assert_string_equal(dst, "");
    xg_copy_printable(dst, sizeof(dst), "", 0);
    assert_string_equal(dst, "");
}

static void
test_contains_nocase_ignores_ascii_case_only(void **state)
{
    (void)state;
    assert_true(xg_contains_nocase("Order Does Not Exist", "does not exist"));
    assert_true(xg_contains_nocase("TOO MANY", "many"));
    assert_false(xg_contains_nocase("insufficient", "balance"));
    assert_false(xg_contains_nocase("ab", "abc"));
    assert_true(xg_contains_nocase("x", ""));
    assert_false(xg_contains_nocase("", ""));
    assert_false(xg_contains_nocase("[", "{")); /* not letters: exact */
    assert_int_equal(xg_ascii_lower('Q'), 'q');
    assert_int_equal(xg_ascii_lower('@'), '@');
    assert_int_equal(xg_ascii_lower(0xC9), 0xC9);
}

static void
test_text_copy_classifies_empty_nul_and_long(void **state)
{
    char dst[4] = "zzz";

    (void)state;
    assert_int_equal(xg_text_copy("abc", 3, dst, sizeof(dst)), XG_OK);
    assert_string_equal(dst, "abc");
    assert_int_equal(xg_text_copy("abcd", 4, dst, sizeof(dst)),
                     XG_ERR_TRUNCATED);
    assert_string_equal(dst, "abc"); /* untouched on error */
    assert_int_equal(xg_text_copy("", 0, dst, sizeof(dst)), XG_ERR_NOT_FOUND);
    assert_int_equal(xg_text_copy("a\0b", 3, dst, sizeof(dst)),
                     XG_ERR_BAD_FIELD);
    assert_int_equal(xg_text_copy("ab", 2, dst, sizeof(dst)), XG_OK);
    assert_string_equal(dst, "ab");
}

static void
test_decimal_parse_padded_drops_fraction_padding_only(void **state)
{
    xg_decimal d = {-1, 99};

    (void)state;
    assert_int_equal(xg_decimal_parse_padded("0.01000000", 10, &d), XG_OK);
    assert_int_equal(d.units, 1);
    assert_int_equal(d.scale, 2);
    assert_int_equal(xg_decimal_parse_padded("100", 3, &d), XG_OK);
    assert_int_equal(d.units, 100);
    assert_int_equal(d.scale, 0);
    assert_int_equal(xg_decimal_parse_padded("100.000", 7, &d), XG_OK);
    assert_int_equal(d.units, 100);
    assert_int_equal(d.scale, 0);
    assert_int_equal(xg_decimal_parse_padded("-1.50", 5, &d), XG_OK);
    assert_int_equal(d.units, -15);
    assert_int_equal(d.scale, 1);
    /* 30 places of padding would exceed XG_DECIMAL_MAX_SCALE untrimmed */
    assert_int_equal(
        xg_decimal_parse_padded("1.000000000000000000000000000000", 32, &d),
        XG_OK);
    assert_int_equal(d.units, 1);
    assert_int_equal(xg_decimal_parse_padded("", 0, &d), XG_ERR_BAD_DECIMAL);
    assert_int_equal(xg_decimal_parse_padded(".", 1, &d), XG_ERR_BAD_DECIMAL);
    assert_int_equal(xg_decimal_parse_padded("1e5", 3, &d), XG_ERR_BAD_DECIMAL);
}

static void
test_amount_parse_refuses_negative(void **state)
{
    xg_decimal d = {0, 0};

    (void)state;
    assert_int_equal(xg_amount_parse("0.00100000", 10, &d), XG_OK);
    assert_int_equal(d.units, 1);
    assert_int_equal(d.scale, 3);
    assert_int_equal(xg_amount_parse("0", 1, &d), XG_OK);
    assert_int_equal(xg_amount_parse("-0.1", 4, &d), XG_ERR_BAD_FIELD);
    assert_int_equal(xg_amount_parse("abc", 3, &d), XG_ERR_BAD_DECIMAL);
}

static void
test_digits_i64_accepts_digits_only_and_detects_overflow(void **state)
{
    int64_t v = -7;

    (void)state;
    assert_int_equal(xg_digits_i64("0", 1, &v), XG_OK);
    assert_int_equal(v, 0);
    assert_int_equal(xg_digits_i64("9223372036854775807", 19, &v), XG_OK);
    assert_true(v == INT64_MAX);
    v = -7;
    assert_int_equal(xg_digits_i64("9223372036854775808", 19, &v),
                     XG_ERR_OVERFLOW);
    assert_int_equal(xg_digits_i64("99999999999999999999999", 23, &v),
                     XG_ERR_OVERFLOW);
    assert_int_equal(xg_digits_i64("", 0, &v), XG_ERR_INVALID);
    assert_int_equal(xg_digits_i64("-1", 2, &v), XG_ERR_INVALID);
    assert_int_equal(xg_digits_i64("1 ", 2, &v), XG_ERR_INVALID);
    assert_int_equal(xg_digits_i64("12", 1, &v), XG_OK); /* len bounds */
    assert_int_equal(v, 1);
}

static void
test_header_i64_trims_spaces_and_tabs(void **state)
{
    int64_t v = 0;

    (void)state;
    assert_int_equal(xg_header_i64(" \t42\t ", 6, &v), XG_OK);
    assert_int_equal(v, 42);
    assert_int_equal(xg_header_i64("   ", 3, &v), XG_ERR_INVALID);
    assert_int_equal(xg_header_i64("", 0, &v), XG_ERR_INVALID);
    assert_int_equal(xg_header_i64("4 2", 3, &v), XG_ERR_INVALID);
    assert_int_equal(xg_header_i64("1\r", 2, &v), XG_ERR_INVALID);
    assert_int_equal(xg_header_i64(" 99999999999999999999", 21, &v),
                     XG_ERR_OVERFLOW);
}

static void
test_option_i64_checks_syntax_and_range(void **state)
{
    int64_t v = -1;

    (void)state;
    assert_int_equal(xg_option_i64("5000", 1, 60000, &v), XG_OK);
    assert_int_equal(v, 5000);
    v = -1;
    assert_int_equal(xg_option_i64("0", 1, 60000, &v), XG_ERR_OVERFLOW);
    assert_int_equal(xg_option_i64("60001", 1, 60000, &v), XG_ERR_OVERFLOW);
    assert_int_equal(xg_option_i64("99999999999999999999999", 0, 50, &v),
                     XG_ERR_OVERFLOW);
    assert_int_equal(xg_option_i64("5e3", 1, 60000, &v), XG_ERR_INVALID);
    assert_int_equal(xg_option_i64(" 5000", 1, 60000, &v), XG_ERR_INVALID);
    assert_int_equal(xg_option_i64("-1", 0, 50, &v), XG_ERR_INVALID);
    assert_int_equal(xg_option_i64("", 0, 50, &v), XG_ERR_INVALID);
    assert_int_equal(xg_option_i64(NULL, 0, 50, &v), XG_ERR_INVALID);
    assert_int_equal(v, -1); /* untouched on every error */
    assert_int_equal(xg_option_i64("0", 0, 50, &v), XG_OK);
    assert_int_equal(v, 0);
}

static void
test_adapter_err_formats_and_cuts_the_key(void **state)
{
    char err[128];
    char small[8];
    const char *long_key = "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk";

    (void)state;
    xg_adapter_err(err, sizeof(err), "okx", "option ", "window_ms",
                   " must be an integer 1..60000");
    assert_string_equal(err,
                        "okx: option window_ms must be an integer 1..60000");
    xg_adapter_err(err, sizeof(err), "bybit", "options missing", NULL, NULL);
    assert_string_equal(err, "bybit: options missing");
    xg_adapter_err(err, sizeof(err), "kucoin", "unknown option ", long_key, "");
    assert_int_equal(strlen(err), strlen("kucoin: unknown option ") + 40);
    xg_adapter_err(small, sizeof(small), "binance", "x", NULL, NULL);
    assert_string_equal(small, "binance");
    xg_adapter_err(NULL, 10, "binance", "x", NULL, NULL); /* no crash */
    small[0] = 'q';
    xg_adapter_err(small, 0, "binance", "x", NULL, NULL);
    assert_int_equal(small[0], 'q');
}

static void
test_is_header_safe_refuses_splitters(void **state)
{
    (void)state;
    assert_true(xg_is_header_safe("abcDEF123-_", 64, 0));
    assert_false(xg_is_header_safe("", 64, 0));
    assert_false(xg_is_header_safe("a b", 64, 0));
    assert_true(xg_is_header_safe("a b", 64, 1));
    assert_false(xg_is_header_safe("a\r\nX: y", 64, 1));
    assert_false(xg_is_header_safe("a\tb", 64, 1));
    assert_false(xg_is_header_safe("caf\xc3\xa9", 64, 1));
    assert_false(xg_is_header_safe("a\x7f", 64, 1));
    assert_true(xg_is_header_safe("abc", 4, 0));
    assert_false(xg_is_header_safe("abcd", 4, 0)); /* needs room for NUL */
}

static void
test_share_pct_rounds_down_without_overflow(void **state)
{
    (void)state;
    assert_int_equal(xg_share_pct(1200, 10), 120);
    assert_int_equal(xg_share_pct(99, 50), 49);
    assert_int_equal(xg_share_pct(7, 0), 0);
    assert_int_equal(xg_share_pct(1, 100), 1);
    assert_true(xg_share_pct(INT64_MAX, 50) == INT64_MAX / 2);
}

static void
test_i64_text_writes_or_reports_truncation(void **state)
{
    char buf[20];
    char tiny[3];

    (void)state;
    assert_int_equal(xg_i64_text(1700000000000, buf, sizeof(buf)), XG_OK);
    assert_string_equal(buf, "1700000000000");
    assert_int_equal(xg_i64_text(-5, buf, sizeof(buf)), XG_OK);
    assert_string_equal(buf, "-5");
    assert_int_equal(xg_i64_text(12345, tiny, sizeof(tiny)), XG_ERR_TRUNCATED);
}

static void
test_bad_body_is_unknown_only_for_mutating_ops(void **state)
{
    xg_result res;
    char why[300];

    (void)state;
    memset(&res, 0, sizeof(res));
    xg_result_bad_body(XG_OP_NEW_ORDER, "expected\nobject", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    assert_string_equal(res.venue_msg, "expected?object");
    xg_result_bad_body(XG_OP_CANCEL_ORDER, "x", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    xg_result_bad_body(XG_OP_QUERY_ORDER, "x", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    xg_result_bad_body(XG_OP_SERVER_TIME, "x", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_true(xg_op_is_mutating(XG_OP_NEW_ORDER));
    assert_false(xg_op_is_mutating(XG_OP_OPEN_ORDERS));

    memset(why, 'w', sizeof(why) - 1);
    why[sizeof(why) - 1] = '\0';
    xg_result_bad_body(XG_OP_INSTRUMENTS, why, &res);
    assert_int_equal(strlen(res.venue_msg), sizeof(res.venue_msg) - 1);
}

/* One error-table row: every field that is set must fit, unset ones match
 * anything. */
static void
test_err_match_needs_every_set_field_to_fit(void **state)
{
    (void)state;
    const xg_err_match any = {0, 0, 0, NULL, 0};
    assert_true(xg_err_match_fits(&any, XG_OP_NEW_ORDER, 200, 0, 0, NULL));
    const xg_err_match ban = {418, 418, -1003, "banned until",
                              XG_OP_BIT(XG_OP_NEW_ORDER)};
    assert_true(xg_err_match_fits(&ban, XG_OP_NEW_ORDER, 418, 1, -1003,
                                  "IP BANNED UNTIL 1"));
    assert_false(xg_err_match_fits(&ban, XG_OP_NEW_ORDER, 429, 1, -1003,
                                   "IP banned until 1"));
    assert_false(xg_err_match_fits(&ban, XG_OP_NEW_ORDER, 418, 0, 0,
                                   "IP banned until 1"));
    assert_false(xg_err_match_fits(&ban, XG_OP_NEW_ORDER, 418, 1, -1003,
                                   "too many requests"));
    assert_false(xg_err_match_fits(&ban, XG_OP_QUERY_ORDER, 418, 1, -1003,
                                   "IP banned until 1"));
    assert_false(xg_err_match_fits(&ban, XG_OP_NEW_ORDER, 418, 1, -1003, NULL));
    const xg_err_match fivexx = {500, 599, 0, NULL, 0};
    assert_true(
        xg_err_match_fits(&fivexx, XG_OP_CANCEL_ORDER, 503, 0, 0, NULL));
    assert_false(
        xg_err_match_fits(&fivexx, XG_OP_CANCEL_ORDER, 499, 0, 0, NULL));
    /* The read set holds every read, the last kinds of the ABI included
     * (an order's fills is a read that fails as VENUE_DOWN on a 5xx),
     * and no kind beyond them. */
    const xg_err_match reads = {500, 599, 0, NULL, XG_OPS_READ};
    assert_true(xg_err_match_fits(&reads, XG_OP_ORDER_FILLS, 503, 0, 0, NULL));
    assert_true(xg_err_match_fits(&reads, XG_OP_BALANCES, 503, 0, 0, NULL));
    assert_false(xg_err_match_fits(&reads, XG_OP_NEW_ORDER, 503, 0, 0, NULL));
    assert_false(xg_err_match_fits(&reads, (xg_op_kind)(XG_OP_KIND_MAX + 1),
                                   503, 0, 0, NULL));
    const xg_err_match token = {0, 0, 0, NULL, XG_OP_BIT(XG_OP_STREAM_TOKEN)};
    assert_true(xg_err_match_fits(&token, XG_OP_STREAM_TOKEN, 500, 0, 0, NULL));
}

/* A table lookup: first fitting rule wins and says outcome, reason and
 * wait; the code and the (labelled, printable) message are recorded;
 * nothing fitting is a plain rejection. */
static void
test_err_rules_apply_takes_the_first_fitting_rule(void **state)
{
    (void)state;
    static const xg_err_rule rules[] = {
        XG_ERR_RULE(0, 0, -1003, "banned", XG_OPS_ALL, XG_OUTCOME_BANNED,
                    XG_ERR_BANNED, 0),
        XG_ERR_RULE(429, 429, 0, NULL, XG_OPS_ALL, XG_OUTCOME_RATE_LIMITED,
                    XG_ERR_RATE_LIMITED, 1000),
        {{403, 403, 0, NULL, XG_OPS_ALL},
         XG_OUTCOME_REJECTED,
         XG_ERR_REJECTED,
         0,
         7,
         "WAF"},
        XG_ERR_RULES_STATUS_UNKNOWN(500, 599, 0),
        XG_ERR_RULES_ODD_STATUS,
    };
    const size_t n = sizeof(rules) / sizeof(rules[0]);
    xg_result res;

    memset(&res, 0, sizeof res);
    const xg_err_rule *r = xg_err_rules_apply(
        rules, n, XG_OP_NEW_ORDER, 429, 1, -1003, "Way too many; banned", &res);
    assert_ptr_equal(r, &rules[0]);
    assert_int_equal(res.outcome, XG_OUTCOME_BANNED);
    assert_string_equal(res.venue_code, "-1003");

    memset(&res, 0, sizeof res);
    r = xg_err_rules_apply(rules, n, XG_OP_NEW_ORDER, 429, 1, -1003, "Too many",
                           &res);
    assert_ptr_equal(r, &rules[1]);
    assert_int_equal(res.outcome, XG_OUTCOME_RATE_LIMITED);
    assert_int_equal(res.retry_after_ms, 1000);

    memset(&res, 0, sizeof res);
    r = xg_err_rules_apply(rules, n, XG_OP_QUERY_ORDER, 403, 0, 0, "blocked\n",
                           &res);
    assert_int_equal(r->hint, 7);
    assert_string_equal(res.venue_code, "");
    assert_string_equal(res.venue_msg, "WAF: blocked?");

    memset(&res, 0, sizeof res);
    r = xg_err_rules_apply(rules, n, XG_OP_CANCEL_ORDER, 503, 0, 0, NULL, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(res.err, XG_ERR_UNKNOWN_STATUS);
    r = xg_err_rules_apply(rules, n, XG_OP_QUERY_ORDER, 503, 0, 0, NULL, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_VENUE_DOWN);
    r = xg_err_rules_apply(rules, n, XG_OP_NEW_ORDER, 302, 0, 0, NULL, &res);
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);

    memset(&res, 0, sizeof res);
    r = xg_err_rules_apply(rules, n, XG_OP_NEW_ORDER, 400, 1, 123, "no", &res);
    assert_null(r);
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_REJECTED);
    assert_string_equal(res.venue_code, "123");
    assert_string_equal(res.venue_msg, "no");
}

/* Ids and symbols that travel unencoded: [A-Za-z0-9_-], 1..cap-1 long. */
static void
test_is_plain_id_takes_letters_digits_dash_underscore(void **state)
{
    (void)state;
    assert_true(xg_is_plain_id("gw-0001_A", 16));
    assert_false(xg_is_plain_id("", 16));
    assert_false(xg_is_plain_id(NULL, 16));
    assert_false(xg_is_plain_id("a b", 16));
    assert_false(xg_is_plain_id("a%2C", 16));
    assert_false(xg_is_plain_id("abc\n", 16));
    assert_true(xg_is_plain_id("abc", 4));
    assert_false(xg_is_plain_id("abcd", 4));
}

static void
test_op_priority_ranks_cancels_then_orders_then_reads(void **state)
{
    (void)state;
    assert_int_equal(xg_op_priority(XG_OP_CANCEL_ORDER), XG_PRIO_CANCEL);
    assert_int_equal(xg_op_priority(XG_OP_NEW_ORDER), XG_PRIO_NEW);
    assert_int_equal(xg_op_priority(XG_OP_QUERY_ORDER), XG_PRIO_QUERY);
    assert_int_equal(xg_op_priority(XG_OP_OPEN_ORDERS), XG_PRIO_QUERY);
    assert_int_equal(xg_op_priority(XG_OP_SERVER_TIME), XG_PRIO_QUERY);
}

static void
test_symbol_join_builds_and_checks_the_unified_symbol(void **state)
{
    (void)state;
    char sym[XG_SYMBOL_MAX];
    assert_int_equal(xg_symbol_join("BTC", "USDT", sym), XG_OK);
    assert_string_equal(sym, "BTC/USDT");
    assert_int_equal(xg_symbol_join("btc", "USDT", sym), XG_ERR_BAD_SYMBOL);
    assert_int_equal(xg_symbol_join("", "USDT", sym), XG_ERR_BAD_SYMBOL);
    assert_int_equal(xg_symbol_join("BTC/X", "USDT", sym), XG_ERR_BAD_SYMBOL);
    assert_int_equal(
        xg_symbol_join("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "USDT", sym),
        XG_ERR_BAD_SYMBOL);
}

/* The key is copied and the secret keyed; a key too long fails with a
 * message naming the venue and never the credential. */
static void
test_adapter_keys_copies_the_key_and_keys_hmac(void **state)
{
    (void)state;
    xg_adapter_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.api_key = "KEY123";
    cfg.secret = "s3cr3t";
    char key[8];
    char err[128] = "";
    xg_hmac *h = NULL;
    assert_int_equal(
        xg_adapter_keys(&cfg, "demo", key, sizeof key, &h, err, sizeof err),
        XG_OK);
    assert_string_equal(key, "KEY123");
    assert_non_null(h);
    xg_hmac_destroy(&h);

    cfg.api_key = "KEY-MUCH-TOO-LONG";
    assert_int_equal(
        xg_adapter_keys(&cfg, "demo", key, sizeof key, &h, err, sizeof err),
        XG_ERR_SECRET);
    assert_null(h);
    assert_non_null(strstr(err, "demo"));
    assert_null(strstr(err, "KEY"));
    assert_null(strstr(err, "s3cr3t"));
}

/* The member readers over xgate/json.h: types checked, a repeated member
 * refused, optional limits read as zero when left out. */
static void
test_field_readers_check_type_and_refuse_repeats(void **state)
{
    (void)state;
    static const char body[] =
        "{\"id\":\"A1\",\"empty\":\"\",\"long\":\"abcdefghij\","
        "\"qty\":\"0.01000\",\"neg\":\"-1.5\",\"n\":42,\"s\":\"42\","
        "\"nul\":null,\"blank\":\"\",\"twice\":\"1\",\"twice\":\"2\"}";
    xg_json_tok tok[64];
    xg_json j;
    assert_int_equal(xg_json_parse(&j, body, sizeof body - 1, tok, 64), XG_OK);

    char text[8];
    assert_int_equal(xg_field_text(&j, 0, "id", text, sizeof text), XG_OK);
    assert_string_equal(text, "A1");
    assert_int_equal(xg_field_text(&j, 0, "empty", text, sizeof text),
                     XG_ERR_BAD_FIELD);
    assert_int_equal(xg_field_text(&j, 0, "long", text, sizeof text),
                     XG_ERR_TRUNCATED);
    assert_int_equal(xg_field_text(&j, 0, "n", text, sizeof text),
                     XG_ERR_BAD_FIELD);
    assert_int_equal(xg_field_text(&j, 0, "twice", text, sizeof text),
                     XG_ERR_BAD_FIELD);
    assert_int_equal(xg_field_name(&j, 0, "long", text, sizeof text), XG_OK);
    assert_string_equal(text, ""); /* too long: matches no name */
    assert_true(xg_field_has(&j, 0, "twice"));
    assert_false(xg_field_has(&j, 0, "absent"));

    xg_decimal d;
    assert_int_equal(xg_field_decimal(&j, 0, "qty", &d), XG_OK);
    assert_int_equal(d.units, 1);
    assert_int_equal(d.scale, 2);
    assert_int_equal(xg_field_decimal(&j, 0, "neg", &d), XG_OK);
    assert_int_equal(xg_field_amount(&j, 0, "neg", &d), XG_ERR_BAD_FIELD);
    assert_int_equal(xg_field_amount(&j, 0, "n", &d), XG_ERR_BAD_FIELD);

    int64_t v = 0;
    assert_int_equal(xg_field_i64(&j, 0, "n", &v), XG_OK);
    assert_int_equal(v, 42);
    assert_int_equal(xg_field_i64(&j, 0, "s", &v), XG_ERR_BAD_FIELD);
    assert_int_equal(xg_field_digits_or_zero(&j, 0, "s", &v), XG_OK);
    assert_int_equal(v, 42);
    assert_int_equal(xg_field_digits_or_zero(&j, 0, "blank", &v), XG_OK);
    assert_int_equal(v, 0);
    assert_int_equal(xg_field_digits_or_zero(&j, 0, "absent", &v), XG_OK);
    assert_int_equal(v, 0);
    assert_int_equal(xg_field_digits_or_zero(&j, 0, "n", &v),
                     XG_ERR_BAD_FIELD);
    assert_int_equal(xg_field_digits_or_zero(&j, 0, "qty", &v),
                     XG_ERR_BAD_FIELD);
    assert_int_equal(xg_field_digits_or_zero(&j, 0, "twice", &v),
                     XG_ERR_BAD_FIELD);

    const char *zero[] = {"absent", "nul", "blank"};
    for (size_t i = 0; i < 3; i++) {
        d.units = 7;
        assert_int_equal(xg_field_amount_or_zero(&j, 0, zero[i], &d), XG_OK);
        assert_int_equal(d.units, 0);
    }
    assert_int_equal(xg_field_amount_or_zero(&j, 0, "qty", &d), XG_OK);
    assert_int_equal(d.units, 1);
    assert_int_equal(xg_field_amount_or_zero(&j, 0, "twice", &d),
                     XG_ERR_BAD_FIELD);
    assert_int_equal(xg_field_amount_or_zero(&j, 0, "neg", &d),
                     XG_ERR_BAD_FIELD);
}

typedef struct opt_inst {
    int64_t window_ms;
    int64_t reserve_pct;
    int flag;
} opt_inst;

static xg_err
take_flag(void *inst, const xg_kv *kv, char *err, size_t err_len)
{
    if (strcmp(kv->key, "flag") != 0) {
        return XG_ERR_NOT_FOUND;
    }
    if (kv->value == NULL || strcmp(kv->value, "1") != 0) {
        xg_adapter_err(err, err_len, "demo", "option ", kv->key, " must be 1");
        return XG_ERR_CONFIG;
    }
    ((opt_inst *)inst)->flag = 1;
    return XG_OK;
}

/* Options: integers by table, the rest by the venue's handler, anything
 * else refused with one line naming the venue and the key. */
static void
test_adapter_options_apply_the_table_and_the_handler(void **state)
{
    (void)state;
    static const xg_option_spec specs[] = {
        {"window_ms", offsetof(opt_inst, window_ms), 1, 60000},
        {"reserve_pct", offsetof(opt_inst, reserve_pct), 0, 50},
    };
    opt_inst in = {0, 0, 0};
    char err[128] = "";
    xg_kv good[] = {{"window_ms", "2000"}, {"reserve_pct", "0"}, {"flag", "1"}};
    xg_adapter_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.options = good;
    cfg.n_options = 3;
    assert_int_equal(xg_adapter_options(&cfg, "demo", specs, 2, &in, take_flag,
                                        err, sizeof err),
                     XG_OK);
    assert_int_equal(in.window_ms, 2000);
    assert_int_equal(in.flag, 1);

    xg_kv range[] = {{"reserve_pct", "51"}};
    cfg.options = range;
    cfg.n_options = 1;
    assert_int_equal(
        xg_adapter_options(&cfg, "demo", specs, 2, &in, NULL, err, sizeof err),
        XG_ERR_CONFIG);
    assert_string_equal(err,
                        "demo: option reserve_pct must be an integer 0..50");
    xg_kv unknown[] = {{"flag", "1"}};
    cfg.options = unknown;
    assert_int_equal(
        xg_adapter_options(&cfg, "demo", specs, 2, &in, NULL, err, sizeof err),
        XG_ERR_CONFIG);
    assert_string_equal(err, "demo: unknown option flag");
    xg_kv bad_flag[] = {{"flag", "yes"}};
    cfg.options = bad_flag;
    assert_int_equal(xg_adapter_options(&cfg, "demo", specs, 2, &in, take_flag,
                                        err, sizeof err),
                     XG_ERR_CONFIG);
    assert_string_equal(err, "demo: option flag must be 1");
    xg_kv nameless[] = {{NULL, "1"}};
    cfg.options = nameless;
    assert_int_equal(
        xg_adapter_options(&cfg, "demo", specs, 2, &in, NULL, err, sizeof err),
        XG_ERR_CONFIG);
}

static void
test_check_credentials_names_what_is_missing_never_the_value(void **state)
{
    (void)state;
    xg_adapter_config cfg;
    char err[128];
    memset(&cfg, 0, sizeof cfg);
    assert_int_equal(
        xg_adapter_check_credentials(&cfg, "demo", 8, 0, err, sizeof err),
        XG_ERR_SECRET);
    assert_string_equal(err, "demo: api_key missing");
    cfg.api_key = "K\r\nX: 1";
    assert_int_equal(
        xg_adapter_check_credentials(&cfg, "demo", 16, 0, err, sizeof err),
        XG_ERR_SECRET);
    assert_string_equal(err, "demo: api_key must be 1-15 printable characters");
    cfg.api_key = "KEY";
    assert_int_equal(
        xg_adapter_check_credentials(&cfg, "demo", 16, 0, err, sizeof err),
        XG_ERR_SECRET);
    assert_string_equal(err, "demo: secret missing");
    cfg.secret = "s3cr3t";
    assert_int_equal(
        xg_adapter_check_credentials(&cfg, "demo", 16, 0, err, sizeof err),
        XG_OK);
    assert_int_equal(
        xg_adapter_check_credentials(&cfg, "demo", 16, 1, err, sizeof err),
        XG_ERR_SECRET);
    assert_string_equal(err, "demo: passphrase missing");
}

/* An order report is used only when it was read and names the order
 * asked about; otherwise the result is a bad body with the report
 * cleared (UNKNOWN for a new order, REJECTED for a query). */
static void
test_result_order_usable_needs_a_read_about_our_order(void **state)
{
    (void)state;
    xg_op op;
    xg_result res;
    memset(&op, 0, sizeof op);
    op.kind = XG_OP_NEW_ORDER;
    op.client_id = "gw1";

    memset(&res, 0, sizeof res);
    memcpy(res.order.client_id, "gw1", 4);
    assert_true(xg_result_order_usable(&op, XG_OK, "bad", &res));
    assert_string_equal(res.order.client_id, "gw1");

    memcpy(res.order.client_id, "gw2", 4);
    assert_false(xg_result_order_usable(&op, XG_OK, "bad", &res));
    assert_int_equal(res.outcome, XG_OUTCOME_UNKNOWN);
    assert_string_equal(res.order.client_id, "");
    assert_string_equal(res.venue_msg,
                        "response names another client order id");

    memset(&res, 0, sizeof res);
    op.kind = XG_OP_QUERY_ORDER;
    memcpy(res.order.client_id, "gw1", 4);
    assert_false(xg_result_order_usable(&op, XG_ERR_BAD_FIELD, "bad", &res));
    assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
    assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
    assert_string_equal(res.venue_msg, "bad");
    assert_string_equal(res.order.client_id, "");
}

/* The account's id as a venue gives it: a positive number or a plain
 * string; anything else is a bad body that names the member. */
static void
test_result_account_takes_a_number_or_a_plain_string(void **state)
{
    (void)state;
    static const char body[] =
        "{\"n\":354937868,\"s\":\"633559791e1cbc0001f319bc\",\"zero\":0,"
        "\"neg\":-3,\"frac\":1.5,\"empty\":\"\",\"space\":\"a b\","
        "\"slash\":\"a/b\",\"obj\":{},\"twice\":1,\"twice\":2,"
        "\"long\":\"0123456789012345678901234567890123456789012345678901234567"
        "8901234\"}";
    xg_json_tok tok[64];
    xg_json j;
    xg_result res;
    assert_int_equal(xg_json_parse(&j, body, sizeof body - 1, tok, 64), XG_OK);

    memset(&res, 0, sizeof res);
    xg_result_account(&j, 0, "n", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_string_equal(res.account, "354937868");
    memset(&res, 0, sizeof res);
    xg_result_account(&j, 0, "s", &res);
    assert_int_equal(res.outcome, XG_OUTCOME_OK);
    assert_string_equal(res.account, "633559791e1cbc0001f319bc");

    static const char *const bad[] = {"zero",  "neg",   "frac", "empty",
                                      "space", "slash", "obj",  "twice",
                                      "long",  "absent"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&res, 0, sizeof res);
        xg_result_account(&j, 0, bad[i], &res);
        assert_int_equal(res.outcome, XG_OUTCOME_REJECTED);
        assert_int_equal(res.err, XG_ERR_BAD_RESPONSE);
        assert_string_equal(res.account, "");
        assert_non_null(strstr(res.venue_msg, bad[i]));
    }
}

static void
test_stream_url_option_takes_ws_urls_only(void **state)
{
    char url[64] = "", err[128] = "";
    (void)state;
    xg_kv good = {"stream_url", "ws://127.0.0.1:9000/ws/v5/private"};
    assert_int_equal(
        xg_stream_url_option(&good, "okx", url, sizeof url, err, sizeof err),
        XG_OK);
    assert_string_equal(url, good.value);
    xg_kv tls = {"stream_url", "wss://ws.okx.com:8443/ws/v5/private"};
    assert_int_equal(
        xg_stream_url_option(&tls, "okx", url, sizeof url, err, sizeof err),
        XG_OK);
    xg_kv other = {"recv_window_ms", "5000"};
    assert_int_equal(
        xg_stream_url_option(&other, "okx", url, sizeof url, err, sizeof err),
        XG_ERR_NOT_FOUND);
    static const char *const bad[] = {
        "http://127.0.0.1/ws", "ws://a b", "", "ws://\x01",
        "wss://a.very.long.host.name.that.does.not.fit.in.sixty.four.bytes/x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        xg_kv kv = {"stream_url", bad[i]};
        err[0] = '\0';
        assert_int_equal(
            xg_stream_url_option(&kv, "okx", url, sizeof url, err, sizeof err),
            XG_ERR_CONFIG);
        assert_string_equal(
            err, "okx: option stream_url must be a ws:// or wss:// URL");
    }
    xg_kv none = {"stream_url", NULL};
    assert_int_equal(
        xg_stream_url_option(&none, "okx", url, sizeof url, err, sizeof err),
        XG_ERR_CONFIG);
}

static void
test_stream_message_fixed_fits_or_says_truncated(void **state)
{
    char out[8];
    size_t len = 99;
    (void)state;
    assert_int_equal(xg_stream_message_fixed("ping", out, sizeof out, &len),
                     XG_OK);
    assert_int_equal(len, 4);
    assert_string_equal(out, "ping");
    assert_int_equal(
        xg_stream_message_fixed("{\"op\":\"ping\"}", out, sizeof out, &len),
        XG_ERR_TRUNCATED);
    assert_int_equal(len, 0);
    assert_int_equal(xg_stream_message_fixed("ping", NULL, 8, &len),
                     XG_ERR_INVALID);
    assert_int_equal(xg_stream_message_fixed("ping", out, 0, &len),
                     XG_ERR_INVALID);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_copy_printable_replaces_control_and_high_bytes),
        cmocka_unit_test(test_copy_printable_truncates_to_capacity),
        cmocka_unit_test(test_contains_nocase_ignores_ascii_case_only),
        cmocka_unit_test(test_text_copy_classifies_empty_nul_and_long),
        cmocka_unit_test(test_decimal_parse_padded_drops_fraction_padding_only),
        cmocka_unit_test(test_amount_parse_refuses_negative),
        cmocka_unit_test(
            test_digits_i64_accepts_digits_only_and_detects_overflow),
        cmocka_unit_test(test_header_i64_trims_spaces_and_tabs),
        cmocka_unit_test(test_option_i64_checks_syntax_and_range),
        cmocka_unit_test(test_adapter_err_formats_and_cuts_the_key),
        cmocka_unit_test(test_is_header_safe_refuses_splitters),
        cmocka_unit_test(test_share_pct_rounds_down_without_overflow),
        cmocka_unit_test(test_i64_text_writes_or_reports_truncation),
        cmocka_unit_test(test_bad_body_is_unknown_only_for_mutating_ops),
        cmocka_unit_test(test_err_match_needs_every_set_field_to_fit),
        cmocka_unit_test(test_err_rules_apply_takes_the_first_fitting_rule),
        cmocka_unit_test(test_is_plain_id_takes_letters_digits_dash_underscore),
        cmocka_unit_test(test_op_priority_ranks_cancels_then_orders_then_reads),
        cmocka_unit_test(test_symbol_join_builds_and_checks_the_unified_symbol),
        cmocka_unit_test(test_adapter_keys_copies_the_key_and_keys_hmac),
        cmocka_unit_test(test_field_readers_check_type_and_refuse_repeats),
        cmocka_unit_test(test_adapter_options_apply_the_table_and_the_handler),
        cmocka_unit_test(test_stream_url_option_takes_ws_urls_only),
        cmocka_unit_test(test_stream_message_fixed_fits_or_says_truncated),
        cmocka_unit_test(test_result_order_usable_needs_a_read_about_our_order),
        cmocka_unit_test(test_result_account_takes_a_number_or_a_plain_string),
        cmocka_unit_test(
            test_check_credentials_names_what_is_missing_never_the_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
