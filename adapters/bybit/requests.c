/*
 * requests.c - the Bybit v5 spot request for each operation, and its cost.
 *
 * build() turns an xg_op into the method, path and parameters of Bybit's
 * v5 API with category=spot (fact sheet, "Endpoints an execution gateway
 * needs"), has sign.c sign and place them, and charges the request: one
 * unit of the per-IP bucket for every request, and one unit of the
 * endpoint's per-UID bucket for the order endpoints. The buckets
 * themselves are limits.c's.
 *
 * Field order follows ccxt and vector bybit-s-01 (category, symbol, side,
 * orderType, qty, price, timeInForce, orderLinkId), so a new order built
 * here is byte for byte the vector's body. A query by client id uses the
 * realtime endpoint without openOnly: Bybit ignores openOnly when
 * orderLinkId is given and returns the order whether open or recently
 * closed, which is what reconciliation needs.
 *
 * An amend is POST /v5/order/amend (Bybit v5 docs, "Amend Order"): the
 * order by its orderLinkId and only what changes, "qty" the new total
 * (what filled included) and "price" the new limit. It keeps the order's
 * ids, so Bybit's amend is the only kind this adapter offers
 * (XG_AMEND_NATIVE); it is charged to its own per-UID bucket and ranked
 * with new orders, since moving a quote is placing one, not pulling it.
 *
 * Batches (create-batch, cancel-batch) carry each order as its single
 * create or cancel would, without the category the batch states once;
 * they cost one unit of the IP bucket and one per order of their own
 * endpoint bucket, as Bybit counts them. A mass cancel is cancel-all for
 * the symbol, balances the unified wallet; each is its own endpoint with
 * its own per-UID limit (bybit.h).
 *
 * An order's fills are "Get Trade History" (GET /v5/execution/list) by
 * orderId, the largest page (100), paged by nextPageCursor as the open
 * orders are. Bybit lists them newest first and offers no other order.
 * Without startTime and endTime it looks back 7 days ("startTime and
 * endTime are not passed, return 7 days by default"), which covers the
 * orders the gateway reconciles. The symbol goes along, though Bybit
 * ignores it beside an orderId ("orderId > orderLinkId > symbol").
 *
 * Open orders come in pages of at most 50. A later page is asked for with
 * the nextPageCursor of the previous answer as the cursor parameter. The
 * cursor is opaque, and Bybit hands it out already percent-encoded (such as
 * "page_args%3D...%26symbol%3D..." or "3:0%2C3:0"), so it is sent verbatim,
 * as Bybit's own client sends it (sign.c).
 */
#include "bybit.h"

#include <string.h>

#include "xgate/adapter_util.h"

#define BYBIT_PATH_TIME        "/v5/market/time"
#define BYBIT_PATH_INSTRUMENTS "/v5/market/instruments-info"
#define BYBIT_PATH_CREATE      "/v5/order/create"
#define BYBIT_PATH_CANCEL      "/v5/order/cancel"
#define BYBIT_PATH_REALTIME    "/v5/order/realtime"
#define BYBIT_PATH_AMEND       "/v5/order/amend"
#define BYBIT_PATH_BATCH_NEW   "/v5/order/create-batch"
#define BYBIT_PATH_BATCH_CXL   "/v5/order/cancel-batch"
#define BYBIT_PATH_CANCEL_ALL  "/v5/order/cancel-all"
#define BYBIT_PATH_WALLET      "/v5/account/wallet-balance"
#define BYBIT_PATH_EXECUTIONS  "/v5/execution/list"
#define BYBIT_PATH_QUERY_API   "/v5/user/query-api"

int
bybit_endpoint_bucket(xg_op_kind kind)
{
    switch (kind) {
    case XG_OP_NEW_ORDER:
        return BYBIT_BUCKET_CREATE;
    case XG_OP_CANCEL_ORDER:
        return BYBIT_BUCKET_CANCEL;
    case XG_OP_QUERY_ORDER:
    case XG_OP_OPEN_ORDERS:
        return BYBIT_BUCKET_REALTIME;
    case XG_OP_AMEND_ORDER:
        return BYBIT_BUCKET_AMEND;
    case XG_OP_BATCH_NEW:
        return BYBIT_BUCKET_BATCH_CREATE;
    case XG_OP_BATCH_CANCEL:
        return BYBIT_BUCKET_BATCH_CANCEL;
    case XG_OP_CANCEL_SYMBOL:
        return BYBIT_BUCKET_CANCEL_ALL;
    case XG_OP_BALANCES:
        return BYBIT_BUCKET_WALLET;
    case XG_OP_ORDER_FILLS:
        return BYBIT_BUCKET_EXECUTIONS;
    case XG_OP_ACCOUNT_ID:
        return BYBIT_BUCKET_API_INFO;
    default:
        return -1;
    }
}

xg_err
bybit_add_costs(const xg_op *op, xg_http_request *req)
{
    int endpoint = bybit_endpoint_bucket(op->kind);
    int64_t units = 1;
    xg_err rc = xg_http_request_add_cost(req, BYBIT_BUCKET_IP, 0, 1);

    /* A batch is one request to the IP layer but one unit per order to
     * its endpoint's limit (bybit.h). */
    if ((op->kind == XG_OP_BATCH_NEW || op->kind == XG_OP_BATCH_CANCEL) &&
        op->batch != NULL) {
        units = (int64_t)op->batch->n;
    }
    if (rc == XG_OK && endpoint >= 0) {
        rc = xg_http_request_add_cost(req, (uint16_t)endpoint, 0, units);
    }
    if (rc != XG_OK) {
        return rc;
    }
    req->priority = xg_op_priority(op->kind);
    return XG_OK;
}

/* A cursor as the venue hands them out: 1 to XG_CURSOR_MAX - 1 bytes that
 * can be sent verbatim. Anything else did not come from an answer, and
 * sending it would ask the venue for a page nobody pointed to. */
static int
bybit_is_cursor_ok(const char *cursor)
{
    size_t n = strnlen(cursor, XG_CURSOR_MAX);

    return n > 0 && n < XG_CURSOR_MAX && bybit_is_query_value(cursor);
}

/* The instrument's venue symbol, if it is a plain upper-case Bybit one. */
static const char *
bybit_venue_symbol(const xg_op *op)
{
    const char *s = NULL;

    if (op->instrument == NULL ||
        memchr(op->instrument->venue_symbol, '\0', XG_SYMBOL_MAX) == NULL) {
        return NULL;
    }
    s = op->instrument->venue_symbol;
    if (s[0] == '\0') {
        return NULL;
    }
    for (const char *p = s; *p != '\0'; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))) {
            return NULL;
        }
    }
    return s;
}

static void
bybit_json_decimal(xg_buf *body, const char *key, xg_decimal d)
{
    char num[XG_DECIMAL_STR_MAX];

    if (xg_decimal_format(d, num, sizeof(num)) != XG_OK) {
        body->overflow = 1;
        return;
    }
    bybit_json_param(body, key, num);
}

/* The JSON body of a new order; as an item of a batch (is_item) without
 * the category, which the batch states once. */
static xg_err
bybit_order_body(const xg_order *o, const char *symbol, const char *client_id,
                 int is_item, xg_buf *body)
{
    if (!is_item) {
        bybit_json_param(body, "category", "spot");
    }
    bybit_json_param(body, "symbol", symbol);
    switch (o->side) {
    case XG_SIDE_BUY:
        bybit_json_param(body, "side", "Buy");
        break;
    case XG_SIDE_SELL:
        bybit_json_param(body, "side", "Sell");
        break;
    default:
        return XG_ERR_BAD_SIDE;
    }
    if (!xg_decimal_is_positive(o->qty)) {
        return XG_ERR_BAD_QTY;
    }
    if (o->type == XG_TYPE_MARKET) {
        /* Market orders are always IOC on Bybit; post-only cannot apply,
         * and GTC/FOK are not what the venue would do. */
        if (o->tif == XG_TIF_POST_ONLY || o->tif == XG_TIF_FOK) {
            return XG_ERR_BAD_TIF;
        }
        bybit_json_param(body, "orderType", "Market");
        bybit_json_decimal(body, "qty", o->qty);
        /* A spot market buy is in quote units unless told otherwise (fact
         * sheet, "spot market qty unit"); xgate quantities are base. */
        bybit_json_param(body, "marketUnit", "baseCoin");
    } else if (o->type == XG_TYPE_LIMIT) {
        const char *tif = NULL;
        if (!xg_decimal_is_positive(o->price)) {
            return XG_ERR_BAD_PRICE;
        }
        switch (o->tif) {
        case XG_TIF_GTC:
            tif = "GTC";
            break;
        case XG_TIF_IOC:
            tif = "IOC";
            break;
        case XG_TIF_FOK:
            tif = "FOK";
            break;
        case XG_TIF_POST_ONLY:
            tif = "PostOnly";
            break;
        default:
            return XG_ERR_BAD_TIF;
        }
        bybit_json_param(body, "orderType", "Limit");
        bybit_json_decimal(body, "qty", o->qty);
        bybit_json_decimal(body, "price", o->price);
        bybit_json_param(body, "timeInForce", tif);
    } else {
        return XG_ERR_BAD_TYPE;
    }
    bybit_json_param(body, "orderLinkId", client_id);
    bybit_json_close(body);
    return xg_buf_status(body);
}

/* The start of a body naming an existing order, as cancel and amend do;
 * a batch item (is_item) leaves the category to the batch. */
static void
bybit_json_order_ref(xg_buf *body, const char *symbol, const char *client_id,
                     int is_item)
{
    if (!is_item) {
        bybit_json_param(body, "category", "spot");
    }
    bybit_json_param(body, "symbol", symbol);
    bybit_json_param(body, "orderLinkId", client_id);
}

/* The JSON body of a cancel, or of one item of a cancel batch. */
static xg_err
bybit_cancel_body(const char *symbol, const char *client_id, int is_item,
                  xg_buf *body)
{
    bybit_json_order_ref(body, symbol, client_id, is_item);
    bybit_json_close(body);
    return xg_buf_status(body);
}

/* Whether items[i]'s client id is plain and no earlier item's: parse
 * matches the venue's answer to the items by client id, and Bybit would
 * refuse a repeated one as a duplicate anyway. */
static int
bybit_is_item_id_ok(const xg_batch *batch, size_t i)
{
    const char *id = batch->items[i].client_id;

    if (!xg_is_plain_id(id, XG_CLIENT_ID_MAX)) {
        return 0;
    }
    for (size_t k = 0; k < i; k++) {
        if (strcmp(batch->items[k].client_id, id) == 0) {
            return 0;
        }
    }
    return 1;
}

/*
 * The body of a batch (Bybit v5 docs, "Batch Place Order", "Batch Cancel
 * Order"): {"category":"spot","request":[...]}, each item the single
 * create's or cancel's fields without the category, in the order of
 * op->batch, which is the order of Bybit's answer lists. Every item is on
 * op->instrument.
 */
static xg_err
bybit_batch_body(const xg_op *op, const char *symbol, xg_buf *body)
{
    const xg_batch *batch = op->batch;
    char mem[512];
    xg_buf item;

    if (batch == NULL || batch->items == NULL || batch->n == 0 ||
        batch->n > BYBIT_BATCH_MAX) {
        return XG_ERR_INVALID;
    }
    xg_buf_puts(body, "{\"category\":\"spot\",\"request\":[");
    for (size_t i = 0; i < batch->n; i++) {
        const xg_batch_item *it = &batch->items[i];
        xg_err rc = XG_OK;

        if (!bybit_is_item_id_ok(batch, i)) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        xg_buf_init(&item, mem, sizeof(mem));
        if (op->kind == XG_OP_BATCH_CANCEL) {
            rc = bybit_cancel_body(symbol, it->client_id, 1, &item);
        } else if (it->order == NULL) {
            rc = XG_ERR_INVALID;
        } else {
            rc = bybit_order_body(it->order, symbol, it->client_id, 1, &item);
        }
        if (rc != XG_OK) {
            return rc;
        }
        if (i > 0) {
            xg_buf_putc(body, ',');
        }
        xg_buf_put(body, item.data, item.len);
    }
    xg_buf_puts(body, "]}");
    return xg_buf_status(body);
}

/*
 * The JSON body of an amend: category, symbol, the order's orderLinkId,
 * then qty and price, each only when it changes ("Do not pass it if not
 * modify the qty", the same for price). An amend that changes nothing has
 * nothing to send; a cancel-replace is no Bybit operation; a market order
 * never rests to be amended.
 */
static xg_err
bybit_amend_body(const xg_op *op, const char *symbol, xg_buf *body)
{
    const xg_order *o = op->order;
    const xg_amend *a = op->amend;
    int is_new_qty = 0;
    int is_new_price = 0;

    if (o == NULL || a == NULL) {
        return XG_ERR_INVALID;
    }
    if (a->is_replace) {
        return XG_ERR_UNSUPPORTED;
    }
    if (o->type != XG_TYPE_LIMIT) {
        return XG_ERR_BAD_TYPE;
    }
    if (!xg_decimal_is_positive(a->qty)) {
        return XG_ERR_BAD_QTY;
    }
    if (!xg_decimal_is_positive(a->price)) {
        return XG_ERR_BAD_PRICE;
    }
    is_new_qty = xg_decimal_cmp(a->qty, o->qty) != 0;
    is_new_price = xg_decimal_cmp(a->price, o->price) != 0;
    if (!is_new_qty && !is_new_price) {
        return XG_ERR_INVALID;
    }
    bybit_json_order_ref(body, symbol, op->client_id, 0);
    if (is_new_qty) {
        bybit_json_decimal(body, "qty", a->qty);
    }
    if (is_new_price) {
        bybit_json_decimal(body, "price", a->price);
    }
    bybit_json_close(body);
    return xg_buf_status(body);
}

/* Whether kind names one order, by its symbol and client id. */
static int
bybit_is_order_op(xg_op_kind kind)
{
    return kind == XG_OP_NEW_ORDER || kind == XG_OP_CANCEL_ORDER ||
           kind == XG_OP_QUERY_ORDER || kind == XG_OP_AMEND_ORDER;
}

/* Method, path and payload of a signed op. */
static xg_err
bybit_signed_payload(const xg_op *op, const char **method, const char **path,
                     xg_buf *payload)
{
    const char *symbol = bybit_venue_symbol(op);

    if (op->kind == XG_OP_BATCH_NEW || op->kind == XG_OP_BATCH_CANCEL ||
        op->kind == XG_OP_CANCEL_SYMBOL) {
        if (symbol == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
    }
    if (bybit_is_order_op(op->kind)) {
        if (symbol == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        if (!xg_is_plain_id(op->client_id, XG_CLIENT_ID_MAX)) {
            return XG_ERR_BAD_CLIENT_ID;
        }
    }
    switch (op->kind) {
    case XG_OP_NEW_ORDER:
        if (op->order == NULL) {
            return XG_ERR_INVALID;
        }
        *method = "POST";
        *path = BYBIT_PATH_CREATE;
        return bybit_order_body(op->order, symbol, op->client_id, 0, payload);
    case XG_OP_CANCEL_ORDER:
        *method = "POST";
        *path = BYBIT_PATH_CANCEL;
        return bybit_cancel_body(symbol, op->client_id, 0, payload);
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
        *method = "POST";
        *path = op->kind == XG_OP_BATCH_NEW ? BYBIT_PATH_BATCH_NEW
                                            : BYBIT_PATH_BATCH_CXL;
        return bybit_batch_body(op, symbol, payload);
    case XG_OP_CANCEL_SYMBOL:
        /* Bybit v5 docs, "Cancel All Orders": category and symbol; spot
         * cancels every open order of the symbol, without a count
         * limit. */
        *method = "POST";
        *path = BYBIT_PATH_CANCEL_ALL;
        bybit_json_param(payload, "category", "spot");
        bybit_json_param(payload, "symbol", symbol);
        bybit_json_close(payload);
        return xg_buf_status(payload);
    case XG_OP_BALANCES:
        /* The unified account is the one spot trades in (fact sheet,
         * "Endpoints": accountType=UNIFIED). */
        *method = "GET";
        *path = BYBIT_PATH_WALLET;
        bybit_query_param(payload, "accountType", "UNIFIED");
        return xg_buf_status(payload);
    case XG_OP_ACCOUNT_ID:
        /* Bybit v5 docs, "Get API Key Information": no parameters, any
         * key may call it; result.userID names the key's account. */
        *method = "GET";
        *path = BYBIT_PATH_QUERY_API;
        return xg_buf_status(payload);
    case XG_OP_AMEND_ORDER:
        *method = "POST";
        *path = BYBIT_PATH_AMEND;
        return bybit_amend_body(op, symbol, payload);
    case XG_OP_QUERY_ORDER:
        *method = "GET";
        *path = BYBIT_PATH_REALTIME;
        bybit_query_param(payload, "category", "spot");
        bybit_query_param(payload, "symbol", symbol);
        bybit_query_param(payload, "orderLinkId", op->client_id);
        return xg_buf_status(payload);
    case XG_OP_ORDER_FILLS:
        if (symbol == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        /* Sent verbatim, as signed: an id that needs no encoding. */
        if (op->venue_order_id == NULL ||
            !xg_is_plain_id(op->venue_order_id, XG_VENUE_ORDER_ID_MAX) ||
            (op->cursor != NULL && !bybit_is_cursor_ok(op->cursor))) {
            return XG_ERR_INVALID;
        }
        *method = "GET";
        *path = BYBIT_PATH_EXECUTIONS;
        bybit_query_param(payload, "category", "spot");
        bybit_query_param(payload, "symbol", symbol);
        bybit_query_param(payload, "orderId", op->venue_order_id);
        bybit_query_param(payload, "limit", BYBIT_EXECUTIONS_PAGE_STR);
        if (op->cursor != NULL) {
            bybit_query_param(payload, "cursor", op->cursor);
        }
        return xg_buf_status(payload);
    case XG_OP_OPEN_ORDERS:
        *method = "GET";
        *path = BYBIT_PATH_REALTIME;
        bybit_query_param(payload, "category", "spot");
        if (op->instrument != NULL) {
            if (symbol == NULL) {
                return XG_ERR_UNKNOWN_SYMBOL;
            }
            bybit_query_param(payload, "symbol", symbol);
        }
        bybit_query_param(payload, "limit", BYBIT_OPEN_ORDERS_PAGE_STR);
        if (op->cursor != NULL) {
            if (!bybit_is_cursor_ok(op->cursor)) {
                return XG_ERR_INVALID;
            }
            bybit_query_param(payload, "cursor", op->cursor);
        }
        return xg_buf_status(payload);
    default:
        return XG_ERR_INVALID;
    }
}

xg_err
bybit_build(void *inst, const xg_op *op, int64_t venue_now_ms,
            xg_http_request *req)
{
    bybit *b = inst;
    char mem[XG_HTTP_BODY_MAX];
    xg_buf payload;
    const char *method = NULL;
    const char *path = NULL;
    xg_err rc = XG_OK;

    if (b == NULL || op == NULL || req == NULL) {
        return XG_ERR_INVALID;
    }
    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        rc = xg_request_public_get(req, BYBIT_PATH_TIME);
        break;
    case XG_OP_INSTRUMENTS:
        rc =
            xg_request_public_get(req, BYBIT_PATH_INSTRUMENTS "?category=spot");
        break;
    case XG_OP_NEW_ORDER:
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
    case XG_OP_OPEN_ORDERS:
    case XG_OP_AMEND_ORDER:
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_CANCEL_SYMBOL:
    case XG_OP_BALANCES:
    case XG_OP_ORDER_FILLS:
    case XG_OP_ACCOUNT_ID:
        if (venue_now_ms <= 0) {
            return XG_ERR_INVALID;
        }
        xg_buf_init(&payload, mem, sizeof(mem));
        rc = bybit_signed_payload(op, &method, &path, &payload);
        if (rc == XG_OK) {
            rc = bybit_finish_signed(b, method, path, payload.data, payload.len,
                                     venue_now_ms, b->recv_window_ms, req, NULL,
                                     0, NULL);
        }
        break;
    default:
        return XG_ERR_INVALID;
    }
    if (rc != XG_OK) {
        return rc;
    }
    return bybit_add_costs(op, req);
}
