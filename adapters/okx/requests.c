/*
 * requests.c - the OKX v5 spot request for each operation, and its cost.
 *
 * build() turns an xg_op into the method, path and parameters of OKX's
 * REST API v5 (fact sheet, "Endpoints an execution gateway needs"), has
 * sign.c sign and place them, and charges the request one unit of its
 * endpoint's bucket. OKX counts place, amend, cancel and order details
 * per user and per instrument, so those charges carry the instrument's
 * scope (parse.c gives every instrument its own when the instrument list
 * is read); the other endpoints have one bucket each. The bucket specs
 * themselves are limits.c's.
 *
 * Orders are spot, trade mode "cash". Time in force is expressed through
 * ordType (fact sheet, "Enums"): limit (GTC), ioc, fok, post_only. Market
 * orders carry tgtCcy=base_ccy because the gateway's quantity is always in
 * the base asset, while OKX's default for a market buy is the quote.
 * Parameters go in the order of vector okx-s-01, so that a new order built
 * here is byte for byte the vector's body. An amend is OKX's in place
 * (amend-order keeps ordId and clOrdId): the order is named by its
 * clOrdId and given both its new price and its new total size, which OKX
 * counts with the filled part included. Open orders come in pages of
 * 100, newest first; the cursor to a next page is the ordId it starts
 * "after" (parse.c takes it from the previous page's last entry).
 *
 * Batches (Trade > Place multiple orders, Cancel multiple orders, Amend
 * multiple orders) are a JSON array of the single path's objects, up to
 * 20, all on the op's instrument, each refused as its single operation
 * would be. OKX counts their orders, in buckets of their own per
 * instrument, except that a batch of one order counts as one request of
 * the single path. OKX spot has no mass cancel (caps.cancel_symbol is 0):
 * CANCEL_SYMBOL is XG_ERR_UNSUPPORTED. Balances are one GET of every
 * asset of the trading account.
 *
 * An order's fills are "Get transaction details (last 3 days)" (GET
 * /api/v5/trade/fills) by instId and ordId, in pages of 100 like the
 * open orders: newest first, the only order OKX lists them in, the next
 * page "after" the billId the previous one ended on. Fills older than 3
 * days are only in /trade/fills-history, which the gateway does not ask:
 * it reconciles orders of its own session.
 */
#include "okx.h"

#include <string.h>

#include "xgate/adapter_util.h"

#define OKX_PATH_TIME         "/api/v5/public/time"
#define OKX_PATH_INSTRUMENTS  "/api/v5/public/instruments"
#define OKX_PATH_ORDER        "/api/v5/trade/order"
#define OKX_PATH_CANCEL       "/api/v5/trade/cancel-order"
#define OKX_PATH_PENDING      "/api/v5/trade/orders-pending"
#define OKX_PATH_AMEND        "/api/v5/trade/amend-order"
#define OKX_PATH_BATCH_PLACE  "/api/v5/trade/batch-orders"
#define OKX_PATH_BATCH_CANCEL "/api/v5/trade/cancel-batch-orders"
#define OKX_PATH_BATCH_AMEND  "/api/v5/trade/amend-batch-orders"
#define OKX_PATH_BALANCE      "/api/v5/account/balance"
#define OKX_PATH_FILLS        "/api/v5/trade/fills"
#define OKX_PATH_CONFIG       "/api/v5/account/config"

/* The bucket of a batch of several orders, and of a batch of one (the
 * single path's). */
static uint16_t
okx_batch_bucket(xg_op_kind kind)
{
    switch (kind) {
    case XG_OP_BATCH_NEW:
        return OKX_B_BATCH_PLACE;
    case XG_OP_BATCH_CANCEL:
        return OKX_B_BATCH_CANCEL;
    default:
        return OKX_B_BATCH_AMEND;
    }
}

static uint16_t
okx_batch_single_bucket(xg_op_kind kind)
{
    switch (kind) {
    case XG_OP_BATCH_NEW:
        return OKX_B_PLACE;
    case XG_OP_BATCH_CANCEL:
        return OKX_B_CANCEL;
    default:
        return OKX_B_AMEND;
    }
}

xg_err
okx_add_costs(const xg_op *op, xg_http_request *req)
{
    uint16_t bucket = OKX_B_TIME;
    uint32_t scope = 0;
    uint32_t units = 1;

    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        bucket = OKX_B_TIME;
        break;
    case XG_OP_INSTRUMENTS:
        bucket = OKX_B_INSTRUMENTS;
        break;
    case XG_OP_NEW_ORDER:
        bucket = OKX_B_PLACE;
        break;
    case XG_OP_CANCEL_ORDER:
        bucket = OKX_B_CANCEL;
        break;
    case XG_OP_QUERY_ORDER:
        bucket = OKX_B_QUERY;
        break;
    case XG_OP_OPEN_ORDERS:
        bucket = OKX_B_PENDING;
        break;
    case XG_OP_AMEND_ORDER:
        bucket = OKX_B_AMEND;
        break;
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_BATCH_AMEND:
        if (op->batch == NULL || op->batch->n == 0 ||
            op->batch->n > OKX_BATCH_MAX) {
            return XG_ERR_INVALID;
        }
        /* "If there is only one order in the request, it will consume
         * the rate limit of Place order" (Cancel order, Amend order):
         * okx.h. */
        if (op->batch->n == 1) {
            bucket = okx_batch_single_bucket(op->kind);
        } else {
            bucket = okx_batch_bucket(op->kind);
            units = (uint32_t)op->batch->n;
        }
        break;
    case XG_OP_BALANCES:
        bucket = OKX_B_BALANCE;
        break;
    case XG_OP_ORDER_FILLS:
        bucket = OKX_B_FILLS;
        break;
    case XG_OP_ACCOUNT_ID:
        bucket = OKX_B_CONFIG;
        break;
    default:
        return XG_ERR_INVALID;
    }
    req->priority = xg_op_priority(op->kind);
    if (bucket == OKX_B_PLACE || bucket == OKX_B_CANCEL ||
        bucket == OKX_B_QUERY || bucket == OKX_B_AMEND ||
        bucket == OKX_B_BATCH_PLACE || bucket == OKX_B_BATCH_CANCEL ||
        bucket == OKX_B_BATCH_AMEND) {
        scope = op->instrument != NULL ? op->instrument->scope : 0;
    }
    return xg_http_request_add_cost(req, bucket, scope, units);
}

static const char *
okx_inst_id(const xg_op *op)
{
    if (op->instrument == NULL || op->instrument->venue_symbol[0] == '\0' ||
        memchr(op->instrument->venue_symbol, '\0', XG_SYMBOL_MAX) == NULL) {
        return NULL;
    }
    return op->instrument->venue_symbol;
}

static void
okx_json_decimal(xg_buf *body, const char *key, xg_decimal d)
{
    char num[XG_DECIMAL_STR_MAX];

    if (xg_decimal_format(d, num, sizeof(num)) != XG_OK) {
        /* Cannot happen for a valid decimal; make the overflow sticky so
         * the request is refused rather than sent without the field. */
        body->overflow = 1;
        return;
    }
    okx_json_param(body, key, num);
}

/* The JSON body of a new order, in the vector's field order. */
static xg_err
okx_order_body(const xg_order *ord, const char *inst_id, const char *cl_id,
               xg_buf *body)
{
    const char *ord_type = NULL;

    if (!xg_decimal_is_positive(ord->qty)) {
        return XG_ERR_BAD_QTY;
    }
    if (ord->side != XG_SIDE_BUY && ord->side != XG_SIDE_SELL) {
        return XG_ERR_BAD_SIDE;
    }
    if (ord->type == XG_TYPE_MARKET) {
        /* A market order takes by definition: post-only cannot apply, and
         * OKX's market type has no time in force of its own. */
        if (ord->tif == XG_TIF_POST_ONLY) {
            return XG_ERR_BAD_TIF;
        }
        ord_type = "market";
    } else if (ord->type == XG_TYPE_LIMIT) {
        if (!xg_decimal_is_positive(ord->price)) {
            return XG_ERR_BAD_PRICE;
        }
        switch (ord->tif) {
        case XG_TIF_GTC:
            ord_type = "limit";
            break;
        case XG_TIF_IOC:
            ord_type = "ioc";
            break;
        case XG_TIF_FOK:
            ord_type = "fok";
            break;
        case XG_TIF_POST_ONLY:
            ord_type = "post_only";
            break;
        default:
            return XG_ERR_BAD_TIF;
        }
    } else {
        return XG_ERR_BAD_TYPE;
    }

    xg_buf_putc(body, '{');
    okx_json_param(body, "instId", inst_id);
    okx_json_param(body, "tdMode", "cash");
    okx_json_param(body, "side", ord->side == XG_SIDE_BUY ? "buy" : "sell");
    okx_json_param(body, "ordType", ord_type);
    if (ord->type == XG_TYPE_LIMIT) {
        okx_json_decimal(body, "px", ord->price);
    }
    okx_json_decimal(body, "sz", ord->qty);
    if (ord->type == XG_TYPE_MARKET) {
        okx_json_param(body, "tgtCcy", "base_ccy");
    }
    okx_json_param(body, "clOrdId", cl_id);
    xg_buf_putc(body, '}');
    return xg_buf_status(body);
}

/* The JSON body of an amend in place, in the order of OKX's reference:
 * the order by its clOrdId, then its new total size (filled part
 * included: "When amending a partially-filled order, the newSz should
 * include the amount that has been filled", Trade > Amend order) and its
 * new price. Only a resting limit order can be amended; OKX has no
 * cancel-replace, so a replace cannot be expressed (caps.amend says so
 * to the core already). */
static xg_err
okx_amend_body(const xg_op *op, const char *inst_id, xg_buf *body)
{
    const xg_amend *am = op->amend;

    if (am == NULL || op->order == NULL) {
        return XG_ERR_INVALID;
    }
    if (am->is_replace) {
        return XG_ERR_UNSUPPORTED;
    }
    if (op->order->type != XG_TYPE_LIMIT) {
        return XG_ERR_BAD_TYPE;
    }
    if (!xg_decimal_is_positive(am->qty)) {
        return XG_ERR_BAD_QTY;
    }
    if (!xg_decimal_is_positive(am->price)) {
        return XG_ERR_BAD_PRICE;
    }
    xg_buf_putc(body, '{');
    okx_json_param(body, "instId", inst_id);
    okx_json_param(body, "clOrdId", op->client_id);
    okx_json_decimal(body, "newSz", am->qty);
    okx_json_decimal(body, "newPx", am->price);
    xg_buf_putc(body, '}');
    return xg_buf_status(body);
}

/* The object that cancels one order, by its clOrdId: the single
 * cancel's body, and an element of a cancel batch. */
static void
okx_cancel_body(const char *inst_id, const char *cl_id, xg_buf *body)
{
    xg_buf_putc(body, '{');
    okx_json_param(body, "instId", inst_id);
    okx_json_param(body, "clOrdId", cl_id);
    xg_buf_putc(body, '}');
}

/* A batch's body: a JSON array of the single path's objects, one per
 * order, in the batch's order (OKX answers in turn). Every order must
 * be on the op's instrument and carry a client id OKX takes. */
static xg_err
okx_batch_body(const xg_op *op, const char *inst_id, xg_buf *body)
{
    const xg_batch *b = op->batch;

    if (b == NULL || b->items == NULL || b->n == 0 || b->n > OKX_BATCH_MAX) {
        return XG_ERR_INVALID;
    }
    xg_buf_putc(body, '[');
    for (size_t i = 0; i < b->n; i++) {
        const xg_batch_item *it = &b->items[i];
        if (it->client_id == NULL ||
            xg_client_id_validate(it->client_id) != XG_OK) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        if (i > 0) {
            xg_buf_putc(body, ',');
        }
        if (op->kind == XG_OP_BATCH_CANCEL) {
            okx_cancel_body(inst_id, it->client_id, body);
            continue;
        }
        if (op->kind == XG_OP_BATCH_AMEND) {
            /* The single amend's object, and its refusals. */
            xg_op one = xg_batch_item_op(op, i);
            xg_err rc = okx_amend_body(&one, inst_id, body);
            if (rc != XG_OK) {
                return rc;
            }
            continue;
        }
        if (it->order == NULL) {
            return XG_ERR_INVALID;
        }
        xg_err rc = okx_order_body(it->order, inst_id, it->client_id, body);
        if (rc != XG_OK) {
            return rc;
        }
    }
    xg_buf_putc(body, ']');
    return xg_buf_status(body);
}

/* An open-orders cursor is an ordId that parse.c took from a page: 1 to
 * XG_CURSOR_MAX - 1 digits. The string is read no further than that
 * bound, so one without its NUL is refused rather than overrun. */
static int
okx_cursor_ok(const char *cursor)
{
    size_t n = 0;

    while (n < XG_CURSOR_MAX && cursor[n] != '\0') {
        if (cursor[n] < '0' || cursor[n] > '9') {
            return 0;
        }
        n++;
    }
    return n > 0 && n < XG_CURSOR_MAX;
}

/* Method, path, query and body of a private operation. */
static xg_err
okx_private_params(const xg_op *op, const char **method, const char **path,
                   xg_buf *query, xg_buf *body)
{
    const char *inst_id = okx_inst_id(op);

    switch (op->kind) {
    case XG_OP_NEW_ORDER:
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
    case XG_OP_AMEND_ORDER:
        if (inst_id == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        /* OKX: clOrdId is 1-32 case-sensitive letters and digits. */
        if (op->client_id == NULL ||
            xg_client_id_validate(op->client_id) != XG_OK) {
            return XG_ERR_BAD_CLIENT_ID;
        }
        break;
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_BATCH_AMEND:
        if (inst_id == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        break;
    case XG_OP_OPEN_ORDERS:
        if (op->instrument != NULL && inst_id == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        break;
    case XG_OP_BALANCES:
    case XG_OP_ACCOUNT_ID:
        break;
    case XG_OP_ORDER_FILLS:
        if (inst_id == NULL) {
            return XG_ERR_UNKNOWN_SYMBOL;
        }
        if (op->venue_order_id == NULL ||
            !xg_is_plain_id(op->venue_order_id, XG_VENUE_ORDER_ID_MAX) ||
            (op->cursor != NULL && !okx_cursor_ok(op->cursor))) {
            return XG_ERR_INVALID;
        }
        break;
    default:
        return XG_ERR_INVALID;
    }

    switch (op->kind) {
    case XG_OP_NEW_ORDER:
        if (op->order == NULL) {
            return XG_ERR_INVALID;
        }
        *method = "POST";
        *path = OKX_PATH_ORDER;
        return okx_order_body(op->order, inst_id, op->client_id, body);
    case XG_OP_CANCEL_ORDER:
        *method = "POST";
        *path = OKX_PATH_CANCEL;
        okx_cancel_body(inst_id, op->client_id, body);
        break;
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_BATCH_AMEND:
        *method = "POST";
        *path = op->kind == XG_OP_BATCH_NEW      ? OKX_PATH_BATCH_PLACE
                : op->kind == XG_OP_BATCH_CANCEL ? OKX_PATH_BATCH_CANCEL
                                                 : OKX_PATH_BATCH_AMEND;
        return okx_batch_body(op, inst_id, body);
    case XG_OP_BALANCES:
        /* Every asset: ccy= would limit the answer to 20 named ones. */
        *method = "GET";
        *path = OKX_PATH_BALANCE;
        break;
    case XG_OP_ACCOUNT_ID:
        *method = "GET";
        *path = OKX_PATH_CONFIG;
        break;
    case XG_OP_QUERY_ORDER:
        *method = "GET";
        *path = OKX_PATH_ORDER;
        okx_query_param(query, "instId", inst_id);
        okx_query_param(query, "clOrdId", op->client_id);
        break;
    case XG_OP_AMEND_ORDER:
        *method = "POST";
        *path = OKX_PATH_AMEND;
        return okx_amend_body(op, inst_id, body);
    case XG_OP_ORDER_FILLS:
        /* Parameters in the order of OKX's reference; limit is sent
         * although 100 is the default, so that a full page (which
         * parse_fills.c takes for a cut list) means the same to both
         * sides. */
        *method = "GET";
        *path = OKX_PATH_FILLS;
        okx_query_param(query, "instType", "SPOT");
        okx_query_param(query, "instId", inst_id);
        okx_query_param(query, "ordId", op->venue_order_id);
        if (op->cursor != NULL) {
            okx_query_param(query, "after", op->cursor);
        }
        okx_query_param(query, "limit", OKX_FILLS_PAGE_STR);
        break;
    default:
        /* Parameters in the order of OKX's reference. "after" asks for
         * the orders older than that ordId (the list is newest first), so
         * a page is anchored on an order rather than an offset; limit is
         * sent although 100 is OKX's default, so that a full page (which
         * parse.c takes for a cut list) means the same to both sides. */
        if (op->cursor != NULL && !okx_cursor_ok(op->cursor)) {
            return XG_ERR_INVALID;
        }
        *method = "GET";
        *path = OKX_PATH_PENDING;
        okx_query_param(query, "instType", "SPOT");
        if (inst_id != NULL) {
            okx_query_param(query, "instId", inst_id);
        }
        if (op->cursor != NULL) {
            okx_query_param(query, "after", op->cursor);
        }
        okx_query_param(query, "limit", OKX_PENDING_PAGE_STR);
        break;
    }
    if (xg_buf_status(query) != XG_OK) {
        return XG_ERR_TRUNCATED;
    }
    return xg_buf_status(body);
}

xg_err
okx_build(void *inst, const xg_op *op, int64_t venue_now_ms,
          xg_http_request *req)
{
    okx *o = inst;
    char qmem[XG_HTTP_TARGET_MAX];
    char bmem[XG_HTTP_BODY_MAX];
    xg_buf query;
    xg_buf body;
    const char *method = NULL;
    const char *path = NULL;
    xg_err rc = XG_OK;

    if (o == NULL || op == NULL || req == NULL) {
        return XG_ERR_INVALID;
    }
    switch (op->kind) {
    case XG_OP_SERVER_TIME:
        rc = xg_request_public_get(req, OKX_PATH_TIME);
        break;
    case XG_OP_INSTRUMENTS:
        rc = xg_request_public_get(req, OKX_PATH_INSTRUMENTS "?instType=SPOT");
        break;
    case XG_OP_NEW_ORDER:
    case XG_OP_CANCEL_ORDER:
    case XG_OP_QUERY_ORDER:
    case XG_OP_OPEN_ORDERS:
    case XG_OP_AMEND_ORDER:
    case XG_OP_BATCH_NEW:
    case XG_OP_BATCH_CANCEL:
    case XG_OP_BATCH_AMEND:
    case XG_OP_BALANCES:
    case XG_OP_ORDER_FILLS:
    case XG_OP_ACCOUNT_ID:
        if (venue_now_ms <= 0) {
            return XG_ERR_INVALID;
        }
        xg_buf_init(&query, qmem, sizeof(qmem));
        xg_buf_init(&body, bmem, sizeof(bmem));
        rc = okx_private_params(op, &method, &path, &query, &body);
        if (rc == XG_OK) {
            rc = okx_finish_signed(o, method, path, query.data, body.data,
                                   venue_now_ms, req, NULL, 0, NULL, 0);
        }
        break;
    case XG_OP_CANCEL_SYMBOL:
        /* No spot mass cancel (caps.cancel_symbol). */
        return XG_ERR_UNSUPPORTED;
    default:
        return XG_ERR_INVALID;
    }
    if (rc != XG_OK) {
        return rc;
    }
    return okx_add_costs(op, req);
}
