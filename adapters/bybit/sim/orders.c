/*
 * orders.c - the order endpoints of xgsim's Bybit v5 spot dialect: create,
 * cancel and the realtime query, over the shared book (sim/book.h).
 * Requests are JSON bodies (POST) or query strings (GET) with
 * category=spot; answers are the v5 envelope. Create and cancel answer with
 * an acknowledgement only ({orderId, orderLinkId}), as the real venue does;
 * the order's state is read through /v5/order/realtime, which finds an
 * order by orderLinkId whether it is open or closed and otherwise lists the
 * open ones, newest first, a page at a time with an opaque cursor to the
 * next page (see bybit_sim_realtime). Client ids are unique per account for
 * good (fact sheet: "always unique"), not only among open orders. dialect.c
 * routes authenticated requests here; this file calls only common.c
 * (envelope, parameters, the endpoint gate) and the simulator.
 */
#include "bybit_sim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
bybit_sim_status_name(const xg_sim_order *o)
{
    switch (o->status) {
    case XG_SIM_NEW:
        return "New";
    case XG_SIM_PARTIALLY_FILLED:
        return "PartiallyFilled";
    case XG_SIM_FILLED:
        return "Filled";
    case XG_SIM_CANCELED:
    case XG_SIM_EXPIRED:
        /* Bybit spot has no Expired: an IOC/FOK remainder is Cancelled,
         * or PartiallyFilledCanceled when part of it filled (fact sheet,
         * orderStatus). */
        return o->filled > 0 ? "PartiallyFilledCanceled" : "Cancelled";
    }
    return "New";
}

static const char *
bybit_sim_tif_text(const xg_sim_order *o)
{
    if (o->type == XG_SIM_LIMIT_MAKER) {
        return "PostOnly";
    }
    if (o->type == XG_SIM_MARKET) {
        return "IOC";
    }
    switch (o->tif) {
    case XG_SIM_IOC:
        return "IOC";
    case XG_SIM_FOK:
        return "FOK";
    case XG_SIM_GTC:
        break;
    }
    return "GTC";
}

/* One order as /v5/order/realtime lists it (lock held). */
static json_t *
bybit_sim_order_json(const xg_sim_venue *v, const xg_sim_order *o)
{
    char id[24], created[24], updated[24];
    char price[XG_SIM_FIXED_BUFSZ], qty[XG_SIM_FIXED_BUFSZ];
    char filled[XG_SIM_FIXED_BUFSZ], value[XG_SIM_FIXED_BUFSZ];
    char leaves[XG_SIM_FIXED_BUFSZ], avg[XG_SIM_FIXED_BUFSZ];
    char fee[XG_SIM_FIXED_BUFSZ];
    int64_t left = xg_sim_order_is_open(o) ? o->qty - o->filled : 0;

    snprintf(id, sizeof(id), "%lld", (long long)o->order_id);
    snprintf(created, sizeof(created), "%lld", (long long)o->time_ms);
    snprintf(updated, sizeof(updated), "%lld", (long long)o->update_ms);
    xg_sim_fixed_format_short(o->price, price);
    xg_sim_fixed_format_short(o->qty, qty);
    xg_sim_fixed_format_short(o->filled, filled);
    xg_sim_fixed_format_short(o->quote_filled, value);
    xg_sim_fixed_format_short(left, leaves);
    xg_sim_fixed_format_short(xg_sim_order_avg_price(o), avg);
    xg_sim_fixed_format_short(o->fee, fee);
    return json_pack(
        "{ss ss ss ss ss ss ss ss ss ss ss ss ss ss ss ss ss}", "orderId", id,
        "orderLinkId", o->client_id, "symbol",
        v->book.instruments[o->instrument].symbol, "price", price, "qty", qty,
        "side", o->side == XG_SIM_BUY ? "Buy" : "Sell", "orderStatus",
        bybit_sim_status_name(o), "avgPrice", avg, "leavesQty", leaves,
        "cumExecQty", filled, "cumExecValue", value, "cumExecFee", fee,
        "timeInForce", bybit_sim_tif_text(o), "orderType",
        o->type == XG_SIM_MARKET ? "Market" : "Limit", "createdTime", created,
        "updatedTime", updated, "isLeverage", "0");
}

static bool
bybit_sim_link_id_ok(const char *id)
{
    size_t n = strlen(id);

    if (n == 0 || n > 36) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        char ch = id[i];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
              (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) {
            return false;
        }
    }
    return true;
}

static void
bybit_sim_params_error(const bybit_call *c, const char *what)
{
    char msg[160];

    snprintf(msg, sizeof(msg), "params error: %s", what);
    bybit_sim_error(c, 10001, msg, "rejected");
}

/* category=spot and a known symbol; false with resp set otherwise. */
static bool
bybit_sim_spot_symbol(const bybit_call *c, bool required, size_t *instrument,
                      bool *has_symbol)
{
    const char *category = bybit_sim_param(c, "category");
    const char *symbol = bybit_sim_param(c, "symbol");

    *has_symbol = false;
    if (category == NULL || strcmp(category, "spot") != 0) {
        bybit_sim_params_error(c, "category must be spot");
        return false;
    }
    if (symbol == NULL) {
        if (required) {
            bybit_sim_params_error(c, "symbol is required");
            return false;
        }
        return true;
    }
    if (xg_sim_book_find_instrument(&c->v->book, symbol, instrument) != XG_OK) {
        bybit_sim_error(c, 170121, "Invalid symbol.", "rejected");
        return false;
    }
    *has_symbol = true;
    return true;
}

/* Decimal parameter; false with resp set when malformed. */
static bool
bybit_sim_amount(const bybit_call *c, const char *key, int64_t *out)
{
    const char *s = bybit_sim_param(c, key);
    xg_err err = XG_OK;
    char what[64];

    if (s == NULL) {
        snprintf(what, sizeof(what), "%s is required", key);
        bybit_sim_params_error(c, what);
        return false;
    }
    err = xg_sim_fixed_parse(s, out);
    if (err == XG_ERR_PRECISION) {
        bybit_sim_error(c, strcmp(key, "price") == 0 ? 170134 : 170137,
                        strcmp(key, "price") == 0
                            ? "Order price has too many decimals."
                            : "Order quantity has too many decimals.",
                        "rejected");
        return false;
    }
    if (err != XG_OK || *out <= 0) {
        snprintf(what, sizeof(what), "%s is not a positive number", key);
        bybit_sim_params_error(c, what);
        return false;
    }
    return true;
}

static json_t *
bybit_sim_ack(const xg_sim_order *o)
{
    char id[24];

    snprintf(id, sizeof(id), "%lld", (long long)o->order_id);
    return json_pack("{ss ss}", "orderId", id, "orderLinkId", o->client_id);
}

/* Parse the order fields of a create; false with resp set. */
static bool
bybit_sim_read_order(const bybit_call *c, xg_sim_new_order *no, bool *quote_qty)
{
    const char *side = bybit_sim_param(c, "side");
    const char *type = bybit_sim_param(c, "orderType");
    const char *tif = bybit_sim_param(c, "timeInForce");
    const char *unit = bybit_sim_param(c, "marketUnit");
    const char *link = bybit_sim_param(c, "orderLinkId");
    bool has_symbol = false;

    memset(no, 0, sizeof(*no));
    *quote_qty = false;
    no->account = c->account;
    if (!bybit_sim_spot_symbol(c, true, &no->instrument, &has_symbol)) {
        return false;
    }
    if (side == NULL || (strcmp(side, "Buy") != 0 && strcmp(side, "Sell"))) {
        bybit_sim_params_error(c, "side must be Buy or Sell");
        return false;
    }
    no->side = strcmp(side, "Buy") == 0 ? XG_SIM_BUY : XG_SIM_SELL;
    if (type == NULL ||
        (strcmp(type, "Limit") != 0 && strcmp(type, "Market") != 0)) {
        bybit_sim_params_error(c, "orderType must be Limit or Market");
        return false;
    }
    if (!bybit_sim_amount(c, "qty", &no->qty)) {
        return false;
    }
    if (link != NULL && !bybit_sim_link_id_ok(link)) {
        bybit_sim_params_error(c, "orderLinkId");
        return false;
    }
    no->client_id = link;
    if (strcmp(type, "Market") == 0) {
        no->type = XG_SIM_MARKET;
        no->tif = XG_SIM_IOC;
        /* Spot market buys are in quote units unless marketUnit says
         * baseCoin; sells are in base. */
        if (unit != NULL && strcmp(unit, "baseCoin") != 0 &&
            strcmp(unit, "quoteCoin") != 0) {
            bybit_sim_params_error(c, "marketUnit");
            return false;
        }
        *quote_qty = unit != NULL ? strcmp(unit, "quoteCoin") == 0
                                  : no->side == XG_SIM_BUY;
        return true;
    }
    if (!bybit_sim_amount(c, "price", &no->price)) {
        return false;
    }
    no->type = XG_SIM_LIMIT;
    no->tif = XG_SIM_GTC;
    if (tif == NULL || strcmp(tif, "GTC") == 0) {
        return true;
    }
    if (strcmp(tif, "IOC") == 0) {
        no->tif = XG_SIM_IOC;
    } else if (strcmp(tif, "FOK") == 0) {
        no->tif = XG_SIM_FOK;
    } else if (strcmp(tif, "PostOnly") == 0) {
        no->type = XG_SIM_LIMIT_MAKER;
    } else {
        bybit_sim_params_error(c, "timeInForce");
        return false;
    }
    return true;
}

void
bybit_sim_order_create(const bybit_call *c)
{
    xg_sim_new_order no;
    bool quote_qty = false;
    xg_sim_place_result result = XG_SIM_PLACED;
    xg_sim_order *o = NULL;
    const xg_sim_instrument *in = NULL;
    xg_err err = XG_OK;

    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_CREATE) ||
        !bybit_sim_read_order(c, &no, &quote_qty)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    in = &c->v->book.instruments[no.instrument];
    if (quote_qty && no.side == XG_SIM_BUY) {
        /* A buy for this much quote: what it buys from the book, level
         * by level, each rounded down to the step. */
        int64_t quote = no.qty;
        xg_sim_book_quote_qty(&c->v->book, c->account, no.instrument, quote,
                              c->now_ms, &no.qty);
    } else if (quote_qty) {
        int64_t base = 0;
        int64_t bid = xg_sim_book_best(&c->v->book, no.instrument, XG_SIM_BUY);
        if (bid <= 0 || xg_sim_fixed_div(no.qty, bid, &base) != XG_OK) {
            base = 0;
        }
        no.qty = base - base % in->step;
    }
    if (no.client_id != NULL &&
        xg_sim_book_by_client_id(&c->v->book, c->account, no.client_id) !=
            NULL) {
        xg_sim_venue_unlock(c->v);
        bybit_sim_error(c, 170141, "Duplicate clientOrderId.", "rejected");
        return;
    }
    if (no.qty < in->step) {
        xg_sim_venue_unlock(c->v);
        bybit_sim_error(c, 170136, "Order quantity lower than the minimum.",
                        "rejected");
        return;
    }
    switch (xg_sim_book_check_filters(&c->v->book, &no)) {
    case XG_SIM_FILTER_OK:
        break;
    case XG_SIM_FILTER_PRICE:
        xg_sim_venue_unlock(c->v);
        bybit_sim_error(c, 170134, "Order price has too many decimals.",
                        "rejected");
        return;
    case XG_SIM_FILTER_LOT:
        xg_sim_venue_unlock(c->v);
        bybit_sim_error(c, 170137, "Order quantity has too many decimals.",
                        "rejected");
        return;
    case XG_SIM_FILTER_NOTIONAL:
        xg_sim_venue_unlock(c->v);
        bybit_sim_error(c, 170140, "Order value exceeded lower limit.",
                        "rejected");
        return;
    }
    err = xg_sim_book_place(&c->v->book, &no, c->now_ms, &result, &o);
    if (err != XG_OK || result != XG_SIM_PLACED) {
        xg_sim_venue_unlock(c->v);
        if (err != XG_OK) {
            bybit_sim_error(c, 10016, "Internal server error.", "rejected");
        } else if (result == XG_SIM_INSUFFICIENT) {
            bybit_sim_error(c, 170131, "Insufficient balance.", "rejected");
        } else if (result == XG_SIM_DUPLICATE) {
            bybit_sim_error(c, 170141, "Duplicate clientOrderId.", "rejected");
        } else if (result == XG_SIM_WOULD_TAKE) {
            bybit_sim_error(c, 170210, "New order rejected.", "rejected");
        } else {
            bybit_sim_error(c, 170140, "Order value exceeded upper limit.",
                            "rejected");
        }
        return;
    }
    xg_sim_response_client_id(c->resp, o->client_id);
    bybit_sim_ok(c, bybit_sim_ack(o),
                 o->status == XG_SIM_EXPIRED ? "expired" : "placed");
    xg_sim_venue_unlock(c->v);
}

/* The order named by orderId or orderLinkId (lock held); NULL if none. */
static xg_sim_order *
bybit_sim_named_order(const bybit_call *c, bool *named)
{
    const char *id = bybit_sim_param(c, "orderId");
    const char *link = bybit_sim_param(c, "orderLinkId");
    int64_t n = 0;

    *named = id != NULL || link != NULL;
    if (id != NULL) {
        for (const char *p = id; *p != '\0'; p++) {
            if (*p < '0' || *p > '9' || n > INT64_MAX / 10 - 9) {
                return NULL;
            }
            n = n * 10 + (*p - '0');
        }
        return xg_sim_book_by_id(&c->v->book, c->account, n);
    }
    if (link != NULL) {
        return xg_sim_book_by_client_id(&c->v->book, c->account, link);
    }
    return NULL;
}

void
bybit_sim_cancel(const bybit_call *c)
{
    size_t instrument = 0;
    bool has_symbol = false;
    bool named = false;
    xg_sim_order *o = NULL;

    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_CANCEL) ||
        !bybit_sim_spot_symbol(c, true, &instrument, &has_symbol)) {
        return;
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = bybit_sim_named_order(c, &named);
    if (!named) {
        xg_sim_venue_unlock(c->v);
        bybit_sim_params_error(c, "orderId or orderLinkId is required");
        return;
    }
    if (o == NULL || o->instrument != instrument || !xg_sim_order_is_open(o) ||
        xg_sim_book_cancel(&c->v->book, o, c->now_ms) != XG_OK) {
        xg_sim_venue_unlock(c->v);
        bybit_sim_error(c, 170213, "Order does not exist.", "not_found");
        return;
    }
    bybit_sim_ok(c, bybit_sim_ack(o), "canceled");
    xg_sim_venue_unlock(c->v);
}

/*
 * Paging of the open-order list. The list is newest first (by order id,
 * which is creation order), and a page's nextPageCursor names the last
 * order on it and the symbol filter, in the shape of Bybit's own cursors:
 *
 *     page_args%3D<orderId>%26symbol%3D<SYMBOL or nothing>
 *
 * Like Bybit, the sim hands the cursor out percent-encoded. Bybit's own
 * client (pybit), ccxt and xgate send it back verbatim, so the parameter
 * decodes to "page_args=<orderId>&symbol=<SYMBOL>"; bybit-api encodes it
 * once more, so it decodes to the text handed out. Both are read. A next
 * page lists the open orders older than the named one, so orders placed
 * or closed between two pages do not shift the pages: nothing is listed
 * twice or skipped. A cursor that does not parse, names no order of this
 * account or another symbol filter is refused with 10001, as Bybit
 * refuses a bad parameter.
 */
static const struct {
    const char *head;
    const char *symbol;
} bybit_cursor_forms[] = {
    {"page_args%3D", "%26symbol%3D"}, /* as handed out */
    {"page_args=", "&symbol="},       /* decoded once more */
};

static void
bybit_sim_cursor_make(const xg_sim_venue *v, const xg_sim_order *last,
                      bool has_symbol, size_t instrument, char *out, size_t cap)
{
    /* The '%' of the cursor are text, so they go in as arguments. */
    snprintf(out, cap, "%s%lld%s%s", bybit_cursor_forms[0].head,
             (long long)last->order_id, bybit_cursor_forms[0].symbol,
             has_symbol ? v->book.instruments[instrument].symbol : "");
}

/* The order id a cursor in one of the forms is anchored on (lock held);
 * false if it is not one this venue handed out for this account and
 * filter. */
static bool
bybit_sim_cursor_read_form(const bybit_call *c, const char *cursor, size_t form,
                           const char *want, int64_t *anchor)
{
    const char *head = bybit_cursor_forms[form].head;
    const char *sep = bybit_cursor_forms[form].symbol;
    const char *p = cursor;
    int64_t id = 0;

    if (strncmp(p, head, strlen(head)) != 0) {
        return false;
    }
    p += strlen(head);
    if (*p < '1' || *p > '9') {
        return false;
    }
    for (; *p >= '0' && *p <= '9'; p++) {
        if (id > (INT64_MAX - 9) / 10) {
            return false;
        }
        id = id * 10 + (*p - '0');
    }
    if (strncmp(p, sep, strlen(sep)) != 0 ||
        strcmp(p + strlen(sep), want) != 0 ||
        xg_sim_book_by_id(&c->v->book, c->account, id) == NULL) {
        return false;
    }
    *anchor = id;
    return true;
}

static bool
bybit_sim_cursor_read(const bybit_call *c, const char *cursor, bool has_symbol,
                      size_t instrument, int64_t *anchor)
{
    const char *want =
        has_symbol ? c->v->book.instruments[instrument].symbol : "";

    for (size_t form = 0;
         form < sizeof(bybit_cursor_forms) / sizeof(bybit_cursor_forms[0]);
         form++) {
        if (bybit_sim_cursor_read_form(c, cursor, form, want, anchor)) {
            return true;
        }
    }
    return false;
}

void
bybit_sim_realtime(const bybit_call *c)
{
    size_t instrument = 0;
    bool has_symbol = false;
    bool named = false;
    bool is_cut = false;
    const char *limit_text = bybit_sim_param(c, "limit");
    const char *cursor = bybit_sim_param(c, "cursor");
    int64_t limit = 20;
    int64_t anchor = INT64_MAX;
    const xg_sim_order *last = NULL;
    char next[96];
    json_t *list = NULL;
    xg_sim_order *o = NULL;

    next[0] = '\0';
    if (!bybit_sim_endpoint_gate(c, BYBIT_EP_REALTIME) ||
        !bybit_sim_spot_symbol(c, false, &instrument, &has_symbol)) {
        return;
    }
    if (limit_text != NULL) {
        limit = 0;
        for (const char *p = limit_text; *p != '\0' && limit <= 50; p++) {
            limit = (*p >= '0' && *p <= '9') ? limit * 10 + (*p - '0') : 99;
        }
        if (limit < 1 || limit > 50) {
            bybit_sim_params_error(c, "limit must be 1..50");
            return;
        }
    }
    xg_sim_venue_lock(c->v);
    xg_sim_book_advance(&c->v->book, c->now_ms);
    o = bybit_sim_named_order(c, &named);
    /* An empty cursor is the first page, as an absent one. */
    if (!named && cursor != NULL && cursor[0] != '\0' &&
        !bybit_sim_cursor_read(c, cursor, has_symbol, instrument, &anchor)) {
        xg_sim_venue_unlock(c->v);
        bybit_sim_params_error(c, "cursor");
        return;
    }
    list = json_array();
    if (named) {
        /* By id: open or closed alike (openOnly is ignored then). */
        if (o != NULL && (!has_symbol || o->instrument == instrument)) {
            json_array_append_new(list, bybit_sim_order_json(c->v, o));
        }
    } else {
        /* Newest first, as the venue sorts by createdTime; orders[i] has
         * order id i + 1, so the walk starts just below the anchor. */
        size_t i = c->v->book.norders;
        if (anchor != INT64_MAX && (uint64_t)anchor - 1 < i) {
            i = (size_t)(anchor - 1);
        }
        for (; i > 0 && !is_cut; i--) {
            const xg_sim_order *e = &c->v->book.orders[i - 1];
            if (e->account == c->account && xg_sim_order_is_open(e) &&
                e->order_id < anchor &&
                (!has_symbol || e->instrument == instrument)) {
                if ((int64_t)json_array_size(list) >= limit) {
                    is_cut = true;
                } else {
                    json_array_append_new(list, bybit_sim_order_json(c->v, e));
                    last = e;
                }
            }
        }
        if (is_cut && last != NULL) {
            bybit_sim_cursor_make(c->v, last, has_symbol, instrument, next,
                                  sizeof(next));
        }
    }
    xg_sim_venue_unlock(c->v);
    bybit_sim_ok(c,
                 json_pack("{ss so ss}", "category", "spot", "list", list,
                           "nextPageCursor", next),
                 "queried");
}
