/*
 * requests.c - the Binance spot request for each operation, and its cost.
 *
 * build() turns an xg_op into the method, path and parameters of Binance's
 * REST API v3 (fact sheet, "Endpoints an execution gateway needs"), has
 * sign.c sign and place them, and charges the request against the
 * instance's buckets: every REQUEST_WEIGHT bucket the endpoint's weight,
 * every RAW_REQUESTS bucket 1, every ORDERS bucket 1 for a new order or a
 * cancel-replace. The bucket list itself (defaults or exchangeInfo's)
 * belongs to limits.c and parse.c.
 *
 * An amend is one of Binance's two endpoints (rest-api.md): "Order Amend
 * Keep Priority" (PUT /api/v3/order/amend/keepPriority), which can only
 * lower the quantity and keeps the order, its id and its place in the
 * queue; or "Cancel an Existing Order and Send a New Order"
 * (POST /api/v3/order/cancelReplace), a new order for what is left. The
 * core picks one through xg_amend.is_replace from the adapter's caps.
 *
 * Binance spot has no batch of new orders or of cancels (batchOrders is
 * a futures endpoint), so the batches are XG_ERR_UNSUPPORTED and the caps
 * say 0. It cancels every open order of a symbol in one request
 * (DELETE /api/v3/openOrders) and lists the balances with the account
 * (GET /api/v3/account, omitZeroBalances=true so that the answer holds
 * only the assets the account has).
 *
 * An order's fills are "Account trade list" (GET /api/v3/myTrades) by
 * symbol and orderId, with fromId: rest-api.md lists "symbol + orderId +
 * fromId" among the combinations it takes, and "If fromId is set, it
 * will get trades >= that fromId. Otherwise most recent trades are
 * returned." Without fromId a full page would be the newest trades, and
 * paging on from them could never reach the older ones; so the first page
 * asks fromId=0 (trade ids are not negative), the oldest first, and each
 * next page the cursor parse_fills.c took from the last (its largest id +
 * 1).
 *
 * Signed parameters start with timestamp and end with recvWindow, the
 * order ccxt uses and vectors binance-s-01/02 record, so that a new order
 * built here is byte for byte the vector's body.
 */
#include "binance.h"

#include <string.h>

#include "xgate/adapter_util.h"

#define BINANCE_PATH_TIME          "/api/v3/time"
#define BINANCE_PATH_EXCHANGE_INFO "/api/v3/exchangeInfo"
#define BINANCE_PATH_ORDER         "/api/v3/order"
#define BINANCE_PATH_OPEN_ORDERS   "/api/v3/openOrders"
#define BINANCE_PATH_AMEND         "/api/v3/order/amend/keepPriority"
#define BINANCE_PATH_REPLACE       "/api/v3/order/cancelReplace"
#define BINANCE_PATH_ACCOUNT       "/api/v3/account"
#define BINANCE_PATH_MY_TRADES     "/api/v3/myTrades"

int64_t
binance_op_weight(const xg_op *op)
{
    /* Fact sheet endpoint table. POST and DELETE /api/v3/order cost 0 when
     * they succeed since 2026-04-02 but 1 when they fail; charging 1 is
     * the conservative side. */
    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        return 1;
    case XG_OP_INSTRUMENTS:
        return 20;
    case XG_OP_NEW_ORDER:
        return 1;
    case XG_OP_CANCEL_ORDER:
        return 1;
    case XG_OP_QUERY_ORDER:
        return 4;
    case XG_OP_OPEN_ORDERS:
        return op->instrument != NULL ? 6 : 80;
    case XG_OP_AMEND_ORDER:
        /* rest-api.md: "Order Amend Keep Priority" Weight 4; "Cancel an
         * Existing Order and Send a New Order" Weight 1 (0 on success since
         * 2026-04-02, as for new orders). */
        return op->amend != NULL && !op->amend->is_replace ? 4 : 1;
    case XG_OP_CANCEL_SYMBOL:
        /* "Cancel All Open Orders on a Symbol" (fact sheet): weight 1, 0
         * on success since 2026-04-02 like the other cancels; 1 is the
         * conservative side. */
        return 1;
    case XG_OP_BALANCES:
    case XG_OP_ACCOUNT_ID:
        return 20; /* fact sheet: GET /api/v3/account */
    case XG_OP_ORDER_FILLS:
        /* rest-api.md, "Account trade list": weight 20 without orderId,
         * 5 with it; the adapter always names the order. */
        return 5;
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_BATCH_AMEND:
    case XG_OP_STREAM_TOKEN:
        break; /* no such endpoint on spot: build refuses them */
    }
    return 1;
}

/* Whether op adds to the unfilled order count (the ORDERS buckets). A new
 * order does (fact sheet); of the amends, cancelReplace counts 1 and
 * keepPriority 0 (rest-api.md, "Unfilled Order Count" of each). */
static int
binance_op_counts_order(const xg_op *op)
{
    return op->kind == XG_OP_NEW_ORDER ||
           (op->kind == XG_OP_AMEND_ORDER && op->amend != NULL &&
            op->amend->is_replace);
}

xg_err
binance_add_costs(const binance *b, const xg_op *op, xg_http_request *req)
{
    int64_t weight = binance_op_weight(op);

    for (size_t i = 0; i < b->n_limits; i++) {
        int64_t units = 0;
        switch (b->limits[i].type) {
        case BINANCE_LIMIT_REQUEST_WEIGHT:
            units = weight;
            break;
        case BINANCE_LIMIT_RAW_REQUESTS:
            units = 1;
            break;
        case BINANCE_LIMIT_ORDERS:
            units = binance_op_counts_order(op);
            break;
        }
        if (units > 0) {
            xg_err rc = xg_http_request_add_cost(req, (uint16_t)i, 0, units);
            if (rc != XG_OK) {
                return rc;
            }
        }
    }
    req->priority = xg_op_priority(op->kind);
    return XG_OK;
}

static const char *
binance_venue_symbol(const xg_op *op)
{
    if (op->instrument == NULL || op->instrument->venue_symbol[0] == '\0' ||
        memchr(op->instrument->venue_symbol, '\0', XG_SYMBOL_MAX) == NULL) {
        return NULL;
    }
    return op->instrument->venue_symbol;
}

static void
binance_param_decimal(xg_buf *payload, const char *key, xg_decimal d)
{
    xg_buf_putc(payload, '&');
    xg_buf_puts(payload, key);
    xg_buf_putc(payload, '=');
    xg_buf_put_decimal(payload, d);
}

static void
binance_param_i64(xg_buf *payload, const char *key, int64_t v)
{
    if (payload->len > 0) {
        xg_buf_putc(payload, '&');
    }
    xg_buf_puts(payload, key);
    xg_buf_putc(payload, '=');
    xg_buf_put_i64(payload, v);
}

/* symbol .. price of a new order, after timestamp. */
static xg_err
binance_order_params(const xg_order *o, const char *symbol, xg_buf *payload)
{
    binance_param(payload, "symbol", symbol);
    switch (o->side) {
    case XG_SIDE_BUY:
        binance_param(payload, "side", "BUY");
        break;
    case XG_SIDE_SELL:
        binance_param(payload, "side", "SELL");
        break;
    default:
        return XG_ERR_BAD_SIDE;
    }
    if (!xg_decimal_is_positive(o->qty)) {
        return XG_ERR_BAD_QTY;
    }
    if (o->type == XG_TYPE_MARKET) {
        /* A market order takes by definition: post-only cannot apply. */
        if (o->tif == XG_TIF_POST_ONLY) {
            return XG_ERR_BAD_TIF;
        }
        binance_param(payload, "type", "MARKET");
        binance_param_decimal(payload, "quantity", o->qty);
        return XG_OK;
    }
    if (o->type != XG_TYPE_LIMIT) {
        return XG_ERR_BAD_TYPE;
    }
    if (!xg_decimal_is_positive(o->price)) {
        return XG_ERR_BAD_PRICE;
    }
    switch (o->tif) {
    case XG_TIF_GTC:
    case XG_TIF_IOC:
    case XG_TIF_FOK:
        binance_param(payload, "type", "LIMIT");
        binance_param(payload, "timeInForce", xg_tif_name(o->tif));
        break;
    case XG_TIF_POST_ONLY:
        /* LIMIT_MAKER is rejected if it would take and takes no
         * timeInForce (fact sheet, per-type parameters). */
        binance_param(payload, "type", "LIMIT_MAKER");
        break;
    default:
        return XG_ERR_BAD_TIF;
    }
    binance_param_decimal(payload, "quantity", o->qty);
    binance_param_decimal(payload, "price", o->price);
    return XG_OK;
}

/* keepPriority's parameters after timestamp: the order by its client id,
 * which it keeps (rest-api.md: "It is possible to reuse the current
 * clientOrderId by sending it as the newClientOrderId"; without one
 * Binance would give it a random id), and its new total quantity. */
static xg_err
binance_amend_params(const xg_op *op, const char *symbol, xg_buf *payload)
{
    if (!xg_decimal_is_positive(op->amend->qty)) {
        return XG_ERR_BAD_QTY;
    }
    binance_param(payload, "symbol", symbol);
    binance_param(payload, "origClientOrderId", op->client_id);
    binance_param(payload, "newClientOrderId", op->client_id);
    binance_param_decimal(payload, "newQty", op->amend->qty);
    return XG_OK;
}

/*
 * cancelReplace's parameters after timestamp: the replacement as a new
 * order, then the order it replaces. Binance's new order starts with
 * nothing executed, so it is for the new total less what the old one
 * filled. STOP_ON_FAILURE: the new order is not tried unless the cancel
 * went through, so a refused cancel changes nothing. RESULT: the answer
 * says the new order's state and executions without FULL's fill list.
 */
static xg_err
binance_replace_params(const xg_op *op, const char *symbol, xg_buf *payload)
{
    const xg_amend *a = op->amend;
    xg_order next = *op->order;
    xg_err rc = XG_OK;

    if (!xg_is_plain_id(a->new_client_id, XG_CLIENT_ID_MAX)) {
        return XG_ERR_BAD_CLIENT_ID;
    }
    /* Only a limit order rests long enough to be amended. */
    if (next.type != XG_TYPE_LIMIT) {
        return XG_ERR_BAD_TYPE;
    }
    if (a->filled_qty.units < 0 ||
        xg_decimal_add(a->qty,
                       (xg_decimal){-a->filled_qty.units, a->filled_qty.scale},
                       &next.qty) != XG_OK) {
        return XG_ERR_BAD_QTY;
    }
    next.price = a->price;
    rc = binance_order_params(&next, symbol, payload);
    if (rc != XG_OK) {
        return rc;
    }
    binance_param(payload, "cancelReplaceMode", "STOP_ON_FAILURE");
    binance_param(payload, "cancelOrigClientOrderId", op->client_id);
    binance_param(payload, "newClientOrderId", a->new_client_id);
    binance_param(payload, "newOrderRespType", "RESULT");
    return XG_OK;
}

/* A non-empty text of digits that fits int64_t and its buffer (Binance's
 * ids are LONG), read no further than cap. */
static int
binance_is_id_text(const char *s, size_t cap)
{
    int64_t v = 0;
    size_t n = s != NULL ? strnlen(s, cap) : cap;

    return n < cap && xg_digits_i64(s, n, &v) == XG_OK;
}

/* myTrades' parameters after timestamp: the order by symbol and orderId,
 * the first trade id wanted (op->cursor, "0" for the first page: see the
 * top of this file) and the largest page. */
static xg_err
binance_fills_params(const xg_op *op, const char *symbol, xg_buf *payload)
{
    const char *from_id = op->cursor != NULL ? op->cursor : "0";

    if (!binance_is_id_text(op->venue_order_id, XG_VENUE_ORDER_ID_MAX) ||
        !binance_is_id_text(from_id, XG_CURSOR_MAX)) {
        return XG_ERR_INVALID;
    }
    binance_param(payload, "symbol", symbol);
    binance_param(payload, "orderId", op->venue_order_id);
    binance_param(payload, "fromId", from_id);
    binance_param(payload, "limit", BINANCE_MY_TRADES_PAGE_STR);
    return XG_OK;
}

/* The signed parameters of op, timestamp first and recvWindow last. */
static xg_err
binance_signed_params(const binance *b, const xg_op *op, int64_t now_ms,
                      xg_buf *payload)
{
    const char *symbol = binance_venue_symbol(op);
    xg_err rc = XG_OK;

    binance_param_i64(payload, "timestamp", now_ms);
    switch (op->kind) {
    case XG_OP_NEW_ORDER:
        if (symbol == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        if (op->order == NULL) {
            return XG_ERR_INVALID;
        }
        if (!xg_is_plain_id(op->client_id, XG_CLIENT_ID_MAX)) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        rc = binance_order_params(op->order, symbol, payload);
        if (rc != XG_OK) {
            return rc;
        }
        binance_param(payload, "newClientOrderId", op->client_id);
        break;
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
        if (symbol == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        if (!xg_is_plain_id(op->client_id, XG_CLIENT_ID_MAX)) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        binance_param(payload, "symbol", symbol);
        binance_param(payload, "origClientOrderId", op->client_id);
        break;
    case XG_OP_OPEN_ORDERS:
        if (op->instrument != NULL) {
            if (symbol == NULL) {
                return XG_ERR_UNKNOWN_SYMBOL;
            }
            binance_param(payload, "symbol", symbol);
        }
        break;
    case XG_OP_CANCEL_SYMBOL:
        if (symbol == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        binance_param(payload, "symbol", symbol);
        break;
    case XG_OP_BALANCES:
    case XG_OP_ACCOUNT_ID: /* the account's answer carries its uid */
        binance_param(payload, "omitZeroBalances", "true");
        break;
    case XG_OP_ORDER_FILLS:
        if (symbol == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        rc = binance_fills_params(op, symbol, payload);
        if (rc != XG_OK) {
            return rc;
        }
        break;
    case XG_OP_AMEND_ORDER:
        if (symbol == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        if (op->order == NULL || op->amend == NULL) {
            return XG_ERR_INVALID;
        }
        if (!xg_is_plain_id(op->client_id, XG_CLIENT_ID_MAX)) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        rc = op->amend->is_replace ? binance_replace_params(op, symbol, payload)
                                   : binance_amend_params(op, symbol, payload);
        if (rc != XG_OK) {
            return rc;
        }
        break;
    default:
        return XG_ERR_INVALID;
    }
    binance_param_i64(payload, "recvWindow", b->recv_window_ms);
    return xg_buf_status(payload);
}

xg_err
binance_build(void *inst, const xg_op *op, int64_t venue_now_ms,
              xg_http_request *req)
{
    binance *b = inst;
    char mem[XG_HTTP_BODY_MAX];
    xg_buf payload;
    const char *method = "GET";
    const char *path = BINANCE_PATH_ORDER;
    xg_err rc = XG_OK;

    if (b == NULL || op == NULL || req == NULL) {
        return XG_ERR_INVALID;
    }
    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        rc = xg_request_public_get(req, BINANCE_PATH_TIME);
        break;
    case XG_OP_INSTRUMENTS:
        rc = xg_request_public_get(req, BINANCE_PATH_EXCHANGE_INFO);
        break;
    case XG_OP_NEW_ORDER:
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
    case XG_OP_OPEN_ORDERS:
    case XG_OP_AMEND_ORDER:
    case XG_OP_CANCEL_SYMBOL:
    case XG_OP_BALANCES:
    case XG_OP_ORDER_FILLS:
    case XG_OP_ACCOUNT_ID:
        if (venue_now_ms <= 0) {
            return XG_ERR_INVALID;
        }
        if (op->kind == XG_OP_NEW_ORDER) {
            method = "POST";
        } else if (op->kind == XG_OP_CANCEL_ORDER) {
            method = "DELETE";
        } else if (op->kind == XG_OP_OPEN_ORDERS) {
            path = BINANCE_PATH_OPEN_ORDERS;
        } else if (op->kind == XG_OP_CANCEL_SYMBOL) {
            method = "DELETE";
            path = BINANCE_PATH_OPEN_ORDERS;
        } else if (op->kind == XG_OP_BALANCES || op->kind == XG_OP_ACCOUNT_ID) {
            path = BINANCE_PATH_ACCOUNT;
        } else if (op->kind == XG_OP_ORDER_FILLS) {
            path = BINANCE_PATH_MY_TRADES;
        } else if (op->kind == XG_OP_AMEND_ORDER) {
            int is_replace = op->amend != NULL && op->amend->is_replace;
            method = is_replace ? "POST" : "PUT";
            path = is_replace ? BINANCE_PATH_REPLACE : BINANCE_PATH_AMEND;
        }
        xg_buf_init(&payload, mem, sizeof(mem));
        rc = binance_signed_params(b, op, venue_now_ms, &payload);
        if (rc == XG_OK) {
            rc = binance_finish_signed(b, method, path, payload.data,
                                       payload.len, req, NULL);
        }
        break;
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
        return XG_ERR_UNSUPPORTED;
    default:
        return XG_ERR_INVALID;
    }
    if (rc != XG_OK) {
        return rc;
    }
    return binance_add_costs(b, op, req);
}
