/*
 * test_decimal.c - parsing, formatting and exact arithmetic of xg_decimal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "xgate/decimal.h"

static xg_decimal
dec(int64_t units, uint8_t scale)
{
    xg_decimal d = {units, scale};
    return d;
}

static xg_err
parse(const char *s, xg_decimal *out)
{
    return xg_decimal_parse(s, strlen(s), out);
}

static void
assert_parses(const char *s, int64_t units, uint8_t scale)
{
    xg_decimal d = {-1, 99};
    assert_int_equal(parse(s, &d), XG_OK);
    assert_int_equal(d.units, units);
    assert_int_equal(d.scale, scale);
}

static void
test_parse_accepts_plain_decimals(void **state)
{
    (void)state;
    assert_parses("0", 0, 0);
    assert_parses("-0", 0, 0);
    assert_parses("-0.5", -5, 1);
    assert_parses("35000.5", 350005, 1);
    assert_parses("2.50", 250, 2);
    assert_parses("0.001", 1, 3);
    assert_parses("007", 7, 0);
    assert_parses("0.000000000000000001", 1, 18);
    assert_parses("9223372036854775807", INT64_MAX, 0);
    assert_parses("-9223372036854775808", INT64_MIN, 0);
    assert_parses("9.223372036854775807", INT64_MAX, 18);
}

static void
test_parse_refuses_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "-",
        "1e5",
        ".5",
        "5.",
        "+1",
        " 1",
        "1 ",
        "1.2.3",
        "--1",
        "1-",
        "0x10",
        "1,5",
        "-.5",
        "NaN",
        "inf",
        "0.0000000000000000001", /* 19 fraction digits */
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        xg_decimal d = {42, 1};
        assert_int_equal(parse(bad[i], &d), XG_ERR_BAD_DECIMAL);
        /* Output untouched on failure. */
        assert_int_equal(d.units, 42);
    }
}

static void
test_parse_reports_int64_overflow(void **state)
{
    (void)state;
    xg_decimal d;
    assert_int_equal(parse("9223372036854775808", &d), XG_ERR_OVERFLOW);
    assert_int_equal(parse("-9223372036854775809", &d), XG_ERR_OVERFLOW);
    assert_int_equal(parse("9.223372036854775808", &d), XG_ERR_OVERFLOW);
    assert_int_equal(parse("99999999999999999999", &d), XG_ERR_OVERFLOW);
}

static void
test_parse_huge_strings(void **state)
{
    (void)state;
    static char big[10001];
    xg_decimal d;

    memset(big, '9', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    assert_int_equal(parse(big, &d), XG_ERR_OVERFLOW);

    /* Many leading zeros are still an exact small number. */
    memset(big, '0', sizeof(big) - 1);
    big[sizeof(big) - 2] = '7';
    assert_int_equal(parse(big, &d), XG_OK);
    assert_int_equal(d.units, 7);

    /* A bad character after a huge prefix is a syntax error. */
    memset(big, '9', sizeof(big) - 1);
    big[5000] = 'x';
    assert_int_equal(parse(big, &d), XG_ERR_BAD_DECIMAL);
}

static void
test_parse_respects_len_not_nul(void **state)
{
    (void)state;
    xg_decimal d;
    /* An embedded NUL inside len is a bad character, not a terminator. */
    assert_int_equal(xg_decimal_parse("1\0"
                                      "5",
                                      3, &d),
                     XG_ERR_BAD_DECIMAL);
    /* Only len bytes are read. */
    assert_int_equal(xg_decimal_parse("12.345xyz", 5, &d), XG_OK);
    assert_int_equal(d.units, 1234);
    assert_int_equal(d.scale, 2);
    assert_int_equal(xg_decimal_parse("12", 0, &d), XG_ERR_BAD_DECIMAL);
    assert_int_equal(xg_decimal_parse(NULL, 1, &d), XG_ERR_INVALID);
}

static void
assert_formats(xg_decimal d, const char *want)
{
    char buf[XG_DECIMAL_STR_MAX];
    assert_int_equal(xg_decimal_format(d, buf, sizeof(buf)), XG_OK);
    assert_string_equal(buf, want);
}

static void
test_format_keeps_scale_digits(void **state)
{
    (void)state;
    assert_formats(dec(350005, 1), "35000.5");
    assert_formats(dec(250, 2), "2.50");
    assert_formats(dec(0, 0), "0");
    assert_formats(dec(0, 3), "0.000");
    assert_formats(dec(-5, 1), "-0.5");
    assert_formats(dec(1, 18), "0.000000000000000001");
    assert_formats(dec(INT64_MIN, 0), "-9223372036854775808");
    assert_formats(dec(INT64_MIN, 18), "-9.223372036854775808");
    assert_formats(dec(-1, 18), "-0.000000000000000001");
}

static void
test_format_refuses_small_buffer_and_bad_scale(void **state)
{
    (void)state;
    char buf[6]; /* "12.34" and its NUL exactly */
    assert_int_equal(xg_decimal_format(dec(123456, 2), buf, sizeof(buf)),
                     XG_ERR_TRUNCATED);
    assert_string_equal(buf, "");
    assert_int_equal(xg_decimal_format(dec(1234, 2), buf, sizeof(buf)), XG_OK);
    assert_string_equal(buf, "12.34");
    assert_int_equal(xg_decimal_format(dec(1, 19), buf, sizeof(buf)),
                     XG_ERR_INVALID);
}

static void
test_format_round_trips_parse(void **state)
{
    (void)state;
    static const char *const s[] = {
        "0",
        "-0.5",
        "35000.5",
        "2.50",
        "0.00000001",
        "123456789.123456789",
        "-9223372036854775808",
        "9.223372036854775807",
        "100",
        "-100.000",
    };
    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        xg_decimal d;
        char buf[XG_DECIMAL_STR_MAX];
        assert_int_equal(parse(s[i], &d), XG_OK);
        assert_int_equal(xg_decimal_format(d, buf, sizeof(buf)), XG_OK);
        assert_string_equal(buf, s[i]);
    }
}

static void
test_rescale_rounds_both_ways(void **state)
{
    (void)state;
    xg_decimal out;
    assert_int_equal(xg_decimal_rescale(dec(12345, 3), 1, XG_ROUND_DOWN, &out),
                     XG_OK);
    assert_int_equal(out.units, 123);
    assert_int_equal(out.scale, 1);
    assert_int_equal(xg_decimal_rescale(dec(12345, 3), 1, XG_ROUND_UP, &out),
                     XG_OK);
    assert_int_equal(out.units, 124);
    /* Negative values: down is towards minus infinity. */
    assert_int_equal(xg_decimal_rescale(dec(-12345, 3), 1, XG_ROUND_DOWN, &out),
                     XG_OK);
    assert_int_equal(out.units, -124);
    assert_int_equal(xg_decimal_rescale(dec(-12345, 3), 1, XG_ROUND_UP, &out),
                     XG_OK);
    assert_int_equal(out.units, -123);
    /* Already exact: no rounding either way. */
    assert_int_equal(xg_decimal_rescale(dec(12300, 3), 1, XG_ROUND_UP, &out),
                     XG_OK);
    assert_int_equal(out.units, 123);
}

static void
test_rescale_exact_fails_when_digits_lost(void **state)
{
    (void)state;
    xg_decimal out = {7, 7};
    assert_int_equal(xg_decimal_rescale(dec(12345, 3), 2, XG_ROUND_EXACT, &out),
                     XG_ERR_PRECISION);
    assert_int_equal(out.units, 7);
    assert_int_equal(xg_decimal_rescale(dec(12340, 3), 2, XG_ROUND_EXACT, &out),
                     XG_OK);
    assert_int_equal(out.units, 1234);
}

static void
test_rescale_up_checks_overflow(void **state)
{
    (void)state;
    xg_decimal out;
    assert_int_equal(xg_decimal_rescale(dec(5, 0), 18, XG_ROUND_EXACT, &out),
                     XG_OK);
    assert_int_equal(out.units, 5000000000000000000LL);
    assert_int_equal(xg_decimal_rescale(dec(10, 0), 18, XG_ROUND_EXACT, &out),
                     XG_ERR_OVERFLOW);
    assert_int_equal(xg_decimal_rescale(dec(1, 0), 19, XG_ROUND_EXACT, &out),
                     XG_ERR_INVALID);
}

static void
test_cmp_across_scales(void **state)
{
    (void)state;
    assert_int_equal(xg_decimal_cmp(dec(250, 2), dec(25, 1)), 0);
    assert_int_equal(xg_decimal_cmp(dec(1, 3), dec(1, 2)), -1);
    assert_int_equal(xg_decimal_cmp(dec(-1, 3), dec(-1, 2)), 1);
    assert_int_equal(xg_decimal_cmp(dec(0, 0), dec(0, 18)), 0);
    /* Values whose common-scale units exceed int64_t. */
    assert_int_equal(xg_decimal_cmp(dec(INT64_MAX, 0), dec(INT64_MAX, 18)), 1);
    assert_int_equal(xg_decimal_cmp(dec(INT64_MIN, 0), dec(INT64_MAX, 18)), -1);
    assert_int_equal(xg_decimal_cmp(dec(INT64_MAX, 0), dec(INT64_MAX, 0)), 0);
    assert_int_equal(xg_decimal_cmp(dec(INT64_MIN, 0), dec(INT64_MIN, 1)), -1);
}

static void
test_quantize_to_step(void **state)
{
    (void)state;
    xg_decimal out;
    /* 0.123 to tick 0.05 */
    assert_int_equal(
        xg_decimal_quantize(dec(123, 3), dec(5, 2), XG_ROUND_DOWN, &out),
        XG_OK);
    assert_int_equal(out.units, 100);
    assert_int_equal(out.scale, 3);
    assert_int_equal(
        xg_decimal_quantize(dec(123, 3), dec(5, 2), XG_ROUND_UP, &out), XG_OK);
    assert_int_equal(out.units, 150);
    assert_int_equal(
        xg_decimal_quantize(dec(123, 3), dec(5, 2), XG_ROUND_EXACT, &out),
        XG_ERR_PRECISION);
    /* 1.5 on step 0.25 is exact; the result takes the larger scale. */
    assert_int_equal(
        xg_decimal_quantize(dec(15, 1), dec(25, 2), XG_ROUND_EXACT, &out),
        XG_OK);
    assert_int_equal(out.units, 150);
    assert_int_equal(out.scale, 2);
    /* Negative values round towards minus infinity for DOWN. */
    assert_int_equal(
        xg_decimal_quantize(dec(-7, 0), dec(5, 0), XG_ROUND_DOWN, &out), XG_OK);
    assert_int_equal(out.units, -10);
}

static void
test_quantize_refuses_bad_step_and_overflow(void **state)
{
    (void)state;
    xg_decimal out;
    assert_int_equal(
        xg_decimal_quantize(dec(1, 0), dec(0, 0), XG_ROUND_DOWN, &out),
        XG_ERR_INVALID);
    assert_int_equal(
        xg_decimal_quantize(dec(1, 0), dec(-1, 0), XG_ROUND_DOWN, &out),
        XG_ERR_INVALID);
    assert_int_equal(
        xg_decimal_quantize(dec(INT64_MAX, 0), dec(10, 0), XG_ROUND_UP, &out),
        XG_ERR_OVERFLOW);
    assert_int_equal(
        xg_decimal_quantize(dec(INT64_MAX, 0), dec(1, 1), XG_ROUND_DOWN, &out),
        XG_ERR_OVERFLOW);
}

static void
test_mul_exact_and_overflow(void **state)
{
    (void)state;
    xg_decimal out;
    /* 35000.5 * 0.002 = 70.0010 */
    assert_int_equal(xg_decimal_mul(dec(350005, 1), dec(2, 3), &out), XG_OK);
    assert_int_equal(out.units, 700010);
    assert_int_equal(out.scale, 4);
    assert_int_equal(xg_decimal_mul(dec(-3, 0), dec(4, 1), &out), XG_OK);
    assert_int_equal(out.units, -12);
    /* Scale 20 reduced by dropping trailing zeros: 0.0000000001 * 1e-10 */
    assert_int_equal(xg_decimal_mul(dec(10, 10), dec(10, 10), &out), XG_OK);
    assert_int_equal(out.units, 1);
    assert_int_equal(out.scale, 18);
    /* Scale 36 with no trailing zeros cannot be held. */
    assert_int_equal(xg_decimal_mul(dec(3, 18), dec(7, 18), &out),
                     XG_ERR_OVERFLOW);
    assert_int_equal(xg_decimal_mul(dec(INT64_MAX, 0), dec(2, 0), &out),
                     XG_ERR_OVERFLOW);
    assert_int_equal(xg_decimal_mul(dec(INT64_MIN, 0), dec(-1, 0), &out),
                     XG_ERR_OVERFLOW);
    /* 10^9.000000000 squared: units overflow at scale 18 but the value
     * 10^18 fits at scale 0. */
    assert_int_equal(xg_decimal_mul(dec(1000000000000000000LL, 9),
                                    dec(1000000000000000000LL, 9), &out),
                     XG_OK);
    assert_int_equal(out.units, 1000000000000000000LL);
    assert_int_equal(out.scale, 0);
}

/* An average price: 35000.5 * 0.004 + 35001 * 0.006 over 0.01 is
 * 35000.8, exact; a third needs rounding; the quotient's scale is the one
 * asked for, whatever the operands'. */
static void
test_div_rounds_and_checks(void **state)
{
    (void)state;
    xg_decimal out;
    assert_int_equal(
        xg_decimal_div(dec(350008, 3), dec(1, 2), 12, XG_ROUND_EXACT, &out),
        XG_OK);
    assert_int_equal(out.units, 35000800000000000LL);
    assert_int_equal(out.scale, 12);
    assert_int_equal(
        xg_decimal_div(dec(1, 0), dec(3, 0), 4, XG_ROUND_EXACT, &out),
        XG_ERR_PRECISION);
    assert_int_equal(
        xg_decimal_div(dec(1, 0), dec(3, 0), 4, XG_ROUND_DOWN, &out), XG_OK);
    assert_int_equal(out.units, 3333);
    assert_int_equal(xg_decimal_div(dec(1, 0), dec(3, 0), 4, XG_ROUND_UP, &out),
                     XG_OK);
    assert_int_equal(out.units, 3334);
    /* Signs: towards minus infinity and plus infinity, divisor negative. */
    assert_int_equal(
        xg_decimal_div(dec(-1, 0), dec(3, 0), 2, XG_ROUND_DOWN, &out), XG_OK);
    assert_int_equal(out.units, -34);
    assert_int_equal(
        xg_decimal_div(dec(1, 0), dec(-3, 0), 2, XG_ROUND_UP, &out), XG_OK);
    assert_int_equal(out.units, -33);
    /* A dividend of finer scale than the quotient: 0.123456 / 2 at 2. */
    assert_int_equal(
        xg_decimal_div(dec(123456, 6), dec(2, 0), 2, XG_ROUND_DOWN, &out),
        XG_OK);
    assert_int_equal(out.units, 6);
    /* The largest operands: no overflow inside, a clear one outside. */
    assert_int_equal(
        xg_decimal_div(dec(INT64_MAX, 0), dec(1, 18), 0, XG_ROUND_EXACT, &out),
        XG_ERR_OVERFLOW);
    assert_int_equal(xg_decimal_div(dec(INT64_MAX, 18), dec(INT64_MAX, 0), 18,
                                    XG_ROUND_DOWN, &out),
                     XG_OK);
    assert_int_equal(out.units, 1); /* 10^-18 */
    assert_int_equal(xg_decimal_div(dec(INT64_MAX, 0), dec(INT64_MAX, 18), 18,
                                    XG_ROUND_DOWN, &out),
                     XG_ERR_OVERFLOW);
    assert_int_equal(
        xg_decimal_div(dec(1, 0), dec(0, 3), 2, XG_ROUND_DOWN, &out),
        XG_ERR_INVALID);
    assert_int_equal(
        xg_decimal_div(dec(1, 0), dec(1, 0), 19, XG_ROUND_DOWN, &out),
        XG_ERR_INVALID);
}

static void
test_add_aligns_scales_and_checks(void **state)
{
    (void)state;
    xg_decimal out;
    assert_int_equal(xg_decimal_add(dec(15, 1), dec(25, 3), &out), XG_OK);
    assert_int_equal(out.units, 1525);
    assert_int_equal(out.scale, 3);
    assert_int_equal(xg_decimal_add(dec(-1, 0), dec(1, 8), &out), XG_OK);
    assert_int_equal(out.units, -99999999);
    assert_int_equal(xg_decimal_add(dec(INT64_MAX, 0), dec(1, 0), &out),
                     XG_ERR_OVERFLOW);
    assert_int_equal(
        xg_decimal_add(dec(INT64_MAX / 10 + 1, 0), dec(1, 1), &out),
        XG_ERR_OVERFLOW);
}

static void
test_trim_drops_trailing_zeros(void **state)
{
    (void)state;
    xg_decimal d = xg_decimal_trim(dec(250, 2));
    assert_int_equal(d.units, 25);
    assert_int_equal(d.scale, 1);
    d = xg_decimal_trim(dec(300, 2));
    assert_int_equal(d.units, 3);
    assert_int_equal(d.scale, 0);
    d = xg_decimal_trim(dec(0, 5));
    assert_int_equal(d.units, 0);
    assert_int_equal(d.scale, 0);
    d = xg_decimal_trim(dec(-1230, 0));
    assert_int_equal(d.units, -1230);
    assert_int_equal(d.scale, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_accepts_plain_decimals),
        cmocka_unit_test(test_parse_refuses_malformed),
        cmocka_unit_test(test_parse_reports_int64_overflow),
        cmocka_unit_test(test_parse_huge_strings),
        cmocka_unit_test(test_parse_respects_len_not_nul),
        cmocka_unit_test(test_format_keeps_scale_digits),
        cmocka_unit_test(test_format_refuses_small_buffer_and_bad_scale),
        cmocka_unit_test(test_format_round_trips_parse),
        cmocka_unit_test(test_rescale_rounds_both_ways),
        cmocka_unit_test(test_rescale_exact_fails_when_digits_lost),
        cmocka_unit_test(test_rescale_up_checks_overflow),
        cmocka_unit_test(test_cmp_across_scales),
        cmocka_unit_test(test_quantize_to_step),
        cmocka_unit_test(test_quantize_refuses_bad_step_and_overflow),
        cmocka_unit_test(test_mul_exact_and_overflow),
        cmocka_unit_test(test_div_rounds_and_checks),
        cmocka_unit_test(test_add_aligns_scales_and_checks),
        cmocka_unit_test(test_trim_drops_trailing_zeros),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
