/*
 * binance.h - internals of the Binance spot adapter, shared between the
 * files of adapters/binance/ and its unit tests.
 *
 * Nothing here is exported from the plug-in (it is built with
 * -fvisibility=hidden and exports only xg_adapter_entry); the functions are
 * non-static only so that sign.c, requests.c, parse.c, parse_amend.c,
 * parse_account.c, parse_fills.c, stream.c and limits.c can reach each
 * other and
 * tests/unit/test_binance_*.c can test them directly.
 */
#ifndef XGATE_ADAPTER_BINANCE_H
#define XGATE_ADAPTER_BINANCE_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/adapter.h"
#include "xgate/buf.h"
#include "xgate/json.h"
#include "xgate/sign.h"

/* Binance HMAC API keys are 64 characters; leave room for other formats
 * without accepting anything unbounded. */
#define BINANCE_API_KEY_MAX 129

/* One request may have to charge every bucket (a new order charges all
 * REQUEST_WEIGHT, RAW_REQUESTS and ORDERS buckets), and a request carries
 * at most XG_HTTP_MAX_COSTS charges, so no more buckets than that are
 * accepted from the venue. */
#define BINANCE_MAX_LIMITS XG_HTTP_MAX_COSTS

#define BINANCE_RECV_WINDOW_DEFAULT    5000
#define BINANCE_RECV_WINDOW_MAX        60000 /* fact sheet: > 60000 is -1131 */
#define BINANCE_CANCEL_RESERVE_DEFAULT 5
#define BINANCE_QUERY_RESERVE_DEFAULT  10
#define BINANCE_RESERVE_PCT_MAX        50

/* The largest page of GET /api/v3/myTrades (rest-api.md, "Account trade
 * list": limit "Default: 500; Maximum: 1000"): requests.c asks for it,
 * parse_fills.c takes a page this full for a cut list. */
#define BINANCE_MY_TRADES_PAGE     1000
#define BINANCE_MY_TRADES_PAGE_STR "1000"

/* The rateLimitType values of exchangeInfo.rateLimits we model. */
typedef enum binance_limit_type {
    BINANCE_LIMIT_REQUEST_WEIGHT = 1, /* per IP, charged endpoint weight */
    BINANCE_LIMIT_RAW_REQUESTS = 2,   /* per IP, 1 per request */
    BINANCE_LIMIT_ORDERS = 3          /* per account, 1 per new order */
} binance_limit_type;

/* One advertised limit, as the venue wrote it ("1 MINUTE" keeps num 1 and
 * unit 'M' so the bucket name and the usage headers use the same form). */
typedef struct binance_limit {
    binance_limit_type type;
    int64_t limit;        /* units per window, > 0 */
    int64_t interval_num; /* > 0 */
    char unit;            /* 'S', 'M', 'H' or 'D' */
    int64_t window_ns;    /* interval_num * unit, > 0 */
} binance_limit;

/* The adapter instance. The API key is not a secret in the HMAC sense but
 * it identifies the account, so it is wiped with the HMAC state. */
typedef struct binance {
    char api_key[BINANCE_API_KEY_MAX];
    xg_hmac *hmac;
    int64_t recv_window_ms;
    int64_t cancel_reserve_pct;
    int64_t query_reserve_pct;
    /* The buckets in the order limits() reports them; costs and usage
     * refer to indices in this list. Defaults until exchangeInfo. */
    binance_limit limits[BINANCE_MAX_LIMITS];
    size_t n_limits;
    int has_venue_limits; /* 1 once exchangeInfo's rateLimits were taken */
    /* parse.c's and stream.c's token array for xg_json, kept between
     * answers */
    xg_json_store json;
    /* The private stream (stream.c): where it connects (the venue's WS API
     * or the stream_url option), the id of the last request sent on it
     * (request ids count up from 1 over the instance's life), and the id
     * of the subscription request whose answer is awaited (0: none). */
    char stream_url[XG_STREAM_URL_MAX];
    int64_t stream_request_id;
    int64_t stream_subscribe_id;
} binance;

/* --- adapter.c ---------------------------------------------------------- */

/* The plug-in's one export (the loader finds it by XG_ADAPTER_ENTRY_SYMBOL);
 * declared here so the unit tests reach the table the way the core does. */
XG_ADAPTER_EXPORT const xg_adapter *xg_adapter_entry(void);

xg_err binance_create(const xg_adapter_config *cfg, void **inst, char *err,
                      size_t err_len);
void binance_destroy(void *inst);

/* --- sign.c --------------------------------------------------------------- */

/* Append "&key=value" (no '&' when payload is empty) with value
 * percent-encoded (xg_buf_put_urlencoded). Overflow is sticky in payload. */
void binance_param(xg_buf *payload, const char *key, const char *value);

/* Lower-case hex HMAC-SHA256 of payload[0..len) with the instance's secret
 * into sig (XG_HEX_SHA256_LEN + 1 bytes). */
xg_err binance_signature(binance *b, const char *payload, size_t len,
                         char sig[XG_HEX_SHA256_LEN + 1]);

/*
 * Finish a signed request: sign payload and place it with
 * "&signature=<hex>" last, in the query string for GET and DELETE and in a
 * form body for POST and PUT (Content-Type
 * application/x-www-form-urlencoded);
 * add X-MBX-APIKEY and set is_signed. method and path are copied into req.
 * sig (may be NULL) receives the hex signature. XG_ERR_TRUNCATED if it
 * does not fit, XG_ERR_INVALID for another method.
 */
xg_err binance_finish_signed(binance *b, const char *method, const char *path,
                             const char *payload, size_t len,
                             xg_http_request *req,
                             char sig[XG_HEX_SHA256_LEN + 1]);

/* The ABI's sign(): params are signed in the order given; if they hold no
 * "timestamp", timestamp_ms is put first, and if they hold no "recvWindow"
 * and recv_window_ms >= 0, it is put last (the order build() uses). */
xg_err binance_sign(void *inst, const xg_sign_input *in, xg_signed *out);

/* --- requests.c ----------------------------------------------------------- */

/* REQUEST_WEIGHT units of the endpoint serving op (fact sheet table). */
int64_t binance_op_weight(const xg_op *op);

/* Charge req for op against the instance's current buckets and set its
 * priority. */
xg_err binance_add_costs(const binance *b, const xg_op *op,
                         xg_http_request *req);

xg_err binance_build(void *inst, const xg_op *op, int64_t venue_now_ms,
                     xg_http_request *req);

/* --- parse.c -------------------------------------------------------------- */

xg_err binance_parse(void *inst, const xg_op *op, const xg_http_response *resp,
                     const xg_sink *sink, xg_result *res);

/* Map a venue error (HTTP status, body code or 0 when the body had none,
 * msg or "") to outcome, err and the retry/ban fields of res, through the
 * error table. Fills venue_code and venue_msg too. */
void binance_classify_error(xg_op_kind kind, const xg_http_response *resp,
                            int has_code, int64_t code, const char *msg,
                            xg_result *res);

/* Fill res->usage from X-MBX-USED-WEIGHT-* and X-MBX-ORDER-COUNT-*
 * headers, against the instance's current buckets. binance_parse does this
 * before an exchangeInfo answer replaces the buckets, so indices always
 * refer to the list the request was charged against. Headers are matched
 * to a bucket by type and window length ("60S" is the 1M bucket); headers
 * for no bucket and malformed values are ignored. */
void binance_parse_usage(const binance *b, const xg_http_response *resp,
                         xg_result *res);

/* Parse a decimal string, dropping trailing fraction zeros so that
 * "0.01000000" gives {1, 2}. */
xg_err binance_decimal(const char *s, size_t len, xg_decimal *out);

/* An order status as Binance names it ("PARTIALLY_FILLED", the REST
 * answers' "status" and the stream's "X") into *status; XG_ERR_NOT_FOUND
 * for a name it does not have. */
xg_err binance_order_status(const char *name, xg_order_status *status);

/* The shapes of Binance's order objects, which name the same things
 * differently (parse.c): a placement, query or open-orders entry; a
 * cancel answer (the order's client id is origClientOrderId); an amended
 * order of keepPriority (qty, cumulativeQuoteQty). */
typedef enum binance_order_form {
    BINANCE_FORM_ORDER,
    BINANCE_FORM_CANCEL,
    BINANCE_FORM_AMENDED
} binance_order_form;

/* Order object o of j, of the given form, into rep: ids, status,
 * executions, and price and total quantity where the object has them
 * ({0,0} where not). XG_ERR_TRUNCATED when the client id is longer than
 * any the gateway sends (someone else's order); XG_ERR_BAD_FIELD for
 * anything else malformed. */
xg_err binance_order_report(const xg_json *j, size_t o, binance_order_form form,
                            xg_order_report *rep);

/* The "code" (*has_code 0 when it is no integer) and "msg" (cut to fit
 * buf[cap]; *msg NULL when absent, else buf) of error object o. */
void binance_error_fields(const xg_json *j, size_t o, int *has_code,
                          int64_t *code, char *buf, size_t cap,
                          const char **msg);

/* --- parse_amend.c -------------------------------------------------------- */

/* The 2xx answer to an amend (op->amend set): keepPriority's amended order,
 * or cancelReplace's new order with what the replaced one executed. An
 * answer that does not read is UNKNOWN. */
void binance_parse_amend(const xg_op *op, const xg_json *j, xg_result *res);

/*
 * cancelReplace's 4xx error answer with code -2021 or -2022 (code and msg
 * are the answer's own), its parts in "data" (rest-api.md, with
 * STOP_ON_FAILURE):
 *
 * - -2022 "Order cancel-replace failed.": the cancel failed and no new
 *   order was tried, so nothing changed. Refused for the cancel's reason
 *   (data.cancelResponse's code: -2011 for an order that is filled,
 *   canceled or unknown), for the answer's own when that does not read.
 * - -2021 "Order cancel-replace partially failed.": the cancel went
 *   through and the new order was refused, so the order is gone. OK,
 *   replaced by a REJECTED order under the new client id, with the new
 *   order's code and text (its unified reason in err, as a hint). A -2021
 *   that does not say so is UNKNOWN: the cancel may have gone through.
 */
void binance_parse_replace_refused(const xg_op *op, const xg_json *j,
                                   const xg_http_response *resp, int64_t code,
                                   const char *msg, xg_result *res);

/* --- parse_account.c ----------------------------------------------------- */

/* The 2xx answer to a CANCEL_SYMBOL (DELETE /api/v3/openOrders): each
 * order it names as canceled to sink->order, status CANCELED; order lists
 * and orders whose client id the gateway cannot have sent are skipped. An
 * answer that does not read is UNKNOWN (some orders may be canceled) and
 * reaches the sink with nothing. Returns a sink error, else XG_OK. */
xg_err binance_parse_cancel_symbol(const xg_op *op, const xg_json *j,
                                   const xg_sink *sink, xg_result *res);

/* The 2xx answer to BALANCES (GET /api/v3/account): each asset with
 * something free or locked to sink->balance. A body that does not read,
 * a negative or malformed amount among them, is REJECTED with
 * XG_ERR_BAD_RESPONSE and reaches the sink with nothing. Returns a sink
 * error, else XG_OK. */
xg_err binance_parse_balances(const xg_op *op, const xg_json *j,
                              const xg_sink *sink, xg_result *res);

/* --- parse_fills.c ------------------------------------------------------- */

/* Where a trade's fields are in an object that carries one: the names
 * differ between the stream's executionReport and myTrades' entries, the
 * forms do not. */
typedef struct binance_fill_keys {
    const char *trade_id;  /* an integer, unique per symbol */
    const char *qty;       /* a decimal string, above zero */
    const char *price;     /* likewise */
    const char *fee;       /* the commission paid, a decimal string */
    const char *fee_asset; /* its asset; null in the stream: no fee */
    const char *is_maker;  /* a boolean */
    const char *time_ms;   /* an integer, epoch ms */
} binance_fill_keys;

/* executionReport's t, l, L, n, N, m, T (fact sheet streams.md 1.5). */
extern const binance_fill_keys binance_stream_fill_keys;
/* myTrades' id, qty, price, commission, commissionAsset, isMaker, time
 * (rest-api.md, "Account trade list"). */
extern const binance_fill_keys binance_trade_fill_keys;

/* The trade of object o of j, its members named by keys, into fill (the
 * trade id as its decimal text, fee positive as paid). XG_ERR_BAD_FIELD
 * when o is no object or a member is absent, repeated, of the wrong type,
 * or a quantity or price not above zero. */
xg_err binance_fill(const xg_json *j, size_t o, const binance_fill_keys *keys,
                    xg_fill *fill);

/* The 2xx answer to ORDER_FILLS (GET /api/v3/myTrades with op's orderId):
 * each trade to sink->fill in the answer's order (ascending ids, oldest
 * first); a full page (BINANCE_MY_TRADES_PAGE) is cut, with the largest
 * id + 1 as next_cursor (the next fromId). A body that does not read, a
 * trade of another order or symbol among them, is REJECTED with
 * XG_ERR_BAD_RESPONSE and reaches the sink with nothing. Returns a sink
 * error, else XG_OK. */
xg_err binance_parse_order_fills(const xg_op *op, const xg_json *j,
                                 const xg_sink *sink, xg_result *res);

/* --- stream.c ------------------------------------------------------------ */

/* The WS API's production address (fact sheet 1.2) with rateLimits left
 * out of every answer (the stream reads none of them). */
#define BINANCE_STREAM_URL                                                     \
    "wss://ws-api.binance.com:443/ws-api/v3?returnRateLimits=false"

/* The ABI's stream entries (xgate/stream.h): the WS API's user data
 * subscription, userDataStream.subscribe.signature, sent as the login;
 * nothing to subscribe or ping afterwards. */
xg_err binance_stream_plan(void *inst, xg_stream_plan *plan);
xg_err binance_stream_login(void *inst, int64_t venue_now_ms, char *out,
                            size_t cap, size_t *len);
xg_err binance_stream_subscribe(void *inst, int64_t venue_now_ms, char *out,
                                size_t cap, size_t *len);
xg_err binance_stream_ping(void *inst, int64_t venue_now_ms, char *out,
                           size_t cap, size_t *len);
xg_err binance_stream_parse(void *inst, const char *text, size_t len,
                            const xg_stream_sink *sink, xg_stream_result *res);

/* --- limits.c ------------------------------------------------------------- */

/* Put the fact sheet's documented limits into b. */
void binance_default_limits(binance *b);

/* Window length of intervalNum x interval ("MINUTE" or 'M'); XG_ERR_INVALID
 * for an unknown unit or num <= 0, XG_ERR_OVERFLOW if too long. */
xg_err binance_interval_unit(const char *interval, char *unit);
xg_err binance_window_ns(int64_t num, char unit, int64_t *window_ns);

/* Index of the first bucket of type with that window, or -1. */
int binance_find_limit(const binance *b, binance_limit_type type,
                       int64_t window_ns);

/* The spec for one limit with the instance's reserves. */
xg_err binance_limit_spec(const binance *b, const binance_limit *l,
                          xg_bucket_spec *spec);

xg_err binance_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n);

#endif
