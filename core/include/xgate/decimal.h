/*
 * xgate/decimal.h - fixed-point decimals for prices and quantities.
 *
 * Money never touches a double in xgate. A decimal is an int64_t count of
 * units of 10^-scale: "35000.5" is {350005, 1}. Strings on the wire are
 * parsed exactly; arithmetic checks every overflow.
 */
#ifndef XGATE_DECIMAL_H
#define XGATE_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

/* 18 digits after the point is more than any venue quotes (KuCoin and
 * Binance stop at 8-10), and 10^18 still fits in int64_t. */
#define XG_DECIMAL_MAX_SCALE 18

/* Enough for "-9223372036854775808" with a point and NUL. */
#define XG_DECIMAL_STR_MAX 24

typedef struct xg_decimal {
    int64_t units; /* value = units * 10^-scale */
    uint8_t scale; /* 0 .. XG_DECIMAL_MAX_SCALE */
} xg_decimal;

typedef enum xg_round {
    XG_ROUND_EXACT, /* fail with XG_ERR_PRECISION rather than round */
    XG_ROUND_DOWN,  /* towards minus infinity */
    XG_ROUND_UP     /* towards plus infinity */
} xg_round;

/*
 * Parse a plain decimal: optional '-', digits, optional '.' and digits
 * ("0.001", "35000.5", "1", "-2.50"). Exponents, '+', spaces, leading '.'
 * or trailing '.', and more than XG_DECIMAL_MAX_SCALE fraction digits are
 * refused with XG_ERR_BAD_DECIMAL; values beyond int64_t with
 * XG_ERR_OVERFLOW. The scale is the number of fraction digits written
 * (trailing zeros kept: "2.50" has scale 2). len is the length of s (s need
 * not be NUL-terminated).
 */
xg_err xg_decimal_parse(const char *s, size_t len, xg_decimal *out);

/* Format without exponent and without trailing zeros beyond the value's
 * scale ("35000.5"). buf must hold XG_DECIMAL_STR_MAX bytes. */
xg_err xg_decimal_format(xg_decimal d, char *buf, size_t buflen);

/* Re-express d at a new scale. Fewer digits round by mode (EXACT fails
 * with XG_ERR_PRECISION if a non-zero digit would be lost). */
xg_err xg_decimal_rescale(xg_decimal d, uint8_t scale, xg_round mode,
                          xg_decimal *out);

/* -1, 0, 1 as a < b, a == b, a > b, for any two scales; never overflows. */
int xg_decimal_cmp(xg_decimal a, xg_decimal b);

/* Round d to a multiple of step (step > 0) by mode. EXACT fails with
 * XG_ERR_PRECISION unless d already is a multiple. The result has the
 * larger of the two scales. */
xg_err xg_decimal_quantize(xg_decimal d, xg_decimal step, xg_round mode,
                           xg_decimal *out);

/* a * b exactly, scale a.scale + b.scale, reduced by dropping trailing
 * zeros while it exceeds XG_DECIMAL_MAX_SCALE; XG_ERR_OVERFLOW if it does
 * not fit. Used for notional (price * quantity). */
xg_err xg_decimal_mul(xg_decimal a, xg_decimal b, xg_decimal *out);

/* a + b exactly, at the larger scale; XG_ERR_OVERFLOW if it does not
 * fit. */
xg_err xg_decimal_add(xg_decimal a, xg_decimal b, xg_decimal *out);

/* a / b at `scale` fraction digits, rounded by mode (EXACT fails with
 * XG_ERR_PRECISION unless the quotient has no more digits); b must not be
 * zero (XG_ERR_INVALID), XG_ERR_OVERFLOW if the quotient does not fit.
 * Used for average prices (quote amount / quantity). */
xg_err xg_decimal_div(xg_decimal a, xg_decimal b, uint8_t scale, xg_round mode,
                      xg_decimal *out);

/* d with its trailing fraction zeros dropped ("2.50" -> "2.5", "3.00" ->
 * "3"): the same value at the smallest scale that holds it. */
xg_decimal xg_decimal_trim(xg_decimal d);

static inline int
xg_decimal_is_positive(xg_decimal d)
{
    return d.units > 0;
}

#endif
