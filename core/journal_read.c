/*
 * journal_read.c - reading the order journal back at start-up.
 *
 * journal.c opens <dir>/journal.db, proves it is a journal of our schema
 * and writes to it turn by turn; this file turns its rows back into
 * xg__journal_order and xg__journal_attempt records for recovery
 * (xg__journal_load_open) and finds the largest gw_id ever used
 * (xg__journal_last_gw_id). It is separate because it faces the other
 * way: the writer checks records the gateway hands it, while everything
 * here treats the file as input we trust only as far as we check it,
 * column by column, before a value reaches a struct. It runs the
 * statements journal.c prepared (struct xg__journal, journal_int.h) and
 * never writes.
 */
#include "journal.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "journal_int.h"

/* Copy a text column into a fixed array; 0 if it is not text that fits. */
static int
col_text(sqlite3_stmt *st, int col, char *dst, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    int len = sqlite3_column_bytes(st, col);
    if (t == NULL || len < 0 || (size_t)len >= cap ||
        memchr(t, '\0', (size_t)len) != NULL) {
        return 0;
    }
    memcpy(dst, t, (size_t)len);
    dst[len] = '\0';
    return 1;
}

static int
col_range(sqlite3_stmt *st, int col, int64_t lo, int64_t hi, int64_t *out)
{
    if (sqlite3_column_type(st, col) != SQLITE_INTEGER) {
        return 0;
    }
    *out = sqlite3_column_int64(st, col);
    return *out >= lo && *out <= hi;
}

static int
col_decimal(sqlite3_stmt *st, int col, xg_decimal *out)
{
    int64_t scale = 0;
    if (sqlite3_column_type(st, col) != SQLITE_INTEGER ||
        !col_range(st, col + 1, 0, XG_DECIMAL_MAX_SCALE, &scale)) {
        return 0;
    }
    out->units = sqlite3_column_int64(st, col);
    out->scale = (uint8_t)scale;
    return 1;
}

/* Fill o from a row of ORDER_COLS; the name of the first bad column, or
 * NULL. Rows come from a file we trust only as far as we check it. */
static const char *
row_to_order(sqlite3_stmt *st, xg__journal_order *o)
{
    int64_t v = 0;
    memset(o, 0, sizeof *o);
    if (!col_text(st, 0, o->gw_id, sizeof o->gw_id)) {
        return "gw_id";
    }
    if (!col_text(st, 1, o->client_id, sizeof o->client_id)) {
        return "client_id";
    }
    if (!col_text(st, 2, o->strategy_id, sizeof o->strategy_id)) {
        return "strategy_id";
    }
    if (!col_text(st, 3, o->symbol, sizeof o->symbol)) {
        return "symbol";
    }
    if (!col_range(st, 4, XG_SIDE_BUY, XG_SIDE_SELL, &v)) {
        return "side";
    }
    o->side = (xg_side)v;
    if (!col_range(st, 5, XG_TYPE_LIMIT, XG_TYPE_MARKET, &v)) {
        return "type";
    }
    o->type = (xg_order_type)v;
    if (!col_range(st, 6, XG_TIF_GTC, XG_TIF_POST_ONLY, &v)) {
        return "tif";
    }
    o->tif = (xg_tif)v;
    if (!col_decimal(st, 7, &o->qty)) {
        return "qty";
    }
    if (!col_decimal(st, 9, &o->price)) {
        return "price";
    }
    if (!col_range(st, 11, XG_STATUS_PENDING, XG_STATUS_UNKNOWN, &v)) {
        return "status";
    }
    o->status = (xg_order_status)v;
    if (!col_text(st, 12, o->venue, sizeof o->venue)) {
        return "venue";
    }
    if (!col_text(st, 13, o->venue_client_id, sizeof o->venue_client_id)) {
        return "venue_client_id";
    }
    if (!col_text(st, 14, o->venue_order_id, sizeof o->venue_order_id)) {
        return "venue_order_id";
    }
    if (!col_decimal(st, 15, &o->exec.filled_qty)) {
        return "filled_qty";
    }
    if (!col_range(st, 17, 0, UINT8_MAX, &v)) {
        return "attempt";
    }
    o->attempt = (uint8_t)v;
    if (!col_range(st, 18, 0, 1, &v)) {
        return "cancel_requested";
    }
    o->cancel_requested = (uint8_t)v;
    if (!col_range(st, 19, 0, 1, &v)) {
        return "requantize";
    }
    o->requantize = (uint8_t)v;
    if (!col_range(st, 20, 0, XG_MAX_ROUTE, &v)) {
        return "n_route";
    }
    o->n_route = (uint8_t)v;
    for (int i = 0; i < o->n_route; i++) {
        if (!col_text(st, 21 + i, o->route[i], sizeof o->route[i])) {
            return "route";
        }
    }
    if (!col_range(st, 25, INT64_MIN, INT64_MAX, &o->deadline_ms)) {
        return "deadline_ms";
    }
    if (!col_range(st, 26, INT64_MIN, INT64_MAX, &o->updated_ms)) {
        return "updated_ms";
    }
    if (!col_decimal(st, 27, &o->exec.filled_quote)) {
        return "quote";
    }
    if (!col_decimal(st, 29, &o->exec.fee)) {
        return "fee";
    }
    if (!col_text(st, 31, o->exec.fee_currency, sizeof o->exec.fee_currency)) {
        return "fee_currency";
    }
    if (!col_decimal(st, 32, &o->replaced_exec.filled_qty)) {
        return "replaced_filled_qty";
    }
    if (!col_decimal(st, 34, &o->replaced_exec.filled_quote)) {
        return "replaced_quote";
    }
    if (!col_decimal(st, 36, &o->replaced_exec.fee)) {
        return "replaced_fee";
    }
    if (!col_text(st, 38, o->replaced_exec.fee_currency,
                  sizeof o->replaced_exec.fee_currency)) {
        return "replaced_fee_currency";
    }
    return NULL;
}

static const char *
row_to_attempt(sqlite3_stmt *st, xg__journal_attempt *a)
{
    int64_t v = 0;
    memset(a, 0, sizeof *a);
    if (!col_text(st, 0, a->gw_id, sizeof a->gw_id)) {
        return "gw_id";
    }
    if (!col_range(st, 1, 0, UINT8_MAX, &v)) {
        return "attempt";
    }
    a->attempt = (uint8_t)v;
    if (!col_text(st, 2, a->venue, sizeof a->venue)) {
        return "venue";
    }
    if (!col_text(st, 3, a->venue_client_id, sizeof a->venue_client_id)) {
        return "venue_client_id";
    }
    if (!col_range(st, 4, XG_ATTEMPT_UNSETTLED, XG_ATTEMPT_ABSENT, &v)) {
        return "state";
    }
    a->state = (int)v;
    if (!col_range(st, 5, INT64_MIN, INT64_MAX, &a->updated_ms)) {
        return "updated_ms";
    }
    return NULL;
}

/* Fill f from a row of FILL_COLS; the name of the first bad column, or
 * NULL. A row that reads but breaks the rules every fill keeps is bad
 * too ("fill"). */
static const char *
row_to_fill(sqlite3_stmt *st, xg__journal_fill *f)
{
    int64_t v = 0;
    memset(f, 0, sizeof *f);
    if (!col_text(st, 0, f->gw_id, sizeof f->gw_id)) {
        return "gw_id";
    }
    if (!col_text(st, 1, f->venue, sizeof f->venue)) {
        return "venue";
    }
    if (!col_text(st, 2, f->trade_id, sizeof f->trade_id)) {
        return "trade_id";
    }
    if (!col_decimal(st, 3, &f->qty)) {
        return "qty";
    }
    if (!col_decimal(st, 5, &f->price)) {
        return "price";
    }
    if (!col_decimal(st, 7, &f->fee)) {
        return "fee";
    }
    if (!col_text(st, 9, f->fee_currency, sizeof f->fee_currency)) {
        return "fee_currency";
    }
    if (!col_range(st, 10, XG_LIQUIDITY_UNKNOWN, XG_LIQUIDITY_TAKER, &v)) {
        return "liquidity";
    }
    f->liquidity = (uint8_t)v;
    if (!col_range(st, 11, INT64_MIN, INT64_MAX, &f->time_ms)) {
        return "time_ms";
    }
    if (!col_range(st, 12, INT64_MIN, INT64_MAX, &f->updated_ms)) {
        return "updated_ms";
    }
    return xg__journal_fill_invalid(f) != NULL ? "fill" : NULL;
}

static xg_err
bad_row(xg__journal *j, const char *table, const char *gw_id, const char *col)
{
    xg__journal_set_err(j, "%s: %s row of order '%.16s' has a bad %s column",
                        j->path, table, gw_id, col);
    return XG_ERR_IO;
}

/* Attempts of one order into j->attempts. */
static xg_err
load_attempts(xg__journal *j, const char *gw_id, size_t *n)
{
    sqlite3_stmt *st = j->load_attempts;
    xg_err e = XG_OK;
    int rc;
    *n = 0;
    sqlite3_bind_text(st, 1, gw_id, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        /* The primary key makes more than 256 impossible unless attempt
         * numbers are out of range, which row_to_attempt refuses. */
        if (*n == XG_JOURNAL_MAX_ATTEMPTS) {
            e = bad_row(j, "attempts", gw_id, "attempt");
            break;
        }
        const char *bad = row_to_attempt(st, &j->attempts[*n]);
        if (bad != NULL) {
            e = bad_row(j, "attempts", gw_id, bad);
            break;
        }
        (*n)++;
    }
    if (e == XG_OK && rc != SQLITE_DONE) {
        e = xg__journal_fail_sql(j, rc, "load attempts");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return e;
}

/* Step st (its parameters bound) and call fn for each order row, with its
 * attempts when with_attempts; what names the load in messages. */
static xg_err
load_orders(xg__journal *j, sqlite3_stmt *st, int with_attempts,
            xg__journal_order_fn fn, void *ctx, const char *what)
{
    if (j->in_txn) {
        char msg[64];
        snprintf(msg, sizeof msg, "%s: writes are staged", what);
        sqlite3_clear_bindings(st);
        return xg__journal_fail_msg(j, XG_ERR_BUSY, msg);
    }
    xg__journal_order o;
    xg_err e = XG_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *bad = row_to_order(st, &o);
        if (bad != NULL) {
            const unsigned char *id = sqlite3_column_text(st, 0);
            e = bad_row(j, "orders", id != NULL ? (const char *)id : "?", bad);
            break;
        }
        size_t n = 0;
        if (with_attempts && (e = load_attempts(j, o.gw_id, &n)) != XG_OK) {
            break;
        }
        if ((e = fn(ctx, &o, j->attempts, n)) != XG_OK) {
            xg__journal_set_err(j, "%s: %s: callback refused order %s: %s",
                                j->path, what, o.gw_id, xg_strerror(e));
            break;
        }
    }
    if (e == XG_OK && rc != SQLITE_DONE) {
        e = xg__journal_fail_sql(j, rc, "load orders");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return e;
}

xg_err
xg__journal_load_open(xg__journal *j, xg__journal_order_fn fn, void *ctx)
{
    return load_orders(j, j->load_orders, 1, fn, ctx, "load_open");
}

xg_err
xg__journal_load_ended(xg__journal *j, int64_t window_ms,
                       xg__journal_order_fn fn, void *ctx)
{
    sqlite3_bind_int64(j->load_ended, 1, window_ms);
    return load_orders(j, j->load_ended, 0, fn, ctx, "load_ended");
}

xg_err
xg__journal_load_fills(xg__journal *j, int64_t window_ms,
                       xg__journal_fill_fn fn, void *ctx)
{
    sqlite3_stmt *st = j->load_fills;
    if (j->in_txn) {
        return xg__journal_fail_msg(j, XG_ERR_BUSY,
                                    "load_fills: writes are staged");
    }
    sqlite3_bind_int64(st, 1, window_ms);
    xg__journal_fill f;
    xg_err e = XG_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *bad = row_to_fill(st, &f);
        if (bad != NULL) {
            const unsigned char *id = sqlite3_column_text(st, 0);
            e = bad_row(j, "fills", id != NULL ? (const char *)id : "?", bad);
            break;
        }
        if ((e = fn(ctx, &f)) != XG_OK) {
            xg__journal_set_err(
                j, "%s: load_fills: callback refused a fill of %s: %s", j->path,
                f.gw_id, xg_strerror(e));
            break;
        }
    }
    if (e == XG_OK && rc != SQLITE_DONE) {
        e = xg__journal_fail_sql(j, rc, "load fills");
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return e;
}

xg_err
xg__journal_last_gw_id(xg__journal *j, char out[XG_GW_ID_LEN + 1])
{
    out[0] = '\0';
    sqlite3_stmt *st = j->last_gw_id;
    int rc = sqlite3_step(st);
    xg_err e = XG_OK;
    if (rc == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) != SQLITE_NULL &&
            !col_text(st, 0, out, XG_GW_ID_LEN + 1)) {
            out[0] = '\0';
            e = xg__journal_fail_msg(j, XG_ERR_IO, "stored gw_id too long");
        }
    } else {
        e = xg__journal_fail_sql(j, rc, "last_gw_id");
    }
    sqlite3_reset(st);
    return e;
}

/* A meta value written by xg__journal_put_applied: 1 to 20 decimal
 * digits that fit a uint64_t. */
static int
parse_u64(const unsigned char *t, int len, uint64_t *out)
{
    if (t == NULL || len < 1 || len > 20) {
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < len; i++) {
        if (t[i] < '0' || t[i] > '9' ||
            v > (UINT64_MAX - (uint64_t)(t[i] - '0')) / 10) {
            return 0;
        }
        v = v * 10 + (uint64_t)(t[i] - '0');
    }
    *out = v;
    return 1;
}

xg_err
xg__journal_get_applied(xg__journal *j, xg__journal_applied *out)
{
    uint64_t *const fields[3] = {&out->segment, &out->offset, &out->next_seq};
    out->segment = out->offset = out->next_seq = 0;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(j->db, "SELECT value FROM meta WHERE key = ?1",
                                -1, &st, NULL);
    xg_err e = XG_OK;
    for (size_t i = 0; rc == SQLITE_OK && e == XG_OK && i < 3; i++) {
        sqlite3_bind_text(st, 1, xg__journal_applied_keys[i], -1,
                          SQLITE_STATIC);
        int step = sqlite3_step(st);
        if (step == SQLITE_ROW &&
            !parse_u64(sqlite3_column_text(st, 0), sqlite3_column_bytes(st, 0),
                       fields[i])) {
            e = xg__journal_fail_msg(j, XG_ERR_IO,
                                     "stored turn log position is not a "
                                     "number");
        } else if (step != SQLITE_ROW && step != SQLITE_DONE) {
            rc = step;
        }
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK && e == XG_OK) {
        e = xg__journal_fail_sql(j, rc, "get_applied");
    }
    return e;
}
