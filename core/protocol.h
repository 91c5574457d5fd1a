/*
 * protocol.h - the strategy API's messages: parsing requests and encoding
 * replies and events (core-private; the wire format is docs/protocol.md).
 *
 * Requests arrive as one JSON object per ZeroMQ message. Parsing checks
 * everything a message can get wrong (syntax, size, types, ranges, order
 * rules that need no venue) and says which field failed; checks that need
 * a venue (symbol listed, filters) are placement.c's. Encoders write
 * JSON into a caller's xg_buf without allocating.
 */
#ifndef XGATE_PROTOCOL_H
#define XGATE_PROTOCOL_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/adapter.h"
#include "xgate/buf.h"
#include "xgate/error.h"
#include "xgate/order.h"

#define XG_MSG_MAX_BYTES   65536 /* larger requests are refused unparsed */
#define XG_REQ_ID_MAX      65    /* 64 printable ASCII characters + NUL */
#define XG_MAX_ROUTE       4     /* venues in one order's preference list */
#define XG_DETAIL_MAX      160
#define XG_MAX_WAIT_MS_MAX 86400000

typedef enum xg_msg_kind {
    XG_MSG_NEW_ORDER = 1,
    XG_MSG_CANCEL_ORDER = 2,
    XG_MSG_QUERY_ORDER = 3,
    XG_MSG_VENUE_STATUS = 4,
    XG_MSG_HELLO = 5,
    XG_MSG_OPEN_ORDERS = 6,
    XG_MSG_CANCEL_ALL = 7,
    XG_MSG_AMEND_ORDER = 8,
    XG_MSG_BATCH_NEW = 9,
    XG_MSG_BALANCES = 10,
    XG_MSG_ORDER_FILLS = 11
} xg_msg_kind;

/* batch_new: most orders one request carries. */
#define XG_BATCH_NEW_MAX 50

/* balances: how old a venue's balances may be before a request asks the
 * venue again, by default and at most. */
#define XG_BALANCES_MAX_AGE_MS     5000
#define XG_BALANCES_MAX_AGE_MS_MAX 86400000

/* Where one value lies in a request's text (bytes from its start). */
typedef struct xg_msg_span {
    uint32_t start;
    uint32_t len;
} xg_msg_span;

/* cancel_all: orders one request cancels at most; the reply says whether
 * more are left (the strategy asks again). One turn's journal frame stays
 * a few MB however many orders the table holds. */
#define XG_CANCEL_ALL_MAX 10000

/* open_orders: orders a page holds by default and at most. */
#define XG_OPEN_ORDERS_PAGE     100
#define XG_OPEN_ORDERS_PAGE_MAX 200

/* A parsed request. Plain value type. */
typedef struct xg_msg {
    xg_msg_kind kind;
    char req_id[XG_REQ_ID_MAX]; /* echoed in the reply; "" if absent */
    /* NEW_ORDER: the order; order.client_id is "" when the strategy left
     * it to the gateway. CANCEL/QUERY: order.client_id and
     * order.strategy_id. HELLO: order.strategy_id. OPEN_ORDERS:
     * order.strategy_id, order.symbol ("" any), venues[0] when n_venues
     * is 1 (else any), cursor, limit. CANCEL_ALL: the same filters.
     * AMEND_ORDER: order.client_id, order.strategy_id and the new
     * order.price and/or order.qty ({0,0} when not asked to change).
     * ORDER_FILLS: order.client_id, order.strategy_id, cursor, limit. */
    xg_order order;
    char venues[XG_MAX_ROUTE][XG_VENUE_NAME_MAX]; /* preference, may be empty */
    size_t n_venues;
    int requantize;      /* may round price/qty to a venue's steps */
    int64_t max_wait_ms; /* 0: no deadline */
    uint32_t cursor;     /* OPEN_ORDERS: where the page starts (0: first) */
    uint32_t limit;      /* OPEN_ORDERS: orders per page, 1..PAGE_MAX */
    /* BATCH_NEW: each order object, read with xg__msg_parse_order. */
    xg_msg_span orders[XG_BATCH_NEW_MAX];
    size_t n_orders;
    /* BALANCES: venues[0] when n_venues is 1 (else all), and how old
     * (ms) the balances shown may be before the venue is asked again. */
    int64_t max_age_ms;
} xg_msg;

/*
 * Parse one request of len bytes (not NUL-terminated, may contain NULs).
 * On failure returns the error code for the reject and writes a one-line
 * reason naming the field into detail; out->req_id and
 * out->order.client_id are filled when they could be read, so the reject
 * can still be matched by the strategy.
 */
xg_err xg__msg_parse(const void *data, size_t len, xg_msg *out, char *detail,
                     size_t detail_len);

/* Parse one order object of a batch_new (len bytes at data: the span
 * xg__msg_parse gave) as the fields of a new_order; out->kind is
 * XG_MSG_NEW_ORDER. Errors as for xg__msg_parse. */
xg_err xg__msg_parse_order(const void *data, size_t len, xg_msg *out,
                           char *detail, size_t detail_len);

/* What the gateway knows about one order, for replies and events. Every
 * pointer borrowed for the call; strings may be "" but not NULL. */
typedef struct xg_order_view {
    const xg_order *order;
    const char *venue;           /* venue holding or last trying the order */
    const char *venue_client_id; /* id sent to that venue */
    const char *venue_order_id;
    xg_order_status status;
    xg_execution exec;
    xg_err err;             /* XG_OK unless rejected / failed */
    const char *detail;     /* gateway's reason */
    const char *venue_code; /* venue's error code */
    const char *venue_msg;  /* venue's error text */
} xg_order_view;

typedef struct xg_bucket_view {
    const char *name;
    int64_t used;
    int64_t limit;
} xg_bucket_view;

typedef struct xg_venue_view {
    const char *name;
    const char *state; /* "UP", "THROTTLED", "BANNED", "DOWN", "STARTING" */
    int64_t until_ms;  /* end of ban / throttle, epoch ms; 0 if none */
    const char *reason;
    size_t queued; /* orders waiting for the limiter */
    size_t in_flight;
    size_t open_orders;
    const xg_bucket_view *buckets;
    size_t n_buckets;
    /* The private stream: "LIVE", "SUBSCRIBING", "LOGIN", "CONNECTING",
     * "IDLE" or "OFF", and why it is not live; NULL: not shown. */
    const char *stream;
    const char *stream_reason;
    /* Limits shared with other gateways: "shared", "fallback" or
     * "connecting", and why not shared; NULL: not shared, not shown. */
    const char *limits;
    const char *limits_reason;
    const char *gateway; /* this gateway's name in the farm */
    const char *account; /* whose account its per-account limits count */
} xg_venue_view;

/* A venue skipped on the way to the one that holds an order, and why:
 * "banned", "down", "throttled", "deadline", "filters" or "starting";
 * until_ms ends the ban, throttle or back-off (epoch ms), 0 if none. */
typedef struct xg_skip_view {
    const char *venue;
    const char *reason;
    int64_t until_ms;
} xg_skip_view;

/* A rerouted event: the order left (or never went to) `from` and now
 * goes to `to`; skipped lists every venue passed over, `from` first. */
typedef struct xg_reroute_view {
    const char *from;
    const char *to;
    const char *reason;   /* skipped[0]'s */
    int64_t ban_until_ms; /* from's ban end when reason is "banned", else 0 */
    const xg_skip_view *skipped;
    size_t n_skipped;
} xg_reroute_view;

/* Written into every event: which gateway process (start_id, 16 hex
 * characters, new at every start) and when (epoch ms). */
typedef struct xg_stamp {
    const char *start_id;
    int64_t ts_ms;
} xg_stamp;

/*
 * The encoders below append one JSON object to b (reset b first for a
 * fresh message) and return XG_OK, XG_ERR_TRUNCATED if b overflowed, or
 * XG_ERR_INVALID for a NULL required argument or a decimal with an
 * out-of-range scale. NULL strings are written as "", and bytes that are
 * not valid UTF-8 (venue error texts) are replaced by '?'. An error
 * object's "message" is the detail when non-empty, else xg_strerror().
 * Every reply carries start_id, every event its stamp.
 */

/* {"type":"reply","req_id":..,"ok":false,"start_id":..,
 *  "client_order_id":..,"error":{"code":N,"name":"..","message":".."}} */
xg_err xg__encode_reply_error(xg_buf *b, const char *req_id,
                              const char *start_id, const char *client_id,
                              xg_err err, const char *detail);

/* {"type":"reply","req_id":..,"ok":true,"start_id":..,"order":{...}} */
xg_err xg__encode_reply_order(xg_buf *b, const char *req_id,
                              const char *start_id, const xg_order_view *v);

/* {"type":"reply","req_id":..,"ok":true,"start_id":..,"amend":<how>,
 * "order":{...}}: an amend_order accepted; how is "local", "amend" or
 * "cancel_replace" (NULL: no "amend" member, as for other replies). */
xg_err xg__encode_reply_amend(xg_buf *b, const char *req_id,
                              const char *start_id, const xg_order_view *v,
                              const char *how);

/* {"type":"reply","req_id":..,"ok":true,"start_id":..,"orders":[{...}],
 * "next_cursor":".."}: one page of open orders; next_cursor is "" after
 * the last page, else where the next one starts (decimal). */
xg_err xg__encode_reply_orders(xg_buf *b, const char *req_id,
                               const char *start_id, const xg_order_view *v,
                               size_t n, uint32_t next_cursor);

/* {"type":"reply","req_id":..,"ok":true,"start_id":..,"order":{...},
 * "fills":[{...}],"next_cursor":".."}: one page of the order's fills as
 * fill events carry them, in the order they were told; next_cursor as
 * for open orders. */
xg_err xg__encode_reply_fills(xg_buf *b, const char *req_id,
                              const char *start_id, const xg_order_view *v,
                              const xg_fill *const *fills, size_t n,
                              uint32_t next_cursor);

/* {"type":"reply","req_id":..,"ok":true,"start_id":..,
 * "client_order_ids":[..],"more":false}: what a cancel_all asked to
 * cancel; more when orders past XG_CANCEL_ALL_MAX are left. */
xg_err xg__encode_reply_cancel_all(xg_buf *b, const char *req_id,
                                   const char *start_id, const char *const *ids,
                                   size_t n, int has_more);

/* One order's outcome in a batch_new reply: view when placed, else err
 * (with client_id and detail). */
typedef struct xg_placed_view {
    const xg_order_view *view; /* NULL: refused */
    const char *client_id;
    xg_err err;
    const char *detail;
} xg_placed_view;

/* {"type":"reply","req_id":..,"ok":true,"start_id":..,"results":[
 *  {"ok":true,"order":{...}} or {"ok":false,"client_order_id":..,
 *  "error":{...}}, one per order, in the request's order]} */
xg_err xg__encode_reply_batch(xg_buf *b, const char *req_id,
                              const char *start_id, const xg_placed_view *r,
                              size_t n);

/* One venue's cached balances for a balances reply: n assets, age_ms
 * since the venue told them (-1: never), refreshing when a request for
 * newer ones is on its way. */
typedef struct xg_balances_view {
    const char *venue;
    const xg_balance *assets;
    size_t n;
    int64_t age_ms;
    int64_t ts_ms; /* when the venue told them, epoch ms; 0: never */
    int refreshing;
} xg_balances_view;

/* {"type":"reply","req_id":..,"ok":true,"start_id":..,"balances":[
 *  {"venue":..,"ts_ms":..,"age_ms":..,"refreshing":..,"assets":[
 *  {"asset":..,"free":"..","locked":".."}]}]} */
xg_err xg__encode_reply_balances(xg_buf *b, const char *req_id,
                                 const char *start_id,
                                 const xg_balances_view *v, size_t n);

/* {"type":"balances","start_id":..,"ts_ms":..,"venue":..,"assets":[..]}:
 * a venue's balances as it just told them. */
xg_err xg__encode_balances_event(xg_buf *b, const xg_balances_view *v,
                                 const xg_stamp *st);

/* {"type":"reply","req_id":..,"ok":true,"start_id":..,"venues":[{...}]} */
xg_err xg__encode_reply_venues(xg_buf *b, const char *req_id,
                               const char *start_id, const xg_venue_view *v,
                               size_t n);

/* {"type":"reply","req_id":..,"ok":true,"start_id":..} (hello) */
xg_err xg__encode_reply_ok(xg_buf *b, const char *req_id, const char *start_id);

/* {"type":"order","event":<event>,"start_id":..,"ts_ms":..,"order":{...}};
 * event is one of "acked", "rejected", "partially_filled", "filled",
 * "canceled", "expired", "unknown", "cancel_rejected", "cancel_waiting",
 * "amended", "replaced", "amend_rejected". */
xg_err xg__encode_order_event(xg_buf *b, const char *event,
                              const xg_order_view *v, const xg_stamp *st);

/* {"type":"fill","start_id":..,"ts_ms":..,"fill":{"trade_id":..,"qty":..,
 * "price":..,["fee":..,"fee_currency":..,]"liquidity":"maker"|"taker"|
 * "","time_ms":..},"order":{...}}: one trade of the order, and the order
 * as it stands after it. */
xg_err xg__encode_fill_event(xg_buf *b, const xg_fill *fill,
                             const xg_order_view *v, const xg_stamp *st);

/* {"type":"rerouted","start_id":..,"ts_ms":..,"client_order_id":..,
 *  "strategy":..,"from":..,"to":..,"reason":..,"ban_until_ms":..,
 *  "skipped":[{"venue":..,"reason":..,"until_ms":..}]} */
xg_err xg__encode_rerouted_event(xg_buf *b, const xg_order *o,
                                 const xg_reroute_view *r, const xg_stamp *st);

/* {"type":"venue","start_id":..,"ts_ms":..,"venue":{...}} */
xg_err xg__encode_venue_event(xg_buf *b, const xg_venue_view *v,
                              const xg_stamp *st);

/* {"type":"rate_limit_wait","start_id":..,"ts_ms":..,"venue":..,
 *  "client_order_id":..,"strategy":..,"wait_ms":..,"reason":..} */
xg_err xg__encode_wait_event(xg_buf *b, const char *venue, const xg_order *o,
                             int64_t wait_ms, const char *reason,
                             const xg_stamp *st);

/* {"type":"hello","start_id":..,"ts_ms":..,"req_id":..} */
xg_err xg__encode_hello_event(xg_buf *b, const char *req_id,
                              const xg_stamp *st);

/* {"type":"gateway_started","start_id":..,"ts_ms":..} */
xg_err xg__encode_started_event(xg_buf *b, const xg_stamp *st);

#endif
