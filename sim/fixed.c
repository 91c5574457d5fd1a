/*
 * Fixed-point arithmetic for the simulator (scale 8, int64, no double).
 *
 * The simulator checks the gateway's numbers, so it has its own parser and
 * multiplier rather than the gateway's decimal module. Products are split
 * into whole and fractional halves so that price * quantity cannot
 * overflow silently: every step is checked and overflow is reported.
 */
#include "fixed.h"

#include <stdio.h>
#include <string.h>

xg_err
xg_sim_fixed_parse(const char *s, int64_t *out)
{
    int64_t whole = 0;
    int64_t frac = 0;
    size_t nwhole = 0;
    size_t nfrac = 0;
    const char *p = s;

    if (s == NULL || out == NULL) {
        return XG_ERR_INVALID;
    }
    while (*p >= '0' && *p <= '9') {
        if (nwhole >= 20) {
            return XG_ERR_BAD_DECIMAL;
        }
        if (whole > (INT64_MAX - (*p - '0')) / 10) {
            return XG_ERR_OVERFLOW;
        }
        whole = whole * 10 + (*p - '0');
        nwhole++;
        p++;
    }
    if (nwhole == 0) {
        return XG_ERR_BAD_DECIMAL;
    }
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            if (nfrac >= 20) {
                return XG_ERR_BAD_DECIMAL;
            }
            if (nfrac < XG_SIM_SCALE_DIGITS) {
                frac = frac * 10 + (*p - '0');
            } else if (*p != '0') {
                return XG_ERR_PRECISION;
            }
            nfrac++;
            p++;
        }
        if (nfrac == 0) {
            return XG_ERR_BAD_DECIMAL;
        }
    }
    if (*p != '\0') {
        return XG_ERR_BAD_DECIMAL;
    }
    for (size_t i = nfrac; i < XG_SIM_SCALE_DIGITS; i++) {
        frac *= 10;
    }
    if (whole > (INT64_MAX - frac) / XG_SIM_SCALE) {
        return XG_ERR_OVERFLOW;
    }
    *out = whole * XG_SIM_SCALE + frac;
    return XG_OK;
}

void
xg_sim_fixed_format(int64_t v, char buf[XG_SIM_FIXED_BUFSZ])
{
    /* Work on the magnitude as unsigned so INT64_MIN formats too. */
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

    snprintf(buf, XG_SIM_FIXED_BUFSZ, "%s%llu.%08llu", v < 0 ? "-" : "",
             (unsigned long long)(mag / (uint64_t)XG_SIM_SCALE),
             (unsigned long long)(mag % (uint64_t)XG_SIM_SCALE));
}

void
xg_sim_fixed_format_short(int64_t v, char buf[XG_SIM_FIXED_BUFSZ])
{
    xg_sim_fixed_format(v, buf);
    size_t n = strlen(buf);
    while (n > 0 && buf[n - 1] == '0') {
        buf[--n] = '\0';
    }
    if (n > 0 && buf[n - 1] == '.') {
        buf[--n] = '\0';
    }
}

bool
xg_sim_is_plain_id(const char *id, size_t max_len)
{
    size_t n = strlen(id);

    if (n == 0 || n > max_len) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
              (ch >= '0' && ch <= '9') || ch == '-' || ch == '_')) {
            return false;
        }
    }
    return true;
}

static xg_err
sim_add(int64_t a, int64_t b, int64_t *out)
{
    if (a > INT64_MAX - b) {
        return XG_ERR_OVERFLOW;
    }
    *out = a + b;
    return XG_OK;
}

static xg_err
sim_mul_plain(int64_t a, int64_t b, int64_t *out)
{
    if (a != 0 && b > INT64_MAX / a) {
        return XG_ERR_OVERFLOW;
    }
    *out = a * b;
    return XG_OK;
}

xg_err
xg_sim_fixed_mul(int64_t a, int64_t b, int64_t *out)
{
    /* a = a1*S + a0, b = b1*S + b0; a*b/S = a1*b1*S + a1*b0 + a0*b1 +
     * a0*b0/S, with a0, b0 < S = 1e8 so a0*b0 < 1e16 always fits. */
    int64_t a1 = a / XG_SIM_SCALE;
    int64_t a0 = a % XG_SIM_SCALE;
    int64_t b1 = b / XG_SIM_SCALE;
    int64_t b0 = b % XG_SIM_SCALE;
    int64_t t = 0;
    int64_t sum = 0;

    if (a < 0 || b < 0 || out == NULL) {
        return XG_ERR_INVALID;
    }
    if (sim_mul_plain(a1, b1, &t) != XG_OK ||
        sim_mul_plain(t, XG_SIM_SCALE, &sum) != XG_OK) {
        return XG_ERR_OVERFLOW;
    }
    if (sim_mul_plain(a1, b0, &t) != XG_OK || sim_add(sum, t, &sum) != XG_OK) {
        return XG_ERR_OVERFLOW;
    }
    if (sim_mul_plain(a0, b1, &t) != XG_OK || sim_add(sum, t, &sum) != XG_OK) {
        return XG_ERR_OVERFLOW;
    }
    if (sim_add(sum, a0 * b0 / XG_SIM_SCALE, &sum) != XG_OK) {
        return XG_ERR_OVERFLOW;
    }
    *out = sum;
    return XG_OK;
}

xg_err
xg_sim_fixed_div(int64_t a, int64_t b, int64_t *out)
{
    /* Long division, one decimal digit at a time, so no intermediate
     * product exceeds 10 * b. */
    int64_t whole = 0;
    int64_t rem = 0;
    int64_t frac = 0;

    if (b <= 0 || a < 0 || out == NULL) {
        return XG_ERR_INVALID;
    }
    whole = a / b;
    rem = a % b;
    for (int i = 0; i < XG_SIM_SCALE_DIGITS; i++) {
        if (rem > INT64_MAX / 10) {
            return XG_ERR_OVERFLOW;
        }
        rem *= 10;
        frac = frac * 10 + rem / b;
        rem %= b;
    }
    if (whole > (INT64_MAX - frac) / XG_SIM_SCALE) {
        return XG_ERR_OVERFLOW;
    }
    *out = whole * XG_SIM_SCALE + frac;
    return XG_OK;
}
