/*
 * test_buf.c - the bounded string builder, xg_strlcpy, and the small
 * request/response helpers of xgate/http.h built on them (no separate
 * test file is assigned to http.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xgate/buf.h"
#include "xgate/error.h"
#include "xgate/http.h"

static void
test_buf_appends_and_stays_terminated(void **state)
{
    (void)state;
    char mem[32];
    xg_buf b;

    xg_buf_init(&b, mem, sizeof(mem));
    assert_string_equal(b.data, "");
    xg_buf_puts(&b, "symbol=");
    xg_buf_put(&b, "BTCUSDTxxx", 7);
    xg_buf_putc(&b, '&');
    xg_buf_put_i64(&b, -42);
    assert_int_equal(xg_buf_status(&b), XG_OK);
    assert_string_equal(mem, "symbol=BTCUSDT&-42");
    assert_int_equal(b.len, strlen(mem));
    xg_buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(mem, "");
}

static void
test_buf_overflow_is_sticky_and_writes_nothing(void **state)
{
    (void)state;
    char mem[8];
    xg_buf b;

    xg_buf_init(&b, mem, sizeof(mem));
    xg_buf_puts(&b, "1234567"); /* exactly fills: 7 + NUL */
    assert_int_equal(xg_buf_status(&b), XG_OK);
    xg_buf_putc(&b, 'x');
    assert_int_equal(xg_buf_status(&b), XG_ERR_TRUNCATED);
    assert_string_equal(mem, "1234567");

    xg_buf_init(&b, mem, sizeof(mem));
    xg_buf_puts(&b, "123456789");
    assert_string_equal(mem, "");
    /* A later short append must not make the result look complete. */
    xg_buf_puts(&b, "ab");
    assert_int_equal(xg_buf_status(&b), XG_ERR_TRUNCATED);
    assert_string_equal(mem, "");
    xg_buf_reset(&b);
    assert_int_equal(xg_buf_status(&b), XG_OK);

    /* Capacity 1 holds only the NUL. */
    char one[1];
    xg_buf_init(&b, one, 1);
    xg_buf_put(&b, "", 0);
    assert_int_equal(xg_buf_status(&b), XG_OK);
    xg_buf_putc(&b, 'a');
    assert_int_equal(xg_buf_status(&b), XG_ERR_TRUNCATED);
    assert_int_equal(one[0], '\0');
}

static void
test_buf_put_i64_extremes(void **state)
{
    (void)state;
    char mem[64];
    xg_buf b;

    xg_buf_init(&b, mem, sizeof(mem));
    xg_buf_put_i64(&b, 0);
    xg_buf_putc(&b, ' ');
    xg_buf_put_i64(&b, INT64_MAX);
    xg_buf_putc(&b, ' ');
    xg_buf_put_i64(&b, INT64_MIN);
    assert_string_equal(mem, "0 9223372036854775807 -9223372036854775808");
}

static void
test_buf_put_decimal(void **state)
{
    (void)state;
    char mem[64];
    xg_buf b;
    xg_decimal d = {350005, 1};
    xg_decimal bad = {1, 40};

    xg_buf_init(&b, mem, sizeof(mem));
    xg_buf_put_decimal(&b, d);
    xg_buf_putc(&b, ',');
    d.units = -1;
    d.scale = 8;
    xg_buf_put_decimal(&b, d);
    assert_string_equal(mem, "35000.5,-0.00000001");
    xg_buf_put_decimal(&b, bad);
    assert_int_equal(xg_buf_status(&b), XG_ERR_TRUNCATED);
}

static void
test_buf_urlencode_unreserved_only(void **state)
{
    (void)state;
    char mem[128];
    xg_buf b;
    static const char raw[] = "a-Z_9.~ /&=+%\xc3\xa9\x01";

    xg_buf_init(&b, mem, sizeof(mem));
    xg_buf_put_urlencoded(&b, raw, sizeof(raw) - 1);
    assert_string_equal(mem, "a-Z_9.~%20%2F%26%3D%2B%25%C3%A9%01");

    /* Embedded NUL is encoded, not a terminator. */
    xg_buf_reset(&b);
    xg_buf_put_urlencoded(&b, "a\0b", 3);
    assert_string_equal(mem, "a%00b");

    /* All or nothing: no half-encoded prefix on overflow. */
    char small[6];
    xg_buf_init(&b, small, sizeof(small));
    xg_buf_puts(&b, "x=");
    xg_buf_put_urlencoded(&b, "a b", 3); /* needs 5 more */
    assert_int_equal(xg_buf_status(&b), XG_ERR_TRUNCATED);
    assert_string_equal(small, "x=");
}

static void
test_buf_json_string_escapes(void **state)
{
    (void)state;
    char mem[128];
    xg_buf b;
    static const char raw[] = "a\"b\\c/d\n\t\r\b\f\x01\x1f\xc3\xa9";

    xg_buf_init(&b, mem, sizeof(mem));
    xg_buf_put_json_string(&b, raw, sizeof(raw) - 1);
    assert_string_equal(mem, "\"a\\\"b\\\\c/d\\n\\t\\r\\b\\f\\u0001\\u001F"
                             "\xc3\xa9\"");
    xg_buf_reset(&b);
    xg_buf_put_json_string(&b, "", 0);
    assert_string_equal(mem, "\"\"");
    xg_buf_reset(&b);
    xg_buf_put_json_string(&b, "x\0y", 3);
    assert_string_equal(mem, "\"x\\u0000y\"");

    char small[4];
    xg_buf_init(&b, small, sizeof(small));
    xg_buf_put_json_string(&b, "\n", 1); /* "\n" quoted needs 4 + NUL */
    assert_int_equal(xg_buf_status(&b), XG_ERR_TRUNCATED);
    assert_string_equal(small, "");
}

static void
test_strlcpy_fits_or_empties(void **state)
{
    (void)state;
    char dst[4];

    assert_int_equal(xg_strlcpy(dst, "abc", sizeof(dst)), XG_OK);
    assert_string_equal(dst, "abc");
    assert_int_equal(xg_strlcpy(dst, "abcd", sizeof(dst)), XG_ERR_TRUNCATED);
    assert_string_equal(dst, "");
    assert_int_equal(xg_strlcpy(dst, "", sizeof(dst)), XG_OK);
    assert_string_equal(dst, "");
    assert_int_equal(xg_strlcpy(dst, "a", 0), XG_ERR_INVALID);
    assert_int_equal(xg_strlcpy(dst, NULL, sizeof(dst)), XG_ERR_INVALID);
}

static void
test_http_request_headers_and_costs_are_bounded(void **state)
{
    (void)state;
    static xg_http_request req;
    char long_value[XG_HTTP_HVALUE_MAX + 1];

    memset(&req, 0, sizeof(req));
    assert_int_equal(xg_http_request_add_header(&req, "X-MBX-APIKEY", "k"),
                     XG_OK);
    assert_string_equal(req.headers[0].name, "X-MBX-APIKEY");
    assert_string_equal(req.headers[0].value, "k");
    /* Header injection is refused. */
    assert_int_equal(xg_http_request_add_header(&req, "A", "v\r\nB: x"),
                     XG_ERR_INVALID);
    assert_int_equal(xg_http_request_add_header(&req, "A:B", "v"),
                     XG_ERR_INVALID);
    assert_int_equal(xg_http_request_add_header(&req, "", "v"), XG_ERR_INVALID);
    memset(long_value, 'v', sizeof(long_value) - 1);
    long_value[sizeof(long_value) - 1] = '\0';
    assert_int_equal(xg_http_request_add_header(&req, "A", long_value),
                     XG_ERR_TRUNCATED);
    assert_int_equal(req.n_headers, 1);
    for (size_t i = 1; i < XG_HTTP_MAX_HEADERS; i++) {
        assert_int_equal(xg_http_request_add_header(&req, "H", "v"), XG_OK);
    }
    assert_int_equal(xg_http_request_add_header(&req, "H", "v"),
                     XG_ERR_TRUNCATED);

    for (size_t i = 0; i < XG_HTTP_MAX_COSTS; i++) {
        assert_int_equal(xg_http_request_add_cost(&req, 1, 7, 5), XG_OK);
    }
    assert_int_equal(xg_http_request_add_cost(&req, 1, 7, 5), XG_ERR_TRUNCATED);
    assert_int_equal(req.costs[0].bucket, 1);
    assert_int_equal(req.costs[0].scope, 7);
    assert_int_equal(req.costs[0].units, 5);
    memset(&req, 0, sizeof(req));
    assert_int_equal(xg_http_request_add_cost(&req, 0, 0, -1), XG_ERR_INVALID);
}

static void
test_http_response_header_lookup(void **state)
{
    (void)state;
    static const char used[] = "X-MBX-USED-WEIGHT-1M";
    const xg_http_header_view hv[] = {
        {"Content-Type", 12, "application/json", 16},
        {"x-mbx-used-weight-1m", 20, " 1234 ", 6},
        {"Retry-After", 11, "12x", 3},
        {"X-Big", 5, "9223372036854775808", 19},
        {"X-Empty", 7, "  ", 2},
        {"X-Neg", 5, "-1", 2},
    };
    xg_http_response r = {429, hv, sizeof(hv) / sizeof(hv[0]), "", 0};
    int64_t v = -7;

    assert_ptr_equal(xg_http_response_header(&r, used), &hv[1]);
    assert_ptr_equal(xg_http_response_header(&r, "content-type"), &hv[0]);
    assert_null(xg_http_response_header(&r, "Content"));
    assert_int_equal(xg_http_response_header_i64(&r, used, &v), XG_OK);
    assert_int_equal(v, 1234);
    assert_int_equal(xg_http_response_header_i64(&r, "Retry-After", &v),
                     XG_ERR_INVALID);
    assert_int_equal(xg_http_response_header_i64(&r, "X-Big", &v),
                     XG_ERR_OVERFLOW);
    assert_int_equal(xg_http_response_header_i64(&r, "X-Empty", &v),
                     XG_ERR_INVALID);
    assert_int_equal(xg_http_response_header_i64(&r, "X-Neg", &v),
                     XG_ERR_INVALID);
    assert_int_equal(xg_http_response_header_i64(&r, "X-None", &v),
                     XG_ERR_NOT_FOUND);
    assert_int_equal(v, 1234);
}

static void
test_error_names_and_messages(void **state)
{
    (void)state;
    assert_string_equal(xg_err_name(XG_ERR_RATE_LIMITED), "RATE_LIMITED");
    assert_string_equal(xg_err_name(XG_OK), "OK");
    assert_string_equal(xg_strerror(XG_ERR_TRUNCATED),
                        "output buffer too small");
    assert_string_equal(xg_err_name((xg_err)12345), "UNKNOWN");
    assert_string_equal(xg_strerror((xg_err)-1), "unknown error");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_buf_appends_and_stays_terminated),
        cmocka_unit_test(test_buf_overflow_is_sticky_and_writes_nothing),
        cmocka_unit_test(test_buf_put_i64_extremes),
        cmocka_unit_test(test_buf_put_decimal),
        cmocka_unit_test(test_buf_urlencode_unreserved_only),
        cmocka_unit_test(test_buf_json_string_escapes),
        cmocka_unit_test(test_strlcpy_fits_or_empties),
        cmocka_unit_test(test_http_request_headers_and_costs_are_bounded),
        cmocka_unit_test(test_http_response_header_lookup),
        cmocka_unit_test(test_error_names_and_messages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
