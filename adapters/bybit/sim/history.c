/*
 * history.c - order history (/v5/order/history) and fill history
 * (/v5/execution/list) of xgsim's Bybit v5 dialect, each with its own
 * per-UID window (50/s each, Bybit's rate-limit table).
 *
 * Both list the account's items newest first, a page at a time with the
 * venue's opaque cursor (common.c), anchored on the last item listed so
 * that items arriving between pages shift nothing. Both take the venue's
 * time window: startTime / endTime in ms, at most 7 days apart; without
 * them the last 7 days (everything the simulator has done, unless it ran
 * longer). Narrowing follows the venue's priority: orderId, then
 * orderLinkId, then symbol.
 *
 * Order history lists every status (Bybit keeps all statuses for 7 days)
 * with orderStatus as an exact filter; an order is in it from its
 * creation. The fill history is the book's (sim/book.h), which keeps the
 * newest fill_history fills of the venue: an older fill is gone from it,
 * as old executions are from the venue's (2 years there). Each fill shows
 * execFee in feeCurrency (the coin received, Bybit's spot rule), feeRate,
 * isMaker, execPrice, execQty and execValue; execId is the trade's id,
 * the one the public tape shows. Calls orders.c for the order shape,
 * common.c and the simulator.
 */
#include "bybit_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BYBIT_WEEK_MS (7LL * 24 * 3600 * 1000)
/* Times past this (year 33658) are refused as out of range. */
#define BYBIT_MAX_TIME_MS 1000000000000000LL

/* The statuses orderStatus may name (fact sheet, "Enums"). */
static const char *const bybit_statuses[] = {"New",
                                             "PartiallyFilled",
                                             "Untriggered",
                                             "Rejected",
                                             "PartiallyFilledCanceled",
                                             "Filled",
                                             "Cancelled",
                                             "Triggered",
                                             "Deactivated"};

/* The [from, to] window of startTime / endTime; false with 10001. */
static bool
bybit_sim_time_window(const bybit_call *c, int64_t *from, int64_t *to)
{
    int64_t start = -1;
    int64_t end = -1;

    if (!bybit_sim_int_param(c, "startTime", 0, BYBIT_MAX_TIME_MS, -1,
                             &start) ||
        !bybit_sim_int_param(c, "endTime", 0, BYBIT_MAX_TIME_MS, -1, &end)) {
        return false;
    }
    if (start < 0 && end < 0) {
        end = c->now_ms;
        start = end - BYBIT_WEEK_MS;
    } else if (end < 0) {
        end = start + BYBIT_WEEK_MS;
    } else if (start < 0) {
        start = end - BYBIT_WEEK_MS;
    }
    if (end < start || end - start > BYBIT_WEEK_MS) {
        bybit_sim_params_error(
            c, "endTime must be after startTime, at most 7 days apart");
        return false;
    }
    *from = start;
    *to = end;
    return true;
}

/* The order orderId or orderLinkId names (lock held): *named says whether
 * one was given; NULL when it names none of the account's. */
static const xg_sim_order *
bybit_sim_history_named(const bybit_call *c, bool *named)
{
    const char *id = bybit_sim_param(c, "orderId");
    const char *link = bybit_sim_param(c, "orderLinkId");
    int64_t n = 0;

    *named = false;
    if (id != NULL && id[0] != '\0') {
        *named = true;
        for (const char *p = id; *p != '\0'; p++) {
            if (*p < '0' || *p > '9' || n > INT64_MAX / 10 - 9) {
                return NULL;
            }
            n = n * 10 + (*p - '0');
        }
        return xg_sim_book_by_id(&c->v->book, c->account, n);
    }
    if (link != NULL && link[0] != '\0') {
        *named = true;
        return xg_sim_book_by_client_id(&c->v->book, c->account, link);
    }
    return NULL;
}

void
bybit_sim_orders_page(const bybit_call *c, int64_t anchor, int64_t limit,
                      bybit_order_keep keep, const void *ctx, const char *want,
                      json_t *list, char next[BYBIT_CURSOR_LEN])
{
    /* orders[i] has order id i + 1, so the walk starts just below the
     * anchor. */
    size_t i = c->v->book.norders;
    if (anchor != INT64_MAX && (uint64_t)anchor - 1 < i) {
        i = (size_t)(anchor - 1);
    }
    const xg_sim_order *last = NULL;
    for (; i > 0; i--) {
        const xg_sim_order *o = &c->v->book.orders[i - 1];
        if (o->account != c->account || !keep(o, ctx)) {
            continue;
        }
        if ((int64_t)json_array_size(list) >= limit) {
            if (last != NULL) {
                bybit_sim_cursor_make(last->order_id, want, next);
            }
            return;
        }
        json_array_append_new(list, bybit_sim_order_json(c->v, o));
        last = o;
    }
}

/* What the history keeps: of one symbol if asked, in the time window,
 * of one status if asked. */
typedef struct bybit_history_filter {
    bool has_symbol;
    size_t instrument;
    int64_t from, to;
    const char *status; /* NULL: any */
} bybit_history_filter;

static bool
bybit_sim_history_keeps(const xg_sim_order *o, const void *ctx)
{
    const bybit_history_filter *f = ctx;
    return (!f->has_symbol || o->instrument == f->instrument) &&
           o->time_ms >= f->from && o->time_ms <= f->to &&
           (f->status == NULL ||
            strcmp(f->status, bybit_sim_status_name(o)) == 0);
}

void
bybit_sim_history(const bybit_call *c)
{
    size_t instrument = 0;
    bool has_symbol = false;
    bool named = false;
    const char *status = bybit_sim_param(c, "orderStatus");
    const char *filter = bybit_sim_param(c, "orderFilter");
    const char *cursor = bybit_sim_param(c, "cursor");
    const char *want = "";
    int64_t limit = 20;
    int64_t from = 0, to = 0;
    int64_t anchor = INT64_MAX;
    const xg_sim_order *named_order = NULL;
    char next[BYBIT_CURSOR_LEN];
    json_t *list = NULL;
    bool is_known = status == NULL || status[0] == '\0';

    next[0] = '\0';
    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_HISTORY) ||
        !bybit_sim_spot_symbol(c, false, &instrument, &has_symbol) ||
        !bybit_sim_int_param(c, "limit", 1, 50, 20, &limit) ||
        !bybit_sim_time_window(c, &from, &to)) {
        return;
    }
    for (size_t i = 0;
         !is_known && i < sizeof(bybit_statuses) / sizeof(bybit_statuses[0]);
         i++) {
        is_known = strcmp(status, bybit_statuses[i]) == 0;
    }
    if (!is_known) {
        bybit_sim_params_error(c, "orderStatus");
        return;
    }
    if (status != NULL && status[0] == '\0') {
        status = NULL;
    }
    /* Only plain orders exist here: a conditional or TP/SL filter finds
     * none. */
    if (filter != NULL && filter[0] != '\0' && strcmp(filter, "Order") != 0 &&
        strcmp(filter, "StopOrder") != 0 && strcmp(filter, "tpslOrder") != 0) {
        bybit_sim_params_error(c, "orderFilter");
        return;
    }
    if (has_symbol) {
        want = c->v->book.instruments[instrument].symbol;
    }
    list = json_array();
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    named_order = bybit_sim_history_named(c, &named);
    if (!named && cursor != NULL && cursor[0] != '\0' &&
        (!bybit_sim_cursor_parse(cursor, want, &anchor) ||
         xg_sim_book_by_id(&c->v->book, c->account, anchor) == NULL)) {
        xg_sim_venue_unlock(c->v);
        json_decref(list);
        bybit_sim_params_error(c, "cursor");
        return;
    }
    if (filter != NULL && filter[0] != '\0' && strcmp(filter, "Order") != 0) {
        named = true; /* lists nothing */
        named_order = NULL;
    }
    if (named) {
        const xg_sim_order *o = named_order;
        if (o != NULL && (!has_symbol || o->instrument == instrument) &&
            (status == NULL || strcmp(status, bybit_sim_status_name(o)) == 0)) {
            json_array_append_new(list, bybit_sim_order_json(c->v, o));
        }
    } else {
        const bybit_history_filter f = {has_symbol, instrument, from, to,
                                        status};
        bybit_sim_orders_page(c, anchor, limit, bybit_sim_history_keeps, &f,
                              want, list, next);
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c,
                 json_pack("{ss so ss}", "category", "spot", "list", list,
                           "nextPageCursor", next),
                 "queried");
}

/* One fill as /v5/execution/list shows it (lock held). */
static json_t *
bybit_sim_fill_json(const xg_sim_venue *v, const xg_sim_fill *f)
{
    const xg_sim_book *b = &v->book;
    const xg_sim_instrument *in = &b->instruments[f->instrument];
    const xg_sim_order *o = &b->orders[f->order_id - 1];
    int64_t ppm =
        f->is_maker ? b->config.maker_fee_ppm : b->config.taker_fee_ppm;
    int64_t left = xg_sim_order_is_open(o) ? o->qty - o->filled : 0;
    char oid[24], exec_id[24], t[24];
    char px[XG_SIM_FIXED_BUFSZ], qty[XG_SIM_FIXED_BUFSZ];
    char value[XG_SIM_FIXED_BUFSZ], fee[XG_SIM_FIXED_BUFSZ];
    char rate[XG_SIM_FIXED_BUFSZ], oprice[XG_SIM_FIXED_BUFSZ];
    char oqty[XG_SIM_FIXED_BUFSZ], leaves[XG_SIM_FIXED_BUFSZ];

    snprintf(oid, sizeof(oid), "%lld", (long long)f->order_id);
    snprintf(exec_id, sizeof(exec_id), "%lld", (long long)f->trade_id);
    snprintf(t, sizeof(t), "%lld", (long long)f->time_ms);
    bybit_sim_fmt(f->price, px);
    bybit_sim_fmt(f->qty, qty);
    bybit_sim_fmt(f->quote, value);
    bybit_sim_fmt(f->fee, fee);
    /* ppm -> a rate at scale 8: 1000 ppm is 0.001. Fee settings are
     * bounded far below the overflow of * 100. */
    bybit_sim_fmt(ppm > 0 && ppm < INT64_MAX / 100 ? ppm * 100 : 0, rate);
    bybit_sim_fmt(o->price, oprice);
    bybit_sim_fmt(o->qty, oqty);
    bybit_sim_fmt(left, leaves);
    return json_pack(
        "{ss ss ss ss ss ss ss ss ss ss ss ss ss ss ss ss sb ss "
        "ss ss ss ss ss ss sI ss}",
        "symbol", in->symbol, "orderId", oid, "orderLinkId", o->client_id,
        "side", f->side == XG_SIM_BUY ? "Buy" : "Sell", "orderPrice", oprice,
        "orderQty", oqty, "leavesQty", leaves, "orderType",
        o->type == XG_SIM_MARKET ? "Market" : "Limit", "stopOrderType", "",
        "execFee", fee, "execId", exec_id, "execPrice", px, "execQty", qty,
        "execType", "Trade", "execValue", value, "execTime", t, "isMaker",
        f->is_maker ? 1 : 0, "feeRate", rate, "feeCurrency",
        f->is_fee_quote ? in->quote : in->base, "tradeIv", "", "markIv", "",
        "markPrice", px, "indexPrice", "", "underlyingPrice", "", "seq",
        (json_int_t)f->seq, "blockTradeId", "");
}

/* execType: every fill here is a Trade; the venue's other types (funding,
 * settlement, ...) match none. */
static const char *const bybit_exec_types[] = {
    "Trade",    "AdlTrade",   "Funding",      "BustTrade", "Settle",
    "Delivery", "BlockTrade", "MovePosition", "UNKNOWN",   "FutureSpread"};

void
bybit_sim_executions(const bybit_call *c)
{
    size_t instrument = 0;
    bool has_symbol = false;
    bool named = false;
    bool is_cut = false;
    bool is_trade = true;
    bool is_known = false;
    const char *exec_type = bybit_sim_param(c, "execType");
    const char *cursor = bybit_sim_param(c, "cursor");
    const char *want = "";
    int64_t limit = 50;
    int64_t from = 0, to = 0;
    int64_t anchor = 0;
    int64_t seq = 0;
    const xg_sim_order *named_order = NULL;
    const xg_sim_fill *f = NULL;
    const xg_sim_fill *last = NULL;
    char next[BYBIT_CURSOR_LEN];
    json_t *list = NULL;

    next[0] = '\0';
    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_EXECUTIONS) ||
        !bybit_sim_spot_symbol(c, false, &instrument, &has_symbol) ||
        !bybit_sim_int_param(c, "limit", 1, 100, 50, &limit) ||
        !bybit_sim_time_window(c, &from, &to)) {
        return;
    }
    if (exec_type != NULL && exec_type[0] != '\0') {
        for (size_t i = 0; !is_known && i < sizeof(bybit_exec_types) /
                                                sizeof(bybit_exec_types[0]);
             i++) {
            is_known = strcmp(exec_type, bybit_exec_types[i]) == 0;
        }
        if (!is_known) {
            bybit_sim_params_error(c, "execType");
            return;
        }
        is_trade = strcmp(exec_type, "Trade") == 0;
    }
    if (has_symbol) {
        want = c->v->book.instruments[instrument].symbol;
    }
    list = json_array();
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    named_order = bybit_sim_history_named(c, &named);
    if (cursor != NULL && cursor[0] != '\0') {
        /* The anchor must be a fill of this account the history still
         * holds; the next page starts at the fill before it. */
        f = NULL;
        if (bybit_sim_cursor_parse(cursor, want, &anchor)) {
            f = xg_sim_book_fill(&c->v->book, anchor);
        }
        if (f == NULL || f->account != c->account ||
            (named &&
             (named_order == NULL || f->order_id != named_order->order_id))) {
            xg_sim_venue_unlock(c->v);
            json_decref(list);
            bybit_sim_params_error(c, "cursor");
            return;
        }
        seq = named ? f->prev_order_seq : f->prev_account_seq;
    } else if (named) {
        seq = named_order != NULL ? named_order->last_fill_seq : 0;
    } else {
        seq = c->v->book.accounts[c->account].last_fill_seq;
    }
    if (!is_trade) {
        seq = 0;
    }
    for (f = xg_sim_book_fill(&c->v->book, seq); f != NULL && !is_cut;
         f = xg_sim_book_fill(&c->v->book, named ? f->prev_order_seq
                                                 : f->prev_account_seq)) {
        if ((has_symbol && f->instrument != instrument) || f->time_ms > to) {
            continue;
        }
        if (f->time_ms < from) {
            break; /* newest first: the rest are older still */
        }
        if ((int64_t)json_array_size(list) >= limit) {
            is_cut = true;
        } else {
            json_array_append_new(list, bybit_sim_fill_json(c->v, f));
            last = f;
        }
    }
    if (is_cut && last != NULL) {
        bybit_sim_cursor_make(last->seq, want, next);
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c,
                 json_pack("{ss so ss}", "category", "spot", "list", list,
                           "nextPageCursor", next),
                 "queried");
}
