/*
 * decimal.c - exact fixed-point decimals for prices and quantities.
 *
 * A decimal is an int64_t count of 10^-scale units. This module parses the
 * plain decimal strings venues and strategies send, formats them back
 * without loss, and does the little arithmetic order checks need (rescale,
 * compare, round to a step, multiply for notional). Every operation is
 * exact or fails: overflow is detected with the compiler's checked
 * arithmetic builtins, and rounding happens only when the caller names a
 * direction. Which scale an instrument uses is the adapter's knowledge.
 */
#include "xgate/decimal.h"

#include <assert.h>

/* GCC and Clang provide 128-bit integers on every 64-bit target we build
 * for; they make comparisons across scales and products exact without a
 * hand-written wide multiply. __extension__ keeps -pedantic quiet. */
__extension__ typedef __int128 xg__i128;

static const int64_t pow10_tab[XG_DECIMAL_MAX_SCALE + 1] = {
    1LL,
    10LL,
    100LL,
    1000LL,
    10000LL,
    100000LL,
    1000000LL,
    10000000LL,
    100000000LL,
    1000000000LL,
    10000000000LL,
    100000000000LL,
    1000000000000LL,
    10000000000000LL,
    100000000000000LL,
    1000000000000000LL,
    10000000000000000LL,
    100000000000000000LL,
    1000000000000000000LL,
};

static int
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

xg_err
xg_decimal_parse(const char *s, size_t len, xg_decimal *out)
{
    if (s == NULL || out == NULL) {
        return XG_ERR_INVALID;
    }
    /* Syntax first, so a malformed string is always BAD_DECIMAL whatever
     * its magnitude. */
    size_t i = 0;
    int negative = 0;
    if (i < len && s[i] == '-') {
        negative = 1;
        i++;
    }
    size_t int_start = i;
    while (i < len && is_digit(s[i])) {
        i++;
    }
    size_t int_end = i;
    size_t frac_start = i;
    size_t frac_end = i;
    if (i < len && s[i] == '.') {
        i++;
        frac_start = i;
        while (i < len && is_digit(s[i])) {
            i++;
        }
        frac_end = i;
        if (frac_end == frac_start) {
            return XG_ERR_BAD_DECIMAL; /* "5." */
        }
    }
    if (i != len || int_end == int_start) {
        return XG_ERR_BAD_DECIMAL; /* junk, "", "-", ".5" */
    }
    size_t scale = frac_end - frac_start;
    if (scale > XG_DECIMAL_MAX_SCALE) {
        return XG_ERR_BAD_DECIMAL;
    }

    /* Accumulate the magnitude unsigned so "-9223372036854775808" parses. */
    const uint64_t max_mag =
        negative ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
    uint64_t mag = 0;
    for (size_t k = int_start; k < frac_end; k++) {
        if (k == int_end) {
            continue; /* the '.' */
        }
        uint64_t digit = (uint64_t)(s[k] - '0');
        if (__builtin_mul_overflow(mag, 10u, &mag) ||
            __builtin_add_overflow(mag, digit, &mag) || mag > max_mag) {
            return XG_ERR_OVERFLOW;
        }
    }
    out->units = negative ? (int64_t)(0u - mag) : (int64_t)mag;
    out->scale = (uint8_t)scale;
    return XG_OK;
}

xg_err
xg_decimal_format(xg_decimal d, char *buf, size_t buflen)
{
    char tmp[XG_DECIMAL_STR_MAX + 4];
    size_t pos = sizeof(tmp);

    if (buf == NULL || buflen == 0) {
        return XG_ERR_INVALID;
    }
    if (d.scale > XG_DECIMAL_MAX_SCALE) {
        buf[0] = '\0';
        return XG_ERR_INVALID;
    }
    uint64_t mag = d.units < 0 ? 0u - (uint64_t)d.units : (uint64_t)d.units;
    unsigned digits = 0;
    tmp[--pos] = '\0';
    /* Emit at least scale fraction digits and one integer digit. */
    do {
        tmp[--pos] = (char)('0' + (int)(mag % 10u));
        mag /= 10u;
        digits++;
        if (digits == d.scale) {
            tmp[--pos] = '.';
        }
    } while (mag != 0 || digits <= d.scale);
    if (d.units < 0) {
        tmp[--pos] = '-';
    }
    size_t n = sizeof(tmp) - pos; /* includes the NUL */
    if (n > buflen) {
        buf[0] = '\0';
        return XG_ERR_TRUNCATED;
    }
    for (size_t k = 0; k < n; k++) {
        buf[k] = tmp[pos + k];
    }
    return XG_OK;
}

/* q = n / d rounded by mode, d > 0. C division truncates towards zero, so
 * floor and ceiling are fixed up from the remainder's sign. */
static xg_err
div_round(int64_t n, int64_t d, xg_round mode, int64_t *q)
{
    int64_t quot = n / d;
    int64_t rem = n % d;
    if (rem != 0) {
        switch (mode) {
        case XG_ROUND_EXACT:
            return XG_ERR_PRECISION;
        case XG_ROUND_DOWN:
            if (rem < 0) {
                quot -= 1; /* cannot overflow: |quot| < |n| here */
            }
            break;
        case XG_ROUND_UP:
            if (rem > 0) {
                quot += 1;
            }
            break;
        default:
            return XG_ERR_INVALID;
        }
    }
    *q = quot;
    return XG_OK;
}

xg_err
xg_decimal_rescale(xg_decimal d, uint8_t scale, xg_round mode, xg_decimal *out)
{
    if (out == NULL || d.scale > XG_DECIMAL_MAX_SCALE ||
        scale > XG_DECIMAL_MAX_SCALE) {
        return XG_ERR_INVALID;
    }
    int64_t units;
    if (scale >= d.scale) {
        if (__builtin_mul_overflow(d.units, pow10_tab[scale - d.scale],
                                   &units)) {
            return XG_ERR_OVERFLOW;
        }
    } else {
        xg_err err =
            div_round(d.units, pow10_tab[d.scale - scale], mode, &units);
        if (err != XG_OK) {
            return err;
        }
    }
    out->units = units;
    out->scale = scale;
    return XG_OK;
}

int
xg_decimal_cmp(xg_decimal a, xg_decimal b)
{
    assert(a.scale <= XG_DECIMAL_MAX_SCALE && b.scale <= XG_DECIMAL_MAX_SCALE);
    /* |units| < 2^63 and 10^18 < 2^60, so both products fit in 127 bits. */
    uint8_t s = a.scale > b.scale ? a.scale : b.scale;
    xg__i128 x = (xg__i128)a.units * pow10_tab[s - a.scale];
    xg__i128 y = (xg__i128)b.units * pow10_tab[s - b.scale];
    return (x > y) - (x < y);
}

xg_err
xg_decimal_quantize(xg_decimal d, xg_decimal step, xg_round mode,
                    xg_decimal *out)
{
    if (out == NULL || step.units <= 0 || d.scale > XG_DECIMAL_MAX_SCALE ||
        step.scale > XG_DECIMAL_MAX_SCALE) {
        return XG_ERR_INVALID;
    }
    uint8_t s = d.scale > step.scale ? d.scale : step.scale;
    xg_decimal dd;
    xg_decimal ss;
    xg_err err = xg_decimal_rescale(d, s, XG_ROUND_EXACT, &dd);
    if (err == XG_OK) {
        err = xg_decimal_rescale(step, s, XG_ROUND_EXACT, &ss);
    }
    if (err != XG_OK) {
        return err;
    }
    int64_t n;
    err = div_round(dd.units, ss.units, mode, &n);
    if (err != XG_OK) {
        return err;
    }
    int64_t units;
    if (__builtin_mul_overflow(n, ss.units, &units)) {
        return XG_ERR_OVERFLOW; /* rounding up past INT64_MAX */
    }
    out->units = units;
    out->scale = s;
    return XG_OK;
}

xg_err
xg_decimal_add(xg_decimal a, xg_decimal b, xg_decimal *out)
{
    if (out == NULL) {
        return XG_ERR_INVALID;
    }
    uint8_t s = a.scale > b.scale ? a.scale : b.scale;
    xg_decimal x, y;
    xg_err err = xg_decimal_rescale(a, s, XG_ROUND_EXACT, &x);
    if (err == XG_OK) {
        err = xg_decimal_rescale(b, s, XG_ROUND_EXACT, &y);
    }
    if (err != XG_OK) {
        return err;
    }
    if (__builtin_add_overflow(x.units, y.units, &out->units)) {
        return XG_ERR_OVERFLOW;
    }
    out->scale = s;
    return XG_OK;
}

/* q = n / d rounded by mode, d > 0, in 128 bits (see div_round). */
static xg_err
div_round_i128(xg__i128 n, xg__i128 d, xg_round mode, xg__i128 *q)
{
    xg__i128 quot = n / d;
    xg__i128 rem = n % d;
    if (rem != 0) {
        switch (mode) {
        case XG_ROUND_EXACT:
            return XG_ERR_PRECISION;
        case XG_ROUND_DOWN:
            quot -= rem < 0;
            break;
        case XG_ROUND_UP:
            quot += rem > 0;
            break;
        default:
            return XG_ERR_INVALID;
        }
    }
    *q = quot;
    return XG_OK;
}

xg_err
xg_decimal_div(xg_decimal a, xg_decimal b, uint8_t scale, xg_round mode,
               xg_decimal *out)
{
    if (out == NULL || b.units == 0 || a.scale > XG_DECIMAL_MAX_SCALE ||
        b.scale > XG_DECIMAL_MAX_SCALE || scale > XG_DECIMAL_MAX_SCALE) {
        return XG_ERR_INVALID;
    }
    /* units = a.units * 10^(scale + b.scale - a.scale) / b.units. The
     * power goes on whichever side keeps it non-negative: at most 10^36 on
     * the numerator, checked, and 10^18 on the denominator, which then
     * stays below 2^123. */
    int e = (int)scale + b.scale - a.scale;
    xg__i128 n = a.units;
    xg__i128 d = b.units;
    const xg__i128 limit = (xg__i128)INT64_MAX * pow10_tab[18];
    for (; e > 0; e--) {
        if (n > limit || n < -limit) {
            return XG_ERR_OVERFLOW; /* the quotient cannot fit either */
        }
        n *= 10;
    }
    if (e < 0) {
        d *= pow10_tab[-e];
    }
    if (d < 0) {
        n = -n;
        d = -d;
    }
    xg__i128 q = 0;
    xg_err err = div_round_i128(n, d, mode, &q);
    if (err != XG_OK) {
        return err;
    }
    if (q > INT64_MAX || q < INT64_MIN) {
        return XG_ERR_OVERFLOW;
    }
    out->units = (int64_t)q;
    out->scale = scale;
    return XG_OK;
}

xg_decimal
xg_decimal_trim(xg_decimal d)
{
    while (d.scale > 0 && d.units % 10 == 0) {
        d.units /= 10;
        d.scale--;
    }
    return d;
}

xg_err
xg_decimal_mul(xg_decimal a, xg_decimal b, xg_decimal *out)
{
    if (out == NULL || a.scale > XG_DECIMAL_MAX_SCALE ||
        b.scale > XG_DECIMAL_MAX_SCALE) {
        return XG_ERR_INVALID;
    }
    xg__i128 p = (xg__i128)a.units * b.units;
    unsigned scale = (unsigned)a.scale + b.scale;
    /* Dropping a trailing zero keeps the value exact. Beyond what the header
     * promises (scale above the maximum), we also drop zeros while the
     * units do not fit, so 10^9 * 10^9 at scale 9 each still succeeds. */
    while (scale > 0 && p % 10 == 0 &&
           (scale > XG_DECIMAL_MAX_SCALE || p > INT64_MAX || p < INT64_MIN)) {
        p /= 10;
        scale--;
    }
    if (scale > XG_DECIMAL_MAX_SCALE || p > INT64_MAX || p < INT64_MIN) {
        return XG_ERR_OVERFLOW;
    }
    out->units = (int64_t)p;
    out->scale = (uint8_t)scale;
    return XG_OK;
}
