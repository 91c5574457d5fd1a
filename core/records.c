/*
 * records.c - the rules a journal record keeps wherever it is written or
 * read (the SQLite store, the turn log's writer and its reader), in one
 * place so the three cannot drift apart. Pure; no SQLite, so the turn
 * log's fuzz target links it alone.
 */
#include "journal.h"

#include <string.h>

static int
is_terminated(const char *s, size_t cap)
{
    return memchr(s, '\0', cap) != NULL;
}

static int
is_scale_ok(xg_decimal d)
{
    return d.scale <= XG_DECIMAL_MAX_SCALE;
}

const char *
xg__journal_fill_invalid(const xg__journal_fill *f)
{
    if (!is_terminated(f->gw_id, sizeof f->gw_id) || f->gw_id[0] == '\0') {
        return "gw_id";
    }
    if (!is_terminated(f->venue, sizeof f->venue) || f->venue[0] == '\0') {
        return "venue";
    }
    if (!is_terminated(f->trade_id, sizeof f->trade_id) ||
        f->trade_id[0] == '\0') {
        return "trade_id";
    }
    if (!is_terminated(f->fee_currency, sizeof f->fee_currency)) {
        return "unterminated string";
    }
    if (!is_scale_ok(f->qty) || !is_scale_ok(f->price) ||
        !is_scale_ok(f->fee)) {
        return "decimal scale";
    }
    if (f->qty.units <= 0 || f->price.units < 0) {
        return "quantity or price";
    }
    if (f->liquidity > XG_LIQUIDITY_TAKER) {
        return "liquidity";
    }
    return NULL;
}
