/*
 * kucoin.h - internals of the KuCoin spot adapter (HF order endpoints),
 * shared between the files of adapters/kucoin/ and its unit tests.
 *
 * Nothing here is exported from the plug-in (it is built with
 * -fvisibility=hidden and exports only xg_adapter_entry); the functions are
 * non-static only so that sign.c, requests.c, parse.c, parse_fills.c,
 * stream.c and limits.c can reach each other and tests/unit/test_kucoin_*.c
 * can test them directly.
 */
#ifndef XGATE_ADAPTER_KUCOIN_H
#define XGATE_ADAPTER_KUCOIN_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/adapter.h"
#include "xgate/buf.h"
#include "xgate/json.h"
#include "xgate/sign.h"

/* KuCoin API keys are 24 hex characters; leave room without accepting
 * anything unbounded. */
#define KUCOIN_API_KEY_MAX 129

/* Fact sheet, "Rate-limit model": Spot pool 4000 weight / 30 s at VIP0
 * (per UID), Management pool 2000 / 30 s (per UID), Public pool 2000 /
 * 30 s (per IP). */
#define KUCOIN_SPOT_LIMIT_DEFAULT       4000
#define KUCOIN_MANAGEMENT_LIMIT_DEFAULT 2000
#define KUCOIN_PUBLIC_LIMIT_DEFAULT     2000
#define KUCOIN_WINDOW_MS_DEFAULT        30000
#define KUCOIN_LIMIT_MAX                1000000 /* the sliding log's bound */
#define KUCOIN_WINDOW_MS_MAX            3600000

#define KUCOIN_CANCEL_RESERVE_DEFAULT 2
#define KUCOIN_QUERY_RESERVE_DEFAULT  5
#define KUCOIN_RESERVE_PCT_MAX        50

/* The buckets, in the order limits() reports them. */
enum {
    KUCOIN_BUCKET_SPOT = 0,       /* "Spot" resource pool: orders and queries */
    KUCOIN_BUCKET_PUBLIC = 1,     /* "Public" pool: time and symbols */
    KUCOIN_BUCKET_MANAGEMENT = 2, /* "Management" pool: balances */
    KUCOIN_N_BUCKETS = 3
};

/* Endpoint weights, fact sheet "Endpoints an execution gateway needs". */
#define KUCOIN_WEIGHT_TIME    3
#define KUCOIN_WEIGHT_SYMBOLS 4
#define KUCOIN_WEIGHT_PLACE   1
#define KUCOIN_WEIGHT_CANCEL  1
#define KUCOIN_WEIGHT_QUERY   2
#define KUCOIN_WEIGHT_OPEN    2
/* HF "Modify Order": weight 1 in the Spot pool, KuCoin docs-new
 * https://www.kucoin.com/docs-new/api-3470171 as the official
 * kucoin-universal-sdk spec carries it (spec/rest/api/openapi-spot-order.json,
 * x-api-rate-limit-pool Spot, x-api-rate-limit-weight 1); ccxt's cost table
 * agrees (privatePostHfOrdersAlter: 1). */
#define KUCOIN_WEIGHT_ALTER 1
/* The same spec (Kucoin/kucoin-universal-sdk, 2025-11, docs-new pages in
 * x-api-doc): "Batch Add Orders" POST /api/v1/hf/orders/multi
 * (api-3470168) Spot pool, weight 1 per request whatever the number of
 * orders; "Cancel All Orders By Symbol" DELETE /api/v1/hf/orders
 * (api-3470175) Spot, weight 2; "Get Account List - Spot" GET
 * /api/v1/accounts (api-3470125, spec/rest/api/openapi-account-account.json)
 * Management pool, weight 5, as the fact sheet says. */
/* streams.md 4.1: POST /api/v1/bullet-private, "Weight 10, Spot pool". */
#define KUCOIN_WEIGHT_BULLET        10
#define KUCOIN_WEIGHT_MULTI         1
#define KUCOIN_WEIGHT_CANCEL_SYMBOL 2
#define KUCOIN_WEIGHT_ACCOUNTS      5
/* "Get Apikey Info" GET /api/v1/user/api-key (KuCoin docs-new, Account
 * Info): Management pool, weight 20; data.uid names the key's account
 * (XG_OP_ACCOUNT_ID). */
#define KUCOIN_WEIGHT_API_KEY 20
/* "Batch Add Orders" (api-3470168): "A maximum of 5 orders can be placed
 * simultaneously. The order types must be limit orders of the same
 * trading pair". The 20 some third-party clients use is the futures
 * batch's (api-futures /api/v1/orders/multi: "up to 20 orders at one
 * time"); the HF spot batch's own page, as the official SDK spec carries
 * it, says 5. */
#define KUCOIN_BATCH_NEW_MAX 5
/* HF "Get Trade History" GET /api/v1/hf/fills (docs-new api-3470180), as
 * the same spec carries it (spec/rest/api/openapi-spot-order.json):
 * x-api-rate-limit-pool Spot, x-api-rate-limit-weight 2; its largest page,
 * "limit: Default20, Max100", which requests.c sends and parse_fills.c
 * takes for a cut list when full. */
#define KUCOIN_WEIGHT_FILLS   2
#define KUCOIN_FILLS_PAGE     100
#define KUCOIN_FILLS_PAGE_STR "100"

#define KUCOIN_PATH_TIME     "/api/v1/timestamp"
#define KUCOIN_PATH_SYMBOLS  "/api/v2/symbols"
#define KUCOIN_PATH_ORDERS   "/api/v1/hf/orders"
#define KUCOIN_PATH_BY_COID  "/api/v1/hf/orders/client-order/"
#define KUCOIN_PATH_ACTIVE   "/api/v1/hf/orders/active"
#define KUCOIN_PATH_ALTER    "/api/v1/hf/orders/alter"
#define KUCOIN_PATH_MULTI    "/api/v1/hf/orders/multi"
#define KUCOIN_PATH_ACCOUNTS "/api/v1/accounts"
#define KUCOIN_PATH_BULLET   "/api/v1/bullet-private"
#define KUCOIN_PATH_API_KEY  "/api/v1/user/api-key"
#define KUCOIN_PATH_FILLS    "/api/v1/hf/fills"

/* The private stream's token, with its NUL: the fact sheet's example is
 * about 200 characters; the URL carrying it must fit XG_STREAM_URL_MAX. */
#define KUCOIN_STREAM_TOKEN_MAX 384
/* streams.md 4.1: the bullet answer's pingInterval and pingTimeout (ms),
 * for an answer that leaves them out, and the range a usable one keeps
 * to (a hostile answer must not make the core ping in a loop or never). */
#define KUCOIN_PING_INTERVAL_DEFAULT 18000
#define KUCOIN_PING_TIMEOUT_DEFAULT  10000
#define KUCOIN_PING_MS_MIN           1000
#define KUCOIN_PING_MS_MAX           600000

/* The adapter instance. The signed passphrase is as good as the
 * passphrase for the venue, so it is key material like the HMAC state;
 * the API key identifies the account and is wiped with them. */
typedef struct kucoin {
    char api_key[KUCOIN_API_KEY_MAX];
    char signed_passphrase[XG_B64_SHA256_LEN + 1];
    xg_hmac *hmac;
    int64_t cancel_reserve_pct;
    int64_t query_reserve_pct;
    int64_t spot_limit;       /* units per window of the Spot pool */
    int64_t management_limit; /* ... of the Management pool */
    int64_t public_limit;     /* units per window of the Public pool */
    int64_t window_ms;        /* both pools' window */
    /* parse.c's and stream.c's token array for xg_json, kept between
     * answers */
    xg_json_store json;
    /* The private stream (stream.c). stream_url: the stream_url option,
     * "" for the endpoint the bullet answer names. The last bullet
     * answer's endpoint and ping timing, and its token while it is fresh
     * ("" once a plan has used it: a reconnect needs a new one). The
     * token opens the account's stream: it is wiped with the instance
     * and never logged. Message ids count up from 1 over the instance's
     * life; stream_subscribe_id is the subscription awaiting its ack (0:
     * none). */
    char stream_url[XG_STREAM_URL_MAX];
    char stream_endpoint[XG_STREAM_URL_MAX];
    char stream_token[KUCOIN_STREAM_TOKEN_MAX];
    int64_t stream_ping_interval_ms;
    int64_t stream_ping_timeout_ms;
    int64_t stream_request_id;
    int64_t stream_subscribe_id;
} kucoin;

/* --- adapter.c ---------------------------------------------------------- */

XG_ADAPTER_EXPORT const xg_adapter *xg_adapter_entry(void);

xg_err kucoin_create(const xg_adapter_config *cfg, void **inst, char *err,
                     size_t err_len);
void kucoin_destroy(void *inst);

/* --- sign.c --------------------------------------------------------------- */

/*
 * Sign and finish a private request: prehash = timestamp + method + path
 * + ("?" + query when query is not empty) + body, HMAC-SHA256 with the
 * secret, base64. Fills req's method, target (path?query), body and the
 * KC-API-* headers (plus Content-Type for a body) and sets is_signed.
 * prehash (may be NULL, prehash_cap bytes) and sig (may be NULL) receive
 * what was signed and the signature. XG_ERR_TRUNCATED if anything does
 * not fit, XG_ERR_INVALID for a method other than GET, POST, DELETE.
 */
xg_err kucoin_finish_signed(kucoin *k, const char *method, const char *path,
                            const char *query, const char *body,
                            size_t body_len, int64_t timestamp_ms,
                            xg_http_request *req, char *prehash,
                            size_t prehash_cap,
                            char sig[XG_B64_SHA256_LEN + 1]);

/* k->signed_passphrase = base64(HMAC-SHA256(secret, passphrase)), the
 * KC-API-PASSPHRASE of key version 2 (computed once, at create). */
xg_err kucoin_sign_passphrase(kucoin *k, const char *passphrase);

/* Append "key":"value" (with a leading ',' unless the object is empty,
 * i.e. body ends in the "{" that opened it). */
void kucoin_json_member(xg_buf *body, const char *key, const char *value);

/* Append "key":true or "key":false the same way: KuCoin's order flags
 * (postOnly, hidden, iceberg) are JSON booleans, never strings. */
void kucoin_json_flag(xg_buf *body, const char *key, int on);

/* Is key one of those flags? */
int kucoin_is_flag(const char *key);

/* The ABI's sign(): path parameters named in path_template ("{clientOid}")
 * are substituted and not repeated; the other parameters go to the query
 * string (GET, DELETE) or a JSON object of strings (POST), in order. */
xg_err kucoin_sign(void *inst, const xg_sign_input *in, xg_signed *out);

/* --- requests.c ----------------------------------------------------------- */

/* Weight of the endpoint serving op and the pool it is charged to. */
int64_t kucoin_op_weight(const xg_op *op);
uint16_t kucoin_op_bucket(xg_op_kind kind);

/* The JSON body of a new order, members in the order of vector
 * kucoin-s-01: clientOid, side, symbol, type, price, size, timeInForce
 * (postOnly last). */
xg_err kucoin_order_body(const xg_order *o, const char *client_id,
                         const char *venue_symbol, xg_buf *body);

/* The JSON body of a batch of new orders (HF "Batch Add Orders"):
 * {"orderList":[...]} of each item's kucoin_order_body, in the order of
 * the items. Only limit orders (XG_ERR_BAD_TYPE otherwise), 1 to
 * KUCOIN_BATCH_NEW_MAX of them (XG_ERR_INVALID otherwise). */
xg_err kucoin_batch_body(const xg_batch *b, const char *venue_symbol,
                         xg_buf *body);

/* The JSON body of an amend (HF "Modify Order"): symbol, clientOid,
 * newPrice, newSize (the new total, what filled included). The order o
 * must be a limit order (only those rest). */
xg_err kucoin_alter_body(const xg_order *o, const xg_amend *a,
                         const char *client_id, const char *venue_symbol,
                         xg_buf *body);

xg_err kucoin_build(void *inst, const xg_op *op, int64_t venue_now_ms,
                    xg_http_request *req);

/* --- parse.c -------------------------------------------------------------- */

xg_err kucoin_parse(void *inst, const xg_op *op, const xg_http_response *resp,
                    const xg_sink *sink, xg_result *res);

/* Map a venue error (HTTP status, body code or 0 when the body had none,
 * msg or "") to outcome, err and the retry/ban fields of res through the
 * error table. Fills venue_code and venue_msg too. */
void kucoin_classify_error(xg_op_kind kind, const xg_http_response *resp,
                           int has_code, int64_t code, const char *msg,
                           xg_result *res);

/* gw-ratelimit-remaining into res->usage for the pool op was charged to;
 * absent or malformed headers give nothing. */
void kucoin_parse_usage(const xg_op *op, const xg_http_response *resp,
                        xg_result *res);

/* The status of an order that ended canceled with what it had filled:
 * EXPIRED for an IOC or FOK order (what was left of it was canceled by
 * the venue, which xgate calls expired), CANCELED otherwise or when
 * timeInForce is not said. XG_ERR_BAD_FIELD when it is given twice. */
xg_err kucoin_canceled_status(const xg_json *j, size_t o,
                              xg_order_status *status);

/* --- parse_fills.c ------------------------------------------------------- */

/* Where a fill's fields are in an object that carries one (tradeId and
 * liquidity have the same names in both): the names and the time's unit
 * differ between an orderChange push and the fills list, the forms do
 * not. */
typedef struct kucoin_fill_keys {
    const char *qty;     /* a decimal string, above zero */
    const char *price;   /* likewise */
    const char *fee;     /* the fee paid, a decimal string; NULL: not said */
    const char *fee_ccy; /* its currency */
    const char *time;    /* an integer, optional */
    int64_t time_per_ms; /* its units per millisecond (ns: 1000000) */
} kucoin_fill_keys;

/* A push's matchSize, matchPrice, ts (ns), no fee (streams.md 4.3). */
extern const kucoin_fill_keys kucoin_push_fill_keys;
/* The fills list's size, price, fee in feeCurrency, createdAt (ms). */
extern const kucoin_fill_keys kucoin_list_fill_keys;

/* The fill of object o of j, its members named by keys, into fill: the
 * trade id from tradeId, a string or an integer, as its decimal text;
 * liquidity maker or taker (absent or another word: not said); the fee
 * positive as paid. XG_ERR_BAD_FIELD when o is no object or a member is
 * absent, repeated, of the wrong type, or a quantity or price not above
 * zero. */
xg_err kucoin_fill(const xg_json *j, size_t o, const kucoin_fill_keys *keys,
                   xg_fill *fill);

/* The data of a 2xx answer to ORDER_FILLS (GET /api/v1/hf/fills with op's
 * orderId): each entry of data.items to sink->fill in the answer's order
 * (newest first, the only order KuCoin gives); a full page
 * (KUCOIN_FILLS_PAGE) is cut, with data.lastId as next_cursor unless the
 * venue did not page as asked (parse_fills.c). A body that does not read,
 * a fill of another order among them, is REJECTED with
 * XG_ERR_BAD_RESPONSE and reaches the sink with nothing. Returns a sink
 * error, else XG_OK. */
xg_err kucoin_parse_order_fills(const xg_op *op, const xg_json *j, size_t data,
                                const xg_sink *sink, xg_result *res);

/* --- stream.c ------------------------------------------------------------- */

/* The ABI's stream entries (xgate/stream.h): a bullet-private token first
 * (XG_OP_STREAM_TOKEN), the welcome, the order topic's subscription, JSON
 * pings. */
xg_err kucoin_stream_plan(void *inst, xg_stream_plan *plan);
xg_err kucoin_stream_login(void *inst, int64_t venue_now_ms, char *out,
                           size_t cap, size_t *len);
xg_err kucoin_stream_subscribe(void *inst, int64_t venue_now_ms, char *out,
                               size_t cap, size_t *len);
xg_err kucoin_stream_ping(void *inst, int64_t venue_now_ms, char *out,
                          size_t cap, size_t *len);
xg_err kucoin_stream_parse(void *inst, const char *text, size_t len,
                           const xg_stream_sink *sink, xg_stream_result *res);

/* --- limits.c ------------------------------------------------------------- */

xg_err kucoin_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n);

#endif
