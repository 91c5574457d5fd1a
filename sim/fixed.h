/*
 * sim/fixed.h - the simulator's own fixed-point money: int64 with scale 8.
 *
 * Every price, quantity and balance inside xgsim is an int64_t counting
 * 1e-8 units. These helpers are written for the simulator alone (it must
 * not share code with the gateway's decimal module, so that a bug in one
 * is caught by the other). All values handled here are non-negative.
 */
#ifndef XGATE_SIM_FIXED_H
#define XGATE_SIM_FIXED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xgate/error.h"

#define XG_SIM_SCALE        100000000LL
#define XG_SIM_SCALE_DIGITS 8
/* Enough for "-92233720368.54775808" and a NUL. */
#define XG_SIM_FIXED_BUFSZ 32

/* Parse a plain non-negative decimal ("35000", "0.001", "1.50") into
 * *out. Returns XG_ERR_BAD_DECIMAL for anything else (sign, exponent,
 * empty, more than 20 digits on either side), XG_ERR_PRECISION when a
 * non-zero digit lies past the 8th decimal, XG_ERR_OVERFLOW when the value
 * does not fit. */
xg_err xg_sim_fixed_parse(const char *s, int64_t *out);

/* Format v with exactly 8 decimals ("35000.00000000") into buf, which
 * holds at least XG_SIM_FIXED_BUFSZ bytes. */
void xg_sim_fixed_format(int64_t v, char buf[XG_SIM_FIXED_BUFSZ]);

/* The same without trailing fraction zeros, and without the point when
 * nothing follows it ("35000.1", "0.00001", "35000"): how Bybit and
 * KuCoin print amounts. */
void xg_sim_fixed_format_short(int64_t v, char buf[XG_SIM_FIXED_BUFSZ]);

/* Whether id is 1..max_len characters of [A-Za-z0-9_-]: the client order
 * ids Binance (36), Bybit (36) and KuCoin (40) accept. */
bool xg_sim_is_plain_id(const char *id, size_t max_len);

/* *out = a * b / 1e8, truncated; a, b >= 0. XG_ERR_OVERFLOW if it does
 * not fit in int64. */
xg_err xg_sim_fixed_mul(int64_t a, int64_t b, int64_t *out);

/* *out = a * 1e8 / b, truncated; a >= 0, b > 0. XG_ERR_OVERFLOW if it
 * does not fit, XG_ERR_INVALID if b <= 0. */
xg_err xg_sim_fixed_div(int64_t a, int64_t b, int64_t *out);

#endif
