/*
 * requests.c - KuCoin spot requests for the operations of the ABI.
 *
 * Maps each xg_op to its HF endpoint (fact sheet, "Endpoints an execution
 * gateway needs"): server time and symbols are public GETs, a new order is
 * a POST of a JSON body to /api/v1/hf/orders, cancel and query address the
 * order by clientOid in the path with the symbol in the query, open
 * orders are listed per symbol, and an amend is KuCoin's "Modify Order"
 * (POST /api/v1/hf/orders/alter), a cancel-replace that keeps the
 * clientOid. A batch of new orders is "Batch Add Orders" (POST
 * /api/v1/hf/orders/multi, the single order's body for each), a mass
 * cancel "Cancel All Orders By Symbol" (DELETE /api/v1/hf/orders?symbol=)
 * and the balances the trade account's rows of GET /api/v1/accounts; the
 * HF API has no batch cancel (adapter.c). The private stream's token is
 * POST /api/v1/bullet-private (streams.md 4.1). An order's fills are HF
 * "Get Trade History" (GET /api/v1/hf/fills) by symbol and orderId, 100 a
 * page, the next page asked with the lastId the previous answer gave (see
 * parse_fills.c for what KuCoin says of it). Every request carries its cost
 * in the pool it draws from (limits.c explains the pools) and a priority:
 * KuCoin charges an endpoint's weight per request, so a batch of 5 costs
 * what a batch of 1 does. Signing is sign.c's job; this file decides the
 * parameters.
 */
#include "kucoin.h"

#include <string.h>

#include "xgate/adapter_util.h"

int64_t
kucoin_op_weight(const xg_op *op)
{
    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        return KUCOIN_WEIGHT_TIME;
    case XG_OP_INSTRUMENTS:
        return KUCOIN_WEIGHT_SYMBOLS;
    case XG_OP_NEW_ORDER:
        return KUCOIN_WEIGHT_PLACE;
    case XG_OP_CANCEL_ORDER:
        return KUCOIN_WEIGHT_CANCEL;
    case XG_OP_QUERY_ORDER:
        return KUCOIN_WEIGHT_QUERY;
    case XG_OP_OPEN_ORDERS:
        return KUCOIN_WEIGHT_OPEN;
    case XG_OP_AMEND_ORDER:
        return KUCOIN_WEIGHT_ALTER;
    case XG_OP_BATCH_NEW:
        return KUCOIN_WEIGHT_MULTI;
    case XG_OP_CANCEL_SYMBOL:
        return KUCOIN_WEIGHT_CANCEL_SYMBOL;
    case XG_OP_BALANCES:
        return KUCOIN_WEIGHT_ACCOUNTS;
    case XG_OP_STREAM_TOKEN:
        return KUCOIN_WEIGHT_BULLET;
    case XG_OP_ORDER_FILLS:
        return KUCOIN_WEIGHT_FILLS;
    case XG_OP_ACCOUNT_ID:
        return KUCOIN_WEIGHT_API_KEY;
    case XG_OP_BATCH_CANCEL:
    case XG_OP_BATCH_AMEND:
        break; /* never built (adapter.c) */
    }
    return 1;
}

uint16_t
kucoin_op_bucket(xg_op_kind kind)
{
    switch (kind) {
    case XG_OP_SERVER_TIME:
    case XG_OP_INSTRUMENTS:
        return KUCOIN_BUCKET_PUBLIC;
    case XG_OP_BALANCES:
    case XG_OP_ACCOUNT_ID:
        return KUCOIN_BUCKET_MANAGEMENT;
    default:
        return KUCOIN_BUCKET_SPOT;
    }
}

static const char *
kucoin_venue_symbol(const xg_op *op)
{
    if (op->instrument == NULL ||
        !xg_is_plain_id(op->instrument->venue_symbol, XG_SYMBOL_MAX)) {
        return NULL;
    }
    return op->instrument->venue_symbol;
}

static void
kucoin_json_decimal(xg_buf *body, const char *key, xg_decimal d)
{
    char num[XG_DECIMAL_STR_MAX];

    if (xg_decimal_format(d, num, sizeof(num)) != XG_OK) {
        body->overflow = 1; /* cannot happen for a valid decimal */
        return;
    }
    kucoin_json_member(body, key, num);
}

xg_err
kucoin_order_body(const xg_order *o, const char *client_id,
                  const char *venue_symbol, xg_buf *body)
{
    const char *tif = NULL;

    xg_buf_putc(body, '{');
    kucoin_json_member(body, "clientOid", client_id);
    switch (o->side) {
    case XG_SIDE_BUY:
        kucoin_json_member(body, "side", "buy");
        break;
    case XG_SIDE_SELL:
        kucoin_json_member(body, "side", "sell");
        break;
    default:
        return XG_ERR_BAD_SIDE;
    }
    kucoin_json_member(body, "symbol", venue_symbol);
    if (!xg_decimal_is_positive(o->qty)) {
        return XG_ERR_BAD_QTY;
    }
    if (o->type == XG_TYPE_MARKET) {
        /* A market order takes by definition: post-only cannot apply.
         * "size" is the base quantity ("funds" would be quote). */
        if (o->tif == XG_TIF_POST_ONLY) {
            return XG_ERR_BAD_TIF;
        }
        kucoin_json_member(body, "type", "market");
        kucoin_json_decimal(body, "size", o->qty);
        xg_buf_putc(body, '}');
        return xg_buf_status(body);
    }
    if (o->type != XG_TYPE_LIMIT) {
        return XG_ERR_BAD_TYPE;
    }
    if (!xg_decimal_is_positive(o->price)) {
        return XG_ERR_BAD_PRICE;
    }
    switch (o->tif) {
    case XG_TIF_GTC:
    case XG_TIF_POST_ONLY:
        tif = "GTC";
        break;
    case XG_TIF_IOC:
        tif = "IOC";
        break;
    case XG_TIF_FOK:
        tif = "FOK";
        break;
    default:
        return XG_ERR_BAD_TIF;
    }
    kucoin_json_member(body, "type", "limit");
    kucoin_json_decimal(body, "price", o->price);
    kucoin_json_decimal(body, "size", o->qty);
    kucoin_json_member(body, "timeInForce", tif);
    if (o->tif == XG_TIF_POST_ONLY) {
        /* Fact sheet: "postOnly: true (not with IOC/FOK)". */
        kucoin_json_flag(body, "postOnly", 1);
    }
    xg_buf_putc(body, '}');
    return xg_buf_status(body);
}

xg_err
kucoin_batch_body(const xg_batch *b, const char *venue_symbol, xg_buf *body)
{
    if (b == NULL || b->items == NULL || b->n == 0 ||
        b->n > KUCOIN_BATCH_NEW_MAX) {
        return XG_ERR_INVALID;
    }
    xg_buf_puts(body, "{\"orderList\":[");
    for (size_t i = 0; i < b->n; i++) {
        const xg_batch_item *it = &b->items[i];
        if (it->order == NULL) {
            return XG_ERR_INVALID;
        }
        /* "The order types must be limit orders" (api-3470168). */
        if (it->order->type != XG_TYPE_LIMIT) {
            return XG_ERR_BAD_TYPE;
        }
        if (!xg_is_plain_id(it->client_id, XG_CLIENT_ID_MAX)) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        if (i > 0) {
            xg_buf_putc(body, ',');
        }
        xg_err rc =
            kucoin_order_body(it->order, it->client_id, venue_symbol, body);
        if (rc != XG_OK) {
            return rc;
        }
    }
    xg_buf_puts(body, "]}");
    return xg_buf_status(body);
}

xg_err
kucoin_alter_body(const xg_order *o, const xg_amend *a, const char *client_id,
                  const char *venue_symbol, xg_buf *body)
{
    /* Only a limit order rests, so only one can be open to modify. */
    if (o->type != XG_TYPE_LIMIT) {
        return XG_ERR_BAD_TYPE;
    }
    if (!xg_decimal_is_positive(a->price)) {
        return XG_ERR_BAD_PRICE;
    }
    if (!xg_decimal_is_positive(a->qty)) {
        return XG_ERR_BAD_QTY;
    }
    /* Both are sent (the venue wants at least one): an unchanged value
     * is the order's own. newSize is the new order's whole size, what
     * filled included: KuCoin compares it with the filled quantity
     * ("When the quantity of the new order ... is less than the filled
     * quantity of this order, the order will be considered as
     * completed"), so it is amend->qty, never qty - filled_qty. */
    xg_buf_putc(body, '{');
    kucoin_json_member(body, "symbol", venue_symbol);
    kucoin_json_member(body, "clientOid", client_id);
    kucoin_json_decimal(body, "newPrice", a->price);
    kucoin_json_decimal(body, "newSize", a->qty);
    xg_buf_putc(body, '}');
    return xg_buf_status(body);
}

static xg_err
kucoin_add_costs(const xg_op *op, xg_http_request *req)
{
    xg_err rc = xg_http_request_add_cost(req, kucoin_op_bucket(op->kind), 0,
                                         kucoin_op_weight(op));
    if (rc != XG_OK) {
        return rc;
    }
    req->priority = xg_op_priority(op->kind);
    return XG_OK;
}

/* A cursor is a lastId parse_fills.c took from an answer: 1 to 19
 * digits, read no further than XG_CURSOR_MAX. */
static int
kucoin_is_last_id(const char *cursor)
{
    int64_t v = 0;
    size_t n = strnlen(cursor, XG_CURSOR_MAX);

    return n < XG_CURSOR_MAX && xg_digits_i64(cursor, n, &v) == XG_OK && v > 0;
}

/* The fills list's query: the order by symbol and orderId (sent as they
 * are signed, so both must need no encoding), lastId for a later page,
 * the largest page. */
static xg_err
kucoin_fills_query(const xg_op *op, const char *symbol, xg_buf *query)
{
    if (op->venue_order_id == NULL ||
        !xg_is_plain_id(op->venue_order_id, XG_VENUE_ORDER_ID_MAX) ||
        (op->cursor != NULL && !kucoin_is_last_id(op->cursor))) {
        return XG_ERR_INVALID;
    }
    xg_buf_puts(query, "symbol=");
    xg_buf_puts(query, symbol);
    xg_buf_puts(query, "&orderId=");
    xg_buf_puts(query, op->venue_order_id);
    if (op->cursor != NULL) {
        xg_buf_puts(query, "&lastId=");
        xg_buf_puts(query, op->cursor);
    }
    xg_buf_puts(query, "&limit=" KUCOIN_FILLS_PAGE_STR);
    return xg_buf_status(query);
}

/* The private operations: method, path, query and body, then signing. */
static xg_err
kucoin_build_private(kucoin *k, const xg_op *op, int64_t now_ms,
                     xg_http_request *req)
{
    char path_mem[XG_HTTP_TARGET_MAX];
    char query_mem[XG_HTTP_TARGET_MAX];
    char body_mem[XG_HTTP_BODY_MAX];
    const char *symbol = kucoin_venue_symbol(op);
    const char *method = "GET";
    xg_buf path;
    xg_buf query;
    xg_buf body;
    xg_err rc = XG_OK;

    if (now_ms <= 0) {
        return XG_ERR_INVALID;
    }
    /* HF endpoints all want the symbol, open orders included (there is no
     * all-symbols list of active HF orders in one call); the account's
     * balances, the stream's token and the key's account are the private
     * calls without. */
    if (symbol == NULL && op->kind != XG_OP_BALANCES &&
        op->kind != XG_OP_STREAM_TOKEN && op->kind != XG_OP_ACCOUNT_ID) {
        return XG_ERR_UNKNOWN_SYMBOL;
    }
    xg_buf_init(&path, path_mem, sizeof(path_mem));
    xg_buf_init(&query, query_mem, sizeof(query_mem));
    xg_buf_init(&body, body_mem, sizeof(body_mem));
    switch (op->kind) {
    case XG_OP_NEW_ORDER:
        if (op->order == NULL) {
            return XG_ERR_INVALID;
        }
        if (!xg_is_plain_id(op->client_id, XG_CLIENT_ID_MAX)) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        method = "POST";
        xg_buf_puts(&path, KUCOIN_PATH_ORDERS);
        rc = kucoin_order_body(op->order, op->client_id, symbol, &body);
        if (rc != XG_OK) {
            return rc;
        }
        break;
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
        if (!xg_is_plain_id(op->client_id, XG_CLIENT_ID_MAX)) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        method = op->kind == XG_OP_CANCEL_ORDER ? "DELETE" : "GET";
        xg_buf_puts(&path, KUCOIN_PATH_BY_COID);
        xg_buf_puts(&path, op->client_id);
        xg_buf_puts(&query, "symbol=");
        xg_buf_puts(&query, symbol);
        break;
    case XG_OP_OPEN_ORDERS:
        xg_buf_puts(&path, KUCOIN_PATH_ACTIVE);
        xg_buf_puts(&query, "symbol=");
        xg_buf_puts(&query, symbol);
        break;
    case XG_OP_CANCEL_SYMBOL:
        method = "DELETE";
        xg_buf_puts(&path, KUCOIN_PATH_ORDERS);
        xg_buf_puts(&query, "symbol=");
        xg_buf_puts(&query, symbol);
        break;
    case XG_OP_BATCH_NEW:
        method = "POST";
        xg_buf_puts(&path, KUCOIN_PATH_MULTI);
        rc = kucoin_batch_body(op->batch, symbol, &body);
        if (rc != XG_OK) {
            return rc;
        }
        break;
    case XG_OP_AMEND_ORDER:
        if (op->order == NULL || op->amend == NULL) {
            return XG_ERR_INVALID;
        }
        /* KuCoin has only the cancel-replace (caps.amend), whose
         * replacement keeps the clientOid: it can neither amend in place
         * nor give the new order another id. */
        if (!op->amend->is_replace || op->amend->new_client_id != NULL) {
            return XG_ERR_UNSUPPORTED;
        }
        if (!xg_is_plain_id(op->client_id, XG_CLIENT_ID_MAX)) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        method = "POST";
        xg_buf_puts(&path, KUCOIN_PATH_ALTER);
        rc = kucoin_alter_body(op->order, op->amend, op->client_id, symbol,
                               &body);
        if (rc != XG_OK) {
            return rc;
        }
        break;
    case XG_OP_BALANCES:
        /* The trade (spot) account: the funds orders draw on. */
        xg_buf_puts(&path, KUCOIN_PATH_ACCOUNTS);
        xg_buf_puts(&query, "type=trade");
        break;
    case XG_OP_STREAM_TOKEN:
        /* streams.md 4.1: signed like any private call, empty body. */
        method = "POST";
        xg_buf_puts(&path, KUCOIN_PATH_BULLET);
        break;
    case XG_OP_ORDER_FILLS:
        rc = kucoin_fills_query(op, symbol, &query);
        if (rc != XG_OK) {
            return rc;
        }
        xg_buf_puts(&path, KUCOIN_PATH_FILLS);
        break;
    case XG_OP_ACCOUNT_ID:
        xg_buf_puts(&path, KUCOIN_PATH_API_KEY);
        break;
    default:
        return XG_ERR_INVALID;
    }
    rc = xg_buf_status(&path);
    if (rc == XG_OK) {
        rc = xg_buf_status(&query);
    }
    if (rc != XG_OK) {
        return rc;
    }
    return kucoin_finish_signed(k, method, path.data, query.data, body.data,
                                body.len, now_ms, req, NULL, 0, NULL);
}

xg_err
kucoin_build(void *inst, const xg_op *op, int64_t venue_now_ms,
             xg_http_request *req)
{
    kucoin *k = inst;
    xg_err rc = XG_OK;

    if (k == NULL || op == NULL || req == NULL) {
        return XG_ERR_INVALID;
    }
    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        rc = xg_request_public_get(req, KUCOIN_PATH_TIME);
        break;
    case XG_OP_INSTRUMENTS:
        rc = xg_request_public_get(req, KUCOIN_PATH_SYMBOLS);
        break;
    case XG_OP_NEW_ORDER:
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
    case XG_OP_OPEN_ORDERS:
    case XG_OP_AMEND_ORDER:
    case XG_OP_BATCH_NEW:
    case XG_OP_CANCEL_SYMBOL:
    case XG_OP_BALANCES:
    case XG_OP_STREAM_TOKEN:
    case XG_OP_ORDER_FILLS:
    case XG_OP_ACCOUNT_ID:
        rc = kucoin_build_private(k, op, venue_now_ms, req);
        break;
    case XG_OP_BATCH_CANCEL:
        return XG_ERR_UNSUPPORTED;
    default:
        return XG_ERR_INVALID;
    }
    if (rc != XG_OK) {
        return rc;
    }
    return kucoin_add_costs(op, req);
}
