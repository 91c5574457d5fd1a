/*
 * bybit.h - internals of the Bybit v5 spot adapter, shared between the
 * files of adapters/bybit/ and its unit tests.
 *
 * Nothing here is exported from the plug-in (it is built with
 * -fvisibility=hidden and exports only xg_adapter_entry); the functions are
 * non-static only so that sign.c, requests.c, parse.c, parse_fills.c,
 * stream.c and limits.c can reach each other and tests/unit/test_bybit_*.c
 * can test them directly.
 */
#ifndef XGATE_ADAPTER_BYBIT_H
#define XGATE_ADAPTER_BYBIT_H

#include <stddef.h>
#include <stdint.h>

#include "xgate/adapter.h"
#include "xgate/buf.h"
#include "xgate/json.h"
#include "xgate/sign.h"

/* Bybit HMAC keys are 18 characters; leave room for other formats without
 * accepting anything unbounded (the key travels in a header). */
#define BYBIT_API_KEY_MAX 129

#define BYBIT_RECV_WINDOW_DEFAULT    5000 /* fact sheet: default if omitted */
#define BYBIT_RECV_WINDOW_MAX        60000
#define BYBIT_CANCEL_RESERVE_DEFAULT 5
#define BYBIT_QUERY_RESERVE_DEFAULT  10
#define BYBIT_RESERVE_PCT_MAX        50

/* Fact sheet, "Endpoints" and "Rate-limit model": spot create and cancel
 * 20/s each, realtime query 50/s, per UID and endpoint, rolling 1 s; the
 * per-IP layer 600 requests / 5 s over every endpoint. Amend is not in the
 * fact sheet: Bybit's rate-limit page (docs/v5/rate-limit, "API Rate Limit
 * Table", Trade, UTA2.0 Pro) gives POST /v5/order/amend 10/s in the spot
 * column, half of create and cancel. */
#define BYBIT_CREATE_PER_S_DEFAULT 20
#define BYBIT_CANCEL_PER_S_DEFAULT 20
#define BYBIT_QUERY_PER_S_DEFAULT  50
#define BYBIT_AMEND_PER_S_DEFAULT  10
/* The batch endpoints, cancel-all and the wallet. Bybit's rate-limit page
 * (docs/v5/rate-limit, "API Rate Limit Table", Trade, spot column): POST
 * /v5/order/create-batch and /v5/order/cancel-batch 20/s each, and its
 * "Instructions for batch endpoints": each batch endpoint has its own
 * limit, apart from the single create and cancel, and a batch consumes
 * one unit per order it carries (fact sheet, "Rate-limit model": "consumed
 * per order (1-10 orders/request)"). Cancel-all 20/s spot and
 * wallet-balance 50/s: fact sheet, "Endpoints". */
#define BYBIT_BATCH_CREATE_PER_S_DEFAULT 20
#define BYBIT_BATCH_CANCEL_PER_S_DEFAULT 20
#define BYBIT_CANCEL_ALL_PER_S_DEFAULT   20
#define BYBIT_WALLET_PER_S_DEFAULT       50
/* GET /v5/execution/list, an order's fills: 50/s in every category
 * column, not upgradable (Bybit's rate-limit page, docs/v5/rate-limit,
 * "API Rate Limit Table", Trade), its own per-UID endpoint limit. */
#define BYBIT_EXECUTIONS_PER_S_DEFAULT 50
/* GET /v5/user/query-api, which names the key's account
 * (XG_OP_ACCOUNT_ID): 10/s (Bybit's rate-limit page, "API Rate Limit
 * Table", User), per UID. */
#define BYBIT_API_INFO_PER_S_DEFAULT 10

/* Most orders in one spot batch (Bybit v5 docs, "Batch Place Order" and
 * "Batch Cancel Order": 10 orders per request for spot). */
#define BYBIT_BATCH_MAX            10
#define BYBIT_IP_LIMIT_DEFAULT     600
#define BYBIT_IP_WINDOW_MS_DEFAULT 5000

/* Largest page of /v5/order/realtime (Bybit: limit 1..50): requests.c
 * sends it as limit=, adapter.c reports it in caps. */
#define BYBIT_OPEN_ORDERS_PAGE     50
#define BYBIT_OPEN_ORDERS_PAGE_STR "50"

/* Largest page of /v5/execution/list (Bybit v5 docs, "Get Trade
 * History": limit "[1, 100]. Default: 50"), which requests.c sends. */
#define BYBIT_EXECUTIONS_PAGE_STR "100"

/* The buckets, in the order limits() reports them. */
typedef enum bybit_bucket {
    BYBIT_BUCKET_IP = 0,           /* every request, per IP */
    BYBIT_BUCKET_CREATE = 1,       /* POST /v5/order/create */
    BYBIT_BUCKET_CANCEL = 2,       /* POST /v5/order/cancel */
    BYBIT_BUCKET_REALTIME = 3,     /* GET /v5/order/realtime (query, open) */
    BYBIT_BUCKET_AMEND = 4,        /* POST /v5/order/amend */
    BYBIT_BUCKET_BATCH_CREATE = 5, /* POST /v5/order/create-batch, per order */
    BYBIT_BUCKET_BATCH_CANCEL = 6, /* POST /v5/order/cancel-batch, per order */
    BYBIT_BUCKET_CANCEL_ALL = 7,   /* POST /v5/order/cancel-all */
    BYBIT_BUCKET_WALLET = 8,       /* GET /v5/account/wallet-balance */
    BYBIT_BUCKET_EXECUTIONS = 9,   /* GET /v5/execution/list */
    BYBIT_BUCKET_API_INFO = 10,    /* GET /v5/user/query-api */
    BYBIT_BUCKET_COUNT = 11
} bybit_bucket;

/* The adapter instance. The API key identifies the account, so it is
 * wiped together with the HMAC state. */
typedef struct bybit {
    char api_key[BYBIT_API_KEY_MAX];
    xg_hmac *hmac;
    int64_t recv_window_ms;
    int64_t cancel_reserve_pct;
    int64_t query_reserve_pct;
    int64_t create_per_s;
    int64_t cancel_per_s;
    int64_t query_per_s;
    int64_t amend_per_s;
    int64_t batch_create_per_s;
    int64_t batch_cancel_per_s;
    int64_t cancel_all_per_s;
    int64_t wallet_per_s;
    int64_t executions_per_s;
    int64_t api_info_per_s;
    int64_t ip_limit;
    int64_t ip_window_ms;
    /* The stream_url option: where the private stream connects instead
     * of Bybit's own URL (a simulator); "" for Bybit's. */
    char stream_url[XG_STREAM_URL_MAX];
    /* parse.c's token array for xg_json, kept between answers */
    xg_json_store json;
} bybit;

/* --- adapter.c ---------------------------------------------------------- */

/* The plug-in's one export; declared here so the unit tests reach the
 * table the way the core does. */
XG_ADAPTER_EXPORT const xg_adapter *xg_adapter_entry(void);

xg_err bybit_create(const xg_adapter_config *cfg, void **inst, char *err,
                    size_t err_len);
void bybit_destroy(void *inst);

/* --- sign.c --------------------------------------------------------------- */

/* Can value go into a GET query verbatim, as Bybit's clients send it
 * (letters, digits, "-_.~,:%")? */
int bybit_is_query_value(const char *value);

/* Append "key=value" to a query string ('&' first unless it is empty),
 * value verbatim (checked with bybit_is_query_value); signing covers the
 * same bytes, so what is sent is what is signed. */
void bybit_query_param(xg_buf *q, const char *key, const char *value);

/* Append "\"key\":\"value\"" to a JSON object body being built ('{' or ','
 * first as needed); close it with bybit_json_close. */
void bybit_json_param(xg_buf *body, const char *key, const char *value);
void bybit_json_close(xg_buf *body);

/*
 * Finish a signed request. prehash = timestamp + api key + recv window +
 * payload, where payload is the query string (GET, placed after '?' in the
 * target) or the JSON body (POST). Signature: lower-case hex HMAC-SHA256
 * of the prehash. Adds Content-Type, X-BAPI-API-KEY, X-BAPI-TIMESTAMP,
 * X-BAPI-RECV-WINDOW (omitted, and absent from the prehash, when
 * recv_window_ms < 0) and X-BAPI-SIGN; sets is_signed. prehash (may be
 * NULL) receives the prehash, sig (may be NULL) the signature.
 * XG_ERR_TRUNCATED if anything does not fit, XG_ERR_INVALID for another
 * method.
 */
xg_err bybit_finish_signed(bybit *b, const char *method, const char *path,
                           const char *payload, size_t len,
                           int64_t timestamp_ms, int64_t recv_window_ms,
                           xg_http_request *req, char *prehash,
                           size_t prehash_cap, char sig[XG_HEX_SHA256_LEN + 1]);

/* The ABI's sign(): GET params become the query string in the order
 * given, POST params a JSON object of strings in the order given. */
xg_err bybit_sign(void *inst, const xg_sign_input *in, xg_signed *out);

/* --- requests.c ----------------------------------------------------------- */

/* Charge req for op (IP bucket plus the endpoint's) and set its priority. */
xg_err bybit_add_costs(const xg_op *op, xg_http_request *req);

/* The endpoint bucket of op, or -1 for the public endpoints. */
int bybit_endpoint_bucket(xg_op_kind kind);

xg_err bybit_build(void *inst, const xg_op *op, int64_t venue_now_ms,
                   xg_http_request *req);

/* --- parse.c -------------------------------------------------------------- */

xg_err bybit_parse(void *inst, const xg_op *op, const xg_http_response *resp,
                   const xg_sink *sink, xg_result *res);

/* Map an error answer (HTTP status; retCode when the body had one, msg or
 * "") to outcome, err and the retry/ban fields of res through the error
 * table. Fills venue_code and venue_msg too. */
void bybit_classify_error(xg_op_kind kind, const xg_http_response *resp,
                          int has_code, int64_t code, const char *msg,
                          xg_result *res);

/* The longest window end a usage correction is held for: Bybit's
 * endpoint windows are 1 s, its IP window 5 s; more is not believed. */
#define BYBIT_RESET_MAX_MS 60000

/* Fill res->usage from X-Bapi-Limit-Status for the endpoint of kind; its
 * reset_ms is X-Bapi-Limit-Reset-Timestamp - venue_time_ms (the body's
 * "time", 0 if unknown) when that is in (0, BYBIT_RESET_MAX_MS], else 0. */
void bybit_parse_usage(xg_op_kind kind, const xg_http_response *resp,
                       int64_t venue_time_ms, xg_result *res);

/*
 * An order object as Bybit gives it in a realtime list and in the order
 * topic of the private stream (token o) into rep: status from
 * orderStatus, cumExecQty, cumExecValue, the cumulative fee, price and
 * qty. XG_ERR_NOT_FOUND when it has no client id and XG_ERR_TRUNCATED
 * when its client id is longer than any the gateway sends (someone
 * else's order); XG_ERR_BAD_FIELD for anything malformed, a repeated
 * member included.
 */
xg_err bybit_order_report(const xg_json *j, size_t o, xg_order_report *rep);

/* Parse a decimal string, dropping trailing fraction zeros. */
xg_err bybit_decimal(const char *s, size_t len, xg_decimal *out);

/* Token of object member "result" in *r; 0 if absent, repeated or not an
 * object. */
int bybit_result(const xg_json *j, size_t *r);

/* Token of the array result.list in *list; 0 if there is none. */
int bybit_result_list(const xg_json *j, size_t *list);

/* A list page's way on, from nextPageCursor of the result object r:
 * res->is_list_cut, and res->next_cursor when the cursor can travel back
 * verbatim (parse.c explains the cases). */
void bybit_next_page(const xg_json *j, size_t r, xg_result *res);

/* --- parse_fills.c ------------------------------------------------------- */

/*
 * The fill of one execution object e, as the execution topic of the
 * private stream and /v5/execution/list both give it (the same fields,
 * streams.md 2.5 and "Get Trade History"): execId as the trade id,
 * execQty and execPrice above zero, execFee in feeCurrency (positive
 * when paid), isMaker (absent: not said), execTime (epoch ms as a string
 * of digits; "" or absent: not said). XG_ERR_BAD_FIELD when malformed.
 */
xg_err bybit_execution_fill(const xg_json *j, size_t e, xg_fill *f);

/* The 2xx answer to ORDER_FILLS (/v5/execution/list with op's orderId):
 * each execution of result.list to sink->fill in the answer's order
 * (newest first, the only order Bybit gives), then the page's way on
 * (bybit_next_page). A body that does not read, an execution of another
 * order among them, is REJECTED with XG_ERR_BAD_RESPONSE and reaches the
 * sink with nothing. Returns a sink error, else XG_OK. */
xg_err bybit_parse_order_fills(const xg_op *op, const xg_json *j,
                               const xg_sink *sink, xg_result *res);

/* --- stream.c ------------------------------------------------------------ */

/* The private stream's mainnet URL (fact sheet streams.md, 2.1). */
#define BYBIT_STREAM_URL "wss://stream.bybit.com/v5/private"

/* The ABI's stream entries (xgate/stream.h): the plan, the auth, the
 * subscription to the order and execution topics, the JSON ping, and
 * every message read. */
xg_err bybit_stream_plan(void *inst, xg_stream_plan *plan);
xg_err bybit_stream_login(void *inst, int64_t venue_now_ms, char *out,
                          size_t cap, size_t *len);
xg_err bybit_stream_subscribe(void *inst, int64_t venue_now_ms, char *out,
                              size_t cap, size_t *len);
xg_err bybit_stream_ping(void *inst, int64_t venue_now_ms, char *out,
                         size_t cap, size_t *len);
xg_err bybit_stream_parse(void *inst, const char *text, size_t len,
                          const xg_stream_sink *sink, xg_stream_result *res);

/* --- limits.c ------------------------------------------------------------- */

/* The spec of bucket i with the instance's limits and reserves. */
xg_err bybit_bucket_spec(const bybit *b, bybit_bucket i, xg_bucket_spec *spec);

xg_err bybit_limits(void *inst, xg_bucket_spec *specs, size_t cap, size_t *n);

#endif
